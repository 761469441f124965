//! Random valid models (tests/common/arb.rs) made realistic, and leads and events generated for
//! them: what tests/sql_engines.rs runs on real SQL engines. Cells come from the model's own
//! values (with other ASCII case, padding and words around them), placeholders, numbers around
//! the conditions' bounds, yes/no words, dates and timestamps whose UTC day differs from their
//! text, and empty cells; events fall inside and outside windows and after the as-of day.

use mql_studio::leads::normalize_name;
use mql_studio::model::{Condition, Criterion, FieldKind, Model};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::arb;

const HEADERS: [&str; 8] = [
    "Job Title",
    "Industry",
    "Employees",
    "Is Customer",
    "Created",
    "Country",
    "Revenue",
    "Notes",
];
const ACTIVITIES: [&str; 4] = ["pricing_view", "Webinar", "demo_request", "email click"];
pub const AS_OF: &str = "2026-06-15";
/// 2026-06-15 as a day number.
pub const AS_OF_DAY: i64 = 20619;

/// Every text of the model without U+0000, which SQL text does not carry (the compiler refuses
/// such a model; that is tested elsewhere).
fn without_nul(model: &Model) -> Model {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => *s = s.replace('\0', " "),
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value: serde_json::Value =
        serde_json::from_str(&mql_studio::format::model_to_json(model).unwrap()).unwrap();
    walk(&mut value);
    mql_studio::format::model_from_json(&value.to_string()).unwrap()
}

/// The model with its fields and activities renamed to realistic columns and activities (the
/// generator's names are arbitrary text), everything else as generated.
fn realistic(mut model: Model) -> Model {
    let mut fields: Vec<String> = Vec::new();
    let note = |name: &str, list: &mut Vec<String>| {
        if !list.iter().any(|n| n == name) {
            list.push(name.to_owned());
        }
    };
    for spec in &model.fields {
        note(&spec.name, &mut fields);
    }
    for rule in &model.fit.rules {
        note(&rule.field, &mut fields);
    }
    for rule in &model.overrides {
        for criterion in &rule.when {
            if let Criterion::Field { field, .. } = criterion {
                note(field, &mut fields);
            }
        }
    }
    let header = |name: &str| {
        let i = fields.iter().position(|f| f == name).unwrap();
        let base = HEADERS[i % HEADERS.len()];
        if i < HEADERS.len() {
            base.to_owned()
        } else {
            format!("{base} {}", i / HEADERS.len() + 1)
        }
    };
    for spec in &mut model.fields {
        spec.name = header(&spec.name);
        // An alias that names the id column would make ids numbers (refused, not scored).
        spec.aliases.retain(|a| {
            !["leadid", "id", "recordid", "contactid"].contains(&normalize_name(a).as_str())
        });
    }
    for rule in &mut model.fit.rules {
        rule.field = header(&rule.field);
    }
    let mut n = 0;
    let mut activity = |_: &str| {
        n += 1;
        ACTIVITIES[n % ACTIVITIES.len()].to_owned()
    };
    for rule in &mut model.engagement.rules {
        rule.activity = activity(&rule.activity);
        rule.count_column = rule
            .count_column
            .as_ref()
            .map(|_| format!("{} count", rule.activity));
    }
    for rule in &mut model.overrides {
        for criterion in &mut rule.when {
            match criterion {
                Criterion::Field { field, .. } => *field = header(field),
                Criterion::Activity {
                    activity: a,
                    count_column,
                    ..
                } => {
                    *a = activity(a);
                    *count_column = count_column.as_ref().map(|_| format!("{a} count"));
                }
            }
        }
    }
    model
}

fn pad(rng: &mut fastrand::Rng, text: &str) -> String {
    const PADS: [&str; 6] = ["", "", " ", "  ", "\u{a0}", "\u{3000}"];
    format!(
        "{}{text}{}",
        PADS[rng.usize(..PADS.len())],
        PADS[rng.usize(..PADS.len())]
    )
}

/// `text` with some ASCII letters in the other case (only ASCII: engines lower-case a few
/// non-ASCII letters differently, docs/sql.md).
fn recase(rng: &mut fastrand::Rng, text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() && rng.bool() {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// A number written in one of the ways a CRM export writes it.
fn number_text(rng: &mut fastrand::Rng, value: f64) -> String {
    match rng.u8(..4) {
        0 => format!("{value}"),
        1 => format!("{value:e}"),
        2 if value.fract() == 0.0 && value.abs() < 1e9 => format!("{value:.0}."),
        _ => format!("{value:?}"),
    }
}

fn date_text(rng: &mut fastrand::Rng, day: i64) -> String {
    let text = mql_studio::leads::format_day(day as i32);
    match rng.u8(..5) {
        0 => text,
        1 => text.replace('-', "/"),
        2 => format!("{text}T{:02}:{:02}:00Z", rng.u8(..24), rng.u8(..60)),
        // Offsets that move the UTC day.
        3 => format!("{text}T23:30:00-02:00"),
        _ => format!("{text} 00:30+14:00"),
    }
}

/// The values a field's conditions compare with, to draw cells from (so that rules fire).
fn needles(model: &Model, field: &str) -> (Vec<String>, Vec<f64>) {
    let mut texts = Vec::new();
    let mut numbers = Vec::new();
    let mut add = |condition: &Condition| match condition {
        Condition::Equals(v) => texts.push(v.clone()),
        Condition::OneOf(vs) | Condition::NotOneOf(vs) | Condition::ContainsAny(vs) => {
            texts.extend(vs.iter().cloned())
        }
        Condition::AtLeast(x) | Condition::AtMost(x) => numbers.push(*x),
        Condition::Between { min, max } => numbers.extend([*min, *max]),
        _ => {}
    };
    for rule in model.fit.rules.iter().filter(|r| r.field == field) {
        add(&rule.condition);
    }
    for rule in &model.overrides {
        for criterion in &rule.when {
            if let Criterion::Field {
                field: f,
                condition,
            } = criterion
                && f == field
            {
                add(condition);
            }
        }
    }
    texts.retain(|t| !t.contains(['\n', '\r']));
    (texts, numbers)
}

fn cell(
    rng: &mut fastrand::Rng,
    model: &Model,
    field: &str,
    kind: Option<FieldKind>,
    flavour: u8,
) -> String {
    if rng.u8(..8) == 0 {
        return if rng.bool() {
            String::new()
        } else {
            "  ".to_owned()
        };
    }
    let (texts, numbers) = needles(model, field);
    let number = |rng: &mut fastrand::Rng| {
        let base = if numbers.is_empty() || rng.bool() {
            [0.0, 1.0, 40.0, 250.0, -3.0, 0.5][rng.usize(..6)]
        } else {
            numbers[rng.usize(..numbers.len())]
        };
        let value = match rng.u8(..4) {
            0 => base,
            1 => base + 1.0,
            2 => base - 0.25,
            _ => (base * 1.5).round(),
        };
        number_text(rng, if value.is_finite() { value } else { base })
    };
    const BOOLS: [&str; 9] = ["true", "yes", "y", "1", "x", "false", "no", "n", "0"];
    let kind = kind.unwrap_or(match flavour {
        0 => FieldKind::Number,
        1 => FieldKind::Bool,
        2 => FieldKind::Date,
        _ => FieldKind::Text,
    });
    let value = match kind {
        FieldKind::Number => number(rng),
        // Undeclared yes/no columns hold only true/false/yes/no.
        FieldKind::Bool if flavour == 1 && !model.fields.iter().any(|s| s.name == field) => {
            ["true", "false", "yes", "no"][rng.usize(..4)].to_owned()
        }
        FieldKind::Bool => BOOLS[rng.usize(..BOOLS.len())].to_owned(),
        FieldKind::Date => {
            let age = rng.i64(-40..400);
            date_text(rng, AS_OF_DAY - age)
        }
        FieldKind::Text => match rng.u8(..7) {
            0 | 1 if !texts.is_empty() => {
                const AROUND: [&str; 7] = ["", "", "x", "-", "é", "1", "_"];
                let needle = texts[rng.usize(..texts.len())].trim().to_owned();
                let (a, b) = (
                    AROUND[rng.usize(..AROUND.len())],
                    AROUND[rng.usize(..AROUND.len())],
                );
                let sep = if rng.bool() { " " } else { "" };
                format!("{a}{sep}{}{sep}{b}", recase(rng, &needle))
            }
            2 if !model.missing_values.is_empty() => {
                let i = rng.usize(..model.missing_values.len());
                recase(rng, &model.missing_values[i])
            }
            3 => number(rng),
            4 => BOOLS[rng.usize(..BOOLS.len())].to_owned(),
            5 => {
                let age = rng.i64(0..100);
                date_text(rng, AS_OF_DAY - age)
            }
            _ => [
                "VP Sales",
                "vp-sales",
                "Marketing Intern",
                "ÉCOLE Müller",
                "Straße",
                "n/a",
                "Select",
                "1,200",
            ][rng.usize(..8)]
            .to_owned(),
        },
    };
    pad(rng, &value.replace(['\n', '\r', '\0'], " "))
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// A leads file (and an event log when `with_events`) for a model.
pub fn leads_for(
    model: &Model,
    rng: &mut fastrand::Rng,
    with_events: bool,
) -> (String, Option<String>) {
    let mut headers: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !headers
            .iter()
            .any(|h| normalize_name(h) == normalize_name(&name))
        {
            headers.push(name);
        }
    };
    for rule in &model.fit.rules {
        add(rule.field.clone());
    }
    for rule in &model.overrides {
        for criterion in &rule.when {
            match criterion {
                Criterion::Field { field, .. } => add(field.clone()),
                Criterion::Activity {
                    activity,
                    count_column,
                    ..
                } => add(count_column.clone().unwrap_or_else(|| activity.clone())),
            }
        }
    }
    for rule in &model.engagement.rules {
        add(rule.count_column_name().to_owned());
    }
    let counts: Vec<String> = model
        .engagement
        .rules
        .iter()
        .map(|r| normalize_name(r.count_column_name()))
        .collect();
    let kinds: Vec<(Option<FieldKind>, u8)> = headers
        .iter()
        .map(|h| {
            let declared = model
                .fields
                .iter()
                .find(|s| {
                    normalize_name(&s.name) == normalize_name(h)
                        || s.aliases
                            .iter()
                            .any(|a| normalize_name(a) == normalize_name(h))
                })
                .map(|s| s.kind);
            (declared, rng.u8(..5))
        })
        .collect();
    let leads = 40 + rng.usize(..40);
    let mut rows = vec![
        std::iter::once("Lead ID".to_owned())
            .chain(headers.iter().cloned())
            .collect::<Vec<_>>(),
    ];
    for i in 0..leads {
        let mut row = vec![format!("L{i}")];
        for (h, (kind, flavour)) in headers.iter().zip(&kinds) {
            let is_count = counts.contains(&normalize_name(h));
            row.push(if is_count && kind.is_none() {
                {
                    let i = rng.usize(..9);
                    pad(rng, ["0", "1", "3", "2.5", "-2", "", "abc", "1e3", "12"][i])
                }
            } else {
                cell(rng, model, h, *kind, *flavour)
            });
        }
        rows.push(row);
    }
    let events = with_events.then(|| {
        let mut activities: Vec<String> = model
            .engagement
            .rules
            .iter()
            .map(|r| r.activity.clone())
            .collect();
        activities.push("something_else".to_owned());
        let mut events = vec![vec![
            "Lead ID".to_owned(),
            "Activity".to_owned(),
            "Timestamp".to_owned(),
        ]];
        for i in 0..leads {
            for _ in 0..rng.usize(..7) {
                let which = rng.usize(..activities.len());
                let activity = recase(rng, &activities[which]);
                let age = rng.i64(-3..130);
                events.push(vec![
                    format!("L{i}"),
                    pad(rng, &activity),
                    date_text(rng, AS_OF_DAY - age),
                ]);
            }
        }
        events.push(vec![
            "NOBODY".to_owned(),
            activities[0].clone(),
            AS_OF.to_owned(),
        ]);
        csv_text(&events)
    });
    (csv_text(&rows), events)
}

pub fn random_models(count: usize, seed: u8) -> Vec<Model> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    (0..count)
        .map(|_| {
            realistic(without_nul(
                &arb::valid_model().new_tree(&mut runner).unwrap().current(),
            ))
        })
        .collect()
}
