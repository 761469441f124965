//! Agreement with sales: model status (MQL or not) against sales' verdicts, the agreement rate,
//! and the two lists to talk through. Clicking a lead shows its breakdown.

use egui::{RichText, Ui};

use crate::app::state::{Action, ViewAction};
use crate::app::widgets::{Palette, status_color};
use crate::calibration::agreement;
use crate::leads::{LeadSet, Verdicts};
use crate::model::fmt_number;
use crate::scoring::LeadScore;

/// Draws the agreement view; a click on a lead selects it.
pub fn agreement_ui(
    ui: &mut Ui,
    leads: &LeadSet,
    scores: &[LeadScore],
    verdicts: &Verdicts,
    actions: &mut Vec<Action>,
) {
    let table = agreement(scores, verdicts);
    ui.heading("Model against sales' verdicts");
    if table.judged() == 0 {
        ui.label(
            "No sales verdicts yet. Select a lead and mark \"Would accept\" or \"Would reject\" in the breakdown, or import leads with a Sales Verdict column.",
        );
        return;
    }
    ui.label(format!(
        "{} leads judged by sales; the model agrees on {} of them: {}.",
        table.judged(),
        table.agreeing(),
        table.rate().map_or("no rate".to_owned(), |r| format!(
            "{} %",
            fmt_number(r * 100.0)
        ))
    ));
    recorders_ui(ui, verdicts);
    egui::Grid::new("agreement_table")
        .num_columns(3)
        .striped(true)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.label("");
            ui.label(RichText::new("sales would accept").strong());
            ui.label(RichText::new("sales would reject").strong());
            ui.end_row();
            ui.label(RichText::new("model: MQL").strong());
            ui.label(
                RichText::new(table.both_yes.len().to_string()).color(Palette::of(ui).positive()),
            )
            .on_hover_text("Both say MQL");
            ui.label(
                RichText::new(table.model_only.len().to_string()).color(Palette::of(ui).negative()),
            )
            .on_hover_text("The model sends them, sales would reject them");
            ui.end_row();
            ui.label(RichText::new("model: not MQL").strong());
            ui.label(
                RichText::new(table.sales_only.len().to_string()).color(Palette::of(ui).negative()),
            )
            .on_hover_text("Sales wants them, the model misses them");
            ui.label(
                RichText::new(table.both_no.len().to_string()).color(Palette::of(ui).positive()),
            )
            .on_hover_text("Both say not yet");
            ui.end_row();
        });
    ui.separator();
    let half = (ui.available_height() / 2.0 - 30.0).max(120.0);
    for (title, rows) in [
        ("The model sends, sales would reject", &table.model_only),
        ("Sales wants, the model misses", &table.sales_only),
    ] {
        if let Some(row) = lead_list_ui(ui, title, rows, leads, scores, half) {
            actions.push(ViewAction::SelectLead(row).into());
        }
        ui.separator();
    }
}

fn lead_list_ui(
    ui: &mut Ui,
    title: &str,
    rows: &[usize],
    leads: &LeadSet,
    scores: &[LeadScore],
    max_height: f32,
) -> Option<usize> {
    let mut clicked = None;
    ui.label(RichText::new(format!("{title} ({})", rows.len())).strong());
    egui::ScrollArea::vertical()
        .id_salt(title)
        .max_height(max_height)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for &row in rows {
                let Some(score) = scores.get(row) else {
                    continue;
                };
                let id = leads.ids.get(row).cloned().unwrap_or_default();
                let who = [
                    leads.display(row, "First Name"),
                    leads.display(row, "Last Name"),
                ]
                .join(" ")
                .trim()
                .to_owned();
                let company = leads.display(row, "Company");
                ui.horizontal(|ui| {
                    if ui
                        .link(format!("{id} {who}"))
                        .on_hover_text("Show this lead's breakdown")
                        .clicked()
                    {
                        clicked = Some(row);
                    }
                    ui.label(RichText::new(company).weak());
                    ui.label(fmt_number(score.score));
                    ui.label(
                        RichText::new(score.status.label()).color(status_color(ui, score.status)),
                    );
                });
            }
        });
    clicked
}

/// Who recorded the verdicts: a verdict recorded while editing as Marketing is marketing's
/// guess at sales' view until sales confirms it.
fn recorders_ui(ui: &mut Ui, verdicts: &Verdicts) {
    let (marketing, sales, unknown) = verdicts.counts_by_recorder();
    let mut parts = Vec::new();
    for (count, who) in [
        (sales, "Sales"),
        (marketing, "Marketing"),
        (unknown, "not said"),
    ] {
        if count > 0 {
            parts.push(format!("{who} {count}"));
        }
    }
    ui.label(format!("Recorded by: {}.", parts.join(", ")));
    if marketing > 0 {
        ui.label(
            RichText::new(format!(
                "{marketing} verdict(s) were recorded while editing as Marketing: confirm them with sales (Edit as Sales, then set the verdict again)."
            ))
            .color(Palette::of(ui).warning()),
        );
    }
}
