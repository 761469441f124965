//! What a leads file holds, seen through a model: for every column the field it feeds (and how
//! it was matched), its type, its values and its placeholders for "unknown"; the fields and
//! activities the model reads that the file lacks, with a suggested column where one looks
//! right; the rules that therefore never fire; and the id and outcome columns, found or
//! candidate. The CLI's `inspect` prints it; the app's import check shows it.
//!
//! Suggestions are never applied behind the user's back: a mapping is chosen (a `--map` flag,
//! or a header added to the field's aliases in the model) and the file read again.

pub mod crm;
mod values;

use crate::leads::{Column, ColumnData, LeadSet, is_outcome_or_verdict_header, normalize_name};
use crate::model::{Criterion, FieldKind, Model};
use crate::scoring::{Evaluation, MissingValues};
use crate::validate::Problem;

pub use crm::Crm;
pub use values::ValueSummary;
use values::summarize;

/// What a column is for.
#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    /// The lead id.
    Id,
    /// A field the model declares or a rule reads, matched as `matched` says.
    Field { field: String, matched: Matched },
    /// The count column of an activity (read when there is no event log).
    CountColumn { activity: String },
    /// An outcome, a sales verdict or who recorded it (read for calibration, never by a rule).
    Outcome,
    /// Nothing in the model reads it, but it looks like something that is missing.
    Suggested(Target),
    /// Nothing in the model reads it.
    Unused,
}

/// How a column was matched to a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matched {
    /// Its header is the field's name (ignoring case, spaces and punctuation).
    Name,
    /// Its header is one of the field's aliases.
    Alias,
    /// A mapping the user gave (`--map HEADER=FIELD`) renamed it to the field.
    Mapping,
}

impl Matched {
    pub fn label(self) -> &'static str {
        match self {
            Matched::Name => "by name",
            Matched::Alias => "by alias",
            Matched::Mapping => "by your mapping",
        }
    }
}

/// One column of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnReport {
    /// The header as in the file (before any mapping renamed it).
    pub header: String,
    pub kind: FieldKind,
    pub role: Role,
    pub values: ValueSummary,
    /// Values on the model's `missing_values` list and how many leads have each, most frequent
    /// first: rules read these cells as missing.
    pub missing_values: Vec<(String, usize)>,
    /// Values that look like "unknown" ("TBD", "--None--", "?") but are not on the model's
    /// list, and how many leads have each: rules read them as values.
    pub placeholders: Vec<(String, usize)>,
}

/// What a suggested mapping would make of a column.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A field the model reads.
    Field(String),
    /// The count column of an activity (`column`, the header the model looks for).
    CountColumn { activity: String, column: String },
    /// An outcome column the reader knows (`Outcome`, `Reached SQL`, `Won`, …).
    Outcome(&'static str),
    /// The lead id column.
    Id,
}

impl Target {
    /// The name to map the header to (`--map "HEADER=NAME"`).
    pub fn map_name(&self) -> &str {
        match self {
            Target::Field(field) => field,
            Target::CountColumn { column, .. } => column,
            Target::Outcome(name) => name,
            Target::Id => "Lead ID",
        }
    }
}

/// A column that looks like something the model or the reader needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub header: String,
    pub target: Target,
    /// Why, in words: "HubSpot's header for it", "its header contains `demo request`".
    pub why: String,
}

impl Suggestion {
    /// The CLI flag that applies it.
    pub fn map_flag(&self) -> String {
        format!(
            "--map \"{}={}\"",
            self.header.replace('"', "\\\""),
            self.target.map_name()
        )
    }
}

/// Everything `inspect` finds.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    pub leads: usize,
    pub crm: Option<Crm>,
    pub columns: Vec<ColumnReport>,
    /// Fields a rule reads that no column feeds (a suggestion may exist for them).
    pub missing_fields: Vec<String>,
    /// Activities a rule counts that neither the event log nor a count column has.
    pub missing_activities: Vec<String>,
    pub suggestions: Vec<Suggestion>,
    /// Values to add to the model's `missing_values`: placeholders in the columns the model
    /// reads, in at least [`SUGGEST_MISSING_MIN_LEADS`] leads, with their count over those
    /// columns, most frequent first (each once, as first written).
    pub suggested_missing_values: Vec<(String, usize)>,
    /// Enabled rules and overrides that fire for no lead of this file, and why.
    pub never_fire: Vec<Problem>,
    pub has_outcomes: bool,
}

/// Inspects `leads` (read with `renames`, the `--map` pairs, applied) through `model`.
pub fn inspect(
    model: &Model,
    leads: &LeadSet,
    renames: &[(String, String)],
    as_of: i32,
) -> Inspection {
    let used = used_fields(model);
    let missing = MissingValues::of(model);
    let mut columns: Vec<ColumnReport> = leads
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let (missing_values, placeholders) = placeholders(column, &missing);
            ColumnReport {
                header: original_header(&column.name, renames),
                kind: column.kind(),
                role: role_of(model, leads, index, column, renames),
                values: summarize(column),
                missing_values,
                placeholders,
            }
        })
        .collect();
    let suggested_missing_values = suggest_missing_values(&columns);
    let missing_fields: Vec<String> = used
        .iter()
        .filter(|field| leads.column_for(field, &model.fields).is_none())
        .cloned()
        .collect();
    let missing_activities: Vec<(String, String)> = if leads.events.is_some() {
        Vec::new()
    } else {
        counted_activities(model)
            .into_iter()
            .filter(|(_, column)| leads.column_by_name(column).is_none())
            .collect()
    };
    let mut suggestions = Vec::new();
    for field in &missing_fields {
        if let Some(s) = suggest_field(model, field, &columns) {
            mark_suggested(&mut columns, &s);
            suggestions.push(s);
        }
    }
    for (activity, column) in &missing_activities {
        if let Some(s) = suggest_count_column(activity, column, &columns) {
            mark_suggested(&mut columns, &s);
            suggestions.push(s);
        }
    }
    if leads.id_column.is_none()
        && let Some(s) = suggest_id(leads, &columns)
    {
        mark_suggested(&mut columns, &s);
        suggestions.push(s);
    }
    if !leads.has_outcomes() {
        for s in suggest_outcomes(leads, &columns) {
            mark_suggested(&mut columns, &s);
            suggestions.push(s);
        }
    }
    let evaluation = Evaluation::new(model, leads, as_of);
    let never_fire = crate::scoring::never_firing_problems(model, leads, &evaluation);
    Inspection {
        leads: leads.len(),
        crm: crm::recognise(&columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>()),
        columns,
        missing_fields,
        missing_activities: missing_activities.into_iter().map(|(a, _)| a).collect(),
        suggestions,
        suggested_missing_values,
        never_fire,
        has_outcomes: leads.has_outcomes(),
    }
}

/// A placeholder is suggested for the model's list from this many leads on (one odd cell is
/// not worth a setting).
pub const SUGGEST_MISSING_MIN_LEADS: usize = 2;

/// The placeholders of the columns that feed a field, summed over those columns (values that
/// fold alike count together), most frequent first.
fn suggest_missing_values(columns: &[ColumnReport]) -> Vec<(String, usize)> {
    let mut totals: Vec<(String, String, usize)> = Vec::new();
    for column in columns {
        if !matches!(column.role, Role::Field { .. }) {
            continue;
        }
        for (value, count) in &column.placeholders {
            let key = value.trim().to_lowercase();
            match totals.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, total)) => *total += count,
                None => totals.push((key, value.trim().to_owned(), *count)),
            }
        }
    }
    let mut out: Vec<(String, usize)> = totals
        .into_iter()
        .filter(|(_, _, count)| *count >= SUGGEST_MISSING_MIN_LEADS)
        .map(|(_, value, count)| (value, count))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The fields the model declares or an enabled rule or override reads, in model order.
fn used_fields(model: &Model) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut add = |field: &str| {
        if !fields.iter().any(|f| f == field) {
            fields.push(field.to_owned());
        }
    };
    for rule in model.fit.rules.iter().filter(|r| r.enabled) {
        add(&rule.field);
    }
    for rule in model.overrides.iter().filter(|r| r.enabled) {
        for criterion in &rule.when {
            if let Criterion::Field { field, .. } = criterion {
                add(field);
            }
        }
    }
    fields
}

/// The activities enabled rules and overrides count, with the count column each reads when there
/// is no event log, in model order.
fn counted_activities(model: &Model) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |activity: &str, column: &str| {
        if !out.iter().any(|(a, c)| a == activity && c == column) {
            out.push((activity.to_owned(), column.to_owned()));
        }
    };
    for rule in model.engagement.rules.iter().filter(|r| r.enabled) {
        add(&rule.activity, rule.count_column_name());
    }
    for rule in model.overrides.iter().filter(|r| r.enabled) {
        for criterion in &rule.when {
            if let Criterion::Activity {
                activity,
                count_column,
                ..
            } = criterion
            {
                add(activity, count_column.as_deref().unwrap_or(activity));
            }
        }
    }
    out
}

/// The header a column had in the file, before a mapping renamed it to a field.
fn original_header(name: &str, renames: &[(String, String)]) -> String {
    renames
        .iter()
        .find(|(_, field)| field == name)
        .map_or_else(|| name.to_owned(), |(header, _)| header.clone())
}

fn role_of(
    model: &Model,
    leads: &LeadSet,
    index: usize,
    column: &Column,
    renames: &[(String, String)],
) -> Role {
    if leads.id_column == Some(index) {
        return Role::Id;
    }
    if is_outcome_or_verdict_header(&column.name) {
        return Role::Outcome;
    }
    let declared = model.fields.iter().map(|f| f.name.as_str());
    let mut fields: Vec<String> = declared.map(str::to_owned).collect();
    fields.extend(used_fields(model));
    for field in fields {
        if leads.column_for(&field, &model.fields) == Some(index) {
            let matched = if renames.iter().any(|(_, to)| *to == column.name) {
                Matched::Mapping
            } else if normalize_name(&column.name) == normalize_name(&field) {
                Matched::Name
            } else {
                Matched::Alias
            };
            return Role::Field { field, matched };
        }
    }
    if leads.events.is_none() {
        let key = normalize_name(&column.name);
        for (activity, count_column) in counted_activities(model) {
            if normalize_name(&count_column) == key {
                return Role::CountColumn { activity };
            }
        }
    }
    Role::Unused
}

/// Values with how many leads have each.
type Counted = Vec<(String, usize)>;

/// The values of a text column on the model's missing list, and the other values that look
/// like placeholders, each with its count, most frequent first. One look per distinct value.
fn placeholders(column: &Column, missing: &MissingValues) -> (Counted, Counted) {
    let ColumnData::Text { dict, codes } = &column.data else {
        return (Vec::new(), Vec::new());
    };
    #[derive(Clone, Copy, PartialEq)]
    enum Flag {
        Value,
        Listed,
        Looks,
    }
    let flags: Vec<Flag> = dict
        .iter()
        .map(|v| {
            if missing.contains(v) {
                Flag::Listed
            } else if crm::is_placeholder(v) {
                Flag::Looks
            } else {
                Flag::Value
            }
        })
        .collect();
    if flags.iter().all(|&f| f == Flag::Value) {
        return (Vec::new(), Vec::new());
    }
    let mut counts = vec![0usize; dict.len()];
    for &code in codes {
        if let Some(count) = counts.get_mut(code as usize) {
            *count += 1;
        }
    }
    let of = |wanted: Flag| {
        let mut out: Vec<(String, usize)> = dict
            .iter()
            .zip(&flags)
            .zip(&counts)
            .filter(|((_, flag), count)| **flag == wanted && **count > 0)
            .map(|((value, _), count)| (value.clone(), *count))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    };
    (of(Flag::Listed), of(Flag::Looks))
}

/// Whether a column's type can feed a field of `kind`.
fn fits_kind(kind: Option<FieldKind>, column: &ColumnReport) -> bool {
    match kind {
        None | Some(FieldKind::Text) => true,
        Some(FieldKind::Bool) => column.kind == FieldKind::Bool || column.values.is_zero_one(),
        Some(kind) => column.kind == kind,
    }
}

/// Whether `a` contains `b` or `b` contains `a`, for names long enough to mean something.
fn overlaps(a: &str, b: &str) -> bool {
    a.len() >= 4 && b.len() >= 4 && (a.contains(b) || b.contains(a))
}

fn unused(columns: &[ColumnReport]) -> impl Iterator<Item = &ColumnReport> {
    columns.iter().filter(|c| c.role == Role::Unused)
}

/// A column for a field no column feeds: a header CRM exports use for it, else a header that
/// contains the field's name or an alias (or is contained in one).
fn suggest_field(model: &Model, field: &str, columns: &[ColumnReport]) -> Option<Suggestion> {
    let spec = model.fields.iter().find(|f| f.name == field);
    let kind = spec.map(|s| s.kind);
    let mut names = vec![normalize_name(field)];
    names.extend(
        spec.iter()
            .flat_map(|s| s.aliases.iter().map(|a| normalize_name(a))),
    );
    let known: Vec<&str> = names
        .iter()
        .flat_map(|n| crm::field_headers(n).iter().copied())
        .collect();
    let candidates: Vec<&ColumnReport> = unused(columns).filter(|c| fits_kind(kind, c)).collect();
    let suggestion = |column: &ColumnReport, why: String| Suggestion {
        header: column.header.clone(),
        target: Target::Field(field.to_owned()),
        why,
    };
    if let Some(column) = candidates
        .iter()
        .find(|c| known.contains(&normalize_name(&c.header).as_str()))
    {
        return Some(suggestion(
            column,
            "a CRM export's usual header for it".to_owned(),
        ));
    }
    candidates.iter().find_map(|column| {
        let header = normalize_name(&column.header);
        names
            .iter()
            .find(|name| overlaps(&header, name))
            .map(|name| suggestion(column, format!("its header and `{name}` overlap")))
    })
}

/// A count column for an activity: a number or yes/no column whose header and the activity's
/// name or count column overlap ("Demo requested" for `demo_request`).
fn suggest_count_column(
    activity: &str,
    count_column: &str,
    columns: &[ColumnReport],
) -> Option<Suggestion> {
    let names = [normalize_name(activity), normalize_name(count_column)];
    unused(columns)
        .filter(|c| matches!(c.kind, FieldKind::Number | FieldKind::Bool))
        .find_map(|c| {
            let header = normalize_name(&c.header);
            let name = names.iter().find(|name| overlaps(&header, name))?;
            Some(Suggestion {
                header: c.header.clone(),
                target: Target::CountColumn {
                    activity: activity.to_owned(),
                    column: count_column.to_owned(),
                },
                why: format!("a number or yes/no column whose header and `{name}` overlap"),
            })
        })
}

/// An id column the reader did not take: a CRM's id header with a distinct value per lead.
fn suggest_id(leads: &LeadSet, columns: &[ColumnReport]) -> Option<Suggestion> {
    unused(columns)
        .find(|c| {
            let key = normalize_name(&c.header);
            (crm::ID_HEADERS.contains(&key.as_str()) || key.ends_with("id"))
                && c.values.distinct == leads.len()
                && c.values.missing == 0
        })
        .map(|column| Suggestion {
            header: column.header.clone(),
            target: Target::Id,
            why: "an id header with a different value for every lead".to_owned(),
        })
}

/// Outcome columns the reader did not take: a funnel stage column whose values are stages, or
/// a yes/no (or 0/1) column whose header says converted, SQL or won.
fn suggest_outcomes(leads: &LeadSet, columns: &[ColumnReport]) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (column, report) in leads.columns.iter().zip(columns) {
        if report.role != Role::Unused {
            continue;
        }
        let key = normalize_name(&report.header);
        if crm::STAGE_HEADERS.contains(&key.as_str()) && stages_share(column) >= 0.5 {
            out.push(Suggestion {
                header: report.header.clone(),
                target: Target::Outcome("Outcome"),
                why: "a funnel stage column (lead, MQL, SQL, opportunity, customer…)".to_owned(),
            });
            continue;
        }
        let yes_no = report.kind == FieldKind::Bool || report.values.is_zero_one();
        if let Some((_, to)) = crm::FLAG_WORDS.iter().find(|(word, _)| key.contains(word))
            && yes_no
        {
            out.push(Suggestion {
                header: report.header.clone(),
                target: Target::Outcome(to),
                why: format!("a yes/no column: map it to `{to}`, not to `Outcome` (a stage)"),
            });
        }
    }
    out
}

/// The share of a text column's leads whose value is a funnel stage.
fn stages_share(column: &Column) -> f64 {
    let ColumnData::Text { dict, codes } = &column.data else {
        return 0.0;
    };
    let is_stage: Vec<bool> = dict
        .iter()
        .map(|v| crate::leads::parse_stage(v).is_some())
        .collect();
    let (mut stages, mut present) = (0usize, 0usize);
    for &code in codes {
        if let Some(&stage) = is_stage.get(code as usize) {
            present += 1;
            stages += usize::from(stage);
        }
    }
    if present == 0 {
        0.0
    } else {
        stages as f64 / present as f64
    }
}

fn mark_suggested(columns: &mut [ColumnReport], suggestion: &Suggestion) {
    // A column is offered for one thing only: a suggested column is no longer unused.
    if let Some(column) = columns
        .iter_mut()
        .find(|c| c.header == suggestion.header && c.role == Role::Unused)
    {
        column.role = Role::Suggested(suggestion.target.clone());
    }
}
