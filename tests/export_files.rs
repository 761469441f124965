//! What we write to files: the scored CSV, safe to open in a spreadsheet and to print
//! (`docs/model-format.md` §6.1), and the leads file written back with sales' verdicts, which
//! reads back to the same leads (§6.3).
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::export::{ScoredRow, scored_rows, write_scored_csv, write_scores_csv};
use mql_studio::leads::{Cell, LeadSet, LoadOptions, Verdict, Verdicts};
use mql_studio::model::{FieldKind, FieldSpec, Team};
use mql_studio::scoring::{Evaluation, score_all};

mod common;

use common::default_model;
use common::leads::{leads, read_leads, written_back, written_back_with};

// ---------------------------------------------------------------------------------------------
// The scored CSV (§6.1)

/// A text value and its cell in the scored CSV, as §6.1 says: control characters escaped, an
/// apostrophe before each piece (the cell's start, or after `,` or `;`) that starts (after any
/// `"`) with `=`, `+`, `-` or `@`, quotes around a cell holding `,`, `;` or `"`.
const SCORED_CELLS: &[(&str, &str)] = &[
    ("L1", "L1"),
    ("-42", "'-42"),
    ("+49 30 1234", "'+49 30 1234"),
    ("@SUM(A1)", "'@SUM(A1)"),
    // The issue's example: a `;` spreadsheet splits the cell at each `;`.
    ("x;=cmd|' /C calc'!A0;y", "\"x;'=cmd|' /C calc'!A0;y\""),
    ("a,+1", "\"a,'+1\""),
    ("a;b", "\"a;b\""),
    ("a,b", "\"a,b\""),
    ("say \"hi\"", "\"say \"\"hi\"\"\""),
    ("x;\"@y", "\"x;'\"\"@y\""),
    (
        "=HYPERLINK(\"http://x\",\"y\")",
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
    ),
    ("a - b; c", "\"a - b; c\""),
    ("Zoë;–x", "\"Zoë;–x\""),
    // Control characters are escaped, so they are neither triggers nor line breaks any more.
    ("\t=1", "\\t=1"),
    ("\r=1", "\\r=1"),
    ("two\nlines", "two\\nlines"),
    ("a,\r\nb", "\"a,\\r\\nb\""),
    ("\u{1b}[31mred\u{7}", "\\u{1b}[31mred\\u{7}"),
    ("\u{9b}2J;-", "\"\\u{9b}2J;'-\""),
    ("", ""),
];

fn scored_row(id: &str, grade: &str, fired_rules: &[&str]) -> ScoredRow {
    ScoredRow {
        id: id.to_owned(),
        fit: 10.0,
        engagement: 2.5,
        score: 12.5,
        status: "lead",
        grade: grade.to_owned(),
        fired_rules: fired_rules.iter().map(|r| (*r).to_owned()).collect(),
    }
}

/// The value a CSV reader gives for a cell as written.
fn unquoted(cell: &str) -> String {
    match cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => cell.to_owned(),
    }
}

#[test]
fn scored_csv_text_cells_are_quoted_and_neutralised_after_every_separator() {
    let rows: Vec<ScoredRow> = SCORED_CELLS
        .iter()
        .map(|(id, _)| scored_row(id, "B2", &[]))
        .collect();
    let mut bytes = Vec::new();
    write_scored_csv(&mut bytes, &rows).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // One line per lead: no raw line break (nor any control character) inside a cell.
    let lines: Vec<&str> = text.strip_suffix('\n').unwrap().split('\n').collect();
    assert_eq!(lines[0], "id,fit,engagement,score,status,grade,fired_rules");
    assert_eq!(lines.len(), SCORED_CELLS.len() + 1, "{text}");
    for ((value, cell), line) in SCORED_CELLS.iter().zip(&lines[1..]) {
        assert_eq!(*line, format!("{cell},10,2.5,12.5,lead,B2,"), "{value:?}");
    }
    // Valid CSV: a reader gives back the written cells.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), SCORED_CELLS.len());
    for ((value, cell), record) in SCORED_CELLS.iter().zip(&records) {
        assert_eq!(record.len(), 7, "{value:?}");
        assert_eq!(record[0], unquoted(cell), "{value:?}");
        record.iter().for_each(assert_inert);
    }
}

#[test]
fn grades_and_fired_rules_are_made_safe_like_ids() {
    let rows = [
        scored_row("L1", "=A1", &["fit-a", "-x", "=y", "@z", "+w"]),
        scored_row("L2", "A;-1", &["fit-a"]),
        scored_row("L3", "A\u{1b}1", &[]),
    ];
    let mut bytes = Vec::new();
    write_scored_csv(&mut bytes, &rows).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        "L1,10,2.5,12.5,lead,'=A1,\"fit-a;'-x;'=y;'@z;'+w\""
    );
    assert_eq!(lines[2], "L2,10,2.5,12.5,lead,\"A;'-1\",fit-a");
    assert_eq!(lines[3], "L3,10,2.5,12.5,lead,A\\u{1b}1,");
}

#[test]
fn both_scored_writers_write_the_same_bytes_for_hostile_ids_and_labels() {
    let mut model = default_model();
    let hostile = ["=A", "-B", "@C;+x\u{1b}[2J", "+D,\"@"];
    for (band, label) in model.fit_grades.iter_mut().zip(hostile) {
        band.label = label.to_owned();
    }
    model.engagement_levels[0].label = "\t1".to_owned();
    model.fit.rules[0].id = "-fit;=x".to_owned();
    let ids: Vec<&str> = SCORED_CELLS.iter().map(|(id, _)| *id).collect();
    let mut csv_text = String::from("Lead ID,Job Title,Number of Employees\n");
    for (i, id) in ids.iter().enumerate() {
        // Quoted, so that commas, quotes and line breaks stay in the id.
        let id = if id.is_empty() {
            format!("row{i}")
        } else {
            id.replace('"', "\"\"")
        };
        csv_text.push_str(&format!("\"{id}\",VP Marketing,{}\n", 40 + i * 100));
    }
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let set = read_leads(&csv_text, &options).unwrap().0;
    assert_eq!(set.len(), ids.len());
    let evaluation = Evaluation::new(&model, &set, common::day("2026-11-01"));
    let scores = score_all(&model, &evaluation);
    let mut streamed = Vec::new();
    write_scores_csv(&mut streamed, &model, &set, &evaluation, &scores).unwrap();
    let rows = scored_rows(&model, &set, &evaluation, &scores);
    let mut by_rows = Vec::new();
    write_scored_csv(&mut by_rows, &rows).unwrap();
    assert_eq!(
        String::from_utf8(streamed.clone()).unwrap(),
        String::from_utf8(by_rows).unwrap()
    );
    // Hostile grades and rule ids were written, and no piece of any cell starts a formula.
    assert!(
        rows.iter()
            .any(|r| r.grade.starts_with(['=', '-', '@', '+'])),
        "{rows:?}"
    );
    let text = String::from_utf8(streamed).unwrap();
    assert!(text.contains("\"'-fit;'=x"), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        for field in record.unwrap().iter() {
            assert_inert(field);
        }
    }
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
}

/// Asserts that no piece of a cell (its start, or after a `,` or `;`) starts a formula, even
/// after `"`s; and that it holds no control character.
#[track_caller]
fn assert_inert(field: &str) {
    for piece in field.split([',', ';']) {
        let first = piece.trim_start_matches('"').chars().next();
        assert!(
            !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
            "{field:?}"
        );
    }
    assert!(!field.chars().any(char::is_control), "{field:?}");
}

// ---------------------------------------------------------------------------------------------
// The leads file written back (§6.3)

/// Asserts that `again` (read from what was written for `set`) has the same columns, cells,
/// ids, outcomes and verdicts; the first `columns` columns are compared cell by cell.
#[track_caller]
fn assert_same_leads(set: &LeadSet, again: &LeadSet, columns: usize, written: &str) {
    assert_eq!(again.len(), set.len(), "{written}");
    for (before, after) in set.columns.iter().zip(&again.columns).take(columns) {
        assert_eq!(after.name, before.name, "{written}");
        assert_eq!(after.kind(), before.kind(), "{}\n{written}", before.name);
        for row in 0..set.len() {
            assert_eq!(
                after.cell(row),
                before.cell(row),
                "column {:?}, lead {row}\n{written}",
                before.name
            );
        }
    }
    assert_eq!(again.id_column, set.id_column, "{written}");
    assert_eq!(again.outcomes, set.outcomes, "{written}");
}

#[test]
fn ids_and_typed_cells_come_back_exactly() {
    let csv_text = "Lead ID,Phone,Opt In,Revenue,Created,Note,Sales Verdict\n\
+49 30 1234,+49 30 1234,yes,1.333,2026-10-03T23:30:00-02:00,\"x;=cmd|' /C calc'!A0;y\",accept\n\
=1+1,-5,no,1e6,2026-10-04,\"say \"\"hi\"\"\",\n\
-5,007,YES,-0.125,2026-10-05 14:22,\"two\r\nlines\",reject\n\
007,=1+1,No,1200.50,2026-10-06,Zoë – ünïcödé,\n";
    let set = leads(csv_text);
    let kinds: Vec<FieldKind> = set.columns.iter().map(|c| c.kind()).collect();
    use FieldKind::{Bool, Date, Number, Text};
    assert_eq!(kinds, [Text, Text, Bool, Number, Date, Text, Text]);
    let (written, again, _) = written_back(&set, &set.verdicts, &LoadOptions::default());
    assert_eq!(again.ids, ["+49 30 1234", "=1+1", "-5", "007"], "{written}");
    assert_same_leads(&set, &again, set.columns.len(), &written);
    assert_eq!(again.verdicts, set.verdicts);
    // Numbers keep every digit (1.333 is not cut to 1.33).
    assert_eq!(
        again.column_by_name("Revenue").unwrap().cell(0),
        Cell::Number(1.333)
    );
}

#[test]
fn declared_columns_come_back_with_the_same_values() {
    let fields = vec![
        FieldSpec {
            name: "employees".to_owned(),
            kind: FieldKind::Number,
            aliases: vec!["Employees".to_owned()],
        },
        FieldSpec {
            name: "opt_in".to_owned(),
            kind: FieldKind::Bool,
            aliases: vec!["Opt In".to_owned()],
        },
        FieldSpec {
            name: "created".to_owned(),
            kind: FieldKind::Date,
            aliases: vec![],
        },
    ];
    let options = LoadOptions {
        fields,
        ..LoadOptions::default()
    };
    let csv_text = "id,Employees,Opt In,Created\n\
L1,+7,x,0000-01-01T00:00:00+01:00\n\
L2,1.0625,N,2026-10-03T14:22\n\
L3,1e300,1,\n\
L4,,0,9999-12-31\n";
    let set = read_leads(csv_text, &options).unwrap().0;
    let (written, again, _) = written_back(&set, &set.verdicts, &options);
    assert_same_leads(&set, &again, set.columns.len(), &written);
}

#[test]
fn the_verdicts_go_to_the_column_the_reader_reads() {
    // Two verdict columns: the reader reads `Sales Verdict` (§3.7), wherever it is.
    let set = leads("id,Verdict,Sales Verdict\nL1,accept,reject\nL2,,\n");
    assert_eq!(set.verdicts, [Some(Verdict::Reject), None]);
    let given = [Some(Verdict::Accept), Some(Verdict::Reject)];
    let (written, again, _) = written_back(&set, &given, &LoadOptions::default());
    assert_eq!(again.verdicts, given, "{written}");
    assert_eq!(again.columns.len(), 3, "{written}");
    // The other column is left as it was.
    assert_eq!(again.display(0, "Verdict"), "accept");
}

#[test]
fn a_verdict_cell_is_kept_unless_the_verdict_changed() {
    let csv_text = "id,Stage,Sales Verdict\n\
L1,sql,Would accept\n\
L2,sql,call\n\
L3,sql,maybe\n\
L4,won,pass\n";
    let options = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let (set, report) = read_leads(csv_text, &options).unwrap();
    // L3's verdict cannot be read: that lead has no outcome and no verdict (§3.7).
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(set.outcomes[2], None);
    let given = [
        Some(Verdict::Accept),
        Some(Verdict::Reject),
        None,
        Some(Verdict::Reject),
    ];
    let (written, again, report) = written_back(&set, &given, &options);
    assert_eq!(again.verdicts, given, "{written}");
    assert_eq!(again.outcomes, set.outcomes, "{written}");
    assert_eq!(report.warnings.len(), 1, "{written}");
    let cells: Vec<String> = (0..4)
        .map(|row| again.display(row, "Sales Verdict"))
        .collect();
    assert_eq!(cells, ["Would accept", "reject", "maybe", "pass"]);
}

#[test]
fn a_verdict_column_is_added_when_there_is_none() {
    let set = leads("Lead ID,Title\nL1,CEO\nL2,\"Head of \"\"Sales\"\"\"\n");
    let given = [None, Some(Verdict::Accept)];
    let (written, again, _) = written_back(&set, &given, &LoadOptions::default());
    assert_eq!(
        written,
        "Lead ID,Title,Sales Verdict\nL1,CEO,\nL2,\"Head of \"\"Sales\"\"\",accept\n"
    );
    assert_same_leads(&set, &again, 2, &written);
    assert_eq!(again.verdicts, given);
}

// The round trip on random files.

/// What a generated column holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gen {
    Id,
    Text,
    Number,
    Bool,
    Date,
    Mixed,
    Verdict,
    Stage,
}

const TEXTS: &[&str] = &[
    "+49 30 1234",
    "=1+1",
    "-5",
    "@x",
    "yes",
    "007",
    "12345678901234567890",
    "a \"quoted\" word",
    "\"",
    "x;=cmd|' /C calc'!A0;y",
    "a,b",
    "two\nlines",
    "cr\r\nlf",
    "lone\rcr",
    "Zoë – ünïcödé",
    "日本語",
    "tab\tinside",
    "\u{1b}[31mred",
    "'quoted'",
    "#",
    "\u{feff}bom",
];
const NUMBERS: &[&str] = &[
    "42",
    "-3",
    "+7",
    "007",
    "1.50",
    "1e3",
    ".5",
    "1200.5",
    "-0",
    "0.1",
    "1.333333",
    "1E-7",
    "123456789012345678",
];
const BOOLS: &[&str] = &["true", "false", "yes", "no", "Yes", "NO", "TRUE", "False"];
const DECLARED_BOOLS: &[&str] = &["y", "n", "1", "0", "x", "X"];
const DATES: &[&str] = &[
    "2026-10-03",
    "2026-10-03T14:22:00Z",
    "2026-10-03T23:30:00-02:00",
    "2026-10-03 14:22",
    "2026-10-03T14:22",
    "0000-01-01T00:00:00+01:00",
    "9999-12-31",
    "1970-01-01",
];
const VERDICTS: &[&str] = &[
    "accept",
    "Accepted",
    "would accept",
    "yes",
    "call",
    "reject",
    "no",
    "pass",
    "TRUE",
];
const STAGES: &[&str] = &["lead", "MQL", "sql", "opportunity", "won", "lost", "none"];

/// A generated leads file: its text, how to read it, and the verdict column's index if any.
struct Generated {
    text: String,
    options: LoadOptions,
}

fn pick<'a>(rng: &mut fastrand::Rng, values: &[&'a str]) -> &'a str {
    values[rng.usize(..values.len())]
}

fn random_text(rng: &mut fastrand::Rng) -> String {
    const ALPHABET: &[&str] = &[
        "a", "Z", "0", "7", " ", ",", ";", "\"", "=", "+", "-", "@", "'", "\n", "\r", "é", "€",
        "\t",
    ];
    (0..rng.usize(1..8))
        .map(|_| pick(rng, ALPHABET))
        .collect::<String>()
}

fn value(rng: &mut fastrand::Rng, kind: Gen, declared: bool, bad: bool) -> String {
    if rng.u8(..6) == 0 {
        return String::new();
    }
    match kind {
        Gen::Id | Gen::Text if rng.bool() => random_text(rng),
        Gen::Id | Gen::Text => pick(rng, TEXTS).to_owned(),
        Gen::Number if bad && rng.u8(..4) == 0 => "n/a".to_owned(),
        Gen::Number if rng.bool() => format!("{}", rng.f64() * 10f64.powi(rng.i32(-8..12))),
        Gen::Number => pick(rng, NUMBERS).to_owned(),
        Gen::Bool if declared && rng.bool() => pick(rng, DECLARED_BOOLS).to_owned(),
        Gen::Bool => pick(rng, BOOLS).to_owned(),
        Gen::Date => pick(rng, DATES).to_owned(),
        Gen::Mixed => {
            let kind = [Gen::Text, Gen::Number, Gen::Bool, Gen::Date][rng.usize(..4)];
            value(rng, kind, false, false)
        }
        Gen::Verdict if bad && rng.u8(..4) == 0 => "maybe".to_owned(),
        Gen::Verdict => pick(rng, VERDICTS).to_owned(),
        Gen::Stage if bad && rng.u8(..4) == 0 => "someday".to_owned(),
        Gen::Stage => pick(rng, STAGES).to_owned(),
    }
}

/// A cell as a CRM export might write it: quoted when it must be, sometimes when it need not,
/// sometimes with spaces around (which the reader trims).
fn encode(rng: &mut fastrand::Rng, value: &str) -> String {
    let must = value.contains([',', ';', '"', '\r', '\n']) || value.starts_with('\u{feff}');
    if must || rng.u8(..5) == 0 {
        let padding = if rng.u8(..4) == 0 { " " } else { "" };
        format!("\"{padding}{}{padding}\"", value.replace('"', "\"\""))
    } else if rng.u8(..5) == 0 && !value.is_empty() {
        format!(" {value} ")
    } else {
        value.to_owned()
    }
}

/// A random leads file; `bad` lets it hold cells the reader refuses (read with
/// `skip_bad_rows`).
fn generate(seed: u64, bad: bool) -> Generated {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut columns: Vec<(String, Gen, bool)> = Vec::new();
    if rng.u8(..5) != 0 {
        columns.push((
            pick(&mut rng, &["Lead ID", "id", "Contact Id"]).to_owned(),
            Gen::Id,
            false,
        ));
    }
    for i in 0..rng.usize(1..6) {
        let kind = [Gen::Text, Gen::Number, Gen::Bool, Gen::Date, Gen::Mixed][rng.usize(..5)];
        let declared = kind != Gen::Mixed && rng.bool();
        let decoration = pick(&mut rng, &["", " x", ";y", ",z", "\"q\"", " é", "=", "+1"]);
        columns.push((format!("col{i}{decoration}"), kind, declared));
    }
    if rng.bool() {
        columns.push(("Stage".to_owned(), Gen::Stage, false));
    }
    if rng.bool() {
        let name = pick(&mut rng, &["Sales Verdict", "Verdict", "verdict"]);
        columns.push((name.to_owned(), Gen::Verdict, false));
    }
    rng.shuffle(&mut columns);
    let fields = columns
        .iter()
        .filter(|(_, _, declared)| *declared)
        .map(|(name, kind, _)| FieldSpec {
            name: name.clone(),
            kind: match kind {
                Gen::Number => FieldKind::Number,
                Gen::Bool => FieldKind::Bool,
                Gen::Date => FieldKind::Date,
                _ => FieldKind::Text,
            },
            aliases: Vec::new(),
        })
        .collect();
    let delimiter = if rng.bool() { "," } else { ";" };
    let line_end = if rng.bool() { "\n" } else { "\r\n" };
    let mut text = String::new();
    if rng.u8(..4) == 0 {
        text.push('\u{feff}');
    }
    let header: Vec<String> = columns
        .iter()
        .map(|(name, _, _)| encode(&mut rng, name))
        .collect();
    text.push_str(&header.join(delimiter));
    for _ in 0..rng.usize(0..12) {
        text.push_str(line_end);
        if rng.u8(..10) == 0 {
            // A blank line: skipped, but counted as a row.
            text.push_str(line_end);
        }
        let cells: Vec<String> = columns
            .iter()
            .map(|&(_, kind, declared)| {
                let value = value(&mut rng, kind, declared, bad);
                encode(&mut rng, &value)
            })
            .collect();
        text.push_str(&cells.join(delimiter));
    }
    if rng.bool() {
        text.push_str(line_end);
    }
    Generated {
        text,
        options: LoadOptions {
            fields,
            skip_bad_rows: bad,
            ..LoadOptions::default()
        },
    }
}

/// Ids come back; a lead without an id (`row-N`, or the row number without an id column) is
/// named after its row in the written file, where lead `i` is on row `i + 2` (§6.3).
#[track_caller]
fn assert_same_ids(set: &LeadSet, again: &LeadSet, written: &str) {
    for (i, (before, after)) in set.ids.iter().zip(&again.ids).enumerate() {
        let id_cell = set.id_column.map(|c| set.columns[c].cell(i));
        match id_cell {
            Some(Cell::Missing) => assert_eq!(*after, format!("row-{}", i + 2), "{written}"),
            None => assert_eq!(*after, format!("{}", i + 2), "{written}"),
            Some(_) => assert_eq!(after, before, "{written}"),
        }
    }
}

#[test]
fn random_leads_files_written_back_read_back_the_same() {
    for seed in 0..600 {
        let bad = seed % 3 == 0;
        let generated = generate(seed, bad);
        let (set, _) = read_leads(&generated.text, &generated.options).unwrap_or_else(|e| {
            panic!(
                "seed {seed}: the generated file does not load: {e}\n{}",
                generated.text
            )
        });
        let (written, again, _) = written_back_with(&set, &set.verdicts, &generated.options);
        let context = format!("seed {seed}\n{}\n---\n{written}", generated.text);
        let added = usize::from(!set.columns.iter().any(is_verdict_column));
        assert_eq!(again.columns.len(), set.columns.len() + added, "{context}");
        assert_same_leads(&set, &again, set.columns.len(), &context);
        assert_same_ids(&set, &again, &context);
        assert_eq!(again.verdicts, set.verdicts, "{context}");
    }
}

#[test]
fn who_recorded_each_verdict_is_written_and_read_back() {
    let set = leads("Lead ID,Title\nL1,CEO\nL2,CTO\nL3,VP\n");
    let given = Verdicts::with_recorders(
        vec![Some(Verdict::Accept), Some(Verdict::Reject), None],
        vec![Some(Team::Marketing), Some(Team::Sales), Some(Team::Sales)],
    );
    let (written, again, _) = written_back_with(&set, &given, &LoadOptions::default());
    assert_eq!(
        written,
        "Lead ID,Title,Sales Verdict,Verdict By\nL1,CEO,accept,marketing\nL2,CTO,reject,sales\nL3,VP,,\n"
    );
    assert_eq!(again.verdicts, given, "{written}");
    // Read from a file that has the column, an unchanged recorder keeps its cell as written.
    let set = leads("id,Verdict,Verdict By\nL1,Accepted,Sales\nL2,pass,MARKETING\n");
    assert_eq!(
        set.verdicts.recorders(),
        [Some(Team::Sales), Some(Team::Marketing)]
    );
    let mut changed = set.verdicts.clone();
    changed.set(1, Some(Verdict::Accept), Some(Team::Sales));
    let (written, again, _) = written_back_with(&set, &changed, &LoadOptions::default());
    assert_eq!(
        written,
        "id,Verdict,Verdict By\nL1,Accepted,Sales\nL2,accept,sales\n"
    );
    assert_eq!(again.verdicts, changed);
}

fn is_verdict_column(column: &mql_studio::leads::Column) -> bool {
    let key = mql_studio::leads::normalize_name(&column.name);
    key == "salesverdict" || key == "verdict"
}

/// Whether every cell of a lead but its verdict is missing.
fn only_a_verdict(set: &LeadSet, row: usize) -> bool {
    set.columns
        .iter()
        .all(|c| is_verdict_column(c) || c.cell(row).is_missing())
}

#[test]
fn random_verdict_changes_are_read_back_and_nothing_else_changes() {
    for seed in 0..400 {
        let generated = generate(seed, false);
        let (set, _) = read_leads(&generated.text, &generated.options).unwrap();
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
        let mut given = set.verdicts.to_vec();
        for (row, verdict) in given.iter_mut().enumerate() {
            if rng.bool() {
                *verdict = [None, Some(Verdict::Accept), Some(Verdict::Reject)][rng.usize(..3)];
            }
            // A lead whose only value is its verdict is a row of empty cells without it, which
            // is not a lead (§6.3).
            if verdict.is_none() && only_a_verdict(&set, row) {
                *verdict = set.verdicts[row];
            }
        }
        // A shorter list leaves the last lead without a verdict (unless that is its only value).
        if rng.bool() && !set.is_empty() && !only_a_verdict(&set, set.len() - 1) {
            given.truncate(set.len() - 1);
        }
        let teams = [None, Some(Team::Marketing), Some(Team::Sales)];
        let recorders: Vec<Option<Team>> = given.iter().map(|_| teams[rng.usize(..3)]).collect();
        let given = Verdicts::with_recorders(given, recorders);
        let (written, again, _) = written_back_with(&set, &given, &generated.options);
        let context = format!("seed {seed}\n{}\n---\n{written}", generated.text);
        let expected: Vec<Option<Verdict>> = (0..set.len()).map(|i| given.verdict(i)).collect();
        assert_eq!(again.verdicts, expected, "{context}");
        let expected_by: Vec<Option<Team>> = (0..set.len()).map(|i| given.recorded_by(i)).collect();
        assert_eq!(again.verdicts.recorders(), expected_by, "{context}");
        assert_eq!(again.outcomes, set.outcomes, "{context}");
        assert_same_ids(&set, &again, &context);
        // Every column but the verdict column is as it was.
        for (before, after) in set.columns.iter().zip(&again.columns) {
            assert_eq!(after.name, before.name, "{context}");
            if is_verdict_column(before) {
                continue;
            }
            assert_eq!(after.kind(), before.kind(), "{context}");
            for row in 0..set.len() {
                assert_eq!(after.cell(row), before.cell(row), "{context}");
            }
        }
    }
}
