//! The audit log's entries and their hash chain. Each entry commits to the
//! one before it, so altering or removing a stored entry breaks the chain
//! from that entry on, and `wijkregie audit verify` can name it.
//!
//! The fields follow NEN 7513 (logging of access to patient records): event
//! code, action, time, user and role, on whose behalf, object, the rule that
//! allowed the access, result and source.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// NEN 7513's action types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    #[serde(rename = "C")]
    Create,
    #[serde(rename = "R")]
    Read,
    #[serde(rename = "U")]
    Update,
    #[serde(rename = "D")]
    Delete,
    #[serde(rename = "E")]
    Execute,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Create => "C",
            Self::Read => "R",
            Self::Update => "U",
            Self::Delete => "D",
            Self::Execute => "E",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Create, Self::Read, Self::Update, Self::Delete, Self::Execute].into_iter().find(|a| a.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Refused,
    Error,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Refused => "refused",
            Self::Error => "error",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Success, Self::Refused, Self::Error].into_iter().find(|o| o.code() == code)
    }
}

/// One event to be logged, before it gets its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// What happened, as a dotted code such as `network.update` or `auth.login`.
    pub event: String,
    pub action: AuditAction,
    pub time: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub user_role: Option<String>,
    /// The person or organisation the user acted for, when not themselves.
    pub on_behalf_of: Option<String>,
    pub object_type: String,
    pub object_id: Option<String>,
    /// The access rule from [`crate::access::authorize`] that allowed it.
    pub access_rule: Option<String>,
    pub outcome: Outcome,
    /// The instance and client address, e.g. `wijkregie@host` and `127.0.0.1`.
    pub source_instance: String,
    pub client_addr: Option<String>,
}

/// The time as stored and hashed: fixed precision so that the text read back
/// from either database hashes exactly as it did when written.
pub fn canonical_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The hash that links an entry to its predecessor. Every field is written
/// with its length first, so no two different entries share an encoding.
pub fn entry_hash(seq: i64, prev_hash: &str, e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    let mut field = |value: &str| {
        h.update((value.len() as u64).to_be_bytes());
        h.update(value.as_bytes());
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "\u{0}".into());
    field(&seq.to_string());
    field(prev_hash);
    field(&e.event);
    field(e.action.code());
    field(&canonical_time(e.time));
    field(&e.user_id.map(|id| id.to_string()).unwrap_or_else(|| "\u{0}".into()));
    field(&opt(&e.user_role));
    field(&opt(&e.on_behalf_of));
    field(&e.object_type);
    field(&opt(&e.object_id));
    field(&opt(&e.access_rule));
    field(e.outcome.code());
    field(&e.source_instance);
    field(&opt(&e.client_addr));
    hex::encode(h.finalize())
}

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub event: AuditEvent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: &'static str,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "auditlog gebroken bij regel {}: {}", self.seq, self.reason)
    }
}

/// Checks entries in order of `seq`, carrying the previous hash along.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: GENESIS.to_owned() }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, entry: &StoredEntry) -> Result<(), ChainBreak> {
        let broken = |reason| Err(ChainBreak { seq: entry.seq, reason });
        if entry.seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq,
                reason: "deze regel ontbreekt (volgnummers lopen niet door)",
            });
        }
        if entry.prev_hash != self.prev_hash {
            return broken("verwijst niet naar de vorige regel");
        }
        if entry_hash(entry.seq, &entry.prev_hash, &entry.event) != entry.hash {
            return broken("inhoud past niet bij de opgeslagen hash (gewijzigd)");
        }
        self.expected_seq += 1;
        self.prev_hash = entry.hash.clone();
        Ok(())
    }

    pub fn checked(&self) -> i64 {
        self.expected_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> AuditEvent {
        AuditEvent {
            event: "network.view".into(),
            action: AuditAction::Read,
            time: DateTime::from_timestamp(1_700_000_000 + n, 123_456_000).unwrap(),
            user_id: Some(n),
            user_role: Some("wijkmanager".into()),
            on_behalf_of: None,
            object_type: "network".into(),
            object_id: Some("wsv-noord".into()),
            access_rule: Some("wijkmanager van dit netwerk".into()),
            outcome: Outcome::Success,
            source_instance: "test".into(),
            client_addr: Some("127.0.0.1".into()),
        }
    }

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let event = event(seq);
                let hash = entry_hash(seq, &prev, &event);
                let entry = StoredEntry { seq, prev_hash: prev.clone(), hash: hash.clone(), event };
                prev = hash;
                entry
            })
            .collect()
    }

    fn verify(entries: &[StoredEntry]) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        Ok(v.checked())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn an_altered_field_is_named_by_its_entry() {
        let mut entries = chain(5);
        entries[2].event.object_id = Some("wsv-zuid".into());
        assert_eq!(verify(&entries).unwrap_err().seq, 3);
    }

    #[test]
    fn a_removed_entry_is_noticed() {
        let mut entries = chain(5);
        entries.remove(1);
        let err = verify(&entries).unwrap_err();
        assert_eq!(err.seq, 2);
        assert!(err.reason.contains("ontbreekt"));
    }

    #[test]
    fn null_and_empty_hash_differently() {
        let mut a = event(1);
        a.on_behalf_of = None;
        let mut b = a.clone();
        b.on_behalf_of = Some(String::new());
        assert_ne!(entry_hash(1, GENESIS, &a), entry_hash(1, GENESIS, &b));
    }

    #[test]
    fn time_is_hashed_at_microsecond_precision() {
        let e = event(1);
        assert_eq!(canonical_time(e.time), "2023-11-14T22:13:21.123456Z");
    }
}
