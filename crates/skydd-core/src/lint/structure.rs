//! Rules over the typed register: bases, categories, recipients, retention, rights.

use std::collections::BTreeSet;

use super::Findings;
use crate::law::{self, LegalBasis, RecipientRole, Source, TransferMechanism};
use crate::register::{Register, StatuteRef};
use crate::retention::RetentionRule;
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
        if p.legal_bases.len() > 1 {
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
    if let RetentionRule::AsLongAsNecessary { .. } = r.rule {
        f.report(
            "retention-not-enforceable",
            format!(
                "purpose `{id}` keeps data `{}`, which no machine can enforce",
                r.rule
            ),
            r.span,
        );
    }
    if let Some(StatuteRef::Known(statute)) = &p.statute {
        match r.rule.at_least(&statute.minimum) {
            Some(false) => f.report(
                "retention-shorter-than-obligation",
                format!(
                    "purpose `{id}` keeps data `{}`, shorter than {} requires (`{}`)",
                    r.rule, statute.citation, statute.minimum
                ),
                r.span,
            ),
            None if r.rule.is_enforceable() => f.report(
                "retention-obligation-uncomparable",
                format!(
                    "purpose `{id}` keeps data `{}` but {} requires `{}`",
                    r.rule, statute.citation, statute.minimum
                ),
                r.span,
            ),
            _ => {}
        }
    }
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
        match r.transfer {
            None if third => f.report(
                "transfer-no-mechanism",
                format!("recipient `{name}` is in {country}, outside the EU/EEA, with no transfer mechanism"),
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
