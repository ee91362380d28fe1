//! Aanmelding: a practice or forming network registers for the module
//! wijkmanagement, for coordinator services only, or registers interest
//! while it has no partners yet (issue 6). The public form's text becomes an
//! [`Application`] here, with every problem named per field in Dutch; the
//! regio-beheerder's review is a small state machine ([`Status`]).
//! Spam checks that need no outside service are decided here too
//! ([`spam_signal`]); the web layer only measures.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::codes::{AgbCode, Postcode};
use crate::error::{FieldError, Invalid};
use crate::region::{HoursPerWeek, Module};

/// What the applicant asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// The module wijkmanagement (GP time is paid), with a coordinator.
    Wijkmanagement,
    /// Coordinator services without the module (possible from 2024).
    CoordinatorOnly,
    /// Interest, without partners yet: the region helps to find them.
    Interest,
}

impl Request {
    pub const ALL: [Request; 3] = [Request::Wijkmanagement, Request::CoordinatorOnly, Request::Interest];

    pub fn code(self) -> &'static str {
        match self {
            Request::Wijkmanagement => "wijkmanagement",
            Request::CoordinatorOnly => "coordinator_only",
            Request::Interest => "interesse",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Request::Wijkmanagement => "aanmelding voor de module wijkmanagement",
            Request::CoordinatorOnly => "aanmelding voor alleen coördinatorondersteuning",
            Request::Interest => "interesse, nog zonder partners",
        }
    }

    /// The module a network formed from this request gets.
    pub fn module(self) -> Module {
        match self {
            Request::CoordinatorOnly => Module::CoordinatorOnly,
            Request::Wijkmanagement | Request::Interest => Module::Wijkmanagement,
        }
    }
}

impl FromStr for Request {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Request::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| Invalid("kies waarvoor u zich aanmeldt".into()))
    }
}

/// Who would coordinate the network: option A (the region provides one) or
/// option B (the network's own coordinator, with hours per week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "option")]
pub enum CoordinatorChoice {
    #[serde(rename = "A")]
    Region,
    #[serde(rename = "B")]
    Own { hours_per_week: HoursPerWeek },
}

impl fmt::Display for CoordinatorChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoordinatorChoice::Region => f.write_str("optie A: coördinator van de regio"),
            CoordinatorChoice::Own { hours_per_week } => {
                write!(f, "optie B: eigen coördinator, {hours_per_week} uur per week")
            }
        }
    }
}

/// A practice as the applicant describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantPractice {
    pub agb: AgbCode,
    pub name: String,
    pub street: String,
    pub house_number: u32,
    pub house_number_suffix: Option<String>,
    pub postcode: Postcode,
    pub city: String,
    pub registered_patients: u32,
}

/// A valid registration, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub request: Request,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub practices: Vec<ApplicantPractice>,
    pub network_name: Option<String>,
    pub wijk: Option<String>,
    pub coordinator: Option<CoordinatorChoice>,
    pub remarks: Option<String>,
}

impl Application {
    pub fn registered_patients(&self) -> u64 {
        self.practices.iter().map(|p| u64::from(p.registered_patients)).sum()
    }
}

/// The form as typed, one string per field; blank practice rows are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForm {
    pub request: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub practices: Vec<PracticeForm>,
    pub network_name: String,
    pub wijk: String,
    pub coordinator: String,
    pub coordinator_hours: String,
    pub remarks: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeForm {
    pub agb: String,
    pub name: String,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub patients: String,
}

impl PracticeForm {
    fn is_blank(&self) -> bool {
        [&self.agb, &self.name, &self.street, &self.house_number, &self.postcode, &self.city, &self.patients]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// The field name of practice row `row` (counting from 1), as used in the form.
pub fn practice_field(row: usize, field: &str) -> String {
    format!("p{row}_{field}")
}

const MAX_TEXT: usize = 200;
const MAX_REMARKS: usize = 2_000;
/// The largest practices (gezondheidscentra) have some 20,000 patients; a
/// larger number is a typing error.
const MAX_PATIENTS: u32 = 50_000;

impl ApplicationForm {
    /// The application, or every problem with the field it belongs to.
    pub fn parse(&self) -> Result<Application, Vec<FieldError>> {
        let mut problems = Vec::new();
        let request = match self.request.trim() {
            "" => {
                problems.push(FieldError::new("request", "kies waarvoor u zich aanmeldt"));
                None
            }
            s => s.parse::<Request>().map_err(|e| problems.push(e.at("request"))).ok(),
        };
        let contact_name =
            text("contact_name", &self.contact_name, Some("vul de naam van de contactpersoon in"), &mut problems);
        let email = email(&self.email).map_err(|e| problems.push(e.at("email"))).unwrap_or_default();
        let phone = phone(&self.phone).map_err(|e| problems.push(e.at("phone"))).unwrap_or_default();

        let mut practices = Vec::new();
        for (i, row) in self.practices.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            if let Some(p) = practice(i + 1, row, &mut problems) {
                if practices.iter().any(|q: &ApplicantPractice| q.agb == p.agb) {
                    problems.push(FieldError::new(
                        practice_field(i + 1, "agb"),
                        format!("AGB-code {} staat al bij een andere praktijk in dit formulier", p.agb),
                    ));
                } else {
                    practices.push(p);
                }
            }
        }
        if self.practices.iter().all(PracticeForm::is_blank) {
            problems.push(FieldError::new(practice_field(1, "agb"), "vul ten minste één praktijk in"));
        }

        let needs_network = matches!(request, Some(Request::Wijkmanagement | Request::CoordinatorOnly));
        let network_name = text(
            "network_name",
            &self.network_name,
            needs_network.then_some("vul de (voorgestelde) naam van het netwerk in"),
            &mut problems,
        );
        let wijk = text("wijk", &self.wijk, None, &mut problems);
        let coordinator = if needs_network {
            match self.coordinator.trim() {
                "A" => Some(CoordinatorChoice::Region),
                "B" => match self.coordinator_hours.trim() {
                    "" => {
                        problems.push(FieldError::new(
                            "coordinator_hours",
                            "vul bij optie B in hoeveel uur per week de eigen coördinator werkt",
                        ));
                        None
                    }
                    hours => HoursPerWeek::parse_hours(hours)
                        .map(|hours_per_week| CoordinatorChoice::Own { hours_per_week })
                        .map_err(|e| problems.push(e.at("coordinator_hours")))
                        .ok(),
                },
                _ => {
                    problems.push(FieldError::new(
                        "coordinator",
                        "kies optie A (coördinator van de regio) of optie B (eigen coördinator)",
                    ));
                    None
                }
            }
        } else {
            None
        };
        let remarks = self.remarks.trim();
        if remarks.chars().count() > MAX_REMARKS {
            problems.push(FieldError::new("remarks", format!("de opmerkingen zijn langer dan {MAX_REMARKS} tekens")));
        }

        match request {
            Some(request) if problems.is_empty() => Ok(Application {
                request,
                contact_name,
                email,
                phone,
                practices,
                network_name: (!network_name.is_empty()).then_some(network_name),
                wijk: (!wijk.is_empty()).then_some(wijk),
                coordinator,
                remarks: (!remarks.is_empty()).then(|| remarks.to_owned()),
            }),
            _ => Err(problems),
        }
    }
}

/// A trimmed text field; `required` is the message when it is blank.
fn text(field: &str, value: &str, required: Option<&str>, problems: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if value.is_empty() {
        if let Some(message) = required {
            problems.push(FieldError::new(field, message));
        }
    } else if value.chars().count() > MAX_TEXT {
        problems.push(FieldError::new(field, format!("dit veld mag hoogstens {MAX_TEXT} tekens bevatten")));
    } else if value.chars().any(char::is_control) {
        problems.push(FieldError::new(field, "dit veld bevat tekens die niet zijn toegestaan"));
    }
    value.to_owned()
}

fn practice(row: usize, form: &PracticeForm, problems: &mut Vec<FieldError>) -> Option<ApplicantPractice> {
    let field = |name: &str| practice_field(row, name);
    let before = problems.len();
    let agb = match form.agb.trim() {
        "" => {
            problems.push(FieldError::new(field("agb"), "vul de AGB-code van de praktijk in"));
            None
        }
        s => s.parse::<AgbCode>().map_err(|e| problems.push(e.at(field("agb")))).ok(),
    };
    let name = text(&field("name"), &form.name, Some("vul de naam van de praktijk in"), problems);
    let street = text(&field("street"), &form.street, Some("vul de straat in"), problems);
    let house = house_number(&form.house_number).map_err(|e| problems.push(e.at(field("house_number")))).ok();
    let postcode = match form.postcode.trim() {
        "" => {
            problems.push(FieldError::new(field("postcode"), "vul de postcode in, zoals 1234 AB"));
            None
        }
        s => s.parse::<Postcode>().map_err(|e| problems.push(e.at(field("postcode")))).ok(),
    };
    let city = text(&field("city"), &form.city, Some("vul de plaats in"), problems);
    let patients = patients(&form.patients).map_err(|e| problems.push(e.at(field("patients")))).ok();
    if problems.len() > before {
        return None;
    }
    let (house_number, house_number_suffix) = house?;
    Some(ApplicantPractice {
        agb: agb?,
        name,
        street,
        house_number,
        house_number_suffix,
        postcode: postcode?,
        city,
        registered_patients: patients?,
    })
}

/// `12`, `12a`, `12 A`, `12-3`: the number, and what follows as suffix.
pub fn house_number(input: &str) -> Result<(u32, Option<String>), Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Invalid("vul het huisnummer in".into()));
    }
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let rest = s[digits.len()..].trim().trim_start_matches('-').trim();
    let bad = || Invalid(format!("'{s}' is geen geldig huisnummer: begin met het nummer, zoals 12 of 12a"));
    let number: u32 = digits.parse().map_err(|_| bad())?;
    if number == 0 || number > 99_999 || rest.chars().count() > 6 || !rest.chars().all(char::is_alphanumeric) {
        return Err(bad());
    }
    Ok((number, (!rest.is_empty()).then(|| rest.to_owned())))
}

/// A registered-patient count: digits, with the Dutch thousands dot allowed.
pub fn patients(input: &str) -> Result<u32, Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Invalid("vul het aantal ingeschreven patiënten in".into()));
    }
    let compact: String = s.chars().filter(|c| *c != '.' && *c != ' ').collect();
    let bad = || Invalid(format!("'{s}' is geen geldig aantal patiënten: gebruik alleen cijfers, zoals 2850"));
    if compact.is_empty() || !compact.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u32 = compact.parse().map_err(|_| bad())?;
    if n == 0 || n > MAX_PATIENTS {
        return Err(Invalid(format!("het aantal patiënten moet tussen 1 en {MAX_PATIENTS} liggen")));
    }
    Ok(n)
}

/// An email address of the usual shape: something@domain.tld, no spaces.
pub fn email(input: &str) -> Result<String, Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Invalid("vul een e-mailadres in".into()));
    }
    let valid = s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if valid {
        Ok(s.to_owned())
    } else {
        Err(Invalid(format!("'{s}' is geen geldig e-mailadres: verwacht iets als naam@praktijk.nl")))
    }
}

/// A Dutch phone number: ten digits starting with 0, or +31 / 0031 and nine
/// digits; spaces, dashes and brackets are allowed and kept as typed.
pub fn phone(input: &str) -> Result<String, Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Invalid("vul een telefoonnummer in".into()));
    }
    let allowed = s.chars().all(|c| c.is_ascii_digit() || " -()+".contains(c));
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if s.starts_with('+') {
        digits.strip_prefix("31").map(|d| format!("0{d}"))
    } else if let Some(d) = digits.strip_prefix("0031") {
        Some(format!("0{d}"))
    } else {
        Some(digits.clone())
    };
    let valid = allowed
        && !s[1..].contains('+')
        && national.is_some_and(|n| n.len() == 10 && n.starts_with('0') && !n.starts_with("00"));
    if valid {
        Ok(s.to_owned())
    } else {
        Err(Invalid(format!(
            "'{s}' is geen geldig Nederlands telefoonnummer: verwacht tien cijfers, zoals 030 123 45 67"
        )))
    }
}

/// Where a submission stands for the applicant and in the review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Ontvangen,
    Geaccepteerd,
    Afgewezen { reason: String },
}

impl Status {
    pub fn code(&self) -> &'static str {
        match self {
            Status::Ontvangen => "ontvangen",
            Status::Geaccepteerd => "geaccepteerd",
            Status::Afgewezen { .. } => "afgewezen",
        }
    }

    pub fn label(&self) -> &'static str {
        self.code()
    }

    /// The review's one step: a received application is accepted or
    /// rejected, with a reason; a decision is final, since the applicant has
    /// been told (a changed mind is a new application).
    pub fn transition(self, decision: Decision) -> Result<Status, RefusedTransition> {
        match (self, decision) {
            (Status::Ontvangen, Decision::Accept) => Ok(Status::Geaccepteerd),
            (Status::Ontvangen, Decision::Reject { reason }) => {
                let reason = reason.trim();
                if reason.is_empty() {
                    Err(RefusedTransition::ReasonRequired)
                } else if reason.chars().count() > MAX_REMARKS {
                    Err(RefusedTransition::ReasonTooLong)
                } else {
                    Ok(Status::Afgewezen { reason: reason.to_owned() })
                }
            }
            (from, _) => Err(RefusedTransition::AlreadyDecided(from.code())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefusedTransition {
    #[error("vul de reden van de afwijzing in: de aanvrager krijgt die te zien")]
    ReasonRequired,
    #[error("de reden is langer dan 2000 tekens")]
    ReasonTooLong,
    #[error("over deze aanmelding is al beslist ({0})")]
    AlreadyDecided(&'static str),
}

/// Why a submission is kept aside instead of queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpamSignal {
    /// The field people cannot see was filled in: a robot.
    Honeypot,
    /// Sent sooner after the form was shown than a person can fill it in.
    TooFast,
    /// The form's signed time stamp is missing, forged or too old.
    BadStamp,
}

impl SpamSignal {
    pub fn code(self) -> &'static str {
        match self {
            SpamSignal::Honeypot => "honeypot",
            SpamSignal::TooFast => "too_fast",
            SpamSignal::BadStamp => "bad_stamp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SpamSignal::Honeypot => "verborgen veld ingevuld",
            SpamSignal::TooFast => "te snel verstuurd",
            SpamSignal::BadStamp => "tijdstempel ontbreekt, is vervalst of verlopen",
        }
    }
}

impl FromStr for SpamSignal {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        [SpamSignal::Honeypot, SpamSignal::TooFast, SpamSignal::BadStamp]
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| Invalid(format!("'{s}' is geen spamsignaal")))
    }
}

/// Nobody fills in the form properly in under this many seconds.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form open longer than a day is stale; people reload it.
pub const MAX_FORM_AGE_SECONDS: i64 = 24 * 60 * 60;

/// The first reason to keep a submission aside, given the honeypot field
/// and how long ago the form was shown (`None`: the stamp did not verify).
pub fn spam_signal(honeypot: &str, seconds_since_shown: Option<i64>) -> Option<SpamSignal> {
    if !honeypot.trim().is_empty() {
        return Some(SpamSignal::Honeypot);
    }
    match seconds_since_shown {
        None => Some(SpamSignal::BadStamp),
        Some(s) if !(0..=MAX_FORM_AGE_SECONDS).contains(&s) => Some(SpamSignal::BadStamp),
        Some(s) if s < MIN_FILL_SECONDS => Some(SpamSignal::TooFast),
        Some(_) => None,
    }
}

/// What the regio-beheerder should weigh before accepting, in Dutch: a
/// registration for the module below the patient threshold, and an own
/// coordinator (option B) below the minimum hours, both by the tariff of
/// the year. Neither blocks acceptance: practices may still join, or the
/// hours go up, before the first quarter is paid.
pub fn review_warnings(a: &Application, tariff: &crate::finance::Tariff) -> Vec<String> {
    let mut warnings = Vec::new();
    let patients = a.registered_patients();
    if a.request == Request::Wijkmanagement && patients < u64::from(tariff.threshold_patients) {
        warnings.push(format!(
            "Samen {} ingeschreven patiënten: minder dan de drempel van {} voor de module. Zonder meer praktijken wordt het netwerk niet betaald.",
            crate::format::thousands(patients),
            crate::format::thousands(u64::from(tariff.threshold_patients)),
        ));
    }
    if let Some(CoordinatorChoice::Own { hours_per_week }) = a.coordinator {
        if hours_per_week.minutes() < tariff.min_coordinator_minutes {
            let minimum = HoursPerWeek::from_minutes(tariff.min_coordinator_minutes)
                .map_or_else(|_| format!("{} minuten", tariff.min_coordinator_minutes), |h| format!("{h} uur"));
            warnings.push(format!(
                "Eigen coördinator {hours_per_week} uur per week: minder dan de {minimum} per week die voor de coördinatievergoeding nodig is."
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> PracticeForm {
        PracticeForm {
            agb: "01234567".into(),
            name: "Huisartsenpraktijk De Linde".into(),
            street: "Lindenlaan".into(),
            house_number: "12a".into(),
            postcode: "5811 ab".into(),
            city: "Kwartierstad".into(),
            patients: "2.850".into(),
        }
    }

    fn form() -> ApplicationForm {
        ApplicationForm {
            request: "wijkmanagement".into(),
            contact_name: "Anna de Vries".into(),
            email: "anna@praktijk.nl".into(),
            phone: "030 123 45 67".into(),
            practices: vec![row(), PracticeForm::default()],
            network_name: "WSV De Linde".into(),
            wijk: "Binnenstad".into(),
            coordinator: "B".into(),
            coordinator_hours: "8".into(),
            remarks: String::new(),
        }
    }

    fn fields(f: &ApplicationForm) -> Vec<String> {
        f.parse().unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_review_warns_below_the_threshold_and_the_minimum_hours() {
        let tariff = crate::finance::Tariff::default_for(2026);
        // One practice of 2,850 patients, 8 hours: only the threshold.
        let small = form().parse().unwrap();
        let warnings = review_warnings(&small, &tariff);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("2.850") && warnings[0].contains("10.000"), "{}", warnings[0]);

        // 10,000 exactly meets it; 7,5 hours is below the 8.
        let mut f = form();
        f.practices[0].patients = "10.000".into();
        f.coordinator_hours = "7,5".into();
        let warnings = review_warnings(&f.parse().unwrap(), &tariff);
        assert_eq!(warnings, vec!["Eigen coördinator 7,5 uur per week: minder dan de 8 uur per week die voor de coördinatievergoeding nodig is.".to_owned()]);

        // Coordinator only, option A: the module's threshold does not apply, nor hours.
        let mut f = form();
        f.request = "coordinator_only".into();
        f.coordinator = "A".into();
        f.coordinator_hours = String::new();
        assert_eq!(review_warnings(&f.parse().unwrap(), &tariff), Vec::<String>::new());
    }

    #[test]
    fn a_complete_form_becomes_an_application() {
        let a = form().parse().unwrap();
        assert_eq!(a.request, Request::Wijkmanagement);
        assert_eq!(a.practices.len(), 1, "the blank row is ignored");
        let p = &a.practices[0];
        assert_eq!((p.house_number, p.house_number_suffix.as_deref()), (12, Some("a")));
        assert_eq!(p.postcode.to_string(), "5811 AB");
        assert_eq!(p.registered_patients, 2_850);
        assert_eq!(
            a.coordinator,
            Some(CoordinatorChoice::Own { hours_per_week: HoursPerWeek::from_minutes(480).unwrap() })
        );
        assert_eq!(a.remarks, None);
    }

    #[test]
    fn every_bad_field_is_named_in_dutch() {
        let mut f = form();
        f.practices[0].agb = "1234567".into();
        f.practices[0].postcode = "1234".into();
        f.practices[0].patients = "veel".into();
        f.email = "anna@".into();
        f.phone = "12345".into();
        f.coordinator_hours = "7,3".into();
        let errors = f.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "phone", "p1_agb", "p1_postcode", "p1_patients", "coordinator_hours"]);
        assert!(errors[2].message.contains("precies 8 cijfers"), "{}", errors[2].message);
        assert!(errors[3].message.contains("zoals 1215 EK"));
        assert!(errors[4].message.contains("alleen cijfers"));
    }

    #[test]
    fn blank_form_asks_for_the_essentials() {
        let f = ApplicationForm { practices: vec![PracticeForm::default()], ..Default::default() };
        assert_eq!(fields(&f), ["request", "contact_name", "email", "phone", "p1_agb"]);
    }

    #[test]
    fn interest_needs_no_network_name_and_no_coordinator() {
        let mut f = form();
        f.request = "interesse".into();
        f.network_name.clear();
        f.coordinator.clear();
        let a = f.parse().unwrap();
        assert_eq!(a.coordinator, None);
        assert_eq!(a.network_name, None);
        f.request = "coordinator_only".into();
        assert_eq!(fields(&f), ["network_name", "coordinator"]);
    }

    #[test]
    fn option_b_needs_hours() {
        let mut f = form();
        f.coordinator_hours.clear();
        assert_eq!(fields(&f), ["coordinator_hours"]);
        f.coordinator = "A".into();
        assert_eq!(f.parse().unwrap().coordinator, Some(CoordinatorChoice::Region));
    }

    #[test]
    fn the_same_practice_twice_is_refused() {
        let mut f = form();
        f.practices[1] = row();
        assert_eq!(fields(&f), ["p2_agb"]);
    }

    #[test]
    fn a_half_filled_row_is_checked_in_full() {
        let mut f = form();
        f.practices[1].name = "Tweede praktijk".into();
        assert_eq!(fields(&f), ["p2_agb", "p2_street", "p2_house_number", "p2_postcode", "p2_city", "p2_patients"]);
    }

    #[test]
    fn phone_numbers_of_the_netherlands() {
        for good in
            ["0301234567", "030-123 45 67", "06 12345678", "+31 6 12345678", "0031 30 123 4567", "(030) 1234567"]
        {
            assert!(phone(good).is_ok(), "{good}");
        }
        for bad in ["12345", "030 123 45 6", "+32 2 123 45 67", "06123456789", "0612345678a", "0061234567"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_addresses_and_counts_and_house_numbers() {
        assert!(email("a@b.nl").is_ok());
        for bad in ["a", "a@b", "@b.nl", "a@b..nl", "a b@c.nl", "a@b@c.nl"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert_eq!(patients("10.000").unwrap(), 10_000);
        assert!(patients("0").is_err());
        assert!(patients("-5").is_err());
        assert!(patients("2,5").is_err());
        assert!(patients("60000").is_err());
        assert_eq!(house_number("7 - B").unwrap(), (7, Some("B".into())));
        assert!(house_number("a12").is_err());
        assert!(house_number("0").is_err());
    }

    #[test]
    fn a_decision_is_final_and_a_rejection_has_a_reason() {
        assert_eq!(Status::Ontvangen.transition(Decision::Accept), Ok(Status::Geaccepteerd));
        assert_eq!(
            Status::Ontvangen.transition(Decision::Reject { reason: "  ".into() }),
            Err(RefusedTransition::ReasonRequired)
        );
        let rejected = Status::Ontvangen.transition(Decision::Reject { reason: " buiten de regio ".into() }).unwrap();
        assert_eq!(rejected, Status::Afgewezen { reason: "buiten de regio".into() });
        assert_eq!(rejected.transition(Decision::Accept), Err(RefusedTransition::AlreadyDecided("afgewezen")));
        assert!(Status::Geaccepteerd.transition(Decision::Reject { reason: "x".into() }).is_err());
    }

    #[test]
    fn spam_signals() {
        assert_eq!(spam_signal("", Some(60)), None);
        assert_eq!(spam_signal("http://spam", Some(60)), Some(SpamSignal::Honeypot));
        assert_eq!(spam_signal("", Some(MIN_FILL_SECONDS - 1)), Some(SpamSignal::TooFast));
        assert_eq!(spam_signal("", Some(MIN_FILL_SECONDS)), None);
        assert_eq!(spam_signal("", None), Some(SpamSignal::BadStamp));
        assert_eq!(spam_signal("", Some(-5)), Some(SpamSignal::BadStamp), "a stamp from the future");
        assert_eq!(spam_signal("", Some(MAX_FORM_AGE_SECONDS + 1)), Some(SpamSignal::BadStamp));
    }
}
