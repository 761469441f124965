//! The JSON Schema (draft 2020-12) of the model as JSON: what `mql-studio schema` writes and
//! `docs/model.schema.json` holds (`docs/model-format.md` §8).
//!
//! Built here from the same constants the reader and validation use (the bound on points, the
//! format's major version, the default missing values), so that they cannot drift apart. The
//! schema checks the shape (required fields, no unknown field, the variants of each enum) and
//! every check of validation on one value (ranges, whole numbers, non-blank names, lists with a
//! value); the checks across values (unique ids, weights adding up to 1, the threshold within the
//! scale, bands in order, …) are `mql-studio check`'s.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::model::{DEFAULT_MISSING_VALUES, FORMAT_MAJOR, FORMAT_VERSION};
use crate::validate::MAX_POINTS;

/// The JSON Schema of the model as JSON, as pretty-printed text (two-space indentation, a
/// final newline): the content of `docs/model.schema.json`.
pub fn model_schema() -> String {
    // Plain data: serialising it cannot fail (an empty schema would fail every model).
    super::json::to_pretty_json(&schema()).unwrap_or_default()
}

/// A JSON value whose objects keep the order they are written in (serde_json's own `Value`
/// sorts keys), so that the schema lists fields in file order.
enum Node {
    Object(Vec<(&'static str, Node)>),
    Array(Vec<Node>),
    Text(String),
    Integer(i64),
    Bool(bool),
    Null,
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Node::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Text(text) => serializer.serialize_str(text),
            Node::Integer(value) => serializer.serialize_i64(*value),
            Node::Bool(value) => serializer.serialize_bool(*value),
            Node::Null => serializer.serialize_unit(),
        }
    }
}

impl From<&str> for Node {
    fn from(text: &str) -> Node {
        Node::Text(text.to_owned())
    }
}

impl From<String> for Node {
    fn from(text: String) -> Node {
        Node::Text(text)
    }
}

impl From<i64> for Node {
    fn from(value: i64) -> Node {
        Node::Integer(value)
    }
}

impl From<bool> for Node {
    fn from(value: bool) -> Node {
        Node::Bool(value)
    }
}

fn obj<const N: usize>(entries: [(&'static str, Node); N]) -> Node {
    Node::Object(entries.into())
}

fn texts(items: &[&str]) -> Node {
    Node::Array(items.iter().map(|&item| item.into()).collect())
}

/// `{"$ref": "#/$defs/<name>"}`.
fn reference(name: &str) -> Node {
    obj([("$ref", format!("#/$defs/{name}").into())])
}

/// A reference with a default and a description beside it.
fn reference_with(name: &str, default: Node, description: &str) -> Node {
    obj([
        ("$ref", format!("#/$defs/{name}").into()),
        ("default", default),
        ("description", description.into()),
    ])
}

fn string_with_default(description: &str) -> Node {
    obj([
        ("type", "string".into()),
        ("default", "".into()),
        ("description", description.into()),
    ])
}

fn list_of(items: Node, description: &str) -> Node {
    obj([
        ("type", "array".into()),
        ("items", items),
        ("default", Node::Array(Vec::new())),
        ("description", description.into()),
    ])
}

/// An object that takes exactly these fields.
fn structure<const N: usize>(
    description: &str,
    required: &[&str],
    properties: [(&'static str, Node); N],
) -> Node {
    obj([
        ("description", description.into()),
        ("type", "object".into()),
        ("required", texts(required)),
        ("additionalProperties", false.into()),
        ("properties", obj(properties)),
    ])
}

/// An enum: its variants without data as strings, those with data as objects of one key.
fn tagged<const N: usize>(
    description: &str,
    unit_variants: &[&str],
    data_variants: [(&'static str, Node); N],
) -> Node {
    let with_data = [
        ("type", "object".into()),
        ("minProperties", 1.into()),
        ("maxProperties", 1.into()),
        ("additionalProperties", false.into()),
        ("properties", obj(data_variants)),
    ];
    if unit_variants.is_empty() {
        let mut entries = vec![("description", description.into())];
        entries.extend(with_data);
        return Node::Object(entries);
    }
    obj([
        ("description", description.into()),
        (
            "oneOf",
            Node::Array(vec![obj([("enum", texts(unit_variants))]), obj(with_data)]),
        ),
    ])
}

fn enumeration(description: &str, variants: &[&str]) -> Node {
    obj([
        ("description", description.into()),
        ("enum", texts(variants)),
    ])
}

/// The characters Rust's `trim` removes (Unicode White_Space), as a regular-expression class
/// body that ECMA-262 and Rust's regex read alike.
const WHITE_SPACE: &str =
    r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// A `u32` in decimal, as Rust parses it: leading zeros allowed, at most 4294967295.
const U32_DIGITS: &str = "0*([0-9]{1,9}|[1-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}|42949672[0-8][0-9]|429496729[0-5])";

fn schema() -> Node {
    let max = MAX_POINTS as i64;
    let team_or_null = || {
        obj([
            (
                "enum",
                Node::Array(vec!["Marketing".into(), "Sales".into(), Node::Null]),
            ),
            ("default", Node::Null),
            (
                "description",
                "Which team asked for it; null: not said.".into(),
            ),
        ])
    };
    let enabled = || {
        obj([
            ("type", "boolean".into()),
            ("default", true.into()),
            (
                "description",
                "A disabled rule is kept but does nothing.".into(),
            ),
        ])
    };
    let whole_days = || {
        obj([
            ("type", texts(&["integer", "null"])),
            ("minimum", 1.into()),
            ("maximum", i64::from(u32::MAX).into()),
            ("default", Node::Null),
            (
                "description",
                "Only events less than this many days old count (event log only); null: no window."
                    .into(),
            ),
        ])
    };
    let count_column = || {
        obj([
            ("type", texts(&["string", "null"])),
            ("default", Node::Null),
            (
                "description",
                "The count column read without an event log; null: a column named like the activity."
                    .into(),
            ),
        ])
    };
    let rationale = || string_with_default("Why.");
    let label = || string_with_default("Display name (the id is shown when blank).");
    obj([
        ("$schema", "https://json-schema.org/draft/2020-12/schema".into()),
        ("title", format!("mql-studio model, format {FORMAT_VERSION}").into()),
        (
            "description",
            "A lead-scoring model of mql-studio as JSON, as `mql-studio json --model M.ron` writes it: the fields of the RON model file (docs/model-format.md §2, mapping in §8), enums externally tagged, null for an absent optional value. This schema checks the shape and each value on its own; `mql-studio check` also checks across values: rule ids unique, each field declared once (names compared as column headers), Between's min at most its max, fit_weight + engagement_weight = 1, mql_threshold at most scale, nurture_band at most mql_threshold, min_fit and min_engagement at most their caps, grade bands from best to worst.".into(),
        ),
        ("type", "object".into()),
        (
            "required",
            texts(&["format_version", "name", "fit", "engagement", "combine"]),
        ),
        ("additionalProperties", false.into()),
        (
            "properties",
            obj([
                ("format_version", reference("FormatVersion")),
                (
                    "name",
                    obj([
                        ("type", "string".into()),
                        ("description", "The model's display name.".into()),
                    ]),
                ),
                ("description", string_with_default("Free text.")),
                (
                    "owners",
                    list_of(obj([("type", "string".into())]), "People or teams (free text)."),
                ),
                (
                    "status",
                    reference_with(
                        "ModelStatus",
                        "Draft".into(),
                        "Where the model is in the marketing–sales agreement.",
                    ),
                ),
                ("sign_offs", list_of(reference("SignOff"), "Who agreed to the model.")),
                (
                    "fields",
                    list_of(
                        reference("FieldSpec"),
                        "Lead fields: their type and the CSV headers they may appear under.",
                    ),
                ),
                (
                    "missing_values",
                    obj([
                        ("type", "array".into()),
                        ("items", obj([("type", "string".into())])),
                        ("default", texts(&DEFAULT_MISSING_VALUES)),
                        (
                            "description",
                            "Cell texts that mean unknown (compared trimmed, ignoring case); [] turns this off.".into(),
                        ),
                    ]),
                ),
                ("fit", reference("FitSection")),
                ("engagement", reference("EngagementSection")),
                (
                    "overrides",
                    list_of(reference("Override"), "Disqualifiers and fast-track triggers."),
                ),
                ("combine", reference("Combine")),
                (
                    "fit_grades",
                    list_of(
                        reference("Band"),
                        "Fit grade bands, best first; omitted or []: A, B, C, D at 75, 50, 25 and 0 % of fit.max_points.",
                    ),
                ),
                (
                    "engagement_levels",
                    list_of(
                        reference("Band"),
                        "Engagement level bands, best first; omitted or []: 1, 2, 3, 4 at 75, 50, 25 and 0 % of engagement.max_points.",
                    ),
                ),
                ("changelog", list_of(reference("ChangelogEntry"), "History of changes.")),
            ]),
        ),
        (
            "$defs",
            obj([
                (
                    "FormatVersion",
                    obj([
                        (
                            "description",
                            format!("\"major.minor\" (mql-studio writes \"{FORMAT_VERSION}\"): whole numbers, surrounding spaces ignored, a missing minor is 0; a major version above {FORMAT_MAJOR} is refused.").into(),
                        ),
                        ("type", "string".into()),
                        (
                            "pattern",
                            format!("^[{WHITE_SPACE}]*\\+?0*[0-{FORMAT_MAJOR}](\\.\\+?{U32_DIGITS})?[{WHITE_SPACE}]*$").into(),
                        ),
                    ]),
                ),
                (
                    "NonBlank",
                    obj([
                        ("description", "Text with at least one character that is not white space.".into()),
                        ("type", "string".into()),
                        ("pattern", format!("[^{WHITE_SPACE}]").into()),
                    ]),
                ),
                (
                    "Points",
                    obj([
                        ("description", "Points, either sign, at most 10,000 in size.".into()),
                        ("type", "number".into()),
                        ("minimum", (-max).into()),
                        ("maximum", max.into()),
                    ]),
                ),
                (
                    "Cap",
                    obj([
                        ("description", "A cap: above 0, at most 10,000.".into()),
                        ("type", "number".into()),
                        ("exclusiveMinimum", 0.into()),
                        ("maximum", max.into()),
                    ]),
                ),
                (
                    "Values",
                    obj([
                        ("description", "A list of texts, at least one of them not blank.".into()),
                        ("type", "array".into()),
                        ("items", obj([("type", "string".into())])),
                        ("contains", reference("NonBlank")),
                    ]),
                ),
                ("ModelStatus", enumeration("Informational: scoring ignores it.", &["Draft", "Proposed", "Agreed"])),
                ("Team", enumeration("One of the two teams that co-own a model.", &["Marketing", "Sales"])),
                (
                    "SignOff",
                    structure(
                        "A team's agreement to the model.",
                        &["team", "person", "date"],
                        [
                            ("team", reference("Team")),
                            ("person", obj([("type", "string".into())])),
                            (
                                "date",
                                obj([
                                    ("type", "string".into()),
                                    ("description", "ISO date YYYY-MM-DD (not validated).".into()),
                                ]),
                            ),
                            ("comment", string_with_default("Free text.")),
                        ],
                    ),
                ),
                (
                    "ChangelogEntry",
                    structure(
                        "One change in the model's history.",
                        &["date", "summary"],
                        [
                            ("date", obj([("type", "string".into())])),
                            ("team", team_or_null()),
                            ("summary", obj([("type", "string".into())])),
                        ],
                    ),
                ),
                (
                    "FieldKind",
                    enumeration("The type of a lead field (§3.3).", &["Text", "Number", "Bool", "Date"]),
                ),
                (
                    "FieldSpec",
                    structure(
                        "A declared lead field.",
                        &["name"],
                        [
                            ("name", reference("NonBlank")),
                            ("kind", reference_with("FieldKind", "Text".into(), "The column's type.")),
                            (
                                "aliases",
                                list_of(obj([("type", "string".into())]), "Other headers that mean this field."),
                            ),
                        ],
                    ),
                ),
                (
                    "FitSection",
                    structure(
                        "The fit (who they are) rules and cap.",
                        &["max_points"],
                        [
                            ("max_points", reference("Cap")),
                            ("rules", list_of(reference("FitRule"), "The fit rules, in order.")),
                        ],
                    ),
                ),
                (
                    "FitRule",
                    structure(
                        "Adds points to fit when the condition holds on the lead's field.",
                        &["id", "field", "condition", "points"],
                        [
                            ("id", reference("NonBlank")),
                            ("label", label()),
                            ("field", reference("NonBlank")),
                            ("condition", reference("Condition")),
                            ("points", reference("Points")),
                            ("enabled", enabled()),
                            ("proposed_by", team_or_null()),
                            ("rationale", rationale()),
                        ],
                    ),
                ),
                (
                    "Condition",
                    tagged(
                        "A test on one cell (§4.1).",
                        &["IsTrue", "IsFalse", "IsMissing"],
                        [
                            ("Equals", reference("NonBlank")),
                            ("OneOf", reference("Values")),
                            ("NotOneOf", reference("Values")),
                            ("AtLeast", obj([("type", "number".into())])),
                            ("AtMost", obj([("type", "number".into())])),
                            (
                                "Between",
                                structure(
                                    "Both bounds inclusive; min at most max.",
                                    &["min", "max"],
                                    [
                                        ("min", obj([("type", "number".into())])),
                                        ("max", obj([("type", "number".into())])),
                                    ],
                                ),
                            ),
                            ("ContainsAny", reference("Values")),
                        ],
                    ),
                ),
                (
                    "EngagementSection",
                    structure(
                        "The engagement (what they did) rules and cap.",
                        &["max_points"],
                        [
                            ("max_points", reference("Cap")),
                            ("rules", list_of(reference("EngagementRule"), "The engagement rules, in order.")),
                        ],
                    ),
                ),
                (
                    "EngagementRule",
                    structure(
                        "Turns how often the lead did an activity into points.",
                        &["id", "activity", "points"],
                        [
                            ("id", reference("NonBlank")),
                            ("label", label()),
                            ("activity", reference("NonBlank")),
                            ("count_column", count_column()),
                            (
                                "counting",
                                reference_with("Counting", "PerOccurrence".into(), "How the count becomes points."),
                            ),
                            ("points", reference("Points")),
                            (
                                "cap",
                                obj([
                                    ("type", texts(&["number", "null"])),
                                    ("exclusiveMinimum", 0.into()),
                                    ("maximum", max.into()),
                                    ("default", Node::Null),
                                    ("description", "The most the rule adds (or takes away); null: no cap.".into()),
                                ]),
                            ),
                            ("window_days", whole_days()),
                            (
                                "half_life_days",
                                obj([
                                    ("type", texts(&["number", "null"])),
                                    ("exclusiveMinimum", 0.into()),
                                    ("default", Node::Null),
                                    ("description", "An event counts half as much every this many days; null: no decay.".into()),
                                ]),
                            ),
                            ("enabled", enabled()),
                            ("proposed_by", team_or_null()),
                            ("rationale", rationale()),
                        ],
                    ),
                ),
                (
                    "Counting",
                    tagged(
                        "How the count becomes points: per occurrence, once, or once the count reaches AtLeast.",
                        &["PerOccurrence", "Once"],
                        [("AtLeast", whole_count())],
                    ),
                ),
                (
                    "OverrideAction",
                    enumeration("Never an MQL, or an MQL now, whatever the score.", &["Disqualify", "FastTrack"]),
                ),
                (
                    "Override",
                    structure(
                        "Fires when all of its criteria hold.",
                        &["id", "action", "when"],
                        [
                            ("id", reference("NonBlank")),
                            ("label", label()),
                            ("action", reference("OverrideAction")),
                            (
                                "when",
                                obj([
                                    ("type", "array".into()),
                                    ("items", reference("Criterion")),
                                    ("minItems", 1.into()),
                                ]),
                            ),
                            ("enabled", enabled()),
                            ("proposed_by", team_or_null()),
                            ("rationale", rationale()),
                        ],
                    ),
                ),
                (
                    "Criterion",
                    tagged(
                        "One test of an override.",
                        &[],
                        [
                            (
                                "Field",
                                structure(
                                    "The condition holds on the lead's field.",
                                    &["field", "condition"],
                                    [
                                        ("field", reference("NonBlank")),
                                        ("condition", reference("Condition")),
                                    ],
                                ),
                            ),
                            (
                                "Activity",
                                structure(
                                    "The lead's count of the activity (never decayed) is at least at_least.",
                                    &["activity", "at_least"],
                                    [
                                        ("activity", reference("NonBlank")),
                                        ("count_column", count_column()),
                                        ("at_least", whole_count()),
                                        ("window_days", whole_days()),
                                    ],
                                ),
                            ),
                        ],
                    ),
                ),
                (
                    "Combine",
                    structure(
                        "How fit and engagement make the total; threshold, nurture band, gates.",
                        &["scale", "fit_weight", "engagement_weight", "mql_threshold"],
                        [
                            ("scale", reference("Cap")),
                            ("fit_weight", obj([("type", "number".into()), ("minimum", 0.into())])),
                            ("engagement_weight", obj([("type", "number".into()), ("minimum", 0.into())])),
                            ("mql_threshold", reference("Cap")),
                            (
                                "nurture_band",
                                obj([
                                    ("type", "number".into()),
                                    ("minimum", 0.into()),
                                    ("maximum", max.into()),
                                    ("default", 0.into()),
                                ]),
                            ),
                            ("min_fit", gate()),
                            ("min_engagement", gate()),
                        ],
                    ),
                ),
                (
                    "Band",
                    structure(
                        "A grade band: a sub-score at or above min_points gets label.",
                        &["label", "min_points"],
                        [
                            ("label", obj([("type", "string".into())])),
                            ("min_points", obj([("type", "number".into())])),
                        ],
                    ),
                ),
            ]),
        ),
    ])
}

/// A whole number of occurrences, 1 or more (a `u32`).
fn whole_count() -> Node {
    obj([
        ("type", "integer".into()),
        ("minimum", 1.into()),
        ("maximum", i64::from(u32::MAX).into()),
    ])
}

/// A gate: a sub-score from 0 to 10,000, or null (none).
fn gate() -> Node {
    obj([
        ("type", texts(&["number", "null"])),
        ("minimum", 0.into()),
        ("maximum", (MAX_POINTS as i64).into()),
        ("default", Node::Null),
        (
            "description",
            "Gate: the capped sub-score needed to be an MQL on score; null: no gate.".into(),
        ),
    ])
}
