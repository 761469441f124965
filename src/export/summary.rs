//! The one-page summary a sales rep reads in two minutes: the model in plain language (when a
//! lead becomes an MQL, every rule with its points and why, the overrides, the bands and grades),
//! the counts on the sample leads, the sign-offs and the decisions. One self-contained HTML page,
//! made to print on one or two A4 pages; every text from the model is escaped.

use crate::model::{
    Band, Condition, Counting, Criterion, EngagementRule, Model, ModelStatus, OverrideAction,
    fmt_number, fmt_signed,
};
use crate::scoring::Status;

/// The model's numbers on a set of leads, for the summary's "on the sample" part.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleCounts {
    /// What the leads are, e.g. `leads.csv, as of 2026-11-01`.
    pub label: String,
    pub leads: usize,
    /// Leads per status, by [`Status::index`].
    pub counts: [usize; 5],
    /// MQLs that reached SQL, of the MQLs with an outcome, when there are outcomes.
    pub mql_to_sql: Option<(usize, usize)>,
}

fn push_line(out: &mut String, text: String) {
    out.push_str(&text);
    out.push('\n');
}

fn push_text(out: &mut String, text: String) {
    out.push_str(&text);
}

impl SampleCounts {
    /// The counts of `scores` on `leads`.
    pub fn of(
        label: String,
        leads: &crate::leads::LeadSet,
        scores: &[crate::scoring::LeadScore],
    ) -> SampleCounts {
        let counts = crate::scoring::status_counts(scores);
        let (mut sql, mut with_outcome) = (0, 0);
        for (score, outcome) in scores.iter().zip(&leads.outcomes) {
            if let (true, Some(outcome)) = (score.status.is_mql(), outcome) {
                with_outcome += 1;
                sql += usize::from(outcome.reached_sql);
            }
        }
        SampleCounts {
            label,
            leads: scores.len(),
            counts,
            mql_to_sql: leads.has_outcomes().then_some((sql, with_outcome)),
        }
    }
}

/// Escapes text for HTML (element content and attribute values).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.1em}h2{font-size:1.15em;margin:1.3em 0 .4em;border-bottom:1px solid #bbb}
.rule{font-size:1.25em;background:#eef5ee;border-left:5px solid #1d6b35;padding:.5em .8em}
table{border-collapse:collapse;width:100%;font-size:.92em}td,th{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
td.points{white-space:nowrap;font-weight:600;text-align:right;width:5em}.why{color:#444}.muted{color:#555;font-size:.9em}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}";

/// The summary page of `model`, with its numbers on a sample when given.
pub fn summary_html(model: &Model, sample: Option<&SampleCounts>) -> String {
    let mut page = String::new();
    let name = escape_html(&model.name);
    push_text(
        &mut page,
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{name}: when a lead becomes an MQL</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<h1>{name}</h1>\n"
        ),
    );
    push_line(
        &mut page,
        format!(
            "<p class=\"muted\">{}</p>",
            escape_html(&status_line(model))
        ),
    );
    if !model.description.trim().is_empty() {
        push_line(
            &mut page,
            format!("<p>{}</p>", escape_html(&model.description)),
        );
    }
    page.push_str(&when_mql(model));
    page.push_str(&overrides_part(model));
    page.push_str(&fit_part(model));
    page.push_str(&engagement_part(model));
    page.push_str(&grades_part(model));
    if let Some(sample) = sample {
        page.push_str(&sample_part(sample));
    }
    page.push_str(&decisions_part(model));
    push_line(
        &mut page,
        format!(
            "<p class=\"muted\">Written by mql-studio from the model file (format {}). Points and scores are shown with at most two decimals.</p>\n</body>\n</html>",
            escape_html(&model.format_version)
        ),
    );
    page
}

fn status_line(model: &Model) -> String {
    let status = match model.status {
        ModelStatus::Draft => "draft",
        ModelStatus::Proposed => "proposed",
        ModelStatus::Agreed => "agreed",
    };
    let signed: Vec<String> = model
        .sign_offs
        .iter()
        .map(|s| format!("{} ({}, {})", s.team.label(), s.person, s.date))
        .collect();
    if signed.is_empty() {
        format!("Status: {status}; not signed yet.")
    } else {
        format!("Status: {status}; signed by {}.", signed.join(" and "))
    }
}

fn when_mql(model: &Model) -> String {
    let c = &model.combine;
    let scale = fmt_number(c.scale);
    let mut gates = Vec::new();
    if let Some(min) = c.min_fit {
        gates.push(format!("its fit is at least {} points", fmt_number(min)));
    }
    if let Some(min) = c.min_engagement {
        gates.push(format!(
            "its engagement is at least {} points",
            fmt_number(min)
        ));
    }
    let gates = if gates.is_empty() {
        String::new()
    } else {
        format!(", and {}", gates.join(" and "))
    };
    let mut out = String::from("<h2>When a lead becomes an MQL</h2>\n");
    push_line(
        &mut out,
        format!(
            "<p class=\"rule\">A lead becomes an MQL when its score reaches <b>{}</b> of {scale}{}.</p>",
            fmt_number(c.mql_threshold),
            escape_html(&gates)
        ),
    );
    push_line(
        &mut out,
        format!(
            "<p>The score adds who the lead is and what the lead did. <b>Fit</b> points (who: role, company, industry…, at most {}) make {} % of the score; <b>engagement</b> points (what: visits, downloads, webinars…, at most {}) make {} %. A lead with full fit and full engagement scores {scale}.</p>",
            fmt_number(model.fit.max_points),
            fmt_number(c.fit_weight * 100.0),
            fmt_number(model.engagement.max_points),
            fmt_number(c.engagement_weight * 100.0),
        ),
    );
    if c.nurture_band > 0.0 {
        push_line(
            &mut out,
            format!(
                "<p>Leads scoring from {} up to {} are <b>nurture</b>: near-MQLs that marketing keeps warm; they are not handed to sales yet.</p>",
                fmt_number(c.mql_threshold - c.nurture_band),
                fmt_number(c.mql_threshold)
            ),
        );
    }
    out
}

fn overrides_part(model: &Model) -> String {
    let enabled: Vec<_> = model.overrides.iter().filter(|o| o.enabled).collect();
    if enabled.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Whatever the score</h2>\n<table>\n");
    for rule in enabled {
        let action = match rule.action {
            OverrideAction::FastTrack => "Always an MQL",
            OverrideAction::Disqualify => "Never an MQL",
        };
        let when: Vec<String> = rule
            .when
            .iter()
            .map(|c| criterion_words(model, c))
            .collect();
        push_line(
            &mut out,
            format!(
                "<tr><td><b>{action}</b></td><td>{}: when {}</td><td class=\"why\">{}</td></tr>",
                escape_html(&rule.label),
                escape_html(&when.join(" and ")),
                escape_html(&rule.rationale)
            ),
        );
    }
    out.push_str("</table>\n");
    out
}

fn fit_part(model: &Model) -> String {
    let rows = model
        .fit
        .rules
        .iter()
        .filter(|r| r.enabled)
        .map(|rule| RuleRow {
            points: rule.points,
            label: &rule.label,
            detail: format!(
                "when {}",
                condition_words(model, &rule.field, &rule.condition)
            ),
            rationale: &rule.rationale,
        });
    rules_part(
        format!(
            "Fit: who the lead is ({} % of the score, at most {} points)",
            fmt_number(model.combine.fit_weight * 100.0),
            fmt_number(model.fit.max_points)
        ),
        rows.collect(),
        model.fit.rules.len(),
    )
}

fn engagement_part(model: &Model) -> String {
    let rows = model
        .engagement
        .rules
        .iter()
        .filter(|r| r.enabled)
        .map(|rule| RuleRow {
            points: rule.points,
            label: &rule.label,
            detail: engagement_words(rule),
            rationale: &rule.rationale,
        });
    rules_part(
        format!(
            "Engagement: what the lead did ({} % of the score, at most {} points)",
            fmt_number(model.combine.engagement_weight * 100.0),
            fmt_number(model.engagement.max_points)
        ),
        rows.collect(),
        model.engagement.rules.len(),
    )
}

/// One rule in effect, as the summary lists it.
struct RuleRow<'a> {
    points: f64,
    label: &'a str,
    /// When it applies, in words.
    detail: String,
    rationale: &'a str,
}

/// A titled table of the rules in effect, and how many of `all` are switched off.
fn rules_part(title: String, rows: Vec<RuleRow<'_>>, all: usize) -> String {
    let mut out = format!("<h2>{}</h2>\n<table>\n", escape_html(&title));
    for row in &rows {
        push_line(
            &mut out,
            format!(
                "<tr><td class=\"points\">{}</td><td>{}<br><span class=\"muted\">{}</span></td><td class=\"why\">{}</td></tr>",
                fmt_signed(row.points),
                escape_html(row.label),
                escape_html(&row.detail),
                escape_html(row.rationale)
            ),
        );
    }
    out.push_str("</table>\n");
    out.push_str(&switched_off(all - rows.len()));
    out
}

fn switched_off(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => "<p class=\"muted\">One more rule is switched off and not listed.</p>\n".to_owned(),
        n => format!("<p class=\"muted\">{n} more rules are switched off and not listed.</p>\n"),
    }
}

/// How an engagement rule counts, in words: `each time Pricing page visit, in the last 30
/// days, at most 24 points`.
pub fn engagement_words(rule: &EngagementRule) -> String {
    let activity = activity_words(&rule.activity);
    let counting = match rule.counting {
        Counting::PerOccurrence => format!("each {activity}"),
        Counting::Once => format!("once, for any {activity}"),
        Counting::AtLeast(n) => format!("once {activity} reaches {n}"),
    };
    let mut parts = vec![counting];
    if let Some(days) = rule.window_days {
        parts.push(format!("in the last {days} days"));
    }
    if let Some(half_life) = rule.half_life_days {
        parts.push(format!(
            "counting half as much every {} days",
            fmt_number(half_life)
        ));
    }
    if let Some(cap) = rule.cap {
        parts.push(format!("at most {} points", fmt_number(cap)));
    }
    parts.join(", ")
}

/// An activity name as words: `pricing_page_view` → `pricing page view`.
fn activity_words(activity: &str) -> String {
    activity.replace(['_', '-'], " ")
}

/// A field as people know it: its first alias (a CRM header) when it has one.
fn field_name(model: &Model, field: &str) -> String {
    model
        .fields
        .iter()
        .find(|f| f.name == field)
        .and_then(|f| f.aliases.first())
        .cloned()
        .unwrap_or_else(|| field.to_owned())
}

fn condition_words(model: &Model, field: &str, condition: &Condition) -> String {
    let name = field_name(model, field);
    match condition {
        Condition::Equals(v) => format!("{name} is {v}"),
        Condition::OneOf(vs) => format!("{name} is one of {}", vs.join(", ")),
        Condition::NotOneOf(vs) => format!("{name} is none of {}", vs.join(", ")),
        Condition::AtLeast(v) => format!("{name} is at least {}", fmt_number(*v)),
        Condition::AtMost(v) => format!("{name} is at most {}", fmt_number(*v)),
        Condition::Between { min, max } => format!(
            "{name} is from {} to {}",
            fmt_number(*min),
            fmt_number(*max)
        ),
        Condition::ContainsAny(vs) => format!("{name} contains {}", vs.join(" or ")),
        Condition::IsTrue => format!("{name} is yes"),
        Condition::IsFalse => format!("{name} is no"),
        Condition::IsMissing => format!("{name} is not known"),
    }
}

fn criterion_words(model: &Model, criterion: &Criterion) -> String {
    match criterion {
        Criterion::Field { field, condition } => condition_words(model, field, condition),
        Criterion::Activity {
            activity,
            at_least,
            window_days,
            ..
        } => {
            let times = if *at_least == 1 {
                "once".to_owned()
            } else {
                format!("{at_least} times")
            };
            let activity = activity_words(activity);
            match window_days {
                Some(days) => format!("{activity} at least {times} in the last {days} days"),
                None => format!("{activity} at least {times}"),
            }
        }
    }
}

fn grades_part(model: &Model) -> String {
    let bands = |bands: &[Band]| -> String {
        bands
            .iter()
            .map(|b| format!("{} from {}", b.label, fmt_number(b.min_points)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if model.fit_grades.is_empty() && model.engagement_levels.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Grades</h2>\n<p>");
    push_text(
        &mut out,
        format!(
            "A lead's grade is its fit grade and its engagement level together: {}",
            match (model.fit_grades.first(), model.engagement_levels.first()) {
                (Some(grade), Some(level)) => format!(
                    "<b>{}{}</b> is the best. ",
                    escape_html(&grade.label),
                    escape_html(&level.label)
                ),
                _ => String::new(),
            }
        ),
    );
    if !model.fit_grades.is_empty() {
        push_text(
            &mut out,
            format!(
                "Fit grade (fit points): {}. ",
                escape_html(&bands(&model.fit_grades))
            ),
        );
    }
    if !model.engagement_levels.is_empty() {
        push_text(
            &mut out,
            format!(
                "Engagement level (engagement points): {}.",
                escape_html(&bands(&model.engagement_levels))
            ),
        );
    }
    out.push_str("</p>\n");
    out
}

fn sample_part(sample: &SampleCounts) -> String {
    let mut out = format!(
        "<h2>On the sample leads</h2>\n<p>{} leads ({}):</p>\n<table>\n",
        sample.leads,
        escape_html(&sample.label)
    );
    for status in Status::ALL {
        let count = sample.counts[status.index()];
        let share = if sample.leads > 0 {
            format!(
                "{} %",
                fmt_number(count as f64 / sample.leads as f64 * 100.0)
            )
        } else {
            String::new()
        };
        push_line(
            &mut out,
            format!(
                "<tr><td>{}</td><td class=\"points\">{count}</td><td>{share}</td></tr>",
                status.label()
            ),
        );
    }
    out.push_str("</table>\n");
    if let Some((sql, with_outcome)) = sample.mql_to_sql
        && with_outcome > 0
    {
        push_line(
            &mut out,
            format!(
                "<p>Of the MQLs with a known outcome, {sql} of {with_outcome} ({} %) reached SQL.</p>",
                fmt_number(sql as f64 / with_outcome as f64 * 100.0)
            ),
        );
    }
    out
}

fn decisions_part(model: &Model) -> String {
    if model.changelog.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Decisions</h2>\n<table>\n");
    for entry in &model.changelog {
        push_line(
            &mut out,
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(&entry.date),
                entry.team.map_or("", |t| t.label()),
                escape_html(&entry.summary)
            ),
        );
    }
    out.push_str("</table>\n");
    out
}
