//! `/kaart` with the demo region's outlines, on SQLite and PostgreSQL: the
//! map, its table, the downloads, bad input and who may open it.

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

#[tokio::test]
async fn the_map_shows_every_demo_area_with_its_table_and_downloads() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let client = app.login(Role::Networks).await;
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
        for role in [Role::Region, Role::Organization] {
            let c = app.login(role).await;
            assert_eq!(app.get(&c, "/kaart").await.0, 200, "{role:?}");
        }
        // A practice works with its own patients: the area map is not one of
        // its pages (and not in its menu).
        let practice = app.login(Role::Practice).await;
        let (status, page) = app.get(&practice, "/kaart").await;
        assert_eq!(status, 403, "{page:.300}");
        assert!(!page.contains("href=\"/kaart\""), "the menu does not offer it");
        let anonymous = app.client().get(app.url("/kaart")).send().await.unwrap();
        assert_eq!(anonymous.status(), 303);

        // The read is in the audit log.
        let mut conn = app.app.store.conn().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'boundary.map'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert!(n >= 5, "{engine:?}: {n} map reads logged");
    }
}

/// The map and the wijkprofiel are drawn from the region's data kept in
/// memory (`service::region_data`): a changed wijk and a new outline must
/// show on the very next page.
#[tokio::test]
async fn the_map_follows_changed_wijken_and_new_outlines() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let client = app.login(Role::Networks).await;
        let (_, before) = app.get(&client, "/kaart").await;
        assert_eq!(before.matches("</title></path>").count(), 14, "{engine:?}");
        let (_, profile) = app.get(&client, "/wijken/heiderloo-noord/profiel").await;
        assert!(profile.contains("Kerkbuurt (Heiderloo-Noord)"), "{engine:?}: the profile's map names the buurt");

        // Heiderloo-Noord is renamed and gains a buurt without an outline.
        let mut conn = app.app.store.conn().await.unwrap();
        let mut wijk = wijkregie_store::region::wijk(&mut conn, &"heiderloo-noord".parse().unwrap())
            .await
            .unwrap()
            .expect("a demo wijk");
        drop(conn);
        wijk.name = "Heiderloo-Dorp".into();
        wijk.areas.push(wijkregie_core::region::Area { code: "BU19930199".parse().unwrap(), year: 2024 });
        let mut tx = app.app.store.begin().await.unwrap();
        wijkregie_store::region::save_wijk(tx.conn(), &wijk).await.unwrap();
        tx.commit().await.unwrap();
        let (_, renamed) = app.get(&client, "/kaart").await;
        assert!(renamed.contains("Kerkbuurt (Heiderloo-Dorp)"), "{engine:?}: the new name");
        assert!(!renamed.contains("Heiderloo-Noord"), "{engine:?}: the old name is gone");
        assert!(renamed.contains("BU19930199"), "{engine:?}: the new buurt is listed without an outline");
        assert_eq!(renamed.matches("</title></path>").count(), 14);
        let (_, profile) = app.get(&client, "/wijken/heiderloo-noord/profiel").await;
        assert!(profile.contains("Kerkbuurt (Heiderloo-Dorp)"), "{engine:?}: the profile's map too");

        // Its outline arrives with an import: the next map draws it.
        let square =
            r#"{"type":"MultiPolygon","coordinates":[[[[5.60,51.50],[5.61,51.50],[5.61,51.51],[5.60,51.50]]]]}"#;
        let mut tx = app.app.store.begin().await.unwrap();
        let outline = wijkregie_store::boundary::StoredBoundary {
            code: "BU19930199".parse().unwrap(),
            year: 2024,
            name: "Nieuwe Hoek".into(),
            geometry: square.into(),
        };
        wijkregie_store::boundary::save(tx.conn(), &[outline]).await.unwrap();
        tx.commit().await.unwrap();
        let (_, after) = app.get(&client, "/kaart").await;
        assert_eq!(after.matches("</title></path>").count(), 15, "{engine:?}: the new outline is drawn");
        assert!(after.contains("Nieuwe Hoek (Heiderloo-Dorp)"), "{engine:?}");
    }
}
