//! How long a text may be. Without a limit a 1,000,000-character wijk name
//! was accepted through the API (issue 22 item 13a) and then sat in every
//! page, list and export. Each limit is generous for real use: names fit on
//! a line, free texts hold a long description with room to spare.
//!
//! The types' `problems()` use these, so pages, the API and imports refuse
//! the same text with the same Dutch message.

use crate::error::FieldError;

/// A name: of a wijk, organisation, practice, network, service, location.
pub const NAME: usize = 200;

/// One line: a street, city, phone number, e-mail address, web address,
/// a phone's note, a contact's title.
pub const LINE: usize = 500;

/// Free text: a description, conditions, costs, how to apply, notes.
pub const TEXT: usize = 10_000;

/// `Some` problem when `value` is longer than `max` characters.
pub fn too_long(field: &str, value: &str, max: usize) -> Option<FieldError> {
    // Counting stops just past the limit: a huge text costs no more than a long one.
    let over = value.chars().nth(max).is_some();
    over.then(|| FieldError::new(field, format!("te lang: hoogstens {max} tekens")))
}

/// Adds a problem for each of `fields` (name, value, limit) that is too long.
pub fn check<'a>(fields: impl IntoIterator<Item = (&'a str, Option<&'a str>, usize)>, problems: &mut Vec<FieldError>) {
    problems.extend(fields.into_iter().filter_map(|(field, value, max)| too_long(field, value?, max)));
}

/// A required name: present and at most [`NAME`] characters.
pub fn name(field: &str, value: &str) -> Option<FieldError> {
    if value.trim().is_empty() {
        Some(FieldError::new(field, "de naam is verplicht"))
    } else {
        too_long(field, value, NAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_over_its_limit_is_refused_in_dutch() {
        assert!(too_long("name", &"x".repeat(NAME), NAME).is_none());
        let e = too_long("name", &"é".repeat(NAME + 1), NAME).unwrap();
        assert_eq!(e.message, "te lang: hoogstens 200 tekens");
        assert_eq!(name("name", "  ").unwrap().message, "de naam is verplicht");
        assert!(name("name", &"x".repeat(1_000_000)).is_some());
        let mut problems = Vec::new();
        check([("a", Some("kort"), 10), ("b", None, 1), ("c", Some("te lang"), 3)], &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "c");
    }
}
