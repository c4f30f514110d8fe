//! The clock and the days a request names. The core takes `today` as a parameter; this is
//! where it is read, in Sweden's calendar (the days of the deadlines are Swedish days).

use jiff::civil::Date;

use crate::error::AppError;

/// Today, in Sweden's calendar.
pub fn today() -> Date {
    jiff::Zoned::now()
        .with_time_zone(
            jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC),
        )
        .date()
}

/// The first day a date argument may name.
const FIRST_DAY: Date = Date::constant(1970, 1, 1);
/// The last day a date argument may name. Later (or earlier) days are typing mistakes, and
/// some databases cannot store them.
const LAST_DAY: Date = Date::constant(2199, 12, 31);

/// The day the GDPR began to apply (art. 99.2): the rights it gives, and the art. 12.3
/// deadline, start then.
pub const GDPR_APPLIES: Date = Date::constant(2018, 5, 25);

/// A day written `YYYY-MM-DD` (only that, from 1970-01-01 through 2199-12-31), or today
/// when none is given; `what` names the input in the error (`--today`).
pub fn day(text: Option<&str>, what: &str) -> Result<Date, AppError> {
    let Some(s) = text else {
        return Ok(today());
    };
    // Exactly YYYY-MM-DD: a date-time would otherwise parse with its time silently dropped.
    let shaped = |t: &str| {
        t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            })
    };
    if !shaped(s) {
        let day = s.get(..10).filter(|d| shaped(d));
        return Err(AppError::Invalid(match day {
            Some(day) => format!("{what}: `{s}` has a time; give the day only, e.g. {day}"),
            None => format!("{what}: `{s}` is not a date; write YYYY-MM-DD"),
        }));
    }
    let day: Date = s
        .parse()
        .map_err(|_| AppError::Invalid(format!("{what}: `{s}` is not a day of the calendar")))?;
    if !(FIRST_DAY..=LAST_DAY).contains(&day) {
        return Err(AppError::Invalid(format!(
            "{what}: {day} is out of range; skydd accepts dates from {FIRST_DAY} through {LAST_DAY}"
        )));
    }
    Ok(day)
}

/// The day a request was received: `text` (`--received`), or `today`. A request cannot
/// arrive after the day it is handled, nor before the GDPR applied.
pub fn received(text: Option<&str>, today: Date) -> Result<Date, AppError> {
    let Some(s) = text else {
        return Ok(today);
    };
    let day = day(Some(s), "--received")?;
    if day < GDPR_APPLIES {
        return Err(AppError::Invalid(format!(
            "--received: {day} is before {GDPR_APPLIES}, the day the GDPR began to apply (art. 99.2); no request under it can have been received earlier"
        )));
    }
    if day > today {
        return Err(AppError::Invalid(format!(
            "--received: {day} is after today ({today}); a request is received on or before the day it is handled"
        )));
    }
    Ok(day)
}

/// The day (in Stockholm) of a timestamp as skydd stores it; the text as stored if it is
/// none.
pub fn day_of_timestamp(stamp: &str) -> String {
    stamp
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| {
            let tz = jiff::tz::TimeZone::get("Europe/Stockholm").ok()?;
            Some(t.to_zoned(tz).date().to_string())
        })
        .unwrap_or_else(|| stamp.get(..10).unwrap_or(stamp).to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn invalid(r: Result<Date, AppError>) -> String {
        match r {
            Err(AppError::Invalid(m)) => m,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_day_is_written_as_a_day_only() {
        assert_eq!(
            day(Some("2025-03-01"), "--today").unwrap(),
            Date::constant(2025, 3, 1)
        );
        assert_eq!(
            invalid(day(Some("2025-03-01T10:00"), "--today")),
            "--today: `2025-03-01T10:00` has a time; give the day only, e.g. 2025-03-01"
        );
        assert!(invalid(day(Some("1/3/2025"), "--today")).contains("write YYYY-MM-DD"));
        assert!(invalid(day(Some("2025-02-30"), "--today")).contains("not a day of the calendar"));
        assert!(invalid(day(Some("2200-01-01"), "--today")).contains("out of range"));
    }

    #[test]
    fn a_request_is_received_after_the_gdpr_applied_and_not_after_today() {
        let today = Date::constant(2025, 6, 2);
        assert_eq!(received(None, today).unwrap(), today);
        assert_eq!(received(Some("2018-05-25"), today).unwrap(), GDPR_APPLIES);
        assert!(invalid(received(Some("2018-05-24"), today)).contains("art. 99.2"));
        assert!(
            invalid(received(Some("2025-06-03"), today)).contains("is after today (2025-06-02)")
        );
    }

    #[test]
    fn a_timestamp_falls_on_its_swedish_day() {
        // 23:30 UTC on 31 May is 01:30 on 1 June in Stockholm (summer time).
        assert_eq!(day_of_timestamp("2025-05-31T23:30:00Z"), "2025-06-01");
        assert_eq!(day_of_timestamp("2025-05-31 garbled"), "2025-05-31");
    }
}
