//! `calibrate`: a model against history, as text: the funnel and its reading, a threshold sweep,
//! suggested thresholds, each rule's lift and the agreement with sales' verdicts.

use std::path::Path;

use anyhow::{Result, bail};

use super::{LeadsArgs, load_valid_model, path_text, print_stdout, rate_cell, score_leads};
use crate::model::fmt_number;

/// Cuts text to `width` characters, ending with `…` when cut.
fn fit_width(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn funnel_text(funnel: &crate::calibration::Funnel, as_of: i32) -> String {
    let f = funnel;
    let row = |label: &str, count: usize, note: String| {
        format!("  {label:<24}{count:>7}   {note}")
            .trim_end()
            .to_owned()
    };
    let mql_share = f
        .lead_to_mql()
        .map(|r| format!("lead → MQL {}", crate::calibration::percent(r)))
        .unwrap_or_default();
    let recall = if f.sqls > 0 {
        format!(
            "{} of them were MQLs ({})",
            f.mql_sqls,
            crate::calibration::percent(f.mql_sqls as f64 / f.sqls as f64)
        )
    } else {
        String::new()
    };
    [
        format!(
            "Funnel ({} leads as of {}; MQLs include fast-tracked leads)",
            f.leads,
            crate::leads::format_day(as_of)
        ),
        row("leads", f.leads, String::new()),
        row("MQLs", f.mqls, mql_share),
        row("leads with an outcome", f.with_outcome, String::new()),
        row("MQLs with an outcome", f.mql_with_outcome, String::new()),
        row(
            "MQLs that reached SQL",
            f.mql_sqls,
            format!("MQL → SQL {}", rate_cell(f.mql_to_sql())),
        ),
        row("MQLs that reached opp.", f.mql_opportunities, String::new()),
        row(
            "MQLs won",
            f.mql_won,
            format!("SQL → won {}", rate_cell(f.sql_to_won())),
        ),
        row("all SQLs", f.sqls, recall),
        row("all won", f.won, String::new()),
    ]
    .join("\n")
}

/// The sweep every 5 points, plus the marked extra rows (the current and suggested thresholds).
fn sweep_text(
    sweep: &[crate::calibration::SweepPoint],
    marked: &[(crate::calibration::SweepPoint, String)],
) -> String {
    let mut rows: Vec<(crate::calibration::SweepPoint, Vec<String>)> = sweep
        .iter()
        .filter(|p| p.threshold % 5.0 == 0.0)
        .map(|p| (*p, Vec::new()))
        .collect();
    for (point, mark) in marked {
        match rows
            .iter_mut()
            .find(|(p, _)| p.threshold == point.threshold)
        {
            Some((_, marks)) => {
                if !marks.contains(mark) {
                    marks.push(mark.clone());
                }
            }
            None => rows.push((*point, vec![mark.clone()])),
        }
    }
    rows.sort_by(|a, b| a.0.threshold.total_cmp(&b.0.threshold));
    let mut lines = vec![
        "Threshold sweep (fast-tracked leads are always MQL, disqualified never; gates apply)"
            .to_owned(),
        format!(
            "  {:>9} {:>6} {:>6} {:>10} {:>8}",
            "threshold", "MQLs", "SQLs", "MQL → SQL", "recall"
        ),
    ];
    for (p, marks) in rows {
        let mark = if marks.is_empty() {
            String::new()
        } else {
            format!("  ← {}", marks.join(", "))
        };
        lines.push(format!(
            "  {:>9} {:>6} {:>6} {:>10} {:>8}{mark}",
            fmt_number(p.threshold),
            p.mqls,
            p.sqls_captured,
            rate_cell(p.precision),
            rate_cell(p.recall)
        ));
    }
    lines.join("\n")
}

fn lift_text(
    lifts: &[crate::calibration::RuleLift],
    funnel_: &crate::calibration::Funnel,
) -> String {
    use crate::diff::RuleKind;
    let mut lines = vec![
        format!(
            "Rule lift (over the {} leads with an outcome, {} reached SQL; suggested: +10 points per doubling of the odds)",
            funnel_.with_outcome, funnel_.sqls
        ),
        format!(
            "  {:<30} {:<10} {:>6} {:>6} {:>10} {:>10} {:>6} {:>9}",
            "rule", "kind", "points", "fires", "SQL rate", "rest rate", "lift", "suggested"
        ),
    ];
    for lift in lifts {
        let kind = match lift.kind {
            RuleKind::Fit => "fit",
            RuleKind::Engagement => "engagement",
            RuleKind::Override => "override",
        };
        let label = crate::text::printable(&lift.label);
        // The lift says whether its rule is enabled: looking each rule up by id here made the
        // report quadratic in the number of rules (100,000 rules took over 10 s).
        let label = if lift.enabled {
            label.into_owned()
        } else {
            format!("{label} (off)")
        };
        let points = lift
            .current_points
            .map_or_else(|| "–".to_owned(), fmt_number);
        let suggested = lift.suggested_points.map_or_else(
            || "–".to_owned(),
            |p| {
                if p == 0.0 {
                    "0".to_owned()
                } else {
                    format!("{p:+}")
                }
            },
        );
        let lift_value = lift
            .lift
            .map_or_else(|| "–".to_owned(), |l| format!("{l:.2}"));
        lines.push(format!(
            "  {:<30} {:<10} {:>6} {:>6} {:>10} {:>10} {:>6} {:>9}",
            fit_width(&label, 30),
            kind,
            points,
            lift.matched,
            rate_cell(lift.matched_rate),
            rate_cell(lift.rest_rate),
            lift_value,
            suggested
        ));
    }
    lines.join("\n")
}

fn agreement_text(
    agreement: &crate::calibration::Agreement,
    verdicts: &crate::leads::Verdicts,
) -> String {
    let a = agreement;
    let (marketing, sales, unknown) = verdicts.counts_by_recorder();
    [
        format!("Agreement with sales ({} leads with a verdict)", a.judged()),
        format!("  {:<16}{:>14}{:>14}", "", "sales accept", "sales reject"),
        format!(
            "  {:<16}{:>14}{:>14}",
            "model MQL",
            a.both_yes.len(),
            a.model_only.len()
        ),
        format!(
            "  {:<16}{:>14}{:>14}",
            "model not MQL",
            a.sales_only.len(),
            a.both_no.len()
        ),
        format!(
            "  agreement {} ({} of {})",
            rate_cell(a.rate()),
            a.agreeing(),
            a.judged()
        ),
        format!("  recorded by sales {sales}, marketing {marketing}, not said {unknown}"),
    ]
    .join("\n")
}

pub(super) fn calibrate_command(
    model_path: &Path,
    args: &LeadsArgs,
    target_rate: Option<f64>,
    target_mqls: Option<usize>,
    capacity: Option<(f64, f64)>,
) -> Result<i32> {
    use crate::calibration::{
        Target, agreement, funnel, monthly_capacity_to_count, percent, rule_lift,
        suggest_threshold, sweep_point, threshold_sweep,
    };
    if let Some(rate) = target_rate
        && !(rate > 0.0 && rate <= 1.0)
    {
        bail!("--target-rate {rate}: expected a rate above 0 and at most 1, e.g. 0.25 for 25 %");
    }
    if let Some((per_month, days)) = capacity
        && !(per_month >= 0.0 && per_month.is_finite() && days > 0.0 && days.is_finite())
    {
        bail!(
            "--mqls-per-month {per_month} --period-days {days}: expected a count of 0 or more and a number of days above 0"
        );
    }
    let model = load_valid_model(model_path)?;
    let (leads, as_of, evaluation, scores) = score_leads(args, &model)?;
    let funnel_ = funnel(&leads, &scores);
    let sweep = threshold_sweep(&model, &leads, &scores);

    let mut targets: Vec<(Target, String)> = Vec::new();
    if let Some(rate) = target_rate {
        targets.push((
            Target::MqlToSqlRate(rate),
            format!("MQL → SQL at least {}", percent(rate)),
        ));
    }
    if let Some(count) = target_mqls {
        targets.push((Target::MqlCount(count), format!("at most {count} MQLs")));
    }
    if let Some((per_month, days)) = capacity {
        let count = monthly_capacity_to_count(per_month, days);
        targets.push((
            Target::MqlCount(count),
            format!(
                "sales capacity {} MQLs a month over {} days = at most {count} MQLs",
                fmt_number(per_month),
                fmt_number(days)
            ),
        ));
    }
    if targets.is_empty() {
        let rate = crate::calibration::default_target_rate(&funnel_);
        let why = if rate > crate::calibration::LOOSE_BELOW {
            format!(
                "{} × the base rate of {}",
                fmt_number(crate::calibration::DEFAULT_LIFT_OVER_BASE),
                percent(funnel_.sqls as f64 / funnel_.with_outcome.max(1) as f64)
            )
        } else {
            "the rule of thumb".to_owned()
        };
        targets.push((
            Target::MqlToSqlRate(rate),
            format!(
                "MQL → SQL at least {} ({why}; set --target-rate or --target-mqls)",
                percent(rate)
            ),
        ));
    }
    let current = sweep_point(&model, &leads, &scores, model.combine.mql_threshold);
    let mut marked = vec![(current, "current".to_owned())];
    let mut suggestion_lines = vec!["Suggested thresholds".to_owned()];
    for (target, what) in &targets {
        match suggest_threshold(&sweep, *target) {
            Some(s) => {
                suggestion_lines.push(format!(
                    "  {what}: {}\n    {}",
                    fmt_number(s.threshold),
                    s.explanation
                ));
                marked.push((s.point, "suggested".to_owned()));
            }
            None => suggestion_lines.push(format!("  {what}: no threshold qualifies")),
        }
    }

    let mut sections = vec![
        format!(
            "Calibration of {} on {}",
            crate::text::printable(&model.name),
            path_text(&args.leads)
        ),
        funnel_text(&funnel_, as_of),
        format!("Reading: {}", funnel_.reading().text()),
        sweep_text(&sweep, &marked),
        suggestion_lines.join("\n"),
    ];
    if funnel_.with_outcome > 0 {
        let lifts = rule_lift(&model, &leads, &evaluation);
        sections.push(lift_text(&lifts, &funnel_));
    } else {
        sections
            .push("Rule lift: no lead has an outcome, so there is nothing to compare.".to_owned());
    }
    let agreement_ = agreement(&scores, &leads.verdicts);
    if agreement_.judged() > 0 {
        sections.push(agreement_text(&agreement_, &leads.verdicts));
    }
    print_stdout(&format!("{}\n", sections.join("\n\n")))?;
    Ok(0)
}
