//! Parallel work, in one place: how many threads to use, and the helpers that spread work over
//! them (rows in chunks for scoring, columns one by one and two tasks at once for loading, the
//! same worker on several threads for the CSV pipeline).
//!
//! Every helper gives the same result whatever the number of threads: each piece of work is done
//! exactly as it would be alone, and results come back in order. A panic on a worker (only ever a
//! bug) goes on in the calling thread.

/// The threads this process can run at once (1 when the system cannot tell), asked once: on
/// Linux the answer reads cgroup files, which cost more than scoring a small lead set, and every
/// rule's evaluation asks (10,000 rules spent a third of their time there).
fn available_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

/// The result of a joined thread; its panic goes on where it was joined.
fn joined<T>(result: std::thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// More threads than this do not pay for reading a CSV file: its blocks are merged one at a time.
pub(crate) const MAX_CSV_THREADS: usize = 4;

/// How many threads to read `size` bytes of CSV with, in blocks of `block_size`: one when there
/// are two blocks or fewer.
pub(crate) fn csv_threads(size: u64, block_size: usize) -> usize {
    if size <= 2 * block_size as u64 {
        return 1;
    }
    available_threads().clamp(1, MAX_CSV_THREADS)
}

/// The smallest share of rows worth a thread of its own.
const MIN_ROWS_PER_THREAD: usize = 50_000;

/// Runs `work(start_row, chunk)` over `items` split across the machine's cores (the caller's
/// thread alone for small inputs). Each chunk is processed exactly as the whole would be, so the
/// results do not depend on the number of threads.
pub fn for_each_chunk<T: Send>(items: &mut [T], work: impl Fn(usize, &mut [T]) + Sync) {
    map_chunks(items, work);
}

/// Like [`for_each_chunk`], returning each chunk's result in order.
pub fn map_chunks<T: Send, R: Send>(
    items: &mut [T],
    work: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let threads = available_threads();
    let chunk = items
        .len()
        .div_ceil(threads.max(1))
        .max(MIN_ROWS_PER_THREAD);
    if items.len() <= chunk {
        return vec![work(0, items)];
    }
    std::thread::scope(|scope| {
        let work = &work;
        let mut parts = items.chunks_mut(chunk).enumerate();
        // The calling thread takes the first chunk instead of waiting idle.
        let first = parts.next();
        let handles: Vec<_> = parts
            .map(|(index, part)| scope.spawn(move || work(index * chunk, part)))
            .collect();
        let mut results = Vec::with_capacity(handles.len() + 1);
        if let Some((_, part)) = first {
            results.push(work(0, part));
        }
        for handle in handles {
            results.push(joined(handle.join()));
        }
        results
    })
}

/// `f` of every item, on up to `threads` threads, in the items' order.
pub(crate) fn in_parallel<T: Send, U: Send>(
    items: Vec<T>,
    threads: usize,
    f: fn(T) -> U,
) -> Vec<U> {
    if threads <= 1 || items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    let mut groups: Vec<Vec<(usize, T)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        if let Some(group) = groups.get_mut(i % threads) {
            group.push((i, item));
        }
    }
    let mut done: Vec<(usize, U)> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .into_iter()
            .map(|group| {
                scope.spawn(move || {
                    group
                        .into_iter()
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| joined(handle.join()))
            .collect()
    });
    done.sort_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, value)| value).collect()
}

/// `(a(), b())`; with `parallel`, `b` runs on a thread of its own meanwhile.
pub(crate) fn join<A, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !parallel {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        (a, joined(b.join()))
    })
}

/// Runs `work` on `threads` threads at once, the caller's among them, until each returns.
pub(crate) fn on_threads(threads: usize, work: impl Fn() + Sync) {
    if threads > 1 {
        std::thread::scope(|scope| {
            for _ in 1..threads {
                scope.spawn(&work);
            }
            work();
        });
    } else {
        work();
    }
}
