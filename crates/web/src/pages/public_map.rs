//! The public social map: the same search and service pages without login,
//! when the region has switched it on, showing active services and their
//! public fields only. The regio-beheerder's switch is here too.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::directory::{parse_id, search_page, service_page, Audience, SearchForm, PUBLIC_BASE};
use crate::pages::render;
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_app::{directory, public_map};

pub fn routes() -> Router<App> {
    Router::new()
        .route(PUBLIC_BASE, get(search))
        .route("/sociale-kaart/aanbod/{id}", get(show))
        .route("/aanbod/openbaar", post(switch))
}

/// A switched-off map does not exist for the public: a 404, not a login.
async fn require_enabled(app: &App) -> Result<(), HttpError> {
    if public_map::enabled(app).await? {
        Ok(())
    } else {
        Err(Error::NotFound("de openbare sociale kaart: deze regio heeft hem niet aangezet".into()).into())
    }
}

async fn search(State(app): State<App>, visit: Visit, Query(form): Query<SearchForm>) -> Result<Response, HttpError> {
    require_enabled(&app).await?;
    search_page(&app, &visit, form, false, Audience::Public).await
}

async fn show(State(app): State<App>, visit: Visit, Path(id): Path<String>) -> Result<Response, HttpError> {
    require_enabled(&app).await?;
    let id = parse_id(&id)?;
    let detail = directory::public_service(&app, &id).await?;
    render(service_page(&visit, detail, true))
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    aan: String,
}

async fn switch(ctx: Ctx, Form(form): Form<SwitchForm>) -> Result<Response, HttpError> {
    let on = match form.aan.as_str() {
        "1" => true,
        "0" => false,
        other => return Err(Error::BadRequest(format!("'{other}' is geen keuze: kies aan (1) of uit (0)")).into()),
    };
    public_map::set(&ctx, on).await?;
    let message = if on { "De openbare sociale kaart staat aan." } else { "De openbare sociale kaart staat uit." };
    Ok(flash::redirect("/aanbod", message))
}
