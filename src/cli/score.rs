//! `score` (every lead, to CSV or JSON) and `explain` (one lead, rule by rule).

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};

use super::{
    LeadsArgs, load_leads, load_valid_model, path_text, print_stdout, score_leads, warn, write_out,
};
use crate::scoring::{Status, explain, explanation_text, status_counts};

pub(super) fn score_command(
    model_path: &Path,
    args: &LeadsArgs,
    out: Option<&Path>,
) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let (leads, as_of, evaluation, scores) = score_leads(args, &model)?;
    let json = out.is_some_and(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    });
    let write = |writer: &mut dyn Write| -> std::io::Result<()> {
        if json {
            let rows = crate::export::scored_rows(&model, &leads, &evaluation, &scores);
            serde_json::to_writer_pretty(&mut *writer, &rows)?;
            writer.write_all(b"\n")
        } else {
            // Streamed: no row objects, no whole file in memory.
            crate::export::write_scores_csv(&mut *writer, &model, &leads, &evaluation, &scores)
        }
    };
    write_out(out, write)?;
    let counts = status_counts(&scores);
    let summary: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", counts[s.index()], s.label()))
        .collect();
    eprintln!(
        "scored {} leads as of {}: {}",
        leads.len(),
        crate::leads::format_day(as_of),
        summary.join(", ")
    );
    // The process ends right after this: freeing a million leads one allocation at a time
    // would only delay the exit (about half a second).
    std::mem::forget((leads, evaluation, scores));
    Ok(0)
}

pub(super) fn explain_command(model_path: &Path, args: &LeadsArgs, id: &str) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let (leads, as_of) = load_leads(args, &model)?;
    let Some(row) = leads.row_of(id) else {
        bail!(
            "no lead with id {} in {} ({} leads)",
            crate::text::quoted(id),
            path_text(&args.leads),
            leads.len()
        );
    };
    let explanation = explain(&model, &leads, row, as_of);
    for warning in crate::scoring::data_warnings(&model, &leads) {
        warn(&warning);
    }
    print_stdout(&explanation_text(&model, &explanation))?;
    Ok(0)
}
