//! Frame times of the workshop app while a slider is dragged, measured headlessly.
//!
//! `cargo bench --bench ui_frames` drives the real app (egui_kittest, no GPU) on the bundled
//! 300 sample leads, then on 1,000,000 generated leads with their event log (`bench-data/`,
//! shared with the scale benchmark; `MQL_BENCH_LEADS` sets another size): it drags the MQL
//! threshold across the histogram, a fit rule's and an engagement rule's points and the mix,
//! frame by frame, and prints the time our code plus egui's layout take per frame
//! (`StudioApp::frame_ui` and the test harness). Then it sorts the table by name and back by
//! score, types a search, and opens the calibration view, and prints the slowest frame while
//! each runs and how long until its result is shown. Painting is not included: it depends on
//! the GPU (see the README).
// A test or benchmark may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mql_studio::app::{EditorTab, StudioApp, ViewAction};
use mql_studio::leads::{LoadOptions, load_events_csv, load_leads_csv};

mod common;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    println!(
        "{name:<40} frames {:>4}  median {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms  over 16 ms: {}",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
        times.iter().filter(|t| **t > 16.0).count()
    );
}

/// Steps until the scores shown are the current model's (background rescoring done); returns
/// how long that took and the slowest frame meanwhile.
fn settle(harness: &mut Harness<'_, StudioApp>) -> (f64, f64) {
    let started = Instant::now();
    let mut worst: f64 = 0.0;
    let mut step = |harness: &mut Harness<'_, StudioApp>| {
        let frame = Instant::now();
        harness.step();
        worst = worst.max(frame.elapsed().as_secs_f64() * 1000.0);
    };
    loop {
        step(harness);
        if !harness.state().derived.is_pending() {
            step(harness);
            return (started.elapsed().as_secs_f64() * 1000.0, worst);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Drags across `rect` at height `y`, one frame per pointer move, and returns the frame times.
fn drag_across(harness: &mut Harness<'_, StudioApp>, rect: egui::Rect, frames: usize) -> Vec<f64> {
    let y = rect.center().y;
    let (left, right) = (rect.left() + 2.0, rect.right() - 2.0);
    let mut times = Vec::new();
    let mut rescores = Vec::new();
    harness.drag_at(egui::pos2(left, y));
    harness.step();
    for i in 0..frames {
        let half = (frames / 2).max(1);
        let t = (i % half) as f32 / half as f32;
        let x = if i < half {
            left + t * (right - left)
        } else {
            right - t * (right - left)
        };
        harness.hover_at(egui::pos2(x, y));
        let generation = harness.state().derived.generation;
        let started = Instant::now();
        harness.step();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if harness.state().derived.generation != generation {
            rescores.push(harness.state().derived.last_rescore_ms);
        }
        // A workshop's display refreshes at 60 Hz: frames come every 16.7 ms, not back to back.
        std::thread::sleep(std::time::Duration::from_secs_f64(
            (1.0 / 60.0 - started.elapsed().as_secs_f64()).max(0.0),
        ));
    }
    // The table keeps its order during a drag and re-sorts once it ends.
    harness.drop_at(egui::pos2(rect.center().x, y));
    let started = Instant::now();
    harness.step();
    let drop_frame = started.elapsed().as_secs_f64() * 1000.0;
    let (wait, worst) = settle(harness);
    let resort = drop_frame.max(worst);
    rescores.sort_by(f64::total_cmp);
    println!(
        "  scores shown {} times during the drag (each rescoring {:.1} ms median); the last ones {:.0} ms after the drop; slowest frame after the drop (table re-sort) {:.1} ms",
        rescores.len(),
        rescores.get(rescores.len() / 2).copied().unwrap_or(0.0),
        wait,
        resort
    );
    times
}

/// The drags of a workshop: the threshold in the histogram, a fit rule's points, an engagement
/// rule's points and the fit/engagement mix.
fn measure(harness: &mut Harness<'_, StudioApp>, leads: &str, frames: usize) {
    let histogram = harness
        .state()
        .view
        .histogram_rect
        .expect("histogram drawn");
    let times = drag_across(harness, histogram.shrink2(egui::vec2(8.0, 0.0)), frames);
    report(&format!("drag the threshold ({leads})"), times);
    let slider = harness
        .get_by_label("Points of Senior decision maker")
        .rect();
    let times = drag_across(harness, slider, frames);
    report(&format!("drag a fit rule's points ({leads})"), times);
    harness
        .state_mut()
        .push(ViewAction::EditorTab(EditorTab::Engagement));
    harness.run_steps(2);
    let slider = harness.get_by_label("Points of Pricing page visit").rect();
    let times = drag_across(harness, slider, frames);
    report(
        &format!("drag an engagement rule's points ({leads})"),
        times,
    );
    harness
        .state_mut()
        .push(ViewAction::EditorTab(EditorTab::Scoring));
    harness.run_steps(2);
    let slider = harness
        .get_by_role_and_label(egui::accesskit::Role::Slider, "Fit share")
        .rect();
    let times = drag_across(harness, slider, frames);
    report(&format!("drag the fit/engagement mix ({leads})"), times);
    harness
        .state_mut()
        .push(ViewAction::EditorTab(EditorTab::Fit));
    harness.run_steps(2);
    let app = harness.state();
    println!("  ({} undo steps recorded in all)", app.changes.len());
}

/// Runs frames at 60 Hz until the table and the calibration view show what was asked for;
/// prints the slowest frame and how long the result took.
fn until_shown(harness: &mut Harness<'_, StudioApp>, what: &str) {
    let started = Instant::now();
    let mut times = Vec::new();
    for frame in 0.. {
        let step = Instant::now();
        harness.step();
        times.push(step.elapsed().as_secs_f64() * 1000.0);
        let app = harness.state();
        let calibrating = app.view.central == mql_studio::app::CentralView::Calibration
            && (app.calibration.funnel.is_none() || app.calibration_pending());
        if frame >= 2
            && !app.table.is_pending()
            && !calibrating
            && !app.miner_pending()
            && !app.derived.is_pending()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs_f64(
            (1.0 / 60.0 - step.elapsed().as_secs_f64()).max(0.0),
        ));
    }
    let shown_after = started.elapsed().as_secs_f64() * 1000.0;
    let worst = times.iter().copied().fold(0.0, f64::max);
    println!(
        "{what:<40} frames {:>4}  slowest {worst:>6.2} ms  over 16 ms: {}  shown after {shown_after:>6.0} ms",
        times.len(),
        times.iter().filter(|t| **t > 16.0).count()
    );
}

/// Sorting, searching and the calibration view, as a facilitator uses them.
fn measure_views(harness: &mut Harness<'_, StudioApp>, leads: &str) {
    harness.get_by_label("Sort by name").click();
    until_shown(harness, &format!("sort by name ({leads})"));
    harness.get_by_label("Sort by score").click();
    until_shown(harness, &format!("sort by score ({leads})"));
    harness.get_by_label("Search").focus();
    harness.step();
    for (i, key) in ["e", "m", "m", "a"].into_iter().enumerate() {
        harness.get_by_label("Search").type_text(key);
        until_shown(harness, &format!("search keystroke {} ({leads})", i + 1));
    }
    harness.get_by_label("Search").focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    until_shown(harness, &format!("clear the search ({leads})"));
    harness.state_mut().push(ViewAction::Central(
        mql_studio::app::CentralView::Calibration,
    ));
    until_shown(harness, &format!("open the calibration view ({leads})"));
    // Fit all points: the joint fit and its preview, on the calibration thread.
    let mut inputs = harness.state().view.calibration_inputs.clone();
    inputs.fit_preview_open = true;
    harness
        .state_mut()
        .push(ViewAction::CalibrationInputs(inputs));
    until_shown(harness, &format!("fit all points, preview ({leads})"));
    harness
        .state_mut()
        .push(ViewAction::Central(mql_studio::app::CentralView::FindRules));
    until_shown(harness, &format!("open find rules, the miner ({leads})"));
    harness
        .state_mut()
        .push(ViewAction::Central(mql_studio::app::CentralView::Preview));
    harness.run_steps(2);
}

fn harness_for(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(|ui, app: &mut StudioApp| app.frame_ui(ui), app);
    harness.run_steps(5);
    harness
}

fn main() {
    let mut harness = harness_for(StudioApp::with_bundled_data());
    measure(&mut harness, "300 leads", 400);
    measure_views(&mut harness, "300 leads");
    drop(harness);

    // A million leads with their event log, as after importing a CRM export.
    let lead_count: usize = std::env::var("MQL_BENCH_LEADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = common::ensure_data(lead_count);
    let model = mql_studio::format::model_from_str(include_str!("../models/default.ron"))
        .expect("default model");
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (mut leads, _) = load_leads_csv(&dir.join("leads.csv"), &options).expect("leads");
    load_events_csv(&dir.join("events.csv"), &mut leads, false).expect("events");
    let label = format!("{} leads", leads.len());
    let mut harness = harness_for(StudioApp::new(model, leads, label.clone()));
    println!(
        "{label}: first scores shown {:.0} ms after the window opened (frames meanwhile stay live)",
        settle(&mut harness).0
    );
    measure(&mut harness, &label, 120);
    measure_views(&mut harness, &label);
}
