//! The console's journeys in headless Chromium against the real stack
//! (nats-server, the four services and the console), each page checked by
//! axe-core for WCAG 2.1 AA and saved as a screenshot under
//! `target/console-journeys/<journey>/`.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use imrf_proto::v1::{PracticeStatus, SearchPracticesRequest};
use imrf_testkit::{Filling, fill_workbook};
use support::browser::{BoxError, Console, Driver};
use support::{Clients, Stack, approval, as_caller, practice};

/// The simulated day the services live on.
const CLOCK: [&str; 2] = ["--clock-start", "2026-02-02T08:00:00Z"];

/// The stack with its console, cycle 2026 opened by the secretariat and
/// moved on to collecting inputs, as a State's or commission's journey
/// begins.
async fn collecting_2026() -> Result<(Stack, Console), BoxError> {
    let stack = Stack::start_with(&CLOCK)?;
    let console = Console::start(&stack)?;
    Clients::connect(&stack, Some("secretariat"))
        .await?
        .open_collecting_2026("Fourth biennial report, 2026")
        .await?;
    Ok((stack, console))
}

/// Publishes `n` practices submitted by Kenya, each approved by two
/// curators, and waits until a reader's search finds them all.
async fn published_practices(c: &mut Clients, titles: &[(&str, u32)]) -> Result<(), BoxError> {
    for (i, (title, objective)) in titles.iter().enumerate() {
        let mut request = practice(i);
        if let Some(d) = request.details.as_mut() {
            d.title = (*title).into();
            d.summary = format!("{title}: what it does and for whom.");
            d.primary_objectives = vec![*objective];
            d.countries = vec!["KEN".into()];
            d.global_scope = false;
        }
        if let Some(f) = request.focal_point.as_mut() {
            f.email = format!("focal{i}@example.org");
        }
        let submitted = c
            .practices
            .submit_practice(as_caller("state:KEN", request))
            .await?
            .into_inner();
        for curator in ["curator:a", "curator:b"] {
            c.practices
                .review_practice(as_caller(
                    curator,
                    approval(format!("{curator}-{i}"), &submitted.practice_id, 1),
                ))
                .await?;
        }
    }
    let published = imrf_testkit::eventually(Duration::from_secs(20), || {
        let mut practices = c.practices.clone();
        async move {
            let found = practices
                .search_practices(as_caller(
                    "reader",
                    SearchPracticesRequest {
                        statuses: vec![PracticeStatus::Published as i32],
                        ..Default::default()
                    },
                ))
                .await
                .ok()?
                .into_inner();
            (found.total as usize == titles.len()).then_some(())
        }
    })
    .await;
    published.ok_or_else(|| format!("the {} practices were not all published", titles.len()).into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_searches_narrows_by_facet_and_cannot_reach_curation() -> Result<(), BoxError> {
    let stack = Stack::start_with(&CLOCK)?;
    let console = Console::start(&stack)?;
    let mut c = Clients::connect(&stack, None).await?;
    published_practices(
        &mut c,
        &[
            ("Remittance price comparison portal", 20),
            ("Digital remittances for rural families", 20),
            ("Ethical recruitment registry", 6),
        ],
    )
    .await?;
    let driver = Driver::start()?;
    let mut b = driver.browser("reader", 1280, 1000).await?;

    // The checker itself: a page with an unlabelled field and a form
    // without text is what axe-core must find, or every check below
    // proves nothing.
    b.goto("data:text/html,<html><body><input type=text><button></button></body></html>")
        .await?;
    let found: Vec<String> = b.axe().await?.into_iter().map(|v| v.id).collect();
    assert!(found.contains(&"label".to_string()), "{found:?}");
    assert!(found.contains(&"button-name".to_string()), "{found:?}");

    b.goto(&console.url("/practices")).await?;
    assert_eq!(b.text("#results-heading").await?, "3 practices");
    b.check("search").await?;

    // Narrowing by a facet updates the results in place (htmx), and the
    // address says what was chosen, so the page can be shared or reloaded.
    b.click("details.facet summary").await?;
    b.click("#f-objective-20").await?;
    b.wait_text("#results-heading", |t| t == "2 practices")
        .await?;
    let url = b.client.current_url().await?;
    assert!(url.as_str().contains("objective=20"), "{url}");
    b.check("narrowed-by-objective").await?;

    // The practice page: everything public, never the focal point.
    b.click(".hit h3 a").await?;
    b.wait_text("h1", |t| {
        t.contains("remittance") || t.contains("Remittance")
    })
    .await?;
    let page = b.source().await?;
    assert!(!page.contains("@example.org"), "a focal point is shown");
    assert!(page.contains("20. Remittances"), "objective label");
    b.check("practice").await?;

    // The public pages in French and Spanish: the visitor picks the
    // language once and keeps it from page to page.
    b.click("nav.languages a[lang=fr]").await?;
    b.wait_text("dl.facts", |t| t.contains("Objectifs du Pacte mondial"))
        .await?;
    let page = b.source().await?;
    assert!(page.contains("<html lang=\"fr\">"), "html lang");
    assert!(page.contains("20. Envois de fonds"), "objective in French");
    b.check("practice-fr").await?;
    b.goto(&console.url("/practices?objective=20")).await?;
    assert_eq!(b.text("h1").await?, "Répertoire des pratiques");
    assert_eq!(b.text("#results-heading").await?, "2 pratiques");
    b.check("search-fr").await?;
    b.click("nav.languages a[lang=es]").await?;
    b.wait_text("h1", |t| t == "Repositorio de Prácticas")
        .await?;
    assert_eq!(b.text("#results-heading").await?, "2 prácticas");
    assert!(
        b.text(".facets")
            .await?
            .contains("Objetivo del Pacto Mundial")
    );
    b.check("search-es").await?;
    b.click("nav.languages a[lang=en]").await?;
    b.wait_text("h1", |t| t == "Repository of Practices")
        .await?;

    // The keyboard: the first Tab reaches the skip link, which moves the
    // focus to the content.
    b.goto(&console.url("/practices")).await?;
    b.client
        .find(Locator::Css("body"))
        .await?
        .send_keys(&Key::Tab.to_string())
        .await?;
    let focused = b.client.active_element().await?;
    assert_eq!(focused.text().await?, "Skip to the content");
    focused.send_keys(&Key::Enter.to_string()).await?;
    let focused = b.client.active_element().await?;
    assert_eq!(focused.attr("id").await?.as_deref(), Some("main"));

    // A narrow screen: the layout holds with no sideways scrolling.
    b.client.set_window_size(390, 900).await?;
    b.goto(&console.url("/practices?objective=20")).await?;
    let fits = b
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await?;
    assert_eq!(
        fits,
        serde_json::Value::Bool(true),
        "the page scrolls sideways"
    );
    b.check("narrow-screen").await?;
    b.client.set_window_size(1280, 1000).await?;

    // Curation is for curators: by address, a reader meets a refusal, as
    // the service gives it, signed in or not.
    b.goto(&console.url("/curation")).await?;
    assert_eq!(b.text("h1").await?, "You may not see this page");
    b.check("curation-refused-anonymous").await?;
    b.sign_in(&console, "reader", "rita").await?;
    b.goto(&console.url("/curation")).await?;
    assert_eq!(b.text("h1").await?, "You may not see this page");
    b.check("curation-refused-reader").await?;
    b.client.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submitter_fixes_a_refused_proposal_and_two_curators_publish_it() -> Result<(), BoxError>
{
    let mut stack = Stack::start_with(&CLOCK)?;
    let console = Console::start(&stack)?;
    let driver = Driver::start()?;
    let mut b = driver.browser("proposal", 1280, 1100).await?;
    let title = "Community sponsorship of refugee families";

    b.sign_in(&console, "state", "KEN").await?;
    b.goto(&console.url("/practices/new")).await?;
    b.check("form").await?;
    b.fill("#title", title).await?;
    b.fill("#organization", "Ministry of Labour").await?;
    b.click("form.form button[type=submit]").await?;

    // Refused: what was typed stays, and each problem sits by its field.
    b.wait_text("#problem", |t| t.contains("need a correction"))
        .await?;
    let kept = b
        .client
        .find(Locator::Css("#title"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some(title));
    assert!(b.text("#summary-error").await?.len() > 3);
    assert!(b.text("#objectives-error").await?.len() > 3);
    b.check("refused").await?;

    b.fill(
        "#summary",
        "Local groups sponsor the arrival and first year of refugee families.",
    )
    .await?;
    b.fill(
        "#results",
        "Illustrative: 120 families settled, 80 per cent employed within a year.",
    )
    .await?;
    b.click("#objective-5").await?;
    b.click("#objective-16").await?;
    b.click("#principle-GUIDING_PRINCIPLE_WHOLE_OF_SOCIETY")
        .await?;
    b.click("#upholds_all").await?;
    b.select("#type", "PRACTICE_TYPE_PROGRAMME").await?;
    b.fill("#start_year", "2021").await?;
    b.fill("#completion", "80").await?;
    b.click("#global_scope").await?;
    b.select("#submitter_type", "STAKEHOLDER_TYPE_NATIONAL_GOVERNMENT")
        .await?;
    b.fill("#contact_name", "Amina Odhiambo").await?;
    b.fill("#contact_email", "amina@example.org").await?;

    // practices-hub is down when the form is sent: the page says so, keeps
    // what was typed, and sending again once it is back records the
    // practice once.
    stack.services[2].kill();
    b.click("form.form button[type=submit]").await?;
    let outage = b
        .wait_text("#problem", |t| t.contains("unavailable"))
        .await?;
    assert!(outage.contains("Nothing was recorded"), "{outage}");
    b.check("service-unavailable").await?;
    stack.services[2].crash_and_restart()?;
    let sent = b
        .client
        .execute(
            "return new URLSearchParams(new FormData(document.querySelector('form.form'))).toString();",
            vec![],
        )
        .await?;
    b.click("form.form button[type=submit]").await?;
    b.wait_text("h1", |t| t == title).await?;
    let first = b.client.current_url().await?;
    // The same form sent again (a double click, a resend): the same answer,
    // the same practice.
    let again = b
        .client
        .execute_async(
            "const [body, done] = arguments; fetch('/practices', {method: 'POST', \
             headers: {'content-type': 'application/x-www-form-urlencoded'}, body}) \
             .then(r => done(r.url)).catch(e => done(String(e)));",
            vec![sent],
        )
        .await?;
    assert_eq!(
        again.as_str(),
        Some(first.as_str()),
        "a resend made another practice"
    );
    let mut c = Clients::connect(&stack, Some("curator:audit")).await?;
    let queued = c
        .practices
        .search_practices(SearchPracticesRequest {
            query: "sponsorship".into(),
            statuses: vec![PracticeStatus::Submitted as i32],
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(queued.total, 1, "recorded once");
    assert!(b.text(".meta").await?.contains("Awaiting review"));
    b.check("proposed").await?;
    // The submitter's own list has it, though the public search does not yet.
    b.click("a[href='/practices/mine']").await?;
    let own = b.wait_text("#own-practices", |t| t.contains(title)).await?;
    assert!(own.contains("Awaiting review"), "{own}");
    b.check("own-practices").await?;
    b.sign_out().await?;

    for (n, curator) in ["alice", "bob"].iter().enumerate() {
        b.sign_in(&console, "curator", curator).await?;
        b.goto(&console.url("/curation")).await?;
        b.wait_text("#queue", |t| t.contains(title)).await?;
        b.check(&format!("queue-{curator}")).await?;
        b.click("#queue tbody a").await?;
        b.wait_text("h1", |t| t == title).await?;
        // The curator sees the focal point; the public page never does.
        assert!(b.source().await?.contains("amina@example.org"));
        b.click("#d-approve").await?;
        b.select("#mark-REVIEW_CRITERION_RELEVANCE", "5").await?;
        b.fill("#note", "Meets the criteria.").await?;
        b.check(&format!("review-{curator}")).await?;
        b.click("form.form button[type=submit]").await?;
        let expected = if n == 0 { "In review" } else { "Published" };
        b.wait_text(".meta", |t| t.contains(expected)).await?;
        b.sign_out().await?;
    }

    // Published: a reader finds it.
    b.goto(&console.url("/practices?q=sponsorship")).await?;
    b.wait_text(".hits", |t| t.contains(title)).await?;
    b.check("published").await?;
    b.client.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_follows_a_report_live_and_the_secretariat_compiles_and_downloads()
-> Result<(), BoxError> {
    // The stack lives as long as the journey.
    let (_stack, console) = collecting_2026().await?;
    let driver = Driver::start()?;
    let mut secretariat = driver.browser("dashboard", 1280, 1400).await?;
    let mut state = driver.browser("national-report", 1280, 1400).await?;

    secretariat.sign_in(&console, "secretariat", "dm").await?;
    secretariat.goto(&console.url("/cycles/2026")).await?;
    let before = secretariat.text("td[data-commission='ECA']").await?;
    assert!(before.starts_with("0 of "), "{before}");
    secretariat.check("dashboard").await?;

    state.sign_in(&console, "state", "KEN").await?;
    state.goto(&console.url("/reports/new")).await?;
    state.check("report-form").await?;
    state.select("#cycle", "2026").await?;
    state
        .fill("#title", "Voluntary national review of Kenya, 2026")
        .await?;
    state
        .fill("#summary", "Kenya reports progress on labour mobility.")
        .await?;
    state
        .select(
            "select[name=o5_status]",
            "IMPLEMENTATION_STATUS_IN_PROGRESS",
        )
        .await?;
    state
        .fill(
            "textarea[name=o5_narrative]",
            "Bilateral labour agreements with three States.",
        )
        .await?;
    state.click("#st-STAKEHOLDER_TYPE_CIVIL_SOCIETY").await?;
    state.click("form.form button[type=submit]").await?;
    state
        .wait_text("h1", |t| t == "Voluntary national review of Kenya, 2026")
        .await?;
    state.check("report-submitted").await?;

    // Indicator values from the CSV file imrfctl imports: a refused row is
    // named by line and column, and nothing is recorded until it is fixed.
    let files = tempfile::tempdir()?;
    let header = "state,indicator,year,dimension,category,value,source\n";
    let bad = files.path().join("ken-indicators.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}KEN,10.7.2,2025,,,83.3,National Statistics Office\nKEN,10.7.2,2012,,,80,\nUGA,10.7.2,2025,,,50,\n"
        ),
    )?;
    state.click("a[href$='/indicators']").await?;
    state
        .wait_text("h1", |t| t == "Add indicator values")
        .await?;
    state.attach("#file", &bad).await?;
    state.click("form.form button[type=submit]").await?;
    let refused = state
        .wait_text("#row-errors tbody", |t| !t.is_empty())
        .await?;
    assert!(refused.contains("3 year 2012 is outside"), "{refused}");
    assert!(
        refused.contains("4 state 'UGA' is another State"),
        "{refused}"
    );
    state.check("indicators-refused").await?;
    let good = files.path().join("ken-indicators-fixed.csv");
    std::fs::write(
        &good,
        format!(
            "{header}KEN,10.7.2,2025,,,83.3,National Statistics Office\nKEN,10.7.2,2025,sex,female,80,National Statistics Office\n"
        ),
    )?;
    state.attach("#file", &good).await?;
    state.click("form.form button[type=submit]").await?;
    state
        .wait_text(".meta", |t| t.contains("revision 2"))
        .await?;
    let values = state.text("main").await?;
    assert!(values.contains("83.3 percent"), "{values}");
    assert!(values.contains("Sex: female"), "{values}");
    state.check("indicators-added").await?;

    // The secretariat's page changes without a reload.
    let after = secretariat
        .wait_text("td[data-commission='ECA']", |t| t.starts_with("1 of "))
        .await?;
    assert_ne!(before, after);
    secretariat.check("dashboard-live").await?;

    secretariat
        .click("form[action='/cycles/2026/drafts'] button")
        .await?;
    secretariat
        .wait_text("h1", |t| t.starts_with("Draft 1"))
        .await?;
    secretariat.check("draft").await?;
    let (docx, media, disposition) = secretariat
        .fetch("/cycles/2026/drafts/1/download/docx")
        .await?;
    assert!(docx.starts_with(b"PK"), "a DOCX is a zip");
    assert!(media.contains("wordprocessingml"), "{media}");
    assert!(
        disposition.contains("imrf-2026-draft-1.docx"),
        "{disposition}"
    );
    let saved = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/console-journeys/dashboard/draft-1.docx");
    std::fs::write(&saved, &docx)?;
    // The draft's data, offered beside the document and rendered when
    // first asked for.
    let offered = secretariat.text("ul.downloads").await?;
    assert!(
        offered.contains("Annex tables and figures (Excel)")
            && offered.contains("Annex tables and figures (SDMX-CSV)"),
        "{offered}"
    );
    let (xlsx, media, disposition) = secretariat
        .fetch("/cycles/2026/drafts/1/download/xlsx")
        .await?;
    assert!(xlsx.starts_with(b"PK"), "a workbook is a zip");
    assert!(media.contains("spreadsheetml"), "{media}");
    assert!(
        disposition.contains("imrf-2026-draft-1.xlsx"),
        "{disposition}"
    );
    let (sdmx, _, _) = secretariat
        .fetch("/cycles/2026/drafts/1/download/sdmx-csv")
        .await?;
    assert!(
        sdmx.starts_with(b"DATAFLOW,TABLE,ROW,MEASURE,TIME_PERIOD,OBS_VALUE"),
        "{}",
        String::from_utf8_lossy(&sdmx[..sdmx.len().min(200)])
    );

    // A revised report, a second draft, and what changed between the two.
    let more = files.path().join("ken-indicators-revised.csv");
    std::fs::write(
        &more,
        format!("{header}KEN,10.7.2,2025,,,66.7,National Statistics Office (revised)\n"),
    )?;
    state
        .goto(&console.url("/reports/2026-KEN-VNR/indicators"))
        .await?;
    state.attach("#file", &more).await?;
    state.click("form.form button[type=submit]").await?;
    state
        .wait_text(".meta", |t| t.contains("revision 3"))
        .await?;
    secretariat.goto(&console.url("/cycles/2026")).await?;
    secretariat
        .click("form[action='/cycles/2026/drafts'] button")
        .await?;
    secretariat
        .wait_text("h1", |t| t.starts_with("Draft 2"))
        .await?;
    secretariat.click("a[href$='/drafts/2/changes']").await?;
    let inputs = secretariat
        .wait_text("#input-changes", |t| !t.is_empty())
        .await?;
    assert!(
        inputs.contains("National report 2026-KEN-VNR") && inputs.contains("revision 2 to 3"),
        "{inputs}"
    );
    let figures = secretariat.text("#figure-changes").await?;
    assert!(
        figures.contains("83 per cent") && figures.contains("67 per cent"),
        "{figures}"
    );
    secretariat.check("draft-changes").await?;

    secretariat
        .goto(&console.url("/cycles/2026/advance"))
        .await?;
    secretariat.check("advance-confirm").await?;
    secretariat
        .fill("#reason", "All five regional reviews are in.")
        .await?;
    secretariat.click("form.form button[type=submit]").await?;
    secretariat
        .wait_text(".meta", |t| t.contains("Consolidating"))
        .await?;
    secretariat.check("advanced").await?;
    secretariat.client.close().await?;
    state.client.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commission_submits_by_form_revises_by_file_and_withdraws() -> Result<(), BoxError> {
    // The stack lives as long as the journey.
    let (_stack, console) = collecting_2026().await?;
    let driver = Driver::start()?;
    let mut b = driver.browser("commission", 1280, 1400).await?;
    let title = "Regional review of the Global Compact in the UNECE region, 2026";

    b.sign_in(&console, "commission", "ECE").await?;
    b.goto(&console.url("/reviews")).await?;
    b.click("a[href='/reviews/form']").await?;
    b.wait_text("h1", |t| t.starts_with("A regional review"))
        .await?;
    b.check("form").await?;
    b.fill("#title", title).await?;
    b.fill("#symbol", "ECE/AC.35/2026/3").await?;
    b.set_value("#period_start", "2022-01-01").await?;
    b.set_value("#period_end", "2025-12-31").await?;
    b.set_value("#meeting_start", "2026-03-10").await?;
    b.set_value("#meeting_end", "2026-03-09").await?;
    b.click("#state-DEU").await?;
    b.click("#state-SWE").await?;
    b.click("#st-STAKEHOLDER_TYPE_CIVIL_SOCIETY").await?;
    b.click("#less-23").await?;
    b.fill(
        "#summary",
        "Regular pathways widened; data on missing migrants lags.",
    )
    .await?;
    b.click("form.form button[type=submit]").await?;

    // Refused: the meeting's end before its start, and no finding at all,
    // each said where it belongs; what was typed stays.
    b.wait_text("#problem", |t| t.contains("need a correction"))
        .await?;
    assert!(b.text("#meeting-error").await?.contains("before the start"));
    assert!(
        b.text("#findings-error")
            .await?
            .contains("at least one finding")
    );
    let kept = b
        .client
        .find(Locator::Css("#state-SWE"))
        .await?
        .prop("checked")
        .await?;
    assert_eq!(kept.as_deref(), Some("true"));
    b.check("refused").await?;

    b.set_value("#meeting_end", "2026-03-11").await?;
    b.click("#finding-5 summary").await?;
    b.fill(
        "#f5_progress",
        "Bilateral labour mobility agreements doubled since 2022.",
    )
    .await?;
    b.fill(
        "#f5_recommendations",
        "Extend skills partnerships.\nRecognise qualifications across borders.",
    )
    .await?;
    b.click("form.form button[type=submit]").await?;
    b.wait_text("h1", |t| t == title).await?;
    let page = b.text("main").await?;
    assert!(
        page.contains("Recognise qualifications across borders."),
        "{page}"
    );
    assert!(page.contains("Sweden"), "{page}");
    b.check("submitted").await?;

    // A revision from the file imrfctl takes.
    let files = tempfile::tempdir()?;
    let yaml = files.path().join("ece-2026.yaml");
    std::fs::write(
        &yaml,
        format!(
            "cycle_id: '2026'\ncommission: COMMISSION_ECE\ntitle: '{title}'\n\
             document_symbol: ECE/AC.35/2026/3/Rev.1\n\
             review_period: {{start: {{year: 2022, month: 1, day: 1}}, end: {{year: 2025, month: 12, day: 31}}}}\n\
             meeting_dates: {{start: {{year: 2026, month: 3, day: 10}}, end: {{year: 2026, month: 3, day: 11}}}}\n\
             participating_states: [DEU, SWE, FRA]\n\
             findings:\n  - objective: 5\n    progress: Labour mobility agreements doubled since 2022.\n\
             summary: Regular pathways widened.\n"
        ),
    )?;
    b.click("a[href^='/reviews/new?revise=']").await?;
    b.wait_text("h1", |t| t.starts_with("Revise")).await?;
    b.attach("#file", &yaml).await?;
    b.check("upload").await?;
    b.click("form.form button[type=submit]").await?;
    b.wait_text(".meta", |t| t.contains("revision 2")).await?;
    assert!(b.text("main").await?.contains("France"));
    b.check("revised").await?;
    // The form opened on the review holds revision 2 as the file gave it.
    b.click("a[href^='/reviews/form?revise=']").await?;
    b.wait_text("h1", |t| t.starts_with("Revise")).await?;
    let checked = b
        .client
        .find(Locator::Css("#state-FRA"))
        .await?
        .prop("checked")
        .await?;
    assert_eq!(checked.as_deref(), Some("true"));
    assert!(b.text("#finding-5 summary").await?.starts_with("5. "));
    b.check("revise-form").await?;
    b.client.back().await?;

    // A revision from the Excel template, filled in with openpyxl: a
    // plain number where a date belongs is named by its cell.
    let (workbook, _, _) = b.fetch("/reviews/template?cycle=2026").await?;
    let blank = files.path().join("ece-2026.xlsx");
    std::fs::write(&blank, &workbook)?;
    let (bad, good) = (
        files.path().join("ece-bad.xlsx"),
        files.path().join("ece-good.xlsx"),
    );
    fill_workbook(Filling::Review, &blank, &bad, true)?;
    fill_workbook(Filling::Review, &blank, &good, false)?;
    b.click("a[href^='/reviews/new?revise=']").await?;
    b.wait_text("h1", |t| t.starts_with("Revise")).await?;
    b.attach("#file", &bad).await?;
    b.click("form.form button[type=submit]").await?;
    let refused = b.wait_text("#problem", |t| t.contains("Review!B8")).await?;
    assert!(refused.contains("a plain number (46091)"), "{refused}");
    assert!(refused.contains("Findings!H24"), "{refused}");
    b.check("workbook-refused").await?;
    b.attach("#file", &good).await?;
    b.click("form.form button[type=submit]").await?;
    b.wait_text(".meta", |t| t.contains("revision 3")).await?;
    assert!(b.text("main").await?.contains("Italy"));
    b.check("revised-by-workbook").await?;

    // Withdrawal asks first.
    b.click("a[href$='/withdraw']").await?;
    b.wait_text("h1", |t| t.starts_with("Withdraw")).await?;
    b.fill("#reason", "Submitted under the wrong cycle.")
        .await?;
    b.check("withdraw-confirm").await?;
    b.click("form.form button[type=submit]").await?;
    b.wait_text(".notice", |t| {
        t.starts_with("Withdrawn: Submitted under the wrong cycle.")
    })
    .await?;
    b.check("withdrawn").await?;
    b.client.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_downloads_the_workbook_fills_it_in_excel_and_sends_it() -> Result<(), BoxError> {
    // The stack lives as long as the journey.
    let (_stack, console) = collecting_2026().await?;
    let driver = Driver::start()?;
    let mut b = driver.browser("workbook", 1280, 1200).await?;
    b.sign_in(&console, "state", "UGA").await?;
    b.goto(&console.url("/reports")).await?;
    b.click("a[href='/reports/workbook']").await?;
    b.wait_text("h1", |t| t.contains("Excel")).await?;
    b.check("workbook").await?;
    let (template, media, disposition) = b.fetch("/reports/template?cycle=2026").await?;
    assert!(media.contains("spreadsheetml"), "{media}");
    assert!(
        disposition.contains("national-report-2026-UGA.xlsx"),
        "{disposition}"
    );
    let files = tempfile::tempdir()?;
    let (blank, bad, good) = (
        files.path().join("uga.xlsx"),
        files.path().join("uga-bad.xlsx"),
        files.path().join("uga-good.xlsx"),
    );
    std::fs::write(&blank, &template)?;
    fill_workbook(Filling::Report, &blank, &bad, true)?;
    fill_workbook(Filling::Report, &blank, &good, false)?;

    b.attach("#file", &bad).await?;
    b.click("form.form button[type=submit]").await?;
    let cells = b
        .wait_text("#cell-problems tbody", |t| !t.is_empty())
        .await?;
    assert!(
        cells.contains("Objectives") && cells.contains("C21"),
        "{cells}"
    );
    assert!(cells.contains("a formula"), "{cells}");
    b.check("workbook-refused").await?;

    b.attach("#file", &good).await?;
    b.click("form.form button[type=submit]").await?;
    b.wait_text("h1", |t| t == "Voluntary national review of Kenya, 2026")
        .await?;
    let page = b.text("main").await?;
    assert!(page.contains("Bilateral labour agreements"), "{page}");
    assert!(page.contains("83.3 percent"), "{page}");
    b.check("workbook-submitted").await?;
    b.client.close().await?;
    Ok(())
}
