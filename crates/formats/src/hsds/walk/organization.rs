//! Organisations and their identifiers. Our own identifier carries the
//! organisation's wijkregie code; its domain comes from an attribute.

use std::str::FromStr;

use wijkregie_core::codes::Code;

use super::{key_of, OrgRecord, Walker};
use crate::hsds::node::Node;
use crate::hsds::schema::{ORGANIZATIONS, ORGANIZATION_IDENTIFIERS};
use crate::hsds::{IDENTIFIER_SCHEME, IDENTIFIER_TYPE, TAXONOMY_DOMEIN};

/// What wijkregie reads of an organisation; `Walker::object` warns about the rest.
const ORGANIZATION_USED: &[&str] = &[
    "id",
    "name",
    "description",
    "email",
    "phones",
    "organization_identifiers",
    "attributes",
    "locations",
    "last_modified",
];
/// What wijkregie reads of an organization_identifier.
const IDENTIFIER_USED: &[&str] = &["id", "organization_id", "identifier_scheme", "identifier_type", "identifier"];

impl Walker<'_> {
    pub(super) fn organization(&mut self, node: &Node) -> Option<String> {
        if !self.object(node, "een organisatie (organization)", &ORGANIZATIONS, ORGANIZATION_USED) {
            return None;
        }
        let id = key_of(&self.required_text(node, "id")?);
        if self.org_index.contains_key(&id) {
            // The same organisation nested in another service: read once.
            return Some(id);
        }
        let name = self.required_text(node, "name");
        if let (Some(description), Some(name)) = (self.text(node, "description"), &name) {
            if description.trim() != name.trim() {
                self.warnings.add(&node.at_of("description"), "HSDS-veld dat wijkregie niet bewaart: niet overgenomen");
            }
        }
        // The organisation's own e-mail and first phone are its intake
        // address for referrals (wijkregie keeps one of each).
        let email = self.text(node, "email").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let email = email.filter(|e| {
            let ok = wijkregie_core::region::OrganizationContact::new(Some(e), None).is_ok();
            if !ok {
                // Real exports hold typos; the rest of the organisation is still good.
                self.warnings.add(&node.at_of("email"), "geen geldig e-mailadres: niet overgenomen");
            }
            ok
        });
        let mut phone = None;
        for (i, item) in self.list(node, "phones").iter().enumerate() {
            let p = self.phone(item);
            if i == 0 {
                phone = p.map(|p| p.number);
            } else {
                self.warnings.add(
                    &item.at.to_string(),
                    "wijkregie bewaart één telefoonnummer per organisatie: niet overgenomen",
                );
            }
        }
        let mut identifier = None;
        let mut others = Vec::new();
        for item in self.list(node, "organization_identifiers") {
            if !self.object(item, "een organization_identifier", &ORGANIZATION_IDENTIFIERS, IDENTIFIER_USED) {
                continue;
            }
            let scheme = self.text(item, "identifier_scheme");
            let kind = self.text(item, "identifier_type");
            if scheme.as_deref() == Some(IDENTIFIER_SCHEME) || kind.as_deref() == Some(IDENTIFIER_TYPE) {
                if let Some(code) = self.parsed(item, "identifier", |s| Code::from_str(s).map_err(|e| e.0)) {
                    identifier = Some((code, item.at_of("identifier")));
                }
            } else if let Some(value) = self.text(item, "identifier").map(|s| s.trim().to_owned()) {
                let id = self.text(item, "id").map(|s| s.trim().to_owned()).unwrap_or_default();
                let id = id.parse().unwrap_or_else(|_| {
                    crate::hsds::derived_id(&format!(
                        "organization_identifier:{}:{}:{value}",
                        key_of(&id),
                        scheme.as_deref().unwrap_or("")
                    ))
                });
                others.push((id, scheme, kind, value));
            } else if !item.is_empty() {
                self.error(&item.at_of("identifier"), "verplicht veld ontbreekt");
            }
        }
        let mut domain = None;
        for item in self.list(node, "attributes") {
            let Some(term) = self.attribute(item) else { continue };
            if term.taxonomy.as_deref() == Some(TAXONOMY_DOMEIN) {
                domain = self.domain(&term);
            } else {
                self.warnings.add(&item.at.to_string(), "kenmerk van een organisatie: niet overgenomen");
            }
        }
        let index = self.orgs.len();
        self.org_index.insert(id.clone(), index);
        self.orgs.push(OrgRecord {
            hsds_id: id.clone(),
            name: name?,
            identifier,
            others,
            domain,
            contact: wijkregie_core::region::OrganizationContact { email, phone },
            at: node.at.to_string(),
        });
        for item in self.list(node, "locations") {
            self.location(item, Some(id.clone()));
        }
        Some(id)
    }
}
