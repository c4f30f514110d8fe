//! Loading a register: TOML text → [`Register`], or every input error at once.
//!
//! Stage one is the shape: syntax, then every unknown key, wrong TOML type and missing
//! required key at once (`keys`, which walks the document against the register's JSON
//! Schema), then serde over located raw structs (which stops at its first error, so it only
//! speaks for what the shape pass cannot see, such as a negative count). Stage two resolves
//! meaning (keywords, references, retention rules, organisationsnummer) and reports every
//! problem it finds, each with its location and, for typos, a suggestion.

use std::collections::{BTreeSet, HashSet};

use jiff::civil::Date;
use regex::Regex;
use toml::value::Datetime;

use super::raw::{self, RawRegister, RawRetention, RawText, S, Spanned, T};
use super::*;
use crate::diagnostic::{Diagnostic, suggestion};
use crate::law::{self, Keyword, countries, parse_keyword};
use crate::orgnr::OrgNumber;
use crate::retention::{self, BUILTIN_EVENT_KEYS};
use crate::taxonomy::{Kind, taxonomy};

mod keys;
mod notify;
mod processing;

/// A register that loaded.
pub type Loaded = Register;

/// Why a register could not be loaded: every input error found.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the register has {} error(s)", .diagnostics.len())]
pub struct LoadError {
    /// The errors, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads a register from its TOML source.
pub fn load(src: &str) -> Result<Register, LoadError> {
    if let Err(e) = toml::from_str::<toml::Table>(src) {
        return Err(LoadError {
            diagnostics: vec![syntax_error(src, &e)],
        });
    }
    // Every unknown key and wrong type at once, before serde stops at the first.
    let shape = keys::check(src);
    if !shape.is_empty() {
        return Err(LoadError { diagnostics: shape });
    }
    let raw: RawRegister = toml::from_str(src).map_err(|e| LoadError {
        diagnostics: vec![toml_error("schema", &e)],
    })?;
    let mut v = Validator {
        src,
        diags: Vec::new(),
    };
    let register = v.register(raw);
    if v.diags.is_empty() {
        Ok(register)
    } else {
        v.diags
            .sort_by_key(|d| d.span.map_or(usize::MAX, |s| s.start));
        Err(LoadError {
            diagnostics: v.diags,
        })
    }
}

/// Turns a TOML error into a diagnostic, adding "did you mean" for unknown keys and values.
/// A TOML syntax error; a duplicate key is named, with the line it was first given on.
fn syntax_error(src: &str, e: &toml::de::Error) -> Diagnostic {
    let d = toml_error("syntax", e);
    let Some(at) = e.span().filter(|_| e.message().trim() == "duplicate key") else {
        return d;
    };
    let Some(key) = src.get(at.clone()).map(str::trim).filter(|k| !k.is_empty()) else {
        return d;
    };
    // The first definition: the same key earlier in the same table (no header in between).
    let before = src.get(..at.start).unwrap_or("");
    let lines: Vec<&str> = before.lines().collect();
    let first = lines
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|(n, _)| n + 1);
    let help = match first {
        Some(line) => format!(
            "`{key}` is already given on line {line}; a key appears once in a table (several entries are written `[[…]]`)"
        ),
        None => "a key appears once in a table (several entries are written `[[…]]`)".to_owned(),
    };
    Diagnostic::input("syntax", format!("duplicate key `{key}`"), d.span).with_help(help)
}

fn toml_error(code: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_owned();
    let help = unknown_name_suggestion(&message);
    Diagnostic::input(code, message, e.span().map(Span::from)).with_help_opt(help)
}

/// serde words unknown names as "unknown field `x`, expected one of `a`, `b`" (or
/// "expected `a`"); pick the closest expected name.
fn unknown_name_suggestion(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (name, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    suggestion(name, candidates.iter().copied())
}

struct Validator<'a> {
    src: &'a str,
    diags: Vec<Diagnostic>,
}

fn span<X>(s: &Spanned<X>) -> Option<Span> {
    Some(Span::from(s.span()))
}

fn key_syntax() -> &'static Regex {
    static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        #[allow(clippy::expect_used)] // a constant pattern, exercised by every test
        Regex::new(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$").expect("valid pattern")
    });
    &RE
}

fn id_syntax() -> &'static Regex {
    static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        #[allow(clippy::expect_used)] // a constant pattern, exercised by every test
        Regex::new(r"^[a-z0-9][a-z0-9_-]*$").expect("valid pattern")
    });
    &RE
}

impl Validator<'_> {
    fn error(
        &mut self,
        code: &str,
        message: impl Into<String>,
        at: Option<Span>,
        help: Option<String>,
    ) {
        self.diags
            .push(Diagnostic::input(code, message, at).with_help_opt(help));
    }

    fn text(&self, t: &T) -> Text {
        let RawText { sv, en } = t.get_ref().clone();
        let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        Text {
            sv: blank(sv),
            en: blank(en),
            span: span(t),
        }
    }

    fn opt_text(&self, t: &Option<T>) -> Option<Text> {
        t.as_ref().map(|t| self.text(t)).filter(|t| !t.is_empty())
    }

    fn string(s: &Option<S>) -> Option<String> {
        s.as_ref()
            .map(|s| s.get_ref().trim().to_owned())
            .filter(|s| !s.is_empty())
    }

    fn keyword<K: Keyword + PartialEq>(&mut self, s: &S) -> Option<K> {
        match parse_keyword::<K>(s.get_ref()) {
            Ok(k) => Some(k),
            Err(e) => {
                let help = e.suggestion.clone();
                self.error("value", e.to_string(), span(s), help);
                None
            }
        }
    }

    fn date(&mut self, d: &Spanned<Datetime>, what: &str) -> Option<Date> {
        let dt = d.get_ref();
        match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => {
                match Date::new(date.year as i16, date.month as i8, date.day as i8) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        self.error("value", format!("{what}: {e}"), span(d), None);
                        None
                    }
                }
            }
            _ => {
                self.error(
                    "value",
                    format!("{what} must be a date without a time, like 2025-05-25"),
                    span(d),
                    None,
                );
                None
            }
        }
    }

    /// The byte offset of a basic or literal string's first character, when the string is
    /// written on one line without escapes (so offsets into its value map 1:1 to the source).
    fn inner_start(&self, s: &S) -> Option<usize> {
        let r = s.span();
        let written = self.src.get(r.clone())?;
        let quote = written.chars().next()?;
        let inner = written.get(1..written.len().checked_sub(1)?)?;
        (matches!(quote, '"' | '\'') && inner == s.get_ref().as_str()).then_some(r.start + 1)
    }

    fn register(&mut self, raw: RawRegister) -> Register {
        let notice = self.notice(raw.notice);
        let controller = self.controller(&raw.controller);
        let dpo = raw.dpo.as_ref().map(|c| self.contact(c));
        let representative = raw.representative.as_ref().map(|c| self.contact(c));
        let (authority, authority_declared) = match &raw.supervisory_authority {
            None => (law::imy(), None),
            // A declared authority is shown as declared: IMY's details are not mixed in.
            Some(c) => {
                let c = c.get_ref();
                self.check_website(&c.website);
                (
                    Authority {
                        name: Self::string(&c.name).unwrap_or_else(|| law::imy().name),
                        address: Self::string(&c.address),
                        email: Self::string(&c.email),
                        phone: Self::string(&c.phone),
                        website: Self::string(&c.website),
                    },
                    raw.supervisory_authority.as_ref().and_then(span),
                )
            }
        };
        let rights = raw.rights.map(|r| self.rights(r)).unwrap_or_default();

        let custom_categories = self.custom_keys(&raw.data_categories, Kind::DataCategory);
        let custom_subjects = self.custom_keys(&raw.data_subjects, Kind::DataSubject);
        let events = self.events(&raw.events);

        let known_categories = known_keys(Kind::DataCategory, &custom_categories);
        let known_subjects = known_keys(Kind::DataSubject, &custom_subjects);
        let collects = raw
            .collects
            .iter()
            .filter_map(|k| {
                self.reference(k, &known_categories, "data category")
                    .map(|value| Located {
                        value,
                        span: span(k),
                    })
            })
            .collect();

        let recipient_ids: Vec<String> = raw
            .recipients
            .iter()
            .map(|r| r.get_ref().id.get_ref().clone())
            .collect();
        let event_keys: Vec<&str> = events
            .iter()
            .map(|e: &CustomEvent| e.key.as_str())
            .collect();
        let mut seen = HashSet::new();
        let mut purposes = Vec::new();
        for p in &raw.purposes {
            let id = p.get_ref().id.clone();
            if !seen.insert(id.get_ref().clone()) {
                self.error(
                    "duplicate",
                    format!("purpose `{}` is declared twice", id.get_ref()),
                    span(&id),
                    None,
                );
            }
            purposes.push(self.purpose(
                p,
                &known_categories,
                &known_subjects,
                &recipient_ids,
                &event_keys,
            ));
        }
        for (p, raw) in purposes.iter_mut().zip(&raw.purposes) {
            if raw.get_ref().source.is_none() {
                p.sources = default_sources(&p.data_categories, &custom_categories);
            }
        }
        if rights.no_automated_decisions {
            let at = rights.no_automated_decisions_span;
            for p in purposes.iter().filter(|p| p.automated_decision.is_some()) {
                self.error(
                    "value",
                    format!(
                        "`automated_decisions = \"none\"` but purpose `{}` declares an automated decision",
                        p.id
                    ),
                    p.automated_decision.as_ref().and_then(|a| a.span).or(at),
                    Some("remove one of the two: the notice cannot say both".into()),
                );
            }
        }
        let purpose_ids: Vec<&str> = purposes.iter().map(|p: &Purpose| p.id.as_str()).collect();

        let notifications = self.notifications(raw.notifications.as_ref());
        // A sender that was given but is invalid is its own error; the e-mail channels are
        // not blamed for it as well.
        let sender_given = raw
            .notifications
            .as_ref()
            .is_some_and(|n| n.get_ref().from.is_some());
        let mut seen = HashSet::new();
        let mut recipients = Vec::new();
        for r in &raw.recipients {
            let notify = r
                .get_ref()
                .notify
                .as_ref()
                .and_then(|n| self.notify(n, &notifications, sender_given));
            let id = &r.get_ref().id;
            if !seen.insert(id.get_ref().clone()) {
                self.error(
                    "duplicate",
                    format!("recipient `{}` is declared twice", id.get_ref()),
                    span(id),
                    None,
                );
            }
            if let Some(mut r) = self.recipient(r) {
                r.notify = notify;
                recipients.push(r);
            }
        }

        let security = raw
            .security
            .map(|s| Security {
                description: self.opt_text(&s.description),
                measures: s
                    .measures
                    .iter()
                    .map(|m| self.text(m))
                    .filter(|t| !t.is_empty())
                    .collect(),
            })
            .unwrap_or_default();

        let cookies = raw
            .cookies
            .iter()
            .filter_map(|c| self.cookie(c, &purpose_ids))
            .collect();

        let databases = self.databases(&raw.databases, &event_keys, &known_subjects);
        let erasure = raw.erasure.map(|e| self.erasure(e)).unwrap_or_default();
        let state_path = raw.state.and_then(|s| Self::string(&s.path));
        let financial_year = raw
            .financial_year
            .as_ref()
            .map(|f| self.financial_year(f))
            .unwrap_or_default();
        let subprocessors = self.subprocessors(&raw.subprocessors);
        let subprocessor_ids: Vec<&str> = subprocessors.iter().map(|s| s.id.as_str()).collect();
        let processing_for = self.processing_for(
            &raw.processing_for,
            &known_categories,
            &known_subjects,
            &subprocessor_ids,
        );

        Register {
            financial_year,
            databases,
            erasure,
            state_path,
            notice,
            controller,
            dpo,
            representative,
            authority,
            authority_declared,
            rights,
            collects,
            custom_categories,
            custom_subjects,
            events,
            purposes,
            recipients,
            security,
            cookies,
            processing_for,
            subprocessors,
            notifications,
        }
    }

    fn notice(&mut self, n: Option<raw::RawNotice>) -> NoticeMeta {
        let Some(n) = n else {
            return NoticeMeta::default();
        };
        let sections = n
            .sections
            .iter()
            .map(|s| {
                let placement = match s.placement.as_ref() {
                    None => Placement::Start,
                    Some(p) => {
                        let v = p.get_ref().as_str();
                        match Placement::ALL.iter().find(|(k, _)| *k == v) {
                            Some((_, placement)) => *placement,
                            None => {
                                let keys = Placement::ALL.map(|(k, _)| k);
                                let help = suggestion(v, keys);
                                self.error(
                                    "value",
                                    format!(
                                        "unknown placement `{v}`; expected one of: {}",
                                        keys.join(", ")
                                    ),
                                    span(p),
                                    help,
                                );
                                Placement::Start
                            }
                        }
                    }
                };
                Section {
                    title: self.text(&s.title),
                    body: self.text(&s.body),
                    placement,
                }
            })
            .collect();
        NoticeMeta {
            version: Self::string(&n.version),
            effective: n
                .effective
                .as_ref()
                .and_then(|d| self.date(d, "notice.effective")),
            change_notice_days: n.change_notice_days,
            title: self.opt_text(&n.title),
            url: Self::string(&n.url),
            sections,
            voice: n
                .voice
                .as_ref()
                .and_then(|v| self.keyword(v))
                .unwrap_or_default(),
            span: n.version.as_ref().and_then(span),
        }
    }

    fn controller(&mut self, c: &Spanned<raw::RawController>) -> Controller {
        let r = c.get_ref();
        let org_number = r
            .org_number
            .as_ref()
            .and_then(|o| match OrgNumber::parse(o.get_ref()) {
                Ok(n) => Some(n),
                Err(e) => {
                    self.error(
                        "value",
                        format!("invalid organisationsnummer: {e}"),
                        span(o),
                        None,
                    );
                    None
                }
            });
        self.check_email(&r.email);
        self.check_website(&r.website);
        Controller {
            legal_name: Self::string(&r.legal_name),
            name: r.name.get_ref().trim().to_owned(),
            org_number,
            address: Self::string(&r.address),
            email: Self::string(&r.email),
            phone: Self::string(&r.phone),
            website: Self::string(&r.website),
            span: span(c),
        }
    }

    fn check_email(&mut self, e: &Option<S>) {
        if let Some(e) = e {
            let v = e.get_ref().trim();
            let ok = v
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'));
            if !ok {
                self.error(
                    "value",
                    format!("`{v}` is not an e-mail address"),
                    span(e),
                    None,
                );
            }
        }
    }

    /// Websites become links (`<a href>` in HTML, `<…>` in Markdown): only http:// and
    /// https:// addresses, so that a register never puts `javascript:` or `data:` in a page.
    fn check_website(&mut self, w: &Option<S>) {
        let Some(w) = w else {
            return;
        };
        let v = w.get_ref().trim();
        if v.is_empty() {
            return;
        }
        let lower = v.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        let (message, help) = match rest {
            None => (
                format!("`{v}` is not a web address: only http:// and https:// links are allowed"),
                // A bare domain (`www.exempel.se`) only lacks its scheme.
                (!v.contains(':')).then(|| format!("write `https://{v}`")),
            ),
            Some(r) if r.is_empty() || r.starts_with(['/', '?', '#']) => {
                (format!("`{v}` names no host"), None)
            }
            Some(_)
                if v.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\\')
                }) =>
            {
                (
                    format!(
                        "`{v}` has a character a link cannot hold (space, quote, `<`, `>`, `\\`)"
                    ),
                    Some("percent-encode it (a space is %20)".to_owned()),
                )
            }
            Some(_) => return,
        };
        self.error("value", message, span(w), help);
    }

    fn contact(&mut self, c: &Spanned<raw::RawContact>) -> Contact {
        let r = c.get_ref();
        self.check_email(&r.email);
        self.check_website(&r.website);
        Contact {
            name: Self::string(&r.name),
            address: Self::string(&r.address),
            email: Self::string(&r.email),
            phone: Self::string(&r.phone),
            website: Self::string(&r.website),
            span: span(c),
        }
    }

    fn rights(&mut self, r: raw::RawRights) -> Rights {
        let st = r.statements.as_ref();
        let pick = |f: fn(&raw::RawStatements) -> &Option<T>| st.and_then(|s| f(s).as_ref());
        let t = |v: &Self, x: Option<&T>| x.map(|t| v.text(t)).filter(|t| !t.is_empty());
        let statements = Statements {
            general: t(self, pick(|s| &s.general)),
            access: t(self, pick(|s| &s.access)),
            rectification: t(self, pick(|s| &s.rectification)),
            erasure: t(self, pick(|s| &s.erasure)),
            restriction: t(self, pick(|s| &s.restriction)),
            portability: t(self, pick(|s| &s.portability)),
            objection: t(self, pick(|s| &s.objection)),
            automated_decisions: t(self, pick(|s| &s.automated_decisions)),
            complaint: t(self, pick(|s| &s.complaint)),
        };
        // `"none"` (Swedish `"inga"`) is the only value: a declaration, not a description.
        let no_automated = r.automated_decisions.as_ref().and_then(|a| {
            let v = a.get_ref().trim();
            if matches!(
                v.to_lowercase().as_str(),
                "none" | "inga" | "ingen" | "inga_beslut"
            ) {
                Some(span(a))
            } else {
                let help = suggestion(v, ["none", "inga"])
                    .or_else(|| Some("leave the key out when you do not declare it".into()));
                self.error(
                    "value",
                    format!("unknown automated_decisions `{v}`; expected: none"),
                    span(a),
                    help,
                );
                None
            }
        });
        Rights {
            contact: Self::string(&r.contact),
            withdraw_consent: self.opt_text(&r.withdraw_consent),
            object_direct_marketing: self.opt_text(&r.object_direct_marketing),
            statements,
            no_automated_decisions: no_automated.is_some(),
            no_automated_decisions_span: no_automated.flatten(),
        }
    }

    fn custom_keys(&mut self, keys: &[Spanned<raw::RawKey>], kind: Kind) -> Vec<CustomKey> {
        let what = match kind {
            Kind::DataCategory => "data category",
            Kind::DataSubject => "data subject",
            Kind::DataUse => "data use",
        };
        let declared: BTreeSet<String> = keys
            .iter()
            .map(|k| k.get_ref().key.get_ref().clone())
            .collect();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for k in keys {
            let r = k.get_ref();
            let key = r.key.get_ref().clone();
            // A bad key does not hide the entry's other errors; the entry is dropped after.
            let bad_key = !key_syntax().is_match(&key);
            if bad_key {
                self.error(
                    "value",
                    format!("`{key}` is not a valid {what} key: use lower-case words joined by dots, like `user.customer_number`"),
                    span(&r.key),
                    None,
                );
            }
            if !seen.insert(key.clone()) {
                self.error(
                    "duplicate",
                    format!("{what} `{key}` is declared twice"),
                    span(&r.key),
                    None,
                );
            }
            let parent = r.parent.as_ref().and_then(|p| {
                let v = p.get_ref();
                if taxonomy().of(kind).contains_key(v) || declared.contains(v) {
                    Some(v.clone())
                } else {
                    let candidates = taxonomy()
                        .of(kind)
                        .keys()
                        .map(String::as_str)
                        .chain(declared.iter().map(String::as_str));
                    let help = suggestion(v, candidates);
                    self.error(
                        "reference",
                        format!("unknown parent {what} `{v}`"),
                        span(p),
                        help,
                    );
                    None
                }
            });
            let sensitivity = match &r.sensitivity {
                Some(s) if kind == Kind::DataCategory => {
                    self.keyword(s).unwrap_or(Sensitivity::Ordinary)
                }
                Some(s) => {
                    self.error(
                        "value",
                        format!("only data categories have a sensitivity, not a {what}"),
                        span(s),
                        None,
                    );
                    Sensitivity::Ordinary
                }
                None => Sensitivity::Ordinary,
            };
            if bad_key {
                continue;
            }
            out.push(CustomKey {
                key,
                parent,
                name: self.text(&r.name),
                description: self.opt_text(&r.description),
                sensitivity,
                span: span(k),
            });
        }
        out
    }

    fn events(&mut self, events: &[Spanned<raw::RawEvent>]) -> Vec<CustomEvent> {
        let mut out: Vec<CustomEvent> = Vec::new();
        for e in events {
            let r = e.get_ref();
            let key = r.key.get_ref().clone();
            if !key_syntax().is_match(&key) || key.contains('.') {
                self.error(
                    "value",
                    format!("`{key}` is not a valid event key: use lower-case words joined by `_`"),
                    span(&r.key),
                    None,
                );
                continue;
            }
            if BUILTIN_EVENT_KEYS.contains(&key.as_str()) {
                self.error(
                    "duplicate",
                    format!("`{key}` is a built-in event; declare only your own"),
                    span(&r.key),
                    None,
                );
                continue;
            }
            if out.iter().any(|x| x.key == key) {
                self.error(
                    "duplicate",
                    format!("event `{key}` is declared twice"),
                    span(&r.key),
                    None,
                );
                continue;
            }
            out.push(CustomEvent {
                key,
                name: self.text(&r.name),
                span: span(e),
            });
        }
        out
    }

    fn reference(&mut self, k: &S, known: &BTreeSet<String>, what: &str) -> Option<String> {
        let v = k.get_ref().trim();
        if known.contains(v) {
            return Some(v.to_owned());
        }
        let kind = match what {
            "data subject" => Some(Kind::DataSubject),
            "data category" => Some(Kind::DataCategory),
            "data use" => Some(Kind::DataUse),
            _ => None,
        };
        let help = suggestion(v, known.iter().map(String::as_str))
            .or_else(|| {
                kind.and_then(|kind| by_swedish_name(v, kind))
                    .map(|(key, name)| format!("did you mean `{key}` ({name})?"))
            })
            .or_else(|| {
                Some(format!(
                    "list the keys with `skydd taxonomy`, or declare your own with [[{}]]",
                    what.replace(' ', "_")
                ))
            });
        self.error("reference", format!("unknown {what} `{v}`"), span(k), help);
        None
    }

    fn purpose(
        &mut self,
        p: &Spanned<raw::RawPurpose>,
        categories: &BTreeSet<String>,
        subjects: &BTreeSet<String>,
        recipient_ids: &[String],
        event_keys: &[&str],
    ) -> Purpose {
        let r = p.get_ref();
        let id = r.id.get_ref().clone();
        if !id_syntax().is_match(&id) {
            self.error(
                "value",
                format!(
                    "`{id}` is not a valid purpose id: use lower-case letters, digits, `-` and `_`"
                ),
                span(&r.id),
                None,
            );
        }
        // One basis named twice (`["avtal", "contract"]`) is a slip, not two bases: it would
        // be counted as several bases and printed twice in the notice (Art. 13(1)(c)).
        let mut legal_bases: Vec<LegalBasis> = Vec::new();
        let mut spelt: Vec<String> = Vec::new();
        for b in raw::many(&r.legal_basis) {
            let Some(basis) = self.keyword::<LegalBasis>(&b) else {
                continue;
            };
            let this = b.get_ref().trim();
            if let Some(i) = legal_bases.iter().position(|x| *x == basis) {
                let first = &spelt[i];
                let what = if first == this {
                    format!("legal basis `{this}` is listed twice")
                } else {
                    format!("legal basis `{this}` is listed twice: `{first}` is the same basis")
                };
                self.error(
                    "duplicate",
                    format!("{what} ({}, {})", law::keyword_key(basis), basis.article()),
                    span(&b),
                    Some(format!(
                        "remove `{this}` from `legal_basis` / ta bort `{this}` ur `legal_basis`"
                    )),
                );
            } else {
                legal_bases.push(basis);
                spelt.push(this.to_owned());
            }
        }
        let sources: Vec<Source> = raw::many(&r.source)
            .iter()
            .filter_map(|s| self.keyword(s))
            .collect();
        let statute = r.statute.as_ref().and_then(|s| {
            let v = s.get_ref().trim();
            if let Some(known) = law::statute(v) {
                Some(StatuteRef::Known(known))
            } else if id_syntax().is_match(v) {
                let keys: Vec<&str> = law::statutes().iter().map(|s| s.key).collect();
                let help = suggestion(v, keys.iter().copied()).or_else(|| {
                    Some(format!("known statutes: {}; or write the citation, e.g. \"Lag (2017:630) 5 kap. 3 §\"", keys.join(", ")))
                });
                self.error("reference", format!("unknown statute `{v}`"), span(s), help);
                None
            } else {
                Some(StatuteRef::Citation(v.to_owned()))
            }
        });
        let data_use = r.data_use.as_ref().and_then(|u| {
            let uses: BTreeSet<String> = taxonomy().data_uses.keys().cloned().collect();
            self.reference(u, &uses, "data use")
        });
        let data_categories: Vec<String> = r
            .data_categories
            .iter()
            .filter_map(|k| self.reference(k, categories, "data category"))
            .collect();
        let data_subjects: Vec<String> = r
            .data_subjects
            .iter()
            .filter_map(|k| self.reference(k, subjects, "data subject"))
            .collect();
        let recipients = r
            .recipients
            .iter()
            .filter_map(|k| {
                let v = k.get_ref();
                if recipient_ids.contains(v) {
                    Some(v.clone())
                } else {
                    let help = suggestion(v, recipient_ids.iter().map(String::as_str))
                        .or_else(|| Some("declare it with [[recipient]]".into()));
                    self.error(
                        "reference",
                        format!("unknown recipient `{v}`"),
                        span(k),
                        help,
                    );
                    None
                }
            })
            .collect();
        let retention = r
            .retention
            .as_ref()
            .and_then(|ret| self.retention(ret, event_keys, &data_categories, &data_subjects));
        let automated_decision = r.automated_decision.as_ref().map(|a| AutomatedDecision {
            logic: self.opt_text(&a.get_ref().logic),
            significance: self.opt_text(&a.get_ref().significance),
            span: span(a),
        });
        Purpose {
            id,
            name: self.text(&r.name),
            description: self.opt_text(&r.description),
            legal_bases,
            legitimate_interest: self.opt_text(&r.legitimate_interest),
            art9_condition: r.art9_condition.as_ref().and_then(|c| self.keyword(c)),
            personnummer_justification: self.opt_text(&r.personnummer_justification),
            statute,
            data_subjects,
            data_categories,
            data_use,
            // Without `source`, the register fills in the default once every category is
            // known (`default_sources`).
            sources,
            source_detail: self.opt_text(&r.source_detail),
            requirement: r.requirement.as_ref().and_then(|q| self.keyword(q)),
            requirement_consequence: self.opt_text(&r.requirement_consequence),
            recipients,
            retention,
            automated_decision,
            direct_marketing: r.direct_marketing,
            profiling: self.opt_text(&r.profiling),
            withdrawal: self.opt_text(&r.withdrawal),
            collections: r
                .collections
                .iter()
                .filter_map(|c| {
                    let v = c.get_ref().trim();
                    let ok = v.split('.').count() == 2 && v.split('.').all(|p| !p.is_empty());
                    if !ok {
                        self.error(
                            "value",
                            format!("`{v}` is not `dataset.collection`"),
                            span(c),
                            None,
                        );
                    }
                    ok.then(|| v.to_owned())
                })
                .collect(),
            // A `[[purpose]]` item's own span is only its header; the id line says which.
            span: span(&r.id),
        }
    }

    fn retention(
        &mut self,
        ret: &Spanned<RawRetention>,
        events: &[&str],
        categories: &[String],
        subjects: &[String],
    ) -> Option<Retention> {
        let (rule, text, overrides) = match ret.get_ref() {
            RawRetention::Rule(s) => (Spanned::new(ret.span(), s.clone()), None, &[][..]),
            RawRetention::Table(t) => (t.rule.clone(), t.text.as_ref(), &t.overrides[..]),
        };
        let overrides: Vec<RetentionOverride> = overrides
            .iter()
            .filter_map(|o| self.retention_override(o, events, categories, subjects))
            .collect();
        self.overlapping_overrides(&overrides);
        let parsed = self.retention_rule(&rule, events)?;
        Some(Retention {
            rule: parsed,
            text: text.map(|t| self.text(t)).filter(|t| !t.is_empty()),
            span: span(ret),
            overrides,
        })
    }

    /// A retention rule, or its error located within the string.
    fn retention_rule(&mut self, rule: &S, events: &[&str]) -> Option<RetentionRule> {
        match retention::parse(rule.get_ref(), events) {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                // An error at the very end (an empty range) points at the last character.
                let (a, b) = match (e.at.start, e.at.end) {
                    (a, b) if a == b => (a.saturating_sub(1), a),
                    (a, b) => (a, b),
                };
                let at = match self.inner_start(rule) {
                    Some(start) => Some(Span::new(start + a, start + b)),
                    None => span(rule),
                };
                self.error(
                    "retention",
                    format!("retention rule: {}", e.message),
                    at,
                    e.help,
                );
                None
            }
        }
    }

    /// Two `[[purpose.retention.for]]` that both cover some data (a category within the
    /// other's, or all categories, for people both name, or all people): which period
    /// applies would depend on their order, so it is an error at the second, naming both.
    fn overlapping_overrides(&mut self, overrides: &[RetentionOverride]) {
        use crate::taxonomy::is_within;
        let whose = |o: &RetentionOverride| {
            let mut keys: Vec<String> = o.categories.iter().map(|c| format!("`{c}`")).collect();
            keys.extend(o.subjects.iter().map(|s| format!("`{s}`")));
            keys.join(", ")
        };
        for (i, b) in overrides.iter().enumerate() {
            let Some(a) = overrides[..i].iter().find(|a| {
                let cats = a.categories.is_empty()
                    || b.categories.is_empty()
                    || a.categories.iter().any(|x| {
                        b.categories
                            .iter()
                            .any(|y| is_within(x, y) || is_within(y, x))
                    });
                let subjects = a.subjects.is_empty()
                    || b.subjects.is_empty()
                    || a.subjects.iter().any(|x| b.subjects.contains(x));
                cats && subjects
            }) else {
                continue;
            };
            self.error(
                "value",
                format!(
                    "this `[[purpose.retention.for]]` (for {}, `{}`) covers data that the one before it (for {}, `{}`) covers too: which period applies would depend on their order",
                    whose(b),
                    b.rule,
                    whose(a),
                    a.rule
                ),
                b.span,
                Some(format!(
                    "give each data category or group of people one period; for data both cover, write one rule, e.g. `the later of {} and {}`",
                    a.rule, b.rule
                )),
            );
        }
    }

    /// `[[purpose.retention.for]]`: its categories and subjects must be the purpose's own.
    fn retention_override(
        &mut self,
        o: &Spanned<raw::RawRetentionFor>,
        events: &[&str],
        categories: &[String],
        subjects: &[String],
    ) -> Option<RetentionOverride> {
        let r = o.get_ref();
        if r.categories.is_empty() && r.subjects.is_empty() {
            self.error(
                "value",
                "a `[[purpose.retention.for]]` needs `categories` or `subjects`: whose data keeps this period?",
                span(&r.rule),
                None,
            );
        }
        let mut ok = true;
        for c in &r.categories {
            let v = c.get_ref().trim();
            if !categories
                .iter()
                .any(|pc| crate::taxonomy::is_within(v, pc))
            {
                ok = false;
                let help = suggestion(v, categories.iter().map(String::as_str)).or_else(|| {
                    Some(format!(
                        "the purpose's data categories: {}",
                        categories.join(", ")
                    ))
                });
                self.error(
                    "reference",
                    format!("`{v}` is not among the purpose's data categories"),
                    span(c),
                    help,
                );
            }
        }
        for x in &r.subjects {
            let v = x.get_ref().trim();
            if !subjects.iter().any(|s| s == v) {
                ok = false;
                let help = suggestion(v, subjects.iter().map(String::as_str)).or_else(|| {
                    Some(format!(
                        "the purpose's data subjects: {}",
                        subjects.join(", ")
                    ))
                });
                self.error(
                    "reference",
                    format!("`{v}` is not among the purpose's data subjects"),
                    span(x),
                    help,
                );
            }
        }
        let rule = self.retention_rule(&r.rule, events)?;
        ok.then(|| RetentionOverride {
            categories: r
                .categories
                .iter()
                .map(|c| c.get_ref().trim().to_owned())
                .collect(),
            subjects: r
                .subjects
                .iter()
                .map(|c| c.get_ref().trim().to_owned())
                .collect(),
            rule,
            text: r
                .text
                .as_ref()
                .map(|t| self.text(t))
                .filter(|t| !t.is_empty()),
            span: span(o),
        })
    }

    /// `[financial_year]`: every year twelve calendar months (BFL 3 kap. 1 §) but a first
    /// year and changed years, each at most eighteen months (3 kap. 3 §).
    fn financial_year(
        &mut self,
        f: &Spanned<raw::RawFinancialYear>,
    ) -> crate::retention::FinancialYears {
        let r = f.get_ref();
        let mut start_month: Option<i8> = None;
        if let Some(s) = &r.starts {
            let v = s.get_ref().trim();
            let parsed = v
                .split_once('-')
                .filter(|(m, d)| m.len() == 2 && d.len() == 2)
                .and_then(|(m, d)| Some((m.parse::<i8>().ok()?, d.parse::<i8>().ok()?)))
                .filter(|(m, d)| Date::new(2024, *m, *d).is_ok());
            match parsed {
                Some((m, 1)) => start_month = Some(m),
                Some((m, _)) => self.error(
                    "value",
                    format!("a financial year is twelve whole calendar months (BFL 3 kap. 1 §), so it starts on the first of a month, not on `{v}`"),
                    span(s),
                    Some(format!("did you mean `{m:02}-01`?")),
                ),
                None => self.error(
                    "value",
                    format!("`{v}` is not the first day of a financial year as \"MM-DD\""),
                    span(s),
                    Some(match crate::retention::starts_month_guess(v) {
                        Some(m) => format!("did you mean `starts = \"{m:02}-01\"`?"),
                        None => "write e.g. `starts = \"07-01\"` for a financial year from 1 July to 30 June".into(),
                    }),
                ),
            }
        }
        let mut irregular: Vec<(Date, Date)> = Vec::new();
        if let Some(first) = &r.first
            && let Some((from, to)) = self.financial_period(first, "financial_year.first")
        {
            let next = to.tomorrow().ok();
            match (start_month, next) {
                (Some(m), Some(n)) if n.month() != m => self.error(
                    "value",
                    format!(
                        "the first financial year ends on {to}, so the next starts on {n}, but `starts` says the years start on {m:02}-01"
                    ),
                    span(&first.get_ref().to),
                    Some(format!("write `starts = \"{:02}-01\"`, or end the first year the day before a start", n.month())),
                ),
                // No `starts`: the default is the calendar year, and a first year that
                // ends elsewhere says otherwise; the register is made to say which.
                (None, Some(n)) => {
                    if n.month() != 1 {
                        self.error(
                            "value",
                            format!(
                                "the first financial year ends on {to}, so the years start on {:02}-01, but `starts` is not given and its default is \"01-01\"",
                                n.month()
                            ),
                            span(&first.get_ref().to),
                            Some(format!("write `starts = \"{:02}-01\"` under `[financial_year]`", n.month())),
                        );
                    }
                    start_month = Some(n.month());
                }
                _ => {}
            }
            irregular.push((from, to));
        }
        let mut month = start_month.unwrap_or(1);
        for c in &r.changes {
            let Some((from, to)) = self.financial_period(c, "financial_year.change") else {
                continue;
            };
            if let Some(&(_, before)) = irregular.last()
                && from <= before
            {
                self.error(
                    "value",
                    format!("this change starts on {from}, before the year listed above it ends ({before}); list the first year and the changes in order"),
                    span(&c.get_ref().from),
                    None,
                );
                continue;
            }
            if from.day() != 1 || from.month() != month {
                self.error(
                    "value",
                    format!(
                        "a changed financial year starts where a financial year would have started: on the first of month {month:02} (`{month:02}-01`), not on {from}"
                    ),
                    span(&c.get_ref().from),
                    Some("`from` is the first day of the changed year; `to` its last day, after which the new years start".into()),
                );
                continue;
            }
            // Twelve months from a regular start is a regular year: nothing changed, and the
            // real change (omläggning, BFL 3 kap. 3 §) is likely missing or mistyped.
            if from
                .checked_add(jiff::Span::new().months(12))
                .ok()
                .and_then(|d| d.yesterday().ok())
                == Some(to)
            {
                self.error(
                    "value",
                    format!(
                        "this change does not change the financial year: {from} to {to} is the regular year from {month:02}-01"
                    ),
                    span(c),
                    Some("remove it, or give the changed year's real `from` and `to` (the changed year is shorter or longer than twelve months)".into()),
                );
                continue;
            }
            irregular.push((from, to));
            month = to.tomorrow().map_or(month, |d| d.month());
        }
        crate::retention::FinancialYears {
            start_month: start_month.unwrap_or(1),
            irregular,
        }
    }

    fn financial_period(
        &mut self,
        p: &Spanned<raw::RawFinancialPeriod>,
        what: &str,
    ) -> Option<(Date, Date)> {
        let r = p.get_ref();
        let from = self.date(&r.from, &format!("{what}.from"));
        let to = self.date(&r.to, &format!("{what}.to"));
        let (from, to) = (from?, to?);
        match crate::retention::FinancialYears::check_year(from, to) {
            Ok(()) => Some((from, to)),
            Err(why) => {
                self.error("value", why, span(&r.to), None);
                None
            }
        }
    }

    fn recipient(&mut self, rec: &Spanned<raw::RawRecipient>) -> Option<Recipient> {
        let r = rec.get_ref();
        self.check_website(&r.website);
        // Every meaning error of the recipient is reported, so a bad role does not hide a
        // bad country; the recipient is dropped at the end when one was found.
        let role = self.keyword(&r.role);
        let country = r.country.as_ref().and_then(|c| {
            let v = c.get_ref().trim();
            let lower = v.to_lowercase();
            if ["eea", "eu", "ees", "eu/eea", "eu/ees"].contains(&lower.as_str()) {
                return Some(Location::Eea);
            }
            if ["third-country", "third_country", "tredjeland", "non-eea", "outside-eea"].contains(&lower.as_str()) {
                return Some(Location::ThirdCountry);
            }
            // The ISO code, or a country's name in Swedish or English ("USA", "Irland").
            match countries::by_name(v) {
                Some(found) => Some(Location::Country(found.code.to_owned())),
                None => {
                    // A misspelt name: suggest the name and its code.
                    let help = crate::diagnostic::did_you_mean(v, countries::names())
                        .and_then(countries::by_name)
                        .map(|x| format!("did you mean `{}` (ISO 3166-1 code `{}`)?", x.sv, x.code))
                        .or_else(|| Some("or `EEA` (somewhere in the EU/EEA) or `third-country` (somewhere outside it)".into()));
                    self.error(
                        "value",
                        format!("unknown country `{v}`: use a two-letter ISO 3166-1 code such as `SE`, or the country's name in Swedish or English"),
                        span(c),
                        help,
                    );
                    None
                }
            }
        });
        let dpa = r.dpa.as_ref().and_then(|d| match d.get_ref() {
            raw::RawDpa::Flag(true) => Some(Dpa { signed: None }),
            raw::RawDpa::Flag(false) => None,
            raw::RawDpa::Date(dt) => {
                let dt = Spanned::new(d.span(), *dt);
                self.date(&dt, "dpa").map(|signed| Dpa {
                    signed: Some(signed),
                })
            }
        });
        let transfer = r.transfer.as_ref().and_then(|t| self.keyword(t));
        let dpf_certified = r.dpf_certified.as_ref().and_then(|d| match &d.get_ref().0 {
            raw::RawDpa::Flag(b) => Some(DpfCertification {
                certified: *b,
                checked: None,
                span: span(d),
            }),
            raw::RawDpa::Date(dt) => {
                let dt = Spanned::new(d.span(), *dt);
                let checked = self.date(&dt, "dpf_certified")?;
                // The DPF list exists since the Commission's adequacy decision for it,
                // kommissionens genomförandebeslut (EU) 2023/1795 of 10 July 2023: a check
                // made before that day certifies nothing under the framework.
                let framework = jiff::civil::date(2023, 7, 10);
                if checked < framework {
                    self.error(
                        "value",
                        format!(
                            "dpf_certified: {checked} is before the EU–US Data Privacy Framework took effect ({framework}, decision (EU) 2023/1795), so no certification could be checked then"
                        ),
                        span(&dt),
                        Some(
                            "give the day you last found the recipient on the DPF list (dataprivacyframework.gov), on or after 2023-07-10 / ange dagen då ni senast såg mottagaren på DPF-listan".into(),
                        ),
                    );
                    return None;
                }
                Some(DpfCertification {
                    certified: true,
                    checked: Some(checked),
                    span: span(&dt),
                })
            }
        });
        Some(Recipient {
            dpf_certified,
            id: r.id.get_ref().clone(),
            name: self.text(&r.name),
            role: role?,
            category: self.opt_text(&r.category),
            country,
            dpa,
            transfer,
            safeguards: self.opt_text(&r.safeguards),
            shares: self.opt_text(&r.shares),
            website: Self::string(&r.website),
            notify: None,
            span: span(&r.id),
        })
    }

    fn cookie(&mut self, c: &Spanned<raw::RawCookie>, purposes: &[&str]) -> Option<Cookie> {
        let r = c.get_ref();
        // As for recipients: every error of the cookie at once.
        let category = self.keyword(&r.category);
        let party = match r.party.as_ref().map(|p| (p, p.get_ref().as_str())) {
            None | Some((_, "first")) => Party::First,
            Some((_, "third")) => Party::Third,
            Some((p, other)) => {
                let help = suggestion(other, ["first", "third"]);
                self.error(
                    "value",
                    format!("unknown party `{other}`; expected `first` or `third`"),
                    span(p),
                    help,
                );
                Party::First
            }
        };
        let duration = r.duration.as_ref().and_then(|d| {
            let v = d.get_ref().trim();
            if v.eq_ignore_ascii_case("session") {
                return Some(CookieDuration::Session);
            }
            // Reuse the retention grammar's period: "13 months after collected".
            match retention::parse(&format!("{v} after collected"), &[]) {
                Ok(RetentionRule::After { period, .. }) => Some(CookieDuration::Period(period)),
                _ => {
                    self.error(
                        "value",
                        format!(
                            "cookie duration `{v}`: write `session` or a period such as `13 months`"
                        ),
                        span(d),
                        None,
                    );
                    None
                }
            }
        });
        let purpose = r.purpose.as_ref().and_then(|p| {
            let v = p.get_ref();
            if purposes.contains(&v.as_str()) {
                Some(v.clone())
            } else {
                let help = suggestion(v, purposes.iter().copied());
                self.error("reference", format!("unknown purpose `{v}`"), span(p), help);
                None
            }
        });
        Some(Cookie {
            name: r.name.get_ref().clone(),
            provider: Self::string(&r.provider),
            category: category?,
            duration,
            party,
            purpose,
            description: self.opt_text(&r.description),
            span: span(&r.name),
        })
    }
}

impl Validator<'_> {
    fn databases(
        &mut self,
        dbs: &[Spanned<raw::RawDatabase>],
        custom_events: &[&str],
        known_subjects: &BTreeSet<String>,
    ) -> Vec<Database> {
        let mut out: Vec<Database> = Vec::new();
        for d in dbs {
            let r = d.get_ref();
            let name = r.name.get_ref().trim().to_owned();
            if !id_syntax().is_match(&name) {
                self.error("value", format!("`{name}` is not a valid database name: use lower-case letters, digits, `-` and `_`"), span(&r.name), None);
            }
            if out.iter().any(|x| x.name == name) {
                self.error(
                    "duplicate",
                    format!("database `{name}` is declared twice"),
                    span(&r.name),
                    None,
                );
            }
            // Every error of the database is reported; it is dropped at the end when its
            // kind or connection was wrong.
            let kind = match r.kind.get_ref().trim() {
                "sqlite" => Some(DbKind::Sqlite),
                "postgres" | "postgresql" => Some(DbKind::Postgres),
                "mysql" | "mariadb" => Some(DbKind::Mysql),
                other => {
                    let help = suggestion(other, ["sqlite", "postgres", "mysql"]);
                    self.error(
                        "value",
                        format!(
                            "unknown database kind `{other}`; expected sqlite, postgres or mysql"
                        ),
                        span(&r.kind),
                        help,
                    );
                    None
                }
            };
            let sources: Vec<ConnectionSource> = [
                r.url_env
                    .as_ref()
                    .map(|s| ConnectionSource::Env(s.get_ref().trim().to_owned())),
                r.url_file
                    .as_ref()
                    .map(|s| ConnectionSource::File(s.get_ref().trim().to_owned())),
                r.path
                    .as_ref()
                    .map(|s| ConnectionSource::Path(s.get_ref().trim().to_owned())),
            ]
            .into_iter()
            .flatten()
            .collect();
            let connection = match sources.as_slice() {
                [one] => Some(one.clone()),
                [] => {
                    self.error(
                        "value",
                        format!("database `{name}` needs `url_env`, `url_file` or (SQLite) `path`"),
                        span(&r.name),
                        None,
                    );
                    None
                }
                _ => {
                    self.error(
                        "value",
                        format!(
                            "database `{name}` names more than one of `url_env`, `url_file`, `path`"
                        ),
                        span(&r.name),
                        None,
                    );
                    None
                }
            };
            if matches!(connection, Some(ConnectionSource::Path(_)))
                && kind.is_some_and(|k| k != DbKind::Sqlite)
            {
                self.error(
                    "value",
                    "`path` is for SQLite; give other databases `url_env` or `url_file`",
                    r.path.as_ref().and_then(span),
                    None,
                );
            }
            let mut events = Vec::new();
            for (key, cols) in &r.events {
                let event = match retention::Event::builtin(key) {
                    Some(e) => e,
                    None if custom_events.contains(&key.as_str()) => {
                        retention::Event::Custom(key.clone())
                    }
                    None => {
                        let help = suggestion(
                            key,
                            BUILTIN_EVENT_KEYS
                                .iter()
                                .copied()
                                .chain(custom_events.iter().copied()),
                        );
                        self.error(
                            "reference",
                            format!("unknown event `{key}` in database `{name}`"),
                            span(cols),
                            help,
                        );
                        continue;
                    }
                };
                for c in raw::many(&Some(cols.clone())) {
                    match c.get_ref().split_once('.') {
                        Some((collection, column))
                            if !collection.is_empty()
                                && !column.is_empty()
                                && !column.contains('.') =>
                        {
                            events.push((
                                event.clone(),
                                ColumnRef {
                                    collection: collection.to_owned(),
                                    column: column.to_owned(),
                                },
                            ));
                        }
                        _ => self.error(
                            "value",
                            format!("`{}` is not `collection.column`", c.get_ref()),
                            span(&c),
                            None,
                        ),
                    }
                }
            }
            let subjects = r
                .subjects
                .iter()
                .map(|(collection, keys)| {
                    let keys = raw::many(&Some(keys.clone()))
                        .iter()
                        .filter_map(|k| self.reference(k, known_subjects, "data subject"))
                        .collect();
                    (collection.clone(), keys)
                })
                .collect();
            let (Some(kind), Some(connection)) = (kind, connection) else {
                continue;
            };
            out.push(Database {
                name,
                kind,
                connection,
                dataset: r.dataset.get_ref().trim().to_owned(),
                schema: Self::string(&r.schema),
                events,
                subjects,
                span: span(d),
            });
        }
        out
    }

    fn mask(&mut self, m: &Spanned<raw::RawMask>) -> Option<crate::datamap::Masking> {
        let result = match m.get_ref() {
            raw::RawMask::Name(n) => crate::datamap::Masking::from_name(n, None, None),
            raw::RawMask::Table {
                strategy,
                value,
                length,
            } => crate::datamap::Masking::from_name(strategy, value.as_deref(), *length),
        };
        match result {
            Ok(x) => Some(x),
            Err(e) => {
                self.error("value", e, span(m), None);
                None
            }
        }
    }

    fn erasure(&mut self, e: raw::RawErasure) -> ErasurePolicy {
        let default = match &e.default {
            Some(m) => match self.mask(m) {
                Some(crate::datamap::Masking::Delete) => {
                    self.error("value", "`default` masks fields; choose row deletion per collection in [erasure.collections]", span(m), None);
                    crate::datamap::Masking::Null
                }
                Some(x) => x,
                None => crate::datamap::Masking::Null,
            },
            None => crate::datamap::Masking::Null,
        };
        let hmac_key = match (&e.hmac_key_env, &e.hmac_key_file) {
            (Some(v), None) => Some(KeySource::Env(v.get_ref().trim().to_owned())),
            (None, Some(f)) => Some(KeySource::File(f.get_ref().trim().to_owned())),
            (None, None) => None,
            (Some(v), Some(_)) => {
                self.error(
                    "value",
                    "give either `hmac_key_env` or `hmac_key_file`, not both",
                    span(v),
                    None,
                );
                None
            }
        };
        let mut collections = Vec::new();
        for (k, v) in &e.collections {
            let policy = match v.get_ref().as_str() {
                "delete" => RowPolicy::Delete,
                "mask" | "anonymise" | "anonymize" => RowPolicy::Mask,
                other => {
                    let help = suggestion(other, ["delete", "mask"]);
                    self.error(
                        "value",
                        format!("unknown row policy `{other}`; expected `delete` or `mask`"),
                        span(v),
                        help,
                    );
                    continue;
                }
            };
            if k.split('.').count() != 2 {
                self.error(
                    "value",
                    format!("`{k}` is not `dataset.collection`"),
                    span(v),
                    None,
                );
                continue;
            }
            collections.push((k.clone(), policy));
        }
        let mut fields = Vec::new();
        for (k, v) in &e.fields {
            if k.split('.').count() != 3 {
                self.error(
                    "value",
                    format!("`{k}` is not `dataset.collection.field`"),
                    span(v),
                    None,
                );
                continue;
            }
            if let Some(m) = self.mask(v) {
                if m == crate::datamap::Masking::Delete {
                    self.error(
                        "value",
                        "a field cannot be deleted; delete the row in [erasure.collections]",
                        span(v),
                        None,
                    );
                    continue;
                }
                fields.push((k.clone(), m));
            }
        }
        ErasurePolicy {
            default,
            hmac_key,
            collections,
            fields,
        }
    }
}

/// The taxonomy key whose Swedish name a register wrote instead of the key: "kund" or
/// "Kunder" for `customer` (the name, or its singular: the name less a plural ending).
fn by_swedish_name(v: &str, kind: Kind) -> Option<(String, String)> {
    let v = v.trim().to_lowercase();
    if v.chars().count() < 3 {
        return None;
    }
    taxonomy().of(kind).iter().find_map(|(key, e)| {
        let name = e.name(Lang::Sv).to_lowercase();
        let singular = ["er", "ar", "or", "a", "r"]
            .iter()
            .any(|end| name.strip_suffix(end) == Some(v.as_str()));
        (name == v || singular).then(|| (key.clone(), e.name(Lang::Sv).to_owned()))
    })
}

fn known_keys(kind: Kind, custom: &[CustomKey]) -> BTreeSet<String> {
    taxonomy()
        .of(kind)
        .keys()
        .cloned()
        .chain(custom.iter().map(|c| c.key.clone()))
        .collect()
}

/// The sources of a purpose that names none: data collected automatically from the
/// person's device (IP address, cookies, device data, browsing) is not given by the person
/// (Art. 13 vs. 14: a notice must not say it comes "from you"); everything else is.
fn default_sources(categories: &[String], custom: &[CustomKey]) -> Vec<Source> {
    let automatic = categories
        .iter()
        .filter(|k| super::collected_automatically(k, custom))
        .count();
    let mut out = Vec::new();
    if categories.is_empty() || automatic < categories.len() {
        out.push(Source::DataSubject);
    }
    if automatic > 0 {
        out.push(Source::Automatic);
    }
    out
}

#[cfg(test)]
#[path = "load_every_error_tests.rs"]
mod every_error_tests;

#[cfg(test)]
#[path = "keys_tests.rs"]
pub(super) mod keys_tests;
