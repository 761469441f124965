//! What a workshop hands out: `summary` (the one-page summary, HTML) and `mql-list` (today's
//! MQLs, and nurture if asked, as a CSV for the CRM).

use std::path::Path;

use anyhow::Result;

use super::{LeadsArgs, load_valid_model, path_text, score_leads, write_out};
use crate::export::{SampleCounts, mql_list, summary_html, write_mql_list_csv};

pub(super) fn summary_command(
    model_path: &Path,
    leads: Option<&LeadsArgs>,
    out: Option<&Path>,
) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let sample = match leads {
        Some(args) => {
            let (leads, as_of, _, scores) = score_leads(args, &model)?;
            let label = format!(
                "{}, as of {}",
                args.leads.file_name().map_or_else(
                    || path_text(&args.leads),
                    |n| n.to_string_lossy().into_owned()
                ),
                crate::leads::format_day(as_of)
            );
            Some(SampleCounts::of(label, &leads, &scores))
        }
        None => None,
    };
    let page = summary_html(&model, sample.as_ref());
    write_out(out, |writer| writer.write_all(page.as_bytes()))?;
    if let Some(path) = out {
        eprintln!(
            "wrote the summary of {} to {}",
            path_text(model_path),
            path_text(path)
        );
    }
    Ok(0)
}

pub(super) fn mql_list_command(
    model_path: &Path,
    args: &LeadsArgs,
    with_nurture: bool,
    out: Option<&Path>,
) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let (leads, as_of, evaluation, scores) = score_leads(args, &model)?;
    let list = mql_list(&model, &evaluation, &scores, with_nurture);
    write_out(out, |writer| {
        write_mql_list_csv(writer, &model, &leads, &scores, &list).map(|_| ())
    })?;
    let what = if with_nurture {
        "MQL and nurture"
    } else {
        "MQL"
    };
    eprintln!(
        "listed {} {what} leads of {} as of {}",
        list.len(),
        leads.len(),
        crate::leads::format_day(as_of)
    );
    Ok(0)
}
