//! The dashboard: what matters for this user's role at a glance.

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use wijkregie_core::access::Scope;
use wijkregie_core::region::{NetworkStatus, DEFAULT_PATIENT_THRESHOLD};

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::network::NetworkRow;
use crate::pages::{render, Layout};
use wijkregie_app::region;
use wijkregie_app::App;

pub fn routes() -> Router<App> {
    Router::new().route("/", get(dashboard))
}

struct Card {
    label: &'static str,
    figure: String,
    href: &'static str,
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct Dashboard {
    layout: Layout,
    intro: String,
    cards: Vec<Card>,
    networks: Vec<NetworkRow>,
    threshold: String,
}

async fn dashboard(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let visible = region::visible(&ctx).await?;
    let today = wijkregie_core::clock::nl_today();
    let intro = match &ctx.principal.scope {
        Scope::Region => "U beheert de regio: wijken, netwerken, praktijken en partners.".to_owned(),
        Scope::Networks(_) => "De netwerken waarvoor u wijkmanager of wijkcoördinator bent.".to_owned(),
        Scope::Practice(code) => match visible.practices.iter().find(|p| &p.code == code) {
            Some(p) => match &p.agb {
                Some(agb) => format!("Uw praktijk: {} (AGB {agb}).", p.name),
                None => format!("Uw praktijk: {} (AGB onbekend).", p.name),
            },
            None => format!("Uw praktijk: {code}."),
        },
        Scope::Organization(code) => match visible.organizations.iter().find(|o| &o.code == code) {
            Some(o) => format!("Uw organisatie: {} ({}).", o.name, o.domain.label()),
            None => format!("Uw organisatie: {code}."),
        },
    };
    let active = visible.networks.iter().filter(|n| n.status == NetworkStatus::Actief).count();
    let cards = vec![
        Card { label: "Netwerken", figure: visible.networks.len().to_string(), href: "/netwerken" },
        Card { label: "Waarvan actief", figure: active.to_string(), href: "/netwerken" },
        Card { label: "Praktijken", figure: visible.practices.len().to_string(), href: "/praktijken" },
        Card { label: "Organisaties", figure: visible.organizations.len().to_string(), href: "/organisaties" },
        Card { label: "Wijken", figure: visible.wijken.len().to_string(), href: "/wijken" },
    ];
    let networks = visible.networks.iter().map(|n| NetworkRow::new(n, &visible, today)).collect();
    render(Dashboard {
        layout: Layout::new("Overzicht", &visit, "/"),
        intro,
        cards,
        networks,
        threshold: wijkregie_core::format::thousands(DEFAULT_PATIENT_THRESHOLD),
    })
}
