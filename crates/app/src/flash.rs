//! Sealing the one-shot confirmation a page shows after a change ("De wijk
//! is opgeslagen."): the web layer carries it in a cookie, sealed here with
//! the server's field key and bound to the session, so that it can be
//! neither forged nor moved to another session.

use wijkregie_store::crypto::FieldAad;

use crate::{App, Error, Result};

fn aad(session_csrf: &str) -> FieldAad<'_> {
    FieldAad { table: "flash", column: "message", row: session_csrf }
}

/// The message sealed for this session.
pub fn seal(app: &App, session_csrf: &str, message: &str) -> Result<String> {
    app.field_key.encrypt(message, &aad(session_csrf)).map_err(|e| Error::Internal(anyhow::anyhow!("bevestiging: {e}")))
}

/// The message, if `sealed` was sealed for this session by this server.
pub fn open(app: &App, session_csrf: &str, sealed: &str) -> Option<String> {
    app.field_key.decrypt(sealed, &aad(session_csrf)).ok()
}
