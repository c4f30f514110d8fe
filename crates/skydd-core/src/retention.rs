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
//! ```
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
    fn span(self) -> JSpan {
        let n = i64::from(self.amount);
        match self.unit {
            Unit::Day => n.days(),
            Unit::Week => (n * 7).days(),
            Unit::Month => n.months(),
            Unit::Year => n.years(),
        }
    }

    /// `date` plus this period, by lag (1930:173): a missing day clamps to the month's end.
    /// `None` only past the calendar's end (year 9999).
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()).ok()
    }

    /// `date` minus this period, clamping the same way.
    pub fn before(self, date: Date) -> Option<Date> {
        date.checked_sub(self.span()).ok()
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
            noun: (
                "din senaste aktivitet hos oss",
                "your last activity with us",
            ),
            clause: (
                "du senast var aktiv hos oss",
                "you were last active with us",
            ),
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
                "så länge du har ett konto hos oss",
                "as long as you have an account with us",
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
}

impl RetentionRule {
    /// True when skydd can enforce it (it runs from an event a column can record).
    pub fn is_enforceable(&self) -> bool {
        !matches!(self, RetentionRule::AsLongAsNecessary { .. })
    }

    /// The event it is anchored on, if any.
    pub fn event(&self) -> Option<&Event> {
        match self {
            RetentionRule::After { anchor, .. } => Some(anchor.event()),
            RetentionRule::Until { event } => Some(event),
            RetentionRule::AsLongAsNecessary { .. } => None,
        }
    }

    /// The first day data whose anchor event happened on `event_day` is due for erasure.
    /// `None` for rules that cannot be enforced, or past the calendar's end.
    pub fn due_on(&self, event_day: Date) -> Option<Date> {
        match self {
            RetentionRule::After { period, anchor } => {
                period.after(anchor.start(event_day))?.tomorrow().ok()
            }
            RetentionRule::Until { .. } => Some(event_day),
            RetentionRule::AsLongAsNecessary { .. } => None,
        }
    }

    /// The latest event day whose data is due for erasure on `today`, i.e. rows whose anchor
    /// column is on or before this day are due. Exact also where months clamp.
    pub fn cutoff(&self, today: Date) -> Option<Date> {
        match self {
            RetentionRule::AsLongAsNecessary { .. } => None,
            RetentionRule::Until { .. } => Some(today),
            RetentionRule::After { period, .. } => {
                // due_on is monotone in the event day; search the last day with due_on <= today.
                let is_due = |d: Date| self.due_on(d).is_some_and(|due| due <= today);
                let mut lo = period.before(today)?.checked_sub(2.years()).ok()?;
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
        }
    }

    /// Whether this rule keeps data at least as long as `minimum`, for every possible event
    /// day. `None` when the two cannot be compared (different events, or unenforceable).
    pub fn at_least(&self, minimum: &RetentionRule) -> Option<bool> {
        if self.event()? != minimum.event()? {
            return None;
        }
        // Four years of start days cover every leap-year and month-length case.
        let mut day = Date::new(2023, 1, 1).ok()?;
        for _ in 0..(4 * 366) {
            let ours = self.due_on(day)?;
            let theirs = minimum.due_on(day)?;
            if ours < theirs {
                return Some(false);
            }
            day = day.tomorrow().ok()?;
        }
        Some(true)
    }

    /// The rule in plain words for a notice: "Så länge kundförhållandet varar och två år därefter".
    pub fn describe(&self, lang: Lang, names: &dyn EventNames) -> String {
        let s = match self {
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
        };
        capitalise(&s)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
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
        }
    }
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
    fn new(text: &'a str) -> Self {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    words.push((s, &text[s..i]));
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

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let w = self.peek();
        self.pos += usize::from(w.is_some());
        w
    }

    fn eat(&mut self, word: &str) -> bool {
        match self.peek() {
            Some((_, w)) if w.eq_ignore_ascii_case(word) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn here(&self) -> std::ops::Range<usize> {
        match self.peek() {
            Some((s, w)) => s..s + w.len(),
            None => self.text.len()..self.text.len(),
        }
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
`7 years after end of calendar year of financial_year_end`, `until consent_withdrawn` or \
`as long as necessary for <what>`";

fn number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return Some(n);
    }
    let w = word.to_ascii_lowercase();
    EN_NUMBERS
        .iter()
        .position(|n| *n == w)
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn unit(word: &str) -> Option<Unit> {
    match word.to_ascii_lowercase().as_str() {
        "day" | "days" => Some(Unit::Day),
        "week" | "weeks" => Some(Unit::Week),
        "month" | "months" => Some(Unit::Month),
        "year" | "years" => Some(Unit::Year),
        _ => None,
    }
}

/// Parses a rule. `custom_events` are the event keys the register declares.
pub fn parse(text: &str, custom_events: &[&str]) -> Result<RetentionRule, RetentionParseError> {
    let mut t = Tokens::new(text);
    let rule = if t.eat("until") {
        RetentionRule::Until {
            event: event(&mut t, custom_events)?,
        }
    } else if t.eat("as") {
        t.expect("long", "in `as long as necessary`")?;
        t.expect("as", "in `as long as necessary`")?;
        t.expect("necessary", "in `as long as necessary`")?;
        let purpose = if t.eat("for") || t.eat(":") {
            match t.peek() {
                Some((s, _)) => {
                    t.pos = t.words.len();
                    Some(text[s..].trim().to_owned())
                }
                None => return Err(t.error("expected what it is necessary for after `for`".into())),
            }
        } else {
            None
        };
        RetentionRule::AsLongAsNecessary { purpose }
    } else {
        let Some((_, n)) = t.peek() else {
            return Err(RetentionParseError {
                message: "the retention rule is empty".into(),
                at: 0..0,
                help: Some(GRAMMAR_HELP.into()),
            });
        };
        let Some(amount) = number(n) else {
            return Err(t.error("expected a number of days, weeks, months or years, `until` or `as long as necessary`".into()));
        };
        t.next();
        let Some(unit) = t.peek().and_then(|(_, w)| unit(w)) else {
            return Err(t.error("expected a unit: days, weeks, months or years".into()));
        };
        t.next();
        t.expect("after", "after the period")?;
        // "[the] end of [the] [calendar] year (of | in which) EVENT", or just "EVENT".
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
            Anchor::EndOfCalendarYear(event(&mut t, custom_events)?)
        } else if the {
            return Err(t.error("expected `end` in `the end of the calendar year of …`".into()));
        } else {
            Anchor::Event(event(&mut t, custom_events)?)
        };
        RetentionRule::After {
            period: Period { amount, unit },
            anchor,
        }
    };
    if t.peek().is_some() {
        return Err(t.error("unexpected text after the rule".into()));
    }
    Ok(rule)
}

fn event(t: &mut Tokens<'_>, custom: &[&str]) -> Result<Event, RetentionParseError> {
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
        help: suggestion(w, candidates).or_else(|| {
            Some(format!(
                "events: {} (or declare your own with [[event]])",
                BUILTIN_EVENT_KEYS.join(", ")
            ))
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
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
        assert_eq!(r.due_on(d("2026-01-01")), Some(d("2026-02-16")));
    }

    #[test]
    fn a_year_after_a_leap_day_ends_on_the_last_of_february() {
        // Lag (1930:173): no 29 February in 2025, so the year ends on the 28th.
        let r = rule("1 year after account_closed");
        assert_eq!(r.due_on(d("2024-02-29")), Some(d("2025-03-01")));
        // Four years after a leap day lands on a leap day again.
        let r = rule("4 years after account_closed");
        assert_eq!(r.due_on(d("2024-02-29")), Some(d("2028-03-01")));
    }

    #[test]
    fn a_month_after_the_thirty_first_ends_at_the_end_of_a_shorter_month() {
        let r = rule("1 month after request_closed");
        assert_eq!(r.due_on(d("2026-01-31")), Some(d("2026-03-01")));
        assert_eq!(r.due_on(d("2024-01-31")), Some(d("2024-03-01")));
        assert_eq!(r.due_on(d("2026-03-31")), Some(d("2026-05-01")));
    }

    #[test]
    fn bookkeeping_records_are_kept_through_the_seventh_year_after_the_calendar_year() {
        // Bokföringslagen 7 kap. 2 §: a financial year ending 30 June 2024 ends in calendar
        // year 2024; the records are kept through 2031 and are due on 1 January 2032.
        let r = rule("7 years after end of calendar year of financial_year_end");
        assert_eq!(r.due_on(d("2024-06-30")), Some(d("2032-01-01")));
        assert_eq!(r.due_on(d("2024-12-31")), Some(d("2032-01-01")));
        assert_eq!(r.due_on(d("2025-01-01")), Some(d("2033-01-01")));
    }

    #[test]
    fn until_an_event_is_due_the_day_it_happens() {
        assert_eq!(
            rule("until consent_withdrawn").due_on(d("2026-05-05")),
            Some(d("2026-05-05"))
        );
        assert_eq!(rule("as long as necessary").due_on(d("2026-05-05")), None);
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
            let c = rule.cutoff(d(today)).unwrap();
            assert_eq!(c, d(cutoff), "{r} on {today}");
            // The definition: the cutoff is due, the day after is not.
            assert!(rule.due_on(c).unwrap() <= d(today));
            assert!(rule.due_on(c.tomorrow().unwrap()).unwrap() > d(today));
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
                let c = rule.cutoff(today).unwrap();
                assert!(rule.due_on(c).unwrap() <= today, "{r} {today}");
                assert!(
                    rule.due_on(c.tomorrow().unwrap()).unwrap() > today,
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
                "Två år efter din senaste aktivitet hos oss",
                "Two years after your last activity with us",
            ),
            (
                "1 year after account_closed",
                "Så länge du har ett konto hos oss och ett år därefter",
                "As long as you have an account with us and one year after that",
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
}
