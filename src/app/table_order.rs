//! The leads table's filter, search and sort as one pure computation over owned inputs, so it
//! can run on a thread of its own (`latest_worker.rs`) for a large lead set: nothing here borrows the
//! app. Every sort is a stable radix sort of (key, row) pairs, so ties keep lead order: text
//! columns sort by the rank of each distinct value (computed once per distinct value, not per
//! comparison), and search tests each distinct value once.

use std::sync::Arc;

use super::settings::SortColumn;
use super::table_keys::{KeyColumns, RowsKey, outcome_rank};
use crate::leads::{Cell, ColumnData, LeadSet, MISSING_TEXT, Verdict, Verdicts};
use crate::scoring::{LeadScore, histogram_bin};

/// Everything the rows depend on, owned.
#[derive(Clone)]
pub struct RowsInput {
    pub key: RowsKey,
    pub leads: Arc<LeadSet>,
    pub columns: KeyColumns,
    /// Per lead: its status, by [`crate::scoring::Status::index`].
    pub statuses: Vec<u8>,
    /// Per lead, for the sorts that read the scores (score, fit, engagement, status, grade): a
    /// key in the sort's order; empty for the other sorts.
    pub score_keys: Vec<u32>,
    /// Per lead, its score, when the rows are limited to one histogram bar; empty otherwise.
    pub range_scores: Vec<f64>,
    pub verdicts: Arc<Verdicts>,
}

impl RowsInput {
    /// The inputs from the app's state: the score-derived parts are copied out (a byte and at
    /// most a 32-bit key per lead), the rest is shared.
    pub fn new(
        key: RowsKey,
        leads: &Arc<LeadSet>,
        columns: KeyColumns,
        scores: &[LeadScore],
        verdicts: &Arc<Verdicts>,
    ) -> RowsInput {
        let statuses = scores.iter().map(|s| s.status.index() as u8).collect();
        let score_keys = match key.sort {
            SortColumn::Score => scores.iter().map(|s| hundredths_key(s.score)).collect(),
            SortColumn::Fit => scores.iter().map(|s| hundredths_key(s.fit)).collect(),
            SortColumn::Engagement => scores
                .iter()
                .map(|s| hundredths_key(s.engagement))
                .collect(),
            // Best first when ascending in the table's terms: MQL before disqualified.
            SortColumn::Status => scores.iter().map(|s| u32::MAX - s.status as u32).collect(),
            SortColumn::Grade => scores
                .iter()
                .map(|s| u32::MAX - ((u32::from(s.fit_grade) << 8) | u32::from(s.engagement_level)))
                .collect(),
            _ => Vec::new(),
        };
        let range_scores = if key.score_bin.is_some() {
            scores.iter().map(|s| s.score).collect()
        } else {
            Vec::new()
        };
        RowsInput {
            range_scores,
            key,
            leads: Arc::clone(leads),
            columns,
            statuses,
            score_keys,
            verdicts: Arc::clone(verdicts),
        }
    }
}

/// The rows to show, filtered by status and search, in the sort's order.
pub fn compute_rows(input: &RowsInput) -> Vec<usize> {
    let leads = &*input.leads;
    let count = leads.len().min(input.statuses.len());
    let needle = input.key.search.trim().to_lowercase();
    let search = Search::new(&needle, leads, &input.columns);
    let rows: Vec<usize> = (0..count)
        .filter(|&row| {
            input
                .statuses
                .get(row)
                .is_some_and(|&status| input.key.show_status[usize::from(status)])
        })
        .filter(|&row| match input.key.score_bin {
            None => true,
            // The histogram's own binning, so the rows are exactly the bar's leads.
            Some((bin, scale)) => input
                .range_scores
                .get(row)
                .is_some_and(|&score| histogram_bin(score, scale) == bin),
        })
        .filter(|&row| search.matches(row))
        .collect();
    sort_rows(rows, input)
}

fn sort_rows(rows: Vec<usize>, input: &RowsInput) -> Vec<usize> {
    let leads = &*input.leads;
    let columns = &input.columns;
    let descending = input.key.descending;
    match input.key.sort {
        SortColumn::Score
        | SortColumn::Fit
        | SortColumn::Engagement
        | SortColumn::Status
        | SortColumn::Grade => radix(rows, descending, |row| {
            input.score_keys.get(row).copied().unwrap_or(0)
        }),
        SortColumn::Employees => radix(rows, descending, |row| {
            let number = match columns.employees.and_then(|c| leads.columns.get(c)) {
                Some(column) => match column.cell(row) {
                    Cell::Number(n) => n,
                    _ => f64::NAN,
                },
                None => f64::NAN,
            };
            // A missing number sorts first ascending, last descending (like a missing text).
            if number.is_nan() {
                0
            } else {
                total_order_key(number)
            }
        }),
        SortColumn::Outcome => radix(rows, descending, |row| {
            outcome_rank(leads.outcomes.get(row).copied().flatten())
        }),
        SortColumn::Verdict => radix(rows, descending, |row| {
            match input.verdicts.get(row).copied().flatten() {
                None => 0u8,
                Some(Verdict::Accept) => 1,
                Some(Verdict::Reject) => 2,
            }
        }),
        SortColumn::Company => by_text_rank(rows, descending, leads, columns.company),
        SortColumn::Title => by_text_rank(rows, descending, leads, columns.title),
        SortColumn::Industry => by_text_rank(rows, descending, leads, columns.industry),
        SortColumn::Name => match columns.name_column() {
            Some(column) => by_text_rank(rows, descending, leads, Some(column)),
            None => {
                let first = TextRanks::new(leads, columns.first_name());
                let last = TextRanks::new(leads, columns.last_name());
                radix(rows, descending, |row| {
                    (u64::from(first.rank(leads, row)) << 32) | u64::from(last.rank(leads, row))
                })
            }
        },
        SortColumn::Id => {
            // Ids are unique: a comparison sort (off the UI thread for a large set).
            let mut rows = rows;
            rows.sort_by(|a, b| {
                let order = leads.ids[*a].cmp(&leads.ids[*b]);
                if descending { order.reverse() } else { order }
            });
            rows
        }
    }
}

/// A stable radix sort of the rows by `key` (rows come in lead order, so ties keep it).
fn radix<K: radsort::Key + Copy + std::ops::Not<Output = K>>(
    rows: Vec<usize>,
    descending: bool,
    key: impl Fn(usize) -> K,
) -> Vec<usize> {
    let mut keyed: Vec<(K, usize)> = rows
        .into_iter()
        .map(|row| {
            let k = key(row);
            (if descending { !k } else { k }, row)
        })
        .collect();
    radsort::sort_by_key(&mut keyed, |pair| pair.0);
    keyed.into_iter().map(|(_, row)| row).collect()
}

fn by_text_rank(
    rows: Vec<usize>,
    descending: bool,
    leads: &LeadSet,
    column: Option<usize>,
) -> Vec<usize> {
    let ranks = TextRanks::new(leads, column);
    radix(rows, descending, |row| ranks.rank(leads, row))
}

/// Each distinct text value's place in sorted order (a missing value sorts first, like "").
struct TextRanks {
    column: Option<usize>,
    /// Per dictionary code of a text column: its rank + 1.
    ranks: Vec<u32>,
    /// For a column that is not text: every lead's displayed value's rank + 1.
    by_row: Vec<u32>,
}

impl TextRanks {
    fn new(leads: &LeadSet, column: Option<usize>) -> TextRanks {
        let mut ranks = Vec::new();
        let mut by_row = Vec::new();
        if let Some(col) = column.and_then(|c| leads.columns.get(c)) {
            match &col.data {
                ColumnData::Text { dict, .. } => ranks = rank_of(dict),
                _ => {
                    let shown: Vec<String> =
                        (0..col.len()).map(|r| col.cell(r).display()).collect();
                    by_row = rank_of(&shown);
                }
            }
        }
        TextRanks {
            column,
            ranks,
            by_row,
        }
    }

    fn rank(&self, leads: &LeadSet, row: usize) -> u32 {
        if !self.by_row.is_empty() {
            return self.by_row.get(row).copied().unwrap_or(0);
        }
        let Some(ColumnData::Text { codes, .. }) = self
            .column
            .and_then(|c| leads.columns.get(c))
            .map(|c| &c.data)
        else {
            return 0;
        };
        match codes.get(row) {
            Some(&code) if code != MISSING_TEXT => {
                self.ranks.get(code as usize).copied().unwrap_or(0)
            }
            _ => 0,
        }
    }
}

/// Per value: 1 + its rank among the values in string order (equal values share a rank).
fn rank_of(values: &[String]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..values.len() as u32).collect();
    order.sort_unstable_by(|a, b| values[*a as usize].cmp(&values[*b as usize]));
    let mut ranks = vec![0u32; values.len()];
    let mut rank = 0u32;
    let mut previous: Option<&String> = None;
    for index in order {
        let value = &values[index as usize];
        if previous != Some(value) {
            rank += 1;
            previous = Some(value);
        }
        ranks[index as usize] = rank;
    }
    ranks
}

/// The search: a lead matches when its id, name, company, title or industry contains the
/// needle, ignoring case. Text columns are tested once per distinct value.
struct Search<'a> {
    needle: &'a str,
    leads: &'a LeadSet,
    /// (column, per dictionary code: does the value contain the needle?)
    columns: Vec<(usize, Vec<bool>)>,
    /// Columns that are not text, tested per lead.
    other_columns: Vec<usize>,
    /// The first and last name columns, for a needle that spans both ("emma dub").
    names: Option<(usize, usize)>,
}

impl<'a> Search<'a> {
    fn new(needle: &'a str, leads: &'a LeadSet, keys: &KeyColumns) -> Search<'a> {
        let mut columns = Vec::new();
        let mut other_columns = Vec::new();
        if !needle.is_empty() {
            for column in keys.searched_columns().into_iter().flatten() {
                match leads.columns.get(column).map(|c| &c.data) {
                    Some(ColumnData::Text { dict, .. }) => columns.push((
                        column,
                        dict.iter()
                            .map(|v| v.to_lowercase().contains(needle))
                            .collect(),
                    )),
                    Some(_) => other_columns.push(column),
                    None => {}
                }
            }
        }
        let names = match (keys.first_name(), keys.last_name()) {
            (Some(first), Some(last)) if needle.contains(char::is_whitespace) => {
                Some((first, last))
            }
            _ => None,
        };
        Search {
            needle,
            leads,
            columns,
            other_columns,
            names,
        }
    }

    fn matches(&self, row: usize) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        let leads = self.leads;
        let id_matches = leads.ids.get(row).is_some_and(|id| {
            if id.is_ascii() && self.needle.is_ascii() {
                contains_ignore_ascii_case(id, self.needle)
            } else {
                id.to_lowercase().contains(self.needle)
            }
        });
        id_matches
            || self.columns.iter().any(|(column, hits)| {
                match leads.columns.get(*column).map(|c| &c.data) {
                    Some(ColumnData::Text { codes, .. }) => codes
                        .get(row)
                        .is_some_and(|&code| hits.get(code as usize).copied().unwrap_or(false)),
                    _ => false,
                }
            })
            || self.other_columns.iter().any(|column| {
                leads
                    .columns
                    .get(*column)
                    .is_some_and(|c| c.cell(row).display().to_lowercase().contains(self.needle))
            })
            || self.names.is_some_and(|(first, last)| {
                let text = |column: usize| {
                    leads
                        .columns
                        .get(column)
                        .map(|c| c.cell(row).display())
                        .unwrap_or_default()
                };
                format!("{} {}", text(first), text(last))
                    .to_lowercase()
                    .contains(self.needle)
            })
    }
}

/// `haystack` contains `needle` (already lower case), ignoring ASCII case, without allocating.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// A number as an unsigned key in the order of `f64::total_cmp`.
pub fn total_order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// A score (whole hundredths) as an unsigned key in the same order; scores beyond ±21 million
/// (not on any scale a model allows) clamp to the ends.
pub fn hundredths_key(value: f64) -> u32 {
    let hundredths = (value * 100.0)
        .round()
        .clamp(f64::from(i32::MIN), f64::from(i32::MAX));
    (hundredths as i32 as u32) ^ (1 << 31)
}
#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{RowsInput, compute_rows, hundredths_key, total_order_key};
    use crate::app::document::Revision;
    use crate::app::settings::SortColumn;
    use crate::app::table_keys::{KeyColumns, RowsKey};
    use crate::leads::{LeadSet, read_leads_csv};
    use crate::model::Model;
    use crate::scoring::{Evaluation, score_all};

    const CSV: &str = "Lead ID,First Name,Last Name,Company,Employees\n\
                       L3,Émilie,Dubois,Zeta,40\n\
                       L1,Emma,Dubois,alpha,900\n\
                       L2,Emma,Able,Beta,\n\
                       L4,Bob,Zed,Alpha,12\n\
                       L5,Émilie,Dubois,,300\n";

    fn rows(sort: SortColumn, descending: bool, search: &str) -> Vec<String> {
        let model = Model::new("test");
        let (leads, _) = read_leads_csv(CSV.as_bytes(), "t.csv", &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let leads: Arc<LeadSet> = Arc::new(leads);
        let scores = score_all(&model, &Evaluation::new(&model, &leads, 20_000));
        let key = RowsKey {
            scores: 0,
            verdicts: Revision::fresh(),
            search: search.to_owned(),
            show_status: [true; 5],
            sort,
            descending,
            score_bin: None,
        };
        let input = RowsInput::new(
            key,
            &leads,
            KeyColumns::find(&leads, &model),
            &scores,
            &Arc::new(crate::leads::Verdicts::none(leads.len())),
        );
        compute_rows(&input)
            .into_iter()
            .map(|row| leads.ids[row].clone())
            .collect()
    }

    #[test]
    fn text_columns_sort_by_value_with_ties_in_lead_order_either_way() {
        // By (first name, last name); the two Émilie Dubois keep their file order.
        assert_eq!(
            rows(SortColumn::Name, false, ""),
            ["L4", "L2", "L1", "L3", "L5"]
        );
        assert_eq!(
            rows(SortColumn::Name, true, ""),
            ["L3", "L5", "L1", "L2", "L4"]
        );
        // A missing company sorts first; "Alpha" < "Beta" < "Zeta" < "alpha" (string order).
        assert_eq!(
            rows(SortColumn::Company, false, ""),
            ["L5", "L4", "L2", "L3", "L1"]
        );
        assert_eq!(
            rows(SortColumn::Employees, true, ""),
            ["L1", "L5", "L3", "L4", "L2"]
        );
        assert_eq!(
            rows(SortColumn::Id, false, ""),
            ["L1", "L2", "L3", "L4", "L5"]
        );
    }

    #[test]
    fn search_ignores_case_in_any_script_and_spans_first_and_last_names() {
        assert_eq!(rows(SortColumn::Id, false, "émilie"), ["L3", "L5"]);
        assert_eq!(rows(SortColumn::Id, false, "ÉMILIE"), ["L3", "L5"]);
        assert_eq!(rows(SortColumn::Id, false, "emma dub"), ["L1"]);
        assert_eq!(rows(SortColumn::Id, false, "l4"), ["L4"]);
        assert_eq!(rows(SortColumn::Id, false, "ALPHA"), ["L1", "L4"]);
        assert!(rows(SortColumn::Id, false, "nobody").is_empty());
    }

    #[test]
    fn score_keys_sort_like_the_scores() {
        let mut scores = vec![0.0, 100.0, 99.99, 12.5, 12.49, 0.01, 55.55, 1e9, -3.25];
        let mut by_key = scores.clone();
        by_key.sort_by_key(|v| hundredths_key(*v));
        scores.sort_by(f64::total_cmp);
        assert_eq!(by_key, scores);
    }

    #[test]
    fn number_keys_sort_like_total_cmp() {
        let mut values = vec![
            3.5,
            -0.0,
            0.0,
            -2.25,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1e-300,
            -1e300,
            100.0,
            99.99,
        ];
        let mut by_key = values.clone();
        by_key.sort_by_key(|v| total_order_key(*v));
        values.sort_by(f64::total_cmp);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&by_key), bits(&values));
    }
}
