//! The model as JSON, for tools that cannot read RON (`mql-studio json`; `docs/model-format.md`
//! §8), and back.
//!
//! The JSON is serde_json's rendering of the same [`Model`] the RON file holds, so the mapping is
//! mechanical: a structure is an object with the same field names in the same order; a list is an
//! array; an optional value is the value or `null`; an enum is externally tagged (a variant
//! without data is a string, `"IsTrue"`; one with data an object of one key, `{"OneOf": [..]}`,
//! `{"Between": {"min": 1.0, "max": 2.0}}`). Every field is written, defaults included. The JSON
//! Schema of this mapping is [`model_schema`](super::model_schema).

use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::ser::{Formatter, PrettyFormatter};

use super::{FormatError, MAX_MODEL_BYTES, checked_version, fill_default_bands, newer_minor_note};
use crate::model::{Condition, Criterion, Model};
use crate::text::printable;

/// The model as pretty-printed JSON (two-space indentation, a final newline).
///
/// Every number is written so that it reads back as the same double, and the text is free of
/// control characters (JSON escapes them all, DEL and U+0080–U+009F included, as `\u007f`), so
/// it can be printed to a terminal as it is. A number that is not finite (`inf`, `NaN`: JSON has
/// none; validation refuses them) is an error naming where it is, never a silent `null`.
pub fn model_to_json(model: &Model) -> Result<String, FormatError> {
    if let Some((path, value)) = first_non_finite(model) {
        return Err(FormatError::NotFinite { path, value });
    }
    let text = to_pretty_json(model).map_err(|e| FormatError::Serialize(e.to_string()))?;
    // The guarantee, whatever the model holds: what is written reads back the same.
    match serde_json::from_str::<Model>(&text) {
        Ok(read) if read == *model => Ok(text),
        _ => Err(FormatError::Serialize(
            "the model does not read back the same from JSON".to_owned(),
        )),
    }
}

/// Reads a model from JSON as [`model_to_json`] writes it (and as `docs/model.schema.json`
/// describes it), the way [`model_from_str`](super::model_from_str) reads RON: at most
/// [`MAX_MODEL_BYTES`], a byte-order mark ignored, the version checked first, omitted fields
/// at their defaults, omitted or empty grade bands filled in from the caps.
pub fn model_from_json(text: &str) -> Result<Model, FormatError> {
    if text.len() as u64 > MAX_MODEL_BYTES {
        return Err(FormatError::TooLarge {
            location: String::new(),
            size: Some(text.len() as u64),
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let strict = serde_json::from_str::<Model>(text);
    let probe = match serde_json::from_str::<VersionProbe>(text) {
        Ok(probe) => probe,
        Err(error) => return Err(json_error(&strict.err().unwrap_or(error))),
    };
    let (major, minor) = checked_version(probe.format_version.clone())?;
    match strict {
        Ok(mut model) => {
            fill_default_bands(&mut model);
            Ok(model)
        }
        Err(error) => {
            let mut error = json_error(&error);
            if let FormatError::Syntax { message, .. } = &mut error {
                message.push_str(&newer_minor_note(major, minor, &probe.format_version));
            }
            Err(error)
        }
    }
}

/// Only the version, read first (unknown fields are ignored here).
#[derive(Deserialize)]
struct VersionProbe {
    format_version: String,
}

/// A serde_json error as a syntax error with its line and column.
fn json_error(error: &serde_json::Error) -> FormatError {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    FormatError::Syntax {
        location: String::new(),
        line: error.line(),
        column: error.column(),
        message: printable(message).into_owned(),
    }
}

/// `value` as pretty JSON (two spaces, a final newline) with every control character escaped.
pub(super) fn to_pretty_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut bytes = Vec::new();
    let formatter = Escaping(PrettyFormatter::with_indent(b"  "));
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    value.serialize(&mut serializer)?;
    bytes.push(b'\n');
    String::from_utf8(bytes).map_err(|e| serde_json::Error::io(std::io::Error::other(e)))
}

/// serde_json's pretty formatter, escaping the control characters it leaves as they are (DEL
/// and U+0080–U+009F; it escapes U+0000–U+001F itself), so that no output can drive a terminal.
struct Escaping<'a>(PrettyFormatter<'a>);

impl Formatter for Escaping<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_control() {
                writer.write_all(fragment.get(start..at).unwrap_or_default().as_bytes())?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(fragment.get(start..).unwrap_or_default().as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// The first number of the model that is not finite, with its path (as validation names it).
fn first_non_finite(model: &Model) -> Option<(String, f64)> {
    let mut numbers: Vec<(String, f64)> = vec![("fit.max_points".to_owned(), model.fit.max_points)];
    for (i, rule) in model.fit.rules.iter().enumerate() {
        let path = format!("fit.rules[{i}]");
        numbers.push((format!("{path}.points"), rule.points));
        condition_numbers(&format!("{path}.condition"), &rule.condition, &mut numbers);
    }
    numbers.push((
        "engagement.max_points".to_owned(),
        model.engagement.max_points,
    ));
    for (i, rule) in model.engagement.rules.iter().enumerate() {
        let path = format!("engagement.rules[{i}]");
        numbers.push((format!("{path}.points"), rule.points));
        numbers.extend(rule.cap.map(|cap| (format!("{path}.cap"), cap)));
        numbers.extend(
            rule.half_life_days
                .map(|days| (format!("{path}.half_life_days"), days)),
        );
    }
    for (i, rule) in model.overrides.iter().enumerate() {
        for (j, criterion) in rule.when.iter().enumerate() {
            if let Criterion::Field { condition, .. } = criterion {
                let path = format!("overrides[{i}].when[{j}].condition");
                condition_numbers(&path, condition, &mut numbers);
            }
        }
    }
    let c = &model.combine;
    for (name, value) in [
        ("scale", Some(c.scale)),
        ("fit_weight", Some(c.fit_weight)),
        ("engagement_weight", Some(c.engagement_weight)),
        ("mql_threshold", Some(c.mql_threshold)),
        ("nurture_band", Some(c.nurture_band)),
        ("min_fit", c.min_fit),
        ("min_engagement", c.min_engagement),
    ] {
        numbers.extend(value.map(|value| (format!("combine.{name}"), value)));
    }
    for (name, bands) in [
        ("fit_grades", &model.fit_grades),
        ("engagement_levels", &model.engagement_levels),
    ] {
        for (i, band) in bands.iter().enumerate() {
            numbers.push((format!("{name}[{i}].min_points"), band.min_points));
        }
    }
    numbers.into_iter().find(|(_, value)| !value.is_finite())
}

fn condition_numbers(path: &str, condition: &Condition, numbers: &mut Vec<(String, f64)>) {
    match condition {
        Condition::AtLeast(bound) | Condition::AtMost(bound) => {
            numbers.push((path.to_owned(), *bound));
        }
        Condition::Between { min, max } => {
            numbers.push((format!("{path}.min"), *min));
            numbers.push((format!("{path}.max"), *max));
        }
        _ => {}
    }
}
