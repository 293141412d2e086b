//! imrfctl as a kubectl or gh user expects it, without a service: shell
//! completion, help that lists the options of every command once, the
//! report template and the codes it is checked against, errors as JSON
//! for scripts, and a quiet end when the reader of its output goes away.

use std::process::{Command, Output, Stdio};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn imrfctl(args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_imrfctl"))
        .args(args)
        .env_remove("IMRF_TOKEN")
        .env_remove("IMRF_SUBJECT")
        .output()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn completion_scripts_are_written_for_each_shell() -> TestResult {
    for (shell, mark) in [
        ("bash", "_imrfctl()"),
        ("zsh", "#compdef imrfctl"),
        ("fish", "complete -c imrfctl"),
    ] {
        let out = imrfctl(&["completion", shell])?;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(mark), "{shell}: no {mark}");
        assert!(
            script.contains("import-indicators"),
            "{shell}: no subcommands"
        );
    }
    Ok(())
}

#[test]
fn the_options_of_every_command_are_listed_once_under_the_top_help() -> TestResult {
    let top = text(&imrfctl(&["--help"])?.stdout);
    assert_eq!(top.matches("--national-url").count(), 1, "{top}");
    assert!(top.contains("--output <OUTPUT>"), "{top}");
    assert!(top.contains("text, json, yaml"), "{top}");
    let submit = text(&imrfctl(&["report", "submit", "--help"])?.stdout);
    assert!(!submit.contains("--national-url"), "{submit}");
    assert!(
        submit.lines().count() < 30,
        "{} lines:\n{submit}",
        submit.lines().count()
    );
    assert!(submit.contains("report template"), "{submit}");
    // A flag left out is named alone, not beside the options of every
    // command as if they were required too.
    let out = imrfctl(&["practice", "review", "01J", "--decision", "approve"])?;
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("--revision <REVISION>"), "{said}");
    assert!(!said.contains("-url"), "{said}");
    Ok(())
}

#[test]
fn the_report_template_and_the_codes_it_is_checked_against() -> TestResult {
    let out = imrfctl(&["report", "template", "--cycle", "2026", "--state", "ken"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(yaml.contains("state: KEN"), "{yaml}");
    assert!(yaml.contains("# Required. One of: voluntary national review, national implementation plan, pledge update."), "{yaml}");
    assert_eq!(yaml.matches("  - objective: ").count(), 23);
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("ken.yaml");
    let written = imrfctl(&[
        "report",
        "template",
        "--cycle",
        "2026",
        "--state",
        "KEN",
        "--out",
        &file.to_string_lossy(),
    ])?;
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert_eq!(std::fs::read_to_string(&file)?, yaml);
    let explained = text(&imrfctl(&["report", "explain", "--cycle", "2028"])?.stdout);
    for expected in [
        "in progress",
        "10.7.3  persons",
        "2023-2028",
        "migration status",
    ] {
        assert!(
            explained.contains(expected),
            "{expected} not in\n{explained}"
        );
    }
    Ok(())
}

#[test]
fn under_output_json_an_error_is_json_with_its_exit_code() -> TestResult {
    let out = imrfctl(&[
        "--output", "json", "report", "template", "--cycle", "2026", "--state", "XYZ",
    ])?;
    assert_eq!(out.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_slice(&out.stderr)?;
    assert_eq!(error["error"]["kind"], "usage");
    assert_eq!(error["error"]["exit_code"], 2);
    assert_eq!(
        error["error"]["message"],
        "'XYZ' is not the ISO3 code of a UN Member State"
    );
    Ok(())
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() -> TestResult {
    for args in [&["report", "explain"][..], &["completion", "bash"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_imrfctl"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        // The reader closes its end before the command writes a line, as
        // `| head -0` does.
        drop(child.stdout.take());
        let out = child.wait_with_output()?;
        assert!(
            out.status.success(),
            "{args:?}: {:?} {}",
            out.status,
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
    Ok(())
}

#[test]
fn a_password_file_that_cannot_be_read_is_named_and_not_called_an_outage() -> TestResult {
    let out = imrfctl(&[
        "store",
        "usage",
        "--nats-password-file",
        "/nonexistent/admin",
    ])?;
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("/nonexistent/admin"), "{said}");
    assert!(!said.contains("nats-server running"), "{said}");
    Ok(())
}
