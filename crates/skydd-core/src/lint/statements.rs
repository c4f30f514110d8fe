//! Rules over the company's own words: outdated names and laws, PUL-era access rules,
//! consent by acceptance, cookie refusal by browser settings, and other statements that
//! are wrong under the GDPR and Swedish law. Swedish and English are both read.

use std::sync::LazyLock;

use regex::Regex;

use super::Findings;
use crate::register::Register;
use crate::text::Text;

struct Patterns {
    datainspektionen: Regex,
    pul: Regex,
    lek2003: Regex,
    once_per_year: Regex,
    access_context: Regex,
    signed: Regex,
    fee: Regex,
    free_of_charge: Regex,
    further_copies: Regex,
    acceptance: Regex,
    consent_words: Regex,
    cookie: Regex,
    browser: Regex,
    refuse: Regex,
    age16: Regex,
    consent_or_child: Regex,
    portability: Regex,
    authority: Regex,
    within: Regex,
}

fn re(p: &str) -> Regex {
    // The patterns are constants; `patterns_compile` in the tests builds every one.
    #[allow(clippy::expect_used)]
    Regex::new(p).expect("valid pattern")
}

static P: LazyLock<Patterns> = LazyLock::new(|| Patterns {
    datainspektionen: re(r"(?i)\bdatainspektionen\b|\bdata inspection board\b"),
    pul: re(
        r"\bPU[lL]\b|\bPuL\b|(?i:\bpersonuppgiftslag(?:en)?\b|\bpersonal data act\b|\b1998:204\b)",
    ),
    lek2003: re(r"(?i)\b2003:389\b|\b6\s*kap\.?\s*18\s*§"),
    once_per_year: re(
        r"(?i)\b(?:en|ett|1)\s*(?:\(1\)\s*)?gång(?:en)?\s+(?:per|om|varje|i)\s+(?:kalender)?år\b|\bonce\s+(?:a|per|every|each)\s+(?:calendar\s+)?year\b",
    ),
    access_context: re(
        r"(?i)registerutdrag|\butdrag\b|\btillgång\b|\bkopia\b|kostnadsfri|\bgratis\b|\baccess\b|\bcopy\b|\bextract\b|free of charge",
    ),
    signed: re(
        r"(?i)skriftlig\w*\s+(?:och\s+)?(?:egenhändigt\s+)?undertecknad|undertecknad\w*\s+(?:skriftlig|ansökan|begäran)|egenhändigt\s+undertecknad|\bsigned\s+(?:written\s+)?(?:request|application)|\bwritten\s+(?:and\s+)?signed\b",
    ),
    fee: re(r"(?i)\bkostnad(?:en)?\b|\bavgift\w*|\bfee\b|\bcharge\b"),
    free_of_charge: re(r"(?i)free\s+of\s+charge|at\s+no\s+charge|utan\s+kostnad"),
    further_copies: re(r"(?i)ytterligare|fler\s+kopior|additional|further|extra\s+kopi"),
    acceptance: re(
        r"(?i)\b(?:genom att|om du|när du)\s+(?:acceptera|accepterar|godkänna|godkänner|godta|godtar|använda|använder|registrera|registrerar|besöka|besöker|tillåta|tillåter)\b|\bby\s+(?:accepting|using|visiting|registering|continuing)\b",
    ),
    consent_words: re(
        r"(?i)\bsamtycker\b|\baccepterar du\b|\bgodkänner du\b|\bbekräftar du\b|\bgodtar du\b|\byou\s+(?:consent|agree|accept)\b",
    ),
    cookie: re(r"(?i)cookie|\bkak(?:a|or|orna)\b"),
    browser: re(r"(?i)webbläsar|\bbrowser"),
    refuse: re(
        r"(?i)stänga av|stäng av|inställning|blockera|avaktivera|\bsettings\b|\bdisable\b|\bblock\b|turn off",
    ),
    age16: re(r"(?i)\b16\s*(?:år|years)\b|\bsixteen\b"),
    consent_or_child: re(r"(?i)samtyck|consent|\bbarn|\bchild|minderårig|\bminor"),
    portability: re(r"(?i)maskinläsbar|machine.readable|portab|strukturerat|\böverföra\b"),
    authority: re(
        r"(?i)integritetsskyddsmyndigheten|\bIMY\b|datainspektionen|tillsynsmyndighet|supervisory authority",
    ),
    within: re(
        r"(?i)\b(?:inom|within)\s+(\d+)\s*(timmar|timmars|hours|dagar|days|arbetsdagar|working days)\b",
    ),
});

/// Splits text into sentences (at `.`, `!`, `?` before white space, and at line breaks).
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        if c == '\n' || (matches!(c, '.' | '!' | '?') && next_is_space) {
            let end = i + c.len_utf8();
            let s = text[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = end;
        }
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

fn quote(s: &str) -> String {
    const MAX: usize = 90;
    let s = s.trim();
    if s.chars().count() <= MAX {
        format!("“{s}”")
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("“{cut}…”")
    }
}

pub(super) fn check(reg: &Register, f: &mut Findings) {
    let p = &*P;
    for (what, text) in reg.free_texts() {
        scan(&what, text, f);
    }
    if let Some(restriction) = &reg.rights.statements.restriction {
        for (_, t) in restriction.variants() {
            if let Some(m) = p.portability.find(t) {
                f.report(
                    "restriction-described-as-portability",
                    format!(
                        "the statement on restriction speaks of “{}”, which is data portability",
                        m.as_str()
                    ),
                    restriction.span,
                );
                break;
            }
        }
    }
    let a = &reg.authority;
    if reg.authority_declared.is_some()
        && (p.datainspektionen.is_match(&a.name)
            || a.email
                .as_deref()
                .is_some_and(|e| e.contains("datainspektionen")))
    {
        f.report(
            "outdated-authority-name",
            format!(
                "the supervisory authority is given as `{}` <{}>",
                a.name,
                a.email.as_deref().unwrap_or("-")
            ),
            reg.authority_declared,
        );
    }
}

fn scan(what: &str, text: &Text, f: &mut Findings) {
    let p = &*P;
    // One finding per rule and text, at the first offending sentence.
    let mut fired: Vec<&'static str> = Vec::new();
    let mut report = |id: &'static str, msg: String, f: &mut Findings| {
        if !fired.contains(&id) {
            fired.push(id);
            f.report(id, format!("{what}: {msg}"), text.span);
        }
    };
    for (_, t) in text.variants() {
        if let Some(m) = p.datainspektionen.find(t) {
            report(
                "outdated-authority-name",
                format!("names “{}”", m.as_str()),
                f,
            );
        }
        if let Some(m) = p.pul.find(t) {
            report("outdated-law-pul", format!("cites “{}”", m.as_str()), f);
        }
        if let Some(m) = p.lek2003.find(t) {
            report("outdated-lek-2003", format!("cites “{}”", m.as_str()), f);
        }
        for s in sentences(t) {
            if p.once_per_year.is_match(s) && p.access_context.is_match(s) {
                report("access-once-per-year", quote(s), f);
            }
            if p.signed.is_match(s) {
                report("access-signed-request", quote(s), f);
            }
            // "free of charge" names no fee.
            let without_free = p.free_of_charge.replace_all(s, "");
            let fee = p.fee.is_match(&without_free);
            if fee
                && (p.access_context.is_match(s) || s.to_lowercase().contains("vid begäran"))
                && !p.further_copies.is_match(s)
            {
                report("access-fee-first-copy", quote(s), f);
            }
            if let Some(a) = p.acceptance.find(s)
                && p.consent_words.find_at(s, a.end()).is_some()
            {
                report("policy-acceptance-as-consent", quote(s), f);
            }
            if p.cookie.is_match(s) && p.browser.is_match(s) && p.refuse.is_match(s) {
                report("browser-settings-as-cookie-consent", quote(s), f);
            }
            if p.age16.is_match(s) && p.consent_or_child.is_match(s) {
                report("child-consent-age-16", quote(s), f);
            }
            if p.authority.is_match(s)
                && let Some(c) = p.within.captures(s)
            {
                let n: u64 = c[1].parse().unwrap_or(0);
                let unit = c[2].to_lowercase();
                let hours = if unit.starts_with("tim") || unit == "hours" {
                    n
                } else {
                    n * 24
                };
                if hours > 72 {
                    report("breach-notification-late", quote(s), f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        let _ = &*P;
    }

    #[test]
    fn sentences_split_at_stops_and_line_breaks() {
        assert_eq!(sentences("A b. C d!\nE f"), ["A b.", "C d!", "E f"]);
        assert_eq!(sentences("www.imy.se är IMY."), ["www.imy.se är IMY."]);
    }
}
