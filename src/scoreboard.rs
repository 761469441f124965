//! Every lead's score, the status counts and the histogram, kept up to date while a model is
//! edited, doing the least work each edit allows:
//! - a condition, window or decay change re-evaluates only the rules it touches
//!   ([`Evaluation::refresh`]);
//! - engagement points are recomputed only when an engagement rule or the engagement maximum
//!   changed ([`engagement_scores`]);
//! - everything else (fit points, the mix, the scale, the threshold, gates, bands, overrides)
//!   only needs the final pass over every lead ([`finish_scores`]), which works from each lead's
//!   fit-and-override pattern and its kept engagement.
//!
//! The app's workshop view and the scale benchmark both run this, so the benchmark measures what
//! a user waits for.

use crate::leads::LeadSet;
use crate::model::{EngagementRule, Model};
use crate::scoring::{
    Engagement, Evaluation, LeadScore, Summary, engagement_scores, finish_scores,
};

/// The work an update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// Nothing had changed.
    Unchanged,
    /// The final pass only: engagement stood.
    Reweighted,
    /// Engagement recomputed, then the final pass.
    Rescored,
    /// This many rules (or overrides) were evaluated, then every lead rescored.
    Reevaluated(usize),
}

/// Scores for one lead set under the latest model.
#[derive(Clone, Debug, Default)]
pub struct Scoreboard {
    pub evaluation: Evaluation,
    /// One per lead, in the lead set's order. Every update writes all of it, so a caller may
    /// swap in another buffer between updates.
    pub scores: Vec<LeadScore>,
    pub summary: Summary,
    /// Per lead: engagement points under the scored model.
    engagement: Vec<Engagement>,
    /// The model and as-of day the scores are for.
    scored: Option<(Model, i32)>,
}

impl Scoreboard {
    /// Scores `leads` under `model` as of a day.
    pub fn new(model: &Model, leads: &LeadSet, as_of: i32) -> Scoreboard {
        let mut board = Scoreboard::default();
        board.update(model, leads, as_of);
        board
    }

    /// The model the scores are for, if any.
    pub fn model(&self) -> Option<&Model> {
        self.scored.as_ref().map(|(model, _)| model)
    }

    /// Brings the scores up to date with `model` (and `leads`, which must be the same lead set as
    /// before unless its length changed or [`Scoreboard::clear`] was called).
    pub fn update(&mut self, model: &Model, leads: &LeadSet, as_of: i32) -> Update {
        let previous = match &self.scored {
            Some((previous, day)) if *day == as_of && self.evaluation.lead_count == leads.len() => {
                if previous == model {
                    return Update::Unchanged;
                }
                Some(previous)
            }
            _ => None,
        };
        let re_evaluated = match previous {
            Some(_) => self.evaluation.refresh(model, leads),
            None => {
                self.evaluation = Evaluation::new(model, leads, as_of);
                model.fit.rules.len() + model.engagement.rules.len() + model.overrides.len()
            }
        };
        let engagement_stands = self.engagement.len() == leads.len()
            && previous.is_some_and(|previous| same_engagement(previous, model));
        if !engagement_stands {
            engagement_scores(model, &self.evaluation, &mut self.engagement);
        }
        self.summary = finish_scores(model, &self.evaluation, &self.engagement, &mut self.scores);
        let update = if re_evaluated > 0 || previous.is_none() {
            Update::Reevaluated(re_evaluated)
        } else if engagement_stands {
            Update::Reweighted
        } else {
            Update::Rescored
        };
        self.scored = Some((model.clone(), as_of));
        update
    }

    /// The status counts `other` would give the same leads, starting from this evaluation: only
    /// the rules that differ are evaluated (for "changed since saved").
    pub fn counts_under(&self, other: &Model, leads: &LeadSet) -> [usize; 5] {
        let mut evaluation = self.evaluation.clone();
        evaluation.refresh(other, leads);
        crate::scoring::status_counts(&crate::scoring::score_all(other, &evaluation))
    }

    /// Forgets everything (new leads).
    pub fn clear(&mut self) {
        *self = Scoreboard::default();
    }
}

/// True when two models give every lead the same engagement points (for the same leads and day).
fn same_engagement(a: &Model, b: &Model) -> bool {
    let scoring = |rule: &EngagementRule| {
        (
            rule.enabled,
            rule.points,
            rule.cap,
            rule.counting,
            rule.window_days,
            rule.half_life_days,
        )
    };
    let same_rule = |(x, y): (&EngagementRule, &EngagementRule)| {
        scoring(x) == scoring(y)
            && x.activity == y.activity
            && x.count_column_name() == y.count_column_name()
    };
    a.engagement.max_points == b.engagement.max_points
        && a.engagement.rules.len() == b.engagement.rules.len()
        && a.engagement
            .rules
            .iter()
            .zip(&b.engagement.rules)
            .all(same_rule)
}
