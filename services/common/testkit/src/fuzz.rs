//! Fuzzing validation entry points with arbitrary and mutated messages.

/// Feeds a validation entry point with `cases` byte strings: arbitrary
/// bytes, and `seed`'s encoding with bytes overwritten, inserted and cut
/// (which reach far deeper into the message than random bytes do). Each
/// that decodes as `M` goes to `check`, which must not panic.
///
/// # Panics
///
/// With the smallest failing input, when `check` panics; and when fewer
/// than a tenth of the inputs decode, since then little was tested.
pub fn fuzz_decoded<M>(seed: &M, cases: u32, check: impl Fn(&M))
where
    M: prost::Message + Default,
{
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let encoded = seed.encode_to_vec();
    let len = encoded.len().max(1);
    let mutated = (
        // Mostly ASCII bytes, as most of a valid encoding is text, tags and
        // small varints; prost refuses strings that are not UTF-8.
        proptest::collection::vec(
            (
                0..len,
                prop_oneof![3 => 0u8..0x80, 1 => any::<u8>()],
                prop::bool::weighted(0.2),
            ),
            1..4,
        ),
        proptest::option::weighted(0.1, 0..=len),
    )
        .prop_map(move |(edits, cut)| {
            let mut bytes = encoded.clone();
            for (at, byte, insert) in edits {
                let at = at.min(bytes.len());
                if insert || at == bytes.len() {
                    bytes.insert(at, byte);
                } else {
                    bytes[at] = byte;
                }
            }
            if let Some(keep) = cut {
                bytes.truncate(keep);
            }
            bytes
        });
    let strategy = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..256),
        4 => mutated,
    ];
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let decoded = std::sync::atomic::AtomicU32::new(0);
    let outcome = runner.run(&strategy, |bytes| {
        if let Ok(message) = M::decode(bytes.as_slice()) {
            decoded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            check(&message);
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("validation panicked: {failure}");
    }
    // Inputs that never decode would test nothing.
    let decoded = decoded.into_inner();
    assert!(
        decoded >= cases / 10,
        "only {decoded} of {cases} inputs decoded; the mutations need a closer seed"
    );
}

/// Feeds `check` with `cases` strings shaped like the ids, codes and
/// texts clients send: fragments of valid ids ("2026", "KEN", "state:",
/// "00-") run together with multi-byte characters at every offset, XML
/// non-characters, bidirectional controls, control characters and
/// arbitrary Unicode. `check` must not panic.
///
/// # Panics
///
/// With the smallest failing input, when `check` panics.
pub fn fuzz_text(cases: u32, check: impl Fn(&str)) {
    fuzz_text_with(&ID_FRAGMENTS, cases, check);
}

/// Pieces of ids, codes and header values the parsers split on.
const ID_FRAGMENTS: [&str; 16] = [
    "2026",
    "202",
    "-",
    "KEN",
    "ECE",
    "state:",
    "commission:",
    "VNR",
    "00-",
    "Bearer ",
    "01J",
    ".",
    "€",
    "é",
    "\u{1D538}",
    "\u{0301}",
];

/// Markup of every format a draft is rendered in, for fuzzing the texts
/// that go into a draft: Markdown blocks, footnotes, links, tables and raw
/// HTML, HTML and XML entities and tags.
pub const MARKUP_FRAGMENTS: [&str; 24] = [
    "\n# ",
    "\n## Heading",
    "\n[^1]: a footnote",
    "[^2]",
    "[link](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<h2>",
    "</p>",
    "\n| a | b |\n| --- | --- |\n| c | d |",
    "|",
    "\n- item",
    "\n1. item",
    "\n> quote",
    "\n---\n",
    "    code",
    "*",
    "_",
    "`",
    "&amp;",
    "&#x3C;",
    "]]>",
    "<w:p>",
    "\\",
    "\r\n",
];

/// As [`fuzz_text`], with `fragments` (besides hostile and arbitrary
/// characters and plain words) the pieces texts are made of.
///
/// # Panics
///
/// With the smallest failing input, when `check` panics.
pub fn fuzz_text_with(fragments: &'static [&'static str], cases: u32, check: impl Fn(&str)) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    const HOSTILE: [char; 8] = [
        '\u{FFFE}', '\u{FFFF}', '\u{202E}', '\u{2066}', '\u{0000}', '\u{001B}', '\n', '\u{FEFF}',
    ];
    let fragment = prop_oneof![
        4 => proptest::sample::select(fragments).prop_map(str::to_string),
        2 => proptest::sample::select(HOSTILE.as_slice()).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        1 => "[a-z0-9-]{0,40}",
    ];
    let text = proptest::collection::vec(fragment, 0..8).prop_map(|parts| parts.concat());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&text, |text| {
        check(&text);
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("fuzzing text: {failure}");
    }
}
