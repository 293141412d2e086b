//! imrfctl against a real regional-intake and nats-server: the demo's
//! regional reviews are accepted, refusals print one violation per line
//! with file and field, and exit codes are the documented ones.

use std::path::{Path, PathBuf};
use std::process::Output;

use imrf_testkit::{Filling, InProcess, NatsServer, fill_workbook, service_config, test_key_file};
use regional_intake::{Application, Config};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/demo/regional")
}

async fn start_intake(
    nats: &NatsServer,
) -> Result<InProcess, Box<dyn std::error::Error + Send + Sync>> {
    nats.ensure_cycle_open("2026").await?;
    let app = Application::build(Config {
        service: service_config(nats),
    })
    .await?;
    let addr = app.local_addr().ok_or("no address")?;
    Ok(InProcess::spawn(addr, |stop| app.run_until_stopped(stop)))
}

/// imrfctl as the secretariat unless `args` say `--as` someone else, minting
/// tokens with the services' test key as the operator of a stack does.
async fn imrfctl(url: &str, args: &[&str]) -> Result<Output, std::io::Error> {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_imrfctl"))
        .args(["--regional-url", url])
        .args(args)
        .env("IMRF_AUTH_KEY_FILE", test_key_file())
        .env("IMRF_SUBJECT", "secretariat")
        .env_remove("IMRF_TOKEN")
        .output()
        .await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[tokio::test]
async fn every_demo_review_is_accepted_and_a_rerun_is_a_retry() -> TestResult {
    let nats = NatsServer::start()?;
    let intake = start_intake(&nats).await?;
    let url = intake.url();
    for code in ["eca", "ece", "eclac", "escap", "escwa"] {
        let file = demo_dir().join(format!("{code}.yaml"));
        let file = file.to_string_lossy();
        let commission = format!("commission:{}", code.to_uppercase());
        let out = imrfctl(&url, &["--as", &commission, "review", "submit", &file]).await?;
        assert_eq!(out.status.code(), Some(0), "{code}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("2026-{} revision 1", code.to_uppercase())),
            "{stdout}"
        );
        // The same command again is recognized as a retry of the same request.
        let again = imrfctl(&url, &["--as", &commission, "review", "submit", &file]).await?;
        assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
        assert_eq!(text(&again.stdout), stdout);
    }
    let list = imrfctl(&url, &["review", "list", "--cycle", "2026"]).await?;
    assert!(
        text(&list.stdout).contains("5 review(s)"),
        "{}",
        text(&list.stdout)
    );
    let json = imrfctl(&url, &["--output", "json", "review", "show", "2026-ESCAP"]).await?;
    let record: serde_json::Value = serde_json::from_slice(&json.stdout)?;
    assert_eq!(record["review"]["commission"], "COMMISSION_ESCAP");
    assert_eq!(record["meta"]["revision"], 1);
    Ok(())
}

#[tokio::test]
async fn a_refusal_names_the_file_and_field_and_exits_1() -> TestResult {
    let nats = NatsServer::start()?;
    let intake = start_intake(&nats).await?;
    let url = intake.url();
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        r#"{"cycle_id": "2026", "commission": "COMMISSION_ECE", "title": "t",
            "review_period": {"start": {"year": 2024, "month": 1, "day": 1}, "end": {"year": 2024, "month": 12, "day": 31}},
            "meeting_dates": {"start": {"year": 2025, "month": 1, "day": 1}, "end": {"year": 2025, "month": 1, "day": 2}},
            "participating_states": ["DEU", "KEN"],
            "findings": [{"objective": 24, "progress": "p"}],
            "summary": "s"}"#,
    )?;
    let shown = file.to_string_lossy().to_string();
    let out = imrfctl(
        &url,
        &["--as", "commission:ECE", "review", "submit", &shown],
    )
    .await?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{shown}: line 4: review.participating_states[1]: KEN is not a member of ECE"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{shown}: line 5: review.findings[0].objective:")),
        "{stderr}"
    );

    let malformed = dir.path().join("malformed.yaml");
    std::fs::write(&malformed, "cycle_id: [not, a, string]\n")?;
    let out = imrfctl(
        &url,
        &[
            "--as",
            "commission:ECE",
            "review",
            "submit",
            &malformed.to_string_lossy(),
        ],
    )
    .await?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    Ok(())
}

#[tokio::test]
async fn exit_codes_for_usage_and_unavailable() -> TestResult {
    let unused = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let url = format!("http://{unused}");
    let out = imrfctl(&url, &["review", "list"]).await?;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let out = imrfctl(&url, &["review", "list", "--commission", "OECD"]).await?;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = imrfctl(&url, &["review", "frobnicate"]).await?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

/// A token minted with `imrfctl token issue` is what the service sees; a
/// commission cannot submit another's review, and without a token nothing
/// is accepted.
#[tokio::test]
async fn tokens_from_token_issue_are_honoured_and_scoped() -> TestResult {
    let nats = NatsServer::start()?;
    let intake = start_intake(&nats).await?;
    let url = intake.url();
    let key = test_key_file();
    let key = key.to_string_lossy();
    let issue = |role: &str| {
        let role = role.to_string();
        let key = key.to_string();
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_imrfctl"))
                .args([
                    "token",
                    "issue",
                    "--subject",
                    "focal-point",
                    "--role",
                    &role,
                ])
                .args(["--ttl", "10m", "--auth-key-file", &key])
                .output()
                .await
        }
    };
    let eca = issue("commission:ECA").await?;
    assert_eq!(eca.status.code(), Some(0), "{}", text(&eca.stderr));
    let eca = text(&eca.stdout).trim().to_string();
    assert_eq!(eca.split('.').count(), 3, "a JWT: {eca}");

    let send = |token: Option<String>, file: &str| {
        let url = url.clone();
        let file = demo_dir().join(file).to_string_lossy().to_string();
        async move {
            let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_imrfctl"));
            command
                .args(["--regional-url", &url, "review", "submit", &file])
                .env_remove("IMRF_AUTH_KEY_FILE")
                .env_remove("IMRF_SUBJECT");
            match token {
                Some(token) => command.env("IMRF_TOKEN", token),
                None => command.env_remove("IMRF_TOKEN"),
            };
            command.output().await
        }
    };
    let own = send(Some(eca.clone()), "eca.yaml").await?;
    assert_eq!(own.status.code(), Some(0), "{}", text(&own.stderr));
    let others = send(Some(eca), "ece.yaml").await?;
    assert_eq!(others.status.code(), Some(1));
    assert!(
        text(&others.stderr).contains("not ECE's"),
        "{}",
        text(&others.stderr)
    );
    let anonymous = send(None, "ece.yaml").await?;
    assert_eq!(anonymous.status.code(), Some(1));
    assert!(
        text(&anonymous.stderr).contains("no bearer token"),
        "{}",
        text(&anonymous.stderr)
    );
    // Roles are checked when minting too.
    let bad = issue("commission:OECD").await?;
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    Ok(())
}

#[tokio::test]
async fn a_review_template_filled_in_with_openpyxl_is_submitted() -> TestResult {
    let nats = NatsServer::start()?;
    let intake = start_intake(&nats).await?;
    let url = intake.url();
    let dir = tempfile::tempdir()?;
    let template = dir.path().join("ece.xlsx");
    let made = imrfctl(
        &url,
        &[
            "review",
            "template",
            "--cycle",
            "2026",
            "--commission",
            "ECE",
            "--out",
            &template.to_string_lossy(),
        ],
    )
    .await?;
    assert!(made.status.success(), "{}", text(&made.stderr));
    let filled = dir.path().join("ece-filled.xlsx");
    fill_workbook(Filling::Review, &template, &filled, false)?;
    let sent = imrfctl(
        &url,
        &[
            "--as",
            "commission:ECE",
            "review",
            "submit",
            &filled.to_string_lossy(),
        ],
    )
    .await?;
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    let shown = imrfctl(
        &url,
        &[
            "--as",
            "commission:ECE",
            "--output",
            "json",
            "review",
            "show",
            "2026-ECE",
        ],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&shown.stdout)?;
    let review = &record["review"];
    assert_eq!(review["documentSymbol"], "ECE/AC.35/2026/3/Rev.2");
    assert_eq!(
        review["participatingStates"],
        serde_json::json!(["DEU", "ITA", "SWE"])
    );
    assert_eq!(review["meetingDates"]["start"]["day"], 10);
    assert_eq!(review["lessAttentionObjectives"], serde_json::json!([23]));
    assert_eq!(
        review["findings"][0]["recommendations"]
            .as_array()
            .map_or(0, Vec::len),
        2
    );
    intake.stop().await;
    Ok(())
}
