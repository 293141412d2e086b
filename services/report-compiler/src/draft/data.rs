//! The draft's data for those who work on it in a spreadsheet or a
//! statistical system: every annex table and every figure, as an Excel
//! workbook and as SDMX-CSV. Both are pure functions of the draft, like
//! its other renderings, so the same draft gives the same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use super::model::{Block, Draft, Figure, Section, Table};

/// The dataflow of the SDMX-CSV rendering.
pub const DATAFLOW: &str = "IMRF:GCM_DRAFT_DATA(1.0)";

/// The annex tables of `draft`, with the annex each is in.
fn annex_tables(draft: &Draft) -> Vec<(&Section, &Table)> {
    draft
        .annexes
        .iter()
        .flat_map(|annex| {
            annex.blocks.iter().filter_map(move |b| match b {
                Block::Table(t) => Some((annex, t)),
                _ => None,
            })
        })
        .collect()
}

/// A table cell as the number it prints, when it prints one ("9,191",
/// "48.5", "-3"); years and codes such as "10.c.1" are not numbers.
fn number_of(cell: &str) -> Option<f64> {
    let plain = cell.replace(',', "");
    let digits = plain.strip_prefix('-').unwrap_or(&plain);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    well_formed.then(|| plain.parse().ok()).flatten()
}

/// The number format that shows a number as the draft prints it: with
/// thousands separators where it has them ("7,297,611"), and its
/// decimals ("51.1"); a year stays "2024".
fn shown_as(cell: &str) -> Format {
    let decimals = cell.split_once('.').map_or(0, |(_, d)| d.len());
    let whole = if cell.contains(',') { "#,##0" } else { "0" };
    let pattern = match decimals {
        0 => whole.to_string(),
        n => format!("{whole}.{}", "0".repeat(n)),
    };
    Format::new().set_num_format(pattern)
}

/// The text of footnote `n`, which names a table's sources.
fn footnote_text(draft: &Draft, n: Option<u32>) -> String {
    n.and_then(|n| draft.footnotes.iter().find(|f| f.number == n))
        .map_or_else(String::new, |f| f.text.clone())
}

/// Every input, revision and field a figure was computed from.
fn figure_sources(figure: &Figure) -> String {
    figure
        .sources
        .iter()
        .map(|s| format!("{} revision {}: {}", s.input.id, s.input.revision, s.field))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The most characters an Excel cell holds.
const CELL_MAX_CHARS: usize = 32_767;

/// `text` as a cell can hold it: cut short with a note where it is longer
/// than Excel allows (the sources of a figure counted over a Repository of
/// thousands of practices), since the other renderings give it whole.
fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= CELL_MAX_CHARS {
        return text.into();
    }
    let note = " [cut short: the draft's JSON rendering gives the whole list]";
    let keep: String = text
        .chars()
        .take(CELL_MAX_CHARS - note.chars().count())
        .collect();
    format!("{keep}{note}").into()
}

/// "Table 3. Coverage …" as the table's number, "3".
fn table_number(caption: &str) -> &str {
    caption
        .strip_prefix("Table ")
        .and_then(|rest| rest.split('.').next())
        .unwrap_or(caption)
}

/// The columns that name a table's rows: the fewest leading columns
/// whose cells tell every row apart (the objective; the indicator and the
/// State).
fn key_columns(table: &Table) -> usize {
    let width = table.header.len();
    (1..width)
        .find(|&n| {
            let mut keys: Vec<&[String]> =
                table.rows.iter().map(|r| &r[..n.min(r.len())]).collect();
            keys.sort();
            keys.windows(2).all(|w| w[0] != w[1])
        })
        .unwrap_or(width)
}

/// The draft's annex tables, one sheet each, and its figures on a sheet
/// of their own, after a sheet that says what the workbook holds.
pub fn xlsx(draft: &Draft) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed document date: the same draft gives the same bytes.
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: annex tables and figures", draft.title))
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let tables = annex_tables(draft);

    let about = book.add_worksheet().set_name("About")?;
    about.set_column_width(0, 24)?;
    about.set_column_width(1, 90)?;
    let lines = [
        ("Document", draft.header.document_symbol.clone()),
        ("Title", draft.title.clone()),
        ("Status", draft.status_note.clone()),
        ("Date", draft.header.date.clone()),
        ("Review cycle", draft.cycle_id.clone()),
        (
            "Sheets",
            format!(
                "One sheet per annex table ({}), then every figure of the draft with how it was computed and from which inputs.",
                tables.len()
            ),
        ),
    ];
    for (row, (label, text)) in (0u32..).zip(lines) {
        about.write_string_with_format(row, 0, label, &bold)?;
        about.write_string_with_format(row, 1, cell_text(&text), &wrap)?;
    }

    for (annex, table) in &tables {
        let name = format!("{}, table {}", annex.number, table_number(&table.caption));
        let sheet = book.add_worksheet().set_name(&name)?;
        sheet.write_string_with_format(
            0,
            0,
            format!("{}. {}", annex.number, annex.title),
            &bold,
        )?;
        sheet.write_string_with_format(1, 0, &table.caption, &bold)?;
        for (col, (title, width)) in (0u16..).zip(table.header.iter().zip(&table.widths)) {
            sheet.write_string_with_format(3, col, title, &heading)?;
            sheet.set_column_width(col, f64::from(*width) * 1.2)?;
        }
        let keys = key_columns(table);
        for (row, cells) in (4u32..).zip(&table.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match number_of(cell).filter(|_| usize::from(col) >= keys) {
                    Some(x) => sheet.write_number_with_format(row, col, x, &shown_as(cell))?,
                    None => sheet.write_string_with_format(row, col, cell_text(cell), &wrap)?,
                };
            }
        }
        let after = 4 + u32::try_from(table.rows.len()).unwrap_or(0) + 1;
        let sources = footnote_text(draft, table.footnote);
        if !sources.is_empty() {
            sheet.write_string(after, 0, cell_text(&format!("Sources: {sources}")))?;
        }
        sheet.set_freeze_panes(4, 0)?;
    }

    let sheet = book.add_worksheet().set_name("Figures")?;
    let columns = [
        ("Figure", 8.0),
        ("As printed", 18.0),
        ("Value", 14.0),
        ("Unit", 18.0),
        ("Method", 10.0),
        ("Year", 8.0),
        ("Where", 14.0),
        ("Computed from (input, revision: field)", 80.0),
    ];
    for (col, (title, width)) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, col, title, &heading)?;
        sheet.set_column_width(col, width)?;
    }
    for (row, f) in (1u32..).zip(&draft.figures) {
        sheet.write_string(row, 0, &f.id)?;
        sheet.write_string(row, 1, &f.display)?;
        sheet.write_number(row, 2, f.value)?;
        sheet.write_string(row, 3, &f.unit)?;
        sheet.write_string(row, 4, method_code(f))?;
        if let Some(year) = f.year {
            sheet.write_number(row, 5, f64::from(year))?;
        }
        sheet.write_string(row, 6, where_printed(f))?;
        sheet.write_string(row, 7, cell_text(&figure_sources(f)))?;
    }
    let last = u32::try_from(draft.figures.len()).unwrap_or(0);
    sheet.autofilter(0, 0, last, 7)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// Where the draft prints a figure: "paragraph 47", or "summary".
fn where_printed(f: &Figure) -> String {
    if f.location.bytes().all(|b| b.is_ascii_digit()) && !f.location.is_empty() {
        format!("paragraph {}", f.location)
    } else {
        f.location.clone()
    }
}

/// How a figure was computed, as its SDMX code and the workbook write it.
fn method_code(f: &Figure) -> &'static str {
    use super::model::Method;
    match f.method {
        Method::Count => "COUNT",
        Method::Sum => "SUM",
        Method::Median => "MEDIAN",
        Method::Minimum => "MIN",
        Method::Maximum => "MAX",
        Method::Share => "SHARE",
        Method::Value => "VALUE",
    }
}

/// The draft's numbers as SDMX-CSV: one row per number of an annex table
/// that holds data (`TABLE` its number, `ROW` the cells that name its row,
/// `MEASURE` its column), then one per figure (`TABLE` is `FIGURES`, `ROW`
/// the figure's id), each with the value, how the draft prints it
/// (`DISPLAY`), its unit, year, method, place in the draft and sources. The list of inputs, which cites no sources and holds no
/// data, is left to the workbook.
pub fn sdmx_csv(draft: &Draft) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "DATAFLOW",
        "TABLE",
        "ROW",
        "MEASURE",
        "TIME_PERIOD",
        "OBS_VALUE",
        "DISPLAY",
        "UNIT_MEASURE",
        "METHOD",
        "LOCATION",
        "SOURCE_DETAIL",
    ]);
    for (annex, table) in annex_tables(draft) {
        if table.footnote.is_none() {
            continue;
        }
        let keys = key_columns(table);
        // The footnote lists every input behind the table, which can be
        // every report of the cycle: each row names it rather than
        // repeating it, and the workbook and the document give its text.
        let sources = table.footnote.map_or_else(String::new, |n| {
            format!("{}, footnote {n}", draft.header.document_symbol)
        });
        let number = table_number(&table.caption);
        for cells in &table.rows {
            let row = cells[..keys.min(cells.len())].join(", ");
            for (title, cell) in table.header.iter().zip(cells).skip(keys) {
                let Some(x) = number_of(cell) else { continue };
                // A column headed by a year gives that year's value.
                let year = title
                    .parse::<i32>()
                    .map_or_else(|_| String::new(), |y| y.to_string());
                let _ = writer.write_record([
                    DATAFLOW,
                    number,
                    &row,
                    title,
                    &year,
                    &x.to_string(),
                    cell,
                    "",
                    "",
                    &annex.number,
                    &sources,
                ]);
            }
        }
    }
    for f in &draft.figures {
        let place = where_printed(f);
        let _ = writer.write_record([
            DATAFLOW,
            "FIGURES",
            &f.id,
            "",
            &f.year.map_or_else(String::new, |y| y.to_string()),
            &f.value.to_string(),
            &f.display,
            &f.unit,
            method_code(f),
            &place,
            &figure_sources(f),
        ]);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_told_from_codes_and_words() {
        assert_eq!(number_of("9,191"), Some(9191.0));
        assert_eq!(number_of("48.5"), Some(48.5));
        assert_eq!(number_of("-3"), Some(-3.0));
        for not in [
            "10.c.1",
            "received",
            "",
            "1.",
            ".5",
            "1,2.3.4",
            "2024\u{2013}2026",
        ] {
            assert_eq!(number_of(not), None, "{not}");
        }
    }

    #[test]
    fn a_cell_holds_what_excel_allows() {
        let long = "x".repeat(CELL_MAX_CHARS + 10);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), CELL_MAX_CHARS);
        assert!(cut.ends_with("gives the whole list]"));
        assert_eq!(cell_text("short"), "short");
    }

    #[test]
    fn rows_are_named_by_the_fewest_columns_that_tell_them_apart() {
        let table = |rows: &[[&str; 3]]| Table {
            caption: "Table 4. Latest values".into(),
            header: vec!["Indicator".into(), "Member State".into(), "Value".into()],
            widths: vec![1, 1, 1],
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            footnote: None,
        };
        assert_eq!(key_columns(&table(&[["1", "a", "5"], ["2", "a", "6"]])), 1);
        assert_eq!(
            key_columns(&table(&[
                ["10.c.1", "Kenya", "5"],
                ["10.c.1", "Mexico", "6"]
            ])),
            2
        );
        assert_eq!(table_number("Table 4. Latest values"), "4");
    }
}
