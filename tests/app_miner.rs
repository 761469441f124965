#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! *Find rules* (the rule miner) driven headlessly: columns ranked, a value added as a rule in
//! one click and one undo step, a column's rules added at once.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mql_studio::app::StudioApp;
use mql_studio::calibration::miner::{Baseline, mine_all, model_with_mined_rules, rule_for};

/// The bundled workshop in a window tall enough to show a column's findings.
fn harness() -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 2400.0))
        .build_ui_state(
            |ui, app: &mut StudioApp| app.frame_ui(ui),
            StudioApp::with_bundled_data(),
        );
    harness.run_steps(3);
    harness.get_by_label("Find rules").click();
    harness.run_steps(4);
    harness
}

#[test]
fn a_mined_value_becomes_a_rule_in_one_click_and_one_undo_step() {
    let mut harness = harness();
    let app = harness.state();
    let columns = mine_all(app.model(), &app.leads);
    let report = app
        .miner
        .as_ref()
        .expect("the miner ran when its view opened");
    assert_eq!(
        report.columns, columns,
        "the view shows the library's report"
    );
    // Pick a column and a finding that can be a rule, and show that column.
    let (column, finding, mined) = columns
        .iter()
        .find_map(|c| {
            c.findings.iter().find_map(|f| {
                rule_for(app.model(), c, f)
                    .ok()
                    .map(|m| (c.clone(), f.clone(), m))
            })
        })
        .expect("some finding can be a rule");
    let before = app.model().clone();
    harness
        .get_all_by_role(Role::Button)
        .find(|n| format!("{n:?}").contains(&format!("label: \"{}  · IV", column.column)))
        .expect("the column is listed")
        .click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().view.miner_column.as_deref(),
        Some(column.column.as_str())
    );

    harness
        .get_by_label(&format!("Add {} as rule", finding.label))
        .click();
    harness.run_steps(3);
    let model = harness.state().model().clone();
    assert_eq!(model.fit.rules.len(), before.fit.rules.len() + 1);
    let added = model.fit.rules.last().unwrap();
    assert_eq!(added.condition, mined.rule.condition);
    assert_eq!(added.points, mined.rule.points);
    if let Some(field) = &mined.new_field {
        assert!(
            model.field_spec(&field.name).is_some(),
            "its field is declared"
        );
    }
    // The new rule scores: it fires for exactly the finding's leads with an outcome.
    let app = harness.state();
    let index = app.model().fit.rules.len() - 1;
    let fired = app.derived.board.evaluation.fit_matches[index]
        .iter()
        .enumerate()
        .filter(|(row, m)| **m && app.leads.outcomes[*row].is_some())
        .count();
    assert_eq!(fired, finding.leads);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model(), &before);
}

#[test]
fn a_columns_rules_are_added_together_as_one_step() {
    let mut harness = harness();
    let app = harness.state();
    let before = app.model().clone();
    let columns = mine_all(app.model(), &app.leads);
    let first = &columns[0];
    let accepted = first
        .findings
        .iter()
        .filter(|f| rule_for(app.model(), first, f).is_ok())
        .count();
    assert!(
        accepted > 1,
        "the best column has several findings with points"
    );
    // The column's baseline (its lowest-rate value) gets no rule.
    let (expected, report) =
        model_with_mined_rules(app.model(), &[first], Baseline::Lowest).unwrap();
    let count = expected.fit.rules.len() - before.fit.rules.len();
    assert!(
        report[0].baseline.is_some() && count < accepted,
        "{report:?}"
    );
    harness
        .get_by_role_and_label(
            Role::Button,
            &format!("Add {count} rules of {}", first.column),
        )
        .click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().model().fit.rules.len(),
        before.fit.rules.len() + count
    );
    let ids: std::collections::HashSet<_> = harness
        .state()
        .model()
        .rule_ids()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        ids.len(),
        before.rule_ids().count() + count,
        "every added rule has its own id"
    );
    assert_eq!(harness.state().model().fit.rules, expected.fit.rules);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model(), &before);
}
