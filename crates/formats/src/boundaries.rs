//! CBS area boundaries as PDOK publishes them (*CBS gebiedsindelingen*, and
//! the wijk- en buurtkaart exported as GeoJSON): a FeatureCollection whose
//! features carry `statcode` (`GM0363`, `WK036300`, `BU03630000`),
//! `statnaam` and `jrstatcode` (`2024BU03630000`), with a Polygon or
//! MultiPolygon geometry.
//!
//! PDOK serves RD New (EPSG:28992) unless asked otherwise, and names it in
//! the old GeoJSON `crs` member; files converted by others are WGS84
//! (RFC 7946's default, CRS84 or EPSG:4326) or carry no `crs` at all. RD
//! coordinates are converted to WGS84 here, so everything after this module
//! speaks longitude/latitude. A file is read whole or refused with every bad
//! feature named by its index.
//!
//! Rings are oriented as RFC 7946 asks (exterior counter-clockwise, holes
//! clockwise), because PDOK and cartomap write the exterior clockwise, and
//! a geodesic area of a clockwise ring is the rest of the Earth (about 510
//! million km²).

use std::collections::BTreeMap;
use std::fmt;

use geo::orient::{Direction, Orient};
use geo::{Coord, GeodesicArea, LineString, MultiPolygon, Polygon};
use serde_json::Value;
use wijkregie_core::codes::CbsCode;

pub mod rd;

/// One CBS area's outline in a vintage (the year of the area definitions).
/// Coordinates are WGS84: `x` is longitude, `y` latitude, in degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub code: CbsCode,
    pub name: String,
    pub year: u16,
    pub geometry: MultiPolygon<f64>,
}

/// The coordinate reference system a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    Wgs84,
    RdNew,
}

/// What is wrong with a file: with the index of the feature (`features[3]`)
/// where it concerns one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub feature: Option<usize>,
    pub message: String,
}

impl Problem {
    fn file(message: impl Into<String>) -> Problem {
        Problem { feature: None, message: message.into() }
    }

    fn at(feature: usize, message: impl Into<String>) -> Problem {
        Problem { feature: Some(feature), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.feature {
            Some(i) => write!(f, "features[{i}]: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The boundaries in a file, in the order of the file, with the CRS it was
/// written in. `year` overrides the year in `jrstatcode`.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryFile {
    pub crs: Crs,
    pub boundaries: Vec<Boundary>,
}

/// Stored coordinates keep six decimals: about 0.1 m, far finer than the
/// generalised maps are drawn, and a repeat import writes the same text.
const DECIMALS: f64 = 1e6;

/// Reads a GeoJSON FeatureCollection of CBS areas.
pub fn parse(text: &str, year: Option<u16>) -> Result<BoundaryFile, Vec<Problem>> {
    let root: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| vec![Problem::file(json_error(&e))])?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(vec![Problem::file(
            "geen GeoJSON FeatureCollection: het veld \"type\" moet \"FeatureCollection\" zijn",
        )]);
    }
    let Some(features) = root.get("features").and_then(Value::as_array) else {
        return Err(vec![Problem::file("de FeatureCollection heeft geen lijst \"features\"")]);
    };
    let named = named_crs(&root).map_err(|p| vec![p])?;
    let crs = match named {
        Some(crs) => crs,
        None => detect_crs(features),
    };
    let rd = match crs {
        Crs::RdNew => Some(rd::RdToWgs84::new()),
        Crs::Wgs84 => None,
    };

    let mut problems = Vec::new();
    let mut boundaries = Vec::with_capacity(features.len());
    let mut seen: BTreeMap<(CbsCode, u16), usize> = BTreeMap::new();
    for (i, feature) in features.iter().enumerate() {
        match boundary(feature, year, rd.as_ref()) {
            Ok(b) => {
                if let Some(first) = seen.insert((b.code.clone(), b.year), i) {
                    problems.push(Problem::at(
                        i,
                        format!(
                            "{} ({}) staat al in features[{first}]; elk gebied hoort één keer in een bestand",
                            b.code, b.year
                        ),
                    ));
                }
                boundaries.push(b);
            }
            Err(messages) => problems.extend(messages.into_iter().map(|m| Problem::at(i, m))),
        }
    }
    if features.is_empty() {
        problems.push(Problem::file("het bestand bevat geen gebieden (\"features\" is leeg)"));
    }
    if problems.is_empty() {
        Ok(BoundaryFile { crs, boundaries })
    } else {
        Err(problems)
    }
}

/// The CRS the `crs` member names, if any. RFC 7946 dropped the member, but
/// PDOK's WFS still writes it (`urn:ogc:def:crs:EPSG::28992`).
fn named_crs(root: &Value) -> Result<Option<Crs>, Problem> {
    let Some(crs) = root.get("crs") else { return Ok(None) };
    if crs.is_null() {
        return Ok(None);
    }
    let name = crs.pointer("/properties/name").and_then(Value::as_str).unwrap_or_default();
    let upper = name.to_ascii_uppercase();
    let code = upper.rsplit(':').next().unwrap_or_default();
    if code == "28992" || upper.ends_with("EPSG/0/28992") {
        Ok(Some(Crs::RdNew))
    } else if code == "4326" || code == "CRS84" || upper.ends_with("EPSG/0/4326") {
        Ok(Some(Crs::Wgs84))
    } else {
        Err(Problem::file(format!(
            "onbekend coördinatenstelsel '{name}' in \"crs\": gebruik WGS84 (EPSG:4326) of RD New (EPSG:28992)"
        )))
    }
}

/// Without a `crs` member the numbers tell: RD coordinates are metres in the
/// hundreds of thousands, WGS84 degrees never exceed 180.
fn detect_crs(features: &[Value]) -> Crs {
    let first = features.iter().find_map(|f| first_number(f.pointer("/geometry/coordinates")?));
    match first {
        Some(x) if x.abs() > 360.0 => Crs::RdNew,
        _ => Crs::Wgs84,
    }
}

fn first_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Array(items) => items.first().and_then(first_number),
        _ => None,
    }
}

fn text_property<'a>(feature: &'a Value, key: &str) -> Option<&'a str> {
    feature.get("properties")?.get(key)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn boundary(feature: &Value, year: Option<u16>, rd: Option<&rd::RdToWgs84>) -> Result<Boundary, Vec<String>> {
    let mut problems = Vec::new();
    if !feature.get("properties").is_some_and(Value::is_object) {
        return Err(vec!["het gebied heeft geen \"properties\" (met statcode en statnaam)".to_owned()]);
    }
    let code = match text_property(feature, "statcode") {
        Some(s) => s.parse::<CbsCode>().map_err(|e| problems.push(format!("statcode: {e}"))).ok(),
        None => {
            problems.push("statcode ontbreekt: elk gebied heeft een CBS-code (GM, WK of BU)".to_owned());
            None
        }
    };
    let name = text_property(feature, "statnaam").map(str::to_owned);
    if name.is_none() {
        problems.push("statnaam ontbreekt: elk gebied heeft een naam".to_owned());
    }
    let year = match (year, text_property(feature, "jrstatcode")) {
        (Some(y), _) => Some(y),
        (None, Some(j)) => match j.get(..4).and_then(|y| y.parse::<u16>().ok()) {
            Some(y) if (1990..=2100).contains(&y) => {
                if let Some(code) = &code {
                    if j[4..].trim() != code.as_str() {
                        problems.push(format!("jrstatcode '{j}' hoort bij een ander gebied dan statcode {code}"));
                    }
                }
                Some(y)
            }
            _ => {
                problems.push(format!("jrstatcode '{j}' begint niet met een jaartal (zoals 2024BU03630000)"));
                None
            }
        },
        (None, None) => {
            problems.push("geen jaar: het gebied heeft geen jrstatcode; geef het jaar op (--year)".to_owned());
            None
        }
    };
    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => Err("het gebied heeft geen geometrie".to_owned()),
        Some(g) => geometry(g, rd),
    };
    let geometry = geometry.map_err(|e| problems.push(e)).ok();
    match (code, name, year, geometry) {
        (Some(code), Some(name), Some(year), Some(geometry)) if problems.is_empty() => {
            Ok(Boundary { code, name, year, geometry })
        }
        _ => Err(problems),
    }
}

/// serde's message is English (`expected value at line 1 column 5`); the
/// kind of error and its place are said in Dutch instead.
fn json_error(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "het bestand houdt midden in de JSON op (is het afgebroken?)",
        serde_json::error::Category::Io => "het bestand is niet te lezen",
        serde_json::error::Category::Syntax => {
            "hier staat iets wat in JSON niet kan (een komma, haakje of aanhalingsteken te veel of te weinig?)"
        }
        serde_json::error::Category::Data => "een waarde heeft niet de verwachte soort",
    };
    format!("geen geldige JSON: regel {}, kolom {}: {what}", e.line(), e.column())
}

/// What a geometry lacks, in Dutch, before geojson reads it (whose own
/// messages are serde's English).
fn geometry_shape(value: &Value) -> Result<(), String> {
    let Some(object) = value.as_object() else {
        return Err("de geometrie is geen object met \"type\" en \"coordinates\"".to_owned());
    };
    let Some(kind) = object.get("type").and_then(Value::as_str) else {
        return Err("de geometrie heeft geen \"type\" (zoals \"Polygon\" of \"MultiPolygon\")".to_owned());
    };
    let depth = match kind {
        "Polygon" => 3,
        "MultiPolygon" => 4,
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "GeometryCollection" => {
            return Err(format!("geometrie is een {kind}; een gebied is een Polygon of MultiPolygon"))
        }
        other => return Err(format!("onbekend soort geometrie '{other}'; een gebied is een Polygon of MultiPolygon")),
    };
    let Some(coordinates) = object.get("coordinates") else {
        return Err(format!("de {kind} heeft geen \"coordinates\""));
    };
    // Polygon: rings of points of numbers; MultiPolygon one level more.
    fn nested(value: &Value, depth: usize) -> bool {
        match (depth, value) {
            (0, v) => v.is_number(),
            (d, Value::Array(items)) => items.iter().all(|item| nested(item, d - 1)),
            _ => false,
        }
    }
    if !nested(coordinates, depth) {
        let shape =
            if depth == 3 { "een lijst van randen" } else { "een lijst van polygonen, elk een lijst van randen" };
        return Err(format!(
            "de \"coordinates\" van de {kind} zijn niet {shape}, elke rand een lijst van punten [x, y] met getallen"
        ));
    }
    Ok(())
}

fn geometry(value: &Value, rd: Option<&rd::RdToWgs84>) -> Result<MultiPolygon<f64>, String> {
    geometry_shape(value)?;
    let parsed: geojson::Geometry = serde_json::from_value(value.clone())
        .map_err(|_| "ongeldige geometrie: niet te lezen als GeoJSON Polygon of MultiPolygon".to_owned())?;
    let polygons: Vec<&geojson::PolygonType> = match &parsed.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        other => {
            return Err(format!("geometrie is een {}; een gebied is een Polygon of MultiPolygon", other.type_name()))
        }
    };
    if polygons.is_empty() {
        return Err("de MultiPolygon is leeg".to_owned());
    }
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut converted = Vec::with_capacity(rings.len());
        for positions in rings {
            converted.push(ring(positions, rd)?);
        }
        let mut rings = converted.into_iter();
        let Some(exterior) = rings.next() else { return Err("een polygoon zonder buitenrand".to_owned()) };
        out.push(Polygon::new(exterior, rings.collect()));
    }
    // On import and on reading back what an earlier version stored unoriented.
    Ok(MultiPolygon(out).orient(Direction::Default))
}

/// The area of an outline on the ellipsoid, in m². Oriented first, so a
/// ring in either direction gives the area it encloses, never the rest of
/// the Earth.
pub fn area_m2(geometry: &MultiPolygon<f64>) -> f64 {
    geometry.orient(Direction::Default).geodesic_area_unsigned()
}

fn ring(positions: &[geojson::Position], rd: Option<&rd::RdToWgs84>) -> Result<LineString<f64>, String> {
    if positions.len() < 4 {
        return Err(format!("een rand heeft {} punten; een gesloten rand heeft er minstens 4", positions.len()));
    }
    let mut coords = Vec::with_capacity(positions.len());
    for p in positions {
        let &[x, y, ..] = p.as_slice() else {
            return Err("een punt heeft minder dan twee coördinaten".to_owned());
        };
        if !x.is_finite() || !y.is_finite() {
            return Err("een coördinaat is geen getal".to_owned());
        }
        let (lon, lat) = match rd {
            Some(rd) => {
                if !(-7_000.0..=300_000.0).contains(&x) || !(289_000.0..=629_000.0).contains(&y) {
                    return Err(format!("punt ({x}, {y}) ligt buiten het bereik van RD New (EPSG:28992)"));
                }
                rd.convert(x, y).map_err(|_| format!("punt ({x}, {y}) is niet om te rekenen naar WGS84"))?
            }
            None => (x, y),
        };
        // CBS areas lie in the European Netherlands; a point elsewhere is most
        // often latitude and longitude swapped (EPSG:4326's official order).
        if !(3.0..=7.5).contains(&lon) || !(50.5..=54.0).contains(&lat) {
            return Err(if (3.0..=7.5).contains(&lat) && (50.5..=54.0).contains(&lon) {
                format!("punt ({x}, {y}) ligt niet in Nederland; staan lengte- en breedtegraad verwisseld? GeoJSON schrijft eerst de lengtegraad")
            } else {
                format!("punt ({x}, {y}) ligt niet in Nederland")
            });
        }
        coords.push(Coord { x: round(lon), y: round(lat) });
    }
    if coords.first() != coords.last() {
        return Err("een rand is niet gesloten: het laatste punt hoort gelijk te zijn aan het eerste".to_owned());
    }
    Ok(LineString(coords))
}

fn round(v: f64) -> f64 {
    (v * DECIMALS).round() / DECIMALS
}

/// The geometry as GeoJSON text (a MultiPolygon), the way the store keeps it.
pub fn geometry_to_geojson(geometry: &MultiPolygon<f64>) -> String {
    let value = geojson::GeometryValue::from(geometry);
    serde_json::to_string(&geojson::Geometry::new(value)).expect("a geometry always serialises")
}

/// Reads back what `geometry_to_geojson` wrote.
pub fn geometry_from_geojson(text: &str) -> Result<MultiPolygon<f64>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("opgeslagen geometrie is geen JSON: {e}"))?;
    geometry(&value, None)
}
