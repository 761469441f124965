//! Work that takes longer than a frame on a thread of its own, newest request first: the leads
//! table's filter, search and sort over a million leads, and the calibration view's funnel,
//! sweep and rule lift. Frames keep showing the previous result until the new one is ready;
//! requests that arrive while one runs replace each other, so only the newest is worked on.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::thread::JoinHandle;

/// A thread that turns requests into results with one function.
pub struct LatestWorker<I, O> {
    requests: Option<Sender<I>>,
    results: Receiver<O>,
    thread: Option<JoinHandle<()>>,
}

impl<I: Send + 'static, O: Send + 'static> LatestWorker<I, O> {
    /// Starts the thread; `work` runs there.
    pub fn start(name: &str, work: impl Fn(I) -> O + Send + 'static) -> LatestWorker<I, O> {
        let (requests, inbox) = channel::<I>();
        let (outbox, results) = channel();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while let Ok(mut input) = inbox.recv() {
                    // Skip to the newest request: the older ones are out of date.
                    while let Ok(newer) = inbox.try_recv() {
                        input = newer;
                    }
                    if outbox.send(work(input)).is_err() {
                        break;
                    }
                }
            })
            .ok();
        LatestWorker {
            requests: thread.as_ref().map(|_| requests),
            results,
            thread,
        }
    }

    /// Asks for the work on `input`; gives it back when there is no thread to ask (then the
    /// caller does the work itself).
    pub fn request(&mut self, input: I) -> Result<(), I> {
        let Some(requests) = &self.requests else {
            return Err(input);
        };
        match requests.send(input) {
            Ok(()) => Ok(()),
            Err(failed) => {
                self.requests = None;
                Err(failed.0)
            }
        }
    }

    /// The newest finished result, if any arrived.
    pub fn poll(&mut self) -> Option<O> {
        let mut newest = None;
        loop {
            match self.results.try_recv() {
                Ok(done) => newest = Some(done),
                Err(TryRecvError::Empty) => return newest,
                Err(TryRecvError::Disconnected) => {
                    // The thread is gone (only on a bug): the caller works on its own thread.
                    self.requests = None;
                    return newest;
                }
            }
        }
    }
}

impl<I, O> Drop for LatestWorker<I, O> {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop after its current job.
        self.requests = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            eprintln!("mql-studio: a background thread stopped with a panic");
        }
    }
}
