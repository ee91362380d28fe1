//! A refused file's problems as every upload page shows them: all of them
//! are found in one pass, the first [`SHOWN`] are listed under the file
//! field, and one more line counts the rest. The CLI prints the same number
//! and can write the whole list to a file (`--problems-file`).

use wijkregie_core::FieldError;

use crate::Error;

/// Problems listed on a page or terminal; the rest are counted.
pub const SHOWN: usize = 200;

/// `problems` as the refusal of the form's file field `field`.
pub fn refused_file(field: &str, problems: Vec<String>) -> Error {
    let total = problems.len();
    let mut errors: Vec<FieldError> = problems.into_iter().take(SHOWN).map(|p| FieldError::new(field, p)).collect();
    if total > SHOWN {
        errors.push(FieldError::new(
            field,
            format!(
                "… en nog {} problemen ({total} in totaal); de opdracht wijkregie import met --problems-file \
                 geeft de hele lijst",
                total - SHOWN
            ),
        ));
    }
    Error::Invalid(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_two_hundred_and_the_total() {
        let Error::Invalid(errors) = refused_file("bestand", (1..=614_403).map(|i| format!("regel {i}")).collect())
        else {
            panic!("a refusal is invalid input")
        };
        assert_eq!(errors.len(), SHOWN + 1);
        assert_eq!(errors[SHOWN - 1].message, "regel 200");
        assert!(errors[SHOWN].message.starts_with("… en nog 614203 problemen (614403 in totaal)"), "{}", errors[SHOWN]);
        let Error::Invalid(few) = refused_file("bestand", vec!["regel 2".into()]) else { panic!() };
        assert_eq!(few.len(), 1);
    }
}
