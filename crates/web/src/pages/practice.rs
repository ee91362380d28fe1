//! Practice pages: the list with the latest registered-patient counts, one
//! practice with its address, networks and dated counts, the edit form
//! (the practice keeps its own details current) and the form for a count.

use axum::extract::{Multipart, Path};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::access::{authorize, Action, Object, Principal, Refusal};
use wijkregie_core::codes::{AgbCode, Code, Postcode};
use wijkregie_core::date::{display_date, parse_date};
use wijkregie_core::region::{Address, Network, PatientCount, Practice, PracticeContact};
use wijkregie_core::FieldError;

use crate::auth::{Visit, MAX_UPLOAD};
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::form::{optional, parsed, read_upload, required, Errors};
use crate::pages::{render, Layout};
use wijkregie_app::practice_import::{self, ListKind};
use wijkregie_app::region::{self, PracticeDetail};
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_core::format::thousands;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/praktijken", get(list))
        .route("/praktijken/nieuw", get(new_form).post(create))
        .route(
            "/praktijken/inlezen",
            get(import_form).post(import_upload).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/praktijken/{code}", get(show))
        .route("/praktijken/{code}/bewerken", get(edit_form).post(update))
        .route("/praktijken/{code}/ingeschreven-patienten", post(add_count))
}

/// Dutch house numbers have at most five digits (as in the region file).
const HOUSE_NUMBERS: std::ops::RangeInclusive<u32> = 1..=99_999;

/// Far above any real practice; a count beyond it is a typo.
const MAX_PATIENTS: u32 = 100_000;

/// Whether this user may see the practice's counts. The networks come from
/// the visible ones: the rule only looks for the user's own networks, and
/// those are always visible to them.
fn sees_counts(p: &Principal, practice: &Practice, visible: &[Network]) -> bool {
    let networks: Vec<Code> = visible
        .iter()
        .filter(|n| n.practices.iter().any(|m| m.member == practice.code))
        .map(|n| n.code.clone())
        .collect();
    authorize(p, Action::View, Object::RegisteredPatients { practice: &practice.code, networks: &networks }).is_ok()
}

/// Whether the new-item form is offered; saving is decided again by the
/// service for the item itself.
fn may_create(p: &Principal) -> bool {
    authorize(p, Action::Create, Object::Region).is_ok()
}

struct PracticeRow {
    code: String,
    /// The AGB code, or "AGB onbekend".
    agb: String,
    name: String,
    city: String,
    wijk: Option<(String, String)>,
    /// The latest count, when this user may see it.
    patients: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "practice_list.html")]
struct ListPage {
    layout: Layout,
    practices: Vec<PracticeRow>,
    sees_counts: bool,
    may_create: bool,
    today: String,
}

async fn list(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let visible = region::visible(&ctx).await?;
    let today = wijkregie_core::clock::nl_today();
    let practices = visible
        .practices
        .iter()
        .map(|p| PracticeRow {
            code: p.code.to_string(),
            agb: agb_text(p),
            name: p.name.clone(),
            city: p.address.city.clone(),
            wijk: p.wijk.as_ref().map(|code| {
                let name = visible
                    .wijken
                    .iter()
                    .find(|w| &w.code == code)
                    .map_or_else(|| code.to_string(), |w| w.name.clone());
                (code.to_string(), name)
            }),
            patients: sees_counts(&ctx.principal, p, &visible.networks).then(|| {
                p.registered_patients_on(today).map_or_else(|| "onbekend".into(), |c| thousands(u64::from(c)))
            }),
        })
        .collect::<Vec<_>>();
    render(ListPage {
        layout: Layout::new("Praktijken", &visit, "/praktijken"),
        sees_counts: practices.iter().any(|p| p.patients.is_some()),
        practices,
        may_create: may_create(&ctx.principal),
        today: display_date(today),
    })
}

struct MembershipRow {
    code: String,
    name: String,
    from: String,
    until: String,
}

struct CountRow {
    date: String,
    count: String,
}

#[derive(askama::Template)]
#[template(path = "practice_show.html")]
struct ShowPage {
    layout: Layout,
    code: String,
    agb: String,
    /// Without an AGB code the practice is not paid; the page says so.
    agb_unknown: bool,
    phone: Option<String>,
    email: Option<String>,
    opening_hours: Option<String>,
    name: String,
    street: String,
    postcode: String,
    city: String,
    wijk: Option<(String, String)>,
    networks: Vec<MembershipRow>,
    sees_counts: bool,
    latest: String,
    counts: Vec<CountRow>,
    may_edit: bool,
    may_edit_counts: bool,
    count_form: CountForm,
    errors: Errors,
}

fn parse_code(code: &str) -> Result<Code, Error> {
    code.parse().map_err(|_| Error::NotFound(format!("praktijk '{code}'")))
}

/// The AGB code as shown: never invented, so "AGB onbekend" when missing.
fn agb_text(p: &Practice) -> String {
    p.agb.as_ref().map_or_else(|| "AGB onbekend".to_owned(), ToString::to_string)
}

/// The wijk's name for a practice page; the code alone when the wijk is gone.
async fn wijk_link(ctx: &Ctx, code: Option<&Code>) -> Result<Option<(String, String)>, HttpError> {
    let Some(code) = code else { return Ok(None) };
    let name = match region::wijk(ctx, code).await {
        Ok(detail) => detail.wijk.name,
        Err(Error::NotFound(_)) => code.to_string(),
        Err(e) => return Err(e.into()),
    };
    Ok(Some((code.to_string(), name)))
}

async fn show_page(
    ctx: &Ctx,
    visit: &Visit,
    detail: PracticeDetail,
    count_form: CountForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let PracticeDetail { practice: p, networks, may_edit, may_edit_counts, sees_counts, .. } = detail;
    let today = wijkregie_core::clock::nl_today();
    let a = &p.address;
    let street = match &a.house_number_suffix {
        Some(suffix) => format!("{} {}{suffix}", a.street, a.house_number),
        None => format!("{} {}", a.street, a.house_number),
    };
    let networks = networks
        .iter()
        .flat_map(|n| {
            n.practices.iter().filter(|m| m.member == p.code).map(|m| MembershipRow {
                code: n.code.to_string(),
                name: n.name.clone(),
                from: display_date(m.from),
                until: m.until.map(display_date).unwrap_or_default(),
            })
        })
        .collect();
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = ShowPage {
        layout: Layout::new(p.name.clone(), visit, "/praktijken"),
        code: p.code.to_string(),
        agb: agb_text(&p),
        agb_unknown: p.agb.is_none(),
        phone: p.contact.phone.clone(),
        email: p.contact.email.clone(),
        opening_hours: p.contact.opening_hours.clone(),
        name: p.name.clone(),
        street,
        postcode: a.postcode.display(),
        city: a.city.clone(),
        wijk: wijk_link(ctx, p.wijk.as_ref()).await?,
        networks,
        sees_counts,
        latest: p.registered_patients_on(today).map_or_else(|| "onbekend".into(), |c| thousands(u64::from(c))),
        counts: if sees_counts {
            p.registered_patients
                .iter()
                .rev()
                .map(|c| CountRow { date: display_date(c.date), count: thousands(u64::from(c.count)) })
                .collect()
        } else {
            vec![]
        },
        may_edit,
        may_edit_counts,
        count_form,
        errors,
    };
    Ok((status, render(page)?).into_response())
}

async fn show(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let detail = region::practice(&ctx, &parse_code(&code)?).await?;
    let form = CountForm { date: wijkregie_core::clock::nl_today().to_string(), count: String::new() };
    show_page(&ctx, &visit, detail, form, vec![]).await
}

/// One dated count as typed.
#[derive(Deserialize, Default)]
struct CountForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    count: String,
}

impl CountForm {
    fn parse(&self) -> Result<PatientCount, Vec<FieldError>> {
        let mut problems = Vec::new();
        let date = match self.date.trim() {
            "" => {
                problems.push(FieldError::new("date", "vul de peildatum in"));
                None
            }
            text => parse_date(text).map_err(|e| problems.push(e.at("date"))).ok(),
        };
        let count = match self.count.trim() {
            "" => {
                problems.push(FieldError::new("count", "vul het aantal ingeschreven patiënten in"));
                None
            }
            text => {
                // People write 4.250 or 4 250 for four thousand two hundred and fifty.
                let digits: String = text.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
                let count = digits.parse::<u32>().ok().filter(|c| *c <= MAX_PATIENTS);
                if count.is_none() {
                    problems.push(FieldError::new(
                        "count",
                        format!(
                            "'{text}' is geen geldig aantal: vul een heel getal van 0 tot en met {} in",
                            thousands(u64::from(MAX_PATIENTS))
                        ),
                    ));
                }
                count
            }
        };
        match (date, count) {
            (Some(date), Some(count)) => Ok(PatientCount { date, count }),
            _ => Err(problems),
        }
    }
}

async fn add_count(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Form(form): Form<CountForm>,
) -> Result<Response, HttpError> {
    let code = parse_code(&code)?;
    let detail = region::practice(&ctx, &code).await?;
    let count = match form.parse() {
        Ok(count) => count,
        // Someone who may not change the counts learns nothing from the form.
        Err(_) if !detail.may_edit_counts => return Err(Error::Forbidden(Refusal::OutOfScope).into()),
        Err(errors) => return show_page(&ctx, &visit, detail, form, errors).await,
    };
    region::record_patient_count(&ctx, &code, count).await?;
    Ok(flash::redirect(&format!("/praktijken/{code}#aantallen"), "Het aantal ingeschreven patiënten is opgeslagen."))
}

/// The practice form as typed.
#[derive(Deserialize, Default)]
struct PracticeForm {
    /// Only on a new practice; empty means: the AGB code, else from the name.
    #[serde(default)]
    code: String,
    #[serde(default)]
    agb: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    opening_hours: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    house_number: String,
    #[serde(default)]
    house_number_suffix: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    wijk: String,
}

impl PracticeForm {
    fn from_practice(p: &Practice) -> Self {
        Self {
            code: p.code.to_string(),
            agb: p.agb.as_ref().map(ToString::to_string).unwrap_or_default(),
            phone: p.contact.phone.clone().unwrap_or_default(),
            email: p.contact.email.clone().unwrap_or_default(),
            opening_hours: p.contact.opening_hours.clone().unwrap_or_default(),
            name: p.name.clone(),
            street: p.address.street.clone(),
            house_number: p.address.house_number.to_string(),
            house_number_suffix: p.address.house_number_suffix.clone().unwrap_or_default(),
            postcode: p.address.postcode.display(),
            city: p.address.city.clone(),
            wijk: p.wijk.as_ref().map(ToString::to_string).unwrap_or_default(),
        }
    }

    /// The practice as the form describes it; the counts are not on the form
    /// and are passed in.
    fn to_practice(&self, code: Option<Code>, counts: Vec<PatientCount>) -> Result<Practice, Vec<FieldError>> {
        let mut problems = Vec::new();
        let agb = match optional(&self.agb) {
            None => Some(None),
            Some(text) => text.parse::<AgbCode>().map_err(|e| problems.push(e.at("agb"))).ok().map(Some),
        };
        // A new practice's code: as typed, else its AGB code, else from its name.
        let code = code.or_else(|| match optional(&self.code) {
            Some(text) => text.parse::<Code>().map_err(|e| problems.push(e.at("code"))).ok(),
            None => match &agb {
                Some(Some(agb)) => agb.as_str().parse().ok(),
                _ => Code::from_name(&self.name),
            },
        });
        let name = required("name", &self.name, "de naam is verplicht", &mut problems);
        let street = required("street", &self.street, "de straatnaam is verplicht", &mut problems);
        let house_number = match self.house_number.trim() {
            "" => {
                problems.push(FieldError::new("house_number", "vul het huisnummer in"));
                None
            }
            text => {
                let number = text.parse::<u32>().ok().filter(|n| HOUSE_NUMBERS.contains(n));
                if number.is_none() {
                    problems.push(FieldError::new(
                        "house_number",
                        format!(
                            "'{text}' is geen geldig huisnummer: vul een heel getal van {} tot en met {} in",
                            HOUSE_NUMBERS.start(),
                            HOUSE_NUMBERS.end()
                        ),
                    ));
                }
                number
            }
        };
        let suffix = optional(&self.house_number_suffix);
        if suffix.as_ref().is_some_and(|s| s.chars().count() > 10) {
            problems.push(FieldError::new("house_number_suffix", "een toevoeging heeft hoogstens 10 tekens"));
        }
        let postcode = parsed::<Postcode>("postcode", &self.postcode, "vul de postcode in", &mut problems);
        let city = required("city", &self.city, "de plaatsnaam is verplicht", &mut problems);
        let wijk = match optional(&self.wijk) {
            None => None,
            Some(w) => w.parse::<Code>().map_err(|e| problems.push(e.at("wijk"))).ok(),
        };
        let contact = PracticeContact {
            phone: optional(&self.phone),
            email: optional(&self.email),
            opening_hours: optional(&self.opening_hours),
        };
        match (code, agb, house_number, postcode) {
            (Some(code), Some(agb), Some(house_number), Some(postcode)) if problems.is_empty() => Ok(Practice {
                code,
                agb,
                contact,
                name,
                address: Address { street, house_number, house_number_suffix: suffix, postcode, city },
                wijk,
                registered_patients: counts,
            }),
            _ => Err(problems),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "practice_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    form: PracticeForm,
    wijk_choices: Vec<(String, String)>,
    errors: Errors,
}

async fn form_page(
    ctx: &Ctx,
    visit: &Visit,
    is_new: bool,
    form: PracticeForm,
    errors: Vec<FieldError>,
) -> Result<Response, HttpError> {
    let (heading, action, cancel) = if is_new {
        ("Nieuwe praktijk".to_owned(), "/praktijken/nieuw".to_owned(), "/praktijken".to_owned())
    } else {
        (
            format!("{} bewerken", form.name),
            format!("/praktijken/{}/bewerken", form.code),
            format!("/praktijken/{}", form.code),
        )
    };
    let mut wijk_choices = vec![(String::new(), "geen wijk".to_owned())];
    wijk_choices.extend(region::visible(ctx).await?.wijken.into_iter().map(|w| (w.code.to_string(), w.name)));
    let errors = Errors::from(errors);
    let status = errors.status();
    let page = FormPage {
        layout: Layout::new(heading.clone(), visit, "/praktijken"),
        heading,
        action,
        cancel,
        is_new,
        form,
        wijk_choices,
        errors,
    };
    Ok((status, render(page)?).into_response())
}

async fn new_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    if !may_create(&ctx.principal) {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    form_page(&ctx, &visit, true, PracticeForm::default(), vec![]).await
}

async fn create(ctx: Ctx, visit: Visit, Form(form): Form<PracticeForm>) -> Result<Response, HttpError> {
    if !may_create(&ctx.principal) {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    let practice = match form.to_practice(None, vec![]) {
        Ok(p) => p,
        Err(errors) => return form_page(&ctx, &visit, true, form, errors).await,
    };
    let code = practice.code.clone();
    match region::create_practice(&ctx, practice).await {
        Ok(_) => Ok(flash::redirect(&format!("/praktijken/{code}"), "De praktijk is aangemaakt.")),
        Err(Error::Conflict(taken)) => form_page(&ctx, &visit, true, form, vec![FieldError::new("code", taken)]).await,
        Err(Error::Invalid(errors)) => form_page(&ctx, &visit, true, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(ctx: Ctx, visit: Visit, Path(code): Path<String>) -> Result<Response, HttpError> {
    let detail = region::practice(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    form_page(&ctx, &visit, false, PracticeForm::from_practice(&detail.practice), vec![]).await
}

async fn update(
    ctx: Ctx,
    visit: Visit,
    Path(code): Path<String>,
    Form(mut form): Form<PracticeForm>,
) -> Result<Response, HttpError> {
    let detail = region::practice(&ctx, &parse_code(&code)?).await?;
    if !detail.may_edit {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    let stored = detail.practice;
    form.code = stored.code.to_string();
    // The counts are not on this form; the service keeps them as stored for
    // users who may not change them anyway.
    let practice = match form.to_practice(Some(stored.code.clone()), stored.registered_patients.clone()) {
        Ok(p) => p,
        Err(errors) => return form_page(&ctx, &visit, false, form, errors).await,
    };
    match region::save_practice(&ctx, practice).await {
        Ok(_) => Ok(flash::redirect(&format!("/praktijken/{}", stored.code), "De praktijk is opgeslagen.")),
        Err(Error::Invalid(errors)) => form_page(&ctx, &visit, false, form, errors).await,
        Err(e) => Err(e.into()),
    }
}

const LIST_KINDS: [(&str, &str); 2] =
    [("praktijken", "Praktijkenlijst (CSV of XLSX)"), ("aantallen", "Aantallen ingeschreven patiënten (CSV of XLSX)")];

/// The upload form as submitted, kept to show it again with its problems.
#[derive(Default)]
struct ImportForm {
    kind: String,
    columns: String,
}

#[derive(askama::Template)]
#[template(path = "practice_import.html")]
struct ImportPage {
    layout: Layout,
    kinds: Vec<(&'static str, &'static str)>,
    form: ImportForm,
    errors: Errors,
    file_name: String,
    done: Vec<String>,
    max_mb: usize,
}

fn import_page(
    visit: &Visit,
    form: ImportForm,
    errors: Errors,
    file_name: String,
    done: Vec<String>,
) -> Result<Response, HttpError> {
    let status = errors.status();
    let page = ImportPage {
        layout: Layout::new("Praktijken inlezen", visit, "/praktijken"),
        kinds: LIST_KINDS.to_vec(),
        form,
        errors,
        file_name,
        done,
        max_mb: MAX_UPLOAD / (1024 * 1024),
    };
    Ok((status, render(page)?).into_response())
}

async fn import_form(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    if !may_create(&ctx.principal) {
        return Err(Error::Forbidden(Refusal::OutOfScope).into());
    }
    import_page(&visit, ImportForm::default(), Errors::default(), String::new(), vec![])
}

async fn import_upload(ctx: Ctx, visit: Visit, multipart: Multipart) -> Result<Response, HttpError> {
    let upload = read_upload(multipart).await?;
    let form = ImportForm { kind: upload.text("soort"), columns: upload.text("kolommen") };
    let (name, bytes) = (upload.file_name, upload.bytes);
    let kind = match form.kind.as_str() {
        "praktijken" => Some(ListKind::Practices),
        "aantallen" => Some(ListKind::PatientCounts),
        _ => None,
    };
    let outcome = match kind {
        None => Err(Error::Invalid(vec![FieldError::new("soort", "kies wat voor bestand het is")])),
        Some(_) if bytes.is_empty() => {
            Err(Error::Invalid(vec![FieldError::new("bestand", "kies een bestand om in te lezen")]))
        }
        Some(kind) => practice_import::upload(&ctx, kind, &bytes, &form.columns).await,
    };
    match outcome {
        Ok(done) => import_page(&visit, form, Errors::default(), name, done),
        Err(Error::Invalid(problems)) => import_page(&visit, form, problems.into(), String::new(), vec![]),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PracticeForm {
        PracticeForm {
            agb: "01012345".into(),
            code: String::new(),
            phone: "035 123 45 67".into(),
            email: String::new(),
            opening_hours: String::new(),
            name: "Huisartsenpraktijk De Linde".into(),
            street: "Lindelaan".into(),
            house_number: "12".into(),
            house_number_suffix: " ".into(),
            postcode: "1215 ek".into(),
            city: "Hilversum".into(),
            wijk: "noord".into(),
        }
    }

    #[test]
    fn a_good_form_becomes_a_practice_with_a_normalised_postcode() {
        let p = form().to_practice(None, vec![]).unwrap();
        assert_eq!(p.code.as_str(), "01012345", "a new practice with an AGB code has it as its code");
        assert_eq!(p.contact.phone.as_deref(), Some("035 123 45 67"));
        assert_eq!(p.address.postcode.as_str(), "1215EK");
        assert_eq!(p.address.house_number_suffix, None);
        assert_eq!(p.wijk.unwrap().as_str(), "noord");
    }

    #[test]
    fn a_practice_without_agb_gets_a_code_from_its_name_and_no_invented_agb() {
        let p = PracticeForm { agb: " ".into(), ..form() }.to_practice(None, vec![]).unwrap();
        assert_eq!(p.code.as_str(), "huisartsenpraktijk-de-linde");
        assert_eq!(p.agb, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = PracticeForm {
            name: " ".into(),
            house_number: "0".into(),
            postcode: "0215EK".into(),
            wijk: "Noord".into(),
            agb: "1234".into(),
            ..form()
        };
        let fields: Vec<String> = bad.to_practice(None, vec![]).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["agb", "name", "house_number", "postcode", "wijk"]);
    }

    #[test]
    fn counts_accept_dutch_thousands_and_refuse_nonsense() {
        let ok = CountForm { date: "1-4-2025".into(), count: "4.250".into() }.parse().unwrap();
        assert_eq!((ok.date.to_string(), ok.count), ("2025-04-01".into(), 4250));
        let errors = CountForm { date: "gisteren".into(), count: "-3".into() }.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["date", "count"]);
        assert!(CountForm { date: "2025-04-01".into(), count: "100001".into() }.parse().is_err());
        let blank = CountForm::default().parse().unwrap_err();
        assert_eq!(blank[0].message, "vul de peildatum in");
        assert_eq!(blank[1].message, "vul het aantal ingeschreven patiënten in");
    }
}
