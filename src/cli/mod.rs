//! The command-line interface: `score`, `check`, `explain`, `calibrate`, `diff`, `inspect`, `mine`,
//! `summary`, `mql-list`, `json`, `schema`, `generate`.
//! `main` parses the arguments with [`Cli`] and hands them to [`run`].
//!
//! This file holds the arguments, the dispatch and what the commands share (loading a model and
//! leads, printing reports); each command, or pair of commands, has its own file.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::format::load_model;
use crate::leads::{LeadSet, LoadOptions, LoadReport, load_events_csv, load_leads_csv, parse_day};
use crate::model::Model;
use crate::text::{printable, printable_lines};
use crate::validate::{Severity, is_valid, validate};

mod calibrate;
mod check;
mod diff;
mod fit;
mod generate;
mod handout;
mod inspect;
mod json;
mod mine;
mod score;
mod sql;

pub use check::model_summary;

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
    /// Calibrate a model against history: the funnel and its reading, a threshold sweep,
    /// suggested thresholds, each rule's lift and the agreement with sales' verdicts.
    Calibrate {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
        /// Suggest the lowest threshold whose MQL → SQL rate reaches this (0 to 1, e.g. 0.25).
        #[arg(long, value_name = "RATE")]
        target_rate: Option<f64>,
        /// Suggest the lowest threshold that gives at most this many MQLs.
        #[arg(long, value_name = "N")]
        target_mqls: Option<usize>,
        /// Sales capacity: MQLs sales can work a month (needs --period-days).
        #[arg(long, value_name = "N", requires = "period_days")]
        mqls_per_month: Option<f64>,
        /// The number of days the leads file covers (with --mqls-per-month).
        #[arg(long, value_name = "DAYS", requires = "mqls_per_month")]
        period_days: Option<f64>,
        /// Set this share of the leads with an outcome aside (e.g. 0.3): suggestions come from
        /// the rest, the model's quality (AUC, gains, bands) is measured on this part.
        #[arg(long, value_name = "SHARE")]
        holdout: Option<f64>,
        /// The seed of the holdout's random split.
        #[arg(long, default_value_t = 42, requires = "holdout")]
        seed: u64,
    },
    /// Fit every enabled rule's points at once on history (a regularised logistic regression),
    /// suggest a threshold, and write the fitted model; prints the holdout AUC, the calibration
    /// table and what changed.
    Fit {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
        /// Set this share of the leads with an outcome aside to check the fit (e.g. 0.3).
        #[arg(long, value_name = "SHARE")]
        holdout: Option<f64>,
        /// The seed of the holdout's random split.
        #[arg(long, default_value_t = 42, requires = "holdout")]
        seed: u64,
        /// The threshold's target MQL → SQL rate (default: 1.5 × the base rate, 20 % to 95 %).
        #[arg(long, value_name = "RATE", conflicts_with = "target_mqls")]
        target_rate: Option<f64>,
        /// Instead: the lowest threshold with at most this many MQLs among the training leads
        /// (e.g. today's volume, or what sales can work).
        #[arg(long, value_name = "N")]
        target_mqls: Option<usize>,
        /// λ of the L2 penalty (scikit-learn's 1 / C).
        #[arg(long, default_value_t = crate::calibration::fit::DEFAULT_PENALTY)]
        penalty: f64,
        /// Where to write the fitted model (RON).
        #[arg(long)]
        out: PathBuf,
        /// Also write the fit's design (each lead's units per rule) as CSV.
        #[arg(long, value_name = "FILE")]
        design_out: Option<PathBuf>,
        /// Also write the fit's numbers as JSON.
        #[arg(long, value_name = "FILE")]
        report_json: Option<PathBuf>,
    },
    /// Compare two models rule by rule and, with leads, list the leads that change status.
    Diff {
        /// The model before (e.g. the current one).
        a: PathBuf,
        /// The model after (e.g. a team's proposal).
        b: PathBuf,
        /// Leads to score with both models (CSV, one row per lead).
        #[arg(long)]
        leads: Option<PathBuf>,
        /// An event log CSV for the leads.
        #[arg(long, requires = "leads")]
        events: Option<PathBuf>,
        /// Score as of this date (YYYY-MM-DD); default: the day of the latest event, or today.
        #[arg(long, value_name = "DATE", requires = "leads")]
        as_of: Option<String>,
        /// Skip lead rows that cannot be read.
        #[arg(long, requires = "leads")]
        skip_bad_rows: bool,
        /// Map a CSV header to a model field, e.g. --map "Headcount=employees" (repeatable).
        #[arg(long = "map", value_name = "HEADER=FIELD", requires = "leads")]
        renames: Vec<String>,
    },
    /// Show what a leads file holds for a model: each column's field (by name, alias or your
    /// --map), type and values, placeholders for "unknown", what the model reads that the file
    /// lacks, suggested --map flags, and the rules that never fire (exit code 1 when any).
    Inspect {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
    },
    /// Find rules worth having: per column, the SQL rate per value (top values, other,
    /// missing) or per range (quantile bins merged while alike), with its interval, the lift
    /// and the suggested points; the most separating columns first. With --out, writes the
    /// model with those findings as fit rules.
    Mine {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
        /// Mine only this column (a header; repeatable).
        #[arg(long = "column", value_name = "NAME")]
        columns: Vec<String>,
        /// Show only the N most separating columns.
        #[arg(long, value_name = "N")]
        top: Option<usize>,
        /// Set this share of the leads with an outcome aside (e.g. 0.3) and mine the rest: the
        /// same split as `fit --holdout` with the same seed.
        #[arg(long, value_name = "SHARE")]
        holdout: Option<f64>,
        /// The seed of the holdout's random split.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// With --out and no --column: add the rules of every column shown whose information
        /// value is at least this.
        #[arg(long, value_name = "IV", requires = "out")]
        min_iv: Option<f64>,
        /// Write the model with every finding of the chosen columns that can be a rule added as
        /// a fit rule (the --column ones, else those reaching --min-iv), but each column's
        /// lowest-rate value, its baseline at 0 points; then `fit` their points.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --out: a rule for every value, the lowest-rate one too (the fit's floor of 0
        /// then hides part of the ranking).
        #[arg(long, requires = "out")]
        all_values: bool,
    },
    /// Write the one-page summary sales reps read: the model in plain language, with its counts
    /// on leads when given (self-contained HTML, print-friendly).
    Summary {
        #[arg(long)]
        model: PathBuf,
        /// Leads to show the model's counts on (CSV, one row per lead).
        #[arg(long)]
        leads: Option<PathBuf>,
        /// An event log CSV for the leads.
        #[arg(long, requires = "leads")]
        events: Option<PathBuf>,
        /// Score as of this date (YYYY-MM-DD); default: the day of the latest event, or today.
        #[arg(long, value_name = "DATE", requires = "leads")]
        as_of: Option<String>,
        /// Map a CSV header to a model field, e.g. --map "Headcount=employees" (repeatable).
        #[arg(long = "map", value_name = "HEADER=FIELD", requires = "leads")]
        renames: Vec<String>,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write today's MQLs (fast-tracked first, best score first) with score, grade and the top
    /// reasons, as a spreadsheet-safe CSV for the CRM.
    MqlList {
        #[arg(long)]
        model: PathBuf,
        #[command(flatten)]
        leads: LeadsArgs,
        /// List the nurture leads too, after the MQLs.
        #[arg(long)]
        with_nurture: bool,
        /// Output file (default: CSV on standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the model as JSON, for tools that cannot read RON (the mapping:
    /// docs/model-format.md §8; refused when the model has errors).
    Json {
        #[arg(long)]
        model: PathBuf,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compile the model to one SQL query that scores a leads table (and an event table) in
    /// DuckDB, PostgreSQL, Spark, BigQuery or Snowflake, with the numbers `score` gives
    /// (docs/sql.md).
    Sql(sql::SqlArgs),
    /// Write the JSON Schema (draft 2020-12) of the model as JSON (docs/model.schema.json).
    Schema {
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
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
        /// The outcome model: `latent` (the bundled sample) or `logistic`, a known logistic
        /// model over the default model's rules, with a `True SQL Probability` column.
        #[arg(long, value_enum, default_value_t = generate::TruthArg::Latent)]
        truth: generate::TruthArg,
        /// Where to write leads.csv and events.csv.
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
    },
}

/// Runs a command; `Ok(code)` is the process exit code.
pub fn run(command: Command) -> Result<i32> {
    match command {
        Command::Score { model, leads, out } => {
            score::score_command(&model, &leads, out.as_deref())
        }
        Command::Check { model } => check::check_command(&model),
        Command::Explain { model, leads, id } => score::explain_command(&model, &leads, &id),
        Command::Calibrate {
            model,
            leads,
            target_rate,
            target_mqls,
            mqls_per_month,
            period_days,
            holdout,
            seed,
        } => {
            let capacity = mqls_per_month.zip(period_days);
            let holdout = fit::holdout_of(holdout, seed)?;
            calibrate::calibrate_command(
                &model,
                &leads,
                target_rate,
                target_mqls,
                capacity,
                holdout,
            )
        }
        Command::Fit {
            model,
            leads,
            holdout,
            seed,
            target_rate,
            target_mqls,
            penalty,
            out,
            design_out,
            report_json,
        } => fit::fit_command(fit::FitArgs {
            model: &model,
            leads: &leads,
            holdout,
            seed,
            target_rate,
            target_mqls,
            penalty,
            out: &out,
            design_out: design_out.as_deref(),
            report_json: report_json.as_deref(),
        }),
        Command::Diff {
            a,
            b,
            leads,
            events,
            as_of,
            skip_bad_rows,
            renames,
        } => {
            let leads = leads.map(|leads| LeadsArgs {
                leads,
                events,
                as_of,
                skip_bad_rows,
                renames,
            });
            diff::diff_command(&a, &b, leads.as_ref())
        }
        Command::Inspect { model, leads } => inspect::inspect_command(&model, &leads),
        Command::Mine {
            model,
            leads,
            columns,
            top,
            holdout,
            seed,
            min_iv,
            out,
            all_values,
        } => mine::mine_command(mine::MineArgs {
            model: &model,
            leads: &leads,
            columns: &columns,
            top,
            holdout,
            seed,
            min_iv,
            out: out.as_deref(),
            all_values,
        }),
        Command::Summary {
            model,
            leads,
            events,
            as_of,
            renames,
            out,
        } => {
            let leads = leads.map(|leads| LeadsArgs {
                leads,
                events,
                as_of,
                skip_bad_rows: false,
                renames,
            });
            handout::summary_command(&model, leads.as_ref(), out.as_deref())
        }
        Command::MqlList {
            model,
            leads,
            with_nurture,
            out,
        } => handout::mql_list_command(&model, &leads, with_nurture, out.as_deref()),
        Command::Json { model, out } => json::json_command(&model, out.as_deref()),
        Command::Schema { out } => json::schema_command(out.as_deref()),
        Command::Sql(args) => sql::sql_command(&args),
        Command::Generate {
            leads,
            seed,
            as_of,
            no_count_columns,
            truth,
            out_dir,
        } => generate::generate_command(
            leads,
            seed,
            &as_of,
            !no_count_columns,
            truth.into(),
            &out_dir,
        ),
    }
}

/// A model's validation errors (not its warnings), one indented, printable line each.
fn error_lines(problems: &[crate::validate::Problem]) -> String {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("  {}", printable(&p.to_string())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads a model and refuses one with errors, printing them.
fn load_valid_model(path: &Path) -> Result<Model> {
    let model = load_model(path)?;
    let problems = validate(&model);
    if !is_valid(&problems) {
        bail!(
            "{} has errors; fix them (see `mql-studio check`):\n{}",
            path_text(path),
            error_lines(&problems)
        );
    }
    Ok(model)
}

/// Loads leads (and events) as the arguments say, reporting skipped rows and warnings on stderr.
/// Loads the leads (and events), evaluates the model's rules on them (printing what the rules
/// read that the leads lack) and scores every lead: what `score`, `calibrate`, `summary` and
/// `mql-list` start with.
fn score_leads(
    args: &LeadsArgs,
    model: &Model,
) -> Result<(
    LeadSet,
    i32,
    crate::scoring::Evaluation,
    Vec<crate::scoring::LeadScore>,
)> {
    let (leads, as_of) = load_leads(args, model)?;
    let evaluation = crate::scoring::Evaluation::new(model, &leads, as_of);
    for warning in &evaluation.warnings {
        warn(warning);
    }
    let scores = crate::scoring::score_all(model, &evaluation);
    Ok((leads, as_of, evaluation, scores))
}

/// The `--map HEADER=FIELD` pairs.
fn parse_renames(maps: &[String]) -> Result<Vec<(String, String)>> {
    maps.iter()
        .map(|m| {
            m.split_once('=')
                .map(|(h, f)| (h.trim().to_owned(), f.trim().to_owned()))
                .with_context(|| format!("--map {m:?}: expected HEADER=FIELD"))
        })
        .collect()
}

pub fn load_leads(args: &LeadsArgs, model: &Model) -> Result<(LeadSet, i32)> {
    let renames = parse_renames(&args.renames)?;
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
        None => {
            if let Some(warning) = leads.default_as_of_warning() {
                eprintln!("warning: {warning}");
            }
            leads.default_as_of()
        }
    };
    Ok((leads, as_of))
}

/// Runs `write` into `out` (atomically), or into standard output without it (a closed pipe is
/// not an error).
fn write_out(
    out: Option<&Path>,
    write: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    match out {
        Some(path) => crate::format::write_atomically_with(path, write)
            .with_context(|| format!("cannot write {}", path_text(path))),
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut stdout).and_then(|()| std::io::Write::flush(&mut stdout)) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                result => Ok(result?),
            }
        }
    }
}

fn print_report(report: &LoadReport, what: &str) {
    if !report.skipped.is_empty() {
        eprintln!(
            "skipped {} bad {what} rows (read {}):",
            report.skipped.len(),
            report.rows_read
        );
        for problem in report.skipped.iter().take(10) {
            eprintln!("  {}", printable(&problem.to_string()));
        }
        if report.skipped.len() > 10 {
            eprintln!("  … and {} more", report.skipped.len() - 10);
        }
    }
    for warning in &report.warnings {
        warn(warning);
    }
}

/// Prints a warning on standard error, its control characters escaped.
fn warn(warning: &str) {
    eprintln!("warning: {}", printable(warning));
}

/// A path as the commands print it: its control characters escaped.
fn path_text(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

/// A rate for a table cell: `12.5 %`, or `–` when there is none.
fn rate_cell(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), crate::calibration::percent)
}

/// Cuts text to `width` characters, ending with `…` when cut.
fn fit_width(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Writes a report to standard output; a reader that went away (`| head`) is not an error.
/// The user values in `text` are already escaped; any other control character but the line
/// feeds is escaped here too, so none reaches the terminal.
fn print_stdout(text: &str) -> Result<()> {
    let text = printable_lines(text);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}
