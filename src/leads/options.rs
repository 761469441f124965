//! How to load a file ([`LoadOptions`], with a [`Progress`] to watch and cancel it) and what
//! comes of it ([`LoadReport`], or a [`LeadsError`] such as a [`RowError`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::model::FieldSpec;

/// One row that could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}: row {row}{}: {message}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
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
    #[error("{file}: {message}")]
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
