//! What pages and the API both do: authorise, read or write through the
//! store, and log it — in one place, so the two never drift apart.

pub mod account;
pub mod application;
pub mod boundary;
pub mod directory;
pub mod directory_edit;
pub mod finance;
pub mod hsds;
pub mod population;
pub mod public_map;
pub mod referral;
pub mod region;
pub mod region_data;
pub mod taxonomy;
pub mod upkeep;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use wijkregie_core::access::Principal;

use crate::audit::{Actor, ClientAddr};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::AppState;

/// A logged-in request: the app, the user and where they came from.
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    pub principal: Principal,
    pub actor: Actor,
}

impl Ctx {
    pub fn new(state: AppState, principal: Principal, client_addr: Option<String>) -> Self {
        let actor = Actor::new(Some(principal.clone()), &state.config.instance, client_addr);
        Ctx { state, principal, actor }
    }
}

impl<S> FromRequestParts<S> for Ctx
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, AppError> {
        let state = AppState::from_ref(s);
        let CurrentUser(principal) = CurrentUser::from_request_parts(parts, s).await?;
        let Ok(ClientAddr(addr)) = ClientAddr::from_request_parts(parts, &state).await;
        Ok(Ctx::new(state, principal, addr))
    }
}
