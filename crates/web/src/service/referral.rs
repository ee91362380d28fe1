//! Referrals on behalf of a user: a practice sends one from the social map,
//! the receiving organisation works it through its steps, and both hear
//! back. Only those two parties ever open a referral; every opening, list,
//! step and refusal is in the audit log, and the other side is told by a
//! badge and a content-free mail.

use std::collections::BTreeMap;

use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object, Refusal, Role, Scope};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::{AgbCode, Code};
use wijkregie_core::directory::{HsdsId, Location, Service, ServiceStatus, TaxonomyTerm};
use wijkregie_core::referral::figures::{figures as compute_figures, Figures, GroupBy};
use wijkregie_core::referral::{side_of, NewReferral, Referral, ReferralStatus, Sender, Side, Step, StepError};
use wijkregie_core::region::{Network, Organization, Practice};
use wijkregie_store::referral::{self as db, StoredReferral};
use wijkregie_store::WriteTx;

use crate::audit::{record, Entry};
use crate::error::{AppError, Result};
use crate::service::directory_edit::new_id;
use crate::service::Ctx;
use crate::AppState;

fn not_found(id: &HsdsId) -> AppError {
    AppError::NotFound(format!("verwijzing {id}"))
}

/// What the referral form needs around the chosen service.
pub struct SendContext {
    pub service: Service,
    pub organization: Organization,
    pub locations: Vec<Location>,
    pub practice: Practice,
    /// Networks the practice is an active member of today; the referral is
    /// counted in the one chosen.
    pub networks: Vec<Network>,
    pub terms: Vec<TaxonomyTerm>,
}

fn own_practice(ctx: &Ctx) -> Result<AgbCode> {
    match &ctx.principal.scope {
        Scope::Practice(agb) => Ok(agb.clone()),
        _ => Err(AppError::Forbidden(Refusal::OutOfScope)),
    }
}

pub async fn send_context(ctx: &Ctx, service_id: &HsdsId) -> Result<SendContext> {
    let agb = own_practice(ctx)?;
    let mut conn = ctx.state.store.conn().await?;
    let service = wijkregie_store::directory::service(&mut conn, service_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("voorziening {service_id}")))?;
    let organization = wijkregie_store::region::organization(&mut conn, &service.organization)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("organisatie {}", service.organization)))?;
    let practice = wijkregie_store::region::practice(&mut conn, &agb)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("praktijk {agb}")))?;
    let today = crate::service::region::today();
    let networks = wijkregie_store::region::networks(&mut conn)
        .await?
        .into_iter()
        .filter(|n| n.practices.iter().any(|m| m.member == agb && m.active_on(today)))
        .collect();
    let locations = wijkregie_store::directory::locations(&mut conn)
        .await?
        .into_iter()
        .filter(|l| service.locations.contains(&l.id))
        .collect();
    let terms = wijkregie_store::directory::taxonomy_terms(&mut conn).await?;
    Ok(SendContext { service, organization, locations, practice, networks, terms })
}

/// Sends a referral; returns its id. The network is the practice's (the
/// one chosen when it is a member of several).
pub async fn send(ctx: &Ctx, service_id: &HsdsId, network: Option<&Code>, form: NewReferral) -> Result<HsdsId> {
    let cx = send_context(ctx, service_id).await?;
    if cx.service.status != ServiceStatus::Active {
        return Err(AppError::Conflict(format!(
            "{} is {}: verwijzen kan alleen naar actief aanbod",
            cx.service.name,
            cx.service.status.label()
        )));
    }
    let network = match network {
        Some(code) => cx.networks.iter().find(|n| &n.code == code),
        None => cx.networks.first(),
    }
    .ok_or_else(|| {
        AppError::Invalid(vec![wijkregie_core::FieldError::new(
            "netwerk",
            "uw praktijk is geen lid van dit netwerk; kies een netwerk waar de praktijk lid van is",
        )])
    })?;
    let sender = Sender {
        practice: cx.practice.agb.clone(),
        network: network.code.clone(),
        wijk: cx.practice.wijk.clone(),
        user_id: ctx.principal.user_id,
    };
    let now = Utc::now();
    let referral = form.validate(&cx.service, sender, now).map_err(AppError::Invalid)?;
    if !cx.terms.iter().any(|t| t.code == referral.facts.hulpvraag) {
        let message = format!("hulpvraag '{}' bestaat niet", referral.facts.hulpvraag);
        return Err(AppError::Invalid(vec![wijkregie_core::FieldError::new("hulpvraag", message)]));
    }
    let id = new_id();
    let decision =
        decide(ctx, &referral.facts.referring_practice, &referral.facts.receiving_organization, Action::Create);
    let mut tx = begin(ctx, "referral.create", AuditAction::Create, &id, decision).await?;
    db::insert(tx.conn(), &ctx.state.field_key, &id, &referral).await?;
    notify(&mut tx, &ctx.state, Side::Receiver, &referral, "Nieuwe verwijzing").await?;
    tx.commit().await?;
    Ok(id)
}

fn decide(
    ctx: &Ctx,
    practice: &AgbCode,
    organization: &Code,
    action: Action,
) -> std::result::Result<wijkregie_core::access::Grant, Refusal> {
    authorize(
        &ctx.principal,
        action,
        Object::Referral { referring_practice: practice, receiving_organization: organization },
    )
}

/// Starts the transaction of a referral access with its audit entry; a
/// refusal is logged and committed, then returned.
async fn begin(
    ctx: &Ctx,
    event: &str,
    action: AuditAction,
    id: &HsdsId,
    decision: std::result::Result<wijkregie_core::access::Grant, Refusal>,
) -> Result<WriteTx> {
    let mut tx = ctx.state.store.begin().await?;
    let entry = Entry { event, action, object_type: "referral", object_id: Some(id.as_str()) };
    record(&mut tx, &ctx.state, &ctx.actor, entry, decision).await?;
    if let Err(refusal) = decision {
        tx.commit().await?;
        return Err(refusal.into());
    }
    Ok(tx)
}

/// Queues a mail for every active user on `to`'s side. The mail says only
/// that there is news: no name, no service, no question.
async fn notify(tx: &mut WriteTx, state: &AppState, to: Side, r: &Referral, subject: &str) -> Result<()> {
    let users = wijkregie_store::account::users(tx.conn()).await?;
    let link = format!("{}/referrals", state.config.public_url.trim_end_matches('/'));
    let body = format!(
        "Goedendag,\n\nEr is nieuws over een verwijzing in wijkregie. Log in om het te bekijken:\n{link}\n\n\
         Deze e-mail bevat bewust geen gegevens over de patiënt.\n"
    );
    let now = Utc::now();
    for u in users.iter().filter(|u| u.active) {
        let ours = match (to, &u.scope) {
            (Side::Referrer, Scope::Practice(agb)) => agb == &r.facts.referring_practice,
            (Side::Receiver, Scope::Organization(org)) => org == &r.facts.receiving_organization,
            _ => false,
        };
        if ours {
            db::queue_mail(tx.conn(), &u.email, &format!("wijkregie: {subject}"), &body, now).await?;
        }
    }
    Ok(())
}

/// A referral in a list.
pub struct Listed {
    pub id: HsdsId,
    pub referral: Referral,
    pub news: bool,
    pub overdue: bool,
    pub service: String,
    pub practice: String,
    pub organization: String,
    pub hulpvraag: String,
    pub location: Option<String>,
}

/// The user's own referrals: sent (practice) or received (partner).
pub struct Worklist {
    pub side: Side,
    pub items: Vec<Listed>,
    /// Closed referrals left out by the limit.
    pub older_closed: usize,
}

/// The user's referrals, newest change first: every open one, and the most
/// recent `closed_limit` closed ones (all with `None`). Nothing is logged
/// here: the caller logs what it shows, with [`log_shown`].
pub async fn worklist(ctx: &Ctx, closed_limit: Option<usize>) -> Result<Worklist> {
    let key = &ctx.state.field_key;
    let mut conn = ctx.state.store.conn().await?;
    let (side, stored) = match &ctx.principal.scope {
        Scope::Practice(agb) => (Side::Referrer, db::sent_by_practice(&mut conn, key, agb).await?),
        Scope::Organization(org) => (Side::Receiver, db::received_by(&mut conn, key, org).await?),
        _ => return Err(AppError::Forbidden(Refusal::OutOfScope)),
    };
    let mut closed_seen = 0;
    let mut older_closed = 0;
    let stored: Vec<StoredReferral> = stored
        .into_iter()
        .filter(|s| {
            if !s.referral.facts.status.is_terminal() {
                return true;
            }
            closed_seen += 1;
            let keep = closed_limit.is_none_or(|limit| closed_seen <= limit);
            older_closed += usize::from(!keep);
            keep
        })
        .collect();
    let services: BTreeMap<HsdsId, String> =
        wijkregie_store::directory::services(&mut conn).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let organizations: BTreeMap<Code, String> =
        wijkregie_store::region::organizations(&mut conn).await?.into_iter().map(|o| (o.code, o.name)).collect();
    let practices: BTreeMap<AgbCode, String> =
        wijkregie_store::region::practices(&mut conn).await?.into_iter().map(|p| (p.agb, p.name)).collect();
    let terms: BTreeMap<Code, String> =
        wijkregie_store::directory::taxonomy_terms(&mut conn).await?.into_iter().map(|t| (t.code, t.name)).collect();
    let locations: BTreeMap<HsdsId, String> =
        wijkregie_store::directory::locations(&mut conn).await?.into_iter().map(|l| (l.id, l.name)).collect();
    drop(conn);
    let now = Utc::now();
    let days = ctx.state.config.reaction_working_days;
    let items = stored
        .into_iter()
        .map(|s: StoredReferral| {
            let f = &s.referral.facts;
            Listed {
                news: match side {
                    Side::Referrer => s.news_for_referrer,
                    Side::Receiver => s.news_for_receiver,
                },
                overdue: f.is_overdue(now, days),
                service: services.get(&f.service).cloned().unwrap_or_else(|| f.service.to_string()),
                practice: practices
                    .get(&f.referring_practice)
                    .cloned()
                    .unwrap_or_else(|| f.referring_practice.to_string()),
                organization: organizations
                    .get(&f.receiving_organization)
                    .cloned()
                    .unwrap_or_else(|| f.receiving_organization.to_string()),
                hulpvraag: terms.get(&f.hulpvraag).cloned().unwrap_or_else(|| f.hulpvraag.to_string()),
                location: f.location.as_ref().and_then(|l| locations.get(l)).cloned(),
                id: s.id,
                referral: s.referral,
            }
        })
        .collect();
    Ok(Worklist { side, items, older_closed })
}

/// Logs the referrals a list or search showed: each one shown with the
/// patient's name is an access, on record as such (NEN 7513).
pub async fn log_shown(ctx: &Ctx, event: &str, shown: &[&Listed]) -> Result<()> {
    let mut tx = ctx.state.store.begin().await?;
    for l in shown {
        let f = &l.referral.facts;
        let decision = decide(ctx, &f.referring_practice, &f.receiving_organization, Action::View);
        let entry = Entry { event, action: AuditAction::Read, object_type: "referral", object_id: Some(l.id.as_str()) };
        record(&mut tx, &ctx.state, &ctx.actor, entry, decision).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How many of the user's referrals have unopened news: the badge.
pub async fn news_count(state: &AppState, scope: &Scope) -> Result<i64> {
    let mut conn = state.store.conn().await?;
    Ok(match scope {
        Scope::Practice(agb) => db::news_count(&mut conn, Side::Referrer, agb.as_str()).await?,
        Scope::Organization(org) => db::news_count(&mut conn, Side::Receiver, org.as_str()).await?,
        _ => 0,
    })
}

/// One referral, opened by one of its parties.
pub struct Detail {
    pub id: HsdsId,
    pub referral: Referral,
    pub side: Side,
    pub service: String,
    pub organization: String,
    pub practice: String,
    pub location: Option<String>,
    pub hulpvraag: String,
    pub overdue: bool,
    pub reaction_due: chrono::NaiveDate,
}

/// Opens a referral. The first opening by the receiving organisation is
/// the `received` step: the practice then knows it arrived.
pub async fn open(ctx: &Ctx, id: &HsdsId) -> Result<Detail> {
    let key = &ctx.state.field_key;
    let mut conn = ctx.state.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = decide(ctx, &practice, &organization, Action::View);
    let mut tx = begin(ctx, "referral.read", AuditAction::Read, id, decision).await?;
    let side = side_of(&ctx.principal, &practice, &organization).ok_or(AppError::Forbidden(Refusal::OutOfScope))?;
    let mut stored = db::get(tx.conn(), key, id).await?.ok_or_else(|| not_found(id))?;
    let now = Utc::now();
    if side == Side::Receiver && stored.referral.facts.status == ReferralStatus::Requested {
        stored.referral.apply(Step::Open, side, ctx.principal.user_id, now, None).map_err(step_error)?;
        db::update(tx.conn(), key, id, &stored.referral, side, now).await?;
        notify(&mut tx, &ctx.state, Side::Referrer, &stored.referral, "Verwijzing ontvangen").await?;
    }
    db::mark_read(tx.conn(), id, side).await?;
    let services = wijkregie_store::directory::services(tx.conn()).await?;
    let locations = wijkregie_store::directory::locations(tx.conn()).await?;
    let terms = wijkregie_store::directory::taxonomy_terms(tx.conn()).await?;
    let org = wijkregie_store::region::organization(tx.conn(), &organization).await?;
    let prac = wijkregie_store::region::practice(tx.conn(), &practice).await?;
    tx.commit().await?;
    let f = &stored.referral.facts;
    Ok(Detail {
        id: id.clone(),
        side,
        service: services.iter().find(|s| s.id == f.service).map_or_else(|| f.service.to_string(), |s| s.name.clone()),
        organization: org.map_or_else(|| organization.to_string(), |o| o.name),
        practice: prac.map_or_else(|| practice.to_string(), |p| p.name),
        location: f.location.as_ref().and_then(|l| locations.iter().find(|x| &x.id == l)).map(|l| l.name.clone()),
        hulpvraag: terms
            .iter()
            .find(|t| t.code == f.hulpvraag)
            .map_or_else(|| f.hulpvraag.to_string(), |t| t.name.clone()),
        overdue: f.is_overdue(now, ctx.state.config.reaction_working_days),
        reaction_due: f.reaction_due(ctx.state.config.reaction_working_days),
        referral: stored.referral,
    })
}

fn step_error(e: StepError) -> AppError {
    match e {
        StepError::Transition(illegal) => AppError::Conflict(illegal.to_string()),
        StepError::Message(problem) => AppError::Invalid(vec![problem]),
    }
}

/// Takes a step (accept, reject, start, …) with an optional message. An
/// illegal step is refused with the reason (409), and nothing changes.
pub async fn take_step(ctx: &Ctx, id: &HsdsId, step: Step, message: Option<&str>) -> Result<ReferralStatus> {
    let key = &ctx.state.field_key;
    let mut conn = ctx.state.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = decide(ctx, &practice, &organization, Action::Edit);
    let event = format!("referral.{}", step.target().code());
    let mut tx = begin(ctx, &event, AuditAction::Update, id, decision).await?;
    let side = side_of(&ctx.principal, &practice, &organization).ok_or(AppError::Forbidden(Refusal::OutOfScope))?;
    let mut stored = db::get(tx.conn(), key, id).await?.ok_or_else(|| not_found(id))?;
    let now = Utc::now();
    let message = message.map(str::trim).filter(|m| !m.is_empty());
    if let Err(e) = stored.referral.apply(step, side, ctx.principal.user_id, now, message) {
        // The attempt is on record (the audit entry above); the referral is not changed.
        tx.commit().await?;
        return Err(step_error(e));
    }
    db::update(tx.conn(), key, id, &stored.referral, side, now).await?;
    let other = match side {
        Side::Referrer => Side::Receiver,
        Side::Receiver => Side::Referrer,
    };
    notify(&mut tx, &ctx.state, other, &stored.referral, "Nieuws over een verwijzing").await?;
    tx.commit().await?;
    Ok(stored.referral.facts.status)
}

/// A message without a status change (a question back, an update).
pub async fn add_message(ctx: &Ctx, id: &HsdsId, text: &str) -> Result<()> {
    let key = &ctx.state.field_key;
    let mut conn = ctx.state.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = decide(ctx, &practice, &organization, Action::Edit);
    let mut tx = begin(ctx, "referral.message", AuditAction::Update, id, decision).await?;
    let side = side_of(&ctx.principal, &practice, &organization).ok_or(AppError::Forbidden(Refusal::OutOfScope))?;
    let mut stored = db::get(tx.conn(), key, id).await?.ok_or_else(|| not_found(id))?;
    let now = Utc::now();
    stored.referral.add_message(side, ctx.principal.user_id, now, text).map_err(|e| AppError::Invalid(vec![e]))?;
    db::update(tx.conn(), key, id, &stored.referral, side, now).await?;
    let other = if side == Side::Referrer { Side::Receiver } else { Side::Referrer };
    notify(&mut tx, &ctx.state, other, &stored.referral, "Nieuw bericht bij een verwijzing").await?;
    tx.commit().await?;
    Ok(())
}

/// Who looked at a referral and when: the patient's access overview, for
/// the referring practice (and the region's auditor via the audit log).
pub async fn access_overview(ctx: &Ctx, id: &HsdsId) -> Result<Vec<wijkregie_core::audit::StoredEntry>> {
    let mut conn = ctx.state.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = match side_of(&ctx.principal, &practice, &organization) {
        Some(Side::Referrer) => decide(ctx, &practice, &organization, Action::View),
        _ => Err(Refusal::OutOfScope),
    };
    let tx = begin(ctx, "referral.access_overview", AuditAction::Read, id, decision).await?;
    tx.commit().await?;
    let mut conn = ctx.state.store.conn().await?;
    Ok(wijkregie_store::audit::for_object(&mut conn, "referral", id.as_str()).await?)
}

/// Counts per network, wijk, pathway or month, for those who see figures
/// (the region, a wijkmanager for their networks): never persons.
pub async fn figures(ctx: &Ctx, group_by: GroupBy, network: Option<&Code>) -> Result<Figures> {
    figures_where(ctx, group_by, network, None).await
}

/// Per month, for one pathway (or those without one): a series of the chart.
pub async fn figures_for_pathway(
    ctx: &Ctx,
    network: Option<&Code>,
    pathway: Option<wijkregie_core::directory::Pathway>,
) -> Result<Figures> {
    figures_where(ctx, GroupBy::Month, network, Some(pathway)).await
}

async fn figures_where(
    ctx: &Ctx,
    group_by: GroupBy,
    network: Option<&Code>,
    pathway: Option<Option<wijkregie_core::directory::Pathway>>,
) -> Result<Figures> {
    let visible: Option<Vec<Code>> = match &ctx.principal.scope {
        Scope::Region => None,
        Scope::Networks(mine) => Some(mine.clone()),
        _ => Some(vec![]),
    };
    let asked: Vec<Code> = match (network, &visible) {
        (Some(n), _) => vec![n.clone()],
        (None, Some(mine)) => mine.clone(),
        (None, None) => vec![],
    };
    authorize(&ctx.principal, Action::View, Object::ReferralFigures { networks: &asked })?;
    let mut conn = ctx.state.store.conn().await?;
    let facts: Vec<_> = db::all_facts(&mut conn)
        .await?
        .into_iter()
        .map(|(_, f)| f)
        .filter(|f| network.is_none_or(|n| &f.network == n))
        .filter(|f| pathway.is_none_or(|p| f.pathway == p))
        .filter(|f| visible.as_ref().is_none_or(|mine| mine.contains(&f.network)))
        .collect();
    Ok(compute_figures(&facts, group_by))
}

/// Erases the personal data of referrals closed longer ago than the
/// retention period; each erasure is logged. Returns how many.
pub async fn erase_due(state: &AppState) -> Result<usize> {
    let now = Utc::now();
    let months = state.config.retention_months;
    let mut conn = state.store.conn().await?;
    let due: Vec<HsdsId> = db::closed_with_personal_data(&mut conn)
        .await?
        .into_iter()
        .filter(|(_, f)| f.closed_at().is_some_and(|closed| wijkregie_core::referral::erasure_due(closed, now, months)))
        .map(|(id, _)| id)
        .collect();
    drop(conn);
    let system = crate::audit::Actor::new(None, &state.config.instance, None);
    for id in &due {
        let mut tx = state.store.begin().await?;
        let entry = Entry {
            event: "referral.erase",
            action: AuditAction::Delete,
            object_type: "referral",
            object_id: Some(id.as_str()),
        };
        let rule = format!("bewaartermijn van {months} maanden na afsluiten verstreken");
        crate::audit::record_outcome(
            &mut tx,
            state,
            &system,
            entry,
            wijkregie_core::audit::Outcome::Success,
            Some(rule),
        )
        .await?;
        db::erase(tx.conn(), id, now).await?;
        tx.commit().await?;
    }
    Ok(due.len())
}

/// Whether this user works with referrals themselves (as a party) rather
/// than seeing figures.
pub fn is_party(role: Role) -> bool {
    matches!(role, Role::Praktijk | Role::Netwerkpartner)
}
