//! The real binary: `audit verify` fails when the end of the chain is cut
//! or the chain is rewritten (issue 22, item 8), also against an anchor
//! saved by `audit anchor` or beside a backup.

use wijkregie_core::audit::{counted_entry_hash, AuditAction, AuditEvent, Outcome, GENESIS};
use wijkregie_store::crypto::FieldKey;
use wijkregie_store::testing::{self, TestDb};
use wijkregie_store::Engine;

use crate::common::{ok, text, wijkregie};

/// The key `common::wijkregie` runs the binary with.
const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// 600 entries as the server would append them, the 10th a refusal.
async fn fill(db: &TestDb) {
    let key = FieldKey::from_env_value(SECRET).unwrap();
    let mut tx = db.store.begin().await.unwrap();
    for n in 0..600 {
        let outcome = if n == 9 { Outcome::Refused } else { Outcome::Success };
        let event = AuditEvent {
            event: "referral.view".into(),
            action: AuditAction::Read,
            time: chrono::Utc::now(),
            user_id: Some(1),
            user_role: Some("praktijk".into()),
            on_behalf_of: None,
            object_type: "referral".into(),
            object_id: Some(format!("r-{n}")),
            access_rule: Some(if outcome == Outcome::Refused { "buiten bereik" } else { "verwijzer" }.into()),
            outcome,
            source_instance: "test".into(),
            client_addr: None,
        };
        wijkregie_store::audit::append(tx.conn(), db.engine, key.anchor_key(), &event).await.unwrap();
    }
    tx.commit().await.unwrap();
}

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

fn fails(db: &TestDb, args: &[&str], says: &str) {
    let out = wijkregie(db, args);
    assert!(!out.status.success(), "{:?}: {args:?} passed: {}", db.engine, text(&out.stdout));
    assert!(text(&out.stderr).contains(says), "{:?}: {args:?}: {}", db.engine, text(&out.stderr));
}

#[tokio::test]
async fn audit_verify_fails_after_the_last_500_entries_are_deleted() {
    for db in testing::both().await {
        fill(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("anker.json");
        ok(&db, &["audit", "anchor", "-o", saved.to_str().unwrap()]);
        assert!(ok(&db, &["audit", "verify", "--anchor", saved.to_str().unwrap()]).contains("bewaarde anker"));
        drop_guards(&db).await;
        let mut conn = db.store.conn().await.unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) FROM audit_log) - 500")
            .execute(&mut *conn)
            .await
            .unwrap();
        fails(&db, &["audit", "verify"], "korter");
        fails(&db, &["audit", "verify", "--anchor", saved.to_str().unwrap()], "korter");
    }
}

#[tokio::test]
async fn audit_verify_fails_after_a_refusal_is_edited_into_a_success_and_later_hashes_recomputed() {
    for db in testing::both().await {
        fill(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("anker.json");
        ok(&db, &["audit", "anchor", "-o", saved.to_str().unwrap()]);
        drop_guards(&db).await;
        let mut conn = db.store.conn().await.unwrap();
        let mut entries = wijkregie_store::audit::page(&mut conn, None, 10_000).await.unwrap();
        entries.reverse();
        let refused = entries.iter().find(|e| e.event.outcome == Outcome::Refused).unwrap().seq;
        let mut prev = GENESIS.to_owned();
        for e in &mut entries {
            if e.seq == refused {
                e.event.outcome = Outcome::Success;
            }
            let hash = counted_entry_hash(e.seq, &prev, &e.event, e.repeats);
            if e.seq >= refused {
                sqlx::query("UPDATE audit_log SET outcome = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
                    .bind(e.event.outcome.code())
                    .bind(&prev)
                    .bind(&hash)
                    .bind(e.seq)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
            prev = hash;
        }
        fails(&db, &["audit", "verify"], "herschreven");
        fails(&db, &["audit", "verify", "--anchor", saved.to_str().unwrap()], "herschreven");
    }
}

#[tokio::test]
async fn a_backup_carries_the_anchor_beside_it() {
    let db = testing::sqlite().await;
    ok(&db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.sqlite");
    let out = ok(&db, &["backup", target.to_str().unwrap()]);
    assert!(out.contains("backup.sqlite.anker"), "{out}");
    let anchor = dir.path().join("backup.sqlite.anker");
    assert!(ok(&db, &["audit", "verify", "--anchor", anchor.to_str().unwrap()]).contains("bewaarde anker"));
}
