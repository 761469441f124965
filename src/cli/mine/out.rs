//! `mine --out`: the model with the findings of the chosen columns that can be rules added as
//! fit rules (each column's lowest-rate value left as its baseline), checked and written, and
//! what was added, as text.

use std::path::Path;

use anyhow::{Result, bail};

use super::super::{error_lines, fit_width, path_text};
use crate::calibration::miner::{
    Baseline, ColumnMining, ColumnRules, MineError, model_with_mined_rules,
};
use crate::model::{ChangelogEntry, Model, fmt_number, fmt_signed};
use crate::text::printable;
use crate::validate::{is_valid, validate};

/// The information value a column needs for `--out` without `--column` (scorecard practice:
/// below 0.02 a column does not predict).
pub const DEFAULT_MIN_IV: f64 = 0.02;

/// The widest rule label shown.
const RULE_WIDTH: usize = 40;

/// The columns `--out` takes from those shown: every one when columns were named, else those
/// whose information value is at least `min_iv`.
pub(super) fn chosen(minings: &[ColumnMining], named: bool, min_iv: f64) -> Vec<&ColumnMining> {
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
}

/// Builds the model with the chosen columns' rules, checks it and writes it; returns what was
/// added, as text.
pub(super) fn write_mined_model(model: &Model, w: &Written<'_>) -> Result<String> {
    if w.chosen.is_empty() {
        bail!(
            "no column to add rules from: no column shown has an information value of at least \
             {} (lower --min-iv, or name columns with --column); {} not written",
            w.min_iv,
            path_text(w.out)
        );
    }
    let (mut built, added) = model_with_mined_rules(model, w.chosen, w.baseline)?;
    let rules: usize = added.iter().map(|c| c.added.len()).sum();
    let names: Vec<&str> = added.iter().map(|c| c.column.as_str()).collect();
    built.changelog.push(ChangelogEntry {
        date: crate::leads::format_day(crate::leads::today()),
        team: None,
        summary: format!(
            "{rules} fit rule(s) added by the rule miner on {}, from {}",
            w.mined_on,
            names.join(", ")
        ),
    });
    let problems = validate(&built);
    if !is_valid(&problems) {
        bail!(
            "the model with the mined rules does not pass `check`; {} not written:\n{}",
            path_text(w.out),
            error_lines(&problems)
        );
    }
    crate::format::save_model(w.out, &built)?;
    let left_out: Vec<&ColumnMining> = w
        .minings
        .iter()
        .filter(|m| !w.chosen.iter().any(|c| c.column == m.column))
        .collect();
    Ok(added_text(&built, &added, &left_out, w))
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
        "Wrote {}: {rules} fit rule(s) from {} column(s), with the points suggested for each \
         value alone (`mql-studio fit` shares the credit between them).",
        path_text(w.out),
        added.len()
    )];
    if w.baseline == Baseline::Lowest {
        lines.push(
            "Each column's lowest-rate value is its baseline, without a rule (0 points): fitted \
             jointly, the other values' points are measured against it, mostly positive, so the \
             fit side's floor of 0 does not flatten the ranking (--all-values: a rule for every \
             value)."
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
            w.min_iv,
            names.join(", ")
        ));
    }
    lines.push(String::new());
    lines.join("\n")
}
