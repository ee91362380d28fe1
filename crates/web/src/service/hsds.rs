//! Reads behind the HSDS API: the whole directory as the export sees it,
//! and the places where found services are delivered. Rendering stays in
//! `formats::hsds`, so the API and the datapackage export give the same ids
//! and shapes.

use wijkregie_core::codes::Code;
use wijkregie_core::directory::{GeoPoint, HsdsId, Service};
use wijkregie_core::region::Organization;
use wijkregie_formats::hsds::{self, Directory};
use wijkregie_store::directory_filter::ServiceFilter;

use crate::error::Result;
use crate::service::directory::{self as social_map, SearchRequest};
use crate::service::Ctx;

/// The social map with the names it refers to: what the export writes.
pub async fn directory(ctx: &Ctx) -> Result<Directory> {
    let mut conn = ctx.state.store.conn().await?;
    let services = wijkregie_store::directory::services(&mut conn).await?;
    drop(conn);
    with_services(ctx, services).await
}

/// The services of one organisation: with [`directory_without_services`]
/// everything `/organizations/{id}` renders, without reading every service
/// of the map (100,000 at national scale).
pub async fn services_of(ctx: &Ctx, organization: &Code) -> Result<Vec<Service>> {
    let mut conn = ctx.state.store.conn().await?;
    let filter = ServiceFilter { organizations: vec![vec![organization.to_string()]], ..ServiceFilter::default() };
    let ids: Vec<HsdsId> = wijkregie_store::directory_filter::service_names(&mut conn, &filter)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(wijkregie_store::directory::services_by_ids(&mut conn, &ids).await?)
}

/// The directory without services: enough for the list of organisations,
/// whose rows hold only the organisations' own fields.
pub async fn directory_without_services(ctx: &Ctx) -> Result<Directory> {
    with_services(ctx, Vec::new()).await
}

async fn with_services(ctx: &Ctx, services: Vec<Service>) -> Result<Directory> {
    let mut conn = ctx.state.store.conn().await?;
    Ok(Directory {
        organizations: wijkregie_store::region::organizations(&mut conn).await?,
        locations: wijkregie_store::directory::locations(&mut conn).await?,
        services,
        taxonomy: wijkregie_store::directory::taxonomy_terms(&mut conn).await?,
        wijken: wijkregie_store::region::wijken(&mut conn).await?.into_iter().map(|w| (w.code, w.name)).collect(),
        networks: wijkregie_store::region::networks(&mut conn).await?.into_iter().map(|n| (n.code, n.name)).collect(),
    })
}

/// The organisation whose HSDS id this is.
pub fn organization<'a>(directory: &'a Directory, id: &HsdsId) -> Option<&'a Organization> {
    directory.organizations.iter().find(|o| &hsds::organization_id(&o.code) == id)
}

/// The hulpvraag code behind a `taxonomy_term_id`: HSDS means the term's
/// id, the social map page and `/services` use its code; both are taken.
pub async fn term_code(ctx: &Ctx, id_or_code: &str) -> Result<String> {
    let mut conn = ctx.state.store.conn().await?;
    let terms = wijkregie_store::directory::taxonomy_terms(&mut conn).await?;
    Ok(terms
        .iter()
        .find(|t| hsds::taxonomy_term_id(hsds::TAXONOMY_HULPVRAAG, t.code.as_str()).as_str() == id_or_code)
        .map_or_else(|| id_or_code.to_owned(), |t| t.code.to_string()))
}

/// The services the request finds, best first, of one organisation if
/// given, each keeping only the locations within the request's radius: a
/// service with a far location and a near one is near only at the near one.
pub async fn at_locations(
    ctx: &Ctx,
    request: &SearchRequest,
    organization: Option<&HsdsId>,
    directory: &Directory,
) -> Result<Vec<Service>> {
    // Every match: service-at-location pages are cut from this list, not
    // from the index (a service stands in it once per nearby location).
    const ALL: usize = 100_000;
    let (_, found) = social_map::search_all(ctx, request, organization.map(|id| id.as_str()), 0, ALL).await?;
    let near = |location: &HsdsId| match (request.near, request.radius_km) {
        (Some(centre), Some(radius_km)) => directory
            .locations
            .iter()
            .find(|l| &l.id == location)
            .and_then(|l| l.point)
            .is_some_and(|p: GeoPoint| p.distance_km(centre) <= radius_km),
        _ => true,
    };
    Ok(found
        .into_iter()
        .filter(|s| organization.is_none_or(|id| &hsds::organization_id(&s.organization) == id))
        .map(|mut s| {
            s.locations.retain(|l| near(l));
            s
        })
        .collect())
}

/// The service and location behind a service-at-location id.
pub fn service_at_location<'a>(directory: &'a Directory, id: &HsdsId) -> Option<(&'a Service, &'a HsdsId)> {
    directory
        .services
        .iter()
        .find_map(|s| s.locations.iter().find(|l| &hsds::service_at_location_id(&s.id, l) == id).map(|l| (s, l)))
}
