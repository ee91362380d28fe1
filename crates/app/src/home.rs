//! Each role's home page: the work waiting for this user, gathered from the
//! use cases that own it (referrals, upkeep of the social map, population
//! themes, applications, finance, the audit log). Every part is authorised
//! and audited by the use case it comes from; this module only chooses what
//! a role's day starts with, and counts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use wijkregie_core::access::{authorize, Action, Object, Refusal, Scope};
use wijkregie_core::application::Status;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{Service, ServiceStatus};
use wijkregie_core::finance::Quarter;
use wijkregie_core::population::Suggestion;
use wijkregie_core::referral::ReferralStatus;

use crate::audit_log::{self, ChainCheck};
use crate::population::{self, Subject};
use crate::referral::{self, Listed};
use crate::{application, finance, hsds, upkeep, Ctx, Error, Result};

/// The home page's work, by role.
pub enum Home {
    Practice(PracticeWork),
    Partner(PartnerWork),
    Manager(ManagerWork),
    Region(RegionWork),
}

/// A referral as a home page lists it: what and where, never the patient.
pub struct ReferralLine {
    pub id: String,
    pub service: String,
    /// The other party: the partner for a practice, the practice for a partner.
    pub counterpart: String,
    pub status: ReferralStatus,
    pub sent_at: DateTime<Utc>,
    /// The last step (or the sending), for "nieuws sinds".
    pub changed_at: DateTime<Utc>,
    pub reaction_due: NaiveDate,
    pub overdue: bool,
}

impl ReferralLine {
    fn of(l: &Listed, counterpart: &str, working_days: u32) -> Self {
        let f = &l.referral.facts;
        ReferralLine {
            id: l.id.to_string(),
            service: l.service.clone(),
            counterpart: counterpart.to_owned(),
            status: f.status,
            sent_at: f.sent_at,
            changed_at: f.history.last().map_or(f.sent_at, |c| c.at),
            reaction_due: f.reaction_due(working_days),
            overdue: l.overdue,
        }
    }
}

/// A practice: news on its referrals, the search box (the page's own) and
/// its networks' threshold (the page's network table).
pub struct PracticeWork {
    /// Referrals with news the practice has not opened, newest first.
    pub news: Vec<ReferralLine>,
}

/// A partner: referrals to act on, those late for a reaction, and its own
/// services with their last check ("mijn aanbod").
pub struct PartnerWork {
    /// Waiting for the partner's decision, within the reaction time.
    pub to_act: Vec<ReferralLine>,
    /// Waiting for a decision past the reaction time.
    pub late: Vec<ReferralLine>,
    pub services: Vec<OwnService>,
}

pub struct OwnService {
    pub service: Service,
    pub stale: bool,
}

/// One network of a wijkmanager: what needs care.
pub struct NetworkWork {
    pub code: Code,
    pub name: String,
    /// Social-map entries of the network due for a check.
    pub stale: usize,
    /// Referrals from the network's practices waiting past the reaction time.
    pub late_referrals: usize,
    /// The themes the wijkprofiel suggests for the network's areas.
    pub suggestions: Vec<Suggestion>,
}

/// A wijkmanager: per network, stale entries, late referrals (counts only)
/// and theme suggestions; likely duplicates among the entries it keeps; the
/// threshold is the page's network table.
pub struct ManagerWork {
    pub networks: Vec<NetworkWork>,
    pub likely_duplicates: usize,
}

/// An application waiting for review.
pub struct WaitingApplication {
    pub id: i64,
    pub submitted_at: DateTime<Utc>,
    pub contact: String,
    pub request: &'static str,
}

/// An organisation that receives referrals but has no account to read them.
pub struct UnreachedOrganization {
    pub code: Code,
    pub name: String,
    pub referrals: usize,
}

/// The state of the audit log's hash chain as the home page shows it.
pub enum ChainState {
    Checked(ChainCheck),
    /// Reading the log needs a second factor first.
    NeedsSecondFactor,
}

/// The regio-beheerder: applications to review, quarters ready to approve,
/// organisations receiving referrals without an account, the audit chain.
pub struct RegionWork {
    pub applications: Vec<WaitingApplication>,
    /// Quarters that have ended and are not approved yet, oldest first.
    pub quarters: Vec<Quarter>,
    pub unreached: Vec<UnreachedOrganization>,
    pub chain: ChainState,
}

/// The work on this user's home page.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn work(ctx: &Ctx) -> Result<Home> {
    authorize(&ctx.principal, Action::View, Object::Overview)?;
    Ok(match &ctx.principal.scope {
        Scope::Practice(_) => Home::Practice(practice(ctx).await?),
        Scope::Organization(code) => Home::Partner(partner(ctx, code).await?),
        Scope::Networks(codes) => Home::Manager(manager(ctx, codes).await?),
        Scope::Region => Home::Region(region(ctx).await?),
    })
}

/// The referrals of the user's worklist that `keep` selects, logged as
/// shown: a home page listing them tells that they exist (NEN 7513).
async fn referrals(ctx: &Ctx, keep: impl Fn(&Listed) -> bool) -> Result<Vec<Listed>> {
    let list = referral::worklist(ctx, None).await?;
    let kept: Vec<Listed> = list.items.into_iter().filter(|l| keep(l)).collect();
    let shown: Vec<&Listed> = kept.iter().collect();
    if !shown.is_empty() {
        referral::log_shown(ctx, "referral.home", &shown).await?;
    }
    Ok(kept)
}

async fn practice(ctx: &Ctx) -> Result<PracticeWork> {
    let days = ctx.app.config.reaction_working_days;
    let mut news: Vec<ReferralLine> =
        referrals(ctx, |l| l.news).await?.iter().map(|l| ReferralLine::of(l, &l.organization, days)).collect();
    news.sort_by_key(|l| std::cmp::Reverse(l.changed_at));
    Ok(PracticeWork { news })
}

async fn partner(ctx: &Ctx, own: &Code) -> Result<PartnerWork> {
    let days = ctx.app.config.reaction_working_days;
    let waiting = referrals(ctx, |l| l.referral.facts.status.needs_reaction()).await?;
    let (late, to_act): (Vec<&Listed>, Vec<&Listed>) = waiting.iter().partition(|l| l.overdue);
    let line = |l: &&Listed| ReferralLine::of(l, &l.practice, days);
    let today = wijkregie_core::clock::nl_today();
    let stale_after = ctx.app.config.stale_after_days;
    let mut services: Vec<OwnService> = hsds::services_of(ctx, own)
        .await?
        .into_iter()
        .filter(|s| s.status != ServiceStatus::Defunct)
        .map(|s| OwnService { stale: s.is_stale(today, stale_after), service: s })
        .collect();
    // Oldest check first: what to look at next.
    services
        .sort_by(|a, b| a.service.assured_date.cmp(&b.service.assured_date).then(a.service.name.cmp(&b.service.name)));
    Ok(PartnerWork { to_act: to_act.iter().map(line).collect(), late: late.iter().map(line).collect(), services })
}

async fn manager(ctx: &Ctx, codes: &[Code]) -> Result<ManagerWork> {
    let stale: BTreeMap<Code, usize> = upkeep::to_check(ctx, None)
        .await?
        .into_iter()
        .filter_map(|g| g.network.map(|(code, _)| (code, g.found.len())))
        .collect();
    let late = late_referrals(ctx, codes).await?;
    let mut conn = ctx.app.store.conn().await?;
    let all = wijkregie_store::region::networks(&mut conn).await?;
    drop(conn);
    let mut networks = Vec::new();
    for n in all.iter().filter(|n| codes.contains(&n.code)) {
        networks.push(NetworkWork {
            code: n.code.clone(),
            name: n.name.clone(),
            stale: stale.get(&n.code).copied().unwrap_or(0),
            late_referrals: late.get(&n.code).copied().unwrap_or(0),
            suggestions: suggestions(ctx, &n.code).await?,
        });
    }
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ManagerWork { networks, likely_duplicates: upkeep::likely_duplicates(ctx).await?.len() })
}

/// Referrals per network waiting for a decision past the reaction time:
/// counts for those who see the network's figures, never persons.
async fn late_referrals(ctx: &Ctx, networks: &[Code]) -> Result<BTreeMap<Code, usize>> {
    let now = Utc::now();
    let days = ctx.app.config.reaction_working_days;
    let mut conn = ctx.app.store.conn().await?;
    let facts = wijkregie_store::referral::all_facts(&mut conn).await?;
    drop(conn);
    let mut late = BTreeMap::new();
    for (_, f) in facts {
        let mine = networks.contains(&f.network)
            && authorize(
                &ctx.principal,
                Action::View,
                Object::ReferralFigures { networks: std::slice::from_ref(&f.network) },
            )
            .is_ok();
        if mine && f.is_overdue(now, days) {
            *late.entry(f.network).or_insert(0) += 1;
        }
    }
    Ok(late)
}

/// The wijkprofiel's theme suggestions for a network; none while its areas
/// have no figures.
async fn suggestions(ctx: &Ctx, network: &Code) -> Result<Vec<Suggestion>> {
    match population::profile(ctx, &Subject::Network(network.clone()), None).await {
        Ok(view) => Ok(view.suggestions),
        Err(Error::NotFound(_)) => Ok(vec![]),
        Err(e) => Err(e),
    }
}

async fn region(ctx: &Ctx) -> Result<RegionWork> {
    let mut applications: Vec<WaitingApplication> = application::list(ctx)
        .await?
        .into_iter()
        .filter(|a| a.spam.is_none() && a.status == Status::Ontvangen)
        .map(|a| WaitingApplication {
            id: a.id,
            submitted_at: a.submitted_at,
            contact: a.application.contact_name.clone(),
            request: a.application.request.label(),
        })
        .collect();
    applications.sort_by_key(|a| a.submitted_at);
    let current = Quarter::containing(wijkregie_core::clock::nl_today());
    let mut quarters: Vec<Quarter> = finance::overview(ctx)
        .await?
        .into_iter()
        .filter(|q| q.approval.is_none() && q.quarter < current)
        .map(|q| q.quarter)
        .collect();
    quarters.sort();
    let chain = match audit_log::open(ctx).await {
        Ok(log) => ChainState::Checked(log.recent_check(chrono::Duration::days(1)).await?),
        Err(Error::Forbidden(Refusal::SecondFactorRequired)) => ChainState::NeedsSecondFactor,
        Err(e) => return Err(e),
    };
    Ok(RegionWork { applications, quarters, unreached: unreached_organizations(ctx).await?, chain })
}

/// Organisations that receive referrals but have no account, as the
/// regio-beheerder's list of them counts (`referral_reach`).
pub async fn unreached_organizations(ctx: &Ctx) -> Result<Vec<UnreachedOrganization>> {
    Ok(crate::referral_reach::without_account(ctx)
        .await?
        .into_iter()
        .map(|u| UnreachedOrganization { code: u.organization.code, name: u.organization.name, referrals: u.referrals })
        .collect())
}
