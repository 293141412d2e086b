//! Checking a request to open a cycle: every field, and a schedule that is
//! complete, in order and leaves the national reviews their twelve weeks.

use imrf_gcm::validate::{Path, SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS, Violations};
use imrf_proto::v1::{CycleSchedule, Date, OpenCycleRequest};

use crate::cycle::issue_date;

pub(crate) fn show(date: &Option<Date>) -> String {
    date.as_ref().map_or_else(String::new, |d| {
        format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
    })
}

/// Checks a request to open a cycle, field by field.
pub fn validate_open(v: &mut Violations, request: &OpenCycleRequest) {
    v.request_id("request_id", &request.request_id);
    v.cycle_id("cycle_id", &request.cycle_id);
    v.required_text("title", &request.title, TITLE_MAX_CHARS);
    v.optional_text(
        "document_symbol",
        &request.document_symbol,
        SHORT_TEXT_MAX_CHARS,
    );
    validate_schedule(v, request.schedule.as_ref());
    v.list_len("agenda_items", request.agenda_items.len(), AGENDA_ITEMS_MAX);
    for (i, item) in request.agenda_items.iter().enumerate() {
        let base = Path::item(&"agenda_items", i);
        if item.number == 0 || item.number > AGENDA_ITEM_NUMBER_MAX {
            v.add(
                Path::field(&base, "number"),
                format!("must be from 1 to {AGENDA_ITEM_NUMBER_MAX}"),
            );
        }
        v.required_text(Path::field(&base, "title"), &item.title, TITLE_MAX_CHARS);
    }
    if request.period_covered.is_some() {
        v.date_range("period_covered", request.period_covered.as_ref());
    }
}

/// Most agenda items a report is issued under (A/75/542 had two).
const AGENDA_ITEMS_MAX: usize = 4;
/// Highest item number of a General Assembly agenda.
const AGENDA_ITEM_NUMBER_MAX: u32 = 200;

/// Checks a schedule: every date present and real, and in the order the
/// cycle needs, with the report out twelve weeks before the plenary.
pub(crate) fn validate_schedule(v: &mut Violations, schedule: Option<&CycleSchedule>) {
    let Some(s) = schedule else {
        v.add("schedule", "is required");
        return;
    };
    let start = v.date("schedule.collection_start", s.collection_start.as_ref());
    let regional = v.date(
        "schedule.regional_review_deadline",
        s.regional_review_deadline.as_ref(),
    );
    let national = v.date(
        "schedule.national_report_deadline",
        s.national_report_deadline.as_ref(),
    );
    let cutoff = v.date("schedule.practices_cutoff", s.practices_cutoff.as_ref());
    let compile = v.date("schedule.compile_date", s.compile_date.as_ref());
    let plenary = v.date("schedule.plenary_date", s.plenary_date.as_ref());
    let mut after =
        |field: &str, date: Option<time::Date>, bound: Option<time::Date>, what: &str| {
            if let (Some(date), Some(bound)) = (date, bound)
                && date <= bound
            {
                v.add(
                    format!("schedule.{field}"),
                    format!("{date} must be after the {what} ({bound})"),
                );
            }
        };
    after(
        "regional_review_deadline",
        regional,
        start,
        "collection start",
    );
    after(
        "national_report_deadline",
        national,
        start,
        "collection start",
    );
    after("practices_cutoff", cutoff, start, "collection start");
    after(
        "compile_date",
        compile,
        regional,
        "regional-review deadline",
    );
    after(
        "compile_date",
        compile,
        national,
        "national-report deadline",
    );
    after("compile_date", compile, cutoff, "practices cut-off");
    after("plenary_date", plenary, compile, "compile date");
    if let (Some(compile), Some(issue), Some(plenary)) = (compile, issue_date(s), plenary)
        && compile < plenary
        && compile >= issue
    {
        v.add(
            "schedule.compile_date",
            format!("{compile} leaves less than 12 weeks before the plenary ({plenary}); the report must circulate by {issue}, so compile before it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imrf_proto::v1::{AgendaItem, DateRange};

    fn date(year: i32, month: i32, day: i32) -> Option<Date> {
        Some(Date { year, month, day })
    }

    #[test]
    fn agenda_items_and_the_period_covered_are_checked_field_by_field() {
        let request = OpenCycleRequest {
            agenda_items: vec![
                AgendaItem {
                    number: 14,
                    title: "Follow-up to the outcome of the Millennium Summit".into(),
                },
                AgendaItem {
                    number: 0,
                    title: " ".into(),
                },
            ],
            period_covered: Some(DateRange {
                start: date(2025, 12, 31),
                end: date(2024, 1, 1),
            }),
            ..Default::default()
        };
        let mut v = Violations::new();
        validate_open(&mut v, &request);
        let fields: Vec<String> = v.into_vec().into_iter().map(|f| f.field).collect();
        for field in [
            "agenda_items[1].number",
            "agenda_items[1].title",
            "period_covered.end",
        ] {
            assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
        }
        assert!(
            !fields.iter().any(|f| f.starts_with("agenda_items[0]")),
            "{fields:?}"
        );
    }
}
