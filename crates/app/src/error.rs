//! What can go wrong in a use case, in terms of the domain. `web` maps each
//! kind to a status, a Dutch page or RFC 9457 problem details in one place;
//! the CLI prints the Dutch message.

use wijkregie_core::access::Refusal;
use wijkregie_core::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("niet ingelogd")]
    Unauthenticated,
    #[error("dit API-token is verlopen; maak op Mijn account een nieuw")]
    TokenExpired,
    #[error("{0}")]
    Forbidden(Refusal),
    #[error("{0} niet gevonden")]
    NotFound(String),
    /// Every problem with the input, each naming its field.
    #[error("de invoer is niet in orde")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("te veel pogingen: probeer het over {minutes} minuten opnieuw")]
    TooManyRequests { minutes: i64 },
    #[error("er ging iets mis aan onze kant")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// The message for a person: every field problem on its own line.
    pub fn dutch(&self) -> String {
        match self {
            Error::Invalid(errors) => errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
            Error::Internal(e) => format!("{self}: {e:#}"),
            other => other.to_string(),
        }
    }
}

impl From<wijkregie_store::StoreError> for Error {
    fn from(e: wijkregie_store::StoreError) -> Self {
        Error::Internal(e.into())
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::Forbidden(r)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
