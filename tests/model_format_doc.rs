//! Checks `docs/model-format.md`: the worked example is scored with the library and every number
//! the page states is asserted (the expected values below were computed by hand, as on the page),
//! every `Condition`, `Counting` and `Criterion` variant the page lists parses, and the behaviour
//! the page describes (file syntax, default bands, whole-word matching, count columns, ids, row
//! numbers, outcome columns, known quirks) is what the library does.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use mql_studio::export::{scored_rows, write_scored_csv};
use mql_studio::format::{model_from_str, model_to_string};
use mql_studio::leads::{LeadSet, LoadOptions, RowError};
use mql_studio::model::{Band, Condition, Counting, Criterion, FieldKind, FieldSpec, Model};
use mql_studio::scoring::{Evaluation, LeadScore, Section, Status, explain, round2, score_all};
use mql_studio::validate::validate;

mod common;

use common::leads::{leads_with_fields, read_events, read_leads, row_error};
use common::scoring::{close, explain_agreeing};
use common::{day, default_model, model_error};

const DOC: &str = include_str!("../docs/model-format.md");

/// The level of a Markdown heading line (`## x` is 2), or `None` for other lines.
fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    (hashes > 0 && line[hashes..].starts_with(' ')).then_some(hashes)
}

/// The text after the line that is exactly `heading`, up to the next heading of the same or a
/// higher level (headings inside fenced blocks are not expected on this page).
fn section(heading: &str) -> &'static str {
    let level = heading_level(heading).expect("a Markdown heading");
    let mut start = None;
    let mut offset = 0;
    for line in DOC.split_inclusive('\n') {
        let text = line.trim_end();
        match start {
            None if text == heading => start = Some(offset + line.len()),
            Some(from) if heading_level(text).is_some_and(|l| l <= level) => {
                return &DOC[from..offset];
            }
            _ => {}
        }
        offset += line.len();
    }
    let from = start.unwrap_or_else(|| panic!("docs/model-format.md has no heading {heading:?}"));
    &DOC[from..]
}

/// The contents of the fenced blocks of a language (the first word of the info string).
fn fenced_blocks(text: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```")
                    && info.split_whitespace().next() == Some(language)
                {
                    current = Some(String::new());
                }
            }
            Some(block) => {
                if line.starts_with("```") {
                    blocks.push(std::mem::take(block));
                    current = None;
                } else {
                    block.push_str(line);
                    block.push('\n');
                }
            }
        }
    }
    blocks
}

/// The backquoted RON in the first cell of each table row of a section, e.g. `IsTrue`.
fn table_examples(heading: &str) -> Vec<String> {
    section(heading)
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` |").map(|(ron, _)| ron.to_owned()))
        .collect()
}

struct Example {
    model: Model,
    leads_csv: String,
    events_csv: String,
    expected_output: String,
}

fn example() -> Example {
    let text = section("## Worked example");
    let ron = fenced_blocks(text, "ron");
    let csv = fenced_blocks(text, "csv");
    assert!(!ron.is_empty(), "the worked example has no ```ron block");
    assert!(
        csv.len() >= 3,
        "the worked example needs leads, events and output ```csv blocks"
    );
    let model = model_from_str(&ron[0]).unwrap_or_else(|e| panic!("the example model: {e}"));
    Example {
        model,
        leads_csv: csv[0].clone(),
        events_csv: csv[1].clone(),
        expected_output: csv[2].clone(),
    }
}

fn load(example: &Example, with_events: bool) -> LeadSet {
    let options = LoadOptions {
        fields: example.model.fields.clone(),
        ..LoadOptions::default()
    };
    let (mut leads, report) = read_leads(&example.leads_csv, &options).unwrap();
    assert!(
        report.skipped.is_empty() && report.warnings.is_empty(),
        "{report:?}"
    );
    assert_eq!(leads.ids, ["L1", "L2", "L3", "L4"]);
    if with_events {
        let report = read_events(&mut leads, &example.events_csv, false).unwrap();
        assert_eq!(report.rows_read, 22, "every event but L9's is read");
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(
            report.warnings[0].contains("(the first: `L9` on row 24)"),
            "{:?}",
            report.warnings
        );
    }
    leads
}

/// What the page states for one lead.
struct Expected {
    id: &'static str,
    fit_raw: f64,
    engagement_raw: f64,
    fit: f64,
    engagement: f64,
    score: f64,
    status: Status,
    grade: &'static str,
}

/// Checks one lead against the page, on both paths: `scores` are the fast path's.
fn check_lead(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    scores: &[LeadScore],
    e: &Expected,
) {
    let row = leads.row_of(e.id).unwrap();
    let score = &scores[row];
    // The sub-scores are rounded (§4.5), so they are exactly the numbers the page writes.
    assert_eq!(score.fit, e.fit, "{}: fit", e.id);
    assert_eq!(score.engagement, e.engagement, "{}: engagement", e.id);
    assert_eq!(round2(score.fit), score.fit, "{}: fit is rounded", e.id);
    assert_eq!(
        round2(score.engagement),
        score.engagement,
        "{}: engagement is rounded",
        e.id
    );
    assert_eq!(score.score, e.score, "{}: score", e.id);
    assert_eq!(score.status, e.status, "{}: status", e.id);
    assert_eq!(score.grade(model), e.grade, "{}: grade", e.id);
    // The rule-by-rule path gives the same numbers, and the raw sums the page states.
    let explanation = explain_agreeing(model, leads, evaluation, scores, row);
    assert!(
        close(explanation.fit_raw, e.fit_raw),
        "{}: fit_raw {} != {}",
        e.id,
        explanation.fit_raw,
        e.fit_raw
    );
    assert!(
        close(explanation.engagement_raw, e.engagement_raw),
        "{}: engagement_raw {} != {}",
        e.id,
        explanation.engagement_raw,
        e.engagement_raw
    );
    assert_eq!(explanation.grade, e.grade);
}

fn rule_points(model: &Model, leads: &LeadSet, id: &str, as_of: i32) -> Vec<(String, f64)> {
    let row = leads.row_of(id).unwrap();
    explain(model, leads, row, as_of)
        .rules
        .into_iter()
        .filter(|r| r.enabled && r.fired)
        .map(|r| (r.id, r.points))
        .collect()
}

#[test]
fn worked_example_model_is_valid_and_as_documented() {
    let example = example();
    let model = &example.model;
    assert_eq!(
        validate(model),
        Vec::new(),
        "the example model has problems"
    );
    assert_eq!(model.fit.rules.len(), 6);
    assert_eq!(model.engagement.rules.len(), 5);
    assert_eq!(model.overrides.len(), 2);
    // The defaults the page names.
    let marketing = &model.fit.rules[5];
    assert_eq!(marketing.id, "fit-marketing");
    assert!(!marketing.enabled);
    assert!(
        model.fit.rules[..5]
            .iter()
            .all(|r| r.enabled && r.label.is_empty())
    );
    assert_eq!(model.engagement.rules[0].counting, Counting::PerOccurrence);
    assert_eq!(model.engagement.rules[1].cap, None);
    assert_eq!(model.engagement.rules[3].window_days, None);
    assert_eq!(model.engagement.rules[0].half_life_days, None);
    assert_eq!(model.combine.min_engagement, None);
    assert_eq!(model.combine.min_fit, Some(25.0));
}

#[test]
fn worked_example_with_event_log() {
    let example = example();
    let model = &example.model;
    let leads = load(&example, true);

    // The days the page states.
    assert_eq!(day("2026-01-01"), 20454);
    assert_eq!(day("2026-03-31"), 20543);
    assert_eq!(day("2026-03-30T23:30:00-02:00"), day("2026-03-31"));
    assert_eq!(leads.default_as_of(), day("2026-04-02"));
    let as_of = day("2026-03-31");

    // The decay weights the page states.
    // 0.7071067811865476 on the page: the double nearest to 1/√2.
    assert_eq!(0.5f64.powf(15.0 / 30.0), std::f64::consts::FRAC_1_SQRT_2);
    assert_eq!(
        format!("{}", std::f64::consts::FRAC_1_SQRT_2),
        "0.7071067811865476"
    );
    assert_eq!(10.0 * std::f64::consts::FRAC_1_SQRT_2, 7.0710678118654755);
    assert_eq!(0.5f64.powf(45.0 / 30.0), 0.3535533905932738);

    let evaluation = Evaluation::new(model, &leads, as_of);
    let scores = score_all(model, &evaluation);
    assert_eq!(scores.len(), 4);

    let l1_engagement = 16.0 + 7.0710678118654755;
    let l4_engagement = 10.0 * 0.3535533905932738;
    assert_eq!(l4_engagement, 3.5355339059327378);
    let expected = [
        Expected {
            id: "L1",
            fit_raw: 60.0,
            engagement_raw: l1_engagement,
            fit: 50.0,
            engagement: 23.07,
            score: 83.07,
            status: Status::Mql,
            grade: "A2",
        },
        Expected {
            id: "L2",
            fit_raw: 20.0,
            engagement_raw: 47.0,
            fit: 20.0,
            engagement: 40.0,
            score: 64.0,
            status: Status::Nurture,
            grade: "C1",
        },
        Expected {
            id: "L3",
            fit_raw: 45.0,
            engagement_raw: -2.0,
            fit: 45.0,
            engagement: 0.0,
            score: 54.0,
            status: Status::Disqualified,
            grade: "A4",
        },
        Expected {
            id: "L4",
            fit_raw: 0.0,
            engagement_raw: l4_engagement,
            fit: 0.0,
            engagement: 3.54,
            score: 3.54,
            status: Status::FastTracked,
            grade: "D4",
        },
    ];
    for e in &expected {
        check_lead(model, &leads, &evaluation, &scores, e);
    }

    // The rounded sub-scores and the totals before rounding that the page states.
    assert_eq!(l1_engagement, 23.071067811865476);
    assert_eq!(round2(l1_engagement), 23.07);
    assert_eq!(round2(50.0), 50.0);
    assert_eq!(23.07 / 40.0, 0.57675);
    assert_eq!(0.4 * (23.07 / 40.0), 0.23070000000000002);
    assert_eq!(0.6 * (50.0 / 50.0) + 0.4 * (23.07 / 40.0), 0.8307);
    assert_eq!((0.6 * (50.0 / 50.0) + 0.4 * (23.07 / 40.0)) * 100.0, 83.07);
    assert_eq!(round2(83.07), 83.07);
    assert_eq!(round2(l4_engagement), 3.54);
    assert_eq!(3.54 / 40.0, 0.0885);
    assert_eq!(0.6 * (0.0 / 50.0) + 0.4 * (3.54 / 40.0), 0.0354);
    assert_eq!((0.6 * (0.0 / 50.0) + 0.4 * (3.54 / 40.0)) * 100.0, 3.54);
    assert_eq!(round2(3.54), 3.54);
    // Count-column mode, L3: the total before rounding.
    assert_eq!(
        (0.6 * (45.0 / 50.0) + 0.4 * (8.0 / 40.0)) * 100.0,
        62.000000000000014
    );

    // Rule by rule, as the page computes them.
    let points = |id| rule_points(model, &leads, id, as_of);
    let owned = |pairs: &[(&str, f64)]| -> Vec<(String, f64)> {
        pairs.iter().map(|(id, p)| ((*id).to_owned(), *p)).collect()
    };
    assert_eq!(
        points("L1"),
        owned(&[
            ("fit-senior", 25.0),
            ("fit-industry", 15.0),
            ("fit-size", 20.0),
            ("eng-pricing", 16.0),
            ("eng-webinar", 7.0710678118654755),
        ])
    );
    assert_eq!(
        points("L2"),
        owned(&[
            ("fit-senior", 25.0),
            ("fit-industry", 15.0),
            ("fit-free-mail", -15.0),
            ("fit-no-size", -5.0),
            ("eng-pricing", 20.0),
            ("eng-whitepaper", 12.0),
            ("eng-trial", 15.0),
        ])
    );
    assert_eq!(
        points("L3"),
        owned(&[
            ("fit-senior", 25.0),
            ("fit-size", 20.0),
            ("eng-pricing", 8.0),
            ("eng-unsubscribe", -10.0),
        ])
    );
    assert_eq!(points("L4"), owned(&[("eng-webinar", 3.5355339059327378)]));

    // The disabled rule's condition holds for L1 and L4 but adds nothing.
    for id in ["L1", "L4"] {
        let row = leads.row_of(id).unwrap();
        let explanation = explain(model, &leads, row, as_of);
        let marketing = explanation
            .rules
            .iter()
            .find(|r| r.id == "fit-marketing")
            .unwrap();
        assert!(!marketing.enabled && marketing.fired && marketing.section == Section::Fit);
    }

    // The effective counts (L1: pricing 2, whitepaper 1; L2: pricing 5, trial 2).
    let count = |rule: usize, lead: &str| {
        evaluation.engagement_counts[rule].get(leads.row_of(lead).unwrap())
    };
    assert_eq!(count(0, "L1"), 2.0);
    assert_eq!(count(2, "L1"), 1.0);
    assert_eq!(count(0, "L2"), 5.0);
    assert_eq!(count(2, "L2"), 3.0);
    assert_eq!(count(3, "L2"), 2.0);

    // Gates: L2 reaches the threshold but fails the fit gate.
    let l2 = explain(model, &leads, leads.row_of("L2").unwrap(), as_of);
    assert_eq!(l2.gates.len(), 1);
    assert!(!l2.gates[0].passed && l2.gates[0].actual == 20.0 && l2.gates[0].required == 25.0);
    assert_eq!(l2.distance_to_threshold, 4.0);

    // The scored output block.
    let rows = scored_rows(model, &leads, &evaluation, &scores);
    let mut csv = Vec::new();
    write_scored_csv(&mut csv, &rows).unwrap();
    assert_eq!(String::from_utf8(csv).unwrap(), example.expected_output);
}

#[test]
fn worked_example_with_count_columns() {
    let example = example();
    let model = &example.model;
    let leads = load(&example, false);
    assert!(leads.events.is_none());
    // Count columns carry no dates: the as-of date changes nothing.
    for as_of in [day("2026-03-31"), day("2030-01-01")] {
        let evaluation = Evaluation::new(model, &leads, as_of);
        let scores = score_all(model, &evaluation);
        let expected = [
            Expected {
                id: "L1",
                fit_raw: 60.0,
                engagement_raw: 30.0,
                fit: 50.0,
                engagement: 30.0,
                score: 90.0,
                status: Status::Mql,
                grade: "A1",
            },
            Expected {
                id: "L2",
                fit_raw: 20.0,
                engagement_raw: 20.0,
                fit: 20.0,
                engagement: 20.0,
                score: 44.0,
                status: Status::Lead,
                grade: "C2",
            },
            Expected {
                id: "L3",
                fit_raw: 45.0,
                engagement_raw: 8.0,
                fit: 45.0,
                engagement: 8.0,
                score: 62.0,
                status: Status::Disqualified,
                grade: "A4",
            },
            Expected {
                id: "L4",
                fit_raw: 0.0,
                engagement_raw: 20.0,
                fit: 0.0,
                engagement: 20.0,
                score: 20.0,
                status: Status::Lead,
                grade: "D2",
            },
        ];
        for e in &expected {
            check_lead(model, &leads, &evaluation, &scores, e);
        }
        // The activities without a column are reported.
        for activity in [
            "whitepaper_download",
            "trial_signup",
            "unsubscribe",
            "demo_request",
        ] {
            assert!(
                evaluation.warnings.iter().any(|w| w.contains(activity)),
                "no warning for {activity}: {:?}",
                evaluation.warnings
            );
        }
    }
}

#[cfg(feature = "cli")]
#[test]
fn json_output_shape_is_as_documented() {
    let example = example();
    let model = &example.model;
    let leads = load(&example, true);
    let evaluation = Evaluation::new(model, &leads, day("2026-03-31"));
    let scores = score_all(model, &evaluation);
    let rows = scored_rows(model, &leads, &evaluation, &scores);
    let json = fenced_blocks(section("### 6.2 JSON"), "json");
    assert_eq!(json.len(), 1);
    let mut written = serde_json::to_string_pretty(&rows[..1]).unwrap();
    written.push('\n');
    assert_eq!(written, json[0]);
}

#[test]
fn output_neutralisation_is_as_documented() {
    use mql_studio::export::{neutralize_cell, scored_cell};
    assert_eq!(neutralize_cell("-42"), "'-42");
    assert_eq!(neutralize_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    for first in ['=', '+', '-', '@', '\t', '\r'] {
        assert!(neutralize_cell(&format!("{first}x")).starts_with('\''));
        assert_eq!(
            neutralize_cell(&format!("a;\"{first}x")),
            format!("a;'\"{first}x")
        );
        assert_eq!(
            neutralize_cell(&format!("a,{first}x")),
            format!("a,'{first}x")
        );
    }
    assert_eq!(neutralize_cell("L1"), "L1");
    // The table of §6.1: each row whose two cells are code is a value and its written cell.
    let code = |cell: &str| {
        let inner = cell.strip_prefix('`')?.strip_suffix('`')?;
        (!inner.contains('`')).then(|| inner.replace("\\|", "|"))
    };
    let mut checked = 0;
    for line in section("### 6.1 CSV").lines() {
        let Some(row) = line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |")) else {
            continue;
        };
        let Some((value, written)) = row.split_once(" | ") else {
            continue;
        };
        if let (Some(value), Some(written)) = (code(value), code(written)) {
            assert_eq!(scored_cell(&value), written, "{value:?}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} rows of the §6.1 table checked");
    assert_eq!(scored_cell("\t=1"), "\\t=1");
    assert_eq!(scored_cell("\u{1b}[31mred"), "\\u{1b}[31mred");
}

#[test]
fn rounding_and_days_are_as_documented() {
    assert_eq!(round2(1.005), 1.0);
    assert_eq!(round2(0.125), 0.13);
    assert_eq!(round2(-0.125), -0.13);
    assert_eq!(day("2026-10-03T23:30:00-02:00"), day("2026-10-04"));
    assert_eq!(day("2026-10-03T14:22"), day("2026-10-03"));
    assert_eq!(day("2026-10-03 14:22"), day("2026-10-03"));
    assert_eq!(day("2026-10-03T14:22:00Z"), day("2026-10-03"));
    assert_eq!(mql_studio::leads::normalize_name(" JOB-TITLE "), "jobtitle");
    assert_eq!(mql_studio::leads::normalize_name("Job Title"), "jobtitle");
    assert_eq!(mql_studio::leads::normalize_name("JobTitle"), "jobtitle");
}

// ---------------------------------------------------------------------------------------------
// Variants. The name functions are exhaustive matches: a new variant does not compile until it
// is added here, and the tests then require the page to list it.

fn condition_name(condition: &Condition) -> &'static str {
    match condition {
        Condition::Equals(_) => "Equals",
        Condition::OneOf(_) => "OneOf",
        Condition::NotOneOf(_) => "NotOneOf",
        Condition::AtLeast(_) => "AtLeast",
        Condition::AtMost(_) => "AtMost",
        Condition::Between { .. } => "Between",
        Condition::ContainsAny(_) => "ContainsAny",
        Condition::IsTrue => "IsTrue",
        Condition::IsFalse => "IsFalse",
        Condition::IsMissing => "IsMissing",
    }
}
const CONDITIONS: [&str; 10] = [
    "Equals",
    "OneOf",
    "NotOneOf",
    "AtLeast",
    "AtMost",
    "Between",
    "ContainsAny",
    "IsTrue",
    "IsFalse",
    "IsMissing",
];

fn counting_name(counting: Counting) -> &'static str {
    match counting {
        Counting::PerOccurrence => "PerOccurrence",
        Counting::Once => "Once",
        Counting::AtLeast(_) => "AtLeast",
    }
}
const COUNTINGS: [&str; 3] = ["PerOccurrence", "Once", "AtLeast"];

fn criterion_name(criterion: &Criterion) -> &'static str {
    match criterion {
        Criterion::Field { .. } => "Field",
        Criterion::Activity { .. } => "Activity",
    }
}
const CRITERIA: [&str; 2] = ["Field", "Activity"];

/// A minimal valid model with one fit rule, one engagement rule and one override.
fn tiny_model(condition: &str, counting: &str, criterion: &str) -> String {
    format!(
        r#"(
    format_version: "1.0",
    name: "variants",
    fit: (max_points: 60.0, rules: [(id: "f", field: "x", condition: {condition}, points: 1.0)]),
    engagement: (max_points: 40.0, rules: [(id: "e", activity: "a", counting: {counting}, points: 1.0)]),
    overrides: [(id: "o", action: Disqualify, when: [{criterion}])],
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)"#
    )
}

const FIELD_CRITERION: &str = r#"Field(field: "x", condition: IsTrue)"#;

#[test]
fn every_condition_in_the_doc_parses_and_every_variant_is_documented() {
    let examples = table_examples("### `Condition`");
    let mut seen = BTreeSet::new();
    for ron in &examples {
        let model = model_from_str(&tiny_model(ron, "Once", FIELD_CRITERION))
            .unwrap_or_else(|e| panic!("the documented condition `{ron}` does not parse: {e}"));
        let condition = &model.fit.rules[0].condition;
        assert!(
            ron.starts_with(condition_name(condition)),
            "{ron} parsed as {condition:?}"
        );
        seen.insert(condition_name(condition));
        // And the same condition in an override criterion.
        let criterion = format!("Field(field: \"x\", condition: {ron})");
        model_from_str(&tiny_model("IsTrue", "Once", &criterion)).unwrap();
    }
    assert_eq!(seen, CONDITIONS.into_iter().collect::<BTreeSet<_>>());
    assert_eq!(examples.len(), CONDITIONS.len());
    // The decision table of §4.1 has a row for every variant too.
    let table = section("### 4.1 Deciding a condition on a cell");
    for name in CONDITIONS {
        assert!(
            table.contains(&format!("`{name}")),
            "§4.1 has no row for {name}"
        );
    }
}

#[test]
fn every_counting_in_the_doc_parses_and_every_variant_is_documented() {
    let examples = table_examples("### `Counting`");
    let mut seen = BTreeSet::new();
    for ron in &examples {
        let model = model_from_str(&tiny_model("IsTrue", ron, FIELD_CRITERION))
            .unwrap_or_else(|e| panic!("the documented counting `{ron}` does not parse: {e}"));
        let counting = model.engagement.rules[0].counting;
        assert!(
            ron.starts_with(counting_name(counting)),
            "{ron} parsed as {counting:?}"
        );
        seen.insert(counting_name(counting));
    }
    assert_eq!(seen, COUNTINGS.into_iter().collect::<BTreeSet<_>>());
    assert_eq!(examples.len(), COUNTINGS.len());
}

#[test]
fn every_criterion_in_the_doc_parses_and_every_variant_is_documented() {
    let examples = table_examples("### `Criterion`");
    let mut seen = BTreeSet::new();
    for ron in &examples {
        let model = model_from_str(&tiny_model("IsTrue", "Once", ron))
            .unwrap_or_else(|e| panic!("the documented criterion `{ron}` does not parse: {e}"));
        let criterion = &model.overrides[0].when[0];
        assert!(
            ron.starts_with(criterion_name(criterion)),
            "{ron} parsed as {criterion:?}"
        );
        seen.insert(criterion_name(criterion));
    }
    assert_eq!(seen, CRITERIA.into_iter().collect::<BTreeSet<_>>());
}

#[test]
fn the_ron_basics_table_is_accurate() {
    // Integer literals where a number is expected; optional values with and without `Some`;
    // comments and trailing commas; the header is optional for mql-studio.
    let text = r#"(
    format_version: "1.0", // a comment
    name: "basics", /* another */
    fit: (max_points: 60, rules: [(id: "f", field: "x", condition: Between(min: 1, max: 2), points: 5,)]),
    engagement: (max_points: 40.0, rules: [
        (id: "a", activity: "a", points: 1.0, cap: 24.0),
        (id: "b", activity: "b", points: 1.0, cap: Some(24.0)),
        (id: "c", activity: "c", points: 1.0, cap: None),
    ]),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)"#;
    let model = model_from_str(text).unwrap();
    assert_eq!(
        model.fit.rules[0].condition,
        Condition::Between { min: 1.0, max: 2.0 }
    );
    let caps: Vec<Option<f64>> = model.engagement.rules.iter().map(|r| r.cap).collect();
    assert_eq!(caps, [Some(24.0), Some(24.0), None]);
    // The documented defaults of omitted fields: the bands follow the caps (60 and 40 here).
    assert_eq!(
        bands(&model.fit_grades),
        labelled(&[("A", 45.0), ("B", 30.0), ("C", 15.0), ("D", 0.0)])
    );
    assert_eq!(
        bands(&model.engagement_levels),
        labelled(&[("1", 30.0), ("2", 20.0), ("3", 10.0), ("4", 0.0)])
    );
    assert_eq!(model.combine.nurture_band, 0.0);
    assert_eq!(model.status, mql_studio::model::ModelStatus::Draft);
    // A whole-number field refuses a decimal point.
    let decimal_window = text.replace("cap: None", "window_days: 30.0");
    assert!(model_from_str(&decimal_window).is_err());
}

#[test]
fn format_version_handling_is_as_documented() {
    let with_version = |version: &str, extra: &str| {
        format!(
            r#"(
    format_version: "{version}",
    name: "v",
    fit: (max_points: 60.0{extra}),
    engagement: (max_points: 40.0),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)"#
        )
    };
    for readable in ["1.0", "0.3", "1", " 1.0 ", "1.1"] {
        assert!(
            model_from_str(&with_version(readable, "")).is_ok(),
            "{readable}"
        );
    }
    let newer = model_from_str(&with_version("2.0", ""))
        .unwrap_err()
        .to_string();
    assert_eq!(
        newer,
        "this model uses format version 2.0, but this mql-studio reads format 1.x: update mql-studio to open it"
    );
    let bad = model_from_str(&with_version("1.0.0", ""))
        .unwrap_err()
        .to_string();
    assert_eq!(
        bad,
        r#"format_version "1.0.0" is not a version number like "1.0""#
    );
    let unknown = model_from_str(&with_version("1.1", ", bonus: 1.0"))
        .unwrap_err()
        .to_string();
    assert!(unknown.starts_with("line 4, column "), "{unknown}");
    assert!(
        unknown.contains("Unexpected field named `bonus` in `FitSection`"),
        "{unknown}"
    );
    assert!(
        unknown
            .ends_with("(the file was written for format 1.1, newer than this mql-studio's 1.0)"),
        "{unknown}"
    );
    let same = model_from_str(&with_version("1.0", ", bonus: 1.0"))
        .unwrap_err()
        .to_string();
    assert!(!same.contains("newer"), "{same}");
}

#[test]
fn activity_names_ignore_case_as_documented() {
    let model = model_from_str(&tiny_model("IsTrue", "PerOccurrence", FIELD_CRITERION)).unwrap();
    let (mut leads, _) = read_leads("id\nL1\n", &LoadOptions::default()).unwrap();
    let events = "id,activity,date\nL1,A,2026-01-01\nL1,a ,2026-01-02\nL1, a,2026-01-03\n";
    read_events(&mut leads, events, false).unwrap();
    let log = leads.events.as_ref().unwrap();
    assert_eq!(log.activities, ["A"]);
    let evaluation = Evaluation::new(&model, &leads, day("2026-01-03"));
    assert_eq!(evaluation.engagement_counts[0].to_dense(1), [3.0]);
}

// ---------------------------------------------------------------------------------------------
// The behaviour the page describes outside the worked example.

fn bands(bands: &[Band]) -> Vec<(String, f64)> {
    bands
        .iter()
        .map(|b| (b.label.clone(), b.min_points))
        .collect()
}

fn labelled(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
    pairs.iter().map(|(l, p)| ((*l).to_owned(), *p)).collect()
}

/// The row error of loading `csv` with the default options.
fn row_error_in(csv: &str) -> RowError {
    row_error(read_leads(csv, &LoadOptions::default()))
}

#[test]
fn a_model_file_may_start_with_a_bom_and_name_its_structures() {
    // §1.1.
    let plain = tiny_model("IsTrue", "Once", FIELD_CRITERION);
    let expected = model_from_str(&plain).unwrap();
    assert_eq!(
        model_from_str(&format!("\u{feff}{plain}")).unwrap(),
        expected
    );
    let with_header = format!("\u{feff}#![enable(implicit_some)]\n{plain}");
    assert_eq!(model_from_str(&with_header).unwrap(), expected);
    let named = plain
        .replacen('(', "Model(", 1)
        .replace("fit: (", "fit: FitSection(")
        .replace("combine: (", "combine: Combine(");
    assert_eq!(model_from_str(&named).unwrap(), expected);
    assert_eq!(
        model_error(&plain.replacen('(', "Modell(", 1)).to_string(),
        "line 1, column 1: Expected struct `Model` but found `Modell`"
    );
    let nested = model_error(&plain.replace("fit: (", "fit: Fit(")).to_string();
    assert!(
        nested.ends_with("in field `fit`: Expected struct `FitSection` but found `Fit`"),
        "{nested}"
    );
    // mql-studio writes neither a byte-order mark nor structure names.
    let written = model_to_string(&expected).unwrap();
    assert!(
        written.starts_with("#![enable(implicit_some)]\n("),
        "{written}"
    );
    assert!(written.contains("fit: (") && !written.contains("FitSection"));
}

#[test]
fn unknown_fields_inside_enum_variants_are_errors() {
    // §1.5.
    let activity = r#"Activity(activity: "demo_request", at_least: 1, windows_days: 7)"#;
    let error = model_error(&tiny_model("IsTrue", "Once", activity)).to_string();
    assert!(error.starts_with("line 6, column "), "{error}");
    assert!(
        error.ends_with(
            "Unexpected field named `windows_days` in `Activity`, expected one of `activity`, `count_column`, `at_least`, or `window_days` instead"
        ),
        "{error}"
    );
    let between = "Between(min: 1.0, max: 2.0, foo: 3.0)";
    let error = model_error(&tiny_model(between, "Once", FIELD_CRITERION)).to_string();
    assert!(
        error.contains("Unexpected field named `foo` in `Between`"),
        "{error}"
    );
    let field = r#"Field(field: "x", condition: IsTrue, extra: 1)"#;
    let error = model_error(&tiny_model("IsTrue", "Once", field)).to_string();
    assert!(
        error.contains("Unexpected field named `extra` in `Field`"),
        "{error}"
    );
}

#[test]
fn default_bands_follow_the_caps() {
    // §2, `Model` and `Band`.
    let text = |bands: &str| {
        format!(
            r#"(
    format_version: "1.0",
    name: "bands",
    fit: (max_points: 50.0),
    engagement: (max_points: 30.0),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),{bands}
)"#
        )
    };
    let omitted = model_from_str(&text("")).unwrap();
    assert_eq!(
        bands(&omitted.fit_grades),
        labelled(&[("A", 37.5), ("B", 25.0), ("C", 12.5), ("D", 0.0)])
    );
    assert_eq!(
        bands(&omitted.engagement_levels),
        labelled(&[("1", 22.5), ("2", 15.0), ("3", 7.5), ("4", 0.0)])
    );
    assert!(validate(&omitted).is_empty(), "{:?}", validate(&omitted));
    // An empty list means the same.
    let empty = model_from_str(&text("\n    fit_grades: [],\n    engagement_levels: [],")).unwrap();
    assert_eq!(empty, omitted);
    // Bands that are given are kept.
    let given = model_from_str(&text(
        "\n    fit_grades: [(label: \"Top\", min_points: 10.0)],",
    ))
    .unwrap();
    assert_eq!(bands(&given.fit_grades), labelled(&[("Top", 10.0)]));
    assert_eq!(given.engagement_levels, omitted.engagement_levels);
    // Saving writes the filled-in bands out in full.
    let written = model_to_string(&omitted).unwrap();
    assert!(written.contains("fit_grades: ["), "{written}");
    assert!(written.contains("min_points: 37.5"), "{written}");
    assert!(written.contains("min_points: 22.5"), "{written}");
    assert_eq!(model_from_str(&written).unwrap(), omitted);
    // With an invalid cap the default bands are invalid too.
    let zero = model_from_str(&text("").replace("max_points: 50.0", "max_points: 0.0")).unwrap();
    let problems = validate(&zero);
    assert!(problems.iter().any(|p| p.path == "fit.max_points"));
    assert!(
        problems.iter().any(|p| p.path.starts_with("fit_grades[")),
        "{problems:?}"
    );
    // Only a model built in code can have no bands at all.
    let mut in_code = omitted.clone();
    in_code.fit_grades.clear();
    assert!(
        validate(&in_code)
            .iter()
            .any(|p| p.path == "fit_grades" && p.message == "needs at least one band")
    );
}

#[test]
fn field_names_are_compared_normalised() {
    // §2, `FieldSpec`.
    let fields = |second: &str| {
        tiny_model("IsTrue", "Once", FIELD_CRITERION).replacen(
            "\n    fit:",
            &format!("\n    fields: [(name: \"job_title\"), (name: \"{second}\")],\n    fit:"),
            1,
        )
    };
    let model = model_from_str(&fields("Job Title")).unwrap();
    let problems = validate(&model);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].severity, mql_studio::validate::Severity::Error);
    assert_eq!(problems[0].path, "fields[1]");
    assert_eq!(
        problems[0].message,
        "the field `Job Title` is declared twice"
    );
    let model = model_from_str(&fields("job_level")).unwrap();
    assert!(validate(&model).is_empty());
}

/// Whether `ContainsAny([value])` holds for a lead whose field `x` is `cell` (by both paths).
fn contains_any(value: &str, cell: &str) -> bool {
    let model = model_from_str(&tiny_model(
        &format!("ContainsAny([{value:?}])"),
        "Once",
        FIELD_CRITERION,
    ))
    .unwrap();
    let leads = leads_with_fields(&format!("id,x\nL1,\"{cell}\"\n"), Vec::new());
    let evaluation = Evaluation::new(&model, &leads, 0);
    let held = evaluation.fit_matches[0][0];
    let explained = explain(&model, &leads, 0, 0).rules[0].fired;
    assert_eq!(
        held, explained,
        "{value:?} on {cell:?}: the two paths differ"
    );
    held
}

#[test]
fn contains_any_matches_whole_words() {
    // §4.1: the table of examples.
    for (value, holds, does_not) in [
        (
            "VP",
            &["VP Sales", "vp-sales", "EMEA VP"][..],
            &["VPN engineer", "SVP Marketing", "MVP Program Lead"][..],
        ),
        (
            "Intern",
            &["Marketing Intern", "Intern (summer)"],
            &["International Sales", "Interns", "Internship"],
        ),
        ("Head of", &["Head of Sales"], &["Head Office"]),
        ("@gmail.", &["ann@gmail.com"], &["ann@gmail-corp.com"]),
    ] {
        for cell in holds {
            assert!(
                contains_any(value, cell),
                "{value:?} should hold for {cell:?}"
            );
        }
        for cell in does_not {
            assert!(
                !contains_any(value, cell),
                "{value:?} should not hold for {cell:?}"
            );
        }
    }
    // Case and surrounding spaces are ignored; `é` is a letter, `_` is not.
    assert!(contains_any(" vp ", "Sr. VP Sales"));
    assert!(!contains_any("caf", "Café Owner"));
    // §7: no stems; `_` separates words.
    assert!(!contains_any("VP", "EVP, Sales"));
    assert!(contains_any("VP", "VP_Sales"));
    // §7: numbers and dates are tested as displayed.
    assert!(contains_any("1.33", "1.333"));
    assert!(!contains_any("1.333", "1.333"));
    assert!(contains_any("1", "1.5"));
    assert!(contains_any("2026", "2026-03-31"));
}

#[test]
fn the_default_model_marks_students_with_whole_words() {
    // §4.1: `models/default.ron`'s fit-student rule.
    let model = default_model();
    let (index, rule) = model
        .fit
        .rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.id == "fit-student")
        .unwrap();
    assert_eq!(
        rule.condition,
        Condition::ContainsAny(vec![
            "Student".to_owned(),
            "Intern".to_owned(),
            "Trainee".to_owned()
        ])
    );
    let leads = leads_with_fields(
        "id,Job Title\nL1,Marketing Intern\nL2,Graduate Trainee\nL3,International Sales Director\n",
        model.fields.clone(),
    );
    let evaluation = Evaluation::new(&model, &leads, 0);
    assert_eq!(evaluation.fit_matches[index], [true, true, false]);
}

#[test]
fn sub_scores_are_rounded_before_gates_grades_and_total() {
    // §4.5: fit rules adding up to 24.996 give a fit of 25, which passes a 25-point gate and
    // reaches a band starting at 25.
    let text = r#"(
    format_version: "1.0",
    name: "rounding",
    fit: (max_points: 50.0, rules: [(id: "f", field: "x", condition: IsTrue, points: 24.996)]),
    engagement: (max_points: 40.0, rules: [(id: "e", activity: "a", points: 29.996)]),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 60.0, nurture_band: 10.0, min_fit: 25.0),
    fit_grades: [(label: "A", min_points: 25.0), (label: "B", min_points: 0.0)],
    engagement_levels: [(label: "1", min_points: 30.0), (label: "2", min_points: 0.0)],
)"#;
    let model = model_from_str(text).unwrap();
    assert!(validate(&model).is_empty(), "{:?}", validate(&model));
    let leads = leads_with_fields("id,x,a\nL1,yes,1\n", Vec::new());
    let evaluation = Evaluation::new(&model, &leads, 0);
    let score = score_all(&model, &evaluation)[0];
    assert_eq!((score.fit, score.engagement), (25.0, 30.0));
    // The total is computed from the rounded sub-scores.
    assert_eq!(
        score.score,
        round2((0.6 * (25.0 / 50.0) + 0.4 * (30.0 / 40.0)) * 100.0)
    );
    assert_eq!(score.score, 60.0);
    assert_eq!(score.status, Status::Mql, "the gate sees 25, not 24.996");
    assert_eq!(score.grade(&model), "A1");
    let explanation = explain(&model, &leads, 0, 0);
    assert_eq!(explanation.score, score);
    assert!(close(explanation.fit_raw, 24.996));
    assert!(close(explanation.engagement_raw, 29.996));
    assert!(explanation.gates[0].passed && explanation.gates[0].actual == 25.0);
}

#[test]
fn count_columns_of_yes_no_values_count_one() {
    // §3.6, and quirk 3 of §7.
    let model = model_from_str(
        r#"(
    format_version: "1.0",
    name: "yes/no counts",
    fit: (max_points: 60.0),
    engagement: (max_points: 40.0, rules: [(id: "e", activity: "demo_request", count_column: "Demo Requested", points: 10.0)]),
    overrides: [(id: "ft", action: FastTrack, when: [Activity(activity: "demo_request", count_column: "Demo Requested", at_least: 1)])],
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)"#,
    )
    .unwrap();
    let run = |csv: &str, fields: Vec<FieldSpec>| {
        let leads = leads_with_fields(csv, fields);
        let evaluation = Evaluation::new(&model, &leads, 0);
        (
            evaluation.engagement_counts[0].to_dense(leads.len()),
            evaluation.override_matches[0].clone(),
        )
    };
    let (counts, fast_tracked) = run("id,Demo Requested\nL1,yes\nL2,no\nL3,\n", Vec::new());
    assert_eq!(counts, [1.0, 0.0, 0.0]);
    assert_eq!(fast_tracked, [true, false, false]);
    let (counts, _) = run("id,Demo Requested\nL1,TRUE\nL2,false\n", Vec::new());
    assert_eq!(counts, [1.0, 0.0]);
    // Undeclared `y`/`n` or `x` marks are text, and count 0 ...
    let marks = "id,Demo Requested\nL1,y\nL2,n\nL3,x\n";
    let (counts, fast_tracked) = run(marks, Vec::new());
    assert_eq!(counts, [0.0, 0.0, 0.0]);
    assert_eq!(fast_tracked, [false, false, false]);
    // ... unless the column is declared `Bool`.
    let declared = vec![FieldSpec {
        name: "demo_requested".to_owned(),
        kind: FieldKind::Bool,
        aliases: Vec::new(),
    }];
    let (counts, fast_tracked) = run(marks, declared);
    assert_eq!(counts, [1.0, 0.0, 1.0]);
    assert_eq!(fast_tracked, [true, false, true]);
}

#[test]
fn lead_ids_are_text_unless_declared() {
    // §3.4.
    let csv = "Lead ID,x\n007,1\n12345678901234567890,2\n,3\n";
    let (leads, report) = read_leads(csv, &LoadOptions::default()).unwrap();
    assert_eq!(leads.ids, ["007", "12345678901234567890", "row-4"]);
    assert!(report.warnings.is_empty(), "{report:?}");
    let declared = |kind| {
        vec![FieldSpec {
            name: "lead_id".to_owned(),
            kind,
            aliases: Vec::new(),
        }]
    };
    assert_eq!(
        leads_with_fields(csv, declared(FieldKind::Text)).ids,
        leads.ids
    );
    assert_eq!(
        leads_with_fields("Lead ID,x\n007,1\n12,2\n", declared(FieldKind::Number)).ids,
        ["7", "12"]
    );
    // Events that spell the id the same way match.
    let mut leads = leads;
    let events = "Lead ID,Activity,Timestamp\n007,demo_request,2026-01-01\n";
    let report = read_events(&mut leads, events, false).unwrap();
    assert_eq!(report.rows_read, 1);
    assert!(report.warnings.is_empty(), "{report:?}");
    // Without an id column the ids are the row numbers.
    let (leads, report) = read_leads("x,y\n1,2\n3,4\n", &LoadOptions::default()).unwrap();
    assert_eq!(leads.ids, ["2", "3"]);
    assert_eq!(
        report.warnings,
        ["no lead id column found: leads are numbered by row"]
    );
}

#[test]
fn row_numbers_are_spreadsheet_rows() {
    // §3.1: a record is one row even when a quoted cell spans lines ...
    assert_eq!(row_error_in("id,x\nL1,\"a\nb\nc\"\nL3,1,2\n").row, 3);
    assert_eq!(row_error_in("id,x\r\nL1,\"a\r\nb\"\r\nL3,1,2\r\n").row, 3);
    assert_eq!(row_error_in("id,\"x\ny\"\nL1,1\nL2,1,2\n").row, 3);
    // ... and rows of blank cells and blank lines count.
    assert_eq!(row_error_in("id,x\nL1,1\n,\nL4,1,2\n").row, 4);
    assert_eq!(row_error_in("id,x\nL1,1\n\nL3,1\nL4,1,2\n").row, 5);
    assert_eq!(row_error_in("id,x\nL1,1\n\n\nL4,1\nL5,1,2\n").row, 6);
    let leads = leads_with_fields("id,x\nL1,\"a\nb\"\n,2\n", Vec::new());
    assert_eq!(leads.ids, ["L1", "row-3"]);
    // The event log is numbered the same way.
    let mut leads = leads_with_fields("id\nL1\n", Vec::new());
    let events = "id,activity,date\nL1,a,2026-01-01\n\nL1,a,2026-01-02\nL1,,2026-01-03\n";
    let error = row_error(read_events(&mut leads, events, false));
    assert_eq!(error.row, 5, "{error}");
    assert_eq!(error.column.as_deref(), Some("activity"));
    // The first record after blank lines counts them too (a spreadsheet shows L3 on row 4).
    let options = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let csv = "id,x\nL1,1\n\nL3,1,2\nL4,1,2\n";
    let (_, report) = read_leads(csv, &options).unwrap();
    let rows: Vec<usize> = report.skipped.iter().map(|e| e.row).collect();
    assert_eq!(rows, [4, 5]);
}

#[test]
fn bad_outcome_values_stop_the_load_or_become_warnings() {
    // §3.7.
    use mql_studio::leads::Verdict;
    let stage_error = "leads.csv: row 3, column `Stage`: unknown stage \"someday\": expected lead, mql, sql, opportunity, won or lost";
    let left_empty = "; that lead's outcome and verdict were left empty";
    let csv = "id,Stage,Verdict\nL1,sql,accept\nL2,someday,accept\nL3,won,maybe\n";
    assert_eq!(row_error_in(csv).to_string(), stage_error);
    let options = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let (leads, report) = read_leads(csv, &options).unwrap();
    assert_eq!(leads.ids, ["L1", "L2", "L3"]);
    assert!(report.skipped.is_empty());
    assert_eq!(
        report.warnings,
        [
            format!("{stage_error}{left_empty}"),
            format!(
                "leads.csv: row 4, column `Verdict`: unknown sales verdict \"maybe\": expected accept or reject{left_empty}"
            ),
        ]
    );
    assert!(leads.outcomes[0].is_some_and(|o| o.reached_sql && !o.won));
    assert_eq!(leads.verdicts[0], Some(Verdict::Accept));
    // The bad lead keeps neither its outcome nor its verdict, even the good one.
    assert_eq!((leads.outcomes[1], leads.verdicts[1]), (None, None));
    assert_eq!((leads.outcomes[2], leads.verdicts[2]), (None, None));
    // A recorder that is not a team is the same; a good one is kept with its verdict only.
    let csv = "id,Verdict,Verdict By\nL1,accept,Sales\nL2,,marketing\nL3,reject,intern\n";
    assert_eq!(
        row_error_in(csv).to_string(),
        "leads.csv: row 4, column `Verdict By`: unknown verdict recorder \"intern\": expected marketing or sales"
    );
    let (leads, _) = read_leads(csv, &options).unwrap();
    use mql_studio::model::Team;
    assert_eq!(leads.verdicts.recorders(), [Some(Team::Sales), None, None]);
    // A flag that is not a yes/no is the same.
    let csv = "id,Reached SQL\nL1,yes\nL2,perhaps\n";
    let error = row_error_in(csv);
    assert_eq!(
        (error.row, error.column.as_deref()),
        (3, Some("Reached SQL"))
    );
    let (leads, report) = read_leads(csv, &options).unwrap();
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].ends_with(left_empty), "{report:?}");
    assert!(leads.outcomes[0].is_some_and(|o| o.reached_sql));
    assert_eq!(leads.outcomes[1], None);
}

/// The text of a section with its line breaks (and the indentation after them) made spaces, as
/// Markdown shows it.
fn flowing(heading: &str) -> String {
    section(heading)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn dates_and_timestamps_are_read_as_the_table_of_3_5_says() {
    // §3.5: every row of the table, with `parse_day` and in an event log.
    use mql_studio::leads::parse_day;
    let rows: Vec<(String, String)> = section("### 3.5 Days, timestamps and the as-of date")
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` | "))
        .map(|(text, day)| (text.to_owned(), day.trim_end_matches(" |").to_owned()))
        .collect();
    assert!(rows.len() >= 25, "{rows:?}");
    let mut accepted = 0;
    for (text, expected) in &rows {
        let read = parse_day(text);
        if expected == "not a date" {
            assert_eq!(read, None, "{text:?} is documented as not a date");
            continue;
        }
        assert_eq!(read, Some(day(expected)), "{text:?}");
        accepted += 1;
        let mut leads = leads_with_fields("id\nA\n", Vec::new());
        let report = read_events(
            &mut leads,
            &format!("id,activity,date\nA,x,{text}\n"),
            false,
        )
        .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(report.rows_read, 1);
        assert_eq!(
            leads.events.as_ref().map(|l| l.day.clone()),
            Some(vec![day(expected)])
        );
    }
    assert!(accepted >= 10);
    assert_eq!(day("2026-01-01"), 20454);
}

#[test]
fn the_limits_are_the_documented_ones() {
    // §3.1: the table of limits.
    use mql_studio::leads::{MAX_CELL_BYTES, MAX_COLUMNS, MAX_HEADER_BYTES, MAX_ROW_BYTES};
    let text = section("### 3.1 The leads CSV");
    let documented = |name: &str| -> usize {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("| `{name}` | ")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let value = line.split(" | ").nth(1).unwrap();
        let number = value
            .split_once('(')
            .map_or(value, |(_, bytes)| bytes.trim_end_matches(" bytes)"));
        number
            .replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{value:?}"))
    };
    assert_eq!(documented("MAX_HEADER_BYTES"), MAX_HEADER_BYTES);
    assert_eq!(documented("MAX_COLUMNS"), MAX_COLUMNS);
    assert_eq!(documented("MAX_CELL_BYTES"), MAX_CELL_BYTES);
    assert_eq!(documented("MAX_ROW_BYTES"), MAX_ROW_BYTES);
}

#[test]
fn cells_are_trimmed_of_exactly_the_listed_characters() {
    // §3.1: the list of `White_Space` characters, against every character there is.
    let text = flowing("### 3.1 The leads CSV");
    let (_, list) = text.split_once("**trimmed**").unwrap();
    let (list, _) = list.split_once("Nothing else").unwrap();
    let code = |hex: &str| u32::from_str_radix(&hex[..4], 16).unwrap();
    let mut listed = BTreeSet::new();
    // `U+2000–U+200A` is a range: its first end waits for the second.
    let mut range_from = None;
    for piece in list.split("U+").skip(1) {
        let value = code(piece);
        if piece[4..].starts_with('–') {
            range_from = Some(value);
            continue;
        }
        let first = range_from.take().unwrap_or(value);
        listed.extend((first..=value).filter_map(char::from_u32));
    }
    let white: BTreeSet<char> = (0..=0x10FFFF)
        .filter_map(char::from_u32)
        .filter(|c| c.is_whitespace())
        .collect();
    assert_eq!(listed, white);
    // And the reader trims them, and nothing else.
    for c in &listed {
        let leads = leads_with_fields(&format!("id,x\nL1,\"{c}a{c}\"\n"), Vec::new());
        assert_eq!(leads.display(0, "x"), "a", "U+{:04X}", u32::from(*c));
    }
    for c in ['\u{200b}', '\u{feff}', '\u{180e}'] {
        let leads = leads_with_fields(&format!("id,x\nL1,{c}a\n"), Vec::new());
        assert_eq!(leads.display(0, "x"), format!("{c}a"));
    }
}

#[test]
fn names_keep_letters_and_digits_as_3_2_says() {
    // §3.2 and quirk 4 of §7.
    use mql_studio::leads::normalize_name;
    assert_eq!(normalize_name("Ⅻ² é_-x"), "ⅻ²éx");
    assert_eq!(normalize_name("\u{130}"), "i\u{307}");
    assert_eq!(normalize_name("Cafe\u{301}"), "cafe");
    assert_eq!(normalize_name("Café"), "café");
    assert_eq!(normalize_name("٣ Arabic-Indic"), "٣arabicindic");
    // The whole-word test of §4.1 uses the same letters and digits.
    assert!(contains_any("Ⅻ", "Louis Ⅻ"));
    assert!(!contains_any("Louis", "Louisé"));
    assert!(contains_any("Cafe", "Cafe\u{301} Noir"));
}

#[test]
fn the_default_as_of_date_and_its_warning_are_as_3_5_says() {
    // §3.5, on fixed days rather than today; with the worked example's event log, whose latest
    // event is 2026-04-02, plus events to move it.
    use mql_studio::leads::STALE_AS_OF_DAYS;
    let example = example();
    let leads = load(&example, true);
    let on = |today: &str| leads.default_as_of_on(day(today));
    assert_eq!(on("2026-04-10"), day("2026-04-02"));
    // An event tomorrow counts (dates of time zones ahead of UTC); later ones do not.
    assert_eq!(on("2026-04-01"), day("2026-04-02"));
    // L2's `2026-03-30T23:30:00-02:00` is on 2026-03-31 in UTC.
    assert_eq!(on("2026-03-31"), day("2026-03-31"));
    assert_eq!(on("2026-03-29"), day("2026-03-30"));
    assert_eq!(
        on("2025-01-01"),
        day("2025-01-01"),
        "no event until then: today"
    );
    assert_eq!(
        leads_with_fields("id\nA\n", Vec::new()).default_as_of_on(day("2026-04-10")),
        day("2026-04-10"),
        "no event log: today"
    );
    // The warning: more than 30 days before today, as the page words it.
    assert_eq!(STALE_AS_OF_DAYS, 30);
    assert!(flowing("### 3.5 Days, timestamps and the as-of date").contains("(30) days"));
    assert_eq!(leads.default_as_of_warning_on(day("2026-05-02")), None);
    let text = flowing("### 3.5 Days, timestamps and the as-of date");
    let (_, rest) = text.split_once("says so (``").unwrap();
    let (documented, _) = rest.split_once("``)").unwrap();
    assert_eq!(
        leads.default_as_of_warning_on(day("2026-12-01")).as_deref(),
        Some(documented)
    );
    assert!(leads.default_as_of_warning_on(day("2026-05-03")).is_some());
}

#[test]
fn fired_rules_list_engagement_rules_only_with_activity() {
    // §6: `AtLeast(0)` (a validation error, scored anyway here) gives points at any count, but
    // only a lead with some activity gets them and lists the rule.
    let model = model_from_str(&tiny_model("IsTrue", "AtLeast(0)", FIELD_CRITERION)).unwrap();
    let leads = leads_with_fields("id,x,a\nL1,no,2\nL2,no,0\n", Vec::new());
    let evaluation = Evaluation::new(&model, &leads, 0);
    let scores = score_all(&model, &evaluation);
    assert_eq!(evaluation.fired_rule_ids(&model, 0), ["e"]);
    assert_eq!(evaluation.fired_rule_ids(&model, 1), Vec::<&str>::new());
    assert_eq!((scores[0].engagement, scores[1].engagement), (1.0, 0.0));
    let l2 = explain(&model, &leads, 1, 0);
    let rule = l2.rules.iter().find(|r| r.id == "e").unwrap();
    assert!(!rule.fired && rule.points == 0.0);
}

#[test]
fn reading_and_parse_errors_are_worded_as_documented() {
    // §1.5: every message below is quoted on the page (after its path or position).
    let doc = section("### 1.5 Reading the file, and parse errors");
    let documented = |message: &str| {
        assert!(doc.contains(message), "§1.5 does not quote {message:?}");
    };
    // After the path.
    let dir = tempfile::tempdir().unwrap();
    let after_path = |path: &std::path::Path| {
        let message = mql_studio::format::load_model(path)
            .unwrap_err()
            .to_string();
        let prefix = format!("{}: ", path.display());
        message.strip_prefix(&prefix).unwrap().to_owned()
    };
    documented(&after_path(dir.path()));
    documented(&after_path(&dir.path().join("x.ron")));
    let huge = dir.path().join("huge.ron");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    documented(&after_path(&huge));
    // After the position (and the field, for the punctuation table).
    let after_position = |text: &str| {
        let message = model_error(text).to_string();
        let (_, rest) = message.split_once(": ").unwrap();
        rest.to_owned()
    };
    let after_field = |text: &str| {
        let rest = after_position(text);
        match rest.split_once("`: ") {
            Some((field, rest)) if field.starts_with("in field `") => rest.to_owned(),
            _ => rest,
        }
    };
    let tiny = tiny_model("IsTrue", "Once", FIELD_CRITERION);
    let latin1: Vec<u8> = tiny
        .replace("variants", "défaut")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let error = mql_studio::format::model_from_bytes(&latin1)
        .unwrap_err()
        .to_string();
    documented(error.split_once(": ").unwrap().1);
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(tiny.encode_utf16().flat_map(u16::to_le_bytes));
    let error = mql_studio::format::model_from_bytes(&utf16)
        .unwrap_err()
        .to_string();
    documented(&error);
    let with_window = |window: &str| {
        tiny.replace(
            "counting: Once,",
            &format!("counting: Once, window_days: {window},"),
        )
    };
    documented(&after_position(&with_window("30.0")));
    documented(&after_position(&with_window("5000000000")));
    documented(&after_field(&tiny.replace(
        "points: 1.0)]),\n    engagement",
        "points: 1,5)]),\n    engagement",
    )));
    documented(&after_field(
        &tiny.replace("name: \"variants\",", "name: \"variants\""),
    ));
    documented(&after_field(&tiny[..tiny.find("combine").unwrap()]));
    documented(&after_field(&format!("{tiny})")));
    documented(&after_field(" \n"));
}

#[test]
fn the_bounds_are_the_documented_ones() {
    // §2 (validation) and §4.4 / §4.11 (the scorer).
    assert_eq!(mql_studio::validate::MAX_POINTS, 10_000.0);
    assert!(DOC.contains("Every number of points in a model is at most 10,000 in size"));
    assert_eq!(mql_studio::scoring::UNCAPPED_RULE_POINTS, 1e12);
    assert!(section("### 4.4 Points of an engagement rule").contains("clamp(raw, −1e12, 1e12)"));
    // A model beyond the bounds is scored as if at them (§4.11): NaN as 0, beyond as the bound.
    let mut model = default_model();
    let leads = leads_with_fields(
        "Lead ID,Job Title,Number of Employees\nL1,VP Sales,250\n",
        model.fields.clone(),
    );
    let at_bounds = {
        let mut m = model.clone();
        m.combine.scale = 10_000.0;
        m.fit.rules[0].points = 0.0;
        m
    };
    model.combine.scale = f64::INFINITY;
    model.fit.rules[0].points = f64::NAN;
    let scored = |m: &Model| score_all(m, &Evaluation::new(m, &leads, 0));
    assert_eq!(scored(&model), scored(&at_bounds));
}
