//! A national report as an Excel workbook, as focal points prepare one: the
//! template (`imrfctl report template`) and the reading back of a filled
//! one into the same message the YAML file gives. Every problem is named
//! as `Sheet!Cell: problem`, all at once, and a workbook with any problem
//! gives no report at all, so nothing is half-applied.
//!
//! Sheets: Instructions; Report (cycle, State, kind, title, summary,
//! whether there is a national implementation plan); Objectives (the 23,
//! each with a status and a narrative); Indicators (indicator, unit, year,
//! dimension, category, value, source: checked by the same rules as the
//! indicator CSV); Pledges; Stakeholders (consulted, and how many);
//! Disaggregation (the dimensions the State's data can be broken down by);
//! and a hidden Lists sheet the drop-downs draw on.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use imrf_gcm::refdata::{OBJECTIVE_COUNT, kind_label, reference, stakeholder_label};
use imrf_gcm::validate::LIST_MAX_ITEMS;
use imrf_proto::v1::{
    DisaggregationDimension, ImplementationStatus, NationalReport, ObjectiveStatus, Pledge,
    PledgeKind, PledgeStatus, ReportKind, StakeholderParticipation, StakeholderType,
};
use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Formula, Workbook, Worksheet};

use crate::indicators;

pub mod regional;

/// The sheets a national report workbook has, in order.
pub const SHEETS: [&str; 7] = [
    "Instructions",
    "Report",
    "Objectives",
    "Indicators",
    "Pledges",
    "Stakeholders",
    "Disaggregation",
];
const LISTS: &str = "Lists";

/// Rows of a repeated table the template offers (with drop-downs).
const TABLE_ROWS: u32 = 500;

/// Why a workbook gave no report.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// The bytes are not an Excel workbook.
    #[error("{name}: not an Excel workbook (.xlsx): {problem}")]
    NotAWorkbook {
        /// The file's name.
        name: String,
        /// What the reader said.
        problem: String,
    },
    /// Cells were refused; nothing was taken from the workbook.
    #[error("{name}: {} problem(s):\n{}", problems.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Refused {
        /// The file's name.
        name: String,
        /// Every problem, in sheet and row order.
        problems: Vec<CellProblem>,
    },
    /// The template could not be written.
    #[error("cannot write the workbook: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}

/// A problem with a cell (or a sheet, when `cell` is empty).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellProblem {
    /// The sheet.
    pub sheet: String,
    /// The cell or range in A1 notation; empty for the whole sheet.
    pub cell: String,
    /// What is wrong, and what to do.
    pub message: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.cell.is_empty() {
            write!(f, "{}: {}", self.sheet, self.message)
        } else {
            write!(f, "{}!{}: {}", self.sheet, self.cell, self.message)
        }
    }
}

/// "C7" of a zero-based row and column.
pub fn a1(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// A word of an enum's name: `PLEDGE_KIND_HUMAN_RESOURCE` under
/// `PLEDGE_KIND_` is "Human resource".
fn word(name: &str, prefix: &str) -> String {
    let rest = name
        .trim_start_matches(prefix)
        .to_lowercase()
        .replace('_', " ");
    let mut chars = rest.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn statuses() -> Vec<(ImplementationStatus, String)> {
    (1..=5)
        .filter_map(|v| ImplementationStatus::try_from(v).ok())
        .map(|s| (s, word(s.as_str_name(), "IMPLEMENTATION_STATUS_")))
        .collect()
}

fn kinds() -> Vec<(ReportKind, String)> {
    [
        ReportKind::VoluntaryNationalReview,
        ReportKind::NationalImplementationPlan,
        ReportKind::PledgeUpdate,
    ]
    .into_iter()
    .map(|k| {
        let label = kind_label(k);
        let mut chars = label.chars();
        let label = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        (k, label)
    })
    .collect()
}

fn pledge_kinds() -> Vec<(PledgeKind, String)> {
    (1..=4)
        .filter_map(|v| PledgeKind::try_from(v).ok())
        .map(|k| (k, word(k.as_str_name(), "PLEDGE_KIND_")))
        .collect()
}

fn pledge_statuses() -> Vec<(PledgeStatus, String)> {
    (1..=3)
        .filter_map(|v| PledgeStatus::try_from(v).ok())
        .map(|s| (s, word(s.as_str_name(), "PLEDGE_STATUS_")))
        .collect()
}

fn stakeholders() -> Vec<(StakeholderType, String)> {
    (1..=17)
        .filter_map(|v| StakeholderType::try_from(v).ok())
        .map(|t| {
            let label = stakeholder_label(t);
            let mut chars = label.chars();
            let label = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            (t, label)
        })
        .collect()
}

fn dimensions() -> Vec<(DisaggregationDimension, String)> {
    (1..=8)
        .filter_map(|v| DisaggregationDimension::try_from(v).ok())
        .map(|d| (d, word(d.as_str_name(), "DISAGGREGATION_DIMENSION_")))
        .collect()
}

const YES_NO: [&str; 2] = ["Yes", "No"];

/// A drop-down of the values in column `col` of the Lists sheet.
fn list(col: u16, len: usize) -> DataValidation {
    let column = a1(0, col).trim_end_matches('1').to_string();
    DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "={LISTS}!${column}$1:${column}${}",
            len.max(1)
        )))
        .set_error_title("Choose from the list")
        .unwrap_or_else(|_| DataValidation::new())
}

fn header(sheet: &mut Worksheet, names: &[&str], widths: &[f64]) -> Result<(), WorkbookError> {
    let bold = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border_bottom(FormatBorder::Thin);
    for (col, name) in names.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(0);
        sheet.write_string_with_format(0, col, *name, &bold)?;
        if let Some(w) = widths.get(usize::from(col)) {
            sheet.set_column_width(col, *w)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The template of a national report of `state` for `cycle`.
pub fn national_template(cycle: &str, state: &str) -> Result<Vec<u8>, WorkbookError> {
    let country = reference()
        .member_state(state)
        .map_or_else(|| state.to_string(), |s| s.name.clone());
    let mut book = Workbook::new();
    let open = Format::new().set_unlocked().set_text_wrap();
    let wrap = Format::new().set_text_wrap();

    let lists: Vec<Vec<String>> = vec![
        kinds().into_iter().map(|(_, l)| l).collect(),
        statuses().into_iter().map(|(_, l)| l).collect(),
        {
            let mut codes: Vec<String> = reference_indicator_codes();
            codes.sort();
            codes
        },
        std::iter::once("Total".to_string())
            .chain(dimensions().into_iter().map(|(_, l)| l))
            .collect(),
        pledge_kinds().into_iter().map(|(_, l)| l).collect(),
        pledge_statuses().into_iter().map(|(_, l)| l).collect(),
        YES_NO.iter().map(|s| s.to_string()).collect(),
    ];
    let (kind_list, status_list, code_list, dim_list, pkind_list, pstatus_list, yes_no) =
        (0u16, 1u16, 2u16, 3u16, 4u16, 5u16, 6u16);

    instructions(
        &mut book,
        &format!("National report of {country} ({state}) for review cycle {cycle}"),
        &[
            "Fill in the sheets Report, Objectives, Indicators, Pledges, Stakeholders and Disaggregation.",
            "Type values, not formulas; do not merge cells, rename sheets or leave empty rows inside a table.",
            "Drop-down cells take one of their listed values. Years are numbers, such as 2025, not dates.",
            "Objectives: give a status and a narrative for each objective the State worked on; leave the others empty.",
            "Indicators: one row per value; Dimension is Total or a disaggregation with its Category (for example Sex, female).",
            "Values may be from the cycle's year and the five years before it; the unit is the indicator's own.",
            "Submit the filled workbook with: imrfctl report submit <file>.xlsx (or upload it in the console).",
        ],
    )?;

    let sheet = fields_sheet(
        &mut book,
        "Report",
        &[
            ("Review cycle", Field::Given(cycle)),
            ("Member State (ISO3)", Field::Given(state)),
            ("Kind of report", Field::Open),
            ("Title", Field::Open),
            ("Summary", Field::Open),
            ("National implementation plan (Yes or No)", Field::Open),
        ],
    )?;
    sheet.write_string(2, 2, country.as_str())?;
    sheet.add_data_validation(3, 1, 3, 1, &list(kind_list, lists[0].len()))?;
    sheet.add_data_validation(6, 1, 6, 1, &list(yes_no, 2))?;
    sheet.set_row_height(5, 90)?;
    sheet.protect();

    let sheet = book.add_worksheet().set_name("Objectives")?;
    header(
        sheet,
        &["Objective", "Title", "Status", "Narrative"],
        &[10.0, 60.0, 16.0, 80.0],
    )?;
    for n in 1..=OBJECTIVE_COUNT {
        let title = reference()
            .objective(n)
            .map_or_else(String::new, |o| o.title.clone());
        sheet.write_number(n, 0, f64::from(n))?;
        sheet.write_string_with_format(n, 1, &title, &wrap)?;
        sheet.write_blank(n, 2, &open)?;
        sheet.write_blank(n, 3, &open)?;
    }
    sheet.add_data_validation(1, 2, OBJECTIVE_COUNT, 2, &list(status_list, lists[1].len()))?;
    sheet.protect();

    let open_rows = |sheet: &mut Worksheet, cols: u16| -> Result<(), WorkbookError> {
        for col in 0..cols {
            sheet.set_column_format(col, &open)?;
        }
        sheet.set_row_format(0, &Format::new().set_bold())?;
        sheet.protect();
        Ok(())
    };

    let sheet = book.add_worksheet().set_name("Indicators")?;
    header(
        sheet,
        &[
            "Indicator",
            "Unit",
            "Year",
            "Dimension",
            "Category",
            "Value",
            "Source",
        ],
        &[12.0, 28.0, 8.0, 20.0, 18.0, 12.0, 40.0],
    )?;
    sheet.add_data_validation(1, 0, TABLE_ROWS, 0, &list(code_list, lists[2].len()))?;
    sheet.add_data_validation(1, 3, TABLE_ROWS, 3, &list(dim_list, lists[3].len()))?;
    open_rows(sheet, 7)?;

    let sheet = book.add_worksheet().set_name("Pledges")?;
    header(
        sheet,
        &["Id", "Title", "Objectives", "Kind", "Status", "Description"],
        &[14.0, 50.0, 14.0, 18.0, 14.0, 70.0],
    )?;
    sheet.add_data_validation(1, 3, TABLE_ROWS, 3, &list(pkind_list, lists[4].len()))?;
    sheet.add_data_validation(1, 4, TABLE_ROWS, 4, &list(pstatus_list, lists[5].len()))?;
    open_rows(sheet, 6)?;

    let sheet = book.add_worksheet().set_name("Stakeholders")?;
    write_stakeholders(sheet, "Consulted", yes_no)?;

    let sheet = book.add_worksheet().set_name("Disaggregation")?;
    header(
        sheet,
        &["Dimension", "Data can be broken down by it"],
        &[24.0, 30.0],
    )?;
    let dims = dimensions();
    for (i, (_, label)) in dims.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(1);
        sheet.write_string(row, 0, label)?;
        sheet.write_blank(row, 1, &open)?;
    }
    let last = u32::try_from(dims.len()).unwrap_or(1);
    sheet.add_data_validation(1, 1, last, 1, &list(yes_no, 2))?;
    sheet.protect();

    let sheet = book.add_worksheet().set_name(LISTS)?;
    for (col, values) in lists.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(0);
        for (row, value) in values.iter().enumerate() {
            sheet.write_string(u32::try_from(row).unwrap_or(0), col, value)?;
        }
    }
    sheet.set_hidden(true);
    sheet.protect();

    Ok(book.save_to_buffer()?)
}

fn reference_indicator_codes() -> Vec<String> {
    reference().indicators().map(|i| i.code.clone()).collect()
}

/// A value of a sheet of fields (Report, Review).
enum Field<'a> {
    /// Given by the template, such as the cycle.
    Given(&'a str),
    /// For the person to fill in.
    Open,
    /// A date for the person to fill in.
    Date,
}

/// A sheet of fields: a label per row in column A, its value in column B,
/// the given ones locked and the others open; the sheet is left for the
/// caller to finish and protect.
fn fields_sheet<'b>(
    book: &'b mut Workbook,
    name: &str,
    fields: &[(&str, Field<'_>)],
) -> Result<&'b mut Worksheet, WorkbookError> {
    let open = Format::new().set_unlocked().set_text_wrap();
    let date = Format::new().set_unlocked().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet().set_name(name)?;
    header(sheet, &["Field", "Value"], &[34.0, 90.0])?;
    for (i, (label, field)) in fields.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(1);
        sheet.write_string(row, 0, *label)?;
        match field {
            Field::Given(value) => {
                sheet.write_string(row, 1, *value)?;
            }
            Field::Open => {
                sheet.write_blank(row, 1, &open)?;
            }
            Field::Date => {
                sheet.write_blank(row, 1, &date)?;
            }
        }
    }
    Ok(sheet)
}

/// The Instructions sheet: `title` in bold, then `lines`, then how
/// problems are reported, which is the same for every workbook.
fn instructions(book: &mut Workbook, title: &str, lines: &[&str]) -> Result<(), WorkbookError> {
    let sheet = book.add_worksheet().set_name("Instructions")?;
    sheet.set_column_width(0, 110)?;
    sheet.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
    let wrap = Format::new().set_text_wrap();
    let last = "Every problem is reported as Sheet!Cell; nothing is recorded until the whole workbook is right.";
    for (row, line) in lines.iter().chain([&last]).enumerate() {
        sheet.write_string_with_format(u32::try_from(row + 2).unwrap_or(2), 0, *line, &wrap)?;
    }
    sheet.protect();
    Ok(())
}

/// The Stakeholders sheet: every kind of stakeholder, whether it took
/// part (column `taken`, a Yes/No drop-down from Lists column `yes_no`)
/// and how many.
fn write_stakeholders(
    sheet: &mut Worksheet,
    taken: &str,
    yes_no: u16,
) -> Result<(), WorkbookError> {
    let open = Format::new().set_unlocked();
    header(
        sheet,
        &["Stakeholder", taken, "How many"],
        &[44.0, 12.0, 12.0],
    )?;
    let kinds_of = stakeholders();
    for (i, (_, label)) in kinds_of.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(1);
        sheet.write_string(row, 0, label)?;
        sheet.write_blank(row, 1, &open)?;
        sheet.write_blank(row, 2, &open)?;
    }
    let last = u32::try_from(kinds_of.len()).unwrap_or(1);
    sheet.add_data_validation(1, 1, last, 1, &list(yes_no, 2))?;
    sheet.protect();
    Ok(())
}

/// The stakeholders the Stakeholders sheet says took part.
fn read_stakeholders(sheet: &Sheet<'_>, problems: &mut Problems) -> Vec<StakeholderParticipation> {
    let mut taken = Vec::new();
    for row in 1..=sheet.last_row() {
        let label = sheet.text(row, 0, problems);
        let yes = sheet.text(row, 1, problems);
        let count = sheet.text(row, 2, problems);
        if yes.is_empty() && count.is_empty() {
            continue;
        }
        let Some(kind) = pick(&label, &stakeholders()) else {
            problems.add(
                sheet.name,
                a1(row, 0),
                format!("'{label}' is not a kind of stakeholder"),
            );
            continue;
        };
        match yes_no(&yes) {
            Some(false) => continue,
            Some(true) => {}
            None if yes.is_empty() => {}
            None => {
                problems.add(sheet.name, a1(row, 1), format!("'{yes}' is not Yes or No"));
                continue;
            }
        }
        let count = if count.is_empty() {
            0
        } else if let Ok(n) = count.parse::<u32>() {
            n
        } else {
            problems.add(
                sheet.name,
                a1(row, 2),
                format!("'{count}' is not a whole number"),
            );
            0
        };
        taken.push(StakeholderParticipation {
            r#type: kind as i32,
            count,
            description: String::new(),
        });
    }
    taken
}

/// A cell's text as a person typed it ("" when empty), or why it cannot be
/// taken as text.
fn text_of(cell: Option<&Data>) -> Result<String, String> {
    match cell {
        None | Some(Data::Empty) => Ok(String::new()),
        Some(Data::String(s)) => Ok(s.trim().to_string()),
        Some(Data::Float(f)) => Ok(if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{f:.0}")
        } else {
            f.to_string()
        }),
        Some(Data::Int(i)) => Ok(i.to_string()),
        Some(Data::Bool(b)) => Ok(if *b { "Yes" } else { "No" }.to_string()),
        Some(Data::DateTime(d)) => Err(format!(
            "a date ({}); write the year or the number itself, such as 2025",
            {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{day:02}")
            }
        )),
        Some(Data::DateTimeIso(d)) | Some(Data::DurationIso(d)) => {
            Err(format!("a date ({d}); write the year or the number itself"))
        }
        Some(Data::Error(e)) => Err(format!("an error value ({e}); type the value itself")),
    }
}

/// What reading a workbook gathers: problems, with where.
struct Problems(Vec<CellProblem>);

impl Problems {
    fn add(&mut self, sheet: &str, cell: String, message: impl Into<String>) {
        self.0.push(CellProblem {
            sheet: sheet.to_string(),
            cell,
            message: message.into(),
        });
    }
}

/// A sheet's cells by zero-based row and column, whatever the used range's
/// start.
struct Sheet<'a> {
    name: &'static str,
    range: &'a Range<Data>,
}

impl Sheet<'_> {
    fn cell(&self, row: u32, col: u16) -> Option<&Data> {
        self.range.get_value((row, u32::from(col)))
    }

    /// Rows of data (after the header) up to the last non-empty one.
    fn last_row(&self) -> u32 {
        self.range.end().map_or(0, |(r, _)| r)
    }

    fn text(&self, row: u32, col: u16, problems: &mut Problems) -> String {
        match text_of(self.cell(row, col)) {
            Ok(t) => t,
            Err(m) => {
                problems.add(self.name, a1(row, col), m);
                String::new()
            }
        }
    }

    fn row_is_empty(&self, row: u32, cols: u16) -> bool {
        (0..cols).all(|c| matches!(self.cell(row, c), None | Some(Data::Empty)))
    }
}

/// Matches `text` to one of `options` by their label or code,
/// ignoring case and spaces.
fn pick<T: Copy>(text: &str, options: &[(T, String)]) -> Option<T> {
    let norm = |s: &str| s.to_lowercase().replace([' ', '-', '_'], "");
    options
        .iter()
        .find(|(_, label)| norm(label) == norm(text))
        .map(|(v, _)| *v)
}

fn one_of(options: &[(impl Copy, String)]) -> String {
    options
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A workbook's sheets, read and checked for what no sheet may hold
/// (merged cells, formulas, more rows than a report has of anything).
struct Loaded {
    ranges: HashMap<&'static str, Range<Data>>,
    /// Rows holding a formula are not empty, whatever value it left.
    formula_rows: std::collections::HashSet<(&'static str, u32)>,
    problems: Problems,
    empty: Range<Data>,
}

impl Loaded {
    fn sheet(&self, name: &'static str) -> Sheet<'_> {
        Sheet {
            name,
            range: self.ranges.get(name).unwrap_or(&self.empty),
        }
    }
}

/// Opens the workbook `name` and loads `sheets` (the first, the
/// instructions, is not read); `command` is what makes its template.
fn load(
    name: &str,
    bytes: &[u8],
    sheets: &[&'static str],
    command: &str,
) -> Result<Loaded, WorkbookError> {
    let not_a_workbook = |problem: String| WorkbookError::NotAWorkbook {
        name: name.to_string(),
        problem,
    };
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(e.to_string()))?;
    let mut problems = Problems(Vec::new());
    let present: Vec<String> = book.sheet_names();
    let missing: Vec<&str> = sheets
        .iter()
        .filter(|s| !present.iter().any(|p| p == *s))
        .copied()
        .collect();
    if !missing.is_empty() {
        for m in &missing {
            problems.add(
                m,
                String::new(),
                format!(
                    "no such sheet; the workbook has {}, and needs {} (start from `{command}`)",
                    present.join(", "),
                    sheets.join(", ")
                ),
            );
        }
        return Err(WorkbookError::Refused {
            name: name.to_string(),
            problems: problems.0,
        });
    }
    let mut ranges: HashMap<&'static str, Range<Data>> = HashMap::new();
    let mut formula_rows = std::collections::HashSet::new();
    for sheet in sheets.iter().skip(1) {
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| not_a_workbook(e.to_string()))?;
        // The same limit the service puts on a list: a sheet past it is
        // refused whole rather than read row by row.
        let rows = range.end().map_or(0, |(r, _)| r) as usize;
        if rows > LIST_MAX_ITEMS + 1 {
            problems.add(
                sheet,
                String::new(),
                format!("{rows} rows; a report holds at most {LIST_MAX_ITEMS} of anything"),
            );
            continue;
        }
        for dims in book.merge_cells_by_sheet_name(sheet).unwrap_or_default() {
            problems.add(
                sheet,
                format!(
                    "{}:{}",
                    a1(dims.start.0, u16::try_from(dims.start.1).unwrap_or(0)),
                    a1(dims.end.0, u16::try_from(dims.end.1).unwrap_or(0))
                ),
                "merged cells; unmerge them and give each cell its own value",
            );
        }
        if let Ok(formulas) = book.worksheet_formula(sheet) {
            for (row, col, f) in formulas.used_cells() {
                if !f.is_empty() {
                    let (r0, c0) = formulas.start().unwrap_or((0, 0));
                    let at = r0 + u32::try_from(row).unwrap_or(0);
                    formula_rows.insert((*sheet, at));
                    problems.add(
                        sheet,
                        a1(at, u16::try_from(c0 as usize + col).unwrap_or(0)),
                        format!("a formula (={f}); type the value itself"),
                    );
                }
            }
        }
        ranges.insert(*sheet, range);
    }
    Ok(Loaded {
        ranges,
        formula_rows,
        problems,
        empty: Range::empty(),
    })
}

/// The problems gathered, in the sheets' order, as a refusal; or `Ok`.
fn finish(name: &str, sheets: &[&str], mut problems: Problems) -> Result<(), WorkbookError> {
    if problems.0.is_empty() {
        return Ok(());
    }
    let order = |p: &CellProblem| sheets.iter().position(|s| *s == p.sheet).unwrap_or(0);
    problems.0.sort_by_key(order);
    Err(WorkbookError::Refused {
        name: name.to_string(),
        problems: problems.0,
    })
}

/// Reads the filled workbook `name` (its bytes) as a national report.
pub fn national_report(name: &str, bytes: &[u8]) -> Result<NationalReport, WorkbookError> {
    let loaded = load(name, bytes, &SHEETS, "imrfctl report template")?;
    let sheet = |name: &'static str| loaded.sheet(name);
    let mut problems = Problems(Vec::new());
    let formula_rows = &loaded.formula_rows;

    // Report.
    let report_sheet = sheet("Report");
    let field = |row: u32, problems: &mut Problems| report_sheet.text(row, 1, problems);
    let cycle = field(1, &mut problems);
    let state = field(2, &mut problems);
    let kind_text = field(3, &mut problems);
    let kind = if kind_text.is_empty() {
        problems.add(
            "Report",
            a1(3, 1),
            format!("is required: one of {}", one_of(&kinds())),
        );
        ReportKind::Unspecified
    } else {
        pick(&kind_text, &kinds()).unwrap_or_else(|| {
            problems.add(
                "Report",
                a1(3, 1),
                format!(
                    "'{kind_text}' is not a kind of report; use one of {}",
                    one_of(&kinds())
                ),
            );
            ReportKind::Unspecified
        })
    };
    let title = field(4, &mut problems);
    let summary = field(5, &mut problems);
    let plan_text = field(6, &mut problems);
    let has_plan = if plan_text.is_empty() {
        false
    } else {
        yes_no(&plan_text).unwrap_or_else(|| {
            problems.add(
                "Report",
                a1(6, 1),
                format!("'{plan_text}' is not Yes or No"),
            );
            false
        })
    };

    // Objectives.
    let objectives_sheet = sheet("Objectives");
    let mut objectives = Vec::new();
    for row in 1..=objectives_sheet.last_row() {
        let number_text = objectives_sheet.text(row, 0, &mut problems);
        let status_text = objectives_sheet.text(row, 2, &mut problems);
        let narrative = objectives_sheet.text(row, 3, &mut problems);
        if status_text.is_empty() && narrative.is_empty() {
            continue;
        }
        let Some(number) = number_text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=OBJECTIVE_COUNT).contains(n))
        else {
            problems.add(
                "Objectives",
                a1(row, 0),
                format!("'{number_text}' is not an objective number from 1 to {OBJECTIVE_COUNT}"),
            );
            continue;
        };
        let status = if status_text.is_empty() {
            ImplementationStatus::Unspecified
        } else {
            pick(&status_text, &statuses()).unwrap_or_else(|| {
                problems.add(
                    "Objectives",
                    a1(row, 2),
                    format!(
                        "'{status_text}' is not a status; use one of {}",
                        one_of(&statuses())
                    ),
                );
                ImplementationStatus::Unspecified
            })
        };
        objectives.push(ObjectiveStatus {
            objective: number,
            status: status as i32,
            narrative,
        });
    }

    // Indicators: the same checks as a row of the indicator CSV.
    let indicator_sheet = sheet("Indicators");
    const COLS: [(&str, u16); 6] = [
        ("indicator", 0),
        ("year", 2),
        ("dimension", 3),
        ("category", 4),
        ("value", 5),
        ("source", 6),
    ];
    let mut observations = Vec::new();
    let mut seen: HashMap<(String, i32, i32, String), u32> = HashMap::new();
    let last = indicator_sheet.last_row();
    let mut blank_from: Option<u32> = None;
    for row in 1..=last {
        if formula_rows.contains(&("Indicators", row)) {
            continue;
        }
        if indicator_sheet.row_is_empty(row, 7) {
            blank_from.get_or_insert(row);
            continue;
        }
        if let Some(blank) = blank_from.take() {
            problems.add(
                "Indicators",
                a1(blank, 0),
                "an empty row inside the table; delete it so the rows below it are read",
            );
        }
        let mut cells: HashMap<&str, String> = HashMap::new();
        let mut unreadable = false;
        for (column, col) in COLS {
            match text_of(indicator_sheet.cell(row, col)) {
                Ok(t) => {
                    cells.insert(column, t);
                }
                Err(m) => {
                    problems.add("Indicators", a1(row, col), m);
                    unreadable = true;
                }
            }
        }
        if unreadable {
            continue;
        }
        let cell = |column: &str| cells.get(column).map_or("", String::as_str);
        let checked = indicators::Cells {
            state: &state,
            indicator: cell("indicator"),
            year: cell("year"),
            dimension: cell("dimension"),
            category: cell("category"),
            value: cell("value"),
        };
        match indicators::check(&checked, &cycle) {
            Ok((_, mut observation)) => {
                let unit = text_of(indicator_sheet.cell(row, 1)).unwrap_or_default();
                if !unit.is_empty() && unit != observation.unit {
                    problems.add(
                        "Indicators",
                        a1(row, 1),
                        format!(
                            "'{unit}' is not the unit of {}; it is {} (or leave the cell empty)",
                            observation.indicator_code, observation.unit
                        ),
                    );
                    continue;
                }
                observation.source = cell("source").to_string();
                let key = (
                    observation.indicator_code.clone(),
                    observation.year,
                    observation.dimension,
                    observation.category.clone(),
                );
                if let Some(first) = seen.insert(key, row) {
                    problems.add(
                        "Indicators",
                        a1(row, 0),
                        format!("the same observation as row {}", first + 1),
                    );
                    continue;
                }
                observations.push(observation);
            }
            Err((column, message)) => {
                let col = COLS
                    .iter()
                    .find(|(c, _)| *c == column)
                    .map_or(0, |(_, col)| *col);
                problems.add("Indicators", a1(row, col), message);
            }
        }
    }

    // Pledges.
    let pledge_sheet = sheet("Pledges");
    let mut pledges = Vec::new();
    for row in 1..=pledge_sheet.last_row() {
        if pledge_sheet.row_is_empty(row, 6) {
            continue;
        }
        let texts: Vec<String> = (0..6)
            .map(|c| pledge_sheet.text(row, c, &mut problems))
            .collect();
        let mut supports = Vec::new();
        for part in texts[2]
            .split([',', ';', ' '])
            .filter(|p| !p.trim().is_empty())
        {
            match part.trim().parse::<u32>() {
                Ok(n) => supports.push(n),
                Err(_) => problems.add(
                    "Pledges",
                    a1(row, 2),
                    format!("'{part}' is not an objective number; write numbers such as 5, 6"),
                ),
            }
        }
        let pick_or = |text: &str,
                       options: &[(i32, String)],
                       col: u16,
                       what: &str,
                       problems: &mut Problems| {
            if text.is_empty() {
                return 0;
            }
            pick(text, options).unwrap_or_else(|| {
                problems.add(
                    "Pledges",
                    a1(row, col),
                    format!("'{text}' is not a {what}; use one of {}", one_of(options)),
                );
                0
            })
        };
        let kinds: Vec<(i32, String)> = pledge_kinds()
            .into_iter()
            .map(|(k, l)| (k as i32, l))
            .collect();
        let states: Vec<(i32, String)> = pledge_statuses()
            .into_iter()
            .map(|(k, l)| (k as i32, l))
            .collect();
        pledges.push(Pledge {
            pledge_id: texts[0].clone(),
            title: texts[1].clone(),
            objectives: supports,
            kind: pick_or(&texts[3], &kinds, 3, "kind of pledge", &mut problems),
            status: pick_or(&texts[4], &states, 4, "status of a pledge", &mut problems),
            description: texts[5].clone(),
        });
    }

    let consulted = read_stakeholders(&sheet("Stakeholders"), &mut problems);

    // Disaggregation.
    let dim_sheet = sheet("Disaggregation");
    let mut supported = Vec::new();
    for row in 1..=dim_sheet.last_row() {
        let label = dim_sheet.text(row, 0, &mut problems);
        let yes = dim_sheet.text(row, 1, &mut problems);
        if yes.is_empty() {
            continue;
        }
        match (pick(&label, &dimensions()), yes_no(&yes)) {
            (Some(d), Some(true)) => supported.push(d as i32),
            (Some(_), Some(false)) => {}
            (None, _) => problems.add(
                "Disaggregation",
                a1(row, 0),
                format!("'{label}' is not a dimension"),
            ),
            (_, None) => problems.add(
                "Disaggregation",
                a1(row, 1),
                format!("'{yes}' is not Yes or No"),
            ),
        }
    }

    problems.0.extend(loaded.problems.0.iter().cloned());
    finish(name, &SHEETS, problems)?;
    Ok(NationalReport {
        cycle_id: cycle,
        state,
        kind: kind as i32,
        title,
        objectives,
        indicators: observations,
        pledges,
        stakeholders_consulted: consulted,
        has_implementation_plan: has_plan,
        disaggregation_supported: supported,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filled workbook in the template's layout, with `edit` applied to
    /// each sheet as it is written.
    fn filled(
        edit: impl Fn(&str, &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Vec<u8> {
        let mut book = Workbook::new();
        let mut run = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            for name in SHEETS {
                let sheet = book.add_worksheet().set_name(name)?;
                match name {
                    "Report" => {
                        for (row, value) in [
                            (1, "2026"),
                            (2, "KEN"),
                            (3, "National review"),
                            (4, "Voluntary national review of Kenya, 2026"),
                            (5, "Kenya reports progress."),
                            (6, "Yes"),
                        ] {
                            sheet.write_string(row, 1, value)?;
                        }
                    }
                    "Objectives" => {
                        sheet.write_number(5, 0, 5.0)?;
                        sheet.write_string(5, 2, "In progress")?;
                        sheet.write_string(5, 3, "Labour agreements with three States.")?;
                    }
                    "Indicators" => {
                        sheet.write_string(1, 0, "10.7.2")?;
                        sheet.write_number(1, 2, 2025.0)?;
                        sheet.write_string(1, 3, "Total")?;
                        sheet.write_number(1, 5, 83.3)?;
                        sheet.write_string(1, 6, "NSO")?;
                    }
                    "Stakeholders" => {
                        sheet.write_string(1, 0, "Civil society")?;
                        sheet.write_string(1, 1, "Yes")?;
                        sheet.write_number(1, 2, 12.0)?;
                    }
                    _ => {}
                }
                edit(name, sheet)?;
            }
            book.save_to_buffer()
        };
        run().unwrap_or_default()
    }

    fn problems(bytes: &[u8]) -> Vec<String> {
        match national_report("ken.xlsx", bytes) {
            Err(WorkbookError::Refused { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            other => vec![format!("not refused: {other:?}")],
        }
    }

    #[test]
    fn cells_are_named_in_a1() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 2), "C7");
        assert_eq!(a1(0, 26), "AA1");
    }

    #[test]
    fn a_filled_workbook_gives_the_report() -> Result<(), WorkbookError> {
        let report = national_report("ken.xlsx", &filled(|_, _| Ok(())))?;
        assert_eq!(report.state, "KEN");
        assert_eq!(report.kind, ReportKind::VoluntaryNationalReview as i32);
        assert!(report.has_implementation_plan);
        assert_eq!(report.objectives.len(), 1);
        assert_eq!(report.objectives[0].objective, 5);
        assert_eq!(report.indicators.len(), 1);
        assert_eq!(report.indicators[0].value, 83.3);
        assert_eq!(report.indicators[0].year, 2025);
        assert_eq!(report.stakeholders_consulted[0].count, 12);
        Ok(())
    }

    #[test]
    fn the_template_reads_back_and_asks_for_what_is_missing() -> Result<(), WorkbookError> {
        let template = national_template("2026", "KEN")?;
        let found = problems(&template);
        assert_eq!(
            found,
            [
                "Report!B4: is required: one of National review, National implementation plan, Pledge update"
            ]
        );
        Ok(())
    }

    #[test]
    fn formulas_dates_merged_cells_gaps_and_duplicates_are_named() {
        let bytes = filled(|name, sheet| {
            if name == "Indicators" {
                sheet.write_formula(2, 5, "=F2*2")?;
                sheet.write_string(2, 0, "10.7.2")?;
                sheet.write_number(2, 2, 2024.0)?;
                // A year typed as a date.
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1)?;
                sheet.write_datetime_with_format(
                    3,
                    2,
                    &date,
                    &Format::new().set_num_format("yyyy-mm-dd"),
                )?;
                sheet.write_string(3, 0, "10.7.2")?;
                sheet.write_number(3, 5, 50.0)?;
                // A gap, then the same observation as row 2.
                sheet.write_string(5, 0, "10.7.2")?;
                sheet.write_number(5, 2, 2025.0)?;
                sheet.write_number(5, 5, 10.0)?;
            }
            if name == "Pledges" {
                sheet.merge_range(1, 1, 1, 2, "Merged", &Format::new())?;
            }
            Ok(())
        });
        let found = problems(&bytes);
        let has = |needle: &str| found.iter().any(|p| p.starts_with(needle));
        assert!(has("Indicators!F3: a formula (=F2*2)"), "{found:#?}");
        assert!(has("Indicators!C4: a date (2024-01-01)"), "{found:#?}");
        assert!(
            has("Indicators!A5: an empty row inside the table"),
            "{found:#?}"
        );
        assert!(
            has("Indicators!A6: the same observation as row 2"),
            "{found:#?}"
        );
        assert!(has("Pledges!B2:C2: merged cells"), "{found:#?}");
    }

    #[test]
    fn what_is_not_a_workbook_or_lacks_a_sheet_is_refused() {
        let err = national_report("ken.xlsx", b"state,indicator\n")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("not an Excel workbook")));
        let mut book = Workbook::new();
        let _ = book.add_worksheet().set_name("Sheet1");
        let bytes = book.save_to_buffer().unwrap_or_default();
        let found = problems(&bytes);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("Objectives: no such sheet")),
            "{found:#?}"
        );
    }
}
