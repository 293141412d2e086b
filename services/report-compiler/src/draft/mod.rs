//! The draft of the Secretary-General's biennial report: its structure
//! (`model`), how inputs become its paragraphs (`compose`, a file per
//! chapter), and its renderings: the document in four formats (`render`,
//! `docx`), made at each compile, and its data in two (`data`), made from
//! the stored draft when first asked for.

pub mod compose;
pub mod data;
pub mod diff;
pub mod docx;
mod json_layout;
pub mod model;
pub mod render;

use imrf_proto::v1::DraftFormat;
use sha2::{Digest, Sha256};

use model::Draft;

/// One rendering of a draft.
#[derive(Debug, Clone)]
pub struct Rendering {
    /// Its format.
    pub format: DraftFormat,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file extension of a format.
pub fn extension(format: DraftFormat) -> &'static str {
    match format {
        DraftFormat::Markdown => "md",
        DraftFormat::Html => "html",
        DraftFormat::Docx => "docx",
        DraftFormat::Xlsx => "xlsx",
        DraftFormat::SdmxCsv => "sdmx.csv",
        DraftFormat::Json | DraftFormat::Unspecified => "json",
    }
}

/// Why a draft could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The JSON rendering failed.
    #[error("json rendering")]
    Json(#[from] serde_json::Error),
    /// The DOCX package could not be written.
    #[error("docx rendering")]
    Docx(#[from] zip::result::ZipError),
    /// The workbook of the draft's data could not be written.
    #[error("xlsx rendering")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The renderings of the document `draft`, JSON first (its hash addresses
/// the draft). The JSON (the largest) and the HTML are rendered and hashed
/// on a thread of their own beside the Markdown and the DOCX, which take
/// about as long: each format is a pure function of the draft, so the
/// bytes are the same as one after the other. The data formats are left
/// to [`render_one`]: the workbook alone would double a compile, and few
/// drafts are ever asked for in it.
pub fn render_all(draft: &Draft) -> Result<Vec<Rendering>, RenderError> {
    let rendering = |format, bytes: Vec<u8>| Rendering {
        format,
        sha256: sha256_hex(&bytes),
        bytes,
    };
    std::thread::scope(|scope| {
        let beside = scope.spawn(|| {
            render::json(draft).map(|json| {
                [
                    rendering(DraftFormat::Json, json),
                    rendering(DraftFormat::Html, render::html(draft)),
                ]
            })
        });
        let markdown = rendering(DraftFormat::Markdown, render::markdown(draft));
        let docx = rendering(DraftFormat::Docx, docx::docx(draft)?);
        // A panic in the other thread is a bug of this crate: surface it
        // as the panic it is.
        let [json, html] = beside
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok(vec![json, markdown, html, docx])
    })
}

/// The rendering of `draft` in `format`, one format alone: a data format
/// (XLSX, SDMX-CSV) when first asked for, or a document format of a
/// version whose stored renderings were let go (the same bytes as at its
/// compile, each format being a pure function of the draft); `None` for
/// no format.
pub fn render_one(draft: &Draft, format: DraftFormat) -> Result<Option<Rendering>, RenderError> {
    let bytes = match format {
        DraftFormat::Json => render::json(draft)?,
        DraftFormat::Markdown => render::markdown(draft),
        DraftFormat::Html => render::html(draft),
        DraftFormat::Docx => docx::docx(draft)?,
        DraftFormat::Xlsx => data::xlsx(draft)?,
        DraftFormat::SdmxCsv => data::sdmx_csv(draft),
        DraftFormat::Unspecified => return Ok(None),
    };
    Ok(Some(Rendering {
        format,
        sha256: sha256_hex(&bytes),
        bytes,
    }))
}
