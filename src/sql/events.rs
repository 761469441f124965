//! The effective count of an activity from the event table (§4.3): events of known leads, their
//! UTC day, their age on the as-of day, windows, and half-life decay added from the largest
//! weight to the smallest.

use super::cells::{DayParts, day_from, day_grammar};
use super::{AsOf, Dialect, SqlOptions};

/// One count the query needs from the event table: for an engagement rule (`half_life` may be
/// set) or an override's `Activity` criterion (never decayed).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Tally {
    /// The column name in `activity_counts`, e.g. `n3`.
    pub(super) alias: String,
    /// The activity as compared: trimmed, ASCII lower case.
    pub(super) activity: String,
    pub(super) window_days: Option<u32>,
    pub(super) half_life_days: Option<f64>,
}

/// The CTEs `events_in` (events of the leads in the table, with their day and age) and
/// `activity_counts` (one row per lead with an event, one column per tally).
pub(super) fn event_ctes(options: &SqlOptions, tallies: &[Tally]) -> Vec<(String, String, String)> {
    let d = options.dialect;
    let Some(table) = &options.events_table else {
        return Vec::new();
    };
    let columns = &options.event_columns;
    let lead = d.trim(&d.cast_text(&format!("e.{}", d.ident(&columns.lead_id))));
    let activity =
        d.lower_ascii(&d.trim(&d.cast_text(&format!("e.{}", d.ident(&columns.activity)))));
    let timestamp = d.trim(&d.cast_text(&format!("e.{}", d.ident(&columns.timestamp))));
    let mut ctes = Vec::new();

    // 1. The events of leads in the leads table; others are ignored (§3.6).
    ctes.push((
        "events_read".to_owned(),
        "The events of leads in the leads table (others are ignored, §3.6): lead id, activity \
         (trimmed, ASCII lower case) and timestamp"
            .to_owned(),
        format!(
            "SELECT {lead} AS lead_id, {activity} AS activity, {timestamp} AS event_time\n    \
             FROM {} e CROSS JOIN white_space ws\n    WHERE {lead} IN (SELECT lead_id FROM leads_read)",
            d.table(table)
        ),
    ));
    // The timestamp's parts are read once (a step of their own), then make the day.
    let parts = DayParts::of(d, "event_time");
    ctes.push((
        "event_times".to_owned(),
        "Each event's timestamp in parts, when it matches the grammar of dates and timestamps \
         (§3.5): year, month, day, whether the time is in range, and the day its offset moves"
            .to_owned(),
        format!(
            "SELECT lead_id, activity,\n        \
             CASE WHEN ok THEN {} END AS y,\n        \
             CASE WHEN ok THEN {} END AS m,\n        \
             CASE WHEN ok THEN {} END AS d,\n        \
             CASE WHEN ok THEN {} END AS time_ok,\n        \
             CASE WHEN ok THEN {} END AS shift\n    \
             FROM (SELECT events_read.*, {} AS ok FROM events_read) e",
            parts.year,
            parts.month,
            parts.day,
            parts.time_ok,
            parts.shift,
            day_grammar(d, "event_time")
        ),
    ));
    ctes.push((
        "events_in".to_owned(),
        "Each event's UTC day as a day number (§3.5); a timestamp that is not a date counts for \
         nothing"
            .to_owned(),
        format!(
            "SELECT lead_id, activity, {} AS event_day\n    FROM event_times",
            day_from(
                d,
                &DayParts {
                    year: "y".to_owned(),
                    month: "m".to_owned(),
                    day: "d".to_owned(),
                    time_ok: "time_ok".to_owned(),
                    shift: "shift".to_owned(),
                }
            )
        ),
    ));

    // 2. The as-of day (§3.5).
    let today = d.today_utc();
    let as_of_sql = match &options.as_of {
        AsOf::Day(day) => format!("SELECT {day} AS as_of_day"),
        AsOf::LatestEvent => format!(
            "SELECT COALESCE(MAX(CASE WHEN event_day <= {today} + 1 THEN event_day END), {today}) AS as_of_day\n    FROM events_in"
        ),
        AsOf::Column(_) => String::new(),
    };
    let (age_source, age) = if as_of_sql.is_empty() {
        (
            "events_in e JOIN leads_read l ON l.lead_id = e.lead_id".to_owned(),
            "l.as_of_day - e.event_day".to_owned(),
        )
    } else {
        ctes.push((
            "as_of".to_owned(),
            match options.as_of {
                AsOf::Day(_) => "The as-of day, given when the SQL was written".to_owned(),
                _ => "The as-of day: the latest event not later than tomorrow (UTC), else today"
                    .to_owned(),
            },
            as_of_sql,
        ));
        (
            "events_in e CROSS JOIN as_of a".to_owned(),
            "a.as_of_day - e.event_day".to_owned(),
        )
    };

    // 3. Each event's weight for each tally: 0 (NULL) outside the window or after the as-of
    // day, 0.5^(age / half-life) with a half-life, else 1.
    let zero = d.num(0.0);
    let weights: Vec<String> = tallies
        .iter()
        .map(|t| {
            let mut when = vec![
                format!("e.activity = {}", d.str_lit(&t.activity)),
                "age >= 0".to_owned(),
            ];
            if let Some(window) = t.window_days {
                when.push(format!("age < {window}"));
            }
            let weight = match t.half_life_days {
                // age / half-life would overflow, and any age but 0 weighs 0.
                Some(h) if h > 0.0 && h < 1e-300 => {
                    format!("CASE WHEN age = 0 THEN {} ELSE {zero} END", d.num(1.0))
                }
                // 0.5^x is 0 from x = 1075 on (PostgreSQL reports that underflow as an error).
                Some(h) if h > 0.0 => format!(
                    "CASE WHEN {x} >= {limit} THEN {zero} ELSE POWER({half}, {x}) END",
                    x = format!("{} / {}", d.cast_double("age"), d.num(h)),
                    limit = d.num(1075.0),
                    half = d.num(0.5),
                ),
                _ => d.num(1.0),
            };
            format!(
                "CASE WHEN {} THEN {weight} END AS w_{}",
                when.join(" AND "),
                t.alias
            )
        })
        .collect();
    let mut weight_columns = weights.join(",\n        ");
    if weight_columns.is_empty() {
        weight_columns = format!("{zero} AS w_none");
    }
    ctes.push((
        "event_weights".to_owned(),
        "Each event's weight for each count the model needs (NULL: it does not count)".to_owned(),
        format!(
            "SELECT lead_id, age,\n        {weight_columns}\n    FROM (SELECT e.lead_id, e.activity, {age} AS age FROM {age_source}) e"
        ),
    ));

    // 4. The sums. Weights of 1 add up exactly in any order; decayed weights are added from the
    // largest to the smallest, one at a time (§4.3).
    let decayed: Vec<&Tally> = tallies
        .iter()
        .filter(|t| t.half_life_days.is_some_and(|h| h > 0.0))
        .collect();
    let running_sums = matches!(
        d,
        Dialect::Postgres | Dialect::BigQuery | Dialect::Snowflake
    ) && !decayed.is_empty();
    let source = if running_sums {
        let sums: Vec<String> = decayed
            .iter()
            .map(|t| {
                format!(
                    "SUM(w_{a}) OVER (PARTITION BY lead_id ORDER BY w_{a} DESC NULLS LAST \
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_{a}",
                    a = t.alias
                )
            })
            .collect();
        ctes.push((
            "event_running_sums".to_owned(),
            "Decayed weights added one at a time from the largest to the smallest: a running \
             sum in that order"
                .to_owned(),
            format!(
                "SELECT event_weights.*,\n        {}\n    FROM event_weights",
                sums.join(",\n        ")
            ),
        ));
        "event_running_sums"
    } else {
        "event_weights"
    };
    let counts: Vec<String> = tallies
        .iter()
        .map(|t| {
            let a = &t.alias;
            let sum = if !t.half_life_days.is_some_and(|h| h > 0.0) {
                d.cast_double(&format!("COUNT(w_{a})"))
            } else {
                match d {
                    Dialect::DuckDb => format!(
                        "list_reduce(list(w_{a} ORDER BY w_{a} DESC) FILTER (WHERE w_{a} IS NOT NULL), lambda acc, x: acc + x)"
                    ),
                    Dialect::Spark => format!(
                        "aggregate(sort_array(collect_list(w_{a}), false), {zero}, (acc, x) -> acc + x)"
                    ),
                    // The running sums only grow (weights are positive): the largest is the
                    // total.
                    Dialect::Postgres | Dialect::BigQuery | Dialect::Snowflake => {
                        format!("MAX(run_{a})")
                    }
                }
            };
            format!("COALESCE({sum}, {zero}) AS {a}")
        })
        .collect();
    let mut count_columns = counts.join(",\n        ");
    if count_columns.is_empty() {
        count_columns = format!("{zero} AS n_none");
    }
    ctes.push((
        "activity_counts".to_owned(),
        "The effective count of each activity the model reads, per lead (§4.3)".to_owned(),
        format!(
            "SELECT lead_id,\n        {count_columns}\n    FROM {source}\n    GROUP BY lead_id"
        ),
    ));
    ctes
}
