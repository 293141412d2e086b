//! imrfctl as the secretariat and an operator on call meet it, against the
//! four service binaries: a cycle's schedule and who moved it when; the
//! services' logs of what they refused and of who advanced a cycle; and,
//! with NATS stopped, every command ending with exit 3 and naming the
//! event bus, never a bare "internal error".

mod support;

use std::process::Output;
use std::time::Duration;

use imrf_testkit::{eventually, test_key_file};
use support::{Stack, binary};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// imrfctl against the stack, as `who`.
async fn imrfctl(stack: &Stack, who: &str, args: &[&str]) -> Result<Output, std::io::Error> {
    let urls: Vec<String> = stack.services.iter().map(|s| s.url()).collect();
    tokio::process::Command::new(binary("imrfctl"))
        .args(["--regional-url", &urls[0], "--national-url", &urls[1]])
        .args(["--practices-url", &urls[2], "--report-url", &urls[3]])
        .args(["--as", who])
        .args(args)
        .env("IMRF_AUTH_KEY_FILE", test_key_file())
        .env_remove("IMRF_TOKEN")
        .output()
        .await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A cycle whose deadlines are all ahead, its dates written as people
/// write them.
const CYCLE: &str = "cycle_id: '2030'
title: 'Biennial report of the Secretary-General, 2030'
document_symbol: 'A/85/xxx'
session: 85
schedule:
  collection_start: 2029-02-01
  regional_review_deadline: 2029-04-30
  national_report_deadline: 2029-05-31
  practices_cutoff: 2029-06-15
  compile_date: 2029-07-01
  plenary_date: 2029-12-01
agenda_items:
  - {number: 14, title: 'Follow-up to the outcomes of the major conferences'}
period_covered: {start: 2028-01-01, end: 2029-12-31}
precedes_forum: true
";

#[tokio::test]
async fn the_secretariat_reads_the_schedule_and_an_outage_is_named_with_exit_3()
-> Result<(), AnyError> {
    let mut stack = Stack::start()?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("cycle-2030.yaml");
    std::fs::write(&file, CYCLE)?;
    let file = file.to_string_lossy().into_owned();
    let opened = imrfctl(&stack, "secretariat", &["cycle", "open", &file]).await?;
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    let advanced = imrfctl(
        &stack,
        "secretariat",
        &[
            "cycle",
            "advance",
            "2030",
            "--from",
            "open",
            "--reason",
            "Early start agreed by the Network",
        ],
    )
    .await?;
    assert!(advanced.status.success(), "{}", text(&advanced.stderr));
    let compiled = imrfctl(
        &stack,
        "secretariat",
        &["draft", "compile", "--cycle", "2030"],
    )
    .await?;
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    let shown = text(
        &imrfctl(&stack, "secretariat", &["cycle", "show", "2030"])
            .await?
            .stdout,
    );
    for expected in [
        "national reports due   2029-05-31",
        "plenary                2029-12-01",
        "-> COLLECTING (by secretariat: Early start agreed by the Network)",
    ] {
        assert!(shown.contains(expected), "{expected} not in\n{shown}");
    }
    // A refused submission and the advance are in the services' logs, with
    // the fields refused and who advanced the cycle and why.
    let refused = imrfctl(
        &stack,
        "state:KEN",
        &["report", "submit", &{
            let bad = dir.path().join("bad.yaml");
            std::fs::write(
                &bad,
                "cycle_id: '2030'\nstate: KEN\nkind: pledge update\ntitle: ''\nsummary: s\n",
            )?;
            bad.to_string_lossy().into_owned()
        }],
    )
    .await?;
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    let logged = |i: usize, wanted: &'static str| {
        let log = stack.services[i].log();
        async move { log.contains(wanted).then_some(()) }
    };
    eventually(Duration::from_secs(10), || {
        logged(1, "request refused: invalid argument")
    })
    .await
    .ok_or_else(|| format!("no refusal logged:\n{}", stack.services[1].log()))?;
    assert!(
        stack.services[1].log().contains("report.title"),
        "{}",
        stack.services[1].log()
    );
    let report_log = stack.services[3].log();
    assert!(
        report_log.contains("cycle advanced")
            && report_log.contains("secretariat")
            && report_log.contains("Early start agreed by the Network"),
        "{report_log}"
    );

    // A curator's review is logged with the status's name.
    let practice =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/demo/practices/01.yaml");
    let submitted = imrfctl(
        &stack,
        "state:MAR",
        &[
            "--output",
            "json",
            "practice",
            "submit",
            &practice.to_string_lossy(),
        ],
    )
    .await?;
    assert!(submitted.status.success(), "{}", text(&submitted.stderr));
    let id = serde_json::from_slice::<serde_json::Value>(&submitted.stdout)?["practiceId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let reviewed = imrfctl(
        &stack,
        "curator:ana",
        &[
            "practice",
            "review",
            &id,
            "--revision",
            "1",
            "--decision",
            "approve",
        ],
    )
    .await?;
    assert!(reviewed.status.success(), "{}", text(&reviewed.stderr));
    eventually(Duration::from_secs(10), || {
        logged(2, "PRACTICE_STATUS_IN_REVIEW")
    })
    .await
    .ok_or_else(|| format!("no status name logged:\n{}", stack.services[2].log()))?;

    // The bus goes away.
    stack.nats.stop();
    let status = |stack: &Stack| {
        let stack_urls: Vec<String> = stack.services.iter().map(|s| s.url()).collect();
        async move {
            let out = tokio::process::Command::new(binary("imrfctl"))
                .args([
                    "--regional-url",
                    &stack_urls[0],
                    "--national-url",
                    &stack_urls[1],
                ])
                .args([
                    "--practices-url",
                    &stack_urls[2],
                    "--report-url",
                    &stack_urls[3],
                ])
                .args(["stack", "status"])
                .output()
                .await
                .ok()?;
            let said = text(&out.stderr);
            (said.contains("not serving: regional-intake, national-aggregation, practices-hub, report-compiler")).then_some((out, said))
        }
    };
    let (out, said) = eventually(Duration::from_secs(30), || status(&stack))
        .await
        .ok_or("the services never reported NOT_SERVING")?;
    assert_eq!(out.status.code(), Some(3));
    assert!(said.contains("cannot reach the event bus (NATS)"), "{said}");
    std::fs::write(&file, CYCLE.replace("2030", "2032"))?;
    for args in [
        &["cycle", "open", file.as_str()][..],
        &["draft", "get", "--cycle", "2030", "--format", "md"][..],
        &[
            "cycle",
            "advance",
            "2030",
            "--from",
            "collecting",
            "--reason",
            "Test",
        ][..],
    ] {
        let out = imrfctl(&stack, "secretariat", args).await?;
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {said}");
        assert!(
            said.starts_with("unavailable: ")
                && said.contains("NATS")
                && !said.contains("internal error"),
            "{args:?}: {said}"
        );
    }
    Ok(())
}
