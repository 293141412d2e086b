//! Where a regional review is checked: every rule of the intake, each
//! problem reported as one field violation, all at once.
//!
//! Limits (characters): title 300; document symbol, stakeholder description
//! and each recommendation 1,000; progress, challenges, gaps and summary
//! 20,000. At most 23 findings (one per objective), 200 participating
//! States, 20 recommendations and 50 practice references per finding. A
//! review must also fit in one bus message: the gate cuts off a request
//! over `MAX_SUBMISSION_BYTES` before it is decoded.

use std::collections::BTreeSet;

use imrf_gcm::refdata::OBJECTIVE_COUNT;
use imrf_gcm::validate::{
    LONG_TEXT_MAX_CHARS, Path, SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS, Violations,
};
use imrf_proto::v1::{Commission, RegionalReview};

const MAX_STATES: usize = 200;
const MAX_RECOMMENDATIONS: usize = 20;
const MAX_PRACTICE_REFS: usize = 50;

/// Checks a whole review; `field` is its path in the request ("review").
pub fn review(v: &mut Violations, field: &str, review: &RegionalReview) {
    v.cycle_id(Path::field(&field, "cycle_id"), &review.cycle_id);
    let commission = v.commission(Path::field(&field, "commission"), review.commission);
    v.required_text(Path::field(&field, "title"), &review.title, TITLE_MAX_CHARS);
    v.optional_text(
        Path::field(&field, "document_symbol"),
        &review.document_symbol,
        SHORT_TEXT_MAX_CHARS,
    );
    v.date_range(
        Path::field(&field, "review_period"),
        review.review_period.as_ref(),
    );
    v.date_range(
        Path::field(&field, "meeting_dates"),
        review.meeting_dates.as_ref(),
    );
    participating_states(v, field, commission, &review.participating_states);
    v.stakeholders(Path::field(&field, "stakeholders"), &review.stakeholders);
    findings(v, field, review);
    v.objectives(
        Path::field(&field, "less_attention_objectives"),
        &review.less_attention_objectives,
    );
    v.required_text(
        Path::field(&field, "summary"),
        &review.summary,
        LONG_TEXT_MAX_CHARS,
    );
}

fn participating_states(
    v: &mut Violations,
    field: &str,
    commission: Option<Commission>,
    states: &[String],
) {
    let list = Path::field(&field, "participating_states");
    if states.is_empty() {
        v.add(
            list,
            "is required: the Member States that took part in the review",
        );
    }
    v.list_len(list, states.len(), MAX_STATES);
    let mut seen = BTreeSet::new();
    for (i, state) in states.iter().enumerate().take(MAX_STATES) {
        let item = Path::item(&list, i);
        match commission {
            Some(commission) => v.commission_member(item, commission, state),
            None => {
                v.member_state(item, state);
            }
        }
        if !seen.insert(state.as_str()) {
            v.add(item, format!("{state} is listed twice"));
        }
    }
}

fn findings(v: &mut Violations, field: &str, review: &RegionalReview) {
    let list = Path::field(&field, "findings");
    if review.findings.is_empty() {
        v.add(list, "is required: at least one finding on a GCM objective");
    }
    // A finding per objective at most.
    let most = OBJECTIVE_COUNT as usize;
    v.list_len(list, review.findings.len(), most);
    let mut seen = BTreeSet::new();
    for (i, finding) in review.findings.iter().enumerate().take(most) {
        let item = Path::item(&list, i);
        let objective_field = Path::field(&item, "objective");
        v.objective(objective_field, finding.objective);
        if !seen.insert(finding.objective) {
            v.add(
                objective_field,
                format!(
                    "objective {} already has a finding; give at most one finding per objective",
                    finding.objective
                ),
            );
        }
        if finding.progress.trim().is_empty()
            && finding.challenges.trim().is_empty()
            && finding.gaps.trim().is_empty()
        {
            v.add(
                item,
                "is empty: give the progress, challenges or gaps found",
            );
        }
        v.optional_text(
            Path::field(&item, "progress"),
            &finding.progress,
            LONG_TEXT_MAX_CHARS,
        );
        v.optional_text(
            Path::field(&item, "challenges"),
            &finding.challenges,
            LONG_TEXT_MAX_CHARS,
        );
        v.optional_text(
            Path::field(&item, "gaps"),
            &finding.gaps,
            LONG_TEXT_MAX_CHARS,
        );
        v.list_len(
            Path::field(&item, "recommendations"),
            finding.recommendations.len(),
            MAX_RECOMMENDATIONS,
        );
        for (j, recommendation) in finding
            .recommendations
            .iter()
            .enumerate()
            .take(MAX_RECOMMENDATIONS)
        {
            v.required_text(
                Path::item(&Path::field(&item, "recommendations"), j),
                recommendation,
                SHORT_TEXT_MAX_CHARS,
            );
        }
        v.list_len(
            Path::field(&item, "practice_ids"),
            finding.practice_ids.len(),
            MAX_PRACTICE_REFS,
        );
        for (j, id) in finding
            .practice_ids
            .iter()
            .enumerate()
            .take(MAX_PRACTICE_REFS)
        {
            if ulid::Ulid::from_string(id).is_err() {
                v.add(
                    Path::item(&Path::field(&item, "practice_ids"), j),
                    format!("'{id}' is not a practice id (a 26-character ULID)"),
                );
            }
        }
    }
}

/// Splits a review id ("2026-ECE") into cycle and commission.
pub fn parse_review_id(id: &str) -> Option<(String, Commission)> {
    let (cycle, code) = id.rsplit_once('-')?;
    let commission = Commission::from_str_name(&format!("COMMISSION_{code}"))
        .filter(|c| *c != Commission::Unspecified)?;
    imrf_gcm::validate::is_cycle_id(cycle).then(|| (cycle.to_string(), commission))
}

/// The id of the review of `commission` in `cycle_id`.
pub fn review_id(cycle_id: &str, commission: Commission) -> String {
    format!(
        "{cycle_id}-{}",
        imrf_gcm::refdata::commission_code(commission)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_ids_round_trip() {
        let id = review_id("2026-plenary", Commission::Eclac);
        assert_eq!(id, "2026-plenary-ECLAC");
        assert_eq!(
            parse_review_id(&id),
            Some(("2026-plenary".to_string(), Commission::Eclac))
        );
        assert_eq!(parse_review_id("2026-XYZ"), None);
        assert_eq!(parse_review_id("20-ECE"), None);
        assert_eq!(parse_review_id("2026-UNSPECIFIED"), None);
        assert_eq!(parse_review_id("ECE"), None);
    }
}
