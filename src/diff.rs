//! What differs between two models, rule by rule: for the app's change history and for comparing
//! two teams' proposals.

use crate::model::{
    Band, Combine, Counting, EngagementRule, FitRule, Model, Override, OverrideAction, Team,
    fmt_number,
};
use crate::text::printable;

/// Which list a rule lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    Fit,
    Engagement,
    Override,
}

impl RuleKind {
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::Fit => "fit rule",
            RuleKind::Engagement => "engagement rule",
            RuleKind::Override => "override",
        }
    }
}

/// One rule-level difference.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleChange {
    Added {
        kind: RuleKind,
        id: String,
        label: String,
    },
    Removed {
        kind: RuleKind,
        id: String,
        label: String,
    },
    Changed {
        kind: RuleKind,
        id: String,
        label: String,
        /// Each changed property, e.g. `points 20 → 25`.
        details: Vec<String>,
    },
}

impl RuleChange {
    pub fn id(&self) -> &str {
        match self {
            RuleChange::Added { id, .. }
            | RuleChange::Removed { id, .. }
            | RuleChange::Changed { id, .. } => id,
        }
    }

    pub fn kind(&self) -> RuleKind {
        match self {
            RuleChange::Added { kind, .. }
            | RuleChange::Removed { kind, .. }
            | RuleChange::Changed { kind, .. } => *kind,
        }
    }

    /// One line for a person, e.g. `fit rule "Senior title" (fit-senior): points 20 → 25`,
    /// with the model's texts' control characters escaped ([`crate::text::printable`]).
    pub fn describe(&self) -> String {
        let name = |label: &str, id: &str| {
            if label.is_empty() || label == id {
                format!("`{id}`")
            } else {
                format!("\"{label}\" ({id})")
            }
        };
        let line = match self {
            RuleChange::Added { kind, id, label } => {
                format!("added {} {}", kind.label(), name(label, id))
            }
            RuleChange::Removed { kind, id, label } => {
                format!("removed {} {}", kind.label(), name(label, id))
            }
            RuleChange::Changed {
                kind,
                id,
                label,
                details,
            } => format!(
                "{} {}: {}",
                kind.label(),
                name(label, id),
                details.join("; ")
            ),
        };
        printable(&line).into_owned()
    }
}

/// Everything that differs between two models.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelDiff {
    pub rules: Vec<RuleChange>,
    /// Changes outside the rules: mix, threshold, caps, grades, name, …
    pub settings: Vec<String>,
}

impl ModelDiff {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.settings.is_empty()
    }

    /// Every change as one line each: settings first, then rules in model order; the model's
    /// texts' control characters escaped.
    pub fn lines(&self) -> Vec<String> {
        self.settings
            .iter()
            .map(|line| printable(line).into_owned())
            .chain(self.rules.iter().map(RuleChange::describe))
            .collect()
    }

    /// A short summary for a change history, e.g. `fit rule "Senior title": points 20 → 25`
    /// or `3 changes: …`.
    pub fn summary(&self) -> String {
        let lines = self.lines();
        match lines.len() {
            0 => "no change".to_owned(),
            1 => lines.into_iter().next().unwrap_or_default(),
            n => format!("{n} changes: {}", lines.join("; ")),
        }
    }
}

fn team(team: Option<Team>) -> &'static str {
    team.map_or("nobody", Team::label)
}

fn opt(value: Option<f64>) -> String {
    value.map_or("none".to_owned(), fmt_number)
}

fn opt_days(value: Option<u32>) -> String {
    value.map_or("none".to_owned(), |d| format!("{d} days"))
}

fn counting(value: Counting) -> String {
    match value {
        Counting::PerOccurrence => "per occurrence".to_owned(),
        Counting::Once => "once".to_owned(),
        Counting::AtLeast(n) => format!("at {n}+"),
    }
}

/// Pushes `what a → b` when the two differ.
/// What changed in the missing values, entry by entry (the whole list twice would be a long
/// line for one added value): `missing values: added "tbd"; removed "none"`.
fn missing_values_change(old: &[String], new: &[String]) -> Option<String> {
    if old == new {
        return None;
    }
    let quoted = |values: Vec<&String>| {
        values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let added: Vec<&String> = new.iter().filter(|v| !old.contains(v)).collect();
    let removed: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", quoted(added)));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", quoted(removed)));
    }
    if parts.is_empty() {
        parts.push("reordered".to_owned());
    }
    Some(format!("missing values: {}", parts.join("; ")))
}

fn compare<T: PartialEq>(
    details: &mut Vec<String>,
    what: &str,
    old: &T,
    new: &T,
    show: impl Fn(&T) -> String,
) {
    if old != new {
        details.push(format!("{what} {} → {}", show(old), show(new)));
    }
}

fn fit_details(old: &FitRule, new: &FitRule) -> Vec<String> {
    let mut d = Vec::new();
    compare(&mut d, "label", &old.label, &new.label, |v| {
        format!("{v:?}")
    });
    compare(&mut d, "field", &old.field, &new.field, String::clone);
    compare(&mut d, "condition", &old.condition, &new.condition, |c| {
        c.describe()
    });
    compare(&mut d, "points", &old.points, &new.points, |v| {
        fmt_number(*v)
    });
    compare(&mut d, "enabled", &old.enabled, &new.enabled, |v| {
        v.to_string()
    });
    compare(
        &mut d,
        "proposed by",
        &old.proposed_by,
        &new.proposed_by,
        |v| team(*v).to_owned(),
    );
    if old.rationale != new.rationale {
        d.push("rationale edited".to_owned());
    }
    d
}

fn engagement_details(old: &EngagementRule, new: &EngagementRule) -> Vec<String> {
    let mut d = Vec::new();
    compare(&mut d, "label", &old.label, &new.label, |v| {
        format!("{v:?}")
    });
    compare(
        &mut d,
        "activity",
        &old.activity,
        &new.activity,
        String::clone,
    );
    compare(
        &mut d,
        "count column",
        &old.count_column,
        &new.count_column,
        |v| v.clone().unwrap_or_else(|| "default".to_owned()),
    );
    compare(&mut d, "counting", &old.counting, &new.counting, |v| {
        counting(*v)
    });
    compare(&mut d, "points", &old.points, &new.points, |v| {
        fmt_number(*v)
    });
    compare(&mut d, "cap", &old.cap, &new.cap, |v| opt(*v));
    compare(&mut d, "window", &old.window_days, &new.window_days, |v| {
        opt_days(*v)
    });
    compare(
        &mut d,
        "half-life",
        &old.half_life_days,
        &new.half_life_days,
        |v| v.map_or("none".to_owned(), |h| format!("{} days", fmt_number(h))),
    );
    compare(&mut d, "enabled", &old.enabled, &new.enabled, |v| {
        v.to_string()
    });
    compare(
        &mut d,
        "proposed by",
        &old.proposed_by,
        &new.proposed_by,
        |v| team(*v).to_owned(),
    );
    if old.rationale != new.rationale {
        d.push("rationale edited".to_owned());
    }
    d
}

fn override_details(old: &Override, new: &Override) -> Vec<String> {
    let mut d = Vec::new();
    compare(&mut d, "label", &old.label, &new.label, |v| {
        format!("{v:?}")
    });
    compare(&mut d, "action", &old.action, &new.action, |v| {
        match v {
            OverrideAction::Disqualify => "disqualify",
            OverrideAction::FastTrack => "fast-track",
        }
        .to_owned()
    });
    compare(&mut d, "criteria", &old.when, &new.when, |v| {
        v.iter()
            .map(crate::model::Criterion::describe)
            .collect::<Vec<_>>()
            .join(" and ")
    });
    compare(&mut d, "enabled", &old.enabled, &new.enabled, |v| {
        v.to_string()
    });
    compare(
        &mut d,
        "proposed by",
        &old.proposed_by,
        &new.proposed_by,
        |v| team(*v).to_owned(),
    );
    if old.rationale != new.rationale {
        d.push("rationale edited".to_owned());
    }
    d
}

/// Compares one list of rules by id.
fn diff_rules<R>(
    kind: RuleKind,
    old: &[R],
    new: &[R],
    id: impl Fn(&R) -> &str,
    label: impl Fn(&R) -> &str,
    details: impl Fn(&R, &R) -> Vec<String>,
    out: &mut ModelDiff,
) {
    for rule in old {
        if !new.iter().any(|n| id(n) == id(rule)) {
            out.rules.push(RuleChange::Removed {
                kind,
                id: id(rule).to_owned(),
                label: label(rule).to_owned(),
            });
        }
    }
    for rule in new {
        match old.iter().find(|o| id(o) == id(rule)) {
            None => out.rules.push(RuleChange::Added {
                kind,
                id: id(rule).to_owned(),
                label: label(rule).to_owned(),
            }),
            Some(previous) => {
                let changes = details(previous, rule);
                if !changes.is_empty() {
                    out.rules.push(RuleChange::Changed {
                        kind,
                        id: id(rule).to_owned(),
                        label: label(rule).to_owned(),
                        details: changes,
                    });
                }
            }
        }
    }
    let common_old: Vec<&str> = old
        .iter()
        .map(&id)
        .filter(|i| new.iter().any(|n| id(n) == *i))
        .collect();
    let common_new: Vec<&str> = new
        .iter()
        .map(&id)
        .filter(|i| old.iter().any(|o| id(o) == *i))
        .collect();
    if common_old != common_new {
        out.settings
            .push(format!("reordered the {}s", kind.label()));
    }
}

fn combine_details(old: &Combine, new: &Combine, out: &mut Vec<String>) {
    compare(out, "scale", &old.scale, &new.scale, |v| fmt_number(*v));
    if old.fit_weight != new.fit_weight || old.engagement_weight != new.engagement_weight {
        out.push(format!(
            "mix fit/engagement {}/{} → {}/{}",
            fmt_number(old.fit_weight * 100.0),
            fmt_number(old.engagement_weight * 100.0),
            fmt_number(new.fit_weight * 100.0),
            fmt_number(new.engagement_weight * 100.0)
        ));
    }
    compare(
        out,
        "MQL threshold",
        &old.mql_threshold,
        &new.mql_threshold,
        |v| fmt_number(*v),
    );
    compare(
        out,
        "nurture band",
        &old.nurture_band,
        &new.nurture_band,
        |v| fmt_number(*v),
    );
    compare(out, "minimum fit", &old.min_fit, &new.min_fit, |v| opt(*v));
    compare(
        out,
        "minimum engagement",
        &old.min_engagement,
        &new.min_engagement,
        |v| opt(*v),
    );
}

fn bands(bands: &[Band]) -> String {
    bands
        .iter()
        .map(|b| format!("{} ≥ {}", b.label, fmt_number(b.min_points)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares two models. Rules are matched by id.
pub fn diff_models(old: &Model, new: &Model) -> ModelDiff {
    let mut out = ModelDiff::default();
    compare(&mut out.settings, "name", &old.name, &new.name, |v| {
        format!("{v:?}")
    });
    if old.description != new.description {
        out.settings.push("description edited".to_owned());
    }
    compare(&mut out.settings, "owners", &old.owners, &new.owners, |v| {
        v.join(", ")
    });
    compare(&mut out.settings, "status", &old.status, &new.status, |v| {
        v.label().to_owned()
    });
    if old.sign_offs != new.sign_offs {
        out.settings.push(format!(
            "sign-offs {} → {}",
            old.sign_offs.len(),
            new.sign_offs.len()
        ));
    }
    if old.fields != new.fields {
        out.settings.push("field declarations edited".to_owned());
    }
    if let Some(change) = missing_values_change(&old.missing_values, &new.missing_values) {
        out.settings.push(change);
    }
    compare(
        &mut out.settings,
        "fit cap",
        &old.fit.max_points,
        &new.fit.max_points,
        |v| fmt_number(*v),
    );
    compare(
        &mut out.settings,
        "engagement cap",
        &old.engagement.max_points,
        &new.engagement.max_points,
        |v| fmt_number(*v),
    );
    combine_details(&old.combine, &new.combine, &mut out.settings);
    compare(
        &mut out.settings,
        "fit grades",
        &old.fit_grades,
        &new.fit_grades,
        |v| bands(v),
    );
    compare(
        &mut out.settings,
        "engagement levels",
        &old.engagement_levels,
        &new.engagement_levels,
        |v| bands(v),
    );
    diff_rules(
        RuleKind::Fit,
        &old.fit.rules,
        &new.fit.rules,
        |r| &r.id,
        |r| &r.label,
        fit_details,
        &mut out,
    );
    diff_rules(
        RuleKind::Engagement,
        &old.engagement.rules,
        &new.engagement.rules,
        |r| &r.id,
        |r| &r.label,
        engagement_details,
        &mut out,
    );
    diff_rules(
        RuleKind::Override,
        &old.overrides,
        &new.overrides,
        |r| &r.id,
        |r| &r.label,
        override_details,
        &mut out,
    );
    if old.changelog != new.changelog {
        out.settings.push("changelog edited".to_owned());
    }
    out
}
