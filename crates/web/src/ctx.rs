//! Extractors that hand a handler what the app needs: [`Ctx`], the signed-in
//! user's `app::Ctx`, and [`ClientAddr`], where the request came from (the
//! audit log's source field).

use std::net::SocketAddr;
use std::ops::Deref;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use wijkregie_app::App;

use crate::auth::CurrentUser;
use crate::error::HttpError;

/// A signed-in request as the app sees it. Derefs to `app::Ctx`, so a
/// handler passes `&ctx` straight to a use case.
#[derive(Clone)]
pub struct Ctx(pub wijkregie_app::Ctx);

impl Deref for Ctx {
    type Target = wijkregie_app::Ctx;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<S> FromRequestParts<S> for Ctx
where
    S: Send + Sync,
    App: FromRef<S>,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, HttpError> {
        let app = App::from_ref(s);
        let CurrentUser(principal) = CurrentUser::from_request_parts(parts, s).await?;
        let Ok(ClientAddr(addr)) = ClientAddr::from_request_parts(parts, s).await;
        Ok(Ctx(wijkregie_app::Ctx::new(app, principal, addr)))
    }
}

/// Where the request came from, for the audit log's source field and the
/// throttle: the TCP peer, or behind `--trusted-proxy` the client the proxy
/// names (see [`crate::client_addr`]).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<String>);

impl ClientAddr {
    pub fn of(extensions: &Extensions, headers: &HeaderMap, app: &App) -> ClientAddr {
        let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let trusted = &app.config.trusted_proxies;
        ClientAddr(peer.map(|peer| crate::client_addr::client_addr(peer, headers, trusted).to_string()))
    }
}

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    App: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr::of(&parts.extensions, &parts.headers, &App::from_ref(s)))
    }
}
