//! The social map (sociale kaart) pages: one search box with filters, a
//! page per service, and the "check now" list that keeps entries current.

use axum::extract::{Path, Query, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_core::date::display_date;
use wijkregie_core::directory::{HsdsId, Pathway, Service, ServiceStatus};
use wijkregie_core::region::Domain;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::flash;
use crate::pages::{render, safe_next, urlencode, Layout};
use wijkregie_app::directory::{self, Found, SearchField, SearchFields, SearchRequest, ServiceDetail, PAGE_SIZE};
use wijkregie_app::App;
use wijkregie_app::Error;
use wijkregie_chart::map::{place_map_svg, Centre, Place, PlaceMap};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/aanbod", get(search))
        .route("/aanbod/voorzieningen/{id}", get(show))
        .route("/aanbod/voorzieningen/{id}/bevestigen", post(assure))
}

pub(crate) const WEEKDAYS: [&str; 7] = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"];

/// One result as shown in a list.
pub(crate) struct Row {
    /// Its number in the list, the same as on the map.
    pub(crate) number: usize,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) organization: String,
    pub(crate) summary: String,
    pub(crate) why: Vec<String>,
    pub(crate) distance: String,
    pub(crate) status: Option<&'static str>,
    pub(crate) stale: bool,
    pub(crate) checked: String,
    pub(crate) point: Option<wijkregie_core::directory::GeoPoint>,
}

impl Row {
    pub(crate) fn new(f: Found) -> Self {
        let s = f.service;
        Row {
            number: 0,
            point: f.point,
            id: s.id.to_string(),
            summary: first_sentence(&s.description),
            status: (s.status != ServiceStatus::Active).then(|| s.status.label()),
            checked: s.assured_date.map(display_date).unwrap_or_else(|| "nooit".into()),
            name: s.name,
            organization: f.organization,
            why: f.why,
            distance: f.distance_km.map(|d| format!("{d:.1} km").replace('.', ",")).unwrap_or_default(),
            stale: f.stale,
        }
    }
}

fn first_sentence(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].to_owned()
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    domein: String,
    #[serde(default)]
    ketenaanpak: String,
    #[serde(default)]
    hulpvraag: String,
    #[serde(default)]
    leeftijd: String,
    #[serde(default)]
    gratis: String,
    #[serde(default)]
    taal: String,
    #[serde(default)]
    nu_open: String,
    #[serde(default)]
    ook_inactief: String,
    #[serde(default)]
    wijk: String,
    #[serde(default)]
    netwerk: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    straal: String,
    #[serde(default)]
    pagina: String,
    /// `kaart` shows the results on a map too.
    #[serde(default)]
    weergave: String,
}

#[derive(askama::Template)]
#[template(path = "directory_search.html")]
struct SearchPage {
    layout: Layout,
    /// The public map: no coordinator links, no network filter, no stale marks.
    public: bool,
    /// Where the form posts and the pages link to.
    base: &'static str,
    service_base: &'static str,
    form: SearchForm,
    age_error: Option<String>,
    postcode_error: Option<String>,
    radius_error: Option<String>,
    /// The filters are folded away, unless one of them has a problem.
    filters_open: bool,
    /// How many filters are chosen, shown on the folded button.
    filters_chosen: usize,
    /// The results on a map (SVG), when asked for and there is anything to place.
    map: Option<String>,
    /// Asked for the map: found results without a place say so.
    show_map: bool,
    unplaced: usize,
    map_link: String,
    list_link: String,
    /// The list's first number on this page.
    first_number: usize,
    searched: bool,
    total: usize,
    rows: Vec<Row>,
    domains: Vec<(&'static str, &'static str)>,
    pathways: Vec<(&'static str, &'static str)>,
    terms: Vec<(String, String)>,
    languages: Vec<(&'static str, &'static str)>,
    wijken: Vec<(String, String)>,
    networks: Vec<(String, String)>,
    /// Shown when the postcode was filled in from the user's own practice.
    practice_postcode: bool,
    may_add: bool,
    /// For the regio-beheerder: whether the public map is on, to switch it.
    public_on: Option<bool>,
    previous: Option<String>,
    next: Option<String>,
    page_number: usize,
}

pub(crate) const LANGUAGES: [(&str, &str); 8] = [
    ("nl", "Nederlands"),
    ("en", "Engels"),
    ("ar", "Arabisch"),
    ("tr", "Turks"),
    ("pl", "Pools"),
    ("uk", "Oekraïens"),
    ("ti", "Tigrinya"),
    ("de", "Duits"),
];

async fn search(
    ctx: Ctx,
    visit: Visit,
    RawQuery(raw): RawQuery,
    Query(mut form): Query<SearchForm>,
) -> Result<Response, HttpError> {
    // A practice searches from its own door: on a fresh page the postcode is
    // the practice's, so distances show without typing it.
    let mut practice_postcode = false;
    if raw.is_none() {
        if let Some(postcode) = directory::own_postcode(&ctx).await? {
            form.postcode = postcode.to_string();
            practice_postcode = true;
        }
    }
    let may_add = directory::may_add(&ctx);
    let public_on = wijkregie_app::public_map::switch(&ctx).await?;
    let audience = Audience::SignedIn { may_add, public_on };
    search_page(&ctx.app, &visit, form, practice_postcode, audience).await
}

/// Who the search page is for: the signed-in map, or the public one that
/// shows active services only and leaves out the network filter.
#[derive(Clone, Copy)]
pub(crate) enum Audience {
    SignedIn { may_add: bool, public_on: Option<bool> },
    Public,
}

pub(crate) async fn search_page(
    app: &App,
    visit: &Visit,
    mut form: SearchForm,
    practice_postcode: bool,
    audience: Audience,
) -> Result<Response, HttpError> {
    let public = matches!(audience, Audience::Public);
    if public {
        // What only the network uses (ketenaanpakken are its jargon).
        form.netwerk.clear();
        form.ook_inactief.clear();
        form.ketenaanpak.clear();
    }
    let fields = SearchFields {
        text: &form.q,
        domain: &form.domein,
        pathway: &form.ketenaanpak,
        term: &form.hulpvraag,
        age: &form.leeftijd,
        free_only: !form.gratis.is_empty(),
        language: &form.taal,
        open_now: !form.nu_open.is_empty(),
        wijk: &form.wijk,
        network: &form.netwerk,
        include_inactive: !form.ook_inactief.is_empty(),
        postcode: &form.postcode,
        radius: &form.straal,
        page: &form.pagina,
    };
    let (request, problems) = SearchRequest::parse(app, &fields).await?;
    // Each problem shows beside its field; a bad page number in a link
    // just shows the first page. Only the regio-beheerder (who may switch
    // the public map) reads what they could do about it.
    let manager = matches!(audience, Audience::SignedIn { public_on: Some(_), .. });
    let error_at = |field| {
        problems.iter().find(|p| p.field == field).map(|p| match (&p.manager_hint, manager) {
            (Some(hint), true) => format!("{}. Voor de beheerder: {hint}", p.message),
            _ => p.message.clone(),
        })
    };
    let (age_error, postcode_error, radius_error) =
        (error_at(SearchField::Age), error_at(SearchField::Postcode), error_at(SearchField::Radius));
    let page = request.page.index();
    let result = directory::search(app, &request).await?;
    let directory::Choices { terms, wijken, networks } = directory::choices(app, public).await?;
    let base = if public { PUBLIC_BASE } else { "/aanbod" };
    let link = |p: usize, on_map: bool| {
        let mut params: Vec<(&str, &str)> = vec![
            ("q", &form.q),
            ("domein", &form.domein),
            ("ketenaanpak", &form.ketenaanpak),
            ("hulpvraag", &form.hulpvraag),
            ("leeftijd", &form.leeftijd),
            ("gratis", &form.gratis),
            ("taal", &form.taal),
            ("wijk", &form.wijk),
            ("netwerk", &form.netwerk),
            ("nu_open", &form.nu_open),
            ("ook_inactief", &form.ook_inactief),
            ("postcode", &form.postcode),
            ("straal", &form.straal),
        ];
        if on_map {
            params.push(("weergave", "kaart"));
        }
        params.retain(|(_, v)| !v.is_empty());
        let mut query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        query.push(format!("pagina={p}"));
        format!("{base}?{}", query.join("&"))
    };
    let show_map = form.weergave == "kaart";
    let first_number = page * PAGE_SIZE + 1;
    let service_base = if public { PUBLIC_SERVICE_BASE } else { "/aanbod/voorzieningen" };
    let rows: Vec<Row> = result
        .found
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut row = Row::new(f);
            row.number = first_number + i;
            // Why a result was found speaks the taxonomy's language: useful
            // to a professional, jargon to an inhabitant.
            if public {
                row.why.clear();
            }
            row
        })
        .collect();
    let from = format!("postcode {}", form.postcode.trim().to_uppercase());
    let map = if show_map { results_map(app, &rows, service_base, &request, from).await? } else { None };
    let unplaced = rows.iter().filter(|r| r.point.is_none()).count();
    let filters_chosen = [
        &form.domein,
        &form.ketenaanpak,
        &form.hulpvraag,
        &form.leeftijd,
        &form.gratis,
        &form.taal,
        &form.wijk,
        &form.netwerk,
        &form.nu_open,
        &form.ook_inactief,
        &form.straal,
    ]
    .iter()
    .filter(|v| !v.trim().is_empty())
    .count();
    let shown_until = (page + 1) * PAGE_SIZE;
    let (may_add, public_on) = match audience {
        Audience::SignedIn { may_add, public_on } => (may_add, public_on),
        Audience::Public => (false, None),
    };
    render(SearchPage {
        layout: Layout::new(if public { "Openbare sociale kaart" } else { "Sociale kaart" }, visit, "/aanbod"),
        public,
        base,
        service_base,
        filters_open: age_error.is_some() || radius_error.is_some(),
        filters_chosen,
        map,
        show_map,
        unplaced,
        map_link: format!("{}#kaart", link(page + 1, true)),
        list_link: format!("{}#resultaten", link(page + 1, false)),
        first_number,
        searched: !form.q.trim().is_empty()
            || request.domain.is_some()
            || request.pathway.is_some()
            || request.term.is_some()
            || request.age.is_some()
            || request.free_only
            || request.language.is_some()
            || request.wijk.is_some()
            || request.network.is_some()
            || request.open_now
            || request.near.is_some(),
        age_error,
        postcode_error,
        radius_error,
        total: result.total,
        rows,
        domains: Domain::ALL.iter().map(|d| (d.code(), d.label())).collect(),
        pathways: Pathway::ALL.iter().map(|p| (p.code(), p.label())).collect(),
        terms: terms.into_iter().map(|t| (t.code.to_string(), t.name)).collect(),
        languages: LANGUAGES.to_vec(),
        wijken: wijken.into_iter().map(|w| (w.code.to_string(), w.name)).collect(),
        networks: networks.into_iter().map(|n| (n.code.to_string(), n.name)).collect(),
        practice_postcode,
        may_add,
        public_on,
        previous: (page > 0).then(|| link(page, show_map)),
        next: (shown_until < result.total).then(|| link(page + 2, show_map)),
        page_number: page + 1,
        form,
    })
}

/// This page's results on the region's own map: a numbered dot per result
/// with a place, the searched postcode and the radius.
async fn results_map(
    app: &App,
    rows: &[Row],
    service_base: &str,
    request: &SearchRequest,
    from: String,
) -> Result<Option<String>, HttpError> {
    let outlines = wijkregie_app::boundary::public_outlines(app).await?;
    let map = PlaceMap {
        id: "kaart".into(),
        title: "Kaart van de gevonden resultaten".into(),
        outlines: wijkregie_app::boundary::map_areas(&outlines, |_| None),
        places: rows
            .iter()
            .filter_map(|r| {
                let p = r.point?;
                Some(Place {
                    label: r.number.to_string(),
                    name: format!("{}. {} ({})", r.number, r.name, r.organization),
                    href: format!("{service_base}/{}", r.id),
                    longitude: p.longitude,
                    latitude: p.latitude,
                })
            })
            .collect(),
        centre: request.near.map(|p| Centre {
            name: from,
            longitude: p.longitude,
            latitude: p.latitude,
            radius_km: request.radius.map(wijkregie_core::directory::search::RadiusKm::km),
        }),
    };
    Ok(place_map_svg(&map))
}

/// Where the public social map lives: no login, switched on per region.
pub(crate) const PUBLIC_BASE: &str = "/sociale-kaart";
pub(crate) const PUBLIC_SERVICE_BASE: &str = "/sociale-kaart/aanbod";

pub(crate) fn parse_id(id: &str) -> Result<HsdsId, Error> {
    id.parse().map_err(|_| Error::NotFound(format!("voorziening '{id}'")))
}

struct Slot {
    day: &'static str,
    hours: String,
}

#[derive(askama::Template)]
#[template(path = "directory_service.html")]
pub(crate) struct ServicePage {
    layout: Layout,
    public: bool,
    s: Service,
    organization: String,
    organization_code: String,
    status: &'static str,
    active: bool,
    checked: String,
    stale: bool,
    ages: String,
    cost: String,
    languages: String,
    pathways: Vec<&'static str>,
    terms: Vec<String>,
    /// The source's own terms: the taxonomy's name and the term's.
    foreign_terms: Vec<(String, String)>,
    /// Opening hours beyond the weekly slots, in words.
    rules: Vec<String>,
    slots: Vec<Slot>,
    /// Location name, address, location id, and a route link to it.
    addresses: Vec<(String, String, String, String)>,
    /// Each number as written, as a `tel:` link, and what it is for.
    phones: Vec<(String, String, Option<String>)>,
    history: Vec<(String, String)>,
    may_edit: bool,
    /// A practice refers from here; only to active services.
    may_refer: bool,
    this_page: String,
}

/// An HSDS schedule rule as a person reads it: "maandelijks, 1e do,
/// 14:00 – 16:00, van 1 januari 2026 tot en met 30 juni 2026 (koffieochtend)".
fn rule_in_words(rule: &wijkregie_core::directory::ScheduleRule) -> String {
    let every = rule.interval.filter(|i| *i > 1);
    let freq = match (rule.freq.as_deref(), every) {
        (Some("DAILY"), None) => "dagelijks".to_owned(),
        (Some("WEEKLY"), None) => "wekelijks".to_owned(),
        (Some("MONTHLY"), None) => "maandelijks".to_owned(),
        (Some("YEARLY"), None) => "jaarlijks".to_owned(),
        (Some("DAILY"), Some(n)) => format!("elke {n} dagen"),
        (Some("WEEKLY"), Some(n)) => format!("elke {n} weken"),
        (Some("MONTHLY"), Some(n)) => format!("elke {n} maanden"),
        (Some("YEARLY"), Some(n)) => format!("elke {n} jaar"),
        (other, _) => other.unwrap_or_default().to_lowercase(),
    };
    let day = |code: &str| {
        let (n, d) = code.split_at(code.len().saturating_sub(2));
        let name = match d {
            "MO" => "ma",
            "TU" => "di",
            "WE" => "wo",
            "TH" => "do",
            "FR" => "vr",
            "SA" => "za",
            "SU" => "zo",
            other => other,
        };
        match n {
            "" => name.to_owned(),
            "-1" => format!("laatste {name}"),
            n => format!("{}e {name}", n.trim_start_matches('+')),
        }
    };
    let mut parts = vec![freq];
    if let Some(days) = &rule.byday {
        parts.push(days.split(',').map(|d| day(d.trim())).collect::<Vec<_>>().join(", "));
    }
    if let Some(days) = &rule.bymonthday {
        parts.push(format!("dag {days} van de maand"));
    }
    match (rule.opens, rule.closes) {
        (Some(o), Some(c)) => parts.push(format!("{} – {}", o.format("%H:%M"), c.format("%H:%M"))),
        (Some(o), None) => parts.push(format!("vanaf {}", o.format("%H:%M"))),
        (None, Some(c)) => parts.push(format!("tot {}", c.format("%H:%M"))),
        (None, None) => {}
    }
    match (rule.valid_from, rule.valid_to) {
        (Some(f), Some(t)) => parts.push(format!("van {} tot en met {}", display_date(f), display_date(t))),
        (Some(f), None) => parts.push(format!("vanaf {}", display_date(f))),
        (None, Some(t)) => parts.push(format!("tot en met {}", display_date(t))),
        (None, None) => {}
    }
    let mut text = parts.join(", ");
    if let Some(d) = &rule.description {
        text.push_str(&format!(" ({d})"));
    }
    text
}

fn ages(s: &Service) -> String {
    match (s.minimum_age, s.maximum_age) {
        (None, None) => "alle leeftijden".into(),
        (Some(min), None) => format!("vanaf {min} jaar"),
        (None, Some(max)) => format!("tot en met {max} jaar"),
        (Some(min), Some(max)) => format!("{min} tot en met {max} jaar"),
    }
}

async fn show(ctx: Ctx, visit: Visit, Path(id): Path<String>) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    let d = directory::service(&ctx, &id).await?;
    render(service_page(&visit, d, false))
}

/// The page of one service; `public` leaves out what only the network
/// needs: the stale warning, the edit and check buttons and the history.
pub(crate) fn service_page(visit: &Visit, d: ServiceDetail, public: bool) -> ServicePage {
    let s = d.service;
    ServicePage {
        layout: Layout::new(s.name.clone(), visit, "/aanbod"),
        public,
        organization: d.organization.as_ref().map_or_else(|| s.organization.to_string(), |o| o.name.clone()),
        organization_code: s.organization.to_string(),
        status: s.status.label(),
        active: s.status == ServiceStatus::Active,
        checked: s.assured_date.map(display_date).unwrap_or_else(|| "nog nooit".into()),
        stale: d.stale && !public,
        ages: ages(&s),
        cost: if s.free_of_charge {
            "gratis".into()
        } else {
            s.fees_description.clone().unwrap_or_else(|| "niet gratis".into())
        },
        languages: s
            .languages
            .iter()
            .map(|l| LANGUAGES.iter().find(|(c, _)| *c == l.as_str()).map_or(l.as_str(), |(_, n)| n))
            .collect::<Vec<_>>()
            .join(", "),
        pathways: s.pathways.iter().map(|p| p.label()).collect(),
        terms: d.terms.iter().map(|t| t.name.clone()).collect(),
        foreign_terms: d.foreign_terms.iter().map(|(taxonomy, t)| (taxonomy.clone(), t.name.clone())).collect(),
        rules: s.schedule.rules.iter().map(rule_in_words).collect(),
        slots: s
            .schedule
            .slots
            .iter()
            .map(|slot| Slot {
                day: WEEKDAYS[usize::from(slot.weekday.clamp(1, 7) - 1)],
                hours: format!("{} – {}", slot.opens.format("%H:%M"), slot.closes.format("%H:%M")),
            })
            .collect(),
        addresses: d
            .locations
            .iter()
            .map(|l| {
                let address = l
                    .address
                    .as_ref()
                    .map(|a| {
                        format!(
                            "{} {}{}, {} {}",
                            a.street,
                            a.house_number,
                            a.house_number_suffix.clone().unwrap_or_default(),
                            a.postcode,
                            a.city
                        )
                    })
                    .unwrap_or_default();
                let route = route_link(&address, l.point);
                (l.name.clone(), address, l.id.to_string(), route)
            })
            .collect(),
        phones: s.phones.iter().map(|p| (p.number.clone(), tel_link(&p.number), p.description.clone())).collect(),
        history: d
            .history
            .iter()
            .rev()
            .map(|c| (wijkregie_core::clock::nl_display(c.changed_at), c.summary.clone()))
            .collect(),
        may_edit: d.may_edit && !public,
        may_refer: d.may_refer && !public,
        this_page: format!("/aanbod/voorzieningen/{}", s.id),
        s,
    }
}

/// A phone number as a link a phone can call: digits only, and a leading
/// `+` for an international number ("020 - 123 45 67" → `tel:0201234567`).
pub(crate) fn tel_link(number: &str) -> String {
    let plus = if number.trim_start().starts_with('+') { "+" } else { "" };
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    format!("tel:{plus}{digits}")
}

/// A route to an address, planned on OpenStreetMap when the visitor
/// follows the link (nothing is loaded from it before that). The address
/// in words when there is one, which is what the visitor recognises; the
/// location's point otherwise; nothing without either.
pub(crate) fn route_link(address: &str, point: Option<wijkregie_core::directory::GeoPoint>) -> String {
    let to = match (address.trim(), point) {
        ("", Some(p)) => format!("{:.5},{:.5}", p.latitude, p.longitude),
        ("", None) => return String::new(),
        (text, _) => text.to_owned(),
    };
    format!("https://www.openstreetmap.org/directions?to={}", urlencode(&to))
}

#[derive(Deserialize)]
struct AssureForm {
    #[serde(default)]
    next: String,
}

async fn assure(ctx: Ctx, Path(id): Path<String>, Form(form): Form<AssureForm>) -> Result<Response, HttpError> {
    let id = parse_id(&id)?;
    directory::assure(&ctx, &id).await?;
    let back = if form.next.is_empty() { format!("/aanbod/voorzieningen/{id}") } else { safe_next(&form.next) };
    Ok(flash::redirect(&back, "Bevestigd: de gegevens kloppen nog. De controledatum is vandaag."))
}
