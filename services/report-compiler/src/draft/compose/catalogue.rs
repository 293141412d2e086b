//! The complete list of inputs, and how a footnote cites them: by title,
//! document symbol and body, never by a platform id alone.

use std::collections::{BTreeMap, HashMap};

use imrf_gcm::refdata::{commission_name, kind_label};
use imrf_gcm::statistics::Dataset;
use imrf_proto::v1::ReportKind;

use super::style::{day_of, list, lowercase_first, roman, timestamp_date};
use super::{
    DraftInputs, commission_of, curation_source, is_illustrative, network_source, practice_source,
    report_source, review_source, state_name, text_source,
};
use crate::draft::model::{InputEntry, Source, SourceKind};

/// The provenance of a record the platform keeps itself (the record of
/// curation): neither submitted by a body nor imported.
const RECORDED: &str = "recorded";

/// Most practices a footnote names one by one.
const PRACTICES_NAMED: usize = 5;

/// How one input is cited.
#[derive(Debug, Clone)]
struct Entry {
    entry: InputEntry,
    /// The name a grouped citation uses ("Kenya", "the Economic Commission
    /// for Africa, ECA/…", "“Title”, by Organization").
    short: String,
    /// Its name alone, for a citation of one input.
    long: String,
    /// What a grouped citation calls it ("national review").
    group: &'static str,
}

/// Every input of a draft, in order of kind and id, with an index by
/// source: every footnote and figure looks its sources up here (a full
/// cycle, hundreds of thousands of times).
#[derive(Debug, Default)]
pub(super) struct Catalogue {
    entries: Vec<Entry>,
    index: HashMap<Source, usize>,
}

/// The source of a bundled dataset.
pub(super) fn dataset(d: Dataset) -> Source {
    Source {
        kind: SourceKind::Dataset,
        id: d.id().into(),
        revision: 0,
    }
}

/// "illustrative" when any of the texts says so, else "submitted".
fn provenance(texts: &[&str]) -> String {
    if texts.iter().any(|t| is_illustrative(t)) {
        "illustrative".into()
    } else {
        "submitted".into()
    }
}

/// A name in a grouped citation, with its revision past the first.
fn with_revision(name: String, revision: u32) -> String {
    if revision > 1 {
        format!("{name} (revision {revision})")
    } else {
        name
    }
}

fn revised(revision: u32, date: &str) -> String {
    if date.is_empty() {
        format!("revision {revision}")
    } else {
        format!("revision {revision}, {date}")
    }
}

impl Catalogue {
    pub(super) fn new(inputs: &DraftInputs) -> Self {
        let mut entries = HashMap::new();
        for r in &inputs.reviews {
            let Some(review) = &r.review else { continue };
            let meta = r.meta.clone().unwrap_or_default();
            let date = timestamp_date(meta.accepted_at.as_ref());
            let body = commission_name(commission_of(r));
            let symbol = review.document_symbol.clone();
            let named = if symbol.is_empty() {
                format!("the {body}")
            } else {
                format!("the {body}, {symbol}")
            };
            let source = review_source(r);
            entries.insert(
                source.clone(),
                Entry {
                    long: format!(
                        "Regional review of {named}, {}",
                        revised(meta.revision, &date)
                    ),
                    group: "regional review",
                    short: with_revision(named, meta.revision),
                    entry: InputEntry {
                        source,
                        title: review.title.clone(),
                        document_symbol: symbol,
                        submitter: body.to_string(),
                        date,
                        provenance: provenance(&[&review.title, &review.summary]),
                    },
                },
            );
        }
        for (r, _) in &inputs.reports {
            let Some(report) = &r.report else { continue };
            let meta = r.meta.clone().unwrap_or_default();
            let date = timestamp_date(meta.accepted_at.as_ref());
            let state = state_name(&report.state);
            let kind = kind_label(ReportKind::try_from(report.kind).unwrap_or_default());
            let source = report_source(r);
            entries.insert(
                source.clone(),
                Entry {
                    long: format!(
                        "{} of {state}, {}",
                        super::style::capitalize(kind),
                        revised(meta.revision, &date)
                    ),
                    group: kind,
                    short: with_revision(state.clone(), meta.revision),
                    entry: InputEntry {
                        source,
                        title: report.title.clone(),
                        document_symbol: String::new(),
                        submitter: format!("Government of {state}"),
                        date,
                        provenance: provenance(&[&report.title, &report.summary]),
                    },
                },
            );
        }
        for p in &inputs.practices {
            let date = if p.published_at_ms > 0 {
                day_of(p.published_at_ms.div_euclid(1000))
            } else {
                String::new()
            };
            let title = super::style::curly(&p.details.title);
            let org = &p.details.submitter_organization;
            let source = practice_source(p);
            entries.insert(
                source.clone(),
                Entry {
                    long: if org.trim().is_empty() {
                        format!(
                            "Repository of Practices, \u{201c}{title}\u{201d}, {}",
                            revised(p.revision, &date)
                        )
                    } else {
                        format!(
                            "Repository of Practices, \u{201c}{title}\u{201d}, submitted by {org}, {}",
                            revised(p.revision, &date)
                        )
                    },
                    group: "practice",
                    short: if org.trim().is_empty() {
                        format!("\u{201c}{title}\u{201d}")
                    } else {
                        format!("\u{201c}{title}\u{201d} ({org})")
                    },
                    entry: InputEntry {
                        source,
                        title: p.details.title.clone(),
                        document_symbol: String::new(),
                        submitter: org.clone(),
                        date,
                        provenance: provenance(&[&p.details.title, &p.details.summary]),
                    },
                },
            );
        }
        if let Some(r) = inputs.network {
            let (title, summary) = r
                .contribution
                .as_ref()
                .map_or(("", ""), |c| (c.title.as_str(), c.summary.as_str()));
            let meta = r.meta.clone().unwrap_or_default();
            let date = timestamp_date(meta.accepted_at.as_ref());
            let source = network_source(r);
            let body = "United Nations Network on Migration";
            entries.insert(
                source.clone(),
                Entry {
                    long: format!(
                        "Contribution of the {body}, {}",
                        revised(meta.revision, &date)
                    ),
                    group: "contribution of the Network",
                    short: with_revision(format!("the {body}"), meta.revision),
                    entry: InputEntry {
                        source,
                        title: title.to_string(),
                        document_symbol: String::new(),
                        submitter: body.into(),
                        date,
                        provenance: provenance(&[title, summary]),
                    },
                },
            );
        }
        for t in &inputs.texts {
            let date = timestamp_date(t.updated_at.as_ref());
            let placement = if t.placement == imrf_proto::v1::TextPlacement::Closing as i32 {
                "closing"
            } else {
                "opening"
            };
            let chapter = roman(usize::try_from(t.chapter).unwrap_or(0));
            let title = if t.title.trim().is_empty() {
                format!("Chapter {chapter}, {placement} paragraphs")
            } else {
                super::style::curly(t.title.trim())
            };
            let paragraphs: Vec<&str> = t.paragraphs.iter().map(String::as_str).collect();
            let mut marked = vec![t.title.as_str()];
            marked.extend(paragraphs);
            let source = text_source(t);
            entries.insert(
                source.clone(),
                Entry {
                    long: format!(
                        "Text of the secretariat, \u{201c}{title}\u{201d}, {}",
                        revised(t.revision, &date)
                    ),
                    group: "text of the secretariat",
                    short: with_revision(format!("\u{201c}{title}\u{201d}"), t.revision),
                    entry: InputEntry {
                        source,
                        title,
                        document_symbol: String::new(),
                        submitter: "Secretariat".into(),
                        date,
                        provenance: provenance(&marked),
                    },
                },
            );
        }
        if inputs.curation.events > 0 {
            let source = curation_source(&inputs.curation);
            let revision = source.revision;
            let body = "Migration Network Hub";
            entries.insert(
                source.clone(),
                Entry {
                    long: format!(
                        "Repository of Practices, record of curation (submissions, peer reviews and decisions), revision {revision}"
                    ),
                    short: "the record of curation of the Repository of Practices".into(),
                    group: "record of curation",
                    entry: InputEntry {
                        source,
                        title: "Record of curation of the Repository of Practices".into(),
                        document_symbol: String::new(),
                        submitter: body.into(),
                        date: String::new(),
                        provenance: RECORDED.into(),
                    },
                },
            );
        }
        for d in Dataset::ALL {
            let source = dataset(d);
            entries.insert(
                source.clone(),
                Entry {
                    long: d.citation().to_string(),
                    short: d.citation().to_string(),
                    group: "dataset",
                    entry: InputEntry {
                        source,
                        title: d.citation().to_string(),
                        document_symbol: String::new(),
                        submitter: String::new(),
                        date: d.currency().to_string(),
                        provenance: "imported".into(),
                    },
                },
            );
        }
        let mut entries: Vec<Entry> = entries.into_values().collect();
        entries.sort_unstable_by(|a, b| a.entry.source.cmp(&b.entry.source));
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.entry.source.clone(), i))
            .collect();
        Self { entries, index }
    }

    fn get(&self, source: &Source) -> Option<&Entry> {
        self.index.get(source).map(|&i| &self.entries[i])
    }

    /// A footnote's text: `lead`, then every source by kind.
    pub(super) fn citation(&self, lead: &str, sources: &[Source]) -> String {
        if let [one] = sources {
            let name = self
                .get(one)
                .map_or_else(|| one.id.clone(), |e| e.long.clone());
            return if lead.is_empty() {
                format!("{name}.")
            } else if one.kind == SourceKind::Dataset {
                format!("{lead}: {name}.")
            } else {
                format!("{lead}: {}.", lowercase_first(&name))
            };
        }
        // Names are borrowed from the catalogue: a footnote over every
        // practice would otherwise copy thousands of them to print a count.
        let mut reviews: Vec<&str> = Vec::new();
        let mut reports: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut practices: Vec<&str> = Vec::new();
        // Datasets and the secretariat's texts are cited by their full names.
        let mut by_name: Vec<&str> = Vec::new();
        for s in sources {
            let Some(e) = self.get(s) else {
                continue;
            };
            match s.kind {
                SourceKind::RegionalReview => reviews.push(&e.short),
                SourceKind::NationalReport => reports.entry(e.group).or_default().push(&e.short),
                SourceKind::Practice => practices.push(&e.short),
                SourceKind::Dataset
                | SourceKind::CurationRecord
                | SourceKind::SecretariatText
                | SourceKind::NetworkContribution => by_name.push(&e.long),
            }
        }
        let mut parts = Vec::new();
        if !reviews.is_empty() {
            let noun = if reviews.len() == 1 {
                "regional review"
            } else {
                "regional reviews"
            };
            parts.push(format!("{noun} of {}", list(&reviews)));
        }
        for (kind, mut states) in reports {
            states.sort_unstable();
            let noun = if states.len() == 1 {
                kind.to_string()
            } else {
                format!("{kind}s")
            };
            parts.push(format!("{noun} of {}", list(&states)));
        }
        // Past a few, practices are counted here and named in annex II (and
        // every one is among the footnote's sources in the JSON).
        if practices.len() > PRACTICES_NAMED {
            parts.push(format!(
                "{} practices of the Repository of Practices, each listed in annex II",
                super::style::number(practices.len() as f64)
            ));
        } else if !practices.is_empty() {
            parts.push(format!(
                "the Repository of Practices: {}",
                practices.join("; ")
            ));
        }
        parts.extend(by_name.into_iter().map(str::to_string));
        let parts = parts.join("; ");
        if lead.is_empty() {
            format!("{}.", super::style::capitalize(&parts))
        } else {
            format!("{lead}: {parts}.")
        }
    }

    /// Submissions marked illustrative.
    pub(super) fn illustrative(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.entry.provenance == "illustrative")
            .count()
    }

    /// Submissions (not datasets).
    pub(super) fn submissions(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.entry.provenance != "imported" && e.entry.provenance != RECORDED)
            .count()
    }

    /// Every entry, in order of kind and id.
    pub(super) fn entries(&self) -> impl Iterator<Item = &InputEntry> {
        self.entries.iter().map(|e| &e.entry)
    }

    /// Every entry, in order of kind and id.
    pub(super) fn into_entries(self) -> Vec<InputEntry> {
        self.entries.into_iter().map(|e| e.entry).collect()
    }
}
