//! `fit`: every enabled rule's points fitted at once on history (a regularised logistic
//! regression), a suggested threshold, and how good the fitted model is on a holdout; writes the
//! fitted model. Also the quality section `calibrate` prints.

use std::path::Path;

use anyhow::{Result, bail};

use super::{LeadsArgs, load_valid_model, path_text, print_stdout, score_leads, write_out};
use crate::calibration::fit::{FitOptions, FitReport, fit_points};
use crate::calibration::percent;
use crate::calibration::quality::{Holdout, MIN_LEADS, Quality};
use crate::diff::RuleKind;
use crate::model::{ChangelogEntry, fmt_number};
use crate::text::printable;

/// The `--holdout` and `--seed` flags, checked.
pub(super) fn holdout_of(share: Option<f64>, seed: u64) -> Result<Option<Holdout>> {
    match share {
        None => Ok(None),
        Some(share) if share > 0.0 && share < 1.0 => Ok(Some(Holdout { share, seed })),
        Some(share) => bail!("--holdout {share}: expected a share above 0 and below 1, e.g. 0.3"),
    }
}

/// AUC, gains and the calibration table, as text.
pub(super) fn quality_text(quality: &Quality) -> String {
    let mut lines = vec![format!("How good the model is, on {}", quality.on)];
    lines.push(format!(
        "  leads {}, reached SQL {}: {}",
        quality.overall.leads,
        quality.overall.sqls,
        quality.overall.text()
    ));
    lines.push(match quality.auc {
        Some(auc) => format!(
            "  ROC AUC {:.3} (0.5 is a coin toss, 1 ranks every SQL above every other lead)",
            auc
        ),
        None => "  ROC AUC –: needs leads that reached SQL and leads that did not".to_owned(),
    });
    if !quality.gains.is_empty() {
        let gains: Vec<String> = quality
            .gains
            .iter()
            .map(|g| {
                format!(
                    "{} → {}",
                    percent(g.share_of_leads),
                    percent(g.share_of_sqls)
                )
            })
            .collect();
        lines.push(format!(
            "  gains (the best X of the leads catch Y of the SQLs): {}",
            gains.join(", ")
        ));
    }
    lines.push(format!(
        "  {:<14} {:>6} {:>6}  {}",
        "score band", "leads", "SQLs", "SQL rate (95 % interval)"
    ));
    for band in &quality.bands {
        let few = if band.rate.few_leads() {
            format!("  (fewer than {MIN_LEADS} leads)")
        } else {
            String::new()
        };
        lines.push(format!(
            "  {:<14} {:>6} {:>6}  {}{few}",
            band.label,
            band.rate.leads,
            band.rate.sqls,
            band.rate.text()
        ));
    }
    lines.join("\n")
}

fn rules_text(report: &FitReport) -> String {
    let mut lines = vec![
        format!(
            "Fitted points ({} training leads; {} total points per doubling of the odds; L2 \
             penalty {})",
            report.training_leads,
            fmt_number(report.points_per_logit * std::f64::consts::LN_2),
            fmt_number(report.penalty)
        ),
        format!(
            "  {:<28} {:<22} {:<10} {:>6} {:>8} {:>16}",
            "id", "rule", "kind", "fires", "log-odds", "points"
        ),
    ];
    for rule in &report.rules {
        let kind = match rule.kind {
            RuleKind::Fit => "fit",
            RuleKind::Engagement => "engagement",
            RuleKind::Override => "override",
        };
        let note = match (&rule.drop_reason, &rule.not_fitted) {
            (Some(reason), _) => format!("  candidate to drop: {reason}"),
            (None, Some(why)) => format!("  not fitted: {why}"),
            (None, None) => String::new(),
        };
        lines.push(format!(
            "  {:<28} {:<22} {:<10} {:>6} {:>8.3} {:>16}{note}",
            super::fit_width(&printable(&rule.id), 28),
            super::fit_width(&printable(&rule.label), 22),
            kind,
            rule.support,
            rule.coefficient,
            rule.change_text()
        ));
    }
    lines.join("\n")
}

/// The report's numbers as JSON, for scripts (`benches/fit_compare.py`).
fn report_json(report: &FitReport) -> serde_json::Value {
    let coefficients: serde_json::Map<String, serde_json::Value> = report
        .rules
        .iter()
        .map(|r| (r.id.clone(), serde_json::json!(r.coefficient)))
        .collect();
    let points: serde_json::Map<String, serde_json::Value> = report
        .rules
        .iter()
        .map(|r| (r.id.clone(), serde_json::json!(r.new_points)))
        .collect();
    serde_json::json!({
        "penalty": report.penalty,
        "intercept": report.fit.intercept,
        "coefficients": coefficients,
        "points": points,
        "points_per_logit": report.points_per_logit,
        "iterations": report.fit.iterations,
        "converged": report.fit.converged,
        "training_leads": report.training_leads,
        "holdout_leads": report.holdout_leads,
        "holdout_auc": report.quality.auc,
        "holdout_auc_linear": report.linear_auc,
        "holdout_auc_before": report.current_quality.auc,
        "threshold": report.threshold.as_ref().map(|s| s.threshold),
    })
}

pub(super) struct FitArgs<'a> {
    pub model: &'a Path,
    pub leads: &'a LeadsArgs,
    pub holdout: Option<f64>,
    pub seed: u64,
    pub target_rate: Option<f64>,
    pub target_mqls: Option<usize>,
    pub penalty: f64,
    pub out: &'a Path,
    pub design_out: Option<&'a Path>,
    pub report_json: Option<&'a Path>,
}

pub(super) fn fit_command(args: FitArgs<'_>) -> Result<i32> {
    if let Some(rate) = args.target_rate
        && !(rate > 0.0 && rate <= 1.0)
    {
        bail!("--target-rate {rate}: expected a rate above 0 and at most 1, e.g. 0.25 for 25 %");
    }
    if !(args.penalty >= 0.0 && args.penalty.is_finite()) {
        bail!("--penalty {}: expected 0 or more", args.penalty);
    }
    let holdout = holdout_of(args.holdout, args.seed)?;
    let model = load_valid_model(args.model)?;
    let (leads, _as_of, evaluation, _scores) = score_leads(args.leads, &model)?;
    let options = FitOptions {
        penalty: args.penalty,
        holdout,
        target: match (args.target_rate, args.target_mqls) {
            (Some(rate), _) => Some(crate::calibration::Target::MqlToSqlRate(rate)),
            (None, Some(count)) => Some(crate::calibration::Target::MqlCount(count)),
            (None, None) => None,
        },
    };
    let mut report = fit_points(&model, &leads, &evaluation, options)?;
    let summary = report.summary();
    report.model.changelog.push(ChangelogEntry {
        date: crate::leads::format_day(crate::leads::today()),
        team: None,
        summary,
    });
    let problems = crate::validate::validate(&report.model);
    if !crate::validate::is_valid(&problems) {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        bail!(
            "the fitted model does not pass `check`:\n{}",
            list.join("\n")
        );
    }
    crate::format::save_model(args.out, &report.model)?;
    if let Some(path) = args.design_out {
        let design = crate::calibration::fit::Design::new(&model, &leads, &evaluation, holdout);
        write_out(Some(path), |w| design.write_csv(&leads, w))?;
    }
    if let Some(path) = args.report_json {
        let json = report_json(&report);
        write_out(Some(path), |w| {
            serde_json::to_writer_pretty(&mut *w, &json).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })?;
    }

    let mut sections = vec![format!(
        "Joint fit of {} on {}: wrote {}",
        printable(&model.name),
        path_text(&args.leads.leads),
        path_text(args.out)
    )];
    sections.push(rules_text(&report));
    sections.push(match &report.threshold {
        Some(s) => format!(
            "Threshold {} (was {}), on the training leads: {}",
            fmt_number(s.threshold),
            fmt_number(model.combine.mql_threshold),
            s.explanation
        ),
        None => format!(
            "No threshold reaches the target on the training leads; kept {}.",
            fmt_number(model.combine.mql_threshold)
        ),
    });
    let mut quality = quality_text(&report.quality);
    if let Some(current) = report.current_quality.auc {
        quality.push_str(&format!(
            "\n  the model as it was, on the same leads: ROC AUC {current:.3}"
        ));
    }
    if let Some(linear) = report.linear_auc {
        quality.push_str(&format!(
            "\n  the fitted log-odds before rounding, caps and floors: ROC AUC {linear:.3}"
        ));
    }
    sections.push(quality);
    if !report.warnings.is_empty() {
        let lines: Vec<String> = report.warnings.iter().map(|w| format!("  {w}")).collect();
        sections.push(format!("Warnings\n{}", lines.join("\n")));
    }
    let changes = crate::calibration::fit::fit_changes(&model, &report, &leads, &evaluation);
    let mut lines = vec![format!(
        "What changed: {} lead(s) change status",
        changes.changed_leads
    )];
    for ((from, to), count) in &changes.status_changes {
        lines.push(format!("  {} → {}: {count}", from.label(), to.label()));
    }
    let (f0, f1) = (changes.before, changes.after);
    lines.push(format!(
        "  MQLs {} → {}, MQL → SQL {} → {} (all leads with an outcome)",
        f0.mqls,
        f1.mqls,
        super::rate_cell(f0.mql_to_sql()),
        super::rate_cell(f1.mql_to_sql())
    ));
    sections.push(lines.join("\n"));
    print_stdout(&format!("{}\n", sections.join("\n\n")))?;
    Ok(0)
}
