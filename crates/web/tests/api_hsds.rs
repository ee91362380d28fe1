//! The HSDS 3.0 API on both engines: page envelope, search, filters, one
//! service fully nested, and problem details for bad input.

mod common;

use common::{TestApp, ENGINES};
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
        let token = app.token(Role::Praktijk).await;

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
    let token = app.token(Role::Wijkmanager).await;
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
        let token = app.token(Role::Praktijk).await;
        let mut conn = app.state.store.conn().await.unwrap();
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

        let (status, past) = app.api_get(&token, "/api/hsds/organizations?page=999").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((past["empty"].clone(), past["size"].clone()), (true.into(), 0.into()), "page past the end");
    }
}

async fn sals_total(app: &TestApp, token: &str) -> u64 {
    let (_, all) = app.api_get(token, "/api/hsds/service_at_locations?per_page=1").await;
    all["total_items"].as_u64().unwrap()
}
