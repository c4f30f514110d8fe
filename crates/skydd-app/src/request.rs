//! The log of requests in skydd's state: each request acted on gets an id and a record of
//! when it was received, its deadline (GDPR Art. 12(3)), and what was done.

use jiff::civil::Date;
use skydd_store::{RequestRecord, Store};

use crate::clock::today;
use crate::deadline::Deadline;
use crate::error::AppError;
use crate::note::Note;
use crate::subject::Subject;

/// A new request id: `KIND-TIME-IDENTITYKIND-RANDOM`.
pub fn request_id(kind: &str, subject: &Subject) -> String {
    // The time orders ids as they were made; the random part keeps two requests made in the
    // same microsecond (two processes, or a server) apart: an id is the key a record is
    // stored under, and two requests under one key would be one.
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%S%.6fZ")
        .to_string();
    format!(
        "{kind}-{stamp}-{}-{}",
        subject.first_kind(),
        random_string(10)
    )
}

/// Random letters and digits (for `random` masking, keys and ids).
pub fn random_string(len: usize) -> String {
    use rand::RngExt as _;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A request acted on now, for the log, with `late_by_days` in its summary when it is
/// past its deadline today.
pub fn record(
    id: String,
    kind: &str,
    subject: &Subject,
    received: Date,
    mut summary: serde_json::Value,
) -> RequestRecord {
    let deadline = Deadline::of(received);
    if let (Some(days), Some(map)) = (deadline.late_by(today()), summary.as_object_mut()) {
        map.insert("late_by_days".into(), days.into());
    }
    RequestRecord {
        id,
        kind: kind.to_owned(),
        subject: subject.keys().join(" "),
        received: received.to_string(),
        due: deadline.due.map(|d| d.to_string()).unwrap_or_default(),
        completed: Some(jiff::Timestamp::now().to_string()),
        summary: summary.to_string(),
        status: "done".into(),
    }
}

/// Records a request answered now: its deadline under GDPR art. 12.3, and, answered after
/// it, a warning in `notes` and by how many days (`late_by_days` in the summary); the
/// request is still done.
#[allow(clippy::too_many_arguments)] // the record, its notices, and where notes go
pub async fn record_done(
    store: &Store,
    id: String,
    kind: &str,
    subject: &Subject,
    received: Date,
    summary: serde_json::Value,
    notices: &[skydd_store::NewNotice],
    notes: &mut Vec<Note>,
) -> Result<(), AppError> {
    if let Some(late) = Deadline::of(received).late_text(today()) {
        notes.push(Note::warning(late));
    }
    store
        .record_request(&record(id, kind, subject, received, summary), notices)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::subject::IdentityInput;

    fn anna() -> Subject {
        Subject::parse(
            &IdentityInput {
                email: vec!["anna@example.se".into()],
                ..Default::default()
            },
            today(),
        )
        .unwrap()
    }

    #[test]
    fn ids_made_at_once_stay_apart() {
        let s = anna();
        let ids: std::collections::BTreeSet<String> =
            (0..1000).map(|_| request_id("access", &s)).collect();
        assert_eq!(ids.len(), 1000);
        assert!(
            ids.iter()
                .all(|i| i.starts_with("access-") && i.contains("-email-"))
        );
    }

    #[test]
    fn a_late_answer_records_by_how_many_days() {
        let s = anna();
        let r = record(
            "x".into(),
            "access",
            &s,
            Date::constant(2020, 1, 2),
            serde_json::json!({}),
        );
        let summary: serde_json::Value = serde_json::from_str(&r.summary).unwrap();
        assert!(summary["late_by_days"].as_i64().unwrap() > 1000);
        assert_eq!(r.due, "2020-02-03");
        let on_time = record("y".into(), "access", &s, today(), serde_json::json!({}));
        assert!(!on_time.summary.contains("late_by_days"));
    }
}
