//! The Open Referral HSDS 3.0 API under `/api/hsds/`: the social map for
//! other directories and apps, in HSDS's own shapes and page envelope
//! (`total_items`, `total_pages`, `page_number`, `size`, `first_page`,
//! `last_page`, `empty`, `contents`). Bodies come from `formats::hsds`, the
//! same code that writes the datapackage export.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use wijkregie_core::directory::HsdsId;
use wijkregie_core::FieldError;
use wijkregie_formats::hsds::{self, Directory};

use crate::error::AppError;
use crate::service::directory as service;
use crate::service::Ctx;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/hsds/", get(root))
        .route("/api/hsds/services", get(services))
        .route("/api/hsds/services/{id}", get(one_service))
        .route("/api/hsds/taxonomy_terms", get(taxonomy_terms))
}

const MAX_PER_PAGE: usize = 200;

async fn root(_ctx: Ctx) -> Response {
    Json(json!({
        "version": "3.0",
        "profile": "https://openreferral.org/",
        "openapi_url": "https://github.com/openreferral/specification/blob/3.0/schema/openapi.json",
    }))
    .into_response()
}

#[derive(Deserialize, Default)]
struct ServicesQuery {
    #[serde(default)]
    search: String,
    #[serde(default)]
    taxonomy_term_id: String,
    #[serde(default)]
    organization_id: String,
    /// Our extension: distance from a postcode (PC6 or PC4 centroid) ...
    #[serde(default)]
    postcode: String,
    /// ... within this many kilometres.
    #[serde(default)]
    radius_km: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    per_page: String,
}

fn number(value: &str, field: &str, default: usize, max: usize, problems: &mut Vec<FieldError>) -> usize {
    match value.trim() {
        "" => default,
        v => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                problems.push(FieldError::new(field, format!("'{v}' is geen geldig getal tussen 1 en {max}")));
                default
            }
        },
    }
}

/// HSDS's page envelope around one page of `items`.
fn page(items: Vec<Value>, page_number: usize, per_page: usize) -> Value {
    let total_items = items.len();
    let total_pages = total_items.div_ceil(per_page).max(1);
    let contents: Vec<Value> = items.into_iter().skip((page_number - 1) * per_page).take(per_page).collect();
    json!({
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": contents.len(),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

async fn directory(ctx: &Ctx) -> Result<Directory, AppError> {
    let mut conn = ctx.state.store.conn().await?;
    Ok(Directory {
        organizations: wijkregie_store::region::organizations(&mut conn).await?,
        locations: wijkregie_store::directory::locations(&mut conn).await?,
        services: wijkregie_store::directory::services(&mut conn).await?,
        taxonomy: wijkregie_store::directory::taxonomy_terms(&mut conn).await?,
        wijken: wijkregie_store::region::wijken(&mut conn).await?.into_iter().map(|w| (w.code, w.name)).collect(),
        networks: wijkregie_store::region::networks(&mut conn).await?.into_iter().map(|n| (n.code, n.name)).collect(),
    })
}

/// Services, found with the same search as the social map page: Dutch
/// stemming, typos and synonyms for `search`; `taxonomy_term_id` is a term
/// code; `organization_id` the organisation's HSDS id.
async fn services(ctx: Ctx, Query(q): Query<ServicesQuery>) -> Result<Response, AppError> {
    let mut problems = Vec::new();
    let page_number = number(&q.page, "page", 1, 1_000_000, &mut problems);
    let per_page = number(&q.per_page, "per_page", 50, MAX_PER_PAGE, &mut problems);
    let organization = match q.organization_id.trim() {
        "" => None,
        id => match id.parse::<HsdsId>() {
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(e.at("organization_id"));
                None
            }
        },
    };
    let near = match q.postcode.trim() {
        "" => None,
        text => match text.parse::<wijkregie_core::codes::Postcode>() {
            Err(e) => {
                problems.push(e.at("postcode"));
                None
            }
            Ok(pc) => {
                let point = service::postcode_point(&ctx, &pc).await?;
                if point.is_none() {
                    problems.push(FieldError::new("postcode", format!("van postcode {pc} is geen ligging bekend")));
                }
                point
            }
        },
    };
    let radius_km = match q.radius_km.trim() {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(r) if (0.5..=100.0).contains(&r) && !q.postcode.trim().is_empty() => Some(r),
            _ => {
                problems.push(FieldError::new("radius_km", "een straal van 0,5 tot 100 km, samen met postcode"));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let request = service::SearchRequest {
        text: q.search.chars().take(200).collect(),
        term: (!q.taxonomy_term_id.trim().is_empty()).then(|| q.taxonomy_term_id.trim().to_owned()),
        near,
        radius_km,
        ..service::SearchRequest::default()
    };
    // Paged in the index, and only the page's services, organisations and
    // locations are read: a national directory has 100,000 services.
    let organization_id = organization.as_ref().map(ToString::to_string);
    let offset = (page_number - 1).saturating_mul(per_page);
    let (total_items, found) =
        service::search_all(&ctx, &request, organization_id.as_deref(), offset, per_page).await?;
    let mut codes: Vec<_> = found.iter().map(|s| s.organization.clone()).collect();
    codes.sort();
    codes.dedup();
    let location_ids: Vec<HsdsId> = found.iter().flat_map(|s| s.locations.iter().cloned()).collect();
    let mut conn = ctx.state.store.conn().await?;
    let dir = Directory {
        organizations: wijkregie_store::region::organizations_by_codes(&mut conn, &codes).await?,
        locations: wijkregie_store::directory::locations_by_ids(&mut conn, &location_ids).await?,
        services: Vec::new(),
        taxonomy: wijkregie_store::directory::taxonomy_terms(&mut conn).await?,
        wijken: wijkregie_store::region::wijken(&mut conn).await?.into_iter().map(|w| (w.code, w.name)).collect(),
        networks: wijkregie_store::region::networks(&mut conn).await?.into_iter().map(|n| (n.code, n.name)).collect(),
    };
    drop(conn);
    let contents: Vec<Value> = found.iter().map(|s| hsds::service_json(s, &dir)).collect();
    let total_pages = total_items.div_ceil(per_page).max(1);
    Ok(Json(json!({
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": contents.len(),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    }))
    .into_response())
}

async fn one_service(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let id: HsdsId = id.parse().map_err(|_| AppError::NotFound(format!("voorziening '{id}'")))?;
    let detail = service::service(&ctx, &id).await?;
    let dir = directory(&ctx).await?;
    Ok(Json(hsds::service_json(&detail.service, &dir)).into_response())
}

async fn taxonomy_terms(ctx: Ctx, Query(q): Query<ServicesQuery>) -> Result<Response, AppError> {
    let mut problems = Vec::new();
    let page_number = number(&q.page, "page", 1, 1_000_000, &mut problems);
    let per_page = number(&q.per_page, "per_page", 50, MAX_PER_PAGE, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let mut conn = ctx.state.store.conn().await?;
    let terms = wijkregie_store::directory::taxonomy_terms(&mut conn).await?;
    let items = terms
        .into_iter()
        .map(|t| {
            json!({
                "id": hsds::taxonomy_term_id(hsds::TAXONOMY_HULPVRAAG, t.code.as_str()).to_string(),
                "code": t.code.to_string(),
                "name": t.name,
                "description": t.description.unwrap_or_else(|| t.synonyms.join(", ")),
                "parent_id": t.parent.map(|p| hsds::taxonomy_term_id(hsds::TAXONOMY_HULPVRAAG, p.as_str()).to_string()),
                "taxonomy": hsds::TAXONOMY_HULPVRAAG,
                "taxonomy_id": hsds::taxonomy_id(hsds::TAXONOMY_HULPVRAAG).to_string(),
                "language": "nl",
            })
        })
        .collect();
    Ok(Json(page(items, page_number, per_page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_envelope_follows_hsds() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let p = page(items.clone(), 2, 2);
        assert_eq!(p["total_items"], 5);
        assert_eq!(p["total_pages"], 3);
        assert_eq!(p["size"], 2);
        assert_eq!(p["first_page"], false);
        assert_eq!(p["last_page"], false);
        assert_eq!(p["contents"], json!([2, 3]));
        let last = page(items, 3, 2);
        assert_eq!((last["last_page"].clone(), last["size"].clone()), (json!(true), json!(1)));
        let empty = page(vec![], 1, 50);
        assert_eq!((empty["empty"].clone(), empty["total_pages"].clone()), (json!(true), json!(1)));
    }
}
