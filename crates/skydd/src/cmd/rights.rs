//! Restriction (Art. 18), objection (Art. 21), withdrawn consent (Art. 7(3)), `may`, the
//! request log and `state init`: arguments read, the use case of `skydd-app` run, its
//! outcome printed.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use skydd_app::clock::{self, today};
use skydd_app::rights::{
    self, ObjectRequest, ObjectTo, RestrictRequest, RightOutcome, WithdrawRequest,
};
use skydd_core::rights::{Kind, Restriction};

use super::dsr::{received, subject};
use crate::app::{self, usage};
use crate::cli::{MayArgs, ObjectArgs, RestrictArgs, WithdrawArgs};
use crate::report;

/// Prints the deadline and the notes of a right recorded.
fn finish(o: &RightOutcome) -> ExitCode {
    if let Some(d) = &o.deadline {
        println!("{}", d.line());
    }
    app::notes(&o.notes);
    ExitCode::SUCCESS
}

/// `skydd restrict`.
pub async fn restrict(path: &Path, args: &RestrictArgs) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    for p in args.purpose.iter().chain(&args.allow) {
        rights::check_purpose(&ws.register, p)?;
    }
    let received = received(&args.received, today())?;
    let subject = subject(&args.ids, today())?;
    let o = app::closing(
        &ws,
        rights::restrict(
            &ws,
            RestrictRequest {
                subject,
                purpose: args.purpose.clone(),
                allow: args.allow.clone(),
                reason: args.reason.clone(),
                lift: args.lift,
                received,
            },
        )
        .await,
    )
    .await?;
    for d in &o.done {
        match d.lifted {
            Some(n) => println!("{}: {n} restriction(s) lifted.", d.subject),
            None => {
                let scope = d
                    .purpose
                    .as_deref()
                    .map_or("every purpose".to_owned(), |p| format!("purpose `{p}`"));
                let allowed = if o.allow.is_empty() {
                    String::new()
                } else {
                    format!(" (still allowed: {})", o.allow.join(", "))
                };
                println!(
                    "{}: processing restricted for {scope}{allowed}; data is only stored (GDPR art. 18).",
                    d.subject
                );
            }
        }
    }
    Ok(finish(&o))
}

/// `skydd object`.
pub async fn object(path: &Path, args: &ObjectArgs) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    let to = if args.direct_marketing {
        ObjectTo::DirectMarketing
    } else {
        ObjectTo::Purpose(args.purpose.clone().unwrap_or_default())
    };
    rights::objection_purposes(&ws.register, &to)?;
    let received = received(&args.received, today())?;
    let subject = subject(&args.ids, today())?;
    let o = app::closing(
        &ws,
        rights::object(
            &ws,
            ObjectRequest {
                subject,
                to,
                reason: args.reason.clone(),
                lift: args.lift,
                received,
            },
        )
        .await,
    )
    .await?;
    for d in &o.done {
        let p = d.purpose.as_deref().unwrap_or_default();
        match d.lifted {
            Some(_) => println!("{}: objection to `{p}` lifted.", d.subject),
            None => println!(
                "{}: objects to `{p}` (GDPR art. 21); it may no longer be processed for it.",
                d.subject
            ),
        }
    }
    Ok(finish(&o))
}

/// `skydd withdraw-consent`.
pub async fn withdraw(path: &Path, args: &WithdrawArgs) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    rights::check_consent_purpose(&ws.register, &args.purpose)?;
    let received = received(&args.received, today())?;
    let subject = subject(&args.ids, today())?;
    let o = app::closing(
        &ws,
        rights::withdraw(
            &ws,
            WithdrawRequest {
                subject,
                purpose: args.purpose.clone(),
                received,
            },
        )
        .await,
    )
    .await?;
    for d in &o.done {
        println!(
            "{}: consent to `{}` withdrawn (GDPR art. 7.3).",
            d.subject, args.purpose
        );
    }
    Ok(finish(&o))
}

/// `skydd may`.
pub async fn may(path: &Path, args: &MayArgs) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    rights::check_purpose(&ws.register, &args.purpose)?;
    // Bad input is reported before anything else, state or not.
    let subject = if args.stdin {
        None
    } else {
        Some(subject(&args.ids, today())?)
    };
    // A missing state is reported before standard input is read.
    ws.state(false).await?;
    let code = match subject {
        None => may_stdin(&ws, &args.purpose).await,
        Some(subject) => {
            let answers = rights::may(&ws, &subject, &args.purpose).await?;
            if args.json {
                report::print_json(&answers);
            } else {
                for a in &answers {
                    match &a.because {
                        None => println!("yes: {} may be processed for `{}`", a.subject, a.purpose),
                        Some(r) => println!(
                            "no: {} {} since {} ({})",
                            a.subject,
                            describe(r),
                            r.since,
                            r.kind.article()
                        ),
                    }
                }
            }
            Ok(if answers.iter().all(|a| a.allowed) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    };
    ws.close().await;
    code
}

/// The most invalid lines listed one by one before the rest are only counted.
const SHOWN_INVALID: usize = 20;

/// `skydd may --stdin`: all or nothing. Every line is checked before any answer is printed,
/// so a list with a bad line never yields half a mailing; the bad lines are reported with
/// their numbers and the status is 2.
async fn may_stdin(ws: &skydd_app::Workspace, purpose: &str) -> anyhow::Result<ExitCode> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut input)
        .context("cannot read standard input")?;
    let (ids, invalid) = rights::parse_addresses(&input, clock::today());
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
    let o = rights::may_many(ws, purpose, &ids).await?;
    let mut answer = String::new();
    for a in &o.allowed {
        answer.push_str(a);
        answer.push('\n');
    }
    crate::out::bytes(answer.as_bytes());
    eprintln!(
        "{} allowed, {} excluded (purpose `{purpose}`)",
        o.allowed.len(),
        o.excluded
    );
    Ok(ExitCode::SUCCESS)
}

fn describe(r: &Restriction) -> String {
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

/// `skydd requests --all`: every request logged.
pub async fn requests(path: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    let list = rights::requests(&ws).await;
    ws.close().await;
    let list = list?;
    if json {
        report::print_json(&list);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("No requests recorded yet.");
    }
    for r in list {
        // Done or failed as its last run ended; a workflow request never run by where it
        // stands (received, refused, withdrawn, …).
        let mut status = match (r.status.as_str(), r.completed_day()) {
            ("failed", _) => format!("FAILED (not carried out), due {}", r.due),
            (s, Some(c)) => format!("{s} {c}, due {}", r.due),
            (s, None) => format!("{s}, due {}", r.due),
        };
        if let Some(days) = r.late_by_days {
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

/// `skydd state init`.
pub async fn state_init(path: &Path) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    let s = rights::state_init(&ws).await?;
    if s.existed {
        println!(
            "skydd's state is at `{}` (already there).",
            s.file.display()
        );
    } else {
        println!(
            "Created skydd's state at `{}`: requests, restrictions, objections and legal holds are recorded there (readable by you only); keep it with the register and back it up.",
            s.file.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
