//! Writing audit entries for what users do. Use cases call [`record`] (or
//! start with [`guarded`]) inside the transaction of the change, so a change
//! is never stored without its entry; refusals are logged too.

use chrono::Utc;
use wijkregie_core::access::{Grant, Principal, Refusal};
use wijkregie_core::audit::{AuditAction, AuditEvent, Outcome};
use wijkregie_core::codes::Code;
use wijkregie_store::WriteTx;

use crate::{App, Ctx, Error, Result};

/// Who acts, from where: everything an audit entry needs besides the event.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Option<Principal>,
    pub instance: String,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn new(principal: Option<Principal>, instance: &str, client_addr: Option<String>) -> Self {
        Self { principal, instance: instance.to_owned(), client_addr }
    }
}

/// What happened to which object.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub event: &'a str,
    pub action: AuditAction,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
}

/// Starts the transaction of an action with its audit entry. A refusal is
/// logged and committed on its own, then returned as the error, so no caller
/// can forget either half.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn guarded(ctx: &Ctx, entry: Entry<'_>, decision: Result<Grant, Refusal>) -> Result<WriteTx> {
    let mut tx = ctx.app.store.begin().await?;
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    if let Err(refusal) = decision {
        tx.commit().await?;
        return Err(Error::Forbidden(refusal));
    }
    Ok(tx)
}

/// For reads: logs the decision in its own transaction (a refusal too) and
/// hands back the grant, or the refusal as the error.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn logged(ctx: &Ctx, entry: Entry<'_>, decision: Result<Grant, Refusal>) -> Result<Grant> {
    guarded(ctx, entry, decision).await?.commit().await?;
    Ok(decision?)
}

/// For use cases that log a success only when something changed (an import
/// that finds nothing new): a refusal is logged and committed on its own and
/// returned as the error; a grant is handed back for the later entry.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn check(ctx: &Ctx, entry: Entry<'_>, decision: Result<Grant, Refusal>) -> Result<Grant> {
    if decision.is_err() {
        let mut tx = ctx.app.store.begin().await?;
        record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
        tx.commit().await?;
    }
    Ok(decision?)
}

/// Appends an entry for `decision`: success with the granting rule, or refused.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn record(
    tx: &mut WriteTx,
    app: &App,
    actor: &Actor,
    entry: Entry<'_>,
    decision: Result<Grant, Refusal>,
) -> Result<()> {
    let (outcome, rule) = match decision {
        Ok(grant) => (Outcome::Success, Some(grant.rule.to_owned())),
        Err(refusal) => (Outcome::Refused, Some(refusal.to_string())),
    };
    record_outcome(tx, app, actor, entry, outcome, rule).await
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn record_outcome(
    tx: &mut WriteTx,
    app: &App,
    actor: &Actor,
    entry: Entry<'_>,
    outcome: Outcome,
    rule: Option<String>,
) -> Result<()> {
    let event = AuditEvent {
        event: entry.event.to_owned(),
        action: entry.action,
        time: Utc::now(),
        user_id: actor.principal.as_ref().and_then(Principal::account),
        user_role: actor.principal.as_ref().map(|p| p.role.code().to_owned()),
        on_behalf_of: actor.principal.as_ref().and_then(on_behalf_of),
        object_type: entry.object_type.to_owned(),
        object_id: entry.object_id.map(str::to_owned),
        access_rule: rule,
        outcome,
        source_instance: actor.instance.clone(),
        client_addr: actor.client_addr.clone(),
    };
    let key = app.field_key.anchor_key();
    if outcome == Outcome::Refused {
        // Identical refusals are counted, not each appended (item 16 of
        // issue 22): the first is logged now, the rest as one entry.
        wijkregie_store::audit::refuse(tx.conn(), app.store.engine(), key, &event).await?;
    } else {
        wijkregie_store::audit::append(tx.conn(), app.store.engine(), key, &event).await?;
    }
    Ok(())
}

/// The practice or organisation a user works for, which NEN 7513 asks for.
fn on_behalf_of(p: &Principal) -> Option<String> {
    use wijkregie_core::access::Scope;
    match &p.scope {
        Scope::Region => None,
        Scope::Networks(codes) => {
            Some(format!("netwerken {}", codes.iter().map(Code::as_str).collect::<Vec<_>>().join(",")))
        }
        Scope::Practice(agb) => Some(format!("praktijk {agb}")),
        Scope::Organization(code) if p.role == wijkregie_core::access::Role::IntakeLink => {
            Some(format!("organisatie {code} via intake-adres {}", p.name))
        }
        Scope::Organization(code) => Some(format!("organisatie {code}")),
    }
}

/// Turns the runs of identical refusals whose window has passed into their
/// counted entries; housekeeping calls this every minute.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn flush_refusals(app: &App, now: chrono::DateTime<Utc>) -> Result<usize> {
    let mut tx = app.store.begin().await?;
    let closed =
        wijkregie_store::audit::flush_refusals(tx.conn(), app.store.engine(), app.field_key.anchor_key(), now).await?;
    tx.commit().await?;
    Ok(closed)
}

/// The anchor of the audit chain as the operator saves it outside the
/// database (`wijkregie audit anchor`, backups, the daily log line): the
/// stored anchor with its MAC, or `None` while the log is empty.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn saved_anchor(app: &App) -> Result<Option<SavedAnchor>> {
    let mut conn = app.store.conn().await?;
    Ok(wijkregie_store::audit::anchor(&mut conn).await?.map(|(anchor, mac)| SavedAnchor {
        anchor,
        mac,
        at: wijkregie_core::audit::canonical_time(Utc::now()),
    }))
}

/// Writes the anchor to the log output (tracing), where it lives outside
/// the database.
pub async fn log_anchor(app: &App) -> Result<()> {
    if let Some(a) = saved_anchor(app).await? {
        tracing::info!(
            anchor = %a.to_json(),
            seq = a.anchor.head.seq,
            hash = %a.anchor.head.hash,
            "anker van het auditlog (bewaar deze regel; 'wijkregie audit verify --anchor' vergelijkt ermee)"
        );
    }
    Ok(())
}

/// An anchor saved outside the database, as a one-line JSON file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedAnchor {
    #[serde(flatten)]
    pub anchor: wijkregie_core::audit::Anchor,
    pub mac: String,
    /// When it was saved, for the reader.
    pub at: String,
}

impl SavedAnchor {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
