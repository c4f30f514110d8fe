//! Telling recipients (GDPR Art. 19): the controller communicates each rectification,
//! erasure (Art. 17(1)) and restriction (Art. 18) to every recipient to whom the data were
//! disclosed, unless that proves impossible or involves disproportionate effort.
//!
//! This crate delivers one [`Notice`] through one [`Channel`] and says whether it arrived,
//! failed for now (try again, after [`retry::after_failure`]'s wait) or failed for good
//! (dead letter). It knows nothing of skydd's store: the outbox that makes delivery
//! durable and the scheduler that retries are built on it.
//!
//! - webhook: the notice as JSON, POSTed with `Skydd-Signature` (HMAC-SHA256 over
//!   `"<t>.<body>"`, see [`signature`]) and `Idempotency-Key`; receivers check it with
//!   [`verify_signature`].
//! - e-mail: plain text in Swedish or English over SMTP, its `Message-ID` made from the
//!   notice id so a resend is recognisable.
//! - [`smtp_sink`]: a real SMTP server on loopback that keeps what it receives, for tests
//!   and the demo.

#![deny(missing_docs)]

mod email;
mod notice;
pub mod retry;
pub mod signature;
pub mod smtp_sink;
mod webhook;

use std::fmt;
use std::path::Path;
use std::time::Duration;

use lettre::{AsyncSmtpTransport, Tokio1Executor};
use skydd_core::register::{KeySource, Notifications, Notify};
use skydd_core::text::Lang;

pub use email::{message_id, render as render_email};
pub use notice::{Affected, InvalidNotice, KnownIdentity, NewValue, Notice, NoticeKind, Sender};
pub use retry::{Next, after_failure, backoff};
pub use signature::{SignatureError, sign, verify_signature};

/// The shortest webhook signing key accepted, in bytes: HMAC-SHA256's own strength.
pub const MIN_SECRET_BYTES: usize = 32;

/// How long a webhook or SMTP exchange may take when the caller does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A webhook's signing key. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A key of at least [`MIN_SECRET_BYTES`] bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Secret, SetupError> {
        let bytes = bytes.into();
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(SetupError::ShortSecret { bytes: bytes.len() });
        }
        Ok(Secret(bytes))
    }

    /// The key's bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Where a notice goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// POSTed as signed JSON.
    Webhook {
        /// The address (`https://`, or `http://` to loopback; the register checked it).
        url: String,
        /// The signing key.
        secret: Secret,
    },
    /// E-mailed.
    Email {
        /// The recipient's address.
        to: String,
        /// The e-mail's language.
        lang: Lang,
    },
}

impl Channel {
    /// The channel a register's `notify` names, with its key read from the environment
    /// or a file (relative to `register_dir`). `None` for `manual` and `none`: those are
    /// tasks and reasons for staff, not deliveries.
    pub fn resolve(notify: &Notify, register_dir: &Path) -> Result<Option<Channel>, SetupError> {
        Ok(match notify {
            Notify::Webhook { url, secret } => Some(Channel::Webhook {
                url: url.clone(),
                secret: read_secret(secret, register_dir)?,
            }),
            Notify::Email { address, lang } => Some(Channel::Email {
                to: address.clone(),
                lang: *lang,
            }),
            Notify::Manual { .. } | Notify::None { .. } => None,
        })
    }
}

fn read_secret(source: &KeySource, register_dir: &Path) -> Result<Secret, SetupError> {
    let bytes = match source {
        KeySource::Env(var) => std::env::var_os(var)
            .ok_or_else(|| SetupError::MissingEnv(var.clone()))?
            .into_encoded_bytes(),
        KeySource::File(file) => {
            let path = register_dir.join(file);
            let mut bytes = std::fs::read(&path).map_err(|source| SetupError::ReadSecret {
                path: path.display().to_string(),
                source,
            })?;
            // A key file written by `echo` or an editor ends with a newline that is no part
            // of the key the recipient was given.
            while bytes.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                bytes.pop();
            }
            bytes
        }
    };
    Secret::new(bytes)
}

/// Why delivery cannot be set up: a missing key or mail server, a bad sender. Nothing is
/// sent until it is fixed.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The environment variable that should hold a key or URL is not set.
    #[error("the environment variable `{0}` is not set")]
    MissingEnv(String),
    /// A key file could not be read.
    #[error("cannot read the webhook key file {path}")]
    ReadSecret {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A webhook key too short to sign with.
    #[error(
        "the webhook key has {bytes} byte(s); at least {MIN_SECRET_BYTES} are needed (e.g. `openssl rand -hex 32`)"
    )]
    ShortSecret {
        /// Its length.
        bytes: usize,
    },
    /// The SMTP URL is unusable. Only its scheme is ever shown: it may hold a password.
    #[error("the SMTP URL (scheme `{scheme}`) is not usable: {why}")]
    SmtpUrl {
        /// The URL's scheme.
        scheme: String,
        /// What is wrong.
        why: &'static str,
    },
    /// lettre refused the SMTP URL.
    #[error("the SMTP URL is not usable")]
    SmtpTransport(#[source] lettre::transport::smtp::Error),
    /// The sender is not an address.
    #[error("the sender `{0}` is not an e-mail address")]
    Sender(String),
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client")]
    Http(#[source] reqwest::Error),
    /// The TLS configuration could not be built.
    #[error("cannot set up TLS")]
    Tls(#[source] rustls::Error),
}

/// What every delivery shares: the HTTP client, the mail transport and sender, the timeout.
/// Built once and reused.
#[derive(Clone)]
pub struct Delivery {
    http: reqwest::Client,
    mail: Option<Mail>,
    timeout: Duration,
}

#[derive(Clone)]
struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The transport holds the SMTP credentials.
        f.debug_struct("Delivery")
            .field("email", &self.mail.as_ref().map(|m| m.from.to_string()))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The settings of a [`Delivery`].
#[derive(Clone, Default)]
pub struct DeliverySettings {
    /// The mail server (`smtp://host:port`, `smtp://…?tls=required`, `smtps://…`), with any
    /// user and password in it; without it e-mail notices fail (permanently) until it is set.
    pub smtp_url: Option<String>,
    /// The sender of e-mail notices.
    pub from: Option<String>,
    /// The timeout of one exchange; [`DEFAULT_TIMEOUT`] when `None`.
    pub timeout: Option<Duration>,
}

impl fmt::Debug for DeliverySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliverySettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl DeliverySettings {
    /// The register's `[notifications]`, with the SMTP URL read from the environment
    /// variable it names (left out when unset: only e-mail notices need it).
    pub fn from_register(n: &Notifications) -> DeliverySettings {
        DeliverySettings {
            smtp_url: std::env::var(&n.smtp_url_env).ok(),
            from: n.from.clone(),
            timeout: None,
        }
    }
}

impl Delivery {
    /// Builds the HTTP client and, when a mail server and sender are given, the SMTP
    /// transport.
    pub fn new(settings: DeliverySettings) -> Result<Delivery, SetupError> {
        let timeout = settings.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = webhook::client(timeout)?;
        let mail = match (&settings.smtp_url, &settings.from) {
            (Some(url), Some(from)) => Some(Mail {
                transport: email::transport(url, timeout)?,
                from: from.parse().map_err(|_| SetupError::Sender(from.clone()))?,
            }),
            _ => None,
        };
        Ok(Delivery {
            http,
            mail,
            timeout,
        })
    }
}

/// How a notice arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The receiver answered 2xx.
    Webhook {
        /// The HTTP status.
        status: u16,
    },
    /// The mail server accepted the message.
    Email {
        /// The message's `Message-ID`, the same for every resend of the notice.
        message_id: String,
        /// The server's reply code (250).
        reply: String,
    },
}

/// Why a notice did not arrive. [`DeliveryError::is_retryable`] tells a failure worth
/// another try from one that needs a person.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The notice itself is wrong.
    #[error(transparent)]
    InvalidNotice(#[from] InvalidNotice),
    /// The receiver refused it (a 4xx other than 408 and 429, or an unexpected status).
    #[error("the receiver refused the notice with HTTP {status}")]
    Refused {
        /// The HTTP status.
        status: u16,
    },
    /// The receiver is unavailable for now (408, 429, 5xx).
    #[error("the receiver is unavailable for now (HTTP {status})")]
    Unavailable {
        /// The HTTP status.
        status: u16,
        /// The wait the receiver asked for (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// No answer in time.
    #[error("the receiver did not answer within {after:?}")]
    Timeout {
        /// The timeout.
        after: Duration,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The receiver could not be reached or the exchange broke off.
    #[error("could not reach the receiver")]
    Unreachable(#[source] reqwest::Error),
    /// The mail server failed; retryable unless it answered with a permanent (5xx) error.
    #[error("the mail server did not take the notice")]
    Smtp {
        /// Whether another try may succeed.
        retryable: bool,
        /// lettre's error.
        #[source]
        source: lettre::transport::smtp::Error,
    },
    /// E-mail notices cannot be sent: no mail server or sender is set up.
    #[error("e-mail notices are not set up: the SMTP URL or `[notifications] from` is missing")]
    EmailNotConfigured,
    /// The recipient's address is not one lettre can send to.
    #[error("the address `{address}` cannot be sent to")]
    Address {
        /// The address.
        address: String,
        /// lettre's error.
        #[source]
        source: lettre::address::AddressError,
    },
    /// The e-mail could not be built or its text rendered.
    #[error("the e-mail could not be made")]
    Message(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The notice could not be serialised.
    #[error("the notice could not be serialised")]
    Json(#[source] serde_json::Error),
}

impl DeliveryError {
    /// True when another try may succeed (the receiver or server was unavailable, slow or
    /// unreachable); false when a person must act (the notice was refused, or is wrong).
    pub fn is_retryable(&self) -> bool {
        match self {
            DeliveryError::Unavailable { .. }
            | DeliveryError::Timeout { .. }
            | DeliveryError::Unreachable(_) => true,
            DeliveryError::Smtp { retryable, .. } => *retryable,
            DeliveryError::InvalidNotice(_)
            | DeliveryError::Refused { .. }
            | DeliveryError::EmailNotConfigured
            | DeliveryError::Address { .. }
            | DeliveryError::Message(_)
            | DeliveryError::Json(_) => false,
        }
    }

    /// The wait the receiver asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            DeliveryError::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Delivers `notice` through `channel` once. At least once overall: the caller retries
/// retryable failures ([`after_failure`]), and receivers recognise a resend by the notice
/// id.
pub async fn deliver(
    notice: &Notice,
    channel: &Channel,
    delivery: &Delivery,
) -> Result<Delivered, DeliveryError> {
    notice.check()?;
    match channel {
        Channel::Webhook { url, secret } => {
            webhook::post(&delivery.http, delivery.timeout, url, secret, notice).await
        }
        Channel::Email { to, lang } => {
            let mail = delivery
                .mail
                .as_ref()
                .ok_or(DeliveryError::EmailNotConfigured)?;
            email::send(&mail.transport, &mail.from, to, *lang, notice).await
        }
    }
}
