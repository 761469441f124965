//! What the app hands out at the end of a workshop: the one-page summary (HTML) and the MQL list
//! (CSV), written atomically from the current model and leads.

use std::path::{Path, PathBuf};

use super::files::Purpose;
use super::state::StudioApp;
use crate::export::{SampleCounts, mql_list, summary_html, write_mql_list_csv};

impl StudioApp {
    /// Beside the model (or the leads): `<model>-summary.html`, `<model>-mqls.csv`.
    pub(super) fn suggested_handout_path(&self, purpose: Purpose) -> PathBuf {
        let stem = super::files::file_stem(&self.document.model.name);
        let name = match purpose {
            Purpose::ExportMqlList => format!("{stem}-mqls.csv"),
            _ => format!("{stem}-summary.html"),
        };
        self.model_path
            .as_ref()
            .or(self.leads_path.as_ref())
            .and_then(|p| p.parent())
            .map_or_else(|| PathBuf::from(&name), |dir| dir.join(&name))
    }

    pub(super) fn export_summary(&mut self, path: &Path) {
        self.commit_pending();
        let sample = (self.derived.board.scores.len() == self.leads.len()).then(|| {
            let label = format!(
                "{}, as of {}",
                self.leads_label,
                crate::leads::format_day(self.as_of)
            );
            SampleCounts::of(label, &self.leads, &self.derived.board.scores)
        });
        let mut model = self.document.model.clone();
        crate::workshop::decisions_into_changelog(&mut model, &self.document.notes);
        let page = summary_html(&model, sample.as_ref());
        match crate::format::write_atomically(path, page.as_bytes()) {
            Ok(()) => self.notify(format!("wrote the summary to {}", path.display())),
            Err(error) => self.notify_error(format!("could not write the summary: {error}")),
        }
    }

    pub(super) fn export_mql_list(&mut self, path: &Path) {
        self.commit_pending();
        if self.derived.board.scores.len() != self.leads.len() {
            self.notify_error("the leads are still being scored: try again in a moment".to_owned());
            return;
        }
        self.derived
            .evaluation_for(&self.document, &self.leads, self.as_of);
        let list = mql_list(
            &self.document.model,
            self.derived.last_evaluation(),
            &self.derived.board.scores,
            false,
        );
        let scores = &self.derived.board.scores;
        let model = &self.document.model;
        let mut bytes = Vec::new();
        let written = write_mql_list_csv(&mut bytes, model, &self.leads, scores, &list)
            .map_err(|e| e.to_string())
            .and_then(|count| {
                crate::format::write_atomically(path, &bytes)
                    .map(|()| count)
                    .map_err(|e| e.to_string())
            });
        match written {
            Ok(count) => self.notify(format!("wrote {count} MQLs to {}", path.display())),
            Err(error) => self.notify_error(format!("could not write the MQL list: {error}")),
        }
    }
}
