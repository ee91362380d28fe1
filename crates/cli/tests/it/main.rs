//! The integration tests of the `wijkregie` binary in one test binary: each
//! module runs the real binary (`common::wijkregie`) against fresh databases,
//! on SQLite and on PostgreSQL (`WIJKREGIE_TEST_POSTGRES_URL`), and reads
//! what it prints and what it stored. Fixtures are the formats crate's.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

mod audit_anchor;
mod boundaries;
mod cli;
mod day_one;
mod finance;
mod hsds;
mod key;
mod population;
mod practices;
