//! Length limits of names and free texts (issue 22 item 13a): a
//! 1,000,000-character wijk name was accepted by the API. The same limit and
//! the same Dutch message on the page and in the API's RFC 9457 problem, on
//! both engines.

use reqwest::StatusCode;
use serde_json::{json, Value};
use wijkregie_core::access::Role;

use crate::common::{TestApp, ENGINES};

const MESSAGE: &str = "te lang: hoogstens 200 tekens";

#[tokio::test]
async fn a_name_too_long_is_refused_on_the_page_and_in_the_api() {
    let long = "x".repeat(1_000_000);
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let wijk = wijkregie_formats::demo::region().wijken[0].code.to_string();
        let admin = app.token(Role::Region).await;

        // API: the same wijk with a huge name.
        let (_, mut doc) = app.api_get(&admin, &format!("/api/v1/wijken/{wijk}")).await;
        doc["name"] = json!(long);
        let r = reqwest::Client::new()
            .put(app.url(&format!("/api/v1/wijken/{wijk}")))
            .bearer_auth(&admin)
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");
        let content_type = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert_eq!(content_type, "application/problem+json", "{engine:?}");
        let problem: Value = r.json().await.unwrap();
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["message"].as_str().is_some_and(|m| m.contains(MESSAGE))),
            "{engine:?}: {errors:?}"
        );
        // A name at the limit is fine.
        doc["name"] = json!("x".repeat(200));
        let r = reqwest::Client::new()
            .put(app.url(&format!("/api/v1/wijken/{wijk}")))
            .bearer_auth(&admin)
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");

        // Page: the wijk form with the huge name shows the same message.
        let client = app.login(Role::Region).await;
        let areas = doc["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| format!("{} {}\n", a["code"].as_str().unwrap(), a["year"]))
            .collect::<String>();
        let (status, _, html) = app
            .post(
                &client,
                &format!("/wijken/{wijk}/bewerken"),
                &[("code", wijk.as_str()), ("name", long.as_str()), ("areas", areas.as_str())],
            )
            .await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(html.contains(MESSAGE), "{engine:?}");
        let (_, page) = app.get(&client, &format!("/wijken/{wijk}")).await;
        assert!(!page.contains(&"x".repeat(201)), "{engine:?}: the long name was saved");
    }
}
