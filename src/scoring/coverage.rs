//! Which rules fire on the leads at hand: a rule that fires for no lead (an activity or a value
//! the leads do not have, like a misspelt `trial_start`) or for almost every lead (a fast-track
//! that makes nearly everyone an MQL) is valid but almost certainly not what was meant. These are
//! warnings about the model *on these leads*, so they come from an [`Evaluation`], not from
//! `validate`, which sees the model alone.

use super::conditions::{MissingValues, PreparedCondition};
use super::evaluation::Evaluation;
use crate::leads::{Cell, ColumnData, LeadSet};
use crate::model::{Condition, Criterion, FieldSpec, Model, OverrideAction, fmt_number};
use crate::text::printable;
use crate::validate::{Problem, Severity};

/// A rule that fires for at least this share of the leads "fires for almost everyone".
pub const ALMOST_EVERY_LEAD: f64 = 0.9;

/// Below this many leads the share says too little to warn about.
pub const FEW_LEADS: usize = 20;

/// Warnings about every enabled rule and override that fires for no lead, or for at least
/// [`ALMOST_EVERY_LEAD`] of them (with at least [`FEW_LEADS`] leads). A rule that never fires
/// says why when the leads show it: a column, an activity or a value they do not have.
pub fn coverage_problems(model: &Model, leads: &LeadSet, evaluation: &Evaluation) -> Vec<Problem> {
    coverage(model, leads, evaluation, true)
}

/// The warnings of [`coverage_problems`] about rules and overrides that fire for no lead only.
pub fn never_firing_problems(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
) -> Vec<Problem> {
    coverage(model, leads, evaluation, false)
}

fn coverage(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    with_almost_every: bool,
) -> Vec<Problem> {
    let total = leads.len();
    let mut problems = Vec::new();
    if total == 0 || evaluation.lead_count != total {
        return problems;
    }
    let missing = MissingValues::of(model);
    let mut warn = |id: &str, path: String, message: String| {
        problems.push(Problem {
            severity: Severity::Warning,
            rule_id: Some(id.to_owned()),
            path,
            message,
        });
    };
    for (i, rule) in model.fit.rules.iter().enumerate() {
        let Some(matches) = evaluation.fit_matches.get(i) else {
            continue;
        };
        if !rule.enabled {
            continue;
        }
        let fired = matches.iter().filter(|&&m| m).count();
        let path = format!("fit.rules[{i}]");
        if fired == 0 {
            let why = field_cause(leads, &model.fields, &missing, &rule.field, &rule.condition);
            warn(&rule.id, path, never_fires(why, total));
        } else if with_almost_every && is_almost_every(fired, total) {
            warn(&rule.id, path, almost_every("fires for", fired, total));
        }
    }
    for (i, rule) in model.engagement.rules.iter().enumerate() {
        let Some(counts) = evaluation.engagement_counts.get(i) else {
            continue;
        };
        if !rule.enabled {
            continue;
        }
        let fired = counts.iter().filter(|&(_, count)| count > 0.0).count();
        let path = format!("engagement.rules[{i}]");
        if fired == 0 {
            let why =
                activity_cause(leads, &rule.activity, rule.count_column_name()).or_else(|| {
                    rule.window_days.map(|days| {
                        format!(
                            "no lead did `{}` in the last {days} days",
                            printable(&rule.activity)
                        )
                    })
                });
            warn(&rule.id, path, never_fires(why, total));
        } else if with_almost_every && is_almost_every(fired, total) {
            warn(&rule.id, path, almost_every("fires for", fired, total));
        }
    }
    for (i, rule) in model.overrides.iter().enumerate() {
        let Some(matches) = evaluation.override_matches.get(i) else {
            continue;
        };
        if !rule.enabled || rule.when.is_empty() {
            continue;
        }
        let fired = matches.iter().filter(|&&m| m).count();
        let path = format!("overrides[{i}]");
        if fired == 0 {
            let why = rule.when.iter().find_map(|criterion| match criterion {
                Criterion::Field { field, condition } => {
                    field_cause(leads, &model.fields, &missing, field, condition)
                }
                Criterion::Activity {
                    activity,
                    count_column,
                    ..
                } => activity_cause(leads, activity, count_column.as_deref().unwrap_or(activity)),
            });
            warn(&rule.id, path, never_fires(why, total));
        } else if with_almost_every && is_almost_every(fired, total) {
            let verb = match rule.action {
                OverrideAction::FastTrack => "makes an MQL of",
                OverrideAction::Disqualify => "disqualifies",
            };
            warn(&rule.id, path, almost_every(verb, fired, total));
        }
    }
    problems
}

fn is_almost_every(fired: usize, total: usize) -> bool {
    total >= FEW_LEADS && fired as f64 >= ALMOST_EVERY_LEAD * total as f64
}

fn never_fires(why: Option<String>, total: usize) -> String {
    match why {
        Some(why) => format!("{why}: the rule never fires"),
        None => format!("fires for none of the {} leads", fmt_number(total as f64)),
    }
}

fn almost_every(verb: &str, fired: usize, total: usize) -> String {
    let share = (fired as f64 / total as f64 * 100.0).floor();
    format!(
        "{verb} {share:.0}% of the leads ({} of {}): it hardly tells them apart",
        fmt_number(fired as f64),
        fmt_number(total as f64)
    )
}

/// Why a condition on a field holds for no lead, when the leads show it: no column, or values
/// that no lead has.
fn field_cause(
    leads: &LeadSet,
    specs: &[FieldSpec],
    missing: &MissingValues,
    field: &str,
    condition: &Condition,
) -> Option<String> {
    let Some(column) = leads
        .column_for(field, specs)
        .and_then(|i| leads.columns.get(i))
    else {
        return Some(format!(
            "the leads have no column for `{}`",
            printable(field)
        ));
    };
    let (values, contains) = match condition {
        Condition::Equals(value) => (std::slice::from_ref(value), false),
        Condition::OneOf(values) => (values.as_slice(), false),
        Condition::ContainsAny(values) => (values.as_slice(), true),
        _ => return None,
    };
    let ColumnData::Text { dict, .. } = &column.data else {
        return None;
    };
    // A value on the missing list is never equal to a cell: that cell is missing.
    let listed: Vec<String> = values
        .iter()
        .filter(|value| !contains && missing.contains(value))
        .map(|value| format!("`{}`", printable(value)))
        .collect();
    if !listed.is_empty() {
        return Some(format!(
            "{} on the model's list of missing values (a cell holding it is missing: test it with IsMissing)",
            match listed.as_slice() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(", ")),
            }
        ));
    }
    let absent: Vec<String> = values
        .iter()
        .filter(|value| !value.trim().is_empty())
        .filter(|value| {
            let single = vec![(*value).clone()];
            let one = if contains {
                Condition::ContainsAny(single)
            } else {
                Condition::OneOf(single)
            };
            let prepared = PreparedCondition::new(&one, missing);
            !dict.iter().any(|text| prepared.holds(Cell::Text(text)))
        })
        .map(|value| format!("`{}`", printable(value)))
        .collect();
    if absent.is_empty() {
        return None;
    }
    let column_name = printable(&column.name);
    Some(match absent.as_slice() {
        [one] => format!("no lead has {one} in `{column_name}`"),
        many => format!("no lead has any of {} in `{column_name}`", many.join(", ")),
    })
}

/// Why an activity counts 0 for every lead, when the leads show it: the event log does not have
/// it, or there is no log and no count column.
fn activity_cause(leads: &LeadSet, activity: &str, count_column: &str) -> Option<String> {
    match &leads.events {
        Some(log) if log.activity_index(activity).is_none() => Some(format!(
            "`{}` does not occur in the event log",
            printable(activity)
        )),
        None if leads.column_by_name(count_column).is_none() => Some(format!(
            "the leads have no event log and no `{}` column",
            printable(count_column)
        )),
        _ => None,
    }
}
