//! The app's file plumbing, free of app state: native file dialogs (rfd on a thread, with a
//! typed-path fallback), the autosave file, and reading the start of a dropped file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::document::Revision;
use crate::leads::Verdict;
use crate::model::Model;

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
        }
    }

    fn saves(self) -> bool {
        matches!(
            self,
            Purpose::SaveModelAs | Purpose::ExportAgreed | Purpose::SaveLeads
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
    pub fn start(purpose: Purpose, suggested_name: Option<String>) -> PendingDialog {
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            dialog = match purpose {
                Purpose::OpenModel
                | Purpose::SaveModelAs
                | Purpose::ExportAgreed
                | Purpose::CompareModel => dialog.add_filter("mql-studio model", &["ron"]),
                Purpose::ImportLeads | Purpose::ImportEvents | Purpose::SaveLeads => {
                    dialog.add_filter("CSV", &["csv", "txt"])
                }
            };
            if let Some(name) = suggested_name {
                dialog = dialog.set_file_name(name);
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
}

pub fn write_autosave(
    path: &Path,
    model: &Model,
    model_path: Option<&Path>,
    verdicts: Option<&[Option<Verdict>]>,
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
        verdicts: verdicts.map(<[_]>::to_vec),
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
    /// The document revisions last written, if the autosave file holds unsaved work.
    pub written: Option<(Revision, Revision)>,
    /// The write running on its thread.
    pub result: Option<mpsc::Receiver<std::io::Result<()>>>,
    pub last_time: f64,
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
