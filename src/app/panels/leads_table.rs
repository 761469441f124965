//! The leads table: virtualised (only visible rows are drawn), sortable by any column, filtered by
//! status and by text search. Clicking a row selects the lead for the breakdown.

use std::cmp::Ordering;

use egui::{RichText, Ui};
use egui_extras::{Column as TableColumn, TableBuilder};

use crate::app::StudioApp;
use crate::app::settings::SortColumn;
use crate::app::widgets::status_color;
use crate::leads::{LeadSet, Outcome, Verdict};
use crate::model::{Model, fmt_number};
use crate::scoring::{LeadScore, Status};

/// The lead columns the table shows, found by field or header name.
struct KeyColumns {
    first_name: Option<usize>,
    last_name: Option<usize>,
    name: Option<usize>,
    company: Option<usize>,
    title: Option<usize>,
    industry: Option<usize>,
    employees: Option<usize>,
}

impl KeyColumns {
    fn find(leads: &LeadSet, model: &Model) -> KeyColumns {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| leads.column_for(name, &model.fields))
        };
        KeyColumns {
            first_name: find(&["first_name", "firstname"]),
            last_name: find(&["last_name", "lastname", "surname"]),
            name: find(&["name", "full_name", "contact_name"]),
            company: find(&["company", "company_name", "account_name", "organization"]),
            title: find(&["job_title", "title", "role"]),
            industry: find(&["industry", "sector"]),
            employees: find(&["employees", "number_of_employees", "company_size"]),
        }
    }

    fn text(leads: &LeadSet, column: Option<usize>, row: usize) -> String {
        column
            .and_then(|c| leads.columns.get(c))
            .map(|c| c.cell(row).display())
            .unwrap_or_default()
    }

    fn name(&self, leads: &LeadSet, row: usize) -> String {
        if self.name.is_some() {
            return Self::text(leads, self.name, row);
        }
        let first = Self::text(leads, self.first_name, row);
        let last = Self::text(leads, self.last_name, row);
        format!("{first} {last}").trim().to_owned()
    }

    fn number(leads: &LeadSet, column: Option<usize>, row: usize) -> f64 {
        match column
            .and_then(|c| leads.columns.get(c))
            .map(|c| c.cell(row))
        {
            Some(crate::leads::Cell::Number(n)) => n,
            _ => f64::NAN,
        }
    }
}

fn outcome_label(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        None => "",
        Some(o) if o.won => "won",
        Some(o) if o.reached_opportunity => "opportunity",
        Some(o) if o.reached_sql => "SQL",
        Some(_) => "no SQL",
    }
}

fn outcome_rank(outcome: Option<Outcome>) -> u8 {
    match outcome {
        None => 0,
        Some(o) if o.won => 4,
        Some(o) if o.reached_opportunity => 3,
        Some(o) if o.reached_sql => 2,
        Some(_) => 1,
    }
}

fn verdict_label(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("", Verdict::label)
}

/// Compares two lead rows for the table's sort.
type RowOrder<'a> = Box<dyn Fn(&usize, &usize) -> Ordering + 'a>;

/// Recomputes the filtered, sorted rows when scores, filters or the sort changed.
fn refresh_rows(app: &mut StudioApp, keys: &KeyColumns, gesture_in_progress: bool) {
    let key = (
        app.derived.generation,
        app.view.search.clone(),
        app.view.show_status,
        app.settings.sort_column,
        app.settings.sort_descending,
    );
    if app.view.table_key.as_ref() == Some(&key) {
        return;
    }
    // While a slider or the threshold is being dragged, only the scores change: keep the row
    // order (re-sorting a million rows every frame would stall the drag) and sort once it ends.
    let only_scores_changed =
        app.view.table_key.as_ref().is_some_and(|old| {
            old.1 == key.1 && old.2 == key.2 && old.3 == key.3 && old.4 == key.4
        });
    if gesture_in_progress && only_scores_changed && app.view.table_rows.len() > 50_000 {
        return;
    }
    let leads = &app.leads;
    let scores = &app.derived.board.scores;
    let needle = app.view.search.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..leads.len().min(scores.len()))
        .filter(|&row| app.view.show_status[scores[row].status.index()])
        .filter(|&row| {
            needle.is_empty()
                || [
                    leads.ids.get(row).cloned().unwrap_or_default(),
                    keys.name(leads, row),
                    KeyColumns::text(leads, keys.company, row),
                    KeyColumns::text(leads, keys.title, row),
                    KeyColumns::text(leads, keys.industry, row),
                ]
                .iter()
                .any(|text| text.to_lowercase().contains(&needle))
        })
        .collect();
    let verdicts = &app.document.verdicts;
    let by_text = |column: Option<usize>| {
        move |a: &usize, b: &usize| {
            KeyColumns::text(leads, column, *a).cmp(&KeyColumns::text(leads, column, *b))
        }
    };
    let score = |row: usize| -> LeadScore { scores[row] };
    let compare: RowOrder<'_> = match app.settings.sort_column {
        SortColumn::Id => Box::new(|a, b| leads.ids[*a].cmp(&leads.ids[*b])),
        SortColumn::Name => Box::new(|a, b| keys.name(leads, *a).cmp(&keys.name(leads, *b))),
        SortColumn::Company => Box::new(by_text(keys.company)),
        SortColumn::Title => Box::new(by_text(keys.title)),
        SortColumn::Industry => Box::new(by_text(keys.industry)),
        SortColumn::Employees => Box::new(|a, b| {
            KeyColumns::number(leads, keys.employees, *a).total_cmp(&KeyColumns::number(
                leads,
                keys.employees,
                *b,
            ))
        }),
        SortColumn::Fit => Box::new(move |a, b| score(*a).fit.total_cmp(&score(*b).fit)),
        SortColumn::Engagement => {
            Box::new(move |a, b| score(*a).engagement.total_cmp(&score(*b).engagement))
        }
        SortColumn::Score => Box::new(move |a, b| score(*a).score.total_cmp(&score(*b).score)),
        SortColumn::Status => Box::new(move |a, b| score(*b).status.cmp(&score(*a).status)),
        SortColumn::Grade => Box::new(move |a, b| {
            (score(*b).fit_grade, score(*b).engagement_level)
                .cmp(&(score(*a).fit_grade, score(*a).engagement_level))
        }),
        SortColumn::Outcome => Box::new(|a, b| {
            outcome_rank(leads.outcomes.get(*a).copied().flatten())
                .cmp(&outcome_rank(leads.outcomes.get(*b).copied().flatten()))
        }),
        SortColumn::Verdict => Box::new(|a, b| {
            verdict_label(verdicts.get(*a).copied().flatten())
                .cmp(verdict_label(verdicts.get(*b).copied().flatten()))
        }),
    };
    // Ties keep lead order, so the table does not shuffle while a slider moves.
    let descending = app.settings.sort_descending;
    let numeric_key: Option<Box<dyn Fn(usize) -> f64 + '_>> = match app.settings.sort_column {
        SortColumn::Score => Some(Box::new(|row| scores[row].score)),
        SortColumn::Fit => Some(Box::new(|row| scores[row].fit)),
        SortColumn::Engagement => Some(Box::new(|row| scores[row].engagement)),
        SortColumn::Employees => Some(Box::new(|row| {
            KeyColumns::number(leads, keys.employees, row)
        })),
        _ => None,
    };
    let hundredths_column = matches!(
        app.settings.sort_column,
        SortColumn::Score | SortColumn::Fit | SortColumn::Engagement
    );
    match numeric_key {
        // Numbers: a radix sort of (key, row) pairs, some 10x faster than a comparator on a
        // million rows (the re-sort after a drag must fit in a frame or two). It is stable and
        // the rows come in order, so ties keep lead order.
        Some(key_of) if hundredths_column && rows.len() <= u32::MAX as usize => {
            // Scores are whole hundredths: 32-bit keys, half the radix passes of a float's.
            let mut keyed: Vec<(u32, u32)> = rows
                .iter()
                .map(|&row| {
                    let key = hundredths_key(key_of(row));
                    (if descending { !key } else { key }, row as u32)
                })
                .collect();
            radsort::sort_by_key(&mut keyed, |pair| pair.0);
            rows = keyed.into_iter().map(|(_, row)| row as usize).collect();
        }
        Some(key_of) => {
            let mut keyed: Vec<(u64, usize)> = rows
                .iter()
                .map(|&row| {
                    let key = total_order_key(key_of(row));
                    (if descending { !key } else { key }, row)
                })
                .collect();
            radsort::sort_by_key(&mut keyed, |pair| pair.0);
            rows = keyed.into_iter().map(|(_, row)| row).collect();
        }
        None => rows.sort_by(|a, b| {
            let order = compare(a, b);
            let order = if descending { order.reverse() } else { order };
            order.then(a.cmp(b))
        }),
    }
    drop(compare);
    app.view.table_rows = rows;
    app.view.table_key = Some(key);
}

/// A number as an unsigned key in the order of `f64::total_cmp`.
fn total_order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// A score (whole hundredths) as an unsigned key in the same order; scores beyond ±21 million
/// (not on any scale a model allows) clamp to the ends.
fn hundredths_key(value: f64) -> u32 {
    let hundredths = (value * 100.0)
        .round()
        .clamp(f64::from(i32::MIN), f64::from(i32::MAX));
    (hundredths as i32 as u32) ^ (1 << 31)
}

/// Draws the filters and the table; returns true when the selection changed.
pub fn leads_table_ui(ui: &mut Ui, app: &mut StudioApp) -> bool {
    let keys = KeyColumns::find(&app.leads, &app.document.model);
    let mut selection_changed = false;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut app.view.search)
                .hint_text("name, company, title, id…")
                .desired_width(200.0),
        )
        .labelled_by(label.id)
        .on_hover_text("Show only leads whose id, name, company, title or industry contains this");
        ui.separator();
        for status in Status::ALL {
            let count = app.derived.board.summary.counts[status.index()];
            ui.checkbox(
                &mut app.view.show_status[status.index()],
                RichText::new(format!("{} ({count})", status.label())).color(status_color(status)),
            )
            .on_hover_text(format!("Show {} leads", status.label()));
        }
    });
    let gesture_in_progress = ui.input(|i| i.pointer.any_down());
    refresh_rows(app, &keys, gesture_in_progress);
    ui.label(
        RichText::new(format!(
            "{} of {} leads shown · click a row for its breakdown",
            app.view.table_rows.len(),
            app.leads.len()
        ))
        .weak(),
    );

    let columns: [(&str, SortColumn, f32); 13] = [
        ("Id", SortColumn::Id, 62.0),
        ("Name", SortColumn::Name, 120.0),
        ("Company", SortColumn::Company, 120.0),
        ("Score", SortColumn::Score, 62.0),
        ("Status", SortColumn::Status, 105.0),
        ("Grade", SortColumn::Grade, 58.0),
        ("Fit", SortColumn::Fit, 45.0),
        ("Engagement", SortColumn::Engagement, 95.0),
        ("Outcome", SortColumn::Outcome, 80.0),
        ("Verdict", SortColumn::Verdict, 70.0),
        ("Title", SortColumn::Title, 150.0),
        ("Industry", SortColumn::Industry, 110.0),
        ("Employees", SortColumn::Employees, 70.0),
    ];
    let sort_column = app.settings.sort_column;
    let descending = app.settings.sort_descending;
    let mut clicked_sort = None;
    let mut clicked_row = None;
    let model = &app.document.model;
    let leads = &app.leads;
    let scores = &app.derived.board.scores;
    let rows = &app.view.table_rows;
    let selected = app.view.selected_lead;
    let verdicts = &app.document.verdicts;
    egui::ScrollArea::horizontal()
        .id_salt("leads_table_h")
        .show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .id_salt("leads_table")
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .auto_shrink([false, false])
                .min_scrolled_height(0.0);
            for (_, _, width) in &columns {
                table = table.column(TableColumn::initial(*width).at_least(30.0).clip(true));
            }
            table
                .header(22.0, |mut header| {
                    for (title, column, _) in &columns {
                        header.col(|ui| {
                            let arrow = if *column == sort_column {
                                if descending { " ▼" } else { " ▲" }
                            } else {
                                ""
                            };
                            if ui
                                .button(RichText::new(format!("{title}{arrow}")).strong())
                                .accessible_name(format!("Sort by {}", title.to_lowercase()))
                                .on_hover_text(format!("Sort by {}", title.to_lowercase()))
                                .clicked()
                            {
                                clicked_sort = Some(*column);
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, rows.len(), |mut table_row| {
                        let Some(&row) = rows.get(table_row.index()) else {
                            return;
                        };
                        let Some(score) = scores.get(row) else {
                            return;
                        };
                        table_row.set_selected(selected == Some(row));
                        let text_cell = |table_row: &mut egui_extras::TableRow<'_, '_>,
                                         text: String| {
                            table_row.col(|ui| {
                                ui.label(text);
                            });
                        };
                        text_cell(
                            &mut table_row,
                            leads.ids.get(row).cloned().unwrap_or_default(),
                        );
                        text_cell(&mut table_row, keys.name(leads, row));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.company, row));
                        text_cell(&mut table_row, fmt_number(score.score));
                        table_row.col(|ui| {
                            ui.label(
                                RichText::new(score.status.label())
                                    .color(status_color(score.status)),
                            );
                        });
                        text_cell(&mut table_row, score.grade(model));
                        text_cell(
                            &mut table_row,
                            fmt_number(crate::scoring::round2(score.fit)),
                        );
                        text_cell(
                            &mut table_row,
                            fmt_number(crate::scoring::round2(score.engagement)),
                        );
                        text_cell(
                            &mut table_row,
                            outcome_label(leads.outcomes.get(row).copied().flatten()).to_owned(),
                        );
                        text_cell(
                            &mut table_row,
                            verdict_label(verdicts.get(row).copied().flatten()).to_owned(),
                        );
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.title, row));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.industry, row));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.employees, row));
                        if table_row.response().clicked() {
                            clicked_row = Some(row);
                        }
                    });
                });
        });
    if let Some(column) = clicked_sort {
        if app.settings.sort_column == column {
            app.settings.sort_descending = !app.settings.sort_descending;
        } else {
            app.settings.sort_column = column;
            app.settings.sort_descending = matches!(
                column,
                SortColumn::Score
                    | SortColumn::Fit
                    | SortColumn::Engagement
                    | SortColumn::Status
                    | SortColumn::Grade
                    | SortColumn::Outcome
                    | SortColumn::Employees
            );
        }
    }
    if let Some(row) = clicked_row {
        app.view.selected_lead = Some(row);
        selection_changed = true;
    }
    selection_changed
}

#[cfg(test)]
mod tests {
    use super::{hundredths_key, total_order_key};

    #[test]
    fn score_keys_sort_like_the_scores() {
        let mut scores = vec![0.0, 100.0, 99.99, 12.5, 12.49, 0.01, 55.55, 1e9, -3.25];
        let mut by_key = scores.clone();
        by_key.sort_by_key(|v| hundredths_key(*v));
        scores.sort_by(f64::total_cmp);
        assert_eq!(by_key, scores);
    }

    #[test]
    fn number_keys_sort_like_total_cmp() {
        let mut values = vec![
            3.5,
            -0.0,
            0.0,
            -2.25,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1e-300,
            -1e300,
            100.0,
            99.99,
        ];
        let mut by_key = values.clone();
        by_key.sort_by_key(|v| total_order_key(*v));
        values.sort_by(f64::total_cmp);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&by_key), bits(&values));
    }
}
