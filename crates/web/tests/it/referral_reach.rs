//! A referral reaches someone, always: organisations have an intake
//! address and a reach state; one without users answers through a
//! single-use link and a one-time code from its intake mailbox; the
//! regio-beheerder invites such organisations. On both engines, through
//! the real router, reading the mails from the outbox as the partner would.

use crate::common::{csrf_in, TestApp, ENGINES};
use reqwest::Client;
use wijkregie_core::access::{Role, INTAKE_LINK_RULE};
use wijkregie_core::directory::Service;

const PATIENT: &str = "Geertruida Eenzaamheid";
/// The demo's welfare organisation without an account.
const NO_ACCOUNT: &str = "welzijn-kwartierstad";
const INTAKE: &str = "intake@welzijn-kwartierstad.example";

fn service_of(organization: &str) -> Service {
    wijkregie_formats::demo::directory::generate()
        .services
        .into_iter()
        .find(|s| {
            s.organization.as_str() == organization && s.status == wijkregie_core::directory::ServiceStatus::Active
        })
        .expect("the demo organisation offers a service")
}

async fn refer_to(app: &TestApp, practice: &Client, organization: &str, name: &str) -> String {
    let service = service_of(organization);
    let fields = [
        ("dienst", service.id.to_string()),
        ("hulpvraag", service.taxonomy_terms[0].to_string()),
        ("urgentie", "routine".into()),
        ("vraag", "Mevrouw is erg alleen sinds de verhuizing.".into()),
        ("naam", name.into()),
        ("telefoon", "06 1234 5678".into()),
        ("geboortejaar", "1944".into()),
        ("postcode", "5811 AB".into()),
        ("toestemming", "1".into()),
    ];
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, body) = app.post(practice, "/verwijzingen/nieuw", &borrowed).await;
    assert_eq!(status, 303, "{body}");
    location
}

/// The mails to `to`, newest first, as (subject, body).
async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let mut conn = app.app.store.conn().await.unwrap();
    wijkregie_store::outbox::outbox(&mut conn, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.recipient == to)
        .map(|m| (m.subject, m.body))
        .collect()
}

/// The link path in the newest link mail to the intake address.
async fn newest_link(app: &TestApp) -> String {
    let mails = mails_to(app, INTAKE).await;
    let (_, body) = mails.iter().find(|(s, _)| s.contains("Verwijzing voor uw organisatie")).expect("a link mail");
    assert!(!body.contains(PATIENT), "no patient data in the mail");
    let start = body.find("/verwijzing-link/").expect("a link");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn newest_code(app: &TestApp) -> String {
    let mails = mails_to(app, INTAKE).await;
    let (_, body) = mails.iter().find(|(s, _)| s.contains("eenmalige code")).expect("a code mail");
    body.split_whitespace().find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit())).unwrap().to_owned()
}

/// Posts a form of an anonymous browser with the CSRF token of `page`.
async fn post_from(app: &TestApp, client: &Client, page: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let html = client.get(app.url(page)).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&html).unwrap_or_else(|| panic!("a form on {page}: {html}"));
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let response = client.post(app.url(path)).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Opens a link in a fresh browser: asks a code and enters it.
async fn open_with_code(app: &TestApp, link: &str) -> Client {
    let browser = app.client();
    let (status, page) = app.get(&browser, link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Stuur mij een code") && !page.contains(PATIENT), "the code comes first: {page}");
    let (status, _) = post_from(app, &browser, link, &format!("{link}/code"), &[]).await;
    assert_eq!(status, 303);
    let code = newest_code(app).await;
    let (status, _) = post_from(app, &browser, link, &format!("{link}/controle"), &[("code", &code)]).await;
    assert_eq!(status, 303, "the right code opens");
    browser
}

#[tokio::test]
async fn an_organisation_without_account_answers_through_the_link_and_the_practice_sees_it() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let service = service_of(NO_ACCOUNT);

        // Before sending, the practice sees how the organisation is reached.
        let (_, form) = app.get(&practice, &format!("/verwijzingen/nieuw?dienst={}", service.id)).await;
        assert!(form.contains("per e-mail") && form.contains("te laat"), "{engine:?}: {form}");

        let location = refer_to(&app, &practice, NO_ACCOUNT, PATIENT).await;
        let path = location.trim_end_matches("?melding=verstuurd").to_owned();
        let (_, sent) = app.get(&practice, &location).await;
        assert!(sent.contains("De verwijzing is verstuurd") && sent.contains("eenmalige link"), "{engine:?}");
        assert!(sent.contains("<td>verstuurd</td>") && sent.contains("Dr. Noor Haddou"), "{engine:?}: Verloop");

        let link = newest_link(&app).await;
        let browser = app.client();
        // A wrong code: refused, with the tries left.
        app.get(&browser, &link).await;
        post_from(&app, &browser, &link, &format!("{link}/code"), &[]).await;
        let (status, page) = post_from(&app, &browser, &link, &format!("{link}/controle"), &[("code", "000000")]).await;
        let right = newest_code(&app).await;
        if right != "000000" {
            assert_eq!(status, 422, "{engine:?}");
            assert!(page.contains("nog 4 keer"), "{engine:?}: {page}");
        }
        let (status, _) = post_from(&app, &browser, &link, &format!("{link}/controle"), &[("code", &right)]).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, page) = app.get(&browser, &link).await;
        assert!(
            page.contains(PATIENT) && page.contains("Accepteren"),
            "{engine:?}: the referral as the partner sees it"
        );
        // Another browser with the same link still needs the code.
        let (_, elsewhere) = app.get(&app.client(), &link).await;
        assert!(!elsewhere.contains(PATIENT), "{engine:?}: the code belongs to the browser it was typed in");

        let (status, done) =
            post_from(&app, &browser, &link, &format!("{link}/stap"), &[("stap", "accept"), ("bericht", "")]).await;
        assert_eq!(status, 200, "{engine:?}: {done}");
        assert!(done.contains("nieuwe link"), "{engine:?}: a fresh link for the next step");
        let (_, used) = app.get(&browser, &link).await;
        assert!(used.contains("werkt niet meer") && !used.contains(PATIENT), "{engine:?}: the link is used up");

        let next = newest_link(&app).await;
        assert_ne!(next, link, "{engine:?}");
        let browser = open_with_code(&app, &next).await;
        let report = "Twee gesprekken gehad.\nMevrouw gaat nu naar de koffieochtend.";
        let fields = [("stap", "complete"), ("keuze", "goal-reached"), ("bericht", report)];
        let (status, _) = post_from(&app, &browser, &next, &format!("{next}/stap"), &fields).await;
        assert_eq!(status, 200, "{engine:?}");

        let (_, outcome) = app.get(&practice, &path).await;
        assert!(outcome.contains("begeleiding afgerond") && outcome.contains("koffieochtend"), "{engine:?}");
        assert!(outcome.contains("Stichting Welzijn Kwartierstad (via de e-maillink)"), "{engine:?}: signed");

        // Every access is in the log under the link's own rule.
        let id = path.trim_start_matches("/verwijzingen/");
        let mut conn = app.app.store.conn().await.unwrap();
        let log = wijkregie_store::audit::for_object(&mut conn, "referral", id).await.unwrap();
        drop(conn);
        let by_link: Vec<_> = log.iter().filter(|e| e.event.user_role.as_deref() == Some("intake_link")).collect();
        assert!(by_link.iter().any(|e| e.event.event == "referral.read"), "{engine:?}");
        assert!(by_link.iter().any(|e| e.event.event == "referral.completed"), "{engine:?}");
        for e in
            by_link.iter().filter(|e| e.event.event.starts_with("referral.") && e.event.event != "referral.link.code")
        {
            let behalf = e.event.on_behalf_of.as_deref().unwrap_or_default();
            assert!(behalf.contains(NO_ACCOUNT) && behalf.contains(INTAKE), "{engine:?}: {behalf}");
            assert!(e.event.user_id.is_none(), "{engine:?}: no account behind a link");
        }
        assert!(
            by_link.iter().any(|e| e.event.access_rule.as_deref() == Some(INTAKE_LINK_RULE)),
            "{engine:?}: which rule"
        );
        let (_, overview) = app.get(&practice, &format!("{path}/inzage")).await;
        assert!(overview.contains("intake-adres") && overview.contains("rondde de verwijzing af"), "{engine:?}");
        assert!(!overview.contains("referral."), "{engine:?}: no codes");
    }
}

#[tokio::test]
async fn codes_are_few_and_links_are_single_and_their_own() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        refer_to(&app, &practice, NO_ACCOUNT, PATIENT).await;
        let first = newest_link(&app).await;
        refer_to(&app, &practice, NO_ACCOUNT, "Tweede Patiënt").await;
        let second = newest_link(&app).await;
        assert_ne!(first, second);

        // The code of one link does not open another.
        let browser = app.client();
        app.get(&browser, &first).await;
        post_from(&app, &browser, &first, &format!("{first}/code"), &[]).await;
        let code_first = newest_code(&app).await;
        app.get(&browser, &second).await;
        post_from(&app, &browser, &second, &format!("{second}/code"), &[]).await;
        let code_second = newest_code(&app).await;
        if code_first != code_second {
            let (status, _) =
                post_from(&app, &browser, &second, &format!("{second}/controle"), &[("code", &code_first)]).await;
            assert_eq!(status, 422, "{engine:?}: a code is for its own link");
        }
        let (status, _) =
            post_from(&app, &browser, &first, &format!("{first}/controle"), &[("code", &code_first)]).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, page) = app.get(&browser, &second).await;
        assert!(!page.contains("Tweede Patiënt"), "{engine:?}: access to one link opens no other");
        // A step posted to the other link is refused: nothing changes.
        let (status, _) = post_from(&app, &browser, &second, &format!("{second}/stap"), &[("stap", "accept")]).await;
        assert_eq!(status, 409, "{engine:?}");

        // Too many wrong codes: the code is void, the right one no longer works.
        let wrong = if code_second == "111111" { "222222" } else { "111111" };
        for _ in 0..5 {
            post_from(&app, &browser, &second, &format!("{second}/controle"), &[("code", wrong)]).await;
        }
        let (status, _) =
            post_from(&app, &browser, &second, &format!("{second}/controle"), &[("code", &code_second)]).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, page) = app.get(&browser, &format!("{second}?melding=geen-code")).await;
        assert!(page.contains("geen geldige code") && !page.contains("Tweede Patiënt"), "{engine:?}");

        // An expired link explains and sends a fresh one to the intake address only.
        let mut conn = app.app.store.conn().await.unwrap();
        sqlx::query(
            "UPDATE referral_link SET created_at = '2019-12-18T00:00:00Z', expires_at = '2020-01-01T00:00:00Z'",
        )
        .execute(&mut *conn)
        .await
        .unwrap();
        drop(conn);
        let (_, gone) = app.get(&browser, &second).await;
        assert!(gone.contains("werkt niet meer") && gone.contains("Stuur een nieuwe link"), "{engine:?}");
        let before = mails_to(&app, INTAKE).await.len();
        let (status, asked) = post_from(&app, &browser, &second, &format!("{second}/nieuwe-link"), &[]).await;
        assert_eq!(status, 200, "{engine:?}");
        assert_eq!(mails_to(&app, INTAKE).await.len(), before + 1, "{engine:?}: one fresh link, to the intake address");
        // An unknown link gets the same page, and no mail goes anywhere.
        let unknown = "/verwijzing-link/bestaat-niet-123";
        let mails_before = {
            let mut conn = app.app.store.conn().await.unwrap();
            wijkregie_store::outbox::outbox(&mut conn, 1000).await.unwrap().len()
        };
        let (status, unknown_page) = post_from(&app, &browser, unknown, &format!("{unknown}/nieuwe-link"), &[]).await;
        assert_eq!(status, 200, "{engine:?}");
        assert_eq!(unknown_page.replace(unknown, "").len(), asked.replace(&second, "").len(), "{engine:?}: same page");
        let mut conn = app.app.store.conn().await.unwrap();
        assert_eq!(wijkregie_store::outbox::outbox(&mut conn, 1000).await.unwrap().len(), mails_before, "{engine:?}");
    }
}

#[tokio::test]
async fn reach_states_and_inviting_an_organisation_without_account() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (_, list) = app.get(&admin, "/organisaties").await;
        assert!(list.contains("op wijkregie") && list.contains("per e-mail"), "{engine:?}");
        assert!(list.contains("/organisaties/zonder-account"), "{engine:?}: linked from the list");

        // Without an intake e-mail: nobody is told, and the form says so.
        let fields =
            [("name", "Gemeente Heiderloo"), ("domain", "sociaal_domein"), ("email", ""), ("phone", "077 123 4567")];
        let (status, _, body) = app.post(&admin, "/organisaties/gemeente-heiderloo/bewerken", &fields).await;
        assert_eq!(status, 303, "{engine:?}: {body}");
        let (_, page) = app.get(&admin, "/organisaties/gemeente-heiderloo").await;
        assert!(page.contains("niet bereikbaar") && page.contains("niemand krijgt bericht"), "{engine:?}");
        let bad = [("name", "Gemeente Heiderloo"), ("domain", "sociaal_domein"), ("email", "geen-adres")];
        let (status, _, body) = app.post(&admin, "/organisaties/gemeente-heiderloo/bewerken", &bad).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("geen geldig e-mailadres"), "{engine:?}");

        // The demo already has referrals to the organisation without account.
        let (_, unreached) = app.get(&admin, "/organisaties/zonder-account").await;
        assert!(unreached.contains("Stichting Welzijn Kwartierstad"), "{engine:?}");
        let ctx = wijkregie_app::Ctx::new(app.app.clone(), admin_principal(&app).await, None);
        let listed = wijkregie_app::referral_reach::without_account(&ctx).await.unwrap();
        let kwartierstad = listed.iter().find(|u| u.organization.code.as_str() == NO_ACCOUNT).unwrap();
        assert!(kwartierstad.referrals > 0, "{engine:?}: with counts");

        let (status, location, _) = app.post(&admin, &format!("/organisaties/{NO_ACCOUNT}/uitnodigen"), &[]).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, after) = app.get(&admin, &location).await;
        assert!(after.contains("uitnodiging verstuurd"), "{engine:?}: confirmed");
        assert!(
            !after.contains("/organisaties/welzijn-kwartierstad/uitnodigen"),
            "{engine:?}: no longer without account"
        );
        let mails = mails_to(&app, INTAKE).await;
        assert!(mails.iter().any(|(s, b)| s.contains("account") && b.contains("/wachtwoord-vergeten")), "{engine:?}");
        let mut conn = app.app.store.conn().await.unwrap();
        let user = wijkregie_store::account::user_by_email(&mut conn, INTAKE).await.unwrap().expect("an account");
        assert_eq!(user.role, Role::Organization, "{engine:?}");
        drop(conn);
        let (_, page) = app.get(&admin, &format!("/organisaties/{NO_ACCOUNT}")).await;
        assert!(page.contains("op wijkregie"), "{engine:?}");
        // Inviting again is refused with a reason.
        let (status, _, body) = app.post(&admin, &format!("/organisaties/{NO_ACCOUNT}/uitnodigen"), &[]).await;
        assert_eq!(status, 409, "{engine:?}");
        assert!(body.contains("heeft al een account"), "{engine:?}");
    }
}

async fn admin_principal(app: &TestApp) -> wijkregie_core::access::Principal {
    let mut conn = app.app.store.conn().await.unwrap();
    let u = wijkregie_store::account::user_by_email(&mut conn, "beheer@demo.wijkregie.nl").await.unwrap().unwrap();
    wijkregie_core::access::Principal { user_id: u.id, name: u.name, role: u.role, scope: u.scope, second_factor: true }
}
