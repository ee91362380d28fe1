//! Wijk pages: the list, one wijk with its CBS areas, networks and
//! practices, and the form in which the regio-beheerder defines a wijk as a
//! set of CBS areas, one "CODE JAAR" per line.

use std::collections::HashMap;

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::access::{authorize, Action, Object, Refusal};
use wijkregie_core::codes::{CbsCode, Code};
use wijkregie_core::region::{Area, Wijk};
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::{parsed, required, Errors};
use crate::pages::{render, Layout};
use wijkregie_app::region::{self, WijkDetail};
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/wijken", get(list))
        .route("/wijken/nieuw", get(new_form).post(create))
        .route("/wijken/{code}", get(show))
        .route("/wijken/{code}/bewerken", get(edit_form).post(update))
}

/// CBS publishes wijk and buurt boundaries from the 1990s onwards; a year
/// outside this range is a typo (the region file uses the same range).
const AREA_YEARS: std::ops::RangeInclusive<u16> = 1990..=2100;

/// A network named on a wijk page: a link only for who may open it.
struct NetworkLink {
    code: String,
    name: String,
    may_open: bool,
}

struct WijkRow {
    code: String,
    name: String,
    area_count: usize,
    networks: Vec<NetworkLink>,
}

#[derive(askama::Template)]
#[template(path = "wijk_list.html")]
struct ListPage {
    layout: Layout,
    wijken: Vec<WijkRow>,
    may_create: bool,
    /// Whether some network is named without a link.
    some_closed: bool,
}

async fn list(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let visible = region::visible(&ctx).await?;
    let wijken = visible
        .wijken
        .iter()
        .map(|w| WijkRow {
            code: w.code.to_string(),
            name: w.name.clone(),
            area_count: w.areas.len(),
            networks: visible
                .region_networks
                .iter()
                .filter(|n| n.wijken.contains(&w.code))
                .map(|n| NetworkLink { code: n.code.to_string(), name: n.name.clone(), may_open: n.may_open })
                .collect(),
        })
        .collect();
    let may_create = authorize(&ctx.principal, Action::Create, Object::Wijk).is_ok();
    let some_closed = visible.region_networks.iter().any(|n| !n.may_open);
    render(ListPage { layout: Layout::new("Wijken", &visit, "/wijken"), wijken, may_create, some_closed })
}

struct AreaRow {
    code: String,
    level: &'static str,
    year: u16,
}

struct NetworkRow {
    code: String,
    name: String,
    status: &'static str,
    status_code: &'static str,
    may_open: bool,
}

struct PracticeRow {
    code: String,
    agb: String,
    name: String,
    address: String,
}

#[derive(askama::Template)]
#[template(path = "wijk_show.html")]
struct ShowPage {
    layout: Layout,
    code: String,
    name: String,
    areas: Vec<AreaRow>,
    networks: Vec<NetworkRow>,
    practices: Vec<PracticeRow>,
    may_edit: bool,
}

fn parse_code(code: &str) -> Result<Code, Error> {
    code.parse().map_err(|_| Error::NotFound(format!("wijk '{code}'")))
}

async fn show(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let WijkDetail { wijk, networks, practices, may_edit, .. } = region::wijk(&ctx, &parse_code(&code)?).await?;
    render(ShowPage {
        layout: Layout::new(wijk.name.clone(), &visit, "/wijken"),
        code: wijk.code.to_string(),
        name: wijk.name.clone(),
        areas: wijk
            .areas
            .iter()
            .map(|a| AreaRow { code: a.code.to_string(), level: a.code.level().label(), year: a.year })
            .collect(),
        networks: networks
            .iter()
            .map(|n| NetworkRow {
                code: n.code.to_string(),
                name: n.name.clone(),
                status: n.status.label(),
                status_code: n.status.code(),
                may_open: n.may_open,
            })
            .collect(),
        practices: practices
            .iter()
            .map(|p| PracticeRow {
                code: p.code.to_string(),
                agb: p.agb.as_ref().map_or_else(|| "onbekend".to_owned(), ToString::to_string),
                name: p.name.clone(),
                address: p.address.to_string(),
            })
            .collect(),
        may_edit,
    })
}

/// The wijk form as typed.
#[derive(Deserialize, Default)]
struct WijkForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    /// One area per line: `WK199101 2024`.
    #[serde(default)]
    areas: String,
}

impl WijkForm {
    fn from_wijk(w: &Wijk) -> Self {
        Self {
            code: w.code.to_string(),
            name: w.name.clone(),
            areas: w.areas.iter().map(|a| format!("{} {}\n", a.code, a.year)).collect(),
        }
    }

    /// The name and areas, or every problem with them.
    fn parts(&self) -> Result<(String, Vec<Area>), Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = required("name", &self.name, "de naam is verplicht", &mut problems);
        let areas = parse_areas(&self.areas).map_err(|e| problems.extend(e)).unwrap_or_default();
        if problems.is_empty() {
            Ok((name, areas))
        } else {
            Err(problems)
        }
    }
}

/// Reads one area per line ("CODE JAAR"); every problem names its line, so
/// a list pasted from a spreadsheet can be fixed in one go. Commas,
/// semicolons and tabs between code and year are accepted too.
fn parse_areas(text: &str) -> Result<Vec<Area>, Vec<FieldError>> {
    let mut areas: Vec<Area> = Vec::new();
    let mut first_line: HashMap<Area, usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut problem =
        |line: usize, message: String| problems.push(FieldError::new("areas", format!("regel {line}: {message}")));
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let parts: Vec<&str> =
            line.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|p| !p.is_empty()).collect();
        let (code, year) = match parts.as_slice() {
            [] => continue,
            [code, year] => (*code, *year),
            _ => {
                problem(
                    n,
                    format!("'{}' is geen CBS-code met een jaar: schrijf bijvoorbeeld WK199101 2024", line.trim()),
                );
                continue;
            }
        };
        let code = code.parse::<CbsCode>().map_err(|e| problem(n, e.0));
        let year = year.parse::<u16>().ok().filter(|y| AREA_YEARS.contains(y)).ok_or_else(|| {
            problem(
                n,
                format!(
                    "'{year}' is geen geldig jaar: gebruik een jaar van {} tot en met {}",
                    AREA_YEARS.start(),
                    AREA_YEARS.end()
                ),
            );
        });
        let (Ok(code), Ok(year)) = (code, year) else { continue };
        let area = Area { code, year };
        match first_line.get(&area) {
            Some(earlier) => problem(n, format!("{} {} staat al op regel {earlier}", area.code, area.year)),
            None => {
                first_line.insert(area.clone(), n);
                areas.push(area);
            }
        }
    }
    if areas.is_empty() && problems.is_empty() {
        problems.push(FieldError::new("areas", "vul minstens één CBS-gebied in, zoals WK199101 2024"));
    }
    if problems.is_empty() {
        Ok(areas)
    } else {
        Err(problems)
    }
}

#[derive(askama::Template)]
#[template(path = "wijk_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    form: WijkForm,
    errors: Errors,
}

fn form_page(visit: &Visit, is_new: bool, form: WijkForm, errors: Vec<FieldError>) -> Result<Response, HttpError> {
    let (heading, action, cancel) = if is_new {
        ("Nieuwe wijk".to_owned(), "/wijken/nieuw".to_owned(), "/wijken".to_owned())
    } else {
        (format!("{} bewerken", form.name), format!("/wijken/{}/bewerken", form.code), format!("/wijken/{}", form.code))
    };
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = FormPage {
        layout: Layout::new(heading.clone(), visit, "/wijken"),
        heading,
        action,
        cancel,
        is_new,
        form,
        errors,
    };
    Ok((status, render(page)?).into_response())
}

async fn new_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    authorize(&ctx.principal, Action::Create, Object::Wijk)?;
    form_page(&visit, true, WijkForm::default(), vec![])
}

async fn create(ctx: Ctx, visit: Visit, Form(form): Form<WijkForm>) -> Result<Response, HttpError> {
    authorize(&ctx.principal, Action::Create, Object::Wijk)?;
    let mut errors = Vec::new();
    let code = parsed::<Code>("code", &form.code, "vul een code in, zoals oostpolder", &mut errors);
    let parts = form.parts().map_err(|e| errors.extend(e)).ok();
    let (Some(code), Some((name, areas))) = (code, parts) else {
        return form_page(&visit, true, form, errors);
    };
    let wijk = Wijk { code: code.clone(), name, areas };
    match region::create_wijk(&ctx, wijk).await {
        Ok(_) => Ok(flash::redirect(&format!("/wijken/{code}"), "De wijk is aangemaakt.")),
        Err(Error::Conflict(taken)) => form_page(&visit, true, form, vec![FieldError::new("code", taken)]),
        Err(Error::Invalid(errors)) => form_page(&visit, true, form, errors),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let detail = region::wijk(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    form_page(&visit, false, WijkForm::from_wijk(&detail.wijk), vec![])
}

async fn update(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Form(mut form): Form<WijkForm>,
) -> Result<Response, HttpError> {
    let detail = region::wijk(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    form.code = detail.wijk.code.to_string();
    let wijk = match form.parts() {
        Ok((name, areas)) => Wijk { code: detail.wijk.code.clone(), name, areas },
        Err(errors) => return form_page(&visit, false, form, errors),
    };
    match region::save_wijk(&ctx, wijk).await {
        Ok(_) => Ok(flash::redirect(&format!("/wijken/{}", detail.wijk.code), "De wijk is opgeslagen.")),
        Err(Error::Invalid(errors)) => form_page(&visit, false, form, errors),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_read_one_per_line_with_tolerant_separators() {
        let areas = parse_areas("WK199101 2024\n\n  bu19930101;2023 \nGM1991\t2024\r\n").unwrap();
        let shown: Vec<String> = areas.iter().map(|a| format!("{} {}", a.code, a.year)).collect();
        assert_eq!(shown, ["WK199101 2024", "BU19930101 2023", "GM1991 2024"]);
    }

    #[test]
    fn every_problem_names_its_line() {
        let errors = parse_areas("WK199101 2024\nXX12 2024\nWK199102 1980\nWK199101 2024\nWK199103\n").unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].starts_with("regel 2: 'XX12' is geen geldige CBS-gebiedscode"), "{}", messages[0]);
        assert!(messages[1].starts_with("regel 3: '1980' is geen geldig jaar"), "{}", messages[1]);
        assert_eq!(messages[2], "regel 4: WK199101 2024 staat al op regel 1");
        assert!(messages[3].starts_with("regel 5: "), "{}", messages[3]);
        assert!(errors.iter().all(|e| e.field == "areas"));
    }

    #[test]
    fn a_wijk_needs_at_least_one_area() {
        assert_eq!(parse_areas(" \n").unwrap_err()[0].message, "vul minstens één CBS-gebied in, zoals WK199101 2024");
    }
}
