//! The draft in Markdown, HTML (one self-contained printable page) and JSON.
//! Pure functions of the draft: the same draft gives the same bytes.

use std::fmt::Write as _;

use super::model::{Block, Draft, Inline, Table};

/// The draft as JSON: the draft structure itself.
pub fn json(draft: &Draft) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(draft)?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn md_inline(content: &[Inline]) -> String {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(t) => t.replace('*', "\\*").replace('_', "\\_"),
            Inline::Footnote(n) => format!("[^{n}]"),
        })
        .collect()
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn md_table(out: &mut String, table: &Table) {
    let _ = write!(out, "**{}**", table.caption);
    if let Some(n) = table.footnote {
        let _ = write!(out, "[^{n}]");
    }
    out.push_str("\n\n| ");
    out.push_str(
        &table
            .header
            .iter()
            .map(|h| md_cell(h))
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
                .map(|c| md_cell(c))
                .collect::<Vec<_>>()
                .join(" | "),
        );
        out.push_str(" |\n");
    }
    out.push('\n');
}

/// The draft as Markdown, footnotes as `[^n]`.
pub fn markdown(draft: &Draft) -> Vec<u8> {
    let mut out = String::new();
    let _ = writeln!(out, "United Nations | {}", draft.document_symbol);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "General Assembly. {}. Agenda item: {}.",
        draft.session, draft.agenda_item
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "# {}", draft.title);
    let _ = writeln!(out);
    let _ = writeln!(out, "*{}*", draft.subtitle);
    let _ = writeln!(out);
    let _ = writeln!(out, "> {}", draft.status_note);
    if let Some(note) = &draft.illustrative_note {
        let _ = writeln!(out, ">");
        let _ = writeln!(out, "> **{note}**");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "## Summary");
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", md_inline(&draft.summary));
    let _ = writeln!(out);
    for section in &draft.sections {
        if section.number == "Annex" {
            let _ = writeln!(out, "## Annex: {}", section.title);
        } else {
            let _ = writeln!(out, "## {}. {}", section.number, section.title);
        }
        let _ = writeln!(out);
        for block in &section.blocks {
            match block {
                Block::Heading { level, text } => {
                    let _ = writeln!(out, "{} {text}", "#".repeat(usize::from(*level) + 1));
                    let _ = writeln!(out);
                }
                Block::Paragraph { number, content } => {
                    let _ = writeln!(out, "{number}\\. {}", md_inline(content));
                    let _ = writeln!(out);
                }
                Block::Table(table) => md_table(&mut out, table),
            }
        }
    }
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    for note in &draft.footnotes {
        let _ = writeln!(out, "[^{}]: {}", note.number, note.text.replace('_', "\\_"));
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
            c => out.push(c),
        }
    }
    out
}

fn html_inline(content: &[Inline]) -> String {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(t) => escape(t),
            Inline::Footnote(n) => {
                format!("<sup class=\"fn\"><a id=\"ref{n}\" href=\"#fn{n}\">{n}</a></sup>")
            }
        })
        .collect()
}

const STYLE: &str = "body{font-family:'Times New Roman',Times,serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45;color:#111}\
header{border-bottom:2px solid #009edb;margin-bottom:1.5em}\
.symbol{text-align:right;font-weight:bold}\
.status{border:1px solid #999;padding:.5em;font-size:.9em}\
.illustrative{border:2px solid #b00;color:#b00;padding:.5em;font-weight:bold}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}h3{font-size:1.1em}h4{font-size:1em;font-style:italic}\
p.para{text-indent:0}p.para .n{display:inline-block;min-width:2.2em}\
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #999;padding:.2em .5em;text-align:left}\
caption{font-weight:bold;text-align:left;margin-bottom:.3em}\
sup.fn a{text-decoration:none}ol.footnotes{font-size:.85em}\
@media print{body{margin:0;max-width:none}a{color:#111}}";

/// The draft as one self-contained HTML page (styles inline, no external
/// resource), printable.
pub fn html(draft: &Draft) -> Vec<u8> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} \u{2014} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<p class=\"symbol\">{}</p>\n<p>General Assembly. {}. Agenda item: {}.</p>\n<h1>{}</h1>\n<p><em>{}</em></p>\n</header>\n<p class=\"status\">{}</p>\n",
        escape(&draft.document_symbol),
        escape(&draft.title),
        escape(&draft.document_symbol),
        escape(&draft.session),
        escape(&draft.agenda_item),
        escape(&draft.title),
        escape(&draft.subtitle),
        escape(&draft.status_note),
    );
    if let Some(note) = &draft.illustrative_note {
        let _ = writeln!(out, "<p class=\"illustrative\">{}</p>", escape(note));
    }
    let _ = writeln!(
        out,
        "<h2>Summary</h2>\n<p>{}</p>",
        html_inline(&draft.summary)
    );
    for section in &draft.sections {
        let heading = if section.number == "Annex" {
            format!("Annex: {}", section.title)
        } else {
            format!("{}. {}", section.number, section.title)
        };
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&heading));
        for block in &section.blocks {
            match block {
                Block::Heading { level, text } => {
                    let _ = writeln!(out, "<h{0}>{1}</h{0}>", level + 1, escape(text));
                }
                Block::Paragraph { number, content } => {
                    let _ = writeln!(
                        out,
                        "<p class=\"para\" id=\"para{number}\"><span class=\"n\">{number}.</span>{}</p>",
                        html_inline(content)
                    );
                }
                Block::Table(table) => {
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
            }
        }
        out.push_str("</section>\n");
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
    fn the_json_rendering_reads_back_as_the_same_draft() -> Result<(), serde_json::Error> {
        let draft = Draft {
            cycle_id: "2026".into(),
            document_symbol: "A/81/xxx".into(),
            session: "Eighty-first session".into(),
            agenda_item: String::new(),
            title: "Implementation of the Global Compact".into(),
            subtitle: "Report of the Secretary-General".into(),
            status_note: String::new(),
            illustrative_note: None,
            summary: vec![Inline::Text("Summary.".into()), Inline::Footnote(1)],
            sections: Vec::new(),
            footnotes: Vec::new(),
            inputs: Vec::new(),
        };
        let bytes = json(&draft)?;
        assert_eq!(bytes.last(), Some(&b'\n'));
        let back: serde_json::Value = serde_json::from_slice(&bytes)?;
        assert_eq!(back["cycle_id"], "2026");
        assert_eq!(json(&draft)?, bytes, "the same draft gives the same bytes");
        Ok(())
    }
}
