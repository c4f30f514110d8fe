//! The webhook signature: `Skydd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
//! `"<t>.<body>"`, the scheme Stripe made common. Signing the time with the body lets a
//! receiver refuse a replayed notice (outside its tolerance) and a forged or altered one.

use std::time::Duration;

use hmac::{KeyInit, Mac};
use jiff::Timestamp;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Skydd-Signature";

/// The header carrying the notice's id, so a receiver acts on a resent notice once.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// How far from the receiver's clock a signed time may be, when it has no reason to choose
/// otherwise (Stripe's default).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length (RFC 2104: a long one is hashed first), so
    // `new_from_slice` cannot fail whatever the key; skydd refuses keys under 32 bytes
    // before it signs anything (`Secret::new`).
    #[allow(clippy::expect_used)]
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC accepts every key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The value of the `Skydd-Signature` header for `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex(&tag))
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=…,v1=…`.
    #[error("the signature header is not `t=<unix seconds>,v1=<hex>`")]
    Malformed,
    /// No `v1` signature matches the body under the secret.
    #[error("the signature does not match the body")]
    Mismatch,
    /// The signed time is further from now than the tolerance: a replay, or a clock off.
    #[error("the signature was made {seconds} s from now, outside the tolerance")]
    OutsideTolerance {
        /// Now minus the signed time (negative: from the future).
        seconds: i64,
    },
}

/// Checks a `Skydd-Signature` header against the raw body, as a receiver does: some `v1`
/// must be the HMAC of `"<t>.<body>"` under `secret` (compared in constant time; several
/// `v1` are allowed while a key is being changed), and `t` within `tolerance` of `now`.
pub fn verify_signature(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: Timestamp,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let mut timestamp: Option<i64> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            return Err(SignatureError::Malformed);
        };
        match k {
            "t" if timestamp.is_none() => {
                timestamp = Some(v.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" => signatures.push(unhex(v).ok_or(SignatureError::Malformed)?),
            // Other schemes (a future `v2`) are for other receivers.
            _ => {}
        }
    }
    let (Some(t), false) = (timestamp, signatures.is_empty()) else {
        return Err(SignatureError::Malformed);
    };
    let expected = mac(secret, t, body);
    if !signatures
        .iter()
        .any(|s| expected.clone().verify_slice(s).is_ok())
    {
        return Err(SignatureError::Mismatch);
    }
    let seconds = now.as_second().saturating_sub(t);
    let limit = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if seconds.unsigned_abs() > limit.unsigned_abs() {
        return Err(SignatureError::OutsideTolerance { seconds });
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn a_signature_verifies_for_its_body_and_time() {
        let h = sign(KEY, 1_700_000_000, b"{\"a\":1}");
        assert!(h.starts_with("t=1700000000,v1="), "{h}");
        assert_eq!(h.len(), "t=1700000000,v1=".len() + 64);
        assert_eq!(
            verify_signature(KEY, &h, b"{\"a\":1}", at(1_700_000_100), DEFAULT_TOLERANCE),
            Ok(())
        );
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_time_dot_body() {
        // RFC 4231-style check against an independent computation of the same MAC.
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(KEY).unwrap();
        m.update(b"42.body");
        let want = hex(&m.finalize().into_bytes());
        assert_eq!(sign(KEY, 42, b"body"), format!("t=42,v1={want}"));
    }

    #[test]
    fn a_tampered_body_another_key_or_a_stale_time_is_refused() {
        let h = sign(KEY, 1_000, b"body");
        let now = at(1_010);
        let tol = DEFAULT_TOLERANCE;
        assert_eq!(
            verify_signature(KEY, &h, b"bodY", now, tol),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(b"another key of thirty-two bytes!", &h, b"body", now, tol),
            Err(SignatureError::Mismatch)
        );
        // The time is signed: moving it breaks the signature, not only the tolerance.
        let moved = h.replacen("t=1000", "t=1009", 1);
        assert_eq!(
            verify_signature(KEY, &moved, b"body", now, tol),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(KEY, &h, b"body", at(1_000 + 301), tol),
            Err(SignatureError::OutsideTolerance { seconds: 301 })
        );
        assert_eq!(
            verify_signature(KEY, &h, b"body", at(1_000 - 301), tol),
            Err(SignatureError::OutsideTolerance { seconds: -301 })
        );
    }

    #[test]
    fn any_matching_v1_is_enough_and_bad_headers_are_malformed() {
        let good = sign(KEY, 7, b"x");
        let v1 = good.split_once(",v1=").unwrap().1;
        let rotating = format!("t=7,v1={},v1={v1},v0=zz", "00".repeat(32));
        assert_eq!(
            verify_signature(KEY, &rotating, b"x", at(7), DEFAULT_TOLERANCE),
            Ok(())
        );
        for bad in [
            "",
            "t=7",
            "v1=00",
            "t=x,v1=00",
            "t=7,v1=0g",
            "t=7,t=8,v1=00",
            "garbage",
        ] {
            assert_eq!(
                verify_signature(KEY, bad, b"x", at(7), DEFAULT_TOLERANCE),
                Err(SignatureError::Malformed),
                "{bad:?}"
            );
        }
    }
}
