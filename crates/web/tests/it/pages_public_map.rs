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
