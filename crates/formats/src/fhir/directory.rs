//! The social map as FHIR R4 directory resources: a service is a
//! `HealthcareService`, a partner organisation an `Organization`, a place a
//! `Location`, so FHIR-speaking systems (a GP information system, a regional
//! directory) can read the map without knowing HSDS.
//!
//! Resource ids are the ids the HSDS API uses (service and location UUIDs)
//! and the organisation's code, so `HealthcareService.providedBy` and
//! `.location` are plain relative references that resolve on the same server.
//!
//! Only public fields of the map are here: contacts (people) stay out, as on
//! the public social map page.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use wijkregie_core::directory::{Location, Pathway, Schedule, Service, ServiceStatus};
use wijkregie_core::region::{Domain, Organization};

use super::{coding, concept, object, HULPVRAAG_SYSTEM, ORGANIZATION_SYSTEM, PATHWAY_SYSTEM, URI_SYSTEM};
use crate::hsds::Directory;

/// The domains (`Domain::code`): zorg, welzijn, sociaal domein, informele zorg.
pub const DOMAIN_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/domein";
/// HL7's codes for whether a service costs money.
pub const SERVICE_PROVISION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/service-provision-conditions";
/// Languages as BCP 47 tags; ISO 639-1 codes are valid tags.
pub const LANGUAGE_SYSTEM: &str = "urn:ietf:bcp:47";
/// HL7's organisation types; partners of the social map are all `cg`
/// (community group) or `prov` (healthcare provider).
pub const ORGANIZATION_TYPE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/organization-type";

/// `HealthcareService.category` holds the domain and the pathways a service
/// serves: both are what a referrer filters on first, and both are searched
/// with `service-category`.
pub fn categories(service: &Service) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut all = vec![(DOMAIN_SYSTEM, service.domain.code(), service.domain.label())];
    all.extend(service.pathways.iter().map(|p: &Pathway| (PATHWAY_SYSTEM, p.code(), p.label())));
    all
}

fn domain_concept(domain: Domain) -> Value {
    concept(DOMAIN_SYSTEM, domain.code(), domain.label())
}

/// FHIR `daysOfWeek` codes for ISO weekdays 1–7.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Opening slots with the same hours become one `availableTime` with all
/// their days, the way FHIR groups them.
fn available_time(schedule: &Schedule) -> Option<Value> {
    let mut by_hours: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for slot in &schedule.slots {
        let Some(day) = DAYS.get(usize::from(slot.weekday).wrapping_sub(1)) else { continue };
        let hours = (slot.opens.format("%H:%M:%S").to_string(), slot.closes.format("%H:%M:%S").to_string());
        let days = by_hours.entry(hours).or_default();
        if !days.contains(day) {
            days.push(day);
        }
    }
    let times: Vec<Value> = by_hours
        .into_iter()
        .map(|((opens, closes), mut days)| {
            days.sort_by_key(|d| DAYS.iter().position(|x| x == d));
            json!({ "daysOfWeek": days, "availableStartTime": opens, "availableEndTime": closes })
        })
        .collect();
    (!times.is_empty()).then_some(Value::Array(times))
}

/// The age range and eligibility text as one eligibility comment: FHIR has
/// no element for an age range on a HealthcareService.
fn eligibility(service: &Service) -> Option<Value> {
    let ages = match (service.minimum_age, service.maximum_age) {
        (Some(min), Some(max)) => Some(format!("leeftijd {min} tot en met {max} jaar")),
        (Some(min), None) => Some(format!("vanaf {min} jaar")),
        (None, Some(max)) => Some(format!("tot en met {max} jaar")),
        (None, None) => None,
    };
    let text: Vec<String> = [service.eligibility_description.clone(), ages].into_iter().flatten().collect();
    (!text.is_empty()).then(|| json!([{ "comment": text.join("; ") }]))
}

fn non_empty(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

/// A service of the social map as an R4 `HealthcareService`.
pub fn healthcare_service(service: &Service, directory: &Directory) -> Value {
    let organization = directory.organizations.iter().find(|o| o.code == service.organization);
    let provided_by = json!({
        "reference": format!("Organization/{}", service.organization.as_str()),
        "display": organization.map_or(service.organization.as_str(), |o| o.name.as_str()),
    });
    let locations: Vec<Value> = service
        .locations
        .iter()
        .map(|id| {
            let name = directory.locations.iter().find(|l| &l.id == id).map(|l| l.name.as_str());
            let mut reference = json!({ "reference": format!("Location/{}", id.as_str()) });
            if let Some(name) = name {
                reference["display"] = json!(name);
            }
            reference
        })
        .collect();
    let hulpvragen: Vec<Value> = service
        .taxonomy_terms
        .iter()
        .map(|code| {
            let name = directory.taxonomy.iter().find(|t| &t.code == code).map_or(code.as_str(), |t| t.name.as_str());
            concept(HULPVRAAG_SYSTEM, code.as_str(), name)
        })
        .collect();
    let mut telecom: Vec<Value> =
        service.phones.iter().map(|p| json!({ "system": "phone", "value": p.number })).collect();
    if let Some(email) = &service.email {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    if let Some(url) = &service.url {
        telecom.push(json!({ "system": "url", "value": url }));
    }
    let provision = if service.free_of_charge {
        Some(concept(SERVICE_PROVISION_SYSTEM, "free", "Free"))
    } else if service.fees_description.is_some() {
        Some(concept(SERVICE_PROVISION_SYSTEM, "cost", "Payment Required"))
    } else {
        None
    };
    let communication: Vec<Value> = service
        .languages
        .iter()
        .map(|l| json!({ "coding": [{ "system": LANGUAGE_SYSTEM, "code": l.as_str() }] }))
        .collect();
    let notes: Vec<&str> =
        [service.schedule.notes.as_deref(), service.fees_description.as_deref()].into_iter().flatten().collect();
    let mut extra_details: Vec<&str> = vec![service.description.as_str()];
    if let Some(process) = service.application_process.as_deref() {
        extra_details.push(process);
    }
    object(vec![
        ("resourceType", Some(json!("HealthcareService"))),
        ("id", Some(json!(service.id.as_str()))),
        (
            "meta",
            service.assured_date.map(|d| {
                // The date the entry was last verified: the freshest fact
                // about a service a reader can rely on.
                json!({ "tag": [coding(&format!("{}/CodeSystem/gecontroleerd", super::SYSTEM_BASE), &d.to_string(), "laatst gecontroleerd")] })
            }),
        ),
        (
            "identifier",
            Some(json!([{ "system": URI_SYSTEM, "value": format!("urn:uuid:{}", service.id.as_str()) }])),
        ),
        ("active", Some(json!(service.status == ServiceStatus::Active))),
        ("providedBy", Some(provided_by)),
        (
            "category",
            Some(Value::Array(categories(service).into_iter().map(|(s, c, d)| concept(s, c, d)).collect())),
        ),
        ("type", non_empty(hulpvragen)),
        ("location", non_empty(locations)),
        ("name", Some(json!(service.name))),
        ("comment", service.alternate_name.as_ref().map(|a| json!(a))),
        ("extraDetails", Some(json!(extra_details.join("\n\n")))),
        ("telecom", non_empty(telecom)),
        ("serviceProvisionCode", provision.map(|p| json!([p]))),
        ("eligibility", eligibility(service)),
        ("communication", non_empty(communication)),
        ("appointmentRequired", Some(json!(service.schedule.by_appointment))),
        ("availableTime", available_time(&service.schedule)),
        ("availabilityExceptions", (!notes.is_empty()).then(|| json!(notes.join("; ")))),
    ])
}

/// A partner organisation as an R4 `Organization`, its id our code.
pub fn organization(org: &Organization) -> Value {
    let kind = match org.domain {
        Domain::Zorg => concept(ORGANIZATION_TYPE_SYSTEM, "prov", "Healthcare Provider"),
        _ => concept(ORGANIZATION_TYPE_SYSTEM, "cg", "Community Group"),
    };
    json!({
        "resourceType": "Organization",
        "id": org.code.as_str(),
        "identifier": [{ "system": ORGANIZATION_SYSTEM, "value": org.code.as_str() }],
        "active": true,
        "type": [kind, domain_concept(org.domain)],
        "name": org.name,
    })
}

/// A place of the social map as an R4 `Location`.
pub fn location(loc: &Location, organization_name: Option<&str>) -> Value {
    let address = loc.address.as_ref().map(|a| {
        let mut line = format!("{} {}", a.street, a.house_number);
        if let Some(suffix) = &a.house_number_suffix {
            line.push_str(suffix);
        }
        json!({
            "use": "work",
            "type": "physical",
            "line": [line],
            "city": a.city,
            "postalCode": a.postcode.as_str(),
            "country": "NL",
        })
    });
    let mut managing = json!({ "reference": format!("Organization/{}", loc.organization.as_str()) });
    if let Some(name) = organization_name {
        managing["display"] = json!(name);
    }
    object(vec![
        ("resourceType", Some(json!("Location"))),
        ("id", Some(json!(loc.id.as_str()))),
        ("identifier", Some(json!([{ "system": URI_SYSTEM, "value": format!("urn:uuid:{}", loc.id.as_str()) }]))),
        ("status", Some(json!("active"))),
        ("name", Some(json!(loc.name))),
        ("description", loc.description.as_ref().map(|d| json!(d))),
        ("mode", Some(json!("instance"))),
        ("address", address),
        ("position", loc.point.map(|p| json!({ "longitude": p.longitude, "latitude": p.latitude }))),
        ("managingOrganization", Some(managing)),
    ])
}

/// FHIR string search (R4 §3.1.1.4.9): by default a value matches when it
/// starts with the parameter after both are folded for case and accents;
/// `:contains` matches anywhere, `:exact` only the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringMatch {
    StartsWith,
    Contains,
    Exact,
}

impl StringMatch {
    /// The modifier after `name:`; `None` for one FHIR does not define.
    pub fn from_modifier(modifier: Option<&str>) -> Option<Self> {
        match modifier {
            None => Some(Self::StartsWith),
            Some("contains") => Some(Self::Contains),
            Some("exact") => Some(Self::Exact),
            Some(_) => None,
        }
    }

    pub fn matches(self, value: &str, query: &str) -> bool {
        match self {
            Self::Exact => value == query,
            Self::StartsWith => fold(value).starts_with(&fold(query)),
            Self::Contains => fold(value).contains(&fold(query)),
        }
    }
}

/// Lower case without diacritics: "Café Ontmoeting" and "cafe" meet.
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_search_folds_case_and_accents() {
        assert!(StringMatch::StartsWith.matches("Café Ontmoeting", "cafe"));
        assert!(!StringMatch::StartsWith.matches("Het Café", "cafe"));
        assert!(StringMatch::Contains.matches("Het Café", "CAFÉ"));
        assert!(StringMatch::Exact.matches("Het Café", "Het Café"));
        assert!(!StringMatch::Exact.matches("Het Café", "het café"));
        assert_eq!(StringMatch::from_modifier(Some("missing")), None);
    }
}
