//! The social map (sociale kaart): services, their locations, opening hours
//! and the hulpvraag taxonomy, modelled on Open Referral HSDS 3.0 so that
//! data can be exchanged with other directories. On top of HSDS: the domain,
//! the five regional pathways a service serves, and the wijken and networks
//! it serves.
//!
//! Organisations are the region's [`crate::region::Organization`]s: in the
//! glossary a netwerkpartner *is* the HSDS organization.

pub mod search;

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::codes::{Code, Postcode};
use crate::error::{FieldError, Invalid};
use crate::limits;
use crate::region::Domain;

/// HSDS identifiers are UUIDs; kept as lowercase text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HsdsId(String);

impl HsdsId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for HsdsId {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().to_ascii_lowercase();
        let groups: Vec<&str> = s.split('-').collect();
        let shape = [8, 4, 4, 4, 12];
        let valid = groups.len() == 5
            && groups.iter().zip(shape).all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
        if valid {
            Ok(Self(s))
        } else {
            Err(Invalid(format!(
                "'{}' is geen geldige id: verwacht een UUID zoals ac148810-d857-441c-9679-408f346de14b",
                input.trim()
            )))
        }
    }
}

impl TryFrom<String> for HsdsId {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<HsdsId> for String {
    fn from(value: HsdsId) -> Self {
        value.0
    }
}

impl fmt::Display for HsdsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// HSDS service status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceStatus {
    #[serde(rename = "active")]
    Active,
    #[serde(rename = "inactive")]
    Inactive,
    #[serde(rename = "defunct")]
    Defunct,
    #[serde(rename = "temporarily closed")]
    TemporarilyClosed,
}

impl ServiceStatus {
    pub const ALL: [ServiceStatus; 4] = [Self::Active, Self::Inactive, Self::Defunct, Self::TemporarilyClosed];

    /// The HSDS code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Defunct => "defunct",
            Self::TemporarilyClosed => "temporarily closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "actief",
            Self::Inactive => "niet actief",
            Self::Defunct => "opgeheven",
            Self::TemporarilyClosed => "tijdelijk gesloten",
        }
    }
}

impl FromStr for ServiceStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|x| x.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen geldige status: kies uit active, inactive, defunct, temporarily closed",
                s.trim()
            ))
        })
    }
}

/// The five regional care pathways (ketenaanpakken).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pathway {
    WelzijnOpRecept,
    GliVolwassenen,
    GliJeugd,
    KansrijkeStart,
    Valpreventie,
}

impl Pathway {
    pub const ALL: [Pathway; 5] =
        [Self::WelzijnOpRecept, Self::GliVolwassenen, Self::GliJeugd, Self::KansrijkeStart, Self::Valpreventie];

    pub fn code(self) -> &'static str {
        match self {
            Self::WelzijnOpRecept => "welzijn_op_recept",
            Self::GliVolwassenen => "gli_volwassenen",
            Self::GliJeugd => "gli_jeugd",
            Self::KansrijkeStart => "kansrijke_start",
            Self::Valpreventie => "valpreventie",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::WelzijnOpRecept => "Welzijn op Recept",
            Self::GliVolwassenen => "GLI volwassenen",
            Self::GliJeugd => "GLI jeugd",
            Self::KansrijkeStart => "Kansrijke Start",
            Self::Valpreventie => "Valpreventie",
        }
    }
}

impl FromStr for Pathway {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|p| p.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen ketenaanpak: kies uit welzijn_op_recept, gli_volwassenen, gli_jeugd, kansrijke_start, valpreventie",
                s.trim()
            ))
        })
    }
}

/// A language spoken at a service, as an ISO 639-1 code (`nl`, `en`, `tr`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for LanguageCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let code = s.trim().to_ascii_lowercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(code))
        } else {
            Err(Invalid(format!(
                "'{}' is geen taalcode: gebruik twee letters volgens ISO 639-1, zoals nl of en",
                s.trim()
            )))
        }
    }
}

impl TryFrom<String> for LanguageCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<LanguageCode> for String {
    fn from(value: LanguageCode) -> Self {
        value.0
    }
}

/// A point in WGS84.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

impl GeoPoint {
    /// Only points in and around the Netherlands make sense for a region's
    /// social map; anything else is a swapped or mistyped coordinate.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, Invalid> {
        if (50.0..=54.0).contains(&latitude) && (3.0..=7.5).contains(&longitude) {
            Ok(Self { latitude, longitude })
        } else {
            Err(Invalid(format!(
                "({latitude}, {longitude}) ligt niet in Nederland: controleer of breedte- en lengtegraad zijn verwisseld"
            )))
        }
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (la1, la2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dla = la2 - la1;
        let dlo = (other.longitude - self.longitude).to_radians();
        let a = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationAddress {
    pub street: String,
    pub house_number: u32,
    pub house_number_suffix: Option<String>,
    pub postcode: Postcode,
    pub city: String,
}

/// The highest house number an address line can carry: the HSDS import
/// reads at most five digits (the highest in the BAG is 5 digits too).
pub const MAX_HOUSE_NUMBER: u32 = 99_999;

/// A suffix holds at most this many characters (BAG: a letter and a
/// toevoeging of four).
pub const MAX_SUFFIX_CHARS: usize = 10;

/// A house-number suffix as it is saved: trimmed, a space inside becomes a
/// `-` ("a 2" → "a-2"), and one that starts with a digit gets a `-` in
/// front ("12" + "3" is "12-3", not house number 123). Written after the
/// number in one word ("Dorpsstraat 12a-2"), it reads back the same: the
/// HSDS import takes the last word as number and suffix, so a suffix with a
/// space did not re-import (issue 22 item 17).
pub fn house_number_suffix(text: &str) -> Result<Option<String>, Invalid> {
    let joined = text.split_whitespace().collect::<Vec<_>>().join("-");
    if joined.is_empty() {
        return Ok(None);
    }
    let suffix = if joined.starts_with(|c: char| c.is_ascii_digit()) { format!("-{joined}") } else { joined };
    if suffix.chars().count() > MAX_SUFFIX_CHARS {
        return Err(Invalid(format!("een toevoeging heeft hoogstens {MAX_SUFFIX_CHARS} tekens")));
    }
    Ok(Some(suffix))
}

impl LocationAddress {
    /// The address as it is saved, so that every export of it reads back
    /// the same: trimmed texts, a house number the address line can carry,
    /// a suffix in one word. Field names are those of the location form.
    pub fn normalised(self) -> Result<Self, Vec<FieldError>> {
        let mut problems = Vec::new();
        limits::check(
            [("straat", Some(self.street.as_str()), limits::LINE), ("plaats", Some(self.city.as_str()), limits::LINE)],
            &mut problems,
        );
        let street = self.street.split_whitespace().collect::<Vec<_>>().join(" ");
        let city = self.city.split_whitespace().collect::<Vec<_>>().join(" ");
        if street.is_empty() {
            problems.push(FieldError::new("straat", "vul de straat in"));
        }
        if city.is_empty() {
            problems.push(FieldError::new("plaats", "vul de plaats in"));
        }
        if !(1..=MAX_HOUSE_NUMBER).contains(&self.house_number) {
            problems.push(FieldError::new("huisnummer", format!("een huisnummer ligt tussen 1 en {MAX_HOUSE_NUMBER}")));
        }
        let suffix = match self.house_number_suffix.as_deref().map(house_number_suffix).transpose() {
            Ok(s) => s.flatten(),
            Err(e) => {
                problems.push(e.at("toevoeging"));
                None
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self { street, house_number: self.house_number, house_number_suffix: suffix, postcode: self.postcode, city })
    }
}

/// A place where services are delivered (HSDS location). Locations belong
/// to an organisation and can host several of its services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: HsdsId,
    pub organization: Code,
    pub name: String,
    pub description: Option<String>,
    pub address: Option<LocationAddress>,
    pub point: Option<GeoPoint>,
}

impl Location {
    /// The location as it is saved (see [`LocationAddress::normalised`]).
    /// Names and descriptions are held to their limits here too; field
    /// names are those of the location form.
    pub fn normalised(self) -> Result<Self, Vec<FieldError>> {
        let mut problems: Vec<FieldError> = limits::name("naam", &self.name).into_iter().collect();
        limits::check([("toelichting", self.description.as_deref(), limits::TEXT)], &mut problems);
        let address = match self.address.map(LocationAddress::normalised).transpose() {
            Ok(address) => address,
            Err(more) => {
                problems.extend(more);
                None
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self { address, ..self })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    pub number: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// When a service can be visited. `slots` empty with `by_appointment` set
/// means: only by appointment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schedule {
    pub slots: Vec<OpeningSlot>,
    pub by_appointment: bool,
    /// Free text such as "in schoolvakanties gesloten".
    pub notes: Option<String>,
    /// Opening hours that are not "every week on these days, from … to …"
    /// (monthly, every other week, only for a period), kept as the HSDS
    /// schedule said them.
    #[serde(default)]
    pub rules: Vec<ScheduleRule>,
}

/// One HSDS schedule beyond the weekly slots: its recurrence (RFC 5545
/// `freq`, `interval`, `byday`, `bymonthday`), its hours and the period it
/// holds for, with its own id so an export gives it back.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScheduleRule {
    pub id: HsdsId,
    pub freq: Option<String>,
    pub interval: Option<u32>,
    pub byday: Option<String>,
    pub bymonthday: Option<String>,
    pub opens: Option<NaiveTime>,
    pub closes: Option<NaiveTime>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpeningSlot {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Schedule {
    pub fn open_at(&self, weekday: u8, time: NaiveTime) -> bool {
        self.slots.iter().any(|s| s.weekday == weekday && s.opens <= time && time < s.closes)
    }
}

/// One hulpvraag category of the region's taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    pub code: Code,
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<Code>,
    /// Words people search with that mean this term ("eenzaam" for eenzaamheid).
    pub synonyms: Vec<String>,
}

/// An organisation's id in another register (HSDS
/// `organization_identifier`), such as its KvK number or a council's own
/// key, kept as the source gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationIdentifier {
    pub id: HsdsId,
    pub organization: Code,
    pub scheme: Option<String>,
    pub kind: Option<String>,
    pub identifier: String,
}

/// A taxonomy of another source (HSDS `taxonomy`): a municipality's
/// sociale kaart, Open Eligibility, a council feed. Every real source has
/// its own; wijkregie keeps it as the source wrote it, so its terms can be
/// shown, searched and exported again with the same ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignTaxonomy {
    pub id: HsdsId,
    pub name: String,
    pub description: Option<String>,
    pub uri: Option<String>,
    pub version: Option<String>,
}

/// A term of a [`ForeignTaxonomy`] (HSDS `taxonomy_term`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignTerm {
    pub id: HsdsId,
    pub taxonomy: HsdsId,
    pub code: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<HsdsId>,
    pub term_uri: Option<String>,
}

/// The regio-beheerder's decision that a foreign term means one of the
/// region's hulpvragen; kept per source taxonomy, so that every later
/// import of that source tags its services with the hulpvraag too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermMapping {
    pub taxonomy: HsdsId,
    pub term: HsdsId,
    pub hulpvraag: Code,
}

/// A service of the social map (HSDS service, with its service_at_locations
/// as `locations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: HsdsId,
    pub organization: Code,
    pub name: String,
    pub alternate_name: Option<String>,
    pub description: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub status: ServiceStatus,
    /// When the information was last checked (HSDS `assured_date`).
    pub assured_date: Option<NaiveDate>,
    pub application_process: Option<String>,
    pub fees_description: Option<String>,
    pub free_of_charge: bool,
    pub eligibility_description: Option<String>,
    pub minimum_age: Option<u8>,
    pub maximum_age: Option<u8>,
    pub languages: Vec<LanguageCode>,
    pub domain: Domain,
    pub pathways: Vec<Pathway>,
    pub serves_wijken: Vec<Code>,
    pub serves_networks: Vec<Code>,
    pub taxonomy_terms: Vec<Code>,
    /// Terms of other sources' taxonomies ([`ForeignTerm`] ids), as an
    /// imported file tagged the service.
    #[serde(default)]
    pub foreign_terms: Vec<HsdsId>,
    pub phones: Vec<Phone>,
    pub contacts: Vec<Contact>,
    pub schedule: Schedule,
    pub locations: Vec<HsdsId>,
}

/// After this many days without a check, an entry is flagged as stale.
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 180;

impl Service {
    /// The rules a service must satisfy on its own; field names are relative.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        problems.extend(limits::name("name", &self.name));
        limits::check(
            [
                ("alternate_name", self.alternate_name.as_deref(), limits::NAME),
                ("description", Some(self.description.as_str()), limits::TEXT),
                ("url", self.url.as_deref(), limits::LINE),
                ("email", self.email.as_deref(), limits::LINE),
                ("application_process", self.application_process.as_deref(), limits::TEXT),
                ("fees_description", self.fees_description.as_deref(), limits::TEXT),
                ("eligibility_description", self.eligibility_description.as_deref(), limits::TEXT),
                ("schedule.notes", self.schedule.notes.as_deref(), limits::TEXT),
            ],
            &mut problems,
        );
        for (i, p) in self.phones.iter().enumerate() {
            let (number, note) = (format!("phones[{i}].number"), format!("phones[{i}].description"));
            limits::check(
                [
                    (number.as_str(), Some(p.number.as_str()), limits::LINE),
                    (note.as_str(), p.description.as_deref(), limits::LINE),
                ],
                &mut problems,
            );
        }
        for (i, c) in self.contacts.iter().enumerate() {
            let fields = ["name", "title", "email", "phone"].map(|f| format!("contacts[{i}].{f}"));
            limits::check(
                [
                    (fields[0].as_str(), Some(c.name.as_str()), limits::NAME),
                    (fields[1].as_str(), c.title.as_deref(), limits::LINE),
                    (fields[2].as_str(), c.email.as_deref(), limits::LINE),
                    (fields[3].as_str(), c.phone.as_deref(), limits::LINE),
                ],
                &mut problems,
            );
        }
        if let (Some(min), Some(max)) = (self.minimum_age, self.maximum_age) {
            if min > max {
                problems.push(FieldError::new("maximum_age", "de maximumleeftijd ligt onder de minimumleeftijd"));
            }
        }
        if let Some(url) = &self.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
                problems.push(FieldError::new("url", format!("'{url}' is geen webadres: begin met https://")));
            }
        }
        if let Some(email) = &self.email {
            if !plausible_email(email) {
                problems.push(FieldError::new("email", format!("'{email}' is geen geldig e-mailadres")));
            }
        }
        for (i, slot) in self.schedule.slots.iter().enumerate() {
            if !(1..=7).contains(&slot.weekday) {
                problems.push(FieldError::new(
                    format!("schedule.slots[{i}].weekday"),
                    "kies een dag van 1 (maandag) tot 7 (zondag)",
                ));
            }
            if slot.opens >= slot.closes {
                problems.push(FieldError::new(
                    format!("schedule.slots[{i}].closes"),
                    "de sluitingstijd ligt niet na de openingstijd",
                ));
            }
        }
        problems
    }

    /// Whether the entry needs checking: never assured, or too long ago.
    pub fn is_stale(&self, today: NaiveDate, stale_after_days: i64) -> bool {
        self.assured_date.is_none_or(|d| (today - d).num_days() > stale_after_days)
    }

    pub fn serves_age(&self, age: u8) -> bool {
        self.minimum_age.is_none_or(|min| age >= min) && self.maximum_age.is_none_or(|max| age <= max)
    }
}

/// What changed between two versions of a service, in Dutch, for its history
/// and for the coordinator who checks a partner's change. Lists whose order
/// means nothing (hulpvragen, talen, …) count as changed only when an item
/// was added or removed: the edit form sends them in its own order, so a
/// partner who changed the opening hours was logged as changing the
/// hulpvragen too.
pub fn changed_fields(old: &Service, new: &Service) -> Vec<&'static str> {
    fn differ<T: PartialEq>(a: &[T], b: &[T]) -> bool {
        a.len() != b.len() || a.iter().any(|x| !b.contains(x)) || b.iter().any(|x| !a.contains(x))
    }
    let checks: [(&'static str, bool); 23] = [
        ("aanbieder", old.organization != new.organization),
        ("naam", old.name != new.name),
        ("andere naam", old.alternate_name != new.alternate_name),
        ("beschrijving", old.description != new.description),
        ("website", old.url != new.url),
        ("e-mail", old.email != new.email),
        ("status", old.status != new.status),
        ("aanmelden", old.application_process != new.application_process),
        ("kosten", old.fees_description != new.fees_description || old.free_of_charge != new.free_of_charge),
        ("voorwaarden", old.eligibility_description != new.eligibility_description),
        ("leeftijd", old.minimum_age != new.minimum_age || old.maximum_age != new.maximum_age),
        ("talen", differ(&old.languages, &new.languages)),
        ("domein", old.domain != new.domain),
        ("ketenaanpakken", differ(&old.pathways, &new.pathways)),
        ("wijken", differ(&old.serves_wijken, &new.serves_wijken)),
        ("netwerken", differ(&old.serves_networks, &new.serves_networks)),
        ("hulpvragen", differ(&old.taxonomy_terms, &new.taxonomy_terms)),
        ("termen van de bron", differ(&old.foreign_terms, &new.foreign_terms)),
        ("telefoon", old.phones != new.phones),
        ("contactpersonen", old.contacts != new.contacts),
        (
            "openingstijden",
            differ(&old.schedule.slots, &new.schedule.slots)
                || old.schedule.by_appointment != new.schedule.by_appointment
                || old.schedule.notes != new.schedule.notes
                || old.schedule.rules != new.schedule.rules,
        ),
        ("locaties", differ(&old.locations, &new.locations)),
        ("gecontroleerd", old.assured_date != new.assured_date),
    ];
    checks.into_iter().filter_map(|(label, changed)| changed.then_some(label)).collect()
}

/// Folds a duplicate into the entry that stays: text the survivor lacks is
/// taken over and lists are joined, so merging never loses what either
/// entry knew. The survivor's own values win where both have one.
pub fn merge_into(survivor: &mut Service, duplicate: &Service) {
    fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    }
    fn join<T: Clone + PartialEq>(mine: &mut Vec<T>, theirs: &[T]) {
        for item in theirs {
            if !mine.contains(item) {
                mine.push(item.clone());
            }
        }
    }
    fill(&mut survivor.alternate_name, &duplicate.alternate_name);
    if survivor.description.trim().is_empty() {
        survivor.description.clone_from(&duplicate.description);
    }
    fill(&mut survivor.url, &duplicate.url);
    fill(&mut survivor.email, &duplicate.email);
    fill(&mut survivor.application_process, &duplicate.application_process);
    fill(&mut survivor.fees_description, &duplicate.fees_description);
    fill(&mut survivor.eligibility_description, &duplicate.eligibility_description);
    fill(&mut survivor.minimum_age, &duplicate.minimum_age);
    fill(&mut survivor.maximum_age, &duplicate.maximum_age);
    join(&mut survivor.languages, &duplicate.languages);
    join(&mut survivor.pathways, &duplicate.pathways);
    join(&mut survivor.serves_wijken, &duplicate.serves_wijken);
    join(&mut survivor.serves_networks, &duplicate.serves_networks);
    join(&mut survivor.taxonomy_terms, &duplicate.taxonomy_terms);
    join(&mut survivor.foreign_terms, &duplicate.foreign_terms);
    let known: Vec<String> = survivor.phones.iter().map(|p| duplicate_key(&p.number)).collect();
    survivor.phones.extend(duplicate.phones.iter().filter(|p| !known.contains(&duplicate_key(&p.number))).cloned());
    join(&mut survivor.contacts, &duplicate.contacts);
    join(&mut survivor.locations, &duplicate.locations);
    if survivor.schedule.slots.is_empty() {
        survivor.schedule.slots.clone_from(&duplicate.schedule.slots);
    }
    survivor.schedule.by_appointment |= duplicate.schedule.by_appointment;
    fill(&mut survivor.schedule.notes, &duplicate.schedule.notes);
    // The merged entry is only as recently checked as its freshest part.
    survivor.assured_date = survivor.assured_date.max(duplicate.assured_date);
}

pub(crate) fn plausible_email(email: &str) -> bool {
    let mut parts = email.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(local), Some(domain), None)
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
            && !email.contains(char::is_whitespace))
}

/// The key under which two entries count as likely duplicates: name, phone
/// or address, each reduced to letters and digits in lower case, so that
/// "Stichting Welzijn-Noord" and "stichting welzijn noord" meet.
pub fn duplicate_key(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    /// Issue 22 item 17: a suffix with a space ("a b") was saved as typed
    /// and its HSDS address line "Dorpsstraat 12a b" did not re-import.
    #[test]
    fn a_house_number_suffix_is_saved_in_one_word() {
        assert_eq!(house_number_suffix(" a  b ").unwrap().as_deref(), Some("a-b"));
        assert_eq!(house_number_suffix("3").unwrap().as_deref(), Some("-3"));
        assert_eq!(house_number_suffix("-3").unwrap().as_deref(), Some("-3"));
        assert_eq!(house_number_suffix("hs").unwrap().as_deref(), Some("hs"));
        assert_eq!(house_number_suffix("  ").unwrap(), None);
        assert!(house_number_suffix("a b c d e f").is_err());
        let address = |number, suffix: &str| LocationAddress {
            street: " Dorpsstraat\t ".into(),
            house_number: number,
            house_number_suffix: Some(suffix.into()),
            postcode: "1215EK".parse().unwrap(),
            city: "Hilversum ".into(),
        };
        let saved = address(12, "a b").normalised().unwrap();
        assert_eq!(saved.street, "Dorpsstraat");
        assert_eq!(saved.city, "Hilversum");
        assert_eq!(saved.house_number_suffix.as_deref(), Some("a-b"));
        let refused = address(123_456, "x").normalised().unwrap_err();
        assert_eq!(refused[0].field, "huisnummer");
    }

    use super::*;
    use proptest::prelude::*;

    pub fn sample() -> Service {
        Service {
            id: "ac148810-d857-441c-9679-408f346de14b".parse().unwrap(),
            organization: "welzijn-noord".parse().unwrap(),
            name: "Maatjesproject".into(),
            alternate_name: None,
            description: "Een vrijwilliger als maatje tegen eenzaamheid.".into(),
            url: Some("https://welzijn-noord.example/maatjes".into()),
            email: Some("maatjes@welzijn-noord.example".into()),
            status: ServiceStatus::Active,
            assured_date: Some(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()),
            application_process: None,
            fees_description: None,
            free_of_charge: true,
            eligibility_description: None,
            minimum_age: Some(18),
            maximum_age: None,
            languages: vec!["nl".parse().unwrap()],
            domain: Domain::Welzijn,
            pathways: vec![Pathway::WelzijnOpRecept],
            serves_wijken: vec![],
            serves_networks: vec![],
            taxonomy_terms: vec!["eenzaamheid".parse().unwrap()],
            foreign_terms: Vec::new(),
            phones: vec![],
            contacts: vec![],
            schedule: Schedule {
                slots: vec![OpeningSlot {
                    weekday: 2,
                    opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                    closes: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
                }],
                by_appointment: true,
                notes: None,
                rules: vec![],
            },
            locations: vec![],
        }
    }

    #[test]
    fn changes_are_named_in_dutch_and_only_real_ones() {
        let old = sample();
        assert!(changed_fields(&old, &old).is_empty());
        let mut new = sample();
        new.name = "Maatjes".into();
        new.schedule.by_appointment = false;
        new.phones.push(Phone { number: "035 000 00 00".into(), description: None });
        assert_eq!(changed_fields(&old, &new), ["naam", "telefoon", "openingstijden"]);
    }

    /// The edit form sends hulpvragen in the taxonomy's order, not the
    /// stored one: a partner who only changed the opening hours was logged
    /// as having changed the hulpvragen too.
    #[test]
    fn a_list_in_another_order_is_no_change() {
        let mut old = sample();
        old.taxonomy_terms = vec!["zwangerschap".parse().unwrap(), "opvoeding".parse().unwrap()];
        old.languages = vec!["nl".parse().unwrap(), "en".parse().unwrap()];
        let mut new = old.clone();
        new.taxonomy_terms.reverse();
        new.languages.reverse();
        new.schedule.slots[0].closes = NaiveTime::from_hms_opt(13, 0, 0).unwrap();
        assert_eq!(changed_fields(&old, &new), ["openingstijden"]);
        new.taxonomy_terms.pop();
        assert_eq!(changed_fields(&old, &new), ["hulpvragen", "openingstijden"]);
    }

    #[test]
    fn merging_keeps_what_either_entry_knew_and_the_survivors_own_values() {
        let mut survivor = sample();
        survivor.url = None;
        survivor.phones = vec![Phone { number: "035-1234567".into(), description: None }];
        let mut duplicate = sample();
        duplicate.id = "bc148810-d857-441c-9679-408f346de14b".parse().unwrap();
        duplicate.name = "Maatjes (oud)".into();
        duplicate.url = Some("https://oud.example".into());
        duplicate.languages.push("tr".parse().unwrap());
        duplicate.phones = vec![
            Phone { number: "035 123 45 67".into(), description: Some("zelfde nummer".into()) },
            Phone { number: "06 1111 2222".into(), description: None },
        ];
        duplicate.assured_date = NaiveDate::from_ymd_opt(2026, 9, 1);
        merge_into(&mut survivor, &duplicate);
        assert_eq!(survivor.name, "Maatjesproject", "the survivor's own value wins");
        assert_eq!(survivor.url.as_deref(), Some("https://oud.example"), "a gap is filled");
        assert_eq!(survivor.languages.len(), 2);
        let numbers: Vec<&str> = survivor.phones.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["035-1234567", "06 1111 2222"], "the same number written differently is kept once");
        assert_eq!(survivor.assured_date, NaiveDate::from_ymd_opt(2026, 9, 1));
        assert_eq!(survivor.id, sample().id);
    }

    #[test]
    fn a_sound_service_has_no_problems() {
        assert!(sample().problems().is_empty());
    }

    #[test]
    fn service_rules_name_the_field() {
        let mut s = sample();
        s.name = " ".into();
        s.minimum_age = Some(65);
        s.maximum_age = Some(18);
        s.url = Some("www.example.nl".into());
        s.email = Some("geen-adres".into());
        s.schedule.slots[0].closes = s.schedule.slots[0].opens;
        s.schedule.slots.push(OpeningSlot { weekday: 8, ..s.schedule.slots[0] });
        let fields: Vec<String> = s.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "maximum_age",
                "url",
                "email",
                "schedule.slots[0].closes",
                "schedule.slots[1].weekday",
                "schedule.slots[1].closes"
            ]
        );
    }

    #[test]
    fn staleness_counts_days_since_the_last_check() {
        let s = sample();
        let checked = s.assured_date.unwrap();
        assert!(!s.is_stale(checked + chrono::Duration::days(180), 180));
        assert!(s.is_stale(checked + chrono::Duration::days(181), 180));
        let never = Service { assured_date: None, ..sample() };
        assert!(never.is_stale(checked, 180));
    }

    #[test]
    fn ages_have_open_ends() {
        let s = sample();
        assert!(!s.serves_age(17));
        assert!(s.serves_age(18) && s.serves_age(99));
    }

    #[test]
    fn open_at_respects_slots() {
        let s = sample().schedule;
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(s.open_at(2, t(9, 0)) && s.open_at(2, t(11, 59)));
        assert!(!s.open_at(2, t(12, 0)) && !s.open_at(3, t(10, 0)));
    }

    #[test]
    fn codes_and_enums_parse_with_dutch_messages() {
        assert_eq!(
            "AC148810-D857-441C-9679-408F346DE14B".parse::<HsdsId>().unwrap().as_str(),
            "ac148810-d857-441c-9679-408f346de14b"
        );
        assert!("ac148810-d857-441c-9679".parse::<HsdsId>().unwrap_err().0.contains("UUID"));
        assert_eq!("temporarily closed".parse::<ServiceStatus>().unwrap(), ServiceStatus::TemporarilyClosed);
        assert!("gesloten".parse::<ServiceStatus>().is_err());
        assert_eq!("valpreventie".parse::<Pathway>().unwrap().label(), "Valpreventie");
        assert!("NL".parse::<LanguageCode>().is_ok() && "nld".parse::<LanguageCode>().is_err());
    }

    #[test]
    fn distance_is_haversine() {
        // Utrecht Centraal to Amsterdam Centraal is about 35 km.
        let utrecht = GeoPoint::new(52.0894, 5.1100).unwrap();
        let amsterdam = GeoPoint::new(52.3789, 4.9003).unwrap();
        let d = utrecht.distance_km(amsterdam);
        assert!((34.0..36.0).contains(&d), "{d}");
        assert!(GeoPoint::new(5.1, 52.0).is_err(), "swapped coordinates are refused");
    }

    #[test]
    fn duplicate_keys_ignore_case_spaces_and_punctuation() {
        assert_eq!(duplicate_key("Stichting Welzijn-Noord"), duplicate_key("stichting welzijn noord"));
        assert_eq!(duplicate_key("030 - 123 45 67"), duplicate_key("0301234567"));
    }

    proptest! {
        #[test]
        fn id_parsing_never_panics(s in ".{0,40}") {
            let _ = s.parse::<HsdsId>();
        }
    }
}
