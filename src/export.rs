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
    scores
        .iter()
        .enumerate()
        .map(|(row, score)| ScoredRow {
            id: leads.ids.get(row).cloned().unwrap_or_default(),
            fit: crate::scoring::round2(score.fit),
            engagement: crate::scoring::round2(score.engagement),
            score: score.score,
            status: score.status.code(),
            grade: score.grade(model),
            fired_rules: evaluation
                .fired_rule_ids(model, row)
                .into_iter()
                .map(str::to_owned)
                .collect(),
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

/// Writes scored leads as CSV: `id,fit,engagement,score,status,grade,fired_rules` (rule ids
/// separated by `;`). Text cells are neutralised against formula injection.
pub fn write_scored_csv<W: Write>(writer: W, rows: &[ScoredRow]) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record([
        "id",
        "fit",
        "engagement",
        "score",
        "status",
        "grade",
        "fired_rules",
    ])?;
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
