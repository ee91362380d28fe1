//! FHIR R4 read and search of referrals for the two parties' systems:
//! `/fhir/ServiceRequest` and `/fhir/Task`, by id or searched by `status`,
//! `owner` and `requester`. Every referral returned is an access in the
//! audit log, as on the pages; errors are OperationOutcome resources.

use axum::extract::{Path, Query, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::Value;
use wijkregie_core::directory::HsdsId;
use wijkregie_core::referral::ReferralStatus;
use wijkregie_formats::fhir::{self, FhirRefs, IssueSeverity, IssueType};

use crate::error::{AppError, ErrorReport};
use crate::service::referral::{self as service, Listed};
use crate::service::Ctx;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fhir/ServiceRequest", get(search_requests))
        .route("/fhir/ServiceRequest/{id}", get(read_request))
        .route("/fhir/Task", get(search_tasks))
        .route("/fhir/Task/{id}", get(read_task))
        .route("/fhir/metadata", get(metadata))
}

const MAX_COUNT: usize = 200;

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
    let resource = |kind: &str, params: &[&str]| {
        serde_json::json!({
            "type": kind,
            "interaction": [{ "code": "read" }, { "code": "search-type" }],
            "searchParam": params.iter().map(|p| serde_json::json!({ "name": p, "type": "token" })).collect::<Vec<_>>(),
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
            "implementation": { "description": "wijkregie: verwijzingen", "url": base },
            "rest": [{
                "mode": "server",
                "resource": [
                    resource("ServiceRequest", &["status", "requester", "performer"]),
                    resource("Task", &["status", "owner", "requester"]),
                ],
            }],
        }),
    )
}

fn base_url(ctx: &Ctx) -> String {
    format!("{}/fhir", ctx.state.config.public_url.trim_end_matches('/'))
}

fn refs(ctx: &Ctx, l: &Listed) -> FhirRefs {
    FhirRefs {
        base_url: base_url(ctx),
        practice_name: l.practice.clone(),
        organization_name: l.organization.clone(),
        hulpvraag_name: l.hulpvraag.clone(),
        service_name: l.service.clone(),
        location_name: l.location.clone(),
        // Only the two parties reach this far (the service refuses others).
        include_personal: true,
    }
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    performer: String,
    #[serde(default)]
    requester: String,
    #[serde(default, rename = "_count")]
    count: String,
    #[serde(default, rename = "_offset")]
    offset: String,
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

fn number(value: &str, name: &str, default: usize, max: usize) -> Result<usize, AppError> {
    match value.trim() {
        "" => Ok(default),
        v => v.parse::<usize>().ok().filter(|n| *n <= max).ok_or_else(|| {
            AppError::BadRequest(format!("{name} moet een getal van 0 tot en met {max} zijn, niet '{v}'"))
        }),
    }
}

enum Kind {
    Request,
    Task,
}

async fn search(ctx: Ctx, q: SearchQuery, kind: Kind, path: &str) -> Result<Response, AppError> {
    let count = number(&q.count, "_count", 50, MAX_COUNT)?;
    let offset = number(&q.offset, "_offset", 0, usize::MAX)?;
    let statuses: Option<Vec<ReferralStatus>> = match (token(&q.status), &kind) {
        (None, _) => None,
        (Some(s), Kind::Task) => {
            Some(vec![s.parse().map_err(|e: wijkregie_core::error::Invalid| AppError::BadRequest(e.0))?])
        }
        (Some(s), Kind::Request) => {
            let all = fhir::statuses_for_request_status(&s);
            if all.is_empty() {
                return Err(AppError::BadRequest(format!("'{s}' is geen ServiceRequest-status")));
            }
            Some(all)
        }
    };
    let owner = token(if q.owner.is_empty() { &q.performer } else { &q.owner });
    let requester = token(&q.requester);
    // Only the user's own referrals: a practice's sent, a partner's received.
    let list = service::worklist(&ctx, None).await?;
    let matching: Vec<&Listed> = list
        .items
        .iter()
        .filter(|l| statuses.as_ref().is_none_or(|s| s.contains(&l.referral.facts.status)))
        .filter(|l| owner.as_ref().is_none_or(|o| l.referral.facts.receiving_organization.as_str() == o))
        .filter(|l| requester.as_ref().is_none_or(|r| l.referral.facts.referring_practice.as_str() == r))
        .collect();
    let total = matching.len();
    let page: Vec<&Listed> = matching.into_iter().skip(offset).take(count).collect();
    service::log_shown(&ctx, "referral.fhir.search", &page).await?;
    let entries = page
        .iter()
        .map(|l| match kind {
            Kind::Request => fhir::service_request(l.id.as_str(), &l.referral, &refs(&ctx, l)),
            Kind::Task => fhir::task(l.id.as_str(), l.id.as_str(), &l.referral, &refs(&ctx, l)),
        })
        .collect();
    let base = base_url(&ctx);
    let self_link = format!("{base}/{path}?_count={count}&_offset={offset}");
    let next = (offset + count < total).then(|| format!("{base}/{path}?_count={count}&_offset={}", offset + count));
    Ok(fhir_json(StatusCode::OK, fhir::search_bundle(&base, entries, total, &self_link, next.as_deref())))
}

async fn search_requests(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Response, AppError> {
    search(ctx, q, Kind::Request, "ServiceRequest").await
}

async fn search_tasks(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Response, AppError> {
    search(ctx, q, Kind::Task, "Task").await
}

async fn read(ctx: Ctx, id: &str, kind: Kind) -> Result<Response, AppError> {
    let id: HsdsId = id.parse().map_err(|_| AppError::NotFound(format!("verwijzing '{id}'")))?;
    let d = service::open(&ctx, &id).await?;
    let l = Listed {
        id: d.id.clone(),
        news: false,
        overdue: d.overdue,
        service: d.service,
        practice: d.practice,
        organization: d.organization,
        hulpvraag: d.hulpvraag,
        location: d.location,
        referral: d.referral,
    };
    let body = match kind {
        Kind::Request => fhir::service_request(l.id.as_str(), &l.referral, &refs(&ctx, &l)),
        Kind::Task => fhir::task(l.id.as_str(), l.id.as_str(), &l.referral, &refs(&ctx, &l)),
    };
    Ok(fhir_json(StatusCode::OK, body))
}

async fn read_request(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    read(ctx, &id, Kind::Request).await
}

async fn read_task(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    read(ctx, &id, Kind::Task).await
}
