//! The outside formats of wijkregie, turned into core types and back.
//!
//! Everything here is pure: a format arrives as a string and leaves as core
//! types (or a list of every problem found), so the CLI, the web layer and the
//! tests can all use the same parsers without touching files or sockets.

pub mod boundaries;
pub mod demo;
pub mod fhir;
pub mod finance;
pub mod hsds;
mod json_error;
pub mod population;
pub mod postcodes;
pub mod practice_list;
pub mod region_file;
pub mod spreadsheet;
pub mod tables;
pub mod taxonomy;
