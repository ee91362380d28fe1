//! Open Referral HSDS 3.0: the exchange format of the social map.
//!
//! Three shapes are read: a JSON array of fully nested service objects (the
//! `/services/{id}` shape), an HSDS API page (`{"total_items": …,
//! "contents": […]}`) or a list of such pages, and the tabular datapackage (a
//! folder with `datapackage.json` and one CSV per table). All three are first
//! turned into the same tree of [`node::Node`]s that remember where each
//! value came from (a JSON path or a CSV line and column), and one walker
//! maps that tree onto the core types, so every problem is reported with its
//! position and a Dutch message, whatever the shape.
//!
//! Reading is all-or-nothing: either every record was understood and the
//! result holds everything, or the caller gets the full list of problems.
//! Fields that HSDS defines but wijkregie does not keep, and fields HSDS does
//! not define, never fail an import: they come back as warnings.
//!
//! Writing produces a datapackage that reads back to the same core values.
//! What HSDS has no field for (domain, pathways, wijken and networks served,
//! "by appointment", our organisation codes) travels as HSDS `attributes`
//! with our own taxonomies and as an `organization_identifiers` entry, so
//! the output stays valid HSDS. See `docs/hsds.md`.

mod csv;
mod node;
mod province;
mod render;
mod schema;
mod tabular;
mod walk;

use std::collections::BTreeMap;

use sha1::{Digest, Sha1};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{
    ForeignTaxonomy, ForeignTerm, HsdsId, Location, OrganizationIdentifier, Service, TaxonomyTerm, TermMapping,
};
use wijkregie_core::region::Organization;

pub use province::province;
pub use wijkregie_core::error::FieldError;

/// The namespace of every UUID wijkregie derives (RFC 4122 version 5), so an
/// organisation exported twice, or by two installations, has the same id.
pub const WIJKREGIE_NAMESPACE: [u8; 16] =
    [0x6f, 0x2b, 0x8e, 0x1a, 0x4c, 0x3d, 0x5b, 0x7e, 0x9a, 0x0c, 0x2d, 0x4e, 0x6f, 0x81, 0x93, 0xa5];

/// `organization_identifiers.identifier_scheme` of the entry that carries our
/// organisation code.
pub const IDENTIFIER_SCHEME: &str = "wijkregie";
/// `organization_identifiers.identifier_type` of that entry.
pub const IDENTIFIER_TYPE: &str = "wijkregie-code";

/// The taxonomy of the region's hulpvragen.
pub const TAXONOMY_HULPVRAAG: &str = "wijkregie-hulpvraag";
/// The domain of a service or organisation (zorg, welzijn, …).
pub const TAXONOMY_DOMEIN: &str = "wijkregie-domein";
/// The regional pathways a service serves.
pub const TAXONOMY_KETENAANPAK: &str = "wijkregie-ketenaanpak";
/// The wijken a service serves, by wijk code.
pub const TAXONOMY_WIJK: &str = "wijkregie-wijk";
/// The networks (WSV) a service serves, by network code.
pub const TAXONOMY_NETWERK: &str = "wijkregie-netwerk";
/// Other properties; so far only `op_afspraak` (by appointment).
pub const TAXONOMY_KENMERK: &str = "wijkregie-kenmerk";
/// The term of [`TAXONOMY_KENMERK`] for "only by appointment".
pub const KENMERK_OP_AFSPRAAK: &str = "op_afspraak";

/// What an import may refer to without declaring it: the database's
/// taxonomy, organisations, wijken and networks.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    pub taxonomy: &'a [TaxonomyTerm],
    pub organizations: &'a [Organization],
    pub wijken: &'a [Code],
    pub networks: &'a [Code],
    /// Foreign terms the regio-beheerder mapped onto hulpvragen.
    pub mappings: &'a [TermMapping],
    /// The HSDS ids organisations were imported with.
    pub organization_ids: &'a BTreeMap<Code, HsdsId>,
}

/// How an HSDS organisation got its wijkregie code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOrigin {
    /// From our `organization_identifiers` entry.
    Identifier,
    /// The HSDS id is the one we derive from an existing code.
    OwnId,
    /// An existing organisation has the same name.
    SameName,
    /// Made from the name, because nothing matched.
    Derived,
}

impl CodeOrigin {
    pub fn label(self) -> &'static str {
        match self {
            Self::Identifier => "code uit organization_identifiers",
            Self::OwnId => "eigen id van wijkregie",
            Self::SameName => "bestaande organisatie met dezelfde naam",
            Self::Derived => "nieuwe code afgeleid van de naam",
        }
    }
}

/// One organisation of the file and the code it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationCode {
    pub hsds_id: String,
    pub name: String,
    pub code: Code,
    pub origin: CodeOrigin,
}

/// Everything an HSDS document holds, as core values, with what was noticed
/// on the way. Organisations are those described in the document; services
/// may also refer to organisations that already exist.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub organizations: Vec<Organization>,
    pub locations: Vec<Location>,
    pub services: Vec<Service>,
    pub organization_codes: Vec<OrganizationCode>,
    /// The source's own taxonomies and the terms its services carry.
    pub foreign_taxonomies: Vec<ForeignTaxonomy>,
    pub foreign_terms: Vec<ForeignTerm>,
    /// The HSDS id of each organisation of the file, kept so an export
    /// gives it back (only UUIDs; other ids get one derived from our code).
    pub organization_ids: BTreeMap<Code, HsdsId>,
    /// Their identifiers in other registers.
    pub organization_identifiers: Vec<OrganizationIdentifier>,
    /// Fields that were not taken over, schedules kept as text, ids that
    /// were derived: each once, with its first position and a count.
    pub warnings: Vec<FieldError>,
}

/// What an export writes: the social map with the names it refers to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    pub organizations: Vec<Organization>,
    pub locations: Vec<Location>,
    pub services: Vec<Service>,
    pub taxonomy: Vec<TaxonomyTerm>,
    /// Wijk code and name, for the names of the wijk terms.
    pub wijken: Vec<(Code, String)>,
    /// Network code and name.
    pub networks: Vec<(Code, String)>,
    /// Other sources' taxonomies and terms that services carry.
    pub foreign_taxonomies: Vec<ForeignTaxonomy>,
    pub foreign_terms: Vec<ForeignTerm>,
    /// Organisations' HSDS ids as imported; others have [`organization_id`].
    pub organization_ids: BTreeMap<Code, HsdsId>,
    /// Organisations' identifiers in other registers.
    pub organization_identifiers: Vec<OrganizationIdentifier>,
}

impl Directory {
    /// The HSDS id of an organisation: the one its source gave it, else
    /// the one derived from its code.
    pub fn organization_id(&self, code: &Code) -> HsdsId {
        self.organization_ids.get(code).cloned().unwrap_or_else(|| organization_id(code))
    }
}

/// The files of a datapackage, in the order HSDS lists its tables.
pub const DATAPACKAGE_FILES: &[&str] = &schema::datapackage_files();

/// Reads HSDS JSON: an array of services, an API page, or a list of pages.
pub fn parse_json(text: &str, known: &Known<'_>) -> Result<Imported, Vec<FieldError>> {
    let services = node::services_from_json(text)?;
    walk::walk(
        walk::Input { organizations: Vec::new(), locations: Vec::new(), services },
        known,
        Vec::new(),
        Vec::new(),
    )
}

/// Reads a tabular datapackage, given as file name → contents.
pub fn parse_datapackage(files: &BTreeMap<String, Vec<u8>>, known: &Known<'_>) -> Result<Imported, Vec<FieldError>> {
    let tabular::Assembled { input, warnings, errors } = tabular::assemble(files)?;
    walk::walk(input, known, warnings, errors)
}

/// Writes the directory as a datapackage: file name → contents.
pub fn render_datapackage(directory: &Directory) -> BTreeMap<String, String> {
    render::datapackage(directory)
}

/// One service, fully nested, as `/services/{id}` of the HSDS API serves it.
pub fn service_json(service: &Service, directory: &Directory) -> serde_json::Value {
    render::service_json(service, directory)
}

/// Every organisation with its one-to-one fields, as `/organizations` lists them.
pub fn organizations_json(directory: &Directory) -> Vec<serde_json::Value> {
    render::organizations_json(directory)
}

/// One organisation nested as `/organizations/{id}` serves it, with its
/// services (fully nested when `full_service`); `None` if the directory has
/// no organisation with this code.
pub fn organization_json(code: &Code, directory: &Directory, full_service: bool) -> Option<serde_json::Value> {
    render::organization_json(code, directory, full_service)
}

/// The service at each of its locations, as `/service_at_locations` lists
/// them (fully nested when `full`), with the ids the export writes.
pub fn service_at_locations_json(service: &Service, directory: &Directory, full: bool) -> Vec<serde_json::Value> {
    render::service_at_locations_json(service, directory, full)
}

/// Our taxonomies and the foreign ones of the directory, as
/// `taxonomies.csv` and `/taxonomies` hold them.
pub fn taxonomies_json(directory: &Directory) -> Vec<serde_json::Value> {
    render::taxonomies_json(directory)
}

/// Every term of our taxonomies that the directory uses, as
/// `taxonomy_terms.csv` and `/taxonomy_terms` hold them.
pub fn taxonomy_terms_json(directory: &Directory) -> Vec<serde_json::Value> {
    render::taxonomy_terms_json(directory)
}

/// The HSDS id of one of our organisations.
pub fn organization_id(code: &Code) -> HsdsId {
    derived_id(code.as_str())
}

/// The HSDS id of one of our taxonomies (e.g. [`TAXONOMY_HULPVRAAG`]).
pub fn taxonomy_id(taxonomy: &str) -> HsdsId {
    derived_id(&format!("taxonomy:{taxonomy}"))
}

/// The HSDS id of a term in one of our taxonomies: the same in exports and the API.
pub fn taxonomy_term_id(taxonomy: &str, code: &str) -> HsdsId {
    derived_id(&format!("taxonomy_term:{taxonomy}:{code}"))
}

/// The HSDS id of a service at one of its locations: the same in exports and the API.
pub fn service_at_location_id(service: &HsdsId, location: &HsdsId) -> HsdsId {
    derived_id(&format!("service_at_location:{service}:{location}"))
}

/// A UUID version 5 in [`WIJKREGIE_NAMESPACE`] (RFC 4122 §4.3).
pub fn derived_id(name: &str) -> HsdsId {
    let mut hasher = Sha1::new();
    hasher.update(WIJKREGIE_NAMESPACE);
    hasher.update(name.as_bytes());
    let hash = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let text = format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]);
    text.parse().expect("a formatted version 5 UUID is a valid HSDS id")
}
