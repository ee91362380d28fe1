//! Drawing: projection, simplification for the viewport, paths grouped by
//! class, the textures and the legend.

use std::fmt::Write as _;

use geo::{Area, BoundingRect, Coord, InteriorPoint, LineString, Polygon, Simplify};

use super::classes::{classify, Classes};
use super::{value_text, Choropleth, MapArea};
use crate::escape;

/// Width of the map's coordinate system in pixels; the SVG scales to its box.
pub(super) const WIDTH: f64 = 720.0;
/// The tallest map drawn, so that a long, narrow region does not run off the page.
const MAX_HEIGHT: f64 = 720.0;
pub(super) const EDGE: f64 = 8.0;
/// Paths are written in whole units of half a pixel: integers are short,
/// and half a pixel is as fine as a screen at twice the density shows.
pub(super) const UNITS_PER_PIXEL: f64 = 2.0;
/// Points closer than this (in units) to the line through their neighbours
/// are dropped: one unit is half a pixel at the size the map is drawn.
const TOLERANCE: f64 = 1.0;
pub(super) const INK: &str = "#1d2326";
pub(super) const MUTED: &str = "#4f5b61";
pub(super) const FONT: f64 = 12.0;
/// Area names on the map: a little smaller than the legend, bold for the
/// subject's areas. A name is drawn only if its box fits in the area's.
const LABEL_FONT: f64 = 11.0;
/// The subject's outline, in units (half pixels): three pixels against
/// the others' half pixel, visible on every fill and without colour.
const SUBJECT_STROKE: f64 = 6.0;

/// ColorBrewer's YlGnBu, five steps: sequential, and readable with every
/// common colour vision deficiency. The second colour draws the texture
/// (ink on the light steps, white on the dark ones).
const PALETTE: [(&str, &str); 5] =
    [("#ffffcc", INK), ("#a1dab4", INK), ("#41b6c4", INK), ("#2c7fb8", "#ffffff"), ("#253494", "#ffffff")];

/// Textures that get denser with the class, in a 12-unit tile: none,
/// sparse dots, diagonal lines, cross-hatching, a dense grid.
const TEXTURES: [&str; 5] = [
    "",
    r#"<circle cx="3" cy="3" r="1.5" stroke="none"/><circle cx="9" cy="9" r="1.5" stroke="none"/>"#,
    r#"<path d="M-1,1 l2,-2 M0,12 l12,-12 M11,13 l2,-2" stroke-width="1.6" fill="none"/>"#,
    r#"<path d="M0,0 l12,12 M12,0 l-12,12" stroke-width="1.4" fill="none"/>"#,
    r#"<path d="M0,3 h12 M0,9 h12 M3,0 v12 M9,0 v12" stroke-width="1.6" fill="none"/>"#,
];

/// The palette step of class `i` of `n`: fewer classes spread over the
/// whole range, so two classes are the lightest and the darkest.
fn step(i: usize, n: usize) -> usize {
    if n <= 1 {
        2
    } else {
        i * (PALETTE.len() - 1) / (n - 1)
    }
}

/// Maps WGS84 to map units: equirectangular with longitude shortened by
/// the cosine of the middle latitude, which at the scale of the Netherlands
/// differs from a conformal projection by less than a pixel's worth of shape.
pub(super) struct Projection {
    lon0: f64,
    lat1: f64,
    kx: f64,
    scale: f64,
}

/// The smallest box around everything drawn, in WGS84 degrees.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bounds {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

impl Bounds {
    pub(super) const EMPTY: Bounds = Bounds { min_x: f64::MAX, min_y: f64::MAX, max_x: f64::MIN, max_y: f64::MIN };

    pub(super) fn add(&mut self, c: &Coord<f64>) {
        self.min_x = self.min_x.min(c.x);
        self.max_x = self.max_x.max(c.x);
        self.min_y = self.min_y.min(c.y);
        self.max_y = self.max_y.max(c.y);
    }

    pub(super) fn add_areas(&mut self, areas: &[MapArea]) {
        for a in areas {
            for p in &a.geometry.0 {
                for c in &p.exterior().0 {
                    self.add(c);
                }
            }
        }
    }
}

impl Projection {
    /// Pixels per degree of latitude (and of shortened longitude).
    pub(super) fn pixels_per_degree(&self) -> f64 {
        self.scale
    }

    fn fit(areas: &[MapArea]) -> Option<(Projection, f64, f64)> {
        let mut bounds = Bounds::EMPTY;
        bounds.add_areas(areas);
        Self::fit_bounds(bounds)
    }

    /// Fits the box into the map's width (and its tallest height);
    /// returns the drawing's width and height in pixels.
    pub(super) fn fit_bounds(bounds: Bounds) -> Option<(Projection, f64, f64)> {
        let Bounds { min_x, min_y, max_x, max_y } = bounds;
        if min_x > max_x {
            return None;
        }
        let kx = ((min_y + max_y) / 2.0).to_radians().cos();
        let span_x = ((max_x - min_x) * kx).max(1e-9);
        let span_y = (max_y - min_y).max(1e-9);
        let inner = WIDTH - 2.0 * EDGE;
        let scale = (inner / span_x).min((MAX_HEIGHT - 2.0 * EDGE) / span_y);
        let (w, h) = (span_x * scale, span_y * scale);
        let projection = Projection { lon0: min_x - (inner - w) / 2.0 / scale / kx, lat1: max_y, kx, scale };
        Some((projection, w, h))
    }

    /// In units (half pixels), relative to the map's corner.
    pub(super) fn project(&self, c: &Coord<f64>) -> Coord<f64> {
        Coord {
            x: ((c.x - self.lon0) * self.kx * self.scale + EDGE) * UNITS_PER_PIXEL,
            y: ((self.lat1 - c.y) * self.scale + EDGE) * UNITS_PER_PIXEL,
        }
    }
}

/// A ring in map units, simplified; `None` when it shrinks below a shape.
fn ring(projection: &Projection, ring: &LineString<f64>) -> Option<LineString<f64>> {
    // Radial distance first: one linear pass that drops the many points of
    // a detailed outline that fall within a unit of the last one kept, so
    // Douglas–Peucker then works on a handful.
    let mut kept: Vec<Coord<f64>> = Vec::with_capacity(16);
    for c in &ring.0 {
        let p = projection.project(c);
        match kept.last() {
            Some(last) if (p.x - last.x).powi(2) + (p.y - last.y).powi(2) < TOLERANCE * TOLERANCE => {}
            _ => kept.push(p),
        }
    }
    if kept.len() < 3 {
        return None;
    }
    if kept.first() != kept.last() {
        kept.push(kept[0]);
    }
    let simplified = LineString(kept).simplify(TOLERANCE);
    (simplified.0.len() >= 4).then_some(simplified)
}

fn write_ring(d: &mut String, ring: &LineString<f64>) {
    let mut last: Option<(i64, i64)> = None;
    for c in &ring.0[..ring.0.len() - 1] {
        let p = (c.x.round() as i64, c.y.round() as i64);
        match last {
            None => {
                let _ = write!(d, "M{} {}", p.0, p.1);
            }
            Some(l) if l == p => continue,
            Some(l) => {
                let _ = write!(d, "l{} {}", p.0 - l.0, p.1 - l.1);
            }
        }
        last = Some(p);
    }
    d.push('z');
}

/// The path data of an area: every part and hole that is still a shape at
/// this size. An area smaller than a pixel becomes a dot, so that it is
/// still there to point at.
pub(super) fn path_data(projection: &Projection, area: &MapArea) -> String {
    let mut d = String::new();
    for polygon in &area.geometry.0 {
        let Some(exterior) = ring(projection, polygon.exterior()) else { continue };
        write_ring(&mut d, &exterior);
        for hole in polygon.interiors() {
            if let Some(hole) = ring(projection, hole) {
                write_ring(&mut d, &hole);
            }
        }
    }
    if d.is_empty() {
        if let Some(c) = area.geometry.0.first().and_then(|p| p.exterior().0.first()) {
            let p = projection.project(c);
            let _ = write!(d, "M{} {}h2v2h-2z", p.x.round() as i64 - 1, p.y.round() as i64 - 1);
        }
    }
    d
}

/// Where to write an area's name, in pixels, if it fits: at a point inside
/// its largest part (never outside a concave or ring-shaped area), when that
/// part's bounding box has room for the text at [`LABEL_FONT`].
fn label_at(projection: &Projection, area: &MapArea, text: &str) -> Option<(f64, f64)> {
    // Bold digits and letters average about 0.6 of the font size.
    let needed = text.chars().count() as f64 * LABEL_FONT * 0.6 + 4.0;
    // Most areas of a large map are far too small for a name: tell that
    // from the whole outline's box before simplifying any ring.
    let whole = area.geometry.bounding_rect()?;
    let (a, b) = (projection.project(&whole.min()), projection.project(&whole.max()));
    if (b.x - a.x).abs() / UNITS_PER_PIXEL < needed || (b.y - a.y).abs() / UNITS_PER_PIXEL < LABEL_FONT * 1.6 {
        return None;
    }
    let largest = area
        .geometry
        .0
        .iter()
        .filter_map(|p| ring(projection, p.exterior()).map(|r| Polygon::new(r, vec![])))
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let rect = largest.bounding_rect()?;
    let (w, h) = (rect.width() / UNITS_PER_PIXEL, rect.height() / UNITS_PER_PIXEL);
    if w < needed || h < LABEL_FONT * 1.6 {
        return None;
    }
    let p = largest.interior_point()?;
    let (x, y) = (p.x() / UNITS_PER_PIXEL, p.y() / UNITS_PER_PIXEL);
    // The text is centred on the point: keep it within the box.
    let half = needed / 2.0;
    let x = x.clamp(rect.min().x / UNITS_PER_PIXEL + half, rect.max().x / UNITS_PER_PIXEL - half);
    Some((x, y + LABEL_FONT * 0.35))
}

/// The name written on the map: the area's own, without the wijk a buurt
/// belongs to (the hover title and the table give both).
fn short_name(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name)
}

/// The names of the areas that are labelled (the subject's, or every area
/// on a map without a subject) where they fit; white halo so they read on
/// the darkest fill too.
fn labels(out: &mut String, projection: &Projection, map: &Choropleth) {
    let mut opened = false;
    for area in map.areas.iter().filter(|a| map.subject.is_none() || map.is_subject(a)) {
        let text = short_name(&area.name);
        let Some((x, y)) = label_at(projection, area, text) else { continue };
        if !opened {
            let _ = write!(
                out,
                r##"<g class="labels" text-anchor="middle" font-size="{LABEL_FONT}" font-weight="bold" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">"##
            );
            opened = true;
        }
        let _ = write!(out, r#"<text x="{x:.1}" y="{y:.1}">{}</text>"#, escape(text));
    }
    if opened {
        out.push_str("</g>");
    }
}

fn defs(out: &mut String, id: &str, classes: usize) {
    out.push_str("<defs>");
    for i in 0..classes {
        let s = step(i, classes);
        let (colour, overlay) = PALETTE[s];
        let _ = write!(
            out,
            r#"<pattern id="{id}-c{i}" width="12" height="12" patternUnits="userSpaceOnUse"><rect width="12" height="12" fill="{colour}"/>"#
        );
        if !TEXTURES[s].is_empty() {
            let _ = write!(out, r#"<g fill="{overlay}" stroke="{overlay}">{}</g>"#, TEXTURES[s]);
        }
        out.push_str("</pattern>");
    }
    let _ = write!(
        out,
        r##"<pattern id="{id}-unknown" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff"/><path d="M-1,7 l2,2 M0,0 l8,8 M7,-1 l2,2" stroke="{MUTED}" stroke-width="1.2"/></pattern>"##
    );
    out.push_str("</defs>");
}

/// The legend under the map: its title, then one swatch per class and one
/// for unknown values, wrapping into rows. Returns the height used.
fn legend(out: &mut String, id: &str, map: &Choropleth, classes: &Classes, top: f64) -> f64 {
    let title =
        if map.unit.is_empty() { map.legend_title.clone() } else { format!("{} ({})", map.legend_title, map.unit) };
    let _ = write!(
        out,
        r#"<g class="legend"><text x="{EDGE}" y="{:.1}" font-weight="bold">{}</text>"#,
        top + 14.0,
        escape(&title)
    );
    let mut items: Vec<(String, String)> =
        classes.classes.iter().enumerate().map(|(i, c)| (format!("url(#{id}-c{i})"), c.range_text())).collect();
    if classes.unknown > 0 {
        items.push((format!("url(#{id}-unknown)"), "onbekend".to_owned()));
    }
    let row = 22.0;
    let (mut x, mut y) = (EDGE, top + 22.0);
    for (fill, label) in items {
        let width = 22.0 + 6.0 + label.chars().count() as f64 * FONT * 0.55;
        if x > EDGE && x + width > WIDTH - EDGE {
            x = EDGE;
            y += row;
        }
        // The swatch is drawn at the map's own scale, so its texture looks
        // exactly like the areas'.
        let _ = write!(
            out,
            r#"<rect x="{:.0}" y="{:.0}" width="44" height="32" transform="scale(0.5)" fill="{fill}" stroke="{INK}" stroke-width="2"/>"#,
            x * UNITS_PER_PIXEL,
            (y + 3.0) * UNITS_PER_PIXEL
        );
        let _ = write!(out, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, x + 28.0, y + 15.0, escape(&label));
        x += width + 18.0;
    }
    if let Some(subject) = &map.subject {
        y += row;
        let _ = write!(
            out,
            r##"<rect x="{EDGE}" y="{:.1}" width="22" height="16" fill="#ffffff" stroke="{INK}" stroke-width="3"/><text x="{:.1}" y="{:.1}">dikke rand: {}</text>"##,
            y + 3.0,
            EDGE + 28.0,
            y + 15.0,
            escape(&subject.name)
        );
    }
    out.push_str("</g>");
    y + row - top
}

/// A Dutch summary for `<desc>`: what is shown, the range, the highest
/// area, and how many areas are unknown.
fn description(map: &Choropleth, classes: &Classes) -> String {
    let mut desc = format!("Kaart van {} gebieden: {}", map.areas.len(), map.legend_title);
    if let (Some(first), Some(last)) = (classes.classes.first(), classes.classes.last()) {
        let _ = write!(
            desc,
            ", in {} klassen van {} tot {}",
            classes.classes.len(),
            value_text(Some(first.low), &map.unit),
            value_text(Some(last.high), &map.unit)
        );
        if let Some(top) = map.areas.iter().filter(|a| a.value.is_some()).max_by_key(|a| a.value) {
            let _ = write!(desc, ". Hoogste: {} ({})", top.name, value_text(top.value, &map.unit));
        }
    }
    desc.push('.');
    if let Some(subject) = &map.subject {
        let _ = write!(
            desc,
            " De {} gebieden van {} hebben een dikke rand.",
            map.areas.iter().filter(|a| map.is_subject(a)).count(),
            subject.name
        );
    }
    if classes.unknown > 0 {
        let _ = write!(desc, " Van {} gebieden is de waarde onbekend (gearceerd).", classes.unknown);
    }
    desc
}

/// The map as an SVG document. Areas without an outline are left out of
/// the picture (the table still lists them); no outline at all gives a map
/// that says "Geen gebiedsgrenzen".
pub fn choropleth_svg(map: &Choropleth) -> String {
    let id = crate::chart_id(&map.id);
    let values: Vec<_> = map.areas.iter().map(|a| a.value).collect();
    let classes = classify(&values);
    let Some((projection, _, h)) = Projection::fit(&map.areas) else {
        return format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart map" viewBox="0 0 {WIDTH} 80" role="img" aria-labelledby="{id}-title {id}-desc" font-family="inherit" font-size="{FONT}" fill="{INK}"><title id="{id}-title">{}</title><desc id="{id}-desc">Geen gebiedsgrenzen.</desc><text x="{}" y="45" text-anchor="middle" fill="{MUTED}">Geen gebiedsgrenzen</text></svg>"#,
            escape(&map.title),
            WIDTH / 2.0
        );
    };
    let mut body = String::with_capacity(map.areas.len() * 96);
    // Areas grouped by class, so each fill is written once per class.
    let groups: Vec<Option<usize>> = (0..classes.classes.len()).map(Some).chain([None]).collect();
    body.push_str(&format!(
        r#"<g transform="scale(0.5)" fill-rule="evenodd" stroke="{INK}" stroke-width="1" stroke-linejoin="round">"#
    ));
    for group in groups {
        let fill = match group {
            Some(i) => format!("url(#{id}-c{i})"),
            None => format!("url(#{id}-unknown)"),
        };
        let mut opened = false;
        for area in map.areas.iter().filter(|a| classes.class_of(a.value) == group) {
            let d = path_data(&projection, area);
            if d.is_empty() {
                continue;
            }
            if !opened {
                let _ = write!(body, r#"<g fill="{fill}">"#);
                opened = true;
            }
            let _ = write!(
                body,
                r#"<path d="{d}"><title>{}: {}</title></path>"#,
                escape(&area.name),
                escape(&value_text(area.value, &map.unit))
            );
        }
        if opened {
            body.push_str("</g>");
        }
    }
    // The subject's outlines on top, unfilled, so no neighbour's edge
    // covers them; hidden from the hover titles, which the fill carries.
    let outlines: String = map
        .areas
        .iter()
        .filter(|a| map.is_subject(a))
        .map(|a| path_data(&projection, a))
        .filter(|d| !d.is_empty())
        .collect();
    if !outlines.is_empty() {
        let _ = write!(
            body,
            r#"<path class="subject" d="{outlines}" fill="none" stroke-width="{SUBJECT_STROKE}" pointer-events="none"/>"#
        );
    }
    body.push_str("</g>");
    labels(&mut body, &projection, map);
    let map_height = h + 2.0 * EDGE;
    let legend_height = legend(&mut body, &id, map, &classes, map_height);
    let mut defs_text = String::new();
    defs(&mut defs_text, &id, classes.classes.len());
    let height = (map_height + legend_height + EDGE).ceil();
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" "#,
            r#"aria-labelledby="{id}-title {id}-desc" font-family="inherit" font-size="{f}" fill="{ink}">"#,
            r#"<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{defs}{body}</svg>"#
        ),
        w = WIDTH,
        h = height,
        id = id,
        f = FONT,
        ink = INK,
        title = escape(&map.title),
        desc = escape(&description(map, &classes)),
        defs = defs_text,
        body = body,
    )
}
