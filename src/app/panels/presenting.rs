//! Presenting mode, for a projector: a banner with the live counts (and the change since the last
//! save), a one-line legend of the words the room hears, and the panel switches; and the
//! full-screen view of one lead's breakdown.

use egui::{TextStyle, Ui};

use crate::app::state::{Action, StudioApp, ViewAction};
use crate::app::widgets::legend;

/// Draws the banner; pushes the layout changes asked for.
pub fn presenting_banner_ui(ui: &mut Ui, app: &StudioApp, actions: &mut Vec<Action>) {
    let layout = app.view.layout;
    ui.scope(|ui| {
        ui.style_mut().override_text_style = Some(TextStyle::Heading);
        super::plots::counts_ui(ui, &app.derived, app.leads.len());
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .selectable_label(layout.editor_shown(), "Model editor")
            .on_hover_text("Unfold the model editor to change a rule in front of the room")
            .clicked()
        {
            actions.push(ViewAction::Layout(layout.with_editor(!layout.editor_shown())).into());
        }
        if ui
            .selectable_label(layout.breakdown_shown(), "Breakdown")
            .on_hover_text("Unfold the selected lead's breakdown beside the table")
            .clicked()
        {
            actions
                .push(ViewAction::Layout(layout.with_breakdown(!layout.breakdown_shown())).into());
        }
        if ui
            .add_enabled(
                app.view.selected_lead.is_some(),
                egui::Button::selectable(layout.lead_view, "Lead view (Enter)"),
            )
            .on_hover_text("The selected lead's breakdown, full screen")
            .clicked()
        {
            actions.push(ViewAction::Layout(layout.with_lead_view(!layout.lead_view)).into());
        }
        if ui
            .button("Leave presenting mode (F5)")
            .on_hover_text("Back to the workshop layout")
            .clicked()
        {
            actions.push(ViewAction::Layout(layout.with_presenting(false)).into());
        }
        ui.separator();
        ui.label(legend(&app.document.model));
    });
}

/// The selected lead's breakdown filling the central area.
pub fn lead_view_ui(ui: &mut Ui, app: &StudioApp, actions: &mut Vec<Action>) {
    if ui
        .button("← Back to the leads (Esc)")
        .on_hover_text("Close the full-screen lead view")
        .clicked()
    {
        actions.push(ViewAction::Layout(app.view.layout.with_lead_view(false)).into());
    }
    ui.separator();
    super::breakdown_panel_ui(app, ui, actions);
}
