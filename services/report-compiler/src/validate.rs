//! Checking a request to open a cycle: every field, and a schedule that is
//! complete, in order and leaves the national reviews their twelve weeks.

use imrf_gcm::validate::{Path, SHORT_TEXT_MAX_CHARS, TITLE_MAX_CHARS, Violations};
use imrf_proto::v1::{
    CycleSchedule, Date, OpenCycleRequest, RemoveDraftTextRequest, SetDraftTextRequest,
    TextPlacement,
};

use crate::cycle::issue_date;
use crate::draft::compose::CHAPTERS;

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
    for (i, item) in request
        .agenda_items
        .iter()
        .enumerate()
        .take(AGENDA_ITEMS_MAX)
    {
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

/// Most paragraphs one text of the secretariat's holds.
pub const TEXT_PARAGRAPHS_MAX: usize = 30;
/// Longest paragraph of the secretariat's, in characters: several times the
/// longest paragraph of the Secretary-General's reports.
pub const TEXT_PARAGRAPH_MAX_CHARS: usize = 5_000;
/// Longest text id.
const TEXT_ID_MAX_CHARS: usize = 64;

/// A text id names a NATS subject token: lower-case letters, digits and
/// hyphens, starting with a letter or digit.
fn text_id(v: &mut Violations, field: &str, id: &str) {
    let well_formed = !id.is_empty()
        && id.len() <= TEXT_ID_MAX_CHARS
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if id.is_empty() {
        v.add(field, "is required, for example \"chapeau-iii\"");
    } else if !well_formed {
        v.add(
            field,
            format!("'{id}' is not a text id: lower-case letters, digits and hyphens, at most {TEXT_ID_MAX_CHARS}, for example \"chapeau-iii\""),
        );
    }
}

/// Checks a text of the secretariat's to set, field by field.
pub fn validate_set_text(v: &mut Violations, request: &SetDraftTextRequest) {
    v.request_id("request_id", &request.request_id);
    let Some(text) = &request.text else {
        v.add("text", "is required");
        return;
    };
    v.cycle_id("text.cycle_id", &text.cycle_id);
    text_id(v, "text.text_id", &text.text_id);
    if !(1..=CHAPTERS).contains(&text.chapter) {
        v.add(
            "text.chapter",
            format!("must be from 1 to {CHAPTERS} (chapters I to VII)"),
        );
    }
    let _: Option<TextPlacement> =
        v.required_enum("text.placement", text.placement, "text placement");
    v.optional_text("text.title", &text.title, TITLE_MAX_CHARS);
    if text.paragraphs.is_empty() {
        v.add("text.paragraphs", "needs at least one paragraph");
    }
    v.list_len(
        "text.paragraphs",
        text.paragraphs.len(),
        TEXT_PARAGRAPHS_MAX,
    );
    for (i, paragraph) in text.paragraphs.iter().enumerate().take(TEXT_PARAGRAPHS_MAX) {
        v.required_text(
            Path::item(&"text.paragraphs", i),
            paragraph.trim(),
            TEXT_PARAGRAPH_MAX_CHARS,
        );
    }
}

/// Checks a request to remove a text of the secretariat's.
pub fn validate_remove_text(v: &mut Violations, request: &RemoveDraftTextRequest) {
    v.request_id("request_id", &request.request_id);
    v.cycle_id("cycle_id", &request.cycle_id);
    text_id(v, "text_id", &request.text_id);
    if request.expected_revision == 0 {
        v.add(
            "expected_revision",
            "is required: the revision being removed",
        );
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
    fn a_text_of_the_secretariat_is_checked_field_by_field() {
        let request = SetDraftTextRequest {
            request_id: "r-1".into(),
            text: Some(imrf_proto::v1::DraftText {
                cycle_id: "2026".into(),
                text_id: "Chapeau III".into(),
                chapter: 8,
                placement: 0,
                paragraphs: vec!["Fine.".into(), "   ".into()],
                ..Default::default()
            }),
            expected_revision: 0,
        };
        let mut v = Violations::new();
        validate_set_text(&mut v, &request);
        let fields: Vec<String> = v.into_vec().into_iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                "text.text_id",
                "text.chapter",
                "text.placement",
                "text.paragraphs[1]"
            ]
        );

        let mut fine = request.clone();
        if let Some(t) = fine.text.as_mut() {
            t.text_id = "chapeau-iii".into();
            t.chapter = 3;
            t.placement = TextPlacement::Opening as i32;
            t.paragraphs = vec!["One.".into(); TEXT_PARAGRAPHS_MAX + 1];
        }
        let mut v = Violations::new();
        validate_set_text(&mut v, &fine);
        let fields: Vec<String> = v.into_vec().into_iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            ["text.paragraphs"],
            "one violation for the list, not one per item"
        );

        let mut v = Violations::new();
        validate_remove_text(
            &mut v,
            &RemoveDraftTextRequest {
                request_id: "r-2".into(),
                cycle_id: "2026".into(),
                text_id: "-x".into(),
                expected_revision: 0,
            },
        );
        let fields: Vec<String> = v.into_vec().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["text_id", "expected_revision"]);
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
