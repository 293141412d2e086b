//! The files people bring to the platform, read the same way wherever they
//! arrive (imrfctl's `--file`, the console's upload): request content in the
//! canonical proto3 JSON form of the contract, as JSON or YAML (field names
//! in snake_case or lowerCamelCase, enum values by name, such as
//! COMMISSION_ECE); and indicator observations as CSV ([`indicators`]).

use serde::de::DeserializeOwned;

pub mod export;
pub mod friendly;
pub mod indicators;
pub mod locate;
pub mod opensdg;
pub mod sdmx;
pub mod template;
pub mod workbook;

/// Why a file could not be read as request content.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The name's extension is not one the platform reads.
    #[error("{name}: unknown file type '.{extension}': use .json, .yaml or .yml")]
    UnknownType {
        /// The file's name.
        name: String,
        /// Its extension.
        extension: String,
    },
    /// The content does not parse as the message, with where and why.
    #[error("{name}: {problem}")]
    Content {
        /// The file's name.
        name: String,
        /// What the parser said, with line and column.
        problem: String,
    },
}

/// The kinds of file request content comes in.
pub const EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// `text`, the content of the file `name`, as a `T`, by the name's
/// extension: `.json`, or `.yaml`/`.yml`. Plain words for enum values and
/// ISO dates are taken ([`friendly`]); every problem is given with the
/// line it is on.
pub fn content<T: DeserializeOwned + prost::Name>(name: &str, text: &str) -> Result<T, FileError> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let problem = |problem: String| FileError::Content {
        name: name.to_string(),
        problem,
    };
    let mut value: serde_json::Value = match extension.as_str() {
        "json" => serde_json::from_str(text).map_err(|e| problem(e.to_string()))?,
        "yaml" | "yml" => serde_yaml_ng::from_str(text).map_err(|e| problem(e.to_string()))?,
        _ => {
            return Err(FileError::UnknownType {
                name: name.to_string(),
                extension,
            });
        }
    };
    // Where each value is, worked out once and only for a file with a
    // problem to place.
    let lines = std::cell::OnceCell::new();
    let at = |path: &str, message: &str| {
        let lines = lines.get_or_init(|| locate::lines(text));
        match locate::line_of(lines, path) {
            Some(line) => format!("line {line}: {path}: {message}"),
            None if path.is_empty() || path == "." => message.to_string(),
            None => format!("{path}: {message}"),
        }
    };
    let problems = friendly::normalize(&T::full_name(), &mut value);
    if !problems.is_empty() {
        let listed: Vec<String> = problems.iter().map(|(p, m)| at(p, m)).collect();
        return Err(problem(listed.join("\n")));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = locate::snake_path(&e.path().to_string());
        problem(at(&path, &e.inner().to_string()))
    })
}

#[cfg(test)]
mod tests {
    use imrf_proto::v1::{Commission, RegionalReview};

    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_message() -> Result<(), FileError> {
        let json: RegionalReview = content(
            "ece.json",
            r#"{"cycleId": "2026", "commission": "COMMISSION_ECE"}"#,
        )?;
        let yaml: RegionalReview =
            content("ece.YAML", "cycle_id: '2026'\ncommission: COMMISSION_ECE\n")?;
        assert_eq!(json, yaml);
        assert_eq!(json.commission, Commission::Ece as i32);
        Ok(())
    }

    #[test]
    fn a_refusal_names_the_file_and_where() {
        let err = content::<RegionalReview>("ece.yaml", "cycle_id: '2026'\nnot_a_field: 1\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("ece.yaml: line 2: not_a_field: unknown field"),
            "{err}"
        );
        let unknown = content::<RegionalReview>("ece.txt", "")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            unknown.as_deref(),
            Some("ece.txt: unknown file type '.txt': use .json, .yaml or .yml")
        );
    }
}
