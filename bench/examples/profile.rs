//! The wijkprofiel's computation at the issue's scale: a subject of 30 CBS
//! areas with 10 years of every Kerncijfers indicator and 3 Gezondheidsmonitor
//! years (with intervals), in a region of 350 areas. One "page" is what
//! `web::pages::profile` computes: the subject's and the region's profile,
//! the suggestions, both trends for one indicator and a value per map area.
//!
//! ```
//! cargo run --release -p wijkregie-bench --example profile
//! ```
//!
//! This is the core work only; the page also reads the figures from the
//! database and renders SVG (the choropleth example measures the map).

use std::time::Instant;

use wijkregie_core::codes::CbsCode;
use wijkregie_core::population::{
    aggregate_each, default_rules, suggest, trend, AreaFigure, Indicator, Interval, Measure, Number, Profile,
    Reference, ReferenceLevel, Source, Value,
};
use wijkregie_core::region::Area;

const REGION_AREAS: usize = 350;
const SUBJECT_AREAS: usize = 30;
const KWB_YEARS: std::ops::RangeInclusive<i32> = 2015..=2024;
const HEALTH_YEARS: [i32; 3] = [2016, 2020, 2022];
const VINTAGE: u16 = 2024;

/// A fixed pseudo-random sequence, so every run measures the same figures.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as i64
    }
}

fn fixture() -> (Vec<AreaFigure>, Vec<Area>) {
    let mut rng = Lcg(5);
    let areas: Vec<Area> = (0..REGION_AREAS)
        .map(|i| Area {
            code: format!("BU{:04}{:04}", 1900 + i / 100, i % 100).parse::<CbsCode>().unwrap(),
            year: VINTAGE,
        })
        .collect();
    let cbs = |year| Source { publisher: "CBS".into(), table: format!("Kerncijfers wijken en buurten {year}"), year };
    let rivm = |year| Source { publisher: "RIVM".into(), table: format!("Gezondheid per wijk en buurt {year}"), year };
    let mut figures = Vec::new();
    for area in &areas {
        let mut seen = Vec::new();
        for year in KWB_YEARS.clone().chain(HEALTH_YEARS) {
            // 2016, 2020 and 2022 come twice from the chain: once for CBS, once for RIVM.
            let (kwb_pass, health_pass) = (!seen.contains(&year), seen.contains(&year) || !KWB_YEARS.contains(&year));
            seen.push(year);
            let inhabitants = 800 + rng.next(4000);
            for &indicator in Indicator::ALL {
                let (value, interval, source) = match indicator.measure() {
                    _ if indicator.is_estimate() => {
                        if !health_pass {
                            continue;
                        }
                        let v = 5 + rng.next(60);
                        (
                            Number::from_int(v),
                            Some(Interval { low: Number::from_int(v - 3), high: Number::from_int(v + 3) }),
                            rivm(year),
                        )
                    }
                    Measure::Share { .. } => continue,
                    _ if !kwb_pass => continue,
                    Measure::Count if indicator == Indicator::Inhabitants => {
                        (Number::from_int(inhabitants), None, cbs(year))
                    }
                    Measure::Count => (Number::from_int(inhabitants / (2 + rng.next(6))), None, cbs(year)),
                    _ => (Number::from_thousandths(1_000 + rng.next(40_000)), None, cbs(year)),
                };
                // One figure in forty hidden, as CBS does for small areas.
                let value = if rng.next(40) == 0 { Value::Unknown } else { Value::Known(value) };
                figures.push(AreaFigure {
                    area: area.code.clone(),
                    vintage: i32::from(area.year),
                    year,
                    indicator,
                    value,
                    interval,
                    source,
                });
            }
        }
    }
    (figures, areas)
}

fn main() {
    let (region_figures, region_areas) = fixture();
    let subject: Vec<Area> = region_areas[..SUBJECT_AREAS].to_vec();
    let own: Vec<AreaFigure> =
        region_figures.iter().filter(|f| subject.iter().any(|a| a.code == f.area)).cloned().collect();
    let years: Vec<i32> = KWB_YEARS.collect();
    let rules = default_rules();
    let page = || {
        let profile = Profile::build(&own, &subject, 2022);
        let region =
            Reference { level: ReferenceLevel::Region, profile: Profile::build(&region_figures, &region_areas, 2022) };
        let suggestions = suggest(&rules, &profile, &region);
        let ours = trend(&own, &subject, Indicator::SeverelyLonely, &years);
        let theirs = trend(&region_figures, &region_areas, Indicator::SeverelyLonely, &years);
        let map = aggregate_each(&region_figures, &region_areas, 2022, Indicator::SeverelyLonely)
            .iter()
            .filter(|a| a.value.known().is_some())
            .count();
        (suggestions.len(), ours.points.len() + theirs.points.len(), map)
    };
    let mut times = Vec::new();
    let mut shape = (0, 0, 0);
    for _ in 0..200 {
        let start = Instant::now();
        shape = std::hint::black_box(page());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "wijkprofiel computation: {SUBJECT_AREAS} areas in a region of {REGION_AREAS}, {} figures in all",
        region_figures.len()
    );
    println!("  suggestions {}, trend points {}, map areas with a value {}", shape.0, shape.1, shape.2);
    println!("  200 runs: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", pct(0.5), pct(0.99), pct(1.0));
}
