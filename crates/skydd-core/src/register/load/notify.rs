//! Loading how recipients are told (GDPR Art. 19): `[notifications]` and each recipient's
//! `notify`. A channel skydd delivers through must be one it can deliver through safely: a
//! webhook over TLS (plain HTTP only to this machine) with a signing key, an e-mail to a
//! real address with a sender to send it from; a channel staff handle, or a decision not to
//! tell, must say how or why.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{Validator, span};
use crate::identity::{Identity, IdentityKind};
use crate::register::raw::{RawNotifications, RawNotify, S, Spanned};
use crate::register::{KeySource, MAX_ATTEMPTS_LIMIT, Notifications, Notify};
use crate::text::Lang;

impl Validator<'_> {
    pub(super) fn notifications(&mut self, n: Option<&Spanned<RawNotifications>>) -> Notifications {
        let mut out = Notifications::default();
        let Some(n) = n else {
            return out;
        };
        let r = n.get_ref();
        if let Some(from) = &r.from {
            out.from = self.email_address(from);
        }
        if let Some(env) = &r.smtp_url_env
            && self.env_name(env, "smtp_url_env")
        {
            out.smtp_url_env = env.get_ref().trim().to_owned();
        }
        if let Some(m) = &r.max_attempts {
            match u32::try_from(*m.get_ref()) {
                Ok(v @ 1..=MAX_ATTEMPTS_LIMIT) => out.max_attempts = v,
                _ => self.error(
                    "value",
                    format!(
                        "max_attempts must be between 1 and {MAX_ATTEMPTS_LIMIT}, not {}",
                        m.get_ref()
                    ),
                    span(m),
                    Some("each try after the first waits about twice as long as the one before; 8 tries span about an hour, 12 about fifteen hours".into()),
                ),
            }
        }
        if let Some(l) = &r.lang
            && let Some(lang) = self.notice_lang(l)
        {
            out.lang = lang;
        }
        out
    }

    /// A recipient's `notify`, or `None` (with its errors reported) when it is not valid.
    pub(super) fn notify(
        &mut self,
        n: &Spanned<RawNotify>,
        settings: &Notifications,
        sender_given: bool,
    ) -> Option<Notify> {
        let r = n.get_ref();
        let channels: Vec<(&str, &S)> = [
            ("webhook", &r.webhook),
            ("email", &r.email),
            ("manual", &r.manual),
            ("none", &r.none),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
        let (kind, value) = match channels.as_slice() {
            [] => {
                self.error(
                    "value",
                    "`notify` names no channel: give one of `webhook`, `email`, `manual`, `none`",
                    span(n),
                    Some(r#"e.g. `notify = { email = "privacy@mottagare.se" }`, or `notify = { none = "why telling is impossible" }`"#.into()),
                );
                // The other keys are still checked below, against no channel.
                ("", None)
            }
            [(k, v)] => (*k, Some(*v)),
            [(first, _), (second, v), ..] => {
                self.error(
                    "value",
                    format!(
                        "`notify` names both `{first}` and `{second}`: a recipient is told one way"
                    ),
                    span(v),
                    Some(format!("keep `{first}` or `{second}`")),
                );
                ("", None)
            }
        };
        // Keys that belong to another channel than the one given.
        let secret = match (&r.secret_env, &r.secret_file) {
            (Some(e), None) => Some((e, true)),
            (None, Some(f)) => Some((f, false)),
            (None, None) => None,
            (Some(e), Some(_)) => {
                self.error(
                    "value",
                    "give either `secret_env` or `secret_file`, not both",
                    span(e),
                    None,
                );
                return None;
            }
        };
        if kind != "webhook"
            && let Some((s, env)) = secret
        {
            let key = if env { "secret_env" } else { "secret_file" };
            self.error(
                "value",
                format!("`{key}` is the signing key of a webhook, and this `notify` has none"),
                span(s),
                None,
            );
        }
        if kind != "email"
            && let Some(l) = &r.lang
        {
            self.error(
                "value",
                "`lang` is the language of an e-mail, and this `notify` sends none",
                span(l),
                None,
            );
        }
        let value = value?;
        let text = value.get_ref().trim();
        match kind {
            "webhook" => {
                let url = self.webhook_url(value);
                let secret = match secret {
                    None => {
                        self.error(
                            "value",
                            "a webhook needs the key its notices are signed with: `secret_env` or `secret_file`",
                            span(value),
                            Some("share a key of at least 32 random bytes with the recipient (e.g. `openssl rand -hex 32`) and name where it is: `secret_env = \"MOTTAGARE_WEBHOOK_KEY\"`".into()),
                        );
                        None
                    }
                    Some((s, true)) => self
                        .env_name(s, "secret_env")
                        .then(|| KeySource::Env(s.get_ref().trim().to_owned())),
                    Some((s, false)) => {
                        let f = s.get_ref().trim();
                        if f.is_empty() {
                            self.error("value", "`secret_file` names no file", span(s), None);
                            None
                        } else {
                            Some(KeySource::File(f.to_owned()))
                        }
                    }
                };
                Some(Notify::Webhook {
                    url: url?,
                    secret: secret?,
                })
            }
            "email" => {
                let address = self.email_address(value);
                let lang = match &r.lang {
                    Some(l) => self.notice_lang(l),
                    None => Some(settings.lang),
                };
                if !sender_given {
                    self.error(
                        "value",
                        "notices by e-mail need a sender: `[notifications] from` is not given",
                        span(value),
                        Some(
                            r#"add `[notifications]` with `from = "dataskydd@exempel.se"`"#.into(),
                        ),
                    );
                    return None;
                }
                Some(Notify::Email {
                    address: address?,
                    lang: lang?,
                })
            }
            "manual" | "none" => {
                if text.is_empty() {
                    let (message, help) = if kind == "manual" {
                        (
                            "`manual` must say how staff tell the recipient",
                            r#"e.g. `manual = "by phone to our account manager"`"#,
                        )
                    } else {
                        (
                            "`none` must give the reason the recipient is not told: Art. 19 allows it only when telling proves impossible or involves disproportionate effort",
                            r#"e.g. `none = "the recipient has ceased trading and cannot be reached"`"#,
                        )
                    };
                    self.error("value", message, span(value), Some(help.into()));
                    return None;
                }
                Some(if kind == "manual" {
                    Notify::Manual {
                        how: text.to_owned(),
                    }
                } else {
                    Notify::None {
                        reason: text.to_owned(),
                    }
                })
            }
            _ => None,
        }
    }

    fn notice_lang(&mut self, l: &S) -> Option<Lang> {
        match l.get_ref().trim() {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            other => {
                let help = other
                    .parse::<Lang>()
                    .ok()
                    .map(|lang| format!("did you mean `{}`?", lang.code()));
                self.error(
                    "value",
                    format!("unknown language `{other}`: use `sv` or `en`"),
                    span(l),
                    help,
                );
                None
            }
        }
    }

    /// An e-mail address checked as the identity parser checks one (one `@`, a local part,
    /// a dotted domain, no white space, so nothing can break an SMTP command line).
    fn email_address(&mut self, e: &S) -> Option<String> {
        // The date only places a ten-digit personnummer in its century; an e-mail address
        // does not read it.
        let any_day = jiff::civil::date(2000, 1, 1);
        match Identity::parse(IdentityKind::Email, e.get_ref(), any_day) {
            Ok(_) => Some(e.get_ref().trim().to_owned()),
            Err(err) => {
                self.error("value", err.to_string(), span(e), None);
                None
            }
        }
    }

    /// An environment variable's name: letters, digits and `_`, not starting with a digit.
    fn env_name(&mut self, s: &S, key: &str) -> bool {
        let v = s.get_ref().trim();
        let ok = v
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            self.error(
                "value",
                format!(
                    "`{key}` names an environment variable, and `{v}` is not a variable's name"
                ),
                span(s),
                Some("letters, digits and `_`, e.g. `MOTTAGARE_WEBHOOK_KEY`".into()),
            );
        }
        ok
    }

    fn webhook_url(&mut self, w: &S) -> Option<String> {
        let v = w.get_ref().trim();
        match webhook_problem(v) {
            None => Some(v.to_owned()),
            Some((message, help)) => {
                self.error("value", message, span(w), help);
                None
            }
        }
    }
}

/// What is wrong with a webhook address, with a hint; `None` when skydd may post to it.
/// Notices name a person and what was done to their data, so they travel over TLS; plain
/// HTTP is allowed only to this machine, where nothing on the network can read them.
pub(crate) fn webhook_problem(v: &str) -> Option<(String, Option<String>)> {
    if v.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\\'))
    {
        return Some((
            format!(
                "`{v}` has a character a web address cannot hold (space, quote, `<`, `>`, `\\`)"
            ),
            Some("percent-encode it (a space is %20)".into()),
        ));
    }
    let lower = v.to_ascii_lowercase();
    let (tls, rest) = if let Some(r) = lower.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (false, r)
    } else {
        return Some((
            format!("`{v}` is not a web address: a webhook is `https://…`"),
            (!v.contains(':')).then(|| format!("write `https://{v}`")),
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Some((
            format!("`{v}` carries a user or password: a webhook's address holds no secret"),
            Some("remove it from the address; notices are signed with the key named by `secret_env` or `secret_file`".into()),
        ));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(inner) => match inner.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => return Some((format!("`{v}` has an unclosed `[` in its host"), None)),
        },
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Some((format!("`{v}` names no host"), None));
    }
    if let Some(p) = port
        && !p.parse::<u16>().is_ok_and(|p| p > 0)
    {
        return Some((format!("`{v}` has no valid port (1–65535) after `:`"), None));
    }
    if !tls && !is_loopback(host) {
        return Some((
            format!(
                "`{v}` is plain HTTP: notices name a person and what was done to their data, so they go over TLS"
            ),
            Some(format!(
                "write `https://{}`; `http://` is accepted only to this machine (`localhost`, `127.0.0.1`, `[::1]`), for tests",
                &v["http://".len()..]
            )),
        ));
    }
    None
}

/// `localhost`, an address in 127.0.0.0/8, or `::1`.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|a| a.is_loopback())
}
