//! Registrations in storage, each test body on SQLite and on PostgreSQL:
//! a submission is read back whole, a decision is taken once, both tables
//! refuse changes, and the counts the rate limit needs are per sender.

use chrono::{DateTime, Duration, Utc};
use wijkregie_core::application::{ApplicantPractice, Application, CoordinatorChoice, Request, SpamSignal, Status};
use wijkregie_store::{application as db, testing};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn application(request: Request) -> Application {
    Application {
        request,
        contact_name: "Anna de Vries".into(),
        email: "anna@praktijk.nl".into(),
        phone: "030 123 45 67".into(),
        practices: vec![ApplicantPractice {
            agb: "01234567".parse().unwrap(),
            name: "Huisartsenpraktijk De Linde".into(),
            street: "Lindenlaan".into(),
            house_number: 12,
            house_number_suffix: Some("a".into()),
            postcode: "5811AB".parse().unwrap(),
            city: "Kwartierstad".into(),
            registered_patients: 2_850,
        }],
        network_name: Some("WSV De Linde".into()),
        wijk: None,
        coordinator: Some(CoordinatorChoice::Region),
        remarks: Some("Graag snel.".into()),
    }
}

fn new<'a>(a: &'a Application, token: &'a str, sender: &'a str, when: &str) -> db::NewApplication<'a> {
    db::NewApplication {
        submitted_at: at(when),
        application: a,
        token_hash: token,
        sender_hash: Some(sender),
        session_hash: Some("sessie"),
        spam: None,
    }
}

#[tokio::test]
async fn a_submission_is_read_back_and_decided_once() {
    for db in testing::both().await {
        let a = application(Request::Wijkmanagement);
        let mut tx = db.store.begin().await.unwrap();
        let id = db::insert(tx.conn(), &new(&a, "hash-1", "ip-1", "2025-05-01T10:00:00Z")).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        let stored = db::get(&mut conn, id).await.unwrap().unwrap();
        assert_eq!(stored.application, a, "{:?}", db.engine);
        assert_eq!(stored.status, Status::Ontvangen);
        assert_eq!(db::by_token_hash(&mut conn, "hash-1").await.unwrap().unwrap().id, id);
        assert!(db::by_token_hash(&mut conn, "other").await.unwrap().is_none());
        drop(conn);

        let mut tx = db.store.begin().await.unwrap();
        let network = "wsv-de-linde".parse().unwrap();
        let when = at("2025-05-02T09:00:00Z");
        assert!(db::decide(tx.conn(), id, when, 1, &Status::Geaccepteerd, Some(&network)).await.unwrap());
        let again = Status::Afgewezen { reason: "toch niet".into() };
        assert!(!db::decide(tx.conn(), id, when, 1, &again, None).await.unwrap(), "a decision is final");
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        let stored = db::get(&mut conn, id).await.unwrap().unwrap();
        assert_eq!(stored.status, Status::Geaccepteerd);
        assert_eq!(stored.network, Some(network));
        assert_eq!(stored.decided_at, Some(when));
    }
}

#[tokio::test]
async fn submissions_cannot_be_changed_or_removed() {
    for db in testing::both().await {
        let a = application(Request::Interest);
        let mut tx = db.store.begin().await.unwrap();
        let id = db::insert(tx.conn(), &new(&a, "hash-1", "ip-1", "2025-05-01T10:00:00Z")).await.unwrap();
        db::decide(tx.conn(), id, at("2025-05-02T09:00:00Z"), 1, &Status::Afgewezen { reason: "dubbel".into() }, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        for sql in [
            "UPDATE application SET body = '{}'",
            "DELETE FROM application",
            "UPDATE application_decision SET status = 'geaccepteerd'",
            "DELETE FROM application_decision",
        ] {
            let mut tx = db.store.begin().await.unwrap();
            let result = sqlx::query(sql).execute(tx.conn()).await;
            assert!(result.is_err(), "{sql} on {:?}", db.engine);
        }
        let mut conn = db.store.conn().await.unwrap();
        let stored = db::get(&mut conn, id).await.unwrap().unwrap();
        assert_eq!(stored.status, Status::Afgewezen { reason: "dubbel".into() });
    }
}

#[tokio::test]
async fn interest_pool_and_rate_counts() {
    for db in testing::both().await {
        let interest = application(Request::Interest);
        let module = application(Request::Wijkmanagement);
        let mut tx = db.store.begin().await.unwrap();
        let open = db::insert(tx.conn(), &new(&interest, "h1", "ip-1", "2025-05-01T10:00:00Z")).await.unwrap();
        let rejected = db::insert(tx.conn(), &new(&interest, "h2", "ip-1", "2025-05-01T10:30:00Z")).await.unwrap();
        let mut spam = new(&interest, "h3", "ip-2", "2025-05-01T10:40:00Z");
        spam.spam = Some(SpamSignal::Honeypot);
        db::insert(tx.conn(), &spam).await.unwrap();
        db::insert(tx.conn(), &new(&module, "h4", "ip-1", "2025-05-01T10:50:00Z")).await.unwrap();
        db::decide(tx.conn(), rejected, at("2025-05-02T00:00:00Z"), 1, &Status::Afgewezen { reason: "x".into() }, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        let pool: Vec<i64> = db::interested(&mut conn).await.unwrap().into_iter().map(|a| a.id).collect();
        assert_eq!(pool, [open], "not rejected, not spam, not another kind");

        let since = at("2025-05-01T10:30:00Z");
        assert_eq!(db::recent_from(&mut conn, Some("ip-1"), Some("sessie"), since).await.unwrap(), (2, 3));
        assert_eq!(db::recent_from(&mut conn, Some("ip-9"), None, since - Duration::days(1)).await.unwrap(), (0, 0));

        let all = db::list(&mut conn).await.unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].submitted_at, at("2025-05-01T10:50:00Z"), "newest first");
        let c = db::counts(&all);
        assert_eq!((c.ontvangen, c.geaccepteerd, c.afgewezen, c.spam), (2, 0, 1, 1));
    }
}
