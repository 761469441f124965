//! The rule miner on small hand-made lead sets: the worked example of `docs/calibration.md`
//! (every figure worked out by hand there), the grouping of text values, the minimum for
//! points, the merging of numeric bins, the ranking of columns, and the rules made from the
//! findings, which must fire for exactly the leads a finding counts.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::calibration::miner::{
    Bucket, ColumnMining, Finding, MIN_LEADS_FOR_POINTS, MineError, Range, Withheld,
    information_value, mine_all, mine_column, rule_for, two_proportion_z,
};
use mql_studio::calibration::quality::Rate;
use mql_studio::leads::LeadSet;
use mql_studio::model::{Condition, FieldKind, FieldSpec, Model, fmt_number, fmt_signed};
use mql_studio::scoring::Evaluation;
use mql_studio::validate::{Severity, validate};

mod common;

use common::leads::{leads, leads_with_fields};

#[track_caller]
fn close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 5e-4,
        "{what}: {actual} != {expected}"
    );
}

/// Rows of `Lead ID,<header>,Outcome` from (value, leads, of which SQLs) groups, then `extra`
/// rows as written.
fn csv_of(header: &str, groups: &[(&str, usize, usize)], extra: &[&str]) -> String {
    let mut csv = format!("Lead ID,{header},Outcome\n");
    let mut id = 0;
    for &(value, count, sqls) in groups {
        for i in 0..count {
            id += 1;
            let outcome = if i < sqls { "sql" } else { "lead" };
            csv.push_str(&format!("L{id},{value},{outcome}\n"));
        }
    }
    for row in extra {
        id += 1;
        csv.push_str(&format!("L{id},{row}\n"));
    }
    csv
}

fn finding<'a>(mining: &'a ColumnMining, label: &str) -> &'a Finding {
    mining
        .findings
        .iter()
        .find(|f| f.label == label)
        .unwrap_or_else(|| panic!("no finding {label:?} in {:#?}", mining.findings))
}

// ---------------------------------------------------------------------------------------------
// The worked example of docs/calibration.md: 100 leads with an outcome (24 reached SQL) and 5
// without.

/// Industry and visits of the worked example, lead by lead: the 24 SQLs, then the 76 others,
/// then 5 leads without an outcome.
fn worked_example() -> LeadSet {
    let spread = |groups: &[(&str, usize)]| -> Vec<String> {
        groups
            .iter()
            .flat_map(|&(v, n)| std::iter::repeat_n(v.to_owned(), n))
            .collect()
    };
    let sql_industry = spread(&[("SaaS", 14), ("Retail", 4), ("Media", 2), ("", 4)]);
    let sql_visits = spread(&[("0", 2), ("1", 3), ("2", 9), ("3", 10)]);
    let other_industry = spread(&[("SaaS", 26), ("Retail", 31), ("Media", 8), ("", 11)]);
    let other_visits = spread(&[("0", 23), ("1", 22), ("2", 16), ("3", 15)]);
    let mut csv = "Lead ID,Industry,Visits,Outcome\n".to_owned();
    let mut id = 0;
    for (industries, visits, outcome) in [
        (&sql_industry, &sql_visits, "sql"),
        (&other_industry, &other_visits, "lead"),
    ] {
        assert_eq!(industries.len(), visits.len());
        for (industry, visits) in industries.iter().zip(visits) {
            id += 1;
            csv.push_str(&format!("L{id},{industry},{visits},{outcome}\n"));
        }
    }
    for _ in 0..5 {
        id += 1;
        csv.push_str(&format!("L{id},SaaS,3,\n"));
    }
    leads(&csv)
}

#[test]
fn the_worked_example_industry_figures_are_the_documented_ones() {
    let set = worked_example();
    let mining = mine_column(&Model::new("t"), &set, "Industry").unwrap();
    // Leads without an outcome are not counted.
    assert_eq!((mining.leads, mining.sqls), (100, 24));
    let labels: Vec<&str> = mining.findings.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["SaaS", "Retail", "Media", "missing"]);

    let saas = finding(&mining, "SaaS");
    assert_eq!((saas.leads, saas.sqls), (40, 14));
    close(saas.rate, 0.35, "rate");
    // Wilson: n = 40, p = 0.35, z² = 3.8415: centre (0.35 + 0.04802) / 1.09604 = 0.36314,
    // half-width 1.96 × √(0.35 × 0.65 / 40 + 3.8415 / 6400) / 1.09604 = 0.14180.
    close(saas.interval.0, 0.2213, "low");
    close(saas.interval.1, 0.5049, "high");
    close(saas.lift.unwrap(), 0.35 / 0.24, "lift");
    // s = 1, f = 76 / 24: (15 / 29.1667) / (11 / 53.1667) = 2.4857, 10 × log2 = 13.14.
    assert_eq!(saas.suggested_points, Some(13.0));
    assert_eq!(saas.withheld, None);

    let retail = finding(&mining, "Retail");
    assert_eq!((retail.leads, retail.sqls), (35, 4));
    // (5 / 34.1667) / (21 / 48.1667) = 0.33566, 10 × log2 = -15.75.
    assert_eq!(retail.suggested_points, Some(-16.0));

    let media = finding(&mining, "Media");
    assert_eq!((media.leads, media.sqls), (10, 2));
    assert_eq!(media.suggested_points, None);
    assert_eq!(media.withheld, Some(Withheld::TooFewLeads { leads: 10 }));
    let missing = finding(&mining, "missing");
    assert_eq!(missing.bucket, Bucket::Missing);
    assert_eq!((missing.leads, missing.sqls), (15, 4));
    assert_eq!(missing.withheld, Some(Withheld::TooFewLeads { leads: 15 }));

    // Groups SaaS (40, 14), Retail (35, 4) and the small ones together (25, 6).
    close(mining.information_value, 0.3072, "information value");
}

#[test]
fn the_worked_example_visits_bins_merge_as_documented() {
    let set = worked_example();
    let mining = mine_column(&Model::new("t"), &set, "Visits").unwrap();
    // Four quantile bins of 25 leads (one per value): 2, 3, 9 and 10 SQLs. |z| of the pairs:
    // 0.47, 1.99, 0.29. 2 and 3 merge first (0.29); then 0 and 1 (0.47; 1 against 2–3 is 2.33);
    // then 0–1 against 2–3 is 3.28: they differ.
    close(two_proportion_z(2, 25, 3, 25), 0.4714, "z 0|1");
    close(two_proportion_z(3, 25, 9, 25), 1.9868, "z 1|2");
    close(two_proportion_z(9, 25, 10, 25), 0.2914, "z 2|3");
    close(two_proportion_z(3, 25, 19, 50), 2.3314, "z 1|2-3");
    close(two_proportion_z(5, 50, 19, 50), 3.2781, "z 0-1|2-3");
    let figures: Vec<(&str, usize, usize, Option<f64>)> = mining
        .findings
        .iter()
        .map(|f| (f.label.as_str(), f.leads, f.sqls, f.suggested_points))
        .collect();
    assert_eq!(
        figures,
        [
            ("up to 1", 50, 5, Some(-22.0)),
            ("2 or more", 50, 19, Some(22.0)),
        ]
    );
    let low = &mining.findings[0];
    close(low.interval.0, 0.0435, "low bin, low");
    close(low.interval.1, 0.2136, "low bin, high");
    assert_eq!(
        low.bucket,
        Bucket::Range(Range {
            min: None,
            max: Some(1.0),
            lowest: 0.0,
            highest: 1.0,
            dates: false
        })
    );
    let high = &mining.findings[1];
    close(high.interval.0, 0.2586, "high bin, low");
    close(high.interval.1, 0.5185, "high bin, high");
    close(low.lift.unwrap(), 0.4167, "low bin, lift");
    close(high.lift.unwrap(), 1.5833, "high bin, lift");
    close(mining.information_value, 0.6058, "information value");
    // The table in the docs is these figures, as the CLI shows them.
    let docs = std::fs::read_to_string(common::repo("docs/calibration.md")).unwrap();
    for f in &mining.findings {
        let row = format!(
            "| {} | {} | {} | {} | {} | {} |",
            f.label,
            f.leads,
            f.sqls,
            Rate::of(f.sqls, f.leads).text(),
            fmt_number(f.lift.unwrap()),
            fmt_signed(f.suggested_points.unwrap())
        );
        assert!(docs.contains(&row), "docs/calibration.md lacks {row}");
    }
}

#[test]
fn the_worked_example_rules_are_the_documented_ones() {
    let set = worked_example();
    let model = Model::new("t");
    let industry = mine_column(&model, &set, "Industry").unwrap();
    let saas = rule_for(&model, &industry, finding(&industry, "SaaS")).unwrap();
    assert_eq!(saas.rule.id, "fit-industry-saas");
    assert_eq!(saas.rule.label, "Industry is SaaS");
    assert_eq!(saas.rule.field, "Industry");
    assert_eq!(
        saas.rule.condition,
        Condition::OneOf(vec!["SaaS".to_owned()])
    );
    assert_eq!(saas.rule.points, 13.0);
    assert_eq!(
        saas.new_field,
        Some(FieldSpec {
            name: "Industry".to_owned(),
            kind: FieldKind::Text,
            aliases: Vec::new()
        })
    );
    assert_eq!(
        saas.rule.rationale,
        "Rule miner, on 100 leads with an outcome: Industry is SaaS for 40 of them; 14 of those \
         reached SQL, 35 % (22.1–50.5 %) with its 95 % interval, against 24 % of all, lift 1.46. \
         +13 points: 10 × log2 of the smoothed odds ratio against the rest."
    );
    let visits = mine_column(&model, &set, "Visits").unwrap();
    let high = rule_for(&model, &visits, &visits.findings[1]).unwrap();
    assert_eq!(high.rule.label, "Visits 2 or more");
    assert_eq!(high.rule.condition, Condition::AtLeast(2.0));
    assert_eq!(high.rule.id, "fit-visits-2-or-more");
    let low = rule_for(&model, &visits, &visits.findings[0]).unwrap();
    assert_eq!(low.rule.condition, Condition::AtMost(1.0));
    assert_eq!(low.rule.points, -22.0);
}

#[test]
fn a_field_that_reads_the_column_is_used_and_ids_stay_fresh() {
    let set = worked_example();
    let mut model = Model::new("t");
    model.fields.push(FieldSpec {
        name: "industry".to_owned(),
        kind: FieldKind::Text,
        aliases: vec!["Industry".to_owned()],
    });
    let mining = mine_column(&model, &set, "industry").unwrap();
    assert_eq!(mining.column, "Industry");
    assert_eq!(mining.field.as_deref(), Some("industry"));
    // Found by the field's name too, when no header is called that.
    model.fields[0].name = "sector".to_owned();
    let mining = mine_column(&model, &set, "sector").unwrap();
    assert_eq!(mining.column, "Industry");
    assert_eq!(mining.field.as_deref(), Some("sector"));
    let first = rule_for(&model, &mining, finding(&mining, "SaaS")).unwrap();
    assert_eq!(first.rule.field, "sector");
    assert_eq!(first.new_field, None);
    model.fit.rules.push(first.rule.clone());
    let second = rule_for(&model, &mining, finding(&mining, "SaaS")).unwrap();
    assert_eq!(first.rule.id, "fit-sector-saas");
    assert_eq!(second.rule.id, "fit-sector-saas-2");
}

#[test]
fn other_withheld_points_and_a_single_bin_are_refused() {
    let set = worked_example();
    let model = Model::new("t");
    let industry = mine_column(&model, &set, "Industry").unwrap();
    let media = rule_for(&model, &industry, finding(&industry, "Media"));
    assert_eq!(
        media,
        Err(MineError::NoPoints {
            label: "Media".to_owned(),
            reason: Withheld::TooFewLeads { leads: 10 }
        })
    );
    let other = Finding {
        bucket: Bucket::Other { values: 3 },
        label: "other (3 values)".to_owned(),
        suggested_points: Some(5.0),
        withheld: None,
        ..finding(&industry, "SaaS").clone()
    };
    assert_eq!(rule_for(&model, &industry, &other), Err(MineError::Other));
    // Every lead converts at the same rate whatever its value: one bin, no rule.
    let flat = leads(&csv_of("Visits", &[("1", 40, 4), ("2", 40, 4)], &[]));
    let mining = mine_column(&model, &flat, "Visits").unwrap();
    assert_eq!(mining.findings.len(), 1);
    assert_eq!(mining.findings[0].label, "any value");
    assert_eq!(mining.findings[0].withheld, Some(Withheld::NoContrast));
    assert!(matches!(
        rule_for(&model, &mining, &mining.findings[0]),
        Err(MineError::WholeRange { .. })
    ));
    assert!(matches!(
        mine_column(&model, &set, "Outcome"),
        Err(MineError::NotMinable { .. })
    ));
    assert!(matches!(
        mine_column(&model, &set, "Lead ID"),
        Err(MineError::NotMinable { .. })
    ));
    assert!(matches!(
        mine_column(&model, &set, "Nope"),
        Err(MineError::UnknownColumn { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Values, the minimum and the ranking.

#[test]
fn points_need_the_minimum_number_of_leads() {
    assert_eq!(MIN_LEADS_FOR_POINTS, 30);
    let below = MIN_LEADS_FOR_POINTS - 1;
    let set = leads(&csv_of(
        "Plan",
        &[
            ("a", below, 20),
            ("b", MIN_LEADS_FOR_POINTS, 20),
            ("c", 60, 6),
        ],
        &[],
    ));
    let mining = mine_column(&Model::new("t"), &set, "Plan").unwrap();
    let a = finding(&mining, "a");
    assert_eq!(a.suggested_points, None);
    assert_eq!(a.withheld, Some(Withheld::TooFewLeads { leads: below }));
    let b = finding(&mining, "b");
    assert!(b.suggested_points.is_some_and(|p| p > 0.0), "{b:?}");
}

#[test]
fn text_values_are_grouped_as_the_scorer_compares_them() {
    // "SaaS" spelled three ways (trimmed, any case); 14 other values of 1 lead; an "N/A".
    let mut groups: Vec<(String, usize, usize)> = vec![
        ("SaaS".to_owned(), 20, 5),
        ("saas".to_owned(), 5, 1),
        ("\" SAAS \"".to_owned(), 1, 0),
        ("N/A".to_owned(), 4, 0),
    ];
    for i in 0..14 {
        groups.push((format!("v{i:02}"), 1, usize::from(i == 0)));
    }
    let borrowed: Vec<(&str, usize, usize)> = groups
        .iter()
        .map(|(v, n, s)| (v.as_str(), *n, *s))
        .collect();
    let set = leads(&csv_of("Industry", &borrowed, &[",lead"]));
    let mining = mine_column(&Model::new("t"), &set, "Industry").unwrap();
    let saas = finding(&mining, "SaaS");
    assert_eq!((saas.leads, saas.sqls), (26, 6));
    assert_eq!(saas.bucket, Bucket::Value("SaaS".to_owned()));
    // 12 values shown: SaaS and the first 11 single ones (by name); 3 in "other".
    assert_eq!(mining.findings.len(), 12 + 2);
    let other = finding(&mining, "other (3 values)");
    assert_eq!(other.bucket, Bucket::Other { values: 3 });
    assert_eq!(other.leads, 3);
    // "N/A" is on the model's default list of missing values; with an empty cell, 5 missing.
    let missing = finding(&mining, "missing");
    assert_eq!(missing.leads, 5);
    let total: usize = mining.findings.iter().map(|f| f.leads).sum();
    assert_eq!(total, mining.leads);
    assert_eq!(total, 26 + 4 + 14 + 1);

    // Without the list, "N/A" is a value like any other.
    let mut model = Model::new("t");
    model.missing_values.clear();
    let mining = mine_column(&model, &set, "Industry").unwrap();
    assert_eq!(finding(&mining, "N/A").leads, 4);
    assert_eq!(finding(&mining, "missing").leads, 1);
}

#[test]
fn columns_are_ranked_by_information_value_without_ids_or_outcomes() {
    let set = worked_example();
    let ranked = mine_all(&Model::new("t"), &set);
    let names: Vec<&str> = ranked.iter().map(|m| m.column.as_str()).collect();
    // Visits (0.606) separates better than Industry (0.307).
    assert_eq!(names, ["Visits", "Industry"]);
    assert!(ranked[0].information_value > ranked[1].information_value);
    for mining in &ranked {
        assert_eq!(
            information_value(&mining.findings),
            mining.information_value
        );
    }
    // No outcome at all: nothing to mine.
    let no_outcomes = leads("Lead ID,Industry\nL1,SaaS\nL2,Retail\n");
    assert!(mine_all(&Model::new("t"), &no_outcomes).is_empty());
}

// ---------------------------------------------------------------------------------------------
// The rules made from findings fire for exactly the leads counted.

/// A small deterministic generator (64-bit LCG): the same leads on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 900 leads: a text column with spellings and placeholders, whole numbers (a step up at 500
/// employees, a middle range of tenure that converts best), fractions, yes/no, dates and a text
/// column of numbers with "N/A"; whether a lead reached SQL depends on most of them.
fn rich_leads_csv() -> String {
    let mut rng = Lcg(7);
    let mut csv =
        "Lead ID,Segment,Employees,Fit Score,Trial,Signed Up,Budget,Tenure,Outcome\n".to_owned();
    for id in 0..900 {
        let segment = ["SaaS", "saas", "Retail", "Media", "Select", "", "Health"]
            [(rng.next() * 7.0) as usize];
        let employees = (rng.next() * rng.next() * 3000.0).floor();
        let fit_score = (rng.next() * 1000.0).round() / 100.0;
        let trial = ["yes", "no", ""][(rng.next() * 3.0) as usize];
        let day = 1 + (rng.next() * 28.0) as u32;
        let month = 1 + (rng.next() * 6.0) as u32;
        let budget = if rng.next() < 0.2 {
            "N/A".to_owned()
        } else {
            format!("{}", (rng.next() * 50.0).floor() * 1000.0)
        };
        let tenure = (rng.next() * 100.0).floor();
        let mut odds = 0.08;
        if segment.eq_ignore_ascii_case("saas") {
            odds *= 3.0;
        }
        if employees >= 500.0 {
            odds *= 2.5;
        }
        if fit_score > 6.0 {
            odds *= 2.0;
        }
        if trial == "yes" {
            odds *= 2.0;
        }
        if (30.0..60.0).contains(&tenure) {
            odds *= 4.0;
        }
        let sql = rng.next() < odds / (1.0 + odds);
        let outcome = if id % 30 == 0 {
            ""
        } else if sql {
            "sql"
        } else {
            "lead"
        };
        csv.push_str(&format!(
            "L{id},{segment},{employees},{fit_score},{trial},2026-{month:02}-{day:02},{budget},{tenure},{outcome}\n"
        ));
    }
    csv
}

#[test]
fn mined_rules_fire_for_exactly_the_leads_of_their_finding() {
    let csv = rich_leads_csv();
    let set = leads(&csv);
    let model = Model::new("t");
    let minings = mine_all(&model, &set);
    assert_eq!(minings.len(), 7, "every column but the id and the outcome");
    let mut rules_checked = 0;
    let mut kinds_seen = Vec::new();
    for mining in &minings {
        let total: usize = mining.findings.iter().map(|f| f.leads).sum();
        assert_eq!(total, mining.leads, "{}", mining.column);
        for finding in &mining.findings {
            let Ok(mined) = rule_for(&model, mining, finding) else {
                continue;
            };
            let mut with_rule = model.clone();
            with_rule.fields.extend(mined.new_field.clone());
            with_rule.fit.rules.push(mined.rule.clone());
            let errors: Vec<_> = validate(&with_rule)
                .into_iter()
                .filter(|p| p.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", mined.rule.id);
            // Read the leads again as the model now declares them.
            let reread = leads_with_fields(&csv, with_rule.fields.clone());
            let evaluation = Evaluation::new(&with_rule, &reread, 0);
            let fires = &evaluation.fit_matches[0];
            let (mut leads_fired, mut sqls_fired) = (0, 0);
            for (row, outcome) in reread.outcomes.iter().enumerate() {
                if let Some(outcome) = outcome
                    && fires[row]
                {
                    leads_fired += 1;
                    sqls_fired += usize::from(outcome.reached_sql);
                }
            }
            assert_eq!(
                (leads_fired, sqls_fired),
                (finding.leads, finding.sqls),
                "{} ({:?}) in {}",
                mined.rule.label,
                mined.rule.condition,
                mining.column
            );
            rules_checked += 1;
            kinds_seen.push(std::mem::discriminant(&mined.rule.condition));
        }
    }
    // One-of, at-most, between, at-least, is-true/false, is-missing all took part.
    for condition in [
        Condition::OneOf(Vec::new()),
        Condition::AtMost(0.0),
        Condition::AtLeast(0.0),
        Condition::Between { min: 0.0, max: 0.0 },
        Condition::IsMissing,
        Condition::IsTrue,
    ] {
        assert!(
            kinds_seen.contains(&std::mem::discriminant(&condition)),
            "no rule with {condition:?}"
        );
    }
    assert!(rules_checked >= 12, "{rules_checked}");
}

#[test]
fn the_rich_columns_are_mined_by_their_type() {
    let set = leads(&rich_leads_csv());
    let model = Model::new("t");
    let kind_of = |name: &str| {
        let mining = mine_column(&model, &set, name).unwrap();
        (mining.kind, mining.findings)
    };
    // "Select" is a placeholder: missing, like the empty cells.
    let (kind, findings) = kind_of("Segment");
    assert_eq!(kind, FieldKind::Text);
    assert!(findings.iter().all(|f| f.label != "Select"), "{findings:?}");
    assert_eq!(findings.last().map(|f| &f.bucket), Some(&Bucket::Missing));
    let (kind, findings) = kind_of("Trial");
    assert_eq!(kind, FieldKind::Bool);
    let labels: Vec<&str> = findings.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["yes", "no", "missing"]);
    // Dates are binned, shown as dates.
    let (kind, findings) = kind_of("Signed Up");
    assert_eq!(kind, FieldKind::Date);
    assert!(
        findings
            .iter()
            .all(|f| matches!(&f.bucket, Bucket::Range(Range { dates: true, .. })))
    );
    // A text column of numbers with "N/A" is binned, and its rules declare no field.
    let budget = mine_column(&model, &set, "Budget").unwrap();
    assert_eq!(budget.kind, FieldKind::Text);
    assert!(matches!(budget.findings[0].bucket, Bucket::Range(_)));
    assert_eq!(
        budget.findings.last().map(|f| &f.bucket),
        Some(&Bucket::Missing)
    );
    // Bins of whole numbers meet: each starts one above where the one before ends.
    let employees = mine_column(&model, &set, "Employees").unwrap();
    let ranges: Vec<Range> = employees
        .findings
        .iter()
        .filter_map(|f| match f.bucket {
            Bucket::Range(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(ranges.len() >= 2, "{ranges:?}");
    for pair in ranges.windows(2) {
        assert_eq!(pair[0].max.map(|m| m + 1.0), pair[1].min, "{pair:?}");
    }
    assert_eq!(ranges[0].min, None);
    assert_eq!(ranges.last().and_then(|r| r.max), None);
    // Adjacent bins left after merging differ significantly.
    for pair in employees.findings.windows(2) {
        if let (Bucket::Range(_), Bucket::Range(_)) = (&pair[0].bucket, &pair[1].bucket) {
            let z = two_proportion_z(pair[0].sqls, pair[0].leads, pair[1].sqls, pair[1].leads);
            assert!(z >= 1.959_963, "{pair:?}: |z| {z}");
        }
    }
}
