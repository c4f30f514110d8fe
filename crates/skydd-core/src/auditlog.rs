//! The hash chain of skydd's audit log: every change of skydd's state (a request received,
//! verified, extended, executed, refused; a restriction; a consent; a login) is one entry,
//! and each entry's hash covers the one before it. Altering, removing or reordering an
//! entry breaks the chain at that entry; removing entries from the end is detected against a
//! head hash exported earlier (publish it, or keep it apart from the store).
//!
//! Entries hold ids, never personal data (Art. 5(1)(c)): the log proves what was done, the
//! records it names hold who it concerned.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 1, without gaps.
    pub seq: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: `user:<id>`, `token:<id>`, `cli:<os user>`, `system:<job>`.
    pub actor: String,
    /// What: `request.received`, `request.extended`, `restriction.added`, `login` …
    pub action: String,
    /// The record it concerns: `request:<id>` …
    pub object: String,
    /// Further ids and facts (JSON; no personal data).
    pub detail: serde_json::Value,
    /// The hash of the entry before it ([`GENESIS`] for the first).
    pub prev: String,
    /// This entry's hash.
    pub hash: String,
}

/// The hash of an entry with these fields after `prev`. The fields are hashed as one JSON
/// array, so no two different entries share an encoding; `detail`'s object keys are sorted
/// at every depth, so the hash depends neither on the order they were written in nor on
/// whether some crate in the build turns on serde_json's `preserve_order`.
pub fn hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    object: &str,
    detail: &serde_json::Value,
) -> String {
    let encoded = serde_json::json!([
        "skydd-audit-1",
        prev,
        seq,
        at,
        actor,
        action,
        object,
        canonical(detail)
    ]);
    let digest = Sha256::digest(encoded.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `v` with the keys of every object in sorted order (inserted sorted, which is the order
/// serde_json writes them in with or without `preserve_order`).
fn canonical(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for k in keys {
                out.insert(k.clone(), canonical(&map[k]));
            }
            serde_json::Value::Object(out)
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(canonical).collect())
        }
        other => other.clone(),
    }
}

impl Entry {
    /// The entry following one whose hash is `prev` (at position `seq`), with its hash.
    pub fn new(
        prev: &str,
        seq: i64,
        at: String,
        actor: String,
        action: String,
        object: String,
        detail: serde_json::Value,
    ) -> Entry {
        let hash = hash(prev, seq, &at, &actor, &action, &object, &detail);
        Entry {
            seq,
            at,
            actor,
            action,
            object,
            detail,
            prev: prev.to_owned(),
            hash,
        }
    }

    fn recomputed(&self) -> String {
        hash(
            &self.prev,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.object,
            &self.detail,
        )
    }
}

/// Where and how a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Break {
    /// The entry's content no longer gives its hash: it was altered.
    #[error("entry {seq} was altered: its content does not give its hash")]
    Altered {
        /// Position.
        seq: i64,
    },
    /// The entry does not follow the one before it: entries were removed, inserted or
    /// reordered before it.
    #[error(
        "entry {seq} does not follow entry {after}: entries were removed, inserted or reordered"
    )]
    Unlinked {
        /// Position.
        seq: i64,
        /// The position of the entry read before it (0 for the start).
        after: i64,
    },
    /// Positions do not run 1, 2, 3 … without gaps.
    #[error("entry {seq} is out of place after entry {after}: entries were removed or reordered")]
    OutOfPlace {
        /// Position.
        seq: i64,
        /// The position read before it.
        after: i64,
    },
    /// The log ends before the head exported earlier: entries were removed from its end.
    #[error(
        "the log does not contain the head {head} exported earlier: entries were removed from its end, or the head belongs to another log"
    )]
    HeadMissing {
        /// The head hash given.
        head: String,
    },
}

/// What a verification found in a log that holds together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Entries read.
    pub entries: i64,
    /// The hash of the last entry ([`GENESIS`] for an empty log): publish it.
    pub head: String,
}

/// Reads entries in stored order and checks the chain, as it goes (a log of any length in
/// constant memory).
#[derive(Debug, Clone)]
pub struct Verifier {
    last_seq: i64,
    last_hash: String,
    seen_head: Option<String>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            last_seq: 0,
            last_hash: GENESIS.to_owned(),
            seen_head: None,
        }
    }
}

impl Verifier {
    /// A verifier that also checks the log still contains `head` (a hash exported earlier).
    pub fn expecting(head: Option<&str>) -> Verifier {
        Verifier {
            seen_head: head.map(str::to_owned),
            ..Verifier::default()
        }
    }

    /// Checks the next entry.
    pub fn push(&mut self, e: &Entry) -> Result<(), Break> {
        if e.seq != self.last_seq + 1 {
            return Err(Break::OutOfPlace {
                seq: e.seq,
                after: self.last_seq,
            });
        }
        if e.recomputed() != e.hash {
            return Err(Break::Altered { seq: e.seq });
        }
        if e.prev != self.last_hash {
            return Err(Break::Unlinked {
                seq: e.seq,
                after: self.last_seq,
            });
        }
        if self.seen_head.as_deref() == Some(e.hash.as_str()) {
            self.seen_head = None;
        }
        self.last_seq = e.seq;
        self.last_hash.clone_from(&e.hash);
        Ok(())
    }

    /// The result once every entry has been pushed.
    pub fn finish(self) -> Result<Verified, Break> {
        if let Some(head) = self.seen_head
            && head != GENESIS
        {
            return Err(Break::HeadMissing { head });
        }
        Ok(Verified {
            entries: self.last_seq,
            head: self.last_hash,
        })
    }
}

/// Verifies a whole log held in memory.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    head: Option<&str>,
) -> Result<Verified, Break> {
    let mut v = Verifier::expecting(head);
    for e in entries {
        v.push(e)?;
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn log(n: i64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
            out.push(Entry::new(
                &prev,
                seq,
                format!("2026-11-29T10:00:{seq:02}Z"),
                "user:1".into(),
                "request.received".into(),
                format!("request:r{seq}"),
                json!({ "kind": "access", "n": seq }),
            ));
        }
        out
    }

    #[test]
    fn an_untouched_log_verifies_and_gives_its_head() {
        let l = log(5);
        let v = verify(&l, None).unwrap();
        assert_eq!(v.entries, 5);
        assert_eq!(v.head, l[4].hash);
        assert_eq!(verify(&l, Some(&l[2].hash)).unwrap().entries, 5);
        assert_eq!(verify(&[], None).unwrap().head, GENESIS);
    }

    #[test]
    fn an_altered_entry_is_found() {
        let mut l = log(5);
        l[2].detail = json!({ "kind": "erasure", "n": 3 });
        assert_eq!(verify(&l, None), Err(Break::Altered { seq: 3 }));
        let mut l = log(5);
        l[1].actor = "user:2".into();
        assert_eq!(verify(&l, None), Err(Break::Altered { seq: 2 }));
    }

    #[test]
    fn an_entry_rehashed_after_altering_breaks_the_link_of_the_next() {
        let mut l = log(5);
        l[2].action = "request.refused".into();
        l[2].hash = l[2].recomputed();
        assert_eq!(verify(&l, None), Err(Break::Unlinked { seq: 4, after: 3 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut l = log(5);
        l.remove(2);
        assert_eq!(
            verify(&l, None),
            Err(Break::OutOfPlace { seq: 4, after: 2 })
        );
        // Renumbered to hide the gap: the renumbered entry no longer gives its hash.
        for e in l.iter_mut().skip(2) {
            e.seq -= 1;
        }
        assert_eq!(verify(&l, None), Err(Break::Altered { seq: 3 }));
    }

    #[test]
    fn reordered_entries_are_found() {
        let mut l = log(5);
        l.swap(1, 3);
        assert_eq!(
            verify(&l, None),
            Err(Break::OutOfPlace { seq: 4, after: 1 })
        );
    }

    #[test]
    fn entries_cut_from_the_end_are_found_only_against_an_exported_head() {
        let l = log(5);
        let head = l[4].hash.clone();
        let cut = &l[..3];
        assert!(verify(cut, None).is_ok());
        assert_eq!(
            verify(cut, Some(&head)),
            Err(Break::HeadMissing { head: head.clone() })
        );
    }

    #[test]
    fn the_hash_does_not_depend_on_the_order_detail_keys_were_written_in() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"a":1,"b":{"y":[{"q":1,"p":2}],"x":2}}"#).unwrap();
        let b: serde_json::Value =
            serde_json::from_str(r#"{"b":{"x":2,"y":[{"p":2,"q":1}]},"a":1}"#).unwrap();
        assert_eq!(
            hash(GENESIS, 1, "t", "x", "y", "z", &a),
            hash(GENESIS, 1, "t", "x", "y", "z", &b)
        );
        assert_ne!(
            hash(GENESIS, 1, "t", "x", "y", "z", &a),
            hash(GENESIS, 1, "t", "xy", "", "z", &a)
        );
    }
}
