//! A running wijkregie for HTTP tests: the real router on a random port,
//! on SQLite or PostgreSQL, filled with the demo region and accounts.

use std::net::SocketAddr;

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use wijkregie_app::demo::{self, ACCOUNTS, PASSWORD};
use wijkregie_app::{App, Config, Ctx};
use wijkregie_core::access::{Role, Scope};
use wijkregie_core::region::{Network, Practice};
use wijkregie_store::testing::{self, TestDb};
use wijkregie_store::Engine;

pub struct TestApp {
    pub addr: SocketAddr,
    pub app: App,
    pub engine: Engine,
    _db: std::sync::Arc<TestDb>,
}

pub const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

impl TestApp {
    pub async fn start(engine: Engine) -> TestApp {
        let db = match engine {
            Engine::Sqlite => testing::sqlite().await,
            Engine::Postgres => testing::postgres().await,
        };
        let key = wijkregie_store::crypto::FieldKey::ephemeral().expect("a random key");
        Self::serve(std::sync::Arc::new(db), key, true).await
    }

    /// The same database served with another key, after `--new-key`
    /// accepted that the old one is lost.
    pub async fn with_new_key(&self) -> TestApp {
        let key = wijkregie_store::crypto::FieldKey::ephemeral().expect("a random key");
        let source = wijkregie_store::crypto::KeySource::Environment;
        let dir = std::path::Path::new("/nonexistent");
        wijkregie_app::key_check::verify(&self._db.store, &key, &source, dir, true).await.expect("--new-key accepts");
        Self::serve(self._db.clone(), key, false).await
    }

    async fn serve(db: std::sync::Arc<TestDb>, key: wijkregie_store::crypto::FieldKey, demo: bool) -> TestApp {
        let engine = db.engine;
        let config = Config { secure_cookies: false, instance: "test".into(), ..Config::default() };
        let started = App::start(db.store.clone(), config, key, demo).await.expect("the app starts");
        let app = started.app;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("bound address");
        let router = wijkregie_web::router(app.clone());
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .expect("server runs");
        });
        TestApp { addr, app, engine, _db: db }
    }

    /// The operator on the server, for tests that call a use case directly.
    pub fn operator(&self) -> Ctx {
        Ctx::operator(self.app.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser-like client: keeps cookies, does not follow redirects, so
    /// tests can see them.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("client builds")
    }

    /// The CSRF token of the client's session, read from a page's form.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let html = client.get(self.url(path)).send().await.expect("page answers").text().await.expect("text");
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    /// Logs in with email and password (and the TOTP code where the account
    /// has one); an account whose role requires a second factor it has not
    /// set up enrols on the way, as a new user does, with the secret the
    /// enrolment page shows. Returns the client and the final status.
    pub async fn login_as(&self, email: &str, password: &str, totp_secret: Option<&str>) -> (Client, StatusCode) {
        let client = self.client();
        let csrf = self.csrf(&client, "/login").await;
        let response = client
            .post(self.url("/login"))
            .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password), ("next", "/")])
            .send()
            .await
            .expect("login answers");
        let status = response.status();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        if location.starts_with("/login/totp-instellen") {
            let status = self.enrol(&client, &location).await.1;
            return (client, status);
        }
        if !location.starts_with("/login/totp") {
            return (client, status);
        }
        let secret = totp_secret.expect("this account needs a TOTP secret");
        self.forget_used_codes(email).await;
        let csrf = self.csrf(&client, &location).await;
        let code = wijkregie_app::credentials::totp::current_code(secret).expect("a code");
        let response = client
            .post(self.url("/login/totp"))
            .form(&[("csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/")])
            .send()
            .await
            .expect("totp answers");
        let status = response.status();
        (client, status)
    }

    /// Forgets which TOTP codes the account used. A code counts once (RFC
    /// 6238 §5.2), but tests log the same demo account in several times
    /// within one 30-second step; the rule itself is tested on its own
    /// (`accounts::a_totp_code_logs_in_once`).
    pub async fn forget_used_codes(&self, email: &str) {
        let mut conn = self.app.store.conn().await.expect("a connection");
        sqlx::query("UPDATE app_user SET totp_last_step = NULL WHERE email = $1")
            .bind(wijkregie_store::account::normalize_email(email))
            .execute(&mut *conn)
            .await
            .expect("used codes forgotten");
    }

    /// Enrols a second factor on the page at `location` (after the
    /// password step); returns the secret it showed and the final status.
    pub async fn enrol(&self, client: &Client, location: &str) -> (String, StatusCode) {
        let html = client.get(self.url(location)).send().await.expect("enrolment page").text().await.expect("text");
        let secret = secret_in(&html).expect("the enrolment page shows the secret");
        let csrf = csrf_in(&html).expect("a csrf field");
        let code = wijkregie_app::credentials::totp::current_code(&secret).expect("a code");
        let response = client
            .post(self.url("/login/totp-instellen"))
            .form(&[("csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/")])
            .send()
            .await
            .expect("enrolment answers");
        (secret, response.status())
    }

    /// A client logged in as the demo account of this role.
    pub async fn login(&self, role: Role) -> Client {
        let account = ACCOUNTS.iter().find(|a| a.role == role).expect("a demo account per role");
        let (client, status) = self.login_as(account.email, PASSWORD, account.totp()).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "demo login as {role:?} succeeds");
        client
    }

    /// GETs a page; returns status and body.
    pub async fn get(&self, client: &Client, path: &str) -> (u16, String) {
        let response = client.get(self.url(path)).send().await.expect("page answers");
        (response.status().as_u16(), response.text().await.expect("text"))
    }

    /// Posts a form with the session's CSRF token; returns status, Location and body.
    pub async fn post(&self, client: &Client, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let csrf = self.csrf(client, "/mijn-account").await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let response = client.post(self.url(path)).form(&form).send().await.expect("form answers");
        let status = response.status().as_u16();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        (status, location, response.text().await.expect("text"))
    }

    /// GETs an API route with a bearer token; returns status and JSON body.
    pub async fn api_get(&self, token: &str, path: &str) -> (StatusCode, serde_json::Value) {
        let r = Client::new().get(self.url(path)).bearer_auth(token).send().await.expect("API answers");
        let status = r.status();
        (status, r.json().await.expect("a JSON body"))
    }

    /// The scope the demo account of this role has.
    pub fn scope(&self, role: Role) -> Scope {
        demo::scope_for(role, &wijkregie_formats::demo::region())
    }

    /// A demo network outside every demo account's scope, and a practice
    /// outside the wijkmanager's networks: what "never another's data" tests
    /// look for.
    pub fn outside_scopes(&self) -> (Network, Practice) {
        let region = wijkregie_formats::demo::region();
        let Scope::Networks(mine) = self.scope(Role::Networks) else { panic!("wijkmanager has networks") };
        let Scope::Practice(own_practice) = self.scope(Role::Practice) else { panic!("praktijk has a practice") };
        let Scope::Organization(own_org) = self.scope(Role::Organization) else {
            panic!("partner has an organisation")
        };
        let network = region
            .networks
            .iter()
            .find(|n| {
                !mine.contains(&n.code)
                    && !n.practices.iter().any(|m| m.member == own_practice)
                    && !n.partners.iter().any(|m| m.member == own_org)
            })
            .expect("a network outside every demo scope")
            .clone();
        let practice = region
            .practices
            .iter()
            .find(|p| {
                p.code != own_practice
                    && !region
                        .networks
                        .iter()
                        .any(|n| mine.contains(&n.code) && n.practices.iter().any(|m| m.member == p.code))
            })
            .expect("a practice outside the wijkmanager's networks")
            .clone();
        (network, practice)
    }

    /// The SQLite database file behind this app (SQLite only).
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        let path = self._db.url.strip_prefix("sqlite://")?;
        Some(std::path::PathBuf::from(path.split('?').next().unwrap_or(path)))
    }

    /// A plain-SQL `pg_dump` of this test's schema (PostgreSQL only).
    pub fn pg_dump(&self) -> Vec<u8> {
        let url = &self._db.url;
        let schema = url.rsplit("search_path%3D").next().expect("the test URL names its schema");
        let base = url.split('?').next().expect("a URL");
        let output = std::process::Command::new("pg_dump")
            .args(["--no-owner", "--schema", schema, base])
            .output()
            .expect("pg_dump runs (PostgreSQL client tools are installed by .ci/run)");
        assert!(output.status.success(), "pg_dump: {}", String::from_utf8_lossy(&output.stderr));
        output.stdout
    }

    /// Creates an API token that may write for the demo account of this
    /// role (a regio-beheerder confirms it with a TOTP code).
    pub async fn token(&self, role: Role) -> String {
        let account = ACCOUNTS.iter().find(|a| a.role == role).expect("a demo account per role");
        let code = match (role, account.totp()) {
            (Role::Region, Some(secret)) => wijkregie_app::credentials::totp::current_code(secret),
            _ => None,
        };
        self.token_with(role, serde_json::json!({ "name": "test", "scope": "write", "code": code })).await
    }

    /// Creates an API token for the demo account of this role, as `request` asks.
    pub async fn token_with(&self, role: Role, request: serde_json::Value) -> String {
        let client = self.login(role).await;
        let account = ACCOUNTS.iter().find(|a| a.role == role).expect("a demo account per role");
        // The confirming code is the one the login just used.
        self.forget_used_codes(account.email).await;
        let csrf = self.csrf(&client, "/").await;
        let response = client
            .post(self.url("/api/v1/tokens"))
            .header("x-csrf-token", csrf)
            .json(&request)
            .send()
            .await
            .expect("token answers");
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: serde_json::Value = response.json().await.expect("json");
        body["token"].as_str().expect("token in body").to_owned()
    }
}

/// The TOTP secret an enrolment page shows.
pub fn secret_in(html: &str) -> Option<String> {
    let start = html.find("id=\"totp-secret\">")? + "id=\"totp-secret\">".len();
    let len = html[start..].find('<')?;
    Some(html[start..start + len].to_owned())
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}
