use chrono::Duration;

use super::figures::{figures, GroupBy, GroupKey, PerMille, SmallCount, Statistic, YearMonth};
use super::*;
use crate::access::Role;
use crate::directory::{Schedule, Service, ServiceStatus};
use crate::region::Domain;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn service() -> Service {
    Service {
        id: "ac148810-d857-441c-9679-408f346de14b".parse().unwrap(),
        organization: "welzijn-noord".parse().unwrap(),
        name: "Welzijnscoach".into(),
        alternate_name: None,
        description: "Een gesprek over wat iemand wil en kan.".into(),
        url: None,
        email: None,
        status: ServiceStatus::Active,
        assured_date: None,
        application_process: None,
        fees_description: None,
        free_of_charge: true,
        eligibility_description: None,
        minimum_age: None,
        maximum_age: None,
        languages: vec![],
        domain: Domain::Welzijn,
        pathways: vec![Pathway::WelzijnOpRecept],
        serves_wijken: vec![],
        serves_networks: vec![],
        taxonomy_terms: vec![],
        foreign_terms: Vec::new(),
        phones: vec![],
        contacts: vec![],
        schedule: Schedule::default(),
        locations: vec!["11111111-2222-4333-8444-555555555555".parse().unwrap()],
    }
}

fn sender() -> Sender {
    Sender {
        practice: "01000001".parse().unwrap(),
        network: "wsv-noord".parse().unwrap(),
        wijk: Some("noord".parse().unwrap()),
        user_id: 7,
    }
}

fn form() -> NewReferral {
    NewReferral {
        location: None,
        pathway: Some(Pathway::WelzijnOpRecept),
        hulpvraag: Some("eenzaamheid".parse().unwrap()),
        urgency: None,
        question: "Mevrouw voelt zich eenzaam sinds haar man overleed; wilt u contact opnemen?".into(),
        name: "J. de Vries".into(),
        phone: "06-1234 5678".into(),
        email: String::new(),
        birth_year: "1948".into(),
        age_band: None,
        postcode: "1215 ek".into(),
        consent: true,
    }
}

fn sent() -> Referral {
    form().validate(&service(), sender(), at("2026-03-02T09:00:00Z")).unwrap()
}

#[test]
fn a_complete_form_becomes_a_requested_referral() {
    let r = sent();
    assert_eq!(r.facts.status, ReferralStatus::Requested);
    assert_eq!(r.facts.receiving_organization.as_str(), "welzijn-noord");
    assert_eq!(r.facts.urgency, Urgency::Routine);
    let contact = &r.personal.as_ref().unwrap().contact;
    assert_eq!(contact.phone.as_ref().unwrap().as_str(), "0612345678");
    assert_eq!(contact.postcode.as_str(), "1215EK");
    assert_eq!(contact.age, Age::BirthYear(1948));
}

#[test]
fn the_patient_postcode_may_be_only_its_four_digits() {
    // Minimal data: the partner needs the neighbourhood, not the street.
    let r = NewReferral { postcode: " 1215 ".into(), ..form() }
        .validate(&service(), sender(), at("2026-03-02T09:00:00Z"))
        .unwrap();
    let contact = &r.personal.as_ref().unwrap().contact;
    assert_eq!((contact.postcode.as_str(), contact.postcode.full()), ("1215", None));
}

#[test]
fn every_problem_of_the_form_is_named_at_once() {
    let bad = NewReferral {
        location: Some("99999999-2222-4333-8444-555555555555".parse().unwrap()),
        pathway: Some(Pathway::Valpreventie),
        hulpvraag: None,
        urgency: None,
        question: "  ".into(),
        name: String::new(),
        phone: String::new(),
        email: String::new(),
        birth_year: "1850".into(),
        age_band: None,
        postcode: "12345".into(),
        consent: false,
    };
    let fields: Vec<String> = bad
        .validate(&service(), sender(), at("2026-03-02T09:00:00Z"))
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        ["location", "pathway", "hulpvraag", "question", "name", "phone", "birth_year", "postcode", "consent"]
    );
}

#[test]
fn contact_rules_in_dutch() {
    let now = at("2026-03-02T09:00:00Z");
    let errors = |f: NewReferral| f.validate(&service(), sender(), now).unwrap_err();
    let e = errors(NewReferral { phone: "12345".into(), ..form() });
    assert!(e[0].message.contains("geen geldig Nederlands telefoonnummer"), "{e:?}");
    let e = errors(NewReferral { phone: String::new(), email: "geen-adres".into(), ..form() });
    assert_eq!(e[0].field, "email");
    let e = errors(NewReferral { birth_year: "2027".into(), ..form() });
    assert!(e[0].message.contains("1900 tot en met 2026"), "{e:?}");
    let e = errors(NewReferral { consent: false, ..form() });
    assert!(e[0].message.contains("toestemming"));
    let e = errors(NewReferral { question: "BSN 111222333, graag bellen".into(), ..form() });
    assert!(e[0].message.contains("burgerservicenummer"));
    // An e-mail address alone is enough, and an age band instead of a birth year.
    let ok = NewReferral {
        phone: String::new(),
        email: "j.devries@example.nl".into(),
        birth_year: String::new(),
        age_band: Some(AgeBand::Elderly),
        ..form()
    };
    let contact = ok.validate(&service(), sender(), now).unwrap().personal.unwrap().contact;
    assert_eq!(contact.age, Age::Band(AgeBand::Elderly));
    assert_eq!(contact.phone, None);
}

#[test]
fn an_inactive_service_takes_no_referrals() {
    let closed = Service { status: ServiceStatus::TemporarilyClosed, ..service() };
    let e = form().validate(&closed, sender(), at("2026-03-02T09:00:00Z")).unwrap_err();
    assert_eq!(e[0].field, "service");
    assert!(e[0].message.contains("tijdelijk gesloten"));
}

#[test]
fn phone_numbers_in_every_usual_shape() {
    for typed in ["0612345678", "06-12345678", "06 1234 5678", "+31 6 12345678", "0031612345678", "+31 (0)6 12345678"] {
        assert_eq!(typed.parse::<PhoneNumber>().unwrap().as_str(), "0612345678", "{typed}");
    }
    assert_eq!("030 - 123 45 67".parse::<PhoneNumber>().unwrap().as_str(), "0301234567");
    for bad in ["", "612345678", "06123456789", "0049301234567", "06-1234567a", "+44 20 7946 0958"] {
        assert!(bad.parse::<PhoneNumber>().is_err(), "{bad}");
    }
}

#[test]
fn bsn_eleven_test() {
    assert!(contains_bsn("nummer 111222333"));
    assert!(!contains_bsn("nummer 111222334"));
    assert!(!contains_bsn("bel 0612345678 of 1215EK"), "a phone number has ten digits");
}

#[test]
fn a_referral_goes_round_the_loop() {
    let mut r = sent();
    let t = r.facts.sent_at;
    r.apply(Step::Open, Side::Receiver, 20, t + Duration::hours(1), None).unwrap();
    r.apply(Step::Accept, Side::Receiver, 20, t + Duration::hours(3), Some("We bellen haar deze week.")).unwrap();
    r.apply(Step::Start, Side::Receiver, 20, t + Duration::days(2), None).unwrap();
    r.apply(Step::Hold { reason: HoldReason::PatientUnreachable }, Side::Receiver, 20, t + Duration::days(3), None)
        .unwrap();
    r.apply(Step::Resume, Side::Receiver, 20, t + Duration::days(4), None).unwrap();
    let outcome = CompletionOutcome::GoalReached;
    r.apply(
        Step::Complete { outcome },
        Side::Receiver,
        20,
        t + Duration::days(30),
        Some("Ze gaat naar de koffieochtend."),
    )
    .unwrap();
    assert_eq!(r.facts.status, ReferralStatus::Completed);
    assert_eq!(r.facts.first_reaction_at(), Some(t + Duration::hours(3)), "opening is not a reaction");
    assert_eq!(r.facts.completed_at(), Some(t + Duration::days(30)));
    assert_eq!(r.facts.outcome(), Some(outcome));
    assert_eq!(r.facts.closed_with_feedback(), Some(true));
    assert_eq!(r.personal.as_ref().unwrap().messages.len(), 2);
    let err = r.apply(Step::Cancel { reason: None }, Side::Referrer, 7, t + Duration::days(31), None).unwrap_err();
    assert_eq!(err.to_string(), "Een afgeronde verwijzing kan niet meer worden ingetrokken");
}

#[test]
fn the_referrer_only_cancels() {
    let mut r = sent();
    let t = r.facts.sent_at;
    assert!(r.apply(Step::Accept, Side::Referrer, 7, t, None).is_err());
    let too_long = "x".repeat(2001);
    assert!(matches!(
        r.apply(Step::Cancel { reason: None }, Side::Referrer, 7, t, Some(&too_long)),
        Err(StepError::Message(_))
    ));
    r.apply(Step::Cancel { reason: None }, Side::Referrer, 7, t + Duration::hours(2), Some("  ")).unwrap();
    assert_eq!(r.facts.status, ReferralStatus::Cancelled);
    assert_eq!(r.facts.closed_with_feedback(), None, "not closed by the partner");
    assert!(!r.facts.history[0].with_message, "a blank message is no message");
}

#[test]
fn undecided_after_five_working_days_is_overdue() {
    let mut r = sent(); // Monday 2 March 2026, 10:00 in Amsterdam
    assert_eq!(r.facts.reaction_due(DEFAULT_REACTION_WORKING_DAYS).to_string(), "2026-03-09");
    assert!(!r.facts.is_overdue(at("2026-03-09T22:59:00Z"), DEFAULT_REACTION_WORKING_DAYS));
    assert!(r.facts.is_overdue(at("2026-03-09T23:00:00Z"), DEFAULT_REACTION_WORKING_DAYS), "Tuesday in Amsterdam");
    r.apply(Step::Open, Side::Receiver, 20, at("2026-03-03T09:00:00Z"), None).unwrap();
    assert!(r.facts.is_overdue(at("2026-03-12T09:00:00Z"), 5), "opening is no reaction");
    r.apply(Step::Reject { reason: RejectionReason::NoCapacity }, Side::Receiver, 20, at("2026-03-12T10:00:00Z"), None)
        .unwrap();
    assert!(!r.facts.is_overdue(at("2026-03-12T11:00:00Z"), 5));
    assert_eq!(r.facts.rejection_reason(), Some(RejectionReason::NoCapacity));
}

#[test]
fn personal_data_is_erased_a_year_after_closing() {
    let closed = at("2026-03-31T12:00:00Z");
    assert!(!erasure_due(closed, at("2027-03-31T11:59:59Z"), 12));
    assert!(erasure_due(closed, at("2027-03-31T12:00:00Z"), 12));
    assert!(erasure_due(at("2026-03-31T12:00:00Z"), at("2026-04-30T12:00:00Z"), 1), "no 31 April: the 30th");
    let mut r = sent();
    assert!(!r.erasure_due(at("2030-01-01T00:00:00Z"), 12), "an open referral keeps its data");
    r.apply(Step::Cancel { reason: None }, Side::Referrer, 7, closed, None).unwrap();
    assert!(r.erasure_due(at("2027-04-01T00:00:00Z"), 12));
    let facts_before = r.facts.clone();
    r.erase(at("2027-04-01T00:00:00Z"));
    assert_eq!(r.personal, None);
    assert_eq!(r.facts.erased_at, Some(at("2027-04-01T00:00:00Z")));
    assert_eq!(ReferralFacts { erased_at: None, ..r.facts.clone() }, facts_before, "the facts stay");
    assert!(!r.erasure_due(at("2028-01-01T00:00:00Z"), 12), "once is enough");
    assert!(r.add_message(Side::Referrer, 7, closed, "nog een vraag").is_err());
}

#[test]
fn the_side_follows_the_scope() {
    let agb: Code = "01000001".parse().unwrap();
    let org: Code = "welzijn-noord".parse().unwrap();
    let p = |role, scope| Principal { user_id: 1, name: "T".into(), role, scope, second_factor: false };
    assert_eq!(side_of(&p(Role::Practice, Scope::Practice(agb.clone())), &agb, &org), Some(Side::Referrer));
    assert_eq!(side_of(&p(Role::Organization, Scope::Organization(org.clone())), &agb, &org), Some(Side::Receiver));
    assert_eq!(side_of(&p(Role::Region, Scope::Region), &agb, &org), None);
    let other: Code = "01000002".parse().unwrap();
    assert_eq!(side_of(&p(Role::Practice, Scope::Practice(other)), &agb, &org), None);
}

fn any_step() -> impl proptest::strategy::Strategy<Value = (Step, Side)> {
    let steps: Vec<Step> = [Step::Open, Step::Accept, Step::Start, Step::Resume, Step::Cancel { reason: None }]
        .into_iter()
        .chain(RejectionReason::ALL.map(|reason| Step::Reject { reason }))
        .chain(HoldReason::ALL.map(|reason| Step::Hold { reason }))
        .chain(CompletionOutcome::ALL.map(|outcome| Step::Complete { outcome }))
        .collect();
    (proptest::sample::select(steps), proptest::sample::select(Side::ALL.to_vec()))
}

proptest::proptest! {
    #[test]
    fn any_sequence_of_steps_keeps_the_history_lawful(steps in proptest::collection::vec(any_step(), 0..30)) {
        use proptest::prop_assert;
        let mut r = sent();
        let mut t = r.facts.sent_at;
        for (step, side) in steps {
            t += Duration::hours(1);
            let before = r.facts.clone();
            if r.apply(step, side, 1, t, Some("bericht")).is_err() {
                prop_assert!(r.facts == before, "a refused step changes nothing");
            }
            prop_assert!(!before.status.is_terminal() || r.facts == before, "nobody leaves a final state");
        }
        let mut status = ReferralStatus::Requested;
        for change in &r.facts.history {
            prop_assert!(allowed_side(status, change.status) == Some(change.side));
            status = change.status;
        }
        prop_assert!(status == r.facts.status);
        prop_assert!(r.personal.as_ref().unwrap().messages.len() == r.facts.history.len());
        if let (Some(reaction), Some(done)) = (r.facts.first_reaction_at(), r.facts.completed_at()) {
            prop_assert!(reaction <= done);
        }
        prop_assert!(r.facts.completed_at().is_some() == (r.facts.status == ReferralStatus::Completed));
    }
}

/// A referral of the fixture: sent at `sent`, then `steps` as (step, hours
/// after sending, with a message).
fn fact(network: &str, sent: &str, steps: &[(Step, i64, bool)]) -> ReferralFacts {
    let mut r =
        form().validate(&service(), Sender { network: network.parse().unwrap(), ..sender() }, at(sent)).unwrap();
    for &(step, hours, message) in steps {
        let side = if matches!(step, Step::Cancel { .. }) { Side::Referrer } else { Side::Receiver };
        let text = message.then_some("terugkoppeling");
        r.apply(step, side, 20, at(sent) + Duration::hours(hours), text).unwrap();
    }
    r.facts
}

/// Ten referrals, hand-counted in the comments of the test below.
fn fixture() -> Vec<ReferralFacts> {
    use CompletionOutcome::*;
    use RejectionReason::*;
    let complete = |outcome| Step::Complete { outcome };
    let reject = |reason| Step::Reject { reason };
    vec![
        fact(
            "wsv-noord",
            "2026-03-02T09:00:00Z",
            &[(Step::Accept, 24, false), (Step::Start, 48, false), (complete(GoalReached), 240, true)],
        ),
        fact(
            "wsv-noord",
            "2026-03-03T09:00:00Z",
            &[(Step::Accept, 10, false), (Step::Start, 20, false), (complete(NoShow), 100, false)],
        ),
        fact("wsv-noord", "2026-03-10T09:00:00Z", &[(reject(NoCapacity), 5, true)]),
        fact(
            "wsv-noord",
            "2026-03-11T09:00:00Z",
            &[(Step::Open, 1, false), (Step::Accept, 30, false), (complete(GoalReached), 300, true)],
        ),
        fact("wsv-noord", "2026-04-01T09:00:00Z", &[(reject(NotSuitable), 50, true)]),
        fact("wsv-noord", "2026-04-02T09:00:00Z", &[(Step::Accept, 2, false), (complete(GoalReached), 60, true)]),
        fact("wsv-noord", "2026-04-03T09:00:00Z", &[]),
        fact("wsv-zuid", "2026-03-05T09:00:00Z", &[(Step::Accept, 8, false), (complete(ReferredOn), 80, true)]),
        fact("wsv-zuid", "2026-03-06T09:00:00Z", &[(Step::Cancel { reason: None }, 3, false)]),
        fact("wsv-zuid", "2026-04-07T09:00:00Z", &[(reject(NoCapacity), 12, true)]),
    ]
}

#[test]
fn figures_per_network_by_hand() {
    use SmallCount::*;
    let f = figures(&fixture(), GroupBy::Network);
    let [noord, zuid] = &f.rows[..] else { panic!("two networks: {:?}", f.rows) };
    assert_eq!(noord.key, GroupKey::Network("wsv-noord".parse().unwrap()));
    // Sent 7 and 3 of 10: "< 5" for zuid would give away noord's 7 and vice
    // versa, so noord's 7 is hidden as well.
    assert_eq!((noord.sent, zuid.sent), (Hidden, Small));
    // Accepted 4 (n1, n2, n4, n6) and 1 of 5: both small, 4 + 1 has slack.
    assert_eq!((noord.accepted, noord.completed, noord.rejected), (Small, Small, Small));
    // Reactions after 24, 10, 5, 30, 50, 2 hours: median (10 + 24) / 2 = 17.
    assert_eq!(noord.median_hours_to_reaction, Statistic::Value(17));
    // Four completions only.
    assert_eq!(noord.median_hours_to_completion, Statistic::TooFew);
    // Closed by the partner: n1, n2, n3, n4, n5, n6; with a message all but n2: 5/6.
    assert_eq!(noord.feedback_share, Statistic::Value(PerMille(833)));
    assert_eq!(noord.feedback_share.to_string(), "83%");
    assert_eq!(zuid.median_hours_to_reaction, Statistic::TooFew);
    assert_eq!(zuid.feedback_share, Statistic::TooFew);

    let total = &f.total;
    assert_eq!((total.sent, total.accepted, total.completed, total.rejected), (Exact(10), Exact(5), Exact(5), Small));
    // Reactions 2, 5, 8, 10, 12, 24, 30, 50: (10 + 12) / 2.
    assert_eq!(total.median_hours_to_reaction, Statistic::Value(11));
    // Completions 60, 80, 100, 240, 300.
    assert_eq!(total.median_hours_to_completion, Statistic::Value(100));
    // Closed by the partner 8, with a message 7.
    assert_eq!(total.feedback_share.to_string(), "88%");
    let reasons: Vec<(RejectionReason, String)> =
        total.rejection_reasons.iter().map(|(r, c)| (*r, c.to_string())).filter(|(_, c)| c != "0").collect();
    assert_eq!(reasons, [(RejectionReason::NoCapacity, "< 5".into()), (RejectionReason::NotSuitable, "< 5".into())]);
}

#[test]
fn figures_per_month_and_pathway() {
    let f = figures(&fixture(), GroupBy::Month);
    let months: Vec<(YearMonth, String)> = f
        .rows
        .iter()
        .map(|r| match &r.key {
            GroupKey::Month(m) => (*m, r.sent.to_string()),
            other => panic!("{other:?}"),
        })
        .collect();
    // March 6, April 4 of 10: April's "< 5" would follow from March's 6.
    assert_eq!(
        months,
        [(YearMonth { year: 2026, month: 3 }, "x".into()), (YearMonth { year: 2026, month: 4 }, "< 5".into())]
    );
    assert_eq!(f.rows[0].key.label(), "maart 2026");
    let by_pathway = figures(&fixture(), GroupBy::Pathway);
    assert_eq!(by_pathway.rows.len(), 1);
    assert_eq!(by_pathway.rows[0].key.label(), "Welzijn op Recept");
    assert_eq!(by_pathway.rows[0].sent, SmallCount::Exact(10));
}

#[test]
fn figures_never_serialise_a_small_number() {
    let json = serde_json::to_string(&figures(&fixture(), GroupBy::Network)).unwrap();
    assert!(json.contains(r#""sent":"x""#) && json.contains(r#""sent":"< 5""#), "{json}");
    assert!(json.contains(r#""median_hours_to_completion":null"#));
}
