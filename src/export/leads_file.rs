//! The leads file written back with sales' verdicts (the app's *Save leads with verdicts…*), for
//! re-import: every cell as the reader read it, so that loading the file again gives the same
//! leads, ids, outcomes and verdicts (`docs/model-format.md` §6.3). Not for spreadsheets: the
//! scored output is the one made safe to open in one.

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use super::cells::{CsvOut, push_exact_cell};
use crate::leads::{
    Cell, LeadSet, RECORDER_COLUMNS, VERDICT_COLUMNS, Verdict, Verdicts, format_day, normalize_name,
};
use crate::model::Team;

/// The header of the verdict column written by [`write_leads_csv`] when the file has none.
pub const VERDICT_COLUMN: &str = "Sales Verdict";

/// The header of the column of who recorded each verdict, written when the file has none.
pub const RECORDER_COLUMN: &str = "Verdict By";

/// A recorder as written: `marketing`, `sales`, or nothing.
fn recorder_text(team: Option<Team>) -> &'static str {
    match team {
        Some(Team::Marketing) => "marketing",
        Some(Team::Sales) => "sales",
        None => "",
    }
}

/// The day number of 0000-01-01, the first day with a `YYYY-MM-DD` date.
const YEAR_ZERO: i32 = -719_528;
/// The day number of 9999-12-31, the last day `YYYY-MM-DD` can write.
const LAST_DAY: i32 = 2_932_896;

/// Appends the text that reads back as `cell` (§6.3): text as it is; a number as the shortest
/// decimal that reads back as the same number (`1200.5`, `0.1`, `1000000`; no exponent); a
/// yes/no as `true` or `false`; a date as `YYYY-MM-DD`; nothing for a missing cell.
fn push_reimport_text(out: &mut String, cell: Cell<'_>) -> fmt::Result {
    match cell {
        Cell::Missing => Ok(()),
        Cell::Text(text) => {
            out.push_str(text);
            Ok(())
        }
        // `Display` of an `f64` is the shortest decimal that parses back to it.
        Cell::Number(number) => write!(out, "{number}"),
        Cell::Bool(value) => {
            out.push_str(if value { "true" } else { "false" });
            Ok(())
        }
        // A timestamp's offset (at most 14 hours, §3.5) can move its day one past the years
        // `YYYY-MM-DD` writes: 0000-01-01 with a positive offset is on the day before, and
        // 9999-12-31 with a negative one on the day after. Such a day is written as such a
        // timestamp.
        Cell::Date(day) if day == YEAR_ZERO - 1 => {
            out.push_str("0000-01-01T00:00:00+01:00");
            Ok(())
        }
        Cell::Date(day) if day == LAST_DAY + 1 => {
            out.push_str("9999-12-31T23:00:00-01:00");
            Ok(())
        }
        Cell::Date(day) => {
            out.push_str(&format_day(day));
            Ok(())
        }
    }
}

/// The text [`write_leads_csv`] writes for a cell, before CSV quoting.
pub fn reimport_text(cell: Cell<'_>) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    if push_reimport_text(&mut out, cell).is_err() {
        out.clear();
    }
    out
}

/// Writes leads back as CSV for re-import: the columns in their order with their headers (as
/// read, after any renaming), every cell as [`reimport_text`] writes it, quoted when it holds
/// `,`, `;`, `"`, CR or LF; with sales' verdicts in the verdict column (or in a `Sales Verdict`
/// column added at the end) and who recorded each in the recorder column (or in a `Verdict By`
/// column added after it, when any verdict has a recorder). A verdict (or recorder) that is what the file said leaves its cell as
/// it was; another is written `accept`, `reject` (`marketing`, `sales`) or empty. Nothing is
/// neutralised: ids and text come back byte for byte (§6.3).
pub fn write_leads_csv<W: Write>(
    writer: W,
    leads: &LeadSet,
    verdicts: &Verdicts,
) -> io::Result<()> {
    let find = |keys: &[&str]| {
        keys.iter().find_map(|key| {
            leads
                .columns
                .iter()
                .position(|c| normalize_name(&c.name) == *key)
        })
    };
    let verdict_column = find(VERDICT_COLUMNS);
    let recorder_column = find(RECORDER_COLUMNS);
    let mut out = CsvOut::new(writer);
    let headers = leads.columns.iter().map(|c| c.name.as_str());
    // A recorder column is added only when there is a recorder to write.
    let add_recorders =
        recorder_column.is_none() && verdicts.recorders().iter().any(Option::is_some);
    let added = [
        verdict_column.is_none().then_some(VERDICT_COLUMN),
        add_recorders.then_some(RECORDER_COLUMN),
    ];
    for (i, header) in headers.chain(added.into_iter().flatten()).enumerate() {
        if i > 0 {
            out.buffer.push(b',');
        }
        push_exact_cell(&mut out.buffer, header);
    }
    out.end_record()?;
    let mut text = String::new();
    for row in 0..leads.len() {
        let verdict = verdicts.verdict(row);
        let recorder = verdicts.recorded_by(row);
        let verdict_changed = verdict != leads.verdicts.verdict(row);
        let recorder_changed = verdict_changed || recorder != leads.verdicts.recorded_by(row);
        let verdict_text = verdict.map_or("", Verdict::label);
        let recorder_text = recorder_text(recorder);
        for (index, column) in leads.columns.iter().enumerate() {
            if index > 0 {
                out.buffer.push(b',');
            }
            if verdict_changed && Some(index) == verdict_column {
                push_exact_cell(&mut out.buffer, verdict_text);
                continue;
            }
            if recorder_changed && Some(index) == recorder_column {
                push_exact_cell(&mut out.buffer, recorder_text);
                continue;
            }
            match column.cell(row) {
                Cell::Missing => {}
                Cell::Text(value) => push_exact_cell(&mut out.buffer, value),
                cell => {
                    text.clear();
                    push_reimport_text(&mut text, cell).map_err(io::Error::other)?;
                    push_exact_cell(&mut out.buffer, &text);
                }
            }
        }
        let mut first = leads.columns.is_empty();
        for (missing, cell) in [
            (verdict_column.is_none(), verdict_text),
            (add_recorders, recorder_text),
        ] {
            if missing {
                if !first {
                    out.buffer.push(b',');
                }
                first = false;
                push_exact_cell(&mut out.buffer, cell);
            }
        }
        out.end_record()?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::parse_day;

    #[test]
    fn every_day_is_written_as_text_that_reads_back_as_that_day() {
        let last = parse_day("9999-12-31").unwrap_or(0);
        assert_eq!(last, LAST_DAY);
        let mut days: Vec<i32> = (YEAR_ZERO - 1..YEAR_ZERO + 800).collect();
        days.extend((YEAR_ZERO..last).step_by(997));
        days.extend(last - 800..=last + 1);
        for day in days {
            let text = reimport_text(Cell::Date(day));
            assert_eq!(parse_day(&text), Some(day), "{text}");
            // An undeclared column of such texts is a date column (§3.3).
            assert!(
                text.len() >= 10 && text.as_bytes().get(4) == Some(&b'-'),
                "{text}"
            );
        }
        // The days just outside years 0000-9999 come from timestamps like these, and offsets
        // beyond 14 hours are not timestamps (§3.5): no other day can be read.
        assert_eq!(parse_day("0000-01-01T00:00:00+14:00"), Some(YEAR_ZERO - 1));
        assert_eq!(parse_day("9999-12-31T12:00:00-14:00"), Some(LAST_DAY + 1));
        assert_eq!(parse_day("0000-01-01T00:00:00+25:59"), None);
    }

    #[test]
    fn numbers_are_written_as_text_that_reads_back_as_that_number() {
        let mut rng = fastrand::Rng::with_seed(3);
        let mut numbers = vec![
            0.0,
            -0.0,
            0.1,
            1.0 / 3.0,
            1200.5,
            1e15,
            1e21,
            1e-7,
            f64::MAX,
            f64::MIN_POSITIVE,
            -123_456_789.012_345_67,
        ];
        numbers.extend(
            (0..5000)
                .map(|_| f64::from_bits(rng.u64(..)))
                .filter(|v| v.is_finite()),
        );
        for number in numbers {
            let text = reimport_text(Cell::Number(number));
            assert_eq!(crate::leads::parse_number(&text), Some(number), "{text}");
        }
        assert_eq!(reimport_text(Cell::Number(1200.5)), "1200.5");
        assert_eq!(reimport_text(Cell::Number(1e6)), "1000000");
        assert_eq!(reimport_text(Cell::Bool(true)), "true");
        assert_eq!(reimport_text(Cell::Missing), "");
    }
}
