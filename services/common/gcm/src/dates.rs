//! Dates as UN documents write them: "15 June 2026" (the UN Editorial
//! Manual: day, month in full, year; no ordinal, no comma).

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

#[cfg(test)]
mod tests {
    use super::*;

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
