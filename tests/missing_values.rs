//! The model's `missing_values` ("Select", "N/A", "-" mean "unknown"): a text cell on the list
//! is missing for every rule, on both scoring paths, in "test a record", in the import check and
//! in validation; the list is read, defaulted and written as `docs/model-format.md` §2 says.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use mql_studio::diff::diff_models;
use mql_studio::edit::{EditError, ModelEdit};
use mql_studio::format::{model_from_str, model_to_string};
use mql_studio::inspect::inspect;
use mql_studio::leads::LeadSet;
use mql_studio::model::{
    Condition, DEFAULT_MISSING_VALUES, FieldKind, FieldSpec, Model, OverrideAction, SignOff, Team,
    default_missing_values,
};
use mql_studio::record::{Record, explain_record};
use mql_studio::scoring::{Evaluation, MissingValues, coverage_problems, explain, score_all};
use mql_studio::validate::{Severity, validate};
use proptest::prelude::*;

use common::leads::leads_with_fields;
use common::rules::{field_is, fit_rule, override_rule};
use common::scoring::score_both_ways;

/// Leads with placeholders in a text field (`industry`), in a field of numbers written as text
/// (`visits`, undeclared, so a `-` makes it a text column) and in a yes/no field written as
/// text (`opted_in`).
const LEADS: &str = "Lead ID,Industry,Visits,Opted In,Employees
L1,Software,12,yes,250
L2,Select,-,Select,0
L3, N/A ,n/a,none,
L4,,30,no,40
L5,SELECT,5,yes,0
L6,Other,Select,N/A,10
";

/// One rule per kind of condition on the placeholder columns, 1, 2, 4, … points each, so the
/// fit points say which fired.
fn model() -> Model {
    let mut model = Model::new("placeholders");
    model.fields = vec![FieldSpec {
        name: "employees".to_owned(),
        kind: FieldKind::Number,
        aliases: Vec::new(),
    }];
    model.fit.max_points = 10_000.0;
    let conditions = [
        ("industry", Condition::IsMissing),
        ("industry", Condition::Equals("Select".to_owned())),
        (
            "industry",
            Condition::OneOf(vec!["Select".to_owned(), "Software".to_owned()]),
        ),
        ("industry", Condition::NotOneOf(vec!["Software".to_owned()])),
        (
            "industry",
            Condition::ContainsAny(vec!["select".to_owned()]),
        ),
        ("visits", Condition::AtLeast(0.0)),
        ("visits", Condition::IsMissing),
        ("opted_in", Condition::IsTrue),
        ("opted_in", Condition::IsFalse),
        ("opted_in", Condition::IsMissing),
        ("employees", Condition::AtMost(0.0)),
    ];
    for (i, (field, condition)) in conditions.into_iter().enumerate() {
        model.fit.rules.push(fit_rule(
            &format!("r{i}"),
            field,
            condition,
            f64::from(1u32 << i),
        ));
    }
    model
}

fn leads(model: &Model) -> LeadSet {
    leads_with_fields(LEADS, model.fields.clone())
}

/// The ids of the fit rules that fired for each lead, on the column path.
fn fired(model: &Model, set: &LeadSet) -> Vec<Vec<String>> {
    let evaluation = Evaluation::new(model, set, 0);
    (0..set.len())
        .map(|row| {
            evaluation
                .fired_rule_ids(model, row)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_placeholder_is_missing_for_every_condition_on_both_paths() {
    let model = model();
    assert_eq!(model.missing_values, default_missing_values());
    let set = leads(&model);
    score_both_ways(&model, &set, 0);
    let fired = fired(&model, &set);
    // L1: a real industry, visits and a yes.
    assert_eq!(fired[0], ids(&["r2", "r5", "r7"]));
    // L2: "Select" everywhere is missing: IsMissing holds, Equals/OneOf("Select") and
    // ContainsAny("select") do not, NotOneOf does not (a missing value), "-" is no number.
    assert_eq!(fired[1], ids(&["r0", "r6", "r9", "r10"]));
    // L3: " N/A ", "n/a" and "none", trimmed and in any case.
    assert_eq!(fired[2], ids(&["r0", "r6", "r9"]));
    // L4: an empty cell is missing as before; "no" is a value.
    assert_eq!(fired[3], ids(&["r0", "r5", "r8"]));
    // L5: "SELECT" is "select"; 5 visits; the number 0 in a number column is a value.
    assert_eq!(fired[4], ids(&["r0", "r5", "r7", "r10"]));
    // L6: "Other" is a value (NotOneOf holds); "Select" visits and "N/A" opt-in are missing.
    assert_eq!(fired[5], ids(&["r3", "r6", "r9"]));
}

#[test]
fn an_empty_list_reads_every_placeholder_as_a_value() {
    let mut model = model();
    model.missing_values.clear();
    let set = leads(&model);
    score_both_ways(&model, &set, 0);
    let fired = fired(&model, &set);
    // L2's "Select" equals "Select" and is one of ("Select", "Software"), contains "select",
    // is not "Software"; its visits "-" are present but not a number.
    assert_eq!(fired[1], ids(&["r1", "r2", "r3", "r4", "r10"]));
    // L4's empty cells are still missing.
    assert_eq!(fired[3], ids(&["r0", "r5", "r8"]));
}

#[test]
fn the_list_never_applies_to_number_yes_no_or_date_cells() {
    let mut model = model();
    // "0" is on the list, but `employees` is a number column: 0 is a value.
    model.missing_values.push("0".to_owned());
    let set = leads(&model);
    score_both_ways(&model, &set, 0);
    let fired = fired(&model, &set);
    assert!(fired[1].contains(&"r10".to_owned()), "{:?}", fired[1]);
    let warnings: Vec<String> = validate(&model)
        .into_iter()
        .filter(|p| p.path.starts_with("missing_values"))
        .map(|p| p.message)
        .collect();
    assert_eq!(
        warnings,
        [
            "`0` reads as a number, yes/no or date: it counts as missing only in columns of text, not in number, yes/no or date columns"
        ]
    );
}

#[test]
fn overrides_read_placeholders_as_missing_too() {
    let mut model = model();
    model.overrides.push(override_rule(
        "dq-unknown-industry",
        OverrideAction::Disqualify,
        vec![field_is("industry", Condition::IsMissing)],
    ));
    model.overrides.push(override_rule(
        "dq-select",
        OverrideAction::Disqualify,
        vec![field_is("industry", Condition::Equals("Select".to_owned()))],
    ));
    let set = leads(&model);
    let scores = score_both_ways(&model, &set, 0);
    let evaluation = Evaluation::new(&model, &set, 0);
    let disqualified: Vec<bool> = (0..set.len())
        .map(|row| {
            evaluation
                .fired_overrides(&model, row)
                .iter()
                .any(|o| o.id == "dq-unknown-industry")
        })
        .collect();
    assert_eq!(disqualified, [false, true, true, true, true, false]);
    assert!((0..set.len()).all(|row| {
        evaluation
            .fired_overrides(&model, row)
            .iter()
            .all(|o| o.id != "dq-select")
    }));
    assert_eq!(scores.len(), 6);
}

#[test]
fn the_explanation_says_the_cell_was_read_as_missing() {
    let model = model();
    let set = leads(&model);
    let explanation = explain(&model, &set, 1, 0);
    let rule = explanation.rules.iter().find(|r| r.id == "r0").unwrap();
    assert!(rule.fired);
    assert_eq!(
        rule.detail,
        "industry is \"Select\" (read as missing); rule: is missing"
    );
    // An empty cell says "missing", as before.
    let explanation = explain(&model, &set, 3, 0);
    let rule = explanation.rules.iter().find(|r| r.id == "r0").unwrap();
    assert_eq!(rule.detail, "industry is missing; rule: is missing");
}

#[test]
fn editing_the_list_re_evaluates_the_rules_that_read_text_and_nothing_else() {
    let mut model = model();
    let set = leads(&model);
    let mut evaluation = Evaluation::new(&model, &set, 0);
    // Points alone: nothing to evaluate.
    model.fit.rules[0].points = 3.0;
    assert_eq!(evaluation.refresh(&model, &set), 0);
    // The list: every rule on a text column (industry, visits, opted_in), not `employees`.
    assert_eq!(
        model.apply(ModelEdit::SetMissingValues(vec!["select".to_owned()])),
        Ok(true)
    );
    assert_eq!(evaluation.refresh(&model, &set), 10);
    let fresh = Evaluation::new(&model, &set, 0);
    assert_eq!(evaluation.fit_matches, fresh.fit_matches);
    assert_eq!(score_all(&model, &evaluation), score_all(&model, &fresh));
    // The same list written otherwise (case, spaces, order, repeats) decides the same.
    model.missing_values = vec![" SELECT".to_owned(), "select".to_owned()];
    assert_eq!(evaluation.refresh(&model, &set), 0);
    score_both_ways(&model, &set, 0);
}

#[test]
fn the_list_is_an_edit_like_any_other_and_a_signed_model_refuses_it() {
    let mut model = model();
    assert_eq!(
        model.apply(ModelEdit::SetMissingValues(default_missing_values())),
        Ok(false),
        "the same list changes nothing"
    );
    assert_eq!(
        model.missing_values_with(" SELECT "),
        None,
        "already listed, ignoring case and spaces"
    );
    assert_eq!(model.missing_values_with("  "), None);
    let with_tbd = model.missing_values_with(" TBD ").unwrap();
    assert_eq!(with_tbd.last().map(String::as_str), Some("TBD"));
    // Compare and the change history name the entries that changed.
    let mut edited = model.clone();
    assert_eq!(
        edited.apply(ModelEdit::SetMissingValues(with_tbd[1..].to_vec())),
        Ok(true)
    );
    assert_eq!(
        diff_models(&model, &edited).settings,
        ["missing values: added \"TBD\"; removed \"select\""]
    );
    model.sign(SignOff {
        team: Team::Marketing,
        person: "Ann".to_owned(),
        date: "2026-01-01".to_owned(),
        comment: String::new(),
    });
    assert_eq!(
        model.apply(ModelEdit::SetMissingValues(with_tbd)),
        Err(EditError::Signed)
    );
}

#[test]
fn a_typed_record_reads_a_placeholder_as_missing() {
    let model = common::default_model();
    let mut with_industry = model.clone();
    with_industry.fit.rules.push(fit_rule(
        "fit-no-industry",
        "industry",
        Condition::IsMissing,
        5.0,
    ));
    let mut record = Record::default();
    record.values.insert("Industry".into(), "Select".into());
    let explanation = explain_record(&with_industry, &record, 20_000).unwrap();
    let rule = |id: &str| explanation.rules.iter().find(|r| r.id == id).unwrap().fired;
    assert!(rule("fit-no-industry"));
    record.values.insert("Industry".into(), "Software".into());
    let explanation = explain_record(&with_industry, &record, 20_000).unwrap();
    assert!(
        !explanation
            .rules
            .iter()
            .find(|r| r.id == "fit-no-industry")
            .unwrap()
            .fired
    );
}

#[test]
fn a_model_file_without_the_field_gets_the_defaults_and_an_empty_list_stays_empty() {
    let text = r#"(
    format_version: "1.0",
    name: "m",
    fit: (max_points: 60.0),
    engagement: (max_points: 40.0),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)"#;
    let omitted = model_from_str(text).unwrap();
    assert_eq!(omitted.missing_values, default_missing_values());
    assert_eq!(
        DEFAULT_MISSING_VALUES,
        [
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
            "not available"
        ]
    );
    // Written out in full, after `fields`, and read back the same.
    let written = model_to_string(&omitted).unwrap();
    let fields = written.find("\n    fields:").unwrap();
    let missing = written.find("\n    missing_values: [").unwrap();
    let fit = written.find("\n    fit:").unwrap();
    assert!(fields < missing && missing < fit, "{written}");
    assert!(written.contains("\"not provided\","), "{written}");
    assert_eq!(model_from_str(&written).unwrap(), omitted);
    // An explicit empty list turns the feature off, and stays so through a round trip.
    let empty =
        model_from_str(&text.replace("name: \"m\",", "name: \"m\",\n    missing_values: [],"))
            .unwrap();
    assert!(empty.missing_values.is_empty());
    let written = model_to_string(&empty).unwrap();
    assert!(written.contains("missing_values: [],"), "{written}");
    assert_eq!(model_from_str(&written).unwrap(), empty);
    // A list of one's own is kept as written.
    let own = model_from_str(&text.replace(
        "name: \"m\",",
        "name: \"m\",\n    missing_values: [\"TBD\", \"Select\"],",
    ))
    .unwrap();
    assert_eq!(own.missing_values, ["TBD", "Select"]);
    assert_eq!(
        model_from_str(&model_to_string(&own).unwrap()).unwrap(),
        own
    );
}

#[test]
fn validation_warns_about_blank_repeated_entries_and_conditions_that_name_one() {
    let mut model = model();
    model.missing_values = vec![
        "Select".to_owned(),
        " ".to_owned(),
        "select ".to_owned(),
        "N/A".to_owned(),
    ];
    let problems = validate(&model);
    assert!(
        problems.iter().all(|p| p.severity == Severity::Warning),
        "{problems:?}"
    );
    let at = |path: &str| -> Vec<String> {
        problems
            .iter()
            .filter(|p| p.path == path)
            .map(|p| p.message.clone())
            .collect()
    };
    assert_eq!(
        at("missing_values[1]"),
        ["an empty missing value: empty cells are missing anyway"]
    );
    assert_eq!(
        at("missing_values[2]"),
        [
            "`select ` is listed twice (missing values are compared ignoring case and surrounding spaces)"
        ]
    );
    assert_eq!(
        at("fit.rules[1].condition"),
        [
            "`Select` is on the model's list of missing values, so a cell holding it is missing and never matches: test it with IsMissing, or take it off the list"
        ]
    );
    assert_eq!(
        at("fit.rules[2].condition"),
        [
            "`Select` is on the model's list of missing values, so a cell holding it is missing and never matches: test it with IsMissing, or take it off the list"
        ]
    );
    // NotOneOf and ContainsAny may name a listed value: "none of these" still contains "none".
    assert!(at("fit.rules[3].condition").is_empty());
    assert!(at("fit.rules[4].condition").is_empty());
    model.missing_values.clear();
    assert!(validate(&model).is_empty(), "{:?}", validate(&model));
}

#[test]
fn a_rule_on_a_listed_value_says_why_it_never_fires() {
    let model = model();
    let set = leads(&model);
    let evaluation = Evaluation::new(&model, &set, 0);
    let problems = coverage_problems(&model, &set, &evaluation);
    let equals = problems
        .iter()
        .find(|p| p.rule_id.as_deref() == Some("r1"))
        .expect("Equals(\"Select\") never fires");
    assert_eq!(
        equals.message,
        "`Select` is on the model's list of missing values (a cell holding it is missing: test it with IsMissing): the rule never fires"
    );
}

#[test]
fn the_import_check_shows_what_is_read_as_missing_and_suggests_what_is_not() {
    let mut model = model();
    model
        .fit
        .rules
        .push(fit_rule("r-country", "country", Condition::IsMissing, 1.0));
    let csv = "Lead ID,Industry,Country,Notes
L1,Select,TBD,TBD
L2,Software,tbd,?
L3,Select,Spain,TBD
L4,N/A,--None--,
";
    let set = leads_with_fields(csv, model.fields.clone());
    let report = inspect(&model, &set, &[], 0);
    let column = |header: &str| report.columns.iter().find(|c| c.header == header).unwrap();
    let industry = column("Industry");
    assert_eq!(
        industry.missing_values,
        [("Select".to_owned(), 2), ("N/A".to_owned(), 1)]
    );
    assert!(industry.placeholders.is_empty());
    let country = column("Country");
    assert!(country.missing_values.is_empty());
    assert_eq!(
        country.placeholders,
        [
            ("--None--".to_owned(), 1),
            ("TBD".to_owned(), 1),
            ("tbd".to_owned(), 1)
        ]
    );
    // `Notes` is read by no rule: its placeholders are shown, not suggested.
    assert_eq!(column("Notes").placeholders.len(), 2);
    assert_eq!(report.suggested_missing_values, [("TBD".to_owned(), 2)]);
    // Once on the list, it is read as missing and no longer suggested.
    let mut with_tbd = model.clone();
    with_tbd.missing_values = model.missing_values_with("TBD").unwrap();
    let report = inspect(&with_tbd, &set, &[], 0);
    assert!(report.suggested_missing_values.is_empty());
    let country = report
        .columns
        .iter()
        .find(|c| c.header == "Country")
        .unwrap();
    assert_eq!(
        country.missing_values,
        [("TBD".to_owned(), 1), ("tbd".to_owned(), 1)]
    );
    let list = MissingValues::of(&with_tbd);
    assert!(list.contains(" tbd ") && list.contains("SELECT") && !list.contains("Spain"));
}

/// A leads CSV of random placeholder-laden rows.
fn random_leads(rows: &[(usize, usize, usize)]) -> String {
    const INDUSTRY: [&str; 8] = [
        "Software", "Select", " n/a", "", "SELECT", "Fintech", "none", "-",
    ];
    const VISITS: [&str; 6] = ["12", "-", "", "N/A", "0", "300"];
    const OPTED: [&str; 6] = ["yes", "no", "Select", "", "NULL", "true"];
    let mut csv = "Lead ID,Industry,Visits,Opted In,Employees\n".to_owned();
    for (row, (i, v, o)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "L{row},{},{},{},{}\n",
            INDUSTRY[i % INDUSTRY.len()],
            VISITS[v % VISITS.len()],
            OPTED[o % OPTED.len()],
            row * 7 % 50
        ));
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Both scoring paths agree on placeholder-laden leads, whatever the list.
    #[test]
    fn both_paths_agree_on_placeholders_for_any_list(
        rows in proptest::collection::vec((0usize..8, 0usize..6, 0usize..6), 1..40),
        list in proptest::collection::vec(
            prop_oneof![
                Just("select"), Just(" N/A "), Just("-"), Just("none"), Just("null"),
                Just("Software"), Just("0"), Just("yes"), Just("")
            ],
            0..5,
        ),
    ) {
        let default = model();
        let mut edited = default.clone();
        edited.missing_values = list.iter().map(|s| (*s).to_owned()).collect();
        let set = leads_with_fields(&random_leads(&rows), edited.fields.clone());
        score_both_ways(&edited, &set, 0);
        // And an evaluation refreshed from the default list equals a fresh one.
        let mut evaluation = Evaluation::new(&default, &set, 0);
        evaluation.refresh(&edited, &set);
        prop_assert_eq!(
            &evaluation.fit_matches,
            &Evaluation::new(&edited, &set, 0).fit_matches
        );
    }
}

/// `docs/model-format.md` states the default list and the validation messages word for word.
#[test]
fn the_default_list_and_the_warnings_are_as_documented() {
    let doc = include_str!("../docs/model-format.md");
    let start = doc
        .find("**`missing_values`.**")
        .expect("§2 documents missing_values");
    let block = doc[start..]
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the default list in a text block");
    let documented: Vec<&str> = block
        .split(", ")
        .map(|v| v.trim().trim_matches('"'))
        .collect();
    assert_eq!(documented, DEFAULT_MISSING_VALUES);
    let mut model = model();
    model.missing_values = vec![
        "Select".to_owned(),
        "".to_owned(),
        "select".to_owned(),
        "yes".to_owned(),
    ];
    let problems = validate(&model);
    for path in [
        "missing_values[1]",
        "missing_values[3]",
        "fit.rules[1].condition",
    ] {
        let problem = problems.iter().find(|p| p.path == path).unwrap();
        assert!(
            doc.contains(&problem.message),
            "the doc does not say {:?}",
            problem.message
        );
    }
    // The repeat is documented with the entry as written there.
    assert!(doc.contains(
        "`Select` is listed twice (missing values are compared ignoring case and surrounding spaces)"
    ));
    let coverage = "is on the model's list of missing values (a cell holding it is missing: test it with IsMissing)";
    let set = leads(&model);
    let evaluation = Evaluation::new(&model, &set, 0);
    assert!(
        coverage_problems(&model, &set, &evaluation)
            .iter()
            .any(|p| p.message.contains(coverage))
    );
}
