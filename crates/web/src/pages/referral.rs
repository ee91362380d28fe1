//! Referral pages: the form a practice fills from the social map, the
//! worklist of each party (sent or received, with what needs attention),
//! one referral with its steps and messages, the patient's access overview,
//! and the figures for coordinators and the region.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::codes::Code;
use wijkregie_core::date::display_date;
use wijkregie_core::directory::{HsdsId, Pathway};
use wijkregie_core::referral::{
    allowed_side, AgeBand, CancelReason, CompletionOutcome, HoldReason, NewReferral, ReferralStatus, RejectionReason,
    Side, Step, Urgency,
};
use wijkregie_core::region::Reach;
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::form::Errors;
use crate::pages::{render, Layout};
use wijkregie_app::referral::{self as service, is_party, Detail};
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/verwijzingen", get(worklist))
        .route("/verwijzingen/nieuw", get(new_form).post(create))
        .route("/verwijzingen/{id}", get(show))
        .route("/verwijzingen/{id}/stap", post(step))
        .route("/verwijzingen/{id}/bericht", post(message))
        .route("/verwijzingen/{id}/inzage", get(access))
}

fn parse_id(id: &str) -> Result<HsdsId, Error> {
    id.parse().map_err(|_| Error::NotFound(format!("verwijzing '{id}'")))
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    wijkregie_core::clock::nl_display(t)
}

/// The referral form as typed.
#[derive(Deserialize, Default)]
struct ReferralForm {
    #[serde(default)]
    dienst: String,
    #[serde(default)]
    netwerk: String,
    #[serde(default)]
    locatie: String,
    #[serde(default)]
    ketenaanpak: String,
    #[serde(default)]
    hulpvraag: String,
    #[serde(default)]
    urgentie: String,
    #[serde(default)]
    vraag: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    telefoon: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    geboortejaar: String,
    #[serde(default)]
    leeftijdsgroep: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    toestemming: String,
}

impl ReferralForm {
    fn to_new(&self) -> Result<NewReferral, Vec<FieldError>> {
        let mut problems = Vec::new();
        let opt = |value: &str| -> Option<String> {
            let v = value.trim();
            (!v.is_empty()).then(|| v.to_owned())
        };
        let location =
            opt(&self.locatie).and_then(|v| v.parse::<HsdsId>().map_err(|e| problems.push(e.at("locatie"))).ok());
        let pathway = opt(&self.ketenaanpak).and_then(|v| {
            v.parse().map_err(|e: wijkregie_core::error::Invalid| problems.push(e.at("ketenaanpak"))).ok()
        });
        let hulpvraag =
            opt(&self.hulpvraag).and_then(|v| v.parse::<Code>().map_err(|e| problems.push(e.at("hulpvraag"))).ok());
        let urgency =
            opt(&self.urgentie).and_then(|v| v.parse::<Urgency>().map_err(|e| problems.push(e.at("urgentie"))).ok());
        let age_band = opt(&self.leeftijdsgroep)
            .and_then(|v| v.parse::<AgeBand>().map_err(|e| problems.push(e.at("leeftijdsgroep"))).ok());
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewReferral {
            location,
            pathway,
            hulpvraag,
            urgency,
            question: self.vraag.clone(),
            name: self.naam.clone(),
            phone: self.telefoon.clone(),
            email: self.email.clone(),
            birth_year: self.geboortejaar.clone(),
            age_band,
            postcode: self.postcode.clone(),
            consent: !self.toestemming.is_empty(),
        })
    }
}

#[derive(askama::Template)]
#[template(path = "referral_form.html")]
struct FormPage {
    layout: Layout,
    service_name: String,
    organization: String,
    form: ReferralForm,
    networks: Vec<(String, String)>,
    locations: Vec<(String, String)>,
    pathways: Vec<(String, String)>,
    terms: Vec<(String, String)>,
    urgencies: Vec<(&'static str, &'static str)>,
    age_bands: Vec<(&'static str, String)>,
    errors: Errors,
    /// How the organisation will hear of it, said before sending.
    reach: Reach,
    intake_phone: Option<String>,
    reaction_days: u32,
}

async fn form_page(
    ctx: &Ctx,
    visit: &Visit,
    form: ReferralForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let id: HsdsId = form.dienst.parse().map_err(|_| Error::NotFound(format!("voorziening '{}'", form.dienst)))?;
    let cx = service::send_context(ctx, &id).await?;
    let mut pathways = vec![(String::new(), "geen".to_owned())];
    pathways.extend(cx.service.pathways.iter().map(|p| (p.code().to_owned(), p.label().to_owned())));
    let mut terms: Vec<(String, String)> = vec![(String::new(), "kies een hulpvraag".to_owned())];
    // The service's own hulpvragen first: the likely ones.
    let (own, rest): (Vec<_>, Vec<_>) = cx.terms.iter().partition(|t| cx.service.taxonomy_terms.contains(&t.code));
    terms.extend(own.iter().chain(rest.iter()).map(|t| (t.code.to_string(), t.name.clone())));
    let mut locations = vec![(String::new(), "maakt niet uit".to_owned())];
    locations.extend(cx.locations.iter().map(|l| (l.id.to_string(), l.name.clone())));
    let mut age_bands = vec![("", "niet van toepassing (geboortejaar ingevuld)".to_owned())];
    age_bands.extend(AgeBand::ALL.iter().map(|b| (b.code(), b.label())));
    // The domain names its fields in English; the form's fields are Dutch.
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|mut e| {
            let id = match e.field.as_str() {
                "question" => "vraag",
                "name" => "naam",
                "phone" => "telefoon",
                "birth_year" | "age" => "geboortejaar",
                "consent" => "toestemming",
                "location" => "locatie",
                "pathway" => "ketenaanpak",
                "age_band" => "leeftijdsgroep",
                "service" => "",
                other => other,
            };
            e.field = id.to_owned();
            e
        })
        .collect();
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = FormPage {
        layout: Layout::new(format!("Verwijzen naar {}", cx.service.name), visit, "/verwijzingen"),
        service_name: cx.service.name.clone(),
        organization: cx.organization.name.clone(),
        networks: cx.networks.iter().map(|n| (n.code.to_string(), n.name.clone())).collect(),
        locations,
        pathways,
        terms,
        urgencies: Urgency::ALL.iter().map(|u| (u.code(), u.label())).collect(),
        age_bands,
        form,
        errors,
        reach: cx.reach,
        intake_phone: cx.organization.contact.phone.clone(),
        reaction_days: ctx.app.config.reaction_working_days,
    };
    Ok((status, render(page)?).into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    dienst: String,
}

async fn new_form(ctx: Ctx, visit: Visit, Query(q): Query<NewQuery>) -> Result<Response, HttpError> {
    let id: HsdsId = q.dienst.parse().map_err(|_| Error::NotFound(format!("voorziening '{}'", q.dienst)))?;
    let cx = service::send_context(&ctx, &id).await?;
    let form = ReferralForm {
        dienst: q.dienst,
        // One pathway or hulpvraag on the service: a sensible default.
        ketenaanpak: match cx.service.pathways.as_slice() {
            [one] => one.code().to_owned(),
            _ => String::new(),
        },
        hulpvraag: cx.service.taxonomy_terms.first().map(ToString::to_string).unwrap_or_default(),
        urgentie: Urgency::Routine.code().to_owned(),
        ..ReferralForm::default()
    };
    form_page(&ctx, &visit, form, vec![]).await
}

async fn create(ctx: Ctx, visit: Visit, Form(form): Form<ReferralForm>) -> Result<Response, HttpError> {
    let service_id: HsdsId =
        form.dienst.parse().map_err(|_| Error::NotFound(format!("voorziening '{}'", form.dienst)))?;
    let new = match form.to_new() {
        Ok(n) => n,
        Err(errors) => return form_page(&ctx, &visit, form, errors).await,
    };
    let network: Option<Code> = form.netwerk.parse().ok();
    match service::send(&ctx, &service_id, network.as_ref(), new).await {
        Ok(id) => Ok(Redirect::to(&format!("/verwijzingen/{id}?melding=verstuurd")).into_response()),
        Err(Error::Invalid(errors)) => form_page(&ctx, &visit, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

/// Closed referrals shown in a worklist; older ones stay out of sight (and
/// out of the audit log) until someone needs them.
const CLOSED_SHOWN: usize = 50;

struct Row {
    id: String,
    name: String,
    service: String,
    counterpart: String,
    sent: String,
    status: String,
    news: bool,
    overdue: bool,
}

struct Tab {
    heading: &'static str,
    id: &'static str,
    rows: Vec<Row>,
}

#[derive(askama::Template)]
#[template(path = "referral_list.html")]
struct ListPage {
    layout: Layout,
    referrer: bool,
    tabs: Vec<Tab>,
    older_closed: usize,
}

async fn worklist(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    if !is_party(ctx.principal.role) {
        return Ok(Redirect::to("/verwijzingen/cijfers").into_response());
    }
    let list = service::worklist(&ctx, Some(CLOSED_SHOWN)).await?;
    service::log_shown(&ctx, "referral.list", &list.items.iter().collect::<Vec<_>>()).await?;
    let referrer = list.side == Side::Referrer;
    let mut tabs = if referrer {
        vec![
            Tab { heading: "Wacht op reactie", id: "wacht", rows: vec![] },
            Tab { heading: "Loopt", id: "loopt", rows: vec![] },
            Tab { heading: "Afgerond", id: "afgerond", rows: vec![] },
        ]
    } else {
        vec![
            Tab { heading: "Nieuw", id: "nieuw", rows: vec![] },
            Tab { heading: "In behandeling", id: "loopt", rows: vec![] },
            Tab { heading: "Wacht", id: "wacht", rows: vec![] },
            Tab { heading: "Afgerond", id: "afgerond", rows: vec![] },
        ]
    };
    for item in list.items {
        let f = &item.referral.facts;
        let slot = match (referrer, f.status) {
            (_, s) if s.is_terminal() => tabs.len() - 1,
            (true, s) if s.needs_reaction() => 0,
            (true, _) => 1,
            (false, ReferralStatus::Requested | ReferralStatus::Received) => 0,
            (false, ReferralStatus::OnHold) => 2,
            (false, _) => 1,
        };
        tabs[slot].rows.push(Row {
            id: item.id.to_string(),
            name: item
                .referral
                .personal
                .as_ref()
                .map_or_else(|| absent_personal(&item.referral).to_owned(), |p| p.contact.name.clone()),
            service: item.service,
            counterpart: if referrer { item.organization } else { item.practice },
            sent: display_date(wijkregie_core::clock::nl_date(f.sent_at)),
            status: f.status.label().to_owned(),
            news: item.news,
            overdue: item.overdue,
        });
    }
    render(ListPage {
        layout: Layout::new("Verwijzingen", &visit, "/verwijzingen"),
        referrer,
        tabs,
        older_closed: list.older_closed,
    })
}

/// A step this side may take now, as a form: with a choice of reason or
/// outcome where the step needs one (never preselected), a note, and a
/// confirmation where the step cannot be undone by the other side.
pub(crate) struct Action {
    step: &'static str,
    label: &'static str,
    choices: Vec<(&'static str, &'static str)>,
    choice_label: &'static str,
    /// `""` (primary), `"secondary"` or `"danger"`.
    style: &'static str,
    note_label: &'static str,
    /// A report of several lines (the outcome) rather than a short note.
    multiline: bool,
    /// Asks "are you sure" with a checkbox before it is taken.
    confirm: Option<&'static str>,
}

pub(crate) fn actions(status: ReferralStatus, side: Side) -> Vec<Action> {
    let plain = |step, label, style| Action {
        step,
        label,
        choices: vec![],
        choice_label: "",
        style,
        note_label: "Toelichting",
        multiline: false,
        confirm: None,
    };
    let pick = |first: &'static str| vec![("", first)];
    let candidates = [
        (Step::Accept, plain("accept", "Accepteren", "")),
        (
            Step::Reject { reason: RejectionReason::Other },
            Action {
                choices: pick("kies een reden")
                    .into_iter()
                    .chain(RejectionReason::ALL.iter().map(|r| (r.code(), r.label())))
                    .collect(),
                choice_label: "Reden",
                ..plain("reject", "Afwijzen", "danger")
            },
        ),
        (Step::Start, plain("start", "Gestart: eerste contact gehad", "")),
        (
            Step::Hold { reason: HoldReason::Other },
            Action {
                choices: pick("kies een reden")
                    .into_iter()
                    .chain(HoldReason::ALL.iter().map(|r| (r.code(), r.label())))
                    .collect(),
                choice_label: "Reden",
                ..plain("hold", "In de wacht zetten", "secondary")
            },
        ),
        (Step::Resume, plain("resume", "Weer oppakken", "")),
        (
            Step::Complete { outcome: CompletionOutcome::Other },
            Action {
                choices: pick("kies een uitkomst")
                    .into_iter()
                    .chain(CompletionOutcome::ALL.iter().map(|o| (o.code(), o.label())))
                    .collect(),
                choice_label: "Uitkomst",
                note_label: "Verslag voor de huisarts",
                multiline: true,
                ..plain("complete", "Afronden", "")
            },
        ),
        (
            Step::Cancel { reason: None },
            Action {
                choices: pick("kies een reden")
                    .into_iter()
                    .chain(CancelReason::ALL.iter().map(|r| (r.code(), r.label())))
                    .collect(),
                choice_label: "Reden",
                confirm: Some("Ja, trek deze verwijzing in. De netwerkpartner krijgt daarvan bericht."),
                ..plain("cancel", "Verwijzing intrekken", "danger")
            },
        ),
    ];
    candidates
        .into_iter()
        .filter(|(s, _)| allowed_side(status, s.target()) == Some(side))
        // Start follows acceptance and resume follows a hold; both lead to in-progress.
        .filter(|(s, _)| match s {
            Step::Start => status == ReferralStatus::Accepted,
            Step::Resume => status == ReferralStatus::OnHold,
            _ => true,
        })
        .map(|(_, action)| action)
        .collect()
}

pub(crate) struct HistoryRow {
    when: String,
    what: String,
    by: String,
}

pub(crate) struct MessageRow {
    when: String,
    by: String,
    text: String,
}

/// How the referrer sees the partner being reached while it waits.
pub(crate) struct ReachNote {
    reach: Reach,
    phone: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "referral_show.html")]
pub(crate) struct ShowPage {
    layout: Layout,
    id: String,
    referrer: bool,
    status: String,
    service: String,
    organization: String,
    practice: String,
    location: Option<String>,
    hulpvraag: String,
    pathway: Option<&'static str>,
    urgency: &'static str,
    sent: String,
    overdue: bool,
    reaction_due: String,
    awaiting_reaction: bool,
    personal: Option<(String, String, String, String, String)>,
    question: String,
    erased: Option<String>,
    /// Sealed with a key that was lost (`--new-key`): there, but not readable.
    unreadable: bool,
    history: Vec<HistoryRow>,
    messages: Vec<MessageRow>,
    actions: Vec<Action>,
    /// Where the step forms post.
    step_action: String,
    /// Opened through the e-mail link: no messages form, no access overview.
    via_link: bool,
    reach: Option<ReachNote>,
    cancel_reason: Option<&'static str>,
    outcome: Option<&'static str>,
}

/// Signs a step or message: the person and the practice or organisation.
fn signature(d: &Detail, side: Side, by: i64, via_link: bool) -> String {
    let unit = match side {
        Side::Referrer => &d.practice,
        Side::Receiver => &d.organization,
    };
    if via_link {
        return format!("{unit} (via de e-maillink)");
    }
    match d.names.get(&by) {
        Some(name) => format!("{name}, {unit}"),
        None => unit.clone(),
    }
}

/// What a list shows for a patient's name that is not there.
fn absent_personal(r: &wijkregie_core::referral::Referral) -> &'static str {
    if r.personal_unreadable() {
        "(niet meer leesbaar)"
    } else {
        "(gegevens verwijderd)"
    }
}

/// The referral page of `d` for its party, in `layout`; `step_action` is
/// where its step forms post.
pub(crate) fn show_page(d: &Detail, layout: Layout, step_action: String, via_link: bool) -> ShowPage {
    let f = &d.referral.facts;
    let personal = d.referral.personal.as_ref();
    let mut history = vec![HistoryRow {
        when: time(f.sent_at),
        what: "verstuurd".to_owned(),
        by: signature(d, Side::Referrer, f.sent_by, false),
    }];
    history.extend(f.history.iter().map(|h| HistoryRow {
        when: time(h.at),
        what: match h.step {
            Step::Cancel { reason: Some(r) } => format!("{}: {}", h.step.business_status().label, r.label()),
            _ => h.step.business_status().label.to_owned(),
        },
        by: signature(d, h.side, h.by, h.via_link),
    }));
    let referrer = d.side == Side::Referrer;
    ShowPage {
        layout,
        id: d.id.to_string(),
        referrer,
        status: f.status.label().to_owned(),
        service: d.service.clone(),
        organization: d.organization.clone(),
        practice: d.practice.clone(),
        location: d.location.clone(),
        hulpvraag: d.hulpvraag.clone(),
        pathway: f.pathway.map(Pathway::label),
        urgency: f.urgency.label(),
        sent: time(f.sent_at),
        overdue: d.overdue,
        reaction_due: display_date(d.reaction_due),
        awaiting_reaction: f.status.needs_reaction(),
        personal: personal.map(|p| {
            let c = &p.contact;
            (
                c.name.clone(),
                c.phone.as_ref().map(|x| x.as_str().to_owned()).unwrap_or_default(),
                c.email.clone().unwrap_or_default(),
                match c.age {
                    wijkregie_core::referral::Age::BirthYear(y) => format!("geboren in {y}"),
                    wijkregie_core::referral::Age::Band(b) => b.label(),
                },
                c.postcode.to_string(),
            )
        }),
        question: personal.map(|p| p.question.clone()).unwrap_or_default(),
        erased: f.erased_at.map(|t| display_date(wijkregie_core::clock::nl_date(t))),
        unreadable: d.referral.personal_unreadable(),
        history,
        messages: personal
            .map(|p| {
                p.messages
                    .iter()
                    .map(|m| MessageRow {
                        when: time(m.at),
                        by: signature(d, m.side, m.by, m.via_link),
                        text: m.text.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        actions: actions(f.status, d.side),
        step_action,
        via_link,
        reach: (referrer && f.status.is_open())
            .then_some(d.reach)
            .flatten()
            .map(|reach| ReachNote { reach, phone: d.intake_phone.clone() }),
        cancel_reason: f.cancel_reason().map(CancelReason::label),
        outcome: f.outcome().map(CompletionOutcome::label),
    }
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    melding: String,
}

/// The confirmation after sending or a step, by the code in `?melding=`.
fn notice(code: &str, d: &Detail) -> Option<String> {
    let org = &d.organization;
    Some(match code {
        "verstuurd" => match d.reach {
            Some(Reach::OnWijkregie) => format!("De verwijzing is verstuurd. {org} ziet de verwijzing in wijkregie."),
            Some(Reach::ByEmail) => format!(
                "De verwijzing is verstuurd. {org} heeft geen account en krijgt een e-mail met een eenmalige link \
                 naar het intake-adres."
            ),
            _ => format!("De verwijzing is opgeslagen, maar {org} krijgt er geen bericht van: neem zelf contact op."),
        },
        "bericht" => "Uw bericht is verstuurd.".to_owned(),
        "stap" => format!("Gelukt: de verwijzing is nu {}.", d.referral.facts.status.label()),
        _ => return None,
    })
}

async fn show(
    ctx: Ctx,
    visit: Visit,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    let d = service::open(&ctx, &id).await?;
    let layout = Layout::new("Verwijzing", &visit, "/verwijzingen").with_flash(notice(&q.melding, &d));
    render(show_page(&d, layout, format!("/verwijzingen/{id}/stap"), false))
}

#[derive(Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    stap: String,
    #[serde(default)]
    keuze: String,
    #[serde(default)]
    bericht: String,
    #[serde(default)]
    bevestigd: String,
}

impl StepForm {
    pub(crate) fn message(&self) -> &str {
        &self.bericht
    }
}

pub(crate) fn parse_step(form: &StepForm) -> Result<Step, HttpError> {
    let choice = |what: &str| Error::Invalid(vec![FieldError::new("keuze", format!("kies een {what}"))]);
    Ok(match form.stap.as_str() {
        "accept" => Step::Accept,
        "reject" => Step::Reject { reason: form.keuze.parse().map_err(|_| choice("reden"))? },
        "start" => Step::Start,
        "hold" => Step::Hold { reason: form.keuze.parse().map_err(|_| choice("reden"))? },
        "resume" => Step::Resume,
        "complete" => Step::Complete { outcome: form.keuze.parse().map_err(|_| choice("uitkomst"))? },
        "cancel" => {
            let reason = form.keuze.parse().map_err(|_| choice("reden om in te trekken"))?;
            if form.bevestigd.is_empty() {
                return Err(Error::Invalid(vec![FieldError::new(
                    "bevestigd",
                    "bevestig dat u de verwijzing wilt intrekken",
                )])
                .into());
            }
            Step::Cancel { reason: Some(reason) }
        }
        other => return Err(Error::BadRequest(format!("'{other}' is geen stap van een verwijzing")).into()),
    })
}

async fn step(ctx: Ctx, Path(id): Path<String>, Form(form): Form<StepForm>) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    let step = parse_step(&form)?;
    service::take_step(&ctx, &id, step, Some(&form.bericht)).await?;
    Ok(Redirect::to(&format!("/verwijzingen/{id}?melding=stap")).into_response())
}

#[derive(Deserialize)]
struct MessageForm {
    #[serde(default)]
    bericht: String,
}

async fn message(ctx: Ctx, Path(id): Path<String>, Form(form): Form<MessageForm>) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    service::add_message(&ctx, &id, &form.bericht).await?;
    Ok(Redirect::to(&format!("/verwijzingen/{id}?melding=bericht#berichten")).into_response())
}

struct AccessRow {
    when: String,
    who: String,
    organization: String,
    what: String,
    refused: bool,
}

#[derive(askama::Template)]
#[template(path = "referral_access.html")]
struct AccessPage {
    layout: Layout,
    id: String,
    rows: Vec<AccessRow>,
}

async fn access(ctx: Ctx, visit: Visit, Path(id): Path<String>) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    let rows = service::access_overview(&ctx, &id)
        .await?
        .into_iter()
        .map(|a| {
            let ev = a.entry.event;
            AccessRow {
                when: time(ev.time),
                who: a.who,
                organization: a.organization.unwrap_or_default(),
                what: a.action,
                refused: ev.outcome != wijkregie_core::audit::Outcome::Success,
            }
        })
        .collect();
    render(AccessPage {
        layout: Layout::new("Wie zag deze verwijzing", &visit, "/verwijzingen"),
        id: id.to_string(),
        rows,
    })
}
