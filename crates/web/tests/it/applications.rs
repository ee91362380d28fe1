//! Aanmelden on both engines: the public form without login (valid,
//! invalid, spam, too many), the private status link, and the review queue
//! of the regio-beheerder (accept creates the network, reject needs a
//! reason, other roles are refused), each with its audit entries.

use std::time::Duration;

use crate::common::{csrf_in, TestApp, ENGINES};
use reqwest::Client;
use wijkregie_core::access::Role;
use wijkregie_core::application::{SpamSignal, Status, MIN_FILL_SECONDS};
use wijkregie_core::region::NetworkStatus;

/// The form's hidden fields for this client: CSRF token and time stamp.
async fn open_form(app: &TestApp, client: &Client) -> (String, String) {
    let (status, html) = app.get(client, "/aanmelden").await;
    assert_eq!(status, 200, "{html:.300}");
    let stamp = value_of(&html, "stamp").expect("the form carries a time stamp");
    (csrf_in(&html).expect("the form carries a CSRF token"), stamp)
}

fn value_of(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A valid registration for the module, option B, with one new practice.
fn valid(agb: &str) -> Vec<(String, String)> {
    [
        ("request", "wijkmanagement"),
        ("contact_name", "Anna de Vries"),
        ("email", "anna@praktijk.nl"),
        ("phone", "030 123 45 67"),
        ("rows", "2"),
        ("p1_agb", agb),
        ("p1_name", "Huisartsenpraktijk De Nieuwe Linde"),
        ("p1_street", "Lindenlaan"),
        ("p1_house_number", "12a"),
        ("p1_postcode", "5811 ab"),
        ("p1_city", "Kwartierstad"),
        ("p1_patients", "10.400"),
        ("network_name", "WSV De Nieuwe Linde"),
        ("wijk", "Binnenstad"),
        ("coordinator", "B"),
        ("coordinator_hours", "8"),
        ("website", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn with(mut fields: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    fields.retain(|(k, _)| k != name);
    fields.push((name.into(), value.into()));
    fields
}

/// Posts the form; returns status, Location and body.
async fn post(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    stamp: &str,
    fields: &[(String, String)],
) -> (u16, String, String) {
    let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.into()), ("stamp".into(), stamp.into())];
    form.extend_from_slice(fields);
    let r = client.post(app.url("/aanmelden")).form(&form).send().await.expect("the form answers");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, r.text().await.expect("text"))
}

async fn stored(app: &TestApp) -> Vec<wijkregie_store::application::StoredApplication> {
    let mut conn = app.app.store.conn().await.unwrap();
    wijkregie_store::application::list(&mut conn).await.unwrap()
}

#[tokio::test]
async fn the_public_form_keeps_people_in_and_robots_out() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let demo_count = stored(&app).await.len();
        let client = app.client();
        let (csrf, stamp) = open_form(&app, &client).await;

        // Straight away: too fast for a person. Kept aside, and the form
        // comes back with the input and a Dutch notice.
        let (status, _, body) = post(&app, &client, &csrf, &stamp, &valid("03000001")).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("wel erg snel verstuurd"), "{body:.2000}");
        assert!(body.contains("value=\"Anna de Vries\""), "the input is kept");
        let all = stored(&app).await;
        assert_eq!(all.len(), demo_count + 1);
        assert_eq!(all[0].spam, Some(SpamSignal::TooFast));

        tokio::time::sleep(Duration::from_secs(MIN_FILL_SECONDS as u64 + 1)).await;

        // Invalid: Dutch errors next to the fields, input kept, nothing stored.
        let bad = with(with(with(valid("1234"), "p1_agb", "1234"), "p1_postcode", "12345"), "email", "anna@");
        let (status, _, body) = post(&app, &client, &csrf, &stamp, &bad).await;
        assert_eq!(status, 422);
        for message in ["precies 8 cijfers", "geen geldige postcode", "geen geldig e-mailadres"] {
            assert!(body.contains(message), "{message}: {body:.3000}");
        }
        assert!(body.contains("id=\"p1_agb-error\""), "the message sits at its field");
        assert!(body.contains("aria-invalid=\"true\""));
        assert!(body.contains("value=\"12345\""), "the wrong input is shown to correct it");
        assert_eq!(stored(&app).await.len(), demo_count + 1);

        // Valid: on to the status page behind a private link.
        let (status, location, _) = post(&app, &client, &csrf, &stamp, &valid("03000001")).await;
        assert_eq!(status, 303);
        assert!(location.starts_with("/aanmelden/status/") && location.ends_with("?nieuw=1"), "{location}");
        let (status, page) = app.get(&app.client(), &location).await;
        assert_eq!(status, 200, "the link works in any browser, without login");
        assert!(page.contains("Bedankt voor uw aanmelding") && page.contains(">ontvangen<"), "{page:.2000}");
        assert!(page.contains("10.400"));
        let token = location.trim_start_matches("/aanmelden/status/").trim_end_matches("?nieuw=1");
        let all = stored(&app).await;
        assert_eq!(all[0].spam, None);
        assert_eq!(all[0].status, Status::Ontvangen);
        assert_eq!(all[0].application.practices[0].registered_patients, 10_400);

        // Only the hash of the token is stored: the token is nowhere in the database.
        let mut conn = app.app.store.conn().await.unwrap();
        let hits: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) AS n FROM application WHERE token_hash = $1 OR body LIKE $2")
                .bind(token)
                .bind(format!("%{token}%"))
                .fetch_one(&mut *conn)
                .await
                .unwrap(),
            "n",
        );
        assert_eq!(hits, 0);
        drop(conn);

        // A wrong or malformed token is a Dutch 404.
        for path in ["/aanmelden/status/xyz", &format!("/aanmelden/status/{}", "a".repeat(43))] {
            let (status, body) = app.get(&app.client(), path).await;
            assert_eq!(status, 404, "{path}");
            assert!(body.contains("lang=\"nl\""));
        }

        // The honeypot: the robot is thanked, the submission is kept aside.
        let (status, location, _) =
            post(&app, &client, &csrf, &stamp, &with(valid("03000002"), "website", "http://spam.example")).await;
        assert_eq!(status, 303);
        assert!(location.starts_with("/aanmelden/status/"));
        assert_eq!(stored(&app).await[0].spam, Some(SpamSignal::Honeypot));

        // A forged stamp is refused like a stale form.
        let (status, _, body) = post(&app, &client, &csrf, "v1:bogus", &valid("03000003")).await;
        assert_eq!(status, 422);
        assert!(body.contains("verlopen"), "{body:.1500}");
        assert_eq!(stored(&app).await[0].spam, Some(SpamSignal::BadStamp));

        // Five from one session in an hour; the sixth is refused and not stored.
        let (status, _, _) = post(&app, &client, &csrf, &stamp, &valid("03000004")).await;
        assert_eq!(status, 303);
        let before = stored(&app).await.len();
        let (status, _, body) = post(&app, &client, &csrf, &stamp, &valid("03000005")).await;
        assert_eq!(status, 429, "{body:.500}");
        assert!(body.contains("Te veel pogingen"));
        assert_eq!(stored(&app).await.len(), before);

        // Adding a practice row stores nothing and shows one row more.
        let (status, _, body) = post(&app, &client, &csrf, &stamp, &with(valid("03000006"), "add_row", "1")).await;
        assert_eq!(status, 200);
        assert!(body.contains("id=\"p3_agb\""));
        assert_eq!(stored(&app).await.len(), before);

        // Every submission, spam included, is in the audit log.
        let mut conn = app.app.store.conn().await.unwrap();
        for a in stored(&app).await.iter().take(5) {
            let entries =
                wijkregie_store::audit::for_object(&mut conn, "application", &a.id.to_string()).await.unwrap();
            assert!(entries.iter().any(|e| e.event.event == "application.submit"), "{}", a.id);
        }
    }
}

#[tokio::test]
async fn the_queue_is_for_the_regio_beheerder_only() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let id = stored(&app).await[0].id;
        let paths = ["/aanmeldingen".to_owned(), "/aanmeldingen/voorstellen".to_owned(), format!("/aanmeldingen/{id}")];
        for role in [Role::Networks, Role::Practice, Role::Organization] {
            let client = app.login(role).await;
            for path in &paths {
                let (status, body) = app.get(&client, path).await;
                assert_eq!(status, 403, "{engine:?} {role:?} {path}");
                assert!(!body.contains("demo-praktijk.nl"), "no applicant's details leak");
            }
            let (status, _, _) = app.post(&client, &format!("/aanmeldingen/{id}/afwijzen"), &[("reason", "nee")]).await;
            assert_eq!(status, 403, "{role:?} may not decide");
            let (_, home) = app.get(&client, "/").await;
            assert!(!home.contains("href=\"/aanmeldingen\""), "{role:?} has no menu item");
        }
        let (status, location) = {
            let r = app.client().get(app.url("/aanmeldingen")).send().await.unwrap();
            (r.status().as_u16(), r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()))
        };
        assert_eq!((status, location.as_deref()), (303, Some("/login?next=%2Faanmeldingen")));
        assert_eq!(stored(&app).await.iter().filter(|a| a.status != Status::Ontvangen).count(), 0);

        let admin = app.login(Role::Region).await;
        for path in &paths {
            assert_eq!(app.get(&admin, path).await.0, 200, "{path}");
        }
        let (_, home) = app.get(&admin, "/").await;
        assert!(home.contains("href=\"/aanmeldingen\""), "the beheerder has the menu item");
        let (_, login) = app.get(&app.client(), "/login").await;
        assert!(login.contains("href=\"/aanmelden\""), "the login page points to the form");
    }
}

#[tokio::test]
async fn accepting_creates_the_network_and_rejecting_needs_a_reason() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let client = app.client();
        let (csrf, stamp) = open_form(&app, &client).await;
        tokio::time::sleep(Duration::from_secs(MIN_FILL_SECONDS as u64 + 1)).await;
        let (_, accept_link, _) = post(&app, &client, &csrf, &stamp, &valid("03000011")).await;
        let (_, reject_link, _) = post(&app, &client, &csrf, &stamp, &valid("03000012")).await;
        let all = stored(&app).await;
        let (reject_id, accept_id) = (all[0].id, all[1].id);

        let admin = app.login(Role::Region).await;
        let (status, page) = app.get(&admin, &format!("/aanmeldingen/{accept_id}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("value=\"wsv-de-nieuwe-linde\""), "a code is proposed from the name");

        // Bad terms: Dutch errors, nothing decided.
        let (status, _, body) = app
            .post(
                &admin,
                &format!("/aanmeldingen/{accept_id}/accepteren"),
                &[("network_code", "WSV!"), ("status", "actief"), ("registered_on", "2025-13-01")],
            )
            .await;
        assert_eq!(status, 422);
        assert!(body.contains("geen geldige code"), "{body:.3000}");
        assert_eq!(stored(&app).await[1].status, Status::Ontvangen);

        let (status, location, _) = app
            .post(
                &admin,
                &format!("/aanmeldingen/{accept_id}/accepteren"),
                &[
                    ("network_code", "wsv-de-nieuwe-linde"),
                    ("network_name", "WSV De Nieuwe Linde"),
                    ("status", "in_oprichting"),
                    ("registered_on", "2025-10-01"),
                    ("coordinator_start", "2025-11-01"),
                ],
            )
            .await;
        assert_eq!((status, location.as_str()), (303, "/netwerken/wsv-de-nieuwe-linde"));
        let mut conn = app.app.store.conn().await.unwrap();
        let networks = wijkregie_store::region::networks(&mut conn).await.unwrap();
        let n = networks.iter().find(|n| n.code.as_str() == "wsv-de-nieuwe-linde").expect("the network exists");
        assert_eq!(n.status, NetworkStatus::InOprichting);
        assert_eq!(n.registered_on, Some("2025-10-01".parse().unwrap()));
        assert_eq!(n.practices.len(), 1);
        assert_eq!(n.practices[0].member.as_str(), "03000011");
        assert_eq!(
            n.wijken.iter().map(wijkregie_core::codes::Code::as_str).collect::<Vec<_>>(),
            ["binnenstad"],
            "the wijk by name"
        );
        let practice = wijkregie_store::region::practice(&mut conn, &"03000011".parse().unwrap()).await.unwrap();
        assert_eq!(practice.expect("the practice is created").registered_patients[0].count, 10_400);
        for (object, id, event) in [
            ("application", accept_id.to_string(), "application.accept"),
            ("network", "wsv-de-nieuwe-linde".to_owned(), "network.create"),
            ("practice", "03000011".to_owned(), "practice.create"),
        ] {
            let entries = wijkregie_store::audit::for_object(&mut conn, object, &id).await.unwrap();
            assert!(entries.iter().any(|e| e.event.event == event), "{engine:?} {event}");
        }
        drop(conn);
        let (_, page) = app.get(&app.client(), accept_link.trim_end_matches("?nieuw=1")).await;
        assert!(page.contains(">geaccepteerd<"), "the applicant sees it: {page:.1500}");

        // A decision is final.
        let (status, _, _) = app
            .post(
                &admin,
                &format!("/aanmeldingen/{accept_id}/accepteren"),
                &[
                    ("network_code", "wsv-ander"),
                    ("network_name", "Ander"),
                    ("status", "actief"),
                    ("registered_on", "2025-10-01"),
                ],
            )
            .await;
        assert_eq!(status, 409);

        // Rejecting without a reason is refused at the field.
        let (status, _, body) =
            app.post(&admin, &format!("/aanmeldingen/{reject_id}/afwijzen"), &[("reason", "  ")]).await;
        assert_eq!(status, 422);
        assert!(body.contains("vul de reden van de afwijzing in"), "{body:.3000}");
        assert_eq!(stored(&app).await[0].status, Status::Ontvangen);
        let (status, _, _) = app
            .post(
                &admin,
                &format!("/aanmeldingen/{reject_id}/afwijzen"),
                &[("reason", "Deze praktijk ligt buiten de regio.")],
            )
            .await;
        assert_eq!(status, 303);
        let (_, page) = app.get(&app.client(), reject_link.trim_end_matches("?nieuw=1")).await;
        assert!(page.contains(">afgewezen<") && page.contains("Deze praktijk ligt buiten de regio."), "{page:.1500}");

        let (_, queue) = app.get(&admin, "/aanmeldingen").await;
        assert!(queue.contains("id=\"count-geaccepteerd\">1<") && queue.contains("id=\"count-afgewezen\">1<"));
    }
}

#[tokio::test]
async fn the_demo_interest_becomes_proposals_with_distances() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (status, page) = app.get(&admin, "/aanmeldingen/voorstellen").await;
        assert_eq!(status, 200);
        assert!(page.contains("Voorstel 1:"), "{page:.3000}");
        assert!(page.contains(" km</td>"), "distances are shown");
        assert!(page.contains(",") && page.contains("km tot het midden"));
        assert!(page.contains("Huisartsenpraktijk De Kaai"));
        let mut conn = app.app.store.conn().await.unwrap();
        let entries = wijkregie_store::audit::page(&mut conn, None, 20).await.unwrap();
        assert!(entries.iter().any(|e| e.event.event == "application.proposals"), "the read is logged");
    }
}

/// Opens the form and returns its CSRF token with a stamp old enough for a
/// person, so a test need not wait.
async fn aged_form(app: &TestApp, client: &Client) -> (String, String) {
    let (csrf, _) = open_form(app, client).await;
    let shown = chrono::Utc::now() - chrono::Duration::seconds(MIN_FILL_SECONDS + 30);
    let stamp = wijkregie_app::application::issue_stamp(&app.app, &csrf, shown).unwrap();
    (csrf, stamp)
}

async fn mails_to(app: &TestApp, address: &str) -> Vec<wijkregie_store::outbox::OutboxMail> {
    let mut conn = app.app.store.conn().await.unwrap();
    let all = wijkregie_store::outbox::outbox(&mut conn, 1000).await.unwrap();
    all.into_iter().filter(|m| m.recipient == address).collect()
}

#[tokio::test]
async fn the_status_link_is_mailed_and_can_be_sent_again_a_few_times() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let client = app.client();
        let (csrf, stamp) = aged_form(&app, &client).await;
        let (status, location, _) = post(&app, &client, &csrf, &stamp, &valid("03000011")).await;
        assert_eq!(status, 303, "{engine:?}");
        let link = location.trim_end_matches("?nieuw=1").to_owned();
        let token = link.trim_start_matches("/aanmelden/status/").to_owned();

        // The link leaves by mail, to the address of the application only.
        let mails = mails_to(&app, "anna@praktijk.nl").await;
        assert_eq!(mails.len(), 1, "{engine:?}");
        assert!(mails[0].body.contains(&format!("/aanmelden/status/{token}")), "{engine:?}: {}", mails[0].body);

        let (_, page) = app.get(&client, &location).await;
        assert!(page.contains("gemaild naar a…@praktijk.nl"), "{engine:?}: {page:.3000}");
        assert!(page.contains(&format!("action=\"{link}/opnieuw-sturen\"")), "{engine:?}: a resend button");

        // Again: a second and third mail, each confirmed on the status page.
        for n in 2..=3 {
            let (status, to, _) = app_post(&app, &client, &format!("{link}/opnieuw-sturen")).await;
            assert_eq!((status, to.as_str()), (303, link.as_str()), "{engine:?}");
            let (_, page) = app.get(&client, &link).await;
            assert!(page.contains("role=\"status\">De link is opnieuw gestuurd naar a…@praktijk.nl."), "{engine:?}");
            assert_eq!(mails_to(&app, "anna@praktijk.nl").await.len(), n, "{engine:?}");
        }
        // A fourth within the hour is refused, in Dutch, and sends nothing.
        let (status, _, body) = app_post(&app, &client, &format!("{link}/opnieuw-sturen")).await;
        assert_eq!(status, 429, "{engine:?}: {body:.300}");
        assert!(body.contains("Te veel pogingen"), "{engine:?}");
        assert_eq!(mails_to(&app, "anna@praktijk.nl").await.len(), 3, "{engine:?}");

        // Another link is no key: 404.
        let (status, _, _) =
            app_post(&app, &client, &format!("/aanmelden/status/{}/opnieuw-sturen", "b".repeat(43))).await;
        assert_eq!(status, 404, "{engine:?}");
    }
}

/// Posts a form with only the CSRF token of the client's session.
async fn app_post(app: &TestApp, client: &Client, path: &str) -> (u16, String, String) {
    let (_, html) = app.get(client, "/aanmelden").await;
    let csrf = csrf_in(&html).unwrap();
    let r = client.post(app.url(path)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, r.text().await.unwrap())
}

#[tokio::test]
async fn the_review_warns_names_the_existing_network_and_asks_what_the_option_needs() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let client = app.client();
        // Few patients, 6 hours of an own coordinator, for an existing network.
        let small = with(
            with(with(valid("03000021"), "p1_patients", "2.850"), "coordinator_hours", "6"),
            "network_name",
            "WSV Binnenstad",
        );
        let (csrf, stamp) = aged_form(&app, &client).await;
        assert_eq!(post(&app, &client, &csrf, &stamp, &small).await.0, 303, "{engine:?}");
        let option_b = stored(&app).await[0].id;
        // Option A, enough patients, a new network.
        let region_option = with(with(valid("03000022"), "coordinator", "A"), "network_name", "WSV Nieuwland");
        assert_eq!(post(&app, &client, &csrf, &stamp, &region_option).await.0, 303, "{engine:?}");
        let option_a = stored(&app).await[0].id;

        let admin = app.login(Role::Region).await;
        let (status, page) = app.get(&admin, &format!("/aanmeldingen/{option_b}")).await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(page.contains("Samen 2.850 ingeschreven patiënten: minder dan de drempel van 10.000"), "{engine:?}");
        assert!(page.contains("Eigen coördinator 6 uur per week: minder dan de 8 uur per week"), "{engine:?}");
        assert!(page.contains("Dit netwerk bestaat al"), "{engine:?}");
        let binnenstad = wijkregie_formats::demo::region()
            .networks
            .into_iter()
            .find(|n| n.code.as_str() == "wsv-binnenstad")
            .unwrap();
        let region = wijkregie_formats::demo::region();
        let today = wijkregie_core::clock::nl_today();
        for m in binnenstad.practices.iter().filter(|m| m.until.is_none_or(|u| u >= today) && m.from <= today) {
            let name = &region.practices.iter().find(|p| p.code == m.member).unwrap().name;
            assert!(page.contains(name.as_str()), "{engine:?}: member {name} named");
        }
        assert!(
            page.contains("name=\"network_code\" type=\"text\" value=\"wsv-binnenstad\""),
            "{engine:?}: {page:.200}"
        );
        assert!(
            page.contains("name=\"coordinator_start\"") && !page.contains("name=\"coordinator_name\""),
            "{engine:?}"
        );

        let (_, page) = app.get(&admin, &format!("/aanmeldingen/{option_a}")).await;
        assert!(!page.contains("Let op"), "{engine:?}: nothing to warn about");
        assert!(!page.contains("Dit netwerk bestaat al"), "{engine:?}");
        assert!(
            page.contains("name=\"coordinator_name\"") && !page.contains("name=\"coordinator_start\""),
            "{engine:?}"
        );
    }
}
