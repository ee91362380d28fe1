//! "Mijn account", the users pages and the audit log page on both engines:
//! password change, second factor on and off, API tokens shown once, new
//! users with a checked scope, and the audit log only for the region.

use crate::common::{TestApp, ENGINES};
use wijkregie_app::credentials::totp::{code_at, current_code, now_unix};
use wijkregie_app::demo::{ACCOUNTS, PASSWORD};
use wijkregie_core::access::Role;

/// The value of the hidden or text input `name` in a page.
fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Logs in with a password only; returns the status and where it leads
/// (`/login/totp…` when a second factor is set up).
async fn password_step(app: &TestApp, email: &str, password: &str) -> (u16, String) {
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (response.status().as_u16(), location)
}

fn email(role: Role) -> &'static str {
    ACCOUNTS.iter().find(|a| a.role == role).unwrap().email
}

const WHO: [Option<Role>; 5] =
    [None, Some(Role::Region), Some(Role::Networks), Some(Role::Practice), Some(Role::Organization)];

#[tokio::test]
async fn account_users_and_audit_pages_answer_each_role_as_the_table_says() {
    let rows: [(&str, [u16; 5]); 6] = [
        ("/mijn-account", [303, 200, 200, 200, 200]),
        ("/gebruikers", [303, 200, 403, 403, 403]),
        ("/gebruikers/nieuw", [303, 200, 403, 403, 403]),
        ("/auditlog", [303, 200, 403, 403, 403]),
        ("/auditlog?before=5", [303, 200, 403, 403, 403]),
        ("/auditlog?before=abc", [303, 400, 403, 403, 403]),
    ];
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        for (i, who) in WHO.iter().enumerate() {
            let client = match who {
                None => app.client(),
                Some(role) => app.login(*role).await,
            };
            for (path, expected) in rows {
                let (status, body) = app.get(&client, path).await;
                assert_eq!(status, expected[i], "{engine:?} {who:?} GET {path}: {body:.300}");
                if status >= 400 {
                    assert!(body.contains("lang=\"nl\""), "{who:?} {path}: a Dutch error page");
                    assert!(!body.contains(email(Role::Region)), "{who:?} {path}: leaked an account");
                    assert!(!body.contains("audit_log.read"), "{who:?} {path}: leaked the audit log");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_password_change_checks_the_old_one_and_ends_other_sessions() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let me = app.login(Role::Networks).await;
        let elsewhere = app.login(Role::Networks).await;
        let new = "een nieuw en lang wachtwoord";

        let cases = [
            (
                [("current_password", "fout"), ("new_password", new), ("repeat_password", new)],
                "uw huidige wachtwoord klopt niet",
            ),
            (
                [("current_password", PASSWORD), ("new_password", "kort"), ("repeat_password", "kort")],
                "minstens 12 tekens",
            ),
            (
                [("current_password", PASSWORD), ("new_password", new), ("repeat_password", "iets anders")],
                "de herhaling is niet gelijk",
            ),
        ];
        for (fields, message) in cases {
            let (status, _, body) = app.post(&me, "/mijn-account/wachtwoord", &fields).await;
            assert_eq!(status, 422, "{engine:?} {message}");
            assert!(body.contains(message) && body.contains("aria-invalid=\"true\""), "{engine:?}: {message}");
        }

        let fields = [("current_password", PASSWORD), ("new_password", new), ("repeat_password", new)];
        let (status, location, _) = app.post(&me, "/mijn-account/wachtwoord", &fields).await;
        assert_eq!((status, location.as_str()), (303, "/mijn-account?melding=wachtwoord"), "{engine:?}");
        let (status, body) = app.get(&me, "/mijn-account?melding=wachtwoord").await;
        assert_eq!(status, 200);
        assert!(body.contains("Uw wachtwoord is gewijzigd"), "{engine:?}");
        let (status, _) = app.get(&elsewhere, "/mijn-account").await;
        assert_eq!(status, 303, "{engine:?}: the other session has ended");

        let (_, status) = app.login_as(email(Role::Networks), PASSWORD, None).await;
        assert_eq!(status.as_u16(), 422, "{engine:?}: the old password no longer works");
        let (_, status) = app.login_as(email(Role::Networks), new, None).await;
        assert_eq!(status.as_u16(), 303, "{engine:?}: the new one does");

        let admin = app.login(Role::Region).await;
        let (_, log) = app.get(&admin, "/auditlog").await;
        assert!(log.contains("user.password_change"), "{engine:?}: the change is in the audit log");
    }
}

#[tokio::test]
async fn the_second_factor_is_stored_only_after_a_valid_code_and_goes_off_with_one() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let wm = app.login(Role::Networks).await;
        let (_, page) = app.get(&wm, "/mijn-account").await;
        assert!(page.contains("Tweede factor instellen"));

        let (status, _, body) = app.post(&wm, "/mijn-account/totp/instellen", &[]).await;
        assert_eq!(status, 200, "{engine:?}");
        let start = body.find("<code>").expect("the pending secret is shown") + "<code>".len();
        let secret = body[start..].split('<').next().unwrap().to_owned();
        assert!(body.contains("otpauth://totp/"), "{engine:?}");
        assert!(input_value(&body, "secret").is_none(), "{engine:?}: the secret stays on the server, not in the form");

        // Nothing is stored yet: a login still needs only the password.
        assert_eq!(password_step(&app, email(Role::Networks), PASSWORD).await, (303, "/".into()), "{engine:?}");

        let code = current_code(&secret).unwrap();
        // A secret of the user's own choosing, sent along, is ignored: the
        // code must fit the secret the server showed.
        let other_secret = wijkregie_app::credentials::totp::new_secret();
        let other_code = current_code(&other_secret).unwrap();
        if other_code != code {
            let (status, _, _) = app
                .post(
                    &wm,
                    "/mijn-account/totp/aanzetten",
                    &[("secret", other_secret.as_str()), ("code", other_code.as_str())],
                )
                .await;
            assert_eq!(status, 422, "{engine:?}: only the secret that was shown can be confirmed");
        }

        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 500_000) % 1_000_000);
        let (status, _, body) = app.post(&wm, "/mijn-account/totp/aanzetten", &[("code", &wrong)]).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("deze code klopt niet of is verlopen") && body.contains(&secret), "{engine:?}");

        // Each code counts once (RFC 6238 §5.2), so the three codes below
        // are of increasing steps: the one before now (one step of clock
        // drift is accepted), now (the login), and the one after now.
        let earlier = code_at(&secret, now_unix() - 30).unwrap();
        let (status, location, _) = app.post(&wm, "/mijn-account/totp/aanzetten", &[("code", &earlier)]).await;
        assert_eq!((status, location.as_str()), (303, "/mijn-account?melding=totp-aan"), "{engine:?}");
        let (_, page) = app.get(&wm, "/mijn-account").await;
        assert!(page.contains("Tweede factor uitzetten") && !page.contains(&secret), "{engine:?}");

        let (_, next) = password_step(&app, email(Role::Networks), PASSWORD).await;
        assert!(next.starts_with("/login/totp"), "{engine:?}: a password alone no longer logs in");
        let (_, status) = app.login_as(email(Role::Networks), PASSWORD, Some(&secret)).await;
        assert_eq!(status.as_u16(), 303, "{engine:?}: with the code it does");

        let (status, _, body) = app.post(&wm, "/mijn-account/totp/uitzetten", &[("code", &wrong)]).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("deze code klopt niet of is verlopen"));
        let later = code_at(&secret, now_unix() + 30).unwrap();
        let (status, _, _) = app.post(&wm, "/mijn-account/totp/uitzetten", &[("code", &earlier)]).await;
        assert_eq!(status, 422, "{engine:?}: a code that was used once is refused");
        let (status, location, _) = app.post(&wm, "/mijn-account/totp/uitzetten", &[("code", &later)]).await;
        assert_eq!((status, location.as_str()), (303, "/mijn-account?melding=totp-uit"), "{engine:?}");
        let (_, page) = app.get(&wm, "/mijn-account").await;
        assert!(page.contains("Tweede factor instellen"), "{engine:?}");

        // The regio-beheerder cannot turn it off.
        let admin = app.login(Role::Region).await;
        let (_, page) = app.get(&admin, "/mijn-account").await;
        assert!(page.contains("Voor uw rol is de tweede factor verplicht") && !page.contains("totp/uitzetten"));
        let code = current_code(wijkregie_app::demo::ADMIN_TOTP_SECRET).unwrap();
        let (status, _, _) = app.post(&admin, "/mijn-account/totp/uitzetten", &[("code", &code)]).await;
        assert_eq!(status, 409, "{engine:?}");
        let (_, next) = password_step(&app, email(Role::Region), PASSWORD).await;
        assert!(next.starts_with("/login/totp"), "{engine:?}: still needs the second factor");
    }
}

#[tokio::test]
async fn an_api_token_is_shown_once_and_can_be_revoked() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let me = app.login(Role::Practice).await;
        let (status, _, body) = app.post(&me, "/mijn-account/tokens", &[("token_name", " ")]).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("geef de token een naam") && body.contains("aria-describedby=\"token_name-error\""));

        let (status, _, body) = app.post(&me, "/mijn-account/tokens", &[("token_name", "koppeling HIS")]).await;
        assert_eq!(status, 200, "{engine:?}");
        let start = body.find("<code>wr_").expect("the new token") + "<code>".len();
        let token = body[start..].split('<').next().unwrap().to_owned();
        assert!(body.contains("niet nog een keer getoond"));
        let (_, page) = app.get(&me, "/mijn-account").await;
        assert!(page.contains("koppeling HIS") && page.contains("actief") && !page.contains(&token), "{engine:?}");

        let api = reqwest::Client::new();
        let me_api = api.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(me_api.status().as_u16(), 200, "{engine:?}");

        // A token cannot change the account it belongs to.
        let r = api
            .post(app.url("/mijn-account/wachtwoord"))
            .bearer_auth(&token)
            .form(&[
                ("current_password", PASSWORD),
                ("new_password", "overgenomen wachtwoord"),
                ("repeat_password", "overgenomen wachtwoord"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{engine:?}");
        let r = api
            .post(app.url("/mijn-account/tokens"))
            .bearer_auth(&token)
            .form(&[("token_name", "nog een")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{engine:?}");

        let id = page.split("/mijn-account/tokens/").nth(1).and_then(|t| t.split('/').next()).unwrap().to_owned();
        let other = app.login(Role::Organization).await;
        let (status, _, _) = app.post(&other, &format!("/mijn-account/tokens/{id}/intrekken"), &[]).await;
        assert_eq!(status, 404, "{engine:?}: only the owner revokes a token");
        let (status, location, _) = app.post(&me, &format!("/mijn-account/tokens/{id}/intrekken"), &[]).await;
        assert_eq!((status, location.as_str()), (303, "/mijn-account?melding=token-ingetrokken"), "{engine:?}");
        let (_, page) = app.get(&me, "/mijn-account").await;
        assert!(page.contains("ingetrokken"));
        let me_api = api.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(me_api.status().as_u16(), 401, "{engine:?}");
        let (status, _, _) = app.post(&me, &format!("/mijn-account/tokens/{id}/intrekken"), &[]).await;
        assert_eq!(status, 404);
        let (status, _, _) = app.post(&me, "/mijn-account/tokens/abc/intrekken", &[]).await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn the_region_adds_users_whose_scope_exists() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (_, list) = app.get(&admin, "/gebruikers").await;
        for a in &ACCOUNTS {
            assert!(list.contains(a.email), "{engine:?}: {} listed", a.email);
        }

        let user = |email: &'static str, role: &'static str, scope: &'static str, password: &'static str| {
            vec![("email", email), ("name", "Nieuwe Collega"), ("role", role), ("scope", scope), ("password", password)]
        };
        let cases = [
            (
                user("a@example.nl", "wijkmanager", "wsv-nergens", "lang genoeg wachtwoord"),
                "netwerk &#39;wsv-nergens&#39; bestaat niet",
            ),
            (
                user("a@example.nl", "praktijk", "12345678", "lang genoeg wachtwoord"),
                "bestaat niet: vul de code of de AGB-code van de praktijk in",
            ),
            (
                user("a@example.nl", "praktijk", "123", "lang genoeg wachtwoord"),
                "bestaat niet: vul de code of de AGB-code",
            ),
            (user("a@example.nl", "netwerkpartner", "", "lang genoeg wachtwoord"), "geen geldige code"),
            (
                user("a@example.nl", "regio_beheerder", "wsv-binnenstad", "lang genoeg wachtwoord"),
                "laat de reikwijdte leeg",
            ),
            (user("a@example.nl", "wijkmanager", "wsv-binnenstad", "kort"), "minstens 12 tekens"),
            (
                user("geen-adres", "wijkmanager", "wsv-binnenstad", "lang genoeg wachtwoord"),
                "vul een geldig e-mailadres in",
            ),
            (
                user(email(Role::Practice), "wijkmanager", "wsv-binnenstad", "lang genoeg wachtwoord"),
                "er bestaat al een gebruiker",
            ),
            (user("a@example.nl", "baas", "", "lang genoeg wachtwoord"), "is geen rol"),
        ];
        for (fields, message) in &cases {
            let (status, _, body) = app.post(&admin, "/gebruikers/nieuw", fields).await;
            assert_eq!(status, 422, "{engine:?} {message}: {body:.300}");
            assert!(body.contains(message), "{engine:?}: expected '{message}'");
        }

        let fields = user("nieuw@example.nl", "wijkmanager", "wsv-binnenstad, wsv-zeggeveld", "lang genoeg wachtwoord");
        let (status, location, _) = app.post(&admin, "/gebruikers/nieuw", &fields).await;
        assert_eq!((status, location.as_str()), (303, "/gebruikers"), "{engine:?}");
        let (_, list) = app.get(&admin, "/gebruikers").await;
        assert!(list.contains("De gebruiker is aangemaakt."), "{engine:?}: the change confirms itself");
        assert!(list.contains("nieuw@example.nl") && list.contains("wsv-binnenstad, wsv-zeggeveld"), "{engine:?}");
        let (client, status) = app.login_as("nieuw@example.nl", "lang genoeg wachtwoord", None).await;
        assert_eq!(status.as_u16(), 303, "{engine:?}: the new user can log in");
        let (status, _) = app.get(&client, "/netwerken/wsv-zeggeveld").await;
        assert_eq!(status, 200, "{engine:?}: with the scope given");

        // A new regio-beheerder always gets a second factor, shown once.
        let fields = user("beheer2@example.nl", "regio_beheerder", "", "lang genoeg wachtwoord");
        let (status, _, body) = app.post(&admin, "/gebruikers/nieuw", &fields).await;
        assert_eq!(status, 200, "{engine:?}");
        let start = body.find("Geheime sleutel: <code>").expect("the secret") + "Geheime sleutel: <code>".len();
        let secret = body[start..].split('<').next().unwrap().to_owned();
        let (_, status) = app.login_as("beheer2@example.nl", "lang genoeg wachtwoord", Some(&secret)).await;
        assert_eq!(status.as_u16(), 303, "{engine:?}");
        let (_, list) = app.get(&admin, "/gebruikers").await;
        assert!(!list.contains(&secret));

        // Nobody else may add users, however good the form.
        let wm = app.login(Role::Networks).await;
        let fields = user("stiekem@example.nl", "regio_beheerder", "", "lang genoeg wachtwoord");
        let (status, _, body) = app.post(&wm, "/gebruikers/nieuw", &fields).await;
        assert_eq!(status, 403, "{engine:?}");
        assert!(!body.contains("nieuw@example.nl"));
        let (_, list) = app.get(&admin, "/gebruikers").await;
        assert!(!list.contains("stiekem@example.nl"), "{engine:?}");
    }
}

#[tokio::test]
async fn the_audit_log_pages_back_and_checks_its_chain() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let wm = app.login(Role::Networks).await;
        // Enough reads for more than one page.
        for _ in 0..110 {
            let (status, _) = app.get(&wm, "/wijken/binnenstad").await;
            assert_eq!(status, 200);
        }
        let (status, _) = app.get(&wm, "/auditlog").await;
        assert_eq!(status, 403);

        let (status, body) = app.get(&admin, "/auditlog").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(!body.contains("De keten is intact"), "{engine:?}: the whole chain is checked only on request");
        let (_, checked) = app.get(&admin, "/auditlog?verify=1").await;
        assert!(checked.contains("De keten is intact"), "{engine:?}");
        assert!(body.contains("wijk.view") && body.contains("wijk binnenstad"), "{engine:?}");
        assert!(body.contains("geweigerd"), "{engine:?}: the wijkmanager's refused read is listed");
        assert_eq!(body.matches("<tr>").count(), 101, "{engine:?}: a header row and 100 entries");
        let marker = "/auditlog?before=";
        let start = body.find(marker).expect("a link to older entries") + marker.len();
        let before: i64 = body[start..].split('"').next().unwrap().parse().unwrap();

        let (status, older) = app.get(&admin, &format!("/auditlog?before={before}")).await;
        assert_eq!(status, 200);
        assert!(older.contains("Nieuwste regels"));
        assert!(older.contains(&format!("<td class=\"num\">{}</td>", before - 1)), "{engine:?}");
        assert!(!older.contains(&format!("<td class=\"num\">{before}</td>")), "{engine:?}");

        // Reading the log is itself logged.
        let (_, again) = app.get(&admin, "/auditlog").await;
        assert!(again.contains("audit_log.read"), "{engine:?}");

        // An entry altered by hand shows up as a broken chain, naming it.
        let mut conn = app.app.store.conn().await.unwrap();
        let drop_guard = match engine {
            wijkregie_store::Engine::Sqlite => "DROP TRIGGER audit_log_no_update",
            wijkregie_store::Engine::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
        };
        sqlx::query(drop_guard).execute(&mut *conn).await.unwrap();
        sqlx::query("UPDATE audit_log SET user_role = 'regio_beheerder' WHERE seq = 7")
            .execute(&mut *conn)
            .await
            .unwrap();
        drop(conn);
        let (_, broken) = app.get(&admin, "/auditlog?verify=1").await;
        assert!(broken.contains("De keten is gebroken bij regel 7"), "{engine:?}");
    }
}
