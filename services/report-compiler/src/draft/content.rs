//! Where the inputs of a cycle turn into the paragraphs of the draft: the
//! mandate, the global picture from the bundled data, progress by round
//! table and objective, least attention, indicators, pledges, the Network's
//! Repository of Practices, guidance for the Forum and the annex tables.
//! Every figure and quotation gets a footnote naming its source; a section
//! without inputs says so. Everything is sorted and no clock is read, so
//! the same inputs give the same draft.

use std::collections::BTreeMap;

use imrf_gcm::aggregate::contribution::Contribution;
use imrf_gcm::aggregate::{CycleInputs, Filter, compute};
use imrf_gcm::refdata::{
    COMMISSIONS, ROUND_TABLES, commission_code, commission_name, dimension_label, reference,
};
use imrf_gcm::statistics::{DESA_SOURCE, MMP_SOURCE, WDI_SOURCE, statistics};
use imrf_proto::v1::{
    Aggregate, Commission, Cycle, DisaggregationDimension, ImplementationStatus,
    NationalReportRecord, PledgeKind, PledgeStatus, RegionalReviewRecord,
};

use super::model::{Block, Draft, Footnote, Inline, Section, Source, Table};
use crate::inputs::{CurationCounts, PracticeInput};

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

impl DraftInputs<'_> {
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

fn introduction(w: &mut Writer, inputs: &DraftInputs, states: &[&str]) {
    w.section("Introduction");
    w.para(Para::default().text(
        "The present report is submitted pursuant to General Assembly resolution 73/195, in which the Assembly requested the Secretary-General to report biennially on the implementation of the Global Compact for Safe, Orderly and Regular Migration, the activities of the United Nations system in that regard and the functioning of the institutional arrangements, and to resolution 73/326, on the format and organizational aspects of the International Migration Review Forum.",
    ));
    let sources = inputs.watermark();
    let n = w.cite("Inputs drawn on", sources);
    w.para(
        Para::default()
            .text(format!(
                "The report draws on {} of the United Nations regional economic commissions, {} submitted by {} and {} published in the Repository of Practices of the Migration Network Hub.",
                count(inputs.reviews.len() as f64, "regional review", "regional reviews"),
                count(inputs.reports.len() as f64, "national report", "national reports"),
                count(states.len() as f64, "Member State", "Member States"),
                count(inputs.practices.len() as f64, "practice", "practices")
            ))
            .note(n),
    );
}

fn overview(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate, states: &[&str]) {
    w.section("Overview");
    w.heading(2, "A. Global picture");
    let stats = statistics();
    if let Some(world) = stats.world_stock(2020) {
        let n = w.note(
            DESA_SOURCE,
            vec![dataset("UN DESA International Migrant Stock 2020")],
        );
        w.para(
            Para::default()
                .text(format!(
                    "The number of international migrants reached {} in 2020, of whom {} were women and girls.",
                    int(world.total),
                    per_cent(world.female, world.total)
                ))
                .note(n),
        );
    }
    if let Some(year) = stats.latest_remittance_year(150) {
        let (total, economies) = stats.remittances_received(year);
        let n = w.note(
            WDI_SOURCE,
            vec![dataset("World Bank World Development Indicators")],
        );
        w.para(
            Para::default()
                .text(format!(
                    "Personal remittances received by {} economies amounted to USD {} billion in {year}.",
                    int(economies as f64),
                    decimal(total / 1e9)
                ))
                .note(n),
        );
    }
    let (dead, missing) = stats.dead_and_missing(2014..=2023);
    let n = w.note(MMP_SOURCE, vec![dataset("IOM Missing Migrants Project")]);
    w.para(
        Para::default()
            .text(format!(
                "From 2014 to 2023, {} migrants were recorded dead and {} missing along migratory routes worldwide.",
                int(dead),
                int(missing)
            ))
            .note(n),
    );

    w.heading(2, "B. Inputs received");
    if inputs.reviews.is_empty() {
        w.para(
            Para::default()
                .text("No regional review had been received when the present draft was compiled."),
        );
    } else {
        let names: Vec<String> = inputs
            .reviews
            .iter()
            .filter_map(|r| r.review.as_ref())
            .map(|r| {
                commission_name(Commission::try_from(r.commission).unwrap_or_default()).to_string()
            })
            .collect();
        let n = w.cite(
            "Regional reviews",
            inputs.reviews.iter().map(|r| review_source(r)).collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "Regional reviews were received from {} of the five regional commissions: {}.",
                    int(inputs.reviews.len() as f64),
                    names.join("; ")
                ))
                .note(n),
        );
    }
    if inputs.reports.is_empty() {
        w.para(
            Para::default()
                .text("No national report had been received when the present draft was compiled."),
        );
    } else {
        let per_commission: Vec<String> = aggregate
            .commissions
            .iter()
            .map(|c| {
                let n = c.national_reports.clone().unwrap_or_default();
                format!(
                    "{} of the {} members of {} ({})",
                    n.on_time + n.late,
                    n.expected,
                    commission_code(Commission::try_from(c.commission).unwrap_or_default()),
                    per_cent(f64::from(n.on_time + n.late), f64::from(n.expected))
                )
            })
            .collect();
        let n = w.cite(
            "National reports",
            inputs
                .reports
                .iter()
                .map(|(r, _)| report_source(r))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "{}, {} of the 193, submitted {}; by regional commission: {}. A State may belong to more than one commission.",
                    count(states.len() as f64, "Member State", "Member States"),
                    per_cent(states.len() as f64, 193.0),
                    count(inputs.reports.len() as f64, "national report", "national reports"),
                    per_commission.join("; ")
                ))
                .note(n),
        );
    }
    if inputs.practices.is_empty() {
        w.para(Para::default().text(
            "No practice had been published in the Repository of Practices by the cut-off date.",
        ));
    } else {
        let n = w.cite(
            "Published practices",
            inputs
                .practices
                .iter()
                .map(|p| practice_source(p))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "{} had been published in the Repository of Practices by the cut-off date.",
                    count(inputs.practices.len() as f64, "practice", "practices")
                ))
                .note(n),
        );
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

fn progress(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Progress, challenges and gaps in implementing the Global Compact");
    for (table, objectives) in ROUND_TABLES {
        let mut sorted = objectives.to_vec();
        sorted.sort_unstable();
        let list: Vec<String> = sorted.iter().map(|o| o.to_string()).collect();
        w.heading(
            2,
            format!("Round table {table} (objectives {})", list.join(", ")),
        );
        for objective in sorted {
            let title = reference()
                .objective(objective)
                .map_or("", |o| o.title.as_str());
            w.heading(3, format!("Objective {objective}: {title}"));
            let coverage = aggregate.objectives.get((objective - 1) as usize);
            match coverage {
                Some(c) if c.states_reporting > 0 => {
                    let statuses: Vec<String> = c
                        .status_counts
                        .iter()
                        .rev()
                        .map(|s| format!("{} in {}", status_phrase(s.status), int(s.states)))
                        .collect();
                    let sources: Vec<Source> = c
                        .national_reports
                        .iter()
                        .map(|s| Source {
                            kind: s.kind.clone(),
                            id: s.id.clone(),
                            revision: s.revision,
                        })
                        .collect();
                    let n = w.cite("National reports covering the objective", sources);
                    w.para(
                        Para::default()
                            .text(format!(
                                "{} reported on {}: implementation was {}.",
                                count(c.states_reporting, "Member State", "Member States"),
                                objective_name(objective),
                                statuses.join(", ")
                            ))
                            .note(n),
                    );
                }
                _ => w.para(Para::default().text(format!(
                    "No Member State reported on {} in the national reports received.",
                    objective_name(objective)
                ))),
            }
            for review in &inputs.reviews {
                let Some(content) = &review.review else {
                    continue;
                };
                let Some(finding) = content.findings.iter().find(|f| f.objective == objective)
                else {
                    continue;
                };
                let who =
                    commission_name(Commission::try_from(content.commission).unwrap_or_default());
                let n = w.cite("Regional finding", vec![review_source(review)]);
                let mut para = Para::default().text(format!("In its regional review, the {who}"));
                let mut parts = Vec::new();
                if !finding.progress.trim().is_empty() {
                    parts.push(format!("observed progress: {}", quote(&finding.progress)));
                }
                if !finding.challenges.trim().is_empty() {
                    parts.push(format!("noted challenges: {}", quote(&finding.challenges)));
                }
                if !finding.gaps.trim().is_empty() {
                    parts.push(format!("identified gaps: {}", quote(&finding.gaps)));
                }
                para = para.text(format!(" {}.", parts.join("; it "))).note(n);
                w.para(para);
            }
            let practices = practices_on(inputs, objective);
            if !practices.is_empty() {
                let cited: Vec<String> = practices
                    .iter()
                    .take(5)
                    .map(|p| format!("\u{201c}{}\u{201d} ({})", p.details.title, p.practice_id))
                    .collect();
                let more = practices.len().saturating_sub(5);
                let n = w.cite(
                    "Practices",
                    practices.iter().map(|p| practice_source(p)).collect(),
                );
                w.para(
                    Para::default()
                        .text(format!(
                            "The Repository of Practices holds {} on the objective, including {}{}.",
                            count(practices.len() as f64, "published practice", "published practices"),
                            cited.join(", "),
                            if more > 0 { format!(" and {more} more") } else { String::new() }
                        ))
                        .note(n),
                );
            }
        }
    }
}

fn least_attention(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Objectives that received least attention");
    if inputs.reports.is_empty() && inputs.reviews.is_empty() {
        w.para(Para::default().text(
            "No national or regional input has been received from which to rank the objectives.",
        ));
        return;
    }
    let least: Vec<_> = aggregate.least_attention.iter().take(5).collect();
    let described: Vec<String> = least
        .iter()
        .map(|o| {
            format!(
                "{} ({}, {})",
                objective_name(o.objective),
                count(o.national_reports, "national report", "national reports"),
                count(o.regional_reviews, "regional review", "regional reviews")
            )
        })
        .collect();
    let mut sources: Vec<Source> = inputs
        .reports
        .iter()
        .map(|(r, _)| report_source(r))
        .collect();
    sources.extend(inputs.reviews.iter().map(|r| review_source(r)));
    let n = w.cite("Ranked over all national and regional inputs", sources);
    w.para(
        Para::default()
            .text(format!(
                "Ranked by the number of national and regional inputs covering them, the objectives that received least attention were {}. The Forum may wish to strengthen action on these commitments, as invited in paragraph 47 of the Progress Declaration.",
                described.join("; ")
            ))
            .note(n),
    );
    let flagged: BTreeMap<u32, Vec<&RegionalReviewRecord>> =
        inputs.reviews.iter().fold(BTreeMap::new(), |mut map, r| {
            for o in r
                .review
                .iter()
                .flat_map(|x| x.less_attention_objectives.iter())
            {
                map.entry(*o).or_insert_with(Vec::new).push(*r);
            }
            map
        });
    if !flagged.is_empty() {
        let text: Vec<String> = flagged
            .iter()
            .map(|(o, reviews)| {
                format!(
                    "{} (flagged by {})",
                    objective_name(*o),
                    count(reviews.len() as f64, "review", "reviews")
                )
            })
            .collect();
        let n = w.cite(
            "Regional reviews flagging objectives",
            flagged
                .values()
                .flatten()
                .map(|r| review_source(r))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "The regional reviews themselves flagged as receiving less attention: {}.",
                    text.join("; ")
                ))
                .note(n),
        );
    }
}

fn indicators(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Indicators against targets");
    if aggregate.indicators.is_empty() {
        w.para(
            Para::default()
                .text("No indicator value was reported in the national reports received."),
        );
        return;
    }
    for summary in &aggregate.indicators {
        let Some(indicator) = reference().indicator(&summary.indicator_code) else {
            continue;
        };
        let sources: Vec<Source> = summary
            .latest
            .iter()
            .filter_map(|l| l.source.as_ref())
            .map(|s| Source {
                kind: s.kind.clone(),
                id: s.id.clone(),
                revision: s.revision,
            })
            .collect();
        let n = w.cite("Latest values reported", sources);
        let unit = match indicator.unit.as_str() {
            "percent" => " per cent".to_string(),
            "persons" => " persons".to_string(),
            other => format!(" ({})", other.replace('_', " ")),
        };
        let mut text = format!(
            "For SDG indicator {} ({}), {} reported {}; the latest values had a median of {}{unit}, ranging from {} to {}.",
            summary.indicator_code,
            indicator.name.to_lowercase(),
            count(summary.latest.len() as f64, "Member State", "Member States"),
            count(summary.observations, "value", "values"),
            decimal(summary.median),
            decimal(summary.min),
            decimal(summary.max)
        );
        if let Some(target) = summary.target {
            let comparison = match indicator.target_rule {
                Some(imrf_gcm::refdata::TargetRule::AtLeast) => "at or above",
                _ => "at or under",
            };
            text.push_str(&format!(
                " {} of them ({}) stood {comparison} the target of {}{unit}{}.",
                summary.states_meeting_target,
                per_cent(
                    f64::from(summary.states_meeting_target),
                    summary.latest.len() as f64
                ),
                decimal(target),
                indicator
                    .target_note
                    .as_deref()
                    .map(|note| format!(" ({note})"))
                    .unwrap_or_default()
            ));
        }
        if summary.indicator_code == "10.7.3" {
            let total: f64 = summary.latest.iter().map(|l| l.value).sum();
            text.push_str(&format!(
                " Together, the latest values count {} migrants who died or disappeared.",
                int(total)
            ));
        }
        w.para(Para::default().text(text).note(n));
    }
    let missing: Vec<String> = ["10.c.1", "10.7.3"]
        .into_iter()
        .filter(|code| {
            !aggregate
                .indicators
                .iter()
                .any(|i| i.indicator_code == *code)
        })
        .map(String::from)
        .collect();
    if !missing.is_empty() {
        let label = if missing.len() == 1 {
            "indicator"
        } else {
            "indicators"
        };
        w.para(Para::default().text(format!(
            "No value was reported for SDG {label} {}.",
            missing.join(" and ")
        )));
    }
    let supported: Vec<String> = aggregate
        .disaggregation
        .iter()
        .filter(|d| d.states > 0)
        .map(|d| {
            format!(
                "{} ({})",
                dimension_label(DisaggregationDimension::try_from(d.dimension).unwrap_or_default()),
                int(d.states)
            )
        })
        .collect();
    if !supported.is_empty() {
        let n = w.cite(
            "National reports",
            inputs
                .reports
                .iter()
                .map(|(r, _)| report_source(r))
                .collect(),
        );
        w.para(
            Para::default()
                .text(format!(
                    "Member States reported that their migration data can be disaggregated by {} (number of States in brackets), against the characteristics listed in paragraph 37 of the Progress Declaration.",
                    supported.join(", ")
                ))
                .note(n),
        );
    }
}

fn pledge_kind(kind: i32) -> &'static str {
    match PledgeKind::try_from(kind).unwrap_or_default() {
        PledgeKind::Financial => "financial",
        PledgeKind::HumanResource => "human resource",
        PledgeKind::ProcessOriented => "process-oriented",
        PledgeKind::PolicyOriented => "policy-oriented",
        PledgeKind::Unspecified => "unspecified",
    }
}

fn pledge_status(status: i32) -> &'static str {
    match PledgeStatus::try_from(status).unwrap_or_default() {
        PledgeStatus::NotStarted => "not started",
        PledgeStatus::Ongoing => "ongoing",
        PledgeStatus::Completed => "completed",
        PledgeStatus::Unspecified => "unspecified",
    }
}

fn pledges(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate) {
    w.section("Pledges");
    let total: u32 = aggregate.pledges_by_kind.iter().map(|p| p.pledges).sum();
    if total == 0 {
        w.para(Para::default().text("No pledge was reported in the national reports received."));
        return;
    }
    let by_kind: Vec<String> = aggregate
        .pledges_by_kind
        .iter()
        .map(|p| {
            format!(
                "{} {} and {}",
                int(p.pledges),
                pledge_kind(p.kind),
                pledge_status(p.status)
            )
        })
        .collect();
    let sources: Vec<Source> = inputs
        .reports
        .iter()
        .filter(|(r, _)| r.report.as_ref().is_some_and(|x| !x.pledges.is_empty()))
        .map(|(r, _)| report_source(r))
        .collect();
    let n = w.cite("National reports with pledges", sources.clone());
    w.para(
        Para::default()
            .text(format!(
                "Member States reported on {} made in the context of the Forum: {}.",
                count(total, "pledge", "pledges"),
                by_kind.join("; ")
            ))
            .note(n),
    );
    let by_objective: Vec<String> = aggregate
        .pledges_by_objective
        .iter()
        .map(|p| format!("{} ({})", objective_name(p.objective), int(p.pledges)))
        .collect();
    let n = w.cite("National reports with pledges", sources);
    w.para(
        Para::default()
            .text(format!(
                "By objective, pledges supported {} (number of pledges in brackets).",
                by_objective.join("; ")
            ))
            .note(n),
    );
}

fn repository(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Activities of the United Nations system and the institutional arrangements");
    let curation = inputs.curation;
    if curation.submitted == 0 {
        w.para(
            Para::default().text("No practice had been submitted to the Repository of Practices."),
        );
        return;
    }
    let n = w.note(
        "Curation records of the Repository of Practices (practices-hub)",
        vec![dataset("Repository of Practices curation events")],
    );
    w.para(
        Para::default()
            .text(format!(
                "The United Nations Network on Migration curated the Repository of Practices of the Migration Network Hub: {} submitted, {} recorded, {} published, {} rejected and {} withdrawn by their submitters.",
                count(curation.submitted, "practice was", "practices were"),
                count(curation.reviews, "peer review", "peer reviews"),
                count(curation.published, "practice", "practices"),
                int(curation.rejected),
                int(curation.withdrawn)
            ))
            .note(n),
    );
    if inputs.practices.is_empty() {
        return;
    }
    let mut by_region: BTreeMap<i32, usize> = BTreeMap::new();
    let mut global = 0;
    for p in &inputs.practices {
        if p.details.global_scope {
            global += 1;
        }
        for region in &p.details.regions {
            *by_region.entry(*region).or_default() += 1;
        }
    }
    let regions: Vec<String> = by_region
        .iter()
        .map(|(r, n)| {
            format!(
                "{} {}",
                commission_code(Commission::try_from(*r).unwrap_or_default()),
                n
            )
        })
        .collect();
    let n = w.cite(
        "Published practices",
        inputs
            .practices
            .iter()
            .map(|p| practice_source(p))
            .collect(),
    );
    w.para(
        Para::default()
            .text(format!(
                "Of the {} published, {} global in scope; by region of implementation: {}.",
                count(inputs.practices.len() as f64, "practice", "practices"),
                if global == 1 {
                    "1 is".to_string()
                } else {
                    format!("{global} are")
                },
                if regions.is_empty() {
                    "none given".to_string()
                } else {
                    regions.join(", ")
                }
            ))
            .note(n),
    );
}

fn guidance(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Guidance for the deliberations of the Forum");
    for (table, objectives) in ROUND_TABLES {
        let mut sorted = objectives.to_vec();
        sorted.sort_unstable();
        let labels: Vec<String> = sorted.iter().map(|o| objective_name(*o)).collect();
        w.heading(2, format!("Round table {table}"));
        let challenges: Vec<(&RegionalReviewRecord, String)> = inputs
            .reviews
            .iter()
            .flat_map(|r| {
                r.review
                    .iter()
                    .flat_map(|x| x.findings.iter())
                    .filter(|f| sorted.contains(&f.objective) && !f.challenges.trim().is_empty())
                    .map(move |f| (*r, f.challenges.trim().to_string()))
            })
            .collect();
        let mut para = Para::default().text(format!(
            "Round table {table} will consider {}.",
            labels.join(", ")
        ));
        if challenges.is_empty() {
            para = para.text(" The regional reviews raised no challenge on these objectives.");
            w.para(para);
        } else {
            let n = w.cite(
                "Regional reviews",
                challenges.iter().map(|(r, _)| review_source(r)).collect(),
            );
            para = para
                .text(format!(
                    " The regional reviews raised {} on these objectives, among them: {}.",
                    count(challenges.len() as f64, "challenge", "challenges"),
                    quote(&challenges[0].1)
                ))
                .note(n);
            w.para(para);
        }
        for objective in sorted {
            let recommendations: Vec<(&RegionalReviewRecord, &str)> = inputs
                .reviews
                .iter()
                .flat_map(|r| {
                    r.review
                        .iter()
                        .flat_map(|x| x.findings.iter())
                        .filter(|f| f.objective == objective)
                        .flat_map(|f| f.recommendations.iter())
                        .map(move |rec| (*r, rec.as_str()))
                })
                .collect();
            if recommendations.is_empty() {
                continue;
            }
            let quoted: Vec<String> = recommendations
                .iter()
                .map(|(r, rec)| {
                    let who = r
                        .review
                        .as_ref()
                        .map(|x| {
                            commission_code(Commission::try_from(x.commission).unwrap_or_default())
                        })
                        .unwrap_or("");
                    format!("{} ({who})", quote(rec))
                })
                .collect();
            let n = w.cite(
                "Recommendations of the regional reviews",
                recommendations
                    .iter()
                    .map(|(r, _)| review_source(r))
                    .collect(),
            );
            w.para(
                Para::default()
                    .text(format!(
                        "On {}, the regional reviews recommend: {}.",
                        objective_name(objective),
                        quoted.join("; ")
                    ))
                    .note(n),
            );
        }
    }
}

fn annex(w: &mut Writer, inputs: &DraftInputs, aggregate: &Aggregate, states: &[&str]) {
    w.annex("Coverage of the inputs and list of contributors");
    let mut sources: Vec<Source> = inputs
        .reports
        .iter()
        .map(|(r, _)| report_source(r))
        .collect();
    sources.extend(inputs.reviews.iter().map(|r| review_source(r)));
    sources.extend(inputs.practices.iter().map(|p| practice_source(p)));
    let n = w.cite("Coverage computed from", sources);
    let rows = aggregate
        .objectives
        .iter()
        .map(|o| {
            vec![
                o.objective.to_string(),
                reference()
                    .objective(o.objective)
                    .map_or(String::new(), |x| x.short_label.clone()),
                o.round_table.to_string(),
                int(o.states_reporting),
                per_cent(f64::from(o.states_reporting), 193.0),
                o.regional_reviews.len().to_string(),
                practices_on(inputs, o.objective).len().to_string(),
            ]
        })
        .collect();
    w.table(Table {
        caption: "Table 1. Coverage per objective".into(),
        header: [
            "Objective",
            "Short title",
            "Round table",
            "States reporting",
            "Share of Member States",
            "Regional reviews",
            "Practices",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        footnote: Some(n),
    });
    let n = w.cite("National reports and regional reviews", {
        let mut s: Vec<Source> = inputs
            .reports
            .iter()
            .map(|(r, _)| report_source(r))
            .collect();
        s.extend(inputs.reviews.iter().map(|r| review_source(r)));
        s
    });
    let rows = COMMISSIONS
        .iter()
        .zip(&aggregate.commissions)
        .map(|(c, completeness)| {
            let n = completeness.national_reports.clone().unwrap_or_default();
            vec![
                commission_code(*c).to_string(),
                int(n.expected),
                int(n.on_time + n.late),
                per_cent(f64::from(n.on_time + n.late), f64::from(n.expected)),
                if completeness.regional_review_received {
                    "received"
                } else {
                    "not received"
                }
                .to_string(),
            ]
        })
        .collect();
    w.table(Table {
        caption: "Table 2. Completeness per regional commission".into(),
        header: [
            "Commission",
            "Members",
            "Members reporting",
            "Completeness",
            "Regional review",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        footnote: Some(n),
    });
    let names: Vec<String> = states
        .iter()
        .map(|s| {
            reference()
                .member_state(s)
                .map_or((*s).to_string(), |m| m.name.clone())
        })
        .collect();
    let commissions: Vec<String> = inputs
        .reviews
        .iter()
        .filter_map(|r| r.review.as_ref())
        .map(|r| {
            commission_name(Commission::try_from(r.commission).unwrap_or_default()).to_string()
        })
        .collect();
    w.heading(2, "Contributors");
    w.para(Para::default().text(if commissions.is_empty() {
        "Regional commissions: none.".to_string()
    } else {
        format!("Regional commissions: {}.", commissions.join("; "))
    }));
    w.para(Para::default().text(if names.is_empty() {
        "Member States: none.".to_string()
    } else {
        format!("Member States: {}.", names.join(", "))
    }));
}
