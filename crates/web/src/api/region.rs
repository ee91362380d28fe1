//! Region model endpoints: wijken, practices, organisations, networks.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use wijkregie_core::codes::Code;
use wijkregie_core::date::parse_date;
use wijkregie_core::region::PatientCount;
use wijkregie_core::FieldError;
use wijkregie_formats::region_file::entity;

use super::pagination::{Page, PageQuery};
use super::problem::Problem;
use super::schema::*;
use super::Body;
use crate::ctx::Ctx;
use crate::error::HttpError;
use wijkregie_app::region::{self as service, Saved};
use wijkregie_app::Error;

type ApiResult = Result<Response, HttpError>;

fn saved(saved: Saved, body: Value) -> Response {
    let status = if saved == Saved::Created { StatusCode::CREATED } else { StatusCode::OK };
    (status, Json(body)).into_response()
}

fn code(value: &str, what: &str) -> Result<Code, Error> {
    value.parse().map_err(|_| Error::NotFound(format!("{what} '{value}'")))
}

/// The identifier in the URL wins; a body that names another one is refused.
fn same_id(body_id: &str, url_id: &str, field: &str) -> Result<(), Error> {
    if body_id == url_id {
        Ok(())
    } else {
        Err(Error::Invalid(vec![FieldError::new(
            format!("$.{field}"),
            format!("'{body_id}' verschilt van '{url_id}' in het adres"),
        )]))
    }
}

/// The region's name and code.
#[utoipa::path(get, path = "/api/v1/region", tag = "regio",
    responses((status = 200, body = RegionDoc), (status = 401, body = Problem)))]
pub async fn region(ctx: Ctx) -> ApiResult {
    let region = service::region(&ctx).await?;
    Ok(Json(json!({
        "code": region.as_ref().map(|r| r.code.to_string()),
        "name": region.map(|r| r.name),
    }))
    .into_response())
}

/// All wijken with their CBS areas.
#[utoipa::path(get, path = "/api/v1/wijken", tag = "regio", params(PageQuery),
    responses((status = 200, body = Page<WijkDoc>), (status = 401, body = Problem)))]
pub async fn list_wijken(ctx: Ctx, Query(q): Query<PageQuery>) -> ApiResult {
    let visible = service::visible(&ctx).await?;
    Ok(Json(q.apply(visible.wijken.iter().map(entity::wijk).collect())?).into_response())
}

/// Creates a wijk (regio-beheerder).
#[utoipa::path(post, path = "/api/v1/wijken", tag = "regio", request_body = WijkDoc,
    responses((status = 201, body = WijkDoc), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_wijk(ctx: Ctx, Body(body): Body) -> ApiResult {
    let wijk = entity::parse_wijk(&body).map_err(Error::Invalid)?;
    let out = entity::wijk(&wijk);
    Ok(saved(service::create_wijk(&ctx, wijk).await?, out))
}

#[utoipa::path(get, path = "/api/v1/wijken/{code}", tag = "regio", params(("code" = String, Path)),
    responses((status = 200, body = WijkDoc), (status = 404, body = Problem)))]
pub async fn get_wijk(ctx: Ctx, Path(id): Path<String>) -> ApiResult {
    let detail = service::wijk(&ctx, &code(&id, "wijk")?).await?;
    Ok(Json(entity::wijk(&detail.wijk)).into_response())
}

/// Creates or replaces a wijk (regio-beheerder).
#[utoipa::path(put, path = "/api/v1/wijken/{code}", tag = "regio", params(("code" = String, Path)), request_body = WijkDoc,
    responses((status = 200, body = WijkDoc), (status = 201, body = WijkDoc), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_wijk(ctx: Ctx, Path(id): Path<String>, Body(body): Body) -> ApiResult {
    let wijk = entity::parse_wijk(&body).map_err(Error::Invalid)?;
    same_id(wijk.code.as_str(), &id, "code")?;
    let out = entity::wijk(&wijk);
    Ok(saved(service::save_wijk(&ctx, wijk).await?, out))
}

/// Practices this user may see, with their registered patient counts.
#[utoipa::path(get, path = "/api/v1/practices", tag = "regio", params(PageQuery),
    responses((status = 200, body = Page<PracticeDoc>), (status = 401, body = Problem)))]
pub async fn list_practices(ctx: Ctx, Query(q): Query<PageQuery>) -> ApiResult {
    let visible = service::visible(&ctx).await?;
    Ok(Json(q.apply(visible.practices.iter().map(entity::practice).collect())?).into_response())
}

/// Creates a practice (regio-beheerder).
#[utoipa::path(post, path = "/api/v1/practices", tag = "regio", request_body = PracticeDoc,
    responses((status = 201, body = PracticeDoc), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_practice(ctx: Ctx, Body(body): Body) -> ApiResult {
    let practice = entity::parse_practice(&body).map_err(Error::Invalid)?;
    let code = practice.code.clone();
    let result = service::create_practice(&ctx, practice).await?;
    let detail = service::practice(&ctx, &code).await?;
    Ok(saved(result, entity::practice(&detail.practice)))
}

#[utoipa::path(get, path = "/api/v1/practices/{code}", tag = "regio", params(("code" = String, Path)),
    responses((status = 200, body = PracticeDoc), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_practice(ctx: Ctx, Path(id): Path<String>) -> ApiResult {
    let detail = service::practice(&ctx, &code(&id, "praktijk")?).await?;
    Ok(Json(entity::practice(&detail.practice)).into_response())
}

/// Creates or replaces a practice. Counts are kept unless the user may change them.
#[utoipa::path(put, path = "/api/v1/practices/{code}", tag = "regio", params(("code" = String, Path)), request_body = PracticeDoc,
    responses((status = 200, body = PracticeDoc), (status = 201, body = PracticeDoc), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_practice(ctx: Ctx, Path(id): Path<String>, Body(body): Body) -> ApiResult {
    let practice = entity::parse_practice(&body).map_err(Error::Invalid)?;
    same_id(practice.code.as_str(), &id, "code")?;
    let code = practice.code.clone();
    let result = service::save_practice(&ctx, practice).await?;
    let detail = service::practice(&ctx, &code).await?;
    Ok(saved(result, entity::practice(&detail.practice)))
}

/// Records the registered patients of a practice on a date (regio-beheerder).
#[utoipa::path(post, path = "/api/v1/practices/{code}/registered-patients", tag = "regio", params(("code" = String, Path)),
    request_body = PatientCountDoc,
    responses((status = 200, body = PracticeDoc), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_patient_count(ctx: Ctx, Path(id): Path<String>, Body(body): Body) -> ApiResult {
    let practice = code(&id, "praktijk")?;
    let mut problems = Vec::new();
    let date = match body.get("date").and_then(Value::as_str) {
        Some(d) => parse_date(d).map_err(|e| problems.push(e.at("$.date"))).ok(),
        None => {
            problems.push(FieldError::new("$.date", "verplicht veld ontbreekt (jjjj-mm-dd)"));
            None
        }
    };
    let count = match body.get("count").and_then(Value::as_u64).map(u32::try_from) {
        Some(Ok(c)) => Some(c),
        _ => {
            problems.push(FieldError::new("$.count", "verwacht een geheel aantal van 0 of meer"));
            None
        }
    };
    let (Some(date), Some(count)) = (date, count) else {
        return Err(Error::Invalid(problems).into());
    };
    service::record_patient_count(&ctx, &practice, PatientCount { date, count }).await?;
    let detail = service::practice(&ctx, &practice).await?;
    Ok(Json(entity::practice(&detail.practice)).into_response())
}

#[utoipa::path(get, path = "/api/v1/organizations", tag = "regio", params(PageQuery),
    responses((status = 200, body = Page<OrganizationDoc>), (status = 401, body = Problem)))]
pub async fn list_organizations(ctx: Ctx, Query(q): Query<PageQuery>) -> ApiResult {
    let visible = service::visible(&ctx).await?;
    Ok(Json(q.apply(visible.organizations.iter().map(entity::organization).collect())?).into_response())
}

#[utoipa::path(post, path = "/api/v1/organizations", tag = "regio", request_body = OrganizationDoc,
    responses((status = 201, body = OrganizationDoc), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_organization(ctx: Ctx, Body(body): Body) -> ApiResult {
    let org = entity::parse_organization(&body).map_err(Error::Invalid)?;
    let out = entity::organization(&org);
    Ok(saved(service::create_organization(&ctx, org).await?, out))
}

#[utoipa::path(get, path = "/api/v1/organizations/{code}", tag = "regio", params(("code" = String, Path)),
    responses((status = 200, body = OrganizationDoc), (status = 404, body = Problem)))]
pub async fn get_organization(ctx: Ctx, Path(id): Path<String>) -> ApiResult {
    let detail = service::organization(&ctx, &code(&id, "organisatie")?).await?;
    Ok(Json(entity::organization(&detail.organization)).into_response())
}

#[utoipa::path(put, path = "/api/v1/organizations/{code}", tag = "regio", params(("code" = String, Path)), request_body = OrganizationDoc,
    responses((status = 200, body = OrganizationDoc), (status = 201, body = OrganizationDoc), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_organization(ctx: Ctx, Path(id): Path<String>, Body(body): Body) -> ApiResult {
    let org = entity::parse_organization(&body).map_err(Error::Invalid)?;
    same_id(org.code.as_str(), &id, "code")?;
    let out = entity::organization(&org);
    Ok(saved(service::save_organization(&ctx, org).await?, out))
}

/// Networks (WSV) this user may see.
#[utoipa::path(get, path = "/api/v1/networks", tag = "regio", params(PageQuery),
    responses((status = 200, body = Page<NetworkDoc>), (status = 401, body = Problem)))]
pub async fn list_networks(ctx: Ctx, Query(q): Query<PageQuery>) -> ApiResult {
    let visible = service::visible(&ctx).await?;
    Ok(Json(q.apply(visible.networks.iter().map(entity::network).collect())?).into_response())
}

/// Creates a network (regio-beheerder).
#[utoipa::path(post, path = "/api/v1/networks", tag = "regio", request_body = NetworkDoc,
    responses((status = 201, body = NetworkDoc), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_network(ctx: Ctx, Body(body): Body) -> ApiResult {
    let network = entity::parse_network(&body).map_err(Error::Invalid)?;
    let code = network.code.clone();
    let result = service::create_network(&ctx, network).await?;
    let detail = service::network(&ctx, &code).await?;
    Ok(saved(result, entity::network(&detail.network)))
}

#[utoipa::path(get, path = "/api/v1/networks/{code}", tag = "regio", params(("code" = String, Path)),
    responses((status = 200, body = NetworkDoc), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_network(ctx: Ctx, Path(id): Path<String>) -> ApiResult {
    let detail = service::network(&ctx, &code(&id, "netwerk")?).await?;
    Ok(Json(entity::network(&detail.network)).into_response())
}

/// Replaces a network. A wijkmanager's changes to the payment terms
/// (module, status, dates, coordinator) are ignored: those are the region's.
#[utoipa::path(put, path = "/api/v1/networks/{code}", tag = "regio", params(("code" = String, Path)), request_body = NetworkDoc,
    responses((status = 200, body = NetworkDoc), (status = 201, body = NetworkDoc), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_network(ctx: Ctx, Path(id): Path<String>, Body(body): Body) -> ApiResult {
    let network = entity::parse_network(&body).map_err(Error::Invalid)?;
    same_id(network.code.as_str(), &id, "code")?;
    let code = network.code.clone();
    let result = service::save_network(&ctx, network).await?;
    let detail = service::network(&ctx, &code).await?;
    Ok(saved(result, entity::network(&detail.network)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateParam {
    /// Peildatum (jjjj-mm-dd); default today.
    date: Option<String>,
}

/// The network's registered patients on a date: the sum over the practices
/// that are members that day of each one's latest count on or before it.
#[utoipa::path(get, path = "/api/v1/networks/{code}/registered-patients", tag = "regio",
    params(("code" = String, Path), DateParam),
    responses((status = 200, body = NetworkTotalDoc), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn network_registered_patients(ctx: Ctx, Path(id): Path<String>, Query(q): Query<DateParam>) -> ApiResult {
    let date = match q.date.as_deref().map(str::trim) {
        None | Some("") => wijkregie_core::clock::nl_today(),
        Some(d) => parse_date(d).map_err(|e| Error::Invalid(vec![e.at("date")]))?,
    };
    let detail = service::network(&ctx, &code(&id, "netwerk")?).await?;
    let f = detail.figures(date);
    Ok(Json(json!({
        "network": detail.network.code.to_string(),
        "date": date.to_string(),
        "registered_patients": f.registered_patients,
        "threshold": f.threshold,
        "meets_threshold": f.meets_threshold(),
    }))
    .into_response())
}
