//! What differs between the engines: quoting, types, casts, regular expressions, and the few
//! functions that have no common spelling. Everything else the compiler writes is plain SQL
//! that all five engines read alike.

use super::Dialect;

/// The characters Unicode calls `White_Space`, which the CLI trims from every cell (§3.1), as
/// code points (a literal of them is written per dialect).
pub(super) const WHITE_SPACE: [u32; 25] = [
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
    0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
];

impl Dialect {
    /// A quoted identifier (a column or an alias).
    pub(super) fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark | Dialect::BigQuery => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table reference: each dot-separated part quoted, unless the caller wrote quotes.
    pub(super) fn table(self, name: &str) -> String {
        let name = name.trim();
        if name.contains(['"', '`']) {
            return name.to_owned();
        }
        if self == Dialect::BigQuery {
            // `project.dataset.table` is one quoted path in BigQuery.
            return self.ident(name);
        }
        name.split('.')
            .map(|part| self.ident(part.trim()))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// A string literal. DuckDB and PostgreSQL read backslashes as they are; the others read
    /// them as escapes, so those are escaped too, and so are control characters.
    pub(super) fn str_lit(self, text: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
            Dialect::Spark | Dialect::BigQuery | Dialect::Snowflake => {
                let mut out = String::with_capacity(text.len() + 2);
                out.push('\'');
                for c in text.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if (c as u32) < 0x20 || c == '\u{7f}' => {
                            out.push_str(&format!("\\u{:04x}", c as u32))
                        }
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
        }
    }

    pub(super) fn double_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::BigQuery => "FLOAT64",
            _ => "DOUBLE",
        }
    }

    pub(super) fn int_type(self) -> &'static str {
        match self {
            Dialect::BigQuery => "INT64",
            _ => "BIGINT",
        }
    }

    pub(super) fn text_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "TEXT",
            Dialect::Spark | Dialect::BigQuery => "STRING",
            _ => "VARCHAR",
        }
    }

    /// A double constant, exact: written as its shortest round-trip decimal and cast (a bare
    /// `0.6` is a DECIMAL in several engines, whose arithmetic rounds differently).
    pub(super) fn num(self, value: f64) -> String {
        let value = if value == 0.0 { 0.0 } else { value };
        if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("CAST({value:.0} AS {})", self.double_type())
        } else {
            format!("CAST('{value:e}' AS {})", self.double_type())
        }
    }

    /// `constant × expr`, as IEEE multiplication gives it, for `expr` ≥ 0. PostgreSQL reports
    /// a product that underflows to 0 as an error, so the products that do (a tiny constant
    /// times a small value) are written as 0 directly.
    pub(super) fn times(self, constant: f64, expr: &str) -> String {
        let largest_zero = largest_factor_giving_zero(constant);
        if largest_zero == 0.0 {
            format!("{} * {expr}", self.num(constant))
        } else {
            format!(
                "CASE WHEN {expr} <= {} THEN {} ELSE {} * {expr} END",
                self.num(largest_zero),
                self.num(0.0),
                self.num(constant)
            )
        }
    }

    pub(super) fn cast_double(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.double_type())
    }

    pub(super) fn cast_text(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.text_type())
    }

    /// Whether `expr` matches `pattern` somewhere (the pattern anchors itself with `^`/`$`).
    pub(super) fn regex(self, expr: &str, pattern: &str) -> String {
        let pattern_lit = self.str_lit(pattern);
        match self {
            Dialect::DuckDb => format!("regexp_matches({expr}, {pattern_lit})"),
            Dialect::Postgres => format!("({expr} ~ {pattern_lit})"),
            Dialect::Spark => format!("({expr} RLIKE {pattern_lit})"),
            Dialect::BigQuery => format!("REGEXP_CONTAINS({expr}, {pattern_lit})"),
            // REGEXP_LIKE matches the whole subject; `s` lets `.` cross line ends.
            Dialect::Snowflake => format!(
                "REGEXP_LIKE({expr}, {}, 's')",
                self.str_lit(&format!(".*({pattern}).*"))
            ),
        }
    }

    /// The characters that make a word (§3.2: letters and digits), as a regex class body.
    pub(super) fn word_class(self) -> &'static str {
        match self {
            Dialect::Spark => r"\p{IsAlphabetic}\p{Nd}\p{Nl}\p{No}",
            Dialect::DuckDb | Dialect::BigQuery => r"\pL\pN",
            Dialect::Postgres | Dialect::Snowflake => "[:alnum:]",
        }
    }

    /// `text` as a double when the whole text is a number, else NULL. The caller has checked
    /// the grammar of §3.3; out-of-range values are filtered by the caller.
    pub(super) fn try_double(self, text: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Snowflake | Dialect::Spark => {
                format!("TRY_CAST({text} AS {})", self.double_type())
            }
            Dialect::BigQuery => format!("SAFE_CAST({text} AS FLOAT64)"),
            // No TRY_CAST: an out-of-range text is found with NUMERIC first, which reads any
            // exponent the caller's grammar lets through (at most three digits).
            Dialect::Postgres => format!(
                "CASE WHEN abs(CAST({text} AS NUMERIC)) >= 1.7976931348623158e308 THEN NULL \
                 WHEN abs(CAST({text} AS NUMERIC)) < 2.4703282292062328e-324 THEN CAST(0 AS DOUBLE PRECISION) \
                 ELSE CAST({text} AS DOUBLE PRECISION) END"
            ),
        }
    }

    /// `expr` with the ASCII capitals lower-cased and nothing else changed (activity names and
    /// yes/no words compare ignoring ASCII case only).
    pub(super) fn lower_ascii(self, expr: &str) -> String {
        format!("TRANSLATE({expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')")
    }

    /// `expr` without `White_Space` at either end: the characters are the column `chars` of
    /// the one-row CTE `white_space` (`white_space_set`), joined in as `ws`.
    pub(super) fn trim(self, expr: &str) -> String {
        let set = "ws.chars";
        let trimmed = match self {
            Dialect::Postgres => format!("btrim({expr}, {set})"),
            Dialect::Spark => format!("trim(BOTH {set} FROM {expr})"),
            _ => format!("trim({expr}, {set})"),
        };
        // Trimming with a set of characters is slow (half of DuckDB's time at a million
        // leads), and almost every cell starts and ends with a visible ASCII character, which
        // leaves nothing to trim.
        let code = |text: &str| match self {
            Dialect::DuckDb | Dialect::BigQuery | Dialect::Snowflake => format!("UNICODE({text})"),
            Dialect::Postgres | Dialect::Spark => format!("ASCII({text})"),
        };
        format!(
            "CASE WHEN {} BETWEEN 33 AND 126 AND {} BETWEEN 33 AND 126 THEN {expr} ELSE {trimmed} END",
            code(expr),
            code(&format!("RIGHT({expr}, 1)"))
        )
    }

    /// The `White_Space` characters as a string expression: `chr()` calls where a literal would
    /// hold raw control characters, escapes where the dialect has them.
    pub(super) fn white_space_set(self) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => WHITE_SPACE
                .iter()
                .map(|c| format!("chr({c})"))
                .collect::<Vec<_>>()
                .join(" || "),
            Dialect::Spark | Dialect::BigQuery | Dialect::Snowflake => {
                let escaped: String = WHITE_SPACE.iter().map(|c| format!("\\u{c:04x}")).collect();
                format!("'{escaped}'")
            }
        }
    }

    /// The day number (days since 1970-01-01) of today in UTC.
    pub(super) fn today_utc(self) -> &'static str {
        match self {
            Dialect::DuckDb => {
                "CAST(CAST(timezone('UTC', now()) AS DATE) - DATE '1970-01-01' AS BIGINT)"
            }
            Dialect::Postgres => "(CAST(now() AT TIME ZONE 'UTC' AS DATE) - DATE '1970-01-01')",
            Dialect::Spark => {
                "datediff(to_date(to_utc_timestamp(current_timestamp(), current_timezone())), DATE'1970-01-01')"
            }
            Dialect::BigQuery => "UNIX_DATE(CURRENT_DATE('UTC'))",
            Dialect::Snowflake => {
                "DATEDIFF(day, DATE '1970-01-01', CAST(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()) AS DATE))"
            }
        }
    }

    /// `expr` joined with `;`, skipping NULLs: the fired rule ids.
    pub(super) fn join_ids(self, parts: &[String]) -> String {
        if parts.is_empty() {
            return "''".to_owned();
        }
        let list = parts.join(",\n            ");
        match self {
            Dialect::BigQuery => format!("ARRAY_TO_STRING([\n            {list}], ';')"),
            Dialect::Snowflake => {
                format!("ARRAY_TO_STRING(ARRAY_CONSTRUCT_COMPACT(\n            {list}), ';')")
            }
            _ => format!("concat_ws(';',\n            {list})"),
        }
    }

    /// An error raised while the query runs (a lead the SQL cannot score as the CLI would),
    /// with `message` in it. `value` is a column the message depends on, so no engine
    /// evaluates the error while planning.
    pub(super) fn fail(self, message: &str, value: &str) -> String {
        let text = format!("{} || {}", self.str_lit(message), self.cast_text(value));
        match self {
            Dialect::DuckDb => format!("CAST(error({text}) AS BOOLEAN)"),
            Dialect::Spark => format!("CAST(raise_error({text}) AS BOOLEAN)"),
            Dialect::BigQuery => format!("CAST(ERROR({text}) AS BOOL)"),
            Dialect::Postgres | Dialect::Snowflake => {
                format!("(CAST({text} AS INTEGER) = 0)")
            }
        }
    }
}

/// The largest `x ≥ 0` whose product with `constant` is 0 in double precision (0 when only
/// `x = 0` gives 0, as for any constant above 0.5 in size).
pub(super) fn largest_factor_giving_zero(constant: f64) -> f64 {
    let constant = constant.abs();
    if constant == 0.0 || !constant.is_finite() {
        return 0.0;
    }
    // Positive doubles are ordered like their bit patterns: search the bits.
    let (mut low, mut high) = (0u64, f64::MAX.to_bits());
    if constant * f64::from_bits(1) != 0.0 {
        return 0.0;
    }
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if constant * f64::from_bits(middle) == 0.0 {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    f64::from_bits(low)
}

/// `text` with every regular-expression metacharacter escaped with a backslash.
pub(super) fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.^$|?*+()[]{}/-#&~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_what_each_engine_reads_as_special() {
        assert_eq!(Dialect::Postgres.str_lit(r"it's a\b"), r"'it''s a\b'");
        assert_eq!(Dialect::Spark.str_lit(r"it's a\b"), r"'it\'s a\\b'");
        assert_eq!(Dialect::Spark.str_lit("a\u{1}b"), r"'a\u0001b'");
        assert_eq!(
            Dialect::DuckDb.ident("Job \"Title\""),
            "\"Job \"\"Title\"\"\""
        );
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(Dialect::DuckDb.table("crm.leads"), "\"crm\".\"leads\"");
        assert_eq!(Dialect::BigQuery.table("p.d.leads"), "`p.d.leads`");
    }

    #[test]
    fn products_that_underflow_are_found_exactly() {
        assert_eq!(largest_factor_giving_zero(1.0), 0.0);
        assert_eq!(largest_factor_giving_zero(0.6), 0.0);
        for constant in [0.5, 1e-10, 5e-324, -3e-300, 0.1] {
            let x = largest_factor_giving_zero(constant);
            assert!(x > 0.0, "{constant}");
            assert_eq!(constant * x, 0.0, "{constant}");
            assert_ne!(constant * x.next_up(), 0.0, "{constant}");
        }
    }

    #[test]
    fn numbers_are_written_so_that_they_read_back_exactly() {
        assert_eq!(Dialect::DuckDb.num(100.0), "CAST(100 AS DOUBLE)");
        assert_eq!(Dialect::DuckDb.num(-0.0), "CAST(0 AS DOUBLE)");
        let written = Dialect::Postgres.num(0.1 + 0.2);
        let inner = written
            .split('\'')
            .nth(1)
            .and_then(|t| t.parse::<f64>().ok());
        assert_eq!(inner, Some(0.1 + 0.2));
    }
}
