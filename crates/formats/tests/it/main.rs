//! The integration tests of the outside formats in one binary: each module
//! reads or writes one format through the crate's public face, against
//! fixtures in `tests/fixtures` and `tests/data` that reproduce the quirks of
//! real files, with property tests for what no fixture can cover. `fhir`
//! runs HL7's R4 validator (node, `scripts/fhir-validate.mjs`). proptest keeps
//! the failure cases it found in `tests/proptest-regressions`, one file per
//! module.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod boundaries;
mod demo;
mod demo_boundaries;
mod fhir;
mod hsds;
mod population;
mod region_file;
mod round_trip;
