//! The start of a CSV file: a UTF-8 byte-order mark, the delimiter (`,` or `;`) and the header
//! record. Found the same way for a whole file, for the first block of one and for a prefix the
//! app sniffs, so that they never disagree about a header.

use super::Limits;
use super::tokenizer::{Problem, Record, Tokenizer, cell_text, text_of};
use crate::leads::options::size_text;
use crate::text::{bounded, quoted};

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Strips a UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// `;` when the header line has more semicolons than commas (outside quotes), else `,`.
pub fn detect_delimiter(bytes: &[u8]) -> u8 {
    scan_delimiter(bytes).0
}

/// [`detect_delimiter`], and whether the end of the header line was seen (else more bytes could
/// change the answer).
pub(crate) fn scan_delimiter(bytes: &[u8]) -> (u8, bool) {
    let mut in_quotes = false;
    let (mut commas, mut semicolons) = (0usize, 0usize);
    let mut line_end = false;
    for &byte in bytes {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => commas += 1,
            b';' if !in_quotes => semicolons += 1,
            b'\n' | b'\r' if !in_quotes => {
                line_end = true;
                break;
            }
            _ => {}
        }
    }
    (if semicolons > commas { b';' } else { b',' }, line_end)
}

/// The header: its names (as written, untrimmed) and the newlines inside them.
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
    pub(crate) newlines: u64,
}

/// The header of a file found in its first bytes.
pub(crate) struct Found {
    pub(crate) delimiter: u8,
    /// Just after the header's line end, in the bytes after the byte-order mark.
    pub(crate) end: usize,
    /// The header, or why it cannot be read (a message for the file).
    pub(crate) header: Result<Header, String>,
}

/// Finds the header in `body`, the bytes after the byte-order mark; `complete` tells whether
/// they are the whole file. The header (and any blank lines before it) must end within
/// `limits.header` bytes. `None` when more bytes are needed to know.
pub(crate) fn find_header(
    body: &[u8],
    delimiter: Option<u8>,
    complete: bool,
    limits: Limits,
) -> Option<Found> {
    let window = body.get(..limits.header).unwrap_or(body);
    // Whether `window` is all that will be looked at.
    let whole = complete || body.len() > limits.header;
    let window_is_file = complete && body.len() <= limits.header;
    let too_long = || {
        format!(
            "the header row does not end within the first {} of the file (MAX_HEADER_BYTES, \
             the most a header may take): is it a CSV file, or is a quote in it not closed?",
            size_text(limits.header)
        )
    };
    let found = |delimiter: u8, end: usize, header: Result<Header, String>| {
        Some(Found {
            delimiter,
            end,
            header,
        })
    };
    let delimiter = match delimiter {
        Some(delimiter) => delimiter,
        None => match scan_delimiter(window) {
            (delimiter, true) => delimiter,
            (delimiter, false) if window_is_file => delimiter,
            (delimiter, false) if whole => return found(delimiter, window.len(), Err(too_long())),
            _ => return None,
        },
    };
    // The reader drops a second byte-order mark.
    if !complete && window.len() < BOM.len() {
        return None;
    }
    let skip = if window.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let rest = window.get(skip..).unwrap_or_default();
    let mut tokenizer = Tokenizer::new(rest, delimiter, limits);
    let mut record = Record::default();
    if !tokenizer.next(&mut record) {
        return if window_is_file {
            found(
                delimiter,
                window.len(),
                Err("the file is empty: expected a header row naming the columns".to_owned()),
            )
        } else if whole {
            found(delimiter, window.len(), Err(too_long()))
        } else {
            None
        };
    }
    let end = skip + tokenizer.pos;
    let readable = record.terminated && record.problem.is_none();
    if !readable && !whole {
        return None;
    }
    if !record.terminated && !window_is_file {
        return found(delimiter, end, Err(too_long()));
    }
    let column = |cell: usize| match cell.checked_sub(1) {
        Some(previous) => format!(
            "column {} (after `{}`)",
            cell + 1,
            bounded(&cell_text(record.cell(rest, previous)))
        ),
        None => "column 1".to_owned(),
    };
    let problem = match record.problem {
        Some(Problem::Unbalanced { cell }) => Some(format!(
            "the header row has an unbalanced quote: the quote that opens {} is not closed (a \
             header row must end within the first {} of the file)",
            column(cell),
            size_text(limits.header)
        )),
        Some(Problem::TooLong | Problem::CellTooLong { .. }) => Some(too_long()),
        None if record.len() > limits.columns => Some(format!(
            "the header row has {} columns; at most {} are read (MAX_COLUMNS)",
            record.len(),
            limits.columns
        )),
        None => record.invalid_utf8(rest).map(|(cell, valid, byte)| {
            format!(
                "the header row, {}: {}",
                column(cell),
                invalid_utf8_message(valid, byte)
            )
        }),
    };
    if let Some(problem) = problem {
        return found(delimiter, end, Err(problem));
    }
    let names = record.cells(rest).map(text_of).collect();
    found(
        delimiter,
        end,
        Ok(Header {
            names,
            newlines: record.newlines,
        }),
    )
}

/// What to say about a cell that is not UTF-8: its valid start, quoted, and the first bad byte.
pub(crate) fn invalid_utf8_message(valid: &[u8], byte: u8) -> String {
    format!(
        "not valid UTF-8: byte 0x{byte:02X} after {} (save the file as UTF-8)",
        quoted(&cell_text(valid))
    )
}

/// `1 +` the newlines of `bytes` (the line just after them).
pub(crate) fn line_after(bytes: &[u8]) -> u64 {
    1 + bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The header names from the first bytes of a file, read exactly as the readers read them;
/// `None` when the header does not end within `prefix` (or cannot be read).
pub(crate) fn header_in_prefix(prefix: &[u8]) -> Option<Vec<String>> {
    let body = strip_bom(prefix);
    find_header(body, None, false, Limits::FILE)?
        .header
        .ok()
        .map(|header| header.names)
}
