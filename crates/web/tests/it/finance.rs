//! Financiering on both engines: the quarter page's amounts (hand-computed
//! for demo networks), who may see and approve what, approval freezing a
//! quarter so that a later change shows as a correction line in the next
//! open quarter, tariffs edited with their history, and the downloads.

use crate::common::{TestApp, ENGINES};
use chrono::NaiveDate;
use wijkregie_app::finance as service;
use wijkregie_core::access::Role;
use wijkregie_core::finance::{LineKind, Quarter};

fn q(s: &str) -> Quarter {
    s.parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// wsv-binnenstad's registered patients on `date`, from the region as stored.
async fn patients_on(app: &TestApp, network: &str, date: NaiveDate) -> u64 {
    let mut conn = app.app.store.conn().await.unwrap();
    let snapshot = wijkregie_store::region::snapshot(&mut conn).await.unwrap();
    let n = snapshot.networks.iter().find(|n| n.code.as_str() == network).unwrap();
    n.registered_patients_on(date, &snapshot.practices)
}

/// Approves every quarter from the demo's first (2022Q3) up to and
/// including `last`: quarters are approved in order.
async fn approve_up_to(app: &TestApp, last: &str) {
    let mut quarter = q("2022Q3");
    while quarter <= q(last) {
        service::approve(&app.operator(), quarter).await.unwrap();
        quarter = quarter.next();
    }
}

/// The confirmation form's hidden fields, read from the confirmation page.
pub(crate) async fn confirmed(app: &TestApp, client: &reqwest::Client, quarter: &str) -> Vec<(String, String)> {
    let (status, html) = app.get(client, &format!("/financiering/{quarter}/vaststellen")).await;
    assert_eq!(status, 200, "{html:.500}");
    ["networks", "total_cents"]
        .iter()
        .map(|field| {
            let at = html.find(&format!("name=\"{field}\" value=\"")).unwrap_or_else(|| panic!("no {field}"));
            let rest = &html[at + field.len() + 15..];
            (field.to_string(), rest[..rest.find('"').unwrap()].to_owned())
        })
        .collect()
}

/// Dutch euros as a page shows them, for `cents`: € 9.150,40.
fn euro(cents: i64) -> String {
    wijkregie_core::finance::Cents(cents).euro()
}

#[tokio::test]
async fn the_quarter_page_shows_each_line_to_the_cent_with_its_reason() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (status, html) = app.get(&admin, "/financiering/2025Q2").await;
        assert_eq!(status, 200, "{engine:?}: {html:.400}");
        // wsv-binnenstad: module, option A. GP time = patients × € 2,24 / 4,
        // exact to the cent because 224 / 4 = 56 cents per patient.
        let binnenstad = patients_on(&app, "wsv-binnenstad", d("2025-04-01")).await;
        assert!(binnenstad >= 10_000, "the demo network qualifies");
        let row = row_of(&html, "WSV Binnenstad");
        assert!(row.contains(&euro(binnenstad as i64 * 56)), "{engine:?}: {row}");
        assert!(row.contains("optie A"), "{row}");
        // wsv-elzenmonde-dorp: option B, 50 hours: € 1,87 / 4 = 46,75 cents
        // per patient, rounded once half up.
        let elzenmonde = patients_on(&app, "wsv-elzenmonde-dorp", d("2025-04-01")).await as i64;
        let coordinator = (elzenmonde * 187 + 2) / 4;
        let row = row_of(&html, "WSV Elzenmonde-Dorp");
        assert!(row.contains(&euro(coordinator)), "{engine:?}: {row} lacks {}", euro(coordinator));
        assert!(row.contains(&euro(elzenmonde * 56 + coordinator)), "{row}");
        // A coordinator-only network gets no GP-time payment, and says so.
        assert!(row_of(&html, "WSV Lindenpark").contains("alleen coördinatorondersteuning"));
        // The region total is the sum of the statement totals.
        let view = service::statements(&app.operator(), q("2025Q2"), None).await.unwrap();
        let total: i64 = view.statements.iter().map(|s| s.total().0).sum();
        assert!(html.contains(&format!("<strong>{}</strong>", euro(total))), "{engine:?}");
        assert!(html.contains("Nog niet vastgesteld"));
        // Quarters are approved in order: the demo's first is 2022Q3.
        assert!(html.contains("stel eerst het 3e kwartaal 2022 vast"), "{engine:?}: approval waits its turn");
        assert!(!html.contains("vaststellen…</a>"), "{engine:?}");
        approve_up_to(&app, "2025Q1").await;
        let (_, html) = app.get(&admin, "/financiering/2025Q2").await;
        assert!(html.contains("vaststellen…</a>"), "{engine:?}: the regio-beheerder may approve");
        // Before the arrangement there are no tariffs; a bad quarter is a 400.
        let (status, html) = app.get(&admin, "/financiering/2021Q4").await;
        assert_eq!(status, 422, "{html:.300}");
        assert!(html.contains("vanaf 2022"));
        let (status, html) = app.get(&admin, "/financiering/2025Q5").await;
        assert_eq!(status, 400);
        assert!(html.contains("kwartaal 5 bestaat niet"), "{html:.500}");
    }
}

/// The table row of the network named `name`.
fn row_of<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!(">{name}</a></th>")).unwrap_or_else(|| panic!("no row for {name}"));
    let start = html[..at].rfind("<tr>").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn only_the_region_approves_and_a_wijkmanager_sees_only_own_networks() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let manager = app.login(Role::Networks).await;
        let (status, html) = app.get(&manager, "/financiering/2025Q2").await;
        assert_eq!(status, 200);
        let wijkregie_core::access::Scope::Networks(own) = app.scope(Role::Networks) else { panic!() };
        let view = service::statements(&app.operator(), q("2025Q2"), None).await.unwrap();
        for s in &view.statements {
            let name = &view.names[&s.network];
            let shown = html.contains(&format!(">{name}</a></th>"));
            assert_eq!(shown, own.contains(&s.network), "{engine:?}: {name}");
        }
        assert!(html.contains("Getoonde netwerken"));
        assert!(!html.contains("vaststellen…</a>"));
        let (status, _, _) = app.post(&manager, "/financiering/2025Q2/vaststellen", &[]).await;
        assert_eq!(status, 403);
        let (status, _, _) =
            app.post(&manager, "/financiering/tarieven", &[("year", "2026"), ("gp_time", "9,99")]).await;
        assert_eq!(status, 403, "the role is checked before the input");
        for role in [Role::Practice, Role::Organization] {
            let client = app.login(role).await;
            for path in ["/financiering", "/financiering/2025Q2", "/financiering/tarieven"] {
                assert_eq!(app.get(&client, path).await.0, 403, "{engine:?} {role:?} {path}");
            }
        }
        let mut conn = app.app.store.conn().await.unwrap();
        let entries = wijkregie_store::audit::for_object(&mut conn, "payment_approval", "2025Q2").await.unwrap();
        assert!(entries.iter().any(|e| e.event.outcome == wijkregie_core::audit::Outcome::Refused), "{engine:?}");
    }
}

#[tokio::test]
async fn an_approved_quarter_never_changes_and_a_correction_follows() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        approve_up_to(&app, "2025Q1").await;
        let fields = confirmed(&app, &admin, "2025Q2").await;
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, location, _) = app.post(&admin, "/financiering/2025Q2/vaststellen", &fields).await;
        assert_eq!((status, location.as_str()), (303, "/financiering/2025Q2"), "{engine:?}");
        let (_, before) = app.get(&admin, "/financiering/2025Q2").await;
        assert!(before.contains("Vastgesteld op"), "{engine:?}");
        assert!(before.contains("role=\"status\">Het kwartaal is vastgesteld"), "the approval confirms itself");
        assert!(!before.contains("vaststellen…</a>"));
        let (status, _, html) = app.post(&admin, "/financiering/2025Q2/vaststellen", &fields).await;
        assert_eq!(status, 409, "approving twice is refused: {html:.300}");
        let frozen = service::statements(&app.operator(), q("2025Q2"), None).await.unwrap();

        // A member practice of wsv-binnenstad turns out to have had 100 more
        // patients on 1 April 2025.
        let mut conn = app.app.store.conn().await.unwrap();
        let snapshot = wijkregie_store::region::snapshot(&mut conn).await.unwrap();
        drop(conn);
        let network = snapshot.networks.iter().find(|n| n.code.as_str() == "wsv-binnenstad").unwrap();
        let agb = network.practices_on(d("2025-04-01")).next().unwrap().clone();
        let mut practice = snapshot.practices.iter().find(|p| p.code == agb).unwrap().clone();
        let latest = practice
            .registered_patients
            .iter_mut()
            .filter(|c| c.date <= d("2025-04-01"))
            .max_by_key(|c| c.date)
            .unwrap();
        latest.count += 100;
        let mut tx = app.app.store.begin().await.unwrap();
        wijkregie_store::region::save_practice(tx.conn(), &practice).await.unwrap();
        tx.commit().await.unwrap();

        // The approved quarter is as it was, on the page and in the service.
        let (_, after) = app.get(&admin, "/financiering/2025Q2").await;
        assert_eq!(row_of(&before, "WSV Binnenstad"), row_of(&after, "WSV Binnenstad"), "{engine:?}");
        let still = service::statements(&app.operator(), q("2025Q2"), None).await.unwrap();
        assert_eq!(still.statements, frozen.statements);

        // The next open quarter pays the difference: 100 × 56 cents.
        let open = service::statements(&app.operator(), q("2025Q3"), None).await.unwrap();
        let s = open.statements.iter().find(|s| s.network.as_str() == "wsv-binnenstad").unwrap();
        let corrections: Vec<_> = s.lines.iter().filter(|l| l.kind == LineKind::Correction).collect();
        assert_eq!(corrections.len(), 1, "{engine:?}: {:?}", s.lines);
        let c = corrections[0].corrects.as_ref().unwrap();
        assert_eq!((c.quarter, c.kind, corrections[0].amount.0), (q("2025Q2"), LineKind::GpTime, 5_600));
        assert_eq!(c.recomputed.0 - c.paid.0, 5_600);
        let (_, html) = app.get(&admin, "/financiering/2025Q3").await;
        assert!(html.contains("Correcties op vastgestelde kwartalen") && html.contains(&euro(5_600)), "{engine:?}");
        // No other network is corrected.
        assert_eq!(open.statements.iter().flat_map(|s| &s.lines).filter(|l| l.kind == LineKind::Correction).count(), 1);

        // Approving 2025Q3 freezes the correction; 2025Q4 does not pay it twice.
        service::approve(&app.operator(), q("2025Q3")).await.unwrap();
        let q4 = service::statements(&app.operator(), q("2025Q4"), None).await.unwrap();
        assert!(q4.statements.iter().flat_map(|s| &s.lines).all(|l| l.kind != LineKind::Correction), "{engine:?}");
        let q3 = service::statements(&app.operator(), q("2025Q3"), None).await.unwrap();
        assert_eq!(q3.statements, open.statements, "what was shown open is what was frozen");

        // A quarter that has not begun cannot be approved.
        let (status, _, html) =
            app.post(&admin, "/financiering/2199Q1/vaststellen", &[("networks", "1"), ("total_cents", "0")]).await;
        assert_eq!(status, 409, "{html:.300}");
        let mut conn = app.app.store.conn().await.unwrap();
        let entries = wijkregie_store::audit::for_object(&mut conn, "payment_approval", "2025Q2").await.unwrap();
        assert_eq!(entries.iter().filter(|e| e.event.event == "finance.approve").count(), 1, "{engine:?}");
    }
}

#[tokio::test]
async fn tariffs_are_edited_per_year_with_history_and_checked_in_dutch() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let (status, html) = app.get(&admin, "/financiering/tarieven").await;
        assert_eq!(status, 200);
        assert!(html.contains("regionale standaard") && html.contains("€ 2,24") && html.contains("€ 1,87"));
        let bad = [
            ("year", "2019"),
            ("gp_time", "2,245"),
            ("coordinator", "abc"),
            ("threshold_patients", "tienduizend"),
            ("min_coordinator_hours", "7:10"),
        ];
        let (status, _, html) = app.post(&admin, "/financiering/tarieven", &bad).await;
        assert_eq!(status, 422, "{engine:?}");
        for field in ["year", "gp_time", "coordinator", "threshold_patients", "min_coordinator_hours"] {
            assert!(html.contains(&format!("id=\"{field}-error\"")), "{engine:?}: no error for {field}");
        }
        assert!(html.contains("value=\"tienduizend\""), "the input is kept");

        // 2025 gets a higher GP-time rate: the open 2025 quarters follow …
        let good = [
            ("year", "2025"),
            ("gp_time", "2,40"),
            ("coordinator", "1,87"),
            ("threshold_patients", "10.000"),
            ("min_coordinator_hours", "8"),
        ];
        let (status, location, _) = app.post(&admin, "/financiering/tarieven", &good).await;
        assert_eq!((status, location.as_str()), (303, "/financiering/tarieven"), "{engine:?}");
        let (_, html) = app.get(&admin, "/financiering/tarieven").await;
        assert!(html.contains("ingesteld voor dit jaar") && html.contains("zoals 2025"), "2026 carries 2025 on");
        assert!(html.contains("Het tarief is opgeslagen"));
        let view = service::statements(&app.operator(), q("2025Q2"), None).await.unwrap();
        let binnenstad = view.statements.iter().find(|s| s.network.as_str() == "wsv-binnenstad").unwrap();
        assert_eq!(binnenstad.line(LineKind::GpTime).unwrap().amount.0, binnenstad.registered_patients as i64 * 60);
        // … and 2024 keeps the default.
        let view = service::statements(&app.operator(), q("2024Q4"), None).await.unwrap();
        let b = view.statements.iter().find(|s| s.network.as_str() == "wsv-binnenstad").unwrap();
        assert_eq!(b.line(LineKind::GpTime).unwrap().rate_per_year.0, 224);

        let mut conn = app.app.store.conn().await.unwrap();
        let history = wijkregie_store::finance::tariff_history(&mut conn).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!((history[0].tariff.year, history[0].tariff.gp_time.0), (2025, 240));
        let entries = wijkregie_store::audit::for_object(&mut conn, "tariff", "2025").await.unwrap();
        assert_eq!(entries.len(), 1, "{engine:?}");
    }
}

#[tokio::test]
async fn downloads_come_in_each_format_and_an_unknown_one_is_refused() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;
        let get = |format: &'static str| {
            let client = admin.clone();
            let url = app.url(&format!("/financiering/2025Q2/downloaden?format={format}"));
            async move { client.get(url).send().await.unwrap() }
        };
        let r = get("xlsx").await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an XLSX is a zip file");
        let csv = get("csv-nl").await.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}netwerk;naam;kwartaal"), "{csv:.200}");
        let json: serde_json::Value = get("json").await.json().await.unwrap();
        let view = service::statements(&app.operator(), q("2025Q2"), None).await.unwrap();
        assert_eq!(json, wijkregie_formats::finance::to_json(&view.statements), "{engine:?}");
        let r = get("pdf").await;
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("kies csv, csv-nl, xlsx of json"));
    }
}
