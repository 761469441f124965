//! `generate`: seeded sample leads and an event log, for demos and benchmarks.

use std::path::Path;

use anyhow::{Context, Result};

use super::path_text;
use crate::generate::Truth;
use crate::leads::parse_day;

/// `--truth`: the generator's outcome model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TruthArg {
    /// The hidden fit and intent (the bundled sample).
    Latent,
    /// A known logistic model over the default model's rules.
    Logistic,
}

impl From<TruthArg> for Truth {
    fn from(truth: TruthArg) -> Truth {
        match truth {
            TruthArg::Latent => Truth::Latent,
            TruthArg::Logistic => Truth::Logistic,
        }
    }
}

pub(super) fn generate_command(
    leads: usize,
    seed: u64,
    as_of: &str,
    count_columns: bool,
    truth: Truth,
    out_dir: &Path,
) -> Result<i32> {
    let as_of =
        parse_day(as_of).with_context(|| format!("--as-of {as_of:?}: expected YYYY-MM-DD"))?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create {}", path_text(out_dir)))?;
    let leads_path = out_dir.join("leads.csv");
    let events_path = out_dir.join("events.csv");
    let mut leads_file = std::io::BufWriter::new(
        std::fs::File::create(&leads_path)
            .with_context(|| format!("cannot create {}", path_text(&leads_path)))?,
    );
    let mut events_file = std::io::BufWriter::new(
        std::fs::File::create(&events_path)
            .with_context(|| format!("cannot create {}", path_text(&events_path)))?,
    );
    let options = crate::generate::GenerateOptions {
        leads,
        seed,
        as_of,
        count_columns,
        truth,
        ..Default::default()
    };
    let summary = crate::generate::generate(&options, &mut leads_file, &mut events_file)?;
    eprintln!(
        "wrote {} leads to {} and {} events to {} ({} reached SQL)",
        summary.leads,
        path_text(&leads_path),
        summary.events,
        path_text(&events_path),
        summary.sqls
    );
    Ok(0)
}
