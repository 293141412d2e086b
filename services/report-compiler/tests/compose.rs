//! The draft composed and rendered straight from the fixture's events,
//! with no bus and no gRPC: the same golden files as the compiled draft,
//! so composition and rendering are checked as the pure functions they are.

mod fixture;

use fixture::{AnyError, followed_inputs, golden, opened_cycle};
use imrf_proto::v1::{DraftFormat, DraftText, TextPlacement};
use report_compiler::draft::compose::{DraftInputs, compose};
use report_compiler::draft::model::{Author, Block, Draft, SourceKind};
use report_compiler::draft::{extension, render_all, render_one};

#[test]
fn the_fixture_composes_to_the_golden_files_in_every_format() -> Result<(), AnyError> {
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
    let draft = compose(&DraftInputs::gather(&cycle, &inputs));
    let mut renderings = render_all(&draft)?;
    assert_eq!(renderings.len(), 4);
    for format in [DraftFormat::Xlsx, DraftFormat::SdmxCsv] {
        renderings.extend(render_one(&draft, format)?);
    }
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
        2 + 3 + 2 + 1,
        "two reviews, three reports, two practices, the Network's contribution"
    );
    assert!(watermark.windows(2).all(|w| w[0] <= w[1]), "sorted");
    Ok(())
}

fn text(id: &str, chapter: u32, placement: TextPlacement, paragraphs: &[&str]) -> DraftText {
    DraftText {
        cycle_id: "2026".into(),
        text_id: id.into(),
        chapter,
        placement: placement as i32,
        paragraphs: paragraphs.iter().map(|p| (*p).to_string()).collect(),
        revision: 1,
        ..Default::default()
    }
}

#[test]
fn the_secretariats_paragraphs_open_and_close_their_chapters_and_figures_keep_their_places()
-> Result<(), AnyError> {
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
    let texts = [
        text("close-vii", 7, TextPlacement::Closing, &["Closing words."]),
        text(
            "chapeau-iii",
            3,
            TextPlacement::Opening,
            &["A chapeau.", "Its second paragraph."],
        ),
    ];
    let gathered = DraftInputs::gather(&cycle, &inputs).with_texts(&texts);
    let draft = compose(&gathered);

    let paragraphs = |n: usize| -> Vec<(Option<u32>, String, Author)> {
        draft.sections[n]
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph {
                    number,
                    content,
                    author,
                } => Some((
                    *number,
                    report_compiler::draft::diff::plain(content),
                    *author,
                )),
                _ => None,
            })
            .collect()
    };
    let iii = paragraphs(2);
    assert_eq!(
        iii.iter()
            .take(2)
            .map(|p| (p.1.as_str(), p.2))
            .collect::<Vec<_>>(),
        [
            ("A chapeau.", Author::Secretariat),
            ("Its second paragraph.", Author::Secretariat)
        ]
    );
    assert!(
        matches!(
            draft.sections[2].blocks.first(),
            Some(Block::Paragraph { .. })
        ),
        "before the first heading"
    );
    assert!(iii.iter().skip(2).all(|p| p.2 == Author::Compiled));
    let vii = paragraphs(6);
    assert_eq!(
        vii.last().map(|p| (p.1.as_str(), p.2)),
        Some(("Closing words.", Author::Secretariat))
    );

    // Paragraph numbers run on through the secretariat's, and every figure
    // is still printed in the paragraph it names.
    let numbered: Vec<(u32, String)> = (0..draft.sections.len())
        .flat_map(paragraphs)
        .filter_map(|(n, text, _)| n.map(|n| (n, text)))
        .collect();
    assert!(
        numbered
            .iter()
            .enumerate()
            .all(|(i, (n, _))| *n as usize == i + 1)
    );
    for figure in &draft.figures {
        let Ok(at) = figure.location.parse::<u32>() else {
            continue;
        };
        let (_, text) = &numbered[at as usize - 1];
        assert!(
            text.contains(&figure.display),
            "{} not in paragraph {at}: {text}",
            figure.display
        );
    }

    // Both are inputs, in the watermark and the list of inputs.
    let listed: Vec<&str> = draft
        .inputs
        .iter()
        .filter(|e| e.source.kind == SourceKind::SecretariatText)
        .map(|e| e.source.id.as_str())
        .collect();
    assert_eq!(listed, ["chapeau-iii", "close-vii"]);
    assert_eq!(gathered.watermark().len(), 2 + 3 + 2 + 1 + 2);
    Ok(())
}

#[test]
fn a_diff_of_two_compositions_names_the_figures_a_revision_moved() -> Result<(), AnyError> {
    let cycle = opened_cycle();
    let before = followed_inputs();
    let from = compose(&DraftInputs::gather(&cycle, &before));
    let same = report_compiler::draft::diff::compare(&from, &from);
    assert!(same.inputs.is_empty() && same.paragraphs.is_empty() && same.figures.is_empty());

    // Round-tripped through its JSON, as the service reads stored drafts.
    let rendered = render_all(&from)?;
    let json = rendered
        .iter()
        .find(|r| r.format == imrf_proto::v1::DraftFormat::Json)
        .ok_or("no JSON")?;
    let read: Draft = serde_json::from_slice(&json.bytes)?;
    assert_eq!(read, from);
    Ok(())
}

#[test]
fn the_data_workbook_reads_back_with_numbers_as_numbers_and_every_figure() -> Result<(), AnyError> {
    use calamine::{Data, Reader, Xlsx};
    let (cycle, inputs) = (opened_cycle(), followed_inputs());
    let draft = compose(&DraftInputs::gather(&cycle, &inputs));
    let bytes = report_compiler::draft::data::xlsx(&draft)?;
    let mut book = Xlsx::new(std::io::Cursor::new(bytes))?;
    let tables = draft
        .annexes
        .iter()
        .flat_map(|a| &a.blocks)
        .filter(|b| matches!(b, Block::Table(_)))
        .count();
    let names = book.sheet_names();
    assert_eq!(names.len(), tables + 2, "{names:?}");
    assert_eq!(names.first().map(String::as_str), Some("About"));
    assert_eq!(names.get(1).map(String::as_str), Some("Annex I, table 1"));
    // The migrant stock of the world in 2024, a number the sheet can sum.
    let stock = book.worksheet_range("Annex I, table 3")?;
    assert_eq!(
        stock.get_value((4, 0)),
        Some(&Data::String("World (233 countries and areas)".into()))
    );
    assert_eq!(stock.get_value((4, 5)), Some(&Data::Float(304_021_813.0)));
    let figures = book.worksheet_range("Figures")?;
    assert_eq!(figures.height(), draft.figures.len() + 1);
    assert_eq!(figures.get_value((1, 0)), Some(&Data::String("F1".into())));
    Ok(())
}
