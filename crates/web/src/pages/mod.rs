//! Server-rendered Dutch pages. Each module renders one part of the site
//! with askama templates; handlers extract, call a service and render.

mod account;
mod application;
mod assets;
mod audit_log;
mod directory;
mod directory_edit;
mod directory_upkeep;
mod finance;
mod form;
mod home;
mod login;
pub mod map;
pub mod moved;
pub mod network;
mod next_path;
mod organization;
mod outbox;
mod password_reset;
mod population;
mod practice;
mod profile;
mod public_map;
mod qr;
mod referral;
pub mod referral_figures;
mod referral_link;
mod taxonomy;
mod theme_rules;
mod users;
mod wijk;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Router;
use wijkregie_core::access::{authorize, Action, Object, Principal};

use crate::auth::Visit;
use crate::error::{ErrorReport, HttpError};
use wijkregie_app::App;
use wijkregie_app::Error;

pub use next_path::safe_next;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(home::routes())
        .merge(login::routes())
        .merge(password_reset::routes())
        .merge(application::routes())
        .merge(finance::routes())
        .merge(network::routes())
        .merge(directory::routes())
        .merge(directory_edit::routes())
        .merge(directory_upkeep::routes())
        .merge(public_map::routes())
        .merge(taxonomy::routes())
        .merge(referral::routes())
        .merge(referral_link::routes())
        .merge(referral_figures::routes())
        .merge(outbox::routes())
        .merge(wijk::routes())
        .merge(profile::routes())
        .merge(theme_rules::routes())
        .merge(population::routes())
        .merge(map::routes())
        .merge(practice::routes())
        .merge(organization::routes())
        .merge(account::routes())
        .merge(users::routes())
        .merge(audit_log::routes())
        .merge(assets::routes())
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
    /// A count of news, shown next to the label.
    pub badge: i64,
}

pub struct UserBadge {
    pub name: String,
    pub role: &'static str,
}

/// What every page's frame needs: title, menu, user, CSRF token, message.
pub struct Layout {
    pub title: String,
    pub nav: Vec<NavItem>,
    pub user: Option<UserBadge>,
    pub csrf: String,
    pub flash: Option<String>,
    /// The region's name, in the header for everyone.
    pub region: Option<String>,
    /// Where the logo leads: the overview once logged in; for visitors the
    /// public social map when the region shows it, else the login.
    pub home: &'static str,
    /// The public map is on: the login page links to it.
    pub public_map: bool,
}

impl Layout {
    /// `section` is the path of the menu item this page belongs to.
    pub fn new(title: impl Into<String>, visit: &Visit, section: &str) -> Self {
        let principal = visit.principal.as_ref();
        Self {
            title: title.into(),
            nav: principal.map(|p| nav(p, section, visit.referral_news)).unwrap_or_default(),
            user: principal.map(|p| UserBadge { name: p.name.clone(), role: p.role.label() }),
            csrf: visit.csrf_token().to_owned(),
            flash: visit.flash.clone(),
            region: visit.masthead.region.clone(),
            home: match (principal, visit.masthead.public_map) {
                (Some(_), _) => "/",
                (None, true) => "/sociale-kaart",
                (None, false) => "/login",
            },
            public_map: visit.masthead.public_map,
        }
    }

    /// A message of the page itself; without one, the confirmation of the
    /// change that led here (if any) stays.
    pub fn with_flash(mut self, flash: Option<String>) -> Self {
        if flash.is_some() {
            self.flash = flash;
        }
        self
    }
}

/// The menu: every item a page, shown when `authorize` lets this user use
/// it for at least their own things (their practice, organisation or
/// networks), so the menu follows the access rules instead of a list of its
/// own. Lists filter per item; an item is hidden where nothing could show.
fn nav(p: &Principal, section: &str, referral_news: i64) -> Vec<NavItem> {
    use wijkregie_core::access::{Refusal, Scope};
    use wijkregie_core::codes::Code;

    // A code that is nobody's: for the parts of an object the user has not.
    let none: Code = "geen-eigen".parse().expect("a valid code");
    let own_practice = match &p.scope {
        Scope::Practice(code) => code.clone(),
        _ => none.clone(),
    };
    let own_organization = match &p.scope {
        Scope::Organization(code) => code.clone(),
        _ => none.clone(),
    };
    let own_networks: Vec<Code> = match &p.scope {
        Scope::Networks(codes) => codes.clone(),
        _ => vec![],
    };
    let own_network = own_networks.first().unwrap_or(&none);
    let may = |action: Action, object: Object<'_>| authorize(p, action, object).is_ok();
    // The audit log asks for a second factor; its item shows, and the page
    // says how to turn it on.
    let may_or_needs_factor =
        |object: Object<'_>| matches!(authorize(p, Action::View, object), Ok(_) | Err(Refusal::SecondFactorRequired));

    let items: [(&'static str, &'static str, bool); 14] = [
        ("/", "Overzicht", may(Action::View, Object::Overview)),
        ("/aanbod", "Sociale kaart", may(Action::View, Object::Directory)),
        (
            "/verwijzingen",
            "Verwijzingen",
            may(
                Action::View,
                Object::Referral { referring_practice: &own_practice, receiving_organization: &own_organization },
            ) || may(Action::View, Object::ReferralFigures { networks: &own_networks }),
        ),
        (
            "/netwerken",
            "Netwerken",
            may(
                Action::View,
                Object::Network {
                    code: own_network,
                    practices: std::slice::from_ref(&own_practice),
                    partners: std::slice::from_ref(&own_organization),
                },
            ),
        ),
        (
            "/praktijken",
            "Praktijken",
            may(Action::View, Object::Practice { practice: &own_practice, networks: &own_networks }),
        ),
        (
            "/organisaties",
            "Organisaties",
            may(Action::View, Object::Organization { code: &own_organization, networks: &own_networks }),
        ),
        ("/wijken", "Wijken", may(Action::View, Object::Wijk)),
        ("/kaart", "Kaart", may(Action::View, Object::AreaMap)),
        ("/financiering", "Financiering", may(Action::View, Object::Tariffs)),
        ("/aanmeldingen", "Aanmeldingen", may(Action::View, Object::Applications)),
        ("/gebruikers", "Gebruikers", may(Action::View, Object::Users)),
        ("/auditlog", "Auditlog", may_or_needs_factor(Object::AuditLog)),
        // The outbox shows every user's mail: the same rule as the users.
        ("/uitgaande-mail", "Uitgaande mail", may(Action::View, Object::Users)),
        ("/mijn-account", "Mijn account", may(Action::View, Object::OwnAccount)),
    ];
    items
        .into_iter()
        .filter(|(_, _, shown)| *shown)
        .map(|(href, label, _)| NavItem {
            href,
            label,
            current: href == section,
            badge: if href == "/verwijzingen" { referral_news } else { 0 },
        })
        .collect()
}

/// Renders a template into a response; a template error is our bug, never
/// the user's, so it becomes a 500 with a Dutch page.
pub fn render(t: impl askama::Template) -> Result<Response, HttpError> {
    t.render().map(|html| Html(html).into_response()).map_err(|e| HttpError(Error::Internal(e.into())))
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: &'static str,
    detail: String,
    errors: Vec<String>,
}

/// Turns errors from page handlers and the auth middleware into Dutch
/// pages; sends people who are not logged in to the login page and back
/// afterwards. The auth middleware puts the visit on every response, so
/// the page shows the menu of whoever is logged in.
pub(crate) async fn render_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path_and_query().map(ToString::to_string).unwrap_or_else(|| "/".into());
    let is_get = req.method() == axum::http::Method::GET;
    let response = next.run(req).await;
    let visit = response.extensions().get::<Visit>().cloned().unwrap_or_default();
    let Some(report) = response.extensions().get::<ErrorReport>().cloned() else {
        return dutch_rejection(response, &visit);
    };
    if report.status == StatusCode::UNAUTHORIZED {
        let target = if is_get { format!("/login?next={}", urlencode(&path)) } else { "/login".into() };
        return Redirect::to(&target).into_response();
    }
    let mut out = report_page(&visit, &report);
    for h in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = response.headers().get(&h) {
            out.headers_mut().insert(h, v.clone());
        }
    }
    out
}

/// axum's own refusals of a request it cannot read (a form body with a
/// repeated or malformed field, say) come as English plain text; pages show
/// a Dutch page instead, with the same status.
fn dutch_rejection(response: Response, visit: &Visit) -> Response {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let status = response.status();
    if !(plain && status.is_client_error()) || status == StatusCode::NOT_FOUND {
        return response;
    }
    let page = ErrorPage {
        layout: Layout::new("Ongeldige invoer", visit, ""),
        title: "Ongeldige invoer",
        detail: "Het formulier of de link kon niet worden gelezen. Ga terug, vul het formulier opnieuw in en \
                 probeer het nog eens."
            .into(),
        errors: vec![],
    };
    let mut out = render(page).unwrap_or_else(IntoResponse::into_response);
    *out.status_mut() = status;
    out
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The Dutch page for a path that does not exist.
/// An error as a Dutch page with its status.
fn report_page(visit: &Visit, report: &ErrorReport) -> Response {
    let page = ErrorPage {
        layout: Layout::new(report.title, visit, ""),
        title: report.title,
        detail: report.detail.clone(),
        errors: report.errors.iter().map(ToString::to_string).collect(),
    };
    let mut out = match render(page) {
        Ok(r) => r,
        Err(_) => (report.status, report.detail.clone()).into_response(),
    };
    *out.status_mut() = report.status;
    out
}

pub fn not_found_page(visit: &Visit, path: &str) -> Response {
    let page = ErrorPage {
        layout: Layout::new("Niet gevonden", visit, ""),
        title: "Niet gevonden",
        detail: format!("De pagina {path} bestaat niet."),
        errors: vec![],
    };
    let mut out = render(page).unwrap_or_else(IntoResponse::into_response);
    *out.status_mut() = StatusCode::NOT_FOUND;
    out
}
