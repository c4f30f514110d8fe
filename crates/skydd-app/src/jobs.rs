//! The jobs a server runs on its own: the outbox delivered every few seconds, and once a
//! day (after [`Schedule::daily_at`] in Sweden) the retention sweep and the deadline
//! reminders.
//!
//! Several instances may share one state (PostgreSQL). None does a job twice: the outbox
//! is claimed notice by notice under leases; a daily job first takes the lease
//! `job:<name>:<day>` for longer than the day lasts and never gives it back, so of the
//! instances that try that day one runs it, and the others find it taken and skip it. A
//! retention sweep holds its own run lease as well, so a sweep started by hand
//! (`skydd retention run`) is never doubled either. The audit log names the job
//! (`job:outbox`, `job:daily`), not whoever started the server.

use std::sync::Arc;
use std::time::Duration;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::Serialize;
use skydd_store::StateStore;

use crate::error::AppError;
use crate::lease::Leasing;
use crate::workspace::Workspace;
use crate::{outbox, retention, workflow};

/// When the jobs run.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// How often due notices are looked for.
    pub outbox_every: Duration,
    /// The time of day (Europe/Stockholm) after which the daily jobs run.
    pub daily_at: Time,
    /// Whether the retention sweep runs daily (it changes the company's databases).
    pub retention: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            outbox_every: Duration::from_secs(5),
            daily_at: Time::constant(3, 0, 0, 0),
            retention: true,
        }
    }
}

/// How long a daily job's lease is kept: past the day, so a late instance cannot run it.
const DAILY_LEASE: Duration = Duration::from_secs(36 * 3600);

/// The Swedish day and time now.
fn stockholm_now() -> jiff::civil::DateTime {
    let tz = TimeZone::get("Europe/Stockholm").unwrap_or(TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz).datetime()
}

/// Runs the jobs until `stop` resolves. Errors are logged and the job tried again at its
/// next turn: a server does not stop because a receiver or a database is down.
pub async fn run(ws: Arc<Workspace>, schedule: Schedule, stop: impl Future<Output = ()>) {
    let holder = skydd_store::this_process();
    let outbox = {
        let ws = ws.clone();
        let holder = holder.clone();
        let every = schedule.outbox_every;
        async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match skydd_store::acting_as("job:outbox", outbox::deliver_due(&ws, &holder, 100))
                    .await
                {
                    Ok(pass) if pass.claimed > 0 => {
                        tracing::info!(
                            claimed = pass.claimed,
                            delivered = pass.delivered,
                            retrying = pass.retrying,
                            dead = pass.dead,
                            "outbox"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the outbox could not be delivered"),
                }
            }
        }
    };
    let daily = async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = stockholm_now();
            if now.time() < schedule.daily_at {
                continue;
            }
            let jobs = daily_jobs(&ws, &holder, now.date(), &schedule);
            match skydd_store::acting_as("job:daily", jobs).await {
                Ok(done) if !done.is_empty() => tracing::info!(jobs = ?done, "daily jobs"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "a daily job failed"),
            }
        }
    };
    tokio::select! {
        () = outbox => {}
        () = daily => {}
        () = stop => {}
    }
}

/// What one daily job did.
#[derive(Debug, Clone, Serialize)]
pub struct DailyJob {
    /// `retention` or `reminders`.
    pub job: &'static str,
    /// What it did, in a line.
    pub outcome: String,
}

/// Runs today's daily jobs that no instance has taken yet, as `holder`.
pub async fn daily_jobs(
    ws: &Workspace,
    holder: &str,
    today: Date,
    schedule: &Schedule,
) -> Result<Vec<DailyJob>, AppError> {
    let (store, _) = ws.state(false).await?;
    let mut done = Vec::new();
    if take_day(store, "reminders", today, holder).await? {
        done.push(DailyJob {
            job: "reminders",
            outcome: remind(ws, today).await?,
        });
    }
    if schedule.retention && take_day(store, "retention", today, holder).await? {
        let outcome = match retention::run_leased(
            ws,
            retention::RunRequest {
                today,
                batch: 1000,
                progress: None,
            },
            &Leasing::this_process(skydd_store::RUN_LEASE),
        )
        .await
        {
            Ok(report) => format!("{} row(s) changed", report.rows),
            // Someone runs it by hand right now: that run is today's.
            Err(AppError::Busy(e)) => format!("left to the run in progress: {e}"),
            Err(e) => return Err(e),
        };
        done.push(DailyJob {
            job: "retention",
            outcome,
        });
    }
    Ok(done)
}

/// Takes today's lease of `job`: false when it was taken already, by another instance or
/// by this one earlier today (a holder may renew its own lease, so that is asked first).
async fn take_day(
    store: &skydd_store::Store,
    job: &str,
    today: Date,
    holder: &str,
) -> Result<bool, AppError> {
    let name = format!("job:{job}:{today}");
    if store.lease(&name).await?.is_some() {
        return Ok(false);
    }
    Ok(store.acquire_lease(&name, holder, DAILY_LEASE).await?)
}

/// The requests due soon or late, each logged for staff with its reminder (e-mail to staff
/// comes with the admin console).
async fn remind(ws: &Workspace, today: Date) -> Result<String, AppError> {
    let open = workflow::list(ws, today).await?;
    let mut n = 0;
    for r in open.iter().filter(|r| r.reminder.is_some()) {
        n += 1;
        tracing::warn!(request = %r.id, due = %r.due, days_left = ?r.days_left, reminder = ?r.reminder, "a request needs an answer soon");
    }
    Ok(format!(
        "{n} of {} open request(s) need attention",
        open.len()
    ))
}
