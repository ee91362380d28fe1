//! The one error type of the search index. Messages are Dutch where a person
//! can act on them (a bad query, a bad service), technical otherwise.

/// Why a search or an index change failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query cannot be answered as asked (a radius of 0 km, a weekday 9…).
    /// The message is Dutch and meant for the person who searched.
    #[error("{0}")]
    InvalidQuery(String),
    /// A service cannot be indexed (it has no id).
    #[error("voorziening '{id}' kan niet in de zoekindex: {reason}")]
    InvalidDoc { id: String, reason: String },
    /// The search engine itself failed; nothing a user can fix.
    #[error("zoekindex: {0}")]
    Engine(#[from] tantivy::TantivyError),
    /// A stored document could not be read back; the index is corrupt.
    #[error("zoekindex: opgeslagen voorziening onleesbaar: {0}")]
    Stored(#[from] serde_json::Error),
    /// The source of a rebuild failed halfway (say the database); the index
    /// kept its old content.
    #[error("zoekindex: opbouw afgebroken: {0}")]
    SourceFailed(String),
    /// An earlier index change panicked halfway; the index must be rebuilt.
    #[error("zoekindex: een eerdere wijziging is halverwege afgebroken; bouw de index opnieuw op")]
    Poisoned,
}
