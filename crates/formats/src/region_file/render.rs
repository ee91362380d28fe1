//! Writing a region file. The JSON shape is spelled out in private structs
//! rather than borrowed from the core types' serde derives, so that renaming
//! a field in core cannot silently change a published file format.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use wijkregie_core::codes::{AgbCode, Code};
use wijkregie_core::region::{CoordinatorArrangement, HoursPerWeek, Network, Organization, Practice, Wijk};

use super::{RegionFile, FORMAT};

pub(super) fn render(file: &RegionFile) -> String {
    let out = FileOut {
        format: FORMAT,
        region: CodeName { code: file.region.code.as_str(), name: &file.region.name },
        wijken: file.wijken.iter().map(wijk).collect(),
        practices: file.practices.iter().map(practice).collect(),
        organizations: file.organizations.iter().map(organization).collect(),
        networks: file.networks.iter().map(network).collect(),
    };
    let mut json = serde_json::to_string_pretty(&out).expect("plain structs with string keys always serialise to JSON");
    json.push('\n');
    json
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    region: CodeName<'a>,
    wijken: Vec<WijkOut<'a>>,
    practices: Vec<PracticeOut<'a>>,
    organizations: Vec<OrganizationOut<'a>>,
    networks: Vec<NetworkOut<'a>>,
}

#[derive(Serialize)]
struct CodeName<'a> {
    code: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct WijkOut<'a> {
    code: &'a str,
    name: &'a str,
    areas: Vec<AreaOut<'a>>,
}

#[derive(Serialize)]
struct AreaOut<'a> {
    code: &'a str,
    year: u16,
}

fn wijk(w: &Wijk) -> WijkOut<'_> {
    WijkOut {
        code: w.code.as_str(),
        name: &w.name,
        areas: w.areas.iter().map(|a| AreaOut { code: a.code.as_str(), year: a.year }).collect(),
    }
}

#[derive(Serialize)]
struct PracticeOut<'a> {
    code: &'a str,
    agb: Option<&'a str>,
    name: &'a str,
    address: AddressOut<'a>,
    wijk: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opening_hours: Option<&'a str>,
    registered_patients: Vec<PatientCountOut>,
}

#[derive(Serialize)]
struct AddressOut<'a> {
    street: &'a str,
    house_number: u32,
    house_number_suffix: Option<&'a str>,
    postcode: &'a str,
    city: &'a str,
}

#[derive(Serialize)]
struct PatientCountOut {
    date: NaiveDate,
    count: u32,
}

fn practice(p: &Practice) -> PracticeOut<'_> {
    PracticeOut {
        code: p.code.as_str(),
        agb: p.agb.as_ref().map(AgbCode::as_str),
        name: &p.name,
        phone: p.contact.phone.as_deref(),
        email: p.contact.email.as_deref(),
        opening_hours: p.contact.opening_hours.as_deref(),
        address: AddressOut {
            street: &p.address.street,
            house_number: p.address.house_number,
            house_number_suffix: p.address.house_number_suffix.as_deref(),
            postcode: p.address.postcode.as_str(),
            city: &p.address.city,
        },
        wijk: p.wijk.as_ref().map(Code::as_str),
        registered_patients: p
            .registered_patients
            .iter()
            .map(|c| PatientCountOut { date: c.date, count: c.count })
            .collect(),
    }
}

#[derive(Serialize)]
struct OrganizationOut<'a> {
    code: &'a str,
    name: &'a str,
    domain: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
}

fn organization(o: &Organization) -> OrganizationOut<'_> {
    OrganizationOut {
        code: o.code.as_str(),
        name: &o.name,
        domain: o.domain.code(),
        email: o.contact.email.as_deref(),
        phone: o.contact.phone.as_deref(),
    }
}

#[derive(Serialize)]
struct NetworkOut<'a> {
    code: &'a str,
    name: &'a str,
    wijken: Vec<&'a str>,
    module: &'static str,
    status: &'static str,
    registered_on: Option<NaiveDate>,
    stopped_on: Option<NaiveDate>,
    coordinator: Option<CoordinatorOut<'a>>,
    practices: Vec<PracticeMembershipOut<'a>>,
    partners: Vec<PartnerMembershipOut<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "option")]
enum CoordinatorOut<'a> {
    #[serde(rename = "A")]
    ProvidedByRegion { name: &'a str },
    #[serde(rename = "B")]
    Own { hours_per_week: Value, start_date: NaiveDate },
}

#[derive(Serialize)]
struct PracticeMembershipOut<'a> {
    practice: &'a str,
    from: NaiveDate,
    until: Option<NaiveDate>,
}

#[derive(Serialize)]
struct PartnerMembershipOut<'a> {
    organization: &'a str,
    from: NaiveDate,
    until: Option<NaiveDate>,
}

fn network(n: &Network) -> NetworkOut<'_> {
    NetworkOut {
        code: n.code.as_str(),
        name: &n.name,
        wijken: n.wijken.iter().map(Code::as_str).collect(),
        module: n.module.code(),
        status: n.status.code(),
        registered_on: n.registered_on,
        stopped_on: n.stopped_on,
        coordinator: n.coordinator.as_ref().map(|c| match c {
            CoordinatorArrangement::ProvidedByRegion { name } => CoordinatorOut::ProvidedByRegion { name },
            CoordinatorArrangement::Own { hours_per_week, start_date } => {
                CoordinatorOut::Own { hours_per_week: hours(*hours_per_week), start_date: *start_date }
            }
        }),
        practices: n
            .practices
            .iter()
            .map(|m| PracticeMembershipOut { practice: m.member.as_str(), from: m.from, until: m.until })
            .collect(),
        partners: n
            .partners
            .iter()
            .map(|m| PartnerMembershipOut { organization: m.member.as_str(), from: m.from, until: m.until })
            .collect(),
    }
}

/// Hours as a JSON number: `8` for whole hours, `12.5` otherwise. Quarter
/// hours are exact in binary floating point, so nothing is lost on the way.
fn hours(h: HoursPerWeek) -> Value {
    let minutes = h.minutes();
    if minutes.is_multiple_of(60) {
        Value::from(minutes / 60)
    } else {
        serde_json::Number::from_f64(f64::from(minutes) / 60.0)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(h.to_string()))
    }
}

/// One entity in region-file shape, for the JSON API.
pub(super) fn entity_json(value: impl Serialize) -> Value {
    serde_json::to_value(value).expect("plain structs with string keys always serialise to JSON")
}

pub(super) fn wijk_json(w: &Wijk) -> Value {
    entity_json(wijk(w))
}

pub(super) fn practice_json(p: &Practice) -> Value {
    entity_json(practice(p))
}

pub(super) fn organization_json(o: &Organization) -> Value {
    entity_json(organization(o))
}

pub(super) fn network_json(n: &Network) -> Value {
    entity_json(network(n))
}
