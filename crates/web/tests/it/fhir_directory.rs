//! `/fhir/HealthcareService`, `/fhir/Organization` and `/fhir/Location` on
//! both engines: search by name and service-category, reads, links between
//! the resources, paging and OperationOutcomes for bad searches.

use crate::common::{TestApp, ENGINES};
use reqwest::StatusCode;
use serde_json::Value;
use wijkregie_core::access::Role;

fn names(bundle: &Value) -> Vec<String> {
    let mut names: Vec<String> = bundle["entry"]
        .as_array()
        .map(|e| e.iter().map(|e| e["resource"]["name"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn healthcare_services_are_found_by_name_and_category() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let token = app.token(Role::Practice).await;

        let (status, all) = app.api_get(&token, "/fhir/HealthcareService?_count=200").await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        assert_eq!(all["resourceType"], "Bundle");
        assert_eq!(all["type"], "searchset");
        let total = all["total"].as_u64().unwrap();
        assert_eq!(total as usize, all["entry"].as_array().unwrap().len(), "{engine:?}: one page holds all");
        assert_eq!(total as usize, wijkregie_formats::demo::directory::generate().services.len());

        // FHIR string search: starts with, folded for case and accents.
        let (_, by_name) = app.api_get(&token, "/fhir/HealthcareService?name=in%20bal").await;
        assert_eq!(names(&by_name), ["In Balans"], "{engine:?}");
        let (_, contains) = app.api_get(&token, "/fhir/HealthcareService?name:contains=TAALCAFE").await;
        assert_eq!(names(&contains), ["Taalcafé Heiderloo"], "{engine:?}");
        let (_, exact) = app.api_get(&token, "/fhir/HealthcareService?name:exact=in%20balans").await;
        assert!(names(&exact).is_empty(), "{engine:?}: :exact is case-sensitive");

        // service-category holds the pathway and the domain.
        let (_, falls) = app.api_get(&token, "/fhir/HealthcareService?service-category=valpreventie").await;
        assert!(names(&falls).contains(&"In Balans".to_owned()), "{engine:?}: {:?}", names(&falls));
        assert!(!names(&falls).contains(&"Taalcafé Heiderloo".to_owned()));
        let system = wijkregie_formats::fhir::PATHWAY_SYSTEM;
        let (_, with_system) =
            app.api_get(&token, &format!("/fhir/HealthcareService?service-category={system}|valpreventie")).await;
        assert_eq!(names(&with_system), names(&falls), "{engine:?}");
        let (_, wrong_system) =
            app.api_get(&token, "/fhir/HealthcareService?service-category=http://other|valpreventie").await;
        assert!(names(&wrong_system).is_empty(), "{engine:?}: a token with another system matches nothing");
        let (_, care) = app.api_get(&token, "/fhir/HealthcareService?service-category=zorg").await;
        for e in care["entry"].as_array().unwrap() {
            let categories = e["resource"]["category"].as_array().unwrap();
            assert!(categories.iter().any(|c| c["coding"][0]["code"] == "zorg"), "{engine:?}: {e}");
        }
        // Both conditions must hold; a comma means either.
        let (_, both) = app.api_get(&token, "/fhir/HealthcareService?service-category=valpreventie&name=in").await;
        assert_eq!(names(&both), ["In Balans"], "{engine:?}");
        let (_, either) = app.api_get(&token, "/fhir/HealthcareService?name=in%20balans,taalcaf").await;
        assert_eq!(names(&either), ["In Balans", "Taalcafé Heiderloo"], "{engine:?}");
        let (_, by_type) = app.api_get(&token, "/fhir/HealthcareService?service-type=valrisico&active=true").await;
        assert!(names(&by_type).contains(&"In Balans".to_owned()), "{engine:?}");

        // The service's references resolve on the same server.
        let balans = &by_name["entry"][0]["resource"];
        assert_eq!(balans["active"], true);
        assert_eq!(balans["eligibility"][0]["comment"], "vanaf 65 jaar", "{engine:?}");
        assert_eq!(balans["availableTime"][0]["daysOfWeek"], serde_json::json!(["tue", "thu"]));
        let id = balans["id"].as_str().unwrap();
        let (status, read) = app.api_get(&token, &format!("/fhir/HealthcareService/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&read, balans, "{engine:?}: read and search give the same resource");
        let org_ref = balans["providedBy"]["reference"].as_str().unwrap();
        assert_eq!(org_ref, "Organization/ouderenwerk-zilveren-draad");
        let (status, org) = app.api_get(&token, &format!("/fhir/{org_ref}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(org["name"], "Ouderenwerk De Zilveren Draad", "{engine:?}");
        let loc_ref = balans["location"][0]["reference"].as_str().unwrap();
        let (status, loc) = app.api_get(&token, &format!("/fhir/{loc_ref}")).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        assert_eq!(loc["resourceType"], "Location");
        assert_eq!(loc["managingOrganization"]["reference"], org_ref);
        assert!(loc["position"]["latitude"].is_number());

        // Paging: next links until the last page.
        let (_, first) = app.api_get(&token, "/fhir/HealthcareService?_count=5").await;
        assert_eq!(first["entry"].as_array().unwrap().len(), 5);
        let next = first["link"].as_array().unwrap().iter().find(|l| l["relation"] == "next").unwrap();
        assert!(next["url"].as_str().unwrap().ends_with("/fhir/HealthcareService?_count=5&_offset=5"), "{next}");
        let (_, past) = app.api_get(&token, "/fhir/HealthcareService?_offset=100000").await;
        assert!(past.get("entry").is_none(), "{engine:?}: past the end is an empty bundle");
        assert_eq!(past["total"], total);
    }
}

#[tokio::test]
async fn organizations_and_locations_are_searchable_too() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let token = app.token(Role::Organization).await;
        let (status, orgs) = app.api_get(&token, "/fhir/Organization?name=gemeente").await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        assert!(names(&orgs).iter().all(|n| n.starts_with("Gemeente")), "{engine:?}: {:?}", names(&orgs));
        assert!(names(&orgs).contains(&"Gemeente Elzenmonde".to_owned()));
        // Who offers fall prevention: the organisation of "In Balans".
        let (_, offering) = app.api_get(&token, "/fhir/Organization?service-category=valpreventie").await;
        assert!(names(&offering).contains(&"Ouderenwerk De Zilveren Draad".to_owned()), "{engine:?}");
        assert!(!names(&offering).iter().any(|n| n.starts_with("Gemeente")), "{engine:?}: {:?}", names(&offering));
        let (_, welfare) = app.api_get(&token, "/fhir/Organization?type=welzijn").await;
        assert!(names(&welfare).contains(&"Ouderenwerk De Zilveren Draad".to_owned()));

        let (_, places) = app.api_get(&token, "/fhir/Location?service-category=valpreventie").await;
        assert!(!names(&places).is_empty(), "{engine:?}");
        let pc = places["entry"][0]["resource"]["address"]["postalCode"].as_str().unwrap().to_owned();
        let (_, by_postcode) = app.api_get(&token, &format!("/fhir/Location?address-postalcode={}", &pc[..4])).await;
        assert!(names(&by_postcode).contains(&places["entry"][0]["resource"]["name"].as_str().unwrap().to_owned()));
        let (_, by_org) =
            app.api_get(&token, "/fhir/Location?organization=Organization/ouderenwerk-zilveren-draad").await;
        for e in by_org["entry"].as_array().unwrap() {
            assert_eq!(e["resource"]["managingOrganization"]["reference"], "Organization/ouderenwerk-zilveren-draad");
        }

        let (_, capability) = app.api_get(&token, "/fhir/metadata").await;
        let kinds: Vec<&str> =
            capability["rest"][0]["resource"].as_array().unwrap().iter().map(|r| r["type"].as_str().unwrap()).collect();
        for kind in ["HealthcareService", "Organization", "Location", "ServiceRequest", "Task"] {
            assert!(kinds.contains(&kind), "{engine:?}: {kind} missing from {kinds:?}");
        }
    }
}

#[tokio::test]
async fn bad_searches_get_an_operation_outcome() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let token = app.token(Role::Practice).await;
    for (path, status, says) in [
        ("/fhir/HealthcareService?naam=x", StatusCode::BAD_REQUEST, "kent de zoekparameter 'naam' niet"),
        ("/fhir/HealthcareService?name:fuzzy=x", StatusCode::BAD_REQUEST, "name:contains"),
        ("/fhir/HealthcareService?name=", StatusCode::BAD_REQUEST, "heeft geen waarde"),
        ("/fhir/HealthcareService?_count=-1", StatusCode::BAD_REQUEST, "_count"),
        ("/fhir/HealthcareService?active=misschien", StatusCode::BAD_REQUEST, "true of false"),
        ("/fhir/Location?organization=Location/x", StatusCode::BAD_REQUEST, "niet naar een Organization"),
        ("/fhir/Organization?address-city=x", StatusCode::BAD_REQUEST, "address-city"),
        ("/fhir/HealthcareService/bestaat-niet", StatusCode::NOT_FOUND, "bestaat-niet"),
        ("/fhir/Organization/bestaat-niet", StatusCode::NOT_FOUND, "bestaat-niet"),
        ("/fhir/Location/bestaat-niet", StatusCode::NOT_FOUND, "bestaat-niet"),
    ] {
        let (got, body) = app.api_get(&token, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["resourceType"], "OperationOutcome", "{path}");
        let text = body["issue"][0]["diagnostics"].as_str().unwrap_or_default();
        assert!(text.contains(says), "{path}: {text}");
    }
    // Without a token the directory is not open over FHIR: that is the
    // public map page's job, with its public fields only.
    let response = reqwest::get(app.url("/fhir/HealthcareService")).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
