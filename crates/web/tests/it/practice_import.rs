//! `/praktijken/inlezen` on both engines: the regio-beheerder uploads a
//! practice list as a municipality publishes it and the counts per AGB,
//! through the same parsers and use case as the CLI; a bad file changes
//! nothing and lists every problem; other roles are turned away.

use crate::common::{csrf_in, TestApp, ENGINES};
use reqwest::multipart::{Form, Part};
use reqwest::Client;
use wijkregie_core::access::Role;

const LIST: &str = "Stad,Praktijk naam,Adres,Telefoon,Email,Openingstijden\n\
    Kwartierstad,Huisartsen Nieuwe Haven,\"Havenkade 3, 5811 AB Kwartierstad\",—,—,ma-vr 8-17\n";

async fn upload(app: &TestApp, client: &Client, csrf: &str, kind: &str, body: &str) -> (u16, String) {
    let form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("soort", kind.to_owned())
        .text("kolommen", String::new())
        .part("bestand", Part::bytes(body.as_bytes().to_vec()).file_name("lijst.csv"));
    let r = client.post(app.url("/praktijken/inlezen")).multipart(form).send().await.expect("upload answers");
    (r.status().as_u16(), r.text().await.expect("text"))
}

#[tokio::test]
async fn the_regio_beheerder_uploads_a_practice_list_all_or_nothing() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (status, html) = app.get(&admin, "/praktijken/inlezen").await;
        assert_eq!(status, 200, "{engine:?}: {html:.400}");
        let csrf = csrf_in(&html).unwrap();

        let (status, html) = upload(&app, &admin, &csrf, "praktijken", LIST).await;
        assert_eq!(status, 200, "{engine:?}: {html:.800}");
        assert!(html.contains("lijst.csv is ingelezen") && html.contains("1 praktijken nieuw"), "{html}");
        assert!(html.contains("1 praktijk(en) zonder AGB-code"), "{html}");
        let (_, again) = upload(&app, &admin, &csrf, "praktijken", LIST).await;
        assert!(again.contains("Niets veranderd"), "{engine:?}: {again}");
        let (_, list) = app.get(&admin, "/praktijken").await;
        assert!(list.contains("Huisartsen Nieuwe Haven") && list.contains("AGB onbekend"), "{engine:?}");

        let bad = "Naam,AGB,Adres\n,01012345,\"Lindelaan 1, 1215 EK Hilversum\"\nB,123,Hilversum\n";
        let (status, html) = upload(&app, &admin, &csrf, "praktijken", bad).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(html.contains("3 problemen") && html.contains("regel 3, kolom agb"), "{html}");

        let counts = "AGB;peildatum;aantal\n99999999;1-1-2025;100\n";
        let (status, html) = upload(&app, &admin, &csrf, "aantallen", counts).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(html.contains("AGB-code 99999999 hoort bij geen praktijk van de regio"), "{html}");

        let manager = app.login(Role::Networks).await;
        let (status, _) = app.get(&manager, "/praktijken/inlezen").await;
        assert_eq!(status, 403, "{engine:?}: only the region imports practices");
    }
}
