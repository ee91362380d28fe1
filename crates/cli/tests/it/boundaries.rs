//! `wijkregie import boundaries` with the real binary, on SQLite and
//! PostgreSQL: RD New converted, a repeat import changes nothing, a bad
//! file changes nothing and names every bad feature.

use std::path::{Path, PathBuf};

use wijkregie_store::testing::{self, TestDb};

use crate::common::{text, wijkregie};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests/fixtures/boundaries").join(name)
}

async fn count(db: &TestDb) -> i64 {
    let mut conn = db.store.conn().await.unwrap();
    wijkregie_store::boundary::count(&mut conn).await.unwrap()
}

#[tokio::test]
async fn rd_new_is_imported_once_and_a_repeat_changes_nothing() {
    for db in testing::both().await {
        let file = fixture("pdok-rd-new.geojson");
        let out = wijkregie(&db, &["import", "boundaries", file.to_str().unwrap()]);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{:?}: {stdout}\n{}", db.engine, text(&out.stderr));
        assert!(stdout.contains("RD New (EPSG:28992)"), "{stdout}");
        assert!(stdout.contains("    3 nieuw,     0 gewijzigd,     0 ongewijzigd"), "{stdout}");
        assert_eq!(count(&db).await, 3);

        let again = wijkregie(&db, &["import", "boundaries", file.to_str().unwrap()]);
        let stdout = text(&again.stdout);
        assert!(again.status.success());
        assert!(stdout.contains("    0 nieuw,     0 gewijzigd,     3 ongewijzigd"), "{stdout}");
        assert!(stdout.contains("Niets veranderd"), "{stdout}");

        let mut conn = db.store.conn().await.unwrap();
        let stored = wijkregie_store::boundary::of_year(&mut conn, 2024).await.unwrap();
        assert_eq!(stored.iter().find(|b| b.code.as_str() == "BU03630000").unwrap().name, "Kop Zeedijk");
        let imports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'boundary.import'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(imports, 1, "only the import that changed something is logged");
    }
}

#[tokio::test]
async fn the_year_comes_from_the_flag_when_the_file_has_none() {
    for db in testing::both().await {
        let file = fixture("rd-no-crs-no-year.geojson");
        let refused = wijkregie(&db, &["import", "boundaries", file.to_str().unwrap()]);
        assert!(!refused.status.success());
        assert!(text(&refused.stderr).contains("features[0]: geen jaar"), "{}", text(&refused.stderr));
        let out = wijkregie(&db, &["import", "boundaries", file.to_str().unwrap(), "--year", "2022"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(wijkregie_store::boundary::of_year(&mut conn, 2022).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_bad_file_changes_nothing_and_lists_every_problem() {
    for db in testing::both().await {
        let out = wijkregie(&db, &["import", "boundaries", fixture("mistakes.geojson").to_str().unwrap()]);
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert!(stderr.contains("er is niets veranderd"), "{stderr}");
        for i in [0, 1, 2, 3, 4, 5, 6, 8] {
            assert!(stderr.contains(&format!("features[{i}]:")), "features[{i}] missing in {stderr}");
        }
        assert_eq!(count(&db).await, 0, "not even the good feature is stored");
    }
}
