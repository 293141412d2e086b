//! The draft in Markdown, HTML (one self-contained printable page) and JSON.
//! Pure functions of the draft: the same draft gives the same bytes.

use std::fmt::Write as _;

use imrf_gcm::validate::unfit_char;

use super::model::{Author, Block, Draft, Inline, SECRETARIAT_MARK, Section, Table};

/// The draft as JSON: the draft structure itself.
pub fn json(draft: &Draft) -> Result<Vec<u8>, serde_json::Error> {
    // Sources are most of the bytes (every one of every figure, uncapped):
    // sized for them up front, a full cycle's megabytes are written once
    // instead of copied through every doubling of the buffer.
    let sources: usize = draft.figures.iter().map(|f| f.sources.len()).sum::<usize>()
        + draft
            .footnotes
            .iter()
            .map(|f| f.sources.len())
            .sum::<usize>();
    let mut bytes = Vec::with_capacity((1 << 20) + 100 * sources);
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, super::json_layout::Layout::new());
    serde::Serialize::serialize(draft, &mut serializer)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `text` as literal Markdown text on one line: characters unfit for a
/// document dropped (see `imrf_gcm::validate::unfit_char`), line breaks and
/// tabs made spaces (a break could open a heading, a list, a footnote
/// definition or a table row), and every character Markdown could read as
/// markup (emphasis, code, links, raw HTML, entities, headings, table cells,
/// strike-through) escaped with a backslash, which CommonMark allows before
/// any ASCII punctuation.
fn md_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if unfit_char(c).is_some() => {}
            c => out.push(c),
        }
    }
}

fn md_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    md_text(&mut out, text);
    out
}

/// Escaped Markdown (see [`md_text`]) placed at the start of a line: no
/// leading spaces (four would open a code block), and its first character
/// escaped where it would open a list, a heading underline or a thematic
/// break ("- ", "+ ", "=", "1. ", "2) ").
fn md_line(escaped: &str) -> String {
    let trimmed = escaped.trim_start_matches(' ');
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let mut out = String::with_capacity(trimmed.len() + 1);
    match trimmed.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => {
            out.push_str(&trimmed[..digits]);
            out.push('\\');
            out.push_str(&trimmed[digits..]);
        }
        Some(b'-' | b'+' | b'=') if digits == 0 => {
            out.push('\\');
            out.push_str(trimmed);
        }
        _ => out.push_str(trimmed),
    }
    out
}

/// Whether each inline is a footnote mark right after another, which the
/// renderers separate with a comma so "228" and "229" do not read "228229".
fn after_note(content: &[Inline]) -> impl Iterator<Item = (&Inline, bool)> {
    content.iter().enumerate().map(move |(i, inline)| {
        let follows = i > 0
            && matches!(inline, Inline::Footnote(_))
            && matches!(content[i - 1], Inline::Footnote(_));
        (inline, follows)
    })
}

fn md_inline(content: &[Inline]) -> String {
    let mut out = String::new();
    for (i, follows) in after_note(content) {
        match i {
            Inline::Text(t) => md_text(&mut out, t),
            Inline::Footnote(n) => {
                let comma = if follows { "<sup>,</sup>" } else { "" };
                let _ = write!(out, "{comma}[^{n}]");
            }
        }
    }
    out
}

fn md_table(out: &mut String, table: &Table) {
    let _ = write!(out, "**{}**", md_escaped(&table.caption));
    if let Some(n) = table.footnote {
        let _ = write!(out, "[^{n}]");
    }
    out.push_str("\n\n| ");
    out.push_str(
        &table
            .header
            .iter()
            .map(|h| md_escaped(h))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|");
    for _ in &table.header {
        out.push_str(" --- |");
    }
    out.push('\n');
    for row in &table.rows {
        out.push_str("| ");
        out.push_str(
            &row.iter()
                .map(|c| md_escaped(c))
                .collect::<Vec<_>>()
                .join(" | "),
        );
        out.push_str(" |\n");
    }
    out.push('\n');
}

fn md_section(out: &mut String, section: &Section) {
    let _ = writeln!(out, "## {}", md_escaped(&section_heading(section)));
    let _ = writeln!(out);
    for block in &section.blocks {
        match block {
            Block::Heading {
                level,
                number,
                text,
            } => {
                let hashes = "#".repeat(usize::from(*level) + 1);
                let text = md_escaped(text);
                if number.is_empty() {
                    let _ = writeln!(out, "{hashes} {text}");
                } else {
                    let _ = writeln!(out, "{hashes} {}. {text}", md_escaped(number));
                }
                let _ = writeln!(out);
            }
            Block::Paragraph {
                number,
                content,
                author,
            } => {
                let mark = if *author == Author::Secretariat {
                    format!("{SECRETARIAT_MARK} ")
                } else {
                    String::new()
                };
                match number {
                    Some(n) => {
                        let _ = writeln!(out, "{n}\\. {mark}{}", md_inline(content));
                    }
                    None => {
                        let _ =
                            writeln!(out, "{}", md_line(&format!("{mark}{}", md_inline(content))));
                    }
                }
                let _ = writeln!(out);
            }
            Block::Table(table) => md_table(out, table),
        }
    }
}

/// "I. Introduction", "Annex II. List of inputs".
fn section_heading(section: &Section) -> String {
    format!("{}. {}", section.number, section.title)
}

/// The draft as Markdown, footnotes as `[^n]`.
pub fn markdown(draft: &Draft) -> Vec<u8> {
    let h = &draft.header;
    let e = md_escaped;
    let mut out = String::new();
    let _ = writeln!(out, "United Nations | {}", e(&h.document_symbol));
    let _ = writeln!(out);
    let _ = writeln!(out, "General Assembly | Distr.: {}  ", e(&h.distribution));
    let _ = writeln!(out, "{}  ", md_line(&e(&h.date)));
    let _ = writeln!(out, "Original: {}", e(&h.original));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}  ", md_line(&e(&h.session)));
    if !h.agenda_label.is_empty() {
        let _ = writeln!(out, "{}  ", md_line(&e(&h.agenda_label)));
    }
    for title in &h.agenda_titles {
        let _ = writeln!(out, "**{}**  ", e(title));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "# {}", e(&draft.title));
    let _ = writeln!(out);
    let _ = writeln!(out, "*{}*", e(&draft.subtitle));
    let _ = writeln!(out);
    let _ = writeln!(out, "> {}", e(&draft.status_note));
    if let Some(note) = &draft.illustrative_note {
        let _ = writeln!(out, ">");
        let _ = writeln!(out, "> **{}**", e(note));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "## Summary");
    let _ = writeln!(out);
    for para in &draft.summary {
        let _ = writeln!(out, "{}", md_line(&md_inline(para)));
        let _ = writeln!(out);
    }
    for section in draft.sections.iter().chain(&draft.annexes) {
        md_section(&mut out, section);
    }
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    for note in &draft.footnotes {
        let _ = writeln!(out, "[^{}]: {}", note.number, e(&note.text));
    }
    out.into_bytes()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if unfit_char(c).is_some() => {}
            c => out.push(c),
        }
    }
    out
}

fn html_inline(content: &[Inline]) -> String {
    after_note(content)
        .map(|(i, follows)| match i {
            Inline::Text(t) => escape(t),
            Inline::Footnote(n) => {
                let comma = if follows { "<sup>,</sup>" } else { "" };
                format!("{comma}<sup class=\"fn\"><a id=\"ref{n}\" href=\"#fn{n}\">{n}</a></sup>")
            }
        })
        .collect()
}

const STYLE: &str = "body{font-family:'Times New Roman',Times,serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111}\
header{border-bottom:2px solid #009edb;margin-bottom:1.5em}\
.masthead,.organ{display:flex;justify-content:space-between;border-bottom:1px solid #111;padding:.2em 0}\
.masthead .symbol{font-size:1.3em;font-weight:bold}.organ .ga{font-size:1.4em;font-weight:bold}.organ .distr{font-size:.9em}\
.session{font-size:.9em}.subtitle{font-weight:bold}p.secretariat{border-left:3px solid #009edb;padding-left:.5em}\
.status{border:1px solid #999;padding:.5em;font-size:.9em}\
.illustrative{border:2px solid #b00;color:#b00;padding:.5em;font-weight:bold}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}h3{font-size:1.1em}h4{font-size:1em;font-style:italic}\
p.para{text-indent:0}p.para .n{display:inline-block;min-width:2.2em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #999;padding:.2em .5em;text-align:left}\
caption{font-weight:bold;text-align:left;margin-bottom:.3em}\
sup.fn a{text-decoration:none}ol.footnotes{font-size:.85em}\
@media print{body{margin:0;max-width:none}a{color:#111}}";

fn html_table(out: &mut String, table: &Table) {
    let _ = write!(out, "<table>\n<caption>{}", escape(&table.caption));
    if let Some(n) = table.footnote {
        let _ = write!(out, "{}", html_inline(&[Inline::Footnote(n)]));
    }
    out.push_str("</caption>\n<thead><tr>");
    for h in &table.header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn html_section(out: &mut String, section: &Section) {
    let _ = writeln!(
        out,
        "<section>\n<h2>{}</h2>",
        escape(&section_heading(section))
    );
    for block in &section.blocks {
        match block {
            Block::Heading {
                level,
                number,
                text,
            } => {
                let heading = if number.is_empty() {
                    text.clone()
                } else {
                    format!("{number}. {text}")
                };
                let _ = writeln!(out, "<h{0}>{1}</h{0}>", level + 1, escape(&heading));
            }
            Block::Paragraph {
                number,
                content,
                author,
            } => {
                let class = if *author == Author::Secretariat {
                    "para secretariat"
                } else {
                    "para"
                };
                match number {
                    Some(n) => {
                        let _ = writeln!(
                            out,
                            "<p class=\"{class}\" id=\"para{n}\"><span class=\"n\">{n}.</span>{}</p>",
                            html_inline(content)
                        );
                    }
                    None => {
                        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", html_inline(content));
                    }
                }
            }
            Block::Table(table) => html_table(out, table),
        }
    }
    out.push_str("</section>\n");
}

/// The draft as one self-contained HTML page (styles inline, no external
/// resource), printable.
pub fn html(draft: &Draft) -> Vec<u8> {
    let h = &draft.header;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} \u{2014} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<div class=\"masthead\"><span>United Nations</span><span class=\"symbol\">{}</span></div>\n<div class=\"organ\"><span class=\"ga\">General Assembly</span><span class=\"distr\">Distr.: {}<br>{}<br>Original: {}</span></div>\n<p class=\"session\">{}",
        escape(&h.document_symbol),
        escape(&draft.title),
        escape(&h.document_symbol),
        escape(&h.distribution),
        escape(&h.date),
        escape(&h.original),
        escape(&h.session),
    );
    if !h.agenda_label.is_empty() {
        let _ = write!(out, "<br>{}", escape(&h.agenda_label));
    }
    for title in &h.agenda_titles {
        let _ = write!(out, "<br><strong>{}</strong>", escape(title));
    }
    let _ = write!(
        out,
        "</p>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n</header>\n<p class=\"status\">{}</p>\n",
        escape(&draft.title),
        escape(&draft.subtitle),
        escape(&draft.status_note),
    );
    if let Some(note) = &draft.illustrative_note {
        let _ = writeln!(out, "<p class=\"illustrative\">{}</p>", escape(note));
    }
    out.push_str("<section class=\"summary\">\n<h2>Summary</h2>\n");
    for para in &draft.summary {
        let _ = writeln!(out, "<p>{}</p>", html_inline(para));
    }
    out.push_str("</section>\n");
    for section in draft.sections.iter().chain(&draft.annexes) {
        html_section(&mut out, section);
    }
    out.push_str("<hr>\n<ol class=\"footnotes\">\n");
    for note in &draft.footnotes {
        let _ = writeln!(
            out,
            "<li id=\"fn{0}\" value=\"{0}\">{1} <a href=\"#ref{0}\">\u{21a9}</a></li>",
            note.number,
            escape(&note.text)
        );
    }
    out.push_str("</ol>\n</body>\n</html>\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_the_inputs_is_escaped_in_every_text_format() {
        let text = vec![
            Inline::Text("<script>alert('x')</script> *bold* & _it_".into()),
            Inline::Footnote(3),
        ];
        let md = md_inline(&text);
        assert!(md.contains("\\*bold\\*") && md.contains("\\_it\\_"), "{md}");
        assert!(md.ends_with("[^3]"));
        let html = html_inline(&text);
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn footnote_marks_in_a_row_are_separated_and_single_ones_are_not() {
        let text = vec![
            Inline::Text("Figures.".into()),
            Inline::Footnote(228),
            Inline::Footnote(229),
            Inline::Text(" More.".into()),
            Inline::Footnote(230),
        ];
        assert_eq!(
            md_inline(&text),
            "Figures.[^228]<sup>,</sup>[^229] More.[^230]"
        );
        let html = html_inline(&text);
        assert!(
            html.contains("228</a></sup><sup>,</sup><sup class=\"fn\">"),
            "{html}"
        );
        assert_eq!(html.matches("<sup>,</sup>").count(), 1, "{html}");
        let docx = crate::draft::docx::inlines(&text);
        assert_eq!(docx.matches("<w:t>,</w:t>").count(), 1, "{docx}");
    }

    #[test]
    fn the_json_rendering_reads_back_as_the_same_draft() -> Result<(), serde_json::Error> {
        let draft = crate::draft::model::sample("Implementation of the Global Compact");
        let bytes = json(&draft)?;
        assert_eq!(bytes.last(), Some(&b'\n'));
        let back: serde_json::Value = serde_json::from_slice(&bytes)?;
        assert_eq!(back["cycle_id"], "2026");
        assert_eq!(json(&draft)?, bytes, "the same draft gives the same bytes");
        Ok(())
    }
}
