//! A map of places found by a search: the region's own outlines as a
//! plain background, a numbered dot per place that links to its page, the
//! point searched from and the radius around it. Drawn from the region's
//! imported boundaries only, never from a tile server, so it works offline
//! and tells no one what was searched. Every dot is a link with a name, so
//! the map is usable by keyboard; the page's list of results is its table
//! alternative, numbered the same.

use std::fmt::Write as _;

use geo::Coord;

use super::draw::{path_data, Bounds, Projection, EDGE, FONT, INK, UNITS_PER_PIXEL, WIDTH};
use super::MapArea;
use crate::escape;

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMap {
    /// Prefix of every id in the SVG.
    pub id: String,
    /// The accessible name of the map.
    pub title: String,
    /// The region's areas, drawn as a background (their values are unused).
    pub outlines: Vec<MapArea>,
    pub places: Vec<Place>,
    pub centre: Option<Centre>,
}

/// One dot: `label` is written on it (the result's number), `name` is the
/// link's accessible name.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub label: String,
    pub name: String,
    pub href: String,
    pub longitude: f64,
    pub latitude: f64,
}

/// The point searched from ("postcode 5961") and how far around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    pub name: String,
    pub longitude: f64,
    pub latitude: f64,
    pub radius_km: Option<f64>,
}

/// Kilometres in a degree of latitude.
const KM_PER_DEGREE: f64 = 111.32;
const DOT_RADIUS: f64 = 10.0;
const ACCENT: &str = "#1f5f5b";

/// Kilometres as Dutch write them: "2,5", "5".
fn km_text(km: f64) -> String {
    let text = format!("{km:.1}");
    text.strip_suffix(".0").unwrap_or(&text).replace('.', ",")
}

/// The map as SVG; `None` when there is nothing to place on it (no
/// outlines, no places, no centre).
pub fn place_map_svg(map: &PlaceMap) -> Option<String> {
    let id = crate::chart_id(&map.id);
    let mut bounds = Bounds::EMPTY;
    bounds.add_areas(&map.outlines);
    for p in &map.places {
        bounds.add(&Coord { x: p.longitude, y: p.latitude });
    }
    if let Some(c) = &map.centre {
        let r = c.radius_km.unwrap_or(0.0) / KM_PER_DEGREE;
        let r_lon = r / c.latitude.to_radians().cos();
        bounds.add(&Coord { x: c.longitude - r_lon, y: c.latitude - r });
        bounds.add(&Coord { x: c.longitude + r_lon, y: c.latitude + r });
    }
    let (projection, _, h) = Projection::fit_bounds(bounds)?;
    let pixel = |lon: f64, lat: f64| {
        let u = projection.project(&Coord { x: lon, y: lat });
        (u.x / UNITS_PER_PIXEL, u.y / UNITS_PER_PIXEL)
    };
    let mut body = String::new();
    let _ = write!(
        body,
        r##"<g class="outlines" transform="scale(0.5)" fill="#f3f6f5" fill-rule="evenodd" stroke="#76858b" stroke-width="2" stroke-linejoin="round">"##
    );
    for area in &map.outlines {
        let d = path_data(&projection, area);
        if !d.is_empty() {
            let _ = write!(body, r#"<path d="{d}"><title>{}</title></path>"#, escape(&area.name));
        }
    }
    body.push_str("</g>");
    if let Some(c) = &map.centre {
        let (x, y) = pixel(c.longitude, c.latitude);
        if let Some(km) = c.radius_km {
            let r = km / KM_PER_DEGREE * projection.pixels_per_degree();
            let _ = write!(
                body,
                r#"<circle class="radius" cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{ACCENT}" fill-opacity="0.08" stroke="{ACCENT}" stroke-width="2" stroke-dasharray="6 4"><title>Binnen {} km van {}</title></circle>"#,
                km_text(km),
                escape(&c.name)
            );
        }
        let _ = write!(
            body,
            r##"<g class="centre"><title>Gezocht vanaf {}</title><path d="M{:.1} {y:.1}h16M{x:.1} {:.1}v16" stroke="{INK}" stroke-width="3"/><circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#ffffff" stroke="{INK}" stroke-width="2"/></g>"##,
            escape(&c.name),
            x - 8.0,
            y - 8.0
        );
    }
    // Places at one address are spread along a short row, so that each
    // dot stays visible and clickable.
    let mut taken: Vec<(i64, i64)> = Vec::new();
    for p in &map.places {
        let (x, y) = pixel(p.longitude, p.latitude);
        let key = ((x / 4.0).round() as i64, (y / 4.0).round() as i64);
        let same = taken.iter().filter(|k| **k == key).count();
        taken.push(key);
        let x = x + same as f64 * (DOT_RADIUS * 1.6);
        let _ = write!(
            body,
            r##"<a href="{}" aria-label="{}"><circle cx="{x:.1}" cy="{y:.1}" r="{DOT_RADIUS}" fill="{ACCENT}" stroke="#ffffff" stroke-width="2"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#ffffff" font-size="11" font-weight="bold" aria-hidden="true">{}</text></a>"##,
            escape(&p.href),
            escape(&p.name),
            y + 4.0,
            escape(&p.label)
        );
    }
    let height = (h + 2.0 * EDGE).ceil();
    Some(format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart place-map" viewBox="0 0 {WIDTH} {height}" role="group" aria-labelledby="{id}-title" font-family="inherit" font-size="{FONT}" fill="{INK}"><title id="{id}-title">{}</title>{body}</svg>"#,
        escape(&map.title)
    ))
}

#[cfg(test)]
mod tests {
    use geo::{polygon, MultiPolygon};

    use super::*;

    fn square(name: &str, x: f64, y: f64) -> MapArea {
        let p = polygon![(x: x, y: y), (x: x + 0.02, y: y), (x: x + 0.02, y: y + 0.02), (x: x, y: y + 0.02)];
        MapArea { code: name.to_owned(), name: name.to_owned(), geometry: MultiPolygon(vec![p]), value: None }
    }

    fn place(n: usize, lon: f64, lat: f64) -> Place {
        Place {
            label: n.to_string(),
            name: format!("{n}. Dienst {n}"),
            href: format!("/s/{n}"),
            longitude: lon,
            latitude: lat,
        }
    }

    #[test]
    fn draws_outlines_linked_dots_centre_and_radius_with_names() {
        let map = PlaceMap {
            id: "kaart".into(),
            title: "Gevonden aanbod op de kaart".into(),
            outlines: vec![square("Binnenstad", 5.0, 51.0), square("Haven & Zee", 5.02, 51.0)],
            places: vec![place(1, 5.01, 51.01), place(2, 5.01, 51.01), place(3, 5.03, 51.005)],
            centre: Some(Centre {
                name: "postcode 5961".into(),
                longitude: 5.02,
                latitude: 51.01,
                radius_km: Some(2.5),
            }),
        };
        let svg = place_map_svg(&map).unwrap();
        assert!(svg.contains(r#"aria-labelledby="kaart-title""#));
        assert!(svg.contains("<title>Binnenstad</title>") && svg.contains("<title>Haven &amp; Zee</title>"));
        assert_eq!(svg.matches("<a href=").count(), 3);
        assert!(svg.contains(r#"<a href="/s/2" aria-label="2. Dienst 2">"#));
        assert!(svg.contains("<title>Binnen 2,5 km van postcode 5961</title>"));
        assert!(svg.contains("<title>Gezocht vanaf postcode 5961</title>"));
        // The two places at one address do not cover each other.
        let xs: Vec<&str> = svg.match_indices("<a href=\"/s/").map(|(i, _)| &svg[i..i + 120]).collect();
        assert_ne!(xs[0].split("cx=").nth(1), xs[1].split("cx=").nth(1));
        // No tile server, no script.
        assert!(!svg.contains("http://") || svg.matches("http://").count() == 1);
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn nothing_to_place_is_no_map() {
        let map = PlaceMap { id: "k".into(), title: "t".into(), outlines: vec![], places: vec![], centre: None };
        assert_eq!(place_map_svg(&map), None);
    }

    #[test]
    fn places_without_outlines_still_make_a_map() {
        let map = PlaceMap {
            id: "k".into(),
            title: "t".into(),
            outlines: vec![],
            places: vec![place(1, 5.0, 51.0)],
            centre: None,
        };
        assert!(place_map_svg(&map).unwrap().contains("<a href=\"/s/1\""));
    }
}
