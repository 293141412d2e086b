//! Where the inputs of a cycle turn into the draft of the Secretary-General's
//! report, in the skeleton of the reports on the Global Compact (A/75/542,
//! A/76/642): the header block, a summary of the main findings, seven
//! chapters and two annexes. Each chapter is a file of its own; this module
//! holds what they share: the inputs, the catalogue that cites them, and the
//! writer that numbers paragraphs, footnotes and figures. Every figure is
//! recorded with its sources, and every figure and quotation gets a
//! footnote; a section without inputs says so. Everything is sorted and no
//! clock is read, so the same inputs give the same draft.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use imrf_gcm::aggregate::contribution::Contribution;
use imrf_gcm::aggregate::{CycleInputs, Filter, compute};
use imrf_gcm::clock::end_of_day;
use imrf_gcm::refdata::{commission_code, commission_name, reference};
use imrf_gcm::statistics::Dataset;
use imrf_gcm::validate::to_calendar_date;
use imrf_proto::v1::{
    Aggregate, Commission, Cycle, DraftText, NationalReportRecord, NetworkContributionRecord,
    RegionalReviewRecord, TextPlacement,
};

use crate::draft::model::{
    Author, Block, Draft, Figure, FigureSource, Footnote, Header, Inline, Method, Section, Source,
    SourceKind, Table,
};
use crate::inputs::{CurationCounts, Inputs, PracticeInput};

mod annex;
mod arrangements;
mod catalogue;
mod conclusions;
mod context;
mod declaration;
mod introduction;
mod progress;
pub mod style;
mod summary;
mod synthesis;
mod system;

use catalogue::Catalogue;
use style::{list, roman, session};

/// Chapters of the report, I to VII: what a text of the secretariat's can
/// be attached to.
pub const CHAPTERS: u32 = 7;

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
    /// The secretariat's texts in force, by chapter, placement and id.
    pub texts: Vec<&'a DraftText>,
    /// The UN Network on Migration's contribution, latest revision.
    pub network: Option<&'a NetworkContributionRecord>,
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
            texts: Vec::new(),
            network: inputs.network(&cycle.cycle_id),
        }
    }

    /// With the secretariat's `texts` (of this cycle) placed in their
    /// chapters.
    #[must_use]
    pub fn with_texts(mut self, texts: &'a [DraftText]) -> Self {
        let mut texts: Vec<&DraftText> = texts.iter().collect();
        texts.sort_by(|a, b| text_order(a).cmp(&text_order(b)));
        self.texts = texts;
        self
    }

    /// Every submission the draft uses, as sources, sorted.
    pub fn watermark(&self) -> Vec<Source> {
        let mut sources = self.review_sources();
        sources.extend(self.report_sources());
        sources.extend(self.practice_sources());
        sources.extend(self.texts.iter().map(|t| text_source(t)));
        sources.extend(self.network.map(network_source));
        sources.sort();
        sources
    }

    /// The regional reviews, as sources.
    fn review_sources(&self) -> Vec<Source> {
        self.reviews.iter().map(|r| review_source(r)).collect()
    }

    /// The national reports, as sources.
    fn report_sources(&self) -> Vec<Source> {
        self.reports.iter().map(|(r, _)| report_source(r)).collect()
    }

    /// The published practices, as sources.
    fn practice_sources(&self) -> Vec<Source> {
        self.practices.iter().map(|p| practice_source(p)).collect()
    }

    /// The reporting Member States, by ISO3.
    fn states(&self) -> Vec<&'a str> {
        let mut states: Vec<&str> = self
            .reports
            .iter()
            .filter_map(|(r, _)| r.report.as_ref().map(|x| x.state.as_str()))
            .collect();
        states.sort_unstable();
        states.dedup();
        states
    }
}

fn review_source(record: &RegionalReviewRecord) -> Source {
    Source {
        kind: SourceKind::RegionalReview,
        id: record.review_id.clone(),
        revision: record.meta.as_ref().map_or(0, |m| m.revision),
    }
}

fn report_source(record: &NationalReportRecord) -> Source {
    Source {
        kind: SourceKind::NationalReport,
        id: record.report_id.clone(),
        revision: record.meta.as_ref().map_or(0, |m| m.revision),
    }
}

/// The Repository's record of curation, at the revision `curation` counts.
fn curation_source(curation: &CurationCounts) -> Source {
    Source {
        kind: SourceKind::CurationRecord,
        id: "repository-of-practices".into(),
        revision: curation.events,
    }
}

fn practice_source(practice: &PracticeInput) -> Source {
    Source {
        kind: SourceKind::Practice,
        id: practice.practice_id.clone(),
        revision: practice.revision,
    }
}

/// The order the secretariat's texts are placed and listed in: by
/// chapter, placement (opening first) and id.
pub fn text_order(text: &DraftText) -> (u32, i32, &str) {
    (text.chapter, text.placement, text.text_id.as_str())
}

fn network_source(record: &NetworkContributionRecord) -> Source {
    Source {
        kind: SourceKind::NetworkContribution,
        id: record.contribution_id.clone(),
        revision: record.meta.as_ref().map_or(0, |m| m.revision),
    }
}

fn text_source(text: &DraftText) -> Source {
    Source {
        kind: SourceKind::SecretariatText,
        id: text.text_id.clone(),
        revision: text.revision,
    }
}

/// The Member State's name, as M49 gives it.
fn state_name(iso3: &str) -> String {
    name_of(iso3).to_string()
}

/// A State's M49 name, or its code when it is no Member State.
fn name_of(iso3: &str) -> &str {
    reference()
        .member_state(iso3)
        .map_or(iso3, |m| m.name.as_str())
}

/// M49 names that running text gives an article: "the United States of
/// America", "the Niger".
const WITH_ARTICLE: [&str; 14] = [
    "United ",
    "Russian Federation",
    "Republic of ",
    "Democratic ",
    "Dominican Republic",
    "Central African Republic",
    "Syrian Arab Republic",
    "Lao People",
    "Philippines",
    "Bahamas",
    "Gambia",
    "Niger",
    "Sudan",
    "Netherlands",
];

/// The Member State's name as running text gives it.
fn state_in_text(iso3: &str) -> String {
    let name = state_name(iso3);
    if WITH_ARTICLE.iter().any(|p| name.starts_with(p)) {
        format!("the {name}")
    } else {
        name
    }
}

/// Names of States for running text, in the alphabetical order of their
/// names (not of their codes, and not of the article).
fn state_names<S: AsRef<str>>(states: &[S]) -> Vec<String> {
    let mut codes: Vec<&str> = states.iter().map(AsRef::as_ref).collect();
    // Each name looked up once, not once per comparison.
    codes.sort_by_cached_key(|c| name_of(c));
    codes.dedup();
    codes.into_iter().map(state_in_text).collect()
}

fn commission_of(record: &RegionalReviewRecord) -> Commission {
    record.review.as_ref().map_or(Commission::Unspecified, |r| {
        Commission::try_from(r.commission).unwrap_or_default()
    })
}

fn objective_title(n: u32) -> String {
    reference()
        .objective(n)
        .map_or_else(String::new, |o| o.title.clone())
}

fn objective_label(n: u32) -> String {
    reference().objective(n).map_or_else(
        || format!("objective {n}"),
        |o| format!("objective {n} ({})", o.short_label.to_lowercase()),
    )
}

/// Text marked as prepared for demonstration.
fn is_illustrative(text: &str) -> bool {
    // The marker is ASCII, so an ASCII case-insensitive search finds it
    // without lowercasing a copy of every summary.
    const MARK: &[u8] = b"illustrative";
    text.as_bytes()
        .windows(MARK.len())
        .any(|w| w.eq_ignore_ascii_case(MARK))
}

/// Names a State list inline up to this many; past it, a count with the
/// full list in a footnote.
const NAMED_INLINE: usize = 4;

/// Writes sections, numbering paragraphs, footnotes and figures as it goes,
/// and introducing abbreviations at their first use.
struct Writer<'c> {
    catalogue: &'c Catalogue,
    texts: &'c [&'c DraftText],
    /// Chapters whose closing texts are written.
    closed: usize,
    summary: Vec<Vec<Inline>>,
    sections: Vec<Section>,
    annexes: Vec<Section>,
    footnotes: Vec<Footnote>,
    figures: Vec<Figure>,
    pending: Vec<Figure>,
    paragraph: u32,
    headings: (usize, usize),
    tables: usize,
    introduced: BTreeSet<&'static str>,
}

/// Text of a paragraph being written.
#[derive(Default)]
struct Para(Vec<Inline>);

impl Para {
    /// Appends text, with its apostrophes curly as UN documents print them.
    fn text(mut self, text: impl Into<String>) -> Self {
        let text = style::curly(&text.into());
        if let Some(Inline::Text(last)) = self.0.last_mut() {
            last.push_str(&text);
        } else {
            self.0.push(Inline::Text(text));
        }
        self
    }
    fn note(mut self, n: u32) -> Self {
        self.0.push(Inline::Footnote(n));
        self
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A figure about to be printed: its value, unit, method and sources.
struct Fig<'s> {
    value: f64,
    display: String,
    unit: &'s str,
    method: Method,
    year: Option<i32>,
    sources: Vec<FigureSource>,
}

impl<'s> Fig<'s> {
    /// A count (change the method with `of`).
    fn new(value: impl Into<f64>, display: String, unit: &'s str) -> Self {
        Self {
            value: value.into(),
            display,
            unit,
            method: Method::Count,
            year: None,
            sources: Vec::new(),
        }
    }
    fn of(mut self, method: Method) -> Self {
        self.method = method;
        self
    }
    fn year(mut self, year: i32) -> Self {
        self.year = Some(year);
        self
    }
    /// Read from `field` of each of `sources`.
    fn from(mut self, sources: &[Source], field: &str) -> Self {
        self.sources
            .extend(sources.iter().map(|input| FigureSource {
                input: input.clone(),
                field: field.to_string(),
            }));
        self
    }
    /// Read from `field` of a bundled dataset.
    fn dataset(self, d: Dataset, field: &str) -> Self {
        self.from(&[catalogue::dataset(d)], field)
    }
}

impl<'c> Writer<'c> {
    fn new(catalogue: &'c Catalogue, texts: &'c [&'c DraftText]) -> Self {
        Self {
            catalogue,
            texts,
            closed: 0,
            summary: Vec::new(),
            sections: Vec::new(),
            annexes: Vec::new(),
            footnotes: Vec::new(),
            figures: Vec::new(),
            pending: Vec::new(),
            paragraph: 0,
            headings: (0, 0),
            tables: 0,
            introduced: BTreeSet::new(),
        }
    }

    fn section(&mut self, title: &str) {
        self.close_chapter();
        let number = roman(self.sections.len() + 1).to_string();
        self.headings = (0, 0);
        self.sections.push(Section {
            number,
            title: title.into(),
            blocks: Vec::new(),
        });
        self.secretariat_text(TextPlacement::Opening);
    }

    /// Ends the current chapter with the secretariat's closing texts, once.
    fn close_chapter(&mut self) {
        if self.sections.len() > self.closed {
            self.closed = self.sections.len();
            self.secretariat_text(TextPlacement::Closing);
        }
    }

    /// The secretariat's paragraphs for the current chapter at `placement`,
    /// numbered with the chapter's and marked as the secretariat's, as
    /// written (no rule of the compiled text rewrites them).
    fn secretariat_text(&mut self, placement: TextPlacement) {
        let chapter = u32::try_from(self.sections.len()).unwrap_or(u32::MAX);
        let texts = self.texts;
        for text in texts
            .iter()
            .filter(|t| t.chapter == chapter && t.placement == placement as i32)
        {
            for paragraph in &text.paragraphs {
                self.paragraph += 1;
                let number = self.paragraph;
                self.block(Block::Paragraph {
                    number: Some(number),
                    content: vec![Inline::Text(paragraph.clone())],
                    author: Author::Secretariat,
                });
            }
        }
    }

    fn annex(&mut self, title: &str) {
        self.close_chapter();
        let number = format!("Annex {}", roman(self.annexes.len() + 1));
        self.headings = (0, 0);
        self.annexes.push(Section {
            number,
            title: title.into(),
            blocks: Vec::new(),
        });
    }

    fn current(&mut self) -> Option<&mut Section> {
        if self.annexes.is_empty() {
            self.sections.last_mut()
        } else {
            self.annexes.last_mut()
        }
    }

    fn block(&mut self, block: Block) {
        if let Some(section) = self.current() {
            section.blocks.push(block);
        }
    }

    /// "A. Round table 1" (level 2) or "1. Objective 2" (level 3).
    fn heading(&mut self, level: u8, text: impl Into<String>) {
        let number = if level <= 2 {
            self.headings = (self.headings.0 + 1, 0);
            style::letter(self.headings.0)
        } else {
            self.headings.1 += 1;
            self.headings.1.to_string()
        };
        self.block(Block::Heading {
            level,
            number,
            text: style::curly(&text.into()),
        });
    }

    fn place(&mut self, location: String) {
        for mut figure in self.pending.drain(..) {
            figure.location.clone_from(&location);
            self.figures.push(figure);
        }
    }

    fn para(&mut self, para: Para) {
        if self.annexes.is_empty() {
            self.paragraph += 1;
            let number = self.paragraph;
            self.place(number.to_string());
            self.block(Block::Paragraph {
                number: Some(number),
                content: para.0,
                author: Author::Compiled,
            });
        } else {
            let location = self
                .current()
                .map_or_else(String::new, |s| s.number.clone());
            self.place(location);
            self.block(Block::Paragraph {
                number: None,
                content: para.0,
                author: Author::Compiled,
            });
        }
    }

    fn summary_para(&mut self, para: Para) {
        self.place("summary".into());
        self.summary.push(para.0);
    }

    /// Records a figure for the next paragraph and gives its printed form.
    fn fig(&mut self, fig: Fig<'_>) -> String {
        let id = format!("F{}", self.figures.len() + self.pending.len() + 1);
        let mut sources = fig.sources;
        sources.sort();
        sources.dedup();
        let display = fig.display.clone();
        self.pending.push(Figure {
            id,
            value: fig.value,
            display: fig.display,
            unit: fig.unit.to_string(),
            method: fig.method,
            year: fig.year,
            location: String::new(),
            sources,
        });
        display
    }

    /// A count with its noun, in words under 10: "seven Member States",
    /// read from `field` of `sources`.
    fn count(
        &mut self,
        n: impl Into<f64>,
        singular: &str,
        plural: &'static str,
        sources: &[Source],
        field: &str,
    ) -> String {
        let n = n.into();
        self.fig(Fig::new(n, style::count(n, singular, plural), plural).from(sources, field))
    }

    /// A count without its noun, in words under 10: "seven", "12".
    fn number(&mut self, n: impl Into<f64>, unit: &str, sources: &[Source], field: &str) -> String {
        let n = n.into();
        self.fig(Fig::new(n, style::number(n), unit).from(sources, field))
    }

    /// A share in per cent, rounded as prose rounds it: "48 per cent".
    fn share(&mut self, part: f64, whole: f64, sources: &[Source], field: &str) -> String {
        self.fig(
            Fig::new(
                style::share_value(part, whole),
                style::per_cent(part, whole),
                "per cent",
            )
            .of(Method::Share)
            .from(sources, field),
        )
    }

    fn note(&mut self, text: impl Into<String>, mut sources: Vec<Source>) -> u32 {
        sources.sort();
        sources.dedup();
        let number = u32::try_from(self.footnotes.len() + 1).unwrap_or(u32::MAX);
        self.footnotes.push(Footnote {
            number,
            text: style::curly(&text.into()),
            sources,
        });
        number
    }

    /// A footnote citing every one of `sources` by title and document
    /// symbol, grouped by kind; `lead` says what they support.
    fn cite(&mut self, lead: &str, sources: Vec<Source>) -> u32 {
        let mut sorted = sources;
        sorted.sort();
        sorted.dedup();
        let text = self.catalogue.citation(lead, &sorted);
        self.note(text, sorted)
    }

    /// The full name with the abbreviation at its first use, the
    /// abbreviation after.
    fn abbr(&mut self, short: &'static str, full: &str) -> String {
        if self.introduced.insert(short) {
            format!("{full} ({short})")
        } else {
            short.to_string()
        }
    }

    /// A commission as running text names it.
    fn commission(&mut self, c: Commission) -> String {
        let code = commission_code(c);
        let name = format!("the {}", commission_name(c));
        if self.introduced.insert(code) {
            format!("{name} ({code})")
        } else {
            code.to_string()
        }
    }

    /// Commissions listed: "ECA and ESCAP".
    fn commissions(&mut self, cs: &[Commission]) -> String {
        let names: Vec<String> = cs.iter().map(|c| self.commission(*c)).collect();
        list(&names)
    }

    /// "United States dollars" at first use, "$" after.
    fn dollars(&mut self, amount: &str) -> String {
        if self.introduced.insert("$") {
            format!("{amount} United States dollars ($)")
        } else {
            format!("${amount}")
        }
    }

    /// States named inline when few, or counted with the names in a
    /// footnote: returns the phrase and the footnote, if one was made.
    fn states(
        &mut self,
        states: &[&str],
        what: &str,
        sources: Vec<Source>,
    ) -> (String, Option<u32>) {
        let names = state_names(states);
        if names.len() <= NAMED_INLINE {
            return (list(&names), None);
        }
        let phrase = self.count(
            names.len() as f64,
            "Member State",
            "Member States",
            &sources,
            "state",
        );
        let n = self.note(
            format!("{}: {}.", style::capitalize(what), list(&names)),
            sources,
        );
        (phrase, Some(n))
    }

    /// A table, numbered in order ("Table 3. caption"), so a table left
    /// out leaves no gap; each column its heading and relative width, so
    /// the two cannot disagree in number.
    fn table<S: AsRef<str>>(
        &mut self,
        caption: &str,
        columns: &[(S, u16)],
        mut rows: Vec<Vec<String>>,
        footnote: Option<u32>,
    ) {
        for cell in rows.iter_mut().flatten() {
            *cell = style::curly(cell);
        }
        self.tables += 1;
        self.block(Block::Table(Table {
            caption: format!("Table {}. {caption}", self.tables),
            header: columns
                .iter()
                .map(|(h, _)| h.as_ref().to_string())
                .collect(),
            widths: columns.iter().map(|(_, w)| *w).collect(),
            rows,
            footnote,
        }));
    }
}

/// The entries of `map`, the heaviest first, ties in key order.
fn most_first<K: Ord, V>(map: BTreeMap<K, V>, weight: impl Fn(&V) -> u64) -> Vec<(K, V)> {
    let mut entries: Vec<(K, V)> = map.into_iter().collect();
    // A stable sort keeps the map's key order among equal weights.
    entries.sort_by_key(|(_, v)| std::cmp::Reverse(weight(v)));
    entries
}

/// The practices on each objective (a primary objective of theirs), in
/// the order of `inputs.practices`: one pass over the Repository instead
/// of one per objective.
fn practices_by_objective<'a>(inputs: &DraftInputs<'a>) -> BTreeMap<u32, Vec<&'a PracticeInput>> {
    let mut by: BTreeMap<u32, Vec<&PracticeInput>> = BTreeMap::new();
    for p in &inputs.practices {
        let mut objectives = p.details.primary_objectives.clone();
        objectives.sort_unstable();
        objectives.dedup();
        for o in objectives {
            by.entry(o).or_default().push(p);
        }
    }
    by
}

/// The aggregate of the draft's inputs, computed as national-aggregation
/// computes it.
fn aggregate(inputs: &DraftInputs) -> Aggregate {
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
    compute(&inputs.cycle.cycle_id, &contributions, Filter::default())
}

fn header(cycle: &Cycle) -> Header {
    let items = &cycle.agenda_items;
    let numbers: Vec<String> = items.iter().map(|i| i.number.to_string()).collect();
    Header {
        document_symbol: if cycle.document_symbol.is_empty() {
            "A/…".into()
        } else {
            cycle.document_symbol.clone()
        },
        distribution: "General".into(),
        date: cycle
            .schedule
            .as_ref()
            .and_then(|s| s.compile_date.as_ref())
            .map(style::date)
            .unwrap_or_default(),
        original: "English".into(),
        session: session(cycle.session),
        agenda_label: match numbers.len() {
            0 => String::new(),
            1 => format!("Item {} of the agenda", numbers[0]),
            _ => format!("Items {} of the agenda", list(&numbers)),
        },
        agenda_titles: items.iter().map(|i| i.title.clone()).collect(),
    }
}

/// Compiles the draft of `inputs`.
pub fn compose(inputs: &DraftInputs) -> Draft {
    let cycle = inputs.cycle;
    // The catalogue (an entry per input, thousands at a full cycle) and the
    // aggregate are independent reads of the inputs: built side by side.
    let (aggregate, catalogue) = std::thread::scope(|scope| {
        let catalogue = scope.spawn(|| Catalogue::new(inputs));
        let aggregate = aggregate(inputs);
        // A panic building the catalogue is a bug of this crate: surface
        // it as the panic it is.
        let catalogue = catalogue
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (aggregate, catalogue)
    });
    let states = inputs.states();
    let mut w = Writer::new(&catalogue, &inputs.texts);

    summary::summary(&mut w, inputs, &aggregate, &states);
    introduction::introduction(&mut w, inputs, &states);
    context::context(&mut w);
    progress::progress(&mut w, inputs);
    system::system(&mut w, inputs);
    arrangements::arrangements(&mut w, inputs, &aggregate, &states);
    declaration::declaration(&mut w, inputs, &aggregate);
    conclusions::conclusions(&mut w, inputs, &aggregate);
    annex::tables(&mut w, inputs, &aggregate);
    annex::inputs(&mut w);

    let illustrative = catalogue.illustrative();
    let illustrative_note = (illustrative > 0).then(|| {
        format!(
            "ILLUSTRATIVE DRAFT: {} of the {} inputs are illustrative, prepared to demonstrate the platform and not submitted by the bodies named; annex II marks each of them. Figures drawn from them are not official.",
            style::number(illustrative as f64),
            style::number(catalogue.submissions() as f64),
        )
    });

    Draft {
        cycle_id: cycle.cycle_id.clone(),
        header: header(cycle),
        title: "Global Compact for Safe, Orderly and Regular Migration".into(),
        subtitle: "Report of the Secretary-General".into(),
        status_note: format!(
            "Draft compiled by the secretariat for review cycle {} ({}); not an official document.",
            cycle.cycle_id, cycle.title
        ),
        illustrative_note,
        summary: w.summary,
        sections: w.sections,
        annexes: w.annexes,
        footnotes: w.footnotes,
        figures: w.figures,
        inputs: catalogue.into_entries(),
    }
}
