//! Dates as UN documents write them: "15 June 2026" (the UN Editorial
//! Manual: day, month in full, year; no ordinal, no comma); and as people
//! type them into forms and files: 2026-06-15.

use imrf_proto::v1::Date;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "15 June 2026".
pub fn date(d: &Date) -> String {
    let month = usize::try_from(d.month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("");
    format!("{} {month} {}", d.day, d.year)
}

/// The UTC day of a time in seconds since the epoch: "3 March 2026".
pub fn day_of(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds).map_or_else(
        |_| String::new(),
        |dt| {
            date(&Date {
                year: dt.year(),
                month: i32::from(u8::from(dt.month())),
                day: i32::from(dt.day()),
            })
        },
    )
}

/// A date typed as `2026-06-15` (year, month and day in numbers; whether
/// the day exists is the validation's to say), or `None`.
pub fn parse(text: &str) -> Option<Date> {
    let parts: Vec<Option<i32>> = text.trim().split('-').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(year), Some(month), Some(day)] => Some(Date {
            year: *year,
            month: *month,
            day: *day,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_date_is_three_numbers() {
        let d = parse(" 2026-03-10 ").map(|d| (d.year, d.month, d.day));
        assert_eq!(d, Some((2026, 3, 10)));
        assert_eq!(parse("2026-x-03-10"), None);
        assert_eq!(parse("10 March 2026"), None);
    }

    #[test]
    fn dates_read_as_the_editorial_manual_writes_them() {
        let d = Date {
            year: 2026,
            month: 6,
            day: 15,
        };
        assert_eq!(date(&d), "15 June 2026");
        assert_eq!(day_of(1_772_496_000), "3 March 2026");
    }
}
