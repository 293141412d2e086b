//! The structure of a draft: the UN header block, numbered paragraphs with
//! footnote references, headings, tables, footnotes, every figure as a
//! structured object, and the complete list of inputs. Every format is
//! rendered from this one structure, and the JSON format is this structure
//! itself.

use serde::{Deserialize, Serialize};

/// A piece of paragraph text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// A reference to footnote `n`.
    Footnote(u32),
}

/// A table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Caption above the table ("Table 1").
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Relative widths of the columns, in the order of `header`; the DOCX
    /// fixes its column widths from them.
    pub widths: Vec<u16>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Footnote naming the table's sources.
    pub footnote: Option<u32>,
}

/// A block of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A subheading: level 2 is "A.", level 3 is "1.".
    Heading {
        /// Level.
        level: u8,
        /// Its number ("A", "1"), empty for an unnumbered heading.
        number: String,
        /// Text.
        text: String,
    },
    /// A paragraph of the body, numbered through the chapters; annex
    /// paragraphs are not numbered.
    Paragraph {
        /// Paragraph number, continuous through the chapters.
        number: Option<u32>,
        /// Its text.
        content: Vec<Inline>,
        /// Who wrote it: "compiled" (by the rules, from the inputs) or
        /// "secretariat" (the secretariat's own text).
        author: Author,
    },
    /// A table.
    Table(Table),
}

/// How the text formats mark a paragraph the secretariat wrote.
pub const SECRETARIAT_MARK: &str = "[Secretariat]";

/// Who wrote a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// Compiled from the inputs by the draft's rules.
    Compiled,
    /// Written by the secretariat.
    Secretariat,
}

/// A chapter ("I. Introduction") or an annex ("Annex I").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Roman numeral of a chapter ("IV"), or of an annex ("Annex II").
    pub number: String,
    /// Title.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// What kind of input a source is. The variants are in the alphabetical
/// order of their names, so sources sort as their JSON reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The Repository of Practices' record of curation: how many practices
    /// were submitted, reviewed, published, rejected and withdrawn. Its
    /// revision counts the curation events it holds.
    CurationRecord,
    /// A public dataset bundled with the platform.
    Dataset,
    /// A Member State's national report.
    NationalReport,
    /// The UN Network on Migration's contribution.
    NetworkContribution,
    /// A practice of the Repository of Practices.
    Practice,
    /// A regional commission's review.
    RegionalReview,
    /// Paragraphs the secretariat wrote.
    SecretariatText,
}

impl SourceKind {
    /// The name as the JSON and the contract's `SourceRef.kind` give it.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::CurationRecord => "curation_record",
            SourceKind::Dataset => "dataset",
            SourceKind::NationalReport => "national_report",
            SourceKind::NetworkContribution => "network_contribution",
            SourceKind::Practice => "practice",
            SourceKind::RegionalReview => "regional_review",
            SourceKind::SecretariatText => "secretariat_text",
        }
    }

    /// The kind a `SourceRef.kind` names, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        [
            SourceKind::CurationRecord,
            SourceKind::Dataset,
            SourceKind::NationalReport,
            SourceKind::NetworkContribution,
            SourceKind::Practice,
            SourceKind::RegionalReview,
            SourceKind::SecretariatText,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A source a footnote or figure names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    /// What kind of input it is.
    pub kind: SourceKind,
    /// Id of the submission, or of the dataset.
    pub id: String,
    /// Revision of the submission (0 for a dataset).
    pub revision: u32,
}

impl Source {
    /// The source a contract `SourceRef` names, when its kind is known.
    pub fn of_ref(s: &imrf_proto::v1::SourceRef) -> Option<Self> {
        Some(Self {
            kind: SourceKind::parse(&s.kind)?,
            id: s.id.clone(),
            revision: s.revision,
        })
    }
}

/// A footnote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footnote {
    /// Number, in order of first reference.
    pub number: u32,
    /// Text.
    pub text: String,
    /// What it cites.
    pub sources: Vec<Source>,
}

/// How a figure was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A count of inputs, States, texts or items.
    Count,
    /// A sum of values of one year.
    Sum,
    /// A median of values.
    Median,
    /// The smallest of values.
    Minimum,
    /// The largest of values.
    Maximum,
    /// A share of a whole, in per cent.
    Share,
    /// A value as a source gives it.
    Value,
}

/// Where in an input a figure's value comes from. Serialized by hand as
/// the four fields `serde(flatten)` would give: flattening goes through a
/// map serializer, and a full cycle writes tens of thousands of these.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub struct FigureSource {
    /// The input.
    #[serde(flatten)]
    pub input: Source,
    /// The field read ("objectives[].status", "migrant_stock_total").
    pub field: String,
}

impl Serialize for FigureSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("FigureSource", 4)?;
        s.serialize_field("kind", &self.input.kind)?;
        s.serialize_field("id", &self.input.id)?;
        s.serialize_field("revision", &self.input.revision)?;
        s.serialize_field("field", &self.field)?;
        s.end()
    }
}

/// A figure of the draft, as printed and as computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Id, in order of appearance ("F1").
    pub id: String,
    /// The computed value.
    pub value: f64,
    /// As printed ("304 million", "48 per cent", "12").
    pub display: String,
    /// Unit ("persons", "Member States", "per cent", "United States dollars").
    pub unit: String,
    /// How it was computed.
    pub method: Method,
    /// The year it is of, where it is of one.
    pub year: Option<i32>,
    /// Where it appears: a paragraph number, or "summary".
    pub location: String,
    /// Every input, revision and field it was computed from.
    pub sources: Vec<FigureSource>,
}

/// One input of the draft, for the complete list of inputs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputEntry {
    /// What it is and its id.
    #[serde(flatten)]
    pub source: Source,
    /// Its title, as submitted.
    pub title: String,
    /// Its document symbol, where it has one.
    pub document_symbol: String,
    /// Who submitted it (the body, not a person).
    pub submitter: String,
    /// Date the revision was accepted or published ("3 March 2026"), or how
    /// current a dataset is.
    pub date: String,
    /// "illustrative" (prepared for demonstration), "submitted" (by the
    /// body named) or "imported" (a public dataset bundled with the
    /// platform).
    pub provenance: String,
}

/// The UN header block of the first page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Document symbol (a placeholder until one is assigned).
    pub document_symbol: String,
    /// Distribution ("General").
    pub distribution: String,
    /// Date of the document ("1 July 2026").
    pub date: String,
    /// Original language.
    pub original: String,
    /// The session ("Eighty-first session").
    pub session: String,
    /// "Agenda items 14 and 122", or empty when the cycle names none.
    pub agenda_label: String,
    /// Titles of the agenda items, in the order of `agenda_label`.
    pub agenda_titles: Vec<String>,
}

/// A whole draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Cycle the report is for.
    pub cycle_id: String,
    /// The header block.
    pub header: Header,
    /// Title.
    pub title: String,
    /// "Report of the Secretary-General".
    pub subtitle: String,
    /// Status of the document.
    pub status_note: String,
    /// Warning that illustrative inputs were used.
    pub illustrative_note: Option<String>,
    /// The summary, before chapter I: unnumbered paragraphs.
    pub summary: Vec<Vec<Inline>>,
    /// Chapters I to VII.
    pub sections: Vec<Section>,
    /// Annexes, numbered apart.
    pub annexes: Vec<Section>,
    /// Footnotes, in order.
    pub footnotes: Vec<Footnote>,
    /// Every figure of the summary and the chapters.
    pub figures: Vec<Figure>,
    /// Every input the draft was compiled from, with its revision.
    pub inputs: Vec<InputEntry>,
}

/// A small draft for the renderers' unit tests.
#[cfg(test)]
pub(crate) fn sample(title: &str) -> Draft {
    Draft {
        cycle_id: "2026".into(),
        header: Header {
            document_symbol: "A/81/xxx".into(),
            distribution: "General".into(),
            date: "1 July 2026".into(),
            original: "English".into(),
            session: "Eighty-first session".into(),
            agenda_label: "Items 14 and 122 of the agenda".into(),
            agenda_titles: vec!["Item one".into(), "Item two".into()],
        },
        title: title.into(),
        subtitle: "Report of the Secretary-General".into(),
        status_note: String::new(),
        illustrative_note: None,
        summary: vec![vec![Inline::Text("Summary.".into()), Inline::Footnote(1)]],
        sections: vec![Section {
            number: "I".into(),
            title: "Introduction".into(),
            blocks: vec![Block::Paragraph {
                number: Some(1),
                content: vec![Inline::Text("Text.".into())],
                author: Author::Compiled,
            }],
        }],
        annexes: Vec::new(),
        footnotes: vec![Footnote {
            number: 1,
            text: "A note.".into(),
            sources: Vec::new(),
        }],
        figures: Vec::new(),
        inputs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_source_reads_back_as_it_was_written_with_its_fields_flat() {
        let source = FigureSource {
            input: Source {
                kind: SourceKind::NationalReport,
                id: "2026-KEN-VNR".into(),
                revision: 2,
            },
            field: "objectives[].status".into(),
        };
        let json = serde_json::to_string(&source).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"kind":"national_report","id":"2026-KEN-VNR","revision":2,"field":"objectives[].status"}"#
        );
        let back: Option<FigureSource> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(source));
    }
}
