//! Fresh databases for tests: every store test body runs once on SQLite and
//! once on PostgreSQL. PostgreSQL comes from `WIJKREGIE_TEST_POSTGRES_URL`
//! (`scripts/test-all` starts a throwaway cluster); each test gets a schema
//! of its own so tests can run in parallel.

use rand::distributions::{Alphanumeric, DistString};

use crate::{Engine, Store};

/// A database for one test; the SQLite file lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub engine: Engine,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary directory for the test database");
    let url = Store::sqlite_url(dir.path());
    let store = Store::open(&url).await.expect("SQLite test database opens");
    TestDb { store, engine: Engine::Sqlite, url, _dir: Some(dir) }
}

/// PostgreSQL is part of every test run; a missing URL is a set-up error,
/// not a reason to skip silently.
pub async fn postgres() -> TestDb {
    let base = std::env::var("WIJKREGIE_TEST_POSTGRES_URL").expect(
        "WIJKREGIE_TEST_POSTGRES_URL is not set: run the tests with scripts/test-all, which starts a PostgreSQL cluster",
    );
    sqlx::any::install_default_drivers();
    let schema = format!("t_{}", Alphanumeric.sample_string(&mut rand::thread_rng(), 12).to_lowercase());
    let admin = sqlx::AnyPool::connect(&base).await.expect("PostgreSQL test server answers");
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("test schema is created");
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let store = Store::open(&url).await.expect("PostgreSQL test database opens");
    TestDb { store, engine: Engine::Postgres, url, _dir: None }
}

impl TestDb {
    /// Opens an existing database, e.g. a backup a test made.
    pub async fn from_url(url: &str) -> TestDb {
        let store = Store::open(url).await.expect("database opens");
        TestDb { engine: store.engine(), store, url: url.to_owned(), _dir: None }
    }
}

/// Both engines, for a test body written once.
pub async fn both() -> Vec<TestDb> {
    vec![sqlite().await, postgres().await]
}
