//! `skydd user`, `skydd token` and `skydd audit-log`: the people and programs that use
//! skydd, and the log of what they changed. Arguments read, the use case of `skydd-app`
//! run on skydd's state, its outcome printed.

use std::io::BufRead as _;
use std::path::Path;
use std::process::ExitCode;

use skydd_app::audit_log::{self, Verification};
use skydd_app::staff::{self, AddUser, CreateToken};
use skydd_app::{AppError, Workspace};
use skydd_core::staff::Role;
use skydd_store::Store;

use crate::app::{self, usage};
use crate::cli::{
    AuditLogCommand, AuditShowArgs, AuditVerifyArgs, JsonArgs, RoleArg, TokenCommand,
    TokenCreateArgs, UserAddArgs, UserCommand,
};
use crate::report;

/// The environment variable a script gives a new user's password in.
const PASSWORD_ENV: &str = "SKYDD_PASSWORD";

fn role(r: RoleArg) -> Role {
    match r {
        RoleArg::Owner => Role::Owner,
        RoleArg::Handler => Role::Handler,
        RoleArg::Viewer => Role::Viewer,
    }
}

/// Runs `f` on skydd's state (created when `create`, with a note saying where), then
/// closes it.
async fn with_state<T, F>(path: &Path, create: bool, f: F) -> anyhow::Result<T>
where
    F: AsyncFnOnce(&Store) -> Result<T, AppError>,
{
    let ws: Workspace = app::load(path)?;
    let result = match ws.state(create).await {
        Ok((store, note)) => {
            app::notes(note.as_slice());
            f(store).await
        }
        Err(e) => Err(e),
    };
    app::closing(&ws, result).await
}

/// `skydd user …`.
pub async fn user(path: &Path, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add(a) => user_add(path, a).await,
        UserCommand::List(a) => user_list(path, &a).await,
    }
}

/// The new user's password: the first line of standard input, or the environment's.
fn password(args: &UserAddArgs) -> anyhow::Result<String> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| usage(format!("cannot read the password from standard input: {e}")))?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        return Ok(line.strip_suffix('\r').unwrap_or(line).to_owned());
    }
    std::env::var(PASSWORD_ENV).map_err(|_| {
        usage(format!(
            "no password: give it on standard input with --password-stdin, or in the environment variable {PASSWORD_ENV} (never as an argument: other users of this machine could read it)"
        ))
    })
}

async fn user_add(path: &Path, args: UserAddArgs) -> anyhow::Result<ExitCode> {
    let password = password(&args)?;
    let add = AddUser {
        email: args.email.clone(),
        name: args.name.clone(),
        role: role(args.role),
        password,
    };
    // Bad input is refused before skydd's state is created for it.
    staff::staff_email(&add.email).map_err(app::fail)?;
    staff::check_password(&add.password).map_err(app::fail)?;
    let user = with_state(path, true, async |s| staff::add_user(s, add).await).await?;
    if args.json {
        report::print_json(&user);
    } else {
        println!(
            "Added {} ({}) as {}, id {}.",
            user.email, user.name, user.role, user.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn user_list(path: &Path, args: &JsonArgs) -> anyhow::Result<ExitCode> {
    let users = with_state(path, false, async |s| staff::users(s).await).await?;
    if args.json {
        report::print_json(&users);
        return Ok(ExitCode::SUCCESS);
    }
    if users.is_empty() {
        println!("No users yet; add one with `skydd user add`.");
    }
    for u in users {
        let disabled = u
            .disabled_at
            .map(|d| format!(", disabled {d}"))
            .unwrap_or_default();
        println!(
            "{:<32} {:<8} {}  (id {}, added {}{disabled})",
            u.email, u.role, u.name, u.id, u.created_at
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `skydd token …`.
pub async fn token(path: &Path, command: TokenCommand) -> anyhow::Result<ExitCode> {
    match command {
        TokenCommand::Create(a) => token_create(path, &a).await,
        TokenCommand::List(a) => token_list(path, &a).await,
        TokenCommand::Revoke(a) => {
            let r = with_state(path, false, async |s| staff::revoke_token(s, &a.id).await).await?;
            if r.already {
                println!(
                    "Token {} was revoked already, at {}.",
                    r.token.id,
                    r.token.revoked_at.as_deref().unwrap_or("?")
                );
            } else {
                println!("Revoked token {} ({}).", r.token.id, r.token.name);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn token_create(path: &Path, args: &TokenCreateArgs) -> anyhow::Result<ExitCode> {
    let request = CreateToken {
        user_email: args.user.clone(),
        name: args.name.clone(),
        role: args.role.map(role),
        expires_in_days: args.expires,
    };
    let created = with_state(path, false, async |s| staff::create_token(s, request).await).await?;
    if args.json {
        report::print_json(&created);
        return Ok(ExitCode::SUCCESS);
    }
    let t = &created.token;
    let until = t
        .expires_at
        .as_deref()
        .map_or_else(|| "until revoked".to_owned(), |e| format!("until {e}"));
    eprintln!(
        "Token {} ({}, {}) valid {until}. It is shown now and never again: skydd keeps only a hash of it.",
        t.id, t.name, t.role
    );
    println!("{}", created.text);
    Ok(ExitCode::SUCCESS)
}

async fn token_list(path: &Path, args: &JsonArgs) -> anyhow::Result<ExitCode> {
    let (tokens, users) = with_state(path, false, async |s| {
        Ok((staff::tokens(s).await?, staff::users(s).await?))
    })
    .await?;
    if args.json {
        report::print_json(&tokens);
        return Ok(ExitCode::SUCCESS);
    }
    if tokens.is_empty() {
        println!("No tokens yet; create one with `skydd token create`.");
    }
    for t in tokens {
        let user = users
            .iter()
            .find(|u| u.id == t.user_id)
            .map_or(t.user_id.as_str(), |u| u.email.as_str());
        let state = match (&t.revoked_at, &t.expires_at) {
            (Some(r), _) => format!("revoked {r}"),
            (None, Some(e)) => format!("expires {e}"),
            (None, None) => "until revoked".to_owned(),
        };
        let used = t.last_used_at.as_deref().unwrap_or("never");
        println!(
            "{}  {:<16} {:<8} {user}  ({state}; last used {used})",
            t.id, t.name, t.role
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `skydd audit-log …`.
pub async fn audit_log(path: &Path, command: AuditLogCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditLogCommand::Verify(a) => verify(path, &a).await,
        AuditLogCommand::Head(a) => {
            let head = with_state(path, false, async |s| audit_log::head(s).await).await?;
            if a.json {
                report::print_json(&head);
            } else {
                println!("{}", head.hash);
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditLogCommand::Show(a) => show(path, &a).await,
    }
}

async fn verify(path: &Path, args: &AuditVerifyArgs) -> anyhow::Result<ExitCode> {
    let head = args
        .head
        .as_deref()
        .map(audit_log::parse_head)
        .transpose()
        .map_err(app::fail)?;
    let v = with_state(path, false, async |s| {
        audit_log::verify(s, head.as_deref()).await
    })
    .await?;
    if args.json {
        report::print_json(&v);
    }
    match v {
        Verification::Intact { entries, head } => {
            if !args.json {
                println!("The audit log holds together: {entries} entries, head {head}.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken { message, .. } => {
            eprintln!(
                "{}: the audit log is broken: {message}",
                report::paint("error", report::Style::Error, report::stderr_color())
            );
            Ok(ExitCode::from(1))
        }
    }
}

async fn show(path: &Path, args: &AuditShowArgs) -> anyhow::Result<ExitCode> {
    if args.limit == 0 || args.limit > audit_log::PAGE * 10 {
        return Err(usage(format!(
            "--limit {}: give 1 to {}",
            args.limit,
            audit_log::PAGE * 10
        )));
    }
    let entries = with_state(path, false, async |s| {
        audit_log::latest(s, args.limit).await
    })
    .await?;
    if args.json {
        report::print_json(&entries);
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        println!("The audit log is empty.");
    }
    for e in entries {
        println!(
            "{:>6}  {}  {:<24} {:<26} {}  {}",
            e.seq, e.at, e.actor, e.action, e.object, e.detail
        );
    }
    Ok(ExitCode::SUCCESS)
}
