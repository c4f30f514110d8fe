//! Failpoints, for crash tests only: named places in a use case where a test makes the
//! process die (or pause) as a `kill -9` or a stalled machine would, to check that a re-run
//! finishes the work exactly as an uninterrupted run does.
//!
//! `SKYDD_FAILPOINT=POINT` aborts the process (`std::process::abort()`: no destructors, no
//! flushing, like `kill -9`) when it reaches `POINT`; `SKYDD_FAILPOINT=POINT=sleep(MS)`
//! pauses it there for `MS` milliseconds instead, so a test can act in that moment (lock
//! skydd's state, start a second process). The variable is read once; unset, a point costs
//! one comparison. The points:
//!
//! - `erase.after_journal`: the plan is journalled, no database touched;
//! - `erase.after_commit:<dataset>`: that database committed, the journal not yet told;
//! - `erase.after_mark:<dataset>`: the journal records that database done;
//! - `erase.before_complete`: every database done, nothing recorded yet;
//! - `retention.after_start`: a retention run holds its lease, nothing swept yet.

use std::sync::OnceLock;
use std::time::Duration;

/// What a failpoint does when reached.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Abort,
    Sleep(Duration),
}

/// The point armed by `SKYDD_FAILPOINT`, if any.
fn armed() -> Option<&'static (String, Action)> {
    static ARMED: OnceLock<Option<(String, Action)>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            std::env::var("SKYDD_FAILPOINT")
                .ok()
                .and_then(|v| parse(&v))
        })
        .as_ref()
}

/// `POINT` or `POINT=sleep(MS)`. Anything else arms nothing: a test that misspells a point
/// sees its process finish and fails on that.
fn parse(text: &str) -> Option<(String, Action)> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.split_once("=sleep(") {
        Some((point, ms)) => {
            let ms: u64 = ms.strip_suffix(')')?.trim().parse().ok()?;
            Some((point.to_owned(), Action::Sleep(Duration::from_millis(ms))))
        }
        None => Some((text.to_owned(), Action::Abort)),
    }
}

/// Reached `point`: dies or pauses there if `SKYDD_FAILPOINT` names it.
pub async fn hit(point: &str) {
    let Some((armed, action)) = armed() else {
        return;
    };
    if armed != point {
        return;
    }
    match action {
        Action::Abort => std::process::abort(),
        Action::Sleep(d) => tokio::time::sleep(*d).await,
    }
}

/// Reached `point` for `dataset` (`POINT:DATASET`): dies or pauses there if
/// `SKYDD_FAILPOINT` names it.
pub async fn hit_in(point: &str, dataset: &str) {
    let Some((armed, _)) = armed() else {
        return;
    };
    if armed
        .strip_prefix(point)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|d| d == dataset)
    {
        hit(armed).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_aborts_or_sleeps_as_written() {
        assert_eq!(
            parse("erase.after_commit:shop"),
            Some(("erase.after_commit:shop".into(), Action::Abort))
        );
        assert_eq!(
            parse("erase.after_journal=sleep(1500)"),
            Some((
                "erase.after_journal".into(),
                Action::Sleep(Duration::from_millis(1500))
            ))
        );
        assert_eq!(parse(""), None);
        assert_eq!(parse("erase.after_journal=sleep(soon)"), None);
    }
}
