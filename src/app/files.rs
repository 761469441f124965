//! File dialogs (rfd on a thread, with a typed-path fallback) and the autosave file.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::commands::Purpose;
use crate::model::Model;

/// How the app asks for file paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogMode {
    /// Native dialogs (rfd), falling back to a path field when none can be shown.
    Native,
    /// Always the path field (no desktop, or tests).
    PathEntryOnly,
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
            let chosen = match purpose {
                Purpose::SaveModelAs | Purpose::ExportAgreed | Purpose::SaveLeads => {
                    dialog.save_file()
                }
                _ => dialog.pick_file(),
            };
            let _ = sender.send(chosen);
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

/// True when a CSV's header names an activity and a timestamp column (an event log).
pub fn looks_like_event_log(path: &Path) -> bool {
    let Ok(text) = std::fs::read(path) else {
        return false;
    };
    header_looks_like_event_log(&text)
}

pub fn header_looks_like_event_log(bytes: &[u8]) -> bool {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(first_line);
    let keys: Vec<String> = header
        .split([',', ';'])
        .map(crate::leads::normalize_name)
        .collect();
    let has = |names: &[&str]| keys.iter().any(|k| names.contains(&k.as_str()));
    has(&["activity", "activitytype", "event", "eventtype"])
        && has(&["timestamp", "time", "occurredat", "datetime", "eventtime"])
}

/// The autosave file: the model and where it came from.
#[derive(Serialize, Deserialize)]
pub struct AutosaveFile {
    pub saved_at: String,
    pub model_path: Option<PathBuf>,
    pub model: Model,
    /// Sales' verdicts on the sample leads, by row.
    #[serde(default)]
    pub verdicts: Option<Vec<Option<crate::leads::Verdict>>>,
}

pub fn write_autosave(
    path: &Path,
    model: &Model,
    model_path: Option<&Path>,
    verdicts: Option<&[Option<crate::leads::Verdict>]>,
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
