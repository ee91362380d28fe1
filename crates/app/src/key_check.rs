//! At start: is the field key the one the data was sealed with? A lost or
//! replaced `secret.key` would otherwise only show later, as errors on every
//! referral page. A different key, or a missing key while sealed data
//! exists, refuses to start with a Dutch message that says what to do;
//! only `--new-key` accepts the loss ([`sealed::forget_lost_key`]).

use std::path::{Path, PathBuf};

use chrono::Utc;
use wijkregie_store::crypto::{FieldKey, KeyError, KeySource, KEY_ENV, KEY_FILE, NEW_KEY_FILE};
use wijkregie_store::sealed::{self, Forgotten, KeyCheck};
use wijkregie_store::Store;

/// Why the server does not start with this key.
#[derive(Debug, thiserror::Error)]
pub enum KeyRefusal {
    #[error(
        "de sleutel voor persoonsgegevens ({source_name}) past niet bij deze database: de gegevens zijn met een \
         andere sleutel versleuteld. Zet het juiste secret.key terug (uit de back-up van de sleutel){rotation}. \
         Is de oude sleutel echt kwijt, start dan met --new-key: de persoonsgegevens van verwijzingen zijn dan niet \
         meer leesbaar en wie een tweede factor had, stelt die opnieuw in."
    )]
    Differs { source_name: String, rotation: String },
    #[error(
        "er is geen sleutel voor persoonsgegevens ({path} ontbreekt en {KEY_ENV} is niet gezet), maar de database \
         bevat versleutelde gegevens. Zet secret.key terug uit de back-up van de sleutel (modus 600) en start \
         opnieuw. Is de sleutel echt kwijt, start dan met --new-key: de persoonsgegevens van verwijzingen zijn dan \
         niet meer leesbaar en wie een tweede factor had, stelt die opnieuw in."
    )]
    Missing { path: PathBuf },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("sleutelcontrole: {0}")]
    Store(#[from] wijkregie_store::StoreError),
}

/// What the check found, for the start-up log.
#[derive(Debug)]
pub enum KeyVerdict {
    /// The key opens the check value (or the sealed data of a database from
    /// before the check, which now has one).
    Verified,
    /// A new database or one without sealed data: the check value was written.
    FirstUse,
    /// `--new-key`: the loss was accepted.
    LossAccepted(Forgotten),
}

/// The key from the environment or `data_dir`, verified against the
/// database. A key file is created only when the database has nothing
/// sealed yet, or with `accept_new_key`.
pub async fn open_verified_key(
    store: &Store,
    env_value: Option<&str>,
    data_dir: &Path,
    accept_new_key: bool,
) -> Result<(FieldKey, KeySource, KeyVerdict), KeyRefusal> {
    let mut conn = store.conn().await?;
    let (key, source) = match FieldKey::load_existing(env_value, data_dir)? {
        Some(found) => found,
        None => {
            let sealed_data = sealed::check_key(&mut conn, &FieldKey::ephemeral()?).await? != KeyCheck::Absent
                || sealed::sample_opens(&mut conn, &FieldKey::ephemeral()?).await?.is_some();
            if sealed_data && !accept_new_key {
                return Err(KeyRefusal::Missing { path: data_dir.join(KEY_FILE) });
            }
            FieldKey::create_file(data_dir)?
        }
    };
    drop(conn);
    let verdict = verify(store, &key, &source, data_dir, accept_new_key).await?;
    Ok((key, source, verdict))
}

/// Compares `key` with the check value (writing it on first use) and,
/// with `accept_new_key`, forgets what another key sealed.
pub async fn verify(
    store: &Store,
    key: &FieldKey,
    source: &KeySource,
    data_dir: &Path,
    accept_new_key: bool,
) -> Result<KeyVerdict, KeyRefusal> {
    let mut tx = store.begin().await?;
    let matches = match sealed::check_key(tx.conn(), key).await? {
        KeyCheck::Matches => true,
        KeyCheck::Differs => false,
        // From before the check: the sealed data decides; nothing sealed, any key fits.
        KeyCheck::Absent => sealed::sample_opens(tx.conn(), key).await?.unwrap_or(true),
    };
    let verdict = if matches {
        let first = sealed::check_key(tx.conn(), key).await? == KeyCheck::Absent;
        if first {
            sealed::write_check(tx.conn(), key, Utc::now()).await?;
            KeyVerdict::FirstUse
        } else {
            KeyVerdict::Verified
        }
    } else if accept_new_key {
        let forgotten = sealed::forget_lost_key(tx.conn(), key, Utc::now()).await?;
        // The audit anchor was MAC'd with a key derived from the lost one:
        // anchored again under the new key, after its chain is checked. A
        // broken chain stays unanchored, for `audit verify` to report.
        if let wijkregie_store::audit::Verification::Broken(broken) =
            wijkregie_store::audit::reanchor(tx.conn(), store.engine(), key.anchor_key()).await?
        {
            tracing::error!(%broken, "--new-key: het auditlog is niet opnieuw verankerd, want de keten is gebroken");
        }
        tracing::warn!(
            unreadable_referrals = forgotten.referrals,
            totp_cleared = forgotten.totp_secrets,
            "--new-key: de oude sleutel is opgegeven; persoonsgegevens die ermee versleuteld zijn, zijn niet meer \
             leesbaar en tweede factoren worden opnieuw ingesteld"
        );
        KeyVerdict::LossAccepted(forgotten)
    } else {
        let source_name = match source {
            KeySource::Environment => KEY_ENV.to_owned(),
            KeySource::File(path) | KeySource::CreatedFile(path) => path.display().to_string(),
        };
        // An interrupted `key rotate` leaves the new key next to the old one.
        let pending = data_dir.join(NEW_KEY_FILE);
        let rotation = if pending.exists() {
            format!(
                "; werd 'wijkregie key rotate' onderbroken, dan staat de nieuwe sleutel in {}: zet die op de plaats \
                 van {KEY_FILE}",
                pending.display()
            )
        } else {
            String::new()
        };
        return Err(KeyRefusal::Differs { source_name, rotation });
    };
    tx.commit().await?;
    Ok(verdict)
}
