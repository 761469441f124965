//! Where blocks come from: an input (bytes in memory or a file) opened past its header, then cut
//! into blocks of whole records, read ahead of the threads that parse them.

use std::io::Read;
use std::path::Path;

use super::header::{BOM, Header, find_header, line_after, strip_bom};
use super::scan::{Scan, scan};
use super::{BLOCKS_AHEAD, Limits};
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

/// A block of whole records; or, instead, a record longer than the row limit, which is not
/// read.
pub(crate) struct Block<'a> {
    data: BlockData<'a>,
    pub(crate) too_long: bool,
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
    block_size: usize,
    limits: Limits,
    /// Spare buffers.
    pool: Vec<Vec<u8>>,
    progress: Option<&'a Progress>,
}

impl<'a> Producer<'a> {
    pub(crate) fn next(&mut self) -> Result<Option<Block<'a>>, LeadsError> {
        if self.progress.is_some_and(Progress::is_cancelled) {
            return Err(LeadsError::Cancelled);
        }
        let (delimiter, block_size, limits) = (self.delimiter, self.block_size, self.limits);
        let (data, too_long) = match &mut self.source {
            Source::Bytes { bytes, pos } => {
                let rest = bytes.get(*pos..).unwrap_or_default();
                if rest.is_empty() {
                    return Ok(None);
                }
                let mut size = block_size.max(1);
                let found = loop {
                    let eof = rest.len() <= size;
                    let window = rest.get(..size).unwrap_or(rest);
                    match scan(window, delimiter, eof, limits) {
                        Scan {
                            cut: None,
                            too_long,
                        } if !too_long => {
                            size = size.saturating_mul(2);
                        }
                        found => break found,
                    }
                };
                let end = found.cut.unwrap_or_default();
                *pos += end;
                if let Some(progress) = self.progress {
                    progress.add(end);
                }
                (
                    BlockData::Borrowed(rest.get(..end).unwrap_or_default()),
                    found.too_long && found.cut.is_none(),
                )
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
                let mut want = block_size.max(1);
                let found = loop {
                    if !*eof && buffer.len() < want {
                        let missing = want - buffer.len();
                        *eof =
                            fill(file, &mut buffer, missing).map_err(|source| LeadsError::Io {
                                path: path.to_path_buf(),
                                source,
                            })?;
                    }
                    match scan(&buffer, delimiter, *eof, limits) {
                        Scan {
                            cut: None,
                            too_long,
                        } if !too_long && !*eof => {
                            want = buffer.len().saturating_mul(2).max(block_size);
                        }
                        found => break found,
                    }
                };
                if let Some(progress) = self.progress {
                    progress.add((buffer.len() + carry.len()).saturating_sub(carried_in));
                }
                let end = found.cut.unwrap_or_default();
                carry.extend_from_slice(buffer.get(end..).unwrap_or_default());
                buffer.truncate(end);
                if buffer.is_empty() && !found.too_long {
                    return Ok(None);
                }
                (
                    BlockData::Owned(buffer),
                    found.too_long && found.cut.is_none(),
                )
            }
        };
        if too_long {
            // Nothing after a row that is too long is read.
            self.source = Source::Bytes { bytes: &[], pos: 0 };
        }
        self.seq += 1;
        Ok(Some(Block { data, too_long }))
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
    /// The header, or why it cannot be read (a message for the file).
    pub(crate) header: Result<Header, String>,
    pub(crate) delimiter: u8,
    /// `1 +` the newlines before the data (the line it starts on).
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

/// A delimiter the reader can cut cells at: an ASCII character that is not a quote or a line
/// end.
fn check_delimiter(delimiter: Option<u8>) -> Result<(), String> {
    match delimiter {
        Some(d) if !d.is_ascii() || matches!(d, b'"' | b'\r' | b'\n') => Err(format!(
            "cannot read with the delimiter {}: it must be an ASCII character other than a \
             quote or a line end",
            crate::text::quoted(&char::from(d).to_string())
        )),
        _ => Ok(()),
    }
}

/// Opens an input past its header (with `delimiter`, or the one the header line suggests).
pub(crate) fn open<'a>(
    input: Input<'a>,
    delimiter: Option<u8>,
    block_size: usize,
    progress: Option<&'a Progress>,
    limits: Limits,
) -> Result<Opened<'a>, LeadsError> {
    let checked = check_delimiter(delimiter);
    let producer = |source, delimiter, pool| Producer {
        source,
        seq: 0,
        delimiter,
        block_size,
        limits,
        pool,
        progress,
    };
    match input {
        Input::Bytes(bytes) => {
            let body = strip_bom(bytes);
            let found = find_header(body, delimiter, true, limits);
            let (delimiter, end, header) = match found {
                Some(found) => (found.delimiter, found.end, found.header),
                // Not reached: the bytes are complete.
                None => (
                    b',',
                    body.len(),
                    Err("cannot find the header row".to_owned()),
                ),
            };
            let end = end.min(body.len());
            if let Some(progress) = progress {
                progress.add(bytes.len() - body.len() + end);
            }
            Ok(Opened {
                header: checked.and(header),
                delimiter,
                line: line_after(body.get(..end).unwrap_or_default()),
                producer: producer(
                    Source::Bytes {
                        bytes: body,
                        pos: end,
                    },
                    delimiter,
                    Vec::new(),
                ),
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
                if let Some(found) = find_header(body, delimiter, eof, limits) {
                    let end = found.end.min(body.len());
                    let line = line_after(body.get(..end).unwrap_or_default());
                    let skip = head.len() - body.len() + end;
                    let carry = head.split_off(skip.min(head.len()));
                    if let Some(progress) = progress {
                        progress.add(head.len() + carry.len());
                    }
                    return Ok(Opened {
                        header: checked.and(found.header),
                        delimiter: found.delimiter,
                        line,
                        producer: producer(
                            Source::File {
                                file,
                                path,
                                carry,
                                eof,
                            },
                            found.delimiter,
                            vec![head],
                        ),
                        size,
                    });
                }
                // More bytes are needed: at most the header's limit (and two byte-order marks).
                let most = limits.header + 2 * BOM.len() + 1;
                let more = head
                    .len()
                    .max(block_size)
                    .min(most.saturating_sub(head.len()))
                    .max(1);
                eof = fill(&mut file, &mut head, more).map_err(io)?;
            }
        }
    }
}
