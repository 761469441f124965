//! Model validation: what cannot be meant is an error naming the rule; what is merely odd is a
//! warning. An invalid model can still be edited and saved as a draft, but not scored or exported
//! as agreed.

use std::collections::HashSet;

use crate::model::{Band, Condition, Counting, Criterion, FieldKind, Model, fmt_number};
use crate::text::printable;

/// The largest number of points anywhere in a model: a rule's points (either sign), a rule's
/// cap, the fit and engagement caps and the scale are at most 10,000. With these bounds every
/// score is a finite number (`docs/model-format.md` §4.11 gives the worst cases), and the
/// scorer holds a model that skipped validation to them too.
pub const MAX_POINTS: f64 = 10_000.0;

/// A number for a message: `12.5`, `10,000`-style digits for whole numbers, `1e307` for huge.
fn shown(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e15 {
        format!("{value:e}")
    } else {
        fmt_number(value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One validation finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// The rule or override id concerned, if any.
    pub rule_id: Option<String>,
    /// Where in the model, e.g. `fit.rules[2].points` or `combine.mql_threshold`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Ids, field names and labels come from the file: no control character reaches a
        // terminal.
        let message = printable(&self.message);
        match &self.rule_id {
            Some(id) => write!(
                f,
                "{severity}: rule `{}` ({}): {message}",
                printable(id),
                self.path
            ),
            None => write!(f, "{severity}: {}: {message}", self.path),
        }
    }
}

/// True when none of the problems is an error.
pub fn is_valid(problems: &[Problem]) -> bool {
    problems.iter().all(|p| p.severity != Severity::Error)
}

/// How many of `problems` are errors, and the first of them in words; `None` without errors.
pub fn error_summary(problems: &[Problem]) -> Option<(usize, String)> {
    let mut errors = problems.iter().filter(|p| p.severity == Severity::Error);
    let first = errors.next()?.to_string();
    Some((1 + errors.count(), first))
}

struct Findings(Vec<Problem>);

impl Findings {
    fn error(&mut self, rule_id: Option<&str>, path: String, message: impl Into<String>) {
        self.push(Severity::Error, rule_id, path, message.into());
    }
    fn warning(&mut self, rule_id: Option<&str>, path: String, message: impl Into<String>) {
        self.push(Severity::Warning, rule_id, path, message.into());
    }
    fn push(&mut self, severity: Severity, rule_id: Option<&str>, path: String, message: String) {
        self.0.push(Problem {
            severity,
            rule_id: rule_id.map(str::to_owned),
            path,
            message,
        });
    }
    fn finite(&mut self, rule_id: Option<&str>, path: String, what: &str, value: f64) -> bool {
        if value.is_finite() {
            true
        } else {
            self.error(
                rule_id,
                path,
                format!("{what} must be a finite number, not {value}"),
            );
            false
        }
    }
}

impl Findings {
    /// An error when `value` is above [`MAX_POINTS`] (or, with `either_sign`, below
    /// `-MAX_POINTS`), saying "`what` 1e20, but must be …"; `true` when it is within.
    fn at_most_max(
        &mut self,
        rule_id: Option<&str>,
        path: String,
        what: &str,
        value: f64,
        either_sign: bool,
    ) -> bool {
        let within = if either_sign {
            value.abs() <= MAX_POINTS
        } else {
            value <= MAX_POINTS
        };
        if !within {
            let range = if either_sign {
                "between -10,000 and 10,000"
            } else {
                "at most 10,000"
            };
            self.error(
                rule_id,
                path,
                format!("{what} {}, but must be {range}", shown(value)),
            );
        }
        within
    }
}

/// Checks a model; errors first, then warnings, each in model order.
pub fn validate(model: &Model) -> Vec<Problem> {
    let mut findings = Findings(Vec::new());
    check_ids(model, &mut findings);
    check_fields(model, &mut findings);
    check_missing_values(model, &mut findings);
    check_fit(model, &mut findings);
    check_engagement(model, &mut findings);
    check_overrides(model, &mut findings);
    check_combine(model, &mut findings);
    check_bands(&model.fit_grades, "fit_grades", &mut findings);
    check_bands(&model.engagement_levels, "engagement_levels", &mut findings);
    let mut problems = findings.0;
    problems.sort_by_key(|p| p.severity);
    problems
}

fn check_ids(model: &Model, findings: &mut Findings) {
    let mut seen = HashSet::new();
    for id in model.rule_ids() {
        if id.trim().is_empty() {
            findings.error(None, "rules".into(), "a rule has an empty id");
        } else if !seen.insert(id) {
            findings.error(
                Some(id),
                "rules".into(),
                format!("the id `{id}` is used by more than one rule"),
            );
        }
    }
}

fn check_fields(model: &Model, findings: &mut Findings) {
    let mut seen = HashSet::new();
    for (i, field) in model.fields.iter().enumerate() {
        if field.name.trim().is_empty() {
            findings.error(None, format!("fields[{i}]"), "a field has an empty name");
        } else if !seen.insert(crate::leads::normalize_name(&field.name)) {
            findings.error(
                None,
                format!("fields[{i}]"),
                format!("the field `{}` is declared twice", field.name),
            );
        }
    }
}

/// The missing-values list: blank entries and repeats do nothing; an entry that reads as a
/// number, yes/no or date applies to text columns only (§3.3), which may surprise.
fn check_missing_values(model: &Model, findings: &mut Findings) {
    let mut seen = HashSet::new();
    for (i, value) in model.missing_values.iter().enumerate() {
        let path = format!("missing_values[{i}]");
        let folded = value.trim().to_lowercase();
        if folded.is_empty() {
            findings.warning(
                None,
                path,
                "an empty missing value: empty cells are missing anyway",
            );
        } else if !seen.insert(folded) {
            findings.warning(
                None,
                path,
                format!(
                    "`{value}` is listed twice (missing values are compared ignoring case and surrounding spaces)"
                ),
            );
        } else if crate::leads::parse_number(value).is_some()
            || crate::leads::parse_bool(value).is_some()
            || crate::leads::parse_day(value).is_some()
        {
            findings.warning(
                None,
                path,
                format!(
                    "`{value}` reads as a number, yes/no or date: it counts as missing only in columns of text, not in number, yes/no or date columns"
                ),
            );
        }
    }
}

/// The values of an `Equals` or `OneOf` that are on the missing list: a cell holding one is
/// missing, so the value never matches.
fn listed_values(model: &Model, condition: &Condition) -> Vec<String> {
    let values: &[String] = match condition {
        Condition::Equals(value) => std::slice::from_ref(value),
        Condition::OneOf(values) => values,
        _ => return Vec::new(),
    };
    // Folded as the scorer folds (`scoring::MissingValues`), without depending on scoring.
    let fold = |text: &str| text.trim().to_lowercase();
    let missing: HashSet<String> = model.missing_values.iter().map(|v| fold(v)).collect();
    values
        .iter()
        .filter(|v| !fold(v).is_empty() && missing.contains(&fold(v)))
        .map(|v| format!("`{v}`"))
        .collect()
}

fn check_condition(
    model: &Model,
    id: &str,
    path: String,
    field: &str,
    condition: &Condition,
    findings: &mut Findings,
) {
    if field.trim().is_empty() {
        findings.error(Some(id), path.clone(), "the rule names no field");
    }
    match condition {
        Condition::OneOf(values) | Condition::NotOneOf(values) | Condition::ContainsAny(values)
            if values.iter().all(|v| v.trim().is_empty()) =>
        {
            findings.error(
                Some(id),
                format!("{path}.condition"),
                "the list of values is empty, so the rule can never fire as meant",
            );
        }
        Condition::Equals(value) if value.trim().is_empty() => {
            findings.error(
                Some(id),
                format!("{path}.condition"),
                "equals an empty value: use IsMissing to test for a missing field",
            );
        }
        Condition::AtLeast(v) | Condition::AtMost(v) => {
            findings.finite(Some(id), format!("{path}.condition"), "the bound", *v);
        }
        Condition::Between { min, max } => {
            let ok = findings.finite(Some(id), format!("{path}.condition"), "min", *min)
                & findings.finite(Some(id), format!("{path}.condition"), "max", *max);
            if ok && min > max {
                findings.error(
                    Some(id),
                    format!("{path}.condition"),
                    format!(
                        "between {min} and {max}: min is greater than max, so nothing can match"
                    ),
                );
            }
        }
        _ => {}
    }
    let listed = listed_values(model, condition);
    if !listed.is_empty() {
        let verb = if listed.len() == 1 { "is" } else { "are" };
        findings.warning(
            Some(id),
            format!("{path}.condition"),
            format!(
                "{} {verb} on the model's list of missing values, so a cell holding it is missing and never matches: test it with IsMissing, or take it off the list",
                listed.join(", ")
            ),
        );
    }
    if let Some(spec) = model.field_spec(field) {
        let numeric = matches!(
            condition,
            Condition::AtLeast(_) | Condition::AtMost(_) | Condition::Between { .. }
        );
        if numeric && spec.kind != FieldKind::Number && spec.kind != FieldKind::Date {
            findings.warning(
                Some(id),
                format!("{path}.condition"),
                format!(
                    "a numeric condition on `{field}`, declared as {:?}",
                    spec.kind
                ),
            );
        }
    }
}

fn check_fit(model: &Model, findings: &mut Findings) {
    if findings.finite(
        None,
        "fit.max_points".into(),
        "fit.max_points",
        model.fit.max_points,
    ) {
        if model.fit.max_points <= 0.0 {
            findings.error(
                None,
                "fit.max_points".into(),
                "the fit cap must be greater than 0",
            );
        } else {
            findings.at_most_max(
                None,
                "fit.max_points".into(),
                "the fit cap is",
                model.fit.max_points,
                false,
            );
        }
    }
    for (i, rule) in model.fit.rules.iter().enumerate() {
        let path = format!("fit.rules[{i}]");
        if findings.finite(
            Some(&rule.id),
            format!("{path}.points"),
            "points",
            rule.points,
        ) {
            findings.at_most_max(
                Some(&rule.id),
                format!("{path}.points"),
                "the points are",
                rule.points,
                true,
            );
        }
        check_condition(
            model,
            &rule.id,
            path.clone(),
            &rule.field,
            &rule.condition,
            findings,
        );
        if rule.points == 0.0 && rule.enabled {
            findings.warning(
                Some(&rule.id),
                format!("{path}.points"),
                "the rule is worth 0 points",
            );
        }
    }
}

fn check_engagement(model: &Model, findings: &mut Findings) {
    let max = model.engagement.max_points;
    if findings.finite(
        None,
        "engagement.max_points".into(),
        "engagement.max_points",
        max,
    ) {
        if max <= 0.0 {
            findings.error(
                None,
                "engagement.max_points".into(),
                "the engagement cap must be greater than 0",
            );
        } else {
            findings.at_most_max(
                None,
                "engagement.max_points".into(),
                "the engagement cap is",
                max,
                false,
            );
        }
    }
    for (i, rule) in model.engagement.rules.iter().enumerate() {
        let path = format!("engagement.rules[{i}]");
        let id = Some(rule.id.as_str());
        if findings.finite(id, format!("{path}.points"), "points", rule.points) {
            findings.at_most_max(
                id,
                format!("{path}.points"),
                "the points are",
                rule.points,
                true,
            );
        }
        if rule.activity.trim().is_empty() {
            findings.error(id, format!("{path}.activity"), "the rule names no activity");
        }
        if let Some(cap) = rule.cap
            && findings.finite(id, format!("{path}.cap"), "the cap", cap)
        {
            if cap <= 0.0 {
                findings.error(
                    id,
                    format!("{path}.cap"),
                    format!(
                        "the cap is {cap}: a cap is the most the rule adds (or takes away), so it must be greater than 0"
                    ),
                );
            } else {
                findings.at_most_max(id, format!("{path}.cap"), "the cap is", cap, false);
            }
        }
        if rule.window_days == Some(0) {
            findings.error(
                id,
                format!("{path}.window_days"),
                "a window of 0 days counts nothing",
            );
        }
        if let Some(half_life) = rule.half_life_days
            && findings.finite(
                id,
                format!("{path}.half_life_days"),
                "the half-life",
                half_life,
            )
            && half_life <= 0.0
        {
            findings.error(
                id,
                format!("{path}.half_life_days"),
                "the half-life must be greater than 0 days",
            );
        }
        if rule.counting == Counting::AtLeast(0) {
            findings.error(
                id,
                format!("{path}.counting"),
                "AtLeast(0) fires for every lead: use a count of 1 or more",
            );
        }
    }
}

fn check_overrides(model: &Model, findings: &mut Findings) {
    for (i, rule) in model.overrides.iter().enumerate() {
        let path = format!("overrides[{i}]");
        if rule.when.is_empty() {
            findings.error(
                Some(&rule.id),
                format!("{path}.when"),
                "the override has no criteria, so it would apply to every lead",
            );
        }
        for (j, criterion) in rule.when.iter().enumerate() {
            let criterion_path = format!("{path}.when[{j}]");
            match criterion {
                Criterion::Field { field, condition } => {
                    check_condition(model, &rule.id, criterion_path, field, condition, findings)
                }
                Criterion::Activity {
                    activity,
                    at_least,
                    window_days,
                    ..
                } => {
                    if activity.trim().is_empty() {
                        findings.error(Some(&rule.id), criterion_path, "names no activity");
                    } else if *at_least == 0 {
                        findings.error(
                            Some(&rule.id),
                            criterion_path,
                            "at_least: 0 holds for every lead: use 1 or more",
                        );
                    } else if *window_days == Some(0) {
                        findings.error(
                            Some(&rule.id),
                            criterion_path,
                            "a window of 0 days counts nothing",
                        );
                    }
                }
            }
        }
    }
}

fn check_combine(model: &Model, findings: &mut Findings) {
    let combine = &model.combine;
    let scale_ok = findings.finite(None, "combine.scale".into(), "the scale", combine.scale);
    if scale_ok && combine.scale <= 0.0 {
        findings.error(
            None,
            "combine.scale".into(),
            "the scale must be greater than 0",
        );
    } else if scale_ok {
        findings.at_most_max(
            None,
            "combine.scale".into(),
            "the scale is",
            combine.scale,
            false,
        );
    }
    let weights_ok = findings.finite(
        None,
        "combine.fit_weight".into(),
        "fit_weight",
        combine.fit_weight,
    ) & findings.finite(
        None,
        "combine.engagement_weight".into(),
        "engagement_weight",
        combine.engagement_weight,
    );
    if weights_ok {
        if combine.fit_weight < 0.0 || combine.engagement_weight < 0.0 {
            findings.error(None, "combine".into(), "the weights cannot be negative");
        } else if (combine.fit_weight + combine.engagement_weight - 1.0).abs() > 1e-6 {
            findings.error(
                None,
                "combine".into(),
                format!(
                    "fit_weight + engagement_weight must be 1 (100 %), not {}",
                    combine.fit_weight + combine.engagement_weight
                ),
            );
        }
    }
    let threshold = combine.mql_threshold;
    if findings.finite(
        None,
        "combine.mql_threshold".into(),
        "the threshold",
        threshold,
    ) && scale_ok
        && !(threshold > 0.0 && threshold <= combine.scale)
    {
        findings.error(
            None,
            "combine.mql_threshold".into(),
            format!(
                "the MQL threshold {} is outside the scale (above 0, at most {})",
                shown(threshold),
                shown(combine.scale)
            ),
        );
    }
    if findings.finite(
        None,
        "combine.nurture_band".into(),
        "the nurture band",
        combine.nurture_band,
    ) && (combine.nurture_band < 0.0 || combine.nurture_band > threshold)
    {
        findings.error(
            None,
            "combine.nurture_band".into(),
            format!(
                "the nurture band {} must be between 0 and the threshold {}",
                shown(combine.nurture_band),
                shown(threshold)
            ),
        );
    }
    for (name, gate, cap) in [
        ("min_fit", combine.min_fit, model.fit.max_points),
        (
            "min_engagement",
            combine.min_engagement,
            model.engagement.max_points,
        ),
    ] {
        if let Some(gate) = gate {
            let path = format!("combine.{name}");
            if findings.finite(None, path.clone(), name, gate) && (gate < 0.0 || gate > cap) {
                findings.error(
                    None,
                    path,
                    format!(
                        "{name} {} is outside 0..{}, so no lead could pass the gate",
                        shown(gate),
                        shown(cap)
                    ),
                );
            }
        }
    }
}

fn check_bands(bands: &[Band], name: &str, findings: &mut Findings) {
    if bands.is_empty() {
        findings.error(None, name.into(), "needs at least one band");
        return;
    }
    for (i, band) in bands.iter().enumerate() {
        let path = format!("{name}[{i}]");
        findings.finite(None, path.clone(), "min_points", band.min_points);
        if i > 0 && band.min_points >= bands[i - 1].min_points {
            findings.error(
                None,
                path,
                format!(
                    "bands go from best to worst: `{}` starts at {}, not below `{}` at {}",
                    band.label,
                    band.min_points,
                    bands[i - 1].label,
                    bands[i - 1].min_points
                ),
            );
        }
    }
}
