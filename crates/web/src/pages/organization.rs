//! Organisation (netwerkpartner) pages: the list, one organisation with the
//! networks it is a partner in, and the forms to add or change one.

use axum::extract::Path;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::access::{authorize, Action, Object, Principal, Refusal};
use wijkregie_core::codes::Code;
use wijkregie_core::date::display_date;
use wijkregie_core::region::{Domain, Organization, OrganizationContact, Reach};
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::{parsed, required, Errors};
use crate::pages::{render, Layout};
use wijkregie_app::region;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/organisaties", get(list))
        .route("/organisaties/nieuw", get(new_form).post(create))
        .route("/organisaties/zonder-account", get(without_account))
        .route("/organisaties/{code}", get(show))
        .route("/organisaties/{code}/uitnodigen", post(invite))
        .route("/organisaties/{code}/bewerken", get(edit_form).post(update))
}

/// Whether the new-item form is offered; saving is decided again by the
/// service for the item itself.
fn may_create(p: &Principal) -> bool {
    authorize(p, Action::Create, Object::Region).is_ok()
}

struct OrganizationRow {
    code: String,
    name: String,
    domain: &'static str,
    networks: Vec<(String, String)>,
    reach: Reach,
}

#[derive(askama::Template)]
#[template(path = "organization_list.html")]
struct ListPage {
    layout: Layout,
    organizations: Vec<OrganizationRow>,
    may_create: bool,
    /// The regio-beheerder sees and invites organisations without an account.
    may_invite: bool,
}

fn may_invite(p: &Principal) -> bool {
    authorize(p, Action::Create, Object::Users).is_ok()
}

async fn list(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let visible = region::visible(&ctx).await?;
    let reaches = wijkregie_app::referral_reach::reaches(&ctx, &visible.organizations).await?;
    let today = wijkregie_core::clock::nl_today();
    let organizations = visible
        .organizations
        .iter()
        .map(|o| OrganizationRow {
            code: o.code.to_string(),
            name: o.name.clone(),
            domain: o.domain.label(),
            networks: visible
                .networks
                .iter()
                .filter(|n| n.partners.iter().any(|m| m.member == o.code && m.active_on(today)))
                .map(|n| (n.code.to_string(), n.name.clone()))
                .collect(),
            reach: reaches.get(&o.code).copied().unwrap_or(Reach::Unreachable),
        })
        .collect();
    render(ListPage {
        layout: Layout::new("Organisaties", &visit, "/organisaties"),
        organizations,
        may_create: may_create(&ctx.principal),
        may_invite: may_invite(&ctx.principal),
    })
}

struct PartnershipRow {
    code: String,
    name: String,
    from: String,
    until: String,
}

#[derive(askama::Template)]
#[template(path = "organization_show.html")]
struct ShowPage {
    layout: Layout,
    code: String,
    name: String,
    domain: &'static str,
    networks: Vec<PartnershipRow>,
    may_edit: bool,
    contact: OrganizationContact,
    reach: Reach,
}

fn parse_code(code: &str) -> Result<Code, Error> {
    code.parse().map_err(|_| Error::NotFound(format!("organisatie '{code}'")))
}

async fn show(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let detail = region::organization(&ctx, &parse_code(&code)?).await?;
    let o = &detail.organization;
    let reach = wijkregie_app::referral_reach::reaches(&ctx, std::slice::from_ref(o))
        .await?
        .remove(&o.code)
        .unwrap_or(Reach::Unreachable);
    let networks = detail
        .networks
        .iter()
        .flat_map(|n| {
            n.partners.iter().filter(|m| m.member == o.code).map(|m| PartnershipRow {
                code: n.code.to_string(),
                name: n.name.clone(),
                from: display_date(m.from),
                until: m.until.map(display_date).unwrap_or_default(),
            })
        })
        .collect();
    render(ShowPage {
        layout: Layout::new(o.name.clone(), &visit, "/organisaties"),
        code: o.code.to_string(),
        name: o.name.clone(),
        domain: o.domain.label(),
        networks,
        may_edit: detail.may_edit,
        contact: o.contact.clone(),
        reach,
    })
}

/// The organisation form as typed.
#[derive(Deserialize, Default)]
struct OrganizationForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

/// What the form names an organisation, besides its code.
struct Parts {
    name: String,
    domain: Domain,
    contact: OrganizationContact,
}

impl Parts {
    fn organization(self, code: Code) -> Organization {
        Organization { code, name: self.name, domain: self.domain, contact: self.contact }
    }
}

impl OrganizationForm {
    fn from_organization(o: &Organization) -> Self {
        Self {
            code: o.code.to_string(),
            name: o.name.clone(),
            domain: o.domain.code().into(),
            email: o.contact.email.clone().unwrap_or_default(),
            phone: o.contact.phone.clone().unwrap_or_default(),
        }
    }

    fn parts(&self) -> Result<Parts, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = required("name", &self.name, "de naam is verplicht", &mut problems);
        let domain = self.domain.parse::<Domain>().map_err(|e| problems.push(e.at("domain"))).ok();
        let contact = OrganizationContact::new(Some(&self.email), Some(&self.phone)).map_err(|e| problems.push(e)).ok();
        match (domain, contact) {
            (Some(domain), Some(contact)) if problems.is_empty() => Ok(Parts { name, domain, contact }),
            _ => Err(problems),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "organization_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    form: OrganizationForm,
    domains: Vec<(&'static str, &'static str)>,
    errors: Errors,
}

fn form_page(
    visit: &Visit,
    is_new: bool,
    form: OrganizationForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let (heading, action, cancel) = if is_new {
        ("Nieuwe organisatie".to_owned(), "/organisaties/nieuw".to_owned(), "/organisaties".to_owned())
    } else {
        (
            format!("{} bewerken", form.name),
            format!("/organisaties/{}/bewerken", form.code),
            format!("/organisaties/{}", form.code),
        )
    };
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = FormPage {
        layout: Layout::new(heading.clone(), visit, "/organisaties"),
        heading,
        action,
        cancel,
        is_new,
        form,
        domains: Domain::ALL.iter().map(|d| (d.code(), d.label())).collect(),
        errors,
    };
    Ok((status, render(page)?).into_response())
}

async fn new_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    if !may_create(&ctx.principal) {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    let form = OrganizationForm { domain: Domain::Welzijn.code().into(), ..OrganizationForm::default() };
    form_page(&visit, true, form, vec![])
}

async fn create(ctx: Ctx, visit: Visit, Form(form): Form<OrganizationForm>) -> Result<Response, HttpError> {
    if !may_create(&ctx.principal) {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    let mut errors = Vec::new();
    let code = parsed::<Code>("code", &form.code, "vul een code in, zoals welzijn-noord", &mut errors);
    let parts = form.parts().map_err(|e| errors.extend(e)).ok();
    let (Some(code), Some(parts)) = (code, parts) else {
        return form_page(&visit, true, form, errors);
    };
    match region::create_organization(&ctx, parts.organization(code.clone())).await {
        Ok(_) => Ok(flash::redirect(&format!("/organisaties/{code}"), "De organisatie is aangemaakt.")),
        Err(Error::Conflict(taken)) => form_page(&visit, true, form, vec![FieldError::new("code", taken)]),
        Err(Error::Invalid(errors)) => form_page(&visit, true, form, errors),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let detail = region::organization(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    form_page(&visit, false, OrganizationForm::from_organization(&detail.organization), vec![])
}

async fn update(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Form(mut form): Form<OrganizationForm>,
) -> Result<Response, HttpError> {
    let detail = region::organization(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    let code = detail.organization.code.clone();
    form.code = code.to_string();
    let parts = match form.parts() {
        Ok(parts) => parts,
        Err(errors) => return form_page(&visit, false, form, errors),
    };
    match region::save_organization(&ctx, parts.organization(code.clone())).await {
        Ok(_) => Ok(flash::redirect(&format!("/organisaties/{code}"), "De organisatie is opgeslagen.")),
        Err(Error::Invalid(errors)) => form_page(&visit, false, form, errors),
        Err(e) => Err(e.into()),
    }
}

struct UnreachedRow {
    code: String,
    name: String,
    reach: Reach,
    email: String,
    phone: String,
    referrals: usize,
    open: usize,
}

#[derive(askama::Template)]
#[template(path = "organization_unreached.html")]
struct UnreachedPage {
    layout: Layout,
    rows: Vec<UnreachedRow>,
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    #[serde(default)]
    uitgenodigd: String,
}

/// Organisations that receive referrals but have nobody on wijkregie: the
/// regio-beheerder invites them here.
async fn without_account(ctx: Ctx, visit: Visit, Query(q): Query<NoticeQuery>) -> Result<Response, HttpError> {
    let rows = wijkregie_app::referral_reach::without_account(&ctx)
        .await?
        .into_iter()
        .map(|u| UnreachedRow {
            code: u.organization.code.to_string(),
            name: u.organization.name,
            reach: u.reach,
            email: u.organization.contact.email.unwrap_or_default(),
            phone: u.organization.contact.phone.unwrap_or_default(),
            referrals: u.referrals,
            open: u.open,
        })
        .collect();
    let flash = (!q.uitgenodigd.is_empty()).then(|| {
        format!("Er is een account gemaakt en een uitnodiging verstuurd naar het intake-adres van {}.", q.uitgenodigd)
    });
    render(UnreachedPage {
        layout: Layout::new("Organisaties zonder account", &visit, "/organisaties").with_flash(flash),
        rows,
    })
}

async fn invite(ctx: Ctx, Path(code): Path<String>) -> Result<Response, HttpError> {
    let code = parse_code(&code)?;
    wijkregie_app::referral_reach::invite(&ctx, &code).await?;
    let name = region::organization(&ctx, &code).await?.organization.name;
    Ok(Redirect::to(&format!("/organisaties/zonder-account?uitgenodigd={}", crate::pages::urlencode(&name)))
        .into_response())
}
