//! The web side of wijkregie: Dutch pages for people, a JSON API for
//! machines, and what both need — authentication, CSRF, audit, errors.

pub mod api;
pub mod audit;
pub mod auth;
pub mod chart;
pub mod config;
pub mod demo;
pub mod error;
pub mod mail;
pub mod map;
mod metrics;
mod ops;
pub mod pages;
pub mod png;
pub mod service;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use wijkregie_store::Store;

pub use config::{Config, Smtp};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// The social map's search index: rebuilt from the database at start
    /// (`service::directory::rebuild_index`) and updated on every change.
    pub search: Arc<wijkregie_search::Index>,
    /// Seals the personal data of referrals (see `store::crypto`).
    pub field_key: Arc<wijkregie_store::crypto::FieldKey>,
    /// The region's population data in memory, reused until an import or
    /// a change of the wijken (`service::region_data`).
    pub region_data: Arc<service::region_data::RegionCache>,
    metrics: Arc<metrics::Metrics>,
}

impl AppState {
    pub fn new(store: Store, config: Config, field_key: wijkregie_store::crypto::FieldKey) -> anyhow::Result<Self> {
        Ok(Self {
            store,
            config: Arc::new(config),
            search: Arc::new(wijkregie_search::Index::new()?),
            field_key: Arc::new(field_key),
            region_data: Arc::default(),
            metrics: Arc::new(metrics::Metrics::default()),
        })
    }
}

/// Data every database starts with: the shipped taxonomy of hulpvragen,
/// loaded once into an empty database (the region edits it from then on).
pub async fn prepare(store: &Store) -> Result<(), wijkregie_store::StoreError> {
    let mut tx = store.begin().await?;
    let added = wijkregie_store::directory::seed_taxonomy(tx.conn(), &wijkregie_formats::taxonomy::shipped()).await?;
    tx.commit().await?;
    if added > 0 {
        tracing::info!(terms = added, "taxonomie van hulpvragen geladen");
    }
    Ok(())
}

/// The whole application as one router: pages, API, operations.
pub fn app(state: AppState) -> Router {
    let authenticated = Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(api::fhir::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::middleware));
    Router::new()
        .merge(authenticated)
        .layer(axum::middleware::from_fn(api::fhir::outcomes))
        .merge(ops::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(60)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Unknown paths: problem JSON under /api, a Dutch page elsewhere.
async fn not_found(visit: auth::Visit, uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/fhir/") {
        return axum::response::IntoResponse::into_response(error::AppError::NotFound(format!(
            "FHIR-route {}",
            uri.path()
        )));
    }
    if uri.path().starts_with("/api/") {
        api::problem::problem_response(
            axum::http::StatusCode::NOT_FOUND,
            "deze API-route bestaat niet".into(),
            vec![],
            uri.path(),
        )
    } else {
        pages::not_found_page(&visit, uri.path())
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets running requests finish.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "wijkregie luistert op http://{addr}");
    let store = state.store.clone();
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    housekeeping.abort();
    store.close().await;
    tracing::info!("wijkregie is gestopt");
    Ok(())
}

/// Every minute: removes expired sessions and login attempts that no longer
/// count for throttling, erases the personal data of referrals past their
/// retention period, sends waiting notification mail, and reads the
/// region's population data again if it changed (at start too).
async fn housekeeping(state: AppState) {
    // Mail waits at most a minute; the rest of the work is cheap when idle.
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        let result = async {
            let mut tx = state.store.begin().await?;
            let sessions = wijkregie_store::account::delete_expired_sessions(tx.conn(), now).await?;
            let attempts =
                wijkregie_store::account::delete_login_attempts_before(tx.conn(), now - chrono::Duration::days(1))
                    .await?;
            tx.commit().await?;
            Ok::<_, wijkregie_store::StoreError>((sessions, attempts))
        }
        .await;
        match result {
            Ok((sessions, attempts)) => tracing::debug!(sessions, attempts, "housekeeping done"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
        match service::referral::erase_due(&state).await {
            Ok(0) => {}
            Ok(erased) => tracing::info!(erased, "persoonsgegevens van afgesloten verwijzingen verwijderd"),
            Err(e) => tracing::warn!(error = %e, "verwijderen na bewaartermijn mislukt"),
        }
        service::region_data::refresh(state.clone()).await;
        if let Some(smtp) = &state.config.smtp {
            match mail::send_outbox(&state, smtp).await {
                Ok((0, 0)) => {}
                Ok((sent, failed)) => tracing::info!(sent, failed, "meldingen verstuurd"),
                Err(e) => tracing::warn!(error = %e, "versturen van meldingen mislukt"),
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
