//! The referral as the practice's request: an R4 `ServiceRequest`.

use serde_json::{json, Value};
use wijkregie_core::referral::Referral;

use super::{
    concept, contained_patient, instant, last_modified, location_reference, object, organization_reference,
    patient_reference, practice_reference, priority, request_status, FhirRefs, HULPVRAAG_SYSTEM, PATHWAY_EXTENSION,
    PATHWAY_SYSTEM, SERVICE_SYSTEM,
};

/// The ServiceRequest `id` for referral `r`. The question travels as a
/// `note` and the patient as a contained Patient, both only when
/// `refs.include_personal` and not erased.
pub fn service_request(id: &str, r: &Referral, refs: &FhirRefs) -> Value {
    let facts = &r.facts;
    let personal = refs.personal(r);
    let pathway = facts.pathway.map(|p| {
        json!([{
            "url": PATHWAY_EXTENSION,
            "valueCoding": { "system": PATHWAY_SYSTEM, "code": p.code(), "display": p.label() },
        }])
    });
    object(vec![
        ("resourceType", Some(json!("ServiceRequest"))),
        ("id", Some(json!(id))),
        ("meta", Some(json!({ "lastUpdated": instant(last_modified(r)) }))),
        ("contained", contained_patient(r, refs)),
        ("extension", pathway),
        ("status", Some(json!(request_status(facts.status)))),
        // The practice asks the partner to act: an order, not a proposal.
        ("intent", Some(json!("order"))),
        ("category", Some(json!([concept(HULPVRAAG_SYSTEM, facts.hulpvraag.as_str(), &refs.hulpvraag_name)]))),
        ("priority", Some(json!(priority(facts.urgency)))),
        ("code", Some(concept(SERVICE_SYSTEM, facts.service.as_str(), &refs.service_name))),
        ("subject", Some(patient_reference(r, refs))),
        ("authoredOn", Some(json!(instant(facts.sent_at)))),
        (
            "requester",
            Some(practice_reference(&facts.referring_practice, refs.practice_agb.as_ref(), &refs.practice_name)),
        ),
        ("performer", Some(json!([organization_reference(&facts.receiving_organization, &refs.organization_name)]))),
        (
            "locationReference",
            facts.location.as_ref().map(|l| json!([location_reference(l, refs.location_name.as_deref())])),
        ),
        // The hulpvraag again as plain text, for receivers that read the reason only.
        ("reasonCode", Some(json!([{ "text": refs.hulpvraag_name }]))),
        ("note", personal.map(|p| json!([{ "time": instant(facts.sent_at), "text": p.question }]))),
    ])
}
