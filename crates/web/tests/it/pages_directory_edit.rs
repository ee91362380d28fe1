//! Changing the social map on both engines: who may add and edit services
//! and locations, partners' changes listed for the coordinator, merging
//! duplicates, and the region's taxonomy editor.

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::{Role, Scope};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::Service;

/// Demo services by who keeps them.
struct Kept {
    /// Of the demo partner's own organisation.
    partners: Service,
    /// Of an organisation that is a partner in one of the wijkmanager's networks.
    coordinators: Service,
    /// Of an organisation outside the wijkmanager's networks.
    outside: Service,
}

fn kept(app: &TestApp) -> Kept {
    let region = wijkregie_formats::demo::region();
    let directory = wijkregie_formats::demo::directory::generate();
    let Scope::Networks(mine) = app.scope(Role::Networks) else { panic!("wijkmanager has networks") };
    let Scope::Organization(own) = app.scope(Role::Organization) else { panic!("partner has an organisation") };
    let partner_in_mine = |org: &Code| {
        region.networks.iter().any(|n| mine.contains(&n.code) && n.partners.iter().any(|m| &m.member == org))
    };
    let find = |f: &dyn Fn(&Service) -> bool| directory.services.iter().find(|s| f(s)).expect("a demo service").clone();
    Kept {
        partners: find(&|s| s.organization == own),
        coordinators: find(&|s| s.organization != own && partner_in_mine(&s.organization)),
        outside: find(&|s| !partner_in_mine(&s.organization) && s.organization != own),
    }
}

/// A complete service form for `organization`, as a browser would send it.
fn service_form<'a>(organization: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("organisatie", organization),
        ("naam", name),
        ("beschrijving", "Samen wandelen door de wijk, elke dinsdag. Voor iedereen die wil bewegen."),
        ("status", "active"),
        ("domein", "welzijn"),
        ("gratis", "1"),
        ("min_leeftijd", "55"),
        ("talen", "nl"),
        ("talen", "tr"),
        ("ketenaanpakken", "valpreventie"),
        ("hulpvragen", "bewegen"),
        ("telefoon", "035 765 43 21; dinsdag"),
        ("dag_2", "10:00-11:30"),
        ("website", "https://wandel.example/wijk"),
    ]
}

#[tokio::test]
async fn a_coordinator_adds_a_service_that_is_found_at_once() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let k = kept(&app);
        let wm = app.login(Role::Networks).await;
        let (status, page) = app.get(&wm, "/aanbod/voorzieningen/nieuw").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(page.contains("Nieuwe voorziening") && page.contains("Openingstijden"), "{engine:?}");

        let org = k.coordinators.organization.to_string();
        let (status, location, _) =
            app.post(&wm, "/aanbod/voorzieningen/nieuw", &service_form(&org, "Wandelgroep Zilvervos")).await;
        assert_eq!(status, 303, "{engine:?}");
        assert!(location.starts_with("/aanbod/voorzieningen/"), "{engine:?}: {location}");
        let (_, page) = app.get(&wm, &location).await;
        assert!(page.contains("Wandelgroep Zilvervos") && page.contains("vanaf 55 jaar"), "{engine:?}");
        assert!(page.contains("10:00 – 11:30") && page.contains("aangemaakt"), "{engine:?}");
        let (_, found) = app.get(&wm, "/aanbod?q=zilvervos").await;
        assert!(found.contains("Wandelgroep Zilvervos"), "{engine:?}: the index follows at once");
        let (_, found) = app.get(&wm, "/aanbod?q=&hulpvraag=bewegen&taal=tr").await;
        assert!(found.contains("Wandelgroep Zilvervos"), "{engine:?}: filters see the new service");

        // Bad input comes back with every problem, in Dutch, and saves nothing.
        let mut bad = service_form(&org, " ");
        bad.retain(|(k, _)| !matches!(*k, "min_leeftijd" | "telefoon"));
        bad.extend([("dag_3", "ochtend"), ("min_leeftijd", "200"), ("telefoon", "bel ons")]);
        let (status, _, body) = app.post(&wm, "/aanbod/voorzieningen/nieuw", &bad).await;
        assert_eq!(status, 422, "{engine:?}");
        for message in ["de naam is verplicht", "is geen tijdvak", "is geen leeftijd", "is geen telefoonnummer"] {
            assert!(body.contains(message), "{engine:?}: {message} in {body}");
        }
        // A request no browser sends (a field twice) gets a Dutch page, not axum's English.
        let (status, _, body) = app.post(&wm, "/aanbod/voorzieningen/nieuw", &[("naam", "a"), ("naam", "b")]).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("lang=\"nl\"") && body.contains("Ongeldige invoer"), "{engine:?}: {body}");
        let mut wrong_email = service_form(&org, "Met fout adres");
        wrong_email.push(("email", "geen-adres"));
        let (status, _, body) = app.post(&wm, "/aanbod/voorzieningen/nieuw", &wrong_email).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("geen geldig e-mailadres"), "{engine:?}");

        // Not for an organisation outside the coordinator's networks.
        let outside = k.outside.organization.to_string();
        let (status, _, _) =
            app.post(&wm, "/aanbod/voorzieningen/nieuw", &service_form(&outside, "Niet van mij")).await;
        assert_eq!(status, 403, "{engine:?}");
        let (_, found) = app.get(&wm, "/aanbod?q=niet+van+mij").await;
        assert!(!found.contains("Niet van mij"), "{engine:?}");
    }
}

#[tokio::test]
async fn every_edit_route_keeps_to_the_users_scope() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let k = kept(&app);
        let anonymous = app.client();
        let users: Vec<(Role, reqwest::Client)> = vec![
            (Role::Practice, app.login(Role::Practice).await),
            (Role::Organization, app.login(Role::Organization).await),
            (Role::Networks, app.login(Role::Networks).await),
            (Role::Region, app.login(Role::Region).await),
        ];
        let edit = |s: &Service| format!("/aanbod/voorzieningen/{}/bewerken", s.id);
        for (role, client) in &users {
            // (service, may this role edit it)
            let cases = [
                (&k.partners, matches!(role, Role::Organization | Role::Region) || *role == Role::Networks),
                (&k.coordinators, matches!(role, Role::Networks | Role::Region)),
                (&k.outside, *role == Role::Region),
            ];
            for (service, allowed) in cases {
                let (status, _) = app.get(client, &edit(service)).await;
                assert_eq!(status == 200, allowed, "{engine:?} {role:?} GET {}", service.name);
                let org = service.organization.to_string();
                let form = service_form(&org, &service.name);
                let (status, _, _) = app.post(client, &edit(service), &form).await;
                assert_eq!(status == 303, allowed, "{engine:?} {role:?} POST {}: {status}", service.name);
                if !allowed {
                    assert_eq!(status, 403, "{engine:?} {role:?}");
                }
            }
            let (status, _) = app.get(client, "/aanbod/voorzieningen/nieuw").await;
            assert_eq!(status == 200, *role != Role::Practice, "{engine:?} {role:?} new service");
            let (status, _) = app.get(client, "/aanbod/locaties/nieuw").await;
            assert_eq!(status == 200, *role != Role::Practice, "{engine:?} {role:?} new location");
            let (status, _) = app.get(client, "/aanbod/hulpvragen/nieuw").await;
            assert_eq!(status == 200, *role == Role::Region, "{engine:?} {role:?} new hulpvraag");
            let (status, _, _) =
                app.post(client, "/aanbod/hulpvragen/eenzaamheid/bewerken", &[("naam", "Eenzaamheid")]).await;
            assert_eq!(status == 303, *role == Role::Region, "{engine:?} {role:?} edit hulpvraag");
        }
        for path in
            ["/aanbod/voorzieningen/nieuw", &edit(&k.partners), "/aanbod/locaties/nieuw", "/aanbod/hulpvragen/nieuw"]
        {
            let (status, _) = app.get(&anonymous, path).await;
            assert_eq!(status, 303, "{engine:?}: {path} sends an anonymous visitor to the login");
        }
        // Locations: a partner edits its own, not another organisation's.
        let d = wijkregie_formats::demo::directory::generate();
        let own = d.locations.iter().find(|l| l.organization == k.partners.organization).expect("partner location");
        let other = d.locations.iter().find(|l| l.organization == k.outside.organization).expect("other location");
        let partner = &users[1].1;
        let (status, _) = app.get(partner, &format!("/aanbod/locaties/{}/bewerken", own.id)).await;
        assert_eq!(status, 200, "{engine:?}");
        let (status, _) = app.get(partner, &format!("/aanbod/locaties/{}/bewerken", other.id)).await;
        assert_eq!(status, 403, "{engine:?}");
        let fields = [("organisatie", other.organization.as_str()), ("naam", "Overgenomen")];
        let (status, _, _) = app.post(partner, &format!("/aanbod/locaties/{}/bewerken", other.id), &fields).await;
        assert_eq!(status, 403, "{engine:?}");
    }
}

#[tokio::test]
async fn a_partners_change_is_listed_for_the_coordinator_until_seen() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let k = kept(&app);
        let partner = app.login(Role::Organization).await;
        let org = k.partners.organization.to_string();
        let path = format!("/aanbod/voorzieningen/{}/bewerken", k.partners.id);
        let (status, _, _) = app.post(&partner, &path, &service_form(&org, "Nieuwe naam van de partner")).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, found) = app.get(&partner, "/aanbod?q=nieuwe+naam+van+de+partner").await;
        assert!(found.contains("Nieuwe naam van de partner"), "{engine:?}: a partner's change shows at once");

        let wm = app.login(Role::Networks).await;
        let (_, check) = app.get(&wm, "/aanbod/controleren").await;
        assert!(check.contains("Wijzigingen door netwerkpartners"), "{engine:?}");
        assert!(check.contains("Nieuwe naam van de partner") && check.contains("gewijzigd: naam"), "{engine:?}");
        let marker = "/aanbod/wijzigingen/";
        let start = check.find(marker).expect("a seen button") + marker.len();
        let id: String = check[start..].chars().take_while(char::is_ascii_digit).collect();

        // Only a keeper may mark it seen; the partner may not sign off on itself.
        let (status, _, _) = app.post(&partner, &format!("/aanbod/wijzigingen/{id}/gezien"), &[]).await;
        assert_eq!(status, 403, "{engine:?}");
        let (status, _, _) = app.post(&wm, &format!("/aanbod/wijzigingen/{id}/gezien"), &[]).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, check) = app.get(&wm, "/aanbod/controleren").await;
        assert!(!check.contains("Wijzigingen door netwerkpartners"), "{engine:?}");
        let (status, _, _) = app.post(&wm, "/aanbod/wijzigingen/999999/gezien", &[]).await;
        assert_eq!(status, 404, "{engine:?}");

        // A coordinator's own edit is not something to review.
        let org = k.coordinators.organization.to_string();
        let path = format!("/aanbod/voorzieningen/{}/bewerken", k.coordinators.id);
        app.post(&wm, &path, &service_form(&org, &k.coordinators.name)).await;
        let (_, check) = app.get(&wm, "/aanbod/controleren").await;
        assert!(!check.contains("Wijzigingen door netwerkpartners"), "{engine:?}");
    }
}

/// The edit form of `s` as a browser sends it back unchanged, except for
/// Monday's hours; its checkboxes list the hulpvragen in the form's order,
/// not the stored one (here: reversed).
fn form_of(s: &Service, monday: &str) -> Vec<(String, String)> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut form: Vec<(String, String)> = vec![
        ("organisatie".into(), s.organization.to_string()),
        ("naam".into(), s.name.clone()),
        ("andere_naam".into(), text(&s.alternate_name)),
        ("beschrijving".into(), s.description.clone()),
        ("website".into(), text(&s.url)),
        ("email".into(), text(&s.email)),
        ("status".into(), s.status.code().into()),
        ("aanmelden".into(), text(&s.application_process)),
        ("kosten".into(), text(&s.fees_description)),
        ("voorwaarden".into(), text(&s.eligibility_description)),
        ("min_leeftijd".into(), s.minimum_age.map(|a| a.to_string()).unwrap_or_default()),
        ("max_leeftijd".into(), s.maximum_age.map(|a| a.to_string()).unwrap_or_default()),
        ("domein".into(), s.domain.code().into()),
        ("tijden_toelichting".into(), text(&s.schedule.notes)),
    ];
    if s.free_of_charge {
        form.push(("gratis".into(), "1".into()));
    }
    if s.schedule.by_appointment {
        form.push(("op_afspraak".into(), "1".into()));
    }
    form.extend(s.languages.iter().map(|l| ("talen".into(), l.as_str().to_owned())));
    form.extend(s.pathways.iter().map(|p| ("ketenaanpakken".into(), p.code().to_owned())));
    form.extend(s.taxonomy_terms.iter().rev().map(|t| ("hulpvragen".into(), t.to_string())));
    form.extend(s.serves_wijken.iter().map(|c| ("wijken".into(), c.to_string())));
    form.extend(s.serves_networks.iter().map(|c| ("netwerken".into(), c.to_string())));
    form.extend(s.locations.iter().map(|l| ("locaties".into(), l.to_string())));
    let phones: Vec<String> = s
        .phones
        .iter()
        .map(|p| p.description.as_ref().map_or_else(|| p.number.clone(), |d| format!("{}; {d}", p.number)))
        .collect();
    form.push(("telefoon".into(), phones.join("\n")));
    for day in 1..=7u8 {
        let hours = if day == 1 {
            monday.to_owned()
        } else {
            let slots = s.schedule.slots.iter().filter(|slot| slot.weekday == day);
            slots
                .map(|slot| format!("{}-{}", slot.opens.format("%H:%M"), slot.closes.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        form.push((format!("dag_{day}"), hours));
    }
    form
}

/// A partner changed the opening hours and the coordinator's list said
/// "gewijzigd: hulpvragen, openingstijden", in UTC.
#[tokio::test]
async fn a_partners_change_of_hours_is_logged_as_that_alone_in_dutch_time() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let k = kept(&app);
        assert!(k.partners.taxonomy_terms.len() >= 2, "a service whose hulpvragen can come back in another order");
        let partner = app.login(Role::Organization).await;
        let path = format!("/aanbod/voorzieningen/{}/bewerken", k.partners.id);
        let form = form_of(&k.partners, "07:30-08:15");
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let before = chrono::Utc::now();
        let (status, _, body) = app.post(&partner, &path, &fields).await;
        assert_eq!(status, 303, "{engine:?}: {body}");

        let wm = app.login(Role::Networks).await;
        let (_, check) = app.get(&wm, "/aanbod/controleren").await;
        assert!(check.contains("gewijzigd: openingstijden<"), "{engine:?}: only the hours changed");
        assert!(!check.contains("hulpvragen, openingstijden"), "{engine:?}");
        assert!(!check.contains("UTC"), "{engine:?}");
        // The minute may turn between the save and this line; either is the Dutch clock.
        let shown = [before, chrono::Utc::now()].map(wijkregie_core::clock::nl_display);
        assert!(shown.iter().any(|t| check.contains(t.as_str())), "{engine:?}: {shown:?} on the Dutch clock");
        let (_, page) = app.get(&wm, &format!("/aanbod/voorzieningen/{}", k.partners.id)).await;
        assert!(shown.iter().any(|t| page.contains(t.as_str())) && !page.contains("UTC"), "{engine:?}: history too");
    }
}

#[tokio::test]
async fn duplicates_are_merged_without_loss_or_marked_different() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (_, check) = app.get(&admin, "/aanbod/controleren").await;
        let pairs = check.matches("name=\"blijft\"").count() / 2;
        assert!(pairs >= 1, "{engine:?}: the demo has a likely duplicate");
        let d = wijkregie_formats::demo::directory::generate();
        let kade: Vec<&Service> = d.services.iter().filter(|s| s.name.contains("De Kade")).collect();
        assert!(kade.len() >= 2, "the demo's duplicate pair");
        // Both are named "Ontmoetingscentrum De Kade": each button says which one stays.
        for button in [
            "Samenvoegen: Ontmoetingscentrum De Kade (Stichting Welzijn Kwartierstad, Marktplein 10, Kwartierstad) blijft",
            "Samenvoegen: Ontmoetingscentrum De Kade (Ouderenwerk De Zilveren Draad, Zilverlaan 14, Kwartierstad) blijft",
        ] {
            assert!(check.contains(button), "{engine:?}: {button}");
        }
        let (survivor, duplicate) = (kade[0], kade[1]);
        let fields = [("blijft", survivor.id.as_str()), ("vervalt", duplicate.id.as_str())];

        let practice = app.login(Role::Practice).await;
        let (status, _, _) = app.post(&practice, "/aanbod/samenvoegen", &fields).await;
        assert_eq!(status, 403, "{engine:?}");
        let same = [("blijft", survivor.id.as_str()), ("vervalt", survivor.id.as_str())];
        let (status, _, _) = app.post(&admin, "/aanbod/samenvoegen", &same).await;
        assert_eq!(status, 422, "{engine:?}");

        let (status, location, _) = app.post(&admin, "/aanbod/samenvoegen", &fields).await;
        assert_eq!((status, location), (303, format!("/aanbod/voorzieningen/{}", survivor.id)), "{engine:?}");
        let mut conn = app.app.store.conn().await.unwrap();
        let kept = wijkregie_store::directory::service(&mut conn, &survivor.id).await.unwrap().unwrap();
        let gone = wijkregie_store::directory::service(&mut conn, &duplicate.id).await.unwrap().unwrap();
        drop(conn);
        assert_eq!(gone.status, wijkregie_core::directory::ServiceStatus::Defunct, "{engine:?}");
        for phone in &duplicate.phones {
            let key = wijkregie_core::directory::duplicate_key(&phone.number);
            assert!(kept.phones.iter().any(|p| wijkregie_core::directory::duplicate_key(&p.number) == key));
        }
        for term in &duplicate.taxonomy_terms {
            assert!(kept.taxonomy_terms.contains(term), "{engine:?}: {term} kept");
        }
        let (_, page) = app.get(&admin, &format!("/aanbod/voorzieningen/{}", duplicate.id)).await;
        assert!(page.contains("opgegaan in"), "{engine:?}: the history points to the survivor");
        let (_, check) = app.get(&admin, "/aanbod/controleren").await;
        assert_eq!(check.matches("name=\"blijft\"").count() / 2, pairs - 1, "{engine:?}: the merged pair is gone");

        // Another look-alike pair, marked different, stays off the list.
        let names = |s: &Service| (s.id.to_string(), s.name.clone());
        let (a, b) = (names(&d.services[0]), names(&d.services[1]));
        let mut conn = app.app.store.conn().await.unwrap();
        for (id, _) in [&a, &b] {
            let mut s = wijkregie_store::directory::service(&mut conn, &id.parse().unwrap()).await.unwrap().unwrap();
            s.name = "Inloopspreekuur".into();
            let change = wijkregie_store::directory::ServiceChange {
                changed_at: chrono::Utc::now(),
                user_id: None,
                summary: "test".into(),
            };
            wijkregie_store::directory::save_service(&mut conn, &s, &change).await.unwrap();
        }
        drop(conn);
        let (_, check) = app.get(&admin, "/aanbod/controleren").await;
        let offered = |html: &str, id: &str| html.contains(&format!("value=\"{id}\""));
        assert!(offered(&check, &a.0) && offered(&check, &b.0), "{engine:?}: the same name makes them look alike");
        let (status, _, _) = app.post(&admin, "/aanbod/niet-dubbel", &[("a", &b.0), ("b", &a.0)]).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, check) = app.get(&admin, "/aanbod/controleren").await;
        assert!(!offered(&check, &a.0) && !offered(&check, &b.0), "{engine:?}: decided different, not offered again");
        let (status, _, _) = app.post(&admin, "/aanbod/niet-dubbel", &[("a", "geen-id"), ("b", "x")]).await;
        assert_eq!(status, 400, "{engine:?}");
    }
}

#[tokio::test]
async fn the_region_edits_the_taxonomy_and_search_follows() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (_, before) = app.get(&admin, "/aanbod?q=wandelmaatje").await;
        assert!(!before.contains("Maatjesproject Elzenmonde"), "{engine:?}");
        let (status, _) = app.get(&admin, "/aanbod/hulpvragen/eenzaamheid/bewerken").await;
        assert_eq!(status, 200, "{engine:?}");
        let fields = [("naam", "Eenzaamheid"), ("synoniemen", "eenzaam, alleen, wandelmaatje"), ("bovenliggend", "")];
        let (status, _, body) = app.post(&admin, "/aanbod/hulpvragen/eenzaamheid/bewerken", &fields).await;
        assert_eq!(status, 303, "{engine:?}: {body}");
        let (_, after) = app.get(&admin, "/aanbod?q=wandelmaatje").await;
        assert!(after.contains("Maatjesproject Elzenmonde"), "{engine:?}: a new synonym finds the service at once");

        let new = [("code", "digitale-vaardigheden"), ("naam", "Digitale vaardigheden"), ("synoniemen", "computer")];
        let (status, _, _) = app.post(&admin, "/aanbod/hulpvragen/nieuw", &new).await;
        assert_eq!(status, 303, "{engine:?}");
        let (status, _, body) = app.post(&admin, "/aanbod/hulpvragen/nieuw", &new).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("bestaat al"), "{engine:?}");
        let cycle = [("naam", "Eenzaamheid"), ("bovenliggend", "eenzaamheid")];
        let (status, _, body) = app.post(&admin, "/aanbod/hulpvragen/eenzaamheid/bewerken", &cycle).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("niet onder zichzelf"), "{engine:?}");
        let (_, list) = app.get(&app.login(Role::Practice).await, "/aanbod/hulpvragen").await;
        assert!(
            list.contains("Digitale vaardigheden") && !list.contains("/bewerken"),
            "{engine:?}: read-only for others"
        );
    }
}

#[tokio::test]
async fn a_practice_searches_from_its_own_door_and_can_filter_by_network() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let region = wijkregie_formats::demo::region();
        let Scope::Practice(agb) = app.scope(Role::Practice) else { panic!() };
        let practice = region.practices.iter().find(|p| p.code == agb).unwrap();
        let client = app.login(Role::Practice).await;
        let (_, page) = app.get(&client, "/aanbod").await;
        assert!(page.contains(&format!("value=\"{}\"", practice.address.postcode)), "{engine:?}: postcode prefilled");
        assert!(page.contains("van uw praktijk"), "{engine:?}");
        let (_, page) = app.get(&client, "/aanbod?q=&postcode=").await;
        assert!(!page.contains("van uw praktijk"), "{engine:?}: an emptied field stays empty");

        let Scope::Networks(mine) = app.scope(Role::Networks) else { panic!() };
        let (_, all) = app.get(&client, "/aanbod?q=&postcode=").await;
        let (status, one) = app.get(&client, &format!("/aanbod?q=&postcode=&netwerk={}", mine[0])).await;
        assert_eq!(status, 200, "{engine:?}");
        let count = |html: &str| html.matches("class=\"result\"").count();
        assert!(count(&one) > 0 && count(&one) < count(&all), "{engine:?}: {} of {}", count(&one), count(&all));
    }
}
