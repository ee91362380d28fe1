//! Fresh databases for tests: every store test body runs once on SQLite and
//! once on PostgreSQL. PostgreSQL comes from `WIJKREGIE_TEST_POSTGRES_URL`
//! (`scripts/test-all` starts a throwaway cluster); each test gets a schema
//! of its own so tests can run in parallel.
//!
//! Also a count of the rows a piece of work reads ([`count_rows`]), so a
//! test can prove that a page reads what it shows and not the whole table.
//!
//! Behind the `testing` feature: production builds carry neither tempfile
//! nor the counter.

use std::cell::Cell;
use std::future::Future;

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

tokio::task_local! {
    /// Rows read so far inside the innermost [`count_rows`]. Task-local, not
    /// global, so tests running side by side in one process (or two counts
    /// joined in one task) each see their own reads only.
    static ROWS_READ: Cell<u64>;
}

/// Runs `work` and returns its output with the number of rows it read from
/// the database: every row a store function fetched, `RETURNING` rows
/// included. Only reads in the task that awaits `work` count; work handed to
/// `tokio::spawn` is not followed. A count inside a count adds its rows to
/// the outer one as well.
pub async fn count_rows<F: Future>(work: F) -> (F::Output, u64) {
    let (output, rows) = ROWS_READ
        .scope(Cell::new(0), async move {
            let output = work.await;
            (output, ROWS_READ.with(Cell::get))
        })
        .await;
    add(rows);
    (output, rows)
}

/// Called by `store::rows` for every fetch.
pub(crate) fn add_rows_read(rows: usize) {
    add(rows as u64);
}

fn add(rows: u64) {
    // Outside every count_rows nobody is counting, and that is fine.
    let _ = ROWS_READ.try_with(|n| n.set(n.get() + rows));
}
