//! The leads table's rows after filter and sort: derived from the leads, the scores, the verdicts
//! and the view's filters, and rebuilt only when one of them changed.

use std::cmp::Ordering;

use super::document::Revision;
use super::settings::SortColumn;
use crate::leads::{Cell, LeadSet, Outcome, Verdict};
use crate::model::Model;
use crate::scoring::LeadScore;

/// The lead columns the table shows, found by field or header name.
pub struct KeyColumns {
    first_name: Option<usize>,
    last_name: Option<usize>,
    name: Option<usize>,
    pub company: Option<usize>,
    pub title: Option<usize>,
    pub industry: Option<usize>,
    pub employees: Option<usize>,
}

impl KeyColumns {
    pub fn find(leads: &LeadSet, model: &Model) -> KeyColumns {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| leads.column_for(name, &model.fields))
        };
        KeyColumns {
            first_name: find(&["first_name", "firstname"]),
            last_name: find(&["last_name", "lastname", "surname"]),
            name: find(&["name", "full_name", "contact_name"]),
            company: find(&["company", "company_name", "account_name", "organization"]),
            title: find(&["job_title", "title", "role"]),
            industry: find(&["industry", "sector"]),
            employees: find(&["employees", "number_of_employees", "company_size"]),
        }
    }

    pub fn text(leads: &LeadSet, column: Option<usize>, row: usize) -> String {
        column
            .and_then(|c| leads.columns.get(c))
            .map(|c| c.cell(row).display())
            .unwrap_or_default()
    }

    pub fn name(&self, leads: &LeadSet, row: usize) -> String {
        if self.name.is_some() {
            return Self::text(leads, self.name, row);
        }
        let first = Self::text(leads, self.first_name, row);
        let last = Self::text(leads, self.last_name, row);
        format!("{first} {last}").trim().to_owned()
    }

    fn number(leads: &LeadSet, column: Option<usize>, row: usize) -> f64 {
        match column
            .and_then(|c| leads.columns.get(c))
            .map(|c| c.cell(row))
        {
            Some(Cell::Number(n)) => n,
            _ => f64::NAN,
        }
    }
}

pub fn outcome_label(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        None => "",
        Some(o) if o.won => "won",
        Some(o) if o.reached_opportunity => "opportunity",
        Some(o) if o.reached_sql => "SQL",
        Some(_) => "no SQL",
    }
}

fn outcome_rank(outcome: Option<Outcome>) -> u8 {
    match outcome {
        None => 0,
        Some(o) if o.won => 4,
        Some(o) if o.reached_opportunity => 3,
        Some(o) if o.reached_sql => 2,
        Some(_) => 1,
    }
}

pub fn verdict_label(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("", Verdict::label)
}

/// What the rows depend on besides the lead set's content.
#[derive(Clone, Debug, PartialEq)]
pub struct RowsKey {
    /// The scores' generation (bumped on every rescoring and on new leads).
    pub scores: u64,
    pub verdicts: Revision,
    pub search: String,
    pub show_status: [bool; 5],
    pub sort: SortColumn,
    pub descending: bool,
}

impl RowsKey {
    fn same_filter_and_sort(&self, other: &RowsKey) -> bool {
        self.search == other.search
            && self.show_status == other.show_status
            && self.sort == other.sort
            && self.descending == other.descending
            && self.verdicts == other.verdicts
    }
}

/// The rows the table shows, in order, and what they were computed for.
#[derive(Clone, Debug, Default)]
pub struct TableRows {
    pub rows: Vec<usize>,
    key: Option<RowsKey>,
}

/// Compares two lead rows for the table's sort.
type RowOrder<'a> = Box<dyn Fn(&usize, &usize) -> Ordering + 'a>;

impl TableRows {
    /// Recomputes the rows when scores, verdicts, filters or the sort changed.
    ///
    /// While a slider or the threshold is being dragged (`gesture_in_progress`), only the scores
    /// change: a large table keeps its order (re-sorting a million rows every frame would stall
    /// the drag) and is sorted once the drag ends.
    pub fn refresh(
        &mut self,
        key: RowsKey,
        leads: &LeadSet,
        model: &Model,
        scores: &[LeadScore],
        verdicts: &[Option<Verdict>],
        gesture_in_progress: bool,
    ) {
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let only_scores_changed = self
            .key
            .as_ref()
            .is_some_and(|old| old.same_filter_and_sort(&key));
        if gesture_in_progress && only_scores_changed && self.rows.len() > 50_000 {
            return;
        }
        self.rows = filtered_sorted_rows(&key, leads, model, scores, verdicts);
        self.key = Some(key);
    }
}

fn filtered_sorted_rows(
    key: &RowsKey,
    leads: &LeadSet,
    model: &Model,
    scores: &[LeadScore],
    verdicts: &[Option<Verdict>],
) -> Vec<usize> {
    let keys = KeyColumns::find(leads, model);
    let needle = key.search.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..leads.len().min(scores.len()))
        .filter(|&row| key.show_status[scores[row].status.index()])
        .filter(|&row| {
            needle.is_empty()
                || [
                    leads.ids.get(row).cloned().unwrap_or_default(),
                    keys.name(leads, row),
                    KeyColumns::text(leads, keys.company, row),
                    KeyColumns::text(leads, keys.title, row),
                    KeyColumns::text(leads, keys.industry, row),
                ]
                .iter()
                .any(|text| text.to_lowercase().contains(&needle))
        })
        .collect();
    let descending = key.descending;
    // Ties keep lead order, so the table does not shuffle while a slider moves.
    let numeric_key: Option<Box<dyn Fn(usize) -> f64 + '_>> = match key.sort {
        SortColumn::Score => Some(Box::new(|row| scores[row].score)),
        SortColumn::Fit => Some(Box::new(|row| scores[row].fit)),
        SortColumn::Engagement => Some(Box::new(|row| scores[row].engagement)),
        SortColumn::Employees => Some(Box::new(|row| {
            KeyColumns::number(leads, keys.employees, row)
        })),
        _ => None,
    };
    let hundredths_column = matches!(
        key.sort,
        SortColumn::Score | SortColumn::Fit | SortColumn::Engagement
    );
    match numeric_key {
        // Numbers: a radix sort of (key, row) pairs, some 10x faster than a comparator on a
        // million rows (the re-sort after a drag must fit in a frame or two). It is stable and
        // the rows come in order, so ties keep lead order.
        Some(key_of) if hundredths_column && rows.len() <= u32::MAX as usize => {
            // Scores are whole hundredths: 32-bit keys, half the radix passes of a float's.
            let mut keyed: Vec<(u32, u32)> = rows
                .iter()
                .map(|&row| {
                    let key = hundredths_key(key_of(row));
                    (if descending { !key } else { key }, row as u32)
                })
                .collect();
            radsort::sort_by_key(&mut keyed, |pair| pair.0);
            keyed.into_iter().map(|(_, row)| row as usize).collect()
        }
        Some(key_of) => {
            let mut keyed: Vec<(u64, usize)> = rows
                .iter()
                .map(|&row| {
                    let key = total_order_key(key_of(row));
                    (if descending { !key } else { key }, row)
                })
                .collect();
            radsort::sort_by_key(&mut keyed, |pair| pair.0);
            keyed.into_iter().map(|(_, row)| row).collect()
        }
        None => {
            let compare = comparator(key.sort, &keys, leads, scores, verdicts);
            rows.sort_by(|a, b| {
                let order = compare(a, b);
                let order = if descending { order.reverse() } else { order };
                order.then(a.cmp(b))
            });
            rows
        }
    }
}

/// The order of a column that is not sorted by a number.
fn comparator<'a>(
    column: SortColumn,
    keys: &'a KeyColumns,
    leads: &'a LeadSet,
    scores: &'a [LeadScore],
    verdicts: &'a [Option<Verdict>],
) -> RowOrder<'a> {
    let by_text = |column: Option<usize>| -> RowOrder<'a> {
        Box::new(move |a: &usize, b: &usize| {
            KeyColumns::text(leads, column, *a).cmp(&KeyColumns::text(leads, column, *b))
        })
    };
    let score = move |row: usize| -> LeadScore { scores[row] };
    match column {
        SortColumn::Id => Box::new(|a, b| leads.ids[*a].cmp(&leads.ids[*b])),
        SortColumn::Name => Box::new(|a, b| keys.name(leads, *a).cmp(&keys.name(leads, *b))),
        SortColumn::Company => by_text(keys.company),
        SortColumn::Title => by_text(keys.title),
        SortColumn::Industry => by_text(keys.industry),
        SortColumn::Employees => Box::new(|a, b| {
            KeyColumns::number(leads, keys.employees, *a).total_cmp(&KeyColumns::number(
                leads,
                keys.employees,
                *b,
            ))
        }),
        SortColumn::Fit => Box::new(move |a, b| score(*a).fit.total_cmp(&score(*b).fit)),
        SortColumn::Engagement => {
            Box::new(move |a, b| score(*a).engagement.total_cmp(&score(*b).engagement))
        }
        SortColumn::Score => Box::new(move |a, b| score(*a).score.total_cmp(&score(*b).score)),
        SortColumn::Status => Box::new(move |a, b| score(*b).status.cmp(&score(*a).status)),
        SortColumn::Grade => Box::new(move |a, b| {
            (score(*b).fit_grade, score(*b).engagement_level)
                .cmp(&(score(*a).fit_grade, score(*a).engagement_level))
        }),
        SortColumn::Outcome => Box::new(|a, b| {
            outcome_rank(leads.outcomes.get(*a).copied().flatten())
                .cmp(&outcome_rank(leads.outcomes.get(*b).copied().flatten()))
        }),
        SortColumn::Verdict => Box::new(|a, b| {
            verdict_label(verdicts.get(*a).copied().flatten())
                .cmp(verdict_label(verdicts.get(*b).copied().flatten()))
        }),
    }
}

/// A number as an unsigned key in the order of `f64::total_cmp`.
fn total_order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// A score (whole hundredths) as an unsigned key in the same order; scores beyond ±21 million
/// (not on any scale a model allows) clamp to the ends.
fn hundredths_key(value: f64) -> u32 {
    let hundredths = (value * 100.0)
        .round()
        .clamp(f64::from(i32::MIN), f64::from(i32::MAX));
    (hundredths as i32 as u32) ^ (1 << 31)
}

#[cfg(test)]
mod tests {
    use super::{hundredths_key, total_order_key};

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
