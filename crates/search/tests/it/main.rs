//! The integration tests of the search index in one binary: the index
//! against the fictional social map of Lindenhout (`search`), against the
//! demo's social map and a few compounds (`kwartierstad`), and the radius
//! pre-filter against the exact distance check on random data (`radius`).
//! Fixtures live in `tests/fixtures`; proptest keeps the failure cases it
//! found in `tests/proptest-regressions`, one file per module.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod kwartierstad;
mod radius;
mod search;
