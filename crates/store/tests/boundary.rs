//! Boundaries per area and vintage, each test body on SQLite and PostgreSQL.

use wijkregie_core::region::Area;
use wijkregie_store::boundary::{self, SaveReport, StoredBoundary};
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
            [("WK036301", 2025), ("BU03630101", 2024)],
            "in the order asked, the unknown area left out"
        );
    }
}
