//! Reading one value as CRM exports write it: days, numbers, yes/no, funnel stages and sales
//! verdicts, and the header names they are found under ([`normalize_name`]).
//!
//! The quick paths (`quick_day`, `quick_number`, `bool_word`) read the common forms straight from
//! a cell's bytes while loading; anything else goes to the step-by-step reader of the grammar
//! (`day_of`) or `str::parse`, and both read the same values (tested on every input).

use super::{Outcome, Verdict};

/// A header or field name reduced to lowercase letters and digits, so that `Job Title`,
/// `job_title` and `JobTitle` are the same column.
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Today's date (UTC) as days since 1970-01-01.
pub fn today() -> i32 {
    let seconds = jiff::Timestamp::now().as_second();
    seconds.div_euclid(86_400) as i32
}

fn epoch() -> jiff::civil::Date {
    jiff::civil::date(1970, 1, 1)
}

/// Days since 1970-01-01 of a civil date.
pub fn day_number(date: jiff::civil::Date) -> i32 {
    epoch()
        .until((jiff::Unit::Day, date))
        .map(|span| span.get_days())
        .unwrap_or(0)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i32) -> String {
    epoch()
        .checked_add(jiff::Span::new().days(day as i64))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| format!("day {day}"))
}

/// Reads a date or a timestamp as its day number, by the grammar of `docs/model-format.md` §3.5
/// (the text is trimmed of Unicode `White_Space` first):
///
/// ```text
/// date      = YYYY "-" MM "-" DD  |  YYYY "/" MM "/" DD
/// timestamp = date ("T" | "t" | " ") hh ":" mm [":" ss ["." 1 to 9 digits]] [offset]
/// offset    = "Z" | "z" | ("+" | "-") hh ":" mm          (at most 14:00)
/// ```
///
/// Years 0000 to 9999, real calendar days (Gregorian leap years), hours 00–23, minutes and
/// seconds 00–59. A date or a timestamp without an offset is its own date; a timestamp with an
/// offset is the UTC date of that instant (`2026-10-03T23:30-02:00` is 2026-10-04). Anything
/// else is `None`.
pub fn parse_day(text: &str) -> Option<i32> {
    let bytes = text.trim().as_bytes();
    quick_day(bytes).or_else(|| day_of(bytes))
}

/// Reads bytes from left to right.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<u8> {
        let byte = self.bytes.get(self.at).copied();
        self.at += usize::from(byte.is_some());
        byte
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Exactly `count` ASCII digits, as a number.
    fn digits(&mut self, count: usize) -> Option<u32> {
        let mut value = 0;
        for _ in 0..count {
            let digit = self.next()?.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            value = value * 10 + u32::from(digit);
        }
        Some(value)
    }

    /// `hh ":" mm` with `hh` at most `max_hour`.
    fn hours_minutes(&mut self, max_hour: u32) -> Option<u32> {
        let hours = self.digits(2).filter(|&h| h <= max_hour)?;
        (self.next()? == b':').then_some(())?;
        let minutes = self.digits(2).filter(|&m| m <= 59)?;
        Some(hours * 60 + minutes)
    }
}

/// [`parse_day`] step by step, as the grammar reads (the reference the quick path is tested
/// against); the calendar is jiff's.
fn day_of(bytes: &[u8]) -> Option<i32> {
    let mut cursor = Cursor { bytes, at: 0 };
    let year = cursor.digits(4)?;
    let separator = cursor.next().filter(|&b| b == b'-' || b == b'/')?;
    let month = cursor.digits(2)?;
    (cursor.next()? == separator).then_some(())?;
    let day = cursor.digits(2)?;
    let date = jiff::civil::Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()?;
    let date = day_number(date);
    let Some(separator) = cursor.next() else {
        return Some(date);
    };
    if !matches!(separator, b'T' | b't' | b' ') {
        return None;
    }
    let local = cursor.hours_minutes(23)? as i32;
    if cursor.peek() == Some(b':') {
        cursor.next();
        cursor.digits(2).filter(|&s| s <= 59)?;
        if cursor.peek() == Some(b'.') {
            cursor.next();
            let digits = cursor.bytes.get(cursor.at..).unwrap_or_default();
            let count = digits.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=9).contains(&count) {
                return None;
            }
            cursor.at += count;
        }
    }
    let offset = match cursor.next() {
        None => return Some(date),
        Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let minutes = cursor.hours_minutes(14).filter(|&m| m <= 14 * 60)? as i32;
            if sign == b'-' { -minutes } else { minutes }
        }
        Some(_) => return None,
    };
    if cursor.peek().is_some() {
        return None;
    }
    // The UTC time is the local time minus the offset: it may fall on the day before or after.
    Some(date + (local - offset).div_euclid(24 * 60))
}

#[inline(always)]
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the arithmetic jiff does), for years
/// 0 to 9999.
#[inline(always)]
fn days_from_civil(year: u32, month: u32, day: u32) -> i32 {
    // Counted from March 400 years earlier, so that every number stays positive.
    let year = year + 400 - u32::from(month <= 2);
    let era = year / 400;
    let year_of_era = year - era * 400;
    let month_from_march = if month >= 3 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era) as i32 - 146_097 - 719_468
}

/// The day of the common forms, read straight from the bytes: `YYYY-MM-DD`,
/// `YYYY-MM-DDTHH:MM[:SS]` (`T` or a space) and `YYYY-MM-DDTHH:MM:SSZ`. `None` for anything else
/// (other forms, invalid dates and times), which [`day_of`] then reads (or refuses): the two
/// agree on every input (a property test).
#[inline]
pub(super) fn quick_day(bytes: &[u8]) -> Option<i32> {
    let eight = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
    };
    // `YYYY-MM-`: the dashes made zeros, then eight digits.
    let head = eight(0)?;
    if (head >> 32) & 0xFF != u64::from(b'-') || head >> 56 != u64::from(b'-') {
        return None;
    }
    let [y0, y1, y2, y3, _, m0, m1, _] =
        digits8((head & 0x00FF_FF00_FFFF_FFFF) | 0x3000_0030_0000_0000)?;
    let (d0, d1) = match bytes.get(8..10)? {
        &[d0, d1] => (d0.wrapping_sub(b'0'), d1.wrapping_sub(b'0')),
        _ => return None,
    };
    if d0 > 9 || d1 > 9 {
        return None;
    }
    let year = u32::from(y0) * 1000 + u32::from(y1) * 100 + u32::from(y2) * 10 + u32::from(y3);
    let month = u32::from(m0) * 10 + u32::from(m1);
    let day = u32::from(d0) * 10 + u32::from(d1);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let separator = |at: usize| matches!(bytes.get(at), Some(b'T' | b' '));
    let ok = match bytes.len() {
        10 => true,
        16 => {
            // `THH:MM`
            let time = bytes.get(11..16).unwrap_or_default();
            separator(10)
                && matches!(*time, [h0, h1, b':', i0, i1]
                    if two_digits(h0, h1) <= 23 && two_digits(i0, i1) <= 59)
        }
        19 | 20 => {
            // `THH:MM:SS` and maybe `Z` (an instant in UTC, whose day is the date's).
            let time = eight(11).unwrap_or_default();
            let colons =
                (time >> 16) & 0xFF == u64::from(b':') && (time >> 40) & 0xFF == u64::from(b':');
            separator(10)
                && colons
                && digits8((time & 0xFFFF_00FF_FF00_FFFF) | 0x0000_3000_0030_0000).is_some_and(
                    |[h0, h1, _, i0, i1, _, s0, s1]| {
                        h0 * 10 + h1 <= 23 && i0 * 10 + i1 <= 59 && s0 * 10 + s1 <= 59
                    },
                )
                && (bytes.len() == 19 || bytes.get(19) == Some(&b'Z'))
        }
        _ => false,
    };
    ok.then(|| days_from_civil(year, month, day))
}

/// Eight ASCII digits (little-endian in a word) as their values.
#[inline(always)]
fn digits8(word: u64) -> Option<[u8; 8]> {
    let values = word.wrapping_sub(0x3030_3030_3030_3030);
    // A byte of 10 or more gets its high bit, from the addition or already.
    let bad = (values.wrapping_add(0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080;
    (bad == 0).then(|| values.to_le_bytes())
}

/// Two ASCII digits as a number; `u32::MAX` when they are not digits.
#[inline(always)]
fn two_digits(tens: u8, ones: u8) -> u32 {
    let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
    if tens < 10 && ones < 10 {
        u32::from(tens) * 10 + u32::from(ones)
    } else {
        u32::MAX
    }
}

/// Parses a number as CRM exports write it: `1200`, `1200.5`, `-3`, `1e6`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    quick_number(text.as_bytes()).or_else(|| text.parse::<f64>().ok().filter(|v| v.is_finite()))
}

const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `[+-]digits[.digits]` with at most 15 digits, exactly as `str::parse::<f64>` reads it (both
/// parts are exact doubles, so one division rounds correctly); `None` for any other form.
// Per number cell while loading, in another module: `#[inline]` keeps it inlinable there.
#[inline]
pub(super) fn quick_number(bytes: &[u8]) -> Option<f64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut dot = None;
    for (i, &byte) in digits.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(byte - b'0'),
            b'.' if dot.is_none() && i > 0 && i + 1 < digits.len() => dot = Some(i),
            _ => return None,
        }
    }
    let decimals = dot.map_or(0, |dot| digits.len() - dot - 1);
    let count = digits.len() - usize::from(dot.is_some());
    if count > 15 {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN.get(decimals).copied()?;
    Some(if negative { -value } else { value })
}

/// Parses the usual spellings of yes and no.
pub fn parse_bool(text: &str) -> Option<bool> {
    bool_word(text.trim().as_bytes())
}

/// [`parse_bool`] of a trimmed cell, without allocating.
pub(super) fn bool_word(word: &[u8]) -> Option<bool> {
    const TRUE: [&[u8]; 5] = [b"true", b"yes", b"y", b"1", b"x"];
    const FALSE: [&[u8]; 4] = [b"false", b"no", b"n", b"0"];
    if word.len() > 5 {
        None
    } else if TRUE.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        Some(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        Some(false)
    } else {
        None
    }
}

/// The team that recorded a verdict (a `Verdict By` cell): `marketing` or `sales`.
pub(super) fn parse_team(text: &str) -> Option<crate::model::Team> {
    match normalize_name(text).as_str() {
        "marketing" | "mktg" => Some(crate::model::Team::Marketing),
        "sales" => Some(crate::model::Team::Sales),
        _ => None,
    }
}

pub(super) fn parse_verdict(text: &str) -> Option<Verdict> {
    let key = normalize_name(text);
    match key.as_str() {
        "accept" | "accepted" | "wouldaccept" | "yes" | "true" | "call" => Some(Verdict::Accept),
        "reject" | "rejected" | "wouldreject" | "no" | "false" | "pass" => Some(Verdict::Reject),
        _ => None,
    }
}

/// Reads a funnel stage into an outcome; `None` for a value that is not a stage.
pub(crate) fn parse_stage(text: &str) -> Option<Outcome> {
    let key = normalize_name(text);
    let reached = |sql, opportunity, won| Outcome {
        reached_sql: sql,
        reached_opportunity: opportunity,
        won,
    };
    match key.as_str() {
        // HubSpot's lifecycle stages are here too: subscriber, lead, marketingqualifiedlead,
        // salesqualifiedlead, opportunity, customer, evangelist.
        "lead"
        | "subscriber"
        | "mql"
        | "marketingqualifiedlead"
        | "nurture"
        | "disqualified"
        | "unqualified"
        | "none" => Some(reached(false, false, false)),
        "sql" | "salesqualified" | "salesqualifiedlead" => Some(reached(true, false, false)),
        "opportunity" | "opp" | "closedlost" | "lost" => Some(reached(true, true, false)),
        "won" | "closedwon" | "customer" | "evangelist" => Some(reached(true, true, true)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    /// The day of a local date and time at an offset (minutes east of UTC), computed by jiff
    /// (independently of `day_of`'s arithmetic); `None` outside jiff's range.
    fn jiff_day(date: (i16, i8, i8), time: (i8, i8, i8), offset: i32) -> Option<i32> {
        let local =
            jiff::civil::DateTime::new(date.0, date.1, date.2, time.0, time.1, time.2, 0).ok()?;
        let offset = jiff::tz::Offset::from_seconds(offset * 60).ok()?;
        let instant = offset.to_timestamp(local).ok()?;
        Some(instant.as_second().div_euclid(86_400) as i32)
    }

    #[test]
    fn every_calendar_day_is_read_as_jiff_counts_it() {
        let mut quick = 0;
        for year in [
            0, 1, 4, 99, 100, 400, 1600, 1900, 1969, 1970, 2000, 2024, 2026, 2100, 9999,
        ] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let expected = jiff::civil::Date::new(year, month, day)
                        .ok()
                        .map(day_number);
                    for separator in ["-", "/"] {
                        let text = format!("{year:04}{separator}{month:02}{separator}{day:02}");
                        assert_eq!(parse_day(&text), expected, "{text}");
                        quick += usize::from(quick_day(text.as_bytes()).is_some());
                    }
                }
            }
        }
        assert!(quick > 5_000, "dates take the quick path ({quick})");
    }

    /// Pieces that dates and timestamps are made of, and a few that they are not.
    const PIECES: &[&str] = &[
        "0", "1", "2", "3", "5", "9", "12", "23", "24", "29", "30", "31", "59", "60", "2026",
        "9999", "0000", "-", "/", ":", ".", "T", "t", " ", "Z", "z", "+", "14:00", "14:01",
        "-02:00", "+05:30", "00", "é", "\u{a0}", "２",
    ];

    fn date_like() -> impl Strategy<Value = String> {
        (
            0u32..=10_000,
            0u32..=13,
            0u32..=32,
            prop::sample::select(&["-", "/", "-", "."][..]),
            prop::sample::select(&["", "T", " ", "t", "T", "x"][..]),
            0u32..=25,
            0u32..=61,
            prop::option::of(0u32..=61),
            prop::option::of(prop::collection::vec(
                prop::sample::select(&["0", "5", "9"][..]),
                0..=10,
            )),
            prop::option::of((prop::sample::select(&["+", "-"][..]), 0u32..=15, 0u32..=60)),
            prop::sample::select(&["", "", "Z", "z", " ", ":", "0"][..]),
        )
            .prop_map(
                |(year, month, day, separator, t, hour, minute, second, fraction, offset, tail)| {
                    let mut text = format!("{year:04}{separator}{month:02}{separator}{day:02}");
                    if !t.is_empty() {
                        text.push_str(&format!("{t}{hour:02}:{minute:02}"));
                        if let Some(second) = second {
                            text.push_str(&format!(":{second:02}"));
                            if let Some(fraction) = fraction {
                                text.push('.');
                                text.push_str(&fraction.concat());
                            }
                        }
                        if let Some((sign, hours, minutes)) = offset {
                            text.push_str(&format!("{sign}{hours:02}:{minutes:02}"));
                        }
                    }
                    text.push_str(tail);
                    text
                },
            )
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..12).prop_map(|p| p.concat())
    }

    /// The fields of a text that `day_of` accepted, read back with a regular expression's
    /// patience: date, time (0 when absent) and offset in minutes (0 when absent).
    fn fields(text: &str) -> ((i16, i8, i8), (i8, i8, i8), i32) {
        let number = |range: std::ops::Range<usize>| text[range].parse::<i32>().unwrap_or(0);
        let date = (number(0..4) as i16, number(5..7) as i8, number(8..10) as i8);
        if text.len() == 10 {
            return (date, (0, 0, 0), 0);
        }
        let time = (
            number(11..13) as i8,
            number(14..16) as i8,
            if text.as_bytes().get(16) == Some(&b':') {
                number(17..19) as i8
            } else {
                0
            },
        );
        let offset = match text
            .len()
            .checked_sub(6)
            .map(|at| (at, text.as_bytes()[at]))
        {
            Some((at, sign @ (b'+' | b'-'))) if at >= 16 => {
                let minutes = number(at + 1..at + 3) * 60 + number(at + 4..at + 6);
                if sign == b'-' { -minutes } else { minutes }
            }
            _ => 0,
        };
        (date, time, offset)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The quick path and the grammar read step by step agree on every input, and what is
        /// accepted is the day jiff computes for that local time and offset.
        #[test]
        fn the_quick_path_and_the_grammar_agree(text in prop_oneof![date_like(), any_text()]) {
            let slow = day_of(text.as_bytes());
            if let Some(quick) = quick_day(text.as_bytes()) {
                prop_assert_eq!(Some(quick), slow, "{:?}", text);
            }
            prop_assert_eq!(parse_day(&text), day_of(text.trim().as_bytes()), "{:?}", text);
            prop_assert_eq!(parse_day(&format!(" {text}\u{a0}")), parse_day(&text));
            if let Some(day) = slow {
                let (date, time, offset) = fields(&text);
                if let Some(expected) = jiff_day(date, time, offset) {
                    prop_assert_eq!(day, expected, "{:?}", text);
                }
            }
        }
    }

    #[test]
    fn quick_numbers_are_std_numbers() {
        let reference = |t: &str| t.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "+0",
            "007",
            "-0.0",
            "0.1",
            "1.5",
            "123456789012345",
            "1234567890123456",
            "999999999999999",
            "0.000000000000001",
            "12345678.9012345",
            "-12.50",
            "1.",
            ".5",
            "-.5",
            "+",
            "-",
            "",
            "1e3",
            "1E-3",
            "inf",
            "-inf",
            "NaN",
            "1,5",
            "1_000",
            " 12 ",
            "0x10",
            "1.2.3",
            "--1",
            "+-1",
            "١٢",
        ]
        .map(String::from)
        .to_vec();
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let digits = rng.usize(1..=17);
            let mut text: String = (0..digits)
                .map(|_| char::from(b'0' + rng.u8(0..10)))
                .collect();
            if rng.bool() {
                let at = rng.usize(0..=text.len());
                text.insert(at, '.');
            }
            if rng.bool() {
                text.insert(0, if rng.bool() { '-' } else { '+' });
            }
            texts.push(text);
        }
        for text in &texts {
            assert_eq!(
                parse_number(text).map(f64::to_bits),
                reference(text).map(f64::to_bits),
                "{text}"
            );
        }
    }

    #[test]
    fn bool_words_are_as_before() {
        let reference = |t: &str| match t.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "x" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => None,
        };
        for text in [
            "TRUE", "Yes", "yEs", "x", "X", "2", "", " y ", "ye", "nO", "false ", "é", "yes!",
            "falsey", "\u{a0}no",
        ] {
            assert_eq!(parse_bool(text), reference(text), "{text:?}");
        }
    }
}
