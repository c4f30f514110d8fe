//! Changes between two versions of a register, sorted into material changes (which people
//! must be told about before they take effect) and minor ones.
//!
//! Material, following the EDPB's guidelines on transparency (WP260 rev.01, p. 29–33) and
//! GDPR Art. 13(3): a purpose added or removed, a legal basis changed, a retention period
//! changed (a category's own period, or the financial year a period runs from, too), new
//! data or people concerned, a new recipient or transfer, a new source, new automated
//! decisions, a new controller.

use std::collections::BTreeSet;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::register::{Purpose, Register};
use crate::retention::{Event, FinancialYears, RetentionRule};
use crate::text::Lang;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Whether people must be told in advance.
    pub material: bool,
    /// What kind of change: `purpose-added`, `legal-basis-changed`, …
    pub kind: &'static str,
    /// What changed, in English.
    pub en: String,
    /// What changed, in Swedish.
    pub sv: String,
}

impl Change {
    /// The description in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.sv, &self.en)
    }
}

/// The difference between two registers.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeDiff {
    /// Version of the old notice.
    pub old_version: Option<String>,
    /// Version of the new notice.
    pub new_version: Option<String>,
    /// When the new notice takes effect.
    pub effective: Option<Date>,
    /// Days of advance notice the company promises.
    pub change_notice_days: Option<u32>,
    /// The last day to announce the material changes, when both are known.
    pub announce_by: Option<Date>,
    /// True when there are material changes but the version was not changed.
    pub version_unchanged: bool,
    /// Every change, material first.
    pub changes: Vec<Change>,
}

impl NoticeDiff {
    /// True when at least one change is material.
    pub fn has_material(&self) -> bool {
        self.changes.iter().any(|c| c.material)
    }
}

struct Out(Vec<Change>);

impl Out {
    fn push(&mut self, material: bool, kind: &'static str, en: String, sv: String) {
        self.0.push(Change {
            material,
            kind,
            en,
            sv,
        });
    }
}

fn names(keys: &BTreeSet<&String>, reg: &Register, lang: Lang, subject: bool) -> String {
    keys.iter()
        .map(|k| {
            if subject {
                reg.subject_name(k, lang)
            } else {
                reg.category_name(k, lang)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn set(v: &[String]) -> BTreeSet<&String> {
    v.iter().collect()
}

fn bases(p: &Purpose, lang: Lang) -> String {
    if p.legal_bases.is_empty() {
        return lang.pick("ingen", "none").to_owned();
    }
    p.legal_bases
        .iter()
        .map(|b| b.name(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn retention(p: &Purpose, reg: &Register, lang: Lang) -> String {
    p.retention.as_ref().map_or_else(
        || lang.pick("ingen angiven", "none stated").to_owned(),
        |r| r.describe(lang, reg),
    )
}

/// What decides how long a purpose keeps data: its rule and each category's or group's own.
type RetentionKey<'a> = Option<(
    &'a RetentionRule,
    Vec<(&'a [String], &'a [String], &'a RetentionRule)>,
)>;

fn retention_key(p: &Purpose) -> RetentionKey<'_> {
    p.retention.as_ref().map(|r| {
        (
            &r.rule,
            r.overrides
                .iter()
                .map(|o| (&o.categories[..], &o.subjects[..], &o.rule))
                .collect(),
        )
    })
}

/// True when a purpose of `reg` keeps data from the end of a financial year.
fn runs_from_financial_year(reg: &Register) -> bool {
    reg.purposes.iter().any(|p| {
        p.retention
            .as_ref()
            .is_some_and(|r| r.events().contains(&&Event::FinancialYearEnd))
    })
}

/// The company's financial years in words: "1 juli–30 juni", "kalenderåret", with any year
/// that was not twelve months and the years that follow it.
fn financial_years(y: &FinancialYears, lang: Lang) -> String {
    let mut s = twelve_months(y.start_month, lang);
    let mut month = y.start_month;
    let mut odd: Vec<String> = Vec::new();
    for (from, to) in &y.irregular {
        odd.push(format!("{from}–{to}"));
        let next = to.tomorrow().map_or(month, |d| d.month());
        if next != month {
            month = next;
            odd.push(format!(
                "{} {}",
                lang.pick("därefter", "then"),
                twelve_months(month, lang)
            ));
        }
    }
    if !odd.is_empty() {
        s.push_str(&format!(
            " ({} {})",
            lang.pick(
                "räkenskapsår som inte är tolv månader:",
                "financial years other than twelve months:"
            ),
            odd.join(", ")
        ));
    }
    s
}

/// Financial years starting on the first of `month` (1–12): "1 juli–30 juni".
fn twelve_months(month: i8, lang: Lang) -> String {
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const LAST_DAY: [u8; 12] = [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if month <= 1 {
        return lang.pick("kalenderåret", "the calendar year").to_owned();
    }
    let m = usize::try_from(month - 1).unwrap_or(0).min(11);
    let before = m - 1;
    let end = if before == 1 {
        lang.pick("sista februari", "the last day of February")
            .to_owned()
    } else {
        format!("{} {}", LAST_DAY[before], lang.pick(SV[before], EN[before]))
    };
    format!("1 {}–{end}", lang.pick(SV[m], EN[m]))
}

/// Compares two versions of a register.
pub fn diff(old: &Register, new: &Register) -> NoticeDiff {
    let mut out = Out(Vec::new());
    if old.controller.name != new.controller.name
        || old.controller.org_number != new.controller.org_number
    {
        out.push(
            true,
            "controller-changed",
            format!(
                "The controller is now {} (was {}).",
                new.controller.name, old.controller.name
            ),
            format!(
                "Personuppgiftsansvarig är nu {} (tidigare {}).",
                new.controller.name, old.controller.name
            ),
        );
    }
    for p in &new.purposes {
        let name = |l: Lang| p.name.get(l).to_owned();
        let Some(o) = old.purpose(&p.id) else {
            out.push(
                true,
                "purpose-added",
                format!(
                    "New purpose: {} (legal basis: {}).",
                    name(Lang::En),
                    bases(p, Lang::En)
                ),
                format!(
                    "Nytt ändamål: {} (rättslig grund: {}).",
                    name(Lang::Sv),
                    bases(p, Lang::Sv)
                ),
            );
            continue;
        };
        let mut ob = o.legal_bases.clone();
        let mut nb = p.legal_bases.clone();
        ob.sort();
        nb.sort();
        if ob != nb {
            out.push(
                true,
                "legal-basis-changed",
                format!(
                    "{}: legal basis changed from {} to {}.",
                    name(Lang::En),
                    bases(o, Lang::En),
                    bases(p, Lang::En)
                ),
                format!(
                    "{}: rättslig grund ändrad från {} till {}.",
                    name(Lang::Sv),
                    bases(o, Lang::Sv),
                    bases(p, Lang::Sv)
                ),
            );
        }
        if retention_key(o) != retention_key(p) {
            out.push(
                true,
                "retention-changed",
                format!(
                    "{}: retention changed from “{}” to “{}”.",
                    name(Lang::En),
                    retention(o, old, Lang::En),
                    retention(p, new, Lang::En)
                ),
                format!(
                    "{}: lagringstiden ändrad från ”{}” till ”{}”.",
                    name(Lang::Sv),
                    retention(o, old, Lang::Sv),
                    retention(p, new, Lang::Sv)
                ),
            );
        }
        let (oc, nc) = (set(&o.data_categories), set(&p.data_categories));
        let added: BTreeSet<_> = nc.difference(&oc).copied().collect();
        if !added.is_empty() {
            out.push(
                true,
                "categories-added",
                format!(
                    "{}: now also processes {}.",
                    name(Lang::En),
                    names(&added, new, Lang::En, false)
                ),
                format!(
                    "{}: behandlar nu även {}.",
                    name(Lang::Sv),
                    names(&added, new, Lang::Sv, false)
                ),
            );
        }
        let removed: BTreeSet<_> = oc.difference(&nc).copied().collect();
        if !removed.is_empty() {
            out.push(
                false,
                "categories-removed",
                format!(
                    "{}: no longer processes {}.",
                    name(Lang::En),
                    names(&removed, old, Lang::En, false)
                ),
                format!(
                    "{}: behandlar inte längre {}.",
                    name(Lang::Sv),
                    names(&removed, old, Lang::Sv, false)
                ),
            );
        }
        let (os, ns) = (set(&o.data_subjects), set(&p.data_subjects));
        let added: BTreeSet<_> = ns.difference(&os).copied().collect();
        if !added.is_empty() {
            out.push(
                true,
                "subjects-added",
                format!(
                    "{}: now also concerns {}.",
                    name(Lang::En),
                    names(&added, new, Lang::En, true)
                ),
                format!(
                    "{}: gäller nu även {}.",
                    name(Lang::Sv),
                    names(&added, new, Lang::Sv, true)
                ),
            );
        }
        for r in p.recipients.iter().filter(|r| !o.recipients.contains(r)) {
            let rn = |l: Lang| {
                new.recipient(r)
                    .map_or(r.as_str(), |x| x.name(l))
                    .to_owned()
            };
            out.push(
                true,
                "recipient-added",
                format!(
                    "{}: data is now shared with {}.",
                    name(Lang::En),
                    rn(Lang::En)
                ),
                format!(
                    "{}: uppgifterna lämnas nu till {}.",
                    name(Lang::Sv),
                    rn(Lang::Sv)
                ),
            );
        }
        let new_elsewhere = p
            .sources
            .iter()
            .any(|s| s.is_elsewhere() && !o.sources.contains(s));
        if new_elsewhere {
            out.push(
                true,
                "source-added",
                format!(
                    "{}: data is now also obtained from others than you.",
                    name(Lang::En)
                ),
                format!(
                    "{}: uppgifter hämtas nu även från andra än dig.",
                    name(Lang::Sv)
                ),
            );
        }
        if p.automated_decision.is_some() && o.automated_decision.is_none() {
            out.push(
                true,
                "automated-decision-added",
                format!("{}: now involves automated decisions.", name(Lang::En)),
                format!("{}: innefattar nu automatiserade beslut.", name(Lang::Sv)),
            );
        }
        if p.name != o.name || p.description != o.description {
            out.push(
                false,
                "purpose-reworded",
                format!("{}: name or description reworded.", name(Lang::En)),
                format!("{}: namn eller beskrivning omformulerad.", name(Lang::Sv)),
            );
        }
    }
    if old.financial_year != new.financial_year {
        // Data kept from the end of a financial year is then erased on other days, even
        // where the notice's words stay the same.
        let material = runs_from_financial_year(old) || runs_from_financial_year(new);
        out.push(
            material,
            "financial-year-changed",
            format!(
                "The financial year is now {} (was {}); data kept from the end of a financial year is kept until other dates.",
                financial_years(&new.financial_year, Lang::En),
                financial_years(&old.financial_year, Lang::En)
            ),
            format!(
                "Räkenskapsåret är nu {} (tidigare {}); uppgifter som sparas från räkenskapsårets slut sparas till andra datum.",
                financial_years(&new.financial_year, Lang::Sv),
                financial_years(&old.financial_year, Lang::Sv)
            ),
        );
    }
    for o in &old.purposes {
        if new.purpose(&o.id).is_none() {
            out.push(
                true,
                "purpose-removed",
                format!("Purpose removed: {}.", o.name.get(Lang::En)),
                format!("Ändamål borttaget: {}.", o.name.get(Lang::Sv)),
            );
        }
    }
    for r in &new.recipients {
        let o = old.recipient(&r.id);
        let third = r.is_third_country();
        let place = |l: Lang| r.country.as_ref().map_or_else(String::new, |c| c.name(l));
        let mech = |l: Lang| {
            r.transfer
                .map_or(l.pick("ingen skyddsåtgärd", "no safeguard"), |m| {
                    m.name(l)
                })
        };
        let was_third = o.is_some_and(|o| o.is_third_country());
        if third && (!was_third || o.is_some_and(|o| o.country != r.country)) {
            out.push(
                true,
                "transfer-added",
                format!(
                    "New transfer outside the EU/EEA: {} ({}; {}).",
                    r.name(Lang::En),
                    place(Lang::En),
                    mech(Lang::En)
                ),
                format!(
                    "Ny överföring utanför EU/EES: {} ({}; {}).",
                    r.name(Lang::Sv),
                    place(Lang::Sv),
                    mech(Lang::Sv)
                ),
            );
        } else if third && o.is_some_and(|o| o.transfer != r.transfer) {
            out.push(
                true,
                "transfer-changed",
                format!(
                    "The transfer to {} now relies on {}.",
                    r.name(Lang::En),
                    mech(Lang::En)
                ),
                format!(
                    "Överföringen till {} bygger nu på {}.",
                    r.name(Lang::Sv),
                    mech(Lang::Sv)
                ),
            );
        }
    }
    for o in &old.recipients {
        if new.recipient(&o.id).is_none() {
            out.push(
                false,
                "recipient-removed",
                format!("{} no longer receives data.", o.name(Lang::En)),
                format!("{} tar inte längre emot uppgifter.", o.name(Lang::Sv)),
            );
        }
    }
    controller_identity(old, new, &mut out);
    automated_and_profiling(old, new, &mut out);
    recipient_transfers(old, new, &mut out);
    subprocessors(old, new, &mut out);
    // `[notice] voice` (we or I) is left out on purpose: switching between "vi" and "jag"
    // rewords the notice but changes nothing about what is processed, why, by whom or for
    // how long, so it is not a change people must be told of in advance (WP260 rev.01,
    // para. 29–31: only changes to the processing or its conditions are material).
    let mut changes = out.0;
    changes.sort_by_key(|c| !c.material);
    let material = changes.iter().any(|c| c.material);
    let effective = new.notice.effective;
    let days = new.notice.change_notice_days;
    let announce_by = match (effective, days) {
        (Some(e), Some(d)) => e.checked_sub(i64::from(d).days()).ok(),
        _ => None,
    };
    NoticeDiff {
        old_version: old.notice.version.clone(),
        new_version: new.notice.version.clone(),
        effective,
        change_notice_days: days,
        announce_by,
        version_unchanged: material && old.notice.version == new.notice.version,
        changes,
    }
}

/// The registered legal name beside a brand (Art. 13(1)(a), 14(1)(a)). A different legal
/// name is a different controller, which is material; stating or dropping it while the
/// brand and organisationsnummer stay the same only rewords the notice.
fn controller_identity(old: &Register, new: &Register, out: &mut Out) {
    let (o, n) = (&old.controller, &new.controller);
    if o.name != n.name || o.org_number != n.org_number || o.legal_name == n.legal_name {
        return; // `controller-changed` already says it, or nothing changed.
    }
    let (od, nd) = (o.display_name(), n.display_name());
    match (&o.legal_name, &n.legal_name) {
        (Some(_), Some(_)) => out.push(
            true,
            "legal-name-changed",
            format!("The controller is now {nd} (was {od})."),
            format!("Personuppgiftsansvarig är nu {nd} (tidigare {od})."),
        ),
        _ => out.push(
            false,
            "legal-name-stated",
            format!("The controller is now named {nd} (was {od})."),
            format!("Personuppgiftsansvarig anges nu som {nd} (tidigare {od})."),
        ),
    }
}

/// Automated decisions (Art. 22, Art. 13(2)(f)) and profiling that is not such a decision.
/// Withdrawing the declaration that no Art. 22 decisions are made is material: people were
/// told there are none and can no longer rely on it. Profiling added to a purpose is
/// material: it is processing people may object to (Art. 21(1)) and must be told of.
fn automated_and_profiling(old: &Register, new: &Register, out: &mut Out) {
    match (
        old.rights.no_automated_decisions,
        new.rights.no_automated_decisions,
    ) {
        (true, false) => out.push(
            true,
            "automated-decisions-declaration-withdrawn",
            "The notice no longer states that no automated decisions (Article 22) are made."
                .to_owned(),
            "Informationen anger inte längre att inga automatiserade beslut (artikel 22) fattas."
                .to_owned(),
        ),
        (false, true) => out.push(
            false,
            "automated-decisions-none-declared",
            "The notice now states that no automated decisions (Article 22) are made.".to_owned(),
            "Informationen anger nu att inga automatiserade beslut (artikel 22) fattas.".to_owned(),
        ),
        _ => {}
    }
    for p in &new.purposes {
        let Some(o) = old.purpose(&p.id) else {
            continue; // `purpose-added` covers everything a new purpose does.
        };
        let name = |l: Lang| p.name.get(l).to_owned();
        if o.automated_decision.is_some() && p.automated_decision.is_none() {
            out.push(
                false,
                "automated-decision-removed",
                format!(
                    "{}: no longer involves automated decisions.",
                    name(Lang::En)
                ),
                format!(
                    "{}: innefattar inte längre automatiserade beslut.",
                    name(Lang::Sv)
                ),
            );
        }
        match (&o.profiling, &p.profiling) {
            (None, Some(_)) => out.push(
                true,
                "profiling-added",
                format!("{}: now involves profiling.", name(Lang::En)),
                format!("{}: innefattar nu profilering.", name(Lang::Sv)),
            ),
            (Some(_), None) => out.push(
                false,
                "profiling-removed",
                format!("{}: no longer involves profiling.", name(Lang::En)),
                format!("{}: innefattar inte längre profilering.", name(Lang::Sv)),
            ),
            (Some(a), Some(b)) if a != b => out.push(
                false,
                "profiling-reworded",
                format!("{}: the description of profiling reworded.", name(Lang::En)),
                format!(
                    "{}: beskrivningen av profileringen omformulerad.",
                    name(Lang::Sv)
                ),
            ),
            _ => {}
        }
    }
}

/// A third-country recipient's certification under the EU–US Data Privacy Framework
/// (Commission Implementing Decision (EU) 2023/1795) is what its transfer rests on; a change
/// either way changes the safeguard people are told of (Art. 13(1)(f)). A recipient that
/// moves into the EU/EEA ends a transfer, which is good news and not material.
fn recipient_transfers(old: &Register, new: &Register, out: &mut Out) {
    for r in &new.recipients {
        let Some(o) = old.recipient(&r.id) else {
            continue;
        };
        let certified =
            |d: Option<crate::register::DpfCertification>| d.is_some_and(|d| d.certified);
        let (was, is) = (certified(o.dpf_certified), certified(r.dpf_certified));
        if r.is_third_country() && o.is_third_country() && o.country == r.country && was != is {
            if is {
                out.push(
                    true,
                    "dpf-certification-added",
                    format!(
                        "The transfer to {} now relies on its certification under the EU–US Data Privacy Framework.",
                        r.name(Lang::En)
                    ),
                    format!(
                        "Överföringen till {} bygger nu på dess certifiering enligt EU–US Data Privacy Framework.",
                        r.name(Lang::Sv)
                    ),
                );
            } else {
                out.push(
                    true,
                    "dpf-certification-removed",
                    format!(
                        "{} is no longer stated to be certified under the EU–US Data Privacy Framework.",
                        r.name(Lang::En)
                    ),
                    format!(
                        "{} anges inte längre vara certifierad enligt EU–US Data Privacy Framework.",
                        r.name(Lang::Sv)
                    ),
                );
            }
        }
        if o.is_third_country() && !r.is_third_country() && r.country.is_some() {
            out.push(
                false,
                "transfer-removed",
                format!(
                    "{} no longer processes data outside the EU/EEA.",
                    r.name(Lang::En)
                ),
                format!(
                    "{} behandlar inte längre uppgifter utanför EU/EES.",
                    r.name(Lang::Sv)
                ),
            );
        }
    }
}

/// Sub-processors engaged for customers (Art. 28(2)): the processor must inform the
/// controllers in advance of any intended addition or replacement so that they can object,
/// so an added sub-processor, or one that moves to another country or changes the safeguard
/// of its transfer, is material. One that stops (removed, or given a `removed` date) is not
/// an addition or replacement and is listed as minor; a replacement shows as one removed
/// and one added.
fn subprocessors(old: &Register, new: &Register, out: &mut Out) {
    let engaged =
        |r: &Register, id: &str| r.subprocessor(id).filter(|s| s.removed.is_none()).is_some();
    let place = |s: &crate::register::Subprocessor, l: Lang| {
        s.country.as_ref().map_or_else(
            || l.pick("land ej angivet", "country not stated").to_owned(),
            |c| c.name(l),
        )
    };
    let mech = |s: &crate::register::Subprocessor, l: Lang| {
        s.transfer
            .map_or(l.pick("ingen skyddsåtgärd", "no safeguard"), |m| {
                m.name(l)
            })
            .to_owned()
    };
    for s in new.subprocessors.iter().filter(|s| s.removed.is_none()) {
        let Some(o) = old.subprocessor(&s.id).filter(|_| engaged(old, &s.id)) else {
            out.push(
                true,
                "subprocessor-added",
                format!(
                    "New sub-processor: {} ({}{}); customers must be told in advance and may object (Article 28(2)).",
                    s.name(Lang::En),
                    place(s, Lang::En),
                    s.added.map_or_else(String::new, |d| format!(", from {d}"))
                ),
                format!(
                    "Nytt underbiträde: {} ({}{}); kunderna ska informeras i förväg och kan invända (artikel 28.2).",
                    s.name(Lang::Sv),
                    place(s, Lang::Sv),
                    s.added.map_or_else(String::new, |d| format!(", från {d}"))
                ),
            );
            continue;
        };
        if o.country != s.country {
            out.push(
                true,
                "subprocessor-country-changed",
                format!(
                    "The sub-processor {} now processes data in {} (was {}); customers must be told in advance (Article 28(2)).",
                    s.name(Lang::En),
                    place(s, Lang::En),
                    place(o, Lang::En)
                ),
                format!(
                    "Underbiträdet {} behandlar nu uppgifter i {} (tidigare {}); kunderna ska informeras i förväg (artikel 28.2).",
                    s.name(Lang::Sv),
                    place(s, Lang::Sv),
                    place(o, Lang::Sv)
                ),
            );
        } else if s.is_third_country() && o.transfer != s.transfer {
            out.push(
                true,
                "subprocessor-transfer-changed",
                format!(
                    "The transfer to the sub-processor {} now relies on {}.",
                    s.name(Lang::En),
                    mech(s, Lang::En)
                ),
                format!(
                    "Överföringen till underbiträdet {} bygger nu på {}.",
                    s.name(Lang::Sv),
                    mech(s, Lang::Sv)
                ),
            );
        }
    }
    for o in old.subprocessors.iter().filter(|o| o.removed.is_none()) {
        if !engaged(new, &o.id) {
            out.push(
                false,
                "subprocessor-removed",
                format!("{} is no longer a sub-processor.", o.name(Lang::En)),
                format!("{} är inte längre underbiträde.", o.name(Lang::Sv)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = include_str!("../../skydd/starters/web-agency.toml");

    fn load(src: &str) -> Register {
        crate::register::load(src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics))
    }

    /// The change of `kind` between BASE changed by `old` and by `new`.
    fn change(old: &str, new: &str, kind: &str) -> Option<Change> {
        diff(&load(old), &load(new))
            .changes
            .into_iter()
            .find(|c| c.kind == kind)
    }

    fn with(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "{from}");
        BASE.replacen(from, to, 1)
    }

    const VENDOR: &str = "[[recipient]]\nid = \"cloud\"\nname = \"Moln Inc.\"\nrole = \"processor\"\ncountry = \"US\"\ndpa = 2025-01-01\ntransfer = \"dpf\"\n";

    const SUB: &str = "[[processing_for]]\nid = \"drift\"\ncontrollers = { sv = \"Kunder\", en = \"Customers\" }\nprocessing = [{ sv = \"Drift\", en = \"Operations\" }]\nsubprocessors = [\"dc\"]\n\n[[subprocessor]]\nid = \"dc\"\nname = \"Datacenter AB\"\ncountry = \"SE\"\nadded = 2024-01-01\n";

    #[test]
    fn the_voice_of_the_notice_is_no_change_people_must_be_told_of() {
        let sing = with("[notice]\n", "[notice]\nvoice = \"singular\"\n");
        let d = diff(&load(BASE), &load(&sing));
        assert!(!d.has_material(), "{:?}", d.changes);
    }

    #[test]
    fn withdrawing_the_no_automated_decisions_declaration_is_material() {
        let silent = with("automated_decisions = \"none\"\n", "");
        let c = change(BASE, &silent, "automated-decisions-declaration-withdrawn")
            .unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
        assert!(c.sv.contains("automatiserade beslut"));
        let c = change(&silent, BASE, "automated-decisions-none-declared")
            .unwrap_or_else(|| panic!("reported"));
        assert!(!c.material);
    }

    #[test]
    fn profiling_added_to_a_purpose_is_material_and_removed_is_not() {
        let prof = with(
            "retention = \"1 year after request_closed\"\n",
            "retention = \"1 year after request_closed\"\nprofiling = { sv = \"Vi delar in frågor efter bransch.\", en = \"We sort enquiries by industry.\" }\n",
        );
        let c = change(BASE, &prof, "profiling-added").unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
        assert_eq!(
            c.sv,
            "Besvara frågor och offertförfrågningar: innefattar nu profilering."
        );
        let c = change(&prof, BASE, "profiling-removed").unwrap_or_else(|| panic!("reported"));
        assert!(!c.material);
    }

    #[test]
    fn another_legal_name_is_another_controller_and_stating_it_is_minor() {
        let named = |l: &str| {
            with(
                "name = \"Exempel AB\"\n",
                &format!("name = \"Exempel AB\"\nlegal_name = \"{l}\"\n"),
            )
        };
        let c = change(
            &named("Exempel Sverige AB"),
            &named("Exempel Norden AB"),
            "legal-name-changed",
        )
        .unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
        assert_eq!(
            c.en,
            "The controller is now Exempel AB (Exempel Norden AB) (was Exempel AB (Exempel Sverige AB))."
        );
        let c = change(BASE, &named("Exempel Sverige AB"), "legal-name-stated")
            .unwrap_or_else(|| panic!("reported"));
        assert!(!c.material);
    }

    #[test]
    fn a_recipient_losing_its_dpf_certification_is_material() {
        let certified = format!("{BASE}\n{VENDOR}dpf_certified = true\n");
        let uncertified = format!("{BASE}\n{VENDOR}");
        let c = change(&certified, &uncertified, "dpf-certification-removed")
            .unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
        assert!(c.sv.starts_with("Moln Inc. anges inte längre"), "{}", c.sv);
        assert!(
            change(&uncertified, &certified, "dpf-certification-added").is_some_and(|c| c.material)
        );
    }

    #[test]
    fn a_recipient_moving_into_the_eea_ends_a_transfer_and_is_minor() {
        let us = format!("{BASE}\n{VENDOR}");
        let se = us.replacen(
            "country = \"US\"\ndpa = 2025-01-01\ntransfer = \"dpf\"\n",
            "country = \"SE\"\ndpa = 2025-01-01\n",
            1,
        );
        let c = change(&us, &se, "transfer-removed").unwrap_or_else(|| panic!("reported"));
        assert!(!c.material);
    }

    #[test]
    fn a_new_sub_processor_must_be_announced_to_customers_in_advance() {
        let one = format!("{BASE}\n{SUB}");
        let two = format!(
            "{one}\n[[subprocessor]]\nid = \"mail\"\nname = \"Mail Inc.\"\ncountry = \"US\"\ntransfer = \"scc\"\nadded = 2026-03-01\n"
        );
        let c = change(&one, &two, "subprocessor-added").unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
        assert!(
            c.en.contains("Mail Inc. (United States, from 2026-03-01)"),
            "{}",
            c.en
        );
        assert!(c.sv.contains("artikel 28.2"), "{}", c.sv);
        let c = change(&two, &one, "subprocessor-removed").unwrap_or_else(|| panic!("reported"));
        assert!(!c.material);
    }

    #[test]
    fn a_sub_processor_given_a_removed_date_is_reported_as_removed() {
        let one = format!("{BASE}\n{SUB}");
        let gone = format!("{one}removed = 2026-06-30\n");
        let c = change(&one, &gone, "subprocessor-removed").unwrap_or_else(|| panic!("reported"));
        assert_eq!(c.en, "Datacenter AB is no longer a sub-processor.");
    }

    #[test]
    fn a_sub_processor_moving_country_or_changing_safeguard_is_material() {
        let one = format!("{BASE}\n{SUB}");
        let fi = one.replacen("country = \"SE\"\nadded", "country = \"FI\"\nadded", 1);
        let c =
            change(&one, &fi, "subprocessor-country-changed").unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
        assert!(c.sv.contains("i Finland (tidigare Sverige)"), "{}", c.sv);
        let us = |m: &str| {
            one.replacen(
                "country = \"SE\"\nadded",
                &format!("country = \"US\"\ntransfer = \"{m}\"\nadded"),
                1,
            )
        };
        let c = change(&us("scc"), &us("bcr"), "subprocessor-transfer-changed")
            .unwrap_or_else(|| panic!("reported"));
        assert!(c.material);
    }
}

/// The retention and financial-year changes.
#[cfg(test)]
mod retention_tests {
    use super::*;

    const BASE: &str = r#"
[notice]
version = "1.0"

[controller]
name = "Butik AB"
email = "info@butik.se"

[[purpose]]
id = "customers"
name = { sv = "Kundförhållandet", en = "The customer relationship" }
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact"]

[purpose.retention]
rule = "2 years after contract_end"

[[purpose.retention.for]]
categories = ["user.contact"]
rule = "1 year after contract_end"

[[purpose]]
id = "bookkeeping"
name = { sv = "Bokföring", en = "Bookkeeping" }
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.name"]
retention = "as required by bokforingslagen"
"#;

    fn reg(src: &str) -> Register {
        crate::register::load(src).unwrap_or_else(|e| panic!("{:#?}", e.diagnostics))
    }

    fn changes(old: &str, new: &str) -> Vec<Change> {
        diff(&reg(old), &reg(new)).changes
    }

    #[test]
    fn a_changed_period_for_some_categories_is_a_material_retention_change() {
        let new = BASE.replace(
            "\"1 year after contract_end\"",
            "\"3 years after contract_end\"",
        );
        let c = changes(BASE, &new);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert!(c[0].material);
        assert_eq!(c[0].kind, "retention-changed");
        assert_eq!(
            c[0].sv,
            "Kundförhållandet: lagringstiden ändrad från ”Så länge kundförhållandet varar och två år därefter; för kontaktuppgifter: så länge kundförhållandet varar och ett år därefter” till ”Så länge kundförhållandet varar och två år därefter; för kontaktuppgifter: så länge kundförhållandet varar och tre år därefter”."
        );
        assert_eq!(
            c[0].en,
            "The customer relationship: retention changed from “As long as the customer relationship lasts and two years after that; for contact details: as long as the customer relationship lasts and one year after that” to “As long as the customer relationship lasts and two years after that; for contact details: as long as the customer relationship lasts and three years after that”."
        );
        // Added or removed, or moved to other data, it changes too.
        let none = BASE.replace(
            "\n[[purpose.retention.for]]\ncategories = [\"user.contact\"]\nrule = \"1 year after contract_end\"\n",
            "",
        );
        assert_eq!(changes(BASE, &none)[0].kind, "retention-changed");
        let names = BASE.replace(
            "categories = [\"user.contact\"]",
            "categories = [\"user.name\"]",
        );
        assert_eq!(changes(BASE, &names)[0].kind, "retention-changed");
        // The same rule is no change.
        assert_eq!(changes(BASE, BASE), vec![]);
    }

    #[test]
    fn a_changed_financial_year_is_material_when_a_period_runs_from_its_end() {
        let broken = format!("[financial_year]\nstarts = \"07-01\"\n{BASE}");
        let c = changes(BASE, &broken);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert!(c[0].material);
        assert_eq!(c[0].kind, "financial-year-changed");
        assert_eq!(
            c[0].sv,
            "Räkenskapsåret är nu 1 juli–30 juni (tidigare kalenderåret); uppgifter som sparas från räkenskapsårets slut sparas till andra datum."
        );
        assert_eq!(
            c[0].en,
            "The financial year is now 1 July–30 June (was the calendar year); data kept from the end of a financial year is kept until other dates."
        );
        // A changed year (omläggning) is named with its days.
        let changed = broken.replacen(
            "starts = \"07-01\"\n",
            "starts = \"07-01\"\n\n[[financial_year.change]]\nfrom = 2025-07-01\nto = 2026-12-31\n",
            1,
        );
        let c = changes(&broken, &changed);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert!(
            c[0].sv.contains("Räkenskapsåret är nu 1 juli–30 juni (räkenskapsår som inte är tolv månader: 2025-07-01–2026-12-31, därefter kalenderåret) (tidigare 1 juli–30 juni)"),
            "{}",
            c[0].sv
        );
        // Nothing runs from a financial year's end: people need not be told in advance.
        let no_books = |s: &str| {
            s.replace(
                "retention = \"as required by bokforingslagen\"",
                "retention = \"2 years after contract_end\"",
            )
            .replace(
                "legal_basis = \"legal_obligation\"\nstatute = \"bokforingslagen\"",
                "legal_basis = \"contract\"",
            )
        };
        let c = changes(&no_books(BASE), &no_books(&broken));
        assert_eq!(c.len(), 1, "{c:#?}");
        assert!(!c[0].material);
    }
}
