//! An erasure plan as the journal keeps it: everything a process that resumes the erasure
//! after a crash needs to finish it exactly as planned — the steps with their before and
//! after values (the writes stay conditional on the rows the plan read), the fields kept
//! and why (the legal holds and the Art. 18(2) restriction come from them), the rows shared
//! with others, and the request it answers.
//!
//! The core's plan types serialise for reports only (a value's JSON cannot tell an integer
//! from its text, or bytes from a string), so the journal has its own exact form, read
//! back into the core's types. A journal that does not read is [`AppError::Corrupt`]:
//! nothing is guessed, since the writes it drives change a company's database.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use skydd_core::datamap::{CollectionRef, Masking};
use skydd_core::plan::erasure::{self, Change, ErasurePlan, KeepReason, Kept, SharedKept, Step};
use skydd_core::plan::sharing::SharedWith;
use skydd_core::rights;
use skydd_core::value::Value;
use skydd_store::{Hold, NewRestriction};

use crate::error::AppError;

/// The form's version: a journal written by another form is refused, not misread.
const VERSION: u32 = 1;

/// Why the restriction that follows an erasure exists (Art. 18(2)).
pub(crate) const HOLD_REASON: &str = "kept after erasure by a legal obligation";

/// A journalled erasure: the plan and the request it answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Journalled {
    version: u32,
    /// The person, as the request log names them (subject keys, space-separated).
    pub subject: String,
    /// The day the request was received.
    pub received: Date,
    /// Rows the plan was made from.
    pub rows_found: usize,
    steps: BTreeMap<String, Vec<JStep>>,
    kept: Vec<JKept>,
    shared: Vec<JShared>,
}

impl Journalled {
    /// The plan of a request, ready to journal.
    pub fn of(plan: &ErasurePlan, subject: String, received: Date, rows_found: usize) -> Self {
        Journalled {
            version: VERSION,
            subject,
            received,
            rows_found,
            steps: plan
                .steps
                .iter()
                .map(|(d, s)| (d.clone(), s.iter().map(JStep::from).collect()))
                .collect(),
            kept: plan.kept.iter().map(JKept::from).collect(),
            shared: plan.shared.iter().map(JShared::from).collect(),
        }
    }

    /// Reads a journal's plan.
    pub fn parse(id: &str, text: &str) -> Result<Self, AppError> {
        let j: Journalled = serde_json::from_str(text).map_err(|e| {
            AppError::Corrupt(format!(
                "skydd's state holds erasure {id} with a plan that does not read ({e}); nothing was changed. Restore the state from a backup, or mark the erasure failed and erase the person again"
            ))
        })?;
        if j.version != VERSION {
            return Err(AppError::Corrupt(format!(
                "skydd's state holds erasure {id} journalled in form {} (this skydd reads form {VERSION}); finish it with the skydd that started it",
                j.version
            )));
        }
        Ok(j)
    }

    /// As the journal stores it.
    pub fn to_json(&self) -> Result<String, AppError> {
        Ok(serde_json::to_string(self)?)
    }

    /// The plan, in the core's types.
    pub fn plan(&self) -> ErasurePlan {
        ErasurePlan {
            steps: self
                .steps
                .iter()
                .map(|(d, s)| (d.clone(), s.iter().map(JStep::to_step).collect()))
                .collect(),
            kept: self.kept.iter().map(JKept::to_kept).collect(),
            shared: self.shared.iter().map(JShared::to_shared).collect(),
            blockers: Vec::new(),
        }
    }

    /// The steps of one dataset.
    pub fn steps_of(&self, dataset: &str) -> Vec<Step> {
        self.steps
            .get(dataset)
            .map(|s| s.iter().map(JStep::to_step).collect())
            .unwrap_or_default()
    }

    /// The datasets with steps, in the order they are applied.
    pub fn datasets(&self) -> impl Iterator<Item = &String> {
        self.steps
            .iter()
            .filter(|(_, s)| !s.is_empty())
            .map(|(d, _)| d)
    }

    /// Adds what an earlier journal of the same request kept and did not plan again: a
    /// plan made afresh no longer finds rows whose identities the earlier one already
    /// erased, but their held fields must still be recorded.
    pub fn keep_also(&mut self, earlier: &Journalled) {
        for k in &earlier.kept {
            if !self.kept.iter().any(|x| x.same_field(k)) {
                self.kept.push(k.clone());
            }
        }
        self.rows_found = self.rows_found.max(earlier.rows_found);
    }

    /// The fields kept by legal obligations, for each of `subjects`, and the restriction
    /// that limits them to those obligations' purposes (Art. 18(2)), when any is kept.
    pub fn holds(&self, subjects: &[String]) -> (Vec<Hold>, Vec<NewRestriction>) {
        let mut holds = Vec::new();
        let mut allowed = std::collections::BTreeSet::new();
        for k in &self.kept {
            let JReason::LegalObligation {
                purpose,
                statute,
                until,
            } = &k.reason
            else {
                continue;
            };
            allowed.insert(purpose.clone());
            let row_key = erasure::key_string(&values(&k.key));
            for s in subjects {
                holds.push(Hold {
                    subject: s.clone(),
                    collection: k.collection.to_ref().to_string(),
                    row_key: row_key.clone(),
                    field: k.field.clone(),
                    purpose: purpose.clone(),
                    statute: statute.clone(),
                    until: until.map(|d| d.to_string()),
                });
            }
        }
        let restrictions = if holds.is_empty() {
            Vec::new()
        } else {
            let allowed: Vec<String> = allowed.into_iter().collect();
            subjects
                .iter()
                .map(|s| NewRestriction {
                    subject: s.clone(),
                    kind: rights::Kind::ErasureHold,
                    purpose: None,
                    allowed: allowed.clone(),
                    reason: Some(HOLD_REASON.into()),
                })
                .collect()
        };
        (holds, restrictions)
    }

    /// What the request log says the erasure did.
    pub fn summary(&self, held: usize) -> serde_json::Value {
        serde_json::json!({
            "steps": self.steps.values().map(Vec::len).sum::<usize>(),
            "held": held,
            "shared_rows_kept": self.shared.len(),
        })
    }
}

/// A value exactly: the variant says the type, a float is its bits (a JSON number would not
/// keep every `f64`, nor NaN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum JValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<&Value> for JValue {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => JValue::Null,
            Value::Bool(b) => JValue::Bool(*b),
            Value::Int(i) => JValue::Int(*i),
            Value::Float(f) => JValue::Float(f.to_bits()),
            Value::Text(t) => JValue::Text(t.clone()),
            Value::Bytes(b) => JValue::Bytes(b.clone()),
        }
    }
}

impl JValue {
    fn to_value(&self) -> Value {
        match self {
            JValue::Null => Value::Null,
            JValue::Bool(b) => Value::Bool(*b),
            JValue::Int(i) => Value::Int(*i),
            JValue::Float(bits) => Value::Float(f64::from_bits(*bits)),
            JValue::Text(t) => Value::Text(t.clone()),
            JValue::Bytes(b) => Value::Bytes(b.clone()),
        }
    }
}

fn key_of(key: &[(String, Value)]) -> Vec<(String, JValue)> {
    key.iter().map(|(c, v)| (c.clone(), v.into())).collect()
}

fn values(key: &[(String, JValue)]) -> Vec<(String, Value)> {
    key.iter().map(|(c, v)| (c.clone(), v.to_value())).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct JCollection {
    dataset: String,
    collection: String,
}

impl From<&CollectionRef> for JCollection {
    fn from(c: &CollectionRef) -> Self {
        JCollection {
            dataset: c.dataset.clone(),
            collection: c.collection.clone(),
        }
    }
}

impl JCollection {
    fn to_ref(&self) -> CollectionRef {
        CollectionRef {
            dataset: self.dataset.clone(),
            collection: self.collection.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
enum JStep {
    Update {
        collection: JCollection,
        key: Vec<(String, JValue)>,
        set: Vec<JChange>,
    },
    Delete {
        collection: JCollection,
        key: Vec<(String, JValue)>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JChange {
    field: String,
    strategy: JMasking,
    before: JValue,
    after: JValue,
    unlink: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "snake_case")]
enum JMasking {
    Null,
    Fixed { value: String },
    Hmac,
    Random { length: usize },
    Delete,
}

impl From<&Masking> for JMasking {
    fn from(m: &Masking) -> Self {
        match m {
            Masking::Null => JMasking::Null,
            Masking::Fixed { value } => JMasking::Fixed {
                value: value.clone(),
            },
            Masking::Hmac => JMasking::Hmac,
            Masking::Random { length } => JMasking::Random { length: *length },
            Masking::Delete => JMasking::Delete,
        }
    }
}

impl JMasking {
    fn to_masking(&self) -> Masking {
        match self {
            JMasking::Null => Masking::Null,
            JMasking::Fixed { value } => Masking::Fixed {
                value: value.clone(),
            },
            JMasking::Hmac => Masking::Hmac,
            JMasking::Random { length } => Masking::Random { length: *length },
            JMasking::Delete => Masking::Delete,
        }
    }
}

impl From<&Step> for JStep {
    fn from(s: &Step) -> Self {
        match s {
            Step::Update {
                collection,
                key,
                set,
            } => JStep::Update {
                collection: collection.into(),
                key: key_of(key),
                set: set
                    .iter()
                    .map(|c| JChange {
                        field: c.field.clone(),
                        strategy: (&c.strategy).into(),
                        before: (&c.before).into(),
                        after: (&c.after).into(),
                        unlink: c.unlink,
                    })
                    .collect(),
            },
            Step::Delete { collection, key } => JStep::Delete {
                collection: collection.into(),
                key: key_of(key),
            },
        }
    }
}

impl JStep {
    fn to_step(&self) -> Step {
        match self {
            JStep::Update {
                collection,
                key,
                set,
            } => Step::Update {
                collection: collection.to_ref(),
                key: values(key),
                set: set
                    .iter()
                    .map(|c| Change {
                        field: c.field.clone(),
                        strategy: c.strategy.to_masking(),
                        before: c.before.to_value(),
                        after: c.after.to_value(),
                        unlink: c.unlink,
                    })
                    .collect(),
            },
            JStep::Delete { collection, key } => Step::Delete {
                collection: collection.to_ref(),
                key: values(key),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JKept {
    collection: JCollection,
    key: Vec<(String, JValue)>,
    field: String,
    reason: JReason,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
enum JReason {
    LegalObligation {
        purpose: String,
        statute: Option<String>,
        until: Option<Date>,
    },
    Key,
    ReadOnly,
    AlreadyErased,
    LinkToShared {
        why: String,
    },
}

impl From<&Kept> for JKept {
    fn from(k: &Kept) -> Self {
        JKept {
            collection: (&k.collection).into(),
            key: key_of(&k.key),
            field: k.field.clone(),
            reason: match &k.reason {
                KeepReason::LegalObligation {
                    purpose,
                    statute,
                    until,
                } => JReason::LegalObligation {
                    purpose: purpose.clone(),
                    statute: statute.clone(),
                    until: *until,
                },
                KeepReason::Key => JReason::Key,
                KeepReason::ReadOnly => JReason::ReadOnly,
                KeepReason::AlreadyErased => JReason::AlreadyErased,
                KeepReason::LinkToShared { why } => JReason::LinkToShared { why: why.clone() },
            },
        }
    }
}

impl JKept {
    fn to_kept(&self) -> Kept {
        Kept {
            collection: self.collection.to_ref(),
            key: values(&self.key),
            field: self.field.clone(),
            reason: match &self.reason {
                JReason::LegalObligation {
                    purpose,
                    statute,
                    until,
                } => KeepReason::LegalObligation {
                    purpose: purpose.clone(),
                    statute: statute.clone(),
                    until: *until,
                },
                JReason::Key => KeepReason::Key,
                JReason::ReadOnly => KeepReason::ReadOnly,
                JReason::AlreadyErased => KeepReason::AlreadyErased,
                JReason::LinkToShared { why } => KeepReason::LinkToShared { why: why.clone() },
            },
        }
    }

    fn same_field(&self, other: &JKept) -> bool {
        self.collection == other.collection && self.key == other.key && self.field == other.field
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JShared {
    collection: JCollection,
    key: Vec<(String, JValue)>,
    with: Vec<(String, u64)>,
}

impl From<&SharedKept> for JShared {
    fn from(s: &SharedKept) -> Self {
        JShared {
            collection: (&s.collection).into(),
            key: key_of(&s.key),
            with: s
                .with
                .iter()
                .map(|w| (w.collection.clone(), w.rows))
                .collect(),
        }
    }
}

impl JShared {
    fn to_shared(&self) -> SharedKept {
        SharedKept {
            collection: self.collection.to_ref(),
            key: values(&self.key),
            with: self
                .with
                .iter()
                .map(|(collection, rows)| SharedWith {
                    collection: collection.clone(),
                    rows: *rows,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn customer() -> CollectionRef {
        CollectionRef {
            dataset: "shop".into(),
            collection: "customer".into(),
        }
    }

    /// A plan with every kind of value and reason the journal must carry.
    fn plan() -> ErasurePlan {
        let key = vec![("id".to_owned(), Value::Int(7))];
        let mut steps = BTreeMap::new();
        steps.insert(
            "shop".to_owned(),
            vec![
                Step::Update {
                    collection: customer(),
                    key: key.clone(),
                    set: vec![
                        Change {
                            field: "email".into(),
                            strategy: Masking::Hmac,
                            before: Value::Text("7".into()),
                            after: Value::Text("ab12".into()),
                            unlink: false,
                        },
                        Change {
                            field: "score".into(),
                            strategy: Masking::Fixed { value: "0".into() },
                            before: Value::Float(0.1 + 0.2),
                            after: Value::Float(0.0),
                            unlink: false,
                        },
                        Change {
                            field: "photo".into(),
                            strategy: Masking::Null,
                            before: Value::Bytes(vec![0, 1, 255]),
                            after: Value::Null,
                            unlink: true,
                        },
                    ],
                },
                Step::Delete {
                    collection: customer(),
                    key: vec![("id".to_owned(), Value::Text("7".into()))],
                },
            ],
        );
        ErasurePlan {
            steps,
            kept: vec![
                Kept {
                    collection: customer(),
                    key: key.clone(),
                    field: "name".into(),
                    reason: KeepReason::LegalObligation {
                        purpose: "bookkeeping".into(),
                        statute: Some("BFL 7 kap. 2 §".into()),
                        until: Some(Date::constant(2033, 12, 31)),
                    },
                },
                Kept {
                    collection: customer(),
                    key: key.clone(),
                    field: "id".into(),
                    reason: KeepReason::Key,
                },
            ],
            shared: vec![SharedKept {
                collection: customer(),
                key,
                with: vec![SharedWith {
                    collection: "shop.order".into(),
                    rows: 2,
                }],
            }],
            blockers: Vec::new(),
        }
    }

    #[test]
    fn a_journalled_plan_reads_back_exactly() {
        let p = plan();
        let j = Journalled::of(&p, "email:a@b.se".into(), Date::constant(2025, 3, 1), 4);
        let back = Journalled::parse("e1", &j.to_json().unwrap())
            .unwrap()
            .plan();
        // The core's report form of both is the same, and the values keep their types
        // (a text "7" is not the integer 7, bytes are not their hex, a float every bit).
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&p).unwrap()
        );
        let (Step::Update { set, .. }, Step::Update { set: set0, .. }) =
            (&back.steps["shop"][0], &p.steps["shop"][0])
        else {
            panic!("an update");
        };
        for (a, b) in set.iter().zip(set0) {
            assert_eq!(a.before, b.before);
            assert_eq!(a.after, b.after);
        }
        let Step::Delete { key, .. } = &back.steps["shop"][1] else {
            panic!("a delete");
        };
        assert_eq!(key[0].1, Value::Text("7".into()));
    }

    #[test]
    fn holds_and_the_restriction_come_from_the_legal_obligations_only() {
        let j = Journalled::of(&plan(), "x".into(), Date::constant(2025, 3, 1), 4);
        let (holds, restrictions) = j.holds(&["email:a@b.se".into(), "phone:+467".into()]);
        assert_eq!(holds.len(), 2, "one field, for each of the person's keys");
        assert_eq!(holds[0].row_key, "id=7");
        assert_eq!(holds[0].until.as_deref(), Some("2033-12-31"));
        assert_eq!(restrictions.len(), 2);
        assert_eq!(restrictions[0].allowed, vec!["bookkeeping".to_owned()]);
        assert_eq!(restrictions[0].kind, rights::Kind::ErasureHold);
    }

    #[test]
    fn a_plan_that_does_not_read_is_corrupt_not_guessed() {
        for text in [
            "{}",
            r#"{"version":1}"#,
            &Journalled::of(&plan(), "x".into(), Date::constant(2025, 3, 1), 1)
                .to_json()
                .unwrap()
                .replace("\"version\":1", "\"version\":2"),
        ] {
            let e = Journalled::parse("e1", text).unwrap_err();
            assert!(matches!(e, AppError::Corrupt(_)), "{text}: {e:?}");
        }
    }

    #[test]
    fn a_later_plan_keeps_what_an_earlier_one_held() {
        let earlier = Journalled::of(&plan(), "x".into(), Date::constant(2025, 3, 1), 4);
        let mut later = Journalled::of(
            &ErasurePlan::default(),
            "x".into(),
            Date::constant(2025, 3, 1),
            0,
        );
        later.keep_also(&earlier);
        later.keep_also(&earlier);
        let (holds, _) = later.holds(&["s".into()]);
        assert_eq!(holds.len(), 1);
        assert_eq!(later.rows_found, 4);
    }
}
