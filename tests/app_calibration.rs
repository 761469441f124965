#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The calibration view's quality section (holdout, AUC, bands) and *Fit all points* (preview,
//! one *Apply all*, one undo step), driven headlessly.

use egui_kittest::Harness;
use mql_studio::app::StudioApp;

/// The bundled workshop in a window tall enough to show the whole calibration view (the
/// widgets scrolled out of sight are not in the accessibility tree).
fn harness() -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 4000.0))
        .build_ui_state(
            |ui, app: &mut StudioApp| app.frame_ui(ui),
            StudioApp::with_bundled_data(),
        );
    harness.run_steps(3);
    harness
}
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use mql_studio::calibration::fit::{FitOptions, fit_points};
use mql_studio::calibration::quality::{Holdout, quality};

fn open_calibration(harness: &mut Harness<'static, StudioApp>) {
    harness.get_by_label("Calibration").click();
    harness.run_steps(4);
}

#[test]
fn the_quality_section_shows_the_auc_of_the_chosen_holdout() {
    let mut harness = harness();
    open_calibration(&mut harness);
    // Without a holdout: every lead with an outcome.
    let app = harness.state();
    let all = quality(
        &app.leads,
        &app.derived.board.scores,
        app.model().combine.scale,
        |_| true,
        String::new(),
    );
    let text = format!("ROC AUC {:.3}", all.auc.unwrap());
    harness.get_by_label(&text);

    harness.get_by_label("Holdout share").click();
    harness.run_steps(2);
    harness.get_by_label("30 % of the leads").click_accesskit();
    harness.run_steps(4);
    assert_eq!(
        harness.state().view.calibration_inputs.holdout_percent,
        30.0
    );
    let app = harness.state();
    let held = mql_studio::calibration::quality::holdout_rows(
        &app.leads,
        Holdout {
            share: 0.3,
            seed: 42,
        },
    );
    let part = quality(
        &app.leads,
        &app.derived.board.scores,
        app.model().combine.scale,
        |row| held[row],
        String::new(),
    );
    assert_eq!(
        part.overall.leads, 90,
        "30 % of the 300 leads with an outcome"
    );
    assert_ne!(part.auc, all.auc, "the holdout is a different set of leads");
    harness.get_by_label(&format!("ROC AUC {:.3}", part.auc.unwrap()));
    // Every band of the table is listed with its interval.
    for band in &part.bands {
        harness.get_by_label(&band.label);
        if band.rate.few_leads() {
            let label = format!("{} · few leads", band.rate.text());
            assert!(
                harness.query_all_by_label(&label).next().is_some(),
                "{label}"
            );
        }
    }
    assert!(
        part.bands.iter().any(|b| b.rate.few_leads()),
        "90 leads fill some bands thinly"
    );
}

#[test]
fn fit_all_points_previews_then_applies_as_one_undo_step() {
    let mut harness = harness();
    open_calibration(&mut harness);
    let before = harness.state().model().clone();
    harness
        .get_by_role_and_label(Role::Button, "Fit all points…")
        .click();
    harness.run_steps(4);
    // The preview shows each rule's change and the threshold before anything is applied.
    let app = harness.state();
    let expected = fit_points(
        app.model(),
        &app.leads,
        &app.derived.board.evaluation,
        FitOptions::default(),
    )
    .unwrap();
    let changed = expected
        .rules
        .iter()
        .find(|r| r.new_points != r.old_points)
        .expect("the fit changes some points");
    harness.get_by_label(&changed.change_text());
    assert_eq!(
        harness.state().model(),
        &before,
        "a preview changes nothing"
    );

    harness
        .get_by_role_and_label(Role::Button, "Apply all")
        .click();
    harness.run_steps(4);
    let model = harness.state().model().clone();
    for rule in &expected.rules {
        let points = model
            .fit
            .rules
            .iter()
            .map(|r| (&r.id, r.points))
            .chain(model.engagement.rules.iter().map(|r| (&r.id, r.points)))
            .find(|(id, _)| **id == rule.id)
            .unwrap()
            .1;
        assert_eq!(points, rule.new_points, "{}", rule.id);
    }
    assert_eq!(
        model.combine.mql_threshold,
        expected.model.combine.mql_threshold
    );
    // The gate moved with the points, as the preview said.
    assert_eq!(model.combine.min_fit, expected.model.combine.min_fit);
    assert_ne!(expected.model.combine.min_fit, before.combine.min_fit);
    // What was applied scores as the preview said.
    let evaluation = &harness.state().derived.board.evaluation;
    assert_eq!(
        mql_studio::scoring::score_all(&model, evaluation),
        mql_studio::scoring::score_all(&expected.model, evaluation)
    );
    assert!(
        harness.query_by_label("Apply all").is_none(),
        "the preview closes once applied"
    );

    // One undo step takes all of it back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model(), &before);
}

#[test]
fn a_cap_that_binds_for_many_leads_is_shown_with_what_to_change() {
    let mut harness = harness();
    // A fit cap of 20 points: most leads' fit points add up to more.
    let engagement = harness.state().model().engagement.max_points;
    harness
        .state_mut()
        .push(mql_studio::edit::ModelEdit::SetCaps {
            fit: 20.0,
            engagement,
        });
    harness.run_steps(2);
    open_calibration(&mut harness);
    let app = harness.state();
    let warnings = mql_studio::calibration::limits::binding_limits(
        app.model(),
        &app.leads,
        &app.derived.board.evaluation,
        &|_| true,
    );
    let cap = warnings
        .iter()
        .find(|w| w.starts_with("The fit cap of 20 binds"))
        .expect("the fit cap binds");
    harness.get_by_label(cap);
    // With the cap as shipped, no warning about it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(4);
    assert!(
        harness.query_by_label_contains("The fit cap of").is_none(),
        "the warning goes with the cap"
    );
}
