//! Outlines for the demo region's CBS areas, fictional like the region
//! itself: a lattice of cells around the three made-up towns, corners
//! jittered and borders wiggled by a fixed hash so they look drawn rather
//! than ruled, each border shared exactly by its two neighbours. One cell or
//! a few make an area; Waterhoek has an exclave, so the demo holds a
//! MultiPolygon as real files do.
//!
//! The generated file ships as `data/demo/boundaries.geojson` in PDOK's
//! layout (`statcode`, `jrstatcode`, `statnaam`, `rubriek`) and the demo
//! imports it like any other boundary file; a test keeps the two in step.

use std::collections::BTreeMap;

use serde_json::json;

/// The shipped file, as `import boundaries` reads it.
pub const GEOJSON: &str = include_str!("../../data/demo/boundaries.geojson");

const YEAR: u16 = 2024;
/// South-west corner of the lattice and the size of a cell (about 1.4 km).
const ORIGIN: (f64, f64) = (6.05, 51.357);
const CELL: (f64, f64) = (0.02, 0.013);
/// Points per cell side: enough for a border that wiggles.
const STEPS: usize = 12;

type Cell = (i32, i32);

/// (statcode, statnaam, cells). Wijken of Kwartierstad and Elzenmonde,
/// and the buurten and wijken of Heiderloo, whose networks cut across its
/// CBS wijken.
const AREAS: &[(&str, &str, &[Cell])] = &[
    ("WK199101", "Binnenstad", &[(5, 0)]),
    ("WK199102", "Havenkwartier", &[(6, 0), (6, 1)]),
    ("WK199103", "Lindenpark", &[(4, 0)]),
    ("WK199104", "Molenkamp", &[(4, 1)]),
    ("WK199105", "Vogelzang", &[(5, 1)]),
    ("WK199201", "Elzenmonde-Dorp", &[(4, 3), (5, 3)]),
    ("WK199202", "Zeggeveld", &[(4, 2), (5, 2)]),
    ("WK199203", "Waterhoek", &[(6, 2), (6, 3), (4, 4)]),
    ("WK199301", "Heiderloo-Kern", &[(1, 6), (2, 6), (3, 6), (3, 5)]),
    ("WK199302", "Heiderloo-Buitengebied", &[(1, 5), (2, 5)]),
    ("BU19930101", "Kerkbuurt", &[(1, 6)]),
    ("BU19930102", "Bremhorst", &[(2, 6)]),
    ("BU19930103", "Heikant", &[(3, 6)]),
    ("BU19930104", "Molenakker", &[(3, 5)]),
    ("BU19930201", "Buitengebied Noord", &[(1, 5)]),
    ("BU19930202", "Buitengebied Zuid", &[(2, 5)]),
];

const GEMEENTEN: &[(&str, &str, &[&str])] = &[
    ("GM1991", "Kwartierstad", &["WK199101", "WK199102", "WK199103", "WK199104", "WK199105"]),
    ("GM1992", "Elzenmonde", &["WK199201", "WK199202", "WK199203"]),
    ("GM1993", "Heiderloo", &["WK199301", "WK199302"]),
];

/// A fixed hash in [-1, 1): the same on every platform.
fn noise(a: i64, b: i64, salt: i64) -> f64 {
    let mut h = (a.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64))
        ^ (b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F_u64 as i64))
        ^ salt.wrapping_mul(0x1656_67B1_9E37_79F9);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9_u64 as i64);
    h ^= h >> 32;
    ((h as u64) >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// A lattice corner, jittered by a quarter of a cell.
fn corner((c, r): Cell) -> (f64, f64) {
    let (c, r) = (i64::from(c), i64::from(r));
    (ORIGIN.0 + (c as f64 + 0.25 * noise(c, r, 1)) * CELL.0, ORIGIN.1 + (r as f64 + 0.25 * noise(c, r, 2)) * CELL.1)
}

/// The points of a border from `a` to `b` (without `b`): the same points,
/// reversed, for the neighbour on the other side.
fn border(a: Cell, b: Cell) -> Vec<(f64, f64)> {
    let (from, to, reversed) = if a < b { (a, b, false) } else { (b, a, true) };
    let (p, q) = (corner(from), corner(to));
    let key = (i64::from(from.0) * 1000 + i64::from(from.1), i64::from(to.0) * 1000 + i64::from(to.1));
    let mut points: Vec<(f64, f64)> = (0..=STEPS)
        .map(|i| {
            let t = i as f64 / STEPS as f64;
            // A bulge that vanishes at both ends, plus a little jitter.
            let bump = (t * std::f64::consts::PI).sin() * 0.08 * noise(key.0, key.1, 3)
                + if i == 0 || i == STEPS { 0.0 } else { 0.02 * noise(key.0, key.1, 10 + i as i64) };
            let (dx, dy) = (q.0 - p.0, q.1 - p.1);
            // Perpendicular in cell units, so the wiggle is even in both directions.
            let (nx, ny) = (-dy / CELL.1 * CELL.0, dx / CELL.0 * CELL.1);
            (p.0 + dx * t + nx * bump, p.1 + dy * t + ny * bump)
        })
        .collect();
    if reversed {
        points.reverse();
    }
    points.pop();
    points
}

/// The outline of a set of cells: edges between two cells of the set drop
/// out, the rest chain into rings (counter-clockwise, as RFC 7946 asks).
fn outline(cells: &[Cell]) -> Vec<Vec<[f64; 2]>> {
    let mut edges: BTreeMap<Cell, Cell> = BTreeMap::new();
    let all: Vec<(Cell, Cell)> = cells
        .iter()
        .flat_map(|&(c, r)| {
            [((c, r), (c + 1, r)), ((c + 1, r), (c + 1, r + 1)), ((c + 1, r + 1), (c, r + 1)), ((c, r + 1), (c, r))]
        })
        .collect();
    for &(a, b) in &all {
        if !all.contains(&(b, a)) {
            edges.insert(a, b);
        }
    }
    let mut rings = Vec::new();
    while let Some((&start, _)) = edges.iter().next() {
        let mut ring = Vec::new();
        let mut at = start;
        while let Some(next) = edges.remove(&at) {
            ring.extend(border(at, next).into_iter().map(|(x, y)| [round(x), round(y)]));
            at = next;
        }
        ring.push(ring[0]);
        rings.push(ring);
    }
    rings
}

fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn cells_of(code: &str) -> Vec<Cell> {
    AREAS.iter().find(|a| a.0 == code).map(|a| a.2.to_vec()).unwrap_or_default()
}

fn feature(code: &str, name: &str, rubriek: &str, cells: &[Cell]) -> serde_json::Value {
    let rings = outline(cells);
    let geometry = if rings.len() == 1 {
        json!({"type": "Polygon", "coordinates": [rings[0]]})
    } else {
        json!({"type": "MultiPolygon", "coordinates": rings.into_iter().map(|r| vec![r]).collect::<Vec<_>>()})
    };
    json!({
        "type": "Feature",
        "geometry": geometry,
        "properties": {"statcode": code, "jrstatcode": format!("{YEAR}{code}"), "statnaam": name, "rubriek": rubriek},
    })
}

/// The demo boundaries as GeoJSON text (what `data/demo/boundaries.geojson` holds).
pub fn generate() -> String {
    let mut features = Vec::new();
    for (code, name, parts) in GEMEENTEN {
        let cells: Vec<Cell> = parts.iter().flat_map(|p| cells_of(p)).collect();
        features.push(feature(code, name, "gemeente", &cells));
    }
    for (code, name, cells) in AREAS {
        let rubriek = if code.starts_with("BU") { "buurt" } else { "wijk" };
        features.push(feature(code, name, rubriek, cells));
    }
    let collection = json!({"type": "FeatureCollection", "name": "demo_gebiedsindeling_2024", "features": features});
    let mut text = serde_json::to_string(&collection).expect("JSON values serialise");
    text.push('\n');
    text
}
