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

/// The region file's parts on their own, for the JSON API: one entity in
/// the same shape as in a file, read with the same checks and messages.
/// References to other entities are not checked here; they point into the
/// database, which the caller consults.
pub mod entity {
    use serde_json::Value;
    use wijkregie_core::region::{Network, Organization, Practice, Wijk};

    use super::{parse, render, FieldError};

    pub fn parse_wijk(value: &Value) -> Result<Wijk, Vec<FieldError>> {
        parse::wijk(value)
    }

    pub fn parse_practice(value: &Value) -> Result<Practice, Vec<FieldError>> {
        parse::practice(value)
    }

    pub fn parse_organization(value: &Value) -> Result<Organization, Vec<FieldError>> {
        parse::organization(value)
    }

    pub fn parse_network(value: &Value) -> Result<Network, Vec<FieldError>> {
        parse::network(value)
    }

    pub fn wijk(w: &Wijk) -> Value {
        render::wijk_json(w)
    }

    pub fn practice(p: &Practice) -> Value {
        render::practice_json(p)
    }

    pub fn organization(o: &Organization) -> Value {
        render::organization_json(o)
    }

    pub fn network(n: &Network) -> Value {
        render::network_json(n)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_demo_entity_round_trips_on_its_own() {
            let demo = crate::demo::region();
            for w in &demo.wijken {
                assert_eq!(parse_wijk(&wijk(w)).as_ref(), Ok(w));
            }
            for p in &demo.practices {
                assert_eq!(parse_practice(&practice(p)).as_ref(), Ok(p));
            }
            for o in &demo.organizations {
                assert_eq!(parse_organization(&organization(o)).as_ref(), Ok(o));
            }
            for n in &demo.networks {
                assert_eq!(parse_network(&network(n)).as_ref(), Ok(n));
            }
        }

        #[test]
        fn a_single_entity_reports_every_problem_under_dollar() {
            let value = serde_json::json!({"code": "Bad Code", "name": "", "domain": "gemeente", "extra": 1});
            let fields: Vec<String> = parse_organization(&value).unwrap_err().into_iter().map(|e| e.field).collect();
            assert!(fields.contains(&"$.code".to_owned()), "{fields:?}");
            assert!(fields.contains(&"$.domain".to_owned()), "{fields:?}");
            assert!(fields.contains(&"$.extra".to_owned()), "{fields:?}");
        }
    }
}
