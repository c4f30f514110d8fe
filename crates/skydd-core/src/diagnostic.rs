//! Problems found in a register: input errors that stop loading, and lint findings.
//!
//! The core never prints; it returns every problem it found at once, each with where it
//! stands in the source, so the shell can show `file:line:column` and a snippet.

use serde::Serialize;

use crate::text::Span;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A breach of the law or unusable input: `skydd check` exits 1 (or 2 for input).
    Error,
    /// Probably wrong or incomplete; a person should look.
    Warning,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem, with the rule or stage that found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable identifier: a lint rule id such as `consent-no-withdrawal`, or
    /// `syntax`, `schema`, `reference`, `value` for input errors.
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is, when it can be located in the register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// How to fix it (a one-line fix, or "did you mean …").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The article or statute the rule rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
}

impl Diagnostic {
    /// An input error (the register cannot be used as written).
    pub fn input(code: &str, message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            code: code.to_owned(),
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
            law: None,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds an optional hint.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }
}

/// The closest of `candidates` to `input`, if one is close enough to be a likely typo.
///
/// Case and the separators `-`, `_`, space are ignored when comparing.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let want = norm(input);
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&want, &norm(c));
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.85).map(|(_, c)| c)
}

/// "did you mean `x`?" for `input`, or `None`.
pub fn suggestion<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    did_you_mean(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_key_for_a_typo() {
        let keys = [
            "legal_basis",
            "legitimate_interest",
            "retention",
            "recipients",
        ];
        assert_eq!(did_you_mean("legal_bassis", keys), Some("legal_basis"));
        assert_eq!(did_you_mean("retension", keys), Some("retention"));
        assert_eq!(did_you_mean("Recipients", keys), Some("recipients"));
    }

    #[test]
    fn suggests_nothing_for_unrelated_input() {
        assert_eq!(did_you_mean("zzz", ["legal_basis", "retention"]), None);
        assert_eq!(did_you_mean("x", std::iter::empty()), None);
    }

    #[test]
    fn suggests_taxonomy_keys() {
        let keys = [
            "user.contact.email",
            "user.contact.phone_number",
            "user.name",
        ];
        assert_eq!(
            did_you_mean("user.contact.emial", keys),
            Some("user.contact.email")
        );
        assert_eq!(
            did_you_mean("user.contact.phone", keys),
            Some("user.contact.phone_number")
        );
    }
}
