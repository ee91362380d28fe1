//! The pages behind the single-use link an organisation without an account
//! gets at its intake address: ask and enter the one-time code, then the
//! referral with its steps. The link's token is the only key; the page for
//! an unknown link is the same as for a used or expired one, so nobody
//! learns whether a referral exists. No page here is cached or passes the
//! token on as a referrer.

use axum::extract::{Path, Query};
use axum::http::header::{CACHE_CONTROL, REFERRER_POLICY};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_app::referral_link::{self as service, CodeOutcome, LinkView};
use wijkregie_app::{App, Error};

use crate::auth::Visit;
use crate::ctx::ClientAddr;
use crate::error::HttpError;
use crate::pages::referral::{parse_step, show_page, StepForm};
use crate::pages::{render, Layout};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/verwijzing-link/{token}", get(follow))
        .route("/verwijzing-link/{token}/code", post(send_code))
        .route("/verwijzing-link/{token}/controle", post(check_code))
        .route("/verwijzing-link/{token}/stap", post(step))
        .route("/verwijzing-link/{token}/nieuwe-link", post(fresh_link))
}

/// The token travels in the path only; it is never put in a page other than
/// the forms' own addresses.
fn private(status: StatusCode, response: Response) -> Response {
    let mut response = (status, response).into_response();
    let headers = response.headers_mut();
    headers.insert(REFERRER_POLICY, axum::http::HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    response
}

fn base(token: &str) -> String {
    format!("/verwijzing-link/{}", crate::pages::urlencode(token))
}

#[derive(askama::Template)]
#[template(path = "referral_link_code.html")]
struct CodePage {
    layout: Layout,
    base: String,
    address: String,
    code_sent: bool,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "referral_link_gone.html")]
struct GonePage {
    layout: Layout,
    base: String,
    asked: bool,
}

#[derive(askama::Template)]
#[template(path = "referral_link_done.html")]
struct DonePage {
    layout: Layout,
    status: String,
    next_link: bool,
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    melding: String,
}

fn gone(visit: &Visit, token: &str, asked: bool) -> Result<Response, HttpError> {
    let page = GonePage { layout: Layout::new("Link werkt niet meer", visit, ""), base: base(token), asked };
    Ok(private(StatusCode::OK, render(page)?))
}

async fn follow(
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    axum::extract::State(app): axum::extract::State<App>,
    Path(token): Path<String>,
    Query(q): Query<Notice>,
) -> Result<Response, HttpError> {
    match service::view(&app, addr, &token, visit.cookie.as_deref()).await? {
        LinkView::Gone => gone(&visit, &token, false),
        LinkView::NeedsCode { address, code_sent } => {
            let error = match q.melding.as_str() {
                "geen-code" => Some("Er is geen geldige code: vraag een nieuwe code aan.".to_owned()),
                "wacht" => Some("Er is net een code gestuurd. Wacht een minuut voor u een nieuwe vraagt.".to_owned()),
                _ => None,
            };
            let page = CodePage {
                layout: Layout::new("Verwijzing openen", &visit, "")
                    .with_flash((q.melding == "code").then(|| format!("De code is gestuurd naar {address}."))),
                base: base(&token),
                address,
                code_sent,
                error,
            };
            Ok(private(StatusCode::OK, render(page)?))
        }
        LinkView::Open(detail) => {
            let layout = Layout::new("Verwijzing", &visit, "");
            let page = show_page(&detail, layout, format!("{}/stap", base(&token)), true);
            Ok(private(StatusCode::OK, render(page)?))
        }
    }
}

async fn send_code(
    ClientAddr(addr): ClientAddr,
    axum::extract::State(app): axum::extract::State<App>,
    Path(token): Path<String>,
) -> Result<Response, HttpError> {
    let sent = service::send_code(&app, addr, &token).await?;
    let notice = if sent { "code" } else { "wacht" };
    Ok(private(StatusCode::SEE_OTHER, Redirect::to(&format!("{}?melding={notice}", base(&token))).into_response()))
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn check_code(
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    axum::extract::State(app): axum::extract::State<App>,
    Path(token): Path<String>,
    Form(form): Form<CodeForm>,
) -> Result<Response, HttpError> {
    // The CSRF check has made sure there is a session to bind the code to.
    let session = visit.cookie.clone().ok_or_else(|| Error::BadRequest("laad de pagina opnieuw".into()))?;
    match service::enter_code(&app, addr, &token, &session, &form.code).await? {
        CodeOutcome::Right => Ok(private(StatusCode::SEE_OTHER, Redirect::to(&base(&token)).into_response())),
        CodeOutcome::NoCode => Ok(private(
            StatusCode::SEE_OTHER,
            Redirect::to(&format!("{}?melding=geen-code", base(&token))).into_response(),
        )),
        CodeOutcome::Wrong { left } => {
            let error = match left {
                0 => "De code klopt niet en is nu ongeldig: vraag een nieuwe code aan.".to_owned(),
                1 => "De code klopt niet. U kunt het nog 1 keer proberen.".to_owned(),
                n => format!("De code klopt niet. U kunt het nog {n} keer proberen."),
            };
            let page = CodePage {
                layout: Layout::new("Verwijzing openen", &visit, ""),
                base: base(&token),
                address: String::new(),
                code_sent: left > 0,
                error: Some(error),
            };
            Ok(private(StatusCode::UNPROCESSABLE_ENTITY, render(page)?))
        }
    }
}

async fn step(
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    axum::extract::State(app): axum::extract::State<App>,
    Path(token): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, HttpError> {
    let session = visit.cookie.clone().ok_or_else(|| Error::BadRequest("laad de pagina opnieuw".into()))?;
    let step = parse_step(&form)?;
    let status = service::take_step(&app, addr, &token, &session, step, Some(form.message())).await?;
    let page = DonePage {
        layout: Layout::new("Verwijzing bijgewerkt", &visit, "")
            .with_flash(Some(format!("Gelukt: de verwijzing is nu {}.", status.label()))),
        status: status.label().to_owned(),
        next_link: status.awaiting() == Some(wijkregie_core::referral::Side::Receiver),
    };
    Ok(private(StatusCode::OK, render(page)?))
}

async fn fresh_link(
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    axum::extract::State(app): axum::extract::State<App>,
    Path(token): Path<String>,
) -> Result<Response, HttpError> {
    service::request_fresh(&app, addr, &token).await?;
    gone(&visit, &token, true)
}
