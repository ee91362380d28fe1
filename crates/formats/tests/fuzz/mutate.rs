//! Structure-aware mutations of a real file, as proptest values (so a
//! failure shrinks to the fewest, smallest edits that still break).
//!
//! A case is a seed file plus edits in two layers: first edits on the JSON
//! tree (when the seed is JSON), which keep the file valid JSON and so reach
//! the parser's field checks; then edits on the text, line or word level,
//! which reach the CSV cell parsing and the syntax errors. Text stays valid
//! UTF-8: a file in another encoding is refused before any parser sees it.

use proptest::prelude::*;
use serde_json::Value;

/// Words that make parsers stumble: empty, signs, huge and odd numbers,
/// impossible dates, postcodes in every spelling, separators, quotes,
/// brackets, invisible characters, a long word, formula starts.
const TOKENS: &[&str] = &[
    "",
    "0",
    "-1",
    "-0",
    "1e999",
    "-1e999",
    "NaN",
    "inf",
    "18446744073709551616",
    "-9223372036854775809",
    "4294967296",
    "1,5",
    "1.5",
    "1.234,56",
    ".",
    "-",
    "2023-02-30",
    "9999-99-99",
    "31-12-1899",
    "0000AA",
    "1234 ab",
    "1234AB",
    "9999ZZ",
    "GM0363",
    "WK036300",
    "BU03630000",
    "01063001",
    "\"",
    "'",
    ";",
    ",",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ":",
    "null",
    "true",
    "[]",
    "{}",
    "é",
    "🦀",
    "\u{200b}",
    "\u{feff}",
    "\u{0}",
    "=1+1",
    "@SUM(A1)",
    "<v>1</v>",
    "&amp;",
    "x",
];

/// A word of this length, to reach length limits and quadratic code.
const LONG: usize = 5_000;

fn token(i: usize) -> String {
    if i == TOKENS.len() {
        "x".repeat(LONG)
    } else {
        TOKENS[i % TOKENS.len()].to_owned()
    }
}

fn any_token() -> impl Strategy<Value = usize> {
    0..=TOKENS.len()
}

/// One edit of the JSON tree, at the node `at` (counted in a walk of the
/// tree, modulo its size).
#[derive(Debug, Clone)]
pub enum JsonEdit {
    /// Replace the node with an interesting value.
    Replace { at: usize, with: usize },
    /// Remove the node from its object or array.
    Remove { at: usize },
    /// Repeat an array element or object member `times` over (objects get
    /// the copies under new keys).
    Repeat { at: usize, times: usize },
    /// Turn a number into a string or a string into a number, the way a
    /// spreadsheet export does.
    Retype { at: usize },
}

fn json_value(i: usize) -> Value {
    match i % 12 {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(1e300),
        4 => serde_json::json!(3.5),
        5 => serde_json::json!([]),
        6 => serde_json::json!({}),
        7 => serde_json::json!([null, {"id": 1}]),
        8 => serde_json::json!({"type": "x", "id": ""}),
        // Deep nesting: serde_json stops at 128, the walk must not overflow
        // the stack before that.
        9 => (0..100).fold(Value::Null, |v, _| Value::Array(vec![v])),
        10 => Value::String("x".repeat(LONG)),
        _ => Value::String(token(i / 12)),
    }
}

pub fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        3 => (any::<usize>(), 0..12 * (TOKENS.len() + 1)).prop_map(|(at, with)| JsonEdit::Replace { at, with }),
        2 => any::<usize>().prop_map(|at| JsonEdit::Remove { at }),
        1 => (any::<usize>(), 2..40usize).prop_map(|(at, times)| JsonEdit::Repeat { at, times }),
        1 => any::<usize>().prop_map(|at| JsonEdit::Retype { at }),
    ]
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// The node numbered `n` in a pre-order walk, with its parent's container.
fn apply_at(v: &mut Value, n: &mut usize, edit: &JsonEdit) -> bool {
    // Children first checked against the edit, so Remove and Repeat can
    // change the container the node lives in.
    match v {
        Value::Array(items) => {
            for i in 0..items.len() {
                if *n == 1 {
                    match edit {
                        JsonEdit::Remove { .. } => {
                            items.remove(i);
                            return true;
                        }
                        JsonEdit::Repeat { times, .. } => {
                            let copy = items[i].clone();
                            for _ in 1..*times {
                                items.insert(i, copy.clone());
                            }
                            return true;
                        }
                        _ => {}
                    }
                }
                *n -= 1;
                if apply_here(&mut items[i], n, edit) {
                    return true;
                }
            }
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if *n == 1 {
                    match edit {
                        JsonEdit::Remove { .. } => {
                            map.remove(&key);
                            return true;
                        }
                        JsonEdit::Repeat { times, .. } => {
                            let copy = map[&key].clone();
                            for t in 1..*times {
                                map.insert(format!("{key}{t}"), copy.clone());
                            }
                            return true;
                        }
                        _ => {}
                    }
                }
                *n -= 1;
                if apply_here(map.get_mut(&key).expect("key taken from this map"), n, edit) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

fn apply_here(v: &mut Value, n: &mut usize, edit: &JsonEdit) -> bool {
    if *n == 0 {
        match edit {
            JsonEdit::Replace { with, .. } => *v = json_value(*with),
            JsonEdit::Retype { .. } => {
                *v = match v.take() {
                    Value::Number(x) => Value::String(x.to_string()),
                    Value::String(s) => s
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map_or(Value::Number(serde_json::Number::from(12_345)), Value::Number),
                    Value::Bool(b) => Value::String(b.to_string()),
                    other => Value::Array(vec![other]),
                }
            }
            // Remove or repeat the root: nothing around it to change.
            JsonEdit::Remove { .. } => *v = Value::Null,
            JsonEdit::Repeat { .. } => *v = Value::Array(vec![v.take(), v.clone()]),
        }
        return true;
    }
    apply_at(v, n, edit)
}

pub fn apply_json(text: &str, edits: &[JsonEdit]) -> String {
    if edits.is_empty() {
        return text.to_owned();
    }
    let Ok(mut v) = serde_json::from_str::<Value>(text) else { return text.to_owned() };
    for edit in edits {
        let at = match edit {
            JsonEdit::Replace { at, .. }
            | JsonEdit::Remove { at }
            | JsonEdit::Repeat { at, .. }
            | JsonEdit::Retype { at } => *at,
        };
        let mut n = at % count(&v);
        apply_here(&mut v, &mut n, edit);
    }
    serde_json::to_string_pretty(&v).expect("a Value always serialises")
}

/// One edit of the text. Positions are fractions of the length (0..=u16::MAX),
/// so an edit keeps its place when an earlier one shrinks.
#[derive(Debug, Clone)]
pub enum TextEdit {
    /// Replace the word at this place (a run between separators, quotes and
    /// brackets) with a token: a cell, a JSON number or key.
    Word { at: u16, with: usize },
    /// Insert a token.
    Insert { at: u16, with: usize },
    /// Delete up to `len` characters.
    Delete { at: u16, len: u8 },
    /// Delete, duplicate or swap a whole line.
    Line { at: u16, op: LineOp },
    /// Cut the file here: a download that broke off.
    Truncate { at: u16 },
}

#[derive(Debug, Clone, Copy)]
pub enum LineOp {
    Delete,
    Repeat(u8),
    SwapWithNext,
}

pub fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        4 => (any::<u16>(), any_token()).prop_map(|(at, with)| TextEdit::Word { at, with }),
        2 => (any::<u16>(), any_token()).prop_map(|(at, with)| TextEdit::Insert { at, with }),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(at, len)| TextEdit::Delete { at, len }),
        2 => (
            any::<u16>(),
            prop_oneof![Just(LineOp::Delete), (2..200u8).prop_map(LineOp::Repeat), Just(LineOp::SwapWithNext)]
        )
            .prop_map(|(at, op)| TextEdit::Line { at, op }),
        1 => any::<u16>().prop_map(|at| TextEdit::Truncate { at }),
    ]
}

fn place(text: &str, at: u16) -> usize {
    let mut i = text.len() * usize::from(at) / usize::from(u16::MAX);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\t' | '\n' | '\r' | '"' | '{' | '}' | '[' | ']' | ':' | '<' | '>' | ' ')
}

pub fn apply_text(text: &str, edits: &[TextEdit]) -> String {
    let mut s = text.to_owned();
    for edit in edits {
        match *edit {
            TextEdit::Word { at, with } => {
                let i = place(&s, at);
                let start = s[..i].rfind(is_separator).map_or(0, |p| p + 1);
                let end = s[i..].find(is_separator).map_or(s.len(), |p| i + p);
                let start = start.min(end);
                s.replace_range(start..end, &token(with));
            }
            TextEdit::Insert { at, with } => {
                let i = place(&s, at);
                s.insert_str(i, &token(with));
            }
            TextEdit::Delete { at, len } => {
                let i = place(&s, at);
                let end = s[i..].char_indices().nth(usize::from(len)).map_or(s.len(), |(p, _)| i + p);
                s.replace_range(i..end, "");
            }
            TextEdit::Line { at, op } => {
                let mut lines: Vec<&str> = s.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let n = lines.len() * usize::from(at) / (usize::from(u16::MAX) + 1);
                match op {
                    LineOp::Delete => {
                        lines.remove(n);
                    }
                    LineOp::Repeat(times) => {
                        for _ in 1..times {
                            lines.insert(n, lines[n]);
                        }
                    }
                    LineOp::SwapWithNext => {
                        if n + 1 < lines.len() {
                            lines.swap(n, n + 1);
                        }
                    }
                }
                s = lines.concat();
            }
            TextEdit::Truncate { at } => {
                let i = place(&s, at);
                s.truncate(i);
            }
        }
    }
    s
}

/// A whole case: which seed, its JSON edits, its text edits.
#[derive(Debug, Clone)]
pub struct Case {
    pub seed: usize,
    pub json: Vec<JsonEdit>,
    pub text: Vec<TextEdit>,
}

pub fn case() -> impl Strategy<Value = Case> {
    (any::<usize>(), prop::collection::vec(json_edit(), 0..4), prop::collection::vec(text_edit(), 0..3))
        .prop_map(|(seed, json, text)| Case { seed, json, text })
}

impl Case {
    /// Which seed, and its mutant.
    pub fn apply(&self, seeds: &[String]) -> (usize, String) {
        let i = self.seed % seeds.len();
        (i, apply_text(&apply_json(&seeds[i], &self.json), &self.text))
    }
}
