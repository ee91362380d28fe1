//! Network (WSV) pages: list, detail with members and the live patient
//! total against the threshold, and the forms to change them.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
// axum's own Form cannot read repeated keys (the wijk checkboxes); this one can.
use axum_extra::extract::Form as MultiForm;
use chrono::NaiveDate;
use serde::Deserialize;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::codes::Code;
use wijkregie_core::date::{display_date, parse_date};
use wijkregie_core::region::{CoordinatorArrangement, HoursPerWeek, Membership, Module, Network, NetworkStatus};
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::{render, Layout};
use wijkregie_app::region::{self, NetworkDetail, Visible};
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_core::format::thousands;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/netwerken", get(list))
        .route("/netwerken/nieuw", get(new_form).post(create))
        .route("/netwerken/{code}", get(show))
        .route("/netwerken/{code}/bewerken", get(edit_form).post(update))
        .route("/netwerken/{code}/ingeschreven-patienten", get(total_fragment))
        .route("/netwerken/{code}/praktijken", post(add_practice))
        .route("/netwerken/{code}/partners", post(add_partner))
        .route("/netwerken/{code}/lidmaatschap-beeindigen", post(end_membership))
}

/// One line in a table of networks.
pub struct NetworkRow {
    pub code: String,
    pub name: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub module: &'static str,
    pub practice_count: usize,
    pub patients: String,
    pub meets_threshold: bool,
    pub shortfall: String,
    pub date: String,
}

impl NetworkRow {
    /// The row of one of `visible.networks`: its total is over every member
    /// practice, the same for everyone who may see the network.
    pub fn new(n: &Network, visible: &Visible, date: NaiveDate) -> Self {
        let f = visible.figures(n, date);
        Self {
            code: n.code.to_string(),
            name: n.name.clone(),
            status: n.status.label(),
            status_code: n.status.code(),
            module: n.module.label(),
            practice_count: f.member_practices,
            patients: thousands(f.registered_patients),
            meets_threshold: f.meets_threshold(),
            shortfall: thousands(f.shortfall()),
            date: display_date(date),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "network_list.html")]
struct ListPage {
    layout: Layout,
    networks: Vec<NetworkRow>,
    may_create: bool,
    /// For the regio-beheerder: practices in two networks on one day.
    overlaps: Vec<String>,
}

async fn list(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let visible = region::visible(&ctx).await?;
    let today = wijkregie_core::clock::nl_today();
    let networks = visible.networks.iter().map(|n| NetworkRow::new(n, &visible, today)).collect();
    let may_create = authorize(&ctx.principal, Action::Create, Object::Region).is_ok();
    let overlaps = if authorize(&ctx.principal, Action::Edit, Object::Region).is_ok() {
        region::membership_overlaps(&ctx).await?.into_iter().map(|o| o.message).collect()
    } else {
        vec![]
    };
    render(ListPage { layout: Layout::new("Netwerken", &visit, "/netwerken"), networks, may_create, overlaps })
}

struct MemberRow {
    kind: &'static str,
    id: String,
    name: String,
    href: String,
    from: String,
    from_iso: String,
    until: String,
    active: bool,
    patients: String,
}

/// The total on a given date, shown on the page and refreshed by htmx.
struct Total {
    date: String,
    date_iso: String,
    patients: String,
    patients_raw: u64,
    threshold: String,
    threshold_raw: u64,
    meets: bool,
    shortfall: String,
}

impl Total {
    fn new(detail: &NetworkDetail, date: NaiveDate) -> Self {
        let f = detail.figures(date);
        Total {
            date: display_date(date),
            date_iso: date.to_string(),
            patients: thousands(f.registered_patients),
            patients_raw: f.registered_patients,
            threshold: thousands(f.threshold),
            threshold_raw: f.threshold,
            meets: f.meets_threshold(),
            shortfall: thousands(f.shortfall()),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "network_total.html")]
struct TotalFragment {
    t: Total,
}

#[derive(askama::Template)]
#[template(path = "network_show.html")]
struct ShowPage {
    referrals: Option<crate::pages::referral_figures::PathwayChart>,
    layout: Layout,
    n: NetworkView,
    total: Total,
    members: Vec<MemberRow>,
    may_edit: bool,
    /// Choices for adding members: (value, label).
    practice_choices: Vec<(String, String)>,
    partner_choices: Vec<(String, String)>,
    today: String,
}

/// A network as shown: every field already in Dutch words.
struct NetworkView {
    code: String,
    name: String,
    status: &'static str,
    status_code: &'static str,
    module: &'static str,
    registered_on: String,
    stopped_on: String,
    coordinator: String,
    wijken: Vec<(String, String)>,
}

impl NetworkView {
    fn new(d: &NetworkDetail) -> Self {
        let n = &d.network;
        Self {
            code: n.code.to_string(),
            name: n.name.clone(),
            status: n.status.label(),
            status_code: n.status.code(),
            module: n.module.label(),
            registered_on: n.registered_on.map(display_date).unwrap_or_else(|| "nog niet aangemeld".into()),
            stopped_on: n.stopped_on.map(display_date).unwrap_or_default(),
            coordinator: match &n.coordinator {
                None => "nog niet geregeld".into(),
                Some(CoordinatorArrangement::ProvidedByRegion { name }) => format!("optie A: door de regio ({name})"),
                Some(CoordinatorArrangement::Own { hours_per_week, start_date }) => format!(
                    "optie B: eigen coördinator, {hours_per_week} uur per week sinds {}",
                    display_date(*start_date)
                ),
            },
            wijken: n
                .wijken
                .iter()
                .map(|code| {
                    let name =
                        d.wijken.iter().find(|w| &w.code == code).map_or_else(|| code.to_string(), |w| w.name.clone());
                    (code.to_string(), name)
                })
                .collect(),
        }
    }
}

fn members(d: &NetworkDetail, today: NaiveDate) -> Vec<MemberRow> {
    let practices = d.network.practices.iter().map(|m| {
        let p = d.practices.iter().find(|p| p.code == m.member);
        let href =
            if d.openable_practices.contains(&m.member) { format!("/praktijken/{}", m.member) } else { String::new() };
        let row = row("praktijk", m, p.map_or_else(|| m.member.to_string(), |p| p.name.clone()), href, today);
        if d.practices_with_visible_counts.contains(&m.member) {
            row.with_patients(p.and_then(|p| p.registered_patients_on(today)))
        } else {
            row
        }
    });
    let partners = d.network.partners.iter().map(|m| {
        let name = d
            .organizations
            .iter()
            .find(|o| o.code == m.member)
            .map_or_else(|| m.member.to_string(), |o| o.name.clone());
        row("partner", m, name, format!("/organisaties/{}", m.member), today)
    });
    practices.chain(partners).collect()
}

fn row<M: ToString>(kind: &'static str, m: &Membership<M>, name: String, href: String, today: NaiveDate) -> MemberRow {
    MemberRow {
        kind,
        id: m.member.to_string(),
        name,
        href,
        from: display_date(m.from),
        from_iso: m.from.to_string(),
        until: m.until.map(display_date).unwrap_or_default(),
        active: m.active_on(today),
        patients: String::new(),
    }
}

impl MemberRow {
    fn with_patients(mut self, count: Option<u32>) -> Self {
        self.patients = count.map(|c| thousands(u64::from(c))).unwrap_or_else(|| "onbekend".into());
        self
    }
}

async fn show(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let code = parse_code(&code)?;
    let detail = region::network(&ctx, &code).await?;
    let today = wijkregie_core::clock::nl_today();
    let (practice_choices, partner_choices) =
        if detail.may_edit { choices(&ctx, &detail).await? } else { (vec![], vec![]) };
    // Coordinators and the region see the network's referrals in figures.
    let referrals = match crate::pages::referral_figures::pathway_chart(&ctx, Some(&code), "verwijzingen-netwerk").await
    {
        Ok(chart) => chart,
        Err(HttpError(Error::Forbidden(_))) => None,
        Err(e) => return Err(e),
    };
    render(ShowPage {
        layout: Layout::new(detail.network.name.clone(), &visit, "/netwerken"),
        referrals,
        n: NetworkView::new(&detail),
        total: Total::new(&detail, today),
        members: members(&detail, today),
        may_edit: detail.may_edit,
        practice_choices,
        partner_choices,
        today: today.to_string(),
    })
}

/// Practices and organisations that could be added as members.
async fn choices(ctx: &Ctx, d: &NetworkDetail) -> Result<(Vec<(String, String)>, Vec<(String, String)>), HttpError> {
    let (practices, organizations) = region::member_candidates(ctx, &d.network).await?;
    Ok((
        practices.into_iter().map(|p| (p.code.to_string(), format!("{} ({})", p.name, p.address.city))).collect(),
        organizations.into_iter().map(|o| (o.code.to_string(), format!("{} ({})", o.name, o.domain.label()))).collect(),
    ))
}

#[derive(Deserialize)]
struct DateQuery {
    #[serde(default)]
    date: String,
}

async fn total_fragment(ctx: Ctx, Path(code): Path<String>, Query(q): Query<DateQuery>) -> Result<Response, HttpError> {
    let code = parse_code(&code)?;
    let date = if q.date.trim().is_empty() {
        wijkregie_core::clock::nl_today()
    } else {
        parse_date(&q.date).map_err(|e| Error::Invalid(vec![e.at("date")]))?
    };
    let detail = region::network(&ctx, &code).await?;
    render(TotalFragment { t: Total::new(&detail, date) })
}

fn parse_code(code: &str) -> Result<Code, Error> {
    code.parse().map_err(|_| Error::NotFound(format!("netwerk '{code}'")))
}

/// The network form's fields, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct NetworkForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    /// One entry per ticked wijk checkbox.
    #[serde(default)]
    wijken: Vec<String>,
    #[serde(default)]
    module: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    registered_on: String,
    #[serde(default)]
    stopped_on: String,
    #[serde(default)]
    coordinator_option: String,
    #[serde(default)]
    coordinator_name: String,
    #[serde(default)]
    coordinator_hours: String,
    #[serde(default)]
    coordinator_start: String,
}

fn opt_date(field: &str, value: &str, problems: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    parse_date(value).map_err(|e| problems.push(e.at(field))).ok()
}

impl NetworkForm {
    fn from_network(n: &Network) -> Self {
        let (option, name, hours, start) = match &n.coordinator {
            None => ("", String::new(), String::new(), String::new()),
            Some(CoordinatorArrangement::ProvidedByRegion { name }) => {
                ("A", name.clone(), String::new(), String::new())
            }
            Some(CoordinatorArrangement::Own { hours_per_week, start_date }) => {
                ("B", String::new(), hours_per_week.to_string(), start_date.to_string())
            }
        };
        Self {
            code: n.code.to_string(),
            name: n.name.clone(),
            wijken: n.wijken.iter().map(ToString::to_string).collect(),
            module: n.module.code().into(),
            status: n.status.code().into(),
            registered_on: n.registered_on.map(|d| d.to_string()).unwrap_or_default(),
            stopped_on: n.stopped_on.map(|d| d.to_string()).unwrap_or_default(),
            coordinator_option: option.into(),
            coordinator_name: name,
            coordinator_hours: hours,
            coordinator_start: start,
        }
    }

    /// Applies the form to `base` (the stored network, or an empty one).
    fn apply(&self, mut base: Network) -> Result<Network, Vec<FieldError>> {
        let mut problems = Vec::new();
        base.name = self.name.trim().to_owned();
        base.wijken = Vec::new();
        for w in self.wijken.iter().filter(|w| !w.is_empty()) {
            match w.parse() {
                Ok(code) => base.wijken.push(code),
                Err(e) => problems.push(wijkregie_core::error::Invalid::at(e, "wijken")),
            }
        }
        match self.module.parse::<Module>() {
            Ok(m) => base.module = m,
            Err(e) => problems.push(e.at("module")),
        }
        match self.status.parse::<NetworkStatus>() {
            Ok(s) => base.status = s,
            Err(e) => problems.push(e.at("status")),
        }
        base.registered_on = opt_date("registered_on", &self.registered_on, &mut problems);
        base.stopped_on = opt_date("stopped_on", &self.stopped_on, &mut problems);
        base.coordinator = match self.coordinator_option.as_str() {
            "" => None,
            "A" => {
                if self.coordinator_name.trim().is_empty() {
                    problems.push(FieldError::new("coordinator_name", "vul de naam van de coördinator in"));
                }
                Some(CoordinatorArrangement::ProvidedByRegion { name: self.coordinator_name.trim().to_owned() })
            }
            "B" => {
                let hours = HoursPerWeek::parse_hours(&self.coordinator_hours)
                    .map_err(|e| problems.push(e.at("coordinator_hours")))
                    .ok();
                let start = opt_date("coordinator_start", &self.coordinator_start, &mut problems);
                if start.is_none() && self.coordinator_start.trim().is_empty() {
                    problems.push(FieldError::new("coordinator_start", "vul de startdatum van de coördinator in"));
                }
                match (hours, start) {
                    (Some(hours_per_week), Some(start_date)) => {
                        Some(CoordinatorArrangement::Own { hours_per_week, start_date })
                    }
                    _ => None,
                }
            }
            other => {
                problems
                    .push(FieldError::new("coordinator_option", format!("'{other}' is geen keuze: kies A, B of geen")));
                None
            }
        };
        problems.extend(base.problems().into_iter().filter(|p| !p.field.contains('[')));
        if problems.is_empty() {
            Ok(base)
        } else {
            Err(problems)
        }
    }
}

#[derive(askama::Template)]
#[template(path = "network_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    is_new: bool,
    may_edit_terms: bool,
    form: NetworkForm,
    errors: Vec<FieldError>,
    wijk_choices: Vec<(String, String)>,
    modules: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    fn has_wijk(&self, code: &str) -> bool {
        self.form.wijken.iter().any(|w| w == code)
    }
}

async fn wijk_choices(ctx: &Ctx) -> Result<Vec<(String, String)>, HttpError> {
    Ok(region::wijken(ctx).await?.into_iter().map(|w| (w.code.to_string(), w.name)).collect())
}

async fn form_page(
    ctx: &Ctx,
    visit: &Visit,
    is_new: bool,
    may_edit_terms: bool,
    form: NetworkForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let (heading, action) = if is_new {
        ("Nieuw netwerk".to_owned(), "/netwerken/nieuw".to_owned())
    } else {
        (format!("{} bewerken", form.name), format!("/netwerken/{}/bewerken", form.code))
    };
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage {
        layout: Layout::new(heading.clone(), visit, "/netwerken"),
        heading,
        action,
        is_new,
        may_edit_terms,
        form,
        errors,
        wijk_choices: wijk_choices(ctx).await?,
        modules: Module::ALL.iter().map(|m| (m.code(), m.label())).collect(),
        statuses: NetworkStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
    };
    Ok((status, render(page)?).into_response())
}

async fn new_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    authorize(&ctx.principal, Action::Create, Object::Region)?;
    let form = NetworkForm { module: "wijkmanagement".into(), status: "interesse".into(), ..NetworkForm::default() };
    form_page(&ctx, &visit, true, true, form, vec![]).await
}

fn empty_network(code: Code) -> Network {
    Network {
        code,
        name: String::new(),
        wijken: vec![],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Interesse,
        registered_on: None,
        stopped_on: None,
        coordinator: None,
        practices: vec![],
        partners: vec![],
    }
}

async fn create(ctx: Ctx, visit: Visit, MultiForm(form): MultiForm<NetworkForm>) -> Result<Response, HttpError> {
    let code = match form.code.parse::<Code>() {
        Ok(c) => c,
        Err(e) => return form_page(&ctx, &visit, true, true, form, vec![e.at("code")]).await,
    };
    let network = match form.apply(empty_network(code.clone())) {
        Ok(n) => n,
        Err(errors) => return form_page(&ctx, &visit, true, true, form, errors).await,
    };
    match region::create_network(&ctx, network).await {
        Ok(_) => Ok(flash::redirect(&format!("/netwerken/{code}"), "Het netwerk is aangemaakt.")),
        Err(Error::Conflict(taken)) => {
            form_page(&ctx, &visit, true, true, form, vec![FieldError::new("code", taken)]).await
        }
        Err(Error::Invalid(errors)) => form_page(&ctx, &visit, true, true, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let detail = region::network(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(wijkregie_core::access::Refusal::OutOfScope).into());
    }
    form_page(&ctx, &visit, false, detail.may_edit_terms, NetworkForm::from_network(&detail.network), vec![]).await
}

async fn update(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    MultiForm(mut form): MultiForm<NetworkForm>,
) -> Result<Response, HttpError> {
    let detail = region::network(&ctx, &parse_code(&code)?).await?;
    form.code = detail.network.code.to_string();
    if !detail.may_edit_terms {
        // The fields are not on the form for this user; keep the stored terms.
        let stored = NetworkForm::from_network(&detail.network);
        form = NetworkForm { name: form.name, wijken: form.wijken, ..stored };
    }
    let network = match form.apply(detail.network.clone()) {
        Ok(n) => n,
        Err(errors) => return form_page(&ctx, &visit, false, detail.may_edit_terms, form, errors).await,
    };
    match region::save_network(&ctx, network).await {
        Ok(_) => Ok(flash::redirect(&format!("/netwerken/{}", detail.network.code), "Het netwerk is opgeslagen.")),
        Err(Error::Invalid(errors)) => form_page(&ctx, &visit, false, detail.may_edit_terms, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    from: String,
}

fn member_date(value: &str, field: &str) -> Result<NaiveDate, Error> {
    parse_date(value).map_err(|e| Error::Invalid(vec![e.at(field)]))
}

async fn add_practice(ctx: Ctx, Path(code): Path<String>, Form(form): Form<MemberForm>) -> Result<Response, HttpError> {
    let mut detail = region::network(&ctx, &parse_code(&code)?).await?;
    let practice: Code =
        form.member.parse().map_err(|e: wijkregie_core::error::Invalid| Error::Invalid(vec![e.at("member")]))?;
    let from = member_date(&form.from, "from")?;
    detail.network.practices.push(Membership { member: practice, from, until: None });
    region::save_network(&ctx, detail.network.clone()).await.map_err(without_field_paths)?;
    Ok(flash::redirect(&format!("/netwerken/{}", detail.network.code), "De praktijk is aan het netwerk toegevoegd."))
}

async fn add_partner(ctx: Ctx, Path(code): Path<String>, Form(form): Form<MemberForm>) -> Result<Response, HttpError> {
    let mut detail = region::network(&ctx, &parse_code(&code)?).await?;
    let org: Code =
        form.member.parse().map_err(|e: wijkregie_core::error::Invalid| Error::Invalid(vec![e.at("member")]))?;
    let from = member_date(&form.from, "from")?;
    detail.network.partners.push(Membership { member: org, from, until: None });
    region::save_network(&ctx, detail.network.clone()).await?;
    Ok(flash::redirect(&format!("/netwerken/{}", detail.network.code), "De partner is aan het netwerk toegevoegd."))
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    member: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

async fn end_membership(ctx: Ctx, Path(code): Path<String>, Form(form): Form<EndForm>) -> Result<Response, HttpError> {
    let mut detail = region::network(&ctx, &parse_code(&code)?).await?;
    let from = member_date(&form.from, "from")?;
    let until = member_date(&form.until, "until")?;
    let found = match form.kind.as_str() {
        "praktijk" => end(&mut detail.network.practices, &form.member, from, until),
        "partner" => end(&mut detail.network.partners, &form.member, from, until),
        _ => false,
    };
    if !found {
        return Err(Error::NotFound(format!("lidmaatschap van {}", form.member)).into());
    }
    region::save_network(&ctx, detail.network.clone()).await.map_err(without_field_paths)?;
    Ok(flash::redirect(&format!("/netwerken/{}", detail.network.code), "Het lidmaatschap is beëindigd."))
}

/// The member forms have one field each, so a problem's path into the
/// network (`practices[12]`) says nothing to the person: show the message.
fn without_field_paths(e: Error) -> Error {
    match e {
        Error::Invalid(problems) => Error::Invalid(problems.into_iter().map(|p| p.at("")).collect()),
        other => other,
    }
}

fn end<M: ToString>(members: &mut [Membership<M>], member: &str, from: NaiveDate, until: NaiveDate) -> bool {
    match members.iter_mut().find(|m| m.member.to_string() == member && m.from == from) {
        Some(m) => {
            m.until = Some(until);
            true
        }
        None => false,
    }
}
