//! `mql-studio sql` on real engines: DuckDB, PostgreSQL and Spark run the compiled query on the
//! same leads and events as `mql-studio score`, and every lead's numbers, status, grade and fired
//! rules must be equal. Cases: every bundled model on the sample leads (with the event log and
//! with count columns), the worked example of docs/model-format.md, hand-made edge cases, and
//! random valid models (the proptest generators of tests/common/arb.rs) on generated leads with
//! missing cells, odd casing, placeholders, ties at the bounds and events outside windows.
//!
//! An engine that is not set up is skipped with a visible message (and fails under CI=true):
//! `.ci/engines.sh` installs and starts them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::cli::{path_str, run, stderr};
use common::engines::{Engine, Row, available, write_case};
use common::generated_leads::{AS_OF, leads_for, random_models};
use mql_studio::format::model_to_string;

/// One scoring job: a model, leads, maybe events, and the as-of date (`None`: the default).
struct Case {
    name: String,
    model_ron: String,
    leads_csv: String,
    events_csv: Option<String>,
    as_of: Option<&'static str>,
    /// The SQL reads each lead's as-of date from this column instead (`--as-of-column`).
    as_of_column: Option<&'static str>,
}

const EVENT_COLUMNS: &str = "Lead ID,Activity,Timestamp";

/// What `mql-studio score` gives for a case, from its JSON output (exact values).
fn expected(dir: &Path, case: &Case) -> Vec<Row> {
    let mut args = vec![
        "score".to_owned(),
        "--model".to_owned(),
        path_str(&dir.join("model.ron")).to_owned(),
        "--leads".to_owned(),
        path_str(&dir.join("leads.csv")).to_owned(),
        "--out".to_owned(),
        path_str(&dir.join("expected.json")).to_owned(),
    ];
    if case.events_csv.is_some() {
        args.extend([
            "--events".to_owned(),
            path_str(&dir.join("events.csv")).to_owned(),
        ]);
    }
    if let Some(as_of) = case.as_of {
        args.extend(["--as-of".to_owned(), as_of.to_owned()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&refs);
    assert!(
        output.status.success(),
        "{}: score failed: {}",
        case.name,
        stderr(&output)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|r| Row {
            id: r["id"].as_str().unwrap().to_owned(),
            fit: r["fit"].as_f64().unwrap(),
            engagement: r["engagement"].as_f64().unwrap(),
            score: r["score"].as_f64().unwrap(),
            status: r["status"].as_str().unwrap().to_owned(),
            grade: r["grade"].as_str().unwrap().to_owned(),
            fired_rules: r["fired_rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(";"),
        })
        .collect()
}

/// The compiled query for a case, by the CLI (`Err`: the refusal's message).
fn compile(dir: &Path, case: &Case, engine: Engine) -> Result<String, String> {
    let out = dir.join(format!("query-{}.sql", engine.code()));
    let mut args = vec![
        "sql".to_owned(),
        "--model".to_owned(),
        path_str(&dir.join("model.ron")).to_owned(),
        "--dialect".to_owned(),
        engine.code().to_owned(),
        "--leads-header".to_owned(),
        path_str(&dir.join("leads.csv")).to_owned(),
        "--out".to_owned(),
        path_str(&out).to_owned(),
    ];
    if case.events_csv.is_some() {
        args.extend([
            "--events-table".to_owned(),
            "events".to_owned(),
            "--events-columns".to_owned(),
            EVENT_COLUMNS.to_owned(),
        ]);
    }
    match (case.as_of_column, case.as_of) {
        (Some(column), _) => args.extend(["--as-of-column".to_owned(), column.to_owned()]),
        (None, Some(as_of)) => args.extend(["--as-of".to_owned(), as_of.to_owned()]),
        (None, None) => {}
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&refs);
    if output.status.success() {
        Ok(std::fs::read_to_string(out).unwrap())
    } else {
        Err(stderr(&output))
    }
}

/// Differences between the CLI's rows and an engine's, by lead id (at most 5 listed).
fn differences(expected: &[Row], got: &[Row]) -> Vec<String> {
    let mut problems = Vec::new();
    if expected.len() != got.len() {
        problems.push(format!("{} rows, expected {}", got.len(), expected.len()));
    }
    let by_id: HashMap<&str, &Row> = got.iter().map(|r| (r.id.as_str(), r)).collect();
    for want in expected {
        let same = by_id.get(want.id.as_str()).is_some_and(|row| {
            // `==` on the numbers: -0 and 0 are the same score.
            row.fit == want.fit
                && row.engagement == want.engagement
                && row.score == want.score
                && row.status == want.status
                && row.grade == want.grade
                && row.fired_rules == want.fired_rules
        });
        if !same {
            problems.push(format!(
                "lead {:?}: engine {:?}, CLI {want:?}",
                want.id,
                by_id.get(want.id.as_str())
            ));
        }
    }
    problems.truncate(5);
    problems
}

/// Runs every case on every available engine and checks the results; gives, per engine, how
/// many cases ran and how many were refused (at compile time or, for a column whose type the
/// query learns from the data, while running).
fn check(cases: &[Case], scratch: &Path) -> Vec<(Engine, usize, usize)> {
    let mut summary = Vec::new();
    let mut expectations = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let dir = scratch.join(format!("case-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("model.ron"), &case.model_ron).unwrap();
        std::fs::write(dir.join("leads.csv"), &case.leads_csv).unwrap();
        if let Some(events) = &case.events_csv {
            std::fs::write(dir.join("events.csv"), events).unwrap();
        }
        expectations.push((dir.clone(), expected(&dir, case)));
    }
    let mut failures = Vec::new();
    for engine in Engine::ALL {
        let Some(runner) = available(engine) else {
            continue;
        };
        let mut dirs = Vec::new();
        let mut which = Vec::new();
        let mut refused = 0;
        for (i, case) in cases.iter().enumerate() {
            let (dir, _) = &expectations[i];
            match compile(dir, case, engine) {
                Ok(query) => {
                    dirs.push(write_case(
                        &dir.join(engine.code()),
                        &case.leads_csv,
                        case.events_csv.as_deref(),
                        &query,
                    ));
                    which.push(i);
                }
                Err(message) => {
                    assert!(
                        message.contains("rule `"),
                        "{}: {}: a refusal names the rule: {message}",
                        case.name,
                        engine.code()
                    );
                    refused += 1;
                }
            }
        }
        let results = runner.run(&dirs);
        for (result, &i) in results.iter().zip(&which) {
            let case = &cases[i];
            match result {
                Ok(rows) => {
                    let problems = differences(&expectations[i].1, rows);
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{} on {} ({}):\n  {}",
                            case.name,
                            engine.code(),
                            dirs[which.iter().position(|w| *w == i).unwrap()].display(),
                            problems.join("\n  ")
                        ));
                    }
                }
                Err(message) if message.contains("mql-studio: rule `") => refused += 1,
                Err(message) => failures.push(format!(
                    "{} on {}: the query failed: {}",
                    case.name,
                    engine.code(),
                    message.chars().take(600).collect::<String>()
                )),
            }
        }
        summary.push((engine, cases.len(), refused));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    summary
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mql-sql-engines-{name}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn every_bundled_model_scores_the_sample_leads_as_the_cli_does() {
    let leads = repo_file("assets/leads.csv");
    let events = repo_file("assets/events.csv");
    let mut cases = Vec::new();
    let mut models: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
    models.sort();
    assert!(models.len() >= 10);
    for path in &models {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let model_ron = std::fs::read_to_string(path).unwrap();
        cases.push(Case {
            name: format!("{name} with the event log"),
            model_ron: model_ron.clone(),
            leads_csv: leads.clone(),
            events_csv: Some(events.clone()),
            as_of: Some("2026-11-01"),
            as_of_column: None,
        });
        cases.push(Case {
            name: format!("{name} with count columns"),
            model_ron,
            leads_csv: leads.clone(),
            events_csv: None,
            as_of: None,
            as_of_column: None,
        });
    }
    // The default as-of date: the latest event's day.
    cases.push(Case {
        name: "default model, default as-of".to_owned(),
        model_ron: repo_file("models/default.ron"),
        leads_csv: leads,
        events_csv: Some(events),
        as_of: None,
        as_of_column: None,
    });
    for (engine, ran, refused) in check(&cases, &scratch("bundled")) {
        assert_eq!(refused, 0, "{}: no bundled model is refused", engine.code());
        assert_eq!(ran, cases.len());
    }
}

/// The ```ron and ```csv blocks of the worked example in docs/model-format.md.
fn worked_example() -> (String, String, String) {
    let doc = repo_file("docs/model-format.md");
    let start = doc.find("## Worked example").unwrap();
    let end = doc[start..]
        .find("\n## 6.")
        .map_or(doc.len(), |e| start + e);
    let text = &doc[start..end];
    let block = |lang: &str, n: usize| {
        let fence = format!("```{lang}\n");
        let from = text.match_indices(&fence).nth(n).unwrap().0 + fence.len();
        let to = from + text[from..].find("```").unwrap();
        text[from..to].to_owned()
    };
    (block("ron", 0), block("csv", 0), block("csv", 1))
}

#[test]
fn the_worked_example_scores_as_documented_on_every_engine() {
    let (model_ron, leads_csv, events_csv) = worked_example();
    let events_csv = events_csv.replacen(events_csv.lines().next().unwrap(), EVENT_COLUMNS, 1);
    let cases = vec![
        Case {
            name: "worked example with events".to_owned(),
            model_ron: model_ron.clone(),
            leads_csv: leads_csv.clone(),
            events_csv: Some(events_csv),
            as_of: Some("2026-03-31"),
            as_of_column: None,
        },
        Case {
            name: "worked example with count columns".to_owned(),
            model_ron,
            leads_csv,
            events_csv: None,
            as_of: None,
            as_of_column: None,
        },
    ];
    check(&cases, &scratch("worked"));
}

#[test]
fn random_valid_models_score_generated_leads_as_the_cli_does() {
    let count: usize = std::env::var("MQL_SQL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    let mut rng = fastrand::Rng::with_seed(14);
    let mut cases = Vec::new();
    for (i, model) in random_models(count, 7).into_iter().enumerate() {
        let with_events = i % 2 == 0;
        let (leads_csv, events_csv) = leads_for(&model, &mut rng, with_events);
        cases.push(Case {
            name: format!(
                "random model {i} ({})",
                if with_events {
                    "events"
                } else {
                    "count columns"
                }
            ),
            model_ron: model_to_string(&model).unwrap(),
            leads_csv,
            events_csv,
            as_of: Some(AS_OF),
            as_of_column: None,
        });
    }
    for (engine, ran, refused) in check(&cases, &scratch("random")) {
        // Refusals (ContainsAny on a number or date column) must stay the exception, or the test
        // would check little.
        assert!(
            refused * 4 <= ran,
            "{}: {refused} of {ran} cases refused",
            engine.code()
        );
    }
}

// --- Hand-made edge cases ----------------------------------------------------------------------

/// Rounding half-way cases (0.125 → 0.13, 1.005 → 1), a total exactly at the threshold, a gate,
/// windows with events on their last day and the day after, events after the as-of day, decay,
/// offsets that move an event's UTC day, placeholders, whole words, and a count column holding
/// 1e300.
const EDGE_MODEL: &str = r#"#![enable(implicit_some)]
(
    format_version: "1.0",
    name: "Edge cases",
    fields: [(name: "Employees", kind: Number), (name: "Is Competitor", kind: Bool)],
    fit: (max_points: 60.0, rules: [
        (id: "f-gold", field: "Tier", condition: Equals("Gold"), points: 0.125),
        (id: "f-silver", field: "Tier", condition: Equals("silver"), points: 1.005),
        (id: "f-size", field: "Employees", condition: Between(min: 200.0, max: 5000.0), points: 20.0),
        (id: "f-title", field: "Title", condition: ContainsAny(["VP", "@gmail."]), points: 10.0),
        (id: "f-no-region", field: "Region", condition: IsMissing, points: 5.0),
        (id: "f-not-edu", field: "Industry", condition: NotOneOf(["Education"]), points: 4.875),
    ]),
    engagement: (max_points: 40.0, rules: [
        (id: "e-views", activity: "pricing_view", points: 2.5, cap: 10.0, window_days: 14),
        (id: "e-webinar", activity: "Webinar", counting: Once, points: 10.0, window_days: 60, half_life_days: 7.0),
        (id: "e-booth", activity: "booth", counting: AtLeast(3), points: 15.0),
        (id: "e-decay", activity: "webinar", points: 3.3, half_life_days: 3.0),
    ]),
    overrides: [
        (id: "o-competitor", action: Disqualify, when: [Field(field: "Is Competitor", condition: IsTrue)]),
        (id: "o-demo", action: FastTrack, when: [Activity(activity: "demo_request", at_least: 1, window_days: 30)]),
    ],
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 60.0,
              nurture_band: 10.0, min_engagement: 5.0),
)
"#;

const EDGE_LEADS: &str = "Lead ID,Tier,Employees,Title,Region,Industry,Is Competitor,pricing_view,Webinar,booth,demo_request
L1,gold,250,VP Sales,,Software,no,4,1,3,0
L2, SILVER ,5000,EMEA vp-sales,N/A,education,no,1e300,yes,2,0
L3,Gold,199,SVP Marketing,EMEA,EDUCATION,yes,2,no,5,1
L4,silver,200,ann@gmail.com,select,,false,-3,2.5,3,0
L5,bronze,,Marketing Intern,APAC,Retail,,0,,,
L6,gold,4999.99,VP,-,Software,true,1,1,3,2
L7,silver,1e3,\"VP, Sales\",NA,Fintech,0,5,0,0,0
L8,gold,250,VP,,Software,no,2,0,3,0
";

/// Ages on 2026-06-15: pricing views at 0, 13 (the window's last day), 14 (outside), -1 (after
/// the as-of day); webinars at 0, 7, 59, 60; timestamps whose UTC day differs from the text's.
const EDGE_EVENTS: &str = "Lead ID,Activity,Timestamp
L1,pricing_view,2026-06-15
L1,pricing_view,2026-06-02
L1,pricing_view,2026-06-01
L1,Pricing_View ,2026-06-16
L1,webinar,2026-06-08T10:00:00Z
L1,WEBINAR,2026-06-15 09:00
L2,webinar,2026-04-17
L2,webinar,2026-04-16
L2,booth,2026-06-01
L2,booth,2026-06-01
L2,booth,2026-06-01
L3,demo_request,2026-05-16
L3,pricing_view,2026-06-14T23:30:00-02:00
L4,demo_request,2026-05-17T00:30+14:00
L4,pricing_view,2026/06/15
L6,webinar,2026-06-15T23:59:59+00:00
L6,webinar,2026-06-01
L6,booth,2025-01-01
L6,booth,2026-06-15
L6,booth,2026-06-15T12:00:00.123456789Z
L7,pricing_view,2026-06-03
L7,pricing_view,2026-06-03
L7,pricing_view,2026-06-03
L7,pricing_view,2026-06-03
L7,webinar,2026-06-14
L7,webinar,2026-06-12
L7,webinar,2026-06-10
";

#[test]
fn edge_cases_of_rounding_ties_windows_and_days_score_as_the_cli_does() {
    let cases = vec![
        Case {
            name: "edge cases with events".to_owned(),
            model_ron: EDGE_MODEL.to_owned(),
            leads_csv: EDGE_LEADS.to_owned(),
            events_csv: Some(EDGE_EVENTS.to_owned()),
            as_of: Some(AS_OF),
            as_of_column: None,
        },
        Case {
            name: "edge cases with count columns".to_owned(),
            model_ron: EDGE_MODEL.to_owned(),
            leads_csv: EDGE_LEADS.to_owned(),
            events_csv: None,
            as_of: None,
            as_of_column: None,
        },
        // Each lead's own as-of date, written three ways, all the same day.
        Case {
            name: "edge cases with an as-of column".to_owned(),
            model_ron: EDGE_MODEL.to_owned(),
            leads_csv: EDGE_LEADS
                .lines()
                .enumerate()
                .map(|(i, line)| {
                    let as_of = ["As Of", "2026-06-15", "2026/06/15", "2026-06-15T23:00:00Z"];
                    format!("{line},{}\n", as_of[if i == 0 { 0 } else { 1 + i % 3 }])
                })
                .collect(),
            events_csv: Some(EDGE_EVENTS.to_owned()),
            as_of: Some(AS_OF),
            as_of_column: Some("As Of"),
        },
    ];
    let dir = scratch("edges");
    for (_, _, refused) in check(&cases, &dir) {
        assert_eq!(refused, 0);
    }
    // The cases are what they say: a half-way fit, a total at the threshold, the gate.
    let rows = expected(&dir.join("case-1"), &cases[1]);
    let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row("L3").fit, 0.13, "0.125 rounds half away from zero");
    assert_eq!(row("L5").fit, 4.88, "4.875 too");
    assert_eq!(
        (row("L8").score, row("L8").status.as_str()),
        (60.0, "mql"),
        "at the threshold"
    );
}

#[test]
fn a_column_the_sql_cannot_test_as_the_cli_does_stops_the_query_with_the_rules_name() {
    // ContainsAny on an undeclared column: its type is only known when the query runs; here it
    // is numbers, whose display text the SQL does not reproduce, so the query stops.
    let model = EDGE_MODEL.replace(
        r#"(id: "f-title", field: "Title""#,
        r#"(id: "f-employees-text", field: "pricing_view""#,
    );
    let case = Case {
        name: "ContainsAny on numbers".to_owned(),
        model_ron: model,
        leads_csv: EDGE_LEADS.to_owned(),
        events_csv: None,
        as_of: None,
        as_of_column: None,
    };
    let dir = scratch("refusal");
    std::fs::write(dir.join("model.ron"), &case.model_ron).unwrap();
    std::fs::write(dir.join("leads.csv"), &case.leads_csv).unwrap();
    for engine in Engine::ALL {
        let Some(runner) = available(engine) else {
            continue;
        };
        let query = compile(&dir, &case, engine).unwrap();
        let case_dir = write_case(&dir.join(engine.code()), &case.leads_csv, None, &query);
        let error = runner.run_one(&case_dir).expect_err("the query stops");
        assert!(
            error.contains("mql-studio: rule `f-employees-text`: ContainsAny on a number column"),
            "{}: {error}",
            engine.code()
        );
    }
}
