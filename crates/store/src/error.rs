//! What can go wrong below the domain.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migratie mislukt: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer parses as its domain type: the database was
    /// changed outside wijkregie.
    #[error("ongeldige waarde in de database ({table}.{column}): {message}")]
    Corrupt { table: &'static str, column: &'static str, message: String },
    #[error("{0}")]
    Unsupported(String),
    /// An encrypted value does not open with this key: another key, or a
    /// value moved or altered outside wijkregie.
    #[error("versleutelde gegevens ({table}): {source}")]
    Crypto { table: &'static str, source: crate::crypto::CryptoError },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
