//! Every parser of ids, codes and header values, fed arbitrary Unicode: no
//! input may panic any of them (a panic in a handler reaches the client as
//! CANCELLED and logs a backtrace), and a text that is not an id is refused.

use imrf_bus::names::stream_of;
use imrf_bus::trace::TraceContext;
use imrf_gcm::validate::{Violations, is_cycle_id};
use imrf_platform::auth::{Role, bearer_value};
use imrf_platform::config::parse_instant;
use imrf_testkit::fuzz_text;

fn parse_all(text: &str) {
    let _ = is_cycle_id(text);
    let mut v = Violations::new();
    v.cycle_id("cycle_id", text);
    v.member_state("state", text);
    v.request_id("request_id", text);
    v.required_text("title", text, 10);
    v.optional_text("summary", text, 10);
    let _ = Role::parse(text);
    let _ = Role::of_identity(text);
    let _ = bearer_value(text);
    let _ = parse_instant(text);
    let _ = stream_of(text);
    let _ = TraceContext::parse(text);
}

#[test]
fn a_character_across_the_fourth_byte_is_no_cycle_id_and_no_panic() {
    for id in ["202€", "2€", "€", "2026€", "20\u{1D538}", "é026"] {
        assert!(!is_cycle_id(id), "{id}");
        let mut v = Violations::new();
        v.cycle_id("cycle_id", id);
        assert!(!v.is_empty(), "{id} is refused with its field");
    }
    assert!(is_cycle_id("2026") && is_cycle_id("2026-plenary"));
}

#[test]
fn no_parser_of_ids_codes_or_headers_panics_on_arbitrary_unicode() {
    fuzz_text(4_000, parse_all);
}
