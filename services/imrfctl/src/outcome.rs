//! How a command ends: the exit codes scripts rely on, and how a refusal
//! from a service is shown (one field violation per line, with the file and
//! the field path).

use std::collections::HashMap;
use std::fmt;
use std::process::ExitCode;

use imrf_platform::error::{field_violations, is_shed};
use tonic::{Code, Status};

/// Exit code: the input was refused (by local checks or by the service).
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: wrong usage (clap uses it for bad flags too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: a service could not be reached or is not serving.
pub const EXIT_UNAVAILABLE: u8 = 3;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An input file could not be read or does not have the right shape.
    Input(String),
    /// The service refused the request.
    Refused {
        /// The file the request came from, if any.
        file: Option<String>,
        /// The line of each field path in that file (YAML or JSON), so a
        /// violation names the line to edit.
        lines: HashMap<String, usize>,
        /// The status the service gave.
        status: Status,
    },
    /// The service could not be reached.
    Unavailable(String),
    /// The command was used wrongly.
    Usage(String),
}

impl Failure {
    /// A failed call, classified by its status code.
    pub fn from_status(status: Status, file: Option<&str>) -> Self {
        // A call shed for capacity or rate is as safe to retry as one to
        // an unavailable service.
        if matches!(status.code(), Code::Unavailable | Code::DeadlineExceeded) || is_shed(&status) {
            let message = if status.message().starts_with("event bus unavailable") {
                "the service cannot reach the event bus (NATS)".to_string()
            } else {
                status.message().to_string()
            };
            return Self::Unavailable(format!(
                "{message} (safe to retry: the same command sends the same request id)"
            ));
        }
        let lines = file
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| imrf_files::locate::lines(&text))
            .unwrap_or_default();
        Self::Refused {
            file: file.map(str::to_string),
            lines,
            status,
        }
    }

    /// The failure as scripts read it under `--output json`: its kind,
    /// the exit code, the message, and for a refusal the status code and
    /// each field violation.
    pub fn to_json(&self) -> serde_json::Value {
        let (kind, message) = match self {
            Self::Input(m) => ("input", m.clone()),
            Self::Usage(m) => ("usage", m.clone()),
            Self::Unavailable(m) => ("unavailable", m.clone()),
            Self::Refused { status, .. } => ("refused", status.message().to_string()),
        };
        let mut error = serde_json::json!({
            "kind": kind,
            "exit_code": self.code(),
            "message": message,
        });
        if let Self::Refused {
            file,
            lines,
            status,
        } = self
        {
            error["code"] = format!("{:?}", status.code()).into();
            if let Some(file) = file {
                error["file"] = file.clone().into();
            }
            error["violations"] = field_violations(status)
                .into_iter()
                .map(|(field, description)| {
                    serde_json::json!({
                        "line": imrf_files::locate::line_of(lines, &field),
                        "field": field,
                        "description": description,
                    })
                })
                .collect();
        }
        serde_json::json!({ "error": error })
    }

    /// The exit code for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    fn code(&self) -> u8 {
        match self {
            Self::Input(_) | Self::Refused { .. } => EXIT_REJECTED,
            Self::Unavailable(_) => EXIT_UNAVAILABLE,
            Self::Usage(_) => EXIT_USAGE,
        }
    }
}

impl From<imrf_platform::probe::ProbeError> for Failure {
    fn from(err: imrf_platform::probe::ProbeError) -> Self {
        Self::Unavailable(err.to_string())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(message) | Self::Usage(message) => write!(f, "error: {message}"),
            Self::Unavailable(message) => write!(f, "unavailable: {message}"),
            Self::Refused {
                file,
                lines,
                status,
            } => {
                let violations = field_violations(status);
                let code = format!("{:?}", status.code());
                if violations.is_empty() {
                    // The services name the request's field; here it is a
                    // flag.
                    let message = status
                        .message()
                        .replace("expected_revision", "--expected-revision");
                    write!(f, "refused ({code}): {message}")?;
                    if status.code() == Code::Unauthenticated {
                        write!(
                            f,
                            "\nhint: pass --token (IMRF_TOKEN), or --as IDENTITY with the stack's key \
                             (--auth-key-file, IMRF_AUTH_KEY_FILE; `just up` makes .data/auth/token.key)"
                        )?;
                    }
                    return Ok(());
                }
                write!(f, "refused ({code}): {} problem(s)", violations.len())?;
                let prefix = file
                    .as_deref()
                    .map(|p| format!("{p}: "))
                    .unwrap_or_default();
                for (field, description) in violations {
                    let line = imrf_files::locate::line_of(lines, &field)
                        .map_or_else(String::new, |l| format!("line {l}: "));
                    write!(f, "\n{prefix}{line}{field}: {description}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::StatusExt as _;

    #[test]
    fn a_shed_call_is_safe_to_retry_and_an_oversized_one_is_refused() {
        let shed = Status::with_error_details(
            Code::ResourceExhausted,
            "the service is at its limit of 512 concurrent calls; retry after a back-off",
            tonic_types::ErrorDetails::with_retry_info(Some(std::time::Duration::from_millis(100))),
        );
        assert!(matches!(
            Failure::from_status(shed, None),
            Failure::Unavailable(_)
        ));
        let huge = Status::resource_exhausted("the request is larger than the limit");
        assert!(matches!(
            Failure::from_status(huge, None),
            Failure::Refused { .. }
        ));
    }
}
