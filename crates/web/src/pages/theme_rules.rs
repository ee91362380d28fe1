//! `/themaregels`: the rules that turn population figures into theme
//! suggestions, readable for everyone and editable (as JSON, checked whole)
//! by the regio-beheerder, with every change kept.

use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::population::{Condition, ThemeRule, Threshold};

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::Errors;
use crate::pages::{render, Layout};
use wijkregie_app::population as service;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new().route("/themaregels", get(show).post(save))
}

/// A condition as a sentence: "ernstig eenzaam meer dan 1 procentpunt boven de regio".
pub fn condition_text(c: &Condition) -> String {
    let unit = c.indicator.unit();
    let label = c.indicator.label();
    match c.comparison {
        Threshold::AboveReference { by_points } => {
            format!("{label} meer dan {by_points}{} hoger dan in de regio", unit.difference_suffix())
        }
        Threshold::BelowReference { by_points } => {
            format!("{label} meer dan {by_points}{} lager dan in de regio", unit.difference_suffix())
        }
        Threshold::AboveValue { value } => format!("{label} boven {value}{}", unit.suffix()),
        Threshold::StandsOutAbove => format!("{label}: het 95%-interval ligt geheel boven de regio"),
    }
}

struct RuleRow {
    id: String,
    title: String,
    pathway: &'static str,
    goal: &'static str,
    conditions: Vec<String>,
}

struct ChangeRow {
    when: String,
    by: String,
    rules: usize,
}

#[derive(askama::Template)]
#[template(path = "theme_rules.html")]
struct RulesPage {
    layout: Layout,
    rows: Vec<RuleRow>,
    is_default: bool,
    may_edit: bool,
    text: String,
    errors: Errors,
    history: Vec<ChangeRow>,
}

fn rows(rules: &[ThemeRule]) -> Vec<RuleRow> {
    rules
        .iter()
        .map(|r| RuleRow {
            id: r.id.to_string(),
            title: r.title.clone(),
            pathway: r.pathway.label(),
            goal: r.goal.map_or("", |g| g.label()),
            conditions: r.conditions.iter().map(condition_text).collect(),
        })
        .collect()
}

async fn respond(
    ctx: &Ctx,
    visit: &Visit,
    text: Option<String>,
    errors: Errors,
    flash: Option<String>,
) -> Result<Response, HttpError> {
    let view = service::rules(ctx).await?;
    let status = errors.status();
    let text = text.unwrap_or_else(|| serde_json::to_string_pretty(&view.rules).unwrap_or_default());
    let mut response = render(RulesPage {
        layout: Layout::new("Themaregels", visit, "/wijken").with_flash(flash),
        rows: rows(&view.rules),
        is_default: view.is_default,
        may_edit: authorize(&ctx.principal, Action::Edit, Object::Region).is_ok(),
        text,
        errors,
        history: view
            .history
            .iter()
            .map(|c| ChangeRow {
                when: wijkregie_core::clock::nl_display(c.changed_at),
                by: c.changed_by.clone(),
                rules: c.rules.len(),
            })
            .collect(),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

async fn show(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    respond(&ctx, &visit, None, Errors::default(), None).await
}

#[derive(serde::Deserialize)]
struct RulesForm {
    #[serde(default)]
    rules: String,
}

async fn save(ctx: Ctx, visit: Visit, Form(form): Form<RulesForm>) -> Result<Response, HttpError> {
    match service::save_rules(&ctx, &form.rules).await {
        Ok(()) => Ok(flash::redirect("/themaregels", "De regels zijn opgeslagen; de wijkprofielen volgen ze meteen.")),
        Err(Error::Invalid(problems)) => respond(&ctx, &visit, Some(form.rules), problems.into(), None).await,
        Err(e) => Err(e.into()),
    }
}
