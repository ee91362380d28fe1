//! RFC 9457 problem details for every API error, including the ones axum
//! produces itself (unknown route, wrong method, unreadable body).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{title, ErrorReport};

/// A problem (RFC 9457). `errors` lists each invalid field with its JSON path.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub instance: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// JSON path of the value, e.g. `$.practices[0].agb`.
    pub field: String,
    pub message: String,
}

fn problem_type(status: StatusCode) -> String {
    match status.as_u16() {
        422 => "/api/v1/problems/invalid-input".into(),
        _ => "about:blank".into(),
    }
}

pub fn problem_response(status: StatusCode, detail: String, errors: Vec<ProblemField>, instance: &str) -> Response {
    let body = Problem {
        kind: problem_type(status),
        title: title(status).into(),
        status: status.as_u16(),
        detail,
        instance: instance.into(),
        errors,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

/// Renders every error response of the API as problem JSON, keeping
/// headers such as `Allow` and `Retry-After`.
pub async fn render(req: Request, next: Next) -> Response {
    let instance = req.uri().path().to_owned();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let already_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if already_problem {
        return response;
    }
    let (detail, errors) = match response.extensions().get::<ErrorReport>() {
        Some(report) => (
            report.detail.clone(),
            report.errors.iter().map(|e| ProblemField { field: e.field.clone(), message: e.message.clone() }).collect(),
        ),
        None => (axum_detail(status), vec![]),
    };
    let mut out = problem_response(status, detail, errors, &instance);
    for h in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(v) = response.headers().get(&h) {
            out.headers_mut().insert(h, v.clone());
        }
    }
    if status == StatusCode::UNAUTHORIZED && !out.headers().contains_key(header::WWW_AUTHENTICATE) {
        out.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"wijkregie\""));
    }
    out
}

/// Messages for errors axum raises before a handler runs.
fn axum_detail(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "het verzoek kon niet worden gelezen".into(),
        404 => "deze API-route bestaat niet".into(),
        405 => "deze methode is hier niet toegestaan; zie de Allow-header".into(),
        413 => "het verzoek is te groot".into(),
        415 => "stuur JSON met Content-Type: application/json".into(),
        422 => "de JSON past niet bij het verwachte formaat".into(),
        _ => "er ging iets mis".into(),
    }
}
