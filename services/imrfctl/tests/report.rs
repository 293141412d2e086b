//! imrfctl against a real national-aggregation and nats-server: the demo's
//! national reports are accepted, the indicator import keeps valid rows and
//! reports the others by line and column, and the aggregate is shown.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use imrf_testkit::{Filling, InProcess, NatsServer, fill_workbook, service_config, test_key_file};
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

    // Every observation exported, with its source, the same bytes each time
    // and in every format; only the secretariat exports every State's data.
    let list = imrfctl(
        &url,
        &["--output", "json", "report", "list", "--cycle", "2026"],
    )
    .await?;
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout)?;
    let records = listed.as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), files.len(), "every report listed");
    let total: usize = records
        .iter()
        .map(|r| r["report"]["indicators"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(total > 10, "{total} observations");
    let csv = imrfctl(&url, &["aggregate", "export", "--cycle", "2026"]).await?;
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let lines = text(&csv.stdout).lines().count();
    assert_eq!(lines, total + 1, "one line per observation and the header");
    let again = imrfctl(&url, &["aggregate", "export", "--cycle", "2026"]).await?;
    assert_eq!(csv.stdout, again.stdout, "the same bytes");
    let sdmx = imrfctl(
        &url,
        &[
            "aggregate",
            "export",
            "--cycle",
            "2026",
            "--format",
            "sdmx-csv",
        ],
    )
    .await?;
    let sdmx = text(&sdmx.stdout);
    assert!(
        sdmx.starts_with("DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,"),
        "{sdmx}"
    );
    assert_eq!(sdmx.lines().count(), total + 1);
    assert!(sdmx.contains(",404,"), "Kenya by its M49 code");
    let dir = tempfile::tempdir()?;
    let book = dir.path().join("observations.xlsx");
    let written = imrfctl(
        &url,
        &[
            "aggregate",
            "export",
            "--cycle",
            "2026",
            "--format",
            "xlsx",
            "--out",
            &book.to_string_lossy(),
        ],
    )
    .await?;
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(std::fs::read(&book)?.starts_with(b"PK"));
    let refused = imrfctl(
        &url,
        &[
            "--as",
            "state:KEN",
            "aggregate",
            "export",
            "--cycle",
            "2026",
        ],
    )
    .await?;
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    service.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_template_filled_in_with_openpyxl_is_submitted_and_reads_back_as_filled() -> TestResult {
    let nats = NatsServer::start()?;
    let service = start(&nats).await?;
    let url = service.url();
    let dir = tempfile::tempdir()?;
    let template = dir.path().join("ken.xlsx");
    let made = imrfctl(
        &url,
        &[
            "report",
            "template",
            "--cycle",
            "2026",
            "--state",
            "KEN",
            "--out",
            &template.to_string_lossy(),
        ],
    )
    .await?;
    assert!(made.status.success(), "{}", text(&made.stderr));

    // A workbook with problems: each named by sheet and cell, nothing stored.
    let bad = dir.path().join("ken-bad.xlsx");
    fill_workbook(Filling::Report, &template, &bad, true)?;
    let refused = imrfctl(
        &url,
        &[
            "--as",
            "state:KEN",
            "report",
            "submit",
            &bad.to_string_lossy(),
        ],
    )
    .await?;
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stdout));
    let said = text(&refused.stderr);
    assert!(
        said.contains("Objectives!C21: 'Done' is not a status"),
        "{said}"
    );
    assert!(said.contains("Indicators!F4: a formula (=F2*2)"), "{said}");
    assert!(
        said.contains("Indicators!C5: 2012 is outside the reporting window"),
        "{said}"
    );
    let none = imrfctl(
        &url,
        &["--as", "state:KEN", "report", "show", "2026-KEN-VNR"],
    )
    .await?;
    assert!(
        !none.status.success(),
        "nothing was stored: {}",
        text(&none.stdout)
    );

    // The same template filled in well.
    let good = dir.path().join("ken-good.xlsx");
    fill_workbook(Filling::Report, &template, &good, false)?;
    let accepted = imrfctl(
        &url,
        &[
            "--as",
            "state:KEN",
            "report",
            "submit",
            &good.to_string_lossy(),
        ],
    )
    .await?;
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    let shown = imrfctl(
        &url,
        &[
            "--as",
            "state:KEN",
            "--output",
            "json",
            "report",
            "show",
            "2026-KEN-VNR",
        ],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&shown.stdout)?;
    let report = &record["report"];
    assert_eq!(report["title"], "Voluntary national review of Kenya, 2026");
    assert_eq!(report["kind"], "REPORT_KIND_VOLUNTARY_NATIONAL_REVIEW");
    assert_eq!(report["hasImplementationPlan"], true);
    let objectives: Vec<(u64, String)> = report["objectives"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    (
                        o["objective"].as_u64().unwrap_or(0),
                        o["status"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        objectives,
        [
            (5, "IMPLEMENTATION_STATUS_IN_PROGRESS".to_string()),
            (20, "IMPLEMENTATION_STATUS_ACHIEVED".to_string())
        ]
    );
    let indicators = report["indicators"].as_array().cloned().unwrap_or_default();
    assert_eq!(indicators.len(), 2, "{report}");
    assert_eq!(indicators[1]["category"], "female");
    assert_eq!(indicators[1]["value"], 80.0);
    assert_eq!(
        report["pledges"][0]["objectives"],
        serde_json::json!([6, 18])
    );
    assert_eq!(report["pledges"][0]["kind"], "PLEDGE_KIND_POLICY_ORIENTED");
    assert_eq!(report["stakeholdersConsulted"][0]["count"], 12);
    assert_eq!(
        report["disaggregationSupported"],
        serde_json::json!([
            "DISAGGREGATION_DIMENSION_SEX",
            "DISAGGREGATION_DIMENSION_AGE"
        ])
    );
    service.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_real_open_sdg_file_of_armenia_is_imported_for_the_years_of_the_cycle() -> TestResult {
    let nats = NatsServer::start()?;
    let service = start(&nats).await?;
    let url = service.url();
    let dir = tempfile::tempdir()?;
    let report = dir.path().join("arm.yaml");
    std::fs::write(
        &report,
        "cycle_id: '2026'\nstate: ARM\nkind: REPORT_KIND_VOLUNTARY_NATIONAL_REVIEW\n\
         title: 'Voluntary national review of Armenia, 2026'\n\
         summary: 'Remittance costs are reported from the national SDG platform.'\n\
         objectives:\n  - objective: 20\n    status: IMPLEMENTATION_STATUS_IN_PROGRESS\n    narrative: 'Remittance costs.'\n",
    )?;
    let sent = imrfctl(
        &url,
        &[
            "--as",
            "state:ARM",
            "report",
            "submit",
            &report.to_string_lossy(),
        ],
    )
    .await?;
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    // The file as Armenia's Open SDG platform publishes it, under its own
    // name so the indicator comes from the name.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../common/files/tests/data/opensdg/armenia_indicator_10-c-1.csv");
    let file = dir.path().join("indicator_10-c-1.csv");
    std::fs::copy(&sample, &file)?;
    let imported = imrfctl(
        &url,
        &[
            "report",
            "import-indicators",
            &file.to_string_lossy(),
            "--cycle",
            "2026",
            "--format",
            "open-sdg",
            "--state",
            "ARM",
        ],
    )
    .await?;
    // Rows outside the cycle's years are reported and left out.
    assert_eq!(
        imported.status.code(),
        Some(1),
        "{}",
        text(&imported.stderr)
    );
    assert!(
        text(&imported.stdout).contains("imported 4 observation(s) into 1 report(s)"),
        "{}",
        text(&imported.stdout)
    );
    let said = text(&imported.stderr);
    assert!(
        said.contains("line 2: Year: 2015 is outside the reporting window"),
        "{said}"
    );
    let shown = imrfctl(
        &url,
        &[
            "--as",
            "state:ARM",
            "--output",
            "json",
            "report",
            "show",
            "2026-ARM-VNR",
        ],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&shown.stdout)?;
    let values: Vec<(i64, f64)> = record["report"]["indicators"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    (
                        o["year"].as_i64().unwrap_or(0),
                        o["value"].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        values,
        [(2021, 5.64), (2022, 5.37), (2023, 5.78), (2024, 6.6)]
    );
    service.stop().await;
    Ok(())
}

#[tokio::test]
async fn sdmx_csv_of_the_sdg_series_is_imported_and_its_export_reads_back_unchanged() -> TestResult
{
    let nats = NatsServer::start()?;
    let service = start(&nats).await?;
    let url = service.url();
    let dir = tempfile::tempdir()?;
    for (state, name) in [("MEX", "Mexico"), ("KEN", "Kenya")] {
        let report = dir.path().join(format!("{state}.yaml"));
        std::fs::write(
            &report,
            format!(
                "cycle_id: '2026'\nstate: {state}\nkind: REPORT_KIND_VOLUNTARY_NATIONAL_REVIEW\n\
                 title: 'Voluntary national review of {name}, 2026'\n\
                 summary: 'Indicator values come from the UN Global SDG Indicators Database.'\n\
                 objectives:\n  - objective: 20\n    status: IMPLEMENTATION_STATUS_IN_PROGRESS\n    narrative: 'Remittances.'\n"
            ),
        )?;
        let sent = imrfctl(
            &url,
            &[
                "--as",
                &format!("state:{state}"),
                "report",
                "submit",
                &report.to_string_lossy(),
            ],
        )
        .await?;
        assert!(sent.status.success(), "{}", text(&sent.stderr));
    }
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../common/files/tests/data/sdmx/migration_series_layout.csv");
    let import = |file: String, series: Option<&'static str>| {
        let url = url.clone();
        async move {
            let mut args = vec![
                "report".to_string(),
                "import-indicators".into(),
                file,
                "--cycle".into(),
                "2026".into(),
                "--format".into(),
                "sdmx-csv".into(),
            ];
            if let Some(series) = series {
                args.extend(["--series".into(), series.into()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            imrfctl(&url, &args).await
        }
    };
    let imported = import(
        sample.to_string_lossy().into_owned(),
        Some("SL_EMP_FTLINJUR"),
    )
    .await?;
    assert_eq!(
        imported.status.code(),
        Some(1),
        "{}",
        text(&imported.stderr)
    );
    assert!(
        text(&imported.stdout).contains(
            "imported 6 observation(s) into 2 report(s); 0 already present; 14 row(s) rejected"
        ),
        "{}",
        text(&imported.stdout)
    );
    let said = text(&imported.stderr);
    for expected in [
        "line 9: REF_AREA: '1' is not the M49 code of a UN Member State",
        "line 17: OBS_VALUE: repeats the observation of line 2",
        "line 22: SERIES: 'SL_TLF_UEM' is not a series of an indicator of the review",
    ] {
        assert!(said.contains(expected), "{expected} not in {said}");
    }
    let shown = imrfctl(
        &url,
        &[
            "--as",
            "state:MEX",
            "--output",
            "json",
            "report",
            "show",
            "2026-MEX-VNR",
        ],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&shown.stdout)?;
    let codes: Vec<String> = record["report"]["indicators"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["indicatorCode"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(codes, ["10.c.1", "10.7.3", "8.8.1", "16.9.1", "17.3.2"]);

    // The cycle's own SDMX-CSV export holds the same observations: read
    // back, it changes no report.
    let exported = dir.path().join("observations.csv");
    let export = imrfctl(
        &url,
        &[
            "aggregate",
            "export",
            "--cycle",
            "2026",
            "--format",
            "sdmx-csv",
            "--out",
            &exported.to_string_lossy(),
        ],
    )
    .await?;
    assert!(export.status.success(), "{}", text(&export.stderr));
    let again = import(exported.to_string_lossy().into_owned(), None).await?;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains(
            "imported 0 observation(s) into 0 report(s); 6 already present; 0 row(s) rejected"
        ),
        "{}",
        text(&again.stdout)
    );
    service.stop().await;
    Ok(())
}

/// Writes `name` in `dir` with `content`, and gives its path as text.
fn file_in(dir: &Path, name: &str, content: &str) -> Result<String, std::io::Error> {
    let path = dir.join(name);
    std::fs::write(&path, content)?;
    Ok(path.to_string_lossy().into_owned())
}

#[tokio::test]
async fn a_focal_point_writes_words_and_reads_problems_by_line() -> TestResult {
    let nats = NatsServer::start()?;
    let service = start(&nats).await?;
    let url = service.url();
    let dir = tempfile::tempdir()?;
    let head = "cycle_id: '2026'\nstate: KEN\nkind: voluntary national review\n\
                title: 'Voluntary national review of Kenya, 2026'\n\
                summary: 'What the review finds.'\n";
    // A near miss is named with the nearest value, on its line; nothing is
    // sent.
    let typo = file_in(
        dir.path(),
        "typo.yaml",
        &format!("{head}objectives:\n  - objective: 20\n    status: planed\n"),
    )?;
    let out = imrfctl(&url, &["--as", "state:KEN", "report", "submit", &typo]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "typo.yaml: line 8: objectives[0].status: 'planed' is not an implementation status; did you mean 'planned'?"
        ),
        "{}",
        text(&out.stderr)
    );
    // The service's violations name the line too.
    let late = file_in(
        dir.path(),
        "late.yaml",
        &format!("{head}objectives:\n  - objective: 24\n    status: in progress\n"),
    )?;
    let out = imrfctl(&url, &["--as", "state:KEN", "report", "submit", &late]).await?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("late.yaml: line 7: report.objectives[0].objective:"),
        "{}",
        text(&out.stderr)
    );
    // Words are the contract's values.
    let good = file_in(
        dir.path(),
        "ken.yaml",
        &format!(
            "{head}objectives:\n  - objective: 20\n    status: in progress\n    narrative: 'Remittances.'\n\
             stakeholders_consulted:\n  - {{type: civil society, count: 3}}\n\
             disaggregation_supported: [sex, migration status]\n"
        ),
    )?;
    let out = imrfctl(&url, &["--as", "state:KEN", "report", "submit", &good]).await?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A second first submission is told which flag revises.
    let again = file_in(
        dir.path(),
        "again.yaml",
        &format!("{head}objectives:\n  - objective: 20\n    status: achieved\n"),
    )?;
    let out = imrfctl(&url, &["--as", "state:KEN", "report", "submit", &again]).await?;
    assert!(
        text(&out.stderr).contains("submit with --expected-revision 1"),
        "{}",
        text(&out.stderr)
    );
    // The report, as a person reads it, and as YAML.
    let shown = imrfctl(&url, &["report", "show", "2026-KEN-VNR"]).await?;
    let said = text(&shown.stdout);
    for expected in [
        "Voluntary national review of Kenya, 2026",
        "Kenya, voluntary national review, cycle 2026",
        "20 Remittances: in progress",
        "     Remittances.",
        "Consulted: 3 civil society",
        "Data disaggregated by: sex, migration status",
    ] {
        assert!(said.contains(expected), "{expected} not in\n{said}");
    }
    let yaml = imrfctl(
        &url,
        &["--output", "yaml", "report", "show", "2026-KEN-VNR"],
    )
    .await?;
    let record: serde_json::Value = serde_yaml_ng::from_slice(&yaml.stdout)?;
    assert_eq!(
        record["report"]["objectives"][0]["status"],
        "IMPLEMENTATION_STATUS_IN_PROGRESS"
    );
    // A refusal under --output json is JSON, with its code.
    let missing = imrfctl(
        &url,
        &["--output", "json", "report", "show", "2026-KEN-NIP"],
    )
    .await?;
    assert_eq!(missing.status.code(), Some(1));
    let error: serde_json::Value = serde_json::from_slice(&missing.stderr)?;
    assert_eq!(error["error"]["kind"], "refused");
    assert_eq!(error["error"]["code"], "NotFound");

    // Indicator values as Excel writes CSV with decimal commas, with
    // Windows line endings: a dry run sends nothing, a re-import counts
    // only the new rows as imported.
    let rows = |n: usize| -> String {
        let mut t = String::from("state;indicator;year;dimension;category;value;source\r\n");
        for (i, year) in (2021..2021 + n as i32).enumerate() {
            t.push_str(&format!("KEN;10.c.1;{year};sex;female;4,{i};NSO\r\n"));
        }
        t.push_str("KEN;10.c.1;2019;;;4,5;NSO\r\n");
        t
    };
    let four = file_in(dir.path(), "four.csv", &rows(4))?;
    let import = |file: String, dry: bool| {
        let url = url.clone();
        async move {
            let mut args = vec!["report", "import-indicators", &file, "--cycle", "2026"];
            if dry {
                args.push("--dry-run");
            }
            imrfctl(&url, &args).await
        }
    };
    let dry = import(four.clone(), true).await?;
    assert!(
        text(&dry.stdout).contains("dry run: would import 4 observation(s) into 1 report(s); 0 already present; 1 row(s) rejected; nothing was sent"),
        "{}",
        text(&dry.stdout)
    );
    assert!(
        text(&dry.stderr).contains("four.csv: line 6: year:"),
        "{}",
        text(&dry.stderr)
    );
    let nothing = imrfctl(
        &url,
        &["--output", "json", "report", "show", "2026-KEN-VNR"],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&nothing.stdout)?;
    assert_eq!(record["meta"]["revision"], 1, "the dry run sent nothing");
    let first = import(four, false).await?;
    assert!(
        text(&first.stdout)
            .contains("imported 4 observation(s) into 1 report(s); 0 already present"),
        "{}",
        text(&first.stdout)
    );
    let six = file_in(dir.path(), "six.csv", &rows(6))?;
    let second = import(six, false).await?;
    assert!(
        text(&second.stdout).contains(
            "imported 2 observation(s) into 1 report(s); 4 already present; 1 row(s) rejected"
        ),
        "{}",
        text(&second.stdout)
    );
    let shown = imrfctl(
        &url,
        &["--output", "json", "report", "show", "2026-KEN-VNR"],
    )
    .await?;
    let record: serde_json::Value = serde_json::from_slice(&shown.stdout)?;
    assert_eq!(record["report"]["indicators"][5]["value"], 4.5);
    service.stop().await;
    Ok(())
}
