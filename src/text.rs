//! Text that came from users (cells, lead ids, rule labels, file names) made safe to print in a
//! terminal or a message: control characters escaped, long values cut. Use it wherever user data
//! reaches stdout, stderr or an error message.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Most characters of a user value quoted in a message; longer values end in "…".
pub const QUOTE_LIMIT: usize = 80;

/// `text` with every control character (Unicode `Cc`: C0, DEL and C1) written as `\u{…}`
/// (`\t`, `\n`, `\r` as themselves, escaped), so it cannot move the cursor, ring a bell or
/// change a terminal's colours. Everything else is unchanged.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_printable(&mut out, c);
    }
    Cow::Owned(out)
}

/// `text` as [`printable`] makes it, except that line feeds are kept: for a report or a message
/// of several lines whose user values were already passed through [`printable`] or [`quoted`],
/// as a last guard before it is printed. A carriage return is escaped (it would let the next
/// text overwrite the line).
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            c => push_printable(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// `text` for a message: in double quotes, control characters escaped as in [`printable`], at
/// most [`QUOTE_LIMIT`] characters of it, then `…` when it was longer.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(QUOTE_LIMIT * 2) + 4);
    out.push('"');
    let mut chars = text.chars();
    for c in chars.by_ref().take(QUOTE_LIMIT) {
        push_printable(&mut out, c);
    }
    out.push('"');
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// `text` for a message without quotes (a header in backquotes, a lead id): control characters
/// escaped as in [`printable`], at most [`QUOTE_LIMIT`] characters of it, then `…` when it was
/// longer.
pub fn bounded(text: &str) -> Cow<'_, str> {
    let mut chars = text.char_indices();
    let cut = chars.nth(QUOTE_LIMIT).map(|(at, _)| at);
    match cut {
        None => printable(text),
        Some(at) => {
            let mut out = printable(text.get(..at).unwrap_or_default()).into_owned();
            out.push('…');
            Cow::Owned(out)
        }
    }
}

fn push_printable(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => {
            out.push_str("\\u{");
            // Writing into a String cannot fail.
            if write!(out, "{:x}", u32::from(c)).is_err() {
                out.push('?');
            }
            out.push('}');
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(printable("L000001"), "L000001");
        assert!(matches!(printable("Zoë – ok"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}\tb\r\n\u{9b}"),
            "a\\u{1b}[31mred\\u{7}\\tb\\r\\n\\u{9b}"
        );
    }

    #[test]
    fn lines_keep_their_line_feeds_only() {
        assert!(matches!(printable_lines("a\nb"), Cow::Borrowed("a\nb")));
        assert_eq!(
            printable_lines("a\u{1b}[2J\r\nb\t\u{85}\n"),
            "a\\u{1b}[2J\\r\nb\\t\\u{85}\n"
        );
    }

    #[test]
    fn quotes_are_bounded() {
        assert_eq!(quoted("lots"), "\"lots\"");
        let long = "x".repeat(QUOTE_LIMIT + 1);
        let shown = quoted(&long);
        assert_eq!(shown, format!("\"{}\"…", "x".repeat(QUOTE_LIMIT)));
        assert_eq!(
            quoted(&"y".repeat(QUOTE_LIMIT)).chars().count(),
            QUOTE_LIMIT + 2
        );
        assert_eq!(quoted("\u{1b}"), "\"\\u{1b}\"");
    }

    #[test]
    fn bounded_text_is_cut_and_escaped_without_quotes() {
        assert_eq!(bounded("Job Title"), "Job Title");
        assert!(matches!(bounded("Zoë"), Cow::Borrowed(_)));
        let exact = "é".repeat(QUOTE_LIMIT);
        assert_eq!(bounded(&exact), exact);
        let long = format!("{exact}\u{7}tail");
        assert_eq!(bounded(&long), format!("{exact}…"));
        assert_eq!(bounded("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }
}
