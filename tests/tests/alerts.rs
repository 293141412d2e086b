//! The alert rules and the dashboard in `deploy/`: the rules parse and
//! fire as their unit tests expect (`promtool check rules` and `promtool
//! test rules`), the dashboard's queries parse, and every series either
//! names is one the services record.

use std::path::{Path, PathBuf};
use std::process::Command;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// promtool, as `deploy/local/ensure-promtool.sh` finds or installs it.
fn promtool() -> Result<PathBuf, AnyError> {
    if let Some(path) = std::env::var_os("IMRF_PROMTOOL") {
        return Ok(PathBuf::from(path));
    }
    let found = Command::new("sh")
        .args(["-c", "command -v promtool"])
        .output()?;
    if found.status.success() {
        return Ok(PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()));
    }
    Err(
        "promtool not found: run `eval \"$(deploy/local/ensure-promtool.sh)\"` (just test does)"
            .into(),
    )
}

fn run(promtool: &Path, args: &[&str], dir: &Path) -> Result<String, AnyError> {
    let out = Command::new(promtool)
        .args(args)
        .current_dir(dir)
        .output()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        return Err(format!("promtool {args:?} failed:\n{said}").into());
    }
    Ok(said)
}

/// The `imrf_` series `text` names, without a histogram's suffixes.
fn series_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("imrf_"))
        .map(|w| {
            ["_bucket", "_count", "_sum"]
                .iter()
                .fold(w.to_string(), |w, s| {
                    w.strip_suffix(s).map_or(w.clone(), str::to_string)
                })
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Every Rust source file of the services.
fn sources() -> Result<String, AnyError> {
    let mut text = String::new();
    let mut dirs = vec![root().join("services")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                if !path.ends_with("target") && !path.ends_with("tests") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(&path)?);
            }
        }
    }
    Ok(text)
}

#[test]
fn the_alert_rules_parse_and_fire_as_their_tests_expect() -> Result<(), AnyError> {
    let promtool = promtool()?;
    let dir = root().join("deploy/prometheus");
    let checked = run(&promtool, &["check", "rules", "imrf-alerts.yml"], &dir)?;
    assert!(checked.contains("SUCCESS: 6 rules found"), "{checked}");
    let tested = run(&promtool, &["test", "rules", "imrf-alerts.test.yml"], &dir)?;
    assert!(tested.contains("SUCCESS"), "{tested}");
    Ok(())
}

#[test]
fn the_dashboards_queries_parse() -> Result<(), AnyError> {
    let promtool = promtool()?;
    let dashboard: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        root().join("deploy/grafana/imrf-dashboard.json"),
    )?)?;
    let exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .ok_or("no panels")?
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t["expr"].as_str().map(str::to_string))
        .collect();
    assert!(exprs.len() >= 10, "{} queries", exprs.len());
    // promtool parses queries only in rules: one recording rule each.
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, expr) in exprs.iter().enumerate() {
        rules.push_str(&format!(
            "      - record: dashboard_query_{i}\n        expr: {}\n",
            serde_json::to_string(expr)?
        ));
    }
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("dashboard.yml"), rules)?;
    let checked = run(&promtool, &["check", "rules", "dashboard.yml"], dir.path())?;
    assert!(
        checked.contains(&format!("SUCCESS: {} rules found", exprs.len())),
        "{checked}"
    );
    Ok(())
}

#[test]
fn the_rules_and_the_dashboard_name_only_series_the_services_record() -> Result<(), AnyError> {
    let code = sources()?;
    let rules = std::fs::read_to_string(root().join("deploy/prometheus/imrf-alerts.yml"))?;
    let dashboard = std::fs::read_to_string(root().join("deploy/grafana/imrf-dashboard.json"))?;
    let named = series_in(&format!("{rules}\n{dashboard}"));
    assert!(named.len() >= 12, "{named:?}");
    for name in named {
        assert!(
            code.contains(&format!("\"{name}\"")),
            "{name} is recorded nowhere in services/"
        );
    }
    Ok(())
}
