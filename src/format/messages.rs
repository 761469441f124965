//! Parse errors in words a marketer can act on: the RON parser's error, placed at its line and
//! column, with the field it is in, and, when the value written there has the wrong kind for that
//! field (a decimal point in a whole number of days, quotes around a number, `yes` for a
//! boolean), what the field takes instead (`docs/model-format.md` §1.5).

use ron::error::{Error, SpannedError};

use super::FormatError;
use crate::text::quoted;

/// What a field of the model file takes, for the fields whose value is a single token.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Takes {
    /// A whole number 0 to 4,294,967,295, described for this field.
    Whole(&'static str),
    /// A number (integer literals are fine).
    Number,
    /// Text in double quotes.
    Text,
    /// `true` or `false`.
    Bool,
    /// One of these names, without quotes.
    Variant(&'static [&'static str]),
}

/// What `field` takes, and whether `None` (absent) is allowed there.
fn takes(field: &str) -> Option<(Takes, bool)> {
    let takes = match field {
        "window_days" => (Takes::Whole("a whole number of days, like 30"), true),
        "at_least" => (Takes::Whole("a whole number of occurrences, like 1"), false),
        "cap" | "half_life_days" | "min_fit" | "min_engagement" => (Takes::Number, true),
        "max_points" | "points" | "scale" | "fit_weight" | "engagement_weight"
        | "mql_threshold" | "nurture_band" | "min_points" | "min" | "max" => (Takes::Number, false),
        "count_column" => (Takes::Text, true),
        "format_version" | "name" | "description" | "person" | "date" | "comment" | "summary"
        | "label" | "id" | "field" | "activity" | "rationale" => (Takes::Text, false),
        "enabled" => (Takes::Bool, false),
        "status" => (Takes::Variant(&["Draft", "Proposed", "Agreed"]), false),
        "team" => (Takes::Variant(&["Marketing", "Sales"]), true),
        "proposed_by" => (Takes::Variant(&["Marketing", "Sales"]), true),
        "kind" => (Takes::Variant(&["Text", "Number", "Bool", "Date"]), false),
        "action" => (Takes::Variant(&["Disqualify", "FastTrack"]), false),
        _ => return None,
    };
    Some(takes)
}

/// The kind of value written at some place in the file.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Written<'a> {
    /// Digits with an optional sign and no point or exponent.
    Integer { negative: bool },
    /// A number with a decimal point or an exponent, or `inf` / `NaN`.
    Decimal,
    /// A double-quoted or raw string.
    Text,
    /// `true` or `false`.
    Bool,
    /// A name: an enum variant, `None`, `Some`, or a word written without quotes.
    Name(&'a str),
    /// A list or a structure.
    Bracket,
    /// Curly quotes, as a word processor writes them.
    CurlyQuote,
    /// Nothing recognisable (the end of the file, or punctuation).
    Other,
}

/// The value that starts at `text` (leading spaces skipped), and its length in bytes.
fn written(text: &str) -> (Written<'_>, usize) {
    let trimmed = text.trim_start();
    let start = text.len() - trimmed.len();
    let Some(first) = trimmed.chars().next() else {
        return (Written::Other, start);
    };
    let word_len = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    let number_len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
        .unwrap_or(trimmed.len());
    let kind = match first {
        '"' => Written::Text,
        'r' if trimmed.starts_with("r\"") || trimmed.starts_with("r#") => Written::Text,
        '“' | '”' | '„' | '«' | '»' | '‘' | '’' => Written::CurlyQuote,
        '[' | '(' => Written::Bracket,
        '0'..='9' | '-' | '+' | '.' => {
            let token = &trimmed[..number_len];
            let digits = token.trim_start_matches(['-', '+']);
            if digits.chars().all(|c| c.is_ascii_digit() || c == '_') && !digits.is_empty() {
                Written::Integer {
                    negative: token.starts_with('-'),
                }
            } else {
                Written::Decimal
            }
        }
        c if c.is_alphabetic() || c == '_' => match &trimmed[..word_len] {
            "true" | "false" => Written::Bool,
            "inf" | "NaN" => Written::Decimal,
            word => Written::Name(word),
        },
        _ => Written::Other,
    };
    let len = match kind {
        Written::Text if first == '"' => string_len(trimmed),
        Written::Integer { .. } | Written::Decimal => number_len,
        Written::Name(_) | Written::Bool => word_len,
        Written::CurlyQuote => trimmed.find(['\n', ',', ')']).unwrap_or(trimmed.len()),
        _ => first.len_utf8(),
    };
    (kind, start + len)
}

/// The length in bytes of the double-quoted string at the start of `text`, closing quote
/// included (to the end of the line when it is not closed there).
fn string_len(text: &str) -> usize {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return at + 1,
            '\n' => return at,
            _ => escaped = false,
        }
    }
    text.len()
}

/// What the field takes, said when `written` is not that; `None` when it is.
fn mismatch(takes: Takes, optional: bool, written: Written<'_>) -> Option<String> {
    let absent = if optional {
        " (or None when there is none)"
    } else {
        ""
    };
    let what = match takes {
        Takes::Whole(what) => match written {
            Written::Integer { negative: false } => return None,
            Written::Integer { negative: true } => format!("{what}, 0 or more"),
            Written::Decimal => format!("{what}, written without a decimal point{absent}"),
            Written::Text => format!("{what}, written without quotes{absent}"),
            _ => format!("{what}{absent}"),
        },
        Takes::Number => match written {
            Written::Integer { .. } | Written::Decimal => return None,
            Written::Text => format!("a number, like 20.0, written without quotes{absent}"),
            _ => format!("a number, like 20.0{absent}"),
        },
        Takes::Text => match written {
            Written::Text => return None,
            Written::CurlyQuote => "text in straight double quotes (\"like this\"); curly quotes (“ ”), as a word processor writes them, do not count".to_owned(),
            _ => format!("text in double quotes, like \"Software\"{absent}"),
        },
        Takes::Bool => match written {
            Written::Bool => return None,
            _ => "true or false".to_owned(),
        },
        Takes::Variant(names) => match written {
            // A name that is not one of the variants gets the parser's own list.
            Written::Name(_) => return None,
            Written::Text => format!(
                "one of {}, written without quotes{absent}",
                names.join(", ")
            ),
            _ => format!("one of {}{absent}", names.join(", ")),
        },
    };
    Some(what)
}

/// The parser's message in plainer words, for the errors that are about punctuation.
fn plain(code: &Error, at: &str) -> String {
    let next = at.trim_start().chars().next();
    match code {
        Error::ExpectedComma => {
            "expected a comma before this point (fields and list items are separated by commas), or a closing bracket".to_owned()
        }
        Error::ExpectedStructLikeEnd | Error::ExpectedOptionEnd => {
            "expected a comma or a closing `)` before this point".to_owned()
        }
        Error::ExpectedArrayEnd => {
            "expected a comma or a closing `]` before this point".to_owned()
        }
        Error::Eof => {
            "the file ends too early: a closing `)`, `]` or `\"` is missing, or the file was cut off".to_owned()
        }
        Error::ExpectedStringEnd => "this text has no closing double quote `\"`".to_owned(),
        Error::IntegerOutOfBounds => {
            "this whole number is too large (at most 4,294,967,295)".to_owned()
        }
        Error::TrailingCharacters => {
            "there is more after the end of the model (its closing `)`): remove it, or check the brackets before it".to_owned()
        }
        Error::ExceededRecursionLimit => {
            "the brackets are nested too deeply (more than 128 levels): this is not a model file".to_owned()
        }
        Error::UnexpectedChar(c) if matches!(c, '“' | '”' | '„' | '‘' | '’') => format!(
            "unexpected {}: write text in straight double quotes (\"like this\"), not curly quotes",
            quoted(&c.to_string())
        ),
        Error::UnexpectedChar(c) => format!("unexpected character {}", quoted(&c.to_string())),
        Error::ExpectedIdentifier | Error::SuggestRawIdentifier(_) | Error::InvalidIdentifier(_)
            if next.is_some_and(|c| c.is_ascii_digit()) =>
        {
            "expected a field name here, found a number: a decimal number is written with a point (20.5), not a comma (20,5)".to_owned()
        }
        other => other.to_string(),
    }
}

/// A parse error at the parser's position, in words (see the module's documentation).
pub(super) fn syntax_error(text: &str, error: &SpannedError) -> FormatError {
    if text.trim().is_empty() {
        return FormatError::Syntax {
            location: String::new(),
            line: 1,
            column: 1,
            message: "the file is empty: a model file is text that starts with `(` (see docs/model-format.md)".to_owned(),
        };
    }
    let position = error.span.start;
    let offset = offset_of(text, position.line, position.col);
    let at = text.get(offset..).unwrap_or_default();
    let mentions_field = matches!(
        error.code,
        Error::NoSuchStructField { .. }
            | Error::MissingStructField { .. }
            | Error::DuplicateStructField { .. }
    );
    let field = if mentions_field {
        None
    } else {
        enclosing_field(text, offset)
    };
    if let Some((name, value_start)) = &field
        && let Some(found) = wrong_value(text, name, *value_start, offset)
    {
        return found;
    }
    let mut message = if mentions_field {
        error.code.to_string()
    } else {
        plain(&error.code, at)
    };
    if let Some((name, _)) = field {
        message = match error.code {
            // The parser stops at what follows the value: the comma or bracket is missing
            // after the field's value.
            Error::ExpectedComma
            | Error::ExpectedStructLikeEnd
            | Error::ExpectedOptionEnd
            | Error::ExpectedArrayEnd => format!("after the value of `{name}`: {message}"),
            Error::TrailingCharacters => message,
            _ => format!("in field `{name}`: {message}"),
        };
    }
    FormatError::Syntax {
        location: String::new(),
        line: position.line,
        column: position.col,
        message,
    }
}

/// When the parser stopped on the value of a field that takes one kind of token (a number, text,
/// …) and the value written there is another kind: the error, at the value, saying what the
/// field takes.
fn wrong_value(text: &str, name: &str, value_start: usize, offset: usize) -> Option<FormatError> {
    let (takes, optional) = takes(name).or_else(|| {
        // `counting: AtLeast(n)`: the count inside is a whole number.
        (name == "counting").then_some((
            Takes::Whole("a whole number of occurrences, like AtLeast(3)"),
            false,
        ))
    })?;
    let rest = text.get(value_start..)?;
    let (mut kind, mut len) = written(rest);
    // The value inside `Some(…)` (an optional field) or `AtLeast(…)` (a counting).
    let wrapper = match kind {
        Written::Name("Some") => optional,
        Written::Name("AtLeast") => name == "counting",
        _ => false,
    };
    let mut inner_start = rest.len() - rest.trim_start().len();
    if wrapper {
        let after = rest.get(len..)?;
        let inside = after.trim_start().strip_prefix('(')?;
        inner_start = len + (after.len() - inside.len());
        let (inner, inner_len) = written(inside);
        kind = inner;
        len = inner_start + inner_len;
        inner_start += inside.len() - inside.trim_start().len();
    } else if name == "counting" {
        return None;
    }
    let value_end = value_start + len;
    // Only when the parser stopped on the value itself, not on what follows it.
    if offset > value_end || (optional && kind == Written::Name("None")) {
        return None;
    }
    let what = mismatch(takes, optional, kind)?;
    let start = (value_start + inner_start).min(value_end);
    let token = text.get(start..value_end).unwrap_or_default().trim();
    // A string is shown by its content: the message already says "without quotes".
    let token = token
        .strip_prefix('"')
        .map_or(token, |t| t.strip_suffix('"').unwrap_or(t));
    let (line, column) = line_and_column(text, start);
    let message = if token.is_empty() {
        format!("in field `{name}`: expected {what}")
    } else {
        format!(
            "in field `{name}`: found {}, but this field takes {what}",
            quoted(token)
        )
    };
    Some(FormatError::Syntax {
        location: String::new(),
        line,
        column,
        message,
    })
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, line_text) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            return offset
                + line_text
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(line_text.len(), |(i, _)| i);
        }
        offset += line_text.len();
    }
    offset.min(text.len())
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (before.matches('\n').count() + 1, column)
}

/// The nearest `name:` before a byte offset, so that an error can say which field it is in: the
/// name, and the offset just after its colon (where its value starts).
fn enclosing_field(text: &str, offset: usize) -> Option<(String, usize)> {
    let before = text.get(..offset.min(text.len()))?;
    let bytes = before.as_bytes();
    let mut end = bytes.len();
    while end > 0 {
        end -= 1;
        if bytes[end] != b':' {
            continue;
        }
        let mut start = end;
        while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            start -= 1;
        }
        if start < end {
            return before
                .get(start..end)
                .map(|name| (name.to_owned(), end + 1));
        }
    }
    None
}
