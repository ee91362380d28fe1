//! The public social map: no login, active services and public fields only,
//! and a switch that only the regio-beheerder may use (and that is logged).

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;
use wijkregie_core::audit::Outcome;

fn service_id(name: &str) -> String {
    let demo = wijkregie_formats::demo::directory::generate();
    demo.services.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name} is in the demo")).id.to_string()
}

#[tokio::test]
async fn anyone_finds_active_services_without_logging_in() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let anonymous = app.client();
        let (status, page) = app.get(&anonymous, "/sociale-kaart?q=valpreventie").await;
        assert_eq!(status, 200, "{engine:?}: {page}");
        assert!(page.contains("<html lang=\"nl\">"));
        assert!(page.contains("In Balans"), "{engine:?}: synonyms work on the public map too");
        assert!(page.contains(&format!("/sociale-kaart/aanbod/{}", service_id("In Balans"))));
        // What only the network uses is not there.
        for internal in ["/aanbod/controleren", "name=\"netwerk\"", "ook_inactief", "Uitloggen", "Hoofdmenu"] {
            assert!(!page.contains(internal), "{engine:?}: {internal} on the public map");
        }

        let (status, detail) = app.get(&anonymous, &format!("/sociale-kaart/aanbod/{}", service_id("In Balans"))).await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(detail.contains("Ouderenwerk De Zilveren Draad"));
        assert!(detail.contains("vanaf 65 jaar"));
        for internal in ["Geschiedenis", "demo geladen", "Bewerken", "/organisaties/", "Verwijzen naar", "csrf\" value"]
        {
            assert!(!detail.contains(internal), "{engine:?}: {internal} on a public service page");
        }

        // Stopped and closed services do not exist publicly.
        for name in ["Klussendienst Heiderloo", "Boodschappendienst Heiderloo"] {
            let (status, _) = app.get(&anonymous, &format!("/sociale-kaart/aanbod/{}", service_id(name))).await;
            assert_eq!(status, 404, "{engine:?}: {name}");
            let (_, list) = app.get(&anonymous, "/sociale-kaart?q=heiderloo&ook_inactief=1").await;
            assert!(!list.contains(name), "{engine:?}: {name} in the public list");
        }
        let (status, page) = app.get(&anonymous, "/sociale-kaart/aanbod/geen-id").await;
        assert_eq!(status, 404, "{engine:?}");
        assert!(page.contains("lang=\"nl\""));
        let (status, page) = app.get(&anonymous, "/sociale-kaart?postcode=9999").await;
        assert_eq!(status, 200);
        assert!(page.contains("field-error"), "{engine:?}: a bad postcode is said on the page");
    }
}

#[tokio::test]
async fn only_the_region_switches_the_public_map_and_it_is_logged() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        for role in [Role::Networks, Role::Practice, Role::Organization] {
            let client = app.login(role).await;
            let (status, _, _) = app.post(&client, "/aanbod/openbaar", &[("aan", "0")]).await;
            assert_eq!(status, 403, "{engine:?}: {role:?} may not switch the public map");
            let (_, search) = app.get(&client, "/aanbod").await;
            assert!(!search.contains("Openbare kaart uitzetten"), "{engine:?}: {role:?} is offered the switch");
        }
        let anonymous = app.client();
        assert_eq!(app.get(&anonymous, "/sociale-kaart").await.0, 200);

        let admin = app.login(Role::Region).await;
        let (_, search) = app.get(&admin, "/aanbod").await;
        assert!(search.contains("Openbare kaart uitzetten"), "{engine:?}");
        let (status, _, _) = app.post(&admin, "/aanbod/openbaar", &[("aan", "ja")]).await;
        assert_eq!(status, 400, "{engine:?}: only 1 or 0");
        let (status, location, _) = app.post(&admin, "/aanbod/openbaar", &[("aan", "0")]).await;
        assert_eq!((status, location.as_str()), (303, "/aanbod"), "{engine:?}");
        let (status, page) = app.get(&anonymous, "/sociale-kaart").await;
        assert_eq!(status, 404, "{engine:?}: a switched-off map is not there");
        assert!(page.contains("niet aangezet"));
        let (status, _) = app.get(&anonymous, &format!("/sociale-kaart/aanbod/{}", service_id("In Balans"))).await;
        assert_eq!(status, 404);
        let (_, search) = app.get(&admin, "/aanbod").await;
        assert!(search.contains("Openbare kaart aanzetten"), "{engine:?}");

        let mut conn = app.app.store.conn().await.unwrap();
        let log = wijkregie_store::audit::page(&mut conn, None, 200).await.unwrap();
        let switches: Vec<_> = log.iter().filter(|e| e.event.event.starts_with("public_map.")).collect();
        assert_eq!(switches.iter().filter(|e| e.event.outcome == Outcome::Success).count(), 1, "{engine:?}");
        assert_eq!(switches.iter().filter(|e| e.event.outcome != Outcome::Success).count(), 3, "{engine:?}");
        let on = switches.iter().find(|e| e.event.outcome == Outcome::Success).unwrap();
        assert_eq!(on.event.event, "public_map.off");
        assert!(on.event.access_rule.is_some());
    }
}

/// The part of a page from `from` on (or nothing).
fn after<'a>(page: &'a str, from: &str) -> &'a str {
    page.find(from).map_or("", |i| &page[i..])
}

#[tokio::test]
async fn a_pc4_is_a_postcode_everywhere_and_one_outside_the_region_is_explained_to_the_inhabitant() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let anonymous = app.client();
        let (status, page) = app.get(&anonymous, "/sociale-kaart?q=apotheek&postcode=5961").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(!page.contains("field-error"), "{engine:?}: a PC4 is accepted: {}", after(&page, "field-error"));
        assert!(page.contains(" km"), "{engine:?}: distances from the PC4 are shown");
        let gp = app.login(Role::Practice).await;
        let (_, page) = app.get(&gp, "/aanbod?q=apotheek&postcode=5961").await;
        assert!(!page.contains("field-error") && page.contains(" km"), "{engine:?}: the professional search too");

        // Amsterdam is not in the demo region: the inhabitant is told so,
        // in words about the region, not about importing postcodes.
        let (status, page) = app.get(&anonymous, "/sociale-kaart?q=apotheek&postcode=1011").await;
        assert_eq!(status, 200, "{engine:?}");
        let message = after(&page, "id=\"postcode-error\"");
        let message = &message[..message.find("</p>").unwrap_or(message.len())];
        assert!(message.contains("ligt niet in Regio Zuiderkwartier"), "{engine:?}: {message}");
        for hint in ["beheerder", "inlezen", "import"] {
            assert!(!message.contains(hint), "{engine:?}: {message}");
        }
        let (_, page) = app.get(&gp, "/aanbod?postcode=1011 AB").await;
        assert!(
            page.contains("ligt niet in Regio Zuiderkwartier") && !page.contains("Voor de beheerder"),
            "{engine:?}"
        );
        // The regio-beheerder, who can import postcodes, reads how.
        let admin = app.login(Role::Region).await;
        let (_, page) = app.get(&admin, "/aanbod?postcode=1011").await;
        assert!(page.contains("Voor de beheerder: ligt 1011 wel in de regio"), "{engine:?}");
        // A postcode that is neither is still refused, in Dutch.
        let (_, page) = app.get(&anonymous, "/sociale-kaart?postcode=59").await;
        assert!(after(&page, "id=\"postcode-error\"").contains("zoals 1215 of 1215 EK"), "{engine:?}");
    }
}

#[tokio::test]
async fn inhabitants_get_results_first_and_no_jargon_professionals_keep_theirs() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let anonymous = app.client();
        let (_, public) = app.get(&anonymous, "/sociale-kaart?q=eenzaam").await;
        // One folded "Filters" button, closed, before the results.
        assert!(public.contains("<details class=\"filters\">\n    <summary>Filters</summary>"), "{engine:?}");
        assert!(public.find("<details class=\"filters\"").unwrap() < public.find("class=\"result\"").unwrap());
        for jargon in ["id=\"ketenaanpak\"", "Ketenaanpak", "synoniem", "class=\"why\""] {
            assert!(!public.contains(jargon), "{engine:?}: {jargon} on the public map");
        }
        // A ketenaanpak in the address is no filter for the public either.
        let (_, all) = app.get(&anonymous, "/sociale-kaart").await;
        let (_, filtered) = app.get(&anonymous, "/sociale-kaart?ketenaanpak=valpreventie").await;
        let heading = |p: &str| {
            let h = after(p, "<h2 id=\"resultaten\">");
            h[..h.find("</h2>").unwrap_or(h.len())].to_owned()
        };
        assert!(heading(&all).contains("Al het aanbod ("), "{engine:?}");
        assert_eq!(heading(&all), heading(&filtered), "{engine:?}");

        let gp = app.login(Role::Practice).await;
        let (_, own) = app.get(&gp, "/aanbod?q=eenzaam").await;
        assert!(own.contains("id=\"ketenaanpak\"") && own.contains("class=\"why\""), "{engine:?}");
        // A filter with a problem opens the fold, so the problem is seen.
        let (_, bad) = app.get(&anonymous, "/sociale-kaart?leeftijd=oud").await;
        assert!(bad.contains("<details class=\"filters\" open>"), "{engine:?}");
        let (_, chosen) = app.get(&anonymous, "/sociale-kaart?gratis=1&taal=ar").await;
        assert!(chosen.contains("<summary>Filters (2 gekozen)</summary>"), "{engine:?}");
    }
}

#[tokio::test]
async fn phone_numbers_call_and_addresses_lead_to_a_route() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let demo = wijkregie_formats::demo::directory::generate();
        let service = demo
            .services
            .iter()
            .find(|s| {
                s.status == wijkregie_core::directory::ServiceStatus::Active
                    && !s.phones.is_empty()
                    && !s.locations.is_empty()
            })
            .expect("an active demo service with a phone and a place");
        let anonymous = app.client();
        let (status, page) = app.get(&anonymous, &format!("/sociale-kaart/aanbod/{}", service.id)).await;
        assert_eq!(status, 200, "{engine:?}");
        let number = &service.phones[0].number;
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        assert!(page.contains(&format!("<a href=\"tel:{digits}\">{number}</a>")), "{engine:?}: {number}");
        assert!(page.contains("href=\"https://www.openstreetmap.org/directions?to="), "{engine:?}");
        assert!(page.contains("Route plannen<span class=\"visually-hidden\"> naar "), "{engine:?}");
        assert!(!page.contains("Ketenaanpak"), "{engine:?}");
        let gp = app.login(Role::Practice).await;
        let (_, page) = app.get(&gp, &format!("/aanbod/voorzieningen/{}", service.id)).await;
        assert!(page.contains(&format!("href=\"tel:{digits}\"")), "{engine:?}: professionals call too");
    }
}

#[tokio::test]
async fn results_on_the_regions_own_map_with_named_dots_the_postcode_and_the_radius() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let anonymous = app.client();
        let (_, list) = app.get(&anonymous, "/sociale-kaart?q=apotheek&postcode=5961&straal=20").await;
        assert!(!list.contains("<svg"), "{engine:?}: the list alone by default");
        let to_map = after(&list, "class=\"view-switch\"");
        assert!(to_map.contains("weergave=kaart") && to_map.contains("Bekijk op de kaart"), "{engine:?}");

        let (status, page) =
            app.get(&anonymous, "/sociale-kaart?q=apotheek&postcode=5961&straal=20&weergave=kaart").await;
        assert_eq!(status, 200, "{engine:?}");
        let svg = after(&page, "<svg");
        let svg = &svg[..svg.find("</svg>").expect("a whole svg")];
        assert!(
            svg.contains("class=\"chart place-map\"") && svg.contains("aria-labelledby=\"kaart-title\""),
            "{engine:?}"
        );
        // The region's outlines, each named.
        assert!(svg.matches("<path d=\"M").count() >= 4, "{engine:?}: the demo's outlines");
        assert!(svg.contains("<title>Binnenstad"), "{engine:?}");
        // A dot per result that links to it, named like the list's item.
        let dots = svg.matches("<a href=\"/sociale-kaart/aanbod/").count();
        assert!(dots >= 2, "{engine:?}: {dots} dots");
        assert!(svg.contains("aria-label=\"1. "), "{engine:?}");
        assert!(svg.contains("<title>Binnen 20 km van postcode 5961</title>"), "{engine:?}");
        assert!(svg.contains("<title>Gezocht vanaf postcode 5961</title>"), "{engine:?}");
        // Nothing from elsewhere: no tiles, no script.
        assert!(!svg.contains("tile") && !svg.contains("<script") && !svg.contains("<image"), "{engine:?}");
        assert!(page.contains("<ol class=\"results\" start=\"1\">"), "{engine:?}: the list stays as the text version");

        let gp = app.login(Role::Practice).await;
        let (_, own) = app.get(&gp, "/aanbod?q=apotheek&postcode=5961&weergave=kaart").await;
        assert!(own.contains("<a href=\"/aanbod/voorzieningen/"), "{engine:?}");
        assert!(own.contains("class=\"chart place-map\""), "{engine:?}: the professionals' map too");
    }
}

#[tokio::test]
async fn the_header_names_the_region_and_leads_visitors_to_the_public_map() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let anonymous = app.client();
        let (_, login) = app.get(&anonymous, "/login").await;
        assert!(login.contains("<span class=\"region-name\">Regio Zuiderkwartier</span>"), "{engine:?}");
        assert!(login.contains("<a class=\"brand\" href=\"/sociale-kaart\">"), "{engine:?}");
        assert!(after(&login, "<main").contains("<a href=\"/sociale-kaart\">naar de sociale kaart</a>"), "{engine:?}");
        let gp = app.login(Role::Practice).await;
        let (_, home) = app.get(&gp, "/").await;
        assert!(home.contains("<a class=\"brand\" href=\"/\">") && home.contains("Regio Zuiderkwartier"), "{engine:?}");

        // Switched off: the logo leads to the login, which offers no map.
        let admin = app.login(Role::Region).await;
        assert_eq!(app.post(&admin, "/aanbod/openbaar", &[("aan", "0")]).await.0, 303);
        let (_, login) = app.get(&anonymous, "/login").await;
        assert!(login.contains("<a class=\"brand\" href=\"/login\">"), "{engine:?}");
        assert!(!login.contains("/sociale-kaart"), "{engine:?}");
    }
}

#[tokio::test]
async fn a_referral_needs_only_the_patients_pc4() {
    use wijkregie_core::access::Scope;
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let Scope::Organization(own) = app.scope(Role::Organization) else { panic!("partner has an organisation") };
        let service = wijkregie_formats::demo::directory::generate()
            .services
            .into_iter()
            .find(|s| s.organization == own)
            .expect("the demo partner offers a service");
        let (id, term) = (service.id.to_string(), service.taxonomy_terms[0].to_string());
        let gp = app.login(Role::Practice).await;
        let form = |postcode: &'static str| {
            vec![
                ("dienst", id.clone()),
                ("hulpvraag", term.clone()),
                ("urgentie", "routine".to_owned()),
                ("vraag", "Wilt u contact opnemen over de medicatie?".to_owned()),
                ("naam", "J. Jansen".to_owned()),
                ("telefoon", "06-1234 5678".to_owned()),
                ("geboortejaar", "1951".to_owned()),
                ("postcode", postcode.to_owned()),
                ("toestemming", "1".to_owned()),
            ]
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let (gp, app) = (&gp, &app);
            async move {
                let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post(gp, "/verwijzingen/nieuw", &borrowed).await
            }
        };
        let (status, location, body) = send(form("5821")).await;
        assert_eq!(status, 303, "{engine:?}: {body}");
        let (_, page) = app.get(&gp, &location).await;
        assert!(page.contains("5821"), "{engine:?}: the PC4 is what the partner reads");
        let (status, _, body) = send(form("58")).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("zoals 1215 of 1215 EK"), "{engine:?}");
    }
}
