//! The audit log for the people who check it: verify the whole chain page by page in
//! constant memory (a log of any length), export the head hash to publish or keep apart,
//! and show the latest entries. The store appends; nothing here writes.

use serde::Serialize;
use skydd_core::auditlog::{Break, GENESIS, Verifier};
use skydd_store::{AuditEntry, StateStore};

use crate::error::AppError;

/// Entries read per page while verifying.
pub const PAGE: u32 = 1000;

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    /// Every entry follows the one before it, and the head given (if any) is among them.
    Intact {
        /// Entries read.
        entries: i64,
        /// The last entry's hash ([`GENESIS`] for an empty log): publish it, or keep it
        /// apart from skydd's state, to detect entries later cut from the end.
        head: String,
    },
    /// The chain breaks.
    Broken {
        /// Where and how.
        broken: Break,
        /// The same in words.
        message: String,
    },
}

/// Checks a head hash given to compare with: 64 hexadecimal digits.
pub fn parse_head(text: &str) -> Result<String, AppError> {
    let head = text.trim().to_ascii_lowercase();
    if head.len() == GENESIS.len() && head.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(head)
    } else {
        Err(AppError::Invalid(format!(
            "`{text}` is not a head hash: expected the 64 hexadecimal digits `skydd audit-log head` printed"
        )))
    }
}

/// Reads the whole log in pages of [`PAGE`] and checks the chain; with `head`, also that
/// the log still holds that entry (entries cut from the end are found only so).
pub async fn verify<S: StateStore>(
    store: &S,
    head: Option<&str>,
) -> Result<Verification, AppError> {
    let mut verifier = Verifier::expecting(head);
    let mut after = 0;
    loop {
        let page = store.audit_entries(after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.seq;
        for entry in &page {
            if let Err(broken) = verifier.push(entry) {
                return Ok(broken_at(broken));
            }
        }
    }
    Ok(match verifier.finish() {
        Ok(v) => Verification::Intact {
            entries: v.entries,
            head: v.head,
        },
        Err(broken) => broken_at(broken),
    })
}

fn broken_at(broken: Break) -> Verification {
    Verification::Broken {
        message: broken.to_string(),
        broken,
    }
}

/// The log's head: the last entry's position and hash (0 and [`GENESIS`] when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    /// The last entry's position.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When it was appended (UTC), when there is one.
    pub at: Option<String>,
}

/// The log's head, as it is now (not verified: [`verify`] does that).
pub async fn head<S: StateStore>(store: &S) -> Result<Head, AppError> {
    Ok(match store.audit_head().await? {
        Some(e) => Head {
            seq: e.seq,
            hash: e.hash,
            at: Some(e.at),
        },
        None => Head {
            seq: 0,
            hash: GENESIS.to_owned(),
            at: None,
        },
    })
}

/// The last `limit` entries, oldest first.
pub async fn latest<S: StateStore>(store: &S, limit: u32) -> Result<Vec<AuditEntry>, AppError> {
    let Some(head) = store.audit_head().await? else {
        return Ok(Vec::new());
    };
    let after = head.seq.saturating_sub(i64::from(limit)).max(0);
    Ok(store.audit_entries(after, limit).await?)
}

/// At most `limit` entries after position `after`, oldest first: a page of the log for a
/// reader who starts at 0 and goes on from the last position they read.
pub async fn entries<S: StateStore>(
    store: &S,
    after: i64,
    limit: u32,
) -> Result<Vec<AuditEntry>, AppError> {
    Ok(store.audit_entries(after, limit).await?)
}
