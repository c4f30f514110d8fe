//! Rules over the typed register: bases, categories, recipients, retention, rights.

use std::collections::BTreeSet;

use regex::Regex;

use super::Findings;
use crate::law::{self, LegalBasis, RecipientRole, Source, TransferMechanism};
use crate::register::{Register, StatuteRef};
use crate::retention::{Event, RetentionRule};
use crate::taxonomy::{Sensitivity, is_within};
use crate::text::Text;

pub(super) fn check(reg: &Register, f: &mut Findings) {
    controller(reg, f);
    purposes(reg, f);
    recipients(reg, f);
    usage(reg, f);
    rights(reg, f);
    cookies(reg, f);
    translations(reg, f);
    controller_identity(reg, f);
    marketing(reg, f);
    tax_deductions(reg, f);
    references(reg, f);
    automated_decisions(reg, f);
    voice(reg, f);
}

fn controller(reg: &Register, f: &mut Findings) {
    let c = &reg.controller;
    if c.email.is_none() && c.phone.is_none() && c.address.is_none() {
        f.report(
            "controller-contact-missing",
            format!(
                "`{}` can be reached neither by e-mail, phone nor post",
                c.name
            ),
            c.span,
        );
    }
    if let Some(dpo) = &reg.dpo
        && !(dpo.email.is_some() || dpo.phone.is_some() || dpo.address.is_some())
    {
        f.report(
            "dpo-contact-missing",
            "the data protection officer has no contact details",
            dpo.span,
        );
    }
    if reg.security.is_empty() {
        f.report(
            "security-measures-missing",
            "`[security]` describes no measures",
            None,
        );
    }
    if reg.notice.version.is_none() || reg.notice.effective.is_none() {
        let missing = match (reg.notice.version.is_none(), reg.notice.effective.is_none()) {
            (true, true) => "version and no effective date",
            (true, false) => "version",
            _ => "effective date",
        };
        f.report(
            "notice-metadata-missing",
            format!("the notice has no {missing}"),
            reg.notice.span,
        );
    }
}

fn purposes(reg: &Register, f: &mut Findings) {
    for p in &reg.purposes {
        let id = &p.id;
        if p.legal_bases.is_empty() {
            f.report(
                "purpose-no-legal-basis",
                format!("purpose `{id}` has no legal basis"),
                p.span,
            );
        }
        let consent_and_interest =
            p.has_basis(LegalBasis::Consent) && p.has_basis(LegalBasis::LegitimateInterests);
        if consent_and_interest {
            f.report(
                "consent-and-legitimate-interest",
                format!("purpose `{id}` rests on both consent and legitimate interests for the same data"),
                p.span,
            );
        } else if p.legal_bases.len() > 1 {
            let names: Vec<&str> = p.legal_bases.iter().map(|b| b.key()).collect();
            f.report(
                "multiple-legal-bases",
                format!(
                    "purpose `{id}` names {} legal bases ({})",
                    names.len(),
                    names.join(", ")
                ),
                p.span,
            );
        }
        if p.has_basis(LegalBasis::LegitimateInterests) && p.legitimate_interest.is_none() {
            f.report(
                "legitimate-interest-unstated",
                format!("purpose `{id}` relies on legitimate interests but does not say which"),
                p.span,
            );
        }
        if p.has_basis(LegalBasis::Consent)
            && p.withdrawal.is_none()
            && reg.rights.withdraw_consent.is_none()
        {
            f.report(
                "consent-no-withdrawal",
                format!("purpose `{id}` relies on consent but nothing says how to withdraw it"),
                p.span,
            );
        }
        if p.has_basis(LegalBasis::LegalObligation) && p.statute.is_none() {
            f.report(
                "legal-obligation-no-statute",
                format!("purpose `{id}` relies on a legal obligation without naming the statute"),
                p.span,
            );
        }
        if p.data_categories.is_empty() {
            f.report(
                "purpose-no-data-categories",
                format!("purpose `{id}` names no data categories"),
                p.span,
            );
        }
        if p.data_subjects.is_empty() {
            f.report(
                "purpose-no-data-subjects",
                format!("purpose `{id}` names no data subjects"),
                p.span,
            );
        }
        sensitive(reg, p, f);
        if p.sources.iter().any(|s| s.is_elsewhere()) && p.source_detail.is_none() {
            f.report(
                "third-party-source-unnamed",
                format!(
                    "purpose `{id}` gets data from others than the person without naming the source"
                ),
                p.span,
            );
        }
        let needs_requirement = p.sources.contains(&Source::DataSubject)
            && (p.has_basis(LegalBasis::Contract) || p.has_basis(LegalBasis::LegalObligation));
        if needs_requirement && p.requirement.is_none() {
            f.report(
                "requirement-unstated",
                format!("purpose `{id}` does not say whether the person must provide the data"),
                p.span,
            );
        }
        if let Some(a) = &p.automated_decision
            && (a.logic.is_none() || a.significance.is_none())
        {
            f.report(
                "automated-decision-no-logic",
                format!("purpose `{id}` makes automated decisions without explaining their logic and consequences"),
                a.span.or(p.span),
            );
        }
        retention(p, f);
    }
}

fn sensitive(reg: &Register, p: &crate::register::Purpose, f: &mut Findings) {
    let id = &p.id;
    let by = |s: Sensitivity| -> Vec<&str> {
        p.data_categories
            .iter()
            .filter(|k| reg.sensitivity(k) == s)
            .map(String::as_str)
            .collect()
    };
    let special = by(Sensitivity::Special);
    if !special.is_empty() && p.art9_condition.is_none() {
        f.report(
            "special-category-no-art9-condition",
            format!(
                "purpose `{id}` processes special categories ({}) without an Art. 9(2) condition",
                special.join(", ")
            ),
            p.span,
        );
    }
    let criminal = by(Sensitivity::Criminal);
    if !criminal.is_empty() && p.statute.is_none() {
        f.report(
            "criminal-data-without-authority",
            format!(
                "purpose `{id}` processes data on criminal offences ({})",
                criminal.join(", ")
            ),
            p.span,
        );
    }
    let pnr = by(Sensitivity::NationalId);
    if !pnr.is_empty()
        && !p.has_basis(LegalBasis::Consent)
        && p.personnummer_justification.is_none()
    {
        f.report(
            "personnummer-unjustified",
            format!("purpose `{id}` processes personnummer ({}) without consent or a stated justification", pnr.join(", ")),
            p.span,
        );
    }
}

fn retention(p: &crate::register::Purpose, f: &mut Findings) {
    let id = &p.id;
    let Some(r) = &p.retention else {
        f.report(
            "retention-missing",
            format!("purpose `{id}` has no retention rule"),
            p.span,
        );
        return;
    };
    retention_rule(p, "data".to_owned(), &r.rule, r.span, f);
    // A period of its own for some categories or subjects answers to the same statute: the
    // obligation to keep (and the limit on keeping) covers all of the purpose's data.
    for o in &r.overrides {
        let who: Vec<&str> = o
            .categories
            .iter()
            .chain(&o.subjects)
            .map(String::as_str)
            .collect();
        let what = format!("its {} data", who.join(", "));
        retention_rule(p, what, &o.rule, o.span.or(r.span), f);
    }
}

/// One of a purpose's retention rules (`what` says whose data it keeps) against what can be
/// enforced and against the statute the purpose serves.
fn retention_rule(
    p: &crate::register::Purpose,
    what: String,
    rule: &RetentionRule,
    at: Option<crate::text::Span>,
    f: &mut Findings,
) {
    let id = &p.id;
    retention_on_withdrawal(p, &what, rule, at, f);
    // "The later of" needs both sides enforceable; "the earlier of" (a maximum) either.
    if !rule.is_enforceable() {
        f.report(
            "retention-not-enforceable",
            format!("purpose `{id}` keeps {what} `{rule}`, which no machine can enforce"),
            at,
        );
    }
    if let Some(StatuteRef::Known(statute)) = &p.statute {
        if let Some(max) = &statute.maximum
            && max.at_least(rule) == Some(false)
        {
            f.report(
                "retention-longer-than-statute-allows",
                format!(
                    "purpose `{id}` keeps {what} `{rule}`, longer than {} allows (`{max}`)",
                    statute.citation
                ),
                at,
            );
        }
        // Only an obligation sets a minimum the company must keep to; a claims period
        // justifies keeping but does not require it, and a note sets no period.
        if statute.kind != law::StatuteKind::Obligation {
            return;
        }
        match rule.at_least(&statute.minimum) {
            Some(false) => f.report(
                "retention-shorter-than-obligation",
                format!(
                    "purpose `{id}` keeps {what} `{rule}`, shorter than {} requires (`{}`){}",
                    statute.citation,
                    statute.minimum,
                    collected_first(rule, &statute.minimum)
                ),
                at,
            ),
            None if rule.is_enforceable() => f.report(
                "retention-obligation-uncomparable",
                format!(
                    "purpose `{id}` keeps {what} `{rule}` but {} requires `{}`",
                    statute.citation, statute.minimum
                ),
                at,
            ),
            _ => {}
        }
    }
}

/// Why a rule running from `collected` is shorter than a statute running from a later event:
/// the data is collected on or before that event, so the rule's period has started first
/// (see `RetentionRule::at_least`). Empty when the rule does not run from `collected`.
fn collected_first(rule: &RetentionRule, minimum: &RetentionRule) -> String {
    let Some(event) = minimum.event() else {
        return String::new();
    };
    if *event == Event::Collected || !rule.events().contains(&&Event::Collected) {
        return String::new();
    }
    format!(
        "; the data is collected on or before {}, so a shorter period after `collected` always runs out before the statute's",
        event.noun(crate::text::Lang::En, &crate::retention::NoCustomEvents)
    )
}

/// A rule that runs from `consent_withdrawn` (`until consent_withdrawn`, `N after
/// consent_withdrawn`, or inside `the later of`/`the earlier of`) on a purpose that does
/// not rest on consent: nobody gave consent, so nobody can withdraw it, and the data is
/// kept until an event that never happens (GDPR art. 5.1 e), while the notice tells the
/// person "until you withdraw your consent", implying a basis that is not there (art. 7.3,
/// 13.1 c, 13.2 a). Explicit consent under art. 9.2 a is consent too, and withdrawable
/// (art. 7.3 applies to it), so it counts.
fn retention_on_withdrawal(
    p: &crate::register::Purpose,
    what: &str,
    rule: &RetentionRule,
    at: Option<crate::text::Span>,
    f: &mut Findings,
) {
    let consent = p.has_basis(LegalBasis::Consent)
        || p.art9_condition == Some(crate::law::Art9Condition::ExplicitConsent);
    if consent || !rule.events().contains(&&Event::ConsentWithdrawn) {
        return;
    }
    let bases: Vec<&str> = p.legal_bases.iter().map(|b| b.key()).collect();
    let bases = if bases.is_empty() {
        "no legal basis".to_owned()
    } else {
        bases.join(", ")
    };
    f.report(
        "retention-until-consent-without-consent",
        format!(
            "purpose `{}` keeps {what} `{rule}`, but it rests on {bases}, not consent: no consent is ever withdrawn, so the data would never be erased",
            p.id
        ),
        at,
    );
}

fn recipients(reg: &Register, f: &mut Findings) {
    for r in &reg.recipients {
        let name = r.name(crate::text::Lang::Sv);
        if r.role == RecipientRole::Processor && r.dpa.is_none() {
            f.report(
                "processor-no-dpa",
                format!("processor `{name}` has no recorded data processing agreement"),
                r.span,
            );
        }
        if r.country.is_none() && r.role != RecipientRole::Authority {
            f.report(
                "recipient-country-missing",
                format!("recipient `{name}` has no country"),
                r.span,
            );
        }
        let third = r.is_third_country();
        let country = match &r.country {
            Some(c @ crate::register::Location::Country(_)) => c.name(crate::text::Lang::En),
            _ => "a country not named".to_owned(),
        };
        if let Some(m) = r.transfer
            && let Some(inv) = m.invalidated()
        {
            f.report(
                "transfer-mechanism-invalidated",
                format!(
                    "recipient `{name}` names {} as its transfer mechanism, declared invalid by the EU Court of Justice on {} ({})",
                    // The name without its "(invalid since …)" note, which the message gives.
                    m.name(crate::text::Lang::En)
                        .split(" (")
                        .next()
                        .unwrap_or_default(),
                    inv.date,
                    inv.case
                ),
                r.span,
            );
        }
        if let Some(msg) = dpf_uncertified(
            "recipient",
            name,
            r.transfer,
            r.country.as_ref(),
            r.dpf_certified,
        ) {
            f.report("transfer-dpf-uncertified", msg, r.span);
        }
        if let Some(msg) = mechanism_inside_eea("recipient", name, r.transfer, r.country.as_ref()) {
            f.report("transfer-mechanism-inside-eea", msg, r.span);
        }
        match r.transfer {
            // Inside the EU/EEA the mechanism itself is the finding (above), not its kind.
            Some(_) if inside_eea(r.country.as_ref()) => {}
            None if third => f.report(
                "transfer-no-mechanism",
                format!(
                    "recipient `{name}` is in {country}, outside the EU/EEA, with no transfer mechanism{}",
                    adequacy_hint(r.country.as_ref())
                ),
                r.span,
            ),
            Some(TransferMechanism::DataPrivacyFramework)
                if r.country.as_ref().and_then(|c| c.code()) != Some("US") =>
            {
                f.report(
                "transfer-dpf-outside-us",
                format!("recipient `{name}` is in {country}, but the Data Privacy Framework covers only the US"),
                r.span,
            )
            }
            Some(TransferMechanism::Adequacy)
                if third && r.country.as_ref().and_then(|c| c.code()).and_then(law::adequacy).is_none() =>
            {
                f.report(
                "transfer-adequacy-unrecognised",
                format!("no adequacy decision is known for {country} (recipient `{name}`)"),
                r.span,
            )
            }
            Some(TransferMechanism::Derogation) if r.role == RecipientRole::Processor => f.report(
                "transfer-derogation-systematic",
                format!("processor `{name}` receives data regularly under an Art. 49 derogation"),
                r.span,
            ),
            _ => {}
        }
    }
}

/// Why a US recipient's transfer is not covered: the DPF named, or an adequacy decision
/// claimed, without the register saying the recipient is certified. The only adequacy
/// decision for the United States is the Data Privacy Framework (kommissionens
/// genomförandebeslut (EU) 2023/1795), and it covers only organisations on the DPF list
/// (GDPR art. 45; decision art. 1), so `adequacy` for the US needs the same certification.
pub(super) fn dpf_uncertified(
    who: &str,
    name: &str,
    transfer: Option<TransferMechanism>,
    country: Option<&crate::register::Location>,
    certified: Option<crate::register::DpfCertification>,
) -> Option<String> {
    if country.and_then(|c| c.code()) != Some("US") || certified.is_some_and(|c| c.certified) {
        return None;
    }
    match transfer {
        Some(TransferMechanism::DataPrivacyFramework) => Some(format!(
            "{who} `{name}` relies on the Data Privacy Framework, but the register does not say it is certified"
        )),
        Some(TransferMechanism::Adequacy) => Some(format!(
            "{who} `{name}` in the United States relies on an adequacy decision, but the only one for the US is the EU–US Data Privacy Framework (2023/1795), which covers certified organisations only, and the register does not say `{name}` is certified"
        )),
        _ => None,
    }
}

/// True when the place is in the EU/EEA (a named member country, or `EEA`).
pub(super) fn inside_eea(country: Option<&crate::register::Location>) -> bool {
    match country {
        Some(crate::register::Location::Country(code)) => {
            law::countries::country(code).is_some_and(|c| c.eea)
        }
        Some(crate::register::Location::Eea) => true,
        _ => false,
    }
}

/// Why a transfer mechanism named for a recipient inside the EU/EEA is out of place: Chapter
/// V (GDPR art. 44–46) governs transfers to third countries only, so data staying in the
/// EU/EEA is not transferred, and naming a mechanism suggests a transfer that does not happen.
/// (The notice and the record list transfers by country, so they already show none.)
pub(super) fn mechanism_inside_eea(
    who: &str,
    name: &str,
    transfer: Option<TransferMechanism>,
    country: Option<&crate::register::Location>,
) -> Option<String> {
    let m = transfer?;
    let place = country.filter(|c| inside_eea(Some(c)))?;
    let place = match place {
        crate::register::Location::Country(_) => place.name(crate::text::Lang::En),
        _ => "the EU/EEA".to_owned(),
    };
    Some(format!(
        "{who} `{name}` is in {place}, inside the EU/EEA, yet names {} as a transfer mechanism: no transfer to a third country takes place",
        m.name(crate::text::Lang::En)
    ))
}

/// For a country with an adequacy decision, the hint to name it as the mechanism.
pub(super) fn adequacy_hint(country: Option<&crate::register::Location>) -> String {
    match country.and_then(|c| c.code()) {
        // The US decision covers only DPF-certified organisations: `dpf`, not a blanket adequacy.
        Some("US") => "; if it is certified under the EU–US Data Privacy Framework, use `transfer = \"dpf\"` with `dpf_certified = YYYY-MM-DD`".to_owned(),
        Some(code) => law::adequacy(code).map_or_else(String::new, |d| {
            format!(
                "; the Commission has an adequacy decision for this country ({}): use `transfer = \"adequacy\"`",
                d.reference
            )
        }),
        None => String::new(),
    }
}

fn usage(reg: &Register, f: &mut Findings) {
    let used_recipients: BTreeSet<&str> = reg
        .purposes
        .iter()
        .flat_map(|p| p.recipients.iter().map(String::as_str))
        .collect();
    for r in &reg.recipients {
        if !used_recipients.contains(r.id.as_str()) {
            f.report(
                "recipient-unused",
                format!("recipient `{}` receives data for no purpose", r.id),
                r.span,
            );
        }
    }
    // A category counts as used when a purpose uses it, a key below it, or a key above it.
    let used: Vec<&str> = reg
        .purposes
        .iter()
        .flat_map(|p| p.data_categories.iter().map(String::as_str))
        .collect();
    let is_used = |k: &str| used.iter().any(|u| is_within(u, k) || is_within(k, u));
    for c in &reg.collects {
        if !is_used(&c.value) {
            f.report(
                "category-unused",
                format!("`{}` is collected but no purpose uses it", c.value),
                c.span,
            );
        }
    }
    for c in &reg.custom_categories {
        let is_parent = reg
            .custom_categories
            .iter()
            .any(|o| o.parent.as_deref() == Some(c.key.as_str()));
        if !is_used(&c.key) && !is_parent {
            f.report(
                "category-unused",
                format!("`{}` is declared but no purpose uses it", c.key),
                c.span,
            );
        }
    }
}

fn rights(reg: &Register, f: &mut Findings) {
    let marketing = reg.purposes.iter().find(|p| {
        p.direct_marketing
            || p.data_use
                .as_deref()
                .is_some_and(|u| is_within(u, "marketing"))
    });
    if let Some(p) = marketing
        && reg.rights.object_direct_marketing.is_none()
    {
        f.report(
            "direct-marketing-no-objection",
            format!("purpose `{}` is direct marketing, but `[rights] object_direct_marketing` is missing", p.id),
            p.span,
        );
    }
}

fn cookies(reg: &Register, f: &mut Findings) {
    use crate::law::CookieCategory;
    for c in &reg.cookies {
        if c.category != CookieCategory::Necessary {
            let consented = c
                .purpose
                .as_deref()
                .and_then(|id| reg.purpose(id))
                .is_some_and(|p| p.has_basis(LegalBasis::Consent));
            if !consented {
                f.report(
                    "cookie-without-consent",
                    format!(
                        "cookie `{}` ({}) is not tied to a purpose based on consent",
                        c.name,
                        c.category.name(crate::text::Lang::En).to_lowercase()
                    ),
                    c.span,
                );
            }
        }
        if c.duration.is_none() {
            f.report(
                "cookie-duration-missing",
                format!("cookie `{}` has no duration", c.name),
                c.span,
            );
        }
    }
}

fn translations(reg: &Register, f: &mut Findings) {
    let mut check = |what: &str, t: &Text| {
        let missing = match (t.sv.is_some(), t.en.is_some()) {
            (true, false) => "English",
            (false, true) => "Swedish",
            _ => return,
        };
        f.report(
            "missing-translation",
            format!("{what} has no {missing} text"),
            t.span,
        );
    };
    for (what, t) in reg.free_texts() {
        check(&what, t);
    }
    for (what, t) in reg.notice_names() {
        check(&what, t);
    }
    for c in reg.custom_categories.iter().chain(&reg.custom_subjects) {
        check(&format!("the name of `{}`", c.key), &c.name);
    }
    for e in &reg.events {
        check(&format!("the name of event `{}`", e.key), &e.name);
    }
    for (i, m) in reg.security.measures.iter().enumerate() {
        check(&format!("security measure {}", i + 1), m);
    }
}

/// Legal forms whose abbreviation or word in a name makes it a registered legal name
/// (aktiebolagslagen (2005:551) 2 kap. 31 §, lagen (2018:672) om ekonomiska föreningar
/// 2 kap. 2 §, and the forms of other countries).
const LEGAL_FORMS: &[&str] = &[
    "ab",
    "(publ)",
    "aktiebolag",
    "hb",
    "handelsbolag",
    "kb",
    "kommanditbolag",
    "ek. för.",
    "ekonomisk förening",
    "ideell förening",
    "bostadsrättsförening",
    "brf",
    "stiftelse",
    "enskild firma",
    "ltd",
    "ltd.",
    "limited",
    "plc",
    "llc",
    "inc",
    "inc.",
    "gmbh",
    "oy",
    "a/s",
    "aps",
    "asa",
    "bv",
    "b.v.",
    "nv",
    "sa",
    "s.a.",
    "sarl",
    "srl",
    "kommun",
    "region",
    "myndighet",
    "myndigheten",
    "verket",
];

fn has_legal_form(name: &str) -> bool {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    LEGAL_FORMS.iter().any(|form| {
        if form.contains(' ') {
            lower.contains(form)
        } else {
            words.iter().any(|w| w == form)
        }
    })
}

/// GDPR art. 13.1 a asks for the controller's identity: the legal person, which a brand is not.
fn controller_identity(reg: &Register, f: &mut Findings) {
    let c = &reg.controller;
    if c.org_number.is_none() && c.legal_name.is_none() && !has_legal_form(&c.name) {
        f.report(
            "controller-brand-only",
            format!(
                "the controller is named `{}`, which is no legal name, and has no organisationsnummer",
                c.name
            ),
            c.span,
        );
    }
}

/// True when data-category `key` is `ancestor` or lies below it, following the parents the
/// register declares for its own categories.
fn category_within(reg: &Register, key: &str, ancestor: &str) -> bool {
    let mut k = key;
    // A bound on the walk: declared parents may (wrongly) form a cycle.
    for _ in 0..16 {
        if is_within(k, ancestor) {
            return true;
        }
        match reg
            .custom_categories
            .iter()
            .find(|c| c.key == k)
            .and_then(|c| c.parent.as_deref())
        {
            Some(parent) => k = parent,
            None => return false,
        }
    }
    false
}

/// True when data-subject `key` is customers (`customer`, or a subject the register
/// declares below it).
fn subject_is_customer(reg: &Register, key: &str) -> bool {
    let mut k = key;
    for _ in 0..16 {
        if k == "customer" {
            return true;
        }
        match reg
            .custom_subjects
            .iter()
            .find(|c| c.key == k)
            .and_then(|c| c.parent.as_deref())
        {
            Some(parent) => k = parent,
            None => return false,
        }
    }
    false
}

/// Contact data electronic marketing is sent to: e-mail, or a phone number (SMS, MMS).
/// `user.contact` as a whole includes both.
fn uses_electronic_contact(reg: &Register, p: &crate::register::Purpose) -> bool {
    p.data_categories.iter().any(|k| {
        k == "user.contact"
            || category_within(reg, k, "user.contact.email")
            || category_within(reg, k, "user.contact.phone_number")
    })
}

fn is_marketing(p: &crate::register::Purpose) -> bool {
    p.direct_marketing
        || p.data_use
            .as_deref()
            .is_some_and(|u| is_within(u, "marketing"))
}

fn advertising_platform() -> &'static Regex {
    constant_regex!(
        r"(?i)\b(?:facebook|meta(?:\s+platforms)?|instagram|google\s+ads|adwords|linkedin|tiktok|snapchat|pinterest|twitter|x\s+ads|bing\s+ads|microsoft\s+advertising|criteo|annonsplattform\w*|annonsnätverk\w*|reklamnätverk\w*|advertising\s+(?:platform|network)s?|ad\s+(?:platform|network)s?)\b",
    )
}

fn text_matches(t: &Text, re: &Regex) -> bool {
    t.sv.as_deref().is_some_and(|s| re.is_match(s))
        || t.en.as_deref().is_some_and(|s| re.is_match(s))
}

/// Marketing by e-mail or SMS to people who are not customers, and customer lists given to
/// advertising platforms, on legitimate interests.
fn marketing(reg: &Register, f: &mut Findings) {
    for p in &reg.purposes {
        let on_interest =
            p.has_basis(LegalBasis::LegitimateInterests) && !p.has_basis(LegalBasis::Consent);
        if !on_interest || !uses_electronic_contact(reg, p) {
            continue;
        }
        let id = &p.id;
        if is_marketing(p) {
            let others: Vec<&str> = p
                .data_subjects
                .iter()
                .filter(|s| !subject_is_customer(reg, s))
                .map(String::as_str)
                .collect();
            if !others.is_empty() {
                f.report(
                    "marketing-email-without-consent",
                    format!(
                        "purpose `{id}` markets by e-mail or SMS to {} on legitimate interests; only existing customers may be sent such marketing without consent",
                        others.join(", ")
                    ),
                    p.span,
                );
            }
        }
        let platforms: Vec<&str> = p
            .recipients
            .iter()
            .filter_map(|rid| reg.recipient(rid))
            .filter(|r| {
                text_matches(&r.name, advertising_platform())
                    || r.category
                        .as_ref()
                        .is_some_and(|c| text_matches(c, advertising_platform()))
            })
            .map(|r| r.id.as_str())
            .collect();
        if !platforms.is_empty() {
            f.report(
                "advertising-list-without-consent",
                format!(
                    "purpose `{id}` gives contact data to the advertising platform(s) {} on legitimate interests",
                    platforms.join(", ")
                ),
                p.span,
            );
        }
    }
}

fn tax_deduction_words() -> &'static Regex {
    constant_regex!(
        r"(?i)\b(?:rut|rot)(?:-|\s)?(?:avdrag|arbete|tjänst|deduction)|\b(?:rut|rot)-?\s+(?:och|eller|and|or)\s+(?:rut|rot)|\bhusavdrag|skattereduktion\s+för\s+hushållsarbete|tax\s+reduction\s+for\s+household",
    )
}

fn bare_rut_rot() -> &'static Regex {
    // Upper case only: "rot" is also a Swedish word (a root).
    constant_regex!(r"\b(?:RUT|ROT)\b")
}

fn is_skatteverket(r: &crate::register::Recipient) -> bool {
    [r.name.sv.as_deref(), r.name.en.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .any(|n| {
            n.contains("skatteverket")
                || n.contains("skattemyndighet")
                || n.contains("tax agency")
                || n.contains("tax authorit")
        })
}

/// Lag (2009:194) 8–9 §§: a business claiming RUT or ROT payment gives Skatteverket the
/// buyer's personnummer and the work done, so Skatteverket is a recipient (GDPR art. 13.1 e).
fn tax_deductions(reg: &Register, f: &mut Findings) {
    let rut: Vec<&crate::register::Purpose> = reg
        .purposes
        .iter()
        .filter(|p| {
            let by_statute = matches!(&p.statute, Some(StatuteRef::Known(s)) if s.key == "skatteforfarandelagen");
            let texts = [
                Some(&p.name),
                p.description.as_ref(),
                p.legitimate_interest.as_ref(),
                p.source_detail.as_ref(),
            ];
            by_statute
                || texts.into_iter().flatten().any(|t| {
                    text_matches(t, tax_deduction_words()) || text_matches(t, bare_rut_rot())
                })
        })
        .collect();
    let shared = rut.iter().any(|p| {
        p.recipients
            .iter()
            .filter_map(|id| reg.recipient(id))
            .any(is_skatteverket)
    });
    if let Some(first) = rut.first()
        && !shared
    {
        f.report(
            "tax-deduction-no-skatteverket",
            format!(
                "purpose `{}` concerns RUT/ROT work, but no purpose for it shares data with Skatteverket",
                first.id
            ),
            first.span,
        );
    }
}

fn numbered_reference() -> &'static Regex {
    constant_regex!(
        r"(?i)\b(?:se|enligt|under|i|vid|see|in|under|per|at)\s+(?:avsnitt(?:et)?|punkt(?:en)?|stycke(?:t)?|rubrik(?:en)?|paragraf(?:en)?|kapitel|section|clause|paragraph|point|item|chapter)\s+(\d+(?:\.\d+)*)",
    )
}

fn cookie_policy_reference() -> &'static Regex {
    constant_regex!(
        r"(?i)\b(?:vår|våra|our|the)\s+(?:cookie[- ]?polic(?:y|ies)|cookiepolicy|kakpolicy|policy\s+för\s+(?:kakor|cookies)|cookie[- ]?(?:information|declaration|notice)|cookieinformation)\b",
    )
}

/// A reference the register cannot resolve: a numbered section no notice section carries, or
/// a cookie policy when the register describes no cookies. Numbers are resolved against the
/// titles of `[[notice.section]]` (the generated notice numbers nothing itself).
fn unresolved_reference(reg: &Register, text: &str) -> Option<String> {
    for c in numbered_reference().captures_iter(text) {
        let number = c.get(1).map_or("", |m| m.as_str());
        let carried = reg.notice.sections.iter().any(|s| {
            [s.title.sv.as_deref(), s.title.en.as_deref()]
                .into_iter()
                .flatten()
                .any(|t| {
                    t.split_whitespace()
                        .any(|w| w.trim_end_matches(['.', ')', ':', ',']) == number)
                })
        });
        if !carried {
            return c.get(0).map(|m| m.as_str().to_owned());
        }
    }
    if let Some(m) = cookie_policy_reference().find(text) {
        let cookie_section = reg.notice.sections.iter().any(|s| {
            [s.title.sv.as_deref(), s.title.en.as_deref()]
                .into_iter()
                .flatten()
                .any(|t| {
                    let t = t.to_lowercase();
                    t.contains("cookie") || t.contains("kak")
                })
        });
        if reg.cookies.is_empty() && !cookie_section {
            return Some(m.as_str().to_owned());
        }
    }
    None
}

/// GDPR art. 12.1: the information must be given, not promised elsewhere. A text that points
/// at a part of the notice the register does not hold leaves the reader with nothing.
fn references(reg: &Register, f: &mut Findings) {
    for (what, t) in reg.free_texts() {
        let found = [t.sv.as_deref(), t.en.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|s| unresolved_reference(reg, s));
        if let Some(r) = found {
            f.report(
                "reference-unresolved",
                format!("{what} refers to \"{r}\", which nothing in the register carries"),
                t.span,
            );
        }
    }
}

/// GDPR Art. 13(2)(f) and 14(2)(g): the notice must say whether decisions based solely on
/// automated processing (Art. 22) are made. The notice says so only from the register (it
/// never claims there are none unless told), so a register that neither declares
/// `[rights] automated_decisions = "none"` nor describes an `automated_decision` leaves the
/// element out. The company's own free text (`[rights.statements] automated_decisions`) does
/// not count: it is exactly the unverified claim the declaration replaces.
fn automated_decisions(reg: &Register, f: &mut Findings) {
    let described = reg.purposes.iter().any(|p| p.automated_decision.is_some());
    if !reg.rights.no_automated_decisions && !described {
        f.report(
            "automated-decisions-unstated",
            "the register does not say whether decisions based solely on automated processing (Art. 22) are made",
            None,
        );
    }
}

/// With `[notice] voice = "singular"` the notice says jag/mig/min (I/me/my); the company's
/// own texts, rendered as written, should not switch to vi/oss/vår (we/us/our) mid-notice
/// (GDPR art. 12.1: concise, intelligible, clear). One finding per text. English "US" in
/// capitals is the country, not "us".
fn voice(reg: &Register, f: &mut Findings) {
    let sv: &Regex = constant_regex!(r"(?i)\b(?:vi|oss|vår|vårt|våra)\b");
    let en: &Regex = constant_regex!(r"\b(?:[Ww]e|WE|us|Us|[Oo]urs?|OURS?)\b");
    if reg.notice.voice != crate::register::Voice::Singular {
        return;
    }
    for (what, text) in reg.free_texts() {
        let found = text
            .sv
            .as_deref()
            .and_then(|t| sv.find(t))
            .or_else(|| text.en.as_deref().and_then(|t| en.find(t)));
        if let Some(m) = found {
            f.report(
                "voice-mismatch",
                format!(
                    "{what} says \"{}\", but `[notice] voice = \"singular\"` makes the notice speak as \"jag\"/\"I\"",
                    m.as_str()
                ),
                text.span,
            );
        }
    }
}
