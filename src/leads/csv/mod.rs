//! Reading CSV, as both readers (leads and events) do it. Internal to [`crate::leads`].
//!
//! Files are read in blocks that end at a record boundary, so that memory stays bounded and the
//! blocks can be parsed on several threads; the results are merged in file order. The reader
//! reads records exactly as the `csv` crate does with these settings (`"` quotes with `""`
//! inside, `\r`, `\n` or `\r\n` ending a record, empty lines skipped, a second BOM dropped), and
//! numbers them as a spreadsheet shows them: the header is row 1, a record is one row even when a
//! quoted cell spans lines, and blank lines are rows too. A row's number is worked out from the
//! line its first byte is on (lines end at `\n`) and the newlines inside the cells of the records
//! before it, so a block can number its rows relative to its first line.
//!
//! - `header`: the byte-order mark, the delimiter and the header record;
//! - `tokenizer`: a block's records, cut eight bytes at a time;
//! - `source`: an input opened past its header, cut into blocks;
//! - `pipeline`: blocks parsed on several threads, merged in file order;
//! - `block`: a block's records with their row numbers, and the blocks' order;
//! - `interner`: hash tables of distinct texts;
//! - `columns`: typed columns built block by block.
//!
//! A reader (`lead_file`, `event_file`) brings what is its own: how to parse a block's records
//! into its data, and how to merge that data.

mod block;
mod columns;
mod header;
mod interner;
mod pipeline;
mod scan;
mod source;
mod tokenizer;

pub use header::detect_delimiter;

pub(crate) use block::{BlockError, BlockInfo, Position, Start, estimate, read_block};
pub(crate) use columns::{BlockColumn, Builder, Kind, MISSING_INT, ints_to_text, plain_int};
pub(crate) use header::header_in_prefix;
pub(crate) use interner::{BlockDict, Interner, hash_bytes};
pub(crate) use pipeline::run_blocks;
pub(crate) use source::{Block, Input, open};
pub(crate) use tokenizer::{cell_text, trim_cell};

use super::options::{MAX_CELL_BYTES, MAX_COLUMNS, MAX_HEADER_BYTES, MAX_ROW_BYTES};

/// The limits a file is read with: [`Limits::FILE`] (the documented ones); tests read with small
/// ones to reach them with small inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Columns of the header, cells of a row.
    pub(crate) columns: usize,
    /// Bytes of a cell's text; a quoted cell's closing quote is at most this many bytes + 1
    /// after its opening quote.
    pub(crate) cell: usize,
    /// Bytes of a row, from its first byte to its line end.
    pub(crate) row: usize,
    /// The header's line end is within this many bytes of the start of the file (after a
    /// byte-order mark).
    pub(crate) header: usize,
}

impl Limits {
    pub(crate) const FILE: Limits = Limits {
        columns: MAX_COLUMNS,
        cell: MAX_CELL_BYTES,
        row: MAX_ROW_BYTES,
        header: MAX_HEADER_BYTES,
    };
}

/// The bytes of a block read from a file (the last record of a block may take it further).
pub(crate) const BLOCK_SIZE: usize = 1 << 20;
/// How many blocks may be read ahead of the one being merged.
const BLOCKS_AHEAD: usize = 8;

#[cfg(test)]
mod tests {
    use super::{Input, Limits};
    use crate::leads::event_file::read_events_with;
    use crate::leads::lead_file::read_leads_with;
    use crate::leads::{LoadOptions, Progress};
    use crate::model::{FieldKind, FieldSpec};

    const TRICKY_LEADS: &[&[u8]] = &[
        b"id,n,t\nL1,1,a\nL2,2,b\n",
        b"\xEF\xBB\xBFid,n,t\r\nL1,1,a\r\n\r\nL2,x,b\r\nL3,3\r\n,,\r\nL4,4,\"multi\r\nline\"\r\n",
        b"id;n;t\nL1;1;\"a;b\"\n\nL2;2;\"q\"\"uote\"\n\n\nL3;;c",
        b"\"i\nd\",n,t\nL1,1,a\rL2,2,b\rL3,y,c\r\r\nL1,5,d\n",
        b"id,n,t\nL1,1,\"unclosed\nL2,2,b\n",
        b"id,n,t\nL1,1,a\xff\nL2,2,b\n\xffL3,3,c\nL4,4,d",
        b"\n\nid,n,t\n\"L1\"x,1,\xC2\xA0a\xC2\xA0\nrow-3,2,b\n,3,c\n",
        b"t\nalpha\n\"\"\nbeta\n",
        b"",
        b"\n\n",
        b",,\n1,2,3\n",
        b"id,n,id\nL1,1,2\n",
        b"id,n,t\nL1,1,\"opens\nL2,2,b\nL3,3,\"closes\"\nL4,4,d\n",
        b"\"id,n,t\nL1,1,a\n",
        b"id,n,t\r\nL1,1,a\rL2,2,b\r\n\"x\r,y\rL3,3,c",
        b"id,n,t\nL1,\xff,a\nL2,2,\"b\xfe\nL3,3,\"\"\"\"\n",
        b"id,n,t\nL1,1,abcdefghijkl\nL2,2,abcdefghijklmnopqrstuvwxyz0123456789\nL3,3,c\n",
        b"id,n,t\nL1,1,,,,,,,,\nL2,2,\"q\"tail\n",
    ];

    fn number_field(name: &str) -> FieldSpec {
        FieldSpec {
            name: name.to_owned(),
            kind: FieldKind::Number,
            aliases: Vec::new(),
        }
    }

    fn outcome_of<T: std::fmt::Debug, E: std::fmt::Display>(result: &Result<T, E>) -> String {
        match result {
            Ok(value) => format!("{value:?}"),
            Err(error) => format!("error: {error}"),
        }
    }

    /// Limits small enough for the inputs above to break them.
    const SMALL: [Limits; 2] = [
        Limits {
            columns: 4,
            cell: 8,
            row: 36,
            header: 40,
        },
        Limits {
            columns: 3,
            cell: 30,
            row: 36,
            header: 12,
        },
    ];

    #[test]
    fn any_block_size_reads_the_same_leads_and_events() {
        for limits in [Limits::FILE, SMALL[0], SMALL[1]] {
            any_block_size_reads_the_same(limits);
        }
    }

    fn any_block_size_reads_the_same(limits: Limits) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (case, csv) in TRICKY_LEADS.iter().enumerate() {
            let path = dir.path().join(format!("leads{case}.csv"));
            std::fs::write(&path, csv).expect("written");
            for skip_bad_rows in [false, true] {
                let options = LoadOptions {
                    fields: vec![number_field("n")],
                    skip_bad_rows,
                    ..LoadOptions::default()
                };
                let whole =
                    read_leads_with(Input::Bytes(csv), "leads.csv", &options, 1 << 20, limits);
                let expected = outcome_of(&whole);
                for block_size in 1..=24 {
                    let blocks = read_leads_with(
                        Input::Bytes(csv),
                        "leads.csv",
                        &options,
                        block_size,
                        limits,
                    );
                    assert_eq!(
                        outcome_of(&blocks),
                        expected,
                        "{csv:?}, blocks of {block_size}"
                    );
                    let file = read_leads_with(
                        Input::File(&path),
                        "leads.csv",
                        &options,
                        block_size,
                        limits,
                    );
                    assert_eq!(
                        outcome_of(&file),
                        expected,
                        "{csv:?}, file blocks of {block_size}"
                    );
                }
                let Ok((leads, _)) = whole else {
                    continue;
                };
                let events = "Lead ID,Activity,Timestamp\nL1,Webinar,2026-10-01\nL2,webinar ,2026-10-02T10:00:00Z\n\nZ,x,2026-10-01\nL1,pricing,2026-10-03T23:30:00-02:00\nL3,,2026-10-01\nL1,x,yesterday\nL2,\"quoted\nactivity\",2026-10-04\nL1,\"open,2026-10-05\nL2,y,2026-10-06,extra\nL3,z,2026/10/07\n";
                let mut whole_events = leads.clone();
                let expected = outcome_of(&read_events_with(
                    Input::Bytes(events.as_bytes()),
                    "events.csv",
                    &mut whole_events,
                    skip_bad_rows,
                    1 << 20,
                    None,
                    (limits, 20_400),
                ));
                for block_size in 1..=24 {
                    let mut blocks = leads.clone();
                    let progress = Progress::default();
                    let report = read_events_with(
                        Input::Bytes(events.as_bytes()),
                        "events.csv",
                        &mut blocks,
                        skip_bad_rows,
                        block_size,
                        Some(&progress),
                        (limits, 20_400),
                    );
                    if report.is_ok() {
                        assert_eq!(progress.bytes_read(), events.len() as u64);
                    }
                    assert_eq!(outcome_of(&report), expected, "blocks of {block_size}");
                    assert_eq!(
                        format!("{:?}", blocks.events),
                        format!("{:?}", whole_events.events),
                        "blocks of {block_size}"
                    );
                }
            }
        }
    }
}
