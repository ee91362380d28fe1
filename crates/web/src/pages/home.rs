//! The home page: the work waiting for this user, by role (`app::home`),
//! and for those in networks the networks with their threshold.

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use wijkregie_app::home::{self, ChainState, Home, ReferralLine};
use wijkregie_core::access::Scope;
use wijkregie_core::clock::nl_display;
use wijkregie_core::date::display_date;
use wijkregie_core::format::thousands;
use wijkregie_core::region::DEFAULT_PATIENT_THRESHOLD;

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

/// "1 voorziening", "2 voorzieningen": Dutch counts without "(en)".
fn counted(n: usize, one: &str, more: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {more}", thousands(n as u64))
    }
}

struct ReferralRow {
    href: String,
    service: String,
    counterpart: String,
    status: &'static str,
    sent: String,
    changed: String,
    due: String,
}

impl ReferralRow {
    fn of(l: &ReferralLine) -> Self {
        ReferralRow {
            href: format!("/verwijzingen/{}", l.id),
            service: l.service.clone(),
            counterpart: l.counterpart.clone(),
            status: l.status.label(),
            sent: nl_display(l.sent_at),
            changed: nl_display(l.changed_at),
            due: display_date(l.reaction_due),
        }
    }
}

struct PracticeView {
    news: Vec<ReferralRow>,
}

struct ServiceRow {
    href: String,
    name: String,
    checked: String,
    stale: bool,
}

struct PartnerView {
    to_act: Vec<ReferralRow>,
    late: Vec<ReferralRow>,
    services: Vec<ServiceRow>,
    stale: String,
}

struct SuggestionLine {
    title: String,
    pathway: String,
    because: Vec<String>,
}

struct NetworkWorkRow {
    code: String,
    name: String,
    stale: usize,
    late: usize,
    suggestions: Vec<SuggestionLine>,
}

struct ManagerView {
    networks: Vec<NetworkWorkRow>,
    duplicates: String,
    has_duplicates: bool,
}

struct Waiting {
    id: i64,
    submitted: String,
    contact: String,
    request: &'static str,
}

struct Unreached {
    code: String,
    name: String,
    referrals: String,
}

struct RegionView {
    applications: Vec<Waiting>,
    applications_count: String,
    quarters: Vec<(String, String)>,
    unreached: Vec<Unreached>,
    /// The chain state in one sentence, and whether it is whole.
    chain: String,
    chain_ok: bool,
    needs_second_factor: bool,
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct Dashboard {
    layout: Layout,
    intro: String,
    practice: Option<PracticeView>,
    partner: Option<PartnerView>,
    manager: Option<ManagerView>,
    region: Option<RegionView>,
    /// The network table with the threshold: not for partners, whose
    /// work is referrals and their own services.
    show_networks: bool,
    networks: Vec<NetworkRow>,
    threshold: String,
}

async fn dashboard(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let work = home::work(&ctx).await?;
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
    let (mut practice, mut partner, mut manager, mut region) = (None, None, None, None);
    match work {
        Home::Practice(w) => practice = Some(PracticeView { news: w.news.iter().map(ReferralRow::of).collect() }),
        Home::Partner(w) => {
            let stale = w.services.iter().filter(|s| s.stale).count();
            partner = Some(PartnerView {
                to_act: w.to_act.iter().map(ReferralRow::of).collect(),
                late: w.late.iter().map(ReferralRow::of).collect(),
                services: w
                    .services
                    .iter()
                    .map(|s| ServiceRow {
                        href: format!("/aanbod/voorzieningen/{}", s.service.id),
                        name: s.service.name.clone(),
                        checked: s.service.assured_date.map_or_else(|| "nog nooit".to_owned(), display_date),
                        stale: s.stale,
                    })
                    .collect(),
                stale: counted(stale, "voorziening is", "voorzieningen zijn"),
            });
        }
        Home::Manager(w) => {
            manager = Some(ManagerView {
                networks: w
                    .networks
                    .iter()
                    .map(|n| NetworkWorkRow {
                        code: n.code.to_string(),
                        name: n.name.clone(),
                        stale: n.stale,
                        late: n.late_referrals,
                        suggestions: n
                            .suggestions
                            .iter()
                            .map(|s| SuggestionLine {
                                title: s.title.clone(),
                                pathway: s.pathway.label().to_owned(),
                                because: s
                                    .because
                                    .iter()
                                    .map(wijkregie_core::population::Trigger::explanation)
                                    .collect(),
                            })
                            .collect(),
                    })
                    .collect(),
                duplicates: counted(w.likely_duplicates, "paar", "paren"),
                has_duplicates: w.likely_duplicates > 0,
            });
        }
        Home::Region(w) => {
            let (chain, chain_ok, needs_second_factor) = match &w.chain {
                ChainState::NeedsSecondFactor => (
                    "Het auditlog lezen vraagt om inloggen met een tweede factor; zet die aan bij Mijn account.".to_owned(),
                    true,
                    true,
                ),
                ChainState::Checked(c) => match (c.intact_entries, c.broken_at) {
                    (_, Some((seq, reason))) => (
                        format!(
                            "De keten is gebroken bij regel {seq}: {reason} (gecontroleerd {}). Meld dit bij de beheerder van de server.",
                            nl_display(c.at)
                        ),
                        false,
                        false,
                    ),
                    (entries, None) => (
                        format!(
                            "De keten is intact: alle {} regels kloppen (gecontroleerd {}).",
                            thousands(entries.unwrap_or(0).unsigned_abs()),
                            nl_display(c.at)
                        ),
                        true,
                        false,
                    ),
                },
            };
            region = Some(RegionView {
                applications_count: counted(w.applications.len(), "aanmelding wacht", "aanmeldingen wachten"),
                applications: w
                    .applications
                    .iter()
                    .map(|a| Waiting {
                        id: a.id,
                        submitted: nl_display(a.submitted_at),
                        contact: a.contact.clone(),
                        request: a.request,
                    })
                    .collect(),
                quarters: w.quarters.iter().map(|q| (q.to_string(), q.label())).collect(),
                unreached: w
                    .unreached
                    .iter()
                    .map(|o| Unreached {
                        code: o.code.to_string(),
                        name: o.name.clone(),
                        referrals: counted(o.referrals, "verwijzing", "verwijzingen"),
                    })
                    .collect(),
                chain,
                chain_ok,
                needs_second_factor,
            });
        }
    }
    let networks = visible.networks.iter().map(|n| NetworkRow::new(n, &visible, today)).collect();
    render(Dashboard {
        layout: Layout::new("Overzicht", &visit, "/"),
        intro,
        show_networks: partner.is_none(),
        practice,
        partner,
        manager,
        region,
        networks,
        threshold: thousands(DEFAULT_PATIENT_THRESHOLD),
    })
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn counts_read_as_dutch() {
        assert_eq!(counted(1, "paar", "paren"), "1 paar");
        assert_eq!(counted(0, "paar", "paren"), "0 paren");
        assert_eq!(counted(1200, "verwijzing", "verwijzingen"), "1.200 verwijzingen");
    }
}
