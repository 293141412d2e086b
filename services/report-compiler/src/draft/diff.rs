//! What changed between two versions of a draft, read from their JSON
//! renderings: the inputs revised, added or removed; the paragraphs added,
//! removed and changed, section by section; and every figure whose value
//! moved, with those of its sources that differ. Paragraphs are aligned by
//! their text (footnote marks left out, since one new footnote renumbers
//! every later one), so a paragraph inserted early does not make every
//! later one look changed.

use std::collections::BTreeMap;

use imrf_proto::v1::{ChangeKind, DiffDraftsResponse, FigureChange, InputChange, ParagraphChange};

use super::model::{Block, Draft, Figure, Inline, Source, SourceKind};

/// A paragraph of a draft, as the comparison sees it.
#[derive(Debug)]
struct Para {
    number: Option<u32>,
    text: String,
    /// Where its figures are located ("12", "summary", "Annex I").
    location: String,
}

/// A paragraph's text without its footnote marks.
pub fn plain(content: &[Inline]) -> String {
    content
        .iter()
        .filter_map(|i| match i {
            Inline::Text(t) => Some(t.as_str()),
            Inline::Footnote(_) => None,
        })
        .collect()
}

/// The paragraphs of every part of `draft`, by part, in order.
fn parts(draft: &Draft) -> Vec<(String, Vec<Para>)> {
    let mut out = vec![(
        "summary".to_string(),
        draft
            .summary
            .iter()
            .map(|p| Para {
                number: None,
                text: plain(p),
                location: "summary".into(),
            })
            .collect(),
    )];
    for section in draft.sections.iter().chain(&draft.annexes) {
        let paragraphs = section
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph {
                    number, content, ..
                } => Some(Para {
                    number: *number,
                    text: plain(content),
                    location: number.map_or_else(|| section.number.clone(), |n| n.to_string()),
                }),
                _ => None,
            })
            .collect();
        out.push((section.number.clone(), paragraphs));
    }
    out
}

/// One step of an alignment of two sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// A longest-common-subsequence alignment of `a` and `b` by `same`.
fn align<A, B>(a: &[A], b: &[B], same: impl Fn(&A, &B) -> bool) -> Vec<Step> {
    let (n, m) = (a.len(), b.len());
    // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lengths = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i][j] = if same(&a[i], &b[j]) {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut steps) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && same(&a[i], &b[j]) {
            steps.push(Step::Same(i, j));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lengths[i][j + 1] >= lengths[i + 1][j]) {
            steps.push(Step::Added(j));
            j += 1;
        } else {
            steps.push(Step::Removed(i));
            i += 1;
        }
    }
    steps
}

/// Pairs the paragraphs of one part: equal texts, then, between two equal
/// ones, removed and added paragraphs in order as changed ones.
/// Returns (from index, to index) pairs (`None` on the side it is missing).
fn pair(from: &[Para], to: &[Para]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut pairs = Vec::new();
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let flush = |removed: &mut Vec<usize>,
                 added: &mut Vec<usize>,
                 pairs: &mut Vec<(Option<usize>, Option<usize>)>| {
        let paired = removed.len().max(added.len());
        for k in 0..paired {
            pairs.push((removed.get(k).copied(), added.get(k).copied()));
        }
        removed.clear();
        added.clear();
    };
    for step in align(from, to, |a, b| a.text == b.text) {
        match step {
            Step::Same(i, j) => {
                flush(&mut removed, &mut added, &mut pairs);
                pairs.push((Some(i), Some(j)));
            }
            Step::Removed(i) => removed.push(i),
            Step::Added(j) => added.push(j),
        }
    }
    flush(&mut removed, &mut added, &mut pairs);
    pairs
}

fn source_ref(s: &Source) -> imrf_proto::v1::SourceRef {
    imrf_proto::v1::SourceRef {
        kind: s.kind.as_str().into(),
        id: s.id.clone(),
        revision: s.revision,
    }
}

/// The sources of `from` and `to` that differ: by kind and id, a revision
/// moved, or one side only.
fn moved(from: &[&Source], to: &[&Source]) -> Vec<InputChange> {
    let by_id = |sources: &[&Source]| -> BTreeMap<(SourceKind, String), Source> {
        sources
            .iter()
            .map(|s| ((s.kind, s.id.clone()), (*s).clone()))
            .collect()
    };
    let (before, after) = (by_id(from), by_id(to));
    let mut keys: Vec<&(SourceKind, String)> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| match (before.get(k), after.get(k)) {
            (Some(a), Some(b)) if a.revision == b.revision => None,
            (a, b) => Some(InputChange {
                from: a.map(source_ref),
                to: b.map(source_ref),
            }),
        })
        .collect()
}

fn figure_sources(f: &Figure) -> Vec<&Source> {
    f.sources.iter().map(|s| &s.input).collect()
}

/// Figures are the same figure when they measure the same thing the same
/// way: unit, method, year and the fields read.
fn same_measure(a: &Figure, b: &Figure) -> bool {
    fn fields(f: &Figure) -> Vec<(SourceKind, &str)> {
        let mut fields: Vec<(SourceKind, &str)> = f
            .sources
            .iter()
            .map(|s| (s.input.kind, s.field.as_str()))
            .collect();
        fields.sort_unstable();
        fields.dedup();
        fields
    }
    a.unit == b.unit && a.method == b.method && a.year == b.year && fields(a) == fields(b)
}

/// What changed from draft `from` to draft `to`; the response's draft
/// descriptions are the caller's to fill.
pub fn compare(from: &Draft, to: &Draft) -> DiffDraftsResponse {
    let inputs = moved(
        &from.inputs.iter().map(|e| &e.source).collect::<Vec<_>>(),
        &to.inputs.iter().map(|e| &e.source).collect::<Vec<_>>(),
    );

    let by_location = |draft: &Draft| -> BTreeMap<String, Vec<usize>> {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in draft.figures.iter().enumerate() {
            map.entry(f.location.clone()).or_default().push(i);
        }
        map
    };
    let (from_figures, to_figures) = (by_location(from), by_location(to));

    let mut paragraphs = Vec::new();
    let mut figures = Vec::new();
    // Locations already compared: a summary's or an annex's figures are
    // located by the part, not the paragraph, and compared once.
    let mut compared = std::collections::BTreeSet::new();
    let to_parts = parts(to);
    let from_parts: BTreeMap<String, Vec<Para>> = parts(from).into_iter().collect();
    let none: Vec<Para> = Vec::new();
    let to_names: std::collections::BTreeSet<String> =
        to_parts.iter().map(|(n, _)| n.clone()).collect();
    // Parts only in the earlier draft come last, all removed.
    let gone = from_parts
        .iter()
        .filter(|(name, _)| !to_names.contains(name.as_str()))
        .map(|(name, _)| (name.clone(), Vec::new()));
    let all: Vec<(String, Vec<Para>)> = to_parts.into_iter().chain(gone).collect();
    for (name, after) in &all {
        let before = from_parts.get(name).unwrap_or(&none);
        for (i, j) in pair(before, after) {
            let (a, b) = (i.map(|i| &before[i]), j.map(|j| &after[j]));
            let kind = match (a, b) {
                (Some(a), Some(b)) if a.text == b.text => None,
                (Some(_), Some(_)) => Some(ChangeKind::Changed),
                (Some(_), None) => Some(ChangeKind::Removed),
                (None, _) => Some(ChangeKind::Added),
            };
            if let Some(kind) = kind {
                paragraphs.push(ParagraphChange {
                    kind: kind as i32,
                    section: name.clone(),
                    from_number: a.and_then(|p| p.number).unwrap_or(0),
                    to_number: b.and_then(|p| p.number).unwrap_or(0),
                    from_text: a.map(|p| p.text.clone()).unwrap_or_default(),
                    to_text: b.map(|p| p.text.clone()).unwrap_or_default(),
                });
            }
            let (Some(a), Some(b)) = (a, b) else { continue };
            if !compared.insert((a.location.clone(), b.location.clone())) {
                continue;
            }
            let empty = Vec::new();
            let xs: Vec<&Figure> = from_figures
                .get(&a.location)
                .unwrap_or(&empty)
                .iter()
                .map(|k| &from.figures[*k])
                .collect();
            let ys: Vec<&Figure> = to_figures
                .get(&b.location)
                .unwrap_or(&empty)
                .iter()
                .map(|k| &to.figures[*k])
                .collect();
            for step in align(&xs, &ys, |x, y| same_measure(x, y)) {
                let Step::Same(x, y) = step else { continue };
                let (x, y) = (xs[x], ys[y]);
                if x.value != y.value || x.display != y.display {
                    figures.push(FigureChange {
                        from_id: x.id.clone(),
                        to_id: y.id.clone(),
                        from_location: x.location.clone(),
                        to_location: y.location.clone(),
                        from_display: x.display.clone(),
                        to_display: y.display.clone(),
                        from_value: x.value,
                        to_value: y.value,
                        unit: y.unit.clone(),
                        moved_by: moved(&figure_sources(x), &figure_sources(y)),
                    });
                }
            }
        }
    }
    DiffDraftsResponse {
        from: None,
        to: None,
        inputs,
        paragraphs,
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insertion_is_one_added_paragraph_and_a_rewrite_one_changed() {
        let para = |text: &str| Para {
            number: None,
            text: text.into(),
            location: String::new(),
        };
        let from = [para("a"), para("b"), para("c"), para("d")];
        let to = [para("new"), para("a"), para("b"), para("C!"), para("d")];
        assert_eq!(
            pair(&from, &to),
            [
                (None, Some(0)),
                (Some(0), Some(1)),
                (Some(1), Some(2)),
                (Some(2), Some(3)),
                (Some(3), Some(4)),
            ]
        );
        assert_eq!(
            pair(&from, &[]),
            [
                (Some(0), None),
                (Some(1), None),
                (Some(2), None),
                (Some(3), None)
            ]
        );
    }
}
