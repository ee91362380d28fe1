//! The dashboard: what matters for this user's role at a glance.

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use wijkregie_core::access::Scope;
use wijkregie_core::region::{NetworkStatus, DEFAULT_PATIENT_THRESHOLD};

use crate::auth::Visit;
use crate::error::AppError;
use crate::pages::network::NetworkRow;
use crate::pages::{render, Layout};
use crate::service::{region, Ctx};
use crate::AppState;

pub fn routes() -> Router<AppState> {
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

async fn dashboard(ctx: Ctx, visit: Visit) -> Result<Response, AppError> {
    let visible = region::visible(&ctx).await?;
    let today = region::today();
    let intro = match &ctx.principal.scope {
        Scope::Region => "U beheert de regio: wijken, netwerken, praktijken en partners.".to_owned(),
        Scope::Networks(_) => "De netwerken waarvoor u wijkmanager of wijkcoördinator bent.".to_owned(),
        Scope::Practice(agb) => match visible.practices.iter().find(|p| &p.agb == agb) {
            Some(p) => format!("Uw praktijk: {} (AGB {}).", p.name, p.agb),
            None => format!("Uw praktijk: AGB {agb}."),
        },
        Scope::Organization(code) => match visible.organizations.iter().find(|o| &o.code == code) {
            Some(o) => format!("Uw organisatie: {} ({}).", o.name, o.domain.label()),
            None => format!("Uw organisatie: {code}."),
        },
    };
    let active = visible.networks.iter().filter(|n| n.status == NetworkStatus::Actief).count();
    let cards = vec![
        Card { label: "Netwerken", figure: visible.networks.len().to_string(), href: "/networks" },
        Card { label: "Waarvan actief", figure: active.to_string(), href: "/networks" },
        Card { label: "Praktijken", figure: visible.practices.len().to_string(), href: "/practices" },
        Card { label: "Organisaties", figure: visible.organizations.len().to_string(), href: "/organizations" },
        Card { label: "Wijken", figure: visible.wijken.len().to_string(), href: "/wijken" },
    ];
    let networks = visible.networks.iter().map(|n| NetworkRow::new(n, &visible.practices, today)).collect();
    render(Dashboard {
        layout: Layout::new("Overzicht", &visit, "/"),
        intro,
        cards,
        networks,
        threshold: crate::pages::thousands(DEFAULT_PATIENT_THRESHOLD),
    })
}
