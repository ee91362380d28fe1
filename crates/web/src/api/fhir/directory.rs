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
use wijkregie_core::directory::{HsdsId, Location, Service, ServiceStatus};
use wijkregie_core::region::{Domain, Organization};
use wijkregie_formats::fhir;
use wijkregie_formats::fhir::directory::{self as map, StringMatch};
use wijkregie_formats::hsds::Directory;

use super::{base_url, fhir_json, number, MAX_COUNT};
use crate::error::AppError;
use crate::service::hsds::directory;
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

fn service_codings(service: &Service) -> Vec<(&'static str, &'static str)> {
    map::categories(service).into_iter().map(|(s, c, _)| (s, c)).collect()
}

/// What the `type` parameter of an Organization matches: its domain and
/// HL7's organisation type it is rendered with.
fn organization_types(org: &Organization) -> Vec<(&'static str, &'static str)> {
    let hl7 = if org.domain == Domain::Zorg { "prov" } else { "cg" };
    vec![(map::DOMAIN_SYSTEM, org.domain.code()), (map::ORGANIZATION_TYPE_SYSTEM, hl7)]
}

/// Services that match the `service-category` conditions; Organization and
/// Location use it to find who offers, and where, such a service.
fn in_categories<'a>(dir: &'a Directory, search: &Search) -> Vec<&'a Service> {
    dir.services
        .iter()
        .filter(|s| s.status == ServiceStatus::Active && any_token(&search.categories, &service_codings(s)))
        .collect()
}

fn bundle(ctx: &Ctx, resource: &str, query: Option<&str>, search: &Search, matching: Vec<Value>) -> Response {
    let base = base_url(ctx);
    let total = matching.len();
    let page: Vec<Value> = matching.into_iter().skip(search.offset).take(search.count).collect();
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

pub(super) async fn search_services(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let search = parse(query.as_deref(), SERVICE_PARAMS, "HealthcareService")?;
    let dir = directory(&ctx).await?;
    let matching = dir
        .services
        .iter()
        .filter(|s| any_of(&search.ids, s.id.as_str()))
        .filter(|s| any_string(&search.names, Some(&s.name)))
        .filter(|s| any_token(&search.categories, &service_codings(s)))
        .filter(|s| {
            let types: Vec<(&str, &str)> =
                s.taxonomy_terms.iter().map(|t| (fhir::HULPVRAAG_SYSTEM, t.as_str())).collect();
            any_token(&search.types, &types)
        })
        .filter(|s| any_of(&search.organizations, s.organization.as_str()))
        .filter(|s| {
            search.locations.iter().all(|alts| s.locations.iter().any(|l| alts.iter().any(|a| a == l.as_str())))
        })
        .filter(|s| search.active.is_none_or(|a| a == (s.status == ServiceStatus::Active)))
        .map(|s| map::healthcare_service(s, &dir))
        .collect();
    Ok(bundle(&ctx, "HealthcareService", query.as_deref(), &search, matching))
}

pub(super) async fn search_organizations(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let search = parse(query.as_deref(), ORGANIZATION_PARAMS, "Organization")?;
    let dir = directory(&ctx).await?;
    let offering: Option<HashSet<&str>> = (!search.categories.is_empty())
        .then(|| in_categories(&dir, &search).into_iter().map(|s| s.organization.as_str()).collect());
    let matching = dir
        .organizations
        .iter()
        .filter(|o| any_of(&search.ids, o.code.as_str()))
        .filter(|o| any_string(&search.names, Some(&o.name)))
        .filter(|o| any_token(&search.types, &organization_types(o)))
        .filter(|o| offering.as_ref().is_none_or(|set| set.contains(o.code.as_str())))
        // Every organisation on the map is active; `active=false` finds none.
        .filter(|_| search.active != Some(false))
        .map(map::organization)
        .collect();
    Ok(bundle(&ctx, "Organization", query.as_deref(), &search, matching))
}

fn location_json(loc: &Location, dir: &Directory) -> Value {
    let org = dir.organizations.iter().find(|o| o.code == loc.organization);
    map::location(loc, org.map(|o| o.name.as_str()))
}

pub(super) async fn search_locations(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let search = parse(query.as_deref(), LOCATION_PARAMS, "Location")?;
    let dir = directory(&ctx).await?;
    let hosting: Option<HashSet<&str>> = (!search.categories.is_empty()).then(|| {
        in_categories(&dir, &search).into_iter().flat_map(|s| s.locations.iter().map(HsdsId::as_str)).collect()
    });
    let matching = dir
        .locations
        .iter()
        .filter(|l| any_of(&search.ids, l.id.as_str()))
        .filter(|l| any_string(&search.names, Some(&l.name)))
        .filter(|l| any_string(&search.postcodes, l.address.as_ref().map(|a| a.postcode.as_str())))
        .filter(|l| any_string(&search.cities, l.address.as_ref().map(|a| a.city.as_str())))
        .filter(|l| any_of(&search.organizations, l.organization.as_str()))
        .filter(|l| hosting.as_ref().is_none_or(|set| set.contains(l.id.as_str())))
        .map(|l| location_json(l, &dir))
        .collect();
    Ok(bundle(&ctx, "Location", query.as_deref(), &search, matching))
}

pub(super) async fn read_service(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let dir = directory(&ctx).await?;
    let service = dir
        .services
        .iter()
        .find(|s| s.id.as_str() == id)
        .ok_or_else(|| AppError::NotFound(format!("HealthcareService '{id}'")))?;
    Ok(fhir_json(StatusCode::OK, map::healthcare_service(service, &dir)))
}

pub(super) async fn read_organization(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let dir = directory(&ctx).await?;
    let org = dir
        .organizations
        .iter()
        .find(|o| o.code.as_str() == id)
        .ok_or_else(|| AppError::NotFound(format!("Organization '{id}'")))?;
    Ok(fhir_json(StatusCode::OK, map::organization(org)))
}

pub(super) async fn read_location(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let dir = directory(&ctx).await?;
    let loc = dir
        .locations
        .iter()
        .find(|l| l.id.as_str() == id)
        .ok_or_else(|| AppError::NotFound(format!("Location '{id}'")))?;
    Ok(fhir_json(StatusCode::OK, location_json(loc, &dir)))
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
