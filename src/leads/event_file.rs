//! The event log reader: one row per event (lead id, activity, timestamp), grouped by lead into
//! an [`EventLog`] attached to the leads. Also how an event log is recognised by its header
//! ([`is_event_log_header`], and from a file's first bytes [`looks_like_event_log`]) and which
//! of its columns are read ([`event_log_columns`]), with the reader's own column-finding, so that
//! they cannot disagree.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::csv::{
    BLOCK_SIZE, Block, BlockDict, BlockError, BlockInfo, Input, Interner, Limits, Position, Start,
    cell_text, estimate, hash_bytes, header_in_prefix, open, read_block, run_blocks, trim_cell,
};
use super::lead_file::width_message;
use super::values::{format_day, parse_day, quick_day, today};
use super::{EventLog, LeadSet, LeadsError, LoadReport, Progress, normalize_name};
use crate::text::{bounded, quoted};

/// Headers of each column (as [`normalize_name`] makes them), in order of preference.
const EVENT_LEAD_COLUMNS: &[&str] = &["leadid", "id", "lead", "recordid", "contactid"];
const EVENT_ACTIVITY_COLUMNS: &[&str] = &["activity", "activitytype", "event", "eventtype", "type"];
const EVENT_TIME_COLUMNS: &[&str] = &[
    "timestamp",
    "time",
    "date",
    "occurredat",
    "datetime",
    "eventtime",
    "eventdate",
];

/// How many bytes of a file [`sniff_header`] is meant to be given: more than any real header.
pub const HEADER_SNIFF_BYTES: usize = 64 * 1024;

/// Where an event log's columns are.
struct EventColumns {
    lead: usize,
    activity: usize,
    time: usize,
}

/// Finds an event log's columns among `headers`; `Err` names the first one missing.
fn event_columns(headers: &[String]) -> Result<EventColumns, &'static str> {
    let keys: Vec<String> = headers.iter().map(|h| normalize_name(h)).collect();
    let find = |candidates: &[&str], what: &'static str| {
        candidates
            .iter()
            .find_map(|key| keys.iter().position(|h| h == key))
            .ok_or(what)
    };
    Ok(EventColumns {
        lead: find(EVENT_LEAD_COLUMNS, "lead id")?,
        activity: find(EVENT_ACTIVITY_COLUMNS, "activity")?,
        time: find(EVENT_TIME_COLUMNS, "timestamp")?,
    })
}

/// True when `headers` name a lead id, an activity and a timestamp column: exactly the headers
/// whose columns the event reader finds.
pub fn is_event_log_header(headers: &[String]) -> bool {
    event_columns(headers).is_ok()
}

/// The headers of the lead id, activity and timestamp columns among `headers` (an event log's
/// header), as written but trimmed: the columns the event reader reads, found by the same
/// names (docs/model-format.md §3.6). `None` when one of the three is missing.
pub fn event_log_columns(headers: &[String]) -> Option<(String, String, String)> {
    let columns = event_columns(headers).ok()?;
    let name = |i: usize| headers[i].trim().to_owned();
    Some((
        name(columns.lead),
        name(columns.activity),
        name(columns.time),
    ))
}

/// The header of a CSV file from its first bytes (say [`HEADER_SNIFF_BYTES`] of them), read as
/// the readers read it: a UTF-8 byte-order mark skipped, `,` or `;` detected, quoted headers and
/// `\r\n` understood. `None` when the header line does not end within `prefix` (so a file that
/// is only a header needs its line end), or cannot be read.
pub fn sniff_header(prefix: &[u8]) -> Option<Vec<String>> {
    header_in_prefix(prefix)
}

/// True when a file that starts with `prefix` has an event log's header: [`sniff_header`], then
/// [`is_event_log_header`]. Reads no file, so the app can decide before loading.
pub fn looks_like_event_log(prefix: &[u8]) -> bool {
    sniff_header(prefix).is_some_and(|headers| is_event_log_header(&headers))
}

/// Loads an event log (lead id, activity, timestamp) and attaches it to `leads`.
pub fn load_events_csv(
    path: &Path,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
) -> Result<LoadReport, LeadsError> {
    read_events(
        Input::File(path),
        &path.display().to_string(),
        leads,
        skip_bad_rows,
        BLOCK_SIZE,
        None,
    )
}

/// Like [`load_events_csv`], reporting the bytes read to `progress` and stopping with
/// [`LeadsError::Cancelled`] when it is cancelled.
pub fn load_events_csv_with_progress(
    path: &Path,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
    progress: &Progress,
) -> Result<LoadReport, LeadsError> {
    read_events(
        Input::File(path),
        &path.display().to_string(),
        leads,
        skip_bad_rows,
        BLOCK_SIZE,
        Some(progress),
    )
}

/// Reads an event log from CSV bytes and attaches it to `leads`. Events of unknown leads are
/// counted in a warning, not an error: CRM exports often include deleted contacts.
pub fn read_events_csv(
    bytes: &[u8],
    file: &str,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
) -> Result<LoadReport, LeadsError> {
    read_events(
        Input::Bytes(bytes),
        file,
        leads,
        skip_bad_rows,
        BLOCK_SIZE,
        None,
    )
}

/// What the event reader needs to read a block.
struct EventsFormat<'a> {
    lead: usize,
    activity: usize,
    time: usize,
    /// Lead id → row (the first row for a duplicated id).
    rows_of: IdIndex<'a>,
    /// The header's columns.
    width: usize,
    delimiter: u8,
    limits: Limits,
    skip_bad_rows: bool,
    /// Events after this day are in the future (today + 1, for local dates ahead of UTC).
    last_day: i32,
    /// The events of the last block read (to size the next block's vectors).
    events_hint: AtomicUsize,
}

/// Lead id → row, the first row for a duplicated id.
struct IdIndex<'a> {
    ids: &'a [String],
    /// The row + 1 in the low half (0 for an empty slot), the hash's high half above.
    slots: Vec<u64>,
    /// No id appears twice.
    unique: bool,
}

impl<'a> IdIndex<'a> {
    fn new(ids: &'a [String]) -> IdIndex<'a> {
        let size = (ids.len() / 7 * 10 + 16).next_power_of_two();
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        let mut unique = true;
        'ids: for (row, id) in ids.iter().enumerate() {
            let hash = hash_bytes(id.as_bytes());
            let mut i = Interner::home(hash, mask);
            loop {
                let slot = slots[i];
                if slot == 0 {
                    slots[i] = Interner::pack(hash, row as u32);
                    break;
                }
                if (slot ^ hash) >> 32 == 0
                    && ids.get((slot & 0xFFFF_FFFF) as usize - 1) == Some(id)
                {
                    unique = false;
                    continue 'ids;
                }
                i = (i + 1) & mask;
            }
        }
        IdIndex { ids, slots, unique }
    }

    /// The row of `id`. Events usually come in the leads' order, so the row after `previous`
    /// is tried first (when no id appears twice, it is then the only row with that id).
    // Per event inside `read_block`, compiled in another module: `#[inline]` keeps it
    // inlinable there.
    #[inline]
    fn get(&self, id: &[u8], previous: Option<u32>) -> Option<u32> {
        if self.unique
            && let Some(next) = previous.map(|row| row as usize + 1)
            && self
                .ids
                .get(next)
                .is_some_and(|candidate| candidate.as_bytes() == id)
        {
            return Some(next as u32);
        }
        let hash = hash_bytes(id);
        let mask = self.slots.len() - 1;
        let mut i = Interner::home(hash, mask);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            let row = (slot & 0xFFFF_FFFF) as u32 - 1;
            if (slot ^ hash) >> 32 == 0
                && self
                    .ids
                    .get(row as usize)
                    .is_some_and(|candidate| candidate.as_bytes() == id)
            {
                return Some(row);
            }
            i = (i + 1) & mask;
        }
    }
}

/// The events of one block.
struct EventsBlock {
    info: BlockInfo,
    leads: Vec<u32>,
    /// Codes in `activities`.
    codes: Vec<u32>,
    days: Vec<i32>,
    activities: BlockDict,
    unknown: usize,
    /// The first event of an unknown lead: its row (relative to the block) and lead id.
    first_unknown: Option<(i64, String)>,
    /// Events after the format's `last_day`, and the latest of them (its day and row).
    future: usize,
    latest_future: Option<(i32, i64)>,
}

/// Parses one block's events; read ahead when `start` is `None`, else in order from `start`.
fn read_events_block(
    format: &EventsFormat<'_>,
    block: &Block<'_>,
    start: Option<Start>,
) -> EventsBlock {
    // About as many as the last block had.
    let expected = format.events_hint.load(Ordering::Relaxed);
    let mut leads = Vec::with_capacity(expected);
    let mut codes = Vec::with_capacity(expected);
    let mut days = Vec::with_capacity(expected);
    let mut activities = BlockDict::new(true);
    let mut unknown = 0;
    let mut first_unknown = None;
    let mut future = 0;
    let mut latest_future: Option<(i32, i64)> = None;
    // Events of a lead usually come together: remember the last lead looked up.
    let mut last_lead: Vec<u8> = Vec::new();
    let mut last_row: Option<u32> = None;
    let mut last_found: Option<u32> = None;
    let bytes = block.bytes();
    let info = read_block(
        block,
        format.delimiter,
        format.limits,
        start,
        format.skip_bad_rows,
        |record, row| {
            let get = |i: usize| trim_cell(record.cell(bytes, i));
            let (lead, activity, time) = (get(format.lead), get(format.activity), get(format.time));
            if lead.is_empty() && activity.is_empty() && time.is_empty() {
                return Ok(());
            }
            if record.len() != format.width {
                return Err(BlockError::row(
                    row,
                    None,
                    width_message(record.len(), format.width, record.newlines),
                ));
            }
            if activity.is_empty() {
                return Err(BlockError::row(
                    row,
                    Some(format.activity),
                    "the activity is empty".to_owned(),
                ));
            }
            let day = quick_day(time)
                .or_else(|| std::str::from_utf8(time).ok().and_then(parse_day))
                .ok_or_else(|| {
                    BlockError::row(
                        row,
                        Some(format.time),
                        format!(
                            "expected a date or timestamp like 2026-10-03 or \
                             2026-10-03T14:22:00Z, found {}",
                            quoted(&cell_text(time))
                        ),
                    )
                })?;

            if last_lead != lead || last_lead.is_empty() {
                last_lead.clear();
                last_lead.extend_from_slice(lead);
                last_row = format.rows_of.get(lead, last_found);
                last_found = last_row.or(last_found);
            }
            match last_row {
                Some(lead_row) => {
                    // Activity names match ignoring case (as in `EventLog::activity_index`),
                    // so `Pricing_Page_View` and `pricing_page_view` are one activity, not two.
                    codes.push(activities.intern(activity));
                    leads.push(lead_row);
                    days.push(day);
                    if day > format.last_day {
                        future += 1;
                        if latest_future.is_none_or(|(latest, _)| day > latest) {
                            latest_future = Some((day, row));
                        }
                    }
                }
                None => {
                    unknown += 1;
                    if first_unknown.is_none() {
                        first_unknown = Some((row, cell_text(lead).into_owned()));
                    }
                }
            }
            Ok(())
        },
    );
    format.events_hint.store(leads.len(), Ordering::Relaxed);
    EventsBlock {
        info,
        leads,
        codes,
        days,
        activities,
        unknown,
        first_unknown,
        future,
        latest_future,
    }
}

/// The events read so far, in file order.
struct EventsMerge<'f> {
    format: &'f EventsFormat<'f>,
    file: &'f str,
    header_names: &'f [String],
    activities: Vec<String>,
    index: Interner,
    activity: Vec<u32>,
    day: Vec<i32>,
    /// Events per lead.
    counts: Vec<u32>,
    /// Per event, its lead, once the events are not in lead order (until then the counts say
    /// it).
    leads: Option<Vec<u32>>,
    last_lead: u32,
    report: LoadReport,
    unknown: usize,
    first_unknown: Option<(usize, String)>,
    future: usize,
    /// The latest event in the future: its day and row.
    latest_future: Option<(i32, usize)>,
    position: Position,
    size: u64,
}

impl EventsMerge<'_> {
    fn merge(&mut self, source: &Block<'_>, block: EventsBlock) -> Result<(), LeadsError> {
        let bytes = source.bytes();
        let mut block = if self.position.needs_again(&block.info) {
            read_events_block(self.format, source, Some(self.position.start()))
        } else {
            block
        };
        for error in block.info.errors.iter() {
            let problem =
                error.to_row_error(self.file, self.position.row(error.row), self.header_names);
            if self.format.skip_bad_rows && !error.fatal {
                self.report.skipped.push(problem);
            } else {
                return Err(problem.into());
            }
        }
        self.unknown += block.unknown;
        if self.first_unknown.is_none()
            && let Some((row, id)) = block.first_unknown
        {
            self.first_unknown = Some((self.position.row(row), id));
        }
        self.future += block.future;
        if let Some((day, row)) = block.latest_future
            && self.latest_future.is_none_or(|(latest, _)| day > latest)
        {
            self.latest_future = Some((day, self.position.row(row)));
        }
        if self.activity.is_empty() && !block.codes.is_empty() {
            // An event has at least an id, an activity and a date of 8 bytes or more.
            let expected = estimate(block.codes.len(), bytes.len(), self.size, 12);
            self.activity.reserve(expected);
            self.day.reserve(expected);
        }
        let global = block
            .activities
            .merge_into(&mut self.activities, &mut self.index);
        self.activity.extend(
            block
                .codes
                .iter()
                .map(|&code| global.get(code as usize).copied().unwrap_or_default()),
        );
        self.day.extend_from_slice(&block.days);
        for &lead in &block.leads {
            match &mut self.leads {
                Some(leads) => leads.push(lead),
                None if lead >= self.last_lead => self.last_lead = lead,
                None => {
                    // The first event out of lead order: spell out the leads so far.
                    let mut leads = Vec::with_capacity(self.activity.capacity());
                    for (row, &count) in self.counts.iter().enumerate() {
                        leads.extend(std::iter::repeat_n(row as u32, count as usize));
                    }
                    leads.push(lead);
                    self.leads = Some(leads);
                }
            }
            if let Some(count) = self.counts.get_mut(lead as usize) {
                *count += 1;
            }
        }
        self.report.rows_read += block.leads.len();
        self.position.advance(&block.info);
        Ok(())
    }

    /// Groups the events by lead (a stable counting sort, so the order within a lead is the
    /// file order).
    fn finish(self) -> EventLog {
        let EventsMerge {
            activities,
            mut activity,
            mut day,
            counts,
            leads,
            ..
        } = self;
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        let mut total = 0u32;
        offsets.push(0);
        for &count in &counts {
            total += count;
            offsets.push(total);
        }
        drop(counts);
        if let Some(mut leads) = leads {
            // Each event's place, then the arrays one at a time.
            let mut next = offsets.clone();
            for lead in &mut leads {
                if let Some(slot) = next.get_mut(*lead as usize) {
                    *lead = *slot;
                    *slot += 1;
                }
            }
            drop(next);
            activity = place(&leads, &activity);
            day = place(&leads, &day);
        }
        activity.shrink_to_fit();
        day.shrink_to_fit();
        EventLog {
            activities,
            offsets,
            activity,
            day,
        }
    }
}

/// `values` moved to `places`.
fn place<T: Copy + Default>(places: &[u32], values: &[T]) -> Vec<T> {
    let mut placed = vec![T::default(); values.len()];
    for (&at, &value) in places.iter().zip(values) {
        if let Some(slot) = placed.get_mut(at as usize) {
            *slot = value;
        }
    }
    placed
}

/// Reads an event log from `input` in blocks of `block_size` bytes (a parameter so that tests can
/// cut files anywhere) and attaches it to `leads`.
pub(crate) fn read_events(
    input: Input<'_>,
    file: &str,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
    block_size: usize,
    progress: Option<&Progress>,
) -> Result<LoadReport, LeadsError> {
    read_events_with(
        input,
        file,
        leads,
        skip_bad_rows,
        block_size,
        progress,
        (Limits::FILE, today()),
    )
}

/// [`read_events`] with other limits than the file format's, and another day as today (for
/// tests).
pub(crate) fn read_events_with(
    input: Input<'_>,
    file: &str,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
    block_size: usize,
    progress: Option<&Progress>,
    (limits, today): (Limits, i32),
) -> Result<LoadReport, LeadsError> {
    let opened = open(input, None, block_size, progress, limits)?;
    let header = opened.header.as_ref().map_err(|message| LeadsError::File {
        file: file.to_owned(),
        message: message.clone(),
    })?;
    let header_names: Vec<String> = header.names.clone();
    let columns = event_columns(&header_names).map_err(|what| LeadsError::File {
        file: file.to_owned(),
        message: format!(
            "no {what} column: an event log needs lead id, activity and timestamp columns"
        ),
    })?;

    let lead_count = leads.len();
    let rows_of = IdIndex::new(&leads.ids);
    let format = EventsFormat {
        lead: columns.lead,
        activity: columns.activity,
        time: columns.time,
        rows_of,
        width: header_names.len(),
        delimiter: opened.delimiter,
        limits,
        skip_bad_rows,
        last_day: today.saturating_add(1),
        events_hint: AtomicUsize::new(0),
    };
    let mut merge = EventsMerge {
        format: &format,
        file,
        header_names: &header_names,
        activities: Vec::new(),
        index: Interner::new(),
        activity: Vec::new(),
        day: Vec::new(),
        counts: vec![0; lead_count],
        leads: None,
        last_lead: 0,
        report: LoadReport::default(),
        unknown: 0,
        first_unknown: None,
        future: 0,
        latest_future: None,
        position: Position::new(&opened, header.newlines),
        size: opened.size,
    };
    let threads = crate::par::csv_threads(opened.size, block_size);
    run_blocks(
        opened.producer,
        threads,
        &|block| read_events_block(&format, block, None),
        |source, block| merge.merge(source, block),
    )?;
    let mut report = std::mem::take(&mut merge.report);
    if let Some((row, id)) = merge.first_unknown.take() {
        report.warnings.push(format!(
            "{} events refer to leads that are not in the leads file (the first: `{}` on row \
             {row}); they were ignored",
            merge.unknown,
            bounded(&id)
        ));
    }
    if let Some((latest, row)) = merge.latest_future.take() {
        let (count, verb) = match merge.future {
            1 => ("1 event".to_owned(), "is"),
            n => (format!("{n} events"), "are"),
        };
        report.warnings.push(format!(
            "{count} {verb} dated later than tomorrow ({}, UTC), the latest {} on row {row}: \
             they count only when scoring as of their day or later, and the default as-of date \
             ignores them",
            format_day(format.last_day),
            format_day(latest),
        ));
    }
    if report.rows_read == 0 && merge.unknown == 0 {
        report.warnings.push(if report.skipped.is_empty() {
            "no events: the file has a header row but no rows of data".to_owned()
        } else {
            "no events: every row was skipped".to_owned()
        });
    }
    let log = merge.finish();
    drop(format);
    leads.events = Some(log);
    Ok(report)
}

/// Groups events by lead (a counting sort, so the order within a lead is the file order).
pub fn build_event_log(
    lead_count: usize,
    activities: Vec<String>,
    triples: Vec<(u32, u32, i32)>,
) -> EventLog {
    let mut offsets = vec![0u32; lead_count + 1];
    for &(lead, _, _) in &triples {
        if let Some(slot) = offsets.get_mut(lead as usize + 1) {
            *slot += 1;
        }
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut next = offsets.clone();
    let mut activity = vec![0u32; triples.len()];
    let mut day = vec![0i32; triples.len()];
    for (lead, code, when) in triples {
        if let Some(slot) = next.get_mut(lead as usize) {
            let at = *slot as usize;
            if let (Some(a), Some(d)) = (activity.get_mut(at), day.get_mut(at)) {
                *a = code;
                *d = when;
            }
            *slot += 1;
        }
    }
    EventLog {
        activities,
        offsets,
        activity,
        day,
    }
}

#[cfg(test)]
mod tests;
