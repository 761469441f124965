//! Writing leads for other tools: the scored output as CSV (safe to open in a spreadsheet and
//! to print) or JSON (exact values), and the leads file written back with sales' verdicts, for
//! re-import (exact values). The formats are in `docs/model-format.md` §6.

use std::io::{self, Write};

use serde::Serialize;

mod cells;
mod leads_file;
mod mql_list;
mod summary;

use cells::{CsvOut, push_scored_cell};
pub use cells::{neutralize_cell, scored_cell};
pub use leads_file::{RECORDER_COLUMN, VERDICT_COLUMN, reimport_text, write_leads_csv};
pub use mql_list::{MqlRow, REASONS, mql_list, write_mql_list_csv};
pub use summary::{SampleCounts, engagement_words, escape_html, summary_html};

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

/// The header of a scored-leads CSV.
const SCORED_HEADER: &str = "id,fit,engagement,score,status,grade,fired_rules";

/// Writes scored leads as CSV: `id,fit,engagement,score,status,grade,fired_rules` (rule ids
/// separated by `;`). The text cells are made safe for spreadsheets and terminals (§6.1).
pub fn write_scored_csv<W: Write>(writer: W, rows: &[ScoredRow]) -> io::Result<()> {
    let mut out = CsvOut::new(writer);
    out.buffer.extend_from_slice(SCORED_HEADER.as_bytes());
    out.end_record()?;
    for row in rows {
        let line = &mut out.buffer;
        push_scored_cell(line, &row.id);
        for number in [row.fit, row.engagement, row.score] {
            line.push(b',');
            line.extend_from_slice(crate::model::fmt_number(number).as_bytes());
        }
        line.push(b',');
        line.extend_from_slice(row.status.as_bytes());
        line.push(b',');
        push_scored_cell(line, &row.grade);
        line.push(b',');
        push_scored_cell(line, &row.fired_rules.join(";"));
        out.end_record()?;
    }
    out.finish()
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
) -> io::Result<()> {
    let mut out = CsvOut::new(writer);
    out.buffer.extend_from_slice(SCORED_HEADER.as_bytes());
    out.end_record()?;
    // Every grade's cell once, not once per lead.
    let grades: Vec<Vec<Vec<u8>>> = (0..model.fit_grades.len().max(1))
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
                    let mut cell = Vec::new();
                    push_scored_cell(&mut cell, &score.grade(model));
                    cell
                })
                .collect()
        })
        .collect();
    let (mut number, mut fired) = (String::new(), String::new());
    let (mut cursors, mut fired_ids) = (Vec::new(), Vec::new());
    for (row, score) in scores.iter().enumerate() {
        let line = &mut out.buffer;
        push_scored_cell(line, leads.ids.get(row).map_or("", String::as_str));
        for value in [score.fit, score.engagement, score.score] {
            number.clear();
            push_hundredths(&mut number, value);
            line.push(b',');
            line.extend_from_slice(number.as_bytes());
        }
        line.push(b',');
        line.extend_from_slice(score.status.code().as_bytes());
        line.push(b',');
        if let Some(grade) = grades
            .get(score.fit_grade as usize)
            .and_then(|levels| levels.get(score.engagement_level as usize))
        {
            line.extend_from_slice(grade);
        }
        line.push(b',');
        fired.clear();
        evaluation.fired_rule_ids_walking(model, row, &mut cursors, &mut fired_ids);
        for (i, id) in fired_ids.iter().enumerate() {
            if i > 0 {
                fired.push(';');
            }
            fired.push_str(id);
        }
        push_scored_cell(line, &fired);
        out.end_record()?;
    }
    out.finish()
}
