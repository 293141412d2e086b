//! The draft composed and rendered straight from the fixture's events,
//! with no bus and no gRPC: the same golden files as the compiled draft,
//! so composition and rendering are checked as the pure functions they are.

mod fixture;

use fixture::{AnyError, followed_inputs, golden, opened_cycle};
use report_compiler::draft::compose::{DraftInputs, compose};
use report_compiler::draft::{extension, render_all};

#[test]
fn the_fixture_composes_to_the_golden_files_in_every_format() -> Result<(), AnyError> {
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
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
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
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
