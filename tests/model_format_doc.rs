//! Checks `docs/model-format.md`: the worked example is scored with the library and every number
//! the page states is asserted (the expected values below were computed by hand, as on the page),
//! and every `Condition`, `Counting` and `Criterion` variant the page lists parses.

use std::collections::BTreeSet;

use mql_studio::export::{scored_rows, write_scored_csv};
use mql_studio::format::model_from_str;
use mql_studio::leads::{LeadSet, LoadOptions, parse_day, read_events_csv, read_leads_csv};
use mql_studio::model::{Condition, Counting, Criterion, Model};
use mql_studio::scoring::{Evaluation, LeadScore, Section, Status, explain, round2, score_all};
use mql_studio::validate::validate;

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
    let (mut leads, report) =
        read_leads_csv(example.leads_csv.as_bytes(), "leads.csv", &options).unwrap();
    assert!(
        report.skipped.is_empty() && report.warnings.is_empty(),
        "{report:?}"
    );
    assert_eq!(leads.ids, ["L1", "L2", "L3", "L4"]);
    if with_events {
        let report = read_events_csv(
            example.events_csv.as_bytes(),
            "events.csv",
            &mut leads,
            false,
        )
        .unwrap();
        assert_eq!(report.rows_read, 22, "every event but L9's is read");
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(report.warnings[0].contains("`L9`"), "{:?}", report.warnings);
    }
    leads
}

fn day(text: &str) -> i32 {
    parse_day(text).unwrap()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
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

fn check_lead(model: &Model, leads: &LeadSet, as_of: i32, score: &LeadScore, e: &Expected) {
    let row = leads.row_of(e.id).unwrap();
    assert!(
        close(score.fit, e.fit),
        "{}: fit {} != {}",
        e.id,
        score.fit,
        e.fit
    );
    assert!(
        close(score.engagement, e.engagement),
        "{}: engagement {} != {}",
        e.id,
        score.engagement,
        e.engagement
    );
    assert_eq!(score.score, e.score, "{}: score", e.id);
    assert_eq!(score.status, e.status, "{}: status", e.id);
    assert_eq!(score.grade(model), e.grade, "{}: grade", e.id);
    // The rule-by-rule path gives the same numbers, and the raw sums the page states.
    let explanation = explain(model, leads, row, as_of);
    assert_eq!(
        &explanation.score, score,
        "{}: explain and score_all differ",
        e.id
    );
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
            engagement: 23.071067811865476,
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
            engagement: l4_engagement,
            score: 3.54,
            status: Status::FastTracked,
            grade: "D4",
        },
    ];
    for (score, e) in scores.iter().zip(&expected) {
        check_lead(model, &leads, as_of, score, e);
    }

    // The unrounded totals the page states.
    assert_eq!(
        (0.6 * (50.0 / 50.0) + 0.4 * (23.071067811865476 / 40.0)) * 100.0,
        83.07106781186548
    );
    assert_eq!(round2(83.07106781186548), 83.07);
    assert_eq!((0.4 * (l4_engagement / 40.0)) * 100.0, 3.535533905932738);
    assert_eq!(round2(3.535533905932738), 3.54);
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
    let count =
        |rule: usize, lead: &str| evaluation.engagement_counts[rule][leads.row_of(lead).unwrap()];
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
        for (score, e) in scores.iter().zip(&expected) {
            check_lead(model, &leads, as_of, score, e);
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
    use mql_studio::export::neutralize_cell;
    assert_eq!(neutralize_cell("-42"), "'-42");
    assert_eq!(neutralize_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    for first in ['=', '+', '-', '@', '\t', '\r'] {
        assert!(neutralize_cell(&format!("{first}x")).starts_with('\''));
    }
    assert_eq!(neutralize_cell("L1"), "L1");
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
    // The documented defaults of omitted fields.
    assert_eq!(model.fit_grades, mql_studio::model::default_fit_grades());
    assert_eq!(
        model.engagement_levels,
        mql_studio::model::default_engagement_levels()
    );
    let bands = |bands: &[mql_studio::model::Band]| -> Vec<(String, f64)> {
        bands
            .iter()
            .map(|b| (b.label.clone(), b.min_points))
            .collect()
    };
    assert_eq!(
        bands(&model.fit_grades),
        [("A", 45.0), ("B", 30.0), ("C", 15.0), ("D", 0.0)].map(|(l, p)| (l.to_owned(), p))
    );
    assert_eq!(
        bands(&model.engagement_levels),
        [("1", 30.0), ("2", 20.0), ("3", 10.0), ("4", 0.0)].map(|(l, p)| (l.to_owned(), p))
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
    let (mut leads, _) = read_leads_csv(b"id\nL1\n", "leads.csv", &LoadOptions::default()).unwrap();
    let events = b"id,activity,date\nL1,A,2026-01-01\nL1,a ,2026-01-02\nL1, a,2026-01-03\n";
    read_events_csv(events, "events.csv", &mut leads, false).unwrap();
    let log = leads.events.as_ref().unwrap();
    assert_eq!(log.activities, ["A"]);
    let evaluation = Evaluation::new(&model, &leads, day("2026-01-03"));
    assert_eq!(evaluation.engagement_counts[0], [3.0]);
}
