//! Scoring in tests: the fast path (`Evaluation` + `score_all`), and checks that the simple
//! path (`explain`) agrees with it.

use mql_studio::leads::LeadSet;
use mql_studio::model::Model;
use mql_studio::scoring::{Evaluation, Explanation, LeadScore, Status, explain, score_all};

/// Every lead's score on the fast path alone.
pub fn score_fast(model: &Model, set: &LeadSet, as_of: i32) -> Vec<LeadScore> {
    score_all(model, &Evaluation::new(model, set, as_of))
}

/// The statuses of scored leads, in lead order.
pub fn statuses(scores: &[LeadScore]) -> Vec<Status> {
    scores.iter().map(|s| s.status).collect()
}

/// Explains one lead (the simple path) and asserts that it agrees with the fast path: the same
/// score as `scores[row]`, and the same fired rules and overrides, in the same order, as
/// `evaluation.fired_rule_ids`.
#[track_caller]
pub fn explain_agreeing(
    model: &Model,
    set: &LeadSet,
    evaluation: &Evaluation,
    scores: &[LeadScore],
    row: usize,
) -> Explanation {
    let fast = scores[row];
    let simple = explain(model, set, row, evaluation.as_of);
    assert_eq!(
        simple.score, fast,
        "lead {} (row {row}): simple {:?} != fast {:?}",
        set.ids[row], simple.score, fast
    );
    let mut fired: Vec<&str> = simple
        .rules
        .iter()
        .filter(|r| r.enabled && r.fired && r.points != 0.0)
        .map(|r| r.id.as_str())
        .collect();
    fired.extend(
        simple
            .overrides
            .iter()
            .filter(|o| o.enabled && o.fired)
            .map(|o| o.id.as_str()),
    );
    assert_eq!(
        evaluation.fired_rule_ids(model, row),
        fired,
        "lead {} (row {row}): the fired rules",
        set.ids[row]
    );
    simple
}

/// Scores every lead on the fast path and checks each against the simple path
/// ([`explain_agreeing`]). Returns the scores.
#[track_caller]
pub fn score_both_ways(model: &Model, set: &LeadSet, as_of: i32) -> Vec<LeadScore> {
    let evaluation = Evaluation::new(model, set, as_of);
    let scores = score_all(model, &evaluation);
    assert_eq!(scores.len(), set.len());
    for row in 0..set.len() {
        explain_agreeing(model, set, &evaluation, &scores, row);
    }
    scores
}

/// Whether two computed numbers are equal up to rounding noise (1e-9).
pub fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

/// Asserts that a computed number (or an optional one, which must be there) is `expected` up to
/// rounding noise.
#[track_caller]
pub fn assert_close(actual: impl Into<Option<f64>>, expected: f64) {
    let actual = actual
        .into()
        .unwrap_or_else(|| panic!("expected {expected}, got None"));
    assert!(close(actual, expected), "expected {expected}, got {actual}");
}
