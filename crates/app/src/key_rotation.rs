//! `wijkregie key rotate`: a new field key, every sealed value re-sealed
//! with it in one transaction ([`sealed::reseal_all`]), and the key file
//! replaced safely.
//!
//! The order, and what a crash at each point leaves:
//! 1. the old key is copied to `secret.key.old` and the new one written to
//!    `secret.key.new` (each written to its file, synced, directory synced);
//!    a crash here changes nothing: the database and `secret.key` still
//!    belong together, the two extra files are overwritten by the next run;
//! 2. the database is re-sealed in one transaction; a crash before its
//!    commit changes nothing either (the transaction is rolled back);
//! 3. after the commit `secret.key.new` is renamed over `secret.key`
//!    (atomic, directory synced). A crash between the commit and this
//!    rename leaves a database sealed with the new key and the old
//!    `secret.key`: the next start refuses (the check value differs) and
//!    says that the new key is in `secret.key.new`; moving it into place
//!    completes the rotation;
//! 4. `secret.key.old` is removed.

use std::path::Path;

use base64::Engine as _;
use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_store::crypto::{self, FieldKey, KeySource, KEY_ENV, KEY_FILE, NEW_KEY_FILE, OLD_KEY_FILE};
use wijkregie_store::sealed::{self, Resealed};
use zeroize::Zeroizing;

use crate::audit::{record, Entry};
use crate::{Ctx, Error, Result};

/// Rotates the key of `ctx.app` (read from `source`, in `data_dir`).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn rotate(ctx: &Ctx, source: &KeySource, data_dir: &Path) -> Result<Resealed> {
    let decision = authorize(&ctx.principal, Action::Edit, Object::Users);
    if *source == KeySource::Environment {
        return Err(Error::Conflict(format!(
            "de sleutel komt uit {KEY_ENV}: een nieuwe sleutel kan daar niet worden geschreven. Haal {KEY_ENV} weg \
             en zet de sleutel in {KEY_FILE} in de datamap (modus 600), of roteer met het sleutelbestand"
        )));
    }
    let key_path = data_dir.join(KEY_FILE);
    let (old_path, new_path) = (data_dir.join(OLD_KEY_FILE), data_dir.join(NEW_KEY_FILE));
    let file_error = |e: crypto::KeyError| Error::Internal(anyhow::anyhow!("{e}"));
    let old_text = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(ctx.app.field_key.material()));
    crypto::write_key_file(&old_path, &old_text).map_err(file_error)?;
    let (new_key, new_text): (FieldKey, _) = FieldKey::generate_with_text().map_err(file_error)?;
    crypto::write_key_file(&new_path, &new_text).map_err(file_error)?;

    let entry = Entry { event: "key.rotate", action: AuditAction::Update, object_type: "key", object_id: None };
    let mut tx = ctx.app.store.begin().await?;
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    if let Err(refusal) = decision {
        tx.commit().await?;
        return Err(Error::Forbidden(refusal));
    }
    let resealed = sealed::reseal_all(tx.conn(), &ctx.app.field_key, &new_key, Utc::now()).await?;
    // The audit anchor's MAC key derives from the field key: the one anchor
    // row is MAC'd again with the new key, in the same transaction.
    wijkregie_store::audit::reanchor(tx.conn(), ctx.app.store.engine(), new_key.anchor_key()).await?;
    tx.commit().await?;

    crypto::rename_key_file(&new_path, &key_path).map_err(file_error)?;
    if let Err(e) = std::fs::remove_file(&old_path) {
        tracing::warn!(path = %old_path.display(), error = %e, "oude sleutel niet verwijderd");
    }
    Ok(resealed)
}
