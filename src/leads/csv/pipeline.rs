//! Parsing blocks on several threads and merging them in file order: each thread takes the next
//! block from the producer, parses it, then merges every parsed block whose turn has come. At
//! most [`BLOCKS_AHEAD`] blocks wait, so memory stays bounded however large the file.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::BLOCKS_AHEAD;
use super::source::{Block, Producer};
use crate::leads::LeadsError;

/// Locks a mutex even when another thread panicked holding it: that thread has stopped the
/// work ([`StopOnPanic`]), and what is left only needs to wind down.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Blocks parsed, waiting for their turn to be merged.
struct Queue<'a, R, M> {
    next: usize,
    pending: BTreeMap<usize, Result<(Block<'a>, R), LeadsError>>,
    merge: M,
    error: Option<LeadsError>,
}

struct Pipeline<'a, R, M> {
    producer: Mutex<Producer<'a>>,
    queue: Mutex<Queue<'a, R, M>>,
    /// Signalled when a block has been merged (or the work stops).
    merged: Condvar,
    /// Blocks handed out.
    issued: AtomicUsize,
    stop: AtomicBool,
}

/// Parses the blocks of `producer` with `parse` on up to `threads` threads and hands the results
/// to `merge` in file order. Stops at the first error (from reading or from `merge`).
pub(crate) fn run_blocks<'a, R, M>(
    producer: Producer<'a>,
    threads: usize,
    parse: &(dyn Fn(&Block<'_>) -> R + Sync),
    merge: M,
) -> Result<(), LeadsError>
where
    R: Send,
    M: FnMut(&Block<'_>, R) -> Result<(), LeadsError> + Send,
{
    let pipeline = Pipeline {
        producer: Mutex::new(producer),
        queue: Mutex::new(Queue {
            next: 0,
            pending: BTreeMap::new(),
            merge,
            error: None,
        }),
        merged: Condvar::new(),
        issued: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    };
    crate::par::on_threads(threads, || work(&pipeline, parse));
    let queue = pipeline
        .queue
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    match queue.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Stops the other threads when this one panics, rather than have them wait for a block that
/// will never be merged.
struct StopOnPanic<'p, 'a, R, M>(&'p Pipeline<'a, R, M>);

impl<R, M> Drop for StopOnPanic<'_, '_, R, M> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Under the lock, so that no thread is between testing `stop` and waiting.
            let queue = lock(&self.0.queue);
            self.0.stop.store(true, Ordering::Release);
            drop(queue);
            self.0.merged.notify_all();
        }
    }
}

/// One thread's share: take a block, parse it, merge what is due; until the blocks run out or
/// the work stops.
fn work<R, M>(pipeline: &Pipeline<'_, R, M>, parse: &(dyn Fn(&Block<'_>) -> R + Sync))
where
    R: Send,
    M: FnMut(&Block<'_>, R) -> Result<(), LeadsError> + Send,
{
    let _guard = StopOnPanic(pipeline);
    loop {
        {
            let mut queue = lock(&pipeline.queue);
            while !pipeline.stop.load(Ordering::Acquire)
                && pipeline.issued.load(Ordering::Acquire) >= queue.next + BLOCKS_AHEAD
            {
                queue = pipeline
                    .merged
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        if pipeline.stop.load(Ordering::Acquire) {
            return;
        }
        let (seq, taken) = {
            let mut producer = lock(&pipeline.producer);
            let seq = producer.seq;
            match producer.next() {
                Ok(None) => return,
                Ok(Some(block)) => (seq, Ok(block)),
                Err(error) => {
                    producer.end_after_error();
                    (seq, Err(error))
                }
            }
        };
        pipeline.issued.fetch_add(1, Ordering::AcqRel);
        let entry = taken.map(|block| {
            let result = parse(&block);
            (block, result)
        });
        let mut done = Vec::new();
        {
            let mut queue = lock(&pipeline.queue);
            if queue.error.is_none() {
                queue.pending.insert(seq, entry);
            }
            while queue.error.is_none() {
                let next = queue.next;
                let Some(entry) = queue.pending.remove(&next) else {
                    break;
                };
                queue.next += 1;
                let outcome = match entry {
                    Ok((block, result)) => {
                        let outcome = (queue.merge)(&block, result);
                        done.push(block);
                        outcome
                    }
                    Err(error) => Err(error),
                };
                if let Err(error) = outcome {
                    queue.error = Some(error);
                    queue.pending.clear();
                    pipeline.stop.store(true, Ordering::Release);
                    break;
                }
            }
        }
        pipeline.merged.notify_all();
        if !done.is_empty() {
            let mut producer = lock(&pipeline.producer);
            for block in done {
                producer.recycle(block);
            }
        }
    }
}
