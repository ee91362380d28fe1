//! Logging in: where the browser goes afterwards, and the throttle.

use reqwest::StatusCode;
use wijkregie_app::account;
use wijkregie_app::demo::{ADMIN_TOTP_SECRET, PASSWORD};
use wijkregie_app::Error;
use wijkregie_core::access::Role;

use crate::common::{csrf_in, TestApp, ENGINES};

/// `next` values that once left the site or broke the response; a browser
/// drops TAB, LF and CR from a URL, so `/<TAB>/evil.example` is `//evil.example`.
const NASTY_NEXT: [&str; 12] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "java\tscript:alert(1)",
    "/..//evil.example",
    "/netwerken\nSet-Cookie: x=1",
    "/%09/evil.example",
    "/\u{0}/evil.example",
];

/// A browser's reading of a Location header: on this origin when it is an
/// absolute path after the browser drops TAB, LF and CR.
fn stays_on_origin(location: &str) -> bool {
    let cleaned: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    cleaned.starts_with('/') && !cleaned.starts_with("//") && !cleaned.contains('\\')
}

#[tokio::test]
async fn after_login_the_browser_stays_on_this_site() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        for next in NASTY_NEXT {
            let client = app.client();
            let csrf = app.csrf(&client, "/login").await;
            let response = client
                .post(app.url("/login"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "wijkmanager@demo.wijkregie.nl"),
                    ("password", PASSWORD),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{engine:?} next={next:?}");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(stays_on_origin(&location), "{engine:?} next={next:?} went to {location:?}");
            // Logged in already: the login page sends on at once, by the same rule.
            let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            let response = client.get(app.url(&format!("/login?next={encoded}"))).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{engine:?} GET next={next:?}");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(stays_on_origin(&location), "{engine:?} GET next={next:?} went to {location:?}");
        }
        // Through the second step as well.
        // One login only: a TOTP code is accepted once.
        for next in ["/\t/evil.example"] {
            let client = app.client();
            let csrf = app.csrf(&client, "/login").await;
            let response = client
                .post(app.url("/login"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "beheer@demo.wijkregie.nl"),
                    ("password", PASSWORD),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap();
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(location.starts_with("/login/totp?"), "{engine:?}: {location}");
            let html = client.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
            let csrf = csrf_in(&html).unwrap();
            let code = wijkregie_app::credentials::totp::current_code(ADMIN_TOTP_SECRET).unwrap();
            let response = client
                .post(app.url("/login/totp"))
                .form(&[("csrf", csrf.as_str()), ("code", code.as_str()), ("next", next)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{engine:?} totp next={next:?}");
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            assert!(stays_on_origin(&location), "{engine:?} totp next={next:?} went to {location:?}");
        }
    }
}

/// 100 wrong passwords at once: each is counted before its password is
/// checked, so no more than the limit get a check (argon2) at all; the rest
/// are refused as "too many" straight away.
#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_checks_than_the_limit() {
    let limit = wijkregie_core::throttle::Kind::LoginAccountAddress.rule().limit;
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let app = app.app.clone();
            tasks.push(tokio::spawn(async move {
                let result =
                    account::login(&app, Some("192.0.2.7".into()), "wijkmanager@demo.wijkregie.nl", "fout").await;
                match result {
                    Err(Error::Invalid(_)) => Checked::Yes,
                    Err(Error::TooManyRequests { .. }) => Checked::No,
                    Err(e) => panic!("{e}"),
                    Ok(_) => panic!("a wrong password logged in"),
                }
            }));
        }
        let mut checked = 0;
        for t in tasks {
            if t.await.unwrap() == Checked::Yes {
                checked += 1;
            }
        }
        assert!(checked <= limit, "{engine:?}: {checked} of 100 passwords were checked, the limit is {limit}");
        assert!(checked >= 1, "{engine:?}: the first ones are checked");
    }
}

#[derive(PartialEq, Eq)]
enum Checked {
    Yes,
    No,
}

/// The limit is per account and address: a guesser elsewhere neither locks
/// the account for its owner nor everyone behind the guesser's address.
#[tokio::test]
async fn a_guesser_locks_out_neither_the_owner_nor_the_neighbours() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let guesser = Some("192.0.2.66".to_owned());
        for _ in 0..8 {
            let _ = account::login(&app.app, guesser.clone(), "wijkmanager@demo.wijkregie.nl", "fout").await;
        }
        let again = account::login(&app.app, guesser.clone(), "wijkmanager@demo.wijkregie.nl", PASSWORD).await;
        assert!(matches!(again, Err(Error::TooManyRequests { .. })), "{engine:?}: the guesser is stopped");
        // The owner, from their own address, still gets in.
        let owner = account::login(&app.app, Some("198.51.100.1".into()), "wijkmanager@demo.wijkregie.nl", PASSWORD);
        assert!(owner.await.is_ok(), "{engine:?}: the owner logs in");
        // Someone else behind the guesser's address (one proxy, one NAT) too.
        let neighbour = account::login(&app.app, guesser.clone(), "praktijk@demo.wijkregie.nl", PASSWORD).await;
        assert!(neighbour.is_ok(), "{engine:?}: another account from the same address logs in");
    }
}

/// Tokens expire and are read-only unless asked otherwise; a regio-beheerder
/// confirms a token that may write with a TOTP code.
#[tokio::test]
async fn api_tokens_expire_and_read_only_tokens_cannot_write() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let http = reqwest::Client::new();
        let body = serde_json::json!({"code": "wsv-x", "name": "X"});

        // One login only: a TOTP code is accepted once.
        let client = app.login(Role::Region).await;
        let csrf = app.csrf(&client, "/").await;
        let new_token = |request: serde_json::Value| {
            client.post(app.url("/api/v1/tokens")).header("x-csrf-token", csrf.as_str()).json(&request).send()
        };
        let r = new_token(serde_json::json!({ "name": "lezen" })).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let created: serde_json::Value = r.json().await.unwrap();
        assert_eq!(created["scope"], "read", "{engine:?}: read-only unless asked");
        let read = created["token"].as_str().unwrap().to_owned();
        assert_eq!(app.api_get(&read, "/api/v1/me").await.0, StatusCode::OK, "{engine:?}");
        let r = http.post(app.url("/api/v1/networks")).bearer_auth(&read).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine:?}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{engine:?}");
        let problem: serde_json::Value = r.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().contains("alleen lezen"), "{engine:?}: {problem}");

        // Write without a code: refused for the regio-beheerder, field by field.
        let r = new_token(serde_json::json!({ "name": "schrijven", "scope": "write" })).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");
        let problem: serde_json::Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "$.code", "{engine:?}: {problem}");

        // A wijkmanager's write token writes; its expiry is 90 days out.
        let wm = app.login(Role::Networks).await;
        let csrf = app.csrf(&wm, "/").await;
        let r = wm
            .post(app.url("/api/v1/tokens"))
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({ "name": "koppeling", "scope": "write" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let created: serde_json::Value = r.json().await.unwrap();
        let expires = chrono::DateTime::parse_from_rfc3339(created["expires_at"].as_str().unwrap()).unwrap();
        let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
        assert!((89..=90).contains(&days), "{engine:?}: {created}");

        // An expired token: 401 with problem details.
        let mut conn = app.app.store.conn().await.unwrap();
        let user =
            wijkregie_store::account::user_by_email(&mut conn, "wijkmanager@demo.wijkregie.nl").await.unwrap().unwrap();
        let past = chrono::Utc::now() - chrono::Duration::days(200);
        let old = wijkregie_store::account::NewApiToken {
            user_id: user.id,
            name: "oud",
            token: "wr_verlopen",
            expires_at: past + chrono::Duration::days(90),
            scope: wijkregie_core::access::TokenScope::Write,
        };
        wijkregie_store::account::create_api_token(&mut conn, &old, past).await.unwrap();
        drop(conn);
        let r = http.get(app.url("/api/v1/me")).bearer_auth("wr_verlopen").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{engine:?}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{engine:?}");
        let problem: serde_json::Value = r.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().contains("verlopen"), "{engine:?}: {problem}");
    }
}
