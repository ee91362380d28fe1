//! The social map on behalf of a user: search, a service's page, and the
//! "check now" workflow that keeps entries current. [`fhir`] answers the
//! FHIR searches of the same map.

pub mod fhir;
mod request;

pub use request::{SearchField, SearchFields, SearchProblem, SearchRequest};

use std::collections::HashMap;

use chrono::{Datelike, Timelike, Utc};
use wijkregie_core::access::{authorize, Action, Grant, Object, Refusal};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::search::{Age, RadiusKm};
use wijkregie_core::directory::{ForeignTaxonomy, ForeignTerm, HsdsId, Location, Service, ServiceStatus, TaxonomyTerm};
use wijkregie_core::region::{Network, Organization};
use wijkregie_search as search;
use wijkregie_store::directory::{self as db, ServiceChange};
use wijkregie_store::foreign_taxonomy as foreign_db;

use crate::audit::{guarded, Entry};
use crate::App;
use crate::Ctx;
use crate::{Error, Result};

/// Everything a service needs from around it to be indexed or shown.
pub(crate) struct Context {
    pub organizations: Vec<Organization>,
    pub networks: Vec<Network>,
    pub terms: Vec<TaxonomyTerm>,
    pub locations: Vec<Location>,
    /// Terms of other sources' taxonomies, searchable like hulpvragen.
    pub foreign_terms: Vec<ForeignTerm>,
    pub foreign_taxonomies: Vec<ForeignTaxonomy>,
    /// The HSDS ids organisations were imported with.
    pub organization_ids: std::collections::BTreeMap<Code, HsdsId>,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub(crate) async fn context(app: &App) -> Result<Context> {
    let mut conn = app.store.conn().await?;
    Ok(Context {
        organizations: wijkregie_store::region::organizations(&mut conn).await?,
        networks: wijkregie_store::region::networks(&mut conn).await?,
        terms: db::taxonomy_terms(&mut conn).await?,
        locations: db::locations(&mut conn).await?,
        foreign_terms: foreign_db::terms(&mut conn).await?,
        foreign_taxonomies: foreign_db::taxonomies(&mut conn).await?,
        organization_ids: foreign_db::organization_ids(&mut conn).await?,
    })
}

/// The context of one service: its organisation, its locations, its
/// hulpvragen, and the networks (to know where its organisation is a
/// partner). Read by key, so a service opens in the same few reads whatever
/// the size of the social map.
#[tracing::instrument(skip_all, err(level = "info"))]
pub(crate) async fn service_context(app: &App, service: &Service) -> Result<Context> {
    let mut conn = app.store.conn().await?;
    let mut terms = Vec::with_capacity(service.taxonomy_terms.len());
    for code in &service.taxonomy_terms {
        terms.extend(db::taxonomy_term(&mut conn, code).await?);
    }
    let foreign_terms = foreign_db::terms_by_ids(&mut conn, &service.foreign_terms).await?;
    let mut taxonomy_ids: Vec<HsdsId> = foreign_terms.iter().map(|t| t.taxonomy.clone()).collect();
    taxonomy_ids.sort();
    taxonomy_ids.dedup();
    Ok(Context {
        organizations: wijkregie_store::region::organization(&mut conn, &service.organization)
            .await?
            .into_iter()
            .collect(),
        networks: wijkregie_store::region::networks(&mut conn).await?,
        terms,
        locations: db::locations_by_ids(&mut conn, &service.locations).await?,
        foreign_taxonomies: foreign_db::taxonomies_by_ids(&mut conn, &taxonomy_ids).await?,
        foreign_terms,
        organization_ids: foreign_db::organization_ids_of(&mut conn, std::slice::from_ref(&service.organization))
            .await?,
    })
}

impl Context {
    pub(crate) fn partner_in(&self, organization: &Code) -> Vec<Code> {
        self.networks
            .iter()
            .filter(|n| n.partners.iter().any(|m| &m.member == organization))
            .map(|n| n.code.clone())
            .collect()
    }

    pub(crate) fn doc(&self, s: &Service) -> search::ServiceDoc {
        Lookup::new(self).doc(s)
    }

    /// The foreign terms with the name of their taxonomy.
    fn foreign_with_taxonomy(&self) -> Vec<(String, ForeignTerm)> {
        self.foreign_terms
            .iter()
            .map(|t| {
                let name = self.foreign_taxonomies.iter().find(|x| x.id == t.taxonomy).map(|x| x.name.clone());
                (name.unwrap_or_default(), t.clone())
            })
            .collect()
    }
}

/// The context by key, so that turning 100,000 services into index
/// documents does not search 30,000 organisations and 45,000 locations for
/// each one.
struct Lookup<'a> {
    organizations: HashMap<&'a Code, &'a Organization>,
    terms: HashMap<&'a Code, &'a TaxonomyTerm>,
    foreign: HashMap<&'a HsdsId, &'a ForeignTerm>,
    organization_ids: &'a std::collections::BTreeMap<Code, HsdsId>,
    locations: HashMap<&'a HsdsId, &'a Location>,
    /// The networks each organisation is a partner in.
    partner_in: HashMap<&'a Code, Vec<&'a Code>>,
}

impl<'a> Lookup<'a> {
    fn new(cx: &'a Context) -> Self {
        Lookup {
            organizations: cx.organizations.iter().map(|o| (&o.code, o)).collect(),
            terms: cx.terms.iter().map(|t| (&t.code, t)).collect(),
            foreign: cx.foreign_terms.iter().map(|t| (&t.id, t)).collect(),
            organization_ids: &cx.organization_ids,
            locations: cx.locations.iter().map(|l| (&l.id, l)).collect(),
            partner_in: cx.networks.iter().fold(HashMap::new(), |mut map, n| {
                for m in &n.partners {
                    map.entry(&m.member).or_insert_with(Vec::new).push(&n.code);
                }
                map
            }),
        }
    }

    fn doc(&self, s: &Service) -> search::ServiceDoc {
        search::ServiceDoc {
            id: s.id.to_string(),
            name: s.name.clone(),
            alternate_name: s.alternate_name.clone(),
            description: s.description.clone(),
            organization_name: self
                .organizations
                .get(&s.organization)
                .map_or_else(|| s.organization.to_string(), |o| o.name.clone()),
            // The code for pages, the HSDS id for the HSDS API's organization_id.
            // The code for pages, the HSDS ids (ours, and the one it was
            // imported with) for the HSDS API's organization_id.
            organization_ids: [
                Some(s.organization.to_string()),
                Some(wijkregie_formats::hsds::organization_id(&s.organization).to_string()),
                self.organization_ids.get(&s.organization).map(ToString::to_string),
            ]
            .into_iter()
            .flatten()
            .collect(),
            taxonomy_terms: s
                .taxonomy_terms
                .iter()
                .filter_map(|code| self.terms.get(code))
                .map(|t| search::TermDoc { id: t.code.to_string(), name: t.name.clone(), synonyms: t.synonyms.clone() })
                // The source's own terms are searchable by name like hulpvragen.
                .chain(s.foreign_terms.iter().filter_map(|id| self.foreign.get(id)).map(|t| search::TermDoc {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    synonyms: Vec::new(),
                }))
                .collect(),
            domain: s.domain.code().to_owned(),
            pathways: s.pathways.iter().map(|p| p.code().to_owned()).collect(),
            languages: s.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            free_of_charge: s.free_of_charge,
            min_age: s.minimum_age,
            max_age: s.maximum_age,
            wijken: s.serves_wijken.iter().map(ToString::to_string).collect(),
            // A service belongs to the networks it says it serves and to
            // those its organisation is a partner in.
            networks: s
                .serves_networks
                .iter()
                .cloned()
                .chain(self.partner_in.get(&s.organization).into_iter().flatten().map(|c| (*c).clone()))
                .map(|c| c.to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            status: s.status.code().to_owned(),
            locations: s
                .locations
                .iter()
                .filter_map(|id| self.locations.get(id))
                .filter_map(|l| l.point)
                .map(|p| search::GeoPoint { lat: p.latitude, lon: p.longitude })
                .collect(),
            opening: s
                .schedule
                .slots
                .iter()
                .map(|slot| search::OpeningSlot {
                    weekday: slot.weekday,
                    opens_minute: minute_of_day(slot.opens),
                    closes_minute: minute_of_day(slot.closes),
                })
                .collect(),
        }
    }
}

fn minute_of_day(t: chrono::NaiveTime) -> u16 {
    // At most 23 * 60 + 59, so it fits.
    (t.hour() * 60 + t.minute()) as u16
}

/// Services read per round while rebuilding: enough to keep the indexing
/// threads busy, few enough that a national directory is never in memory
/// whole (which would more than double the server's resident memory).
const REBUILD_PAGE: usize = 2_000;

/// Builds the index from the database; at start and after bulk imports.
/// Reading pages of services and indexing them run side by side: tantivy
/// indexes on its own threads while the next page is read.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn rebuild_index(app: &App) -> Result<usize> {
    let cx = context(app).await?;
    let lookup = Lookup::new(&cx);
    // Pages, not single documents, go through the channel: a wake-up of the
    // indexing thread per document cost more than the reading.
    type Page = std::result::Result<Vec<search::ServiceDoc>, String>;
    let (pages, mut received) = tokio::sync::mpsc::channel::<Page>(2);
    let index = std::sync::Arc::clone(&app.search);
    let indexing = tokio::task::spawn_blocking(move || {
        let docs = std::iter::from_fn(move || received.blocking_recv()).flat_map(|page| match page {
            Ok(docs) => docs.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        });
        index.try_rebuild(docs)
    });
    let mut conn = app.store.conn().await?;
    let (mut count, mut after) = (0, None);
    loop {
        let page = match db::services_page(&mut conn, after.as_ref(), REBUILD_PAGE).await {
            Ok(page) => page,
            Err(e) => {
                // Makes the rebuild fail, so the index keeps what it had.
                let _ = pages.send(Err(e.to_string())).await;
                break;
            }
        };
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        count += page.len();
        // A closed channel means indexing stopped with an error of its own,
        // which `indexing` returns below.
        if pages.send(Ok(page.iter().map(|s| lookup.doc(s)).collect())).await.is_err() {
            break;
        }
    }
    drop(pages);
    drop(conn);
    indexing.await.map_err(|e| Error::Internal(e.into()))?.map_err(|e| Error::Internal(e.into()))?;
    Ok(count)
}

/// Where a postcode lies, from the imported centroids (PC6, else PC4).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn postcode_point(
    app: &App,
    postcode: &wijkregie_core::codes::PostcodeArea,
) -> Result<Option<wijkregie_core::directory::GeoPoint>> {
    let mut conn = app.store.conn().await?;
    Ok(db::area_point(&mut conn, postcode).await?)
}

pub const PAGE_SIZE: usize = 20;

/// What the search form offers to choose from: the hulpvragen, the wijken
/// and (signed in only) the networks, by name.
pub struct Choices {
    pub terms: Vec<wijkregie_core::directory::TaxonomyTerm>,
    pub wijken: Vec<wijkregie_core::region::Wijk>,
    pub networks: Vec<wijkregie_core::region::Network>,
}

/// The choices of the search form; the public map leaves out the networks.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn choices(app: &App, public: bool) -> Result<Choices> {
    let mut conn = app.store.conn().await?;
    let terms = db::taxonomy_terms(&mut conn).await?;
    let wijken = wijkregie_store::region::wijken(&mut conn).await?;
    let mut networks = if public { Vec::new() } else { wijkregie_store::region::networks(&mut conn).await? };
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Choices { terms, wijken, networks })
}

/// A practice searches from its own door: the postcode of the user's
/// practice, if the user works for one.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn own_postcode(ctx: &Ctx) -> Result<Option<wijkregie_core::codes::Postcode>> {
    let wijkregie_core::access::Scope::Practice(agb) = &ctx.principal.scope else {
        return Ok(None);
    };
    let mut conn = ctx.app.store.conn().await?;
    Ok(wijkregie_store::region::practice(&mut conn, agb).await?.map(|p| p.address.postcode))
}

/// Whether the user may add a service to the map somewhere (the form
/// itself asks again for the organisation chosen).
pub fn may_add(ctx: &Ctx) -> bool {
    authorize(&ctx.principal, Action::Create, Object::Directory).is_ok()
}

pub struct Found {
    pub service: Service,
    pub organization: String,
    /// Where to put it on a map: its location nearest the searched point
    /// (the first with a point when no point was searched).
    pub point: Option<wijkregie_core::directory::GeoPoint>,
    pub distance_km: Option<f64>,
    pub why: Vec<String>,
    pub stale: bool,
}

pub struct SearchResult {
    pub total: usize,
    pub found: Vec<Found>,
}

fn query(request: &SearchRequest, offset: usize, limit: usize) -> search::Query {
    let now = wijkregie_core::clock::nl_now();
    search::Query {
        text: request.text.clone(),
        domain: request.domain.clone(),
        pathway: request.pathway.clone(),
        taxonomy_term: request.term.clone(),
        age: request.age.map(Age::years),
        free_only: request.free_only,
        language: request.language.clone(),
        open_at: request.open_now.then(|| (now.weekday().number_from_monday() as u8, minute_of_day(now.time()))),
        wijk: request.wijk.clone(),
        network: request.network.clone(),
        include_inactive: request.include_inactive,
        near: request.near.map(|p| search::GeoPoint { lat: p.latitude, lon: p.longitude }),
        radius_km: request.radius.map(RadiusKm::km),
        organization: None,
        offset,
        limit,
    }
}

/// One page of the services matching the request, best first, and how many
/// match in all: for the HSDS API, which pages itself. `organization` is an
/// organisation's code or HSDS id. Only the page's services are read from
/// the database.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn search_all(
    ctx: &Ctx,
    request: &SearchRequest,
    organization: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<Service>)> {
    let mut query = query(request, offset, limit);
    query.organization = organization.map(str::to_owned);
    let results = ctx.app.search.search(&query).map_err(|e| Error::Internal(e.into()))?;
    let mut conn = ctx.app.store.conn().await?;
    let services = db::services_by_ids(&mut conn, &hit_ids(&results)).await?;
    Ok((results.total, services))
}

/// The ids of the hits, in rank order. The index only holds ids the
/// database gave it, so one that does not parse is left out like a
/// service deleted since.
fn hit_ids(results: &search::Results) -> Vec<HsdsId> {
    results.hits.iter().filter_map(|hit| hit.id.parse().ok()).collect()
}

/// A page of the search: the social map holds no personal data and every
/// signed-in user sees all of it, so no principal is needed (the public map
/// uses this too, and only ever asks for active services).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn search(app: &App, request: &SearchRequest) -> Result<SearchResult> {
    let now = wijkregie_core::clock::nl_now();
    let query = query(request, request.page.index().saturating_mul(PAGE_SIZE), PAGE_SIZE);
    let results = app.search.search(&query).map_err(|e| Error::Internal(e.into()))?;
    let mut conn = app.store.conn().await?;
    let services: HashMap<String, Service> =
        db::services_by_ids(&mut conn, &hit_ids(&results)).await?.into_iter().map(|s| (s.id.to_string(), s)).collect();
    let mut codes: Vec<Code> = services.values().map(|s| s.organization.clone()).collect();
    codes.sort();
    codes.dedup();
    let organizations = wijkregie_store::region::organizations_by_codes(&mut conn, &codes).await?;
    let mut location_ids: Vec<HsdsId> = services.values().flat_map(|s| s.locations.iter().cloned()).collect();
    location_ids.sort();
    location_ids.dedup();
    let points: HashMap<HsdsId, wijkregie_core::directory::GeoPoint> = db::locations_by_ids(&mut conn, &location_ids)
        .await?
        .into_iter()
        .filter_map(|l| Some((l.id, l.point?)))
        .collect();
    drop(conn);
    let point_of = |s: &Service| {
        let mut at = s.locations.iter().filter_map(|id| points.get(id).copied());
        match request.near {
            Some(near) => at.min_by(|a, b| a.distance_km(near).total_cmp(&b.distance_km(near))),
            None => at.next(),
        }
    };
    let today = now.date();
    let found = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let service = services.get(&hit.id)?.clone();
            let organization = organizations
                .iter()
                .find(|o| o.code == service.organization)
                .map_or_else(|| service.organization.to_string(), |o| o.name.clone());
            Some(Found {
                stale: service.is_stale(today, app.config.stale_after_days),
                point: point_of(&service),
                organization,
                distance_km: hit.distance_km,
                why: hit.why,
                service,
            })
        })
        .collect();
    Ok(SearchResult { total: results.total, found })
}

pub struct ServiceDetail {
    pub service: Service,
    pub organization: Option<Organization>,
    pub locations: Vec<Location>,
    pub terms: Vec<TaxonomyTerm>,
    /// The source's own terms the service carries, each with its taxonomy's name.
    pub foreign_terms: Vec<(String, ForeignTerm)>,
    pub history: Vec<ServiceChange>,
    pub may_edit: bool,
    /// Whether the user may refer a patient of their own practice here:
    /// only to an active service.
    pub may_refer: bool,
    pub stale: bool,
}

/// Whether the user may refer a patient of their own practice to `s`.
fn may_refer(ctx: &Ctx, s: &Service) -> bool {
    let wijkregie_core::access::Scope::Practice(own) = &ctx.principal.scope else {
        return false;
    };
    let referral = Object::Referral { referring_practice: own, receiving_organization: &s.organization };
    s.status == ServiceStatus::Active && authorize(&ctx.principal, Action::Create, referral).is_ok()
}

pub(crate) fn decision(ctx: &Ctx, cx: &Context, s: &Service, action: Action) -> std::result::Result<Grant, Refusal> {
    let partner_in = cx.partner_in(&s.organization);
    authorize(&ctx.principal, action, Object::Service { organization: &s.organization, partner_in: &partner_in })
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn service(ctx: &Ctx, id: &HsdsId) -> Result<ServiceDetail> {
    let mut conn = ctx.app.store.conn().await?;
    let service = db::service(&mut conn, id).await?.ok_or_else(|| Error::NotFound(format!("voorziening {id}")))?;
    let history = db::service_history(&mut conn, id).await?;
    drop(conn);
    let cx = service_context(&ctx.app, &service).await?;
    decision(ctx, &cx, &service, Action::View)?;
    Ok(ServiceDetail {
        may_edit: decision(ctx, &cx, &service, Action::Edit).is_ok(),
        may_refer: may_refer(ctx, &service),
        stale: service.is_stale(wijkregie_core::clock::nl_now().date(), ctx.app.config.stale_after_days),
        organization: cx.organizations.iter().find(|o| o.code == service.organization).cloned(),
        locations: cx.locations.iter().filter(|l| service.locations.contains(&l.id)).cloned().collect(),
        terms: cx.terms.iter().filter(|t| service.taxonomy_terms.contains(&t.code)).cloned().collect(),
        foreign_terms: cx.foreign_with_taxonomy(),
        history,
        service,
    })
}

/// An active service as the public map shows it: no history and nothing to
/// edit. Inactive, defunct and closed services do not exist publicly.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn public_service(app: &App, id: &HsdsId) -> Result<ServiceDetail> {
    let mut conn = app.store.conn().await?;
    let service = db::service(&mut conn, id)
        .await?
        .filter(|s| s.status == ServiceStatus::Active)
        .ok_or_else(|| Error::NotFound(format!("voorziening {id}")))?;
    drop(conn);
    let cx = service_context(app, &service).await?;
    Ok(ServiceDetail {
        may_edit: false,
        may_refer: false,
        stale: false,
        organization: cx.organizations.iter().find(|o| o.code == service.organization).cloned(),
        locations: cx.locations.iter().filter(|l| service.locations.contains(&l.id)).cloned().collect(),
        terms: cx.terms.iter().filter(|t| service.taxonomy_terms.contains(&t.code)).cloned().collect(),
        foreign_terms: cx.foreign_with_taxonomy(),
        history: Vec::new(),
        service,
    })
}

/// "Still correct": stamps today's check, keeps it in the history, logs it
/// and updates the index at once.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn assure(ctx: &Ctx, id: &HsdsId) -> Result<()> {
    let mut conn = ctx.app.store.conn().await?;
    let service = db::service(&mut conn, id).await?.ok_or_else(|| Error::NotFound(format!("voorziening {id}")))?;
    drop(conn);
    let cx = service_context(&ctx.app, &service).await?;
    let entry = Entry {
        event: "service.assure",
        action: AuditAction::Update,
        object_type: "service",
        object_id: Some(id.as_str()),
    };
    let mut tx = guarded(ctx, entry, decision(ctx, &cx, &service, Action::Edit)).await?;
    let change = ServiceChange {
        changed_at: Utc::now(),
        user_id: Some(ctx.principal.user_id),
        summary: "gecontroleerd: nog juist".into(),
    };
    db::assure(tx.conn(), id, &change).await?;
    let updated = db::service(tx.conn(), id).await?.ok_or_else(|| Error::NotFound(format!("voorziening {id}")))?;
    tx.commit().await?;
    ctx.app.search.upsert(cx.doc(&updated)).map_err(|e| Error::Internal(e.into()))?;
    Ok(())
}
