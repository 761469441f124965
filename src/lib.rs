//! mql-studio: design, preview, calibrate and export lead-scoring models that decide which leads
//! are Marketing Qualified Leads (MQLs).
//!
//! The engine (this library without the `gui` feature) is plain data and pure functions:
//! - [`model`]: the model a team designs; [`format`]: its RON file (and JSON, with its JSON Schema);
//!   [`validate`]: what cannot be meant;
//!   [`edit`]: changes to a model as values, applied in one place (where a signed model is locked);
//! - [`leads`]: leads from CSV (count columns or an event log), outcomes and sales verdicts;
//! - [`scoring`]: fit, engagement, total, status, grade and the per-rule explanation;
//!   [`scoreboard`]: scores, counts and histogram kept up to date while a model is edited;
//! - [`calibration`]: funnel, threshold sweep, rule lift, agreement with sales' verdicts;
//!   [`diff`]: what differs between two models, rule by rule;
//! - [`record`]: a hypothetical lead typed by hand, scored like an imported one;
//! - [`inspect`]: what a leads file holds seen through a model (columns, mapping, suggestions);
//! - [`export`]: scored leads as CSV or JSON, the MQL list, the one-page summary;
//!   [`workshop`]: the workshop file (model, file references, verdicts, notes, history);
//!   [`generate`]: seeded sample data;
//!   [`text`]: user text made safe to print (control characters escaped, long values cut).
//!
//! ```
//! use mql_studio::{format, leads, scoring};
//! let model = format::model_from_str(include_str!("../models/default.ron")).unwrap();
//! let csv = "Lead ID,Job Title,Number of Employees\nL1,VP Marketing,250\n";
//! let (leads, _report) = leads::read_leads_csv(csv.as_bytes(), "inline.csv", &Default::default()).unwrap();
//! let evaluation = scoring::Evaluation::new(&model, &leads, leads.default_as_of());
//! let scores = scoring::score_all(&model, &evaluation);
//! assert!(scores[0].fit > 0.0);
//! ```

pub mod calibration;
pub mod diff;
pub mod edit;
pub mod export;
pub mod format;
pub mod generate;
pub mod inspect;
pub mod leads;
pub mod model;
mod par;
pub mod record;
pub mod scoreboard;
pub mod scoring;
pub mod sql;
pub mod text;
pub mod validate;
pub mod workshop;

#[cfg(feature = "cli")]
pub mod cli;

#[cfg(feature = "gui")]
pub mod app;
