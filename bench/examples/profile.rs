//! The wijkprofiel's computation at the issue's scale: a subject of 30 CBS
//! areas with 10 years of every Kerncijfers indicator and 3 Gezondheidsmonitor
//! years (with intervals), in a region of 350 areas. One "page" is what
//! `app::population::profile` computes: the subject's and the region's profile,
//! the suggestions, both trends for one indicator and a value per map area.
//!
//! ```
//! cargo run --release -p wijkregie-bench --example profile
//! ```
//!
//! This is the core work only; the page also reads the figures from the
//! database and renders SVG (the choropleth example measures the map).

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Instant;

use wijkregie_bench::population::{fixture, KWB_YEARS, REGION_AREAS, SUBJECT_AREAS};
use wijkregie_bench::{ms, percentiles};
use wijkregie_core::population::{
    aggregate_each, default_rules, suggest, trend, AreaFigure, Indicator, Profile, Reference, ReferenceLevel,
};
use wijkregie_core::region::Area;

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
        times.push(start.elapsed());
    }
    let (p50, p99, max) = percentiles(times);
    println!(
        "wijkprofiel computation: {SUBJECT_AREAS} areas in a region of {REGION_AREAS}, {} figures in all",
        region_figures.len()
    );
    println!("  suggestions {}, trend points {}, map areas with a value {}", shape.0, shape.1, shape.2);
    println!("  200 runs: p50 {}, p99 {}, max {}", ms(p50), ms(p99), ms(max));
}
