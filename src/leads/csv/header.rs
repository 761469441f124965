//! The start of a CSV file: a UTF-8 byte-order mark, the delimiter (`,` or `;`) and the header
//! record. Found the same way for a whole file, for the first block of one and for a prefix the
//! app sniffs, so that they never disagree about a header.

use super::tokenizer::{Record, Tokenizer};

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
            b'\n' if !in_quotes => {
                line_end = true;
                break;
            }
            _ => {}
        }
    }
    (if semicolons > commas { b';' } else { b',' }, line_end)
}

/// The `csv` crate's reader with the settings whose records the tokenizer reproduces.
pub(crate) fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
}

/// Where the header record ends (just after its terminator) in `bytes`, the file after its
/// byte-order mark; `None` when more bytes are needed to know. The reader drops a second mark.
pub(crate) fn header_end(bytes: &[u8], delimiter: u8, complete: bool) -> Option<usize> {
    if !complete && bytes.len() < BOM.len() {
        return None;
    }
    let skip = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let mut tokenizer = Tokenizer::new(bytes.get(skip..).unwrap_or_default(), delimiter);
    let mut record = Record::default();
    let found = tokenizer.next(&mut record);
    (complete || (found && record.terminated)).then_some(skip + tokenizer.pos)
}

/// The delimiter (`delimiter`, or detected) and where the header ends in `body`, the bytes after
/// the byte-order mark; `complete` tells whether they are the whole file. `None` when more bytes
/// could change either answer.
pub(crate) fn find_header(
    body: &[u8],
    delimiter: Option<u8>,
    complete: bool,
) -> Option<(u8, usize)> {
    let found = match delimiter {
        Some(delimiter) => Some(delimiter),
        None => match scan_delimiter(body) {
            (delimiter, true) => Some(delimiter),
            (delimiter, false) => complete.then_some(delimiter),
        },
    };
    let delimiter = found?;
    Some((delimiter, header_end(body, delimiter, complete)?))
}

/// The header record of `body[..end]`, or why it cannot be read; and `1 +` the newlines before
/// `end` (the line the data starts on).
pub(crate) fn read_header(
    body: &[u8],
    delimiter: u8,
    end: usize,
) -> (Result<csv::StringRecord, csv::Error>, u64) {
    let header = csv_reader(body.get(..end).unwrap_or_default(), delimiter)
        .headers()
        .cloned();
    let line = 1 + body
        .get(..end)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    (header, line)
}

/// The header record from the first bytes of a file, read exactly as the readers read it;
/// `None` when the header does not end within `prefix` (or cannot be read).
pub(crate) fn header_in_prefix(prefix: &[u8]) -> Option<csv::StringRecord> {
    let body = strip_bom(prefix);
    let (delimiter, end) = find_header(body, None, false)?;
    read_header(body, delimiter, end).0.ok()
}
