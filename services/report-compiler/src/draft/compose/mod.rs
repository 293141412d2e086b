//! Where the inputs of a cycle turn into the paragraphs of the draft: the
//! mandate, the global picture from the bundled data, progress by round
//! table and objective, least attention, indicators, pledges, the Network's
//! Repository of Practices, guidance for the Forum and the annex tables.
//! Each chapter is a file of its own; this module holds what they share:
//! the inputs, the writer that numbers paragraphs and footnotes, sources
//! and the UN editorial forms of numbers. Every figure and quotation gets a
//! footnote naming its source; a section
//! without inputs says so. Everything is sorted and no clock is read, so
//! the same inputs give the same draft.

use std::time::SystemTime;

use imrf_gcm::aggregate::contribution::Contribution;
use imrf_gcm::aggregate::{CycleInputs, Filter, compute};
use imrf_gcm::clock::end_of_day;
use imrf_gcm::refdata::reference;
use imrf_gcm::validate::to_calendar_date;
use imrf_proto::v1::{Cycle, ImplementationStatus, NationalReportRecord, RegionalReviewRecord};

use crate::draft::model::{Block, Draft, Footnote, Inline, Section, Source, Table};
use crate::inputs::{CurationCounts, Inputs, PracticeInput};

mod annex;
mod attention;
mod guidance;
mod indicators;
mod introduction;
mod overview;
mod pledges;
mod progress;
mod repository;

use annex::annex;
use attention::least_attention;
use guidance::guidance;
use indicators::indicators;
use introduction::introduction;
use overview::overview;
use pledges::pledges;
use progress::progress;
use repository::repository;

/// What a draft is compiled from.
#[derive(Debug)]
pub struct DraftInputs<'a> {
    /// The cycle.
    pub cycle: &'a Cycle,
    /// Regional reviews that count, latest revisions.
    pub reviews: Vec<&'a RegionalReviewRecord>,
    /// National reports, latest revisions, with their stream sequences.
    pub reports: Vec<(&'a NationalReportRecord, u64)>,
    /// Practices published by the cut-off.
    pub practices: Vec<&'a PracticeInput>,
    /// Curation activity of the Repository.
    pub curation: CurationCounts,
}

impl<'a> DraftInputs<'a> {
    /// What the draft of `cycle` is compiled from, out of everything the
    /// service has read: its reviews and reports (latest revisions) and the
    /// practices published by the end of its practices cut-off day.
    pub fn gather(cycle: &'a Cycle, inputs: &'a Inputs) -> Self {
        let cutoff_ms = cycle
            .schedule
            .as_ref()
            .and_then(|s| s.practices_cutoff.as_ref())
            .and_then(to_calendar_date)
            .map(end_of_day)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX) - 1);
        Self {
            cycle,
            reviews: inputs.reviews(&cycle.cycle_id),
            reports: inputs.reports(&cycle.cycle_id),
            practices: inputs.published_practices(cutoff_ms),
            curation: inputs.curation(),
        }
    }

    /// Every input the draft uses, as sources, sorted.
    pub fn watermark(&self) -> Vec<Source> {
        let mut sources: Vec<Source> = self
            .reviews
            .iter()
            .map(|r| review_source(r))
            .chain(self.reports.iter().map(|(r, _)| report_source(r)))
            .chain(self.practices.iter().map(|p| practice_source(p)))
            .collect();
        sources.sort();
        sources
    }
}

fn review_source(record: &RegionalReviewRecord) -> Source {
    Source {
        kind: "regional_review".into(),
        id: record.review_id.clone(),
        revision: record.meta.as_ref().map_or(0, |m| m.revision),
    }
}

fn report_source(record: &NationalReportRecord) -> Source {
    Source {
        kind: "national_report".into(),
        id: record.report_id.clone(),
        revision: record.meta.as_ref().map_or(0, |m| m.revision),
    }
}

fn practice_source(practice: &PracticeInput) -> Source {
    Source {
        kind: "practice".into(),
        id: practice.practice_id.clone(),
        revision: practice.revision,
    }
}

fn dataset(name: &str) -> Source {
    Source {
        kind: "dataset".into(),
        id: name.into(),
        revision: 0,
    }
}

/// Numbers in UN style: thousands separated by commas.
fn int(n: impl Into<f64>) -> String {
    let n = n.into().round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// "1 Member State", "3 Member States".
fn count(n: impl Into<f64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    if (n - 1.0).abs() < f64::EPSILON {
        format!("1 {singular}")
    } else {
        format!("{} {plural}", int(n))
    }
}

/// A quotation, without the final full stop the sentence adds itself.
fn quote(text: &str) -> String {
    format!("\u{201c}{}\u{201d}", text.trim().trim_end_matches('.'))
}

fn per_cent(part: f64, whole: f64) -> String {
    if whole == 0.0 {
        return "0 per cent".into();
    }
    format!("{:.1} per cent", part / whole * 100.0)
}

fn decimal(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn objective_name(n: u32) -> String {
    reference().objective(n).map_or_else(
        || format!("Objective {n}"),
        |o| format!("objective {n} ({})", o.short_label.to_lowercase()),
    )
}

fn status_phrase(status: i32) -> &'static str {
    match ImplementationStatus::try_from(status).unwrap_or_default() {
        ImplementationStatus::NotStarted => "not yet started",
        ImplementationStatus::Planned => "planned",
        ImplementationStatus::InProgress => "in progress",
        ImplementationStatus::Achieved => "achieved",
        ImplementationStatus::NotApplicable => "not applicable",
        ImplementationStatus::Unspecified => "unspecified",
    }
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("X")
}

fn is_illustrative(text: &str) -> bool {
    text.to_lowercase().contains("illustrative")
}

/// Most sources a footnote names one by one.
const CITED_IN_FULL: usize = 25;

/// Writes sections, numbering paragraphs and footnotes as it goes.
struct Writer {
    sections: Vec<Section>,
    footnotes: Vec<Footnote>,
    paragraph: u32,
}

/// Text of a paragraph being written.
#[derive(Default)]
struct Para(Vec<Inline>);

impl Para {
    fn text(mut self, text: impl Into<String>) -> Self {
        self.0.push(Inline::Text(text.into()));
        self
    }
    fn note(mut self, n: u32) -> Self {
        self.0.push(Inline::Footnote(n));
        self
    }
}

impl Writer {
    fn section(&mut self, title: &str) {
        let number = roman(self.sections.len() + 1).to_string();
        self.sections.push(Section {
            number,
            title: title.into(),
            blocks: Vec::new(),
        });
    }

    fn annex(&mut self, title: &str) {
        self.sections.push(Section {
            number: "Annex".into(),
            title: title.into(),
            blocks: Vec::new(),
        });
    }

    fn block(&mut self, block: Block) {
        if let Some(section) = self.sections.last_mut() {
            section.blocks.push(block);
        }
    }

    fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.block(Block::Heading {
            level,
            text: text.into(),
        });
    }

    fn para(&mut self, para: Para) {
        self.paragraph += 1;
        let number = self.paragraph;
        self.block(Block::Paragraph {
            number,
            content: para.0,
        });
    }

    fn note(&mut self, text: impl Into<String>, mut sources: Vec<Source>) -> u32 {
        sources.sort();
        sources.dedup();
        let number = u32::try_from(self.footnotes.len() + 1).unwrap_or(u32::MAX);
        self.footnotes.push(Footnote {
            number,
            text: text.into(),
            sources,
        });
        number
    }

    /// A footnote citing submissions, listing them in its text. Long lists
    /// are cut after [`CITED_IN_FULL`] entries; every input is listed once,
    /// in the draft's `inputs`.
    fn cite(&mut self, lead: &str, sources: Vec<Source>) -> u32 {
        let mut sorted = sources.clone();
        sorted.sort();
        sorted.dedup();
        let more = sorted.len().saturating_sub(CITED_IN_FULL);
        sorted.truncate(CITED_IN_FULL);
        let list: Vec<String> = sorted
            .iter()
            .map(|s| {
                let kind = match s.kind.as_str() {
                    "regional_review" => "regional review",
                    "national_report" => "national report",
                    "practice" => "practice",
                    _ => "dataset",
                };
                if s.revision > 0 {
                    format!("{kind} {}, revision {}", s.id, s.revision)
                } else {
                    format!("{kind} {}", s.id)
                }
            })
            .collect();
        let tail = if more > 0 {
            format!("; and {more} more (every input is listed in the draft's list of inputs)")
        } else {
            String::new()
        };
        self.note(format!("{lead}: {}{tail}.", list.join("; ")), sorted)
    }

    fn table(&mut self, table: Table) {
        self.block(Block::Table(table));
    }
}

fn practices_on<'a>(inputs: &'a DraftInputs, objective: u32) -> Vec<&'a PracticeInput> {
    inputs
        .practices
        .iter()
        .copied()
        .filter(|p| p.details.primary_objectives.contains(&objective))
        .collect()
}

/// Compiles the draft of `inputs`.
pub fn compose(inputs: &DraftInputs) -> Draft {
    let cycle = inputs.cycle;
    let mut contributions = CycleInputs::default();
    for (record, sequence) in &inputs.reports {
        if let Some(c) = Contribution::from_national(record) {
            contributions.apply(c, *sequence);
        }
    }
    for (i, record) in inputs.reviews.iter().enumerate() {
        if let Some(c) = Contribution::from_regional(record) {
            contributions.apply(c, i as u64 + 1);
        }
    }
    let aggregate = compute(&cycle.cycle_id, &contributions, Filter::default());

    let mut w = Writer {
        sections: Vec::new(),
        footnotes: Vec::new(),
        paragraph: 0,
    };
    let states_reporting = {
        let mut states: Vec<&str> = inputs
            .reports
            .iter()
            .filter_map(|(r, _)| r.report.as_ref().map(|x| x.state.as_str()))
            .collect();
        states.sort_unstable();
        states.dedup();
        states
    };

    // The summary comes first in the report, so its footnote is number 1.
    let summary_note = w.cite("Inputs", inputs.watermark());
    let summary = Para::default()
        .text(format!(
            "The present report, drafted from {}, {} from {} and {} published in the Migration Network Hub's Repository of Practices, reviews progress in implementing the Global Compact for Safe, Orderly and Regular Migration by round table and objective, identifies the objectives that received least attention, and sets out guidance for the deliberations of the Forum.",
            count(inputs.reviews.len() as f64, "regional review", "regional reviews"),
            count(inputs.reports.len() as f64, "national report", "national reports"),
            count(states_reporting.len() as f64, "Member State", "Member States"),
            count(inputs.practices.len() as f64, "practice", "practices")
        ))
        .note(summary_note)
        .0;

    introduction(&mut w, inputs, &states_reporting);
    overview(&mut w, inputs, &aggregate, &states_reporting);
    progress(&mut w, inputs, &aggregate);
    least_attention(&mut w, inputs, &aggregate);
    indicators(&mut w, inputs, &aggregate);
    pledges(&mut w, inputs, &aggregate);
    repository(&mut w, inputs);
    guidance(&mut w, inputs);
    annex(&mut w, inputs, &aggregate, &states_reporting);

    let illustrative: Vec<String> = inputs
        .reviews
        .iter()
        .filter(|r| {
            r.review
                .as_ref()
                .is_some_and(|x| is_illustrative(&x.title) || is_illustrative(&x.summary))
        })
        .map(|r| r.review_id.clone())
        .chain(
            inputs
                .reports
                .iter()
                .filter(|(r, _)| {
                    r.report
                        .as_ref()
                        .is_some_and(|x| is_illustrative(&x.title) || is_illustrative(&x.summary))
                })
                .map(|(r, _)| r.report_id.clone()),
        )
        .chain(
            inputs
                .practices
                .iter()
                .filter(|p| {
                    is_illustrative(&p.details.title) || is_illustrative(&p.details.summary)
                })
                .map(|p| p.practice_id.clone()),
        )
        .collect();
    let illustrative_note = (!illustrative.is_empty()).then(|| {
        format!(
            "ILLUSTRATIVE DRAFT: {} of the inputs are illustrative, prepared to demonstrate the platform and not submitted by the bodies named ({}). Figures drawn from them are not official.",
            illustrative.len(),
            if illustrative.len() > 8 {
                format!("{} and {} more", illustrative[..8].join(", "), illustrative.len() - 8)
            } else {
                illustrative.join(", ")
            }
        )
    });

    Draft {
        inputs: inputs.watermark(),
        cycle_id: cycle.cycle_id.clone(),
        document_symbol: if cycle.document_symbol.is_empty() {
            "A/81/xxx".into()
        } else {
            cycle.document_symbol.clone()
        },
        session: if cycle.session == 0 {
            "Session to be determined".into()
        } else {
            format!("Session {}", cycle.session)
        },
        agenda_item:
            "Follow-up to and review of the Global Compact for Safe, Orderly and Regular Migration"
                .into(),
        title: "Implementation of the Global Compact for Safe, Orderly and Regular Migration"
            .into(),
        subtitle: "Report of the Secretary-General".into(),
        status_note: format!(
            "Draft compiled by the secretariat for review cycle {} ({}); not an official document.",
            cycle.cycle_id, cycle.title
        ),
        illustrative_note,
        summary,
        sections: w.sections,
        footnotes: w.footnotes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_un_style() {
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(int(-4_500), "-4,500");
        assert_eq!(int(999), "999");
        assert_eq!(count(1, "Member State", "Member States"), "1 Member State");
        assert_eq!(count(12_000, "practice", "practices"), "12,000 practices");
        assert_eq!(per_cent(1.0, 3.0), "33.3 per cent");
        assert_eq!(per_cent(1.0, 0.0), "0 per cent");
        assert_eq!(decimal(2.50), "2.5");
        assert_eq!(decimal(4.0), "4");
        assert_eq!(roman(4), "IV");
    }

    #[test]
    fn a_quotation_leaves_the_full_stop_to_its_sentence() {
        assert_eq!(
            quote(" Mobile money lowered costs. "),
            "\u{201c}Mobile money lowered costs\u{201d}"
        );
        assert_eq!(
            status_phrase(ImplementationStatus::InProgress as i32),
            "in progress"
        );
        assert!(objective_name(20).starts_with("objective 20 ("));
    }
}
