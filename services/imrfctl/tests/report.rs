//! imrfctl against a real national-aggregation and nats-server: the demo's
//! national reports are accepted, the indicator import keeps valid rows and
//! reports the others by line and column, and the aggregate is shown.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use imrf_testkit::{InProcess, NatsServer, service_config, test_key_file};
use national_aggregation::{Application, Config};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/demo/national")
}

async fn start(nats: &NatsServer) -> Result<InProcess, Box<dyn std::error::Error + Send + Sync>> {
    nats.ensure_cycle_open("2026").await?;
    let app = Application::build(Config {
        service: service_config(nats),
        consumer_ack_wait: Duration::from_secs(5),
        aggregate_publish_period: Duration::from_millis(100),
    })
    .await?;
    let addr = app.local_addr().ok_or("no address")?;
    Ok(InProcess::spawn(addr, |stop| app.run_until_stopped(stop)))
}

/// imrfctl as the secretariat unless `args` say `--as` someone else, minting
/// tokens with the services' test key as the operator of a stack does.
async fn imrfctl(url: &str, args: &[&str]) -> Result<Output, std::io::Error> {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_imrfctl"))
        .args(["--national-url", url])
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
async fn demo_reports_import_and_aggregate() -> TestResult {
    let nats = NatsServer::start()?;
    let service = start(&nats).await?;
    let url = service.url();
    let mut files: Vec<PathBuf> = std::fs::read_dir(demo_dir())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} demo reports", files.len());
    for file in &files {
        let state = file
            .file_stem()
            .map(|s| format!("state:{}", s.to_string_lossy().to_uppercase()))
            .unwrap_or_default();
        let out = imrfctl(
            &url,
            &["--as", &state, "report", "submit", &file.to_string_lossy()],
        )
        .await?;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            text(&out.stderr)
        );
    }

    // The real 10.7.3 figures, plus rows with problems.
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("indicators.csv");
    let mut content = std::fs::read_to_string(demo_dir().join("indicators.csv"))?;
    let good_rows = content.lines().count() - 1;
    content.push_str("XYZ,10.7.3,2022,,,5,\n");
    content.push_str("KEN,10.c.1,2022,,,250,\n");
    content.push_str("KEN,10.7.3,20x2,,,5,\n");
    content.push_str("KEN,10.c.1,2023,sex,,4.1,\n");
    content.push_str("KEN,10.c.1,2023,sex,female,4.1,survey\n");
    content.push_str("AFG,10.7.3,2022,,,12,no report from this State\n");
    std::fs::write(&csv, content)?;
    let out = imrfctl(
        &url,
        &[
            "report",
            "import-indicators",
            &csv.to_string_lossy(),
            "--cycle",
            "2026",
        ],
    )
    .await?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "some rows were rejected: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("imported {} observation(s)", good_rows + 1)),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    let first_bad = good_rows + 2;
    let shown = csv.to_string_lossy();
    for (offset, column) in [
        (0, "state"),
        (1, "value"),
        (2, "year"),
        (3, "category"),
        (5, "state"),
    ] {
        let expected = format!("{shown}: line {}: {column}:", first_bad + offset);
        assert!(
            stderr.contains(&expected),
            "missing {expected:?} in {stderr}"
        );
    }
    // Importing the same file again changes nothing.
    let again = imrfctl(
        &url,
        &[
            "report",
            "import-indicators",
            &csv.to_string_lossy(),
            "--cycle",
            "2026",
        ],
    )
    .await?;
    assert!(
        text(&again.stdout).contains(&format!(
            "imported 0 observation(s) into 0 report(s); {} already present",
            good_rows + 1
        )),
        "{}",
        text(&again.stdout)
    );
    let kenya = imrfctl(
        &url,
        &["--output", "json", "report", "show", "2026-KEN-VNR"],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&kenya.stdout)?;
    assert_eq!(record["meta"]["revision"], 2);
    let indicators = record["report"]["indicators"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(indicators >= 2, "{record}");

    // The aggregate sees all reports.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let out = imrfctl(
            &url,
            &["--output", "json", "aggregate", "show", "--cycle", "2026"],
        )
        .await?;
        let aggregate: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let has_deaths = aggregate["indicators"]
            .as_array()
            .is_some_and(|list| list.iter().any(|i| i["indicatorCode"] == "10.7.3"));
        if aggregate["nationalReports"] == files.len() && has_deaths {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "aggregate incomplete: {aggregate}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let summary = imrfctl(&url, &["aggregate", "show", "--cycle", "2026"]).await?;
    let summary = text(&summary.stdout);
    assert!(
        summary.contains(&format!("{} national report(s)", files.len())),
        "{summary}"
    );
    assert!(summary.contains("indicator 10.c.1"), "{summary}");
    service.stop().await;
    Ok(())
}
