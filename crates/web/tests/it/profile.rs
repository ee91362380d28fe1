//! The wijkprofiel on both engines with the demo's fictional CBS and RIVM
//! figures: key figures with their source, suggestions whose numbers can be
//! found in the table on the same page, every export, bad years and
//! indicators refused clearly, and the theme rules edited with history.

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

#[tokio::test]
async fn the_profile_shows_sourced_figures_and_explained_suggestions() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let staff = app.login(Role::Practice).await;
        let (status, html) = app.get(&staff, "/wijken/binnenstad/profiel").await;
        assert_eq!(status, 200, "{engine:?}: {html:.600}");
        assert!(html.contains("CBS, Kerncijfers wijken en buurten 2022"), "{engine:?}");
        assert!(
            html.contains("RIVM, Gezondheid per wijk en buurt (50120NED) 2022"),
            "the fullest year is shown first: {html}"
        );
        // Binnenstad is the demo's lonely wijk: 17% severely lonely adults
        // against a region mean well below it.
        assert!(html.contains("Welzijn op Recept"), "{engine:?}: no loneliness suggestion");
        // The explanation's numbers are those of the key figures table.
        assert!(html.contains("ernstig eenzaam 2022: 17%, de regio 11,87%"), "{html}");
        assert!(html.contains("<td>17%</td>") || html.contains(">17%<"), "the triggering figure is in the table");
        for part in ["<svg", "<table", "lang=\"nl\""] {
            assert!(html.contains(part), "{part}");
        }

        // Every table as CSV for Dutch Excel, the workbook, charts as SVG and PNG.
        let client = staff.clone();
        let fetch = |path: String| {
            let client = client.clone();
            let url = app.url(&path);
            async move {
                let r = client.get(url).send().await.unwrap();
                let status = r.status().as_u16();
                let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                (status, kind, r.bytes().await.unwrap().to_vec())
            }
        };
        for table in ["kerncijfers", "leeftijd-tabel", "indicator-tabel", "trend-tabel", "kaart-tabel"] {
            let (status, kind, body) = fetch(format!("/wijken/binnenstad/profiel/{table}.csv")).await;
            assert_eq!(status, 200, "{table}");
            assert!(kind.starts_with("text/csv"), "{table}: {kind}");
            assert!(String::from_utf8(body).unwrap().contains(';'), "{table}");
        }
        let (status, _, xlsx) = fetch("/wijken/binnenstad/profiel/profiel.xlsx".into()).await;
        assert_eq!(status, 200);
        assert!(xlsx.starts_with(b"PK"), "a zip-based workbook");
        for chart in ["leeftijd", "indicator", "trend", "kaart"] {
            let (status, kind, svg) = fetch(format!("/wijken/binnenstad/profiel/{chart}.svg")).await;
            assert_eq!(status, 200, "{chart}");
            assert!(kind.starts_with("image/svg+xml") && String::from_utf8_lossy(&svg).contains("<svg"), "{chart}");
        }
        let (status, kind, png) = fetch("/wijken/binnenstad/profiel/kaart.png".into()).await;
        assert_eq!((status, kind.as_str()), (200, "image/png"));
        assert!(png.starts_with(b"\x89PNG"));

        // A network's profile combines the areas of its wijken.
        let (status, html) = app.get(&staff, "/netwerken/wsv-binnenstad/profiel").await;
        assert_eq!(status, 200, "{html:.400}");

        // A year without figures, an unknown file or wijk: clear Dutch answers.
        let (status, html) = app.get(&staff, "/wijken/binnenstad/profiel?jaar=1990").await;
        assert_eq!(status, 404, "{html:.300}");
        assert!(html.contains("1990"));
        let (status, _) = app.get(&staff, "/wijken/binnenstad/profiel/onzin.csv").await;
        assert_eq!(status, 404);
        let (status, _) = app.get(&staff, "/wijken/bestaat-niet/profiel").await;
        assert_eq!(status, 404);
        let (status, html) = app.get(&staff, "/wijken/binnenstad/profiel?indicator=onzin").await;
        assert_eq!(status, 400, "{html:.300}");
    }
}

#[tokio::test]
async fn theme_rules_are_checked_saved_with_history_and_only_by_the_regio_beheerder() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (status, html) = app.get(&admin, "/themaregels").await;
        assert_eq!(status, 200, "{engine:?}: {html:.400}");
        assert!(html.contains("ernstige-eenzaamheid"));

        let (status, _, html) = app.post(&admin, "/themaregels", &[("rules", "[{\"id\": ")]).await;
        assert_eq!(status, 422, "{html:.300}");
        assert!(html.contains("geen geldige lijst"), "{html:.2000}");
        let empty_title = r#"[{"id":"zonder-titel","title":" ","pathway":"valpreventie","conditions":[]}]"#;
        let (status, _, html) = app.post(&admin, "/themaregels", &[("rules", empty_title)]).await;
        assert_eq!(status, 422);
        assert!(html.contains("de titel is verplicht") && html.contains("minstens één voorwaarde"), "{html}");

        // One rule only: loneliness above the region by more than 50 points
        // never fires, so the Binnenstad suggestion disappears.
        let strict = r#"[{"id":"eenzaam","title":"Streng","pathway":"welzijn_op_recept",
            "conditions":[{"indicator":"severely_lonely","comparison":{"kind":"above_reference","by_points":"50"}}]}]"#;
        let (status, location, _) = app.post(&admin, "/themaregels", &[("rules", strict)]).await;
        assert_eq!((status, location.as_str()), (303, "/themaregels?melding=opgeslagen"));
        let (_, html) = app.get(&admin, "/themaregels").await;
        assert!(html.contains("Streng"));
        let (_, profile) = app.get(&admin, "/wijken/binnenstad/profiel").await;
        assert!(!profile.contains("Eenzaamheid verminderen met Welzijn op Recept"), "{engine:?}");

        let staff = app.login(Role::Practice).await;
        let (status, _, _) = app.post(&staff, "/themaregels", &[("rules", strict)]).await;
        assert_eq!(status, 403);
    }
}
