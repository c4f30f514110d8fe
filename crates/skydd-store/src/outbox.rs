//! The Art. 19 outbox in the store. A change that must be told to recipients writes its
//! notices in its own transaction ([`insert!`], then [`audit!`] with the other entries), so
//! a notice exists exactly when its change does. Senders — one per server instance, or a
//! `skydd outbox deliver` — claim due notices under a lease: on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so instances sharing a database never claim the same notice
//! while its lease lives; on SQLite the claim is one statement under the write lock. A
//! sender that dies leaves its notices to be claimed again when the lease expires: delivery
//! is at least once, and the notice id is the idempotency key the recipient dedupes on.
//!
//! Moments in the outbox are UTC to the millisecond, fixed width, so text order is time
//! order. Retries are not audited (the log would grow with every receiver's outage); a
//! notice's queuing, delivery, giving up, and staff's resending or telling are.

/// The state a new notice starts in: skydd delivers webhooks and e-mails; staff tell a
/// `manual` recipient; `none` is recorded with its reason and never sent.
pub(crate) fn first_state(channel: crate::NoticeChannel) -> crate::NoticeState {
    match channel {
        crate::NoticeChannel::Webhook | crate::NoticeChannel::Email => crate::NoticeState::Pending,
        crate::NoticeChannel::Manual => crate::NoticeState::Manual,
        crate::NoticeChannel::None => crate::NoticeState::Omitted,
    }
}

/// Now, as the outbox stores a moment.
pub(crate) fn now_ms() -> Result<String, crate::StoreError> {
    Ok(crate::lease_times(std::time::Duration::ZERO)?.0)
}

/// Writes `$notices` on `$conn` (the caller's transaction); a notice whose id is written
/// already is left as it is. Gives the notices written now, for [`audit!`].
macro_rules! insert {
    ($conn:expr, $notices:expr) => {{
        let at = $crate::outbox::now_ms()?;
        let mut written: Vec<&$crate::NewNotice> = Vec::new();
        for n in $notices {
            let n: &$crate::NewNotice = n;
            let state = $crate::outbox::first_state(n.channel);
            // An omitted notice is never sent: it keeps nothing of the person.
            let body = if state == $crate::NoticeState::Omitted { "{}" } else { n.body.as_str() };
            let done = (state == $crate::NoticeState::Omitted).then(|| at.clone());
            let rows = sqlx::query(
                "INSERT INTO outbox (id, request_id, subject, recipient, kind, channel, state, body,
                   detail, attempts, next_attempt_at, created_at, done_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&n.id)
            .bind(&n.request_id)
            .bind(&n.subject)
            .bind(&n.recipient)
            .bind(&n.kind)
            .bind(n.channel.as_str())
            .bind(state.as_str())
            .bind(body)
            .bind(&n.detail)
            .bind(&at)
            .bind(done)
            .execute($conn)
            .await?
            .rows_affected();
            if rows > 0 {
                written.push(n);
            }
        }
        written
    }};
}
pub(crate) use insert;

/// Appends on `$conn` an entry for each notice [`insert!`] wrote: ids, the recipient and
/// the kind, never the body.
macro_rules! audit {
    ($store:expr, $conn:expr, $written:expr) => {{
        for n in $written {
            $crate::audit::append!(
                $store, $conn, "notice.queued", format!("notice:{}", n.id),
                serde_json::json!({
                    "request": n.request_id,
                    "recipient": n.recipient,
                    "kind": n.kind,
                    "channel": n.channel.as_str(),
                    "state": $crate::outbox::first_state(n.channel).as_str(),
                })
            );
        }
    }};
}
pub(crate) use audit;

/// The outbox methods of [`crate::StateStore`], for a store whose `pool` is a sqlx pool and
/// whose `SKIP_LOCKED` is its claim's locking clause.
macro_rules! methods {
    () => {
        async fn claim_notices(
            &self,
            holder: &str,
            lease: std::time::Duration,
            limit: u32,
        ) -> Result<Vec<$crate::OutboxNotice>, $crate::StoreError> {
            let (now, until) = $crate::lease_times(lease)?;
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query_as::<_, $crate::records::OutboxRow>(sqlx::AssertSqlSafe(format!(
                "UPDATE outbox SET holder = $1, lease_until = $2
                 WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3
                   AND (lease_until IS NULL OR lease_until < $3)
                   ORDER BY next_attempt_at, id LIMIT $4{})
                 RETURNING {}",
                Self::SKIP_LOCKED,
                $crate::records::OUTBOX_COLUMNS
            )))
            .bind(holder)
            .bind(&until)
            .bind(&now)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let mut claimed = rows
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<Vec<$crate::OutboxNotice>, _>>()?;
            claimed.sort_by(|a, b| (&a.next_attempt_at, &a.id).cmp(&(&b.next_attempt_at, &b.id)));
            Ok(claimed)
        }

        async fn notice_delivered(
            &self,
            id: &str,
            receipt: &str,
        ) -> Result<bool, $crate::StoreError> {
            let at = $crate::outbox::now_ms()?;
            let mut tx = self.begin_write().await?;
            // Whoever's try it was: the recipient has it. The body goes (Art. 5(1)(c)).
            let done: Option<(String, i64)> = sqlx::query_as(
                "UPDATE outbox SET state = 'delivered', body = '{}', detail = $1, done_at = $2,
                   attempts = attempts + 1, holder = NULL, lease_until = NULL, last_error = NULL
                 WHERE id = $3 AND state = 'pending' RETURNING recipient, attempts",
            )
            .bind(receipt)
            .bind(&at)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((recipient, attempts)) = done else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::audit::append!(
                self, &mut *tx, "notice.delivered", format!("notice:{id}"),
                serde_json::json!({ "recipient": recipient, "attempts": attempts })
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn notice_failed(
            &self,
            id: &str,
            holder: &str,
            error: &str,
            retry_after: Option<std::time::Duration>,
        ) -> Result<bool, $crate::StoreError> {
            let mut tx = self.begin_write().await?;
            let Some(wait) = retry_after else {
                let dead: Option<(String, i64)> = sqlx::query_as(
                    "UPDATE outbox SET state = 'dead', last_error = $1, done_at = $2,
                       attempts = attempts + 1, holder = NULL, lease_until = NULL
                     WHERE id = $3 AND state = 'pending' AND holder = $4
                     RETURNING recipient, attempts",
                )
                .bind(error)
                .bind($crate::outbox::now_ms()?)
                .bind(id)
                .bind(holder)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((recipient, attempts)) = dead else {
                    tx.rollback().await?;
                    return Ok(false);
                };
                // The error is the receiver's answer or the network's: not personal data,
                // but not the log's business either; the record keeps it.
                $crate::audit::append!(
                    self, &mut *tx, "notice.dead", format!("notice:{id}"),
                    serde_json::json!({ "recipient": recipient, "attempts": attempts })
                );
                tx.commit().await?;
                return Ok(true);
            };
            let (_, next) = $crate::lease_times(wait)?;
            let rows = sqlx::query(
                "UPDATE outbox SET last_error = $1, next_attempt_at = $2, attempts = attempts + 1,
                   holder = NULL, lease_until = NULL
                 WHERE id = $3 AND state = 'pending' AND holder = $4",
            )
            .bind(error)
            .bind(&next)
            .bind(id)
            .bind(holder)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(rows > 0)
        }

        async fn resend_notice(&self, id: &str) -> Result<(), $crate::StoreError> {
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query(
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1,
                   done_at = NULL, last_error = NULL
                 WHERE id = $2 AND state = 'dead'",
            )
            .bind($crate::outbox::now_ms()?)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if rows == 0 {
                tx.rollback().await?;
                return Err(self.notice_not(id, "given up on").await?);
            }
            $crate::audit::append!(self, &mut *tx, "notice.resent", format!("notice:{id}"), serde_json::json!({}));
            tx.commit().await?;
            Ok(())
        }

        async fn notice_told(&self, id: &str, how: &str) -> Result<(), $crate::StoreError> {
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query(
                "UPDATE outbox SET state = 'delivered', body = '{}', detail = $1, done_at = $2,
                   holder = NULL, lease_until = NULL
                 WHERE id = $3 AND state IN ('manual', 'dead')",
            )
            .bind(how)
            .bind($crate::outbox::now_ms()?)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if rows == 0 {
                tx.rollback().await?;
                return Err(self.notice_not(id, "for staff to tell (manual or given up on)").await?);
            }
            // How staff told is free text: in the record, not the log.
            $crate::audit::append!(self, &mut *tx, "notice.told", format!("notice:{id}"), serde_json::json!({}));
            tx.commit().await?;
            Ok(())
        }

        async fn notice(&self, id: &str) -> Result<Option<$crate::OutboxNotice>, $crate::StoreError> {
            sqlx::query_as::<_, $crate::records::OutboxRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM outbox WHERE id = $1",
                $crate::records::OUTBOX_COLUMNS
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(TryInto::try_into)
            .transpose()
        }

        async fn notices_of_request(
            &self,
            request_id: &str,
        ) -> Result<Vec<$crate::OutboxNotice>, $crate::StoreError> {
            sqlx::query_as::<_, $crate::records::OutboxRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM outbox WHERE request_id = $1 ORDER BY created_at, recipient, id",
                $crate::records::OUTBOX_COLUMNS
            )))
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
        }

        async fn outbox(
            &self,
            state: Option<$crate::NoticeState>,
            limit: u32,
        ) -> Result<Vec<$crate::OutboxNotice>, $crate::StoreError> {
            sqlx::query_as::<_, $crate::records::OutboxRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM outbox WHERE ($1 IS NULL OR state = $1)
                 ORDER BY created_at DESC, id DESC LIMIT $2",
                $crate::records::OUTBOX_COLUMNS
            )))
            .bind(state.map(|s| s.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
        }
    };
}
pub(crate) use methods;
