//! Aanmelden: the public registration form (no login), the confirmation
//! and status page behind the applicant's private link, and for the
//! regio-beheerder the review queue, one application with accept and
//! reject, and the proposals for practices without partners.

use axum::extract::{Path, State};
use axum::http::header::REFERRER_POLICY;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use wijkregie_app::application::{counts, Counts, StoredApplication};
use wijkregie_core::application::{
    practice_field, ApplicationForm, CoordinatorChoice, PracticeForm, Request, SpamSignal, Status,
};
use wijkregie_core::codes::AgbCode;
use wijkregie_core::date::{display_date, parse_date};
use wijkregie_core::region::NetworkStatus;
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::ClientAddr;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::Errors;
use crate::pages::{render, Layout};
use wijkregie_app::application::{self as service, Acceptance, Submission};
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_core::format::thousands;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/aanmelden", get(form_page).post(submit))
        .route("/aanmelden/status/{token}", get(status_page))
        .route("/aanmelden/status/{token}/opnieuw-sturen", post(resend_link))
        .route("/aanmeldingen", get(queue))
        .route("/aanmeldingen/voorstellen", get(proposals))
        .route("/aanmeldingen/{id}", get(detail))
        .route("/aanmeldingen/{id}/accepteren", post(accept))
        .route("/aanmeldingen/{id}/afwijzen", post(reject))
}

/// Rows of practices the form starts with, and the most it grows to.
const FIRST_ROWS: usize = 2;
const MAX_ROWS: usize = 12;

/// One input of a practice row: its name/id, value and problem.
struct Input {
    id: String,
    value: String,
    error: Option<String>,
}

struct PracticeRow {
    n: usize,
    agb: Input,
    name: Input,
    street: Input,
    house_number: Input,
    postcode: Input,
    city: Input,
    patients: Input,
}

#[derive(askama::Template)]
#[template(path = "application_form.html")]
struct FormPage {
    layout: Layout,
    form: ApplicationForm,
    rows: Vec<PracticeRow>,
    row_count: usize,
    can_add_row: bool,
    stamp: String,
    errors: Errors,
    requests: Vec<(&'static str, &'static str)>,
    notice: Option<&'static str>,
}

fn practice_rows(form: &ApplicationForm, errors: &Errors) -> Vec<PracticeRow> {
    form.practices
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = i + 1;
            let input = |field: &str, value: &str| {
                let id = practice_field(n, field);
                Input { error: errors.get(&id), id, value: value.to_owned() }
            };
            PracticeRow {
                n,
                agb: input("agb", &p.agb),
                name: input("name", &p.name),
                street: input("street", &p.street),
                house_number: input("house_number", &p.house_number),
                postcode: input("postcode", &p.postcode),
                city: input("city", &p.city),
                patients: input("patients", &p.patients),
            }
        })
        .collect()
}

fn form_response(
    app: &App,
    visit: &Visit,
    form: ApplicationForm,
    errors: Errors,
    notice: Option<&'static str>,
    status: StatusCode,
    posted_stamp: Option<&str>,
) -> Result<Response, HttpError> {
    // A form shown again keeps the time it was first shown, so a person who
    // corrects a field need not wait again; a stamp that does not open is
    // replaced.
    let now = Utc::now();
    let stamp = match posted_stamp {
        Some(s) if service::stamp_age(app, visit.csrf_token(), s, now).is_some_and(|age| age >= 0) => s.to_owned(),
        _ => service::issue_stamp(app, visit.csrf_token(), now)?,
    };
    let rows = practice_rows(&form, &errors);
    let page = FormPage {
        layout: Layout::new("Aanmelden", visit, "/aanmelden"),
        row_count: rows.len(),
        can_add_row: rows.len() < MAX_ROWS,
        rows,
        form,
        stamp,
        errors,
        requests: Request::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        notice,
    };
    Ok((status, render(page)?).into_response())
}

async fn form_page(State(app): State<App>, visit: Visit) -> Result<Response, HttpError> {
    let form = ApplicationForm { practices: vec![PracticeForm::default(); FIRST_ROWS], ..Default::default() };
    form_response(&app, &visit, form, Errors::default(), None, StatusCode::OK, None)
}

/// The posted form, read by hand: the practice rows are numbered fields
/// (`p1_agb`, `p2_agb`, …) up to the `rows` the page had.
struct Posted {
    form: ApplicationForm,
    honeypot: String,
    stamp: String,
    add_row: bool,
}

fn read_posted(fields: Vec<(String, String)>) -> Posted {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let rows = get("rows").trim().parse::<usize>().unwrap_or(FIRST_ROWS).clamp(1, MAX_ROWS);
    let practices = (1..=rows)
        .map(|n| {
            let f = |field: &str| get(&practice_field(n, field));
            PracticeForm {
                agb: f("agb"),
                name: f("name"),
                street: f("street"),
                house_number: f("house_number"),
                postcode: f("postcode"),
                city: f("city"),
                patients: f("patients"),
            }
        })
        .collect();
    Posted {
        form: ApplicationForm {
            request: get("request"),
            contact_name: get("contact_name"),
            email: get("email"),
            phone: get("phone"),
            practices,
            network_name: get("network_name"),
            wijk: get("wijk"),
            coordinator: get("coordinator"),
            coordinator_hours: get("coordinator_hours"),
            remarks: get("remarks"),
        },
        honeypot: get("website"),
        stamp: get("stamp"),
        add_row: !get("add_row").is_empty(),
    }
}

async fn submit(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let mut posted = read_posted(fields);
    if posted.add_row {
        if posted.form.practices.len() < MAX_ROWS {
            posted.form.practices.push(PracticeForm::default());
        }
        return form_response(&app, &visit, posted.form, Errors::default(), None, StatusCode::OK, Some(&posted.stamp));
    }
    let submission = Submission {
        form: &posted.form,
        honeypot: &posted.honeypot,
        stamp: &posted.stamp,
        session_csrf: visit.csrf_token(),
        session_cookie: visit.cookie.as_deref(),
        client_addr: addr,
    };
    match service::submit(&app, submission).await {
        // A robot that filled the hidden field is told all went well; its
        // submission waits flagged, outside the queue.
        Ok(s) if matches!(s.spam, None | Some(SpamSignal::Honeypot)) => {
            Ok(Redirect::to(&format!("/aanmelden/status/{}?nieuw=1", s.token)).into_response())
        }
        // Too fast, or a stale or forged stamp: a person can simply send again.
        Ok(s) => {
            let notice = if s.spam == Some(SpamSignal::TooFast) {
                "Het formulier werd wel erg snel verstuurd. Controleer uw gegevens en verstuur het nog een keer."
            } else {
                "Het formulier was verlopen. Controleer uw gegevens en verstuur het nog een keer."
            };
            form_response(
                &app,
                &visit,
                posted.form,
                Errors::default(),
                Some(notice),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&posted.stamp),
            )
        }
        Err(Error::Invalid(errors)) => {
            let errors = Errors::from(errors);
            let status = errors.status();
            form_response(&app, &visit, posted.form, errors, None, status, Some(&posted.stamp))
        }
        Err(e) => Err(e.into()),
    }
}

struct PracticeLine {
    agb: String,
    name: String,
    address: String,
    patients: String,
    known: bool,
}

fn practice_lines(a: &wijkregie_core::application::Application, known: &[AgbCode]) -> Vec<PracticeLine> {
    a.practices
        .iter()
        .map(|p| PracticeLine {
            agb: p.agb.to_string(),
            name: p.name.clone(),
            address: format!(
                "{} {}{}, {} {}",
                p.street,
                p.house_number,
                p.house_number_suffix.as_deref().unwrap_or(""),
                p.postcode,
                p.city
            ),
            patients: thousands(u64::from(p.registered_patients)),
            known: known.contains(&p.agb),
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "application_status.html")]
struct StatusPage {
    layout: Layout,
    is_new: bool,
    link: String,
    submitted: String,
    request: &'static str,
    status_label: &'static str,
    reason: Option<String>,
    practices: Vec<PracticeLine>,
    total: String,
    /// Where the link was mailed, masked.
    mailed_to: String,
}

#[derive(serde::Deserialize)]
struct StatusQuery {
    #[serde(default)]
    nieuw: String,
}

async fn status_page(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
    axum::extract::Query(q): axum::extract::Query<StatusQuery>,
) -> Result<Response, HttpError> {
    let view = service::status_by_token(&app, &token, addr).await?;
    let page = StatusPage {
        layout: Layout::new("Uw aanmelding", &visit, ""),
        is_new: !q.nieuw.is_empty(),
        link: format!("/aanmelden/status/{token}"),
        mailed_to: view.mailed_to.clone(),
        submitted: display_date(wijkregie_core::clock::nl_date(view.submitted_at)),
        request: view.application.request.label(),
        total: thousands(view.application.registered_patients()),
        practices: practice_lines(&view.application, &[]),
        status_label: view.status.label(),
        reason: match view.status {
            Status::Afgewezen { reason } => Some(reason),
            _ => None,
        },
    };
    // The link is the key: it must not leak to other sites as a referrer.
    Ok(([(REFERRER_POLICY, "no-referrer")], render(page)?).into_response())
}

/// "Stuur de link opnieuw": to the address of the application only.
async fn resend_link(
    State(app): State<App>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
) -> Result<Response, HttpError> {
    let to = service::resend_status_link(&app, &token, addr).await?;
    let mut response =
        flash::redirect(&format!("/aanmelden/status/{token}"), format!("De link is opnieuw gestuurd naar {to}."));
    response.headers_mut().insert(REFERRER_POLICY, axum::http::HeaderValue::from_static("no-referrer"));
    Ok(response)
}

struct QueueRow {
    id: i64,
    submitted: String,
    request: &'static str,
    contact: String,
    practices: usize,
    patients: String,
    status: &'static str,
    spam: Option<&'static str>,
}

fn queue_row(a: &StoredApplication) -> QueueRow {
    QueueRow {
        id: a.id,
        submitted: display_date(wijkregie_core::clock::nl_date(a.submitted_at)),
        request: a.application.request.label(),
        contact: a.application.contact_name.clone(),
        practices: a.application.practices.len(),
        patients: thousands(a.application.registered_patients()),
        status: a.status.label(),
        spam: a.spam.map(SpamSignal::label),
    }
}

#[derive(askama::Template)]
#[template(path = "application_queue.html")]
struct QueuePage {
    layout: Layout,
    counts: Counts,
    open: Vec<QueueRow>,
    decided: Vec<QueueRow>,
    spam: Vec<QueueRow>,
}

async fn queue(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let all = service::list(&ctx).await?;
    let (mut open, mut decided, mut spam) = (Vec::new(), Vec::new(), Vec::new());
    for a in &all {
        match (&a.spam, &a.status) {
            (Some(_), _) => spam.push(queue_row(a)),
            (None, Status::Ontvangen) => open.push(queue_row(a)),
            (None, _) => decided.push(queue_row(a)),
        }
    }
    render(QueuePage {
        layout: Layout::new("Aanmeldingen", &visit, "/aanmeldingen"),
        counts: counts(&all),
        open,
        decided,
        spam,
    })
}

/// The accept form's fields as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct AcceptForm {
    #[serde(default)]
    network_code: String,
    #[serde(default)]
    network_name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    registered_on: String,
    #[serde(default)]
    coordinator_name: String,
    #[serde(default)]
    coordinator_start: String,
}

#[derive(askama::Template)]
#[template(path = "application_show.html")]
struct DetailPage {
    layout: Layout,
    id: i64,
    a: wijkregie_core::application::Application,
    submitted: String,
    status_label: &'static str,
    rejected_because: Option<String>,
    spam: Option<&'static str>,
    decided: Option<String>,
    network: Option<String>,
    practices: Vec<PracticeLine>,
    total: String,
    coordinator: Option<String>,
    open: bool,
    accept: AcceptForm,
    reason: String,
    networks: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    errors: Errors,
    warnings: Vec<String>,
    existing: Option<service::ExistingNetwork>,
    /// The accept form asks what the chosen option needs: the region's
    /// coordinator by name (A), the own coordinator's start (B), or neither.
    asks_coordinator_name: bool,
    asks_coordinator_start: bool,
}

async fn detail_response(
    ctx: &Ctx,
    visit: &Visit,
    id: i64,
    accept: Option<AcceptForm>,
    reason: String,
    errors: Errors,
) -> Result<Response, HttpError> {
    let d = service::detail(ctx, id).await?;
    let a = d.application;
    let accept = accept.unwrap_or_else(|| {
        let name = a.application.network_name.clone().unwrap_or_default();
        AcceptForm {
            network_code: d
                .existing
                .as_ref()
                .map_or_else(|| wijkregie_core::codes::slug(&name), |e| e.code.to_string()),
            network_name: d.existing.as_ref().map_or(name, |e| e.name.clone()),
            status: NetworkStatus::InOprichting.code().into(),
            registered_on: wijkregie_core::clock::nl_today().to_string(),
            ..Default::default()
        }
    });
    let status = errors.status();
    let page = DetailPage {
        layout: Layout::new(format!("Aanmelding {id}"), visit, "/aanmeldingen"),
        id,
        submitted: display_date(wijkregie_core::clock::nl_date(a.submitted_at)),
        status_label: a.status.label(),
        rejected_because: match &a.status {
            Status::Afgewezen { reason } => Some(reason.clone()),
            _ => None,
        },
        spam: a.spam.map(SpamSignal::label),
        decided: a.decided_at.map(|t| display_date(wijkregie_core::clock::nl_date(t))),
        network: a.network.as_ref().map(ToString::to_string),
        practices: practice_lines(&a.application, &d.known_practices),
        total: thousands(a.application.registered_patients()),
        coordinator: a.application.coordinator.map(|c| c.to_string()),
        open: a.status == Status::Ontvangen && a.spam.is_none(),
        accept,
        reason,
        networks: d.networks.into_iter().map(|(c, n)| (c.to_string(), n)).collect(),
        statuses: [NetworkStatus::InOprichting, NetworkStatus::Actief].iter().map(|s| (s.code(), s.label())).collect(),
        errors,
        warnings: d.warnings,
        existing: d.existing,
        asks_coordinator_name: matches!(a.application.coordinator, Some(CoordinatorChoice::Region)),
        asks_coordinator_start: matches!(a.application.coordinator, Some(CoordinatorChoice::Own { .. })),
        a: a.application,
    };
    Ok((status, render(page)?).into_response())
}

async fn detail(ctx: Ctx, visit: Visit, Path(id): Path<String>) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    detail_response(&ctx, &visit, id, None, String::new(), Errors::default()).await
}

fn parse_id(id: &str) -> Result<i64, Error> {
    id.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| Error::NotFound(format!("aanmelding {id}")))
}

fn parse_acceptance(f: &AcceptForm) -> Result<Acceptance, Vec<FieldError>> {
    let mut problems = Vec::new();
    let code = match f.network_code.trim() {
        "" => {
            problems.push(FieldError::new("network_code", "vul de code van het netwerk in, zoals wsv-noord"));
            None
        }
        s => s.parse().map_err(|e: wijkregie_core::error::Invalid| problems.push(e.at("network_code"))).ok(),
    };
    let status = f.status.parse::<NetworkStatus>().map_err(|e| problems.push(e.at("status"))).ok();
    let registered_on = parse_date(&f.registered_on).map_err(|e| problems.push(e.at("registered_on"))).ok();
    let coordinator_start = match f.coordinator_start.trim() {
        "" => None,
        s => parse_date(s).map_err(|e| problems.push(e.at("coordinator_start"))).ok(),
    };
    match (code, status, registered_on) {
        (Some(network_code), Some(status), Some(registered_on)) if problems.is_empty() => Ok(Acceptance {
            network_code,
            network_name: f.network_name.clone(),
            status,
            registered_on,
            coordinator_name: Some(f.coordinator_name.clone()).filter(|n| !n.trim().is_empty()),
            coordinator_start,
        }),
        _ => Err(problems),
    }
}

async fn accept(
    ctx: Ctx,
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    let result = match parse_acceptance(&form) {
        Ok(terms) => service::accept(&ctx, id, terms).await,
        Err(problems) => Err(Error::Invalid(problems)),
    };
    match result {
        Ok(code) => Ok(flash::redirect(
            &format!("/netwerken/{code}"),
            format!("Aanmelding {id} is geaccepteerd; dit is het netwerk {code}."),
        )),
        Err(Error::Invalid(problems)) => {
            detail_response(&ctx, &visit, id, Some(form), String::new(), problems.into()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct RejectForm {
    #[serde(default)]
    reason: String,
}

async fn reject(
    ctx: Ctx,
    visit: Visit,
    Path(id): Path<String>,
    Form(form): Form<RejectForm>,
) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    match service::reject(&ctx, id, &form.reason).await {
        Ok(()) => Ok(flash::redirect(&format!("/aanmeldingen/{id}"), "De aanmelding is afgewezen.")),
        Err(Error::Invalid(problems)) => detail_response(&ctx, &visit, id, None, form.reason, problems.into()).await,
        Err(e) => Err(e.into()),
    }
}

struct MemberLine {
    name: String,
    agb: String,
    city: String,
    patients: String,
    km: String,
    centre: bool,
}

struct ProposalView {
    n: usize,
    members: Vec<MemberLine>,
    total: String,
    mean_km: String,
    mean_pair_km: String,
}

struct LeftOver {
    name: String,
    agb: String,
    city: String,
    patients: String,
    application: i64,
}

#[derive(askama::Template)]
#[template(path = "application_proposals.html")]
struct ProposalsPage {
    layout: Layout,
    proposals: Vec<ProposalView>,
    unplaced: Vec<LeftOver>,
    without_location: Vec<LeftOver>,
    threshold: String,
    max_km: String,
    interested: usize,
    placed: usize,
    placed_share: String,
}

/// Kilometres with one decimal and a decimal comma: 2,4 km.
pub fn km(value: f64) -> String {
    // Tenths of a kilometre, rounded half away from zero; distances are
    // never negative, and far below i64's range.
    let tenths = (value * 10.0).round() as i64;
    format!("{},{}", thousands((tenths / 10) as u64), tenths % 10)
}

async fn proposals(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let p = service::proposals(&ctx).await?;
    let left = |i: &service::Interested| LeftOver {
        name: i.name.clone(),
        agb: i.agb.to_string(),
        city: i.city.clone(),
        patients: thousands(u64::from(i.patients)),
        application: i.application,
    };
    let views = p
        .outcome
        .proposals
        .iter()
        .zip(&p.mean_pair_km)
        .enumerate()
        .map(|(i, (proposal, pair))| ProposalView {
            n: i + 1,
            members: proposal
                .members
                .iter()
                .enumerate()
                .map(|(j, m)| {
                    let info = p.practice(&m.id);
                    MemberLine {
                        name: info.map(|x| x.name.clone()).unwrap_or_default(),
                        agb: m.id.to_string(),
                        city: info.map(|x| x.city.clone()).unwrap_or_default(),
                        patients: thousands(u64::from(m.patients)),
                        km: km(m.km_to_centre),
                        centre: j == 0,
                    }
                })
                .collect(),
            total: thousands(proposal.patients),
            mean_km: km(proposal.mean_km_to_centre()),
            mean_pair_km: km(*pair),
        })
        .collect();
    let interested = p.practices.len() + p.without_location.len();
    let placed = p.outcome.placed();
    let placed_share = (placed * 100 + interested / 2)
        .checked_div(interested)
        .map_or_else(|| "–".to_owned(), |share| format!("{share}%"));
    render(ProposalsPage {
        layout: Layout::new("Voorstellen voor nieuwe netwerken", &visit, "/aanmeldingen"),
        proposals: views,
        unplaced: p.outcome.unplaced.iter().filter_map(|agb| p.practice(agb)).map(left).collect(),
        without_location: p.without_location.iter().map(left).collect(),
        threshold: thousands(p.settings.threshold),
        max_km: km(p.settings.max_km),
        interested,
        placed,
        placed_share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kilometres_have_one_decimal_and_a_comma() {
        assert_eq!(km(0.0), "0,0");
        assert_eq!(km(2.449), "2,4");
        assert_eq!(km(2.45), "2,5");
        assert_eq!(km(1234.56), "1.234,6");
    }

    #[test]
    fn codes_from_names() {
        assert_eq!(wijkregie_core::codes::slug("WSV De Linde"), "wsv-de-linde");
        assert_eq!(wijkregie_core::codes::slug("  Café 't Hoekje! "), "cafe-t-hoekje");
        assert_eq!(wijkregie_core::codes::slug(""), "");
    }
}
