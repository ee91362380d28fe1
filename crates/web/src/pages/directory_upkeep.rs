//! The "check now" page that keeps the social map current: stale entries per
//! network with a one-click "still correct", partners' changes to look at,
//! and likely duplicates to merge or to mark as different.

use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::HsdsId;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::directory::Row;
use crate::pages::{render, Layout};
use wijkregie_app::directory_edit;
use wijkregie_app::upkeep;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/aanbod/controleren", get(check))
        .route("/aanbod/wijzigingen/{id}/gezien", post(seen))
        .route("/aanbod/samenvoegen", post(merge))
        .route("/aanbod/niet-dubbel", post(distinct))
}

struct Group {
    heading: String,
    rows: Vec<Row>,
}

struct ChangeRow {
    id: i64,
    service_id: String,
    service: String,
    organization: String,
    by: String,
    when: String,
    summary: String,
}

/// A likely duplicate: per entry its id, name and what tells it apart.
struct Pair {
    first: (String, String, String),
    second: (String, String, String),
    reasons: String,
}

#[derive(askama::Template)]
#[template(path = "directory_check.html")]
struct CheckPage {
    layout: Layout,
    groups: Vec<Group>,
    networks: Vec<(String, String)>,
    network: String,
    changes: Vec<ChangeRow>,
    duplicates: Vec<Pair>,
}

#[derive(Deserialize, Default)]
struct CheckQuery {
    #[serde(default)]
    netwerk: String,
}

async fn check(ctx: Ctx, visit: Visit, Query(q): Query<CheckQuery>) -> Result<Response, HttpError> {
    let only: Option<Code> = q.netwerk.parse().ok();
    let all = upkeep::to_check(&ctx, None).await?;
    let networks: Vec<(String, String)> =
        all.iter().filter_map(|g| g.network.as_ref()).map(|(c, n)| (c.to_string(), n.clone())).collect();
    let groups = all
        .into_iter()
        .filter(|g| only.is_none() || g.network.as_ref().map(|n| &n.0) == only.as_ref())
        .map(|g| Group {
            heading: g.network.map_or_else(
                || match ctx.principal.role {
                    wijkregie_core::access::Role::Organization => "Aanbod van uw organisatie".to_owned(),
                    _ => "Niet aan een netwerk van u gekoppeld".to_owned(),
                },
                |n| n.1,
            ),
            rows: g.found.into_iter().map(Row::new).collect(),
        })
        .collect();
    let changes = upkeep::partner_changes(&ctx)
        .await?
        .into_iter()
        .map(|c| ChangeRow {
            id: c.change.change_id,
            service_id: c.change.service_id.to_string(),
            service: c.service_name,
            organization: c.organization,
            by: c.change.user_name,
            when: wijkregie_core::clock::nl_display(c.change.changed_at),
            summary: c.change.summary,
        })
        .collect();
    let duplicates = upkeep::likely_duplicates(&ctx)
        .await?
        .into_iter()
        .map(|d| {
            let [first, second] = d.told_apart;
            Pair {
                first: (d.first.id.to_string(), d.first.name, first),
                second: (d.second.id.to_string(), d.second.name, second),
                reasons: d.reasons.join(", "),
            }
        })
        .collect();
    render(CheckPage {
        layout: Layout::new("Sociale kaart controleren", &visit, "/aanbod"),
        groups,
        networks,
        network: q.netwerk,
        changes,
        duplicates,
    })
}

async fn seen(ctx: Ctx, Path(id): Path<String>) -> Result<Response, HttpError> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound(format!("wijziging '{id}'")))?;
    upkeep::mark_seen(&ctx, id).await?;
    Ok(flash::redirect("/aanbod/controleren#wijzigingen", "De wijziging is als gezien gemarkeerd."))
}

fn parse_id(id: &str) -> Result<HsdsId, Error> {
    id.parse().map_err(|e: wijkregie_core::error::Invalid| Error::BadRequest(e.0))
}

#[derive(Deserialize)]
struct MergeForm {
    #[serde(default)]
    blijft: String,
    #[serde(default)]
    vervalt: String,
}

async fn merge(ctx: Ctx, Form(form): Form<MergeForm>) -> Result<Response, HttpError> {
    let survivor = parse_id(&form.blijft)?;
    directory_edit::merge(&ctx, &survivor, &parse_id(&form.vervalt)?).await?;
    Ok(flash::redirect(
        &format!("/aanbod/voorzieningen/{survivor}"),
        "De voorzieningen zijn samengevoegd: deze blijft.",
    ))
}

#[derive(Deserialize)]
struct DistinctForm {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

async fn distinct(ctx: Ctx, Form(form): Form<DistinctForm>) -> Result<Response, HttpError> {
    upkeep::mark_distinct(&ctx, &parse_id(&form.a)?, &parse_id(&form.b)?).await?;
    Ok(flash::redirect(
        "/aanbod/controleren#dubbel",
        "Gemarkeerd als verschillend: het paar komt niet meer terug als dubbel.",
    ))
}
