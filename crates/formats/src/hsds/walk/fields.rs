//! Reading one field of a record: the checks and messages every kind of
//! record shares (text, numbers, lists, ids, ages, and the fields HSDS does
//! not define or wijkregie does not keep).

use wijkregie_core::directory::HsdsId;
use wijkregie_core::error::FieldError;

use super::Walker;
use crate::hsds::derived_id;
use crate::hsds::node::{Node, V};
use crate::hsds::schema::Table;

impl Walker<'_> {
    pub(super) fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(at, message));
    }

    pub(super) fn wrong_type(&mut self, node: &Node, expected: &str) {
        let found = node.describe();
        self.error(&node.at.to_string(), format!("verwacht {expected}, maar vond {found}"));
    }

    /// The node must be an object; its fields are compared with what HSDS
    /// defines for `table` and what wijkregie reads (`used`). Links between
    /// tables count as read: they were used to put the records together.
    pub(super) fn object(&mut self, node: &Node, what: &str, table: &Table, used: &[&str]) -> bool {
        let V::Object(fields, _) = &node.v else {
            self.wrong_type(node, what);
            return false;
        };
        for (key, child) in fields {
            if !table.defines(key) {
                if !child.is_empty() {
                    self.warnings.add(&child.at.to_string(), "onbekend veld (geen HSDS 3.0): genegeerd");
                }
            } else if !used.contains(&&**key) && !child.is_empty() {
                self.warnings.add(&child.at.to_string(), "HSDS-veld dat wijkregie niet bewaart: niet overgenomen");
            }
        }
        true
    }

    /// Optional text: absent, null or blank is `None`. Numbers are taken as
    /// written, since a phone number or code may arrive as one.
    pub(super) fn text(&mut self, node: &Node, key: &str) -> Option<String> {
        let child = node.get(key)?;
        match &child.v {
            V::Null => None,
            V::Text(s) if s.trim().is_empty() => None,
            V::Text(s) => Some(s.clone()),
            V::Number(n) => Some(n.to_string()),
            _ => {
                self.wrong_type(child, "tekst");
                None
            }
        }
    }

    pub(super) fn required_text(&mut self, node: &Node, key: &str) -> Option<String> {
        if node.get(key).is_none_or(Node::is_empty) {
            self.error(&node.at_of(key), "verplicht veld ontbreekt");
            return None;
        }
        self.text(node, key)
    }

    pub(super) fn number(&mut self, node: &Node, key: &str) -> Option<f64> {
        let child = node.get(key)?;
        let value = match &child.v {
            V::Null => return None,
            V::Text(s) if s.trim().is_empty() => return None,
            V::Number(n) => n.as_f64(),
            V::Text(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            _ => None,
        };
        if value.is_none() {
            let found = match &child.v {
                V::Text(s) => format!("'{s}'"),
                _ => child.describe().to_owned(),
            };
            self.error(&child.at.to_string(), format!("verwacht een getal, maar vond {found}"));
        }
        value
    }

    pub(super) fn list<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match node.get(key) {
            None => &[],
            Some(child) => match &child.v {
                V::List(items) => items,
                V::Null => &[],
                V::Text(s) if s.trim().is_empty() => &[],
                _ => {
                    self.wrong_type(child, "een lijst");
                    &[]
                }
            },
        }
    }

    pub(super) fn parsed<T>(
        &mut self,
        node: &Node,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.text(node, key)?;
        match parse(text.trim()) {
            Ok(v) => Some(v),
            Err(message) => {
                self.error(&node.at_of(key), message);
                None
            }
        }
    }

    /// The record's id. Services and locations need a UUID; other ids are
    /// turned into a fixed UUID (the same on every import), with a warning.
    pub(super) fn entity_id(&mut self, node: &Node, kind: &str) -> Option<(String, HsdsId)> {
        let original = self.required_text(node, "id")?;
        match original.parse::<HsdsId>() {
            Ok(id) => Some((id.as_str().to_owned(), id)),
            Err(_) => {
                self.warnings.add(&node.at_of("id"), "geen UUID: wijkregie leidt er een vaste UUID van af");
                let id = derived_id(&format!("{kind}:{}", original.trim()));
                Some((original.trim().to_owned(), id))
            }
        }
    }

    pub(super) fn age(&mut self, node: &Node, key: &str) -> Option<u8> {
        let value = self.number(node, key)?;
        if value.fract() != 0.0 || !(0.0..=120.0).contains(&value) {
            self.error(&node.at_of(key), format!("{value} is geen leeftijd: gebruik hele jaren van 0 tot 120"));
            return None;
        }
        Some(value as u8)
    }
}
