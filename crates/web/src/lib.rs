//! HTTP for wijkregie, and nothing else: Dutch pages for people, the JSON,
//! HSDS and FHIR APIs for machines, sessions, CSRF and tokens, and the one
//! mapping from `app` errors to responses. Every use case is a call into
//! `wijkregie_app`; this crate's public face is [`router`] and [`serve`].

mod api;
mod auth;
mod client_addr;
mod ctx;
mod error;
mod flash;
mod metrics;
mod ops;
mod pages;
mod security_headers;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use wijkregie_app::App;

/// The largest body a route takes unless it says otherwise (the upload
/// routes allow [`auth::MAX_UPLOAD`]): a JSON document for the API.
pub(crate) const MAX_JSON: usize = 16 * 1024 * 1024;

/// The whole application as one router: pages, API, operations.
pub fn router(app: App) -> Router {
    let metrics = Arc::new(metrics::Metrics::default());
    let authenticated = Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(api::fhir::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), auth::middleware));
    Router::new()
        .merge(authenticated)
        .layer(axum::middleware::from_fn(error::render))
        // Old page paths redirect before a session is looked up: a redirect needs none.
        .merge(pages::moved::routes())
        .merge(ops::routes(Arc::clone(&metrics)))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        .layer(DefaultBodyLimit::max(MAX_JSON))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(60)))
        // Outside everything else, so that errors and timeouts carry them too.
        .layer(axum::middleware::from_fn_with_state(
            security_headers::Https(app.config.secure_cookies),
            security_headers::add,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}

/// Unknown paths: problem JSON under /api, a Dutch page elsewhere.
async fn not_found(visit: auth::Visit, uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/fhir/") {
        return axum::response::IntoResponse::into_response(error::HttpError(wijkregie_app::Error::NotFound(format!(
            "FHIR-route {}",
            uri.path()
        ))));
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

/// Serves until Ctrl-C or SIGTERM, then lets running requests finish. The
/// app's housekeeping runs beside it.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "wijkregie luistert op http://{addr}");
    let housekeeping = tokio::spawn(wijkregie_app::housekeeping(app.clone()));
    axum::serve(listener, router(app.clone()).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    housekeeping.abort();
    app.close().await;
    tracing::info!("wijkregie is gestopt");
    Ok(())
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
