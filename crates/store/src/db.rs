//! Connecting, migrating and transactions for both engines.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::error::{Result, StoreError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite allows one writer at a time and answers a second one with
    /// SQLITE_BUSY instead of waiting when both started by reading; writes
    /// are rare here, so they simply take turns. PostgreSQL needs no such lock.
    write_lock: Arc<Mutex<()>>,
}

/// A write transaction. Holds the SQLite write turn until commit or drop.
pub struct WriteTx {
    pub tx: Transaction<'static, sqlx::Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Opens a database by URL (`sqlite://path` or `postgres://…`), creating a
    /// SQLite file if needed, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            return Err(StoreError::Unsupported(format!(
                "onbekend database-adres '{url}': gebruik sqlite://PAD of postgres://…"
            )));
        };
        if engine == Engine::Sqlite {
            crate::files::prepare_sqlite_file(url)?;
        }
        let url = match engine {
            Engine::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if engine == Engine::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if engine == Engine::Sqlite {
            // WAL lets pages read while an import writes; it is a property of
            // the file, so setting it once is enough.
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        let store = Store { pool, engine, write_lock: Arc::new(Mutex::new(())) };
        store.migrate().await?;
        Ok(store)
    }

    /// The SQLite URL for a file in the data directory.
    pub fn sqlite_url(data_dir: &Path) -> String {
        Self::sqlite_url_for_file(&data_dir.join("wijkregie.sqlite"))
    }

    pub fn sqlite_url_for_file(file: &Path) -> String {
        format!("sqlite://{}", file.display())
    }

    async fn migrate(&self) -> Result<()> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection for reads.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn begin(&self) -> Result<WriteTx> {
        let turn = match self.engine {
            Engine::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Engine::Postgres => None,
        };
        Ok(WriteTx { tx: self.pool.begin().await?, _turn: turn })
    }

    /// A write transaction for a bulk import (100,000 services). SQLite
    /// keeps 2 MB of pages per connection by default; a transaction that
    /// changes more spills pages to the WAL halfway and writes the same
    /// index pages again and again. This connection gets room for 256 MB
    /// (the CLI's import only; pages of a server keep the default, and a
    /// connection's cache only takes what it uses).
    ///
    /// On PostgreSQL the tables grow from nothing to 100,000 rows inside the
    /// transaction, while sqlx prepares each statement once per connection.
    /// After five runs PostgreSQL may switch a prepared statement to a
    /// generic plan, made when the table was still small: a sequential scan,
    /// kept for the rest of the import. Each `DELETE … WHERE service_id IN
    /// (…)` then reads the whole table, and the import turns quadratic (26
    /// minutes instead of seconds for the national map). Custom plans for
    /// this transaction keep the index.
    pub async fn begin_bulk(&self) -> Result<WriteTx> {
        let mut tx = self.begin().await?;
        match self.engine {
            Engine::Sqlite => tx.conn().execute("PRAGMA cache_size = -262144").await?,
            Engine::Postgres => tx.conn().execute("SET LOCAL plan_cache_mode = force_custom_plan").await?,
        };
        Ok(tx)
    }

    /// Whether the database answers; for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A consistent copy of a live SQLite database. PostgreSQL has pg_dump.
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        if self.engine != Engine::Sqlite {
            return Err(StoreError::Unsupported(
                "back-up van PostgreSQL: gebruik pg_dump (zie docs/operations.md)".into(),
            ));
        }
        // Created empty with mode 0600 first (VACUUM INTO accepts an empty
        // file): SQLite would create it readable for everyone (0644 minus the
        // umask), and a backup holds as much as the database.
        let created = crate::files::create_private(target).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                StoreError::Unsupported(format!("{} bestaat al; kies een nieuw bestand", target.display()))
            }
            _ => StoreError::Unsupported(format!("kan {} niet aanmaken: {e}", target.display())),
        });
        created?;
        let done = sqlx::query("VACUUM INTO $1").bind(target.display().to_string()).execute(&self.pool).await;
        if let Err(e) = done {
            // Leave no empty file behind that would block a retry with the same name.
            let _ = std::fs::remove_file(target);
            return Err(e.into());
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
