//! "Wachtwoord vergeten" and the second-factor policy on both engines: a
//! reset link works once and for 30 minutes, says nothing about unknown
//! addresses, is rate limited and ends every session; a role that requires a
//! second factor enrols right after the password step, and nothing else is
//! reachable before that.

use std::time::Instant;

use chrono::{Duration, Utc};
use reqwest::{Client, StatusCode};
use wijkregie_app::account::{create_user, UserSpec};
use wijkregie_app::credentials::totp::current_code;
use wijkregie_app::demo::{ACCOUNTS, PASSWORD};
use wijkregie_app::mail::MailKind;
use wijkregie_app::password_reset::{self, NewPassword};
use wijkregie_core::access::{Role, Scope};

use crate::common::{csrf_in, secret_in, TestApp, ENGINES};

fn email(role: Role) -> &'static str {
    ACCOUNTS.iter().find(|a| a.role == role).unwrap().email
}

/// Asks for a reset link as an anonymous visitor; returns status and Location.
async fn ask(app: &TestApp, client: &Client, address: &str) -> (StatusCode, String) {
    let csrf = app.csrf(client, "/wachtwoord-vergeten").await;
    let r = client
        .post(app.url("/wachtwoord-vergeten"))
        .form(&[("csrf", csrf.as_str()), ("email", address)])
        .send()
        .await
        .unwrap();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (r.status(), location)
}

/// The reset tokens mailed to `address`, newest first.
async fn mailed_tokens(app: &TestApp, address: &str) -> Vec<String> {
    let mut conn = app.app.store.conn().await.unwrap();
    wijkregie_store::outbox::outbox(&mut conn, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MailKind::PasswordReset && m.recipient == address)
        .map(|m| {
            let start = m.body.find("/wachtwoord-vergeten/").unwrap() + "/wachtwoord-vergeten/".len();
            m.body[start..].split_whitespace().next().unwrap().to_owned()
        })
        .collect()
}

async fn choose(app: &TestApp, client: &Client, token: &str, new: &str, repeat: &str) -> (StatusCode, String) {
    let path = format!("/wachtwoord-vergeten/{token}");
    let html = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&html).unwrap();
    let r = client
        .post(app.url(&path))
        .form(&[("csrf", csrf.as_str()), ("new_password", new), ("repeat_password", repeat)])
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn a_reset_link_works_once_and_says_nothing_about_unknown_addresses() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let who = email(Role::Networks);
        let logged_in = app.login(Role::Networks).await;
        let visitor = app.client();

        let started = Instant::now();
        let known = ask(&app, &visitor, who).await;
        let known_ms = started.elapsed().as_millis();
        let started = Instant::now();
        let unknown = ask(&app, &visitor, "niemand@example.nl").await;
        let unknown_ms = started.elapsed().as_millis();
        println!("{engine:?}: reset request known {known_ms} ms, unknown {unknown_ms} ms");
        assert_eq!(known, unknown, "{engine:?}: the same answer either way");
        assert_eq!(known, (StatusCode::SEE_OTHER, "/wachtwoord-vergeten?verstuurd=1".to_owned()));
        let (_, page) = app.get(&visitor, "/wachtwoord-vergeten?verstuurd=1").await;
        assert!(page.contains("Als dit e-mailadres bij wijkregie bekend is"), "{engine:?}");
        assert!(mailed_tokens(&app, "niemand@example.nl").await.is_empty(), "{engine:?}: no mail to strangers");
        let tokens = mailed_tokens(&app, who).await;
        assert_eq!(tokens.len(), 1, "{engine:?}");
        let token = &tokens[0];
        let mut conn = app.app.store.conn().await.unwrap();
        let stored: Vec<String> = sqlx_hashes(&mut conn).await;
        assert!(!stored.contains(token), "{engine:?}: only a hash is stored");
        drop(conn);

        // A bad password is refused and leaves the link working.
        let (status, body) = choose(&app, &visitor, token, "nieuw wachtwoord 1", "iets anders dan dat").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");
        assert!(body.contains("de herhaling is niet gelijk"), "{engine:?}");
        let (status, _) = choose(&app, &visitor, token, "kort", "kort").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");

        let new = "een heel nieuw wachtwoord";
        let (status, _) = choose(&app, &visitor, token, new, new).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine:?}");
        let (status, _) = app.get(&logged_in, "/").await;
        assert_eq!(status, 303, "{engine:?}: the session opened before the reset is gone");
        assert_eq!(app.login_as(who, PASSWORD, None).await.1, StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}");
        assert_eq!(app.login_as(who, new, None).await.1, StatusCode::SEE_OTHER, "{engine:?}: the new one works");

        // Used once: the link is dead now.
        let (status, page) = app.get(&visitor, &format!("/wachtwoord-vergeten/{token}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Deze link werkt niet meer") && !page.contains("new_password"), "{engine:?}");
        let r = visitor
            .post(app.url(&format!("/wachtwoord-vergeten/{token}")))
            .form(&[
                ("csrf", app.csrf(&visitor, "/wachtwoord-vergeten").await.as_str()),
                ("new_password", "nog een ander wachtwoord"),
                ("repeat_password", "nog een ander wachtwoord"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}: reuse refused");
        assert!(r.text().await.unwrap().contains("werkt niet meer"));
        let (status, _) = app.get(&visitor, "/wachtwoord-vergeten/%3Cscript%3E").await;
        assert_eq!(status, 200, "{engine:?}: a nonsense token is just a dead link");

        let mut conn = app.app.store.conn().await.unwrap();
        let user = wijkregie_store::account::user_by_email(&mut conn, who).await.unwrap().unwrap();
        let log = wijkregie_store::audit::for_object(&mut conn, "user", &user.id.to_string()).await.unwrap();
        let events: Vec<_> = log.iter().map(|e| e.event.event.as_str()).collect();
        assert!(
            events.contains(&"auth.password_reset_request") && events.contains(&"user.password_reset"),
            "{events:?}"
        );
    }
}

async fn sqlx_hashes(conn: &mut wijkregie_store::AnyConnection) -> Vec<String> {
    use sqlx::Row;
    sqlx::query("SELECT token_hash FROM password_reset")
        .fetch_all(conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("token_hash"))
        .collect()
}

#[tokio::test]
async fn a_reset_link_expires_after_thirty_minutes_and_a_newer_one_replaces_it() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let who = email(Role::Networks);
        let now = Utc::now();
        password_reset::request(&app.app, None, who, now).await.unwrap();
        let first = mailed_tokens(&app, who).await.remove(0);
        assert!(password_reset::link_works(&app.app, &first, now + Duration::minutes(29)).await.unwrap());
        assert!(!password_reset::link_works(&app.app, &first, now + Duration::minutes(31)).await.unwrap());
        let new = NewPassword { new: "een heel nieuw wachtwoord", repeat: "een heel nieuw wachtwoord" };
        let late = password_reset::reset(&app.app, None, &first, new, now + Duration::minutes(31)).await;
        assert!(matches!(late, Err(wijkregie_app::Error::Invalid(ref e)) if e[0].field == "token"), "{engine:?}");

        password_reset::request(&app.app, None, who, now + Duration::minutes(1)).await.unwrap();
        let second = mailed_tokens(&app, who).await.remove(0);
        assert_ne!(first, second);
        assert!(!password_reset::link_works(&app.app, &first, now + Duration::minutes(2)).await.unwrap(), "replaced");
        assert!(password_reset::link_works(&app.app, &second, now + Duration::minutes(2)).await.unwrap());
    }
}

#[tokio::test]
async fn asking_for_reset_links_is_rate_limited_known_address_or_not() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let visitor = app.client();
        for address in [email(Role::Networks), "niemand@example.nl"] {
            for _ in 0..wijkregie_core::throttle::Kind::ResetEmail.rule().limit {
                assert_eq!(ask(&app, &visitor, address).await.0, StatusCode::SEE_OTHER, "{engine:?}");
            }
            assert_eq!(ask(&app, &visitor, address).await.0, StatusCode::TOO_MANY_REQUESTS, "{engine:?} {address}");
        }
        assert_eq!(mailed_tokens(&app, email(Role::Networks)).await.len(), 3, "{engine:?}");
        let (_, page) = app.get(&visitor, "/login").await;
        assert!(page.contains("href=\"/wachtwoord-vergeten\""), "{engine:?}: the login page links to it");
    }
}

/// A new praktijk user without a second factor, in a scope of the demo.
async fn new_practice_user(app: &TestApp, address: &str) {
    let Scope::Practice(code) = app.scope(Role::Practice) else { panic!() };
    let spec = UserSpec {
        email: address.into(),
        name: "Nieuwe huisarts".into(),
        password: "een-lang-wachtwoord".into(),
        role: Role::Practice,
        scope: Scope::Practice(code),
    };
    create_user(&app.operator(), spec, false).await.unwrap();
}

async fn password_step(app: &TestApp, client: &Client, address: &str, password: &str) -> String {
    let csrf = app.csrf(client, "/login").await;
    let r = client
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", address), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_role_that_requires_a_second_factor_enrols_right_after_the_password() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        new_practice_user(&app, "nieuw@praktijk.nl").await;
        let client = app.client();
        let location = password_step(&app, &client, "nieuw@praktijk.nl", "een-lang-wachtwoord").await;
        assert!(location.starts_with("/login/totp-instellen"), "{engine:?}: {location}");
        for page in ["/", "/verwijzingen", "/mijn-account"] {
            let (status, _) = app.get(&client, page).await;
            assert_eq!(status, 303, "{engine:?}: {page} is not reachable before enrolling");
        }
        let (status, first) = app.get(&client, &location).await;
        assert_eq!(status, 200);
        assert!(first.contains("<svg") && first.contains("role=\"img\""), "{engine:?}: a QR code");
        let shown = secret_in(&first).unwrap();
        let (_, again) = app.get(&client, &location).await;
        assert_ne!(secret_in(&again).unwrap(), shown, "{engine:?}: a secret is shown once");
        let csrf = csrf_in(&again).unwrap();
        let r = client
            .post(app.url("/login/totp-instellen"))
            .form(&[("csrf", csrf.as_str()), ("code", "000000"), ("next", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine:?}: a wrong code");
        assert!(r.text().await.unwrap().contains("deze code klopt niet"));

        let (secret, status) = app.enrol(&client, &location).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine:?}: enrolled and logged in");
        let (status, _) = app.get(&client, "/verwijzingen").await;
        assert_eq!(status, 200, "{engine:?}");
        let (_, account) = app.get(&client, "/mijn-account").await;
        assert!(account.contains("Voor uw rol is de tweede factor verplicht"), "{engine:?}: it cannot be turned off");
        assert!(!account.contains(&secret), "{engine:?}: never shown again");

        // The next login asks for a code from the app.
        let client = app.client();
        let location = password_step(&app, &client, "nieuw@praktijk.nl", "een-lang-wachtwoord").await;
        assert!(location.starts_with("/login/totp?"), "{engine:?}: {location}");
        assert!(current_code(&secret).is_some());
        let (_, status) = app.login_as("nieuw@praktijk.nl", "een-lang-wachtwoord", Some(&secret)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_regio_beheerder_chooses_the_roles_that_need_a_second_factor() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (_, list) = app.get(&admin, "/gebruikers").await;
        for role in ["praktijk", "netwerkpartner"] {
            assert!(list.contains(&format!("value=\"{role}\" checked")), "{engine:?}: {role} required by default");
        }
        assert!(list.contains("value=\"wijkmanager\">"), "{engine:?}: wijkmanager not by default");

        // Others may not change it.
        let practice = app.login(Role::Practice).await;
        let (status, _, _) = app.post(&practice, "/gebruikers/tweede-factor", &[("verplicht", "wijkmanager")]).await;
        assert_eq!(status, 403, "{engine:?}");
        let (status, _, body) = app.post(&admin, "/gebruikers/tweede-factor", &[("verplicht", "operator")]).await;
        assert_eq!(status, 400, "{engine:?}: {body:.200}");

        let (status, location, _) = app
            .post(&admin, "/gebruikers/tweede-factor", &[("verplicht", "wijkmanager"), ("verplicht", "netwerkpartner")])
            .await;
        assert_eq!((status, location.as_str()), (303, "/gebruikers"), "{engine:?}");
        let (_, list) = app.get(&admin, "/gebruikers").await;
        assert!(list.contains("role=\"status\">De instelling van de tweede factor is opgeslagen"), "{engine:?}");
        // A praktijk user without TOTP now logs in with the password alone...
        new_practice_user(&app, "zonder@praktijk.nl").await;
        let location = password_step(&app, &app.client(), "zonder@praktijk.nl", "een-lang-wachtwoord").await;
        assert_eq!(location, "/", "{engine:?}");
        // ...and the demo wijkmanager, who has none, must enrol.
        let location = password_step(&app, &app.client(), email(Role::Networks), PASSWORD).await;
        assert!(location.starts_with("/login/totp-instellen"), "{engine:?}: {location}");
        let mut conn = app.app.store.conn().await.unwrap();
        let log = wijkregie_store::audit::for_object(&mut conn, "settings", "totp_policy").await.unwrap();
        assert!(!log.is_empty(), "{engine:?}: the change is logged");
    }
}

/// RFC 6238 §5.2: a code is accepted once. The same code from a second
/// browser (seen over a shoulder, or in a proxy log) is refused, and so is
/// an older one after a newer one was used.
#[tokio::test]
async fn a_totp_code_logs_in_once() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let account = ACCOUNTS.iter().find(|a| a.role == Role::Region).unwrap();
        let secret = account.totp().unwrap();
        let code = current_code(secret).unwrap();
        let mut statuses = Vec::new();
        for _ in 0..2 {
            let client = app.client();
            let location = password_step(&app, &client, account.email, PASSWORD).await;
            assert!(location.starts_with("/login/totp?"), "{engine:?}: {location}");
            let csrf = app.csrf(&client, &location).await;
            let r = client
                .post(app.url("/login/totp"))
                .form(&[("csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/")])
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body = r.text().await.unwrap();
            statuses.push(status);
            if status == StatusCode::UNPROCESSABLE_ENTITY {
                assert!(body.contains("deze code klopt niet of is verlopen"), "{engine:?}: {body}");
            }
        }
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY], "{engine:?}: replay refused");
        // The secret is sealed at rest, not stored as the base32 text.
        let mut conn = app.app.store.conn().await.unwrap();
        let user = wijkregie_store::account::user_by_email(&mut conn, account.email).await.unwrap().unwrap();
        let stored = user.totp_secret.unwrap();
        assert!(stored.starts_with("v1:") && !stored.contains(secret), "{engine:?}: {stored}");
    }
}

/// A TOTP secret stored in plain text by an earlier version is sealed at
/// start, once (running it again changes nothing), and logs in as before.
#[tokio::test]
async fn plain_totp_secrets_from_before_are_sealed_at_start() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let account = ACCOUNTS.iter().find(|a| a.role == Role::Region).unwrap();
        let secret = account.totp().unwrap();
        let mut tx = app.app.store.begin().await.unwrap();
        sqlx::query("UPDATE app_user SET totp_secret = $1 WHERE email = $2")
            .bind(secret)
            .bind(account.email)
            .execute(tx.conn())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let sealed = wijkregie_app::credentials::one_time_code::seal_plaintext_secrets(&app.app).await.unwrap();
        assert_eq!(sealed, 1, "{engine:?}");
        let stored = |app: &TestApp| {
            let store = app.app.store.clone();
            async move {
                let mut conn = store.conn().await.unwrap();
                let user = wijkregie_store::account::user_by_email(&mut conn, account.email).await.unwrap().unwrap();
                user.totp_secret.unwrap()
            }
        };
        let first = stored(&app).await;
        assert!(first.starts_with("v1:") && !first.contains(secret), "{engine:?}");
        assert_eq!(wijkregie_app::credentials::one_time_code::seal_plaintext_secrets(&app.app).await.unwrap(), 0);
        assert_eq!(stored(&app).await, first, "{engine:?}: idempotent");
        let (_, status) = app.login_as(account.email, PASSWORD, Some(secret)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine:?}");
    }
}
