//! HSDS 3.0 import and export against fixtures: nested JSON, API pages, a
//! hand-made datapackage, a file full of mistakes, round trips, and random
//! input that must never panic.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{LanguageCode, Pathway, ServiceStatus};
use wijkregie_core::region::{Domain, Organization};
use wijkregie_formats::hsds::{self, CodeOrigin, Directory, Imported, Known};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hsds").join(name)).unwrap()
}

fn folder(name: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hsds").join(name);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

struct World {
    taxonomy: Vec<wijkregie_core::directory::TaxonomyTerm>,
    organizations: Vec<Organization>,
    wijken: Vec<Code>,
    networks: Vec<Code>,
    organization_ids: BTreeMap<Code, wijkregie_core::directory::HsdsId>,
}

fn world() -> World {
    let region = wijkregie_formats::demo::region();
    World {
        taxonomy: wijkregie_formats::taxonomy::shipped(),
        organizations: region.organizations.clone(),
        wijken: region.wijken.iter().map(|w| w.code.clone()).collect(),
        networks: region.networks.iter().map(|n| n.code.clone()).collect(),
        organization_ids: BTreeMap::new(),
    }
}

fn known(w: &World) -> Known<'_> {
    Known {
        taxonomy: &w.taxonomy,
        organizations: &w.organizations,
        wijken: &w.wijken,
        networks: &w.networks,
        mappings: &[],
        organization_ids: &w.organization_ids,
    }
}

fn directory(w: &World, imported: &Imported) -> Directory {
    let region = wijkregie_formats::demo::region();
    Directory {
        organizations: imported.organizations.clone(),
        locations: imported.locations.clone(),
        services: imported.services.clone(),
        taxonomy: w.taxonomy.clone(),
        wijken: region.wijken.iter().map(|x| (x.code.clone(), x.name.clone())).collect(),
        networks: region.networks.iter().map(|x| (x.code.clone(), x.name.clone())).collect(),
        foreign_taxonomies: imported.foreign_taxonomies.clone(),
        foreign_terms: imported.foreign_terms.clone(),
        organization_ids: imported.organization_ids.clone(),
        organization_identifiers: imported.organization_identifiers.clone(),
    }
}

fn files(rendered: BTreeMap<String, String>) -> BTreeMap<String, Vec<u8>> {
    rendered.into_iter().map(|(k, v)| (k, v.into_bytes())).collect()
}

#[test]
fn nested_json_maps_onto_the_social_map() {
    let w = world();
    let imported = hsds::parse_json(&fixture("services.json"), &known(&w)).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(imported.organizations.len(), 1);
    assert_eq!(imported.organizations[0].code.as_str(), "stichting-welzijn-lindenpark");
    assert_eq!(imported.organization_codes[0].origin, CodeOrigin::Derived);
    assert_eq!(imported.organizations[0].domain, Domain::Welzijn, "taken from its service");
    assert_eq!(imported.locations.len(), 1, "one location, used by two services");
    let l = &imported.locations[0];
    let a = l.address.as_ref().unwrap();
    assert_eq!((a.street.as_str(), a.house_number, a.house_number_suffix.as_deref()), ("Lindelaan", 12, Some("a")));
    assert_eq!(a.postcode.as_str(), "3512AB");

    let [maatje, balans] = imported.services.as_slice() else { panic!("two services") };
    assert_eq!(maatje.status, ServiceStatus::Active);
    assert!(maatje.free_of_charge);
    assert_eq!(maatje.languages.iter().map(LanguageCode::as_str).collect::<Vec<_>>(), ["nl", "tr"]);
    assert_eq!(maatje.pathways, [Pathway::WelzijnOpRecept]);
    assert_eq!(maatje.taxonomy_terms[0].as_str(), "eenzaamheid");
    assert_eq!(maatje.schedule.slots.iter().map(|s| s.weekday).collect::<Vec<_>>(), [1, 3]);
    // The monthly coffee morning is kept as data, with its id, not as text.
    let [rule] = maatje.schedule.rules.as_slice() else { panic!("{:?}", maatje.schedule) };
    assert_eq!(rule.id.as_str(), "2b3c4d5e-6f7a-4b8c-9d9e-0f1a2b3c4d5e");
    assert_eq!((rule.freq.as_deref(), rule.byday.as_deref()), (Some("MONTHLY"), Some("1TH")));
    assert_eq!(
        (rule.opens, rule.closes),
        (chrono::NaiveTime::from_hms_opt(14, 0, 0), chrono::NaiveTime::from_hms_opt(16, 0, 0))
    );
    assert_eq!(rule.description.as_deref(), Some("Maandelijkse koffieochtend"));
    assert_eq!(maatje.schedule.notes, None);
    assert_eq!(maatje.contacts[0].phone.as_deref(), Some("06 12345678"));
    assert_eq!(balans.taxonomy_terms[0].as_str(), "valrisico", "matched by name");
    assert!(balans.schedule.by_appointment);
    assert_eq!(balans.schedule.notes.as_deref(), Some("In de schoolvakanties geen les."));
    assert_eq!(balans.domain, Domain::Welzijn, "from its organisation");
    assert_eq!(balans.locations, maatje.locations);

    let warned: Vec<&str> = imported.warnings.iter().map(|w| w.field.as_str()).collect();
    for path in ["$[0].wait_time", "$[0].x_bron", "$[0].service_areas", "$[0].organization.description"] {
        assert!(warned.contains(&path), "{path} not warned in {warned:?}");
    }
}

#[test]
fn pages_read_like_the_array() {
    let w = world();
    let array = hsds::parse_json(&fixture("services.json"), &known(&w)).unwrap();
    let pages = hsds::parse_json(&fixture("pages.json"), &known(&w)).unwrap();
    assert_eq!(array.services, pages.services);
    assert_eq!(array.locations, pages.locations);
    // A single page is read too.
    let one: serde_json::Value = serde_json::from_str(&fixture("pages.json")).unwrap();
    let first = hsds::parse_json(&one[0].to_string(), &known(&w)).unwrap();
    assert_eq!(first.services.len(), 1);
}

#[test]
fn a_foreign_datapackage_is_read() {
    let w = world();
    let imported = hsds::parse_datapackage(&folder("datapackage"), &known(&w)).unwrap_or_else(|e| panic!("{e:#?}"));
    let s = &imported.services[0];
    assert_eq!(s.name, "Spreekuur geldzorgen");
    assert_eq!(s.organization.as_str(), "schuldhulp-elzenmonde");
    assert_eq!(s.taxonomy_terms[0].as_str(), "schulden");
    assert_eq!(s.schedule.slots.len(), 2, "opening hours of the service at its location");
    assert_eq!(s.phones[0].number, "0348 765 432");
    assert!(s.free_of_charge);
    assert_eq!(imported.locations[0].address.as_ref().unwrap().postcode.display(), "3451 AA");
    let warned: Vec<&str> = imported.warnings.iter().map(|w| w.field.as_str()).collect();
    assert!(warned.contains(&"organizations.csv regel 2, kolom website"), "{warned:?}");
}

#[test]
fn every_mistake_is_listed_with_its_position() {
    let w = world();
    let errors = hsds::parse_json(&fixture("mistakes.json"), &known(&w)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "$[0].name",
            "$[0].status",
            "$[0].assured_date",
            "$[0].maximum_age",
            "$[0].phones[0].number",
            "$[0].languages[0].code",
            "$[0].schedules[0].byday",
            "$[0].schedules[1].closes_at",
            "$[0].service_at_locations[0].location.latitude",
            "$[0].service_at_locations[0].location.addresses[0].postal_code",
            "$[0].service_at_locations[0].location.addresses[0].country",
            "$[0].service_at_locations[0].location.addresses[0].address_1",
            // attributes[0] is a term of the source's own taxonomy: kept, not refused.
            "$[0].attributes[1].taxonomy_term.code",
            "$[0].email",
            "$[1].id",
            "$[2]",
            "$[1].organization_id",
            "$[0].service_at_locations[1].location_id",
        ],
        "{errors:#?}"
    );
    assert!(errors.iter().all(|e| !e.message.is_empty()));
    let csv_errors = {
        let mut f = folder("datapackage");
        f.insert(
            "services.csv".into(),
            b"id,organization_id,name,status,email\nx,org-schuldhulp,,actief,nee\n".to_vec(),
        );
        f.insert("phones.csv".into(), b"id,service_id,number\np,onbekend,1\n".to_vec());
        hsds::parse_datapackage(&f, &known(&w)).unwrap_err()
    };
    let fields: Vec<&str> = csv_errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"phones.csv regel 2, kolom service_id"), "{fields:?}");
}

#[test]
fn export_then_import_gives_the_same_values() {
    let w = world();
    let first = hsds::parse_json(&fixture("services.json"), &known(&w)).unwrap();
    let dir = directory(&w, &first);
    let package = hsds::render_datapackage(&dir);
    assert!(hsds::DATAPACKAGE_FILES.iter().all(|f| package.contains_key(*f)), "{:?}", package.keys());
    // A fresh database: nothing known but the taxonomy, wijken and networks.
    let fresh = World { organizations: Vec::new(), ..world() };
    let again = hsds::parse_datapackage(&files(package.clone()), &known(&fresh)).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(again.services, first.services);
    assert_eq!(again.locations, first.locations);
    assert_eq!(again.organizations, first.organizations);
    assert_eq!(again.organization_codes[0].origin, CodeOrigin::Identifier);
    assert!(again.warnings.is_empty(), "{:#?}", again.warnings);
    // Exporting again writes the same files.
    assert_eq!(hsds::render_datapackage(&directory(&w, &again)), package);
    assert!(package["addresses.csv"].contains("3512 AB,NL"), "{}", package["addresses.csv"]);
}

#[test]
fn nested_service_json_reads_back() {
    let w = world();
    let first = hsds::parse_json(&fixture("services.json"), &known(&w)).unwrap();
    let dir = directory(&w, &first);
    let array: Vec<serde_json::Value> = first.services.iter().map(|s| hsds::service_json(s, &dir)).collect();
    let text = serde_json::to_string(&array).unwrap();
    assert!(!text.contains("null"), "HSDS schemas do not allow null strings");
    let again = hsds::parse_json(&text, &known(&w)).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(again.services, first.services);
    assert_eq!(again.locations, first.locations);
    assert!(again.warnings.is_empty(), "{:#?}", again.warnings);
}

#[test]
fn the_api_shapes_use_the_ids_of_the_export() {
    let w = world();
    let first = hsds::parse_json(&fixture("services.json"), &known(&w)).unwrap();
    let dir = directory(&w, &first);
    let package = hsds::render_datapackage(&dir);
    let column = |file: &str| -> Vec<String> {
        package[file].lines().skip(1).map(|l| l.split(',').next().unwrap().to_owned()).collect()
    };
    let id_of = |v: &serde_json::Value| v["id"].as_str().unwrap().to_owned();

    let organizations: Vec<String> = hsds::organizations_json(&dir).iter().map(id_of).collect();
    assert_eq!(organizations, column("organizations.csv"));
    assert_eq!(hsds::taxonomies_json(&dir).iter().map(id_of).collect::<Vec<_>>(), column("taxonomies.csv"));
    assert_eq!(hsds::taxonomy_terms_json(&dir).iter().map(id_of).collect::<Vec<_>>(), column("taxonomy_terms.csv"));
    let at_locations: Vec<String> =
        dir.services.iter().flat_map(|s| hsds::service_at_locations_json(s, &dir, false)).map(|v| id_of(&v)).collect();
    assert_eq!(at_locations, column("service_at_location.csv"));

    let owner = &first.services[0].organization;
    let org = hsds::organization_json(owner, &dir, false).unwrap();
    assert_eq!(org["id"], dir.organization_id(owner).to_string(), "the id the file gave");
    let mine: Vec<&str> = dir.services.iter().filter(|s| &s.organization == owner).map(|s| s.id.as_str()).collect();
    let nested: Vec<&str> = org["services"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(nested, mine);
    let full = hsds::organization_json(owner, &dir, true).unwrap();
    assert!(full["services"][0]["service_at_locations"].is_array() && full["services"][0]["organization"].is_null());
    assert!(hsds::organization_json(&"bestaat-niet".parse().unwrap(), &dir, false).is_none());
}

#[test]
fn our_own_ids_map_back_to_existing_codes() {
    let w = world();
    let org = &w.organizations[0];
    let json = format!(
        r#"[{{"id": "{}", "name": "X", "status": "active", "organization_id": "{}"}}]"#,
        hsds::derived_id("test"),
        hsds::organization_id(&org.code)
    );
    let imported = hsds::parse_json(&json, &known(&w)).unwrap();
    assert_eq!(imported.services[0].organization, org.code);
    assert_eq!(imported.services[0].domain, org.domain);
    assert!(imported.organizations.is_empty(), "an existing organisation is only referred to");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let w = world();
        let _ = hsds::parse_json(&String::from_utf8_lossy(&bytes), &known(&w));
        let mut f = BTreeMap::new();
        f.insert("services.csv".to_owned(), bytes.clone());
        f.insert("phones.csv".to_owned(), bytes);
        let _ = hsds::parse_datapackage(&f, &known(&w));
    }

    #[test]
    fn random_json_shapes_never_panic(value in json_value()) {
        let w = world();
        let text = serde_json::to_string(&serde_json::json!([value.clone(), {"contents": [value]}])).unwrap();
        let _ = hsds::parse_json(&text, &known(&w));
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop::sample::select(vec![
        "id",
        "name",
        "status",
        "organization",
        "organization_id",
        "service_at_locations",
        "location",
        "addresses",
        "postal_code",
        "address_1",
        "latitude",
        "longitude",
        "schedules",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "attributes",
        "taxonomy_term",
        "code",
        "taxonomy",
        "languages",
        "phones",
        "number",
        "minimum_age",
        "contents",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<i64>().prop_map(serde_json::Value::from),
        prop::sample::select(vec!["active", "WEEKLY", "MO,TU", "09:00", "1234 AB", "Straat 1", "nl", "x", ""])
            .prop_map(serde_json::Value::from),
        "[a-z0-9 -]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// One service tagged with a term of its source's own taxonomy, nested as
/// HSDS JSON gives it.
fn foreign_tagged() -> String {
    serde_json::json!([{
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "Inloop voor mantelzorgers",
        "status": "active",
        "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Steunpunt Mantelzorg Zeggeveld"},
        "attributes": [{
            "id": "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
            "taxonomy_term_id": "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21",
            "taxonomy_term": {
                "id": "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21",
                "code": "MZ-01",
                "name": "Ondersteuning mantelzorg",
                "description": "Hulp voor wie voor een naaste zorgt",
                "taxonomy": "Sociale kaart gemeente Zeggeveld",
                "taxonomy_id": "5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11"
            }
        }]
    }])
    .to_string()
}

/// Issue 16: a file that tags services with its own taxonomy was refused
/// whole ("onbekende term … voeg die eerst toe aan de taxonomie van
/// hulpvragen"). The taxonomy and its term are kept as HSDS has them.
#[test]
fn a_foreign_taxonomy_is_kept_not_refused() {
    let w = world();
    let imported = hsds::parse_json(&foreign_tagged(), &known(&w)).unwrap_or_else(|e| panic!("{e:#?}"));
    let [taxonomy] = imported.foreign_taxonomies.as_slice() else { panic!("one taxonomy") };
    assert_eq!(taxonomy.id.as_str(), "5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11");
    assert_eq!(taxonomy.name, "Sociale kaart gemeente Zeggeveld");
    let [term] = imported.foreign_terms.as_slice() else { panic!("one term") };
    assert_eq!(term.id.as_str(), "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21");
    assert_eq!((term.code.as_deref(), term.name.as_str()), (Some("MZ-01"), "Ondersteuning mantelzorg"));
    assert_eq!(term.taxonomy, taxonomy.id);
    let s = &imported.services[0];
    assert_eq!(s.foreign_terms, std::slice::from_ref(&term.id));
    assert!(s.taxonomy_terms.is_empty(), "not mapped yet, and no hulpvraag has its code or name");
}

/// Once the regio-beheerder mapped the term onto a hulpvraag, the next
/// import of the same source tags the service with that hulpvraag too.
#[test]
fn a_mapped_foreign_term_also_gives_the_hulpvraag() {
    let w = world();
    let mantelzorg = w.taxonomy.iter().find(|t| t.code.as_str().contains("mantelzorg")).unwrap().code.clone();
    let mappings = [wijkregie_core::directory::TermMapping {
        taxonomy: "5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11".parse().unwrap(),
        term: "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21".parse().unwrap(),
        hulpvraag: mantelzorg.clone(),
    }];
    let known = Known { mappings: &mappings, ..known(&w) };
    let imported = hsds::parse_json(&foreign_tagged(), &known).unwrap();
    let s = &imported.services[0];
    assert_eq!(s.taxonomy_terms, [mantelzorg]);
    assert_eq!(s.foreign_terms.len(), 1, "the source's own term stays");
    // A mapping of another source's taxonomy does not apply.
    let other = [wijkregie_core::directory::TermMapping {
        taxonomy: "00000000-0000-4000-8000-000000000000".parse().unwrap(),
        ..mappings[0].clone()
    }];
    let imported = hsds::parse_json(&foreign_tagged(), &Known { mappings: &other, ..known }).unwrap();
    assert!(imported.services[0].taxonomy_terms.is_empty());
}

/// Issue 16: the specification's own CSV example gave one problem, and
/// five more once that was fixed. All are reported in the first pass.
#[test]
fn every_problem_of_a_datapackage_comes_in_one_pass() {
    let w = world();
    let errors = hsds::parse_datapackage(&folder("spec-example"), &known(&w)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for expected in [
        "phones.csv regel 3, kolom service_id",
        "services.csv regel 2, kolom email",
        "locations.csv regel 2, kolom latitude",
        "addresses.csv regel 2, kolom postal_code",
        "addresses.csv regel 2, kolom country",
        "addresses.csv regel 2, kolom address_1",
        "schedules.csv regel 2, kolom byday",
    ] {
        assert!(fields.contains(&expected), "{expected} not reported in {errors:#?}");
    }
    assert_eq!(errors.len(), 7, "{errors:#?}");
    assert!(!errors.iter().any(|e| e.message.contains("onbekende term")), "the foreign term is no problem");
}

/// Every record wijkregie keeps has the same id after import and export.
#[test]
fn import_then_export_keeps_every_id() {
    let w = world();
    let mut files = folder("spec-example");
    files.insert(
        "services.csv".into(),
        String::from_utf8(files["services.csv"].clone())
            .unwrap()
            .replace("email-at-example.com", "email@example.com")
            .into_bytes(),
    );
    files.insert("phones.csv".into(), b"id,service_id,number\n5c1a2b3c-4d5e-4f60-8172-8394a5b6c7d8,ac148810-d857-441c-9679-408f346de14b,020 123 4567\n".to_vec());
    files.insert("locations.csv".into(), b"id,organization_id,name,latitude,longitude\n3a7c5e3e-9e2f-4d6e-8d1c-6f4c0a2b1e77,d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,Hoofdkantoor,52.09,5.12\n".to_vec());
    files.insert("addresses.csv".into(), b"id,location_id,address_1,city,state_province,postal_code,country\n9f2e1d0c-1b2a-4c3d-8e4f-5a6b7c8d9e0f,3a7c5e3e-9e2f-4d6e-8d1c-6f4c0a2b1e77,Kerkplein 3,Zeggeveld,Utrecht,3451 AA,NL\n".to_vec());
    files.insert(
        "schedules.csv".into(),
        String::from_utf8(files["schedules.csv"].clone()).unwrap().replace("MONDAY", "MO").into_bytes(),
    );
    let imported = hsds::parse_datapackage(&files, &known(&w)).unwrap_or_else(|e| panic!("{e:#?}"));
    let package = hsds::render_datapackage(&directory(&w, &imported));
    let ids = |file: &str| -> Vec<String> {
        package[file].lines().skip(1).map(|l| l.split(',').next().unwrap().to_owned()).collect()
    };
    let has = |file: &str, id: &str| assert!(ids(file).contains(&id.to_owned()), "{id} not in {file}: {:?}", ids(file));
    has("services.csv", "ac148810-d857-441c-9679-408f346de14b");
    has("locations.csv", "3a7c5e3e-9e2f-4d6e-8d1c-6f4c0a2b1e77");
    has("taxonomies.csv", "5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11");
    has("taxonomy_terms.csv", "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21");
    has("organizations.csv", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610");
}

/// A weekly schedule on several days is one HSDS schedule, and the export
/// writes it once (`byday` "MO,WE"), not once per day.
#[test]
fn a_schedule_on_several_days_is_written_once() {
    let w = world();
    let first = hsds::parse_json(&fixture("services.json"), &known(&w)).unwrap();
    let package = hsds::render_datapackage(&directory(&w, &first));
    let rows: Vec<&str> = package["schedules.csv"].lines().filter(|l| l.contains("WEEKLY")).collect();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(rows[0].contains("\"MO,WE\"") && rows[0].contains("09:00:00,12:00:00"), "{rows:#?}");
    let again = hsds::parse_datapackage(&files(package), &known(&w)).unwrap();
    assert_eq!(again.services[0].schedule, first.services[0].schedule);
}

/// Every message of a refused import is Dutch, also serde_json's own.
#[test]
fn broken_json_is_explained_in_dutch() {
    let w = world();
    let errors = hsds::parse_json("[{\"id\": }]", &known(&w)).unwrap_err();
    assert_eq!(
        errors[0].message,
        "ongeldige JSON op regel 1, kolom 9: de opmaak klopt hier niet: hier hoort een waarde"
    );
    let errors = hsds::parse_json("[{\"id\": 1,}]", &known(&w)).unwrap_err();
    assert!(!errors[0].message.contains("trailing"), "{errors:?}");
    assert!(!errors[0].message.contains(" at line "), "{errors:?}");
}

/// A weekly schedule that holds only for a period keeps its period and id
/// through import and export.
#[test]
fn a_schedule_for_a_period_is_kept_as_data() {
    let w = world();
    let mut input = folder("datapackage");
    input.insert(
        "schedules.csv".into(),
        b"id,service_id,freq,byday,opens_at,closes_at,valid_from,valid_to\n\
          7e3c4d5e-6f70-4182-9394-a5b6c7d8e9f0,0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d,WEEKLY,\"MO,TU\",19:00,21:00,2026-01-01,2026-06-30\n"
            .to_vec(),
    );
    let imported = hsds::parse_datapackage(&input, &known(&w)).unwrap_or_else(|e| panic!("{e:#?}"));
    let schedule = &imported.services[0].schedule;
    let [rule] = schedule.rules.as_slice() else { panic!("{schedule:?}") };
    assert_eq!(rule.valid_to, chrono::NaiveDate::from_ymd_opt(2026, 6, 30));
    assert_eq!(rule.byday.as_deref(), Some("MO,TU"));
    let package = hsds::render_datapackage(&directory(&w, &imported));
    let rows: Vec<&str> =
        package["schedules.csv"].lines().filter(|l| l.starts_with("7e3c4d5e-6f70-4182-9394-a5b6c7d8e9f0")).collect();
    assert_eq!(rows.len(), 1, "written once, with its own id: {}", package["schedules.csv"]);
    assert!(rows[0].contains("2026-01-01,2026-06-30") && rows[0].contains("19:00:00,21:00:00"), "{rows:?}");
    let again = hsds::parse_datapackage(&files(package), &known(&w)).unwrap();
    assert_eq!(again.services[0].schedule, *schedule);
}
