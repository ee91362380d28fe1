//! Warnings gathered while walking, folded per kind of field so that a large
//! file gives a short list.

use std::collections::HashMap;

use wijkregie_core::error::FieldError;

/// A warning per kind of field (digits in the position replaced), so that a
/// field missing from 10,000 services is one line, not 10,000.
#[derive(Default)]
pub(super) struct Warnings {
    order: Vec<String>,
    seen: HashMap<String, (FieldError, usize)>,
}

impl Warnings {
    pub(super) fn add(&mut self, at: &str, message: impl Into<String>) {
        let message = message.into();
        let mut key: String = String::with_capacity(at.len() + message.len());
        let mut in_digits = false;
        for c in at.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    key.push('*');
                }
                in_digits = true;
            } else {
                in_digits = false;
                key.push(c);
            }
        }
        key.push('\u{0}');
        key.push_str(&message);
        match self.seen.get_mut(&key) {
            Some((_, count)) => *count += 1,
            None => {
                self.order.push(key.clone());
                self.seen.insert(key, (FieldError::new(at, message), 1));
            }
        }
    }

    pub(super) fn finish(mut self) -> Vec<FieldError> {
        self.order
            .iter()
            .filter_map(|key| self.seen.remove(key))
            .map(|(mut e, count)| {
                if count > 1 {
                    e.message = format!("{} ({count} keer; dit is de eerste)", e.message);
                }
                e
            })
            .collect()
    }
}
