//! The draft as an Office Open XML document (.docx) that Word and LibreOffice
//! open: headings, numbered paragraphs, tables and real footnotes. The zip
//! entries are written in a fixed order with a fixed timestamp, so the same
//! draft gives the same bytes.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::model::{Block, Draft, Inline, Table};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="18"/></w:rPr></w:style><w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:left w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:right w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="999999"/></w:tblBorders></w:tblPr></w:style></w:styles>"#;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 forbids are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str) -> String {
    format!(
        "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(text)
    )
}

fn note_ref(n: u32) -> String {
    format!(
        "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"{n}\"/></w:r>"
    )
}

fn paragraph(style: Option<&str>, runs: &str) -> String {
    let props = style.map_or(String::new(), |s| {
        format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>")
    });
    format!("<w:p>{props}{runs}</w:p>")
}

fn inlines(content: &[Inline]) -> String {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(t) => run(t),
            Inline::Footnote(n) => note_ref(*n),
        })
        .collect()
}

fn table(t: &Table) -> String {
    let mut out = String::new();
    let mut caption = run(&t.caption);
    if let Some(n) = t.footnote {
        caption.push_str(&note_ref(n));
    }
    out.push_str(&paragraph(Some("Heading3"), &caption));
    out.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
    for _ in &t.header {
        out.push_str("<w:gridCol/>");
    }
    out.push_str("</w:tblGrid>");
    let row = |cells: &[String], bold: bool| {
        let mut r = String::from("<w:tr>");
        for cell in cells {
            let text = if bold {
                format!(
                    "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    escape(cell)
                )
            } else {
                run(cell)
            };
            r.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>{}</w:tc>",
                paragraph(None, &text)
            ));
        }
        r.push_str("</w:tr>");
        r
    };
    out.push_str(&row(&t.header, true));
    for cells in &t.rows {
        out.push_str(&row(cells, false));
    }
    out.push_str("</w:tbl>");
    out
}

fn document(draft: &Draft) -> String {
    let mut body = String::new();
    body.push_str(&paragraph(
        None,
        &run(&format!("United Nations    {}", draft.document_symbol)),
    ));
    body.push_str(&paragraph(
        None,
        &run(&format!(
            "General Assembly. {}. Agenda item: {}.",
            draft.session, draft.agenda_item
        )),
    ));
    body.push_str(&paragraph(Some("Title"), &run(&draft.title)));
    body.push_str(&paragraph(
        None,
        &format!(
            "<w:r><w:rPr><w:i/></w:rPr><w:t>{}</w:t></w:r>",
            escape(&draft.subtitle)
        ),
    ));
    body.push_str(&paragraph(None, &run(&draft.status_note)));
    if let Some(note) = &draft.illustrative_note {
        body.push_str(&paragraph(
            None,
            &format!("<w:r><w:rPr><w:b/><w:color w:val=\"BB0000\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(note)),
        ));
    }
    body.push_str(&paragraph(Some("Heading1"), &run("Summary")));
    body.push_str(&paragraph(None, &inlines(&draft.summary)));
    for section in &draft.sections {
        let heading = if section.number == "Annex" {
            format!("Annex: {}", section.title)
        } else {
            format!("{}. {}", section.number, section.title)
        };
        body.push_str(&paragraph(Some("Heading1"), &run(&heading)));
        for block in &section.blocks {
            match block {
                Block::Heading { level, text } => {
                    let style = if *level <= 2 { "Heading2" } else { "Heading3" };
                    body.push_str(&paragraph(Some(style), &run(text)));
                }
                Block::Paragraph { number, content } => {
                    body.push_str(&paragraph(
                        None,
                        &format!("{}{}", run(&format!("{number}.\t")), inlines(content)),
                    ));
                }
                Block::Table(t) => body.push_str(&table(t)),
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

fn footnotes(draft: &Draft) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:footnotes xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>",
    );
    for note in &draft.footnotes {
        out.push_str(&format!(
            "<w:footnote w:id=\"{0}\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>{1}</w:p></w:footnote>",
            note.number,
            run(&format!(" {}", note.text))
        ));
    }
    out.push_str("</w:footnotes>");
    out
}

fn core(draft: &Draft) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>United Nations secretariat (draft)</dc:creator><dc:identifier>{}</dc:identifier></cp:coreProperties>",
        escape(&draft.title),
        escape(&draft.document_symbol)
    )
}

/// The draft as a .docx file.
pub fn docx(draft: &Draft) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed timestamp (the zip format's epoch) keeps the bytes stable.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core(draft)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document(draft)),
        ("word/styles.xml", STYLES.to_string()),
        ("word/footnotes.xml", footnotes(draft)),
    ];
    for (name, content) in parts {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_characters_xml_forbids_are_dropped() {
        assert_eq!(escape("a<b & \"c\"\u{1}d"), "a&lt;b &amp; &quot;c&quot;d");
        assert_eq!(escape("tab\tand\nline"), "tab\tand\nline");
    }

    #[test]
    fn the_package_holds_every_part_in_a_fixed_order_with_fixed_times()
    -> Result<(), Box<dyn std::error::Error>> {
        let draft = Draft {
            cycle_id: "2026".into(),
            document_symbol: "A/81/xxx".into(),
            session: "Eighty-first session".into(),
            agenda_item: "Item".into(),
            title: "Implementation <of> the Global Compact".into(),
            subtitle: "Report of the Secretary-General".into(),
            status_note: String::new(),
            illustrative_note: None,
            summary: vec![Inline::Text("Summary.".into()), Inline::Footnote(1)],
            sections: Vec::new(),
            footnotes: Vec::new(),
            inputs: Vec::new(),
        };
        let bytes = docx(&draft)?;
        assert_eq!(docx(&draft)?, bytes, "the same draft gives the same bytes");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
        let names: Vec<String> = (0..archive.len())
            .map(|i| {
                archive
                    .by_index(i)
                    .and_then(|f| f.name().map(|n| n.to_string()))
            })
            .collect::<Result<_, _>>()?;
        assert_eq!(names[0], "[Content_Types].xml");
        assert!(
            names.contains(&"word/footnotes.xml".to_string()),
            "{names:?}"
        );
        let mut document = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("word/document.xml")?, &mut document)?;
        assert!(document.contains("Implementation &lt;of&gt; the Global Compact"));
        Ok(())
    }
}
