//! FHIR R4 (4.0.1) JSON for verwijzingen: a referral is a `ServiceRequest`
//! (what the practice asks) with a `Task` that follows it (how the partner
//! handles it), read and searched through `/fhir/…`.
//!
//! Everything here is pure: core types and a few names in, `serde_json::Value`
//! out. The web layer looks up the names ([`FhirRefs`]) and decides whether
//! the caller may see personal data; this module only obeys that flag. When
//! personal data is erased or withheld, no field of it reaches the JSON, not
//! even as a display text: the patient is then a display-only reference.
//!
//! What FHIR has no element for (the pathway, our codes for hulpvragen,
//! reasons and outcomes) uses wijkregie's own code systems and one
//! extension, under [`SYSTEM_BASE`]. The mapping, the status table and the
//! privacy rule are written out in `docs/fhir.md`; `tests/it/fhir.rs` checks the
//! output against the R4 JSON schema and structure definitions
//! (`scripts/fhir-validate.mjs`).

mod bundle;
pub mod directory;
mod request;
pub mod search;
mod task;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use wijkregie_core::codes::{AgbCode, Code};
use wijkregie_core::directory::HsdsId;
use wijkregie_core::referral::{Age, PersonalData, Referral, ReferralStatus, Urgency};

pub use bundle::{operation_outcome, search_bundle, IssueSeverity, IssueType};
pub use directory::{healthcare_service, location, organization};
pub use request::service_request;
pub use task::task;

/// Where wijkregie's own code systems, naming systems and extensions live.
/// They are names, not pages to fetch: FHIR only needs them to be stable.
pub const SYSTEM_BASE: &str = "https://wijkregie.nl/fhir";
/// The Dutch naming system of AGB codes for care providers (Nictiz).
pub const AGB_SYSTEM: &str = "http://fhir.nl/fhir/NamingSystem/agb-z";
/// Our organisation codes (`Code`) for netwerkpartners.
pub const ORGANIZATION_SYSTEM: &str = "https://wijkregie.nl/fhir/NamingSystem/organisatie";
/// wijkregie's own practice codes, for a practice whose AGB code is unknown.
pub const PRACTICE_SYSTEM: &str = "https://wijkregie.nl/fhir/NamingSystem/praktijk";
/// HSDS ids are UUIDs, so they are identifiers in the RFC 3986 URI system.
pub const URI_SYSTEM: &str = "urn:ietf:rfc:3986";
/// The hulpvragen taxonomy (`TaxonomyTerm` codes).
pub const HULPVRAAG_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/hulpvraag";
/// Services of the social map, coded by their HSDS id.
pub const SERVICE_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/aanbod";
/// The five regional pathways (`Pathway::code`).
pub const PATHWAY_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/ketenaanpak";
/// The extension on ServiceRequest that names the pathway, as a valueCoding.
pub const PATHWAY_EXTENSION: &str = "https://wijkregie.nl/fhir/StructureDefinition/pathway";
/// The extension on the contained Patient for an age band given instead of a birth year.
pub const AGE_BAND_EXTENSION: &str = "https://wijkregie.nl/fhir/StructureDefinition/age-band";
/// Age bands (`AgeBand::code`).
pub const AGE_BAND_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/leeftijdscategorie";
/// Task.businessStatus codes of the steps without a reason or outcome
/// (`Step::business_status`: sent, opened, accepted, first-contact, resumed, withdrawn).
pub const BUSINESS_STATUS_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/business-status";
/// Task.statusReason and businessStatus codes when a partner rejects (`RejectionReason`).
pub const REJECTION_REASON_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/reden-afwijzing";
/// Task.statusReason and businessStatus codes when a partner waits (`HoldReason`).
pub const HOLD_REASON_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/reden-wachten";
/// Task.output and businessStatus codes: how a completed referral ended (`CompletionOutcome`).
pub const OUTCOME_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/uitkomst";
/// Task.output type codes (so far only `outcome`).
pub const OUTPUT_TYPE_SYSTEM: &str = "https://wijkregie.nl/fhir/CodeSystem/task-output";
/// HL7's Task codes; `fulfill` says the Task carries out its focus.
pub const TASK_CODE_SYSTEM: &str = "http://hl7.org/fhir/CodeSystem/task-code";

/// The id of the Patient contained in a ServiceRequest or Task.
const PATIENT_ID: &str = "patient";
/// The patient's display when the personal data is erased.
pub const PATIENT_ERASED: &str = "Patiënt (gegevens verwijderd)";
/// The patient's display when the personal data was sealed with a key
/// that is lost (the server started with `--new-key`).
pub const PATIENT_UNREADABLE: &str = "Patiënt (gegevens niet meer leesbaar)";
/// The patient's display when the caller may not see the personal data.
pub const PATIENT_WITHHELD: &str = "Patiënt (gegevens niet gedeeld)";

/// What a referral does not hold but its FHIR form shows: names looked up
/// by the caller, where the resources live, and whether personal data may
/// be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirRefs {
    /// The FHIR base, absolute and without a trailing slash, e.g.
    /// `https://wijkregie.example.nl/fhir`; used for `Bundle.entry.fullUrl`.
    pub base_url: String,
    pub practice_name: String,
    /// The referring practice's AGB code, when known.
    pub practice_agb: Option<AgbCode>,
    /// The receiving partner organisation.
    pub organization_name: String,
    pub hulpvraag_name: String,
    pub service_name: String,
    pub location_name: Option<String>,
    /// Whether the caller may see the patient, the question and the messages.
    /// Even when true, an erased referral shows none of them.
    pub include_personal: bool,
}

impl FhirRefs {
    /// The personal data to show: present and allowed, else `None`.
    fn personal<'r>(&self, r: &'r Referral) -> Option<&'r PersonalData> {
        r.personal.as_ref().filter(|_| self.include_personal)
    }
}

/// `ServiceRequest.status` for a referral status (R4 RequestStatus).
///
/// The request is the practice's; the partner's progress is the Task's. So
/// every open status is `active`, including `on-hold`: in R4 a request
/// `on-hold` means its authorisation is suspended by the requester, while
/// ours means the partner waits (waiting list, patient not reached) and the
/// request still stands. Rejected and cancelled both end the request before
/// it was carried out, which R4 calls `revoked`; the Task says which.
pub fn request_status(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Requested
        | ReferralStatus::Received
        | ReferralStatus::Accepted
        | ReferralStatus::InProgress
        | ReferralStatus::OnHold => "active",
        ReferralStatus::Completed => "completed",
        ReferralStatus::Rejected | ReferralStatus::Cancelled => "revoked",
    }
}

/// The referral statuses that [`request_status`] maps to `code`, for a
/// search on `ServiceRequest?status=`; empty for an unknown code.
pub fn statuses_for_request_status(code: &str) -> Vec<ReferralStatus> {
    ReferralStatus::ALL.into_iter().filter(|s| request_status(*s) == code).collect()
}

/// `priority` (R4 RequestPriority): our urgencies are its first two codes.
pub fn priority(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Routine => "routine",
        Urgency::Urgent => "urgent",
    }
}

/// FHIR `instant` and `dateTime`: seconds and an explicit zone are required
/// for an instant, and UTC keeps both the same shape.
fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

/// A CodeableConcept with one coding, and the same label as text for readers
/// that show only the text.
fn concept(system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [coding(system, code, display)], "text": display })
}

/// The referring practice, by AGB code (or, when that is unknown, by our
/// practice code): the practice is not a resource here.
fn practice_reference(code: &Code, agb: Option<&AgbCode>, name: &str) -> Value {
    let identifier = match agb {
        Some(agb) => json!({ "system": AGB_SYSTEM, "value": agb.as_str() }),
        None => json!({ "system": PRACTICE_SYSTEM, "value": code.as_str() }),
    };
    json!({ "type": "Organization", "identifier": identifier, "display": name })
}

/// The receiving partner organisation, by our organisation code.
fn organization_reference(code: &Code, name: &str) -> Value {
    json!({
        "type": "Organization",
        "identifier": { "system": ORGANIZATION_SYSTEM, "value": code.as_str() },
        "display": name,
    })
}

fn location_reference(id: &HsdsId, name: Option<&str>) -> Value {
    let mut reference = json!({
        "type": "Location",
        "identifier": { "system": URI_SYSTEM, "value": format!("urn:uuid:{}", id.as_str()) },
    });
    if let Some(name) = name {
        reference["display"] = json!(name);
    }
    reference
}

/// The patient as `subject`/`for`: the contained Patient when personal data
/// is shown, else a display that says why there is none.
fn patient_reference(r: &Referral, refs: &FhirRefs) -> Value {
    if refs.personal(r).is_some() {
        json!({ "reference": format!("#{PATIENT_ID}"), "type": "Patient" })
    } else if r.personal_unreadable() {
        json!({ "type": "Patient", "display": PATIENT_UNREADABLE })
    } else if r.personal.is_none() {
        json!({ "type": "Patient", "display": PATIENT_ERASED })
    } else {
        json!({ "type": "Patient", "display": PATIENT_WITHHELD })
    }
}

/// `contained` with the Patient, or nothing. Only what the partner needs to
/// make contact: a name as typed (we do not split family and given names),
/// phone and e-mail, birth year or age band, and postcode.
fn contained_patient(r: &Referral, refs: &FhirRefs) -> Option<Value> {
    let contact = &refs.personal(r)?.contact;
    let mut patient = Map::new();
    patient.insert("resourceType".into(), json!("Patient"));
    patient.insert("id".into(), json!(PATIENT_ID));
    let band = match contact.age {
        Age::Band(band) => Some(band),
        Age::BirthYear(_) => None,
    };
    if let Some(band) = band {
        patient.insert(
            "extension".into(),
            json!([{ "url": AGE_BAND_EXTENSION, "valueCoding": coding(AGE_BAND_SYSTEM, band.code(), &band.label()) }]),
        );
    }
    patient.insert("name".into(), json!([{ "text": contact.name }]));
    let mut telecom = Vec::new();
    if let Some(phone) = &contact.phone {
        telecom.push(json!({ "system": "phone", "value": phone.as_str() }));
    }
    if let Some(email) = &contact.email {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    if !telecom.is_empty() {
        patient.insert("telecom".into(), Value::Array(telecom));
    }
    if let Age::BirthYear(year) = contact.age {
        // A FHIR date may be a year alone; the day of birth is never asked.
        patient.insert("birthDate".into(), json!(format!("{year:04}")));
    }
    patient.insert("address".into(), json!([{ "postalCode": contact.postcode.as_str(), "country": "NL" }]));
    Some(Value::Array(vec![Value::Object(patient)]))
}

/// The moment of the referral's last change: its last step, or sending.
fn last_modified(r: &Referral) -> DateTime<Utc> {
    r.facts.history.last().map_or(r.facts.sent_at, |c| c.at)
}

/// An object of the pairs whose value is not `None`: FHIR forbids empty
/// elements and `null`, so an absent value must leave out its key.
fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))).collect())
}
