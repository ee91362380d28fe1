//! The whole wijkprofiel page over HTTP, as a browser asks for it: the real
//! router on a database holding the demo region plus the profile fixture
//! (a wijk of 30 areas in wijken of 350 areas, 10 Kerncijfers and 3
//! Gezondheidsmonitor years: 68,600 figures). Each request reads the
//! figures, computes both profiles, the suggestions, trends and map values,
//! renders every SVG chart and the choropleth, and the HTML.
//!
//! ```
//! cargo run --release -p wijkregie-bench --features http --example profile_page
//! WIJKREGIE_TEST_POSTGRES_URL=postgres://… cargo run --release -p wijkregie-bench --features http --example profile_page
//! ```
//!
//! The only benchmark that needs `web`, hence the `http` feature.
//!
//! Times are measured at the client on loopback, so they include HTTP and
//! compression and are an upper bound of the server time. Target: ≤ 20 ms p99.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::Instant;

use wijkregie_app::{demo, App, Config};
use wijkregie_bench::population::{fixture, SUBJECT_AREAS};
use wijkregie_bench::{ms, percentiles};
use wijkregie_core::population::{Indicator, Number, Value};
use wijkregie_core::region::Wijk;
use wijkregie_store::crypto::FieldKey;
use wijkregie_store::population::StoredFigure;
use wijkregie_store::testing::{self, TestDb};

const RUNS: usize = 200;
const SUBJECT: &str = "bench-onderwerp";

/// How often the first page after an import is timed: each reads the
/// region's figures again, so fewer runs than the warm page.
const COLD_RUNS: usize = 20;

/// The server as `wijkregie serve --demo` starts it, with the fixture's
/// wijken and figures added.
async fn start(db: &TestDb) -> (SocketAddr, App) {
    let key = FieldKey::ephemeral().expect("a random key");
    let app = App::start(db.store.clone(), Config::default(), key, true).await.expect("the demo server starts").app;

    let (figures, areas) = fixture();
    let mut tx = app.store.begin_bulk().await.expect("a transaction");
    let subject =
        Wijk { code: SUBJECT.parse().unwrap(), name: "Benchwijk".into(), areas: areas[..SUBJECT_AREAS].to_vec() };
    wijkregie_store::region::save_wijk(tx.conn(), &subject).await.unwrap();
    for (i, part) in areas[SUBJECT_AREAS..].chunks(40).enumerate() {
        let wijk =
            Wijk { code: format!("bench-{i}").parse().unwrap(), name: format!("Wijk {i}"), areas: part.to_vec() };
        wijkregie_store::region::save_wijk(tx.conn(), &wijk).await.unwrap();
    }
    let stored: Vec<StoredFigure> = figures
        .iter()
        .map(|f| StoredFigure {
            area: f.area.to_string(),
            vintage: f.vintage,
            year: f.year,
            indicator: f.indicator,
            value: f.value,
            interval: f.interval,
            source: f.source.clone(),
        })
        .collect();
    wijkregie_store::population::save(tx.conn(), &stored).await.unwrap();
    tx.commit().await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = listener.local_addr().expect("bound address");
    // The router without `web::serve`'s housekeeping, which would read the
    // changed figures in the background and hide the first page's cost.
    let router = wijkregie_web::router(app.clone());
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("server runs");
    });
    (addr, app)
}

/// An import that changes one figure of the subject (and so the population
/// revision), as a new CBS file would.
async fn change_one_figure(app: &App, round: usize) {
    let (figures, _) = fixture();
    let f = figures.iter().find(|f| f.indicator == Indicator::Inhabitants && f.year == 2022).expect("a figure");
    let changed = StoredFigure {
        area: f.area.to_string(),
        vintage: f.vintage,
        year: f.year,
        indicator: f.indicator,
        value: Value::Known(Number::from_int(1_000 + round as i64)),
        interval: None,
        source: f.source.clone(),
    };
    let mut tx = app.store.begin().await.expect("a transaction");
    let report = wijkregie_store::population::save(tx.conn(), &[changed]).await.expect("the figure is saved");
    assert_eq!(report.added + report.changed, 1, "the figure changes");
    tx.commit().await.expect("committed");
}

/// A browser after logging in: a session cookie, no redirects followed.
async fn browser(addr: SocketAddr) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds");
    let login = format!("http://{addr}/login");
    let html = client.get(&login).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).expect("a csrf field") + marker.len();
    let csrf = &html[at..at + html[at..].find('"').unwrap()];
    let account = &demo::ACCOUNTS[1];
    let r = client
        .post(&login)
        .form(&[("csrf", csrf), ("email", account.email), ("password", demo::PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the demo {} logs in", account.email);
    client
}

async fn measure(engine: &str, db: TestDb) {
    let (addr, app) = start(&db).await;
    let client = browser(addr).await;
    let url = format!("http://{addr}/wijken/{SUBJECT}/profiel?jaar=2022");
    let mut bytes = 0;
    for _ in 0..5 {
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "the profile page answers");
        bytes = r.text().await.unwrap().len();
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = client.get(&url).send().await.unwrap();
        let body = r.bytes().await.unwrap();
        times.push(start.elapsed());
        std::hint::black_box(body);
    }
    let (p50, p99, max) = percentiles(times);
    println!(
        "  {engine:<10} {RUNS} requests: p50 {}, p99 {}, max {} ({:.0} kB of HTML)",
        ms(p50),
        ms(p99),
        ms(max),
        bytes as f64 / 1000.0
    );

    let mut cold = Vec::with_capacity(COLD_RUNS);
    for round in 0..COLD_RUNS {
        change_one_figure(&app, round).await;
        let start = Instant::now();
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200, "the profile page answers after an import");
        std::hint::black_box(r.bytes().await.unwrap());
        cold.push(start.elapsed());
    }
    let (p50, p99, max) = percentiles(cold);
    println!(
        "  {engine:<10} {COLD_RUNS} first pages after an import: p50 {}, p99 {}, max {}",
        ms(p50),
        ms(p99),
        ms(max)
    );
}

#[tokio::main]
async fn main() {
    println!("wijkprofiel page of {SUBJECT_AREAS} areas, over HTTP with a session");
    measure("SQLite", testing::sqlite().await).await;
    if std::env::var("WIJKREGIE_TEST_POSTGRES_URL").is_ok() {
        measure("PostgreSQL", testing::postgres().await).await;
    } else {
        println!("  (set WIJKREGIE_TEST_POSTGRES_URL to measure PostgreSQL too)");
    }
}
