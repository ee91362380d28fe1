//! `wijkregie import hsds` and `export hsds` with the real binary, on SQLite
//! and PostgreSQL: round trips, idempotence, refusal of bad input.

use std::path::{Path, PathBuf};

use wijkregie_store::testing::{self, TestDb};
use wijkregie_store::Engine;

use crate::common::{ok, text, wijkregie};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests/fixtures/hsds").join(name)
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_dir(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

async fn fresh(engine: Engine) -> TestDb {
    match engine {
        Engine::Sqlite => testing::sqlite().await,
        Engine::Postgres => testing::postgres().await,
    }
}

#[tokio::test]
async fn json_import_exports_and_reimports_identically() {
    for db in testing::both().await {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, region) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("region.json"));
        ok(&db, &["demo"]);
        let first = ok(&db, &["import", "hsds", arg(&fixture("services.json"))]);
        assert!(first.contains("diensten") && first.contains("2 nieuw"), "{:?}: {first}", db.engine);
        assert!(first.contains("stichting-welzijn-lindenpark") || first.contains("bestaande organisatie"), "{first}");
        assert!(first.contains("$[0].wait_time"), "warnings are shown: {first}");

        let again = ok(&db, &["import", "hsds", arg(&fixture("services.json"))]);
        assert!(again.contains("Niets veranderd"), "{:?}: {again}", db.engine);

        ok(&db, &["export", "hsds", arg(&a)]);
        ok(&db, &["export", "region", "--output", arg(&region)]);
        let reimport = ok(&db, &["import", "hsds", arg(&a)]);
        assert!(reimport.contains("Niets veranderd"), "{:?}: {reimport}", db.engine);

        // A fresh database with the same region reads the export to the same social map.
        let other = fresh(db.engine).await;
        ok(&other, &["import", "region", arg(&region)]);
        ok(&other, &["import", "hsds", arg(&a)]);
        ok(&other, &["export", "hsds", arg(&b)]);
        assert_eq!(read_dir(&a), read_dir(&b), "{:?}", db.engine);
        ok(&other, &["audit", "verify"]);

        // Services carry their import in their history.
        let pool = &other.store;
        let mut conn = pool.conn().await.unwrap();
        let id = "3f0b6a2e-1c4d-4e5f-8a9b-0c1d2e3f4a5b".parse().unwrap();
        let history = wijkregie_store::directory::service_history(&mut conn, &id).await.unwrap();
        assert_eq!(history.last().map(|h| h.summary.as_str()), Some("geïmporteerd uit HSDS"));
    }
}

#[tokio::test]
async fn a_bad_file_changes_nothing_and_lists_every_problem() {
    for db in testing::both().await {
        let dir = tempfile::tempdir().unwrap();
        let (before, after) = (dir.path().join("before"), dir.path().join("after"));
        ok(&db, &["demo"]);
        ok(&db, &["export", "hsds", arg(&before)]);
        let out = wijkregie(&db, &["import", "hsds", arg(&fixture("mistakes.json"))]);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(err.contains("er is niets veranderd"), "{err}");
        for path in [
            "$[0].name",
            "$[0].service_at_locations[0].location.addresses[0].postal_code",
            "$[0].attributes[1].taxonomy_term.code",
            "$[1].organization_id",
            "$[0].service_at_locations[1].location_id",
        ] {
            assert!(err.contains(path), "{:?}: {path} not reported in\n{err}", db.engine);
        }
        ok(&db, &["export", "hsds", arg(&after)]);
        assert_eq!(read_dir(&before), read_dir(&after));
    }
}

#[tokio::test]
async fn a_datapackage_folder_is_imported_and_export_refuses_a_full_folder() {
    for db in testing::both().await {
        ok(&db, &["demo"]);
        let out = ok(&db, &["import", "hsds", arg(&fixture("datapackage"))]);
        assert!(out.contains("1 nieuw"), "{:?}: {out}", db.engine);
        assert!(out.contains("schuldhulp-elzenmonde"), "{out}");
        let full = tempfile::tempdir().unwrap();
        std::fs::write(full.path().join("iets.txt"), "bestaat al").unwrap();
        let refused = wijkregie(&db, &["export", "hsds", arg(full.path())]);
        assert!(!refused.status.success());
        assert!(text(&refused.stderr).contains("niet leeg"), "{}", text(&refused.stderr));
    }
}
