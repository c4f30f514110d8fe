//! Rules that need today's date. The core reads no clock: the caller (`skydd check`) passes
//! the day, in Stockholm, and tests pass a fixed one. Their cases are `dated_cases` in
//! `lint/tests.rs`.

use jiff::civil::Date;

use super::Findings;
use crate::law::TransferMechanism;
use crate::register::{DpfCertification, Location, Register};
use crate::text::Lang;

/// How long a check of the DPF list stays current. An organisation's certification lasts a
/// year: it must re-certify annually or it is taken off the list (kommissionens
/// genomförandebeslut (EU) 2023/1795, bilaga I, tilläggsprincip III.6 om självcertifiering).
/// A check older than that says nothing about today.
const DPF_CHECK_VALID_MONTHS: i64 = 12;

pub(super) fn check(reg: &Register, today: Date, f: &mut Findings) {
    for r in &reg.recipients {
        certification(
            "recipient",
            r.name(Lang::Sv),
            r.dpf_certified,
            r.transfer,
            r.country.as_ref(),
            true,
            today,
            f,
        );
    }
    for s in &reg.subprocessors {
        // A sub-processor removed by today no longer receives data, so an old check of it
        // is history; one whose removal is still ahead is engaged until then.
        let engaged = s.removed.is_none_or(|removed| removed > today);
        certification(
            "sub-processor",
            s.name(Lang::Sv),
            s.dpf_certified,
            s.transfer,
            s.country.as_ref(),
            engaged,
            today,
            f,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn certification(
    who: &str,
    name: &str,
    certified: Option<DpfCertification>,
    transfer: Option<TransferMechanism>,
    country: Option<&Location>,
    engaged: bool,
    today: Date,
    f: &mut Findings,
) {
    let Some(c) = certified else { return };
    let Some(checked) = c.checked else { return };
    if checked > today {
        f.report(
            "dpf-certification-in-future",
            format!(
                "{who} `{name}`: the DPF list was checked on {checked}, after today ({today}); a check cannot have been made yet"
            ),
            c.span,
        );
        return;
    }
    // The check matters when the transfer rests on it: `dpf`, or `adequacy` for the US
    // (whose only adequacy decision is the DPF, see `structure::dpf_uncertified`).
    let relied_on = match transfer {
        Some(TransferMechanism::DataPrivacyFramework) => true,
        Some(TransferMechanism::Adequacy) => country.and_then(Location::code) == Some("US"),
        _ => false,
    };
    let Ok(current_until) = checked.checked_add(jiff::Span::new().months(DPF_CHECK_VALID_MONTHS))
    else {
        return;
    };
    if relied_on && engaged && current_until < today {
        f.report(
            "dpf-certification-stale",
            format!(
                "{who} `{name}`: the DPF list was last checked on {checked}, more than {DPF_CHECK_VALID_MONTHS} months before today ({today})"
            ),
            c.span,
        );
    }
}
