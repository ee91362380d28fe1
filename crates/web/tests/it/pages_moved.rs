//! The Dutch page URLs of issue 15 on both engines: every old English path,
//! with its sub-path and query string, answers a permanent redirect to its
//! new path (301 for GET and HEAD, 308 for a form post, which keeps the
//! body), the redirect never leaves the site, and the new paths are the
//! pages people reach when signed in. Under a prefix that was Dutch already
//! (`/wijken`), only the English sub-paths move; the rest answers itself.

use crate::common::{TestApp, ENGINES};
use reqwest::{Client, Method};
use wijkregie_core::access::{Role, Scope};

/// Old path → new path, and who gets the new page with a 200 (`None`: the
/// new path is no page of its own, but takes a form post or gives a
/// download). `{…}` are demo ids, filled in below.
const TABLE: &[(&str, &str, Option<Role>)] = &[
    ("/directory", "/aanbod", Some(Role::Practice)),
    ("/directory/services/new", "/aanbod/voorzieningen/nieuw", Some(Role::Region)),
    ("/directory/services/{service}", "/aanbod/voorzieningen/{service}", Some(Role::Practice)),
    ("/directory/services/{service}/edit", "/aanbod/voorzieningen/{service}/bewerken", Some(Role::Region)),
    ("/directory/services/{service}/assure", "/aanbod/voorzieningen/{service}/bevestigen", None),
    ("/directory/locations/new", "/aanbod/locaties/nieuw", Some(Role::Region)),
    ("/directory/locations/{location}/edit", "/aanbod/locaties/{location}/bewerken", Some(Role::Region)),
    ("/directory/check", "/aanbod/controleren", Some(Role::Region)),
    ("/directory/changes/7/seen", "/aanbod/wijzigingen/7/gezien", None),
    ("/directory/merge", "/aanbod/samenvoegen", None),
    ("/directory/distinct", "/aanbod/niet-dubbel", None),
    ("/directory/public", "/aanbod/openbaar", None),
    ("/directory/taxonomy", "/aanbod/hulpvragen", Some(Role::Practice)),
    ("/directory/taxonomy/new", "/aanbod/hulpvragen/nieuw", Some(Role::Region)),
    ("/directory/taxonomy/eenzaamheid/edit", "/aanbod/hulpvragen/eenzaamheid/bewerken", Some(Role::Region)),
    ("/referrals", "/verwijzingen", Some(Role::Practice)),
    ("/referrals/new", "/verwijzingen/nieuw", None),
    ("/referrals/figures", "/verwijzingen/cijfers", Some(Role::Networks)),
    ("/referrals/{referral}", "/verwijzingen/{referral}", Some(Role::Practice)),
    ("/referrals/{referral}/step", "/verwijzingen/{referral}/stap", None),
    ("/referrals/{referral}/message", "/verwijzingen/{referral}/bericht", None),
    ("/referrals/{referral}/access", "/verwijzingen/{referral}/inzage", Some(Role::Practice)),
    ("/networks", "/netwerken", Some(Role::Region)),
    ("/networks/new", "/netwerken/nieuw", Some(Role::Region)),
    ("/networks/{network}", "/netwerken/{network}", Some(Role::Region)),
    ("/networks/{network}/edit", "/netwerken/{network}/bewerken", Some(Role::Region)),
    ("/networks/{network}/registered-patients", "/netwerken/{network}/ingeschreven-patienten", Some(Role::Region)),
    ("/networks/{network}/practices", "/netwerken/{network}/praktijken", None),
    ("/networks/{network}/partners", "/netwerken/{network}/partners", None),
    ("/networks/{network}/end-membership", "/netwerken/{network}/lidmaatschap-beeindigen", None),
    ("/networks/{network}/profiel", "/netwerken/{network}/profiel", Some(Role::Region)),
    ("/networks/{network}/profiel/leeftijd.svg", "/netwerken/{network}/profiel/leeftijd.svg", Some(Role::Region)),
    ("/practices", "/praktijken", Some(Role::Practice)),
    ("/practices/new", "/praktijken/nieuw", Some(Role::Region)),
    ("/practices/{practice}", "/praktijken/{practice}", Some(Role::Practice)),
    ("/practices/{practice}/edit", "/praktijken/{practice}/bewerken", Some(Role::Practice)),
    ("/practices/{practice}/registered-patients", "/praktijken/{practice}/ingeschreven-patienten", None),
    ("/organizations", "/organisaties", Some(Role::Organization)),
    ("/organizations/new", "/organisaties/nieuw", Some(Role::Region)),
    ("/organizations/{organization}", "/organisaties/{organization}", Some(Role::Organization)),
    ("/organizations/{organization}/edit", "/organisaties/{organization}/bewerken", Some(Role::Organization)),
    ("/users", "/gebruikers", Some(Role::Region)),
    ("/users/new", "/gebruikers/nieuw", Some(Role::Region)),
    ("/audit-log", "/auditlog", Some(Role::Region)),
    ("/outbox", "/uitgaande-mail", Some(Role::Region)),
    ("/account", "/mijn-account", Some(Role::Organization)),
    ("/account/password", "/mijn-account/wachtwoord", None),
    ("/account/totp/start", "/mijn-account/totp/instellen", None),
    ("/account/totp/confirm", "/mijn-account/totp/aanzetten", None),
    ("/account/totp/disable", "/mijn-account/totp/uitzetten", None),
    ("/account/tokens", "/mijn-account/tokens", None),
    ("/account/tokens/12/revoke", "/mijn-account/tokens/12/intrekken", None),
    ("/wijken/new", "/wijken/nieuw", Some(Role::Region)),
    ("/wijken/{wijk}/edit", "/wijken/{wijk}/bewerken", Some(Role::Region)),
    ("/aanmeldingen/{application}/accept", "/aanmeldingen/{application}/accepteren", None),
    ("/aanmeldingen/{application}/reject", "/aanmeldingen/{application}/afwijzen", None),
    ("/financiering/{quarter}/export", "/financiering/{quarter}/downloaden", None),
];

/// Pages that link to a renamed sub-path, besides the new paths above: none
/// may link to an old path any more.
const LINKING: &[(&str, Role)] = &[
    ("/", Role::Region),
    ("/wijken", Role::Region),
    ("/wijken/{wijk}", Role::Region),
    ("/aanmeldingen/{application}", Role::Region),
    ("/financiering/{quarter}", Role::Region),
    ("/aanbod/voorzieningen/{service}", Role::Region),
    ("/netwerken/{network}", Role::Region),
];

/// The first link or form target in `body` that is an old path of
/// [`TABLE`]: under an old prefix, or matching a row with any segment in
/// place of a `{…}`.
fn old_link(body: &str) -> Option<String> {
    let old_prefixes: Vec<&str> =
        TABLE.iter().map(|(old, _, _)| *old).filter(|old| old.rfind('/') == Some(0)).collect();
    let is_old = |path: &str| {
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let under_old_prefix = old_prefixes.iter().any(|prefix| prefix[1..] == *segments[0]);
        under_old_prefix
            || TABLE.iter().any(|(old, _, _)| {
                let pattern: Vec<&str> = old.split('/').skip(1).collect();
                pattern.len() == segments.len()
                    && pattern.iter().zip(&segments).all(|(p, s)| *p == *s || (p.starts_with('{') && !s.is_empty()))
            })
    };
    for attribute in ["href", "action", "hx-get", "hx-post", "value"] {
        let marker = format!("{attribute}=\"/");
        for (at, _) in body.match_indices(&marker) {
            let start = at + marker.len() - 1;
            let value = &body[start..start + body[start..].find('"').unwrap_or_default()];
            let path = value.split(['?', '#']).next().unwrap_or_default();
            if is_old(path) {
                return Some(value.to_owned());
            }
        }
    }
    None
}

/// Fills in the demo ids of a row of [`TABLE`] or [`LINKING`].
type Fill = Box<dyn Fn(&str) -> String>;

/// The table with demo ids in place, a referral sent by the demo practice
/// and a demo application included, a client per role that a row names,
/// and the function that fills in the ids.
async fn filled(app: &TestApp) -> (Vec<(String, String, Option<Role>)>, Vec<(Role, Client)>, Fill) {
    let region = wijkregie_formats::demo::region();
    let directory = wijkregie_formats::demo::directory::generate();
    let Scope::Practice(practice) = app.scope(Role::Practice) else { panic!("praktijk has a practice") };
    let Scope::Organization(organization) = app.scope(Role::Organization) else {
        panic!("partner has an organisation")
    };
    // A network with population data, for its profile.
    let network = "wsv-binnenstad".to_owned();
    assert!(region.networks.iter().any(|n| n.code.as_str() == network), "a demo network");
    let mut clients = vec![];
    for role in Role::ALL {
        clients.push((role, app.login(role).await));
    }
    let practice_client = &clients.iter().find(|(r, _)| *r == Role::Practice).expect("a practice").1;
    let referral = crate::referrals::refer(app, practice_client).await;
    let mut conn = app.app.store.conn().await.expect("a connection");
    let applications = wijkregie_store::application::list(&mut conn).await.expect("the applications");
    let application = applications.first().expect("the demo has applications").id;
    let wijk = region.wijken.first().expect("the demo has wijken").code.to_string();
    let ids = [
        ("{service}", directory.services[0].id.to_string()),
        ("{location}", directory.locations[0].id.to_string()),
        ("{referral}", referral.trim_start_matches("/verwijzingen/").to_owned()),
        ("{network}", network),
        ("{practice}", practice.to_string()),
        ("{organization}", organization.to_string()),
        ("{wijk}", wijk),
        ("{application}", application.to_string()),
        ("{quarter}", "2025Q2".to_owned()),
    ];
    let fill: Fill = Box::new(move |path: &str| ids.iter().fold(path.to_owned(), |p, (k, v)| p.replace(k, v)));
    let rows = TABLE.iter().map(|(old, new, who)| (fill(old), fill(new), *who)).collect();
    (rows, clients, fill)
}

/// Status and Location of one request that is not followed.
async fn ask(app: &TestApp, client: &Client, method: Method, path: &str) -> (u16, String) {
    let response = client.request(method, app.url(path)).send().await.expect("an answer");
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (response.status().as_u16(), location)
}

#[tokio::test]
async fn every_old_path_redirects_permanently_to_its_dutch_path() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let (rows, clients, fill) = filled(&app).await;
        let client_of = |role: &Role| &clients.iter().find(|(r, _)| r == role).expect("a client per role").1;
        let anonymous = app.client();
        for (old, new, who) in &rows {
            let query = "?pagina=2&q=zorg%20thuis";
            for method in [Method::GET, Method::HEAD] {
                let answer = ask(&app, &anonymous, method.clone(), &format!("{old}{query}")).await;
                assert_eq!(answer, (301, format!("{new}{query}")), "{engine:?} {method} {old}");
            }
            // A form posted to a bookmarked or cached page: the method and
            // body stay, so no session or CSRF token is asked for here.
            for method in [Method::POST, Method::PUT, Method::DELETE] {
                let answer = ask(&app, &anonymous, method.clone(), &format!("{old}{query}")).await;
                assert_eq!(answer, (308, format!("{new}{query}")), "{engine:?} {method} {old}");
            }
            let Some(role) = who else { continue };
            let (status, body) = app.get(client_of(role), new).await;
            assert_eq!(status, 200, "{engine:?} {role:?} {new}");
            assert_eq!(old_link(&body), None, "{engine:?} {new} still links to an old path");
        }
        for (page, role) in LINKING {
            let page = fill(page);
            let (status, body) = app.get(client_of(role), &page).await;
            assert_eq!(status, 200, "{engine:?} {role:?} {page}");
            assert_eq!(old_link(&body), None, "{engine:?} {page} still links to an old path");
        }
        // Signed in, the redirect is the same and lands on the page.
        let (_, wm) = clients.iter().find(|(r, _)| *r == Role::Networks).expect("a wijkmanager");
        assert_eq!(ask(&app, wm, Method::GET, "/networks").await, (301, "/netwerken".into()), "{engine:?}");
    }
}

#[tokio::test]
async fn an_old_form_post_still_works_after_the_redirect() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let csrf = app.csrf(&admin, "/mijn-account").await;
        let form = [("csrf", csrf.as_str()), ("aan", "1")];
        let response = admin.post(app.url("/directory/public")).form(&form).send().await.expect("an answer");
        assert_eq!(response.status().as_u16(), 308, "{engine:?}");
        let location = response.headers()["location"].to_str().expect("ASCII").to_owned();
        assert_eq!(location, "/aanbod/openbaar", "{engine:?}");
        // What a browser does with a 308: the same post, to the new path.
        let response = admin.post(app.url(&location)).form(&form).send().await.expect("an answer");
        assert_eq!(response.status().as_u16(), 303, "{engine:?}");
        let (status, _) = app.get(&app.client(), "/sociale-kaart").await;
        assert_eq!(status, 200, "{engine:?}: the public map is on");

        // The same under a prefix that stayed: an application rejected from
        // a page that was open before the rename.
        let mut conn = app.app.store.conn().await.expect("a connection");
        let id = wijkregie_store::application::list(&mut conn).await.expect("the applications")[0].id;
        let form = [("csrf", csrf.as_str()), ("reason", "Buiten de regio.")];
        let old = format!("/aanmeldingen/{id}/reject");
        let response = admin.post(app.url(&old)).form(&form).send().await.expect("an answer");
        assert_eq!(response.status().as_u16(), 308, "{engine:?}");
        let location = response.headers()["location"].to_str().expect("ASCII").to_owned();
        assert_eq!(location, format!("/aanmeldingen/{id}/afwijzen"), "{engine:?}");
        let response = admin.post(app.url(&location)).form(&form).send().await.expect("an answer");
        assert_eq!(response.status().as_u16(), 303, "{engine:?}");
        let stored = wijkregie_store::application::list(&mut conn).await.expect("the applications");
        let rejected = stored.iter().find(|a| a.id == id).expect("the application");
        assert_eq!(rejected.status.code(), "afgewezen", "{engine:?}");
    }
}

#[tokio::test]
async fn an_old_download_link_still_downloads() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let answer = ask(&app, &admin, Method::GET, "/financiering/2025Q2/export?format=csv-nl").await;
        assert_eq!(answer, (301, "/financiering/2025Q2/downloaden?format=csv-nl".into()), "{engine:?}");
        let response = admin.get(app.url(&answer.1)).send().await.expect("an answer");
        assert_eq!(response.status().as_u16(), 200, "{engine:?}");
        let csv = response.text().await.expect("text");
        assert!(csv.starts_with("\u{feff}netwerk;naam;kwartaal"), "{engine:?}: {csv:.200}");
    }
}

#[tokio::test]
async fn unknown_old_sub_paths_redirect_and_then_are_not_found() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        for (old, new) in [
            ("/directory/onbekend/pad?q=1", "/aanbod/onbekend/pad?q=1"),
            ("/networks/wsv-binnenstad/onbekend", "/netwerken/wsv-binnenstad/onbekend"),
            ("/account/totp", "/mijn-account/totp"),
            ("/outbox/", "/uitgaande-mail/"),
        ] {
            assert_eq!(ask(&app, &admin, Method::GET, old).await, (301, new.into()), "{engine:?} {old}");
            let (status, body) = app.get(&admin, new).await;
            assert_eq!(status, 404, "{engine:?} {new}");
            assert!(body.contains("bestaat niet"), "{engine:?}: the Dutch page for {new}");
        }
        // Under a prefix that stayed, only the table's sub-paths move.
        for path in ["/wijken/binnenstad/onbekend", "/wijken/binnenstad/edit/x", "/financiering/2025Q2/exporteren"] {
            let (status, body) = app.get(&admin, path).await;
            assert_eq!(status, 404, "{engine:?} {path}");
            assert!(body.contains("bestaat niet"), "{engine:?}: the Dutch page for {path}");
        }
    }
}

#[tokio::test]
async fn a_redirect_never_leaves_the_site() {
    let app = TestApp::start(ENGINES[0]).await;
    let client = app.client();
    for (old, new_prefix) in [
        ("/directory//evil.example/x", "/aanbod/"),
        ("/users/%2F%2Fevil.example", "/gebruikers/"),
        ("/account/%5C%5Cevil.example", "/mijn-account/"),
        ("/referrals/x?next=https://evil.example", "/verwijzingen/"),
    ] {
        let (status, location) = ask(&app, &client, Method::GET, old).await;
        assert_eq!(status, 301, "{old}");
        assert!(location.starts_with(new_prefix), "{old} → {location}");
    }
}

#[tokio::test]
async fn api_and_dutch_paths_are_not_redirected() {
    let app = TestApp::start(ENGINES[0]).await;
    let client = app.client();
    let paths = [
        "/api/v1/networks",
        "/api/hsds/organizations",
        "/fhir/Organization",
        "/sociale-kaart",
        "/login/totp",
        "/wijken",
        "/wijken/nieuw",
        "/wijken/binnenstad",
        "/wijken/binnenstad/bewerken",
        "/wijken/binnenstad/profiel",
        "/aanmeldingen/voorstellen",
        "/aanmeldingen/1",
        "/aanmeldingen/1/accepteren",
        "/aanmeldingen/1/afwijzen",
        "/financiering/tarieven",
        "/financiering/2025Q2",
        "/financiering/2025Q2/downloaden",
        "/financiering/2025Q2/vaststellen",
    ];
    for path in paths {
        for method in [Method::GET, Method::POST] {
            let (status, location) = ask(&app, &client, method.clone(), path).await;
            assert!(location.is_empty() || location.starts_with("/login"), "{method} {path}: {status} → {location}");
            assert!(!matches!(status, 301 | 308), "{method} {path}: {status}");
        }
    }
}
