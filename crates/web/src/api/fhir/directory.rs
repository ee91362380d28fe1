//! `/fhir/HealthcareService`, `/fhir/Organization` and `/fhir/Location`: the
//! social map for FHIR-speaking systems, read by id or searched. Searches
//! follow R4's rules for string and token parameters; an unknown parameter
//! or modifier is refused with an OperationOutcome rather than ignored, so a
//! client never mistakes an unfiltered list for an answer to its question.

use std::collections::HashSet;

use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{HsdsId, Location};
use wijkregie_core::region::{Domain, Organization};
use wijkregie_formats::fhir;
use wijkregie_formats::fhir::directory::{self as map, StringMatch};
use wijkregie_formats::hsds::Directory;
use wijkregie_store::directory as db;
use wijkregie_store::directory_filter::{self as filter, Category, ServiceFilter};

use super::{base_url, fhir_json, number, MAX_COUNT};
use crate::error::AppError;
use crate::service::Ctx;

type Params = &'static [(&'static str, &'static str)];

/// Search parameters in the CapabilityStatement, with their FHIR types.
pub(super) const SERVICE_PARAMS: Params = &[
    ("_id", "token"),
    ("name", "string"),
    ("service-category", "token"),
    ("service-type", "token"),
    ("organization", "reference"),
    ("location", "reference"),
    ("active", "token"),
];
pub(super) const ORGANIZATION_PARAMS: Params =
    &[("_id", "token"), ("name", "string"), ("type", "token"), ("active", "token"), ("service-category", "token")];
pub(super) const LOCATION_PARAMS: Params = &[
    ("_id", "token"),
    ("name", "string"),
    ("address-postalcode", "string"),
    ("address-city", "string"),
    ("organization", "reference"),
    ("service-category", "token"),
];

/// One token of a search value: `code` (any system), `system|code`, or
/// `|code` (no system).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    system: Option<String>,
    code: String,
}

impl Token {
    fn matches(&self, system: &str, code: &str) -> bool {
        self.code == code && self.system.as_deref().is_none_or(|s| s == system)
    }
}

/// A parsed search: every condition must hold; within one parameter the
/// comma-separated values are alternatives, as FHIR defines.
#[derive(Debug, Default)]
struct Search {
    ids: Vec<Vec<String>>,
    names: Vec<(StringMatch, Vec<String>)>,
    postcodes: Vec<(StringMatch, Vec<String>)>,
    cities: Vec<(StringMatch, Vec<String>)>,
    categories: Vec<Vec<Token>>,
    types: Vec<Vec<Token>>,
    organizations: Vec<Vec<String>>,
    locations: Vec<Vec<String>>,
    active: Option<bool>,
    count: usize,
    offset: usize,
}

fn parse(query: Option<&str>, allowed: Params, resource: &str) -> Result<Search, AppError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect();
    let mut search = Search { count: 50, ..Search::default() };
    for (key, value) in pairs {
        let (name, modifier) = match key.split_once(':') {
            Some((n, m)) => (n, Some(m)),
            None => (key.as_str(), None),
        };
        // Format parameters every FHIR server takes; only JSON is served.
        if matches!(name, "_format" | "_pretty") {
            continue;
        }
        if name == "_count" || name == "_offset" {
            if name == "_count" {
                search.count = number(&value, "_count", 50, MAX_COUNT)?;
            } else {
                search.offset = number(&value, "_offset", 0, usize::MAX)?;
            }
            continue;
        }
        let Some((_, kind)) = allowed.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            return Err(AppError::BadRequest(format!(
                "{resource} kent de zoekparameter '{name}' niet; wel: {}, _count, _offset",
                known.join(", ")
            )));
        };
        let values: Vec<String> = value.split(',').map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            return Err(AppError::BadRequest(format!("de zoekparameter '{name}' heeft geen waarde")));
        }
        let string_match = || {
            StringMatch::from_modifier(modifier).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "'{name}:{}' bestaat niet: gebruik {name}, {name}:contains of {name}:exact",
                    modifier.unwrap_or_default()
                ))
            })
        };
        if *kind != "string" && modifier.is_some() {
            return Err(AppError::BadRequest(format!(
                "de zoekparameter '{name}' kent geen modifier ':{}'",
                modifier.unwrap_or_default()
            )));
        }
        match name {
            "_id" => search.ids.push(values),
            "name" => search.names.push((string_match()?, values)),
            "address-postalcode" => {
                // Postcodes are written with and without the space.
                let values = values.iter().map(|v| v.replace(' ', "")).collect();
                search.postcodes.push((string_match()?, values));
            }
            "address-city" => search.cities.push((string_match()?, values)),
            "service-category" => search.categories.push(tokens(&values)),
            "service-type" | "type" => search.types.push(tokens(&values)),
            "organization" => search.organizations.push(references(&values, "Organization")?),
            "location" => search.locations.push(references(&values, "Location")?),
            "active" => {
                search.active = Some(match values.as_slice() {
                    [v] if v == "true" => true,
                    [v] if v == "false" => false,
                    _ => return Err(AppError::BadRequest("active is true of false".into())),
                })
            }
            _ => unreachable!("every allowed parameter is handled above"),
        }
    }
    Ok(search)
}

fn tokens(values: &[String]) -> Vec<Token> {
    values
        .iter()
        .map(|v| match v.split_once('|') {
            Some((system, code)) => Token { system: Some(system.to_owned()), code: code.to_owned() },
            None => Token { system: None, code: v.clone() },
        })
        .collect()
}

/// `Organization/abc`, a full URL ending in it, or the bare id `abc`.
fn references(values: &[String], kind: &str) -> Result<Vec<String>, AppError> {
    values
        .iter()
        .map(|v| {
            let mut parts = v.rsplit('/');
            let id = parts.next().unwrap_or_default();
            match parts.next() {
                None => Ok(id.to_owned()),
                Some(k) if k == kind => Ok(id.to_owned()),
                Some(k) => Err(AppError::BadRequest(format!("'{v}' verwijst naar een {k}, niet naar een {kind}"))),
            }
        })
        .collect()
}

fn any_string(conditions: &[(StringMatch, Vec<String>)], value: Option<&str>) -> bool {
    conditions.iter().all(|(how, alternatives)| {
        value.is_some_and(|value| alternatives.iter().any(|query| how.matches(value, query)))
    })
}

fn any_of(conditions: &[Vec<String>], value: &str) -> bool {
    conditions.iter().all(|alternatives| alternatives.iter().any(|a| a == value))
}

fn any_token(conditions: &[Vec<Token>], codings: &[(&str, &str)]) -> bool {
    conditions.iter().all(|alternatives| alternatives.iter().any(|t| codings.iter().any(|(s, c)| t.matches(s, c))))
}

/// The codes of the tokens that may be in `system`.
fn codes_in(tokens: &[Token], system: &str) -> Vec<String> {
    tokens.iter().filter(|t| t.system.as_deref().is_none_or(|s| s == system)).map(|t| t.code.clone()).collect()
}

/// The conditions the database can decide: everything but the names.
fn service_filter(search: &Search) -> ServiceFilter {
    ServiceFilter {
        ids: search.ids.clone(),
        categories: search
            .categories
            .iter()
            .map(|alternatives| Category {
                domains: codes_in(alternatives, map::DOMAIN_SYSTEM),
                pathways: codes_in(alternatives, fhir::PATHWAY_SYSTEM),
            })
            .collect(),
        terms: search.types.iter().map(|alternatives| codes_in(alternatives, fhir::HULPVRAAG_SYSTEM)).collect(),
        organizations: search.organizations.clone(),
        locations: search.locations.clone(),
        active: search.active,
    }
}

/// What `type` of an Organization matches: its domain and the HL7
/// organisation type it is rendered with.
fn organization_types(org: &Organization) -> Vec<(&'static str, &'static str)> {
    let hl7 = if org.domain == Domain::Zorg { "prov" } else { "cg" };
    vec![(map::DOMAIN_SYSTEM, org.domain.code()), (map::ORGANIZATION_TYPE_SYSTEM, hl7)]
}

/// `service-category` on Organization and Location: active services of
/// that category, to find who offers them and where.
fn offered(search: &Search) -> ServiceFilter {
    ServiceFilter { categories: service_filter(search).categories, active: Some(true), ..ServiceFilter::default() }
}

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
    fhir_json(StatusCode::OK, fhir::search_bundle(&base, page, total, &link(search.offset), next.as_deref()))
}

/// The services with these ids, and what their resources name: their
/// organisations, locations and hulpvragen. Only these are read.
async fn services_with_names(ctx: &Ctx, ids: &[HsdsId]) -> Result<Directory, AppError> {
    let mut conn = ctx.state.store.conn().await?;
    let services = db::services_by_ids(&mut conn, ids).await?;
    let mut codes: Vec<Code> = services.iter().map(|s| s.organization.clone()).collect();
    codes.sort();
    codes.dedup();
    let location_ids: Vec<HsdsId> = services.iter().flat_map(|s| s.locations.iter().cloned()).collect();
    Ok(Directory {
        organizations: wijkregie_store::region::organizations_by_codes(&mut conn, &codes).await?,
        locations: db::locations_by_ids(&mut conn, &location_ids).await?,
        taxonomy: db::taxonomy_terms(&mut conn).await?,
        services,
        wijken: Vec::new(),
        networks: Vec::new(),
    })
}

pub(super) async fn search_services(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let search = parse(query.as_deref(), SERVICE_PARAMS, "HealthcareService")?;
    let mut conn = ctx.state.store.conn().await?;
    let candidates = filter::service_names(&mut conn, &service_filter(&search)).await?;
    drop(conn);
    let matching: Vec<HsdsId> =
        candidates.into_iter().filter(|(_, name)| any_string(&search.names, Some(name))).map(|(id, _)| id).collect();
    let page: Vec<HsdsId> = matching.iter().skip(search.offset).take(search.count).cloned().collect();
    let dir = services_with_names(&ctx, &page).await?;
    let resources = dir.services.iter().map(|s| map::healthcare_service(s, &dir)).collect();
    Ok(bundle(&ctx, "HealthcareService", query.as_deref(), &search, matching.len(), resources))
}

pub(super) async fn search_organizations(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let search = parse(query.as_deref(), ORGANIZATION_PARAMS, "Organization")?;
    let mut conn = ctx.state.store.conn().await?;
    let organizations = wijkregie_store::region::organizations(&mut conn).await?;
    let offering: Option<HashSet<Code>> = if search.categories.is_empty() {
        None
    } else {
        Some(filter::organizations_offering(&mut conn, &offered(&search)).await?.into_iter().collect())
    };
    drop(conn);
    let matching: Vec<&Organization> = organizations
        .iter()
        .filter(|o| any_of(&search.ids, o.code.as_str()))
        .filter(|o| any_string(&search.names, Some(&o.name)))
        .filter(|o| any_token(&search.types, &organization_types(o)))
        .filter(|o| offering.as_ref().is_none_or(|set| set.contains(&o.code)))
        // Every organisation on the map is active; `active=false` finds none.
        .filter(|_| search.active != Some(false))
        .collect();
    let page = matching.iter().skip(search.offset).take(search.count).map(|o| map::organization(o)).collect();
    Ok(bundle(&ctx, "Organization", query.as_deref(), &search, matching.len(), page))
}

/// Locations as resources, with the names of the organisations managing them.
async fn locations_json(ctx: &Ctx, locations: &[&Location]) -> Result<Vec<Value>, AppError> {
    let mut codes: Vec<Code> = locations.iter().map(|l| l.organization.clone()).collect();
    codes.sort();
    codes.dedup();
    let mut conn = ctx.state.store.conn().await?;
    let organizations = wijkregie_store::region::organizations_by_codes(&mut conn, &codes).await?;
    Ok(locations
        .iter()
        .map(|l| {
            let name = organizations.iter().find(|o| o.code == l.organization).map(|o| o.name.as_str());
            map::location(l, name)
        })
        .collect())
}

pub(super) async fn search_locations(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let search = parse(query.as_deref(), LOCATION_PARAMS, "Location")?;
    let mut conn = ctx.state.store.conn().await?;
    let locations = db::locations(&mut conn).await?;
    let hosting: Option<HashSet<HsdsId>> = if search.categories.is_empty() {
        None
    } else {
        Some(filter::locations_hosting(&mut conn, &offered(&search)).await?.into_iter().collect())
    };
    drop(conn);
    let matching: Vec<&Location> = locations
        .iter()
        .filter(|l| any_of(&search.ids, l.id.as_str()))
        .filter(|l| any_string(&search.names, Some(&l.name)))
        .filter(|l| any_string(&search.postcodes, l.address.as_ref().map(|a| a.postcode.as_str())))
        .filter(|l| any_string(&search.cities, l.address.as_ref().map(|a| a.city.as_str())))
        .filter(|l| any_of(&search.organizations, l.organization.as_str()))
        .filter(|l| hosting.as_ref().is_none_or(|set| set.contains(&l.id)))
        .collect();
    let page: Vec<&Location> = matching.iter().skip(search.offset).take(search.count).copied().collect();
    let resources = locations_json(&ctx, &page).await?;
    Ok(bundle(&ctx, "Location", query.as_deref(), &search, matching.len(), resources))
}

fn not_found(resource: &str, id: &str) -> AppError {
    AppError::NotFound(format!("{resource} '{id}'"))
}

pub(super) async fn read_service(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let key: HsdsId = id.parse().map_err(|_| not_found("HealthcareService", &id))?;
    let dir = services_with_names(&ctx, std::slice::from_ref(&key)).await?;
    let service = dir.services.first().ok_or_else(|| not_found("HealthcareService", &id))?;
    Ok(fhir_json(StatusCode::OK, map::healthcare_service(service, &dir)))
}

pub(super) async fn read_organization(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let code: Code = id.parse().map_err(|_| not_found("Organization", &id))?;
    let mut conn = ctx.state.store.conn().await?;
    let found = wijkregie_store::region::organizations_by_codes(&mut conn, std::slice::from_ref(&code)).await?;
    let org = found.first().ok_or_else(|| not_found("Organization", &id))?;
    Ok(fhir_json(StatusCode::OK, map::organization(org)))
}

pub(super) async fn read_location(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let key: HsdsId = id.parse().map_err(|_| not_found("Location", &id))?;
    let mut conn = ctx.state.store.conn().await?;
    let found = db::locations_by_ids(&mut conn, std::slice::from_ref(&key)).await?;
    drop(conn);
    let loc = found.first().ok_or_else(|| not_found("Location", &id))?;
    let mut resources = locations_json(&ctx, &[loc]).await?;
    Ok(fhir_json(StatusCode::OK, resources.remove(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wijkregie_formats::fhir::PATHWAY_SYSTEM;

    #[test]
    fn tokens_with_and_without_system() {
        let t = tokens(&["welzijn".into(), "https://x|zorg".into(), "|gli".into()]);
        assert!(t[0].matches("any", "welzijn"));
        assert!(t[1].matches("https://x", "zorg"));
        assert!(!t[1].matches("https://y", "zorg"));
        assert!(!t[2].matches(PATHWAY_SYSTEM, "gli"));
    }

    #[test]
    fn unknown_parameters_and_modifiers_are_refused() {
        assert!(parse(Some("naam=x"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("name:fuzzy=x"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("service-category:text=x"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("name="), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("_count=999"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("organization=Location/x"), SERVICE_PARAMS, "HealthcareService").is_err());
        let s = parse(Some("name:contains=fys&_count=5&_format=json"), SERVICE_PARAMS, "HealthcareService").unwrap();
        assert_eq!(s.count, 5);
        assert_eq!(s.names, vec![(StringMatch::Contains, vec!["fys".to_owned()])]);
    }
}
