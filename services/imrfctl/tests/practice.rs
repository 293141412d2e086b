//! imrfctl as the Network's curators use it, against a real practices-hub
//! and nats-server: the queue of practices awaiting review, oldest first,
//! with those needing a further reviewer marked; search by status and by
//! the facets the service supports; how many approvals publish; and the
//! history with its dates and the reviewers' marks.

use std::path::{Path, PathBuf};
use std::process::Output;

use imrf_testkit::{InProcess, NatsServer, service_config, test_key_file};
use practices_hub::{Application, Config};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

async fn start(nats: &NatsServer) -> Result<InProcess, Box<dyn std::error::Error + Send + Sync>> {
    let app = Application::build(Config {
        service: service_config(nats),
        approvals_required: 2,
    })
    .await?;
    let addr = app.local_addr().ok_or("no address")?;
    Ok(InProcess::spawn(addr, |stop| app.run_until_stopped(stop)))
}

async fn imrfctl(url: &str, who: &str, args: &[&str]) -> Result<Output, std::io::Error> {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_imrfctl"))
        .args(["--practices-url", url, "--as", who])
        .args(args)
        .env("IMRF_AUTH_KEY_FILE", test_key_file())
        .env_remove("IMRF_TOKEN")
        .output()
        .await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn demo(n: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../deploy/demo/practices/{n:02}.yaml"))
}

/// Submits demo practice `n` as `who` and gives its id.
async fn submit(
    url: &str,
    who: &str,
    n: u32,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let out = imrfctl(
        url,
        who,
        &[
            "--output",
            "json",
            "practice",
            "submit",
            &demo(n).to_string_lossy(),
        ],
    )
    .await?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    Ok(answer["practiceId"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

#[tokio::test]
async fn a_curator_sees_the_queue_reviews_and_reads_the_history() -> TestResult {
    let nats = NatsServer::start()?;
    let service = start(&nats).await?;
    let url = service.url();
    let first = submit(&url, "state:MAR", 1).await?;
    let second = submit(&url, "state:KEN", 2).await?;
    // Two reviews that disagree: the practice needs a further reviewer.
    for (who, decision, note) in [
        ("curator:ana", "approve", ""),
        ("curator:ben", "reject", "Not a migration practice."),
    ] {
        let mut args = vec![
            "practice",
            "review",
            &first,
            "--revision",
            "1",
            "--decision",
            decision,
            "--marks",
            "4,5,3,4,4",
        ];
        if !note.is_empty() {
            args.extend(["--note", note]);
        }
        let out = imrfctl(&url, who, &args).await?;
        assert!(out.status.success(), "{}", text(&out.stderr));
        if decision == "approve" {
            assert!(
                text(&out.stdout).contains("1 of the 2 approvals that publish it"),
                "{}",
                text(&out.stdout)
            );
        }
    }
    let queue = imrfctl(&url, "curator:cleo", &["practice", "queue"]).await?;
    assert!(queue.status.success(), "{}", text(&queue.stderr));
    let said = text(&queue.stdout);
    assert!(
        said.starts_with("2 practice(s) awaiting review, oldest first"),
        "{said}"
    );
    let (at_first, at_second) = (said.find(&first), said.find(&second));
    assert!(at_first < at_second, "oldest first:\n{said}");
    assert!(
        said.lines()
            .any(|l| l.contains(&first) && l.contains("NEEDS A FURTHER REVIEW")),
        "{said}"
    );
    assert!(
        !said
            .lines()
            .any(|l| l.contains(&second) && l.contains("NEEDS A FURTHER REVIEW")),
        "{said}"
    );
    // Search by status and by facet, in words.
    let waiting = imrfctl(
        &url,
        "curator:cleo",
        &[
            "--output",
            "json",
            "practice",
            "search",
            "--status",
            "in review",
            "--type",
            "policy",
        ],
    )
    .await?;
    assert!(waiting.status.success(), "{}", text(&waiting.stderr));
    let found: serde_json::Value = serde_json::from_slice(&waiting.stdout)?;
    let ids: Vec<&str> = found["results"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["practiceId"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, [first.as_str()]);
    let typo = imrfctl(
        &url,
        "curator:cleo",
        &["practice", "search", "--status", "in reveiw"],
    )
    .await?;
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        text(&typo.stderr)
            .contains("--status: 'in reveiw' is not a practice status; did you mean 'in review'?"),
        "{}",
        text(&typo.stderr)
    );
    // The history: when, who, and the marks given.
    let history = imrfctl(&url, "curator:cleo", &["practice", "history", &first]).await?;
    let said = text(&history.stdout);
    assert!(said.contains("by curator:ben"), "{said}");
    assert!(
        said.contains("marks: relevance 4, guiding principles 5, innovation 3, replicability 4, evidence of results 4"),
        "{said}"
    );
    // Each step starts with when it happened (RFC 3339, UTC).
    assert!(
        said.lines()
            .filter(|l| l.contains(" by "))
            .all(|l| l.trim_start().get(..2) == Some("20") && l.contains('T') && l.contains('Z')),
        "{said}"
    );
    service.stop().await;
    Ok(())
}
