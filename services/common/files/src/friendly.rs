//! What people write in a request file, made into the contract's canonical
//! JSON before it is read: an enum value as its plain word (`planned`, `in
//! progress`) as well as its name (`IMPLEMENTATION_STATUS_PLANNED`), and a
//! date as `2026-12-01` as well as `{year, month, day}`. Which fields are
//! enums and dates comes from the contract's own descriptors, so every
//! message is covered as it grows. A value that is none of its enum's
//! values is named with the nearest one ("did you mean") and the list;
//! UNSPECIFIED, which the services refuse, is refused here, saying what to
//! choose.

use std::collections::HashMap;
use std::sync::LazyLock;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use serde_json::Value;

/// A field of a message, as the file may name it.
#[derive(Debug)]
struct Field {
    name: String,
    json_name: String,
    repeated: bool,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// An enum, by full name (".imrf.v1.ImplementationStatus").
    Enum(String),
    /// A message, by full name.
    Message(String),
    /// Anything else: left as it is.
    Scalar,
}

/// An enum's values, without UNSPECIFIED, and the prefix they share.
#[derive(Debug)]
struct Enum {
    /// What it is, in words ("implementation status").
    label: String,
    prefix: String,
    values: Vec<String>,
}

impl Enum {
    /// A value's plain word: IMPLEMENTATION_STATUS_IN_PROGRESS is "in
    /// progress".
    fn word(&self, value: &str) -> String {
        value
            .strip_prefix(&self.prefix)
            .unwrap_or(value)
            .to_lowercase()
            .replace('_', " ")
    }

    fn words(&self) -> Vec<String> {
        self.values.iter().map(|v| self.word(v)).collect()
    }
}

#[derive(Debug, Default)]
struct Schema {
    messages: HashMap<String, Vec<Field>>,
    enums: HashMap<String, Enum>,
}

/// The full name of the contract's date message.
const DATE: &str = ".imrf.v1.Date";

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    let mut schema = Schema::default();
    let Ok(set) = prost_types::FileDescriptorSet::decode(imrf_proto::FILE_DESCRIPTOR_SET) else {
        return schema;
    };
    for file in set.file {
        let package = file.package.clone().unwrap_or_default();
        for e in &file.enum_type {
            add_enum(&mut schema, &format!(".{package}"), e);
        }
        for m in &file.message_type {
            add_message(&mut schema, &format!(".{package}"), m);
        }
    }
    schema
});

fn add_enum(schema: &mut Schema, scope: &str, e: &prost_types::EnumDescriptorProto) {
    let name = e.name.clone().unwrap_or_default();
    let all: Vec<String> = e.value.iter().filter_map(|v| v.name.clone()).collect();
    let prefix = all
        .iter()
        .find(|v| v.ends_with("_UNSPECIFIED"))
        .map(|v| v.trim_end_matches("UNSPECIFIED").to_string())
        .unwrap_or_default();
    let mut label = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            label.push(' ');
        }
        label.extend(c.to_lowercase());
    }
    schema.enums.insert(
        format!("{scope}.{name}"),
        Enum {
            label,
            prefix,
            values: all
                .into_iter()
                .filter(|v| !v.ends_with("_UNSPECIFIED"))
                .collect(),
        },
    );
}

fn add_message(schema: &mut Schema, scope: &str, m: &prost_types::DescriptorProto) {
    let full = format!("{scope}.{}", m.name.clone().unwrap_or_default());
    for e in &m.enum_type {
        add_enum(schema, &full, e);
    }
    for nested in &m.nested_type {
        add_message(schema, &full, nested);
    }
    let fields = m
        .field
        .iter()
        .map(|f| Field {
            name: f.name.clone().unwrap_or_default(),
            json_name: f.json_name.clone().unwrap_or_default(),
            repeated: f.label() == Label::Repeated,
            kind: match f.r#type() {
                Type::Enum => Kind::Enum(f.type_name.clone().unwrap_or_default()),
                Type::Message => Kind::Message(f.type_name.clone().unwrap_or_default()),
                _ => Kind::Scalar,
            },
        })
        .collect();
    schema.messages.insert(full, fields);
}

/// The values of the enum `name` (full name, "imrf.v1.ImplementationStatus")
/// as plain words, in the contract's order, without UNSPECIFIED.
pub fn words_of(name: &str) -> Vec<String> {
    SCHEMA
        .enums
        .get(&format!(".{name}"))
        .map(Enum::words)
        .unwrap_or_default()
}

/// The value of the enum `name` (full name, "imrf.v1.PracticeStatus") that
/// `text` names, by its word ("in review") or its name, as the number the
/// contract gives it; or what is wrong, with the nearest word.
pub fn parse_enum(name: &str, text: &str) -> Result<String, String> {
    let e = SCHEMA
        .enums
        .get(&format!(".{name}"))
        .ok_or_else(|| format!("{name} is not an enum of the contract"))?;
    enum_value(e, text)
}

/// A problem with one value of the file: its path and what is wrong.
pub type Problem = (String, String);

/// Makes `value`, the content of a `message` (full name,
/// "imrf.v1.NationalReport"), the canonical JSON the contract reads, and
/// returns what cannot be made so, by path (`objectives[2].status`).
pub fn normalize(message: &str, value: &mut Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(&format!(".{message}"), value, "", &mut problems);
    problems
}

fn walk(message: &str, value: &mut Value, path: &str, problems: &mut Vec<Problem>) {
    let Some(fields) = SCHEMA.messages.get(message) else {
        return;
    };
    let Value::Object(object) = value else {
        return;
    };
    for (key, item) in object.iter_mut() {
        let Some(field) = fields
            .iter()
            .find(|f| f.name == *key || f.json_name == *key)
        else {
            continue;
        };
        let at = if path.is_empty() {
            field.name.clone()
        } else {
            format!("{path}.{}", field.name)
        };
        match (item, field.repeated) {
            (Value::Array(items), true) => {
                for (i, item) in items.iter_mut().enumerate() {
                    one(&field.kind, item, &format!("{at}[{i}]"), problems);
                }
            }
            (item, _) => one(&field.kind, item, &at, problems),
        }
    }
}

fn one(kind: &Kind, value: &mut Value, path: &str, problems: &mut Vec<Problem>) {
    match kind {
        Kind::Enum(name) => {
            if let (Some(e), Value::String(text)) = (SCHEMA.enums.get(name), &*value) {
                match enum_value(e, text) {
                    Ok(canonical) => *value = Value::String(canonical),
                    Err(problem) => problems.push((path.to_string(), problem)),
                }
            }
        }
        Kind::Message(name) if name == DATE => {
            if let Value::String(text) = &*value {
                match imrf_gcm::dates::parse(text) {
                    Some(d) => {
                        *value =
                            serde_json::json!({"year": d.year, "month": d.month, "day": d.day});
                    }
                    None => problems.push((
                        path.to_string(),
                        format!("'{text}' is not a date: write it as 2026-12-01"),
                    )),
                }
            }
        }
        Kind::Message(name) => walk(name, value, path, problems),
        Kind::Scalar => {}
    }
}

/// Enums whose UNSPECIFIED is a choice people make, with its word: an
/// observation of no disaggregation is a total.
const UNSPECIFIED_MEANS: [(&str, &str); 1] = [("DISAGGREGATION_DIMENSION_", "TOTAL")];

/// The value of `e` that `text` names: its name in any case, or its
/// plain word ("in progress", "in-progress").
fn enum_value(e: &Enum, text: &str) -> Result<String, String> {
    let upper = text.trim().to_uppercase().replace([' ', '-'], "_");
    if let Some((_, word)) = UNSPECIFIED_MEANS.iter().find(|(p, _)| *p == e.prefix)
        && (upper.is_empty() || upper == *word || upper == "UNSPECIFIED")
    {
        return Ok(format!("{}UNSPECIFIED", e.prefix));
    }
    if upper.is_empty() || upper == "UNSPECIFIED" || upper == format!("{}UNSPECIFIED", e.prefix) {
        return Err(format!(
            "choose the {}: one of {}",
            e.label,
            e.words().join(", ")
        ));
    }
    if let Some(v) = e
        .values
        .iter()
        .find(|v| **v == upper || **v == format!("{}{upper}", e.prefix))
    {
        return Ok(v.clone());
    }
    let word = e.word(&upper);
    let nearest = e
        .words()
        .into_iter()
        .min_by_key(|w| distance(w, &word))
        .filter(|w| distance(w, &word) <= w.chars().count().max(3) / 2);
    let hint = nearest.map_or_else(String::new, |w| format!("did you mean '{w}'? "));
    let article = if e.label.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Err(format!(
        "'{text}' is not {article} {}; {hint}one of {}",
        e.label,
        e.words().join(", ")
    ))
}

/// Edit distance between two words (Levenshtein), for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(yaml: &str) -> (Value, Vec<Problem>) {
        let mut value: Value = serde_yaml_ng::from_str(yaml).unwrap_or_default();
        let problems = normalize("imrf.v1.NationalReport", &mut value);
        (value, problems)
    }

    #[test]
    fn plain_words_become_the_contracts_values() {
        let (value, problems) = report(
            "kind: voluntary national review\nobjectives:\n  - objective: 1\n    status: in progress\n  - status: Planned\n  - status: IMPLEMENTATION_STATUS_ACHIEVED\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(value["kind"], "REPORT_KIND_VOLUNTARY_NATIONAL_REVIEW");
        assert_eq!(
            value["objectives"][0]["status"],
            "IMPLEMENTATION_STATUS_IN_PROGRESS"
        );
        assert_eq!(
            value["objectives"][1]["status"],
            "IMPLEMENTATION_STATUS_PLANNED"
        );
        assert_eq!(
            value["objectives"][2]["status"],
            "IMPLEMENTATION_STATUS_ACHIEVED"
        );
    }

    #[test]
    fn a_near_miss_is_named_and_unspecified_is_refused() {
        let (_, problems) = report("objectives:\n  - status: planed\n  - status: UNSPECIFIED\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, "objectives[0].status");
        assert!(
            problems[0].1.starts_with(
                "'planed' is not an implementation status; did you mean 'planned'? one of "
            ),
            "{}",
            problems[0].1
        );
        assert!(
            problems[1]
                .1
                .starts_with("choose the implementation status: one of "),
            "{}",
            problems[1].1
        );
        assert!(!problems[1].1.contains("unspecified"), "{}", problems[1].1);
    }

    #[test]
    fn dates_may_be_written_as_iso_dates() {
        let mut value: Value = serde_yaml_ng::from_str(
            "review_period:\n  start: 2026-01-01\n  end: '2026-06-30'\nmeetingDates:\n  start: 2026-x\n",
        )
        .unwrap_or_default();
        let problems = normalize("imrf.v1.RegionalReview", &mut value);
        assert_eq!(
            value["review_period"]["start"],
            serde_json::json!({"year": 2026, "month": 1, "day": 1})
        );
        assert_eq!(value["review_period"]["end"]["day"], 30);
        assert_eq!(
            problems,
            [(
                "meeting_dates.start".to_string(),
                "'2026-x' is not a date: write it as 2026-12-01".to_string()
            )]
        );
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("planned", "planed"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
