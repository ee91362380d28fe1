//! The wijkprofiel of a wijk or network: key figures with source and year
//! compared with the region and the Netherlands, the theme suggestions with
//! what triggered them, an age pyramid, an indicator chart with intervals,
//! a trend and a map of the region — each chart with its table, and every
//! table as CSV/XLSX, every chart as SVG/PNG.

use std::sync::Arc;

use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use wijkregie_core::codes::Code;
use wijkregie_core::plan::Goal;
use wijkregie_core::population::{
    compare, trend, Aggregate, Indicator, Measure, Number, ReferenceLevel, StandsOut, Trigger, Unit, Value,
};
use wijkregie_formats::tables::{self, Sheet};

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::{render, Layout};
use wijkregie_app::boundary;
use wijkregie_app::population::{self as service, ProfileView, Subject};
use wijkregie_app::region_data::RegionArea;
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_chart::map::{self, Choropleth};
use wijkregie_chart::{self as chart, IntervalChart, IntervalRow, LineChart, Pyramid, Series, Table};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/wijken/{code}/profiel", get(wijk_page))
        .route("/wijken/{code}/profiel/{file}", get(wijk_file))
        .route("/netwerken/{code}/profiel", get(network_page))
        .route("/netwerken/{code}/profiel/{file}", get(network_file))
}

/// The key figures, in the order a wijkmanager reads them.
const KEY: &[Indicator] = &[
    Indicator::Inhabitants,
    Indicator::Share0To14,
    Indicator::Share65Plus,
    Indicator::Households,
    Indicator::ShareOnePersonHouseholds,
    Indicator::ShareHouseholdsWithChildren,
    Indicator::LowIncomeHouseholds,
    Indicator::IncomePerInhabitant,
    Indicator::PopulationDensity,
    Indicator::DistanceToGp,
    Indicator::GoodPerceivedHealth,
    Indicator::ChronicCondition,
    Indicator::Overweight,
    Indicator::SevereObesity,
    Indicator::MeetsExerciseGuideline,
    Indicator::Smoker,
    Indicator::Lonely,
    Indicator::SeverelyLonely,
    Indicator::SeverelyLonely65Plus,
    Indicator::AnxietyDepressionRisk,
    Indicator::InformalCarer,
    Indicator::DifficultyMakingEndsMeet,
];

const AGE_BANDS: [(Indicator, &str); 5] = [
    (Indicator::Age0To14, "0–14"),
    (Indicator::Age15To24, "15–24"),
    (Indicator::Age25To44, "25–44"),
    (Indicator::Age45To64, "45–64"),
    (Indicator::Age65Plus, "65+"),
];

#[derive(Deserialize, Default)]
struct ProfileQuery {
    #[serde(default)]
    jaar: String,
    #[serde(default)]
    indicator: String,
    /// `plain` for a CSV with commas; otherwise `;` for Dutch Excel.
    #[serde(default)]
    format: String,
}

fn parse_year(text: &str) -> Result<Option<i32>, Error> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| Error::BadRequest(format!("'{t}' is geen jaartal"))),
    }
}

fn parse_indicator(text: &str) -> Result<Indicator, Error> {
    match text.trim() {
        "" => Ok(Indicator::SeverelyLonely),
        t => t
            .parse::<Indicator>()
            .ok()
            .filter(|i| KEY.contains(i))
            .ok_or_else(|| Error::BadRequest(format!("onbekende indicator '{t}'"))),
    }
}

/// A figure as the page shows it: exact, with its unit.
fn shown(value: Value, unit: Unit) -> String {
    match value {
        Value::Known(n) => format!("{n}{}", unit.suffix()),
        Value::Unknown => chart::MISSING_TEXT.to_owned(),
    }
}

fn f64_of(n: Number) -> f64 {
    // For drawing only; every number shown as text is the exact one.
    n.thousandths() as f64 / 1000.0
}

fn unit_text(i: Indicator) -> &'static str {
    match i.unit() {
        Unit::Percent => "%",
        Unit::Count => "",
        Unit::ThousandEuros => "× € 1.000",
        Unit::PersonsPerHousehold => "personen",
        Unit::InhabitantsPerKm2 => "per km²",
        Unit::Kilometres => "km",
    }
}

/// One row of the key figures table.
struct KeyRow {
    indicator: &'static str,
    code: &'static str,
    value: String,
    region: String,
    difference: String,
    national: String,
    stands_out: &'static str,
    completeness: String,
    sources: String,
}

fn stands_out_text(s: StandsOut) -> &'static str {
    match s {
        StandsOut::Above => "hoger (buiten het 95%-interval)",
        StandsOut::Below => "lager (buiten het 95%-interval)",
        StandsOut::No => "nee, binnen het 95%-interval",
        StandsOut::NotAssessed => "",
    }
}

fn completeness_text(a: &Aggregate) -> String {
    let c = &a.completeness;
    if c.is_complete() {
        return "volledig".into();
    }
    let mut text = format!("{} van {} gebieden", c.known_parts, c.total_parts);
    if let Some(missing) = c.missing_population.filter(|m| *m > 0) {
        text.push_str(&format!(", {missing} inwoners zonder cijfer"));
    }
    text
}

fn key_rows(view: &ProfileView) -> Vec<KeyRow> {
    KEY.iter()
        .filter_map(|i| {
            let own = view.profile.get(*i)?;
            let region = view.region.profile.get(*i);
            let national = view.national.as_ref().and_then(|n| n.profile.get(*i));
            let vs_region = region.and_then(|r| compare(own, r, ReferenceLevel::Region));
            let unit = i.unit();
            Some(KeyRow {
                indicator: i.label(),
                code: i.code(),
                value: shown(own.value, unit),
                region: region.map_or_else(|| chart::MISSING_TEXT.to_owned(), |r| shown(r.value, unit)),
                difference: vs_region.as_ref().map_or_else(
                    || chart::MISSING_TEXT.to_owned(),
                    |c| {
                        format!(
                            "{}{}{}",
                            if c.difference > Number::ZERO { "+" } else { "" },
                            c.difference,
                            unit.difference_suffix()
                        )
                    },
                ),
                national: national.map_or_else(|| chart::MISSING_TEXT.to_owned(), |n| shown(n.value, unit)),
                stands_out: vs_region.map_or("", |c| stands_out_text(c.stands_out)),
                completeness: completeness_text(own),
                sources: own.sources.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            })
        })
        .filter(|r| r.value != chart::MISSING_TEXT || r.region != chart::MISSING_TEXT)
        .collect()
}

fn key_table(rows: &[KeyRow], name: &str, year: i32) -> Sheet {
    Sheet {
        title: format!("Kerncijfers {year}"),
        header: ["Indicator", name, "Regio", "Verschil met de regio", "Nederland", "Valt op", "Volledig", "Bron"]
            .map(str::to_owned)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.indicator.to_owned(),
                    r.value.clone(),
                    r.region.clone(),
                    r.difference.clone(),
                    r.national.clone(),
                    r.stands_out.to_owned(),
                    r.completeness.clone(),
                    r.sources.clone(),
                ]
            })
            .collect(),
    }
}

fn count_value(a: Option<&Aggregate>) -> chart::Value {
    match a.map(|a| a.value) {
        Some(Value::Known(n)) => chart::Value::Exact(u64::try_from(n.round()).unwrap_or(0)),
        _ => chart::Value::Missing,
    }
}

fn pyramid(view: &ProfileView) -> Pyramid {
    let side = |profile: &wijkregie_core::population::Profile, name: &str| Series {
        name: name.to_owned(),
        values: AGE_BANDS.iter().map(|(i, _)| count_value(profile.get(*i))).collect(),
    };
    Pyramid {
        id: "leeftijd".into(),
        title: format!("Leeftijdsopbouw {} en de regio, {}", view.name, view.year),
        band_title: "Leeftijd".into(),
        value_title: "Aandeel van de inwoners".into(),
        bands: AGE_BANDS.iter().map(|(_, b)| (*b).to_owned()).collect(),
        left: side(&view.profile, &view.name),
        right: side(&view.region.profile, "Regio"),
        shares: true,
    }
}

fn interval_row(label: &str, a: Option<&Aggregate>) -> IntervalRow {
    IntervalRow {
        label: label.to_owned(),
        value: a.and_then(|a| a.value.known()).map(f64_of).into(),
        interval: a.and_then(|a| a.interval).map(|i| (f64_of(i.low), f64_of(i.high))),
    }
}

fn decimals(i: Indicator) -> u8 {
    match i.measure() {
        Measure::Count => 0,
        _ if i.unit() == Unit::PersonsPerHousehold => 2,
        _ => 1,
    }
}

fn indicator_chart(view: &ProfileView, i: Indicator) -> IntervalChart {
    let national = view.national.as_ref().and_then(|n| n.profile.get(i));
    IntervalChart {
        id: "indicator".into(),
        title: format!("{} in {}, de regio en Nederland, {}", capital(i.label()), view.name, view.year),
        label_title: "Gebied".into(),
        value_title: capital(i.label()),
        rows: vec![
            interval_row(&view.name, view.profile.get(i)),
            interval_row("Regio", view.region.profile.get(i)),
            interval_row("Nederland", national),
        ],
        reference: None,
        decimals: decimals(i),
        unit: unit_text(i).to_owned(),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn trend_chart(view: &ProfileView, i: Indicator) -> (LineChart, Option<String>) {
    let own = trend(&view.figures, &view.areas, i, &view.years);
    // The region's trend covers every year it has; the chart shows the subject's.
    let region = view.region_figures.trend(i);
    let series = |t: &wijkregie_core::population::Trend, name: &str| Series {
        name: name.to_owned(),
        values: view
            .years
            .iter()
            .map(|y| t.points.iter().find(|p| p.year == *y).and_then(|p| p.value.known()).map(f64_of).into())
            .collect(),
    };
    let chart = LineChart {
        id: "trend".into(),
        title: format!("{} door de jaren, {} en de regio", capital(i.label()), view.name),
        category_title: "Jaar".into(),
        value_title: format!("{} {}", capital(i.label()), unit_text(i)).trim_end().to_owned(),
        categories: view.years.iter().map(ToString::to_string).collect(),
        series: vec![series(&own, &view.name), series(&region, "Regio")],
        decimals: decimals(i),
    };
    (chart, own.caveat())
}

fn area_map(view: &ProfileView, areas: &[RegionArea], i: Indicator) -> Choropleth {
    let title = format!("{} per gebied van de regio, {}", capital(i.label()), view.year);
    let values = view.region_figures.map(view.year, i);
    crate::pages::map::region_map(areas, "kaart", &title, &capital(i.label()), unit_text(i), |a| {
        values.get(&a.area).copied().flatten()
    })
}

struct SuggestionView {
    title: String,
    pathway: &'static str,
    goal: Option<&'static str>,
    because: Vec<String>,
}

struct TableView {
    title: String,
    table: Table,
}

#[derive(askama::Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    base: String,
    name: String,
    kind: &'static str,
    year: i32,
    years: Vec<i32>,
    indicator: &'static str,
    indicators: Vec<(&'static str, &'static str)>,
    key: Vec<KeyRow>,
    suggestions: Vec<SuggestionView>,
    rules: usize,
    pyramid_svg: String,
    pyramid: TableView,
    indicator_svg: String,
    indicator_table: TableView,
    trend_svg: String,
    trend: TableView,
    caveat: Option<String>,
    map_svg: String,
    map: TableView,
    missing_outlines: usize,
    has_figures: bool,
}

fn subject_of(kind: &str, code: &str) -> Result<Subject, HttpError> {
    let code: Code = code.parse().map_err(|_| Error::NotFound(format!("{kind} {code}")))?;
    Ok(if kind == "wijk" { Subject::Wijk(code) } else { Subject::Network(code) })
}

struct Built {
    view: ProfileView,
    indicator: Indicator,
    areas: Arc<Vec<RegionArea>>,
}

async fn build(ctx: &Ctx, subject: &Subject, q: &ProfileQuery) -> Result<Built, HttpError> {
    let indicator = parse_indicator(&q.indicator)?;
    let view = service::profile(ctx, subject, parse_year(&q.jaar)?).await?;
    let areas = boundary::region_areas_of(ctx, &view.data).await?;
    Ok(Built { view, indicator, areas })
}

fn table_view(title: String, table: Table) -> TableView {
    TableView { title, table }
}

async fn page(
    ctx: Ctx,
    visit: Visit,
    kind: &'static str,
    code: String,
    q: ProfileQuery,
) -> Result<Response, HttpError> {
    let subject = subject_of(kind, &code)?;
    let Built { view, indicator, areas } = build(&ctx, &subject, &q).await?;
    let key = key_rows(&view);
    let pyramid = pyramid(&view);
    let ichart = indicator_chart(&view, indicator);
    let (tchart, caveat) = trend_chart(&view, indicator);
    let map = area_map(&view, &areas, indicator);
    let base = format!("/{}/{code}/profiel", if kind == "wijk" { "wijken" } else { "netwerken" });
    let suggestions = view
        .suggestions
        .iter()
        .map(|s| SuggestionView {
            title: s.title.clone(),
            pathway: s.pathway.label(),
            goal: s.goal.map(Goal::label),
            because: s.because.iter().map(Trigger::explanation).collect(),
        })
        .collect();
    render(ProfilePage {
        layout: Layout::new(
            format!("Wijkprofiel {}", view.name),
            &visit,
            if kind == "wijk" { "/wijken" } else { "/netwerken" },
        ),
        name: view.name.clone(),
        kind,
        year: view.year,
        years: view.years.clone(),
        indicator: indicator.code(),
        indicators: KEY.iter().map(|i| (i.code(), i.label())).collect(),
        has_figures: !view.figures.is_empty(),
        key,
        suggestions,
        rules: view.rules.len(),
        pyramid_svg: chart::pyramid(&pyramid),
        pyramid: table_view(pyramid.title.clone(), chart::pyramid_table(&pyramid)),
        indicator_svg: chart::horizontal_bars_with_interval(&ichart),
        indicator_table: table_view(ichart.title.clone(), chart::interval_table(&ichart)),
        trend_svg: chart::line_chart(&tchart),
        trend: table_view(tchart.title.clone(), chart::line_table(&tchart)),
        caveat,
        map_svg: map::choropleth_svg(&map),
        map: table_view(map.title.clone(), map::choropleth_table(&map)),
        missing_outlines: areas.iter().filter(|a| a.outline.is_none()).count(),
        base,
    })
}

fn download(kind: &str, file: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response()
}

fn sheet(t: &TableView) -> Sheet {
    Sheet { title: t.title.clone(), header: t.table.header.clone(), rows: t.table.rows.clone() }
}

/// `kerncijfers.csv`, `profiel.xlsx` (every table), or a chart as
/// `leeftijd|indicator|trend|kaart` `.svg|.png`.
async fn file(
    ctx: Ctx,
    kind: &'static str,
    code: String,
    file: String,
    q: ProfileQuery,
) -> Result<Response, HttpError> {
    let subject = subject_of(kind, &code)?;
    let Built { view, indicator, areas } = build(&ctx, &subject, &q).await?;
    let stem = format!("wijkprofiel-{code}-{}", view.year);
    let pyramid = pyramid(&view);
    let ichart = indicator_chart(&view, indicator);
    let (tchart, _) = trend_chart(&view, indicator);
    let map = area_map(&view, &areas, indicator);
    let tables = || {
        vec![
            key_table(&key_rows(&view), &view.name, view.year),
            sheet(&table_view("Leeftijd".into(), chart::pyramid_table(&pyramid))),
            sheet(&table_view(capital(indicator.label()), chart::interval_table(&ichart))),
            sheet(&table_view("Trend".into(), chart::line_table(&tchart))),
            sheet(&table_view("Kaart".into(), map::choropleth_table(&map))),
        ]
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(|| Error::NotFound(format!("bestand {file}")))?;
    let svg = match name {
        "leeftijd" => chart::pyramid(&pyramid),
        "indicator" => chart::horizontal_bars_with_interval(&ichart),
        "trend" => chart::line_chart(&tchart),
        "kaart" => map::choropleth_svg(&map),
        "profiel" if ext == "xlsx" => {
            let bytes = tables::to_xlsx(&tables()).map_err(|e| Error::Internal(e.into()))?;
            return Ok(download(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}.xlsx"),
                bytes,
            ));
        }
        "kerncijfers" | "leeftijd-tabel" | "indicator-tabel" | "trend-tabel" | "kaart-tabel" if ext == "csv" => {
            let index = ["kerncijfers", "leeftijd-tabel", "indicator-tabel", "trend-tabel", "kaart-tabel"]
                .iter()
                .position(|n| *n == name)
                .unwrap_or(0);
            let dutch = q.format != "plain";
            let csv = tables::to_csv(&tables()[index], dutch);
            return Ok(download("text/csv; charset=utf-8", format!("{stem}-{name}.csv"), csv.into_bytes()));
        }
        _ => return Err(Error::NotFound(format!("bestand {file}")).into()),
    };
    match ext {
        "svg" => Ok(download("image/svg+xml; charset=utf-8", format!("{stem}-{name}.svg"), svg.into_bytes())),
        "png" => {
            let png = tokio::task::spawn_blocking(move || wijkregie_chart::png::svg_to_png(&svg))
                .await
                .map_err(|e| Error::Internal(e.into()))?
                .map_err(|e| Error::Internal(e.into()))?;
            Ok(download("image/png", format!("{stem}-{name}.png"), png))
        }
        _ => Err(Error::NotFound(format!("bestand {file}")).into()),
    }
}

async fn wijk_page(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, HttpError> {
    page(ctx, visit, "wijk", code, q).await
}

async fn network_page(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, HttpError> {
    page(ctx, visit, "netwerk", code, q).await
}

async fn wijk_file(
    ctx: Ctx,
    Path((code, name)): Path<(String, String)>,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, HttpError> {
    file(ctx, "wijk", code, name, q).await
}

async fn network_file(
    ctx: Ctx,
    Path((code, name)): Path<(String, String)>,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, HttpError> {
    file(ctx, "netwerk", code, name, q).await
}
