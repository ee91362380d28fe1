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
    compare, trend_across, Aggregate, Indicator, Measure, Number, ReferenceLevel, StandsOut, TrendGap, Trigger, Unit,
    Value,
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

fn parse_indicator(text: &str) -> Result<Option<Indicator>, Error> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<Indicator>()
            .ok()
            .filter(|i| KEY.contains(i))
            .map(Some)
            .ok_or_else(|| Error::BadRequest(format!("onbekende indicator '{t}'"))),
    }
}

/// The indicator the charts and map open on: severe loneliness, the
/// figure most theme rules rest on, else the first other health figure,
/// else the first key figure with a value. A chart that is empty in the
/// chosen year (loneliness in a year before any measurement) tells nothing.
fn default_indicator(view: &ProfileView) -> Indicator {
    let known = |i: &&Indicator| view.profile.get(**i).is_some_and(|a| a.value.known().is_some());
    let health = KEY.iter().filter(|i| i.is_estimate());
    std::iter::once(&Indicator::SeverelyLonely)
        .chain(health)
        .chain(KEY.iter())
        .find(known)
        .copied()
        .unwrap_or(Indicator::SeverelyLonely)
}

/// A figure as the page shows it: rounded as CBS publishes it, with its unit.
fn shown(value: Value, unit: Unit) -> String {
    match value {
        Value::Known(n) => unit.show(n),
        Value::Unknown => chart::MISSING_TEXT.to_owned(),
    }
}

/// A figure as files keep it: exact, with its unit.
fn exact(value: Value, unit: Unit) -> String {
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

/// One row of the key figures table: each figure as shown, and exact for
/// the downloads.
struct KeyRow {
    indicator: &'static str,
    code: &'static str,
    /// The year the figure describes: its health measurement, or the
    /// Kerncijfers year (the latest up to the chosen year).
    year: String,
    value: String,
    region: String,
    difference: String,
    national: String,
    exact: [String; 4],
    stands_out: &'static str,
    /// How complete the figure is, or why it is unknown.
    note: String,
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

/// Why a health figure is missing for the year, in a few words.
fn gap_text(gap: &TrendGap) -> String {
    match gap {
        TrendGap::NoFigures { year } => format!("geen meting tot en met {year}"),
        TrendGap::OtherBoundaries { year, vintages } => format!(
            "gemeten in {year}, maar in de gebiedsindeling van {}; niet bekend als dezelfde gebieden",
            vintages.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn key_rows(view: &ProfileView) -> Vec<KeyRow> {
    KEY.iter()
        .filter_map(|i| {
            let own = view.profile.get(*i)?;
            let region = view.region.profile.get(*i);
            let national = view.national.as_ref().and_then(|n| n.profile.get(*i));
            // A wijk's count is always smaller than the region's: only
            // shares, rates and averages say something by their difference.
            let vs_region =
                region.filter(|_| i.measure() != Measure::Count).and_then(|r| compare(own, r, ReferenceLevel::Region));
            let unit = i.unit();
            let missing = || chart::MISSING_TEXT.to_owned();
            let gap = view.profile.gap(*i);
            Some(KeyRow {
                indicator: i.label(),
                code: i.code(),
                year: match (gap, i.is_estimate()) {
                    (Some(_), _) => String::new(),
                    (None, true) => format!("gemeten in {}", own.year),
                    (None, false) => own.year.to_string(),
                },
                value: shown(own.value, unit),
                region: region.map_or_else(missing, |r| shown(r.value, unit)),
                difference: vs_region.as_ref().map_or_else(
                    || if i.measure() == Measure::Count { String::new() } else { missing() },
                    |c| unit.show_difference(c.difference),
                ),
                national: national.map_or_else(missing, |n| shown(n.value, unit)),
                exact: [
                    exact(own.value, unit),
                    region.map_or_else(missing, |r| exact(r.value, unit)),
                    vs_region.as_ref().map_or_else(String::new, |c| {
                        format!("{}{}", c.difference.to_machine_string(), unit.difference_suffix())
                    }),
                    national.map_or_else(missing, |n| exact(n.value, unit)),
                ],
                stands_out: vs_region.map_or("", |c| stands_out_text(c.stands_out)),
                note: gap.map_or_else(|| completeness_text(own), gap_text),
                sources: own.sources.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            })
        })
        .collect()
}

/// The key figures as a sheet: every figure exact, as computed.
fn key_table(rows: &[KeyRow], name: &str, year: i32) -> Sheet {
    Sheet {
        title: format!("Kerncijfers {year}"),
        header: [
            "Indicator",
            "Jaar van het cijfer",
            name,
            "Regio",
            "Verschil met de regio",
            "Nederland",
            "Valt op",
            "Volledig of waarom onbekend",
            "Bron",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                let mut row = vec![r.indicator.to_owned(), r.year.clone()];
                row.extend(r.exact.iter().cloned());
                row.extend([r.stands_out.to_owned(), r.note.clone(), r.sources.clone()]);
                row
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
        title: format!(
            "Leeftijdsopbouw {} en de regio, {}",
            view.name,
            view.profile.get(Indicator::Inhabitants).map_or(view.year, |a| a.year)
        ),
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
        value: a.and_then(|a| a.value.known().map(|n| shown_f64(n, a.indicator))).into(),
        interval: a.and_then(|a| a.interval.map(|i| (shown_f64(i.low, a.indicator), shown_f64(i.high, a.indicator)))),
    }
}

/// As the key figures table shows the indicator, so every table agrees.
fn decimals(i: Indicator) -> u8 {
    i.unit().decimals()
}

/// For drawing and the charts' tables: rounded first, exactly as the key
/// figures table rounds, so a float's own rounding never shows another digit.
fn shown_f64(n: Number, i: Indicator) -> f64 {
    f64_of(n.rounded(decimals(i)))
}

fn indicator_chart(view: &ProfileView, i: Indicator) -> IntervalChart {
    let national = view.national.as_ref().and_then(|n| n.profile.get(i));
    let year = view.profile.get(i).map_or(view.year, |a| a.year);
    let when = if i.is_estimate() { format!("gemeten in {year}") } else { year.to_string() };
    IntervalChart {
        id: "indicator".into(),
        title: format!("{} in {}, de regio en Nederland, {when}", capital(i.label()), view.name),
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
    let own = trend_across(&view.figures, &view.areas, i, &view.years, view.region_figures.unchanged());
    // The region's trend covers every year it has; the chart shows the subject's.
    let region = view.region_figures.trend(i);
    let series = |t: &wijkregie_core::population::Trend, name: &str| Series {
        name: name.to_owned(),
        values: view
            .years
            .iter()
            .map(|y| {
                t.points.iter().find(|p| p.year == *y).and_then(|p| p.value.known()).map(|n| shown_f64(n, i)).into()
            })
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

/// The region's map of `i`; `exact` for the downloads, which keep every
/// decimal, else rounded as the page shows figures.
fn area_map(view: &ProfileView, areas: &[RegionArea], i: Indicator, exact: bool) -> Choropleth {
    let shown = view.region_figures.map(view.year, i);
    let (year, values) = &*shown;
    let when = if i.is_estimate() { format!("gemeten in {year}") } else { year.to_string() };
    let title = format!("{} per gebied van de regio, {when}", capital(i.label()));
    // Rounded as the key figures table shows them, so a wijk of one area
    // reads the same on the map as in the table.
    let mut map = crate::pages::map::region_map(areas, "kaart", &title, &capital(i.label()), unit_text(i), |a| {
        values.get(&a.area).copied().flatten().map(|n| if exact { n } else { n.rounded(decimals(i)) })
    });
    map.subject =
        Some(map::Subject { name: view.name.clone(), codes: view.areas.iter().map(|a| a.code.to_string()).collect() });
    map
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
    /// Said when the year's Kerncijfers are those of an earlier year.
    population_note: Option<String>,
}

/// A year with only health figures shows the latest Kerncijfers before it
/// (see `Profile::as_of`); the page says which.
fn population_note(view: &ProfileView) -> Option<String> {
    let shown = view.profile.get(Indicator::Inhabitants).map_or(view.year, |a| a.year);
    let known = view.profile.aggregates.iter().any(|a| !a.indicator.is_estimate() && a.value.known().is_some());
    if !known {
        Some(format!("Er zijn geen Kerncijfers over {} of een eerder jaar ingelezen.", view.year))
    } else if shown != view.year {
        Some(format!(
            "Over {} zijn nog geen Kerncijfers ingelezen; de bevolkingscijfers hieronder zijn die van {shown}, de nieuwste tot en met {}.",
            view.year, view.year
        ))
    } else {
        None
    }
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
    let asked = parse_indicator(&q.indicator)?;
    let view = service::profile(ctx, subject, parse_year(&q.jaar)?).await?;
    let indicator = asked.unwrap_or_else(|| default_indicator(&view));
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
    let map = area_map(&view, &areas, indicator, false);
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
        population_note: population_note(&view),
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
    let map = area_map(&view, &areas, indicator, true);
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
