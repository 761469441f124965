//! How to load a file ([`LoadOptions`], with a [`Progress`] to watch and cancel it) and what
//! comes of it ([`LoadReport`], or a [`LeadsError`] such as a [`RowError`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::model::FieldSpec;

/// The most columns a header may name, and cells a row may have: a spreadsheet's limit (Excel
/// has 16,384 columns). More is refused.
pub const MAX_COLUMNS: usize = 16_384;
/// The most bytes one cell may hold (1 MiB), as it is in the file between its quotes; a quoted
/// cell whose closing quote is further away is an unbalanced quote.
pub const MAX_CELL_BYTES: usize = 1 << 20;
/// The most bytes one row may take in the file (8 MiB), from its first byte to its line end. A
/// longer row stops the load, even when bad rows are skipped.
pub const MAX_ROW_BYTES: usize = 8 << 20;
/// The header row must end within the first 1 MiB of the file (after a byte-order mark).
pub const MAX_HEADER_BYTES: usize = 1 << 20;

/// Warnings of one kind (a duplicated lead id, a lead whose outcome was left empty) listed in a
/// [`LoadReport`]; the rest are counted in one more warning.
pub const WARNINGS_LISTED: usize = 20;

/// Adds `warning` to `warnings` if fewer than [`WARNINGS_LISTED`] have been listed (`listed`
/// counts every one offered).
pub(crate) fn list_warning(
    warnings: &mut Vec<String>,
    listed: &mut usize,
    warning: impl FnOnce() -> String,
) {
    if *listed < WARNINGS_LISTED {
        warnings.push(warning());
    }
    *listed += 1;
}

/// The warning that counts the warnings of a kind not listed, if any.
pub(crate) fn unlisted_warnings(warnings: &mut Vec<String>, listed: usize, what: &str) {
    if let Some(more) = listed.checked_sub(WARNINGS_LISTED).filter(|&more| more > 0) {
        warnings.push(format!("… and {more} more {what}"));
    }
}

/// A number of bytes as the limits above are written: `1 MiB`, `8 MiB`, else bytes.
pub(crate) fn size_text(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// One row that could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "{}: row {row}{}: {message}",
    crate::text::printable(file),
    column.as_ref().map(|c| format!(", column `{}`", crate::text::bounded(c))).unwrap_or_default()
)]
pub struct RowError {
    pub file: String,
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LeadsError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Row(#[from] RowError),
    #[error("{}: {message}", crate::text::printable(file))]
    File { file: String, message: String },
    #[error("the import was cancelled")]
    Cancelled,
}

/// How far a load has read, shared with the thread that shows it; and a way to stop it.
#[derive(Debug, Default)]
pub struct Progress {
    bytes_read: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Asks the load to stop; it returns [`LeadsError::Cancelled`] at its next block.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Counts `bytes` more read.
    pub(crate) fn add(&self, bytes: usize) {
        self.bytes_read.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// How to read a leads file.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The model's declared fields: their types are enforced, their aliases map headers.
    pub fields: Vec<FieldSpec>,
    /// Skip rows that cannot be read (and count them) instead of failing.
    pub skip_bad_rows: bool,
    /// `b','` or `b';'`; detected from the header when `None`.
    pub delimiter: Option<u8>,
    /// The header of the lead id column; found by name (`Lead ID`, `id`, …) when `None`.
    pub id_column: Option<String>,
    /// Header renames, `(header in the file, field name)`.
    pub renames: Vec<(String, String)>,
    /// Where to report the bytes read, and to look for a cancellation.
    pub progress: Option<Arc<Progress>>,
}

/// What a load did besides returning leads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    pub rows_read: usize,
    pub skipped: Vec<RowError>,
    pub warnings: Vec<String>,
}
