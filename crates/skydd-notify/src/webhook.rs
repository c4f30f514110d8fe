//! Delivery by webhook: the notice as JSON in one POST, signed, with its idempotency key.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};

use crate::signature::{IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign};
use crate::{Delivered, DeliveryError, Notice, Secret, SetupError};

/// The HTTP client: rustls on ring with Mozilla's roots (the TLS stack sqlx and lettre use
/// here too), no redirects (a signed notice goes where the register says or nowhere), no
/// proxy from the environment.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, SetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(SetupError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("skydd/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(SetupError::Http)
}

pub(crate) async fn post(
    http: &reqwest::Client,
    timeout: Duration,
    url: &str,
    secret: &Secret,
    notice: &Notice,
) -> Result<Delivered, DeliveryError> {
    let body = serde_json::to_vec(notice).map_err(DeliveryError::Json)?;
    let signature = sign(secret.expose(), Timestamp::now().as_second(), &body);
    let response = http
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(IDEMPOTENCY_HEADER, &notice.id)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            // The URL may carry a token in its query: never in an error chain.
            let e = e.without_url();
            if e.is_timeout() {
                DeliveryError::Timeout {
                    after: timeout,
                    source: e,
                }
            } else {
                DeliveryError::Unreachable(e)
            }
        })?;
    classify(response.status(), response.headers(), Timestamp::now())
}

/// 2xx delivered; 408, 429 and 5xx retryable (with `Retry-After`); anything else refused:
/// another try would be refused again, so a person looks at it.
fn classify(
    status: StatusCode,
    headers: &HeaderMap,
    now: Timestamp,
) -> Result<Delivered, DeliveryError> {
    let code = status.as_u16();
    if status.is_success() {
        return Ok(Delivered::Webhook { status: code });
    }
    if status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
    {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, now));
        return Err(DeliveryError::Unavailable {
            status: code,
            retry_after,
        });
    }
    Err(DeliveryError::Refused { status: code })
}

/// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 10.2.3); a date in the past is
/// no wait.
fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let seconds = at.as_second().saturating_sub(now.as_second()).max(0);
    Some(Duration::from_secs(seconds.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use reqwest::header::HeaderValue;

    fn now() -> Timestamp {
        "1994-11-06T08:49:00Z".parse().unwrap()
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after("120", now()), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now()),
            Some(Duration::from_secs(37))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now()),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now()), None);
    }

    #[test]
    fn statuses_are_delivered_retryable_or_refused() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let verdict = |code: u16| classify(StatusCode::from_u16(code).unwrap(), &h, now());
        assert!(matches!(
            verdict(200),
            Ok(Delivered::Webhook { status: 200 })
        ));
        assert!(matches!(
            verdict(204),
            Ok(Delivered::Webhook { status: 204 })
        ));
        for code in [408, 429, 500, 502, 503] {
            let e = verdict(code).unwrap_err();
            assert!(e.is_retryable(), "{code}");
            assert_eq!(e.retry_after(), Some(Duration::from_secs(7)), "{code}");
        }
        for code in [301, 400, 401, 404, 410, 422] {
            let e = verdict(code).unwrap_err();
            assert!(!e.is_retryable(), "{code}");
        }
    }
}
