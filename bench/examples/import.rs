//! Importing one national Kerncijfers year, as `wijkregie import kwb` does:
//! a generated download file of the whole country (the Netherlands, 350
//! gemeenten, 3,300 wijken, 17,000 buurten) with the real file's width of
//! about 120 columns, padded codes and one value in forty hidden as `.`.
//! Measured: reading and checking the file, preparing the rows, and storing
//! them in one transaction (first import, then the same file again).
//!
//! ```
//! cargo run --release -p wijkregie-bench --example import
//! WIJKREGIE_TEST_POSTGRES_URL=postgres://… cargo run --release -p wijkregie-bench --example import
//! ```
//!
//! The issue's target is at most 5 s per KWB year.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::Instant;

use wijkregie_app::population::{self, FigureFile};
use wijkregie_app::{App, Config, Ctx};
use wijkregie_store::crypto::FieldKey;
use wijkregie_store::testing::{self, TestDb};

const GEMEENTEN: usize = 350;
const WIJKEN: usize = 3_300;
const BUURTEN: usize = 17_000;
const YEAR: i32 = 2023;
/// Columns wijkregie does not keep, as the real file has them (energy, cars,
/// businesses, …): the reader must pass over them.
const OTHER_COLUMNS: usize = 96;

/// A fixed pseudo-random sequence, so every run reads the same file.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn national_file() -> String {
    let mut out = String::from(
        "gwb_code_10;gwb_code_8;regio;gm_naam;recs;gwb_code;ind_wbi;a_inw;a_man;a_vrouw;a_00_14;a_15_24;a_25_44;\
         a_45_64;a_65_oo;a_hh;a_1p_hh;a_hh_z_k;a_hh_m_k;g_hhgro;bev_dich;g_ink_pi;p_hh_li;g_afs_hp",
    );
    for i in 0..OTHER_COLUMNS {
        write!(out, ";overig_{i}").unwrap();
    }
    out.push('\n');
    let mut rng = Lcg(7);
    let mut row = |out: &mut String, code: &str, name: &str, gemeente: &str, kind: &str| {
        let digits: String = code.chars().filter(char::is_ascii_digit).collect();
        let inhabitants = 300 + rng.next(6_000);
        let mut value = |v: u64| if rng.next(40) == 0 { ".".to_owned() } else { v.to_string() };
        let ages: Vec<String> = (0..5).map(|_| value(inhabitants / 5)).collect();
        write!(
            out,
            "{code:<10};{digits:<8};{name};{gemeente};{kind};{code};1;{};{};{};{};{};{};{};{};{};{};{};{};2.1;{};28.4;7.2;0.9",
            value(inhabitants),
            value(inhabitants / 2),
            value(inhabitants / 2),
            ages[0],
            ages[1],
            ages[2],
            ages[3],
            ages[4],
            value(inhabitants / 2),
            value(inhabitants / 5),
            value(inhabitants / 6),
            value(inhabitants / 7),
            value(inhabitants * 3),
        )
        .unwrap();
        for i in 0..OTHER_COLUMNS {
            write!(out, ";{}", i * 7 % 1000).unwrap();
        }
        out.push('\n');
    };
    row(&mut out, "NL00", "Nederland", "Nederland", "Land");
    let (mut wijk, mut buurt) = (0, 0);
    for g in 0..GEMEENTEN {
        let gm = format!("{:04}", g + 1);
        let name = format!("Gemeente {gm}");
        row(&mut out, &format!("GM{gm}"), &name, &name, "Gemeente");
        let wijken = WIJKEN / GEMEENTEN + usize::from(g < WIJKEN % GEMEENTEN);
        for w in 0..wijken {
            row(&mut out, &format!("WK{gm}{w:02}"), &format!("Wijk {wijk}"), &name, "Wijk");
            let buurten = BUURTEN / WIJKEN + usize::from(wijk < BUURTEN % WIJKEN);
            for b in 0..buurten {
                row(&mut out, &format!("BU{gm}{w:02}{b:02}"), &format!("Buurt {buurt}"), &name, "Buurt");
                buurt += 1;
            }
            wijk += 1;
        }
    }
    assert_eq!((wijk, buurt), (WIJKEN, BUURTEN), "the fixture has the national counts");
    out
}

/// Years stored before the last pass, so that it imports a tenth year into
/// a database holding nine, as a region does after ten years.
const EARLIER_YEARS: std::ops::Range<i32> = 2015..2023;
const TENTH_YEAR: i32 = 2024;

async fn measure(engine: &str, db: TestDb, file: &str) {
    // As `wijkregie import kwb` does: no search index, the operator acts.
    let key = FieldKey::ephemeral().expect("a random key");
    let app = App::open(db.store.clone(), Config::default(), key).await.expect("the application opens");
    let ctx = Ctx::operator(app);
    for (pass, year) in [("first import", YEAR), ("same file again", YEAR), ("", 0), ("a tenth year", TENTH_YEAR)] {
        if year == 0 {
            let start = Instant::now();
            for year in EARLIER_YEARS {
                let prepared = population::parse_file(FigureFile::Kwb, file.as_bytes(), "kwb.csv", Some(year), None)
                    .expect("the generated file reads");
                population::import(&ctx, FigureFile::Kwb.event(), &prepared, &|_| {}).await.expect("stored");
            }
            println!(
                "  {engine:<10} (stored {} more years in {:.0} s)",
                EARLIER_YEARS.len(),
                start.elapsed().as_secs_f64()
            );
            continue;
        }
        let start = Instant::now();
        let prepared = match population::parse_file(FigureFile::Kwb, file.as_bytes(), "kwb.csv", Some(year), None) {
            Ok(prepared) => prepared,
            Err(problems) => panic!("the generated file is refused: {:?}", &problems[..problems.len().min(3)]),
        };
        let read = start.elapsed();
        let report =
            population::import(&ctx, FigureFile::Kwb.event(), &prepared, &|_| {}).await.expect("the import stores");
        let total = start.elapsed();
        println!(
            "  {engine:<10} {pass:<16} read {:>6.0} ms, store {:>6.0} ms, total {:>6.2} s ({} new, {} changed, {} unchanged)",
            read.as_secs_f64() * 1000.0,
            (total - read).as_secs_f64() * 1000.0,
            total.as_secs_f64(),
            report.added,
            report.changed,
            report.unchanged,
        );
    }
}

#[tokio::main]
async fn main() {
    let file = national_file();
    println!(
        "national Kerncijfers {YEAR}: {} rows, {} columns, {:.1} MB",
        file.lines().count() - 1,
        24 + OTHER_COLUMNS,
        file.len() as f64 / 1_000_000.0
    );
    measure("SQLite", testing::sqlite().await, &file).await;
    if std::env::var("WIJKREGIE_TEST_POSTGRES_URL").is_ok() {
        measure("PostgreSQL", testing::postgres().await, &file).await;
    } else {
        println!("  (set WIJKREGIE_TEST_POSTGRES_URL to measure PostgreSQL too)");
    }
}
