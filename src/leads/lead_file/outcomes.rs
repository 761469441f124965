//! Outcomes and sales verdicts: read from a funnel stage column and from yes/no columns (reached
//! SQL, opportunity, won), which may refine the stage; and from a sales verdict column.

use super::ids::{file_row, find_column};
use crate::leads::options::{list_warning, unlisted_warnings};
use crate::leads::values::{parse_bool, parse_stage, parse_team, parse_verdict};
use crate::leads::{
    Cell, Column, ColumnData, LeadSet, LeadsError, Outcome, RowError, Verdict, Verdicts,
};
use crate::model::Team;
use crate::text::quoted;

// Headers of each column (as `normalize_name` makes them), in order of preference.
const SQL_COLUMNS: &[&str] = &["reachedsql", "sql", "becamesql"];
const OPPORTUNITY_COLUMNS: &[&str] = &["reachedopportunity", "opportunity", "becameopportunity"];
const WON_COLUMNS: &[&str] = &["won", "closedwon", "becamecustomer"];
const STAGE_COLUMNS: &[&str] = &["outcome", "outcomestage", "funnelstage", "stage"];
pub(crate) const VERDICT_COLUMNS: &[&str] = &["salesverdict", "verdict"];
/// Who recorded the verdict (marketing or sales).
pub(crate) const RECORDER_COLUMNS: &[&str] = &["verdictby", "verdictrecordedby"];

/// True for a header the reader takes as an outcome (stage, reached SQL, opportunity, won) or
/// as sales' verdict: what happened after scoring, which no rule should read (it would score
/// with hindsight).
pub fn is_outcome_or_verdict_header(header: &str) -> bool {
    let key = crate::leads::normalize_name(header);
    [
        SQL_COLUMNS,
        OPPORTUNITY_COLUMNS,
        WON_COLUMNS,
        STAGE_COLUMNS,
        VERDICT_COLUMNS,
        RECORDER_COLUMNS,
    ]
    .iter()
    .any(|names| names.contains(&key.as_str()))
}

/// Reads a column's cells with `parse` of their displayed text, once per distinct text.
struct CellReader<'a, T> {
    column: &'a Column,
    parse: fn(&str) -> Option<T>,
    /// Per dictionary entry of a text column.
    memo: Vec<Option<T>>,
}

impl<'a, T: Copy> CellReader<'a, T> {
    fn new(column: &'a Column, parse: fn(&str) -> Option<T>) -> CellReader<'a, T> {
        let memo = match &column.data {
            ColumnData::Text { dict, .. } => dict.iter().map(|v| parse(v)).collect(),
            _ => Vec::new(),
        };
        CellReader {
            column,
            parse,
            memo,
        }
    }

    /// `Ok(None)` for a missing cell, `Err` with the text when `parse` refuses it.
    fn read(&self, row: usize) -> Result<Option<T>, String> {
        match (&self.column.data, self.column.cell(row)) {
            (_, Cell::Missing) => Ok(None),
            (ColumnData::Text { codes, .. }, Cell::Text(text)) => codes
                .get(row)
                .and_then(|&code| self.memo.get(code as usize).copied().flatten())
                .map(Some)
                .ok_or_else(|| text.to_owned()),
            (_, cell) => {
                let text = cell.display();
                (self.parse)(&text).map(Some).ok_or(text)
            }
        }
    }
}

/// Outcomes and verdicts per lead, and the warnings about them.
type Outcomes = (Vec<Option<Outcome>>, Verdicts, Vec<String>);

/// Reads outcomes and verdicts from their columns. A value that is not a stage, a yes/no or a
/// verdict is an error, or with `skip_bad_cells` a warning that leaves that lead's value empty.
pub(super) fn read_outcomes(
    set: &LeadSet,
    file: &str,
    lead_rows: &[usize],
    skip_bad_cells: bool,
    lead_count: usize,
) -> Result<Outcomes, LeadsError> {
    let mut warnings = Vec::new();
    fn reader<'a, T: Copy>(
        set: &'a LeadSet,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<CellReader<'a, T>> {
        find_column(set, names)
            .and_then(|i| set.columns.get(i))
            .map(|column| CellReader::new(column, parse))
    }
    let stage = reader(set, STAGE_COLUMNS, parse_stage);
    let flags = [SQL_COLUMNS, OPPORTUNITY_COLUMNS, WON_COLUMNS]
        .map(|names| reader(set, names, parse_bool as fn(&str) -> Option<bool>));
    let verdict = reader(set, VERDICT_COLUMNS, parse_verdict);
    let recorder = reader(set, RECORDER_COLUMNS, parse_team);
    let columns = OutcomeColumns {
        stage,
        flags,
        verdict,
        recorder,
        file,
        lead_rows,
    };
    let mut outcomes = vec![None; lead_count];
    let mut verdicts = Verdicts::none(lead_count);
    let mut left_empty = 0;
    for (row, outcome_slot) in outcomes.iter_mut().enumerate() {
        match columns.lead_outcome(row) {
            Ok((outcome, verdict, recorder)) => {
                *outcome_slot = outcome;
                verdicts.set(row, verdict, recorder);
            }
            Err(problem) if skip_bad_cells => list_warning(&mut warnings, &mut left_empty, || {
                format!("{problem}; that lead's outcome and verdict were left empty")
            }),
            Err(problem) => return Err(problem.into()),
        }
    }
    unlisted_warnings(
        &mut warnings,
        left_empty,
        "leads whose outcome and verdict were left empty",
    );
    Ok((outcomes, verdicts, warnings))
}

/// The stage, flag and verdict columns of a lead set.
struct OutcomeColumns<'a> {
    stage: Option<CellReader<'a, Outcome>>,
    /// Reached SQL, reached opportunity, won.
    flags: [Option<CellReader<'a, bool>>; 3],
    verdict: Option<CellReader<'a, Verdict>>,
    recorder: Option<CellReader<'a, Team>>,
    file: &'a str,
    lead_rows: &'a [usize],
}

impl OutcomeColumns<'_> {
    fn error(&self, row: usize, column: &Column, message: String) -> RowError {
        RowError {
            file: self.file.to_owned(),
            row: file_row(self.lead_rows, row),
            column: Some(column.name.clone()),
            message,
        }
    }

    fn flag(&self, which: usize, row: usize) -> Result<Option<bool>, RowError> {
        let Some(reader) = self.flags.get(which).and_then(Option::as_ref) else {
            return Ok(None);
        };
        match reader.column.cell(row) {
            Cell::Missing => Ok(None),
            Cell::Bool(b) => Ok(Some(b)),
            Cell::Number(n) => Ok(Some(n != 0.0)),
            _ => reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!("expected true/false or yes/no, found {}", quoted(&text)),
                )
            }),
        }
    }

    /// One lead's outcome, verdict and its recorder, from the stage, flag, verdict and
    /// recorder columns.
    fn lead_outcome(&self, row: usize) -> Result<LeadOutcome, RowError> {
        let mut outcome: Option<Outcome> = None;
        if let Some(reader) = &self.stage {
            outcome = reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!(
                        "unknown stage {}: expected lead, mql, sql, opportunity, won or lost",
                        quoted(&text)
                    ),
                )
            })?;
        }
        let sql = self.flag(0, row)?;
        let opportunity = self.flag(1, row)?;
        let won = self.flag(2, row)?;
        if sql.is_some() || opportunity.is_some() || won.is_some() {
            let base = outcome.unwrap_or_default();
            let won = won.unwrap_or(base.won);
            let opportunity = opportunity.unwrap_or(base.reached_opportunity) || won;
            outcome = Some(Outcome {
                reached_sql: sql.unwrap_or(base.reached_sql) || opportunity,
                reached_opportunity: opportunity,
                won,
            });
        }
        let mut verdict = None;
        if let Some(reader) = &self.verdict {
            verdict = reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!(
                        "unknown sales verdict {}: expected accept or reject",
                        quoted(&text)
                    ),
                )
            })?;
        }
        let mut recorder = None;
        if let Some(reader) = &self.recorder {
            recorder = reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!(
                        "unknown verdict recorder {}: expected marketing or sales",
                        quoted(&text)
                    ),
                )
            })?;
        }
        Ok((outcome, verdict, recorder))
    }
}

/// One lead's outcome, sales verdict and the team that recorded the verdict.
type LeadOutcome = (Option<Outcome>, Option<Verdict>, Option<Team>);
