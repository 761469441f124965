//! The records of a block: cells cut at the delimiter eight bytes at a time, quoted cells
//! decoded, and where each record starts (for row numbers). A block must start at a record
//! boundary; [`last_line_end`] finds where one can end.

/// `str::trim` of a cell's bytes (which are UTF-8).
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

/// One record of a block.
#[derive(Default)]
pub(crate) struct Record {
    spans: Vec<Span>,
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
}

impl Record {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(crate) fn cell<'r>(&'r self, block: &'r [u8], index: usize) -> &'r [u8] {
        let Some(span) = self.spans.get(index) else {
            return &[];
        };
        let bytes = if span.decoded { &self.decoded } else { block };
        bytes.get(span.start..span.end).unwrap_or_default()
    }

    pub(crate) fn cells<'r>(&'r self, block: &'r [u8]) -> impl Iterator<Item = &'r [u8]> + 'r {
        (0..self.len()).map(move |i| self.cell(block, i))
    }

    pub(crate) fn is_blank(&self, block: &[u8]) -> bool {
        self.cells(block).all(|cell| trim_cell(cell).is_empty())
    }

    /// The field and offset of invalid UTF-8, as `csv::StringRecord` reports it.
    pub(crate) fn invalid_utf8(&self, block: &[u8]) -> Option<(usize, usize)> {
        self.cells(block).enumerate().find_map(|(i, cell)| {
            std::str::from_utf8(cell)
                .err()
                .map(|e| (i, e.valid_up_to()))
        })
    }
}

/// Reads the records of a block that starts at a record boundary.
pub(crate) struct Tokenizer<'b> {
    block: &'b [u8],
    pub(crate) pos: usize,
    /// Newlines consumed.
    pub(crate) newlines: u64,
    delimiter: u8,
}

impl<'b> Tokenizer<'b> {
    pub(crate) fn new(block: &'b [u8], delimiter: u8) -> Tokenizer<'b> {
        Tokenizer {
            block,
            pos: 0,
            newlines: 0,
            delimiter,
        }
    }

    /// Reads the next record; `false` at the end of the block.
    // Per record inside `read_block`, compiled in another module; inlined there as it was
    // when both were in one file (`#[inline]` alone no longer gets it inlined).
    #[inline(always)]
    pub(crate) fn next(&mut self, record: &mut Record) -> bool {
        let block = self.block;
        record.spans.clear();
        record.decoded.clear();
        record.newlines = 0;
        record.terminated = false;
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
        loop {
            let at = self.pos;
            let ended_by = match block.get(at) {
                None => {
                    record.spans.push(Span {
                        start: at,
                        end: at,
                        decoded: false,
                    });
                    None
                }
                Some(b'"') => self.quoted(record),
                Some(_) => {
                    let end = self.unquoted(at);
                    record.spans.push(Span {
                        start: at,
                        end,
                        decoded: false,
                    });
                    self.pos = end;
                    block.get(end).copied()
                }
            };
            match ended_by {
                None => return true,
                Some(byte) => {
                    self.pos += 1;
                    if byte == b'\n' {
                        self.newlines += 1;
                    }
                    if byte != self.delimiter {
                        record.terminated = true;
                        return true;
                    }
                }
            }
        }
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
    /// that byte (`None` at the end of the block).
    fn quoted(&mut self, record: &mut Record) -> Option<u8> {
        let block = self.block;
        self.pos += 1;
        let mut from = self.pos;
        let mut decoded_start: Option<usize> = None;
        loop {
            let mut close = None;
            let rest = block.get(self.pos..).unwrap_or_default();
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
                // The block ends inside the quotes.
                self.pos = block.len();
                Self::push_cell(record, block, from, block.len(), decoded_start, &[]);
                return None;
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
                    Self::push_cell(record, block, end, end, Some(start), tail);
                    self.pos = end;
                    return block.get(end).copied();
                }
                after => {
                    Self::push_cell(record, block, from, close, decoded_start, &[]);
                    return after.copied();
                }
            }
        }
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
        record.spans.push(span);
    }
}

/// Just after the last `\n` of `window` that ends a line outside quotes, reading from the start
/// of a record. Only for the usual delimiters (not a quote or a line end).
pub(crate) fn last_line_end(window: &[u8], delimiter: u8) -> Option<usize> {
    if !window.contains(&b'"') {
        return window.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        /// At the start of a record or of a cell.
        Start,
        Unquoted,
        Quoted,
        /// Just after a quote inside quotes.
        QuoteInQuotes,
    }
    let mut state = State::Start;
    let mut cut = None;
    for (i, &byte) in window.iter().enumerate() {
        state = match state {
            State::Quoted if byte == b'"' => State::QuoteInQuotes,
            State::Quoted => State::Quoted,
            State::Start | State::QuoteInQuotes if byte == b'"' => State::Quoted,
            _ if byte == delimiter || byte == b'\r' => State::Start,
            _ if byte == b'\n' => {
                cut = Some(i + 1);
                State::Start
            }
            _ => State::Unquoted,
        };
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::csv::header::BOM;

    #[test]
    fn trimming_is_as_before() {
        let pieces = [
            "a", " ", "\t", "\u{b}", "\u{c}", "\r", "\n", "\u{a0}", "\u{2003}", "é", "\u{85}",
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
        let parts: [&[u8]; 15] = [
            b"a",
            b"bc",
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

    #[test]
    fn records_are_read_as_the_csv_crate_reads_them() {
        let mut rng = fastrand::Rng::with_seed(1);
        for round in 0..5_000 {
            let pieces = rng.usize(0..40);
            let bytes = random_csv(&mut rng, pieces);
            let delimiter = if round % 3 == 0 { b';' } else { b',' };
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
                expected.push((
                    cells,
                    position.byte(),
                    position.line(),
                    position.line() + blank_lines,
                    newlines,
                ));
            }
            let mut tokenizer = Tokenizer::new(&bytes, delimiter);
            let mut record = Record::default();
            let mut actual = Vec::new();
            while tokenizer.next(&mut record) {
                actual.push((
                    record.cells(&bytes).map(<[u8]>::to_vec).collect::<Vec<_>>(),
                    record.start as u64,
                    1 + record.start_newlines,
                    1 + record.line,
                    record.newlines,
                ));
            }
            assert_eq!(actual, expected, "{:?}", String::from_utf8_lossy(&bytes));

            // Cut where the reader cuts blocks, the records are the same.
            let mut cells = Vec::new();
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let mut size = rng.usize(1..=12);
                let cut = loop {
                    if rest.len() <= size {
                        break rest.len();
                    }
                    if let Some(cut) = last_line_end(&rest[..size], delimiter) {
                        break cut;
                    }
                    size *= 2;
                };
                let mut tokenizer = Tokenizer::new(&rest[..cut], delimiter);
                while tokenizer.next(&mut record) {
                    cells.push(
                        record
                            .cells(&rest[..cut])
                            .map(<[u8]>::to_vec)
                            .collect::<Vec<_>>(),
                    );
                }
                rest = &rest[cut..];
            }
            let whole: Vec<Vec<Vec<u8>>> = expected.into_iter().map(|e| e.0).collect();
            assert_eq!(cells, whole, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }
}
