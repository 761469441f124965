//! Reading and writing model files (RON). See `docs/model-format.md` for the format itself.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{FORMAT_MAJOR, FORMAT_MINOR, FORMAT_VERSION, Model};

mod messages;
mod read;

pub use read::MAX_MODEL_BYTES;

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
            let Some((major, minor)) = parse_version(&probe.format_version) else {
                return Err(FormatError::BadVersion {
                    location: String::new(),
                    found: probe.format_version,
                });
            };
            if major > FORMAT_MAJOR {
                return Err(FormatError::NewerVersion {
                    location: String::new(),
                    found: probe.format_version,
                });
            }
            match strict {
                Ok(mut model) => {
                    fill_default_bands(&mut model);
                    Ok(model)
                }
                Err(error) => {
                    let mut syntax = messages::syntax_error(text, &error);
                    if major == FORMAT_MAJOR
                        && minor > FORMAT_MINOR
                        && let FormatError::Syntax { message, .. } = &mut syntax
                    {
                        message.push_str(&format!(
                            " (the file was written for format {}, newer than this mql-studio's {FORMAT_VERSION})",
                            probe.format_version
                        ));
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
    let pretty = ron::ser::PrettyConfig::new()
        .indentor("    ")
        .struct_names(false)
        .separate_tuple_members(false)
        .enumerate_arrays(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut text = ron::Options::default()
        .to_string_pretty(model, pretty)
        .map_err(|e| FormatError::Serialize(e.to_string()))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
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
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Like [`write_atomically`], streaming: `write` fills a buffered temporary file, which replaces
/// `path` only once it is complete and synced.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // A temporary file is private (0600) by default, and the rename would hand that to the
    // result: create it like any new file instead (0666 less the umask), and give it the
    // permissions of the file it replaces, if any.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder.tempfile_in(directory)?;
    if let Ok(existing) = std::fs::metadata(path)
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
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}
