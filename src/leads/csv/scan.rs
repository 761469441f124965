//! Where a block may end: just after the line end of a record (or of a blank line), found by
//! reading quotes exactly as the tokenizer reads them (unbalanced ones included); and whether a
//! record is longer than the row limit, so that no block has to hold one.

use super::Limits;

/// What [`scan`] found in a window that starts at a record boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scan {
    /// The last offset a block may end at (just after a `\n`, or a `\r` whose next byte is in
    /// the window and is not `\n`; the end of the window when it ends the file), before any
    /// record that is too long. `None`: no record ends in the window yet.
    pub(crate) cut: Option<usize>,
    /// A record longer than the row limit starts at `cut` (at the window's start when `cut` is
    /// `None`).
    pub(crate) too_long: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between records (blank lines are skipped here).
    Record,
    /// At the start of a cell.
    Cell,
    Unquoted,
    /// Inside quotes.
    Quoted,
    /// Just after a quote inside quotes: it closes the cell unless another quote follows.
    AfterQuote,
    /// After an unbalanced quote: the record runs to the next line end.
    ToLineEnd,
}

/// Finds where a block of `window` may end; `eof`: the window ends the file.
pub(crate) fn scan(window: &[u8], delimiter: u8, eof: bool, limits: Limits) -> Scan {
    let len = window.len();
    // No record of a window this short can be too long.
    let long_possible = len > limits.row;
    if !long_possible && !window.contains(&b'"') {
        let cut = if eof {
            Some(len)
        } else {
            match window.iter().rposition(|&b| b == b'\n') {
                Some(i) => Some(i + 1),
                // No `\n` at all: a `\r` ends a record when another byte follows it.
                None => window
                    .get(..len.saturating_sub(1))
                    .and_then(|w| w.iter().rposition(|&b| b == b'\r'))
                    .map(|i| i + 1),
            }
        };
        return Scan {
            cut,
            too_long: false,
        };
    }
    let mut state = State::Record;
    let mut i = 0;
    // The current record's first byte, and the current quoted cell's opening quote.
    let mut first = 0;
    let mut open = 0;
    let mut cut: Option<usize> = None;
    let too_long = |cut: Option<usize>| Scan {
        cut,
        too_long: true,
    };
    // Whether the record being read is too long whatever comes next: it is past the limit,
    // and no quote opened before the limit is still open (an unbalanced one ends the record
    // at the line end after it).
    let surely_long = |state: State, at: usize, first: usize, open: usize| {
        long_possible
            && state != State::Record
            && at - first > limits.row
            && !(matches!(state, State::Quoted | State::AfterQuote) && open < first + limits.row)
    };
    loop {
        if surely_long(state, i, first, open) {
            return too_long(cut);
        }
        let Some(&byte) = window.get(i) else {
            if eof && state == State::Quoted {
                // The file ends inside quotes: an unbalanced quote.
                state = State::ToLineEnd;
                i = open + 1;
                continue;
            }
            break;
        };
        match state {
            State::Record => match byte {
                b'\n' => {
                    cut = Some(i + 1);
                    i += 1;
                }
                b'\r' => {
                    if window.get(i + 1).is_some_and(|&next| next != b'\n') {
                        cut = Some(i + 1);
                    }
                    i += 1;
                }
                _ => {
                    first = i;
                    state = State::Cell;
                }
            },
            State::Cell if byte == b'"' => {
                open = i;
                state = State::Quoted;
                i += 1;
            }
            State::Cell => state = State::Unquoted,
            State::Unquoted | State::ToLineEnd => {
                let rest = window.get(i..).unwrap_or_default();
                let end = if state == State::Unquoted {
                    rest.iter()
                        .position(|&b| b == delimiter || b == b'\r' || b == b'\n')
                } else {
                    rest.iter().position(|&b| b == b'\r' || b == b'\n')
                };
                match end.map(|k| i + k) {
                    None => i = len,
                    Some(at) if window.get(at) == Some(&delimiter) && state == State::Unquoted => {
                        state = State::Cell;
                        i = at + 1;
                    }
                    Some(at) => {
                        if long_possible && at - first > limits.row {
                            return too_long(cut);
                        }
                        state = State::Record;
                        i = at;
                    }
                }
            }
            State::Quoted => {
                // The closing quote must be at `deadline` or before.
                let deadline = open.saturating_add(limits.cell).saturating_add(1);
                let stop = deadline.saturating_add(1).min(len);
                let found = window
                    .get(i..stop)
                    .and_then(|w| w.iter().position(|&b| b == b'"'));
                match found {
                    Some(k) => {
                        i += k + 1;
                        state = State::AfterQuote;
                    }
                    None if stop > deadline || i > deadline => {
                        // Unbalanced: the record ends at the first line end after the quote.
                        state = State::ToLineEnd;
                        i = open + 1;
                    }
                    None => i = len,
                }
            }
            State::AfterQuote => match byte {
                b'"' => {
                    state = State::Quoted;
                    i += 1;
                }
                _ if byte == delimiter => {
                    state = State::Cell;
                    i += 1;
                }
                b'\r' | b'\n' => {
                    if long_possible && i - first > limits.row {
                        return too_long(cut);
                    }
                    state = State::Record;
                }
                // Text after the closing quote.
                _ => state = State::Unquoted,
            },
        }
    }
    if eof {
        // The last record ends with the file.
        if long_possible && state != State::Record && len - first > limits.row {
            return too_long(cut);
        }
        return Scan {
            cut: Some(len),
            too_long: false,
        };
    }
    Scan {
        cut,
        too_long: false,
    }
}
