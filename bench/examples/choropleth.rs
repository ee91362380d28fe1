//! The national choropleth (issue 5: ≤ 100 ms and ≤ 2 MB): chart::map on
//! generated outlines of every buurt (about 17,000, 200–500 points each)
//! and every wijk (about 3,300), with 5 % unknown values.
//! `cargo run --release -p wijkregie-bench --example choropleth`.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::{Duration, Instant};

use geo::{Coord, LineString, MultiPolygon, Polygon};
use wijkregie_chart::map::{choropleth_svg, Choropleth, MapArea};
use wijkregie_core::population::Number;

/// A fixed hash in [0, 1), the same every run.
fn unit(a: u64, b: u64) -> f64 {
    let mut h = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h ^= h >> 31;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 29;
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// `cols × rows` cells over the European Netherlands' bounding box, each a
/// wobbly outline of `points` points, as detailed as CBS's ungeneralised
/// wijk- en buurtkaart.
fn areas(cols: usize, rows: usize, points: (usize, usize), prefix: &str) -> Vec<MapArea> {
    let (lon0, lat0, lon1, lat1) = (3.36, 50.75, 7.23, 53.55);
    let (dx, dy) = ((lon1 - lon0) / cols as f64, (lat1 - lat0) / rows as f64);
    let mut out = Vec::with_capacity(cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            let i = (r * cols + c) as u64;
            let n = points.0 + (unit(i, 1) * (points.1 - points.0) as f64) as usize;
            let (cx, cy) = (lon0 + (c as f64 + 0.5) * dx, lat0 + (r as f64 + 0.5) * dy);
            let mut coords: Vec<Coord<f64>> = (0..n)
                .map(|k| {
                    let a = k as f64 / n as f64 * std::f64::consts::TAU;
                    // Squarish, with a wiggle that has detail at every scale.
                    let wobble = 1.0 + 0.04 * (a * 7.0 + unit(i, 2) * 6.0).sin() + 0.02 * (unit(i, k as u64 + 3) - 0.5);
                    let (s, co) = a.sin_cos();
                    let square = 1.0 / co.abs().max(s.abs());
                    Coord {
                        x: cx + 0.5 * dx * co * square * wobble * 0.98,
                        y: cy + 0.5 * dy * s * square * wobble * 0.98,
                    }
                })
                .collect();
            coords.push(coords[0]);
            let value = (unit(i, 4) >= 0.05).then(|| Number::from_thousandths((unit(i, 5) * 40_000.0) as i64));
            out.push(MapArea {
                code: format!("{prefix}{i:08}"),
                name: format!("Gebied {i} (Gemeente {})", i / 50),
                geometry: MultiPolygon(vec![Polygon::new(LineString(coords), vec![])]),
                value,
            });
        }
    }
    out
}

fn run(label: &str, areas: Vec<MapArea>) {
    let vertices: usize = areas.iter().map(|a| a.geometry.0[0].exterior().0.len()).sum();
    let map = Choropleth {
        id: "nl".into(),
        title: format!("{label} van Nederland"),
        legend_title: "Inwoners van 65 jaar en ouder".into(),
        unit: "%".into(),
        areas,
        subject: None,
    };
    let mut times: Vec<Duration> = Vec::new();
    let mut size = 0;
    for _ in 0..11 {
        let start = Instant::now();
        let svg = std::hint::black_box(choropleth_svg(&map));
        times.push(start.elapsed());
        size = svg.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: {} areas, {vertices} points in; SVG {:.2} MB; render min {:.1} ms, median {:.1} ms, max {:.1} ms (11 runs)",
        map.areas.len(),
        size as f64 / 1_000_000.0,
        ms(times[0]),
        ms(times[5]),
        ms(times[10])
    );
    let svg = choropleth_svg(&map);
    let start = Instant::now();
    let png = wijkregie_chart::png::svg_to_png(&svg).expect("the map renders");
    println!("{label}: PNG {:.2} MB in {:.0} ms", png.len() as f64 / 1_000_000.0, ms(start.elapsed()));
}

fn main() {
    // 17,000 buurten: 136 × 125 cells, 200–500 points each.
    run("buurten", areas(136, 125, (200, 500), "BU"));
    // 3,300 wijken: 60 × 55 cells, 300–800 points each.
    run("wijken", areas(60, 55, (300, 800), "WK"));
}
