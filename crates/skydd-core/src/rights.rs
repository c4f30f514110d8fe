//! Whether processing a person's data for a purpose is allowed, given what they asked for:
//! restriction (GDPR Art. 18), objection (Art. 21), withdrawn consent (Art. 7(3)), and the
//! restriction that follows an erasure whose data a legal obligation keeps (Art. 17(3)(b),
//! 18(2)). Pure: the store supplies the records, the shell asks the question.

use serde::Serialize;

/// What a person asked for, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Restriction of processing (Art. 18): only storage, or the purposes listed as allowed.
    Restriction,
    /// Objection to a purpose (Art. 21); to direct marketing it is absolute (Art. 21(3)).
    Objection,
    /// Consent to a purpose withdrawn (Art. 7(3)).
    ConsentWithdrawn,
    /// Data kept after an erasure because a legal obligation requires it: processing only
    /// for that obligation.
    ErasureHold,
}

impl Kind {
    /// The key stored and shown.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Restriction => "restriction",
            Kind::Objection => "objection",
            Kind::ConsentWithdrawn => "consent_withdrawn",
            Kind::ErasureHold => "erasure_hold",
        }
    }

    /// The kind with `key`.
    pub fn from_key(key: &str) -> Option<Kind> {
        [
            Kind::Restriction,
            Kind::Objection,
            Kind::ConsentWithdrawn,
            Kind::ErasureHold,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }

    /// The article it rests on.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Restriction => "GDPR art. 18",
            Kind::Objection => "GDPR art. 21",
            Kind::ConsentWithdrawn => "GDPR art. 7.3",
            Kind::ErasureHold => "GDPR art. 17.3 b, 18.2",
        }
    }
}

/// One active record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restriction {
    /// The person (`email:anna@example.se`).
    pub subject: String,
    /// What they asked for.
    pub kind: Kind,
    /// The purpose it concerns; `None` means every purpose.
    pub purpose: Option<String>,
    /// Purposes still allowed despite it (for a restriction: e.g. legal claims; for an
    /// erasure hold: the legal obligation).
    pub allowed: Vec<String>,
    /// When it was recorded (ISO date-time).
    pub since: String,
}

/// The answer to "may we process this person's data for this purpose?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Allowed or not.
    pub allowed: bool,
    /// The record that forbids it, when not allowed.
    pub because: Option<Restriction>,
}

/// Decides for `purpose` given a person's active records.
pub fn may(records: &[Restriction], purpose: &str) -> Decision {
    for r in records {
        let concerns = r.purpose.as_deref().is_none_or(|p| p == purpose);
        if concerns && !r.allowed.iter().any(|a| a == purpose) {
            return Decision {
                allowed: false,
                because: Some(r.clone()),
            };
        }
    }
    Decision {
        allowed: true,
        because: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: Kind, purpose: Option<&str>, allowed: &[&str]) -> Restriction {
        Restriction {
            subject: "email:anna@example.se".into(),
            kind,
            purpose: purpose.map(str::to_owned),
            allowed: allowed.iter().map(|s| (*s).to_owned()).collect(),
            since: "2026-11-21T10:00:00".into(),
        }
    }

    #[test]
    fn nothing_recorded_means_allowed() {
        assert!(may(&[], "newsletter").allowed);
    }

    #[test]
    fn an_objection_forbids_only_its_purpose() {
        let recs = [r(Kind::Objection, Some("newsletter"), &[])];
        assert!(!may(&recs, "newsletter").allowed);
        assert!(may(&recs, "invoicing").allowed);
        assert_eq!(
            may(&recs, "newsletter").because.unwrap().kind,
            Kind::Objection
        );
    }

    #[test]
    fn a_restriction_forbids_everything_but_what_it_allows() {
        let recs = [r(Kind::Restriction, None, &["legal-claims"])];
        assert!(!may(&recs, "newsletter").allowed);
        assert!(!may(&recs, "customers").allowed);
        assert!(may(&recs, "legal-claims").allowed);
    }

    #[test]
    fn after_an_erasure_only_the_legal_obligation_may_use_the_kept_data() {
        let recs = [r(Kind::ErasureHold, None, &["bookkeeping"])];
        assert!(may(&recs, "bookkeeping").allowed);
        assert!(!may(&recs, "newsletter").allowed);
    }

    #[test]
    fn kinds_round_trip_through_their_keys() {
        for k in [
            Kind::Restriction,
            Kind::Objection,
            Kind::ConsentWithdrawn,
            Kind::ErasureHold,
        ] {
            assert_eq!(Kind::from_key(k.key()), Some(k));
        }
        assert_eq!(Kind::from_key("nope"), None);
    }
}
