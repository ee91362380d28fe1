//! The life of a verwijzing, after the FHIR R4 Task statuses, as a state
//! machine: which side may move a referral from which status to which.
//!
//! Who may do what (decided with the region; the table in [`transition`] is
//! the rule, the test below enumerates every pair):
//!
//! - The **receiver** (netwerkpartner) opens (`requested → received`),
//!   decides (`accepted` or `rejected`, also straight from `requested`: a
//!   partner may decide on the first read), starts (`accepted → in-progress`),
//!   puts on hold and resumes (`accepted | in-progress ↔ on-hold`), and
//!   completes (`accepted | in-progress | on-hold → completed`; from
//!   `accepted` for a single conversation that needs no separate start).
//! - The **referrer** (praktijk) can only cancel, as long as the referral is
//!   not closed.
//! - Nobody leaves a final state (`rejected`, `completed`, `cancelled`): a new
//!   question is a new referral, so the figures stay honest.
//!
//! `on-hold` means "accepted, but waiting" (waiting list, patient not
//! reachable). A partner that waits for information *before* deciding keeps
//! the referral `received` and writes a message: the referral then still
//! awaits a reaction, which is exactly what the overdue signal is for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// The status of a verwijzing: the FHIR Task status codes we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReferralStatus {
    #[serde(rename = "requested")]
    Requested,
    #[serde(rename = "received")]
    Received,
    #[serde(rename = "accepted")]
    Accepted,
    #[serde(rename = "rejected")]
    Rejected,
    #[serde(rename = "in-progress")]
    InProgress,
    #[serde(rename = "on-hold")]
    OnHold,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "cancelled")]
    Cancelled,
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 8] = [
        Self::Requested,
        Self::Received,
        Self::Accepted,
        Self::Rejected,
        Self::InProgress,
        Self::OnHold,
        Self::Completed,
        Self::Cancelled,
    ];

    /// The FHIR Task.status code, also used in the database and the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::InProgress => "in-progress",
            Self::OnHold => "on-hold",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The Dutch label shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Requested => "verstuurd",
            Self::Received => "geopend",
            Self::Accepted => "geaccepteerd",
            Self::Rejected => "afgewezen",
            Self::InProgress => "in behandeling",
            Self::OnHold => "wacht",
            Self::Completed => "afgerond",
            Self::Cancelled => "ingetrokken",
        }
    }

    /// The label before a noun: "een *afgeronde* verwijzing".
    fn attributive(self) -> &'static str {
        match self {
            Self::Requested => "verstuurde",
            Self::Received => "geopende",
            Self::Accepted => "geaccepteerde",
            Self::Rejected => "afgewezen",
            Self::InProgress => "lopende",
            Self::OnHold => "wachtende",
            Self::Completed => "afgeronde",
            Self::Cancelled => "ingetrokken",
        }
    }

    /// What reaching this status is called: "kan niet worden *geaccepteerd*".
    fn participle(self) -> &'static str {
        match self {
            Self::Requested => "verstuurd",
            Self::Received => "geopend",
            Self::Accepted => "geaccepteerd",
            Self::Rejected => "afgewezen",
            Self::InProgress => "gestart",
            Self::OnHold => "in de wacht gezet",
            Self::Completed => "afgerond",
            Self::Cancelled => "ingetrokken",
        }
    }

    /// Final states: nobody moves a referral out of them.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Rejected | Self::Completed | Self::Cancelled)
    }

    /// Not yet closed.
    pub fn is_open(self) -> bool {
        !self.is_terminal()
    }

    /// The receiver has not decided yet: the state the overdue signal
    /// watches. Opening a referral is not a reaction; accepting or rejecting
    /// it is.
    pub fn needs_reaction(self) -> bool {
        matches!(self, Self::Requested | Self::Received)
    }

    /// The side whose move it is, if any. While a referral is open the ball
    /// lies with the receiver (decide, start, finish); the referrer only
    /// watches and may cancel.
    pub fn awaiting(self) -> Option<Side> {
        self.is_open().then_some(Side::Receiver)
    }
}

impl FromStr for ReferralStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen status van een verwijzing: kies uit requested, received, accepted, rejected, in-progress, on-hold, completed, cancelled",
                s.trim()
            ))
        })
    }
}

impl fmt::Display for ReferralStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The two parties of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The referring practice (Task.requester).
    Referrer,
    /// The receiving partner organisation (Task.owner).
    Receiver,
}

impl Side {
    pub const ALL: [Side; 2] = [Side::Referrer, Side::Receiver];

    pub fn code(self) -> &'static str {
        match self {
            Self::Referrer => "referrer",
            Self::Receiver => "receiver",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Referrer => "verwijzende praktijk",
            Self::Receiver => "ontvangende netwerkpartner",
        }
    }
}

/// Why a move is refused; the message is shown to the user as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IllegalTransition {
    /// The referral already has that status.
    #[error("De verwijzing is al {}", .0.label())]
    Already(ReferralStatus),
    /// No side may make this move.
    #[error("{}", not_allowed_message(*from, *to))]
    NotAllowed { from: ReferralStatus, to: ReferralStatus },
    /// `Resume` on a referral that is not waiting.
    #[error("Een {} verwijzing wacht niet en kan dus niet worden hervat", .0.attributive())]
    NotOnHold(ReferralStatus),
    /// `Start` on a waiting referral: it was started before, so it resumes.
    #[error("Een wachtende verwijzing is al gestart: hervat haar")]
    ResumeInstead,
    /// Only the other side, `allowed`, may make this move.
    #[error("Alleen de {} kan een {} verwijzing {}", .allowed.label(), .from.attributive(), verb(*.to))]
    WrongSide { from: ReferralStatus, to: ReferralStatus, allowed: Side },
}

fn not_allowed_message(from: ReferralStatus, to: ReferralStatus) -> String {
    let again = if from.is_terminal() { "meer " } else { "" };
    format!("Een {} verwijzing kan niet {again}worden {}", from.attributive(), to.participle())
}

/// The move as an infinitive: "Alleen de … kan een … verwijzing *intrekken*".
fn verb(to: ReferralStatus) -> &'static str {
    match to {
        ReferralStatus::Requested => "versturen",
        ReferralStatus::Received => "openen",
        ReferralStatus::Accepted => "accepteren",
        ReferralStatus::Rejected => "afwijzen",
        ReferralStatus::InProgress => "starten",
        ReferralStatus::OnHold => "in de wacht zetten",
        ReferralStatus::Completed => "afronden",
        ReferralStatus::Cancelled => "intrekken",
    }
}

/// The side that may move a referral from `from` to `to`, if any: the
/// transition table itself.
pub fn allowed_side(from: ReferralStatus, to: ReferralStatus) -> Option<Side> {
    use ReferralStatus::*;
    match (from, to) {
        (Requested, Received | Accepted | Rejected) => Some(Side::Receiver),
        (Received, Accepted | Rejected) => Some(Side::Receiver),
        (Accepted, InProgress | OnHold | Completed) => Some(Side::Receiver),
        (InProgress, OnHold | Completed) => Some(Side::Receiver),
        (OnHold, InProgress | Completed) => Some(Side::Receiver),
        (Requested | Received | Accepted | InProgress | OnHold, Cancelled) => Some(Side::Referrer),
        _ => None,
    }
}

/// Whether `side` may move a referral from `from` to `to`.
pub fn transition(from: ReferralStatus, to: ReferralStatus, side: Side) -> Result<(), IllegalTransition> {
    match allowed_side(from, to) {
        Some(allowed) if allowed == side => Ok(()),
        Some(allowed) => Err(IllegalTransition::WrongSide { from, to, allowed }),
        None if from == to => Err(IllegalTransition::Already(from)),
        None => Err(IllegalTransition::NotAllowed { from, to }),
    }
}

/// Why a netwerkpartner declines a referral (FHIR Task.statusReason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectionReason {
    NoCapacity,
    NotSuitable,
    OutsideArea,
    PatientDeclined,
    PatientUnreachable,
    Other,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 6] = [
        Self::NoCapacity,
        Self::NotSuitable,
        Self::OutsideArea,
        Self::PatientDeclined,
        Self::PatientUnreachable,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NoCapacity => "no-capacity",
            Self::NotSuitable => "not-suitable",
            Self::OutsideArea => "outside-area",
            Self::PatientDeclined => "patient-declined",
            Self::PatientUnreachable => "patient-unreachable",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NoCapacity => "geen plek of capaciteit",
            Self::NotSuitable => "aanbod past niet bij de hulpvraag",
            Self::OutsideArea => "buiten ons werkgebied",
            Self::PatientDeclined => "patiënt wil geen gebruik maken van het aanbod",
            Self::PatientUnreachable => "patiënt niet bereikbaar",
            Self::Other => "andere reden",
        }
    }
}

impl FromStr for RejectionReason {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen reden van afwijzing: kies uit {}",
                s.trim(),
                Self::ALL.map(Self::code).join(", ")
            ))
        })
    }
}

/// Why a netwerkpartner waits with an accepted referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoldReason {
    WaitingList,
    PatientUnreachable,
    WaitingForInformation,
    Other,
}

impl HoldReason {
    pub const ALL: [HoldReason; 4] =
        [Self::WaitingList, Self::PatientUnreachable, Self::WaitingForInformation, Self::Other];

    pub fn code(self) -> &'static str {
        match self {
            Self::WaitingList => "waiting-list",
            Self::PatientUnreachable => "patient-unreachable",
            Self::WaitingForInformation => "waiting-for-information",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::WaitingList => "wachtlijst",
            Self::PatientUnreachable => "patiënt nog niet bereikt",
            Self::WaitingForInformation => "wacht op informatie",
            Self::Other => "andere reden",
        }
    }
}

impl FromStr for HoldReason {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen reden om te wachten: kies uit {}",
                s.trim(),
                Self::ALL.map(Self::code).join(", ")
            ))
        })
    }
}

/// Why the practice withdraws a referral (FHIR Task.statusReason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CancelReason {
    /// The patient no longer wants the support.
    PatientDeclined,
    /// The question has gone away or was solved otherwise.
    NoLongerNeeded,
    /// The patient goes to another service instead.
    ReferredElsewhere,
    /// Sent by mistake (wrong service, wrong patient details).
    Mistake,
    Other,
}

impl CancelReason {
    pub const ALL: [CancelReason; 5] =
        [Self::PatientDeclined, Self::NoLongerNeeded, Self::ReferredElsewhere, Self::Mistake, Self::Other];

    pub fn code(self) -> &'static str {
        match self {
            Self::PatientDeclined => "patient-declined",
            Self::NoLongerNeeded => "no-longer-needed",
            Self::ReferredElsewhere => "referred-elsewhere",
            Self::Mistake => "mistake",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PatientDeclined => "patiënt wil het niet meer",
            Self::NoLongerNeeded => "hulp is niet meer nodig",
            Self::ReferredElsewhere => "patiënt gaat naar ander aanbod",
            Self::Mistake => "per vergissing verstuurd",
            Self::Other => "andere reden",
        }
    }
}

impl FromStr for CancelReason {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen reden om in te trekken: kies uit {}",
                s.trim(),
                Self::ALL.map(Self::code).join(", ")
            ))
        })
    }
}

/// How a completed referral ended: the feedback the referrer needs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompletionOutcome {
    /// The agreed support was given.
    GoalReached,
    /// The partner passed the patient on to another service.
    ReferredOn,
    /// The patient stopped before the end.
    StoppedByPatient,
    /// The patient never came.
    NoShow,
    Other,
}

impl CompletionOutcome {
    pub const ALL: [CompletionOutcome; 5] =
        [Self::GoalReached, Self::ReferredOn, Self::StoppedByPatient, Self::NoShow, Self::Other];

    pub fn code(self) -> &'static str {
        match self {
            Self::GoalReached => "goal-reached",
            Self::ReferredOn => "referred-on",
            Self::StoppedByPatient => "stopped-by-patient",
            Self::NoShow => "no-show",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::GoalReached => "begeleiding afgerond",
            Self::ReferredOn => "doorverwezen naar ander aanbod",
            Self::StoppedByPatient => "patiënt is gestopt",
            Self::NoShow => "patiënt is niet verschenen",
            Self::Other => "anders",
        }
    }
}

impl FromStr for CompletionOutcome {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!("'{}' is geen uitkomst: kies uit {}", s.trim(), Self::ALL.map(Self::code).join(", ")))
        })
    }
}

/// What a person does to a referral: each step leads to one status and
/// carries what that status needs (a reason, an outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The netwerkpartner opened the referral for the first time.
    Open,
    Accept,
    Reject {
        reason: RejectionReason,
    },
    /// First contact with the patient: the support has begun.
    Start,
    Hold {
        reason: HoldReason,
    },
    Resume,
    Complete {
        outcome: CompletionOutcome,
    },
    /// The practice withdraws the referral, saying why (FHIR
    /// Task.statusReason). Referrals withdrawn before the reason was asked
    /// have none.
    Cancel {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<CancelReason>,
    },
}

/// A Task.businessStatus: the finer code next to the status, so a
/// `rejected` Task says why and an `in-progress` one says whether it was
/// started or resumed. Codes are wijkregie's own; the FHIR layer adds the
/// code system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessStatus {
    pub code: &'static str,
    pub label: &'static str,
}

impl Step {
    /// The status this step leads to.
    pub fn target(self) -> ReferralStatus {
        match self {
            Self::Open => ReferralStatus::Received,
            Self::Accept => ReferralStatus::Accepted,
            Self::Reject { .. } => ReferralStatus::Rejected,
            Self::Start | Self::Resume => ReferralStatus::InProgress,
            Self::Hold { .. } => ReferralStatus::OnHold,
            Self::Complete { .. } => ReferralStatus::Completed,
            Self::Cancel { .. } => ReferralStatus::Cancelled,
        }
    }

    pub fn business_status(self) -> BusinessStatus {
        let (code, label) = match self {
            Self::Open => ("opened", "geopend door de netwerkpartner"),
            Self::Accept => ("accepted", "geaccepteerd"),
            Self::Reject { reason } => (reason.code(), reason.label()),
            Self::Start => ("first-contact", "eerste contact gelegd"),
            Self::Hold { reason } => (reason.code(), reason.label()),
            Self::Resume => ("resumed", "hervat"),
            Self::Complete { outcome } => (outcome.code(), outcome.label()),
            Self::Cancel { .. } => ("withdrawn", "ingetrokken door de praktijk"),
        };
        BusinessStatus { code, label }
    }

    /// The status after this step by `side`, or why not. `Start` and
    /// `Resume` both lead to `in-progress`; each only from its own status,
    /// so the history says truthfully which happened.
    pub fn apply(self, from: ReferralStatus, side: Side) -> Result<ReferralStatus, IllegalTransition> {
        let to = self.target();
        match self {
            Self::Start if from == ReferralStatus::OnHold => return Err(IllegalTransition::ResumeInstead),
            Self::Resume if from != ReferralStatus::OnHold => return Err(IllegalTransition::NotOnHold(from)),
            _ => {}
        }
        transition(from, to, side)?;
        Ok(to)
    }
}

/// The business status of a referral that has only been sent.
pub const SENT: BusinessStatus = BusinessStatus { code: "sent", label: "verstuurd door de praktijk" };

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    /// The whole table, written out: every legal (from, to, side) triple.
    const LEGAL: &[(ReferralStatus, ReferralStatus, Side)] = &[
        (Requested, Received, Side::Receiver),
        (Requested, Accepted, Side::Receiver),
        (Requested, Rejected, Side::Receiver),
        (Received, Accepted, Side::Receiver),
        (Received, Rejected, Side::Receiver),
        (Accepted, InProgress, Side::Receiver),
        (Accepted, OnHold, Side::Receiver),
        (Accepted, Completed, Side::Receiver),
        (InProgress, OnHold, Side::Receiver),
        (InProgress, Completed, Side::Receiver),
        (OnHold, InProgress, Side::Receiver),
        (OnHold, Completed, Side::Receiver),
        (Requested, Cancelled, Side::Referrer),
        (Received, Cancelled, Side::Referrer),
        (Accepted, Cancelled, Side::Referrer),
        (InProgress, Cancelled, Side::Referrer),
        (OnHold, Cancelled, Side::Referrer),
    ];

    #[test]
    fn exactly_the_legal_transitions_pass() {
        let mut checked = 0;
        for from in ReferralStatus::ALL {
            for to in ReferralStatus::ALL {
                for side in Side::ALL {
                    let expected = LEGAL.contains(&(from, to, side));
                    assert_eq!(transition(from, to, side).is_ok(), expected, "{from:?} → {to:?} by {side:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 8 * 2);
    }

    #[test]
    fn nobody_leaves_a_final_state() {
        for from in ReferralStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            for to in ReferralStatus::ALL {
                assert_eq!(allowed_side(from, to), None, "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn refusals_name_both_states_in_dutch() {
        assert_eq!(
            transition(Completed, Accepted, Side::Receiver).unwrap_err().to_string(),
            "Een afgeronde verwijzing kan niet meer worden geaccepteerd"
        );
        assert_eq!(
            transition(Received, InProgress, Side::Receiver).unwrap_err().to_string(),
            "Een geopende verwijzing kan niet worden gestart"
        );
        assert_eq!(
            transition(Accepted, Cancelled, Side::Receiver).unwrap_err().to_string(),
            "Alleen de verwijzende praktijk kan een geaccepteerde verwijzing intrekken"
        );
        assert_eq!(
            transition(Received, Accepted, Side::Referrer).unwrap_err().to_string(),
            "Alleen de ontvangende netwerkpartner kan een geopende verwijzing accepteren"
        );
        assert_eq!(
            transition(Accepted, Accepted, Side::Receiver).unwrap_err().to_string(),
            "De verwijzing is al geaccepteerd"
        );
    }

    #[test]
    fn every_refusal_has_a_message() {
        for from in ReferralStatus::ALL {
            for to in ReferralStatus::ALL {
                for side in Side::ALL {
                    if let Err(e) = transition(from, to, side) {
                        assert!(e.to_string().len() > 20, "{e}");
                    }
                }
            }
        }
    }

    #[test]
    fn start_and_resume_each_from_their_own_status() {
        assert_eq!(Step::Start.apply(Accepted, Side::Receiver), Ok(InProgress));
        assert_eq!(Step::Resume.apply(OnHold, Side::Receiver), Ok(InProgress));
        assert_eq!(Step::Start.apply(OnHold, Side::Receiver), Err(IllegalTransition::ResumeInstead));
        assert_eq!(
            Step::Resume.apply(Accepted, Side::Receiver).unwrap_err().to_string(),
            "Een geaccepteerde verwijzing wacht niet en kan dus niet worden hervat"
        );
        assert!(Step::Resume.apply(InProgress, Side::Receiver).is_err());
        assert!(Step::Resume.apply(OnHold, Side::Referrer).is_err(), "the side still counts");
    }

    #[test]
    fn reasons_become_the_business_status() {
        let step = Step::Reject { reason: RejectionReason::NoCapacity };
        assert_eq!(step.business_status().code, "no-capacity");
        assert_eq!(Step::Start.business_status().code, "first-contact");
        assert_eq!(Step::Resume.business_status().code, "resumed");
    }

    #[test]
    fn codes_round_trip() {
        for s in ReferralStatus::ALL {
            assert_eq!(s.code().parse::<ReferralStatus>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        for r in RejectionReason::ALL {
            assert_eq!(r.code().parse::<RejectionReason>().unwrap(), r);
            assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        }
        for o in CompletionOutcome::ALL {
            assert_eq!(o.code().parse::<CompletionOutcome>().unwrap(), o);
        }
        for h in HoldReason::ALL {
            assert_eq!(h.code().parse::<HoldReason>().unwrap(), h);
        }
        assert!("done".parse::<ReferralStatus>().unwrap_err().0.contains("in-progress"));
    }

    #[test]
    fn only_undecided_referrals_need_a_reaction() {
        let needing: Vec<_> = ReferralStatus::ALL.into_iter().filter(|s| s.needs_reaction()).collect();
        assert_eq!(needing, [Requested, Received]);
        assert_eq!(Completed.awaiting(), None);
        assert_eq!(OnHold.awaiting(), Some(Side::Receiver));
    }
}
