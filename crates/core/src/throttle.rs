//! "At most this many per window": the one rule behind every limit on
//! repeated attempts (wrong passwords, reset mails, status-link mails).
//!
//! An attempt is counted before it is judged, atomically (the store raises
//! a counter and returns the new value), so parallel attempts cannot all
//! slip under the limit. A window starts at the first attempt of a key and
//! lasts its rule's length; the first attempt after it starts a new one.

use chrono::{DateTime, Duration, Utc};

/// What is being counted; each kind has its own counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Wrong passwords or codes for one account from one client address:
    /// the tight limit, so that nobody else can lock an account out.
    LoginAccountAddress,
    /// Wrong passwords or codes for one account from any address: a looser
    /// ceiling against slow guessing from many addresses.
    LoginAccount,
    /// Wrong passwords or codes from one address for any account: a looser
    /// ceiling against trying one password on many accounts (spraying).
    LoginAddress,
    /// Password-reset mails asked for one e-mail address.
    ResetEmail,
    /// Password-reset mails asked from one client address.
    ResetAddress,
    /// Mails with an application's status link.
    StatusLinkMail,
}

impl Kind {
    /// The limit of this kind. Login: 5 wrong tries per account from one
    /// address keeps a guesser slow without letting anybody lock out
    /// everyone behind a shared address; the looser ceilings per account and
    /// per address (OWASP's authentication advice) bound guessing from many
    /// addresses and spraying one password over many accounts.
    pub fn rule(self) -> Rule {
        let quarter = Duration::minutes(15);
        match self {
            Kind::LoginAccountAddress => Rule { limit: 5, window: quarter },
            Kind::LoginAccount => Rule { limit: 50, window: quarter },
            Kind::LoginAddress => Rule { limit: 100, window: quarter },
            Kind::ResetEmail => Rule { limit: 3, window: quarter },
            Kind::ResetAddress => Rule { limit: 10, window: quarter },
            // The first mail, at submission, counts too: enough to find a
            // lost mail, too few to flood an inbox.
            Kind::StatusLinkMail => Rule { limit: 3, window: Duration::hours(1) },
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::LoginAccountAddress => "login_account_address",
            Kind::LoginAccount => "login_account",
            Kind::LoginAddress => "login_address",
            Kind::ResetEmail => "reset_email",
            Kind::ResetAddress => "reset_address",
            Kind::StatusLinkMail => "status_link_mail",
        }
    }
}

/// At most `limit` attempts per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub limit: i64,
    pub window: Duration,
}

impl Rule {
    /// A window that started at or before this has ended at `now`.
    pub fn ended_by(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Whether the attempt that brought the count to `count` may go ahead.
    pub fn allows(&self, count: i64) -> bool {
        count <= self.limit
    }

    /// Minutes to tell someone who is refused: at most the window.
    pub fn minutes(&self) -> i64 {
        self.window.num_minutes().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_inclusive() {
        let rule = Rule { limit: 5, window: Duration::minutes(15) };
        let t = DateTime::parse_from_rfc3339("2026-12-08T01:29:59Z").unwrap().with_timezone(&Utc);
        assert_eq!(rule.ended_by(t), t - Duration::minutes(15));
        assert!(rule.allows(5));
        assert!(!rule.allows(6));
    }
}
