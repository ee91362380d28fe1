//! The Open Referral HSDS 3.0 API under `/api/hsds/`: the social map for
//! other directories and apps, in HSDS's own shapes and page envelope
//! (`total_items`, `total_pages`, `page_number`, `size`, `first_page`,
//! `last_page`, `empty`, `contents`). Bodies come from `formats::hsds`, the
//! same code that writes the datapackage export.

use std::collections::HashSet;

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use wijkregie_core::directory::search::PageNumber;
use wijkregie_core::directory::HsdsId;
use wijkregie_core::FieldError;
use wijkregie_formats::hsds::{self};

use crate::ctx::Ctx;
use crate::error::HttpError;
use wijkregie_app::directory as service;
use wijkregie_app::hsds::{directory, directory_without_services, names_for, services_of};
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/hsds/", get(root))
        .route("/api/hsds/services", get(services))
        .route("/api/hsds/services/{id}", get(one_service))
        .route("/api/hsds/taxonomy_terms", get(taxonomy_terms))
        .route("/api/hsds/taxonomy_terms/{id}", get(one_taxonomy_term))
        .route("/api/hsds/taxonomies", get(taxonomies))
        .route("/api/hsds/taxonomies/{id}", get(one_taxonomy))
        .route("/api/hsds/organizations", get(organizations))
        .route("/api/hsds/organizations/{id}", get(one_organization))
        .route("/api/hsds/service_at_locations", get(service_at_locations))
        .route("/api/hsds/service_at_locations/{id}", get(one_service_at_location))
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
    #[serde(flatten)]
    paging: Paging,
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

/// Services, found with the same search as the social map page: Dutch
/// stemming, typos and synonyms for `search`; `taxonomy_term_id` is a term
/// code; `organization_id` the organisation's HSDS id.
async fn services(ctx: Ctx, Query(q): Query<ServicesQuery>) -> Result<Response, HttpError> {
    let mut problems = Vec::new();
    let (page_number, per_page) = q.paging.parse(&mut problems);
    let (request, organization) = filters(&ctx, &q, "", &mut problems).await?;
    if !problems.is_empty() {
        return Err(Error::Invalid(problems).into());
    }
    // Paged in the index, and only the page's services, organisations and
    // locations are read: a national directory has 100,000 services.
    let organization_id = organization.as_ref().map(ToString::to_string);
    let offset = (page_number - 1).saturating_mul(per_page);
    let (total_items, found) =
        service::search_all(&ctx, &request, organization_id.as_deref(), offset, per_page).await?;
    let dir = names_for(&ctx, &found).await?;
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

async fn one_service(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let id: HsdsId = id.parse().map_err(|_| Error::NotFound(format!("voorziening '{id}'")))?;
    let detail = service::service(&ctx, &id).await?;
    let dir = names_for(&ctx, std::slice::from_ref(&detail.service)).await?;
    Ok(Json(hsds::service_json(&detail.service, &dir)).into_response())
}

/// `page` and `per_page`, as every HSDS list takes them.
#[derive(Deserialize, Default)]
struct Paging {
    #[serde(default)]
    page: String,
    #[serde(default)]
    per_page: String,
}

impl Paging {
    fn parse(&self, problems: &mut Vec<FieldError>) -> (usize, usize) {
        let page = match self.page.trim() {
            "" => PageNumber::FIRST,
            text => text.parse::<PageNumber>().map_err(|e| problems.push(e.at("page"))).unwrap_or(PageNumber::FIRST),
        };
        (page.number(), number(&self.per_page, "per_page", 50, MAX_PER_PAGE, problems))
    }
}

/// HSDS's boolean query parameters (`full`, `full_service`, `top_only`).
fn flag(value: &str, field: &str, problems: &mut Vec<FieldError>) -> bool {
    match value.trim() {
        "" | "false" => false,
        "true" => true,
        v => {
            problems.push(FieldError::new(field, format!("'{v}' is geen geldige waarde: true of false")));
            false
        }
    }
}

/// An HSDS id in a query parameter; an empty one is no filter.
fn id_parameter(value: &str, field: &str, problems: &mut Vec<FieldError>) -> Option<HsdsId> {
    match value.trim() {
        "" => None,
        v => match v.parse::<HsdsId>() {
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(e.at(field));
                None
            }
        },
    }
}

/// Does `search` occur in one of these fields of `item`, ignoring case?
/// The plain match of the small lists (organisations, taxonomies), where the
/// social map's Dutch search has nothing to add.
fn matches(search: &str, item: &Value, fields: &[&str]) -> bool {
    let needle = search.trim().to_lowercase();
    needle.is_empty()
        || fields.iter().filter_map(|f| item.get(f)?.as_str()).any(|text| text.to_lowercase().contains(&needle))
}

/// Does this body carry an attribute with this term, and with a term of
/// this taxonomy? How HSDS's `taxonomy_term_id` and `taxonomy_id` filters
/// read on records that carry their terms as attributes.
fn has_attribute(body: &Value, term: Option<&HsdsId>, taxonomy: Option<&HsdsId>) -> bool {
    body["attributes"].as_array().is_some_and(|attributes| {
        attributes.iter().any(|a| {
            term.is_none_or(|t| a["taxonomy_term_id"] == t.as_str())
                && taxonomy.is_none_or(|t| a["taxonomy_term"]["taxonomy_id"] == t.as_str())
        })
    })
}

fn not_found(what: &str, id: &str) -> Error {
    Error::NotFound(format!("{what} '{id}'"))
}

#[derive(Deserialize, Default)]
struct TermsQuery {
    #[serde(default)]
    search: String,
    #[serde(default)]
    taxonomy_id: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    top_only: String,
    #[serde(flatten)]
    paging: Paging,
}

/// The terms of all our taxonomies, exactly as the export's
/// `taxonomy_terms.csv`: service attributes point at every one of them.
async fn taxonomy_terms(ctx: Ctx, Query(q): Query<TermsQuery>) -> Result<Response, HttpError> {
    let mut problems = Vec::new();
    let (page_number, per_page) = q.paging.parse(&mut problems);
    let taxonomy = id_parameter(&q.taxonomy_id, "taxonomy_id", &mut problems);
    let parent = id_parameter(&q.parent_id, "parent_id", &mut problems);
    let top_only = flag(&q.top_only, "top_only", &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems).into());
    }
    let terms = hsds::taxonomy_terms_json(&directory(&ctx).await?);
    let is = |term: &Value, key: &str, id: &Option<HsdsId>| id.as_ref().is_none_or(|id| term[key] == id.as_str());
    let items = terms
        .iter()
        .filter(|t| is(t, "taxonomy_id", &taxonomy) && is(t, "parent_id", &parent))
        // `top_only`: terms without a parent. The OpenAPI text ("that have not child terms")
        // reads both ways; the parameter's name decides.
        .filter(|t| !top_only || t.get("parent_id").is_none())
        .filter(|t| matches(&q.search, t, &["name", "code", "description"]))
        .cloned()
        .collect();
    Ok(Json(page(items, page_number, per_page)).into_response())
}

async fn one_taxonomy_term(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let terms = hsds::taxonomy_terms_json(&directory(&ctx).await?);
    let term = terms.into_iter().find(|t| t["id"] == id.as_str()).ok_or_else(|| not_found("term", &id))?;
    Ok(Json(term).into_response())
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    search: String,
    #[serde(flatten)]
    paging: Paging,
}

async fn taxonomies(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Response, HttpError> {
    let mut problems = Vec::new();
    let (page_number, per_page) = q.paging.parse(&mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems).into());
    }
    let dir = wijkregie_app::hsds::taxonomies(&ctx).await?;
    let items =
        hsds::taxonomies_json(&dir).into_iter().filter(|t| matches(&q.search, t, &["name", "description"])).collect();
    Ok(Json(page(items, page_number, per_page)).into_response())
}

async fn one_taxonomy(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let dir = wijkregie_app::hsds::taxonomies(&ctx).await?;
    let taxonomy = hsds::taxonomies_json(&dir)
        .into_iter()
        .find(|t| t["id"] == id.as_str())
        .ok_or_else(|| not_found("taxonomie", &id))?;
    Ok(Json(taxonomy).into_response())
}

#[derive(Deserialize, Default)]
struct OrganizationsQuery {
    #[serde(default)]
    search: String,
    /// Each organisation nested as `/organizations/{id}` serves it ...
    #[serde(default)]
    full: String,
    /// ... and its services nested too.
    #[serde(default)]
    full_service: String,
    #[serde(default)]
    taxonomy_term_id: String,
    #[serde(default)]
    taxonomy_id: String,
    #[serde(flatten)]
    paging: Paging,
}

/// Every organisation of the region's directory, whether or not it offers
/// services yet, with the ids the export gives them.
async fn organizations(ctx: Ctx, Query(q): Query<OrganizationsQuery>) -> Result<Response, HttpError> {
    let mut problems = Vec::new();
    let (page_number, per_page) = q.paging.parse(&mut problems);
    let full = flag(&q.full, "full", &mut problems);
    let full_service = flag(&q.full_service, "full_service", &mut problems);
    let term = id_parameter(&q.taxonomy_term_id, "taxonomy_term_id", &mut problems);
    let taxonomy = id_parameter(&q.taxonomy_id, "taxonomy_id", &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems).into());
    }
    // The plain list shows only the organisations' own fields: no need to
    // read every service of the map for it.
    let plain = !full && !full_service && term.is_none() && taxonomy.is_none();
    let dir = if plain { directory_without_services(&ctx).await? } else { directory(&ctx).await? };
    // An organisation's own attributes (its domain) decide, not its services'.
    let tagged: HashSet<String> = dir
        .organizations
        .iter()
        .filter(|o| {
            (term.is_none() && taxonomy.is_none())
                || hsds::organization_json(&o.code, &dir, false)
                    .is_some_and(|body| has_attribute(&body, term.as_ref(), taxonomy.as_ref()))
        })
        .map(|o| dir.organization_id(&o.code).to_string())
        .collect();
    let bodies = if full || full_service {
        dir.organizations.iter().filter_map(|o| hsds::organization_json(&o.code, &dir, full_service)).collect()
    } else {
        hsds::organizations_json(&dir)
    };
    let items = bodies
        .into_iter()
        .filter(|o| o["id"].as_str().is_some_and(|id| tagged.contains(id)))
        .filter(|o| matches(&q.search, o, &["name"]))
        .collect();
    Ok(Json(page(items, page_number, per_page)).into_response())
}

#[derive(Deserialize, Default)]
struct OrganizationQuery {
    #[serde(default)]
    full_service: String,
}

async fn one_organization(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OrganizationQuery>,
) -> Result<Response, HttpError> {
    let mut problems = Vec::new();
    let full_service = flag(&q.full_service, "full_service", &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems).into());
    }
    let hsds_id: HsdsId = id.parse().map_err(|_| not_found("organisatie", &id))?;
    let mut dir = directory_without_services(&ctx).await?;
    let organization =
        wijkregie_app::hsds::organization(&dir, &hsds_id).ok_or_else(|| not_found("organisatie", &id))?.clone();
    dir.services = services_of(&ctx, &organization.code).await?;
    let body = hsds::organization_json(&organization.code, &dir, full_service)
        .expect("an organisation of the directory renders");
    Ok(Json(body).into_response())
}

#[derive(Deserialize, Default)]
struct AtLocationsQuery {
    #[serde(flatten)]
    filters: ServicesQuery,
    /// HSDS's name for a radius, in metres; `radius_km` is ours.
    #[serde(default)]
    proximity: String,
    #[serde(default)]
    taxonomy_id: String,
    #[serde(default)]
    full: String,
}

/// The search filters `/services` and `/service_at_locations` share, read
/// with the same rules as the search page (`app::directory::SearchRequest`).
/// `taxonomy_term_id` is the term's HSDS id, as HSDS means it, or its code;
/// the radius is `radius_km`, or HSDS's `proximity` in metres.
async fn filters(
    ctx: &Ctx,
    q: &ServicesQuery,
    proximity: &str,
    problems: &mut Vec<FieldError>,
) -> Result<(service::SearchRequest, Option<HsdsId>), HttpError> {
    let organization = id_parameter(&q.organization_id, "organization_id", problems);
    let term = match q.taxonomy_term_id.trim() {
        "" => String::new(),
        text => wijkregie_app::hsds::term_code(ctx, text).await?,
    };
    let (radius, radius_field) = match (q.radius_km.trim(), proximity.trim()) {
        ("", "") => (String::new(), "radius_km"),
        ("", metres) => match metres.parse::<f64>() {
            Ok(m) if m.is_finite() => ((m / 1000.0).to_string(), "proximity"),
            _ => {
                problems.push(FieldError::new("proximity", format!("'{metres}' is geen afstand in meters")));
                (String::new(), "proximity")
            }
        },
        (km, _) => (km.to_owned(), "radius_km"),
    };
    let fields = service::SearchFields {
        text: &q.search,
        term: &term,
        postcode: &q.postcode,
        radius: &radius,
        ..service::SearchFields::default()
    };
    let (request, found) = service::SearchRequest::parse(&ctx.app, &fields).await?;
    problems.extend(found.into_iter().map(|p| {
        let field = match p.field {
            service::SearchField::Postcode => "postcode",
            service::SearchField::Radius => radius_field,
            service::SearchField::Age => "age",
            service::SearchField::Page => "page",
        };
        FieldError::new(field, p.message)
    }));
    Ok((request, organization))
}

/// Each found service at each of its locations, best first; with a
/// postcode and radius, only the locations within it.
async fn service_at_locations(ctx: Ctx, Query(q): Query<AtLocationsQuery>) -> Result<Response, HttpError> {
    let mut problems = Vec::new();
    let (page_number, per_page) = q.filters.paging.parse(&mut problems);
    let full = flag(&q.full, "full", &mut problems);
    let taxonomy = id_parameter(&q.taxonomy_id, "taxonomy_id", &mut problems);
    let (request, organization) = filters(&ctx, &q.filters, &q.proximity, &mut problems).await?;
    if !problems.is_empty() {
        return Err(Error::Invalid(problems).into());
    }
    let dir = directory(&ctx).await?;
    let found = wijkregie_app::hsds::at_locations(&ctx, &request, organization.as_ref(), &dir).await?;
    let items = found
        .iter()
        .filter(|s| taxonomy.is_none() || has_attribute(&hsds::service_json(s, &dir), None, taxonomy.as_ref()))
        .flat_map(|s| hsds::service_at_locations_json(s, &dir, full))
        .collect();
    Ok(Json(page(items, page_number, per_page)).into_response())
}

async fn one_service_at_location(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let hsds_id: HsdsId = id.parse().map_err(|_| not_found("voorziening op locatie", &id))?;
    let dir = directory(&ctx).await?;
    let (found, location) = wijkregie_app::hsds::service_at_location(&dir, &hsds_id)
        .ok_or_else(|| not_found("voorziening op locatie", &id))?;
    // The same access rule as /services/{id}.
    let mut here = service::service(&ctx, &found.id).await?.service;
    here.locations.retain(|l| l == location);
    let body = hsds::service_at_locations_json(&here, &dir, true)
        .into_iter()
        .next()
        .ok_or_else(|| not_found("voorziening op locatie", &id))?;
    Ok(Json(body).into_response())
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
