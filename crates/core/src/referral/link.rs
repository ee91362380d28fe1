//! The single-use link that lets an organisation without an account answer
//! a referral: mailed to its intake address, valid [`LINK_VALID_DAYS`], and
//! opened only with a one-time code mailed to the same address. The rules
//! live here; tokens and codes are drawn by the caller, which keeps only
//! their hashes.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::codes::Code;
use crate::directory::HsdsId;

/// How long a link lasts: two working weeks, well past the reaction term.
pub const LINK_VALID_DAYS: i64 = 14;
/// How long a one-time code lasts.
pub const CODE_VALID_MINUTES: i64 = 15;
/// Wrong codes allowed before the code is void.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// Codes one link may send; after that only a fresh link helps, so guessing
/// is bounded at `MAX_CODES_PER_LINK × MAX_CODE_ATTEMPTS` tries in a million.
pub const MAX_CODES_PER_LINK: i64 = 5;
/// The shortest wait between two codes for one link, against mail floods.
pub const CODE_RESEND_SECONDS: i64 = 60;
/// The shortest wait between two fresh links for one referral.
pub const FRESH_LINK_MINUTES: i64 = 10;
/// How long a browser may use the link after entering the code.
pub const ACCESS_VALID_MINUTES: i64 = 60;

/// A link as stored: hashes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeLink {
    pub id: i64,
    pub referral: HsdsId,
    pub organization: Code,
    /// The intake address it was sent to; codes go there too, and nowhere else.
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub code_hash: Option<String>,
    pub code_sent_at: Option<DateTime<Utc>>,
    pub code_expires_at: Option<DateTime<Utc>>,
    pub code_attempts: i64,
    pub codes_sent: i64,
    pub access_hash: Option<String>,
    pub access_until: Option<DateTime<Utc>>,
}

/// Whether a link can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Open,
    /// A step was taken with it, or a fresh link replaced it.
    Used,
    Expired,
    /// Too many codes asked: ask for a fresh link.
    Locked,
}

/// The outcome of entering a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Right,
    /// Wrong; this many tries are left for this code.
    Wrong {
        left: i64,
    },
    /// No live code: none was sent, it expired, or it was tried too often.
    NoCode,
}

impl IntakeLink {
    pub fn state(&self, now: DateTime<Utc>) -> LinkState {
        if self.used_at.is_some() {
            LinkState::Used
        } else if now >= self.expires_at {
            LinkState::Expired
        } else if self.codes_sent >= MAX_CODES_PER_LINK && !self.code_live(now) {
            LinkState::Locked
        } else {
            LinkState::Open
        }
    }

    fn code_live(&self, now: DateTime<Utc>) -> bool {
        self.code_hash.is_some()
            && self.code_expires_at.is_some_and(|t| now < t)
            && self.code_attempts < MAX_CODE_ATTEMPTS
    }

    /// Whether a new code may be sent now (the link is open and the last
    /// code is not too recent).
    pub fn may_send_code(&self, now: DateTime<Utc>) -> bool {
        self.state(now) == LinkState::Open
            && self.codes_sent < MAX_CODES_PER_LINK
            && self.code_sent_at.is_none_or(|t| now - t >= Duration::seconds(CODE_RESEND_SECONDS))
    }

    /// Checks `code` typed for the link `token` in constant time; the caller
    /// counts a wrong attempt.
    pub fn check_code(&self, token: &str, code: &str, now: DateTime<Utc>) -> CodeCheck {
        if self.state(now) != LinkState::Open || !self.code_live(now) {
            return CodeCheck::NoCode;
        }
        let typed: String = code.chars().filter(char::is_ascii_digit).collect();
        let expected = self.code_hash.as_deref().unwrap_or_default();
        if constant_time_eq(code_hash(token, &typed).as_bytes(), expected.as_bytes()) {
            CodeCheck::Right
        } else {
            CodeCheck::Wrong { left: (MAX_CODE_ATTEMPTS - self.code_attempts - 1).max(0) }
        }
    }

    /// Whether the browser with session `session` entered the code and may
    /// see the referral now.
    pub fn grants_access(&self, session: &str, now: DateTime<Utc>) -> bool {
        self.state(now) == LinkState::Open
            && self.access_until.is_some_and(|t| now < t)
            && self
                .access_hash
                .as_deref()
                .is_some_and(|h| constant_time_eq(h.as_bytes(), secret_hash(session).as_bytes()))
    }
}

/// The stored form of a link token or a session id.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The stored form of a one-time code: bound to its link's token, which is
/// itself stored only as a hash, so the six digits cannot be tried offline.
pub fn code_hash(token: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{token}:{code}").as_bytes()))
}

/// Compares two secrets without stopping at the first difference, so the
/// time taken says nothing about how much was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(now: DateTime<Utc>) -> IntakeLink {
        IntakeLink {
            id: 1,
            referral: "ac148810-d857-441c-9679-408f346de14b".parse().unwrap(),
            organization: "welzijn".parse().unwrap(),
            email: "intake@welzijn.example".into(),
            created_at: now,
            expires_at: now + Duration::days(LINK_VALID_DAYS),
            used_at: None,
            code_hash: Some(code_hash("tok", "123456")),
            code_sent_at: Some(now),
            code_expires_at: Some(now + Duration::minutes(CODE_VALID_MINUTES)),
            code_attempts: 0,
            codes_sent: 1,
            access_hash: None,
            access_until: None,
        }
    }

    #[test]
    fn the_right_code_opens_within_its_time() {
        let now = Utc::now();
        let l = link(now);
        assert_eq!(l.check_code("tok", "123 456", now), CodeCheck::Right);
        assert_eq!(l.check_code("tok", "654321", now), CodeCheck::Wrong { left: 4 });
        assert_eq!(l.check_code("other-token", "123456", now), CodeCheck::Wrong { left: 4 });
        assert_eq!(l.check_code("tok", "123456", now + Duration::minutes(CODE_VALID_MINUTES)), CodeCheck::NoCode);
    }

    #[test]
    fn too_many_wrong_codes_void_the_code() {
        let now = Utc::now();
        let mut l = link(now);
        l.code_attempts = MAX_CODE_ATTEMPTS;
        assert_eq!(l.check_code("tok", "123456", now), CodeCheck::NoCode);
        l.codes_sent = MAX_CODES_PER_LINK;
        assert_eq!(l.state(now), LinkState::Locked);
        assert!(!l.may_send_code(now + Duration::hours(1)));
    }

    #[test]
    fn links_expire_and_are_used_once() {
        let now = Utc::now();
        let mut l = link(now);
        assert_eq!(l.state(now + Duration::days(LINK_VALID_DAYS) - Duration::seconds(1)), LinkState::Open);
        assert_eq!(l.state(now + Duration::days(LINK_VALID_DAYS)), LinkState::Expired);
        l.used_at = Some(now);
        assert_eq!(l.state(now), LinkState::Used);
        assert_eq!(l.check_code("tok", "123456", now), CodeCheck::NoCode);
    }

    #[test]
    fn codes_are_not_sent_back_to_back() {
        let now = Utc::now();
        let l = link(now);
        assert!(!l.may_send_code(now + Duration::seconds(10)));
        assert!(l.may_send_code(now + Duration::seconds(CODE_RESEND_SECONDS)));
    }

    #[test]
    fn access_belongs_to_the_session_that_entered_the_code() {
        let now = Utc::now();
        let mut l = link(now);
        l.access_hash = Some(secret_hash("session-a"));
        l.access_until = Some(now + Duration::minutes(ACCESS_VALID_MINUTES));
        assert!(l.grants_access("session-a", now));
        assert!(!l.grants_access("session-b", now));
        assert!(!l.grants_access("session-a", now + Duration::minutes(ACCESS_VALID_MINUTES)));
    }
}
