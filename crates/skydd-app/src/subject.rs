//! The person a request is about: the identities given, parsed and normalised, each with
//! the text as written (the spellings to search for start from it).

use jiff::civil::Date;
use skydd_core::identity::{Identity, IdentityKind};

use crate::error::AppError;

/// The identities as given, before they are read.
#[derive(Debug, Clone, Default)]
pub struct IdentityInput {
    /// E-mail addresses.
    pub email: Vec<String>,
    /// Phone numbers.
    pub phone: Vec<String>,
    /// Personnummer or samordningsnummer.
    pub personnummer: Vec<String>,
    /// Other identities, `KIND=VALUE` (the data map's identity names).
    pub identity: Vec<String>,
}

/// The person a request is about: one or more identities.
#[derive(Debug, Clone)]
pub struct Subject {
    ids: Vec<(Identity, String)>,
}

impl Subject {
    /// Reads the identities as of `today` (a personnummer's century depends on it); the
    /// first that does not read is the error, and a request must name at least one.
    pub fn parse(input: &IdentityInput, today: Date) -> Result<Subject, AppError> {
        let mut ids = Vec::new();
        let mut push = |kind: IdentityKind, text: &str| -> Result<(), AppError> {
            let id =
                Identity::parse(kind, text, today).map_err(|e| AppError::Invalid(e.to_string()))?;
            ids.push((id, text.to_owned()));
            Ok(())
        };
        for e in &input.email {
            push(IdentityKind::Email, e)?;
        }
        for p in &input.phone {
            push(IdentityKind::Phone, p)?;
        }
        for p in &input.personnummer {
            push(IdentityKind::Personnummer, p)?;
        }
        for i in &input.identity {
            let bad = |why: &str| {
                AppError::Invalid(format!(
                    "--identity `{i}`: {why}write KIND=VALUE, e.g. customer_number=C-1001"
                ))
            };
            let Some((k, v)) = i.split_once('=') else {
                return Err(bad(""));
            };
            if k.trim().is_empty() {
                return Err(bad("the kind before `=` is empty; "));
            }
            if v.trim().is_empty() {
                return Err(bad("the value after `=` is empty; "));
            }
            push(IdentityKind::from_fides(k), v)?;
        }
        if ids.is_empty() {
            return Err(AppError::Invalid(
                "name the person: --email, --phone, --personnummer or --identity KIND=VALUE".into(),
            ));
        }
        Ok(Subject { ids })
    }

    /// A subject of identities already read.
    pub fn of(ids: Vec<(Identity, String)>) -> Subject {
        Subject { ids }
    }

    /// The identities, each with its text as given.
    pub fn ids(&self) -> &[(Identity, String)] {
        &self.ids
    }

    /// The keys skydd's state knows the person by (`email:anna@example.se`), one per
    /// identity.
    pub fn keys(&self) -> Vec<String> {
        self.ids.iter().map(|(i, _)| i.subject_key()).collect()
    }

    /// The kind of the first identity, for request ids.
    pub fn first_kind(&self) -> &str {
        self.ids.first().map_or("x", |(i, _)| i.kind.key())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn invalid(input: &IdentityInput) -> String {
        match Subject::parse(input, Date::constant(2025, 6, 1)) {
            Err(AppError::Invalid(m)) => m,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_request_names_the_person_by_one_identity_or_more() {
        let none = IdentityInput::default();
        assert!(invalid(&none).starts_with("name the person"));
        let input = IdentityInput {
            email: vec!["Anna@Example.se".into()],
            identity: vec!["customer_number=C-1001".into()],
            ..Default::default()
        };
        let s = Subject::parse(&input, Date::constant(2025, 6, 1)).unwrap();
        assert_eq!(s.ids().len(), 2);
        assert_eq!(s.keys()[0], "email:anna@example.se");
        assert_eq!(s.first_kind(), "email");
    }

    #[test]
    fn an_identity_of_another_kind_is_written_kind_equals_value() {
        for (given, says) in [
            ("C-1001", "--identity `C-1001`: write KIND=VALUE"),
            ("=C-1001", "the kind before `=` is empty"),
            ("customer_number= ", "the value after `=` is empty"),
        ] {
            let input = IdentityInput {
                identity: vec![given.into()],
                ..Default::default()
            };
            assert!(invalid(&input).contains(says), "{given}");
        }
    }
}
