//! Referrals in storage, each test body on SQLite and on PostgreSQL: the
//! patient's details are stored encrypted and bound to their row, the facts
//! stay readable without the key, and erasure keeps the facts.

use chrono::{DateTime, Utc};
use sqlx::Row;
use wijkregie_core::directory::{Pathway, Schedule, Service, ServiceStatus};
use wijkregie_core::referral::{NewReferral, Referral, ReferralStatus, Sender, Side, Step};
use wijkregie_core::region::Domain;
use wijkregie_store::crypto::FieldKey;
use wijkregie_store::{referral as db, testing};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn sent() -> Referral {
    let service = Service {
        id: "ac148810-d857-441c-9679-408f346de14b".parse().unwrap(),
        organization: "welzijn-noord".parse().unwrap(),
        name: "Welzijnscoach".into(),
        alternate_name: None,
        description: "Een gesprek.".into(),
        url: None,
        email: None,
        status: ServiceStatus::Active,
        assured_date: None,
        application_process: None,
        fees_description: None,
        free_of_charge: true,
        eligibility_description: None,
        minimum_age: None,
        maximum_age: None,
        languages: vec![],
        domain: Domain::Welzijn,
        pathways: vec![Pathway::WelzijnOpRecept],
        serves_wijken: vec![],
        serves_networks: vec![],
        taxonomy_terms: vec![],
        foreign_terms: Vec::new(),
        phones: vec![],
        contacts: vec![],
        schedule: Schedule::default(),
        locations: vec![],
    };
    let sender =
        Sender { practice: "01000001".parse().unwrap(), network: "wsv-noord".parse().unwrap(), wijk: None, user_id: 7 };
    let form = NewReferral {
        location: None,
        pathway: Some(Pathway::WelzijnOpRecept),
        hulpvraag: Some("eenzaamheid".parse().unwrap()),
        urgency: None,
        question: "Wilt u contact opnemen?".into(),
        name: "Jantje Zeldzaamnaam".into(),
        phone: "06-1234 5678".into(),
        email: String::new(),
        birth_year: "1948".into(),
        age_band: None,
        postcode: "1215 EK".into(),
        consent: true,
    };
    form.validate(&service, sender, at("2026-03-02T09:00:00Z")).unwrap()
}

#[tokio::test]
async fn personal_data_is_sealed_to_its_row_and_facts_stay_readable() {
    for db in testing::both().await {
        let key = FieldKey::ephemeral().unwrap();
        let id = "00000000-0000-4000-8000-000000000001".parse().unwrap();
        let mut conn = db.store.conn().await.unwrap();
        let r = sent();
        db::insert(&mut conn, &key, &id, &r).await.unwrap();

        let stored = db::get(&mut conn, &key, &id).await.unwrap().unwrap();
        assert_eq!(stored.referral, r, "{:?}", db.engine);
        assert!(stored.news_for_receiver && !stored.news_for_referrer);
        let raw: String = sqlx::query("SELECT personal FROM referral")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .try_get("personal")
            .unwrap();
        assert!(raw.starts_with("v1:") && !raw.contains("Zeldzaamnaam"), "{:?}: sealed", db.engine);

        // Another key cannot open it (it reads as no longer readable, never
        // an error); the facts still can be read without it.
        let other = FieldKey::ephemeral().unwrap();
        let unopened = db::get(&mut conn, &other, &id).await.unwrap().unwrap();
        assert!(unopened.referral.personal.is_none(), "{:?}", db.engine);
        assert!(unopened.referral.personal_unreadable(), "{:?}", db.engine);
        assert_eq!(unopened.referral.facts, r.facts, "{:?}", db.engine);
        assert_eq!(db::all_facts(&mut conn).await.unwrap()[0].1, r.facts);
        assert_eq!(db::news_count(&mut conn, Side::Receiver, "welzijn-noord").await.unwrap(), 1);

        // A value copied onto another row does not open there.
        let twin = "00000000-0000-4000-8000-000000000002".parse().unwrap();
        db::insert(&mut conn, &key, &twin, &r).await.unwrap();
        sqlx::query("UPDATE referral SET personal = $1 WHERE id = $2")
            .bind(&raw)
            .bind("00000000-0000-4000-8000-000000000002")
            .execute(&mut *conn)
            .await
            .unwrap();
        let copied = db::get(&mut conn, &key, &twin).await.unwrap().unwrap();
        assert!(copied.referral.personal.is_none(), "{:?}: bound to its row", db.engine);
    }
}

#[tokio::test]
async fn steps_move_the_news_and_erasure_keeps_the_facts() {
    for db in testing::both().await {
        let key = FieldKey::ephemeral().unwrap();
        let id = "00000000-0000-4000-8000-000000000003".parse().unwrap();
        let mut conn = db.store.conn().await.unwrap();
        let mut r = sent();
        db::insert(&mut conn, &key, &id, &r).await.unwrap();
        db::mark_read(&mut conn, &id, Side::Receiver).await.unwrap();
        r.apply(Step::Open, Side::Receiver, 9, at("2026-03-03T10:00:00Z"), None).unwrap();
        r.apply(Step::Cancel { reason: None }, Side::Referrer, 7, at("2026-03-04T10:00:00Z"), Some("Toch niet nodig"))
            .unwrap();
        assert!(db::update(&mut conn, &key, &id, &r, Side::Referrer, at("2026-03-04T10:00:00Z")).await.unwrap());
        let stored = db::get(&mut conn, &key, &id).await.unwrap().unwrap();
        assert_eq!(stored.referral.facts.status, ReferralStatus::Cancelled, "{:?}", db.engine);
        assert!(stored.news_for_receiver && !stored.news_for_referrer, "{:?}: the other side is told", db.engine);
        assert_eq!(stored.referral.personal.as_ref().unwrap().messages.len(), 1);

        assert_eq!(db::closed_with_personal_data(&mut conn).await.unwrap().len(), 1);
        assert!(db::erase(&mut conn, &id, at("2027-04-01T00:00:00Z")).await.unwrap());
        assert!(!db::erase(&mut conn, &id, at("2027-04-01T00:00:00Z")).await.unwrap(), "once");
        let erased = db::get(&mut conn, &key, &id).await.unwrap().unwrap();
        assert_eq!(erased.referral.personal, None, "{:?}", db.engine);
        assert_eq!(erased.referral.facts.history, r.facts.history, "{:?}: facts stay", db.engine);
        assert!(db::closed_with_personal_data(&mut conn).await.unwrap().is_empty());
    }
}
