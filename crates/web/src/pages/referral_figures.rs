//! Referral figures for coordinators and the region: counts, medians and
//! shares per network, wijk, pathway or month, never persons; small numbers
//! show as "< 5". The chart of referrals per month per pathway has the same
//! numbers in a table beside it.

use axum::extract::Query;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::Pathway;
use wijkregie_core::referral::figures::{FigureRow, GroupBy, GroupKey, Statistic};

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::{render, Layout};
use wijkregie_app::referral as service;
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_chart::{self as chart, BarChart, Series, Table, Value};

pub fn routes() -> Router<App> {
    Router::new().route("/verwijzingen/cijfers", get(figures))
}

#[derive(Deserialize, Default)]
struct FiguresQuery {
    #[serde(default)]
    per: String,
    #[serde(default)]
    netwerk: String,
}

pub struct Line {
    pub label: String,
    pub sent: String,
    pub accepted: String,
    pub completed: String,
    pub rejected: String,
    pub reasons: String,
    pub reaction: String,
    pub completion: String,
    pub feedback: String,
}

fn duration(hours: Statistic<u32>) -> String {
    match hours {
        Statistic::Value(h) if h < 48 => format!("{h} uur"),
        Statistic::Value(h) => format!("{} dagen", (h + 12) / 24),
        Statistic::TooFew => "te weinig".into(),
    }
}

fn line(row: &FigureRow, label: String) -> Line {
    Line {
        label,
        sent: row.sent.to_string(),
        accepted: row.accepted.to_string(),
        completed: row.completed.to_string(),
        rejected: row.rejected.to_string(),
        reasons: row
            .rejection_reasons
            .iter()
            .filter(|(_, n)| n.visible() != Some(0))
            .map(|(r, n)| format!("{}: {n}", r.label()))
            .collect::<Vec<_>>()
            .join("; "),
        reaction: duration(row.median_hours_to_reaction),
        completion: duration(row.median_hours_to_completion),
        feedback: row.feedback_share.to_string(),
    }
}

/// Referrals per month per pathway, as a chart and its table.
pub struct PathwayChart {
    pub svg: String,
    pub table: Table,
    pub title: String,
}

/// Builds the chart for `network` (or all the user may see); `None` when
/// there are no referrals yet.
pub async fn pathway_chart(ctx: &Ctx, network: Option<&Code>, id: &str) -> Result<Option<PathwayChart>, HttpError> {
    let months = service::figures(ctx, GroupBy::Month, network).await?;
    if months.rows.is_empty() {
        return Ok(None);
    }
    let keys: Vec<GroupKey> = months.rows.iter().map(|r| r.key.clone()).collect();
    let mut series = Vec::new();
    for pathway in Pathway::ALL {
        let per_month = service::figures_for_pathway(ctx, network, Some(pathway)).await?;
        let values = keys
            .iter()
            .map(|k| per_month.rows.iter().find(|r| &r.key == k).map_or(Value::Exact(0), |r| Value::from(r.sent)))
            .collect();
        series.push(Series { name: pathway.label().to_owned(), values });
    }
    let title = "Verwijzingen per maand per ketenaanpak".to_owned();
    let bars = BarChart {
        id: id.to_owned(),
        title: title.clone(),
        category_title: "Maand van verzenden".into(),
        value_title: "Aantal verwijzingen".into(),
        categories: keys.iter().map(GroupKey::label).collect(),
        series,
    };
    Ok(Some(PathwayChart { svg: chart::grouped_bars(&bars), table: chart::table_rows(&bars), title }))
}

#[derive(askama::Template)]
#[template(path = "referral_figures.html")]
struct FiguresPage {
    layout: Layout,
    per: String,
    groupings: Vec<(&'static str, &'static str)>,
    networks: Vec<(String, String)>,
    network: String,
    lines: Vec<Line>,
    total: Line,
    chart: Option<PathwayChart>,
}

async fn figures(ctx: Ctx, visit: Visit, Query(q): Query<FiguresQuery>) -> Result<Response, HttpError> {
    let group_by = match q.per.as_str() {
        "wijk" => GroupBy::Wijk,
        "ketenaanpak" => GroupBy::Pathway,
        "maand" => GroupBy::Month,
        _ => GroupBy::Network,
    };
    let network: Option<Code> = match q.netwerk.trim() {
        "" => None,
        text => Some(text.parse().map_err(|_| Error::NotFound(format!("netwerk '{text}'")))?),
    };
    let figures = service::figures(&ctx, group_by, network.as_ref()).await?;
    let names = service::figure_names(&ctx).await?;
    let networks: Vec<(String, String)> =
        names.choosable.iter().map(|n| (n.code.to_string(), n.name.clone())).collect();
    let label = |key: &GroupKey| match key {
        GroupKey::Network(c) => {
            names.networks.iter().find(|n| &n.code == c).map_or_else(|| c.to_string(), |n| n.name.clone())
        }
        GroupKey::Wijk(Some(c)) => {
            names.wijken.iter().find(|w| &w.code == c).map_or_else(|| c.to_string(), |w| w.name.clone())
        }
        other => other.label(),
    };
    let chart = pathway_chart(&ctx, network.as_ref(), "verwijzingen-per-maand").await?;
    render(FiguresPage {
        layout: Layout::new("Verwijzingen in cijfers", &visit, "/verwijzingen"),
        per: q.per.clone(),
        groupings: vec![("netwerk", "netwerk"), ("wijk", "wijk"), ("ketenaanpak", "ketenaanpak"), ("maand", "maand")],
        networks,
        network: q.netwerk.clone(),
        lines: figures.rows.iter().map(|r| line(r, label(&r.key))).collect(),
        total: line(&figures.total, "Totaal".into()),
        chart,
    })
}
