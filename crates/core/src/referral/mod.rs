//! Closed-loop verwijzingen: a practice refers a patient to a service of a
//! netwerkpartner from the social map and hears back how it went.
//!
//! A [`Referral`] is two parts kept apart on purpose:
//! - [`ReferralFacts`]: who referred to which service, for which hulpvraag
//!   and pathway, and every status change (when, by which side and user).
//!   No patient data: these stay after erasure and feed the figures.
//! - [`PersonalData`]: the patient's contact details, the question and the
//!   messages (free text may name the patient). `None` once erased, which
//!   happens a retention period after the referral closed
//!   ([`erasure_due`], default [`DEFAULT_RETENTION_MONTHS`]).
//!
//! Only what the partner needs to make contact is asked (name, phone or
//! e-mail, birth year or age band, postcode); no BSN, no diagnoses. A
//! referral is only made with the patient's consent: [`NewReferral`] refuses
//! one without, so every stored referral's `sent_at`/`sent_by` is also when
//! and by whom consent was recorded.

pub mod calendar;
pub mod figures;
pub mod link;
pub mod status;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Months, Utc};
use serde::{Deserialize, Serialize};

pub use status::{
    allowed_side, transition, BusinessStatus, CancelReason, CompletionOutcome, HoldReason, IllegalTransition,
    ReferralStatus, RejectionReason, Side, Step,
};

use crate::access::{Principal, Scope};
use crate::codes::{Code, PostcodeArea};
use crate::directory::{plausible_email, HsdsId, Pathway, Service, ServiceStatus};
use crate::error::{FieldError, Invalid};

/// "Binnen vijf werkdagen een reactie": after this many working days without
/// a decision a referral is overdue, for both sides.
pub const DEFAULT_REACTION_WORKING_DAYS: u32 = 5;

/// Personal data is erased this many months after a referral closed.
pub const DEFAULT_RETENTION_MONTHS: u32 = 12;

const MAX_NAME: usize = 100;
const MAX_QUESTION: usize = 1000;
const MAX_MESSAGE: usize = 2000;

/// How soon the partner should act (FHIR request priority codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Routine,
    Urgent,
}

impl Urgency {
    pub const ALL: [Urgency; 2] = [Self::Routine, Self::Urgent];

    pub fn code(self) -> &'static str {
        match self {
            Self::Routine => "routine",
            Self::Urgent => "urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Routine => "normaal",
            Self::Urgent => "met voorrang",
        }
    }
}

impl FromStr for Urgency {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s.trim())
            .ok_or_else(|| Invalid(format!("'{}' is geen urgentie: kies uit routine, urgent", s.trim())))
    }
}

/// An age band, for patients who would rather not give their birth year;
/// bounds follow the target groups of the pathways (GLI jeugd up to 17,
/// Valpreventie from 65).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "0-3")]
    Toddler,
    #[serde(rename = "4-11")]
    Child,
    #[serde(rename = "12-17")]
    Teen,
    #[serde(rename = "18-29")]
    YoungAdult,
    #[serde(rename = "30-49")]
    Adult,
    #[serde(rename = "50-64")]
    MiddleAged,
    #[serde(rename = "65-74")]
    Senior,
    #[serde(rename = "75+")]
    Elderly,
}

impl AgeBand {
    pub const ALL: [AgeBand; 8] = [
        Self::Toddler,
        Self::Child,
        Self::Teen,
        Self::YoungAdult,
        Self::Adult,
        Self::MiddleAged,
        Self::Senior,
        Self::Elderly,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Toddler => "0-3",
            Self::Child => "4-11",
            Self::Teen => "12-17",
            Self::YoungAdult => "18-29",
            Self::Adult => "30-49",
            Self::MiddleAged => "50-64",
            Self::Senior => "65-74",
            Self::Elderly => "75+",
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::Elderly => "75 jaar of ouder".into(),
            other => format!("{} jaar", other.code().replace('-', " tot en met ")),
        }
    }
}

impl FromStr for AgeBand {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen leeftijdscategorie: kies uit {}",
                s.trim(),
                Self::ALL.map(Self::code).join(", ")
            ))
        })
    }
}

/// Birth year, or an age band when that is all the patient wants to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Age {
    BirthYear(u16),
    Band(AgeBand),
}

/// A Dutch phone number, kept as ten digits starting with 0 (`0612345678`),
/// whether typed as `06-1234 5678`, `+31 6 12345678` or `0031612345678`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PhoneNumber {
    type Err = Invalid;
    fn from_str(input: &str) -> Result<Self, Invalid> {
        let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
        let national = if let Some(rest) = compact.strip_prefix("+31").or_else(|| compact.strip_prefix("0031")) {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        } else {
            compact
        };
        let b = national.as_bytes();
        // Ten digits, trunk prefix 0, and no 00 (that would be an international number).
        if b.len() == 10 && b.iter().all(u8::is_ascii_digit) && b[0] == b'0' && b[1] != b'0' {
            Ok(Self(national))
        } else {
            Err(Invalid(format!(
                "'{}' is geen geldig Nederlands telefoonnummer: gebruik 10 cijfers, zoals 06 12345678 of 030 1234567",
                input.trim()
            )))
        }
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the partner needs to contact the patient, and nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientContact {
    pub name: String,
    pub phone: Option<PhoneNumber>,
    pub email: Option<String>,
    pub age: Age,
    pub postcode: PostcodeArea,
}

/// A message written with a step or on its own; free text, so personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub at: DateTime<Utc>,
    pub side: Side,
    /// The user who wrote it; 0 when written through the e-mail link.
    pub by: i64,
    /// Written by the receiving organisation through the single-use link
    /// to its intake address, not by a user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub via_link: bool,
    pub text: String,
}

/// Everything of a referral that can identify the patient: erased together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalData {
    pub contact: PatientContact,
    /// The referrer's question to the partner.
    pub question: String,
    pub messages: Vec<Message>,
}

/// One step in a referral's history, without its message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub step: Step,
    /// The status after the step.
    pub status: ReferralStatus,
    pub side: Side,
    /// The user who took the step; 0 when taken through the e-mail link.
    pub by: i64,
    /// Taken by the receiving organisation through the single-use link to
    /// its intake address, not by a user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub via_link: bool,
    pub at: DateTime<Utc>,
    /// Whether a message came with it: the anonymous trace of feedback.
    pub with_message: bool,
}

/// The anonymous facts of a referral: kept after erasure, counted in the
/// figures. Network and wijk are those of the referring practice when the
/// referral was sent, so later changes in membership do not rewrite history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFacts {
    pub referring_practice: Code,
    pub network: Code,
    pub wijk: Option<Code>,
    pub receiving_organization: Code,
    pub service: HsdsId,
    pub location: Option<HsdsId>,
    pub pathway: Option<Pathway>,
    /// The hulpvraag category: a taxonomy term code.
    pub hulpvraag: Code,
    pub urgency: Urgency,
    pub sent_by: i64,
    pub sent_at: DateTime<Utc>,
    pub status: ReferralStatus,
    /// Every step after sending, oldest first.
    pub history: Vec<StatusChange>,
    pub erased_at: Option<DateTime<Utc>>,
}

impl ReferralFacts {
    /// The first decision of the partner (accept or reject). Opening a
    /// referral is not a reaction: the referrer still does not know.
    pub fn first_reaction_at(&self) -> Option<DateTime<Utc>> {
        self.history.iter().find(|c| matches!(c.step, Step::Accept | Step::Reject { .. })).map(|c| c.at)
    }

    pub fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.history.iter().find(|c| c.status == ReferralStatus::Completed).map(|c| c.at)
    }

    /// When the referral reached its final state, if it did.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.history.iter().find(|c| c.status.is_terminal()).map(|c| c.at)
    }

    pub fn rejection_reason(&self) -> Option<RejectionReason> {
        self.history.iter().find_map(|c| match c.step {
            Step::Reject { reason } => Some(reason),
            _ => None,
        })
    }

    /// Why the practice withdrew the referral, if it did and said so.
    pub fn cancel_reason(&self) -> Option<CancelReason> {
        self.history.iter().find_map(|c| match c.step {
            Step::Cancel { reason } => reason,
            _ => None,
        })
    }

    pub fn outcome(&self) -> Option<CompletionOutcome> {
        self.history.iter().find_map(|c| match c.step {
            Step::Complete { outcome } => Some(outcome),
            _ => None,
        })
    }

    /// Closed by the partner (completed or rejected) with a message to the
    /// referrer: "closed with feedback". `None` while not closed by the partner.
    pub fn closed_with_feedback(&self) -> Option<bool> {
        self.history
            .iter()
            .find(|c| matches!(c.status, ReferralStatus::Completed | ReferralStatus::Rejected))
            .map(|c| c.with_message)
    }

    /// The last day for the partner's decision, shown as "reageren vóór".
    pub fn reaction_due(&self, working_days: u32) -> chrono::NaiveDate {
        calendar::reaction_due(crate::clock::nl_time(self.sent_at).date(), working_days)
    }

    /// No decision within `working_days` working days of sending (Dutch
    /// local days).
    pub fn is_overdue(&self, now: DateTime<Utc>, working_days: u32) -> bool {
        self.status.needs_reaction()
            && calendar::is_overdue(crate::clock::nl_time(self.sent_at), crate::clock::nl_time(now), working_days)
    }
}

/// Whether personal data of a referral closed at `closed_at` must be erased
/// by `now`: `months` calendar months later (a referral closed on 31 March
/// with one month is due on 30 April, the last day chrono can reach).
pub fn erasure_due(closed_at: DateTime<Utc>, now: DateTime<Utc>, months: u32) -> bool {
    closed_at.checked_add_months(Months::new(months)).is_some_and(|due| due <= now)
}

/// A referral: anonymous facts plus personal data until it is erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub facts: ReferralFacts,
    /// `None` once erased.
    pub personal: Option<PersonalData>,
}

/// Who takes a step or writes a message: a user, or the receiving
/// organisation through the link sent to its intake address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doer {
    User(i64),
    IntakeLink,
}

impl Doer {
    fn parts(self) -> (i64, bool) {
        match self {
            Self::User(id) => (id, false),
            Self::IntakeLink => (0, true),
        }
    }
}

impl From<i64> for Doer {
    fn from(id: i64) -> Self {
        Self::User(id)
    }
}

/// Why a step was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error(transparent)]
    Transition(#[from] IllegalTransition),
    #[error(transparent)]
    Message(FieldError),
}

impl Referral {
    /// Takes `step` as `side`, by user `by` at `at`, with an optional
    /// message to the other side.
    pub fn apply(
        &mut self,
        step: Step,
        side: Side,
        by: impl Into<Doer>,
        at: DateTime<Utc>,
        message: Option<&str>,
    ) -> Result<(), StepError> {
        let (by, via_link) = by.into().parts();
        let message = clean_message(message).map_err(StepError::Message)?;
        let status = step.apply(self.facts.status, side)?;
        if let Some(text) = &message {
            // A referral whose personal data is erased is closed, so the
            // transition above has already refused; this guards the invariant.
            let personal = self.personal.as_mut().ok_or_else(|| {
                StepError::Message(FieldError::new("message", "de persoonsgegevens van deze verwijzing zijn gewist"))
            })?;
            personal.messages.push(Message { at, side, by, via_link, text: text.clone() });
        }
        self.facts.status = status;
        self.facts.history.push(StatusChange { step, status, side, by, via_link, at, with_message: message.is_some() });
        Ok(())
    }

    /// A message without a status change, e.g. a question back while the
    /// partner decides.
    pub fn add_message(
        &mut self,
        side: Side,
        by: impl Into<Doer>,
        at: DateTime<Utc>,
        text: &str,
    ) -> Result<(), FieldError> {
        let (by, via_link) = by.into().parts();
        let text = clean_message(Some(text))?.ok_or_else(|| FieldError::new("message", "het bericht is leeg"))?;
        let personal = self
            .personal
            .as_mut()
            .ok_or_else(|| FieldError::new("message", "de persoonsgegevens van deze verwijzing zijn gewist"))?;
        personal.messages.push(Message { at, side, by, via_link, text });
        Ok(())
    }

    pub fn erasure_due(&self, now: DateTime<Utc>, months: u32) -> bool {
        self.personal.is_some() && self.facts.closed_at().is_some_and(|closed| erasure_due(closed, now, months))
    }

    /// Whether the personal data exists but cannot be read: sealed with a
    /// key that was lost (the server was started with `--new-key`). Erased
    /// data is absent too, but then `erased_at` says so.
    pub fn personal_unreadable(&self) -> bool {
        self.personal.is_none() && self.facts.erased_at.is_none()
    }

    /// Drops the personal data, keeping the anonymous facts.
    pub fn erase(&mut self, now: DateTime<Utc>) {
        self.personal = None;
        self.facts.erased_at.get_or_insert(now);
    }
}

fn clean_message(message: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(text) = message.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if text.chars().count() > MAX_MESSAGE {
        return Err(FieldError::new("message", format!("het bericht is te lang: hoogstens {MAX_MESSAGE} tekens")));
    }
    Ok(Some(text.to_owned()))
}

/// Which side of `facts` the principal is on, if any: the referring
/// practice or the receiving organisation. The step rules need the side;
/// [`crate::access::authorize`] has already decided they may act at all.
pub fn side_of(who: &Principal, referring_practice: &Code, receiving_organization: &Code) -> Option<Side> {
    match &who.scope {
        Scope::Practice(agb) if agb == referring_practice => Some(Side::Referrer),
        Scope::Organization(org) if org == receiving_organization => Some(Side::Receiver),
        _ => None,
    }
}

/// The referring practice and user, known to the server rather than typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub practice: Code,
    pub network: Code,
    pub wijk: Option<Code>,
    pub user_id: i64,
}

/// The referral form as typed: contact fields are raw text and parsed here;
/// choices made from lists arrive parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReferral {
    pub location: Option<HsdsId>,
    pub pathway: Option<Pathway>,
    pub hulpvraag: Option<Code>,
    pub urgency: Option<Urgency>,
    pub question: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub birth_year: String,
    pub age_band: Option<AgeBand>,
    pub postcode: String,
    /// The referrer confirms the patient agreed to sharing these details.
    pub consent: bool,
}

impl NewReferral {
    /// The referral to `service`, or every problem with the form at once.
    pub fn validate(self, service: &Service, sender: Sender, now: DateTime<Utc>) -> Result<Referral, Vec<FieldError>> {
        let mut problems = Vec::new();
        if service.status != ServiceStatus::Active {
            problems.push(FieldError::new(
                "service",
                format!("'{}' is {} en neemt geen verwijzingen aan", service.name, service.status.label()),
            ));
        }
        if let Some(location) = &self.location {
            if !service.locations.contains(location) {
                problems.push(FieldError::new("location", "deze locatie hoort niet bij het gekozen aanbod"));
            }
        }
        if let Some(pathway) = self.pathway {
            if !service.pathways.contains(&pathway) {
                problems.push(FieldError::new(
                    "pathway",
                    format!("'{}' hoort niet bij de ketenaanpakken van dit aanbod", pathway.label()),
                ));
            }
        }
        if self.hulpvraag.is_none() {
            problems.push(FieldError::new("hulpvraag", "kies de categorie van de hulpvraag"));
        }
        let question = self.question.trim().to_owned();
        if question.is_empty() {
            problems.push(FieldError::new("question", "beschrijf kort de vraag aan de netwerkpartner"));
        } else if question.chars().count() > MAX_QUESTION {
            problems.push(FieldError::new("question", format!("de vraag is te lang: hoogstens {MAX_QUESTION} tekens")));
        } else if contains_bsn(&question) {
            problems.push(FieldError::new(
                "question",
                "noem geen burgerservicenummer (BSN): de netwerkpartner heeft het niet nodig",
            ));
        }
        let contact = self.contact(now, &mut problems);
        if !self.consent {
            problems.push(FieldError::new(
                "consent",
                "vraag de patiënt om toestemming om deze gegevens met de netwerkpartner te delen",
            ));
        }
        match (contact, self.hulpvraag) {
            (Some(contact), Some(hulpvraag)) if problems.is_empty() => Ok(Referral {
                facts: ReferralFacts {
                    referring_practice: sender.practice,
                    network: sender.network,
                    wijk: sender.wijk,
                    receiving_organization: service.organization.clone(),
                    service: service.id.clone(),
                    location: self.location,
                    pathway: self.pathway,
                    hulpvraag,
                    urgency: self.urgency.unwrap_or(Urgency::Routine),
                    sent_by: sender.user_id,
                    sent_at: now,
                    status: ReferralStatus::Requested,
                    history: Vec::new(),
                    erased_at: None,
                },
                personal: Some(PersonalData { contact, question, messages: Vec::new() }),
            }),
            _ => Err(problems),
        }
    }

    fn contact(&self, now: DateTime<Utc>, problems: &mut Vec<FieldError>) -> Option<PatientContact> {
        let before = problems.len();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            problems.push(FieldError::new("name", "de naam van de patiënt is verplicht"));
        } else if name.chars().count() > MAX_NAME {
            problems.push(FieldError::new("name", format!("de naam is te lang: hoogstens {MAX_NAME} tekens")));
        }
        let phone = match self.phone.trim() {
            "" => None,
            typed => typed.parse::<PhoneNumber>().map_err(|e| problems.push(e.at("phone"))).ok(),
        };
        let email = match self.email.trim() {
            "" => None,
            typed if plausible_email(typed) => Some(typed.to_owned()),
            typed => {
                problems.push(FieldError::new("email", format!("'{typed}' is geen geldig e-mailadres")));
                None
            }
        };
        if self.phone.trim().is_empty() && self.email.trim().is_empty() {
            problems.push(FieldError::new("phone", "vul een telefoonnummer of e-mailadres in"));
        }
        let age = match (self.birth_year.trim(), self.age_band) {
            ("", Some(band)) => Some(Age::Band(band)),
            ("", None) => {
                problems.push(FieldError::new("birth_year", "vul een geboortejaar of een leeftijdscategorie in"));
                None
            }
            (typed, _) => {
                let this_year = now.year();
                match typed.parse::<i32>() {
                    Ok(year) if (1900..=this_year).contains(&year) => {
                        Some(Age::BirthYear(u16::try_from(year).expect("between 1900 and now")))
                    }
                    _ => {
                        problems.push(FieldError::new(
                            "birth_year",
                            format!("'{typed}' is geen geboortejaar: gebruik een jaar van 1900 tot en met {this_year}"),
                        ));
                        None
                    }
                }
            }
        };
        let postcode = self.postcode.parse::<PostcodeArea>().map_err(|e| problems.push(e.at("postcode"))).ok();
        match (age, postcode) {
            (Some(age), Some(postcode)) if problems.len() == before => {
                Some(PatientContact { name, phone, email, age, postcode })
            }
            _ => None,
        }
    }
}

/// Whether the text holds a nine-digit number that passes the BSN
/// eleven-test: most likely a citizen service number typed by habit.
fn contains_bsn(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit()).filter(|run| run.len() == 9).any(|run| {
        let digits: Vec<i64> = run.bytes().map(|b| i64::from(b - b'0')).collect();
        let sum: i64 = digits[..8].iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum::<i64>() - digits[8];
        sum != 0 && sum % 11 == 0
    })
}

#[cfg(test)]
mod tests;

/// What an audit event on a referral means, in plain Dutch for the
/// patient's access overview ("opende de verwijzing"); the person or
/// organisation comes before it. Unknown events keep their code, so
/// nothing is hidden.
pub fn access_action_label(event: &str) -> String {
    let known = match event {
        "referral.create" => "verstuurde de verwijzing",
        "referral.read" | "referral.fhir.read" | "referral.link.read" => "opende de verwijzing",
        "referral.list" | "referral.fhir.search" => "zag de lijst met verwijzingen",
        "referral.access_overview" => "bekeek wie de verwijzing zag",
        "referral.message" => "schreef een bericht",
        "referral.erase" => "wiste de persoonsgegevens na de bewaartermijn",
        "referral.link.code" => "vroeg een eenmalige code aan voor de e-maillink",
        "referral.link.verify" => "voerde de eenmalige code van de e-maillink in",
        "referral.link.fresh" => "vroeg een nieuwe e-maillink aan",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    match event.strip_prefix("referral.").and_then(|code| code.parse::<ReferralStatus>().ok()) {
        Some(ReferralStatus::Requested) => "verstuurde de verwijzing".into(),
        Some(ReferralStatus::Received) => "opende de verwijzing".into(),
        Some(ReferralStatus::Accepted) => "accepteerde de verwijzing".into(),
        Some(ReferralStatus::Rejected) => "wees de verwijzing af".into(),
        Some(ReferralStatus::InProgress) => "startte of hervatte de begeleiding".into(),
        Some(ReferralStatus::OnHold) => "zette de verwijzing in de wacht".into(),
        Some(ReferralStatus::Completed) => "rondde de verwijzing af".into(),
        Some(ReferralStatus::Cancelled) => "trok de verwijzing in".into(),
        None => event.to_owned(),
    }
}
