//! One error type for every handler. It is rendered in one place per kind of
//! client: a Dutch HTML page for browsers, RFC 9457 problem details for the
//! API (see `pages::errors` and `api::problem`), chosen by the route group.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use wijkregie_core::access::Refusal;
use wijkregie_core::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("niet ingelogd")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(Refusal),
    #[error("{0} niet gevonden")]
    NotFound(String),
    #[error("de invoer is niet in orde")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("te veel pogingen: probeer het over {minutes} minuten opnieuw")]
    TooManyRequests { minutes: i64 },
    #[error("er ging iets mis aan onze kant")]
    Internal(#[from] anyhow::Error),
}

impl From<wijkregie_store::StoreError> for AppError {
    fn from(e: wijkregie_store::StoreError) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Forbidden(r)
    }
}

/// What a renderer needs to show an error; travels as a response extension
/// from the handler to the renderer of its route group.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn report(&self) -> ErrorReport {
        let status = self.status();
        ErrorReport {
            status,
            title: title(status),
            detail: self.to_string(),
            errors: match self {
                AppError::Invalid(errors) => errors.clone(),
                _ => vec![],
            },
        }
    }
}

pub fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Ongeldig verzoek",
        401 => "Niet ingelogd",
        403 => "Geen toegang",
        404 => "Niet gevonden",
        405 => "Methode niet toegestaan",
        409 => "Conflict",
        413 => "Te groot",
        415 => "Verkeerd formaat",
        422 => "Invoer niet in orde",
        429 => "Te veel pogingen",
        503 => "Tijdelijk niet beschikbaar",
        s if s >= 500 => "Fout op de server",
        _ => "Fout",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        let report = self.report();
        let mut response = report.status.into_response();
        if let AppError::TooManyRequests { minutes } = self {
            if let Ok(v) = (minutes * 60).to_string().parse() {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response.extensions_mut().insert(report);
        response
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
