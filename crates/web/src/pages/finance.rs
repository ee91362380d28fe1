//! Financiering: the quarters with their status, one quarter's statements
//! (with downloads and, for the regio-beheerder, approval) and the tariffs
//! per year.

use axum::extract::{Path, Query};
use axum::http::header::{self};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::finance::tariff::Origin;
use wijkregie_core::finance::{Cents, Line, LineKind, Quarter, Statement, Tariff, ZeroReason};
use wijkregie_core::FieldError;
use wijkregie_formats::finance::{self as files, CsvStyle};

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::Errors;
use crate::pages::{render, Layout};
use wijkregie_app::finance as service;
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_core::format::thousands;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/financiering", get(overview))
        .route("/financiering/tarieven", get(tariffs).post(save_tariff))
        .route("/financiering/{quarter}", get(quarter_page))
        .route("/financiering/{quarter}/downloaden", get(export))
        .route("/financiering/{quarter}/vaststellen", get(confirm_approval).post(approve))
}

fn parse_quarter(s: &str) -> Result<Quarter, Error> {
    s.parse().map_err(|e: wijkregie_core::error::Invalid| Error::BadRequest(format!("kwartaal {s}: {e}")))
}

struct QuarterRow {
    code: String,
    label: String,
    status: String,
    approved: bool,
    networks: usize,
    total: String,
    corrections: usize,
}

#[derive(askama::Template)]
#[template(path = "finance_overview.html")]
struct OverviewPage {
    layout: Layout,
    quarters: Vec<QuarterRow>,
    may_edit_tariffs: bool,
}

async fn overview(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let summaries = service::overview(&ctx).await?;
    let quarters = summaries
        .into_iter()
        .map(|s| QuarterRow {
            code: s.quarter.to_string(),
            label: s.quarter.label(),
            status: match &s.approval {
                Some(a) => format!("vastgesteld {}", wijkregie_core::clock::nl_display(a.approved_at)),
                None => "open".into(),
            },
            approved: s.approval.is_some(),
            networks: s.networks,
            total: Cents(s.total_cents).euro(),
            corrections: s.corrections,
        })
        .collect();
    render(OverviewPage {
        layout: Layout::new("Financiering", &visit, "/financiering"),
        quarters,
        may_edit_tariffs: authorize(&ctx.principal, Action::Edit, Object::Tariffs).is_ok(),
    })
}

/// A payment line in a table cell: the amount, and why it is zero.
struct Cell {
    amount: String,
    reason: Option<&'static str>,
}

fn cell(s: &Statement, kind: LineKind) -> Cell {
    match s.line(kind) {
        Some(l) => Cell { amount: l.amount.euro(), reason: l.reason.map(ZeroReason::label) },
        None => Cell { amount: Cents::ZERO.euro(), reason: None },
    }
}

struct StatementRow {
    code: String,
    name: String,
    patients: String,
    gp_time: Cell,
    coordinator: Cell,
    corrections: String,
    total: String,
    /// Member practices not paid for because their AGB code is unknown.
    without_agb: Vec<String>,
}

struct CorrectionRow {
    network: String,
    corrects: String,
    kind: &'static str,
    paid: String,
    recomputed: String,
    amount: String,
}

#[derive(askama::Template)]
#[template(path = "finance_quarter.html")]
struct QuarterPage {
    layout: Layout,
    code: String,
    label: String,
    approval: Option<String>,
    tariff: String,
    rows: Vec<StatementRow>,
    corrections: Vec<CorrectionRow>,
    totals: StatementRow,
    whole_region: bool,
    may_approve: bool,
    /// Why this quarter cannot be approved now (running, not begun, an
    /// earlier quarter open), for the regio-beheerder.
    approval_blocked: Option<String>,
    prev: String,
    next: String,
}

fn sum(statements: &[Statement], pick: impl Fn(&Line) -> bool) -> Cents {
    statements.iter().flat_map(|s| &s.lines).filter(|l| pick(l)).map(|l| l.amount).sum()
}

fn tariff_line(t: &Tariff) -> String {
    format!(
        "{} per patiënt per jaar voor tijd van huisartsen en medewerkers, {} voor een eigen coördinator (optie B, \
         minimaal {} per week), vanaf {} ingeschreven patiënten",
        t.gp_time.euro(),
        t.coordinator.euro(),
        hours(t.min_coordinator_minutes),
        thousands(u64::from(t.threshold_patients))
    )
}

fn hours(minutes: u32) -> String {
    match minutes % 60 {
        0 => format!("{} uur", minutes / 60),
        m => format!("{},{:02} uur", minutes / 60, m * 100 / 60),
    }
}

async fn quarter_page(ctx: Ctx, visit: Visit, Path(quarter): Path<String>) -> Result<Response, HttpError> {
    let quarter = parse_quarter(&quarter)?;
    let view = service::statements(&ctx, quarter, None).await?;
    let name = |s: &Statement| view.names.get(&s.network).cloned().unwrap_or_else(|| s.network.to_string());
    let rows = view
        .statements
        .iter()
        .map(|s| StatementRow {
            code: s.network.to_string(),
            name: name(s),
            patients: thousands(s.registered_patients),
            without_agb: s
                .without_agb
                .iter()
                .map(|p| format!("{}: AGB onbekend, {} patiënten niet meegeteld", p.name, thousands(p.patients)))
                .collect(),
            gp_time: cell(s, LineKind::GpTime),
            coordinator: cell(s, LineKind::Coordinator),
            corrections: s
                .lines
                .iter()
                .filter(|l| l.kind == LineKind::Correction)
                .map(|l| l.amount)
                .sum::<Cents>()
                .euro(),
            total: s.total().euro(),
        })
        .collect();
    let corrections = view
        .statements
        .iter()
        .flat_map(|s| s.lines.iter().map(move |l| (s, l)))
        .filter_map(|(s, l)| {
            l.corrects.as_ref().map(|c| CorrectionRow {
                network: name(s),
                corrects: c.quarter.label(),
                kind: c.kind.label(),
                paid: c.paid.euro(),
                recomputed: c.recomputed.euro(),
                amount: l.amount.euro(),
            })
        })
        .collect();
    let totals = StatementRow {
        code: String::new(),
        name: if view.whole_region { "Regio".into() } else { "Getoonde netwerken".into() },
        patients: thousands(view.statements.iter().map(|s| s.registered_patients).sum()),
        gp_time: Cell { amount: sum(&view.statements, |l| l.kind == LineKind::GpTime).euro(), reason: None },
        coordinator: Cell { amount: sum(&view.statements, |l| l.kind == LineKind::Coordinator).euro(), reason: None },
        corrections: sum(&view.statements, |l| l.kind == LineKind::Correction).euro(),
        total: view.statements.iter().map(Statement::total).sum::<Cents>().euro(),
        without_agb: vec![],
    };
    let may_approve =
        view.approval.is_none() && authorize(&ctx.principal, Action::Edit, Object::PaymentApproval).is_ok();
    let approval_blocked = if may_approve {
        match service::approval_summary(&ctx, quarter).await {
            Ok(_) => None,
            Err(Error::Conflict(why)) => Some(why),
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    render(QuarterPage {
        layout: Layout::new(format!("Betaaloverzicht {}", quarter.label()), &visit, "/financiering"),
        code: quarter.to_string(),
        label: quarter.label(),
        approval: view.approval.as_ref().map(|a| {
            format!("Vastgesteld op {} door {}.", wijkregie_core::clock::nl_display(a.approved_at), a.approved_by_name)
        }),
        tariff: tariff_line(&view.tariff),
        rows,
        corrections,
        totals,
        whole_region: view.whole_region,
        may_approve,
        approval_blocked,
        prev: quarter.prev().to_string(),
        next: quarter.next().to_string(),
    })
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: String,
}

async fn export(ctx: Ctx, Path(quarter): Path<String>, Query(q): Query<ExportQuery>) -> Result<Response, HttpError> {
    let quarter = parse_quarter(&quarter)?;
    let view = service::statements(&ctx, quarter, None).await?;
    let base = format!("betaaloverzicht-{quarter}");
    let (kind, file, body) = match q.format.as_str() {
        "csv" => (
            "text/csv; charset=utf-8",
            format!("{base}.csv"),
            files::to_csv(&view.statements, &view.names, CsvStyle::Plain).into_bytes(),
        ),
        "csv-nl" => (
            "text/csv; charset=utf-8",
            format!("{base}-nl.csv"),
            files::to_csv(&view.statements, &view.names, CsvStyle::Dutch).into_bytes(),
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{base}.xlsx"),
            files::to_xlsx_with_state(&view.statements, &view.names, Some(&view.state()))
                .map_err(|e| Error::Internal(e.into()))?,
        ),
        "json" => (
            "application/json",
            format!("{base}.json"),
            serde_json::to_vec_pretty(&files::to_json(&view.statements)).map_err(|e| Error::Internal(e.into()))?,
        ),
        other => {
            return Err(Error::BadRequest(format!("onbekend formaat '{other}': kies csv, csv-nl, xlsx of json")).into())
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        body,
    )
        .into_response())
}

#[derive(askama::Template)]
#[template(path = "finance_approve.html")]
struct ConfirmPage {
    layout: Layout,
    code: String,
    label: String,
    networks: usize,
    total: String,
    total_cents: i64,
}

/// Asks the regio-beheerder to confirm, showing what will be frozen.
async fn confirm_approval(ctx: Ctx, visit: Visit, Path(quarter): Path<String>) -> Result<Response, HttpError> {
    let quarter = parse_quarter(&quarter)?;
    confirmation(&ctx, &visit, quarter).await
}

async fn confirmation(ctx: &Ctx, visit: &Visit, quarter: Quarter) -> Result<Response, HttpError> {
    let summary = service::approval_summary(ctx, quarter).await?;
    render(ConfirmPage {
        layout: Layout::new(format!("{} vaststellen", quarter.label()), visit, "/financiering"),
        code: quarter.to_string(),
        label: quarter.label(),
        networks: summary.networks,
        total: Cents(summary.total_cents).euro(),
        total_cents: summary.total_cents,
    })
}

/// What the confirmation page sends back: the figures the person saw.
#[derive(serde::Deserialize, Default)]
struct ApproveForm {
    #[serde(default)]
    networks: String,
    #[serde(default)]
    total_cents: String,
}

/// Approves as confirmed. A post without the confirmed figures (an old
/// form, a hand-made request) gets the confirmation page instead.
async fn approve(
    ctx: Ctx,
    visit: Visit,
    Path(quarter): Path<String>,
    Form(form): Form<ApproveForm>,
) -> Result<Response, HttpError> {
    let quarter = parse_quarter(&quarter)?;
    let (Ok(networks), Ok(total_cents)) = (form.networks.trim().parse(), form.total_cents.trim().parse()) else {
        return confirmation(&ctx, &visit, quarter).await;
    };
    service::approve_confirmed(&ctx, service::ApprovalSummary { quarter, networks, total_cents }).await?;
    Ok(flash::redirect(
        &format!("/financiering/{quarter}"),
        "Het kwartaal is vastgesteld. De overzichten veranderen niet meer; latere wijzigingen komen als correctieregel in het eerstvolgende open kwartaal.",
    ))
}

struct TariffRow {
    year: i32,
    gp_time: String,
    coordinator: String,
    threshold: String,
    hours: String,
    origin: String,
}

struct ChangeRow {
    when: String,
    by: String,
    year: i32,
    values: String,
}

#[derive(serde::Deserialize, Default, Clone)]
struct TariffForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    gp_time: String,
    #[serde(default)]
    coordinator: String,
    #[serde(default)]
    threshold_patients: String,
    #[serde(default)]
    min_coordinator_hours: String,
}

#[derive(askama::Template)]
#[template(path = "finance_tariffs.html")]
struct TariffsPage {
    layout: Layout,
    rows: Vec<TariffRow>,
    history: Vec<ChangeRow>,
    may_edit: bool,
    form: TariffForm,
    errors: Errors,
}

fn tariff_form(t: &Tariff) -> TariffForm {
    TariffForm {
        year: t.year.to_string(),
        gp_time: t.gp_time.decimal_comma(),
        coordinator: t.coordinator.decimal_comma(),
        threshold_patients: t.threshold_patients.to_string(),
        min_coordinator_hours: hours(t.min_coordinator_minutes).trim_end_matches(" uur").to_owned(),
    }
}

async fn tariffs_response(
    ctx: &Ctx,
    visit: &Visit,
    form: Option<TariffForm>,
    errors: Errors,
    flash: Option<String>,
) -> Result<Response, HttpError> {
    let view = service::tariffs(ctx).await?;
    let rows = view
        .years
        .iter()
        .map(|y| TariffRow {
            year: y.tariff.year,
            gp_time: y.tariff.gp_time.euro(),
            coordinator: y.tariff.coordinator.euro(),
            threshold: thousands(u64::from(y.tariff.threshold_patients)),
            hours: hours(y.tariff.min_coordinator_minutes),
            origin: match y.origin {
                Origin::Set => "ingesteld voor dit jaar".into(),
                Origin::CarriedFrom(from) => format!("zoals {from}"),
                Origin::Default => "regionale standaard".into(),
            },
        })
        .collect();
    let history = view
        .history
        .iter()
        .map(|c| ChangeRow {
            when: wijkregie_core::clock::nl_display(c.changed_at),
            by: c.changed_by.clone(),
            year: c.tariff.year,
            values: tariff_line(&c.tariff),
        })
        .collect();
    let this_year = view.years.iter().find(|y| y.tariff.year == chrono::Datelike::year(&Utc::now()));
    let form = form.or_else(|| this_year.map(|y| tariff_form(&y.tariff))).unwrap_or_default();
    let status = errors.status();
    let mut response = render(TariffsPage {
        layout: Layout::new("Tarieven", visit, "/financiering").with_flash(flash),
        rows,
        history,
        may_edit: authorize(&ctx.principal, Action::Edit, Object::Tariffs).is_ok(),
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

async fn tariffs(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    tariffs_response(&ctx, &visit, None, Errors::default(), None).await
}

/// Reads the form: euros with a comma or point, whole patients, hours in
/// quarters of an hour (`8`, `7,5`, `7:30`).
fn parse_tariff(f: &TariffForm) -> Result<Tariff, Vec<FieldError>> {
    let mut problems = Vec::new();
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .map_err(|_| problems.push(FieldError::new("year", "vul een jaartal in, zoals 2026")))
        .ok();
    let euros = |field: &str, value: &str, problems: &mut Vec<FieldError>| {
        Cents::parse_euros(value).map_err(|e| problems.push(e.at(field))).ok()
    };
    let gp_time = euros("gp_time", &f.gp_time, &mut problems);
    let coordinator = euros("coordinator", &f.coordinator, &mut problems);
    let threshold = f
        .threshold_patients
        .trim()
        .replace('.', "")
        .parse::<u32>()
        .map_err(|_| {
            problems.push(FieldError::new("threshold_patients", "vul een heel aantal patiënten in, zoals 10000"));
        })
        .ok();
    let minutes = parse_hours(&f.min_coordinator_hours)
        .map_err(|m| problems.push(FieldError::new("min_coordinator_hours", m)))
        .ok();
    // Check the range of every field that did read, so one submission
    // shows every problem.
    let fallback = Tariff::default_for(year.unwrap_or(wijkregie_core::finance::tariff::FIRST_YEAR));
    let t = Tariff {
        year: year.unwrap_or(fallback.year),
        gp_time: gp_time.unwrap_or(fallback.gp_time),
        coordinator: coordinator.unwrap_or(fallback.coordinator),
        threshold_patients: threshold.unwrap_or(fallback.threshold_patients),
        min_coordinator_minutes: minutes.unwrap_or(fallback.min_coordinator_minutes),
    };
    for mut p in t.problems() {
        // The form asks hours, the rule speaks minutes.
        if p.field == "min_coordinator_minutes" {
            p.field = "min_coordinator_hours".into();
        }
        if !problems.iter().any(|q| q.field == p.field) {
            problems.push(p);
        }
    }
    if problems.is_empty() {
        Ok(t)
    } else {
        Err(problems)
    }
}

fn parse_hours(s: &str) -> Result<u32, &'static str> {
    const MESSAGE: &str = "vul uren per week in, zoals 8, 7,5 of 7:30";
    let s = s.trim();
    let (whole, fraction) = if let Some((h, m)) = s.split_once(':') {
        let m: u32 = m.parse().map_err(|_| MESSAGE)?;
        if m >= 60 || !m.is_multiple_of(15) {
            return Err("minuten in hele kwartieren: 00, 15, 30 of 45");
        }
        (h, m)
    } else if let Some((h, d)) = s.split_once([',', '.']) {
        let m = match d {
            "0" | "00" => 0,
            "25" => 15,
            "5" | "50" => 30,
            "75" => 45,
            _ => return Err("uren in hele kwartieren: ,25 ,5 of ,75"),
        };
        (h, m)
    } else {
        (s, 0)
    };
    let h: u32 = whole.parse().map_err(|_| MESSAGE)?;
    h.checked_mul(60).and_then(|m| m.checked_add(fraction)).ok_or(MESSAGE)
}

async fn save_tariff(ctx: Ctx, visit: Visit, Form(form): Form<TariffForm>) -> Result<Response, HttpError> {
    match service::save_tariff(&ctx, parse_tariff(&form)).await {
        Ok(()) => {
            Ok(flash::redirect("/financiering/tarieven", "Het tarief is opgeslagen en staat in de geschiedenis."))
        }
        Err(Error::Invalid(problems)) => tariffs_response(&ctx, &visit, Some(form), problems.into(), None).await,
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_read_in_quarters() {
        assert_eq!(parse_hours("8"), Ok(480));
        assert_eq!(parse_hours("7,5"), Ok(450));
        assert_eq!(parse_hours("7.5"), Ok(450));
        assert_eq!(parse_hours("7:45"), Ok(465));
        for bad in ["", "acht", "7,4", "7:10", "7:60", "-1"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
        assert_eq!(hours(450), "7,50 uur");
        assert_eq!(hours(480), "8 uur");
    }
}
