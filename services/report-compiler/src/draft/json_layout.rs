//! The layout of the draft's JSON: indented as `serde_json`'s pretty
//! printer indents it, except that each element of a list of sources,
//! inline content, summary paragraphs, table rows or inputs is written on one line. Those
//! lists are nearly all of a full cycle's bytes (every source of every
//! figure, uncapped), so one line per element keeps the file readable and
//! line-by-line diffable at about half its pretty-printed size.

use std::io;

use serde_json::ser::{Formatter, PrettyFormatter};

/// Keys whose elements are each written on one line.
const ONE_LINE_ELEMENTS: [&str; 5] = ["sources", "content", "rows", "inputs", "summary"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Indented, one member per line.
    Pretty,
    /// Indented, but each element on one line: a list under one of
    /// [`ONE_LINE_ELEMENTS`].
    ElementsOnOneLine,
    /// Inside an element written on one line.
    OneLine,
}

/// A [`Formatter`] giving the layout above.
pub(super) struct Layout<'a> {
    pretty: PrettyFormatter<'a>,
    modes: Vec<Mode>,
    /// The key being written, and the last key written.
    key: String,
    in_key: bool,
}

impl Layout<'_> {
    pub(super) fn new() -> Self {
        Self {
            pretty: PrettyFormatter::new(),
            modes: Vec::new(),
            key: String::new(),
            in_key: false,
        }
    }

    fn mode(&self) -> Mode {
        self.modes.last().copied().unwrap_or(Mode::Pretty)
    }

    /// The mode of a container opening now.
    fn opening(&self, array: bool) -> Mode {
        match self.mode() {
            Mode::OneLine | Mode::ElementsOnOneLine => Mode::OneLine,
            Mode::Pretty if array && ONE_LINE_ELEMENTS.contains(&self.key.as_str()) => {
                Mode::ElementsOnOneLine
            }
            Mode::Pretty => Mode::Pretty,
        }
    }
}

impl Layout<'_> {
    /// Opens a list (`[`) or an object (`{`) in the mode its place gives.
    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, array: bool) -> io::Result<()> {
        let mode = self.opening(array);
        self.modes.push(mode);
        match (mode, array) {
            (Mode::OneLine, true) => w.write_all(b"["),
            (Mode::OneLine, false) => w.write_all(b"{"),
            (_, true) => self.pretty.begin_array(w),
            (_, false) => self.pretty.begin_object(w),
        }
    }

    /// Closes the list or object opened last.
    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, array: bool) -> io::Result<()> {
        match (self.modes.pop().unwrap_or(Mode::Pretty), array) {
            (Mode::OneLine, true) => w.write_all(b"]"),
            (Mode::OneLine, false) => w.write_all(b"}"),
            (_, true) => self.pretty.end_array(w),
            (_, false) => self.pretty.end_object(w),
        }
    }
}

impl Formatter for Layout<'_> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, true)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, true)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        // An element has no key: a list it opens is laid out by its own
        // place, not by the key written last.
        self.key.clear();
        match self.mode() {
            Mode::OneLine if first => Ok(()),
            Mode::OneLine => w.write_all(b", "),
            _ => self.pretty.begin_array_value(w, first),
        }
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.mode() {
            Mode::OneLine => Ok(()),
            _ => self.pretty.end_array_value(w),
        }
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, false)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, false)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.key.clear();
        self.in_key = true;
        match self.mode() {
            Mode::OneLine if first => Ok(()),
            Mode::OneLine => w.write_all(b", "),
            _ => self.pretty.begin_object_key(w, first),
        }
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.mode() {
            Mode::OneLine => Ok(()),
            _ => self.pretty.end_object_value(w),
        }
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.in_key {
            self.key.push_str(fragment);
        }
        w.write_all(fragment.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn laid_out(value: &impl Serialize) -> String {
        let mut bytes = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut bytes, Layout::new());
        let _ = value.serialize(&mut ser);
        String::from_utf8(bytes).unwrap_or_default()
    }

    #[test]
    fn elements_of_the_listed_keys_take_one_line_each_and_the_rest_is_indented() {
        let value = serde_json::json!({
            "figures": [{
                "id": "F1",
                "sources": [
                    {"kind": "practice", "id": "P1", "revision": 1, "field": "status"},
                    {"kind": "practice", "id": "P2", "revision": 2, "field": "status"}
                ],
                "empty": []
            }],
            "rows": [["Kenya", "12"], []],
            "sources": []
        });
        let text = laid_out(&value);
        let expected = r#"{
  "figures": [
    {
      "empty": [],
      "id": "F1",
      "sources": [
        {"field": "status", "id": "P1", "kind": "practice", "revision": 1},
        {"field": "status", "id": "P2", "kind": "practice", "revision": 2}
      ]
    }
  ],
  "rows": [
    ["Kenya", "12"],
    []
  ],
  "sources": []
}"#;
        assert_eq!(text, expected);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value, "the same value, laid out differently");
    }

    #[test]
    fn a_list_inside_a_list_is_laid_out_by_its_place_not_by_the_last_key() {
        let value = serde_json::json!({"pairs": [[{"sources": [1]}], [{"b": 2}]]});
        assert_eq!(
            laid_out(&value),
            "{\n  \"pairs\": [\n    [\n      {\n        \"sources\": [\n          1\n        ]\n      }\n    ],\n    [\n      {\n        \"b\": 2\n      }\n    ]\n  ]\n}"
        );
    }

    #[test]
    fn a_key_that_looks_like_a_listed_one_inside_a_string_changes_nothing() {
        let value = serde_json::json!({"text": "sources", "list": [{"a": 1}]});
        assert_eq!(
            laid_out(&value),
            "{\n  \"list\": [\n    {\n      \"a\": 1\n    }\n  ],\n  \"text\": \"sources\"\n}"
        );
    }
}
