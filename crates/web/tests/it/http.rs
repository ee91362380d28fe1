//! The HTTP surface on both engines: who may reach what (a table, not a
//! hundred copies), problem details, OpenAPI, CSRF and login behaviour.

use crate::common::{TestApp, ENGINES};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wijkregie_core::access::{Role, Scope};

/// Codes from the demo region, chosen relative to the demo accounts' scopes.
struct Codes {
    own_network: String,
    other_network: String,
    other_network_name: String,
    own_practice: String,
    other_practice: String,
    other_practice_name: String,
}

fn codes(app: &TestApp) -> Codes {
    let Scope::Networks(mine) = app.scope(Role::Networks) else { panic!("wijkmanager has networks") };
    let Scope::Practice(own_practice) = app.scope(Role::Practice) else { panic!("praktijk has a practice") };
    let (other, other_practice) = app.outside_scopes();
    Codes {
        own_network: mine[0].to_string(),
        other_network: other.code.to_string(),
        other_network_name: other.name.clone(),
        own_practice: own_practice.to_string(),
        other_practice: other_practice.code.to_string(),
        other_practice_name: other_practice.name.clone(),
    }
}

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    As(Role),
}

const ALL: [Who; 5] = [
    Who::Anonymous,
    Who::As(Role::Region),
    Who::As(Role::Networks),
    Who::As(Role::Practice),
    Who::As(Role::Organization),
];

/// Expected status per caller: anonymous, regio, wijkmanager, praktijk, partner.
type Row = (&'static str, [u16; 5]);

/// Puts the demo codes into the path templates of a matrix.
fn fill(rows: Vec<Row>, c: &Codes) -> Vec<(String, [u16; 5])> {
    rows.into_iter()
        .map(|(p, s)| {
            let path = p
                .replace("{own_network}", &c.own_network)
                .replace("{other_network}", &c.other_network)
                .replace("{own_practice}", &c.own_practice)
                .replace("{other_practice}", &c.other_practice);
            (path, s)
        })
        .collect()
}

fn page_matrix(c: &Codes) -> Vec<(String, [u16; 5])> {
    let rows: Vec<Row> = vec![
        ("/", [303, 200, 200, 200, 200]),
        ("/netwerken", [303, 200, 200, 200, 200]),
        ("/netwerken/nieuw", [303, 200, 403, 403, 403]),
        ("/netwerken/{own_network}", [303, 200, 200, 0, 0]),
        ("/netwerken/{own_network}/bewerken", [303, 200, 200, 403, 403]),
        ("/netwerken/{other_network}", [303, 200, 403, 403, 403]),
        ("/netwerken/{other_network}/bewerken", [303, 200, 403, 403, 403]),
        ("/netwerken/{other_network}/ingeschreven-patienten", [303, 200, 403, 403, 403]),
        ("/netwerken/no-such-network", [303, 404, 404, 404, 404]),
        ("/netwerken/NOT%20A%20CODE", [303, 404, 404, 404, 404]),
        ("/login", [200, 303, 303, 303, 303]),
        ("/healthz", [200, 200, 200, 200, 200]),
        ("/metrics", [200, 200, 200, 200, 200]),
        ("/static/wijkregie.css", [200, 200, 200, 200, 200]),
        ("/no-such-page", [404, 404, 404, 404, 404]),
    ];
    fill(rows, c)
}

fn api_matrix(c: &Codes) -> Vec<(String, [u16; 5])> {
    let rows: Vec<Row> = vec![
        ("/api/v1/me", [401, 200, 200, 200, 200]),
        ("/api/v1/region", [401, 200, 200, 200, 200]),
        ("/api/v1/networks", [401, 200, 200, 200, 200]),
        ("/api/v1/networks/{own_network}", [401, 200, 200, 0, 0]),
        ("/api/v1/networks/{other_network}", [401, 200, 403, 403, 403]),
        ("/api/v1/networks/{other_network}/registered-patients", [401, 200, 403, 403, 403]),
        ("/api/v1/practices/{own_practice}", [401, 200, 200, 200, 403]),
        ("/api/v1/practices/{other_practice}", [401, 200, 403, 403, 403]),
        ("/api/v1/practices/123", [401, 404, 404, 404, 404]),
        ("/api/v1/wijken", [401, 200, 200, 200, 200]),
        ("/api/v1/organizations", [401, 200, 200, 200, 200]),
        // Tokens never carry a second factor, so the audit log stays closed to them.
        ("/api/v1/audit-log", [401, 403, 403, 403, 403]),
        ("/api/v1/openapi.json", [200, 200, 200, 200, 200]),
        ("/api/v1/nothing-here", [404, 404, 404, 404, 404]),
    ];
    fill(rows, c)
}

#[tokio::test]
async fn every_page_answers_each_role_as_the_table_says() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        for (i, who) in ALL.iter().enumerate() {
            let client = match who {
                Who::Anonymous => app.client(),
                Who::As(role) => app.login(*role).await,
            };
            for (path, expected) in page_matrix(&c) {
                if expected[i] == 0 {
                    continue; // depends on demo membership; covered elsewhere
                }
                let response = client.get(app.url(&path)).send().await.unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                assert_eq!(status, expected[i], "{engine:?} {who:?} GET {path}: {body:.300}");
                if status >= 400 && !path.starts_with("/static") {
                    assert!(body.contains("lang=\"nl\""), "{who:?} {path}: error pages are Dutch pages");
                    assert!(!body.contains(&c.other_network_name), "{who:?} {path}: leaked another network's name");
                }
            }
        }
    }
}

#[tokio::test]
async fn every_api_route_answers_each_token_as_the_table_says() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        for (i, who) in ALL.iter().enumerate() {
            let token = match who {
                Who::Anonymous => None,
                Who::As(role) => Some(app.token(*role).await),
            };
            let client = reqwest::Client::new();
            for (path, expected) in api_matrix(&c) {
                if expected[i] == 0 {
                    continue;
                }
                let mut request = client.get(app.url(&path));
                if let Some(t) = &token {
                    request = request.bearer_auth(t);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
                let body = response.text().await.unwrap();
                assert_eq!(status, expected[i], "{engine:?} {who:?} GET {path}: {body:.300}");
                if status >= 400 {
                    assert_eq!(content_type.as_deref(), Some("application/problem+json"), "{path}");
                    let problem: Value = serde_json::from_str(&body).unwrap();
                    assert_eq!(problem["status"], status, "{path}");
                    assert!(!body.contains(&c.other_network_name) && !body.contains(&c.other_practice_name));
                }
            }
        }
    }
}

#[tokio::test]
async fn lists_show_only_what_is_in_scope() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let token = app.token(Role::Networks).await;
        let page: Value = app.api_get(&token, "/api/v1/networks?per_page=200").await.1;
        let Scope::Networks(mine) = app.scope(Role::Networks) else { panic!("a wijkmanager has networks") };
        let codes_seen: Vec<&str> =
            page["items"].as_array().unwrap().iter().map(|n| n["code"].as_str().unwrap()).collect();
        assert_eq!(codes_seen.len(), mine.len(), "{engine:?}: {codes_seen:?}");
        assert!(!codes_seen.contains(&c.other_network.as_str()));
        let practices: Value = app.api_get(&token, "/api/v1/practices?per_page=200").await.1;
        assert!(!practices.to_string().contains(&c.other_practice));

        let admin = app.token(Role::Region).await;
        let all: Value = app.api_get(&admin, "/api/v1/practices?per_page=10&page=2").await.1;
        assert_eq!(all["total_items"], 42);
        assert_eq!(all["total_pages"], 5);
        assert_eq!(all["items"].as_array().unwrap().len(), 10);
    }
}

#[tokio::test]
async fn api_writes_validate_authorise_and_keep_payment_terms_with_the_region() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let http = reqwest::Client::new();
        let wm = app.token(Role::Networks).await;
        let admin = app.token(Role::Region).await;

        // A bad body lists every problem with its JSON path.
        let bad = json!({"code": "Wsv X", "name": "", "module": "alles", "status": "actief", "wijken": ["nergens"], "practices": [{"agb": "12", "from": "gisteren"}], "extra": true});
        let r = http.post(app.url("/api/v1/networks")).bearer_auth(&admin).json(&bad).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");
        let problem: Value = r.json().await.unwrap();
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        for expected in ["$.code", "$.module", "$.practices[0].agb", "$.practices[0].from", "$.extra"] {
            assert!(fields.contains(&expected), "{engine:?}: {expected} missing in {fields:?}");
        }

        // Not JSON at all.
        let r = http
            .post(app.url("/api/v1/networks"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The wijkmanager renames their own network, but cannot stop it.
        let mut own: Value = app.api_get(&wm, &format!("/api/v1/networks/{}", c.own_network)).await.1;
        let status_before = own["status"].clone();
        own["name"] = json!("Nieuwe naam");
        own["status"] = json!("gestopt");
        own["stopped_on"] = json!("2025-12-31");
        let r = http
            .put(app.url(&format!("/api/v1/networks/{}", c.own_network)))
            .bearer_auth(&wm)
            .json(&own)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine:?}");
        let after: Value = r.json().await.unwrap();
        assert_eq!(after["name"], "Nieuwe naam");
        assert_eq!(after["status"], status_before, "payment terms stay the region's");

        // ...and cannot touch another network at all.
        let other: Value = app.api_get(&admin, &format!("/api/v1/networks/{}", c.other_network)).await.1;
        let r = http
            .put(app.url(&format!("/api/v1/networks/{}", c.other_network)))
            .bearer_auth(&wm)
            .json(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // The region records a patient count; the practice itself may not.
        let count = json!({"date": "2026-11-01", "count": 4321});
        let path = format!("/api/v1/practices/{}/registered-patients", c.own_practice);
        let practice_token = app.token(Role::Practice).await;
        let r = http.post(app.url(&path)).bearer_auth(&practice_token).json(&count).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = http.post(app.url(&path)).bearer_auth(&admin).json(&count).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        assert!(body["registered_patients"].as_array().unwrap().iter().any(|c| c["count"] == 4321));
        let r = http
            .post(app.url(&path))
            .bearer_auth(&admin)
            .json(&json!({"date": "2026-13-01", "count": -1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Creating twice conflicts.
        let org = json!({"code": "buurtkracht", "name": "Buurtkracht", "domain": "welzijn"});
        let r = http.post(app.url("/api/v1/organizations")).bearer_auth(&admin).json(&org).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let r = http.post(app.url("/api/v1/organizations")).bearer_auth(&admin).json(&org).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn unsupported_methods_answer_405_with_allow() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let http = reqwest::Client::new();
    for (method, path) in
        [(Method::DELETE, "/api/v1/networks"), (Method::PATCH, "/api/v1/wijken/noord"), (Method::POST, "/healthz")]
    {
        let r = http.request(method.clone(), app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(r.headers().contains_key("allow"), "{method} {path}");
    }
}

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/networks",
        "/api/v1/networks/{code}",
        "/api/v1/practices/{code}",
        "/api/v1/wijken",
        "/api/v1/audit-log",
        "/api/v1/tokens",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["NetworkDoc"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let client = app.login(Role::Region).await;
        let path = format!("/netwerken/{}/bewerken", c.own_network);
        let r = client.post(app.url(&path)).form(&[("name", "Gekaapt")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let r = client.post(app.url(&path)).form(&[("csrf", "wrong"), ("name", "Gekaapt")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = client.post(app.url("/logout")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "even logout needs the token");
    }
}

#[tokio::test]
async fn login_needs_the_right_password_and_second_factor_and_is_throttled() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let (_, status) = app.login_as("wijkmanager@demo.wijkregie.nl", "fout wachtwoord", None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");

        // The admin's password alone reaches the TOTP step, not the dashboard.
        let client = app.client();
        let csrf = app.csrf(&client, "/login").await;
        let r = client
            .post(app.url("/login"))
            .form(&[("csrf", csrf.as_str()), ("email", "beheer@demo.wijkregie.nl"), ("password", "demo-wachtwoord")])
            .send()
            .await
            .unwrap();
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login/totp"));
        assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER, "not logged in yet");
        let csrf = app.csrf(&client, "/login/totp").await;
        let r = client
            .post(app.url("/login/totp"))
            .form(&[("csrf", csrf.as_str()), ("code", "000000")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Five wrong passwords lock the account for a while, even with the right one.
        for _ in 0..5 {
            app.login_as("praktijk@demo.wijkregie.nl", "nee", None).await;
        }
        let (_, status) = app.login_as("praktijk@demo.wijkregie.nl", "demo-wachtwoord", None).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

        // Logging out ends the session on the server.
        let client = app.login(Role::Networks).await;
        let csrf = app.csrf(&client, "/").await;
        let r = client.post(app.url("/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let r = app.client().get(app.url("/login")).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn every_access_is_in_the_audit_chain() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let wm = app.login(Role::Networks).await;
        wm.get(app.url(&format!("/netwerken/{}", c.own_network))).send().await.unwrap();
        wm.get(app.url(&format!("/netwerken/{}", c.other_network))).send().await.unwrap();
        let mut conn = app.app.store.conn().await.unwrap();
        let own = wijkregie_store::audit::for_object(&mut conn, "network", &c.own_network).await.unwrap();
        assert!(own.iter().any(|e| e.event.event == "network.view"
            && e.event.access_rule.as_deref() == Some("wijkmanager van dit netwerk")));
        let other = wijkregie_store::audit::for_object(&mut conn, "network", &c.other_network).await.unwrap();
        let refused = other.iter().find(|e| e.event.event == "network.view").expect("refusal logged");
        assert_eq!(refused.event.outcome, wijkregie_core::audit::Outcome::Refused);
        assert_eq!(refused.event.user_role.as_deref(), Some("wijkmanager"));
        assert!(refused.event.on_behalf_of.as_deref().unwrap().starts_with("netwerken "));
        assert_eq!(refused.event.client_addr.as_deref(), Some("127.0.0.1"));
        assert!(matches!(
            wijkregie_store::audit::verify(&mut conn, app.app.field_key.anchor_key(), None).await.unwrap(),
            wijkregie_store::audit::Verification::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn health_and_metrics_speak_their_formats() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let health: Value = reqwest::get(app.url("/healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    reqwest::get(app.url("/login")).await.unwrap();
    let metrics = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("wijkregie_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("# EOF"));
}
