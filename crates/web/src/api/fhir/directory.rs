//! `/fhir/HealthcareService`, `/fhir/Organization` and `/fhir/Location`: the
//! social map for FHIR-speaking systems, read by id or searched. Searches
//! follow R4's rules for string and token parameters; an unknown parameter
//! or modifier is refused with an OperationOutcome rather than ignored, so a
//! client never mistakes an unfiltered list for an answer to its question.

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use wijkregie_app::directory::fhir::{self, NamedLocation};
use wijkregie_app::Error;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::HsdsId;
use wijkregie_formats::fhir::directory as map;
use wijkregie_formats::fhir::search::{parse, Params, Search};
pub(super) use wijkregie_formats::fhir::search::{LOCATION_PARAMS, ORGANIZATION_PARAMS, SERVICE_PARAMS};

use super::{base_url, fhir_json};
use crate::ctx::Ctx;
use crate::error::HttpError;

/// The bundle of one page: `total` matches in all, `page` the resources of
/// this page (already cut at `_offset` and `_count`).
fn bundle(ctx: &Ctx, resource: &str, query: Option<&str>, search: &Search, total: usize, page: Vec<Value>) -> Response {
    let base = base_url(ctx);
    let others: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .filter(|(k, _)| k != "_count" && k != "_offset")
        .collect();
    let link = |offset: usize| {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        pairs.extend_pairs(&others);
        pairs.append_pair("_count", &search.count.to_string());
        pairs.append_pair("_offset", &offset.to_string());
        format!("{base}/{resource}?{}", pairs.finish())
    };
    let next = (search.offset + search.count < total).then(|| link(search.offset + search.count));
    fhir_json(
        StatusCode::OK,
        wijkregie_formats::fhir::search_bundle(&base, page, total, &link(search.offset), next.as_deref()),
    )
}

fn search(query: Option<&str>, allowed: Params, resource: &str) -> Result<Search, Error> {
    parse(query, allowed, resource).map_err(Error::BadRequest)
}

pub(super) async fn search_services(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, HttpError> {
    let search = search(query.as_deref(), SERVICE_PARAMS, "HealthcareService")?;
    let found = fhir::services(&ctx, &search).await?;
    let dir = &found.items;
    let resources = dir.services.iter().map(|s| map::healthcare_service(s, dir)).collect();
    Ok(bundle(&ctx, "HealthcareService", query.as_deref(), &search, found.total, resources))
}

pub(super) async fn search_organizations(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, HttpError> {
    let search = search(query.as_deref(), ORGANIZATION_PARAMS, "Organization")?;
    let found = fhir::organizations(&ctx, &search).await?;
    let page = found.items.iter().map(map::organization).collect();
    Ok(bundle(&ctx, "Organization", query.as_deref(), &search, found.total, page))
}

fn location_json(l: &NamedLocation) -> Value {
    map::location(&l.location, l.organization.as_deref())
}

pub(super) async fn search_locations(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, HttpError> {
    let search = search(query.as_deref(), LOCATION_PARAMS, "Location")?;
    let found = fhir::locations(&ctx, &search).await?;
    let resources = found.items.iter().map(location_json).collect();
    Ok(bundle(&ctx, "Location", query.as_deref(), &search, found.total, resources))
}

fn not_found(resource: &str, id: &str) -> Error {
    Error::NotFound(format!("{resource} '{id}'"))
}

pub(super) async fn read_service(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let key: HsdsId = id.parse().map_err(|_| not_found("HealthcareService", &id))?;
    let dir = fhir::service(&ctx, &key).await?.ok_or_else(|| not_found("HealthcareService", &id))?;
    let service = dir.services.first().ok_or_else(|| not_found("HealthcareService", &id))?;
    Ok(fhir_json(StatusCode::OK, map::healthcare_service(service, &dir)))
}

pub(super) async fn read_organization(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let code: Code = id.parse().map_err(|_| not_found("Organization", &id))?;
    let org = fhir::organization(&ctx, &code).await?.ok_or_else(|| not_found("Organization", &id))?;
    Ok(fhir_json(StatusCode::OK, map::organization(&org)))
}

pub(super) async fn read_location(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let key: HsdsId = id.parse().map_err(|_| not_found("Location", &id))?;
    let found = fhir::location(&ctx, &key).await?.ok_or_else(|| not_found("Location", &id))?;
    Ok(fhir_json(StatusCode::OK, location_json(&found)))
}
