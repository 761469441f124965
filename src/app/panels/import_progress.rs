//! The progress window of a background import, with its cancel button.

use crate::app::state::ImportJob;

/// Draws the progress of `job`; returns true when the user cancels it.
pub fn import_progress_ui(ctx: &egui::Context, job: &ImportJob) -> bool {
    let elapsed = job.started.elapsed().as_secs_f32();
    let read = job.progress.bytes_read().min(job.bytes);
    let fraction = if job.bytes > 0 {
        read as f32 / job.bytes as f32
    } else {
        0.0
    };
    let text = format!("Importing {}… {elapsed:.0} s", job.path.display());
    // Once every byte is read the columns are put together: no more bytes to count.
    let bar_text = if read >= job.bytes {
        "read; putting the columns together…".to_owned()
    } else {
        format!(
            "{:.0} of {:.0} MB ({:.0} %)",
            read as f64 / 1_000_000.0,
            job.bytes as f64 / 1_000_000.0,
            fraction * 100.0
        )
    };
    let mut cancel = false;
    egui::Window::new("Importing")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            ui.label(text);
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(bar_text)
                    .animate(read >= job.bytes)
                    .desired_width(360.0),
            );
            ui.label("The current leads stay until the new ones are complete.");
            cancel = ui
                .button("Cancel import")
                .on_hover_text("Stop waiting; the current leads are kept")
                .clicked();
        });
    cancel
}
