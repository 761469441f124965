//! Reading one block's records and numbering their rows as a spreadsheet does, and following
//! the blocks in file order ([`Position`]) so that a block read ahead gets its absolute row
//! numbers, or is read again in order when it could not be read ahead.

use super::source::Opened;
use super::tokenizer::{Record, Tokenizer};

/// Row numbers within a block, relative to its first line: `row` and `next_line` (the line the
/// next record starts on when no blank line comes first) as the spreadsheet numbering goes.
#[derive(Clone, Copy)]
pub(crate) struct Rows {
    row: i64,
    next_line: i64,
}

impl Rows {
    fn advance(&mut self, record: &Record) -> i64 {
        let line = record.line as i64;
        self.row += 1 + (line - self.next_line).max(0);
        self.next_line = line + 1 + record.newlines as i64;
        self.row
    }

    /// A record that could not be read.
    fn advance_unreadable(&mut self) -> i64 {
        self.row += 1;
        self.next_line += 1;
        self.row
    }
}

/// Where a block read in order starts, to read it exactly: its offset and line (`1 +` the
/// newlines before it), the index of its first record (the header is record 0) and the row
/// numbering (relative to its line).
#[derive(Clone, Copy)]
pub(crate) struct Start {
    byte: u64,
    line: u64,
    record: u64,
    rows: Rows,
    /// Where the reader stood before the block's first record: just after the terminator of
    /// the record before it, which may be in an earlier block (offset and line).
    first: (u64, u64),
}

/// What every parsed block tells the merge besides its data.
#[derive(Default)]
pub(crate) struct BlockInfo {
    /// Not read: the block must be read again in order ([`Start`]).
    again: bool,
    records: u64,
    newlines: u64,
    /// The line of the first record, relative to the block.
    first_line: Option<u64>,
    /// The numbering after the last record (relative to the block).
    rows: Option<Rows>,
    /// Just after the last record: its offset in the block and the newlines before.
    end: Option<(usize, u64)>,
    pub(crate) errors: Vec<BlockError>,
}

/// A row error, its row relative to the block.
pub(crate) struct BlockError {
    pub(crate) row: i64,
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
}

/// Reads the records of a block, calling `row` with each readable record and its (relative)
/// row number. A block read ahead (`start` is `None`) is given up when it is not valid UTF-8
/// (or the delimiter is odd), to be read again in order: then a record's position is known for
/// the message about it.
pub(crate) fn read_block(
    block: &[u8],
    delimiter: u8,
    split: bool,
    start: Option<Start>,
    skip_bad_rows: bool,
    mut row: impl FnMut(&Record, i64) -> Result<(), BlockError>,
) -> BlockInfo {
    let mut info = BlockInfo::default();
    // Cells cut from valid UTF-8 at ASCII delimiters are valid UTF-8: then no record needs
    // checking.
    let valid = delimiter.is_ascii() && std::str::from_utf8(block).is_ok();
    if start.is_none() && (!valid || !split) {
        info.again = true;
        return info;
    }
    // Read ahead, the numbering starts as if the first record were expected on the block's
    // first line, right after the row before; `Position::needs_again` checks that it was not
    // expected later, and `Position::offset` adds the rows before.
    let mut rows = start.map_or(
        Rows {
            row: 0,
            next_line: 0,
        },
        |s| s.rows,
    );
    let mut tokenizer = Tokenizer::new(block, delimiter);
    let mut record = Record::default();
    while tokenizer.next(&mut record) {
        let index = info.records;
        info.records += 1;
        info.first_line.get_or_insert(record.line);
        let problem = match (valid, start) {
            (false, Some(start)) => record.invalid_utf8(block).map(|(field, valid_up_to)| {
                BlockError {
                    row: rows.advance_unreadable(),
                    column: None,
                    message: format!(
                        "cannot read the row: CSV parse error: record {} (line {}, field: {field}, byte: {}): invalid utf-8: invalid UTF-8 in field {field} near byte index {valid_up_to}",
                        start.record + index,
                        if index == 0 { start.first.1 } else { start.line + record.start_newlines },
                        if index == 0 { start.first.0 } else { start.byte + record.start as u64 },
                    ),
                }
            }),
            _ => None,
        };
        let problem = match problem {
            Some(problem) => Some(problem),
            None => {
                let number = rows.advance(&record);
                row(&record, number).err()
            }
        };
        info.end = Some((tokenizer.pos, tokenizer.newlines));
        if let Some(problem) = problem {
            info.errors.push(problem);
            if !skip_bad_rows {
                // The load stops at this row.
                break;
            }
        }
    }
    info.newlines = tokenizer.newlines;
    if info.records > 0 {
        info.rows = Some(rows);
    }
    info
}

/// Follows the blocks in file order: where the next one starts and how rows are numbered.
pub(crate) struct Position {
    byte: u64,
    /// `1 +` the newlines before the next block.
    line: u64,
    record: u64,
    /// The row of the last record, and the line the next starts on when no blank line comes
    /// first (as absolute numbers).
    row: i64,
    next_line: i64,
    /// Just after the last record (or the header): offset and line.
    end: (u64, u64),
}

impl Position {
    pub(crate) fn new(opened: &Opened<'_>, header: &csv::StringRecord) -> Position {
        let newlines: u64 = header
            .iter()
            .map(|cell| cell.bytes().filter(|&b| b == b'\n').count() as u64)
            .sum();
        Position {
            byte: opened.byte,
            line: opened.line,
            record: 1,
            row: 1,
            next_line: 2 + newlines as i64,
            end: (opened.byte, opened.line),
        }
    }

    /// Whether a block read ahead must be read again in order: when it says so, or when its
    /// first record starts before the line the numbering expects (only with `\r` alone ending
    /// records).
    pub(crate) fn needs_again(&self, info: &BlockInfo) -> bool {
        info.again
            || info
                .first_line
                .is_some_and(|line| ((self.line + line) as i64) < self.next_line)
    }

    pub(crate) fn start(&self) -> Start {
        let relative = self.next_line - self.line as i64;
        Start {
            byte: self.byte,
            line: self.line,
            record: self.record,
            rows: Rows {
                row: relative,
                next_line: relative,
            },
            first: self.end,
        }
    }

    /// Adds to a block's relative row numbers to make them absolute.
    fn offset(&self) -> i64 {
        self.row - self.next_line + self.line as i64
    }

    pub(crate) fn row(&self, relative: i64) -> usize {
        (self.offset() + relative).max(0) as usize
    }

    /// Moves past a merged block.
    pub(crate) fn advance(&mut self, block: &[u8], info: &BlockInfo) {
        if let Some(rows) = info.rows {
            self.row = self.offset() + rows.row;
            self.next_line = self.line as i64 + rows.next_line;
        }
        if let Some((byte, newlines)) = info.end {
            self.end = (self.byte + byte as u64, self.line + newlines);
        }
        self.line += info.newlines;
        self.record += info.records;
        self.byte += block.len() as u64;
    }
}

/// How many items `total` bytes hold, judging by `items` in `sample` bytes (a little more, so
/// that vectors reserved with it rarely grow), and at most `total / min_size`: an item takes at
/// least `min_size` bytes.
pub(crate) fn estimate(items: usize, sample: usize, total: u64, min_size: usize) -> usize {
    if sample == 0 {
        return items;
    }
    let estimate = items as f64 * (total as f64 / sample as f64) * 1.02;
    let most = total / min_size.max(1) as u64;
    (estimate as u64)
        .saturating_add(16)
        .min(most)
        .max(items as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::super::header::{csv_reader, strip_bom};
    use super::super::source::Input;
    use crate::leads::lead_file::read_leads;
    use crate::leads::{LeadsError, LoadOptions};

    #[test]
    fn unreadable_rows_are_reported_as_the_csv_crate_reports_them() {
        for csv in [
            &b"id,x\nL1,\xff\n"[..],
            b"id,x\r\nL1,1\r\n\r\nL2,a\xc3\r\n",
            b"\xEF\xBB\xBFid,x\n\"L\n1\",2\n\n\xffL3,3\n",
        ] {
            // What the csv crate says about the first unreadable record, the header read first.
            let mut reader = csv_reader(strip_bom(csv), b',');
            reader.headers().expect("a header");
            let mut record = csv::StringRecord::new();
            let expected = loop {
                match reader.read_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => panic!("no unreadable row in {csv:?}"),
                    Err(error) => break format!("cannot read the row: {error}"),
                }
            };
            for block_size in [1, 4, 1 << 20] {
                let error = read_leads(
                    Input::Bytes(csv),
                    "leads.csv",
                    &LoadOptions::default(),
                    block_size,
                )
                .expect_err("an unreadable row");
                let LeadsError::Row(error) = error else {
                    panic!("a row error, not {error}");
                };
                assert_eq!(error.message, expected, "{csv:?}, blocks of {block_size}");
            }
        }
    }
}
