//! The retention language: how long data is kept, as a rule a machine can enforce.
//!
//! A rule is written as a short English phrase and anchored on a named event, which the
//! data map binds to a database column:
//!
//! ```text
//! 45 days after collected
//! 2 years after contract_end              as long as the customer relationship lasts and two years after
//! 2 years after last_activity
//! 1 year after account_closed
//! 7 years after end of calendar year of financial_year_end     (Bokföringslagen 7 kap. 2 §)
//! until consent_withdrawn
//! 2 years after recruitment_end
//! as long as necessary for handling your request               (accepted; not enforceable)
//! as required by bokforingslagen                               (the statute's minimum)
//! the later of 2 years after last_activity and as required by bokforingslagen
//! as long as necessary for support, but at most 1 year after request_closed
//! ```
//!
//! Swedish is read as well (`två år efter contract_end`, `tills consent_withdrawn`, `sju år
//! efter utgången av kalenderåret för financial_year_end`, `det senare av A och B`); the
//! canonical form, which `Display` writes and `check` suggests, is English. "At least N
//! years" alone is refused: a minimum is not an end.
//!
//! `financial_year_end` is bound to any date within the financial year (an invoice's date);
//! the end of that financial year comes from the register's [`FinancialYears`].
//!
//! Periods in months and years follow lag (1930:173) om beräkning av lagstadgad tid: the
//! period ends on the day of the last month whose number matches the starting day, or on
//! the last day of that month when it has no such day (one year after 29 February 2024 is
//! 28 February 2025). Data may be kept through the day the period ends and is due for
//! erasure the day after.

use std::fmt;

use jiff::civil::Date;
use jiff::{Span as JSpan, ToSpan};
use serde::Serialize;

use crate::diagnostic::suggestion;
use crate::text::Lang;

/// A unit of time in a retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Calendar days.
    Day,
    /// Weeks of seven days.
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

/// A length of time: an amount of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: Unit,
}

impl Period {
    /// The longest period a rule may state: 200 years. No statute skydd knows requires
    /// more than ten years, a period longer than a lifetime is no storage limitation (GDPR
    /// art. 5.1 e) but a typo or "for ever" (write `as long as necessary for …` and say
    /// why), and below it the date arithmetic from any day a column can hold stays within
    /// the calendar (year 9999).
    pub const MAX_YEARS: i16 = 200;

    /// The period as a span; `None` when the amount is beyond what dates can be counted in.
    fn span(self) -> Option<JSpan> {
        let n = i64::from(self.amount);
        match self.unit {
            Unit::Day => JSpan::new().try_days(n).ok(),
            Unit::Week => JSpan::new().try_days(n.checked_mul(7)?).ok(),
            Unit::Month => JSpan::new().try_months(n).ok(),
            Unit::Year => JSpan::new().try_years(n).ok(),
        }
    }

    /// Whether the period is longer than [`Period::MAX_YEARS`] (counted from 1 January 2000;
    /// a period whose dates cannot be counted at all is longer too).
    pub fn is_too_long(self) -> bool {
        let (Ok(from), Ok(limit)) = (
            Date::new(2000, 1, 1),
            Date::new(2000 + Period::MAX_YEARS, 1, 1),
        ) else {
            return true;
        };
        self.after(from).is_none_or(|end| end > limit)
    }

    /// `date` plus this period, by lag (1930:173): a missing day clamps to the month's end.
    /// `None` past the calendar's end (year 9999) or for an amount no date can be counted in.
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()?).ok()
    }

    /// `date` minus this period, clamping the same way; `None` before the calendar's start.
    pub fn before(self, date: Date) -> Option<Date> {
        date.checked_sub(self.span()?).ok()
    }

    /// The period in words: "två år", "45 days".
    pub fn words(self, lang: Lang) -> String {
        let n = self.amount;
        match lang {
            Lang::Sv => {
                // år is neuter (ett år), the others common gender (en dag/vecka/månad).
                let neuter = self.unit == Unit::Year;
                let number = match n {
                    1 if neuter => "ett".to_owned(),
                    1 => "en".to_owned(),
                    2..=12 => SV_NUMBERS[n as usize - 2].to_owned(),
                    _ => n.to_string(),
                };
                let unit = match (self.unit, n == 1) {
                    (Unit::Day, true) => "dag",
                    (Unit::Day, false) => "dagar",
                    (Unit::Week, true) => "vecka",
                    (Unit::Week, false) => "veckor",
                    (Unit::Month, true) => "månad",
                    (Unit::Month, false) => "månader",
                    (Unit::Year, _) => "år",
                };
                format!("{number} {unit}")
            }
            Lang::En => {
                let number = match n {
                    1..=12 => EN_NUMBERS[n as usize - 1].to_owned(),
                    _ => n.to_string(),
                };
                let unit = match self.unit {
                    Unit::Day => "day",
                    Unit::Week => "week",
                    Unit::Month => "month",
                    Unit::Year => "year",
                };
                format!("{number} {unit}{}", if n == 1 { "" } else { "s" })
            }
        }
    }
}

const SV_NUMBERS: [&str; 11] = [
    "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
];
const EN_NUMBERS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        };
        write!(
            f,
            "{} {unit}{}",
            self.amount,
            if self.amount == 1 { "" } else { "s" }
        )
    }
}

/// A named event a retention period runs from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// When the data was collected.
    Collected,
    /// The person's last activity (login, purchase, contact).
    LastActivity,
    /// The end of the contract or customer relationship.
    ContractEnd,
    /// When the person's account was closed.
    AccountClosed,
    /// When consent was withdrawn.
    ConsentWithdrawn,
    /// The end of a financial year (räkenskapsår).
    FinancialYearEnd,
    /// The end of a recruitment.
    RecruitmentEnd,
    /// When a support request or case was closed.
    RequestClosed,
    /// The end of a subscription (e.g. a newsletter).
    SubscriptionEnd,
    /// An event the register declares itself (`[[event]]`).
    Custom(String),
}

/// The built-in events with the words used to describe them.
struct EventWords {
    event: Event,
    key: &'static str,
    /// After "efter"/"after": a noun phrase.
    noun: (&'static str, &'static str),
    /// A clause, after "då"/"in which".
    clause: (&'static str, &'static str),
    /// "så länge kundförhållandet varar": the state the event ends, if there is one.
    lasting: Option<(&'static str, &'static str)>,
}

fn builtin_events() -> [EventWords; 9] {
    [
        EventWords {
            event: Event::Collected,
            key: "collected",
            noun: ("insamlingen", "collection"),
            clause: ("uppgifterna samlades in", "the data was collected"),
            lasting: None,
        },
        EventWords {
            event: Event::LastActivity,
            key: "last_activity",
            // Words for the built-in events name no one but "you": the notice speaks as
            // "vi" or "jag" (`[notice] voice`), and the same words go into the record.
            noun: ("din senaste aktivitet", "your last activity"),
            clause: ("du senast var aktiv", "you were last active"),
            lasting: None,
        },
        EventWords {
            event: Event::ContractEnd,
            key: "contract_end",
            noun: (
                "kundförhållandets slut",
                "the end of the customer relationship",
            ),
            clause: (
                "kundförhållandet upphörde",
                "the customer relationship ended",
            ),
            lasting: Some((
                "så länge kundförhållandet varar",
                "as long as the customer relationship lasts",
            )),
        },
        EventWords {
            event: Event::AccountClosed,
            key: "account_closed",
            noun: ("att kontot avslutats", "the account is closed"),
            clause: ("kontot avslutades", "the account was closed"),
            lasting: Some((
                "så länge du har ett konto",
                "as long as you have an account",
            )),
        },
        EventWords {
            event: Event::ConsentWithdrawn,
            key: "consent_withdrawn",
            noun: (
                "att du återkallat ditt samtycke",
                "you withdraw your consent",
            ),
            clause: ("samtycket återkallades", "consent was withdrawn"),
            lasting: Some((
                "tills du återkallar ditt samtycke",
                "until you withdraw your consent",
            )),
        },
        EventWords {
            event: Event::FinancialYearEnd,
            key: "financial_year_end",
            noun: ("räkenskapsårets slut", "the end of the financial year"),
            clause: ("räkenskapsåret avslutades", "the financial year ended"),
            lasting: None,
        },
        EventWords {
            event: Event::RecruitmentEnd,
            key: "recruitment_end",
            noun: ("rekryteringens avslut", "the end of the recruitment"),
            clause: ("rekryteringen avslutades", "the recruitment ended"),
            lasting: Some((
                "så länge rekryteringen pågår",
                "while the recruitment lasts",
            )),
        },
        EventWords {
            event: Event::RequestClosed,
            key: "request_closed",
            noun: ("att ärendet avslutats", "your request is closed"),
            clause: ("ärendet avslutades", "your request was closed"),
            lasting: Some((
                "så länge ditt ärende pågår",
                "while your request is being handled",
            )),
        },
        EventWords {
            event: Event::SubscriptionEnd,
            key: "subscription_end",
            noun: ("prenumerationens slut", "the end of the subscription"),
            clause: ("prenumerationen avslutades", "the subscription ended"),
            lasting: Some(("så länge du prenumererar", "as long as you subscribe")),
        },
    ]
}

/// The keys of the built-in events.
pub const BUILTIN_EVENT_KEYS: [&str; 9] = [
    "collected",
    "last_activity",
    "contract_end",
    "account_closed",
    "consent_withdrawn",
    "financial_year_end",
    "recruitment_end",
    "request_closed",
    "subscription_end",
];

impl Event {
    /// The key written in registers and data maps.
    pub fn key(&self) -> &str {
        match self {
            Event::Custom(k) => k,
            e => builtin_events()
                .into_iter()
                .find(|w| &w.event == e)
                .map_or("", |w| w.key),
        }
    }

    /// The built-in event with `key`.
    pub fn builtin(key: &str) -> Option<Event> {
        builtin_events()
            .into_iter()
            .find(|w| w.key == key)
            .map(|w| w.event)
    }

    /// A noun phrase for the event ("kundförhållandets slut").
    pub fn noun(&self, lang: Lang, names: &dyn EventNames) -> String {
        self.words(lang, names, |w| w.noun)
    }

    fn words(
        &self,
        lang: Lang,
        names: &dyn EventNames,
        pick: fn(&EventWords) -> (&'static str, &'static str),
    ) -> String {
        match self {
            Event::Custom(k) => names.name(k, lang).unwrap_or_else(|| k.replace('_', " ")),
            e => builtin_events()
                .iter()
                .find(|w| &w.event == e)
                .map(|w| {
                    let (sv, en) = pick(w);
                    lang.pick(sv, en).to_owned()
                })
                .unwrap_or_default(),
        }
    }

    fn lasting(&self, lang: Lang) -> Option<&'static str> {
        builtin_events()
            .into_iter()
            .find(|w| &w.event == self)
            .and_then(|w| w.lasting)
            .map(|(sv, en)| lang.pick(sv, en))
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Names of custom events, as the register declares them.
pub trait EventNames {
    /// The noun phrase for custom event `key` in `lang`.
    fn name(&self, key: &str, lang: Lang) -> Option<String>;
}

/// No custom events.
pub struct NoCustomEvents;

impl EventNames for NoCustomEvents {
    fn name(&self, _: &str, _: Lang) -> Option<String> {
        None
    }
}

/// What a retention period runs from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The day of the event.
    Event(Event),
    /// The end (31 December) of the calendar year in which the event happened.
    EndOfCalendarYear(Event),
}

impl Anchor {
    /// The event the anchor rests on.
    pub fn event(&self) -> &Event {
        match self {
            Anchor::Event(e) | Anchor::EndOfCalendarYear(e) => e,
        }
    }

    /// The day the period starts from, given the day of the event.
    pub fn start(&self, event_day: Date) -> Date {
        match self {
            Anchor::Event(_) => event_day,
            Anchor::EndOfCalendarYear(_) => event_day.last_of_year(),
        }
    }
}

/// The company's financial years (räkenskapsår), so the end of the financial year a date
/// falls in can be derived from the date.
///
/// Bokföringslagen (1999:1078) 3 kap. 1 §: a financial year is twelve whole calendar months,
/// so it starts on the first of a month (the calendar year unless the company has a broken
/// year, "brutet räkenskapsår"). 3 kap. 3 §: the first financial year, and the year at which
/// the financial year is changed (omläggning), may be shorter or longer, but never longer
/// than eighteen months. Those years are listed here as irregular years; a regular year
/// starts on the first of `start_month`, and after an irregular year on the day after it
/// ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinancialYears {
    /// The month (1–12) on whose first day regular years start before any irregular year.
    pub start_month: i8,
    /// Irregular years (a first year, changed years): first and last day, in order.
    pub irregular: Vec<(Date, Date)>,
}

impl Default for FinancialYears {
    fn default() -> Self {
        FinancialYears::calendar()
    }
}

/// The month a `[financial_year] starts` value that is not `"MM-DD"` probably means, to
/// suggest the right spelling: `"7-1"`, `"2025-07-01"`, `"juli"`, `"July"` → 7.
pub fn starts_month_guess(value: &str) -> Option<i8> {
    const MONTHS: [(&str, &str); 12] = [
        ("januari", "january"),
        ("februari", "february"),
        ("mars", "march"),
        ("april", "april"),
        ("maj", "may"),
        ("juni", "june"),
        ("juli", "july"),
        ("augusti", "august"),
        ("september", "september"),
        ("oktober", "october"),
        ("november", "november"),
        ("december", "december"),
    ];
    let v = value.trim().to_lowercase();
    let parts: Vec<&str> = v.split(['-', '/', '.']).collect();
    let month = match parts[..] {
        // "1/9" is the Swedish day/month; "7-1" month-day as in "MM-DD".
        [d, m] if v.contains('/') => m.parse::<i8>().ok().filter(|_| d.parse::<i8>().is_ok()),
        [m, _] | [_, m, _] => m.parse::<i8>().ok(),
        [word] => MONTHS
            .iter()
            .position(|(sv, en)| word.len() >= 3 && (sv.starts_with(word) || en.starts_with(word)))
            .and_then(|i| i8::try_from(i + 1).ok()),
        _ => None,
    }?;
    (1..=12).contains(&month).then_some(month)
}

/// The longest a first or changed financial year may be (BFL 3 kap. 3 §).
pub const MAX_FINANCIAL_YEAR_MONTHS: i64 = 18;

impl FinancialYears {
    /// Financial years that are calendar years.
    pub fn calendar() -> Self {
        FinancialYears {
            start_month: 1,
            irregular: Vec::new(),
        }
    }

    /// True for the calendar year with no irregular years.
    pub fn is_calendar(&self) -> bool {
        self.start_month == 1 && self.irregular.is_empty()
    }

    /// Why a first or changed financial year from `from` through `to` is not allowed: it
    /// must end on the last day of a month (the next year is whole calendar months, 3 kap.
    /// 1 §) and last at most eighteen months (3 kap. 3 §). Eighteen months are counted by
    /// lag (1930:173): a year from 15 March 2024 may run through 14 September 2025, so it
    /// ends at the latest on 31 August 2025.
    pub fn check_year(from: Date, to: Date) -> Result<(), String> {
        if to < from {
            return Err(format!(
                "the financial year ends ({to}) before it starts ({from})"
            ));
        }
        if to != to.last_of_month() {
            return Err(format!(
                "a financial year ends on the last day of a month (the next one is whole calendar months, BFL 3 kap. 1 §), not on {to}; did you mean {}?",
                to.last_of_month()
            ));
        }
        let limit = from
            .checked_add(MAX_FINANCIAL_YEAR_MONTHS.months())
            .ok()
            .and_then(|d| d.yesterday().ok());
        if let Some(limit) = limit.filter(|limit| to > *limit) {
            // The last month's end on or before the limit.
            let latest = if limit == limit.last_of_month() {
                Some(limit)
            } else {
                limit.first_of_month().yesterday().ok()
            };
            return Err(format!(
                "a first or changed financial year may be at most 18 months (BFL 3 kap. 3 §): one from {from} ends at the latest on {}",
                latest.unwrap_or(limit)
            ));
        }
        Ok(())
    }

    /// The month regular years start in on `day` (after the last irregular year before it).
    fn month_at(&self, day: Date) -> i8 {
        self.irregular
            .iter()
            .rev()
            .find(|(_, to)| *to < day)
            .and_then(|(_, to)| to.tomorrow().ok())
            .map_or(self.start_month, |d| d.month())
    }

    /// The last day of the financial year `day` falls in. `None` only at the calendar's end.
    /// Monotone in `day`: a later day never falls in an earlier year.
    pub fn end_of_year_containing(&self, day: Date) -> Option<Date> {
        if let Some((_, to)) = self.irregular.iter().find(|(f, t)| *f <= day && day <= *t) {
            return Some(*to);
        }
        let month = self.month_at(day);
        let year = if day.month() >= month {
            day.year()
        } else {
            day.year() - 1
        };
        let start = Date::new(year, month, 1).ok()?;
        let end = start.checked_add(12.months()).ok()?.yesterday().ok()?;
        // A year never runs into the next irregular year (a register that loaded has none
        // that would; this keeps the mapping monotone whatever it is given).
        match self.irregular.iter().find(|(f, _)| *f > day) {
            Some((f, _)) => Some(end.min(f.yesterday().ok()?)),
            None => Some(end),
        }
    }

    /// The day the event happened, given the date a column holds. `financial_year_end` is
    /// bound to any date within the financial year (the transaction date, or the year's
    /// last day), and happens on the last day of that financial year; every other event on
    /// the column's day.
    pub fn event_day(&self, event: &Event, column_day: Date) -> Option<Date> {
        match event {
            Event::FinancialYearEnd => self.end_of_year_containing(column_day),
            _ => Some(column_day),
        }
    }
}

/// How long data is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RetentionRule {
    /// Kept for a period after an anchor, then due for erasure.
    After {
        /// How long after.
        period: Period,
        /// After what.
        anchor: Anchor,
    },
    /// Kept until an event happens, then due for erasure on that day.
    Until {
        /// The event.
        event: Event,
    },
    /// "As long as necessary for …": a criterion (Art. 13(2)(a) allows it) that no machine
    /// can enforce.
    AsLongAsNecessary {
        /// What it is necessary for, as written.
        #[serde(skip_serializing_if = "Option::is_none")]
        purpose: Option<String>,
    },
    /// Kept until both rules have run out ("two years after the last order, but at least
    /// until the bookkeeping period ends").
    LaterOf {
        /// One rule.
        first: Box<RetentionRule>,
        /// The other.
        second: Box<RetentionRule>,
    },
    /// Due as soon as either rule has run out ("as long as necessary, but at most two years
    /// after the last activity").
    EarlierOf {
        /// One rule.
        first: Box<RetentionRule>,
        /// The other.
        second: Box<RetentionRule>,
    },
    /// As long as a statute skydd knows requires: its minimum, which skydd knows.
    AsRequiredBy {
        /// The statute's key (`bokforingslagen`).
        statute: String,
        /// Its minimum retention, as `law::statute(statute)` gives it.
        minimum: Box<RetentionRule>,
    },
}

/// When a rule has run out, as alternatives (one is enough) of conditions that must all
/// hold: "the column recording this event holds a day on or before that day".
pub type DueWhen = Vec<Vec<(Event, Date)>>;

impl RetentionRule {
    /// True when skydd can enforce it (it runs from an event a column can record).
    pub fn is_enforceable(&self) -> bool {
        match self {
            RetentionRule::After { .. } | RetentionRule::Until { .. } => true,
            RetentionRule::AsLongAsNecessary { .. } => false,
            RetentionRule::LaterOf { first, second } => {
                first.is_enforceable() && second.is_enforceable()
            }
            RetentionRule::EarlierOf { first, second } => {
                first.is_enforceable() || second.is_enforceable()
            }
            RetentionRule::AsRequiredBy { minimum, .. } => minimum.is_enforceable(),
        }
    }

    /// The event it is anchored on (for two criteria, the first one's), if any.
    pub fn event(&self) -> Option<&Event> {
        self.events().into_iter().next()
    }

    /// Every event it runs from, without repeats.
    pub fn events(&self) -> Vec<&Event> {
        let mut out: Vec<&Event> = Vec::new();
        self.collect_events(&mut out);
        out
    }

    fn collect_events<'a>(&'a self, out: &mut Vec<&'a Event>) {
        let mut push = |e: &'a Event| {
            if !out.contains(&e) {
                out.push(e);
            }
        };
        match self {
            RetentionRule::After { anchor, .. } => push(anchor.event()),
            RetentionRule::Until { event } => push(event),
            RetentionRule::AsLongAsNecessary { .. } => {}
            RetentionRule::LaterOf { first, second }
            | RetentionRule::EarlierOf { first, second } => {
                first.collect_events(out);
                second.collect_events(out);
            }
            RetentionRule::AsRequiredBy { minimum, .. } => minimum.collect_events(out),
        }
    }

    /// The first day the data is due for erasure, given the date each event's column holds
    /// (`None`: the event has not happened) and the company's financial years. `None` when
    /// it is not due on any day skydd can compute: an event that has not happened, a rule
    /// that cannot be enforced, or past the calendar's end.
    pub fn due(
        &self,
        day_of: &dyn Fn(&Event) -> Option<Date>,
        years: &FinancialYears,
    ) -> Option<Date> {
        self.due_at(&|e| years.event_day(e, day_of(e)?))
    }

    /// The first day due, given the day each event happened.
    fn due_at(&self, event_day: &dyn Fn(&Event) -> Option<Date>) -> Option<Date> {
        match self {
            RetentionRule::After { period, anchor } => {
                let day = event_day(anchor.event())?;
                period.after(anchor.start(day))?.tomorrow().ok()
            }
            RetentionRule::Until { event } => event_day(event),
            RetentionRule::AsLongAsNecessary { .. } => None,
            RetentionRule::LaterOf { first, second } => {
                Some(first.due_at(event_day)?.max(second.due_at(event_day)?))
            }
            RetentionRule::EarlierOf { first, second } => {
                match (first.due_at(event_day), second.due_at(event_day)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            RetentionRule::AsRequiredBy { minimum, .. } => minimum.due_at(event_day),
        }
    }

    /// The first day data is due for erasure when every event it runs from is recorded on
    /// `column_day` (for `financial_year_end`, any day within the financial year).
    pub fn due_on(&self, column_day: Date, years: &FinancialYears) -> Option<Date> {
        self.due(&|_| Some(column_day), years)
    }

    /// For a rule with one event: the latest day its column may hold for the data to be due
    /// on `today` (rows whose column is on or before this day are due). Exact also where
    /// months clamp and for broken financial years. `None` for rules with two criteria (see
    /// [`RetentionRule::due_when`]) or nothing due.
    pub fn cutoff(&self, today: Date, years: &FinancialYears) -> Option<Date> {
        let (lookback, event) = match self {
            RetentionRule::After { period, anchor } => (period.before(today)?, anchor.event()),
            RetentionRule::Until { event } => (today, event),
            RetentionRule::AsRequiredBy { minimum, .. } => return minimum.cutoff(today, years),
            _ => return None,
        };
        if matches!(self, RetentionRule::Until { .. }) && *event != Event::FinancialYearEnd {
            return Some(today);
        }
        // Before year 1 no column holds a day (and such a date cannot be written in SQL as
        // the year 0001 form): nothing is due.
        if lookback.year() < 1 {
            return None;
        }
        // due_on is monotone in the column's day; search the last day with due_on <= today.
        // A financial year ends at most 18 months after a day in it, and the calendar year
        // at most a year after that: four years back is always due.
        let is_due = |d: Date| self.due_on(d, years).is_some_and(|due| due <= today);
        let mut lo = lookback.checked_sub(4.years()).ok()?;
        let mut hi = today;
        if !is_due(lo) {
            return None;
        }
        // Invariant: is_due(lo), and every day after hi is not due.
        while lo < hi {
            let days = lo.until(hi).ok()?.get_days();
            let mid = lo.checked_add(((days + 1) / 2).days()).ok()?;
            if is_due(mid) {
                lo = mid;
            } else {
                hi = mid.yesterday().ok()?;
            }
        }
        Some(lo)
    }

    /// When the rule has run out on `today`: alternatives of (event, latest day) conditions,
    /// empty when nothing can be due yet. `None` when the rule cannot be enforced.
    pub fn due_when(&self, today: Date, years: &FinancialYears) -> Option<DueWhen> {
        match self {
            RetentionRule::After { anchor, .. } => Some(
                self.cutoff(today, years)
                    .map(|c| vec![vec![(anchor.event().clone(), c)]])
                    .unwrap_or_default(),
            ),
            RetentionRule::Until { event } => Some(
                self.cutoff(today, years)
                    .map(|c| vec![vec![(event.clone(), c)]])
                    .unwrap_or_default(),
            ),
            RetentionRule::AsLongAsNecessary { .. } => None,
            RetentionRule::LaterOf { first, second } => Some(both_due(
                &first.due_when(today, years)?,
                &second.due_when(today, years)?,
            )),
            RetentionRule::EarlierOf { first, second } => {
                match (first.due_when(today, years), second.due_when(today, years)) {
                    (Some(mut a), Some(b)) => {
                        for alt in b {
                            if !a.contains(&alt) {
                                a.push(alt);
                            }
                        }
                        Some(a)
                    }
                    (a, b) => a.or(b),
                }
            }
            RetentionRule::AsRequiredBy { minimum, .. } => minimum.due_when(today, years),
        }
    }

    /// Whether this rule keeps data at least as long as `minimum`, for every possible event
    /// day (all events on the same day). `None` when the two cannot be compared (different
    /// events, or unenforceable).
    pub fn at_least(&self, minimum: &RetentionRule) -> Option<bool> {
        match self {
            // Kept until both have run out: enough when either is.
            RetentionRule::LaterOf { first, second } => {
                match (first.at_least(minimum), second.at_least(minimum)) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                }
            }
            // Gone when either has run out: enough only when both are.
            RetentionRule::EarlierOf { first, second } => {
                match (first.at_least(minimum), second.at_least(minimum)) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                }
            }
            RetentionRule::AsRequiredBy { minimum: own, .. } => own.at_least(minimum),
            _ => {
                let (ours, theirs) = (self.events(), minimum.events());
                if let ([ours], [theirs]) = (ours.as_slice(), theirs.as_slice())
                    && ours != theirs
                {
                    return self.at_least_ordered(ours, minimum, theirs);
                }
                if self.events() != minimum.events() || minimum.events().len() != 1 {
                    return None;
                }
                // Compared on the day the event happened (not through any financial
                // years): `7 years after financial_year_end` is shorter than Bokföringslagen's
                // seven years after the end of the calendar year whenever the year is broken.
                Some(!self.runs_out_first_on_some_day(minimum)?)
            }
        }
    }

    /// [`RetentionRule::at_least`] for a rule and a minimum that run from different events,
    /// one of which never happens later than the other (see [`never_later`]). Every rule
    /// runs out no earlier when its event happens later, so:
    ///
    /// - Both events on the same day is possible (data collected on the day the contract
    ///   ends), so when ours runs out first on such a day: `Some(false)`. From the earlier
    ///   event (`collected`) this holds for every record, whenever it was collected.
    /// - Otherwise, ours from the later event, the minimum from the earlier one: ours lasts
    ///   at least as long for every record: `Some(true)`.
    /// - Otherwise, ours from the earlier event: a record collected long before the event
    ///   may still be erased too early, and skydd cannot know how long before: `None`.
    ///
    /// Unordered events (e.g. `last_activity` and `financial_year_end`) stay `None`.
    fn at_least_ordered(
        &self,
        ours: &Event,
        minimum: &RetentionRule,
        theirs: &Event,
    ) -> Option<bool> {
        let (earlier, later) = (never_later(ours, theirs), never_later(theirs, ours));
        if !earlier && !later {
            return None;
        }
        if self.runs_out_first_on_some_day(minimum)? {
            return Some(false);
        }
        later.then_some(true)
    }

    /// Whether, with every event on the same day, this rule is due before `other` for some
    /// day. Four years of days cover every leap-year and month-length case. `None` when a
    /// rule cannot be dated (unenforceable, or past the calendar's end).
    fn runs_out_first_on_some_day(&self, other: &RetentionRule) -> Option<bool> {
        let mut day = Date::new(2023, 1, 1).ok()?;
        for _ in 0..(4 * 366) {
            if self.due_at(&|_| Some(day))? < other.due_at(&|_| Some(day))? {
                return Some(true);
            }
            day = day.tomorrow().ok()?;
        }
        Some(false)
    }

    /// The rule in plain words for a notice: "Så länge kundförhållandet varar och två år därefter".
    pub fn describe(&self, lang: Lang, names: &dyn EventNames) -> String {
        capitalise(&self.phrase(lang, names))
    }

    /// The rule in words, not capitalised (to follow other words).
    pub(crate) fn phrase(&self, lang: Lang, names: &dyn EventNames) -> String {
        match self {
            RetentionRule::Until { event } => match event.lasting(lang) {
                Some(l) => l.to_owned(),
                None => format!("{} {}", lang.pick("till", "until"), event.noun(lang, names)),
            },
            RetentionRule::After {
                period,
                anchor: Anchor::Event(e),
            } => match e.lasting(lang) {
                Some(l) => format!(
                    "{l} {} {} {}",
                    lang.pick("och", "and"),
                    period.words(lang),
                    lang.pick("därefter", "after that")
                ),
                None => format!(
                    "{} {} {}",
                    period.words(lang),
                    lang.pick("efter", "after"),
                    e.noun(lang, names)
                ),
            },
            RetentionRule::After {
                period,
                anchor: Anchor::EndOfCalendarYear(e),
            } => format!(
                "{} {} {}",
                period.words(lang),
                lang.pick(
                    "efter utgången av det kalenderår då",
                    "after the end of the calendar year in which"
                ),
                e.words(lang, names, |w| w.clause)
            ),
            // The rule's own words are English (the retention language is); Swedish prose
            // cannot quote them, so it states the criterion generally. Registers give the
            // company's wording in `text`.
            RetentionRule::AsLongAsNecessary { purpose } => match purpose {
                Some(p) if lang == Lang::En => format!("as long as necessary for {p}"),
                Some(_) => "så länge det är nödvändigt för ändamålet".to_owned(),
                None => lang
                    .pick(
                        "så länge det är nödvändigt för ändamålet",
                        "as long as necessary for the purpose",
                    )
                    .to_owned(),
            },
            // The same rule twice is said once.
            RetentionRule::LaterOf { first, second }
            | RetentionRule::EarlierOf { first, second }
                if first == second =>
            {
                first.phrase(lang, names)
            }
            RetentionRule::LaterOf { first, second } => format!(
                "{}, {} {}",
                self.part(first, lang, names),
                lang.pick("men minst", "but at least"),
                self.part(second, lang, names)
            ),
            RetentionRule::EarlierOf { first, second } => format!(
                "{}, {} {}",
                self.part(first, lang, names),
                lang.pick("men högst", "but at most"),
                self.part(second, lang, names)
            ),
            RetentionRule::AsRequiredBy { statute, minimum } => {
                let citation = crate::law::statute(statute)
                    .map_or_else(|| statute.clone(), |s| s.citation.to_owned());
                format!(
                    "{} ({citation}): {}",
                    lang.pick("så länge lagen kräver", "as long as the law requires"),
                    minimum.phrase(lang, names)
                )
            }
        }
    }
}

impl RetentionRule {
    /// A criterion of this two-criteria rule in words. A criterion that is itself two
    /// criteria of the other kind is put in brackets: "A, men minst (B, men högst C)" keeps
    /// the data longer than "(A, men minst B), men högst C", and without brackets the two
    /// read alike. The same kind needs none: the later of three is the later of three,
    /// however grouped.
    fn part(&self, inner: &RetentionRule, lang: Lang, names: &dyn EventNames) -> String {
        let own_later = matches!(self, RetentionRule::LaterOf { .. });
        let words = inner.phrase(lang, names);
        match inner {
            RetentionRule::LaterOf { first, second }
            | RetentionRule::EarlierOf { first, second }
                if first != second
                    && matches!(inner, RetentionRule::LaterOf { .. }) != own_later =>
            {
                format!("({words})")
            }
            _ => words,
        }
    }
}

/// True when event `first` never happens after event `then` for the same data, so a period
/// from `first` starts no later than the same period from `then`.
///
/// Only `collected` is ordered, and only before the events that close what the data was
/// collected for:
/// - `financial_year_end`: the financial year a record is booked in ends on or after the
///   business event (affärshändelse) it records, and the data about the person on it (name,
///   address on an invoice) is collected on or before that event, so before the year ends
///   (bokföringslagen (1999:1078) 5 kap. 1–2 §§, 7 kap. 2 §).
/// - `contract_end`, `recruitment_end`: data is collected while the customer relationship
///   or the recruitment lasts (or before it), never after it has ended.
///
/// Other pairs are not ordered: the last activity may come before or after the end of a
/// financial year, an account may close before or after a contract ends, and a custom event
/// means what the company says. Ordering them would let skydd call a rule too short (or long
/// enough) on a guess; unordered, the lint only warns that it cannot compare.
fn never_later(first: &Event, then: &Event) -> bool {
    *first == Event::Collected
        && matches!(
            then,
            Event::FinancialYearEnd | Event::ContractEnd | Event::RecruitmentEnd
        )
}

/// Both of two conditions: every alternative of one with every alternative of the other
/// (the same event twice keeps the earlier day, which meets both).
fn both_due(a: &DueWhen, b: &DueWhen) -> DueWhen {
    let mut out: DueWhen = Vec::new();
    for x in a {
        for y in b {
            let mut all = x.clone();
            for (e, d) in y {
                match all.iter_mut().find(|(f, _)| f == e) {
                    Some((_, day)) => *day = (*day).min(*d),
                    None => all.push((e.clone(), *d)),
                }
            }
            if !out.contains(&all) {
                out.push(all);
            }
        }
    }
    out
}

/// The first letter in upper case (after an opening bracket: "(Så länge …").
pub(crate) fn capitalise(s: &str) -> String {
    let rest = s.trim_start_matches('(');
    let brackets = &s[..s.len() - rest.len()];
    let mut c = rest.chars();
    match c.next() {
        Some(f) => brackets.chars().chain(f.to_uppercase()).chain(c).collect(),
        None => s.to_owned(),
    }
}

impl fmt::Display for RetentionRule {
    /// The rule in the retention language, as it would be written in a register.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetentionRule::After {
                period,
                anchor: Anchor::Event(e),
            } => write!(f, "{period} after {e}"),
            RetentionRule::After {
                period,
                anchor: Anchor::EndOfCalendarYear(e),
            } => {
                write!(f, "{period} after end of calendar year of {e}")
            }
            RetentionRule::Until { event } => write!(f, "until {event}"),
            RetentionRule::AsLongAsNecessary { purpose: Some(p) } => {
                write!(f, "as long as necessary for {p}")
            }
            RetentionRule::AsLongAsNecessary { purpose: None } => {
                f.write_str("as long as necessary")
            }
            // Free text after `for` runs to the end or to `, but`: written first, it can
            // only be followed by the `but` form.
            RetentionRule::LaterOf { first, second } if has_free_text(first) => {
                write!(f, "{first}, but at least {second}")
            }
            RetentionRule::EarlierOf { first, second } if has_free_text(first) => {
                write!(f, "{first}, but at most {second}")
            }
            RetentionRule::LaterOf { first, second } => {
                write!(f, "the later of {first} and {second}")
            }
            RetentionRule::EarlierOf { first, second } => {
                write!(f, "the earlier of {first} and {second}")
            }
            RetentionRule::AsRequiredBy { statute, .. } => write!(f, "as required by {statute}"),
        }
    }
}

fn has_free_text(rule: &RetentionRule) -> bool {
    matches!(rule, RetentionRule::AsLongAsNecessary { purpose: Some(_) })
}

/// A retention text that does not parse, with where in the text the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RetentionParseError {
    /// What is wrong.
    pub message: String,
    /// Byte range within the rule text.
    pub at: std::ops::Range<usize>,
    /// A hint.
    pub help: Option<String>,
}

struct Tokens<'a> {
    text: &'a str,
    words: Vec<(usize, &'a str)>,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// Words split at white space; a comma is a word of its own.
    fn new(text: &'a str) -> Self {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() || c == ',' {
                if let Some(s) = start.take() {
                    words.push((s, &text[s..i]));
                }
                if c == ',' {
                    words.push((i, &text[i..i + 1]));
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            words.push((s, &text[s..]));
        }
        Tokens {
            text,
            words,
            pos: 0,
        }
    }

    fn peek(&self) -> Option<(usize, &'a str)> {
        self.words.get(self.pos).copied()
    }

    fn peek_is(&self, ahead: usize, word: &str) -> bool {
        self.words
            .get(self.pos + ahead)
            .is_some_and(|(_, w)| w.to_lowercase() == word)
    }

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let w = self.peek();
        self.pos += usize::from(w.is_some());
        w
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.peek_is(0, word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Eats the words of `phrase` when all of them come next.
    fn eat_all(&mut self, phrase: &str) -> bool {
        let words: Vec<&str> = phrase.split(' ').collect();
        if words.iter().enumerate().all(|(i, w)| self.peek_is(i, w)) {
            self.pos += words.len();
            true
        } else {
            false
        }
    }

    fn here(&self) -> std::ops::Range<usize> {
        match self.peek() {
            Some((s, w)) => s..s + w.len(),
            None => self.text.len()..self.text.len(),
        }
    }

    /// The text from word `from` up to the word before the current one.
    fn span_since(&self, from: usize) -> std::ops::Range<usize> {
        let start = self.words.get(from).map_or(self.text.len(), |(s, _)| *s);
        let end = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.words.get(i))
            .map_or(start, |(s, w)| s + w.len());
        start..end.max(start)
    }

    fn expect(&mut self, word: &str, what: &str) -> Result<(), RetentionParseError> {
        if self.eat(word) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{word}` {what}")))
        }
    }

    fn error(&self, message: String) -> RetentionParseError {
        let found = match self.peek() {
            Some((_, w)) => format!(", found `{w}`"),
            None => ", found the end of the rule".to_owned(),
        };
        RetentionParseError {
            message: message + &found,
            at: self.here(),
            help: Some(GRAMMAR_HELP.to_owned()),
        }
    }
}

const GRAMMAR_HELP: &str = "write e.g. `45 days after collected`, `2 years after contract_end`, \
`7 years after end of calendar year of financial_year_end`, `until consent_withdrawn`, \
`as required by bokforingslagen`, `the later of 2 years after last_activity and as required by \
bokforingslagen` or `as long as necessary for <what>`";

fn number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    let w = word.to_lowercase();
    if let Some(i) = EN_NUMBERS.iter().position(|n| *n == w) {
        return u32::try_from(i + 1).ok();
    }
    if w == "en" || w == "ett" {
        return Some(1);
    }
    SV_NUMBERS
        .iter()
        .position(|n| *n == w)
        .and_then(|i| u32::try_from(i + 2).ok())
}

/// The unit words the grammar reads, for suggestions.
const UNIT_WORDS: [&str; 15] = [
    "day", "days", "week", "weeks", "month", "months", "year", "years", "dag", "dagar", "vecka",
    "veckor", "månad", "månader", "år",
];

fn unit(word: &str) -> Option<Unit> {
    match word.to_lowercase().as_str() {
        "day" | "days" | "dag" | "dagar" => Some(Unit::Day),
        "week" | "weeks" | "vecka" | "veckor" => Some(Unit::Week),
        "month" | "months" | "månad" | "månader" => Some(Unit::Month),
        "year" | "years" | "år" => Some(Unit::Year),
        _ => None,
    }
}

/// The unit a misspelt or abbreviated unit word means ("yrs", "24 mån", "manader"), in the
/// form its number takes: "2 yrs" → `years`, "24 mån" → `månader`, "1 mån" → `månad`.
fn unit_suggestion(word: &str, amount: u32) -> Option<String> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    // (abbreviation, unit, Swedish?)
    const SHORT: [(&str, Unit, bool); 15] = [
        ("y", Unit::Year, false),
        ("yr", Unit::Year, false),
        ("yrs", Unit::Year, false),
        ("mo", Unit::Month, false),
        ("mos", Unit::Month, false),
        ("mth", Unit::Month, false),
        ("mths", Unit::Month, false),
        ("wk", Unit::Week, false),
        ("wks", Unit::Week, false),
        ("d", Unit::Day, false),
        ("mån", Unit::Month, true),
        ("mnd", Unit::Month, true),
        ("v", Unit::Week, true),
        ("veck", Unit::Week, true),
        ("dgr", Unit::Day, true),
    ];
    let (unit, swedish) = match SHORT.iter().find(|(a, _, _)| *a == w) {
        Some((_, u, sv)) => (*u, *sv),
        None => {
            let help = suggestion(w, UNIT_WORDS)?;
            let near = UNIT_WORDS
                .iter()
                .find(|u| help.contains(&format!("`{u}`")))?;
            let sv = matches!(
                *near,
                "dag" | "dagar" | "vecka" | "veckor" | "månad" | "månader" | "år"
            );
            (unit(near)?, sv)
        }
    };
    let one = amount == 1;
    let form = match (unit, swedish, one) {
        (Unit::Day, false, true) => "day",
        (Unit::Day, false, false) => "days",
        (Unit::Week, false, true) => "week",
        (Unit::Week, false, false) => "weeks",
        (Unit::Month, false, true) => "month",
        (Unit::Month, false, false) => "months",
        (Unit::Year, false, true) => "year",
        (Unit::Year, false, false) => "years",
        (Unit::Day, true, true) => "dag",
        (Unit::Day, true, false) => "dagar",
        (Unit::Week, true, true) => "vecka",
        (Unit::Week, true, false) => "veckor",
        (Unit::Month, true, true) => "månad",
        (Unit::Month, true, false) => "månader",
        (Unit::Year, true, _) => "år",
    };
    Some(format!("did you mean `{form}`?"))
}

/// How deep `the later of` / `the earlier of` may nest.
const MAX_DEPTH: usize = 4;

/// Parses a rule. `custom_events` are the event keys the register declares.
///
/// The canonical form is English (what `Display` writes); Swedish is read too:
///
/// ```text
/// 45 days after collected                      45 dagar efter collected
/// 7 years after end of calendar year of        sju år efter utgången av kalenderåret för
///   financial_year_end                           financial_year_end
/// until consent_withdrawn                      tills consent_withdrawn
/// as long as necessary for …                   så länge det är nödvändigt för …
/// 2 years after contract_end                   två år efter avslutat kundförhållande
/// as required by bokforingslagen               som krävs enligt bokforingslagen, enligt bokforingslagen
/// until consent_withdrawn                      tills du återkallar ditt samtycke (a notice's words)
/// the later of A and B  (A, but at least B)    det senare av A och B  (A, men minst B)
/// the earlier of A and B  (A, but at most B)   det tidigare av A och B  (A, men högst B)
/// ```
pub fn parse(text: &str, custom_events: &[&str]) -> Result<RetentionRule, RetentionParseError> {
    let mut p = Parser {
        t: Tokens::new(text),
        custom: custom_events,
    };
    if p.t.peek().is_none() {
        return Err(RetentionParseError {
            message: "the retention rule is empty".into(),
            at: 0..0,
            help: Some(GRAMMAR_HELP.into()),
        });
    }
    let mut rule = p.rule(0, false)?;
    // `A, but at least B` / `A, men minst B`, left to right; as many criteria as rules may
    // nest deep, so the rule (and the notice's sentence for it) stays readable and bounded.
    let mut criteria = 1;
    loop {
        let save = p.t.pos;
        p.t.eat(",");
        let later = if p.t.eat_all("but at least") || p.t.eat_all("men minst") {
            true
        } else if p.t.eat_all("but at most")
            || p.t.eat_all("but no longer than")
            || p.t.eat_all("men högst")
            || p.t.eat_all("men längst")
        {
            false
        } else {
            p.t.pos = save;
            break;
        };
        criteria += 1;
        if criteria > MAX_DEPTH {
            return Err(RetentionParseError {
                message: format!(
                    "a rule joins at most {MAX_DEPTH} criteria with `but at least` / `but at most`; write the retention more simply"
                ),
                at: p.t.here(),
                help: None,
            });
        }
        let other = Box::new(p.rule(1, false)?);
        let first = Box::new(rule);
        rule = if later {
            RetentionRule::LaterOf {
                first,
                second: other,
            }
        } else {
            RetentionRule::EarlierOf {
                first,
                second: other,
            }
        };
    }
    if p.t.peek().is_some() {
        return Err(p.t.error("unexpected text after the rule".into()));
    }
    Ok(rule)
}

struct Parser<'a, 'c> {
    t: Tokens<'a>,
    custom: &'c [&'c str],
}

impl Parser<'_, '_> {
    /// One rule. `in_pair`: inside `the later of … and …`, where free text cannot end.
    fn rule(&mut self, depth: usize, in_pair: bool) -> Result<RetentionRule, RetentionParseError> {
        // Every path that reads a rule inside a rule passes `depth + 1`: a bound here keeps a
        // long chain of "minst minst …" from exhausting the stack.
        if depth > MAX_DEPTH {
            return Err(RetentionParseError {
                message: format!(
                    "rules nest at most {MAX_DEPTH} deep; write the retention more simply"
                ),
                at: self.t.here(),
                help: None,
            });
        }
        let t = &mut self.t;
        let start = t.pos;
        // `the later of A and B`, `det senare av A och B`.
        t.eat("the");
        let pair = if t.eat_all("later of") {
            Some(true)
        } else if t.eat_all("earlier of") {
            Some(false)
        } else {
            t.pos = start;
            if t.eat_all("det senare av") || t.eat_all("senare av") || t.eat_all("senast av") {
                Some(true)
            } else if t.eat_all("det tidigare av")
                || t.eat_all("tidigare av")
                || t.eat_all("tidigast av")
            {
                Some(false)
            } else {
                None
            }
        };
        if let Some(later) = pair {
            if depth >= MAX_DEPTH {
                return Err(RetentionParseError {
                    message: format!(
                        "rules nest at most {MAX_DEPTH} deep; write the retention more simply"
                    ),
                    at: self.t.span_since(start),
                    help: None,
                });
            }
            let first = Box::new(self.rule(depth + 1, true)?);
            if !(self.t.eat("and") || self.t.eat("och")) {
                return Err(self.t.error(
                    "expected `and` between the two rules of `the later of` / `the earlier of`"
                        .into(),
                ));
            }
            let second = Box::new(self.rule(depth + 1, in_pair)?);
            return Ok(if later {
                RetentionRule::LaterOf { first, second }
            } else {
                RetentionRule::EarlierOf { first, second }
            });
        }
        if t.eat_all("at least") || t.eat_all("i minst") || t.eat("minst") {
            let at = t.span_since(start);
            let fix = self
                .rule(depth + 1, in_pair)
                .ok()
                .map(|r| format!("write the period you actually keep the data (e.g. `{r}`)"))
                .unwrap_or_else(|| "write the period you actually keep the data".to_owned());
            return Err(RetentionParseError {
                message: "`at least` is a minimum, not the time the data is kept".into(),
                at,
                help: Some(format!(
                    "{fix} and name the statute that sets the minimum with `statute = \"…\"` \
                     (the lint `retention-shorter-than-obligation` checks the period against it), \
                     or write `as required by <statute>`"
                )),
            });
        }
        let t = &mut self.t;
        // The words a notice uses for a rule ("tills du återkallar ditt samtycke", "så länge
        // kundförhållandet varar och två år därefter") read as the rule they describe.
        if let Some(rule) = lasting_rule(t) {
            return Ok(rule);
        }
        if t.eat("until") || t.eat("till") || t.eat("tills") {
            // `until 7 years after …` reads as the period itself.
            if t.peek().and_then(|(_, w)| number(w)).is_some() {
                return self.period_after();
            }
            return Ok(RetentionRule::Until {
                event: event(&mut self.t, self.custom)?,
            });
        }
        // As long as the law requires: name the statute.
        if t.eat_all("as long as the law requires")
            || t.eat_all("as long as required by law")
            || t.eat_all("as required by law")
            || t.eat_all("så länge lagen kräver")
            || t.eat_all("så länge det krävs enligt lag")
            || t.eat_all("som krävs enligt lag")
        {
            return Err(RetentionParseError {
                message: "say which law: skydd knows how long each statute requires".into(),
                at: t.span_since(start),
                help: Some(format!(
                    "write `as required by <statute>`; known statutes: {}",
                    statute_keys().join(", ")
                )),
            });
        }
        if t.eat_all("as required by")
            || t.eat_all("as long as required by")
            || t.eat_all("som krävs enligt")
            || t.eat_all("så länge som krävs enligt")
            || t.eat_all("så länge det krävs enligt")
            || t.eat("enligt")
        {
            return statute(&mut self.t);
        }
        let necessary = if t.eat("as") {
            t.expect("long", "in `as long as necessary`")?;
            t.expect("as", "in `as long as necessary`")?;
            t.expect("necessary", "in `as long as necessary`")?;
            true
        } else if t.eat_all("så länge") {
            if !(t.eat_all("det är nödvändigt") || t.eat("nödvändigt") || t.eat_all("det behövs"))
            {
                return Err(t.error(
                    "expected `det är nödvändigt` or `som krävs enligt <lag>` after `så länge`"
                        .into(),
                ));
            }
            true
        } else {
            false
        };
        if necessary {
            let at = t.here();
            let purpose = if t.eat("for") || t.eat("för") || t.eat(":") {
                if in_pair {
                    return Err(RetentionParseError {
                        message: "inside `the later of` / `the earlier of`, write `as long as necessary` without `for …`".into(),
                        at,
                        help: Some("put the company's wording in `text`, or write `as long as necessary for …, but at most …`".into()),
                    });
                }
                Some(free_text(t)?)
            } else {
                None
            };
            return Ok(RetentionRule::AsLongAsNecessary { purpose });
        }
        self.period_after()
    }

    /// `N units after ANCHOR`, in English or Swedish.
    fn period_after(&mut self) -> Result<RetentionRule, RetentionParseError> {
        let t = &mut self.t;
        // "i två år efter …"
        if t.peek_is(0, "i")
            && t.words
                .get(t.pos + 1)
                .is_some_and(|(_, w)| number(w).is_some())
        {
            t.next();
        }
        let Some((_, n)) = t.peek() else {
            return Err(t.error("expected a rule".into()));
        };
        let Some(amount) = number(n) else {
            return Err(t.error("expected a number of days, weeks, months or years, `until` or `as long as necessary`".into()));
        };
        let amount_at = t.here();
        t.next();
        let Some(unit) = t.peek().and_then(|(_, w)| unit(w)) else {
            let mut e = t.error("expected a unit: days, weeks, months or years".into());
            if let Some(help) = t.peek().and_then(|(_, w)| unit_suggestion(w, amount)) {
                e.help = Some(help);
            }
            return Err(e);
        };
        t.next();
        let period = Period { amount, unit };
        let period_at = amount_at.start..t.span_since(t.pos - 1).end;
        if amount == 0 {
            // "0 days after X" would keep nothing past the event's own day: refused rather
            // than read as `until X` (due on the day) or as "kept through that day", since
            // which was meant cannot be told.
            return Err(RetentionParseError {
                message: format!("a period of {period} keeps nothing: the data would be due for erasure as soon as it exists"),
                at: period_at,
                help: Some("write `until <event>` to erase the data on the day the event happens, or a period of at least one day".into()),
            });
        }
        if period.is_too_long() {
            return Err(RetentionParseError {
                message: format!(
                    "a period of {period} is longer than {} years, which no retention obligation requires (storage limitation, GDPR art. 5.1 e)",
                    Period::MAX_YEARS
                ),
                at: period_at,
                help: Some("write the period the data is actually kept, or `as long as necessary for …` and say why".into()),
            });
        }
        if !(t.eat("after") || t.eat("efter")) {
            let mut e = t.error("expected `after` after the period".into());
            if let Some(help) = t
                .peek()
                .and_then(|(_, w)| suggestion(w, ["after", "efter"]))
            {
                e.help = Some(help);
            }
            return Err(e);
        }
        // An event as a notice names it ("efter att kontot avslutats"), before `the end of
        // the calendar year` is looked for (`the end of the customer relationship`).
        if let Some(event) = notice_event(t, self.custom) {
            return Ok(RetentionRule::After {
                period,
                anchor: Anchor::Event(event),
            });
        }
        // "[the] end of [the] [calendar] year (of | in which) EVENT", or just "EVENT";
        // "utgången av kalenderåret för EVENT", "utgången av det kalenderår då EVENT".
        let the = t.eat("the");
        let anchor = if t.eat("end") {
            t.expect("of", "in `end of calendar year of …`")?;
            t.eat("the");
            t.eat("calendar");
            t.expect("year", "in `end of calendar year of …`")?;
            let linked = t.eat("of") || (t.eat("in") && t.eat("which"));
            if !linked {
                return Err(t.error("expected `of` and an event".into()));
            }
            Anchor::EndOfCalendarYear(event(t, self.custom)?)
        } else if the {
            return Err(t.error("expected `end` in `the end of the calendar year of …`".into()));
        } else if t.eat("utgången") {
            t.expect("av", "in `utgången av kalenderåret för …`")?;
            let linked = (t.eat("kalenderåret") && (t.eat("för") || t.eat("då")))
                || (t.eat("det")
                    && t.eat("kalenderår")
                    && (t.eat("då") || t.eat("för") || t.eat_all("under vilket")));
            if !linked {
                return Err(t.error("expected `kalenderåret för` and an event".into()));
            }
            Anchor::EndOfCalendarYear(event(t, self.custom)?)
        } else {
            Anchor::Event(event(t, self.custom)?)
        };
        Ok(RetentionRule::After { period, anchor })
    }
}

/// The text after `for`: to the end, or to a following `, but at least|most …`.
fn free_text(t: &mut Tokens<'_>) -> Result<String, RetentionParseError> {
    let from = t.pos;
    while t.peek().is_some() {
        let save = t.pos;
        t.eat(",");
        let marker = [
            "but at least",
            "but at most",
            "but no longer than",
            "men minst",
            "men högst",
            "men längst",
        ]
        .iter()
        .any(|m| {
            let words: Vec<&str> = m.split(' ').collect();
            words.iter().enumerate().all(|(i, w)| t.peek_is(i, w))
        });
        t.pos = save;
        if marker {
            break;
        }
        t.next();
    }
    let at = t.span_since(from);
    match t
        .text
        .get(at.clone())
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Ok(s.to_owned()),
        None => Err(t.error("expected what it is necessary for after `for`".into())),
    }
}

/// Swedish phrases read as built-in events: a documented subset, the phrases a Swedish
/// policy uses. Registers may always write the key.
const SV_EVENTS: [(&str, Event); 19] = [
    ("insamlingen", Event::Collected),
    ("uppgifterna samlades in", Event::Collected),
    ("din senaste aktivitet", Event::LastActivity),
    ("senaste aktivitet", Event::LastActivity),
    ("avslutat kundförhållande", Event::ContractEnd),
    ("kundförhållandets slut", Event::ContractEnd),
    ("kundförhållandet upphörde", Event::ContractEnd),
    ("avslutat konto", Event::AccountClosed),
    ("återkallat samtycke", Event::ConsentWithdrawn),
    ("räkenskapsårets slut", Event::FinancialYearEnd),
    ("räkenskapsårets utgång", Event::FinancialYearEnd),
    ("räkenskapsåret avslutades", Event::FinancialYearEnd),
    ("avslutad rekrytering", Event::RecruitmentEnd),
    ("rekryteringens avslut", Event::RecruitmentEnd),
    ("avslutat ärende", Event::RequestClosed),
    ("ärendet avslutades", Event::RequestClosed),
    ("avslutad prenumeration", Event::SubscriptionEnd),
    ("samtycket återkallas", Event::ConsentWithdrawn),
    ("ditt samtycke återkallas", Event::ConsentWithdrawn),
];

/// The built-in event whose words, as a notice prints them (`Event::noun` and the
/// clause, Swedish or English), come next; eats them.
fn notice_event(t: &mut Tokens<'_>, custom: &[&str]) -> Option<Event> {
    // A key the register declares is its own event, whatever it looks like.
    if t.peek().is_some_and(|(_, w)| custom.contains(&w)) {
        return None;
    }
    // Longest phrase first, so "att du återkallat ditt samtycke" wins over a shorter one.
    let mut phrases: Vec<(&'static str, Event)> = builtin_events()
        .into_iter()
        .flat_map(|w| {
            [w.noun.0, w.noun.1, w.clause.0, w.clause.1]
                .into_iter()
                .map(move |p| (p, w.event.clone()))
        })
        .chain(SV_EVENTS)
        .collect();
    phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.split(' ').count()));
    let event = phrases
        .into_iter()
        .find(|(phrase, _)| t.eat_all(phrase))
        .map(|(_, e)| e)?;
    // The notice once wrote "din senaste aktivitet hos oss" / "your last activity with us";
    // pasted back, the trailing words name no other event.
    if event == Event::LastActivity {
        let _ = ["hos oss", "hos mig", "with us", "with me"]
            .iter()
            .any(|w| t.eat_all(w));
    }
    Some(event)
}

/// A notice's words for a lasting state ("tills du återkallar ditt samtycke", "as long as
/// the customer relationship lasts"), alone (`until` the event) or followed by "och två år
/// därefter" / "and two years after that" (that period after the event).
fn lasting_rule(t: &mut Tokens<'_>) -> Option<RetentionRule> {
    let start = t.pos;
    let event = builtin_events().into_iter().find_map(|w| {
        let (sv, en) = w.lasting?;
        (t.eat_all(sv) || t.eat_all(en)).then_some(w.event)
    })?;
    let after = t.pos;
    if t.eat("och") || t.eat("and") {
        let amount = t.next().and_then(|(_, w)| number(w));
        let unit = t.next().and_then(|(_, w)| unit(w));
        if let (Some(amount), Some(unit)) = (amount, unit)
            && (t.eat("därefter") || t.eat_all("after that"))
        {
            let period = Period { amount, unit };
            if amount == 0 || period.is_too_long() {
                // Let the period's own checks report it.
                t.pos = start;
                return None;
            }
            return Some(RetentionRule::After {
                period,
                anchor: Anchor::Event(event),
            });
        }
    }
    t.pos = after;
    Some(RetentionRule::Until { event })
}

fn event(t: &mut Tokens<'_>, custom: &[&str]) -> Result<Event, RetentionParseError> {
    if let Some(e) = notice_event(t, custom) {
        return Ok(e);
    }
    let at = t.here();
    let Some((_, w)) = t.next() else {
        return Err(RetentionParseError {
            message:
                "expected an event such as `collected` or `contract_end`, found the end of the rule"
                    .into(),
            at,
            help: Some(format!("events: {}", BUILTIN_EVENT_KEYS.join(", "))),
        });
    };
    if let Some(e) = Event::builtin(w) {
        return Ok(e);
    }
    if custom.contains(&w) {
        return Ok(Event::Custom(w.to_owned()));
    }
    let candidates = BUILTIN_EVENT_KEYS
        .iter()
        .copied()
        .chain(custom.iter().copied());
    Err(RetentionParseError {
        message: format!("unknown event `{w}`"),
        at,
        help: collection_hint(w)
            .or_else(|| suggestion(w, candidates))
            .or_else(|| {
                Some(format!(
                    "events: {} (or declare your own with [[event]])",
                    BUILTIN_EVENT_KEYS.join(", ")
                ))
            }),
    })
}

/// "insamling" (without the article) for the collection: the words skydd reads are
/// `insamlingen` and the key `collected`.
fn collection_hint(word: &str) -> Option<String> {
    matches!(
        word.to_lowercase().as_str(),
        "insamling" | "insamlandet" | "insamlade" | "collection" | "collect"
    )
    .then(|| "did you mean `insamlingen` (the event `collected`)?".to_owned())
}

/// The statutes `as required by` accepts: those that set a period (not a note).
fn statute_keys() -> Vec<&'static str> {
    crate::law::statutes()
        .iter()
        .filter(|s| s.kind != crate::law::StatuteKind::Note)
        .map(|s| s.key)
        .collect()
}

/// A statute key after `as required by`: one skydd knows the minimum of.
fn statute(t: &mut Tokens<'_>) -> Result<RetentionRule, RetentionParseError> {
    let at = t.here();
    let Some((_, w)) = t.next() else {
        return Err(RetentionParseError {
            message: "expected a statute, found the end of the rule".into(),
            at,
            help: Some(format!("known statutes: {}", statute_keys().join(", "))),
        });
    };
    let key = w.to_lowercase();
    match crate::law::statute(&key) {
        // A statute skydd knows only as a note (arkivlagen binds public authorities, not
        // companies) sets no period a register can be held to.
        Some(s) if s.kind == crate::law::StatuteKind::Note => Err(RetentionParseError {
            message: format!(
                "{} sets no retention period skydd can enforce: it binds public authorities, not companies",
                s.citation
            ),
            at,
            help: Some(
                "write the period the data is kept (e.g. `10 years after collected`), or `as long as necessary for …`; an authority writes the period of its gallringsbeslut".into(),
            ),
        }),
        Some(s) => Ok(RetentionRule::AsRequiredBy {
            statute: s.key.to_owned(),
            minimum: Box::new(s.minimum),
        }),
        None => {
            let keys = statute_keys();
            Err(RetentionParseError {
                message: format!("unknown statute `{w}`"),
                at,
                help: suggestion(&key, keys.iter().copied())
                    .or_else(|| Some(format!("known statutes: {}", keys.join(", ")))),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn cal() -> FinancialYears {
        FinancialYears::calendar()
    }

    fn rule(s: &str) -> RetentionRule {
        parse(s, &["ticket_closed"]).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_every_period_the_seeds_use() {
        let cases = [
            ("45 days after collected", "45 days after collected"),
            ("2 years after contract_end", "2 years after contract_end"),
            (
                "two years after last_activity",
                "2 years after last_activity",
            ),
            ("1 year after account_closed", "1 year after account_closed"),
            (
                "7 years after end of calendar year of financial_year_end",
                "7 years after end of calendar year of financial_year_end",
            ),
            (
                "seven years after the end of the calendar year in which financial_year_end",
                "7 years after end of calendar year of financial_year_end",
            ),
            ("until consent_withdrawn", "until consent_withdrawn"),
            (
                "2 years after recruitment_end",
                "2 years after recruitment_end",
            ),
            (
                "as long as necessary for handling your request",
                "as long as necessary for handling your request",
            ),
            ("as long as necessary", "as long as necessary"),
            (
                "3 Months after ticket_closed",
                "3 months after ticket_closed",
            ),
        ];
        for (input, canonical) in cases {
            assert_eq!(rule(input).to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn only_as_long_as_necessary_is_unenforceable() {
        assert!(rule("45 days after collected").is_enforceable());
        assert!(rule("until consent_withdrawn").is_enforceable());
        assert!(!rule("as long as necessary for x").is_enforceable());
    }

    #[test]
    fn parse_errors_point_at_the_offending_word() {
        let e = parse("45 dayz after collected", &[]).unwrap_err();
        assert_eq!(e.at, 3..7);
        assert!(e.message.contains("unit"), "{}", e.message);

        let e = parse("2 years after contract_ends", &[]).unwrap_err();
        assert_eq!(e.at, 14..27);
        assert_eq!(e.help.as_deref(), Some("did you mean `contract_end`?"));

        let e = parse("2 years before contract_end", &[]).unwrap_err();
        assert_eq!(&"2 years before contract_end"[e.at.clone()], "before");

        let e = parse("forever", &[]).unwrap_err();
        assert_eq!(e.at, 0..7);

        let e = parse("until consent_withdrawn please", &[]).unwrap_err();
        assert!(e.message.starts_with("unexpected text"), "{}", e.message);

        let e = parse("", &[]).unwrap_err();
        assert_eq!(e.message, "the retention rule is empty");

        let e = parse("as long as necessary for", &[]).unwrap_err();
        assert!(e.message.contains("necessary for"), "{}", e.message);
    }

    #[test]
    fn forty_five_days_after_collection_is_due_on_the_forty_sixth_day() {
        let r = rule("45 days after collected");
        assert_eq!(r.due_on(d("2026-01-01"), &cal()), Some(d("2026-02-16")));
    }

    #[test]
    fn a_year_after_a_leap_day_ends_on_the_last_of_february() {
        // Lag (1930:173): no 29 February in 2025, so the year ends on the 28th.
        let r = rule("1 year after account_closed");
        assert_eq!(r.due_on(d("2024-02-29"), &cal()), Some(d("2025-03-01")));
        // Four years after a leap day lands on a leap day again.
        let r = rule("4 years after account_closed");
        assert_eq!(r.due_on(d("2024-02-29"), &cal()), Some(d("2028-03-01")));
    }

    #[test]
    fn a_month_after_the_thirty_first_ends_at_the_end_of_a_shorter_month() {
        let r = rule("1 month after request_closed");
        assert_eq!(r.due_on(d("2026-01-31"), &cal()), Some(d("2026-03-01")));
        assert_eq!(r.due_on(d("2024-01-31"), &cal()), Some(d("2024-03-01")));
        assert_eq!(r.due_on(d("2026-03-31"), &cal()), Some(d("2026-05-01")));
    }

    #[test]
    fn bookkeeping_records_are_kept_through_the_seventh_year_after_the_calendar_year() {
        // Bokföringslagen 7 kap. 2 §: a financial year ending 30 June 2024 ends in calendar
        // year 2024; the records are kept through 2031 and are due on 1 January 2032.
        let r = rule("7 years after end of calendar year of financial_year_end");
        assert_eq!(r.due_on(d("2024-06-30"), &cal()), Some(d("2032-01-01")));
        assert_eq!(r.due_on(d("2024-12-31"), &cal()), Some(d("2032-01-01")));
        assert_eq!(r.due_on(d("2025-01-01"), &cal()), Some(d("2033-01-01")));
    }

    #[test]
    fn until_an_event_is_due_the_day_it_happens() {
        assert_eq!(
            rule("until consent_withdrawn").due_on(d("2026-05-05"), &cal()),
            Some(d("2026-05-05"))
        );
        assert_eq!(
            rule("as long as necessary").due_on(d("2026-05-05"), &cal()),
            None
        );
    }

    #[test]
    fn the_cutoff_is_the_last_event_day_that_is_due() {
        let cases = [
            ("45 days after collected", "2026-02-16", "2026-01-01"),
            ("1 month after request_closed", "2026-03-01", "2026-01-31"),
            ("1 month after request_closed", "2026-02-28", "2026-01-27"),
            ("1 year after account_closed", "2025-03-01", "2024-02-29"),
            (
                "7 years after end of calendar year of financial_year_end",
                "2032-01-01",
                "2024-12-31",
            ),
            (
                "7 years after end of calendar year of financial_year_end",
                "2031-12-31",
                "2023-12-31",
            ),
        ];
        for (r, today, cutoff) in cases {
            let rule = rule(r);
            let c = rule.cutoff(d(today), &cal()).unwrap();
            assert_eq!(c, d(cutoff), "{r} on {today}");
            // The definition: the cutoff is due, the day after is not.
            assert!(rule.due_on(c, &cal()).unwrap() <= d(today));
            assert!(rule.due_on(c.tomorrow().unwrap(), &cal()).unwrap() > d(today));
        }
    }

    #[test]
    fn the_cutoff_agrees_with_due_on_for_every_day_of_a_leap_cycle() {
        let rules = [
            "1 month after collected",
            "2 years after contract_end",
            "13 months after last_activity",
        ];
        for r in rules {
            let rule = rule(r);
            let mut today = d("2027-01-01");
            for _ in 0..1461 {
                let c = rule.cutoff(today, &cal()).unwrap();
                assert!(rule.due_on(c, &cal()).unwrap() <= today, "{r} {today}");
                assert!(
                    rule.due_on(c.tomorrow().unwrap(), &cal()).unwrap() > today,
                    "{r} {today}"
                );
                today = today.tomorrow().unwrap();
            }
        }
    }

    #[test]
    fn comparing_with_a_statutory_minimum() {
        let bfl = rule("7 years after end of calendar year of financial_year_end");
        assert_eq!(
            rule("7 years after financial_year_end").at_least(&bfl),
            Some(false)
        );
        assert_eq!(
            rule("8 years after financial_year_end").at_least(&bfl),
            Some(true)
        );
        assert_eq!(
            rule("10 years after end of calendar year of financial_year_end").at_least(&bfl),
            Some(true)
        );
        assert_eq!(rule("2 years after contract_end").at_least(&bfl), None);
        assert_eq!(rule("as long as necessary").at_least(&bfl), None);
    }

    #[test]
    fn data_is_collected_no_later_than_the_year_the_contract_or_the_recruitment_ends() {
        let bfl = rule("7 years after end of calendar year of financial_year_end");
        // Shorter than the statute's period: too short for every record.
        for r in [
            "1 year after collected",
            "45 days after collected",
            "7 years after collected",
        ] {
            assert_eq!(rule(r).at_least(&bfl), Some(false), "{r}");
        }
        // As long on the same day, but a record collected years before its financial year
        // ended may still go too early: cannot tell.
        assert_eq!(rule("8 years after collected").at_least(&bfl), None);
        for minimum in [
            "5 years after contract_end",
            "2 years after recruitment_end",
        ] {
            let m = rule(minimum);
            assert_eq!(rule("1 year after collected").at_least(&m), Some(false));
            assert_eq!(rule("10 years after collected").at_least(&m), None);
        }
        // The other way round: a period from the later event that lasts as long as one from
        // collection lasts at least as long for every record.
        let from_collection = rule("2 years after collected");
        assert_eq!(
            rule("2 years after contract_end").at_least(&from_collection),
            Some(true)
        );
        assert_eq!(
            rule("1 year after contract_end").at_least(&from_collection),
            Some(false)
        );
        // Unordered events stay uncomparable.
        assert_eq!(rule("1 year after last_activity").at_least(&bfl), None);
        assert_eq!(rule("1 year after account_closed").at_least(&bfl), None);
        assert_eq!(
            rule("1 year after collected").at_least(&rule("1 year after last_activity")),
            None
        );
        assert!(!never_later(&Event::ContractEnd, &Event::Collected));
        assert!(!never_later(&Event::Collected, &Event::LastActivity));
    }

    #[test]
    fn rules_read_as_the_seeds_write_them() {
        let n = &NoCustomEvents;
        let cases = [
            (
                "2 years after contract_end",
                "Så länge kundförhållandet varar och två år därefter",
                "As long as the customer relationship lasts and two years after that",
            ),
            (
                "45 days after collected",
                "45 dagar efter insamlingen",
                "45 days after collection",
            ),
            (
                "2 years after last_activity",
                "Två år efter din senaste aktivitet",
                "Two years after your last activity",
            ),
            (
                "1 year after account_closed",
                "Så länge du har ett konto och ett år därefter",
                "As long as you have an account and one year after that",
            ),
            (
                "7 years after end of calendar year of financial_year_end",
                "Sju år efter utgången av det kalenderår då räkenskapsåret avslutades",
                "Seven years after the end of the calendar year in which the financial year ended",
            ),
            (
                "until consent_withdrawn",
                "Tills du återkallar ditt samtycke",
                "Until you withdraw your consent",
            ),
            (
                "2 years after recruitment_end",
                "Så länge rekryteringen pågår och två år därefter",
                "While the recruitment lasts and two years after that",
            ),
            (
                "1 month after request_closed",
                "Så länge ditt ärende pågår och en månad därefter",
                "While your request is being handled and one month after that",
            ),
            (
                "as long as necessary",
                "Så länge det är nödvändigt för ändamålet",
                "As long as necessary for the purpose",
            ),
            (
                "as long as necessary for handling your request",
                "Så länge det är nödvändigt för ändamålet",
                "As long as necessary for handling your request",
            ),
        ];
        for (r, sv, en) in cases {
            assert_eq!(rule(r).describe(Lang::Sv, n), sv);
            assert_eq!(rule(r).describe(Lang::En, n), en);
        }
    }

    #[test]
    fn custom_events_use_the_registers_names() {
        struct Names;
        impl EventNames for Names {
            fn name(&self, key: &str, lang: Lang) -> Option<String> {
                (key == "ticket_closed").then(|| {
                    lang.pick("att ärendet stängts", "the ticket is closed")
                        .to_owned()
                })
            }
        }
        assert_eq!(
            rule("3 months after ticket_closed").describe(Lang::Sv, &Names),
            "Tre månader efter att ärendet stängts"
        );
    }

    fn broken() -> FinancialYears {
        // 1 July – 30 June.
        FinancialYears {
            start_month: 7,
            irregular: Vec::new(),
        }
    }

    const BFL: &str = "7 years after end of calendar year of financial_year_end";

    #[test]
    fn an_invoice_in_a_broken_financial_year_is_kept_through_the_seventh_year_after_the_year_ends()
    {
        // Bokföringslagen 7 kap. 2 §, financial year 1 July – 30 June: an invoice of
        // 15 September 2025 belongs to the year ending 30 June 2026, so it is kept through
        // 31 December 2033 (the calendar year would erase it a year early).
        let r = rule(BFL);
        assert_eq!(
            broken().end_of_year_containing(d("2025-09-15")),
            Some(d("2026-06-30"))
        );
        assert_eq!(r.due_on(d("2025-09-15"), &broken()), Some(d("2034-01-01")));
        assert_eq!(r.due_on(d("2025-09-15"), &cal()), Some(d("2033-01-01")));
        // The year's last and first days.
        assert_eq!(r.due_on(d("2025-06-30"), &broken()), Some(d("2033-01-01")));
        assert_eq!(r.due_on(d("2025-07-01"), &broken()), Some(d("2034-01-01")));
        // A column holding the financial year's last day gives the same end.
        assert_eq!(r.due_on(d("2026-06-30"), &broken()), Some(d("2034-01-01")));
    }

    #[test]
    fn the_calendar_year_by_default_leaves_every_date_as_it_was() {
        let years = FinancialYears::default();
        assert!(years.is_calendar());
        let mut day = d("2023-01-01");
        for _ in 0..(3 * 366) {
            assert_eq!(years.end_of_year_containing(day), Some(day.last_of_year()));
            day = day.tomorrow().unwrap();
        }
        // Every other event is the column's own day.
        assert_eq!(
            broken().event_day(&Event::ContractEnd, d("2025-09-15")),
            Some(d("2025-09-15"))
        );
    }

    #[test]
    fn a_changed_financial_year_ends_where_the_register_says_and_the_new_years_follow() {
        // Calendar years, then a shortened year 1 January – 30 June 2025 (BFL 3 kap. 3 §),
        // then 1 July – 30 June.
        let years = FinancialYears {
            start_month: 1,
            irregular: vec![(d("2025-01-01"), d("2025-06-30"))],
        };
        let end = |s: &str| years.end_of_year_containing(d(s)).unwrap().to_string();
        assert_eq!(end("2024-07-01"), "2024-12-31");
        assert_eq!(end("2025-01-01"), "2025-06-30");
        assert_eq!(end("2025-06-30"), "2025-06-30");
        assert_eq!(end("2025-07-01"), "2026-06-30");
        assert_eq!(end("2027-02-01"), "2027-06-30");
        // Extended to eighteen months instead: 1 January 2024 – 30 June 2025.
        let years = FinancialYears {
            start_month: 1,
            irregular: vec![(d("2024-01-01"), d("2025-06-30"))],
        };
        assert_eq!(
            years.end_of_year_containing(d("2024-02-01")),
            Some(d("2025-06-30"))
        );
        assert_eq!(
            rule(BFL).due_on(d("2024-02-01"), &years),
            Some(d("2033-01-01"))
        );
        assert_eq!(
            years.end_of_year_containing(d("2023-12-31")),
            Some(d("2023-12-31"))
        );
    }

    #[test]
    fn a_first_financial_year_of_eighteen_months_keeps_its_records_from_its_end() {
        let years = FinancialYears {
            start_month: 7,
            irregular: vec![(d("2024-01-01"), d("2025-06-30"))],
        };
        assert!(FinancialYears::check_year(d("2024-01-01"), d("2025-06-30")).is_ok());
        assert_eq!(
            years.end_of_year_containing(d("2024-03-15")),
            Some(d("2025-06-30"))
        );
        assert_eq!(
            years.end_of_year_containing(d("2025-07-01")),
            Some(d("2026-06-30"))
        );
        // An invoice of March 2024 is kept through 2032, not 2031.
        assert_eq!(
            rule(BFL).due_on(d("2024-03-15"), &years),
            Some(d("2033-01-01"))
        );
    }

    #[test]
    fn a_first_or_changed_year_over_eighteen_months_is_refused() {
        let e = FinancialYears::check_year(d("2024-01-01"), d("2025-07-31")).unwrap_err();
        assert!(e.contains("18 months"), "{e}");
        assert!(e.contains("2025-06-30"), "{e}");
        // Registered mid-month: eighteen months from 15 March 2024 run through
        // 14 September 2025, so the year ends at the latest on 31 August.
        assert!(FinancialYears::check_year(d("2024-03-15"), d("2025-08-31")).is_ok());
        let e = FinancialYears::check_year(d("2024-03-15"), d("2025-09-30")).unwrap_err();
        assert!(e.contains("2025-08-31"), "{e}");
        // A year ends on the last day of a month, and not before it starts.
        let e = FinancialYears::check_year(d("2024-01-01"), d("2024-02-28")).unwrap_err();
        assert!(e.contains("2024-02-29"), "{e}");
        assert!(FinancialYears::check_year(d("2024-05-01"), d("2024-04-30")).is_err());
    }

    #[test]
    fn financial_years_across_leap_days_and_month_ends() {
        // March – February: the year ends on 29 February in a leap year.
        let years = FinancialYears {
            start_month: 3,
            irregular: Vec::new(),
        };
        let end = |s: &str| years.end_of_year_containing(d(s)).unwrap().to_string();
        assert_eq!(end("2023-03-01"), "2024-02-29");
        assert_eq!(end("2024-02-29"), "2024-02-29");
        assert_eq!(end("2024-03-01"), "2025-02-28");
        // Eighteen months from 1 September 2023 end on 28 February 2025.
        assert!(FinancialYears::check_year(d("2023-09-01"), d("2025-02-28")).is_ok());
        assert!(FinancialYears::check_year(d("2023-09-01"), d("2025-03-31")).is_err());
        // A year after a financial year ending on a leap day ends on 28 February.
        assert_eq!(
            rule("1 year after financial_year_end").due_on(d("2023-06-01"), &years),
            Some(d("2025-03-01"))
        );
    }

    #[test]
    fn the_cutoff_agrees_with_due_on_under_broken_and_changed_financial_years() {
        let calendars = [
            broken(),
            FinancialYears {
                start_month: 1,
                irregular: vec![(d("2025-01-01"), d("2025-06-30"))],
            },
            FinancialYears {
                start_month: 7,
                irregular: vec![(d("2024-01-01"), d("2025-06-30"))],
            },
        ];
        for years in &calendars {
            for r in [
                BFL,
                "1 year after financial_year_end",
                "until financial_year_end",
            ] {
                let rule = rule(r);
                let mut today = d("2026-01-01");
                for _ in 0..(10 * 366) {
                    let c = rule.cutoff(today, years).unwrap();
                    assert!(rule.due_on(c, years).unwrap() <= today, "{r} {today}");
                    assert!(
                        rule.due_on(c.tomorrow().unwrap(), years).unwrap() > today,
                        "{r} {today}"
                    );
                    today = today.checked_add(3.days()).unwrap();
                }
            }
        }
    }

    #[test]
    fn swedish_rules_parse_to_the_english_canonical_form() {
        let cases = [
            ("45 dagar efter collected", "45 days after collected"),
            ("en dag efter collected", "1 day after collected"),
            (
                "en vecka efter request_closed",
                "1 week after request_closed",
            ),
            (
                "tre veckor efter request_closed",
                "3 weeks after request_closed",
            ),
            (
                "12 månader efter last_activity",
                "12 months after last_activity",
            ),
            (
                "tolv månader efter last_activity",
                "12 months after last_activity",
            ),
            (
                "en månad efter request_closed",
                "1 month after request_closed",
            ),
            ("ett år efter account_closed", "1 year after account_closed"),
            ("två år efter contract_end", "2 years after contract_end"),
            (
                "två år efter avslutat kundförhållande",
                "2 years after contract_end",
            ),
            (
                "tolv månader efter din senaste aktivitet",
                "12 months after last_activity",
            ),
            (
                "sju år efter utgången av det kalenderår då räkenskapsåret avslutades",
                BFL,
            ),
            ("tills återkallat samtycke", "until consent_withdrawn"),
            ("i två år efter contract_end", "2 years after contract_end"),
            ("Två ÅR efter contract_end", "2 years after contract_end"),
            (
                "sju år efter utgången av kalenderåret för financial_year_end",
                BFL,
            ),
            (
                "sju år efter utgången av det kalenderår då financial_year_end",
                BFL,
            ),
            ("tills consent_withdrawn", "until consent_withdrawn"),
            ("till consent_withdrawn", "until consent_withdrawn"),
            ("så länge det är nödvändigt", "as long as necessary"),
            (
                "så länge det är nödvändigt för att hantera ditt ärende",
                "as long as necessary for att hantera ditt ärende",
            ),
            (
                "som krävs enligt bokforingslagen",
                "as required by bokforingslagen",
            ),
            (
                "det senare av två år efter last_activity och som krävs enligt bokforingslagen",
                "the later of 2 years after last_activity and as required by bokforingslagen",
            ),
            (
                "två år efter last_activity, men minst sju år efter utgången av kalenderåret för financial_year_end",
                "the later of 2 years after last_activity and 7 years after end of calendar year of financial_year_end",
            ),
            (
                "tills consent_withdrawn, men högst två år efter last_activity",
                "the earlier of until consent_withdrawn and 2 years after last_activity",
            ),
            (
                "det tidigare av tills consent_withdrawn och två år efter last_activity",
                "the earlier of until consent_withdrawn and 2 years after last_activity",
            ),
        ];
        for (input, canonical) in cases {
            assert_eq!(rule(input).to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn two_criteria_and_statutes_parse_in_english_and_round_trip() {
        let cases = [
            (
                "2 years after last_activity, but at least until 7 years after end of calendar year of financial_year_end",
                "the later of 2 years after last_activity and 7 years after end of calendar year of financial_year_end",
            ),
            (
                "the later of 2 years after last_activity and as required by bokforingslagen",
                "the later of 2 years after last_activity and as required by bokforingslagen",
            ),
            (
                "until consent_withdrawn, but at most 2 years after last_activity",
                "the earlier of until consent_withdrawn and 2 years after last_activity",
            ),
            (
                "as long as necessary for handling your request, but at most 1 year after request_closed",
                "as long as necessary for handling your request, but at most 1 year after request_closed",
            ),
            (
                "the earlier of the later of 1 year after collected and 2 years after contract_end and until consent_withdrawn",
                "the earlier of the later of 1 year after collected and 2 years after contract_end and until consent_withdrawn",
            ),
            (
                "as required by bokforingslagen",
                "as required by bokforingslagen",
            ),
            (
                "as long as required by penningtvattslagen",
                "as required by penningtvattslagen",
            ),
        ];
        for (input, canonical) in cases {
            let r = rule(input);
            assert_eq!(r.to_string(), canonical, "{input}");
            assert_eq!(rule(&r.to_string()), r, "round trip of {input}");
        }
        // The statute's period is skydd's own.
        let RetentionRule::AsRequiredBy { minimum, .. } = rule("as required by bokforingslagen")
        else {
            panic!("not a statute rule");
        };
        assert_eq!(minimum.to_string(), BFL);
    }

    #[test]
    fn a_bare_minimum_is_not_an_end_and_the_error_says_what_to_write() {
        let text = "at least 10 years after last_activity";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(&text[e.at.clone()], "at least");
        let help = e.help.unwrap();
        assert!(help.contains("`10 years after last_activity`"), "{help}");
        assert!(help.contains("statute ="), "{help}");
        assert!(help.contains("retention-shorter-than-obligation"), "{help}");
        let text = "minst 10 år efter last_activity";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(&text[e.at.clone()], "minst");
    }

    #[test]
    fn as_long_as_the_law_requires_must_name_a_known_statute() {
        let text = "as long as the law requires";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(e.at, 0..text.len());
        let help = e.help.unwrap();
        assert!(
            help.contains("bokforingslagen") && help.contains("penningtvattslagen"),
            "{help}"
        );
        let e = parse("så länge lagen kräver", &[]).unwrap_err();
        assert!(e.help.unwrap().contains("as required by"));
        let text = "as required by bokforingslag";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(&text[e.at.clone()], "bokforingslag");
        assert_eq!(e.help.as_deref(), Some("did you mean `bokforingslagen`?"));
    }

    #[test]
    fn errors_in_two_criteria_point_at_the_offending_word() {
        let text = "the later of 2 years after collected";
        let e = parse(text, &[]).unwrap_err();
        assert!(e.message.contains("`and`"), "{}", e.message);
        assert_eq!(e.at, text.len()..text.len());
        let text = "the later of 2 years after collected and 3 dagz after collected";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(&text[e.at.clone()], "dagz");
        let text = "the later of as long as necessary for x and 2 years after collected";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(&text[e.at.clone()], "for");
        let text = "2 years after collected, but 3 years after contract_end";
        let e = parse(text, &[]).unwrap_err();
        assert_eq!(&text[e.at.clone()], ",");
        let deep = "the later of ".repeat(6) + "1 day after collected";
        let e = parse(&deep, &[]).unwrap_err();
        assert!(e.message.contains("nest"), "{}", e.message);
    }

    #[test]
    fn the_later_of_two_rules_is_due_when_both_have_run_out() {
        let r = rule(
            "2 years after last_activity, but at least until 7 years after end of calendar year of financial_year_end",
        );
        let day = |e: &Event| match e {
            Event::LastActivity => Some(d("2030-05-01")),
            Event::FinancialYearEnd => Some(d("2025-09-15")),
            _ => None,
        };
        // Broken year: bookkeeping runs to 2033-12-31; the last activity to 2032-05-01.
        assert_eq!(r.due(&day, &broken()), Some(d("2034-01-01")));
        let later = |e: &Event| match e {
            Event::LastActivity => Some(d("2033-06-01")),
            _ => day(e),
        };
        assert_eq!(r.due(&later, &broken()), Some(d("2035-06-02")));
        // An event that has not happened keeps the data.
        let no_activity = |e: &Event| (*e == Event::FinancialYearEnd).then(|| d("2025-09-15"));
        assert_eq!(r.due(&no_activity, &broken()), None);
        // As conditions: both columns before their cutoffs, in one alternative.
        let when = r.due_when(d("2034-01-01"), &broken()).unwrap();
        assert_eq!(
            when,
            vec![vec![
                (Event::LastActivity, d("2031-12-31")),
                (Event::FinancialYearEnd, d("2026-06-30")),
            ]]
        );
    }

    #[test]
    fn the_earlier_of_two_rules_is_due_when_either_has_run_out() {
        let r = rule("until consent_withdrawn, but at most 2 years after last_activity");
        let both = |e: &Event| match e {
            Event::ConsentWithdrawn => Some(d("2026-03-01")),
            Event::LastActivity => Some(d("2025-01-10")),
            _ => None,
        };
        assert_eq!(r.due(&both, &cal()), Some(d("2026-03-01")));
        let active = |e: &Event| (*e == Event::LastActivity).then(|| d("2025-01-10"));
        assert_eq!(r.due(&active, &cal()), Some(d("2027-01-11")));
        // Two alternatives: either column before its cutoff.
        let when = r.due_when(d("2027-01-11"), &cal()).unwrap();
        assert_eq!(
            when,
            vec![
                vec![(Event::ConsentWithdrawn, d("2027-01-11"))],
                vec![(Event::LastActivity, d("2025-01-10"))],
            ]
        );
        // "As long as necessary, but at most …" is enforced by its second half.
        let r = rule("as long as necessary for support, but at most 1 year after request_closed");
        assert!(r.is_enforceable());
        assert_eq!(r.due_on(d("2026-01-31"), &cal()), Some(d("2027-02-01")));
        assert!(
            !rule("the later of as long as necessary and 1 year after collected").is_enforceable()
        );
    }

    #[test]
    fn two_criteria_and_statutes_read_well_in_swedish_and_english() {
        let n = &NoCustomEvents;
        let cases = [
            (
                "2 years after last_activity, but at least as required by bokforingslagen",
                "Två år efter din senaste aktivitet, men minst så länge lagen kräver (Bokföringslagen (1999:1078) 7 kap. 2 §): sju år efter utgången av det kalenderår då räkenskapsåret avslutades",
                "Two years after your last activity, but at least as long as the law requires (Bokföringslagen (1999:1078) 7 kap. 2 §): seven years after the end of the calendar year in which the financial year ended",
            ),
            (
                "until consent_withdrawn, but at most 2 years after last_activity",
                "Tills du återkallar ditt samtycke, men högst två år efter din senaste aktivitet",
                "Until you withdraw your consent, but at most two years after your last activity",
            ),
        ];
        for (r, sv, en) in cases {
            assert_eq!(rule(r).describe(Lang::Sv, n), sv);
            assert_eq!(rule(r).describe(Lang::En, n), en);
        }
    }

    #[test]
    fn two_criteria_compared_with_a_statutory_minimum() {
        let bfl = rule(BFL);
        assert_eq!(
            rule(
                "the later of 2 years after financial_year_end and as required by bokforingslagen"
            )
            .at_least(&bfl),
            Some(true)
        );
        assert_eq!(
            rule("the earlier of 10 years after financial_year_end and 2 years after financial_year_end").at_least(&bfl),
            Some(false)
        );
        assert_eq!(
            rule("as required by bokforingslagen").at_least(&bfl),
            Some(true)
        );
    }

    #[test]
    fn the_conditions_of_two_criteria_select_exactly_the_rows_that_are_due() {
        // For every pair of event days on a grid, a row meets one alternative of
        // `due_when(today)` exactly when `due` is on or before today.
        let rules = [
            "2 years after last_activity, but at least as required by bokforingslagen",
            "until consent_withdrawn, but at most 2 years after last_activity",
            "the earlier of the later of 1 year after last_activity and until financial_year_end and 3 years after consent_withdrawn",
        ];
        let today = d("2030-03-01");
        for r in rules {
            let rule = rule(r);
            let when = rule.due_when(today, &broken()).unwrap();
            let mut a = d("2022-01-01");
            while a < d("2031-01-01") {
                let mut b = d("2022-01-01");
                while b < d("2031-01-01") {
                    let day = |e: &Event| match e {
                        Event::LastActivity => Some(a),
                        _ => Some(b),
                    };
                    let meets = when
                        .iter()
                        .any(|alt| alt.iter().all(|(e, last)| day(e).unwrap() <= *last));
                    let due = rule.due(&day, &broken()).is_some_and(|due| due <= today);
                    assert_eq!(meets, due, "{r}: {a} {b}");
                    b = b.checked_add(17.days()).unwrap();
                }
                a = a.checked_add(13.days()).unwrap();
            }
        }
    }
    #[test]
    fn a_period_longer_than_two_hundred_years_is_refused_at_the_number() {
        for text in [
            "99999 years after collected",
            "9999 years after collected",
            "4294967295 days after collected",
            "201 years after collected",
            "2401 months after collected",
            "99999 years after end of calendar year of financial_year_end",
            "the later of 99999 years after collected and 1 year after contract_end",
        ] {
            let e = parse(text, &[]).unwrap_err();
            assert!(
                e.message.contains("longer than 200 years"),
                "{text}: {}",
                e.message
            );
            assert!(
                text[e.at.clone()].starts_with("99999")
                    || text[e.at.clone()]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit()),
                "{text}: {:?}",
                e.at
            );
        }
        let e = parse("99999 years after collected", &[]).unwrap_err();
        assert_eq!(&"99999 years after collected"[e.at], "99999 years");
        // The ceiling itself is allowed.
        assert!(parse("200 years after collected", &[]).is_ok());
        assert!(parse("2400 months after collected", &[]).is_ok());
    }

    #[test]
    fn date_arithmetic_on_any_period_never_panics() {
        // Rules built without the parser (as a library user may) are total too.
        for (amount, unit) in [
            (u32::MAX, Unit::Day),
            (u32::MAX, Unit::Week),
            (u32::MAX, Unit::Month),
            (99_999, Unit::Year),
            (9_999, Unit::Year),
        ] {
            let r = RetentionRule::After {
                period: Period { amount, unit },
                anchor: Anchor::Event(Event::Collected),
            };
            let today = d("2026-06-01");
            assert_eq!(r.due_on(today, &cal()), None);
            assert!(
                r.cutoff(today, &cal()).is_none_or(|c| c.year() > 0),
                "{amount} {unit:?}"
            );
            let _ = r.due_when(today, &cal());
            assert!(Period { amount, unit }.is_too_long());
        }
    }

    #[test]
    fn a_zero_period_is_refused_it_would_keep_nothing() {
        for text in [
            "0 days after collected",
            "0 years after contract_end",
            "0 månader efter insamlingen",
        ] {
            let e = parse(text, &[]).unwrap_err();
            assert!(e.message.contains("keeps nothing"), "{text}: {}", e.message);
            assert!(
                e.help
                    .as_deref()
                    .is_some_and(|h| h.contains("until <event>"))
            );
            assert_eq!(
                &text[e.at.clone()],
                &text[..text.find(" after").or(text.find(" efter")).unwrap()]
            );
        }
    }

    #[test]
    fn the_old_notice_wording_of_the_last_activity_with_us_reads_back() {
        for text in [
            "ett år efter din senaste aktivitet hos oss",
            "ett år efter din senaste aktivitet hos mig",
            "one year after your last activity with us",
            "one year after your last activity with me",
        ] {
            let rule = parse(text, &[]).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(
                rule,
                parse("1 year after last_activity", &[]).unwrap(),
                "{text}"
            );
        }
        // Only after the last activity: "hos oss" names nothing after another event.
        assert!(parse("ett år efter insamlingen hos oss", &[]).is_err());
    }

    #[test]
    fn a_unit_or_event_misspelt_or_abbreviated_is_suggested_in_the_form_its_number_takes() {
        for (text, want) in [
            ("2 yrs after collected", "did you mean `years`?"),
            ("1 yr after collected", "did you mean `year`?"),
            ("24 mån efter insamlingen", "did you mean `månader`?"),
            ("1 mån efter insamlingen", "did you mean `månad`?"),
            ("6 mths after collected", "did you mean `months`?"),
            (
                "6 månader efter insamling",
                "did you mean `insamlingen` (the event `collected`)?",
            ),
        ] {
            let e = parse(text, &[]).unwrap_err();
            assert_eq!(e.help.as_deref(), Some(want), "{text}: {}", e.message);
        }
    }

    #[test]
    fn arkivlagen_sets_no_period_a_company_can_be_held_to() {
        let e = parse("as required by arkivlagen", &[]).unwrap_err();
        assert!(
            e.message.contains("sets no retention period"),
            "{}",
            e.message
        );
        assert_eq!(&"as required by arkivlagen"[e.at], "arkivlagen");
        // Its minimum reads alike in both languages.
        let arkiv = crate::law::statute("arkivlagen").unwrap();
        assert_eq!(
            arkiv.minimum.describe(Lang::Sv, &NoCustomEvents),
            "Så länge det är nödvändigt för ändamålet"
        );
        assert_eq!(
            arkiv.minimum.describe(Lang::En, &NoCustomEvents),
            "As long as necessary for the purpose"
        );
    }

    #[test]
    fn misspelt_units_and_after_get_a_suggestion() {
        let cases = [
            ("2 yeras after contract_end", "did you mean `years`?"),
            ("12 manader efter insamlingen", "did you mean `månader`?"),
            ("2 years afte contract_end", "did you mean `after`?"),
            ("2 år eftr insamlingen", "did you mean `efter`?"),
        ];
        for (text, help) in cases {
            let e = parse(text, &[]).unwrap_err();
            assert_eq!(e.help.as_deref(), Some(help), "{text}: {}", e.message);
        }
    }

    #[test]
    fn the_notices_own_words_parse_as_the_rule_they_describe() {
        let cases = [
            (
                "tills du återkallar ditt samtycke",
                "until consent_withdrawn",
            ),
            ("tills samtycket återkallas", "until consent_withdrawn"),
            ("until you withdraw your consent", "until consent_withdrawn"),
            ("enligt bokföringslagen", "as required by bokforingslagen"),
            (
                "1 år efter att ärendet avslutats",
                "1 year after request_closed",
            ),
            (
                "1 år efter att kontot avslutats",
                "1 year after account_closed",
            ),
            (
                "30 dagar efter att du återkallat ditt samtycke",
                "30 days after consent_withdrawn",
            ),
            (
                "2 år efter prenumerationens slut",
                "2 years after subscription_end",
            ),
            (
                "2 years after the end of the customer relationship",
                "2 years after contract_end",
            ),
            (
                "så länge kundförhållandet varar och två år därefter",
                "2 years after contract_end",
            ),
            ("så länge du har ett konto", "until account_closed"),
            (
                "12 månader efter insamlingen, men minst enligt bokföringslagen",
                "the later of 12 months after collected and as required by bokforingslagen",
            ),
            (
                "the later of as long as you have an account and 2 years after last_activity",
                "the later of until account_closed and 2 years after last_activity",
            ),
        ];
        for (text, canonical) in cases {
            assert_eq!(rule(text).to_string(), canonical, "{text}");
        }
        // Every built-in event's notice words read back as that event.
        for key in BUILTIN_EVENT_KEYS {
            let e = Event::builtin(key).unwrap();
            for lang in [Lang::Sv, Lang::En] {
                let r = RetentionRule::After {
                    period: Period {
                        amount: 2,
                        unit: Unit::Year,
                    },
                    anchor: Anchor::Event(e.clone()),
                };
                let text = format!("2 years after {}", e.noun(lang, &NoCustomEvents));
                assert_eq!(parse(&text, &[]), Ok(r.clone()), "{text}");
                let described = r.describe(lang, &NoCustomEvents).to_lowercase();
                assert_eq!(parse(&described, &[]), Ok(r), "{described}");
            }
        }
    }

    #[test]
    fn a_declared_event_is_not_taken_for_a_notice_phrase() {
        assert_eq!(
            parse("2 years after collection", &["collection"])
                .unwrap()
                .to_string(),
            "2 years after collection"
        );
    }

    #[test]
    fn nested_criteria_of_the_other_kind_are_bracketed_so_the_two_nestings_read_apart() {
        let n = &NoCustomEvents;
        // max(A, min(B, C)) keeps data longer than min(max(A, B), C).
        let a = rule(
            "the later of 2 years after contract_end and the earlier of 5 years after collected and 1 year after last_activity",
        );
        let b = rule(
            "the earlier of the later of 2 years after contract_end and 5 years after collected and 1 year after last_activity",
        );
        assert_eq!(
            a.describe(Lang::Sv, n),
            "Så länge kundförhållandet varar och två år därefter, men minst (fem år efter insamlingen, men högst ett år efter din senaste aktivitet)"
        );
        assert_eq!(
            b.describe(Lang::Sv, n),
            "(Så länge kundförhållandet varar och två år därefter, men minst fem år efter insamlingen), men högst ett år efter din senaste aktivitet"
        );
        assert_eq!(
            a.describe(Lang::En, n),
            "As long as the customer relationship lasts and two years after that, but at least (five years after collection, but at most one year after your last activity)"
        );
        assert_ne!(b.describe(Lang::En, n), a.describe(Lang::En, n));
        // The notice never promises erasure sooner than the plan does it: for `a`, the
        // sentence's outer "men minst" is the contract period, which the plan keeps to.
        let day = |e: &Event| match e {
            Event::ContractEnd => Some(d("2020-01-01")),
            Event::Collected => Some(d("2015-01-01")),
            _ => Some(d("2015-06-01")),
        };
        assert_eq!(a.due(&day, &cal()), Some(d("2022-01-02")));
        assert_eq!(b.due(&day, &cal()), Some(d("2016-06-02")));
        // The same kind needs no brackets, and one rule twice is said once.
        let c = rule(
            "the later of 1 year after collected and the later of 2 years after contract_end and 3 years after last_activity",
        );
        assert!(!c.describe(Lang::Sv, n).contains('('));
        assert_eq!(
            rule("the later of 1 year after collected and 1 year after collected")
                .describe(Lang::Sv, n),
            "Ett år efter insamlingen"
        );
    }

    #[test]
    fn a_financial_year_start_written_otherwise_gets_its_mm_dd_form() {
        for (v, m) in [
            ("7-1", 7),
            ("2025-07-01", 7),
            ("juli", 7),
            ("July", 7),
            ("sep", 9),
            ("1/9", 9),
        ] {
            assert_eq!(starts_month_guess(v), Some(m), "{v}");
        }
        assert_eq!(starts_month_guess("xx"), None);
        assert_eq!(starts_month_guess("13-01"), None);
    }
}

#[cfg(test)]
mod voice_tests {
    use super::*;

    /// The words of the first person plural, which a one-person business never says.
    const WE: [&str; 9] = [
        "vi", "oss", "vår", "vårt", "våra", "we", "us", "our", "ours",
    ];

    #[test]
    fn built_in_events_speak_only_of_you_so_they_fit_either_voice() {
        for key in BUILTIN_EVENT_KEYS {
            let e = Event::builtin(key).unwrap_or_else(|| panic!("{key}"));
            let rules = [
                RetentionRule::Until { event: e.clone() },
                RetentionRule::After {
                    period: Period {
                        amount: 1,
                        unit: Unit::Year,
                    },
                    anchor: Anchor::Event(e.clone()),
                },
                RetentionRule::After {
                    period: Period {
                        amount: 1,
                        unit: Unit::Year,
                    },
                    anchor: Anchor::EndOfCalendarYear(e.clone()),
                },
            ];
            for rule in rules {
                for lang in [Lang::Sv, Lang::En] {
                    let text = rule.describe(lang, &NoCustomEvents);
                    let we: Vec<&str> = text
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| WE.contains(&w.to_lowercase().as_str()))
                        .collect();
                    assert!(we.is_empty(), "{key}: {text:?} says {we:?}");
                }
            }
        }
    }

    #[test]
    fn long_chains_of_criteria_or_minimums_are_refused_not_a_stack_overflow() {
        let chain = String::from("until subscription_end")
            + &", but at least until subscription_end".repeat(5_000);
        let e = parse(&chain, &[]).unwrap_err();
        assert!(e.message.contains("at most 4 criteria"), "{}", e.message);
        let minimums = "minst ".repeat(20_000) + "2 years after collected";
        let e = parse(&minimums, &[]).unwrap_err();
        assert!(e.message.contains("is a minimum"), "{}", e.message);
        // Four criteria are still a rule.
        let four = "2 years after collected, but at least 1 year after contract_end, but at most 10 years after collected, but at least 3 years after collected";
        assert!(parse(four, &[]).is_ok());
    }
}
