//! The use cases of `wijkregie_app` called directly, as a front end calls
//! them, on SQLite and on PostgreSQL: what they read, decide and log.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod demo;
mod finance_rules;
mod hsds;
mod reads;
