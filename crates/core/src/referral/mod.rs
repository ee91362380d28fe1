//! Closed-loop verwijzingen: a practice refers a patient to a service of a
//! netwerkpartner from the social map and hears back how it went.

pub mod calendar;
pub mod status;

pub use status::{
    allowed_side, transition, BusinessStatus, CompletionOutcome, HoldReason, IllegalTransition, ReferralStatus,
    RejectionReason, Side, Step,
};
