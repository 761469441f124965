//! Rescoring a large lead set on a thread of its own, so that no frame waits for it: while a
//! slider is dragged over a million leads, each frame shows the latest finished scores and the
//! next rescoring runs meanwhile (the newest model only: edits made while it runs are merged).

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

use super::document::Revision;
use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoreboard::Scoreboard;
use crate::scoring::{LeadScore, Summary, coverage_problems};
use crate::validate::Problem;

/// What a set of scores is for: a model revision on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoresKey {
    pub model: Revision,
    pub as_of: i32,
}

/// The saved model's revision and the day its counts are for.
pub type SavedKey = (Revision, i32);

/// Scores ready to show.
pub struct Published {
    pub key: ScoresKey,
    pub scores: Vec<LeadScore>,
    pub summary: Summary,
    /// Counts under the saved model, when they were asked for.
    pub saved_counts: Option<(SavedKey, [usize; 5])>,
    /// Rules that fire for no lead or almost every lead.
    pub coverage: Vec<Problem>,
    pub elapsed_ms: f64,
}

struct Request {
    model: Model,
    key: ScoresKey,
    saved: Option<(SavedKey, Model)>,
    /// A finished scores buffer handed back, to be written next (no fresh 32 MB per edit).
    spare: Vec<LeadScore>,
}

/// The thread, and the way to it and back.
pub struct ScoringWorker {
    requests: Option<Sender<Request>>,
    results: Receiver<Published>,
    thread: Option<JoinHandle<()>>,
    busy: bool,
    spare: Vec<LeadScore>,
}

impl ScoringWorker {
    /// Starts a thread that scores `leads`.
    pub fn start(leads: Arc<LeadSet>) -> ScoringWorker {
        let (requests, inbox) = channel::<Request>();
        let (outbox, results) = channel();
        let thread = std::thread::Builder::new()
            .name("mql-scoring".into())
            .spawn(move || {
                let mut board = Scoreboard::default();
                while let Ok(request) = inbox.recv() {
                    let started = std::time::Instant::now();
                    board.update(&request.model, &leads, request.key.as_of);
                    let saved_counts = request.saved.map(|(key, saved)| {
                        let counts = board.counts_under(&saved, &leads);
                        (key, counts)
                    });
                    let coverage = coverage_problems(&request.model, &leads, &board.evaluation);
                    let scores = std::mem::replace(&mut board.scores, request.spare);
                    let published = Published {
                        key: request.key,
                        scores,
                        summary: board.summary,
                        saved_counts,
                        coverage,
                        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
                    };
                    if outbox.send(published).is_err() {
                        break;
                    }
                }
            })
            .ok();
        ScoringWorker {
            requests: thread.as_ref().map(|_| requests),
            results,
            thread,
            busy: false,
            spare: Vec::new(),
        }
    }

    /// True when the thread could not be started (then score on the caller's thread).
    pub fn is_broken(&self) -> bool {
        self.requests.is_none()
    }

    /// True while a rescoring runs.
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// Asks for scores under `model` (and counts under `saved`); false when busy or broken.
    pub fn request(
        &mut self,
        model: &Model,
        key: ScoresKey,
        saved: Option<(SavedKey, &Model)>,
    ) -> bool {
        let Some(requests) = &self.requests else {
            return false;
        };
        if self.busy {
            return false;
        }
        let request = Request {
            model: model.clone(),
            key,
            saved: saved.map(|(key, model)| (key, model.clone())),
            spare: std::mem::take(&mut self.spare),
        };
        match requests.send(request) {
            Ok(()) => {
                self.busy = true;
                true
            }
            Err(_) => {
                self.requests = None;
                false
            }
        }
    }

    /// The finished scores, if the rescoring is done.
    pub fn poll(&mut self) -> Option<Published> {
        match self.results.try_recv() {
            Ok(published) => {
                self.busy = false;
                Some(published)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                // The thread is gone (it only ends on a bug): stop using it.
                self.busy = false;
                self.requests = None;
                None
            }
        }
    }

    /// Hands back a scores buffer that is no longer shown, for the next rescoring to write.
    pub fn recycle(&mut self, scores: Vec<LeadScore>) {
        self.spare = scores;
    }
}

impl Drop for ScoringWorker {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop after its current rescoring; waiting for
        // it releases its hold on the lead set.
        self.requests = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            // The thread panicked (a bug): its scores were never shown, so nothing is lost.
            eprintln!("mql-studio: the background scoring thread stopped with a panic");
        }
    }
}
