//! The region file: one JSON document that declares a whole region — its
//! wijken, practices, partner organisations and networks (WSV).
//!
//! It exists so that a region can be set up, reviewed and versioned as a
//! single text file instead of through dozens of forms, and so that the demo
//! data and real data enter the system by the same road. Such files are
//! written by hand, so reading one reports every mistake at once, each with
//! its JSON path and a Dutch explanation, rather than stopping at the first.
//! The format is described for its writers in `docs/region-file.md`.

mod parse;
mod render;

use wijkregie_core::region::{Network, Organization, Practice, Region, Wijk};

pub use wijkregie_core::error::FieldError;

/// The value of the `format` field: the format's name and major version. A
/// future incompatible change gets a new number, so old files are refused
/// with a clear message instead of being misread.
pub const FORMAT: &str = "wijkregie-region/1";

/// A region as declared in a region file. Lists keep the order of the file;
/// each practice's registered patients are sorted by date.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionFile {
    pub region: Region,
    pub wijken: Vec<Wijk>,
    pub practices: Vec<Practice>,
    pub organizations: Vec<Organization>,
    pub networks: Vec<Network>,
}

/// Reads a region file. On failure, returns every problem found, each with
/// the JSON path of the offending value (`$.practices[3].address.postcode`)
/// and a Dutch message, in the order they occur in the document.
pub fn parse(json: &str) -> Result<RegionFile, Vec<FieldError>> {
    parse::parse(json)
}

/// Writes a region file as pretty-printed JSON that [`parse`] reads back to
/// the same value.
pub fn render(file: &RegionFile) -> String {
    render::render(file)
}
