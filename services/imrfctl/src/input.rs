//! Reading request content from JSON or YAML files, in the canonical proto3
//! JSON form of the contract (field names in snake_case or lowerCamelCase,
//! enum values by name, such as COMMISSION_ECE).

use std::path::Path;

use prost::Message;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::outcome::Failure;

/// Reads `path` as a `T`, by its extension: `.json`, or `.yaml`/`.yml`.
pub fn read<T: DeserializeOwned + prost::Name>(path: &Path) -> Result<T, Failure> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{shown}: cannot read: {e}")))?;
    imrf_files::content(&shown, &text).map_err(|e| match e {
        imrf_files::FileError::UnknownType { .. } => Failure::Usage(e.to_string()),
        imrf_files::FileError::Content { .. } => Failure::Input(e.to_string()),
    })
}

/// Reads `path` as a `T`: a filled Excel workbook (`.xlsx`) by `workbook`,
/// and anything else as [`read`] does.
pub fn read_or_workbook<T: DeserializeOwned + prost::Name>(
    path: &Path,
    workbook: fn(&str, &[u8]) -> Result<T, imrf_files::workbook::WorkbookError>,
) -> Result<T, Failure> {
    let is_workbook = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_workbook {
        return read(path);
    }
    let shown = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| Failure::Input(format!("{shown}: cannot read: {e}")))?;
    workbook(&shown, &bytes).map_err(|e| Failure::Input(e.to_string()))
}

/// Writes `bytes` to `path`, making its folder when missing.
pub fn write_out(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Input(format!("{}: cannot make it: {e}", dir.display())))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Input(format!("{}: cannot write: {e}", path.display())))
}

/// A request id derived from what is sent, so running the same command on
/// the same file again is recognized as a retry, not a new submission.
pub fn request_id_for<M: Message>(operation: &str, content: &M, extra: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(operation.as_bytes());
    hasher.update(content.encode_to_vec());
    hasher.update(extra.as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("imrfctl-{operation}-{hex}")
}
