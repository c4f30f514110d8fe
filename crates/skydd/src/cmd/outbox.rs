//! `skydd outbox …`: the notices that tell recipients of rectifications, erasures and
//! restrictions (GDPR Art. 19).

use std::path::Path;
use std::process::ExitCode;

use skydd_app::outbox::{self, NoticeView};

use crate::app;
use crate::cli::OutboxCommand;
use crate::report;

/// `skydd outbox …`.
pub async fn run(path: &Path, command: OutboxCommand) -> anyhow::Result<ExitCode> {
    let ws = app::load(path)?;
    match command {
        OutboxCommand::List(a) => {
            let list = outbox::list(&ws, a.only.as_deref(), a.limit).await;
            let list = app::closing(&ws, list).await?;
            print_list(&list, a.json, "No notices yet.");
        }
        OutboxCommand::Request(a) => {
            let list = outbox::of_request(&ws, &a.id).await;
            let list = app::closing(&ws, list).await?;
            print_list(
                &list,
                a.json,
                "No recipient was told of this request: it changed nothing a recipient received.",
            );
        }
        OutboxCommand::Deliver(a) => {
            let holder = skydd_store::this_process();
            let pass = outbox::deliver_due(&ws, &holder, a.limit).await;
            let pass = app::closing(&ws, pass).await?;
            if a.json {
                report::print_json(&pass);
            } else {
                println!(
                    "{} notice(s) due: {} delivered, {} to be tried again, {} given up on.",
                    pass.claimed, pass.delivered, pass.retrying, pass.dead
                );
            }
            if pass.dead > 0 {
                eprintln!(
                    "Given up on: see `skydd outbox list --only dead`; resend or tell the recipient yourself."
                );
            }
        }
        OutboxCommand::Resend(a) => {
            let n = outbox::resend(&ws, &a.id).await;
            let n = app::closing(&ws, n).await?;
            print_one(&n, a.json, "will be delivered again");
        }
        OutboxCommand::Told(a) => {
            let n = outbox::told(&ws, &a.id, &a.how).await;
            let n = app::closing(&ws, n).await?;
            print_one(&n, a.json, "is recorded as told");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_list(list: &[NoticeView], json: bool, empty: &str) {
    if json {
        report::print_json(&list);
        return;
    }
    if list.is_empty() {
        println!("{empty}");
    }
    for n in list {
        let name = n.recipient_name.as_deref().unwrap_or(&n.recipient);
        let extra = match n.state.as_str() {
            "pending" if n.attempts > 0 => format!(
                ", try {} due {}: {}",
                n.attempts + 1,
                n.next_attempt_at.as_deref().unwrap_or("?"),
                n.last_error.as_deref().unwrap_or("")
            ),
            "dead" => format!(
                " after {} tries: {}",
                n.attempts,
                n.last_error.as_deref().unwrap_or("")
            ),
            "manual" | "omitted" | "delivered" => n
                .detail
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        println!(
            "{}  {:<18} {:<9} {:<10} {} (request {}){extra}",
            n.id, n.kind, n.channel, n.state, name, n.request
        );
    }
}

fn print_one(n: &NoticeView, json: bool, what: &str) {
    if json {
        report::print_json(n);
    } else {
        println!("Notice {} to {} {what}.", n.id, n.recipient);
    }
}
