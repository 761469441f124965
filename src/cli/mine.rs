//! `mine`: the rule miner on a leads file, as text: per column, the SQL rate per value or range
//! with its interval, the lift and the suggested points, the most separating columns first;
//! with `--out`, the model with those findings as fit rules (`out.rs`).

use std::path::Path;

use anyhow::{Result, bail};

use super::{LeadsArgs, load_leads, load_valid_model, path_text, print_stdout};
use crate::calibration::miner::{
    Baseline, ColumnMining, Finding, MIN_LEADS_FOR_POINTS, Withheld, mine_all_where, mine_column,
};
use crate::calibration::percent;
use crate::calibration::quality::{Rate, holdout_rows};
use crate::model::{fmt_number, fmt_signed};
use crate::text::printable;

mod out;

/// The widest value or bin shown; longer ones are cut with `…`.
const LABEL_WIDTH: usize = 36;

/// The `mine` command's arguments.
pub(super) struct MineArgs<'a> {
    pub model: &'a Path,
    pub leads: &'a LeadsArgs,
    pub columns: &'a [String],
    pub top: Option<usize>,
    pub holdout: Option<f64>,
    pub seed: u64,
    pub min_iv: Option<f64>,
    pub out: Option<&'a Path>,
    pub all_values: bool,
}

pub(super) fn mine_command(args: MineArgs<'_>) -> Result<i32> {
    let holdout = super::fit::holdout_of(args.holdout, args.seed)?;
    let min_iv = args.min_iv.unwrap_or(out::DEFAULT_MIN_IV);
    if !(min_iv >= 0.0 && min_iv.is_finite()) {
        bail!("--min-iv {min_iv}: expected 0 or more, e.g. 0.02");
    }
    let model = load_valid_model(args.model)?;
    let (leads, _) = load_leads(args.leads, &model)?;
    if !leads.has_outcomes() {
        bail!(
            "{} has no outcome for any lead: the miner compares leads that reached SQL with \
             the rest (add an outcome column such as Outcome or Reached SQL; see `mql-studio \
             inspect`)",
            path_text(&args.leads.leads)
        );
    }
    // With a holdout only the training part is mined (the split `fit --holdout` makes with the
    // same seed): rules chosen on the holdout would flatter the holdout's figures.
    let held = holdout.map(|h| holdout_rows(&leads, h));
    let include = |row: usize| {
        held.as_ref()
            .is_none_or(|h| !h.get(row).copied().unwrap_or(false))
    };
    let mut minings = mine_all_where(&model, &leads, &include);
    if !args.columns.is_empty() {
        // Each asked-for column must exist and be minable; they are shown in ranked order.
        let mut wanted = Vec::new();
        for name in args.columns {
            wanted.push(mine_column(&model, &leads, name)?.column);
        }
        minings.retain(|m| wanted.contains(&m.column));
    }
    if let Some(top) = args.top {
        minings.truncate(top);
    }
    let mut file = path_text(&args.leads.leads);
    if let Some(h) = holdout {
        file.push_str(&format!(
            " without the {} holdout (seed {})",
            percent(h.share),
            h.seed
        ));
    }
    let mut text = mining_text(&minings, &file);
    if let Some(path) = args.out {
        let chosen = out::chosen(&minings, !args.columns.is_empty(), min_iv);
        text.push('\n');
        let baseline = if args.all_values {
            Baseline::None
        } else {
            Baseline::Lowest
        };
        let written = out::Written {
            minings: &minings,
            chosen: &chosen,
            baseline,
            min_iv,
            mined_on: &file,
            out: path,
        };
        text.push_str(&out::write_mined_model(&model, &written)?);
    }
    print_stdout(&text)?;
    Ok(0)
}

/// The points cell: `+13`, `-4`, `0`, or why there are none.
fn points_cell(finding: &Finding) -> String {
    match (finding.suggested_points, finding.withheld) {
        (Some(points), _) => fmt_signed(points),
        (None, Some(Withheld::TooFewLeads { .. })) => "too few leads".to_owned(),
        (None, _) => "–".to_owned(),
    }
}

/// The report as the CLI prints it: a heading, then one table per column.
pub fn mining_text(minings: &[ColumnMining], file: &str) -> String {
    let mut lines = Vec::new();
    match minings.first() {
        Some(first) => lines.push(format!(
            "{file}: {} leads with an outcome, {} reached SQL ({}). Columns by how well they \
             separate SQLs from the rest (information value), the most first.",
            first.leads,
            first.sqls,
            first.overall_rate().map_or_else(|| "–".to_owned(), percent)
        )),
        None => lines.push(format!("{file}: no column to mine.")),
    }
    lines.push(format!(
        "Rates are SQL rates with their 95 % Wilson interval; lift is against the overall rate; \
         points (+10 per doubling of the odds) are suggested from {MIN_LEADS_FOR_POINTS} leads \
         with an outcome."
    ));
    for mining in minings {
        lines.push(String::new());
        let field = match &mining.field {
            Some(field) => format!("field `{}`", printable(field)),
            None => "no field reads it yet".to_owned(),
        };
        lines.push(format!(
            "{} ({field}; {}; information value {})",
            printable(&mining.column),
            mining.kind.label(),
            fmt_number(mining.information_value)
        ));
        let width = mining
            .findings
            .iter()
            .map(|f| {
                super::fit_width(&printable(&f.label), LABEL_WIDTH)
                    .chars()
                    .count()
            })
            .max()
            .unwrap_or(0)
            .max("value".len());
        lines.push(format!(
            "  {:<width$}  {:>6}  {:>5}  {:<24}  {:>5}  points",
            "value", "leads", "SQLs", "rate (95 % interval)", "lift"
        ));
        for finding in &mining.findings {
            let lift = finding.lift.map_or_else(|| "–".to_owned(), fmt_number);
            let row = format!(
                "  {:<width$}  {:>6}  {:>5}  {:<24}  {:>5}  {}",
                super::fit_width(&printable(&finding.label), LABEL_WIDTH),
                finding.leads,
                finding.sqls,
                Rate::of(finding.sqls, finding.leads).text(),
                lift,
                points_cell(finding)
            );
            lines.push(row);
        }
    }
    lines.push(String::new());
    lines.join("\n")
}
