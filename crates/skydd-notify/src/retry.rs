//! When to try a notice again, and when to stop: pure functions of the attempt number (the
//! caller brings the randomness for jitter, so the scheduler stays testable).
//!
//! After the `n`-th failed try the nominal wait is [`FIRST_WAIT`] doubled `n - 1` times and
//! capped at [`MAX_WAIT`]: 30 s, 1 min, 2 min, … 6 h. The wait used is jittered into
//! `[nominal / 2, nominal]` ("equal jitter"), so receivers that failed together are not
//! retried together, and no wait is ever less than half its nominal value. A receiver's
//! `Retry-After` is honoured as a floor, up to [`MAX_RETRY_AFTER`]. With the default eight
//! attempts a notice is dead-lettered about an hour after its first try.

use std::time::Duration;

use crate::DeliveryError;

/// The nominal wait after the first failed try.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);

/// The longest nominal wait.
pub const MAX_WAIT: Duration = Duration::from_secs(6 * 3600);

/// The longest `Retry-After` honoured: a receiver cannot park a notice for longer.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The nominal wait after the `attempt`-th failed try (1 for the first): exponential from
/// [`FIRST_WAIT`], capped at [`MAX_WAIT`].
pub fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    FIRST_WAIT
        .checked_mul(1u32 << doublings)
        .map_or(MAX_WAIT, |d| d.min(MAX_WAIT))
}

/// `nominal` jittered into `[nominal / 2, nominal]` by `unit`, a random number in `[0, 1]`
/// (values outside are clamped).
pub fn jittered(nominal: Duration, unit: f64) -> Duration {
    let unit = if unit.is_nan() {
        0.0
    } else {
        unit.clamp(0.0, 1.0)
    };
    let half = nominal / 2;
    half + half.mul_f64(unit)
}

/// What to do with a notice after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Try again after this wait.
    RetryAfter(Duration),
    /// Stop: a permanent failure, or the last attempt. Staff see it and act (Art. 19 still
    /// asks that the recipient be told, or the reason it could not be).
    DeadLetter,
}

/// The step after the `attempt`-th try (1 for the first) failed with `error`, given the
/// register's `max_attempts`; `unit` is a random number in `[0, 1]` for the jitter.
pub fn after_failure(attempt: u32, max_attempts: u32, error: &DeliveryError, unit: f64) -> Next {
    if !error.is_retryable() || attempt >= max_attempts {
        return Next::DeadLetter;
    }
    let wait = jittered(backoff(attempt), unit);
    let floor = error
        .retry_after()
        .map_or(Duration::ZERO, |r| r.min(MAX_RETRY_AFTER));
    Next::RetryAfter(wait.max(floor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_thirty_seconds_and_stops_at_six_hours() {
        let secs: Vec<u64> = (1..=12).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(
            secs,
            [
                30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600
            ]
        );
        assert_eq!(backoff(0), FIRST_WAIT);
        assert_eq!(backoff(u32::MAX), MAX_WAIT);
    }

    #[test]
    fn jitter_stays_between_half_and_the_whole_nominal_wait() {
        let d = Duration::from_secs(120);
        assert_eq!(jittered(d, 0.0), Duration::from_secs(60));
        assert_eq!(jittered(d, 1.0), d);
        assert_eq!(jittered(d, 0.5), Duration::from_secs(90));
        assert_eq!(jittered(d, -3.0), Duration::from_secs(60));
        assert_eq!(jittered(d, 7.0), d);
        assert_eq!(jittered(d, f64::NAN), Duration::from_secs(60));
    }

    #[test]
    fn eight_default_attempts_span_about_an_hour() {
        let total: Duration = (1..skydd_core::register::DEFAULT_MAX_ATTEMPTS)
            .map(backoff)
            .sum();
        assert_eq!(total.as_secs(), 3810);
    }

    #[test]
    fn retryable_failures_wait_permanent_ones_and_the_last_attempt_dead_letter() {
        let busy = DeliveryError::Unavailable {
            status: 503,
            retry_after: None,
        };
        assert_eq!(
            after_failure(1, 8, &busy, 1.0),
            Next::RetryAfter(Duration::from_secs(30))
        );
        assert_eq!(after_failure(8, 8, &busy, 1.0), Next::DeadLetter);
        let refused = DeliveryError::Refused { status: 400 };
        assert_eq!(after_failure(1, 8, &refused, 1.0), Next::DeadLetter);
    }

    #[test]
    fn retry_after_is_a_floor_within_a_day() {
        let later = |s| DeliveryError::Unavailable {
            status: 429,
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(
            after_failure(1, 8, &later(600), 0.0),
            Next::RetryAfter(Duration::from_secs(600))
        );
        // Shorter than the backoff: the backoff stands.
        assert_eq!(
            after_failure(3, 8, &later(1), 1.0),
            Next::RetryAfter(Duration::from_secs(120))
        );
        assert_eq!(
            after_failure(1, 8, &later(10 * 86_400), 0.0),
            Next::RetryAfter(MAX_RETRY_AFTER)
        );
    }
}
