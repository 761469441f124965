//! The MQL list: today's MQLs (and, if asked, the nurture leads) as a CSV a sales team loads
//! into its CRM, best first, each with its score, grade and the top reasons in words, and the
//! lead's name, company, title and email when the file has them. Spreadsheet-safe like the
//! scored output (`docs/model-format.md` §6.4).

use std::io::{self, Write};

use super::cells::{CsvOut, push_scored_cell};
use crate::leads::{LeadSet, normalize_name};
use crate::model::{Model, OverrideAction, fmt_number, fmt_signed};
use crate::scoring::{Evaluation, LeadScore, Status};

/// The lead columns copied into the list when the file has them (by `normalize_name`), in this
/// order: what a sales rep needs to recognise the lead.
const CONTEXT_COLUMNS: &[&str] = &[
    "firstname",
    "lastname",
    "fullname",
    "name",
    "company",
    "companyname",
    "jobtitle",
    "title",
    "email",
    "emailaddress",
];

/// How many reasons a row gives.
pub const REASONS: usize = 3;

/// One lead of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct MqlRow {
    pub row: usize,
    pub status: Status,
    /// The fast-tracks that fired, then the rules that added the most points, in words:
    /// `Fast-track: Demo request; Senior decision maker +20; Started a trial +20`.
    pub reasons: String,
}

/// The leads of the list, best first: fast-tracked, then MQLs, then (with `with_nurture`) the
/// nurture leads; by score within each, then in file order.
pub fn mql_list(
    model: &Model,
    evaluation: &Evaluation,
    scores: &[LeadScore],
    with_nurture: bool,
) -> Vec<MqlRow> {
    let rank = |status: Status| match status {
        Status::FastTracked => Some(0),
        Status::Mql => Some(1),
        Status::Nurture if with_nurture => Some(2),
        _ => None,
    };
    let mut rows: Vec<(usize, u8)> = scores
        .iter()
        .enumerate()
        .filter_map(|(row, score)| rank(score.status).map(|r| (row, r)))
        .collect();
    rows.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then(scores[b.0].score.total_cmp(&scores[a.0].score))
            .then(a.0.cmp(&b.0))
    });
    rows.into_iter()
        .map(|(row, _)| MqlRow {
            row,
            status: scores[row].status,
            reasons: reasons(model, evaluation, row),
        })
        .collect()
}

/// Why a lead is on the list, in words (from the evaluation: as fast as scoring, where
/// `explain` would take a thousand times longer over a million leads).
fn reasons(model: &Model, evaluation: &Evaluation, row: usize) -> String {
    let mut parts: Vec<String> = evaluation
        .fired_overrides(model, row)
        .into_iter()
        .filter(|o| o.action == OverrideAction::FastTrack)
        .map(|o| format!("Fast-track: {}", o.label))
        .collect();
    let mut fired: Vec<(&str, f64)> = evaluation
        .fired_points(model, row)
        .into_iter()
        .filter(|(_, points)| *points > 0.0)
        .collect();
    // Stable: ties stay in model order.
    fired.sort_by(|a, b| b.1.total_cmp(&a.1));
    parts.extend(
        fired
            .into_iter()
            .take(REASONS)
            .map(|(label, points)| format!("{label} {}", fmt_signed(points))),
    );
    parts.join("; ")
}

/// Writes the list as CSV: `id,status,score,grade,fit,engagement,top_reasons`, then the lead's
/// name, company, title and email columns that the file has, under their own headers. Returns
/// how many leads were written.
pub fn write_mql_list_csv<W: Write>(
    writer: W,
    model: &Model,
    leads: &LeadSet,
    scores: &[LeadScore],
    list: &[MqlRow],
) -> io::Result<usize> {
    let context: Vec<usize> = CONTEXT_COLUMNS
        .iter()
        .filter_map(|key| {
            leads
                .columns
                .iter()
                .position(|c| normalize_name(&c.name) == *key)
        })
        .filter(|&index| leads.id_column != Some(index))
        .collect();
    let mut out = CsvOut::new(writer);
    let mut header = "id,status,score,grade,fit,engagement,top_reasons".to_owned();
    for &index in &context {
        header.push(',');
        let mut cell = Vec::new();
        push_scored_cell(&mut cell, &leads.columns[index].name);
        header.push_str(&String::from_utf8_lossy(&cell));
    }
    out.buffer.extend_from_slice(header.as_bytes());
    out.end_record()?;
    for item in list {
        let Some(score) = scores.get(item.row) else {
            continue;
        };
        let line = &mut out.buffer;
        push_scored_cell(line, leads.ids.get(item.row).map_or("", String::as_str));
        line.push(b',');
        line.extend_from_slice(item.status.code().as_bytes());
        line.push(b',');
        line.extend_from_slice(fmt_number(score.score).as_bytes());
        line.push(b',');
        push_scored_cell(line, &score.grade(model));
        for value in [score.fit, score.engagement] {
            line.push(b',');
            line.extend_from_slice(fmt_number(value).as_bytes());
        }
        line.push(b',');
        push_scored_cell(line, &item.reasons);
        for &index in &context {
            line.push(b',');
            push_scored_cell(line, &leads.columns[index].cell(item.row).display());
        }
        out.end_record()?;
    }
    out.finish()?;
    Ok(list.len())
}
