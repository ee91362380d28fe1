//! Issue 22 item 6: every response, of every route group, carries the
//! security headers; pages are never cached; HSTS only behind HTTPS; and no
//! page needs an inline script or style, so the CSP can forbid them.

use reqwest::header::HeaderMap;
use tower::ServiceExt;
use wijkregie_app::{App, Config};
use wijkregie_core::access::Role;
use wijkregie_store::testing;

use crate::common::{TestApp, ENGINES};

const CSP: &str = "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; object-src 'none'";

/// The headers every response has; `cacheable` for the static files.
fn assert_secure(headers: &HeaderMap, what: &str, cacheable: bool) {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(get("content-security-policy"), CSP, "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert!(!headers.contains_key("strict-transport-security"), "{what}: no HSTS with --insecure-cookies");
    if cacheable {
        assert!(get("cache-control").starts_with("public"), "{what}: {}", get("cache-control"));
    } else {
        assert_eq!(get("cache-control"), "no-store", "{what}");
    }
}

/// What a CSP without 'unsafe-inline' would block.
fn assert_nothing_inline(html: &str, what: &str) {
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(tag.contains(" src="), "{what}: inline script {tag}");
    }
    assert!(!html.contains("<style"), "{what}: a style element");
    assert!(!html.contains(" style="), "{what}: a style attribute");
    let lower = html.to_lowercase();
    for handler in [" onclick=", " onload=", " onsubmit=", " onchange=", " oninput=", " onerror="] {
        assert!(!lower.contains(handler), "{what}: an inline handler {handler}");
    }
}

#[tokio::test]
async fn every_route_group_sends_the_security_headers() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let anonymous = app.client();
        for (path, status) in [
            ("/login", 200),
            ("/aanmelden", 200),
            ("/sociale-kaart", 200),
            ("/bestaat-niet", 404),
            ("/", 303),
            ("/directory", 301),
            ("/api/v1/region", 401),
            ("/api/v1/bestaat-niet", 404),
            ("/api/hsds/services", 401),
            ("/fhir/metadata", 401),
            ("/healthz", 200),
            ("/static/bestaat-niet.css", 404),
        ] {
            let r = anonymous.get(app.url(path)).send().await.unwrap();
            let what = format!("{engine:?} anonymous {path}");
            assert_eq!(r.status().as_u16(), status, "{what}");
            assert_secure(r.headers(), &what, false);
            let html = r.text().await.unwrap();
            assert_nothing_inline(&html, &what);
        }
        let r = anonymous.get(app.url("/static/wijkregie.css")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_secure(r.headers(), "a static file", true);
        // htmx's inline indicator style is off; the stylesheet has it.
        let css = r.text().await.unwrap();
        assert!(css.contains(".htmx-request .htmx-indicator"), "the indicator style is in the stylesheet");
        let login = anonymous.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
        assert!(
            login.contains(r#"<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>"#),
            "htmx injects no style element"
        );

        let admin = app.login(Role::Region).await;
        for path in ["/", "/verwijzingen", "/mijn-account", "/aanbod", "/populatiedata", "/kaart", "/bestaat-niet"] {
            let r = admin.get(app.url(path)).send().await.unwrap();
            let what = format!("{engine:?} beheerder {path}");
            assert_secure(r.headers(), &what, false);
            assert_nothing_inline(&r.text().await.unwrap(), &what);
        }
        // A refused form (400) and a forbidden page (403) too.
        let r = admin.post(app.url("/logout")).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert_secure(r.headers(), "a refused form", false);

        let token = app.token(Role::Region).await;
        for path in ["/api/v1/region", "/api/v1/bestaat-niet", "/api/hsds/services", "/fhir/metadata", "/fhir/Task"] {
            let r = reqwest::Client::new().get(app.url(path)).bearer_auth(&token).send().await.unwrap();
            assert_secure(r.headers(), &format!("{engine:?} token {path}"), false);
        }
    }
}

#[tokio::test]
async fn hsts_only_behind_https() {
    let db = testing::sqlite().await;
    let config = Config { secure_cookies: true, instance: "test".into(), ..Config::default() };
    let key = wijkregie_store::crypto::FieldKey::ephemeral().unwrap();
    let app: App = App::start(db.store.clone(), config, key, false).await.unwrap().app;
    let request = axum::http::Request::get("/healthz").body(axum::body::Body::empty()).unwrap();
    let response = wijkregie_web::router(app).oneshot(request).await.unwrap();
    let hsts = response.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(hsts.as_deref(), Some("max-age=31536000"));
}
