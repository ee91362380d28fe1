//! The audit log for the regio-beheerder (NEN 7513): the newest entries a
//! page at a time, and whether the hash chain is still intact. Reading the
//! log is itself logged, refusals included, as the API does.

use axum::extract::Query;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use wijkregie_app::audit_log::{self, Verification};
use wijkregie_core::audit::{AuditAction, Outcome, StoredEntry};

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::{render, Layout};
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_core::format::thousands;

pub fn routes() -> Router<App> {
    Router::new().route("/auditlog", get(show))
}

const PAGE_SIZE: i64 = 100;

struct Row {
    seq: i64,
    time: String,
    event: String,
    action: &'static str,
    user: String,
    on_behalf_of: String,
    object: String,
    rule: String,
    outcome: &'static str,
    outcome_code: &'static str,
    source: String,
}

fn action_label(a: AuditAction) -> &'static str {
    match a {
        AuditAction::Create => "aanmaken",
        AuditAction::Read => "lezen",
        AuditAction::Update => "wijzigen",
        AuditAction::Delete => "verwijderen",
        AuditAction::Execute => "uitvoeren",
    }
}

impl Row {
    fn new(e: StoredEntry) -> Self {
        let ev = e.event;
        Row {
            seq: e.seq,
            time: wijkregie_core::clock::nl_time(ev.time).format("%d-%m-%Y %H:%M:%S").to_string(),
            event: ev.event,
            action: action_label(ev.action),
            user: match (ev.user_id, ev.user_role) {
                (Some(id), Some(role)) => format!("{id} ({role})"),
                (Some(id), None) => id.to_string(),
                (None, _) => "niemand (niet ingelogd)".into(),
            },
            on_behalf_of: ev.on_behalf_of.unwrap_or_default(),
            object: match ev.object_id {
                Some(id) => format!("{} {id}", ev.object_type),
                None => ev.object_type,
            },
            rule: ev.access_rule.unwrap_or_default(),
            outcome: match ev.outcome {
                Outcome::Success => "gelukt",
                Outcome::Refused => "geweigerd",
                Outcome::Error => "fout",
            },
            outcome_code: ev.outcome.code(),
            source: match ev.client_addr {
                Some(addr) => format!("{} via {addr}", ev.source_instance),
                None => ev.source_instance,
            },
        }
    }
}

#[derive(askama::Template)]
#[template(path = "audit_log.html")]
struct Page {
    layout: Layout,
    rows: Vec<Row>,
    older: Option<i64>,
    is_first_page: bool,
    /// The chain check, when asked for: it reads the whole log, so it is not
    /// done on every visit.
    chain: Option<(bool, String)>,
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    before: String,
    #[serde(default)]
    verify: String,
}

async fn show(ctx: Ctx, visit: Visit, Query(q): Query<AuditQuery>) -> Result<Response, HttpError> {
    let log = audit_log::open(&ctx).await?;
    let before = match q.before.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| Error::BadRequest(format!("'{s}' is geen volgnummer: gebruik de link 'Oudere regels'")))?,
        ),
    };
    let entries = log.page(before, PAGE_SIZE).await?;
    let verification = if q.verify.is_empty() { None } else { Some(log.verify().await?) };
    let older = if entries.len() as i64 == PAGE_SIZE { entries.last().map(|e| e.seq) } else { None };
    let chain = verification.map(|v| match v {
        Verification::Intact { entries } => {
            (true, format!("De keten is intact: alle {} regels kloppen.", thousands(entries.unsigned_abs())))
        }
        Verification::Broken(b) => (
            false,
            format!("De keten is gebroken bij regel {}: {}. Meld dit bij de beheerder van de server.", b.seq, b.reason),
        ),
    });
    render(Page {
        layout: Layout::new("Auditlog", &visit, "/auditlog"),
        rows: entries.into_iter().map(Row::new).collect(),
        older,
        is_first_page: before.is_none(),
        chain,
    })
}
