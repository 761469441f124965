//! `mql-studio calibrate` and `mql-studio diff`, run as real processes: the numbers they print
//! must be the library's numbers on the same files.
#![cfg(feature = "cli")]
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::calibration::RuleLift;
use mql_studio::calibration::quality::Rate;
use mql_studio::calibration::{
    Target, agreement, funnel, monthly_capacity_to_count, percent, rule_lift, status_change_counts,
    status_changes, suggest_threshold, threshold_sweep,
};
use mql_studio::diff::{RuleKind, diff_models};
use mql_studio::format::load_model;
use mql_studio::model::{fmt_number, fmt_signed};

mod common;

use common::cli::{path_str, run, stderr, stdout};
use common::{bundled, repo};

/// The lines of the section that starts with a line beginning with `title`, up to a blank line.
fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(title));
    let heading = lines.next();
    assert!(heading.is_some(), "no section {title:?} in:\n{text}");
    lines.take_while(|l| !l.trim().is_empty()).collect()
}

/// `29.4 %` as printed, or `–` for no rate.
fn rate_text(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), percent)
}

/// A label as the lift table shows it: cut to `width` characters, ending with `…` when cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

/// Checks one row of `calibrate`'s lift table against the library's lift of the rule.
fn lift_row(row: &str, lift: &RuleLift) -> Result<(), String> {
    let id: String = row.chars().skip(2).take(22).collect();
    if id.trim_end() != lift.id {
        return Err(format!("id {id:?}"));
    }
    let label = if lift.enabled {
        lift.label.clone()
    } else {
        format!("{} (off)", lift.label)
    };
    let shown: String = row.chars().skip(25).take(26).collect();
    if shown.trim_end() != cut(&label, 26) {
        return Err(format!("label {shown:?}"));
    }
    let rest: String = row.chars().skip(52).collect();
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    let kind = match lift.kind {
        RuleKind::Fit => "fit",
        RuleKind::Engagement => "engagement",
        RuleKind::Override => "override",
    };
    let points = lift.current_points.map_or("–".to_owned(), fmt_number);
    if tokens[..3] != [kind, points.as_str(), lift.matched.to_string().as_str()] {
        return Err(format!("kind, points, fires {:?}", &tokens[..3]));
    }
    // From the right: the suggestion, the lift, the rest's rate, the matched rate (interval).
    let suggested = match (lift.suggested_points, &lift.withheld) {
        (Some(p), _) if lift.per.is_empty() => fmt_signed(p),
        (Some(p), _) => format!("{}/occ.", fmt_signed(p)),
        (None, Some(_)) => "too few".to_owned(),
        (None, None) => "–".to_owned(),
    };
    let lift_value = lift.lift.map_or("–".to_owned(), |l| format!("{l:.2}"));
    let matched = Rate::of(lift.matched_sqls, lift.matched).text();
    let tail = rest
        .trim_end()
        .strip_suffix(&suggested)
        .map(str::trim_end)
        .and_then(|t| t.strip_suffix(&lift_value))
        .map(str::trim_end)
        .and_then(|t| t.strip_suffix(&rate_text(lift.rest_rate)))
        .map(str::trim_end)
        .and_then(|t| t.strip_suffix(&matched));
    match tail {
        Some(t) if t.trim_end().ends_with(&lift.matched.to_string()) => Ok(()),
        _ => Err(format!(
            "expected … {matched} {} {lift_value} {suggested}",
            rate_text(lift.rest_rate)
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// calibrate

#[test]
fn calibrate_prints_the_library_numbers_for_the_bundled_data() {
    let output = run(&[
        "calibrate",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
        "--target-rate",
        "0.25",
        "--target-mqls",
        "40",
        "--mqls-per-month",
        "10",
        "--period-days",
        "90",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let s = bundled("models/default.ron");

    // The funnel: each row's count, and the rates next to them.
    let f = funnel(&s.leads, &s.scores);
    let funnel_rows = section(&text, "Funnel (300 leads as of 2026-11-01");
    let count_of = |label: &str| -> usize {
        // The row whose label is followed by the count (not a longer label).
        fn after<'l>(line: &'l str, label: &str) -> Option<&'l str> {
            line.strip_prefix("  ")?.strip_prefix(label)
        }
        let line = funnel_rows
            .iter()
            .find(|l| {
                after(l, label)
                    .is_some_and(|r| r.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            })
            .unwrap_or_else(|| panic!("no funnel row {label:?}:\n{text}"));
        after(line, label)
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {line:?}"))
    };
    assert_eq!(count_of("leads"), f.leads);
    assert_eq!(count_of("MQLs"), f.mqls);
    assert_eq!(count_of("leads with an outcome"), f.with_outcome);
    assert_eq!(count_of("MQLs with an outcome"), f.mql_with_outcome);
    assert_eq!(count_of("MQLs that reached SQL"), f.mql_sqls);
    assert_eq!(count_of("MQLs that reached opp."), f.mql_opportunities);
    assert_eq!(count_of("MQLs won"), f.mql_won);
    assert_eq!(count_of("all SQLs"), f.sqls);
    assert_eq!(count_of("all won"), f.won);
    // The bundled data: 34 MQLs (9 fast-tracked + 25, as `score` reports), 10 of them SQL.
    assert_eq!((f.leads, f.mqls, f.mql_sqls, f.sqls), (300, 34, 10, 24));
    for rate in [
        format!("lead → MQL {}", rate_text(f.lead_to_mql())),
        format!(
            "MQL → SQL {}",
            Rate::of(f.mql_sqls, f.mql_with_outcome).text()
        ),
        format!("SQL → won {}", Rate::of(f.mql_won, f.mql_sqls).text()),
    ] {
        assert!(text.contains(&rate), "{rate:?} in:\n{text}");
    }
    assert!(
        text.contains(&format!("Reading: {}", f.reading().text())),
        "{text}"
    );

    // The sweep: every 5 points, and the current threshold marked.
    let sweep = threshold_sweep(&s.model, &s.leads, &s.scores);
    let rows = section(&text, "Threshold sweep");
    let mut printed = Vec::new();
    for row in rows.iter().skip(1) {
        let tokens: Vec<&str> = row.split_whitespace().collect();
        let threshold: f64 = tokens[0].parse().expect("a threshold");
        let point = sweep
            .iter()
            .find(|p| p.threshold == threshold)
            .unwrap_or_else(|| panic!("no sweep point for {row:?}"));
        assert_eq!(tokens[1], point.mqls.to_string(), "{row}");
        assert_eq!(tokens[2], point.sqls_captured.to_string(), "{row}");
        // The precision with its interval, from the point's own counts.
        assert!(
            row.contains(&format!(
                "{} {:>8}",
                Rate::of(point.sqls_captured, point.mqls_with_outcome).text(),
                rate_text(point.recall)
            )),
            "{row}"
        );
        assert_eq!(
            Rate::of(point.sqls_captured, point.mqls_with_outcome).rate,
            point.precision
        );
        if threshold == s.model.combine.mql_threshold {
            assert!(row.ends_with("← current"), "{row}");
            assert_eq!(point.mqls, f.mqls);
        }
        printed.push(threshold);
    }
    for t in (0..=100).step_by(5) {
        assert!(printed.contains(&f64::from(t)), "threshold {t} is listed");
    }

    // The suggestions, word for word, and their rows marked in the sweep.
    let capacity = monthly_capacity_to_count(10.0, 90.0);
    assert_eq!(capacity, 29, "10 × 90 / 30.4375 = 29.57 → 29");
    for (target, heading) in [
        (
            Target::MqlToSqlRate(0.25),
            "MQL → SQL at least 25 %".to_owned(),
        ),
        (Target::MqlCount(40), "at most 40 MQLs".to_owned()),
        (
            Target::MqlCount(capacity),
            format!("sales capacity 10 MQLs a month over 90 days = at most {capacity} MQLs"),
        ),
    ] {
        let suggestion = suggest_threshold(&sweep, target).expect("a suggestion");
        let threshold = fmt_number(suggestion.threshold);
        assert!(
            text.contains(&format!(
                "  {heading}: {threshold}\n    {}",
                suggestion.explanation
            )),
            "{heading} in:\n{text}"
        );
        assert!(
            rows.iter()
                .any(|r| r.trim_start().starts_with(&format!("{threshold} "))
                    && r.contains("suggested")),
            "the sweep marks {threshold}"
        );
    }

    // The rule lift table: one row per rule, in model order: its id, its label (cut to 26
    // characters), kind, points, how many leads it fires for, their SQL rate with its 95 %
    // interval, the rest's rate, the lift and the suggestion ("too few" below 30 leads).
    let lifts = rule_lift(&s.model, &s.leads, &s.evaluation);
    let rows = section(&text, "Rule lift");
    assert_eq!(rows.len(), lifts.len() + 1, "a header and one row per rule");
    for (row, lift) in rows.iter().skip(1).zip(&lifts) {
        let check = lift_row(row, lift);
        assert!(check.is_ok(), "{row}: {check:?}");
    }
    assert!(
        lifts.iter().any(|l| l.withheld.is_some()) && lifts.iter().any(|l| !l.per.is_empty()),
        "the bundled data has rules with too few leads and per-occurrence rules"
    );

    // Agreement with the sales verdicts in the file.
    let table = agreement(&s.scores, &s.leads.verdicts);
    assert!(table.judged() > 0);
    assert!(
        text.contains(&format!(
            "agreement {} ({} of {})",
            rate_text(table.rate()),
            table.agreeing(),
            table.judged()
        )),
        "{text}"
    );
    let cells = section(&text, "Agreement with sales");
    let numbers = |line: &str| -> Vec<usize> {
        line.split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect()
    };
    assert_eq!(
        numbers(cells[1]),
        [table.both_yes.len(), table.model_only.len()]
    );
    assert_eq!(
        numbers(cells[2]),
        [table.sales_only.len(), table.both_no.len()]
    );
}

#[test]
fn calibrate_without_a_target_uses_the_twenty_percent_rule() {
    let output = run(&[
        "calibrate",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let s = bundled("models/default.ron");
    let sweep = threshold_sweep(&s.model, &s.leads, &s.scores);
    let suggestion = suggest_threshold(&sweep, Target::MqlToSqlRate(0.2)).expect("a suggestion");
    assert!(text.contains(&suggestion.explanation), "{text}");
    assert!(text.contains("the rule of thumb"), "{text}");
}

#[test]
fn calibrate_without_outcomes_says_so() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let csv = dir.path().join("leads.csv");
    std::fs::write(
        &csv,
        "Lead ID,Job Title,Number of Employees,Pricing Page Views\n\
         L1,VP Sales,500,3\nL2,Analyst,20,0\n",
    )
    .expect("write");
    let output = run(&[
        "calibrate",
        "--model",
        "models/default.ron",
        "--leads",
        path_str(&csv),
        "--as-of",
        "2026-11-01",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("No MQL has a recorded outcome"), "{text}");
    assert!(text.contains("Rule lift: no lead has an outcome"), "{text}");
    assert!(text.contains("no threshold qualifies"), "{text}");
    assert!(!text.contains("Agreement with sales"), "{text}");
}

#[test]
fn calibrate_rejects_bad_targets() {
    let base = [
        "calibrate",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
    ];
    let output = run(&[&base[..], &["--target-rate", "25"]].concat());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--target-rate 25"),
        "{}",
        stderr(&output)
    );
    // A capacity needs the period it covers.
    let output = run(&[&base[..], &["--mqls-per-month", "40"]].concat());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--period-days"),
        "{}",
        stderr(&output)
    );
}

// ---------------------------------------------------------------------------------------------
// diff

#[test]
fn diff_prints_the_model_changes() {
    let output = run(&[
        "diff",
        "models/default.ron",
        "models/default-sales-proposal.ron",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let a = load_model(&repo("models/default.ron")).expect("a");
    let b = load_model(&repo("models/default-sales-proposal.ron")).expect("b");
    let lines = diff_models(&a, &b).lines();
    let mut expected = format!(
        "models/default.ron ({}) → models/default-sales-proposal.ron ({})\n{} changes:\n",
        a.name,
        b.name,
        lines.len()
    );
    for line in &lines {
        expected.push_str(&format!("  {line}\n"));
    }
    assert_eq!(text, expected);
    // The proposal: a higher bar, more weight on size, less on managers, a revenue rule.
    for change in [
        "MQL threshold 75 → 80",
        "fit rule \"Mid-market size (200-5,000)\" (fit-company-size): points 20 → 25",
        "fit rule \"Manager\" (fit-manager-title): points 10 → 5",
        "added fit rule \"Revenue 50M+\" (fit-revenue)",
    ] {
        assert!(
            lines.iter().any(|l| l == change),
            "{change:?} in {lines:#?}"
        );
    }
}

#[test]
fn the_sales_proposal_is_a_valid_model() {
    let model = load_model(&repo("models/default-sales-proposal.ron")).expect("it loads");
    let problems = mql_studio::validate::validate(&model);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn diff_with_leads_lists_the_leads_that_change_status() {
    let output = run(&[
        "diff",
        "models/default.ron",
        "models/default-sales-proposal.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let a = bundled("models/default.ron");
    let b = bundled("models/default-sales-proposal.ron");
    let changes = status_changes(&a.scores, &b.scores);
    assert!(changes.len() > 20, "the demo changes more than 20 leads");
    assert!(
        text.contains(&format!(
            "On 300 leads as of 2026-11-01: {} change status.",
            changes.len()
        )),
        "{text}"
    );
    let (fa, fb) = (funnel(&a.leads, &a.scores), funnel(&b.leads, &b.scores));
    let (ga, gb) = (
        agreement(&a.scores, &a.leads.verdicts),
        agreement(&b.scores, &b.leads.verdicts),
    );
    assert!(
        text.contains(&format!(
            "  MQLs {} → {}; MQL → SQL {} → {}; agreement with sales {} → {}\n",
            fa.mqls,
            fb.mqls,
            rate_text(fa.mql_to_sql()),
            rate_text(fb.mql_to_sql()),
            rate_text(ga.rate()),
            rate_text(gb.rate())
        )),
        "{text}"
    );

    // The count table: one row per (from, to), in the library's order.
    let counts = status_change_counts(&changes);
    let count_rows = section(&text, "  from ");
    assert_eq!(count_rows.len(), counts.len(), "{text}");
    for (row, ((from, to), count)) in count_rows.iter().zip(&counts) {
        assert_eq!(
            *row,
            format!("  {:<18} {:<18} {count:>6}", from.label(), to.label())
        );
    }

    // The first 20 changed leads, in lead order, with both scores.
    let listed = section(
        &text,
        &format!("The first 20 of {} changed leads:", changes.len()),
    );
    assert_eq!(listed.len(), 21, "a header and 20 leads");
    for (row, change) in listed.iter().skip(1).zip(&changes) {
        let tokens: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(tokens[0], a.leads.ids[change.row], "{row}");
        assert!(row.contains(change.before.label()), "{row}");
        assert!(row.contains(change.after.label()), "{row}");
        assert_eq!(
            tokens[tokens.len() - 2],
            fmt_number(a.scores[change.row].score)
        );
        assert_eq!(
            tokens[tokens.len() - 1],
            fmt_number(b.scores[change.row].score)
        );
    }
}

#[test]
fn diff_of_a_model_with_itself() {
    let output = run(&[
        "diff",
        "models/default.ron",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("no differences\n"), "{text}");
    assert!(text.contains(": 0 change status."), "{text}");
    assert!(!text.contains("changed leads"), "{text}");
}

#[test]
fn diff_needs_leads_for_events() {
    let output = run(&[
        "diff",
        "models/default.ron",
        "models/default.ron",
        "--events",
        "assets/events.csv",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--leads"), "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------------
// docs/calibration.md

#[test]
fn the_numbers_in_the_calibration_page_are_the_library_numbers() {
    let page = std::fs::read_to_string(repo("docs/calibration.md")).expect("the page");
    let s = bundled("models/default.ron");

    // The funnel and its reading.
    let f = funnel(&s.leads, &s.scores);
    assert_eq!(
        (
            f.leads,
            f.mqls,
            f.mql_with_outcome,
            f.mql_sqls,
            f.mql_won,
            f.sqls
        ),
        (300, 34, 34, 10, 6, 24)
    );
    assert!(page.contains("34 MQLs (lead → MQL 34 / 300 = 11.3 %)"));
    assert!(page.contains("(MQL → SQL 10 / 34 = 29.4 %) and 6 were won (SQL → won 6 / 10 = 60 %)"));
    assert!(matches!(
        f.reading(),
        mql_studio::calibration::Reading::Healthy { .. }
    ));

    // The sweep at 0 and at 75.
    let sweep = threshold_sweep(&s.model, &s.leads, &s.scores);
    assert_eq!((sweep[0].mqls, sweep[0].sqls_captured), (208, 23));
    let disqualified = s
        .scores
        .iter()
        .filter(|x| x.status == mql_studio::scoring::Status::Disqualified)
        .count();
    assert_eq!(disqualified, 14);
    let gated = s
        .scores
        .iter()
        .filter(|x| {
            !matches!(
                x.status,
                mql_studio::scoring::Status::Disqualified
                    | mql_studio::scoring::Status::FastTracked
            ) && !mql_studio::scoring::gates_pass(&s.model, x.fit, x.engagement)
        })
        .count();
    assert_eq!(gated, 78);
    assert!(page.contains("At 0 it has 208 MQLs (not 300: 14"));
    assert_eq!((sweep[75].mqls, sweep[75].sqls_captured), (34, 10));

    // The suggestions.
    let rate = suggest_threshold(&sweep, Target::MqlToSqlRate(0.25)).expect("a threshold");
    assert_eq!(
        (rate.threshold, rate.point.mqls, rate.point.sqls_captured),
        (55.0, 83, 22)
    );
    let count = suggest_threshold(
        &sweep,
        Target::MqlCount(monthly_capacity_to_count(10.0, 90.0)),
    )
    .expect("a threshold");
    assert_eq!(
        (count.threshold, count.point.mqls, count.point.sqls_captured),
        (77.0, 29, 7)
    );
    assert_eq!(monthly_capacity_to_count(40.0, 90.0), 118);
    assert!(page.contains("first at **55** (83 MQLs, 22 SQLs, 26.5 %, recall 91.7 %)"));
    assert!(page.contains("first at **77** (29 MQLs, 7 SQLs, 24.1 %)"));

    // The worked example and the trial rule.
    let lifts = rule_lift(&s.model, &s.leads, &s.evaluation);
    let lift = |id: &str| {
        lifts
            .iter()
            .find(|l| l.id == id)
            .unwrap_or_else(|| panic!("no rule {id}"))
    };
    let senior = lift("fit-senior-title");
    assert_eq!(
        (
            senior.matched,
            senior.matched_sqls,
            senior.rest,
            senior.rest_sqls
        ),
        (107, 13, 193, 11)
    );
    let ratio = mql_studio::calibration::smoothed_odds_ratio(13, 94, 11, 182).expect("a ratio");
    assert!((ratio - 2.140).abs() < 0.001, "{ratio}");
    assert_eq!(senior.suggested_points, Some(11.0));
    assert_eq!(
        senior.lift.map(|l| format!("{l:.2}")),
        Some("2.13".to_owned())
    );
    let trial = lift("eng-trial");
    assert_eq!(
        (
            trial.matched,
            trial.matched_sqls,
            trial.rest,
            trial.rest_sqls
        ),
        (14, 1, 286, 23)
    );
    // 14 leads are fewer than the 30 points are suggested from; the page's pseudo-count example
    // computes what the smoothed odds ratio would say.
    assert_eq!(trial.suggested_points, None);
    assert!(trial.withheld.is_some());
    assert_eq!(
        mql_studio::calibration::points_from_odds(1, 13, 23, 263),
        Some(-1.0)
    );
    assert_eq!(
        Rate::of(trial.matched_sqls, trial.matched).text(),
        "7.1 % (1.3–31.5 %)"
    );
    assert!(page.contains("10 × log2 0.934 = -0.99 → -1."));
    assert!(page.contains("reads\n`too few`, with its rate 7.1 % (1.3–31.5 %)"));
    assert!(page.contains("× 10 = 10.97 → **+11 points**"));
    assert_eq!(
        Rate::of(senior.matched_sqls, senior.matched).text(),
        "12.1 % (7.2–19.7 %)"
    );
    assert!(page.contains("`12.1 % (7.2–19.7 %)`"));
    // Agreement, and the sales proposal.
    let table = agreement(&s.scores, &s.leads.verdicts);
    assert_eq!(
        [
            table.both_yes.len(),
            table.model_only.len(),
            table.sales_only.len(),
            table.both_no.len()
        ],
        [9, 3, 40, 76]
    );
    assert!(page.contains("9 / 3 / 40 / 76, agreement 85 / 128 = 66.4 %"));
    let b = bundled("models/default-sales-proposal.ron");
    let fb = funnel(&b.leads, &b.scores);
    assert_eq!(status_changes(&s.scores, &b.scores).len(), 32);
    assert_eq!(fb.mqls, 29);
    assert_eq!(fb.mql_to_sql().map(percent), Some("24.1 %".to_owned()));
    let gb = agreement(&b.scores, &b.leads.verdicts);
    assert_eq!(gb.rate().map(percent), Some("64.1 %".to_owned()));
    assert!(page.contains("changes 32 leads: MQLs 34 → 29, but MQL → SQL falls from 29.4 %"));
    assert!(page.contains("from 66.4 % to 64.1 %"));
}

// ---------------------------------------------------------------------------------------------
// README.md

/// Every `$ mql-studio calibrate|diff|fit …` example in the README is real output: each line
/// shown (`…` marks lines left out) is a line of the command's output, in order.
#[test]
fn the_readme_examples_are_real_output() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("the README");
    let lines: Vec<&str> = readme.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(command) = line.strip_prefix("$ mql-studio ") else {
            continue;
        };
        let args: Vec<&str> = command.split_whitespace().collect();
        if !matches!(args.first(), Some(&"calibrate" | &"diff" | &"fit")) {
            continue;
        }
        // `fit --out fitted.ron` writes into a temporary directory instead of the repository,
        // and the output names the file as the README does.
        let dir = tempfile::tempdir().expect("a temp dir");
        let out = dir.path().join("fitted.ron");
        let args: Vec<&str> = args
            .iter()
            .enumerate()
            .map(|(k, a)| {
                if k > 0 && args[k - 1] == "--out" {
                    path_str(&out)
                } else {
                    a
                }
            })
            .collect();
        let shown: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("$ ") && !l.starts_with("```"))
            .copied()
            .collect();
        let shown = match shown.split_last() {
            Some((&"", rest)) => rest.to_vec(),
            _ => shown,
        };
        let output = run(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&output)
        );
        let text = stdout(&output).replace(path_str(&out), "fitted.ron");
        let mut actual = text.lines();
        for expected in shown.iter().filter(|l| l.trim() != "…") {
            assert!(
                actual.any(|l| l == *expected),
                "README line {expected:?} of `{command}` is not in the output (in order):\n{text}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 3, "the README shows calibrate, diff and fit");
}

#[test]
fn calibrate_marks_the_disabled_rules_off_in_the_lift_table() {
    let mut model = load_model(&repo("models/default.ron")).unwrap();
    model.fit.rules[1].enabled = false;
    model.overrides[0].enabled = false;
    let off = [
        (
            model.fit.rules[1].id.clone(),
            model.fit.rules[1].label.clone(),
        ),
        (
            model.overrides[0].id.clone(),
            model.overrides[0].label.clone(),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("some-off.ron");
    mql_studio::format::save_model(&path, &model).unwrap();
    let output = run(&[
        "calibrate",
        "--model",
        path_str(&path),
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let rows = section(&text, "Rule lift");
    let marked: Vec<&str> = rows
        .iter()
        .filter(|line| line.contains("(off)"))
        .map(|line| line.trim_start())
        .collect();
    assert_eq!(marked.len(), 2, "{text}");
    for (line, (id, label)) in marked.iter().zip(&off) {
        // The id first, then the label marked off.
        assert!(line.starts_with(&format!("{id} ")), "{line}");
        assert!(line.contains(&format!(" {label} (off) ")), "{line}");
    }
}

#[test]
fn calibrate_without_a_target_on_data_that_converts_well_asks_more_than_the_base_rate() {
    // 50 leads, 20 of which reached SQL (40 %): senior titles convert, the rest rarely.
    let dir = tempfile::tempdir().expect("a temp dir");
    let csv = dir.path().join("leads.csv");
    let mut text = String::from("Lead ID,Job Title,Number of Employees,Outcome\n");
    for i in 0..50 {
        let (title, outcome) = match i {
            0..=17 => ("VP Sales", "sql"),
            18..=19 => ("Manager", "sql"),
            20..=24 => ("VP Sales", "lead"),
            _ => ("Analyst", "lead"),
        };
        text.push_str(&format!("L{i},{title},500,{outcome}\n"));
    }
    std::fs::write(&csv, text).expect("write");
    let output = run(&[
        "calibrate",
        "--model",
        "models/default.ron",
        "--leads",
        path_str(&csv),
        "--as-of",
        "2026-11-01",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("MQL → SQL at least 60 % (1.5 × the base rate of 40 %"),
        "{text}"
    );
    // The rule of thumb (20 %) would have taken the lowest threshold, where every lead is an
    // MQL; 60 % takes a higher one.
    let line = text
        .lines()
        .find(|l| l.contains("MQL → SQL at least 60 %"))
        .expect("the target line");
    let threshold: f64 = line
        .rsplit(": ")
        .next()
        .and_then(|t| t.trim().parse().ok())
        .expect("a suggested threshold");
    assert!(threshold > 0.0, "{line}");
}
