//! FHIR R4 under `/fhir/`: referrals for the two parties' systems
//! (`referral`: ServiceRequest and Task) and the social map for any
//! signed-in system (`directory`: HealthcareService, Organization,
//! Location). Errors on these routes are OperationOutcome resources.

mod directory;
mod referral;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use wijkregie_formats::fhir::{self, IssueSeverity, IssueType};

use crate::ctx::Ctx;
use crate::error::ErrorReport;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/fhir/ServiceRequest", get(referral::search_requests))
        .route("/fhir/ServiceRequest/{id}", get(referral::read_request))
        .route("/fhir/Task", get(referral::search_tasks))
        .route("/fhir/Task/{id}", get(referral::read_task))
        .route("/fhir/HealthcareService", get(directory::search_services))
        .route("/fhir/HealthcareService/{id}", get(directory::read_service))
        .route("/fhir/Organization", get(directory::search_organizations))
        .route("/fhir/Organization/{id}", get(directory::read_organization))
        .route("/fhir/Location", get(directory::search_locations))
        .route("/fhir/Location/{id}", get(directory::read_location))
        .route("/fhir/metadata", get(metadata))
}

use wijkregie_formats::fhir::search::MAX_COUNT;

fn fhir_json(status: StatusCode, body: Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/fhir+json; charset=utf-8")], body.to_string()).into_response()
}

/// Turns the app's error reports under `/fhir/` into OperationOutcome,
/// including the login check's 401 that runs before any handler.
pub async fn outcomes(req: Request, next: Next) -> Response {
    let fhir_path = req.uri().path().starts_with("/fhir/");
    let response = next.run(req).await;
    if !fhir_path {
        return response;
    }
    let status = response.status();
    let Some(report) = response.extensions().get::<ErrorReport>().cloned() else {
        if status.is_client_error() && status != StatusCode::NOT_FOUND {
            return fhir_json(
                status,
                fhir::operation_outcome(IssueSeverity::Error, IssueType::Invalid, "ongeldig verzoek"),
            );
        }
        return response;
    };
    let code = match report.status.as_u16() {
        401 => IssueType::Login,
        403 => IssueType::Forbidden,
        404 => IssueType::NotFound,
        429 => IssueType::Throttled,
        s if s >= 500 => IssueType::Exception,
        _ => IssueType::Invalid,
    };
    let mut detail = report.detail.clone();
    for e in &report.errors {
        detail.push_str(&format!("; {e}"));
    }
    fhir_json(report.status, fhir::operation_outcome(IssueSeverity::Error, code, &detail))
}

async fn metadata(ctx: Ctx) -> Response {
    let base = base_url(&ctx);
    let resource = |kind: &str, params: &[(&str, &str)]| {
        serde_json::json!({
            "type": kind,
            "interaction": [{ "code": "read" }, { "code": "search-type" }],
            "searchParam": params
                .iter()
                .map(|(name, kind)| serde_json::json!({ "name": name, "type": kind }))
                .collect::<Vec<_>>(),
        })
    };
    fhir_json(
        StatusCode::OK,
        serde_json::json!({
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": chrono::Utc::now().format("%Y-%m-%d").to_string(),
            "kind": "instance",
            "fhirVersion": "4.0.1",
            "format": ["json"],
            "implementation": { "description": "wijkregie: verwijzingen en sociale kaart", "url": base },
            "rest": [{
                "mode": "server",
                "resource": [
                    resource("ServiceRequest", &[("status", "token"), ("requester", "reference"), ("performer", "reference")]),
                    resource("Task", &[("status", "token"), ("owner", "reference"), ("requester", "reference")]),
                    resource("HealthcareService", directory::SERVICE_PARAMS),
                    resource("Organization", directory::ORGANIZATION_PARAMS),
                    resource("Location", directory::LOCATION_PARAMS),
                ],
            }],
        }),
    )
}

fn base_url(ctx: &Ctx) -> String {
    format!("{}/fhir", ctx.app.config.public_url.trim_end_matches('/'))
}

/// A token search value: `code` or `system|code`; a reference search value
/// `Organization/code` works too.
fn token(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let v = v.rsplit('|').next().unwrap_or(v);
    Some(v.rsplit('/').next().unwrap_or(v).to_owned())
}

fn number(value: &str, name: &str, default: usize, max: usize) -> Result<usize, Error> {
    match value.trim() {
        "" => Ok(default),
        v => {
            v.parse::<usize>().ok().filter(|n| *n <= max).ok_or_else(|| {
                Error::BadRequest(format!("{name} moet een getal van 0 tot en met {max} zijn, niet '{v}'"))
            })
        }
    }
}
