//! The use cases of wijkregie, one module per capability, below every front
//! end: the web pages, the JSON, HSDS and FHIR APIs, the CLI, the tests and
//! the benchmarks all call the same functions here. Each one authorises
//! (`core::access::authorize`), reads or writes through `store`, and writes
//! its audit entry in the same transaction. Nothing here knows HTTP: errors
//! are [`Error`]s, and `web` alone turns them into statuses and pages.

pub mod account;
pub mod application;
pub mod audit;
pub mod audit_log;
pub mod boundary;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod directory;
pub mod directory_edit;
mod error;
pub mod finance;
pub mod flash;
pub mod home;
mod housekeeping;
pub mod hsds;
pub mod import_worker;
pub mod key_check;
pub mod key_rotation;
pub mod mail;
pub mod network_figures;
pub mod password_reset;
pub mod population;
pub mod postcodes;
pub mod practice_import;
pub mod public_map;
pub mod referral;
pub mod referral_link;
pub mod referral_mail;
pub mod referral_reach;
pub mod refusal;
pub mod region;
pub mod region_data;
pub mod second_factor;
pub mod taxonomy;
pub mod throttle;
pub mod upkeep;

use std::sync::Arc;
use std::time::Instant;

use wijkregie_core::access::Principal;
use wijkregie_store::crypto::FieldKey;
use wijkregie_store::Store;

pub use audit::{guarded, Actor, Entry};
pub use config::{Config, Smtp};
pub use error::{Error, Result};
pub use housekeeping::housekeeping;

/// The application: its database, settings, search index, field key and
/// in-memory population data. Cheap to clone; every front end holds one.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: Arc<Config>,
    /// The social map's search index: rebuilt from the database at start
    /// ([`App::start`]) and updated on every change.
    pub search: Arc<wijkregie_search::Index>,
    /// Seals the personal data of referrals (see `store::crypto`).
    pub field_key: Arc<FieldKey>,
    /// The region's population data in memory, reused until an import or
    /// a change of the wijken (`region_data`).
    pub region_data: Arc<region_data::RegionCache>,
    /// The last check of the audit log's chain, for the home page.
    pub chain_check: Arc<audit_log::LastChainCheck>,
    /// Wakes the mail sender when an urgent mail (a code, a reset link) is
    /// queued, so nobody waits for the next minute.
    pub mail_wake: Arc<tokio::sync::Notify>,
}

/// What start-up did, for the operator's log.
pub struct Started {
    pub app: App,
    /// Set when the demo was asked for: whether it filled the database.
    pub demo: Option<demo::Seeded>,
    /// Services in the search index.
    pub indexed: usize,
    pub index_ms: u64,
}

impl App {
    /// The application on an open store, with the data every database
    /// starts with ([`prepare`]), but without a search index: for commands
    /// that import, export or report and then stop.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn open(store: Store, config: Config, field_key: FieldKey) -> Result<App> {
        prepare(&store).await?;
        let app = App {
            store,
            config: Arc::new(config),
            search: Arc::new(wijkregie_search::Index::new().map_err(anyhow::Error::from)?),
            field_key: Arc::new(field_key),
            region_data: Arc::default(),
            chain_check: Arc::default(),
            mail_wake: Arc::default(),
        };
        credentials::one_time_code::seal_plaintext_secrets(&app).await?;
        Ok(app)
    }

    /// The one start-up sequence of a serving application (the server, the
    /// tests, the benchmarks): [`App::open`], the demo region when asked
    /// for, the search index built from the database, and the region's
    /// population data read in the background.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn start(store: Store, config: Config, field_key: FieldKey, demo: bool) -> Result<Started> {
        let app = App::open(store, config, field_key).await?;
        let demo = if demo { Some(demo::seed(&app).await?) } else { None };
        let started = Instant::now();
        let indexed = directory::rebuild_index(&app).await?;
        let index_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        tracing::info!(services = indexed, index_ms, "zoekindex van de sociale kaart opgebouwd");
        region_data::warm(&app);
        Ok(Started { app, demo, indexed, index_ms })
    }

    /// Whether the database answers, for `/healthz`.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// Closes the database's connections, after the last request.
    pub async fn close(&self) {
        self.store.close().await;
    }
}

/// Data every database starts with: the shipped taxonomy of hulpvragen,
/// loaded once into an empty database (the region edits it from then on).
async fn prepare(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    let added = wijkregie_store::directory::seed_taxonomy(tx.conn(), &wijkregie_formats::taxonomy::shipped()).await?;
    tx.commit().await?;
    if added > 0 {
        tracing::info!(terms = added, "taxonomie van hulpvragen geladen");
    }
    Ok(())
}

/// Who acts in a use case: the application, the principal that
/// `authorize` decides on, and the actor the audit log records.
#[derive(Clone)]
pub struct Ctx {
    pub app: App,
    pub principal: Principal,
    pub actor: Actor,
}

impl Ctx {
    /// A signed-in user (or API token), from `client_addr`.
    pub fn new(app: App, principal: Principal, client_addr: Option<String>) -> Self {
        let actor = Actor::new(Some(principal.clone()), &app.config.instance, client_addr);
        Ctx { app, principal, actor }
    }

    /// The operator running the `wijkregie` command on the server.
    pub fn operator(app: App) -> Self {
        Ctx::new(app, Principal::operator(), Some("cli".into()))
    }
}
