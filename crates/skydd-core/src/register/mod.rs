//! The register of processing (registerförteckning), validated.
//!
//! A [`Register`] holds what GDPR Art. 30(1) asks a controller to record and what Art. 13
//! and 14 ask it to tell people: who the controller is, each purpose (ändamål) with its
//! legal basis, the people and data it concerns, where the data comes from, who receives
//! it, how long it is kept; the rights and how to use them. It is loaded from TOML by
//! [`load`]; every reference in it (category keys, recipients, events) has been resolved.

mod load;
#[cfg(test)]
pub(crate) mod notify_tests;
mod processing;
mod raw;
pub mod reference;
#[cfg(test)]
mod tests;

use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use load::{LoadError, Loaded, load};
pub use processing::{Change, ProcessingFor, Subprocessor};

use crate::law::{
    Art9Condition, Authority, CookieCategory, LegalBasis, RecipientRole, Requirement, Source,
    Statute, TransferMechanism,
};
use crate::orgnr::OrgNumber;
use crate::retention::{EventNames, Period, RetentionRule};
use crate::taxonomy::{self, Sensitivity};
use crate::text::{Lang, Span, Text};

/// A value with where it was written.
#[derive(Debug, Clone, Serialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it stands in the register.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl<T: PartialEq> PartialEq for Located<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// The register of processing.
#[derive(Debug, Clone, Serialize)]
pub struct Register {
    /// Notice metadata: version, effective date, extra sections.
    pub notice: NoticeMeta,
    /// The controller (personuppgiftsansvarig).
    pub controller: Controller,
    /// The data protection officer (dataskyddsombud), if appointed.
    pub dpo: Option<Contact>,
    /// The representative in the Union (Art. 27), for controllers established outside it.
    pub representative: Option<Contact>,
    /// The supervisory authority people may complain to (IMY unless stated).
    pub authority: Authority,
    /// True when the register named its own authority rather than taking IMY by default.
    pub authority_declared: Option<Span>,
    /// How people exercise their rights, and the company's own wording about them.
    pub rights: Rights,
    /// Data categories the controller says it collects (as in a notice's list).
    pub collects: Vec<Located<String>>,
    /// Data categories the register adds to (or relabels in) the taxonomy.
    pub custom_categories: Vec<CustomKey>,
    /// Data-subject categories the register adds to (or relabels in) the taxonomy.
    pub custom_subjects: Vec<CustomKey>,
    /// Events the register declares for retention rules.
    pub events: Vec<CustomEvent>,
    /// The purposes (ändamål).
    pub purposes: Vec<Purpose>,
    /// The recipients (mottagare).
    pub recipients: Vec<Recipient>,
    /// Security measures (Art. 32), summarised.
    pub security: Security,
    /// Cookies and similar technology set by the website.
    pub cookies: Vec<Cookie>,
    /// The company's databases, each with its data map.
    pub databases: Vec<Database>,
    /// How data is erased.
    pub erasure: ErasurePolicy,
    /// Where skydd keeps its own records (restrictions, holds, runs), relative to the
    /// register; `skydd-state.sqlite` by default.
    pub state_path: Option<String>,
    /// The company's financial years (`[financial_year]`; the calendar year by default), from
    /// which the end of the financial year of a bound date is derived.
    pub financial_year: crate::retention::FinancialYears,
    /// Processing carried out on behalf of customers, as their processor (Art. 28, 30.2).
    pub processing_for: Vec<ProcessingFor>,
    /// Sub-processors engaged for that processing, current and removed (Art. 28.2, 28.4).
    pub subprocessors: Vec<Subprocessor>,
    /// The settings recipients' notices share (`[notifications]`, GDPR Art. 19). Left out of
    /// the content hash while they are the defaults, so a register without them hashes as
    /// it did before they existed.
    #[serde(skip_serializing_if = "Notifications::is_default")]
    pub notifications: Notifications,
}

/// The environment variable holding the mail server's URL when `[notifications]` names none.
pub const DEFAULT_SMTP_URL_ENV: &str = "SKYDD_SMTP_URL";

/// How many times a notice is tried before it is set aside, when the register does not say.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// The most tries a register may ask for: beyond it a dead receiver is retried for weeks.
pub const MAX_ATTEMPTS_LIMIT: u32 = 100;

/// `[notifications]`: what every recipient's notices share (GDPR Art. 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notifications {
    /// The sender of e-mailed notices; required once a recipient is told by e-mail.
    pub from: Option<String>,
    /// The environment variable holding the SMTP URL (which may carry a password, so the
    /// register names only where it is).
    pub smtp_url_env: String,
    /// Tries before a notice becomes a dead letter for staff to handle.
    pub max_attempts: u32,
    /// The language of e-mailed notices whose recipient names none.
    pub lang: Lang,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications {
            from: None,
            smtp_url_env: DEFAULT_SMTP_URL_ENV.to_owned(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            lang: Lang::Sv,
        }
    }
}

impl Notifications {
    /// True when nothing differs from the defaults.
    pub fn is_default(&self) -> bool {
        *self == Notifications::default()
    }
}

/// How a recipient is told of a rectification, erasure or restriction of data it received
/// (GDPR Art. 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notify {
    /// POSTed as JSON signed with HMAC-SHA256 under `secret`.
    Webhook {
        /// `https://…`, or `http://` to loopback.
        url: String,
        /// Where the signing key is.
        secret: KeySource,
    },
    /// E-mailed.
    Email {
        /// The recipient's address.
        address: String,
        /// The language of the e-mail (the recipient's, or `[notifications] lang`).
        lang: Lang,
    },
    /// Told by staff; each notice is a task recorded for them.
    Manual {
        /// How staff tell the recipient.
        how: String,
    },
    /// Not told: telling proves impossible or involves disproportionate effort (Art. 19),
    /// for the reason given. Recorded so it can be shown, not silently skipped.
    None {
        /// Why.
        reason: String,
    },
}

impl Notify {
    /// True when skydd itself delivers notices (webhook or e-mail); manual notices are
    /// tasks for staff and `none` is a recorded omission.
    pub fn is_delivered_by_skydd(&self) -> bool {
        matches!(self, Notify::Webhook { .. } | Notify::Email { .. })
    }
}

/// Which database product a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DbKind {
    /// SQLite, embedded.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

impl DbKind {
    /// The key written in registers.
    pub fn key(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
            DbKind::Mysql => "mysql",
        }
    }
}

/// Where a database's connection URL comes from. URLs may hold passwords, so a register
/// never holds one itself, and skydd never prints one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionSource {
    /// An environment variable holding the URL.
    Env(String),
    /// A file holding the URL (relative to the register).
    File(String),
    /// A SQLite database file (relative to the register).
    Path(String),
}

/// A column, as `collection.column`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ColumnRef {
    /// The collection (table).
    pub collection: String,
    /// The column.
    pub column: String,
}

/// A company database.
#[derive(Debug, Clone, Serialize)]
pub struct Database {
    /// Name used on the command line (`--source`).
    pub name: String,
    /// Product.
    pub kind: DbKind,
    /// Where the connection comes from.
    pub connection: ConnectionSource,
    /// The fideslang dataset describing it (relative to the register).
    pub dataset: String,
    /// PostgreSQL schema (default `public`).
    pub schema: Option<String>,
    /// Retention events bound to columns: when `last_activity` happened for a row of
    /// `customer` is `customer.last_login_at`.
    pub events: Vec<(crate::retention::Event, ColumnRef)>,
    /// Whom the people found in a collection are (`customer`, `employee`…), by collection:
    /// a register extract then speaks only of the purposes that concern them.
    pub subjects: Vec<(String, Vec<String>)>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// What to do with a row of a collection when its data is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowPolicy {
    /// Delete the row.
    Delete,
    /// Keep the row and mask its personal fields (anonymise).
    Mask,
}

/// Where the key for keyed-hash masking comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// An environment variable.
    Env(String),
    /// A file (relative to the register).
    File(String),
}

/// The shortest key accepted for keyed-hash (`hmac`) masking, in bytes.
pub const MIN_HMAC_KEY_BYTES: usize = 32;

/// Checks a key for keyed-hash masking. A hashed e-mail address is only as safe as its key:
/// with a short key anyone holding the masked value can guess the key and then the address,
/// so a key under [`MIN_HMAC_KEY_BYTES`] bytes (256 bits, HMAC-SHA-256's own strength) is
/// refused. The message says why and how to make a good one.
pub fn check_hmac_key(key: &[u8]) -> Result<(), String> {
    if key.len() >= MIN_HMAC_KEY_BYTES {
        return Ok(());
    }
    let found = if key.is_empty() {
        "it is empty".to_owned()
    } else {
        format!("it has {} byte(s)", key.len())
    };
    Err(format!(
        "the key for hmac masking must have at least {MIN_HMAC_KEY_BYTES} bytes and {found}: \
         with a short key, hashed values (e-mail addresses, names) can be reversed by guessing \
         the key; make one with `openssl rand -hex 32`"
    ))
}

/// How data is erased: a default strategy, per-collection row policies, per-field strategies.
#[derive(Debug, Clone, Serialize)]
pub struct ErasurePolicy {
    /// Strategy for personal fields without their own.
    pub default: crate::datamap::Masking,
    /// The key for `hmac` masking.
    pub hmac_key: Option<KeySource>,
    /// Row policy by `dataset.collection`.
    pub collections: Vec<(String, RowPolicy)>,
    /// Strategy by `dataset.collection.field`.
    pub fields: Vec<(String, crate::datamap::Masking)>,
}

impl Default for ErasurePolicy {
    fn default() -> Self {
        ErasurePolicy {
            default: crate::datamap::Masking::Null,
            hmac_key: None,
            collections: Vec::new(),
            fields: Vec::new(),
        }
    }
}

/// Notice metadata.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoticeMeta {
    /// Version of the notice, e.g. "1.01".
    pub version: Option<String>,
    /// Date from which it applies.
    pub effective: Option<Date>,
    /// Days of notice the company promises before changes take effect.
    pub change_notice_days: Option<u32>,
    /// A title other than "Integritetspolicy" / "Privacy notice".
    pub title: Option<Text>,
    /// Where the notice is published.
    pub url: Option<String>,
    /// The company's own sections, rendered as written where `placement` says.
    pub sections: Vec<Section>,
    /// Who speaks in the notice: "we" (the default) or "I" for a one-person business.
    pub voice: Voice,
    /// Where `[notice]` stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// Who speaks in the notice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Voice {
    /// The first person plural: vi/oss/vår; we/us/our.
    #[default]
    Plural,
    /// The first person singular, for a one-person business: jag/mig/min; I/me/my.
    Singular,
}

impl crate::law::Keyword for Voice {
    const WHAT: &'static str = "voice";
    fn spellings() -> &'static [(&'static str, Self)] {
        &[
            ("plural", Voice::Plural),
            ("singular", Voice::Singular),
            ("pluralis", Voice::Plural),
            ("singularis", Voice::Singular),
            ("vi", Voice::Plural),
            ("jag", Voice::Singular),
            ("we", Voice::Plural),
            ("i", Voice::Singular),
        ]
    }
}

/// A section of free text the company adds to its notice.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Heading.
    pub title: Text,
    /// Body; paragraphs separated by blank lines.
    pub body: Text,
    /// Where in the notice it goes.
    pub placement: Placement,
}

/// Where a company section is placed: after the controller's identity (`start`), after one
/// of the generated sections, or before the version footer (`end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// After the controller's identity.
    Start,
    /// After the purposes.
    AfterPurposes,
    /// After the recipients.
    AfterRecipients,
    /// After the transfers.
    AfterTransfers,
    /// After the rights.
    AfterRights,
    /// After the complaint section.
    AfterComplaint,
    /// After the cookies.
    AfterCookies,
    /// After the security measures.
    AfterSecurity,
    /// Before the version footer.
    End,
}

impl Placement {
    /// Every placement with the key written in registers.
    pub const ALL: [(&'static str, Placement); 9] = [
        ("start", Placement::Start),
        ("after-purposes", Placement::AfterPurposes),
        ("after-recipients", Placement::AfterRecipients),
        ("after-transfers", Placement::AfterTransfers),
        ("after-rights", Placement::AfterRights),
        ("after-complaint", Placement::AfterComplaint),
        ("after-cookies", Placement::AfterCookies),
        ("after-security", Placement::AfterSecurity),
        ("end", Placement::End),
    ];

    /// The key written in registers.
    pub fn key(self) -> &'static str {
        Placement::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("start", |(k, _)| k)
    }
}

/// The controller.
#[derive(Debug, Clone, Serialize)]
pub struct Controller {
    /// Legal name.
    pub name: String,
    /// Organisationsnummer.
    pub org_number: Option<OrgNumber>,
    /// Postal address.
    pub address: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// The registered legal name, when `name` is a brand (GDPR art. 13.1 a).
    pub legal_name: Option<String>,
    /// Where `[controller]` stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Controller {
    /// The controller as people must be able to identify it (GDPR Art. 13(1)(a), 14(1)(a)):
    /// the brand followed by the registered legal name in brackets when they differ,
    /// "Exempel (Exempel Sverige AB)"; the name alone otherwise.
    pub fn display_name(&self) -> String {
        match self.legal_name.as_deref().map(str::trim) {
            Some(l) if !l.is_empty() && !l.eq_ignore_ascii_case(self.name.trim()) => {
                format!("{} ({l})", self.name)
            }
            _ => self.name.clone(),
        }
    }
}

/// Contact details of a person or body.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Contact {
    /// Name.
    pub name: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Contact {
    /// True when there is a way to reach them (e-mail, phone or postal address).
    pub fn is_reachable(&self) -> bool {
        self.email.is_some() || self.phone.is_some() || self.address.is_some()
    }
}

/// How rights are exercised.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rights {
    /// Where to send requests (defaults to the controller's e-mail).
    pub contact: Option<String>,
    /// How to withdraw consent (Art. 7(3)), when not stated per purpose.
    pub withdraw_consent: Option<Text>,
    /// How to object to direct marketing (Art. 21(2)–(4)).
    pub object_direct_marketing: Option<Text>,
    /// The company's own wording about each right, rendered as written and linted.
    pub statements: Statements,
    /// True when the controller declares `automated_decisions = "none"`: it makes no
    /// decisions under Art. 22. Without it the notice claims nothing about them.
    pub no_automated_decisions: bool,
    /// Where that declaration stands.
    #[serde(skip)]
    pub no_automated_decisions_span: Option<Span>,
}

/// The company's own wording about the rights.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Statements {
    /// About the rights in general.
    pub general: Option<Text>,
    /// Access (Art. 15).
    pub access: Option<Text>,
    /// Rectification (Art. 16).
    pub rectification: Option<Text>,
    /// Erasure (Art. 17).
    pub erasure: Option<Text>,
    /// Restriction (Art. 18).
    pub restriction: Option<Text>,
    /// Portability (Art. 20).
    pub portability: Option<Text>,
    /// Objection (Art. 21).
    pub objection: Option<Text>,
    /// Automated decisions (Art. 22).
    pub automated_decisions: Option<Text>,
    /// Complaints.
    pub complaint: Option<Text>,
}

impl Statements {
    /// Every statement with the right it is about.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Text)> {
        [
            ("general", &self.general),
            ("access", &self.access),
            ("rectification", &self.rectification),
            ("erasure", &self.erasure),
            ("restriction", &self.restriction),
            ("portability", &self.portability),
            ("objection", &self.objection),
            ("automated_decisions", &self.automated_decisions),
            ("complaint", &self.complaint),
        ]
        .into_iter()
        .filter_map(|(k, t)| t.as_ref().map(|t| (k, t)))
    }
}

/// A taxonomy key the register adds or relabels.
#[derive(Debug, Clone, Serialize)]
pub struct CustomKey {
    /// Dotted key.
    pub key: String,
    /// Parent key.
    pub parent: Option<String>,
    /// Name.
    pub name: Text,
    /// Description.
    pub description: Option<Text>,
    /// How the law treats it.
    pub sensitivity: Sensitivity,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// An event declared by the register.
#[derive(Debug, Clone, Serialize)]
pub struct CustomEvent {
    /// Key used in retention rules.
    pub key: String,
    /// Noun phrase used in notices ("domänens utgång").
    pub name: Text,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// The statute behind a legal obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatuteRef {
    /// One skydd knows, with its retention minimum.
    Known(Statute),
    /// A citation skydd does not interpret.
    Citation(String),
}

impl StatuteRef {
    /// The citation.
    pub fn citation(&self) -> &str {
        match self {
            StatuteRef::Known(s) => s.citation,
            StatuteRef::Citation(c) => c,
        }
    }
}

/// How long a purpose keeps data.
#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    /// The enforceable rule.
    pub rule: RetentionRule,
    /// The company's own wording, shown beside the rule.
    pub text: Option<Text>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
    /// Other periods for some data categories or data subjects of the purpose
    /// (`[[purpose.retention.for]]`), in the register's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<RetentionOverride>,
}

/// A period of its own for some of a purpose's data categories or data subjects.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionOverride {
    /// The data categories it applies to (and those below them); empty: all of the purpose's.
    pub categories: Vec<String>,
    /// The data subjects it applies to; empty: all of the purpose's.
    pub subjects: Vec<String>,
    /// Their rule.
    pub rule: RetentionRule,
    /// The company's own wording.
    pub text: Option<Text>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Retention {
    /// The rule that keeps a field tagged `categories` of people who are `subjects` (the
    /// collection's data subjects; empty when unknown).
    ///
    /// An override applies for certain when every category of the field is within its
    /// categories and every subject is among its subjects; then the first such override is
    /// the rule. When it may apply (the categories or subjects overlap, or the subjects are
    /// unknown), its rule and the purpose's rule both apply and the later one decides: data
    /// is never erased before the longer period the register may mean has run out.
    pub fn rule_for(
        &self,
        categories: &[String],
        subjects: &[String],
    ) -> std::borrow::Cow<'_, RetentionRule> {
        use crate::taxonomy::is_within;
        use std::borrow::Cow;
        let mut possible: Vec<&RetentionRule> = Vec::new();
        for o in &self.overrides {
            let cats_all = o.categories.is_empty()
                || (!categories.is_empty()
                    && categories
                        .iter()
                        .all(|c| o.categories.iter().any(|oc| is_within(c, oc))));
            let cats_some = o.categories.is_empty()
                || categories.iter().any(|c| {
                    o.categories
                        .iter()
                        .any(|oc| is_within(c, oc) || is_within(oc, c))
                });
            let subj_all = o.subjects.is_empty()
                || (!subjects.is_empty() && subjects.iter().all(|s| o.subjects.contains(s)));
            let subj_some = o.subjects.is_empty()
                || subjects.is_empty()
                || subjects.iter().any(|s| o.subjects.contains(s));
            if cats_all && subj_all {
                if possible.is_empty() {
                    return Cow::Borrowed(&o.rule);
                }
                possible.push(&o.rule);
                return Cow::Owned(later_of_all(&possible));
            }
            if cats_some && subj_some {
                possible.push(&o.rule);
            }
        }
        if possible.is_empty() {
            return Cow::Borrowed(&self.rule);
        }
        possible.insert(0, &self.rule);
        Cow::Owned(later_of_all(&possible))
    }

    /// Every event the purpose's rules run from.
    pub fn events(&self) -> Vec<&crate::retention::Event> {
        let mut out = self.rule.events();
        for o in &self.overrides {
            for e in o.rule.events() {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// The retention in words, overrides included: "Två år efter …; för kontaktuppgifter: …".
    pub fn describe(&self, lang: Lang, reg: &Register) -> String {
        let mut s = self.rule.describe(lang, reg);
        for o in &self.overrides {
            s.push_str(&format!(
                "; {} {}: {}",
                lang.pick("för", "for"),
                o.whose(lang, reg),
                o.rule.phrase(lang, reg)
            ));
        }
        s
    }

    /// The company's own wording, with that of each override after the data it is for
    /// ("Kontaktuppgifter: …"); `None` when none has any.
    pub fn note(&self, lang: Lang, reg: &Register) -> Option<String> {
        let mut notes: Vec<String> = self.text.iter().map(|t| t.get(lang).to_owned()).collect();
        for o in &self.overrides {
            let Some(t) = &o.text else { continue };
            let text = t.get(lang);
            let whose = crate::retention::capitalise(&o.whose(lang, reg));
            // "Kontaktuppgifter sparas i två år." already says whose.
            let says_whose = text.to_lowercase().starts_with(&whose.to_lowercase());
            notes.push(if says_whose {
                text.to_owned()
            } else {
                format!("{whose}: {text}")
            });
        }
        notes.retain(|n| !n.trim().is_empty());
        (!notes.is_empty()).then(|| notes.join(" "))
    }
}

impl RetentionOverride {
    /// Whose data it keeps, to follow "för"/"for": "kontaktuppgifter", "uppgifter om
    /// arbetssökande", "kontaktuppgifter om kunder".
    pub fn whose(&self, lang: Lang, reg: &Register) -> String {
        let cats = and_list(
            self.categories
                .iter()
                .map(|c| lower_first(&reg.category_name(c, lang)))
                .collect(),
            lang,
        );
        let subjects = and_list(
            self.subjects
                .iter()
                .map(|x| lower_first(&reg.subject_name(x, lang)))
                .collect(),
            lang,
        );
        match (cats.is_empty(), subjects.is_empty()) {
            (_, true) => cats,
            (true, false) => format!("{} {subjects}", lang.pick("uppgifter om", "data about")),
            (false, false) => format!("{cats} {} {subjects}", lang.pick("om", "about")),
        }
    }
}

/// "a, b och c" / "a, b and c".
fn and_list(mut items: Vec<String>, lang: Lang) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} {} {last}", items.join(", "), lang.pick("och", "and")),
    }
}

/// A name in running text: "Kontaktuppgifter" → "kontaktuppgifter", but "IP-adress" and
/// "BankID" keep their capitals.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(f), Some(g)) if f.is_uppercase() && !g.is_uppercase() => {
            f.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_owned(),
    }
}

/// The later of several rules (kept until all have run out).
fn later_of_all(rules: &[&RetentionRule]) -> RetentionRule {
    let mut iter = rules.iter();
    let mut out = iter
        .next()
        .map_or(RetentionRule::AsLongAsNecessary { purpose: None }, |r| {
            (*r).clone()
        });
    for r in iter {
        if out != **r {
            out = RetentionRule::LaterOf {
                first: Box::new(out),
                second: Box::new((*r).clone()),
            };
        }
    }
    out
}

/// Automated decision-making, including profiling (Art. 22).
#[derive(Debug, Clone, Serialize)]
pub struct AutomatedDecision {
    /// Meaningful information about the logic involved (Art. 13(2)(f)).
    pub logic: Option<Text>,
    /// Its significance and envisaged consequences.
    pub significance: Option<Text>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// A purpose of processing (ändamål).
#[derive(Debug, Clone, Serialize)]
pub struct Purpose {
    /// Stable identifier.
    pub id: String,
    /// Name, as shown in the notice's table.
    pub name: Text,
    /// Longer description.
    pub description: Option<Text>,
    /// Legal bases (Art. 6(1)); normally exactly one.
    pub legal_bases: Vec<LegalBasis>,
    /// The legitimate interest pursued, when the basis is (f) (Art. 13(1)(d)).
    pub legitimate_interest: Option<Text>,
    /// The Art. 9(2) condition, when special categories are processed.
    pub art9_condition: Option<Art9Condition>,
    /// Why personnummer is clearly justified (dataskyddslagen 3 kap. 10 §).
    pub personnummer_justification: Option<Text>,
    /// The statute behind a legal obligation.
    pub statute: Option<StatuteRef>,
    /// Data-subject categories (keys).
    pub data_subjects: Vec<String>,
    /// Data categories (keys).
    pub data_categories: Vec<String>,
    /// fideslang data use, if classified.
    pub data_use: Option<String>,
    /// Where the data comes from.
    pub sources: Vec<Source>,
    /// The source named, when not the person (Art. 14(2)(f)).
    pub source_detail: Option<Text>,
    /// Whether providing the data is required (Art. 13(2)(e)).
    pub requirement: Option<Requirement>,
    /// What happens if the person does not provide it.
    pub requirement_consequence: Option<Text>,
    /// Recipient ids.
    pub recipients: Vec<String>,
    /// How long data is kept.
    pub retention: Option<Retention>,
    /// Automated decisions, if any.
    pub automated_decision: Option<AutomatedDecision>,
    /// Profiling that is not an Art. 22 decision (segmentation for marketing, …), described.
    pub profiling: Option<Text>,
    /// Direct marketing, to which the person may always object (Art. 21(2)).
    pub direct_marketing: bool,
    /// How to withdraw consent to this purpose.
    pub withdrawal: Option<Text>,
    /// The collections (`dataset.collection`) the purpose applies to; empty means every
    /// collection holding its categories.
    pub collections: Vec<String>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Purpose {
    /// True when `basis` is among the purpose's legal bases.
    pub fn has_basis(&self, basis: LegalBasis) -> bool {
        self.legal_bases.contains(&basis)
    }
}

/// Whether a processor agreement is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dpa {
    /// When it was signed, if recorded.
    pub signed: Option<Date>,
}

/// Where a recipient processes data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// A country, by ISO 3166-1 alpha-2 code.
    Country(String),
    /// Somewhere in the EU/EEA, country not stated (`country = "EEA"`).
    Eea,
    /// Somewhere outside the EU/EEA, country not stated (`country = "third-country"`).
    ThirdCountry,
}

impl Location {
    /// True outside the EU/EEA: a transfer under GDPR Chapter V.
    pub fn is_third_country(&self) -> bool {
        match self {
            Location::Country(c) => crate::law::countries::country(c).is_some_and(|c| !c.eea),
            Location::Eea => false,
            Location::ThirdCountry => true,
        }
    }

    /// The ISO code, when a country is named.
    pub fn code(&self) -> Option<&str> {
        match self {
            Location::Country(c) => Some(c),
            _ => None,
        }
    }

    /// The place in words.
    pub fn name(&self, lang: Lang) -> String {
        match self {
            Location::Country(code) => crate::law::countries::country(code)
                .map_or_else(|| code.clone(), |c| lang.pick(c.sv, c.en).to_owned()),
            Location::Eea => lang.pick("Inom EU/EES", "Within the EU/EEA").to_owned(),
            Location::ThirdCountry => lang
                .pick(
                    "Utanför EU/EES (land ej angivet)",
                    "Outside the EU/EEA (country not stated)",
                )
                .to_owned(),
        }
    }
}

/// A recipient (mottagare).
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    /// Stable identifier.
    pub id: String,
    /// Name (a company name is usually the same in both languages; a kind of recipient,
    /// such as "Myndigheter", is not).
    pub name: Text,
    /// Role.
    pub role: RecipientRole,
    /// Category of recipient (Art. 13(1)(e) allows categories): "IT-leverantör".
    pub category: Option<Text>,
    /// Where it processes the data.
    pub country: Option<Location>,
    /// The processor agreement (Art. 28(3)), for processors.
    pub dpa: Option<Dpa>,
    /// Transfer mechanism, when outside the EU/EEA.
    pub transfer: Option<TransferMechanism>,
    /// Where a copy of the safeguards can be had (Art. 13(1)(f)).
    pub safeguards: Option<Text>,
    /// What is shared and why.
    pub shares: Option<Text>,
    /// Web site.
    pub website: Option<String>,
    /// Certification under the EU–US Data Privacy Framework, when stated.
    pub dpf_certified: Option<DpfCertification>,
    /// How it is told of rectifications, erasures and restrictions (Art. 19), when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<Notify>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// Whether a US recipient is certified under the EU–US Data Privacy Framework (Commission
/// Implementing Decision (EU) 2023/1795): only certified organisations are covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DpfCertification {
    /// True when the register says the recipient is certified.
    pub certified: bool,
    /// When the DPF list was last checked, if recorded.
    pub checked: Option<Date>,
    /// Where `dpf_certified` stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Recipient {
    /// True when the recipient is outside the EU/EEA (a transfer under Chapter V).
    pub fn is_third_country(&self) -> bool {
        self.country
            .as_ref()
            .is_some_and(Location::is_third_country)
    }

    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        self.name.get(lang)
    }
}

/// Security measures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Security {
    /// Summary.
    pub description: Option<Text>,
    /// Individual measures.
    pub measures: Vec<Text>,
}

impl Security {
    /// True when nothing is described.
    pub fn is_empty(&self) -> bool {
        self.description.is_none() && self.measures.is_empty()
    }
}

/// How long a cookie lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CookieDuration {
    /// Until the browser closes.
    Session,
    /// A fixed time.
    Period(Period),
}

impl CookieDuration {
    /// In words.
    pub fn words(self, lang: Lang) -> String {
        match self {
            CookieDuration::Session => lang.pick("Sessionen", "Session").to_owned(),
            CookieDuration::Period(p) => p.words(lang),
        }
    }
}

/// Who sets a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The site itself.
    First,
    /// Someone else.
    Third,
}

/// A cookie or similar technology.
#[derive(Debug, Clone, Serialize)]
pub struct Cookie {
    /// Cookie name.
    pub name: String,
    /// Who provides it.
    pub provider: Option<String>,
    /// Category.
    pub category: CookieCategory,
    /// Lifetime.
    pub duration: Option<CookieDuration>,
    /// First or third party.
    pub party: Party,
    /// The purpose (id) it serves.
    pub purpose: Option<String>,
    /// What it does.
    pub description: Option<Text>,
    /// Where it stands.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Register {
    /// The label for data category `key` in `lang`: the register's own, else the taxonomy's.
    pub fn category_name(&self, key: &str, lang: Lang) -> String {
        label(
            &self.custom_categories,
            &taxonomy::taxonomy().data_categories,
            key,
            lang,
        )
    }

    /// The label for data-subject category `key` in `lang`.
    pub fn subject_name(&self, key: &str, lang: Lang) -> String {
        label(
            &self.custom_subjects,
            &taxonomy::taxonomy().data_subjects,
            key,
            lang,
        )
    }

    /// How the law treats data category `key` (a custom key's own, else the taxonomy's;
    /// a key below a sensitive one inherits it).
    pub fn sensitivity(&self, key: &str) -> Sensitivity {
        for c in &self.custom_categories {
            if c.key == key && c.sensitivity != Sensitivity::Ordinary {
                return c.sensitivity;
            }
        }
        match self
            .custom_categories
            .iter()
            .find(|c| c.key == key)
            .and_then(|c| c.parent.as_deref())
        {
            Some(parent) if parent != key => match self.sensitivity(parent) {
                Sensitivity::Ordinary => taxonomy::builtin_sensitivity(key),
                s => s,
            },
            _ => taxonomy::builtin_sensitivity(key),
        }
    }

    /// The recipient with `id`.
    pub fn recipient(&self, id: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.id == id)
    }

    /// The recipients that receive personal data: those some purpose names in its
    /// `recipients`, each once, in the order they are declared. These are the recipients
    /// GDPR Art. 19 asks the controller to tell of rectifications, erasures and restrictions.
    pub fn recipients_of_personal_data(&self) -> impl Iterator<Item = &Recipient> {
        self.recipients
            .iter()
            .filter(|r| self.purposes.iter().any(|p| p.recipients.contains(&r.id)))
    }

    /// The purpose with `id`.
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }

    /// Where people send requests about their rights.
    pub fn rights_contact(&self) -> Option<&str> {
        self.rights
            .contact
            .as_deref()
            .or(self.controller.email.as_deref())
            .or(self.controller.address.as_deref())
    }

    /// Every piece of free text in the register, with what it is, for scanning.
    pub fn free_texts(&self) -> Vec<(String, &Text)> {
        let mut out: Vec<(String, &Text)> = Vec::new();
        if let Some(t) = &self.notice.title {
            out.push(("notice.title".into(), t));
        }
        for (i, s) in self.notice.sections.iter().enumerate() {
            out.push((format!("notice.section[{i}].title"), &s.title));
            out.push((format!("notice.section[{i}].body"), &s.body));
        }
        for (k, t) in self.rights.statements.all() {
            out.push((format!("rights.statements.{k}"), t));
        }
        for (k, t) in [
            ("withdraw_consent", &self.rights.withdraw_consent),
            (
                "object_direct_marketing",
                &self.rights.object_direct_marketing,
            ),
        ] {
            if let Some(t) = t {
                out.push((format!("rights.{k}"), t));
            }
        }
        for p in &self.purposes {
            let fields = [
                ("name", Some(&p.name)),
                ("description", p.description.as_ref()),
                ("legitimate_interest", p.legitimate_interest.as_ref()),
                ("withdrawal", p.withdrawal.as_ref()),
                ("source_detail", p.source_detail.as_ref()),
                (
                    "retention.text",
                    p.retention.as_ref().and_then(|r| r.text.as_ref()),
                ),
            ];
            for (k, t) in fields {
                if let Some(t) = t {
                    out.push((format!("purpose `{}` {k}", p.id), t));
                }
            }
        }
        for r in &self.recipients {
            if let Some(t) = &r.shares {
                out.push((format!("recipient `{}` shares", r.id), t));
            }
        }
        for c in &self.cookies {
            if let Some(t) = &c.description {
                out.push((format!("cookie `{}` description", c.name), t));
            }
        }
        if let Some(t) = &self.security.description {
            out.push(("security.description".into(), t));
        }
        for p in &self.processing_for {
            let texts = [
                ("controllers", &p.controllers),
                ("controller_list", &p.controller_list),
                ("agreement", &p.agreement),
            ];
            for (k, t) in texts {
                if let Some(t) = t {
                    out.push((format!("processing_for `{}` {k}", p.id), t));
                }
            }
            for (i, t) in p.processing.iter().enumerate() {
                out.push((format!("processing_for `{}` processing {}", p.id, i + 1), t));
            }
            for (i, t) in p.security.iter().enumerate() {
                out.push((format!("processing_for `{}` security {}", p.id, i + 1), t));
            }
        }
        for s in &self.subprocessors {
            if let Some(t) = &s.activity {
                out.push((format!("subprocessor `{}` activity", s.id), t));
            }
        }
        out
    }

    /// People-facing texts the notice prints that [`Register::free_texts`] does not hold:
    /// recipients' names, categories and safeguards, the personnummer justification, what
    /// happens without the data, automated decisions and profiling. A recipient's name that
    /// is a company's name (capitalised words with a company form, a website, a category or
    /// more than one word) is the same in every language and left out.
    pub fn notice_names(&self) -> Vec<(String, &Text)> {
        let mut out: Vec<(String, &Text)> = Vec::new();
        for r in &self.recipients {
            // A single capitalised word ("Kundtjänst", "Visma") cannot be told from a common
            // noun by itself; it is a name when a company form, a website or a category
            // (which says what kind of recipient it is) stands beside it.
            let company = is_proper_name(&r.name)
                && (has_legal_form(&r.name)
                    || r.website.is_some()
                    || r.category.is_some()
                    || r.name.get(Lang::Sv).split_whitespace().count() > 1);
            if !company {
                out.push((format!("the name of recipient `{}`", r.id), &r.name));
            }
            for (k, t) in [("category", &r.category), ("safeguards", &r.safeguards)] {
                if let Some(t) = t {
                    out.push((format!("recipient `{}` {k}", r.id), t));
                }
            }
        }
        for p in &self.purposes {
            let a = p.automated_decision.as_ref();
            let fields = [
                (
                    "personnummer_justification",
                    p.personnummer_justification.as_ref(),
                ),
                (
                    "requirement_consequence",
                    p.requirement_consequence.as_ref(),
                ),
                ("automated_decision.logic", a.and_then(|a| a.logic.as_ref())),
                (
                    "automated_decision.significance",
                    a.and_then(|a| a.significance.as_ref()),
                ),
                ("profiling", p.profiling.as_ref()),
            ];
            for (k, t) in fields {
                if let Some(t) = t {
                    out.push((format!("purpose `{}` {k}", p.id), t));
                }
            }
        }
        out
    }

    /// True when data category `key` is collected automatically from the person's device
    /// (see [`collected_automatically`]).
    pub fn is_collected_automatically(&self, key: &str) -> bool {
        collected_automatically(key, &self.custom_categories)
    }

    /// SHA-256 over the register's content (not its layout or comments), in hex. A notice
    /// rendered from the register carries it, so a record of what a person was shown can
    /// name exactly which content it was.
    pub fn content_hash(&self) -> String {
        // Serialising owned data of plain types cannot fail; an empty hash input would
        // still give a well-defined (if useless) hash.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&json);
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Taxonomy keys for data a website collects from the person's device without the person
/// handing it over: device data (IP address, cookie and device identifiers), telemetry,
/// browsing, search and media behaviour. Purchase history is not among them: it is made by
/// the person's own orders.
const AUTOMATIC: [&str; 6] = [
    "user.device",
    "user.telemetry",
    "user.behavior.browsing_history",
    "user.behavior.search_history",
    "user.behavior.media_consumption",
    "user.unique_id.pseudonymous",
];

/// True when data category `key` (or the key a custom category lies under) is data
/// collected automatically from the person's device: such data does not come "from you".
pub fn collected_automatically(key: &str, custom: &[CustomKey]) -> bool {
    let mut key = key;
    // Custom keys chain to their parent; a cycle cannot loop more often than there are keys.
    for _ in 0..=custom.len() {
        if key == "user.behavior" || AUTOMATIC.iter().any(|a| taxonomy::is_within(key, a)) {
            return true;
        }
        match custom
            .iter()
            .find(|c| c.key == key)
            .and_then(|c| c.parent.as_deref())
        {
            Some(parent) if parent != key => key = parent,
            _ => return false,
        }
    }
    false
}

/// True when every word of a name starts with a capital letter or a digit ("Google
/// Analytics", "Visma"): a name, not a description.
fn is_proper_name(t: &Text) -> bool {
    let name = t.get(Lang::Sv);
    !name.is_empty()
        && name.split_whitespace().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || !c.is_alphabetic())
        })
}

/// True when a name carries a company form (AB, HB, Ltd, Inc, GmbH, …): a company's name,
/// the same in every language.
fn has_legal_form(t: &Text) -> bool {
    const FORMS: [&str; 16] = [
        "ab", "hb", "kb", "ek.", "ltd", "ltd.", "inc", "inc.", "llc", "gmbh", "oy", "as", "a/s",
        "aps", "b.v.", "s.a.",
    ];
    t.get(Lang::Sv)
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .any(|w| FORMS.contains(&w.to_lowercase().as_str()))
}

fn label(
    custom: &[CustomKey],
    builtin: &std::collections::BTreeMap<String, taxonomy::Entry>,
    key: &str,
    lang: Lang,
) -> String {
    if let Some(c) = custom.iter().find(|c| c.key == key) {
        return c.name.get(lang).to_owned();
    }
    builtin
        .get(key)
        .map_or_else(|| key.to_owned(), |e| e.name(lang).to_owned())
}

impl EventNames for Register {
    fn name(&self, key: &str, lang: Lang) -> Option<String> {
        self.events
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.name.get(lang).to_owned())
    }
}
