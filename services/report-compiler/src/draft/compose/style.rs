//! The UN editorial forms the draft writes numbers, dates, lists and
//! sessions in (United Nations Editorial Manual): whole numbers under 10 in
//! words, thousands separated by commas, "per cent", "304 million", dates
//! as "15 June 2026", lists as "A, B and C".

const UNITS: [&str; 10] = [
    "none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Thousands separated by commas: "1,234,567".
pub fn int(n: impl Into<f64>) -> String {
    let n = n.into().round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A whole number in running text: in words under 10, else in figures.
pub fn number(n: impl Into<f64>) -> String {
    let n = n.into().round();
    if (0.0..10.0).contains(&n) {
        UNITS[n as usize].to_string()
    } else {
        int(n)
    }
}

/// "no Member States", "one Member State", "12 Member States".
pub fn count(n: impl Into<f64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    if n.abs() < 0.5 {
        format!("no {plural}")
    } else if (n - 1.0).abs() < f64::EPSILON {
        format!("one {singular}")
    } else {
        format!("{} {plural}", number(n))
    }
}

/// A share in prose, rounded as UN reports round it: "48 per cent", or one
/// decimal under 10 per cent ("4.6 per cent").
pub fn per_cent(part: f64, whole: f64) -> String {
    if whole == 0.0 {
        return "0 per cent".into();
    }
    per_cent_of(part / whole * 100.0)
}

/// A value in per cent, in prose.
pub fn per_cent_of(value: f64) -> String {
    if value.abs() < 10.0 {
        format!("{} per cent", decimal1(value))
    } else {
        format!("{} per cent", int(value))
    }
}

/// The value of a share, rounded as `per_cent` prints it.
pub fn share_value(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        return 0.0;
    }
    let v = part / whole * 100.0;
    if v.abs() < 10.0 {
        (v * 10.0).round() / 10.0
    } else {
        v.round()
    }
}

/// One decimal, without a trailing ".0".
pub fn decimal1(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// Up to two decimals, without trailing zeros, as tables give values.
pub fn decimal(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Large numbers in prose: "304 million", "1.2 million", "9,191".
pub fn large(x: f64) -> String {
    if x >= 10e6 {
        format!("{} million", int(x / 1e6))
    } else if x >= 1e6 {
        format!("{} million", decimal1(x / 1e6))
    } else {
        int(x)
    }
}

/// Sums of money in prose, as the reports give them: "62.5 million",
/// "4 million", "950,000".
pub fn millions(x: f64) -> String {
    if x >= 1e6 {
        format!("{} million", decimal1(x / 1e6))
    } else {
        int(x)
    }
}

/// Billions in prose, with one decimal: "822.7 billion".
pub fn billions(x: f64) -> String {
    format!("{} billion", decimal1(x / 1e9))
}

pub use imrf_gcm::dates::{date, day_of};

/// The date of a timestamp, in UTC: "3 March 2026".
pub fn timestamp_date(t: Option<&imrf_proto::wkt::Timestamp>) -> String {
    t.map_or_else(String::new, |t| day_of(t.seconds))
}

/// "A", "A and B", "A, B and C".
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// "objective 5", "objectives 2, 5 and 6".
pub fn objectives_phrase(objectives: &[u32]) -> String {
    let numbers: Vec<String> = objectives.iter().map(u32::to_string).collect();
    if numbers.len() == 1 {
        format!("objective {}", numbers[0])
    } else {
        format!("objectives {}", list(&numbers))
    }
}

const ORDINAL_UNITS: [&str; 10] = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
];
const TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const ORDINAL_TENS: [&str; 10] = [
    "",
    "tenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];
const TEENS: [&str; 10] = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];

/// "Eighty-first session", as the General Assembly names its sessions.
pub fn session(n: u32) -> String {
    let word = match n {
        0 => return "Session to be determined".into(),
        1..=9 => ORDINAL_UNITS[n as usize].to_string(),
        10..=19 => TEENS[(n - 10) as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => ORDINAL_TENS[(n / 10) as usize].to_string(),
        20..=99 => format!(
            "{}-{}",
            TENS[(n / 10) as usize],
            ORDINAL_UNITS[(n % 10) as usize]
        ),
        _ => return format!("Session {n}"),
    };
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        format!("{}{} session", c.to_uppercase(), chars.as_str())
    })
}

/// Roman numerals of chapters and annexes.
pub fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("X")
}

/// Letters of second-level headings.
pub fn letter(n: usize) -> String {
    char::from_u32(u32::from(b'A') + u32::try_from(n.saturating_sub(1)).unwrap_or(0))
        .map_or_else(String::new, String::from)
}

/// A quotation in curly quotes, without the final full stop its sentence
/// adds itself; straight apostrophes become curly.
pub fn quote(text: &str) -> String {
    format!(
        "\u{201c}{}\u{201d}",
        curly(text.trim().trim_end_matches('.'))
    )
}

/// Straight apostrophes made curly, as UN documents print them.
pub fn curly(text: &str) -> String {
    text.replace('\'', "\u{2019}")
}

/// The first sentence of a text, for a one-sentence description.
pub fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    // "e.g. " and initials end no sentence.
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| {
            let word = text[..i].rsplit(' ').next().unwrap_or("");
            word.len() > 2 && !word.contains('.')
        })
        .unwrap_or(text.len());
    &text[..end]
}

/// Lowercase first letter, for a name that follows a colon.
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        format!("{}{}", c.to_lowercase(), chars.as_str())
    })
}

/// Uppercase first letter, for a list that opens a sentence.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        format!("{}{}", c.to_uppercase(), chars.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_un_style() {
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(int(-4_500), "-4,500");
        assert_eq!(number(7), "seven");
        assert_eq!(number(0), "none");
        assert_eq!(count(0, "pledge", "pledges"), "no pledges");
        assert_eq!(number(12), "12");
        assert_eq!(
            count(1, "Member State", "Member States"),
            "one Member State"
        );
        assert_eq!(count(12_000, "practice", "practices"), "12,000 practices");
        assert_eq!(per_cent(1.0, 3.0), "33 per cent");
        assert_eq!(per_cent(1.0, 22.0), "4.5 per cent");
        assert_eq!(share_value(1.0, 3.0), 33.0);
        assert_eq!(large(304_021_813.0), "304 million");
        assert_eq!(large(1_240_000.0), "1.2 million");
        assert_eq!(large(9_191.0), "9,191");
        assert_eq!(billions(822_679_556_005.0), "822.7 billion");
        assert_eq!(decimal(2.50), "2.5");
        assert_eq!(roman(4), "IV");
        assert_eq!(letter(3), "C");
    }

    #[test]
    fn lists_and_sessions() {
        assert_eq!(list(&["A", "B", "C"]), "A, B and C");
        assert_eq!(list(&["A"]), "A");
        assert_eq!(objectives_phrase(&[2, 5, 6]), "objectives 2, 5 and 6");
        assert_eq!(session(81), "Eighty-first session");
        assert_eq!(session(75), "Seventy-fifth session");
        assert_eq!(session(80), "Eightieth session");
        assert_eq!(session(0), "Session to be determined");
    }

    #[test]
    fn quotations_and_sentences() {
        assert_eq!(
            quote(" Mobile money lowered costs. "),
            "\u{201c}Mobile money lowered costs\u{201d}"
        );
        assert_eq!(quote("States' data"), "\u{201c}States\u{2019} data\u{201d}");
        assert_eq!(
            first_sentence("Costs fell by half. Uptake grew."),
            "Costs fell by half"
        );
        assert_eq!(first_sentence("One sentence only."), "One sentence only.");
    }
}
