//! Every change confirms itself: after a change the next page says so once
//! (`role="status"`), and the sealed message can be neither forged nor
//! carried to another session.

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

const STATUS: &str = "class=\"flash\" role=\"status\"";

#[tokio::test]
async fn a_change_is_confirmed_once_on_the_next_page() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;

        // The public map switched on: the social map says so, once.
        let (status, location, _) = app.post(&admin, "/aanbod/openbaar", &[("aan", "1")]).await;
        assert_eq!((status, location.as_str()), (303, "/aanbod"), "{engine:?}");
        let (_, page) = app.get(&admin, "/aanbod").await;
        assert!(
            page.contains(&format!("{STATUS}>De openbare sociale kaart staat aan.</p>")),
            "{engine:?}: {page:.1500}"
        );
        let (_, again) = app.get(&admin, "/aanbod").await;
        assert!(!again.contains(STATUS), "{engine:?}: shown once, not on every visit");

        // A social-map entry confirmed as checked, back on the upkeep list.
        let service = {
            let mut conn = app.app.store.conn().await.unwrap();
            wijkregie_store::directory::services(&mut conn).await.unwrap().into_iter().next().unwrap()
        };
        let (status, location, _) = app
            .post(
                &admin,
                &format!("/aanbod/voorzieningen/{}/bevestigen", service.id),
                &[("next", "/aanbod/controleren")],
            )
            .await;
        assert_eq!((status, location.as_str()), (303, "/aanbod/controleren"), "{engine:?}");
        let (_, page) = app.get(&admin, &location).await;
        assert!(page.contains("role=\"status\">Bevestigd: de gegevens kloppen nog."), "{engine:?}");

        // A practice's patient count recorded by the region.
        let (_, practice) = app.outside_scopes();
        let path = format!("/praktijken/{}", practice.code);
        let (status, location, body) = app
            .post(&admin, &format!("{path}/ingeschreven-patienten"), &[("date", "2026-01-01"), ("count", "4.321")])
            .await;
        assert_eq!((status, location.as_str()), (303, format!("{path}#aantallen").as_str()), "{engine:?}: {body:.300}");
        let (_, page) = app.get(&admin, &path).await;
        assert!(page.contains("role=\"status\">Het aantal ingeschreven patiënten is opgeslagen."), "{engine:?}");

        // A refused change confirms nothing.
        let practice = app.login(Role::Practice).await;
        let (status, _, _) = app.post(&practice, "/aanbod/openbaar", &[("aan", "0")]).await;
        assert_eq!(status, 403, "{engine:?}");
        let (_, page) = app.get(&practice, "/aanbod").await;
        assert!(!page.contains(STATUS), "{engine:?}");
    }
}

#[tokio::test]
async fn a_confirmation_cannot_be_forged_or_moved_to_another_session() {
    let app = TestApp::start(wijkregie_store::Engine::Sqlite).await;
    let admin = app.login(Role::Region).await;
    let csrf = app.csrf(&admin, "/mijn-account").await;
    let response =
        admin.post(app.url("/aanbod/openbaar")).form(&[("csrf", csrf.as_str()), ("aan", "1")]).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let sealed = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("wr_flash="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("the change sets the sealed confirmation");
    assert!(!sealed.contains("sociale kaart"), "the message travels sealed: {sealed}");

    // Another signed-in session with the stolen cookie, and a made-up one.
    let other = app.login(Role::Region).await;
    for cookie in [format!("wr_flash={sealed}"), "wr_flash=v1:bWFkZSB1cA".to_owned()] {
        let page = other.get(app.url("/aanbod")).header("cookie", cookie).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains(STATUS), "{page:.500}");
    }
}
