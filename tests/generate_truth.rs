#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The generator's outcome models: the latent one still writes the bundled sample byte for byte,
//! and the logistic truth is seeded, draws outcomes at its stated probabilities and lies in the
//! span of `models/default.ron`'s rules (the scorer's own evaluation of those rules reproduces
//! the probability the generator wrote).

mod common;

use mql_studio::generate::truth::{LOGISTIC_INTERCEPT, LOGISTIC_TRUTH};
use mql_studio::generate::{GenerateOptions, TRUE_PROBABILITY_COLUMN, Truth, generate};
use mql_studio::leads::{Cell, LeadSet, LoadOptions, read_events_csv, read_leads_csv};
use mql_studio::scoring::{Evaluation, engagement_points};

fn generated(options: &GenerateOptions) -> (Vec<u8>, Vec<u8>) {
    let (mut leads, mut events) = (Vec::new(), Vec::new());
    generate(options, &mut leads, &mut events).expect("generate");
    (leads, events)
}

fn logistic(leads: usize, seed: u64) -> GenerateOptions {
    GenerateOptions {
        leads,
        seed,
        truth: Truth::Logistic,
        ..Default::default()
    }
}

/// The generated files loaded as the CLI loads them for the default model.
fn loaded(leads_csv: &[u8], events_csv: &[u8]) -> LeadSet {
    let model = common::default_model();
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (mut leads, _) = read_leads_csv(leads_csv, "leads.csv", &options).expect("leads load");
    read_events_csv(events_csv, "events.csv", &mut leads, false).expect("events load");
    leads
}

fn true_probabilities(leads: &LeadSet) -> Vec<f64> {
    let column = leads
        .column_by_name(TRUE_PROBABILITY_COLUMN)
        .expect("the true probability column");
    (0..leads.len())
        .map(|row| match column.cell(row) {
            Cell::Number(p) => p,
            other => panic!("row {row}: {other:?} is not a probability"),
        })
        .collect()
}

#[test]
fn the_latent_truth_is_the_default_and_still_writes_the_bundled_sample() {
    assert_eq!(GenerateOptions::default().truth, Truth::Latent);
    let (leads, events) = generated(&GenerateOptions::default());
    assert_eq!(
        leads,
        std::fs::read(common::repo("assets/leads.csv")).unwrap()
    );
    assert_eq!(
        events,
        std::fs::read(common::repo("assets/events.csv")).unwrap()
    );
    assert!(!String::from_utf8_lossy(&leads).contains(TRUE_PROBABILITY_COLUMN));
}

#[test]
fn the_logistic_truth_is_seeded() {
    let first = generated(&logistic(500, 7));
    assert_eq!(first, generated(&logistic(500, 7)), "same seed, same bytes");
    assert_ne!(first.0, generated(&logistic(500, 8)).0, "another seed");
    let header = String::from_utf8_lossy(&first.0)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        header.ends_with(",Outcome,Sales Verdict,True SQL Probability"),
        "{header}"
    );
}

#[test]
fn logistic_outcomes_follow_the_true_probability() {
    let n = 20_000;
    let (leads_csv, events_csv) = generated(&logistic(n, 11));
    let leads = loaded(&leads_csv, &events_csv);
    let p = true_probabilities(&leads);
    let reached: Vec<bool> = leads
        .outcomes
        .iter()
        .map(|o| o.expect("every generated lead has an outcome").reached_sql)
        .collect();
    assert_eq!((p.len(), reached.len()), (n, n));
    let mean = p.iter().sum::<f64>() / n as f64;
    let rate = reached.iter().filter(|&&r| r).count() as f64 / n as f64;
    // The SQL count is a sum of independent Bernoulli(p_i): its standard deviation is
    // sqrt(Σ p_i (1 - p_i)).
    let sd = p.iter().map(|p| p * (1.0 - p)).sum::<f64>().sqrt() / n as f64;
    assert!(
        (rate - mean).abs() < 4.0 * sd,
        "SQL rate {rate:.4}, mean true probability {mean:.4}, sd {sd:.4}"
    );
    assert!(
        (0.10..=0.30).contains(&mean),
        "a realistic base conversion, not {mean:.3}"
    );
    // The leads in the top tenth of the true probability convert far more often than the rest.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let top = order[..n / 10].iter().filter(|&&i| reached[i]).count() as f64 / (n / 10) as f64;
    assert!(top > 2.0 * rate, "top decile {top:.3} vs all {rate:.3}");
}

/// The truth is `sigmoid(b0 + Σ β_k x_k)` with `x_k` what the scorer computes for the default
/// model's rule `k` (a fit rule's match; an engagement rule's points over its points per unit,
/// i.e. its effective count after window, decay, counting mode and cap). Competitors and
/// customers never convert.
#[test]
fn the_logistic_truth_lies_in_the_default_models_span() {
    let model = common::default_model();
    let (leads_csv, events_csv) = generated(&logistic(3_000, 5));
    let leads = loaded(&leads_csv, &events_csv);
    let as_of = GenerateOptions::default().as_of;
    assert_eq!(leads.default_as_of_on(as_of + 400), as_of);
    let evaluation = Evaluation::new(&model, &leads, as_of);
    let p = true_probabilities(&leads);

    // One term per enabled rule, by id, in the model's order.
    let ids: Vec<&str> = model
        .fit
        .rules
        .iter()
        .filter(|r| r.enabled)
        .map(|r| r.id.as_str())
        .chain(
            model
                .engagement
                .rules
                .iter()
                .filter(|r| r.enabled)
                .map(|r| r.id.as_str()),
        )
        .collect();
    let truth_ids: Vec<&str> = LOGISTIC_TRUTH.iter().map(|t| t.rule_id).collect();
    assert_eq!(truth_ids, ids);
    for term in LOGISTIC_TRUTH {
        let negative = model
            .fit
            .rules
            .iter()
            .find(|r| r.id == term.rule_id)
            .map(|r| r.points)
            .or_else(|| {
                model
                    .engagement
                    .rules
                    .iter()
                    .find(|r| r.id == term.rule_id)
                    .map(|r| r.points)
            })
            .unwrap()
            < 0.0;
        assert_eq!(term.beta < 0.0, negative, "{}", term.rule_id);
    }

    let engagement: Vec<Vec<f64>> = evaluation
        .engagement_counts
        .iter()
        .map(|counts| counts.to_dense(leads.len()))
        .collect();
    let column = |name: &str| leads.column_by_name(name).unwrap();
    let (mut checked, mut fired) = (0, vec![0usize; ids.len()]);
    for row in 0..leads.len() {
        let yes = |name: &str| matches!(column(name).cell(row), Cell::Bool(true));
        let overridden = evaluation.override_matches.iter().any(|m| m[row]);
        if yes("Is Competitor") || yes("Is Customer") {
            assert_eq!(p[row], 0.0, "{}", leads.ids[row]);
            assert!(overridden);
            continue;
        }
        if overridden {
            continue; // a demo request: fast-tracked, with a higher truth
        }
        let x: Vec<f64> = evaluation
            .fit_matches
            .iter()
            .map(|matches| if matches[row] { 1.0 } else { 0.0 })
            .chain(
                model
                    .engagement
                    .rules
                    .iter()
                    .zip(&engagement)
                    .map(|(rule, counts)| engagement_points(rule, counts[row]) / rule.points),
            )
            .collect();
        let logit = LOGISTIC_TRUTH
            .iter()
            .zip(&x)
            .map(|(term, x)| term.beta * x)
            .sum::<f64>()
            + LOGISTIC_INTERCEPT;
        let expected = 1.0 / (1.0 + (-logit).exp());
        assert!(
            (p[row] - expected).abs() < 1e-8,
            "{}: wrote {}, the rules give {expected} from {x:?}",
            leads.ids[row],
            p[row]
        );
        for (count, x) in fired.iter_mut().zip(&x) {
            *count += usize::from(*x != 0.0);
        }
        checked += 1;
    }
    assert!(checked > 2_500, "{checked} leads checked");
    // Every rule fires for some of them, so the truth is identifiable from the data.
    for (id, count) in ids.iter().zip(&fired) {
        assert!(*count >= 5, "{id} fires for {count} leads");
    }
}

/// `generate --truth logistic` writes what the library generates with [`Truth::Logistic`].
#[cfg(feature = "cli")]
#[test]
fn the_cli_writes_the_logistic_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = common::cli::run(&[
        "generate",
        "--truth",
        "logistic",
        "--leads",
        "200",
        "--seed",
        "3",
        "--out-dir",
        common::cli::path_str(&out),
    ]);
    assert!(output.status.success(), "{}", common::cli::stderr(&output));
    let written = (
        std::fs::read(out.join("leads.csv")).unwrap(),
        std::fs::read(out.join("events.csv")).unwrap(),
    );
    assert_eq!(written, generated(&logistic(200, 3)));
}
