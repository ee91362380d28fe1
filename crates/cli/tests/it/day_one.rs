//! Day one of a region (issue 16), with the real binary on SQLite and
//! PostgreSQL: every file as its source publishes it, none edited by hand.
//! A region file with one wijk, StatLine's Kerncijfers with titles as
//! headers, RIVM 50120NED with its real age codes, a practice list without
//! AGB codes and one with them, counts per AGB, and a social map in HSDS
//! with its own taxonomy. Each import succeeds and says what it did.

use std::path::Path;

use wijkregie_store::testing;

use crate::common::ok;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests").join(path).to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_region_starts_from_the_files_it_has() {
    for db in testing::both().await {
        ok(&db, &["import", "region", &fixture("fixtures/day-one/regio.json")]);

        let kwb = ok(&db, &["import", "kwb", &fixture("data/population/kwb-2023-statline-titles.csv")]);
        assert!(kwb.contains("1 van de 1 gebieden van de regio kregen cijfers"), "{:?}: {kwb}", db.engine);
        let health = ok(
            &db,
            &["import", "health", &fixture("fixtures/day-one/50120NED-2022-burgwallen.csv"), "--vintage", "2023"],
        );
        assert!(health.contains("1 van de 1 gebieden van de regio kregen cijfers"), "{health}");
        assert!(!health.contains("niet bewaard: '"), "every age group is known: {health}");

        let list = ok(&db, &["import", "practices", &fixture("fixtures/practices/praktijken-gemeente.csv")]);
        assert!(list.contains("3 praktijken nieuw"), "{list}");
        let agb = ok(&db, &["import", "practices", &fixture("fixtures/practices/praktijken-met-agb.csv")]);
        assert!(agb.contains("1 gewijzigd"), "{agb}");
        let counts = ok(&db, &["import", "patient-counts", &fixture("fixtures/practices/ingeschrevenen.csv")]);
        assert!(counts.contains("2 tellingen nieuw"), "{counts}");

        let map = ok(&db, &["import", "hsds", &fixture("fixtures/day-one/sociale-kaart.json")]);
        assert!(map.contains("/aanbod/hulpvragen/koppelen"), "the own taxonomy is kept, to map: {map}");

        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(wijkregie_store::region::practices(&mut conn).await.unwrap().len(), 3);
        assert_eq!(wijkregie_store::directory::services(&mut conn).await.unwrap().len(), 1);
    }
}
