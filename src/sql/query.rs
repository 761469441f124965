//! The query, step by step (one CTE per step of §4): read the leads, type their columns, count
//! activities, decide each rule, add up, cap and round, mix, and name the status and grade.

use super::cells::{self, Cell};
use super::columns::{Columns, Kind, Resolver, check_id_kind};
use super::events::{Tally, event_ctes};
use super::{AsOf, Output, SqlError, SqlOptions};
use crate::model::{Band, Counting, Criterion, Model, OverrideAction};
use crate::scoring::UNCAPPED_RULE_POINTS;

/// The steps computed once where the dialect can say so (`AS MATERIALIZED`).
const MATERIALIZED: [&str; 8] = [
    "leads_read",
    "events_read",
    "event_times",
    "events_in",
    "rule_results",
    "raw_sums",
    "subscores",
    "total",
];

/// A step of the query: its name, what it does (a comment) and its SELECT.
type Cte = (String, String, String);

/// A count column's or a condition's input: a column alias, or nothing (no such column).
struct Compiler<'a> {
    model: &'a Model,
    options: &'a SqlOptions,
    resolver: Resolver<'a>,
    columns: Columns,
    missing: Vec<String>,
    tallies: Vec<Tally>,
}

pub(super) fn build(model: &Model, options: &SqlOptions, header: &str) -> Result<String, SqlError> {
    let mut missing: Vec<String> = model
        .missing_values
        .iter()
        .map(|m| m.trim().to_lowercase())
        .filter(|m| !m.is_empty())
        .collect();
    missing.sort();
    missing.dedup();
    let mut compiler = Compiler {
        model,
        options,
        resolver: Resolver::new(model, options),
        columns: Columns::default(),
        missing,
        tallies: Vec::new(),
    };
    compiler.query(header)
}

impl Compiler<'_> {
    fn query(&mut self, header: &str) -> Result<String, SqlError> {
        let d = self.options.dialect;
        let id_column = self.resolver.id()?;
        check_id_kind(self.model, d, &id_column)?;

        // Decide every rule first: that finds the columns and counts the query reads.
        let rules = self.rule_columns()?;

        let mut ctes: Vec<Cte> = vec![(
            "white_space".to_owned(),
            "The 25 characters Unicode calls White_Space, which are trimmed from every cell (§3.1)"
                .to_owned(),
            format!("SELECT {} AS chars", d.white_space_set()),
        )];
        let leads_table = if self.options.leads_table.trim().is_empty() {
            "leads"
        } else {
            self.options.leads_table.as_str()
        };
        let mut read = vec![format!(
            "{} AS lead_id",
            d.trim(&d.cast_text(&format!("t.{}", d.ident(&id_column))))
        )];
        for (i, column) in self.columns.list.iter().enumerate() {
            read.push(format!(
                "-- {}\n        NULLIF({}, '') AS c{}",
                comment_text(&column.name),
                d.trim(&d.cast_text(&format!("t.{}", d.ident(&column.name)))),
                i + 1,
            ));
        }
        if let AsOf::Column(column) = &self.options.as_of {
            read.push(format!(
                "{} AS as_of_day",
                cells::day(d, &d.trim(&d.cast_text(&format!("t.{}", d.ident(column)))))
            ));
        }
        ctes.push((
            "leads_read".to_owned(),
            "The leads: the id and each column the model reads, trimmed (§3.1); an empty cell is \
             missing"
                .to_owned(),
            format!(
                "SELECT\n        {}\n    FROM {} t CROSS JOIN white_space ws",
                read.join(",\n        "),
                d.table(leads_table)
            ),
        ));

        let inferred: Vec<String> = self
            .columns
            .list
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Inferred)
            .map(|(i, c)| {
                format!(
                    "-- {}\n        {} AS k{}",
                    comment_text(&c.name),
                    cells::inferred_kind(d, &format!("c{}", i + 1)),
                    i + 1,
                )
            })
            .collect();
        let kinds_join = if inferred.is_empty() {
            ""
        } else {
            ctes.push((
                "column_kinds".to_owned(),
                "The type of each column the model does not declare, from its values as the CLI \
                 decides it (§3.3): all numbers, else all true/false/yes/no, else all dates, \
                 else text"
                    .to_owned(),
                format!(
                    "SELECT\n        {}\n    FROM leads_read",
                    inferred.join(",\n        ")
                ),
            ));
            " CROSS JOIN column_kinds k"
        };

        let events = event_ctes(self.options, &self.tallies);
        let counts_join = if events.is_empty() {
            ""
        } else {
            " LEFT JOIN activity_counts a ON a.lead_id = l.lead_id"
        };
        ctes.extend(events);

        ctes.push((
            "rule_results".to_owned(),
            "Each rule for each lead: whether a fit rule or an override holds (§4.1, §4.7), an \
             activity's count and an engagement rule's points after its cap (§4.3, §4.4)"
                .to_owned(),
            format!(
                "SELECT\n        {}\n    FROM leads_read l{kinds_join}{counts_join}",
                std::iter::once("l.lead_id".to_owned())
                    .chain(rules.select.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(",\n        ")
            ),
        ));
        let mut points = vec!["rule_results.*".to_owned()];
        points.extend(rules.points.iter().cloned());
        ctes.push((
            "rule_points".to_owned(),
            "Each engagement rule's points from its count: counting mode, then the rule's cap \
             (§4.4)"
                .to_owned(),
            format!(
                "SELECT\n        {}\n    FROM rule_results",
                points.join(",\n        ")
            ),
        ));
        ctes.extend(self.totals(&rules));

        let select =
            "SELECT lead_id AS id, fit, engagement, score, status, grade, fired_rules\nFROM scored";
        let body = ctes
            .iter()
            .map(|(name, about, sql)| {
                // Each step reads the one before it several times (a value and its rounding,
                // a score and the status). Inlined, the expressions would be copied into one
                // another at every step: in PostgreSQL until "regular expression is too complex"
                // and tens of gigabytes at a million leads. Where the engine has the keyword,
                // the heavy steps are computed once.
                let materialized = matches!(d, super::Dialect::Postgres | super::Dialect::DuckDb)
                    && MATERIALIZED.contains(&name.as_str());
                format!(
                    "-- {}\n{name} AS {}(\n    {sql}\n)",
                    comment_text(about),
                    if materialized { "MATERIALIZED " } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(",\n");
        let query = format!("WITH\n{body}\n{select}");
        let statement = match &self.options.output {
            Output::Query => query,
            Output::View(name) => format!("CREATE OR REPLACE VIEW {} AS\n{query}", d.table(name)),
            // PostgreSQL has no CREATE OR REPLACE TABLE, and Spark has it only for v2 (Delta)
            // tables: those get the table dropped first, in a second statement.
            Output::Table(name) => match d {
                super::Dialect::Postgres | super::Dialect::Spark => format!(
                    "DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} AS\n{query}",
                    name = d.table(name)
                ),
                _ => format!("CREATE OR REPLACE TABLE {} AS\n{query}", d.table(name)),
            },
        };
        Ok(format!("{header}{statement}\n"))
    }

    /// The alias of a field's column, or `None` when the table has none.
    fn field_column(&mut self, field: &str) -> Option<String> {
        let column = self.resolver.field(field)?;
        Some(self.columns.alias(self.model, &column))
    }

    /// A condition on a field, as SQL (TRUE/FALSE).
    fn condition(
        &mut self,
        field: &str,
        condition: &crate::model::Condition,
        rule: &str,
    ) -> Result<String, SqlError> {
        let Some(alias) = self.field_column(field) else {
            return Ok(if matches!(condition, crate::model::Condition::IsMissing) {
                "TRUE".to_owned()
            } else {
                "FALSE".to_owned()
            });
        };
        let kind = self.columns.kind_of_alias(&alias).unwrap_or(Kind::Inferred);
        let cell_ref = format!("l.{alias}");
        let kind_ref = format!("k.k{}", alias.trim_start_matches('c'));
        let cell = Cell {
            dialect: self.options.dialect,
            cell: &cell_ref,
            kind,
            kind_column: &kind_ref,
            missing: &self.missing,
        };
        cell.holds(condition, rule)
    }

    /// An activity's effective count for a lead (a column expression of `rule_results`).
    fn activity_count(
        &mut self,
        activity: &str,
        count_column: &str,
        window_days: Option<u32>,
        half_life_days: Option<f64>,
    ) -> String {
        let d = self.options.dialect;
        if self.options.events_table.is_some() {
            let tally = Tally {
                alias: String::new(),
                activity: activity.trim().to_ascii_lowercase(),
                window_days,
                half_life_days: half_life_days.filter(|h| *h > 0.0),
            };
            let existing = self.tallies.iter().find(|t| {
                t.activity == tally.activity
                    && t.window_days == tally.window_days
                    && t.half_life_days == tally.half_life_days
            });
            let alias = match existing {
                Some(t) => t.alias.clone(),
                None => {
                    let alias = format!("n{}", self.tallies.len() + 1);
                    self.tallies.push(Tally {
                        alias: alias.clone(),
                        ..tally
                    });
                    alias
                }
            };
            return format!("COALESCE(a.{alias}, {})", d.num(0.0));
        }
        let Some(column) = self.resolver.count_column(count_column) else {
            return d.num(0.0);
        };
        let alias = self.columns.alias(self.model, &column);
        let kind = self.columns.kind_of_alias(&alias).unwrap_or(Kind::Inferred);
        cells::count(
            d,
            &format!("l.{alias}"),
            kind,
            &format!("k.k{}", alias.trim_start_matches('c')),
        )
    }

    /// The columns of `rule_results`, and what the totals need to know about them.
    fn rule_columns(&mut self) -> Result<Rules, SqlError> {
        let d = self.options.dialect;
        let mut rules = Rules::default();
        for (i, rule) in self.model.fit.rules.iter().enumerate() {
            if !rule.enabled {
                continue;
            }
            let test = self.condition(&rule.field, &rule.condition, &rule.id)?;
            let alias = format!("fit_{}", i + 1);
            rules.select.push(format!(
                "-- {}\n        {test} AS {alias}",
                rule_comment(&rule.id, &rule.label, &rule.rationale)
            ));
            rules.fit.push((alias, rule.points, rule.id.clone()));
        }
        for (i, rule) in self.model.engagement.rules.iter().enumerate() {
            if !rule.enabled {
                continue;
            }
            let count = self.activity_count(
                &rule.activity,
                rule.count_column_name(),
                rule.window_days,
                rule.half_life_days,
            );
            let count_alias = format!("count_{}", i + 1);
            let points_alias = format!("eng_{}", i + 1);
            rules.select.push(format!(
                "-- {}\n        {count} AS {count_alias}",
                rule_comment(&rule.id, &rule.label, &rule.rationale)
            ));
            rules.points.push(format!(
                "-- {}\n        {} AS {points_alias}",
                comment_text(&rule.id),
                engagement_points(d, rule, &count_alias)
            ));
            rules
                .engagement
                .push((count_alias, points_alias, rule.id.clone()));
        }
        for (i, rule) in self.model.overrides.iter().enumerate() {
            if !rule.enabled || rule.when.is_empty() {
                continue;
            }
            let mut tests = Vec::new();
            for criterion in &rule.when {
                tests.push(match criterion {
                    Criterion::Field { field, condition } => {
                        self.condition(field, condition, &rule.id)?
                    }
                    Criterion::Activity {
                        activity,
                        count_column,
                        at_least,
                        window_days,
                    } => {
                        let count = self.activity_count(
                            activity,
                            count_column.as_deref().unwrap_or(activity),
                            *window_days,
                            None,
                        );
                        format!("{count} >= {}", d.num(f64::from(*at_least)))
                    }
                });
            }
            let alias = format!("override_{}", i + 1);
            rules.select.push(format!(
                "-- {}\n        ({}) AS {alias}",
                rule_comment(&rule.id, &rule.label, &rule.rationale),
                tests.join("\n            AND "),
            ));
            rules.overrides.push((alias, rule.action, rule.id.clone()));
        }
        Ok(rules)
    }

    /// Sums, caps, rounding, the mix, status, grade and fired rules (§4.2 to §4.9).
    fn totals(&self, rules: &Rules) -> Vec<Cte> {
        let d = self.options.dialect;
        let m = self.model;
        let zero = d.num(0.0);
        let mut fit_raw = vec![zero.clone()];
        for (alias, points, _) in &rules.fit {
            fit_raw.push(format!(
                "CASE WHEN {alias} THEN {} ELSE {zero} END",
                d.num(*points)
            ));
        }
        let mut engagement_raw = vec![zero.clone()];
        engagement_raw.extend(rules.engagement.iter().map(|(_, points, _)| points.clone()));
        let mut fired = Vec::new();
        for (alias, points, id) in &rules.fit {
            if *points != 0.0 {
                fired.push(format!("CASE WHEN {alias} THEN {} END", d.str_lit(id)));
            }
        }
        for (count, points, id) in &rules.engagement {
            fired.push(format!(
                "CASE WHEN {count} <> {zero} AND {points} <> {zero} THEN {} END",
                d.str_lit(id)
            ));
        }
        for (alias, _, id) in &rules.overrides {
            fired.push(format!("CASE WHEN {alias} THEN {} END", d.str_lit(id)));
        }
        let any = |action: OverrideAction| {
            let list: Vec<&str> = rules
                .overrides
                .iter()
                .filter(|(_, a, _)| *a == action)
                .map(|(alias, _, _)| alias.as_str())
                .collect();
            if list.is_empty() {
                "FALSE".to_owned()
            } else {
                list.join(" OR ")
            }
        };
        let hundred = d.num(100.0);
        let clamp_times_100 = |raw: &str, max: f64| {
            format!(
                "CASE WHEN {raw} < {zero} THEN {zero} WHEN {raw} > {max} THEN {max} ELSE {raw} END * {hundred}",
                max = d.num(max)
            )
        };
        // round(x) with halves away from zero, for x ≥ 0: floor, plus 1 from a half up.
        let round_half_up = |x: &str| {
            format!(
                "({floor} + CASE WHEN {x} - {floor} >= {half} THEN {one} ELSE {zero} END) / {hundred}",
                floor = d.cast_double(&format!("FLOOR({x})")),
                half = d.num(0.5),
                one = d.num(1.0),
            )
        };
        let c = &m.combine;
        let mut gates = Vec::new();
        if let Some(min_fit) = c.min_fit {
            gates.push(format!("fit >= {}", d.num(min_fit)));
        }
        if let Some(min_engagement) = c.min_engagement {
            gates.push(format!("engagement >= {}", d.num(min_engagement)));
        }
        let gates = if gates.is_empty() {
            "TRUE".to_owned()
        } else {
            gates.join(" AND ")
        };
        let threshold = d.num(c.mql_threshold);
        let nurture_from = d.num(c.mql_threshold - c.nurture_band);
        let band = |value: &str, bands: &[Band]| {
            let last = bands.last().map_or(String::new(), |b| b.label.clone());
            let whens: Vec<String> = bands
                .iter()
                .map(|b| {
                    format!(
                        "WHEN {value} >= {} THEN {}",
                        d.num(b.min_points),
                        d.str_lit(&b.label)
                    )
                })
                .collect();
            if whens.is_empty() {
                d.str_lit(&last)
            } else {
                format!("CASE {} ELSE {} END", whens.join(" "), d.str_lit(&last))
            }
        };
        vec![
            (
                "raw_sums".to_owned(),
                "The raw sub-scores: fit points of the rules that hold, engagement points, in \
                 model order (§4.2, §4.4); which overrides fired; the fired rule ids"
                    .to_owned(),
                format!(
                    "SELECT lead_id,\n        {} AS fit_raw,\n        {} AS engagement_raw,\n        \
                     ({}) AS disqualified,\n        ({}) AS fast_tracked,\n        {} AS fired_rules\n    FROM rule_points",
                    fit_raw.join("\n            + "),
                    engagement_raw.join("\n            + "),
                    any(OverrideAction::Disqualify),
                    any(OverrideAction::FastTrack),
                    d.join_ids(&fired)
                ),
            ),
            (
                "capped".to_owned(),
                "Sub-scores clamped to [0, cap], in hundredths before rounding (§4.5)".to_owned(),
                format!(
                    "SELECT raw_sums.*,\n        {} AS fit_hundredths,\n        {} AS engagement_hundredths\n    FROM raw_sums",
                    clamp_times_100("fit_raw", m.fit.max_points),
                    clamp_times_100("engagement_raw", m.engagement.max_points)
                ),
            ),
            (
                "subscores".to_owned(),
                "round2: the nearest hundredth, halves away from zero (§4.6)".to_owned(),
                format!(
                    "SELECT capped.*,\n        {} AS fit,\n        {} AS engagement\n    FROM capped",
                    round_half_up("fit_hundredths"),
                    round_half_up("engagement_hundredths")
                ),
            ),
            (
                "mixed".to_owned(),
                "The total before rounding, in exactly this order: the divisions, the products, \
                 the sum, times the scale (§4.6)"
                    .to_owned(),
                format!(
                    "SELECT subscores.*,\n        {} * {hundred} AS score_hundredths\n    FROM subscores",
                    d.times(
                        c.scale,
                        &format!(
                            "({} + {})",
                            d.times(
                                c.fit_weight,
                                &format!("(fit / {})", d.num(m.fit.max_points))
                            ),
                            d.times(
                                c.engagement_weight,
                                &format!("(engagement / {})", d.num(m.engagement.max_points))
                            )
                        )
                    ),
                ),
            ),
            (
                "total".to_owned(),
                "The total, rounded (§4.6)".to_owned(),
                format!(
                    "SELECT mixed.*,\n        {} AS score\n    FROM mixed",
                    round_half_up("score_hundredths")
                ),
            ),
            (
                "scored".to_owned(),
                "The status (§4.8: overrides first, then the threshold with the gates, then the \
                 nurture band) and the grade (§4.9)"
                    .to_owned(),
                format!(
                    "SELECT total.*,\n        CASE WHEN disqualified THEN 'disqualified'\n             \
                     WHEN fast_tracked THEN 'mql_fast_track'\n             \
                     WHEN score >= {threshold} AND {gates} THEN 'mql'\n             \
                     WHEN score >= {nurture_from} THEN 'nurture'\n             \
                     ELSE 'lead' END AS status,\n        {fit_band} || {engagement_band} AS grade\n    FROM total",
                    fit_band = band("fit", &m.fit_grades),
                    engagement_band = band("engagement", &m.engagement_levels),
                ),
            ),
        ]
    }
}

/// What `rule_results` holds, for the totals.
#[derive(Default)]
struct Rules {
    select: Vec<String>,
    /// The engagement rules' points, from their counts.
    points: Vec<String>,
    /// `(alias, points, id)` of each enabled fit rule.
    fit: Vec<(String, f64, String)>,
    /// `(count alias, points alias, id)` of each enabled engagement rule.
    engagement: Vec<(String, String, String)>,
    /// `(alias, action, id)` of each enabled override with criteria.
    overrides: Vec<(String, OverrideAction, String)>,
}

/// An engagement rule's points for a count (§4.4): counting mode, then the rule's cap.
fn engagement_points(
    d: super::Dialect,
    rule: &crate::model::EngagementRule,
    count: &str,
) -> String {
    let zero = d.num(0.0);
    let points = rule.points;
    let high = match rule.cap {
        Some(cap) if cap > 0.0 => cap,
        _ => UNCAPPED_RULE_POINTS,
    };
    let raw = match rule.counting {
        Counting::PerOccurrence => d.times(points, count),
        Counting::Once => d.times(
            points,
            &format!(
                "CASE WHEN {count} < {one} THEN {count} ELSE {one} END",
                one = d.num(1.0)
            ),
        ),
        Counting::AtLeast(n) => format!(
            "CASE WHEN {count} >= {} THEN {} ELSE {zero} END",
            d.num(f64::from(n)),
            d.num(points)
        ),
    };
    let clamped = format!(
        "CASE WHEN {raw} < {low} THEN {low} WHEN {raw} > {high} THEN {high} ELSE {raw} END",
        low = d.num(-high),
        high = d.num(high)
    );
    // A count column may hold up to 1.8e308; points × count would overflow, which some engines
    // report as an error. Such a count reaches the rule's cap whatever the points (as long as
    // they are not tiny), so it is decided before multiplying.
    if matches!(rule.counting, Counting::PerOccurrence) && points.abs() >= 1e-287 {
        // |points| × 1e300 ≥ 1e13, beyond any cap (at most 1e12).
        let capped = if points > 0.0 { high } else { -high };
        format!(
            "CASE WHEN {count} > {} THEN {} ELSE {clamped} END",
            d.num(1e300),
            d.num(capped)
        )
    } else {
        clamped
    }
}

/// A rule's comment: its id, label and rationale on one line.
fn rule_comment(id: &str, label: &str, rationale: &str) -> String {
    let mut text = id.to_owned();
    if !label.trim().is_empty() {
        text.push_str(&format!(": {}", label.trim()));
    }
    if !rationale.trim().is_empty() {
        text.push_str(&format!(" (why: {})", rationale.trim()));
    }
    comment_text(&text)
}

/// Text safe in a `--` comment: one line, no control characters.
pub(super) fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}
