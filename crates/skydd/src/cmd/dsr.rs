//! Data-subject requests: access (Art. 15), portability (Art. 20), erasure (Art. 17) and
//! rectification (Art. 16): arguments read, the use case of `skydd-app` run, its outcome
//! printed.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use skydd_app::access::{self, AccessRequest, ExportRequest};
use skydd_app::erase::{self, EraseOutcome, EraseRequest};
use skydd_app::lease::ERASURE_LEASE;
use skydd_app::rectify::{self, RectifyRequest};
use skydd_app::{IdentityInput, Subject, clock};
use skydd_core::plan::erasure::{self, KeepReason, Step};
use skydd_core::plan::record::{blocker_text, strategy_name};
use skydd_core::value::Value;

use crate::Reported;
use crate::app;
use crate::cli::{AccessArgs, EraseArgs, ExportArgs, IdentityArgs, ReceivedArg, RectifyArgs};
use crate::report::{self, Style, paint};

/// The person named by the arguments, as of `today`.
pub fn subject(args: &IdentityArgs, today: Date) -> anyhow::Result<Subject> {
    let input = IdentityInput {
        email: args.email.clone(),
        phone: args.phone.clone(),
        personnummer: args.personnummer.clone(),
        identity: args.identity.clone(),
    };
    Ok(Subject::parse(&input, today)?)
}

/// The day a request was received: `--received`, or `today`.
pub fn received(arg: &ReceivedArg, today: Date) -> anyhow::Result<Date> {
    Ok(clock::received(arg.received.as_deref(), today)?)
}

/// `skydd access`.
pub async fn access(path: &Path, args: &AccessArgs) -> anyhow::Result<ExitCode> {
    let received = received(&args.received, clock::today())?;
    let subject = subject(&args.ids, received)?;
    let ws = app::open(path, None).await?;
    let o = app::closing(
        &ws,
        access::access(
            &ws,
            AccessRequest {
                subject,
                received,
                out: args.out.clone(),
                langs: super::langs(args.lang),
                json: args.json,
            },
        )
        .await,
    )
    .await?;
    if args.json {
        o.write_json(&mut crate::out::Stdout)?;
    } else {
        let pkg = &o.package;
        println!(
            "Found {} row(s) in {} collection(s) with {} statement(s) in {:.1} ms.",
            o.rows, o.collections_with_rows, o.statements, o.millis
        );
        for s in o.found.iter().filter(|s| s.rows > 0) {
            println!("  {:<40} {} row(s)", s.collection, s.rows);
        }
        if !pkg.held.is_empty() {
            println!(
                "Kept after an earlier erasure by legal obligations: {} field(s) (in the extract with purpose, statute and end date).",
                pkg.held.len()
            );
        }
        if pkg.due.is_some() {
            println!("{}", o.deadline.line());
        }
        if !pkg.uncovered.is_empty() {
            println!(
                "{}: data no purpose covers: {}",
                paint("warning", Style::Warning, report::stdout_color()),
                pkg.uncovered.join(", ")
            );
        }
        if let Some(dir) = &o.out {
            println!("Wrote the access package and report to {}/", dir.display());
        }
    }
    app::notes(&o.notes);
    Ok(ExitCode::SUCCESS)
}

/// `skydd export`: the portable data as JSON and CSV in a zip.
pub async fn export(path: &Path, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let today = clock::today();
    let received = received(&args.received, today)?;
    let subject = subject(&args.ids, today)?;
    let ws = app::open(path, None).await?;
    let o = app::closing(
        &ws,
        access::export(
            &ws,
            ExportRequest {
                subject,
                today,
                received,
                out: args.out.clone(),
            },
        )
        .await,
    )
    .await?;
    println!(
        "Wrote {} ({} collection(s), {} row(s)): data you provided under consent or contract (GDPR art. 20).",
        o.out.display(),
        o.collections,
        o.rows
    );
    println!("{}", o.deadline.line());
    app::notes(&o.notes);
    Ok(ExitCode::SUCCESS)
}

/// `skydd erase`.
pub async fn erase(path: &Path, args: &EraseArgs) -> anyhow::Result<ExitCode> {
    let today = clock::day(args.today.as_deref(), "--today")?;
    let received = received(&args.received, today)?;
    let subject = subject(&args.ids, today)?;
    let leasing = super::retention::leasing(ERASURE_LEASE)?;
    let ws = app::open(path, None).await?;
    let result = erase::erase_leased(
        &ws,
        EraseRequest {
            subject,
            today,
            received,
            dry_run: args.dry_run,
        },
        &leasing,
    )
    .await;
    ws.close().await;
    let o = result.map_err(|e| super::retention::busy(e, leasing.ttl))?;
    if args.json {
        report::print_json(&o);
    } else {
        print_erasure(&o);
    }
    app::notes(&o.notes);
    if o.refused() {
        return Err(Reported(1).into());
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints an erasure's plan and outcome.
pub fn print_erasure(o: &EraseOutcome) {
    let color = report::stdout_color();
    if let Some(r) = &o.resumed {
        println!(
            "{} journalled at {} by {}, which stopped before recording it. Finished it as journalled{}{}:",
            paint("Resumed an interrupted erasure", Style::Bold, color),
            r.since,
            r.holder,
            if r.already_done.is_empty() {
                String::new()
            } else {
                format!("; already done in {}", r.already_done.join(", "))
            },
            if r.confirmed.is_empty() {
                String::new()
            } else {
                format!(
                    "; committed in {} before the interruption (its rows, read back, hold the plan's result)",
                    r.confirmed.join(", ")
                )
            }
        );
    }
    let blocked = !o.plan.blockers.is_empty();
    let title = match (o.dry_run, blocked) {
        (_, true) => "Erasure refused: nothing was changed.",
        (true, false) => "Erasure plan (dry run):",
        (false, false) => "Erasure:",
    };
    println!(
        "{} {} row(s) found; {} step(s){}:",
        paint(title, Style::Bold, color),
        o.rows_found,
        o.plan.step_count(),
        if o.dry_run || blocked {
            " that would run"
        } else {
            ""
        }
    );
    if blocked {
        println!(
            "{}",
            paint(
                "Cannot erase (fix these first; the request is recorded as failed):",
                Style::Error,
                color
            )
        );
        for b in &o.plan.blockers {
            println!("  {}", blocker_text(b));
        }
    }
    for (dataset, steps) in &o.plan.steps {
        for s in steps {
            match s {
                Step::Update {
                    collection,
                    key,
                    set,
                } => {
                    for c in set {
                        let how = match (&c.after, c.unlink) {
                            (_, true) => "unlink from a shared row",
                            (Value::Text(t), false)
                                if t.is_empty()
                                    && c.strategy == skydd_core::datamap::Masking::Null =>
                            {
                                "null; the column is NOT NULL, so empty"
                            }
                            _ => strategy_name(&c.strategy),
                        };
                        println!(
                            "  {dataset}  {:<21} [{}]  {:<16} {} → {}  ({how})",
                            collection.collection,
                            erasure::key_string(key),
                            c.field,
                            c.before,
                            c.after,
                        );
                    }
                }
                Step::Delete { collection, key } => {
                    println!(
                        "  {dataset}  {:<21} [{}]  delete row",
                        collection.collection,
                        erasure::key_string(key)
                    );
                }
            }
        }
    }
    if !o.plan.shared.is_empty() {
        println!(
            "{}",
            paint(
                "Kept unchanged, shared with other people (the person's link to each is removed where the schema allows):",
                Style::Warning,
                color
            )
        );
        for sh in &o.plan.shared {
            let with: Vec<String> = sh
                .with
                .iter()
                .map(|w| format!("{} row(s) of {}", w.rows, w.collection))
                .collect();
            println!(
                "  {:<24} [{}]  also belongs to {}",
                sh.collection.to_string(),
                erasure::key_string(&sh.key),
                with.join(", ")
            );
        }
    }
    let holds: Vec<_> = o.plan.holds().collect();
    if !holds.is_empty() {
        println!(
            "{}",
            paint(
                "Kept (legal obligation, GDPR art. 17.3 b), restricted and scheduled for erasure:",
                Style::Warning,
                color
            )
        );
        for k in holds {
            if let KeepReason::LegalObligation {
                purpose,
                statute,
                until,
            } = &k.reason
            {
                println!(
                    "  {:<24} [{}]  {:<16} purpose `{purpose}`, {}, kept through {}",
                    k.collection.to_string(),
                    erasure::key_string(&k.key),
                    k.field,
                    statute.as_deref().unwrap_or("statute not named"),
                    until.map_or("an unknown date".to_owned(), |d| d.to_string())
                );
            }
        }
    }
    let other: Vec<_> = o
        .plan
        .kept
        .iter()
        .filter_map(|k| match &k.reason {
            KeepReason::ReadOnly => Some((k, "read-only in the data map".to_owned())),
            KeepReason::LinkToShared { why } => Some((k, why.clone())),
            _ => None,
        })
        .collect();
    if !other.is_empty() {
        println!("{}", paint("Not erased, and why:", Style::Warning, color));
    }
    for (k, why) in other {
        println!(
            "  {} [{}] {}: {why}",
            k.collection,
            erasure::key_string(&k.key),
            k.field
        );
    }
    if o.rows_found == 0 {
        println!(
            "No rows of this person were found by these identities, so nothing is erased. If they are known by another identity (a phone number, a customer number), ask with that too; data an earlier erasure had to keep shows in `skydd access`."
        );
    }
    if o.replanned > 0 {
        println!(
            "Rows changed while the erasure was planned; planned again {} time(s) from fresh rows.",
            o.replanned
        );
    }
    for (dataset, statements, rows) in &o.executed {
        println!(
            "Committed in `{dataset}`: {statements} statement(s), {rows} row(s), one transaction."
        );
    }
    println!("{}", o.deadline.line());
}

/// `skydd rectify`.
pub async fn rectify(path: &Path, args: &RectifyArgs) -> anyhow::Result<ExitCode> {
    let today = clock::today();
    let received = received(&args.received, today)?;
    let subject = subject(&args.ids, today)?;
    let ws = app::open(path, None).await?;
    let o = app::closing(
        &ws,
        rectify::rectify(
            &ws,
            RectifyRequest {
                subject,
                set: args.set.clone(),
                today,
                received,
                dry_run: args.dry_run,
            },
        )
        .await,
    )
    .await?;
    if o.refused() {
        let rows: Vec<String> = o
            .shared
            .iter()
            .map(|s| {
                let with: Vec<String> = s
                    .with
                    .iter()
                    .map(|w| format!("{} row(s) of {}", w.rows, w.collection))
                    .collect();
                format!(
                    "{} [{}] also belongs to {}",
                    s.collection,
                    erasure::key_string(&s.key),
                    with.join(", ")
                )
            })
            .collect();
        eprintln!(
            "{}: nothing was changed: the person shares these rows with others, and changing them would change the others' data too:\n  {}\nGive the person a row of their own (e.g. a new address row, linked from theirs), then rectify that.",
            paint("error", Style::Error, report::stderr_color()),
            rows.join("\n  ")
        );
        return Err(Reported(1).into());
    }
    if args.json {
        report::print_json(&o);
    } else {
        if o.changes.is_empty() {
            println!(
                "Nothing to change: the rows found already hold these values (or none were found)."
            );
        }
        for row in &o.changes {
            for c in &row.changes {
                println!(
                    "  {} [{}] {}: {} → {}",
                    row.collection, row.key, c.field, c.before, c.after
                );
            }
        }
        for (d, s, r) in &o.executed {
            println!("Committed in `{d}`: {s} statement(s), {r} row(s), one transaction.");
        }
        if o.dry_run {
            println!("Dry run: nothing was changed.");
        }
        println!("{}", o.deadline.line());
    }
    app::notes(&o.notes);
    Ok(ExitCode::SUCCESS)
}
