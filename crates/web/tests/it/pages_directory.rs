//! The social map pages on both engines: search with Dutch words and
//! filters, a service's page, and "still correct" for those who keep it.

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

#[tokio::test]
async fn search_finds_services_by_synonym_typo_and_filter() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        let (status, body) = app.get(&practice, "/aanbod?q=eenzaam").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(body.contains("Maatjesproject Elzenmonde"), "{engine:?}: a synonym of eenzaamheid finds the maatjes");
        let (_, body) = app.get(&practice, "/aanbod?q=valpreventie").await;
        assert!(body.contains("In Balans"), "{engine:?}: the pathway finds In Balans");
        let (_, body) = app.get(&practice, "/aanbod?q=fysiotherpie").await;
        assert!(body.contains("Fysiotherapie De Sprong"), "{engine:?}: a typo is forgiven");
        let (_, body) = app.get(&practice, "/aanbod?q=&ketenaanpak=gli_jeugd").await;
        assert!(body.contains("Beweegkracht kids") && !body.contains("In Balans"), "{engine:?}");
        let (_, body) = app.get(&practice, "/aanbod?q=klussen").await;
        assert!(!body.contains("Klussendienst Heiderloo"), "{engine:?}: a defunct service is not offered");
        let (_, body) = app.get(&practice, "/aanbod?q=klussen&ook_inactief=1").await;
        assert!(body.contains("Klussendienst Heiderloo"), "{engine:?}");
        let (status, body) = app.get(&practice, "/aanbod?leeftijd=oud&q=AND%20(%22").await;
        assert_eq!(status, 200, "{engine:?}: odd input is answered, not refused");
        assert!(body.contains("is geen leeftijd"), "{engine:?}");
        let (status, _) = app.get(&app.client(), "/aanbod").await;
        assert_eq!(status, 303, "the social map needs a login for now");
    }
}

/// Professionals' words on the demo map (issue 17): the elderly are not
/// parents, and WOR is Welzijn op Recept, not "Ouder worden".
#[tokio::test]
async fn search_knows_the_elderly_from_parents_and_what_wor_stands_for() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        for q in ["ouderen", "oudere", "eenzame+oudere+man"] {
            let (status, body) = app.get(&practice, &format!("/aanbod?q={q}")).await;
            assert_eq!(status, 200, "{engine:?}");
            assert!(body.contains("Ouderenadviseur"), "{engine:?}: {q}");
            assert!(!body.contains("Kansrijke Start spreekuur"), "{engine:?}: {q} finds no service for young parents");
        }
        let (_, body) = app.get(&practice, "/aanbod?q=WOR").await;
        assert!(body.contains("Welzijn op Recept Kwartierstad"), "{engine:?}");
        assert!(!body.contains("Ouderenadviseur"), "{engine:?}: WOR is no typo or stem of 'worden'");
    }
}

#[tokio::test]
async fn keepers_can_mark_an_entry_as_checked_and_others_cannot() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let d = wijkregie_formats::demo::directory::generate();
        // Never checked, kept by the Vrijwilligerscentrale, a partner of the region's networks.
        let service = d.services.iter().find(|s| s.assured_date.is_none()).unwrap();
        let path = format!("/aanbod/voorzieningen/{}", service.id);
        let admin = app.login(Role::Region).await;
        let (status, page) = app.get(&admin, &path).await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(page.contains("Gecontroleerd: nog juist") && page.contains("nog nooit"), "{engine:?}");
        // The button and the link go to the routes that take them.
        for target in [format!("action=\"{path}/bevestigen\""), format!("href=\"{path}/bewerken\"")] {
            assert!(page.contains(&target), "{engine:?}: {target} on the page");
        }
        let (_, list) = app.get(&admin, "/aanbod/controleren").await;
        assert!(list.contains(&service.name), "{engine:?}: a never-checked entry is due");
        assert!(list.contains("Mogelijk dubbel") && list.contains("Ontmoetingscentrum De Kade"), "{engine:?}");

        let practice = app.login(Role::Practice).await;
        let (status, page) = app.get(&practice, &path).await;
        assert_eq!(status, 200);
        assert!(!page.contains("Gecontroleerd: nog juist"), "{engine:?}: a practice reads, it does not keep");
        let (status, _, _) = app.post(&practice, &format!("{path}/bevestigen"), &[]).await;
        assert_eq!(status, 403, "{engine:?}");

        let (status, location, _) =
            app.post(&admin, &format!("{path}/bevestigen"), &[("next", "/aanbod/controleren")]).await;
        assert_eq!((status, location.as_str()), (303, "/aanbod/controleren"), "{engine:?}");
        let (_, page) = app.get(&admin, &path).await;
        assert!(
            !page.contains("nog nooit") && page.contains("gecontroleerd: nog juist"),
            "{engine:?}: stamped and in the history"
        );
        let (_, list) = app.get(&admin, "/aanbod/controleren").await;
        assert!(!list.contains(&format!("/aanbod/voorzieningen/{}\"", service.id)), "{engine:?}: no longer due");

        let mut conn = app.app.store.conn().await.unwrap();
        let log = wijkregie_store::audit::for_object(&mut conn, "service", service.id.as_str()).await.unwrap();
        let outcomes: Vec<_> = log.iter().map(|e| e.event.outcome).collect();
        assert_eq!(outcomes, [wijkregie_core::audit::Outcome::Refused, wijkregie_core::audit::Outcome::Success]);
    }
}

#[tokio::test]
async fn unknown_or_malformed_service_ids_are_404() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let wm = app.login(Role::Networks).await;
    for path in ["/aanbod/voorzieningen/00000000-0000-4000-8000-999999999999", "/aanbod/voorzieningen/geen-id"] {
        let (status, body) = app.get(&wm, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("lang=\"nl\""));
    }
}

#[tokio::test]
async fn distance_from_a_postcode_ranks_and_limits_results() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let practice = app.login(Role::Practice).await;
        // 5961 lies in Heiderloo, about ten kilometres from Kwartierstad.
        let (status, near) = app.get(&practice, "/aanbod?postcode=5961+GH&straal=3").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(near.contains("Buurthuis Heiderloo") && near.contains(" km"), "{engine:?}");
        assert!(!near.contains("Inloopspreekuur Geldzaken"), "{engine:?}: Kwartierstad is outside 3 km");
        let (_, wide) = app.get(&practice, "/aanbod?postcode=5961GH&q=schulden").await;
        assert!(wide.contains("Inloopspreekuur Geldzaken"), "{engine:?}: without a radius, far services stay");
        for (query, message) in [
            ("postcode=9999ZZ", "ligt niet in Regio Zuiderkwartier"),
            ("postcode=12345", "geen geldige postcode"),
            ("straal=5", "vul ook een postcode in"),
            ("postcode=5961GH&straal=ver", "geen straal"),
        ] {
            let (status, body) = app.get(&practice, &format!("/aanbod?{query}")).await;
            assert_eq!(status, 200, "{engine:?} {query}");
            assert!(body.contains(message), "{engine:?} {query}");
        }
    }
}
