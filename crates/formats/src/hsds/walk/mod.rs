//! Maps a tree of HSDS records onto core types. Every field is looked at:
//! what maps is checked and converted, what HSDS defines but wijkregie does
//! not keep becomes a warning, what HSDS does not define becomes a warning,
//! and what is wrong becomes an error with its position. References between
//! records (a service's organisation, a service_at_location's location) are
//! resolved only after everything was read, so their order in the input does
//! not matter.
//!
//! One module per kind of record reads that record and says which of its
//! fields wijkregie keeps; `resolve` links the records once all are read.

mod attribute;
mod contact;
mod cost_option;
mod fields;
mod language;
mod location;
mod organization;
mod resolve;
mod schedule;
mod service;
mod warnings;

use std::collections::HashMap;

use wijkregie_core::codes::Code;
use wijkregie_core::directory::{ForeignTaxonomy, ForeignTerm, HsdsId, Location, Service};
use wijkregie_core::error::FieldError;
use wijkregie_core::region::Domain;

use super::node::Node;
use super::{Imported, Known};
use warnings::Warnings;

/// The records to map. JSON input has only services, with organisations and
/// locations nested; a datapackage lists all three.
pub(super) struct Input {
    pub organizations: Vec<Node>,
    pub locations: Vec<Node>,
    pub services: Vec<Node>,
}

/// An organisation as read, before it has its wijkregie code.
struct OrgRecord {
    hsds_id: String,
    name: String,
    identifier: Option<(Code, String)>,
    /// Identifiers of other registers: id, scheme, type, identifier.
    others: Vec<(HsdsId, Option<String>, Option<String>, String)>,
    domain: Option<Domain>,
    contact: wijkregie_core::region::OrganizationContact,
    at: String,
}

/// A location as read, before it has its organisation.
struct LocationRecord {
    location: Location,
    org_ref: Option<(String, String)>,
    default_org: Option<String>,
    at: String,
}

/// A service as read, before it has its organisation and locations.
struct ServiceRecord {
    service: Service,
    org_ref: (String, String),
    domain: Option<Domain>,
    location_refs: Vec<(String, String)>,
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// What the walk has read so far, and what it found wrong.
struct Walker<'k> {
    known: &'k Known<'k>,
    errors: Vec<FieldError>,
    warnings: Warnings,
    orgs: Vec<OrgRecord>,
    org_index: HashMap<String, usize>,
    locations: Vec<LocationRecord>,
    location_index: HashMap<String, usize>,
    services: Vec<ServiceRecord>,
    service_ids: HashMap<String, String>,
    /// Every reference to a location, also from services that failed.
    location_refs: Vec<(String, String)>,
    placeholder: Code,
    /// The source's own taxonomies and terms, each once, in file order.
    foreign_taxonomies: Vec<ForeignTaxonomy>,
    foreign_terms: Vec<ForeignTerm>,
}

/// Walks `input`; `errors` are those found before (a datapackage's broken
/// references), reported together with the walk's own.
pub(super) fn walk(
    input: Input,
    known: &Known<'_>,
    warnings: Vec<FieldError>,
    errors: Vec<FieldError>,
) -> Result<Imported, Vec<FieldError>> {
    let mut w = Walker {
        known,
        errors,
        warnings: Warnings::default(),
        orgs: Vec::new(),
        org_index: HashMap::new(),
        locations: Vec::new(),
        location_index: HashMap::new(),
        services: Vec::new(),
        service_ids: HashMap::new(),
        location_refs: Vec::new(),
        placeholder: "x-onbekend".parse().expect("a valid code literal"),
        foreign_taxonomies: Vec::new(),
        foreign_terms: Vec::new(),
    };
    for warning in warnings {
        w.warnings.add(&warning.field, warning.message);
    }
    for node in &input.organizations {
        w.organization(node);
    }
    for node in &input.locations {
        w.location(node, None);
    }
    for node in &input.services {
        w.service(node);
    }
    w.finish()
}

/// How ids are compared: UUIDs in lower case, anything else trimmed.
fn key_of(id: &str) -> String {
    id.trim().parse::<HsdsId>().map(|h| h.as_str().to_owned()).unwrap_or_else(|_| id.trim().to_owned())
}
