//! Drafts of the biennial report: golden files in all four formats,
//! determinism, a withdrawn review leaving the next draft, a DOCX that is a
//! valid package, and a footnote on every figure.

mod fixture;

use std::io::Read;

use fixture::{
    AnyError, TestApp, day, golden, practice_events, publish, publish_fixture, publisher,
    withdraw_review,
};
use imrf_bus::Bus;
use imrf_gcm::clock::ManualClock;
use imrf_proto::v1::event::Payload;
use imrf_proto::v1::{
    AdvanceCycleRequest, ChangeKind, Commission, CompileDraftRequest, CyclePhase,
    DiffDraftsRequest, DraftFormat, DraftText, GetCycleRequest, ImplementationStatus,
    ListCyclesRequest, ListDraftTextsRequest, RemoveDraftTextRequest, SetDraftTextRequest,
    SourceRef, TextPlacement,
};
use imrf_testkit::{NatsServer, as_caller, eventually, token_for};

type TestResult = Result<(), AnyError>;

async fn compile(app: &mut TestApp, id: &str) -> Result<(u32, String, bool), AnyError> {
    let response = app
        .drafts
        .compile_draft(CompileDraftRequest {
            request_id: id.into(),
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner();
    let draft = response.draft.ok_or("no draft")?;
    Ok((draft.version, draft.sha256, response.new_version))
}

async fn fixture_app(nats: &NatsServer) -> Result<TestApp, AnyError> {
    let bus = publisher(nats).await?;
    publish_fixture(&bus).await?;
    let clock = ManualClock::new(day(2025, 6, 1));
    let mut app = TestApp::spawn(nats, &clock).await?;
    app.open().await?;
    Ok(app)
}

#[tokio::test]
async fn the_fixture_draft_matches_the_golden_files_in_every_format() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = fixture_app(&nats).await?;
    let (version, sha, new) = compile(&mut app, "c1").await?;
    assert_eq!((version, new), (1, true));
    let json = app.draft_bytes(1, DraftFormat::Json).await?;
    assert_eq!(
        report_compiler::draft::sha256_hex(&json),
        sha,
        "the draft is addressed by its JSON"
    );
    golden("draft.json", &json)?;
    golden(
        "draft.md",
        &app.draft_bytes(1, DraftFormat::Markdown).await?,
    )?;
    golden("draft.html", &app.draft_bytes(1, DraftFormat::Html).await?)?;
    golden("draft.docx", &app.draft_bytes(1, DraftFormat::Docx).await?)?;
    // The data formats are rendered from the stored draft when first asked
    // for, stored, and the same bytes every time.
    for (format, name) in [
        (DraftFormat::Xlsx, "draft.xlsx"),
        (DraftFormat::SdmxCsv, "draft.sdmx.csv"),
    ] {
        let first = app.draft_bytes(1, format).await?;
        golden(name, &first)?;
        assert_eq!(app.draft_bytes(1, format).await?, first, "{name}");
    }
    app.stop().await;
    Ok(())
}

/// What GetCycle and ListCycles show `who` of cycle 2026's latest draft.
async fn latest_draft_seen_by(
    app: &mut TestApp,
    who: &str,
) -> Result<(Option<u32>, Option<u32>), AnyError> {
    let got = app
        .cycles
        .get_cycle(as_caller(
            who,
            GetCycleRequest {
                cycle_id: "2026".into(),
            },
        ))
        .await?
        .into_inner()
        .cycle
        .ok_or("no cycle")?;
    let listed = app
        .cycles
        .list_cycles(as_caller(who, ListCyclesRequest::default()))
        .await?
        .into_inner()
        .cycles;
    let listed = listed
        .iter()
        .find(|c| c.cycle_id == "2026")
        .ok_or("not listed")?;
    Ok((
        got.latest_draft.map(|d| d.version),
        listed.latest_draft.as_ref().map(|d| d.version),
    ))
}

#[tokio::test]
async fn a_drafts_metadata_is_shown_by_the_rule_of_list_drafts_everywhere() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = fixture_app(&nats).await?;
    let outsiders = ["reader:public", "state:KEN", "commission:ECE", "curator:a"];
    let mut phase = app.cycle().await?.phase;
    while phase < CyclePhase::Drafting as i32 {
        phase = app
            .cycles
            .advance_cycle(AdvanceCycleRequest {
                request_id: format!("advance-{phase}"),
                cycle_id: "2026".into(),
                expected_phase: phase,
                reason: "Rehearsal of the cycle".into(),
            })
            .await?
            .into_inner()
            .cycle
            .ok_or("no cycle")?
            .phase;
    }
    // Compiled on the way into DRAFTING, labelled as such, and unissued.
    let drafting = app.cycle().await?.latest_draft.ok_or("no draft")?;
    assert_eq!(drafting.trigger, "advanced_to_drafting");
    assert_eq!(
        latest_draft_seen_by(&mut app, "secretariat").await?,
        (Some(drafting.version), Some(drafting.version))
    );
    for who in outsiders {
        assert_eq!(
            latest_draft_seen_by(&mut app, who).await?,
            (None, None),
            "{who} sees an unissued draft"
        );
    }
    app.cycles
        .advance_cycle(AdvanceCycleRequest {
            request_id: "issue".into(),
            cycle_id: "2026".into(),
            expected_phase: CyclePhase::Drafting as i32,
            reason: "Rehearsal of the cycle".into(),
        })
        .await?;
    let issued = app.phase_until(CyclePhase::Issued).await?;
    let last = issued.latest_draft.ok_or("no draft")?;
    for who in outsiders {
        assert_eq!(
            latest_draft_seen_by(&mut app, who).await?,
            (Some(last.version), Some(last.version)),
            "{who} does not see the issued draft"
        );
    }
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn compiling_unchanged_inputs_gives_the_same_draft() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = fixture_app(&nats).await?;
    let first = compile(&mut app, "c1").await?;
    let again = compile(&mut app, "c2").await?;
    assert_eq!(again, (first.0, first.1.clone(), false));
    // The same request id returns its first answer.
    assert_eq!(compile(&mut app, "c1").await?, first);
    // A second service on the same inputs composes the same bytes.
    let clock = ManualClock::new(day(2025, 6, 2));
    let mut other = TestApp::spawn(&nats, &clock).await?;
    let docx_a = app.draft_bytes(0, DraftFormat::Docx).await?;
    let docx_b = other.draft_bytes(0, DraftFormat::Docx).await?;
    assert_eq!(docx_a, docx_b);
    let listed = app.drafts().await?;
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].inputs.len() >= 7,
        "watermark: {:?}",
        listed[0].inputs
    );
    other.stop().await;
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_withdrawn_review_disappears_from_the_next_draft() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = fixture_app(&nats).await?;
    compile(&mut app, "before").await?;
    let before = String::from_utf8(app.draft_bytes(1, DraftFormat::Markdown).await?)?;
    assert!(
        before.contains("| Regional review | 2026-ECE |"),
        "{before}"
    );
    let ece_row = |md: &str| {
        md.lines()
            .find(|l| l.starts_with("| Economic Commission for Europe (ECE) |"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert!(
        ece_row(&before).ends_with("| received |"),
        "{}",
        ece_row(&before)
    );
    let bus = publisher(&nats).await?;
    withdraw_review(&bus, Commission::Ece, 1).await?;
    // The draft changes once report-compiler has seen the withdrawal.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut n = 0;
    let (version, _, _) = loop {
        n += 1;
        let compiled = compile(&mut app, &format!("after-{n}")).await?;
        if compiled.2 {
            break compiled;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "withdrawal never seen"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(version, 2);
    let after = String::from_utf8(app.draft_bytes(2, DraftFormat::Markdown).await?)?;
    assert!(!after.contains("2026-ECE"), "withdrawn review still cited");
    assert!(after.contains("| Regional review | 2026-ECA |"));
    assert!(
        ece_row(&after).ends_with("| not received |"),
        "{}",
        ece_row(&after)
    );
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_docx_is_a_valid_word_package() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = fixture_app(&nats).await?;
    compile(&mut app, "c").await?;
    let bytes = app.draft_bytes(1, DraftFormat::Docx).await?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone()))?;
    let mut names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/core.xml",
            "word/_rels/document.xml.rels",
            "word/document.xml",
            "word/footer1.xml",
            "word/footnotes.xml",
            "word/header1.xml",
            "word/styles.xml"
        ]
    );
    let mut footnote_ids = Vec::new();
    let mut referenced = Vec::new();
    for name in &names {
        let mut xml = String::new();
        archive.by_name(name)?.read_to_string(&mut xml)?;
        // Every part is well-formed XML.
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e)) => {
                    let id = e
                        .try_get_attribute("w:id")
                        .ok()
                        .flatten()
                        .map(|a| String::from_utf8_lossy(&a.value).to_string());
                    match (e.name().as_ref(), id) {
                        (b"w:footnote", Some(id)) => footnote_ids.push(id),
                        (b"w:footnoteReference", Some(id)) => referenced.push(id),
                        _ => {}
                    }
                }
                Ok(_) => {}
                Err(err) => return Err(format!("{name} is not well-formed: {err}").into()),
            }
        }
    }
    assert!(!referenced.is_empty());
    for id in &referenced {
        assert!(
            footnote_ids.contains(id),
            "footnote {id} referenced but missing"
        );
    }
    // LibreOffice, where installed, converts it.
    if let Ok(soffice) = which_soffice() {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("draft.docx");
        std::fs::write(&input, &bytes)?;
        let status = std::process::Command::new(soffice)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&input)
            .status()?;
        assert!(status.success());
        assert!(dir.path().join("draft.pdf").exists());
    }
    app.stop().await;
    Ok(())
}

fn which_soffice() -> Result<String, ()> {
    for candidate in ["soffice", "libreoffice"] {
        if std::process::Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Ok(candidate.to_string());
        }
    }
    Err(())
}

#[tokio::test]
async fn every_paragraph_with_a_figure_has_a_footnote() -> TestResult {
    let nats = NatsServer::start()?;
    let mut app = fixture_app(&nats).await?;
    compile(&mut app, "c").await?;
    let markdown = String::from_utf8(app.draft_bytes(1, DraftFormat::Markdown).await?)?;
    let json: serde_json::Value =
        serde_json::from_slice(&app.draft_bytes(1, DraftFormat::Json).await?)?;
    let with_figures: std::collections::BTreeSet<String> = json["figures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["location"].as_str().map(str::to_string))
        .collect();
    let mut checked = 0;
    for line in markdown.lines() {
        // Numbered paragraphs: "12\\. text".
        let Some((number, text)) = line.split_once("\\. ") else {
            continue;
        };
        if with_figures.contains(number) {
            checked += 1;
            assert!(
                text.contains("[^"),
                "paragraph {number} has figures but no footnote: {text}"
            );
        }
    }
    assert!(checked > 10, "only {checked} paragraphs with figures");
    let defined = markdown.lines().filter(|l| l.starts_with("[^")).count();
    assert!(defined > 0);
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn in_drafting_a_changed_input_recompiles_the_draft() -> TestResult {
    let nats = NatsServer::start()?;
    let (bus, mut app) = in_drafting(&nats).await?;
    let drafting = app
        .cycle_until(|c| {
            c.phase == imrf_proto::v1::CyclePhase::Drafting as i32 && c.latest_draft.is_some()
        })
        .await?;
    let first = drafting.latest_draft.ok_or("no draft")?;
    assert_eq!(first.trigger, "compile_date");
    // A withdrawal arrives while drafting: after the quiet period the draft
    // is recompiled without the review.
    withdraw_review(&bus, Commission::Eca, 1).await?;
    let next = app
        .cycle_until(|c| {
            c.latest_draft
                .as_ref()
                .is_some_and(|d| d.version > first.version)
        })
        .await?
        .latest_draft
        .ok_or("no draft")?;
    assert_eq!(next.trigger, "inputs_changed");
    let markdown = String::from_utf8(app.draft_bytes(next.version, DraftFormat::Markdown).await?)?;
    assert!(!markdown.contains("2026-ECA"));
    app.stop().await;
    Ok(())
}

fn chapeau(expected_revision: u32, paragraphs: &[&str]) -> SetDraftTextRequest {
    SetDraftTextRequest {
        request_id: format!("text-{expected_revision}-{}", paragraphs.len()),
        text: Some(DraftText {
            cycle_id: "2026".into(),
            text_id: "chapeau-iii".into(),
            chapter: 3,
            placement: TextPlacement::Opening as i32,
            title: "Chapeau of chapter III".into(),
            paragraphs: paragraphs.iter().map(|p| (*p).to_string()).collect(),
            ..Default::default()
        }),
        expected_revision,
    }
}

/// The fixture's cycle opened before its dates and moved on to DRAFTING
/// (5 January 2026), where its first draft is compiled.
async fn in_drafting(nats: &NatsServer) -> Result<(Bus, TestApp), AnyError> {
    let bus = publisher(nats).await?;
    publish_fixture(&bus).await?;
    let clock = ManualClock::new(day(2024, 12, 1));
    let mut app = TestApp::spawn(nats, &clock).await?;
    app.open().await?;
    clock.set(day(2026, 1, 5));
    Ok((bus, app))
}

/// The secretariat's paragraphs, as the draft's JSON holds them.
fn secretariat_paragraphs(json: &serde_json::Value) -> Vec<(String, u64, String)> {
    let mut found = Vec::new();
    for section in json["sections"].as_array().into_iter().flatten() {
        for block in section["blocks"].as_array().into_iter().flatten() {
            if block["author"] == "secretariat" {
                found.push((
                    section["number"].as_str().unwrap_or("").to_string(),
                    block["number"].as_u64().unwrap_or(0),
                    block["content"][0]["value"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                ));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_secretariats_text_is_kept_across_recompiles_and_a_diff_names_what_moved() -> TestResult
{
    let nats = NatsServer::start()?;
    let (bus, mut app) = in_drafting(&nats).await?;
    let first = app
        .cycle_until(|c| c.latest_draft.is_some())
        .await?
        .latest_draft
        .ok_or("no draft")?;

    // Set in DRAFTING, the text is in the next draft at once.
    let set = app
        .drafts
        .set_draft_text(chapeau(
            0,
            &[
                "The regional reviews of this cycle agree on one thing.",
                "A second paragraph of the chapeau.",
            ],
        ))
        .await?
        .into_inner()
        .text
        .ok_or("no text")?;
    assert_eq!((set.revision, set.author.as_str()), (1, "secretariat"));
    let with_text = app.cycle().await?.latest_draft.ok_or("no draft")?;
    assert_eq!(
        (with_text.version, with_text.trigger.as_str()),
        (first.version + 1, "secretariat_text")
    );
    assert!(
        with_text
            .inputs
            .iter()
            .any(|i| i.source.as_ref().is_some_and(|s| (
                s.kind.as_str(),
                s.id.as_str(),
                s.revision
            ) == (
                "secretariat_text",
                "chapeau-iii",
                1
            )))
    );
    let json: serde_json::Value = serde_json::from_slice(
        &app.draft_bytes(with_text.version, DraftFormat::Json)
            .await?,
    )?;
    let placed = secretariat_paragraphs(&json);
    assert_eq!(placed.len(), 2, "{placed:?}");
    assert!(placed.iter().all(|(section, _, _)| section == "III"));
    assert_eq!(placed[1].1, placed[0].1 + 1, "numbered with the chapter");
    let markdown = String::from_utf8(
        app.draft_bytes(with_text.version, DraftFormat::Markdown)
            .await?,
    )?;
    assert!(markdown.contains("[Secretariat] The regional reviews of this cycle agree"));
    assert!(
        markdown.contains("Chapeau of chapter III"),
        "listed as an input"
    );

    // A stale or blind revision is refused, and nothing is stored.
    let blind = app.drafts.set_draft_text(chapeau(0, &["Other."])).await;
    assert_eq!(
        blind.map(drop).map_err(|s| s.code()),
        Err(tonic::Code::AlreadyExists)
    );
    let stale = app.drafts.set_draft_text(chapeau(2, &["Other."])).await;
    assert_eq!(
        stale.map(drop).map_err(|s| s.code()),
        Err(tonic::Code::Aborted)
    );
    let empty = app.drafts.set_draft_text(chapeau(1, &[])).await;
    assert_eq!(
        empty.map(drop).map_err(|s| s.code()),
        Err(tonic::Code::InvalidArgument)
    );

    // A late revision of Germany's report moves the median cost of
    // remittances: the recompiled draft keeps the text, and the diff names
    // the figure and the revision that moved it.
    let (subject, mut event) = fixture::report_event(
        "DEU",
        1.0,
        &[
            (20, ImplementationStatus::Planned),
            (16, ImplementationStatus::InProgress),
        ],
        false,
    );
    if let Some(Payload::NationalReportAccepted(a)) = &mut event.payload
        && let Some(meta) = a.record.as_mut().and_then(|r| r.meta.as_mut())
    {
        meta.revision = 2;
    }
    fixture::publish(&bus, [(subject, event)]).await?;
    let revised = app
        .cycle_until(|c| {
            c.latest_draft
                .as_ref()
                .is_some_and(|d| d.version > with_text.version)
        })
        .await?
        .latest_draft
        .ok_or("no draft")?;
    let json: serde_json::Value =
        serde_json::from_slice(&app.draft_bytes(revised.version, DraftFormat::Json).await?)?;
    assert_eq!(
        secretariat_paragraphs(&json).len(),
        2,
        "kept across the recompile"
    );
    let diff = app
        .drafts
        .diff_drafts(DiffDraftsRequest {
            cycle_id: "2026".into(),
            from_version: with_text.version,
            to_version: 0,
        })
        .await?
        .into_inner();
    let deu = |s: &Option<SourceRef>| s.as_ref().map(|s| (s.id.clone(), s.revision));
    assert_eq!(
        diff.inputs
            .iter()
            .map(|c| (deu(&c.from), deu(&c.to)))
            .collect::<Vec<_>>(),
        [(
            Some(("2026-DEU-VNR".to_string(), 1)),
            Some(("2026-DEU-VNR".to_string(), 2))
        )]
    );
    let median = diff
        .figures
        .iter()
        .find(|f| f.from_value == 4.0 && f.to_value == 2.5)
        .ok_or_else(|| format!("no figure moved from 4.0 to 2.5: {:?}", diff.figures))?;
    assert_eq!(
        median
            .moved_by
            .iter()
            .map(|c| (deu(&c.from), deu(&c.to)))
            .collect::<Vec<_>>(),
        [(
            Some(("2026-DEU-VNR".to_string(), 1)),
            Some(("2026-DEU-VNR".to_string(), 2))
        )]
    );
    assert!(
        diff.figures
            .iter()
            .all(|f| f.from_value != f.to_value || f.from_display != f.to_display)
    );
    assert!(!diff.paragraphs.is_empty());
    assert!(
        diff.paragraphs
            .iter()
            .all(|p| !p.to_text.contains("agree on one thing")),
        "the kept text is no change"
    );

    // Against the draft before the text, the text's paragraphs are added.
    let since_first = app
        .drafts
        .diff_drafts(DiffDraftsRequest {
            cycle_id: "2026".into(),
            from_version: first.version,
            to_version: revised.version,
        })
        .await?
        .into_inner();
    let added: Vec<&str> = since_first
        .paragraphs
        .iter()
        .filter(|p| p.kind == ChangeKind::Added as i32 && p.section == "III")
        .map(|p| p.to_text.as_str())
        .collect();
    assert_eq!(
        added,
        [
            "The regional reviews of this cycle agree on one thing.",
            "A second paragraph of the chapeau."
        ]
    );

    // Removed, the text leaves the next draft and the list.
    let removed = app
        .drafts
        .remove_draft_text(RemoveDraftTextRequest {
            request_id: "remove-1".into(),
            cycle_id: "2026".into(),
            text_id: "chapeau-iii".into(),
            expected_revision: 1,
        })
        .await?
        .into_inner();
    assert_eq!(removed.revision, 1);
    let listed = app
        .drafts
        .list_draft_texts(ListDraftTextsRequest {
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner();
    assert!(listed.texts.is_empty());
    let last = app.cycle().await?.latest_draft.ok_or("no draft")?;
    let json: serde_json::Value =
        serde_json::from_slice(&app.draft_bytes(last.version, DraftFormat::Json).await?)?;
    assert!(secretariat_paragraphs(&json).is_empty());
    app.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_reader_that_stops_reading_a_draft_is_cut_off_and_its_slot_given_back() -> TestResult {
    let nats = NatsServer::start()?;
    let bus = publisher(&nats).await?;
    publish_fixture(&bus).await?;
    // A Repository large enough that the draft outgrows what HTTP/2 buffers
    // for a reader that does not read.
    let practices = (0..2_000).flat_map(|n| {
        practice_events(
            &format!("01J{n:023}"),
            &format!("Remittance corridor number {n}"),
            vec![20],
            vec![Commission::Ece],
        )
    });
    publish(&bus, practices).await?;
    let clock = ManualClock::new(day(2025, 6, 1));
    let limits = imrf_platform::gate::LimitsConfig {
        max_streams_per_caller: 1,
        stalled_stream_timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    let mut app = TestApp::spawn_with(&nats, &clock, limits).await?;
    app.open().await?;
    let (version, _, _) = compile(&mut app, "c1").await?;
    let whole = app.draft_bytes(version, DraftFormat::Json).await?;
    assert!(whole.len() > 1 << 20, "{} bytes", whole.len());

    // A reader with a one-byte window that never reads what it is sent.
    let channel = tonic::transport::Endpoint::from_shared(app.process.url())?
        .initial_stream_window_size(Some(1))
        .connect()
        .await?;
    let bearer = imrf_platform::auth::Bearer::new(Some(&token_for("secretariat")))?;
    let mut stalled =
        imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient::new(
            imrf_platform::auth::with_bearer(channel, bearer),
        );
    let request = imrf_proto::v1::GetDraftRequest {
        cycle_id: "2026".into(),
        version,
        format: DraftFormat::Json as i32,
    };
    let held = stalled.get_draft(request.clone()).await?.into_inner();
    let second = stalled
        .get_draft(request.clone())
        .await
        .err()
        .ok_or("a second stream was opened beyond the share of one")?;
    assert_eq!(second.code(), tonic::Code::ResourceExhausted, "{second:?}");
    // Cut off at the stall timeout: its slot comes back while the reader
    // still holds the stream.
    eventually(std::time::Duration::from_secs(20), || {
        let (mut stalled, request) = (stalled.clone(), request.clone());
        async move { stalled.get_draft(request).await.ok() }
    })
    .await
    .ok_or("a reader that stopped reading kept its stream's slot")?;
    drop(held);
    app.stop().await;
    Ok(())
}

/// The names of the objects `store` holds (not those deleted).
async fn stored_names(
    store: &async_nats::jetstream::object_store::ObjectStore,
) -> Result<Vec<String>, AnyError> {
    use futures::StreamExt;
    let mut names = Vec::new();
    let mut listing = store.list().await?;
    while let Some(object) = listing.next().await {
        let object = object?;
        if !object.deleted {
            names.push(object.name);
        }
    }
    Ok(names)
}

#[tokio::test]
async fn old_versions_keep_their_json_alone_and_come_back_in_every_format_as_compiled() -> TestResult
{
    use report_compiler::RENDERINGS_KEPT;
    use report_compiler::draft::sha256_hex;

    let nats = NatsServer::start()?;
    let (bus, mut app) = in_drafting(&nats).await?;
    app.cycle_until(|c| c.latest_draft.is_some()).await?;
    // Each revision of the chapeau, set in DRAFTING, is a new version.
    for revision in 0..5 {
        let paragraph = format!("The chapeau as revised {revision} times.");
        app.drafts
            .set_draft_text(chapeau(revision, &[paragraph.as_str()]))
            .await?;
    }
    let drafts = app.drafts().await?;
    assert_eq!(drafts.len(), 6, "one draft and five revisions");
    let latest = drafts[0].version;

    let store = bus.jetstream().get_object_store("DRAFTS").await?;
    let names = stored_names(&store).await?;
    for draft in &drafts {
        let stored: Vec<&String> = names.iter().filter(|n| n.contains(&draft.sha256)).collect();
        let kept = draft.version + RENDERINGS_KEPT > latest;
        assert_eq!(
            stored.len(),
            if kept { 4 } else { 1 },
            "version {} of {latest}: {stored:?}",
            draft.version
        );
        if !kept {
            assert!(stored[0].ends_with(".json"), "{stored:?}");
        }
    }

    // The oldest, asked for in every format, is rendered again from its
    // JSON into the very bytes its compile announced, and not stored again.
    let oldest = drafts.last().ok_or("no draft")?;
    for rendering in &oldest.renderings {
        let format = DraftFormat::try_from(rendering.format)?;
        let bytes = app.draft_bytes(oldest.version, format).await?;
        assert_eq!(sha256_hex(&bytes), rendering.sha256, "{format:?}");
    }
    let workbook = app.draft_bytes(oldest.version, DraftFormat::Xlsx).await?;
    assert!(workbook.starts_with(b"PK"), "an XLSX package");
    let after = stored_names(&store)
        .await?
        .iter()
        .filter(|n| n.contains(&oldest.sha256))
        .count();
    assert_eq!(after, 1, "an old version's renderings are not stored again");
    Ok(())
}
