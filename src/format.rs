//! Reading and writing model files (RON). See `docs/model-format.md` for the format itself.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{FORMAT_MAJOR, FORMAT_MINOR, FORMAT_VERSION, Model};

mod json;
mod messages;
mod read;
mod schema;

pub use json::{model_from_json, model_to_json};
pub use read::MAX_MODEL_BYTES;
pub use schema::model_schema;

/// Why a model file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Writing a model file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file could not be opened or read (missing, a folder, no permission, …). The message
    /// says so in words; it carries no source, so an error chain prints it once.
    #[error("{}: {message}", printable_path(.path))]
    Read {
        path: PathBuf,
        /// What the operating system reported, e.g. `NotFound`.
        kind: std::io::ErrorKind,
        message: String,
    },
    /// The file (or text) is larger than [`MAX_MODEL_BYTES`]; a file is not read beyond that.
    #[error(
        "{location}{} mql-studio reads model files of at most {} MiB (a model is a few kilobytes): is this the right file?",
        too_large_size(.size),
        read::MAX_MODEL_MIB
    )]
    TooLarge {
        location: String,
        /// The size in bytes, when known (a regular file); `None` for a stream that went on
        /// past the limit.
        size: Option<u64>,
    },
    /// The bytes are not UTF-8 text: `line` and `column` (1-based, in characters) locate the
    /// first byte that is not.
    #[error("{location}line {line}, column {column}: {message}")]
    NotUtf8 {
        location: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{location}line {line}, column {column}: {message}")]
    Syntax {
        location: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{location}this model uses format version {found}, but this mql-studio reads format {FORMAT_MAJOR}.x: update mql-studio to open it"
    )]
    NewerVersion { location: String, found: String },
    #[error("{location}format_version {found:?} is not a version number like \"1.0\"")]
    BadVersion { location: String, found: String },
    #[error("could not write the model: {0}")]
    Serialize(String),
    /// JSON has no infinity and no NaN: a model holding one cannot be written as JSON.
    #[error("could not write the model as JSON: {path} is {value}, and JSON has no such number")]
    NotFinite { path: String, value: f64 },
}

impl FormatError {
    /// Attaches a file path to an error from parsing text.
    fn at(self, path: &Path) -> FormatError {
        let location = format!("{}: ", printable_path(path));
        match self {
            FormatError::Syntax {
                line,
                column,
                message,
                ..
            } => FormatError::Syntax {
                location,
                line,
                column,
                message,
            },
            FormatError::NotUtf8 {
                line,
                column,
                message,
                ..
            } => FormatError::NotUtf8 {
                location,
                line,
                column,
                message,
            },
            FormatError::TooLarge { size, .. } => FormatError::TooLarge { location, size },
            FormatError::NewerVersion { found, .. } => {
                FormatError::NewerVersion { location, found }
            }
            FormatError::BadVersion { found, .. } => FormatError::BadVersion { location, found },
            other => other,
        }
    }
}

/// A path for a message: control characters escaped.
fn printable_path(path: &Path) -> String {
    crate::text::printable(&path.display().to_string()).into_owned()
}

fn too_large_size(size: &Option<u64>) -> String {
    match *size {
        Some(bytes) => format!("the file is {} MiB;", bytes.div_ceil(1024 * 1024)),
        None => format!("the file goes on past {} MiB;", read::MAX_MODEL_MIB),
    }
}

/// Only the version, read leniently first so that a newer file gets a clear message instead of
/// a complaint about the first field this build does not know.
#[derive(Deserialize)]
#[serde(rename = "Model")] // so a file that names its top-level struct, `Model( … )`, reads too
struct VersionProbe {
    format_version: String,
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Parses `major.minor`.
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.').unwrap_or((text.trim(), "0"));
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Parses a model from the bytes of a model file: UTF-8 text (a byte-order mark is ignored) of
/// at most [`MAX_MODEL_BYTES`]. Bytes that are not UTF-8 are an error naming the line and
/// column of the first one.
pub fn model_from_bytes(bytes: &[u8]) -> Result<Model, FormatError> {
    model_from_str(read::decode(bytes)?)
}

/// Parses a model from RON text. Errors carry line, column and the field concerned.
pub fn model_from_str(text: &str) -> Result<Model, FormatError> {
    if text.len() as u64 > MAX_MODEL_BYTES {
        return Err(FormatError::TooLarge {
            location: String::new(),
            size: Some(text.len() as u64),
        });
    }
    // Some Windows editors start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = ron_options();
    let probe = options.from_str::<VersionProbe>(text);
    let strict = options.from_str::<Model>(text);
    match (probe, strict) {
        (Ok(probe), strict) => {
            let (major, minor) = checked_version(probe.format_version.clone())?;
            match strict {
                Ok(mut model) => {
                    fill_default_bands(&mut model);
                    Ok(model)
                }
                Err(error) => {
                    let mut syntax = messages::syntax_error(text, &error);
                    if let FormatError::Syntax { message, .. } = &mut syntax {
                        message.push_str(&newer_minor_note(major, minor, &probe.format_version));
                    }
                    Err(syntax)
                }
            }
        }
        // The probe failed: either a syntax error (same as the strict one) or no version at all.
        (Err(_), Err(error)) => Err(messages::syntax_error(text, &error)),
        (Err(error), Ok(_)) => Err(messages::syntax_error(text, &error)),
    }
}

/// The version of a model (`major`, `minor`), or the error for one this build does not read:
/// not a version number, or a newer major version.
fn checked_version(found: String) -> Result<(u32, u32), FormatError> {
    let Some((major, minor)) = parse_version(&found) else {
        return Err(FormatError::BadVersion {
            location: String::new(),
            found,
        });
    };
    if major > FORMAT_MAJOR {
        return Err(FormatError::NewerVersion {
            location: String::new(),
            found,
        });
    }
    Ok((major, minor))
}

/// What an error in a model of a newer minor version adds (the usual error is for a field
/// this build does not know); empty for other versions.
fn newer_minor_note(major: u32, minor: u32, found: &str) -> String {
    if major == FORMAT_MAJOR && minor > FORMAT_MINOR {
        format!(
            " (the file was written for format {found}, newer than this mql-studio's {FORMAT_VERSION})"
        )
    } else {
        String::new()
    }
}

/// Parses RON text of another file of ours (a workshop file) with the model's options and
/// error messages: a byte-order mark is skipped, errors carry line, column and field.
pub(crate) fn other_from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    ron_options()
        .from_str::<T>(text)
        .map_err(|error| messages::syntax_error(text, &error))
}

/// Reads a file of ours as text, bounded like a model file, every error naming the path; then
/// parses it with `parse`.
pub(crate) fn load_other<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> Result<T, FormatError>,
) -> Result<T, FormatError> {
    let bytes = read::read_bounded(path)?;
    read::decode(&bytes).and_then(parse).map_err(|e| e.at(path))
}

/// Serialises another file of ours as pretty RON, like a model.
pub(crate) fn other_to_string<T: serde::Serialize>(value: &T) -> Result<String, FormatError> {
    let pretty = ron::ser::PrettyConfig::new()
        .indentor("    ")
        .struct_names(false)
        .separate_tuple_members(false)
        .enumerate_arrays(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut text = ron::Options::default()
        .to_string_pretty(value, pretty)
        .map_err(|e| FormatError::Serialize(e.to_string()))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Omitted (or empty) grade bands default to four equal bands over the model's own caps.
fn fill_default_bands(model: &mut Model) {
    if model.fit_grades.is_empty() {
        model.fit_grades = crate::model::grade_bands(&["A", "B", "C", "D"], model.fit.max_points);
    }
    if model.engagement_levels.is_empty() {
        model.engagement_levels =
            crate::model::grade_bands(&["1", "2", "3", "4"], model.engagement.max_points);
    }
}

/// Serialises a model as pretty RON with a stable field order.
pub fn model_to_string(model: &Model) -> Result<String, FormatError> {
    other_to_string(model)
}

/// Reads a model file: at most [`MAX_MODEL_BYTES`] are read (a larger file, or a stream such as
/// `/dev/zero` that goes on past it, is refused), then parsed as [`model_from_bytes`] does.
/// Every error names the path.
pub fn load_model(path: &Path) -> Result<Model, FormatError> {
    let bytes = read::read_bounded(path)?;
    model_from_bytes(&bytes).map_err(|e| e.at(path))
}

/// Writes a model file atomically: the old file stays intact until the new one is complete.
pub fn save_model(path: &Path, model: &Model) -> Result<(), FormatError> {
    let text = model_to_string(model)?;
    write_atomically(path, text.as_bytes()).map_err(|source| FormatError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes bytes to a temporary file beside `path`, syncs it, then renames it over `path`.
/// See [`write_atomically_with`] for symbolic links, what is refused and the temporary file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Like [`write_atomically`], streaming: `write` fills a buffered temporary file, which replaces
/// `path` only once it is complete and synced.
///
/// - A symbolic link is followed to its final target, and the target is replaced: the link stays
///   a link, to the new content (a dangling link gets its target created).
/// - Anything that exists and is not a regular file (a directory, a named pipe, a device, a
///   socket) is refused with a [`ReplaceRefused`] error and left alone.
/// - The temporary file is `.<file name>.mql-studio-tmp-XXXXXX` beside the target; a crash can
///   leave one behind, and [`remove_stale_temporary_files`] removes those.
/// - On Unix the directory is synced after the rename, so the new name survives a power cut.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = replaceable_target(path)?;
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // A temporary file is private (0600) by default, and the rename would hand that to the
    // result: create it like any new file instead (0666 less the umask), and give it the
    // permissions of the file it replaces, if any.
    let mut builder = tempfile::Builder::new();
    let prefix = temporary_prefix(&target);
    builder
        .prefix(&prefix)
        .suffix("")
        .rand_bytes(TEMPORARY_RANDOM_CHARS);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder.tempfile_in(directory)?;
    if let Ok(existing) = std::fs::metadata(&target)
        && existing.is_file()
    {
        temporary
            .as_file()
            .set_permissions(existing.permissions())?;
    }
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, temporary.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    temporary.as_file().sync_all()?;
    temporary.persist(&target).map_err(|e| e.error)?;
    sync_directory(directory)
}

/// What marks a temporary file of [`write_atomically`]: `.<file name>` + this + random characters.
pub const TEMPORARY_MARKER: &str = ".mql-studio-tmp-";
const TEMPORARY_RANDOM_CHARS: usize = 6;
/// Most symbolic links followed from one path (Linux's own limit is 40).
const MAX_LINKS: usize = 40;

/// Why [`write_atomically`] refused to replace a path (wrapped in the `std::io::Error` it returns).
#[derive(Debug, thiserror::Error)]
pub enum ReplaceRefused {
    #[error("{} is {what}, not a regular file: refusing to replace it", .path.display())]
    NotARegularFile { path: PathBuf, what: &'static str },
    #[error(
        "{} is a symbolic link to {}, which is {what}, not a regular file: refusing to replace it",
        .link.display(),
        .path.display()
    )]
    LinkToNonFile {
        link: PathBuf,
        /// Where the links lead.
        path: PathBuf,
        what: &'static str,
    },
    #[error("{}: more than {MAX_LINKS} symbolic links to follow (a loop?)", .path.display())]
    TooManyLinks { path: PathBuf },
}

/// The path a write to `path` must replace: `path` itself, or the final target of the symbolic
/// links it is; an error if what is there is not a regular file.
fn replaceable_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..=MAX_LINKS {
        let metadata = match std::fs::symlink_metadata(&current) {
            Ok(metadata) => metadata,
            // Nothing there yet: a new file (or the missing target of a dangling link).
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(current),
            Err(error) => return Err(error),
        };
        let kind = metadata.file_type();
        if kind.is_symlink() {
            let next = std::fs::read_link(&current)?;
            current = match current.parent() {
                // A relative link is relative to the directory the link is in.
                Some(parent) if next.is_relative() => parent.join(next),
                _ => next,
            };
            continue;
        }
        if kind.is_file() {
            return Ok(current);
        }
        let (what, error_kind) = describe_non_file(&kind);
        let refused = if current == path {
            ReplaceRefused::NotARegularFile {
                path: current,
                what,
            }
        } else {
            ReplaceRefused::LinkToNonFile {
                link: path.to_owned(),
                path: current,
                what,
            }
        };
        return Err(std::io::Error::new(error_kind, refused));
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        ReplaceRefused::TooManyLinks {
            path: path.to_owned(),
        },
    ))
}

fn describe_non_file(kind: &std::fs::FileType) -> (&'static str, std::io::ErrorKind) {
    if kind.is_dir() {
        return ("a directory", std::io::ErrorKind::IsADirectory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_fifo() {
            Some("a named pipe (FIFO)")
        } else if kind.is_char_device() || kind.is_block_device() {
            Some("a device")
        } else if kind.is_socket() {
            Some("a socket")
        } else {
            None
        };
        if let Some(what) = what {
            return (what, std::io::ErrorKind::InvalidInput);
        }
    }
    ("not a regular file", std::io::ErrorKind::InvalidInput)
}

/// `.<file name>.mql-studio-tmp-`: hidden, and recognisable as ours and as whose temporary it is.
fn temporary_prefix(target: &Path) -> std::ffi::OsString {
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(target.file_name().unwrap_or_else(|| "file".as_ref()));
    prefix.push(TEMPORARY_MARKER);
    prefix
}

/// True for a name [`write_atomically`] gives its temporary files.
pub fn is_temporary_file_name(name: &std::ffi::OsStr) -> bool {
    // The target's name may not be UTF-8; the marker and the random characters are ASCII.
    let name = name.to_string_lossy();
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((target, random)) = rest.rsplit_once(TEMPORARY_MARKER) else {
        return false;
    };
    !target.is_empty()
        && random.len() == TEMPORARY_RANDOM_CHARS
        && random.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Removes the temporary files [`write_atomically`] left in `directory` (after a crash or a
/// `kill -9` mid-save) that were last written more than `older_than` ago; younger ones may belong
/// to a save in progress in another process and are left alone. Returns the files removed.
/// Only regular files with our name are touched; symbolic links and everything else are not.
pub fn remove_stale_temporary_files(
    directory: &Path,
    older_than: std::time::Duration,
) -> std::io::Result<Vec<PathBuf>> {
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        if !is_temporary_file_name(&entry.file_name()) {
            continue;
        }
        // `DirEntry::metadata` does not follow symbolic links.
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        let age = metadata
            .modified()
            .ok()
            .and_then(|modified| now.duration_since(modified).ok());
        if age.is_some_and(|age| age > older_than) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed.push(entry.path()),
                // Another process cleaned it up first.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error),
            }
        }
    }
    Ok(removed)
}

/// Syncs a directory, so a rename in it is on disk. File systems that cannot sync a directory
/// say so with `EINVAL`: nothing more can be done there.
#[cfg(unix)]
fn sync_directory(directory: &Path) -> std::io::Result<()> {
    match std::fs::File::open(directory).and_then(|d| d.sync_all()) {
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Elsewhere a rename is durable once the file is synced (Windows cannot open a directory as a
/// file to sync it).
#[cfg(not(unix))]
fn sync_directory(_directory: &Path) -> std::io::Result<()> {
    Ok(())
}
