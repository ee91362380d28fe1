//! After every record was read: organisations get their wijkregie codes,
//! locations and services their organisations, organisations their domains,
//! and every reference that points nowhere becomes an error.

use std::collections::{HashMap, HashSet};

use std::collections::BTreeMap;

use wijkregie_core::codes::Code;
use wijkregie_core::directory::{duplicate_key, HsdsId, OrganizationIdentifier};
use wijkregie_core::error::FieldError;
use wijkregie_core::region::{Domain, Organization};

use super::{push_unique, Walker};
use crate::hsds::{organization_id, CodeOrigin, Imported, OrganizationCode};

impl Walker<'_> {
    pub(super) fn finish(mut self) -> Result<Imported, Vec<FieldError>> {
        let known = self.known;
        // An organisation is known by the id we derive from its code, and
        // by the id it was imported with.
        let by_code: HashMap<&Code, &Organization> = known.organizations.iter().map(|o| (&o.code, o)).collect();
        let mut existing_by_id: HashMap<String, &Organization> =
            known.organizations.iter().map(|o| (organization_id(&o.code).as_str().to_owned(), o)).collect();
        for (code, id) in known.organization_ids {
            if let Some(o) = by_code.get(code) {
                existing_by_id.insert(id.as_str().to_owned(), o);
            }
        }
        let existing_by_name: HashMap<String, &Organization> =
            known.organizations.iter().map(|o| (duplicate_key(&o.name), o)).collect();
        let mut taken: HashSet<String> = known.organizations.iter().map(|o| o.code.as_str().to_owned()).collect();

        // Codes that are certain first, so that a derived code never takes one of them.
        let mut resolved: Vec<Option<(Code, CodeOrigin)>> = Vec::with_capacity(self.orgs.len());
        let mut claimed: HashMap<Code, String> = HashMap::new();
        for org in &self.orgs {
            let found = if let Some((code, at)) = &org.identifier {
                if let Some(other) = claimed.get(code) {
                    self.errors.push(FieldError::new(at, format!("code '{code}' hoort al bij organisatie {other}")));
                }
                claimed.insert(code.clone(), org.hsds_id.clone());
                Some((code.clone(), CodeOrigin::Identifier))
            } else if let Some(o) = existing_by_id.get(&org.hsds_id.to_ascii_lowercase()) {
                Some((o.code.clone(), CodeOrigin::OwnId))
            } else {
                existing_by_name.get(&duplicate_key(&org.name)).map(|o| (o.code.clone(), CodeOrigin::SameName))
            };
            if let Some((code, _)) = &found {
                taken.insert(code.as_str().to_owned());
            }
            resolved.push(found);
        }
        for (org, slot) in self.orgs.iter().zip(resolved.iter_mut()) {
            if slot.is_none() {
                let code = unique_code(&org.name, &mut taken);
                *slot = Some((code, CodeOrigin::Derived));
            }
        }
        let mut org_codes: HashMap<String, Code> = HashMap::new();
        let mut mapping = Vec::new();
        let mut organization_ids = BTreeMap::new();
        let mut organization_identifiers = Vec::new();
        for (org, slot) in self.orgs.iter().zip(resolved) {
            let Some((code, origin)) = slot else { continue };
            org_codes.insert(org.hsds_id.clone(), code.clone());
            // Only an id of the source's own: the one derived from our code
            // is given anyway.
            if let Ok(id) = org.hsds_id.parse::<HsdsId>() {
                if id != organization_id(&code) {
                    organization_ids.entry(code.clone()).or_insert(id);
                }
            }
            for (id, scheme, kind, identifier) in &org.others {
                organization_identifiers.push(OrganizationIdentifier {
                    id: id.clone(),
                    organization: code.clone(),
                    scheme: scheme.clone(),
                    kind: kind.clone(),
                    identifier: identifier.clone(),
                });
            }
            mapping.push(OrganizationCode { hsds_id: org.hsds_id.clone(), name: org.name.clone(), code, origin });
        }
        let resolve = |id: &str| -> Option<Code> {
            org_codes.get(id).cloned().or_else(|| existing_by_id.get(&id.to_ascii_lowercase()).map(|o| o.code.clone()))
        };

        // Services first: they decide the organisation of locations that do not name one.
        let mut service_orgs = Vec::with_capacity(self.services.len());
        for record in &self.services {
            let (id, at) = &record.org_ref;
            let code = resolve(id);
            if code.is_none() {
                self.errors.push(FieldError::new(
                    at,
                    format!("onbekende organisatie '{id}': die staat niet in de invoer en bestaat niet in wijkregie"),
                ));
            }
            for (key, _) in &record.location_refs {
                if let Some(&i) = self.location_index.get(key) {
                    let location = &mut self.locations[i];
                    if location.default_org.is_none() {
                        location.default_org = Some(id.clone());
                    }
                }
            }
            service_orgs.push(code);
        }
        let mut locations = Vec::with_capacity(self.locations.len());
        for record in &self.locations {
            let code = match (&record.org_ref, &record.default_org) {
                (Some((id, at)), _) => {
                    let code = resolve(id);
                    if code.is_none() {
                        self.errors.push(FieldError::new(
                            at,
                            format!("onbekende organisatie '{id}': die staat niet in de invoer en bestaat niet in wijkregie"),
                        ));
                    }
                    code
                }
                (None, Some(id)) => resolve(id),
                (None, None) => {
                    self.errors.push(FieldError::new(
                        record.at.clone(),
                        "van wie is deze locatie? geef organization_id of gebruik de locatie bij een dienst",
                    ));
                    None
                }
            };
            if let Some(code) = code {
                let mut location = record.location.clone();
                location.organization = code;
                locations.push(location);
            }
        }

        // Domains: said in the file, else as already known, else from the services.
        let mut org_domains: HashMap<Code, Domain> =
            known.organizations.iter().map(|o| (o.code.clone(), o.domain)).collect();
        // The first service's domain per organisation, and the codes already
        // listed, by key: a national export has 30,000 organisations and
        // 100,000 services, too many to search one by one per organisation.
        let mut from_services: HashMap<&Code, Domain> = HashMap::new();
        for (record, code) in self.services.iter().zip(&service_orgs) {
            if let (Some(code), Some(domain)) = (code, record.domain) {
                from_services.entry(code).or_insert(domain);
            }
        }
        let mut listed: HashSet<Code> = HashSet::with_capacity(self.orgs.len());
        let mut organizations = Vec::with_capacity(self.orgs.len());
        for (org, map) in self.orgs.iter().zip(&mapping) {
            let from_services = from_services.get(&map.code).copied();
            let domain = match org.domain.or(org_domains.get(&map.code).copied()).or(from_services) {
                Some(d) => d,
                None => {
                    self.warnings.add(&org.at, "geen domein (kenmerk wijkregie-domein) bekend: aangenomen is zorg");
                    Domain::Zorg
                }
            };
            org_domains.insert(map.code.clone(), domain);
            if listed.insert(map.code.clone()) {
                organizations.push(Organization {
                    code: map.code.clone(),
                    name: org.name.trim().to_owned(),
                    domain,
                    contact: org.contact.clone(),
                });
            }
        }

        for (key, at) in &self.location_refs {
            if !self.location_index.contains_key(key) {
                self.errors
                    .push(FieldError::new(at, format!("onbekende locatie '{key}': die staat niet in de invoer")));
            }
        }
        let mut services = Vec::with_capacity(self.services.len());
        for (record, code) in self.services.iter().zip(service_orgs) {
            let mut service = record.service.clone();
            for (key, _) in &record.location_refs {
                if let Some(&i) = self.location_index.get(key) {
                    push_unique(&mut service.locations, self.locations[i].location.id.clone());
                }
            }
            let Some(code) = code else { continue };
            service.domain = record.domain.or(org_domains.get(&code).copied()).unwrap_or(Domain::Zorg);
            service.organization = code;
            services.push(service);
        }

        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Imported {
            organizations,
            locations,
            services,
            organization_codes: mapping,
            organization_ids,
            organization_identifiers,
            foreign_taxonomies: self.foreign_taxonomies,
            foreign_terms: self.foreign_terms,
            warnings: self.warnings.finish(),
        })
    }
}

/// A code from a name: lower case, accents removed, other characters as `-`,
/// made unique with `-2`, `-3`, ….
fn unique_code(name: &str, taken: &mut HashSet<String>) -> Code {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c != '-' || !slug.ends_with('-') {
            slug.push(c);
        }
    }
    let mut base: String = slug.trim_matches('-').chars().take(34).collect();
    base = base.trim_end_matches('-').to_owned();
    if base.len() < 2 {
        base = "organisatie".into();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate.parse().expect("a slug of lowercase letters, digits and inner dashes is a valid code")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_codes_are_slugs_made_unique() {
        let mut taken = HashSet::from(["welzijn-noord".to_owned()]);
        assert_eq!(unique_code("Welzijn Noord", &mut taken).as_str(), "welzijn-noord-2");
        assert_eq!(unique_code("Café Ñandú & Zoon", &mut taken).as_str(), "cafe-nandu-zoon");
        assert_eq!(unique_code("!", &mut taken).as_str(), "organisatie");
    }
}
