//! Writing HSDS: the tabular datapackage and one fully nested service. Both
//! come from the same rows, so the two shapes cannot drift apart. Every id
//! that wijkregie has no id for of its own (organisations, phones,
//! attributes, …) is a version 5 UUID of what it describes, so the same data
//! always exports the same files.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Map, Value};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{HsdsId, Pathway, Service};
use wijkregie_core::region::Domain;

use super::csv;
use super::schema::{
    self, ADDRESSES, ATTRIBUTES, CONTACTS, COST_OPTIONS, LANGUAGES, LOCATIONS, ORGANIZATIONS, ORGANIZATION_IDENTIFIERS,
    PHONES, SCHEDULES, SERVICES, SERVICE_AT_LOCATION, TAXONOMIES, TAXONOMY_TERMS,
};
use super::{
    derived_id, Directory, IDENTIFIER_SCHEME, IDENTIFIER_TYPE, KENMERK_OP_AFSPRAAK, TAXONOMY_DOMEIN,
    TAXONOMY_HULPVRAAG, TAXONOMY_KENMERK, TAXONOMY_KETENAANPAK, TAXONOMY_NETWERK, TAXONOMY_WIJK,
};

type Row = Map<String, Value>;

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn row(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Row {
    pairs.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.to_owned(), v)).collect()
}

fn opt(value: &Option<String>) -> Value {
    value.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn id(name: &str) -> Value {
    Value::String(derived_id(name).to_string())
}

fn taxonomy_id(taxonomy: &str) -> Value {
    Value::String(super::taxonomy_id(taxonomy).to_string())
}

fn term_id(taxonomy: &str, code: &str) -> Value {
    Value::String(super::taxonomy_term_id(taxonomy, code).to_string())
}

#[derive(Default)]
struct Tables {
    rows: BTreeMap<&'static str, Vec<Row>>,
}

impl Tables {
    fn push(&mut self, table: &'static str, row: Row) {
        self.rows.entry(table).or_default().push(row);
    }

    fn get(&self, table: &str) -> &[Row] {
        self.rows.get(table).map_or(&[], Vec::as_slice)
    }
}

struct Taxonomies {
    terms: Vec<Row>,
    seen: HashSet<(String, String)>,
}

impl Taxonomies {
    fn add(&mut self, taxonomy: &str, code: &str, name: &str, description: Option<&str>, parent: Option<&str>) {
        if !self.seen.insert((taxonomy.to_owned(), code.to_owned())) {
            return;
        }
        self.terms.push(row([
            ("id", term_id(taxonomy, code)),
            ("code", json!(code)),
            ("name", json!(name)),
            // HSDS requires a description; the name is the best we have when there is none.
            ("description", json!(description.unwrap_or(name))),
            ("parent_id", parent.map_or(Value::Null, |p| term_id(taxonomy, p))),
            ("taxonomy", json!(taxonomy)),
            ("language", json!("nl")),
            ("taxonomy_id", taxonomy_id(taxonomy)),
        ]));
    }
}

/// Our taxonomies, then the foreign ones the directory's services carry,
/// with their own ids.
fn taxonomy_rows(directory: &Directory) -> Vec<Row> {
    let mut rows = own_taxonomy_rows();
    for t in &directory.foreign_taxonomies {
        rows.push(row([
            ("id", json!(t.id.as_str())),
            ("name", json!(t.name)),
            // HSDS requires a description; the name is the best we have when there is none.
            ("description", json!(t.description.as_deref().unwrap_or(&t.name))),
            ("uri", opt(&t.uri)),
            ("version", opt(&t.version)),
        ]));
    }
    rows
}

fn own_taxonomy_rows() -> Vec<Row> {
    [
        (TAXONOMY_HULPVRAAG, "De hulpvragen van de sociale kaart van de regio"),
        (TAXONOMY_DOMEIN, "Het domein van een dienst of organisatie: zorg, welzijn, sociaal domein, informele zorg"),
        (TAXONOMY_KETENAANPAK, "De regionale ketenaanpakken waaraan een dienst bijdraagt"),
        (TAXONOMY_WIJK, "De wijken die een dienst bedient, met de wijkcode van wijkregie"),
        (TAXONOMY_NETWERK, "De wijksamenwerkingsverbanden die een dienst bedient, met de netwerkcode van wijkregie"),
        (TAXONOMY_KENMERK, "Overige kenmerken, zoals alleen op afspraak"),
    ]
    .into_iter()
    .map(|(name, description)| {
        row([
            ("id", taxonomy_id(name)),
            ("name", json!(name)),
            ("description", json!(description)),
            ("version", json!("1")),
        ])
    })
    .collect()
}

/// Every term of our taxonomies that the directory and these services use.
fn terms(directory: &Directory, services: &[&Service]) -> Taxonomies {
    let mut tax = Taxonomies { terms: Vec::new(), seen: HashSet::new() };
    for term in &directory.taxonomy {
        tax.add(
            TAXONOMY_HULPVRAAG,
            term.code.as_str(),
            &term.name,
            term.description.as_deref(),
            term.parent.as_ref().map(Code::as_str),
        );
    }
    for d in Domain::ALL {
        tax.add(TAXONOMY_DOMEIN, d.code(), d.label(), None, None);
    }
    for p in Pathway::ALL {
        tax.add(TAXONOMY_KETENAANPAK, p.code(), p.label(), None, None);
    }
    for (code, name) in &directory.wijken {
        tax.add(TAXONOMY_WIJK, code.as_str(), name, None, None);
    }
    for (code, name) in &directory.networks {
        tax.add(TAXONOMY_NETWERK, code.as_str(), name, None, None);
    }
    tax.add(TAXONOMY_KENMERK, KENMERK_OP_AFSPRAAK, "alleen op afspraak", None, None);
    let foreign_names: std::collections::HashMap<&HsdsId, &str> =
        directory.foreign_taxonomies.iter().map(|t| (&t.id, t.name.as_str())).collect();
    for term in &directory.foreign_terms {
        if !tax.seen.insert(("".to_owned(), term.id.as_str().to_owned())) {
            continue;
        }
        tax.terms.push(row([
            ("id", json!(term.id.as_str())),
            ("code", opt(&term.code)),
            ("name", json!(term.name)),
            ("description", json!(term.description.as_deref().unwrap_or(&term.name))),
            ("parent_id", term.parent.as_ref().map_or(Value::Null, |p| json!(p.as_str()))),
            ("taxonomy", foreign_names.get(&term.taxonomy).map_or(Value::Null, |n| json!(n))),
            ("taxonomy_id", json!(term.taxonomy.as_str())),
            ("term_uri", opt(&term.term_uri)),
        ]));
    }
    // Codes that services use but the directory has no name for still get a term.
    for s in services {
        for c in &s.serves_wijken {
            tax.add(TAXONOMY_WIJK, c.as_str(), c.as_str(), None, None);
        }
        for c in &s.serves_networks {
            tax.add(TAXONOMY_NETWERK, c.as_str(), c.as_str(), None, None);
        }
        for c in &s.taxonomy_terms {
            tax.add(TAXONOMY_HULPVRAAG, c.as_str(), c.as_str(), None, None);
        }
    }
    tax
}

fn build(directory: &Directory, services: &[&Service], every_organization: bool) -> (Tables, Taxonomies) {
    let mut t = Tables::default();
    let tax = terms(directory, services);
    let wanted_orgs: HashSet<&Code> = services.iter().map(|s| &s.organization).collect();
    let mut identifiers: std::collections::HashMap<&Code, Vec<&wijkregie_core::directory::OrganizationIdentifier>> =
        std::collections::HashMap::new();
    for i in &directory.organization_identifiers {
        identifiers.entry(&i.organization).or_default().push(i);
    }
    for o in directory.organizations.iter().filter(|o| every_organization || wanted_orgs.contains(&o.code)) {
        let oid = directory.organization_id(&o.code).to_string();
        t.push(
            ORGANIZATIONS.file,
            row([
                ("id", json!(oid)),
                ("name", json!(o.name)),
                ("description", json!(o.name)),
                ("email", opt(&o.contact.email)),
            ]),
        );
        if let Some(number) = &o.contact.phone {
            t.push(
                PHONES.file,
                row([
                    ("id", id(&format!("organization_phone:{}", o.code))),
                    ("organization_id", json!(oid)),
                    ("number", json!(number)),
                    ("description", json!("intake voor verwijzingen")),
                ]),
            );
        }
        t.push(
            ORGANIZATION_IDENTIFIERS.file,
            row([
                ("id", id(&format!("organization_identifier:{}", o.code))),
                ("organization_id", json!(oid)),
                ("identifier_scheme", json!(IDENTIFIER_SCHEME)),
                ("identifier_type", json!(IDENTIFIER_TYPE)),
                ("identifier", json!(o.code.as_str())),
            ]),
        );
        for other in identifiers.get(&o.code).into_iter().flatten() {
            t.push(
                ORGANIZATION_IDENTIFIERS.file,
                row([
                    ("id", json!(other.id.as_str())),
                    ("organization_id", json!(oid)),
                    ("identifier_scheme", opt(&other.scheme)),
                    // HSDS requires a type; the scheme is the best we have when there is none.
                    (
                        "identifier_type",
                        json!(other.kind.as_deref().or(other.scheme.as_deref()).unwrap_or("identifier")),
                    ),
                    ("identifier", json!(other.identifier)),
                ]),
            );
        }
        t.push(
            ATTRIBUTES.file,
            row([
                ("id", id(&format!("attribute:organization:{}:{TAXONOMY_DOMEIN}", o.code))),
                ("link_id", json!(oid)),
                ("taxonomy_term_id", term_id(TAXONOMY_DOMEIN, o.domain.code())),
                ("link_type", json!("domein")),
                ("link_entity", json!("organization")),
            ]),
        );
    }

    let wanted_locations: HashSet<&str> =
        services.iter().flat_map(|s| s.locations.iter().map(HsdsId::as_str)).collect();
    for l in directory.locations.iter().filter(|l| every_organization || wanted_locations.contains(l.id.as_str())) {
        let lid = l.id.as_str();
        t.push(
            LOCATIONS.file,
            row([
                ("id", json!(lid)),
                ("location_type", json!("physical")),
                ("organization_id", json!(directory.organization_id(&l.organization).to_string())),
                ("name", json!(l.name)),
                ("description", opt(&l.description)),
                ("latitude", l.point.map_or(Value::Null, |p| json!(p.latitude))),
                ("longitude", l.point.map_or(Value::Null, |p| json!(p.longitude))),
            ]),
        );
        if let Some(a) = &l.address {
            t.push(
                ADDRESSES.file,
                row([
                    ("id", id(&format!("address:{lid}"))),
                    ("location_id", json!(lid)),
                    (
                        "address_1",
                        json!(format!(
                            "{} {}{}",
                            a.street,
                            a.house_number,
                            a.house_number_suffix.as_deref().unwrap_or("")
                        )),
                    ),
                    ("city", json!(a.city)),
                    // HSDS requires a province; the postcode says which.
                    ("state_province", json!(super::province(&a.postcode))),
                    ("postal_code", json!(a.postcode.display())),
                    ("country", json!("NL")),
                    ("address_type", json!("physical")),
                ]),
            );
        }
    }

    for s in services {
        let sid = s.id.as_str();
        t.push(
            SERVICES.file,
            row([
                ("id", json!(sid)),
                ("organization_id", json!(directory.organization_id(&s.organization).to_string())),
                ("name", json!(s.name)),
                ("alternate_name", opt(&s.alternate_name)),
                ("description", json!(s.description)),
                ("url", opt(&s.url)),
                ("email", opt(&s.email)),
                ("status", json!(s.status.code())),
                ("application_process", opt(&s.application_process)),
                ("fees_description", opt(&s.fees_description)),
                ("eligibility_description", opt(&s.eligibility_description)),
                ("minimum_age", s.minimum_age.map_or(Value::Null, |a| json!(a))),
                ("maximum_age", s.maximum_age.map_or(Value::Null, |a| json!(a))),
                ("assured_date", s.assured_date.map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string()))),
            ]),
        );
        for l in &s.locations {
            t.push(
                SERVICE_AT_LOCATION.file,
                row([
                    ("id", json!(super::service_at_location_id(&s.id, l).to_string())),
                    ("service_id", json!(sid)),
                    ("location_id", json!(l.as_str())),
                ]),
            );
        }
        for (i, p) in s.phones.iter().enumerate() {
            t.push(
                PHONES.file,
                row([
                    ("id", id(&format!("phone:{sid}:{i}"))),
                    ("service_id", json!(sid)),
                    ("number", json!(p.number)),
                    ("description", opt(&p.description)),
                ]),
            );
        }
        for (i, c) in s.contacts.iter().enumerate() {
            let cid = id(&format!("contact:{sid}:{i}"));
            t.push(
                CONTACTS.file,
                row([
                    ("id", cid.clone()),
                    ("service_id", json!(sid)),
                    ("name", json!(c.name)),
                    ("title", opt(&c.title)),
                    ("email", opt(&c.email)),
                ]),
            );
            if let Some(number) = &c.phone {
                t.push(
                    PHONES.file,
                    row([
                        ("id", id(&format!("contact_phone:{sid}:{i}"))),
                        ("contact_id", cid),
                        ("number", json!(number)),
                    ]),
                );
            }
        }
        // One schedule per opening time, on all the days it applies: the
        // file said "MO,WE 09:00–12:00" once, so the export does too.
        let mut weekly: Vec<(chrono::NaiveTime, chrono::NaiveTime, Vec<&str>)> = Vec::new();
        for slot in &s.schedule.slots {
            let day = WEEKDAYS.get(usize::from(slot.weekday).wrapping_sub(1)).copied().unwrap_or("MO");
            match weekly.iter_mut().find(|(o, c, _)| *o == slot.opens && *c == slot.closes) {
                Some((_, _, days)) => days.push(day),
                None => weekly.push((slot.opens, slot.closes, vec![day])),
            }
        }
        for (i, (opens, closes, days)) in weekly.iter().enumerate() {
            t.push(
                SCHEDULES.file,
                row([
                    ("id", id(&format!("schedule:{sid}:{i}"))),
                    ("service_id", json!(sid)),
                    ("freq", json!("WEEKLY")),
                    ("byday", json!(days.join(","))),
                    // HSDS times are `time` values with seconds (19:00:00).
                    ("opens_at", json!(opens.format("%H:%M:%S").to_string())),
                    ("closes_at", json!(closes.format("%H:%M:%S").to_string())),
                ]),
            );
        }
        for rule in &s.schedule.rules {
            let clock =
                |t: Option<chrono::NaiveTime>| t.map_or(Value::Null, |t| json!(t.format("%H:%M:%S").to_string()));
            let date =
                |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string()));
            t.push(
                SCHEDULES.file,
                row([
                    ("id", json!(rule.id.as_str())),
                    ("service_id", json!(sid)),
                    ("valid_from", date(rule.valid_from)),
                    ("valid_to", date(rule.valid_to)),
                    ("freq", opt(&rule.freq)),
                    ("interval", rule.interval.map_or(Value::Null, |i| json!(i))),
                    ("byday", opt(&rule.byday)),
                    ("bymonthday", opt(&rule.bymonthday)),
                    ("description", opt(&rule.description)),
                    ("opens_at", clock(rule.opens)),
                    ("closes_at", clock(rule.closes)),
                ]),
            );
        }
        if let Some(notes) = &s.schedule.notes {
            t.push(
                SCHEDULES.file,
                row([
                    ("id", id(&format!("schedule_notes:{sid}"))),
                    ("service_id", json!(sid)),
                    ("notes", json!(notes)),
                ]),
            );
        }
        for l in &s.languages {
            t.push(
                LANGUAGES.file,
                row([
                    ("id", id(&format!("language:{sid}:{}", l.as_str()))),
                    ("service_id", json!(sid)),
                    ("name", json!(language_name(l.as_str()))),
                    ("code", json!(l.as_str())),
                ]),
            );
        }
        if s.free_of_charge {
            t.push(
                COST_OPTIONS.file,
                row([
                    ("id", id(&format!("cost_option:{sid}"))),
                    ("service_id", json!(sid)),
                    ("option", json!("gratis")),
                    ("currency", json!("EUR")),
                    ("amount", json!(0)),
                ]),
            );
        }
        let mut attributes: Vec<(&str, String)> = vec![(TAXONOMY_DOMEIN, s.domain.code().to_owned())];
        attributes.extend(s.pathways.iter().map(|p| (TAXONOMY_KETENAANPAK, p.code().to_owned())));
        attributes.extend(s.serves_wijken.iter().map(|c| (TAXONOMY_WIJK, c.as_str().to_owned())));
        attributes.extend(s.serves_networks.iter().map(|c| (TAXONOMY_NETWERK, c.as_str().to_owned())));
        if s.schedule.by_appointment {
            attributes.push((TAXONOMY_KENMERK, KENMERK_OP_AFSPRAAK.to_owned()));
        }
        attributes.extend(s.taxonomy_terms.iter().map(|c| (TAXONOMY_HULPVRAAG, c.as_str().to_owned())));
        for term in &s.foreign_terms {
            t.push(
                ATTRIBUTES.file,
                row([
                    ("id", id(&format!("attribute:{sid}:foreign:{term}"))),
                    ("link_id", json!(sid)),
                    ("taxonomy_term_id", json!(term.as_str())),
                    ("link_type", json!("taxonomie van de bron")),
                    ("link_entity", json!("service")),
                ]),
            );
        }
        for (taxonomy, code) in attributes {
            t.push(
                ATTRIBUTES.file,
                row([
                    ("id", id(&format!("attribute:{sid}:{taxonomy}:{code}"))),
                    ("link_id", json!(sid)),
                    ("taxonomy_term_id", term_id(taxonomy, &code)),
                    ("link_type", json!(taxonomy.trim_start_matches("wijkregie-"))),
                    ("link_entity", json!("service")),
                ]),
            );
        }
    }
    (t, tax)
}

fn language_name(code: &str) -> &str {
    match code {
        "nl" => "Nederlands",
        "en" => "Engels",
        "de" => "Duits",
        "fr" => "Frans",
        "es" => "Spaans",
        "tr" => "Turks",
        "ar" => "Arabisch",
        "pl" => "Pools",
        "uk" => "Oekraïens",
        "fy" => "Fries",
        other => other,
    }
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub(super) fn datapackage(directory: &Directory) -> BTreeMap<String, String> {
    let services: Vec<&Service> = directory.services.iter().collect();
    let (mut tables, tax) = build(directory, &services, true);
    tables.rows.insert(TAXONOMY_TERMS.file, tax.terms);
    tables.rows.insert(TAXONOMIES.file, taxonomy_rows(directory));
    let mut files = BTreeMap::new();
    let mut resources = Vec::new();
    for table in schema::TABLES {
        let (name, columns) = (table.file, table.columns);
        let mut out = String::new();
        csv::write_record(&mut out, &columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
        for r in tables.get(name) {
            let fields: Vec<String> = columns.iter().map(|c| cell(r.get(*c))).collect();
            csv::write_record(&mut out, &fields);
        }
        files.insert(name.to_owned(), out);
        let resource = table.resource;
        let fields: Vec<Value> = columns
            .iter()
            .map(|c| {
                let mut field = json!({"name": c, "type": schema::column_type(c)});
                if let Some(format) = schema::column_format(c) {
                    field["format"] = json!(format);
                }
                if schema::required(resource, c) {
                    field["constraints"] = json!({"required": true});
                }
                if *c == "id" {
                    field["constraints"] = json!({"required": true, "unique": true});
                }
                if *c == "status" && resource == "service" {
                    field["constraints"]["enum"] = json!(["active", "inactive", "defunct", "temporarily closed"]);
                }
                field
            })
            .collect();
        let foreign_keys: Vec<Value> = schema::FOREIGN_KEYS
            .iter()
            .filter(|(from, _, _)| *from == resource)
            .map(|(_, column, to)| json!({"fields": column, "reference": {"resource": to, "fields": "id"}}))
            .collect();
        resources.push(json!({
            "name": resource,
            "path": name,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields, "primaryKey": "id", "foreignKeys": foreign_keys},
        }));
    }
    let package = json!({
        "name": "wijkregie-sociale-kaart",
        "title": "Sociale kaart (wijkregie)",
        "description": "De sociale kaart van de regio als Open Referral HSDS 3.0-datapackage; \
                        domein, ketenaanpakken, wijken en netwerken staan als attributes met de taxonomieën wijkregie-*.",
        "profile": "tabular-data-package",
        "version": "3.0",
        "resources": resources,
    });
    let text = serde_json::to_string_pretty(&package).unwrap_or_default();
    files.insert(schema::DESCRIPTOR_FILE.to_owned(), text + "\n");
    files
}

fn children(rows: &[Row], key: &str, id: &Value) -> Vec<Row> {
    rows.iter().filter(|r| r.get(key) == Some(id)).cloned().collect()
}

fn with_terms(mut attributes: Vec<Row>, tax: &Taxonomies) -> Vec<Value> {
    for a in &mut attributes {
        let term = tax.terms.iter().find(|t| t.get("id") == a.get("taxonomy_term_id")).cloned();
        if let Some(term) = term {
            a.insert("taxonomy_term".into(), Value::Object(term));
        }
    }
    attributes.into_iter().map(Value::Object).collect()
}

fn objects(rows: Vec<Row>) -> Value {
    Value::Array(rows.into_iter().map(Value::Object).collect())
}

/// An organisation with its identifiers and attributes, as a service and
/// `/organizations/{id}` nest it.
fn organization_nested(t: &Tables, tax: &Taxonomies, oid: &Value) -> Option<Row> {
    let mut org = t.get(ORGANIZATIONS.file).iter().find(|o| o.get("id") == Some(oid)).cloned()?;
    org.insert(
        "organization_identifiers".into(),
        objects(children(t.get(ORGANIZATION_IDENTIFIERS.file), "organization_id", oid)),
    );
    org.insert("attributes".into(), Value::Array(with_terms(children(t.get(ATTRIBUTES.file), "link_id", oid), tax)));
    org.insert("phones".into(), objects(children(t.get(PHONES.file), "organization_id", oid)));
    Some(org)
}

/// A location with its addresses.
fn location_nested(t: &Tables, lid: &Value) -> Option<Row> {
    let mut location = t.get(LOCATIONS.file).iter().find(|l| l.get("id") == Some(lid)).cloned()?;
    location.insert("addresses".into(), objects(children(t.get(ADDRESSES.file), "location_id", lid)));
    Some(location)
}

pub(super) fn service_json(service: &Service, directory: &Directory) -> Value {
    let (t, tax) = build(directory, &[service], false);
    let sid = json!(service.id.as_str());
    let mut s = t.get(SERVICES.file).first().cloned().unwrap_or_default();
    let oid = json!(directory.organization_id(&service.organization).to_string());
    if let Some(org) = organization_nested(&t, &tax, &oid) {
        s.insert("organization".into(), Value::Object(org));
    }
    let sals: Vec<Value> = children(t.get(SERVICE_AT_LOCATION.file), "service_id", &sid)
        .into_iter()
        .map(|mut sal| {
            let lid = sal.get("location_id").cloned().unwrap_or(Value::Null);
            if let Some(location) = location_nested(&t, &lid) {
                sal.insert("location".into(), Value::Object(location));
            }
            Value::Object(sal)
        })
        .collect();
    s.insert("service_at_locations".into(), Value::Array(sals));
    let phones = children(t.get(PHONES.file), "service_id", &sid);
    s.insert("phones".into(), objects(phones));
    let contacts: Vec<Value> = children(t.get(CONTACTS.file), "service_id", &sid)
        .into_iter()
        .map(|mut c| {
            let cid = c.get("id").cloned().unwrap_or(Value::Null);
            c.insert("phones".into(), objects(children(t.get(PHONES.file), "contact_id", &cid)));
            Value::Object(c)
        })
        .collect();
    s.insert("contacts".into(), Value::Array(contacts));
    for (key, table) in
        [("schedules", SCHEDULES.file), ("languages", LANGUAGES.file), ("cost_options", COST_OPTIONS.file)]
    {
        s.insert(key.into(), objects(children(t.get(table), "service_id", &sid)));
    }
    s.insert("service_areas".into(), Value::Array(Vec::new()));
    s.insert("attributes".into(), Value::Array(with_terms(children(t.get(ATTRIBUTES.file), "link_id", &sid), &tax)));
    Value::Object(s)
}

/// Every organisation with its one-to-one fields only: the rows of
/// `organizations.csv`, as HSDS's `/organizations` list holds them.
pub(super) fn organizations_json(directory: &Directory) -> Vec<Value> {
    let (t, _) = build(directory, &[], true);
    t.get(ORGANIZATIONS.file).iter().cloned().map(Value::Object).collect()
}

/// One organisation, nested as `/organizations/{id}`: identifiers,
/// attributes, its locations with addresses and its services. Services carry
/// their one-to-one fields, or everything (without the organisation they
/// sit in) when `full_service`.
pub(super) fn organization_json(code: &Code, directory: &Directory, full_service: bool) -> Option<Value> {
    let services: Vec<&Service> = directory.services.iter().filter(|s| &s.organization == code).collect();
    // Every organisation, so that one without services is still rendered.
    let (t, tax) = build(directory, &services, true);
    let oid = json!(directory.organization_id(code).to_string());
    let mut org = organization_nested(&t, &tax, &oid)?;
    let nested: Vec<Value> = if full_service {
        services
            .iter()
            .map(|s| {
                let mut full = service_json(s, directory);
                if let Some(object) = full.as_object_mut() {
                    object.remove("organization");
                }
                full
            })
            .collect()
    } else {
        t.get(SERVICES.file).iter().cloned().map(Value::Object).collect()
    };
    org.insert("services".into(), Value::Array(nested));
    let locations: Vec<Value> = t
        .get(LOCATIONS.file)
        .iter()
        .filter(|l| l.get("organization_id") == Some(&oid))
        .filter_map(|l| location_nested(&t, l.get("id")?))
        .map(Value::Object)
        .collect();
    org.insert("locations".into(), Value::Array(locations));
    Some(Value::Object(org))
}

/// The service at each of its locations, as `/service_at_locations` lists
/// them: the link with the location and the service's one-to-one fields
/// (with its organisation's). When `full`, the location comes with its
/// addresses and the service with everything `/services/{id}` holds except
/// its other locations.
pub(super) fn service_at_locations_json(service: &Service, directory: &Directory, full: bool) -> Vec<Value> {
    let (t, _) = build(directory, &[service], false);
    let sid = json!(service.id.as_str());
    let one_to_one = || {
        let mut s = t.get(SERVICES.file).first().cloned().unwrap_or_default();
        let oid = json!(directory.organization_id(&service.organization).to_string());
        if let Some(org) = t.get(ORGANIZATIONS.file).iter().find(|o| o.get("id") == Some(&oid)) {
            s.insert("organization".into(), Value::Object(org.clone()));
        }
        Value::Object(s)
    };
    let nested_service = if full {
        let mut s = service_json(service, directory);
        if let Some(object) = s.as_object_mut() {
            object.remove("service_at_locations");
        }
        s
    } else {
        one_to_one()
    };
    children(t.get(SERVICE_AT_LOCATION.file), "service_id", &sid)
        .into_iter()
        .map(|mut sal| {
            let lid = sal.get("location_id").cloned().unwrap_or(Value::Null);
            let location = if full {
                location_nested(&t, &lid)
            } else {
                t.get(LOCATIONS.file).iter().find(|l| l.get("id") == Some(&lid)).cloned()
            };
            if let Some(location) = location {
                sal.insert("location".into(), Value::Object(location));
            }
            sal.insert("service".into(), nested_service.clone());
            Value::Object(sal)
        })
        .collect()
}

/// The taxonomies of `taxonomies.csv`.
pub(super) fn taxonomies_json(directory: &Directory) -> Vec<Value> {
    taxonomy_rows(directory).into_iter().map(Value::Object).collect()
}

/// Every term of `taxonomy_terms.csv`, in the same order.
pub(super) fn taxonomy_terms_json(directory: &Directory) -> Vec<Value> {
    let services: Vec<&Service> = directory.services.iter().collect();
    terms(directory, &services).terms.into_iter().map(Value::Object).collect()
}
