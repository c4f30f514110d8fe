//! The notice as data for templates: every string already in the target language, so
//! templates only lay things out.

use std::collections::BTreeMap;

use serde::Serialize;
use skydd_core::law::{CookieCategory, LegalBasis, RecipientRole, TransferMechanism, keyword_key};
use skydd_core::register::{Contact, Placement, Register};
use skydd_core::taxonomy::ATTRIBUTION;
use skydd_core::{Lang, Text};

/// Contact details, for the controller, DPO, representative and authority.
#[derive(Debug, Serialize)]
pub struct ContactView {
    name: Option<String>,
    org_number: Option<String>,
    address: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
}

impl ContactView {
    fn controller(c: &skydd_core::register::Controller) -> Self {
        ContactView {
            name: Some(c.display_name()),
            org_number: c.org_number.as_ref().map(ToString::to_string),
            address: c.address.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            website: c.website.clone(),
        }
    }

    fn authority(a: &skydd_core::law::Authority) -> Self {
        ContactView {
            name: Some(a.name.clone()),
            org_number: None,
            address: a.address.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            website: a.website.clone(),
        }
    }

    fn of(c: &Contact) -> Self {
        ContactView {
            name: c.name.clone(),
            org_number: None,
            address: c.address.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            website: c.website.clone(),
        }
    }
}

/// A legal basis or condition with its article.
#[derive(Debug, Clone, Serialize)]
pub struct Basis {
    name: &'static str,
    article: &'static str,
}

/// One purpose.
#[derive(Debug, Serialize)]
pub struct PurposeView {
    id: String,
    name: String,
    description: Option<String>,
    bases: Vec<Basis>,
    /// The bases joined: "Avtal (GDPR art. 6.1 b); Samtycke (GDPR art. 6.1 a)".
    bases_text: String,
    legitimate_interest: Option<String>,
    art9: Option<Basis>,
    personnummer: Option<String>,
    statute: Option<String>,
    subjects: Vec<String>,
    categories: Vec<String>,
    retention: Option<String>,
    retention_note: Option<String>,
    sources: Vec<String>,
    source_detail: Option<String>,
    requirement: Option<String>,
    recipients: Vec<String>,
    withdrawal: Option<String>,
    automated: Option<Automated>,
    direct_marketing: bool,
    /// Profiling that is not an Art. 22 decision, as the register describes it.
    profiling: Option<String>,
    /// The right to object that applies to that profiling (Art. 21(1) or 21(2)), if any.
    profiling_objection: Option<String>,
}

/// Automated decision details.
#[derive(Debug, Serialize)]
pub struct Automated {
    logic: Option<String>,
    significance: Option<String>,
}

/// One recipient.
#[derive(Debug, Clone, Serialize)]
pub struct RecipientView {
    name: String,
    role: &'static str,
    category: Option<String>,
    country: Option<String>,
    /// True when the register does not say where the recipient processes the data.
    country_unknown: bool,
    third_country: bool,
    transfer: Option<Basis>,
    safeguards: Option<String>,
    shares: Option<String>,
    website: Option<String>,
    purposes: Vec<String>,
}

/// One cookie.
#[derive(Debug, Serialize)]
pub struct CookieView {
    name: String,
    provider: Option<String>,
    category: &'static str,
    duration: Option<String>,
    third_party: bool,
    purpose: Option<String>,
    description: Option<String>,
}

/// A paragraph or a bulleted list.
#[derive(Debug, Serialize)]
pub struct Block {
    /// The paragraph's text (empty for a list).
    text: String,
    /// The list's items (empty for a paragraph).
    items: Vec<String>,
}

/// A free-text section.
#[derive(Debug, Serialize)]
pub struct SectionView {
    title: String,
    blocks: Vec<Block>,
}

/// A right as the notice shows it.
#[derive(Debug, Serialize)]
pub struct RightView {
    key: &'static str,
    heading: String,
    text: String,
    how: Option<String>,
    company: Vec<String>,
}

/// Everything a notice template gets.
#[derive(Debug, Serialize)]
pub struct NoticeView {
    lang: &'static str,
    t: BTreeMap<String, String>,
    title: String,
    controller: ContactView,
    dpo: Option<ContactView>,
    representative: Option<ContactView>,
    authority: ContactView,
    /// The company's sections by where they go: `start`, `after-purposes`, …, `end`.
    sections: BTreeMap<&'static str, Vec<SectionView>>,
    purposes: Vec<PurposeView>,
    recipients: Vec<RecipientView>,
    transfers: Vec<RecipientView>,
    /// Recipients whose country the register does not state: the notice claims nothing
    /// about transfers to them (Art. 13(1)(f)).
    unknown_country: Vec<String>,
    /// What the notice says about processors: with "under a data processing agreement" only
    /// when every processor's agreement is recorded; `None` without processors.
    processors_text: Option<String>,
    /// True when a transfer rests on safeguards of which a copy can be had (SCC, BCR:
    /// Art. 13(1)(f), 46, 47); an adequacy decision needs none.
    safeguards_copy: bool,
    sources_elsewhere: Vec<(String, String)>,
    rights: Vec<RightView>,
    rights_contact: Option<String>,
    rights_general: Vec<String>,
    complaint_company: Vec<String>,
    has_automated: bool,
    /// True when the register declares `[rights] automated_decisions = "none"`.
    no_automated_declared: bool,
    cookies: Vec<CookieView>,
    /// True when every cookie that is not strictly necessary is tied to a consent purpose,
    /// so the notice may say so.
    cookies_consented: bool,
    security_description: Option<String>,
    security_measures: Vec<String>,
    version: Option<String>,
    effective: Option<String>,
    change_notice_days: Option<u32>,
    url: Option<String>,
    content_hash: String,
    attribution: &'static str,
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn paragraphs(t: &Text, lang: Lang) -> Vec<String> {
    t.get(lang)
        .split("\n\n")
        .map(one_line)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Paragraphs separated by blank lines; a paragraph whose lines all start with `- ` or
/// `• ` is a list.
fn blocks(t: &Text, lang: Lang) -> Vec<Block> {
    let bullet = |l: &str| {
        l.strip_prefix("- ")
            .or_else(|| l.strip_prefix("• "))
            .map(one_line)
    };
    t.get(lang)
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let items: Option<Vec<String>> = p
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(bullet)
                .collect();
            match items {
                Some(items) if !items.is_empty() => Block {
                    text: String::new(),
                    items,
                },
                _ => Block {
                    text: one_line(p),
                    items: Vec::new(),
                },
            }
        })
        .collect()
}

/// Inline text (table cells, list items): one line.
fn get(t: &Option<Text>, lang: Lang) -> Option<String> {
    t.as_ref()
        .map(|t| one_line(t.get(lang)))
        .filter(|s| !s.is_empty())
}

fn fill(s: &str, key: &str, value: &str) -> String {
    s.replace(&format!("{{{key}}}"), value)
}

impl NoticeView {
    /// Builds the view of `reg` in `lang`, with the fixed strings `t` of that language.
    pub fn build(reg: &Register, lang: Lang, t: BTreeMap<String, String>) -> NoticeView {
        let s = |k: &str| t.get(k).cloned().unwrap_or_default();
        let source = |src: skydd_core::law::Source| {
            t.get(&format!("source_{}", src.key()))
                .cloned()
                .unwrap_or_else(|| src.name(lang).to_owned())
        };
        let marketing_purpose = |p: &skydd_core::register::Purpose| {
            p.direct_marketing
                || p.data_use
                    .as_deref()
                    .is_some_and(|u| skydd_core::taxonomy::is_within(u, "marketing"))
        };
        let purposes = reg
            .purposes
            .iter()
            .map(|p| PurposeView {
                id: p.id.clone(),
                name: p.name.get(lang).to_owned(),
                description: get(&p.description, lang),
                bases: p
                    .legal_bases
                    .iter()
                    .map(|b| Basis {
                        name: b.name(lang),
                        article: b.article(),
                    })
                    .collect(),
                bases_text: p
                    .legal_bases
                    .iter()
                    .map(|b| format!("{} ({})", b.name(lang), b.article()))
                    .collect::<Vec<_>>()
                    .join("; "),
                legitimate_interest: get(&p.legitimate_interest, lang),
                art9: p.art9_condition.map(|c| Basis {
                    name: c.name(lang),
                    article: c.article(),
                }),
                personnummer: get(&p.personnummer_justification, lang),
                statute: p.statute.as_ref().map(|s| s.citation().to_owned()),
                subjects: p
                    .data_subjects
                    .iter()
                    .map(|k| reg.subject_name(k, lang))
                    .collect(),
                categories: p
                    .data_categories
                    .iter()
                    .map(|k| reg.category_name(k, lang))
                    .collect(),
                retention: p.retention.as_ref().map(|r| r.describe(lang, reg)),
                retention_note: p
                    .retention
                    .as_ref()
                    .and_then(|r| r.note(lang, reg))
                    .map(|n| one_line(&n))
                    .filter(|n| !n.is_empty()),
                sources: p.sources.iter().map(|s| source(*s)).collect(),
                source_detail: get(&p.source_detail, lang),
                requirement: p.requirement.map(|r| {
                    let mut s = t
                        .get(&format!("requirement_{}", keyword_key(r)))
                        .cloned()
                        .unwrap_or_else(|| r.sentence(lang).to_owned());
                    if let Some(c) = get(&p.requirement_consequence, lang) {
                        s = format!("{s} {c}");
                    }
                    s
                }),
                recipients: p
                    .recipients
                    .iter()
                    .filter_map(|id| reg.recipient(id))
                    .map(|r| r.name(lang).to_owned())
                    .collect(),
                withdrawal: get(&p.withdrawal, lang).or_else(|| {
                    p.has_basis(LegalBasis::Consent)
                        .then(|| get(&reg.rights.withdraw_consent, lang))
                        .flatten()
                }),
                automated: p.automated_decision.as_ref().map(|a| Automated {
                    logic: get(&a.logic, lang),
                    significance: get(&a.significance, lang),
                }),
                direct_marketing: p.direct_marketing,
                profiling: get(&p.profiling, lang),
                // Profiling for direct marketing may always be refused (Art. 21(2)); other
                // profiling on legitimate interests or a public task only on grounds of the
                // person's situation (Art. 21(1)); on consent or contract there is no
                // objection, only withdrawal or the contract's end.
                profiling_objection: p.profiling.as_ref().and_then(|_| {
                    if marketing_purpose(p) {
                        Some(s("profiling_object_marketing"))
                    } else if p.has_basis(LegalBasis::LegitimateInterests)
                        || p.has_basis(LegalBasis::PublicTask)
                    {
                        Some(s("profiling_object"))
                    } else {
                        None
                    }
                }),
            })
            .collect::<Vec<_>>();
        let recipients: Vec<RecipientView> = reg
            .recipients
            .iter()
            .map(|r| RecipientView {
                name: r.name(lang).to_owned(),
                role: r.role.name(lang),
                category: get(&r.category, lang),
                country: r.country.as_ref().map(|c| c.name(lang)),
                country_unknown: r.country.is_none(),
                third_country: r.is_third_country(),
                transfer: r.transfer.map(|m| Basis {
                    name: m.name(lang),
                    article: m.article(),
                }),
                safeguards: get(&r.safeguards, lang),
                shares: get(&r.shares, lang),
                website: r.website.clone(),
                purposes: reg
                    .purposes
                    .iter()
                    .filter(|p| p.recipients.contains(&r.id))
                    .map(|p| p.name.get(lang).to_owned())
                    .collect(),
            })
            .collect();
        let transfers: Vec<RecipientView> = recipients
            .iter()
            .filter(|r| r.third_country)
            .cloned()
            .collect();
        let unknown_country = recipients
            .iter()
            .filter(|r| r.country_unknown)
            .map(|r| r.name.clone())
            .collect();
        let processors: Vec<_> = reg
            .recipients
            .iter()
            .filter(|r| r.role == RecipientRole::Processor)
            .collect();
        let processors_text = (!processors.is_empty()).then(|| {
            if processors.iter().all(|r| r.dpa.is_some()) {
                s("processors_dpa")
            } else {
                s("processors")
            }
        });

        let sources_elsewhere = reg
            .purposes
            .iter()
            .filter(|p| p.sources.iter().any(|s| s.is_elsewhere()))
            .map(|p| {
                let detail = get(&p.source_detail, lang).unwrap_or_else(|| {
                    p.sources
                        .iter()
                        .filter(|s| s.is_elsewhere())
                        .map(|s| source(*s))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                (p.name.get(lang).to_owned(), detail)
            })
            .collect();

        let has = |b: LegalBasis| reg.purposes.iter().any(|p| p.has_basis(b));
        let statements = &reg.rights.statements;
        let company =
            |t: &Option<Text>| t.as_ref().map(|t| paragraphs(t, lang)).unwrap_or_default();
        let right = |key: &'static str, how: Option<String>, company: Vec<String>| RightView {
            key,
            heading: s(&format!("right_{key}_h")),
            text: s(&format!("right_{key}")),
            how,
            company,
        };
        let mut erasure = right("erasure", None, company(&statements.erasure));
        // That data kept by law is erased when the duty ends is said only of a register
        // that keeps data by law (Art. 17(3)(b)).
        if has(LegalBasis::LegalObligation) {
            erasure.text = format!("{} {}", erasure.text, s("right_erasure_held"));
        }
        let mut rights = vec![
            right("access", None, company(&statements.access)),
            right("rectification", None, company(&statements.rectification)),
            erasure,
            right("restriction", None, company(&statements.restriction)),
        ];
        // Art. 20(1)(a): portability covers processing on consent or contract only.
        if has(LegalBasis::Consent) || has(LegalBasis::Contract) || statements.portability.is_some()
        {
            rights.push(right("portability", None, company(&statements.portability)));
        }
        if has(LegalBasis::LegitimateInterests) || has(LegalBasis::PublicTask) {
            rights.push(right("object", None, company(&statements.objection)));
        }
        let marketing = reg.purposes.iter().any(marketing_purpose);
        if marketing || reg.rights.object_direct_marketing.is_some() {
            rights.push(right(
                "object_marketing",
                get(&reg.rights.object_direct_marketing, lang),
                Vec::new(),
            ));
        }
        if has(LegalBasis::Consent) {
            rights.push(right(
                "withdraw",
                get(&reg.rights.withdraw_consent, lang),
                Vec::new(),
            ));
        }
        let has_automated = reg.purposes.iter().any(|p| p.automated_decision.is_some());
        let no_automated_declared = reg.rights.no_automated_decisions && !has_automated;
        let mut automated = right("automated", None, company(&statements.automated_decisions));
        // Art. 13(2)(f): that there are no Art. 22 decisions is said only when the register
        // declares it; otherwise the notice states the right and claims nothing either way.
        if no_automated_declared {
            automated.text = s("no_automated");
            if reg.purposes.iter().any(|p| p.profiling.is_some()) {
                automated.text = format!("{} {}", automated.text, s("no_automated_profiling"));
            }
        }
        rights.push(automated);

        let sections = Placement::ALL
            .iter()
            .map(|(key, placement)| {
                let list = reg
                    .notice
                    .sections
                    .iter()
                    .filter(|s| s.placement == *placement)
                    .map(|s| SectionView {
                        title: one_line(s.title.get(lang)),
                        blocks: blocks(&s.body, lang),
                    })
                    .collect();
                (*key, list)
            })
            .collect();
        let c = &reg.controller;

        let title = reg
            .notice
            .title
            .as_ref()
            .map_or_else(|| s("title"), |t| t.get(lang).to_owned());
        let t = t
            .into_iter()
            .map(|(k, v)| {
                let v = fill(&v, "controller", &c.display_name());
                let v = fill(&v, "contact", reg.rights_contact().unwrap_or(""));
                let v = fill(
                    &v,
                    "days",
                    &reg.notice.change_notice_days.unwrap_or(0).to_string(),
                );
                let v = fill(&v, "url", reg.notice.url.as_deref().unwrap_or(""));
                (k, v)
            })
            .collect();
        NoticeView {
            lang: lang.code(),
            t,
            title,
            controller: ContactView::controller(&reg.controller),
            dpo: reg.dpo.as_ref().map(ContactView::of),
            representative: reg.representative.as_ref().map(ContactView::of),
            authority: ContactView::authority(&reg.authority),
            sections,
            purposes,
            recipients,
            transfers,
            unknown_country,
            processors_text,
            safeguards_copy: reg.recipients.iter().any(|r| {
                r.is_third_country()
                    && matches!(
                        r.transfer,
                        Some(
                            TransferMechanism::StandardContractualClauses
                                | TransferMechanism::BindingCorporateRules
                        )
                    )
            }),
            sources_elsewhere,
            rights,
            rights_contact: reg.rights_contact().map(str::to_owned),
            rights_general: company(&statements.general),
            complaint_company: company(&statements.complaint),
            has_automated,
            no_automated_declared,
            cookies: reg
                .cookies
                .iter()
                .map(|k| CookieView {
                    name: k.name.clone(),
                    provider: k.provider.clone(),
                    category: k.category.name(lang),
                    duration: k.duration.map(|d| d.words(lang)),
                    third_party: k.party == skydd_core::register::Party::Third,
                    purpose: k
                        .purpose
                        .as_deref()
                        .and_then(|id| reg.purpose(id))
                        .map(|p| p.name.get(lang).to_owned()),
                    description: get(&k.description, lang),
                })
                .collect(),
            cookies_consented: reg.cookies.iter().all(|c| {
                c.category == CookieCategory::Necessary
                    || c.purpose
                        .as_deref()
                        .and_then(|id| reg.purpose(id))
                        .is_some_and(|p| p.has_basis(LegalBasis::Consent))
            }),
            security_description: get(&reg.security.description, lang),
            security_measures: reg
                .security
                .measures
                .iter()
                .map(|m| one_line(m.get(lang)))
                .collect(),
            version: reg.notice.version.clone(),
            effective: reg.notice.effective.map(|d| d.to_string()),
            change_notice_days: reg.notice.change_notice_days,
            url: reg.notice.url.clone(),
            content_hash: reg.content_hash(),
            attribution: ATTRIBUTION,
        }
    }
}

/// A row cell of the register extract.
#[derive(Debug, Serialize)]
pub struct AccessCell {
    field: String,
    value: String,
    categories: Vec<String>,
}

/// A collection in the register extract.
#[derive(Debug, Serialize)]
pub struct AccessCollection {
    title: String,
    rows: Vec<Vec<AccessCell>>,
    more: usize,
}

/// A field kept by a legal obligation, in the register extract.
#[derive(Debug, Serialize)]
pub struct AccessHeld {
    place: String,
    field: String,
    value: String,
    categories: Vec<String>,
    purpose: String,
    statute: Option<String>,
    until: Option<String>,
}

/// A request or restriction skydd recorded, in the register extract.
#[derive(Debug, Serialize)]
pub struct AccessRecord {
    what: String,
    when: String,
    status: String,
}

/// A purpose in the register extract.
#[derive(Debug, Serialize)]
pub struct AccessPurpose {
    name: String,
    bases: Vec<String>,
    statute: Option<String>,
    categories: Vec<String>,
    recipients: Vec<String>,
    transfers: Vec<String>,
    retention: Option<String>,
    sources: Vec<String>,
    automated: Option<String>,
}

/// Everything the register-extract template gets (besides the strings `t`).
#[derive(Debug, Serialize)]
pub struct AccessView {
    lang: &'static str,
    controller: ContactView,
    dpo: Option<ContactView>,
    authority: ContactView,
    rights_contact: Option<String>,
    identities: Vec<String>,
    received: String,
    due: Option<String>,
    data: Vec<AccessCollection>,
    held: Vec<AccessHeld>,
    records: Vec<AccessRecord>,
    purposes: Vec<AccessPurpose>,
    register_hash: String,
}

impl AccessView {
    /// Builds the view of a package in `lang`.
    pub fn build(
        reg: &Register,
        pkg: &skydd_core::package::AccessPackage,
        lang: Lang,
    ) -> AccessView {
        let pick = |p: &(String, String)| lang.pick(&p.0, &p.1).clone();
        AccessView {
            lang: lang.code(),
            controller: ContactView::controller(&reg.controller),
            dpo: reg.dpo.as_ref().map(ContactView::of),
            authority: ContactView::authority(&reg.authority),
            rights_contact: reg.rights_contact().map(str::to_owned),
            identities: pkg.identities.clone(),
            received: pkg.received.to_string(),
            due: pkg.due.map(|d| d.to_string()),
            data: pkg
                .data
                .iter()
                .map(|c| AccessCollection {
                    title: c.collection.clone(),
                    more: c.more,
                    rows: c
                        .rows
                        .iter()
                        .map(|row| {
                            c.fields
                                .iter()
                                .filter_map(|f| row.get(f).map(|cell| (f, cell)))
                                .map(|(f, cell)| AccessCell {
                                    field: f.clone(),
                                    value: cell.value.as_text().unwrap_or_else(|| "–".into()),
                                    categories: cell
                                        .categories
                                        .iter()
                                        .map(|k| reg.category_name(k, lang))
                                        .collect(),
                                })
                                .collect()
                        })
                        .collect(),
                })
                .collect(),
            held: pkg
                .held
                .iter()
                .map(|h| AccessHeld {
                    place: format!("{} [{}]", h.collection, h.key),
                    field: h.field.clone(),
                    value: h
                        .value
                        .as_ref()
                        .and_then(skydd_core::value::Value::as_text)
                        .unwrap_or_else(|| "–".into()),
                    categories: h
                        .categories
                        .iter()
                        .map(|k| reg.category_name(k, lang))
                        .collect(),
                    purpose: reg
                        .purposes
                        .iter()
                        .find(|p| p.id == h.purpose)
                        .map_or_else(|| h.purpose.clone(), |p| p.name.get(lang).to_owned()),
                    statute: h.statute.clone(),
                    until: h.until.map(|d| d.to_string()),
                })
                .collect(),
            records: pkg
                .records
                .requests
                .iter()
                .map(|r| AccessRecord {
                    what: request_kind(&r.kind, lang),
                    when: r.received.clone(),
                    status: match (r.status.as_str(), lang) {
                        ("failed", Lang::Sv) => "kunde inte genomföras".into(),
                        ("failed", Lang::En) => "could not be carried out".into(),
                        (_, Lang::Sv) => "besvarad".into(),
                        (_, Lang::En) => "answered".into(),
                    },
                })
                .chain(
                    pkg.records
                        .restrictions
                        .iter()
                        .map(|(kind, purpose, since)| {
                            let what = request_kind(kind, lang);
                            AccessRecord {
                                what: match purpose {
                                    Some(p) => format!("{what} ({p})"),
                                    None => what,
                                },
                                when: since.get(..10).unwrap_or(since).to_owned(),
                                status: lang.pick("gäller", "in force").to_owned(),
                            }
                        }),
                )
                .collect(),
            purposes: pkg
                .purposes
                .iter()
                .map(|p| AccessPurpose {
                    name: pick(&p.name),
                    statute: p.statute.clone(),
                    bases: p
                        .legal_bases
                        .iter()
                        .map(|(sv, en, art)| format!("{} ({art})", lang.pick(sv, en)))
                        .collect(),
                    categories: p.categories.iter().map(pick).collect(),
                    recipients: p
                        .recipients
                        .iter()
                        .map(|r| {
                            let place = lang.pick(&r[4], &r[5]);
                            let name = lang.pick(&r[0], &r[1]);
                            let role = lang.pick(&r[2], &r[3]).to_lowercase();
                            if place.is_empty() {
                                format!("{name} ({role})")
                            } else {
                                format!("{name} ({role}, {place})")
                            }
                        })
                        .collect(),
                    transfers: p
                        .transfers
                        .iter()
                        .map(|t| {
                            format!(
                                "{}: {} – {}",
                                t[0],
                                lang.pick(&t[1], &t[2]),
                                lang.pick(&t[3], &t[4])
                            )
                        })
                        .collect(),
                    retention: p.retention.as_ref().map(pick),
                    sources: p.sources.iter().map(pick).collect(),
                    automated: p.automated.as_ref().map(|a| {
                        let logic = lang.pick(&a[0], &a[1]);
                        let sig = lang.pick(&a[2], &a[3]);
                        [logic, sig]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" ")
                    }),
                })
                .collect(),
            register_hash: pkg.register_hash.clone(),
        }
    }
}

/// A request or restriction kind in words.
fn request_kind(kind: &str, lang: Lang) -> String {
    let (sv, en) = match kind {
        "access" => ("Registerutdrag", "Register extract"),
        "portability" => ("Dataportabilitet", "Data portability"),
        "erasure" => ("Radering", "Erasure"),
        "rectification" => ("Rättelse", "Rectification"),
        "restriction" => ("Begränsning av behandling", "Restriction of processing"),
        "objection" => ("Invändning", "Objection"),
        "consent_withdrawn" | "withdrawal" => ("Återkallat samtycke", "Consent withdrawn"),
        "erasure_hold" => (
            "Uppgifter som sparas enligt lag efter radering",
            "Data kept by law after erasure",
        ),
        other => (other, other),
    };
    lang.pick(sv, en).to_owned()
}

/// One sub-processor on the published list.
#[derive(Debug, Serialize)]
pub struct SubprocessorRow {
    name: String,
    country: String,
    activity: Option<String>,
    /// The transfer mechanism with its article, "none" outside the EU/EEA without one, or
    /// that there is no transfer.
    transfer: String,
    safeguards: Option<String>,
    website: Option<String>,
    added: Option<String>,
    removed: Option<String>,
}

/// One dated change of the sub-processor list.
#[derive(Debug, Serialize)]
pub struct SubprocessorChangeRow {
    date: String,
    change: &'static str,
    name: String,
    /// The change lies ahead: an intended change customers may object to (Art. 28(2)).
    planned: bool,
}

/// The sub-processor list a processor publishes for its customers (Art. 28(2)): who is
/// engaged, who will be, who no longer is, and the dated history of changes.
#[derive(Debug, Serialize)]
pub struct SubprocessorView {
    lang: &'static str,
    t: BTreeMap<String, String>,
    company: ContactView,
    /// How to object to a change, when the register says where customers write.
    object: Option<String>,
    /// The date of the latest change on or before today.
    updated: Option<String>,
    current: Vec<SubprocessorRow>,
    planned: Vec<SubprocessorRow>,
    removed: Vec<SubprocessorRow>,
    changes: Vec<SubprocessorChangeRow>,
    content_hash: String,
}

impl SubprocessorView {
    /// The list of `reg`'s sub-processors in `lang` as of `today`. `t` holds the fixed
    /// strings; `{company}` and `{contact}` in them are filled in here.
    pub fn build(
        reg: &Register,
        lang: Lang,
        today: jiff::civil::Date,
        t: BTreeMap<String, String>,
    ) -> SubprocessorView {
        let contact = reg.rights_contact().unwrap_or("").to_owned();
        let t: BTreeMap<String, String> = t
            .into_iter()
            .map(|(k, v)| {
                let v = v
                    .replace("{company}", &reg.controller.display_name())
                    .replace("{contact}", &contact);
                (k, v)
            })
            .collect();
        let s = |k: &str| t.get(k).cloned().unwrap_or_default();
        let row = |sp: &skydd_core::register::Subprocessor| {
            let third = sp.is_third_country();
            let transfer = match (&sp.country, third, sp.transfer) {
                (_, true, Some(m)) => format!("{} ({})", m.name(lang), m.article()),
                (_, true, None) => s("sp_transfer_none"),
                (Some(_), false, _) => s("sp_no_transfer"),
                (None, false, _) => s("sp_country_unknown"),
            };
            SubprocessorRow {
                name: sp.name(lang).to_owned(),
                country: sp
                    .country
                    .as_ref()
                    .map_or_else(|| s("sp_country_unknown"), |c| c.name(lang)),
                activity: get(&sp.activity, lang),
                transfer,
                safeguards: if third {
                    get(&sp.safeguards, lang)
                } else {
                    None
                },
                website: sp.website.clone(),
                added: sp.added.map(|d| d.to_string()),
                removed: sp.removed.map(|d| d.to_string()),
            }
        };
        let mut current = Vec::new();
        let mut planned = Vec::new();
        let mut removed = Vec::new();
        for sp in &reg.subprocessors {
            if sp.removed.is_some_and(|r| r <= today) {
                removed.push(row(sp));
            } else if sp.added.is_some_and(|a| a > today) {
                planned.push(row(sp));
            } else {
                current.push(row(sp));
            }
        }
        let changes: Vec<SubprocessorChangeRow> = reg
            .subprocessor_changes()
            .into_iter()
            .map(|(date, change, sp)| SubprocessorChangeRow {
                date: date.to_string(),
                change: change.name(lang),
                name: sp.name(lang).to_owned(),
                planned: date > today,
            })
            .collect();
        let updated = reg
            .subprocessor_changes()
            .into_iter()
            .map(|(d, _, _)| d)
            .find(|d| *d <= today)
            .map(|d| d.to_string());
        let object = (!contact.is_empty()).then(|| s("sp_object"));
        SubprocessorView {
            lang: lang.code(),
            t,
            company: ContactView::controller(&reg.controller),
            object,
            updated,
            current,
            planned,
            removed,
            changes,
            content_hash: reg.content_hash(),
        }
    }
}
