//! Store behaviour, each test body on SQLite and on PostgreSQL.

use chrono::{DateTime, Duration, Utc};
use wijkregie_core::access::{Role, Scope, TokenScope};
use wijkregie_core::audit::{AuditAction, AuditEvent, Outcome};
use wijkregie_core::region::*;
use wijkregie_store::account::{self, NewSession, NewUser, Stage};
use wijkregie_store::audit::{self, Verification};
use wijkregie_store::{region, testing};

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_760_000_000, 0).unwrap()
}

fn sample_practice(agb: &str) -> Practice {
    Practice {
        code: agb.parse().unwrap(),
        agb: Some(agb.parse().unwrap()),
        contact: PracticeContact {
            phone: Some("035 123 45 67".into()),
            email: Some("praktijk@example.nl".into()),
            opening_hours: None,
        },
        name: "Huisartsenpraktijk De Linde".into(),
        address: Address {
            street: "Lindelaan".into(),
            house_number: 12,
            house_number_suffix: Some("a".into()),
            postcode: "1215EK".parse().unwrap(),
            city: "Hilversum".into(),
        },
        wijk: Some("noord".parse().unwrap()),
        registered_patients: vec![
            PatientCount { date: d("2025-01-01"), count: 2345 },
            PatientCount { date: d("2025-04-01"), count: 2400 },
        ],
    }
}

#[tokio::test]
async fn region_aggregates_round_trip_on_both_engines() {
    for db in testing::both().await {
        let mut tx = db.store.begin().await.unwrap();
        let wijk = Wijk {
            code: "noord".parse().unwrap(),
            name: "Noord".into(),
            areas: vec![
                Area { code: "BU03630001".parse().unwrap(), year: 2024 },
                Area { code: "WK0363AA".parse().unwrap(), year: 2024 },
            ],
        };
        region::save_wijk(tx.conn(), &wijk).await.unwrap();
        let practice = sample_practice("01012345");
        region::save_practice(tx.conn(), &practice).await.unwrap();
        let org = Organization {
            code: "welzijn-noord".parse().unwrap(),
            name: "Welzijn Noord".into(),
            domain: Domain::Welzijn,
            // The intake address is stored and read back with the rest.
            contact: wijkregie_core::region::OrganizationContact {
                email: Some("intake@welzijn-noord.example".into()),
                phone: Some("035 123 45 67".into()),
            },
        };
        region::save_organization(tx.conn(), &org).await.unwrap();
        let network = Network {
            code: "wsv-noord".parse().unwrap(),
            name: "WSV Noord".into(),
            wijken: vec!["noord".parse().unwrap()],
            module: Module::Wijkmanagement,
            status: NetworkStatus::Actief,
            registered_on: Some(d("2023-05-10")),
            stopped_on: None,
            coordinator: Some(CoordinatorArrangement::Own {
                hours_per_week: HoursPerWeek::parse_hours("12,5").unwrap(),
                start_date: d("2023-09-01"),
            }),
            practices: vec![Membership { member: practice.code.clone(), from: d("2023-05-10"), until: None }],
            partners: vec![Membership {
                member: org.code.clone(),
                from: d("2023-05-10"),
                until: Some(d("2025-12-31")),
            }],
        };
        region::save_network(tx.conn(), &network).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(region::wijken(&mut conn).await.unwrap(), vec![wijk], "{:?}", db.engine);
        assert_eq!(region::practices(&mut conn).await.unwrap(), vec![practice.clone()], "{:?}", db.engine);
        assert_eq!(region::organizations(&mut conn).await.unwrap(), vec![org], "{:?}", db.engine);
        assert_eq!(region::networks(&mut conn).await.unwrap(), vec![network.clone()], "{:?}", db.engine);

        // Saving again replaces the child rows instead of adding to them.
        let mut fewer = practice.clone();
        fewer.registered_patients.truncate(1);
        let mut tx = db.store.begin().await.unwrap();
        region::save_practice(tx.conn(), &fewer).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(region::practice(&mut conn, &practice.code).await.unwrap(), Some(fewer), "{:?}", db.engine);
    }
}

#[tokio::test]
async fn schema_refuses_what_the_domain_forbids() {
    for db in testing::both().await {
        let mut conn = db.store.conn().await.unwrap();
        let bad_domain = sqlx::query("INSERT INTO organization (code, name, domain) VALUES ('x1', 'X', 'gemeente')")
            .execute(&mut *conn)
            .await;
        assert!(bad_domain.is_err(), "{:?}: unknown domain must be refused", db.engine);
        let orphan = sqlx::query(
            "INSERT INTO registered_patients (agb, counted_on, patients) VALUES ('09999999', '2025-01-01', 5)",
        )
        .execute(&mut *conn)
        .await;
        assert!(orphan.is_err(), "{:?}: foreign keys must be enforced", db.engine);
    }
}

#[tokio::test]
async fn users_sessions_and_tokens_on_both_engines() {
    for db in testing::both().await {
        let scope = Scope::Networks(vec!["wsv-noord".parse().unwrap(), "wsv-zuid".parse().unwrap()]);
        let mut tx = db.store.begin().await.unwrap();
        let id = account::create_user(
            tx.conn(),
            &NewUser {
                email: " Wm@Example.NL ",
                name: "Wim",
                password_hash: "h",
                role: Role::Networks,
                scope: &scope,
                totp_secret: None,
            },
            now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut conn = db.store.conn().await.unwrap();
        let user = account::user_by_email(&mut conn, "wm@example.nl").await.unwrap().unwrap();
        assert_eq!((user.id, user.role, &user.scope), (id, Role::Networks, &scope));

        account::create_session(
            &mut conn,
            &NewSession {
                id: "cookie-value",
                user_id: Some(id),
                stage: Stage::Complete,
                second_factor: false,
                csrf_token: "csrf",
                lifetime: Duration::hours(8),
            },
            now(),
        )
        .await
        .unwrap();
        let s = account::session(&mut conn, "cookie-value", now()).await.unwrap().unwrap();
        assert_eq!((s.user_id, s.stage, s.csrf_token.as_str()), (Some(id), Stage::Complete, "csrf"));
        assert!(account::session(&mut conn, "cookie-value", now() + Duration::hours(9)).await.unwrap().is_none());
        account::set_pending_totp(&mut conn, &s.id_hash, Some("PENDING")).await.unwrap();
        let s = account::session(&mut conn, "cookie-value", now()).await.unwrap().unwrap();
        assert_eq!(s.pending_totp_secret.as_deref(), Some("PENDING"));
        assert!(account::session(&mut conn, "other", now()).await.unwrap().is_none());

        let expires_at = now() + Duration::days(90);
        let new = account::NewApiToken {
            user_id: id,
            name: "koppeling",
            token: "secret-token",
            expires_at,
            scope: TokenScope::Read,
        };
        let token_id = account::create_api_token(&mut conn, &new, now()).await.unwrap();
        let holder = account::TokenHolder { token_id, user_id: id, scope: TokenScope::Read, expires_at };
        assert_eq!(account::user_for_token(&mut conn, "secret-token", now()).await.unwrap(), Some(holder));
        let listed = account::api_tokens(&mut conn, id).await.unwrap();
        assert_eq!((listed[0].scope, listed[0].expires_at), (TokenScope::Read, expires_at));
        assert!(account::revoke_api_token(&mut conn, id, token_id, now()).await.unwrap());
        assert_eq!(account::user_for_token(&mut conn, "secret-token", now()).await.unwrap(), None);
    }
}

/// The anchor's key in these tests (in the app: `FieldKey::anchor_key`).
const KEY: audit::AnchorKey = [7; 32];

fn event(n: i64) -> AuditEvent {
    AuditEvent {
        event: "network.view".into(),
        action: AuditAction::Read,
        time: now() + Duration::microseconds(n * 1_234_567),
        user_id: Some(1),
        user_role: Some("wijkmanager".into()),
        on_behalf_of: None,
        object_type: "network".into(),
        object_id: Some(format!("wsv-{n}")),
        access_rule: Some("wijkmanager van dit netwerk".into()),
        outcome: Outcome::Success,
        source_instance: "test".into(),
        client_addr: Some("127.0.0.1".into()),
    }
}

#[tokio::test]
async fn audit_chain_verifies_and_names_a_hand_altered_entry() {
    for db in testing::both().await {
        for n in 1..=5 {
            let mut tx = db.store.begin().await.unwrap();
            audit::append(tx.conn(), db.engine, &KEY, &event(n)).await.unwrap();
            tx.commit().await.unwrap();
        }
        let mut conn = db.store.conn().await.unwrap();
        assert!(
            matches!(audit::verify(&mut conn, &KEY, None).await.unwrap(), Verification::Intact { entries: 5 }),
            "{:?}",
            db.engine
        );

        // The log refuses ordinary updates...
        let update = sqlx::query("UPDATE audit_log SET object_id = 'x' WHERE seq = 3").execute(&mut *conn).await;
        assert!(update.is_err(), "{:?}: audit_log must be append-only", db.engine);

        // ...so someone tampering by hand has to remove the guard first.
        let drop_guard = match db.engine {
            wijkregie_store::Engine::Sqlite => "DROP TRIGGER audit_log_no_update",
            wijkregie_store::Engine::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
        };
        sqlx::query(drop_guard).execute(&mut *conn).await.unwrap();
        sqlx::query("UPDATE audit_log SET object_id = 'wsv-zuid' WHERE seq = 3").execute(&mut *conn).await.unwrap();
        match audit::verify(&mut conn, &KEY, None).await.unwrap() {
            Verification::Broken(b) => assert_eq!(b.seq, 3, "{:?}", db.engine),
            other @ Verification::Intact { .. } => panic!("{:?}: tampering not noticed: {other:?}", db.engine),
        }
        let newest = audit::page(&mut conn, None, 2).await.unwrap();
        assert_eq!(newest.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![5, 4]);
    }
}

#[tokio::test]
async fn concurrent_appends_keep_one_unbroken_chain() {
    for db in testing::both().await {
        let mut tasks = Vec::new();
        for n in 0..20 {
            let store = db.store.clone();
            let engine = db.engine;
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                audit::append(tx.conn(), engine, &KEY, &event(n)).await.unwrap();
                tx.commit().await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut conn = db.store.conn().await.unwrap();
        assert!(
            matches!(audit::verify(&mut conn, &KEY, None).await.unwrap(), Verification::Intact { entries: 20 }),
            "{:?}",
            db.engine
        );
    }
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() {
    let db = testing::sqlite().await;
    let mut tx = db.store.begin().await.unwrap();
    region::save_wijk(tx.conn(), &Wijk { code: "noord".parse().unwrap(), name: "Noord".into(), areas: vec![] })
        .await
        .unwrap();
    region::save_practice(tx.conn(), &sample_practice("01012345")).await.unwrap();
    tx.commit().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.sqlite");
    db.store.backup_to(&target).await.unwrap();
    let copy = wijkregie_store::Store::open(&wijkregie_store::Store::sqlite_url_for_file(&target)).await.unwrap();
    let mut conn = copy.conn().await.unwrap();
    assert_eq!(region::practices(&mut conn).await.unwrap(), vec![sample_practice("01012345")]);
    assert!(db.store.backup_to(&target).await.is_err(), "an existing file is never overwritten");
}

#[tokio::test]
async fn applying_a_snapshot_twice_changes_nothing_the_second_time() {
    for db in testing::both().await {
        let mut practice = sample_practice("01012345");
        practice.registered_patients.reverse();
        let desired = RegionSnapshot {
            region: Some(Region { code: "regio-test".parse().unwrap(), name: "Regio Test".into() }),
            wijken: vec![Wijk {
                code: "noord".parse().unwrap(),
                name: "Noord".into(),
                areas: vec![Area { code: "WK036301".parse().unwrap(), year: 2024 }],
            }],
            practices: vec![practice],
            organizations: vec![],
            networks: vec![],
        };
        let mut tx = db.store.begin().await.unwrap();
        let first = region::apply_snapshot(tx.conn(), desired.clone()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(first.practices.created, 1);
        assert!(first.changed());

        let mut tx = db.store.begin().await.unwrap();
        let second = region::apply_snapshot(tx.conn(), desired.clone()).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!second.changed(), "{:?}: {second:?}", db.engine);
        assert_eq!(second.practices.unchanged, 1);

        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(region::snapshot(&mut conn).await.unwrap(), desired.normalized());
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_of_that_user_only() {
    for db in testing::both().await {
        let mut tx = db.store.begin().await.unwrap();
        let mut ids = Vec::new();
        for email in ["een@example.nl", "twee@example.nl"] {
            let new = NewUser {
                email,
                name: "Test",
                password_hash: "h",
                role: Role::Practice,
                scope: &Scope::Practice("01012345".parse().unwrap()),
                totp_secret: None,
            };
            ids.push(account::create_user(tx.conn(), &new, now()).await.unwrap());
        }
        tx.commit().await.unwrap();
        let mut conn = db.store.conn().await.unwrap();
        for (cookie, user) in [("hier", ids[0]), ("elders", ids[0]), ("ander", ids[1])] {
            account::create_session(
                &mut conn,
                &NewSession {
                    id: cookie,
                    user_id: Some(user),
                    stage: Stage::Complete,
                    second_factor: false,
                    csrf_token: "c",
                    lifetime: Duration::hours(8),
                },
                now(),
            )
            .await
            .unwrap();
        }
        let keep = account::session(&mut conn, "hier", now()).await.unwrap().unwrap().id_hash;
        let ended = account::delete_other_sessions(&mut conn, ids[0], &keep).await.unwrap();
        assert_eq!(ended, 1, "{:?}", db.engine);
        assert!(account::session(&mut conn, "hier", now()).await.unwrap().is_some());
        assert!(account::session(&mut conn, "elders", now()).await.unwrap().is_none());
        assert!(account::session(&mut conn, "ander", now()).await.unwrap().is_some(), "{:?}", db.engine);
    }
}

#[tokio::test]
async fn throttle_counts_parallel_attempts_once_each() {
    use wijkregie_core::throttle::Kind;
    use wijkregie_store::throttle;
    for db in testing::both().await {
        let t0 = now();
        let mut tasks = Vec::new();
        for _ in 0..30 {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = store.conn().await.unwrap();
                throttle::hit(&mut conn, Kind::LoginAccount, "a@example.nl", t0, t0 - Duration::minutes(15))
                    .await
                    .unwrap()
            }));
        }
        let mut counts = Vec::new();
        for t in tasks {
            let (count, start) = t.await.unwrap();
            assert_eq!(start, t0, "{:?}", db.engine);
            counts.push(count);
        }
        counts.sort_unstable();
        assert_eq!(counts, (1..=30).collect::<Vec<_>>(), "{:?}: every attempt saw its own count", db.engine);

        let mut conn = db.store.conn().await.unwrap();
        throttle::forgive(&mut conn, Kind::LoginAccount, "a@example.nl", t0).await.unwrap();
        let later = t0 + Duration::minutes(5);
        let hit = throttle::hit(&mut conn, Kind::LoginAccount, "a@example.nl", later, later - Duration::minutes(15));
        assert_eq!(hit.await.unwrap(), (30, t0), "{:?}: forgiven once, same window", db.engine);
        // Another key or kind counts apart.
        let other = throttle::hit(&mut conn, Kind::LoginAddress, "a@example.nl", later, later - Duration::minutes(15));
        assert_eq!(other.await.unwrap().0, 1, "{:?}", db.engine);
        // After the window a new one starts at the attempt.
        let next = t0 + Duration::minutes(15);
        let hit = throttle::hit(&mut conn, Kind::LoginAccount, "a@example.nl", next, next - Duration::minutes(15));
        assert_eq!(hit.await.unwrap(), (1, next), "{:?}: a new window", db.engine);
        assert_eq!(throttle::delete_before(&mut conn, next).await.unwrap(), 1, "{:?}", db.engine);
    }
}
