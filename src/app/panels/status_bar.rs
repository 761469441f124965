//! The status bar: the latest notice (errors stay until dismissed), validation, file and timing.

use egui::{RichText, Ui};

use crate::app::state::{Action, StudioApp, ViewAction};
use crate::app::widgets::Palette;
use crate::validate::Severity;

pub fn status_bar_ui(ui: &mut Ui, app: &StudioApp, actions: &mut Vec<Action>) {
    // The file, leads and timing first, from the right; the notice gets what is left and is cut
    // to one line (whole on hover), so a long notice never runs under them.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(format!(
            "rescored in {:.1} ms · frame {:.1} ms",
            app.derived.last_rescore_ms, app.frame_stats.last_ms
        ))
        .on_hover_text("Time to rescore all leads after the last edit, and to draw the last frame");
        ui.separator();
        ui.label(format!(
            "{} · as of {}",
            app.leads_label,
            crate::leads::format_day(app.as_of)
        ))
        .on_hover_text("The sample leads and the date windows and decay are measured from");
        ui.separator();
        let file = app
            .model_path
            .as_ref()
            .map_or_else(|| "not saved yet".to_owned(), |p| p.display().to_string());
        let marker = if app.is_dirty() {
            " (unsaved changes)"
        } else {
            ""
        };
        ui.label(format!("{file}{marker}"));
        ui.separator();
        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
            notices_ui(ui, app, actions);
        });
    });
}

/// The latest notice (with its dismiss button) and the count of validation errors.
fn notices_ui(ui: &mut Ui, app: &StudioApp, actions: &mut Vec<Action>) {
    let errors = app
        .derived
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if errors > 0 {
        ui.label(
            RichText::new(format!("{errors} validation error(s): draft only"))
                .color(Palette::of(ui).negative()),
        )
        .on_hover_text(
            app.derived
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        );
        ui.separator();
    }
    if let Some(notice) = app.notices.last() {
        let color = if notice.is_error {
            Palette::of(ui).negative()
        } else {
            ui.visuals().text_color()
        };
        if ui
            .small_button("✖")
            .on_hover_text("Dismiss this message")
            .clicked()
        {
            actions.push(ViewAction::DismissNotice.into());
        }
        ui.add(egui::Label::new(RichText::new(&notice.text).color(color)).truncate())
            .on_hover_text(&notice.text);
    }
}
