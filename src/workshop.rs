//! The workshop file (`.mqlw`): everything a workshop made, in one file that *Save* writes. The
//! model; a reference to the leads and events files (path, size and SHA-256, the path relative
//! to the workshop file where it can be), never the files themselves, which are never written;
//! the column renames chosen for them; sales' verdicts keyed by lead id with who recorded each;
//! the workshop notes; and the change history. The format is in `docs/workshop-format.md`.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::format::FormatError;
use crate::leads::{Verdict, Verdicts};
use crate::model::{Model, Team};

/// The `format` field of every workshop file.
pub const WORKSHOP_FORMAT: &str = "mql-studio workshop";
/// The version this build writes; it reads every `1.x`.
pub const WORKSHOP_VERSION: &str = "1.0";

/// A workshop, as saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workshop {
    pub format: String,
    pub format_version: String,
    /// When it was saved, UTC: `2026-12-02T09:30:00Z`.
    pub saved_at: String,
    pub model: Model,
    #[serde(default)]
    pub leads: Option<FileRef>,
    #[serde(default)]
    pub events: Option<FileRef>,
    /// Headers renamed when the leads file is read, `(header in the file, name)`.
    #[serde(default)]
    pub renames: Vec<(String, String)>,
    #[serde(default)]
    pub verdicts: Vec<LeadVerdict>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

/// A file the workshop uses and never writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Relative to the workshop file's folder when the file is in it or below it, else absolute;
    /// `/` between folders.
    pub path: String,
    /// In bytes.
    pub size: u64,
    /// Lower-case hex, as `sha256sum` prints it.
    pub sha256: String,
}

/// Sales' verdict on one lead, by its id. `verdict: None` records that a verdict the leads file
/// gives was taken back in the workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadVerdict {
    pub lead: String,
    pub verdict: Option<Verdict>,
    #[serde(default)]
    pub by: Option<Team>,
}

/// What kind of note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NoteKind {
    /// Agreed: goes into the exported model's changelog.
    Decision,
    /// To answer before sign-off.
    Question,
    /// Worth talking about, not today.
    ParkingLot,
}

impl NoteKind {
    pub const ALL: [NoteKind; 3] = [NoteKind::Decision, NoteKind::Question, NoteKind::ParkingLot];

    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Decision => "Decision",
            NoteKind::Question => "Open question",
            NoteKind::ParkingLot => "Parking lot",
        }
    }
}

/// A workshop note, attributed to a team, about the model or one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub kind: NoteKind,
    pub team: Option<Team>,
    pub text: String,
    /// The id of the rule or override it is about; `None` for the model as a whole.
    #[serde(default)]
    pub rule: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// One entry of the change history: what changed, when, by which team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// `YYYY-MM-DD HH:MM:SS`, local time.
    pub at: String,
    pub team: Option<Team>,
    pub summary: String,
}

/// Why a workshop file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WorkshopError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("{path}: this is not an mql-studio workshop file (its format is {found:?})")]
    NotAWorkshop { path: String, found: String },
    #[error(
        "{path}: this workshop file uses format version {found}, but this mql-studio reads 1.x: update mql-studio to open it"
    )]
    NewerVersion { path: String, found: String },
}

impl Workshop {
    /// A workshop of `model`, saved now, with nothing else yet.
    pub fn new(model: Model) -> Workshop {
        Workshop {
            format: WORKSHOP_FORMAT.to_owned(),
            format_version: WORKSHOP_VERSION.to_owned(),
            saved_at: jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
            model,
            leads: None,
            events: None,
            renames: Vec::new(),
            verdicts: Vec::new(),
            notes: Vec::new(),
            history: Vec::new(),
        }
    }

    /// The verdicts to keep: every lead (by id) whose verdict or recorder differs from what the
    /// leads file says, plus `orphans`, verdicts on leads the file no longer has.
    pub fn verdicts_of(
        ids: &[String],
        file: &Verdicts,
        current: &Verdicts,
        orphans: &[LeadVerdict],
    ) -> Vec<LeadVerdict> {
        let mut out: Vec<LeadVerdict> = ids
            .iter()
            .enumerate()
            .filter(|&(row, _)| {
                current.verdict(row) != file.verdict(row)
                    || current.recorded_by(row) != file.recorded_by(row)
            })
            .map(|(row, id)| LeadVerdict {
                lead: id.clone(),
                verdict: current.verdict(row),
                by: current.recorded_by(row),
            })
            .collect();
        out.extend(orphans.iter().cloned());
        out
    }

    /// The verdicts on `ids`: the leads file's, with `entries` (a workshop's) on top. Also
    /// returns the entries on ids the leads do not have (kept, and saved again).
    pub fn apply_verdicts(
        entries: &[LeadVerdict],
        ids: &[String],
        file: &Verdicts,
    ) -> (Verdicts, Vec<LeadVerdict>) {
        let mut verdicts = file.clone();
        let index: rustc_hash::FxHashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(row, id)| (id.as_str(), row))
            .collect();
        let mut orphans = Vec::new();
        for entry in entries {
            match index.get(entry.lead.as_str()) {
                Some(&row) => {
                    verdicts.set(row, entry.verdict, entry.by);
                }
                None => orphans.push(entry.clone()),
            }
        }
        (verdicts, orphans)
    }
}

/// Adds the workshop's decisions to the model's changelog (what an exported model carries):
/// one entry per decision note, `decision: <text>` with ` (rule `<id>`)` when it is about one,
/// dated and attributed as the note; a decision already in the changelog is not added twice.
pub fn decisions_into_changelog(model: &mut Model, notes: &[Note]) {
    for note in notes.iter().filter(|n| n.kind == NoteKind::Decision) {
        let about = note
            .rule
            .as_ref()
            .map(|id| format!(" (rule `{id}`)"))
            .unwrap_or_default();
        let entry = crate::model::ChangelogEntry {
            date: note.date.clone(),
            team: note.team,
            summary: format!("decision: {}{about}", note.text),
        };
        if !model.changelog.contains(&entry) {
            model.changelog.push(entry);
        }
    }
}

/// Parses a workshop file's text.
pub fn workshop_from_str(text: &str) -> Result<Workshop, FormatError> {
    crate::format::other_from_str(text)
}

/// Reads a workshop file; a file of another kind, or of a newer major version, is refused with
/// a message saying so.
pub fn load_workshop(path: &Path) -> Result<Workshop, WorkshopError> {
    let shown = crate::text::printable(&path.display().to_string()).into_owned();
    let workshop = crate::format::load_other(path, workshop_from_str)?;
    if workshop.format != WORKSHOP_FORMAT {
        return Err(WorkshopError::NotAWorkshop {
            path: shown,
            found: workshop.format,
        });
    }
    match crate::format::parse_version(&workshop.format_version) {
        Some((1, _)) => Ok(workshop),
        _ => Err(WorkshopError::NewerVersion {
            path: shown,
            found: workshop.format_version,
        }),
    }
}

/// Writes a workshop file atomically.
pub fn save_workshop(path: &Path, workshop: &Workshop) -> Result<(), FormatError> {
    let text = crate::format::other_to_string(workshop)?;
    crate::format::write_atomically(path, text.as_bytes()).map_err(|source| FormatError::Io {
        path: path.to_owned(),
        source,
    })
}

/// The SHA-256 of a file and its size, read in blocks.
pub fn file_digest(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        hasher.update(buffer.get(..read).unwrap_or_default());
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Ok((size, hex))
}

impl FileRef {
    /// A reference to `file` as seen from a workshop file in `base` (its folder).
    pub fn of(file: &Path, base: &Path) -> std::io::Result<FileRef> {
        let (size, sha256) = file_digest(file)?;
        Ok(FileRef::with_digest(file, base, size, sha256))
    }

    /// A reference to `file` whose size and SHA-256 are known already.
    pub fn with_digest(file: &Path, base: &Path, size: u64, sha256: String) -> FileRef {
        FileRef {
            path: relative_path(file, base),
            size,
            sha256,
        }
    }

    /// Where the file is, for a workshop file in `base`.
    pub fn resolve(&self, base: &Path) -> PathBuf {
        let path = Path::new(&self.path);
        if path.is_absolute() {
            path.to_owned()
        } else {
            base.join(path)
        }
    }

    /// What became of the file since the workshop was saved.
    pub fn check(&self, base: &Path) -> FileState {
        let path = self.resolve(base);
        match file_digest(&path) {
            Err(_) => FileState::Missing(path),
            Ok((size, sha256)) if size == self.size && sha256 == self.sha256 => {
                FileState::Same(path)
            }
            Ok(_) => FileState::Changed(path),
        }
    }
}

/// A referenced file now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    Same(PathBuf),
    /// There, with other content (size or SHA-256 differ).
    Changed(PathBuf),
    Missing(PathBuf),
}

/// `file` relative to `base` when it is in `base` or below it, else absolute; `/` between
/// folders.
fn relative_path(file: &Path, base: &Path) -> String {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let (file_abs, base_abs) = (absolute(file), absolute(base));
    let path = match file_abs.strip_prefix(&base_abs) {
        Ok(relative) => relative.to_owned(),
        Err(_) => file_abs,
    };
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    if path.is_absolute() && cfg!(unix) {
        format!("/{}", parts.get(1..).unwrap_or_default().join("/"))
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_inside_the_workshop_folder_is_referenced_relatively_and_checked() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let folder = dir.path().join("data");
        std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
        let leads = folder.join("leads.csv");
        std::fs::write(&leads, "Lead ID\nL1\n").unwrap_or_else(|e| panic!("{e}"));
        let reference = FileRef::of(&leads, dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reference.path, "data/leads.csv");
        assert_eq!(reference.size, 11);
        // `printf 'Lead ID\nL1\n' | sha256sum`
        assert_eq!(
            reference.sha256,
            "bc0bdf3f57da78edabe2ea51f4182cdb8471cc88494e7f5a7fa375acd6e8903e"
        );
        assert_eq!(
            reference.check(dir.path()),
            FileState::Same(dir.path().join("data/leads.csv"))
        );
        std::fs::write(&leads, "Lead ID\nL2\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(reference.check(dir.path()), FileState::Changed(_)));
        std::fs::remove_file(&leads).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(reference.check(dir.path()), FileState::Missing(_)));
    }
}
