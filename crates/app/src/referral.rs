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

use crate::audit::{check, guarded, record, Entry};
use crate::directory_edit::new_id;
use crate::mail::{Mail, MailKind};
use crate::App;
use crate::Ctx;
use crate::{Error, Result};

fn not_found(id: &HsdsId) -> Error {
    Error::NotFound(format!("verwijzing {id}"))
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

fn own_practice(ctx: &Ctx) -> Result<Code> {
    match &ctx.principal.scope {
        Scope::Practice(code) => Ok(code.clone()),
        _ => Err(Error::Forbidden(Refusal::OutOfScope)),
    }
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn send_context(ctx: &Ctx, service_id: &HsdsId) -> Result<SendContext> {
    let own = own_practice(ctx)?;
    let mut conn = ctx.app.store.conn().await?;
    let service = wijkregie_store::directory::service(&mut conn, service_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("voorziening {service_id}")))?;
    let organization = wijkregie_store::region::organization(&mut conn, &service.organization)
        .await?
        .ok_or_else(|| Error::NotFound(format!("organisatie {}", service.organization)))?;
    let practice = wijkregie_store::region::practice(&mut conn, &own)
        .await?
        .ok_or_else(|| Error::NotFound(format!("praktijk {own}")))?;
    let today = wijkregie_core::clock::nl_today();
    let networks = wijkregie_store::region::networks(&mut conn)
        .await?
        .into_iter()
        .filter(|n| n.practices.iter().any(|m| m.member == own && m.active_on(today)))
        .collect();
    let locations = wijkregie_store::directory::locations_by_ids(&mut conn, &service.locations).await?;
    let terms = wijkregie_store::directory::taxonomy_terms(&mut conn).await?;
    Ok(SendContext { service, organization, locations, practice, networks, terms })
}

/// Sends a referral; returns its id. The network is the practice's (the
/// one chosen when it is a member of several).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn send(ctx: &Ctx, service_id: &HsdsId, network: Option<&Code>, form: NewReferral) -> Result<HsdsId> {
    let cx = send_context(ctx, service_id).await?;
    if cx.service.status != ServiceStatus::Active {
        return Err(Error::Conflict(format!(
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
        Error::Invalid(vec![wijkregie_core::FieldError::new(
            "netwerk",
            "uw praktijk is geen lid van dit netwerk; kies een netwerk waar de praktijk lid van is",
        )])
    })?;
    let sender = Sender {
        practice: cx.practice.code.clone(),
        network: network.code.clone(),
        wijk: cx.practice.wijk.clone(),
        user_id: ctx.principal.user_id,
    };
    let now = Utc::now();
    let referral = form.validate(&cx.service, sender, now).map_err(Error::Invalid)?;
    if !cx.terms.iter().any(|t| t.code == referral.facts.hulpvraag) {
        let message = format!("hulpvraag '{}' bestaat niet", referral.facts.hulpvraag);
        return Err(Error::Invalid(vec![wijkregie_core::FieldError::new("hulpvraag", message)]));
    }
    let id = new_id();
    let decision =
        decide(ctx, &referral.facts.referring_practice, &referral.facts.receiving_organization, Action::Create);
    let mut tx = begin(ctx, "referral.create", AuditAction::Create, &id, decision).await?;
    db::insert(tx.conn(), &ctx.app.field_key, &id, &referral).await?;
    notify(&mut tx, &ctx.app, Side::Receiver, &referral, "Nieuwe verwijzing").await?;
    tx.commit().await?;
    Ok(id)
}

fn decide(
    ctx: &Ctx,
    practice: &Code,
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
    let entry = Entry { event, action, object_type: "referral", object_id: Some(id.as_str()) };
    guarded(ctx, entry, decision).await
}

/// Queues a mail for every active user on `to`'s side. The mail says only
/// that there is news: no name, no service, no question.
async fn notify(tx: &mut WriteTx, app: &App, to: Side, r: &Referral, subject: &str) -> Result<()> {
    let users = wijkregie_store::account::users(tx.conn()).await?;
    let link = format!("{}/verwijzingen", app.config.public_url.trim_end_matches('/'));
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
            let mail = Mail::plain(MailKind::ReferralNews, &u.email, &format!("wijkregie: {subject}"), &body);
            crate::mail::queue(tx.conn(), app, &mail, now).await?;
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
    /// The referring practice's AGB code, when known (FHIR names it so).
    pub practice_agb: Option<AgbCode>,
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
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn worklist(ctx: &Ctx, closed_limit: Option<usize>) -> Result<Worklist> {
    let key = &ctx.app.field_key;
    let mut conn = ctx.app.store.conn().await?;
    let (side, stored) = match &ctx.principal.scope {
        Scope::Practice(code) => (Side::Referrer, db::sent_by_practice(&mut conn, key, code).await?),
        Scope::Organization(org) => (Side::Receiver, db::received_by(&mut conn, key, org).await?),
        _ => return Err(Error::Forbidden(Refusal::OutOfScope)),
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
    let practices: BTreeMap<Code, (String, Option<AgbCode>)> =
        wijkregie_store::region::practices(&mut conn).await?.into_iter().map(|p| (p.code, (p.name, p.agb))).collect();
    let terms: BTreeMap<Code, String> =
        wijkregie_store::directory::taxonomy_terms(&mut conn).await?.into_iter().map(|t| (t.code, t.name)).collect();
    let locations: BTreeMap<HsdsId, String> =
        wijkregie_store::directory::locations(&mut conn).await?.into_iter().map(|l| (l.id, l.name)).collect();
    drop(conn);
    let now = Utc::now();
    let days = ctx.app.config.reaction_working_days;
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
                    .map_or_else(|| f.referring_practice.to_string(), |(name, _)| name.clone()),
                practice_agb: practices.get(&f.referring_practice).and_then(|(_, agb)| agb.clone()),
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
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn log_shown(ctx: &Ctx, event: &str, shown: &[&Listed]) -> Result<()> {
    let mut tx = ctx.app.store.begin().await?;
    for l in shown {
        let f = &l.referral.facts;
        let decision = decide(ctx, &f.referring_practice, &f.receiving_organization, Action::View);
        let entry = Entry { event, action: AuditAction::Read, object_type: "referral", object_id: Some(l.id.as_str()) };
        record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How many of the user's referrals have unopened news: the badge.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn news_count(app: &App, scope: &Scope) -> Result<i64> {
    let mut conn = app.store.conn().await?;
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
    pub practice_agb: Option<AgbCode>,
    pub location: Option<String>,
    pub hulpvraag: String,
    pub overdue: bool,
    pub reaction_due: chrono::NaiveDate,
}

/// Opens a referral. The first opening by the receiving organisation is
/// the `received` step: the practice then knows it arrived.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn open(ctx: &Ctx, id: &HsdsId) -> Result<Detail> {
    let key = &ctx.app.field_key;
    let mut conn = ctx.app.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = decide(ctx, &practice, &organization, Action::View);
    let mut tx = begin(ctx, "referral.read", AuditAction::Read, id, decision).await?;
    let side = side_of(&ctx.principal, &practice, &organization).ok_or(Error::Forbidden(Refusal::OutOfScope))?;
    let mut stored = db::get(tx.conn(), key, id).await?.ok_or_else(|| not_found(id))?;
    let now = Utc::now();
    if side == Side::Receiver && stored.referral.facts.status == ReferralStatus::Requested {
        stored.referral.apply(Step::Open, side, ctx.principal.user_id, now, None).map_err(step_error)?;
        db::update(tx.conn(), key, id, &stored.referral, side, now).await?;
        notify(&mut tx, &ctx.app, Side::Referrer, &stored.referral, "Verwijzing ontvangen").await?;
    }
    db::mark_read(tx.conn(), id, side).await?;
    tx.commit().await?;
    // The four names the page shows, each read by its key after the write
    // turn is given back: a referral opens in the same few reads whatever
    // the size of the social map.
    let f = &stored.referral.facts;
    let mut conn = ctx.app.store.conn().await?;
    let service = wijkregie_store::directory::service(&mut conn, &f.service).await?;
    let location = match &f.location {
        Some(l) => wijkregie_store::directory::locations_by_ids(&mut conn, std::slice::from_ref(l)).await?.pop(),
        None => None,
    };
    let term = wijkregie_store::directory::taxonomy_term(&mut conn, &f.hulpvraag).await?;
    let org = wijkregie_store::region::organization(&mut conn, &organization).await?;
    let prac = wijkregie_store::region::practice(&mut conn, &practice).await?;
    drop(conn);
    Ok(Detail {
        id: id.clone(),
        side,
        service: service.map_or_else(|| f.service.to_string(), |s| s.name),
        organization: org.map_or_else(|| organization.to_string(), |o| o.name),
        practice_agb: prac.as_ref().and_then(|p| p.agb.clone()),
        practice: prac.map_or_else(|| practice.to_string(), |p| p.name),
        location: location.map(|l| l.name),
        hulpvraag: term.map_or_else(|| f.hulpvraag.to_string(), |t| t.name),
        overdue: f.is_overdue(now, ctx.app.config.reaction_working_days),
        reaction_due: f.reaction_due(ctx.app.config.reaction_working_days),
        referral: stored.referral,
    })
}

fn step_error(e: StepError) -> Error {
    match e {
        StepError::Transition(illegal) => Error::Conflict(illegal.to_string()),
        StepError::Message(problem) => Error::Invalid(vec![problem]),
    }
}

/// Takes a step (accept, reject, start, …) with an optional message. An
/// illegal step is refused with the reason (409), and nothing changes.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn take_step(ctx: &Ctx, id: &HsdsId, step: Step, message: Option<&str>) -> Result<ReferralStatus> {
    let key = &ctx.app.field_key;
    let mut conn = ctx.app.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = decide(ctx, &practice, &organization, Action::Edit);
    let event = format!("referral.{}", step.target().code());
    let mut tx = begin(ctx, &event, AuditAction::Update, id, decision).await?;
    let side = side_of(&ctx.principal, &practice, &organization).ok_or(Error::Forbidden(Refusal::OutOfScope))?;
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
    notify(&mut tx, &ctx.app, other, &stored.referral, "Nieuws over een verwijzing").await?;
    tx.commit().await?;
    Ok(stored.referral.facts.status)
}

/// A message without a status change (a question back, an update).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn add_message(ctx: &Ctx, id: &HsdsId, text: &str) -> Result<()> {
    let key = &ctx.app.field_key;
    let mut conn = ctx.app.store.conn().await?;
    let (practice, organization) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = decide(ctx, &practice, &organization, Action::Edit);
    let mut tx = begin(ctx, "referral.message", AuditAction::Update, id, decision).await?;
    let side = side_of(&ctx.principal, &practice, &organization).ok_or(Error::Forbidden(Refusal::OutOfScope))?;
    let mut stored = db::get(tx.conn(), key, id).await?.ok_or_else(|| not_found(id))?;
    let now = Utc::now();
    stored.referral.add_message(side, ctx.principal.user_id, now, text).map_err(|e| Error::Invalid(vec![e]))?;
    db::update(tx.conn(), key, id, &stored.referral, side, now).await?;
    let other = if side == Side::Referrer { Side::Receiver } else { Side::Referrer };
    notify(&mut tx, &ctx.app, other, &stored.referral, "Nieuw bericht bij een verwijzing").await?;
    tx.commit().await?;
    Ok(())
}

/// One line of a referral's access overview: who did what, when, on whose
/// behalf and by which rule.
pub struct Access {
    pub entry: wijkregie_core::audit::StoredEntry,
    /// The user's name, or "wijkregie (automatisch)" for the system.
    pub user: String,
}

/// Who looked at a referral and when: the patient's access overview (NEN
/// 7513), for the referring practice and for the operator answering a
/// patient's request (`wijkregie audit subject`). Producing it is itself
/// logged; it shows no patient data.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn access_overview(ctx: &Ctx, id: &HsdsId) -> Result<Vec<Access>> {
    let mut conn = ctx.app.store.conn().await?;
    let (practice, _) = db::parties(&mut conn, id).await?.ok_or_else(|| not_found(id))?;
    drop(conn);
    let decision = authorize(&ctx.principal, Action::View, Object::ReferralAccessLog { referring_practice: &practice });
    let entry = Entry {
        event: "referral.access_overview",
        action: AuditAction::Read,
        object_type: "referral",
        object_id: Some(id.as_str()),
    };
    let grant = check(ctx, entry, decision).await?;
    // The overview shows the accesses before this one, which is logged
    // once the overview is read.
    let mut conn = ctx.app.store.conn().await?;
    let entries = wijkregie_store::audit::for_object(&mut conn, "referral", id.as_str()).await?;
    let users = wijkregie_store::account::users(&mut conn).await?;
    drop(conn);
    let mut tx = ctx.app.store.begin().await?;
    record(&mut tx, &ctx.app, &ctx.actor, entry, Ok(grant)).await?;
    tx.commit().await?;
    Ok(entries
        .into_iter()
        .map(|entry| {
            let user = entry
                .event
                .user_id
                .and_then(|u| users.iter().find(|x| x.id == u))
                .map_or_else(|| "wijkregie (automatisch)".to_owned(), |u| u.name.clone());
            Access { entry, user }
        })
        .collect())
}

/// What the figures page names and offers: the networks whose figures the
/// user may see (to choose from), every network and wijk by name (for the
/// rows).
pub struct FigureNames {
    pub choosable: Vec<Network>,
    pub networks: Vec<Network>,
    pub wijken: Vec<wijkregie_core::region::Wijk>,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn figure_names(ctx: &Ctx) -> Result<FigureNames> {
    let mut conn = ctx.app.store.conn().await?;
    let networks = wijkregie_store::region::networks(&mut conn).await?;
    let wijken = wijkregie_store::region::wijken(&mut conn).await?;
    let choosable = networks
        .iter()
        .filter(|n| {
            authorize(&ctx.principal, Action::View, Object::ReferralFigures { networks: std::slice::from_ref(&n.code) })
                .is_ok()
        })
        .cloned()
        .collect();
    Ok(FigureNames { choosable, networks, wijken })
}

/// Counts per network, wijk, pathway or month, for those who see figures
/// (the region, a wijkmanager for their networks): never persons.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn figures(ctx: &Ctx, group_by: GroupBy, network: Option<&Code>) -> Result<Figures> {
    figures_where(ctx, group_by, network, None).await
}

/// Per month, for one pathway (or those without one): a series of the chart.
#[tracing::instrument(skip_all, err(level = "info"))]
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
    let mut conn = ctx.app.store.conn().await?;
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
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn erase_due(app: &App) -> Result<usize> {
    let now = Utc::now();
    let months = app.config.retention_months;
    let mut conn = app.store.conn().await?;
    let due: Vec<HsdsId> = db::closed_with_personal_data(&mut conn)
        .await?
        .into_iter()
        .filter(|(_, f)| f.closed_at().is_some_and(|closed| wijkregie_core::referral::erasure_due(closed, now, months)))
        .map(|(id, _)| id)
        .collect();
    drop(conn);
    let system = crate::audit::Actor::new(None, &app.config.instance, None);
    for id in &due {
        let mut tx = app.store.begin().await?;
        let entry = Entry {
            event: "referral.erase",
            action: AuditAction::Delete,
            object_type: "referral",
            object_id: Some(id.as_str()),
        };
        let rule = format!("bewaartermijn van {months} maanden na afsluiten verstreken");
        crate::audit::record_outcome(&mut tx, app, &system, entry, wijkregie_core::audit::Outcome::Success, Some(rule))
            .await?;
        db::erase(tx.conn(), id, now).await?;
        tx.commit().await?;
    }
    Ok(due.len())
}

/// Whether this user works with referrals themselves (as a party) rather
/// than seeing figures.
pub fn is_party(role: Role) -> bool {
    matches!(role, Role::Practice | Role::Organization)
}
