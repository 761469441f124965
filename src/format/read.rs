//! Reading a model file's bytes, bounded, and checking that they are UTF-8 text: the part of
//! [`load_model`](super::load_model) before parsing.

use std::io::Read;
use std::path::Path;

use super::FormatError;

/// The largest model file read, 64 MiB. A model is a few kilobytes (the bundled default is about
/// 20 KB); mql-studio writes about 400 bytes per rule, so the limit still reads back a model of
/// 150,000 rules it saved. Anything larger is the wrong file, and is refused before it is read
/// whole. A stream without a size (a pipe, `/dev/zero`) is read up to this limit and no further.
pub const MAX_MODEL_BYTES: u64 = MAX_MODEL_MIB * 1024 * 1024;

/// [`MAX_MODEL_BYTES`] in MiB, as messages say it.
pub(super) const MAX_MODEL_MIB: u64 = 64;

/// The bytes of a model file, at most [`MAX_MODEL_BYTES`].
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>, FormatError> {
    let read_error = |error: std::io::Error| FormatError::Read {
        path: path.to_owned(),
        kind: error.kind(),
        message: io_message(&error),
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if metadata.is_dir() {
        return Err(FormatError::Read {
            path: path.to_owned(),
            kind: std::io::ErrorKind::IsADirectory,
            message: "this is a folder, not a model file: give the path of a .ron file".to_owned(),
        });
    }
    let too_large = |size| FormatError::TooLarge {
        location: format!("{}: ", super::printable_path(path)),
        size,
    };
    // A regular file says its size: a large one is refused without reading it. Other files
    // (pipes, devices) may say 0, so they are read up to the limit.
    let known = metadata.is_file().then_some(metadata.len());
    if let Some(size) = known
        && size > MAX_MODEL_BYTES
    {
        return Err(too_large(Some(size)));
    }
    let capacity = known.unwrap_or(0).min(MAX_MODEL_BYTES) as usize + 1;
    let mut bytes = Vec::with_capacity(capacity.min(1 << 20));
    file.take(MAX_MODEL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_MODEL_BYTES {
        return Err(too_large(known.filter(|&size| size > MAX_MODEL_BYTES)));
    }
    Ok(bytes)
}

/// An I/O error in words, without the operating system's error number.
fn io_message(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "there is no such file: check the path and the file name".to_owned(),
        ErrorKind::PermissionDenied => {
            "permission denied: this account may not read the file".to_owned()
        }
        ErrorKind::IsADirectory => {
            "this is a folder, not a model file: give the path of a .ron file".to_owned()
        }
        ErrorKind::NotADirectory => {
            "a part of the path before the file name is a file, not a folder".to_owned()
        }
        _ => {
            // "Input/output error (os error 5)" → "could not read the file: Input/output error"
            let text = error.to_string();
            let text = match text.rfind(" (os error ") {
                Some(at) if text.ends_with(')') => text[..at].to_owned(),
                _ => text,
            };
            format!("could not read the file: {text}")
        }
    }
}

/// The bytes as text, or an error at the first byte that is not UTF-8.
pub(super) fn decode(bytes: &[u8]) -> Result<&str, FormatError> {
    if bytes.len() as u64 > MAX_MODEL_BYTES {
        return Err(FormatError::TooLarge {
            location: String::new(),
            size: Some(bytes.len() as u64),
        });
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(FormatError::NotUtf8 {
            location: String::new(),
            line: 1,
            column: 1,
            message: "the file is saved as UTF-16 (\"Unicode\" in some Windows editors); a model file must be UTF-8 text: open it in a text editor and save it again with the encoding UTF-8".to_owned(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
            // The prefix is valid UTF-8 by definition of `valid_up_to`.
            let before = std::str::from_utf8(valid).unwrap_or_default();
            let line_start = before.rfind('\n').map_or(0, |at| at + 1);
            let line = before.matches('\n').count() + 1;
            let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
            let byte = bytes.get(error.valid_up_to()).copied().unwrap_or(0);
            Err(FormatError::NotUtf8 {
                location: String::new(),
                line,
                column,
                message: not_utf8_message(byte),
            })
        }
    }
}

/// What a byte that is not UTF-8 probably is, and what to do.
fn not_utf8_message(byte: u8) -> String {
    let guess = match windows_1252(byte) {
        Some('\u{a0}') => ", probably a non-breaking space".to_owned(),
        Some(c) => format!(", probably \"{c}\""),
        None => String::new(),
    };
    let guess = if guess.is_empty() {
        guess
    } else {
        format!("{guess} saved in a Western European encoding (Latin-1 / Windows-1252)")
    };
    format!(
        "the file is not UTF-8 text (byte 0x{byte:02X} here{guess}); a model file must be UTF-8: open it in a text editor and save it again with the encoding UTF-8"
    )
}

/// The character a byte stands for in Windows-1252 (Latin-1 plus printable characters in
/// 0x80–0x9F), for bytes above ASCII; `None` for the five bytes it leaves undefined.
fn windows_1252(byte: u8) -> Option<char> {
    const HIGH_CONTROLS: [Option<char>; 32] = [
        Some('€'),
        None,
        Some('‚'),
        Some('ƒ'),
        Some('„'),
        Some('…'),
        Some('†'),
        Some('‡'),
        Some('ˆ'),
        Some('‰'),
        Some('Š'),
        Some('‹'),
        Some('Œ'),
        None,
        Some('Ž'),
        None,
        None,
        Some('‘'),
        Some('’'),
        Some('“'),
        Some('”'),
        Some('•'),
        Some('–'),
        Some('—'),
        Some('˜'),
        Some('™'),
        Some('š'),
        Some('›'),
        Some('œ'),
        None,
        Some('ž'),
        Some('Ÿ'),
    ];
    match byte {
        0x80..=0x9f => HIGH_CONTROLS
            .get(usize::from(byte - 0x80))
            .copied()
            .flatten(),
        0xa0..=0xff => Some(char::from(byte)),
        _ => None,
    }
}
