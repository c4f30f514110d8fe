//! The company's staff who use skydd, and their API tokens, in the store: rows in, records
//! out, each change with its audit entry. Hashing passwords and secrets, and checking
//! them, is the application's (`skydd_app::staff`): the store never sees either in clear.

/// The staff methods of [`crate::StateStore`], for a store whose `pool` is a sqlx pool.
macro_rules! methods {
    () => {
        async fn add_user(&self, user: &$crate::NewUser) -> Result<String, $crate::StoreError> {
            let id = $crate::new_id();
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO staff_user (id, name, email, role, password_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&user.name)
            .bind(&user.email)
            .bind(user.role.key())
            .bind(&user.password_hash)
            .bind($crate::now())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                    return Err($crate::StoreError::Conflict(
                        "a user with this e-mail address exists already".into(),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            $crate::audit::append!(
                self, &mut *tx, "user.added", format!("user:{id}"),
                serde_json::json!({ "role": user.role.key() })
            );
            tx.commit().await?;
            Ok(id)
        }

        async fn users(&self) -> Result<Vec<$crate::User>, $crate::StoreError> {
            sqlx::query_as::<_, $crate::records::UserRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM staff_user ORDER BY created_at, id",
                $crate::records::USER_COLUMNS
            )))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
        }

        async fn login(&self, email: &str) -> Result<Option<$crate::Login>, $crate::StoreError> {
            sqlx::query_as::<_, $crate::records::LoginRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {}, password_hash FROM staff_user WHERE email = $1",
                $crate::records::USER_COLUMNS
            )))
            .bind(email)
            .fetch_optional(&self.pool)
            .await?
            .map(TryInto::try_into)
            .transpose()
        }

        async fn record_login(
            &self,
            user_id: Option<&str>,
            outcome: $crate::LoginOutcome,
        ) -> Result<(), $crate::StoreError> {
            let mut tx = self.begin_write().await?;
            // An unknown address is not recorded: it may be a person's, typed by mistake.
            let object = user_id.map_or_else(|| "user:unknown".to_owned(), |id| format!("user:{id}"));
            $crate::audit::append!(
                self, &mut *tx, "login", object,
                serde_json::json!({ "outcome": outcome.as_str() })
            );
            tx.commit().await?;
            Ok(())
        }

        async fn create_token(&self, token: &$crate::NewToken) -> Result<(), $crate::StoreError> {
            let mut tx = self.begin_write().await?;
            let user: Option<String> = sqlx::query_scalar("SELECT id FROM staff_user WHERE id = $1")
                .bind(&token.user_id)
                .fetch_optional(&mut *tx)
                .await?;
            if user.is_none() {
                return Err($crate::StoreError::Invalid(format!(
                    "no user {} is recorded",
                    token.user_id
                )));
            }
            sqlx::query(
                "INSERT INTO api_token (id, user_id, name, role, secret_hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&token.id)
            .bind(&token.user_id)
            .bind(&token.name)
            .bind(token.role.key())
            .bind(&token.secret_hash)
            .bind($crate::now())
            .bind(&token.expires_at)
            .execute(&mut *tx)
            .await?;
            $crate::audit::append!(
                self, &mut *tx, "token.created", format!("token:{}", token.id),
                serde_json::json!({
                    "user": token.user_id,
                    "role": token.role.key(),
                    "expires_at": token.expires_at,
                })
            );
            tx.commit().await?;
            Ok(())
        }

        async fn tokens(&self) -> Result<Vec<$crate::ApiToken>, $crate::StoreError> {
            sqlx::query_as::<_, $crate::records::TokenRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM api_token ORDER BY created_at, id",
                $crate::records::TOKEN_COLUMNS
            )))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
        }

        async fn token_check(
            &self,
            id: &str,
        ) -> Result<Option<$crate::TokenCheck>, $crate::StoreError> {
            let row = sqlx::query_as::<_, $crate::records::TokenSecretRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {}, secret_hash FROM api_token WHERE id = $1",
                $crate::records::TOKEN_COLUMNS
            )))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let secret_hash = row.secret_hash;
            let token: $crate::ApiToken = row.token.try_into()?;
            let user = sqlx::query_as::<_, $crate::records::UserRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM staff_user WHERE id = $1",
                $crate::records::USER_COLUMNS
            )))
            .bind(&token.user_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                $crate::StoreError::Corrupt(format!("token {id} of a user who is not recorded"))
            })?
            .try_into()?;
            Ok(Some($crate::TokenCheck {
                token,
                secret_hash,
                user,
            }))
        }

        async fn touch_token(&self, id: &str) -> Result<(), $crate::StoreError> {
            sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
                .bind($crate::now())
                .bind(id)
                .execute(&self.pool)
                .await?;
            Ok(())
        }

        async fn revoke_token(&self, id: &str) -> Result<bool, $crate::StoreError> {
            let mut tx = self.begin_write().await?;
            let user: Option<String> = sqlx::query_scalar(
                "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL
                 RETURNING user_id",
            )
            .bind($crate::now())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user) = user else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::audit::append!(
                self, &mut *tx, "token.revoked", format!("token:{id}"),
                serde_json::json!({ "user": user })
            );
            tx.commit().await?;
            Ok(true)
        }
    };
}
pub(crate) use methods;
