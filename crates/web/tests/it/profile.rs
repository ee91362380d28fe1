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
        // Rounded as CBS publishes: one decimal for percentages, in both places.
        assert!(html.contains("ernstig eenzaam 2022: 17,0%, de regio 11,9%"), "{html}");
        assert!(html.contains(">17,0%<") && html.contains(">11,9%<"), "the triggering figures are in the table");
        assert!(!html.contains("11,87"), "no more decimals than CBS shows");
        // The map outlines the wijk's own areas and says so.
        assert!(html.contains("class=\"subject\"") && html.contains("dikke rand: Binnenstad"), "{engine:?}");
        // Numeric headers stand over their numbers (the age table's "Regio").
        assert!(html.contains("<th scope=\"col\" class=\"num\">Regio</th>"), "{engine:?}");
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
            let text = String::from_utf8(body).unwrap();
            assert!(text.contains(';'), "{table}");
            if table == "kerncijfers" {
                assert!(text.contains("11,87%"), "downloads keep the exact value: {text}");
            }
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
        assert_eq!((status, location.as_str()), (303, "/themaregels"));
        let (_, html) = app.get(&admin, "/themaregels").await;
        assert!(html.contains("Streng"));
        assert!(html.contains("role=\"status\">De regels zijn opgeslagen"), "the change confirms itself");
        let (_, profile) = app.get(&admin, "/wijken/binnenstad/profiel").await;
        assert!(!profile.contains("Eenzaamheid verminderen met Welzijn op Recept"), "{engine:?}");

        let staff = app.login(Role::Practice).await;
        let (status, _, _) = app.post(&staff, "/themaregels", &[("rules", strict)]).await;
        assert_eq!(status, 403);
    }
}

/// A real region's first import: Kerncijfers 2019 (areas of 2019) and the
/// RIVM measurement of 2020 (areas of 2020). Buurt Oost kept its code and
/// name in 2020, buurt West was renamed. The 2020 profile shows Oost's
/// health figure beside the 2019 population figures, each with its year;
/// the 2019 profile lists the health rows with why they are empty.
#[tokio::test]
async fn health_measured_after_the_latest_kerncijfers_reaches_the_profile() {
    use wijkregie_core::population::{Indicator, Interval, Number, Source, Value};
    use wijkregie_core::region::{Area, Wijk};
    use wijkregie_store::boundary::StoredBoundary;
    use wijkregie_store::population::StoredFigure;

    const OOST: &str = "BU03639901";
    const WEST: &str = "BU03639902";
    let cbs = Source { publisher: "CBS".into(), table: "Kerncijfers wijken en buurten 2019".into(), year: 2019 };
    let rivm = Source { publisher: "RIVM".into(), table: "Gezondheid per wijk en buurt (50120NED)".into(), year: 2022 };
    let figure = |area: &str, vintage: i32, year: i32, indicator: Indicator, n: i64, source: &Source| StoredFigure {
        area: area.into(),
        vintage,
        year,
        indicator,
        value: Value::Known(Number::from_int(n)),
        interval: None,
        source: source.clone(),
    };
    let mut figures = Vec::new();
    for (area, ages) in [(OOST, [200, 100, 300, 250, 150]), (WEST, [300, 300, 900, 900, 600])] {
        figures.push(figure(area, 2019, 2019, Indicator::Inhabitants, ages.iter().sum(), &cbs));
        let bands = [
            Indicator::Age0To14,
            Indicator::Age15To24,
            Indicator::Age25To44,
            Indicator::Age45To64,
            Indicator::Age65Plus,
        ];
        for (indicator, n) in bands.into_iter().zip(ages) {
            figures.push(figure(area, 2019, 2019, indicator, n, &cbs));
        }
    }
    for (area, n) in [(OOST, 23), (WEST, 9)] {
        let mut f = figure(area, 2020, 2020, Indicator::SeverelyLonely, n, &rivm);
        f.interval = Some(Interval { low: Number::from_int(n - 3), high: Number::from_int(n + 3) });
        figures.push(f);
    }
    let square = r#"{"type":"MultiPolygon","coordinates":[[[[4.90,52.37],[4.91,52.37],[4.91,52.38],[4.90,52.37]]]]}"#;
    let outline = |code: &str, year: u16, name: &str| StoredBoundary {
        code: code.parse().unwrap(),
        year,
        name: name.into(),
        geometry: square.into(),
    };
    let outlines = [
        outline(OOST, 2019, "Oost"),
        outline(OOST, 2020, "Oost"),
        outline(WEST, 2019, "West"),
        outline(WEST, 2020, "West en Noord"),
    ];
    let wijk = Wijk {
        code: "nieuwbouw".parse().unwrap(),
        name: "Nieuwbouw".into(),
        areas: [OOST, WEST].map(|c| Area { code: c.parse().unwrap(), year: 2019 }).to_vec(),
    };

    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let mut tx = app.app.store.begin().await.unwrap();
        wijkregie_store::region::save_wijk(tx.conn(), &wijk).await.unwrap();
        wijkregie_store::population::save(tx.conn(), &figures).await.unwrap();
        wijkregie_store::boundary::save(tx.conn(), &outlines).await.unwrap();
        tx.commit().await.unwrap();
        let staff = app.login(Role::Practice).await;

        let (status, html) = app.get(&staff, "/wijken/nieuwbouw/profiel?jaar=2020").await;
        assert_eq!(status, 200, "{engine:?}: a year with only health figures is a page: {html:.600}");
        let row = |html: &str, code: &str| -> String {
            let start = html.find(&format!("id=\"cijfer-{code}\"")).unwrap_or_else(|| panic!("row {code}"));
            html[start..].split("</tr>").next().unwrap().to_owned()
        };
        let lonely = row(&html, "severely_lonely");
        assert!(lonely.contains("gemeten in 2020"), "{engine:?}: labelled with its year: {lonely}");
        assert!(lonely.contains(">23,0%<"), "{engine:?}: Oost's figure, unchanged area: {lonely}");
        assert!(lonely.contains("1 van 2 gebieden"), "{engine:?}: West was renamed, so left out: {lonely}");
        let inhabitants = row(&html, "inhabitants");
        assert!(inhabitants.contains(">2019<") && inhabitants.contains(">4.000<"), "{engine:?}: {inhabitants}");
        assert!(html.contains("de bevolkingscijfers hieronder zijn die van 2019"), "{engine:?}");

        // Opened without a year: the year with both kinds of figures.
        let (status, html) = app.get(&staff, "/wijken/nieuwbouw/profiel").await;
        assert_eq!(status, 200);
        assert!(row(&html, "severely_lonely").contains(">23,0%<"), "{engine:?}: opens on 2020");

        // 2019: the health rows are there, empty, with the reason.
        let (status, html) = app.get(&staff, "/wijken/nieuwbouw/profiel?jaar=2019").await;
        assert_eq!(status, 200);
        let lonely = row(&html, "severely_lonely");
        assert!(lonely.contains("geen meting tot en met 2019"), "{engine:?}: {lonely}");
        assert!(row(&html, "smoker").contains("geen meting tot en met 2019"));
        // … and the charts open on a figure that has a value in 2019.
        assert!(!html.contains("Ernstig eenzaam in Nieuwbouw"), "{engine:?}: not an empty chart");
    }
}
