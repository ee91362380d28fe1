//! `/kaart`: the region's CBS areas as a choropleth for a chosen indicator,
//! with the table alternative below and the map as SVG or PNG download.
//! Until population figures are wired in, the indicators are what the
//! outlines themselves tell (the area's size) or none at all; the figures
//! arrive as plain values per area through [`region_map`].

use std::sync::Arc;

use axum::extract::Query;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use wijkregie_core::population::Number;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::{render, Layout};
use wijkregie_app::boundary;
use wijkregie_app::region_data::RegionArea;
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_chart::map::{self, Choropleth};
use wijkregie_chart::Table;

pub fn routes() -> Router<App> {
    Router::new().route("/kaart", get(page)).route("/kaart.svg", get(svg)).route("/kaart.png", get(png))
}

/// What the map can show today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Indicator {
    Oppervlakte,
    Geen,
}

const INDICATORS: [(Indicator, &str, &str); 2] = [
    (Indicator::Oppervlakte, "oppervlakte", "Oppervlakte (km²)"),
    (Indicator::Geen, "geen", "Geen cijfers, alleen de gebieden"),
];

impl Indicator {
    fn parse(text: &str) -> Result<Indicator, Error> {
        match text.trim() {
            "" => Ok(Indicator::Oppervlakte),
            t => INDICATORS.iter().find(|i| i.1 == t).map(|i| i.0).ok_or_else(|| {
                Error::BadRequest(format!(
                    "onbekende indicator '{t}': kies {}",
                    INDICATORS.iter().map(|i| i.1).collect::<Vec<_>>().join(" of ")
                ))
            }),
        }
    }

    fn code(self) -> &'static str {
        INDICATORS.iter().find(|i| i.0 == self).map_or("", |i| i.1)
    }

    /// Legend title and unit.
    fn legend(self) -> (&'static str, &'static str) {
        match self {
            Indicator::Oppervlakte => ("Oppervlakte", "km²"),
            Indicator::Geen => ("Geen cijfers", ""),
        }
    }

    fn value(self, area: &RegionArea) -> Option<Number> {
        match self {
            Indicator::Oppervlakte => area.size_km2(),
            Indicator::Geen => None,
        }
    }
}

#[derive(Deserialize, Default)]
struct MapQuery {
    #[serde(default)]
    indicator: String,
}

/// A map of the region's areas with values from `value`: the function the
/// wijkprofiel uses with population figures.
pub fn region_map(
    areas: &[RegionArea],
    id: &str,
    title: &str,
    legend_title: &str,
    unit: &str,
    value: impl Fn(&RegionArea) -> Option<Number>,
) -> Choropleth {
    Choropleth {
        id: id.to_owned(),
        title: title.to_owned(),
        legend_title: legend_title.to_owned(),
        unit: unit.to_owned(),
        areas: boundary::map_areas(areas, value),
        subject: None,
    }
}

async fn build(ctx: &Ctx, q: &MapQuery) -> Result<(Indicator, Choropleth, Arc<Vec<RegionArea>>), HttpError> {
    let indicator = Indicator::parse(&q.indicator)?;
    let areas = boundary::region_areas(ctx).await?;
    let (legend, unit) = indicator.legend();
    let title = format!("{legend} per gebied van de regio");
    let map = region_map(&areas, "kaart", &title, legend, unit, |a| indicator.value(a));
    Ok((indicator, map, areas))
}

#[derive(askama::Template)]
#[template(path = "map.html")]
struct MapPage {
    layout: Layout,
    indicators: Vec<(&'static str, &'static str)>,
    indicator: &'static str,
    title: String,
    svg: String,
    table: Table,
    /// Areas of the region's wijken without an imported outline.
    missing: Vec<String>,
    areas: usize,
}

async fn page(ctx: Ctx, visit: Visit, Query(q): Query<MapQuery>) -> Result<Response, HttpError> {
    let (indicator, map, areas) = build(&ctx, &q).await?;
    let missing = areas
        .iter()
        .filter(|a| a.outline.is_none())
        .map(|a| format!("{} {} ({})", a.area.code, a.area.year, a.wijk))
        .collect();
    render(MapPage {
        layout: Layout::new("Kaart", &visit, "/kaart"),
        indicators: INDICATORS.iter().map(|i| (i.1, i.2)).collect(),
        indicator: indicator.code(),
        title: map.title.clone(),
        svg: map::choropleth_svg(&map),
        table: map::choropleth_table(&map),
        missing,
        areas: areas.len(),
    })
}

fn download(kind: &'static str, file: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response()
}

async fn svg(ctx: Ctx, Query(q): Query<MapQuery>) -> Result<Response, HttpError> {
    let (indicator, map, _) = build(&ctx, &q).await?;
    let svg = map::choropleth_svg(&map);
    Ok(download("image/svg+xml; charset=utf-8", format!("kaart-{}.svg", indicator.code()), svg.into_bytes()))
}

async fn png(ctx: Ctx, Query(q): Query<MapQuery>) -> Result<Response, HttpError> {
    let (indicator, map, _) = build(&ctx, &q).await?;
    let svg = map::choropleth_svg(&map);
    // Rendering takes tens of milliseconds of CPU; keep it off the async workers.
    let png = tokio::task::spawn_blocking(move || wijkregie_chart::png::svg_to_png(&svg))
        .await
        .map_err(|e| Error::Internal(e.into()))?
        .map_err(|e| Error::Internal(e.into()))?;
    Ok(download("image/png", format!("kaart-{}.png", indicator.code()), png))
}
