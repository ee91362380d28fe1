//! Endpoints for operators: health and metrics. They carry no user data and
//! need no login.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use wijkregie_app::App;

use crate::metrics::Metrics;

pub fn routes(metrics: Arc<Metrics>) -> Router<App> {
    let render = move || {
        let metrics = Arc::clone(&metrics);
        async move {
            ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], metrics.render())
        }
    };
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(render))
}

async fn healthz(State(app): State<App>) -> impl IntoResponse {
    match app.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error = %e, "gezondheidscontrole mislukt: database onbereikbaar");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database onbereikbaar" })))
        }
    }
}
