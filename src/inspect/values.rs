//! A column's values in a line: how many distinct, how many missing, the most frequent (text,
//! yes/no) or the range (numbers, dates).

use crate::leads::{Column, ColumnData, MISSING_BOOL, MISSING_DATE, format_day};
use crate::model::fmt_number;
use crate::text::bounded;

/// What a column holds.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueSummary {
    /// Distinct values among the leads that have one.
    pub distinct: usize,
    /// Leads without a value.
    pub missing: usize,
    /// The most frequent values with their counts, or the range: `"Software" 120 · "Fintech" 80`,
    /// `12 to 50000`.
    pub text: String,
    /// Every value is 0 or 1 (a yes/no written as numbers).
    pub zero_one: bool,
}

impl ValueSummary {
    pub fn is_zero_one(&self) -> bool {
        self.zero_one
    }
}

/// How many of the most frequent values are listed.
const LISTED: usize = 4;

pub fn summarize(column: &Column) -> ValueSummary {
    match &column.data {
        ColumnData::Text { dict, codes } => {
            let mut counts = vec![0usize; dict.len()];
            let mut missing = 0;
            for &code in codes {
                match counts.get_mut(code as usize) {
                    Some(count) => *count += 1,
                    None => missing += 1,
                }
            }
            let mut order: Vec<usize> = (0..dict.len()).filter(|&i| counts[i] > 0).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
            let distinct = order.len();
            if distinct > LISTED && distinct == codes.len() - missing {
                let text = format!("all different, e.g. \"{}\"", bounded(&dict[order[0]]));
                return ValueSummary {
                    distinct,
                    missing,
                    text,
                    zero_one: false,
                };
            }
            let mut parts: Vec<String> = order
                .iter()
                .take(LISTED)
                .map(|&i| format!("\"{}\" {}", bounded(&dict[i]), counts[i]))
                .collect();
            if distinct > LISTED {
                parts.push("…".to_owned());
            }
            ValueSummary {
                distinct,
                missing,
                text: parts.join(" · "),
                zero_one: false,
            }
        }
        ColumnData::Number(values) => {
            let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            let mut sorted = present.clone();
            sorted.sort_by(f64::total_cmp);
            sorted.dedup();
            let text = match (sorted.first(), sorted.last()) {
                (Some(low), Some(high)) => format!("{} to {}", fmt_number(*low), fmt_number(*high)),
                _ => String::new(),
            };
            ValueSummary {
                distinct: sorted.len(),
                missing: values.len() - present.len(),
                text,
                zero_one: !sorted.is_empty() && sorted.iter().all(|&v| v == 0.0 || v == 1.0),
            }
        }
        ColumnData::Bool(values) => {
            let yes = values.iter().filter(|&&v| v == 1).count();
            let no = values.iter().filter(|&&v| v == 0).count();
            let missing = values.iter().filter(|&&v| v == MISSING_BOOL).count();
            ValueSummary {
                distinct: usize::from(yes > 0) + usize::from(no > 0),
                missing,
                text: format!("yes {yes} · no {no}"),
                zero_one: true,
            }
        }
        ColumnData::Date(days) => {
            let mut present: Vec<i32> = days
                .iter()
                .copied()
                .filter(|&d| d != MISSING_DATE)
                .collect();
            let missing = days.len() - present.len();
            present.sort_unstable();
            present.dedup();
            let text = match (present.first(), present.last()) {
                (Some(&low), Some(&high)) => format!("{} to {}", format_day(low), format_day(high)),
                _ => String::new(),
            };
            ValueSummary {
                distinct: present.len(),
                missing,
                text,
                zero_one: false,
            }
        }
    }
}
