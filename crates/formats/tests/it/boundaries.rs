//! The boundaries parser against fixtures with the quirks of real PDOK files:
//! RD New named in `crs` or only recognisable by its numbers, MultiPolygons,
//! holes, codes right-padded with spaces, and every kind of bad feature.

use geo::{Area, Centroid};
use wijkregie_formats::boundaries::{self, Crs};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/boundaries/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn pdok_rd_new_is_converted_to_wgs84_with_parts_holes_and_padded_codes() {
    let file = boundaries::parse(&fixture("pdok-rd-new.geojson"), None).unwrap();
    assert_eq!(file.crs, Crs::RdNew);
    let codes: Vec<&str> = file.boundaries.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, ["GM0363", "WK036300", "BU03630000"]);
    let gm = &file.boundaries[0];
    assert_eq!((gm.name.as_str(), gm.year), ("Amsterdam", 2024));
    assert_eq!(gm.geometry.0.len(), 2, "both parts of the MultiPolygon are kept");
    let wk = &file.boundaries[1];
    assert_eq!(wk.geometry.0[0].interiors().len(), 1, "the hole is kept");
    let bu = &file.boundaries[2];
    assert_eq!(bu.name, "Kop Zeedijk", "names are trimmed");
    // RD (120400..120700, 486300..486600) lies just west of the Amsterdam centre.
    let c = bu.geometry.centroid().unwrap();
    assert!((4.87..4.89).contains(&c.x()) && (52.36..52.37).contains(&c.y()), "{c:?}");
    // The wijk's area is its outer square less the hole, in square degrees > 0.
    assert!(wk.geometry.unsigned_area() > 0.0);
}

#[test]
fn wgs84_without_crs_member_is_read_as_is() {
    let file = boundaries::parse(&fixture("wgs84-no-crs.geojson"), None).unwrap();
    assert_eq!(file.crs, Crs::Wgs84);
    assert_eq!(file.boundaries.len(), 2);
    assert_eq!(file.boundaries[0].year, 2023);
    assert_eq!(file.boundaries[1].geometry.0.len(), 2);
    let first = file.boundaries[0].geometry.0[0].exterior().0[0];
    assert_eq!((first.x, first.y), (5.10, 52.08));
}

#[test]
fn rd_without_crs_member_is_detected_and_the_year_must_be_given() {
    let text = fixture("rd-no-crs-no-year.geojson");
    let problems = boundaries::parse(&text, None).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].feature, Some(0));
    assert!(problems[0].message.contains("--year"), "{:?}", problems[0]);

    let file = boundaries::parse(&text, Some(2022)).unwrap();
    assert_eq!(file.crs, Crs::RdNew);
    assert_eq!(file.boundaries[0].year, 2022);
    // A 2 km square around RD's origin, the tower of Amersfoort.
    let c = file.boundaries[0].geometry.centroid().unwrap();
    assert!((c.x() - 5.3872).abs() < 0.001 && (c.y() - 52.1552).abs() < 0.001, "{c:?}");
}

#[test]
fn every_bad_feature_is_reported_with_its_index_and_the_file_refused() {
    let problems = boundaries::parse(&fixture("mistakes.geojson"), None).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |i: usize, needle: &str| {
        assert!(
            problems.iter().any(|p| p.feature == Some(i) && p.message.contains(needle)),
            "no problem at features[{i}] containing '{needle}' in {text:#?}"
        );
    };
    has(0, "statcode ontbreekt");
    has(1, "geen geldige CBS-gebiedscode");
    has(2, "niet gesloten");
    has(3, "LineString");
    has(4, "verwisseld");
    has(5, "geen jaar");
    has(6, "geen geometrie");
    has(8, "staat al in features[7]");
    assert!(problems.iter().all(|p| p.feature != Some(7)), "the good feature is not blamed: {text:#?}");
}

#[test]
fn whole_file_mistakes_are_named() {
    let not_json = boundaries::parse("{", None).unwrap_err();
    assert!(not_json[0].message.contains("geen geldige JSON"));
    let not_collection = boundaries::parse(r#"{"type":"Feature"}"#, None).unwrap_err();
    assert!(not_collection[0].message.contains("FeatureCollection"));
    let unknown_crs = boundaries::parse(
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3035"}},"features":[]}"#,
        None,
    )
    .unwrap_err();
    assert!(unknown_crs[0].message.contains("3035"));
    let empty = boundaries::parse(r#"{"type":"FeatureCollection","features":[]}"#, None).unwrap_err();
    assert!(empty[0].message.contains("geen gebieden"));
}

#[test]
fn named_crs84_and_epsg_4326_are_wgs84() {
    for name in ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/4326"] {
        let text = format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"{name}"}}}},"features":[{{"type":"Feature","properties":{{"statcode":"GM0344","statnaam":"Utrecht","jrstatcode":"2024GM0344"}},"geometry":{{"type":"Polygon","coordinates":[[[5.0,52.0],[5.2,52.0],[5.2,52.1],[5.0,52.0]]]}}}}]}}"#
        );
        assert_eq!(boundaries::parse(&text, None).unwrap().crs, Crs::Wgs84, "{name}");
    }
}

#[test]
fn stored_geometry_text_round_trips_and_is_stable() {
    let file = boundaries::parse(&fixture("pdok-rd-new.geojson"), None).unwrap();
    for b in &file.boundaries {
        let text = boundaries::geometry_to_geojson(&b.geometry);
        let back = boundaries::geometry_from_geojson(&text).unwrap();
        assert_eq!(back, b.geometry);
        assert_eq!(boundaries::geometry_to_geojson(&back), text);
    }
}

/// RD New → WGS84 through PROJ's definition, checked against the published
/// polynomial approximation (Schreutelkamp & Strang van Hees, accurate to
/// about a metre) at points across the country.
#[test]
fn rd_conversion_agrees_with_the_polynomial_approximation() {
    let rd = boundaries::rd::RdToWgs84::new();
    let (lon, lat) = rd.convert(155_000.0, 463_000.0).unwrap();
    assert!((lat - 52.15517).abs() < 1e-5 && (lon - 5.38721).abs() < 1e-5, "Amersfoort: {lat}, {lon}");
    for (x, y) in [(121_394.0, 487_383.0), (233_883.0, 582_065.0), (30_000.0, 385_000.0), (190_000.0, 320_000.0)] {
        let (lon, lat) = rd.convert(x, y).unwrap();
        let (plon, plat) = polynomial(x, y);
        assert!((lat - plat).abs() < 2e-5 && (lon - plon).abs() < 3e-5, "({x}, {y}): {lat},{lon} vs {plat},{plon}");
    }
}

fn polynomial(x: f64, y: f64) -> (f64, f64) {
    let dx = (x - 155_000.0) * 1e-5;
    let dy = (y - 463_000.0) * 1e-5;
    let k = [
        (0, 1, 3235.65389),
        (2, 0, -32.58297),
        (0, 2, -0.24750),
        (2, 1, -0.84978),
        (0, 3, -0.06550),
        (2, 2, -0.01709),
        (1, 0, -0.00738),
        (4, 0, 0.00530),
        (2, 3, -0.00039),
        (4, 1, 0.00033),
        (1, 1, -0.00012),
    ];
    let l = [
        (1, 0, 5260.52916),
        (1, 1, 105.94684),
        (1, 2, 2.45656),
        (3, 0, -0.81885),
        (1, 3, 0.05594),
        (3, 1, -0.05607),
        (0, 1, 0.01199),
        (3, 2, -0.00256),
        (1, 4, 0.00128),
        (0, 2, 0.00022),
        (2, 0, -0.00022),
        (5, 0, 0.00026),
    ];
    let sum = |terms: &[(i32, i32, f64)]| terms.iter().map(|&(p, q, c)| c * dx.powi(p) * dy.powi(q)).sum::<f64>();
    (5.38720621 + sum(&l) / 3600.0, 52.15517440 + sum(&k) / 3600.0)
}

/// PDOK's and cartomap's outlines run clockwise, holes the other way. Before
/// issue 16 the area of every real outline came out as the Earth's surface
/// (about 510 million km²); rings are now oriented on import.
#[test]
fn clockwise_rings_are_oriented_and_measure_their_own_area() {
    use geo::{GeodesicArea, Winding};
    let text = fixture("clockwise-rings.geojson");
    let raw: geojson::FeatureCollection = text.parse().unwrap();
    let unoriented: geo::Geometry<f64> = raw.features[0].geometry.clone().unwrap().try_into().unwrap();
    assert!(unoriented.geodesic_area_unsigned() > 5.0e14, "the bug: the rest of the Earth");

    let file = boundaries::parse(&text, None).unwrap();
    for b in &file.boundaries {
        for polygon in &b.geometry.0 {
            assert!(polygon.exterior().is_ccw(), "{}: exterior counter-clockwise (RFC 7946)", b.code);
            assert!(polygon.interiors().iter().all(Winding::is_cw), "{}: holes clockwise", b.code);
        }
    }
    // 0.01° by 0.01° at 52.36° N is 0.68 km by 1.11 km, less a hole of
    // 0.002° square, plus a part of 0.002° square: about 0.756 km².
    fn km2(g: &geo::MultiPolygon<f64>) -> f64 {
        boundaries::area_m2(g) / 1.0e6
    }
    let holed = km2(&file.boundaries[0].geometry);
    assert!((0.74..0.77).contains(&holed), "{holed} km²");
    // The same square counter-clockwise and without hole or second part.
    let plain = km2(&file.boundaries[1].geometry);
    assert!((0.75..0.77).contains(&plain), "{plain} km²");
    let first_part = km2(&geo::MultiPolygon(vec![file.boundaries[0].geometry.0[0].clone()]));
    assert!((plain - first_part - 0.0302).abs() < 0.001, "the hole is subtracted: {first_part} of {plain}");

    // What an earlier version stored unoriented is oriented when read back.
    let stored = serde_json::to_string(&raw.features[0].geometry).unwrap();
    let read = boundaries::geometry_from_geojson(&stored).unwrap();
    assert!(read.0.iter().all(|p| p.exterior().is_ccw()));
    // And the area does not depend on the direction it is given in.
    let reversed = geo::MultiPolygon(vec![geo::Polygon::new(
        file.boundaries[1].geometry.0[0].exterior().0.iter().rev().copied().collect(),
        vec![],
    )]);
    assert!((km2(&reversed) - plain).abs() < 1e-9);
}

/// Issue 22: the problems carried serde's English ("expected value at line
/// 1 column 2", "invalid type: string, expected a sequence"). They say in
/// Dutch what is wrong and where.
#[test]
fn problems_are_dutch_not_serdes_english() {
    let english = ["expected", "invalid type", "EOF", "missing field", "unknown variant"];
    let feature = |geometry: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"statcode":"GM0344","statnaam":"Utrecht","jrstatcode":"2024GM0344"}},"geometry":{geometry}}}"#
        )
    };
    let geometries = [
        r#"{"type":"Polygon","coordinates":"x"}"#,
        r#"{"type":"Polygon","coordinates":[[["5","52"]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[[5.0,52.0]]}"#,
        r#"{"type":"Polygon"}"#,
        r#"{"type":"Vlak","coordinates":[]}"#,
        r#"{"coordinates":[]}"#,
        r#"[1, 2]"#,
    ];
    let features: Vec<String> = geometries.iter().map(|g| feature(g)).collect();
    let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    let problems = boundaries::parse(&text, None).unwrap_err();
    assert_eq!(problems.len(), geometries.len(), "{problems:#?}");
    for (i, p) in problems.iter().enumerate() {
        assert_eq!(p.feature, Some(i), "{p:?}");
        assert!(english.iter().all(|e| !p.message.contains(e)), "{p:?}");
    }
    assert!(problems[0].message.contains("\"coordinates\" van de Polygon"), "{:?}", problems[0]);
    assert!(problems[4].message.contains("onbekend soort geometrie 'Vlak'"), "{:?}", problems[4]);
    for broken in ["{", "{\"type\": }", "{\"type\": \"FeatureCollection\",, }", "\u{feff}[1 2]"] {
        let problems = boundaries::parse(broken, None).unwrap_err();
        let message = &problems[0].message;
        assert!(message.starts_with("geen geldige JSON: regel 1, kolom "), "{message}");
        assert!(english.iter().all(|e| !message.contains(e)), "{message}");
    }
}
