//! Phones and contacts of a service. A contact keeps one phone number; more
//! become warnings.

use wijkregie_core::directory::{Contact, Phone};

use super::Walker;
use crate::hsds::node::Node;
use crate::hsds::schema::{CONTACTS, PHONES};

/// What wijkregie reads of a phone. The phone type (voice, fax, …) is
/// informative only; dropping it loses no number.
const PHONE_USED: &[&str] = &[
    "id",
    "location_id",
    "service_id",
    "organization_id",
    "contact_id",
    "service_at_location_id",
    "number",
    "type",
    "description",
];
/// What wijkregie reads of a contact.
const CONTACT_USED: &[&str] = &[
    "id",
    "organization_id",
    "service_id",
    "service_at_location_id",
    "location_id",
    "name",
    "title",
    "email",
    "phones",
];

impl Walker<'_> {
    pub(super) fn phone(&mut self, node: &Node) -> Option<Phone> {
        if !self.object(node, "een telefoonnummer (phone)", &PHONES, PHONE_USED) {
            return None;
        }
        let number = self.required_text(node, "number");
        let description = self.text(node, "description");
        Some(Phone { number: number?.trim().to_owned(), description })
    }

    pub(super) fn contact(&mut self, node: &Node) -> Option<Contact> {
        if !self.object(node, "een contactpersoon (contact)", &CONTACTS, CONTACT_USED) {
            return None;
        }
        let name = self.text(node, "name").unwrap_or_default();
        let title = self.text(node, "title");
        let email = self.text(node, "email").map(|s| s.trim().to_owned());
        let mut phone = None;
        for (i, item) in self.list(node, "phones").iter().enumerate() {
            let p = self.phone(item);
            if i == 0 {
                phone = p.map(|p| p.number);
            } else {
                self.warnings.add(
                    &item.at.to_string(),
                    "wijkregie bewaart één telefoonnummer per contactpersoon: niet overgenomen",
                );
            }
        }
        Some(Contact { name, title, email, phone })
    }
}
