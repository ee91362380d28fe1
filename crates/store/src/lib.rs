//! All SQL of wijkregie. SQLite is the embedded default, PostgreSQL is chosen
//! by a `postgres://` URL; both run the same queries through sqlx's `Any`
//! driver, with one migration directory per engine (docs/architecture.md
//! explains the trade-off). One module per aggregate; plain functions, one
//! per query.

pub mod account;
pub mod application;
pub mod audit;
mod batch;
pub mod boundary;
pub mod crypto;
mod db;
pub mod directory;
pub mod directory_filter;
mod error;
mod files;
pub mod finance;
pub mod foreign_taxonomy;
pub mod outbox;
pub mod population;
pub mod referral;
pub mod referral_link;
pub mod region;
mod rows;
pub mod sealed;
mod text;
pub mod throttle;
pub mod totp_secret;
pub mod upkeep;

pub use db::{Engine, Store, WriteTx};
pub use error::StoreError;
/// The connection type store functions take, for callers that pass one on.
pub use sqlx::AnyConnection;

/// Fresh databases on both engines and a count of rows read, for tests
/// here and in other crates (which enable the `testing` feature in their
/// dev-dependencies).
#[cfg(feature = "testing")]
pub mod testing;
