//! `mine --out`: the model with every finding of the chosen columns that can be a rule added as
//! a fit rule, checked and written, and what was added, as text.

use std::path::Path;

use anyhow::{Result, bail};

use super::super::{fit_width, path_text};
use crate::calibration::miner::{ColumnMining, ColumnRules, MineError, model_with_mined_rules};
use crate::model::{ChangelogEntry, Model, fmt_number, fmt_signed};
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

/// Builds the model with the chosen columns' rules, checks it and writes it to `out`; returns
/// what was added, as text. `mined_on` says which leads were mined (for the changelog).
pub(super) fn write_mined_model(
    model: &Model,
    minings: &[ColumnMining],
    chosen: &[&ColumnMining],
    min_iv: f64,
    mined_on: &str,
    out: &Path,
) -> Result<String> {
    if chosen.is_empty() {
        bail!(
            "no column to add rules from: no column shown has an information value of at least \
             {} (lower --min-iv, or name columns with --column); {} not written",
            fmt_number(min_iv),
            path_text(out)
        );
    }
    let (mut built, added) = model_with_mined_rules(model, chosen)?;
    let rules: usize = added.iter().map(|c| c.added.len()).sum();
    let names: Vec<&str> = added.iter().map(|c| c.column.as_str()).collect();
    built.changelog.push(ChangelogEntry {
        date: crate::leads::format_day(crate::leads::today()),
        team: None,
        summary: format!(
            "{rules} fit rule(s) added by the rule miner on {mined_on}, from {}",
            names.join(", ")
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
            path_text(out),
            list.join("\n")
        );
    }
    crate::format::save_model(out, &built)?;
    let left_out: Vec<&ColumnMining> = minings
        .iter()
        .filter(|m| !chosen.iter().any(|c| c.column == m.column))
        .collect();
    Ok(added_text(&built, &added, &left_out, min_iv, out))
}

/// What `--out` added, column by column, and the columns left out.
fn added_text(
    built: &Model,
    added: &[ColumnRules],
    left_out: &[&ColumnMining],
    min_iv: f64,
    out: &Path,
) -> String {
    let rules: usize = added.iter().map(|c| c.added.len()).sum();
    let mut lines = vec![format!(
        "Wrote {}: {rules} fit rule(s) from {} column(s), each with the points suggested for it \
         alone (`mql-studio fit` shares the credit between them).",
        path_text(out),
        added.len()
    )];
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
            fmt_number(min_iv),
            names.join(", ")
        ));
    }
    lines.push(String::new());
    lines.join("\n")
}
