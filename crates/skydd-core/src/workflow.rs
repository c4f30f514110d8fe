//! The life of a data-subject request under GDPR Art. 12, as rules without a store or clock.
//!
//! A request exists from the day it is received (Art. 12(3) counts from receipt), whether or
//! not the person is identified yet. It is verified in a proportionate way (Art. 12(6),
//! EDPB Guidelines 01/2022 §§ 69–78: a copy of an identity document is not the default), or
//! closed because the person cannot be identified (Art. 11(2)). It is answered, refused with
//! reasons (Art. 12(4)), or withdrawn by the person. The period may be extended by up to two
//! further months, with reasons told to the person within the first month (Art. 12(3)).
//!
//! ```text
//! received ──▶ verified ──▶ in_progress ──▶ answered
//!    │   ╲         │    ╲        │
//!    │    ╲        ╰─────╲───────┴──▶ refused | withdrawn
//!    ▼     ╲──────────────╲─────────▶ refused | withdrawn
//! cannot_identify ──▶ verified (the person gave more information, Art. 11(2), 12(6))
//! ```

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::response_deadline;

/// What the person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Art. 15.
    Access,
    /// Art. 20.
    Portability,
    /// Art. 16, with the change asked for.
    Rectification,
    /// Art. 17.
    Erasure,
    /// Art. 18.
    Restriction,
    /// Art. 21.
    Objection,
    /// Art. 7(3).
    ConsentWithdrawal,
}

/// How a request reached the company. Art. 12 puts no form on a request: one by phone or
/// letter runs on the same clock as one through the privacy center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The privacy center.
    Web,
    /// E-mail.
    Email,
    /// Letter.
    Letter,
    /// Phone.
    Phone,
    /// Registered by staff from the command line.
    Cli,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received; the person is not yet identified.
    Received,
    /// The person is identified.
    Verified,
    /// Being carried out.
    InProgress,
    /// Answered (carried out, or the person told there was nothing to do).
    Answered,
    /// Refused, with reasons and the right to complain (Art. 12(4), 12(5)).
    Refused,
    /// Withdrawn by the person.
    Withdrawn,
    /// The person could not be identified (Art. 11(2)); they may give more information.
    CannotIdentify,
}

macro_rules! keyed_enum {
    ($ty:ty { $($v:ident = $k:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in order.
            pub const ALL: &[$ty] = &[$(<$ty>::$v),+];
            /// The key it is stored and written as.
            pub fn key(self) -> &'static str {
                match self { $(<$ty>::$v => $k),+ }
            }
            /// The value stored as `key`; `None` for any other text (stored data that does
            /// not read is an error for the caller, never a default).
            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($k => Some(<$ty>::$v),)+ _ => None }
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

keyed_enum!(RequestKind {
    Access = "access",
    Portability = "portability",
    Rectification = "rectification",
    Erasure = "erasure",
    Restriction = "restriction",
    Objection = "objection",
    ConsentWithdrawal = "consent_withdrawal",
});
keyed_enum!(Channel {
    Web = "web",
    Email = "email",
    Letter = "letter",
    Phone = "phone",
    Cli = "cli",
});
keyed_enum!(Status {
    Received = "received",
    Verified = "verified",
    InProgress = "in_progress",
    Answered = "answered",
    Refused = "refused",
    Withdrawn = "withdrawn",
    CannotIdentify = "cannot_identify",
});

impl Status {
    /// No further step: the request is closed.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Answered | Status::Refused | Status::Withdrawn)
    }

    /// Still to be answered by the company, on the Art. 12(3) clock: received, verified or
    /// in progress. A request whose person could not be identified waits on the person
    /// (Art. 11(2)) and is neither open nor closed.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Verified | Status::InProgress
        )
    }

    /// Whether a request may move from `self` to `to`. Answering needs a verified person:
    /// data is never disclosed or changed for someone who has not been identified (Art.
    /// 12(6)); a person who could not be identified may be verified later with more
    /// information (Art. 11(2)). Closed requests stay closed: a new request is a new record.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Received, Verified | CannotIdentify | Refused | Withdrawn)
                | (Verified, InProgress | Answered | Refused | Withdrawn)
                | (InProgress, Answered | Refused | Withdrawn)
                | (CannotIdentify, Verified | Withdrawn)
        )
    }
}

/// Why a request is refused. Each ground carries the provision the refusal rests on; the
/// refusal itself must also tell the person of the right to complain to IMY and to go to
/// court (Art. 12(4), 77, 79), which [`refusal_rights`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalGround {
    /// Art. 12(5)(b): manifestly unfounded. The controller bears the burden of proof.
    ManifestlyUnfounded,
    /// Art. 12(5)(b): excessive, in particular because repetitive. Burden of proof as above.
    Excessive,
    /// An exception in the right itself or in law: Art. 17(3), 15(4), 20(1), 21(1)'s
    /// compelling grounds, or lag (2018:218) 5 kap.
    Exception,
}

keyed_enum!(RefusalGround {
    ManifestlyUnfounded = "manifestly_unfounded",
    Excessive = "excessive",
    Exception = "exception",
});

impl RefusalGround {
    /// The provision, for the record and the letter.
    pub fn article(self) -> &'static str {
        match self {
            RefusalGround::ManifestlyUnfounded | RefusalGround::Excessive => "GDPR art. 12.5 b",
            RefusalGround::Exception => "the exception named in the reasons",
        }
    }

    /// Whether the controller must be able to show the ground (Art. 12(5), last sentence).
    pub fn burden_on_controller(self) -> bool {
        matches!(
            self,
            RefusalGround::ManifestlyUnfounded | RefusalGround::Excessive
        )
    }
}

/// The person's remedies, which a refusal must state (Art. 12(4)).
pub fn refusal_rights(lang_sv: bool) -> &'static str {
    if lang_sv {
        "Du har rätt att lämna in ett klagomål till Integritetsskyddsmyndigheten (IMY), www.imy.se, och att begära prövning i domstol (GDPR art. 12.4, 77, 79)."
    } else {
        "You have the right to lodge a complaint with the Swedish Authority for Privacy Protection (IMY), www.imy.se, and to seek a judicial remedy (GDPR art. 12(4), 77, 79)."
    }
}

/// Why a step in a request's life is not allowed; the text says what the law asks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// A move the lifecycle does not have.
    #[error("a request that is {from} cannot become {to}")]
    Transition {
        /// The stored status.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// An extension after the first month (Art. 12(3)).
    #[error(
        "the period can no longer be extended: the person must be told of an extension, with reasons, within the first month, which ended {first_month_ends} (GDPR art. 12.3)"
    )]
    ExtensionTooLate {
        /// The last day of the first month.
        first_month_ends: Date,
    },
    /// More than two further months in all.
    #[error(
        "the period may be extended by at most two further months in all (GDPR art. 12.3); it is already extended by {already}"
    )]
    ExtensionTooLong {
        /// Months already added.
        already: u8,
    },
    /// Reasons are required.
    #[error("{what} needs reasons: the person must be told why (GDPR art. {article})")]
    NoReasons {
        /// What lacks them.
        what: &'static str,
        /// The article that asks for them.
        article: &'static str,
    },
    /// Extending or refusing a closed request.
    #[error("the request is already {0}")]
    Closed(Status),
    /// The deadline falls past the calendar's end.
    #[error("no deadline can be computed for a request received {0}")]
    NoDeadline(Date),
}

/// The checks a status change passes.
pub fn check_transition(from: Status, to: Status) -> Result<(), WorkflowError> {
    if from.may_become(to) {
        Ok(())
    } else {
        Err(WorkflowError::Transition { from, to })
    }
}

/// The deadline after an extension by `months` further months (1 or 2 in all), decided on
/// `today`, with `reasons`. The extension must be made (and the person told) within the first
/// month, and the new deadline is counted from receipt, not from the old deadline (Reg.
/// 1182/71 art. 3(2)(c)): received 31 January, extended by two months → 30 April.
pub fn extend(
    received: Date,
    status: Status,
    already: u8,
    months: u8,
    today: Date,
    reasons: &str,
) -> Result<Date, WorkflowError> {
    if status.is_closed() {
        return Err(WorkflowError::Closed(status));
    }
    if reasons.trim().is_empty() {
        return Err(WorkflowError::NoReasons {
            what: "an extension",
            article: "12.3",
        });
    }
    let total = already.saturating_add(months);
    if months == 0 || total > 2 {
        return Err(WorkflowError::ExtensionTooLong { already });
    }
    let first_month_ends =
        response_deadline(received, 0).ok_or(WorkflowError::NoDeadline(received))?;
    if today > first_month_ends {
        return Err(WorkflowError::ExtensionTooLate { first_month_ends });
    }
    response_deadline(received, total).ok_or(WorkflowError::NoDeadline(received))
}

/// Checks a refusal: an open request, a ground, and reasons.
pub fn check_refusal(status: Status, reasons: &str) -> Result<(), WorkflowError> {
    if status.is_closed() {
        return Err(WorkflowError::Closed(status));
    }
    if reasons.trim().is_empty() {
        return Err(WorkflowError::NoReasons {
            what: "a refusal",
            article: "12.4",
        });
    }
    Ok(())
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reminder {
    /// The first month ends soon: answer, or extend with reasons now (Art. 12(3)).
    FirstMonthEnds,
    /// The deadline is near.
    DueSoon,
    /// The deadline has passed.
    Late,
}

/// Days before a deadline on which staff are reminded.
pub const REMIND_DAYS_BEFORE: i32 = 5;

/// The reminders an open request gives on `today`: at most one, the most urgent.
pub fn reminder(
    received: Date,
    due: Date,
    extended: bool,
    status: Status,
    today: Date,
) -> Option<Reminder> {
    if status.is_closed() {
        return None;
    }
    if today > due {
        return Some(Reminder::Late);
    }
    let near = |day: Date| {
        day.checked_sub(jiff::Span::new().days(REMIND_DAYS_BEFORE))
            .is_ok_and(|from| today >= from)
    };
    // Before an extension the deadline is the end of the first month, the last day to
    // extend: the reminder says both.
    let first = response_deadline(received, 0)?;
    match (near(due), extended) {
        (true, false) if due == first => Some(Reminder::FirstMonthEnds),
        (true, _) => Some(Reminder::DueSoon),
        (false, _) => None,
    }
}

/// Days left until `due` (negative when late).
pub fn days_left(due: Date, today: Date) -> i64 {
    today.until(due).map_or(0, |s| i64::from(s.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn keys_read_back_and_unknown_text_is_not_a_status() {
        for s in Status::ALL {
            assert_eq!(Status::from_key(s.key()), Some(*s));
        }
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::from_key(k.key()), Some(*k));
        }
        assert_eq!(Status::from_key("done"), None);
        assert_eq!(Status::from_key("Answered"), None);
    }

    #[test]
    fn nothing_is_answered_for_a_person_not_yet_identified() {
        assert!(!Status::Received.may_become(Status::Answered));
        assert!(!Status::Received.may_become(Status::InProgress));
        assert!(!Status::CannotIdentify.may_become(Status::Answered));
        assert!(Status::CannotIdentify.may_become(Status::Verified));
        assert!(Status::Verified.may_become(Status::Answered));
    }

    #[test]
    fn a_request_waiting_on_the_person_to_be_identified_is_neither_open_nor_closed() {
        let open: Vec<Status> = Status::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(
            open,
            [Status::Received, Status::Verified, Status::InProgress]
        );
        assert!(!Status::CannotIdentify.is_open() && !Status::CannotIdentify.is_closed());
        for s in Status::ALL {
            assert!(!(s.is_open() && s.is_closed()), "{s}");
        }
    }

    #[test]
    fn closed_requests_stay_closed() {
        for from in [Status::Answered, Status::Refused, Status::Withdrawn] {
            for to in Status::ALL {
                assert!(!from.may_become(*to), "{from} → {to}");
            }
        }
        assert_eq!(
            check_transition(Status::Answered, Status::Refused),
            Err(WorkflowError::Transition {
                from: Status::Answered,
                to: Status::Refused
            })
        );
    }

    #[test]
    fn an_extension_is_counted_from_receipt_not_from_the_first_deadline() {
        // Received 31 January 2025: one month → 28 February (a Friday); three months from
        // receipt → 30 April, not 28 April.
        let received = date(2025, 1, 31);
        assert_eq!(
            extend(
                received,
                Status::Verified,
                0,
                2,
                date(2025, 2, 10),
                "many requests"
            ),
            Ok(date(2025, 4, 30))
        );
    }

    #[test]
    fn an_extension_may_be_made_on_the_last_day_of_the_first_month_and_not_after() {
        // Received 2026-01-31: 2026-02-28 is a Saturday, so the first month ends Monday
        // 2026-03-02.
        let received = date(2026, 1, 31);
        assert!(
            extend(
                received,
                Status::Received,
                0,
                1,
                date(2026, 3, 2),
                "complex"
            )
            .is_ok()
        );
        assert_eq!(
            extend(
                received,
                Status::Received,
                0,
                1,
                date(2026, 3, 3),
                "complex"
            ),
            Err(WorkflowError::ExtensionTooLate {
                first_month_ends: date(2026, 3, 2)
            })
        );
    }

    #[test]
    fn an_extension_needs_reasons_and_stops_at_two_months_in_all() {
        let received = date(2026, 3, 10);
        let today = date(2026, 3, 20);
        assert!(matches!(
            extend(received, Status::Verified, 0, 1, today, "  "),
            Err(WorkflowError::NoReasons { .. })
        ));
        assert_eq!(
            extend(received, Status::Verified, 1, 2, today, "x"),
            Err(WorkflowError::ExtensionTooLong { already: 1 })
        );
        assert_eq!(
            extend(received, Status::Verified, 1, 1, today, "x"),
            Ok(date(2026, 6, 10))
        );
        assert_eq!(
            extend(received, Status::Answered, 0, 1, today, "x"),
            Err(WorkflowError::Closed(Status::Answered))
        );
    }

    #[test]
    fn a_leap_day_receipt_extends_to_the_last_day_of_the_month_without_one() {
        // Received 2024-02-29: +3 months → 2024-05-29 (Wednesday).
        assert_eq!(
            extend(
                date(2024, 2, 29),
                Status::Verified,
                0,
                2,
                date(2024, 3, 1),
                "x"
            ),
            Ok(date(2024, 5, 29))
        );
    }

    #[test]
    fn a_refusal_needs_reasons_and_an_open_request() {
        assert!(check_refusal(Status::Verified, "repeats the request of last week").is_ok());
        assert!(matches!(
            check_refusal(Status::Verified, ""),
            Err(WorkflowError::NoReasons {
                article: "12.4",
                ..
            })
        ));
        assert_eq!(
            check_refusal(Status::Withdrawn, "x"),
            Err(WorkflowError::Closed(Status::Withdrawn))
        );
        assert!(RefusalGround::Excessive.burden_on_controller());
        assert!(refusal_rights(true).contains("IMY"));
        assert!(refusal_rights(false).contains("judicial remedy"));
    }

    #[test]
    fn reminders_warn_before_the_first_month_ends_then_before_the_deadline_then_late() {
        let received = date(2026, 3, 10);
        let due = date(2026, 4, 10);
        let r = |today, extended, due| reminder(received, due, extended, Status::Verified, today);
        assert_eq!(r(date(2026, 4, 4), false, due), None);
        assert_eq!(r(date(2026, 3, 20), false, due), None);
        assert_eq!(
            r(date(2026, 4, 5), false, due),
            Some(Reminder::FirstMonthEnds)
        );
        assert_eq!(
            r(date(2026, 6, 6), true, date(2026, 6, 10)),
            Some(Reminder::DueSoon)
        );
        assert_eq!(r(date(2026, 4, 11), false, due), Some(Reminder::Late));
        // Extended to 2026-06-10: nothing near in April.
        assert_eq!(r(date(2026, 4, 5), true, date(2026, 6, 10)), None);
        assert_eq!(
            reminder(received, due, false, Status::Answered, date(2026, 5, 1)),
            None
        );
        assert_eq!(days_left(due, date(2026, 4, 12)), -2);
        assert_eq!(days_left(due, date(2026, 4, 10)), 0);
    }
}
