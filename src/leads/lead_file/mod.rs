//! The leads reader: one row per lead, one typed column per header. Blocks are parsed on
//! several threads (cells typed, texts interned) and merged in file order; then the lead ids
//! (`ids`) and the outcomes and sales verdicts (`outcomes`) are read from the finished columns.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::csv::{
    BLOCK_SIZE, Block, BlockColumn, BlockError, BlockInfo, Builder, Input, Kind, Limits,
    MISSING_INT, Position, Start, cell_text, estimate, ints_to_text, open, plain_int, read_block,
    run_blocks, trim_cell,
};
use super::values::{bool_word, parse_day, parse_number, quick_day, quick_number};
use super::{
    Column, LeadSet, LeadsError, LoadOptions, LoadReport, MISSING_BOOL, MISSING_DATE, MISSING_TEXT,
    normalize_name,
};
use crate::model::{FieldKind, FieldSpec};
use crate::text::{bounded, quoted};

mod ids;
mod outcomes;

use ids::{id_header_index, lead_ids};
pub use outcomes::is_outcome_or_verdict_header;
use outcomes::read_outcomes;
pub(crate) use outcomes::{RECORDER_COLUMNS, VERDICT_COLUMNS};

/// Loads leads from a CSV file.
pub fn load_leads_csv(
    path: &Path,
    options: &LoadOptions,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    read_leads(
        Input::File(path),
        &path.display().to_string(),
        options,
        BLOCK_SIZE,
    )
}

/// Reads leads from CSV bytes. `file` names the source in error messages.
pub fn read_leads_csv(
    bytes: &[u8],
    file: &str,
    options: &LoadOptions,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    read_leads(Input::Bytes(bytes), file, options, BLOCK_SIZE)
}

/// What the leads reader needs to read a block.
struct LeadsFormat<'h> {
    kinds: Vec<Kind>,
    /// The columns that are not text, parsed before anything of a row is kept.
    typed: Vec<usize>,
    headers: &'h [String],
    delimiter: u8,
    limits: Limits,
    skip_bad_rows: bool,
    /// The size of the last block read: its rows, and per column its distinct texts and their
    /// bytes (to size the next block's vectors).
    hints: (AtomicUsize, Vec<(AtomicUsize, AtomicUsize)>),
}

/// The leads of one block.
struct LeadsBlock {
    info: BlockInfo,
    columns: Vec<BlockColumn>,
    /// Per lead: its row, relative to the block.
    rows: Vec<i64>,
}

/// A parsed cell of a typed column.
#[derive(Clone, Copy)]
enum Value {
    Number(f64),
    Bool(u8),
    Date(i32),
}

/// A typed column's cell; `None` for a text or undeclared column, whose cells are kept as text.
// Per typed cell inside `read_block`, compiled in another module: `#[inline]` keeps it
// inlinable there.
#[inline]
fn parse_cell(kind: Kind, cell: &[u8]) -> Result<Option<Value>, &'static str> {
    Ok(Some(match kind {
        Kind::Text | Kind::Guess => return Ok(None),
        Kind::Number if cell.is_empty() => Value::Number(f64::NAN),
        Kind::Number => Value::Number(
            quick_number(cell)
                .or_else(|| std::str::from_utf8(cell).ok().and_then(parse_number))
                .ok_or("expected a number")?,
        ),
        Kind::Bool if cell.is_empty() => Value::Bool(MISSING_BOOL),
        Kind::Bool => Value::Bool(u8::from(
            bool_word(cell).ok_or("expected true/false or yes/no")?,
        )),
        Kind::Date if cell.is_empty() => Value::Date(MISSING_DATE),
        Kind::Date => Value::Date(
            quick_day(cell)
                .or_else(|| std::str::from_utf8(cell).ok().and_then(parse_day))
                .ok_or("expected a date like 2026-10-03")?,
        ),
    }))
}

/// Parses one block's leads; read ahead when `start` is `None`, else in order from `start`.
fn read_leads_block(
    format: &LeadsFormat<'_>,
    block: &Block<'_>,
    start: Option<Start>,
) -> LeadsBlock {
    let rows_hint = format.hints.0.load(Ordering::Relaxed);
    let mut columns: Vec<BlockColumn> = format
        .kinds
        .iter()
        .zip(&format.hints.1)
        .map(|(&kind, (texts, bytes))| {
            let hint = (texts.load(Ordering::Relaxed), bytes.load(Ordering::Relaxed));
            BlockColumn::new(kind, rows_hint, hint)
        })
        .collect();
    let mut rows = Vec::new();
    let mut values: Vec<Value> = Vec::with_capacity(format.typed.len());
    let width = format.kinds.len();
    let bytes = block.bytes();
    let info = read_block(
        block,
        format.delimiter,
        format.limits,
        start,
        format.skip_bad_rows,
        |record, row| {
            let block = bytes;
            if record.is_blank(block) {
                return Ok(());
            }
            if record.len() != width {
                return Err(BlockError::row(
                    row,
                    None,
                    width_message(record.len(), width, record.newlines),
                ));
            }
            // Nothing of a bad row is kept: the typed cells are parsed first.
            values.clear();
            for &column in &format.typed {
                let cell = trim_cell(record.cell(block, column));
                let kind = format.kinds.get(column).copied().unwrap_or(Kind::Text);
                match parse_cell(kind, cell) {
                    Ok(Some(value)) => values.push(value),
                    Ok(None) => {}
                    Err(expected) => {
                        return Err(BlockError::row(
                            row,
                            Some(column),
                            format!("{expected}, found {}", quoted(&cell_text(cell))),
                        ));
                    }
                }
            }
            let mut typed = values.iter();
            for (index, column) in columns.iter_mut().enumerate() {
                if let BlockColumn::Ints(values) = column {
                    let cell = trim_cell(record.cell(block, index));
                    if cell.is_empty() {
                        values.push(MISSING_INT);
                        continue;
                    }
                    if let Some(value) = plain_int(cell) {
                        values.push(value);
                        continue;
                    }
                    let (dict, codes) = ints_to_text(values);
                    *column = BlockColumn::Text { dict, codes };
                }
                match column {
                    BlockColumn::Ints(_) => {}
                    BlockColumn::Text { dict, codes } => {
                        let cell = trim_cell(record.cell(block, index));
                        codes.push(if cell.is_empty() {
                            MISSING_TEXT
                        } else {
                            dict.intern(cell)
                        });
                    }
                    BlockColumn::Number(values) => {
                        if let Some(Value::Number(v)) = typed.next() {
                            values.push(*v);
                        }
                    }
                    BlockColumn::Bool(values) => {
                        if let Some(Value::Bool(v)) = typed.next() {
                            values.push(*v);
                        }
                    }
                    BlockColumn::Date(values) => {
                        if let Some(Value::Date(v)) = typed.next() {
                            values.push(*v);
                        }
                    }
                }
            }
            rows.push(row);
            Ok(())
        },
    );
    format.hints.0.store(rows.len(), Ordering::Relaxed);
    for (column, (texts, bytes)) in columns.iter_mut().zip(&format.hints.1) {
        if let BlockColumn::Text { dict, .. } = column {
            texts.store(dict.len(), Ordering::Relaxed);
            bytes.store(dict.bytes.len(), Ordering::Relaxed);
            if dict.len() * 10 >= rows.len() * 9 {
                dict.make_strings();
            }
        }
    }
    LeadsBlock {
        info,
        columns,
        rows,
    }
}

/// The leads read so far, in file order.
struct LeadsMerge<'f> {
    format: &'f LeadsFormat<'f>,
    file: &'f str,
    builders: Vec<Builder>,
    /// The file row (spreadsheet numbering) of every lead read, for messages and row-number ids.
    lead_rows: Vec<usize>,
    report: LoadReport,
    position: Position,
    size: u64,
}

impl LeadsMerge<'_> {
    fn merge(&mut self, source: &Block<'_>, block: LeadsBlock) -> Result<(), LeadsError> {
        let bytes = source.bytes();
        let block = if self.position.needs_again(&block.info) {
            read_leads_block(self.format, source, Some(self.position.start()))
        } else {
            block
        };
        for error in block.info.errors.iter() {
            let problem =
                error.to_row_error(self.file, self.position.row(error.row), self.format.headers);
            if self.format.skip_bad_rows && !error.fatal {
                self.report.skipped.push(problem);
            } else {
                return Err(problem.into());
            }
        }
        if self.lead_rows.is_empty() && !block.rows.is_empty() {
            let rows = block.rows.len();
            // A row has a delimiter per cell but the last, and a line end.
            let width = self.builders.len();
            let expected = estimate(rows, bytes.len(), self.size, width);
            self.lead_rows.reserve(expected);
            for (builder, column) in self.builders.iter_mut().zip(&block.columns) {
                builder.reserve(expected);
                // A column of distinct values (ids, emails) will have about as many as rows.
                if let (Builder::Text { dict, index, .. }, BlockColumn::Text { dict: texts, .. }) =
                    (builder, column)
                    && texts.len() * 10 >= rows * 9
                {
                    let texts = estimate(texts.len(), bytes.len(), self.size, width);
                    dict.reserve(texts);
                    index.reserve(texts);
                }
            }
        }
        for (builder, column) in self.builders.iter_mut().zip(block.columns) {
            builder.append(column);
        }
        self.report.rows_read += block.rows.len();
        let position = &self.position;
        self.lead_rows
            .extend(block.rows.iter().map(|&row| position.row(row)));
        self.position.advance(&block.info);
        Ok(())
    }
}

/// Reads leads from `input` in blocks of `block_size` bytes (a parameter so that tests can cut
/// files anywhere).
pub(crate) fn read_leads(
    input: Input<'_>,
    file: &str,
    options: &LoadOptions,
    block_size: usize,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    read_leads_with(input, file, options, block_size, Limits::FILE)
}

/// [`read_leads`] with other limits than the file format's (for tests).
pub(crate) fn read_leads_with(
    input: Input<'_>,
    file: &str,
    options: &LoadOptions,
    block_size: usize,
    limits: Limits,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    let opened = open(
        input,
        options.delimiter,
        block_size,
        options.progress.as_deref(),
        limits,
    )?;
    let header = opened.header.as_ref().map_err(|message| LeadsError::File {
        file: file.to_owned(),
        message: message.clone(),
    })?;
    let headers: Vec<String> = header
        .names
        .iter()
        .map(|h| {
            let header = h.trim();
            options
                .renames
                .iter()
                .find(|(from, _)| normalize_name(from) == normalize_name(header))
                .map_or_else(|| header.to_owned(), |(_, to)| to.clone())
        })
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(LeadsError::File {
            file: file.to_owned(),
            message: "the header row names no columns (its cells are empty): expected a header \
                      row naming the columns"
                .to_owned(),
        });
    }
    if let Some(duplicate) = first_duplicate(&headers) {
        return Err(LeadsError::File {
            file: file.to_owned(),
            message: format!(
                "the column `{}` appears twice in the header",
                bounded(duplicate)
            ),
        });
    }
    // The id column is kept as written: an undeclared `007` or `12345678901234567890` must not
    // become a number, or the ids would no longer match the event log.
    let id_header = id_header_index(&headers, options);
    let builders: Vec<Builder> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| match declared_kind(h, &options.fields) {
            None if Some(i) == id_header => Builder::new(Some(FieldKind::Text)),
            kind => Builder::new(kind),
        })
        .collect();
    let kinds: Vec<Kind> = builders.iter().map(Builder::kind).collect();
    let format = LeadsFormat {
        typed: (0..kinds.len())
            .filter(|&i| !matches!(kinds.get(i), Some(Kind::Text | Kind::Guess)))
            .collect(),
        hints: (
            AtomicUsize::new(0),
            kinds.iter().map(|_| Default::default()).collect(),
        ),
        kinds,
        headers: &headers,
        delimiter: opened.delimiter,
        limits,
        skip_bad_rows: options.skip_bad_rows,
    };
    let mut merge = LeadsMerge {
        format: &format,
        file,
        builders,
        lead_rows: Vec::new(),
        report: LoadReport::default(),
        position: Position::new(&opened, header.newlines),
        size: opened.size,
    };
    let threads = crate::par::csv_threads(opened.size, block_size);
    run_blocks(
        opened.producer,
        threads,
        &|block| read_leads_block(&format, block, None),
        |source, block| merge.merge(source, block),
    )?;
    let LeadsMerge {
        builders,
        mut lead_rows,
        mut report,
        ..
    } = merge;
    lead_rows.shrink_to_fit();
    let data = crate::par::in_parallel(builders, threads, Builder::finish);
    let columns: Vec<Column> = headers
        .into_iter()
        .zip(data)
        .map(|(name, data)| Column { name, data })
        .collect();
    let lead_count = report.rows_read;
    let mut set = LeadSet {
        columns,
        ids: Vec::new(),
        id_column: None,
        events: None,
        outcomes: Vec::new(),
        verdicts: super::Verdicts::default(),
    };
    let skip = options.skip_bad_rows;
    let (ids, outcomes) = crate::par::join(
        threads > 1,
        || lead_ids(&set, options, file, &lead_rows, lead_count),
        || read_outcomes(&set, file, &lead_rows, skip, lead_count),
    );
    let (id_column, ids, id_warnings) = ids?;
    let (outcomes, verdicts, outcome_warnings) = outcomes?;
    set.id_column = id_column;
    set.ids = ids;
    set.outcomes = outcomes;
    set.verdicts = verdicts;
    if lead_count == 0 {
        report.warnings.push(if report.skipped.is_empty() {
            "no leads: the file has a header row but no rows of data".to_owned()
        } else {
            "no leads: every row was skipped".to_owned()
        });
    }
    report.warnings.extend(id_warnings);
    report.warnings.extend(outcome_warnings);
    Ok((set, report))
}

/// The error of a row with `cells` cells under a header of `width` columns; `newlines`: the
/// line ends inside its quoted cells (a misplaced quote makes a row of several lines).
pub(crate) fn width_message(cells: usize, width: usize, newlines: u64) -> String {
    let mut message = format!("has {cells} cells, but the header has {width} columns");
    if newlines > 0 {
        message.push_str(&format!(
            " (its quoted cells span {} lines: is a quote misplaced?)",
            newlines + 1
        ));
    }
    message
}

/// The first header that appears twice (as [`normalize_name`] reads headers).
fn first_duplicate(headers: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    headers
        .iter()
        .find(|h| !h.is_empty() && !seen.insert(normalize_name(h)))
        .map(String::as_str)
}

/// The type the model declares for a header's field, if it declares one.
fn declared_kind(header: &str, fields: &[FieldSpec]) -> Option<FieldKind> {
    let key = normalize_name(header);
    fields
        .iter()
        .find(|spec| {
            normalize_name(&spec.name) == key
                || spec.aliases.iter().any(|a| normalize_name(a) == key)
        })
        .map(|spec| spec.kind)
}
