//! `docs/workshop-format.md` says what the code does: its example reads, and its rules on
//! errors, versions and verdicts hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::leads::{Verdict, Verdicts};
use mql_studio::model::Team;
use mql_studio::workshop::{
    LeadVerdict, NoteKind, Workshop, WorkshopError, load_workshop, workshop_from_str,
};

mod common;

fn example() -> String {
    let doc = std::fs::read_to_string(common::repo("docs/workshop-format.md")).unwrap();
    let start = doc.find("```ron\n").expect("an example") + "```ron\n".len();
    let end = doc[start..].find("```").unwrap() + start;
    doc[start..end].to_owned()
}

#[test]
fn the_example_reads_as_the_table_says() {
    let workshop = workshop_from_str(&example()).unwrap();
    assert_eq!(workshop.format, "mql-studio workshop");
    assert_eq!(workshop.model.name, "Q3 model");
    let leads = workshop.leads.as_ref().unwrap();
    assert_eq!(leads.path, "exports/crm.csv");
    assert_eq!(leads.sha256.len(), 64);
    assert_eq!(
        workshop.renames,
        [("Lifecycle stage".to_owned(), "Outcome".to_owned())]
    );
    assert_eq!(
        workshop.verdicts[0],
        LeadVerdict {
            lead: "L000001".into(),
            verdict: Some(Verdict::Accept),
            by: Some(Team::Sales)
        }
    );
    assert_eq!(workshop.notes[0].kind, NoteKind::Decision);
    assert_eq!(workshop.history.len(), 1);
}

#[test]
fn errors_name_the_line_and_column_and_other_files_or_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.mqlw");
    let broken = example().replace("saved_at: \"2026-12-02T09:30:00Z\"", "saved_at: 12");
    std::fs::write(&path, &broken).unwrap();
    let error = load_workshop(&path).unwrap_err().to_string();
    // The message the docs quote.
    assert!(
        error.ends_with("w.mqlw: line 4, column 14: in field `saved_at`: Expected string"),
        "{error}"
    );

    std::fs::write(
        &path,
        example().replace("mql-studio workshop", "something else"),
    )
    .unwrap();
    assert!(matches!(
        load_workshop(&path),
        Err(WorkshopError::NotAWorkshop { .. })
    ));
    std::fs::write(
        &path,
        example().replacen("format_version: \"1.0\"", "format_version: \"2.0\"", 1),
    )
    .unwrap();
    assert!(matches!(
        load_workshop(&path),
        Err(WorkshopError::NewerVersion { .. })
    ));
    std::fs::write(
        &path,
        example().replacen("format_version: \"1.0\"", "format_version: \"1.7\"", 1),
    )
    .unwrap();
    assert!(load_workshop(&path).is_ok(), "every 1.x reads");
}

#[test]
fn verdicts_are_the_files_with_the_workshops_on_top_and_unknown_ids_are_kept() {
    let ids: Vec<String> = ["A", "B", "C"].iter().map(|s| (*s).to_owned()).collect();
    let file = Verdicts::from_verdicts(vec![None, Some(Verdict::Reject), Some(Verdict::Accept)]);
    let mut current = file.clone();
    current.set(0, Some(Verdict::Accept), Some(Team::Marketing));
    current.set(1, None, None);
    let orphan = LeadVerdict {
        lead: "Z".into(),
        verdict: Some(Verdict::Reject),
        by: Some(Team::Sales),
    };
    let listed = Workshop::verdicts_of(&ids, &file, &current, std::slice::from_ref(&orphan));
    let leads: Vec<&str> = listed.iter().map(|v| v.lead.as_str()).collect();
    assert_eq!(
        leads,
        ["A", "B", "Z"],
        "only what differs from the file, and the orphan"
    );
    let (again, orphans) = Workshop::apply_verdicts(&listed, &ids, &file);
    assert_eq!(again, current);
    assert_eq!(orphans, [orphan]);
}

#[test]
fn decisions_go_into_the_changelog_once_and_other_notes_do_not() {
    use mql_studio::workshop::{Note, decisions_into_changelog};
    let note = |kind, rule: Option<&str>| Note {
        kind,
        team: Some(Team::Sales),
        text: "Threshold 75".into(),
        rule: rule.map(str::to_owned),
        date: "2026-12-02".into(),
    };
    let notes = [
        note(NoteKind::Decision, Some("fit-core-industry")),
        note(NoteKind::Question, None),
        note(NoteKind::ParkingLot, None),
    ];
    let mut model = common::default_model();
    let before = model.changelog.len();
    decisions_into_changelog(&mut model, &notes);
    decisions_into_changelog(&mut model, &notes);
    assert_eq!(model.changelog.len(), before + 1);
    let entry = model.changelog.last().unwrap();
    assert_eq!(
        entry.summary,
        "decision: Threshold 75 (rule `fit-core-industry`)"
    );
    assert_eq!(entry.team, Some(Team::Sales));
    assert_eq!(entry.date, "2026-12-02");
}
