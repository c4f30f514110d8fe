//! Swedish organisationsnummer: parsing and validation.
//!
//! An organisationsnummer has ten digits, `NNNNNN-NNNN`, the last a Luhn check digit over
//! the first nine (Skatteverket, SKV 709). It may also be written in a twelve-digit form
//! prefixed `16`. A sole trader (enskild näringsidkare) has no number of its own and uses
//! the owner's personnummer, recognisable by a month (digits 3–4) of 01–12; a legal person's
//! number has 20 or more there.

use std::fmt;

use serde::Serialize;

/// A valid organisationsnummer, stored as its ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct OrgNumber([u8; 10]);

/// Why a text is not a valid organisationsnummer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    /// Characters other than digits, one hyphen and spaces.
    #[error("`{0}` contains characters other than digits and one hyphen")]
    Characters(String),
    /// Not 10 digits, nor 12 beginning with 16.
    #[error(
        "an organisationsnummer has 10 digits (NNNNNN-NNNN) or 12 beginning with 16; `{0}` has {1}"
    )]
    Length(String, usize),
    /// The check digit does not match.
    #[error("`{0}` fails the check digit (Luhn): the last digit should be {1}")]
    CheckDigit(String, u8),
}

/// What kind of holder a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// A legal person; the group digit tells its form (5 = aktiebolag, 9 = handelsbolag, …).
    LegalPerson {
        /// First digit (1 dödsbo, 2 stat/region/kommun, 3 utländskt, 5 aktiebolag,
        /// 6 enkelt bolag, 7 ekonomisk förening, 8 ideell förening/stiftelse, 9 handels-/kommanditbolag).
        group: u8,
    },
    /// A sole trader using the owner's personnummer: processing it is processing a
    /// personnummer (dataskyddslagen 3 kap. 10 §).
    SoleTrader,
}

/// The Luhn check digit for `digits` (the number without its check digit).
pub fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            // Weights 2,1,2,1,… from the left, as for personnummer.
            let p = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl OrgNumber {
    /// Parses `NNNNNN-NNNN`, `NNNNNNNNNN`, `16NNNNNN-NNNN` or `16NNNNNNNNNN`.
    pub fn parse(text: &str) -> Result<Self, OrgNumberError> {
        let t = text.trim();
        if t.chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
            || t.matches('-').count() > 1
        {
            return Err(OrgNumberError::Characters(t.to_owned()));
        }
        let mut digits: Vec<u8> = t
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        match digits.len() {
            10 => {}
            12 if digits[..2] == [1, 6] => {
                digits.drain(..2);
            }
            n => return Err(OrgNumberError::Length(t.to_owned(), n)),
        }
        let expected = luhn_check_digit(&digits[..9]);
        if digits[9] != expected {
            return Err(OrgNumberError::CheckDigit(t.to_owned(), expected));
        }
        let mut out = [0u8; 10];
        out.copy_from_slice(&digits);
        Ok(OrgNumber(out))
    }

    /// Who holds the number.
    pub fn holder(&self) -> Holder {
        if self.0[2] >= 2 {
            Holder::LegalPerson { group: self.0[0] }
        } else {
            Holder::SoleTrader
        }
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i == 6 {
                f.write_str("-")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<OrgNumber> for String {
    fn from(o: OrgNumber) -> String {
        o.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_companies_numbers() {
        for n in ["556764-3985", "556214-1993", "721203-1608"] {
            let o = OrgNumber::parse(n).unwrap();
            assert_eq!(o.to_string(), n);
        }
    }

    #[test]
    fn accepts_ten_digits_without_hyphen_and_the_sixteen_prefixed_form() {
        assert_eq!(
            OrgNumber::parse("5567643985").unwrap().to_string(),
            "556764-3985"
        );
        assert_eq!(
            OrgNumber::parse("16556764-3985").unwrap().to_string(),
            "556764-3985"
        );
        assert_eq!(
            OrgNumber::parse("165567643985").unwrap().to_string(),
            "556764-3985"
        );
    }

    #[test]
    fn rejects_a_wrong_check_digit_and_says_which_is_right() {
        assert_eq!(
            OrgNumber::parse("556764-3986"),
            Err(OrgNumberError::CheckDigit("556764-3986".into(), 5))
        );
    }

    #[test]
    fn rejects_wrong_lengths_and_prefixes() {
        assert!(matches!(
            OrgNumber::parse("55676-3985"),
            Err(OrgNumberError::Length(_, 9))
        ));
        // Twelve digits must start with 16 (19/20 would be a personnummer's century).
        assert!(matches!(
            OrgNumber::parse("195567643985"),
            Err(OrgNumberError::Length(_, 12))
        ));
        assert!(matches!(
            OrgNumber::parse(""),
            Err(OrgNumberError::Length(_, 0))
        ));
    }

    #[test]
    fn rejects_letters_and_double_hyphens() {
        assert!(matches!(
            OrgNumber::parse("SE556764398501"),
            Err(OrgNumberError::Characters(_))
        ));
        assert!(matches!(
            OrgNumber::parse("556-764-3985"),
            Err(OrgNumberError::Characters(_))
        ));
    }

    #[test]
    fn tells_legal_persons_from_sole_traders() {
        let ab = OrgNumber::parse("556214-1993").unwrap();
        assert_eq!(ab.holder(), Holder::LegalPerson { group: 5 });
        let firm = OrgNumber::parse("721203-1608").unwrap();
        assert_eq!(firm.holder(), Holder::SoleTrader);
    }

    #[test]
    fn luhn_matches_skatteverkets_example() {
        // Skatteverket's example personnummer 811218-9876: check digit 6.
        assert_eq!(luhn_check_digit(&[8, 1, 1, 2, 1, 8, 9, 8, 7]), 6);
    }
}
