//! `wijkregie demo` is all or nothing: a failure (or a `kill -9`) part-way
//! leaves the database as it was, so a rerun loads the demo.

use wijkregie_app::{demo, App, Config};
use wijkregie_store::testing::{self, TestDb};
use wijkregie_store::Engine;

/// Makes the last step of the demo (its pending registrations) fail, after
/// the region, the outlines, the figures and the accounts were written.
async fn break_last_step(db: &TestDb) {
    let mut conn = db.store.conn().await.unwrap();
    let statements: &[&str] = match db.engine {
        Engine::Sqlite => &["CREATE TRIGGER demo_breaks BEFORE INSERT ON application
                             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"],
        Engine::Postgres => &[
            "CREATE FUNCTION demo_breaks() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            "CREATE TRIGGER demo_breaks BEFORE INSERT ON application FOR EACH ROW EXECUTE FUNCTION demo_breaks()",
        ],
    };
    for s in statements {
        sqlx::query(s).execute(&mut *conn).await.unwrap();
    }
}

async fn mend(db: &TestDb) {
    let mut conn = db.store.conn().await.unwrap();
    let drop = match db.engine {
        Engine::Sqlite => "DROP TRIGGER demo_breaks",
        Engine::Postgres => "DROP TRIGGER demo_breaks ON application",
    };
    sqlx::query(drop).execute(&mut *conn).await.unwrap();
}

async fn count(db: &TestDb, table: &str) -> i64 {
    let mut conn = db.store.conn().await.unwrap();
    sqlx::Row::get(
        &sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(&mut *conn).await.unwrap(),
        "n",
    )
}

async fn a_failed_demo_leaves_nothing(db: TestDb) {
    let config = Config { instance: "test".into(), ..Config::default() };
    let key = wijkregie_store::crypto::FieldKey::ephemeral().unwrap();
    let app = App::open(db.store.clone(), config, key).await.unwrap();
    break_last_step(&db).await;
    assert!(demo::seed(&app).await.is_err(), "{:?}: the injected failure surfaces", db.engine);
    for table in ["region", "wijk", "app_user", "population_figure", "boundary", "service", "referral"] {
        assert_eq!(count(&db, table).await, 0, "{:?}: {table} is empty after the failed demo", db.engine);
    }
    mend(&db).await;
    assert!(
        matches!(demo::seed(&app).await.unwrap(), demo::Seeded::Filled(_)),
        "{:?}: a rerun loads the demo",
        db.engine
    );
    assert_eq!(count(&db, "app_user").await, demo::ACCOUNTS.len() as i64);
}

#[tokio::test]
async fn a_failed_demo_leaves_the_database_empty_sqlite() {
    a_failed_demo_leaves_nothing(testing::sqlite().await).await;
}

#[tokio::test]
async fn a_failed_demo_leaves_the_database_empty_postgres() {
    a_failed_demo_leaves_nothing(testing::postgres().await).await;
}
