//! Closed-loop referrals on both engines, through the real router: a
//! practice refers, the partner works it through, the practice hears back.
//! Only the two parties ever see the patient; every access is logged; the
//! patient's name never lies in the database in clear; FHIR reads follow
//! the same rules.

use crate::common::{TestApp, ENGINES};
use reqwest::Client;
use wijkregie_app::account::{create_user, UserSpec};
use wijkregie_core::access::{Role, Scope};
use wijkregie_core::audit::Outcome;
use wijkregie_core::directory::Service;
use wijkregie_store::Engine;

const PATIENT: &str = "Zwaantje Kwakkelstein";

/// The demo partner's own service: where the demo practice refers to.
fn partner_service(app: &TestApp) -> Service {
    let Scope::Organization(own) = app.scope(Role::Organization) else { panic!("partner has an organisation") };
    wijkregie_formats::demo::directory::generate()
        .services
        .into_iter()
        .find(|s| s.organization == own)
        .expect("the demo partner offers a service")
}

fn form(service: &Service) -> Vec<(&'static str, String)> {
    vec![
        ("dienst", service.id.to_string()),
        ("hulpvraag", service.taxonomy_terms[0].to_string()),
        ("urgentie", "routine".into()),
        ("vraag", "Mevrouw gebruikt haar inhalator niet goed; wilt u het nog eens uitleggen?".into()),
        ("naam", PATIENT.into()),
        ("telefoon", "06-1234 5678".into()),
        ("geboortejaar", "1951".into()),
        ("postcode", "5821 CD".into()),
        ("toestemming", "1".into()),
    ]
}

async fn post(app: &TestApp, client: &Client, path: &str, fields: &[(&str, String)]) -> (u16, String, String) {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post(client, path, &borrowed).await
}

/// The part of a worklist page under the heading with this id.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("<h2 id=\"{id}\"")).expect("the section");
    let rest = &html[start + 1..];
    &rest[..rest.find("<h2 id=").unwrap_or(rest.len())]
}

/// Sends a referral as the demo practice; returns its path.
pub(crate) async fn refer(app: &TestApp, practice: &Client) -> String {
    let service = partner_service(app);
    let (status, location, body) = post(app, practice, "/verwijzingen/nieuw", &form(&service)).await;
    assert_eq!(status, 303, "{body}");
    assert!(location.ends_with("?melding=verstuurd"), "the page confirms the sending: {location}");
    location.trim_end_matches("?melding=verstuurd").to_owned()
}

/// A user of another practice and of another organisation, to prove they see nothing.
async fn outsiders(app: &TestApp) -> (Client, Client) {
    let region = wijkregie_formats::demo::region();
    let Scope::Practice(own_practice) = app.scope(Role::Practice) else { panic!() };
    let Scope::Organization(own_org) = app.scope(Role::Organization) else { panic!() };
    let other_practice = region.practices.iter().find(|p| p.code != own_practice).unwrap().code.clone();
    let other_org = region.organizations.iter().find(|o| o.code != own_org).unwrap().code.clone();
    let mut clients = vec![];
    for (email, role, scope) in [
        ("andere.praktijk@example.nl", Role::Practice, Scope::Practice(other_practice)),
        ("andere.partner@example.nl", Role::Organization, Scope::Organization(other_org)),
    ] {
        let spec =
            UserSpec { email: email.into(), name: email.into(), password: "een-lang-wachtwoord".into(), role, scope };
        create_user(&app.operator(), spec, false).await.expect("user");
        let (client, status) = app.login_as(email, "een-lang-wachtwoord", None).await;
        assert!(status.is_redirection() || status.is_success(), "{status}");
        clients.push(client);
    }
    let partner = clients.pop().unwrap();
    (clients.pop().unwrap(), partner)
}

#[tokio::test]
async fn refer_accept_complete_and_the_practice_hears_back() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let partner = app.login(Role::Organization).await;
        let service = partner_service(&app);

        let (_, page) = app.get(&practice, &format!("/aanbod/voorzieningen/{}", service.id)).await;
        assert!(page.contains(&format!("/verwijzingen/nieuw?dienst={}", service.id)), "{engine:?}: refer from the map");
        let path = refer(&app, &practice).await;

        // The partner has news: a badge, the referral under "Nieuw".
        let (_, inbox) = app.get(&partner, "/verwijzingen").await;
        assert!(inbox.contains("nav-badge") && inbox.contains(PATIENT), "{engine:?}");
        assert!(section(&inbox, "nieuw").contains(PATIENT), "{engine:?}: under Nieuw");
        let (status, page) = app.get(&partner, &path).await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(page.contains(PATIENT) && page.contains("Accepteren"), "{engine:?}");
        let (_, practice_view) = app.get(&practice, &path).await;
        assert!(practice_view.contains("<strong>geopend</strong>"), "{engine:?}: opened = received");

        for (step, extra) in [("accept", ""), ("start", ""), ("complete", "goal-reached")] {
            let mut fields = vec![("stap", step.to_owned()), ("bericht", format!("stap {step}"))];
            if !extra.is_empty() {
                fields.push(("keuze", extra.to_owned()));
            }
            let (status, _, body) = post(&app, &partner, &format!("{path}/stap"), &fields).await;
            assert_eq!(status, 303, "{engine:?} {step}: {body}");
        }
        let (_, done) = app.get(&practice, &path).await;
        assert!(done.contains("Afgerond") || done.contains("afgerond"), "{engine:?}");
        assert!(done.contains("stap complete"), "{engine:?}: the partner's feedback reaches the practice");
        let (_, list) = app.get(&practice, "/verwijzingen").await;
        assert!(section(&list, "afgerond").contains(PATIENT), "{engine:?}: under Afgerond");

        // Nothing more can happen to a closed referral; the reason is given.
        let (status, _, body) = post(&app, &partner, &format!("{path}/stap"), &[("stap", "accept".into())]).await;
        assert_eq!(status, 409, "{engine:?}");
        assert!(body.contains("lang=\"nl\"") && body.contains("afgeronde"), "{engine:?}: {body}");
        let cancel = [("stap", "cancel".into()), ("keuze", "mistake".into()), ("bevestigd", "1".into())];
        let (status, _, _) = post(&app, &practice, &format!("{path}/stap"), &cancel).await;
        assert_eq!(status, 409, "{engine:?}");
    }
}

#[tokio::test]
async fn only_the_two_parties_ever_see_the_patient() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let path = refer(&app, &practice).await;
        let (other_practice, other_partner) = outsiders(&app).await;
        let refused = [
            ("wijkmanager", app.login(Role::Networks).await),
            ("regio-beheerder", app.login(Role::Region).await),
            ("andere praktijk", other_practice),
            ("andere partner", other_partner),
        ];
        for (who, client) in &refused {
            for p in [path.clone(), format!("{path}/inzage")] {
                let (status, body) = app.get(client, &p).await;
                assert_eq!(status, 403, "{engine:?} {who} GET {p}");
                assert!(!body.contains(PATIENT), "{engine:?} {who}");
            }
            let (status, _, _) = post(&app, client, &format!("{path}/stap"), &[("stap", "accept".into())]).await;
            assert_eq!(status, 403, "{engine:?} {who} step");
            let (status, _, _) = post(&app, client, &format!("{path}/bericht"), &[("bericht", "hallo".into())]).await;
            assert_eq!(status, 403, "{engine:?} {who} message");
            let (_, list) = app.get(client, "/verwijzingen").await;
            assert!(!list.contains(PATIENT), "{engine:?} {who}: not in any list");
        }
        // Each side may only take its own steps.
        let (status, _, body) = post(&app, &practice, &format!("{path}/stap"), &[("stap", "accept".into())]).await;
        assert_eq!(status, 409, "{engine:?}");
        assert!(body.contains("netwerkpartner"), "{engine:?}: says who may: {body}");
        let partner = app.login(Role::Organization).await;
        let cancel = [("stap", "cancel".into()), ("keuze", "mistake".into()), ("bevestigd", "1".into())];
        let (status, _, _) = post(&app, &partner, &format!("{path}/stap"), &cancel).await;
        assert_eq!(status, 409, "{engine:?}");
        let (status, _, _) = post(&app, &partner, &format!("{path}/stap"), &[("stap", "reject".into())]).await;
        assert_eq!(status, 422, "{engine:?}: a rejection needs a reason");
        let (status, _, _) = post(&app, &partner, &format!("{path}/stap"), &[("stap", "verdwijn".into())]).await;
        assert_eq!(status, 400, "{engine:?}");
        let (status, _, _) = post(&app, &practice, &format!("{path}/stap"), &[("stap", "cancel".into())]).await;
        assert_eq!(status, 422, "{engine:?}: withdrawing needs a reason");
        let unconfirmed = [("stap", "cancel".into()), ("keuze", "mistake".into())];
        let (status, _, body) = post(&app, &practice, &format!("{path}/stap"), &unconfirmed).await;
        assert_eq!(status, 422, "{engine:?}: and a confirmation");
        assert!(body.contains("bevestig"), "{engine:?}");
        let (status, _, _) = post(&app, &practice, &format!("{path}/stap"), &cancel).await;
        assert_eq!(status, 303, "{engine:?}: the practice withdraws its own");
        let (_, page) = app.get(&practice, &path).await;
        assert!(page.contains("Ingetrokken omdat") && page.contains("per vergissing verstuurd"), "{engine:?}");
        let id: wijkregie_core::directory::HsdsId = path.trim_start_matches("/verwijzingen/").parse().unwrap();
        let mut conn = app.app.store.conn().await.unwrap();
        let stored = wijkregie_store::referral::get(&mut conn, &app.app.field_key, &id).await.unwrap().unwrap();
        assert_eq!(
            stored.referral.facts.cancel_reason(),
            Some(wijkregie_core::referral::CancelReason::Mistake),
            "{engine:?}: the reason is stored with the step"
        );

        // The coordinator sees counts, small ones as "< 5", never the patient.
        let wm = app.login(Role::Networks).await;
        let (status, figures) = app.get(&wm, "/verwijzingen/cijfers").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(figures.contains("&lt; 5") && !figures.contains(PATIENT), "{engine:?}");
        let (status, _) = app.get(&practice, "/verwijzingen/cijfers").await;
        assert_eq!(status, 403, "{engine:?}: a practice sees its own referrals, not the network's figures");
    }
}

#[tokio::test]
async fn every_access_is_logged_with_its_rule_and_the_practice_can_show_it() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let partner = app.login(Role::Organization).await;
        let path = refer(&app, &practice).await;
        let id = path.trim_start_matches("/verwijzingen/").to_owned();
        app.get(&partner, &path).await;
        app.get(&partner, "/verwijzingen").await;
        let (_, outsider) = outsiders(&app).await;
        app.get(&outsider, &path).await;

        let mut conn = app.app.store.conn().await.unwrap();
        let log = wijkregie_store::audit::for_object(&mut conn, "referral", &id).await.unwrap();
        drop(conn);
        let events: Vec<(&str, Outcome)> = log.iter().map(|e| (e.event.event.as_str(), e.event.outcome)).collect();
        assert_eq!(
            events,
            [
                ("referral.create", Outcome::Success),
                ("referral.read", Outcome::Success),
                ("referral.list", Outcome::Success),
                ("referral.read", Outcome::Refused),
            ],
            "{engine:?}: one entry per access"
        );
        for e in &log {
            let ev = &e.event;
            assert!(ev.user_id.is_some() && ev.user_role.is_some(), "{engine:?}: who and in which role");
            assert!(ev.access_rule.as_deref().is_some_and(|r| !r.is_empty()), "{engine:?}: which rule");
            assert_eq!((ev.object_type.as_str(), ev.object_id.as_deref()), ("referral", Some(id.as_str())));
            assert!(!ev.source_instance.is_empty(), "{engine:?}");
        }

        let (status, overview) = app.get(&practice, &format!("{path}/inzage")).await;
        assert_eq!(status, 200, "{engine:?}");
        // Plain Dutch for the patient: what happened, by whom, for which
        // organisation; no event codes, no role codes.
        assert!(overview.contains("geweigerd") && overview.contains("opende de verwijzing"), "{engine:?}");
        assert!(
            overview.contains("zag de lijst met verwijzingen") && overview.contains("Femke Rozendaal"),
            "{engine:?}"
        );
        assert!(!overview.contains("referral.read") && !overview.contains("netwerkpartner<"), "{engine:?}");
    }
}

#[tokio::test]
async fn the_patients_name_is_not_in_the_database_in_clear() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        refer(&app, &practice).await;
        let partner = app.login(Role::Organization).await;
        let (_, inbox) = app.get(&partner, "/verwijzingen").await;
        assert!(inbox.contains(PATIENT), "{engine:?}: the partner reads it back");

        let dump: Vec<u8> = match engine {
            Engine::Sqlite => {
                // Fold the write-ahead log into the file, then read every byte.
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(app.app.store.pool()).await.unwrap();
                let path = app.sqlite_file().expect("a SQLite file");
                let mut bytes = std::fs::read(&path).unwrap();
                bytes.extend(std::fs::read(path.with_extension("sqlite-wal")).unwrap_or_default());
                bytes
            }
            Engine::Postgres => app.pg_dump(),
        };
        assert!(dump.len() > 10_000, "{engine:?}: a real dump");
        let needle = PATIENT.as_bytes();
        assert!(!dump.windows(needle.len()).any(|w| w == needle), "{engine:?}: the name lies in the database in clear");
        assert!(!dump.windows(10).any(|w| w == b"0612345678"), "{engine:?}: nor the phone number");

        // The notification mail says only that there is news.
        let mut conn = app.app.store.conn().await.unwrap();
        let mails = wijkregie_store::outbox::outbox(&mut conn, 10).await.unwrap();
        assert!(!mails.is_empty(), "{engine:?}: the partner is mailed");
        assert!(mails.iter().all(|m| m.kind == wijkregie_app::mail::MailKind::ReferralNews), "{engine:?}");
        assert!(mails.iter().all(|m| !m.body.contains(PATIENT) && !m.subject.contains(PATIENT)), "{engine:?}");
        // Nor does the mail that goes out, bundled or not.
        let later = chrono::Utc::now() + chrono::Duration::hours(1);
        let out = wijkregie_app::mail::due(&app.app, later).await.unwrap();
        assert!(!out.is_empty(), "{engine:?}: due after the window");
        assert!(out.iter().all(|o| !o.mail.text.contains(PATIENT) && !o.mail.subject.contains(PATIENT)));
    }
}

#[tokio::test]
async fn personal_data_is_erased_after_the_retention_period_and_the_facts_stay() {
    let app = TestApp::start(Engine::Sqlite).await;
    let practice = app.login(Role::Practice).await;
    let path = refer(&app, &practice).await;
    let cancel = [("stap", "cancel".into()), ("keuze", "no-longer-needed".into()), ("bevestigd", "1".into())];
    post(&app, &practice, &format!("{path}/stap"), &cancel).await;
    let mut config = (*app.app.config).clone();
    config.retention_months = 12;
    let mut state = app.app.clone();
    state.config = std::sync::Arc::new(config.clone());
    assert_eq!(wijkregie_app::referral::erase_due(&state).await.unwrap(), 0, "not yet");
    config.retention_months = 0;
    state.config = std::sync::Arc::new(config);
    // The demo's closed referrals go too; all of them were closed less than a year ago.
    assert!(wijkregie_app::referral::erase_due(&state).await.unwrap() >= 1);
    let (_, page) = app.get(&practice, &path).await;
    assert!(!page.contains(PATIENT) && page.contains("persoonsgegevens zijn verwijderd"));
    let id = path.trim_start_matches("/verwijzingen/");
    let mut conn = app.app.store.conn().await.unwrap();
    let log = wijkregie_store::audit::for_object(&mut conn, "referral", id).await.unwrap();
    assert!(log.iter().any(|e| e.event.event == "referral.erase" && e.event.user_id.is_none()), "erasure is logged");
}

#[tokio::test]
async fn fhir_reads_and_searches_follow_the_same_rules() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let path = refer(&app, &practice).await;
        let id = path.trim_start_matches("/verwijzingen/").to_owned();
        let partner = app.token(Role::Organization).await;
        let fhir_get = |token: String, p: String| {
            let url = app.url(&p);
            async move {
                let r = Client::new().get(url).bearer_auth(token).send().await.unwrap();
                let status = r.status().as_u16();
                let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                (status, kind, r.json::<serde_json::Value>().await.unwrap())
            }
        };
        let (status, kind, task) = fhir_get(partner.clone(), format!("/fhir/Task/{id}")).await;
        assert_eq!(status, 200, "{engine:?}: {task}");
        assert!(kind.starts_with("application/fhir+json"), "{engine:?}");
        assert_eq!(task["resourceType"], "Task");
        assert_eq!(task["status"], "received", "{engine:?}: the partner's read counts as opening it");
        assert_eq!(task["focus"]["reference"], format!("ServiceRequest/{id}"));

        // Searches return the partner's own referrals in that status, and only those.
        let ids = |bundle: &serde_json::Value| -> Vec<(String, String)> {
            bundle["entry"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .map(|x| {
                            (
                                x["resource"]["id"].as_str().unwrap().to_owned(),
                                x["resource"]["status"].as_str().unwrap().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (status, _, bundle) = fhir_get(partner.clone(), "/fhir/Task?status=received&_count=200".into()).await;
        assert_eq!((status, bundle["resourceType"].as_str()), (200, Some("Bundle")), "{engine:?}");
        let received = ids(&bundle);
        assert!(received.iter().any(|(i, _)| i == &id), "{engine:?}: ours is received");
        assert!(received.iter().all(|(_, s)| s == "received"), "{engine:?}");
        assert_eq!(bundle["total"].as_u64(), Some(received.len() as u64));
        let (_, _, completed) = fhir_get(partner.clone(), "/fhir/Task?status=completed&_count=200".into()).await;
        let completed = ids(&completed);
        assert!(completed.iter().all(|(i, s)| i != &id && s == "completed"), "{engine:?}");
        let (_, _, paged) = fhir_get(partner.clone(), "/fhir/Task?_count=1".into()).await;
        assert_eq!(paged["entry"].as_array().map(Vec::len), Some(1), "{engine:?}: _count pages");
        assert!(paged["link"].to_string().contains("next"), "{engine:?}: with a next link");
        let (_, _, request) = fhir_get(app.token(Role::Practice).await, format!("/fhir/ServiceRequest/{id}")).await;
        assert_eq!(request["resourceType"], "ServiceRequest", "{engine:?}");
        assert!(request.to_string().contains(PATIENT), "{engine:?}: the parties see the patient");

        // What the API serves is valid R4, checked by the validator CI installs.
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in [("task", &task), ("bundle", &bundle), ("request", &request)] {
            std::fs::write(dir.path().join(format!("{name}.json")), body.to_string()).unwrap();
        }
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/fhir-validate.mjs");
        let out = std::process::Command::new("node")
            .arg(&script)
            .arg(dir.path())
            .output()
            .expect("node runs the FHIR validator: (cd scripts && npm ci)");
        assert!(
            out.status.success(),
            "{engine:?}: not valid R4: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );

        let (status, _, outcome) = fhir_get(app.token(Role::Networks).await, format!("/fhir/Task/{id}")).await;
        assert_eq!(status, 403, "{engine:?}");
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        assert!(!outcome.to_string().contains(PATIENT));
        let (status, _, outcome) = fhir_get("geen-token".into(), "/fhir/Task".into()).await;
        assert_eq!((status, outcome["resourceType"].as_str()), (401, Some("OperationOutcome")), "{engine:?}");
        let (status, _, _) = fhir_get(partner.clone(), "/fhir/Task?_count=abc".into()).await;
        assert_eq!(status, 400, "{engine:?}");
        let (status, _, _) = fhir_get(partner, "/fhir/Task/00000000-0000-4000-8000-000000000000".into()).await;
        assert_eq!(status, 404, "{engine:?}");
    }
}

/// After `--new-key` (the old key is lost), every referral list, page and
/// FHIR search still answers: the anonymous facts stay, the personal part
/// says it can no longer be read. Before, each was a 500.
#[tokio::test]
async fn referrals_sealed_with_a_lost_key_stay_readable_as_facts() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let path = refer(&app, &practice).await;
        let id = path.trim_start_matches("/verwijzingen/").to_owned();
        let partner = app.token(Role::Organization).await;
        let app = app.with_new_key().await;
        let practice = app.login(Role::Practice).await;
        let (status, list) = app.get(&practice, "/verwijzingen").await;
        assert_eq!(status, 200, "{engine:?}: {list}");
        let (status, page) = app.get(&practice, &path).await;
        assert_eq!(status, 200, "{engine:?}: {page}");
        assert!(page.contains("niet meer leesbaar") && !page.contains(PATIENT), "{engine:?}: {page}");
        for fhir in [format!("/fhir/Task/{id}"), "/fhir/Task?_count=200".into(), format!("/fhir/ServiceRequest/{id}")] {
            let r = Client::new().get(app.url(&fhir)).bearer_auth(&partner).send().await.unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert_eq!(status, 200, "{engine:?}: {fhir}: {body}");
            assert!(!body.contains(PATIENT), "{engine:?}: {fhir}");
        }
        let r = Client::new().get(app.url(&format!("/fhir/Task/{id}"))).bearer_auth(&partner).send().await.unwrap();
        let task: serde_json::Value = r.json().await.unwrap();
        assert!(task.to_string().contains("niet meer leesbaar"), "{engine:?}: {task}");
        // A step still works and keeps the facts; nothing is lost further.
        let (status, ..) =
            post(&app, &practice, &format!("{path}/bericht"), &[("bericht", "nog een vraag".into())]).await;
        assert!(status < 500, "{engine:?}: {status}");
    }
}
