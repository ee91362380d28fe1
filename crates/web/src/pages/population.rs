//! `/populatiedata`: what population figures and area outlines are stored,
//! and the regio-beheerder's upload form, which reads a file exactly as
//! `wijkregie import` does (all or nothing, every bad row with its line).

use axum::extract::{DefaultBodyLimit, Multipart};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::FieldError;

use crate::auth::{Visit, MAX_UPLOAD};
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::form::{read_upload, Errors};
use crate::pages::{render, Layout};
use wijkregie_app::population::{self as service, FigureFile, Upload, Uploaded};
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new().route("/populatiedata", get(show).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
}

const KINDS: [(&str, &str); 3] = [
    ("kwb", "CBS Kerncijfers wijken en buurten (CSV of XLSX)"),
    ("gezondheid", "RIVM Gezondheid per wijk en buurt, 50120NED (CSV)"),
    ("grenzen", "Gebiedsgrenzen van PDOK (GeoJSON, WGS84 of RD New)"),
];

fn kind(value: &str) -> Option<Upload> {
    match value {
        "kwb" => Some(Upload::Figures(FigureFile::Kwb)),
        "gezondheid" => Some(Upload::Figures(FigureFile::Health)),
        "grenzen" => Some(Upload::Boundaries),
        _ => None,
    }
}

struct SetRow {
    source: String,
    year: i32,
    vintage: i32,
    areas: i64,
    figures: i64,
    unknown: i64,
}

/// The form as submitted, kept to show it again with its problems.
#[derive(Default)]
struct Submitted {
    kind: String,
    year: String,
    vintage: String,
}

#[derive(askama::Template)]
#[template(path = "population.html")]
struct PopulationPage {
    layout: Layout,
    sets: Vec<SetRow>,
    may_upload: bool,
    kinds: Vec<(&'static str, &'static str)>,
    form: Submitted,
    errors: Errors,
    uploaded: Option<Uploaded>,
    years: String,
    max_mb: usize,
}

async fn respond(
    ctx: &Ctx,
    visit: &Visit,
    form: Submitted,
    errors: Errors,
    uploaded: Option<Uploaded>,
) -> Result<Response, HttpError> {
    let sets = service::stored_sets(ctx)
        .await?
        .into_iter()
        .map(|s| SetRow {
            source: wijkregie_core::population::Source { publisher: s.publisher, table: s.table, year: s.source_year }
                .to_string(),
            year: s.year,
            vintage: s.vintage,
            areas: s.areas,
            figures: s.figures,
            unknown: s.unknown,
        })
        .collect();
    let status = errors.status();
    let years = uploaded.as_ref().map(|u| u.years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
    let mut response = render(PopulationPage {
        layout: Layout::new("Populatiedata", visit, "/wijken"),
        sets,
        may_upload: authorize(&ctx.principal, Action::Edit, Object::Region).is_ok(),
        kinds: KINDS.to_vec(),
        form,
        errors,
        uploaded,
        years: years.unwrap_or_default(),
        max_mb: MAX_UPLOAD / (1024 * 1024),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

async fn show(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    respond(&ctx, &visit, Submitted::default(), Errors::default(), None).await
}

fn year_field(field: &str, value: &str, problems: &mut Vec<FieldError>) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(y) if (1990..=2100).contains(&y) => Some(y),
        _ => {
            problems.push(FieldError::new(field, format!("'{value}' is geen jaartal (zoals 2024)")));
            None
        }
    }
}

async fn upload(ctx: Ctx, visit: Visit, multipart: Multipart) -> Result<Response, HttpError> {
    let upload = read_upload(multipart).await?;
    let form =
        Submitted { kind: upload.text("soort"), year: upload.text("jaar"), vintage: upload.text("gebiedsindeling") };
    let (name, bytes) = (upload.file_name, upload.bytes);
    let mut problems = Vec::new();
    let chosen = kind(&form.kind);
    if chosen.is_none() {
        problems.push(FieldError::new("soort", "kies wat voor bestand het is"));
    }
    let year = year_field("jaar", &form.year, &mut problems);
    let vintage = year_field("gebiedsindeling", &form.vintage, &mut problems);
    let outcome = match chosen {
        Some(kind) if problems.is_empty() => service::upload(&ctx, kind, &name, &bytes, year, vintage).await,
        _ => Err(Error::Invalid(problems)),
    };
    match outcome {
        Ok(uploaded) => respond(&ctx, &visit, form, Errors::default(), Some(uploaded)).await,
        Err(Error::Invalid(problems)) => respond(&ctx, &visit, form, problems.into(), None).await,
        Err(e) => Err(e.into()),
    }
}
