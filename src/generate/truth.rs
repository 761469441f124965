//! The generator's outcome: how a generated lead's chance to reach SQL is decided.
//!
//! [`Truth::Latent`] (the default, which wrote the bundled `assets/`) draws the outcome from the
//! lead's hidden fit and intent through a hand-made curve. [`Truth::Logistic`] draws it from a
//! known logistic model over what the rules of `models/default.ron` compute, so a fitted points
//! model can be compared with the truth it should find:
//!
//! ```text
//! P(reach SQL) = sigmoid(b0 + Σ_k β_k · x_k)      sigmoid(z) = 1 / (1 + e^-z)
//! ```
//!
//! where `b0` is [`LOGISTIC_INTERCEPT`] and each term of [`LOGISTIC_TRUTH`] is one rule of the
//! default model, with `x_k` the rule's contribution in its own unit, as the scorer counts it on
//! the generated columns and events (as of [`super::GenerateOptions::as_of`]):
//! - a fit rule: 1 when its condition holds, else 0;
//! - an engagement rule counted per occurrence: its events within the window (each weighted
//!   `0.5^(age / half-life)` when the rule decays), at most cap / points occurrences;
//! - an engagement rule counted once: 1 when it has an event within the window;
//! - an engagement rule counted at `n`: 1 when it has at least `n` events within the window.
//!
//! The default model's overrides keep their meaning: a competitor or an existing customer never
//! reaches SQL (P = 0), and a demo request within 30 days (the fast track) adds
//! [`DEMO_REQUEST_LOGIT`]. Leads the overrides decide are not part of a points fit; on every other
//! lead the truth is a logistic model in the span of the default model's rules, so a joint
//! logistic fit of those rules can recover it. Logistic mode also lets 4 % of the leads that are not
//! customers unsubscribe (the one negative engagement rule needs them), and writes the true
//! probability into the leads column [`TRUE_PROBABILITY_COLUMN`].

use crate::scoring::{contains_word, event_weight};

/// Which outcome model the generator draws from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Truth {
    /// The hidden fit and intent, through a hand-made curve (not logistic): the bundled sample.
    #[default]
    Latent,
    /// A known logistic model over the default model's rules ([`LOGISTIC_TRUTH`]).
    Logistic,
}

/// The leads column that holds the true probability to reach SQL (logistic truth only).
pub const TRUE_PROBABILITY_COLUMN: &str = "True SQL Probability";

/// The truth's intercept `b0`: the log-odds of a lead that no rule scores.
pub const LOGISTIC_INTERCEPT: f64 = -3.8;

/// What a demo request within 30 days (the default model's fast track) adds to the log-odds.
pub const DEMO_REQUEST_LOGIT: f64 = 1.5;

/// What a term of the truth reads from a lead.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Feature {
    /// The job title contains any of these words (the rule's `ContainsAny`).
    TitleContains(&'static [&'static str]),
    /// The industry is one of these (`OneOf`).
    IndustryOneOf(&'static [&'static str]),
    /// Employees between these bounds, inclusive (`Between`).
    EmployeesBetween(f64, f64),
    /// The lead is a target account (`IsTrue`).
    TargetAccount,
    /// The email contains any of these (`ContainsAny`).
    EmailContains(&'static [&'static str]),
    /// An activity's events, as an engagement rule counts them.
    Activity {
        activity: &'static str,
        window_days: u32,
        half_life_days: Option<f64>,
        counting: Unit,
    },
}

/// How an engagement term turns its effective count into its unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unit {
    /// The count, at most `max` (the rule's cap over its points).
    PerOccurrence { max: f64 },
    /// 1 when the count is positive.
    Once,
    /// 1 when the count reaches `n`.
    AtLeast(u32),
}

/// One term of the truth: a rule of the default model and its true coefficient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TruthTerm {
    /// The rule's id in `models/default.ron`.
    pub rule_id: &'static str,
    pub feature: Feature,
    /// The change in log-odds per unit of the rule's contribution.
    pub beta: f64,
}

const fn activity(
    activity: &'static str,
    window_days: u32,
    half_life_days: Option<f64>,
    counting: Unit,
) -> Feature {
    Feature::Activity {
        activity,
        window_days,
        half_life_days,
        counting,
    }
}

/// The truth's terms, one per rule of `models/default.ron` (same conditions, windows, decay,
/// counting and caps). Negative only where the model has a negative rule. The default model's
/// points are a workshop's guesses and the truth differs from them on purpose, as history would:
/// target accounts, pricing visits, case studies and trials matter more than the points say,
/// industries, eBooks, email clicks and opens much less (adjacent industries and eBooks hardly
/// at all), so a fit has something to correct.
pub const LOGISTIC_TRUTH: &[TruthTerm] = &[
    TruthTerm {
        rule_id: "fit-senior-title",
        feature: Feature::TitleContains(&["Chief", "VP", "Head of", "Director", "Founder"]),
        beta: 1.0,
    },
    TruthTerm {
        rule_id: "fit-manager-title",
        feature: Feature::TitleContains(&["Manager"]),
        beta: 0.5,
    },
    TruthTerm {
        rule_id: "fit-core-industry",
        feature: Feature::IndustryOneOf(&["Software", "Fintech", "Healthcare"]),
        beta: 0.3,
    },
    TruthTerm {
        rule_id: "fit-adjacent-industry",
        feature: Feature::IndustryOneOf(&["Professional Services", "Manufacturing", "Logistics"]),
        beta: 0.05,
    },
    TruthTerm {
        rule_id: "fit-company-size",
        feature: Feature::EmployeesBetween(200.0, 5000.0),
        beta: 0.6,
    },
    TruthTerm {
        rule_id: "fit-small-company",
        feature: Feature::EmployeesBetween(50.0, 199.0),
        beta: 0.3,
    },
    TruthTerm {
        rule_id: "fit-target-account",
        feature: Feature::TargetAccount,
        beta: 1.2,
    },
    TruthTerm {
        rule_id: "fit-free-mail",
        feature: Feature::EmailContains(&["@gmail.", "@yahoo.", "@hotmail.", "@outlook."]),
        beta: -0.4,
    },
    TruthTerm {
        rule_id: "fit-student",
        feature: Feature::TitleContains(&["Student", "Intern", "Trainee"]),
        beta: -1.5,
    },
    TruthTerm {
        rule_id: "eng-pricing",
        feature: activity(
            "pricing_page_view",
            30,
            None,
            Unit::PerOccurrence { max: 3.0 },
        ),
        beta: 0.7,
    },
    TruthTerm {
        rule_id: "eng-webinar",
        feature: activity(
            "webinar_attended",
            90,
            Some(45.0),
            Unit::PerOccurrence { max: 2.0 },
        ),
        beta: 0.3,
    },
    TruthTerm {
        rule_id: "eng-content",
        feature: activity(
            "whitepaper_download",
            60,
            None,
            Unit::PerOccurrence { max: 3.0 },
        ),
        beta: 0.15,
    },
    TruthTerm {
        rule_id: "eng-ebook",
        feature: activity("ebook_download", 60, None, Unit::Once),
        beta: 0.05,
    },
    TruthTerm {
        rule_id: "eng-case-study",
        feature: activity(
            "case_study_view",
            30,
            None,
            Unit::PerOccurrence { max: 3.0 },
        ),
        beta: 0.5,
    },
    TruthTerm {
        rule_id: "eng-email-click",
        feature: activity("email_click", 30, None, Unit::PerOccurrence { max: 4.0 }),
        beta: 0.05,
    },
    TruthTerm {
        rule_id: "eng-email-opens",
        feature: activity("email_open", 30, None, Unit::AtLeast(5)),
        beta: 0.1,
    },
    TruthTerm {
        rule_id: "eng-trial",
        feature: activity("trial_signup", 30, None, Unit::Once),
        beta: 1.6,
    },
    TruthTerm {
        rule_id: "eng-booth",
        feature: activity("booth_scan", 90, None, Unit::AtLeast(3)),
        beta: 0.8,
    },
    TruthTerm {
        rule_id: "eng-unsubscribe",
        feature: activity("unsubscribe", 90, None, Unit::Once),
        beta: -1.2,
    },
];

/// What the truth reads from one generated lead.
#[derive(Clone, Copy, Debug)]
pub struct TruthLead<'a> {
    pub job_title: &'a str,
    pub industry: &'a str,
    pub employees: f64,
    pub target_account: bool,
    pub email: &'a str,
    pub is_competitor: bool,
    pub is_customer: bool,
    /// The lead's events: (age in days before the as-of date, activity).
    pub events: &'a [(i32, &'a str)],
}

fn contains_any(text: &str, needles: &[&str]) -> bool {
    let text = text.trim().to_lowercase();
    needles
        .iter()
        .any(|needle| contains_word(&text, &needle.to_lowercase()))
}

impl Feature {
    /// The feature's value `x` for one lead: the rule's contribution in its own unit.
    pub fn value(&self, lead: &TruthLead<'_>) -> f64 {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match *self {
            Feature::TitleContains(words) => flag(contains_any(lead.job_title, words)),
            Feature::IndustryOneOf(names) => flag(
                names
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(lead.industry.trim())),
            ),
            Feature::EmployeesBetween(min, max) => {
                flag(lead.employees >= min && lead.employees <= max)
            }
            Feature::TargetAccount => flag(lead.target_account),
            Feature::EmailContains(needles) => flag(contains_any(lead.email, needles)),
            Feature::Activity {
                activity,
                window_days,
                half_life_days,
                counting,
            } => {
                let count: f64 = lead
                    .events
                    .iter()
                    .filter(|(_, name)| *name == activity)
                    .map(|&(age, _)| event_weight(age, Some(window_days), half_life_days))
                    .sum();
                match counting {
                    Unit::PerOccurrence { max } => count.min(max),
                    Unit::Once => count.min(1.0),
                    Unit::AtLeast(n) => flag(count >= f64::from(n)),
                }
            }
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The truth's log-odds for a lead no override decides: `b0 + Σ β_k · x_k`.
pub fn logistic_logit(lead: &TruthLead<'_>) -> f64 {
    LOGISTIC_TRUTH
        .iter()
        .map(|term| term.beta * term.feature.value(lead))
        .fold(LOGISTIC_INTERCEPT, |sum, term| sum + term)
}

/// The truth's probability that a lead reaches SQL, overrides included: 0 for competitors and
/// customers, [`DEMO_REQUEST_LOGIT`] more log-odds after a demo request within 30 days.
pub fn logistic_probability(lead: &TruthLead<'_>) -> f64 {
    if lead.is_competitor || lead.is_customer {
        return 0.0;
    }
    let demo = lead
        .events
        .iter()
        .any(|&(age, name)| name == "demo_request" && event_weight(age, Some(30), None) > 0.0);
    sigmoid(logistic_logit(lead) + if demo { DEMO_REQUEST_LOGIT } else { 0.0 })
}
