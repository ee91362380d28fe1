//! The demo's referrals: a year of fictional referrals from the demo
//! practice to the partners of its network, across the five pathways and in
//! every state, so worklists, figures and the chart have something to show.
//! Names are invented; no person is real.

use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{HsdsId, Pathway, Service, ServiceStatus};

use wijkregie_core::referral::{
    CancelReason, CompletionOutcome, Doer, HoldReason, NewReferral, Referral, RejectionReason, Sender, Side, Step,
    Urgency,
};

const NAMES: [&str; 12] = [
    "Anna de Wit",
    "Bram Hoekstra",
    "Cor van Dijk",
    "Dina Bakker",
    "Eef Jansen",
    "Fatima el Amrani",
    "Gerrit Smit",
    "Hanneke Vos",
    "Ilse Mulder",
    "Jan Peeters",
    "Kees de Groot",
    "Lotte Visser",
];

/// Who sends and who answers in the demo.
pub struct Parties {
    pub practice: Code,
    pub network: Code,
    pub wijk: Option<Code>,
    pub practice_user: i64,
    /// The demo user of each organisation that has one; the others answer
    /// through the e-mail link to their intake address.
    pub partner_users: BTreeMap<Code, i64>,
}

impl Parties {
    fn receiver(&self, organization: &Code) -> Doer {
        self.partner_users.get(organization).map_or(Doer::IntakeLink, |&id| Doer::User(id))
    }

    fn sender(&self) -> Sender {
        Sender {
            practice: self.practice.clone(),
            network: self.network.clone(),
            wijk: self.wijk.clone(),
            user_id: self.practice_user,
        }
    }
}

/// How a demo referral went, by its index: most are done, recent ones open.
fn course(n: usize, age_days: i64) -> Vec<Step> {
    let done = match n % 6 {
        0 | 3 => {
            vec![Step::Open, Step::Accept, Step::Start, Step::Complete { outcome: CompletionOutcome::GoalReached }]
        }
        1 => vec![Step::Open, Step::Reject { reason: RejectionReason::NoCapacity }],
        2 => {
            vec![Step::Open, Step::Accept, Step::Start, Step::Complete { outcome: CompletionOutcome::StoppedByPatient }]
        }
        4 => vec![
            Step::Open,
            Step::Accept,
            Step::Hold { reason: HoldReason::WaitingList },
            Step::Resume,
            Step::Complete { outcome: CompletionOutcome::ReferredOn },
        ],
        _ => vec![Step::Cancel { reason: Some(CancelReason::NoLongerNeeded) }],
    };
    match age_days {
        0..=6 => vec![],
        7..=13 => vec![Step::Open],
        14..=30 => done.into_iter().take(3).collect(),
        _ => done,
    }
}

/// How many: about one every working day, as a busy network sends.
const REFERRALS: usize = 240;

/// Referrals to the active services of the network's partners, spread over
/// the past year before `now`, each with its history.
pub fn generate(parties: &Parties, services: &[&Service], now: DateTime<Utc>) -> Vec<(HsdsId, Referral)> {
    let active: Vec<&&Service> = services.iter().filter(|s| s.status == ServiceStatus::Active).collect();
    if active.is_empty() {
        return vec![];
    }
    // Welzijn op Recept is the busiest pathway in most regions, GLI jeugd
    // and Kansrijke Start the quietest; one in eight referrals has none.
    const MIX: [Option<Pathway>; 16] = [
        Some(Pathway::WelzijnOpRecept),
        Some(Pathway::Valpreventie),
        Some(Pathway::WelzijnOpRecept),
        Some(Pathway::GliVolwassenen),
        Some(Pathway::WelzijnOpRecept),
        Some(Pathway::Valpreventie),
        None,
        Some(Pathway::KansrijkeStart),
        Some(Pathway::WelzijnOpRecept),
        Some(Pathway::GliVolwassenen),
        Some(Pathway::Valpreventie),
        Some(Pathway::GliJeugd),
        Some(Pathway::WelzijnOpRecept),
        None,
        Some(Pathway::Valpreventie),
        Some(Pathway::GliVolwassenen),
    ];
    let mut out = Vec::new();
    for n in 0..REFERRALS {
        let age_days = (n as i64 * 365) / REFERRALS as i64 + 1;
        let sent_at = now - Duration::days(age_days) - Duration::hours((n % 7) as i64);
        let wanted = MIX[n % MIX.len()];
        let fitting: Vec<&&&Service> =
            active.iter().filter(|s| wanted.is_none_or(|p| s.pathways.contains(&p))).collect();
        let service: &Service = if fitting.is_empty() { active[n % active.len()] } else { fitting[n % fitting.len()] };
        let pathway = wanted.filter(|p| service.pathways.contains(p));
        let Some(hulpvraag) = service.taxonomy_terms.first().cloned() else { continue };
        let form = NewReferral {
            location: None,
            pathway,
            hulpvraag: Some(hulpvraag),
            urgency: Some(if n % 9 == 0 { Urgency::Urgent } else { Urgency::Routine }),
            question: "Graag contact opnemen voor een kennismaking; de patiënt weet dat u belt.".into(),
            name: NAMES[n % NAMES.len()].into(),
            phone: format!("06 {:08}", 20_000_000 + n * 7_919),
            email: String::new(),
            birth_year: format!("{}", 1940 + (n * 3) % 60),
            age_band: None,
            postcode: "5811 AB".into(),
            consent: true,
        };
        let Ok(mut referral) = form.validate(service, parties.sender(), sent_at) else { continue };
        let mut at = sent_at;
        for (i, step) in course(n, age_days).into_iter().enumerate() {
            at += Duration::hours(20 + (n as i64 % 4) * 13 + i as i64 * 30);
            let (side, by) = if matches!(step, Step::Cancel { .. }) {
                (Side::Referrer, Doer::User(parties.practice_user))
            } else {
                (Side::Receiver, parties.receiver(&service.organization))
            };
            let message = matches!(step, Step::Complete { .. } | Step::Reject { .. })
                .then_some("Dank voor de verwijzing; zie de uitkomst hierboven.");
            if referral.apply(step, side, by, at, message).is_err() {
                break;
            }
        }
        let id: HsdsId = format!("00000000-0000-4000-8000-0003{n:08x}").parse().expect("the pattern is a valid UUID");
        out.push((id, referral));
    }
    out
}

/// One referral in every status to `service`, recent enough to be on the
/// first screen: so a demo partner account has something to do in each tab
/// (new, accepted, in progress, waiting) and something done. `series` keeps
/// the ids apart per service.
pub fn in_every_status(
    parties: &Parties,
    service: &Service,
    series: u8,
    now: DateTime<Utc>,
) -> Vec<(HsdsId, Referral)> {
    let complete = Step::Complete { outcome: CompletionOutcome::GoalReached };
    let courses: [(&[Step], i64); 8] = [
        (&[], 1),
        (&[Step::Open], 2),
        (&[Step::Open, Step::Accept], 3),
        (&[Step::Open, Step::Accept, Step::Start], 6),
        (&[Step::Open, Step::Accept, Step::Hold { reason: HoldReason::WaitingList }], 8),
        (&[Step::Open, Step::Accept, Step::Start, complete], 12),
        (&[Step::Open, Step::Reject { reason: RejectionReason::OutsideArea }], 4),
        (&[Step::Cancel { reason: Some(CancelReason::ReferredElsewhere) }], 5),
    ];
    let Some(hulpvraag) = service.taxonomy_terms.first().cloned() else { return vec![] };
    let receiver = parties.receiver(&service.organization);
    let mut out = Vec::new();
    for (i, (steps, age_days)) in courses.iter().enumerate() {
        let sent_at = now - Duration::days(*age_days) - Duration::hours(2);
        let form = NewReferral {
            location: None,
            pathway: service.pathways.first().copied(),
            hulpvraag: Some(hulpvraag.clone()),
            urgency: Some(Urgency::Routine),
            question: "Voelt zich sinds het overlijden van haar partner eenzaam en komt weinig buiten. Wil graag \
                       iemand spreken over wat er in de buurt te doen is."
                .into(),
            name: NAMES[(i + 5 * usize::from(series)) % NAMES.len()].into(),
            phone: format!("06 {:08}", 31_000_000 + usize::from(series) * 1_000 + i * 97),
            email: String::new(),
            birth_year: format!("{}", 1944 + i * 4),
            age_band: None,
            postcode: "5872 CE".into(),
            consent: true,
        };
        let Ok(mut referral) = form.validate(service, parties.sender(), sent_at) else { continue };
        let mut at = sent_at;
        for step in steps.iter().copied() {
            at += Duration::hours(5);
            let (side, by) = if matches!(step, Step::Cancel { .. }) {
                (Side::Referrer, Doer::User(parties.practice_user))
            } else {
                (Side::Receiver, receiver)
            };
            let message = match step {
                Step::Complete { .. } => Some(
                    "Drie gesprekken gehad met de welzijnscoach.\nMevrouw gaat nu wekelijks naar de koffieochtend \
                     in het buurthuis en doet mee aan de wandelgroep.\nAfgesloten in overleg.",
                ),
                Step::Reject { .. } => Some("Mevrouw woont buiten ons werkgebied; het wijkteam daar kan helpen."),
                _ => None,
            };
            if referral.apply(step, side, by, at, message).is_err() {
                break;
            }
        }
        let id: HsdsId =
            format!("00000000-0000-4000-8000-00{series:02x}0000{i:04x}").parse().expect("the pattern is a valid UUID");
        out.push((id, referral));
    }
    out
}
