//! The records of a block: cells cut at the delimiter eight bytes at a time, quoted cells
//! decoded, where each record starts (for row numbers) and what is wrong with it (a limit
//! broken, an unbalanced quote). A block must start at a record boundary; `scan` finds where
//! one can end.

use super::Limits;

/// `str::trim` of a cell's bytes (which are UTF-8): Unicode `White_Space` at both ends.
#[inline]
pub(crate) fn trim_cell(cell: &[u8]) -> &[u8] {
    // Usually nothing to trim: the cell starts and ends with visible ASCII.
    let visible = |b: u8| b > b' ' && b < 0x80;
    match (cell.first(), cell.last()) {
        (Some(&first), Some(&last)) if visible(first) && visible(last) => return cell,
        (None, _) => return cell,
        _ => {}
    }
    let space = |b: &u8| matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ');
    let start = cell.iter().position(|b| !space(b)).unwrap_or(cell.len());
    let end = cell
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    let cell = cell.get(start..end).unwrap_or_default();
    match (cell.first(), cell.last()) {
        (Some(&first), Some(&last)) if first >= 0x80 || last >= 0x80 => {
            std::str::from_utf8(cell).map_or(cell, |text| text.trim().as_bytes())
        }
        _ => cell,
    }
}

/// A cell's text for a message (cells are UTF-8 by then).
pub(crate) fn cell_text(cell: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(cell)
}

/// A cell's text as a string.
pub(crate) fn text_of(cell: &[u8]) -> String {
    std::str::from_utf8(cell).map_or_else(|_| cell_text(cell).into_owned(), str::to_owned)
}

#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    /// In [`Record::decoded`] rather than in the block.
    decoded: bool,
}

/// What is wrong with a record, whatever the reader makes of its cells (in this order of
/// precedence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Longer than the row limit (the load stops).
    TooLong,
    /// The quote that opens this cell is not closed within the cell limit (nor before the end
    /// of the file): the record ends at the first line end after that quote.
    Unbalanced { cell: usize },
    /// This cell holds more than the cell limit.
    CellTooLong { cell: usize },
}

/// One record of a block.
#[derive(Default)]
pub(crate) struct Record {
    spans: Vec<Span>,
    /// Cells, counted past the ones kept in `spans` (at most the column limit + 1).
    count: usize,
    /// Cells that are not a run of the block's bytes (quotes inside, or text after the closing
    /// quote).
    decoded: Vec<u8>,
    /// Where the reader stood before the record (just after the previous record's terminator):
    /// the offset in the block and the newlines of the block before it.
    pub(crate) start: usize,
    pub(crate) start_newlines: u64,
    /// Newlines of the block before the record's first byte.
    pub(crate) line: u64,
    /// Newlines inside its cells.
    pub(crate) newlines: u64,
    /// Ended by `\r` or `\n` (not by the end of the block).
    pub(crate) terminated: bool,
    /// Its first byte, and where it ends (its line end, or the end of the block).
    pub(crate) first: usize,
    pub(crate) end: usize,
    /// The first cell whose quote is unbalanced.
    unbalanced: Option<usize>,
    pub(crate) problem: Option<Problem>,
}

impl Record {
    /// How many cells it has (all of them, also past the ones kept).
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    pub(crate) fn cell<'r>(&'r self, block: &'r [u8], index: usize) -> &'r [u8] {
        let Some(span) = self.spans.get(index) else {
            return &[];
        };
        let bytes = if span.decoded { &self.decoded } else { block };
        bytes.get(span.start..span.end).unwrap_or_default()
    }

    /// Its cells (the ones kept: at most the column limit + 1).
    pub(crate) fn cells<'r>(&'r self, block: &'r [u8]) -> impl Iterator<Item = &'r [u8]> + 'r {
        (0..self.spans.len()).map(move |i| self.cell(block, i))
    }

    pub(crate) fn is_blank(&self, block: &[u8]) -> bool {
        self.count <= self.spans.len() && self.cells(block).all(|cell| trim_cell(cell).is_empty())
    }

    /// The first cell that is not valid UTF-8: its index, the valid bytes before the first
    /// invalid one, and that byte.
    pub(crate) fn invalid_utf8<'r>(&'r self, block: &'r [u8]) -> Option<(usize, &'r [u8], u8)> {
        self.cells(block).enumerate().find_map(|(i, cell)| {
            std::str::from_utf8(cell).err().map(|e| {
                let valid = cell.get(..e.valid_up_to()).unwrap_or_default();
                let byte = cell.get(e.valid_up_to()).copied().unwrap_or_default();
                (i, valid, byte)
            })
        })
    }

    /// Keeps a cell (or only counts it, past the column limit).
    #[inline(always)]
    fn push(&mut self, span: Span, columns: usize) {
        if self.count <= columns {
            self.spans.push(span);
        }
        self.count += 1;
    }
}

/// Reads the records of a block that starts at a record boundary.
pub(crate) struct Tokenizer<'b> {
    block: &'b [u8],
    pub(crate) pos: usize,
    /// Newlines consumed.
    pub(crate) newlines: u64,
    delimiter: u8,
    limits: Limits,
}

impl<'b> Tokenizer<'b> {
    pub(crate) fn new(block: &'b [u8], delimiter: u8, limits: Limits) -> Tokenizer<'b> {
        Tokenizer {
            block,
            pos: 0,
            newlines: 0,
            delimiter,
            limits,
        }
    }

    /// Reads the next record; `false` at the end of the block.
    // Per record inside `read_block`, compiled in another module; inlined there as it was
    // when both were in one file (`#[inline]` alone no longer gets it inlined).
    #[inline(always)]
    pub(crate) fn next(&mut self, record: &mut Record) -> bool {
        let block = self.block;
        let columns = self.limits.columns;
        record.spans.clear();
        record.decoded.clear();
        record.count = 0;
        record.newlines = 0;
        record.terminated = false;
        record.unbalanced = None;
        record.problem = None;
        record.start = self.pos;
        record.start_newlines = self.newlines;
        loop {
            match block.get(self.pos) {
                None => return false,
                Some(b'\n') => {
                    self.newlines += 1;
                    self.pos += 1;
                }
                Some(b'\r') => self.pos += 1,
                Some(_) => break,
            }
        }
        record.line = self.newlines;
        record.first = self.pos;
        loop {
            let at = self.pos;
            let ended_by = match block.get(at) {
                None => {
                    record.push(
                        Span {
                            start: at,
                            end: at,
                            decoded: false,
                        },
                        columns,
                    );
                    None
                }
                Some(b'"') => self.quoted(record),
                Some(_) => {
                    let end = self.unquoted(at);
                    record.push(
                        Span {
                            start: at,
                            end,
                            decoded: false,
                        },
                        columns,
                    );
                    self.pos = end;
                    block.get(end).copied()
                }
            };
            match ended_by {
                None => {
                    record.end = block.len();
                    break;
                }
                Some(byte) => {
                    record.end = self.pos;
                    self.pos += 1;
                    if byte == b'\n' {
                        self.newlines += 1;
                    }
                    if byte != self.delimiter {
                        record.terminated = true;
                        break;
                    }
                }
            }
        }
        let length = record.end - record.first;
        record.problem = if length > self.limits.row {
            Some(Problem::TooLong)
        } else if let Some(cell) = record.unbalanced {
            Some(Problem::Unbalanced { cell })
        } else if length > self.limits.cell {
            let cell = self.limits.cell;
            (0..record.spans.len())
                .find(|&i| record.cell(block, i).len() > cell)
                .map(|cell| Problem::CellTooLong { cell })
        } else {
            None
        };
        true
    }

    /// The end of an unquoted cell starting at `from`: the next delimiter or line end.
    #[inline]
    fn unquoted(&self, from: usize) -> usize {
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
        let delimiter = self.delimiter;
        let (delimiters, returns, newlines) = (
            u64::from_ne_bytes([delimiter; 8]),
            u64::from_ne_bytes([b'\r'; 8]),
            u64::from_ne_bytes([b'\n'; 8]),
        );
        // The high bit of each byte that is zero (exact up to the first one, which is all
        // that is used).
        let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
        let mut at = from;
        // Eight bytes at a time.
        while let Some(word) = self
            .block
            .get(at..at + 8)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        {
            let word = u64::from_le_bytes(word);
            let found = zero_bytes(word ^ delimiters)
                | zero_bytes(word ^ returns)
                | zero_bytes(word ^ newlines);
            if found != 0 {
                return at + (found.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        self.block
            .get(at..)
            .and_then(|rest| {
                rest.iter()
                    .position(|&b| b == delimiter || b == b'\r' || b == b'\n')
            })
            .map_or(self.block.len(), |i| at + i)
    }

    /// Reads a cell that starts with a quote; leaves `pos` on the byte that ends it and returns
    /// that byte (`None` at the end of the block). The closing quote must come within the cell
    /// limit: else (or when the block ends first) the quote is unbalanced, and the cell and its
    /// record end at the first line end after it.
    fn quoted(&mut self, record: &mut Record) -> Option<u8> {
        let block = self.block;
        let open = self.pos;
        let at_open = (self.newlines, record.newlines, record.decoded.len());
        // The last offset the closing quote may be at.
        let deadline = open.saturating_add(self.limits.cell).saturating_add(1);
        self.pos += 1;
        let mut from = self.pos;
        let mut decoded_start: Option<usize> = None;
        loop {
            let mut close = None;
            let window_end = deadline.saturating_add(1).min(block.len());
            let rest = block.get(self.pos..window_end).unwrap_or_default();
            for (i, &byte) in rest.iter().enumerate() {
                if byte == b'"' {
                    close = Some(self.pos + i);
                    break;
                }
                if byte == b'\n' {
                    self.newlines += 1;
                    record.newlines += 1;
                }
            }
            let Some(close) = close else {
                return self.unbalanced(record, open, at_open);
            };
            self.pos = close + 1;
            match block.get(self.pos) {
                Some(b'"') => {
                    // `""` is one quote.
                    decoded_start.get_or_insert(record.decoded.len());
                    record
                        .decoded
                        .extend_from_slice(block.get(from..=close).unwrap_or_default());
                    self.pos += 1;
                    from = self.pos;
                }
                Some(&byte) if byte != self.delimiter && byte != b'\r' && byte != b'\n' => {
                    // Text after the closing quote is kept as it is, up to the end of the cell.
                    let end = self.unquoted(self.pos);
                    let tail = block.get(self.pos..end).unwrap_or_default();
                    let start = *decoded_start.get_or_insert(record.decoded.len());
                    record
                        .decoded
                        .extend_from_slice(block.get(from..close).unwrap_or_default());
                    Self::push_cell(record, block, end, end, Some(start), tail, self.limits);
                    self.pos = end;
                    return block.get(end).copied();
                }
                after => {
                    Self::push_cell(record, block, from, close, decoded_start, &[], self.limits);
                    return after.copied();
                }
            }
        }
    }

    /// An unbalanced quote at `open`: the record ends at the first line end after it (or at the
    /// end of the block). `at_open`: the newlines (read, of the record) and the decoded bytes
    /// when the quote opened.
    #[cold]
    fn unbalanced(
        &mut self,
        record: &mut Record,
        open: usize,
        at_open: (u64, u64, usize),
    ) -> Option<u8> {
        let block = self.block;
        (self.newlines, record.newlines) = (at_open.0, at_open.1);
        record.decoded.truncate(at_open.2);
        record.unbalanced.get_or_insert(record.count);
        let end = block
            .get(open + 1..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\r' || b == b'\n'))
            .map_or(block.len(), |i| open + 1 + i);
        record.push(
            Span {
                start: (open + 1).min(end),
                end,
                decoded: false,
            },
            self.limits.columns,
        );
        self.pos = end;
        block.get(end).copied()
    }

    /// Ends a cell: `block[from..to]` then `tail`, after what `decoded` already holds from
    /// `decoded_start` (if anything).
    fn push_cell(
        record: &mut Record,
        block: &[u8],
        from: usize,
        to: usize,
        decoded_start: Option<usize>,
        tail: &[u8],
        limits: Limits,
    ) {
        let span = match decoded_start {
            None => Span {
                start: from,
                end: to,
                decoded: false,
            },
            Some(start) => {
                record
                    .decoded
                    .extend_from_slice(block.get(from..to).unwrap_or_default());
                record.decoded.extend_from_slice(tail);
                Span {
                    start,
                    end: record.decoded.len(),
                    decoded: true,
                }
            }
        };
        record.push(span, limits.columns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::csv::header::BOM;
    use crate::leads::csv::scan::{Scan, scan};

    #[test]
    fn trimming_is_str_trim() {
        let pieces = [
            "a", " ", "\t", "\u{b}", "\u{c}", "\r", "\n", "\u{a0}", "\u{2003}", "é", "\u{85}",
            "\u{200b}", "\u{feff}", "\u{3000}",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..20_000 {
            let text: String = (0..rng.usize(0..6))
                .map(|_| pieces[rng.usize(0..pieces.len())])
                .collect();
            assert_eq!(
                trim_cell(text.as_bytes()),
                text.trim().as_bytes(),
                "{text:?}"
            );
        }
    }

    /// Random bytes made of the pieces CSV files are made of.
    fn random_csv(rng: &mut fastrand::Rng, pieces: usize) -> Vec<u8> {
        let parts: [&[u8]; 16] = [
            b"a",
            b"bc",
            b"defgh",
            b",",
            b",",
            b";",
            b"\"",
            b"\"\"",
            b"\r",
            b"\n",
            b"\n",
            b"\r\n",
            b" ",
            "é".as_bytes(),
            b"\xff",
            b"\xEF\xBB\xBF",
        ];
        let mut bytes = Vec::new();
        for _ in 0..pieces {
            bytes.extend_from_slice(parts[rng.usize(0..parts.len())]);
        }
        if bytes.starts_with(BOM) {
            // The reader drops a mark at the very start: that is the header's business.
            bytes.insert(0, b'a');
        }
        bytes
    }

    /// A record as the grammar of `docs/model-format.md` §3.1 reads it, byte by byte: its
    /// cells, its problem, the newlines before it and inside it.
    type Expected = (Vec<Vec<u8>>, Option<Problem>, u64, u64);

    /// The records of a whole input, read by the grammar as plainly as it is written.
    fn reference(bytes: &[u8], delimiter: u8, limits: Limits) -> Vec<Expected> {
        let n = bytes.len();
        let line_end = |b: u8| b == b'\r' || b == b'\n';
        let mut records = Vec::new();
        let (mut i, mut line) = (0, 0u64);
        loop {
            while i < n && line_end(bytes[i]) {
                line += u64::from(bytes[i] == b'\n');
                i += 1;
            }
            if i == n {
                return records;
            }
            let (first, record_line) = (i, line);
            let mut cells: Vec<Vec<u8>> = Vec::new();
            let mut newlines = 0;
            let mut unbalanced = None;
            let end = loop {
                let mut cell = Vec::new();
                if bytes.get(i) == Some(&b'"') {
                    let open = i;
                    let at_open = (line, newlines);
                    i += 1;
                    let mut closed = false;
                    while i < n && i <= open + limits.cell + 1 {
                        if bytes[i] == b'"' {
                            if bytes.get(i + 1) == Some(&b'"') {
                                cell.push(b'"');
                                i += 2;
                                continue;
                            }
                            closed = true;
                            i += 1;
                            break;
                        }
                        if bytes[i] == b'\n' {
                            line += 1;
                            newlines += 1;
                        }
                        cell.push(bytes[i]);
                        i += 1;
                    }
                    if !closed {
                        // Unbalanced: the record ends at the line end after the quote.
                        unbalanced.get_or_insert(cells.len());
                        (line, newlines) = at_open;
                        let q = (open + 1..n).find(|&k| line_end(bytes[k])).unwrap_or(n);
                        cells.push(bytes[open + 1..q].to_vec());
                        break q;
                    }
                }
                while i < n && bytes[i] != delimiter && !line_end(bytes[i]) {
                    cell.push(bytes[i]);
                    i += 1;
                }
                cells.push(cell);
                if i < n && bytes[i] == delimiter {
                    i += 1;
                    continue;
                }
                break i;
            };
            if end < n {
                line += u64::from(bytes[end] == b'\n');
                i = end + 1;
            } else {
                i = n;
            }
            // Cells past the column limit are counted, not kept (nor checked: the row has
            // more cells than any header anyway).
            cells.truncate(limits.columns + 1);
            let problem = if end - first > limits.row {
                Some(Problem::TooLong)
            } else if let Some(cell) = unbalanced {
                Some(Problem::Unbalanced { cell })
            } else {
                cells
                    .iter()
                    .position(|c| c.len() > limits.cell)
                    .map(|cell| Problem::CellTooLong { cell })
            };
            records.push((cells, problem, record_line, newlines));
        }
    }

    /// A record's cells and problem.
    type CellsAndProblem = (Vec<Vec<u8>>, Option<Problem>);

    fn tokenized(bytes: &[u8], delimiter: u8, limits: Limits) -> Vec<Expected> {
        let mut tokenizer = Tokenizer::new(bytes, delimiter, limits);
        let mut record = Record::default();
        let mut records = Vec::new();
        while tokenizer.next(&mut record) {
            records.push((
                record.cells(bytes).map(<[u8]>::to_vec).collect(),
                record.problem,
                record.line,
                record.newlines,
            ));
        }
        records
    }

    /// The records of `bytes` read in the blocks `scan` cuts (windows of random sizes, grown
    /// until a cut is found), up to a record too long to read; and whether one was found.
    fn in_blocks(
        bytes: &[u8],
        delimiter: u8,
        limits: Limits,
        rng: &mut fastrand::Rng,
    ) -> (Vec<CellsAndProblem>, bool) {
        let mut records = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let mut size = rng.usize(1..=12);
            let found = loop {
                let eof = rest.len() <= size;
                let found = scan(&rest[..size.min(rest.len())], delimiter, eof, limits);
                if found.cut.is_some() || found.too_long {
                    break found;
                }
                size *= 2;
            };
            let Some(cut) = found.cut else {
                return (records, true);
            };
            let block = &rest[..cut];
            for (cells, problem, _, _) in tokenized(block, delimiter, limits) {
                records.push((cells, problem));
            }
            if found.too_long {
                // The next block starts with the record that is too long.
                let again = scan(&rest[cut..], delimiter, true, limits);
                assert_eq!(
                    again,
                    Scan {
                        cut: None,
                        too_long: true
                    }
                );
                return (records, true);
            }
            rest = &rest[cut..];
        }
        (records, false)
    }

    #[test]
    fn records_are_read_as_the_grammar_reads_them_in_any_blocks() {
        let mut rng = fastrand::Rng::with_seed(11);
        for round in 0..20_000 {
            let pieces = rng.usize(0..40);
            let bytes = random_csv(&mut rng, pieces);
            let delimiter = if round % 3 == 0 { b';' } else { b',' };
            let limits = Limits {
                columns: rng.usize(1..6),
                cell: rng.usize(0..8),
                row: rng.usize(4..30),
                header: 64,
            };
            let expected = reference(&bytes, delimiter, limits);
            let shown = String::from_utf8_lossy(&bytes);
            assert_eq!(
                tokenized(&bytes, delimiter, limits),
                expected,
                "{shown:?} {limits:?}"
            );
            let (blocks, too_long) = in_blocks(&bytes, delimiter, limits, &mut rng);
            let first_too_long = expected.iter().position(|r| r.1 == Some(Problem::TooLong));
            let until: Vec<_> = expected
                .iter()
                .take(first_too_long.unwrap_or(expected.len()))
                .map(|(cells, problem, _, _)| (cells.clone(), *problem))
                .collect();
            assert_eq!(blocks, until, "{shown:?} {limits:?}");
            assert_eq!(too_long, first_too_long.is_some(), "{shown:?} {limits:?}");
        }
    }

    #[test]
    fn balanced_records_are_read_as_the_csv_crate_reads_them() {
        let mut rng = fastrand::Rng::with_seed(1);
        let mut compared = 0;
        for round in 0..5_000 {
            let pieces = rng.usize(0..40);
            let bytes = random_csv(&mut rng, pieces);
            let delimiter = if round % 3 == 0 { b';' } else { b',' };
            let ours = tokenized(&bytes, delimiter, Limits::FILE);
            if ours.iter().any(|r| r.1.is_some()) {
                // An unbalanced quote: the csv crate reads the rest of the file into the cell.
                continue;
            }
            compared += 1;
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .has_headers(false)
                .from_reader(&bytes[..]);
            let mut expected = Vec::new();
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).expect("bytes") {
                let position = record.position().expect("a position").clone();
                let blank_lines = bytes[position.byte() as usize..]
                    .iter()
                    .take_while(|b| matches!(b, b'\n' | b'\r'))
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                let cells: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
                let newlines = cells.iter().flatten().filter(|b| **b == b'\n').count() as u64;
                expected.push((cells, None, position.line() - 1 + blank_lines, newlines));
            }
            assert_eq!(ours, expected, "{:?}", String::from_utf8_lossy(&bytes));
        }
        assert!(compared > 2_000, "{compared} inputs compared");
    }
}
