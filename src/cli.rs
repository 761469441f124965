//! The command-line interface: `score`, `check`, `explain`, `generate`. `main` parses the
//! arguments with [`Cli`] and hands them to [`run`].

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::format::load_model;
use crate::leads::{LeadSet, LoadOptions, LoadReport, load_events_csv, load_leads_csv, parse_day};
use crate::model::{Model, fmt_number};
use crate::scoring::{Evaluation, Status, explain, explanation_text, score_all, status_counts};
use crate::validate::{Severity, is_valid, validate};

#[derive(Debug, Parser)]
#[command(
    name = "mql-studio",
    version,
    about = "Design, preview and export MQL lead-scoring models. Without a command, opens the workshop app."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Open this model in the app (default: the bundled default model).
    #[arg(long, global = false)]
    pub model: Option<PathBuf>,
    /// Open these sample leads in the app (default: the bundled sample leads).
    #[arg(long)]
    pub leads: Option<PathBuf>,
    /// The event log to open with the leads in the app.
    #[arg(long)]
    pub events: Option<PathBuf>,
}

/// Where the leads come from, shared by the commands that read leads.
#[derive(Debug, clap::Args)]
pub struct LeadsArgs {
    /// The leads CSV (one row per lead).
    #[arg(long)]
    pub leads: PathBuf,
    /// An event log CSV (lead id, activity, timestamp); without it, count columns are read.
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Score as of this date (YYYY-MM-DD); default: the day of the latest event, or today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Skip rows that cannot be read instead of stopping at the first one.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Map a CSV header to a model field, e.g. --map "Headcount=employees" (repeatable).
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub renames: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score every lead and write id, fit, engagement, score, status, grade and fired rules.
    Score {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
        /// Output file: .csv or .json (default: CSV on standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate a model and print its summary; exits non-zero when it has errors.
    Check { model: PathBuf },
    /// Show why one lead has its score, rule by rule.
    Explain {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
        /// The lead id.
        #[arg(long)]
        id: String,
    },
    /// Write seeded sample leads (and an event log) for demos and benchmarks.
    Generate {
        /// How many leads.
        #[arg(long, default_value_t = 300)]
        leads: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The last day of activity (YYYY-MM-DD).
        #[arg(long, default_value = "2026-11-01")]
        as_of: String,
        /// Leave out the aggregate count columns.
        #[arg(long)]
        no_count_columns: bool,
        /// Where to write leads.csv and events.csv.
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
    },
}

/// Runs a command; `Ok(code)` is the process exit code.
pub fn run(command: Command) -> Result<i32> {
    match command {
        Command::Score { model, leads, out } => score_command(&model, &leads, out.as_deref()),
        Command::Check { model } => check_command(&model),
        Command::Explain { model, leads, id } => explain_command(&model, &leads, &id),
        Command::Generate {
            leads,
            seed,
            as_of,
            no_count_columns,
            out_dir,
        } => generate_command(leads, seed, &as_of, !no_count_columns, &out_dir),
    }
}

/// Loads a model and refuses one with errors, printing them.
fn load_valid_model(path: &Path) -> Result<Model> {
    let model = load_model(path)?;
    let problems = validate(&model);
    if !is_valid(&problems) {
        let list: Vec<String> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| format!("  {p}"))
            .collect();
        bail!(
            "{} has errors; fix them (see `mql-studio check`):\n{}",
            path.display(),
            list.join("\n")
        );
    }
    Ok(model)
}

/// Loads leads (and events) as the arguments say, reporting skipped rows and warnings on stderr.
pub fn load_leads(args: &LeadsArgs, model: &Model) -> Result<(LeadSet, i32)> {
    let renames = args
        .renames
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(h, f)| (h.trim().to_owned(), f.trim().to_owned()))
                .with_context(|| format!("--map {m:?}: expected HEADER=FIELD"))
        })
        .collect::<Result<Vec<_>>>()?;
    let options = LoadOptions {
        fields: model.fields.clone(),
        skip_bad_rows: args.skip_bad_rows,
        renames,
        ..LoadOptions::default()
    };
    let (mut leads, report) = load_leads_csv(&args.leads, &options)?;
    print_report(&report, "leads");
    if let Some(events) = &args.events {
        let report = load_events_csv(events, &mut leads, args.skip_bad_rows)?;
        print_report(&report, "events");
    }
    let as_of = match &args.as_of {
        Some(text) => parse_day(text)
            .with_context(|| format!("--as-of {text:?}: expected a date like 2026-11-01"))?,
        None => leads.default_as_of(),
    };
    Ok((leads, as_of))
}

fn print_report(report: &LoadReport, what: &str) {
    if !report.skipped.is_empty() {
        eprintln!(
            "skipped {} bad {what} rows (read {}):",
            report.skipped.len(),
            report.rows_read
        );
        for problem in report.skipped.iter().take(10) {
            eprintln!("  {problem}");
        }
        if report.skipped.len() > 10 {
            eprintln!("  … and {} more", report.skipped.len() - 10);
        }
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
}

fn score_command(model_path: &Path, args: &LeadsArgs, out: Option<&Path>) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let (leads, as_of) = load_leads(args, &model)?;
    let evaluation = Evaluation::new(&model, &leads, as_of);
    for warning in &evaluation.warnings {
        eprintln!("warning: {warning}");
    }
    let scores = score_all(&model, &evaluation);
    let rows = crate::export::scored_rows(&model, &leads, &evaluation, &scores);
    let json = out.is_some_and(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    });
    let mut bytes = Vec::new();
    if json {
        serde_json::to_writer_pretty(&mut bytes, &rows)?;
        bytes.push(b'\n');
    } else {
        crate::export::write_scored_csv(&mut bytes, &rows)?;
    }
    match out {
        Some(path) => crate::format::write_atomically(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
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
    Ok(0)
}

/// A model's summary, as `check` prints it.
pub fn model_summary(model: &Model) -> String {
    let c = &model.combine;
    let mut lines = vec![
        format!(
            "{} ({}, format {})",
            model.name,
            model.status.label(),
            model.format_version
        ),
        format!(
            "  fit: {} rules, capped at {}; engagement: {} rules, capped at {}; {} overrides",
            model.fit.rules.len(),
            fmt_number(model.fit.max_points),
            model.engagement.rules.len(),
            fmt_number(model.engagement.max_points),
            model.overrides.len()
        ),
        format!(
            "  mix: fit {} % / engagement {} % of {} points; MQL at {}, nurture from {}",
            fmt_number(c.fit_weight * 100.0),
            fmt_number(c.engagement_weight * 100.0),
            fmt_number(c.scale),
            fmt_number(c.mql_threshold),
            fmt_number(c.mql_threshold - c.nurture_band)
        ),
    ];
    if c.min_fit.is_some() || c.min_engagement.is_some() {
        lines.push(format!(
            "  gates: minimum fit {}, minimum engagement {}",
            c.min_fit.map_or("none".to_owned(), fmt_number),
            c.min_engagement.map_or("none".to_owned(), fmt_number)
        ));
    }
    for sign_off in &model.sign_offs {
        lines.push(format!(
            "  signed by {} for {} on {}",
            sign_off.person,
            sign_off.team.label(),
            sign_off.date
        ));
    }
    lines.join("\n")
}

fn check_command(path: &Path) -> Result<i32> {
    let model = load_model(path)?;
    println!("{}", model_summary(&model));
    let problems = validate(&model);
    for problem in &problems {
        println!("{problem}");
    }
    if is_valid(&problems) {
        println!("ok: {} is valid", path.display());
        Ok(0)
    } else {
        let errors = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        println!("{} has {errors} error(s)", path.display());
        Ok(1)
    }
}

fn explain_command(model_path: &Path, args: &LeadsArgs, id: &str) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let (leads, as_of) = load_leads(args, &model)?;
    let Some(row) = leads.row_of(id) else {
        bail!(
            "no lead with id `{id}` in {} ({} leads)",
            args.leads.display(),
            leads.len()
        );
    };
    let explanation = explain(&model, &leads, row, as_of);
    for warning in crate::scoring::data_warnings(&model, &leads) {
        eprintln!("warning: {warning}");
    }
    print!("{}", explanation_text(&model, &explanation));
    Ok(0)
}

fn generate_command(
    leads: usize,
    seed: u64,
    as_of: &str,
    count_columns: bool,
    out_dir: &Path,
) -> Result<i32> {
    let as_of =
        parse_day(as_of).with_context(|| format!("--as-of {as_of:?}: expected YYYY-MM-DD"))?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let leads_path = out_dir.join("leads.csv");
    let events_path = out_dir.join("events.csv");
    let mut leads_file = std::io::BufWriter::new(
        std::fs::File::create(&leads_path)
            .with_context(|| format!("cannot create {}", leads_path.display()))?,
    );
    let mut events_file = std::io::BufWriter::new(
        std::fs::File::create(&events_path)
            .with_context(|| format!("cannot create {}", events_path.display()))?,
    );
    let options = crate::generate::GenerateOptions {
        leads,
        seed,
        as_of,
        count_columns,
        ..Default::default()
    };
    let summary = crate::generate::generate(&options, &mut leads_file, &mut events_file)?;
    eprintln!(
        "wrote {} leads to {} and {} events to {} ({} reached SQL)",
        summary.leads,
        leads_path.display(),
        summary.events,
        events_path.display(),
        summary.sqls
    );
    Ok(0)
}
