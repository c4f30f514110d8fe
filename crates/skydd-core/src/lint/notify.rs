//! GDPR Art. 19: the controller tells each recipient to whom personal data have been
//! disclosed of any rectification, erasure or restriction, unless that proves impossible
//! or involves disproportionate effort. A recipient of personal data whose `notify` is
//! missing would silently never be told.
//!
//! The rule applies once the register says how recipients are told at all (a `notify` on
//! some recipient, or a `[notifications]` table): from then on skydd tells the recipients
//! the register names, and one left out is the mistake to catch. A register that has not
//! taken the channels up yet is not warned for every recipient it has; the starters and
//! seed registers stay as they were.

use super::Findings;
use crate::register::Register;
use crate::text::Lang;

/// The rules checked here (their test cases are in this file's tests).
#[cfg(test)]
pub(super) const RULE_IDS: [&str; 1] = ["recipient-notify-missing"];

pub(super) fn check(reg: &Register, f: &mut Findings) {
    let taken_up =
        !reg.notifications.is_default() || reg.recipients.iter().any(|r| r.notify.is_some());
    if !taken_up {
        return;
    }
    for r in reg
        .recipients_of_personal_data()
        .filter(|r| r.notify.is_none())
    {
        f.report(
            "recipient-notify-missing",
            format!(
                "recipient `{}` ({}) receives personal data, but the register does not say how it is told of rectifications, erasures and restrictions",
                r.id,
                r.name(Lang::Sv)
            ),
            r.span,
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::diagnostic::Severity;
    use crate::register::load;
    use crate::register::notify_tests::{BASE, without_notification};

    /// The messages of the rule's findings.
    fn found(src: &str) -> Vec<String> {
        match load(src) {
            Ok(r) => super::super::run(&r)
                .into_iter()
                .filter(|d| d.code == "recipient-notify-missing")
                .map(|d| d.message)
                .collect(),
            Err(e) => panic!("does not load: {:#?}", e.diagnostics),
        }
    }

    #[test]
    fn recipients_told_by_any_channel_manual_and_none_included_have_no_finding() {
        assert!(BASE.contains("manual =") && BASE.contains("none ="));
        assert_eq!(found(BASE), Vec::<String>::new());
    }

    #[test]
    fn a_recipient_of_personal_data_without_notify_is_warned_citing_art_19() {
        let src = BASE.replacen("notify = { email = \"privacy@bud.example\" }\n", "", 1);
        let got = found(&src);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("`courier`"), "{got:?}");
        let rule = crate::lint::rule("recipient-notify-missing").unwrap();
        assert_eq!(rule.severity, Severity::Warning);
        assert!(rule.law.contains("art. 19"), "{}", rule.law);
    }

    #[test]
    fn a_recipient_no_purpose_names_receives_nothing_to_be_told_of() {
        let src = format!(
            "{BASE}\n[[recipient]]\nid = \"unused\"\nname = \"Oanvänd AB\"\nrole = \"controller\"\n"
        );
        assert_eq!(found(&src), Vec::<String>::new());
    }

    #[test]
    fn a_register_that_has_not_taken_up_notification_is_not_warned() {
        let src = without_notification();
        assert_eq!(found(&src), Vec::<String>::new());
        // A `[notifications]` table alone takes it up: all five recipients are warned.
        let src = src.replacen(
            "[[purpose]]",
            "[notifications]\nmax_attempts = 5\n\n[[purpose]]",
            1,
        );
        assert_eq!(found(&src).len(), 5);
    }
}
