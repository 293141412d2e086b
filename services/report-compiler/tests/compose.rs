//! The draft composed and rendered straight from the fixture's events,
//! with no bus and no gRPC: the same golden files as the compiled draft,
//! so composition and rendering are checked as the pure functions they are.

mod fixture;

use std::collections::BTreeMap;

use fixture::{AnyError, day, fixture_events, golden, opening};
use imrf_bus::names::stream_of;
use imrf_proto::v1::{Cycle, CyclePhase};
use report_compiler::draft::compose::{DraftInputs, compose};
use report_compiler::draft::{extension, render_all};
use report_compiler::inputs::Inputs;

/// The fixture cycle as report-compiler holds it once opened.
fn cycle() -> Cycle {
    let request = opening();
    Cycle {
        cycle_id: request.cycle_id,
        title: request.title,
        phase: CyclePhase::Open as i32,
        schedule: request.schedule,
        opened_at: Some(imrf_proto::timestamp(day(2025, 6, 1))),
        document_symbol: request.document_symbol,
        session: request.session,
        agenda_items: request.agenda_items,
        period_covered: request.period_covered,
        precedes_forum: request.precedes_forum,
        ..Default::default()
    }
}

/// The inputs as report-compiler's followers read them: each event with its
/// sequence on its own stream.
fn inputs() -> Inputs {
    let mut inputs = Inputs::default();
    let mut sequences: BTreeMap<&str, u64> = BTreeMap::new();
    for (subject, event) in fixture_events() {
        let stream = stream_of(&subject).map_or("", |spec| spec.name);
        let sequence = sequences.entry(stream).or_default();
        *sequence += 1;
        inputs.apply(*sequence, &event);
    }
    inputs
}

#[test]
fn the_fixture_composes_to_the_golden_files_in_every_format() -> Result<(), AnyError> {
    let (cycle, inputs) = (cycle(), inputs());
    let draft = compose(&DraftInputs::gather(&cycle, &inputs));
    let renderings = render_all(&draft)?;
    assert_eq!(renderings.len(), 4);
    for rendering in renderings {
        golden(
            &format!("draft.{}", extension(rendering.format)),
            &rendering.bytes,
        )?;
    }
    Ok(())
}

#[test]
fn composing_twice_gives_the_same_bytes_and_the_inputs_in_order() -> Result<(), AnyError> {
    let (cycle, inputs) = (cycle(), inputs());
    let gathered = DraftInputs::gather(&cycle, &inputs);
    let first = render_all(&compose(&gathered))?;
    let again = render_all(&compose(&gathered))?;
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(a.sha256, b.sha256, "{:?}", a.format);
    }
    let watermark = gathered.watermark();
    assert_eq!(
        watermark.len(),
        2 + 3 + 2,
        "two reviews, three reports, two practices"
    );
    assert!(watermark.windows(2).all(|w| w[0] <= w[1]), "sorted");
    Ok(())
}
