//! Arbitrary text in any input field never changes a draft's structure: in
//! each of its renderings, its headings, paragraphs, footnotes, table rows,
//! links, raw markup, sheets, cells and CSV records, counted, are those of
//! the same draft with a plain text in the field, and the DOCX and the
//! workbook stay well-formed XML.

mod fixture;

use std::collections::BTreeMap;
use std::io::Read;

use fixture::{AnyError, Published, fixture_events, opened_cycle, practice_events, review_event};
use imrf_proto::v1::event::Payload;
use imrf_proto::v1::{Commission, DraftFormat, DraftText, TextPlacement};
use report_compiler::draft::compose::{DraftInputs, compose};
use report_compiler::draft::{render_all, render_one};
use report_compiler::inputs::Inputs;

/// The fixture with `text` in every kind of field a draft quotes or lists:
/// a regional finding and a recommendation, a national narrative and a
/// pledge title, a practice's title and summary, the cycle's title and the
/// secretariat's own paragraph.
fn draft_with(text: &str) -> Result<Vec<(DraftFormat, Vec<u8>)>, AnyError> {
    let mut events: Vec<Published> = fixture_events();
    events[0] = review_event(Commission::Ece, 1, text);
    for (_, event) in &mut events {
        match &mut event.payload {
            Some(Payload::RegionalReviewAccepted(accepted)) => {
                if let Some(finding) = accepted
                    .record
                    .as_mut()
                    .and_then(|r| r.review.as_mut())
                    .and_then(|r| r.findings.first_mut())
                {
                    finding.recommendations.push(text.to_string());
                }
            }
            Some(Payload::NationalReportAccepted(accepted)) => {
                if let Some(report) = accepted.record.as_mut().and_then(|r| r.report.as_mut()) {
                    if let Some(objective) = report.objectives.first_mut() {
                        objective.narrative = text.to_string();
                    }
                    if let Some(pledge) = report.pledges.first_mut() {
                        pledge.title = text.to_string();
                    }
                }
            }
            _ => {}
        }
    }
    let mut practice = practice_events(
        "01JCCCCCCCCCCCCCCCCCCCCCCC",
        text,
        vec![20],
        vec![Commission::Ece],
    );
    for (_, event) in &mut practice {
        let details = match &mut event.payload {
            Some(Payload::PracticeSubmitted(p)) => p.details.as_mut(),
            Some(Payload::PracticeReviewed(p)) => p.details.as_mut(),
            _ => None,
        };
        if let Some(details) = details {
            details.summary = text.to_string();
            details.results = text.to_string();
        }
    }
    events.extend(practice);
    let inputs = Inputs::from_streams(events);
    let mut cycle = opened_cycle();
    cycle.title = text.to_string();
    let texts = [DraftText {
        cycle_id: "2026".into(),
        text_id: "chapeau-iii".into(),
        chapter: 3,
        placement: TextPlacement::Opening as i32,
        paragraphs: vec![text.to_string()],
        revision: 1,
        ..Default::default()
    }];
    let draft = compose(&DraftInputs::gather(&cycle, &inputs).with_texts(&texts));
    let mut renderings = render_all(&draft)?;
    for format in [DraftFormat::Xlsx, DraftFormat::SdmxCsv] {
        renderings.extend(render_one(&draft, format)?);
    }
    Ok(renderings
        .into_iter()
        .map(|r| (r.format, r.bytes))
        .collect())
}

type Counts = BTreeMap<String, usize>;

fn markdown(bytes: &[u8]) -> Result<Counts, AnyError> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let text = std::str::from_utf8(bytes)?;
    let mut counts = Counts::new();
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(text, options) {
        let kind = match event {
            Event::Start(Tag::Heading { level, .. }) => format!("heading {level:?}"),
            Event::Start(Tag::Paragraph) => "paragraph".into(),
            Event::Start(Tag::TableRow | Tag::TableHead) => "table row".into(),
            Event::Start(Tag::Table(_)) => "table".into(),
            Event::Start(Tag::FootnoteDefinition(_)) => "footnote".into(),
            Event::FootnoteReference(_) => "footnote reference".into(),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => "link".into(),
            Event::Start(Tag::List(_)) => "list".into(),
            Event::Start(Tag::BlockQuote(_)) => "quote".into(),
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => "code".into(),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => "emphasis".into(),
            Event::Html(_) | Event::InlineHtml(_) => "html".into(),
            Event::Rule => "rule".into(),
            _ => continue,
        };
        *counts.entry(kind).or_default() += 1;
    }
    Ok(counts)
}

fn html(bytes: &[u8]) -> Result<Counts, AnyError> {
    let text = std::str::from_utf8(bytes)?;
    // Every `<` a text brings is escaped, so tags are the renderer's own.
    let mut counts = Counts::new();
    for tag in text.split('<').skip(1) {
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
            .collect();
        *counts.entry(name).or_default() += 1;
    }
    Ok(counts)
}

/// Whether XML 1.0 allows `c` in a document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn docx(bytes: &[u8]) -> Result<Counts, AnyError> {
    office(bytes, |part| {
        part == "word/document.xml" || part == "word/footnotes.xml"
    })
}

/// The workbook's sheets, their rows and cells, and its shared strings.
fn xlsx(bytes: &[u8]) -> Result<Counts, AnyError> {
    office(bytes, |part| {
        part == "xl/workbook.xml"
            || part == "xl/sharedStrings.xml"
            || part.starts_with("xl/worksheets/sheet")
    })
}

/// Records and fields of the SDMX-CSV, read by a CSV parser: a quote or
/// separator a text brings must not add either.
fn sdmx_csv(bytes: &[u8]) -> Result<Counts, AnyError> {
    let mut counts = Counts::new();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    for record in reader.records() {
        *counts
            .entry(format!("record of {} fields", record?.len()))
            .or_default() += 1;
    }
    Ok(counts)
}

/// The elements of the parts of an Office Open XML package that `part`
/// picks, each checked for characters XML forbids.
fn office(bytes: &[u8], part: impl Fn(&str) -> bool) -> Result<Counts, AnyError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut counts = Counts::new();
    let mut parts: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|name| part(name))
        .map(|name| name.to_string())
        .collect();
    parts.sort();
    for part in &parts {
        let part = part.as_str();
        let mut xml = String::new();
        archive.by_name(part)?.read_to_string(&mut xml)?;
        if let Some(bad) = xml.chars().find(|c| !xml_char(*c)) {
            return Err(format!("{part} holds U+{:04X}, which XML forbids", u32::from(bad)).into());
        }
        let mut reader = quick_xml::Reader::from_str(&xml);
        reader.config_mut().check_end_names = true;
        loop {
            match reader.read_event()? {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                    let style = if name == "w:pStyle" {
                        e.try_get_attribute("w:val")?
                            .map(|a| format!(" {}", String::from_utf8_lossy(&a.value)))
                            .unwrap_or_default()
                    } else {
                        String::new()
                    };
                    *counts.entry(format!("{part} {name}{style}")).or_default() += 1;
                }
                _ => {}
            }
        }
    }
    Ok(counts)
}

fn json(bytes: &[u8]) -> Result<Counts, AnyError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)?;
    let mut counts = Counts::new();
    for key in [
        "summary",
        "sections",
        "annexes",
        "footnotes",
        "figures",
        "inputs",
    ] {
        let n = value[key].as_array().map_or(0, Vec::len);
        counts.insert(key.to_string(), n);
    }
    Ok(counts)
}

fn structure(
    renderings: &[(DraftFormat, Vec<u8>)],
) -> Result<Vec<(DraftFormat, Counts)>, AnyError> {
    renderings
        .iter()
        .map(|(format, bytes)| {
            let counts = match format {
                DraftFormat::Markdown => markdown(bytes)?,
                DraftFormat::Html => html(bytes)?,
                DraftFormat::Docx => docx(bytes)?,
                DraftFormat::Xlsx => xlsx(bytes)?,
                DraftFormat::SdmxCsv => sdmx_csv(bytes)?,
                _ => json(bytes)?,
            };
            Ok((*format, counts))
        })
        .collect()
}

/// `text` among words enough for the composer to quote it wherever it
/// quotes a text (a narrative of six words or more), so what the arbitrary
/// part changes is never whether a quotation is made (content), only what
/// it could do to the markup (structure).
fn framed(text: &str) -> String {
    format!("As the focal point noted: {text} end.")
}

#[test]
fn arbitrary_text_in_any_input_never_changes_the_drafts_structure() -> Result<(), AnyError> {
    let plain = structure(&draft_with(&framed("plain words"))?)?;
    assert!(
        plain.iter().all(|(_, counts)| !counts.is_empty()),
        "{plain:?}"
    );
    imrf_testkit::fuzz_text_with(&imrf_testkit::MARKUP_FRAGMENTS, 48, |arbitrary| {
        let text = framed(arbitrary);
        let found = draft_with(&text).and_then(|r| structure(&r));
        match found {
            Ok(found) => {
                for ((format, want), (_, got)) in plain.iter().zip(&found) {
                    assert_eq!(got, want, "{format:?} changed by {text:?}");
                }
            }
            Err(err) => panic!("{text:?}: {err}"),
        }
    });
    Ok(())
}

#[test]
fn the_structure_counts_see_injected_markup() -> Result<(), AnyError> {
    // The counts this test compares would notice what the escaping stops.
    let injected =
        markdown(b"Text\n# Heading\n\n[^1]: note\n\n| a |\n| - |\n| b |\n<script>x</script>\n")?;
    for kind in ["heading H1", "footnote", "table row", "html"] {
        assert!(injected.contains_key(kind), "{kind}: {injected:?}");
    }
    let tags = html(b"<p>a <script>x</script></p>")?;
    assert_eq!(tags.get("script"), Some(&1));
    Ok(())
}
