//! Delivery by e-mail: a plain-text message in the recipient's language, rendered from the
//! embedded templates `templates/notice.{sv,en}.txt` (the first line is the subject, the
//! body follows the blank line after it), sent over SMTP.

use std::sync::LazyLock;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use minijinja::{Environment, context};
use skydd_core::taxonomy::{Kind, taxonomy};
use skydd_core::text::Lang;

use crate::{Delivered, DeliveryError, Notice, SetupError};

const TEMPLATES: [(&str, &str); 2] = [
    ("notice.sv.txt", include_str!("templates/notice.sv.txt")),
    ("notice.en.txt", include_str!("templates/notice.en.txt")),
];

static ENV: LazyLock<Result<Environment<'static>, minijinja::Error>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?,
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // Plain text: nothing is HTML-escaped.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
});

/// The subject and body of `notice` in `lang`.
pub fn render(notice: &Notice, lang: Lang) -> Result<(String, String), minijinja::Error> {
    let env = ENV
        .as_ref()
        .map_err(|e| minijinja::Error::new(e.kind(), e.to_string()))?;
    let template = env.get_template(&format!("notice.{}.txt", lang.code()))?;
    let identities: Vec<_> = notice
        .identities
        .iter()
        .map(|i| context! { label => identity_label(&i.kind, lang), value => i.value.as_str() })
        .collect();
    let categories: Vec<String> = notice
        .affected
        .data_categories
        .iter()
        .map(|key| match taxonomy().of(Kind::DataCategory).get(key) {
            Some(e) => format!("{} ({key})", e.name(lang)),
            None => key.clone(),
        })
        .collect();
    let text = template.render(context! {
        kind => notice.kind.key(),
        request => notice.request.as_str(),
        id => notice.id.as_str(),
        controller => minijinja::Value::from(minijinja::value::Serde(&notice.controller)),
        date => notice.date.to_string(),
        identities,
        categories,
        fields => notice.affected.fields.clone(),
        new_values => minijinja::Value::from(minijinja::value::Serde(&notice.new_values)),
    })?;
    let (subject, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    Ok((
        subject.trim().to_owned(),
        body.trim_start_matches('\n').to_owned(),
    ))
}

fn identity_label(kind: &str, lang: Lang) -> String {
    match kind {
        "email" => lang.pick("E-post", "E-mail"),
        "phone_number" => lang.pick("Telefon", "Phone"),
        "personnummer" => lang.pick("Personnummer", "Personal identity number"),
        other => other,
    }
    .to_owned()
}

/// The message's `Message-ID`: the notice id at the sender's domain, so every resend of a
/// notice carries the same one and the recipient's mail system can tell it is a resend.
pub fn message_id(notice: &Notice, from: &Mailbox) -> String {
    format!("<{}@{}>", notice.id, from.email.domain())
}

/// An SMTP transport for `url`. Plain `smtp://` (no TLS) only to this machine, where a
/// local relay takes the message on: a notice names a person and what was done to their
/// data. Errors name the URL's scheme at most, never the URL (it may hold a password).
pub(crate) fn transport(
    url: &str,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, SetupError> {
    let scheme = url.split_once("://").map_or("", |(s, _)| s).to_owned();
    let parsed = url::Url::parse(url).map_err(|_| SetupError::SmtpUrl {
        scheme: scheme.clone(),
        why: "it is not a URL",
    })?;
    // lettre reads the first `tls` pair; so does this check, and a second is refused, so
    // `?tls=opportunistic&tls=required` cannot pass as TLS while lettre strips it.
    let tls_pairs: Vec<String> = parsed
        .query_pairs()
        .filter(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned())
        .collect();
    if tls_pairs.len() > 1 {
        return Err(SetupError::SmtpUrl {
            scheme,
            why: "it gives `tls` more than once",
        });
    }
    let tls = parsed.scheme() == "smtps" || tls_pairs.first().is_some_and(|v| v == "required");
    // `smtp` is no special scheme to the URL standard, so an IPv4 host comes as a name.
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => {
            d == "localhost"
                || d.parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|a| a.is_loopback())
        }
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    };
    if !tls && !loopback {
        return Err(SetupError::SmtpUrl {
            scheme,
            why: "without TLS only a mail server on this machine is used; write `smtps://…` or add `?tls=required`",
        });
    }
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(SetupError::SmtpTransport)?
        .timeout(Some(timeout))
        .build())
}

pub(crate) async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    to: &str,
    lang: Lang,
    notice: &Notice,
) -> Result<Delivered, DeliveryError> {
    let to: Mailbox = to.parse().map_err(|source| DeliveryError::Address {
        address: to.to_owned(),
        source,
    })?;
    let (subject, body) = render(notice, lang).map_err(|e| DeliveryError::Message(Box::new(e)))?;
    let message_id = message_id(notice, from);
    // Quoted-printable: readable in any mail system, whatever it does with 8-bit text.
    let body = Body::new_with_encoding(body, ContentTransferEncoding::QuotedPrintable)
        .map_err(|_| DeliveryError::Message("the body cannot be quoted-printable".into()))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| DeliveryError::Message(Box::new(e)))?;
    let response = transport
        .send(message)
        .await
        .map_err(|source| DeliveryError::Smtp {
            // A permanent (5xx) reply will be given again; anything else (4xx, a dropped
            // connection, a timeout) may pass on another try.
            retryable: !source.is_permanent(),
            source,
        })?;
    Ok(Delivered::Email {
        message_id,
        reply: response.code().to_string(),
    })
}
