//! The workshop's notes: decisions, open questions and a parking lot, each attributed to the
//! team that wrote it and attached to the model or to one rule. Decisions go into the exported
//! model's changelog and the one-page summary.

use egui::{RichText, Ui};

use crate::app::document::{DocumentEdit, NoteEdit};
use crate::app::state::{Action, NoteForm, ViewAction};
use crate::app::widgets::Palette;
use crate::model::{Model, Team};
use crate::workshop::{Note, NoteKind};

/// Draws the notes and the form to add one (as the team editing).
pub fn notes_ui(
    ui: &mut Ui,
    model: &Model,
    notes: &[Note],
    form: &NoteForm,
    editing_as: Team,
    actions: &mut Vec<Action>,
) {
    ui.heading("Workshop notes");
    ui.label(
        "Decisions go into the exported model's changelog and the one-page summary; questions and the parking lot stay in the workshop file.",
    );
    form_ui(ui, model, form, editing_as, actions);
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for kind in NoteKind::ALL {
                let of_kind: Vec<(usize, &Note)> = notes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.kind == kind)
                    .collect();
                ui.label(RichText::new(format!("{} ({})", plural(kind), of_kind.len())).strong());
                if of_kind.is_empty() {
                    ui.label(RichText::new("none yet").color(Palette::of(ui).weak_text()));
                }
                for (index, note) in of_kind {
                    note_ui(ui, model, index, note, actions);
                }
                ui.add_space(6.0);
            }
        });
}

fn plural(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Decision => "Decisions",
        NoteKind::Question => "Open questions",
        NoteKind::ParkingLot => "Parking lot",
    }
}

/// What a rule id names, in words.
fn rule_label(model: &Model, id: &str) -> String {
    let fit = model.fit.rules.iter().map(|r| (&r.id, &r.label));
    let engagement = model.engagement.rules.iter().map(|r| (&r.id, &r.label));
    let overrides = model.overrides.iter().map(|r| (&r.id, &r.label));
    fit.chain(engagement)
        .chain(overrides)
        .find(|(rule, _)| *rule == id)
        .map_or_else(
            || format!("`{id}` (no longer in the model)"),
            |(_, label)| label.clone(),
        )
}

fn note_ui(ui: &mut Ui, model: &Model, index: usize, note: &Note, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let palette = Palette::of(ui);
        if let Some(team) = note.team {
            ui.label(
                RichText::new(team.label())
                    .color(palette.team(team))
                    .strong(),
            );
        }
        ui.label(&note.text);
        let about = match &note.rule {
            Some(id) => format!("about {} · {}", rule_label(model, id), note.date),
            None => format!("about the model · {}", note.date),
        };
        ui.label(RichText::new(about).color(palette.weak_text()));
        if ui
            .small_button("Remove")
            .on_hover_text("Remove this note (undo brings it back)")
            .accessible_name(format!("Remove note {}", note.text))
            .clicked()
        {
            actions.push(
                DocumentEdit::Note(NoteEdit::Remove {
                    index,
                    note: note.clone(),
                })
                .into(),
            );
        }
    });
}

fn form_ui(
    ui: &mut Ui,
    model: &Model,
    form: &NoteForm,
    editing_as: Team,
    actions: &mut Vec<Action>,
) {
    let mut edited = form.clone();
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_id_salt("note_kind")
            .selected_text(edited.kind.label())
            .show_ui(ui, |ui| {
                for kind in NoteKind::ALL {
                    ui.selectable_value(&mut edited.kind, kind, kind.label());
                }
            })
            .response
            .accessible_name("Note kind");
        let about = edited
            .rule
            .as_deref()
            .map_or_else(|| "the model".to_owned(), |id| rule_label(model, id));
        egui::ComboBox::from_id_salt("note_about")
            .selected_text(about)
            .width(200.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut edited.rule, None, "the model");
                let fit = model.fit.rules.iter().map(|r| (&r.id, &r.label));
                let engagement = model.engagement.rules.iter().map(|r| (&r.id, &r.label));
                let overrides = model.overrides.iter().map(|r| (&r.id, &r.label));
                for (id, label) in fit.chain(engagement).chain(overrides) {
                    ui.selectable_value(&mut edited.rule, Some(id.clone()), label);
                }
            })
            .response
            .accessible_name("Note about");
    });
    let response = ui.add(
        egui::TextEdit::multiline(&mut edited.text)
            .hint_text("What was decided, asked or parked")
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    );
    let response = response.accessible_name("Note text");
    let text = edited.text.trim().to_owned();
    let add = ui
        .add_enabled(
            !text.is_empty(),
            egui::Button::new(format!("Add note as {}", editing_as.label())),
        )
        .on_hover_text("The note is attributed to the team you are editing as");
    if add.clicked() {
        let note = Note {
            kind: edited.kind,
            team: Some(editing_as),
            text,
            rule: edited.rule.clone(),
            date: crate::leads::format_day(crate::leads::today()),
        };
        actions.push(DocumentEdit::Note(NoteEdit::Add(note)).into());
        edited.text.clear();
    }
    if edited != *form || response.changed() {
        actions.push(ViewAction::NoteForm(edited).into());
    }
}
