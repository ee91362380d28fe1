//! The taxonomy of hulpvragen: everyone sees it (it is what the search
//! understands), the regio-beheerder changes it, and maps the terms of
//! other sources' taxonomies onto it (`/aanbod/hulpvragen/koppelen`).

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::access::Refusal;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{HsdsId, TaxonomyTerm};
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::{optional, parsed, Errors};
use crate::pages::{render, Layout};
use wijkregie_app::taxonomy;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/aanbod/hulpvragen", get(list))
        .route("/aanbod/hulpvragen/nieuw", get(new_form).post(create))
        .route("/aanbod/hulpvragen/koppelen", get(mapping).post(map_term))
        .route("/aanbod/hulpvragen/{code}/bewerken", get(edit_form).post(update))
}

struct TermRow {
    code: String,
    name: String,
    parent: String,
    synonyms: String,
}

#[derive(askama::Template)]
#[template(path = "taxonomy_list.html")]
struct ListPage {
    layout: Layout,
    terms: Vec<TermRow>,
    may_edit: bool,
}

async fn list(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let terms = taxonomy::terms(&ctx).await?;
    let name_of =
        |code: &Code| terms.iter().find(|t| &t.code == code).map_or_else(|| code.to_string(), |t| t.name.clone());
    let rows = terms
        .iter()
        .map(|t| TermRow {
            code: t.code.to_string(),
            name: t.name.clone(),
            parent: t.parent.as_ref().map(name_of).unwrap_or_default(),
            synonyms: t.synonyms.join(", "),
        })
        .collect();
    render(ListPage {
        layout: Layout::new("Hulpvragen", &visit, "/aanbod"),
        terms: rows,
        may_edit: taxonomy::may_edit(&ctx),
    })
}

#[derive(Deserialize, Default)]
struct TermForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    beschrijving: String,
    #[serde(default)]
    bovenliggend: String,
    #[serde(default)]
    synoniemen: String,
}

impl TermForm {
    fn from_term(t: &TaxonomyTerm) -> Self {
        TermForm {
            code: t.code.to_string(),
            naam: t.name.clone(),
            beschrijving: t.description.clone().unwrap_or_default(),
            bovenliggend: t.parent.as_ref().map(ToString::to_string).unwrap_or_default(),
            synoniemen: t.synonyms.join(", "),
        }
    }

    fn to_term(&self) -> Result<TaxonomyTerm, Vec<FieldError>> {
        let mut problems = Vec::new();
        let code = parsed::<Code>("code", &self.code, "vul een code in, zoals eenzaamheid", &mut problems);
        let parent = match self.bovenliggend.trim() {
            "" => None,
            p => p.parse::<Code>().map_err(|e| problems.push(e.at("bovenliggend"))).ok(),
        };
        let mut synonyms: Vec<String> = Vec::new();
        for s in self.synoniemen.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
            if !synonyms.iter().any(|x| x.eq_ignore_ascii_case(s)) {
                synonyms.push(s.to_owned());
            }
        }
        match code {
            Some(code) if problems.is_empty() => Ok(TaxonomyTerm {
                code,
                name: self.naam.trim().to_owned(),
                description: optional(&self.beschrijving),
                parent,
                synonyms,
            }),
            _ => Err(problems),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "taxonomy_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    is_new: bool,
    form: TermForm,
    parents: Vec<(String, String)>,
    errors: Errors,
}

async fn form_page(
    ctx: &Ctx,
    visit: &Visit,
    is_new: bool,
    form: TermForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    if !taxonomy::may_edit(ctx) {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    let mut parents = vec![(String::new(), "geen (hoofdcategorie)".to_owned())];
    parents.extend(
        taxonomy::terms(ctx)
            .await?
            .into_iter()
            .filter(|t| t.code.as_str() != form.code)
            .map(|t| (t.code.to_string(), t.name)),
    );
    let (heading, action) = if is_new {
        ("Nieuwe hulpvraag".to_owned(), "/aanbod/hulpvragen/nieuw".to_owned())
    } else {
        (format!("{} bewerken", form.naam), format!("/aanbod/hulpvragen/{}/bewerken", form.code))
    };
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = FormPage {
        layout: Layout::new(heading.clone(), visit, "/aanbod"),
        heading,
        action,
        is_new,
        form,
        parents,
        errors,
    };
    Ok((status, render(page)?).into_response())
}

async fn new_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    form_page(&ctx, &visit, true, TermForm::default(), vec![]).await
}

async fn save(ctx: &Ctx, visit: &Visit, is_new: bool, form: TermForm) -> Result<Response, HttpError> {
    let term = match form.to_term() {
        Ok(t) => t,
        Err(errors) => return form_page(ctx, visit, is_new, form, errors).await,
    };
    match taxonomy::save(ctx, term, is_new).await {
        Ok(_) if is_new => Ok(flash::redirect("/aanbod/hulpvragen", "De hulpvraag is toegevoegd.")),
        Ok(_) => Ok(flash::redirect("/aanbod/hulpvragen", "De hulpvraag is opgeslagen.")),
        Err(Error::Invalid(errors)) => form_page(ctx, visit, is_new, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn create(ctx: Ctx, visit: Visit, Form(form): Form<TermForm>) -> Result<Response, HttpError> {
    save(&ctx, &visit, true, form).await
}

fn parse_code(code: &str) -> Result<Code, Error> {
    code.parse().map_err(|_| Error::NotFound(format!("hulpvraag '{code}'")))
}

async fn edit_form(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let term = taxonomy::term(&ctx, &parse_code(&code)?).await?;
    form_page(&ctx, &visit, false, TermForm::from_term(&term), vec![]).await
}

async fn update(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Form(mut form): Form<TermForm>,
) -> Result<Response, HttpError> {
    let term = taxonomy::term(&ctx, &parse_code(&code)?).await?;
    form.code = term.code.to_string();
    save(&ctx, &visit, false, form).await
}

struct MappingRow {
    taxonomy: String,
    taxonomy_id: String,
    term: String,
    term_id: String,
    code: String,
    description: String,
    services: usize,
    hulpvraag: String,
}

#[derive(askama::Template)]
#[template(path = "taxonomy_mapping.html")]
struct MappingPage {
    layout: Layout,
    rows: Vec<MappingRow>,
    hulpvragen: Vec<(String, String)>,
}

async fn mapping(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let rows = taxonomy::foreign_terms(&ctx)
        .await?
        .into_iter()
        .map(|r| MappingRow {
            taxonomy: r.taxonomy.name,
            taxonomy_id: r.taxonomy.id.to_string(),
            term: r.term.name,
            term_id: r.term.id.to_string(),
            code: r.term.code.unwrap_or_default(),
            description: r.term.description.unwrap_or_default(),
            services: r.services,
            hulpvraag: r.hulpvraag.map(|c| c.to_string()).unwrap_or_default(),
        })
        .collect();
    let hulpvragen = taxonomy::terms(&ctx).await?.into_iter().map(|t| (t.code.to_string(), t.name)).collect();
    render(MappingPage {
        layout: Layout::new("Termen van andere bronnen koppelen", &visit, "/aanbod"),
        rows,
        hulpvragen,
    })
}

#[derive(Deserialize, Default)]
struct MappingForm {
    #[serde(default)]
    taxonomie: String,
    #[serde(default)]
    term: String,
    #[serde(default)]
    hulpvraag: String,
}

async fn map_term(ctx: Ctx, Form(form): Form<MappingForm>) -> Result<Response, HttpError> {
    let not_found =
        || Error::NotFound(format!("term '{}' van taxonomie '{}'", form.term.trim(), form.taxonomie.trim()));
    let taxonomy: HsdsId = form.taxonomie.parse().map_err(|_| not_found())?;
    let term: HsdsId = form.term.parse().map_err(|_| not_found())?;
    let hulpvraag = match form.hulpvraag.trim() {
        "" => None,
        code => Some(code.parse::<Code>().map_err(|e| Error::Invalid(vec![e.at("hulpvraag")]))?),
    };
    let message = if hulpvraag.is_some() { "De koppeling is opgeslagen." } else { "De koppeling is verwijderd." };
    taxonomy::map_foreign_term(&ctx, &taxonomy, &term, hulpvraag).await?;
    Ok(flash::redirect("/aanbod/hulpvragen/koppelen", message))
}
