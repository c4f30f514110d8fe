//! `skydd request …` and `skydd requests`: the request workflow (GDPR Art. 12). Arguments
//! read, the workflow service of `skydd-app` run, its outcome printed.

use std::path::Path;
use std::process::ExitCode;

use skydd_app::clock::today;
use skydd_app::workflow::{
    self, AnswerRequest, Asked, CannotIdentifyRequest, Channel, ExecuteRequest, ExtendRequest,
    ReceiveRequest, RefuseRequest, RequestKind, RequestView, Step, VerificationMethod,
    VerifyRequest,
};
use skydd_core::workflow::{REMIND_DAYS_BEFORE, RefusalGround, Reminder};

use super::dsr::{received, subject};
use crate::Reported;
use crate::app::{self, usage};
use crate::cli::{ByArg, RequestCommand, RequestExecuteArgs, RequestNewArgs, RequestsArgs};
use crate::report::{self, Style, paint};

/// `skydd request …`.
pub async fn run(path: &Path, command: RequestCommand) -> anyhow::Result<ExitCode> {
    let today = today();
    let (ws, step, json) = match command {
        RequestCommand::New(a) => return new(path, &a).await,
        RequestCommand::Show(a) => return show(path, &a.id, a.json).await,
        RequestCommand::Execute(a) => return execute(path, a).await,
        RequestCommand::Verify(a) => {
            let req = VerifyRequest {
                id: a.request.id,
                method: parsed(VerificationMethod::from_key(&a.method), "method")?,
                by: by(&a.by),
                note: a.note,
                today,
            };
            let ws = app::load(path)?;
            let step = workflow::verify(&ws, req).await;
            (ws, step, a.request.json)
        }
        RequestCommand::CannotIdentify(a) => {
            let req = CannotIdentifyRequest {
                id: a.request.id,
                asked: a.note,
                today,
            };
            let ws = app::load(path)?;
            let step = workflow::cannot_identify(&ws, req).await;
            (ws, step, a.request.json)
        }
        RequestCommand::Extend(a) => {
            let req = ExtendRequest {
                id: a.request.id,
                months: a.months,
                reasons: a.reason,
                by: by(&a.by),
                today,
            };
            let ws = app::load(path)?;
            let step = workflow::extend(&ws, req).await;
            (ws, step, a.request.json)
        }
        RequestCommand::Refuse(a) => {
            let req = RefuseRequest {
                id: a.request.id,
                ground: parsed(RefusalGround::from_key(&a.ground), "ground")?,
                reasons: a.reason,
                today,
            };
            let ws = app::load(path)?;
            let step = workflow::refuse(&ws, req).await;
            (ws, step, a.request.json)
        }
        RequestCommand::Fee(a) => {
            let req = workflow::FeeRequest {
                id: a.request.id,
                amount_ore: ore(&a.kr)?,
                reason: a.reason,
                today,
            };
            let ws = app::load(path)?;
            let step = workflow::charge_fee(&ws, req).await;
            (ws, step, a.request.json)
        }
        RequestCommand::Withdraw(a) => {
            let ws = app::load(path)?;
            let step = workflow::withdraw(&ws, &a.id, today).await;
            (ws, step, a.json)
        }
        RequestCommand::Answer(a) => {
            let req = AnswerRequest {
                id: a.request.id,
                note: a.note,
                by: by(&a.by),
                today,
            };
            let ws = app::load(path)?;
            let step = workflow::answer(&ws, req).await;
            (ws, step, a.request.json)
        }
    };
    let s = app::closing(&ws, step).await?;
    finish(&s, json)
}

/// `skydd request show`.
async fn show(path: &Path, id: &str, json: bool) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    let r = app::closing(&ws, workflow::show(&ws, id, today()).await).await?;
    if json {
        report::print_json(&r);
    } else {
        print_request(&r);
    }
    Ok(ExitCode::SUCCESS)
}

/// `skydd request execute`: connects to the company's databases only for the kinds that
/// read or write them.
async fn execute(path: &Path, a: RequestExecuteArgs) -> anyhow::Result<ExitCode> {
    let today = today();
    let mut ws = app::load(path)?;
    let kind = match workflow::show(&ws, &a.request.id, today).await {
        Ok(r) => r.kind,
        Err(e) => return app::closing(&ws, Err(e)).await,
    };
    if workflow::needs_databases(kind)
        && let Err(e) = ws.connect(None).await
    {
        return app::closing(&ws, Err(e)).await;
    }
    let req = ExecuteRequest {
        id: a.request.id,
        out: a.out,
        today,
    };
    let o = app::closing(&ws, workflow::execute(&ws, req).await).await?;
    if a.request.json {
        report::print_json(&o);
    } else {
        let id = &o.request.id;
        if o.done {
            println!(
                "Request {id} carried out and answered ({}).",
                o.request.kind
            );
        } else {
            println!(
                "{} request {id} stays in progress; the run's report says why.",
                paint("Not carried out:", Style::Bold, report::stdout_color())
            );
        }
        println!("  report: {}", o.report);
    }
    app::notes(&o.notes);
    if o.done {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Reported(1).into())
    }
}

/// `skydd request new`.
async fn new(path: &Path, a: &RequestNewArgs) -> anyhow::Result<ExitCode> {
    let today = today();
    // `export` is the CLI's word for portability (clap accepts it as an alias).
    let kind = match a.kind.as_str() {
        "export" => RequestKind::Portability,
        k => parsed(RequestKind::from_key(k), "kind")?,
    };
    let channel = parsed(Channel::from_key(&a.channel), "channel")?;
    let received = received(&a.received, today)?;
    let subject = subject(&a.ids, today)?;
    let ws = app::load(path)?;
    let asked = Asked {
        set: a.set.clone(),
        purpose: a.purpose.clone(),
        allow: a.allow.clone(),
        direct_marketing: a.direct_marketing,
    };
    let req = ReceiveRequest {
        kind,
        channel,
        subject,
        received,
        today,
        asked,
    };
    let o = app::closing(&ws, workflow::receive(&ws, req).await).await?;
    if a.json {
        report::print_json(&o);
    } else {
        let r = &o.request;
        println!(
            "Recorded request {}: {} ({}), received {} by {}.",
            r.id,
            r.kind,
            article(r.kind),
            r.received,
            r.channel
        );
        println!("{}", o.deadline.line());
        println!(
            "Next: verify the person, e.g. `skydd request verify {} --method email_link`.",
            r.id
        );
    }
    app::notes(&o.notes);
    Ok(ExitCode::SUCCESS)
}

/// `skydd requests`: the open requests by due date; with `--all`, the whole log.
pub async fn requests(path: &Path, args: &RequestsArgs) -> anyhow::Result<ExitCode> {
    if args.all {
        return super::rights::requests(path, args.json).await;
    }
    let ws = app::load(path)?;
    let list = app::closing(&ws, workflow::list(&ws, today()).await).await?;
    if args.json {
        report::print_json(&list);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("No open requests. (`skydd requests --all` lists every request handled.)");
        return Ok(ExitCode::SUCCESS);
    }
    let color = report::stdout_color();
    println!(
        "{:<10}  {:>9}  {:<12} {:<18} {:<36}  PERSON",
        "DUE", "DAYS LEFT", "STATUS", "KIND", "ID"
    );
    for r in &list {
        let left = r.days_left.map_or_else(String::new, |d| d.to_string());
        let person: Vec<String> = r.identities.iter().map(|i| i.value.clone()).collect();
        println!(
            "{:<10}  {left:>9}  {:<12} {:<18} {:<36}  {}",
            r.due,
            r.status.key(),
            r.kind.key(),
            r.id,
            person.join(", ")
        );
        if let Some(text) = reminder_text(r) {
            let style = if r.late { Style::Error } else { Style::Warning };
            println!("{:>12}{}", "", paint(&text, style, color));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What staff must be reminded of today, in words.
fn reminder_text(r: &RequestView) -> Option<String> {
    let days = r.days_left?;
    let unit = |n: i64| if n.abs() == 1 { "day" } else { "days" };
    Some(match r.reminder? {
        Reminder::Late => format!(
            "LATE by {} {}: answer now (GDPR art. 12.3)",
            -days,
            unit(days)
        ),
        Reminder::FirstMonthEnds => format!(
            "the first month ends {}: answer, or extend now with reasons told to the person (GDPR art. 12.3)",
            r.due
        ),
        Reminder::DueSoon => format!(
            "due in {days} {} (reminded from {REMIND_DAYS_BEFORE} days before)",
            unit(days)
        ),
    })
}

/// A value clap already restricted to the keys, read as its enum.
fn parsed<T>(value: Option<T>, what: &str) -> anyhow::Result<T> {
    value.ok_or_else(|| usage(format!("unknown {what}; see --help for the values")))
}

/// Who takes a step: `--by`, or the login name.
fn by(arg: &ByArg) -> String {
    arg.by
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| "cli".to_owned())
}

/// The article a kind of request rests on.
fn article(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "GDPR art. 15",
        RequestKind::Portability => "GDPR art. 20",
        RequestKind::Rectification => "GDPR art. 16",
        RequestKind::Erasure => "GDPR art. 17",
        RequestKind::Restriction => "GDPR art. 18",
        RequestKind::Objection => "GDPR art. 21",
        RequestKind::ConsentWithdrawal => "GDPR art. 7.3",
    }
}

/// Prints a step done: where the request stands, what the person must be told, the notes.
fn finish(s: &Step, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        report::print_json(s);
    } else {
        let r = &s.request;
        println!("Request {} is {}; due {}.", r.id, r.status, r.due);
        if let Some(m) = &s.remedies {
            println!("Tell the person (GDPR art. 12.4):");
            println!("  sv: {}", m.sv);
            println!("  en: {}", m.en);
        }
    }
    app::notes(&s.notes);
    Ok(ExitCode::SUCCESS)
}

/// Prints a request in full.
fn print_request(r: &RequestView) {
    let color = report::stdout_color();
    println!(
        "{}",
        paint(&format!("Request {}", r.id), Style::Bold, color)
    );
    println!("  kind        {} ({})", r.kind, article(r.kind));
    println!("  status      {}", r.status);
    println!("  channel     {}", r.channel);
    for i in &r.identities {
        println!("  person      {} {}", i.kind, i.value);
    }
    println!("  received    {}", r.received);
    let left = match r.days_left {
        Some(d) if r.late => format!(" (LATE by {} day(s))", -d),
        Some(d) => format!(" ({d} day(s) left)"),
        None => String::new(),
    };
    println!("  due         {}{left}", r.due);
    if let Some(text) = reminder_text(r).filter(|_| !r.late) {
        println!("  reminder    {text}");
    }
    if let Some(a) = &r.asked {
        for s in &a.set {
            println!("  asked       --set {s}");
        }
        if let Some(p) = &a.purpose {
            println!("  purpose     {p}");
        }
        if !a.allow.is_empty() {
            println!("  allowed     {}", a.allow.join(", "));
        }
        if a.direct_marketing {
            println!("  objects to  direct marketing (GDPR art. 21.2)");
        }
    }
    if let Some(v) = &r.verification {
        let note = v
            .note
            .as_deref()
            .map_or(String::new(), |n| format!(": {n}"));
        println!("  verified    {} by {} at {}{note}", v.method, v.by, v.at);
    }
    if let Some(asked) = &r.identification_asked {
        println!("  not identified; asked of the person: {asked}");
    }
    if let Some(x) = &r.extension {
        println!(
            "  extended    by {} month(s) to {}, at {} by {}: {}",
            x.months, x.due, x.at, x.by, x.reasons
        );
    }
    if let Some(x) = &r.refusal {
        println!("  refused     {}: {}", x.ground, x.reasons);
    }
    if let Some(f) = &r.fee {
        println!(
            "  fee         {}.{:02} kr (Art. 12(5)(a)): {}",
            f.amount_ore / 100,
            f.amount_ore % 100,
            f.reason
        );
    }
    if let Some(c) = &r.completed {
        println!("  closed      {c}");
    }
    for x in &r.executions {
        println!(
            "  run         {} {} {}: {}",
            x.id, x.started, x.outcome, x.report
        );
    }
}

/// Kronor as written (`250`, `249.50`, `249,50`) in öre.
fn ore(kr: &str) -> anyhow::Result<i64> {
    let text = kr.trim().replace(',', ".");
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let valid = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 2
        && frac.chars().all(|c| c.is_ascii_digit());
    let amount = valid
        .then(|| {
            let whole: i64 = whole.parse().ok()?;
            let frac: i64 = format!("{frac:0<2}").parse().ok()?;
            whole.checked_mul(100)?.checked_add(frac)
        })
        .flatten();
    amount.ok_or_else(|| usage(format!("--kr `{kr}`: give kronor, e.g. 250 or 249.50")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn kronor_are_read_to_the_ore_and_nothing_else_is() {
        for (given, ore) in [
            ("250", 25_000),
            ("249.50", 24_950),
            ("249,5", 24_950),
            (" 0.01 ", 1),
        ] {
            assert_eq!(super::ore(given).unwrap(), ore, "{given}");
        }
        for bad in ["", "-5", "1.234", "12 kr", "1e3", ".5"] {
            assert!(super::ore(bad).is_err(), "{bad}");
        }
    }
}
