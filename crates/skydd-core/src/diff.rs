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

#[cfg(test)]
mod tests {
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
