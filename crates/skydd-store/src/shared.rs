//! The statements both backends run, written once. sqlx's SQLite driver binds `$1`-style
//! parameters by their number as PostgreSQL does, times are ISO 8601 text in UTC on both
//! (fixed width, so text order is time order), and `ON CONFLICT … RETURNING` reads the
//! same on both; so one body serves both pool types, expanded per backend by
//! [`state_store!`].

/// How many times a migration that lost a race with another process is tried again, and
/// how long to wait between tries: together, about the busy timeout.
pub(crate) const MIGRATION_TRIES: u32 = 50;
pub(crate) const MIGRATION_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// The lease of the retention run.
pub(crate) const RETENTION: &str = "retention";

/// Is this the error of a statement that lost a race for SQLite's write lock?
pub(crate) fn busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            // SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes (517: a
            // snapshot outdated by another writer's commit).
            matches!(d.code().as_deref(), Some("5" | "6" | "261" | "517" | "262"))
        }
        _ => false,
    }
}

/// Implements the migrations and [`crate::StateStore`] for `$store`, whose `pool` field is
/// a sqlx pool.
macro_rules! state_store {
    ($store:ty) => {
        impl $store {
            /// Brings the schema up to date with `migrator`. Another process migrating the
            /// same state at once (SQLite takes no lock for sqlx's migrator) makes a
            /// statement fail; when the migrations applied grew meanwhile, or the write
            /// lock was busy, the run is tried again and finds that work done.
            async fn migrate_with(
                &self,
                migrator: &sqlx::migrate::Migrator,
            ) -> Result<(), $crate::StoreError> {
                let mut tries = 0;
                loop {
                    let before = self.applied_migrations().await;
                    match migrator.run(&self.pool).await {
                        Ok(()) => return Ok(()),
                        Err(sqlx::migrate::MigrateError::VersionMissing(_)) => {
                            let found = self.applied_migrations().await.unwrap_or_default();
                            let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
                            return Err($crate::StoreError::Newer { found, known });
                        }
                        Err(e) => {
                            let raced = match &e {
                                sqlx::migrate::MigrateError::Execute(x)
                                | sqlx::migrate::MigrateError::ExecuteMigration(x, _) => {
                                    $crate::shared::busy(x)
                                }
                                _ => false,
                            } || self.applied_migrations().await > before;
                            if !raced || tries >= $crate::shared::MIGRATION_TRIES {
                                return Err(e.into());
                            }
                            tries += 1;
                            tokio::time::sleep($crate::shared::MIGRATION_PAUSE).await;
                        }
                    }
                }
            }

            /// [`crate::StoreError::Busy`] for `what`, from whoever holds the lease `name` now.
            async fn busy(&self, name: &str, what: &str) -> Result<$crate::StoreError, $crate::StoreError> {
                let held = $crate::StateStore::lease(self, name).await?;
                Ok($crate::StoreError::Busy {
                    what: what.to_owned(),
                    holder: held.as_ref().map_or_else(|| "someone who just finished".to_owned(), |l| l.holder.clone()),
                    since: held.map_or_else($crate::now, |l| l.acquired_at),
                })
            }

            /// The holder and lease length of a run started under a lease.
            async fn run_lease(
                &self,
                id: i64,
            ) -> Result<Option<(String, std::time::Duration)>, $crate::StoreError> {
                let row: Option<(Option<String>, Option<i64>)> =
                    sqlx::query_as("SELECT holder, lease_ms FROM retention_run WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(match row {
                    Some((Some(holder), Some(ms))) => Some((
                        holder,
                        std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0)),
                    )),
                    _ => None,
                })
            }

            /// An erasure that is planned or applying; another is a conflict, none not found.
            async fn open_erasure(&self, id: &str) -> Result<$crate::ErasureJournal, $crate::StoreError> {
                let journal = $crate::StateStore::erasure(self, id)
                    .await?
                    .ok_or_else(|| $crate::StoreError::Invalid(format!("no erasure {id} is journalled")))?;
                match journal.state {
                    $crate::ErasureState::Planned | $crate::ErasureState::Applying => Ok(journal),
                    state => Err($crate::StoreError::Conflict(format!("erasure {id} is already {state}"))),
                }
            }

            /// Takes every subject's erasure lease for `holder`, or none: a lease another
            /// holder keeps alive is [`crate::StoreError::Busy`], and those taken are given back.
            async fn take_erasure_leases(
                &self,
                subjects: &[String],
                holder: &str,
                lease: std::time::Duration,
            ) -> Result<(), $crate::StoreError> {
                for (i, subject) in subjects.iter().enumerate() {
                    let name = $crate::records::erasure_lease(subject);
                    if !$crate::StateStore::acquire_lease(self, &name, holder, lease).await? {
                        let busy = self.busy(&name, &format!("an erasure of {subject}")).await?;
                        for taken in &subjects[..i] {
                            $crate::StateStore::release_lease(self, &$crate::records::erasure_lease(taken), holder).await?;
                        }
                        return Err(busy);
                    }
                }
                Ok(())
            }

            /// Why a notice is not in the state an action on it needs: another state is a
            /// conflict; no such notice, a caller's mistake.
            async fn notice_not(&self, id: &str, needed: &str) -> Result<$crate::StoreError, $crate::StoreError> {
                Ok(match $crate::StateStore::notice(self, id).await? {
                    Some(n) => $crate::StoreError::Conflict(format!("notice {id} is {}, not {needed}", n.state)),
                    None => $crate::StoreError::Invalid(format!("there is no notice {id}")),
                })
            }

            /// A request's row with its identities and executions.
            async fn complete_request(
                &self,
                row: $crate::records::RequestRow,
            ) -> Result<$crate::Request, $crate::StoreError> {
                let identities = sqlx::query_as::<_, $crate::RequestIdentity>(
                    "SELECT kind, value, subject_key FROM request_identity WHERE request_id = $1 ORDER BY kind, value",
                )
                .bind(&row.id)
                .fetch_all(&self.pool)
                .await?;
                let executions = sqlx::query_as::<_, $crate::records::ExecutionRow>(
                    "SELECT id, started, finished, outcome, report FROM request_execution
                     WHERE request_id = $1 ORDER BY started, id",
                )
                .bind(&row.id)
                .fetch_all(&self.pool)
                .await?;
                row.into_request(identities, executions)
            }

            /// The newest migration applied, if the migrations table exists.
            async fn applied_migrations(&self) -> Option<i64> {
                sqlx::query_scalar::<_, Option<i64>>(
                    "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
                )
                .fetch_one(&self.pool)
                .await
                .ok()
                .flatten()
            }
        }

        impl $crate::StateStore for $store {
            fn with_actor(&self, actor: &str) -> Self {
                Self {
                    pool: self.pool.clone(),
                    actor: actor.into(),
                }
            }

            fn actor(&self) -> &str {
                &self.actor
            }

            async fn restrict(
                &self,
                subject: &str,
                kind: skydd_core::rights::Kind,
                purpose: Option<&str>,
                allowed: &[String],
                reason: Option<&str>,
                notices: &[$crate::NewNotice],
            ) -> Result<i64, $crate::StoreError> {
                let allowed_json = serde_json::to_string(allowed)
                    .map_err(|e| $crate::StoreError::Invalid(e.to_string()))?;
                let mut tx = self.begin_write().await?;
                let (id, added) = $crate::shared::insert_restriction!(
                    &mut *tx, subject, kind.key(), purpose, &allowed_json, reason
                );
                if added {
                    // Recipients are told of a new restriction, not of one already active.
                    let written = $crate::outbox::insert!(&mut *tx, notices);
                    $crate::audit::append!(
                        self, &mut *tx, "restriction.added", format!("restriction:{id}"),
                        serde_json::json!({ "kind": kind.key(), "purpose": purpose, "allowed": allowed })
                    );
                    $crate::outbox::audit!(self, &mut *tx, written);
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn lift(
                &self,
                subject: &str,
                kind: skydd_core::rights::Kind,
                purpose: Option<&str>,
                notices: &[$crate::NewNotice],
            ) -> Result<u64, $crate::StoreError> {
                let mut tx = self.begin_write().await?;
                let lifted: Vec<(i64, Option<String>)> = sqlx::query_as(
                    "UPDATE restriction SET lifted_at = $1 WHERE subject = $2 AND kind = $3
                     AND lifted_at IS NULL AND ($4 IS NULL OR purpose = $4)
                     RETURNING id, purpose",
                )
                .bind($crate::now())
                .bind(subject)
                .bind(kind.key())
                .bind(purpose)
                .fetch_all(&mut *tx)
                .await?;
                let written = if lifted.is_empty() {
                    Vec::new()
                } else {
                    $crate::outbox::insert!(&mut *tx, notices)
                };
                for (id, purpose) in &lifted {
                    $crate::audit::append!(
                        self, &mut *tx, "restriction.lifted", format!("restriction:{id}"),
                        serde_json::json!({ "kind": kind.key(), "purpose": purpose })
                    );
                }
                $crate::outbox::audit!(self, &mut *tx, written);
                tx.commit().await?;
                Ok(lifted.len() as u64)
            }

            async fn active(
                &self,
                subject: &str,
            ) -> Result<Vec<skydd_core::rights::Restriction>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::records::RestrictionRow>(
                    "SELECT subject, kind, purpose, allowed, created_at FROM restriction
                     WHERE subject = $1 AND lifted_at IS NULL ORDER BY id",
                )
                .bind(subject)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn all_active(
                &self,
            ) -> Result<
                std::collections::BTreeMap<String, Vec<skydd_core::rights::Restriction>>,
                $crate::StoreError,
            > {
                let rows = sqlx::query_as::<_, $crate::records::RestrictionRow>(
                    "SELECT subject, kind, purpose, allowed, created_at FROM restriction
                     WHERE lifted_at IS NULL ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut out: std::collections::BTreeMap<String, Vec<_>> = Default::default();
                for row in rows {
                    let r: skydd_core::rights::Restriction = row.try_into()?;
                    out.entry(r.subject.clone()).or_default().push(r);
                }
                Ok(out)
            }

            async fn record_holds(&self, holds: &[$crate::Hold]) -> Result<(), $crate::StoreError> {
                if holds.is_empty() {
                    return Ok(());
                }
                let mut tx = self.begin_write().await?;
                let ids = $crate::shared::insert_holds!(&mut *tx, holds);
                $crate::audit::append!(
                    self, &mut *tx, "hold.recorded", "hold",
                    serde_json::json!({ "count": ids.len(), "holds": ids })
                );
                tx.commit().await?;
                Ok(())
            }

            async fn holds(&self) -> Result<Vec<$crate::Hold>, $crate::StoreError> {
                Ok(sqlx::query_as::<_, $crate::Hold>(
                    "SELECT subject, collection, row_key, field, purpose, statute, until FROM hold
                     WHERE released_at IS NULL ORDER BY until, id",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn holds_of(
                &self,
                subjects: &[String],
            ) -> Result<Vec<$crate::Hold>, $crate::StoreError> {
                let mut holds = self.holds().await?;
                holds.retain(|h| subjects.contains(&h.subject));
                Ok(holds)
            }

            async fn release_holds(&self, today: &str) -> Result<u64, $crate::StoreError> {
                let mut tx = self.begin_write().await?;
                let mut ids: Vec<i64> = sqlx::query_scalar(
                    "UPDATE hold SET released_at = $1
                     WHERE released_at IS NULL AND until IS NOT NULL AND until < $2
                     RETURNING id",
                )
                .bind($crate::now())
                .bind(today)
                .fetch_all(&mut *tx)
                .await?;
                ids.sort_unstable();
                if !ids.is_empty() {
                    $crate::audit::append!(
                        self, &mut *tx, "hold.released", "hold",
                        serde_json::json!({ "count": ids.len(), "holds": ids, "before": today })
                    );
                }
                tx.commit().await?;
                Ok(ids.len() as u64)
            }

            async fn erased(
                &self,
            ) -> Result<std::collections::BTreeSet<(String, String, String)>, $crate::StoreError>
            {
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT collection, row_key, field FROM erased")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().collect())
            }

            async fn mark_erased(
                &self,
                request: &str,
                fields: &[(String, String, String)],
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.begin_write().await?;
                let marked = $crate::shared::insert_erased!(&mut *tx, request, fields);
                if marked > 0 {
                    $crate::audit::append!(
                        self, &mut *tx, "erased.marked", format!("request:{request}"),
                        serde_json::json!({ "count": marked })
                    );
                }
                tx.commit().await?;
                Ok(())
            }

            async fn record_request(
                &self,
                r: &$crate::RequestRecord,
                notices: &[$crate::NewNotice],
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.begin_write().await?;
                let new = $crate::shared::upsert_request!(&mut *tx, r);
                let written = $crate::outbox::insert!(&mut *tx, notices);
                $crate::shared::audit_request_record!(self, &mut *tx, r, new);
                $crate::outbox::audit!(self, &mut *tx, written);
                tx.commit().await?;
                Ok(())
            }

            async fn requests(&self) -> Result<Vec<$crate::RequestRecord>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::records::RequestRecordRow>(
                    "SELECT r.id, r.kind, r.subject, r.received, r.due, r.completed, r.summary, r.status,
                       (SELECT e.outcome FROM request_execution e WHERE e.request_id = r.id
                        ORDER BY e.started DESC, e.id DESC LIMIT 1) AS outcome,
                       (SELECT e.report FROM request_execution e WHERE e.request_id = r.id
                        ORDER BY e.started DESC, e.id DESC LIMIT 1) AS report
                     FROM request r ORDER BY r.received DESC, r.id DESC",
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn requests_of(
                &self,
                subjects: &[String],
            ) -> Result<Vec<$crate::RequestRecord>, $crate::StoreError> {
                let mut list = self.requests().await?;
                list.retain(|r| r.subject.split(' ').any(|s| subjects.iter().any(|x| x == s)));
                Ok(list)
            }

            async fn start_run(&self) -> Result<(i64, u64), $crate::StoreError> {
                let run = self
                    .start_run_leased(&$crate::this_process(), $crate::RUN_LEASE)
                    .await?;
                Ok((run.id, run.interrupted))
            }

            async fn start_run_leased(
                &self,
                holder: &str,
                ttl: std::time::Duration,
            ) -> Result<$crate::RunStart, $crate::StoreError> {
                let before = self.lease($crate::shared::RETENTION).await?;
                if !self.acquire_lease($crate::shared::RETENTION, holder, ttl).await? {
                    return Err(self.busy($crate::shared::RETENTION, "a retention run").await?);
                }
                let mut tx = self.begin_write().await?;
                // Holding the lease, no other run is alive: one still `running` died.
                let interrupted = sqlx::query(
                    "UPDATE retention_run SET status = 'interrupted', finished_at = $1
                     WHERE status = 'running'",
                )
                .bind($crate::now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO retention_run (started_at, status, holder, lease_ms)
                     VALUES ($1, 'running', $2, $3) RETURNING id",
                )
                .bind($crate::now())
                .bind(holder)
                .bind(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
                .fetch_one(&mut *tx)
                .await?;
                $crate::audit::append!(
                    self, &mut *tx, "run.started", format!("run:{id}"),
                    serde_json::json!({ "interrupted": interrupted })
                );
                tx.commit().await?;
                Ok($crate::RunStart {
                    id,
                    interrupted,
                    took_over: before.filter(|l| l.holder != holder),
                })
            }

            async fn progress_run(
                &self,
                id: i64,
                rows: u64,
                detail: &str,
            ) -> Result<(), $crate::StoreError> {
                // Progress renews the run's lease; a run that lost it (silent past its lease,
                // and another run took over) stops.
                if let Some((holder, ttl)) = self.run_lease(id).await? {
                    if !self.renew_lease($crate::shared::RETENTION, &holder, ttl).await? {
                        return Err(self.busy($crate::shared::RETENTION, "another retention run").await?);
                    }
                }
                sqlx::query("UPDATE retention_run SET rows = $1, detail = $2 WHERE id = $3")
                    .bind($crate::records::stored_count(rows))
                    .bind(detail)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn finish_run(
                &self,
                id: i64,
                status: &str,
                rows: u64,
                detail: &str,
            ) -> Result<(), $crate::StoreError> {
                let status = match $crate::RunStatus::parse(status) {
                    Ok($crate::RunStatus::Running) | Err(_) => {
                        return Err($crate::StoreError::Invalid(format!(
                            "a retention run finishes `done`, `failed` or `interrupted`, not `{status}`"
                        )));
                    }
                    Ok(s) => s,
                };
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE retention_run SET status = $1, finished_at = $2, rows = $3, detail = $4
                     WHERE id = $5",
                )
                .bind(status.as_str())
                .bind($crate::now())
                .bind($crate::records::stored_count(rows))
                .bind(detail)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                sqlx::query(
                    "DELETE FROM lease WHERE name = $1
                     AND holder = (SELECT holder FROM retention_run WHERE id = $2)",
                )
                .bind($crate::shared::RETENTION)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if updated > 0 {
                    $crate::audit::append!(
                        self, &mut *tx, "run.finished", format!("run:{id}"),
                        serde_json::json!({ "status": status.as_str(), "rows": rows })
                    );
                }
                tx.commit().await?;
                Ok(())
            }

            async fn acquire_lease(
                &self,
                name: &str,
                holder: &str,
                ttl: std::time::Duration,
            ) -> Result<bool, $crate::StoreError> {
                let (now, expires) = $crate::lease_times(ttl)?;
                // One statement decides: the row's lock (PostgreSQL) or the write lock
                // (SQLite) orders racers, and the WHERE is judged on the row as it is then.
                let won: Option<String> = sqlx::query_scalar(
                    "INSERT INTO lease (name, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (name) DO UPDATE SET
                       acquired_at = CASE WHEN lease.holder = excluded.holder
                                          THEN lease.acquired_at ELSE excluded.acquired_at END,
                       holder = excluded.holder,
                       expires_at = excluded.expires_at
                     WHERE lease.expires_at <= excluded.acquired_at OR lease.holder = excluded.holder
                     RETURNING holder",
                )
                .bind(name)
                .bind(holder)
                .bind(&now)
                .bind(&expires)
                .fetch_optional(&self.pool)
                .await?;
                Ok(won.is_some())
            }

            async fn renew_lease(
                &self,
                name: &str,
                holder: &str,
                ttl: std::time::Duration,
            ) -> Result<bool, $crate::StoreError> {
                let (_, expires) = $crate::lease_times(ttl)?;
                let r = sqlx::query("UPDATE lease SET expires_at = $1 WHERE name = $2 AND holder = $3")
                    .bind(&expires)
                    .bind(name)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, $crate::StoreError> {
                let r = sqlx::query("DELETE FROM lease WHERE name = $1 AND holder = $2")
                    .bind(name)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn lease(&self, name: &str) -> Result<Option<$crate::Lease>, $crate::StoreError> {
                Ok(sqlx::query_as::<_, $crate::Lease>(
                    "SELECT name, holder, acquired_at, expires_at FROM lease WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn runs(&self) -> Result<Vec<$crate::RetentionRun>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::records::RunRow>(
                    "SELECT id, started_at, finished_at, status, rows, detail FROM retention_run
                     ORDER BY id DESC",
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TryInto::try_into)
                .collect()
            }

            async fn journal_erasure(
                &self,
                erasure: &$crate::NewErasure,
            ) -> Result<String, $crate::StoreError> {
                let mut subjects = erasure.subjects.clone();
                subjects.sort();
                subjects.dedup();
                self.take_erasure_leases(&subjects, &erasure.holder, erasure.lease).await?;
                let id = $crate::new_id();
                let at = $crate::now();
                let subjects_json = serde_json::to_string(&subjects)
                    .map_err(|e| $crate::StoreError::Invalid(e.to_string()))?;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO erasure_journal (id, request_id, subjects, plan, state, holder, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, 'planned', $5, $6, $6)",
                )
                .bind(&id)
                .bind(&erasure.request_id)
                .bind(&subjects_json)
                .bind(&erasure.plan)
                .bind(&erasure.holder)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
                $crate::audit::append!(
                    self, &mut *tx, "erasure.journalled", format!("erasure:{id}"),
                    serde_json::json!({ "request": erasure.request_id, "subjects": subjects.len() })
                );
                tx.commit().await?;
                Ok(id)
            }

            async fn take_over_erasure(
                &self,
                id: &str,
                holder: &str,
                lease: std::time::Duration,
            ) -> Result<$crate::ErasureJournal, $crate::StoreError> {
                let journal = self.open_erasure(id).await?;
                self.take_erasure_leases(&journal.subjects, holder, lease).await?;
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE erasure_journal SET holder = $1, updated_at = $2 WHERE id = $3")
                    .bind(holder)
                    .bind($crate::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                $crate::audit::append!(
                    self, &mut *tx, "erasure.taken_over", format!("erasure:{id}"),
                    serde_json::json!({ "request": journal.request_id })
                );
                tx.commit().await?;
                Ok($crate::ErasureJournal {
                    holder: holder.to_owned(),
                    ..journal
                })
            }

            async fn mark_dataset_done(
                &self,
                id: &str,
                dataset: &str,
                erased_marks: &[(String, String, String)],
            ) -> Result<(), $crate::StoreError> {
                // The list is rewritten only if it is still the one read: two writers on one
                // journal cannot lose each other's dataset.
                loop {
                    let journal = self.open_erasure(id).await?;
                    let before = serde_json::to_string(&journal.datasets_done)
                        .map_err(|e| $crate::StoreError::Invalid(e.to_string()))?;
                    let mut done = journal.datasets_done.clone();
                    if !done.iter().any(|d| d == dataset) {
                        done.push(dataset.to_owned());
                    }
                    let after = serde_json::to_string(&done)
                        .map_err(|e| $crate::StoreError::Invalid(e.to_string()))?;
                    let mut tx = self.begin_write().await?;
                    let updated = sqlx::query(
                        "UPDATE erasure_journal SET datasets_done = $1, state = 'applying', updated_at = $2
                         WHERE id = $3 AND datasets_done = $4 AND state IN ('planned', 'applying')",
                    )
                    .bind(&after)
                    .bind($crate::now())
                    .bind(id)
                    .bind(&before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated == 0 {
                        tx.rollback().await?;
                        continue;
                    }
                    let marked = $crate::shared::insert_erased!(&mut *tx, &journal.request_id, erased_marks);
                    $crate::audit::append!(
                        self, &mut *tx, "erasure.dataset_done", format!("erasure:{id}"),
                        serde_json::json!({ "request": journal.request_id, "dataset": dataset, "marked": marked })
                    );
                    tx.commit().await?;
                    return Ok(());
                }
            }

            async fn complete_erasure(
                &self,
                id: &str,
                holds: &[$crate::Hold],
                restrictions: &[$crate::NewRestriction],
                request: &$crate::RequestRecord,
                notices: &[$crate::NewNotice],
            ) -> Result<(), $crate::StoreError> {
                let journal = self.open_erasure(id).await?;
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    // The plan holds the values the erasure removed: once recorded, skydd
                    // must not keep them (Art. 17); what stays is in the holds and the log.
                    "UPDATE erasure_journal SET state = 'recorded', plan = '{}', updated_at = $1
                     WHERE id = $2 AND state IN ('planned', 'applying')",
                )
                .bind($crate::now())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict(format!(
                        "erasure {id} was recorded or failed by someone else meanwhile"
                    )));
                }
                let hold_ids = $crate::shared::insert_holds!(&mut *tx, holds);
                let mut added = Vec::new();
                for r in restrictions {
                    let allowed = serde_json::to_string(&r.allowed)
                        .map_err(|e| $crate::StoreError::Invalid(e.to_string()))?;
                    let (rid, new) = $crate::shared::insert_restriction!(
                        &mut *tx,
                        &r.subject,
                        r.kind.key(),
                        r.purpose.as_deref(),
                        &allowed,
                        r.reason.as_deref()
                    );
                    if new {
                        added.push((rid, r));
                    }
                }
                let new = $crate::shared::upsert_request!(&mut *tx, request);
                let written = $crate::outbox::insert!(&mut *tx, notices);
                $crate::shared::release_erasure_leases!(&mut *tx, &journal);
                if !hold_ids.is_empty() {
                    $crate::audit::append!(
                        self, &mut *tx, "hold.recorded", format!("erasure:{id}"),
                        serde_json::json!({ "count": hold_ids.len(), "holds": hold_ids })
                    );
                }
                for (rid, r) in &added {
                    $crate::audit::append!(
                        self, &mut *tx, "restriction.added", format!("restriction:{rid}"),
                        serde_json::json!({ "kind": r.kind.key(), "purpose": r.purpose, "allowed": r.allowed, "erasure": id })
                    );
                }
                $crate::shared::audit_request_record!(self, &mut *tx, request, new);
                $crate::audit::append!(
                    self, &mut *tx, "erasure.recorded", format!("erasure:{id}"),
                    serde_json::json!({
                        "request": journal.request_id,
                        "datasets": journal.datasets_done,
                        "holds": hold_ids.len(),
                        "restrictions": added.len(),
                    })
                );
                $crate::outbox::audit!(self, &mut *tx, written);
                tx.commit().await?;
                Ok(())
            }

            async fn fail_erasure(&self, id: &str, reason: &str) -> Result<(), $crate::StoreError> {
                let journal = self.open_erasure(id).await?;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE erasure_journal SET state = 'failed', plan = '{}', failure = $1, updated_at = $2 WHERE id = $3",
                )
                .bind(reason)
                .bind($crate::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
                $crate::shared::release_erasure_leases!(&mut *tx, &journal);
                // The reason is the app's text and may quote what it met: not in the log.
                $crate::audit::append!(
                    self, &mut *tx, "erasure.failed", format!("erasure:{id}"),
                    serde_json::json!({ "request": journal.request_id, "datasets": journal.datasets_done })
                );
                tx.commit().await?;
                Ok(())
            }

            async fn erasure(
                &self,
                id: &str,
            ) -> Result<Option<$crate::ErasureJournal>, $crate::StoreError> {
                sqlx::query_as::<_, $crate::records::ErasureRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM erasure_journal WHERE id = $1",
                    $crate::records::ERASURE_COLUMNS
                )))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(TryInto::try_into)
                .transpose()
            }

            async fn open_erasures(
                &self,
                subjects: &[String],
            ) -> Result<Vec<$crate::ErasureJournal>, $crate::StoreError> {
                let rows = sqlx::query_as::<_, $crate::records::ErasureRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM erasure_journal WHERE state <> 'recorded' ORDER BY created_at, id",
                    $crate::records::ERASURE_COLUMNS
                )))
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::new();
                for row in rows {
                    let j: $crate::ErasureJournal = row.try_into()?;
                    if j.subjects.iter().any(|s| subjects.contains(s)) {
                        out.push(j);
                    }
                }
                Ok(out)
            }

            async fn create_request(
                &self,
                r: &$crate::NewRequest,
            ) -> Result<String, $crate::StoreError> {
                let id = $crate::new_id();
                let mut keys: Vec<&str> = Vec::new();
                for i in &r.identities {
                    if !keys.contains(&i.subject_key.as_str()) {
                        keys.push(&i.subject_key);
                    }
                }
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO request (id, kind, channel, subject, received, due, status, summary, asked_change)
                     VALUES ($1, $2, $3, $4, $5, $6, 'received', '{}', $7)",
                )
                .bind(&id)
                .bind(r.kind.key())
                .bind(r.channel.key())
                .bind(keys.join(" "))
                .bind(&r.received)
                .bind(&r.due)
                .bind(&r.asked_change)
                .execute(&mut *tx)
                .await?;
                for i in &r.identities {
                    sqlx::query(
                        "INSERT INTO request_identity (request_id, kind, value, subject_key) VALUES ($1, $2, $3, $4)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&id)
                    .bind(&i.kind)
                    .bind(&i.value)
                    .bind(&i.subject_key)
                    .execute(&mut *tx)
                    .await?;
                }
                $crate::audit::append!(
                    self, &mut *tx, "request.received", format!("request:{id}"),
                    serde_json::json!({
                        "kind": r.kind.key(),
                        "channel": r.channel.key(),
                        "received": r.received,
                        "due": r.due,
                        "identities": r.identities.len(),
                    })
                );
                tx.commit().await?;
                Ok(id)
            }

            async fn request(&self, id: &str) -> Result<Option<$crate::Request>, $crate::StoreError> {
                let row = sqlx::query_as::<_, $crate::records::RequestRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM request WHERE id = $1",
                    $crate::records::REQUEST_COLUMNS
                )))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                match row {
                    Some(row) => Ok(Some(self.complete_request(row).await?)),
                    None => Ok(None),
                }
            }

            async fn open_requests(&self) -> Result<Vec<$crate::Request>, $crate::StoreError> {
                let rows = sqlx::query_as::<_, $crate::records::RequestRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM request WHERE status IN ('received', 'verified', 'in_progress')
                     ORDER BY COALESCE(extended_due, due), received, id",
                    $crate::records::REQUEST_COLUMNS
                )))
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    out.push(self.complete_request(row).await?);
                }
                Ok(out)
            }

            async fn transition(
                &self,
                id: &str,
                from: $crate::RequestStatus,
                to: $crate::RequestStatus,
                t: &$crate::Transition,
            ) -> Result<(), $crate::StoreError> {
                let (v, x, r, f) = (&t.verification, &t.extension, &t.refusal, &t.fee);
                // Closing stamps `completed` (once); reopening (a person who could not be
                // identified gives more, Art. 11(2)) clears it, so lateness is judged on the
                // day the request is finally answered.
                let closed = (!to.is_open()).then($crate::now);
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE request SET status = $1,
                       verification_method = COALESCE($2, verification_method),
                       verified_by = COALESCE($3, verified_by),
                       verified_at = COALESCE($4, verified_at),
                       verification_note = COALESCE($5, verification_note),
                       extended_due = COALESCE($6, extended_due),
                       extension_reasons = COALESCE($7, extension_reasons),
                       extended_at = COALESCE($8, extended_at),
                       extended_by = COALESCE($9, extended_by),
                       refusal_reasons = COALESCE($10, refusal_reasons),
                       refusal_ground = COALESCE($11, refusal_ground),
                       fee_amount = COALESCE($12, fee_amount),
                       fee_reason = COALESCE($13, fee_reason),
                       completed = CASE WHEN $14 IS NULL THEN NULL ELSE COALESCE(completed, $14) END
                     WHERE id = $15 AND status = $16",
                )
                .bind(to.key())
                .bind(v.as_ref().map(|v| &v.method))
                .bind(v.as_ref().map(|v| &v.by))
                .bind(v.as_ref().map(|v| &v.at))
                .bind(v.as_ref().and_then(|v| v.note.as_ref()))
                .bind(x.as_ref().map(|x| &x.due))
                .bind(x.as_ref().map(|x| &x.reasons))
                .bind(x.as_ref().map(|x| &x.at))
                .bind(x.as_ref().map(|x| &x.by))
                .bind(r.as_ref().map(|r| &r.reasons))
                .bind(r.as_ref().map(|r| &r.ground))
                .bind(f.as_ref().map(|f| f.amount))
                .bind(f.as_ref().map(|f| &f.reason))
                .bind(closed)
                .bind(id)
.bind(from.key())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 1 {
                    // An extension keeps the status: it is its own action. Methods, reasons
                    // and notes are people's words: only that they were given is logged.
                    let action = match (x, f) {
                        (Some(_), _) if from == to => "request.extended".to_owned(),
                        (None, Some(_)) if from == to => "request.fee_charged".to_owned(),
                        _ => format!("request.{}", to.key()),
                    };
                    $crate::audit::append!(
                        self, &mut *tx, action, format!("request:{id}"),
                        serde_json::json!({
                            "from": from.key(),
                            "to": to.key(),
                            "verified": v.is_some(),
                            "extended_due": x.as_ref().map(|x| &x.due),
                            "refused": r.is_some(),
                            "fee": f.as_ref().map(|f| f.amount),
                        })
                    );
                    tx.commit().await?;
                    return Ok(());
                }
                tx.rollback().await?;
                let found: Option<String> = sqlx::query_scalar("SELECT status FROM request WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                Err(match found {
                    None => $crate::StoreError::Invalid(format!("no request {id} is recorded")),
                    Some(s) => $crate::StoreError::Conflict(format!(
                        "request {id} is {s}, not {from}: someone else changed it"
                    )),
                })
            }

            async fn start_execution(&self, request_id: &str) -> Result<String, $crate::StoreError> {
                let id = $crate::new_id();
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO request_execution (id, request_id, started, report) VALUES ($1, $2, $3, '{}')",
                )
                .bind(&id)
                .bind(request_id)
                .bind($crate::now())
                .execute(&mut *tx)
                .await?;
                $crate::audit::append!(
                    self, &mut *tx, "request.execution_started", format!("request:{request_id}"),
                    serde_json::json!({ "execution": id })
                );
                tx.commit().await?;
                Ok(id)
            }

            async fn finish_execution(
                &self,
                id: &str,
                outcome: $crate::ExecutionOutcome,
                report: &str,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.begin_write().await?;
                let request: Option<String> = sqlx::query_scalar(
                    "UPDATE request_execution SET finished = $1, outcome = $2, report = $3
                     WHERE id = $4 AND outcome IS NULL RETURNING request_id",
                )
                .bind($crate::now())
                .bind(outcome.as_str())
                .bind(report)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(request) = request else {
                    tx.rollback().await?;
                    return Err($crate::StoreError::Conflict(format!(
                        "execution {id} is not running (finished already, or unknown)"
                    )));
                };
                // The report holds what was found and done: only the outcome is logged.
                $crate::audit::append!(
                    self, &mut *tx, "request.executed", format!("request:{request}"),
                    serde_json::json!({ "execution": id, "outcome": outcome.as_str() })
                );
                tx.commit().await?;
                Ok(())
            }

            $crate::audit::reading_methods!();
            $crate::staff::methods!();
            $crate::outbox::methods!();

            async fn ping(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}
pub(crate) use state_store;

/// Writes holds on `$conn` (in the caller's transaction); a field held again gets the new
/// end and is held again if it had been released. Gives the holds' ids.
macro_rules! insert_holds {
    ($conn:expr, $holds:expr) => {{
        let at = $crate::now();
        let mut ids: Vec<i64> = Vec::new();
        for h in $holds {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO hold (subject, collection, row_key, field, purpose, statute, until, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (collection, row_key, field) DO UPDATE SET until = excluded.until,
                   purpose = excluded.purpose, statute = excluded.statute, released_at = NULL
                 RETURNING id",
            )
            .bind(&h.subject)
            .bind(&h.collection)
            .bind(&h.row_key)
            .bind(&h.field)
            .bind(&h.purpose)
            .bind(&h.statute)
            .bind(&h.until)
            .bind(&at)
            .fetch_one($conn)
            .await?;
            ids.push(id);
        }
        ids
    }};
}
pub(crate) use insert_holds;

/// Marks fields erased on `$conn` (in the caller's transaction); a field already marked
/// keeps its first mark. Gives how many were marked now.
macro_rules! insert_erased {
    ($conn:expr, $request:expr, $fields:expr) => {{
        let at = $crate::now();
        let mut marked: u64 = 0;
        for (c, k, f) in $fields {
            marked += sqlx::query(
                "INSERT INTO erased (collection, row_key, field, request, at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT DO NOTHING",
            )
            .bind(c)
            .bind(k)
            .bind(f)
            .bind($request)
            .bind(&at)
            .execute($conn)
            .await?
            .rows_affected();
        }
        marked
    }};
}
pub(crate) use insert_erased;

/// Records a restriction on `$conn` unless the same one is active; its id either way, and
/// whether it was added now. The
/// unique index `restriction_one_active` decides, not a check before the insert: two
/// processes restricting the same person at once make one record.
macro_rules! insert_restriction {
    ($conn:expr, $subject:expr, $kind:expr, $purpose:expr, $allowed:expr, $reason:expr) => {{
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO restriction (subject, kind, purpose, allowed, reason, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING
             RETURNING id",
        )
        .bind($subject)
        .bind($kind)
        .bind($purpose)
        .bind($allowed)
        .bind($reason)
        .bind($crate::now())
        .fetch_optional($conn)
        .await?;
        match inserted {
            Some(id) => (id, true),
            None => {
                let id = sqlx::query_scalar::<_, i64>(
                    "SELECT id FROM restriction WHERE subject = $1 AND kind = $2
                     AND COALESCE(purpose, '') = COALESCE($3, '') AND allowed = $4 AND lifted_at IS NULL",
                )
                .bind($subject)
                .bind($kind)
                .bind($purpose)
                .bind($allowed)
                .fetch_one($conn)
                .await?;
                (id, false)
            }
        }
    }};
}
pub(crate) use insert_restriction;

/// Logs a request on `$conn` as the CLI records it (done: answered; failed: still in
/// progress), with one execution carrying its outcome and summary; the same id again records
/// the new outcome. Gives whether the request is new.
macro_rules! upsert_request {
    ($conn:expr, $r:expr) => {{
        let r: &$crate::RequestRecord = $r;
        let kind = $crate::kind_from_record_name(&r.kind)?;
        let (status, outcome) = match r.status.as_str() {
            "done" => (
                $crate::RequestStatus::Answered,
                $crate::ExecutionOutcome::Done,
            ),
            "failed" => (
                $crate::RequestStatus::InProgress,
                $crate::ExecutionOutcome::Failed,
            ),
            other => {
                return Err($crate::StoreError::Invalid(format!(
                    "a request is recorded `done` or `failed`, not `{other}`"
                )));
            }
        };
        let at = $crate::now();
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM request WHERE id = $1")
            .bind(&r.id)
            .fetch_optional($conn)
            .await?;
        sqlx::query(
            "INSERT INTO request (id, kind, subject, received, due, completed, summary, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO UPDATE SET completed = excluded.completed,
               summary = excluded.summary, status = excluded.status",
        )
        .bind(&r.id)
        .bind(kind.key())
        .bind(&r.subject)
        .bind(&r.received)
        .bind(&r.due)
        .bind(&r.completed)
        .bind(&r.summary)
        .bind(status.key())
        .execute($conn)
        .await?;
        sqlx::query(
            "INSERT INTO request_execution (id, request_id, started, finished, outcome, report)
             VALUES ($1, $2, $3, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET finished = excluded.finished,
               outcome = excluded.outcome, report = excluded.report",
        )
        .bind(format!("{}/run", r.id))
        .bind(&r.id)
        .bind(r.completed.as_deref().unwrap_or(&at))
        .bind(outcome.as_str())
        .bind(&r.summary)
        .execute($conn)
        .await?;
        known.is_none()
    }};
}
pub(crate) use upsert_request;

/// Appends on `$conn` the audit entries of a request the CLI logged: received when `$new`,
/// then executed with its outcome (its summary holds what was found: not in the log).
macro_rules! audit_request_record {
    ($store:expr, $conn:expr, $r:expr, $new:expr) => {{
        let r: &$crate::RequestRecord = $r;
        let object = format!("request:{}", r.id);
        if $new {
            let kind = $crate::records::kind_from_record_name(&r.kind)?;
            $crate::audit::append!(
                $store, $conn, "request.received", object.clone(),
                serde_json::json!({
                    "kind": kind.key(),
                    "channel": $crate::Channel::Cli.key(),
                    "received": r.received,
                    "due": r.due,
                })
            );
        }
        $crate::audit::append!(
            $store, $conn, "request.executed", object,
            serde_json::json!({ "execution": format!("{}/run", r.id), "outcome": r.status })
        );
    }};
}
pub(crate) use audit_request_record;

/// Frees the people of `$journal` on `$conn` (in the caller's transaction): their erasure
/// leases, as far as the journal's holder still holds them.
macro_rules! release_erasure_leases {
    ($conn:expr, $journal:expr) => {{
        let journal: &$crate::ErasureJournal = $journal;
        for subject in &journal.subjects {
            sqlx::query("DELETE FROM lease WHERE name = $1 AND holder = $2")
                .bind($crate::records::erasure_lease(subject))
                .bind(&journal.holder)
                .execute($conn)
                .await?;
        }
    }};
}
pub(crate) use release_erasure_leases;
