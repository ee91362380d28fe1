//! The outbox on both engines: mail waits until sent, failures are counted,
//! kinds, HTML and attachments survive the round trip, and a bundle is
//! recorded on every mail in it.

use chrono::{DateTime, Utc};
use wijkregie_core::mail::MailKind;
use wijkregie_store::outbox::{self, Attachment, NewMail};
use wijkregie_store::testing;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_outbox_keeps_mail_until_sent_and_counts_failures() {
    for db in testing::both().await {
        let mut conn = db.store.conn().await.unwrap();
        let now = at("2026-03-04T10:00:00Z");
        for recipient in ["a@example.nl", "b@example.nl"] {
            let mail = NewMail {
                kind: MailKind::ReferralNews,
                recipient,
                subject: "Nieuws",
                text: "Er is nieuws.",
                html: None,
                attachments: &[],
            };
            outbox::queue(&mut conn, &mail, now).await.unwrap();
        }
        let unsent = outbox::unsent(&mut conn, 3).await.unwrap();
        assert_eq!(unsent.len(), 2, "{:?}", db.engine);
        assert!(unsent.iter().all(|m| m.kind == MailKind::ReferralNews));
        outbox::mark_sent(&mut conn, &[unsent[0].id], now).await.unwrap();
        for _ in 0..3 {
            outbox::mark_failed(&mut conn, &[unsent[1].id], "verbinding geweigerd").await.unwrap();
        }
        assert!(outbox::unsent(&mut conn, 3).await.unwrap().is_empty(), "{:?}: sent or given up", db.engine);
        let all = outbox::outbox(&mut conn, 10).await.unwrap();
        assert_eq!(all[0].last_error.as_deref(), Some("verbinding geweigerd"));
        assert_eq!(all[1].sent_at, Some(now));
        assert_eq!((all[1].bundle_id, all[1].bundle_size), (None, 1), "sent alone");
    }
}

#[tokio::test]
async fn kind_html_and_attachments_round_trip_and_bundles_are_recorded() {
    for db in testing::both().await {
        let mut conn = db.store.conn().await.unwrap();
        let now = at("2026-03-04T10:00:00Z");
        let invitation = Attachment {
            filename: "overleg.ics".into(),
            content_type: "text/calendar; method=REQUEST".into(),
            content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\xff".to_vec(),
        };
        let mail = NewMail {
            kind: MailKind::MeetingInvitation,
            recipient: " c@example.nl ",
            subject: "Overleg",
            text: "U bent uitgenodigd.",
            html: Some("<p>U bent uitgenodigd.</p>"),
            attachments: std::slice::from_ref(&invitation),
        };
        let id = outbox::queue(&mut conn, &mail, now).await.unwrap();
        let stored = outbox::outbox(&mut conn, 1).await.unwrap().remove(0);
        assert_eq!(stored.id, id);
        assert_eq!(stored.kind, MailKind::MeetingInvitation, "{:?}", db.engine);
        assert_eq!(stored.recipient, "c@example.nl");
        assert_eq!(stored.html.as_deref(), Some("<p>U bent uitgenodigd.</p>"));
        assert_eq!(stored.attachment_count, 1);
        assert_eq!(outbox::attachments(&mut conn, id).await.unwrap(), vec![invitation]);

        let news = |to| NewMail {
            kind: MailKind::ReferralNews,
            recipient: to,
            subject: "Nieuws",
            text: "Er is nieuws.",
            html: None,
            attachments: &[],
        };
        let a = outbox::queue(&mut conn, &news("a@example.nl"), now).await.unwrap();
        let b = outbox::queue(&mut conn, &news("a@example.nl"), now).await.unwrap();
        outbox::mark_sent(&mut conn, &[a, b], now).await.unwrap();
        let all = outbox::outbox(&mut conn, 2).await.unwrap();
        assert!(all.iter().all(|m| m.bundle_id == Some(a) && m.bundle_size == 2), "{:?}: {all:?}", db.engine);
    }
}
