//! The integration tests of the store in one binary: one module per
//! aggregate (and `store` for regions, accounts, audit and backups), each
//! test body run on SQLite and on PostgreSQL through `store::testing`, and
//! `rows_read` for the rows-read counter that other crates' tests rely on.
//! PostgreSQL comes from `WIJKREGIE_TEST_POSTGRES_URL`.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod application;
mod audit_anchor;
mod boundary;
mod directory;
mod foreign_taxonomy;
mod outbox;
mod referral;
mod rows_read;
mod store;
