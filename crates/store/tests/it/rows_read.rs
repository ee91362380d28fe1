//! The rows-read counter (`testing::count_rows`) that tests of pages lean
//! on to prove a request reads what it shows, not the whole table. Each
//! test body runs on SQLite and on PostgreSQL: a read by id counts one row,
//! a list counts every row, reads outside a count are not counted, and two
//! counts running side by side each see only their own reads.

use chrono::{DateTime, Duration, Utc};
use wijkregie_core::application::{ApplicantPractice, Application, Request};
use wijkregie_store::testing::{self, count_rows, TestDb};
use wijkregie_store::{application, AnyConnection};

const STORED: usize = 7;

fn application() -> Application {
    Application {
        request: Request::Wijkmanagement,
        contact_name: "Anna de Vries".into(),
        email: "anna@praktijk.nl".into(),
        phone: "030 123 45 67".into(),
        practices: vec![ApplicantPractice {
            agb: "01234567".parse().unwrap(),
            name: "Huisartsenpraktijk De Linde".into(),
            street: "Lindenlaan".into(),
            house_number: 12,
            house_number_suffix: None,
            postcode: "5811AB".parse().unwrap(),
            city: "Kwartierstad".into(),
            registered_patients: 2_850,
        }],
        network_name: None,
        wijk: None,
        coordinator: None,
        remarks: None,
    }
}

/// Stores `STORED` applications and returns their ids.
async fn store_applications(db: &TestDb) -> Vec<i64> {
    let a = application();
    let start: DateTime<Utc> = "2025-05-01T10:00:00Z".parse().unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..STORED {
        let token = format!("token-{i}");
        let new = application::NewApplication {
            submitted_at: start + Duration::minutes(i as i64),
            application: &a,
            token_hash: &token,
            sender_hash: None,
            session_hash: None,
            spam: None,
        };
        ids.push(application::insert(tx.conn(), &new).await.unwrap());
    }
    tx.commit().await.unwrap();
    ids
}

async fn get(conn: &mut AnyConnection, id: i64) -> Option<application::StoredApplication> {
    application::get(conn, id).await.unwrap()
}

async fn list(conn: &mut AnyConnection) -> Vec<application::StoredApplication> {
    application::list(conn).await.unwrap()
}

#[tokio::test]
async fn a_read_by_id_counts_one_row_and_a_list_every_row() {
    for db in testing::both().await {
        let ids = store_applications(&db).await;
        let mut conn = db.store.conn().await.unwrap();

        let (found, rows) = count_rows(get(&mut conn, ids[3])).await;
        assert_eq!(found.map(|a| a.id), Some(ids[3]), "{:?}", db.engine);
        assert_eq!(rows, 1, "{:?}: one application by id", db.engine);

        let (all, rows) = count_rows(list(&mut conn)).await;
        assert_eq!(all.len(), STORED, "{:?}", db.engine);
        assert_eq!(rows, STORED as u64, "{:?}: the whole list", db.engine);

        let (missing, rows) = count_rows(get(&mut conn, -1)).await;
        assert!(missing.is_none(), "{:?}", db.engine);
        assert_eq!(rows, 0, "{:?}: nothing found, nothing read", db.engine);
    }
}

#[tokio::test]
async fn rows_returned_by_an_insert_count_as_read() {
    for db in testing::both().await {
        let a = application();
        let new = application::NewApplication {
            submitted_at: "2025-05-01T10:00:00Z".parse().unwrap(),
            application: &a,
            token_hash: "token",
            sender_hash: None,
            session_hash: None,
            spam: None,
        };
        let mut tx = db.store.begin().await.unwrap();
        let (id, rows) = count_rows(application::insert(tx.conn(), &new)).await;
        id.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(rows, 1, "{:?}: the id from RETURNING", db.engine);
    }
}

#[tokio::test]
async fn reads_outside_a_count_are_not_counted() {
    for db in testing::both().await {
        let ids = store_applications(&db).await;
        let mut conn = db.store.conn().await.unwrap();

        // Reads with nobody counting are simply not counted, and do not
        // leak into a count that starts later.
        assert_eq!(list(&mut conn).await.len(), STORED);
        let ((), rows) = count_rows(async {}).await;
        assert_eq!(rows, 0, "{:?}", db.engine);

        let (_, rows) = count_rows(get(&mut conn, ids[0])).await;
        assert_eq!(list(&mut conn).await.len(), STORED);
        assert_eq!(rows, 1, "{:?}: the read after the count is not in it", db.engine);
    }
}

#[tokio::test]
async fn counts_running_side_by_side_are_kept_apart() {
    for db in testing::both().await {
        let ids = store_applications(&db).await;
        let mut one = db.store.conn().await.unwrap();
        let mut other = db.store.conn().await.unwrap();

        // Both futures run in this one task, interleaved at every await:
        // the count must follow each future, not the task.
        let ((by_id, by_id_rows), (listed, listed_rows)) = tokio::join!(
            count_rows(async {
                let mut found = Vec::new();
                for id in &ids[..2] {
                    found.push(get(&mut one, *id).await);
                }
                found
            }),
            count_rows(async {
                let first = list(&mut other).await;
                let second = list(&mut other).await;
                first.len() + second.len()
            }),
        );
        assert_eq!(by_id.iter().flatten().count(), 2, "{:?}", db.engine);
        assert_eq!(by_id_rows, 2, "{:?}: two reads by id", db.engine);
        assert_eq!(listed, 2 * STORED, "{:?}", db.engine);
        assert_eq!(listed_rows, 2 * STORED as u64, "{:?}: two lists", db.engine);
    }
}

#[tokio::test]
async fn a_count_inside_a_count_adds_to_both() {
    for db in testing::both().await {
        let ids = store_applications(&db).await;
        let mut conn = db.store.conn().await.unwrap();

        let (inner, outer) = count_rows(async {
            get(&mut conn, ids[0]).await;
            let (_, inner) = count_rows(list(&mut conn)).await;
            inner
        })
        .await;
        assert_eq!(inner, STORED as u64, "{:?}", db.engine);
        assert_eq!(outer, 1 + STORED as u64, "{:?}: the outer count saw the inner reads", db.engine);
    }
}
