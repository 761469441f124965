//! The one-lead path: [`explain`] scores a single lead straight from its cells, listing every
//! rule and override (fired or not) with what it saw, the gates, and one sentence on why the
//! lead has its status; [`explanation_text`] lays that out for a terminal. It must give the
//! numbers the column path gives, through the same arithmetic and conditions.

use std::fmt;

use super::arithmetic::{Mix, bounded, combine, engagement_points, round2};
use super::conditions::{
    ActivitySource, MissingValues, PreparedCondition, activity_source, effective_count,
};
use super::{LeadScore, Status};
use crate::leads::{Cell, LeadSet, format_day};
use crate::model::{
    Counting, Criterion, EngagementRule, FieldSpec, Model, OverrideAction, fmt_number, fmt_signed,
};
use crate::text::printable;

/// Which part of the model a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Fit,
    Engagement,
}

/// One rule's part in a lead's score.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleContribution {
    pub id: String,
    pub label: String,
    pub section: Section,
    pub enabled: bool,
    pub fired: bool,
    /// Points added (negative: taken away), before the sub-score cap.
    pub points: f64,
    /// What the rule saw, e.g. `job_title "VP Sales" contains any of VP` or `3 in the last 14 days`.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OverrideResult {
    pub id: String,
    pub label: String,
    pub action: OverrideAction,
    pub enabled: bool,
    pub fired: bool,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GateResult {
    pub name: &'static str,
    pub required: f64,
    pub actual: f64,
    pub passed: bool,
}

/// Why a lead has its score and status.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub lead_id: String,
    pub as_of: i32,
    pub score: LeadScore,
    pub grade: String,
    /// Fit points before the cap (and before the floor at 0).
    pub fit_raw: f64,
    pub engagement_raw: f64,
    pub rules: Vec<RuleContribution>,
    pub overrides: Vec<OverrideResult>,
    pub gates: Vec<GateResult>,
    /// Score minus threshold: negative when below.
    pub distance_to_threshold: f64,
    /// One sentence: why this status.
    pub reason: String,
}

/// Scores one lead directly from its cells, listing every rule (fired or not).
pub fn explain(model: &Model, leads: &LeadSet, row: usize, as_of: i32) -> Explanation {
    let specs = &model.fields;
    let missing = MissingValues::of(model);
    let mut rules = Vec::new();
    let mut fit_raw = 0.0;
    for rule in &model.fit.rules {
        let column = leads
            .column_for(&rule.field, specs)
            .and_then(|i| leads.columns.get(i));
        let cell = column.map_or(Cell::Missing, |c| c.cell(row));
        let fired = PreparedCondition::new(&rule.condition, &missing).holds(cell);
        let points = if fired { bounded(rule.points) } else { 0.0 };
        if rule.enabled {
            fit_raw += points;
        }
        let value = if cell.is_missing() {
            "missing".to_owned()
        } else if missing.cell(cell).is_missing() {
            // Say what the cell holds, so "missing" next to a filled-in cell is not a puzzle.
            format!("{:?} (read as missing)", cell.display())
        } else {
            format!("{:?}", cell.display())
        };
        rules.push(RuleContribution {
            id: rule.id.clone(),
            label: display_label(&rule.label, &rule.id),
            section: Section::Fit,
            enabled: rule.enabled,
            fired,
            points,
            detail: format!(
                "{} is {value}; rule: {}",
                rule.field,
                rule.condition.describe()
            ),
        });
    }
    let mut engagement_raw = 0.0;
    for rule in &model.engagement.rules {
        let source = activity_source(leads, &rule.activity, rule.count_column_name());
        let count = effective_count(&source, row, as_of, rule.window_days, rule.half_life_days);
        let points = if count != 0.0 {
            engagement_points(rule, count)
        } else {
            0.0
        };
        if rule.enabled {
            engagement_raw += points;
        }
        rules.push(RuleContribution {
            id: rule.id.clone(),
            label: display_label(&rule.label, &rule.id),
            section: Section::Engagement,
            enabled: rule.enabled,
            fired: points != 0.0,
            points,
            detail: engagement_detail(rule, &source, count),
        });
    }
    let mut overrides = Vec::new();
    let (mut disqualified, mut fast_tracked) = (false, false);
    for rule in &model.overrides {
        let fired = !rule.when.is_empty()
            && rule
                .when
                .iter()
                .all(|c| criterion_holds(c, leads, specs, &missing, row, as_of));
        if fired && rule.enabled {
            match rule.action {
                OverrideAction::Disqualify => disqualified = true,
                OverrideAction::FastTrack => fast_tracked = true,
            }
        }
        overrides.push(OverrideResult {
            id: rule.id.clone(),
            label: display_label(&rule.label, &rule.id),
            action: rule.action,
            enabled: rule.enabled,
            fired,
            detail: rule
                .when
                .iter()
                .map(Criterion::describe)
                .collect::<Vec<_>>()
                .join(" and "),
        });
    }
    let score = combine(model, fit_raw, engagement_raw, disqualified, fast_tracked);
    let mut gates = Vec::new();
    if let Some(required) = model.combine.min_fit {
        gates.push(GateResult {
            name: "minimum fit",
            required,
            actual: score.fit,
            passed: score.fit >= required,
        });
    }
    if let Some(required) = model.combine.min_engagement {
        gates.push(GateResult {
            name: "minimum engagement",
            required,
            actual: score.engagement,
            passed: score.engagement >= required,
        });
    }
    let distance_to_threshold = round2(score.score - Mix::of(model).threshold);
    let reason = reason(model, &score, &overrides, &gates, distance_to_threshold);
    Explanation {
        lead_id: leads.ids.get(row).cloned().unwrap_or_default(),
        as_of,
        grade: score.grade(model),
        score,
        fit_raw,
        engagement_raw,
        rules,
        overrides,
        gates,
        distance_to_threshold,
        reason,
    }
}

fn display_label(label: &str, id: &str) -> String {
    if label.trim().is_empty() {
        id.to_owned()
    } else {
        label.to_owned()
    }
}

fn engagement_detail(rule: &EngagementRule, source: &ActivitySource<'_>, count: f64) -> String {
    let counted = match source {
        ActivitySource::Events { .. } => {
            let mut scope = Vec::new();
            if let Some(days) = rule.window_days {
                scope.push(format!("in the last {days} days"));
            }
            if let Some(half_life) = rule.half_life_days {
                scope.push(format!("decayed, half-life {} days", fmt_number(half_life)));
            }
            let scope = if scope.is_empty() {
                String::new()
            } else {
                format!(" ({})", scope.join(", "))
            };
            format!("{} x{}{scope}", rule.activity, fmt_number(count))
        }
        ActivitySource::CountColumn(column) => {
            format!("{} = {} (count column)", column.name, fmt_number(count))
        }
        ActivitySource::Nothing => format!("no data for {}", rule.activity),
    };
    let how = match rule.counting {
        Counting::PerOccurrence => format!("{} each", fmt_number(rule.points)),
        Counting::Once => format!("{} once", fmt_number(rule.points)),
        Counting::AtLeast(n) => format!("{} at {n}+", fmt_number(rule.points)),
    };
    let cap = rule
        .cap
        .map(|c| format!(", cap {}", fmt_number(c)))
        .unwrap_or_default();
    format!("{counted}; {how}{cap}")
}

fn reason(
    model: &Model,
    score: &LeadScore,
    overrides: &[OverrideResult],
    gates: &[GateResult],
    distance: f64,
) -> String {
    let threshold = fmt_number(model.combine.mql_threshold);
    let total = fmt_number(score.score);
    let fired = |action: OverrideAction| {
        overrides
            .iter()
            .filter(|o| o.enabled && o.fired && o.action == action)
            .map(|o| o.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match score.status {
        Status::Disqualified => format!(
            "disqualified by {} (score {total} would not count)",
            fired(OverrideAction::Disqualify)
        ),
        Status::FastTracked => format!(
            "MQL now, fast-tracked by {} (score {total} of {threshold})",
            fired(OverrideAction::FastTrack)
        ),
        Status::Mql => format!("MQL: score {total} reaches the threshold {threshold}"),
        Status::Nurture => {
            let failed: Vec<String> = gates
                .iter()
                .filter(|g| !g.passed)
                .map(|g| {
                    format!(
                        "{} {} of {} needed",
                        g.name,
                        fmt_number(g.actual),
                        fmt_number(g.required)
                    )
                })
                .collect();
            if distance >= 0.0 && !failed.is_empty() {
                format!(
                    "nurture: score {total} reaches {threshold}, but held back by {}",
                    failed.join(", ")
                )
            } else {
                format!(
                    "nurture (near-MQL): {} points below the threshold {threshold}",
                    fmt_number(-distance)
                )
            }
        }
        Status::Lead => format!(
            "lead: score {total} is {} points below the threshold {threshold}",
            fmt_number(-distance)
        ),
    }
}

/// The whole explanation as text for a terminal.
pub fn explanation_text(model: &Model, explanation: &Explanation) -> String {
    ExplanationText { model, explanation }.to_string()
}

/// An explanation laid out as [`explanation_text`] shows it. Written as `Display`, so that each
/// line's `fmt::Result` is passed on rather than dropped.
struct ExplanationText<'a> {
    model: &'a Model,
    explanation: &'a Explanation,
}

impl fmt::Display for ExplanationText<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (model, explanation) = (self.model, self.explanation);
        write_explanation(out, model, explanation)
    }
}

/// The text of [`explanation_text`], line by line. Every text from the leads or the model
/// (the id, labels, what each rule saw) has its control characters escaped, since this is
/// printed to a terminal.
fn write_explanation(
    out: &mut fmt::Formatter<'_>,
    model: &Model,
    explanation: &Explanation,
) -> fmt::Result {
    let s = &explanation.score;
    writeln!(
        out,
        "Lead {} (as of {})",
        printable(&explanation.lead_id),
        format_day(explanation.as_of)
    )?;
    writeln!(
        out,
        "  status: {}   score: {} / {}   grade: {}",
        s.status.label(),
        fmt_number(s.score),
        fmt_number(model.combine.scale),
        printable(&explanation.grade)
    )?;
    writeln!(out, "  why: {}", printable(&explanation.reason))?;
    for (section, title, raw, capped, max) in [
        (
            Section::Fit,
            "Fit",
            explanation.fit_raw,
            s.fit,
            model.fit.max_points,
        ),
        (
            Section::Engagement,
            "Engagement",
            explanation.engagement_raw,
            s.engagement,
            model.engagement.max_points,
        ),
    ] {
        let cap_note = if raw != capped {
            format!(
                " (raw {}, capped to 0..{})",
                fmt_number(raw),
                fmt_number(max)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "\n  {title}: {} of {}{cap_note}",
            fmt_number(capped),
            fmt_number(max)
        )?;
        for rule in explanation.rules.iter().filter(|r| r.section == section) {
            let mark = match (rule.enabled, rule.fired) {
                (false, _) => "off",
                (true, true) => " + ",
                (true, false) => " . ",
            };
            let points = if rule.fired {
                format!("{:>7}", fmt_signed(rule.points))
            } else {
                format!("{:>7}", "")
            };
            writeln!(
                out,
                "  {mark} {points}  {:<28} {}",
                printable(&rule.label),
                printable(&rule.detail)
            )?;
        }
    }
    if !explanation.overrides.is_empty() {
        writeln!(out, "\n  Overrides:")?;
        for o in &explanation.overrides {
            let state = match (o.enabled, o.fired) {
                (false, _) => "off",
                (true, true) => "FIRED",
                (true, false) => "-",
            };
            let action = match o.action {
                OverrideAction::Disqualify => "disqualify",
                OverrideAction::FastTrack => "fast-track",
            };
            writeln!(
                out,
                "  {state:>5}  {action:<10} {:<28} {}",
                printable(&o.label),
                printable(&o.detail)
            )?;
        }
    }
    for gate in &explanation.gates {
        writeln!(
            out,
            "  gate {}: {} of {} {}",
            gate.name,
            fmt_number(gate.actual),
            fmt_number(gate.required),
            if gate.passed { "passed" } else { "NOT passed" }
        )?;
    }
    writeln!(
        out,
        "\n  threshold {}: {} {}",
        fmt_number(model.combine.mql_threshold),
        fmt_number(explanation.distance_to_threshold.abs()),
        if explanation.distance_to_threshold >= 0.0 {
            "points above"
        } else {
            "points below"
        }
    )
}

/// Whether one of an override's criteria holds for one lead (the column path decides it for
/// every lead at once).
fn criterion_holds(
    criterion: &Criterion,
    leads: &LeadSet,
    specs: &[FieldSpec],
    missing: &MissingValues,
    row: usize,
    as_of: i32,
) -> bool {
    match criterion {
        Criterion::Field { field, condition } => {
            let cell = leads
                .column_for(field, specs)
                .and_then(|i| leads.columns.get(i))
                .map_or(Cell::Missing, |c| c.cell(row));
            PreparedCondition::new(condition, missing).holds(cell)
        }
        Criterion::Activity {
            activity,
            count_column,
            at_least,
            window_days,
        } => {
            let source =
                activity_source(leads, activity, count_column.as_deref().unwrap_or(activity));
            effective_count(&source, row, as_of, *window_days, None) >= f64::from(*at_least)
        }
    }
}
