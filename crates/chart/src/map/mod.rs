//! Choropleth maps of CBS areas as server-rendered SVG: areas (code, name,
//! outline) and a value per area in, markup out. Like `web::chart` it never
//! relies on colour alone: each class has a step of a colour-blind-safe
//! sequential palette *and* a texture that gets denser with the class, the
//! legend shows both, an unknown value is hatched white (never drawn as the
//! lowest class), and [`choropleth_table`] gives the same figures as a table.
//!
//! Outlines are simplified for the size they are drawn at: the tolerance is
//! half a pixel of the map's own viewport, so a national map of 17,000
//! buurten stays small while a map of one wijk keeps its detail.
//! Everything here is pure: no I/O, no script.

mod classes;
mod draw;
mod places;
#[cfg(test)]
mod tests;

use geo::MultiPolygon;
use wijkregie_core::population::Number;

pub use classes::{classify, Class};
pub use draw::choropleth_svg;
pub use places::{place_map_svg, Centre, Place, PlaceMap};

use crate::{Table, MISSING_TEXT};

/// One area on the map. `geometry` is WGS84 (x longitude, y latitude).
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea {
    pub code: String,
    pub name: String,
    pub geometry: MultiPolygon<f64>,
    /// `None` is unknown (hidden by CBS, not published, not imported): it is
    /// drawn hatched, never as zero.
    pub value: Option<Number>,
}

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    /// Prefix of every id in the SVG, so two maps on a page do not clash.
    pub id: String,
    /// The accessible name (the page shows it as a heading or caption).
    pub title: String,
    /// What the values are ("Inwoners van 65 jaar en ouder") and their unit
    /// ("%", "inwoners"); the legend and table heading use both.
    pub legend_title: String,
    pub unit: String,
    pub areas: Vec<MapArea>,
    /// The areas the page is about (a wijk's or a network's), drawn with a
    /// thick outline and named on the map where the name fits; `None` on a
    /// map of the whole region, which names every area that has room.
    pub subject: Option<Subject>,
}

/// The areas a map is drawn for, as the legend names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// "Binnenstad", "WSV Binnenstad".
    pub name: String,
    /// Codes of its areas, as in [`MapArea::code`].
    pub codes: Vec<String>,
}

impl Choropleth {
    /// Whether `area` is one of the subject's.
    pub fn is_subject(&self, area: &MapArea) -> bool {
        self.subject.as_ref().is_some_and(|s| s.codes.contains(&area.code))
    }
}

/// The text of a value with its unit, Dutch notation, or "onbekend".
pub fn value_text(value: Option<Number>, unit: &str) -> String {
    match value {
        Some(v) if unit == "%" => format!("{v}%"),
        Some(v) if unit.is_empty() => v.to_string(),
        Some(v) => format!("{v} {unit}"),
        None => "onbekend".to_owned(),
    }
}

/// The table alternative: one row per area with its value and class, in the
/// order of the map's areas. Unknown values read "–" and class "onbekend".
pub fn choropleth_table(map: &Choropleth) -> Table {
    let values: Vec<Option<Number>> = map.areas.iter().map(|a| a.value).collect();
    let classes = classify(&values);
    let value_head =
        if map.unit.is_empty() { map.legend_title.clone() } else { format!("{} ({})", map.legend_title, map.unit) };
    let header = vec!["Gebied".to_owned(), "Code".to_owned(), value_head, "Klasse".to_owned()];
    let rows = map
        .areas
        .iter()
        .map(|a| {
            let class = match classes.class_of(a.value) {
                Some(i) => format!("{} van {} ({})", i + 1, classes.classes.len(), classes.classes[i].range_text()),
                None => "onbekend".to_owned(),
            };
            vec![
                a.name.clone(),
                a.code.clone(),
                a.value.map_or_else(|| MISSING_TEXT.to_owned(), |v| v.to_string()),
                class,
            ]
        })
        .collect();
    Table { header, rows }
}
