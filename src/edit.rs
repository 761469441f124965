//! Edits to a model, as values, and the one function that applies them ([`Model::apply`]).
//!
//! The workshop app's panels describe what the user asked for as a [`ModelEdit`] instead of
//! changing the model in place, so every change goes through one gate. That gate is the only
//! place that knows that a signed model is locked: while it carries signatures, only edits to the
//! agreement record itself (sign, withdraw, clear the signatures) are accepted.

mod columns;

pub use columns::ColumnMapping;

use crate::diff::RuleKind;
use crate::model::{
    Band, Combine, EngagementRule, FieldSpec, FitRule, Model, ModelStatus, Override, SignOff, Team,
};

/// One change to a model.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelEdit {
    SetName(String),
    SetDescription(String),
    /// The cell texts that count as missing (`Model::missing_values`), the whole list at once.
    SetMissingValues(Vec<String>),
    /// The scoring settings: scale, mix, threshold, nurture band and gates.
    SetCombine(Combine),
    SetThreshold(f64),
    /// A suggested threshold, taken: the threshold, with the nurture band narrowed when it would
    /// reach below 0 (so the model stays valid: the band starts at 0 at most).
    UseThreshold(f64),
    /// The fit and engagement caps.
    SetCaps {
        fit: f64,
        engagement: f64,
    },
    SetGrades {
        fit: Vec<Band>,
        engagement: Vec<Band>,
    },
    /// A fit or engagement rule's points, found by id (calibration's suggestions).
    SetRulePoints {
        id: String,
        points: f64,
    },
    /// A joint fit's result, taken as one step: every rule's points (and a per-occurrence rule's
    /// cap) as `fitted` has them for the rules both models have, and its threshold, nurture band
    /// and gates.
    UseFittedPoints(Box<Model>),
    /// Fit rules found by the miner, added at the end with the fields they need declared (a
    /// field is added only when the model has none of that name; a rule whose id is taken gets
    /// a fresh one).
    AddMinedRules {
        rules: Vec<FitRule>,
        fields: Vec<FieldSpec>,
    },
    Fit(ListEdit<FitRule>),
    Engagement(ListEdit<EngagementRule>),
    Override(ListEdit<Override>),
    /// Makes one rule what it is in `other`: added, replaced, or removed when `other` has no rule
    /// with that id (the compare view's "take it").
    TakeRule {
        kind: RuleKind,
        id: String,
        other: Box<Model>,
    },
    /// A leads file's column mapped to a field (as an alias), an activity's count column, or
    /// nothing (the import check).
    MapColumn {
        header: String,
        mapping: ColumnMapping,
    },
    Sign(SignOff),
    WithdrawSignature(Team),
    /// "Edit anyway": drops the signatures so the model can be edited again.
    ClearSignOffs,
}

/// A change to one list of rules. Positions are those of the model the edit was made against;
/// `Replace` carries the rule as it was, so an edit made against an older model is refused
/// rather than applied to the wrong rule.
#[derive(Clone, Debug, PartialEq)]
pub enum ListEdit<R> {
    Replace {
        index: usize,
        before: R,
        after: R,
    },
    Add(R),
    MoveUp(usize),
    MoveDown(usize),
    /// A copy right after the original, with a fresh id and "(copy)" after its label.
    Duplicate(usize),
    Delete(usize),
}

/// Why an edit was not applied.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("the model is signed: choose \"Edit anyway\" (Sign-off tab) to change it")]
    Signed,
    #[error("the {kind} at position {index} changed before the edit arrived; nothing was changed")]
    Stale { kind: &'static str, index: usize },
    #[error("there is no {kind} at position {index}")]
    NoSuchPosition { kind: &'static str, index: usize },
    #[error("no fit or engagement rule has the id `{0}`")]
    UnknownRule(String),
}

impl ModelEdit {
    /// True for the edits a signed model accepts: the agreement record, not the content.
    pub fn is_sign_off_edit(&self) -> bool {
        matches!(
            self,
            ModelEdit::Sign(_) | ModelEdit::WithdrawSignature(_) | ModelEdit::ClearSignOffs
        )
    }
}

/// A rule in one of the model's lists.
trait ListRule: Clone + PartialEq {
    const KIND: &'static str;
    const COPY_ID: &'static str;
    fn id(&self) -> &str;
    fn rename(&mut self, id: String);
}

impl ListRule for FitRule {
    const KIND: &'static str = "fit rule";
    const COPY_ID: &'static str = "fit-copy";
    fn id(&self) -> &str {
        &self.id
    }
    fn rename(&mut self, id: String) {
        self.id = id;
        self.label = format!("{} (copy)", self.label);
    }
}

impl ListRule for EngagementRule {
    const KIND: &'static str = "engagement rule";
    const COPY_ID: &'static str = "eng-copy";
    fn id(&self) -> &str {
        &self.id
    }
    fn rename(&mut self, id: String) {
        self.id = id;
        self.label = format!("{} (copy)", self.label);
    }
}

impl ListRule for Override {
    const KIND: &'static str = "override";
    const COPY_ID: &'static str = "override-copy";
    fn id(&self) -> &str {
        &self.id
    }
    fn rename(&mut self, id: String) {
        self.id = id;
        self.label = format!("{} (copy)", self.label);
    }
}

impl Model {
    /// True while the model carries a signature: then it is locked (see [`Model::apply`]).
    pub fn is_signed(&self) -> bool {
        !self.sign_offs.is_empty()
    }

    /// Withdraws one team's signature; the model is a draft again when none is left.
    pub fn withdraw_sign_off(&mut self, team: Team) {
        self.sign_offs.retain(|s| s.team != team);
        self.status = if self.sign_offs.is_empty() {
            ModelStatus::Draft
        } else {
            ModelStatus::Proposed
        };
    }

    /// Applies one edit. Returns whether the model changed; a signed model refuses every edit
    /// but those to its signatures.
    pub fn apply(&mut self, edit: ModelEdit) -> Result<bool, EditError> {
        if self.is_signed() && !edit.is_sign_off_edit() {
            return Err(EditError::Signed);
        }
        match edit {
            ModelEdit::SetName(name) => Ok(replace(&mut self.name, name)),
            ModelEdit::SetDescription(text) => Ok(replace(&mut self.description, text)),
            ModelEdit::SetMissingValues(values) => Ok(replace(&mut self.missing_values, values)),
            ModelEdit::SetCombine(combine) => Ok(replace(&mut self.combine, combine)),
            ModelEdit::SetThreshold(threshold) => {
                Ok(replace(&mut self.combine.mql_threshold, threshold))
            }
            ModelEdit::UseThreshold(threshold) => {
                let band = self.combine.nurture_band.min(threshold.max(0.0));
                let band_changed = replace(&mut self.combine.nurture_band, band);
                Ok(replace(&mut self.combine.mql_threshold, threshold) | band_changed)
            }
            ModelEdit::SetCaps { fit, engagement } => {
                let fit_changed = replace(&mut self.fit.max_points, fit);
                Ok(replace(&mut self.engagement.max_points, engagement) | fit_changed)
            }
            ModelEdit::SetGrades { fit, engagement } => {
                let fit_changed = replace(&mut self.fit_grades, fit);
                Ok(replace(&mut self.engagement_levels, engagement) | fit_changed)
            }
            ModelEdit::SetRulePoints { id, points } => {
                if let Some(rule) = self.fit.rules.iter_mut().find(|r| r.id == id) {
                    Ok(replace(&mut rule.points, points))
                } else if let Some(rule) = self.engagement.rules.iter_mut().find(|r| r.id == id) {
                    Ok(replace(&mut rule.points, points))
                } else {
                    Err(EditError::UnknownRule(id))
                }
            }
            ModelEdit::Fit(edit) => {
                let fresh = self.fresh_id(FitRule::COPY_ID);
                apply_list_edit(&mut self.fit.rules, edit, fresh)
            }
            ModelEdit::Engagement(edit) => {
                let fresh = self.fresh_id(EngagementRule::COPY_ID);
                apply_list_edit(&mut self.engagement.rules, edit, fresh)
            }
            ModelEdit::Override(edit) => {
                let fresh = self.fresh_id(Override::COPY_ID);
                apply_list_edit(&mut self.overrides, edit, fresh)
            }
            ModelEdit::UseFittedPoints(fitted) => {
                let mut changed = false;
                for rule in &mut self.fit.rules {
                    if let Some(new) = fitted.fit.rules.iter().find(|r| r.id == rule.id) {
                        changed |= replace(&mut rule.points, new.points);
                    }
                }
                for rule in &mut self.engagement.rules {
                    if let Some(new) = fitted.engagement.rules.iter().find(|r| r.id == rule.id) {
                        changed |= replace(&mut rule.points, new.points);
                        changed |= replace(&mut rule.cap, new.cap);
                    }
                }
                let band = fitted.combine.nurture_band;
                changed |= replace(&mut self.combine.nurture_band, band);
                changed |= replace(
                    &mut self.combine.mql_threshold,
                    fitted.combine.mql_threshold,
                );
                // The gates were moved to the new points (the same share of leads held back).
                changed |= replace(&mut self.combine.min_fit, fitted.combine.min_fit);
                changed |= replace(
                    &mut self.combine.min_engagement,
                    fitted.combine.min_engagement,
                );
                Ok(changed)
            }
            ModelEdit::AddMinedRules { rules, fields } => {
                let mut changed = false;
                for field in fields {
                    if self.field_spec(&field.name).is_none() {
                        self.fields.push(field);
                        changed = true;
                    }
                }
                for mut rule in rules {
                    if self.rule_ids().any(|id| id == rule.id) {
                        rule.id = self.fresh_id(&rule.id);
                    }
                    self.fit.rules.push(rule);
                    changed = true;
                }
                Ok(changed)
            }
            ModelEdit::TakeRule { kind, id, other } => Ok(match kind {
                RuleKind::Fit => take_rule(&mut self.fit.rules, &other.fit.rules, &id),
                RuleKind::Engagement => {
                    take_rule(&mut self.engagement.rules, &other.engagement.rules, &id)
                }
                RuleKind::Override => take_rule(&mut self.overrides, &other.overrides, &id),
            }),
            ModelEdit::MapColumn { header, mapping } => Ok(self.map_column(&header, mapping)),
            ModelEdit::Sign(sign_off) => {
                let before = (self.sign_offs.clone(), self.status);
                self.sign(sign_off);
                Ok((self.sign_offs.clone(), self.status) != before)
            }
            ModelEdit::WithdrawSignature(team) => {
                let signed = self.signed_by(team).is_some();
                if signed {
                    self.withdraw_sign_off(team);
                }
                Ok(signed)
            }
            ModelEdit::ClearSignOffs => {
                let changed = self.is_signed() || self.status != ModelStatus::Draft;
                self.clear_sign_offs();
                Ok(changed)
            }
        }
    }
}

/// Sets `slot` to `value`; true when that changed it.
fn replace<T: PartialEq>(slot: &mut T, value: T) -> bool {
    if *slot == value {
        return false;
    }
    *slot = value;
    true
}

fn apply_list_edit<R: ListRule>(
    rules: &mut Vec<R>,
    edit: ListEdit<R>,
    fresh_id: String,
) -> Result<bool, EditError> {
    let len = rules.len();
    let missing = |index: usize| EditError::NoSuchPosition {
        kind: R::KIND,
        index,
    };
    match edit {
        ListEdit::Replace {
            index,
            before,
            after,
        } => {
            let slot = rules.get_mut(index).ok_or_else(|| missing(index))?;
            if *slot != before {
                return Err(EditError::Stale {
                    kind: R::KIND,
                    index,
                });
            }
            Ok(replace(slot, after))
        }
        ListEdit::Add(rule) => {
            rules.push(rule);
            Ok(true)
        }
        ListEdit::MoveUp(index) if index > 0 && index < len => {
            rules.swap(index, index - 1);
            Ok(true)
        }
        ListEdit::MoveDown(index) if index + 1 < len => {
            rules.swap(index, index + 1);
            Ok(true)
        }
        ListEdit::MoveUp(index) | ListEdit::MoveDown(index) => {
            // Already at the end it would move past: nothing to do, and nothing wrong.
            if index < len {
                Ok(false)
            } else {
                Err(missing(index))
            }
        }
        ListEdit::Duplicate(index) => {
            let mut copy = rules.get(index).ok_or_else(|| missing(index))?.clone();
            copy.rename(fresh_id);
            rules.insert(index + 1, copy);
            Ok(true)
        }
        ListEdit::Delete(index) if index < len => {
            rules.remove(index);
            Ok(true)
        }
        ListEdit::Delete(index) => Err(missing(index)),
    }
}

/// Makes the rule `id` in `mine` what it is in `theirs`: replaced in place, added at the end, or
/// removed. True when that changed `mine`.
fn take_rule<R: ListRule>(mine: &mut Vec<R>, theirs: &[R], id: &str) -> bool {
    let their_rule = theirs.iter().find(|r| r.id() == id);
    let my_index = mine.iter().position(|r| r.id() == id);
    match (their_rule, my_index) {
        (Some(rule), Some(index)) => mine
            .get_mut(index)
            .is_some_and(|slot| replace(slot, rule.clone())),
        (Some(rule), None) => {
            // Where theirs has it: after the nearest rule before it that both have, so taking
            // rules one by one never leaves the two lists in a different order.
            let their_index = theirs.iter().position(|r| r.id() == id).unwrap_or(0);
            let at = theirs[..their_index]
                .iter()
                .rev()
                .find_map(|before| mine.iter().position(|r| r.id() == before.id()))
                .map_or(0, |index| index + 1);
            mine.insert(at.min(mine.len()), rule.clone());
            true
        }
        (None, Some(index)) => {
            mine.remove(index);
            true
        }
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Condition;

    fn rule(id: &str, points: f64) -> FitRule {
        FitRule {
            id: id.to_owned(),
            label: id.to_uppercase(),
            field: "industry".to_owned(),
            condition: Condition::OneOf(vec!["SaaS".to_owned()]),
            points,
            enabled: true,
            proposed_by: None,
            rationale: String::new(),
        }
    }

    fn model() -> Model {
        let mut model = Model::new("m");
        model.fit.rules = vec![rule("a", 10.0), rule("b", 20.0), rule("c", 30.0)];
        model
    }

    fn ids(model: &Model) -> Vec<&str> {
        model.fit.rules.iter().map(|r| r.id.as_str()).collect()
    }

    fn signature(team: Team) -> SignOff {
        SignOff {
            team,
            person: "Ada".to_owned(),
            date: "2026-11-01".to_owned(),
            comment: String::new(),
        }
    }

    #[test]
    fn a_suggested_threshold_below_the_nurture_band_narrows_the_band_and_stays_valid() {
        let mut model = Model::new("t");
        model.combine.mql_threshold = 75.0;
        model.combine.nurture_band = 15.0;
        assert_eq!(model.apply(ModelEdit::UseThreshold(11.0)), Ok(true));
        assert_eq!(model.combine.mql_threshold, 11.0);
        assert_eq!(model.combine.nurture_band, 11.0, "nurture now starts at 0");
        assert!(crate::validate::is_valid(&crate::validate::validate(
            &model
        )));
        // A threshold above the band leaves the band alone.
        assert_eq!(model.apply(ModelEdit::UseThreshold(60.0)), Ok(true));
        assert_eq!(model.combine.nurture_band, 11.0);
        assert_eq!(model.apply(ModelEdit::UseThreshold(60.0)), Ok(false));
    }

    #[test]
    fn list_edits_move_copy_and_delete_rules() {
        let mut model = model();
        assert_eq!(model.apply(ModelEdit::Fit(ListEdit::MoveUp(2))), Ok(true));
        assert_eq!(ids(&model), ["a", "c", "b"]);
        assert_eq!(model.apply(ModelEdit::Fit(ListEdit::MoveDown(0))), Ok(true));
        assert_eq!(ids(&model), ["c", "a", "b"]);
        assert_eq!(model.apply(ModelEdit::Fit(ListEdit::MoveUp(0))), Ok(false));
        assert_eq!(
            model.apply(ModelEdit::Fit(ListEdit::Duplicate(1))),
            Ok(true)
        );
        assert_eq!(ids(&model), ["c", "a", "fit-copy", "b"]);
        assert_eq!(model.fit.rules[2].label, "A (copy)");
        assert_eq!(model.apply(ModelEdit::Fit(ListEdit::Delete(0))), Ok(true));
        assert_eq!(ids(&model), ["a", "fit-copy", "b"]);
        assert_eq!(
            model.apply(ModelEdit::Fit(ListEdit::Delete(3))),
            Err(EditError::NoSuchPosition {
                kind: "fit rule",
                index: 3
            })
        );
    }

    #[test]
    fn a_replace_made_against_an_older_model_is_refused() {
        let mut model = model();
        let before = model.fit.rules[1].clone();
        let after = FitRule {
            points: 25.0,
            ..before.clone()
        };
        // Another edit lands first and moves rule "b" away from position 1.
        model
            .apply(ModelEdit::Fit(ListEdit::Delete(0)))
            .expect("delete");
        let stale = ModelEdit::Fit(ListEdit::Replace {
            index: 1,
            before: before.clone(),
            after: after.clone(),
        });
        assert!(matches!(model.apply(stale), Err(EditError::Stale { .. })));
        assert_eq!(model.fit.rules[1].points, 30.0, "rule c is untouched");
        let fresh = ModelEdit::Fit(ListEdit::Replace {
            index: 0,
            before,
            after,
        });
        assert_eq!(model.apply(fresh), Ok(true));
        assert_eq!(model.fit.rules[0].points, 25.0);
    }

    #[test]
    fn a_signed_model_accepts_only_edits_to_its_signatures() {
        let mut model = model();
        model
            .apply(ModelEdit::Sign(signature(Team::Marketing)))
            .expect("signing is allowed");
        assert_eq!(model.status, ModelStatus::Proposed);
        let locked_before = model.clone();
        for edit in [
            ModelEdit::SetThreshold(10.0),
            ModelEdit::SetName("other".to_owned()),
            ModelEdit::Fit(ListEdit::Delete(0)),
            ModelEdit::SetRulePoints {
                id: "a".to_owned(),
                points: 1.0,
            },
        ] {
            assert_eq!(model.apply(edit), Err(EditError::Signed));
        }
        assert_eq!(model, locked_before, "nothing changed");
        model
            .apply(ModelEdit::Sign(signature(Team::Sales)))
            .expect("the other team signs");
        assert_eq!(model.status, ModelStatus::Agreed);
        assert_eq!(
            model.apply(ModelEdit::WithdrawSignature(Team::Sales)),
            Ok(true)
        );
        assert_eq!(model.status, ModelStatus::Proposed);
        assert_eq!(model.apply(ModelEdit::ClearSignOffs), Ok(true));
        assert!(!model.is_signed());
        assert_eq!(model.status, ModelStatus::Draft);
        assert_eq!(model.apply(ModelEdit::SetThreshold(10.0)), Ok(true));
    }

    #[test]
    fn take_rule_adds_replaces_or_removes_by_id() {
        let mut mine = model();
        let mut theirs = model();
        theirs.fit.rules[0].points = 99.0;
        theirs.fit.rules.remove(1);
        theirs.fit.rules.push(rule("d", 5.0));
        let take = |id: &str| ModelEdit::TakeRule {
            kind: RuleKind::Fit,
            id: id.to_owned(),
            other: Box::new(theirs.clone()),
        };
        assert_eq!(mine.apply(take("a")), Ok(true));
        assert_eq!(mine.fit.rules[0].points, 99.0);
        assert_eq!(mine.apply(take("a")), Ok(false), "already theirs");
        assert_eq!(mine.apply(take("b")), Ok(true));
        assert_eq!(ids(&mine), ["a", "c"]);
        assert_eq!(mine.apply(take("d")), Ok(true));
        assert_eq!(ids(&mine), ["a", "c", "d"]);
        assert_eq!(mine.apply(take("zzz")), Ok(false));
    }

    #[test]
    fn a_rule_taken_from_the_other_model_lands_where_it_is_there() {
        let mut mine = model();
        let mut theirs = model();
        theirs.fit.rules.insert(1, rule("x", 5.0));
        theirs.fit.rules.insert(0, rule("first", 5.0));
        for id in ["x", "first"] {
            let take = ModelEdit::TakeRule {
                kind: RuleKind::Fit,
                id: id.to_owned(),
                other: Box::new(theirs.clone()),
            };
            assert_eq!(mine.apply(take), Ok(true));
        }
        assert_eq!(ids(&mine), ids(&theirs));
        let diff = crate::diff::diff_models(&mine, &theirs);
        assert!(diff.is_empty(), "{:?}", diff.lines());
    }

    #[test]
    fn rule_points_by_id_and_unchanged_values() {
        let mut model = model();
        assert_eq!(
            model.apply(ModelEdit::SetRulePoints {
                id: "b".to_owned(),
                points: 20.0
            }),
            Ok(false)
        );
        assert_eq!(
            model.apply(ModelEdit::SetRulePoints {
                id: "b".to_owned(),
                points: 12.0
            }),
            Ok(true)
        );
        assert_eq!(model.fit.rules[1].points, 12.0);
        assert_eq!(
            model.apply(ModelEdit::SetRulePoints {
                id: "nope".to_owned(),
                points: 1.0
            }),
            Err(EditError::UnknownRule("nope".to_owned()))
        );
        assert_eq!(model.apply(ModelEdit::SetThreshold(75.0)), Ok(false));
    }
}
