//! Issue 22 items 7 and 13b: bodies are refused before they are held in
//! memory. A JSON body over the limit is 413 with a Dutch problem; a
//! multipart body is accepted only where a file is uploaded, with the CSRF
//! token before the file.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use wijkregie_core::access::Role;

use crate::common::{TestApp, ENGINES};

#[tokio::test]
async fn json_over_the_limit_is_413_in_dutch_in_every_api() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let token = app.token(Role::Region).await;
        // 17 MB of valid JSON: a name too long, not a broken document.
        let big = format!("{{\"code\":\"groot\",\"name\":\"{}\"}}", "x".repeat(17 * 1024 * 1024));
        let client = reqwest::Client::new();
        let r = client
            .post(app.url("/api/v1/wijken"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{engine:?}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = r.json().await.unwrap();
        assert_eq!(problem["status"], 413);
        assert_eq!(problem["title"], "Te groot");
        assert_eq!(problem["detail"], "de JSON is groter dan 16 MB", "{problem}");

        // FHIR and HSDS take no bodies at all: the method is refused, in
        // their own formats, without reading the body.
        for path in ["/fhir/Task", "/api/hsds/services"] {
            let r = client
                .post(app.url(path))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(big.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{engine:?} {path}");
        }
    }
}

#[tokio::test]
async fn multipart_only_on_upload_routes_with_the_token_first() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let csrf = app.csrf(&admin, "/populatiedata").await;

        // An ordinary form sent as multipart, with the right token: 415.
        let form = Form::new().text("csrf", csrf.clone()).text("aan", "0");
        let r = admin.post(app.url("/aanbod/openbaar")).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{engine:?}");
        let page = r.text().await.unwrap();
        assert!(page.contains("Verkeerd formaat"), "{engine:?}: a Dutch page");

        // An upload whose token comes after the file is refused before the
        // file is read; with the token first it is read.
        let file = || Part::bytes(b"niet,in,orde\n".to_vec()).file_name("kwb.csv");
        let late = Form::new().text("soort", "kwb").part("bestand", file()).text("csrf", csrf.clone());
        let r = admin.post(app.url("/populatiedata")).multipart(late).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let first = Form::new().text("csrf", csrf.clone()).text("soort", "kwb").part("bestand", file());
        let r = admin.post(app.url("/populatiedata")).multipart(first).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}: the file itself is checked");

        // A urlencoded form without its token is refused without reading
        // the whole body (see auth's unit tests for the reading itself).
        let body = format!("aan=0&x={}", "a".repeat(4 * 1024 * 1024));
        let r = admin
            .post(app.url("/aanbod/openbaar"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await;
        if let Ok(r) = r {
            assert!(r.status() == StatusCode::BAD_REQUEST || r.status() == StatusCode::PAYLOAD_TOO_LARGE, "{engine:?}");
        }
    }
}
