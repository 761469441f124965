//! Where blocks come from: an input (bytes in memory or a file) opened past its header, then cut
//! into blocks of whole records, read ahead of the threads that parse them.

use std::io::Read;
use std::path::Path;

use super::BLOCKS_AHEAD;
use super::header::{BOM, detect_delimiter, find_header, header_end, read_header, strip_bom};
use super::tokenizer::last_line_end;
use crate::leads::{LeadsError, Progress};

/// Reads until `buffer` has grown by `want` bytes or the file ends; `true` at the end.
fn fill(file: &mut std::fs::File, buffer: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let read = file.take(want as u64).read_to_end(buffer)?;
    Ok(read < want)
}

/// Where the bytes come from.
pub(crate) enum Source<'a> {
    Bytes {
        bytes: &'a [u8],
        pos: usize,
    },
    File {
        file: std::fs::File,
        path: &'a Path,
        /// Read but not yet handed out.
        carry: Vec<u8>,
        eof: bool,
    },
}

/// A block of whole records.
pub(crate) struct Block<'a> {
    data: BlockData<'a>,
}

enum BlockData<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Block<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match &self.data {
            BlockData::Borrowed(bytes) => bytes,
            BlockData::Owned(bytes) => bytes,
        }
    }
}

/// Cuts the input into blocks.
pub(crate) struct Producer<'a> {
    pub(crate) source: Source<'a>,
    pub(crate) seq: usize,
    delimiter: u8,
    /// Whether blocks may end at any line end outside quotes: not with a delimiter that is a
    /// quote or a line end, whose file is read as one block.
    pub(crate) split: bool,
    block_size: usize,
    /// Spare buffers.
    pool: Vec<Vec<u8>>,
    progress: Option<&'a Progress>,
}

impl<'a> Producer<'a> {
    pub(crate) fn next(&mut self) -> Result<Option<Block<'a>>, LeadsError> {
        if self.progress.is_some_and(Progress::is_cancelled) {
            return Err(LeadsError::Cancelled);
        }
        let (split, delimiter, block_size) = (self.split, self.delimiter, self.block_size);
        let data = match &mut self.source {
            Source::Bytes { bytes, pos } => {
                let rest = bytes.get(*pos..).unwrap_or_default();
                if rest.is_empty() {
                    return Ok(None);
                }
                let mut size = block_size;
                let end = loop {
                    if !split || rest.len() <= size {
                        break rest.len();
                    }
                    if let Some(cut) = rest.get(..size).and_then(|w| last_line_end(w, delimiter)) {
                        break cut;
                    }
                    size = size.saturating_mul(2);
                };
                *pos += end;
                if let Some(progress) = self.progress {
                    progress.add(end);
                }
                BlockData::Borrowed(rest.get(..end).unwrap_or_default())
            }
            Source::File {
                file,
                path,
                carry,
                eof,
            } => {
                let mut buffer = self.pool.pop().unwrap_or_default();
                buffer.clear();
                buffer.extend_from_slice(carry);
                let carried_in = carry.len();
                carry.clear();
                let mut want = block_size;
                loop {
                    if !*eof && buffer.len() < want {
                        let missing = want - buffer.len();
                        *eof =
                            fill(file, &mut buffer, missing).map_err(|source| LeadsError::Io {
                                path: path.to_path_buf(),
                                source,
                            })?;
                    }
                    if *eof {
                        break;
                    }
                    if split && let Some(cut) = last_line_end(&buffer, delimiter) {
                        carry.extend_from_slice(buffer.get(cut..).unwrap_or_default());
                        buffer.truncate(cut);
                        break;
                    }
                    want = buffer.len().saturating_mul(2);
                }
                if let Some(progress) = self.progress {
                    progress.add((buffer.len() + carry.len()).saturating_sub(carried_in));
                }
                if buffer.is_empty() {
                    return Ok(None);
                }
                BlockData::Owned(buffer)
            }
        };
        self.seq += 1;
        Ok(Some(Block { data }))
    }

    /// Nothing more is read after an error; the block that failed took its number.
    pub(crate) fn end_after_error(&mut self) {
        self.source = Source::Bytes { bytes: &[], pos: 0 };
        self.seq += 1;
    }

    /// Keeps a parsed block's buffer for a later block.
    pub(crate) fn recycle(&mut self, block: Block<'_>) {
        if let BlockData::Owned(buffer) = block.data
            && self.pool.len() < BLOCKS_AHEAD + crate::par::MAX_CSV_THREADS
        {
            self.pool.push(buffer);
        }
    }
}

/// An input opened past its header.
pub(crate) struct Opened<'a> {
    /// The header record, or why it cannot be read.
    pub(crate) header: Result<csv::StringRecord, csv::Error>,
    pub(crate) delimiter: u8,
    /// Where the data starts: its offset in the file (after the BOM) and `1 +` the newlines
    /// before it.
    pub(crate) byte: u64,
    pub(crate) line: u64,
    pub(crate) producer: Producer<'a>,
    /// The size of the file, when known.
    pub(crate) size: u64,
}

/// What to read: bytes in memory or a file.
pub(crate) enum Input<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// Opens an input past its header (with `delimiter`, or the one the header line suggests).
pub(crate) fn open<'a>(
    input: Input<'a>,
    delimiter: Option<u8>,
    block_size: usize,
    progress: Option<&'a Progress>,
) -> Result<Opened<'a>, LeadsError> {
    let split_for = |delimiter: u8| !matches!(delimiter, b'"' | b'\r' | b'\n');
    match input {
        Input::Bytes(bytes) => {
            let body = strip_bom(bytes);
            let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(body));
            let end = header_end(body, delimiter, true).unwrap_or(body.len());
            let (header, line) = read_header(body, delimiter, end);
            if let Some(progress) = progress {
                progress.add(bytes.len() - body.len() + end);
            }
            Ok(Opened {
                header,
                delimiter,
                byte: end as u64,
                line,
                producer: Producer {
                    source: Source::Bytes {
                        bytes: body,
                        pos: end,
                    },
                    seq: 0,
                    delimiter,
                    split: split_for(delimiter),
                    block_size,
                    pool: Vec::new(),
                    progress,
                },
                size: body.len() as u64,
            })
        }
        Input::File(path) => {
            let io = |source| LeadsError::Io {
                path: path.to_path_buf(),
                source,
            };
            let mut file = std::fs::File::open(path).map_err(io)?;
            let size = file.metadata().map_or(0, |m| m.len());
            let mut head = Vec::with_capacity(block_size);
            let mut eof = fill(&mut file, &mut head, block_size.max(BOM.len())).map_err(io)?;
            loop {
                let body = strip_bom(&head);
                if let Some((delimiter, end)) = find_header(body, delimiter, eof) {
                    let (header, line) = read_header(body, delimiter, end);
                    let skip = head.len() - body.len() + end;
                    let carry = head.split_off(skip.min(head.len()));
                    if let Some(progress) = progress {
                        progress.add(head.len() + carry.len());
                    }
                    return Ok(Opened {
                        header,
                        delimiter,
                        byte: end as u64,
                        line,
                        producer: Producer {
                            source: Source::File {
                                file,
                                path,
                                carry,
                                eof,
                            },
                            seq: 0,
                            delimiter,
                            split: split_for(delimiter),
                            block_size,
                            pool: vec![head],
                            progress,
                        },
                        size,
                    });
                }
                let more = head.len().max(block_size);
                eof = fill(&mut file, &mut head, more).map_err(io)?;
            }
        }
    }
}
