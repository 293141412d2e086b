//! Chapter IV: support of the United Nations system: the Network on
//! Migration, the Migration Multi-Partner Trust Fund, the Migration Network
//! Hub and its Repository of Practices, and the capacity-building mechanism.

use std::collections::BTreeMap;

use imrf_gcm::refdata::stakeholder_label;
use imrf_proto::v1::StakeholderType;

use super::style::list;
use super::{DraftInputs, Para, Writer, most_first, practice_source};
use crate::draft::model::Source;

pub(super) fn system(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Support of the United Nations system");
    w.heading(2, "United Nations Network on Migration");
    let mptf = w.abbr("Migration MPTF", "the Migration Multi-Partner Trust Fund");
    w.para(Para::default().text(format!(
        "The United Nations Network on Migration supports Member States in implementing the Global Compact through its workstreams and its country and regional networks, and manages {mptf} as the start-up fund of the capacity-building mechanism. No account of the Network's activities, of its country and regional networks or of the Fund's contributions and allocations was among the inputs when the present draft was compiled; this section is to be completed from the Network's contribution."
    )));

    w.heading(2, "Migration Network Hub and Repository of Practices");
    let curation = inputs.curation;
    if curation.submitted == 0 {
        w.para(Para::default().text(
            "No practice had been submitted to the Repository of Practices when the draft was compiled.",
        ));
        return;
    }
    let curated = inputs.practice_sources();
    let submitted = w.count(
        curation.submitted,
        "practice",
        "practices",
        &curated,
        "status",
    );
    let reviews = w.count(
        curation.reviews,
        "peer review",
        "peer reviews",
        &curated,
        "reviews",
    );
    let published = w.count(
        curation.published,
        "practice",
        "practices",
        &curated,
        "status",
    );
    let rejected = w.number(curation.rejected, "practices", &curated, "status");
    let withdrawn = w.number(curation.withdrawn, "practices", &curated, "status");
    let n = w.cite(
        "Curation records of the Repository of Practices",
        curated.clone(),
    );
    let outcomes = match (curation.rejected, curation.withdrawn) {
        (0, 0) => "none was rejected or withdrawn".to_string(),
        (_, 0) => format!("{rejected} rejected"),
        (0, _) => format!("{withdrawn} withdrawn by their submitters"),
        _ => format!("{rejected} rejected and {withdrawn} withdrawn by their submitters"),
    };
    w.para(
        Para::default()
            .text(format!(
                "The Migration Network Hub, the knowledge platform of the capacity-building mechanism, maintains the Repository of Practices, in which practices are published after peer review by the Network\u{2019}s curators. Over the cycle, {submitted} were submitted and {reviews} recorded; {published} were published, and {outcomes}."
            ))
            .note(n),
    );
    if inputs.practices.is_empty() {
        return;
    }
    let mut by_type: BTreeMap<i32, Vec<Source>> = BTreeMap::new();
    for p in inputs
        .practices
        .iter()
        .filter(|p| p.details.submitter_type != StakeholderType::Unspecified as i32)
    {
        by_type
            .entry(p.details.submitter_type)
            .or_default()
            .push(practice_source(p));
    }
    let parts: Vec<String> = most_first(by_type, |s| s.len() as u64)
        .into_iter()
        .map(|(t, sources)| {
            let label =
                stakeholder_label(StakeholderType::try_from(t).unwrap_or_default()).to_string();
            let shown = w.number(
                sources.len() as f64,
                "practices",
                &sources,
                "details.submitter_type",
            );
            format!("{shown} from {label}")
        })
        .collect();
    let global: Vec<Source> = inputs
        .practices
        .iter()
        .filter(|p| p.details.global_scope)
        .map(|p| practice_source(p))
        .collect();
    let mut text = if parts.is_empty() {
        String::new()
    } else {
        format!(
            "The published practices came from a range of stakeholders, in keeping with the whole-of-society approach of the Global Compact: {}.",
            list(&parts)
        )
    };
    if !global.is_empty() {
        let shown = w.count(
            global.len() as f64,
            "practice is",
            "practices are",
            &global,
            "details.global_scope",
        );
        text.push_str(&format!(" Of them, {shown} global in scope."));
    }
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let n = w.cite("Published practices", curated);
    w.para(Para::default().text(text).note(n));
}
