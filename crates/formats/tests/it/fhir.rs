//! FHIR R4 output for referrals: the mapping itself (statuses, references,
//! the privacy rule) by plain assertions, and every shape a referral can take
//! checked by a real R4 validator (`scripts/fhir-validate.mjs`: HL7's R4 JSON
//! schema and the R4 structure definitions). The validator is node with two
//! npm packages; without it these tests fail and say how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use wijkregie_core::directory::Pathway;
use wijkregie_core::referral::{
    Age, AgeBand, CompletionOutcome, HoldReason, PatientContact, PersonalData, Referral, ReferralFacts, ReferralStatus,
    RejectionReason, Side, Step, Urgency,
};
use wijkregie_formats::fhir::{self, FhirRefs, IssueSeverity, IssueType};

const NAME: &str = "Grietje Zonderland";
const PHONE: &str = "0612345678";
const EMAIL: &str = "grietje@voorbeeld.nl";
const POSTCODE: &str = "1215EK";
const QUESTION: &str = "Mevrouw is sinds het overlijden van haar man veel alleen";
const MESSAGE: &str = "Mevrouw Zonderland belt graag na half tien";
const SERVICE: &str = "ac148810-d857-441c-9679-408f346de14b";
const LOCATION: &str = "0e3c6bd2-8f6e-4b8a-9d2f-3f3b9d8a1c55";
const BASE: &str = "https://wijkregie.example.nl/fhir";

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, 15, 0).unwrap()
}

/// How the patient's data stands for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Personal {
    Shown,
    Withheld,
    Erased,
}

const PERSONAL: [Personal; 3] = [Personal::Shown, Personal::Withheld, Personal::Erased];

/// A referral sent at 9:15 and taken through `steps`, one hour apart; the
/// variant number picks urgency, pathway, age and contact so that every
/// combination appears across the cases.
fn referral(steps: &[(Step, Side)], variant: usize) -> Referral {
    let age = match variant % 3 {
        0 => Age::BirthYear(1950),
        1 => Age::Band(AgeBand::ALL[variant % AgeBand::ALL.len()]),
        _ => Age::BirthYear(2019),
    };
    let mut r = Referral {
        facts: ReferralFacts {
            referring_practice: "01234567".parse().unwrap(),
            network: "wsv-noord".parse().unwrap(),
            wijk: Some("noord".parse().unwrap()),
            receiving_organization: "welzijn-noord".parse().unwrap(),
            service: SERVICE.parse().unwrap(),
            location: variant.is_multiple_of(2).then(|| LOCATION.parse().unwrap()),
            pathway: [None, Some(Pathway::ALL[variant % Pathway::ALL.len()])][variant % 2],
            hulpvraag: "eenzaamheid".parse().unwrap(),
            urgency: Urgency::ALL[variant % Urgency::ALL.len()],
            sent_by: 7,
            sent_at: at(9),
            status: ReferralStatus::Requested,
            history: Vec::new(),
            erased_at: None,
        },
        personal: Some(PersonalData {
            contact: PatientContact {
                name: NAME.into(),
                phone: (variant % 4 != 1).then(|| PHONE.parse().unwrap()),
                email: (!variant.is_multiple_of(4)).then(|| EMAIL.into()),
                age,
                postcode: POSTCODE.parse().unwrap(),
            },
            question: QUESTION.into(),
            messages: Vec::new(),
        }),
    };
    for (i, (step, side)) in steps.iter().enumerate() {
        let hour = 10 + u32::try_from(i).unwrap();
        let message = i.is_multiple_of(2).then_some(MESSAGE);
        r.apply(*step, *side, 8, at(hour), message).unwrap_or_else(|e| panic!("{steps:?}: {e}"));
    }
    r
}

fn refs(personal: Personal) -> FhirRefs {
    FhirRefs {
        base_url: BASE.into(),
        practice_name: "Huisartsenpraktijk De Linde".into(),
        practice_agb: Some("01234567".parse().unwrap()),
        organization_name: "Welzijn Noord".into(),
        hulpvraag_name: "Eenzaamheid".into(),
        service_name: "Samen aan tafel".into(),
        location_name: Some("Buurthuis De Kroon".into()),
        include_personal: personal == Personal::Shown,
    }
}

/// Every way to each status, and every reason and outcome.
fn scenarios() -> Vec<Vec<(Step, Side)>> {
    use Side::{Receiver as P, Referrer as R};
    let mut all = vec![
        vec![],
        vec![(Step::Open, P)],
        vec![(Step::Accept, P)],
        vec![(Step::Open, P), (Step::Accept, P)],
        vec![(Step::Accept, P), (Step::Start, P)],
        vec![
            (Step::Accept, P),
            (Step::Start, P),
            (Step::Hold { reason: HoldReason::WaitingList }, P),
            (Step::Resume, P),
        ],
        vec![(Step::Cancel { reason: None }, R)],
        vec![(Step::Open, P), (Step::Accept, P), (Step::Start, P), (Step::Cancel { reason: None }, R)],
    ];
    for reason in RejectionReason::ALL {
        all.push(vec![(Step::Open, P), (Step::Reject { reason }, P)]);
    }
    for reason in HoldReason::ALL {
        all.push(vec![(Step::Accept, P), (Step::Hold { reason }, P)]);
    }
    for outcome in CompletionOutcome::ALL {
        all.push(vec![(Step::Open, P), (Step::Accept, P), (Step::Start, P), (Step::Complete { outcome }, P)]);
    }
    all.push(vec![(Step::Accept, P), (Step::Complete { outcome: CompletionOutcome::GoalReached }, P)]);
    all
}

/// Each scenario under each personal-data standing, as (ServiceRequest, Task).
fn every_case() -> Vec<(Referral, Personal, Value, Value)> {
    let mut cases = Vec::new();
    for (n, steps) in scenarios().iter().enumerate() {
        for (m, personal) in PERSONAL.into_iter().enumerate() {
            let mut r = referral(steps, n * PERSONAL.len() + m);
            if personal == Personal::Erased {
                r.erase(at(20));
            }
            let id = format!("v{n}-{m}");
            let refs = refs(personal);
            let request = fhir::service_request(&id, &r, &refs);
            let task = fhir::task(&format!("{id}-task"), &id, &r, &refs);
            cases.push((r, personal, request, task));
        }
    }
    cases
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the validator on `paths`: (exit code, what it printed).
fn validate(paths: &[&Path]) -> (i32, String) {
    let script = workspace().join("scripts/fhir-validate.mjs");
    let output = Command::new("node").arg(&script).args(paths).output().unwrap_or_else(|e| {
        panic!("cannot run node ({e}): the FHIR validator needs Node.js 18+ (apt-get install nodejs npm) and its packages: (cd scripts && npm ci)")
    });
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "the FHIR validator did not run (exit {code}); install it with: (cd scripts && npm ci)\n{stderr}{stdout}"
    );
    (code, stdout + &stderr)
}

fn write(dir: &Path, name: &str, resource: &Value) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(resource).unwrap()).unwrap();
    path
}

#[test]
fn every_referral_is_valid_r4() {
    let dir = tempfile::tempdir().unwrap();
    // WIJKREGIE_FHIR_OUT=DIR keeps the rendered resources, to read or to
    // give to another validator.
    let kept = std::env::var_os("WIJKREGIE_FHIR_OUT").map(PathBuf::from);
    let dir_path = kept.as_deref().unwrap_or(dir.path());
    std::fs::create_dir_all(dir_path).unwrap();
    let cases = every_case();
    let (mut requests, mut tasks) = (Vec::new(), Vec::new());
    for (_, _, request, task) in &cases {
        write(dir_path, &format!("ServiceRequest-{}", request["id"].as_str().unwrap()), request);
        write(dir_path, &format!("Task-{}", task["id"].as_str().unwrap()), task);
        requests.push(request.clone());
        tasks.push(task.clone());
    }
    let total = requests.len();
    let self_link = format!("{BASE}/ServiceRequest?status=active");
    let next = format!("{BASE}/ServiceRequest?status=active&_page=2");
    write(dir_path, "Bundle-requests", &fhir::search_bundle(BASE, requests, total + 10, &self_link, Some(&next)));
    write(dir_path, "Bundle-tasks", &fhir::search_bundle(BASE, tasks, total, &format!("{BASE}/Task"), None));
    write(dir_path, "Bundle-empty", &fhir::search_bundle(BASE, Vec::new(), 0, &format!("{BASE}/Task?owner=x"), None));
    let outcome = fhir::operation_outcome(IssueSeverity::Error, IssueType::NotFound, "Deze verwijzing bestaat niet");
    write(dir_path, "OperationOutcome", &outcome);

    let (code, report) = validate(&[dir_path]);
    assert_eq!(code, 0, "FHIR R4 validation failed:\n{report}");
    let expected = format!("fhir-validate: {} resources checked against FHIR R4, 0 with issues", cases.len() * 2 + 4);
    assert!(report.contains(&expected), "{report}");
}

#[test]
fn the_validator_rejects_broken_resources() {
    let dir = tempfile::tempdir().unwrap();
    let r = referral(&[], 0);
    let refs = refs(Personal::Shown);
    let mut task = fhir::task("t", "s", &r, &refs);
    task["status"] = json!("open");
    task.as_object_mut().unwrap().remove("intent");
    let mut request = fhir::service_request("s", &r, &refs);
    request["priority"] = json!("quick");
    request["authoredOn"] = json!("2 maart 2026");
    let mut patient = fhir::service_request("p", &r, &refs);
    patient["contained"][0]["birthDate"] = json!("19500");
    let bundle = fhir::search_bundle(BASE, vec![task.clone()], 1, BASE, None);
    let mut unknown = fhir::task("u", "s", &r, &refs);
    unknown["owner"]["name"] = json!("Welzijn Noord");
    let broken = [
        (write(dir.path(), "task", &task), ["Task.status", "Task.intent"].as_slice()),
        (write(dir.path(), "request", &request), &["ServiceRequest.priority", ".authoredOn"]),
        (write(dir.path(), "patient", &patient), &[".contained[0].birthDate"]),
        (write(dir.path(), "bundle", &bundle), &[".entry[0].resource.status"]),
        (write(dir.path(), "unknown", &unknown), &["Task.owner.name"]),
    ];
    let (code, report) = validate(&[dir.path()]);
    assert_eq!(code, 1, "{report}");
    for (path, problems) in &broken {
        let file = path.to_string_lossy();
        for problem in *problems {
            assert!(
                report.lines().any(|l| l.starts_with(&*file) && l.contains(problem)),
                "{file} should be reported for {problem}:\n{report}"
            );
        }
    }
    assert!(report.contains("5 resources checked against FHIR R4, 5 with issues"), "{report}");
}

#[test]
fn statuses_follow_the_table() {
    for (r, _, request, task) in every_case() {
        let status = r.facts.status;
        assert_eq!(task["status"], status.code());
        let expected = match status {
            ReferralStatus::Completed => "completed",
            ReferralStatus::Rejected | ReferralStatus::Cancelled => "revoked",
            _ => "active",
        };
        assert_eq!(request["status"], expected, "{status:?}");
        assert_eq!(request["intent"], "order");
        assert_eq!(task["intent"], "order");
        assert_eq!(request["priority"], r.facts.urgency.code());
        let business = r.facts.history.last().map_or("sent", |c| c.step.business_status().code);
        assert_eq!(task["businessStatus"]["coding"][0]["code"], business);
        let system = match r.facts.history.last().map(|c| c.step) {
            Some(Step::Reject { .. }) => fhir::REJECTION_REASON_SYSTEM,
            Some(Step::Hold { .. }) => fhir::HOLD_REASON_SYSTEM,
            Some(Step::Complete { .. }) => fhir::OUTCOME_SYSTEM,
            _ => fhir::BUSINESS_STATUS_SYSTEM,
        };
        assert_eq!(task["businessStatus"]["coding"][0]["system"], system);
    }
    for status in ReferralStatus::ALL {
        assert!(fhir::statuses_for_request_status(fhir::request_status(status)).contains(&status));
    }
    assert!(fhir::statuses_for_request_status("draft").is_empty());
}

#[test]
fn reasons_and_outcomes_are_where_r4_puts_them() {
    let reject = referral(&[(Step::Reject { reason: RejectionReason::OutsideArea }, Side::Receiver)], 0);
    let task = fhir::task("t", "s", &reject, &refs(Personal::Shown));
    assert_eq!(task["statusReason"]["coding"][0]["code"], "outside-area");
    assert_eq!(task["statusReason"]["text"], "buiten ons werkgebied");
    assert!(task.get("output").is_none());

    let hold = referral(
        &[(Step::Accept, Side::Receiver), (Step::Hold { reason: HoldReason::WaitingList }, Side::Receiver)],
        0,
    );
    let task = fhir::task("t", "s", &hold, &refs(Personal::Shown));
    assert_eq!(task["statusReason"]["coding"][0]["code"], "waiting-list");
    assert_eq!(task["executionPeriod"], json!({ "start": "2026-03-02T10:15:00Z" }));

    let resumed = referral(
        &[
            (Step::Accept, Side::Receiver),
            (Step::Hold { reason: HoldReason::WaitingList }, Side::Receiver),
            (Step::Resume, Side::Receiver),
        ],
        0,
    );
    let task = fhir::task("t", "s", &resumed, &refs(Personal::Shown));
    assert!(task.get("statusReason").is_none(), "a resumed Task no longer waits");
    assert_eq!(task["businessStatus"]["coding"][0]["code"], "resumed");

    let steps =
        [(Step::Accept, Side::Receiver), (Step::Complete { outcome: CompletionOutcome::ReferredOn }, Side::Receiver)];
    let done = referral(&steps, 0);
    let task = fhir::task("t", "s", &done, &refs(Personal::Erased));
    assert_eq!(task["output"][0]["valueCodeableConcept"]["coding"][0]["code"], "referred-on");
    assert_eq!(task["executionPeriod"], json!({ "start": "2026-03-02T10:15:00Z", "end": "2026-03-02T11:15:00Z" }));
    assert_eq!(task["lastModified"], "2026-03-02T11:15:00Z");
    assert_eq!(task["authoredOn"], "2026-03-02T09:15:00Z");
}

#[test]
fn references_name_the_request_the_practice_and_the_partner() {
    let with_pathway = referral(&[], 1);
    let refs = refs(Personal::Shown);
    let request = fhir::service_request("s1", &with_pathway, &refs);
    let task = fhir::task("t1", "s1", &with_pathway, &refs);
    assert_eq!(task["focus"], json!({ "reference": "ServiceRequest/s1", "type": "ServiceRequest" }));
    assert_eq!(task["basedOn"][0], task["focus"]);
    for practice in [&request["requester"], &task["requester"]] {
        assert_eq!(
            practice["identifier"],
            json!({ "system": "http://fhir.nl/fhir/NamingSystem/agb-z", "value": "01234567" })
        );
        assert_eq!(practice["display"], "Huisartsenpraktijk De Linde");
    }
    for partner in [&request["performer"][0], &task["owner"]] {
        assert_eq!(partner["identifier"]["value"], "welzijn-noord");
        assert_eq!(partner["identifier"]["system"], fhir::ORGANIZATION_SYSTEM);
        assert_eq!(partner["type"], "Organization");
    }
    assert_eq!(
        request["category"][0]["coding"][0],
        json!({ "system": fhir::HULPVRAAG_SYSTEM, "code": "eenzaamheid", "display": "Eenzaamheid" })
    );
    assert_eq!(request["code"]["coding"][0]["code"], SERVICE);
    assert_eq!(request["code"]["text"], "Samen aan tafel");
    let pathway = Pathway::ALL[1];
    assert_eq!(
        request["extension"],
        json!([{ "url": fhir::PATHWAY_EXTENSION, "valueCoding": { "system": fhir::PATHWAY_SYSTEM, "code": pathway.code(), "display": pathway.label() } }])
    );
    assert!(request.get("locationReference").is_none());

    let without_pathway = referral(&[], 0);
    let request = fhir::service_request("s0", &without_pathway, &refs);
    assert!(request.get("extension").is_none());
    assert_eq!(request["locationReference"][0]["identifier"]["value"], format!("urn:uuid:{LOCATION}"));
    assert_eq!(request["locationReference"][0]["display"], "Buurthuis De Kroon");
}

#[test]
fn a_practice_without_agb_is_named_by_its_own_code() {
    let r = referral(&[], 1);
    let refs = FhirRefs { practice_agb: None, ..refs(Personal::Shown) };
    let request = fhir::service_request("s1", &r, &refs);
    assert_eq!(
        request["requester"]["identifier"],
        json!({ "system": "https://wijkregie.nl/fhir/NamingSystem/praktijk", "value": "01234567" })
    );
}

#[test]
fn personal_data_only_when_shown_and_not_erased() {
    for (r, personal, request, task) in every_case() {
        let text = format!("{request}{task}");
        match personal {
            Personal::Shown => {
                assert!(text.contains(NAME));
                assert!(text.contains(QUESTION));
                for resource in [&request, &task] {
                    // dom-3: a contained resource must be referred to from its container.
                    assert_eq!(resource["contained"][0]["id"], "patient");
                }
                assert_eq!(request["subject"]["reference"], "#patient");
                assert_eq!(task["for"]["reference"], "#patient");
                assert_eq!(request["note"][0]["text"], QUESTION);
                let messages = r.personal.as_ref().unwrap().messages.len();
                assert_eq!(task.get("note").map_or(0, |n| n.as_array().unwrap().len()), messages);
            }
            Personal::Withheld | Personal::Erased => {
                for secret in [NAME, "Zonderland", PHONE, EMAIL, POSTCODE, "1215", QUESTION, MESSAGE, "1950", "2019"] {
                    assert!(!text.contains(secret), "{personal:?} {} shows {secret}", r.facts.status.code());
                }
                for resource in [&request, &task] {
                    assert!(resource.get("contained").is_none());
                    assert!(resource.get("note").is_none());
                }
                let display = if personal == Personal::Erased { fhir::PATIENT_ERASED } else { fhir::PATIENT_WITHHELD };
                assert_eq!(request["subject"], json!({ "type": "Patient", "display": display }));
                assert_eq!(task["for"], request["subject"]);
            }
        }
    }
}

#[test]
fn the_contained_patient_holds_only_the_contact_details() {
    let refs = refs(Personal::Shown);
    let born = fhir::service_request("s", &referral(&[], 0), &refs);
    assert_eq!(
        born["contained"][0],
        json!({
            "resourceType": "Patient",
            "id": "patient",
            "name": [{ "text": NAME }],
            "telecom": [{ "system": "phone", "value": PHONE }],
            "birthDate": "1950",
            "address": [{ "postalCode": POSTCODE, "country": "NL" }],
        })
    );
    let banded = fhir::service_request("s", &referral(&[], 1), &refs);
    let patient = &banded["contained"][0];
    assert!(patient.get("birthDate").is_none());
    assert_eq!(patient["extension"][0]["url"], fhir::AGE_BAND_EXTENSION);
    assert_eq!(patient["extension"][0]["valueCoding"]["code"], AgeBand::ALL[1].code());
    assert_eq!(patient["telecom"], json!([{ "system": "email", "value": EMAIL }]));
}

#[test]
fn task_dates_never_run_backwards() {
    // inv-1 (lastModified ≥ authoredOn) and per-1 (start ≤ end): the
    // validators do not evaluate invariants, so they are checked here.
    for (_, _, request, task) in every_case() {
        assert!(task["lastModified"].as_str() >= task["authoredOn"].as_str());
        assert_eq!(request["meta"]["lastUpdated"], task["lastModified"]);
        if let (Some(start), Some(end)) =
            (task["executionPeriod"]["start"].as_str(), task["executionPeriod"]["end"].as_str())
        {
            assert!(start <= end);
        }
    }
}

#[test]
fn a_search_bundle_lists_matches_with_full_urls() {
    let r = referral(&[], 0);
    let refs = refs(Personal::Shown);
    let entries = vec![fhir::task("t1", "s1", &r, &refs), fhir::task("t2", "s2", &r, &refs)];
    let bundle = fhir::search_bundle(
        &format!("{BASE}/"),
        entries,
        12,
        "https://x/fhir/Task?status=requested",
        Some("https://x/fhir/Task?status=requested&_page=2"),
    );
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 12);
    assert_eq!(bundle["entry"][0]["fullUrl"], format!("{BASE}/Task/t1"));
    assert_eq!(bundle["entry"][1]["search"]["mode"], "match");
    assert_eq!(bundle["link"][0]["relation"], "self");
    assert_eq!(bundle["link"][1]["relation"], "next");
    let empty = fhir::search_bundle(BASE, Vec::new(), 0, BASE, None);
    assert!(empty.get("entry").is_none());
    assert_eq!(empty["total"], 0);
}

#[test]
fn an_error_is_an_operation_outcome() {
    let outcome =
        fhir::operation_outcome(IssueSeverity::Error, IssueType::Forbidden, "U mag deze verwijzing niet inzien");
    assert_eq!(
        outcome,
        json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "error", "code": "forbidden", "diagnostics": "U mag deze verwijzing niet inzien" }],
        })
    );
}

#[test]
fn messages_keep_their_side_and_time() {
    let mut r = referral(&[], 0);
    r.add_message(Side::Receiver, 9, at(9) + Duration::minutes(5), "Wanneer is mevrouw thuis?").unwrap();
    let task = fhir::task("t", "s", &r, &refs(Personal::Shown));
    assert_eq!(
        task["note"],
        json!([{ "authorString": "ontvangende netwerkpartner", "time": "2026-03-02T09:20:00Z", "text": "Wanneer is mevrouw thuis?" }])
    );
}

/// The demo's whole social map as HealthcareService, Organization and
/// Location, checked by the same R4 validator, plus a search Bundle of them.
#[test]
fn the_social_map_is_valid_r4() {
    let dir = tempfile::tempdir().unwrap();
    let region = wijkregie_formats::demo::region();
    let demo = wijkregie_formats::demo::directory::generate();
    let directory = wijkregie_formats::hsds::Directory {
        organizations: region.organizations.clone(),
        locations: demo.locations.clone(),
        services: demo.services.clone(),
        taxonomy: wijkregie_formats::taxonomy::shipped(),
        wijken: region.wijken.iter().map(|w| (w.code.clone(), w.name.clone())).collect(),
        networks: region.networks.iter().map(|n| (n.code.clone(), n.name.clone())).collect(),
        foreign_taxonomies: Vec::new(),
        foreign_terms: Vec::new(),
        organization_ids: Default::default(),
        organization_identifiers: Vec::new(),
    };
    let mut resources = Vec::new();
    for s in &directory.services {
        resources.push(fhir::healthcare_service(s, &directory));
    }
    for o in &directory.organizations {
        resources.push(fhir::organization(o));
    }
    for l in &directory.locations {
        resources.push(fhir::location(l, None));
    }
    for (n, r) in resources.iter().enumerate() {
        write(dir.path(), &format!("{}-{n}", r["resourceType"].as_str().unwrap()), r);
    }
    let services: Vec<Value> = resources.iter().filter(|r| r["resourceType"] == "HealthcareService").cloned().collect();
    let count = services.len();
    write(dir.path(), "Bundle-services", &fhir::search_bundle(BASE, services, count, BASE, None));
    let (code, report) = validate(&[dir.path()]);
    assert_eq!(code, 0, "FHIR R4 validation failed:\n{report}");
    let expected = format!("fhir-validate: {} resources checked against FHIR R4, 0 with issues", resources.len() + 1);
    assert!(report.contains(&expected), "{report}");
    // Every kind of value the demo has is in there: closed services are
    // inactive, a free service says so, opening hours are grouped.
    assert!(resources.iter().any(|r| r["active"] == false));
    assert!(resources.iter().any(|r| r["serviceProvisionCode"][0]["coding"][0]["code"] == "free"));
    assert!(resources.iter().any(|r| r["availableTime"][0]["daysOfWeek"].as_array().is_some_and(|d| d.len() == 5)));
}
