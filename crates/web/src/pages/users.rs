//! User accounts, for the regio-beheerder: the list, and the form to add a
//! user with a role and what that role is about (networks, a practice or an
//! organisation).

use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::Form as MultiForm;
use serde::Deserialize;
use wijkregie_core::access::{authorize, Action, Object, Refusal, Role, Scope};
use wijkregie_core::codes::Code;
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::account::scope_label;
use crate::pages::form::Errors;
use crate::pages::{render, Layout};
use wijkregie_app::account::{self, UserSpec};
use wijkregie_app::credentials::totp;
use wijkregie_app::region::{self, Visible};
use wijkregie_app::second_factor;
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_core::second_factor::CONFIGURABLE;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/gebruikers", get(list))
        .route("/gebruikers/nieuw", get(new_form).post(create))
        .route("/gebruikers/tweede-factor", post(set_totp_policy))
}

/// A role in the second-factor settings.
struct PolicyChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

struct UserRow {
    name: String,
    email: String,
    role: &'static str,
    scope: String,
    totp_on: bool,
    active: bool,
}

#[derive(askama::Template)]
#[template(path = "user_list.html")]
struct ListPage {
    layout: Layout,
    users: Vec<UserRow>,
    may_create: bool,
    totp_policy: Vec<PolicyChoice>,
}

async fn list(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let users = account::users(&ctx)
        .await?
        .into_iter()
        .map(|u| UserRow {
            scope: scope_label(&u.scope),
            name: u.name,
            email: u.email,
            role: u.role.label(),
            totp_on: u.totp_secret.is_some(),
            active: u.active,
        })
        .collect();
    let policy = second_factor::policy(&ctx).await?;
    let totp_policy = CONFIGURABLE
        .into_iter()
        .map(|role| PolicyChoice { value: role.code(), label: role.label().to_owned(), checked: policy.requires(role) })
        .collect();
    render(ListPage {
        layout: Layout::new("Gebruikers", &visit, "/gebruikers"),
        users,
        may_create: authorize(&ctx.principal, Action::Create, Object::Users).is_ok(),
        totp_policy,
    })
}

#[derive(Deserialize)]
struct PolicyForm {
    #[serde(default)]
    verplicht: Vec<String>,
}

/// Saves which roles must use a second factor; an unknown role code is a
/// forged form, refused with a Dutch message.
async fn set_totp_policy(ctx: Ctx, MultiForm(form): MultiForm<PolicyForm>) -> Result<Response, HttpError> {
    let roles = form
        .verplicht
        .iter()
        .map(|code| {
            CONFIGURABLE.into_iter().find(|r| r.code() == code).ok_or_else(|| {
                Error::BadRequest(format!("'{code}' is geen rol waarvoor een tweede factor in te stellen is"))
            })
        })
        .collect::<Result<Vec<Role>, Error>>()?;
    second_factor::set_policy(&ctx, &roles).await?;
    Ok(flash::redirect(
        "/gebruikers",
        "De instelling van de tweede factor is opgeslagen. Wie nog geen tweede factor heeft, stelt die in bij de volgende keer inloggen.",
    ))
}

/// The new-user form as typed.
#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    password: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    #[serde(default)]
    with_totp: Option<String>,
}

/// Reads the scope field for the chosen role and checks that what it names
/// exists in the region.
fn parse_scope(role: Role, text: &str, region: &Visible) -> Result<Scope, FieldError> {
    let text = text.trim();
    let problem = |message: String| FieldError::new("scope", message);
    match role {
        Role::Operator | Role::IntakeLink => {
            Err(problem("deze rol is er alleen voor de opdrachtregel op de server".into()))
        }
        Role::Region if text.is_empty() => Ok(Scope::Region),
        Role::Region => Err(problem("laat de reikwijdte leeg: een regio-beheerder werkt voor de hele regio".into())),
        Role::Networks => {
            let mut codes: Vec<Code> = Vec::new();
            for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let code: Code = part.parse().map_err(|e: wijkregie_core::error::Invalid| problem(e.0))?;
                if !region.networks.iter().any(|n| n.code == code) {
                    return Err(problem(format!("netwerk '{code}' bestaat niet")));
                }
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
            if codes.is_empty() {
                return Err(problem("vul de code van minstens één netwerk in, zoals wsv-binnenstad".into()));
            }
            Ok(Scope::Networks(codes))
        }
        Role::Practice => {
            // A practice by its code or by its AGB code.
            let text = text.trim();
            match region
                .practices
                .iter()
                .find(|p| p.code.as_str() == text || p.agb.as_ref().is_some_and(|a| a.as_str() == text))
            {
                Some(p) => Ok(Scope::Practice(p.code.clone())),
                None => Err(problem(format!(
                    "praktijk '{text}' bestaat niet: vul de code of de AGB-code van de praktijk in"
                ))),
            }
        }
        Role::Organization => {
            let code: Code = text.parse().map_err(|e: wijkregie_core::error::Invalid| problem(e.0))?;
            if !region.organizations.iter().any(|o| o.code == code) {
                return Err(problem(format!("organisatie '{code}' bestaat niet")));
            }
            Ok(Scope::Organization(code))
        }
    }
}

#[derive(askama::Template)]
#[template(path = "user_form.html")]
struct FormPage {
    layout: Layout,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    errors: Errors,
}

fn form_page(visit: &Visit, form: UserForm, errors: Vec<FieldError>) -> Result<Response, HttpError> {
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = FormPage {
        layout: Layout::new("Nieuwe gebruiker", visit, "/gebruikers"),
        form,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        errors,
    };
    Ok((status, render(page)?).into_response())
}

/// Accounts are made in a browser session, not with an API token.
fn require_session(ctx: &Ctx, visit: &Visit) -> Result<(), HttpError> {
    authorize(&ctx.principal, Action::Create, Object::Users)?;
    if visit.via_token || visit.session.is_none() {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    Ok(())
}

async fn new_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    require_session(&ctx, &visit)?;
    form_page(&visit, UserForm { role: Role::Networks.code().into(), ..UserForm::default() }, vec![])
}

#[derive(askama::Template)]
#[template(path = "user_created.html")]
struct CreatedPage {
    layout: Layout,
    name: String,
    email: String,
    secret: String,
    url: String,
}

async fn create(ctx: Ctx, visit: Visit, Form(form): Form<UserForm>) -> Result<Response, HttpError> {
    require_session(&ctx, &visit)?;
    let mut errors = Vec::new();
    let role = form.role.parse::<Role>().map_err(|e| errors.push(e.at("role"))).ok();
    let scope = match role {
        Some(role) => {
            let region = region::visible(&ctx).await?;
            parse_scope(role, &form.scope, &region).map_err(|e| errors.push(e)).ok()
        }
        None => None,
    };
    let (Some(role), Some(scope)) = (role, scope) else {
        return form_page(&visit, form, errors);
    };
    let spec = UserSpec {
        email: form.email.trim().to_owned(),
        name: form.name.trim().to_owned(),
        password: form.password.clone(),
        role,
        scope,
    };
    match account::create_user(&ctx, spec, form.with_totp.is_some()).await {
        Ok(created) => match created.totp_secret {
            Some(secret) => render(CreatedPage {
                layout: Layout::new("Gebruiker aangemaakt", &visit, "/gebruikers"),
                url: totp::provisioning_url(&secret, form.email.trim()).unwrap_or_default(),
                name: form.name.trim().to_owned(),
                email: form.email.trim().to_owned(),
                secret,
            }),
            None => Ok(flash::redirect("/gebruikers", "De gebruiker is aangemaakt.")),
        },
        Err(Error::Invalid(more)) => {
            errors.extend(more);
            form_page(&visit, form, errors)
        }
        Err(e) => Err(e.into()),
    }
}
