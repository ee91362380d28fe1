//! The HSDS tabular datapackage: one CSV per table, linked by ids. The
//! tables are read into rows and put together into the same nested shape
//! as HSDS JSON, so that one walker maps both; every row keeps its file and
//! line (`phones.csv regel 7, kolom service_id`) for the messages.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use wijkregie_core::directory::HsdsId;
use wijkregie_core::error::FieldError;

use super::csv;
use super::node::{Node, Pos, Style, V};
use super::schema::{
    self, ADDRESSES, ATTRIBUTES, CONTACTS, COST_OPTIONS, DESCRIPTOR_FILE, LANGUAGES, LOCATIONS, ORGANIZATIONS,
    ORGANIZATION_IDENTIFIERS, PHONES, SCHEDULES, SERVICES, SERVICE_AREAS, SERVICE_AT_LOCATION,
    SERVICE_AT_LOCATION_PLURAL_FILE, TAXONOMIES, TAXONOMY_TERMS,
};
use super::walk::Input;

/// The rows of one table. A file that cannot be read goes to `unreadable`;
/// a row that does not fit the header goes to `errors`.
fn read_table(
    files: &BTreeMap<String, Vec<u8>>,
    name: &str,
    errors: &mut Vec<FieldError>,
    unreadable: &mut Vec<FieldError>,
) -> Vec<Node> {
    let Some(bytes) = files.get(name) else { return Vec::new() };
    let Ok(text) = std::str::from_utf8(bytes) else {
        unreadable.push(FieldError::new(name, "het bestand is geen UTF-8-tekst"));
        return Vec::new();
    };
    let records = match csv::read(text) {
        Ok(r) => r,
        Err((line, message)) => {
            unreadable.push(FieldError::new(format!("{name} regel {line}"), message));
            return Vec::new();
        }
    };
    let mut records = records.into_iter();
    let Some(header) = records.next() else { return Vec::new() };
    let header: Vec<Arc<str>> = header.fields.iter().map(|h| Arc::from(h.trim())).collect();
    let mut rows = Vec::new();
    for record in records {
        let at: Arc<str> = format!("{name} regel {}", record.line).into();
        if record.fields.len() != header.len() {
            errors.push(FieldError::new(
                &*at,
                format!("verwacht {} kolommen, zoals de kopregel, maar vond {}", header.len(), record.fields.len()),
            ));
            continue;
        }
        let fields = header
            .iter()
            .zip(record.fields)
            .map(|(h, value)| {
                let v = if value.is_empty() { V::Null } else { V::Text(value) };
                (h.clone(), Node { at: Pos::Cell { row: at.clone(), column: h.clone() }, v })
            })
            .collect();
        rows.push(Node { at: Pos::Text(at), v: V::Object(fields, Style::Csv) });
    }
    rows
}

/// An id cell, with UUIDs in their lowercase form so that links match.
fn id_of(row: &Node, key: &str) -> Option<String> {
    match &row.get(key)?.v {
        V::Text(s) if !s.trim().is_empty() => {
            let s = s.trim();
            Some(s.parse::<HsdsId>().map(|h| h.as_str().to_owned()).unwrap_or_else(|_| s.to_owned()))
        }
        _ => None,
    }
}

fn index(rows: &[Node]) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(id) = id_of(row, "id") {
            map.entry(id).or_insert(i);
        }
    }
    map
}

/// Children grouped per parent, in file order, then set as a list field.
fn attach(parents: &mut [Node], children: Vec<(usize, Node)>, key: &str, file: &str) {
    let mut grouped: Vec<Vec<Node>> = vec![Vec::new(); parents.len()];
    for (i, child) in children {
        grouped[i].push(child);
    }
    for (parent, list) in parents.iter_mut().zip(grouped) {
        if !list.is_empty() {
            parent.set(key, Node::new(file, V::List(list)));
        }
    }
}

/// Where a row belongs, found by the first of `links` that it fills in.
struct Router<'a> {
    errors: &'a mut Vec<FieldError>,
    warnings: &'a mut Vec<FieldError>,
}

impl Router<'_> {
    /// The parent of `row` in `target`, by the id in column `key`. An id
    /// that matches nothing is an error at that cell.
    fn find(&mut self, row: &Node, key: &str, target: &HashMap<String, usize>, table: &str) -> Option<usize> {
        let id = id_of(row, key)?;
        match target.get(&id) {
            Some(&i) => Some(i),
            None => {
                self.errors.push(FieldError::new(row.at_of(key), format!("'{id}' staat niet in {table}")));
                None
            }
        }
    }

    fn orphan(&mut self, row: &Node, what: &str) {
        self.warnings
            .push(FieldError::new(&row.at, format!("{what} hoort bij niets dat wijkregie bewaart: niet overgenomen")));
    }
}

/// The tables put together, with what was noticed on the way: warnings, and
/// errors that do not stop the walk. A reference that points nowhere is an
/// error here, yet the records around it are still walked, so that every
/// problem of a file is reported in one pass (docs/hsds.md). Only a file
/// that cannot be read at all (not UTF-8, an unclosed quote, a descriptor
/// that is no JSON) stops before the walk, because every reference into it
/// would be reported as missing.
pub(super) struct Assembled {
    pub input: Input,
    pub warnings: Vec<FieldError>,
    pub errors: Vec<FieldError>,
}

pub(super) fn assemble(files: &BTreeMap<String, Vec<u8>>) -> Result<Assembled, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut unreadable = Vec::new();
    let mut warnings = Vec::new();
    match files.get(DESCRIPTOR_FILE) {
        None => warnings.push(FieldError::new(DESCRIPTOR_FILE, "ontbreekt; de CSV-bestanden zijn toch gelezen")),
        Some(bytes) => {
            if serde_json::from_slice::<serde_json::Value>(bytes).is_err() {
                unreadable.push(FieldError::new(DESCRIPTOR_FILE, "geen geldige JSON"));
            }
        }
    }
    for name in files.keys() {
        let known = name == DESCRIPTOR_FILE || name == SERVICE_AT_LOCATION_PLURAL_FILE || schema::table(name).is_some();
        if !known {
            warnings.push(FieldError::new(name, "tabel die wijkregie niet leest: niet overgenomen"));
        }
    }
    let mut read = |name: &str| read_table(files, name, &mut errors, &mut unreadable);
    let mut organizations = read(ORGANIZATIONS.file);
    let identifiers = read(ORGANIZATION_IDENTIFIERS.file);
    let mut services = read(SERVICES.file);
    let mut attributes = read(ATTRIBUTES.file);
    let mut sal = read(SERVICE_AT_LOCATION.file);
    sal.extend(read(SERVICE_AT_LOCATION_PLURAL_FILE));
    let mut locations = read(LOCATIONS.file);
    let phones = read(PHONES.file);
    let mut contacts = read(CONTACTS.file);
    let addresses = read(ADDRESSES.file);
    let schedules = read(SCHEDULES.file);
    let service_areas = read(SERVICE_AREAS.file);
    let languages = read(LANGUAGES.file);
    let mut terms = read(TAXONOMY_TERMS.file);
    let taxonomies = read(TAXONOMIES.file);
    let cost_options = read(COST_OPTIONS.file);

    let org_ids = index(&organizations);
    let service_ids = index(&services);
    let location_ids = index(&locations);
    let contact_ids = index(&contacts);
    let sal_ids = index(&sal);
    let term_ids = index(&terms);
    let taxonomy_ids = index(&taxonomies);
    let mut r = Router { errors: &mut errors, warnings: &mut warnings };

    // Bottom up: taxonomies into terms, terms into attributes, …
    for term in &mut terms {
        if term.get("taxonomy").is_none_or(Node::is_empty) {
            if let Some(i) = r.find(term, "taxonomy_id", &taxonomy_ids, TAXONOMIES.file) {
                term.set("taxonomy", taxonomies[i].clone());
            }
        }
    }
    for attribute in &mut attributes {
        if let Some(i) = r.find(attribute, "taxonomy_term_id", &term_ids, TAXONOMY_TERMS.file) {
            attribute.set("taxonomy_term", terms[i].clone());
        }
    }
    // … phones into contacts, and everything specific to a service at a
    // location into that service_at_location …
    let (mut to_contact, mut to_sal, mut to_service, mut to_location, mut to_org) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for phone in phones {
        if id_of(&phone, "contact_id").is_some() {
            if let Some(i) = r.find(&phone, "contact_id", &contact_ids, CONTACTS.file) {
                to_contact.push((i, phone));
            }
        } else if id_of(&phone, "service_at_location_id").is_some() {
            if let Some(i) = r.find(&phone, "service_at_location_id", &sal_ids, SERVICE_AT_LOCATION.file) {
                to_sal.push((i, phone));
            }
        } else if id_of(&phone, "service_id").is_some() {
            if let Some(i) = r.find(&phone, "service_id", &service_ids, SERVICES.file) {
                to_service.push((i, phone));
            }
        } else if id_of(&phone, "location_id").is_some() {
            if let Some(i) = r.find(&phone, "location_id", &location_ids, LOCATIONS.file) {
                to_location.push((i, phone));
            }
        } else if id_of(&phone, "organization_id").is_some() {
            if let Some(i) = r.find(&phone, "organization_id", &org_ids, ORGANIZATIONS.file) {
                to_org.push((i, phone));
            }
        } else {
            r.orphan(&phone, "telefoonnummer");
        }
    }
    attach(&mut contacts, to_contact, "phones", PHONES.file);
    attach(&mut services, to_service, "phones", PHONES.file);
    attach(&mut locations, to_location, "phones", PHONES.file);
    attach(&mut organizations, to_org, "phones", PHONES.file);
    let phones_to_sal = to_sal;

    let (mut c_sal, mut c_service, mut c_location, mut c_org) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for contact in contacts {
        if id_of(&contact, "service_at_location_id").is_some() {
            if let Some(i) = r.find(&contact, "service_at_location_id", &sal_ids, SERVICE_AT_LOCATION.file) {
                c_sal.push((i, contact));
            }
        } else if id_of(&contact, "service_id").is_some() {
            if let Some(i) = r.find(&contact, "service_id", &service_ids, SERVICES.file) {
                c_service.push((i, contact));
            }
        } else if id_of(&contact, "location_id").is_some() {
            if let Some(i) = r.find(&contact, "location_id", &location_ids, LOCATIONS.file) {
                c_location.push((i, contact));
            }
        } else if id_of(&contact, "organization_id").is_some() {
            if let Some(i) = r.find(&contact, "organization_id", &org_ids, ORGANIZATIONS.file) {
                c_org.push((i, contact));
            }
        } else {
            r.orphan(&contact, "contactpersoon");
        }
    }
    attach(&mut services, c_service, "contacts", CONTACTS.file);
    attach(&mut locations, c_location, "contacts", CONTACTS.file);
    attach(&mut organizations, c_org, "contacts", CONTACTS.file);

    let (mut s_sal, mut s_service, mut s_location) = (Vec::new(), Vec::new(), Vec::new());
    for schedule in schedules {
        if id_of(&schedule, "service_at_location_id").is_some() {
            if let Some(i) = r.find(&schedule, "service_at_location_id", &sal_ids, SERVICE_AT_LOCATION.file) {
                s_sal.push((i, schedule));
            }
        } else if id_of(&schedule, "service_id").is_some() {
            if let Some(i) = r.find(&schedule, "service_id", &service_ids, SERVICES.file) {
                s_service.push((i, schedule));
            }
        } else if id_of(&schedule, "location_id").is_some() {
            if let Some(i) = r.find(&schedule, "location_id", &location_ids, LOCATIONS.file) {
                s_location.push((i, schedule));
            }
        } else {
            r.orphan(&schedule, "openingstijd");
        }
    }
    attach(&mut sal, phones_to_sal, "phones", PHONES.file);
    attach(&mut sal, c_sal, "contacts", CONTACTS.file);
    attach(&mut sal, s_sal, "schedules", SCHEDULES.file);
    attach(&mut services, s_service, "schedules", SCHEDULES.file);
    attach(&mut locations, s_location, "schedules", SCHEDULES.file);

    let (mut l_service, mut l_location) = (Vec::new(), Vec::new());
    for language in languages {
        if id_of(&language, "service_id").is_some() {
            if let Some(i) = r.find(&language, "service_id", &service_ids, SERVICES.file) {
                l_service.push((i, language));
            }
        } else if id_of(&language, "location_id").is_some() {
            if let Some(i) = r.find(&language, "location_id", &location_ids, LOCATIONS.file) {
                l_location.push((i, language));
            }
        } else {
            r.orphan(&language, "taal");
        }
    }
    attach(&mut services, l_service, "languages", LANGUAGES.file);
    attach(&mut locations, l_location, "languages", LANGUAGES.file);

    let (mut a_service, mut a_location, mut a_org) = (Vec::new(), Vec::new(), Vec::new());
    for attribute in attributes {
        let entity = attribute.get("link_entity").map(|n| match &n.v {
            V::Text(s) => s.trim().to_ascii_lowercase(),
            _ => String::new(),
        });
        let link = id_of(&attribute, "link_id");
        match (entity.as_deref(), &link) {
            (_, None) => {
                r.errors.push(FieldError::new(attribute.at_of("link_id"), "verplicht veld ontbreekt"));
            }
            (Some("service"), Some(_)) => {
                if let Some(i) = r.find(&attribute, "link_id", &service_ids, SERVICES.file) {
                    a_service.push((i, attribute));
                }
            }
            (Some("organization"), Some(_)) => {
                if let Some(i) = r.find(&attribute, "link_id", &org_ids, ORGANIZATIONS.file) {
                    a_org.push((i, attribute));
                }
            }
            (Some("location"), Some(_)) => {
                if let Some(i) = r.find(&attribute, "link_id", &location_ids, LOCATIONS.file) {
                    a_location.push((i, attribute));
                }
            }
            (Some(e), Some(id)) if !e.is_empty() => {
                let _ = id;
                r.orphan(&attribute, "kenmerk");
            }
            (_, Some(id)) => {
                if let Some(&i) = service_ids.get(id) {
                    a_service.push((i, attribute));
                } else if let Some(&i) = org_ids.get(id) {
                    a_org.push((i, attribute));
                } else if let Some(&i) = location_ids.get(id) {
                    a_location.push((i, attribute));
                } else {
                    r.orphan(&attribute, "kenmerk");
                }
            }
        }
    }
    attach(&mut services, a_service, "attributes", ATTRIBUTES.file);
    attach(&mut locations, a_location, "attributes", ATTRIBUTES.file);
    attach(&mut organizations, a_org, "attributes", ATTRIBUTES.file);

    let mut by_location = Vec::new();
    for address in addresses {
        match id_of(&address, "location_id") {
            Some(_) => {
                if let Some(i) = r.find(&address, "location_id", &location_ids, LOCATIONS.file) {
                    by_location.push((i, address));
                }
            }
            None => r.errors.push(FieldError::new(address.at_of("location_id"), "verplicht veld ontbreekt")),
        }
    }
    attach(&mut locations, by_location, "addresses", ADDRESSES.file);

    let mut ids = Vec::new();
    for identifier in identifiers {
        match id_of(&identifier, "organization_id") {
            Some(_) => {
                if let Some(i) = r.find(&identifier, "organization_id", &org_ids, ORGANIZATIONS.file) {
                    ids.push((i, identifier));
                }
            }
            None => r.errors.push(FieldError::new(identifier.at_of("organization_id"), "verplicht veld ontbreekt")),
        }
    }
    attach(&mut organizations, ids, "organization_identifiers", ORGANIZATION_IDENTIFIERS.file);

    for (rows, key, file) in
        [(cost_options, "cost_options", COST_OPTIONS.file), (service_areas, "service_areas", SERVICE_AREAS.file)]
    {
        let mut children = Vec::new();
        for row in rows {
            match id_of(&row, "service_id") {
                Some(_) => {
                    if let Some(i) = r.find(&row, "service_id", &service_ids, SERVICES.file) {
                        children.push((i, row));
                    }
                }
                None => r.errors.push(FieldError::new(row.at_of("service_id"), "verplicht veld ontbreekt")),
            }
        }
        attach(&mut services, children, key, file);
    }

    let mut sal_children = Vec::new();
    for row in sal {
        match id_of(&row, "service_id") {
            Some(_) => {
                if let Some(i) = r.find(&row, "service_id", &service_ids, SERVICES.file) {
                    sal_children.push((i, row));
                }
            }
            None => r.errors.push(FieldError::new(row.at_of("service_id"), "verplicht veld ontbreekt")),
        }
    }
    attach(&mut services, sal_children, "service_at_locations", SERVICE_AT_LOCATION.file);

    if !unreadable.is_empty() {
        unreadable.extend(errors);
        return Err(unreadable);
    }
    Ok(Assembled { input: Input { organizations, locations, services }, warnings, errors })
}
