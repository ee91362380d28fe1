//! Maps a tree of HSDS records onto core types. Every field is looked at:
//! what maps is checked and converted, what HSDS defines but wijkregie does
//! not keep becomes a warning, what HSDS does not define becomes a warning,
//! and what is wrong becomes an error with its position. References between
//! records (a service's organisation, a service_at_location's location) are
//! resolved only after everything was read, so their order in the input does
//! not matter.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, Timelike};
use wijkregie_core::codes::{Code, Postcode};
use wijkregie_core::directory::{
    duplicate_key, Contact, GeoPoint, HsdsId, LanguageCode, Location, LocationAddress, OpeningSlot, Pathway, Phone,
    Schedule, Service, ServiceStatus,
};
use wijkregie_core::error::FieldError;
use wijkregie_core::region::{Domain, Organization};

use super::node::{Node, V};
use super::{
    derived_id, organization_id, CodeOrigin, Imported, Known, OrganizationCode, IDENTIFIER_SCHEME, IDENTIFIER_TYPE,
    KENMERK_OP_AFSPRAAK, TAXONOMY_DOMEIN, TAXONOMY_KENMERK, TAXONOMY_KETENAANPAK, TAXONOMY_NETWERK, TAXONOMY_WIJK,
};

/// The records to map. JSON input has only services, with organisations and
/// locations nested; a datapackage lists all three.
pub(super) struct Input {
    pub organizations: Vec<Node>,
    pub locations: Vec<Node>,
    pub services: Vec<Node>,
}

// The fields HSDS 3.0 (and 3.1) defines for each object, and those that
// wijkregie reads. Links between tables count as read: they were used to
// put the records together.
const SERVICE_KNOWN: &[&str] = &[
    "id",
    "organization_id",
    "program_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "fees",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "licenses",
    "alert",
    "last_modified",
    "phones",
    "schedules",
    "service_areas",
    "service_at_locations",
    "languages",
    "organization",
    "program",
    "funding",
    "fundings",
    "cost_options",
    "required_documents",
    "contacts",
    "capacities",
    "attributes",
    "metadata",
];
const SERVICE_USED: &[&str] = &[
    "id",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees_description",
    "fees",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "last_modified",
    "phones",
    "schedules",
    "service_at_locations",
    "languages",
    "organization",
    "cost_options",
    "contacts",
    "attributes",
];
const ORGANIZATION_KNOWN: &[&str] = &[
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "url",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
    "logo",
    "uri",
    "parent_organization_id",
    "funding",
    "fundings",
    "contacts",
    "phones",
    "locations",
    "programs",
    "organization_identifiers",
    "attributes",
    "metadata",
    "services",
    "last_modified",
];
const ORGANIZATION_USED: &[&str] =
    &["id", "name", "description", "organization_identifiers", "attributes", "locations", "last_modified"];
const IDENTIFIER_KNOWN: &[&str] =
    &["id", "organization_id", "identifier_scheme", "identifier_type", "identifier", "attributes", "metadata"];
const IDENTIFIER_USED: &[&str] = &["id", "organization_id", "identifier_scheme", "identifier_type", "identifier"];
const LOCATION_KNOWN: &[&str] = &[
    "id",
    "location_type",
    "url",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "transportation",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
    "languages",
    "addresses",
    "addresss",
    "contacts",
    "accessibility",
    "accessibilitys",
    "phones",
    "schedules",
    "attributes",
    "metadata",
    "last_modified",
];
const LOCATION_USED: &[&str] = &[
    "id",
    "location_type",
    "organization_id",
    "name",
    "description",
    "latitude",
    "longitude",
    "addresses",
    "addresss",
    "last_modified",
];
const ADDRESS_KNOWN: &[&str] = &[
    "id",
    "location_id",
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
    "attributes",
    "metadata",
];
// Province and region follow from the postcode; nothing is lost by not keeping them.
const ADDRESS_USED: &[&str] =
    &["id", "location_id", "address_1", "city", "region", "state_province", "postal_code", "country", "address_type"];
const SAL_KNOWN: &[&str] = &[
    "id",
    "service_id",
    "location_id",
    "description",
    "contacts",
    "phones",
    "schedules",
    "location",
    "attributes",
    "metadata",
    "last_modified",
];
const SAL_USED: &[&str] = &["id", "service_id", "location_id", "location", "schedules", "last_modified"];
const PHONE_KNOWN: &[&str] = &[
    "id",
    "location_id",
    "service_id",
    "organization_id",
    "contact_id",
    "service_at_location_id",
    "number",
    "extension",
    "type",
    "description",
    "languages",
    "attributes",
    "metadata",
];
// The phone type (voice, fax, …) is informative only; dropping it loses no number.
const PHONE_USED: &[&str] = &[
    "id",
    "location_id",
    "service_id",
    "organization_id",
    "contact_id",
    "service_at_location_id",
    "number",
    "type",
    "description",
];
const CONTACT_KNOWN: &[&str] = &[
    "id",
    "organization_id",
    "service_id",
    "service_at_location_id",
    "location_id",
    "name",
    "title",
    "department",
    "email",
    "phones",
    "attributes",
    "metadata",
];
const CONTACT_USED: &[&str] = &[
    "id",
    "organization_id",
    "service_id",
    "service_at_location_id",
    "location_id",
    "name",
    "title",
    "email",
    "phones",
];
const LANGUAGE_KNOWN: &[&str] =
    &["id", "service_id", "location_id", "phone_id", "name", "code", "note", "attributes", "metadata"];
const LANGUAGE_USED: &[&str] = &["id", "service_id", "location_id", "phone_id", "name", "code"];
const SCHEDULE_KNOWN: &[&str] = &[
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "valid_from",
    "valid_to",
    "dtstart",
    "timezone",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "schedule_link",
    "attending_type",
    "notes",
    "attributes",
    "metadata",
];
const SCHEDULE_USED: &[&str] = &[
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "notes",
];
const COST_KNOWN: &[&str] = &[
    "id",
    "service_id",
    "valid_from",
    "valid_to",
    "option",
    "currency",
    "amount",
    "amount_description",
    "attributes",
    "metadata",
];
const COST_USED: &[&str] = &["id", "service_id", "option", "currency", "amount", "amount_description"];
const ATTRIBUTE_KNOWN: &[&str] =
    &["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label", "taxonomy_term", "metadata"];
const ATTRIBUTE_USED: &[&str] = &["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "taxonomy_term"];
const TERM_KNOWN: &[&str] =
    &["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri", "metadata"];
// A term is matched by taxonomy and code or name; the rest describes the term
// itself, which lives in wijkregie's own taxonomy.
const TERM_USED: &[&str] =
    &["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"];

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const FREQUENCIES: [&str; 7] = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

/// A warning per kind of field (digits in the position replaced), so that a
/// field missing from 10,000 services is one line, not 10,000.
#[derive(Default)]
struct Warnings {
    order: Vec<String>,
    seen: HashMap<String, (FieldError, usize)>,
}

impl Warnings {
    fn add(&mut self, at: &str, message: impl Into<String>) {
        let message = message.into();
        let mut key: String = String::with_capacity(at.len() + message.len());
        let mut in_digits = false;
        for c in at.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    key.push('*');
                }
                in_digits = true;
            } else {
                in_digits = false;
                key.push(c);
            }
        }
        key.push('\u{0}');
        key.push_str(&message);
        match self.seen.get_mut(&key) {
            Some((_, count)) => *count += 1,
            None => {
                self.order.push(key.clone());
                self.seen.insert(key, (FieldError::new(at, message), 1));
            }
        }
    }

    fn finish(mut self) -> Vec<FieldError> {
        self.order
            .iter()
            .filter_map(|key| self.seen.remove(key))
            .map(|(mut e, count)| {
                if count > 1 {
                    e.message = format!("{} ({count} keer; dit is de eerste)", e.message);
                }
                e
            })
            .collect()
    }
}

struct OrgRecord {
    hsds_id: String,
    name: String,
    identifier: Option<(Code, String)>,
    domain: Option<Domain>,
    at: String,
}

struct LocationRecord {
    location: Location,
    org_ref: Option<(String, String)>,
    default_org: Option<String>,
    at: String,
}

struct ServiceRecord {
    service: Service,
    org_ref: (String, String),
    domain: Option<Domain>,
    location_refs: Vec<(String, String)>,
}

#[derive(Default)]
struct ScheduleParts {
    slots: Vec<OpeningSlot>,
    notes: Vec<String>,
}

/// What the attributes of a service say beyond the hulpvraag terms.
#[derive(Default)]
struct Extensions {
    domain: Option<(Domain, String)>,
    pathways: Vec<Pathway>,
    wijken: Vec<Code>,
    networks: Vec<Code>,
    terms: Vec<Code>,
    by_appointment: bool,
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

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
}

pub(super) fn walk(input: Input, known: &Known<'_>, warnings: Vec<FieldError>) -> Result<Imported, Vec<FieldError>> {
    let mut w = Walker {
        known,
        errors: Vec::new(),
        warnings: Warnings::default(),
        orgs: Vec::new(),
        org_index: HashMap::new(),
        locations: Vec::new(),
        location_index: HashMap::new(),
        services: Vec::new(),
        service_ids: HashMap::new(),
        location_refs: Vec::new(),
        placeholder: "x-onbekend".parse().expect("a valid code literal"),
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

impl<'k> Walker<'k> {
    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(at, message));
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        let found = node.describe();
        self.error(&node.at.to_string(), format!("verwacht {expected}, maar vond {found}"));
    }

    /// The node must be an object; its fields are compared with what HSDS
    /// defines (`known`) and what wijkregie reads (`used`).
    fn object(&mut self, node: &Node, what: &str, known: &[&str], used: &[&str]) -> bool {
        let V::Object(fields, _) = &node.v else {
            self.wrong_type(node, what);
            return false;
        };
        for (key, child) in fields {
            if !known.contains(&&**key) {
                if !child.is_empty() {
                    self.warnings.add(&child.at.to_string(), "onbekend veld (geen HSDS 3.0): genegeerd");
                }
            } else if !used.contains(&&**key) && !child.is_empty() {
                self.warnings.add(&child.at.to_string(), "HSDS-veld dat wijkregie niet bewaart: niet overgenomen");
            }
        }
        true
    }

    /// Optional text: absent, null or blank is `None`. Numbers are taken as
    /// written, since a phone number or code may arrive as one.
    fn text(&mut self, node: &Node, key: &str) -> Option<String> {
        let child = node.get(key)?;
        match &child.v {
            V::Null => None,
            V::Text(s) if s.trim().is_empty() => None,
            V::Text(s) => Some(s.clone()),
            V::Number(n) => Some(n.to_string()),
            _ => {
                self.wrong_type(child, "tekst");
                None
            }
        }
    }

    fn required_text(&mut self, node: &Node, key: &str) -> Option<String> {
        if node.get(key).is_none_or(Node::is_empty) {
            self.error(&node.at_of(key), "verplicht veld ontbreekt");
            return None;
        }
        self.text(node, key)
    }

    fn number(&mut self, node: &Node, key: &str) -> Option<f64> {
        let child = node.get(key)?;
        let value = match &child.v {
            V::Null => return None,
            V::Text(s) if s.trim().is_empty() => return None,
            V::Number(n) => n.as_f64(),
            V::Text(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        };
        if value.is_none() {
            let found = match &child.v {
                V::Text(s) => format!("'{s}'"),
                _ => child.describe().to_owned(),
            };
            self.error(&child.at.to_string(), format!("verwacht een getal, maar vond {found}"));
        }
        value
    }

    fn list<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match node.get(key) {
            None => &[],
            Some(child) => match &child.v {
                V::List(items) => items,
                V::Null => &[],
                V::Text(s) if s.trim().is_empty() => &[],
                _ => {
                    self.wrong_type(child, "een lijst");
                    &[]
                }
            },
        }
    }

    fn parsed<T>(&mut self, node: &Node, key: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let text = self.text(node, key)?;
        match parse(text.trim()) {
            Ok(v) => Some(v),
            Err(message) => {
                self.error(&node.at_of(key), message);
                None
            }
        }
    }

    /// The record's id. Services and locations need a UUID; other ids are
    /// turned into a fixed UUID (the same on every import), with a warning.
    fn entity_id(&mut self, node: &Node, kind: &str) -> Option<(String, HsdsId)> {
        let original = self.required_text(node, "id")?;
        match original.parse::<HsdsId>() {
            Ok(id) => Some((id.as_str().to_owned(), id)),
            Err(_) => {
                self.warnings.add(&node.at_of("id"), "geen UUID: wijkregie leidt er een vaste UUID van af");
                let id = derived_id(&format!("{kind}:{}", original.trim()));
                Some((original.trim().to_owned(), id))
            }
        }
    }

    fn age(&mut self, node: &Node, key: &str) -> Option<u8> {
        let value = self.number(node, key)?;
        if value.fract() != 0.0 || !(0.0..=120.0).contains(&value) {
            self.error(&node.at_of(key), format!("{value} is geen leeftijd: gebruik hele jaren van 0 tot 120"));
            return None;
        }
        Some(value as u8)
    }

    fn organization(&mut self, node: &Node) -> Option<String> {
        if !self.object(node, "een organisatie (organization)", ORGANIZATION_KNOWN, ORGANIZATION_USED) {
            return None;
        }
        let id = key_of(&self.required_text(node, "id")?);
        if self.org_index.contains_key(&id) {
            // The same organisation nested in another service: read once.
            return Some(id);
        }
        let name = self.required_text(node, "name");
        if let (Some(description), Some(name)) = (self.text(node, "description"), &name) {
            if description.trim() != name.trim() {
                self.warnings.add(&node.at_of("description"), "HSDS-veld dat wijkregie niet bewaart: niet overgenomen");
            }
        }
        let mut identifier = None;
        for item in self.list(node, "organization_identifiers") {
            if !self.object(item, "een organization_identifier", IDENTIFIER_KNOWN, IDENTIFIER_USED) {
                continue;
            }
            let scheme = self.text(item, "identifier_scheme");
            let kind = self.text(item, "identifier_type");
            if scheme.as_deref() == Some(IDENTIFIER_SCHEME) || kind.as_deref() == Some(IDENTIFIER_TYPE) {
                if let Some(code) = self.parsed(item, "identifier", |s| Code::from_str(s).map_err(|e| e.0)) {
                    identifier = Some((code, item.at_of("identifier")));
                }
            } else if !item.is_empty() {
                self.warnings.add(&item.at.to_string(), "identificatie van een ander register: niet overgenomen");
            }
        }
        let mut domain = None;
        for item in self.list(node, "attributes") {
            let Some(term) = self.attribute(item) else { continue };
            if term.taxonomy.as_deref() == Some(TAXONOMY_DOMEIN) {
                domain = self.domain(&term);
            } else {
                self.warnings.add(&item.at.to_string(), "kenmerk van een organisatie: niet overgenomen");
            }
        }
        let index = self.orgs.len();
        self.org_index.insert(id.clone(), index);
        self.orgs.push(OrgRecord { hsds_id: id.clone(), name: name?, identifier, domain, at: node.at.to_string() });
        for item in self.list(node, "locations") {
            self.location(item, Some(id.clone()));
        }
        Some(id)
    }

    fn location(&mut self, node: &Node, default_org: Option<String>) -> Option<String> {
        if !self.object(node, "een locatie (location)", LOCATION_KNOWN, LOCATION_USED) {
            return None;
        }
        let (key, id) = self.entity_id(node, "location")?;
        if self.location_index.contains_key(&key) {
            return Some(key);
        }
        let name = self.text(node, "name");
        let description = self.text(node, "description");
        if let Some(kind) = self.text(node, "location_type") {
            if !["physical", "postal", "virtual"].contains(&kind.trim()) {
                self.error(
                    &node.at_of("location_type"),
                    format!("'{kind}' is geen location_type: kies uit physical, postal, virtual"),
                );
            }
        }
        let latitude = self.number(node, "latitude");
        let longitude = self.number(node, "longitude");
        let point = match (latitude, longitude) {
            (Some(lat), Some(lon)) => match GeoPoint::new(lat, lon) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.error(&node.at_of("latitude"), e.0);
                    None
                }
            },
            (Some(_), None) if node.get("longitude").is_none_or(Node::is_empty) => {
                self.error(&node.at_of("longitude"), "breedte- en lengtegraad horen samen: longitude ontbreekt");
                None
            }
            (None, Some(_)) if node.get("latitude").is_none_or(Node::is_empty) => {
                self.error(&node.at_of("latitude"), "breedte- en lengtegraad horen samen: latitude ontbreekt");
                None
            }
            _ => None,
        };
        let key_addresses = if node.get("addresses").is_some_and(|n| !n.is_empty()) { "addresses" } else { "addresss" };
        let mut addresses = Vec::new();
        for item in self.list(node, key_addresses) {
            if let Some(a) = self.address(item) {
                addresses.push(a);
            }
        }
        let chosen = addresses.iter().position(|(_, kind, _)| kind.as_deref() == Some("physical")).unwrap_or(0);
        let mut address = None;
        for (i, (a, _, at)) in addresses.into_iter().enumerate() {
            if i == chosen {
                address = Some(a);
            } else {
                self.warnings.add(&at, "wijkregie bewaart één adres per locatie (het bezoekadres): niet overgenomen");
            }
        }
        let org_ref = self.text(node, "organization_id").map(|o| (key_of(&o), node.at_of("organization_id")));
        let name = match (name, &address) {
            (Some(n), _) => n,
            (None, Some(a)) => {
                format!("{} {}{}", a.street, a.house_number, a.house_number_suffix.clone().unwrap_or_default())
            }
            (None, None) => {
                self.error(&node.at_of("name"), "een locatie zonder adres heeft een naam nodig");
                return None;
            }
        };
        let location = Location { id, organization: self.placeholder.clone(), name, description, address, point };
        self.location_index.insert(key.clone(), self.locations.len());
        self.locations.push(LocationRecord { location, org_ref, default_org, at: node.at.to_string() });
        Some(key)
    }

    fn address(&mut self, node: &Node) -> Option<(LocationAddress, Option<String>, String)> {
        if !self.object(node, "een adres (address)", ADDRESS_KNOWN, ADDRESS_USED) {
            return None;
        }
        let line = self.required_text(node, "address_1");
        let city = self.required_text(node, "city");
        let postcode = if node.get("postal_code").is_none_or(Node::is_empty) {
            self.error(&node.at_of("postal_code"), "verplicht veld ontbreekt");
            None
        } else {
            self.parsed(node, "postal_code", |s| Postcode::from_str(s).map_err(|e| e.0))
        };
        if let Some(country) = self.text(node, "country") {
            if !country.trim().eq_ignore_ascii_case("NL") {
                self.error(
                    &node.at_of("country"),
                    format!("'{country}': wijkregie kent alleen adressen in Nederland (NL)"),
                );
            }
        }
        let kind = self.text(node, "address_type").map(|k| k.trim().to_owned());
        if let Some(k) = &kind {
            if !["physical", "postal", "virtual"].contains(&k.as_str()) {
                self.error(
                    &node.at_of("address_type"),
                    format!("'{k}' is geen address_type: kies uit physical, postal, virtual"),
                );
            }
        }
        let street = line.and_then(|l| match split_street(&l) {
            Some(parts) => Some(parts),
            None => {
                self.error(
                    &node.at_of("address_1"),
                    format!("'{l}': geen huisnummer gevonden; verwacht straat en huisnummer, zoals Dorpsstraat 12a"),
                );
                None
            }
        });
        let (street, house_number, house_number_suffix) = street?;
        let address = LocationAddress {
            street,
            house_number,
            house_number_suffix,
            postcode: postcode?,
            city: city?.trim().to_owned(),
        };
        Some((address, kind, node.at.to_string()))
    }

    fn service(&mut self, node: &Node) {
        if !self.object(node, "een dienst (service)", SERVICE_KNOWN, SERVICE_USED) {
            return;
        }
        let id = self.entity_id(node, "service");
        if let Some((_, id)) = &id {
            let at = node.at_of("id");
            if let Some(first) = self.service_ids.get(id.as_str()) {
                let first = first.clone();
                self.error(&at, format!("dienst {id} komt al voor in {first}"));
            } else {
                self.service_ids.insert(id.as_str().to_owned(), at);
            }
        }
        let name = self.required_text(node, "name");
        let alternate_name = self.text(node, "alternate_name");
        let description = self.text(node, "description").unwrap_or_default();
        let url = self.text(node, "url").map(|s| s.trim().to_owned());
        let email = self.text(node, "email").map(|s| s.trim().to_owned());
        let application_process = self.text(node, "application_process");
        let eligibility_description = self.text(node, "eligibility_description");
        // `fees` is the deprecated name of `fees_description`.
        let fees_description = match (self.text(node, "fees_description"), self.text(node, "fees")) {
            (Some(d), Some(f)) if d.trim() != f.trim() => {
                self.warnings.add(&node.at_of("fees"), "verouderd veld naast fees_description: niet overgenomen");
                Some(d)
            }
            (Some(d), _) => Some(d),
            (None, f) => f,
        };
        let status = if node.get("status").is_none_or(Node::is_empty) {
            self.error(&node.at_of("status"), "verplicht veld ontbreekt");
            None
        } else {
            self.parsed(node, "status", |s| ServiceStatus::from_str(s).map_err(|e| e.0))
        };
        let assured_date = self.parsed(node, "assured_date", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("'{s}' is geen datum: gebruik JJJJ-MM-DD"))
        });
        let minimum_age = self.age(node, "minimum_age");
        let maximum_age = self.age(node, "maximum_age");

        let nested_org = node.get("organization").filter(|n| !n.is_empty());
        let org_id_field = self.text(node, "organization_id").map(|s| key_of(&s));
        let org_ref = match nested_org {
            Some(org) => {
                let nested = self.organization(org);
                if let (Some(nested), Some(field)) = (&nested, &org_id_field) {
                    if nested != field {
                        self.error(
                            &node.at_of("organization_id"),
                            format!("organization_id '{field}' verschilt van organization.id '{nested}'"),
                        );
                    }
                }
                nested.map(|id| (id, org.at.to_string()))
            }
            None => match org_id_field {
                Some(id) => Some((id, node.at_of("organization_id"))),
                None => {
                    self.error(
                        &node.at_of("organization"),
                        "verplicht veld ontbreekt: geef organization of organization_id",
                    );
                    None
                }
            },
        };

        let mut phones = Vec::new();
        for item in self.list(node, "phones") {
            if let Some(p) = self.phone(item) {
                phones.push(p);
            }
        }
        let mut contacts = Vec::new();
        for item in self.list(node, "contacts") {
            if let Some(c) = self.contact(item) {
                contacts.push(c);
            }
        }
        let mut languages = Vec::new();
        for item in self.list(node, "languages") {
            if let Some(l) = self.language(item) {
                push_unique(&mut languages, l);
            }
        }
        let mut schedule = ScheduleParts::default();
        for item in self.list(node, "schedules") {
            self.schedule(item, &mut schedule);
        }
        let mut location_refs = Vec::new();
        let org_hsds = org_ref.as_ref().map(|(id, _)| id.clone());
        for item in self.list(node, "service_at_locations") {
            self.service_at_location(item, org_hsds.clone(), &mut schedule, &mut location_refs);
        }
        let mut free_of_charge = false;
        for item in self.list(node, "cost_options") {
            free_of_charge |= self.cost_option(item);
        }
        let mut ext = Extensions::default();
        for item in self.list(node, "attributes") {
            self.service_attribute(item, &mut ext);
        }

        let complete = id.is_some() && name.is_some() && status.is_some() && org_ref.is_some();
        let mut slots = schedule.slots;
        slots.sort();
        slots.dedup();
        let notes = (!schedule.notes.is_empty()).then(|| schedule.notes.join("\n"));
        let service = Service {
            id: id.map_or_else(|| derived_id("ontbrekend"), |(_, id)| id),
            organization: self.placeholder.clone(),
            name: name.unwrap_or_else(|| "?".into()),
            alternate_name,
            description,
            url,
            email,
            status: status.unwrap_or(ServiceStatus::Active),
            assured_date,
            application_process,
            fees_description,
            free_of_charge,
            eligibility_description,
            minimum_age,
            maximum_age,
            languages,
            domain: Domain::Zorg,
            pathways: ext.pathways,
            serves_wijken: ext.wijken,
            serves_networks: ext.networks,
            taxonomy_terms: ext.terms,
            phones,
            contacts,
            schedule: Schedule { slots, by_appointment: ext.by_appointment, notes },
            locations: Vec::new(),
        };
        // The rules of a service on its own, also for a record that already
        // failed elsewhere, so that one round of fixing is enough.
        for problem in service.problems() {
            let key = problem.field.split(['.', '[']).next().unwrap_or_default().to_owned();
            let key = if key == "schedule" { "schedules".to_owned() } else { key };
            self.errors.push(problem.at(node.at_of(&key)));
        }
        self.location_refs.extend(location_refs.iter().cloned());
        let (true, Some(org_ref)) = (complete, org_ref) else { return };
        self.services.push(ServiceRecord { service, org_ref, domain: ext.domain.map(|(d, _)| d), location_refs });
    }

    fn service_at_location(
        &mut self,
        node: &Node,
        org: Option<String>,
        schedule: &mut ScheduleParts,
        refs: &mut Vec<(String, String)>,
    ) {
        if !self.object(node, "een service_at_location", SAL_KNOWN, SAL_USED) {
            return;
        }
        match node.get("location").filter(|n| !n.is_empty()) {
            Some(location) => {
                if let Some(key) = self.location(location, org) {
                    refs.push((key, location.at.to_string()));
                }
            }
            None => match self.text(node, "location_id") {
                Some(id) => {
                    let key = key_of(&id);
                    refs.push((key, node.at_of("location_id")));
                }
                None => self.error(&node.at_of("location"), "verplicht veld ontbreekt: geef location of location_id"),
            },
        }
        // wijkregie keeps one schedule per service, so opening hours given per
        // location are added to it rather than dropped.
        for item in self.list(node, "schedules") {
            self.schedule(item, schedule);
        }
    }

    fn phone(&mut self, node: &Node) -> Option<Phone> {
        if !self.object(node, "een telefoonnummer (phone)", PHONE_KNOWN, PHONE_USED) {
            return None;
        }
        let number = self.required_text(node, "number");
        let description = self.text(node, "description");
        Some(Phone { number: number?.trim().to_owned(), description })
    }

    fn contact(&mut self, node: &Node) -> Option<Contact> {
        if !self.object(node, "een contactpersoon (contact)", CONTACT_KNOWN, CONTACT_USED) {
            return None;
        }
        let name = self.text(node, "name").unwrap_or_default();
        let title = self.text(node, "title");
        let email = self.text(node, "email").map(|s| s.trim().to_owned());
        let mut phone = None;
        for (i, item) in self.list(node, "phones").iter().enumerate() {
            let p = self.phone(item);
            if i == 0 {
                phone = p.map(|p| p.number);
            } else {
                self.warnings.add(
                    &item.at.to_string(),
                    "wijkregie bewaart één telefoonnummer per contactpersoon: niet overgenomen",
                );
            }
        }
        Some(Contact { name, title, email, phone })
    }

    fn language(&mut self, node: &Node) -> Option<LanguageCode> {
        if !self.object(node, "een taal (language)", LANGUAGE_KNOWN, LANGUAGE_USED) {
            return None;
        }
        if let Some(code) = self.text(node, "code") {
            let code = code.trim().to_ascii_lowercase();
            let two = three_letter_language(&code).unwrap_or(&code);
            return match two.parse::<LanguageCode>() {
                Ok(l) => Some(l),
                Err(e) => {
                    self.error(&node.at_of("code"), e.0);
                    None
                }
            };
        }
        match self.text(node, "name") {
            Some(name) => match language_by_name(&name) {
                Some(code) => code.parse().ok(),
                None => {
                    self.error(
                        &node.at_of("code"),
                        format!("taal '{name}' zonder code: geef de ISO 639-1-code, zoals nl"),
                    );
                    None
                }
            },
            None => {
                self.error(&node.at_of("code"), "verplicht veld ontbreekt: geef de ISO 639-1-code, zoals nl");
                None
            }
        }
    }

    fn schedule(&mut self, node: &Node, parts: &mut ScheduleParts) {
        if !self.object(node, "een openingstijd (schedule)", SCHEDULE_KNOWN, SCHEDULE_USED) {
            return;
        }
        let freq = self.text(node, "freq").map(|f| f.trim().to_ascii_uppercase());
        let interval = self.number(node, "interval");
        let byday = self.text(node, "byday");
        let opens = self.text(node, "opens_at");
        let closes = self.text(node, "closes_at");
        let notes = self.text(node, "notes");
        let description = self.text(node, "description");
        let rule_fields =
            ["valid_from", "valid_to", "dtstart", "until", "count", "byweekno", "bymonthday", "byyearday"];
        let extra: Vec<&str> = rule_fields.into_iter().filter(|k| node.get(k).is_some_and(|n| !n.is_empty())).collect();

        if freq.is_none() && byday.is_none() && opens.is_none() && closes.is_none() && extra.is_empty() {
            // Only words, such as "in schoolvakanties gesloten": that is what notes are for.
            parts.notes.extend(notes.into_iter().chain(description).map(|s| s.trim().to_owned()));
            return;
        }
        if let Some(f) = &freq {
            if !FREQUENCIES.contains(&f.as_str()) {
                self.error(&node.at_of("freq"), format!("'{f}' is geen freq: gebruik WEEKLY of MONTHLY (RFC 5545)"));
                return;
            }
        }
        let mut days = Vec::new();
        let mut plain_days = true;
        if let Some(list) = &byday {
            for token in list.split(',').map(|t| t.trim().to_ascii_uppercase()) {
                if let Some(i) = WEEKDAYS.iter().position(|d| *d == token) {
                    days.push(i as u8 + 1);
                } else if token.len() > 2
                    && WEEKDAYS.contains(&&token[token.len() - 2..])
                    && token[..token.len() - 2].trim_start_matches(['+', '-']).bytes().all(|b| b.is_ascii_digit())
                {
                    plain_days = false;
                } else {
                    self.error(
                        &node.at_of("byday"),
                        format!("'{token}' is geen dag: gebruik MO, TU, WE, TH, FR, SA of SU"),
                    );
                    return;
                }
            }
        }
        let opens_time = opens.as_deref().map(|t| (t, parse_time(t)));
        let closes_time = closes.as_deref().map(|t| (t, parse_time(t)));
        for (key, value) in [("opens_at", &opens_time), ("closes_at", &closes_time)] {
            if let Some((text, None)) = value {
                self.error(&node.at_of(key), format!("'{text}' is geen tijd: gebruik UU:MM, zoals 09:00"));
                return;
            }
        }
        let weekly = match freq.as_deref() {
            Some("WEEKLY") => plain_days && !days.is_empty(),
            Some("DAILY") => plain_days,
            _ => false,
        } && interval.is_none_or(|i| i == 1.0)
            && extra.is_empty();
        if let (true, Some((_, Some(o))), Some((_, Some(c)))) = (weekly, opens_time, closes_time) {
            if o >= c {
                self.error(&node.at_of("closes_at"), "de sluitingstijd ligt niet na de openingstijd");
                return;
            }
            if days.is_empty() {
                days = (1..=7).collect();
            }
            parts.slots.extend(days.into_iter().map(|weekday| OpeningSlot { weekday, opens: o, closes: c }));
            parts.notes.extend(notes.map(|s| s.trim().to_owned()));
            if description.is_some() {
                self.warnings.add(&node.at_of("description"), "omschrijving naast wekelijkse tijden: niet overgenomen");
            }
            return;
        }
        // Anything that is not "every week on these days, from … to …" is kept
        // as text, so nothing is lost and nobody is told a wrong opening time.
        let mut text = Vec::new();
        let rule: Vec<String> =
            [("freq", freq.clone()), ("interval", interval.map(|i| i.to_string())), ("byday", byday)]
                .into_iter()
                .chain(extra.iter().map(|k| (*k, node.get(k).map(plain))))
                .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
                .collect();
        if !rule.is_empty() {
            text.push(rule.join(";"));
        }
        match (opens, closes) {
            (Some(o), Some(c)) => text.push(format!("{}–{}", o.trim(), c.trim())),
            (Some(o), None) => text.push(format!("vanaf {}", o.trim())),
            (None, Some(c)) => text.push(format!("tot {}", c.trim())),
            (None, None) => {}
        }
        text.extend(description.into_iter().chain(notes).map(|s| s.trim().to_owned()));
        parts.notes.push(text.join(", "));
        self.warnings.add(&node.at.to_string(), "geen wekelijks openingsschema: als tekst bij het schema bewaard");
    }

    fn cost_option(&mut self, node: &Node) -> bool {
        if !self.object(node, "een kostenoptie (cost_option)", COST_KNOWN, COST_USED) {
            return false;
        }
        let Some(amount) = self.number(node, "amount") else { return false };
        if amount != 0.0 {
            self.warnings
                .add(&node.at_of("amount"), "bedragen worden niet bewaard; beschrijf kosten in fees_description");
        }
        amount == 0.0
    }

    /// The taxonomy and term an attribute points to.
    fn attribute(&mut self, node: &Node) -> Option<Term> {
        if !self.object(node, "een kenmerk (attribute)", ATTRIBUTE_KNOWN, ATTRIBUTE_USED) {
            return None;
        }
        let Some(term) = node.get("taxonomy_term").filter(|n| !n.is_empty()) else {
            self.error(
                &node.at_of("taxonomy_term"),
                "verplicht veld ontbreekt: een kenmerk verwijst naar een taxonomy_term",
            );
            return None;
        };
        if !self.object(term, "een taxonomy_term", TERM_KNOWN, TERM_USED) {
            return None;
        }
        let taxonomy = match term.get("taxonomy") {
            Some(t) if matches!(t.v, V::Object(..)) => self.text(t, "name"),
            Some(_) => self.text(term, "taxonomy"),
            None => None,
        }
        .map(|t| t.trim().to_owned());
        let code = self.text(term, "code").map(|s| s.trim().to_owned());
        let name = self.text(term, "name").map(|s| s.trim().to_owned());
        if code.is_none() && name.is_none() {
            self.error(&term.at_of("name"), "verplicht veld ontbreekt: een taxonomy_term heeft een code of naam");
            return None;
        }
        let at = if code.is_some() { term.at_of("code") } else { term.at_of("name") };
        Some(Term { taxonomy, code, name, at })
    }

    fn domain(&mut self, term: &Term) -> Option<Domain> {
        let value = term.code.as_deref().or(term.name.as_deref()).unwrap_or_default();
        match Domain::from_str(value)
            .or_else(|e| Domain::ALL.iter().copied().find(|d| d.label().eq_ignore_ascii_case(value)).ok_or(e))
        {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(&term.at.to_string(), format!("domein: {}", e.0));
                None
            }
        }
    }

    fn service_attribute(&mut self, node: &Node, ext: &mut Extensions) {
        let Some(term) = self.attribute(node) else { return };
        let value = term.code.clone().or(term.name.clone()).unwrap_or_default();
        match term.taxonomy.as_deref() {
            Some(TAXONOMY_DOMEIN) => {
                if let Some(d) = self.domain(&term) {
                    match &ext.domain {
                        Some((first, at)) if *first != d => {
                            let at = at.clone();
                            self.error(
                                &term.at,
                                format!("een dienst heeft één domein; {at} noemt al {}", first.code()),
                            );
                        }
                        _ => ext.domain = Some((d, term.at.to_string())),
                    }
                }
            }
            Some(TAXONOMY_KETENAANPAK) => match Pathway::from_str(&value) {
                Ok(p) => push_unique(&mut ext.pathways, p),
                Err(e) => self.error(&term.at.to_string(), e.0),
            },
            Some(TAXONOMY_WIJK) => match Code::from_str(&value) {
                Ok(c) if self.known.wijken.contains(&c) => push_unique(&mut ext.wijken, c),
                Ok(c) => {
                    self.error(&term.at.to_string(), format!("onbekende wijk '{c}': die bestaat niet in wijkregie"))
                }
                Err(e) => self.error(&term.at.to_string(), e.0),
            },
            Some(TAXONOMY_NETWERK) => match Code::from_str(&value) {
                Ok(c) if self.known.networks.contains(&c) => push_unique(&mut ext.networks, c),
                Ok(c) => {
                    self.error(&term.at.to_string(), format!("onbekend netwerk '{c}': dat bestaat niet in wijkregie"))
                }
                Err(e) => self.error(&term.at.to_string(), e.0),
            },
            Some(TAXONOMY_KENMERK) => {
                if value == KENMERK_OP_AFSPRAAK {
                    ext.by_appointment = true;
                } else {
                    self.error(
                        &term.at,
                        format!("onbekend kenmerk '{value}': wijkregie kent alleen {KENMERK_OP_AFSPRAAK}"),
                    );
                }
            }
            taxonomy => {
                let by_code =
                    term.code.as_deref().and_then(|c| self.known.taxonomy.iter().find(|t| t.code.as_str() == c));
                let found = by_code.or_else(|| {
                    let wanted: Vec<&str> =
                        [term.name.as_deref(), term.code.as_deref()].into_iter().flatten().collect();
                    self.known.taxonomy.iter().find(|t| wanted.iter().any(|w| t.name.trim().eq_ignore_ascii_case(w)))
                });
                match found {
                    Some(t) => push_unique(&mut ext.terms, t.code.clone()),
                    None => {
                        let from = taxonomy.map(|t| format!(" uit taxonomie '{t}'")).unwrap_or_default();
                        let shown = [term.code.as_deref(), term.name.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" / ");
                        self.error(
                            &term.at,
                            format!("onbekende term '{shown}'{from}: voeg die eerst toe aan de taxonomie van hulpvragen, of verwijder het kenmerk"),
                        );
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Result<Imported, Vec<FieldError>> {
        let known = self.known;
        let existing_by_id: HashMap<String, &Organization> =
            known.organizations.iter().map(|o| (organization_id(&o.code).as_str().to_owned(), o)).collect();
        let existing_by_name: HashMap<String, &Organization> =
            known.organizations.iter().map(|o| (duplicate_key(&o.name), o)).collect();
        let mut taken: HashSet<String> = known.organizations.iter().map(|o| o.code.as_str().to_owned()).collect();

        // Codes that are certain first, so that a derived code never takes one of them.
        let mut resolved: Vec<Option<(Code, CodeOrigin)>> = Vec::with_capacity(self.orgs.len());
        let mut claimed: HashMap<Code, String> = HashMap::new();
        for org in &self.orgs {
            let found = if let Some((code, at)) = &org.identifier {
                if let Some(other) = claimed.get(code) {
                    self.errors.push(FieldError::new(at, format!("code '{code}' hoort al bij organisatie {other}")));
                }
                claimed.insert(code.clone(), org.hsds_id.clone());
                Some((code.clone(), CodeOrigin::Identifier))
            } else if let Some(o) = existing_by_id.get(&org.hsds_id.to_ascii_lowercase()) {
                Some((o.code.clone(), CodeOrigin::OwnId))
            } else {
                existing_by_name.get(&duplicate_key(&org.name)).map(|o| (o.code.clone(), CodeOrigin::SameName))
            };
            if let Some((code, _)) = &found {
                taken.insert(code.as_str().to_owned());
            }
            resolved.push(found);
        }
        for (org, slot) in self.orgs.iter().zip(resolved.iter_mut()) {
            if slot.is_none() {
                let code = unique_code(&org.name, &mut taken);
                *slot = Some((code, CodeOrigin::Derived));
            }
        }
        let mut org_codes: HashMap<String, Code> = HashMap::new();
        let mut mapping = Vec::new();
        for (org, slot) in self.orgs.iter().zip(resolved) {
            let Some((code, origin)) = slot else { continue };
            org_codes.insert(org.hsds_id.clone(), code.clone());
            mapping.push(OrganizationCode { hsds_id: org.hsds_id.clone(), name: org.name.clone(), code, origin });
        }
        let resolve = |id: &str| -> Option<Code> {
            org_codes.get(id).cloned().or_else(|| existing_by_id.get(&id.to_ascii_lowercase()).map(|o| o.code.clone()))
        };

        // Services first: they decide the organisation of locations that do not name one.
        let mut service_orgs = Vec::with_capacity(self.services.len());
        for record in &self.services {
            let (id, at) = &record.org_ref;
            let code = resolve(id);
            if code.is_none() {
                self.errors.push(FieldError::new(
                    at,
                    format!("onbekende organisatie '{id}': die staat niet in de invoer en bestaat niet in wijkregie"),
                ));
            }
            for (key, _) in &record.location_refs {
                if let Some(&i) = self.location_index.get(key) {
                    let location = &mut self.locations[i];
                    if location.default_org.is_none() {
                        location.default_org = Some(id.clone());
                    }
                }
            }
            service_orgs.push(code);
        }
        let mut locations = Vec::with_capacity(self.locations.len());
        for record in &self.locations {
            let code = match (&record.org_ref, &record.default_org) {
                (Some((id, at)), _) => {
                    let code = resolve(id);
                    if code.is_none() {
                        self.errors.push(FieldError::new(
                            at,
                            format!("onbekende organisatie '{id}': die staat niet in de invoer en bestaat niet in wijkregie"),
                        ));
                    }
                    code
                }
                (None, Some(id)) => resolve(id),
                (None, None) => {
                    self.errors.push(FieldError::new(
                        record.at.to_string(),
                        "van wie is deze locatie? geef organization_id of gebruik de locatie bij een dienst",
                    ));
                    None
                }
            };
            if let Some(code) = code {
                let mut location = record.location.clone();
                location.organization = code;
                locations.push(location);
            }
        }

        // Domains: said in the file, else as already known, else from the services.
        let mut org_domains: HashMap<Code, Domain> =
            known.organizations.iter().map(|o| (o.code.clone(), o.domain)).collect();
        // The first service's domain per organisation, and the codes already
        // listed, by key: a national export has 30,000 organisations and
        // 100,000 services, too many to search one by one per organisation.
        let mut from_services: HashMap<&Code, Domain> = HashMap::new();
        for (record, code) in self.services.iter().zip(&service_orgs) {
            if let (Some(code), Some(domain)) = (code, record.domain) {
                from_services.entry(code).or_insert(domain);
            }
        }
        let mut listed: HashSet<Code> = HashSet::with_capacity(self.orgs.len());
        let mut organizations = Vec::with_capacity(self.orgs.len());
        for (org, map) in self.orgs.iter().zip(&mapping) {
            let from_services = from_services.get(&map.code).copied();
            let domain = match org.domain.or(org_domains.get(&map.code).copied()).or(from_services) {
                Some(d) => d,
                None => {
                    self.warnings
                        .add(&org.at.to_string(), "geen domein (kenmerk wijkregie-domein) bekend: aangenomen is zorg");
                    Domain::Zorg
                }
            };
            org_domains.insert(map.code.clone(), domain);
            if listed.insert(map.code.clone()) {
                organizations.push(Organization { code: map.code.clone(), name: org.name.trim().to_owned(), domain });
            }
        }

        for (key, at) in &self.location_refs {
            if !self.location_index.contains_key(key) {
                self.errors
                    .push(FieldError::new(at, format!("onbekende locatie '{key}': die staat niet in de invoer")));
            }
        }
        let mut services = Vec::with_capacity(self.services.len());
        for (record, code) in self.services.iter().zip(service_orgs) {
            let mut service = record.service.clone();
            for (key, _) in &record.location_refs {
                if let Some(&i) = self.location_index.get(key) {
                    push_unique(&mut service.locations, self.locations[i].location.id.clone());
                }
            }
            let Some(code) = code else { continue };
            service.domain = record.domain.or(org_domains.get(&code).copied()).unwrap_or(Domain::Zorg);
            service.organization = code;
            services.push(service);
        }

        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Imported {
            organizations,
            locations,
            services,
            organization_codes: mapping,
            warnings: self.warnings.finish(),
        })
    }
}

struct Term {
    taxonomy: Option<String>,
    code: Option<String>,
    name: Option<String>,
    at: String,
}

/// How ids are compared: UUIDs in lower case, anything else trimmed.
fn key_of(id: &str) -> String {
    id.trim().parse::<HsdsId>().map(|h| h.as_str().to_owned()).unwrap_or_else(|_| id.trim().to_owned())
}

/// A scalar as plain text, for schedules kept as words.
fn plain(node: &Node) -> String {
    match &node.v {
        V::Text(s) => s.trim().to_owned(),
        V::Number(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// `09:00`, `09:00:00`, with or without a zone suffix (`Z`, `+01:00`). Times
/// are read as local Dutch time; seconds are dropped, as the database keeps
/// minutes.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    let t = t.strip_suffix(['Z', 'z']).unwrap_or(t);
    let t = match t.get(5..).and_then(|rest| rest.find(['+', '-'])) {
        Some(i) => &t[..5 + i],
        None => t,
    };
    let time = NaiveTime::parse_from_str(t, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(t, "%H:%M")).ok()?;
    time.with_second(0)
}

/// "Dorpsstraat 12a" → ("Dorpsstraat", 12, Some("a")): the last word that
/// starts with a digit is the house number with its suffix.
fn split_street(line: &str) -> Option<(String, u32, Option<String>)> {
    let line = line.trim();
    let split = line.rfind(|c: char| c.is_whitespace())?;
    let (street, number) = (line[..split].trim(), line[split..].trim());
    let digits = number.bytes().take_while(u8::is_ascii_digit).count();
    if street.is_empty() || digits == 0 || digits > 5 {
        return None;
    }
    let house_number: u32 = number[..digits].parse().ok().filter(|n| *n > 0)?;
    let suffix = number[digits..].trim();
    Some((street.to_owned(), house_number, (!suffix.is_empty()).then(|| suffix.to_owned())))
}

/// A code from a name: lower case, accents removed, other characters as `-`,
/// made unique with `-2`, `-3`, ….
fn unique_code(name: &str, taken: &mut HashSet<String>) -> Code {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c != '-' || !slug.ends_with('-') {
            slug.push(c);
        }
    }
    let mut base: String = slug.trim_matches('-').chars().take(34).collect();
    base = base.trim_end_matches('-').to_owned();
    if base.len() < 2 {
        base = "organisatie".into();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate.parse().expect("a slug of lowercase letters, digits and inner dashes is a valid code")
}

/// ISO 639-2/3 codes of the languages most spoken in Dutch neighbourhoods,
/// for files that use three letters where wijkregie keeps two.
fn three_letter_language(code: &str) -> Option<&'static str> {
    Some(match code {
        "nld" | "dut" => "nl",
        "eng" => "en",
        "deu" | "ger" => "de",
        "fra" | "fre" => "fr",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "tur" => "tr",
        "ara" => "ar",
        "pol" => "pl",
        "ukr" => "uk",
        "rus" => "ru",
        "ron" | "rum" => "ro",
        "bul" => "bg",
        "fry" => "fy",
        "som" => "so",
        "tir" => "ti",
        "fas" | "per" => "fa",
        "zho" | "chi" => "zh",
        _ => return None,
    })
}

fn language_by_name(name: &str) -> Option<&'static str> {
    let n = name.trim().to_lowercase();
    Some(match n.as_str() {
        "nederlands" | "dutch" => "nl",
        "engels" | "english" => "en",
        "duits" | "german" => "de",
        "frans" | "french" => "fr",
        "spaans" | "spanish" => "es",
        "turks" | "turkish" => "tr",
        "arabisch" | "arabic" => "ar",
        "pools" | "polish" => "pl",
        "oekraïens" | "ukrainian" => "uk",
        "fries" | "frisian" => "fy",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_and_number_are_split_on_the_last_number() {
        assert_eq!(split_street("Dorpsstraat 12a"), Some(("Dorpsstraat".into(), 12, Some("a".into()))));
        assert_eq!(split_street("Van der Helstlaan 3-2"), Some(("Van der Helstlaan".into(), 3, Some("-2".into()))));
        assert_eq!(split_street("Plein 1940 7"), Some(("Plein 1940".into(), 7, None)));
        assert_eq!(split_street("Dorpsstraat"), None);
        assert_eq!(split_street("12"), None);
    }

    #[test]
    fn times_drop_zones_and_seconds() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0);
        assert_eq!(parse_time("09:00"), nine);
        assert_eq!(parse_time("09:00:30"), nine);
        assert_eq!(parse_time("09:00Z"), nine);
        assert_eq!(parse_time("09:00+01:00"), nine);
        assert_eq!(parse_time("9 uur"), None);
    }

    #[test]
    fn derived_codes_are_slugs_made_unique() {
        let mut taken = HashSet::from(["welzijn-noord".to_owned()]);
        assert_eq!(unique_code("Welzijn Noord", &mut taken).as_str(), "welzijn-noord-2");
        assert_eq!(unique_code("Café Ñandú & Zoon", &mut taken).as_str(), "cafe-nandu-zoon");
        assert_eq!(unique_code("!", &mut taken).as_str(), "organisatie");
    }
}
