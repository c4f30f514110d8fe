//! The compliance lint: rules with stable ids that check a [`Register`] against the law.
//!
//! Each rule has an id that never changes meaning, a severity, the article or statute it
//! rests on, and a one-line fix. Structural rules (`structure.rs`) look at the typed
//! register; statement rules (`statements.rs`) read the company's own free text for
//! outdated or unlawful claims, in Swedish and English.

/// A regex compiled once from a constant pattern: `&'static Regex`. The patterns are
/// literals, and every one is exercised by the tests, so compiling cannot fail at run time.
macro_rules! constant_regex {
    ($pattern:expr $(,)?) => {{
        static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            #[allow(clippy::expect_used)]
            regex::Regex::new($pattern).expect("a constant, tested pattern")
        });
        &RE
    }};
}

mod dated;
mod notify;
mod processor;
pub(crate) mod statements;
mod structure;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::register::Register;
use crate::text::Span;

/// A lint rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable identifier, kebab-case.
    pub id: &'static str,
    /// How serious a finding is.
    pub severity: Severity,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// The article or statute it rests on.
    pub law: &'static str,
    /// How to fix a finding, in one line.
    pub fix: &'static str,
}

use Severity::{Error as E, Warning as W};

macro_rules! rules {
    ($($id:literal, $sev:expr, $summary:literal, $law:literal, $fix:literal;)*) => {
        /// Every rule, in a fixed order.
        pub const RULES: &[Rule] = &[$(Rule { id: $id, severity: $sev, summary: $summary, law: $law, fix: $fix }),*];
    };
}

rules! {
    "purpose-no-legal-basis", E, "A purpose has no legal basis.",
        "GDPR art. 6.1, 13.1 c, 30.1 b",
        "add `legal_basis = \"…\"` (consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests)";
    "legitimate-interest-unstated", E, "A purpose relies on legitimate interests without stating the interest.",
        "GDPR art. 6.1 f, 13.1 d",
        "add `legitimate_interest = { sv = \"…\", en = \"…\" }` saying which interest and why it outweighs the person's";
    "consent-no-withdrawal", E, "A purpose relies on consent but the register says nowhere how to withdraw it.",
        "GDPR art. 7.3, 13.2 c",
        "add `withdrawal = …` to the purpose or `[rights] withdraw_consent = …` (as easy as giving consent)";
    "special-category-no-art9-condition", E, "Special categories of data are processed without an Art. 9(2) condition.",
        "GDPR art. 9.1–9.2",
        "add `art9_condition = \"…\"` (explicit_consent, employment, legal_claims, …) or stop processing the category";
    "criminal-data-without-authority", E, "Data about criminal offences is processed without the provision that allows it.",
        "GDPR art. 10; dataskyddslagen (2018:218) 3 kap. 8 §; förordning (2018:219) 3 kap.",
        "name the permitting provision with `statute = \"…\"`, or stop processing the category";
    "personnummer-unjustified", E, "Personnummer is processed without consent and without stating why it is clearly justified.",
        "Dataskyddslagen (2018:218) 3 kap. 10 §",
        "add `personnummer_justification = …` (why secure identification is needed), or drop the category";
    "transfer-no-mechanism", E, "A recipient outside the EU/EEA has no transfer mechanism.",
        "GDPR art. 44–46, 13.1 f",
        "add `transfer = \"adequacy\" | \"dpf\" | \"scc\" | \"bcr\" | \"derogation\"` to the recipient";
    "transfer-dpf-outside-us", E, "The EU–US Data Privacy Framework is named for a recipient outside the United States.",
        "GDPR art. 45; kommissionens genomförandebeslut (EU) 2023/1795",
        "use `scc` or another mechanism; the DPF covers only certified US organisations";
    "transfer-adequacy-unrecognised", W, "An adequacy decision is claimed for a country skydd knows no decision for.",
        "GDPR art. 45.3",
        "check the Commission's list of adequacy decisions; use `scc` if there is none";
    "transfer-derogation-systematic", W, "An Art. 49 derogation is used for a processor's regular transfers.",
        "GDPR art. 49; EDPB riktlinjer 2/2018",
        "derogations are for occasional transfers; use `scc`, `dpf` or an adequacy decision";
    "processor-no-dpa", E, "A processor (personuppgiftsbiträde) has no data processing agreement.",
        "GDPR art. 28.3",
        "sign a personuppgiftsbiträdesavtal and record it with `dpa = YYYY-MM-DD`";
    "recipient-country-missing", W, "A recipient has no country, so transfers cannot be judged.",
        "GDPR art. 13.1 f, 30.1 e",
        "add `country = \"SE\"` (ISO 3166-1 code) to the recipient";
    "retention-missing", E, "A purpose has no retention rule.",
        "GDPR art. 5.1 e, 13.2 a, 30.1 f",
        "add `retention = \"2 years after contract_end\"` (or another rule)";
    "retention-not-enforceable", W, "A retention rule is a criterion (\"as long as necessary\") that cannot be enforced, alone or as \"but at least\" beside a period.",
        "GDPR art. 5.1 e, 13.2 a",
        "anchor it on an event: `N days|months|years after <event>` or `until <event>`, or bound it: `as long as necessary for …, but at most N years after <event>`";
    "retention-shorter-than-obligation", E, "A purpose keeps data for less time than the statute it serves requires.",
        "The statute named by the purpose (e.g. bokföringslagen 7 kap. 2 §)",
        "lengthen the rule to at least the statutory minimum";
    "retention-obligation-uncomparable", W, "A retention rule runs from another event than the statute it serves, so skydd cannot verify it.",
        "The statute named by the purpose",
        "anchor the rule on the statute's event (e.g. financial_year_end for bokföringslagen)";
    "legal-obligation-no-statute", W, "A purpose relies on a legal obligation without naming the statute.",
        "GDPR art. 6.1 c, 6.3",
        "add `statute = \"bokforingslagen\"` or the citation, e.g. \"Lag (2017:630) 5 kap. 3 §\"";
    "multiple-legal-bases", W, "A purpose names several legal bases; each processing needs one, decided in advance.",
        "GDPR art. 6.1; EDPB riktlinjer 05/2020 p. 121–123",
        "split the purpose so each part has one legal basis";
    "recipient-unused", W, "A recipient is declared but no purpose shares data with it.",
        "GDPR art. 30.1 d, 13.1 e",
        "list it in a purpose's `recipients`, or remove it";
    "category-unused", W, "A data category is collected but no purpose uses it.",
        "GDPR art. 5.1 b–c",
        "add it to the purposes that need it, or stop collecting it";
    "purpose-no-data-categories", E, "A purpose names no data categories.",
        "GDPR art. 30.1 c, 14.1 d",
        "add `data_categories = [\"user.contact.email\", …]`";
    "purpose-no-data-subjects", E, "A purpose names no categories of data subjects.",
        "GDPR art. 30.1 c",
        "add `data_subjects = [\"customer\", …]`";
    "third-party-source-unnamed", E, "Data comes from others than the person, but the source is not named.",
        "GDPR art. 14.2 f",
        "add `source_detail = …` naming the source (e.g. the credit reference agency)";
    "requirement-unstated", W, "The register does not say whether providing the data is required.",
        "GDPR art. 13.2 e",
        "add `requirement = \"statutory\" | \"contractual\" | \"contract_precondition\" | \"voluntary\"`";
    "automated-decision-no-logic", E, "Automated decision-making is declared without its logic or consequences.",
        "GDPR art. 13.2 f, 22",
        "add `logic = …` and `significance = …` to `automated_decision`";
    "direct-marketing-no-objection", E, "Direct marketing has no separate statement of the right to object.",
        "GDPR art. 21.2–21.4",
        "add `[rights] object_direct_marketing = …` saying how to object (e.g. the unsubscribe link)";
    "controller-contact-missing", E, "The controller has no contact details.",
        "GDPR art. 13.1 a, 14.1 a, 30.1 a",
        "add `email`, `phone` or `address` to `[controller]`";
    "dpo-contact-missing", E, "A data protection officer is named without contact details.",
        "GDPR art. 13.1 b, 37.7",
        "add `email` or `phone` to `[dpo]`";
    "security-measures-missing", W, "No security measures are described.",
        "GDPR art. 30.1 g, 32",
        "add `[security] measures = […]`";
    "notice-metadata-missing", W, "The notice has no version or effective date.",
        "GDPR art. 12.1; EDPB riktlinjer om öppenhet (WP260 rev.01) p. 29–33",
        "add `[notice] version = \"…\"` and `effective = YYYY-MM-DD`";
    "missing-translation", W, "People-facing text exists in one language only.",
        "GDPR art. 12.1",
        "write it as `{ sv = \"…\", en = \"…\" }`";
    "cookie-without-consent", E, "A cookie that is not strictly necessary is not tied to a consent purpose.",
        "Lag (2022:482) om elektronisk kommunikation 9 kap. 28 §",
        "set the cookie's `purpose` to a purpose with `legal_basis = \"consent\"`";
    "cookie-duration-missing", W, "A cookie's lifetime is not stated.",
        "Lag (2022:482) om elektronisk kommunikation 9 kap. 28 §; GDPR art. 13.2 a",
        "add `duration = \"13 months\"` (or `session`)";
    "outdated-authority-name", E, "The text names Datainspektionen, which has been Integritetsskyddsmyndigheten (IMY) since 2021-01-01.",
        "GDPR art. 13.2 d, 77; förordning (2007:975) med instruktion för Integritetsskyddsmyndigheten",
        "name Integritetsskyddsmyndigheten (IMY), imy@imy.se, Box 8114, 104 20 Stockholm";
    "outdated-law-pul", E, "The text cites personuppgiftslagen (PUL), repealed on 2018-05-25.",
        "Dataskyddslagen (2018:218), övergångsbestämmelserna: personuppgiftslagen (1998:204) upphörde att gälla 2018-05-25; GDPR art. 94, 99",
        "cite the dataskyddsförordningen (GDPR) and dataskyddslagen (2018:218)";
    "outdated-lek-2003", E, "The text cites the old electronic communications act (2003:389).",
        "Lag (2022:482) om elektronisk kommunikation 9 kap. 28 §",
        "cite lagen (2022:482) om elektronisk kommunikation 9 kap. 28 §";
    "access-once-per-year", E, "The text limits the free register extract to once per (calendar) year, a PUL rule.",
        "GDPR art. 12.5, 15.3 (formerly PUL 26 §)",
        "say the first copy is always free; only further copies may cost a reasonable fee";
    "access-signed-request", E, "The text demands a signed written request for a register extract, a PUL rule.",
        "GDPR art. 12.2, 15 (formerly PUL 26 §)",
        "accept requests by any means, including e-mail; verify identity only when in doubt (art. 12.6)";
    "access-fee-first-copy", E, "The text lets the company charge for a register extract without exempting the first copy.",
        "GDPR art. 12.5, 15.3",
        "say the first copy is free; a reasonable fee only for further copies";
    "policy-acceptance-as-consent", E, "Accepting the policy or using the service is presented as consent or agreement.",
        "GDPR art. 4.11, 6.1, 7.2; EDPB riktlinjer 05/2020",
        "remove it: a notice informs, it is not consent; state the real legal basis of each purpose";
    "browser-settings-as-cookie-consent", E, "Browser settings are presented as the way to refuse cookies.",
        "Lag (2022:482) om elektronisk kommunikation 9 kap. 28 §; GDPR art. 4.11",
        "ask for consent before setting non-necessary cookies and let people withdraw it on the site";
    "child-consent-age-16", E, "The text gives 16 as the age a child can consent; in Sweden it is 13.",
        "GDPR art. 8.1; dataskyddslagen (2018:218) 2 kap. 4 §",
        "say 13 years";
    "restriction-described-as-portability", E, "The right to restriction is described as the right to data portability.",
        "GDPR art. 18, 20",
        "describe restriction as marking data so it is only stored, and portability separately";
    "breach-notification-late", E, "The text promises to notify the supervisory authority later than 72 hours after a breach.",
        "GDPR art. 33.1",
        "notify IMY without undue delay and within 72 hours";
    "transfer-mechanism-invalidated", E, "A recipient's transfer mechanism is one the EU Court of Justice declared invalid (Privacy Shield, Safe Harbor).",
        "GDPR art. 44–46; EU-domstolen C-311/18 (Schrems II, 2020-07-16) och C-362/14 (Schrems I, 2015-10-06)",
        "use `dpf` for a certified US recipient, or `scc`, and update the agreement with the recipient";
    "transfer-dpf-uncertified", E, "The EU–US Data Privacy Framework is named for a US recipient the register does not say is certified.",
        "GDPR art. 45; kommissionens genomförandebeslut (EU) 2023/1795 av den 10 juli 2023",
        "check the recipient on the DPF list (dataprivacyframework.gov) and add `dpf_certified = YYYY-MM-DD`, or use `scc`";
    "retention-longer-than-statute-allows", E, "A purpose keeps data longer than the statute it serves allows.",
        "GDPR art. 5.1 e; the statute named by the purpose (e.g. penningtvättslagen (2017:630) 5 kap. 3 §)",
        "shorten the rule to at most the statute's maximum";
    "controller-brand-only", E, "The controller is named by a brand only, with no legal name or organisationsnummer.",
        "GDPR art. 13.1 a, 14.1 a, 30.1 a",
        "add `org_number = \"…\"` and, when `name` is a brand, `legal_name = \"… AB\"` to `[controller]`";
    "consent-and-legitimate-interest", E, "One purpose rests on both consent and legitimate interests for the same data.",
        "GDPR art. 6.1, 7.3, 17.1 b; EDPB riktlinjer 05/2020 p. 121–123",
        "choose one basis before processing; if it is consent, stopping on withdrawal must stop the processing";
    "marketing-email-without-consent", E, "E-mail or SMS marketing reaches people who are not customers on legitimate interests.",
        "Marknadsföringslagen (2008:486) 19 §; GDPR art. 6.1 a",
        "ask for consent (`legal_basis = \"consent\"`), or limit the purpose to existing customers (19 § andra stycket)";
    "advertising-list-without-consent", E, "Contact data is given to an advertising platform (customer-list targeting) on legitimate interests.",
        "GDPR art. 6.1 a, 6.1 f; EDPB riktlinjer 8/2020 om riktad annonsering mot användare av sociala medier (listbaserad riktning)",
        "ask for consent before uploading contact data to the platform, or stop uploading it";
    "tax-deduction-no-skatteverket", E, "A service with RUT/ROT tax deduction does not name Skatteverket as a recipient.",
        "Lag (2009:194) om förfarandet vid skattereduktion för hushållsarbete 8–9 §§; GDPR art. 13.1 e",
        "declare Skatteverket as a recipient (`role = \"authority\"`) and list it in the purpose's `recipients`";
    "reference-unresolved", W, "A text refers to a section or a cookie policy that nothing in the register carries.",
        "GDPR art. 12.1, 13",
        "give the section a `[[notice.section]]` whose title carries the number, describe the cookies with `[[cookie]]`, or rewrite the text without the reference";
    "subprocessor-transfer-no-mechanism", E, "A sub-processor outside the EU/EEA has no transfer mechanism.",
        "GDPR art. 28.4, 30.2 c, 44–46",
        "add `transfer = \"adequacy\" | \"dpf\" | \"scc\" | \"bcr\"` to the `[[subprocessor]]`, or engage one in the EU/EEA";
    "processing-for-no-security", W, "Processing on behalf of others has no security measures described.",
        "GDPR art. 28.3 c, 30.2 d, 32",
        "add `security = […]` to the `[[processing_for]]`, or describe the measures in `[security]`";
    "subprocessor-undated", W, "A sub-processor has no date it was added, so the list cannot show customers when it changed.",
        "GDPR art. 28.2",
        "add `added = YYYY-MM-DD`: the day it was (or will be) engaged, as told to customers";
    "processor-responsibility-disclaimed", E, "The text disclaims responsibility for the company's processors or the third parties it shares data with.",
        "GDPR art. 5.2, 24, 28.1, 82.4",
        "remove the disclaimer: the controller answers for the processors it chose (with a processor agreement) and for what it discloses";
    "complaint-right-diminished", W, "The right to complain is worded as something less than a complaint to IMY (to the company only, or only after its answer).",
        "GDPR art. 13.2 d, 77",
        "say the person may complain to Integritetsskyddsmyndigheten (IMY) at any time; contacting the company first is an option, not a condition";
    "access-request-discouraged", E, "The text discourages requests: it asks for reasons, accepts only post, demands identity papers, or promises an answer after one month.",
        "GDPR art. 12.2, 12.3, 12.6, 15",
        "accept requests by any means without reasons, answer within one month, and ask for identity only when in reasonable doubt";
    "cookies-called-anonymous", E, "The text calls cookies anonymous while analytics or advertising cookies with identifiers are set.",
        "GDPR art. 4.1, skäl 30; EU-domstolen C-582/14 Breyer; Lag (2022:482) om elektronisk kommunikation 9 kap. 28 §",
        "say what the cookies record and that a cookie identifier is personal data; ask for consent";
    "transfer-denied-but-third-country", E, "The text says nothing leaves the EU/EEA while a recipient is in a third country.",
        "GDPR art. 5.1 a, 13.1 f, 44–46",
        "name the recipients outside the EU/EEA, their countries and the safeguard (adequacy, DPF, SCC), or stop the transfer";
    "automated-decisions-unstated", W, "The register neither declares that no automated decisions are made nor describes any, so the notice cannot say whether they exist.",
        "GDPR art. 13.2 f, 14.2 g, 22",
        "add `automated_decisions = \"none\"` under `[rights]` if no decision is based solely on automated processing, or describe each with `automated_decision = { … }` on its purpose";
    "automated-decisions-denied-but-declared", E, "A text says no automated decisions are made while a purpose declares one.",
        "GDPR art. 5.1 a, 13.2 f, 22",
        "remove the denial, or the purpose's `automated_decision` if no decision is based solely on automated processing";
    "subprocessor-unused", W, "A sub-processor is listed but no processing on behalf of others engages it.",
        "GDPR art. 28.2, 28.4, 30.2",
        "name it in the `subprocessors` of the `[[processing_for]]` that uses it, or remove it (or set `removed = YYYY-MM-DD`)";
    "subprocessor-country-missing", W, "A sub-processor has no country, so its transfers cannot be judged.",
        "GDPR art. 28.2, 30.2 c, 44",
        "add `country = \"SE\"` (ISO 3166-1 code) to the `[[subprocessor]]`";
    "voice-mismatch", W, "The notice speaks in the singular (`voice = \"singular\"`) but a text of the register says \"vi\"/\"we\".",
        "GDPR art. 12.1",
        "write the text in the first person singular (jag/mig/min, I/me/my), or set `[notice] voice = \"plural\"`";
    "dpf-certification-in-future", E, "The DPF list is said to have been checked on a day after today.",
        "GDPR art. 5.2, 45; kommissionens genomförandebeslut (EU) 2023/1795",
        "give the day you last found the recipient on the DPF list (dataprivacyframework.gov), today or earlier";
    "dpf-certification-stale", W, "The DPF list was last checked more than 12 months ago; certifications lapse unless renewed every year.",
        "GDPR art. 45; kommissionens genomförandebeslut (EU) 2023/1795, bilaga I, tilläggsprincip III.6 (årlig förnyad självcertifiering)",
        "look the recipient up on the DPF list (dataprivacyframework.gov) again and update `dpf_certified = YYYY-MM-DD`, or use `scc`";
    "transfer-mechanism-inside-eea", W, "A transfer mechanism is named for a recipient inside the EU/EEA, where no third-country transfer takes place.",
        "GDPR art. 44–46 (kapitel V: överföring till tredjeland)",
        "remove `transfer`, or correct `country` if the recipient processes data outside the EU/EEA";
    "retention-until-consent-without-consent", E, "A retention rule runs until consent is withdrawn, but the purpose does not rest on consent, so the data would never be erased.",
        "GDPR art. 5.1 e, 7.3, 13.1 c, 13.2 a",
        "anchor the rule on an event that happens under the purpose's basis (e.g. `2 years after contract_end`), or, if the purpose really rests on consent, say `legal_basis = \"consent\"`";
    "recipient-notify-missing", W, "A recipient of personal data has no `notify`, so it would never be told of a rectification, erasure or restriction.",
        "GDPR art. 19",
        "add `notify = { webhook = \"https://…\", secret_env = \"…\" }`, `{ email = \"…\" }`, `{ manual = \"how staff tell it\" }` or `{ none = \"why telling is impossible or disproportionate\" }` to the recipient";
}

/// The rule with `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Collects findings for one run.
pub(crate) struct Findings {
    out: Vec<Diagnostic>,
}

impl Findings {
    pub(crate) fn report(
        &mut self,
        id: &'static str,
        message: impl Into<String>,
        span: Option<Span>,
    ) {
        // Every id used below is in RULES (checked by `every_reported_id_is_a_rule`); an
        // unknown id would still be reported, as an error, rather than lost.
        let r = rule(id);
        self.out.push(Diagnostic {
            code: id.to_owned(),
            severity: r.map_or(Severity::Error, |r| r.severity),
            message: message.into(),
            span,
            help: r.map(|r| r.fix.to_owned()),
            law: r.map(|r| r.law.to_owned()),
        });
    }
}

/// Runs every rule over `register`. Findings come in source order, errors before warnings
/// at the same place.
pub fn run(register: &Register) -> Vec<Diagnostic> {
    let mut f = Findings { out: Vec::new() };
    structure::check(register, &mut f);
    statements::check(register, &mut f);
    processor::check(register, &mut f);
    notify::check(register, &mut f);
    in_order(&mut f.out);
    f.out
}

/// Runs the rules that depend on the day (`today`, in Stockholm, passed by the caller:
/// the core reads no clock), such as whether a DPF check is in the future or stale.
pub fn dated(register: &Register, today: jiff::civil::Date) -> Vec<Diagnostic> {
    let mut f = Findings { out: Vec::new() };
    dated::check(register, today, &mut f);
    in_order(&mut f.out);
    f.out
}

/// Every rule, [`run`] and [`dated`] together, as of `today`, in source order.
pub fn run_as_of(register: &Register, today: jiff::civil::Date) -> Vec<Diagnostic> {
    let mut out = run(register);
    out.extend(dated(register, today));
    in_order(&mut out);
    out
}

/// Source order, errors before warnings at the same place (a stable sort).
fn in_order(out: &mut [Diagnostic]) {
    out.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.span.map_or(usize::MAX, |s| s.start), d.severity);
        key(a).cmp(&key(b))
    });
}

#[cfg(test)]
mod tests;
