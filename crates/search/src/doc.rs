//! The input of the index: one service as the index sees it.
//!
//! These types are the crate's own, so that the index does not depend on the
//! domain crates; the store maps its HSDS services onto them. They derive
//! serde so that test fixtures and callers can write them as JSON.

use serde::{Deserialize, Serialize};

/// One service (HSDS `service`) flattened with what search needs of its
/// organisation, taxonomy terms, locations and schedules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceDoc {
    /// HSDS service id; the key of [`crate::Index::upsert`] and [`crate::Index::remove`].
    pub id: String,
    pub name: String,
    pub alternate_name: Option<String>,
    pub description: String,
    pub organization_name: String,
    /// Identifiers of the organisation (say its code and its HSDS id), any
    /// of which [`crate::Query::organization`] may name.
    pub organization_ids: Vec<String>,
    /// The hulpvraag categories the service is tagged with. Their names and
    /// synonyms are searchable text.
    pub taxonomy_terms: Vec<TermDoc>,
    /// `zorg`, `welzijn`, `sociaal_domein` or `informele_zorg`.
    pub domain: String,
    /// Pathway codes, e.g. `welzijn_op_recept`, `gli_volwassenen`, `gli_jeugd`,
    /// `kansrijke_start`, `valpreventie`. Their Dutch labels are searchable text.
    pub pathways: Vec<String>,
    /// ISO 639-1 codes, e.g. `nl`, `en`, `ar`, `tr`.
    pub languages: Vec<String>,
    pub free_of_charge: bool,
    /// Youngest age served; `None`: no lower bound.
    pub min_age: Option<u8>,
    /// Oldest age served; `None`: no upper bound.
    pub max_age: Option<u8>,
    /// Codes of the wijken the service serves.
    pub wijken: Vec<String>,
    /// Codes of the networks (WSV) the service serves.
    pub networks: Vec<String>,
    /// HSDS status: `active`, `inactive`, `defunct` or `temporarily closed`.
    /// Only `active` services are found unless [`crate::Query::include_inactive`].
    pub status: String,
    /// WGS84 points of the service's locations; empty for, say, a phone line.
    /// Points outside the valid coordinate range are ignored.
    pub locations: Vec<GeoPoint>,
    /// Weekly opening slots. Empty means the service is never "open now" by
    /// its schedule (only by appointment, or hours unknown).
    pub opening: Vec<OpeningSlot>,
}

impl Default for ServiceDoc {
    /// An active service with nothing else filled in: what a new entry is.
    fn default() -> Self {
        ServiceDoc {
            id: String::new(),
            name: String::new(),
            alternate_name: None,
            description: String::new(),
            organization_name: String::new(),
            organization_ids: Vec::new(),
            taxonomy_terms: Vec::new(),
            domain: String::new(),
            pathways: Vec::new(),
            languages: Vec::new(),
            free_of_charge: false,
            min_age: None,
            max_age: None,
            wijken: Vec::new(),
            networks: Vec::new(),
            status: "active".to_string(),
            locations: Vec::new(),
            opening: Vec::new(),
        }
    }
}

/// A hulpvraag (HSDS `taxonomy_term`) a service is tagged with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TermDoc {
    pub id: String,
    /// E.g. `eenzaamheid`.
    pub name: String,
    /// Words people use for it, e.g. `eenzaam`, `alleen`, `sociaal isolement`.
    pub synonyms: Vec<String>,
}

/// A WGS84 point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// Finite and on the globe.
    pub(crate) fn is_valid(self) -> bool {
        self.lat.is_finite() && self.lon.is_finite() && self.lat.abs() <= 90.0 && self.lon.abs() <= 180.0
    }
}

/// One weekly opening slot: on `weekday` (1 = Monday … 7 = Sunday) from
/// `opens_minute` up to (not including) `closes_minute`, counted from midnight.
/// A slot that closes at or before it opens runs past midnight into the next
/// day; a slot with a weekday outside 1..=7 is ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningSlot {
    pub weekday: u8,
    pub opens_minute: u16,
    pub closes_minute: u16,
}
