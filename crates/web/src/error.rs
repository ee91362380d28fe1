//! The one mapping from the app's errors to HTTP. A handler returns an
//! [`HttpError`]; its response carries an [`ErrorReport`], and one layer
//! (`render` below) turns that into a Dutch page, RFC 9457 problem details
//! under `/api/`, or a FHIR OperationOutcome under `/fhir/`.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use wijkregie_app::Error;
use wijkregie_core::access::Refusal;
use wijkregie_core::FieldError;

/// An app error on its way to becoming a response.
#[derive(Debug)]
pub struct HttpError(pub Error);

impl From<Error> for HttpError {
    fn from(e: Error) -> Self {
        HttpError(e)
    }
}

impl From<Refusal> for HttpError {
    fn from(r: Refusal) -> Self {
        HttpError(Error::Forbidden(r))
    }
}

impl From<anyhow::Error> for HttpError {
    fn from(e: anyhow::Error) -> Self {
        HttpError(Error::Internal(e))
    }
}

/// What a renderer needs to show an error; travels as a response extension
/// from the handler to [`render`].
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

pub fn status(e: &Error) -> StatusCode {
    match e {
        Error::Unauthenticated | Error::TokenExpired => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl HttpError {
    pub fn report(&self) -> ErrorReport {
        let status = status(&self.0);
        ErrorReport {
            status,
            title: title(status),
            detail: self.0.to_string(),
            errors: match &self.0 {
                Error::Invalid(errors) => errors.clone(),
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

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        if let Error::Internal(e) = &self.0 {
            tracing::error!(error = ?e, "verzoek mislukt");
        }
        let report = self.report();
        let mut response = report.status.into_response();
        if let Error::TooManyRequests { minutes } = self.0 {
            if let Ok(v) = (minutes * 60).to_string().parse() {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response.extensions_mut().insert(report);
        response
    }
}

/// The one error renderer, outside the auth middleware so that its
/// refusals are rendered like a handler's: OperationOutcome under `/fhir/`,
/// problem details under `/api/`, a Dutch page everywhere else.
pub async fn render(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/fhir/") {
        crate::api::fhir::outcomes(req, next).await
    } else if path.starts_with("/api/") {
        crate::api::problem::render(req, next).await
    } else {
        crate::pages::render_errors(req, next).await
    }
}
