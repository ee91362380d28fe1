//! Financing: the quarterly payment statements as the region stands (or as
//! they were frozen when approved, with the corrections since), approving
//! a quarter, and the tariffs per year. The CLI (no principal: the
//! operator on the server) and the pages call the same functions, so the
//! two agree to the cent.

use std::collections::BTreeSet;

use chrono::{Datelike, Utc};
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::finance::correction::{corrected_in, corrections};
use wijkregie_core::finance::statement::{region_statements, LineKind};
use wijkregie_core::finance::tariff::{Origin, FIRST_YEAR};
use wijkregie_core::finance::{Quarter, Statement, Tariff, Tariffs};
use wijkregie_core::region::RegionSnapshot;
use wijkregie_core::FieldError;
use wijkregie_formats::finance::Names;
use wijkregie_store::finance::{self as db, Approval, TariffChange};
use wijkregie_store::AnyConnection;

use crate::audit::{check, logged, record, Entry};
use crate::Ctx;
use crate::{Error, Result};

/// One quarter's statements as someone may see them.
pub struct QuarterStatements {
    pub quarter: Quarter,
    /// Set when the quarter is approved: its statements are then frozen.
    pub approval: Option<Approval>,
    /// By network code; only networks the reader may see.
    pub statements: Vec<Statement>,
    pub names: Names,
    /// The tariff of the quarter's year as it stands now (an approved
    /// quarter's lines carry the rates they were approved with).
    pub tariff: Tariff,
    /// Whether every network's statement is in `statements`.
    pub whole_region: bool,
}

impl QuarterStatements {
    /// The quarter's state in words, for pages, the CLI and downloads:
    /// approved on a date by whom, or still open.
    pub fn state(&self) -> String {
        match &self.approval {
            Some(a) => format!(
                "vastgesteld op {} door {}",
                wijkregie_core::clock::nl_display(a.approved_at),
                a.approved_by_name
            ),
            None => "nog niet vastgesteld: de bedragen volgen de regio zoals die nu is".to_owned(),
        }
    }
}

fn names(snapshot: &RegionSnapshot) -> Names {
    snapshot.networks.iter().map(|n| (n.code.clone(), n.name.clone())).collect()
}

/// A message, not a field problem: the CLI and pages print field problems
/// as `field: message`, and the field's code name is English.
fn no_tariff(quarter: Quarter) -> Error {
    Error::Invalid(vec![FieldError::new(
        "",
        format!("voor het {} gelden geen tarieven: betalingen bestaan vanaf 2022", quarter.label()),
    )])
}

/// Every network's statement for `quarter`: frozen when approved; else
/// computed from the region now, with correction lines for the approved
/// quarters whose corrections belong here.
async fn compute(
    conn: &mut AnyConnection,
    quarter: Quarter,
) -> Result<(Option<Approval>, Vec<Statement>, Names, Tariff)> {
    let snapshot = wijkregie_store::region::snapshot(conn).await?;
    let tariffs = Tariffs::new(db::tariffs(conn).await?);
    let tariff = tariffs.for_year(quarter.year()).ok_or_else(|| no_tariff(quarter))?;
    let names = names(&snapshot);
    if let Some(approval) = db::approval(conn, quarter).await? {
        let frozen = db::approved_statements(conn, quarter).await?;
        return Ok((Some(approval), frozen, names, tariff));
    }
    let mut statements = region_statements(&snapshot, &tariffs, quarter).map_err(|_| no_tariff(quarter))?;
    let approved: BTreeSet<Quarter> = db::approvals(conn).await?.into_iter().map(|a| a.quarter).collect();
    for earlier in corrected_in(quarter, &approved) {
        let paid = db::approved_statements(conn, earlier).await?;
        let frozen = db::frozen_corrections(conn, earlier).await?;
        let now = region_statements(&snapshot, &tariffs, earlier).map_err(|_| no_tariff(earlier))?;
        for (network, line) in corrections(earlier, &paid, &frozen, &now) {
            match statements.iter_mut().find(|s| s.network == network) {
                Some(s) => s.lines.push(line),
                // A network without a statement here (it left the region,
                // say) still gets its correction on a statement of its own.
                None => statements.push(Statement {
                    network,
                    quarter,
                    registered_patients: 0,
                    lines: vec![line],
                    without_agb: vec![],
                }),
            }
        }
    }
    statements.sort_by(|a, b| a.network.cmp(&b.network));
    Ok((None, statements, names, tariff))
}

/// The statements of `quarter`, of one network or of all the reader may
/// see. The read is logged.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn statements(ctx: &Ctx, quarter: Quarter, network: Option<&Code>) -> Result<QuarterStatements> {
    let app = &ctx.app;
    let object_id = quarter.to_string();
    let entry = |object_type| Entry {
        event: "finance.statements",
        action: AuditAction::Read,
        object_type,
        object_id: Some(&object_id),
    };
    let decision = match network {
        Some(code) => authorize(&ctx.principal, Action::View, Object::PaymentStatement { network: code }),
        // Whoever may see tariffs may open the quarter; which networks they
        // then see is decided per statement below.
        None => authorize(&ctx.principal, Action::View, Object::Tariffs),
    };
    logged(ctx, entry("payment_statement"), decision).await?;
    let mut conn = app.store.conn().await?;
    let (approval, all, names, tariff) = compute(&mut conn, quarter).await?;
    drop(conn);
    if let Some(code) = network {
        if !names.contains_key(code) {
            return Err(Error::NotFound(format!("netwerk {code}")));
        }
    }
    let total = all.len();
    let statements: Vec<Statement> = all
        .into_iter()
        .filter(|s| network.is_none_or(|n| *n == s.network))
        .filter(|s| authorize(&ctx.principal, Action::View, Object::PaymentStatement { network: &s.network }).is_ok())
        .collect();
    let whole_region = network.is_none() && statements.len() == total;
    Ok(QuarterStatements { quarter, approval, statements, names, tariff, whole_region })
}

/// A quarter in the overview: whether it is approved, and the region's total.
pub struct QuarterSummary {
    pub quarter: Quarter,
    pub approval: Option<Approval>,
    pub networks: usize,
    pub total_cents: i64,
    pub corrections: usize,
}

/// The quarters from the first registration up to the current one, newest
/// first, with what the reader may see of each.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn overview(ctx: &Ctx) -> Result<Vec<QuarterSummary>> {
    let app = &ctx.app;
    let entry = Entry {
        event: "finance.overview",
        action: AuditAction::Read,
        object_type: "payment_statement",
        object_id: None,
    };
    logged(ctx, entry, authorize(&ctx.principal, Action::View, Object::Tariffs)).await?;
    let mut conn = app.store.conn().await?;
    let snapshot = wijkregie_store::region::snapshot(&mut conn).await?;
    let Some(first) = first_quarter(&snapshot) else { return Ok(vec![]) };
    let current = Quarter::containing(wijkregie_core::clock::nl_today());
    let mut out = Vec::new();
    let mut q = first;
    while q <= current {
        let (approval, all, _, _) = compute(&mut conn, q).await?;
        let visible: Vec<&Statement> = all
            .iter()
            .filter(|s| {
                authorize(&ctx.principal, Action::View, Object::PaymentStatement { network: &s.network }).is_ok()
            })
            .collect();
        out.push(QuarterSummary {
            quarter: q,
            approval,
            networks: visible.len(),
            total_cents: visible.iter().map(|s| s.total().0).sum(),
            corrections: visible
                .iter()
                .map(|s| s.lines.iter().filter(|l| l.kind == LineKind::Correction).count())
                .sum(),
        });
        q = q.next();
    }
    out.reverse();
    Ok(out)
}

/// The first quarter with statements: that of the first registration, and
/// never before the arrangement's first year.
fn first_quarter(snapshot: &RegionSnapshot) -> Option<Quarter> {
    let first = snapshot.networks.iter().filter_map(|n| n.registered_on).min().map(Quarter::containing)?;
    let arrangement = Quarter::containing(chrono::NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1)?);
    Some(first.max(arrangement))
}

/// The oldest quarter that has ended and is not approved: the one to approve
/// next, since quarters are approved in order. `None` when every ended
/// quarter is approved (or no network has registered yet).
async fn oldest_open(conn: &mut AnyConnection, today: chrono::NaiveDate) -> Result<Option<Quarter>> {
    let snapshot = wijkregie_store::region::snapshot(conn).await?;
    let Some(mut q) = first_quarter(&snapshot) else { return Ok(None) };
    let approved: BTreeSet<Quarter> = db::approvals(conn).await?.into_iter().map(|a| a.quarter).collect();
    while q.last_day() < today {
        if !approved.contains(&q) {
            return Ok(Some(q));
        }
        q = q.next();
    }
    Ok(None)
}

/// Why `quarter` may not be approved today, if it may not: it has not
/// ended (approval freezes a quarter, and counts and memberships can still
/// change while it runs), or an earlier quarter is still open (corrections
/// flow into the next open quarter, so the order must hold).
fn approval_refusal(quarter: Quarter, today: chrono::NaiveDate, oldest_open: Option<Quarter>) -> Option<Error> {
    if quarter.first_day() > today {
        return Some(Error::Conflict(format!(
            "het {} is nog niet begonnen en kan nog niet worden vastgesteld",
            quarter.label()
        )));
    }
    if quarter.last_day() >= today {
        return Some(Error::Conflict(format!(
            "het {} loopt nog tot en met {}: een kwartaal wordt vastgesteld als het voorbij is",
            quarter.label(),
            wijkregie_core::date::display_date(quarter.last_day())
        )));
    }
    match oldest_open {
        Some(open) if open < quarter => Some(Error::Conflict(format!(
            "stel eerst het {} vast: kwartalen worden op volgorde vastgesteld",
            open.label()
        ))),
        _ => None,
    }
}

/// What the regio-beheerder confirms before approving a quarter: the
/// number of statements and their total, as computed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalSummary {
    pub quarter: Quarter,
    pub networks: usize,
    pub total_cents: i64,
}

fn summary(quarter: Quarter, statements: &[Statement]) -> ApprovalSummary {
    ApprovalSummary { quarter, networks: statements.len(), total_cents: statements.iter().map(|s| s.total().0).sum() }
}

/// The quarter ready to approve: the oldest ended quarter that is not
/// approved, with its networks and total (for the regio-beheerder's home).
/// Only who may approve may ask.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn ready_to_approve(ctx: &Ctx) -> Result<Option<ApprovalSummary>> {
    authorize(&ctx.principal, Action::Edit, Object::PaymentApproval)?;
    let mut conn = ctx.app.store.conn().await?;
    let Some(quarter) = oldest_open(&mut conn, wijkregie_core::clock::nl_today()).await? else { return Ok(None) };
    let (_, statements, _, _) = compute(&mut conn, quarter).await?;
    Ok(Some(summary(quarter, &statements)))
}

/// What approving `quarter` would freeze, for the confirmation: refused,
/// like [`approve`], when the quarter may not be approved.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn approval_summary(ctx: &Ctx, quarter: Quarter) -> Result<ApprovalSummary> {
    let object_id = quarter.to_string();
    // The same entry as approving: who was refused the confirmation was
    // refused the approval.
    let entry = Entry {
        event: "finance.approve",
        action: AuditAction::Update,
        object_type: "payment_approval",
        object_id: Some(&object_id),
    };
    check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::PaymentApproval)).await?;
    let mut conn = ctx.app.store.conn().await?;
    let today = wijkregie_core::clock::nl_today();
    if let Some(refusal) = approval_refusal(quarter, today, oldest_open(&mut conn, today).await?) {
        return Err(refusal);
    }
    let (approval, statements, _, _) = compute(&mut conn, quarter).await?;
    if let Some(a) = approval {
        return Err(already_approved(quarter, &a));
    }
    Ok(summary(quarter, &statements))
}

fn already_approved(quarter: Quarter, a: &Approval) -> Error {
    Error::Conflict(format!(
        "het {} is al vastgesteld op {} door {}",
        quarter.label(),
        wijkregie_core::clock::nl_display(a.approved_at),
        a.approved_by_name
    ))
}

/// Approves `quarter` as the person confirmed it: refused when the number
/// of networks or the total changed since the confirmation was shown.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn approve_confirmed(ctx: &Ctx, confirmed: ApprovalSummary) -> Result<Vec<Statement>> {
    approve_checked(ctx, confirmed.quarter, Some(confirmed)).await
}

/// Freezes the statements of `quarter` as they stand, corrections included.
/// Only a quarter that has ended, and only the oldest open one: see
/// [`approval_refusal`].
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn approve(ctx: &Ctx, quarter: Quarter) -> Result<Vec<Statement>> {
    approve_checked(ctx, quarter, None).await
}

async fn approve_checked(ctx: &Ctx, quarter: Quarter, confirmed: Option<ApprovalSummary>) -> Result<Vec<Statement>> {
    let (app, actor) = (&ctx.app, &ctx.actor);
    let object_id = quarter.to_string();
    let entry = Entry {
        event: "finance.approve",
        action: AuditAction::Update,
        object_type: "payment_approval",
        object_id: Some(&object_id),
    };
    let decision = authorize(&ctx.principal, Action::Edit, Object::PaymentApproval);
    check(ctx, entry, decision).await?;
    // Computed inside the write transaction, so what is frozen is exactly
    // the region at the moment of approval.
    let mut tx = app.store.begin().await?;
    let (approval, statements, _, _) = compute(tx.conn(), quarter).await?;
    if let Some(a) = approval {
        return Err(already_approved(quarter, &a));
    }
    let today = wijkregie_core::clock::nl_today();
    if let Some(refusal) = approval_refusal(quarter, today, oldest_open(tx.conn(), today).await?) {
        return Err(refusal);
    }
    if let Some(confirmed) = confirmed {
        if summary(quarter, &statements) != confirmed {
            return Err(Error::Conflict(format!(
                "de overzichten van het {} zijn veranderd sinds u de vaststelling bevestigde; bekijk ze opnieuw",
                quarter.label()
            )));
        }
    }
    let approval = Approval {
        quarter,
        approved_at: Utc::now(),
        approved_by_user_id: ctx.principal.account(),
        approved_by_name: ctx.principal.name.clone(),
    };
    if !db::approve(tx.conn(), &approval, &statements).await? {
        return Err(Error::Conflict(format!("het {} is zojuist al vastgesteld", quarter.label())));
    }
    record(&mut tx, app, actor, entry, decision).await?;
    tx.commit().await?;
    Ok(statements)
}

/// A year's tariff on the tariffs page.
pub struct YearTariff {
    pub tariff: Tariff,
    pub origin: Origin,
}

pub struct TariffsView {
    /// From 2022 to next year.
    pub years: Vec<YearTariff>,
    pub history: Vec<TariffChange>,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn tariffs(ctx: &Ctx) -> Result<TariffsView> {
    let app = &ctx.app;
    let entry = Entry { event: "finance.tariffs", action: AuditAction::Read, object_type: "tariff", object_id: None };
    logged(ctx, entry, authorize(&ctx.principal, Action::View, Object::Tariffs)).await?;
    let mut conn = app.store.conn().await?;
    let set = Tariffs::new(db::tariffs(&mut conn).await?);
    let history = db::tariff_history(&mut conn).await?;
    let last = set.set().last().map_or(0, |t| t.year).max(Utc::now().year() + 1);
    let years = (wijkregie_core::finance::tariff::FIRST_YEAR..=last)
        .filter_map(|y| set.with_origin(y).map(|(tariff, origin)| YearTariff { tariff, origin }))
        .collect();
    Ok(TariffsView { years, history })
}

/// Sets the tariff of one year, as read from a form or file (`Err`: what
/// did not read); the change is kept in the history and the audit log.
/// Approved quarters keep their amounts: a difference shows as a correction
/// line in the next open quarter. Who may not edit tariffs is refused before
/// the input is looked at.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_tariff(ctx: &Ctx, tariff: std::result::Result<Tariff, Vec<FieldError>>) -> Result<()> {
    let (app, actor) = (&ctx.app, &ctx.actor);
    let decision = authorize(&ctx.principal, Action::Edit, Object::Tariffs);
    let year = tariff.as_ref().map(|t| t.year.to_string()).ok();
    let entry = Entry {
        event: "finance.tariff.update",
        action: AuditAction::Update,
        object_type: "tariff",
        object_id: year.as_deref(),
    };
    check(ctx, entry, decision).await?;
    let tariff = tariff.map_err(Error::Invalid)?;
    let problems = tariff.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let by = ctx.principal.name.clone();
    let mut tx = app.store.begin().await?;
    db::save_tariff(tx.conn(), &tariff, &by, Utc::now()).await?;
    record(&mut tx, app, actor, entry, decision).await?;
    tx.commit().await?;
    Ok(())
}
