//! Reading one block's records and numbering their rows as a spreadsheet does, and following
//! the blocks in file order ([`Position`]) so that a block read ahead gets its absolute row
//! numbers, or is read again in order when it could not be read ahead.

use super::Limits;
use super::header::invalid_utf8_message;
use super::source::{Block, Opened};
use super::tokenizer::{Problem, Record, Tokenizer};
use crate::leads::RowError;
use crate::leads::options::size_text;

/// Row numbers within a block, relative to its first line: `row` and `next_line` (the line the
/// next record starts on when no blank line comes first) as the spreadsheet numbering goes.
#[derive(Clone, Copy)]
pub(crate) struct Rows {
    row: i64,
    next_line: i64,
}

impl Rows {
    /// The row of a record on `line` (newlines of the block before it) with `newlines` inside
    /// its cells.
    fn advance(&mut self, line: u64, newlines: u64) -> i64 {
        let line = line as i64;
        self.row += 1 + (line - self.next_line).max(0);
        self.next_line = line + 1 + newlines as i64;
        self.row
    }
}

/// Where a block read in order starts: the row numbering, relative to its first line.
#[derive(Clone, Copy)]
pub(crate) struct Start {
    rows: Rows,
}

/// What every parsed block tells the merge besides its data.
#[derive(Default)]
pub(crate) struct BlockInfo {
    records: u64,
    newlines: u64,
    /// The line of the first record, relative to the block.
    first_line: Option<u64>,
    /// The numbering after the last record (relative to the block).
    rows: Option<Rows>,
    pub(crate) errors: Vec<BlockError>,
}

/// A row error, its row relative to the block.
pub(crate) struct BlockError {
    pub(crate) row: i64,
    /// The index of the cell.
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    /// Stops the load even when bad rows are skipped.
    pub(crate) fatal: bool,
}

impl BlockError {
    /// A bad row (skipped when bad rows are skipped).
    pub(crate) fn row(row: i64, column: Option<usize>, message: String) -> BlockError {
        BlockError {
            row,
            column,
            message,
            fatal: false,
        }
    }

    /// The error of a file whose columns are `headers`, on its (absolute) `row`.
    pub(crate) fn to_row_error(&self, file: &str, row: usize, headers: &[String]) -> RowError {
        let header = self.column.and_then(|i| headers.get(i));
        let mut message = self.message.clone();
        if let (Some(index), None) = (self.column, header) {
            message.push_str(&format!(
                " (in cell {}, past the header's {} columns)",
                index + 1,
                headers.len()
            ));
        }
        RowError {
            file: file.to_owned(),
            row,
            column: header.cloned(),
            message,
        }
    }
}

/// The error of a row longer than the limit.
fn too_long(row: i64, limits: Limits) -> BlockError {
    BlockError {
        row,
        column: None,
        message: format!(
            "the row is longer than {} (MAX_ROW_BYTES, the most a row may take): the load stops \
             here, even when bad rows are skipped",
            size_text(limits.row)
        ),
        fatal: true,
    }
}

/// The problem a record has whatever the reader makes of it, if any.
#[cold]
fn record_problem(
    record: &Record,
    bytes: &[u8],
    valid: bool,
    row: i64,
    limits: Limits,
) -> Option<BlockError> {
    match record.problem {
        Some(Problem::TooLong) => Some(too_long(row, limits)),
        Some(Problem::Unbalanced { cell }) => Some(BlockError::row(
            row,
            Some(cell),
            format!(
                "unbalanced quote: the quote that opens this cell is never closed (a cell holds \
                 at most {}), so the row ends at the end of its line",
                size_text(limits.cell)
            ),
        )),
        Some(Problem::CellTooLong { cell }) => Some(BlockError::row(
            row,
            Some(cell),
            format!(
                "the cell is longer than {} (MAX_CELL_BYTES, the most a cell may hold)",
                size_text(limits.cell)
            ),
        )),
        None if !valid => record.invalid_utf8(bytes).map(|(cell, start, byte)| {
            BlockError::row(row, Some(cell), invalid_utf8_message(start, byte))
        }),
        None => None,
    }
}

/// Reads the records of a block, calling `row` with each readable record and its (relative)
/// row number; read ahead when `start` is `None` (numbered as if the block started a row), else
/// in order from `start`. A record that breaks a limit, has an unbalanced quote or is not UTF-8
/// is a row error before `row` sees it.
pub(crate) fn read_block(
    block: &Block<'_>,
    delimiter: u8,
    limits: Limits,
    start: Option<Start>,
    skip_bad_rows: bool,
    mut row: impl FnMut(&Record, i64) -> Result<(), BlockError>,
) -> BlockInfo {
    let mut info = BlockInfo::default();
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
    if block.too_long {
        // A row too long to read starts the block: it is all the block says.
        info.records = 1;
        info.first_line = Some(0);
        info.errors.push(too_long(rows.advance(0, 0), limits));
        info.rows = Some(rows);
        return info;
    }
    let bytes = block.bytes();
    // Cells cut from valid UTF-8 at an ASCII delimiter are valid UTF-8: then no record needs
    // checking.
    let valid = std::str::from_utf8(bytes).is_ok();
    let mut tokenizer = Tokenizer::new(bytes, delimiter, limits);
    let mut record = Record::default();
    while tokenizer.next(&mut record) {
        info.records += 1;
        info.first_line.get_or_insert(record.line);
        let number = rows.advance(record.line, record.newlines);
        let problem = if record.problem.is_none() && valid {
            row(&record, number).err()
        } else {
            match record_problem(&record, bytes, valid, number, limits) {
                Some(problem) => Some(problem),
                None => row(&record, number).err(),
            }
        };
        if let Some(problem) = problem {
            let stop = problem.fatal || !skip_bad_rows;
            info.errors.push(problem);
            if stop {
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
    /// `1 +` the newlines before the next block.
    line: u64,
    /// The row of the last record, and the line the next starts on when no blank line comes
    /// first (as absolute numbers).
    row: i64,
    next_line: i64,
}

impl Position {
    /// After the header of `opened`, which has `newlines` inside its names.
    pub(crate) fn new(opened: &Opened<'_>, newlines: u64) -> Position {
        Position {
            line: opened.line,
            row: 1,
            next_line: 2 + newlines as i64,
        }
    }

    /// Whether a block read ahead must be read again in order: when its first record starts
    /// before the line the numbering expects (only with `\r` alone ending records).
    pub(crate) fn needs_again(&self, info: &BlockInfo) -> bool {
        info.first_line
            .is_some_and(|line| ((self.line + line) as i64) < self.next_line)
    }

    pub(crate) fn start(&self) -> Start {
        let relative = self.next_line - self.line as i64;
        Start {
            rows: Rows {
                row: relative,
                next_line: relative,
            },
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
    pub(crate) fn advance(&mut self, info: &BlockInfo) {
        if let Some(rows) = info.rows {
            self.row = self.offset() + rows.row;
            self.next_line = self.line as i64 + rows.next_line;
        }
        self.line += info.newlines;
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
    use super::super::source::Input;
    use crate::leads::lead_file::read_leads;
    use crate::leads::{LeadsError, LoadOptions};

    #[test]
    fn unreadable_rows_name_their_row_column_and_bytes() {
        for (csv, row, column, message) in [
            (
                &b"id,x\nL1,\xff\n"[..],
                2,
                "x",
                "not valid UTF-8: byte 0xFF after \"\" (save the file as UTF-8)",
            ),
            (
                b"id,x\r\nL1,1\r\n\r\nL2,a\xc3\r\n",
                4,
                "x",
                "not valid UTF-8: byte 0xC3 after \"a\" (save the file as UTF-8)",
            ),
            (
                b"\xEF\xBB\xBFid,x\n\"L\n1\",2\n\nCaf\xe9 L3,3\n",
                4,
                "id",
                "not valid UTF-8: byte 0xE9 after \"Caf\" (save the file as UTF-8)",
            ),
        ] {
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
                assert_eq!(
                    (error.row, error.column.as_deref(), error.message.as_str()),
                    (row, Some(column), message),
                    "{csv:?}, blocks of {block_size}"
                );
            }
        }
    }
}
