//! A regional review as an Excel workbook, as a commission's secretariat
//! prepares one: the template (`imrfctl review template`) and the reading
//! back of a filled one into the message the YAML file gives, by the same
//! rules as the national report's workbook.
//!
//! Sheets: Instructions; Review (cycle, commission, title, document
//! symbol, the period reviewed, the meeting's dates, summary); States (the
//! commission's members, and whether each took part); Stakeholders;
//! Findings (the 23 objectives: progress, challenges, gaps,
//! recommendations one per line, the practices referred to, and whether
//! the objective received less attention); and the hidden Lists sheet.

use calamine::Data;
use imrf_gcm::refdata::{OBJECTIVE_COUNT, commission_code, commission_from_code, reference};
use imrf_proto::v1::{Commission, Date, DateRange, ObjectiveFinding, RegionalReview};
use rust_xlsxwriter::{Format, Workbook};

use super::{
    Field, LISTS, Problems, WorkbookError, YES_NO, a1, fields_sheet, finish, header, instructions,
    list, load, read_stakeholders, write_stakeholders, yes_no,
};

/// The sheets a regional review workbook has, in order.
pub const SHEETS: [&str; 5] = [
    "Instructions",
    "Review",
    "States",
    "Stakeholders",
    "Findings",
];

/// The template of `commission`'s regional review for `cycle`.
pub fn template(cycle: &str, commission: Commission) -> Result<Vec<u8>, WorkbookError> {
    let code = commission_code(commission);
    let name = imrf_gcm::refdata::commission_name(commission);
    let mut book = Workbook::new();
    let open = Format::new().set_unlocked().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    const YES_NO_LIST: u16 = 0;

    instructions(
        &mut book,
        &format!("Regional review of the {name} ({code}) for review cycle {cycle}"),
        &[
            "Fill in the sheets Review, States, Stakeholders and Findings.",
            "Type values, not formulas; do not merge cells or rename sheets.",
            "Dates are dates (or text such as 2026-03-10), not plain numbers.",
            "States: Yes for each member that took part in the review.",
            "Findings: fill in the objectives the review covered; recommendations one per line; practices by their ids, separated by commas.",
            "Submit the filled workbook with: imrfctl review submit <file>.xlsx (or upload it in the console).",
        ],
    )?;

    let sheet = fields_sheet(
        &mut book,
        "Review",
        &[
            ("Review cycle", Field::Given(cycle)),
            ("Commission", Field::Given(code)),
            ("Title", Field::Open),
            ("Document symbol", Field::Open),
            ("Period reviewed, from", Field::Date),
            ("Period reviewed, to", Field::Date),
            ("Review meeting, from", Field::Date),
            ("Review meeting, to", Field::Date),
            ("Summary of the conclusions", Field::Open),
        ],
    )?;
    sheet.write_string(2, 2, name)?;
    sheet.set_row_height(9, 90)?;
    sheet.protect();

    let sheet = book.add_worksheet().set_name("States")?;
    header(
        sheet,
        &["Member State", "ISO3", "Took part"],
        &[40.0, 8.0, 12.0],
    )?;
    let mut members: Vec<(String, String)> = reference()
        .commission_members(commission)
        .map(|(iso3, _)| {
            let name = reference()
                .member_state(iso3)
                .map_or_else(|| iso3.to_string(), |s| s.name.clone());
            (name, iso3.to_string())
        })
        .collect();
    members.sort();
    for (i, (name, iso3)) in members.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(1);
        sheet.write_string(row, 0, name)?;
        sheet.write_string(row, 1, iso3)?;
        sheet.write_blank(row, 2, &open)?;
    }
    let last = u32::try_from(members.len()).unwrap_or(1);
    sheet.add_data_validation(1, 2, last, 2, &list(YES_NO_LIST, 2))?;
    sheet.protect();

    let sheet = book.add_worksheet().set_name("Stakeholders")?;
    write_stakeholders(sheet, "Took part", YES_NO_LIST)?;

    let sheet = book.add_worksheet().set_name("Findings")?;
    header(
        sheet,
        &[
            "Objective",
            "Title",
            "Progress",
            "Challenges",
            "Gaps",
            "Recommendations (one per line)",
            "Practices (ids)",
            "Less attention",
        ],
        &[10.0, 40.0, 50.0, 40.0, 40.0, 50.0, 24.0, 14.0],
    )?;
    for n in 1..=OBJECTIVE_COUNT {
        let title = reference()
            .objective(n)
            .map_or_else(String::new, |o| o.title.clone());
        sheet.write_number(n, 0, f64::from(n))?;
        sheet.write_string_with_format(n, 1, &title, &wrap)?;
        for col in 2..=7 {
            sheet.write_blank(n, col, &open)?;
        }
    }
    sheet.add_data_validation(1, 7, OBJECTIVE_COUNT, 7, &list(YES_NO_LIST, 2))?;
    sheet.protect();

    let sheet = book.add_worksheet().set_name(LISTS)?;
    for (row, value) in YES_NO.iter().enumerate() {
        sheet.write_string(u32::try_from(row).unwrap_or(0), YES_NO_LIST, *value)?;
    }
    sheet.set_hidden(true);
    sheet.protect();
    Ok(book.save_to_buffer()?)
}

/// A date cell: a date, or text such as 2026-03-10; a plain number is
/// refused (it is what a date typed into a number cell becomes).
fn date_of(cell: Option<&Data>) -> Result<Option<Date>, String> {
    let parse = imrf_gcm::dates::parse;
    match cell {
        None | Some(Data::Empty) => Ok(None),
        Some(Data::DateTime(d)) => {
            let (year, month, day, ..) = d.to_ymd_hms_milli();
            Ok(Some(Date {
                year: i32::from(year),
                month: i32::from(month),
                day: i32::from(day),
            }))
        }
        Some(Data::DateTimeIso(t)) | Some(Data::String(t)) => parse(t.get(..10).unwrap_or(t))
            .map(Some)
            .ok_or_else(|| format!("'{t}' is not a date; write it as 2026-03-10")),
        Some(Data::Float(f)) => Err(format!(
            "a plain number ({f}) where a date belongs; format the cell as a date or type 2026-03-10"
        )),
        Some(Data::Int(i)) => Err(format!(
            "a plain number ({i}) where a date belongs; format the cell as a date or type 2026-03-10"
        )),
        Some(other) => Err(format!("'{other}' is not a date; write it as 2026-03-10")),
    }
}

/// Reads the filled workbook `name` (its bytes) as a regional review.
pub fn review(name: &str, bytes: &[u8]) -> Result<RegionalReview, WorkbookError> {
    let loaded = load(name, bytes, &SHEETS, "imrfctl review template")?;
    let mut problems = Problems(Vec::new());

    let sheet = loaded.sheet("Review");
    let field = |row: u32, problems: &mut Problems| sheet.text(row, 1, problems);
    let cycle = field(1, &mut problems);
    let code = field(2, &mut problems);
    let commission = commission_from_code(&code).unwrap_or_else(|| {
        problems.add(
            "Review",
            a1(2, 1),
            format!("'{code}' is not a commission: use ECA, ECE, ECLAC, ESCAP or ESCWA"),
        );
        Commission::Unspecified
    });
    let title = field(3, &mut problems);
    let symbol = field(4, &mut problems);
    let day = |row: u32, problems: &mut Problems| match date_of(sheet.cell(row, 1)) {
        Ok(d) => d,
        Err(m) => {
            problems.add("Review", a1(row, 1), m);
            None
        }
    };
    let range = |start: Option<Date>, end: Option<Date>| {
        (start.is_some() || end.is_some()).then_some(DateRange { start, end })
    };
    let period = range(day(5, &mut problems), day(6, &mut problems));
    let meeting = range(day(7, &mut problems), day(8, &mut problems));
    let summary = field(9, &mut problems);

    let states_sheet = loaded.sheet("States");
    let mut states = Vec::new();
    for row in 1..=states_sheet.last_row() {
        let iso3 = states_sheet.text(row, 1, &mut problems);
        let took = states_sheet.text(row, 2, &mut problems);
        if took.is_empty() {
            continue;
        }
        match yes_no(&took) {
            Some(true) if !iso3.is_empty() => states.push(iso3),
            Some(true) => problems.add("States", a1(row, 1), "is required: the State's ISO3 code"),
            Some(false) => {}
            None => problems.add("States", a1(row, 2), format!("'{took}' is not Yes or No")),
        }
    }

    let stakeholders = read_stakeholders(&loaded.sheet("Stakeholders"), &mut problems);

    let findings_sheet = loaded.sheet("Findings");
    let mut findings = Vec::new();
    let mut less = Vec::new();
    for row in 1..=findings_sheet.last_row() {
        let texts: Vec<String> = (0..8)
            .map(|c| findings_sheet.text(row, c, &mut problems))
            .collect();
        if texts[2..].iter().all(String::is_empty) {
            continue;
        }
        let Some(objective) = texts[0]
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=OBJECTIVE_COUNT).contains(n))
        else {
            problems.add(
                "Findings",
                a1(row, 0),
                format!(
                    "'{}' is not an objective number from 1 to {OBJECTIVE_COUNT}",
                    texts[0]
                ),
            );
            continue;
        };
        match yes_no(&texts[7]) {
            Some(true) => less.push(objective),
            Some(false) => {}
            None if texts[7].is_empty() => {}
            None => problems.add(
                "Findings",
                a1(row, 7),
                format!("'{}' is not Yes or No", texts[7]),
            ),
        }
        if texts[2..7].iter().all(String::is_empty) {
            continue;
        }
        findings.push(ObjectiveFinding {
            objective,
            progress: texts[2].clone(),
            challenges: texts[3].clone(),
            gaps: texts[4].clone(),
            recommendations: texts[5]
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            practice_ids: texts[6]
                .split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    problems.0.extend(loaded.problems.0.iter().cloned());
    finish(name, &SHEETS, problems)?;
    Ok(RegionalReview {
        cycle_id: cycle,
        commission: commission as i32,
        title,
        document_symbol: symbol,
        review_period: period,
        meeting_dates: meeting,
        participating_states: states,
        stakeholders,
        findings,
        less_attention_objectives: less,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_review_workbook_gives_the_review_and_plain_numbers_are_not_dates()
    -> Result<(), WorkbookError> {
        let mut book = Workbook::new();
        for name in SHEETS {
            let sheet = book.add_worksheet().set_name(name)?;
            match name {
                "Review" => {
                    sheet.write_string(1, 1, "2026")?;
                    sheet.write_string(2, 1, "ECE")?;
                    sheet.write_string(3, 1, "Regional review, UNECE region, 2026")?;
                    sheet.write_string(5, 1, "2022-01-01")?;
                    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 12, 31)?;
                    sheet.write_datetime_with_format(
                        6,
                        1,
                        &d,
                        &Format::new().set_num_format("yyyy-mm-dd"),
                    )?;
                    sheet.write_number(7, 1, 46091.0)?;
                    sheet.write_string(8, 1, "2026-03-11")?;
                    sheet.write_string(9, 1, "Pathways widened.")?;
                }
                "States" => {
                    sheet.write_string(1, 1, "DEU")?;
                    sheet.write_string(1, 2, "Yes")?;
                    sheet.write_string(2, 1, "FRA")?;
                    sheet.write_string(2, 2, "No")?;
                }
                "Findings" => {
                    sheet.write_number(5, 0, 5.0)?;
                    sheet.write_string(5, 2, "Agreements doubled.")?;
                    sheet.write_string(5, 5, "Extend partnerships.\nRecognise skills.")?;
                    sheet.write_number(23, 0, 23.0)?;
                    sheet.write_string(23, 7, "Yes")?;
                }
                _ => {}
            }
        }
        let bytes = book.save_to_buffer()?;
        let refused = review("ece.xlsx", &bytes)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            refused.contains("Review!B8: a plain number (46091)"),
            "{refused}"
        );
        assert_eq!(refused.matches("\n").count(), 1, "one problem: {refused}");

        let mut book = Workbook::new();
        for name in SHEETS {
            let sheet = book.add_worksheet().set_name(name)?;
            if name == "Review" {
                for (row, v) in [(1, "2026"), (2, "ECE"), (3, "Review"), (7, "2026-03-10")] {
                    sheet.write_string(row, 1, v)?;
                }
            }
            if name == "Findings" {
                sheet.write_number(5, 0, 5.0)?;
                sheet.write_string(5, 2, "Agreements doubled.")?;
                sheet.write_string(5, 5, "Extend partnerships.\nRecognise skills.")?;
                sheet.write_number(23, 0, 23.0)?;
                sheet.write_string(23, 7, "Yes")?;
            }
        }
        let read = review("ece.xlsx", &book.save_to_buffer()?)?;
        assert_eq!(read.commission, Commission::Ece as i32);
        assert_eq!(read.findings.len(), 1);
        assert_eq!(read.findings[0].recommendations.len(), 2);
        assert_eq!(read.less_attention_objectives, [23]);
        assert_eq!(
            read.meeting_dates
                .and_then(|m| m.start)
                .map(|d| (d.year, d.month, d.day)),
            Some((2026, 3, 10))
        );
        Ok(())
    }

    #[test]
    fn the_template_lists_the_commissions_members() -> Result<(), WorkbookError> {
        let bytes = template("2026", Commission::Ece)?;
        let refused = review("ece.xlsx", &bytes)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        // An empty template reads back with nothing to refuse but nothing
        // filled; the service then asks for the title and the findings.
        assert!(refused.is_empty(), "{refused}");
        let read = review("ece.xlsx", &bytes)?;
        assert_eq!(read.cycle_id, "2026");
        assert!(read.participating_states.is_empty());
        Ok(())
    }
}
