//! The columns view (the import check): what the leads file holds seen through the model. Each
//! column with the field it feeds, chosen from a list (kept in the model as an alias, so the
//! next export with the same headers needs no clicks); the rules that never fire on these
//! leads; the columns that look like what the model misses, to accept in one click; and the
//! first rows of the file.

use egui::{RichText, Ui};

use crate::app::document::DocumentEdit;
use crate::app::state::{Action, Command, ImportCheck};
use crate::app::widgets::Palette;
use crate::edit::{ColumnMapping, ModelEdit};
use crate::inspect::{ColumnReport, Role, Suggestion, Target};
use crate::leads::LeadSet;
use crate::model::{Criterion, FieldKind, Model};

/// How many rows the preview shows.
const PREVIEW_ROWS: usize = 5;
/// The most columns listed (and previewed): a file may have 16,384, which no one reads on a
/// screen and which would slow every frame.
const LISTED_COLUMNS: usize = 300;

/// Draws the columns view; mapping a column pushes a model edit, an id or outcome column asks
/// for the file to be read again with it.
pub fn columns_ui(
    ui: &mut Ui,
    check: Option<&ImportCheck>,
    model: &Model,
    leads: &LeadSet,
    leads_label: &str,
    actions: &mut Vec<Action>,
) {
    ui.heading("Columns of the leads file");
    let Some(check) = check else {
        ui.label("Looking at the columns…");
        return;
    };
    let report = &check.report;
    let crm = report
        .crm
        .map(|crm| format!("; it looks like a {} export", crm.label()))
        .unwrap_or_default();
    ui.label(format!(
        "{leads_label}: {} columns{crm}. Pick what each column means for the model: the choice is kept in the model (as the field's alias), so the next export with these headers needs no clicks.",
        report.columns.len()
    ));
    let palette = Palette::of(ui);
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            never_fire_ui(ui, report, palette);
            suggestions_ui(ui, &report.suggestions, &report.columns, actions);
            missing_values_ui(ui, model, report, actions);
            ui.separator();
            columns_grid_ui(ui, model, leads, &report.columns, actions);
            ui.separator();
            egui::CollapsingHeader::new(format!("First {PREVIEW_ROWS} rows"))
                .id_salt("columns_preview")
                .show(ui, |ui| preview_ui(ui, leads));
        });
}

fn never_fire_ui(ui: &mut Ui, report: &crate::inspect::Inspection, palette: Palette) {
    if report.never_fire.is_empty() {
        ui.label(
            RichText::new("Every enabled rule fires for at least one lead.")
                .color(palette.positive()),
        );
        return;
    }
    ui.label(
        RichText::new(format!(
            "{} rule(s) never fire on these leads:",
            report.never_fire.len()
        ))
        .strong()
        .color(palette.negative()),
    );
    // A long list folds, so the mapping below stays in sight.
    egui::CollapsingHeader::new("Which rules, and why")
        .id_salt("never_fire_list")
        .default_open(report.never_fire.len() <= 5)
        .show(ui, |ui| {
            for problem in &report.never_fire {
                ui.label(format!(
                    "{}: {}",
                    problem.rule_id.as_deref().unwrap_or("?"),
                    problem.message
                ));
            }
        });
}

fn suggestions_ui(
    ui: &mut Ui,
    suggestions: &[Suggestion],
    columns: &[ColumnReport],
    actions: &mut Vec<Action>,
) {
    if suggestions.is_empty() {
        return;
    }
    ui.separator();
    ui.label(RichText::new("Columns that look like what is missing").strong());
    let mut renames = Vec::new();
    let mut edits = Vec::new();
    for suggestion in suggestions {
        // The button first: a long reason must never push it out of sight.
        ui.horizontal_wrapped(|ui| {
            match mapping_for(suggestion, columns) {
                Some(mapping) => {
                    let edit = ModelEdit::MapColumn {
                        header: suggestion.header.clone(),
                        mapping,
                    };
                    if ui
                        .button("Accept")
                        .on_hover_text("Keep this mapping in the model")
                        .accessible_name(format!("Accept {}", suggestion.header))
                        .clicked()
                    {
                        actions.push(DocumentEdit::Model(Box::new(edit.clone())).into());
                    }
                    edits.push(edit);
                }
                None => {
                    let pair = (
                        suggestion.header.clone(),
                        suggestion.target.map_name().to_owned(),
                    );
                    if ui
                        .button("Read the file again with it")
                        .on_hover_text("Ids and outcomes are read with the file")
                        .accessible_name(format!("Read again with {}", suggestion.header))
                        .clicked()
                    {
                        actions.push(Command::ReadLeadsWith(vec![pair.clone()]).into());
                    }
                    renames.push(pair);
                }
            }
            ui.label(
                RichText::new(format!(
                    "{} → {}",
                    suggestion.header,
                    suggestion.target.map_name()
                ))
                .strong(),
            );
            ui.label(RichText::new(&suggestion.why).color(Palette::of(ui).weak_text()));
        });
    }
    if ui
        .button("Accept all suggestions")
        .on_hover_text("Every mapping above, as one undo step (and a re-read for ids and outcomes)")
        .clicked()
    {
        for edit in edits {
            actions.push(DocumentEdit::Model(Box::new(edit)).into());
        }
        if !renames.is_empty() {
            actions.push(Command::ReadLeadsWith(renames).into());
        }
    }
}

/// The model edit a suggestion stands for; `None` for an id or outcome column, which only a new
/// read of the file can take.
fn mapping_for(suggestion: &Suggestion, columns: &[ColumnReport]) -> Option<ColumnMapping> {
    match &suggestion.target {
        Target::Field(field) => Some(ColumnMapping::Field {
            field: field.clone(),
            kind: columns
                .iter()
                .find(|c| c.header == suggestion.header)
                .map_or(FieldKind::Text, |c| c.kind),
        }),
        Target::CountColumn { activity, .. } => Some(ColumnMapping::Count {
            activity: activity.clone(),
        }),
        Target::Outcome(_) | Target::Id => None,
    }
}

/// What a column can be mapped to: nothing, a field the model knows, or (without an event log)
/// an activity's count.
fn choices(model: &Model, leads: &LeadSet) -> Vec<(String, ChoiceTarget)> {
    let mut fields: Vec<String> = model.fields.iter().map(|f| f.name.clone()).collect();
    for rule in &model.fit.rules {
        fields.push(rule.field.clone());
    }
    let mut activities: Vec<String> = Vec::new();
    for rule in &model.engagement.rules {
        activities.push(rule.activity.clone());
    }
    for rule in &model.overrides {
        for criterion in &rule.when {
            match criterion {
                Criterion::Field { field, .. } => fields.push(field.clone()),
                Criterion::Activity { activity, .. } => activities.push(activity.clone()),
            }
        }
    }
    fields.sort();
    fields.dedup();
    activities.sort();
    activities.dedup();
    let mut out = vec![("not used".to_owned(), ChoiceTarget::Unused)];
    out.extend(
        fields
            .into_iter()
            .map(|f| (format!("field {f}"), ChoiceTarget::Field(f))),
    );
    if leads.events.is_none() {
        out.extend(
            activities
                .into_iter()
                .map(|a| (format!("count of {a}"), ChoiceTarget::Count(a))),
        );
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
enum ChoiceTarget {
    Unused,
    Field(String),
    Count(String),
}

fn columns_grid_ui(
    ui: &mut Ui,
    model: &Model,
    leads: &LeadSet,
    columns: &[ColumnReport],
    actions: &mut Vec<Action>,
) {
    let options = choices(model, leads);
    egui::Grid::new("columns_grid")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for title in ["Column", "Means", "Type", "Values"] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for column in columns.iter().take(LISTED_COLUMNS) {
                ui.label(&column.header);
                mapping_choice_ui(ui, column, &options, actions);
                ui.label(column.kind.label());
                ui.vertical(|ui| {
                    let missing = if column.values.missing > 0 {
                        format!(" · {} missing", column.values.missing)
                    } else {
                        String::new()
                    };
                    ui.label(format!(
                        "{} distinct{missing}: {}",
                        column.values.distinct, column.values.text
                    ));
                    if !column.missing_values.is_empty() {
                        ui.label(
                            RichText::new(format!(
                                "read as missing: {}",
                                counted(&column.missing_values)
                            ))
                            .color(Palette::of(ui).weak_text()),
                        );
                    }
                    if !column.placeholders.is_empty() {
                        ui.label(
                            RichText::new(format!(
                                "looks like unknown, read as a value: {}",
                                counted(&column.placeholders)
                            ))
                            .color(Palette::of(ui).warning()),
                        );
                    }
                });
                ui.end_row();
            }
        });
    if columns.len() > LISTED_COLUMNS {
        ui.label(format!(
            "… and {} more columns: `mql-studio inspect` lists them all",
            columns.len() - LISTED_COLUMNS
        ));
    }
}

/// `"Select" 120, "N/A" 3`.
fn counted(values: &[(String, usize)]) -> String {
    values
        .iter()
        .map(|(v, n)| format!("\"{}\" {n}", crate::text::bounded(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model's missing values, and the placeholders of the columns it reads that are not on
/// the list, each with a button that adds it (a model edit, one undo step).
fn missing_values_ui(
    ui: &mut Ui,
    model: &Model,
    report: &crate::inspect::Inspection,
    actions: &mut Vec<Action>,
) {
    ui.separator();
    let listed = if model.missing_values.is_empty() {
        "none (only empty cells are missing)".to_owned()
    } else {
        model.missing_values.join(", ")
    };
    ui.label(format!(
        "Read as missing by every rule: {listed}. Edit the list in the model editor's Scoring tab."
    ));
    for (value, count) in &report.suggested_missing_values {
        ui.horizontal_wrapped(|ui| {
            if let Some(values) = model.missing_values_with(value)
                && ui
                    .button("Add to missing values")
                    .on_hover_text("Every rule reads this value as missing from now on")
                    .accessible_name(format!("Add {value} to missing values"))
                    .clicked()
            {
                actions.push(
                    DocumentEdit::Model(Box::new(ModelEdit::SetMissingValues(values))).into(),
                );
            }
            ui.label(
                RichText::new(format!(
                    "\"{}\" in {count} leads looks like \"unknown\" but is read as a value",
                    crate::text::bounded(value)
                ))
                .color(Palette::of(ui).warning()),
            );
        });
    }
}

fn mapping_choice_ui(
    ui: &mut Ui,
    column: &ColumnReport,
    options: &[(String, ChoiceTarget)],
    actions: &mut Vec<Action>,
) {
    let current = match &column.role {
        Role::Id => {
            ui.label("lead id");
            return;
        }
        Role::Outcome => {
            ui.label("outcome / verdict");
            return;
        }
        Role::Field { field, .. } => ChoiceTarget::Field(field.clone()),
        Role::CountColumn { activity } => ChoiceTarget::Count(activity.clone()),
        Role::Suggested(_) | Role::Unused => ChoiceTarget::Unused,
    };
    let selected = options
        .iter()
        .find(|(_, target)| *target == current)
        .map_or("not used", |(label, _)| label.as_str());
    let mut chosen = current.clone();
    egui::ComboBox::from_id_salt(("map_column", &column.header))
        .selected_text(selected)
        .width(180.0)
        .show_ui(ui, |ui| {
            for (label, target) in options {
                ui.selectable_value(&mut chosen, target.clone(), label);
            }
        })
        .response
        .accessible_name(format!("Map {}", column.header))
        .on_hover_text("What this column means for the model");
    if chosen != current {
        let mapping = match chosen {
            ChoiceTarget::Unused => ColumnMapping::Unused,
            ChoiceTarget::Field(field) => ColumnMapping::Field {
                field,
                kind: column.kind,
            },
            ChoiceTarget::Count(activity) => ColumnMapping::Count { activity },
        };
        let edit = ModelEdit::MapColumn {
            header: column.header.clone(),
            mapping,
        };
        actions.push(DocumentEdit::Model(Box::new(edit)).into());
    }
}

fn preview_ui(ui: &mut Ui, leads: &LeadSet) {
    egui::Grid::new("columns_preview_grid")
        .striped(true)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for column in leads.columns.iter().take(LISTED_COLUMNS) {
                ui.label(RichText::new(&column.name).strong());
            }
            ui.end_row();
            for row in 0..leads.len().min(PREVIEW_ROWS) {
                for column in leads.columns.iter().take(LISTED_COLUMNS) {
                    ui.label(crate::text::bounded(&column.cell(row).display()).into_owned());
                }
                ui.end_row();
            }
        });
}
