//! The caller's own account, and the audit log for the region.

use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wijkregie_core::access::Scope;
use wijkregie_core::audit::Outcome;

use super::problem::Problem;
use crate::ctx::Ctx;
use crate::error::HttpError;
use wijkregie_app::audit_log;
use wijkregie_app::Error;

#[derive(Serialize, ToSchema)]
pub struct Me {
    user_id: i64,
    name: String,
    role: String,
    /// Network codes, a practice's AGB or an organisation's code; empty for the region.
    scope: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(ctx: Ctx) -> Response {
    let p = &ctx.principal;
    let scope = match &p.scope {
        Scope::Region => vec![],
        Scope::Networks(codes) => codes.iter().map(ToString::to_string).collect(),
        Scope::Practice(agb) => vec![agb.to_string()],
        Scope::Organization(code) => vec![code.to_string()],
    };
    Json(Me { user_id: p.user_id, name: p.name.clone(), role: p.role.code().into(), scope }).into_response()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries older than this sequence number (for the next page).
    before: Option<i64>,
    /// Entries per page, 1 to 500 (default 100).
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDoc {
    seq: i64,
    event: String,
    /// NEN 7513 action: C, R, U, D or E.
    action: String,
    time: String,
    user_id: Option<i64>,
    user_role: Option<String>,
    on_behalf_of: Option<String>,
    object_type: String,
    object_id: Option<String>,
    access_rule: Option<String>,
    outcome: String,
    source_instance: String,
    client_addr: Option<String>,
    hash: String,
}

/// The newest audit entries first. Needs a regio-beheerder session with a
/// second factor, so API tokens are refused.
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "account", params(AuditQuery),
    responses((status = 200, body = [AuditEntryDoc]), (status = 403, body = Problem)))]
pub async fn audit_log(ctx: Ctx, Query(q): Query<AuditQuery>) -> Result<Response, HttpError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(
            Error::Invalid(vec![wijkregie_core::FieldError::new("limit", "kies een aantal van 1 tot 500")]).into()
        );
    }
    let entries = audit_log::open(&ctx).await?.page(q.before, limit).await?;
    let out: Vec<AuditEntryDoc> = entries
        .into_iter()
        .map(|e| AuditEntryDoc {
            seq: e.seq,
            event: e.event.event,
            action: e.event.action.code().into(),
            time: wijkregie_core::audit::canonical_time(e.event.time),
            user_id: e.event.user_id,
            user_role: e.event.user_role,
            on_behalf_of: e.event.on_behalf_of,
            object_type: e.event.object_type,
            object_id: e.event.object_id,
            access_rule: e.event.access_rule,
            outcome: match e.event.outcome {
                Outcome::Success => "success",
                Outcome::Refused => "refused",
                Outcome::Error => "error",
            }
            .into(),
            source_instance: e.event.source_instance,
            client_addr: e.event.client_addr,
            hash: e.hash,
        })
        .collect();
    Ok(Json(out).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for, e.g. "koppeling HIS".
    name: String,
    /// `read` (the default) or `write`.
    #[serde(default)]
    scope: Option<String>,
    /// Days the token works: 1 to 365, 90 by default.
    #[serde(default)]
    days: Option<i64>,
    /// A current code from the authenticator app: a regio-beheerder needs
    /// one for a token that may write.
    #[serde(default)]
    code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// Shown once; only a hash is stored.
    token: String,
    /// `read` or `write`.
    scope: String,
    /// When the token stops working (RFC 3339).
    expires_at: String,
}

/// Creates an API token with the caller's own rights, read-only unless
/// asked otherwise, for 90 days unless asked otherwise.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_token(ctx: Ctx, super::Body(body): super::Body) -> Result<Response, HttpError> {
    let request: NewToken = serde_json::from_value(body).map_err(|e| {
        Error::Invalid(vec![wijkregie_core::FieldError::new(
            "$",
            format!("verwacht {{\"name\": \"…\", \"scope\": \"read\", \"days\": 90}}: {e}"),
        )])
    })?;
    let scope = match request.scope.as_deref() {
        None => wijkregie_core::access::TokenScope::Read,
        Some(s) => {
            s.parse().map_err(|e: String| Error::Invalid(vec![wijkregie_core::FieldError::new("$.scope", e)]))?
        }
    };
    let token_request = wijkregie_app::account::TokenRequest {
        name: &request.name,
        scope,
        days: request.days.unwrap_or(wijkregie_app::account::TOKEN_DAYS_DEFAULT),
        code: request.code.as_deref(),
    };
    let created = wijkregie_app::account::create_api_token(&ctx, token_request).await.map_err(|e| match e {
        Error::Invalid(errors) => Error::Invalid(
            errors
                .into_iter()
                .map(|f| {
                    let field = format!("$.{}", f.field);
                    f.at(field)
                })
                .collect(),
        ),
        other => other,
    })?;
    let body = CreatedToken {
        token: created.token,
        scope: scope.code().into(),
        expires_at: wijkregie_core::audit::canonical_time(created.expires_at),
    };
    Ok((axum::http::StatusCode::CREATED, Json(body)).into_response())
}
