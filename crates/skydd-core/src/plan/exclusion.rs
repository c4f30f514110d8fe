//! The rows a retention sweep must leave alone. A person who restricted processing
//! (GDPR Art. 18(1)) has their data stored only, not erased, e.g. while they establish a legal
//! claim: their rows are found by their identities and excluded from every job by key.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::World;
use super::erasure::FoundRows;
use super::retention::RetentionPlan;
use crate::identity::{Identity, IdentityKind};
use crate::rights::{Kind, Restriction};
use crate::value::Value;

/// Row keys to leave alone, by collection (`dataset.collection`).
pub type Exclusions = BTreeMap<String, Vec<Vec<Value>>>;

/// The subjects with an active restriction of processing (Art. 18), from every active
/// record by subject. Objections and withdrawn consent stop processing for a purpose but
/// do not ask for the data to be kept, so they do not hold retention back.
pub fn restricted_subjects(active: &BTreeMap<String, Vec<Restriction>>) -> Vec<String> {
    active
        .iter()
        .filter(|(_, rs)| rs.iter().any(|r| r.kind == Kind::Restriction))
        .map(|(s, _)| s.clone())
        .collect()
}

/// The identity a subject key (`email:anna@example.se`) stands for, with its value as
/// written; `None` for a key that does not read as one.
pub fn subject_identity(subject: &str, today: Date) -> Option<(Identity, String)> {
    let (kind, value) = subject.split_once(':')?;
    let id = Identity::parse(IdentityKind::from_fides(kind), value, today).ok()?;
    Some((id, value.to_owned()))
}

/// Adds the keys of the rows found for a restricted person to `into`. A row without a
/// complete key cannot be named, so it is not listed.
pub fn add_found(world: &World<'_>, found: &[FoundRows], into: &mut Exclusions) {
    for f in found {
        let key = world.row_key(&f.collection);
        for row in &f.rows {
            let k: Option<Vec<Value>> = key.iter().map(|c| f.get(row, c).cloned()).collect();
            if let Some(k) = k {
                into.entry(f.collection.to_string()).or_default().push(k);
            }
        }
    }
}

/// Tells every job of the plan the rows of its collection to leave alone.
pub fn apply(plan: &mut RetentionPlan, exclusions: &Exclusions) {
    for job in &mut plan.jobs {
        if let Some(keys) = exclusions.get(&job.collection.to_string()) {
            job.exclude.clone_from(keys);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn record(subject: &str, kind: Kind) -> Restriction {
        Restriction {
            subject: subject.into(),
            kind,
            purpose: None,
            allowed: Vec::new(),
            since: "2025-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn only_a_restriction_holds_retention_back() {
        let mut active = BTreeMap::new();
        for (s, k) in [
            ("email:a@example.se", Kind::Restriction),
            ("email:b@example.se", Kind::Objection),
            ("email:c@example.se", Kind::ConsentWithdrawn),
            ("email:d@example.se", Kind::ErasureHold),
        ] {
            active.insert(s.to_owned(), vec![record(s, k)]);
        }
        assert_eq!(restricted_subjects(&active), vec!["email:a@example.se"]);
    }

    #[test]
    fn a_subject_key_reads_back_as_its_identity() {
        let today = Date::constant(2025, 6, 1);
        let (id, value) = subject_identity("email:anna@example.se", today).unwrap();
        assert_eq!(id.kind, IdentityKind::Email);
        assert_eq!(value, "anna@example.se");
        assert!(subject_identity("no colon", today).is_none());
        assert!(subject_identity("email:not an address", today).is_none());
    }
}
