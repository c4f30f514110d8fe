//! Telling recipients (GDPR Art. 19) through the outbox: the notices of a change are made
//! here ([`notices`]) and written by the store in the change's own transaction; a sender
//! ([`deliver_due`], run by `skydd serve` on a schedule or by `skydd outbox deliver`)
//! claims the due ones and delivers each through the channel the register sets, retrying
//! with backoff and giving up after `[notifications] max_attempts`. Staff see the rest
//! ([`list`]): notices given up on, recipients they tell themselves, and those the register
//! says cannot be told.

use std::time::Duration;

use futures_util::StreamExt;
use jiff::civil::Date;
use serde::Serialize;
use skydd_core::plan::recipients::Telling;
use skydd_core::register::Notify;
use skydd_notify::{
    Affected, Channel, Delivered, Delivery, KnownIdentity, NewValue, Next, Notice, NoticeKind,
    Sender,
};
use skydd_store::{NewNotice, NoticeChannel, NoticeState, OutboxNotice, StateStore, Store};

use crate::error::AppError;
use crate::workspace::{Workspace, base_dir};

/// How many notices one sender delivers at once.
pub const PARALLEL: usize = 16;

/// A change to tell recipients of.
pub struct Change<'a> {
    /// What was done.
    pub kind: NoticeKind,
    /// The request it was done for.
    pub request: &'a str,
    /// The person's subject keys (`email:anna@example.se`).
    pub subjects: &'a [String],
    /// A rectification's new values, by `dataset.collection.field`.
    pub new_values: &'a [(String, String)],
    /// The day it was done.
    pub date: Date,
}

/// The notices of `change` to each recipient of `tellings`, for the store to write with the
/// change. A recipient the register gives no `notify` is one for staff to tell (manual),
/// not one skipped.
pub fn notices(
    ws: &Workspace,
    tellings: &[Telling],
    change: &Change<'_>,
) -> Result<Vec<NewNotice>, AppError> {
    let controller = Sender {
        name: ws.register.controller.name.clone(),
        org_number: ws
            .register
            .controller
            .org_number
            .as_ref()
            .map(ToString::to_string),
    };
    let identities: Vec<KnownIdentity> = change
        .subjects
        .iter()
        .filter_map(|k| k.split_once(':'))
        .map(|(kind, value)| KnownIdentity {
            kind: kind.to_owned(),
            value: value.to_owned(),
        })
        .collect();
    tellings
        .iter()
        .map(|t| {
            let id = skydd_store::new_id();
            let (channel, detail) = match &t.notify {
                Some(Notify::Webhook { .. }) => (NoticeChannel::Webhook, None),
                Some(Notify::Email { .. }) => (NoticeChannel::Email, None),
                Some(Notify::Manual { how }) => (NoticeChannel::Manual, Some(how.clone())),
                Some(Notify::None { reason }) => (NoticeChannel::None, Some(reason.clone())),
                None => (
                    NoticeChannel::Manual,
                    Some("the register does not say how this recipient is told: tell it, and add `notify` to the recipient".to_owned()),
                ),
            };
            let notice = Notice {
                id: id.clone(),
                kind: change.kind,
                request: change.request.to_owned(),
                controller: controller.clone(),
                recipient: t.recipient.clone(),
                identities: identities.clone(),
                affected: Affected {
                    fields: t.fields.clone(),
                    data_categories: t.data_categories.clone(),
                },
                // Only the values of fields this recipient received.
                new_values: change
                    .new_values
                    .iter()
                    .filter(|(f, _)| t.fields.contains(f))
                    .map(|(field, value)| NewValue {
                        field: field.clone(),
                        value: value.clone(),
                    })
                    .collect(),
                date: change.date,
            };
            let body = serde_json::to_string(&notice)
                .map_err(|e| AppError::Invalid(format!("a notice could not be written: {e}")))?;
            Ok(NewNotice {
                id,
                request_id: change.request.to_owned(),
                subject: change.subjects.join(" "),
                recipient: t.recipient.clone(),
                kind: change.kind.key().to_owned(),
                channel,
                body,
                detail,
            })
        })
        .collect()
}

/// What one pass of the sender did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DeliveryPass {
    /// Notices claimed.
    pub claimed: usize,
    /// Delivered.
    pub delivered: usize,
    /// Failed for now; tried again later.
    pub retrying: usize,
    /// Given up on: staff act.
    pub dead: usize,
}

/// Delivers up to `limit` due notices as `holder`, [`PARALLEL`] at a time.
pub async fn deliver_due(
    ws: &Workspace,
    holder: &str,
    limit: u32,
) -> Result<DeliveryPass, AppError> {
    let (store, _) = ws.state(false).await?;
    let delivery = ws.delivery()?;
    // Long enough for every notice of the batch to time out once, in its group of PARALLEL.
    let rounds = u32::try_from(limit as usize / PARALLEL + 1).unwrap_or(u32::MAX);
    let lease = delivery_timeout() * rounds.saturating_mul(2) + Duration::from_secs(30);
    let claimed = store.claim_notices(holder, lease, limit).await?;
    let mut pass = DeliveryPass {
        claimed: claimed.len(),
        ..DeliveryPass::default()
    };
    let results: Vec<Result<Outcome, AppError>> = futures_util::stream::iter(claimed)
        .map(|n| deliver_one(ws, store, delivery, holder, n))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for r in results {
        match r? {
            Outcome::Delivered => pass.delivered += 1,
            Outcome::Retrying => pass.retrying += 1,
            Outcome::Dead => pass.dead += 1,
            Outcome::Lost => {}
        }
    }
    Ok(pass)
}

fn delivery_timeout() -> Duration {
    skydd_notify::DEFAULT_TIMEOUT
}

enum Outcome {
    Delivered,
    Retrying,
    Dead,
    /// Someone else recorded it first (its lease had expired).
    Lost,
}

async fn deliver_one(
    ws: &Workspace,
    store: &Store,
    delivery: &Delivery,
    holder: &str,
    n: OutboxNotice,
) -> Result<Outcome, AppError> {
    let attempt = n.attempts + 1;
    let Some(body) = &n.body else {
        return give_up(store, holder, &n, "the notice has no body to send".into()).await;
    };
    let notice: Notice = match serde_json::from_str(body) {
        Ok(notice) => notice,
        Err(e) => {
            return give_up(
                store,
                holder,
                &n,
                format!("the stored notice does not read: {e}"),
            )
            .await;
        }
    };
    let Some(recipient) = ws.register.recipient(&n.recipient) else {
        return give_up(store, holder, &n, format!(
            "the register no longer names the recipient `{}`: tell it yourself and record it with `skydd outbox told`",
            n.recipient
        ))
        .await;
    };
    let channel = match recipient
        .notify
        .as_ref()
        .map(|notify| Channel::resolve(notify, &base_dir(&ws.path)))
    {
        Some(Ok(Some(channel))) => channel,
        Some(Ok(None)) | None => {
            return give_up(
                store,
                holder,
                &n,
                format!(
                "the register no longer has skydd deliver to `{}`: tell it yourself and record it with `skydd outbox told`",
                n.recipient
            ))
            .await;
        }
        Some(Err(e)) => {
            // A key not set up yet can be fixed: tried again like an outage.
            let why = format!("cannot set up delivery: {e}");
            return retry_or_give_up(ws, store, holder, &n, attempt, why, true, None).await;
        }
    };
    match skydd_notify::deliver(&notice, &channel, delivery).await {
        Ok(delivered) => {
            let receipt = match delivered {
                Delivered::Webhook { status } => format!("webhook answered HTTP {status}"),
                Delivered::Email { message_id, reply } => {
                    format!("mail server answered {reply} for {message_id}")
                }
            };
            Ok(if store.notice_delivered(&n.id, &receipt).await? {
                Outcome::Delivered
            } else {
                Outcome::Lost
            })
        }
        Err(e) => {
            let why = crate::erase::chain(&e);
            let retryable = e.is_retryable();
            let after = e.retry_after();
            retry_or_give_up(ws, store, holder, &n, attempt, why, retryable, after).await
        }
    }
}

/// Gives up on `n` for a reason no retry mends.
async fn give_up(
    store: &Store,
    holder: &str,
    n: &OutboxNotice,
    why: String,
) -> Result<Outcome, AppError> {
    tracing::warn!(notice = %n.id, recipient = %n.recipient, "{why}");
    Ok(if store.notice_failed(&n.id, holder, &why, None).await? {
        Outcome::Dead
    } else {
        Outcome::Lost
    })
}

#[allow(clippy::too_many_arguments)]
async fn retry_or_give_up(
    ws: &Workspace,
    store: &Store,
    holder: &str,
    n: &OutboxNotice,
    attempt: u32,
    why: String,
    retryable: bool,
    retry_after: Option<Duration>,
) -> Result<Outcome, AppError> {
    let max = ws.register.notifications.max_attempts;
    let next = if retryable && attempt < max {
        let wait = skydd_notify::retry::jittered(skydd_notify::backoff(attempt), {
            use rand::RngExt as _;
            rand::rng().random::<f64>()
        });
        Next::RetryAfter(retry_after.map_or(wait, |r| {
            wait.max(r.min(skydd_notify::retry::MAX_RETRY_AFTER))
        }))
    } else {
        Next::DeadLetter
    };
    tracing::info!(notice = %n.id, recipient = %n.recipient, attempt, error = %why, "a notice was not delivered");
    Ok(match next {
        Next::RetryAfter(wait) => {
            if store.notice_failed(&n.id, holder, &why, Some(wait)).await? {
                Outcome::Retrying
            } else {
                Outcome::Lost
            }
        }
        Next::DeadLetter => {
            if store.notice_failed(&n.id, holder, &why, None).await? {
                Outcome::Dead
            } else {
                Outcome::Lost
            }
        }
    })
}

/// A notice as staff and the person see it: who, what kind of change, how and where it
/// stands; never the body.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    /// Id and idempotency key.
    pub id: String,
    /// The request.
    pub request: String,
    /// The recipient's id.
    pub recipient: String,
    /// Its name, as the register gives it now.
    pub recipient_name: Option<String>,
    /// The kind of change.
    pub kind: String,
    /// How it is told.
    pub channel: String,
    /// Where it stands.
    pub state: String,
    /// How staff tell, why nobody does, or how it arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Tries so far.
    pub attempts: u32,
    /// The last failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When the next try is due (pending only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    /// Written.
    pub created_at: String,
    /// Delivered, told or given up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_at: Option<String>,
}

impl NoticeView {
    fn of(ws: &Workspace, n: OutboxNotice) -> NoticeView {
        NoticeView {
            recipient_name: ws
                .register
                .recipient(&n.recipient)
                .map(|r| r.name(skydd_core::text::Lang::Sv).to_owned()),
            next_attempt_at: (n.state == NoticeState::Pending).then_some(n.next_attempt_at),
            id: n.id,
            request: n.request_id,
            recipient: n.recipient,
            kind: n.kind,
            channel: n.channel.to_string(),
            state: n.state.to_string(),
            detail: n.detail,
            attempts: n.attempts,
            last_error: n.last_error,
            created_at: n.created_at,
            done_at: n.done_at,
        }
    }
}

/// The newest `limit` notices, of `state` or all.
pub async fn list(
    ws: &Workspace,
    state: Option<&str>,
    limit: u32,
) -> Result<Vec<NoticeView>, AppError> {
    let state = match state {
        Some(s) => Some(NoticeState::parse(s).map_err(|_| {
            AppError::Invalid(format!(
                "no notice state `{s}`; say one of {}",
                NoticeState::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
        None => None,
    };
    let (store, _) = ws.state(false).await?;
    Ok(store
        .outbox(state, limit)
        .await?
        .into_iter()
        .map(|n| NoticeView::of(ws, n))
        .collect())
}

/// The recipients told of what request `id` changed (Art. 19, second sentence: the person
/// may ask). An unknown request is not found.
pub async fn of_request(ws: &Workspace, id: &str) -> Result<Vec<NoticeView>, AppError> {
    let (store, _) = ws.state(false).await?;
    if store.request(id).await?.is_none() {
        return Err(AppError::NotFound(format!("there is no request {id}")));
    }
    Ok(store
        .notices_of_request(id)
        .await?
        .into_iter()
        .map(|n| NoticeView::of(ws, n))
        .collect())
}

/// Puts a notice given up on back in the queue.
pub async fn resend(ws: &Workspace, id: &str) -> Result<NoticeView, AppError> {
    let (store, _) = ws.state(false).await?;
    known(store, id).await?;
    store.resend_notice(id).await?;
    view(ws, store, id).await
}

/// Records that staff told the recipient of a manual or given-up notice, and how.
pub async fn told(ws: &Workspace, id: &str, how: &str) -> Result<NoticeView, AppError> {
    if how.trim().is_empty() {
        return Err(AppError::Invalid(
            "say how the recipient was told (a call, a letter, an e-mail from you)".into(),
        ));
    }
    let (store, _) = ws.state(false).await?;
    known(store, id).await?;
    store.notice_told(id, how.trim()).await?;
    view(ws, store, id).await
}

async fn known(store: &Store, id: &str) -> Result<(), AppError> {
    match store.notice(id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound(format!("there is no notice {id}"))),
    }
}

async fn view(ws: &Workspace, store: &Store, id: &str) -> Result<NoticeView, AppError> {
    let n = store
        .notice(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no notice {id}")))?;
    Ok(NoticeView::of(ws, n))
}
