//! The audit chain's end is anchored (issue 22, item 8): cutting entries
//! off the end, or rewriting one and recomputing every later hash, no longer
//! passes `verify`. And repeated identical refusals are counted, not each
//! appended (item 16). Every test runs on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use sqlx::Row;
use wijkregie_core::audit::{counted_entry_hash, AuditAction, AuditEvent, Outcome, GENESIS, REFUSAL_WINDOW};
use wijkregie_store::audit::{self, AnchorKey, Verification};
use wijkregie_store::testing::{self, TestDb};
use wijkregie_store::Engine;

const KEY: AnchorKey = [7; 32];

fn event(n: i64, outcome: Outcome) -> AuditEvent {
    AuditEvent {
        event: "referral.view".into(),
        action: AuditAction::Read,
        time: Utc::now() + Duration::microseconds(n),
        user_id: Some(3),
        user_role: Some("praktijk".into()),
        on_behalf_of: Some("praktijk 01234567".into()),
        object_type: "referral".into(),
        object_id: Some(format!("r-{n}")),
        access_rule: Some(if outcome == Outcome::Refused { "buiten bereik" } else { "verwijzer" }.into()),
        outcome,
        source_instance: "test".into(),
        client_addr: Some("127.0.0.1".into()),
    }
}

/// 600 entries, the 10th a refusal.
async fn fill(db: &TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    for n in 1..=600 {
        let outcome = if n == 10 { Outcome::Refused } else { Outcome::Success };
        audit::append(tx.conn(), db.engine, &KEY, &event(n, outcome)).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn verify(db: &TestDb) -> Verification {
    let mut conn = db.store.conn().await.unwrap();
    audit::verify(&mut conn, &KEY, None).await.unwrap()
}

/// What someone with write access to the database does first: remove the
/// append-only guard.
async fn drop_guards(db: &TestDb) {
    let mut conn = db.store.conn().await.unwrap();
    let drops: &[&str] = match db.engine {
        Engine::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Engine::Postgres => &["DROP TRIGGER audit_log_no_change ON audit_log"],
    };
    for d in drops {
        sqlx::query(d).execute(&mut *conn).await.unwrap();
    }
}

fn broken(v: Verification) -> wijkregie_core::audit::ChainBreak {
    match v {
        Verification::Broken(b) => b,
        other @ Verification::Intact { .. } => panic!("tampering not noticed: {other:?}"),
    }
}

async fn cutting_the_end_is_noticed(db: TestDb) {
    fill(&db).await;
    assert!(matches!(verify(&db).await, Verification::Intact { entries: 600 }), "{:?}", db.engine);
    drop_guards(&db).await;
    let mut conn = db.store.conn().await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq > 100").execute(&mut *conn).await.unwrap();
    let b = broken(verify(&db).await);
    assert_eq!(b.seq, 101, "{:?}: {b}", db.engine);
    assert!(b.reason.contains("korter"), "{:?}: {b}", db.engine);

    // The next append (every `audit verify` makes one) does not anchor
    // the shortened chain afresh.
    let mut tx = db.store.begin().await.unwrap();
    audit::append(tx.conn(), db.engine, &KEY, &event(601, Outcome::Success)).await.unwrap();
    tx.commit().await.unwrap();
    let b = broken(verify(&db).await);
    assert!(b.reason.contains("korter"), "{:?}: {b}", db.engine);

    // Deleting the anchor row as well does not help either.
    sqlx::query("DELETE FROM audit_anchor").execute(&mut *conn).await.unwrap();
    let b = broken(verify(&db).await);
    assert!(b.reason.contains("ontbreekt"), "{:?}: {b}", db.engine);
}

#[tokio::test]
async fn deleting_the_last_500_entries_fails_verify_sqlite() {
    cutting_the_end_is_noticed(testing::sqlite().await).await;
}

#[tokio::test]
async fn deleting_the_last_500_entries_fails_verify_postgres() {
    cutting_the_end_is_noticed(testing::postgres().await).await;
}

/// Turns the refusal at seq 10 into a success and recomputes every hash
/// from there on, as someone with database access but without the key can.
async fn rewrite_refusal(db: &TestDb) {
    drop_guards(db).await;
    let mut conn = db.store.conn().await.unwrap();
    let mut entries = audit::page(&mut conn, None, 10_000).await.unwrap();
    entries.reverse();
    let mut prev = GENESIS.to_owned();
    for e in &mut entries {
        if e.seq == 10 {
            assert_eq!(e.event.outcome, Outcome::Refused);
            e.event.outcome = Outcome::Success;
            e.event.access_rule = Some("verwijzer".into());
        }
        let hash = counted_entry_hash(e.seq, &prev, &e.event, e.repeats);
        if e.seq >= 10 {
            sqlx::query(
                "UPDATE audit_log SET outcome = $1, access_rule = $2, prev_hash = $3, hash = $4 WHERE seq = $5",
            )
            .bind(e.event.outcome.code())
            .bind(e.event.access_rule.clone())
            .bind(&prev)
            .bind(&hash)
            .bind(e.seq)
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        prev = hash;
    }
}

async fn rewriting_is_noticed(db: TestDb) {
    fill(&db).await;
    let mut conn = db.store.conn().await.unwrap();
    let (saved, _) = audit::anchor(&mut conn).await.unwrap().unwrap();
    assert_eq!(saved.head.seq, 600);
    rewrite_refusal(&db).await;
    let b = broken(verify(&db).await);
    assert_eq!(b.seq, 600, "{:?}: {b}", db.engine);
    assert!(b.reason.contains("herschreven"), "{:?}: {b}", db.engine);

    // Even with the anchor row moved to the rewritten head by hand, the MAC
    // (whose key is not in the database) gives it away.
    let head = audit::head(&mut conn).await.unwrap().unwrap();
    sqlx::query("UPDATE audit_anchor SET hash = $1").bind(&head.hash).execute(&mut *conn).await.unwrap();
    let b = broken(verify(&db).await);
    assert!(b.reason.contains("sleutel"), "{:?}: {b}", db.engine);

    // And an anchor saved outside the database catches it under any key,
    // as it would after a reanchor by someone who has the key file too.
    reanchor(&db, &KEY).await;
    assert!(matches!(verify(&db).await, Verification::Intact { .. }), "{:?}", db.engine);
    let mut early = saved.clone();
    early.head = wijkregie_core::audit::Head { seq: 50, hash: saved.head.hash.clone() };
    let b = broken(audit::verify(&mut conn, &KEY, Some(&saved)).await.unwrap());
    assert_eq!(b.seq, 600, "{:?}: {b}", db.engine);
    let b = broken(audit::verify(&mut conn, &KEY, Some(&early)).await.unwrap());
    assert_eq!(b.seq, 50, "{:?}: {b}", db.engine);
}

#[tokio::test]
async fn editing_a_refusal_into_a_success_fails_verify_sqlite() {
    rewriting_is_noticed(testing::sqlite().await).await;
}

#[tokio::test]
async fn editing_a_refusal_into_a_success_fails_verify_postgres() {
    rewriting_is_noticed(testing::postgres().await).await;
}

async fn a_saved_anchor_matches_a_longer_intact_chain(db: TestDb) {
    fill(&db).await;
    let mut conn = db.store.conn().await.unwrap();
    let (saved, _) = audit::anchor(&mut conn).await.unwrap().unwrap();
    let mut tx = db.store.begin().await.unwrap();
    audit::append(tx.conn(), db.engine, &KEY, &event(700, Outcome::Success)).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        matches!(audit::verify(&mut conn, &KEY, Some(&saved)).await.unwrap(), Verification::Intact { entries: 601 }),
        "{:?}",
        db.engine
    );
    // Another key (a replaced secret.key) does not verify the anchor…
    assert!(matches!(audit::verify(&mut conn, &[8; 32], None).await.unwrap(), Verification::Broken(_)));
    // …until the chain is anchored again under it.
    reanchor(&db, &[8; 32]).await;
    assert!(matches!(audit::verify(&mut conn, &[8; 32], Some(&saved)).await.unwrap(), Verification::Intact { .. }));
}

#[tokio::test]
async fn a_saved_anchor_matches_a_longer_intact_chain_sqlite() {
    a_saved_anchor_matches_a_longer_intact_chain(testing::sqlite().await).await;
}

#[tokio::test]
async fn a_saved_anchor_matches_a_longer_intact_chain_postgres() {
    a_saved_anchor_matches_a_longer_intact_chain(testing::postgres().await).await;
}

async fn thousand_refusals_are_a_handful_of_entries(db: TestDb) {
    let start = Utc::now();
    let mut refusal = event(1, Outcome::Refused);
    refusal.object_id = Some("r-42".into());
    // 1,000 identical refusals over 150 s: three windows of 60 s.
    for i in 0..1_000_i64 {
        let mut tx = db.store.begin().await.unwrap();
        refusal.time = start + Duration::milliseconds(i * 150);
        audit::refuse(tx.conn(), db.engine, &KEY, &refusal).await.unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = db.store.begin().await.unwrap();
    let closed = audit::flush_refusals(tx.conn(), db.engine, &KEY, start + Duration::seconds(150) + REFUSAL_WINDOW)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(closed, 1, "{:?}: the last open run is closed", db.engine);
    let mut conn = db.store.conn().await.unwrap();
    let rows = sqlx::query("SELECT outcome, repeats FROM audit_log ORDER BY seq").fetch_all(&mut *conn).await.unwrap();
    let repeats: Vec<i64> = rows.iter().map(|r| r.get("repeats")).collect();
    assert!(rows.len() <= 6, "{:?}: {} entries for 1,000 refusals: {repeats:?}", db.engine, rows.len());
    assert_eq!(repeats.iter().sum::<i64>(), 1_000, "{:?}: {repeats:?}", db.engine);
    assert!(rows.iter().all(|r| r.get::<String, _>("outcome") == "refused"));
    assert!(matches!(verify(&db).await, Verification::Intact { .. }), "{:?}", db.engine);
    let open: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_refusal_run").fetch_one(&mut *conn).await.unwrap().get("n");
    assert_eq!(open, 0);
}

#[tokio::test]
async fn a_thousand_identical_refusals_are_a_handful_of_counted_entries_sqlite() {
    thousand_refusals_are_a_handful_of_entries(testing::sqlite().await).await;
}

#[tokio::test]
async fn a_thousand_identical_refusals_are_a_handful_of_counted_entries_postgres() {
    thousand_refusals_are_a_handful_of_entries(testing::postgres().await).await;
}

async fn different_refusals_are_each_logged(db: TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    for n in 1..=5 {
        audit::refuse(tx.conn(), db.engine, &KEY, &event(n, Outcome::Refused)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut conn = db.store.conn().await.unwrap();
    assert_eq!(audit::page(&mut conn, None, 100).await.unwrap().len(), 5, "{:?}", db.engine);
}

#[tokio::test]
async fn refusals_of_different_objects_are_each_logged_sqlite() {
    different_refusals_are_each_logged(testing::sqlite().await).await;
}

#[tokio::test]
async fn refusals_of_different_objects_are_each_logged_postgres() {
    different_refusals_are_each_logged(testing::postgres().await).await;
}

/// Anchors the chain again under `key`, in a write transaction as the app
/// does (PostgreSQL locks the log, which needs a transaction).
async fn reanchor(db: &TestDb, key: &AnchorKey) {
    let mut tx = db.store.begin().await.unwrap();
    audit::reanchor(tx.conn(), db.engine, key).await.unwrap();
    tx.commit().await.unwrap();
}
