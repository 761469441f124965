//! Data shared by the benchmarks: the seeded generator's leads and events, written once.

use std::path::{Path, PathBuf};
use std::time::Instant;

/// `bench-data/<leads>/`, with `leads.csv` and `events.csv` from the seeded generator (default
/// options: about 12 events per lead), generated on first use.
pub fn ensure_data(leads: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("bench-data")
        .join(format!("{leads}"));
    if !dir.join("events.csv").exists() {
        std::fs::create_dir_all(&dir).expect("bench-data dir");
        let options = mql_studio::generate::GenerateOptions {
            leads,
            ..Default::default()
        };
        let mut leads_file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("leads.csv")).expect("create"));
        let mut events_file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("events.csv")).expect("create"));
        let started = Instant::now();
        let summary = mql_studio::generate::generate(&options, &mut leads_file, &mut events_file)
            .expect("generate");
        println!(
            "generated {} leads and {} events in {:.1} s",
            summary.leads,
            summary.events,
            started.elapsed().as_secs_f64()
        );
    }
    dir
}
