//! The social map as FHIR-speaking systems search it (`/fhir/
//! HealthcareService`, `Organization`, `Location`): a parsed R4 search in,
//! one page of matches out, with the names their resources show. The
//! database decides what it can (ids, categories, types, references,
//! `active`); names, postcodes and cities are matched here, by R4's string
//! rules.

use std::collections::HashSet;

use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{HsdsId, Location};
use wijkregie_core::region::Organization;
use wijkregie_formats::fhir::directory as map;
use wijkregie_formats::fhir::search::{any_of, any_string, any_token, codes_in, organization_types, Search};
use wijkregie_formats::fhir::{HULPVRAAG_SYSTEM, PATHWAY_SYSTEM};
use wijkregie_formats::hsds::Directory;
use wijkregie_store::directory as db;
use wijkregie_store::directory_filter::{self as filter, Category, ServiceFilter};

use crate::{Ctx, Result};

/// One page of matches, and how many match in all.
pub struct Page<T> {
    pub total: usize,
    pub items: T,
}

/// A location with the name of the organisation that manages it.
pub struct NamedLocation {
    pub location: Location,
    pub organization: Option<String>,
}

fn may_read(ctx: &Ctx) -> Result<()> {
    authorize(&ctx.principal, Action::View, Object::Directory)?;
    Ok(())
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
                pathways: codes_in(alternatives, PATHWAY_SYSTEM),
            })
            .collect(),
        terms: search.types.iter().map(|alternatives| codes_in(alternatives, HULPVRAAG_SYSTEM)).collect(),
        organizations: search.organizations.clone(),
        locations: search.locations.clone(),
        active: search.active,
    }
}

/// `service-category` on Organization and Location: active services of
/// that category, to find who offers them and where.
fn offered(search: &Search) -> ServiceFilter {
    ServiceFilter { categories: service_filter(search).categories, active: Some(true), ..ServiceFilter::default() }
}

/// The services with these ids, and what their resources name: their
/// organisations, locations and hulpvragen. Only these are read.
async fn services_with_names(ctx: &Ctx, ids: &[HsdsId]) -> Result<Directory> {
    let mut conn = ctx.app.store.conn().await?;
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
        foreign_taxonomies: Vec::new(),
        foreign_terms: Vec::new(),
        organization_ids: Default::default(),
        organization_identifiers: Vec::new(),
    })
}

/// `HealthcareService?…`: the page's services with their names.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn services(ctx: &Ctx, search: &Search) -> Result<Page<Directory>> {
    may_read(ctx)?;
    let mut conn = ctx.app.store.conn().await?;
    let candidates = filter::service_names(&mut conn, &service_filter(search)).await?;
    drop(conn);
    let matching: Vec<HsdsId> =
        candidates.into_iter().filter(|(_, name)| any_string(&search.names, Some(name))).map(|(id, _)| id).collect();
    let page: Vec<HsdsId> = matching.iter().skip(search.offset).take(search.count).cloned().collect();
    Ok(Page { total: matching.len(), items: services_with_names(ctx, &page).await? })
}

/// `HealthcareService/{id}`, with the names it shows.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn service(ctx: &Ctx, id: &HsdsId) -> Result<Option<Directory>> {
    may_read(ctx)?;
    let dir = services_with_names(ctx, std::slice::from_ref(id)).await?;
    Ok((!dir.services.is_empty()).then_some(dir))
}

/// `Organization?…`: the page's organisations.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn organizations(ctx: &Ctx, search: &Search) -> Result<Page<Vec<Organization>>> {
    may_read(ctx)?;
    let mut conn = ctx.app.store.conn().await?;
    let organizations = wijkregie_store::region::organizations(&mut conn).await?;
    let offering: Option<HashSet<Code>> = if search.categories.is_empty() {
        None
    } else {
        Some(filter::organizations_offering(&mut conn, &offered(search)).await?.into_iter().collect())
    };
    drop(conn);
    let matching: Vec<Organization> = organizations
        .into_iter()
        .filter(|o| any_of(&search.ids, o.code.as_str()))
        .filter(|o| any_string(&search.names, Some(&o.name)))
        .filter(|o| any_token(&search.types, &organization_types(o)))
        .filter(|o| offering.as_ref().is_none_or(|set| set.contains(&o.code)))
        // Every organisation on the map is active; `active=false` finds none.
        .filter(|_| search.active != Some(false))
        .collect();
    let total = matching.len();
    Ok(Page { total, items: matching.into_iter().skip(search.offset).take(search.count).collect() })
}

/// `Organization/{code}`.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn organization(ctx: &Ctx, code: &Code) -> Result<Option<Organization>> {
    may_read(ctx)?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(wijkregie_store::region::organization(&mut conn, code).await?)
}

/// Locations with the names of the organisations managing them.
async fn named(ctx: &Ctx, locations: Vec<Location>) -> Result<Vec<NamedLocation>> {
    let mut codes: Vec<Code> = locations.iter().map(|l| l.organization.clone()).collect();
    codes.sort();
    codes.dedup();
    let mut conn = ctx.app.store.conn().await?;
    let organizations = wijkregie_store::region::organizations_by_codes(&mut conn, &codes).await?;
    Ok(locations
        .into_iter()
        .map(|location| {
            let organization = organizations.iter().find(|o| o.code == location.organization).map(|o| o.name.clone());
            NamedLocation { location, organization }
        })
        .collect())
}

/// `Location?…`: the page's locations.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn locations(ctx: &Ctx, search: &Search) -> Result<Page<Vec<NamedLocation>>> {
    may_read(ctx)?;
    let mut conn = ctx.app.store.conn().await?;
    let locations = db::locations(&mut conn).await?;
    let hosting: Option<HashSet<HsdsId>> = if search.categories.is_empty() {
        None
    } else {
        Some(filter::locations_hosting(&mut conn, &offered(search)).await?.into_iter().collect())
    };
    drop(conn);
    let matching: Vec<Location> = locations
        .into_iter()
        .filter(|l| any_of(&search.ids, l.id.as_str()))
        .filter(|l| any_string(&search.names, Some(&l.name)))
        .filter(|l| any_string(&search.postcodes, l.address.as_ref().map(|a| a.postcode.as_str())))
        .filter(|l| any_string(&search.cities, l.address.as_ref().map(|a| a.city.as_str())))
        .filter(|l| any_of(&search.organizations, l.organization.as_str()))
        .filter(|l| hosting.as_ref().is_none_or(|set| set.contains(&l.id)))
        .collect();
    let total = matching.len();
    let page = matching.into_iter().skip(search.offset).take(search.count).collect();
    Ok(Page { total, items: named(ctx, page).await? })
}

/// `Location/{id}`.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn location(ctx: &Ctx, id: &HsdsId) -> Result<Option<NamedLocation>> {
    may_read(ctx)?;
    let mut conn = ctx.app.store.conn().await?;
    let found = db::locations_by_ids(&mut conn, std::slice::from_ref(id)).await?;
    drop(conn);
    Ok(named(ctx, found).await?.pop())
}
