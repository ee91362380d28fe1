//! The HSDS 3.0 API on both engines: page envelope, search, filters, one
//! service fully nested, and problem details for bad input.

use crate::common::{TestApp, ENGINES};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wijkregie_core::access::Role;

fn names(page: &Value) -> Vec<String> {
    page["contents"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn services_come_in_hsds_pages_and_are_found_the_dutch_way() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let token = app.token(Role::Practice).await;

        let (status, all) = app.api_get(&token, "/api/hsds/services?per_page=5&page=2").await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        for key in ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]
        {
            assert!(all.get(key).is_some(), "{engine:?}: {key} missing from the page envelope");
        }
        assert_eq!(
            (all["page_number"].clone(), all["size"].clone(), all["first_page"].clone()),
            (2.into(), 5.into(), false.into())
        );
        let total = all["total_items"].as_u64().unwrap();
        assert_eq!(all["total_pages"].as_u64().unwrap(), total.div_ceil(5));
        for s in all["contents"].as_array().unwrap() {
            // HSDS 3.0 requires id, name and status on a service.
            assert!(s["id"].is_string() && s["name"].is_string(), "{s}");
            assert!(["active", "inactive", "defunct", "temporarily closed"].contains(&s["status"].as_str().unwrap()));
        }

        let (_, found) = app.api_get(&token, "/api/hsds/services?search=eenzaam").await;
        assert!(names(&found).contains(&"Maatjesproject Elzenmonde".to_owned()), "{engine:?}: {:?}", names(&found));
        let (_, by_term) = app.api_get(&token, "/api/hsds/services?taxonomy_term_id=valrisico").await;
        assert!(names(&by_term).contains(&"In Balans".to_owned()), "{engine:?}");
        assert!(!names(&by_term).contains(&"Taalcafé Heiderloo".to_owned()));

        let org = wijkregie_formats::hsds::organization_id(&"ouderenwerk-zilveren-draad".parse().unwrap());
        let (_, by_org) = app.api_get(&token, &format!("/api/hsds/services?organization_id={org}")).await;
        let mut mine = names(&by_org);
        mine.sort();
        assert_eq!(mine, ["In Balans", "Ontmoetingscentrum De Kade", "Ouderenadviseur"], "{engine:?}");

        let (status, near) = app.api_get(&token, "/api/hsds/services?postcode=5961GH&radius_km=3").await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        assert!(names(&near).contains(&"Buurthuis Heiderloo".to_owned()), "{engine:?}");
        assert!(!names(&near).contains(&"Inloopspreekuur Geldzaken".to_owned()), "{engine:?}");

        let id = by_org["contents"][0]["id"].as_str().unwrap().to_owned();
        let (status, one) = app.api_get(&token, &format!("/api/hsds/services/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["id"], id.as_str());
        assert!(one["organization"].is_object(), "{engine:?}: the service is fully nested");

        let hulpvragen = wijkregie_formats::hsds::taxonomy_id(wijkregie_formats::hsds::TAXONOMY_HULPVRAAG);
        let (status, terms) =
            app.api_get(&token, &format!("/api/hsds/taxonomy_terms?per_page=200&taxonomy_id={hulpvragen}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(terms["total_items"].as_u64().unwrap() as usize, wijkregie_formats::taxonomy::shipped().len());
        let lonely = terms["contents"].as_array().unwrap().iter().find(|t| t["code"] == "eenzaamheid").unwrap();
        let maatjes =
            found["contents"].as_array().unwrap().iter().find(|s| s["name"] == "Maatjesproject Elzenmonde").unwrap();
        assert!(
            maatjes.to_string().contains(lonely["id"].as_str().unwrap()),
            "{engine:?}: a service's attribute points at the same term id the API lists"
        );
    }
}

#[tokio::test]
async fn bad_requests_get_problem_details() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let token = app.token(Role::Networks).await;
    for (path, expected) in [
        ("/api/hsds/services?per_page=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/services?page=twee", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/services?organization_id=geen-uuid", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/services?postcode=9999ZZ", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/services?radius_km=5", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/services/00000000-0000-4000-8000-999999999999", StatusCode::NOT_FOUND),
        ("/api/hsds/services/niet-een-id", StatusCode::NOT_FOUND),
        ("/api/hsds/organizations?per_page=201", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/organizations/00000000-0000-4000-8000-999999999999", StatusCode::NOT_FOUND),
        ("/api/hsds/organizations/ouderenwerk-zilveren-draad", StatusCode::NOT_FOUND),
        (
            "/api/hsds/organizations/00000000-0000-4000-8000-999999999999?full_service=ja",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("/api/hsds/organizations?full=1", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/organizations?taxonomy_term_id=welzijn", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/service_at_locations?taxonomy_id=domein", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/taxonomies?page=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/taxonomies/wijkregie-hulpvraag", StatusCode::NOT_FOUND),
        ("/api/hsds/taxonomy_terms?taxonomy_id=hulpvraag", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/taxonomy_terms?top_only=1", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/taxonomy_terms/eenzaamheid", StatusCode::NOT_FOUND),
        ("/api/hsds/service_at_locations?full=ja", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/service_at_locations?organization_id=geen-uuid", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/service_at_locations?proximity=3000", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/service_at_locations?postcode=5961GH&proximity=200000", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/hsds/service_at_locations/00000000-0000-4000-8000-999999999999", StatusCode::NOT_FOUND),
    ] {
        let r = reqwest::Client::new().get(app.url(path)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), expected, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
    }
    for path in
        ["/api/hsds/services", "/api/hsds/organizations", "/api/hsds/taxonomies", "/api/hsds/service_at_locations"]
    {
        let anonymous = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, odd) = app.api_get(&token, "/api/hsds/services?search=AND%20(%22%20OR").await;
    assert_eq!(status, StatusCode::OK, "query syntax is never exposed");
    assert!(odd["contents"].is_array());
}

#[tokio::test]
async fn organizations_taxonomies_and_service_at_locations_use_the_export_ids() {
    use wijkregie_formats::hsds;
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let token = app.token(Role::Practice).await;
        let mut conn = app.app.store.conn().await.unwrap();
        let region_organizations = wijkregie_store::region::organizations(&mut conn).await.unwrap();
        drop(conn);

        // Every organisation of the directory, with or without services.
        let (status, all) = app.api_get(&token, "/api/hsds/organizations?per_page=200").await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        let mut expected: Vec<String> =
            region_organizations.iter().map(|o| hsds::organization_id(&o.code).to_string()).collect();
        let mut served: Vec<String> =
            all["contents"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect();
        expected.sort();
        served.sort();
        assert_eq!(served, expected, "{engine:?}");
        let (_, found) = app.api_get(&token, "/api/hsds/organizations?search=zilveren%20DRAAD").await;
        assert_eq!(names(&found), ["Ouderenwerk De Zilveren Draad"], "{engine:?}: search ignores case");

        let code = "ouderenwerk-zilveren-draad".parse().unwrap();
        let id = hsds::organization_id(&code);
        let (status, org) = app.api_get(&token, &format!("/api/hsds/organizations/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        assert_eq!(org["organization_identifiers"][0]["identifier"], "ouderenwerk-zilveren-draad");
        let mut services = names(&json!({"contents": org["services"]}));
        services.sort();
        assert_eq!(services, ["In Balans", "Ontmoetingscentrum De Kade", "Ouderenadviseur"], "{engine:?}");
        assert!(org["services"][0].get("service_at_locations").is_none(), "one-to-one fields unless full_service");
        let (_, full) = app.api_get(&token, &format!("/api/hsds/organizations/{id}?full_service=true")).await;
        assert!(full["services"][0]["service_at_locations"].is_array(), "{engine:?}");
        assert!(org["locations"].as_array().unwrap().iter().all(|l| l["organization_id"] == id.as_str()));

        let (_, taxonomies) = app.api_get(&token, "/api/hsds/taxonomies").await;
        let hulpvragen = hsds::taxonomy_id(hsds::TAXONOMY_HULPVRAAG).to_string();
        assert!(names(&taxonomies).contains(&hsds::TAXONOMY_HULPVRAAG.to_owned()), "{engine:?}");
        let (status, one) = app.api_get(&token, &format!("/api/hsds/taxonomies/{hulpvragen}")).await;
        assert_eq!((status, one["name"].clone()), (StatusCode::OK, hsds::TAXONOMY_HULPVRAAG.into()));
        let lonely = hsds::taxonomy_term_id(hsds::TAXONOMY_HULPVRAAG, "eenzaamheid");
        let (status, term) = app.api_get(&token, &format!("/api/hsds/taxonomy_terms/{lonely}")).await;
        assert_eq!((status, term["code"].clone()), (StatusCode::OK, "eenzaamheid".into()), "{engine:?}");
        let (_, terms) = app.api_get(&token, "/api/hsds/taxonomy_terms?per_page=200").await;
        if let Some(child) = terms["contents"].as_array().unwrap().iter().find(|t| t["parent_id"].is_string()) {
            let parent = child["parent_id"].as_str().unwrap();
            let (_, children) = app.api_get(&token, &format!("/api/hsds/taxonomy_terms?parent_id={parent}")).await;
            assert!(children["contents"].as_array().unwrap().contains(child), "{engine:?}");
            assert!(children["contents"].as_array().unwrap().iter().all(|t| t["parent_id"] == parent));
            let (_, tops) = app.api_get(&token, "/api/hsds/taxonomy_terms?top_only=true&per_page=200").await;
            let tops = tops["contents"].as_array().unwrap();
            assert!(tops.iter().all(|t| t.get("parent_id").is_none()) && !tops.contains(child), "{engine:?}");
        }

        // A service at each of its locations; the term filter takes the term's HSDS id.
        let (status, sals) =
            app.api_get(&token, &format!("/api/hsds/service_at_locations?taxonomy_term_id={lonely}")).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        let contents = sals["contents"].as_array().unwrap();
        assert!(contents.iter().any(|sal| sal["service"]["name"] == "Maatjesproject Elzenmonde"), "{engine:?}");
        for sal in contents {
            let (service, location) = (sal["service_id"].as_str().unwrap(), sal["location_id"].as_str().unwrap());
            let expected = hsds::service_at_location_id(&service.parse().unwrap(), &location.parse().unwrap());
            assert_eq!(sal["id"], expected.as_str(), "{engine:?}: the export's id");
            assert_eq!(sal["location"]["id"], location);
        }
        let first = contents[0]["id"].as_str().unwrap();
        let (status, single) = app.api_get(&token, &format!("/api/hsds/service_at_locations/{first}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(single["location"]["addresses"].is_array() && single["service"]["organization"].is_object());

        let (_, by_org) = app.api_get(&token, &format!("/api/hsds/service_at_locations?organization_id={id}")).await;
        assert!(by_org["contents"].as_array().unwrap().iter().all(|s| s["service"]["organization_id"] == id.as_str()));
        assert!(by_org["total_items"].as_u64().unwrap() >= 3, "{engine:?}");
        // Near a postcode, only the locations within the radius count.
        let (_, near) = app.api_get(&token, "/api/hsds/service_at_locations?postcode=5961GH&proximity=3000").await;
        let (_, near_km) = app.api_get(&token, "/api/hsds/service_at_locations?postcode=5961GH&radius_km=3").await;
        assert_eq!(near["contents"], near_km["contents"], "proximity is metres, radius_km kilometres");
        assert!(near["total_items"].as_u64().unwrap() < sals_total(&app, &token).await, "{engine:?}");

        // taxonomy_term_id and taxonomy_id read the records' attributes.
        let welzijn = hsds::taxonomy_term_id(hsds::TAXONOMY_DOMEIN, "welzijn");
        let (_, welfare) = app.api_get(&token, &format!("/api/hsds/organizations?taxonomy_term_id={welzijn}")).await;
        assert!(names(&welfare).contains(&"Ouderenwerk De Zilveren Draad".to_owned()), "{engine:?}");
        assert!(welfare["total_items"].as_u64().unwrap() < all["total_items"].as_u64().unwrap());
        let domains = hsds::taxonomy_id(hsds::TAXONOMY_DOMEIN);
        let (_, with_domain) = app.api_get(&token, &format!("/api/hsds/organizations?taxonomy_id={domains}")).await;
        assert_eq!(with_domain["total_items"], all["total_items"], "{engine:?}: every organisation has a domain");
        let pathways = hsds::taxonomy_id(hsds::TAXONOMY_KETENAANPAK);
        let (_, on_pathway) =
            app.api_get(&token, &format!("/api/hsds/service_at_locations?taxonomy_id={pathways}&full=true")).await;
        let on_pathway = on_pathway["contents"].as_array().unwrap();
        assert!(!on_pathway.is_empty() && (on_pathway.len() as u64) < sals_total(&app, &token).await, "{engine:?}");
        assert!(on_pathway.iter().all(|sal| sal["service"].to_string().contains(&pathways.to_string())));

        let (status, past) = app.api_get(&token, "/api/hsds/organizations?page=999").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((past["empty"].clone(), past["size"].clone()), (true.into(), 0.into()), "page past the end");
    }
}

async fn sals_total(app: &TestApp, token: &str) -> u64 {
    let (_, all) = app.api_get(token, "/api/hsds/service_at_locations?per_page=1").await;
    all["total_items"].as_u64().unwrap()
}

/// Our JSON Schemas for the HSDS 3.0 objects (`tests/data/hsds-schema`,
/// written by us from the specification, see `docs/hsds.md`), compiled with
/// format checks on and no network: every `$ref` is one of these files.
struct Schemas {
    validators: std::collections::BTreeMap<String, jsonschema::Validator>,
}

impl Schemas {
    const BASE: &'static str = "https://wijkregie.invalid/schema/hsds-3.0/";

    fn load() -> Schemas {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hsds-schema");
        let mut registry = jsonschema::Registry::new();
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("the schema folder exists") {
            let path = entry.expect("a readable entry").path();
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert_eq!(schema["$id"], format!("{}{name}.json", Self::BASE), "{name}: $id names the file");
            assert!(schema["$comment"].as_str().unwrap().contains("not copied"), "{name}: provenance note");
            registry = registry.add(format!("{}{name}.json", Self::BASE), schema).expect("a valid schema");
            names.push(name);
        }
        let registry = registry.prepare().expect("every $ref resolves");
        let validators = names
            .into_iter()
            .map(|name| {
                let validator = jsonschema::options()
                    .with_registry(&registry)
                    .should_validate_formats(true)
                    .build(&serde_json::json!({ "$ref": format!("{}{name}.json", Self::BASE) }))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                (name, validator)
            })
            .collect();
        Schemas { validators }
    }

    /// Every way `body` breaks the schema `name`, each with where it is.
    fn problems(&self, name: &str, body: &Value) -> Vec<String> {
        let validator = self.validators.get(name).unwrap_or_else(|| panic!("no schema {name}"));
        validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect()
    }

    fn check(&self, name: &str, body: &Value, context: &str) {
        let problems = self.problems(name, body);
        assert!(problems.is_empty(), "{context} is not a valid HSDS {name}:\n{}", problems.join("\n"));
    }
}

#[test]
fn the_schemas_reject_what_hsds_forbids() {
    let schemas = Schemas::load();
    let service = serde_json::json!({
        "id": "2f7e4c2a-0c1b-4d7e-9a55-3b1f0e6d9c01",
        "name": "Taalcafé",
        "status": "active",
        "assured_date": "2026-01-31",
        "service_at_locations": [{
            "id": "7d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6",
            "location": {
                "id": "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
                "location_type": "physical",
                "addresses": [{
                    "id": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e", "address_1": "Lindelaan 12a", "city": "Heiderloo",
                    "state_province": "", "postal_code": "1215 EK", "country": "NL", "address_type": "physical"
                }]
            }
        }]
    });
    schemas.check("service", &service, "the sample");
    let broken = |pointer: &str, value: Option<Value>| {
        let mut body = service.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let object = body.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Some(v) => object.insert(key.to_owned(), v),
            None => object.remove(key),
        };
        schemas.problems("service", &body)
    };
    for (pointer, value) in [
        ("/status", Some("open".into())),
        ("/id", None),
        ("/id", Some("42".into())),
        ("/assured_date", Some("31-01-2026".into())),
        ("/email", Some("geen-adres".into())),
        ("/url", Some("niet een url".into())),
        ("/opening_hours", Some("ma-vr".into())),
        ("/minimum_age", Some("12".into())),
        ("/service_at_locations/0/location/addresses/0/country", None),
        ("/service_at_locations/0/location/location_type", Some("building".into())),
        ("/service_at_locations/0/location/addresses/0/id", Some(Value::Null)),
    ] {
        assert!(!broken(pointer, value.clone()).is_empty(), "{pointer} = {value:?} must be rejected");
    }
    let mut page = serde_json::json!({
        "total_items": 0, "total_pages": 1, "page_number": 1, "size": 0,
        "first_page": true, "last_page": true, "empty": true, "contents": []
    });
    schemas.check("page", &page, "an empty page");
    page.as_object_mut().unwrap().remove("empty");
    assert!(!schemas.problems("page", &page).is_empty(), "HSDS requires 'empty'");
}

/// Every page of a list, following `page` until `last_page`, each page
/// checked against the envelope and each item against `item`.
async fn every_page(app: &TestApp, token: &str, schemas: &Schemas, path: &str, item: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for number in 1.. {
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = format!("{path}{separator}page={number}&per_page=20");
        let (status, page) = app.api_get(token, &url).await;
        assert_eq!(status, StatusCode::OK, "{:?} {url}: {page}", app.engine);
        schemas.check("page", &page, &url);
        for (i, body) in page["contents"].as_array().unwrap().iter().enumerate() {
            schemas.check(item, body, &format!("{:?} {url} contents[{i}]", app.engine));
        }
        items.extend(page["contents"].as_array().unwrap().iter().cloned());
        if page["last_page"] == true {
            assert_eq!(page["total_items"].as_u64().unwrap() as usize, items.len(), "{url}");
            break;
        }
    }
    assert!(!items.is_empty(), "{:?} {path}: the demo directory has some", app.engine);
    items
}

async fn one(app: &TestApp, token: &str, schemas: &Schemas, path: &str, schema: &str) -> Value {
    let (status, body) = app.api_get(token, path).await;
    assert_eq!(status, StatusCode::OK, "{:?} {path}: {body}", app.engine);
    schemas.check(schema, &body, &format!("{:?} {path}", app.engine));
    body
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_endpoint_validates_against_our_hsds_schemas() {
    let schemas = Schemas::load();
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let token = app.token(Role::Organization).await;

        let services = every_page(&app, &token, &schemas, "/api/hsds/services", "service").await;
        assert!(services.len() > 10, "{engine:?}: the demo directory is served");
        // The check bites on a real body too, not only on the hand-made sample.
        let mut broken = services[0].clone();
        broken["status"] = "open".into();
        broken.as_object_mut().unwrap().remove("id");
        assert_eq!(schemas.problems("service", &broken).len(), 2, "{engine:?}: status and id");
        for id in ids(&services) {
            one(&app, &token, &schemas, &format!("/api/hsds/services/{id}"), "service").await;
        }

        let organizations = every_page(&app, &token, &schemas, "/api/hsds/organizations", "organization").await;
        for id in ids(&organizations) {
            one(&app, &token, &schemas, &format!("/api/hsds/organizations/{id}"), "organization").await;
            let path = format!("/api/hsds/organizations/{id}?full_service=true");
            one(&app, &token, &schemas, &path, "organization").await;
        }

        let full = "/api/hsds/organizations?full=true&full_service=true";
        assert_eq!(ids(&every_page(&app, &token, &schemas, full, "organization").await), ids(&organizations));

        let taxonomies = every_page(&app, &token, &schemas, "/api/hsds/taxonomies", "taxonomy").await;
        for id in ids(&taxonomies) {
            one(&app, &token, &schemas, &format!("/api/hsds/taxonomies/{id}"), "taxonomy").await;
        }
        let terms = every_page(&app, &token, &schemas, "/api/hsds/taxonomy_terms", "taxonomy_term").await;
        for id in ids(&terms) {
            one(&app, &token, &schemas, &format!("/api/hsds/taxonomy_terms/{id}"), "taxonomy_term").await;
        }

        let at_locations =
            every_page(&app, &token, &schemas, "/api/hsds/service_at_locations", "service_at_location").await;
        let full = "/api/hsds/service_at_locations?full=true";
        assert_eq!(ids(&every_page(&app, &token, &schemas, full, "service_at_location").await), ids(&at_locations));
        for id in ids(&at_locations) {
            one(&app, &token, &schemas, &format!("/api/hsds/service_at_locations/{id}"), "service_at_location").await;
        }
    }
}
