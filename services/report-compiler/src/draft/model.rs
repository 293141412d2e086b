//! The structure of a draft: numbered paragraphs with footnote references,
//! headings, tables and footnotes. Every format is rendered from this one
//! structure, and the JSON format is this structure itself.

use serde::Serialize;

/// A piece of paragraph text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// A reference to footnote `n`.
    Footnote(u32),
}

/// A table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Caption above the table.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Footnote naming the table's sources.
    pub footnote: Option<u32>,
}

/// A block of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A subheading (level 2 under a section heading, 3 below that).
    Heading {
        /// Level.
        level: u8,
        /// Text.
        text: String,
    },
    /// A numbered paragraph.
    Paragraph {
        /// Paragraph number, continuous through the report.
        number: u32,
        /// Its text.
        content: Vec<Inline>,
    },
    /// A table.
    Table(Table),
}

/// A chapter ("I. Introduction").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Roman numeral, or "Annex".
    pub number: String,
    /// Title.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// A source a footnote names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Source {
    /// "regional_review", "national_report", "practice", or "dataset".
    pub kind: String,
    /// Id of the submission, or the dataset's name.
    pub id: String,
    /// Revision of the submission (0 for a dataset).
    pub revision: u32,
}

/// A footnote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footnote {
    /// Number, in order of first reference.
    pub number: u32,
    /// Text.
    pub text: String,
    /// What it cites.
    pub sources: Vec<Source>,
}

/// A whole draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// Cycle the report is for.
    pub cycle_id: String,
    /// Document symbol (a placeholder until one is assigned).
    pub document_symbol: String,
    /// General Assembly session.
    pub session: String,
    /// Agenda item.
    pub agenda_item: String,
    /// Title.
    pub title: String,
    /// "Report of the Secretary-General".
    pub subtitle: String,
    /// Status of the document.
    pub status_note: String,
    /// Warning that illustrative inputs were used, naming them.
    pub illustrative_note: Option<String>,
    /// The summary, before chapter I.
    pub summary: Vec<Inline>,
    /// Chapters, then the annex.
    pub sections: Vec<Section>,
    /// Footnotes, in order.
    pub footnotes: Vec<Footnote>,
    /// Every input the draft was compiled from, with its revision.
    pub inputs: Vec<Source>,
}
