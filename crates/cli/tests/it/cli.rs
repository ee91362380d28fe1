//! The real `wijkregie` binary against real databases: region file round
//! trips, refusal of bad files, audit verification, backups and accounts.

use std::process::Command;

use wijkregie_store::testing::{self, TestDb};
use wijkregie_store::Engine;

use crate::common::{ok, text, wijkregie};

async fn both() -> Vec<TestDb> {
    testing::both().await
}

#[tokio::test]
async fn region_file_round_trips_and_a_second_import_changes_nothing() {
    for db in both().await {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        ok(&db, &["demo"]);
        ok(&db, &["export", "region", "--output", a.to_str().unwrap()]);
        let again = ok(&db, &["import", "region", a.to_str().unwrap()]);
        assert!(again.contains("Niets veranderd"), "{:?}: {again}", db.engine);
        ok(&db, &["export", "region", "--output", b.to_str().unwrap()]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), std::fs::read_to_string(&b).unwrap());

        // A fresh database loaded from the export exports the same file.
        let fresh = match db.engine {
            Engine::Sqlite => testing::sqlite().await,
            Engine::Postgres => testing::postgres().await,
        };
        let first = ok(&fresh, &["import", "region", a.to_str().unwrap()]);
        assert!(first.contains("42 nieuw"), "{first}");
        assert_eq!(ok(&fresh, &["export", "region"]), std::fs::read_to_string(&a).unwrap());
    }
}

#[tokio::test]
async fn a_bad_region_file_is_refused_whole_with_every_error() {
    for db in both().await {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.json");
        std::fs::write(
            &file,
            r#"{"format": "wijkregie-region/1", "region": {"code": "regio-x", "name": "X"},
                "wijken": [{"code": "noord", "name": "Noord", "areas": [{"code": "WK12", "year": 2024}]}],
                "practices": [{"agb": "0101234", "name": "P", "address": {"street": "S", "house_number": 1,
                    "postcode": "0123 AB", "city": "C"}, "wijk": "zuid", "registered_patients": []}],
                "organizations": [], "networks": []}"#,
        )
        .unwrap();
        let out = wijkregie(&db, &["import", "region", file.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        for path in [
            "$.wijken[0].areas[0].code",
            "$.practices[0].agb",
            "$.practices[0].address.postcode",
            "$.practices[0].wijk",
        ] {
            assert!(err.contains(path), "{:?}: {path} not reported in\n{err}", db.engine);
        }
        assert!(err.contains("niets veranderd"));
        let export = wijkregie(&db, &["export", "region"]);
        assert!(!export.status.success(), "nothing was written, so there is no region to export");
        assert!(text(&export.stderr).contains("nog geen regio"));
    }
}

#[tokio::test]
async fn audit_subject_lists_who_saw_a_referral_and_is_itself_logged() {
    for db in both().await {
        ok(&db, &["demo"]);
        let id = "00000000-0000-4000-8000-000300000001";
        let table = ok(&db, &["audit", "subject", id]);
        assert!(table.contains(&format!("Inzage in verwijzing {id}")), "{:?}: {table}", db.engine);
        let json: serde_json::Value = serde_json::from_str(&ok(&db, &["audit", "subject", id, "--json"])).unwrap();
        let rows = json.as_array().unwrap();
        assert_eq!(rows.len(), 1, "{:?}: the first overview is on record: {json}", db.engine);
        assert_eq!(rows[0]["event"], "referral.access_overview");
        assert!(rows[0]["access_rule"].as_str().unwrap().contains("inzageoverzicht"));
        let out = wijkregie(&db, &["audit", "subject", "00000000-0000-4000-8000-0000000000ff"]);
        assert!(!out.status.success() && text(&out.stderr).contains("bestaat niet"), "{:?}", db.engine);
        let out = wijkregie(&db, &["audit", "subject", "geen-id"]);
        assert!(!out.status.success() && text(&out.stderr).contains("geen geldige id"), "{:?}", db.engine);
    }
}

#[tokio::test]
async fn audit_verify_passes_on_a_used_database_and_names_a_tampered_entry() {
    for db in both().await {
        ok(&db, &["demo"]);
        ok(
            &db,
            &[
                "user",
                "add",
                "--email",
                "wm2@example.nl",
                "--name",
                "Wim",
                "--role",
                "wijkmanager",
                "--scope",
                "wsv-lindenpark",
            ],
        );
        let verified = ok(&db, &["audit", "verify"]);
        assert!(verified.contains("in orde"), "{verified}");

        let mut conn = db.store.conn().await.unwrap();
        let drop_guard = match db.engine {
            Engine::Sqlite => "DROP TRIGGER audit_log_no_update",
            Engine::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
        };
        sqlx::query(drop_guard).execute(&mut *conn).await.unwrap();
        sqlx::query("UPDATE audit_log SET object_id = 'iemand anders' WHERE seq = 2")
            .execute(&mut *conn)
            .await
            .unwrap();
        let out = wijkregie(&db, &["audit", "verify"]);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("regel 2"), "{:?}: {}", db.engine, text(&out.stderr));
    }
}

#[tokio::test]
async fn user_add_gives_the_region_a_second_factor_and_refuses_bad_input() {
    let db = testing::sqlite().await;
    ok(&db, &["demo"]);
    let out = ok(&db, &["user", "add", "--email", "regio2@example.nl", "--name", "R", "--role", "regio_beheerder"]);
    assert!(out.contains("otpauth://totp/"), "{out}");
    let bad_role = wijkregie(&db, &["user", "add", "--email", "x@example.nl", "--name", "X", "--role", "admin"]);
    assert!(!bad_role.status.success());
    assert!(text(&bad_role.stderr).contains("geen rol"));
    let twice =
        wijkregie(&db, &["user", "add", "--email", "regio2@example.nl", "--name", "R", "--role", "regio_beheerder"]);
    assert!(text(&twice.stderr).contains("bestaat al"));
}

#[tokio::test]
async fn backup_copies_a_live_sqlite_database() {
    let db = testing::sqlite().await;
    ok(&db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.sqlite");
    ok(&db, &["backup", target.to_str().unwrap()]);
    let copy = TestDb::from_url(&wijkregie_store::Store::sqlite_url_for_file(&target)).await;
    assert_eq!(ok(&copy, &["export", "region"]), ok(&db, &["export", "region"]));
    assert!(!wijkregie(&db, &["backup", target.to_str().unwrap()]).status.success(), "never overwrites");
    let pg = testing::postgres().await;
    let out = wijkregie(&pg, &["backup", dir.path().join("x").to_str().unwrap()]);
    assert!(text(&out.stderr).contains("pg_dump"));
}

#[tokio::test]
async fn every_database_starts_with_the_shipped_taxonomy() {
    for db in both().await {
        ok(&db, &["audit", "verify"]);
        let mut conn = db.store.conn().await.unwrap();
        let terms = wijkregie_store::directory::taxonomy_terms(&mut conn).await.unwrap();
        assert!(terms.iter().any(|t| t.code.as_str() == "eenzaamheid"), "{:?}", db.engine);
        assert_eq!(terms.len(), wijkregie_formats::taxonomy::shipped().len());
    }
}

#[tokio::test]
async fn postcode_centroids_import_all_or_nothing() {
    for db in both().await {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("pc.csv");
        std::fs::write(&good, "postcode;latitude;longitude\n1215 EK;52,231;5,171\n1216;52,24;5,18\n").unwrap();
        let out = ok(&db, &["import", "postcodes", good.to_str().unwrap()]);
        assert!(out.contains("2 postcodes, waarvan 2 nieuw"), "{:?}: {out}", db.engine);
        assert!(ok(&db, &["import", "postcodes", good.to_str().unwrap()]).contains("waarvan 0 nieuw"));
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "postcode;latitude;longitude\n1217AA;52;5\n0123AB;52;5\n1218;x;5\n").unwrap();
        let out = wijkregie(&db, &["import", "postcodes", bad.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(err.contains("regel 3, kolom postcode") && err.contains("regel 4, kolom latitude"), "{err}");
        let mut conn = db.store.conn().await.unwrap();
        let unseen = wijkregie_store::directory::postcode_point(&mut conn, &"1217AA".parse().unwrap()).await.unwrap();
        assert_eq!(unseen, None, "{:?}: the good row of a bad file is not written", db.engine);
    }
}

#[test]
fn every_command_explains_itself() {
    for args in
        [vec!["--help"], vec!["serve", "--help"], vec!["import", "region", "--help"], vec!["user", "add", "--help"]]
    {
        let out = Command::new(env!("CARGO_BIN_EXE_wijkregie")).args(&args).output().unwrap();
        assert!(out.status.success());
        let help = text(&out.stdout);
        assert!(help.len() > 100, "{args:?}: {help}");
    }
    let help = text(&Command::new(env!("CARGO_BIN_EXE_wijkregie")).arg("--help").output().unwrap().stdout);
    for sub in ["serve", "demo", "import", "export", "user", "audit", "backup"] {
        assert!(help.contains(sub), "{sub} missing from --help");
    }
}
