//! The outbox end to end on both engines, with a fake clock: news about
//! referrals to one person within the bundling window goes out as one mail
//! listing each item, urgent mail goes at once, and the regio-beheerder's
//! outbox page shows kind and bundling.

use chrono::{Duration, Utc};
use wijkregie_app::mail::{self, Mail, MailKind};
use wijkregie_core::access::Role;

use crate::common::{TestApp, ENGINES};

#[tokio::test]
async fn news_within_the_window_goes_out_as_one_mail_and_urgent_mail_at_once() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let t0 = Utc::now() + Duration::days(1);
        let mut tx = app.app.store.begin().await.unwrap();
        for (i, subject) in
            ["nieuwe verwijzing", "verwijzing geopend", "verwijzing geaccepteerd", "bericht"].into_iter().enumerate()
        {
            let mail =
                Mail::plain(MailKind::ReferralNews, "huisarts@example.nl", &format!("wijkregie: {subject}"), "x");
            mail::queue(tx.conn(), &app.app, &mail, t0 + Duration::seconds(15 * i as i64)).await.unwrap();
        }
        let other = Mail::plain(MailKind::ReferralNews, "partner@example.nl", "wijkregie: nieuws", "x");
        mail::queue(tx.conn(), &app.app, &other, t0).await.unwrap();
        let reset = Mail::plain(MailKind::PasswordReset, "huisarts@example.nl", "Nieuw wachtwoord", "link");
        mail::queue(tx.conn(), &app.app, &reset, t0 + Duration::seconds(20)).await.unwrap();
        tx.commit().await.unwrap();

        let at_one_minute = mail::due(&app.app, t0 + Duration::minutes(1)).await.unwrap();
        assert_eq!(at_one_minute.len(), 1, "{engine:?}: only the reset link goes before the window closes");
        assert_eq!(at_one_minute[0].mail.kind, MailKind::PasswordReset);

        let after = mail::due(&app.app, t0 + Duration::minutes(5)).await.unwrap();
        assert_eq!(after.len(), 3, "{engine:?}: one bundle, one other recipient, the reset link");
        let bundle = after.iter().find(|o| o.mail.to == "huisarts@example.nl" && o.ids.len() > 1).unwrap();
        assert_eq!(bundle.ids.len(), 4);
        assert_eq!(bundle.mail.subject, "wijkregie: 4 meldingen over verwijzingen");
        for item in ["nieuwe verwijzing", "verwijzing geopend", "verwijzing geaccepteerd", "bericht"] {
            assert!(
                bundle.mail.text.contains(&format!(" {item}\n")),
                "{engine:?}: {item} listed in {}",
                bundle.mail.text
            );
        }
        assert!(bundle.mail.text.contains("geen gegevens over de patiënt"));

        let mut conn = app.app.store.conn().await.unwrap();
        wijkregie_store::outbox::mark_sent(&mut conn, &bundle.ids, t0 + Duration::minutes(5)).await.unwrap();
        drop(conn);
        let admin = app.login(Role::Region).await;
        let (status, page) = app.get(&admin, "/uitgaande-mail").await;
        assert_eq!(status, 200);
        assert!(page.contains("<th scope=\"col\">Soort</th>") && page.contains("wachtwoord herstellen"), "{engine:?}");
        assert_eq!(page.matches("ja, met 3 andere in één mail").count(), 4, "{engine:?}: each bundled mail says so");
    }
}
