//! Presenting mode, for a projector: a banner with the live counts (and the change since the last
//! save), a one-line legend of the words the room hears, and the panel switches; and the
//! full-screen view of one lead's breakdown.

use egui::{RichText, TextStyle, Ui};

use crate::app::state::{Action, StudioApp, ViewAction};
use crate::model::{Band, Model, default_engagement_levels, default_fit_grades, fmt_number};

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

/// One line that explains the words on screen, with this model's numbers: what MQL, nurture,
/// fit, engagement and a grade like "A1" mean.
pub fn legend(model: &Model) -> RichText {
    let combine = &model.combine;
    let threshold = fmt_number(combine.mql_threshold);
    let nurture = fmt_number(combine.mql_threshold - combine.nurture_band);
    let span = |bands: &[Band]| match (bands.first(), bands.last()) {
        (Some(best), Some(worst)) => format!("{}–{}", best.label, worst.label),
        _ => String::new(),
    };
    // Omitted bands are the defaults.
    let or_default = |bands: &[Band], default: fn() -> Vec<Band>| {
        if bands.is_empty() {
            default()
        } else {
            bands.to_vec()
        }
    };
    let fit_grades = or_default(&model.fit_grades, default_fit_grades);
    let engagement_levels = or_default(&model.engagement_levels, default_engagement_levels);
    let grades = span(&fit_grades);
    let levels = span(&engagement_levels);
    let best = match (fit_grades.first(), engagement_levels.first()) {
        (Some(grade), Some(level)) => format!("; {}{} is the best", grade.label, level.label),
        _ => String::new(),
    };
    RichText::new(format!(
        "MQL: score {threshold} or more of {}, handed to sales · Nurture: {nurture} to \
         {threshold}, kept warm by marketing · Fit: who the lead is (grade {grades}) · \
         Engagement: what the lead did (level {levels}){best}",
        fmt_number(combine.scale)
    ))
}
