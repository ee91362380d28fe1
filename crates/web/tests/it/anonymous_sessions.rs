//! Issue 22 item 14: a visitor without a cookie gets a session only where a
//! form needs its CSRF token (login, applying, a forgotten password), not
//! for reading the public map; the forms keep their protection.

use reqwest::StatusCode;
use wijkregie_app::demo::PASSWORD;

use crate::common::{csrf_in, TestApp, ENGINES};

async fn sessions(app: &TestApp) -> i64 {
    let mut conn = app.app.store.conn().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM session").fetch_one(&mut *conn).await.unwrap()
}

#[tokio::test]
async fn reading_public_pages_writes_no_session() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let before = sessions(&app).await;
        let paths = [
            "/sociale-kaart",
            "/sociale-kaart?q=eenzaam&postcode=5961GH",
            "/sociale-kaart/aanbod/999999",
            "/",
            "/bestaat-niet",
            "/static/wijkregie.css",
            "/api/hsds/services",
        ];
        for i in 0..20 {
            let path = paths[i % paths.len()];
            // A new client each time: no cookie, as a crawler or a first visit.
            let r = app.client().get(app.url(path)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "{engine:?} {path}");
            assert!(r.headers().get("set-cookie").is_none(), "{engine:?} {path}: no cookie for reading");
        }
        assert_eq!(sessions(&app).await, before, "{engine:?}: 20 anonymous reads, no session rows");
    }
}

#[tokio::test]
async fn public_forms_get_a_session_and_keep_csrf_protection() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        for path in ["/login", "/aanmelden", "/wachtwoord-vergeten"] {
            let client = app.client();
            let html = client.get(app.url(path)).send().await.unwrap().text().await.unwrap();
            let token = csrf_in(&html).unwrap_or_default();
            assert!(token.len() >= 16, "{engine:?} {path}: the form carries a real token");
        }

        // A public form without the token, or without a session, is refused.
        let client = app.client();
        app.csrf(&client, "/aanmelden").await;
        let r = client.post(app.url("/aanmelden")).form(&[("naam", "Zonder token")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let r = client.post(app.url("/aanmelden")).form(&[("csrf", "verzonnen")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let r = app.client().post(app.url("/login")).form(&[("csrf", ""), ("email", "x")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}: no session, no form");

        // Logging in still works, from a first visit to the login page.
        let (_, status) = app.login_as("wijkmanager@demo.wijkregie.nl", PASSWORD, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine:?}");
    }
}
