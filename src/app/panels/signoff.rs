//! Sign-off: each team signs the model (name, date, optional comment); with both signatures the
//! model is agreed and can be exported as agreed.

use egui::{RichText, Ui};

use crate::app::state::{Action, SignForm, ViewAction};
use crate::app::widgets::{Palette, team_color};
use crate::edit::ModelEdit;
use crate::model::{Model, ModelStatus, SignOff, Team};

/// Draws the sign-off panel; pushes a signature added or withdrawn, and the form's edits.
pub fn signoff_ui(
    ui: &mut Ui,
    model: &Model,
    team: Team,
    form: &SignForm,
    today: &str,
    errors: usize,
    actions: &mut Vec<Action>,
) {
    ui.heading("Sign the model");
    let (status_text, color) = match model.status {
        ModelStatus::Agreed => ("Agreed: signed by both teams", Palette::of(ui).positive()),
        ModelStatus::Proposed => (
            "Proposed: waiting for the other team",
            Palette::of(ui).warning(),
        ),
        ModelStatus::Draft => ("Draft: not signed", ui.visuals().text_color()),
    };
    ui.label(RichText::new(status_text).strong().color(color));
    ui.label(
        RichText::new(
            "When both teams have signed, the model is agreed and File → Export agreed model… writes it with the signatures. Any later edit turns it back into a draft and clears the signatures (you are warned first).",
        )
        .weak(),
    );
    ui.separator();
    for signing_team in [Team::Marketing, Team::Sales] {
        // Wrapped: a long comment stays inside the panel instead of widening it.
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(signing_team.label())
                    .strong()
                    .color(team_color(ui, signing_team)),
            );
            match model.signed_by(signing_team) {
                Some(sign_off) => {
                    let comment = if sign_off.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": \"{}\"", sign_off.comment)
                    };
                    ui.label(format!(
                        "signed by {} on {}{comment}",
                        sign_off.person, sign_off.date
                    ));
                }
                None => {
                    ui.label(RichText::new("not signed yet").weak());
                }
            }
        });
    }
    ui.separator();
    if errors > 0 {
        ui.label(
            RichText::new(format!(
                "The model has {errors} validation error(s): fix them before signing."
            ))
            .color(Palette::of(ui).negative()),
        );
        return;
    }
    let original_form = form;
    let mut edited = form.clone();
    let form = edited.of_mut(team);
    ui.label(format!(
        "Sign for {} (switch \"Editing as\" to sign for the other team):",
        team.label()
    ));
    ui.horizontal(|ui| {
        let label = ui.label("Your name");
        ui.add(egui::TextEdit::singleline(&mut form.person).desired_width(180.0))
            .labelled_by(label.id)
            .on_hover_text("The person signing for the team");
    });
    let label = ui.label("Comment (optional)");
    ui.add(
        egui::TextEdit::multiline(&mut form.comment)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
    .on_hover_text("Anything the team wants on record with its signature");
    let can_sign = !form.person.trim().is_empty();
    if ui
        .add_enabled(
            can_sign,
            egui::Button::new(format!("Sign for {}", team.label())),
        )
        .on_hover_text("Record this team's agreement with the model as it is now")
        .on_disabled_hover_text("Type the name of the person signing first")
        .clicked()
    {
        actions.push(
            ModelEdit::Sign(SignOff {
                team,
                person: form.person.trim().to_owned(),
                date: today.to_owned(),
                comment: form.comment.trim().to_owned(),
            })
            .into(),
        );
        form.comment.clear();
    }
    if model.signed_by(team).is_some()
        && ui
            .button(format!("Withdraw {}'s signature", team.label()))
            .on_hover_text("Take this team's signature back")
            .clicked()
    {
        actions.push(ModelEdit::WithdrawSignature(team).into());
    }
    if edited != *original_form {
        actions.push(ViewAction::SignForm(edited).into());
    }
}
