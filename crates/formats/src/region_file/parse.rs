//! Reading a region file.
//!
//! A derived `Deserialize` stops at the first problem, which turns fixing a
//! hand-written file into one round trip per mistake. So the text is first
//! parsed into a `serde_json::Value` and then walked by hand: every field is
//! checked, every problem is recorded with its JSON path, and a value is
//! built only when nothing was wrong. Sections are walked in a fixed order
//! (wijken, practices, organisations, networks) so that by the time a
//! reference is read, everything it may point to has been seen.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{Map, Value};
use wijkregie_core::codes::{AgbCode, CbsCode, Code, Postcode};
use wijkregie_core::date::parse_date;
use wijkregie_core::error::{FieldError, Invalid};
use wijkregie_core::region::{
    Address, Area, CoordinatorArrangement, Domain, HoursPerWeek, Membership, Module, Network, NetworkStatus,
    Organization, OrganizationContact, PatientCount, Practice, PracticeContact, Region, Wijk,
};

use super::{RegionFile, FORMAT};

/// CBS publishes wijk and buurt boundaries from the 1990s onwards; a year
/// outside this range is a typo, not an old vintage.
const AREA_YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;

/// Dutch house numbers have at most five digits.
const HOUSE_NUMBERS: std::ops::RangeInclusive<i64> = 1..=99_999;

const FILE_FIELDS: &[&str] = &["format", "region", "wijken", "practices", "organizations", "networks"];
const REGION_FIELDS: &[&str] = &["code", "name"];
const WIJK_FIELDS: &[&str] = &["code", "name", "areas"];
const AREA_FIELDS: &[&str] = &["code", "year"];
const PRACTICE_FIELDS: &[&str] =
    &["code", "agb", "name", "address", "wijk", "phone", "email", "opening_hours", "registered_patients"];
const ADDRESS_FIELDS: &[&str] = &["street", "house_number", "house_number_suffix", "postcode", "city"];
const COUNT_FIELDS: &[&str] = &["date", "count"];
const ORGANIZATION_FIELDS: &[&str] = &["code", "name", "domain", "email", "phone"];
const NETWORK_FIELDS: &[&str] = &[
    "code",
    "name",
    "wijken",
    "module",
    "status",
    "registered_on",
    "stopped_on",
    "coordinator",
    "practices",
    "partners",
];
const COORDINATOR_A_FIELDS: &[&str] = &["option", "name"];
const COORDINATOR_B_FIELDS: &[&str] = &["option", "hours_per_week", "start_date"];
const COORDINATOR_ANY_FIELDS: &[&str] = &["option", "name", "hours_per_week", "start_date"];
const PRACTICE_MEMBER_FIELDS: &[&str] = &["practice", "agb", "from", "until"];
const PARTNER_MEMBER_FIELDS: &[&str] = &["organization", "from", "until"];

pub(super) fn parse(json: &str) -> Result<RegionFile, Vec<FieldError>> {
    let root: Value = serde_json::from_str(json).map_err(|e| vec![crate::json_error::dutch(&e)])?;
    let mut reader = Reader::default();
    let file = reader.file(&root);
    match file {
        Some(file) if reader.errors.is_empty() => Ok(file),
        _ => {
            if reader.errors.is_empty() {
                // Every path that yields no value records why; this is a guard
                // against a future branch that forgets to.
                reader.report("$", "het bestand kon niet worden gelezen");
            }
            Err(reader.errors)
        }
    }
}

/// Reads one entity in region-file shape, for the JSON API: the same checks
/// and messages as a whole file, with paths rooted at `$`.
pub(super) fn entity<T>(
    value: &Value,
    read: impl FnOnce(&mut Reader, &Value) -> Option<T>,
) -> Result<T, Vec<FieldError>> {
    let mut reader = Reader { single_entity: true, ..Reader::default() };
    match read(&mut reader, value) {
        Some(v) if reader.errors.is_empty() => Ok(v),
        _ => {
            if reader.errors.is_empty() {
                reader.report("$", "de invoer kon niet worden gelezen");
            }
            Err(reader.errors)
        }
    }
}

pub(super) fn wijk(value: &Value) -> Result<Wijk, Vec<FieldError>> {
    entity(value, |r, v| r.wijk(v, "$"))
}

pub(super) fn practice(value: &Value) -> Result<Practice, Vec<FieldError>> {
    entity(value, |r, v| r.practice(v, "$"))
}

pub(super) fn organization(value: &Value) -> Result<Organization, Vec<FieldError>> {
    entity(value, |r, v| r.organization(v, "$"))
}

pub(super) fn network(value: &Value) -> Result<Network, Vec<FieldError>> {
    entity(value, |r, v| r.network(v, "$"))
}

/// The things in a file that others refer to by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Wijk,
    Practice,
    Agb,
    Organization,
    Network,
    Area,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Wijk => "wijk",
            Kind::Practice => "praktijk",
            Kind::Agb => "AGB-code",
            Kind::Organization => "organisatie",
            Kind::Network => "netwerk",
            Kind::Area => "gebied",
        }
    }

    fn section(self) -> &'static str {
        match self {
            Kind::Wijk => "$.wijken",
            Kind::Practice | Kind::Agb => "$.practices",
            Kind::Organization => "$.organizations",
            Kind::Network => "$.networks",
            Kind::Area => "$.wijken[].areas",
        }
    }
}

#[derive(Default)]
pub(super) struct Reader {
    errors: Vec<FieldError>,
    /// Each code seen so far, with the path where it was declared.
    declared: HashMap<(Kind, String), String>,
    /// The code of each practice by its AGB code, for memberships that name
    /// a practice by its AGB (files written before practices had codes).
    practice_by_agb: HashMap<String, Code>,
    /// Reading one entity on its own (an API body): references point into
    /// the database, which the caller checks, not into this document.
    single_entity: bool,
}

/// A path one step deeper: `$.a` + `b` is `$.a.b`; keys that are not plain
/// identifiers (a typo with a space, say) use bracket notation.
fn field(path: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        let escaped = key.replace('\\', "\\\\").replace('\'', "\\'");
        format!("{path}['{escaped}']")
    }
}

fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "een getal",
        Value::String(_) => "tekst",
        Value::Array(_) => "een lijst",
        Value::Object(_) => "een object",
    }
}

/// Whether every element of a list was read correctly.
fn all<T>(items: Vec<Option<T>>) -> Option<Vec<T>> {
    items.into_iter().collect()
}

impl Reader {
    fn report(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    fn wrong_type(&mut self, value: &Value, path: &str, expected: &str) {
        let found = describe(value);
        self.report(path, format!("verwacht {expected}, maar vond {found}"));
    }

    /// Records a declaration; a second declaration of the same code is an error.
    fn declare(&mut self, kind: Kind, key: &str, path: &str) {
        match self.declared.entry((kind, key.to_owned())) {
            Entry::Vacant(entry) => {
                entry.insert(path.to_owned());
            }
            Entry::Occupied(entry) => {
                let first = entry.get().clone();
                let label = kind.label();
                self.report(path, format!("{label} '{key}' komt al voor in {first}"));
            }
        }
    }

    fn refer(&mut self, kind: Kind, key: &str, path: &str) {
        if !self.single_entity && !self.declared.contains_key(&(kind, key.to_owned())) {
            let (label, section) = (kind.label(), kind.section());
            self.report(path, format!("onbekende {label} '{key}': die staat niet in {section}"));
        }
    }

    /// The value must be an object; fields outside `known` are reported so
    /// that a misspelt optional field does not silently go unused.
    fn object<'v>(&mut self, value: &'v Value, path: &str, known: &[&str]) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.wrong_type(value, path, "een object");
            return None;
        };
        // Sorted, so the order does not depend on serde_json's map features.
        let mut unknown: Vec<&String> = map.keys().filter(|k| !known.contains(&k.as_str())).collect();
        unknown.sort();
        for key in unknown {
            self.report(&field(path, key), format!("onbekend veld: kies uit {}", known.join(", ")));
        }
        Some(map)
    }

    /// A required field; `null` counts as missing.
    fn required<'v>(&mut self, map: &'v Map<String, Value>, path: &str, key: &str) -> Option<&'v Value> {
        match map.get(key) {
            None | Some(Value::Null) => {
                self.report(&field(path, key), "verplicht veld ontbreekt");
                None
            }
            Some(value) => Some(value),
        }
    }

    fn text<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(other, path, "tekst");
                None
            }
        }
    }

    /// Text that must contain more than white space; kept exactly as written.
    fn filled(&mut self, value: &Value, path: &str, message: &str) -> Option<String> {
        let text = self.text(value, path)?;
        if text.trim().is_empty() {
            self.report(path, message);
            return None;
        }
        Some(text.to_owned())
    }

    fn parsed<T>(&mut self, value: &Value, path: &str, parse: impl FnOnce(&str) -> Result<T, Invalid>) -> Option<T> {
        let text = self.text(value, path)?;
        parse(text).map_err(|e| self.errors.push(e.at(path))).ok()
    }

    fn required_text(&mut self, map: &Map<String, Value>, path: &str, key: &str, message: &str) -> Option<String> {
        let value = self.required(map, path, key)?;
        self.filled(value, &field(path, key), message)
    }

    fn required_parsed<T>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        let value = self.required(map, path, key)?;
        self.parsed(value, &field(path, key), parse)
    }

    /// An optional field: `Some(None)` when absent or null, `None` when
    /// present but wrong (the problem is then recorded).
    fn optional_parsed<T>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<Option<T>> {
        match map.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(value) => self.parsed(value, &field(path, key), parse).map(Some),
        }
    }

    fn integer(&mut self, value: &Value, path: &str) -> Option<i128> {
        let Value::Number(n) = value else {
            self.wrong_type(value, path, "een geheel getal");
            return None;
        };
        let whole = n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
        if whole.is_none() {
            self.report(path, format!("verwacht een geheel getal, maar vond {n}"));
        }
        whole
    }

    /// A list field, read element by element with `read`; an absent or null
    /// list is empty. `None` when the field is not a list at all.
    fn list<T>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        mut read: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<Vec<Option<T>>> {
        let path = field(path, key);
        match map.get(key) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Array(items)) => {
                Some(items.iter().enumerate().map(|(i, value)| read(self, value, &item(&path, i))).collect())
            }
            Some(other) => {
                self.wrong_type(other, &path, "een lijst");
                None
            }
        }
    }

    fn file(&mut self, root: &Value) -> Option<RegionFile> {
        let map = self.object(root, "$", FILE_FIELDS)?;
        if let Some(value) = self.required(map, "$", "format") {
            if let Some(format) = self.text(value, "$.format") {
                if format != FORMAT {
                    self.report("$.format", format!("onbekend formaat '{format}': verwacht {FORMAT}"));
                }
            }
        }
        let region = self.required(map, "$", "region").and_then(|value| self.region(value, "$.region"));
        let wijken = self.list(map, "$", "wijken", Self::wijk);
        let practices = self.list(map, "$", "practices", Self::practice);
        let organizations = self.list(map, "$", "organizations", Self::organization);
        let networks = self.list(map, "$", "networks", Self::network);
        if let (Some(networks), Some(practices)) = (&networks, &practices) {
            self.membership_overlaps(networks, practices);
        }
        Some(RegionFile {
            region: region?,
            wijken: all(wijken?)?,
            practices: all(practices?)?,
            organizations: all(organizations?)?,
            networks: all(networks?)?,
        })
    }

    /// A practice in two networks on one day would be paid twice: reported
    /// at the later network's membership, naming both networks.
    fn membership_overlaps(&mut self, networks: &[Option<Network>], practices: &[Option<Practice>]) {
        let read: Vec<(usize, &Network)> =
            networks.iter().enumerate().filter_map(|(i, n)| n.as_ref().map(|n| (i, n))).collect();
        let list: Vec<Network> = read.iter().map(|(_, n)| (*n).clone()).collect();
        for overlap in wijkregie_core::membership::overlaps(&list) {
            let Some((index, _)) = read.iter().find(|(_, n)| n.code == overlap.second.0) else { continue };
            let name = practices
                .iter()
                .flatten()
                .find(|p| p.code == overlap.practice)
                .map_or_else(|| format!("praktijk {}", overlap.practice), |p| p.name.clone());
            let path = format!("$.networks[{index}].practices[{}]", overlap.second.2);
            self.report(&path, overlap.message(&name));
        }
    }

    fn region(&mut self, value: &Value, path: &str) -> Option<Region> {
        let map = self.object(value, path, REGION_FIELDS)?;
        let code = self.required_parsed(map, path, "code", Code::from_str);
        let name = self.required_text(map, path, "name", "de naam is verplicht");
        Some(Region { code: code?, name: name? })
    }

    fn wijk(&mut self, value: &Value, path: &str) -> Option<Wijk> {
        let map = self.object(value, path, WIJK_FIELDS)?;
        let code = self.required_parsed(map, path, "code", Code::from_str);
        if let Some(code) = &code {
            self.declare(Kind::Wijk, code.as_str(), &field(path, "code"));
        }
        let name = self.required_text(map, path, "name", "de naam is verplicht");
        let areas = match self.required(map, path, "areas") {
            None => None,
            Some(_) => self.list(map, path, "areas", Self::area),
        };
        Some(Wijk { code: code?, name: name?, areas: all(areas?)? })
    }

    fn area(&mut self, value: &Value, path: &str) -> Option<Area> {
        let map = self.object(value, path, AREA_FIELDS)?;
        let code = self.required_parsed(map, path, "code", CbsCode::from_str);
        let year = self.required(map, path, "year").and_then(|value| {
            let year_path = field(path, "year");
            let year = self.integer(value, &year_path)?;
            let fits = i64::try_from(year).is_ok_and(|y| AREA_YEARS.contains(&y));
            if fits {
                u16::try_from(year).ok()
            } else {
                self.report(
                    &year_path,
                    format!("het jaar {year} ligt buiten het bereik {}–{}", AREA_YEARS.start(), AREA_YEARS.end()),
                );
                None
            }
        });
        let area = Area { code: code?, year: year? };
        // A CBS area belongs to one wijk of the region at most; listing it
        // twice would count its inhabitants twice.
        self.declare(Kind::Area, &format!("{} ({})", area.code, area.year), &field(path, "code"));
        Some(area)
    }

    fn practice(&mut self, value: &Value, path: &str) -> Option<Practice> {
        let map = self.object(value, path, PRACTICE_FIELDS)?;
        // A practice has a code, an AGB code, or both; with only an AGB
        // code, that is its code too. The AGB is never invented.
        let agb = self.optional_parsed(map, path, "agb", AgbCode::from_str);
        let given_code = self.optional_parsed(map, path, "code", Code::from_str);
        let code = match (&given_code, &agb) {
            (Some(Some(code)), _) => Some(code.clone()),
            (Some(None), Some(Some(agb))) => agb.as_str().parse::<Code>().ok(),
            (Some(None), Some(None)) => {
                self.report(&field(path, "code"), "vul een code of een AGB-code in");
                None
            }
            _ => None,
        };
        match (&given_code, &code) {
            (Some(Some(_)), Some(code)) => self.declare(Kind::Practice, code.as_str(), &field(path, "code")),
            // A code taken from the AGB code: a duplicate is reported once,
            // as a duplicate AGB code, below.
            (_, Some(code)) => {
                self.declared.entry((Kind::Practice, code.as_str().to_owned())).or_insert_with(|| field(path, "agb"));
            }
            _ => {}
        }
        if let (Some(Some(agb)), Some(code)) = (&agb, &code) {
            self.declare(Kind::Agb, agb.as_str(), &field(path, "agb"));
            self.practice_by_agb.insert(agb.as_str().to_owned(), code.clone());
        }
        let mut contact = PracticeContact::default();
        for (key, slot) in [
            ("phone", &mut contact.phone),
            ("email", &mut contact.email),
            ("opening_hours", &mut contact.opening_hours),
        ] {
            if let Some(value) = map.get(key).filter(|v| !v.is_null()) {
                *slot = self.text(value, &field(path, key)).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
            }
        }
        let name = self.required_text(map, path, "name", "de naam is verplicht");
        let address =
            self.required(map, path, "address").and_then(|value| self.address(value, &field(path, "address")));
        let wijk = self.optional_parsed(map, path, "wijk", Code::from_str);
        if let Some(Some(wijk)) = &wijk {
            self.refer(Kind::Wijk, wijk.as_str(), &field(path, "wijk"));
        }
        let mut seen: HashMap<NaiveDate, String> = HashMap::new();
        let counts = self.list(map, path, "registered_patients", |reader, value, item_path| {
            let count = reader.patient_count(value, item_path)?;
            reader.first_time(&mut seen, count.date, item_path, |first| {
                (field(item_path, "date"), format!("er is al een telling op {} in {first}", count.date))
            })?;
            Some(count)
        });
        let mut counts = all(counts?)?;
        counts.sort_by_key(|c| c.date);
        Some(Practice {
            code: code?,
            agb: agb?,
            name: name?,
            address: address?,
            wijk: wijk?,
            contact,
            registered_patients: counts,
        })
    }

    /// Remembers where `key` was first seen in a list; a second time is
    /// reported at the path and with the message `duplicate` makes from the
    /// first path.
    fn first_time<K: std::hash::Hash + Eq>(
        &mut self,
        seen: &mut HashMap<K, String>,
        key: K,
        path: &str,
        duplicate: impl FnOnce(&str) -> (String, String),
    ) -> Option<()> {
        match seen.entry(key) {
            Entry::Vacant(entry) => {
                entry.insert(path.to_owned());
                Some(())
            }
            Entry::Occupied(entry) => {
                let (at, message) = duplicate(entry.get());
                self.report(&at, message);
                None
            }
        }
    }

    fn address(&mut self, value: &Value, path: &str) -> Option<Address> {
        let map = self.object(value, path, ADDRESS_FIELDS)?;
        let street = self.required_text(map, path, "street", "de straatnaam is verplicht");
        let house_number = self.required(map, path, "house_number").and_then(|value| {
            let number_path = field(path, "house_number");
            let number = self.integer(value, &number_path)?;
            let fits = i64::try_from(number).is_ok_and(|n| HOUSE_NUMBERS.contains(&n));
            if fits {
                u32::try_from(number).ok()
            } else {
                self.report(
                    &number_path,
                    format!(
                        "huisnummer {number} bestaat niet: gebruik {} tot en met {}",
                        HOUSE_NUMBERS.start(),
                        HOUSE_NUMBERS.end()
                    ),
                );
                None
            }
        });
        // An empty suffix means "no suffix", as spreadsheets often write it.
        let suffix = self.optional_parsed(map, path, "house_number_suffix", |s| {
            Ok::<_, Invalid>((!s.trim().is_empty()).then(|| s.to_owned()))
        });
        let postcode = self.required_parsed(map, path, "postcode", Postcode::from_str);
        let city = self.required_text(map, path, "city", "de plaatsnaam is verplicht");
        Some(Address {
            street: street?,
            house_number: house_number?,
            house_number_suffix: suffix?.flatten(),
            postcode: postcode?,
            city: city?,
        })
    }

    fn patient_count(&mut self, value: &Value, path: &str) -> Option<PatientCount> {
        let map = self.object(value, path, COUNT_FIELDS)?;
        let date = self.required_parsed(map, path, "date", parse_date);
        let count = self.required(map, path, "count").and_then(|value| {
            let count_path = field(path, "count");
            let count = self.integer(value, &count_path)?;
            if count < 0 {
                self.report(&count_path, "een aantal patiënten kan niet negatief zijn");
                return None;
            }
            u32::try_from(count).map_err(|_| self.report(&count_path, format!("{count} patiënten is te veel"))).ok()
        });
        Some(PatientCount { date: date?, count: count? })
    }

    fn organization(&mut self, value: &Value, path: &str) -> Option<Organization> {
        let map = self.object(value, path, ORGANIZATION_FIELDS)?;
        let code = self.required_parsed(map, path, "code", Code::from_str);
        if let Some(code) = &code {
            self.declare(Kind::Organization, code.as_str(), &field(path, "code"));
        }
        let name = self.required_text(map, path, "name", "de naam is verplicht");
        let domain = self.required_parsed(map, path, "domain", Domain::from_str);
        // The intake address: optional, so region files from before it still read.
        let mut text = |key: &str| -> Option<String> {
            map.get(key)
                .filter(|v| !v.is_null())
                .and_then(|value| self.text(value, &field(path, key)).map(str::to_owned))
        };
        let (email, phone) = (text("email"), text("phone"));
        let contact = match OrganizationContact::new(email.as_deref(), phone.as_deref()) {
            Ok(contact) => Some(contact),
            Err(e) => {
                self.report(&field(path, &e.field), e.message);
                None
            }
        };
        Some(Organization { code: code?, name: name?, domain: domain?, contact: contact? })
    }

    fn network(&mut self, value: &Value, path: &str) -> Option<Network> {
        let map = self.object(value, path, NETWORK_FIELDS)?;
        let code = self.required_parsed(map, path, "code", Code::from_str);
        if let Some(code) = &code {
            self.declare(Kind::Network, code.as_str(), &field(path, "code"));
        }
        // Blank names are left to `Network::problems`, which owns that rule.
        let name = self
            .required(map, path, "name")
            .and_then(|value| self.text(value, &field(path, "name")))
            .map(str::to_owned);
        let mut seen: HashMap<Code, String> = HashMap::new();
        let wijken = self
            .list(map, path, "wijken", |reader, value, item_path| {
                let code = reader.parsed(value, item_path, Code::from_str)?;
                reader.refer(Kind::Wijk, code.as_str(), item_path);
                reader.first_time(&mut seen, code.clone(), item_path, |first| {
                    (item_path.to_owned(), format!("wijk '{code}' staat al in deze lijst, op {first}"))
                })?;
                Some(code)
            })
            .and_then(all);
        let module = self.required_parsed(map, path, "module", Module::from_str);
        let status = self.required_parsed(map, path, "status", NetworkStatus::from_str);
        let registered_on = self.optional_parsed(map, path, "registered_on", parse_date);
        let stopped_on = self.optional_parsed(map, path, "stopped_on", parse_date);
        let coordinator = match map.get("coordinator") {
            None | Some(Value::Null) => Some(None),
            Some(value) => self.coordinator(value, &field(path, "coordinator")).map(Some),
        };
        let practices = self.list(map, path, "practices", Self::practice_membership).and_then(all);
        let partners = self
            .list(map, path, "partners", |reader, value, item_path| {
                reader.membership(
                    value,
                    item_path,
                    PARTNER_MEMBER_FIELDS,
                    "organization",
                    Kind::Organization,
                    Code::from_str,
                )
            })
            .and_then(all);

        let (Some(status), Some(registered_on), Some(stopped_on)) = (status, registered_on, stopped_on) else {
            // The network's own rules all hinge on its status and dates.
            return None;
        };
        let parts = Parts { code, name, wijken, module, coordinator, practices, partners };
        self.check_network(parts, status, registered_on, stopped_on, path)
    }

    /// Runs `Network::problems` even when some of the network's other fields
    /// were wrong, so that a file's mistakes all show up in one go. Fields
    /// that could not be read get a stand-in, and whatever the rules say
    /// about a stand-in is dropped; the network itself is returned only when
    /// no stand-in was needed and the rules found nothing.
    fn check_network(
        &mut self,
        parts: Parts,
        status: NetworkStatus,
        registered_on: Option<NaiveDate>,
        stopped_on: Option<NaiveDate>,
        path: &str,
    ) -> Option<Network> {
        let stand_ins: Vec<&str> = [
            ("code", parts.code.is_none()),
            ("name", parts.name.is_none()),
            ("wijken", parts.wijken.is_none()),
            ("module", parts.module.is_none()),
            ("coordinator", parts.coordinator.is_none()),
            ("practices", parts.practices.is_none()),
            ("partners", parts.partners.is_none()),
        ]
        .into_iter()
        .filter_map(|(field, missing)| missing.then_some(field))
        .collect();
        let code = match parts.code {
            Some(code) => code,
            None => Code::from_str("onbekend").ok()?,
        };
        let network = Network {
            code,
            name: parts.name.unwrap_or_else(|| "onbekend".to_owned()),
            wijken: parts.wijken.unwrap_or_default(),
            module: parts.module.unwrap_or(Module::Wijkmanagement),
            status,
            registered_on,
            stopped_on,
            coordinator: parts.coordinator.unwrap_or_default(),
            practices: parts.practices.unwrap_or_default(),
            partners: parts.partners.unwrap_or_default(),
        };
        let about_stand_in = |problem: &FieldError| {
            stand_ins.iter().any(|f| {
                problem.field == *f || problem.field.strip_prefix(f).is_some_and(|rest| rest.starts_with(['[', '.']))
            })
        };
        let problems: Vec<FieldError> = network.problems().into_iter().filter(|p| !about_stand_in(p)).collect();
        let ok = problems.is_empty() && stand_ins.is_empty();
        for problem in problems {
            let at = if problem.field.is_empty() {
                path.to_owned()
            } else if problem.field.starts_with('[') {
                format!("{path}{}", problem.field)
            } else {
                format!("{path}.{}", problem.field)
            };
            self.errors.push(problem.at(at));
        }
        ok.then_some(network)
    }

    fn coordinator(&mut self, value: &Value, path: &str) -> Option<CoordinatorArrangement> {
        let option = match value {
            Value::Object(map) => map.get("option"),
            other => {
                self.wrong_type(other, path, "een object of null");
                return None;
            }
        };
        let option_path = field(path, "option");
        let option = match option {
            None | Some(Value::Null) => None,
            Some(value) => Some(self.text(value, &option_path)),
        };
        match option {
            Some(Some("A")) => {
                let map = self.object(value, path, COORDINATOR_A_FIELDS)?;
                let name = self.required_text(map, path, "name", "de naam van de coördinator is verplicht");
                Some(CoordinatorArrangement::ProvidedByRegion { name: name? })
            }
            Some(Some("B")) => {
                let map = self.object(value, path, COORDINATOR_B_FIELDS)?;
                let hours = self
                    .required(map, path, "hours_per_week")
                    .and_then(|value| self.hours(value, &field(path, "hours_per_week")));
                let start_date = self.required_parsed(map, path, "start_date", parse_date);
                Some(CoordinatorArrangement::Own { hours_per_week: hours?, start_date: start_date? })
            }
            other => {
                // Without a valid option the other fields cannot be judged,
                // but misspelt ones can still be pointed out.
                let _ = self.object(value, path, COORDINATOR_ANY_FIELDS);
                match other {
                    None => self.report(&option_path, "verplicht veld ontbreekt"),
                    Some(Some(option)) => self.report(
                        &option_path,
                        format!(
                            "'{option}' is geen geldige optie: kies A (coördinator van de regio) of B (eigen coördinator)"
                        ),
                    ),
                    // A wrong type was already reported by `text`.
                    Some(None) => {}
                }
                None
            }
        }
    }

    /// Hours per week as a JSON number (`12.5`) or as text (`"12,5"`).
    fn hours(&mut self, value: &Value, path: &str) -> Option<HoursPerWeek> {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => {
                self.wrong_type(other, path, "een getal");
                return None;
            }
        };
        HoursPerWeek::parse_hours(&text).map_err(|e| self.errors.push(e.at(path))).ok()
    }

    fn membership<M>(
        &mut self,
        value: &Value,
        path: &str,
        known: &[&str],
        member_field: &str,
        kind: Kind,
        parse: impl FnOnce(&str) -> Result<M, Invalid>,
    ) -> Option<Membership<M>>
    where
        M: std::fmt::Display,
    {
        let map = self.object(value, path, known)?;
        let member = self.required_parsed(map, path, member_field, parse);
        if let Some(member) = &member {
            self.refer(kind, &member.to_string(), &field(path, member_field));
        }
        let from = self.required_parsed(map, path, "from", parse_date);
        let until = self.optional_parsed(map, path, "until", parse_date);
        Some(Membership { member: member?, from: from?, until: until? })
    }
}

impl Reader {
    /// A practice membership names the practice by its code (`practice`),
    /// or by its AGB code (`agb`), as files did before practices had codes.
    fn practice_membership(&mut self, value: &Value, path: &str) -> Option<Membership<Code>> {
        let map = self.object(value, path, PRACTICE_MEMBER_FIELDS)?;
        let member = match (map.get("practice").filter(|v| !v.is_null()), map.get("agb").filter(|v| !v.is_null())) {
            (Some(_), Some(_)) => {
                self.report(&field(path, "agb"), "noem de praktijk met practice of met agb, niet met allebei");
                None
            }
            (None, Some(_)) => self.required_parsed(map, path, "agb", AgbCode::from_str).and_then(|agb| {
                let code = self.practice_by_agb.get(agb.as_str()).cloned();
                if code.is_none() && !self.single_entity {
                    self.refer(Kind::Agb, agb.as_str(), &field(path, "agb"));
                }
                // Read on its own (an API body), the AGB is the practice's
                // code, as for every practice that came with one.
                code.or_else(|| agb.as_str().parse().ok())
            }),
            _ => {
                let code = self.required_parsed(map, path, "practice", Code::from_str);
                if let Some(code) = &code {
                    self.refer(Kind::Practice, code.as_str(), &field(path, "practice"));
                }
                code
            }
        };
        let from = self.required_parsed(map, path, "from", parse_date);
        let until = self.optional_parsed(map, path, "until", parse_date);
        Some(Membership { member: member?, from: from?, until: until? })
    }
}

/// The fields of a network besides its status and dates, each `None` when
/// it could not be read.
struct Parts {
    code: Option<Code>,
    name: Option<String>,
    wijken: Option<Vec<Code>>,
    module: Option<Module>,
    coordinator: Option<Option<CoordinatorArrangement>>,
    practices: Option<Vec<Membership<Code>>>,
    partners: Option<Vec<Membership<Code>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_use_bracket_notation_for_odd_keys() {
        assert_eq!(field("$.region", "name"), "$.region.name");
        assert_eq!(field("$", "short name"), "$['short name']");
        assert_eq!(field("$", "it's"), r"$['it\'s']");
        assert_eq!(field("$", ""), "$['']");
        assert_eq!(field("$", "2e"), "$['2e']");
        assert_eq!(item("$.wijken", 3), "$.wijken[3]");
    }

    #[test]
    fn numbers_that_are_not_whole_are_refused_with_their_value() {
        let mut reader = Reader::default();
        assert_eq!(reader.integer(&serde_json::json!(12), "$.x"), Some(12));
        assert_eq!(reader.integer(&serde_json::json!(u64::MAX), "$.x"), Some(i128::from(u64::MAX)));
        assert_eq!(reader.integer(&serde_json::json!(-3), "$.x"), Some(-3));
        assert_eq!(reader.integer(&serde_json::json!(1.5), "$.x"), None);
        assert_eq!(reader.integer(&serde_json::json!("7"), "$.y"), None);
        let messages: Vec<_> = reader.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            ["$.x: verwacht een geheel getal, maar vond 1.5", "$.y: verwacht een geheel getal, maar vond tekst"]
        );
    }
}
