//! Locations and their addresses. wijkregie keeps one address per location,
//! the visiting address, split into street, house number and suffix.

use std::str::FromStr;

use wijkregie_core::codes::Postcode;
use wijkregie_core::directory::{GeoPoint, Location, LocationAddress};

use super::{key_of, LocationRecord, Walker};
use crate::hsds::node::Node;
use crate::hsds::schema::{ADDRESSES, LOCATIONS};

/// What wijkregie reads of a location; `Walker::object` warns about the rest.
const LOCATION_USED: &[&str] = &[
    "id",
    "location_type",
    "organization_id",
    "name",
    "description",
    "latitude",
    "longitude",
    "addresses",
    "addresss",
    "last_modified",
];
/// What wijkregie reads of an address. Province and region follow from the
/// postcode; nothing is lost by not keeping them.
const ADDRESS_USED: &[&str] =
    &["id", "location_id", "address_1", "city", "region", "state_province", "postal_code", "country", "address_type"];
impl Walker<'_> {
    pub(super) fn location(&mut self, node: &Node, default_org: Option<String>) -> Option<String> {
        if !self.object(node, "een locatie (location)", &LOCATIONS, LOCATION_USED) {
            return None;
        }
        let (key, id) = self.entity_id(node, "location")?;
        if self.location_index.contains_key(&key) {
            return Some(key);
        }
        let name = self.text(node, "name");
        let description = self.text(node, "description");
        if let Some(kind) = self.text(node, "location_type") {
            if !["physical", "postal", "virtual"].contains(&kind.trim()) {
                self.error(
                    &node.at_of("location_type"),
                    format!("'{kind}' is geen location_type: kies uit physical, postal, virtual"),
                );
            }
        }
        let latitude = self.number(node, "latitude");
        let longitude = self.number(node, "longitude");
        let point = match (latitude, longitude) {
            (Some(lat), Some(lon)) => match GeoPoint::new(lat, lon) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.error(&node.at_of("latitude"), e.0);
                    None
                }
            },
            (Some(_), None) if node.get("longitude").is_none_or(Node::is_empty) => {
                self.error(&node.at_of("longitude"), "breedte- en lengtegraad horen samen: longitude ontbreekt");
                None
            }
            (None, Some(_)) if node.get("latitude").is_none_or(Node::is_empty) => {
                self.error(&node.at_of("latitude"), "breedte- en lengtegraad horen samen: latitude ontbreekt");
                None
            }
            _ => None,
        };
        let key_addresses = if node.get("addresses").is_some_and(|n| !n.is_empty()) { "addresses" } else { "addresss" };
        let mut addresses = Vec::new();
        for item in self.list(node, key_addresses) {
            if let Some(a) = self.address(item) {
                addresses.push(a);
            }
        }
        let chosen = addresses.iter().position(|(_, kind, _)| kind.as_deref() == Some("physical")).unwrap_or(0);
        let mut address = None;
        for (i, (a, _, at)) in addresses.into_iter().enumerate() {
            if i == chosen {
                address = Some(a);
            } else {
                self.warnings.add(&at, "wijkregie bewaart één adres per locatie (het bezoekadres): niet overgenomen");
            }
        }
        let org_ref = self.text(node, "organization_id").map(|o| (key_of(&o), node.at_of("organization_id")));
        let name = match (name, &address) {
            (Some(n), _) => n,
            (None, Some(a)) => {
                format!("{} {}{}", a.street, a.house_number, a.house_number_suffix.clone().unwrap_or_default())
            }
            (None, None) => {
                self.error(&node.at_of("name"), "een locatie zonder adres heeft een naam nodig");
                return None;
            }
        };
        let location = Location { id, organization: self.placeholder.clone(), name, description, address, point };
        self.location_index.insert(key.clone(), self.locations.len());
        self.locations.push(LocationRecord { location, org_ref, default_org, at: node.at.to_string() });
        Some(key)
    }

    fn address(&mut self, node: &Node) -> Option<(LocationAddress, Option<String>, String)> {
        if !self.object(node, "een adres (address)", &ADDRESSES, ADDRESS_USED) {
            return None;
        }
        let line = self.required_text(node, "address_1");
        let city = self.required_text(node, "city");
        let postcode = if node.get("postal_code").is_none_or(Node::is_empty) {
            self.error(&node.at_of("postal_code"), "verplicht veld ontbreekt");
            None
        } else {
            self.parsed(node, "postal_code", |s| Postcode::from_str(s).map_err(|e| e.0))
        };
        if let Some(country) = self.text(node, "country") {
            if !country.trim().eq_ignore_ascii_case("NL") {
                self.error(
                    &node.at_of("country"),
                    format!("'{country}': wijkregie kent alleen adressen in Nederland (NL)"),
                );
            }
        }
        let kind = self.text(node, "address_type").map(|k| k.trim().to_owned());
        if let Some(k) = &kind {
            if !["physical", "postal", "virtual"].contains(&k.as_str()) {
                self.error(
                    &node.at_of("address_type"),
                    format!("'{k}' is geen address_type: kies uit physical, postal, virtual"),
                );
            }
        }
        let street = line.and_then(|l| match split_street(&l) {
            Some(parts) => Some(parts),
            None => {
                self.error(
                    &node.at_of("address_1"),
                    format!("'{l}': geen huisnummer gevonden; verwacht straat en huisnummer, zoals Dorpsstraat 12a"),
                );
                None
            }
        });
        let (street, house_number, house_number_suffix) = street?;
        let address = LocationAddress {
            street,
            house_number,
            house_number_suffix,
            postcode: postcode?,
            city: city?.trim().to_owned(),
        };
        Some((address, kind, node.at.to_string()))
    }
}

/// "Dorpsstraat 12a" → ("Dorpsstraat", 12, Some("a")): the last word that
/// starts with a digit is the house number with its suffix.
fn split_street(line: &str) -> Option<(String, u32, Option<String>)> {
    let line = line.trim();
    let split = line.rfind(|c: char| c.is_whitespace())?;
    let (street, number) = (line[..split].trim(), line[split..].trim());
    let digits = number.bytes().take_while(u8::is_ascii_digit).count();
    if street.is_empty() || digits == 0 || digits > 5 {
        return None;
    }
    let house_number: u32 = number[..digits].parse().ok().filter(|n| *n > 0)?;
    let suffix = number[digits..].trim();
    Some((street.to_owned(), house_number, (!suffix.is_empty()).then(|| suffix.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_and_number_are_split_on_the_last_number() {
        assert_eq!(split_street("Dorpsstraat 12a"), Some(("Dorpsstraat".into(), 12, Some("a".into()))));
        assert_eq!(split_street("Van der Helstlaan 3-2"), Some(("Van der Helstlaan".into(), 3, Some("-2".into()))));
        assert_eq!(split_street("Plein 1940 7"), Some(("Plein 1940".into(), 7, None)));
        assert_eq!(split_street("Dorpsstraat"), None);
        assert_eq!(split_street("12"), None);
    }
}
