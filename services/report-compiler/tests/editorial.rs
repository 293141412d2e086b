//! The draft read as the Editorial Manual and a careful reader read it:
//! every numeral in the body is a figure of the JSON; no sentence opens
//! with a numeral; small numbers are words; abbreviations and "$" are
//! introduced; States are listed alphabetically; apostrophes are curly;
//! parentheses are never empty or doubled. Then its structure: the header
//! block from the cycle, chapters I to VII, annexes numbered apart, and the
//! complete list of inputs in every format. Checked on the rendered
//! Markdown, HTML and DOCX, not on the structure they are rendered from.

mod fixture;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use fixture::{AnyError, followed_inputs, opened_cycle};
use imrf_proto::v1::DraftFormat;
use regex::Regex;
use report_compiler::draft::compose::{DraftInputs, compose};
use report_compiler::draft::model::{Draft, SourceKind};
use report_compiler::draft::render_all;

/// The draft and its renderings by format.
fn rendered() -> Result<(Draft, BTreeMap<i32, Vec<u8>>), AnyError> {
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
    let draft = compose(&DraftInputs::gather(&cycle, &inputs));
    let renderings = render_all(&draft)?
        .into_iter()
        .map(|r| (r.format as i32, r.bytes))
        .collect();
    Ok((draft, renderings))
}

/// Paragraphs by location ("summary" or the paragraph number).
type Paragraphs = Vec<(String, String)>;

/// Body paragraphs of the Markdown, by location ("summary" or the number).
fn markdown_paragraphs(md: &str) -> Vec<(String, String)> {
    let numbered = Regex::new(r"^(\d+)\\\. (.*)$").ok();
    let marker = Regex::new(r"\[\^\d+\]").ok();
    let mut out = Vec::new();
    let mut in_summary = false;
    for line in md.lines() {
        if line.starts_with("## Annex") {
            break;
        }
        if line.starts_with("## ") {
            in_summary = line == "## Summary";
            continue;
        }
        let text = marker
            .as_ref()
            .map(|r| r.replace_all(line, "").to_string())
            .unwrap_or_default()
            .replace("\\*", "*")
            .replace("\\_", "_");
        if let Some(c) = numbered.as_ref().and_then(|r| r.captures(&text)) {
            out.push((c[1].to_string(), c[2].to_string()));
        } else if in_summary && !line.trim().is_empty() {
            out.push(("summary".to_string(), text));
        }
    }
    out
}

/// Body paragraphs of the HTML, by location.
fn html_paragraphs(html: &str) -> Vec<(String, String)> {
    let tags = Regex::new(r"<sup.*?</sup>|<[^>]+>").ok();
    let strip = |s: &str| {
        tags.as_ref()
            .map(|r| r.replace_all(s, "").to_string())
            .unwrap_or_default()
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
    };
    let mut out = Vec::new();
    let summary = html
        .split("<section class=\"summary\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or("");
    for p in summary.split("<p>").skip(1) {
        out.push((
            "summary".into(),
            strip(p.split("</p>").next().unwrap_or("")),
        ));
    }
    let numbered =
        Regex::new(r#"<p class="para[^"]*" id="para(\d+)"><span class="n">\d+\.</span>(.*?)</p>"#)
            .ok();
    for c in numbered.iter().flat_map(|r| r.captures_iter(html)) {
        out.push((c[1].to_string(), strip(&c[2])));
    }
    out
}

/// Body paragraphs of the DOCX, by location.
fn docx_paragraphs(docx: &[u8]) -> Result<Vec<(String, String)>, AnyError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")?
        .read_to_string(&mut xml)?;
    let paras = Regex::new(r#"<w:p>(.*?)</w:p>"#)?;
    let texts = Regex::new(r#"<w:t(?: [^>]*)?>([^<]*)</w:t>"#)?;
    let mut out = Vec::new();
    let mut in_summary = false;
    for p in paras.captures_iter(&xml) {
        let body = &p[1];
        let text: String = texts
            .captures_iter(body)
            .map(|t| t[1].to_string())
            .collect::<String>()
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"");
        if body.contains("w:val=\"AnnexHeading\"") {
            break;
        }
        if body.contains("w:val=\"Heading2\"") && text == "Summary" {
            in_summary = true;
            continue;
        }
        if body.contains("w:val=\"Heading1\"") {
            in_summary = false;
        }
        if body.contains("w:val=\"NumberedPara\"") {
            if let Some((n, rest)) = text.split_once('.') {
                out.push((n.to_string(), rest.to_string()));
            }
        } else if in_summary && body.contains("w:val=\"SingleTxt\"") {
            out.push(("summary".into(), text));
        }
    }
    Ok(out)
}

/// The text a reader reads as the writer's own: quotations of the inputs
/// taken out.
fn own_text(text: &str) -> String {
    Regex::new("\u{201c}[^\u{201d}]*\u{201d}")
        .map(|r| r.replace_all(text, "\u{201c}\u{201d}").to_string())
        .unwrap_or_default()
}

/// References that are not figures: years, dates, objectives, round
/// tables, resolutions, paragraphs, SDG targets and indicators, symbols.
fn without_references(text: &str) -> String {
    let patterns = [
        r"\b\d{1,2} to \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) ",
        r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) ",
        r"\bmid-\d{4}\b",
        r"\bresolutions? \d+/\d+",
        r"\bpara\. \d+",
        r"\b(indicators?|targets?) \d+\.[0-9a-z]+(\.\d+)?((, | and )\d+\.[0-9a-z]+(\.\d+)?)*",
        r"\b[Oo]bjectives? \d+((, | and )\d+)*",
        r"\b[Rr]ound tables? \d+",
        r"\b(19|20)\d{2}\b",
        r"\bA/\S+",
    ];
    let mut out = text.to_string();
    for p in patterns {
        if let Ok(r) = Regex::new(p) {
            out = r.replace_all(&out, " ").to_string();
        }
    }
    out
}

fn numerals(text: &str) -> Vec<String> {
    Regex::new(r"\d[\d,]*(\.\d+)?")
        .map(|r| {
            r.find_iter(text)
                .map(|m| m.as_str().trim_end_matches([',', '.']).to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn paragraphs_of_every_format(
    renderings: &BTreeMap<i32, Vec<u8>>,
) -> Result<Vec<(&'static str, Paragraphs)>, AnyError> {
    let md = String::from_utf8(renderings[&(DraftFormat::Markdown as i32)].clone())?;
    let html = String::from_utf8(renderings[&(DraftFormat::Html as i32)].clone())?;
    Ok(vec![
        ("markdown", markdown_paragraphs(&md)),
        ("html", html_paragraphs(&html)),
        (
            "docx",
            docx_paragraphs(&renderings[&(DraftFormat::Docx as i32)])?,
        ),
    ])
}

#[test]
fn every_numeral_in_the_body_is_a_figure_of_the_json() -> Result<(), AnyError> {
    let (_, renderings) = rendered()?;
    let json: serde_json::Value = serde_json::from_slice(&renderings[&(DraftFormat::Json as i32)])?;
    let mut figures: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in json["figures"].as_array().into_iter().flatten() {
        let location = f["location"].as_str().unwrap_or("").to_string();
        assert!(
            f["sources"].as_array().is_some_and(|s| !s.is_empty()),
            "a figure without sources: {f}"
        );
        for n in numerals(f["display"].as_str().unwrap_or("")) {
            figures.entry(location.clone()).or_default().insert(n);
        }
    }
    assert!(figures.len() > 5, "figures in {} places", figures.len());
    for (format, paragraphs) in paragraphs_of_every_format(&renderings)? {
        assert!(
            paragraphs.len() > 30,
            "{format}: {} paragraphs",
            paragraphs.len()
        );
        for (location, text) in paragraphs {
            let known = figures.get(&location).cloned().unwrap_or_default();
            for n in numerals(&without_references(&own_text(&text))) {
                assert!(
                    known.contains(&n),
                    "{format}, paragraph {location}: {n} is not a figure of the JSON ({known:?}): {text}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn the_body_follows_the_editorial_manual() -> Result<(), AnyError> {
    let (draft, renderings) = rendered()?;
    let sentence_start = Regex::new(r"(^|[.!?] )(\d)")?;
    let small = Regex::new(r"(^|[^\d.,/-])([1-9])($|[^\d.,%/-])")?;
    let iso_date = Regex::new(r"\d{4}-\d{2}-\d{2}")?;
    let caps = Regex::new(r"\b[A-Z]{2,}\b")?;
    let introduced = [
        "ECA", "ECE", "ECLAC", "ESCAP", "ESCWA", "DESA", "IOM", "SDG", "MPTF",
    ];
    for (format, paragraphs) in paragraphs_of_every_format(&renderings)? {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut dollar_seen = false;
        for (location, text) in &paragraphs {
            let own = own_text(text);
            let plain = without_references(&own);
            let at = format!("{format}, paragraph {location}: {text}");
            // "para. 70" ends no sentence.
            assert!(
                !sentence_start.is_match(&own.replace("para. ", "para ")),
                "a sentence opens with a numeral: {at}"
            );
            // Percentages and sums of money ("$4 million") keep their
            // figures, as the Editorial Manual has units of measure do.
            for c in small.captures_iter(&plain) {
                let after = plain[c.get(2).map_or(0, |m| m.end())..].trim_start();
                let money = c.get(1).is_some_and(|m| m.as_str() == "$");
                assert!(
                    after.starts_with("per cent") || money,
                    "a whole number under 10 in figures: {at}"
                );
            }
            assert!(!iso_date.is_match(&own), "a date not written out: {at}");
            assert!(!own.contains('\''), "a straight apostrophe: {at}");
            for bad in ["()", "((", "))", "( ", " )"] {
                assert!(!own.contains(bad), "{bad:?}: {at}");
            }
            for m in caps.find_iter(&own) {
                let word = m.as_str();
                if word.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
                    continue;
                }
                assert!(
                    introduced.contains(&word),
                    "an abbreviation the checks do not know: {word} in {at}"
                );
                if seen.insert(word.to_string()) {
                    let before = &own[..m.start()];
                    assert!(
                        before.ends_with('(') || before.ends_with("Migration "),
                        "{word} used before it is introduced: {at}"
                    );
                }
            }
            if let Some(i) = own.find('$') {
                if !dollar_seen {
                    assert!(
                        own[..i].ends_with("United States dollars ("),
                        "$ used before it is introduced: {at}"
                    );
                }
                dollar_seen = true;
            }
        }
    }
    // States are listed by name, alphabetically, in text and footnotes.
    let listing = Regex::new(
        r"(?:national reviews of |reported as [a-z ]+ by |: )((?:[A-Z][^,;.]*?, )+[A-Z][^,;.]*? and [A-Z][^,;.(]*)",
    )?;
    let names: BTreeSet<String> = imrf_gcm::refdata::reference()
        .member_states()
        .map(|s| s.name.clone())
        .collect();
    let mut lists = 0;
    let texts = draft.footnotes.iter().map(|f| f.text.clone()).chain(
        paragraphs_of_every_format(&renderings)?
            .remove(0)
            .1
            .into_iter()
            .map(|(_, t)| t),
    );
    for text in texts {
        for c in listing.captures_iter(&text) {
            let items: Vec<String> = c[1]
                .split([',', '&'])
                .flat_map(|s| s.split(" and "))
                .map(|s| {
                    s.trim()
                        .trim_start_matches("the ")
                        .split(" (")
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .filter(|s| !s.is_empty())
                .collect();
            if items.iter().all(|i| names.contains(i)) {
                let mut sorted = items.clone();
                sorted.sort();
                assert_eq!(items, sorted, "not alphabetical: {text}");
                lists += 1;
            }
        }
    }
    assert!(lists > 0, "no list of States was checked");
    Ok(())
}

#[test]
fn the_draft_has_the_skeleton_of_the_report() -> Result<(), AnyError> {
    let (draft, renderings) = rendered()?;
    let chapters: Vec<(&str, &str)> = draft
        .sections
        .iter()
        .map(|s| (s.number.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(
        chapters,
        vec![
            ("I", "Introduction"),
            ("II", "Migration context and trends"),
            ("III", "Progress in implementing the Global Compact"),
            ("IV", "Support of the United Nations system"),
            ("V", "Functioning of the institutional arrangements"),
            ("VI", "Follow-up to the Progress Declaration"),
            ("VII", "Conclusions and recommendations"),
        ]
    );
    let annexes: Vec<&str> = draft.annexes.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(annexes, vec!["Annex I", "Annex II"]);
    let json: serde_json::Value = serde_json::from_slice(&renderings[&(DraftFormat::Json as i32)])?;
    for annex in json["annexes"].as_array().into_iter().flatten() {
        for block in annex["blocks"].as_array().into_iter().flatten() {
            if block["kind"] == "paragraph" {
                assert!(
                    block["number"].is_null(),
                    "annex paragraphs are not numbered"
                );
            }
        }
    }
    // The header names the agenda items the cycle gives, and only those.
    assert_eq!(draft.header.session, "Eighty-first session");
    assert_eq!(draft.header.agenda_label, "Items 14 and 122 of the agenda");
    assert_eq!(draft.header.agenda_titles.len(), 2);
    assert_eq!(draft.header.date, "5 January 2026");
    // Guidance for the Forum, because the cycle precedes one.
    assert!(
        draft.sections[6].blocks.iter().any(|b| matches!(
            b,
            report_compiler::draft::model::Block::Heading { text, .. } if text.starts_with("Guidance for the deliberations")
        )),
        "no guidance for the Forum"
    );
    // Headings: A., B. under a chapter, 1., 2. under those.
    let md = String::from_utf8(renderings[&(DraftFormat::Markdown as i32)].clone())?;
    assert!(md.contains("\n### A. Round table 1 (objectives 2, 5, 6, 12 and 18)\n"));
    assert!(md.contains("\n#### 1. Objective 2: "));
    Ok(())
}

#[test]
fn every_format_ends_with_the_complete_list_of_inputs() -> Result<(), AnyError> {
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
    let gathered = DraftInputs::gather(&cycle, &inputs);
    let draft = compose(&gathered);
    let listed: BTreeSet<(SourceKind, String, u32)> = draft
        .inputs
        .iter()
        .map(|e| (e.source.kind, e.source.id.clone(), e.source.revision))
        .collect();
    for s in gathered.watermark() {
        assert!(
            listed.contains(&(s.kind, s.id.clone(), s.revision)),
            "{s:?} not listed"
        );
    }
    let cited = draft.footnotes.iter().flat_map(|f| f.sources.iter()).chain(
        draft
            .figures
            .iter()
            .flat_map(|f| f.sources.iter().map(|s| &s.input)),
    );
    for s in cited {
        assert!(
            listed.contains(&(s.kind, s.id.clone(), s.revision)),
            "{s:?} is cited but not in the list of inputs"
        );
    }
    for e in &draft.inputs {
        assert!(!e.title.is_empty() && !e.provenance.is_empty(), "{e:?}");
    }
    for r in render_all(&draft)? {
        // The JSON is the draft itself; the workbook and the SDMX-CSV hold
        // its tables and figures, not its text.
        if matches!(
            r.format,
            DraftFormat::Json | DraftFormat::Xlsx | DraftFormat::SdmxCsv
        ) {
            continue;
        }
        let text = if r.format == DraftFormat::Docx {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(r.bytes))?;
            let mut xml = String::new();
            archive
                .by_name("word/document.xml")?
                .read_to_string(&mut xml)?;
            xml
        } else {
            String::from_utf8(r.bytes)?
        };
        let list_at = text.find("List of inputs").ok_or("no list of inputs")?;
        for e in &draft.inputs {
            assert!(
                text[list_at..].contains(&e.source.id),
                "{:?}: {} missing from the list",
                r.format,
                e.source.id
            );
        }
    }
    Ok(())
}

#[test]
fn a_cycle_with_no_inputs_yet_gives_a_draft_whose_tables_are_numbered_without_gaps()
-> Result<(), AnyError> {
    // No indicator values, so the table of indicator values is left out;
    // the tables after it keep counting from the one before.
    let (cycle, inputs) = (opened_cycle(), report_compiler::inputs::Inputs::default());
    let draft = compose(&DraftInputs::gather(&cycle, &inputs));
    let captions: Vec<String> = draft
        .annexes
        .iter()
        .flat_map(|a| a.blocks.iter())
        .filter_map(|b| match b {
            report_compiler::draft::model::Block::Table(t) => Some(t.caption.clone()),
            _ => None,
        })
        .collect();
    assert!(captions.len() >= 3, "{captions:?}");
    for (i, caption) in captions.iter().enumerate() {
        assert!(
            caption.starts_with(&format!("Table {}. ", i + 1)),
            "{captions:?}"
        );
    }
    assert!(!captions.iter().any(|c| c.contains("indicator values")));
    render_all(&draft)?;
    Ok(())
}
