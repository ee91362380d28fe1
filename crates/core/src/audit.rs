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
    counted_entry_hash(seq, prev_hash, e, 1)
}

/// As [`entry_hash`], for an entry that stands for `repeats` identical
/// refusals (see [`REFUSAL_WINDOW`]). The count is hashed only when it is
/// not 1, so entries written before counts existed keep their hashes.
pub fn counted_entry_hash(seq: i64, prev_hash: &str, e: &AuditEvent, repeats: i64) -> String {
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
    if repeats != 1 {
        field("repeats");
        field(&repeats.to_string());
    }
    hex::encode(h.finalize())
}

/// Identical refusals (same user, role, event, object, rule, outcome,
/// instance and address) within this time of the first are counted, not
/// each logged: the first is an entry of its own at once, the rest become
/// one entry with their count when the window has passed. A signed-in user
/// can then no longer grow the log at will (31,800 entries in 60 s), while
/// every refusal is still accounted for (NEN 7513).
pub const REFUSAL_WINDOW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// What makes refusals "the same" for [`REFUSAL_WINDOW`]: the entry's hash
/// with its place in the chain and its time left out.
pub fn refusal_key(e: &AuditEvent) -> String {
    let mut same = e.clone();
    same.time = DateTime::<Utc>::UNIX_EPOCH;
    entry_hash(0, GENESIS, &same)
}

/// The head of the chain: its last entry's number and hash. Saved apart from
/// the database (`wijkregie audit anchor`, the daily log line, every
/// backup), a head later lets `audit verify --anchor` prove that the chain
/// still holds that entry unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// The anchor kept in the database: the head as it was after the last
/// append, with the entry from which the chain is anchored (entries before
/// `since` date from before anchoring, and are only hash-chained), and a
/// MAC with a key that is not in the database ([`anchor_mac`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub since: i64,
    pub head: Head,
}

type HmacSha256 = hmac::Hmac<Sha256>;

fn anchor_message(a: &Anchor) -> Vec<u8> {
    let mut out = Vec::new();
    for part in ["wijkregie audit anchor v1", &a.since.to_string(), &a.head.seq.to_string(), &a.head.hash] {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// HMAC-SHA256 keyed with `key`. A 32-byte key is zero-padded to the
/// 64-byte block, exactly as HMAC itself pads a short key (RFC 2104), so
/// this is plain HMAC, built without a fallible constructor.
fn hmac_with(key: &[u8; 32]) -> HmacSha256 {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let mac = <HmacSha256 as hmac::digest::KeyInit>::new(&block.into());
    block.fill(0);
    mac
}

/// The anchor's MAC (HMAC-SHA256, hex) under `key`. Without the key,
/// someone who can write the database cannot move the anchor to a shortened
/// or rewritten chain.
pub fn anchor_mac(key: &[u8; 32], a: &Anchor) -> String {
    use hmac::Mac;
    let mut mac = hmac_with(key);
    mac.update(&anchor_message(a));
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `mac` is the anchor's MAC under `key`, compared in constant time.
pub fn anchor_mac_matches(key: &[u8; 32], a: &Anchor, mac: &str) -> bool {
    use hmac::Mac;
    let Ok(bytes) = hex::decode(mac) else { return false };
    let mut m = hmac_with(key);
    m.update(&anchor_message(a));
    m.verify_slice(&bytes).is_ok()
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
    /// How many identical refusals the entry stands for; 1 for every other
    /// entry ([`REFUSAL_WINDOW`]).
    pub repeats: i64,
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
        if counted_entry_hash(entry.seq, &entry.prev_hash, &entry.event, entry.repeats) != entry.hash {
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
                let entry = StoredEntry { seq, prev_hash: prev.clone(), hash: hash.clone(), event, repeats: 1 };
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
    fn a_changed_count_breaks_the_chain_and_a_count_of_one_hashes_as_before() {
        let mut entries = chain(3);
        assert_eq!(counted_entry_hash(2, &entries[1].prev_hash, &entries[1].event, 1), entries[1].hash);
        entries[1].repeats = 7;
        assert_eq!(verify(&entries).unwrap_err().seq, 2);
    }

    #[test]
    fn refusals_differing_only_in_time_share_a_key() {
        let (a, mut b) = (event(1), event(1));
        b.time = a.time + chrono::TimeDelta::seconds(5);
        assert_eq!(refusal_key(&a), refusal_key(&b));
        b.object_id = Some("wsv-zuid".into());
        assert_ne!(refusal_key(&a), refusal_key(&b));
    }

    #[test]
    fn the_anchor_mac_needs_the_key_and_covers_every_part() {
        let a = Anchor { since: 1, head: Head { seq: 5, hash: "ab".repeat(32) } };
        let mac = anchor_mac(&[1; 32], &a);
        assert!(anchor_mac_matches(&[1; 32], &a, &mac));
        assert!(!anchor_mac_matches(&[2; 32], &a, &mac));
        for changed in [
            Anchor { since: 2, ..a.clone() },
            Anchor { head: Head { seq: 4, ..a.head.clone() }, ..a.clone() },
            Anchor { head: Head { hash: "cd".repeat(32), ..a.head.clone() }, ..a.clone() },
        ] {
            assert!(!anchor_mac_matches(&[1; 32], &changed, &mac), "{changed:?}");
        }
        assert!(!anchor_mac_matches(&[1; 32], &a, "not hex"));
    }

    #[test]
    fn time_is_hashed_at_microsecond_precision() {
        let e = event(1);
        assert_eq!(canonical_time(e.time), "2023-11-14T22:13:21.123456Z");
    }
}
