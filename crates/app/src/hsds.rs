//! The social map as Open Referral HSDS 3.0: reads behind the HSDS API
//! (the whole directory as the export sees it, and the places where found
//! services are delivered), and the import and export of a whole map
//! (`wijkregie import hsds`, `wijkregie export hsds`; docs/hsds.md).
//! Parsing and rendering stay in `formats::hsds`, so the API and the
//! datapackage export give the same ids and shapes.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::search::RadiusKm;
use wijkregie_core::directory::{GeoPoint, HsdsId, Service};
use wijkregie_core::region::Organization;
use wijkregie_core::FieldError;
use wijkregie_formats::hsds::{self, Directory, Known, OrganizationCode};
use wijkregie_store::directory::{self as dir_db, ServiceChange};
use wijkregie_store::directory_filter::ServiceFilter;
use wijkregie_store::foreign_taxonomy as foreign_db;
use wijkregie_store::region as region_db;

use crate::audit::{check, record, Entry};
use crate::directory::{self as social_map, SearchRequest};
use crate::{Ctx, Error, Result};

/// The social map with the names it refers to: what the export writes.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn directory(ctx: &Ctx) -> Result<Directory> {
    let mut conn = ctx.app.store.conn().await?;
    let services = wijkregie_store::directory::services(&mut conn).await?;
    drop(conn);
    with_services(ctx, services).await
}

/// The services of one organisation: with [`directory_without_services`]
/// everything `/organizations/{id}` renders, without reading every service
/// of the map (100,000 at national scale).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn services_of(ctx: &Ctx, organization: &Code) -> Result<Vec<Service>> {
    let mut conn = ctx.app.store.conn().await?;
    let filter = ServiceFilter { organizations: vec![vec![organization.to_string()]], ..ServiceFilter::default() };
    let ids: Vec<HsdsId> = wijkregie_store::directory_filter::service_names(&mut conn, &filter)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(wijkregie_store::directory::services_by_ids(&mut conn, &ids).await?)
}

/// What `services` name in their HSDS bodies: only their organisations and
/// locations, with the taxonomy, wijken and networks. The services are not
/// put in the directory; the caller renders them.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn names_for(ctx: &Ctx, services: &[Service]) -> Result<Directory> {
    let mut codes: Vec<Code> = services.iter().map(|s| s.organization.clone()).collect();
    codes.sort();
    codes.dedup();
    let location_ids: Vec<HsdsId> = services.iter().flat_map(|s| s.locations.iter().cloned()).collect();
    let mut foreign_ids: Vec<HsdsId> = services.iter().flat_map(|s| s.foreign_terms.iter().cloned()).collect();
    foreign_ids.sort();
    foreign_ids.dedup();
    let mut conn = ctx.app.store.conn().await?;
    let foreign_terms = foreign_db::terms_by_ids(&mut conn, &foreign_ids).await?;
    let mut taxonomy_ids: Vec<HsdsId> = foreign_terms.iter().map(|t| t.taxonomy.clone()).collect();
    taxonomy_ids.sort();
    taxonomy_ids.dedup();
    let foreign_taxonomies = foreign_db::taxonomies_by_ids(&mut conn, &taxonomy_ids).await?;
    let organization_ids = foreign_db::organization_ids_of(&mut conn, &codes).await?;
    let organization_identifiers = foreign_db::organization_identifiers_of(&mut conn, &codes).await?;
    Ok(Directory {
        organizations: region_db::organizations_by_codes(&mut conn, &codes).await?,
        locations: dir_db::locations_by_ids(&mut conn, &location_ids).await?,
        services: Vec::new(),
        taxonomy: dir_db::taxonomy_terms(&mut conn).await?,
        wijken: region_db::wijken(&mut conn).await?.into_iter().map(|w| (w.code, w.name)).collect(),
        networks: region_db::networks(&mut conn).await?.into_iter().map(|n| (n.code, n.name)).collect(),
        foreign_taxonomies,
        foreign_terms,
        organization_ids,
        organization_identifiers,
    })
}

/// The directory without services: enough for the list of organisations,
/// whose rows hold only the organisations' own fields.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn directory_without_services(ctx: &Ctx) -> Result<Directory> {
    with_services(ctx, Vec::new()).await
}

async fn with_services(ctx: &Ctx, services: Vec<Service>) -> Result<Directory> {
    let mut conn = ctx.app.store.conn().await?;
    Ok(Directory {
        organizations: wijkregie_store::region::organizations(&mut conn).await?,
        locations: wijkregie_store::directory::locations(&mut conn).await?,
        services,
        taxonomy: wijkregie_store::directory::taxonomy_terms(&mut conn).await?,
        wijken: wijkregie_store::region::wijken(&mut conn).await?.into_iter().map(|w| (w.code, w.name)).collect(),
        networks: wijkregie_store::region::networks(&mut conn).await?.into_iter().map(|n| (n.code, n.name)).collect(),
        foreign_taxonomies: foreign_db::taxonomies(&mut conn).await?,
        foreign_terms: foreign_db::terms(&mut conn).await?,
        organization_ids: foreign_db::organization_ids(&mut conn).await?,
        organization_identifiers: foreign_db::organization_identifiers(&mut conn).await?,
    })
}

/// What `/taxonomies` lists: our taxonomies, which need nothing read, and
/// the foreign ones an import kept.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn taxonomies(ctx: &Ctx) -> Result<Directory> {
    let mut conn = ctx.app.store.conn().await?;
    Ok(Directory { foreign_taxonomies: foreign_db::taxonomies(&mut conn).await?, ..Directory::default() })
}

/// The organisation whose HSDS id this is.
pub fn organization<'a>(directory: &'a Directory, id: &HsdsId) -> Option<&'a Organization> {
    directory.organizations.iter().find(|o| &directory.organization_id(&o.code) == id)
}

/// The hulpvraag code behind a `taxonomy_term_id`: HSDS means the term's
/// id, the social map page and `/services` use its code; both are taken.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn term_code(ctx: &Ctx, id_or_code: &str) -> Result<String> {
    let mut conn = ctx.app.store.conn().await?;
    let terms = wijkregie_store::directory::taxonomy_terms(&mut conn).await?;
    Ok(terms
        .iter()
        .find(|t| hsds::taxonomy_term_id(hsds::TAXONOMY_HULPVRAAG, t.code.as_str()).as_str() == id_or_code)
        .map_or_else(|| id_or_code.to_owned(), |t| t.code.to_string()))
}

/// The services the request finds, best first, of one organisation if
/// given, each keeping only the locations within the request's radius: a
/// service with a far location and a near one is near only at the near one.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn at_locations(
    ctx: &Ctx,
    request: &SearchRequest,
    organization: Option<&HsdsId>,
    directory: &Directory,
) -> Result<Vec<Service>> {
    // Every match: service-at-location pages are cut from this list, not
    // from the index (a service stands in it once per nearby location).
    const ALL: usize = 100_000;
    let (_, found) = social_map::search_all(ctx, request, organization.map(HsdsId::as_str), 0, ALL).await?;
    let near = |location: &HsdsId| match (request.near, request.radius.map(RadiusKm::km)) {
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
        .filter(|s| organization.is_none_or(|id| &directory.organization_id(&s.organization) == id))
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

/// An HSDS file as it arrives: one JSON document (a list of services or API
/// pages), or a tabular datapackage as file name → contents.
pub enum Source {
    Json(String),
    Datapackage(BTreeMap<String, Vec<u8>>),
}

/// New, changed and unchanged records of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Count {
    /// Counts `new` against what was stored; true when it must be written.
    fn add<T: PartialEq>(&mut self, old: Option<&T>, new: &T) -> bool {
        match old {
            None => self.created += 1,
            Some(o) if o == new => {
                self.unchanged += 1;
                return false;
            }
            Some(_) => self.updated += 1,
        }
        true
    }

    fn changed(self) -> bool {
        self.created + self.updated > 0
    }
}

/// What an import did.
pub struct ImportReport {
    pub organizations: Count,
    pub locations: Count,
    pub services: Count,
    /// The source's own taxonomy terms.
    pub foreign_terms: Count,
    /// How each HSDS organisation got its code in wijkregie.
    pub organization_codes: Vec<OrganizationCode>,
    /// What was not taken over, each once.
    pub warnings: Vec<FieldError>,
    /// Whether organisations' HSDS ids or identifiers, or the source's
    /// taxonomies themselves, changed.
    pub identity_changed: bool,
}

impl ImportReport {
    pub fn changed(&self) -> bool {
        self.organizations.changed()
            || self.locations.changed()
            || self.services.changed()
            || self.foreign_terms.changed()
            || self.identity_changed
    }
}

/// What the history of an imported service says.
const SUMMARY: &str = "geïmporteerd uit HSDS";

/// Reads a whole social map, all or nothing: the file is checked completely
/// first (every problem in [`Error::Invalid`]), then everything is written
/// in one transaction, and only what differs, so a second import of the same
/// file changes nothing. `progress` hears how many services of how many
/// are written.
/// The search index is not touched: a server rebuilds it at start.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import(
    ctx: &Ctx,
    source: Source,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<ImportReport> {
    let entry =
        Entry { event: "directory.import", action: AuditAction::Execute, object_type: "directory", object_id: None };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut conn = ctx.app.store.conn().await?;
    let taxonomy = dir_db::taxonomy_terms(&mut conn).await?;
    let organizations = region_db::organizations(&mut conn).await?;
    let wijken: Vec<_> = region_db::wijken(&mut conn).await?.into_iter().map(|w| w.code).collect();
    let networks: Vec<_> = region_db::networks(&mut conn).await?.into_iter().map(|n| n.code).collect();
    let mappings = foreign_db::mappings(&mut conn).await?;
    let organization_ids = foreign_db::organization_ids(&mut conn).await?;
    drop(conn);
    let known = Known {
        taxonomy: &taxonomy,
        organizations: &organizations,
        wijken: &wijken,
        networks: &networks,
        mappings: &mappings,
        organization_ids: &organization_ids,
    };
    let imported = match &source {
        Source::Json(text) => hsds::parse_json(text, &known),
        Source::Datapackage(files) => hsds::parse_datapackage(files, &known),
    }
    .map_err(Error::Invalid)?;

    let mut tx = ctx.app.store.begin_bulk().await?;
    let old_orgs: HashMap<_, _> =
        region_db::organizations(tx.conn()).await?.into_iter().map(|o| (o.code.clone(), o)).collect();
    let old_locations: HashMap<_, _> =
        dir_db::locations(tx.conn()).await?.into_iter().map(|l| (l.id.clone(), l)).collect();
    let old_services: HashMap<_, _> =
        dir_db::services(tx.conn()).await?.into_iter().map(|s| (s.id.clone(), s)).collect();
    let (mut orgs, mut locations, mut services) = (Count::default(), Count::default(), Count::default());
    // Parents before children, as the foreign keys require; each kind in
    // multi-row statements, because a national export has 100,000 services.
    let new_orgs: Vec<_> =
        imported.organizations.iter().filter(|o| orgs.add(old_orgs.get(&o.code), *o)).cloned().collect();
    region_db::save_organizations(tx.conn(), &new_orgs).await?;
    let old_ids = foreign_db::organization_ids(tx.conn()).await?;
    let old_identifiers = foreign_db::organization_identifiers(tx.conn()).await?;
    let codes: Vec<Code> = imported.organizations.iter().map(|o| o.code.clone()).collect();
    let identity_changed = imported.organization_ids.iter().any(|(code, id)| old_ids.get(code) != Some(id))
        || old_identifiers.iter().filter(|i| codes.contains(&i.organization)).count()
            != imported.organization_identifiers.len()
        || imported.organization_identifiers.iter().any(|i| !old_identifiers.contains(i));
    if identity_changed {
        foreign_db::save_organization_ids(tx.conn(), &imported.organization_ids).await?;
        foreign_db::save_organization_identifiers(tx.conn(), &codes, &imported.organization_identifiers).await?;
    }
    // The source's taxonomies before the services that carry their terms.
    let old_terms: HashMap<_, _> = foreign_db::terms(tx.conn()).await?.into_iter().map(|t| (t.id.clone(), t)).collect();
    let mut foreign_terms = Count::default();
    let changed_terms = imported.foreign_terms.iter().filter(|t| foreign_terms.add(old_terms.get(&t.id), *t)).count();
    let old_taxonomies = foreign_db::taxonomies(tx.conn()).await?;
    let taxonomies_changed = imported.foreign_taxonomies.iter().any(|t| !old_taxonomies.contains(t));
    let identity_changed = identity_changed || taxonomies_changed;
    if changed_terms > 0 || taxonomies_changed {
        foreign_db::save(tx.conn(), &imported.foreign_taxonomies, &imported.foreign_terms).await?;
    }
    let new_locations: Vec<_> =
        imported.locations.iter().filter(|l| locations.add(old_locations.get(&l.id), *l)).cloned().collect();
    dir_db::save_locations(tx.conn(), &new_locations).await?;
    let change = ServiceChange { changed_at: Utc::now(), user_id: None, summary: SUMMARY.to_owned() };
    let new_services: Vec<_> =
        imported.services.iter().filter(|s| services.add(old_services.get(&s.id), *s)).cloned().collect();
    let mut written = 0;
    for chunk in new_services.chunks(2_000) {
        dir_db::save_services(tx.conn(), chunk, &change).await?;
        written += chunk.len();
        progress(written, new_services.len());
    }
    let report = ImportReport {
        organizations: orgs,
        locations,
        services,
        foreign_terms,
        organization_codes: imported.organization_codes,
        warnings: imported.warnings,
        identity_changed,
    };
    if report.changed() {
        record(&mut tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// The whole social map as a datapackage, file name → contents, for
/// `wijkregie export hsds`.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn export(ctx: &Ctx) -> Result<(Directory, BTreeMap<String, String>)> {
    let entry =
        Entry { event: "directory.export", action: AuditAction::Read, object_type: "directory", object_id: None };
    check(ctx, entry, authorize(&ctx.principal, Action::View, Object::Region)).await?;
    let directory = directory(ctx).await?;
    let files = hsds::render_datapackage(&directory);
    Ok((directory, files))
}
