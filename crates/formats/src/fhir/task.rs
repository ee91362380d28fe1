//! The referral as the partner's work: an R4 `Task` that fulfils the
//! ServiceRequest. Its status is ours (our statuses are R4 Task codes); the
//! finer step, reasons and outcome go where R4 puts them.

use serde_json::{json, Value};
use wijkregie_core::referral::status::SENT;
use wijkregie_core::referral::{Referral, ReferralStatus, Side, Step};

use super::{
    concept, contained_patient, instant, last_modified, object, organization_reference, patient_reference,
    practice_reference, priority, FhirRefs, BUSINESS_STATUS_SYSTEM, HOLD_REASON_SYSTEM, OUTCOME_SYSTEM,
    OUTPUT_TYPE_SYSTEM, REJECTION_REASON_SYSTEM, TASK_CODE_SYSTEM,
};

/// The Task `id` that follows ServiceRequest `service_request_id`. Messages
/// become `note`s only when `refs.include_personal` and not erased: free
/// text may name the patient.
pub fn task(id: &str, service_request_id: &str, r: &Referral, refs: &FhirRefs) -> Value {
    let facts = &r.facts;
    let last_step = facts.history.last().map(|c| c.step);
    let focus = json!({ "reference": format!("ServiceRequest/{service_request_id}"), "type": "ServiceRequest" });
    object(vec![
        ("resourceType", Some(json!("Task"))),
        ("id", Some(json!(id))),
        ("meta", Some(json!({ "lastUpdated": instant(last_modified(r)) }))),
        ("contained", contained_patient(r, refs)),
        ("basedOn", Some(json!([focus.clone()]))),
        ("status", Some(json!(facts.status.code()))),
        ("statusReason", status_reason(facts.status, last_step)),
        ("businessStatus", Some(business_status(last_step))),
        // The partner is asked to carry out the practice's order.
        ("intent", Some(json!("order"))),
        ("priority", Some(json!(priority(facts.urgency)))),
        ("code", Some(json!({ "coding": [{ "system": TASK_CODE_SYSTEM, "code": "fulfill" }] }))),
        ("focus", Some(focus)),
        ("for", Some(patient_reference(r, refs))),
        ("executionPeriod", execution_period(r)),
        ("authoredOn", Some(json!(instant(facts.sent_at)))),
        ("lastModified", Some(json!(instant(last_modified(r))))),
        (
            "requester",
            Some(practice_reference(&facts.referring_practice, refs.practice_agb.as_ref(), &refs.practice_name)),
        ),
        ("owner", Some(organization_reference(&facts.receiving_organization, &refs.organization_name))),
        ("note", notes(r, refs)),
        ("output", output(r)),
    ])
}

/// The last step's business status. A reason or an outcome is coded in its
/// own code system, the one `statusReason` and `output` use: the plain codes
/// repeat across them (`other`, `patient-unreachable`) with different
/// meanings, and a code system must give each code one meaning.
fn business_status(last_step: Option<Step>) -> Value {
    let system = match last_step {
        Some(Step::Reject { .. }) => REJECTION_REASON_SYSTEM,
        Some(Step::Hold { .. }) => HOLD_REASON_SYSTEM,
        Some(Step::Complete { .. }) => OUTCOME_SYSTEM,
        _ => BUSINESS_STATUS_SYSTEM,
    };
    let business = last_step.map_or(SENT, Step::business_status);
    concept(system, business.code, business.label)
}

/// Why the Task is rejected or waits; the step that led there carries it.
fn status_reason(status: ReferralStatus, last_step: Option<Step>) -> Option<Value> {
    match (status, last_step?) {
        (ReferralStatus::Rejected, Step::Reject { reason }) => {
            Some(concept(REJECTION_REASON_SYSTEM, reason.code(), reason.label()))
        }
        (ReferralStatus::OnHold, Step::Hold { reason }) => {
            Some(concept(HOLD_REASON_SYSTEM, reason.code(), reason.label()))
        }
        _ => None,
    }
}

/// From the partner's first step to the close. A referral cancelled before
/// the partner did anything has only an end.
fn execution_period(r: &Referral) -> Option<Value> {
    let start = r.facts.history.iter().find(|c| c.side == Side::Receiver).map(|c| instant(c.at));
    let end = r.facts.closed_at().map(instant);
    if start.is_none() && end.is_none() {
        return None;
    }
    Some(object(vec![("start", start.map(Value::from)), ("end", end.map(Value::from))]))
}

/// The outcome of a completed referral: the feedback the practice waits for.
fn output(r: &Referral) -> Option<Value> {
    let outcome = r.facts.outcome()?;
    Some(json!([{
        "type": concept(OUTPUT_TYPE_SYSTEM, "outcome", "uitkomst"),
        "valueCodeableConcept": concept(OUTCOME_SYSTEM, outcome.code(), outcome.label()),
    }]))
}

fn notes(r: &Referral, refs: &FhirRefs) -> Option<Value> {
    let personal = refs.personal(r)?;
    if personal.messages.is_empty() {
        return None;
    }
    let notes = personal
        .messages
        .iter()
        .map(|m| json!({ "authorString": m.side.label(), "time": instant(m.at), "text": m.text }))
        .collect();
    Some(Value::Array(notes))
}
