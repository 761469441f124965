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
