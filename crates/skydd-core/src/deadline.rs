//! When the answer to a data-subject request is due.
//!
//! GDPR Art. 12(3) obliges the controller to act on a request under Articles 15 to 22
//! "without undue delay and in any event within one month of receipt of the request", and
//! lets it extend that period "by two further months where necessary", provided it tells the
//! data subject of the extension, with reasons, within the first month. This module computes
//! the outer limit — the last day on which the answer is still in time. It is a limit, not a
//! target: "without undue delay" may require an earlier answer.
//!
//! The GDPR does not say how a month is counted. Periods in Union acts follow Regulation
//! (EEC, Euratom) No 1182/71 of the Council determining the rules applicable to periods,
//! dates and time limits:
//!
//! * art. 3(1): the day of receipt itself is not counted;
//! * art. 3(2)(c): a period in months ends at the end of the day in the last month that has
//!   the same date as the day of receipt, or, if that month has no such date, at the end of
//!   its last day (for a request received on 31 January, 28 or 29 February);
//! * art. 3(3): Saturdays, Sundays and public holidays inside the period count;
//! * art. 3(4): if the last day is a public holiday, a Saturday or a Sunday, the period ends
//!   at the end of the following working day.
//!
//! An extended period is counted as three months from receipt, not as one month and then two
//! more: received 31 January, the extended deadline is 30 April, not 28 April.
//!
//! Public holidays are those the Member State designates (art. 2(1)); for Sweden, lag
//! (1989:253) om allmänna helgdagar. Midsommarafton, julafton and nyårsafton are not among
//! them. Lag (1930:173) om beräkning av lagstadgad tid 2 § puts the three eves on a par with
//! public holidays, but only for periods set by Swedish statute; the GDPR's month is a Union
//! period, counted by Regulation 1182/71 alone. So the deadline skydd states moves past
//! Saturdays, Sundays and public holidays only ([`response_deadline`]): an answer by then is
//! never late under either reading. Where counting the eves too would give a later day
//! ([`deadline_if_eves_count`]), that day is only ever mentioned as a note.
//!
//! The holiday list is the current one (since 2005, when nationaldagen replaced annandag
//! pingst) and is applied to every year; the GDPR has applied only since 25 May 2018.
//!
//! ```text
//! received 2026-03-10  ->  due 2026-04-10 (Friday)
//! received 2026-01-31  ->  2026-02-28 is a Saturday  ->  due Monday 2026-03-02
//! received 2026-11-24  ->  2026-12-24 julafton, a Thursday and a working day  ->  due 2026-12-24
//!                          (were the eves counted: 25, 26, 27 Sunday  ->  2026-12-28)
//! ```

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// Why a day is not a working day.
///
/// When a day has more than one reason (nationaldagen 2026 is a Saturday), the holiday is
/// reported: [`DayOff::Holiday`] wins over [`DayOff::Saturday`] and [`DayOff::Sunday`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayOff {
    /// A Saturday that is not a holiday.
    Saturday,
    /// A Sunday that is not a named holiday.
    Sunday,
    /// A public holiday under lag (1989:253), by its Swedish name as listed by [`holidays`]
    /// (e.g. "annandag påsk").
    Holiday(&'static str),
}

/// Easter Sunday (påskdagen) of `year`.
///
/// Lag (1989:253) 2 § words the rule as "söndagen närmast efter den fullmåne som infaller på
/// eller närmast efter den 21 mars"; the full moon is the ecclesiastical one of the Gregorian
/// computus used by the Western churches, computed here with the anonymous Gregorian
/// algorithm (Meeus/Jones/Butcher). Years before the Gregorian reform are computed
/// proleptically. The result is always a Sunday between 22 March and 25 April.
///
/// `None` if `year` is outside the range of [`Date`] (-9999 to 9999).
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    // Euclidean division keeps every intermediate value in range for negative years too.
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = i8::try_from(n / 31).ok()?;
    let day = i8::try_from(n % 31 + 1).ok()?;
    Date::new(year, month, day).ok()
}

/// The Swedish public holidays (allmänna helgdagar) of `year`, with their Swedish names,
/// sorted by date.
///
/// Public holidays under lag (1989:253) om allmänna helgdagar:
///
/// | name | date |
/// |---|---|
/// | nyårsdagen | 1 January |
/// | trettondedag jul | 6 January |
/// | långfredagen | the Friday before påskdagen |
/// | påskdagen | Easter Sunday, see [`easter_sunday`] |
/// | annandag påsk | the day after påskdagen |
/// | första maj | 1 May |
/// | Kristi himmelsfärdsdag | the sixth Thursday after påskdagen (39 days after) |
/// | pingstdagen | the seventh Sunday after påskdagen (49 days after) |
/// | nationaldagen | 6 June |
/// | midsommardagen | the Saturday 20–26 June |
/// | alla helgons dag | the Saturday 31 October–6 November |
/// | juldagen | 25 December |
/// | annandag jul | 26 December |
///
/// Other Sundays are not listed, nor are the eves (see [`eves`]).
///
/// Two holidays can fall on the same day (Kristi himmelsfärdsdag on första maj in 2008,
/// pingstdagen on nationaldagen in 2049); both are listed, in the order of the table above.
///
/// Empty if `year` is outside the range of [`Date`].
pub fn holidays(year: i16) -> Vec<(Date, &'static str)> {
    days_of(year, false)
}

/// Midsommarafton (the Friday before midsommardagen), julafton (24 December) and nyårsafton
/// (31 December) of `year`: not public holidays, but treated like them by lag (1930:173)
/// 2 § when a period set by Swedish statute ends.
pub fn eves(year: i16) -> Vec<(Date, &'static str)> {
    days_of(year, true)
}

fn days_of(year: i16, eves: bool) -> Vec<(Date, &'static str)> {
    let Some(easter) = easter_sunday(year) else {
        return Vec::new();
    };
    let on = |month: i8, day: i8| Date::new(year, month, day).ok();
    let from_easter = |days: i64| easter.checked_add(days.days()).ok();
    // The first Saturday after the day before the window, i.e. the Saturday inside it.
    let saturday_from = |month: i8, day: i8| {
        on(month, day)?
            .yesterday()
            .ok()?
            .nth_weekday(1, Weekday::Saturday)
            .ok()
    };
    let midsommardagen = saturday_from(6, 20);
    let midsommarafton = midsommardagen.and_then(|d| d.yesterday().ok());

    let candidates = [
        (on(1, 1), "nyårsdagen"),
        (on(1, 6), "trettondedag jul"),
        (from_easter(-2), "långfredagen"),
        (Some(easter), "påskdagen"),
        (from_easter(1), "annandag påsk"),
        (on(5, 1), "första maj"),
        (from_easter(39), "Kristi himmelsfärdsdag"),
        (from_easter(49), "pingstdagen"),
        (on(6, 6), "nationaldagen"),
        (midsommarafton, "midsommarafton"),
        (midsommardagen, "midsommardagen"),
        (saturday_from(10, 31), "alla helgons dag"),
        (on(12, 24), "julafton"),
        (on(12, 25), "juldagen"),
        (on(12, 26), "annandag jul"),
        (on(12, 31), "nyårsafton"),
    ];
    let mut list: Vec<(Date, &'static str)> = candidates
        .into_iter()
        .filter(|(_, name)| name.ends_with("afton") == eves)
        .filter_map(|(date, name)| Some((date?, name)))
        .collect();
    // Stable: coinciding holidays keep the order of the table.
    list.sort_by_key(|&(date, _)| date);
    list
}

/// Whether `day` is a day off under Regulation 1182/71 art. 3(4) — a Saturday, a Sunday or a
/// public holiday listed by [`holidays`] — and why. A holiday is reported by name even when it falls on a weekend;
/// `None` means `day` is a working day.
pub fn day_off(day: Date) -> Option<DayOff> {
    if let Some(&(_, name)) = holidays(day.year()).iter().find(|(date, _)| *date == day) {
        return Some(DayOff::Holiday(name));
    }
    match day.weekday() {
        Weekday::Saturday => Some(DayOff::Saturday),
        Weekday::Sunday => Some(DayOff::Sunday),
        _ => None,
    }
}

/// The first working day on or after `day`: `day` itself if it is a working day.
///
/// `None` only if the search runs past the end of the calendar (9999-12-31).
pub fn working_day_on_or_after(day: Date) -> Option<Date> {
    let mut day = day;
    // Terminates quickly: there are never more than four days off in a row (Saturday
    // 23 December to annandag jul on the Tuesday; långfredagen to annandag påsk).
    while day_off(day).is_some() {
        day = day.tomorrow().ok()?;
    }
    Some(day)
}

/// Whether `day` is one of the eves of [`eves`].
pub fn eve(day: Date) -> Option<&'static str> {
    eves(day.year())
        .into_iter()
        .find(|(d, _)| *d == day)
        .map(|(_, name)| name)
}

/// The last day to answer a request received on `received`, with the period extended by
/// `extra_months`.
///
/// `extra_months` is 0 for the ordinary period of one month; GDPR Art. 12(3) second sentence
/// allows an extension by up to two further months (pass 2 for the full extension). Larger
/// values are computed the same way but have no basis in Art. 12(3).
///
/// The period of `1 + extra_months` months is counted from the date of receipt by
/// Regulation 1182/71 art. 3(2)(c): it ends on the day of the last month with the same date
/// as the day of receipt, or on that month's last day if it has no such date. Per art. 3(4),
/// if that day is a Saturday, a Sunday or a public holiday listed by [`holidays`], the period
/// ends at the end of the following working day. The eves do not move it (see the module
/// documentation): this is the strict reading, under which an answer is never late.
///
/// `None` only if the deadline would fall past the end of the calendar (9999-12-31).
pub fn response_deadline(received: Date, extra_months: u8) -> Option<Date> {
    let months = 1 + i64::from(extra_months);
    // jiff constrains a date missing from the target month to that month's last day, which
    // is exactly art. 3(2)(c).
    let last_day = received.checked_add(months.months()).ok()?;
    working_day_on_or_after(last_day)
}

/// The last day to answer under the reading that also moves a deadline past midsommarafton,
/// julafton and nyårsafton (lag (1930:173) 2 §, which applies to Swedish statutory periods),
/// when that day is later than [`response_deadline`]'s; `None` when the two readings agree.
/// Only for a note beside the strict deadline: a controller that relies on it may be late.
pub fn deadline_if_eves_count(received: Date, extra_months: u8) -> Option<Date> {
    let strict = response_deadline(received, extra_months)?;
    let mut day = strict;
    while eve(day).is_some() || day_off(day).is_some() {
        day = day.tomorrow().ok()?;
    }
    (day != strict).then_some(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // --- Easter -------------------------------------------------------------------------

    #[test]
    fn easter_sunday_of_recent_and_coming_years() {
        assert_eq!(easter_sunday(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(date(2027, 3, 28)));
    }

    #[test]
    fn easter_sunday_at_the_limits_of_its_range() {
        // 22 March, the earliest possible date: 1818, then not again until 2285.
        assert_eq!(easter_sunday(1818), Some(date(1818, 3, 22)));
        assert_eq!(easter_sunday(2285), Some(date(2285, 3, 22)));
        // 25 April, the latest possible date: 1943, 2038, ..., 2945.
        assert_eq!(easter_sunday(1943), Some(date(1943, 4, 25)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
        assert_eq!(easter_sunday(2945), Some(date(2945, 4, 25)));
        // 2943 is not a 25 April year; checked against two other computus implementations
        // (python-dateutil's EASTER_WESTERN and Knuth's TAOCP 1.3.2 ex. 14).
        assert_eq!(easter_sunday(2943), Some(date(2943, 4, 14)));
    }

    #[test]
    fn easter_sunday_is_always_a_sunday_between_22_march_and_25_april() {
        for year in -9999..=9999_i16 {
            let easter = easter_sunday(year).unwrap();
            assert_eq!(easter.year(), year);
            assert_eq!(easter.weekday(), Weekday::Sunday, "{easter}");
            assert!(
                date(year, 3, 22) <= easter && easter <= date(year, 4, 25),
                "{easter}"
            );
        }
    }

    #[test]
    fn easter_sunday_outside_the_calendar_is_none() {
        assert_eq!(easter_sunday(10_000), None);
        assert_eq!(easter_sunday(-10_000), None);
        assert!(holidays(10_000).is_empty());
    }

    // --- Holidays -----------------------------------------------------------------------

    #[test]
    fn holidays_of_2026_in_full() {
        assert_eq!(
            holidays(2026),
            vec![
                (date(2026, 1, 1), "nyårsdagen"),
                (date(2026, 1, 6), "trettondedag jul"),
                (date(2026, 4, 3), "långfredagen"),
                (date(2026, 4, 5), "påskdagen"),
                (date(2026, 4, 6), "annandag påsk"),
                (date(2026, 5, 1), "första maj"),
                (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
                (date(2026, 5, 24), "pingstdagen"),
                (date(2026, 6, 6), "nationaldagen"),
                (date(2026, 6, 20), "midsommardagen"),
                (date(2026, 10, 31), "alla helgons dag"),
                (date(2026, 12, 25), "juldagen"),
                (date(2026, 12, 26), "annandag jul"),
            ]
        );
        assert_eq!(
            eves(2026),
            vec![
                (date(2026, 6, 19), "midsommarafton"),
                (date(2026, 12, 24), "julafton"),
                (date(2026, 12, 31), "nyårsafton"),
            ]
        );
    }

    #[test]
    fn movable_holidays_fall_on_their_weekdays_and_in_their_windows() {
        for year in 2018..=2200 {
            let mut list = holidays(year);
            assert_eq!(list.len(), 13);
            list.extend(eves(year));
            list.sort_by_key(|&(d, _)| d);
            assert!(list.windows(2).all(|w| w[0].0 <= w[1].0), "{year} unsorted");
            // (name, weekday, earliest (month, day), latest (month, day))
            let windows = [
                ("långfredagen", Weekday::Friday, (3, 20), (4, 23)),
                ("annandag påsk", Weekday::Monday, (3, 23), (4, 26)),
                ("Kristi himmelsfärdsdag", Weekday::Thursday, (4, 30), (6, 3)),
                ("pingstdagen", Weekday::Sunday, (5, 10), (6, 13)),
                ("midsommarafton", Weekday::Friday, (6, 19), (6, 25)),
                ("midsommardagen", Weekday::Saturday, (6, 20), (6, 26)),
                ("alla helgons dag", Weekday::Saturday, (10, 31), (11, 6)),
            ];
            for (name, weekday, (m1, d1), (m2, d2)) in windows {
                let day = list.iter().find(|(_, n)| *n == name).unwrap().0;
                assert_eq!(day.weekday(), weekday, "{name} {day}");
                assert!(
                    date(year, m1, d1) <= day && day <= date(year, m2, d2),
                    "{name} {day}"
                );
            }
        }
    }

    #[test]
    fn alla_helgons_dag_can_fall_in_november() {
        // 2025: 31 October is a Friday, so alla helgons dag is Saturday 1 November.
        assert!(holidays(2025).contains(&(date(2025, 11, 1), "alla helgons dag")));
        // 2027: 31 October is a Sunday; the Saturday in the window is 6 November.
        assert!(holidays(2027).contains(&(date(2027, 11, 6), "alla helgons dag")));
    }

    #[test]
    fn coinciding_holidays_are_both_listed_in_the_law_s_order() {
        // Easter 2008 was 23 March, so Kristi himmelsfärdsdag fell on 1 May.
        let may_first: Vec<_> = holidays(2008)
            .into_iter()
            .filter(|&(d, _)| d == date(2008, 5, 1))
            .map(|(_, n)| n)
            .collect();
        assert_eq!(may_first, ["första maj", "Kristi himmelsfärdsdag"]);
        assert_eq!(
            day_off(date(2008, 5, 1)),
            Some(DayOff::Holiday("första maj"))
        );

        // Easter 2049 is 18 April, so pingstdagen falls on nationaldagen.
        assert_eq!(
            day_off(date(2049, 6, 6)),
            Some(DayOff::Holiday("pingstdagen"))
        );
        assert_eq!(
            holidays(2049)
                .iter()
                .filter(|&&(d, _)| d == date(2049, 6, 6))
                .count(),
            2
        );
    }

    // --- Days off -----------------------------------------------------------------------

    #[test]
    fn an_ordinary_wednesday_is_a_working_day() {
        let day = date(2026, 3, 11);
        assert_eq!(day.weekday(), Weekday::Wednesday);
        assert_eq!(day_off(day), None);
        assert_eq!(working_day_on_or_after(day), Some(day));
    }

    #[test]
    fn weekends_are_days_off() {
        assert_eq!(day_off(date(2026, 3, 14)), Some(DayOff::Saturday));
        assert_eq!(day_off(date(2026, 3, 15)), Some(DayOff::Sunday));
    }

    #[test]
    fn a_holiday_on_a_weekend_is_reported_as_the_holiday() {
        // Nationaldagen 2026 is a Saturday: the holiday name wins.
        let day = date(2026, 6, 6);
        assert_eq!(day.weekday(), Weekday::Saturday);
        assert_eq!(day_off(day), Some(DayOff::Holiday("nationaldagen")));
        // Påskdagen is always a Sunday and is still reported by name.
        assert_eq!(
            day_off(date(2026, 4, 5)),
            Some(DayOff::Holiday("påskdagen"))
        );
    }

    #[test]
    fn the_eves_are_working_days_under_art_3_4() {
        // Not allmänna helgdagar (lag (1989:253)); lag (1930:173) covers Swedish statutory
        // periods only.
        for (day, name) in [
            (date(2026, 6, 19), "midsommarafton"),
            (date(2026, 12, 24), "julafton"),
            (date(2026, 12, 31), "nyårsafton"),
        ] {
            assert_eq!(day_off(day), None, "{name}");
            assert_eq!(eve(day), Some(name));
        }
        // An eve on a weekend is still a weekend.
        assert_eq!(day_off(date(2022, 12, 24)), Some(DayOff::Saturday));
    }

    #[test]
    fn working_day_search_stops_at_the_end_of_the_calendar() {
        // 9999-12-25 juldagen (Saturday), 26 annandag jul; Monday 27 is a working day.
        assert_eq!(
            working_day_on_or_after(date(9999, 12, 25)),
            Some(date(9999, 12, 27))
        );
        assert_eq!(date(9999, 12, 31).weekday(), Weekday::Friday);
        assert_eq!(
            working_day_on_or_after(date(9999, 12, 31)),
            Some(date(9999, 12, 31))
        );
    }

    // --- Deadlines ----------------------------------------------------------------------

    #[test]
    fn one_month_ends_on_the_same_date_of_the_next_month() {
        let due = response_deadline(date(2026, 3, 10), 0);
        assert_eq!(due, Some(date(2026, 4, 10)));
        assert_eq!(date(2026, 4, 10).weekday(), Weekday::Friday);
    }

    #[test]
    fn a_missing_date_ends_the_period_on_the_last_day_of_the_month() {
        // 2026-02-28 is the last day of February but a Saturday: moves to Monday 2 March.
        assert_eq!(date(2026, 2, 28).weekday(), Weekday::Saturday);
        assert_eq!(
            response_deadline(date(2026, 1, 31), 0),
            Some(date(2026, 3, 2))
        );
        assert_eq!(date(2026, 3, 2).weekday(), Weekday::Monday);

        // In a leap year February has a 29th, a Thursday.
        assert_eq!(date(2024, 2, 29).weekday(), Weekday::Thursday);
        assert_eq!(
            response_deadline(date(2024, 1, 31), 0),
            Some(date(2024, 2, 29))
        );
    }

    #[test]
    fn received_on_leap_day_due_after_easter_2024() {
        // 2024-03-29 is långfredagen; 30, 31 (påskdagen) and 1 April (annandag påsk) follow.
        assert_eq!(
            day_off(date(2024, 3, 29)),
            Some(DayOff::Holiday("långfredagen"))
        );
        assert_eq!(
            day_off(date(2024, 4, 1)),
            Some(DayOff::Holiday("annandag påsk"))
        );
        assert_eq!(
            response_deadline(date(2024, 2, 29), 0),
            Some(date(2024, 4, 2))
        );
        assert_eq!(date(2024, 4, 2).weekday(), Weekday::Tuesday);
    }

    #[test]
    fn a_deadline_on_annandag_pask_moves_to_the_tuesday() {
        assert_eq!(
            response_deadline(date(2026, 3, 6), 0),
            Some(date(2026, 4, 7))
        );
    }

    #[test]
    fn a_deadline_on_julafton_stays_on_julafton() {
        // 24 julafton is a Thursday and not a public holiday: the strict deadline.
        assert_eq!(date(2026, 12, 24).weekday(), Weekday::Thursday);
        assert_eq!(
            response_deadline(date(2026, 11, 24), 0),
            Some(date(2026, 12, 24))
        );
        // Were the eve counted: 25 juldagen, 26 annandag jul, 27 Sunday, so Monday 28.
        assert_eq!(
            deadline_if_eves_count(date(2026, 11, 24), 0),
            Some(date(2026, 12, 28))
        );
    }

    #[test]
    fn a_deadline_on_nyarsafton_stays_and_the_other_reading_crosses_the_new_year() {
        // 2025-12-31 is a Wednesday; nyårsdagen Thursday, 2 January a Friday.
        assert_eq!(
            response_deadline(date(2025, 11, 30), 0),
            Some(date(2025, 12, 30))
        );
        assert_eq!(
            response_deadline(date(2025, 12, 31), 2),
            Some(date(2026, 3, 31))
        );
        assert_eq!(
            response_deadline(date(2025, 10, 31), 1),
            Some(date(2025, 12, 31))
        );
        assert_eq!(
            deadline_if_eves_count(date(2025, 10, 31), 1),
            Some(date(2026, 1, 2))
        );
    }

    #[test]
    fn the_two_readings_agree_when_no_eve_is_involved() {
        assert_eq!(deadline_if_eves_count(date(2026, 3, 10), 0), None);
        // A weekend deadline moved to a Monday that is not an eve.
        assert_eq!(deadline_if_eves_count(date(2026, 1, 31), 0), None);
    }

    #[test]
    fn deadlines_around_new_year() {
        // 2026-12-30 is a Wednesday and an ordinary working day.
        assert_eq!(date(2026, 12, 30).weekday(), Weekday::Wednesday);
        assert_eq!(
            response_deadline(date(2026, 11, 30), 0),
            Some(date(2026, 12, 30))
        );

        // 2027-01-01 nyårsdagen (Friday), 2 Saturday, 3 Sunday; Monday 4 January is a working
        // day (trettondedag jul is the 6th).
        assert_eq!(day_off(date(2027, 1, 4)), None);
        assert_eq!(
            response_deadline(date(2026, 12, 1), 0),
            Some(date(2027, 1, 4))
        );
    }

    #[test]
    fn the_extension_counts_three_months_from_receipt() {
        // Not 31 Jan -> 28 Feb -> 28 Apr: the period is three months, ending 30 April.
        assert_eq!(date(2026, 4, 30).weekday(), Weekday::Thursday);
        assert_eq!(day_off(date(2026, 4, 30)), None);
        assert_eq!(
            response_deadline(date(2026, 1, 31), 2),
            Some(date(2026, 4, 30))
        );
    }

    #[test]
    fn a_deadline_on_midsommarafton_stays_on_the_friday() {
        assert_eq!(date(2026, 6, 19).weekday(), Weekday::Friday);
        assert_eq!(
            response_deadline(date(2026, 5, 19), 0),
            Some(date(2026, 6, 19))
        );
        assert_eq!(
            deadline_if_eves_count(date(2026, 5, 19), 0),
            Some(date(2026, 6, 22))
        );
    }

    #[test]
    fn a_weekend_deadline_before_midsommar_moves_only_past_public_holidays() {
        // Nominal Saturday 2026-06-20 (midsommardagen), Sunday 21: due Monday 22.
        assert_eq!(
            response_deadline(date(2026, 5, 20), 0),
            Some(date(2026, 6, 22))
        );
    }

    #[test]
    fn every_deadline_is_a_working_day_at_most_four_days_after_the_nominal_one() {
        let mut received = date(2018, 5, 25);
        while received < date(2101, 1, 1) {
            for extra in [0, 2] {
                let nominal = received.checked_add(i64::from(1 + extra).months()).unwrap();
                let due = response_deadline(received, extra).unwrap();
                assert_eq!(day_off(due), None, "received {received}: {due}");
                assert!(nominal <= due, "received {received}: {due}");
                assert!(
                    due <= nominal.checked_add(4.days()).unwrap(),
                    "received {received}: {due}"
                );
                // The other reading is never earlier, and is a working day that is no eve.
                if let Some(later) = deadline_if_eves_count(received, extra) {
                    assert!(later > due && day_off(later).is_none() && eve(later).is_none());
                }
            }
            received = received.tomorrow().unwrap();
        }
    }

    #[test]
    fn the_longest_shift_is_four_days() {
        // Nominal deadline Saturday 2022-12-24 (julafton on a Saturday): 25 Sunday juldagen,
        // 26 annandag jul; due Tuesday 27 December — three days. Saturday 2023-12-23:
        // 24 Sunday, 25 juldagen, 26 annandag jul; due Wednesday 27 December — four days.
        assert_eq!(
            response_deadline(date(2023, 11, 23), 0),
            Some(date(2023, 12, 27))
        );
        assert_eq!(
            response_deadline(date(2023, 9, 23), 2),
            Some(date(2023, 12, 27))
        );
        // Under the eve reading 2018-12-22 (Saturday) reached Thursday 27 December.
        assert_eq!(
            response_deadline(date(2018, 11, 22), 0),
            Some(date(2018, 12, 24))
        );
        assert_eq!(
            deadline_if_eves_count(date(2018, 11, 22), 0),
            Some(date(2018, 12, 27))
        );
    }

    #[test]
    fn a_deadline_past_the_calendar_is_none() {
        assert_eq!(response_deadline(date(9999, 12, 1), 0), None);
        assert_eq!(response_deadline(date(9999, 10, 1), 2), None);
    }
}
