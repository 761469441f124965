//! Lead ids: the id column (named in the options, or found by name) and one id per lead, or row
//! numbers when there is none; with a warning for each id that appears twice.

use rustc_hash::FxHashMap;

use crate::leads::options::{list_warning, unlisted_warnings};
use crate::leads::{ColumnData, LeadSet, LeadsError, LoadOptions, MISSING_TEXT, normalize_name};
use crate::text::bounded;

/// Headers of an id column (as [`normalize_name`] makes them), in order of preference.
const ID_COLUMNS: &[&str] = &["leadid", "id", "recordid", "contactid"];

/// The header index of the lead id column, found as [`lead_ids`] finds it.
pub(super) fn id_header_index(headers: &[String], options: &LoadOptions) -> Option<usize> {
    match &options.id_column {
        Some(name) => {
            let key = normalize_name(name);
            headers.iter().position(|h| normalize_name(h) == key)
        }
        None => ID_COLUMNS
            .iter()
            .find_map(|key| headers.iter().position(|h| normalize_name(h) == *key)),
    }
}

/// The file row of the lead at `index` (header = row 1), given the rows of the leads read.
pub(super) fn file_row(lead_rows: &[usize], index: usize) -> usize {
    lead_rows.get(index).copied().unwrap_or(index + 2)
}

/// The first column whose header is one of `candidates` (normalized names), in their order.
pub(super) fn find_column(set: &LeadSet, candidates: &[&str]) -> Option<usize> {
    candidates.iter().find_map(|key| {
        set.columns
            .iter()
            .position(|c| normalize_name(&c.name) == *key)
    })
}

/// The id column, the ids and the warnings about them.
type Ids = (Option<usize>, Vec<String>, Vec<String>);

/// Reads the ids of the `lead_count` leads whose file rows are `lead_rows`.
pub(super) fn lead_ids(
    set: &LeadSet,
    options: &LoadOptions,
    file: &str,
    lead_rows: &[usize],
    lead_count: usize,
) -> Result<Ids, LeadsError> {
    let mut warnings = Vec::new();
    let id_column = match &options.id_column {
        Some(name) => Some(
            set.columns
                .iter()
                .position(|c| normalize_name(&c.name) == normalize_name(name))
                .ok_or_else(|| LeadsError::File {
                    file: file.to_owned(),
                    message: format!("there is no id column `{}`", bounded(name)),
                })?,
        ),
        None => find_column(set, ID_COLUMNS),
    };
    let column = id_column.and_then(|i| set.columns.get(i));
    let ids: Vec<String> = match column {
        Some(column) => (0..lead_count)
            .map(|row| {
                let id = match &column.data {
                    ColumnData::Text { dict, codes } => codes
                        .get(row)
                        .and_then(|&code| dict.get(code as usize))
                        .cloned()
                        .unwrap_or_default(),
                    _ => column.cell(row).display(),
                };
                if id.is_empty() {
                    format!("row-{}", file_row(lead_rows, row))
                } else {
                    id
                }
            })
            .collect(),
        None => {
            warnings.push("no lead id column found: leads are numbered by row".to_owned());
            (0..lead_count)
                .map(|row| file_row(lead_rows, row).to_string())
                .collect()
        }
    };
    let duplicate = |id: &str, first: usize, row: usize| {
        format!(
            "lead id `{}` appears on rows {} and {}: events for it go to the first",
            bounded(id),
            file_row(lead_rows, first),
            file_row(lead_rows, row)
        )
    };
    let mut duplicates = 0;
    match column.map(|c| &c.data) {
        // Equal ids have equal codes, except that a missing id's `row-N` may equal a value.
        Some(ColumnData::Text { dict, codes }) => {
            let row_named: FxHashMap<&str, u32> = dict
                .iter()
                .enumerate()
                .filter(|(_, value)| value.starts_with("row-"))
                .map(|(code, value)| (value.as_str(), code as u32))
                .collect();
            let mut last = vec![usize::MAX; dict.len()];
            for (row, id) in ids.iter().enumerate() {
                let code = match codes.get(row) {
                    Some(&code) if code != MISSING_TEXT => Some(code),
                    _ => row_named.get(id.as_str()).copied(),
                };
                if let Some(seen) = code.and_then(|code| last.get_mut(code as usize)) {
                    if *seen != usize::MAX {
                        let first = *seen;
                        list_warning(&mut warnings, &mut duplicates, || duplicate(id, first, row));
                    }
                    *seen = row;
                }
            }
        }
        _ => {
            let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
            seen.reserve(lead_count);
            for (row, id) in ids.iter().enumerate() {
                if let Some(first) = seen.insert(id.as_str(), row) {
                    list_warning(&mut warnings, &mut duplicates, || duplicate(id, first, row));
                }
            }
        }
    }
    unlisted_warnings(&mut warnings, duplicates, "lead ids that appear again");
    Ok((id_column, ids, warnings))
}
