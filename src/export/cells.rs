//! Cells as the CSV writers write them: quoted when they need it and, in the scored output,
//! made inert in spreadsheets and terminals (`docs/model-format.md` §6.1 and §6.3).

use std::borrow::Cow;
use std::io::{self, Write};

/// The characters that make a spreadsheet run a cell, or a piece of one, as a formula.
fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// The characters after which a spreadsheet may start a new cell: `,` and `;` (the list
/// separators of spreadsheet locales), tab (pasted text) and line breaks.
fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\t' | '\r' | '\n')
}

/// Makes a cell inert in spreadsheets. The cell is cut into pieces after every separator (`,`,
/// `;`, tab, CR, LF), because a spreadsheet set to another separator, or text pasted into one,
/// starts a new cell there. A piece whose first character other than `"` is `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be run as a formula, so an apostrophe `'` is put at
/// the start of that piece: `-42` becomes `'-42`, and `x;=cmd|' /C calc'!A0;y` becomes
/// `x;'=cmd|' /C calc'!A0;y`. Everything else is kept.
pub fn neutralize_cell(value: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    // The bytes of `value` already copied to `out`, and where the current piece starts while
    // its first character other than `"` has not been seen.
    let mut copied = 0;
    let mut piece_start = Some(0);
    for (at, c) in value.char_indices() {
        if let Some(start) = piece_start
            && c != '"'
        {
            piece_start = None;
            if is_formula_trigger(c) {
                out.push_str(value.get(copied..start).unwrap_or_default());
                out.push('\'');
                copied = start;
                changed = true;
            }
        }
        if is_separator(c) {
            piece_start = Some(at + c.len_utf8());
        }
    }
    if !changed {
        return Cow::Borrowed(value);
    }
    out.push_str(value.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// Whether a cell of the scored output is quoted: it holds `,`, `;`, `"`, CR or LF.
fn needs_quotes(text: &[u8]) -> bool {
    text.iter()
        .any(|b| matches!(b, b',' | b';' | b'"' | b'\r' | b'\n'))
}

/// Appends a cell, in double quotes (a quote doubled) when `quote`.
fn push_cell(out: &mut Vec<u8>, text: &[u8], quote: bool) {
    if !quote {
        out.extend_from_slice(text);
        return;
    }
    out.push(b'"');
    push_doubling_quotes(out, text);
    out.push(b'"');
}

/// Appends `text` with each `"` doubled.
fn push_doubling_quotes(out: &mut Vec<u8>, text: &[u8]) {
    for chunk in text.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(chunk);
        if chunk.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
}

/// Appends a text cell of the scored output (§6.1): its control characters escaped as
/// [`crate::text::printable`] escapes them, then [`neutralize_cell`], then quoted when it holds
/// `,`, `;`, `"`, CR or LF.
pub(crate) fn push_scored_cell(out: &mut Vec<u8>, value: &str) {
    // One pass over the usual cell, which needs at most quotes; anything else takes the long
    // way. A piece starts after `,` or `;` (tabs and line breaks are escaped, so they are not
    // separators any more); `"` at its start is skipped over.
    let (mut separator, mut quote_mark) = (false, false);
    let mut piece_start = true;
    for &byte in value.as_bytes() {
        match byte {
            b',' | b';' => {
                separator = true;
                piece_start = true;
                continue;
            }
            b'"' => {
                quote_mark = true;
                continue;
            }
            b'=' | b'+' | b'-' | b'@' if piece_start => return push_rewritten(out, value),
            // C0 controls, DEL, and the lead byte of U+0080..U+00BF (C1 controls among them).
            0x00..=0x1f | 0x7f | 0xc2 => return push_rewritten(out, value),
            _ => {}
        }
        piece_start = false;
    }
    let text = value.as_bytes();
    if quote_mark {
        push_cell(out, text, true);
    } else if separator {
        // Quoted, with no quote inside to double (`fired_rules` of more than one rule).
        out.push(b'"');
        out.extend_from_slice(text);
        out.push(b'"');
    } else {
        out.extend_from_slice(text);
    }
}

/// [`push_scored_cell`] for a cell that has to be rewritten.
fn push_rewritten(out: &mut Vec<u8>, value: &str) {
    let printable = crate::text::printable(value);
    let safe = neutralize_cell(&printable);
    push_cell(out, safe.as_bytes(), needs_quotes(safe.as_bytes()));
}

/// A scored-output text cell as [`push_scored_cell`] writes it, quotes included.
pub fn scored_cell(value: &str) -> String {
    let mut out = Vec::with_capacity(value.len() + 2);
    push_scored_cell(&mut out, value);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends a cell of the leads file (§6.3): its text exactly, in double quotes when it holds
/// `,`, `;`, `"`, CR or LF or starts with a byte-order mark (which a reader would drop).
pub(crate) fn push_exact_cell(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    push_cell(
        out,
        bytes,
        needs_quotes(bytes) || bytes.starts_with(b"\xEF\xBB\xBF"),
    );
}

/// Records written to `writer` in large pieces: each record is built in [`CsvOut::buffer`]
/// and ended with [`CsvOut::end_record`].
pub(crate) struct CsvOut<W: Write> {
    writer: W,
    pub(crate) buffer: Vec<u8>,
}

/// How many bytes are kept before they are written.
const WRITE_SIZE: usize = 64 * 1024;

impl<W: Write> CsvOut<W> {
    pub(crate) fn new(writer: W) -> CsvOut<W> {
        CsvOut {
            writer,
            buffer: Vec::with_capacity(WRITE_SIZE + 4096),
        }
    }

    /// Ends a record with a line feed; writes what is buffered once there is enough.
    pub(crate) fn end_record(&mut self) -> io::Result<()> {
        self.buffer.push(b'\n');
        if self.buffer.len() >= WRITE_SIZE {
            self.writer.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Writes the rest and flushes the writer.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.writer.write_all(&self.buffer)?;
        self.buffer.clear();
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_neutralised_after_every_separator() {
        for (value, expected) in [
            ("L1", "L1"),
            ("-42", "'-42"),
            ("x;=cmd|' /C calc'!A0;y", "x;'=cmd|' /C calc'!A0;y"),
            ("a,+1,b", "a,'+1,b"),
            ("\"=1\"", "'\"=1\""),
            ("a;\"\"@x", "a;'\"\"@x"),
            ("\t=x", "'\t'=x"),
            ("=a\r\n-b", "'=a\r\n'-b"),
            ("a - b", "a - b"),
            ("é;-", "é;'-"),
            ("", ""),
        ] {
            assert_eq!(neutralize_cell(value), expected, "{value:?}");
        }
        assert!(matches!(neutralize_cell("a;b"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_one_pass_equals_the_long_way() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = [
            "a", "Z", "1", "=", "+", "-", "@", ",", ";", "\"", "\t", "\r", "\n", "\u{1b}",
            "\u{85}", "\u{7f}", "é", "£", " ", "'", "€",
        ];
        for _ in 0..20_000 {
            let value: String = (0..rng.usize(0..8))
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect();
            let mut fast = Vec::new();
            push_scored_cell(&mut fast, &value);
            let mut slow = Vec::new();
            push_rewritten(&mut slow, &value);
            assert_eq!(fast, slow, "{value:?}");
        }
    }
}
