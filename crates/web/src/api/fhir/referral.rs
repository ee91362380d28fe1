//! `/fhir/ServiceRequest` and `/fhir/Task`: referrals read by id or searched
//! by `status`, `owner` and `requester`, only by the two parties. Every
//! referral returned is an access in the audit log, as on the pages.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use wijkregie_core::directory::HsdsId;
use wijkregie_core::referral::ReferralStatus;
use wijkregie_formats::fhir::{self, FhirRefs};

use super::{base_url, fhir_json, number, token, MAX_COUNT};
use crate::ctx::Ctx;
use crate::error::HttpError;
use wijkregie_app::referral::{self as service, Listed};
use wijkregie_app::Error;

fn refs(ctx: &Ctx, l: &Listed) -> FhirRefs {
    FhirRefs {
        base_url: base_url(ctx),
        practice_name: l.practice.clone(),
        practice_agb: l.practice_agb.clone(),
        organization_name: l.organization.clone(),
        hulpvraag_name: l.hulpvraag.clone(),
        service_name: l.service.clone(),
        location_name: l.location.clone(),
        // Only the two parties reach this far (the service refuses others).
        include_personal: true,
    }
}

#[derive(Deserialize, Default)]
pub(super) struct SearchQuery {
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

enum Kind {
    Request,
    Task,
}

async fn search(ctx: Ctx, q: SearchQuery, kind: Kind, path: &str) -> Result<Response, HttpError> {
    let count = number(&q.count, "_count", 50, MAX_COUNT)?;
    let offset = number(&q.offset, "_offset", 0, usize::MAX)?;
    let statuses: Option<Vec<ReferralStatus>> = match (token(&q.status), &kind) {
        (None, _) => None,
        (Some(s), Kind::Task) => {
            Some(vec![s.parse().map_err(|e: wijkregie_core::error::Invalid| Error::BadRequest(e.0))?])
        }
        (Some(s), Kind::Request) => {
            let all = fhir::statuses_for_request_status(&s);
            if all.is_empty() {
                return Err(Error::BadRequest(format!("'{s}' is geen ServiceRequest-status")).into());
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

pub(super) async fn search_requests(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Response, HttpError> {
    search(ctx, q, Kind::Request, "ServiceRequest").await
}

pub(super) async fn search_tasks(ctx: Ctx, Query(q): Query<SearchQuery>) -> Result<Response, HttpError> {
    search(ctx, q, Kind::Task, "Task").await
}

async fn read(ctx: Ctx, id: &str, kind: Kind) -> Result<Response, HttpError> {
    let id: HsdsId = id.parse().map_err(|_| Error::NotFound(format!("verwijzing '{id}'")))?;
    let d = service::open(&ctx, &id).await?;
    let l = Listed {
        id: d.id.clone(),
        news: false,
        overdue: d.overdue,
        service: d.service,
        practice: d.practice,
        practice_agb: d.practice_agb,
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

pub(super) async fn read_request(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    read(ctx, &id, Kind::Request).await
}

pub(super) async fn read_task(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    read(ctx, &id, Kind::Task).await
}
