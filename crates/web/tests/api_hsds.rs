//! The HSDS 3.0 API on both engines: page envelope, search, filters, one
//! service fully nested, and problem details for bad input.

mod common;

use common::{TestApp, ENGINES};
use reqwest::StatusCode;
use serde_json::Value;
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

        let (status, terms) = app.api_get(&token, "/api/hsds/taxonomy_terms?per_page=200").await;
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
    ] {
        let r = reqwest::Client::new().get(app.url(path)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), expected, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
    }
    let anonymous = reqwest::get(app.url("/api/hsds/services")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let (status, odd) = app.api_get(&token, "/api/hsds/services?search=AND%20(%22%20OR").await;
    assert_eq!(status, StatusCode::OK, "query syntax is never exposed");
    assert!(odd["contents"].is_array());
}
