//! Scale benchmark: every target of the "million leads" issue, measured on the repo's seeded
//! generator's data.
//!
//! `cargo bench --bench scale` generates (once, into `bench-data/`) 1,000,000 leads with an event
//! log of about 12 million activities, then measures loading, evaluating, re-weighting (points,
//! threshold), re-evaluating (a condition or window change), batch scoring to CSV, peak memory,
//! and the time to read the input bytes once. `MQL_BENCH_LEADS` sets another size.
// A test or benchmark may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

mod common;
use common::ensure_data;

use mql_studio::leads::{LoadOptions, load_events_csv, load_leads_csv};
use mql_studio::model::Model;
use mql_studio::scoreboard::{Scoreboard, Update};
use mql_studio::scoring::score_all;

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(ms(started));
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let lead_count: usize = std::env::var("MQL_BENCH_LEADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = ensure_data(lead_count);
    let model_text = include_str!("../models/default.ron");
    let model: Model = mql_studio::format::model_from_str(model_text).expect("default model");
    let leads_path = dir.join("leads.csv");
    let events_path = dir.join("events.csv");

    // Like `cat file > /dev/null`: the bytes through one reused buffer, nothing kept.
    let read_through = |path: &std::path::Path| -> usize {
        use std::io::Read;
        let mut file = std::fs::File::open(path).expect("open");
        let mut buffer = vec![0u8; 1 << 20];
        let mut total = 0;
        while let Ok(n @ 1..) = file.read(&mut buffer) {
            total += n;
        }
        total
    };
    let (cat_ms, bytes) = best_of(3, || read_through(&leads_path) + read_through(&events_path));
    println!(
        "read the input bytes once (like cat): {cat_ms:.0} ms for {:.0} MiB",
        bytes as f64 / 1048576.0
    );

    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let started = Instant::now();
    let (mut leads, _) = load_leads_csv(&leads_path, &options).expect("leads load");
    let leads_ms = ms(started);
    let started = Instant::now();
    load_events_csv(&events_path, &mut leads, false).expect("events load");
    let events_ms = ms(started);
    let event_count = leads.events.as_ref().map_or(0, |e| e.len());
    println!(
        "load: leads {leads_ms:.0} ms + events {events_ms:.0} ms = {:.0} ms ({} leads, {} events)",
        leads_ms + events_ms,
        leads.len(),
        event_count
    );

    let as_of = leads.default_as_of();
    let (evaluate_ms, mut board) = best_of(1, || Scoreboard::new(&model, &leads, as_of));
    println!("evaluate every rule and score: {evaluate_ms:.0} ms");

    // Re-weighting: conditions unchanged, as the app does it while a slider is dragged.
    let mut times: Vec<(&str, Vec<f64>)> = ["points", "mix", "cap", "threshold", "gate"]
        .into_iter()
        .map(|name| (name, Vec::new()))
        .collect();
    let mut next = model.clone();
    for step in 0..100 {
        let kind = step % times.len();
        let nudge = (step / times.len()) as f64;
        match kind {
            0 => next.fit.rules[0].points = 10.0 + nudge,
            1 => {
                next.combine.fit_weight = 0.4 + nudge / 100.0;
                next.combine.engagement_weight = 1.0 - next.combine.fit_weight;
            }
            2 => next.engagement.rules[0].cap = Some(20.0 + nudge),
            3 => next.combine.mql_threshold = 55.0 + nudge / 2.0,
            _ => next.combine.min_fit = Some(5.0 + nudge / 4.0),
        }
        let started = Instant::now();
        let update = board.update(&next, &leads, as_of);
        times[kind].1.push(ms(started));
        assert!(
            matches!(update, Update::Rescored | Update::Reweighted),
            "{update:?}"
        );
        assert_eq!(board.summary.counts.iter().sum::<usize>(), leads.len());
    }
    // The fast paths give exactly what a full rescore from scratch gives.
    let fresh = Scoreboard::new(&next, &leads, as_of);
    assert!(board.scores == fresh.scores && board.summary == fresh.summary);
    drop(fresh);
    for (name, mut times) in times {
        times.sort_by(f64::total_cmp);
        println!(
            "re-weight {name:<9} (rescore, counts, histogram): median {:.1} ms, worst {:.1} ms  (target 16 ms)",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    // Re-evaluating: a condition or a window changes, then changes back (an undo).
    let mut changed = next.clone();
    changed.fit.rules[2].condition =
        mql_studio::model::Condition::OneOf(vec!["Software".into(), "Fintech".into()]);
    let mut windowed = next.clone();
    windowed.engagement.rules[0].window_days = Some(14);
    let mut condition_times = Vec::new();
    let mut window_times = Vec::new();
    for _ in 0..3 {
        for (edited, times) in [
            (&changed, &mut condition_times),
            (&windowed, &mut window_times),
        ] {
            for target in [edited, &next] {
                let started = Instant::now();
                let update = board.update(target, &leads, as_of);
                times.push(ms(started));
                assert_eq!(update, Update::Reevaluated(1));
            }
        }
    }
    condition_times.sort_by(f64::total_cmp);
    window_times.sort_by(f64::total_cmp);
    println!(
        "re-evaluate + rescore: a condition median {:.0} ms, a window median {:.0} ms  (target 250 ms)",
        condition_times[condition_times.len() / 2],
        window_times[window_times.len() / 2]
    );

    let scores = score_all(&model, &board.evaluation);
    let started = Instant::now();
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("scored.csv")).expect("out"));
    mql_studio::export::write_scores_csv(&mut out, &model, &leads, &board.evaluation, &scores)
        .expect("write");
    let write_ms = ms(started);
    println!("write the scored CSV: {write_ms:.0} ms");
    let batch_ms = leads_ms + events_ms + evaluate_ms + write_ms;
    println!(
        "batch scoring in this process (load, evaluate, score, write): {batch_ms:.0} ms = {:.0}x reading the bytes",
        batch_ms / cat_ms
    );
    if let Some(peak) = peak_rss_mib() {
        println!("peak memory (RSS) of this process: {peak:.0} MiB");
    }
}
