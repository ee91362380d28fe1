//! The JSON API under `/api/v1/`. Handlers are documented with utoipa, so
//! the OpenAPI document at `/api/v1/openapi.json` is generated from the code
//! it describes. Bodies use the region file's shapes (docs/region-file.md).

mod account;
pub mod fhir;
mod hsds;
mod pagination;
pub mod problem;
mod region;
mod schema;

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::HttpError;
use wijkregie_app::App;
use wijkregie_app::Error;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wijkregie API",
        description = "Regio, wijken, praktijken, netwerkpartners en wijksamenwerkingsverbanden (WSV). \
            Fouten zijn RFC 9457 problem details; lijsten zijn gepagineerd met `page` en `per_page`. \
            Authenticatie met een API-token (`Authorization: Bearer …`), aan te maken op de pagina Mijn account."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "regio", description = "Wijken, praktijken, organisaties en netwerken"),
        (name = "account", description = "De gebruiker achter het token, en het auditlog")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn router_and_doc() -> (Router<App>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(region::region))
        .routes(routes!(region::list_wijken, region::create_wijk))
        .routes(routes!(region::get_wijk, region::put_wijk))
        .routes(routes!(region::list_practices, region::create_practice))
        .routes(routes!(region::get_practice, region::put_practice))
        .routes(routes!(region::add_patient_count))
        .routes(routes!(region::list_organizations, region::create_organization))
        .routes(routes!(region::get_organization, region::put_organization))
        .routes(routes!(region::list_networks, region::create_network))
        .routes(routes!(region::get_network, region::put_network))
        .routes(routes!(region::network_registered_patients))
        .routes(routes!(account::me))
        .routes(routes!(account::audit_log))
        .routes(routes!(account::create_token))
        .split_for_parts()
}

pub fn routes() -> Router<App> {
    let (router, doc) = router_and_doc();
    let doc = Arc::new(doc);
    router.route("/api/v1/openapi.json", get(move || async move { Json(doc.as_ref().clone()) })).merge(hsds::routes())
}

/// A JSON body, with a problem response when it is not JSON at all.
pub struct Body(pub serde_json::Value);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Body {
    type Rejection = HttpError;

    async fn from_request(req: axum::extract::Request, app: &S) -> Result<Self, HttpError> {
        match Json::<serde_json::Value>::from_request(req, app).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(Error::BadRequest("stuur JSON met Content-Type: application/json".into()).into())
            }
            // Over the body limit is not a JSON mistake: 413, in Dutch.
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Error::TooLarge(format!("de JSON is groter dan {} MB", crate::MAX_JSON / (1024 * 1024))).into())
            }
            Err(e) => Err(Error::Invalid(vec![wijkregie_core::FieldError::new(
                "$",
                format!("ongeldige JSON: {}", e.body_text()),
            )])
            .into()),
        }
    }
}
