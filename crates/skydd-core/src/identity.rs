//! Identities of a data subject: parsing, one canonical form, and the spellings to search for.
//!
//! A request from a data subject (art. 15–22 GDPR) names the person by what the company
//! knows them by: an e-mail address, a phone number, a personnummer, or an identifier of the
//! company's own (a customer number). Companies store these values inconsistently —
//! `070-123 45 67` in one table, `+46701234567` in another, `811218-9876` here and
//! `198112189876` there — so a lookup on one spelling misses rows, and a missed row is an
//! incomplete answer to the request. Each identity is therefore
//!
//! - normalised to **one canonical form**, used in skydd's own records
//!   ([`Identity::subject_key`]), so that the same person is the same key however the
//!   request was typed; and
//! - expanded into **the spellings a database is likely to hold** ([`Identity::variants`]),
//!   canonical first, so the lookup finds rows however the company stored the value.
//!
//! # Rules
//!
//! **E-mail.** Exactly one `@`, a non-empty local part, a domain of dot-separated non-empty
//! labels with at least one dot, no whitespace. The canonical form is the whole address
//! lower-cased: domains are case-insensitive (RFC 5321 §2.4), and although the local part
//! may in theory be case-sensitive, providers treat it as case-insensitive in practice.
//! Quoted local parts containing `@` (legal in RFC 5321, unseen in practice) are rejected.
//!
//! **Phone.** The canonical form is ITU-T E.164: `+`, the country code and the national
//! significant number, 7 to 15 digits in all (`+46701234567`). Spaces, hyphens, dots,
//! parentheses and slashes are separators and dropped; a leading `00` is the international
//! prefix and becomes `+`; a number beginning with a single `0` is a Swedish national
//! number (the `0` is the trunk prefix) and becomes `+46` and the rest. A trunk zero written
//! after the country code, `+46 (0)70…` or `+46070…`, is dropped. A number with neither
//! prefix is rejected: its country cannot be known. Swedish numbers (`+46`) are also
//! searched in the `0046…` and national `0…` forms; the grouped forms `070-1234567` and
//! `070-123 45 67` are produced only for **mobile numbers** (`07x`, ten digits nationally),
//! because the area codes of landlines vary in length (`08`, `031`, `0980`…) and so do their
//! groupings. Numbers of other countries are searched as canonical and as given.
//!
//! **Personnummer and samordningsnummer** (folkbokföringslagen 18 and 18 a §§; Skatteverket,
//! SKV 704). Accepted spellings: `YYMMDD-NNNN`, `YYMMDD+NNNN`, `YYMMDDNNNN`,
//! `YYYYMMDD-NNNN`, `YYYYMMDDNNNN`. The date must exist; in a samordningsnummer the day is
//! increased by 60 (61–91). The last digit is a Luhn check digit computed over the ten-digit
//! form, weights 2, 1, 2, 1, … from the left. A ten-digit form does not say its century:
//!
//! - with `-` (or no separator) it is the most recent century in which the date is not
//!   after `today`;
//! - with `+` the person turns 100 this year or has done so: Skatteverket replaces the `-`
//!   by `+` *from the calendar year* in which the person turns 100 (FOL 18 § andra
//!   stycket), so it is the most recent year ending in `YY` that is at least 100 years
//!   before `today`'s year.
//!
//! The canonical form is the twelve digits `YYYYMMDDNNNN` Skatteverket stores. Variants:
//! `YYYYMMDDNNNN`, `YYYYMMDD-NNNN`, `YYMMDD-NNNN` (`+` from the year the person turns 100),
//! `YYMMDDNNNN`. Beware that the ten-digit spellings are the same for two people born on
//! the same day a century apart with the same birth number; a row matched only by such a
//! spelling belongs to the subject only if nothing else in the row contradicts it.
//!
//! **Custom** identities are trimmed and must not be empty; they are searched as given.

use jiff::civil::Date;
use serde::Serialize;

use crate::orgnr::luhn_check_digit;

/// What an identity is: the kind decides how its text is parsed and spelled.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum IdentityKind {
    /// An e-mail address (fideslang `email`).
    Email,
    /// A phone number (fideslang `phone_number`).
    Phone,
    /// A Swedish personnummer or samordningsnummer.
    Personnummer,
    /// Any other identity a dataset declares, by its name (e.g. `customer_id`). Construct it
    /// through [`IdentityKind::from_fides`], which never gives a custom kind a built-in name.
    Custom(String),
}

impl IdentityKind {
    /// From the fideslang identity name used in datasets: `email`, `phone_number` (also
    /// `phone`), `personnummer` (also `ssn`, `national_id`,
    /// `national_identification_number`); anything else is [`IdentityKind::Custom`], with
    /// the name trimmed. The built-in names are matched ignoring case and surrounding space.
    pub fn from_fides(name: &str) -> IdentityKind {
        let name = name.trim();
        match name.to_ascii_lowercase().as_str() {
            "email" => IdentityKind::Email,
            "phone_number" | "phone" => IdentityKind::Phone,
            "personnummer" | "ssn" | "national_id" | "national_identification_number" => {
                IdentityKind::Personnummer
            }
            _ => IdentityKind::Custom(name.to_owned()),
        }
    }

    /// The name written in datasets and on the command line: `email`, `phone_number`,
    /// `personnummer`, or the custom name.
    pub fn key(&self) -> &str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "phone_number",
            IdentityKind::Personnummer => "personnummer",
            IdentityKind::Custom(name) => name,
        }
    }
}

/// One identity of a data subject, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Identity {
    /// What the value is.
    pub kind: IdentityKind,
    /// The canonical form: lower-cased e-mail, E.164 phone number, twelve-digit
    /// personnummer, or the trimmed custom value.
    pub value: String,
}

/// Why a text is not a valid identity of its kind. Each message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Nothing but whitespace was given. Holds the kind's key.
    #[error("the {0} identity is empty: expected a value")]
    Empty(String),

    /// An e-mail address with whitespace inside.
    #[error("`{0}` is not an e-mail address: it contains whitespace")]
    EmailWhitespace(String),
    /// An e-mail address without `@`.
    #[error("`{0}` is not an e-mail address: expected `local-part@domain`, found no `@`")]
    EmailNoAt(String),
    /// An e-mail address with more than one `@`.
    #[error("`{0}` is not an e-mail address: expected exactly one `@`, found {1}")]
    EmailManyAts(String, usize),
    /// Nothing before the `@`.
    #[error("`{0}` is not an e-mail address: expected a local part before the `@`")]
    EmailLocalPart(String),
    /// A domain without a dot, or with an empty label (`example..se`, `.se`, `example.`).
    #[error(
        "`{0}` is not an e-mail address: expected a domain such as `example.se` after the `@` \
         (labels separated by single dots)"
    )]
    EmailDomain(String),

    /// A character that is neither a digit, a leading `+`, nor a separator.
    #[error(
        "`{text}` is not a phone number: `{found}` is not allowed (expected digits, a leading \
         `+`, and spaces, hyphens, dots, parentheses or slashes)"
    )]
    PhoneCharacter {
        /// The text as given, trimmed.
        text: String,
        /// The first character not allowed.
        found: char,
    },
    /// Neither `+`, `00` nor a Swedish trunk `0` in front: the country is unknown.
    #[error(
        "`{0}` has no country: expected `+` and the country code (E.164, e.g. +46 70 123 45 67), \
         `00` and the country code, or a Swedish number beginning with 0"
    )]
    PhoneNoCountry(String),
    /// A country code beginning with 0.
    #[error("`{0}` is not a phone number: a country code never begins with 0")]
    PhoneCountryCode(String),
    /// Too few or too many digits after the `+`.
    #[error(
        "`{0}` is not a phone number: E.164 allows 7 to 15 digits with the country code, found {1}"
    )]
    PhoneLength(String, usize),

    /// Not one of the accepted spellings.
    #[error(
        "`{0}` is not a personnummer: expected YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, \
         YYYYMMDD-NNNN or YYYYMMDDNNNN"
    )]
    PersonnummerFormat(String),
    /// The date part is not a date (a samordningsnummer's day is the day plus 60).
    #[error(
        "`{0}` is not a personnummer: its date does not exist (expected month 01–12 and a day \
         of that month, or the day plus 60, 61–91, for a samordningsnummer)"
    )]
    PersonnummerDate(String),
    /// A twelve-digit form whose date is after today.
    #[error("`{0}` is not a personnummer: its date of birth is in the future")]
    PersonnummerFuture(String),
    /// The check digit does not match.
    #[error("`{0}` fails the check digit (Luhn): the last digit should be {1}")]
    PersonnummerCheckDigit(String, u8),
}

impl Identity {
    /// Parses and normalises `text` as an identity of `kind`. `today` is needed to place a
    /// ten-digit personnummer in its century (see the module documentation).
    pub fn parse(kind: IdentityKind, text: &str, today: Date) -> Result<Identity, IdentityError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(IdentityError::Empty(kind.key().to_owned()));
        }
        let value = match kind {
            IdentityKind::Email => parse_email(text)?,
            IdentityKind::Phone => parse_phone(text)?,
            IdentityKind::Personnummer => parse_personnummer(text, today)?,
            IdentityKind::Custom(_) => text.to_owned(),
        };
        Ok(Identity { kind, value })
    }

    /// The spellings to search for on `today`, canonical first, without duplicates, and
    /// last `given` (trimmed), the text the request used, when it is not already among them.
    pub fn variants_with(&self, given: Option<&str>, today: Date) -> Vec<String> {
        let mut out = vec![self.value.clone()];
        let derived = match self.kind {
            IdentityKind::Phone => phone_variants(&self.value),
            IdentityKind::Personnummer => personnummer_variants(&self.value, today),
            IdentityKind::Email | IdentityKind::Custom(_) => Vec::new(),
        };
        let given = given.map(str::trim).filter(|g| !g.is_empty());
        for v in derived.into_iter().chain(given.map(str::to_owned)) {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The key skydd's own records use: the kind's key, a colon, the canonical value, as in
    /// `email:anna@example.se`.
    pub fn subject_key(&self) -> String {
        format!("{}:{}", self.kind.key(), self.value)
    }
}

fn parse_email(text: &str) -> Result<String, IdentityError> {
    if text.chars().any(char::is_whitespace) {
        return Err(IdentityError::EmailWhitespace(text.to_owned()));
    }
    let ats = text.matches('@').count();
    let Some((local, domain)) = text.split_once('@') else {
        return Err(IdentityError::EmailNoAt(text.to_owned()));
    };
    if ats > 1 {
        return Err(IdentityError::EmailManyAts(text.to_owned(), ats));
    }
    if local.is_empty() {
        return Err(IdentityError::EmailLocalPart(text.to_owned()));
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Err(IdentityError::EmailDomain(text.to_owned()));
    }
    Ok(text.to_lowercase())
}

fn parse_phone(text: &str) -> Result<String, IdentityError> {
    // "+46 (0)70 …": the parenthesised trunk zero is not dialled from abroad.
    let international = text.starts_with('+') || text.starts_with("00");
    let cleaned = if international {
        text.replacen("(0)", "", 1)
    } else {
        text.to_owned()
    };
    let mut compact = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        match c {
            '0'..='9' => compact.push(c),
            '+' if compact.is_empty() => compact.push(c),
            '-' | '.' | '(' | ')' | '/' => {}
            c if c.is_whitespace() => {}
            found => {
                return Err(IdentityError::PhoneCharacter {
                    text: text.to_owned(),
                    found,
                });
            }
        }
    }
    let digits = if let Some(rest) = compact.strip_prefix('+') {
        rest.to_owned()
    } else if let Some(rest) = compact.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = compact.strip_prefix('0') {
        format!("46{rest}")
    } else if compact.is_empty() {
        return Err(IdentityError::PhoneLength(text.to_owned(), 0));
    } else {
        return Err(IdentityError::PhoneNoCountry(text.to_owned()));
    };
    // A Swedish national significant number never begins with 0: "+46070…" is a trunk zero.
    let digits = match digits.strip_prefix("460") {
        Some(nsn) => format!("46{nsn}"),
        None => digits,
    };
    if digits.starts_with('0') {
        return Err(IdentityError::PhoneCountryCode(text.to_owned()));
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(IdentityError::PhoneLength(text.to_owned(), digits.len()));
    }
    Ok(format!("+{digits}"))
}

/// The spellings of an E.164 number besides the canonical one.
fn phone_variants(canonical: &str) -> Vec<String> {
    let Some(nsn) = canonical.strip_prefix("+46") else {
        return Vec::new();
    };
    let national = format!("0{nsn}");
    let mut out = vec![format!("0046{nsn}"), national.clone()];
    let is_mobile = national.len() == 10
        && national.starts_with("07")
        && national.bytes().all(|b| b.is_ascii_digit());
    if is_mobile {
        // 070-1234567 and 070-123 45 67 (all ASCII digits, so byte slicing is safe).
        out.push(format!("{}-{}", &national[..3], &national[3..]));
        out.push(format!(
            "{}-{} {} {}",
            &national[..3],
            &national[3..6],
            &national[6..8],
            &national[8..]
        ));
    }
    out
}

/// How a personnummer's spelling places it in a century.
enum Century {
    /// Twelve digits: the year is written.
    Written(i16),
    /// Ten digits with `-` or no separator.
    Recent,
    /// Ten digits with `+`.
    Centenarian,
}

fn parse_personnummer(text: &str, today: Date) -> Result<String, IdentityError> {
    let format_error = || IdentityError::PersonnummerFormat(text.to_owned());
    let mut digits: Vec<u8> = Vec::with_capacity(12);
    let mut separator: Option<(usize, char)> = None;
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c as u8 - b'0'),
            '-' | '+' if separator.is_none() => separator = Some((digits.len(), c)),
            _ => return Err(format_error()),
        }
    }
    let number = |ds: &[u8]| ds.iter().fold(0i16, |n, &d| n * 10 + i16::from(d));
    let century = match (digits.len(), separator) {
        (10, None | Some((6, '-'))) => Century::Recent,
        (10, Some((6, '+'))) => Century::Centenarian,
        (12, None | Some((8, '-'))) => Century::Written(number(&digits[..4])),
        _ => return Err(format_error()),
    };
    // The ten-digit form YYMMDDNNNN, over which the check digit is computed.
    let ten = &digits[digits.len() - 10..];
    let yy = number(&ten[..2]);
    let month = number(&ten[2..4]);
    let day_field = number(&ten[4..6]);
    // A samordningsnummer's day is the day of birth plus 60.
    let day = if day_field > 60 {
        day_field - 60
    } else {
        day_field
    };

    let this_year = today.year();
    let year = match century {
        Century::Written(year) => year,
        Century::Recent => {
            let year = this_year - this_year.rem_euclid(100) + yy;
            let after_today =
                (year, month, day) > (this_year, i16::from(today.month()), i16::from(today.day()));
            if after_today { year - 100 } else { year }
        }
        Century::Centenarian => {
            let latest = this_year - 100;
            latest - (latest - yy).rem_euclid(100)
        }
    };
    let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day)) else {
        return Err(IdentityError::PersonnummerDate(text.to_owned()));
    };
    let born = Date::new(year, month, day)
        .map_err(|_| IdentityError::PersonnummerDate(text.to_owned()))?;
    if born > today {
        return Err(IdentityError::PersonnummerFuture(text.to_owned()));
    }
    let expected = luhn_check_digit(&ten[..9]);
    if ten[9] != expected {
        return Err(IdentityError::PersonnummerCheckDigit(
            text.to_owned(),
            expected,
        ));
    }
    let tail: String = ten[2..].iter().map(|d| char::from(b'0' + d)).collect();
    Ok(format!("{year:04}{tail}"))
}

/// The spellings of a twelve-digit personnummer besides the canonical one, on `today`.
fn personnummer_variants(canonical: &str, today: Date) -> Vec<String> {
    if canonical.len() != 12 || !canonical.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let Ok(year) = canonical[..4].parse::<i16>() else {
        return Vec::new();
    };
    // From the calendar year the person turns 100, the separator is `+` (FOL 18 §).
    let separator = if year <= today.year() - 100 { '+' } else { '-' };
    let (date, serial) = canonical.split_at(8);
    vec![
        format!("{date}-{serial}"),
        format!("{}{separator}{serial}", &date[2..]),
        canonical[2..].to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The day the tests are run "on".
    const TODAY: Date = date(2026, 11, 21);

    fn parse(kind: IdentityKind, text: &str) -> Result<Identity, IdentityError> {
        Identity::parse(kind, text, TODAY)
    }

    fn value(kind: IdentityKind, text: &str) -> String {
        parse(kind, text).unwrap().value
    }

    fn variants(kind: IdentityKind, text: &str) -> Vec<String> {
        parse(kind, text).unwrap().variants_with(Some(text), TODAY)
    }

    fn pnr(text: &str) -> Result<String, IdentityError> {
        parse(IdentityKind::Personnummer, text).map(|i| i.value)
    }

    use IdentityKind::{Email, Personnummer, Phone};

    // --- kinds ---

    #[test]
    fn fides_names_map_to_kinds_and_back() {
        for (name, kind) in [
            ("email", Email),
            ("phone_number", Phone),
            ("phone", Phone),
            ("personnummer", Personnummer),
            ("ssn", Personnummer),
            ("national_id", Personnummer),
            ("national_identification_number", Personnummer),
            (" Email ", Email),
        ] {
            assert_eq!(IdentityKind::from_fides(name), kind, "{name}");
        }
        assert_eq!(
            IdentityKind::from_fides("customer_id"),
            IdentityKind::Custom("customer_id".into())
        );
        assert_eq!(Email.key(), "email");
        assert_eq!(Phone.key(), "phone_number");
        assert_eq!(Personnummer.key(), "personnummer");
        assert_eq!(
            IdentityKind::Custom("customer_id".into()).key(),
            "customer_id"
        );
    }

    #[test]
    fn a_key_read_back_gives_the_same_kind() {
        for kind in [
            Email,
            Phone,
            Personnummer,
            IdentityKind::Custom("customer_id".into()),
        ] {
            assert_eq!(IdentityKind::from_fides(kind.key()), kind);
        }
    }

    // --- e-mail ---

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(
            value(Email, "  Anna.Svensson@Example.SE "),
            "anna.svensson@example.se"
        );
    }

    #[test]
    fn email_variants_are_canonical_then_the_text_as_given() {
        assert_eq!(
            variants(Email, " Anna@Example.se "),
            ["anna@example.se", "Anna@Example.se"]
        );
        assert_eq!(variants(Email, "anna@example.se"), ["anna@example.se"]);
    }

    #[test]
    fn email_without_at_is_rejected() {
        assert_eq!(
            parse(Email, "anna.example.se"),
            Err(IdentityError::EmailNoAt("anna.example.se".into()))
        );
    }

    #[test]
    fn email_with_two_ats_is_rejected() {
        assert_eq!(
            parse(Email, "anna@home@example.se"),
            Err(IdentityError::EmailManyAts(
                "anna@home@example.se".into(),
                2
            ))
        );
    }

    #[test]
    fn email_domain_needs_a_dot_and_no_empty_labels() {
        for bad in [
            "anna@localhost",
            "anna@example..se",
            "anna@.se",
            "anna@example.",
            "anna@",
        ] {
            assert_eq!(
                parse(Email, bad),
                Err(IdentityError::EmailDomain(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn email_with_embedded_space_is_rejected() {
        assert_eq!(
            parse(Email, "anna svensson@example.se"),
            Err(IdentityError::EmailWhitespace(
                "anna svensson@example.se".into()
            ))
        );
    }

    #[test]
    fn email_needs_a_local_part() {
        assert_eq!(
            parse(Email, "@example.se"),
            Err(IdentityError::EmailLocalPart("@example.se".into()))
        );
    }

    // --- phone ---

    #[test]
    fn swedish_spellings_of_one_mobile_number_become_the_same_e164() {
        for text in [
            "070-123 45 67",
            "+46 70 123 45 67",
            "0046701234567",
            "(070) 123 45 67",
            "070.123.45.67",
            "070/1234567",
            "+46 (0)70-123 45 67",
            "+46070 123 45 67",
            "00 46 70 123 45 67",
        ] {
            assert_eq!(value(Phone, text), "+46701234567", "{text}");
        }
    }

    #[test]
    fn swedish_mobile_variants_include_national_and_grouped_forms() {
        // The text as given is the grouped form already: no duplicate.
        assert_eq!(
            variants(Phone, " 070-123 45 67 "),
            [
                "+46701234567",
                "0046701234567",
                "0701234567",
                "070-1234567",
                "070-123 45 67",
            ]
        );
        assert_eq!(
            variants(Phone, "+46 70 123 45 67"),
            [
                "+46701234567",
                "0046701234567",
                "0701234567",
                "070-1234567",
                "070-123 45 67",
                "+46 70 123 45 67",
            ]
        );
    }

    #[test]
    fn swedish_landline_variants_have_no_grouped_forms() {
        // Area codes vary in length (08, 031, 0980): no grouping is guessed.
        assert_eq!(
            variants(Phone, "08-123 456 78"),
            [
                "+46812345678",
                "0046812345678",
                "0812345678",
                "08-123 456 78"
            ]
        );
    }

    #[test]
    fn a_norwegian_number_keeps_its_country() {
        assert_eq!(value(Phone, "+47 412 34 567"), "+4741234567");
        assert_eq!(value(Phone, "0047 412 34 567"), "+4741234567");
        assert_eq!(
            variants(Phone, "+47 412 34 567"),
            ["+4741234567", "+47 412 34 567"]
        );
    }

    #[test]
    fn phone_numbers_too_short_or_too_long_are_rejected() {
        assert_eq!(
            parse(Phone, "+46 70 12"),
            Err(IdentityError::PhoneLength("+46 70 12".into(), 6))
        );
        assert_eq!(
            parse(Phone, "0701"),
            Err(IdentityError::PhoneLength("0701".into(), 5))
        );
        assert_eq!(
            parse(Phone, "+1 234 567 890 123 456"),
            Err(IdentityError::PhoneLength(
                "+1 234 567 890 123 456".into(),
                16
            ))
        );
        // Exactly 7 and exactly 15 digits are allowed.
        assert_eq!(value(Phone, "+1234567"), "+1234567");
        assert_eq!(value(Phone, "+123456789012345"), "+123456789012345");
    }

    #[test]
    fn phone_numbers_with_letters_are_rejected() {
        assert_eq!(
            parse(Phone, "070-123 45 6x"),
            Err(IdentityError::PhoneCharacter {
                text: "070-123 45 6x".into(),
                found: 'x'
            })
        );
        assert!(matches!(
            parse(Phone, "tel. 070-1234567"),
            Err(IdentityError::PhoneCharacter { found: 't', .. })
        ));
        // A '+' is allowed only in front.
        assert!(matches!(
            parse(Phone, "070+1234567"),
            Err(IdentityError::PhoneCharacter { found: '+', .. })
        ));
    }

    #[test]
    fn phone_numbers_without_a_country_are_rejected() {
        assert_eq!(
            parse(Phone, "701234567"),
            Err(IdentityError::PhoneNoCountry("701234567".into()))
        );
        assert_eq!(
            parse(Phone, "+0701234567"),
            Err(IdentityError::PhoneCountryCode("+0701234567".into()))
        );
        assert_eq!(
            parse(Phone, "()--"),
            Err(IdentityError::PhoneLength("()--".into(), 0))
        );
    }

    // --- personnummer ---

    #[test]
    fn luhn_check_digits_used_in_these_tests() {
        // Computed, not guessed: the last digit of each test number below.
        for (nine, check) in [
            ("811218987", 6),
            ("121212121", 2),
            ("261122123", 1),
            ("261120123", 3),
            ("261121123", 2),
            ("261231123", 9),
            ("811278987", 3),
            ("811292987", 5),
            ("810230987", 2),
            ("000229123", 5),
            ("270101123", 7),
        ] {
            let ds: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
            assert_eq!(luhn_check_digit(&ds), check, "{nine}");
        }
    }

    #[test]
    fn skatteverkets_test_personnummer_is_canonically_twelve_digits() {
        assert_eq!(pnr("811218-9876").unwrap(), "198112189876");
    }

    #[test]
    fn a_wrong_check_digit_is_rejected_naming_the_expected_digit() {
        let err = pnr("811218-9875").unwrap_err();
        assert_eq!(
            err,
            IdentityError::PersonnummerCheckDigit("811218-9875".into(), 6)
        );
        assert!(err.to_string().contains("should be 6"), "{err}");
        // Also in the twelve-digit form: the check is over the last ten digits.
        assert_eq!(
            pnr("198112189875"),
            Err(IdentityError::PersonnummerCheckDigit(
                "198112189875".into(),
                6
            ))
        );
    }

    #[test]
    fn all_accepted_spellings_give_the_same_number() {
        for text in [
            "811218-9876",
            "8112189876",
            "19811218-9876",
            "198112189876",
            " 811218-9876 ",
        ] {
            assert_eq!(pnr(text).unwrap(), "198112189876", "{text}");
        }
    }

    #[test]
    fn a_plus_places_the_number_a_century_earlier() {
        assert_eq!(pnr("121212+1212").unwrap(), "191212121212");
        assert_eq!(pnr("121212-1212").unwrap(), "201212121212");
        assert_eq!(pnr("1212121212").unwrap(), "201212121212");
    }

    #[test]
    fn a_ten_digit_date_after_today_is_in_the_previous_century() {
        // Today is 2026-11-21.
        assert_eq!(pnr("261122-1231").unwrap(), "192611221231");
        assert_eq!(pnr("2611221231").unwrap(), "192611221231");
        assert_eq!(pnr("261121-1232").unwrap(), "202611211232");
        assert_eq!(pnr("261120-1233").unwrap(), "202611201233");
    }

    #[test]
    fn a_plus_applies_from_the_calendar_year_the_person_turns_100() {
        // Born 1926-12-31: turns 100 in 2026, so `+` from 2026-01-01 (FOL 18 §), even
        // though the birthday is still to come on 2026-11-21.
        assert_eq!(pnr("261231+1239").unwrap(), "192612311239");
        assert_eq!(
            Identity::parse(Personnummer, "261231+1239", date(2025, 12, 31))
                .unwrap()
                .value,
            "182612311239"
        );
    }

    #[test]
    fn a_samordningsnummer_has_the_day_plus_60() {
        // Day 78 = 18 + 60.
        assert_eq!(pnr("811278-9873").unwrap(), "198112789873");
        assert_eq!(pnr("198112789873").unwrap(), "198112789873");
        // Day 92 would be the 32nd.
        assert_eq!(
            pnr("811292-9875"),
            Err(IdentityError::PersonnummerDate("811292-9875".into()))
        );
    }

    #[test]
    fn a_date_that_does_not_exist_is_rejected() {
        assert_eq!(
            pnr("810230-9872"),
            Err(IdentityError::PersonnummerDate("810230-9872".into()))
        );
        // 29 February: 2000 was a leap year, 1900 was not.
        assert_eq!(pnr("000229-1235").unwrap(), "200002291235");
        assert_eq!(
            pnr("000229+1235"),
            Err(IdentityError::PersonnummerDate("000229+1235".into()))
        );
        for text in ["811318-9876", "811200-9876", "811240-9876", "811260-9876"] {
            assert!(
                matches!(pnr(text), Err(IdentityError::PersonnummerDate(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn a_twelve_digit_date_in_the_future_is_rejected() {
        assert_eq!(
            pnr("202701011237"),
            Err(IdentityError::PersonnummerFuture("202701011237".into()))
        );
    }

    #[test]
    fn other_spellings_of_a_personnummer_are_rejected() {
        for text in [
            "81121-89876",
            "811218 9876",
            "19811218+9876",
            "1981121-89876",
            "811218--9876",
            "811218-987",
            "811218-98760",
            "ÅÅMMDD-NNNN",
        ] {
            assert_eq!(
                pnr(text),
                Err(IdentityError::PersonnummerFormat(text.into())),
                "{text}"
            );
        }
    }

    #[test]
    fn personnummer_variants_are_the_four_usual_spellings() {
        assert_eq!(
            variants(Personnummer, "811218-9876"),
            ["198112189876", "19811218-9876", "811218-9876", "8112189876"]
        );
        assert_eq!(
            variants(Personnummer, "121212+1212"),
            ["191212121212", "19121212-1212", "121212+1212", "1212121212"]
        );
        assert_eq!(
            variants(Personnummer, "811278-9873"),
            ["198112789873", "19811278-9873", "811278-9873", "8112789873"]
        );
    }

    #[test]
    fn personnummer_variants_switch_to_plus_in_the_year_of_the_100th_birthday() {
        let id = Identity {
            kind: Personnummer,
            value: "192612311239".into(),
        };
        assert_eq!(
            id.variants_with(None, date(2025, 12, 31)),
            ["192612311239", "19261231-1239", "261231-1239", "2612311239"]
        );
        assert_eq!(
            id.variants_with(None, date(2026, 1, 1)),
            ["192612311239", "19261231-1239", "261231+1239", "2612311239"]
        );
    }

    #[test]
    fn a_dash_given_for_someone_now_past_100_is_still_searched() {
        // Stored when the person was 99, typed from habit: parsed to 1926, and searched
        // both as `+` (today's spelling) and as given.
        assert_eq!(
            variants(Personnummer, "261122-1231"),
            [
                "192611221231",
                "19261122-1231",
                "261122+1231",
                "2611221231",
                "261122-1231",
            ]
        );
    }

    // --- custom ---

    #[test]
    fn custom_identities_are_trimmed_and_searched_as_given() {
        let kind = IdentityKind::from_fides("customer_id");
        let id = parse(kind.clone(), "  C-1001 ").unwrap();
        assert_eq!(id.value, "C-1001");
        assert_eq!(id.variants_with(Some("  C-1001 "), TODAY), ["C-1001"]);
        assert_eq!(id.variants_with(None, TODAY), ["C-1001"]);
        assert_eq!(
            parse(kind, "   "),
            Err(IdentityError::Empty("customer_id".into()))
        );
    }

    #[test]
    fn an_empty_value_of_any_kind_is_rejected() {
        for kind in [Email, Phone, Personnummer] {
            let key = kind.key().to_owned();
            assert_eq!(parse(kind, " \t"), Err(IdentityError::Empty(key)));
        }
    }

    // --- records and variants in general ---

    #[test]
    fn subject_key_is_kind_colon_canonical_value() {
        let key = |kind, text| parse(kind, text).unwrap().subject_key();
        assert_eq!(key(Email, "Anna@Example.se"), "email:anna@example.se");
        assert_eq!(key(Phone, "070-123 45 67"), "phone_number:+46701234567");
        assert_eq!(
            key(Personnummer, "811218-9876"),
            "personnummer:198112189876"
        );
        assert_eq!(
            key(IdentityKind::from_fides("customer_id"), "C-1001"),
            "customer_id:C-1001"
        );
    }

    #[test]
    fn variants_start_with_the_canonical_value_and_have_no_duplicates() {
        for (kind, text) in [
            (Email, "Anna@Example.se"),
            (Phone, "0701234567"),
            (Phone, "+4741234567"),
            (Personnummer, "198112189876"),
        ] {
            let id = parse(kind, text).unwrap();
            for vs in [
                id.variants_with(None, TODAY),
                id.variants_with(Some(text), TODAY),
            ] {
                assert_eq!(vs[0], id.value);
                let mut unique = vs.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), vs.len(), "{vs:?}");
            }
        }
    }

    #[test]
    fn error_messages_say_what_was_expected() {
        let msg = |kind, text| parse(kind, text).unwrap_err().to_string();
        assert!(msg(Email, "anna").contains("local-part@domain"));
        assert!(msg(Phone, "701234567").contains("E.164"));
        assert!(msg(Phone, "+46 70").contains("7 to 15 digits"));
        assert!(msg(Personnummer, "81-12").contains("YYMMDD-NNNN"));
        assert!(msg(Personnummer, "811292-9875").contains("61–91"));
    }
}
