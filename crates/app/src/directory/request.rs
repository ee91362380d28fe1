//! A search of the social map as the search page and the HSDS API both ask
//! it: [`SearchFields`] are the texts as typed, [`SearchRequest::parse`]
//! turns them into a request with one set of rules and Dutch messages
//! (`core::directory::search`). Each front end decides what a problem
//! means for it: the page shows it beside its field and searches without
//! it, the API refuses the request with every problem.

use wijkregie_core::codes::PostcodeArea;
use wijkregie_core::directory::search::{Age, PageNumber, RadiusKm, RADIUS_WITHOUT_POSTCODE};
use wijkregie_core::directory::GeoPoint;

use super::postcode_point;
use crate::{App, Result};

/// What a search asks, parsed.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    pub domain: Option<String>,
    pub pathway: Option<String>,
    /// A hulpvraag's code.
    pub term: Option<String>,
    pub age: Option<Age>,
    pub free_only: bool,
    pub language: Option<String>,
    pub open_now: bool,
    pub wijk: Option<String>,
    pub network: Option<String>,
    pub include_inactive: bool,
    /// Where the patient is, and how far they can go.
    pub near: Option<GeoPoint>,
    pub radius: Option<RadiusKm>,
    pub page: PageNumber,
}

/// The texts of a search, as typed; empty means "not asked".
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchFields<'a> {
    pub text: &'a str,
    pub domain: &'a str,
    pub pathway: &'a str,
    pub term: &'a str,
    pub age: &'a str,
    pub free_only: bool,
    pub language: &'a str,
    pub open_now: bool,
    pub wijk: &'a str,
    pub network: &'a str,
    pub include_inactive: bool,
    pub postcode: &'a str,
    /// Kilometres.
    pub radius: &'a str,
    pub page: &'a str,
}

/// The fields a search can find fault with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    Age,
    Postcode,
    Radius,
    Page,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchProblem {
    pub field: SearchField,
    /// For whoever searches, inhabitants included: no talk of imports.
    pub message: String,
    /// What the regio-beheerder can do about it, for the pages that show
    /// it to them only.
    pub manager_hint: Option<String>,
}

/// A postcode without a known place: for the inhabitant, most likely one
/// outside the region (the region imports the postcodes of its own area);
/// for the beheerder, perhaps postcodes not yet imported.
async fn outside_region(app: &App, pc: &PostcodeArea) -> Result<SearchProblem> {
    let mut conn = app.store.conn().await?;
    let region = wijkregie_store::region::region(&mut conn).await?;
    let area = region.map_or_else(|| "deze regio".to_owned(), |r| r.name);
    Ok(SearchProblem {
        field: SearchField::Postcode,
        message: format!(
            "postcode {pc} ligt niet in {area}, waar deze sociale kaart over gaat. Zoek zonder postcode, of kies \
             een wijk"
        ),
        manager_hint: Some(format!("ligt {pc} wel in de regio, lees dan de postcodes in (wijkregie import postcodes)")),
    })
}

/// Search text is cut here: no search needs more, and the index's work
/// grows with it.
const MAX_TEXT: usize = 200;

fn choice(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

impl SearchRequest {
    /// Reads the fields; a field that is wrong is left out of the request
    /// and named in the problems, all of them in one pass. The postcode is
    /// looked up among the imported centroids.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn parse(app: &App, fields: &SearchFields<'_>) -> Result<(SearchRequest, Vec<SearchProblem>)> {
        let mut problems = Vec::new();
        let problem = |problems: &mut Vec<SearchProblem>, field, message: String| {
            problems.push(SearchProblem { field, message, manager_hint: None });
        };
        let age = match fields.age.trim() {
            "" => None,
            text => text.parse::<Age>().map_err(|e| problem(&mut problems, SearchField::Age, e.0)).ok(),
        };
        let page = match fields.page.trim() {
            "" => PageNumber::FIRST,
            text => text
                .parse::<PageNumber>()
                .map_err(|e| problem(&mut problems, SearchField::Page, e.0))
                .unwrap_or(PageNumber::FIRST),
        };
        let near = match fields.postcode.trim() {
            "" => None,
            text => match text.parse::<PostcodeArea>() {
                Err(e) => {
                    problem(&mut problems, SearchField::Postcode, e.0);
                    None
                }
                Ok(pc) => {
                    let point = postcode_point(app, &pc).await?;
                    if point.is_none() {
                        problems.push(outside_region(app, &pc).await?);
                    }
                    point
                }
            },
        };
        let radius = match fields.radius.trim() {
            "" => None,
            text => match text.parse::<RadiusKm>() {
                Err(e) => {
                    problem(&mut problems, SearchField::Radius, e.0);
                    None
                }
                Ok(_) if fields.postcode.trim().is_empty() => {
                    problem(&mut problems, SearchField::Radius, RADIUS_WITHOUT_POSTCODE.to_owned());
                    None
                }
                // A postcode that could not be placed is its own problem.
                Ok(r) => near.map(|_| r),
            },
        };
        let request = SearchRequest {
            text: fields.text.chars().take(MAX_TEXT).collect(),
            domain: choice(fields.domain),
            pathway: choice(fields.pathway),
            term: choice(fields.term),
            age,
            free_only: fields.free_only,
            language: choice(fields.language),
            open_now: fields.open_now,
            wijk: choice(fields.wijk),
            network: choice(fields.network),
            include_inactive: fields.include_inactive,
            near,
            radius,
            page,
        };
        Ok((request, problems))
    }
}
