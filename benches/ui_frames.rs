//! Frame times of the workshop app while a slider is dragged, measured headlessly.
//!
//! `cargo bench --bench ui_frames` drives the real app (egui_kittest, no GPU) on the bundled
//! 300 sample leads: it drags the MQL threshold across the histogram and then a rule's points
//! slider, frame by frame, and prints the time our code plus egui's layout take per frame
//! (`StudioApp::frame_ui`). Painting is not included: it depends on the GPU (see the README).

use std::time::Instant;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mql_studio::app::StudioApp;

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

fn main() {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(
            |ui, app: &mut StudioApp| app.frame_ui(ui),
            StudioApp::with_bundled_data(),
        );
    harness.run_steps(5);

    // Drag the threshold in the histogram: right to left and back, one frame per pointer move.
    let rect = harness
        .state()
        .view
        .histogram_rect
        .expect("histogram drawn");
    let y = rect.center().y;
    let mut times = Vec::new();
    harness.drag_at(egui::pos2(rect.right() - 10.0, y));
    harness.step();
    for i in 0..400 {
        let t = (i % 200) as f32 / 200.0;
        let x = if i < 200 {
            rect.right() - 10.0 - t * (rect.width() - 20.0)
        } else {
            rect.left() + 10.0 + t * (rect.width() - 20.0)
        };
        harness.hover_at(egui::pos2(x, y));
        let started = Instant::now();
        harness.step();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    harness.drop_at(egui::pos2(rect.center().x, y));
    harness.step();
    report("drag the threshold (300 leads)", times);

    // Drag a rule's points slider.
    let slider = harness
        .get_by_label("Points of Senior decision maker")
        .rect();
    let y = slider.center().y;
    let mut times = Vec::new();
    harness.drag_at(egui::pos2(slider.left() + 2.0, y));
    harness.step();
    for i in 0..400 {
        let t = (i % 200) as f32 / 200.0;
        harness.hover_at(egui::pos2(
            slider.left() + 2.0 + t * (slider.width() - 4.0),
            y,
        ));
        let started = Instant::now();
        harness.step();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    harness.drop_at(egui::pos2(slider.center().x, y));
    harness.step();
    report("drag a rule's points (300 leads)", times);
    let app = harness.state();
    println!(
        "(rescoring took {:.3} ms per edit; {} undo steps recorded for the two drags)",
        app.derived.last_rescore_ms,
        app.changes.len()
    );
}
