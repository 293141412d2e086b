//! Where in a YAML or JSON file each value is: the line of every field
//! path (`objectives[2].status`), so a problem found in the content, here
//! or by a service, can name the line a person edits. JSON is read as the
//! YAML it also is. Keys are taken in snake_case, as the services name
//! fields, whichever way the file writes them.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

/// A field name in snake_case: `expectedRevision` is `expected_revision`.
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as serde writes it (`objectives[0].planStatus`), with its keys
/// in snake_case.
pub fn snake_path(path: &str) -> String {
    path.split('.').map(snake).collect::<Vec<_>>().join(".")
}

/// One open mapping or sequence while walking the events.
enum Open {
    /// A mapping at `path`; `key` is the key whose value comes next, with
    /// its line, which is the value's for a person (a folded text starts
    /// on the line after its key).
    Mapping {
        path: String,
        key: Option<(String, usize)>,
    },
    /// A sequence at `path`; `next` is the index of its next item.
    Sequence { path: String, next: usize },
}

/// The line (counting from 1) of every value of `text`, by path. Empty
/// when the text is not YAML; a path seen twice keeps its first line.
pub fn lines(text: &str) -> HashMap<String, usize> {
    let mut lines = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Ok((event, mark)) = parser.next_token() {
        let line = mark.line();
        // The path of the value this event starts, if it is a value (not a
        // mapping's key).
        let value_path = match stack.last_mut() {
            None => Some((String::new(), line)),
            Some(Open::Sequence { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                Some((p, line))
            }
            Some(Open::Mapping { path, key }) => key.take().map(|(k, at)| {
                if path.is_empty() {
                    (k, at)
                } else {
                    (format!("{path}.{k}"), at)
                }
            }),
        };
        match event {
            Event::StreamEnd => break,
            Event::Scalar(text, ..) => match value_path {
                Some((p, at)) => {
                    lines.entry(p).or_insert(at);
                }
                None => {
                    if let Some(Open::Mapping { key, .. }) = stack.last_mut() {
                        *key = Some((snake(&text), line));
                    }
                }
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (path, at) = value_path.unwrap_or_default();
                if !path.is_empty() {
                    lines.entry(path.clone()).or_insert(at);
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Open::Mapping { path, key: None }
                } else {
                    Open::Sequence { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    lines
}

/// The line of `path` in a file whose `lines` were taken, where `path` may
/// start with the name of the request field the file's content went into
/// (`report.objectives[2].status` for a file holding the report).
pub fn line_of(lines: &HashMap<String, usize>, path: &str) -> Option<usize> {
    lines.get(path).copied().or_else(|| {
        path.split_once('.')
            .and_then(|(_, rest)| lines.get(rest).copied())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_its_line_in_yaml_and_json() {
        let yaml = "cycle_id: '2026'\nobjectives:\n- objective: 1\n  status: planned\n- objective: 2\n  narrative: >\n    Long text.\nreviewPeriod: {start: 2026-01-01}\n";
        let at = lines(yaml);
        assert_eq!(at.get("cycle_id"), Some(&1));
        assert_eq!(at.get("objectives"), Some(&2));
        assert_eq!(at.get("objectives[0].status"), Some(&4));
        assert_eq!(at.get("objectives[1].objective"), Some(&5));
        assert_eq!(at.get("objectives[1].narrative"), Some(&6));
        assert_eq!(at.get("review_period.start"), Some(&8));
        let json = "{\n  \"cycleId\": \"2026\",\n  \"objectives\": [\n    {\"objective\": 1},\n    {\n      \"status\": \"planned\"\n    }\n  ]\n}\n";
        let at = lines(json);
        assert_eq!(at.get("cycle_id"), Some(&2));
        assert_eq!(at.get("objectives[1].status"), Some(&6));
        assert_eq!(line_of(&at, "report.objectives[1].status"), Some(6));
        assert_eq!(line_of(&at, "report.title"), None);
    }
}
