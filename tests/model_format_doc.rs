#[test]
fn probe() {
    let text = include_str!("../models/default.ron");
    let model = mql_studio::format::model_from_str(text).unwrap();
    let out = mql_studio::format::model_to_string(&model).unwrap();
    std::fs::write("/tmp/default_rt.ron", &out).unwrap();
    let mut m = mql_studio::model::Model::new("x");
    m.changelog.push(mql_studio::model::ChangelogEntry {
        date: "2026-01-01".into(),
        team: None,
        summary: "s\"q\nnew".into(),
    });
    m.fit.rules.push(mql_studio::model::FitRule {
        id: "a".into(),
        label: String::new(),
        field: "f".into(),
        condition: mql_studio::model::Condition::Between { min: 1.0, max: 2.5 },
        points: 1e20,
        enabled: true,
        proposed_by: None,
        rationale: String::new(),
    });
    println!("{}", mql_studio::format::model_to_string(&m).unwrap());
    for p in mql_studio::validate::validate(&model) {
        println!("{p}");
    }
}
