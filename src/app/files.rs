//! The app's file plumbing, free of app state: native file dialogs (rfd on a thread, with a
//! typed-path fallback), the autosave file, reading the start of a dropped file, and removing
//! the temporary files an interrupted save left behind.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::document::Revision;
use crate::leads::{Verdict, Verdicts};
use crate::model::Model;
use crate::model::Team;

/// How the app asks for file paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogMode {
    /// Native dialogs (rfd), falling back to a path field when none can be shown.
    Native,
    /// Always the path field (no desktop, or tests).
    PathEntryOnly,
}

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    OpenModel,
    SaveModelAs,
    ImportLeads,
    ImportEvents,
    ExportAgreed,
    CompareModel,
    SaveLeads,
    ExportSummary,
    ExportMqlList,
    SaveWorkshop,
    ExportSql,
}

impl Purpose {
    pub fn title(self) -> &'static str {
        match self {
            Purpose::OpenModel => "Open model",
            Purpose::SaveModelAs => "Save model as",
            Purpose::ImportLeads => "Import leads (CSV)",
            Purpose::ImportEvents => "Import event log (CSV)",
            Purpose::ExportAgreed => "Export agreed model",
            Purpose::CompareModel => "Open a model to compare",
            Purpose::SaveLeads => "Save leads with verdicts (CSV)",
            Purpose::ExportSummary => "Export the one-page summary (HTML)",
            Purpose::ExportMqlList => "Export the MQL list (CSV)",
            Purpose::SaveWorkshop => "Save the workshop (.mqlw)",
            Purpose::ExportSql => "Export as SQL",
        }
    }

    /// A dialog that picks where to write (and so may name a file that exists).
    pub fn saves(self) -> bool {
        matches!(
            self,
            Purpose::SaveModelAs
                | Purpose::ExportAgreed
                | Purpose::SaveLeads
                | Purpose::ExportSummary
                | Purpose::ExportMqlList
                | Purpose::SaveWorkshop
                | Purpose::ExportSql
        )
    }
}

/// A native dialog open on another thread, so the UI keeps drawing.
pub struct PendingDialog {
    pub purpose: Purpose,
    receiver: mpsc::Receiver<Option<PathBuf>>,
    started: Instant,
}

/// What came back from a dialog.
pub enum DialogOutcome {
    Chosen(PathBuf),
    Cancelled,
    /// The dialog returned at once with nothing: no portal and no zenity on this desktop.
    Unavailable,
    StillOpen,
}

impl PendingDialog {
    /// Opens a native dialog on a thread; a save dialog starts on `suggested` (its directory and
    /// file name). Native save dialogs ask before replacing a file that exists.
    pub fn start(purpose: Purpose, suggested: Option<PathBuf>) -> PendingDialog {
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            dialog = match purpose {
                Purpose::OpenModel => {
                    dialog.add_filter("mql-studio workshop or model", &["mqlw", "ron"])
                }
                Purpose::SaveWorkshop => dialog.add_filter("mql-studio workshop", &["mqlw"]),
                Purpose::SaveModelAs | Purpose::ExportAgreed | Purpose::CompareModel => {
                    dialog.add_filter("mql-studio model", &["ron"])
                }
                Purpose::ImportLeads
                | Purpose::ImportEvents
                | Purpose::SaveLeads
                | Purpose::ExportMqlList => dialog.add_filter("CSV", &["csv", "txt"]),
                Purpose::ExportSummary => dialog.add_filter("Web page", &["html", "htm"]),
                Purpose::ExportSql => dialog.add_filter("SQL", &["sql"]),
            };
            if let Some(suggested) = suggested {
                if let Some(directory) = suggested.parent().filter(|d| d.is_dir()) {
                    dialog = dialog.set_directory(directory);
                }
                if let Some(name) = suggested.file_name() {
                    dialog = dialog.set_file_name(name.to_string_lossy());
                }
            }
            let chosen = if purpose.saves() {
                dialog.save_file()
            } else {
                dialog.pick_file()
            };
            // A closed receiver means the app stopped waiting (it quit): nothing to tell.
            sender.send(chosen).ok();
        });
        PendingDialog {
            purpose,
            receiver,
            started: Instant::now(),
        }
    }

    pub fn poll(&self) -> DialogOutcome {
        match self.receiver.try_recv() {
            Ok(Some(path)) => DialogOutcome::Chosen(path),
            Ok(None) if self.started.elapsed() < Duration::from_millis(400) => {
                DialogOutcome::Unavailable
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => DialogOutcome::Cancelled,
            Err(mpsc::TryRecvError::Empty) => DialogOutcome::StillOpen,
        }
    }
}

/// At most the first `limit` bytes of a file: enough to read a CSV header without reading a
/// file of hundreds of megabytes on the UI thread.
pub fn read_prefix(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    prefix_of(std::fs::File::open(path)?, limit)
}

fn prefix_of(source: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(limit.min(1 << 20));
    source.take(limit as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// The autosave file: the model and where it came from.
#[derive(Serialize, Deserialize)]
pub struct AutosaveFile {
    pub saved_at: String,
    pub model_path: Option<PathBuf>,
    pub model: Model,
    /// Sales' verdicts on the sample leads, by row.
    #[serde(default)]
    pub verdicts: Option<Vec<Option<Verdict>>>,
    /// Who recorded each verdict, by row (files from before it was kept have none).
    #[serde(default)]
    pub verdict_recorders: Option<Vec<Option<Team>>>,
}

impl AutosaveFile {
    /// The verdicts with their recorders, when the file has verdicts.
    pub fn recorded_verdicts(&self) -> Option<Verdicts> {
        let verdicts = self.verdicts.clone()?;
        let recorders = self.verdict_recorders.clone().unwrap_or_default();
        Some(Verdicts::with_recorders(verdicts, recorders))
    }
}

pub fn write_autosave(
    path: &Path,
    model: &Model,
    model_path: Option<&Path>,
    verdicts: Option<&Verdicts>,
) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = AutosaveFile {
        saved_at: jiff::ZonedDateTime::now()
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        model_path: model_path.map(Path::to_owned),
        model: model.clone(),
        verdicts: verdicts.map(|v| v.to_vec()),
        verdict_recorders: verdicts.map(|v| v.recorders().to_vec()),
    };
    let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
        .map_err(std::io::Error::other)?;
    crate::format::write_atomically(path, text.as_bytes())
}

pub fn read_autosave(path: &Path) -> Option<AutosaveFile> {
    let text = std::fs::read_to_string(path).ok()?;
    ron::from_str(&text).ok()
}

/// When the autosave was written, if there is a readable one.
pub fn autosave_time(path: &Path) -> Option<String> {
    read_autosave(path).map(|a| a.saved_at)
}

/// Removes the autosave file; one that is already gone is fine.
pub fn remove_autosave(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Where the background autosave stands.
#[derive(Default)]
pub struct AutosaveState {
    /// The document revisions last written (or being written), if the autosave file holds
    /// unsaved work.
    pub written: Option<(Revision, Revision)>,
    /// The write running on its thread: nothing else touches the autosave file until it is done.
    pub writing: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    pub last_time: f64,
}

/// Temporary files of ours at least this old are left over from an interrupted save; younger ones
/// may belong to a save in progress in another mql-studio (a save writes its temporary file
/// continuously and renames it within seconds).
pub const STALE_TEMPORARY_AGE: Duration = Duration::from_secs(10 * 60);

/// Removing stale temporary files, on a thread (a directory on a network share may be slow).
pub struct Cleanup {
    handle: std::thread::JoinHandle<Vec<PathBuf>>,
}

impl Cleanup {
    /// Starts removing the stale temporary files of [`crate::format::write_atomically`] in each
    /// directory (each once; directories that cannot be read are skipped).
    pub fn start(mut directories: Vec<PathBuf>) -> Cleanup {
        directories.sort();
        directories.dedup();
        let handle = std::thread::spawn(move || {
            directories
                .iter()
                .filter_map(|directory| {
                    crate::format::remove_stale_temporary_files(directory, STALE_TEMPORARY_AGE).ok()
                })
                .flatten()
                .collect()
        });
        Cleanup { handle }
    }

    /// The files removed, once the thread is done.
    pub fn poll(self) -> Result<Vec<PathBuf>, Cleanup> {
        if self.handle.is_finished() {
            // A thread that panicked removed nothing we can tell of.
            Ok(self.handle.join().unwrap_or_default())
        } else {
            Err(self)
        }
    }
}

/// A file name from a model name.
pub(super) fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        "model".to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless source that counts what was taken from it.
    struct Endless {
        served: u64,
    }

    impl Read for Endless {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            buffer.fill(b'x');
            self.served += buffer.len() as u64;
            Ok(buffer.len())
        }
    }

    #[test]
    fn a_prefix_reads_no_more_than_its_limit() {
        let mut source = Endless { served: 0 };
        let prefix = prefix_of(&mut source, 64 * 1024).expect("read");
        assert_eq!(prefix.len(), 64 * 1024);
        assert!(source.served <= 64 * 1024, "served {}", source.served);
    }

    #[test]
    fn a_short_file_is_read_whole() {
        let prefix = prefix_of(&b"Lead ID,Activity,Date\n"[..], 64 * 1024).expect("read");
        assert_eq!(prefix, b"Lead ID,Activity,Date\n");
    }
}
