//! `/kaart` with the demo region's outlines, on SQLite and PostgreSQL: the
//! map, its table, the downloads, bad input and who may open it.

mod common;

use common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

#[tokio::test]
async fn the_map_shows_every_demo_area_with_its_table_and_downloads() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let client = app.login(Role::Wijkmanager).await;
        let (status, body) = app.get(&client, "/kaart").await;
        assert_eq!(status, 200, "{engine:?}: {body:.400}");
        assert!(body.contains("<svg") && body.contains("role=\"img\""), "{engine:?}: the map is drawn");
        assert!(body.contains("aria-current=\"page\""));
        // 8 wijken of Kwartierstad and Elzenmonde, 6 buurten of Heiderloo:
        // each a path with a tooltip, and a row in the table.
        assert_eq!(body.matches("</title></path>").count(), 14, "{engine:?}");
        assert!(body.contains("<th scope=\"row\">Waterhoek</th>"), "{engine:?}: {body}");
        assert!(body.contains("<th scope=\"row\">Kerkbuurt (Heiderloo-Noord)</th>"));
        assert!(!body.contains("geen grens ingelezen"), "every demo area has an outline");
        // Area in km² with a decimal comma.
        let row = body.split("Binnenstad</th>").nth(1).unwrap();
        let value = row.split("<td class=\"num\">").nth(1).unwrap().split('<').next().unwrap();
        assert!(value.contains(','), "Dutch decimal comma: {value}");

        let (status, none) = app.get(&client, "/kaart?indicator=geen").await;
        assert_eq!(status, 200);
        assert!(none.contains("url(#kaart-unknown)") && !none.contains("url(#kaart-c0)"), "no figures: all hatched");

        let svg = client.get(app.url("/kaart.svg?indicator=oppervlakte")).send().await.unwrap();
        assert_eq!(svg.status(), 200);
        assert!(svg.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));
        assert!(svg.headers()["content-disposition"].to_str().unwrap().contains("kaart-oppervlakte.svg"));
        assert!(svg.text().await.unwrap().starts_with("<svg"));
        let png = client.get(app.url("/kaart.png")).send().await.unwrap();
        assert_eq!(png.status(), 200);
        assert_eq!(png.headers()["content-type"], "image/png");
        let png = png.bytes().await.unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
        // Kept for people to look at, like the browser test's screenshots.
        if let Some(dir) = std::env::var_os("WIJKREGIE_ARTIFACTS") {
            std::fs::write(std::path::Path::new(&dir).join(format!("kaart-{engine:?}.png")), &png).unwrap();
        }

        let (status, bad) = app.get(&client, "/kaart?indicator=zon").await;
        assert_eq!(status, 400);
        assert!(bad.contains("lang=\"nl\"") && bad.contains("onbekende indicator"), "{bad:.600}");
        let (status, _) = app.get(&client, "/kaart.png?indicator=zon").await;
        assert_eq!(status, 400);

        // Every role may look; without a session it is the login page.
        for role in [Role::RegioBeheerder, Role::Praktijk, Role::Netwerkpartner] {
            let c = app.login(role).await;
            assert_eq!(app.get(&c, "/kaart").await.0, 200, "{role:?}");
        }
        let anonymous = app.client().get(app.url("/kaart")).send().await.unwrap();
        assert_eq!(anonymous.status(), 303);

        // The read is in the audit log.
        let mut conn = app.state.store.conn().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'boundary.map'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert!(n >= 5, "{engine:?}: {n} map reads logged");
    }
}
