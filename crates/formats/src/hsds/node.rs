//! A document tree that remembers where each value came from. JSON and the
//! CSV tables of a datapackage both become `Node`s, so the walker that maps
//! HSDS onto core types reports positions in the words of the input: a JSON
//! path (`$[3].service_at_locations[0].location.addresses[0].postal_code`) or
//! a line and column (`services.csv regel 12, kolom email`).

use std::fmt;
use std::sync::Arc;

use serde_json::Value;
use wijkregie_core::error::FieldError;

/// Where a value came from. A CSV cell keeps its row's position and its
/// column's name as shared text and writes "regel 12, kolom email" only when
/// an error needs it: a datapackage of 100,000 services has millions of
/// cells, and a formatted position for each was most of the import's time
/// and memory.
#[derive(Debug, Clone)]
pub(super) enum Pos {
    Text(Arc<str>),
    Cell { row: Arc<str>, column: Arc<str> },
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pos::Text(t) => f.write_str(t),
            Pos::Cell { row, column } => write!(f, "{row}, kolom {column}"),
        }
    }
}

impl From<String> for Pos {
    fn from(text: String) -> Self {
        Pos::Text(text.into())
    }
}

impl From<&str> for Pos {
    fn from(text: &str) -> Self {
        Pos::Text(text.into())
    }
}

impl From<Pos> for String {
    fn from(pos: Pos) -> Self {
        pos.to_string()
    }
}

impl From<&Pos> for String {
    fn from(pos: &Pos) -> Self {
        pos.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Json,
    Csv,
}

#[derive(Debug, Clone)]
pub(super) enum V {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    List(Vec<Node>),
    Object(Vec<(Arc<str>, Node)>, Style),
}

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub at: Pos,
    pub v: V,
}

impl Node {
    pub fn new(at: impl Into<Pos>, v: V) -> Self {
        Self { at: at.into(), v }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.v {
            V::Object(fields, _) => fields.iter().find(|(k, _)| &**k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    /// The position of a field of this object, present or not.
    pub fn at_of(&self, key: &str) -> String {
        if let Some(n) = self.get(key) {
            return n.at.to_string();
        }
        match &self.v {
            V::Object(_, Style::Csv) => format!("{}, kolom {key}", self.at),
            _ => field(&self.at.to_string(), key),
        }
    }

    /// Absent, null, blank text or an empty list or object.
    pub fn is_empty(&self) -> bool {
        match &self.v {
            V::Null => true,
            V::Text(s) => s.trim().is_empty(),
            V::List(items) => items.is_empty(),
            V::Object(fields, _) => fields.is_empty(),
            V::Bool(_) | V::Number(_) => false,
        }
    }

    pub fn describe(&self) -> &'static str {
        match &self.v {
            V::Null => "null",
            V::Bool(_) => "true/false",
            V::Number(_) => "een getal",
            V::Text(_) => "tekst",
            V::List(_) => "een lijst",
            V::Object(..) => "een object",
        }
    }

    /// Adds or replaces a field (the datapackage attaches child rows this way).
    pub fn set(&mut self, key: &str, child: Node) {
        if let V::Object(fields, _) = &mut self.v {
            match fields.iter_mut().find(|(k, _)| &**k == key) {
                Some((_, slot)) => *slot = child,
                None => fields.push((key.into(), child)),
            }
        }
    }

    pub fn from_json(value: Value, at: String) -> Node {
        let v = match value {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(b),
            Value::Number(n) => V::Number(n),
            Value::String(s) => V::Text(s),
            Value::Array(items) => V::List(
                items.into_iter().enumerate().map(|(i, item)| Node::from_json(item, format!("{at}[{i}]"))).collect(),
            ),
            Value::Object(map) => V::Object(
                map.into_iter()
                    .map(|(k, item)| {
                        let child_at = field(&at, &k);
                        (Arc::from(k), Node::from_json(item, child_at))
                    })
                    .collect(),
                Style::Json,
            ),
        };
        Node { at: at.into(), v }
    }
}

/// A path one step deeper: `$.a` + `b` is `$.a.b`; keys that are not plain
/// identifiers use bracket notation.
pub(super) fn field(path: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        let escaped = key.replace('\\', "\\\\").replace('\'', "\\'");
        format!("{path}['{escaped}']")
    }
}

fn is_page(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.contains_key("contents"))
}

/// The service objects of an HSDS JSON document, in document order. A page
/// is recognised by its `contents`; its envelope fields are not checked,
/// because a page cut from a larger result is still a valid source.
pub(super) fn services_from_json(text: &str) -> Result<Vec<Node>, Vec<FieldError>> {
    let root: Value = serde_json::from_str(text).map_err(|e| vec![crate::json_error::dutch(&e)])?;
    let mut services = Vec::new();
    let mut errors = Vec::new();
    let take_page = |page: Value, at: String, services: &mut Vec<Node>, errors: &mut Vec<FieldError>| {
        let Value::Object(mut map) = page else { return };
        let contents_at = field(&at, "contents");
        match map.remove("contents") {
            Some(Value::Array(items)) => {
                services.extend(
                    items.into_iter().enumerate().map(|(i, v)| Node::from_json(v, format!("{contents_at}[{i}]"))),
                );
            }
            Some(other) => {
                let found = Node::from_json(other, contents_at.clone()).describe();
                errors
                    .push(FieldError::new(contents_at, format!("verwacht een lijst van diensten, maar vond {found}")));
            }
            None => {}
        }
    };
    match root {
        Value::Array(items) if !items.is_empty() && items.iter().all(is_page) => {
            for (i, page) in items.into_iter().enumerate() {
                take_page(page, format!("$[{i}]"), &mut services, &mut errors);
            }
        }
        Value::Array(items) => {
            services.extend(items.into_iter().enumerate().map(|(i, v)| Node::from_json(v, format!("$[{i}]"))));
        }
        page @ Value::Object(_) if is_page(&page) => take_page(page, "$".into(), &mut services, &mut errors),
        one @ Value::Object(_) => services.push(Node::from_json(one, "$".into())),
        other => {
            let found = Node::from_json(other, "$".into()).describe();
            errors.push(FieldError::new(
                "$",
                format!("verwacht een lijst van diensten of een HSDS-pagina met contents, maar vond {found}"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(services)
    } else {
        Err(errors)
    }
}
