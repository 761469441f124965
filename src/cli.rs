//! The command-line interface: `score`, `check`, `explain`, `calibrate`, `diff`, `generate`.
//! `main` parses the arguments with [`Cli`] and hands them to [`run`].

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
        Command::Calibrate {
            model,
            leads,
            target_rate,
            target_mqls,
            mqls_per_month,
            period_days,
        } => {
            let capacity = mqls_per_month.zip(period_days);
            calibrate_command(&model, &leads, target_rate, target_mqls, capacity)
        }
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
            diff_command(&a, &b, leads.as_ref())
        }
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
                .map_err(std::io::Error::other)
        }
    };
    match out {
        Some(path) => crate::format::write_atomically_with(path, write)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut stdout).and_then(|()| stdout.flush()) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(error) if is_broken_pipe(&error) => {}
                result => result?,
            }
        }
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
    // The process ends right after this: freeing a million leads one allocation at a time
    // would only delay the exit (about half a second).
    std::mem::forget((leads, evaluation, scores));
    Ok(0)
}

/// A broken pipe wrapped by the CSV writer.
fn is_broken_pipe(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<csv::Error>())
        .is_some_and(|csv_error| match csv_error.kind() {
            csv::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::BrokenPipe,
            _ => false,
        })
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
    let mut out = format!("{}\n", model_summary(&model));
    let problems = validate(&model);
    for problem in &problems {
        out.push_str(&format!("{problem}\n"));
    }
    let code = if is_valid(&problems) {
        out.push_str(&format!("ok: {} is valid\n", path.display()));
        0
    } else {
        let errors = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        out.push_str(&format!("{} has {errors} error(s)\n", path.display()));
        1
    };
    print_stdout(&out)?;
    Ok(code)
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
    print_stdout(&explanation_text(&model, &explanation))?;
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

// ---------------------------------------------------------------------------------------------
// calibrate

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

fn funnel_text(funnel: &crate::calibration::Funnel, as_of: i32) -> String {
    let f = funnel;
    let row = |label: &str, count: usize, note: String| {
        format!("  {label:<24}{count:>7}   {note}")
            .trim_end()
            .to_owned()
    };
    let mql_share = f
        .lead_to_mql()
        .map(|r| format!("lead → MQL {}", crate::calibration::percent(r)))
        .unwrap_or_default();
    let recall = if f.sqls > 0 {
        format!(
            "{} of them were MQLs ({})",
            f.mql_sqls,
            crate::calibration::percent(f.mql_sqls as f64 / f.sqls as f64)
        )
    } else {
        String::new()
    };
    [
        format!(
            "Funnel ({} leads as of {}; MQLs include fast-tracked leads)",
            f.leads,
            crate::leads::format_day(as_of)
        ),
        row("leads", f.leads, String::new()),
        row("MQLs", f.mqls, mql_share),
        row("leads with an outcome", f.with_outcome, String::new()),
        row("MQLs with an outcome", f.mql_with_outcome, String::new()),
        row(
            "MQLs that reached SQL",
            f.mql_sqls,
            format!("MQL → SQL {}", rate_cell(f.mql_to_sql())),
        ),
        row("MQLs that reached opp.", f.mql_opportunities, String::new()),
        row(
            "MQLs won",
            f.mql_won,
            format!("SQL → won {}", rate_cell(f.sql_to_won())),
        ),
        row("all SQLs", f.sqls, recall),
        row("all won", f.won, String::new()),
    ]
    .join("\n")
}

/// The sweep every 5 points, plus the marked extra rows (the current and suggested thresholds).
fn sweep_text(
    sweep: &[crate::calibration::SweepPoint],
    marked: &[(crate::calibration::SweepPoint, String)],
) -> String {
    let mut rows: Vec<(crate::calibration::SweepPoint, Vec<String>)> = sweep
        .iter()
        .filter(|p| p.threshold % 5.0 == 0.0)
        .map(|p| (*p, Vec::new()))
        .collect();
    for (point, mark) in marked {
        match rows
            .iter_mut()
            .find(|(p, _)| p.threshold == point.threshold)
        {
            Some((_, marks)) => {
                if !marks.contains(mark) {
                    marks.push(mark.clone());
                }
            }
            None => rows.push((*point, vec![mark.clone()])),
        }
    }
    rows.sort_by(|a, b| a.0.threshold.total_cmp(&b.0.threshold));
    let mut lines = vec![
        "Threshold sweep (fast-tracked leads are always MQL, disqualified never; gates apply)"
            .to_owned(),
        format!(
            "  {:>9} {:>6} {:>6} {:>10} {:>8}",
            "threshold", "MQLs", "SQLs", "MQL → SQL", "recall"
        ),
    ];
    for (p, marks) in rows {
        let mark = if marks.is_empty() {
            String::new()
        } else {
            format!("  ← {}", marks.join(", "))
        };
        lines.push(format!(
            "  {:>9} {:>6} {:>6} {:>10} {:>8}{mark}",
            fmt_number(p.threshold),
            p.mqls,
            p.sqls_captured,
            rate_cell(p.precision),
            rate_cell(p.recall)
        ));
    }
    lines.join("\n")
}

fn lift_text(
    lifts: &[crate::calibration::RuleLift],
    model: &Model,
    funnel_: &crate::calibration::Funnel,
) -> String {
    use crate::diff::RuleKind;
    let enabled = |lift: &crate::calibration::RuleLift| match lift.kind {
        RuleKind::Fit => model
            .fit
            .rules
            .iter()
            .find(|r| r.id == lift.id)
            .is_none_or(|r| r.enabled),
        RuleKind::Engagement => model
            .engagement
            .rules
            .iter()
            .find(|r| r.id == lift.id)
            .is_none_or(|r| r.enabled),
        RuleKind::Override => model
            .overrides
            .iter()
            .find(|r| r.id == lift.id)
            .is_none_or(|r| r.enabled),
    };
    let mut lines = vec![
        format!(
            "Rule lift (over the {} leads with an outcome, {} reached SQL; suggested: +10 points per doubling of the odds)",
            funnel_.with_outcome, funnel_.sqls
        ),
        format!(
            "  {:<30} {:<10} {:>6} {:>6} {:>10} {:>10} {:>6} {:>9}",
            "rule", "kind", "points", "fires", "SQL rate", "rest rate", "lift", "suggested"
        ),
    ];
    for lift in lifts {
        let kind = match lift.kind {
            RuleKind::Fit => "fit",
            RuleKind::Engagement => "engagement",
            RuleKind::Override => "override",
        };
        let label = if enabled(lift) {
            lift.label.clone()
        } else {
            format!("{} (off)", lift.label)
        };
        let points = lift
            .current_points
            .map_or_else(|| "–".to_owned(), fmt_number);
        let suggested = lift.suggested_points.map_or_else(
            || "–".to_owned(),
            |p| {
                if p == 0.0 {
                    "0".to_owned()
                } else {
                    format!("{p:+}")
                }
            },
        );
        let lift_value = lift
            .lift
            .map_or_else(|| "–".to_owned(), |l| format!("{l:.2}"));
        lines.push(format!(
            "  {:<30} {:<10} {:>6} {:>6} {:>10} {:>10} {:>6} {:>9}",
            fit_width(&label, 30),
            kind,
            points,
            lift.matched,
            rate_cell(lift.matched_rate),
            rate_cell(lift.rest_rate),
            lift_value,
            suggested
        ));
    }
    lines.join("\n")
}

fn agreement_text(agreement: &crate::calibration::Agreement) -> String {
    let a = agreement;
    [
        format!("Agreement with sales ({} leads with a verdict)", a.judged()),
        format!("  {:<16}{:>14}{:>14}", "", "sales accept", "sales reject"),
        format!(
            "  {:<16}{:>14}{:>14}",
            "model MQL",
            a.both_yes.len(),
            a.model_only.len()
        ),
        format!(
            "  {:<16}{:>14}{:>14}",
            "model not MQL",
            a.sales_only.len(),
            a.both_no.len()
        ),
        format!(
            "  agreement {} ({} of {})",
            rate_cell(a.rate()),
            a.agreeing(),
            a.judged()
        ),
    ]
    .join("\n")
}

fn calibrate_command(
    model_path: &Path,
    args: &LeadsArgs,
    target_rate: Option<f64>,
    target_mqls: Option<usize>,
    capacity: Option<(f64, f64)>,
) -> Result<i32> {
    use crate::calibration::{
        Target, agreement, funnel, monthly_capacity_to_count, percent, rule_lift,
        suggest_threshold, sweep_point, threshold_sweep,
    };
    if let Some(rate) = target_rate
        && !(rate > 0.0 && rate <= 1.0)
    {
        bail!("--target-rate {rate}: expected a rate above 0 and at most 1, e.g. 0.25 for 25 %");
    }
    if let Some((per_month, days)) = capacity
        && !(per_month >= 0.0 && per_month.is_finite() && days > 0.0 && days.is_finite())
    {
        bail!(
            "--mqls-per-month {per_month} --period-days {days}: expected a count of 0 or more and a number of days above 0"
        );
    }
    let model = load_valid_model(model_path)?;
    let (leads, as_of) = load_leads(args, &model)?;
    let evaluation = Evaluation::new(&model, &leads, as_of);
    for warning in &evaluation.warnings {
        eprintln!("warning: {warning}");
    }
    let scores = score_all(&model, &evaluation);
    let funnel_ = funnel(&leads, &scores);
    let sweep = threshold_sweep(&model, &leads, &scores);

    let mut targets: Vec<(Target, String)> = Vec::new();
    if let Some(rate) = target_rate {
        targets.push((
            Target::MqlToSqlRate(rate),
            format!("MQL → SQL at least {}", percent(rate)),
        ));
    }
    if let Some(count) = target_mqls {
        targets.push((Target::MqlCount(count), format!("at most {count} MQLs")));
    }
    if let Some((per_month, days)) = capacity {
        let count = monthly_capacity_to_count(per_month, days);
        targets.push((
            Target::MqlCount(count),
            format!(
                "sales capacity {} MQLs a month over {} days = at most {count} MQLs",
                fmt_number(per_month),
                fmt_number(days)
            ),
        ));
    }
    if targets.is_empty() {
        targets.push((
            Target::MqlToSqlRate(crate::calibration::LOOSE_BELOW),
            "MQL → SQL at least 20 % (the rule of thumb; set --target-rate or --target-mqls)"
                .to_owned(),
        ));
    }
    let current = sweep_point(&model, &leads, &scores, model.combine.mql_threshold);
    let mut marked = vec![(current, "current".to_owned())];
    let mut suggestion_lines = vec!["Suggested thresholds".to_owned()];
    for (target, what) in &targets {
        match suggest_threshold(&sweep, *target) {
            Some(s) => {
                suggestion_lines.push(format!(
                    "  {what}: {}\n    {}",
                    fmt_number(s.threshold),
                    s.explanation
                ));
                marked.push((s.point, "suggested".to_owned()));
            }
            None => suggestion_lines.push(format!("  {what}: no threshold qualifies")),
        }
    }

    let mut sections = vec![
        format!("Calibration of {} on {}", model.name, args.leads.display()),
        funnel_text(&funnel_, as_of),
        format!("Reading: {}", funnel_.reading().text()),
        sweep_text(&sweep, &marked),
        suggestion_lines.join("\n"),
    ];
    if funnel_.with_outcome > 0 {
        let lifts = rule_lift(&model, &leads, &evaluation);
        sections.push(lift_text(&lifts, &model, &funnel_));
    } else {
        sections
            .push("Rule lift: no lead has an outcome, so there is nothing to compare.".to_owned());
    }
    let agreement_ = agreement(&scores, &leads.verdicts);
    if agreement_.judged() > 0 {
        sections.push(agreement_text(&agreement_));
    }
    print_stdout(&format!("{}\n", sections.join("\n\n")))?;
    Ok(0)
}

// ---------------------------------------------------------------------------------------------
// diff

/// How many changed leads `diff` lists one by one.
const CHANGED_LEADS_SHOWN: usize = 20;

fn diff_command(a_path: &Path, b_path: &Path, leads_args: Option<&LeadsArgs>) -> Result<i32> {
    let report = diff_report(a_path, b_path, leads_args)?;
    print_stdout(&report)?;
    Ok(0)
}

/// What `diff` prints.
fn diff_report(a_path: &Path, b_path: &Path, leads_args: Option<&LeadsArgs>) -> Result<String> {
    use crate::calibration::{status_change_counts, status_changes};
    use std::fmt::Write as _;
    let mut out = String::new();
    let load = |path: &Path| {
        if leads_args.is_some() {
            load_valid_model(path)
        } else {
            load_model(path).map_err(anyhow::Error::from)
        }
    };
    let a = load(a_path)?;
    let b = load(b_path)?;
    let _ = writeln!(
        out,
        "{} ({}) → {} ({})",
        a_path.display(),
        a.name,
        b_path.display(),
        b.name
    );
    let lines = crate::diff::diff_models(&a, &b).lines();
    if lines.is_empty() {
        let _ = writeln!(out, "no differences");
    } else {
        let _ = writeln!(
            out,
            "{} change{}:",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        );
        for line in &lines {
            let _ = writeln!(out, "  {line}");
        }
    }
    let Some(args) = leads_args else {
        return Ok(out);
    };
    let (leads_a, as_of) = load_leads(args, &a)?;
    // Leads are typed by the model's field declarations: load them again only when B declares
    // different fields.
    let leads_b = if a.fields == b.fields {
        None
    } else {
        Some(load_leads(args, &b)?.0)
    };
    let leads_b = leads_b.as_ref().unwrap_or(&leads_a);
    let scores_a = score_all(&a, &Evaluation::new(&a, &leads_a, as_of));
    let scores_b = score_all(&b, &Evaluation::new(&b, leads_b, as_of));
    let changes = status_changes(&scores_a, &scores_b);
    let _ = writeln!(
        out,
        "\nOn {} leads as of {}: {} change status.",
        leads_a.len(),
        crate::leads::format_day(as_of),
        changes.len()
    );
    let funnel_a = crate::calibration::funnel(&leads_a, &scores_a);
    let funnel_b = crate::calibration::funnel(leads_b, &scores_b);
    let mut effects = vec![format!("MQLs {} → {}", funnel_a.mqls, funnel_b.mqls)];
    if funnel_a.with_outcome > 0 {
        effects.push(format!(
            "MQL → SQL {} → {}",
            rate_cell(funnel_a.mql_to_sql()),
            rate_cell(funnel_b.mql_to_sql())
        ));
    }
    let agreement_a = crate::calibration::agreement(&scores_a, &leads_a.verdicts);
    if agreement_a.judged() > 0 {
        let agreement_b = crate::calibration::agreement(&scores_b, &leads_b.verdicts);
        effects.push(format!(
            "agreement with sales {} → {}",
            rate_cell(agreement_a.rate()),
            rate_cell(agreement_b.rate())
        ));
    }
    let _ = writeln!(out, "  {}", effects.join("; "));
    if changes.is_empty() {
        return Ok(out);
    }
    let _ = writeln!(out, "\n  {:<18} {:<18} {:>6}", "from", "to", "leads");
    for ((from, to), count) in status_change_counts(&changes) {
        let _ = writeln!(out, "  {:<18} {:<18} {count:>6}", from.label(), to.label());
    }
    let shown = changes.len().min(CHANGED_LEADS_SHOWN);
    let _ = writeln!(
        out,
        "\n{} changed leads:",
        if shown == changes.len() {
            format!("All {shown}")
        } else {
            format!("The first {shown} of {}", changes.len())
        }
    );
    let id_width = changes
        .iter()
        .take(shown)
        .filter_map(|c| leads_a.ids.get(c.row))
        .map(|id| id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let _ = writeln!(
        out,
        "  {:<id_width$}  {:<18} {:<18} {:>8} {:>8}",
        "id", "from", "to", "score A", "score B"
    );
    for change in changes.iter().take(shown) {
        let id = leads_a.ids.get(change.row).map_or("", String::as_str);
        let score = |scores: &[crate::scoring::LeadScore]| {
            scores
                .get(change.row)
                .map_or_else(String::new, |s| fmt_number(s.score))
        };
        let _ = writeln!(
            out,
            "  {id:<id_width$}  {:<18} {:<18} {:>8} {:>8}",
            change.before.label(),
            change.after.label(),
            score(&scores_a),
            score(&scores_b)
        );
    }
    Ok(out)
}

/// Writes a report to standard output; a reader that went away (`| head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}
