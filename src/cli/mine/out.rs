//! `mine --out`: the model with the findings of the chosen columns that can be rules added as
//! fit rules (each column's lowest-rate value left as its baseline) and a threshold suggested
//! for their points, checked and written, and what was added, as text.

use std::path::Path;

use anyhow::{Result, bail};

use super::super::{fit_width, path_text};
use crate::calibration::miner::{
    Baseline, ColumnMining, ColumnRules, MineError, model_with_mined_rules,
};
use crate::calibration::{
    Suggestion, Target, default_target_rate_of, suggest_threshold, sweep_where,
};
use crate::leads::LeadSet;
use crate::model::{ChangelogEntry, Model, fmt_number, fmt_signed};
use crate::scoring::{Evaluation, score_all};
use crate::text::printable;
use crate::validate::{Severity, is_valid, validate};

/// The information value a column needs for `--out` without `--column` (scorecard practice:
/// below 0.02 a column does not predict).
pub const DEFAULT_MIN_IV: f64 = 0.02;

/// The widest rule label shown.
const RULE_WIDTH: usize = 40;

/// The columns `--out` takes from those shown: every one when columns were named, else those
/// whose information value is at least `min_iv`.
pub(super) fn chosen<'a>(
    minings: &'a [ColumnMining],
    named: bool,
    min_iv: f64,
) -> Vec<&'a ColumnMining> {
    minings
        .iter()
        .filter(|m| named || m.information_value >= min_iv)
        .collect()
}

/// What to write: the columns shown, those chosen, how, and where.
pub(super) struct Written<'a> {
    pub minings: &'a [ColumnMining],
    pub chosen: &'a [&'a ColumnMining],
    pub baseline: Baseline,
    pub min_iv: f64,
    /// Which leads were mined, in words (for the changelog).
    pub mined_on: &'a str,
    pub out: &'a Path,
    /// The leads, the day they are scored as of, and the rows mined (the threshold is
    /// suggested on those).
    pub leads: &'a LeadSet,
    pub as_of: i32,
    pub include: &'a dyn Fn(usize) -> bool,
}

/// The threshold `calibrate` suggests by default for the built model's points on the mined
/// leads (the lowest whose MQL → SQL rate reaches 1.5 × the base rate), so that the model
/// written is usable as it stands and `fit`, which keeps the MQL volume of the model it is
/// given, keeps a volume set by the base rate rather than by the threshold of a model without
/// these rules.
fn suggested_threshold(built: &Model, w: &Written<'_>) -> Option<Suggestion> {
    let evaluation = Evaluation::new(built, w.leads, w.as_of);
    let scores = score_all(built, &evaluation);
    let (mut leads, mut sqls) = (0, 0);
    for row in (0..w.leads.len()).filter(|&r| (w.include)(r)) {
        if let Some(Some(outcome)) = w.leads.outcomes.get(row) {
            leads += 1;
            sqls += usize::from(outcome.reached_sql);
        }
    }
    let sweep = sweep_where(built, w.leads, &scores, w.include);
    suggest_threshold(
        &sweep,
        Target::MqlToSqlRate(default_target_rate_of(sqls, leads)),
    )
}

/// Builds the model with the chosen columns' rules, checks it and writes it; returns what was
/// added, as text.
pub(super) fn write_mined_model(model: &Model, w: &Written<'_>) -> Result<String> {
    if w.chosen.is_empty() {
        bail!(
            "no column to add rules from: no column shown has an information value of at least \
             {} (lower --min-iv, or name columns with --column); {} not written",
            fmt_number(w.min_iv),
            path_text(w.out)
        );
    }
    let (mut built, added) = model_with_mined_rules(model, w.chosen, w.baseline)?;
    let threshold = suggested_threshold(&built, w);
    if let Some(s) = &threshold {
        built.combine.mql_threshold = s.threshold;
        built.combine.nurture_band = built.combine.nurture_band.min(s.threshold);
    }
    let rules: usize = added.iter().map(|c| c.added.len()).sum();
    let names: Vec<&str> = added.iter().map(|c| c.column.as_str()).collect();
    built.changelog.push(ChangelogEntry {
        date: crate::leads::format_day(crate::leads::today()),
        team: None,
        summary: format!(
            "{rules} fit rule(s) added by the rule miner on {}, from {}{}",
            w.mined_on,
            names.join(", "),
            threshold
                .as_ref()
                .map(|s| format!("; threshold {}", fmt_number(s.threshold)))
                .unwrap_or_default()
        ),
    });
    let problems = validate(&built);
    if !is_valid(&problems) {
        let list: Vec<String> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| format!("  {}", printable(&p.to_string())))
            .collect();
        bail!(
            "the model with the mined rules does not pass `check`; {} not written:\n{}",
            path_text(w.out),
            list.join("\n")
        );
    }
    crate::format::save_model(w.out, &built)?;
    let left_out: Vec<&ColumnMining> = w
        .minings
        .iter()
        .filter(|m| !w.chosen.iter().any(|c| c.column == m.column))
        .collect();
    let mut text = added_text(&built, &added, &left_out, w);
    text.push_str(&match &threshold {
        Some(s) => format!(
            "Threshold {} (was {}), on the leads mined: {}\n",
            fmt_number(s.threshold),
            fmt_number(model.combine.mql_threshold),
            s.explanation
        ),
        None => format!(
            "No threshold reaches 1.5 × the base rate on the leads mined; kept {}.\n",
            fmt_number(model.combine.mql_threshold)
        ),
    });
    Ok(text)
}

/// What `--out` added, column by column, and the columns left out.
fn added_text(
    built: &Model,
    added: &[ColumnRules],
    left_out: &[&ColumnMining],
    w: &Written<'_>,
) -> String {
    let rules: usize = added.iter().map(|c| c.added.len()).sum();
    let mut lines = vec![format!(
        "Wrote {}: {rules} fit rule(s) from {} column(s), each with the points suggested for it \
         alone (`mql-studio fit` shares the credit between them).",
        path_text(w.out),
        added.len()
    )];
    if w.baseline == Baseline::Lowest {
        lines.push(
            "Each column's lowest-rate value is its baseline, without a rule (0 points): the \
             other values get points above it, so the fit's floor of 0 does not flatten the \
             ranking (--all-values adds it too)."
                .to_owned(),
        );
    }
    for column in added {
        let declared = column.declared.as_ref().map_or_else(String::new, |f| {
            format!("; declared the field `{}`", printable(f))
        });
        lines.push(format!(
            "  {} (information value {}): {} rule(s){declared}",
            printable(&column.column),
            fmt_number(column.information_value),
            column.added.len()
        ));
        for id in &column.added {
            if let Some(rule) = built.fit.rules.iter().find(|r| &r.id == id) {
                lines.push(format!(
                    "    {:<44} {:<RULE_WIDTH$} {:>5}",
                    printable(id),
                    fit_width(&printable(&rule.label), RULE_WIDTH),
                    fmt_signed(rule.points)
                ));
            }
        }
        if let Some(label) = &column.baseline {
            lines.push(format!(
                "    baseline (no rule, 0 points): {}",
                fit_width(&printable(label), RULE_WIDTH)
            ));
        }
        for (label, why) in &column.skipped {
            let why = match why {
                MineError::NoPoints { reason, .. } => reason.text(),
                other => other.to_string(),
            };
            lines.push(format!(
                "    not added: {}: {}",
                fit_width(&printable(label), RULE_WIDTH),
                printable(&why)
            ));
        }
    }
    if !left_out.is_empty() {
        let names: Vec<String> = left_out
            .iter()
            .map(|m| {
                format!(
                    "{} ({})",
                    printable(&m.column),
                    fmt_number(m.information_value)
                )
            })
            .collect();
        lines.push(format!(
            "  left out (information value below {}): {}",
            fmt_number(w.min_iv),
            names.join(", ")
        ));
    }
    lines.push(String::new());
    lines.join("\n")
}
