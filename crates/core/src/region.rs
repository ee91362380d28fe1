//! The region model: wijken (sets of CBS areas), GP practices with their
//! registered patients (ION), partner organisations, and networks (WSV) with
//! dated memberships and a coordinator arrangement.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{AgbCode, CbsCode, Code, Postcode};
use crate::error::{FieldError, Invalid};
use crate::limits;

/// The number of registered patients from which a network qualifies for
/// payments ("vanaf 10.000 patiënten"). Tariffs become data per year with the
/// finance capability; this is the default shown against a network's total.
pub const DEFAULT_PATIENT_THRESHOLD: u64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: Code,
    pub name: String,
}

/// One CBS area as it was defined in a given year: CBS redraws wijken and
/// buurten, so a code only means something together with its year (vintage).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Area {
    pub code: CbsCode,
    pub year: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wijk {
    pub code: Code,
    pub name: String,
    pub areas: Vec<Area>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub house_number: u32,
    pub house_number_suffix: Option<String>,
    pub postcode: Postcode,
    pub city: String,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.street, self.house_number)?;
        if let Some(suffix) = &self.house_number_suffix {
            write!(f, "{suffix}")?;
        }
        write!(f, ", {} {}", self.postcode, self.city)
    }
}

impl Wijk {
    /// The rules a wijk must satisfy on its own.
    pub fn problems(&self) -> Vec<FieldError> {
        limits::name("name", &self.name).into_iter().collect()
    }
}

impl Address {
    /// Lengths of the address's texts; field names under `address`.
    fn problems(&self, problems: &mut Vec<FieldError>) {
        limits::check(
            [
                ("address.street", Some(self.street.as_str()), limits::LINE),
                ("address.house_number_suffix", self.house_number_suffix.as_deref(), limits::NAME),
                ("address.city", Some(self.city.as_str()), limits::LINE),
            ],
            problems,
        );
    }
}

/// A practice's number of registered patients (ingeschreven op naam) as
/// counted on a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PatientCount {
    pub date: NaiveDate,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    /// wijkregie's own key, like a network's or an organisation's. Practices
    /// that came with an AGB code have it as their code.
    pub code: Code,
    /// Vektis' AGB code: shown, searched and used in files and FHIR, but
    /// optional, since real practice lists often lack it. Never invented; a
    /// practice without one is not paid until it has one.
    pub agb: Option<AgbCode>,
    pub name: String,
    pub address: Address,
    pub wijk: Option<Code>,
    pub contact: PracticeContact,
    /// Sorted by date, one count per date.
    pub registered_patients: Vec<PatientCount>,
}

/// How a practice is reached, as its own list gives it; free text, because
/// lists write opening hours and phone numbers in every way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeContact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Option<String>,
}

impl Practice {
    /// The rules a practice must satisfy on its own: a name, and texts
    /// within their limits.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems: Vec<FieldError> = limits::name("name", &self.name).into_iter().collect();
        self.address.problems(&mut problems);
        limits::check(
            [
                ("contact.phone", self.contact.phone.as_deref(), limits::LINE),
                ("contact.email", self.contact.email.as_deref(), limits::LINE),
                ("contact.opening_hours", self.contact.opening_hours.as_deref(), limits::TEXT),
            ],
            &mut problems,
        );
        problems
    }

    /// The latest count on or before `date`: the rule the payment statements use.
    pub fn registered_patients_on(&self, date: NaiveDate) -> Option<u32> {
        self.registered_patients.iter().filter(|c| c.date <= date).max_by_key(|c| c.date).map(|c| c.count)
    }
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code used in files, the API and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Dutch label shown on pages.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err(Invalid(format!(
                        "'{}' is geen geldige waarde: kies uit {}",
                        other,
                        [$($code),+].join(", ")
                    ))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

text_enum! {
    /// The domain a partner organisation works in.
    Domain {
        Zorg => "zorg", "zorg";
        Welzijn => "welzijn", "welzijn";
        SociaalDomein => "sociaal_domein", "sociaal domein";
        InformeleZorg => "informele_zorg", "informele zorg";
    }
}

text_enum! {
    /// What a network registered for.
    Module {
        Wijkmanagement => "wijkmanagement", "module wijkmanagement";
        CoordinatorOnly => "coordinator_only", "alleen coördinatorondersteuning";
    }
}

text_enum! {
    NetworkStatus {
        Interesse => "interesse", "interesse";
        InOprichting => "in_oprichting", "in oprichting";
        Actief => "actief", "actief";
        Gestopt => "gestopt", "gestopt";
    }
}

/// Who coordinates the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "option")]
pub enum CoordinatorArrangement {
    /// Option A: the region provides a coordinator, a named person.
    #[serde(rename = "A")]
    ProvidedByRegion { name: String },
    /// Option B: the network employs or hires its own coordinator.
    #[serde(rename = "B")]
    Own { hours_per_week: HoursPerWeek, start_date: NaiveDate },
}

/// Hours per week, kept in whole minutes so that `8` and `7.75` compare exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct HoursPerWeek(u32);

impl TryFrom<u32> for HoursPerWeek {
    type Error = Invalid;
    fn try_from(minutes: u32) -> Result<Self, Invalid> {
        Self::from_minutes(minutes)
    }
}

impl From<HoursPerWeek> for u32 {
    fn from(h: HoursPerWeek) -> u32 {
        h.0
    }
}

impl HoursPerWeek {
    /// Only whole quarter hours, so every value can be written as hours
    /// (`12,25`) and read back exactly.
    pub fn from_minutes(minutes: u32) -> Result<Self, Invalid> {
        if minutes == 0 || minutes > 60 * 60 {
            return Err(Invalid("het aantal uren per week moet tussen 0 en 60 liggen".into()));
        }
        if !minutes.is_multiple_of(15) {
            return Err(Invalid("het aantal uren per week gaat per kwartier".into()));
        }
        Ok(Self(minutes))
    }

    /// Accepts whole and quarter hours (`8`, `12.5`, `7,75`).
    pub fn parse_hours(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().replace(',', ".");
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        let bad = || {
            Invalid(format!(
                "'{}' is geen geldig aantal uren: gebruik hele of kwartieren, zoals 8 of 12,5",
                input.trim()
            ))
        };
        if !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: u32 = whole.parse().map_err(|_| bad())?;
        let minutes = match frac.trim_end_matches('0') {
            "" => 0,
            "25" => 15,
            "5" => 30,
            "75" => 45,
            _ => return Err(bad()),
        };
        Self::from_minutes(whole.checked_mul(60).ok_or_else(bad)? + minutes)
    }

    pub fn minutes(self) -> u32 {
        self.0
    }
}

impl fmt::Display for HoursPerWeek {
    #[expect(clippy::unreachable, reason = "from_minutes, the only way in, admits only quarter hours")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m) = (self.0 / 60, self.0 % 60);
        match m {
            0 => write!(f, "{h}"),
            15 => write!(f, "{h},25"),
            30 => write!(f, "{h},5"),
            45 => write!(f, "{h},75"),
            _ => unreachable!("from_minutes admits only quarter hours"),
        }
    }
}

/// A dated membership: `until` is the last day of membership, if it ended.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Membership<M> {
    pub member: M,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl<M> Membership<M> {
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.from <= date && self.until.is_none_or(|until| date <= until)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub code: Code,
    pub name: String,
    pub domain: Domain,
    /// Where referrals reach the organisation when nobody of it uses wijkregie.
    #[serde(default)]
    pub contact: OrganizationContact,
}

/// An organisation's intake address for referrals: the e-mail address that
/// gets a content-free notification with a link when the organisation has no
/// account, and the phone number a referrer calls when nobody reacts. Free
/// text like a practice's contact, because organisations write phone numbers
/// in every way; the e-mail address must at least look like one, since mail
/// with a link to patient data goes there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationContact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Organization {
    /// The rules an organisation must satisfy on its own.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems: Vec<FieldError> = limits::name("name", &self.name).into_iter().collect();
        limits::check(
            [
                ("email", self.contact.email.as_deref(), limits::LINE),
                ("phone", self.contact.phone.as_deref(), limits::LINE),
            ],
            &mut problems,
        );
        problems
    }
}

impl OrganizationContact {
    /// The contact with blank fields dropped and the e-mail address checked;
    /// the field names are `email` and `phone`.
    pub fn new(email: Option<&str>, phone: Option<&str>) -> Result<Self, FieldError> {
        let clean = |v: Option<&str>| v.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let email = clean(email);
        if let Some(e) = &email {
            if !crate::directory::plausible_email(e) || e.chars().count() > 254 {
                return Err(FieldError::new("email", format!("'{e}' is geen geldig e-mailadres")));
            }
        }
        Ok(Self { email, phone: clean(phone) })
    }
}

/// How a referral reaches an organisation, derived from its users and its
/// contact: shown to the referrer before sending and to the regio-beheerder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// An active user works for the organisation: they see it in wijkregie.
    OnWijkregie,
    /// No user, but an intake e-mail address: a link goes there.
    ByEmail,
    /// Neither: nobody is told.
    Unreachable,
}

impl Reach {
    pub fn of(has_active_user: bool, contact: &OrganizationContact) -> Self {
        match (has_active_user, &contact.email) {
            (true, _) => Self::OnWijkregie,
            (false, Some(_)) => Self::ByEmail,
            (false, None) => Self::Unreachable,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::OnWijkregie => "op_wijkregie",
            Self::ByEmail => "per_email",
            Self::Unreachable => "niet_bereikbaar",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OnWijkregie => "op wijkregie",
            Self::ByEmail => "per e-mail",
            Self::Unreachable => "niet bereikbaar",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub code: Code,
    pub name: String,
    pub wijken: Vec<Code>,
    pub module: Module,
    pub status: NetworkStatus,
    pub registered_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    pub coordinator: Option<CoordinatorArrangement>,
    pub practices: Vec<Membership<Code>>,
    pub partners: Vec<Membership<Code>>,
}

impl Network {
    /// The rules a network must satisfy on its own; field names are relative
    /// to the network so callers can prefix a path.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        problems.extend(limits::name("name", &self.name));
        match self.status {
            NetworkStatus::Actief | NetworkStatus::InOprichting if self.registered_on.is_none() => problems.push(
                FieldError::new("registered_on", "een netwerk dat in oprichting of actief is, heeft een aanmelddatum"),
            ),
            NetworkStatus::Gestopt if self.stopped_on.is_none() => {
                problems.push(FieldError::new("stopped_on", "een gestopt netwerk heeft een stopdatum"));
            }
            _ => {}
        }
        if self.status != NetworkStatus::Gestopt && self.stopped_on.is_some() {
            problems.push(FieldError::new("stopped_on", "alleen een gestopt netwerk heeft een stopdatum"));
        }
        if let (Some(registered), Some(stopped)) = (self.registered_on, self.stopped_on) {
            if stopped < registered {
                problems.push(FieldError::new("stopped_on", "de stopdatum ligt vóór de aanmelddatum"));
            }
        }
        membership_problems(&self.practices, "practices", &mut problems);
        membership_problems(&self.partners, "partners", &mut problems);
        problems
    }

    pub fn practices_on(&self, date: NaiveDate) -> impl Iterator<Item = &Code> {
        self.practices.iter().filter(move |m| m.active_on(date)).map(|m| &m.member)
    }

    /// The sum, over the practices that are members on `date`, of each
    /// practice's latest count on or before that date.
    pub fn registered_patients_on(&self, date: NaiveDate, practices: &[Practice]) -> u64 {
        self.practices_on(date)
            .filter_map(|code| practices.iter().find(|p| &p.code == code))
            .filter_map(|p| p.registered_patients_on(date))
            .map(u64::from)
            .sum()
    }
}

fn membership_problems<M: PartialEq>(members: &[Membership<M>], field: &str, problems: &mut Vec<FieldError>) {
    for (i, m) in members.iter().enumerate() {
        if m.until.is_some_and(|until| until < m.from) {
            problems.push(FieldError::new(
                format!("{field}[{i}].until"),
                "het einde van het lidmaatschap ligt vóór het begin",
            ));
        }
        let overlaps = members[..i].iter().any(|other| {
            other.member == m.member
                && other.until.is_none_or(|u| m.from <= u)
                && m.until.is_none_or(|u| other.from <= u)
        });
        if overlaps {
            problems.push(FieldError::new(
                format!("{field}[{i}]"),
                "dit lid staat al in het netwerk in een overlappende periode",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn practice(agb: &str, counts: &[(&str, u32)]) -> Practice {
        Practice {
            code: agb.parse().unwrap(),
            agb: Some(agb.parse().unwrap()),
            name: format!("Praktijk {agb}"),
            contact: PracticeContact::default(),
            address: Address {
                street: "Dorpsstraat".into(),
                house_number: 1,
                house_number_suffix: None,
                postcode: "1215EK".parse().unwrap(),
                city: "Hilversum".into(),
            },
            wijk: None,
            registered_patients: counts
                .iter()
                .map(|(date, count)| PatientCount { date: d(date), count: *count })
                .collect(),
        }
    }

    fn network(practices: Vec<Membership<Code>>) -> Network {
        Network {
            code: "wsv-noord".parse().unwrap(),
            name: "WSV Noord".into(),
            wijken: vec![],
            module: Module::Wijkmanagement,
            status: NetworkStatus::Actief,
            registered_on: Some(d("2024-02-01")),
            stopped_on: None,
            coordinator: None,
            practices,
            partners: vec![],
        }
    }

    #[test]
    fn patient_count_is_the_latest_on_or_before_the_date() {
        let p = practice("01000001", &[("2025-01-01", 2000), ("2025-04-01", 2100)]);
        assert_eq!(p.registered_patients_on(d("2024-12-31")), None);
        assert_eq!(p.registered_patients_on(d("2025-01-01")), Some(2000));
        assert_eq!(p.registered_patients_on(d("2025-03-31")), Some(2000));
        assert_eq!(p.registered_patients_on(d("2025-04-01")), Some(2100));
    }

    #[test]
    fn network_total_counts_only_members_on_the_day() {
        let practices =
            vec![practice("01000001", &[("2025-01-01", 6000)]), practice("01000002", &[("2025-01-01", 5000)])];
        let n = network(vec![
            Membership { member: "01000001".parse().unwrap(), from: d("2024-01-01"), until: None },
            Membership { member: "01000002".parse().unwrap(), from: d("2025-02-01"), until: Some(d("2025-06-30")) },
        ]);
        assert_eq!(n.registered_patients_on(d("2025-01-15"), &practices), 6000);
        assert_eq!(n.registered_patients_on(d("2025-04-01"), &practices), 11000);
        assert_eq!(n.registered_patients_on(d("2025-06-30"), &practices), 11000);
        assert_eq!(n.registered_patients_on(d("2025-07-01"), &practices), 6000);
    }

    #[test]
    fn network_rules_name_the_field() {
        let mut n = network(vec![
            Membership { member: "01000001".parse().unwrap(), from: d("2024-01-01"), until: Some(d("2023-01-01")) },
            Membership { member: "01000001".parse().unwrap(), from: d("2022-06-01"), until: None },
        ]);
        n.status = NetworkStatus::Gestopt;
        let fields: Vec<_> = n.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["stopped_on", "practices[0].until", "practices[1]"]);
        n.status = NetworkStatus::Actief;
        n.practices.truncate(0);
        assert!(n.problems().is_empty());
    }

    #[test]
    fn hours_are_exact_quarters() {
        assert_eq!(HoursPerWeek::parse_hours("8").unwrap().minutes(), 480);
        assert_eq!(HoursPerWeek::parse_hours("12,5").unwrap().minutes(), 750);
        assert_eq!(HoursPerWeek::parse_hours("7.75").unwrap().to_string(), "7,75");
        assert!(HoursPerWeek::from_minutes(20).is_err());
        for bad in ["", "0", "8.1", "x", "-3", "+8", "61", "99999999999"] {
            assert!(HoursPerWeek::parse_hours(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn enums_parse_their_codes_and_explain_the_choices() {
        assert_eq!("sociaal_domein".parse::<Domain>().unwrap(), Domain::SociaalDomein);
        let err = "gemeente".parse::<Domain>().unwrap_err();
        assert!(err.0.contains("zorg, welzijn, sociaal_domein, informele_zorg"), "{}", err.0);
        assert_eq!(NetworkStatus::InOprichting.label(), "in oprichting");
    }
}

/// A whole region as one value: what a region file declares and what the
/// database holds. Child lists are kept in the order the store returns them
/// (see [`RegionSnapshot::normalized`]) so two snapshots compare field by field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegionSnapshot {
    pub region: Option<Region>,
    pub wijken: Vec<Wijk>,
    pub practices: Vec<Practice>,
    pub organizations: Vec<Organization>,
    pub networks: Vec<Network>,
}

impl RegionSnapshot {
    /// Sorts child rows the way the store reads them back; the order of a
    /// network's wijken is kept, because it is meaningful (the first is the main one).
    pub fn normalized(mut self) -> Self {
        for w in &mut self.wijken {
            w.areas.sort();
            w.areas.dedup();
        }
        for p in &mut self.practices {
            p.registered_patients.sort();
        }
        for n in &mut self.networks {
            n.practices.sort_by(|a, b| (a.from, &a.member).cmp(&(b.from, &b.member)));
            n.partners.sort_by(|a, b| (a.from, &a.member).cmp(&(b.from, &b.member)));
        }
        self
    }
}

/// What applying a snapshot did to one kind of entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCount {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Whether `desired` is new, changed or the same as what `current` holds.
pub fn classify<T: PartialEq>(current: Option<&T>, desired: &T) -> Change {
    match current {
        None => Change::Create,
        Some(c) if c == desired => Change::Unchanged,
        Some(_) => Change::Update,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Unchanged,
}

impl ChangeCount {
    pub fn add(&mut self, change: Change) {
        match change {
            Change::Create => self.created += 1,
            Change::Update => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }
}
