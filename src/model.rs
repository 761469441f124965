//! The scoring model: plain data, serialised as RON (see `docs/model-format.md`).
//!
//! Field order in these structs is the field order in the file, so keep it stable: reordering a field
//! here shows up as a diff in every model file a team has committed.

use serde::{Deserialize, Serialize};

/// The format version this build writes. Files with the same major version are read; a newer minor
/// version is read too when it uses no field this build does not know.
pub const FORMAT_VERSION: &str = "1.0";
pub const FORMAT_MAJOR: u32 = 1;
pub const FORMAT_MINOR: u32 = 0;

/// A complete lead-scoring model: what marketing and sales design together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub format_version: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owners: Vec<String>,
    #[serde(default)]
    pub status: ModelStatus,
    #[serde(default)]
    pub sign_offs: Vec<SignOff>,
    /// Lead fields the rules read, with their type and the CSV column names they may appear under.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// Cell texts that mean "unknown" in CRM exports ("Select", "N/A", "-"): a text cell that
    /// is one of them (compared as conditions compare text: trimmed, ignoring case) is missing
    /// wherever a rule reads it. Omitted: [`DEFAULT_MISSING_VALUES`]; `[]` turns this off.
    #[serde(default = "default_missing_values")]
    pub missing_values: Vec<String>,
    pub fit: FitSection,
    pub engagement: EngagementSection,
    #[serde(default)]
    pub overrides: Vec<Override>,
    pub combine: Combine,
    /// Fit grades, best first; omitted: A–D at 75/50/25/0 % of the fit cap.
    #[serde(default)]
    pub fit_grades: Vec<Band>,
    /// Engagement levels, best first; omitted: 1–4 at 75/50/25/0 % of the engagement cap.
    #[serde(default)]
    pub engagement_levels: Vec<Band>,
    #[serde(default)]
    pub changelog: Vec<ChangelogEntry>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelStatus {
    #[default]
    Draft,
    Proposed,
    Agreed,
}

impl ModelStatus {
    pub fn label(self) -> &'static str {
        match self {
            ModelStatus::Draft => "draft",
            ModelStatus::Proposed => "proposed",
            ModelStatus::Agreed => "agreed",
        }
    }
}

/// The two teams that co-own a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Team {
    Marketing,
    Sales,
}

impl Team {
    pub fn label(self) -> &'static str {
        match self {
            Team::Marketing => "Marketing",
            Team::Sales => "Sales",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    pub team: Team,
    pub person: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangelogEntry {
    pub date: String,
    #[serde(default)]
    pub team: Option<Team>,
    pub summary: String,
}

/// The type of a lead field. Declared fields are checked cell by cell when leads are loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldKind {
    #[default]
    Text,
    Number,
    Bool,
    Date,
}

impl FieldKind {
    /// The kind in words: `text`, `number`, `yes/no`, `date`.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Bool => "yes/no",
            FieldKind::Date => "date",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The name rules use, e.g. `employees`.
    pub name: String,
    #[serde(default)]
    pub kind: FieldKind,
    /// Other column headers that mean this field, e.g. `["Number of Employees", "Company Size"]`.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitSection {
    /// The cap of the fit sub-score: fit points above it count as this many.
    pub max_points: f64,
    #[serde(default)]
    pub rules: Vec<FitRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementSection {
    /// The cap of the engagement sub-score.
    pub max_points: f64,
    #[serde(default)]
    pub rules: Vec<EngagementRule>,
}

/// A condition on one lead field. Text comparisons ignore case and surrounding spaces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Condition {
    Equals(String),
    OneOf(Vec<String>),
    NotOneOf(Vec<String>),
    AtLeast(f64),
    AtMost(f64),
    Between { min: f64, max: f64 },
    ContainsAny(Vec<String>),
    IsTrue,
    IsFalse,
    IsMissing,
}

impl Condition {
    /// A short human-readable form, e.g. `one of SaaS, Fintech`.
    pub fn describe(&self) -> String {
        match self {
            Condition::Equals(v) => format!("= {v}"),
            Condition::OneOf(vs) => format!("one of {}", vs.join(", ")),
            Condition::NotOneOf(vs) => format!("not one of {}", vs.join(", ")),
            Condition::AtLeast(v) => format!(">= {}", fmt_number(*v)),
            Condition::AtMost(v) => format!("<= {}", fmt_number(*v)),
            Condition::Between { min, max } => {
                format!("between {} and {}", fmt_number(*min), fmt_number(*max))
            }
            Condition::ContainsAny(vs) => format!("contains any of {}", vs.join(", ")),
            Condition::IsTrue => "is true".to_owned(),
            Condition::IsFalse => "is false".to_owned(),
            Condition::IsMissing => "is missing".to_owned(),
        }
    }
}

/// Formats a number without a trailing `.0` and with at most two decimals: the one rule for
/// every score, sub-score, distance and points value the app, the CLI and the exports show
/// (README, *How numbers are shown*; `docs/model-format.md` §6.1). Scores are already rounded to
/// two decimals (§4.5), so what is shown is exactly what the status was decided on.
pub fn fmt_number(value: f64) -> String {
    // `-0` (an empty sum is -0.0) reads as 0.
    let value = if value == 0.0 { 0.0 } else { value };
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        // -0.004 rounds to -0.00: that is 0 too.
        if text == "-0" { "0" } else { text }.to_owned()
    }
}

/// [`fmt_number`] with a sign: `+20`, `-2.5`, `0` (what a rule adds or takes away).
pub fn fmt_signed(value: f64) -> String {
    let text = fmt_number(value);
    if text != "0" && !text.starts_with('-') {
        format!("+{text}")
    } else {
        text
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitRule {
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub field: String,
    pub condition: Condition,
    pub points: f64,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub proposed_by: Option<Team>,
    #[serde(default)]
    pub rationale: String,
}

/// How an engagement rule turns an activity count into points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Counting {
    /// `points` for every occurrence.
    #[default]
    PerOccurrence,
    /// `points` once, whatever the count.
    Once,
    /// `points` once the count reaches N ("3+ booth sessions").
    AtLeast(u32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementRule {
    pub id: String,
    #[serde(default)]
    pub label: String,
    /// The activity name in the event log, e.g. `pricing_page_view`.
    pub activity: String,
    /// The aggregate count column read when no event log is loaded; defaults to the activity name.
    #[serde(default)]
    pub count_column: Option<String>,
    #[serde(default)]
    pub counting: Counting,
    pub points: f64,
    /// The most this rule can add (or, for negative points, take away).
    #[serde(default)]
    pub cap: Option<f64>,
    /// Only activity within this many days up to the as-of date counts.
    #[serde(default)]
    pub window_days: Option<u32>,
    /// Activity counts half as much every this many days.
    #[serde(default)]
    pub half_life_days: Option<f64>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub proposed_by: Option<Team>,
    #[serde(default)]
    pub rationale: String,
}

impl EngagementRule {
    /// The count column this rule reads when leads come without an event log.
    pub fn count_column_name(&self) -> &str {
        self.count_column.as_deref().unwrap_or(&self.activity)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OverrideAction {
    /// Never an MQL, whatever the score (competitor, existing customer).
    Disqualify,
    /// An MQL now, whatever the score (demo request).
    FastTrack,
}

/// One test inside an override; an override fires when all of its criteria hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Criterion {
    Field {
        field: String,
        condition: Condition,
    },
    Activity {
        activity: String,
        #[serde(default)]
        count_column: Option<String>,
        at_least: u32,
        #[serde(default)]
        window_days: Option<u32>,
    },
}

impl Criterion {
    pub fn describe(&self) -> String {
        match self {
            Criterion::Field { field, condition } => format!("{field} {}", condition.describe()),
            Criterion::Activity {
                activity,
                at_least,
                window_days,
                ..
            } => match window_days {
                Some(days) => format!("{activity} x{at_least}+ in {days} days"),
                None => format!("{activity} x{at_least}+"),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub action: OverrideAction,
    pub when: Vec<Criterion>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub proposed_by: Option<Team>,
    #[serde(default)]
    pub rationale: String,
}

/// How fit and engagement make the total, and where the bars are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Combine {
    /// The total score's scale, e.g. 100.
    pub scale: f64,
    /// The share of the scale that a full fit sub-score is worth; the two weights add up to 1.
    pub fit_weight: f64,
    pub engagement_weight: f64,
    /// A total at or above this is an MQL (if the gates pass).
    pub mql_threshold: f64,
    /// Totals within this many points below the threshold are "nurture" (near-MQL).
    #[serde(default)]
    pub nurture_band: f64,
    /// Gate: fit points needed to be an MQL at all.
    #[serde(default)]
    pub min_fit: Option<f64>,
    /// Gate: engagement points needed to be an MQL at all.
    #[serde(default)]
    pub min_engagement: Option<f64>,
}

/// A grade band: a sub-score at or above `min_points` gets `label` (first matching band wins).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub label: String,
    pub min_points: f64,
}

fn enabled_by_default() -> bool {
    true
}

/// What a model without a `missing_values` list treats as missing: what CRM forms and exports
/// write for "unknown" (`docs/model-format.md` §3.3). Lower case, as compared.
pub const DEFAULT_MISSING_VALUES: [&str; 11] = [
    "select",
    "n/a",
    "na",
    "-",
    "--",
    "unknown",
    "none",
    "null",
    "not provided",
    "not specified",
    "not available",
];

/// [`DEFAULT_MISSING_VALUES`] as a model holds them.
pub fn default_missing_values() -> Vec<String> {
    DEFAULT_MISSING_VALUES.map(str::to_owned).to_vec()
}

/// A–D by share of the fit cap: 75 %, 50 %, 25 %, below.
pub fn default_fit_grades() -> Vec<Band> {
    grade_bands(&["A", "B", "C", "D"], 60.0)
}

/// 1–4 by share of the engagement cap: 75 %, 50 %, 25 %, below.
pub fn default_engagement_levels() -> Vec<Band> {
    grade_bands(&["1", "2", "3", "4"], 40.0)
}

/// Four equal bands over `[0, max_points]`, best first.
pub fn grade_bands(labels: &[&str; 4], max_points: f64) -> Vec<Band> {
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| Band {
            label: (*label).to_owned(),
            min_points: max_points * (3 - i) as f64 / 4.0,
        })
        .collect()
}

impl Model {
    /// An empty model with sensible settings: 60/40 fit/engagement on 100 points, MQL at 75.
    pub fn new(name: &str) -> Model {
        Model {
            format_version: FORMAT_VERSION.to_owned(),
            name: name.to_owned(),
            description: String::new(),
            owners: Vec::new(),
            status: ModelStatus::Draft,
            sign_offs: Vec::new(),
            fields: Vec::new(),
            missing_values: default_missing_values(),
            fit: FitSection {
                max_points: 60.0,
                rules: Vec::new(),
            },
            engagement: EngagementSection {
                max_points: 40.0,
                rules: Vec::new(),
            },
            overrides: Vec::new(),
            combine: Combine {
                scale: 100.0,
                fit_weight: 0.6,
                engagement_weight: 0.4,
                mql_threshold: 75.0,
                nurture_band: 15.0,
                min_fit: None,
                min_engagement: None,
            },
            fit_grades: default_fit_grades(),
            engagement_levels: default_engagement_levels(),
            changelog: Vec::new(),
        }
    }

    /// The model's missing values with `value` added (trimmed, at the end), or `None` when it is
    /// blank or already listed (compared trimmed, ignoring case: how cells are compared with it).
    pub fn missing_values_with(&self, value: &str) -> Option<Vec<String>> {
        let value = value.trim();
        let key = value.to_lowercase();
        let listed = self
            .missing_values
            .iter()
            .any(|v| v.trim().to_lowercase() == key);
        if value.is_empty() || listed {
            return None;
        }
        let mut values = self.missing_values.clone();
        values.push(value.to_owned());
        Some(values)
    }

    /// Looks up the declared spec of a field, by name.
    pub fn field_spec(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Every rule id in the model (fit, engagement, overrides), in file order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.fit
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.engagement.rules.iter().map(|r| r.id.as_str()))
            .chain(self.overrides.iter().map(|o| o.id.as_str()))
    }

    /// Records a team's signature, replacing that team's earlier one. With both teams signed the
    /// model is agreed; with one it is proposed.
    pub fn sign(&mut self, sign_off: SignOff) {
        self.sign_offs.retain(|s| s.team != sign_off.team);
        self.sign_offs.push(sign_off);
        self.sign_offs.sort_by_key(|s| s.team);
        self.status = if self.is_signed_by_both() {
            ModelStatus::Agreed
        } else {
            ModelStatus::Proposed
        };
    }

    /// The signature of one team, if it signed.
    pub fn signed_by(&self, team: Team) -> Option<&SignOff> {
        self.sign_offs.iter().find(|s| s.team == team)
    }

    pub fn is_signed_by_both(&self) -> bool {
        self.signed_by(Team::Marketing).is_some() && self.signed_by(Team::Sales).is_some()
    }

    /// After an edit, earlier signatures no longer cover the model: back to draft.
    pub fn clear_sign_offs(&mut self) {
        self.sign_offs.clear();
        self.status = ModelStatus::Draft;
    }

    /// True when two models score the same way and say the same things: everything but the
    /// agreement record (status, sign-offs, changelog) is equal.
    pub fn same_content(&self, other: &Model) -> bool {
        let strip = |model: &Model| Model {
            status: ModelStatus::Draft,
            sign_offs: Vec::new(),
            changelog: Vec::new(),
            ..model.clone()
        };
        strip(self) == strip(other)
    }

    /// A rule id not yet used in the model, starting from `base`.
    pub fn fresh_id(&self, base: &str) -> String {
        let taken: std::collections::HashSet<&str> = self.rule_ids().collect();
        if !taken.contains(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| !taken.contains(candidate.as_str()))
            .unwrap_or_else(|| base.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::{fmt_number, fmt_signed};

    #[test]
    fn numbers_have_at_most_two_decimals_no_trailing_zeros_and_no_negative_zero() {
        let cases = [
            (75.0, "75"),
            (88.44, "88.44"),
            (88.4, "88.4"),
            (0.38, "0.38"),
            (-2.5, "-2.5"),
            (1.004, "1"),
            (-0.0, "0"),
            (-0.004, "0"),
            (50.0, "50"),
            (1e15, "1000000000000000"),
        ];
        for (value, expected) in cases {
            assert_eq!(fmt_number(value), expected, "{value}");
        }
        assert_eq!(fmt_signed(20.0), "+20");
        assert_eq!(fmt_signed(-5.0), "-5");
        assert_eq!(fmt_signed(0.0), "0");
        assert_eq!(fmt_signed(-0.001), "0");
        assert_eq!(fmt_signed(0.004), "0");
    }
}
