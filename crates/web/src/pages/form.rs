//! What the edit pages share: the field errors of a submitted form, shown in
//! the summary at the top and next to each field, and the status to send.

use std::str::FromStr;

use axum::http::StatusCode;
use wijkregie_core::error::Invalid;
use wijkregie_core::FieldError;

/// The problems found in a submitted form; empty on a fresh form.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[FieldError] {
        &self.0
    }

    /// The messages for one field, joined: a textarea can have one per line.
    pub fn get(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self.0.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    }

    /// 422 when the form comes back with problems, so tests and tools can
    /// tell a refused submission from a fresh form.
    pub fn status(&self) -> StatusCode {
        if self.0.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

impl From<Vec<FieldError>> for Errors {
    fn from(errors: Vec<FieldError>) -> Self {
        Errors(errors)
    }
}

/// Optional text: blank means absent.
pub fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A required text field, trimmed; `message` when blank.
pub fn required(field: &str, value: &str, message: &str, problems: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if value.is_empty() {
        problems.push(FieldError::new(field, message));
    }
    value.to_owned()
}

/// A required value of a parsed type: `empty` when blank (rather than
/// "'' is geen geldige …"), else the type's own Dutch message.
pub fn parsed<T: FromStr<Err = Invalid>>(
    field: &str,
    value: &str,
    empty: &str,
    problems: &mut Vec<FieldError>,
) -> Option<T> {
    if value.trim().is_empty() {
        problems.push(FieldError::new(field, empty));
        return None;
    }
    value.parse().map_err(|e: Invalid| problems.push(e.at(field))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_of_one_field_are_joined_and_the_status_follows() {
        let errors = Errors(vec![
            FieldError::new("areas", "regel 1: fout"),
            FieldError::new("name", "verplicht"),
            FieldError::new("areas", "regel 3: fout"),
        ]);
        assert_eq!(errors.get("areas").as_deref(), Some("regel 1: fout; regel 3: fout"));
        assert_eq!(errors.get("code"), None);
        assert_eq!(errors.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(Errors::default().status(), StatusCode::OK);
    }

    #[test]
    fn a_blank_value_asks_for_it_and_a_bad_one_says_why() {
        let mut problems = Vec::new();
        assert_eq!(parsed::<wijkregie_core::codes::AgbCode>("agb", " ", "vul de AGB-code in", &mut problems), None);
        assert_eq!(parsed::<wijkregie_core::codes::AgbCode>("agb", "12", "vul de AGB-code in", &mut problems), None);
        assert!(parsed::<wijkregie_core::codes::AgbCode>("agb", "01012345", "", &mut problems).is_some());
        assert_eq!(problems[0].message, "vul de AGB-code in");
        assert!(problems[1].message.contains("precies 8 cijfers"));
    }
}

/// An upload form as it arrived: its text fields by name, and the file of
/// the field `bestand` with its name. The file stays bytes until a parser
/// has it.
#[derive(Default)]
pub struct Upload {
    pub fields: std::collections::HashMap<String, String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// A text field as typed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads a multipart upload form; a body over the limit is the Dutch "too
/// large" refusal, anything else unreadable a bad request.
pub async fn read_upload(mut multipart: axum::extract::Multipart) -> Result<Upload, wijkregie_app::Error> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            crate::auth::upload_too_large()
        } else {
            wijkregie_app::Error::BadRequest(format!("het formulier kwam niet goed aan: {}", e.body_text()))
        }
    };
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "bestand" {
            upload.file_name = field.file_name().unwrap_or_default().to_owned();
            upload.bytes = field.bytes().await.map_err(broken)?.to_vec();
        } else {
            let text = field.text().await.map_err(broken)?;
            upload.fields.insert(name, text);
        }
    }
    Ok(upload)
}
