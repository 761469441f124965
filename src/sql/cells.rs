//! A cell as the rules read it (§3.3, §4.1), in SQL: numbers, yes/no words and dates parsed
//! with the CLI's grammar, the model's missing values, and a condition on a cell of each type.

use super::columns::Kind;
use super::dialect::regex_escape;
use super::{Dialect, SqlError};
use crate::leads::{parse_bool, parse_day, parse_number};
use crate::model::{Condition, FieldKind};
use crate::scoring::contains_word;

/// The number grammar of §3.3 (ASCII digits, optional sign, point and exponent). The exponent
/// has at most three digits after its leading zeros (`1e400` is out of range anyway).
const NUMBER_RE: &str = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?0*[0-9]{1,3})?$";

/// The date and timestamp grammar of §3.5 (the ranges are checked in arithmetic).
const DAY_RE: &str = "^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}/[0-9]{2}/[0-9]{2})\
([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$";

const TRUE_WORDS: &str = "'true', 'yes', 'y', '1', 'x'";
const FALSE_WORDS: &str = "'false', 'no', 'n', '0'";

/// The type names the query gives inferred columns.
pub(super) const KIND_NUMBER: &str = "'number'";
pub(super) const KIND_BOOL: &str = "'bool'";
pub(super) const KIND_DATE: &str = "'date'";
pub(super) const KIND_TEXT: &str = "'text'";

/// SQL for one cell: its trimmed text `cell` (NULL when empty) and, for an undeclared column,
/// `kind`, the column's inferred type name.
pub(super) struct Cell<'a> {
    pub(super) dialect: Dialect,
    pub(super) cell: &'a str,
    pub(super) kind: Kind,
    pub(super) kind_column: &'a str,
    /// The model's missing values, folded.
    pub(super) missing: &'a [String],
}

/// `text` as a double when it is a number of §3.3 and finite, else NULL.
pub(super) fn number(dialect: Dialect, text: &str) -> String {
    let parsed = dialect.try_double(text);
    let max = dialect.num(f64::MAX);
    format!(
        "CASE WHEN {} THEN CASE WHEN {parsed} BETWEEN -{max} AND {max} THEN {parsed} END END",
        dialect.regex(text, NUMBER_RE)
    )
}

/// Whether `text` is a number of §3.3 (for the column type inference).
pub(super) fn is_number(dialect: Dialect, text: &str) -> String {
    format!("({} IS NOT NULL)", number(dialect, text))
}

/// `a / b` rounded down, for whole numbers of either sign.
fn floor_div(dialect: Dialect, a: &str, b: i64) -> String {
    format!("FLOOR({} / {b})", dialect.cast_double(a))
}

/// The day number of a date or timestamp text (§3.5), or NULL when it is none.
pub(super) fn day(dialect: Dialect, text: &str) -> String {
    let parts = DayParts::of(dialect, text);
    format!(
        "CASE WHEN {} THEN {} END",
        day_grammar(dialect, text),
        day_from(dialect, &parts)
    )
}

/// Whether a text matches the date and timestamp grammar of §3.5 (ranges not checked).
pub(super) fn day_grammar(dialect: Dialect, text: &str) -> String {
    dialect.regex(text, DAY_RE)
}

/// The parts of a text that matched [`day_grammar`]: year, month, day, whether the time is in
/// range, and the day shift of its offset (-1, 0 or 1). Expressions, or columns holding them.
pub(super) struct DayParts {
    pub(super) year: String,
    pub(super) month: String,
    pub(super) day: String,
    pub(super) time_ok: String,
    pub(super) shift: String,
}

impl DayParts {
    /// The parts as expressions of the text (which must match the grammar).
    pub(super) fn of(dialect: Dialect, text: &str) -> DayParts {
        let int = |from: &str, len: usize| {
            format!(
                "CAST(SUBSTR({text}, {from}, {len}) AS {})",
                dialect.int_type()
            )
        };
        let len = format!("LENGTH({text})");
        let has_time = format!("{len} > 10");
        let hour = int("12", 2);
        let minute = int("15", 2);
        let has_seconds = format!("SUBSTR({text}, 17, 1) = ':'");
        let second = int("18", 2);
        // Once the grammar matched, an offset is there exactly when the sixth character from
        // the end of a text with a time is a sign (a date's own `-` is at most the tenth).
        let has_offset = format!("({len} > 16 AND SUBSTR({text}, {len} - 5, 1) IN ('+', '-'))");
        let offset_sign = format!("SUBSTR({text}, {len} - 5, 1)");
        let offset_minutes = format!(
            "({} * 60 + {})",
            int(&format!("{len} - 4"), 2),
            int(&format!("{len} - 1"), 2)
        );
        // Nested CASEs, not AND: no engine promises to skip the casts of a text without them.
        let time_ok = format!(
            "CASE WHEN {has_time} THEN CASE WHEN {hour} <= 23 AND {minute} <= 59 \
             AND (CASE WHEN {has_seconds} THEN {second} <= 59 ELSE TRUE END) \
             AND (CASE WHEN {has_offset} THEN {offset_minutes} <= 840 ELSE TRUE END) \
             THEN TRUE ELSE FALSE END ELSE TRUE END"
        );
        // The UTC day moves when the local time minus the offset leaves the day.
        let utc_minute = format!(
            "{hour} * 60 + {minute} - CASE WHEN {offset_sign} = '-' THEN -{offset_minutes} ELSE {offset_minutes} END"
        );
        let shift = format!(
            "CASE WHEN {has_time} AND {has_offset} THEN \
             CASE WHEN {utc_minute} < 0 THEN -1 WHEN {utc_minute} >= 1440 THEN 1 ELSE 0 END \
             ELSE 0 END"
        );
        DayParts {
            year: int("1", 4),
            month: int("6", 2),
            day: int("9", 2),
            time_ok,
            shift,
        }
    }
}

/// The day number from a date's parts: NULL when the month, the day or the time is out of
/// range.
pub(super) fn day_from(dialect: Dialect, parts: &DayParts) -> String {
    let DayParts {
        year: y,
        month: m,
        day: d,
        time_ok,
        shift,
    } = parts;
    let leap = format!(
        "({y} - 4 * {fd4} = 0 AND ({y} - 100 * {fd100} <> 0 OR {y} - 400 * {fd400} = 0))",
        fd4 = floor_div(dialect, y, 4),
        fd100 = floor_div(dialect, y, 100),
        fd400 = floor_div(dialect, y, 400),
    );
    let days_in_month = format!(
        "CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END \
         WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    );
    let date_ok = format!(
        "CASE WHEN {m} BETWEEN 1 AND 12 THEN {d} BETWEEN 1 AND {days_in_month} ELSE FALSE END"
    );
    // Days from the civil date (proleptic Gregorian), as in H. Hinnant's `days_from_civil`.
    let year = format!("({y} - CASE WHEN {m} <= 2 THEN 1 ELSE 0 END)");
    let era = floor_div(dialect, &year, 400);
    let year_of_era = format!("({year} - {era} * 400)");
    let month_from_march = format!("(CASE WHEN {m} > 2 THEN {m} - 3 ELSE {m} + 9 END)");
    let day_of_year = format!(
        "({} + {d} - 1)",
        floor_div(dialect, &format!("(153 * {month_from_march} + 2)"), 5)
    );
    let day_of_era = format!(
        "({year_of_era} * 365 + {} - {} + {day_of_year})",
        floor_div(dialect, &year_of_era, 4),
        floor_div(dialect, &year_of_era, 100)
    );
    let days = format!("({era} * 146097 + {day_of_era} - 719468 + {shift})");
    format!(
        "CASE WHEN ({date_ok}) AND ({time_ok}) THEN CAST({days} AS {}) END",
        dialect.int_type(),
    )
}

impl Cell<'_> {
    fn lower(&self) -> String {
        format!("LOWER({})", self.cell)
    }

    fn bool_value(&self) -> String {
        format!("{} IN ({TRUE_WORDS})", self.dialect.lower_ascii(self.cell))
    }

    /// Whether a text cell has a value: not empty and not on the model's missing values.
    fn text_present(&self) -> String {
        if self.missing.is_empty() {
            return format!("{} IS NOT NULL", self.cell);
        }
        let list: Vec<String> = self
            .missing
            .iter()
            .map(|m| self.dialect.str_lit(m))
            .collect();
        format!(
            "{cell} IS NOT NULL AND {lower} NOT IN ({list})",
            cell = self.cell,
            lower = self.lower(),
            list = list.join(", ")
        )
    }

    /// Whether the lead has a value (the negation of `IsMissing`).
    pub(super) fn present(&self) -> String {
        match self.kind {
            Kind::Declared(FieldKind::Text) => self.text_present(),
            Kind::Declared(_) => format!("{} IS NOT NULL", self.cell),
            Kind::Inferred => format!(
                "CASE WHEN {} = {KIND_TEXT} THEN {} ELSE {} IS NOT NULL END",
                self.kind_column,
                self.text_present(),
                self.cell
            ),
        }
    }

    /// A condition on the cell: TRUE or FALSE, never NULL.
    pub(super) fn holds(&self, condition: &Condition, rule: &str) -> Result<String, SqlError> {
        if let Condition::IsMissing = condition {
            return Ok(format!("NOT ({})", self.present()));
        }
        let test = match self.kind {
            Kind::Declared(kind) => self.holds_on(kind, condition, rule)?,
            Kind::Inferred => {
                let mut branches = Vec::new();
                for (name, kind) in [
                    (KIND_TEXT, FieldKind::Text),
                    (KIND_NUMBER, FieldKind::Number),
                    (KIND_BOOL, FieldKind::Bool),
                    (KIND_DATE, FieldKind::Date),
                ] {
                    let test = match self.holds_on(kind, condition, rule) {
                        Ok(test) => test,
                        // The column turned out to be of a type the query cannot test this
                        // way: stop with a message rather than give another answer.
                        Err(SqlError::Unsupported { reason, .. }) => self.dialect.fail(
                            &format!("mql-studio: rule `{rule}`: {reason}; the value is "),
                            self.cell,
                        ),
                        Err(other) => return Err(other),
                    };
                    branches.push(format!("WHEN {} = {name} THEN {test}", self.kind_column));
                }
                format!("CASE {} END", branches.join(" "))
            }
        };
        Ok(format!("COALESCE({} AND ({test}), FALSE)", self.present()))
    }

    /// The condition on a present cell of a known type.
    fn holds_on(
        &self,
        kind: FieldKind,
        condition: &Condition,
        rule: &str,
    ) -> Result<String, SqlError> {
        let d = self.dialect;
        let number = || match kind {
            FieldKind::Text | FieldKind::Number => number(d, self.cell),
            FieldKind::Bool => format!(
                "CASE WHEN {} THEN {} ELSE {} END",
                self.bool_value(),
                d.num(1.0),
                d.num(0.0)
            ),
            FieldKind::Date => d.cast_double(&day(d, self.cell)),
        };
        let compare = |op: &str, bound: f64| format!("{} {op} {}", number(), d.num(bound));
        Ok(match condition {
            Condition::Equals(v) => self.equals_any(kind, std::slice::from_ref(v)),
            Condition::OneOf(vs) => self.equals_any(kind, vs),
            Condition::NotOneOf(vs) => {
                format!("NOT COALESCE({}, FALSE)", self.equals_any(kind, vs))
            }
            Condition::AtLeast(min) => compare(">=", *min),
            Condition::AtMost(max) => compare("<=", *max),
            Condition::Between { min, max } => {
                format!("{} AND {}", compare(">=", *min), compare("<=", *max))
            }
            Condition::ContainsAny(vs) => self.contains_any(kind, vs, rule)?,
            Condition::IsTrue => match kind {
                FieldKind::Text | FieldKind::Bool => self.bool_value(),
                FieldKind::Number => format!("{} <> {}", number(), d.num(0.0)),
                FieldKind::Date => "FALSE".to_owned(),
            },
            Condition::IsFalse => match kind {
                FieldKind::Text => format!("{} IN ({FALSE_WORDS})", d.lower_ascii(self.cell)),
                FieldKind::Bool => format!("NOT ({})", self.bool_value()),
                FieldKind::Number => format!("{} = {}", number(), d.num(0.0)),
                FieldKind::Date => "FALSE".to_owned(),
            },
            Condition::IsMissing => "FALSE".to_owned(),
        })
    }

    /// `Equals`/`OneOf` on a present cell: the values as the cell's type reads them.
    fn equals_any(&self, kind: FieldKind, values: &[String]) -> String {
        let d = self.dialect;
        let folded: Vec<String> = values
            .iter()
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .collect();
        let list = |items: Vec<String>| {
            if items.is_empty() {
                None
            } else {
                Some(items.join(", "))
            }
        };
        let found = match kind {
            FieldKind::Text => list(folded.iter().map(|v| d.str_lit(v)).collect())
                .map(|l| format!("{} IN ({l})", self.lower())),
            FieldKind::Number => list(
                folded
                    .iter()
                    .filter_map(|v| parse_number(v))
                    .map(|n| d.num(n))
                    .collect(),
            )
            .map(|l| format!("{} IN ({l})", number(d, self.cell))),
            FieldKind::Date => list(
                folded
                    .iter()
                    .filter_map(|v| parse_day(v))
                    .map(|n| n.to_string())
                    .collect(),
            )
            .map(|l| format!("{} IN ({l})", day(d, self.cell))),
            FieldKind::Bool => {
                let parsed: Vec<bool> = folded.iter().filter_map(|v| parse_bool(v)).collect();
                match (parsed.contains(&true), parsed.contains(&false)) {
                    (true, true) => Some("TRUE".to_owned()),
                    (true, false) => Some(self.bool_value()),
                    (false, true) => Some(format!("NOT ({})", self.bool_value())),
                    (false, false) => None,
                }
            }
        };
        found.unwrap_or_else(|| "FALSE".to_owned())
    }

    /// `ContainsAny`: whole words (§4.1) in the folded text.
    fn contains_any(
        &self,
        kind: FieldKind,
        values: &[String],
        rule: &str,
    ) -> Result<String, SqlError> {
        let d = self.dialect;
        let needles: Vec<String> = values
            .iter()
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .collect();
        match kind {
            FieldKind::Text => {}
            // The display text is `true` or `false`: decided here, per value.
            FieldKind::Bool => {
                let on_true = needles.iter().any(|n| contains_word("true", n));
                let on_false = needles.iter().any(|n| contains_word("false", n));
                return Ok(match (on_true, on_false) {
                    (true, true) => "TRUE".to_owned(),
                    (true, false) => self.bool_value(),
                    (false, true) => format!("NOT ({})", self.bool_value()),
                    (false, false) => "FALSE".to_owned(),
                });
            }
            FieldKind::Number | FieldKind::Date => {
                return Err(SqlError::Unsupported {
                    dialect: d,
                    rule: rule.to_owned(),
                    reason: format!(
                        "ContainsAny on a {} column tests the value's display text (§7), which \
                         the SQL does not reproduce: use AtLeast, AtMost or Between",
                        kind.label()
                    ),
                });
            }
        }
        if needles.is_empty() {
            return Ok("FALSE".to_owned());
        }
        let class = d.word_class();
        let patterns: Vec<String> = needles
            .iter()
            .map(|needle| {
                let first_word = needle.chars().next().is_some_and(char::is_alphanumeric);
                let last_word = needle
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
                let before = if first_word {
                    format!("(^|[^{class}])")
                } else {
                    String::new()
                };
                let after = if last_word {
                    format!("($|[^{class}])")
                } else {
                    String::new()
                };
                format!("{before}{}{after}", regex_escape(needle))
            })
            .collect();
        let lower = self.lower();
        Ok(patterns
            .iter()
            .map(|p| d.regex(&lower, p))
            .collect::<Vec<_>>()
            .join(" OR "))
    }
}

/// The count an activity's count column gives a lead (§3.6): a positive number, 1 for a true
/// yes/no cell, else 0.
pub(super) fn count(dialect: Dialect, cell: &str, kind: Kind, kind_column: &str) -> String {
    let zero = dialect.num(0.0);
    let as_number = {
        let n = number(dialect, cell);
        format!("CASE WHEN {n} > {zero} THEN {n} ELSE {zero} END")
    };
    let as_bool = format!(
        "CASE WHEN {} IN ({TRUE_WORDS}) THEN {} ELSE {zero} END",
        dialect.lower_ascii(cell),
        dialect.num(1.0)
    );
    let value = match kind {
        Kind::Declared(FieldKind::Text | FieldKind::Number) => as_number,
        Kind::Declared(FieldKind::Bool) => as_bool,
        Kind::Declared(FieldKind::Date) => zero.clone(),
        Kind::Inferred => format!(
            "CASE WHEN {kind_column} = {KIND_BOOL} THEN {as_bool} \
             WHEN {kind_column} = {KIND_DATE} THEN {zero} ELSE {as_number} END"
        ),
    };
    format!("COALESCE({value}, {zero})")
}

/// The type the CLI infers for an undeclared column from its values (§3.3), as an aggregate:
/// numbers, else `true`/`false`/`yes`/`no`, else dates, else text.
pub(super) fn inferred_kind(dialect: Dialect, cell: &str) -> String {
    let all =
        |test: String| format!("MIN(CASE WHEN {cell} IS NULL OR ({test}) THEN 1 ELSE 0 END) = 1");
    let bool_word = format!(
        "{} IN ('true', 'false', 'yes', 'no')",
        dialect.lower_ascii(cell)
    );
    format!(
        "CASE WHEN {} THEN {KIND_NUMBER} WHEN {} THEN {KIND_BOOL} WHEN {} THEN {KIND_DATE} ELSE {KIND_TEXT} END",
        all(is_number(dialect, cell)),
        all(bool_word),
        all(format!("{} IS NOT NULL", day(dialect, cell))),
    )
}
