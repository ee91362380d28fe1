//! The radius pre-filter (grid cells) against the plain haversine check on
//! random data: it may only skip services that the exact check would drop,
//! however the circle lies across the cell boundaries.

use std::collections::BTreeSet;

use proptest::prelude::*;
use wijkregie_search::{GeoPoint, Index, Query, ServiceDoc};

const EARTH_RADIUS_KM: f64 = 6371.0088;

fn km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (p, q) = (a.lat.to_radians(), b.lat.to_radians());
    let h = ((q - p) / 2.0).sin().powi(2) + p.cos() * q.cos() * ((b.lon - a.lon).to_radians() / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// The point `distance_km` from `from` in direction `bearing` (degrees from north).
fn destination(from: GeoPoint, bearing: f64, distance_km: f64) -> GeoPoint {
    let (lat, lon, b) = (from.lat.to_radians(), from.lon.to_radians(), bearing.to_radians());
    let d = distance_km / EARTH_RADIUS_KM;
    let lat2 = (lat.sin() * d.cos() + lat.cos() * d.sin() * b.cos()).asin();
    let lon2 = lon + (b.sin() * d.sin() * lat.cos()).atan2(d.cos() - lat.sin() * lat2.sin());
    GeoPoint { lat: lat2.to_degrees(), lon: lon2.to_degrees() }
}

fn service(id: usize, locations: Vec<GeoPoint>) -> ServiceDoc {
    ServiceDoc { id: format!("s{id}"), name: format!("Buurtkamer {id}"), locations, ..ServiceDoc::default() }
}

fn within(docs: &[ServiceDoc], near: GeoPoint, radius_km: f64) -> BTreeSet<String> {
    docs.iter()
        .filter(|d| d.locations.is_empty() || d.locations.iter().any(|&p| km(near, p) <= radius_km))
        .map(|d| d.id.clone())
        .collect()
}

fn found(index: &Index, q: Query) -> BTreeSet<String> {
    let results = index.search(&Query { limit: 100_000, ..q }).expect("a valid query");
    assert_eq!(results.total, results.hits.len());
    results.hits.into_iter().map(|h| h.id).collect()
}

/// Services on a ring just inside and just outside the circle, in every
/// direction (the box is widest east and west, tightest north and south),
/// plus a few without location and a few with two locations of which one
/// is far away.
fn ring(near: GeoPoint, radius_km: f64) -> Vec<ServiceDoc> {
    let mut docs = Vec::new();
    for step in 0..72 {
        let bearing = f64::from(step) * 5.0;
        docs.push(service(docs.len(), vec![destination(near, bearing, radius_km * (1.0 - 1e-4))]));
        docs.push(service(docs.len(), vec![destination(near, bearing, radius_km * (1.0 + 1e-4))]));
    }
    for _ in 0..3 {
        docs.push(service(docs.len(), vec![]));
    }
    let far = destination(near, 45.0, radius_km * 3.0);
    docs.push(service(docs.len(), vec![far, destination(near, 200.0, radius_km * 0.5)]));
    docs.push(service(docs.len(), vec![far]));
    docs
}

#[test]
fn services_just_inside_the_circle_are_found_in_every_direction() {
    // Centres on cell corners and edges of every level, and in between.
    let centres = [
        GeoPoint { lat: 52.0, lon: 5.0 },
        GeoPoint { lat: 52.08, lon: 5.12 },
        GeoPoint { lat: 51.92 + 1e-9, lon: 4.48 - 1e-9 },
        GeoPoint { lat: 53.2163, lon: 6.5665 },
        GeoPoint { lat: 50.8514, lon: 5.6910 },
    ];
    for near in centres {
        for radius_km in [0.5, 1.0, 2.2, 4.44, 10.0, 25.0, 60.0, 100.0] {
            let docs = ring(near, radius_km);
            let index = Index::new().expect("an empty index");
            index.rebuild(docs.clone()).expect("indexes");
            let q = Query { near: Some(near), radius_km: Some(radius_km), ..Query::default() };
            assert_eq!(found(&index, q), within(&docs, near, radius_km), "{near:?} {radius_km} km");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn the_pre_filter_agrees_with_the_exact_check(
        seed_points in proptest::collection::vec((50.7f64..53.6, 3.3f64..7.3, 0usize..3), 50..300),
        near in (50.7f64..53.6, 3.3f64..7.3),
        radius_km in 0.5f64..100.0,
        text in proptest::sample::select(vec!["", "buurtkamer", "buurtkamr"]),
    ) {
        let near = GeoPoint { lat: near.0, lon: near.1 };
        // Every third point lies close to the circle, where cells matter.
        let docs: Vec<ServiceDoc> = seed_points
            .iter()
            .enumerate()
            .map(|(i, &(lat, lon, count))| {
                let point = if i % 3 == 0 {
                    destination(near, lat * 97.0 % 360.0, radius_km * (0.98 + (lon % 0.04)))
                } else {
                    GeoPoint { lat, lon }
                };
                service(i, std::iter::repeat_n(point, count).collect())
            })
            .collect();
        let index = Index::new().expect("an empty index");
        index.rebuild(docs.clone()).expect("indexes");
        let q = Query { text: text.to_string(), near: Some(near), radius_km: Some(radius_km), ..Query::default() };
        prop_assert_eq!(found(&index, q), within(&docs, near, radius_km));
    }
}

#[test]
fn the_organization_filter_takes_any_of_its_identifiers() {
    let index = Index::new().expect("an empty index");
    let mut a = service(1, vec![]);
    a.organization_ids = vec!["welzijn-noord".into(), "6F1B0C3A-0000-5000-8000-000000000001".into()];
    let b = ServiceDoc { organization_ids: vec!["fysio-zuid".into()], ..service(2, vec![]) };
    index.rebuild([a, b]).expect("indexes");
    for key in ["welzijn-noord", " 6f1b0c3a-0000-5000-8000-000000000001 "] {
        let q = Query { organization: Some(key.into()), ..Query::default() };
        assert_eq!(found(&index, q), BTreeSet::from(["s1".to_string()]), "{key}");
    }
    assert!(found(&index, Query { organization: Some("onbekend".into()), ..Query::default() }).is_empty());
}
