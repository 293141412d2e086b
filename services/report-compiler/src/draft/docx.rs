//! The draft as an Office Open XML document (.docx) that Word and LibreOffice
//! open: headings, numbered paragraphs, tables and real footnotes. The zip
//! entries are written in a fixed order with a fixed timestamp, so the same
//! draft gives the same bytes.

use std::fmt::Write as _;
use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::model::{Author, Block, Draft, Inline, SECRETARIAT_MARK, Table};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;

/// The styles of a UN document: Times New Roman 10 pt, body text indented
/// with numbers hanging, chapter headings bold with their numeral hanging,
/// and Word's own heading styles so the navigation pane and a table of
/// contents see the hierarchy.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/><w:sz w:val="20"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="atLeast"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="SingleTxt"><w:name w:val="Single Txt"/><w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="1701"/></w:tabs><w:spacing w:after="120"/><w:ind w:left="1134" w:right="1134"/><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="NumberedPara"><w:name w:val="Numbered Para"/><w:basedOn w:val="SingleTxt"/><w:pPr><w:ind w:left="1701" w:right="1134" w:hanging="567"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="480" w:after="120"/><w:ind w:left="1134" w:right="1134"/></w:pPr><w:rPr><w:b/><w:sz w:val="34"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="360"/><w:ind w:left="1134" w:right="1134"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="NumberedPara"/><w:pPr><w:keepNext/><w:keepLines/><w:tabs><w:tab w:val="left" w:pos="1134"/></w:tabs><w:spacing w:before="320" w:after="240"/><w:ind w:left="1134" w:right="1134" w:hanging="567"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="NumberedPara"/><w:pPr><w:keepNext/><w:keepLines/><w:tabs><w:tab w:val="left" w:pos="1134"/></w:tabs><w:spacing w:before="240" w:after="120"/><w:ind w:left="1134" w:right="1134" w:hanging="567"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="NumberedPara"/><w:pPr><w:keepNext/><w:keepLines/><w:tabs><w:tab w:val="left" w:pos="1134"/></w:tabs><w:spacing w:before="240" w:after="120"/><w:ind w:left="1134" w:right="1134" w:hanging="567"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="AnnexHeading"><w:name w:val="Annex heading"/><w:basedOn w:val="Heading1"/><w:pPr><w:pageBreakBefore/><w:ind w:left="1134" w:right="1134" w:hanging="0"/><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TableCaption"><w:name w:val="Table caption"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:ind w:left="1134" w:right="1134"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr><w:rPr><w:sz w:val="17"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr><w:tabs><w:tab w:val="right" w:pos="9638"/></w:tabs></w:pPr><w:rPr><w:b/><w:sz w:val="17"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:pos="9638"/></w:tabs></w:pPr><w:rPr><w:b/><w:sz w:val="17"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="left" w:pos="1134"/></w:tabs><w:spacing w:after="40"/><w:ind w:left="1134" w:right="1134" w:hanging="284"/></w:pPr><w:rPr><w:sz w:val="17"/></w:rPr></w:style><w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="2" w:space="0" w:color="999999"/></w:tblBorders><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

/// The running header of every page after the first: the symbol.
const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr><w:r><w:t>{symbol}</w:t></w:r></w:p></w:hdr>";

/// The footer of every page after the first: the page number, as a field
/// Word and LibreOffice fill in.
const FOOTER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr><w:r><w:tab/></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:ftr>";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Escapes `text` onto the end of `out`.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Every character XML 1.0 forbids (controls, U+FFFE, U+FFFF),
            // and those no document should carry, is dropped: whatever the
            // draft holds, the package stays well formed.
            c if imrf_gcm::validate::unfit_char(c).is_some() => {}
            c => out.push(c),
        }
    }
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

fn bold(text: &str, size: Option<u32>) -> String {
    let size = size.map_or(String::new(), |s| format!("<w:sz w:val=\"{s}\"/>"));
    format!(
        "<w:r><w:rPr><w:b/>{size}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(text)
    )
}

/// A superscript comma between two footnote marks in a row, which would
/// otherwise read as one number ("228229" for 228 and 229).
const NOTE_SEPARATOR: &str =
    "<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr><w:t>,</w:t></w:r>";

pub(super) fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    let mut after_note = false;
    for i in content {
        match i {
            Inline::Text(t) => {
                out.push_str(&run(t));
                after_note = false;
            }
            Inline::Footnote(n) => {
                if after_note {
                    out.push_str(NOTE_SEPARATOR);
                }
                out.push_str(&note_ref(*n));
                after_note = true;
            }
        }
    }
    out
}

/// The width the text block gives a table, in twentieths of a point: the
/// A4 page less its margins.
const TABLE_WIDTH: u32 = 9638;

fn table(t: &Table) -> String {
    let mut out = String::new();
    let mut caption = run(&t.caption);
    if let Some(n) = t.footnote {
        caption.push_str(&note_ref(n));
    }
    out.push_str(&paragraph(Some("TableCaption"), &caption));
    // Fixed widths in proportion to the draft's: automatic widths let a
    // renderer squeeze a column until it breaks words inside.
    let total: u32 = t.widths.iter().map(|w| u32::from(*w)).sum::<u32>().max(1);
    let widths: Vec<u32> = if t.widths.len() == t.header.len() {
        t.widths
            .iter()
            .map(|w| u32::from(*w) * TABLE_WIDTH / total)
            .collect()
    } else {
        let n = u32::try_from(t.header.len().max(1)).unwrap_or(1);
        vec![TABLE_WIDTH / n; t.header.len()]
    };
    out.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{TABLE_WIDTH}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
    ));
    for w in &widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    // Rows are written straight onto the table: an annex lists every input,
    // thousands of cells, and a string per cell cost more than the rest.
    let row = |out: &mut String, cells: &[String], header: bool| {
        // The header row repeats on every page the table runs onto.
        out.push_str(if header {
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        } else {
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        });
        for (cell, w) in cells.iter().zip(widths.iter().chain(std::iter::repeat(&0))) {
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr>"
            );
            out.push_str(if header {
                "<w:r><w:rPr><w:i/><w:sz w:val=\"17\"/></w:rPr><w:t xml:space=\"preserve\">"
            } else {
                "<w:r><w:t xml:space=\"preserve\">"
            });
            escape_into(out, cell);
            out.push_str("</w:t></w:r></w:p></w:tc>");
        }
        out.push_str("</w:tr>");
    };
    row(&mut out, &t.header, true);
    for cells in &t.rows {
        row(&mut out, cells, false);
    }
    out.push_str("</w:tbl>");
    out
}

/// The first-page block: "United Nations" and the symbol, the organ and
/// the distribution, the session and agenda items, the title.
fn masthead(draft: &Draft) -> String {
    let h = &draft.header;
    let mut out = String::new();
    let rule =
        "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>";
    out.push_str(&format!(
        "<w:p><w:pPr>{rule}<w:tabs><w:tab w:val=\"right\" w:pos=\"9638\"/></w:tabs></w:pPr>{}<w:r><w:tab/></w:r>{}</w:p>",
        bold("United Nations", Some(20)),
        bold(&h.document_symbol, Some(40))
    ));
    out.push_str(&format!(
        "<w:p><w:pPr>{rule}<w:tabs><w:tab w:val=\"left\" w:pos=\"6804\"/></w:tabs><w:spacing w:before=\"120\" w:after=\"120\"/></w:pPr>{}<w:r><w:tab/></w:r>{}<w:r><w:br/><w:tab/></w:r>{}<w:r><w:br/><w:tab/></w:r>{}</w:p>",
        bold("General Assembly", Some(40)),
        run(&format!("Distr.: {}", h.distribution)),
        run(&h.date),
        run(&format!("Original: {}", h.original)),
    ));
    let mut session = run(&h.session);
    if !h.agenda_label.is_empty() {
        session.push_str("<w:r><w:br/></w:r>");
        session.push_str(&run(&h.agenda_label));
    }
    for title in &h.agenda_titles {
        session.push_str("<w:r><w:br/></w:r>");
        session.push_str(&bold(title, None));
    }
    out.push_str(&format!(
        "<w:p><w:pPr><w:spacing w:before=\"120\" w:after=\"120\"/><w:ind w:right=\"4820\"/></w:pPr>{session}</w:p>"
    ));
    out.push_str(&paragraph(Some("Title"), &run(&draft.title)));
    out.push_str(&paragraph(Some("Subtitle"), &run(&draft.subtitle)));
    out
}

fn blocks(body: &mut String, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Heading {
                level,
                number,
                text,
            } => {
                let style = if *level <= 2 { "Heading2" } else { "Heading3" };
                let runs = if number.is_empty() {
                    run(text)
                } else {
                    format!(
                        "{}<w:r><w:tab/></w:r>{}",
                        run(&format!("{number}.")),
                        run(text)
                    )
                };
                body.push_str(&paragraph(Some(style), &runs));
            }
            Block::Paragraph {
                number,
                content,
                author,
            } => {
                let mark = if *author == Author::Secretariat {
                    format!(
                        "<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">{SECRETARIAT_MARK} </w:t></w:r>"
                    )
                } else {
                    String::new()
                };
                match number {
                    Some(n) => body.push_str(&paragraph(
                        Some("NumberedPara"),
                        &format!(
                            "{}<w:r><w:tab/></w:r>{mark}{}",
                            run(&format!("{n}.")),
                            inlines(content)
                        ),
                    )),
                    None => body.push_str(&paragraph(
                        Some("SingleTxt"),
                        &format!("{mark}{}", inlines(content)),
                    )),
                }
            }
            Block::Table(t) => body.push_str(&table(t)),
        }
    }
}

fn document(draft: &Draft) -> String {
    let mut body = masthead(draft);
    body.push_str(&paragraph(
        Some("SingleTxt"),
        &format!(
            "<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
            escape(&draft.status_note)
        ),
    ));
    if let Some(note) = &draft.illustrative_note {
        body.push_str(&paragraph(
            Some("SingleTxt"),
            &format!("<w:r><w:rPr><w:b/><w:color w:val=\"BB0000\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(note)),
        ));
    }
    body.push_str(&format!(
        "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/><w:ind w:left=\"1134\" w:hanging=\"0\"/><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
        run("Summary")
    ));
    for para in &draft.summary {
        body.push_str(&paragraph(Some("SingleTxt"), &inlines(para)));
    }
    for section in &draft.sections {
        body.push_str(&paragraph(
            Some("Heading1"),
            &format!(
                "{}<w:r><w:tab/></w:r>{}",
                run(&format!("{}.", section.number)),
                run(&section.title)
            ),
        ));
        blocks(&mut body, &section.blocks);
    }
    for annex in &draft.annexes {
        body.push_str(&paragraph(
            Some("AnnexHeading"),
            &format!(
                "{}<w:r><w:br/></w:r>{}",
                run(&annex.number),
                run(&annex.title)
            ),
        ));
        blocks(&mut body, &annex.blocks);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/><w:footerReference w:type=\"default\" r:id=\"rId4\"/><w:footnotePr><w:numFmt w:val=\"decimal\"/></w:footnotePr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1701\" w:right=\"1134\" w:bottom=\"1701\" w:left=\"1134\" w:header=\"964\" w:footer=\"964\" w:gutter=\"0\"/><w:titlePg/></w:sectPr></w:body></w:document>"
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
        escape(&draft.header.document_symbol)
    )
}

/// The draft as a .docx file.
pub fn docx(draft: &Draft) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed timestamp (the zip format's epoch) keeps the bytes stable.
    // The fastest deflate level: the list of inputs of a full cycle is
    // megabytes of table XML, and the default level spent half of the
    // DOCX's time squeezing it a third smaller.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core(draft)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document(draft)),
        ("word/styles.xml", STYLES.to_string()),
        ("word/footnotes.xml", footnotes(draft)),
        (
            "word/header1.xml",
            HEADER.replace("{symbol}", &escape(&draft.header.document_symbol)),
        ),
        ("word/footer1.xml", FOOTER.to_string()),
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
        let draft = crate::draft::model::sample("Implementation <of> the Global Compact");
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
