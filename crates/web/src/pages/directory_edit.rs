//! The forms that change the social map: a service with its opening hours,
//! hulpvragen and locations, and a location with its address.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::Form as MultiForm;
use chrono::NaiveTime;
use serde::Deserialize;
use wijkregie_core::codes::{Code, Postcode};
use wijkregie_core::directory::{
    GeoPoint, HsdsId, LanguageCode, Location, LocationAddress, OpeningSlot, Pathway, Phone, Schedule, Service,
    ServiceStatus,
};
use wijkregie_core::region::{Domain, Organization};
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::directory::{LANGUAGES, WEEKDAYS};
use crate::pages::form::{optional, required, Errors};
use crate::pages::{render, safe_next, urlencode, Layout};
use wijkregie_app::directory;
use wijkregie_app::directory_edit::{self as edit, new_id};
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/aanbod/voorzieningen/nieuw", get(new_service).post(create_service))
        .route("/aanbod/voorzieningen/{id}/bewerken", get(edit_service).post(update_service))
        .route("/aanbod/locaties/nieuw", get(new_location).post(create_location))
        .route("/aanbod/locaties/{id}/bewerken", get(edit_location).post(update_location))
}

/// The service form as typed; lists come from repeated checkbox keys.
#[derive(Debug, Deserialize, Default)]
struct ServiceForm {
    #[serde(default)]
    organisatie: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    andere_naam: String,
    #[serde(default)]
    beschrijving: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    aanmelden: String,
    #[serde(default)]
    gratis: String,
    #[serde(default)]
    kosten: String,
    #[serde(default)]
    voorwaarden: String,
    #[serde(default)]
    min_leeftijd: String,
    #[serde(default)]
    max_leeftijd: String,
    #[serde(default)]
    domein: String,
    #[serde(default)]
    talen: Vec<String>,
    #[serde(default)]
    ketenaanpakken: Vec<String>,
    #[serde(default)]
    hulpvragen: Vec<String>,
    #[serde(default)]
    wijken: Vec<String>,
    #[serde(default)]
    netwerken: Vec<String>,
    #[serde(default)]
    locaties: Vec<String>,
    #[serde(default)]
    telefoon: String,
    #[serde(default)]
    op_afspraak: String,
    #[serde(default)]
    tijden_toelichting: String,
    #[serde(default)]
    dag_1: String,
    #[serde(default)]
    dag_2: String,
    #[serde(default)]
    dag_3: String,
    #[serde(default)]
    dag_4: String,
    #[serde(default)]
    dag_5: String,
    #[serde(default)]
    dag_6: String,
    #[serde(default)]
    dag_7: String,
}

impl ServiceForm {
    fn from_service(s: &Service) -> Self {
        let day = |d: u8| {
            s.schedule
                .slots
                .iter()
                .filter(|slot| slot.weekday == d)
                .map(|slot| format!("{}-{}", slot.opens.format("%H:%M"), slot.closes.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let strings = |codes: &[Code]| codes.iter().map(ToString::to_string).collect();
        ServiceForm {
            organisatie: s.organization.to_string(),
            naam: s.name.clone(),
            andere_naam: s.alternate_name.clone().unwrap_or_default(),
            beschrijving: s.description.clone(),
            website: s.url.clone().unwrap_or_default(),
            email: s.email.clone().unwrap_or_default(),
            status: s.status.code().into(),
            aanmelden: s.application_process.clone().unwrap_or_default(),
            gratis: if s.free_of_charge { "1".into() } else { String::new() },
            kosten: s.fees_description.clone().unwrap_or_default(),
            voorwaarden: s.eligibility_description.clone().unwrap_or_default(),
            min_leeftijd: s.minimum_age.map(|a| a.to_string()).unwrap_or_default(),
            max_leeftijd: s.maximum_age.map(|a| a.to_string()).unwrap_or_default(),
            domein: s.domain.code().into(),
            talen: s.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            ketenaanpakken: s.pathways.iter().map(|p| p.code().to_owned()).collect(),
            hulpvragen: strings(&s.taxonomy_terms),
            wijken: strings(&s.serves_wijken),
            netwerken: strings(&s.serves_networks),
            locaties: s.locations.iter().map(ToString::to_string).collect(),
            telefoon: s
                .phones
                .iter()
                .map(|p| match &p.description {
                    Some(d) => format!("{}; {d}", p.number),
                    None => p.number.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            op_afspraak: if s.schedule.by_appointment { "1".into() } else { String::new() },
            tijden_toelichting: s.schedule.notes.clone().unwrap_or_default(),
            dag_1: day(1),
            dag_2: day(2),
            dag_3: day(3),
            dag_4: day(4),
            dag_5: day(5),
            dag_6: day(6),
            dag_7: day(7),
        }
    }

    fn days(&self) -> [&str; 7] {
        [&self.dag_1, &self.dag_2, &self.dag_3, &self.dag_4, &self.dag_5, &self.dag_6, &self.dag_7]
    }

    /// The service this form describes; `base` carries what the form does
    /// not show (id, contacts, check date).
    fn to_service(&self, base: Service) -> Result<Service, Vec<FieldError>> {
        let mut problems = Vec::new();
        let list = |field: &str, values: &[String], problems: &mut Vec<FieldError>| -> Vec<Code> {
            values
                .iter()
                .filter(|v| !v.trim().is_empty())
                .filter_map(|v| v.parse::<Code>().map_err(|e| problems.push(e.at(field))).ok())
                .collect()
        };
        let taxonomy_terms = list("hulpvragen", &self.hulpvragen, &mut problems);
        let serves_wijken = list("wijken", &self.wijken, &mut problems);
        let serves_networks = list("netwerken", &self.netwerken, &mut problems);
        let organization = match self.organisatie.parse::<Code>() {
            Ok(c) => Some(c),
            Err(_) => {
                problems.push(FieldError::new("organisatie", "kies de organisatie die dit aanbiedt"));
                None
            }
        };
        let name = required("naam", &self.naam, "de naam is verplicht", &mut problems);
        let status = self.status.parse::<ServiceStatus>().map_err(|e| problems.push(e.at("status"))).ok();
        let domain = self.domein.parse::<Domain>().map_err(|e| problems.push(e.at("domein"))).ok();
        let age = |field: &str, value: &str, problems: &mut Vec<FieldError>| match value.trim() {
            "" => None,
            v => match v.parse::<u8>() {
                Ok(a) if a <= 120 => Some(a),
                _ => {
                    problems.push(FieldError::new(field, format!("'{v}' is geen leeftijd: vul 0 tot 120 in")));
                    None
                }
            },
        };
        let minimum_age = age("min_leeftijd", &self.min_leeftijd, &mut problems);
        let maximum_age = age("max_leeftijd", &self.max_leeftijd, &mut problems);
        let languages: Vec<LanguageCode> = self
            .talen
            .iter()
            .filter_map(|l| l.parse::<LanguageCode>().map_err(|e| problems.push(e.at("talen"))).ok())
            .collect();
        let pathways: Vec<Pathway> = self
            .ketenaanpakken
            .iter()
            .filter_map(|p| p.parse::<Pathway>().map_err(|e| problems.push(e.at("ketenaanpakken"))).ok())
            .collect();
        let locations: Vec<HsdsId> = self
            .locaties
            .iter()
            .filter_map(|l| l.parse::<HsdsId>().map_err(|e| problems.push(e.at("locaties"))).ok())
            .collect();
        let phones = phones(&self.telefoon, &mut problems);
        let mut slots = Vec::new();
        for (i, text) in self.days().into_iter().enumerate() {
            slots.extend(day_slots(i as u8 + 1, text, &mut problems));
        }
        let (Some(organization), Some(status), Some(domain)) = (organization, status, domain) else {
            return Err(problems);
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Service {
            organization,
            name,
            alternate_name: optional(&self.andere_naam),
            description: self.beschrijving.trim().to_owned(),
            url: optional(&self.website),
            email: optional(&self.email),
            status,
            application_process: optional(&self.aanmelden),
            fees_description: optional(&self.kosten),
            free_of_charge: !self.gratis.is_empty(),
            eligibility_description: optional(&self.voorwaarden),
            minimum_age,
            maximum_age,
            languages,
            domain,
            pathways,
            serves_wijken,
            serves_networks,
            taxonomy_terms,
            phones,
            schedule: Schedule {
                slots,
                by_appointment: !self.op_afspraak.is_empty(),
                notes: optional(&self.tijden_toelichting),
                // The form edits weekly hours; other rules come from an import and stay.
                rules: base.schedule.rules.clone(),
            },
            locations,
            ..base
        })
    }
}

/// One number per line, a note after a semicolon: `035 123 45 67; ma–vr`.
fn phones(text: &str, problems: &mut Vec<FieldError>) -> Vec<Phone> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (number, description) = match line.split_once(';') {
            Some((number, note)) => (number.trim(), optional(note)),
            None => (line.trim(), None),
        };
        let digits = number.chars().filter(char::is_ascii_digit).count();
        if !(3..=15).contains(&digits) || number.chars().any(char::is_alphabetic) {
            problems.push(FieldError::new("telefoon", format!("regel {}: '{number}' is geen telefoonnummer", n + 1)));
            continue;
        }
        out.push(Phone { number: number.to_owned(), description });
    }
    out
}

/// `09:00-12:00, 13:00-17:00` (or `9-12`) for one weekday.
fn day_slots(weekday: u8, text: &str, problems: &mut Vec<FieldError>) -> Vec<OpeningSlot> {
    let field = format!("dag_{weekday}");
    let time = |t: &str| {
        let t = t.trim().replace('.', ":");
        NaiveTime::parse_from_str(&t, "%H:%M").or_else(|_| NaiveTime::parse_from_str(&format!("{t}:00"), "%H:%M")).ok()
    };
    let mut slots = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let times = part.split_once(['-', '–']).and_then(|(a, b)| Some((time(a)?, time(b)?)));
        match times {
            Some((opens, closes)) if opens < closes => slots.push(OpeningSlot { weekday, opens, closes }),
            Some(_) => {
                problems
                    .push(FieldError::new(&field, format!("{part}: de sluitingstijd ligt niet na de openingstijd")));
            }
            None => {
                problems
                    .push(FieldError::new(&field, format!("'{part}' is geen tijdvak: schrijf het als 09:00-12:00")));
            }
        }
    }
    slots
}

fn empty_service(organization: Code) -> Service {
    Service {
        id: new_id(),
        organization,
        name: String::new(),
        alternate_name: None,
        description: String::new(),
        url: None,
        email: None,
        status: ServiceStatus::Active,
        assured_date: None,
        application_process: None,
        fees_description: None,
        free_of_charge: false,
        eligibility_description: None,
        minimum_age: None,
        maximum_age: None,
        languages: vec!["nl".parse().expect("nl is a language code")],
        domain: Domain::Welzijn,
        pathways: vec![],
        serves_wijken: vec![],
        serves_networks: vec![],
        taxonomy_terms: vec![],
        foreign_terms: Vec::new(),
        phones: vec![],
        contacts: vec![],
        schedule: Schedule::default(),
        locations: vec![],
    }
}

struct Choice {
    value: String,
    label: String,
    checked: bool,
}

fn choices(options: impl IntoIterator<Item = (String, String)>, chosen: &[String]) -> Vec<Choice> {
    options.into_iter().map(|(value, label)| Choice { checked: chosen.contains(&value), value, label }).collect()
}

#[derive(askama::Template)]
#[template(path = "directory_service_form.html")]
struct ServiceFormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: ServiceForm,
    organizations: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    domains: Vec<(&'static str, &'static str)>,
    languages: Vec<Choice>,
    pathways: Vec<Choice>,
    terms: Vec<Choice>,
    wijken: Vec<Choice>,
    networks: Vec<Choice>,
    locations: Vec<Choice>,
    new_location: String,
    days: Vec<(String, &'static str, String)>,
    errors: Errors,
}

async fn service_form_page(
    ctx: &Ctx,
    visit: &Visit,
    id: Option<&HsdsId>,
    form: ServiceForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let current: Option<Code> = form.organisatie.parse().ok();
    let edit::FormChoices { organizations, terms, networks, wijken, locations } =
        edit::form_choices(ctx, current.as_ref()).await?;
    let (heading, action, cancel) = match id {
        None => ("Nieuwe voorziening".to_owned(), "/aanbod/voorzieningen/nieuw".to_owned(), "/aanbod".to_owned()),
        Some(id) => (
            format!("{} bewerken", form.naam),
            format!("/aanbod/voorzieningen/{id}/bewerken"),
            format!("/aanbod/voorzieningen/{id}"),
        ),
    };
    let mut languages: Vec<(String, String)> = LANGUAGES.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect();
    // Languages entered elsewhere (an import) stay choosable, so saving never drops them.
    for code in &form.talen {
        if !languages.iter().any(|(c, _)| c == code) {
            languages.push((code.clone(), code.clone()));
        }
    }
    let new_location =
        format!("/aanbod/locaties/nieuw?organisatie={}&next={}", urlencode(&form.organisatie), urlencode(&cancel));
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = ServiceFormPage {
        layout: Layout::new(heading.clone(), visit, "/aanbod"),
        heading,
        action,
        cancel,
        organizations: organizations.iter().map(|o| (o.code.to_string(), o.name.clone())).collect(),
        statuses: ServiceStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        domains: Domain::ALL.iter().map(|d| (d.code(), d.label())).collect(),
        languages: choices(languages, &form.talen),
        pathways: choices(Pathway::ALL.iter().map(|p| (p.code().into(), p.label().into())), &form.ketenaanpakken),
        terms: choices(terms.iter().map(|t| (t.code.to_string(), t.name.clone())), &form.hulpvragen),
        wijken: choices(wijken.iter().map(|w| (w.code.to_string(), w.name.clone())), &form.wijken),
        networks: choices(networks.iter().map(|n| (n.code.to_string(), n.name.clone())), &form.netwerken),
        locations: choices(
            locations.iter().map(|l| {
                let org = organizations.iter().find(|o| o.code == l.organization).map_or("", |o| o.name.as_str());
                let place =
                    l.address.as_ref().map(|a| format!(", {} {}", a.street, a.house_number)).unwrap_or_default();
                (l.id.to_string(), format!("{org}: {}{place}", l.name))
            }),
            &form.locaties,
        ),
        new_location,
        days: form
            .days()
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("dag_{}", i + 1), WEEKDAYS[i], v.to_string()))
            .collect(),
        form,
        errors,
    };
    Ok((status, render(page)?).into_response())
}

#[derive(Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    organisatie: String,
}

async fn new_service(ctx: Ctx, visit: Visit, Query(q): Query<NewQuery>) -> Result<Response, HttpError> {
    let organizations = edit::organizations_for_new_service(&ctx).await?;
    let Some(first) = organizations.iter().find(|o| o.code.as_str() == q.organisatie).or(organizations.first()) else {
        return Err(Error::Forbidden(wijkregie_core::access::Refusal::OutOfScope).into());
    };
    let form = ServiceForm::from_service(&empty_service(first.code.clone()));
    service_form_page(&ctx, &visit, None, form, vec![]).await
}

async fn save(ctx: &Ctx, visit: &Visit, id: Option<HsdsId>, form: ServiceForm) -> Result<Response, HttpError> {
    let base = match &id {
        Some(id) => directory::service(ctx, id).await?.service,
        None => empty_service("onbekend".parse().expect("a valid code")),
    };
    let service = match form.to_service(base) {
        Ok(s) => s,
        Err(errors) => return service_form_page(ctx, visit, id.as_ref(), form, errors).await,
    };
    let target = format!("/aanbod/voorzieningen/{}", service.id);
    match edit::save_service(ctx, service).await {
        Ok(_) if id.is_none() => Ok(flash::redirect(&target, "De voorziening is toegevoegd.")),
        Ok(_) => Ok(flash::redirect(&target, "De voorziening is opgeslagen.")),
        Err(Error::Invalid(errors)) => service_form_page(ctx, visit, id.as_ref(), form, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn create_service(
    ctx: Ctx,
    visit: Visit,
    MultiForm(form): MultiForm<ServiceForm>,
) -> Result<Response, HttpError> {
    save(&ctx, &visit, None, form).await
}

fn parse_id(id: &str, what: &str) -> Result<HsdsId, Error> {
    id.parse().map_err(|_| Error::NotFound(format!("{what} '{id}'")))
}

async fn edit_service(ctx: Ctx, visit: Visit, Path(id): Path<String>) -> Result<Response, HttpError> {
    let id = parse_id(&id, "voorziening")?;
    let detail = directory::service(&ctx, &id).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(wijkregie_core::access::Refusal::OutOfScope).into());
    }
    service_form_page(&ctx, &visit, Some(&id), ServiceForm::from_service(&detail.service), vec![]).await
}

async fn update_service(
    ctx: Ctx,
    visit: Visit,
    Path(id): Path<String>,
    MultiForm(form): MultiForm<ServiceForm>,
) -> Result<Response, HttpError> {
    let id = parse_id(&id, "voorziening")?;
    save(&ctx, &visit, Some(id), form).await
}

/// The location form as typed.
#[derive(Deserialize, Default, Debug)]
struct LocationForm {
    #[serde(default)]
    organisatie: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    toelichting: String,
    #[serde(default)]
    straat: String,
    #[serde(default)]
    huisnummer: String,
    #[serde(default)]
    toevoeging: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    plaats: String,
    #[serde(default)]
    breedtegraad: String,
    #[serde(default)]
    lengtegraad: String,
    #[serde(default)]
    next: String,
}

impl LocationForm {
    fn from_location(l: &Location) -> Self {
        let a = l.address.as_ref();
        LocationForm {
            organisatie: l.organization.to_string(),
            naam: l.name.clone(),
            toelichting: l.description.clone().unwrap_or_default(),
            straat: a.map(|a| a.street.clone()).unwrap_or_default(),
            huisnummer: a.map(|a| a.house_number.to_string()).unwrap_or_default(),
            toevoeging: a.and_then(|a| a.house_number_suffix.clone()).unwrap_or_default(),
            postcode: a.map(|a| a.postcode.to_string()).unwrap_or_default(),
            plaats: a.map(|a| a.city.clone()).unwrap_or_default(),
            breedtegraad: l.point.map(|p| p.latitude.to_string()).unwrap_or_default(),
            lengtegraad: l.point.map(|p| p.longitude.to_string()).unwrap_or_default(),
            next: String::new(),
        }
    }

    fn to_location(&self, id: HsdsId) -> Result<Location, Vec<FieldError>> {
        let mut problems = Vec::new();
        let organization = self.organisatie.parse::<Code>().map_err(|_| {
            problems.push(FieldError::new("organisatie", "kies de organisatie van deze locatie"));
        });
        let name = required("naam", &self.naam, "de naam is verplicht, bijvoorbeeld Buurthuis De Linde", &mut problems);
        let any_address =
            [&self.straat, &self.huisnummer, &self.postcode, &self.plaats].iter().any(|v| !v.trim().is_empty());
        let address = if any_address {
            let street = required("straat", &self.straat, "vul de straat in", &mut problems);
            let city = required("plaats", &self.plaats, "vul de plaats in", &mut problems);
            let number = match self.huisnummer.trim().parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    problems.push(FieldError::new(
                        "huisnummer",
                        "vul een huisnummer in (alleen cijfers; een letter bij toevoeging)",
                    ));
                    None
                }
            };
            let postcode = self.postcode.parse::<Postcode>().map_err(|e| problems.push(e.at("postcode"))).ok();
            match (number, postcode) {
                (Some(house_number), Some(postcode)) => Some(LocationAddress {
                    street,
                    house_number,
                    house_number_suffix: optional(&self.toevoeging),
                    postcode,
                    city,
                }),
                _ => None,
            }
        } else {
            None
        };
        let coordinate = |field: &str, value: &str, problems: &mut Vec<FieldError>| match value.trim() {
            "" => None,
            v => match v.replace(',', ".").parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    problems.push(FieldError::new(field, format!("'{v}' is geen getal, zoals 52,2292")));
                    None
                }
            },
        };
        let latitude = coordinate("breedtegraad", &self.breedtegraad, &mut problems);
        let longitude = coordinate("lengtegraad", &self.lengtegraad, &mut problems);
        let point = match (latitude, longitude) {
            (Some(la), Some(lo)) => GeoPoint::new(la, lo).map_err(|e| problems.push(e.at("breedtegraad"))).ok(),
            (None, None) => None,
            _ => {
                problems
                    .push(FieldError::new("lengtegraad", "vul breedte- en lengtegraad allebei in, of allebei niet"));
                None
            }
        };
        match organization {
            Ok(organization) if problems.is_empty() => {
                Ok(Location { id, organization, name, description: optional(&self.toelichting), address, point })
            }
            _ => Err(problems),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "directory_location_form.html")]
struct LocationFormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: LocationForm,
    organizations: Vec<(String, String)>,
    errors: Errors,
}

async fn location_form_page(
    ctx: &Ctx,
    visit: &Visit,
    id: Option<&HsdsId>,
    form: LocationForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let organizations: Vec<Organization> = edit::organizations_for_new_service(ctx).await?;
    let (heading, action) = match id {
        None => ("Nieuwe locatie".to_owned(), "/aanbod/locaties/nieuw".to_owned()),
        Some(id) => (format!("{} bewerken", form.naam), format!("/aanbod/locaties/{id}/bewerken")),
    };
    let cancel = if form.next.is_empty() { "/aanbod".to_owned() } else { safe_next(&form.next) };
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = LocationFormPage {
        layout: Layout::new(heading.clone(), visit, "/aanbod"),
        heading,
        action,
        cancel,
        organizations: organizations.iter().map(|o| (o.code.to_string(), o.name.clone())).collect(),
        form,
        errors,
    };
    Ok((status, render(page)?).into_response())
}

#[derive(Deserialize, Default)]
struct NewLocationQuery {
    #[serde(default)]
    organisatie: String,
    #[serde(default)]
    next: String,
}

async fn new_location(ctx: Ctx, visit: Visit, Query(q): Query<NewLocationQuery>) -> Result<Response, HttpError> {
    if edit::organizations_for_new_service(&ctx).await?.is_empty() {
        return Err(Error::Forbidden(wijkregie_core::access::Refusal::OutOfScope).into());
    }
    let form = LocationForm { organisatie: q.organisatie, next: q.next, ..LocationForm::default() };
    location_form_page(&ctx, &visit, None, form, vec![]).await
}

async fn save_location(
    ctx: &Ctx,
    visit: &Visit,
    id: Option<HsdsId>,
    form: LocationForm,
) -> Result<Response, HttpError> {
    let location = match form.to_location(id.clone().unwrap_or_else(new_id)) {
        Ok(l) => l,
        Err(errors) => return location_form_page(ctx, visit, id.as_ref(), form, errors).await,
    };
    match edit::save_location(ctx, location).await {
        Ok(_) => {
            let back = if form.next.is_empty() { "/aanbod".to_owned() } else { safe_next(&form.next) };
            let message = if id.is_none() { "De locatie is toegevoegd." } else { "De locatie is opgeslagen." };
            Ok(flash::redirect(&back, message))
        }
        Err(Error::Invalid(errors)) => location_form_page(ctx, visit, id.as_ref(), form, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn create_location(
    ctx: Ctx,
    visit: Visit,
    MultiForm(form): MultiForm<LocationForm>,
) -> Result<Response, HttpError> {
    save_location(&ctx, &visit, None, form).await
}

async fn edit_location(
    ctx: Ctx,
    visit: Visit,
    Path(id): Path<String>,
    Query(q): Query<NewLocationQuery>,
) -> Result<Response, HttpError> {
    let id = parse_id(&id, "locatie")?;
    let (location, may_edit) = edit::location(&ctx, &id).await?;
    if !may_edit {
        return Err(Error::Forbidden(wijkregie_core::access::Refusal::OutOfScope).into());
    }
    let form = LocationForm { next: q.next, ..LocationForm::from_location(&location) };
    location_form_page(&ctx, &visit, Some(&id), form, vec![]).await
}

async fn update_location(
    ctx: Ctx,
    visit: Visit,
    Path(id): Path<String>,
    MultiForm(form): MultiForm<LocationForm>,
) -> Result<Response, HttpError> {
    let id = parse_id(&id, "locatie")?;
    edit::location(&ctx, &id).await?;
    save_location(&ctx, &visit, Some(id), form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_are_read_as_people_write_them() {
        let mut problems = Vec::new();
        let slots = day_slots(2, "9-12, 13:00–17.30", &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let shown: Vec<String> =
            slots.iter().map(|s| format!("{}-{}", s.opens.format("%H:%M"), s.closes.format("%H:%M"))).collect();
        assert_eq!(shown, ["09:00-12:00", "13:00-17:30"]);
        assert!(day_slots(3, "12-9, ochtend", &mut problems).is_empty());
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2);
        assert!(messages[0].contains("sluitingstijd"));
        assert!(messages[1].contains("'ochtend' is geen tijdvak"));
        assert!(problems.iter().all(|p| p.field == "dag_3"));
    }

    #[test]
    fn phones_take_a_note_after_a_semicolon_and_refuse_words() {
        let mut problems = Vec::new();
        let phones = phones("035 123 45 67; ma–vr\n\n06-12345678\nbel ons", &mut problems);
        assert_eq!(phones.len(), 2);
        assert_eq!(phones[0].description.as_deref(), Some("ma–vr"));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("regel 4:"));
    }

    /// Issue 22 item 17: whatever the location and service forms accept
    /// leaves as HSDS (datapackage and nested JSON) and comes back as the
    /// same data. A house-number suffix with a space was saved, exported as
    /// "Dorpsstraat 12a b" and refused by `import hsds`.
    mod hsds_round_trip {
        use std::collections::BTreeMap;

        use proptest::prelude::*;
        use wijkregie_core::directory::{Location, Service};
        use wijkregie_formats::hsds::{self, Directory, Known};
        use wijkregie_formats::{demo, taxonomy};

        use super::super::*;

        /// Text as people type it into a form field, with the characters
        /// that matter to CSV and to the address line.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[ a-zA-Z0-9éëï'&.,;:/()\\-]{0,24}",
                "[ a-z]{1,8}",
                Just(String::new()),
                "[=+@\"\t]{0,2}[a-z ]{0,8}",
            ]
        }

        fn location_form(organization: String) -> impl Strategy<Value = LocationForm> {
            (
                text(),
                text(),
                text(),
                prop_oneof!["[0-9]{1,7}", "[1-9][0-9]{0,3}"],
                prop_oneof!["[ a-zA-Z0-9/-]{0,6}", Just(String::new())],
                "[1-9][0-9]{3} ?[A-Z]{2}",
                text(),
                prop_oneof![Just(None), (50.0..54.0f64, 3.0..7.5f64).prop_map(Some)],
            )
                .prop_map(
                    move |(naam, toelichting, straat, huisnummer, toevoeging, postcode, plaats, point)| LocationForm {
                        organisatie: organization.clone(),
                        naam,
                        toelichting,
                        straat,
                        huisnummer,
                        toevoeging,
                        postcode,
                        plaats,
                        breedtegraad: point.map(|p| p.0.to_string()).unwrap_or_default(),
                        lengtegraad: point.map(|p| p.1.to_string()).unwrap_or_default(),
                        next: String::new(),
                    },
                )
        }

        fn service_form(organization: String, terms: Vec<String>) -> impl Strategy<Value = ServiceForm> {
            let texts = prop::collection::vec(text(), 9);
            let web = prop_oneof![Just(String::new()), "https://[a-z]{1,8}\\.nl(/[a-z0-9?=&]{0,8})?", text()];
            let mail = prop_oneof![Just(String::new()), "[a-z.]{1,8}@[a-z]{1,8}\\.nl", text()];
            let age = prop_oneof![Just(String::new()), "[0-9]{1,3}"];
            let phone = prop_oneof![Just(String::new()), "0[0-9 -]{9,12}(; [a-z ]{0,8})?", text()];
            let hours = prop::collection::vec(
                prop_oneof![Just(String::new()), "(0?[0-9]|1[0-1])[:.][0-5][0-9]-1[2-9]:[0-5][0-9]"],
                7,
            );
            let picks = prop::sample::subsequence(terms, 0..3);
            let flags = (any::<bool>(), any::<bool>(), 0..4usize, 0..3usize);
            (texts, web, mail, (age.clone(), age), phone, hours, picks, flags).prop_map(
                move |(t, website, email, (min, max), telefoon, d, hulpvragen, (gratis, afspraak, status, domein))| {
                    ServiceForm {
                        organisatie: organization.clone(),
                        naam: t[0].clone(),
                        andere_naam: t[1].clone(),
                        beschrijving: t[2].clone(),
                        website,
                        email,
                        status: ["active", "inactive", "defunct", "temporarily closed"][status].to_owned(),
                        aanmelden: t[3].clone(),
                        gratis: if gratis { "1".into() } else { String::new() },
                        kosten: t[4].clone(),
                        voorwaarden: t[5].clone(),
                        min_leeftijd: min,
                        max_leeftijd: max,
                        domein: ["zorg", "welzijn", "gemeente"][domein].to_owned(),
                        talen: vec!["nl".into()],
                        ketenaanpakken: vec![],
                        hulpvragen,
                        wijken: vec![],
                        netwerken: vec![],
                        locaties: vec![],
                        telefoon,
                        op_afspraak: if afspraak { "1".into() } else { String::new() },
                        tijden_toelichting: t[6].clone(),
                        dag_1: d[0].clone(),
                        dag_2: d[1].clone(),
                        dag_3: d[2].clone(),
                        dag_4: d[3].clone(),
                        dag_5: d[4].clone(),
                        dag_6: d[5].clone(),
                        dag_7: d[6].clone(),
                    }
                },
            )
        }

        fn base(organization: &Code) -> Service {
            let mut s = demo::directory::generate().services.remove(0);
            s.organization = organization.clone();
            s.contacts.clear();
            s.foreign_terms.clear();
            s.schedule.rules.clear();
            s
        }

        /// The reproduction: the suffix as typed did not re-import; saved
        /// through core's normalisation it does.
        #[test]
        fn a_suffix_with_a_space_re_imports_once_saved() {
            let region = demo::region();
            let form = LocationForm {
                organisatie: region.organizations[0].code.to_string(),
                naam: "Buurthuis".into(),
                straat: "Dorpsstraat".into(),
                huisnummer: "12".into(),
                toevoeging: "a b".into(),
                postcode: "1215 EK".into(),
                plaats: "Hilversum".into(),
                ..LocationForm::default()
            };
            let id: HsdsId = "0b4e0c55-1a2b-4c3d-8e9f-000000000017".parse().unwrap();
            let as_typed = form.to_location(id.clone()).unwrap();
            assert!(
                export_and_import(&as_typed, None, Via::Datapackage).is_err(),
                "the reproduction of issue 22 item 17"
            );
            let saved = as_typed.normalised().unwrap();
            assert_eq!(saved.address.as_ref().unwrap().house_number_suffix.as_deref(), Some("a-b"));
            let imported = export_and_import(&saved, None, Via::Datapackage).unwrap();
            assert_eq!(imported.locations, vec![saved]);
        }

        /// How a test sends data out and back in.
        #[derive(Clone, Copy)]
        enum Via {
            Datapackage,
            /// Nested service JSON (needs a service).
            Json,
        }

        /// `location` (and `service`) exported `via` a format and imported back.
        fn export_and_import(
            location: &Location,
            service: Option<&Service>,
            via: Via,
        ) -> Result<wijkregie_formats::hsds::Imported, Vec<FieldError>> {
            let region = demo::region();
            let directory = Directory {
                organizations: region.organizations.clone(),
                locations: vec![location.clone()],
                services: service.into_iter().cloned().collect(),
                taxonomy: taxonomy::shipped(),
                wijken: region.wijken.iter().map(|w| (w.code.clone(), w.name.clone())).collect(),
                networks: region.networks.iter().map(|n| (n.code.clone(), n.name.clone())).collect(),
                ..Directory::default()
            };
            let wijken: Vec<Code> = region.wijken.iter().map(|w| w.code.clone()).collect();
            let networks: Vec<Code> = region.networks.iter().map(|n| n.code.clone()).collect();
            let taxonomy = taxonomy::shipped();
            let ids = BTreeMap::new();
            let known = Known {
                taxonomy: &taxonomy,
                organizations: &region.organizations,
                wijken: &wijken,
                networks: &networks,
                mappings: &[],
                organization_ids: &ids,
            };
            match via {
                Via::Datapackage => {
                    let files: BTreeMap<String, Vec<u8>> =
                        hsds::render_datapackage(&directory).into_iter().map(|(k, v)| (k, v.into_bytes())).collect();
                    hsds::parse_datapackage(&files, &known)
                }
                Via::Json => {
                    let services: Vec<_> = service.iter().map(|s| hsds::service_json(s, &directory)).collect();
                    let json = serde_json::to_string(&services).expect("JSON of services");
                    hsds::parse_json(&json, &known)
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]
            #[test]
            fn what_the_forms_accept_exports_and_imports_unchanged(
                (location_form, service_form) in {
                    let region = demo::region();
                    let organization = region.organizations[0].code.to_string();
                    let terms: Vec<String> = taxonomy::shipped().iter().take(6).map(|t| t.code.to_string()).collect();
                    (location_form(organization.clone()), service_form(organization, terms))
                }
            ) {
                let id: HsdsId = "0b4e0c55-1a2b-4c3d-8e9f-000000000017".parse().unwrap();
                let Ok(location) = location_form.to_location(id.clone()) else { return Ok(()) };
                // What the app does on save.
                let Ok(location) = location.normalised() else { return Ok(()) };
                let Ok(mut service) = service_form.to_service(base(&location.organization)) else { return Ok(()) };
                if !service.problems().is_empty() {
                    return Ok(());
                }
                service.locations = vec![location.id.clone()];
                let imported = export_and_import(&location, Some(&service), Via::Datapackage);
                prop_assert!(imported.is_ok(), "datapackage refused: {:?}", imported.err());
                let imported = imported.unwrap();
                prop_assert_eq!(&imported.locations, &vec![location.clone()]);
                prop_assert_eq!(&imported.services, &vec![service.clone()]);

                let imported = export_and_import(&location, Some(&service), Via::Json);
                prop_assert!(imported.is_ok(), "JSON refused: {:?}", imported.err());
                let imported = imported.unwrap();
                prop_assert_eq!(&imported.locations, &vec![location]);
                prop_assert_eq!(&imported.services, &vec![service]);
            }
        }
    }
}
