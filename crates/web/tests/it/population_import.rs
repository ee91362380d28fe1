//! The import page on both engines: the regio-beheerder uploads the real
//! layouts through the same parsers as the CLI; a repeat changes nothing,
//! one bad row refuses the whole file with its line, other roles and
//! forged forms are turned away, and the stored sets are listed.

use crate::common::{csrf_in, TestApp, ENGINES};
use reqwest::multipart::{Form, Part};
use reqwest::Client;
use wijkregie_core::access::Role;
use wijkregie_formats::demo::population as demo;

struct Upload<'a> {
    kind: &'a str,
    name: &'a str,
    body: Vec<u8>,
    year: &'a str,
    vintage: &'a str,
}

async fn upload(app: &TestApp, client: &Client, csrf: Option<&str>, u: Upload<'_>) -> (u16, String) {
    // The token first, as the page's form sends it: the server reads no
    // further without it.
    let mut form = Form::new();
    if let Some(token) = csrf {
        form = form.text("csrf", token.to_owned());
    }
    let form = form
        .text("soort", u.kind.to_owned())
        .text("jaar", u.year.to_owned())
        .text("gebiedsindeling", u.vintage.to_owned())
        .part("bestand", Part::bytes(u.body).file_name(u.name.to_owned()));
    let r = client.post(app.url("/populatiedata")).multipart(form).send().await.expect("upload answers");
    (r.status().as_u16(), r.text().await.expect("text"))
}

async fn figures(app: &TestApp) -> i64 {
    let mut conn = app.app.store.conn().await.unwrap();
    wijkregie_store::population::count(&mut conn).await.unwrap()
}

fn kwb_2023() -> Vec<u8> {
    demo::kwb_csv(2023).into_bytes()
}

#[tokio::test]
async fn the_regio_beheerder_uploads_figures_all_or_nothing() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (status, html) = app.get(&admin, "/populatiedata").await;
        assert_eq!(status, 200, "{engine:?}: {html:.400}");
        assert!(html.contains("enctype=\"multipart/form-data\""), "the upload form is there");
        assert!(html.contains("CBS, Kerncijfers wijken en buurten 2023"), "the demo's sets are listed: {html}");
        let csrf = csrf_in(&html).unwrap();
        let before = figures(&app).await;

        // The demo stored 2023 in the 2024 vintage: the same file again is no change.
        let same = Upload { kind: "kwb", name: "kwb-2023.csv", body: kwb_2023(), year: "", vintage: "2024" };
        let (status, html) = upload(&app, &admin, Some(&csrf), same).await;
        assert_eq!(status, 200, "{engine:?}: {html:.600}");
        assert!(html.contains("kwb-2023.csv is ingelezen"), "{html}");
        assert!(html.contains("Niets veranderd"), "{html}");
        assert!(html.contains("gebieden van de regio kregen cijfers.") && !html.contains("Let op"), "{html}");
        assert_eq!(figures(&app).await, before);

        // One bad count on line 4: nothing is written, the line is named.
        let text = demo::kwb_csv(2023);
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut cells: Vec<String> = lines[3].split(';').map(str::to_owned).collect();
        cells[7] = "veel".into();
        lines[3] = cells.join(";");
        let bad =
            Upload { kind: "kwb", name: "kwb-2023.csv", body: lines.join("\n").into_bytes(), year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), bad).await;
        assert_eq!(status, 422, "{engine:?}: {html:.600}");
        assert!(html.contains("er is niets veranderd"), "{html}");
        assert!(html.contains("regel 4") && html.contains("veel"), "the line and the value are named: {html}");
        assert_eq!(figures(&app).await, before, "{engine:?}: a refused file writes nothing");

        // The same year in its own vintage is new: every figure is added.
        let own = Upload { kind: "kwb", name: "kwb-2023.csv", body: kwb_2023(), year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), own).await;
        assert_eq!(status, 200, "{html:.600}");
        // …but not in the vintage of the region's wijken, which the page says loudly.
        assert!(html.contains("class=\"flash warn\""), "{html}");
        assert!(html.contains("<strong>Let op: geen enkel gebied van de regio kreeg cijfers."), "{html}");
        let added = figures(&app).await - before;
        assert!(added > 0);
        assert!(html.contains(&format!("{added} nieuw, 0 gewijzigd, 0 ongewijzigd")), "{added}: {html}");
        let (_, listing) = app.get(&admin, "/populatiedata").await;
        assert!(listing.contains("<td class=\"num\">2023</td><td class=\"num\">2023</td>"), "vintage 2023 is listed");

        // The profile keeps the region's figures in memory; an upload that
        // changes them is seen on the next page, a repeat changes nothing.
        let profile = "/wijken/binnenstad/profiel?jaar=2022";
        let (_, before_page) = app.get(&admin, profile).await;
        let (_, again_page) = app.get(&admin, profile).await;
        assert_eq!(before_page, again_page, "the page is the same twice");
        let more: Vec<String> = demo::kwb_csv(2022)
            .lines()
            .map(|line| {
                let mut cells: Vec<String> = line.split(';').map(str::to_owned).collect();
                // Not the Netherlands: that row is read fresh on every page.
                if let (false, Ok(n)) = (cells[0].starts_with("NL00"), cells[7].trim().parse::<i64>()) {
                    cells[7] = (n + 1_000).to_string();
                }
                cells.join(";")
            })
            .collect();
        let grown =
            Upload { kind: "kwb", name: "kwb-2022.csv", body: more.join("\n").into_bytes(), year: "", vintage: "2024" };
        let (status, html) = upload(&app, &admin, Some(&csrf), grown).await;
        assert_eq!(status, 200, "{html:.600}");
        assert!(html.contains("gewijzigd"), "{html}");
        let (_, after_page) = app.get(&admin, profile).await;
        assert!(after_page != before_page, "{engine:?}: the profile shows the new figures");

        // Health figures and boundaries go through the same form.
        let health = Upload {
            kind: "gezondheid",
            name: "50120NED.csv",
            body: demo::health_csv(2022).into_bytes(),
            year: "2022",
            vintage: "2024",
        };
        let (status, html) = upload(&app, &admin, Some(&csrf), health).await;
        assert_eq!(status, 200, "{html:.600}");
        assert!(html.contains("Niets veranderd"), "the demo has these: {html}");
        let outlines = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../formats/tests/fixtures/boundaries/pdok-rd-new.geojson"),
        )
        .unwrap();
        let geo = Upload { kind: "grenzen", name: "buurten.geojson", body: outlines, year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), geo).await;
        assert_eq!(status, 200, "{html:.600}");
        assert!(html.contains("gebiedsgrenzen (2024): 3 gebieden, 3 grenzen"), "{html}");
        assert!(html.contains("3 nieuw"), "{html}");

        // Form mistakes come back in Dutch with the form.
        let nothing = Upload { kind: "", name: "", body: vec![], year: "twintig", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), nothing).await;
        assert_eq!(status, 422);
        assert!(html.contains("kies wat voor bestand het is") && html.contains("geen jaartal"), "{html}");
        let empty = Upload { kind: "kwb", name: "", body: vec![], year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), empty).await;
        assert_eq!(status, 422);
        assert!(html.contains("kies een bestand"), "{html}");
        let garbage =
            Upload { kind: "grenzen", name: "x.geojson", body: b"{\"type\":".to_vec(), year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), garbage).await;
        assert_eq!(status, 422, "{html:.300}");
        assert!(html.contains("geen geldige JSON"), "{html}");
    }
}

#[tokio::test]
async fn other_roles_and_forged_uploads_are_refused() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let before = figures(&app).await;
        let staff = app.login(Role::Practice).await;
        let (status, html) = app.get(&staff, "/populatiedata").await;
        assert_eq!(status, 200, "everyone may see what is stored");
        assert!(!html.contains("multipart/form-data"), "but only the regio-beheerder gets the form");
        let csrf = app.csrf(&staff, "/mijn-account").await;
        let own = || Upload { kind: "kwb", name: "kwb-2023.csv", body: kwb_2023(), year: "", vintage: "" };
        let (status, _) = upload(&app, &staff, Some(&csrf), own()).await;
        assert_eq!(status, 403, "{engine:?}");

        // Without signing in there is no upload form, and no body is taken in.
        let anonymous = app.client();
        let csrf = app.csrf(&anonymous, "/login").await;
        let (status, _) = upload(&app, &anonymous, Some(&csrf), own()).await;
        assert_eq!(status, 400, "{engine:?}: an anonymous upload");

        let admin = app.login(Role::Region).await;
        let (status, html) = upload(&app, &admin, None, own()).await;
        assert_eq!(status, 400, "no token: {html:.300}");
        assert!(html.contains("komt niet van deze site"), "{html:.600}");
        let (status, _) = upload(&app, &admin, Some("vals"), own()).await;
        assert_eq!(status, 400, "a wrong token");
        let csrf = app.csrf(&admin, "/populatiedata").await;
        // Above the 16 MB of ordinary forms the file still reaches the parser…
        let big = vec![b'x'; 20 * 1024 * 1024];
        let large = Upload { kind: "kwb", name: "kwb-2023.csv", body: big, year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), large).await;
        assert_eq!(status, 422, "{html:.300}");
        // … above the upload limit it is refused with a way out.
        let huge = vec![b'x'; wijkregie_app::config::MAX_UPLOAD + 1];
        let too_big = Upload { kind: "kwb", name: "kwb.csv", body: huge, year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), too_big).await;
        assert_eq!(status, 413, "{}", &html[html.find("<main").unwrap_or(0)..]);
        assert!(html.contains("wijkregie import"), "the page says how to read a big file: {html:.600}");
        assert_eq!(figures(&app).await, before, "{engine:?}: nothing was written");
    }
}

/// Issue 22: a 5 KB workbook with one cell in A1 and one in XFD1048576 took
/// the whole service down (calamine's dense grid of 550 GB). The page now
/// refuses it in Dutch, writes nothing, and the server keeps answering.
#[tokio::test]
async fn the_xlsx_bomb_is_refused_and_the_server_keeps_answering() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "gwb_code_10").unwrap();
    sheet.write_string(1_048_575, 16_383, "GM0014").unwrap();
    let bomb = book.save_to_buffer().unwrap();
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (_, html) = app.get(&admin, "/populatiedata").await;
        let csrf = csrf_in(&html).unwrap();
        let before = figures(&app).await;
        let file = Upload { kind: "kwb", name: "kwb-2024.xlsx", body: bomb.clone(), year: "", vintage: "" };
        let (status, html) = upload(&app, &admin, Some(&csrf), file).await;
        assert_eq!(status, 422, "{engine:?}: {html:.600}");
        assert!(html.contains("er is niets veranderd"), "{html}");
        assert_eq!(figures(&app).await, before);
        let (status, _) = app.get(&admin, "/populatiedata").await;
        assert_eq!(status, 200, "{engine:?}: the server still answers");
    }
}
