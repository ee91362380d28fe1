//! The public social map: the same search and service pages without login,
//! when the region has switched it on, showing active services and their
//! public fields only. The regio-beheerder's switch is here too.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::Visit;
use crate::error::AppError;
use crate::pages::directory::{parse_id, search_page, service_page, Audience, SearchForm, PUBLIC_BASE};
use crate::pages::render;
use crate::service::{directory, public_map, Ctx};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PUBLIC_BASE, get(search))
        .route("/sociale-kaart/aanbod/{id}", get(show))
        .route("/directory/public", post(switch))
}

/// A switched-off map does not exist for the public: a 404, not a login.
async fn require_enabled(state: &AppState) -> Result<(), AppError> {
    if public_map::enabled(state).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("de openbare sociale kaart: deze regio heeft hem niet aangezet".into()))
    }
}

async fn search(
    State(state): State<AppState>,
    visit: Visit,
    Query(form): Query<SearchForm>,
) -> Result<Response, AppError> {
    require_enabled(&state).await?;
    search_page(&state, &visit, form, false, Audience::Public).await
}

async fn show(State(state): State<AppState>, visit: Visit, Path(id): Path<String>) -> Result<Response, AppError> {
    require_enabled(&state).await?;
    let id = parse_id(&id)?;
    let detail = directory::public_service(&state, &id).await?;
    render(service_page(&visit, detail, false, true))
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    aan: String,
}

async fn switch(ctx: Ctx, Form(form): Form<SwitchForm>) -> Result<Response, AppError> {
    let on = match form.aan.as_str() {
        "1" => true,
        "0" => false,
        other => return Err(AppError::BadRequest(format!("'{other}' is geen keuze: kies aan (1) of uit (0)"))),
    };
    public_map::set(&ctx, on).await?;
    Ok(Redirect::to("/directory").into_response())
}
