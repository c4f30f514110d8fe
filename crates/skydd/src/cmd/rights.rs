//! Restriction (Art. 18), objection (Art. 21), withdrawn consent (Art. 7(3)), and the
//! question every mailing should ask: may we process this person's data for this purpose?
//! These touch only the register and skydd's state, never the company's databases.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use jiff::civil::Date;
use skydd_core::diagnostic::suggestion;
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::law::LegalBasis;
use skydd_core::register::Register;
use skydd_core::rights::{self, Kind};

use super::dsr::{Deadline, done_request, identities, received_arg, request_id, today};
use crate::cli::{JsonArgs, MayArgs, ObjectArgs, RestrictArgs, WithdrawArgs};
use crate::ctx::{open_store, usage};
use crate::report;

fn check_purpose(reg: &Register, id: &str) -> anyhow::Result<()> {
    if reg.purpose(id).is_some() {
        return Ok(());
    }
    let hint = suggestion(id, reg.purposes.iter().map(|p| p.id.as_str())).unwrap_or_else(|| {
        format!(
            "the register's purposes: {}",
            reg.purposes
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    Err(usage(format!("no purpose `{id}`; {hint}")))
}

/// `skydd restrict`.
pub async fn restrict(path: &Path, args: &RestrictArgs) -> anyhow::Result<ExitCode> {
    let (_, reg) = report::load_register(path, false)?;
    for p in args.purpose.iter().chain(&args.allow) {
        check_purpose(&reg, p)?;
    }
    let received = received_arg(&args.received, today())?;
    let ids = identities(&args.ids, today())?;
    let store = open_store(path, &reg, true).await?;
    for (id, _) in &ids {
        let key = id.subject_key();
        if args.lift {
            let n = store
                .lift(&key, Kind::Restriction, args.purpose.as_deref())
                .await?;
            println!("{key}: {n} restriction(s) lifted.");
        } else {
            store
                .restrict(
                    &key,
                    Kind::Restriction,
                    args.purpose.as_deref(),
                    &args.allow,
                    args.reason.as_deref(),
                )
                .await?;
            let scope = args
                .purpose
                .as_deref()
                .map_or("every purpose".to_owned(), |p| format!("purpose `{p}`"));
            let allowed = if args.allow.is_empty() {
                String::new()
            } else {
                format!(" (still allowed: {})", args.allow.join(", "))
            };
            println!(
                "{key}: processing restricted for {scope}{allowed}; data is only stored (GDPR art. 18)."
            );
        }
    }
    if !args.lift {
        let summary = serde_json::json!({ "purpose": args.purpose, "allow": args.allow });
        record(&store, "restriction", &ids, received, summary).await?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The purposes that are direct marketing.
fn marketing(reg: &Register) -> Vec<String> {
    reg.purposes
        .iter()
        .filter(|p| {
            p.direct_marketing
                || p.data_use
                    .as_deref()
                    .is_some_and(|u| skydd_core::taxonomy::is_within(u, "marketing"))
        })
        .map(|p| p.id.clone())
        .collect()
}

/// `skydd object`.
pub async fn object(path: &Path, args: &ObjectArgs) -> anyhow::Result<ExitCode> {
    let (_, reg) = report::load_register(path, false)?;
    let purposes = if args.direct_marketing {
        let m = marketing(&reg);
        if m.is_empty() {
            return Err(usage(
                "the register has no direct-marketing purpose (mark one with `direct_marketing = true`)",
            ));
        }
        m
    } else {
        let p = args.purpose.clone().unwrap_or_default();
        check_purpose(&reg, &p)?;
        vec![p]
    };
    let received = received_arg(&args.received, today())?;
    let ids = identities(&args.ids, today())?;
    let store = open_store(path, &reg, true).await?;
    for (id, _) in &ids {
        let key = id.subject_key();
        for p in &purposes {
            if args.lift {
                store.lift(&key, Kind::Objection, Some(p)).await?;
                println!("{key}: objection to `{p}` lifted.");
            } else {
                store
                    .restrict(&key, Kind::Objection, Some(p), &[], args.reason.as_deref())
                    .await?;
                println!(
                    "{key}: objects to `{p}` (GDPR art. 21); it may no longer be processed for it."
                );
            }
        }
    }
    if !args.lift {
        let summary = serde_json::json!({ "purposes": purposes });
        record(&store, "objection", &ids, received, summary).await?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `skydd withdraw-consent`.
pub async fn withdraw(path: &Path, args: &WithdrawArgs) -> anyhow::Result<ExitCode> {
    let (_, reg) = report::load_register(path, false)?;
    check_purpose(&reg, &args.purpose)?;
    if !reg
        .purpose(&args.purpose)
        .is_some_and(|p| p.has_basis(LegalBasis::Consent))
    {
        return Err(usage(format!(
            "purpose `{}` does not rest on consent; use `skydd object` instead",
            args.purpose
        )));
    }
    let received = received_arg(&args.received, today())?;
    let ids = identities(&args.ids, today())?;
    let store = open_store(path, &reg, true).await?;
    for (id, _) in &ids {
        store
            .restrict(
                &id.subject_key(),
                Kind::ConsentWithdrawn,
                Some(&args.purpose),
                &[],
                None,
            )
            .await?;
        println!(
            "{}: consent to `{}` withdrawn (GDPR art. 7.3).",
            id.subject_key(),
            args.purpose
        );
    }
    let summary = serde_json::json!({ "purpose": args.purpose });
    record(&store, "consent_withdrawal", &ids, received, summary).await?;
    Ok(ExitCode::SUCCESS)
}

/// Records a request acted on now, and says by when it had to be answered.
async fn record(
    store: &skydd_store::Store,
    kind: &str,
    ids: &[(skydd_core::identity::Identity, String)],
    received: jiff::civil::Date,
    summary: serde_json::Value,
) -> anyhow::Result<()> {
    store
        .record_request(&done_request(
            request_id(kind, ids),
            kind,
            ids,
            received,
            summary,
        ))
        .await?;
    println!("{}", Deadline::of(received).line());
    Ok(())
}

/// `skydd may`.
pub async fn may(path: &Path, args: &MayArgs) -> anyhow::Result<ExitCode> {
    let (_, reg) = report::load_register(path, false)?;
    check_purpose(&reg, &args.purpose)?;
    let today = today();
    // Bad input is reported before anything else, state or not.
    let ids = if args.stdin {
        Vec::new()
    } else {
        identities(&args.ids, today)?
    };
    let store = open_store(path, &reg, false).await?;
    if args.stdin {
        return may_stdin(&store, &args.purpose, today).await;
    }
    let mut all_allowed = true;
    let mut answers = Vec::new();
    for (id, _) in &ids {
        let records = store.active(&id.subject_key()).await?;
        let d = rights::may(&records, &args.purpose);
        all_allowed &= d.allowed;
        answers.push((id.subject_key(), d));
    }
    if args.json {
        report::print_json(&serde_json::json!(answers.iter().map(|(k, d)| serde_json::json!({"subject": k, "purpose": args.purpose, "allowed": d.allowed, "because": d.because})).collect::<Vec<_>>()));
    } else {
        for (k, d) in &answers {
            match &d.because {
                None => println!("yes: {k} may be processed for `{}`", args.purpose),
                Some(r) => println!(
                    "no: {k} {} since {} ({})",
                    describe(r),
                    r.since,
                    r.kind.article()
                ),
            }
        }
    }
    Ok(if all_allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The most invalid lines listed one by one before the rest are only counted.
const SHOWN_INVALID: usize = 20;

/// `skydd may --stdin`: all or nothing. Every line is checked before any answer is printed,
/// so a list with a bad line never yields half a mailing; the bad lines are reported with
/// their numbers and the status is 2.
async fn may_stdin(
    store: &skydd_store::Store,
    purpose: &str,
    today: Date,
) -> anyhow::Result<ExitCode> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut input)
        .context("cannot read standard input")?;
    let (ids, invalid) = parse_addresses(&input, today);
    if !invalid.is_empty() {
        for (n, why) in invalid.iter().take(SHOWN_INVALID) {
            eprintln!("stdin:{n}: {why}");
        }
        if invalid.len() > SHOWN_INVALID {
            eprintln!("… and {} more", invalid.len() - SHOWN_INVALID);
        }
        return Err(usage(format!(
            "{} line(s) of standard input are not e-mail addresses; nothing was printed",
            invalid.len()
        )));
    }
    // One read of every active record, then a lookup per address.
    let all: BTreeMap<String, Vec<rights::Restriction>> = store.all_active().await?;
    let (mut allowed, mut excluded) = (0u64, 0u64);
    let mut answer = String::new();
    for (text, id) in &ids {
        let records = all.get(&id.subject_key()).map_or(&[][..], Vec::as_slice);
        if rights::may(records, purpose).allowed {
            allowed += 1;
            answer.push_str(text);
            answer.push('\n');
        } else {
            excluded += 1;
        }
    }
    crate::out::bytes(answer.as_bytes());
    eprintln!("{allowed} allowed, {excluded} excluded (purpose `{purpose}`)");
    Ok(ExitCode::SUCCESS)
}

/// A line of standard input that is not an address: its 1-based number and why.
type BadLine = (usize, String);

/// The addresses of `input`, one per line (blank lines skipped), each with the text as given;
/// and the invalid lines.
fn parse_addresses(input: &[u8], today: Date) -> (Vec<(&str, Identity)>, Vec<BadLine>) {
    let mut ids = Vec::new();
    let mut invalid = Vec::new();
    for (i, raw) in input.split(|b| *b == b'\n').enumerate() {
        let Ok(line) = std::str::from_utf8(raw) else {
            invalid.push((i + 1, "not valid UTF-8".to_owned()));
            continue;
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match Identity::parse(IdentityKind::Email, text, today) {
            Ok(id) => ids.push((text, id)),
            Err(e) => invalid.push((i + 1, e.to_string())),
        }
    }
    (ids, invalid)
}

fn describe(r: &rights::Restriction) -> String {
    let scope = r
        .purpose
        .as_deref()
        .map_or("every purpose".to_owned(), |p| format!("`{p}`"));
    match r.kind {
        Kind::Restriction => format!("has restricted processing for {scope}"),
        Kind::Objection => format!("objects to {scope}"),
        Kind::ConsentWithdrawn => format!("withdrew consent to {scope}"),
        Kind::ErasureHold => format!(
            "had their data erased; what a legal obligation keeps may be used only for {}",
            r.allowed.join(", ")
        ),
    }
}

/// `skydd requests`.
pub async fn requests(path: &Path, args: &JsonArgs) -> anyhow::Result<ExitCode> {
    let (_, reg) = report::load_register(path, false)?;
    let store = open_store(path, &reg, false).await?;
    let list = store.requests().await?;
    if args.json {
        let mut out = Vec::new();
        for r in &list {
            let summary: serde_json::Value = serde_json::from_str(&r.summary).map_err(|e| {
                anyhow::anyhow!(
                    "skydd's state holds request `{}` with a summary that is not JSON: {e}",
                    r.id
                )
            })?;
            let mut item = serde_json::json!({
                "id": r.id, "kind": r.kind, "subject": r.subject, "received": r.received,
                "due": r.due, "completed": r.completed, "status": r.status, "summary": summary,
            });
            if let (Some(days), Some(map)) = (late_by_days(r)?, item.as_object_mut()) {
                map.insert("late_by_days".into(), days.into());
            }
            out.push(item);
        }
        report::print_json(&serde_json::Value::Array(out));
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("No requests recorded yet.");
    }
    for r in list {
        let mut status = match (r.status.as_str(), r.completed.as_deref()) {
            ("failed", _) => format!("FAILED (not carried out), due {}", r.due),
            (_, Some(c)) => format!("done {}, due {}", completed_day(c), r.due),
            (_, None) => format!("open, due {}", r.due),
        };
        if let Some(days) = late_by_days(&r)? {
            let unit = if days == 1 { "day" } else { "days" };
            status.push_str(&format!(", late by {days} {unit}"));
        }
        println!(
            "{:<14} {:<32} received {}  {status}",
            r.kind, r.subject, r.received
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The day (in Stockholm) of a `completed` timestamp; the text as stored if it is none.
fn completed_day(completed: &str) -> String {
    completed
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| {
            let tz = jiff::tz::TimeZone::get("Europe/Stockholm").ok()?;
            Some(t.to_zoned(tz).date().to_string())
        })
        .unwrap_or_else(|| completed.get(..10).unwrap_or(completed).to_owned())
}

/// How many days after its deadline (GDPR art. 12.3) a request was answered, or, still open
/// or failed, how many days past it today; `None` when on time or unknown. A request done
/// late says so in its summary (`late_by_days`, recorded when it was answered); older
/// records are judged from the day they were completed.
fn late_by_days(r: &skydd_store::RequestRecord) -> anyhow::Result<Option<i64>> {
    // skydd wrote these days itself: one that does not parse is a damaged state file, said
    // so, never taken for "on time".
    let day = |what: &str, text: &str| -> anyhow::Result<jiff::civil::Date> {
        text.parse().map_err(|_| {
            anyhow::anyhow!(
                "skydd's state holds request `{}` with a {what} `{text}` that is not a date",
                r.id
            )
        })
    };
    let deadline = Deadline {
        received: day("received day", &r.received)?,
        due: Some(day("due date", &r.due)?),
        due_if_eves_count: None,
    };
    Ok(match (r.status.as_str(), r.completed.as_deref()) {
        ("done", Some(c)) => {
            let recorded = serde_json::from_str::<serde_json::Value>(&r.summary)
                .ok()
                .and_then(|s| s.get("late_by_days")?.as_i64());
            match recorded {
                Some(days) => Some(days),
                None => deadline.late_by(day("completion day", &completed_day(c))?),
            }
        }
        _ => deadline.late_by(today()),
    })
}

/// `skydd state init`.
pub async fn state_init(path: &Path) -> anyhow::Result<ExitCode> {
    let (_, reg) = report::load_register(path, false)?;
    let file = crate::ctx::state_file(path, &reg);
    if file.exists() {
        println!("skydd's state is at `{}` (already there).", file.display());
        return Ok(ExitCode::SUCCESS);
    }
    let store = skydd_store::Store::open(&file, true).await?;
    store.close().await;
    println!(
        "Created skydd's state at `{}`: requests, restrictions, objections and legal holds are recorded there (readable by you only); keep it with the register and back it up.",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
