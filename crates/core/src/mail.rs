//! The kinds of mail wijkregie sends and the one bundling rule: news about
//! referrals to the same person within a few minutes goes out as one mail
//! (four mails for one referral within a minute helped nobody), while codes
//! and reset links go out at once. Deciding what goes out is pure, so it is
//! tested here with any clock.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use crate::error::Invalid;

/// The minutes a bundleable mail waits for others to join it by default.
pub const DEFAULT_BUNDLE_MINUTES: i64 = 5;

/// What a mail is about; the code is stored with every mail in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// Something happened to a referral ("er is nieuws"); never any content.
    ReferralNews,
    /// A one-time code to confirm a mail address or a link.
    OneTimeCode,
    /// An invitation to make an account or to answer by link.
    Invitation,
    /// A link to set a new password.
    PasswordReset,
    /// News about an application (aanmelding) to its sender.
    ApplicationStatus,
    /// An invitation to a meeting, with its `text/calendar` attachment.
    MeetingInvitation,
    /// A referral's single-use link (or word that it died) for an
    /// organisation without an account: it carries the only way in, so it
    /// is never folded into a bundle that says "log in".
    ReferralLink,
}

impl MailKind {
    pub const ALL: [MailKind; 7] = [
        MailKind::ReferralNews,
        MailKind::OneTimeCode,
        MailKind::Invitation,
        MailKind::PasswordReset,
        MailKind::ApplicationStatus,
        MailKind::MeetingInvitation,
        MailKind::ReferralLink,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MailKind::ReferralNews => "referral_news",
            MailKind::OneTimeCode => "one_time_code",
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password_reset",
            MailKind::ApplicationStatus => "application_status",
            MailKind::MeetingInvitation => "meeting_invitation",
            MailKind::ReferralLink => "referral_link",
        }
    }

    /// The kind in words, for the outbox page.
    pub fn label(self) -> &'static str {
        match self {
            MailKind::ReferralNews => "nieuws over een verwijzing",
            MailKind::OneTimeCode => "eenmalige code",
            MailKind::Invitation => "uitnodiging",
            MailKind::PasswordReset => "wachtwoord herstellen",
            MailKind::ApplicationStatus => "stand van een aanmelding",
            MailKind::MeetingInvitation => "uitnodiging voor een bijeenkomst",
            MailKind::ReferralLink => "verwijzing per e-maillink",
        }
    }

    /// Whether mails of this kind to one person wait for each other and go
    /// out as one. Only news that says "look in wijkregie" can wait.
    pub fn bundleable(self) -> bool {
        self == MailKind::ReferralNews
    }

    /// Whether someone is waiting for this mail right now (a code, a reset
    /// link): it is sent at once, never held back or bundled.
    pub fn urgent(self) -> bool {
        matches!(self, MailKind::OneTimeCode | MailKind::PasswordReset)
    }
}

impl fmt::Display for MailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for MailKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        MailKind::ALL.into_iter().find(|k| k.code() == s).ok_or_else(|| Invalid(format!("'{s}' is geen soort e-mail")))
    }
}

/// A mail waiting in the outbox, as far as bundling cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub recipient: String,
    pub kind: MailKind,
    /// A mail with an HTML part or attachments is sent as it was made.
    pub plain_only: bool,
}

impl Waiting {
    fn bundleable(&self) -> bool {
        self.kind.bundleable() && self.plain_only
    }
}

/// What goes out now: each entry is one mail, made of the waiting mails
/// with these ids (more than one: a bundle), in the order they were queued.
///
/// A bundle starts at the oldest waiting bundleable mail for a recipient and
/// kind, takes every later one queued before `start + window` (half open, so
/// a mail exactly one window later starts the next bundle), and goes out
/// once `now` has reached `start + window`. Everything else goes out now.
pub fn due(waiting: &[Waiting], window: Duration, now: DateTime<Utc>) -> Vec<Vec<i64>> {
    let mut out: Vec<(DateTime<Utc>, i64, Vec<i64>)> = Vec::new();
    let mut groups: Vec<((String, MailKind), Vec<&Waiting>)> = Vec::new();
    for w in waiting {
        if !w.bundleable() {
            out.push((w.created_at, w.id, vec![w.id]));
            continue;
        }
        let key = (w.recipient.trim().to_lowercase(), w.kind);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(w),
            None => groups.push((key, vec![w])),
        }
    }
    for (_, mut members) in groups {
        members.sort_by_key(|w| (w.created_at, w.id));
        let mut rest = members.as_slice();
        while let Some(first) = rest.first() {
            let closes = first.created_at + window;
            if now < closes {
                break;
            }
            // At least the first, so a window of zero sends each mail alone.
            let taken = rest.iter().take_while(|w| w.created_at < closes).count().max(1);
            let (bundle, later) = rest.split_at(taken);
            out.push((first.created_at, first.id, bundle.iter().map(|w| w.id).collect()));
            rest = later;
        }
    }
    out.sort_by_key(|(at, id, _)| (*at, *id));
    out.into_iter().map(|(_, _, ids)| ids).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn news(id: i64, seconds: i64, to: &str) -> Waiting {
        Waiting { id, created_at: at(seconds), recipient: to.into(), kind: MailKind::ReferralNews, plain_only: true }
    }

    const WINDOW: Duration = Duration::minutes(5);

    #[test]
    fn four_mails_about_one_referral_within_a_minute_become_one() {
        let waiting: Vec<_> = (0..4).map(|i| news(i + 1, i * 15, "huisarts@example.nl")).collect();
        assert!(due(&waiting, WINDOW, at(60)).is_empty(), "held while the window is open");
        assert!(due(&waiting, WINDOW, at(299)).is_empty(), "held until the window closes");
        assert_eq!(due(&waiting, WINDOW, at(300)), vec![vec![1, 2, 3, 4]]);
    }

    #[test]
    fn a_mail_one_window_after_the_first_starts_the_next_bundle() {
        let waiting = vec![news(1, 0, "a@example.nl"), news(2, 299, "a@example.nl"), news(3, 300, "a@example.nl")];
        assert_eq!(due(&waiting, WINDOW, at(300)), vec![vec![1, 2]]);
        assert_eq!(due(&waiting, WINDOW, at(600)), vec![vec![1, 2], vec![3]]);
    }

    #[test]
    fn different_recipients_are_not_merged_but_case_does_not_matter() {
        let waiting = vec![news(1, 0, "a@example.nl"), news(2, 10, "b@example.nl"), news(3, 20, "A@Example.nl ")];
        assert_eq!(due(&waiting, WINDOW, at(400)), vec![vec![1, 3], vec![2]]);
    }

    #[test]
    fn urgent_and_other_kinds_go_at_once_and_alone() {
        let mut reset = news(2, 10, "a@example.nl");
        reset.kind = MailKind::PasswordReset;
        let mut code = news(3, 20, "a@example.nl");
        code.kind = MailKind::OneTimeCode;
        let mut status = news(4, 30, "a@example.nl");
        status.kind = MailKind::ApplicationStatus;
        let waiting = vec![news(1, 0, "a@example.nl"), reset, code, status, news(5, 40, "a@example.nl")];
        assert_eq!(due(&waiting, WINDOW, at(40)), vec![vec![2], vec![3], vec![4]]);
        assert_eq!(due(&waiting, WINDOW, at(300)), vec![vec![1, 5], vec![2], vec![3], vec![4]]);
    }

    #[test]
    fn a_window_of_zero_sends_each_mail_alone() {
        let waiting = vec![news(1, 0, "a@example.nl"), news(2, 0, "a@example.nl")];
        assert_eq!(due(&waiting, Duration::zero(), at(0)), vec![vec![1], vec![2]]);
    }

    #[test]
    fn news_with_html_or_attachments_is_not_bundled() {
        let mut rich = news(2, 10, "a@example.nl");
        rich.plain_only = false;
        let waiting = vec![news(1, 0, "a@example.nl"), rich];
        assert_eq!(due(&waiting, WINDOW, at(20)), vec![vec![2]]);
    }

    #[test]
    fn only_referral_news_is_bundleable_and_codes_are_urgent() {
        for kind in MailKind::ALL {
            assert_eq!(kind.code().parse::<MailKind>().unwrap(), kind);
            assert!(!(kind.bundleable() && kind.urgent()), "{kind} cannot be both");
        }
        assert!(MailKind::PasswordReset.urgent() && MailKind::OneTimeCode.urgent());
        assert!("spam".parse::<MailKind>().is_err());
    }
}
