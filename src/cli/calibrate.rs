//! `calibrate`: a model against history, as text: the funnel and its reading, a threshold sweep,
//! suggested thresholds, each rule's lift and the agreement with sales' verdicts.

use std::path::Path;

use anyhow::{Result, bail};

use super::{
    LeadsArgs, fit_width, load_valid_model, path_text, print_stdout, rate_cell, score_leads,
};
use crate::calibration::quality::Rate;
use crate::model::fmt_number;

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
            format!(
                "MQL → SQL {}",
                Rate::of(f.mql_sqls, f.mql_with_outcome).text()
            ),
        ),
        row("MQLs that reached opp.", f.mql_opportunities, String::new()),
        row(
            "MQLs won",
            f.mql_won,
            format!("SQL → won {}", Rate::of(f.mql_won, f.mql_sqls).text()),
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
            "  {:>9} {:>6} {:>6} {:>21} {:>8}",
            "threshold", "MQLs", "SQLs", "MQL → SQL (95 %)", "recall"
        ),
    ];
    for (p, marks) in rows {
        let mark = if marks.is_empty() {
            String::new()
        } else {
            format!("  ← {}", marks.join(", "))
        };
        lines.push(format!(
            "  {:>9} {:>6} {:>6} {:>21} {:>8}{mark}",
            fmt_number(p.threshold),
            p.mqls,
            p.sqls_captured,
            Rate::of(p.sqls_captured, p.mqls_with_outcome).text(),
            rate_cell(p.recall)
        ));
    }
    lines.join("\n")
}

fn lift_text(
    lifts: &[crate::calibration::RuleLift],
    on: &str,
    leads: usize,
    sqls: usize,
) -> String {
    use crate::diff::RuleKind;
    let mut lines = vec![
        format!(
            "Rule lift (over {on}: {leads} leads with an outcome, {sqls} reached SQL; suggested: \
             +10 points per doubling of the odds; no suggestion from fewer than {} leads)",
            crate::calibration::quality::MIN_LEADS
        ),
        format!(
            "  {:<22} {:<26} {:<10} {:>6} {:>6} {:>22} {:>10} {:>6} {:>9}",
            "id",
            "rule",
            "kind",
            "points",
            "fires",
            "SQL rate (95 %)",
            "rest rate",
            "lift",
            "suggested"
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
        let suggested = match (lift.suggested_points, &lift.withheld) {
            (Some(p), _) => {
                let per = if lift.per.is_empty() { "" } else { "/occ." };
                format!("{}{per}", crate::model::fmt_signed(p))
            }
            (None, Some(_)) => "too few".to_owned(),
            (None, None) => "–".to_owned(),
        };
        let lift_value = lift
            .lift
            .map_or_else(|| "–".to_owned(), |l| format!("{l:.2}"));
        let matched = crate::calibration::quality::Rate::of(lift.matched_sqls, lift.matched);
        lines.push(format!(
            "  {:<22} {:<26} {:<10} {:>6} {:>6} {:>22} {:>10} {:>6} {:>9}",
            fit_width(&crate::text::printable(&lift.id), 22),
            fit_width(&label, 26),
            kind,
            points,
            lift.matched,
            matched.text(),
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
    holdout: Option<crate::calibration::quality::Holdout>,
) -> Result<i32> {
    use crate::calibration::{
        Target, agreement, funnel, monthly_capacity_to_count, percent, suggest_threshold,
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
    // With a holdout, suggestions come from the training part and quality from the holdout.
    let held = holdout.map(|h| crate::calibration::quality::holdout_rows(&leads, h));
    let in_training = |row: usize| {
        held.as_ref()
            .is_none_or(|h| !h.get(row).copied().unwrap_or(false))
    };
    let in_holdout = |row: usize| {
        held.as_ref()
            .is_none_or(|h| h.get(row).copied().unwrap_or(false))
    };
    let sweep = crate::calibration::sweep_where(&model, &leads, &scores, &in_training);
    let training_part = match holdout {
        Some(h) => format!(
            "the training part ({} held out, seed {})",
            percent(h.share),
            h.seed
        ),
        None => "all leads".to_owned(),
    };

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
        let (sqls, with_outcome) = (0..leads.len())
            .filter(|&row| in_training(row))
            .filter_map(|row| leads.outcomes.get(row).copied().flatten())
            .fold((0, 0), |(s, n), o| (s + usize::from(o.reached_sql), n + 1));
        let rate = crate::calibration::default_target_rate_of(sqls, with_outcome);
        let why = if rate > crate::calibration::LOOSE_BELOW {
            format!(
                "{} × the base rate of {}",
                fmt_number(crate::calibration::DEFAULT_LIFT_OVER_BASE),
                percent(sqls as f64 / with_outcome.max(1) as f64)
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
    let current = crate::calibration::sweep_point_where(
        &model,
        &leads,
        &scores,
        model.combine.mql_threshold,
        &in_training,
    );
    let mut marked = vec![(current, "current".to_owned())];
    let mut suggestion_lines = vec![format!("Suggested thresholds (from {training_part})")];
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
        let lifts = crate::calibration::rule_lift_where(&model, &leads, &evaluation, &in_training);
        let (with_outcome, sqls) = lifts.first().map_or((0, 0), |l| {
            (l.matched + l.rest, l.matched_sqls + l.rest_sqls)
        });
        sections.push(lift_text(&lifts, &training_part, with_outcome, sqls));
        let on = match holdout {
            Some(h) => format!("the {} holdout (seed {})", percent(h.share), h.seed),
            None => "all leads with an outcome (no holdout)".to_owned(),
        };
        let quality = crate::calibration::quality::quality(
            &leads,
            &scores,
            model.combine.scale,
            in_holdout,
            on,
        );
        sections.push(super::fit::quality_text(&quality));
        let warnings =
            crate::calibration::limits::binding_limits(&model, &leads, &evaluation, &|_| true);
        if !warnings.is_empty() {
            let lines: Vec<String> = warnings.iter().map(|w| format!("  {w}")).collect();
            sections.push(format!("Caps and floors\n{}", lines.join("\n")));
        }
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
