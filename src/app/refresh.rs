//! Bringing the derived results up to date before the panels draw: scores and validation, the
//! table's rows, and the calibration and compare views' results while they are shown. Each is
//! keyed on what it is computed from, so an unchanged frame recomputes nothing.

use super::calibration_jobs::{CalibrationJob, results_with};
use super::derived::Inputs;
use super::state::{CentralView, StudioApp};
use super::table_keys::RowsKey;

impl StudioApp {
    /// Brings scores, counts and validation up to date; true when anything shown changed.
    pub fn refresh_derived(&mut self) -> bool {
        self.derived.update(Inputs {
            document: &self.document,
            saved: &self.saved,
            leads: &self.leads,
            leads_version: self.leads_version,
            as_of: self.as_of,
        })
    }

    /// Brings every derived result the next frame shows up to date.
    pub(super) fn refresh_views(&mut self, gesture_in_progress: bool) {
        self.refresh_derived();
        if self.view.selected_lead.is_none()
            && !self.view.auto_selected
            && !self.derived.board.scores.is_empty()
        {
            // Start with the best-scoring lead, so the breakdown shows something at once.
            self.view.auto_selected = true;
            let scores = &self.derived.board.scores;
            self.view.selected_lead =
                (0..scores.len()).max_by(|a, b| scores[*a].score.total_cmp(&scores[*b].score));
        }
        let key = RowsKey {
            scores: self.derived.generation,
            verdicts: self.document.verdicts_revision(),
            search: self.view.search.clone(),
            show_status: self.view.show_status,
            sort: self.settings.sort_column,
            descending: self.settings.sort_descending,
            score_bin: self.view.score_bin,
        };
        self.table.refresh(
            key,
            &self.leads,
            &self.document.model,
            &self.derived.board.scores,
            &self.document.verdicts,
            gesture_in_progress,
        );
        // New leads are checked whatever the view: the check may open the columns view.
        if self.import_checks.after_import && self.view.central != CentralView::Columns {
            self.refresh_import_check();
        }
        match self.view.central {
            CentralView::Calibration => self.refresh_calibration(),
            CentralView::Compare => self.refresh_compare(),
            CentralView::Columns => self.refresh_import_check(),
            CentralView::FindRules => self.refresh_miner(),
            CentralView::Preview
            | CentralView::Agreement
            | CentralView::TestRecord
            | CentralView::Notes => {}
        }
    }

    /// Recomputes funnel, sweep and lift when the scores changed since the last time; for a
    /// large lead set on the calibration thread, showing the previous results meanwhile.
    pub fn refresh_calibration(&mut self) {
        if let Some(results) = self.calibration_jobs.poll() {
            self.calibration = results;
        }
        let generation = self.derived.generation;
        let holdout = self.view.calibration_inputs.holdout();
        let with_fit = self.view.calibration_inputs.fit_preview_open;
        let fit_target = self
            .view
            .calibration_inputs
            .target_rate_percent
            .map(|p| p / 100.0);
        let key = super::calibration_jobs::JobKey {
            generation,
            holdout,
            with_fit,
            fit_target,
        };
        let shown = self.calibration.funnel.is_some() && self.calibration.key() == key;
        if shown || self.calibration_jobs.requested == Some(key) {
            return;
        }
        if self.derived.board.scores.len() != self.leads.len() {
            // Background rescoring has not delivered yet.
            return;
        }
        if self.leads.len() >= self.calibration_jobs.background_from {
            let job = CalibrationJob {
                key,
                model: self.document.model.clone(),
                leads: std::sync::Arc::clone(&self.leads),
                as_of: self.as_of,
            };
            if self.calibration_jobs.request(job) {
                return;
            }
        }
        // Below the thread's size a copy of the scores costs less than a frame.
        let scores = self.derived.board.scores.clone();
        let evaluation = self
            .derived
            .evaluation_for(&self.document, &self.leads, self.as_of);
        self.calibration =
            results_with(key, &self.document.model, &self.leads, evaluation, &scores);
    }

    /// True while *Find rules* waits for the miner's report.
    pub fn miner_pending(&self) -> bool {
        self.view.central == CentralView::FindRules
            && self
                .miner
                .as_ref()
                .map(|m| (m.model, m.leads_version, m.holdout))
                != Some((
                    self.document.model_revision(),
                    self.leads_version,
                    self.view.calibration_inputs.holdout(),
                ))
    }

    /// True while the calibration view waits for results.
    pub fn calibration_pending(&self) -> bool {
        self.view.central == CentralView::Calibration
            && self.calibration_jobs.requested.is_some()
            && self.calibration_jobs.requested != Some(self.calibration.key())
    }

    /// Mines the leads (the training part of the calibration view's holdout) when the model, the
    /// leads or the holdout changed since the last report; for a large lead set on its own
    /// thread, showing the previous report meanwhile.
    pub fn refresh_miner(&mut self) {
        if let Some(report) = self.miner_jobs.poll() {
            self.miner = Some(report);
        }
        let holdout = self.view.calibration_inputs.holdout();
        let key = (self.document.model_revision(), self.leads_version, holdout);
        let current = self
            .miner
            .as_ref()
            .is_some_and(|m| (m.model, m.leads_version, m.holdout) == key);
        if current || self.miner_jobs.requested == Some(key) {
            return;
        }
        let mut job = super::miner_jobs::MinerJob {
            model_revision: key.0,
            leads_version: key.1,
            holdout,
            model: self.document.model.clone(),
            leads: std::sync::Arc::clone(&self.leads),
        };
        if self.leads.len() >= self.miner_jobs.background_from {
            match self.miner_jobs.request(job) {
                Ok(()) => return,
                Err(returned) => job = *returned,
            }
        }
        self.miner = Some(super::miner_jobs::mine(job));
    }

    /// Inspects the leads through the model when either changed since the last report; for a
    /// large lead set on its own thread, showing the previous report meanwhile.
    pub fn refresh_import_check(&mut self) {
        if let Some(check) = self.import_checks.poll() {
            self.import_check = Some(check);
        }
        let key = (self.document.model_revision(), self.leads_version);
        let current = self
            .import_check
            .as_ref()
            .is_some_and(|c| (c.model, c.leads_version) == key);
        if current {
            self.after_import_check();
            return;
        }
        if self.import_checks.requested == Some(key) {
            return;
        }
        let mut job = super::import_checks::ImportCheckJob {
            model_revision: key.0,
            leads_version: key.1,
            model: self.document.model.clone(),
            leads: std::sync::Arc::clone(&self.leads),
            renames: self.leads_renames.clone(),
            as_of: self.as_of,
        };
        if self.leads.len() >= self.import_checks.background_from {
            match self.import_checks.request(job) {
                Ok(()) => return,
                Err(returned) => job = *returned,
            }
        }
        self.import_check = Some(super::import_checks::check(job));
        self.after_import_check();
    }

    /// Once the report of new leads is in: when a rule can never fire on them or a column looks
    /// like one the model misses, the columns view says so at once.
    fn after_import_check(&mut self) {
        if !std::mem::take(&mut self.import_checks.after_import) {
            return;
        }
        let Some(check) = &self.import_check else {
            return;
        };
        let (never, suggested) = (
            check.report.never_fire.len(),
            check.report.suggestions.len(),
        );
        if never == 0 && suggested == 0 {
            return;
        }
        self.view.central = CentralView::Columns;
        let mut parts = Vec::new();
        if never > 0 {
            parts.push(format!("{never} rule(s) never fire on these leads"));
        }
        if suggested > 0 {
            parts.push(format!(
                "{suggested} column(s) look like what the model misses"
            ));
        }
        self.notify(format!("{}: see Columns", parts.join(" and ")));
    }

    /// Rescores the second model when the leads changed under it.
    pub fn refresh_compare(&mut self) {
        let Some(compare) = &mut self.compare else {
            return;
        };
        if compare.leads_version == self.leads_version && compare.scores.len() == self.leads.len() {
            return;
        }
        let evaluation = crate::scoring::Evaluation::new(&compare.model, &self.leads, self.as_of);
        compare.scores = crate::scoring::score_all(&compare.model, &evaluation);
        compare.leads_version = self.leads_version;
    }
}
