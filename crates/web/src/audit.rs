//! Writing audit entries for what users do. Services call [`record`] inside
//! the transaction of the change, so a change is never stored without its
//! entry; refusals are logged too.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::Utc;
use wijkregie_core::access::{Grant, Principal, Refusal};
use wijkregie_core::audit::{AuditAction, AuditEvent, Outcome};
use wijkregie_store::WriteTx;

use crate::error::AppError;
use crate::AppState;

/// Who acts, from where: everything an audit entry needs besides the event.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Option<Principal>,
    pub instance: String,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn new(principal: Option<Principal>, instance: &str, client_addr: Option<String>) -> Self {
        Self { principal, instance: instance.to_owned(), client_addr }
    }
}

/// Where the request came from, for the audit log's source field.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())))
    }
}

/// What happened to which object.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub event: &'a str,
    pub action: AuditAction,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
}

/// Appends an entry for `decision`: success with the granting rule, or refused.
pub async fn record(
    tx: &mut WriteTx,
    state: &AppState,
    actor: &Actor,
    entry: Entry<'_>,
    decision: Result<Grant, Refusal>,
) -> Result<(), AppError> {
    let (outcome, rule) = match decision {
        Ok(grant) => (Outcome::Success, Some(grant.rule.to_owned())),
        Err(refusal) => (Outcome::Refused, Some(refusal.to_string())),
    };
    record_outcome(tx, state, actor, entry, outcome, rule).await
}

pub async fn record_outcome(
    tx: &mut WriteTx,
    state: &AppState,
    actor: &Actor,
    entry: Entry<'_>,
    outcome: Outcome,
    rule: Option<String>,
) -> Result<(), AppError> {
    let event = AuditEvent {
        event: entry.event.to_owned(),
        action: entry.action,
        time: Utc::now(),
        user_id: actor.principal.as_ref().map(|p| p.user_id),
        user_role: actor.principal.as_ref().map(|p| p.role.code().to_owned()),
        on_behalf_of: actor.principal.as_ref().and_then(on_behalf_of),
        object_type: entry.object_type.to_owned(),
        object_id: entry.object_id.map(str::to_owned),
        access_rule: rule,
        outcome,
        source_instance: actor.instance.clone(),
        client_addr: actor.client_addr.clone(),
    };
    wijkregie_store::audit::append(tx.conn(), state.store.engine(), &event).await?;
    Ok(())
}

/// The practice or organisation a user works for, which NEN 7513 asks for.
fn on_behalf_of(p: &Principal) -> Option<String> {
    use wijkregie_core::access::Scope;
    match &p.scope {
        Scope::Region => None,
        Scope::Networks(codes) => {
            Some(format!("netwerken {}", codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")))
        }
        Scope::Practice(agb) => Some(format!("praktijk {agb}")),
        Scope::Organization(code) => Some(format!("organisatie {code}")),
    }
}
