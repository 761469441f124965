//! The worked examples of the domain primer ("Worked examples that real practitioners use"),
//! reproduced by the example models in `models/`.
//!
//! Every expected number below is worked out by hand from the example and the model file (the
//! arithmetic is written next to each lead), never copied from the program's output. Every lead is
//! scored both ways the engine offers: [`Evaluation`] + [`score_all`] (the fast path) and
//! [`explain`](mql_studio::scoring::explain) (the simple path), and both must give the stated
//! fit, engagement, score and status. Each example is a table ([`Example`]): one row per lead.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use mql_studio::format::load_model;
use mql_studio::model::Model;
use mql_studio::scoring::{Evaluation, Explanation, Section, Status, score_all};
use mql_studio::validate::{is_valid, validate};

mod common;

use common::leads::{leads_for, with_events};
use common::scoring::explain_agreeing;
use common::{day, model_files, repo};

/// The example models this file covers (besides `default.ron`).
const EXAMPLE_MODELS: [&str; 10] = [
    "points-per-action.ron",
    "points-per-action-variant.ron",
    "sixty-forty.ron",
    "fourteen-day-window.ron",
    "target-account-fast-track.ron",
    "trade-show.ron",
    "architecture-firm.ron",
    "bookkeeping-agency.ron",
    "cyber-security-msp.ron",
    "hubspot-list.ron",
];

/// The as-of date of every example unless a test moves it.
const AS_OF: &str = "2026-11-01";

/// Loads a model from `models/` and insists that it validates without errors.
fn load(name: &str) -> Model {
    let model = load_model(&repo("models").join(name))
        .unwrap_or_else(|e| panic!("{name} does not load: {e}"));
    let problems = validate(&model);
    assert!(is_valid(&problems), "{name} has errors: {problems:#?}");
    model
}

/// What a worked example says about one lead.
struct Expected<'a> {
    id: &'a str,
    fit: f64,
    engagement: f64,
    score: f64,
    status: Status,
}

fn lead(id: &str, fit: f64, engagement: f64, score: f64, status: Status) -> Expected<'_> {
    Expected {
        id,
        fit,
        engagement,
        score,
        status,
    }
}

/// One worked example: a model file, inline leads (and events) and, for every lead, the fit,
/// engagement, score and status worked out by hand as of a date.
struct Example<'a> {
    /// A file in `models/`.
    model: &'a str,
    /// The leads CSV, read the way the CLI reads it (the model's fields and aliases).
    leads: &'a str,
    /// The event log (lead id, activity, timestamp), if the example has one.
    events: Option<&'a str>,
    as_of: &'a str,
    /// One row per lead of `leads`, none missing.
    expected: &'a [Expected<'a>],
}

/// A checked example: its model and every lead's explanation, by lead id, for further checks.
struct Checked {
    model: Model,
    explanations: Vec<(String, Explanation)>,
}

impl Example<'_> {
    /// Scores every lead both ways, [`Evaluation`] + [`score_all`] (the fast path) and
    /// [`explain`](mql_studio::scoring::explain) (the simple path), and checks each against its
    /// row. A failure names the example, the date, the lead and the path.
    #[track_caller]
    fn check(&self) -> Checked {
        let model = load(self.model);
        let mut leads = leads_for(&model, self.leads);
        if let Some(events) = self.events {
            leads = with_events(leads, events);
        }
        let as_of = day(self.as_of);
        let example = format!("{} as of {}", self.model, self.as_of);
        assert_eq!(
            leads.len(),
            self.expected.len(),
            "{example}: every inline lead needs an expectation"
        );
        let evaluation = Evaluation::new(&model, &leads, as_of);
        assert!(
            evaluation.warnings.is_empty(),
            "{example}: the inline data misses something the model reads: {:?}",
            evaluation.warnings
        );
        let scores = score_all(&model, &evaluation);
        let mut explanations = Vec::new();
        for e in self.expected {
            let row = leads
                .row_of(e.id)
                .unwrap_or_else(|| panic!("{example}: no lead {} in the inline leads", e.id));
            // Both paths give the same score and name the same fired rules and overrides.
            let explained = explain_agreeing(&model, &leads, &evaluation, &scores, row);
            for (path, s) in [("score_all", scores[row]), ("explain", explained.score)] {
                assert_eq!(
                    (s.fit, s.engagement, s.score, s.status),
                    (e.fit, e.engagement, e.score, e.status),
                    "{example}, lead {} by {path}: (fit, engagement, score, status), \
                     computed (left) and worked out by hand (right)",
                    e.id
                );
            }
            assert_eq!(
                explained.distance_to_threshold,
                e.score - model.combine.mql_threshold,
                "{example}, lead {}: distance to the threshold",
                e.id
            );
            // The explanation's rule list adds up to the raw sub-scores.
            let sum = |fit: bool| -> f64 {
                explained
                    .rules
                    .iter()
                    .filter(|r| r.enabled && (r.section == Section::Fit) == fit)
                    .map(|r| r.points)
                    .sum()
            };
            assert_eq!(
                sum(true),
                explained.fit_raw,
                "{example}, lead {}: fit rules",
                e.id
            );
            assert_eq!(
                sum(false),
                explained.engagement_raw,
                "{example}, lead {}: engagement rules",
                e.id
            );
            explanations.push((e.id.to_owned(), explained));
        }
        Checked {
            model,
            explanations,
        }
    }
}

impl Checked {
    fn explanation(&self, id: &str) -> &Explanation {
        &self
            .explanations
            .iter()
            .find(|(lead_id, _)| lead_id == id)
            .unwrap_or_else(|| panic!("no explanation for {id}"))
            .1
    }

    /// The ids of the enabled rules and overrides that fired for a lead, sorted.
    fn fired(&self, id: &str) -> Vec<&str> {
        let e = self.explanation(id);
        let mut ids: Vec<&str> = e
            .rules
            .iter()
            .filter(|r| r.enabled && r.fired)
            .map(|r| r.id.as_str())
            .chain(
                e.overrides
                    .iter()
                    .filter(|o| o.enabled && o.fired)
                    .map(|o| o.id.as_str()),
            )
            .collect();
        ids.sort_unstable();
        ids
    }
}

// ---------------------------------------------------------------------------------------------
// Every model file.

#[test]
fn every_model_file_loads_and_validates() {
    let mut found = BTreeSet::new();
    for path in model_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let model = load_model(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let problems = validate(&model);
        assert!(is_valid(&problems), "{name} has errors: {problems:#?}");
        found.insert(name);
    }
    for name in EXAMPLE_MODELS.iter().chain(&["default.ron"]) {
        assert!(found.contains(*name), "models/{name} is missing");
    }
}

#[test]
fn example_models_are_documented_and_warning_free() {
    for name in EXAMPLE_MODELS {
        let model = load(name);
        let problems = validate(&model);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        assert_eq!(model.format_version, "1.0", "{name}");
        assert!(
            model.description.contains("worked example"),
            "{name}: the description says which worked example it reproduces"
        );
        let rules = model
            .fit
            .rules
            .iter()
            .map(|r| (&r.id, &r.label, r.proposed_by, &r.rationale))
            .chain(
                model
                    .engagement
                    .rules
                    .iter()
                    .map(|r| (&r.id, &r.label, r.proposed_by, &r.rationale)),
            )
            .chain(
                model
                    .overrides
                    .iter()
                    .map(|r| (&r.id, &r.label, r.proposed_by, &r.rationale)),
            );
        for (id, label, proposed_by, rationale) in rules {
            assert!(!id.trim().is_empty(), "{name}: a rule without an id");
            assert!(!label.trim().is_empty(), "{name}: rule {id} has no label");
            assert!(proposed_by.is_some(), "{name}: rule {id} has no proposer");
            assert!(
                !rationale.trim().is_empty(),
                "{name}: rule {id} has no rationale"
            );
        }
        // The grade bands are set for this model's caps, not left at the 60/40 defaults.
        assert_eq!(model.fit_grades.len(), 4, "{name}");
        assert_eq!(model.fit_grades[3].min_points, 0.0, "{name}");
        assert_eq!(
            model.fit_grades[0].min_points,
            model.fit.max_points * 0.75,
            "{name}"
        );
        assert_eq!(
            model.engagement_levels[0].min_points,
            model.engagement.max_points * 0.75,
            "{name}"
        );
    }
}

/// `mql-studio check` accepts every example model (exit code 0, "ok").
#[cfg(feature = "cli")]
#[test]
fn mql_studio_check_accepts_every_example_model() {
    use common::cli::{path_str, run, stdout};
    for name in EXAMPLE_MODELS {
        let output = run(&["check", path_str(&repo("models").join(name))]);
        let stdout = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{name}:\n{stdout}");
        assert!(stdout.contains("is valid"), "{name}:\n{stdout}");
        assert!(!stdout.contains("error:"), "{name}:\n{stdout}");
        assert!(!stdout.contains("warning:"), "{name}:\n{stdout}");
    }
}

// ---------------------------------------------------------------------------------------------
// Example 1: points per action and attribute.

#[test]
fn example_1_points_per_action() {
    let checked = Example {
        model: "points-per-action.ron",
        leads: "Lead ID,Job Title,Employees,eBook Downloads,Webinars Attended,Pricing Page Views\n\
            P-TITLE,Director of Marketing,50,0,0,0\n\
            P-SIZE,Analyst,1200,0,0,0\n\
            P-EBOOK,Analyst,50,2,0,0\n\
            P-WEBINAR,Analyst,50,0,1,0\n\
            P-PRICING,Analyst,50,0,0,3\n\
            P-NEAR,Head of Finance,300,1,0,0\n\
            P-MIX,Head of Finance,300,1,1,0\n\
            P-ALL,VP Sales,800,1,1,1\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // Job title +15 (50 employees is below the size band).
            lead("P-TITLE", 15.0, 0.0, 15.0, Status::Lead),
            // Company size +20.
            lead("P-SIZE", 20.0, 0.0, 20.0, Status::Lead),
            // Downloaded eBook +10 (two downloads still count once).
            lead("P-EBOOK", 0.0, 10.0, 10.0, Status::Lead),
            // Attended webinar +25.
            lead("P-WEBINAR", 0.0, 25.0, 25.0, Status::Lead),
            // Visited pricing page +30 (three visits count once).
            lead("P-PRICING", 0.0, 30.0, 30.0, Status::Lead),
            // 15 + 20 + 10 = 45: exactly the bottom of the nurture band (60 - 15).
            lead("P-NEAR", 35.0, 10.0, 45.0, Status::Nurture),
            // 15 + 20 + 10 + 25 = 70 >= 60.
            lead("P-MIX", 35.0, 35.0, 70.0, Status::Mql),
            // Everything: 15 + 20 + 10 + 25 + 30 = 100.
            lead("P-ALL", 35.0, 65.0, 100.0, Status::Mql),
        ],
    }
    .check();
    let model = &checked.model;
    // Raw points are scale points: 35 fit points weigh 0.35 and 65 engagement points 0.65 of 100.
    assert_eq!(model.fit.max_points, 35.0);
    assert_eq!(model.engagement.max_points, 65.0);
    assert_eq!(model.combine.scale, 100.0);
    for (id, e) in &checked.explanations {
        assert_eq!(
            e.score.score,
            e.score.fit + e.score.engagement,
            "{id}: raw points are scale points"
        );
    }
    assert_eq!(checked.fired("P-TITLE"), ["fit-job-title"]);
    assert_eq!(checked.fired("P-SIZE"), ["fit-company-size"]);
    assert_eq!(
        checked.fired("P-ALL"),
        [
            "eng-ebook",
            "eng-pricing",
            "eng-webinar",
            "fit-company-size",
            "fit-job-title"
        ]
    );
    assert_eq!(checked.explanation("P-ALL").grade, "A1");
}

#[test]
fn example_1_other_teams_variant() {
    let checked = Example {
        model: "points-per-action-variant.ron",
        leads: "Lead ID,Job Title,Employees,Whitepaper Downloads,Demo Sign-ups,Pricing Page Views\n\
            V-WHITE-PAPER,Analyst,50,1,0,0\n\
            V-DEMO,Analyst,50,0,1,0\n\
            V-CONTENT,Director of IT,100,1,1,0\n\
            V-ALL,VP Sales,800,1,1,1\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // White paper 10.
            lead("V-WHITE-PAPER", 0.0, 10.0, 10.0, Status::Lead),
            // Product demo sign-up 25.
            lead("V-DEMO", 0.0, 25.0, 25.0, Status::Lead),
            // Title 15 + white paper 10 + demo sign-up 25 = 50: nurture (45..60).
            lead("V-CONTENT", 15.0, 35.0, 50.0, Status::Nurture),
            // 15 + 20 + 10 + 25 + 30 = 100.
            lead("V-ALL", 35.0, 65.0, 100.0, Status::Mql),
        ],
    }
    .check();
    assert_eq!(checked.fired("V-WHITE-PAPER"), ["eng-white-paper"]);
    assert_eq!(checked.fired("V-DEMO"), ["eng-demo-signup"]);
}

// ---------------------------------------------------------------------------------------------
// Example 2: fit 60 %, engagement 40 %, MQL at 75.

#[test]
fn example_2_sixty_forty() {
    let checked = Example {
        model: "sixty-forty.ron",
        leads: "Lead ID,Job Title,Industry,Employees,Email,Live Demos Attended,\
            Technical Webinars Attended,Pricing Page Views,Case Study Views\n\
            D-FINANCE,Finance Director,SaaS,150,dana@acme-saas.com,1,0,0,0\n\
            D-FINANCE-QUIET,Finance Director,SaaS,150,dana@acme-saas.com,0,0,0,0\n\
            D-CTO,CTO,SaaS,150,chris@acme-saas.com,0,0,1,0\n\
            D-CTO-CASE-STUDY,CTO,SaaS,150,chris@acme-saas.com,0,0,1,1\n\
            D-CTO-WEBINAR,CTO,SaaS,150,chris@acme-saas.com,0,1,1,0\n\
            D-CAPPED,VP Finance,Software,2000,vic@bigco.com,1,1,3,4\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // The example: finance director 20 + SaaS 15 + 150 employees 15 = 50 fit points;
            // a live demo adds 40; 50 + 40 = 90 >= 75.
            lead("D-FINANCE", 50.0, 40.0, 90.0, Status::Mql),
            // The same person before the demo: 50, more than 15 below 75.
            lead("D-FINANCE-QUIET", 50.0, 0.0, 50.0, Status::Lead),
            // The example's CTO at 60 of 75: CTO 20 + SaaS 15 + size 15 = 50, one pricing visit 10.
            lead("D-CTO", 50.0, 10.0, 60.0, Status::Nurture),
            // Sending a case study (+5) alone: 65, still nurture.
            lead("D-CTO-CASE-STUDY", 50.0, 15.0, 65.0, Status::Nurture),
            // After the technical webinar (+15): 75 reaches the threshold.
            lead("D-CTO-WEBINAR", 50.0, 25.0, 75.0, Status::Mql),
            // Fit 20 + 15 + 25 = 60 (full); engagement 40 + 15 + 20 (cap) + 10 (cap) = 85 raw,
            // capped to the 40 % share: 60 + 40 = 100.
            lead("D-CAPPED", 60.0, 40.0, 100.0, Status::Mql),
        ],
    }
    .check();
    let model = &checked.model;
    assert_eq!(
        (model.combine.fit_weight, model.combine.engagement_weight),
        (0.6, 0.4)
    );
    assert_eq!(model.combine.mql_threshold, 75.0);
    assert_eq!(
        checked.fired("D-FINANCE"),
        [
            "eng-live-demo",
            "fit-saas",
            "fit-senior-title",
            "fit-size-core"
        ]
    );
    // "CTO" is matched exactly, and "Director" is not mistaken for "CTO" (nor the reverse).
    assert_eq!(
        checked.fired("D-CTO"),
        [
            "eng-pricing",
            "fit-c-suite-abbreviation",
            "fit-saas",
            "fit-size-core"
        ]
    );
    let finance = checked.explanation("D-FINANCE");
    assert_eq!(finance.grade, "A1");
    assert_eq!(finance.reason, "MQL: score 90 reaches the threshold 75");
    let cto = checked.explanation("D-CTO");
    assert_eq!(cto.distance_to_threshold, -15.0);
    assert_eq!(cto.grade, "A3");
    assert!(
        cto.reason.starts_with("nurture (near-MQL)"),
        "{}",
        cto.reason
    );
    let capped = checked.explanation("D-CAPPED");
    assert_eq!((capped.fit_raw, capped.engagement_raw), (60.0, 85.0));
}

// ---------------------------------------------------------------------------------------------
// Example 3: three whitepapers, two pricing visits and a product webinar within 14 days.

const FOURTEEN_DAY_LEADS: &str = "Lead ID,Job Title,Industry,Employees\n\
                                  W-BURST,Marketing Analyst,SaaS,80\n\
                                  W-EDGE-OUT,Marketing Analyst,SaaS,80\n\
                                  W-SPREAD,Marketing Analyst,SaaS,80\n\
                                  W-CASE,Marketing Analyst,SaaS,80\n";

/// Ages are days before 2026-11-01 (age 0 = the as-of day; the window holds ages 0 to 13).
const FOURTEEN_DAY_EVENTS: &str = "lead_id,activity,timestamp\n\
    W-BURST,whitepaper_download,2026-10-19T09:00:00Z\n\
    W-BURST,pricing_page_view,2026-10-22T10:00:00Z\n\
    W-BURST,whitepaper_download,2026-10-24T11:00:00Z\n\
    W-BURST,whitepaper_download,2026-10-28T12:00:00Z\n\
    W-BURST,pricing_page_view,2026-10-30T13:00:00Z\n\
    W-BURST,product_webinar_attended,2026-11-01T16:00:00Z\n\
    W-EDGE-OUT,whitepaper_download,2026-10-18T09:00:00Z\n\
    W-EDGE-OUT,pricing_page_view,2026-10-22T10:00:00Z\n\
    W-EDGE-OUT,whitepaper_download,2026-10-24T11:00:00Z\n\
    W-EDGE-OUT,whitepaper_download,2026-10-28T12:00:00Z\n\
    W-EDGE-OUT,pricing_page_view,2026-10-30T13:00:00Z\n\
    W-EDGE-OUT,product_webinar_attended,2026-11-01T16:00:00Z\n\
    W-SPREAD,whitepaper_download,2026-09-25\n\
    W-SPREAD,whitepaper_download,2026-10-05\n\
    W-SPREAD,pricing_page_view,2026-10-10\n\
    W-SPREAD,product_webinar_attended,2026-10-15\n\
    W-SPREAD,whitepaper_download,2026-10-25\n\
    W-SPREAD,pricing_page_view,2026-10-29\n\
    W-CASE,case_study_view,2026-10-30\n\
    W-CASE,case_study_view,2026-10-31\n\
    W-CASE,case_study_view,2026-11-01\n";

#[test]
fn example_3_burst_within_fourteen_days_crosses_sixty() {
    let checked = Example {
        model: "fourteen-day-window.ron",
        leads: FOURTEEN_DAY_LEADS,
        events: Some(FOURTEEN_DAY_EVENTS),
        as_of: AS_OF,
        // Fit for all four: SaaS 10 (80 employees and an analyst title score nothing).
        expected: &[
            // Ages 13, 8, 4 (whitepapers), 10, 2 (pricing), 0 (webinar): all inside.
            // 3 x 5 + 2 x 10 + 15 = 50; 10 + 50 = 60 reaches the threshold.
            lead("W-BURST", 10.0, 50.0, 60.0, Status::Mql),
            // The same six events over 15 days: the first whitepaper is 14 days old, outside.
            // 2 x 5 + 2 x 10 + 15 = 45; 10 + 45 = 55.
            lead("W-EDGE-OUT", 10.0, 45.0, 55.0, Status::Nurture),
            // The same six events over 37 days: only the whitepaper of 10-25 (age 7) and the
            // pricing visit of 10-29 (age 3) are inside: 5 + 10 = 15; 10 + 15 = 25.
            lead("W-SPREAD", 10.0, 15.0, 25.0, Status::Lead),
            // Three case studies, capped at 10: 10 + 10 = 20.
            lead("W-CASE", 10.0, 10.0, 20.0, Status::Lead),
        ],
    }
    .check();
    assert_eq!(checked.model.combine.mql_threshold, 60.0);
    assert_eq!(
        checked.fired("W-BURST"),
        [
            "eng-pricing",
            "eng-product-webinar",
            "eng-whitepaper",
            "fit-saas"
        ]
    );
    let burst = checked.explanation("W-BURST");
    let whitepapers = burst
        .rules
        .iter()
        .find(|r| r.id == "eng-whitepaper")
        .expect("the whitepaper rule is explained");
    assert!(
        whitepapers.detail.contains("x3 (in the last 14 days)"),
        "{}",
        whitepapers.detail
    );
    let spread = checked.explanation("W-SPREAD");
    assert!(
        spread
            .rules
            .iter()
            .any(|r| r.id == "eng-product-webinar" && !r.fired)
    );
}

#[test]
fn example_3_the_webinar_is_what_crosses_the_threshold() {
    // The day before the webinar: events of 2026-11-01 are in the future and count 0; every
    // other event is one day younger, so the whitepaper of 10-18 (age 13) is inside now.
    let day_before = Example {
        model: "fourteen-day-window.ron",
        leads: FOURTEEN_DAY_LEADS,
        events: Some(FOURTEEN_DAY_EVENTS),
        as_of: "2026-10-31",
        expected: &[
            // 3 x 5 + 2 x 10 = 35; 10 + 35 = 45: nurture, not yet an MQL.
            lead("W-BURST", 10.0, 35.0, 45.0, Status::Nurture),
            lead("W-EDGE-OUT", 10.0, 35.0, 45.0, Status::Nurture),
            // Whitepaper of 10-25 (age 6) and pricing of 10-29 (age 2): 15.
            lead("W-SPREAD", 10.0, 15.0, 25.0, Status::Lead),
            // Case studies of 10-30 and 10-31: 2 x 5 = 10.
            lead("W-CASE", 10.0, 10.0, 20.0, Status::Lead),
        ],
    };
    day_before.check();
    // Two weeks later the burst has aged out of the window: the webinar of 11-01 is 14 days old.
    let fit_only = |id| lead(id, 10.0, 0.0, 10.0, Status::Lead);
    Example {
        as_of: "2026-11-15",
        expected: &[
            fit_only("W-BURST"),
            fit_only("W-EDGE-OUT"),
            fit_only("W-SPREAD"),
            fit_only("W-CASE"),
        ],
        ..day_before
    }
    .check();
}

#[test]
fn example_3_count_columns_have_no_dates() {
    // Without an event log the aggregate counts are taken as they are: the window cannot apply.
    Example {
        model: "fourteen-day-window.ron",
        leads: "Lead ID,Job Title,Industry,Employees,Whitepaper Downloads,Pricing Page Views,\
            Product Webinars Attended,Case Study Views\n\
            C-BURST,Marketing Analyst,SaaS,80,3,2,1,0\n\
            C-ONE-SHORT,Marketing Analyst,SaaS,80,2,2,1,0\n\
            C-MANAGER,Marketing Manager,SaaS,250,4,1,0,0\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // 10 + 3 x 5 + 2 x 10 + 15 = 60.
            lead("C-BURST", 10.0, 50.0, 60.0, Status::Mql),
            // One whitepaper fewer: 55.
            lead("C-ONE-SHORT", 10.0, 45.0, 55.0, Status::Nurture),
            // Fit 10 + 10 + 20 = 40; whitepapers 4 x 5 = 20 capped to 15, pricing 10: 40 + 25.
            lead("C-MANAGER", 40.0, 25.0, 65.0, Status::Mql),
        ],
    }
    .check();
}

// ---------------------------------------------------------------------------------------------
// Example 4: target account, more than 1,000 employees, 5 email opens, a case-study click.

#[test]
fn example_4_target_account_fast_track() {
    let checked = Example {
        model: "target-account-fast-track.ron",
        leads: "Lead ID,Job Title,Employees,Target Account,Is Competitor,Email Opens,\
            Case Study Clicks,Pricing Page Views,Webinars Attended\n\
            T-ALL,Marketing Coordinator,25000,yes,no,5,1,0,0\n\
            T-NOT-TARGET,Marketing Coordinator,25000,no,no,5,1,0,0\n\
            T-1000-EMPLOYEES,Marketing Coordinator,1000,yes,no,5,1,0,0\n\
            T-SIZE-UNKNOWN,Marketing Coordinator,,yes,no,5,1,0,0\n\
            T-4-OPENS,Marketing Coordinator,25000,yes,no,4,1,0,0\n\
            T-NO-CLICK,Marketing Coordinator,25000,yes,no,7,0,0,0\n\
            T-COMPETITOR,Marketing Coordinator,25000,yes,yes,5,1,0,0\n\
            T-ON-SCORE,VP Finance,2000,yes,no,0,0,2,1\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // All four criteria: target 20 + 25,000 employees 20 = 40 fit; 5 opens 5 + one
            // click 5 = 10; 40 + 10 = 50, far below 75, but an automatic MQL.
            lead("T-ALL", 40.0, 10.0, 50.0, Status::FastTracked),
            // Each lead below misses one criterion and is scored on points only.
            // Not a target account: 20 + 10 = 30.
            lead("T-NOT-TARGET", 20.0, 10.0, 30.0, Status::Lead),
            // 1,000 employees is not more than 1,000: 20 + 10 = 30.
            lead("T-1000-EMPLOYEES", 20.0, 10.0, 30.0, Status::Lead),
            // Headcount unknown: the criterion does not hold.
            lead("T-SIZE-UNKNOWN", 20.0, 10.0, 30.0, Status::Lead),
            // Four opens: no fast-track and no opens points; 40 + 5 = 45.
            lead("T-4-OPENS", 40.0, 5.0, 45.0, Status::Lead),
            // Seven opens but no case-study click: 40 + 5 = 45.
            lead("T-NO-CLICK", 40.0, 5.0, 45.0, Status::Lead),
            // All four, but a competitor: disqualification wins.
            lead("T-COMPETITOR", 40.0, 10.0, 50.0, Status::Disqualified),
            // An MQL on points alone: 20 + 20 + 20 = 60 fit; 2 x 10 + 10 = 30; 90 >= 75.
            lead("T-ON-SCORE", 60.0, 30.0, 90.0, Status::Mql),
        ],
    }
    .check();
    assert_eq!(
        checked.fired("T-ALL"),
        [
            "eng-case-study-click",
            "eng-email-opens",
            "fit-enterprise",
            "fit-target-account",
            "ft-target-account-engaged"
        ]
    );
    assert!(
        checked
            .explanation("T-ALL")
            .reason
            .contains("fast-tracked by Engaged target account"),
        "{}",
        checked.explanation("T-ALL").reason
    );
    for id in [
        "T-NOT-TARGET",
        "T-1000-EMPLOYEES",
        "T-SIZE-UNKNOWN",
        "T-4-OPENS",
        "T-NO-CLICK",
        "T-ON-SCORE",
    ] {
        assert!(
            !checked.fired(id).contains(&"ft-target-account-engaged"),
            "{id}"
        );
    }
}

#[test]
fn example_4_opens_and_click_must_be_recent() {
    // The 30-day window holds 2026-10-03 to 2026-11-01 (ages 0 to 29).
    Example {
        model: "target-account-fast-track.ron",
        leads: "Lead ID,Job Title,Employees,Target Account,Is Competitor\n\
            E-RECENT,Marketing Coordinator,25000,yes,no\n\
            E-OLD-OPEN,Marketing Coordinator,25000,yes,no\n\
            E-OLD-CLICK,Marketing Coordinator,25000,yes,no\n\
            E-VP,VP Sales,3000,yes,no\n",
        events: Some(
            "Lead ID,Activity,Timestamp\n\
            E-RECENT,email_open,2026-10-05\n\
            E-RECENT,email_open,2026-10-12\n\
            E-RECENT,email_open,2026-10-19\n\
            E-RECENT,email_open,2026-10-26\n\
            E-RECENT,email_open,2026-11-01\n\
            E-RECENT,case_study_click,2026-11-01\n\
            E-OLD-OPEN,email_open,2026-10-02\n\
            E-OLD-OPEN,email_open,2026-10-12\n\
            E-OLD-OPEN,email_open,2026-10-19\n\
            E-OLD-OPEN,email_open,2026-10-26\n\
            E-OLD-OPEN,email_open,2026-11-01\n\
            E-OLD-OPEN,case_study_click,2026-11-01\n\
            E-OLD-CLICK,email_open,2026-10-05\n\
            E-OLD-CLICK,email_open,2026-10-12\n\
            E-OLD-CLICK,email_open,2026-10-19\n\
            E-OLD-CLICK,email_open,2026-10-26\n\
            E-OLD-CLICK,email_open,2026-11-01\n\
            E-OLD-CLICK,case_study_click,2026-09-30\n\
            E-VP,webinar_attended,2026-08-20\n\
            E-VP,pricing_page_view,2026-10-30\n\
            E-VP,pricing_page_view,2026-10-31\n",
        ),
        as_of: AS_OF,
        expected: &[
            // Five opens at ages 27, 20, 13, 6, 0 and a click today: 40 + 10, fast-tracked.
            lead("E-RECENT", 40.0, 10.0, 50.0, Status::FastTracked),
            // The first open is 30 days old: four count. No fast-track; 40 + 5 (click) = 45.
            lead("E-OLD-OPEN", 40.0, 5.0, 45.0, Status::Lead),
            // The click is 32 days old: no fast-track; 40 + 5 (opens) = 45.
            lead("E-OLD-CLICK", 40.0, 5.0, 45.0, Status::Lead),
            // Webinar 73 days ago (90-day window) 10 + two pricing visits 20: 60 + 30 = 90.
            lead("E-VP", 60.0, 30.0, 90.0, Status::Mql),
        ],
    }
    .check();
}

// ---------------------------------------------------------------------------------------------
// Example 5: 3+ booth sessions and a follow-up request at a trade show.

#[test]
fn example_5_trade_show_bulk_import() {
    let checked = Example {
        model: "trade-show.ron",
        leads: "Lead ID,Job Title,Industry,Employees,Follow-up Requested,Is Competitor,\
            Booth Sessions,Talks Attended,Pricing Page Views\n\
            S-FAST,Marketing Manager,Retail,40,yes,no,3,0,0\n\
            S-TWO-SESSIONS,Marketing Manager,Retail,40,yes,no,2,0,0\n\
            S-NO-FOLLOW-UP,Marketing Manager,Retail,40,no,no,4,0,0\n\
            S-FOLLOW-UP-BLANK,Marketing Manager,Retail,40,,no,3,0,0\n\
            S-COMPETITOR,Product Manager,SaaS,300,yes,yes,5,0,0\n\
            S-ON-SCORE,VP Engineering,SaaS,300,no,no,1,1,2\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // No fit; booth visit 5 + 3+ sessions 15 = 20; a score of 20, but an MQL on import.
            lead("S-FAST", 0.0, 20.0, 20.0, Status::FastTracked),
            // Two sessions: 5.
            lead("S-TWO-SESSIONS", 0.0, 5.0, 5.0, Status::Lead),
            // Four sessions without a follow-up request: 20, no fast-track.
            lead("S-NO-FOLLOW-UP", 0.0, 20.0, 20.0, Status::Lead),
            // Follow-up not recorded: not a yes.
            lead("S-FOLLOW-UP-BLANK", 0.0, 20.0, 20.0, Status::Lead),
            // SaaS 20 + 300 employees 20 = 40; 20 engagement; 60, but a competitor.
            lead("S-COMPETITOR", 40.0, 20.0, 60.0, Status::Disqualified),
            // 60 fit; booth 5 + talk 10 + 2 pricing visits 20 = 35; 95 on points.
            lead("S-ON-SCORE", 60.0, 35.0, 95.0, Status::Mql),
        ],
    }
    .check();
    assert_eq!(
        checked.fired("S-FAST"),
        ["eng-booth-3plus", "eng-booth-visit", "ft-trade-show"]
    );
    assert!(!checked.fired("S-NO-FOLLOW-UP").contains(&"ft-trade-show"));
    assert!(!checked.fired("S-TWO-SESSIONS").contains(&"ft-trade-show"));
}

#[test]
fn example_5_trade_show_from_badge_scans() {
    // Imported 12 days after the show.
    let imported_soon = Example {
        model: "trade-show.ron",
        leads: "Lead ID,Job Title,Industry,Employees,Follow-up Requested,Is Competitor\n\
            X-FAST,Marketing Manager,Retail,40,yes,no\n\
            X-VP,VP Engineering,SaaS,300,no,no\n",
        events: Some(
            "Lead ID,Activity,Timestamp\n\
            X-FAST,booth_session,2026-10-20T09:10:00Z\n\
            X-FAST,booth_session,2026-10-20T11:45:00Z\n\
            X-FAST,booth_session,2026-10-20T15:30:00Z\n\
            X-VP,booth_session,2026-10-20T10:00:00Z\n\
            X-VP,talk_attended,2026-10-20T14:00:00Z\n\
            X-VP,pricing_page_view,2026-10-25T08:00:00Z\n",
        ),
        as_of: AS_OF,
        expected: &[
            lead("X-FAST", 0.0, 20.0, 20.0, Status::FastTracked),
            // 60 fit; booth 5 + talk 10 + one pricing visit 10 = 25; 85.
            lead("X-VP", 60.0, 25.0, 85.0, Status::Mql),
        ],
    };
    imported_soon.check();
    // Imported 36 days after the show: the scans are outside the 30-day window.
    Example {
        as_of: "2026-11-25",
        expected: &[
            lead("X-FAST", 0.0, 0.0, 0.0, Status::Lead),
            // The pricing visit is 31 days old too: 60 + 0 = 60, the bottom of the nurture band.
            lead("X-VP", 60.0, 0.0, 60.0, Status::Nurture),
        ],
        ..imported_soon
    }
    .check();
}

// ---------------------------------------------------------------------------------------------
// Example 6: definitions by business. Each is an AND of all its criteria: only a lead that meets
// every one reaches the threshold of 100; missing one leaves it in the nurture band (60 and up).

#[test]
fn example_6_architecture_firm() {
    Example {
        model: "architecture-firm.ron",
        leads: "Lead ID,Company Type,Build Budget,BIM Checklist Downloads\n\
            A-MQL,Property Developer,12000000,1\n\
            A-EXACTLY-5M,Real Estate Developer,5000000,2\n\
            A-BUDGET-SHORT,Property Developer,4999999,1\n\
            A-NO-CHECKLIST,Property Developer,8000000,0\n\
            A-CONTRACTOR,General Contractor,20000000,1\n\
            A-HOMEOWNER,Homeowner,300000,0\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // Developer 30 + budget 30 + checklist 40.
            lead("A-MQL", 60.0, 40.0, 100.0, Status::Mql),
            // "At least 5 million" includes 5 million; two downloads count once.
            lead("A-EXACTLY-5M", 60.0, 40.0, 100.0, Status::Mql),
            lead("A-BUDGET-SHORT", 30.0, 40.0, 70.0, Status::Nurture),
            lead("A-NO-CHECKLIST", 60.0, 0.0, 60.0, Status::Nurture),
            lead("A-CONTRACTOR", 30.0, 40.0, 70.0, Status::Nurture),
            lead("A-HOMEOWNER", 0.0, 0.0, 0.0, Status::Lead),
        ],
    }
    .check();
}

#[test]
fn example_6_bookkeeping_agency() {
    Example {
        model: "bookkeeping-agency.ron",
        leads: "Lead ID,Country,Industry,ARR,Job Title,Trial Data Uploads,Pricing Page Views\n\
            B-MQL,United Kingdom,SaaS,4500000,Head of Finance,1,2\n\
            B-ARR-1M,UK,SaaS,1000000,Finance Director,1,1\n\
            B-ARR-10M,UK,SaaS,10000000,CFO,1,1\n\
            B-ARR-OVER,UK,SaaS,10000001,CFO,1,1\n\
            B-ARR-UNDER,UK,SaaS,999999,CFO,1,1\n\
            B-US,United States,SaaS,4500000,CFO,1,1\n\
            B-NOT-FINANCE,UK,SaaS,4500000,CTO,1,1\n\
            B-AGENCY,UK,Marketing Agency,4500000,CFO,1,1\n\
            B-NO-UPLOAD,UK,SaaS,4500000,CFO,0,3\n\
            B-NO-PRICING,UK,SaaS,4500000,CFO,2,0\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // UK 15 + SaaS 15 + ARR 15 + finance lead 15; upload 20 + pricing 20.
            lead("B-MQL", 60.0, 40.0, 100.0, Status::Mql),
            // "ARR 1-10 million" includes both ends.
            lead("B-ARR-1M", 60.0, 40.0, 100.0, Status::Mql),
            lead("B-ARR-10M", 60.0, 40.0, 100.0, Status::Mql),
            // One fit criterion missing: 45 + 40 = 85.
            lead("B-ARR-OVER", 45.0, 40.0, 85.0, Status::Nurture),
            lead("B-ARR-UNDER", 45.0, 40.0, 85.0, Status::Nurture),
            lead("B-US", 45.0, 40.0, 85.0, Status::Nurture),
            lead("B-NOT-FINANCE", 45.0, 40.0, 85.0, Status::Nurture),
            lead("B-AGENCY", 45.0, 40.0, 85.0, Status::Nurture),
            // One engagement criterion missing: 60 + 20 = 80.
            lead("B-NO-UPLOAD", 60.0, 20.0, 80.0, Status::Nurture),
            lead("B-NO-PRICING", 60.0, 20.0, 80.0, Status::Nurture),
        ],
    }
    .check();
}

#[test]
fn example_6_cyber_security_msp() {
    Example {
        model: "cyber-security-msp.ron",
        leads: "Lead ID,Industry,Zero-Trust Roadmap Webinar,Breach-Cost Calculator Requests\n\
            C-HEALTHCARE,Healthcare,1,1\n\
            C-FINTECH,fintech,1,2\n\
            C-RETAIL,Retail,1,1\n\
            C-WEBINAR-ONLY,Healthcare,1,0\n\
            C-CALCULATOR-ONLY,Fintech,0,1\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // Healthcare 60 + webinar 20 + calculator 20.
            lead("C-HEALTHCARE", 60.0, 40.0, 100.0, Status::Mql),
            // Industry matching ignores case.
            lead("C-FINTECH", 60.0, 40.0, 100.0, Status::Mql),
            // Not healthcare or fintech: 40, below the nurture band.
            lead("C-RETAIL", 0.0, 40.0, 40.0, Status::Lead),
            lead("C-WEBINAR-ONLY", 60.0, 20.0, 80.0, Status::Nurture),
            lead("C-CALCULATOR-ONLY", 60.0, 20.0, 80.0, Status::Nurture),
        ],
    }
    .check();
}

#[test]
fn example_6_cyber_security_msp_needs_that_webinar() {
    Example {
        model: "cyber-security-msp.ron",
        leads: "Lead ID,Industry\n\
            M-ROADMAP,Healthcare\n\
            M-OTHER-WEBINAR,Healthcare\n\
            M-LAST-QUARTER,Fintech\n",
        events: Some(
            "Lead ID,Activity,Timestamp\n\
            M-ROADMAP,zero_trust_roadmap_webinar,2026-10-20\n\
            M-ROADMAP,breach_cost_calculator_request,2026-10-28\n\
            M-OTHER-WEBINAR,webinar_attended,2026-10-20\n\
            M-OTHER-WEBINAR,breach_cost_calculator_request,2026-10-28\n\
            M-LAST-QUARTER,zero_trust_roadmap_webinar,2026-08-15\n\
            M-LAST-QUARTER,breach_cost_calculator_request,2026-10-28\n",
        ),
        as_of: AS_OF,
        expected: &[
            lead("M-ROADMAP", 60.0, 40.0, 100.0, Status::Mql),
            // Some other webinar is not the zero-trust roadmap webinar: 60 + 20.
            lead("M-OTHER-WEBINAR", 60.0, 20.0, 80.0, Status::Nurture),
            // The roadmap webinar 78 days ago is outside the 60-day window: 60 + 20.
            lead("M-LAST-QUARTER", 60.0, 20.0, 80.0, Status::Nurture),
        ],
    }
    .check();
}

#[test]
fn example_6_hubspot_list() {
    let checked = Example {
        model: "hubspot-list.ron",
        leads: "Lead ID,Lifecycle Stage,Persona,Number of Pageviews\n\
            H-ON-LIST,Lead,Finance Leader,3\n\
            H-LOWER-CASE,lead,finance leader,12\n\
            H-TWO-VIEWS,Lead,Finance Leader,2\n\
            H-SUBSCRIBER,Subscriber,Finance Leader,5\n\
            H-OTHER-PERSONA,Lead,IT Manager,9\n\
            H-NO-PERSONA,Lead,,4\n",
        events: None,
        as_of: AS_OF,
        expected: &[
            // Lead 30 + finance leader 30 + page views >= 3 (3 counts) 40.
            lead("H-ON-LIST", 60.0, 40.0, 100.0, Status::Mql),
            lead("H-LOWER-CASE", 60.0, 40.0, 100.0, Status::Mql),
            lead("H-TWO-VIEWS", 60.0, 0.0, 60.0, Status::Nurture),
            lead("H-SUBSCRIBER", 30.0, 40.0, 70.0, Status::Nurture),
            lead("H-OTHER-PERSONA", 30.0, 40.0, 70.0, Status::Nurture),
            lead("H-NO-PERSONA", 30.0, 40.0, 70.0, Status::Nurture),
        ],
    }
    .check();
    assert_eq!(
        checked.fired("H-ON-LIST"),
        [
            "eng-page-views-3plus",
            "fit-lifecycle-lead",
            "fit-persona-finance-leader"
        ]
    );
}
