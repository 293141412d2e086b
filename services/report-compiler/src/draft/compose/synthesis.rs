//! The rules that turn several reviews' texts into one account: the same
//! finding in several reviews is said once and attributed to all of them,
//! and counts are of distinct texts, not of the reviews that repeat them.

use std::collections::{HashMap, HashSet};

use imrf_proto::v1::{Commission, RegionalReviewRecord};

use super::{commission_of, review_source};
use crate::draft::model::Source;

/// One distinct text and the reviews that give it.
#[derive(Debug)]
pub(super) struct Shared<'a> {
    /// The text as the first review (in commission order) gives it.
    pub text: &'a str,
    /// The reviews that give it, in commission order.
    pub reviews: Vec<&'a RegionalReviewRecord>,
}

impl Shared<'_> {
    /// The commissions that give the text.
    pub fn commissions(&self) -> Vec<Commission> {
        self.reviews.iter().map(|r| commission_of(r)).collect()
    }

    /// The reviews that give the text, as sources.
    pub fn sources(&self) -> impl Iterator<Item = Source> + '_ {
        self.reviews.iter().map(|r| review_source(r))
    }
}

/// The form under which two texts count as the same: case, spacing and a
/// final full stop do not make a text distinct.
fn normal(text: &str) -> String {
    // One pass, one allocation: a chapter normalises every State's
    // narrative on every objective.
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    let kept = out.trim_end_matches('.').len();
    out.truncate(kept);
    out
}

/// Whether two texts count as the same finding.
pub(super) fn same_text(a: &str, b: &str) -> bool {
    normal(a) == normal(b)
}

/// `items` (item, text) grouped by texts that count as the same, each
/// group under its first text (trimmed), in the order of first appearance;
/// empty texts are left out. Each distinct wording is normalised once,
/// however many items give it: a chapter groups every State's narrative.
pub(super) fn alike<'a, T>(
    items: impl IntoIterator<Item = (T, &'a str)>,
) -> Vec<(&'a str, Vec<T>)> {
    let mut groups: Vec<(&'a str, Vec<T>)> = Vec::new();
    let mut by_normal: HashMap<String, usize> = HashMap::new();
    let mut by_wording: HashMap<&'a str, usize> = HashMap::new();
    for (item, text) in items {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let group = *by_wording.entry(text).or_insert_with(|| {
            *by_normal.entry(normal(text)).or_insert_with(|| {
                groups.push((text, Vec::new()));
                groups.len() - 1
            })
        });
        groups[group].1.push(item);
    }
    groups
}

/// Distinct texts of `items` (review, text), the most shared first, then in
/// the order of their first review; empty texts are left out.
pub(super) fn distinct<'a>(
    items: impl IntoIterator<Item = (&'a RegionalReviewRecord, &'a str)>,
) -> Vec<Shared<'a>> {
    let mut shared: Vec<Shared<'a>> = alike(items)
        .into_iter()
        .map(|(text, mut reviews)| {
            let mut seen = HashSet::new();
            reviews.retain(|r| seen.insert(r.review_id.as_str()));
            reviews.sort_by_key(|r| commission_of(r) as i32);
            Shared { text, reviews }
        })
        .collect();
    // A stable sort keeps first-seen order among equally shared texts.
    shared.sort_by_key(|s| std::cmp::Reverse(s.reviews.len()));
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use imrf_proto::v1::RegionalReview;

    fn review(id: &str, commission: Commission) -> RegionalReviewRecord {
        RegionalReviewRecord {
            review_id: id.into(),
            review: Some(RegionalReview {
                commission: commission as i32,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn texts_differing_in_case_spacing_and_final_stops_are_the_same() {
        assert_eq!(normal("  Data\tgaps  PERSIST..  "), "data gaps persist");
        assert_eq!(normal("Ça  Évolue."), "ça évolue");
        assert_eq!(normal(" . "), "");
        assert!(same_text(
            "Labour pathways widened.",
            "labour   pathways widened"
        ));
        assert!(!same_text(
            "Labour pathways widened",
            "Labour pathways narrowed"
        ));
    }

    #[test]
    fn a_finding_of_several_reviews_is_one_text_attributed_to_all() {
        let (eca, ece, escap) = (
            review("2026-ECA", Commission::Eca),
            review("2026-ECE", Commission::Ece),
            review("2026-ESCAP", Commission::Escap),
        );
        let texts = distinct([
            (&escap, "Data gaps persist."),
            (&ece, "Labour pathways widened."),
            (&eca, "data gaps  persist"),
            (&ece, ""),
            (&escap, "Data gaps persist"),
        ]);
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert_eq!(texts[0].text, "Data gaps persist.");
        assert_eq!(
            texts[0].commissions(),
            vec![Commission::Eca, Commission::Escap],
            "each review once, in commission order"
        );
        assert_eq!(texts[1].commissions(), vec![Commission::Ece]);
    }
}
