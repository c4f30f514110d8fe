//! The company's staff who use skydd: users with a role and an argon2id password, API
//! tokens for programs (a role no more than their user's, hashed at rest, revocable,
//! optionally expiring), logging in, and authenticating a bearer token. Every change and
//! every login attempt is in the audit log; no password or token is ever stored, logged or
//! returned in clear, except a new token's text, once, to the person who made it.

use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use skydd_core::identity::{Identity, IdentityKind};
use skydd_core::staff::{Action, Role};
use skydd_store::{
    ApiToken, LoginOutcome, NewToken, NewUser, StateStore, StoreError, TokenCheck, User,
};
use subtle::ConstantTimeEq as _;

use crate::error::AppError;

/// The fewest characters a password may have (NIST SP 800-63B asks at least 8; a password
/// that guards every person's data in the company's systems deserves more).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most bytes a password may have: argon2 takes any length, but hashing megabytes on
/// request is a denial of service.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: u32 = 3650;
/// What every token's text begins with, so a leaked one is recognised (secret scanners).
pub const TOKEN_PREFIX: &str = "skydd_";

/// A password hash with the crate's default parameters, checked when nobody has the
/// address given, so a login for an unknown address does the same work as for a known one
/// and its timing does not tell which addresses have accounts. Made once from 32 random
/// bytes that were thrown away: no password gives it (and none would let anyone in).
const NOBODY: &str = "$argon2id$v=19$m=19456,t=2,p=1$kvW+9OVsTS5v69Y04mfYXw$m7HysXRAiT+air+AbsuggDPO0dB4lxMmXYt0L1XUtSk";

/// Who is acting: a user logged in with their password, or a program with a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The user.
    pub user_id: String,
    /// What they may do now: a token's role, never more than its user's role today.
    pub role: Role,
    /// The token used, if any.
    pub token_id: Option<String>,
}

impl Principal {
    /// The actor the audit log records: `token:<id>` or `user:<id>`.
    pub fn actor(&self) -> String {
        match &self.token_id {
            Some(t) => format!("token:{t}"),
            None => format!("user:{}", self.user_id),
        }
    }

    /// Whether they may do `action`.
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }
}

/// Why someone was not let in. Tell the caller only that they were not (one answer for
/// all, a server's 401); the reason is for the server's own log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The e-mail address and password do not match an active user (which of the two is
    /// wrong is not said).
    #[error("the e-mail address or the password is wrong")]
    WrongCredentials,
    /// The user is disabled.
    #[error("the user is disabled")]
    UserDisabled,
    /// Not a token of skydd's shape.
    #[error("not a skydd API token")]
    Malformed,
    /// No token has that id, or its secret is wrong.
    #[error("the token is not valid")]
    UnknownToken,
    /// Revoked.
    #[error("the token was revoked")]
    Revoked,
    /// Past its expiry.
    #[error("the token has expired")]
    Expired,
}

/// Logging in or authenticating failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Not let in.
    #[error("not authenticated: {0}")]
    Denied(Denied),
    /// skydd could not check (its state failed).
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<StoreError> for AuthError {
    fn from(e: StoreError) -> Self {
        AuthError::Failed(e.into())
    }
}

/// A user to add, as typed.
#[derive(Debug, Clone)]
pub struct AddUser {
    /// The e-mail address they log in with.
    pub email: String,
    /// The name shown.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// The password, in clear: hashed here, and dropped.
    pub password: String,
}

/// A staff e-mail address as it is stored: trimmed and lower-cased, of an address's shape.
pub fn staff_email(text: &str) -> Result<String, AppError> {
    // The shape of a data subject's address is the shape of staff's; the day does not
    // matter for an e-mail address.
    Identity::parse(IdentityKind::Email, text, jiff::civil::date(2000, 1, 1))
        .map(|i| i.value)
        .map_err(|e| AppError::Invalid(format!("--email: {e}")))
}

/// Refuses a password too short (fewer than [`MIN_PASSWORD_CHARS`] characters) or too
/// long to hash on request.
pub fn check_password(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "the password has {chars} characters; use at least {MIN_PASSWORD_CHARS} (a passphrase of a few words is easiest)"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::Invalid(format!(
            "the password is longer than {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

/// A name as stored: trimmed, not empty, one line.
fn name(text: &str, what: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 200 || t.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!(
            "{what}: give a name of 1 to 200 characters on one line"
        )));
    }
    Ok(t.to_owned())
}

/// Hashes a password with argon2id and the crate's default parameters (m = 19 MiB, t = 2,
/// p = 1: OWASP's recommendation), on a blocking thread: it takes tens of milliseconds.
async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("the password hashing stopped: {e}")))?
}

/// Checks `password` against a stored hash (constant time), on a blocking thread. A stored
/// hash that does not read is a corrupt record.
async fn password_matches(password: String, stored: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        match Argon2::default().verify_password(password.as_bytes(), stored.as_str()) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(AppError::Corrupt(format!(
                "skydd's state holds a password hash that does not read: {e}"
            ))),
        }
    })
    .await
    .map_err(|e| AppError::Internal(format!("the password check stopped: {e}")))?
}

/// Adds a user: the address checked and lower-cased, the password refused when weak and
/// kept only as its argon2id hash. An address already used is [`AppError::Invalid`].
pub async fn add_user<S: StateStore>(store: &S, user: AddUser) -> Result<User, AppError> {
    let email = staff_email(&user.email)?;
    let name = name(&user.name, "--name")?;
    check_password(&user.password)?;
    let password_hash = hash_password(user.password).await?;
    let id = store
        .add_user(&NewUser {
            name,
            email: email.clone(),
            role: user.role,
            password_hash,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::Invalid(format!("a user with the address {email} exists already"))
            }
            e => e.into(),
        })?;
    store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| AppError::Internal(format!("user {id} was added but is not there")))
}

/// Every user.
pub async fn users<S: StateStore>(store: &S) -> Result<Vec<User>, AppError> {
    Ok(store.users().await?)
}

/// Logs in with an e-mail address and password. The work is the same whether or not the
/// address has an account (a hash is checked either way), so timing tells nothing; every
/// attempt is in the audit log (the user's id, or `user:unknown`, never the address).
pub async fn log_in<S: StateStore>(
    store: &S,
    email: &str,
    password: &str,
) -> Result<Principal, AuthError> {
    let login = match staff_email(email) {
        Ok(email) => store.login(&email).await?,
        Err(_) => None,
    };
    let stored = login
        .as_ref()
        .map_or_else(|| NOBODY.to_owned(), |l| l.password_hash.clone());
    let matches = password.len() <= MAX_PASSWORD_BYTES
        && password_matches(password.to_owned(), stored).await?;
    let (outcome, result) = match &login {
        None => (
            LoginOutcome::UnknownUser,
            Err(AuthError::Denied(Denied::WrongCredentials)),
        ),
        Some(_) if !matches => (
            LoginOutcome::WrongPassword,
            Err(AuthError::Denied(Denied::WrongCredentials)),
        ),
        Some(l) if l.user.disabled_at.is_some() => (
            LoginOutcome::Disabled,
            Err(AuthError::Denied(Denied::UserDisabled)),
        ),
        Some(l) => (
            LoginOutcome::Succeeded,
            Ok(Principal {
                user_id: l.user.id.clone(),
                role: l.user.role,
                token_id: None,
            }),
        ),
    };
    store
        .record_login(login.as_ref().map(|l| l.user.id.as_str()), outcome)
        .await?;
    result
}

/// A token to create.
#[derive(Debug, Clone)]
pub struct CreateToken {
    /// The user's e-mail address.
    pub user_email: String,
    /// What it is for.
    pub name: String,
    /// Its role; the user's when not given, and never more.
    pub role: Option<Role>,
    /// Valid for this many days (1 to [`MAX_TOKEN_DAYS`]); without expiry when not given.
    pub expires_in_days: Option<u32>,
}

/// A token just created: its text, shown once and never again.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    /// The token as stored (without its secret).
    #[serde(flatten)]
    pub token: ApiToken,
    /// `skydd_<id>_<secret>`: give it to the program that will use it; skydd keeps only a
    /// hash of the secret.
    pub text: String,
}

/// The SHA-256 of a token's secret, hex. A random 32-byte secret needs no slow hash: it
/// cannot be guessed, only stolen, and a stolen hash does not give it back.
fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hexadecimal of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a token for a user: `skydd_<id>_<secret>` with 32 random bytes of secret, only
/// the secret's hash kept.
pub async fn create_token<S: StateStore>(
    store: &S,
    request: CreateToken,
) -> Result<CreatedToken, AppError> {
    let email = staff_email(&request.user_email)?;
    let name = name(&request.name, "--name")?;
    let login = store
        .login(&email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user logs in as {email}")))?;
    let user = login.user;
    if user.disabled_at.is_some() {
        return Err(AppError::Refused(format!(
            "{email} is disabled: their tokens would not be accepted"
        )));
    }
    let role = request.role.unwrap_or(user.role);
    if role > user.role {
        return Err(AppError::Invalid(format!(
            "--role {role}: a token may do no more than its user, who is a {}",
            user.role
        )));
    }
    let expires_at = match request.expires_in_days {
        None => None,
        Some(days) if (1..=MAX_TOKEN_DAYS).contains(&days) => {
            let at = jiff::Timestamp::now()
                .checked_add(jiff::SignedDuration::from_hours(i64::from(days) * 24))
                .map_err(|e| AppError::Internal(format!("an expiry {days} days from now: {e}")))?;
            Some(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        }
        Some(days) => {
            return Err(AppError::Invalid(format!(
                "--expires {days}: give 1 to {MAX_TOKEN_DAYS} days"
            )));
        }
    };
    let id = uuid_simple();
    let mut secret = [0u8; 32];
    rand::fill(&mut secret);
    let secret = hex(&secret);
    store
        .create_token(&NewToken {
            id: id.clone(),
            user_id: user.id,
            name,
            role,
            secret_hash: secret_hash(&secret),
            expires_at,
        })
        .await?;
    let token = token_by_id(store, &id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("token {id} was created but is not there")))?;
    Ok(CreatedToken {
        token,
        text: format!("{TOKEN_PREFIX}{id}_{secret}"),
    })
}

/// A token id: 32 hexadecimal digits, time-ordered (a UUID v7 without its dashes), so it
/// holds no `_` and the token's text splits unambiguously.
fn uuid_simple() -> String {
    skydd_store::new_id().replace('-', "")
}

/// The token `id`, without its secret.
async fn token_by_id<S: StateStore>(store: &S, id: &str) -> Result<Option<ApiToken>, AppError> {
    Ok(store.token_check(id).await?.map(|c| c.token))
}

/// Every token, without secrets.
pub async fn tokens<S: StateStore>(store: &S) -> Result<Vec<ApiToken>, AppError> {
    Ok(store.tokens().await?)
}

/// A token revoked.
#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    /// The token now.
    pub token: ApiToken,
    /// It had been revoked before (nothing changed).
    pub already: bool,
}

/// Revokes a token (its id, or its whole text): from now on it is refused.
pub async fn revoke_token<S: StateStore>(store: &S, id: &str) -> Result<Revoked, AppError> {
    let id = token_id(id);
    let revoked_now = store.revoke_token(id).await?;
    let token = token_by_id(store, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no token has the id `{id}`")))?;
    Ok(Revoked {
        token,
        already: !revoked_now,
    })
}

/// The id of `text`, which is an id or a token's whole text.
fn token_id(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix(TOKEN_PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .map_or(text, |(id, _)| id)
}

/// How stale a token's `last_used_at` may grow before a use writes it again.
pub const TOUCH_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

/// Whether the stored time `at` is within `within` of now; `None` when there is none (or
/// it does not read: then it is written afresh).
fn recently(at: Option<&str>, within: jiff::SignedDuration) -> Option<bool> {
    let at: jiff::Timestamp = at?.parse().ok()?;
    Some(jiff::Timestamp::now().duration_since(at) < within)
}

/// Authenticates a bearer token (`skydd_<id>_<secret>`): its secret's hash compared in
/// constant time, then revocation, expiry and its user checked. The principal's role is the
/// token's, lowered to its user's role today. Its last use is noted (to the minute).
pub async fn authenticate<S: StateStore>(store: &S, bearer: &str) -> Result<Principal, AuthError> {
    let (id, secret) = bearer
        .trim()
        .strip_prefix(TOKEN_PREFIX)
        .and_then(|rest| rest.split_once('_'))
        .filter(|(id, secret)| {
            id.len() == 32
                && secret.len() == 64
                && id
                    .bytes()
                    .chain(secret.bytes())
                    .all(|b| b.is_ascii_hexdigit())
        })
        .ok_or(AuthError::Denied(Denied::Malformed))?;
    let Some(TokenCheck {
        token,
        secret_hash: stored,
        user,
    }) = store.token_check(id).await?
    else {
        return Err(AuthError::Denied(Denied::UnknownToken));
    };
    let given = secret_hash(secret);
    if !bool::from(given.as_bytes().ct_eq(stored.as_bytes())) {
        return Err(AuthError::Denied(Denied::UnknownToken));
    }
    if token.revoked_at.is_some() {
        return Err(AuthError::Denied(Denied::Revoked));
    }
    if let Some(expires) = &token.expires_at {
        let expires: jiff::Timestamp = expires.parse().map_err(|e| {
            AppError::Corrupt(format!(
                "skydd's state holds token {id} with an expiry `{expires}` that is not a time: {e}"
            ))
        })?;
        if jiff::Timestamp::now() >= expires {
            return Err(AuthError::Denied(Denied::Expired));
        }
    }
    if user.disabled_at.is_some() {
        return Err(AuthError::Denied(Denied::UserDisabled));
    }
    // When a token was last used is worth knowing to the minute; writing it on every call
    // would make each API call two writes of skydd's state instead of one.
    if recently(token.last_used_at.as_deref(), TOUCH_EVERY) != Some(true) {
        store.touch_token(id).await?;
    }
    Ok(Principal {
        user_id: user.id,
        role: token.role.min(user.role),
        token_id: Some(token.id),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_hash_of_nobody_has_the_parameters_every_new_hash_gets() {
        let fresh = Argon2::default()
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        let params = |h: &str| h.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(NOBODY), params(&fresh));
        assert_eq!(params(NOBODY), "$argon2id$v=19$m=19456,t=2,p=1");
        // It reads as a hash: checking it does the full work, and says no.
        assert!(matches!(
            Argon2::default().verify_password(b"correct horse battery", NOBODY),
            Err(argon2::password_hash::Error::PasswordInvalid)
        ));
    }

    #[test]
    fn a_token_id_is_read_from_an_id_or_a_whole_token() {
        assert_eq!(token_id("abc"), "abc");
        assert_eq!(token_id(" skydd_0a1b_ffee "), "0a1b");
        assert_eq!(uuid_simple().len(), 32);
    }

    #[test]
    fn short_passwords_are_refused_by_characters_not_bytes() {
        assert!(check_password("elva tecken").is_err());
        assert!(check_password("tolv tecken!").is_ok());
        assert!(
            check_password("åäöåäöåäöåä").is_err(),
            "22 bytes, 11 characters"
        );
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }

    #[test]
    fn a_principal_acts_as_its_token_or_its_user() {
        let p = Principal {
            user_id: "u1".into(),
            role: Role::Viewer,
            token_id: Some("t1".into()),
        };
        assert_eq!(p.actor(), "token:t1");
        assert!(!p.may(Action::ChangeData));
        assert_eq!(
            Principal {
                token_id: None,
                ..p
            }
            .actor(),
            "user:u1"
        );
    }
}
