//! Random models for property tests: [`model`], any model the format can hold (numbers finite,
//! everything else arbitrary: most are invalid), and [`valid_model`], models that pass validation
//! (`mql_studio::validate`), with the same arbitrary texts.

use mql_studio::model::{
    Band, ChangelogEntry, Combine, Condition, Counting, Criterion, EngagementRule,
    EngagementSection, FieldKind, FieldSpec, FitRule, FitSection, Model, ModelStatus, Override,
    OverrideAction, SignOff, Team,
};
use proptest::prelude::*;

pub fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..1e6f64,
        Just(0.0),
        Just(-0.0),
        proptest::num::f64::NORMAL,
        proptest::num::f64::SUBNORMAL,
    ]
}

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _-]{0,12}",
        any::<String>(),
        Just("quote \" backslash \\ newline \n tab \t".to_owned()),
        Just("Müller & Söhne – 東京 🚀".to_owned()),
    ]
}

pub fn team() -> impl Strategy<Value = Option<Team>> {
    proptest::option::of(prop_oneof![Just(Team::Marketing), Just(Team::Sales)])
}

pub fn condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        text().prop_map(Condition::Equals),
        proptest::collection::vec(text(), 0..4).prop_map(Condition::OneOf),
        proptest::collection::vec(text(), 0..4).prop_map(Condition::NotOneOf),
        finite().prop_map(Condition::AtLeast),
        finite().prop_map(Condition::AtMost),
        (finite(), finite()).prop_map(|(min, max)| Condition::Between { min, max }),
        proptest::collection::vec(text(), 0..4).prop_map(Condition::ContainsAny),
        Just(Condition::IsTrue),
        Just(Condition::IsFalse),
        Just(Condition::IsMissing),
    ]
}

pub fn fit_rule() -> impl Strategy<Value = FitRule> {
    (
        text(),
        text(),
        text(),
        condition(),
        finite(),
        any::<bool>(),
        team(),
        text(),
    )
        .prop_map(
            |(id, label, field, condition, points, enabled, proposed_by, rationale)| FitRule {
                id,
                label,
                field,
                condition,
                points,
                enabled,
                proposed_by,
                rationale,
            },
        )
}

pub fn engagement_rule() -> impl Strategy<Value = EngagementRule> {
    (
        (text(), text(), text(), proptest::option::of(text())),
        prop_oneof![
            Just(Counting::PerOccurrence),
            Just(Counting::Once),
            any::<u32>().prop_map(Counting::AtLeast),
        ],
        (
            finite(),
            proptest::option::of(finite()),
            proptest::option::of(any::<u32>()),
            proptest::option::of(finite()),
        ),
        (any::<bool>(), team(), text()),
    )
        .prop_map(
            |(
                (id, label, activity, count_column),
                counting,
                (points, cap, window_days, half_life_days),
                (enabled, proposed_by, rationale),
            )| EngagementRule {
                id,
                label,
                activity,
                count_column,
                counting,
                points,
                cap,
                window_days,
                half_life_days,
                enabled,
                proposed_by,
                rationale,
            },
        )
}

pub fn criterion() -> impl Strategy<Value = Criterion> {
    prop_oneof![
        (text(), condition()).prop_map(|(field, condition)| Criterion::Field { field, condition }),
        (
            text(),
            proptest::option::of(text()),
            any::<u32>(),
            proptest::option::of(any::<u32>())
        )
            .prop_map(|(activity, count_column, at_least, window_days)| {
                Criterion::Activity {
                    activity,
                    count_column,
                    at_least,
                    window_days,
                }
            }),
    ]
}

pub fn override_rule() -> impl Strategy<Value = Override> {
    (
        text(),
        text(),
        prop_oneof![
            Just(OverrideAction::Disqualify),
            Just(OverrideAction::FastTrack)
        ],
        proptest::collection::vec(criterion(), 0..3),
        any::<bool>(),
        team(),
        text(),
    )
        .prop_map(
            |(id, label, action, when, enabled, proposed_by, rationale)| Override {
                id,
                label,
                action,
                when,
                enabled,
                proposed_by,
                rationale,
            },
        )
}

pub fn band() -> impl Strategy<Value = Band> {
    (text(), finite()).prop_map(|(label, min_points)| Band { label, min_points })
}

pub fn model() -> impl Strategy<Value = Model> {
    let head = (
        text(),
        text(),
        proptest::collection::vec(text(), 0..3),
        prop_oneof![
            Just(ModelStatus::Draft),
            Just(ModelStatus::Proposed),
            Just(ModelStatus::Agreed)
        ],
        proptest::collection::vec(
            (
                prop_oneof![Just(Team::Marketing), Just(Team::Sales)],
                text(),
                text(),
                text(),
            )
                .prop_map(|(team, person, date, comment)| SignOff {
                    team,
                    person,
                    date,
                    comment,
                }),
            0..3,
        ),
        proptest::collection::vec(
            (
                text(),
                prop_oneof![
                    Just(FieldKind::Text),
                    Just(FieldKind::Number),
                    Just(FieldKind::Bool),
                    Just(FieldKind::Date)
                ],
                proptest::collection::vec(text(), 0..3),
            )
                .prop_map(|(name, kind, aliases)| FieldSpec {
                    name,
                    kind,
                    aliases,
                }),
            0..3,
        ),
        // Any list, the empty one (the feature off) included.
        proptest::collection::vec(text(), 0..4),
    );
    let rules = (
        finite(),
        proptest::collection::vec(fit_rule(), 0..4),
        finite(),
        proptest::collection::vec(engagement_rule(), 0..4),
        proptest::collection::vec(override_rule(), 0..3),
    );
    let tail = (
        (
            finite(),
            finite(),
            finite(),
            finite(),
            finite(),
            proptest::option::of(finite()),
            proptest::option::of(finite()),
        ),
        // An empty list means "the default bands", so a round trip starts from at least one band.
        proptest::collection::vec(band(), 1..5),
        proptest::collection::vec(band(), 1..5),
        proptest::collection::vec(
            (text(), team(), text()).prop_map(|(date, team, summary)| ChangelogEntry {
                date,
                team,
                summary,
            }),
            0..3,
        ),
    );
    (head, rules, tail).prop_map(
        |(
            (name, description, owners, status, sign_offs, fields, missing_values),
            (fit_max, fit_rules, engagement_max, engagement_rules, overrides),
            (
                (
                    scale,
                    fit_weight,
                    engagement_weight,
                    mql_threshold,
                    nurture_band,
                    min_fit,
                    min_engagement,
                ),
                fit_grades,
                engagement_levels,
                changelog,
            ),
        )| Model {
            format_version: "1.0".to_owned(),
            name,
            description,
            owners,
            status,
            sign_offs,
            fields,
            missing_values,
            fit: FitSection {
                max_points: fit_max,
                rules: fit_rules,
            },
            engagement: EngagementSection {
                max_points: engagement_max,
                rules: engagement_rules,
            },
            overrides,
            combine: Combine {
                scale,
                fit_weight,
                engagement_weight,
                mql_threshold,
                nurture_band,
                min_fit,
                min_engagement,
            },
            fit_grades,
            engagement_levels,
            changelog,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Valid models: every number within validation's bounds (the bounds themselves included), every
// id and name non-blank and unique, every list of values with a value; texts as arbitrary as
// above.

const MAX: f64 = mql_studio::validate::MAX_POINTS;

/// Text that is not blank for Rust's `trim`, with white space around and odd characters (a
/// byte-order mark is not white space; U+0085 and U+3000 are).
pub fn non_blank() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_filter("not blank", |t| !t.trim().is_empty()),
        Just("\u{feff}".to_owned()),
        Just("\u{85}\u{a0} x \u{3000}".to_owned()),
        Just("\u{1b}[31m".to_owned()),
    ]
}

/// Points, either sign, at most [`MAX`] in size.
fn points() -> impl Strategy<Value = f64> {
    prop_oneof![
        -MAX..=MAX,
        Just(0.0),
        Just(-0.0),
        Just(MAX),
        Just(-MAX),
        Just(5e-324),
        Just(0.1),
    ]
}

/// A cap (or the scale): above 0, at most [`MAX`].
fn cap() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0.0..=MAX).prop_filter("above 0", |v| *v > 0.0),
        Just(MAX),
        Just(5e-324),
        Just(100.0),
    ]
}

/// A share from 0 to 1, both included.
fn share() -> impl Strategy<Value = f64> {
    prop_oneof![0.0..=1.0f64, Just(0.0), Just(1.0)]
}

/// A whole number from 1 (a `u32`).
fn from_one() -> impl Strategy<Value = u32> {
    prop_oneof![1..=u32::MAX, Just(1), Just(u32::MAX)]
}

/// A list of texts with at least one that is not blank.
fn values() -> impl Strategy<Value = Vec<String>> {
    (
        proptest::collection::vec(text(), 0..3),
        non_blank(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut values, value, at)| {
            values.insert(at.index(values.len() + 1), value);
            values
        })
}

fn valid_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        non_blank().prop_map(Condition::Equals),
        values().prop_map(Condition::OneOf),
        values().prop_map(Condition::NotOneOf),
        finite().prop_map(Condition::AtLeast),
        finite().prop_map(Condition::AtMost),
        (finite(), finite()).prop_map(|(a, b)| Condition::Between {
            min: a.min(b),
            max: a.max(b),
        }),
        values().prop_map(Condition::ContainsAny),
        Just(Condition::IsTrue),
        Just(Condition::IsFalse),
        Just(Condition::IsMissing),
    ]
}

fn valid_fit_rule() -> impl Strategy<Value = FitRule> {
    (
        (non_blank(), text(), non_blank(), valid_condition()),
        (points(), any::<bool>(), team(), text()),
    )
        .prop_map(
            |((id, label, field, condition), (points, enabled, proposed_by, rationale))| FitRule {
                id,
                label,
                field,
                condition,
                points,
                enabled,
                proposed_by,
                rationale,
            },
        )
}

fn valid_engagement_rule() -> impl Strategy<Value = EngagementRule> {
    (
        (
            non_blank(),
            text(),
            non_blank(),
            proptest::option::of(text()),
        ),
        prop_oneof![
            Just(Counting::PerOccurrence),
            Just(Counting::Once),
            from_one().prop_map(Counting::AtLeast),
        ],
        (
            points(),
            proptest::option::of(cap()),
            proptest::option::of(from_one()),
            proptest::option::of(prop_oneof![
                (0.0..1e6f64).prop_filter("above 0", |v| *v > 0.0),
                Just(5e-324),
                Just(f64::MAX),
            ]),
        ),
        (any::<bool>(), team(), text()),
    )
        .prop_map(
            |(
                (id, label, activity, count_column),
                counting,
                (points, cap, window_days, half_life_days),
                (enabled, proposed_by, rationale),
            )| EngagementRule {
                id,
                label,
                activity,
                count_column,
                counting,
                points,
                cap,
                window_days,
                half_life_days,
                enabled,
                proposed_by,
                rationale,
            },
        )
}

fn valid_criterion() -> impl Strategy<Value = Criterion> {
    prop_oneof![
        (non_blank(), valid_condition())
            .prop_map(|(field, condition)| Criterion::Field { field, condition }),
        (
            non_blank(),
            proptest::option::of(text()),
            from_one(),
            proptest::option::of(from_one())
        )
            .prop_map(|(activity, count_column, at_least, window_days)| {
                Criterion::Activity {
                    activity,
                    count_column,
                    at_least,
                    window_days,
                }
            }),
    ]
}

fn valid_override() -> impl Strategy<Value = Override> {
    (
        (non_blank(), text()),
        prop_oneof![
            Just(OverrideAction::Disqualify),
            Just(OverrideAction::FastTrack)
        ],
        proptest::collection::vec(valid_criterion(), 1..3),
        (any::<bool>(), team(), text()),
    )
        .prop_map(
            |((id, label), action, when, (enabled, proposed_by, rationale))| Override {
                id,
                label,
                action,
                when,
                enabled,
                proposed_by,
                rationale,
            },
        )
}

/// Bands from best to worst: distinct finite starts, in decreasing order.
fn valid_bands() -> impl Strategy<Value = Vec<Band>> {
    proptest::collection::vec((text(), finite()), 1..5).prop_map(|mut bands| {
        bands.sort_by(|a, b| b.1.total_cmp(&a.1));
        bands.dedup_by(|a, b| a.1 == b.1);
        bands
            .into_iter()
            .map(|(label, min_points)| Band { label, min_points })
            .collect()
    })
}

/// `text` with ` ~n` added until `taken` says it is free (`taken` records it).
fn unique(text: &mut String, mut taken: impl FnMut(&str) -> bool) {
    let base = text.clone();
    let mut n = 2;
    while !taken(text) {
        *text = format!("{base} ~{n}");
        n += 1;
    }
}

/// A model that passes validation (errors; warnings may remain), built like [`model`] but with
/// every value in its range and every id and field name unique.
pub fn valid_model() -> impl Strategy<Value = Model> {
    let base = model().prop_map(|mut model| {
        model.format_version = "1.0".to_owned();
        model
    });
    let rules = (
        (cap(), proptest::collection::vec(valid_fit_rule(), 0..4)),
        (
            cap(),
            proptest::collection::vec(valid_engagement_rule(), 0..4),
        ),
        proptest::collection::vec(valid_override(), 0..3),
        proptest::collection::vec(
            (
                non_blank(),
                prop_oneof![
                    Just(FieldKind::Text),
                    Just(FieldKind::Number),
                    Just(FieldKind::Bool),
                    Just(FieldKind::Date)
                ],
                proptest::collection::vec(text(), 0..3),
            )
                .prop_map(|(name, kind, aliases)| FieldSpec {
                    name,
                    kind,
                    aliases,
                }),
            0..3,
        ),
    );
    let combine = (
        (cap(), share(), share(), share()),
        (proptest::option::of(share()), proptest::option::of(share())),
        (valid_bands(), valid_bands()),
        prop_oneof![
            Just("1.0"),
            Just("1"),
            Just(" 1.0 "),
            Just("0.3"),
            Just("+01.000")
        ],
    );
    (base, rules, combine).prop_map(
        |(
            mut model,
            ((fit_max, fit_rules), (engagement_max, engagement_rules), overrides, fields),
            (
                (scale, fit_weight, threshold_share, band_share),
                (min_fit, min_engagement),
                (fit_grades, engagement_levels),
                version,
            ),
        )| {
            model.format_version = version.to_owned();
            model.fit = FitSection {
                max_points: fit_max,
                rules: fit_rules,
            };
            model.engagement = EngagementSection {
                max_points: engagement_max,
                rules: engagement_rules,
            };
            model.overrides = overrides;
            let mut ids = std::collections::HashSet::new();
            let mut taken = |id: &str| ids.insert(id.to_owned());
            for rule in &mut model.fit.rules {
                unique(&mut rule.id, &mut taken);
            }
            for rule in &mut model.engagement.rules {
                unique(&mut rule.id, &mut taken);
            }
            for rule in &mut model.overrides {
                unique(&mut rule.id, &mut taken);
            }
            let mut names = std::collections::HashSet::new();
            model.fields = fields;
            for field in &mut model.fields {
                unique(&mut field.name, |name| {
                    names.insert(mql_studio::leads::normalize_name(name))
                });
            }
            let threshold = (scale * threshold_share).max(f64::MIN_POSITIVE).min(scale);
            model.combine = Combine {
                scale,
                fit_weight,
                engagement_weight: 1.0 - fit_weight,
                mql_threshold: threshold,
                nurture_band: threshold * band_share,
                min_fit: min_fit.map(|share| fit_max * share),
                min_engagement: min_engagement.map(|share| engagement_max * share),
            };
            model.fit_grades = fit_grades;
            model.engagement_levels = engagement_levels;
            model
        },
    )
}
