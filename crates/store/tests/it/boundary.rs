//! Boundaries per area and vintage, each test body on SQLite and PostgreSQL.

use wijkregie_core::region::Area;
use wijkregie_store::boundary::{self, SaveReport, StoredBoundary};
use wijkregie_store::population;
use wijkregie_store::testing;

fn outline(code: &str, year: u16, name: &str, size: f64) -> StoredBoundary {
    StoredBoundary {
        code: code.parse().unwrap(),
        year,
        name: name.to_owned(),
        geometry: format!(
            r#"{{"type":"MultiPolygon","coordinates":[[[[5.0,52.0],[{x},52.0],[{x},{y}],[5.0,52.0]]]]}}"#,
            x = 5.0 + size,
            y = 52.0 + size
        ),
    }
}

#[tokio::test]
async fn a_repeat_save_changes_nothing_and_a_new_outline_replaces_the_old() {
    for db in testing::both().await {
        let first = [outline("WK036301", 2024, "Oost", 0.1), outline("BU03630101", 2024, "Noord", 0.05)];
        let mut tx = db.store.begin().await.unwrap();
        assert_eq!(boundary::save(tx.conn(), &first).await.unwrap(), SaveReport { added: 2, changed: 0, unchanged: 0 });
        tx.commit().await.unwrap();

        let mut tx = db.store.begin().await.unwrap();
        assert_eq!(boundary::save(tx.conn(), &first).await.unwrap(), SaveReport { added: 0, changed: 0, unchanged: 2 });
        // The same code in another vintage is another outline.
        let next = [outline("WK036301", 2024, "Oost", 0.2), outline("WK036301", 2025, "Oost", 0.1)];
        assert_eq!(boundary::save(tx.conn(), &next).await.unwrap(), SaveReport { added: 1, changed: 1, unchanged: 0 });
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(boundary::count(&mut conn).await.unwrap(), 3, "{:?}", db.engine);
        let of_2024 = boundary::of_year(&mut conn, 2024).await.unwrap();
        assert_eq!(of_2024.iter().map(|b| b.code.as_str()).collect::<Vec<_>>(), ["BU03630101", "WK036301"]);
        assert_eq!(of_2024[1], outline("WK036301", 2024, "Oost", 0.2));

        let asked = [
            Area { code: "WK036301".parse().unwrap(), year: 2025 },
            Area { code: "WK036399".parse().unwrap(), year: 2024 },
            Area { code: "BU03630101".parse().unwrap(), year: 2024 },
        ];
        let found = boundary::for_areas(&mut conn, &asked).await.unwrap();
        assert_eq!(
            found.iter().map(|b| (b.code.as_str(), b.year)).collect::<Vec<_>>(),
            [("BU03630101", 2024), ("WK036301", 2025)],
            "by vintage and code, the unknown area left out"
        );
    }
}

#[tokio::test]
async fn a_save_that_changes_an_outline_raises_the_population_revision() {
    for db in testing::both().await {
        let first = [outline("WK036301", 2024, "Oost", 0.1)];
        let mut tx = db.store.begin().await.unwrap();
        let before = population::revision(tx.conn()).await.unwrap();
        boundary::save(tx.conn(), &first).await.unwrap();
        assert_eq!(population::revision(tx.conn()).await.unwrap(), before + 1, "{:?}: a new outline", db.engine);
        boundary::save(tx.conn(), &first).await.unwrap();
        assert_eq!(population::revision(tx.conn()).await.unwrap(), before + 1, "{:?}: a repeat", db.engine);
        boundary::save(tx.conn(), &[outline("WK036301", 2024, "Oost", 0.3)]).await.unwrap();
        assert_eq!(population::revision(tx.conn()).await.unwrap(), before + 2, "{:?}: a changed outline", db.engine);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn outlines_of_more_areas_than_one_query_holds_are_all_read() {
    for db in testing::both().await {
        // 1,200 buurten in two vintages: more codes than one IN list takes.
        let all: Vec<StoredBoundary> = (0..1200)
            .map(|i| outline(&format!("BU0363{:04}", i % 600), 2023 + u16::from(i >= 600), "Buurt", 0.01))
            .collect();
        let mut tx = db.store.begin_bulk().await.unwrap();
        boundary::save(tx.conn(), &all).await.unwrap();
        tx.commit().await.unwrap();
        let mut asked: Vec<Area> = all.iter().map(|b| Area { code: b.code.clone(), year: b.year }).collect();
        asked.push(Area { code: "BU03639999".parse().unwrap(), year: 2023 });
        let mut conn = db.store.conn().await.unwrap();
        let found = boundary::for_areas(&mut conn, &asked).await.unwrap();
        assert_eq!(found.len(), 1200, "{:?}", db.engine);
        assert_eq!((found[0].code.as_str(), found[0].year), ("BU03630000", 2023));
        assert_eq!((found[1199].code.as_str(), found[1199].year), ("BU03630599", 2024));
    }
}
