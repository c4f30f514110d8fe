//! When a request must be answered (GDPR Art. 12(3)), as skydd states it.

use jiff::civil::Date;

/// When a request must be answered (GDPR art. 12.3), as skydd states it: the strict day,
/// moved only past Saturdays, Sundays and public holidays, with the later day the eves would
/// give as a note (see `skydd_core::deadline`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    /// The day the request was received.
    pub received: Date,
    /// The last day to answer; `None` only past the calendar's end.
    pub due: Option<Date>,
    /// The later day were midsommarafton, julafton and nyårsafton counted as holidays, when
    /// it differs; never the deadline skydd keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_if_eves_count: Option<Date>,
}

impl Deadline {
    /// The deadline of a request received on `received`.
    pub fn of(received: Date) -> Self {
        Deadline {
            received,
            due: skydd_core::deadline::response_deadline(received, 0),
            due_if_eves_count: skydd_core::deadline::deadline_if_eves_count(received, 0),
        }
    }

    /// "Received …; answer by … (GDPR art. 12.3)." and the note, if any.
    pub fn line(&self) -> String {
        let Some(due) = self.due else {
            return format!("Received {}.", self.received);
        };
        let mut s = format!(
            "Received {}; answer by {due} (GDPR art. 12.3).",
            self.received
        );
        if let Some(later) = self.due_if_eves_count {
            let eve = skydd_core::deadline::eve(due).unwrap_or("an eve");
            s.push_str(&format!(
                "\n  note: {due} is {eve}; counting the eves as holidays (lag (1930:173) 2 §, written for Swedish statutory periods) would give {later}. skydd keeps the earlier day, which is never late."
            ));
        }
        s
    }

    /// How many days after the deadline a request answered on `answered` is; `None` when it
    /// is answered on time (or the deadline is past the calendar's end).
    pub fn late_by(&self, answered: Date) -> Option<i64> {
        let due = self.due?;
        if answered <= due {
            return None;
        }
        due.until(answered).ok().map(|s| i64::from(s.get_days()))
    }

    /// "answered N days after the deadline (due …; GDPR art. 12.3)", when `answered` is
    /// after it.
    pub fn late_text(&self, answered: Date) -> Option<String> {
        let days = self.late_by(answered)?;
        let due = self.due?;
        let unit = if days == 1 { "day" } else { "days" };
        Some(format!(
            "answered {days} {unit} after the deadline (due {due}; GDPR art. 12.3)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_answered_after_its_deadline_is_late_by_whole_days() {
        // Received Monday 2 June 2025: due one month later, Wednesday 2 July.
        let d = Deadline::of(Date::constant(2025, 6, 2));
        assert_eq!(d.due, Some(Date::constant(2025, 7, 2)));
        assert_eq!(d.late_by(Date::constant(2025, 7, 2)), None);
        assert_eq!(d.late_by(Date::constant(2025, 7, 3)), Some(1));
        assert_eq!(
            d.late_text(Date::constant(2025, 7, 5)).as_deref(),
            Some("answered 3 days after the deadline (due 2025-07-02; GDPR art. 12.3)")
        );
        assert_eq!(
            d.line(),
            "Received 2025-06-02; answer by 2025-07-02 (GDPR art. 12.3)."
        );
    }
}
