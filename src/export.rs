//! Writing scored leads for other tools: CSV (safe to open in a spreadsheet) and JSON.

use std::io::Write;

use serde::Serialize;

use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoring::{Evaluation, LeadScore};

/// One scored lead as written to a file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoredRow {
    pub id: String,
    pub fit: f64,
    pub engagement: f64,
    pub score: f64,
    pub status: &'static str,
    pub grade: String,
    pub fired_rules: Vec<String>,
}

/// Builds the rows to write, in lead order.
pub fn scored_rows(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    scores: &[LeadScore],
) -> Vec<ScoredRow> {
    let (mut cursors, mut fired) = (Vec::new(), Vec::new());
    scores
        .iter()
        .enumerate()
        .map(|(row, score)| {
            evaluation.fired_rule_ids_walking(model, row, &mut cursors, &mut fired);
            ScoredRow {
                id: leads.ids.get(row).cloned().unwrap_or_default(),
                fit: crate::scoring::round2(score.fit),
                engagement: crate::scoring::round2(score.engagement),
                score: score.score,
                status: score.status.code(),
                grade: score.grade(model),
                fired_rules: fired.iter().map(|id| (*id).to_owned()).collect(),
            }
        })
        .collect()
}

/// Makes a cell inert in spreadsheets: a value starting with `=`, `+`, `-`, `@` (or a tab or
/// carriage return) would be run as a formula, so it gets a leading apostrophe.
pub fn neutralize_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// The header of a scored-leads CSV.
const SCORED_HEADER: [&str; 7] = [
    "id",
    "fit",
    "engagement",
    "score",
    "status",
    "grade",
    "fired_rules",
];

/// Writes scored leads as CSV: `id,fit,engagement,score,status,grade,fired_rules` (rule ids
/// separated by `;`). Text cells are neutralised against formula injection.
pub fn write_scored_csv<W: Write>(writer: W, rows: &[ScoredRow]) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(SCORED_HEADER)?;
    for row in rows {
        let fired = row.fired_rules.join(";");
        out.write_record([
            neutralize_cell(&row.id).as_ref(),
            &crate::model::fmt_number(row.fit),
            &crate::model::fmt_number(row.engagement),
            &crate::model::fmt_number(row.score),
            row.status,
            neutralize_cell(&row.grade).as_ref(),
            neutralize_cell(&fired).as_ref(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// Appends a value that is already rounded to 2 decimals, formatted exactly as
/// [`crate::model::fmt_number`] formats it, without its formatting machinery (a million leads
/// have three such numbers each).
pub fn push_hundredths(out: &mut String, value: f64) {
    let cents = (value * 100.0).round();
    if !cents.is_finite() || cents.abs() >= 1e15 || (cents / 100.0 - value).abs() > 1e-9 {
        out.push_str(&crate::model::fmt_number(value));
        return;
    }
    let cents = cents as i64;
    if cents < 0 {
        out.push('-');
    }
    let cents = cents.unsigned_abs();
    let (whole, fraction) = (cents / 100, cents % 100);
    push_digits(out, whole);
    if fraction != 0 {
        out.push('.');
        out.push(digit(fraction / 10));
        if fraction % 10 != 0 {
            out.push(digit(fraction % 10));
        }
    }
}

/// The decimal digit of `value` (0–9).
fn digit(value: u64) -> char {
    char::from(b'0' + (value % 10) as u8)
}

/// Appends a whole number's decimal digits.
fn push_digits(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &byte in &digits[start..] {
        out.push(char::from(byte));
    }
}

/// Writes scored leads as CSV, like [`write_scored_csv`] but straight from the scores, without
/// building a row per lead first: the fast path of `mql-studio score`.
pub fn write_scores_csv<W: Write>(
    writer: W,
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    scores: &[LeadScore],
) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(SCORED_HEADER)?;
    // Every grade label once, not once per lead.
    let grades: Vec<Vec<String>> = (0..model.fit_grades.len().max(1))
        .map(|fit| {
            (0..model.engagement_levels.len().max(1))
                .map(|level| {
                    let score = LeadScore {
                        fit_grade: fit as u8,
                        engagement_level: level as u8,
                        ..scores.first().copied().unwrap_or(LeadScore {
                            fit: 0.0,
                            engagement: 0.0,
                            score: 0.0,
                            status: crate::scoring::Status::Lead,
                            fit_grade: 0,
                            engagement_level: 0,
                        })
                    };
                    neutralize_cell(&score.grade(model)).into_owned()
                })
                .collect()
        })
        .collect();
    let (mut fit, mut engagement, mut total, mut fired) =
        (String::new(), String::new(), String::new(), String::new());
    let (mut cursors, mut fired_ids) = (Vec::new(), Vec::new());
    for (row, score) in scores.iter().enumerate() {
        fit.clear();
        engagement.clear();
        total.clear();
        fired.clear();
        push_hundredths(&mut fit, score.fit);
        push_hundredths(&mut engagement, score.engagement);
        push_hundredths(&mut total, score.score);
        evaluation.fired_rule_ids_walking(model, row, &mut cursors, &mut fired_ids);
        for (i, id) in fired_ids.iter().enumerate() {
            if i > 0 {
                fired.push(';');
            }
            fired.push_str(id);
        }
        let grade = grades
            .get(score.fit_grade as usize)
            .and_then(|levels| levels.get(score.engagement_level as usize))
            .map_or("", String::as_str);
        let id = leads.ids.get(row).map_or("", String::as_str);
        out.write_record([
            neutralize_cell(id).as_ref(),
            fit.as_str(),
            engagement.as_str(),
            total.as_str(),
            score.status.code(),
            grade,
            neutralize_cell(&fired).as_ref(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// The header of the verdict column written by [`write_leads_csv`] when the file has none.
pub const VERDICT_COLUMN: &str = "Sales Verdict";

/// Writes leads back as CSV, every column as loaded, with sales' verdicts in the verdict column
/// (replaced, or added as `Sales Verdict`). Text cells are neutralised like scored output;
/// numbers, yes/no and dates are written as they read.
pub fn write_leads_csv<W: Write>(
    writer: W,
    leads: &LeadSet,
    verdicts: &[Option<crate::leads::Verdict>],
) -> Result<(), csv::Error> {
    let verdict_key = crate::leads::normalize_name(VERDICT_COLUMN);
    let existing = leads.columns.iter().position(|c| {
        let key = crate::leads::normalize_name(&c.name);
        key == verdict_key || key == "verdict"
    });
    let mut out = csv::Writer::from_writer(writer);
    let mut header: Vec<&str> = leads.columns.iter().map(|c| c.name.as_str()).collect();
    if existing.is_none() {
        header.push(VERDICT_COLUMN);
    }
    out.write_record(&header)?;
    let verdict_text = |row: usize| {
        verdicts
            .get(row)
            .copied()
            .flatten()
            .map_or("", crate::leads::Verdict::label)
    };
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for row in 0..leads.len() {
        record.clear();
        for (index, column) in leads.columns.iter().enumerate() {
            if Some(index) == existing {
                record.push(verdict_text(row).to_owned());
                continue;
            }
            let cell = column.cell(row);
            let text = cell.display();
            record.push(match cell {
                crate::leads::Cell::Text(_) => neutralize_cell(&text).into_owned(),
                _ => text,
            });
        }
        if existing.is_none() {
            record.push(verdict_text(row).to_owned());
        }
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}
