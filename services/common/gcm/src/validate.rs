//! Validation helpers shared by every service. Each check adds one field
//! violation per problem to a [`Violations`] collector, so a caller gets all
//! problems of a request at once, each with the path of the field at fault.

use std::collections::BTreeSet;
use std::fmt::{self, Display};

use imrf_proto::v1::{Commission, Date, DateRange, StakeholderParticipation, StakeholderType};

use crate::refdata::{OBJECTIVE_COUNT, commission_code, reference};

/// Longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 300;
/// Longest short text (a name, a document symbol, a reason), in characters.
pub const SHORT_TEXT_MAX_CHARS: usize = 1_000;
/// Longest narrative text (a summary, a finding), in characters.
pub const LONG_TEXT_MAX_CHARS: usize = 20_000;
/// Longest client request id, in characters.
pub const REQUEST_ID_MAX_CHARS: usize = 128;
/// Most items in one repeated field (findings, observations, states...).
pub const LIST_MAX_ITEMS: usize = 1_000;
/// Largest encoded submission, in bytes. NATS refuses messages over 1 MiB by
/// default and the event envelope needs some room. Enforced by the gate
/// (`authz::Rpc::max_request_bytes`) before a request is decoded.
pub const MAX_SUBMISSION_BYTES: usize = 900 * 1024;

/// One problem with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field, for example `review.findings[2].objective`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub description: String,
}

/// The path of a field inside a request (`report.objectives[3].status`),
/// written out only when a violation names it: a valid request, the common
/// case, costs no string for any of its fields.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: &'a dyn Display,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Field(&'a str),
    Item(usize),
}

impl<'a> Path<'a> {
    /// `parent.name`.
    pub fn field(parent: &'a dyn Display, name: &'a str) -> Self {
        Self {
            parent,
            step: Step::Field(name),
        }
    }

    /// `parent[index]`.
    pub fn item(parent: &'a dyn Display, index: usize) -> Self {
        Self {
            parent,
            step: Step::Item(index),
        }
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({self})")
    }
}

impl Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Step::Field(name) => write!(f, "{}.{name}", self.parent),
            Step::Item(index) => write!(f, "{}[{index}]", self.parent),
        }
    }
}

/// The most violations one answer lists, the last of them saying how many
/// more were found: a request with thousands of bad items gets an answer a
/// client can read (a 150,000-item list once gave a 12.6 MB trailer), and
/// fixing the first hundred is the next step anyway.
pub const MAX_LISTED_VIOLATIONS: usize = 100;

/// `violations` as one answer lists them, with `unlisted` more found but not
/// kept: at most [`MAX_LISTED_VIOLATIONS`], the last saying how many more
/// there are. Applying it again changes nothing.
pub fn listed(mut violations: Vec<FieldViolation>, unlisted: usize) -> Vec<FieldViolation> {
    if violations.len() + unlisted <= MAX_LISTED_VIOLATIONS {
        return violations;
    }
    let kept = MAX_LISTED_VIOLATIONS - 1;
    truncate_listing(&mut violations, kept);
    if unlisted > 0 {
        let more = violations.pop().map_or(0, |last| unlisted_in(&last)) + unlisted;
        violations.push(more_problems(more));
    }
    violations
}

/// Cuts `violations` to its first `kept`, the last saying how many more
/// there were (counting those an earlier cut already summed up).
pub fn truncate_listing(violations: &mut Vec<FieldViolation>, kept: usize) {
    if violations.len() <= kept + 1 {
        return;
    }
    let more: usize = violations.drain(kept..).map(|v| unlisted_in(&v)).sum();
    violations.push(more_problems(more));
}

const MORE_FIELD: &str = "request";
const MORE_PREFIX: &str = "has ";
const MORE_SUFFIX: &str = " more problems not listed here; fix those above and send it again";

/// The violation that stands for `more` problems not listed.
fn more_problems(more: usize) -> FieldViolation {
    FieldViolation {
        field: MORE_FIELD.into(),
        description: format!("{MORE_PREFIX}{more}{MORE_SUFFIX}"),
    }
}

/// How many problems `violations` report, counting those a summary stands
/// for (see [`listed`]).
pub fn problem_count(violations: &[FieldViolation]) -> usize {
    violations.iter().map(unlisted_in).sum()
}

/// How many problems `violation` stands for: one, or the count of a
/// summary of problems not listed.
fn unlisted_in(violation: &FieldViolation) -> usize {
    if violation.field != MORE_FIELD {
        return 1;
    }
    violation
        .description
        .strip_prefix(MORE_PREFIX)
        .and_then(|rest| rest.strip_suffix(MORE_SUFFIX))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// Collects the field violations of one request, keeping the first
/// [`MAX_LISTED_VIOLATIONS`] and counting the rest.
#[derive(Debug, Default)]
pub struct Violations {
    found: Vec<FieldViolation>,
    unlisted: usize,
}

impl Violations {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Display, description: impl Into<String>) {
        if self.found.len() < MAX_LISTED_VIOLATIONS {
            self.found.push(FieldViolation {
                field: field.to_string(),
                description: description.into(),
            });
        } else {
            self.unlisted += 1;
        }
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems found, in the order they were found (see [`listed`]).
    pub fn into_vec(self) -> Vec<FieldViolation> {
        listed(self.found, self.unlisted)
    }

    /// `Ok(())` when no problem was found, else the violations.
    pub fn finish(self) -> Result<(), Vec<FieldViolation>> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(self.into_vec())
        }
    }

    /// A text that must be present and at most `max_chars` long.
    pub fn required_text(&mut self, field: impl Display + Copy, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.add(field, "is required");
        } else {
            self.optional_text(field, value, max_chars);
        }
    }

    /// A text that may be empty but at most `max_chars` long, with no
    /// character unfit for a document (see [`unfit_char`]).
    pub fn optional_text(&mut self, field: impl Display + Copy, value: &str, max_chars: usize) {
        let chars = value.chars().count();
        if chars > max_chars {
            self.add(
                field,
                format!("is {chars} characters long; the limit is {max_chars}"),
            );
        }
        if let Some((at, c, what)) = value
            .chars()
            .enumerate()
            .find_map(|(at, c)| unfit_char(c).map(|what| (at, c, what)))
        {
            self.add(
                field,
                format!(
                    "contains U+{:04X}, {what}, at character {}: remove it",
                    u32::from(c),
                    at + 1
                ),
            );
        }
    }

    /// A repeated field of at most `max` items.
    pub fn list_len(&mut self, field: impl Display + Copy, len: usize, max: usize) {
        if len > max {
            self.add(field, format!("has {len} items; the limit is {max}"));
        }
    }

    /// The client request id: required, short, printable.
    pub fn request_id(&mut self, field: impl Display + Copy, value: &str) {
        if value.is_empty() {
            self.add(
                field,
                "is required: a unique id per request makes retries safe",
            );
        } else if value.chars().count() > REQUEST_ID_MAX_CHARS {
            self.add(
                field,
                format!("is longer than {REQUEST_ID_MAX_CHARS} characters"),
            );
        } else if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
            self.add(field, "must not contain spaces or control characters");
        }
    }

    /// A GCM objective number, 1-23.
    pub fn objective(&mut self, field: impl Display + Copy, objective: u32) {
        if !(1..=OBJECTIVE_COUNT).contains(&objective) {
            self.add(
                field,
                format!("objective {objective} is not a GCM objective (1-{OBJECTIVE_COUNT})"),
            );
        }
    }

    /// A list of GCM objectives: each 1-23, none twice. `field` is the list's
    /// path; violations name the offending item.
    pub fn objectives(&mut self, field: impl Display + Copy, objectives: &[u32]) {
        // Each objective once: a longer list repeats some, and its items
        // past the limit are not examined.
        let most = OBJECTIVE_COUNT as usize;
        self.list_len(field, objectives.len(), most);
        let mut seen = BTreeSet::new();
        for (i, objective) in objectives.iter().enumerate().take(most) {
            let item = Path::item(&field, i);
            self.objective(item, *objective);
            if !seen.insert(*objective) {
                self.add(item, format!("objective {objective} is listed twice"));
            }
        }
    }

    /// A commission that must be set.
    pub fn commission(
        &mut self,
        field: impl Display + Copy,
        commission: i32,
    ) -> Option<Commission> {
        match Commission::try_from(commission) {
            Ok(Commission::Unspecified) => {
                self.add(field, "is required: one of ECA, ECE, ECLAC, ESCAP, ESCWA");
                None
            }
            Ok(c) => Some(c),
            Err(_) => {
                self.add(field, format!("{commission} is not a commission"));
                None
            }
        }
    }

    /// An enum value that must be set and known to this version of the
    /// contract. `T::try_from` rejects unknown numbers; `unspecified` is the
    /// zero value.
    pub fn required_enum<T>(
        &mut self,
        field: impl Display + Copy,
        value: i32,
        what: &str,
    ) -> Option<T>
    where
        T: TryFrom<i32> + PartialEq + Default,
    {
        match T::try_from(value) {
            Ok(v) if v == T::default() => {
                self.add(field, format!("is required: the {what}"));
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                self.add(field, format!("{value} is not a known {what}"));
                None
            }
        }
    }

    /// An ISO 3166-1 alpha-3 code of one of the 193 UN Member States.
    pub fn member_state(&mut self, field: impl Display + Copy, iso3: &str) -> bool {
        if reference().member_state(iso3).is_some() {
            return true;
        }
        if iso3.len() == 3 && iso3.chars().all(|c| c.is_ascii_lowercase()) {
            self.add(
                field,
                format!(
                    "'{iso3}' must be upper case: '{}'",
                    iso3.to_ascii_uppercase()
                ),
            );
        } else {
            self.add(
                field,
                format!("'{iso3}' is not the ISO3 code of a UN Member State"),
            );
        }
        false
    }

    /// A Member State that must also belong to `commission`.
    pub fn commission_member(
        &mut self,
        field: impl Display + Copy,
        commission: Commission,
        iso3: &str,
    ) {
        if self.member_state(field, iso3) && !reference().is_commission_member(commission, iso3) {
            self.add(
                field,
                format!("{iso3} is not a member of {}", commission_code(commission)),
            );
        }
    }

    /// A calendar date that exists. Returns it when valid.
    pub fn date(&mut self, field: impl Display + Copy, date: Option<&Date>) -> Option<time::Date> {
        let Some(date) = date else {
            self.add(field, "is required");
            return None;
        };
        match to_calendar_date(date) {
            Some(d) => Some(d),
            None => {
                self.add(
                    field,
                    format!(
                        "{:04}-{:02}-{:02} is not a calendar date",
                        date.year, date.month, date.day
                    ),
                );
                None
            }
        }
    }

    /// A date range whose end is not before its start.
    pub fn date_range(&mut self, field: impl Display + Copy, range: Option<&DateRange>) {
        let Some(range) = range else {
            self.add(field, "is required");
            return;
        };
        let end_field = Path::field(&field, "end");
        let start = self.date(Path::field(&field, "start"), range.start.as_ref());
        let end = self.date(end_field, range.end.as_ref());
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            self.add(end_field, format!("{end} is before the start, {start}"));
        }
    }
}

impl Violations {
    /// Stakeholder participation: each type set and listed once; OTHER
    /// described.
    pub fn stakeholders(&mut self, field: impl Display + Copy, list: &[StakeholderParticipation]) {
        self.list_len(field, list.len(), LIST_MAX_ITEMS);
        let mut seen = BTreeSet::new();
        for (i, participation) in list.iter().enumerate() {
            let item = Path::item(&field, i);
            let type_field = Path::field(&item, "type");
            let description_field = Path::field(&item, "description");
            let kind: Option<StakeholderType> =
                self.required_enum(type_field, participation.r#type, "stakeholder type");
            if let Some(kind) = kind {
                if kind == StakeholderType::Other && participation.description.trim().is_empty() {
                    self.add(
                        description_field,
                        "is required for STAKEHOLDER_TYPE_OTHER: say who took part",
                    );
                }
                if !seen.insert(kind as i32) {
                    self.add(type_field, "is listed twice; give one entry per type");
                }
            }
            self.optional_text(
                description_field,
                &participation.description,
                SHORT_TEXT_MAX_CHARS,
            );
        }
    }
}

/// The page a list request gets: `default` when it names no size, never
/// more than `max`.
pub fn page_size(requested: u32, default: usize, max: usize) -> usize {
    match usize::try_from(requested).unwrap_or(max) {
        0 => default,
        n => n.min(max),
    }
}

/// The calendar date a contract `Date` names, if it exists.
pub fn to_calendar_date(date: &Date) -> Option<time::Date> {
    let month = u8::try_from(date.month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())?;
    let day = u8::try_from(date.day).ok()?;
    time::Date::from_calendar_date(date.year, month, day).ok()
}

/// The contract `Date` of a calendar date.
pub fn from_calendar_date(date: time::Date) -> Date {
    Date {
        year: date.year(),
        month: i32::from(u8::from(date.month())),
        day: i32::from(date.day()),
    }
}

/// Why `c` may not stand in a text that goes into a document, if it may
/// not: a control character other than tab and line breaks (XML 1.0 forbids
/// most of them, so one would corrupt the DOCX), a noncharacter (U+FFFE,
/// U+FFFF and the others Unicode reserves for internal use; XML forbids
/// U+FFFE and U+FFFF), or a bidirectional embedding, override or isolate
/// (U+202A-U+202E, U+2066-U+2069), which can make a text display as
/// something other than what it says. The marks (U+200E, U+200F, U+061C)
/// have no such reach and stay allowed: Arabic text uses them.
pub fn unfit_char(c: char) -> Option<&'static str> {
    let code = u32::from(c);
    match c {
        '\t' | '\n' | '\r' => None,
        c if c.is_control() => Some("a control character"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some("a bidirectional control"),
        _ if (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE => Some("a noncharacter"),
        _ => None,
    }
}

/// A cycle id: four digits of a year from 2018 (the Compact's adoption),
/// optionally followed by `-` and lower-case letters, digits or dashes
/// ("2026", "2026-plenary").
pub fn is_cycle_id(id: &str) -> bool {
    // Checked: the fourth byte of arbitrary text may fall inside a
    // character ("202€"), and such an id is simply not a cycle id.
    let Some((year, rest)) = id.split_at_checked(id.len().min(4)) else {
        return false;
    };
    let year_ok = year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && year
            .parse::<u32>()
            .is_ok_and(|y| (2018..=2100).contains(&y));
    let rest_ok = rest.is_empty()
        || (rest.len() <= 32
            && rest.starts_with('-')
            && rest.len() > 1
            && rest[1..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    year_ok && rest_ok
}

impl Violations {
    /// A well-formed cycle id (see [`is_cycle_id`]).
    pub fn cycle_id(&mut self, field: impl Display + Copy, id: &str) {
        if id.is_empty() {
            self.add(field, "is required, for example \"2026\"");
        } else if !is_cycle_id(id) {
            self.add(
                field,
                format!("'{id}' is not a cycle id: a year such as \"2026\", optionally with a suffix such as \"2026-plenary\""),
            );
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_page_is_the_default_when_unnamed_and_never_over_the_largest() {
        assert_eq!(page_size(0, 50, 200), 50);
        assert_eq!(page_size(20, 50, 200), 20);
        assert_eq!(page_size(5_000, 50, 200), 200);
    }

    use super::*;

    fn fields(v: Violations) -> Vec<String> {
        v.into_vec().into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn violations_beyond_the_hundredth_are_counted_not_listed() {
        let mut v = Violations::new();
        for i in 0..1_000 {
            v.add(Path::item(&"countries", i), "is not a Member State");
        }
        let listed_once = v.into_vec();
        assert_eq!(listed_once.len(), MAX_LISTED_VIOLATIONS);
        assert_eq!(problem_count(&listed_once), 1_000);
        assert_eq!(
            listed_once.last().map(|l| l.description.as_str()),
            Some("has 901 more problems not listed here; fix those above and send it again")
        );
        let again = listed(listed_once.clone(), 0);
        assert_eq!(again, listed_once, "listing twice changes nothing");
        let mut shorter = listed_once;
        truncate_listing(&mut shorter, 10);
        assert_eq!(shorter.len(), 11);
        assert_eq!(problem_count(&shorter), 1_000);
    }

    #[test]
    fn a_text_with_a_character_unfit_for_a_document_is_refused_naming_it() {
        for (text, named) in [
            (
                "Costs\u{FFFE} fell",
                "U+FFFE, a noncharacter, at character 6",
            ),
            ("\u{FFFF}", "U+FFFF, a noncharacter, at character 1"),
            ("a\u{FDD0}", "U+FDD0, a noncharacter"),
            ("a\u{10FFFF}", "U+10FFFF, a noncharacter"),
            ("pay \u{202E}gnp.exe", "U+202E, a bidirectional control"),
            (
                "\u{2066}isolated\u{2069}",
                "U+2066, a bidirectional control",
            ),
            ("bell\u{7}", "U+0007, a control character"),
            ("next\u{85}line", "U+0085, a control character"),
        ] {
            let mut v = Violations::new();
            v.optional_text("findings[0].progress", text, 100);
            let found = v.into_vec();
            assert_eq!(found.len(), 1, "{text:?}");
            assert_eq!(found[0].field, "findings[0].progress");
            assert!(
                found[0].description.contains(named),
                "{}",
                found[0].description
            );
        }
        for fit in [
            "Lines\none\r\ntwo\tand a tab",
            "\u{200F}\u{0627}\u{0644}\u{0647}\u{062C}\u{0631}\u{0629}",
            "Côte d’Ivoire, Türkiye, 移民",
        ] {
            let mut v = Violations::new();
            v.required_text("summary", fit, 100);
            assert!(v.is_empty(), "{fit:?}");
        }
    }

    #[test]
    fn a_path_is_written_out_as_the_field_it_names() {
        let report = "report";
        let list = Path::field(&report, "objectives");
        let item = Path::item(&list, 3);
        assert_eq!(
            Path::field(&item, "status").to_string(),
            "report.objectives[3].status"
        );
        let mut v = Violations::new();
        v.objectives(Path::field(&item, "related"), &[4, 24, 4]);
        assert_eq!(
            fields(v),
            [
                "report.objectives[3].related[1]",
                "report.objectives[3].related[2]"
            ]
        );
    }

    #[test]
    fn objectives_out_of_range_and_duplicates_are_each_reported() {
        let mut v = Violations::new();
        v.objectives("objectives", &[0, 5, 24, 5]);
        let all = v.into_vec();
        assert_eq!(
            all.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["objectives[0]", "objectives[2]", "objectives[3]"]
        );
        assert!(all[0].description.contains("objective 0 is not"));
        assert!(all[2].description.contains("listed twice"));
    }

    #[test]
    fn texts_required_and_limited() {
        let mut v = Violations::new();
        v.required_text("title", "   ", 10);
        v.required_text("summary", &"x".repeat(11), 10);
        v.required_text("ok", "fine", 10);
        v.optional_text("note", "", 10);
        assert_eq!(fields(v), ["title", "summary"]);
    }

    #[test]
    fn member_states_and_commission_membership() {
        let mut v = Violations::new();
        v.member_state("a", "KEN");
        v.member_state("b", "XXX");
        v.member_state("c", "ken");
        v.commission_member("d", Commission::Ece, "KEN");
        v.commission_member("e", Commission::Eca, "KEN");
        let all = v.into_vec();
        assert_eq!(
            all.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["b", "c", "d"]
        );
        assert!(all[1].description.contains("'KEN'"));
        assert!(all[2].description.contains("not a member of ECE"));
    }

    #[test]
    fn dates_must_exist_and_be_ordered() {
        let date = |year, month, day| Some(Date { year, month, day });
        let mut v = Violations::new();
        v.date_range(
            "period",
            Some(&DateRange {
                start: date(2024, 5, 1),
                end: date(2024, 4, 30),
            }),
        );
        v.date_range(
            "meeting",
            Some(&DateRange {
                start: date(2023, 2, 29),
                end: date(2023, 3, 1),
            }),
        );
        v.date_range("missing", None);
        assert_eq!(fields(v), ["period.end", "meeting.start", "missing"]);
    }

    #[test]
    fn enums_must_be_set_and_known() {
        let mut v = Violations::new();
        assert_eq!(v.commission("a", 2), Some(Commission::Ece));
        assert_eq!(v.commission("b", 0), None);
        assert_eq!(v.commission("c", 99), None);
        let status: Option<imrf_proto::v1::ImplementationStatus> =
            v.required_enum("d", 0, "implementation status");
        assert!(status.is_none());
        assert_eq!(fields(v), ["b", "c", "d"]);
    }

    #[test]
    fn cycle_ids() {
        for good in ["2026", "2026-plenary", "2030-a1"] {
            assert!(is_cycle_id(good), "{good}");
        }
        for bad in [
            "",
            "26",
            "2017",
            "2026-",
            "2026_x",
            "2026-Plenary",
            "abcd",
            "20266",
        ] {
            assert!(!is_cycle_id(bad), "{bad}");
        }
    }

    #[test]
    fn request_ids() {
        let mut v = Violations::new();
        v.request_id("a", "");
        v.request_id("b", "has space");
        v.request_id("c", &"x".repeat(129));
        v.request_id("d", "01J0-ok");
        assert_eq!(fields(v), ["a", "b", "c"]);
    }
}
