//! Filling the platform's Excel templates as a person would, with a real
//! spreadsheet writer: openpyxl, run by the Python of the project's tool
//! venv (`deploy/local/ensure-openpyxl.sh` installs it; `IMRF_PYTHON`
//! names another), on the scripts in `services/common/testkit/workbook/`.

use std::path::{Path, PathBuf};

use crate::TestkitError;

/// A filling of a template: what `fill_<kind>.py` writes into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filling {
    /// A national report, as `fill_report.py` fills it.
    Report,
    /// A regional review, as `fill_review.py` fills it.
    Review,
}

fn python() -> PathBuf {
    std::env::var_os("IMRF_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.tools/venv/bin/python"),
        PathBuf::from,
    )
}

/// Fills `template` into `filled`; with `bad`, the script's faulty variant
/// (a wrong status, a formula, a year outside the window, a plain number
/// for a date…), which the readers must refuse cell by cell.
pub fn fill_workbook(
    filling: Filling,
    template: &Path,
    filled: &Path,
    bad: bool,
) -> Result<(), TestkitError> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(match filling {
        Filling::Report => "workbook/fill_report.py",
        Filling::Review => "workbook/fill_review.py",
    });
    let python = python();
    let mut command = std::process::Command::new(&python);
    command.arg(script).arg(template).arg(filled);
    if bad {
        command.arg("bad");
    }
    let done = command.output().map_err(|e| {
        TestkitError::Start(format!(
            "{}: {e} (deploy/local/ensure-openpyxl.sh installs openpyxl into .tools/venv)",
            python.display()
        ))
    })?;
    if !done.status.success() {
        return Err(TestkitError::Start(format!(
            "filling {}: {}",
            template.display(),
            String::from_utf8_lossy(&done.stderr)
        )));
    }
    Ok(())
}
