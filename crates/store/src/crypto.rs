//! Field encryption at rest for personal data (a referral's patient contact
//! details, question and messages): whoever copies the database file or a
//! backup without the key reads nothing.
//!
//! XChaCha20-Poly1305 (RustCrypto `chacha20poly1305`): its 24-byte nonce is
//! large enough to draw at random for every value without counting, so two
//! instances writing with one key never collide. A stored value is text:
//! `v1:` + base64(nonce ‖ ciphertext ‖ tag); the version leaves room for
//! another algorithm or key later.
//!
//! The associated data names the table, column and row the value belongs
//! to ([`FieldAad`]), so a value copied to another row or column (by a bug
//! or by someone with write access to the database) fails to decrypt
//! instead of showing one patient's details under another's referral.
//!
//! The key comes from `WIJKREGIE_SECRET_KEY` (32 bytes as 64 hex digits or
//! base64, e.g. from `openssl rand -base64 32`) or, when that is not set,
//! from the file `secret.key` in the data directory, created on first start
//! with mode 0600. A key file that others may read is refused rather than
//! used: the encryption would be worth nothing. Losing the key means losing
//! the encrypted fields: it belongs in the backup, stored apart from the
//! database backup.

use std::fmt;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// The environment variable that holds the key.
pub const KEY_ENV: &str = "WIJKREGIE_SECRET_KEY";
/// The key file's name in the data directory.
pub const KEY_FILE: &str = "secret.key";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const V1: &str = "v1:";

/// Where the key came from, for the start-up log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    /// A new key file was written: say so loudly, it must be backed up.
    CreatedFile(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{KEY_ENV} bevat geen geldige sleutel: verwacht 32 bytes als 64 hexadecimale tekens of als base64 \
         (maak er een met: openssl rand -base64 32); gevonden: {found}"
    )]
    BadEnvironmentKey { found: String },
    #[error("sleutelbestand {path} bevat geen geldige sleutel: verwacht 32 bytes als hex of base64 ({found})")]
    BadKeyFile { path: PathBuf, found: String },
    #[error(
        "sleutelbestand {path} is ook voor anderen leesbaar of schrijfbaar (modus {mode:o}): zet het op 600 \
         met 'chmod 600 {path}' en start opnieuw"
    )]
    KeyFileTooOpen { path: PathBuf, mode: u32 },
    #[error("sleutelbestand {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("geen willekeurige bytes van het besturingssysteem: {0}")]
    Random(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("versleutelde waarde heeft een onbekende versie (verwacht {V1}…)")]
    UnknownVersion,
    #[error("versleutelde waarde is beschadigd of afgekapt")]
    Malformed,
    /// Wrong key, wrong place (table/column/row), or altered.
    #[error("versleutelde waarde past niet bij deze sleutel of deze plaats in de database (andere sleutel, verplaatst of gewijzigd)")]
    Inauthentic,
    #[error("versleutelen mislukt: {0}")]
    Encrypt(String),
}

/// Where a value lives: bound into its ciphertext as associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldAad<'a> {
    pub table: &'a str,
    pub column: &'a str,
    /// The row's id (or other stable key) as text.
    pub row: &'a str,
}

impl FieldAad<'_> {
    /// Each part is written with its length first, so no two places share
    /// an encoding (`("ab", "c")` is not `("a", "bc")`); the format version
    /// is bound in too.
    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for part in [V1, self.table, self.column, self.row] {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out
    }
}

/// The key that encrypts personal fields. The cipher wipes its copy of the
/// key when dropped (`zeroize` feature); bytes read from the environment or
/// the file are wiped as soon as the cipher is built.
pub struct FieldKey {
    cipher: XChaCha20Poly1305,
    /// The raw key, kept (and wiped on drop) only so that other keys can be
    /// derived from it ([`FieldKey::material`]).
    material: Zeroizing<[u8; KEY_LEN]>,
    /// The key of the audit log's anchor ([`FieldKey::anchor_key`]).
    anchor: Zeroizing<[u8; KEY_LEN]>,
}

impl fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldKey(…)")
    }
}

impl FieldKey {
    fn from_bytes(bytes: &[u8; KEY_LEN]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(bytes.into()),
            material: Zeroizing::new(*bytes),
            anchor: derive(bytes, ANCHOR_LABEL),
        }
    }

    /// The key's bytes, as input for deriving other keys (HKDF-style, with
    /// a label of their own): a key derived from this one lives outside the
    /// database like this one. Never store or log them.
    pub fn material(&self) -> &[u8; KEY_LEN] {
        &self.material
    }

    /// A new random key with its text form, for `key rotate`.
    pub fn generate_with_text() -> Result<(Self, Zeroizing<String>), KeyError> {
        Self::generate()
    }

    /// The key that MACs the audit log's anchor (`store::audit`): derived
    /// from this key's bytes with a label of its own, so it lives wherever
    /// the key lives (never in the database) and is unrelated to the
    /// encryption key as a value. A new field key (rotation, or `--new-key`
    /// after a loss) means a new anchor key: the one anchor row is MAC'd
    /// again then (`store::audit::reanchor`), no history needs rewriting.
    pub fn anchor_key(&self) -> &[u8; KEY_LEN] {
        &self.anchor
    }

    /// A new random key, with its text form for a key file.
    fn generate() -> Result<(Self, Zeroizing<String>), KeyError> {
        let bytes = Zeroizing::new(<[u8; KEY_LEN]>::try_generate().map_err(|e| KeyError::Random(e.to_string()))?);
        let text = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()));
        Ok((Self::from_bytes(&bytes), text))
    }

    /// A new random key that lives only in memory: for tests and throwaway
    /// demo databases, whose personal data need not survive a restart.
    pub fn ephemeral() -> Result<Self, KeyError> {
        Self::generate().map(|(key, _)| key)
    }

    /// The key from `WIJKREGIE_SECRET_KEY`'s value.
    pub fn from_env_value(value: &str) -> Result<Self, KeyError> {
        parse_key(value).map(|bytes| Self::from_bytes(&bytes)).map_err(|found| KeyError::BadEnvironmentKey { found })
    }

    /// The key from the environment if set, else from the key file in
    /// `data_dir`, created when missing.
    pub fn from_environment_or_file(data_dir: &Path) -> Result<(Self, KeySource), KeyError> {
        let env = std::env::var(KEY_ENV).ok().map(Zeroizing::new);
        Self::load(env.as_deref().map(String::as_str), data_dir)
    }

    /// As [`Self::from_environment_or_file`], with the environment value
    /// passed in (so tests need not change the process environment). An
    /// empty value counts as unset.
    pub fn load(env_value: Option<&str>, data_dir: &Path) -> Result<(Self, KeySource), KeyError> {
        match env_value.filter(|v| !v.trim().is_empty()) {
            Some(value) => Ok((Self::from_env_value(value)?, KeySource::Environment)),
            None => Self::load_or_create_file(data_dir),
        }
    }

    /// The key from the environment if set, else from the key file in
    /// `data_dir`; `None` when neither exists (nothing is created, so the
    /// caller can first ask whether the database holds sealed data).
    pub fn load_existing(env_value: Option<&str>, data_dir: &Path) -> Result<Option<(Self, KeySource)>, KeyError> {
        if let Some(value) = env_value.filter(|v| !v.trim().is_empty()) {
            return Ok(Some((Self::from_env_value(value)?, KeySource::Environment)));
        }
        let path = data_dir.join(KEY_FILE);
        match read_key_file(&path) {
            Ok(key) => Ok(Some((key, KeySource::File(path)))),
            Err(KeyError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The key file in `data_dir`: read it, or write a new one with mode 0600.
    pub fn load_or_create_file(data_dir: &Path) -> Result<(Self, KeySource), KeyError> {
        let path = data_dir.join(KEY_FILE);
        match read_key_file(&path) {
            Ok(key) => return Ok((key, KeySource::File(path))),
            Err(KeyError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => {}
            Err(other) => return Err(other),
        }
        Self::create_file(data_dir)
    }

    /// Writes a new key file in `data_dir` (mode 0600); an existing one is
    /// read instead, never replaced.
    pub fn create_file(data_dir: &Path) -> Result<(Self, KeySource), KeyError> {
        let path = data_dir.join(KEY_FILE);
        let io = |source| KeyError::Io { path: path.clone(), source };
        fs::create_dir_all(data_dir).map_err(io)?;
        let (key, text) = Self::generate()?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(text.as_bytes()).map_err(io)?;
                file.write_all(b"\n").map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok((key, KeySource::CreatedFile(path)))
            }
            // Another instance starting at the same moment wrote it first: use theirs.
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok((read_key_file(&path)?, KeySource::File(path))),
            Err(e) => Err(io(e)),
        }
    }

    /// `plaintext` encrypted for the place `aad`, as stored text.
    pub fn encrypt(&self, plaintext: &str, aad: &FieldAad<'_>) -> Result<String, CryptoError> {
        let nonce = XNonce::try_generate().map_err(|e| CryptoError::Encrypt(e.to_string()))?;
        let aad = aad.bytes();
        let sealed = self
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext.as_bytes(), aad: &aad })
            .map_err(|e| CryptoError::Encrypt(e.to_string()))?;
        let mut raw = Vec::with_capacity(NONCE_LEN + sealed.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&sealed);
        Ok(format!("{V1}{}", STANDARD_NO_PAD.encode(raw)))
    }

    /// The plaintext of a value stored at `aad`.
    pub fn decrypt(&self, stored: &str, aad: &FieldAad<'_>) -> Result<String, CryptoError> {
        let encoded = stored.strip_prefix(V1).ok_or(CryptoError::UnknownVersion)?;
        let raw = STANDARD_NO_PAD.decode(encoded).map_err(|_| CryptoError::Malformed)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce: &XNonce = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
        let aad = aad.bytes();
        let plain =
            self.cipher.decrypt(nonce, Payload { msg: sealed, aad: &aad }).map_err(|_| CryptoError::Inauthentic)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }
}

/// The names `key rotate` uses next to the key file: the new key waits in
/// `secret.key.new` until the database is re-sealed, the old one is kept in
/// `secret.key.old` until then.
pub const NEW_KEY_FILE: &str = "secret.key.new";
pub const OLD_KEY_FILE: &str = "secret.key.old";

/// Writes `text` to `path` with mode 0600, replacing what is there, and
/// makes it durable (file and directory synced) before returning.
pub fn write_key_file(path: &Path, text: &str) -> Result<(), KeyError> {
    let io = |source| KeyError::Io { path: path.to_owned(), source };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        // `mode` applies only when the file is created: a left-over file keeps its own.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    file.write_all(text.trim().as_bytes()).map_err(io)?;
    file.write_all(b"\n").map_err(io)?;
    file.sync_all().map_err(io)?;
    sync_dir(path)
}

/// Renames `from` to `to` atomically and syncs the directory, so the
/// rename survives a crash.
pub fn rename_key_file(from: &Path, to: &Path) -> Result<(), KeyError> {
    fs::rename(from, to).map_err(|source| KeyError::Io { path: to.to_owned(), source })?;
    sync_dir(to)
}

fn sync_dir(path: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| KeyError::Io { path: dir.to_owned(), source })?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Reads a key file as [`FieldKey::load_or_create_file`] does (mode checked).
pub fn read_key(path: &Path) -> Result<FieldKey, KeyError> {
    read_key_file(path)
}

/// The label of the audit anchor's key: a different label gives an
/// unrelated key from the same secret.
const ANCHOR_LABEL: &str = "wijkregie audit anchor key v1";

/// HMAC-SHA256(secret, label): a key for one purpose derived from the one
/// secret the operator keeps (HKDF's extract step with the label as input).
fn derive(secret: &[u8; KEY_LEN], label: &str) -> Zeroizing<[u8; KEY_LEN]> {
    use hmac::digest::KeyInit;
    use hmac::Mac;
    // A key shorter than SHA-256's 64-byte block is zero-padded by HMAC
    // itself (RFC 2104); padding it here gives the same HMAC without a
    // fallible constructor.
    let mut block = Zeroizing::new([0u8; 64]);
    block[..KEY_LEN].copy_from_slice(secret);
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new(block.as_slice().into());
    mac.update(label.as_bytes());
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// Whether a stored value is in an encrypted form we know (rather than
/// plain text from before encryption was switched on).
pub fn is_encrypted(stored: &str) -> bool {
    stored.starts_with(V1)
}

fn read_key_file(path: &Path) -> Result<FieldKey, KeyError> {
    let io = |source| KeyError::Io { path: path.to_owned(), source };
    let metadata = fs::metadata(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::KeyFileTooOpen { path: path.to_owned(), mode });
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let text = Zeroizing::new(fs::read_to_string(path).map_err(io)?);
    parse_key(&text)
        .map(|bytes| FieldKey::from_bytes(&bytes))
        .map_err(|found| KeyError::BadKeyFile { path: path.to_owned(), found })
}

/// 32 bytes from 64 hex digits or base64 (standard or URL-safe alphabet,
/// padded or not). The error describes the shape found, never the value: it
/// may be a real key with a typo.
fn parse_key(text: &str) -> Result<Zeroizing<[u8; KEY_LEN]>, String> {
    let text = text.trim();
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    // 43 or 44 characters is a base64 key, even if every one happens to be a hex digit.
    if text.bytes().all(|b| b.is_ascii_hexdigit()) && !(43..=44).contains(&text.len()) {
        if text.len() != 2 * KEY_LEN {
            return Err(format!("{} hextekens in plaats van {}", text.len(), 2 * KEY_LEN));
        }
        hex::decode_to_slice(text, key.as_mut_slice()).map_err(|_| "ongeldige hex".to_owned())?;
        return Ok(key);
    }
    let normalised: Zeroizing<String> = Zeroizing::new(
        text.trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                other => other,
            })
            .collect(),
    );
    let bytes = Zeroizing::new(
        STANDARD_NO_PAD
            .decode(normalised.as_bytes())
            .map_err(|_| format!("{} tekens, geen hex of base64", text.chars().count()))?,
    );
    if bytes.len() != KEY_LEN {
        return Err(format!("{} bytes in plaats van {KEY_LEN}", bytes.len()));
    }
    key.copy_from_slice(&bytes);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key() -> FieldKey {
        FieldKey::from_env_value(HEX_KEY).unwrap()
    }

    fn place(row: &str) -> FieldAad<'_> {
        FieldAad { table: "referral", column: "patient_name", row }
    }

    #[test]
    fn the_anchor_key_follows_the_key_but_is_not_the_key() {
        let other = FieldKey::from_env_value(&"ab".repeat(32)).unwrap();
        assert_eq!(key().anchor_key(), key().anchor_key());
        assert_ne!(key().anchor_key(), other.anchor_key());
        assert_ne!(hex::encode(key().anchor_key()), HEX_KEY);
    }

    #[test]
    fn round_trip_with_a_fresh_nonce_each_time() {
        let k = key();
        for text in ["J. de Vries", "", "Ünïcödé — 06-12345678 ✓"] {
            let a = k.encrypt(text, &place("1")).unwrap();
            let b = k.encrypt(text, &place("1")).unwrap();
            assert!(a.starts_with("v1:") && is_encrypted(&a));
            assert_ne!(a, b, "a random nonce per value");
            assert!(!a.contains(text) || text.is_empty());
            assert_eq!(k.decrypt(&a, &place("1")).unwrap(), text);
        }
    }

    #[test]
    fn a_value_moved_to_another_row_or_column_does_not_decrypt() {
        let k = key();
        let stored = k.encrypt("J. de Vries", &place("1")).unwrap();
        assert_eq!(k.decrypt(&stored, &place("2")), Err(CryptoError::Inauthentic));
        let other_column = FieldAad { column: "patient_email", ..place("1") };
        assert_eq!(k.decrypt(&stored, &other_column), Err(CryptoError::Inauthentic));
        // Lengths are encoded, so shifting a character between parts is another place.
        let shifted = FieldAad { table: "referra", column: "lpatient_name", row: "1" };
        assert_eq!(k.decrypt(&stored, &shifted), Err(CryptoError::Inauthentic));
    }

    #[test]
    fn tampering_is_detected() {
        let k = key();
        let stored = k.encrypt("J. de Vries", &place("1")).unwrap();
        let mut raw = STANDARD_NO_PAD.decode(&stored[3..]).unwrap();
        for i in [0, NONCE_LEN, raw.len() - 1] {
            raw[i] ^= 1;
            let altered = format!("v1:{}", STANDARD_NO_PAD.encode(&raw));
            assert_eq!(k.decrypt(&altered, &place("1")), Err(CryptoError::Inauthentic), "byte {i}");
            raw[i] ^= 1;
        }
        assert!(k.decrypt(&stored[..stored.len() - 4], &place("1")).is_err(), "truncated");
        assert_eq!(k.decrypt("v1:AAAA", &place("1")), Err(CryptoError::Malformed));
        assert_eq!(k.decrypt("v1:***", &place("1")), Err(CryptoError::Malformed));
        assert_eq!(k.decrypt("J. de Vries", &place("1")), Err(CryptoError::UnknownVersion));
        assert_eq!(k.decrypt(&stored.replacen("v1:", "v2:", 1), &place("1")), Err(CryptoError::UnknownVersion));
    }

    #[test]
    fn another_key_reads_nothing() {
        let stored = key().encrypt("J. de Vries", &place("1")).unwrap();
        let (other, _) = FieldKey::generate().unwrap();
        assert_eq!(other.decrypt(&stored, &place("1")), Err(CryptoError::Inauthentic));
    }

    #[test]
    fn environment_key_as_hex_or_base64() {
        let stored = key().encrypt("x", &place("1")).unwrap();
        let bytes = hex::decode(HEX_KEY).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        for form in
            [HEX_KEY.to_uppercase(), format!("  {HEX_KEY}\n"), b64.clone(), b64.trim_end_matches('=').into(), url]
        {
            let k = FieldKey::from_env_value(&form).unwrap_or_else(|e| panic!("{form}: {e}"));
            assert_eq!(k.decrypt(&stored, &place("1")).unwrap(), "x", "{form}");
        }
    }

    #[test]
    fn a_bad_environment_key_is_named_without_echoing_it() {
        for bad in ["geheim", &HEX_KEY[..62], &base64::engine::general_purpose::STANDARD.encode([7u8; 16])] {
            let message = FieldKey::from_env_value(bad).unwrap_err().to_string();
            assert!(message.starts_with("WIJKREGIE_SECRET_KEY bevat geen geldige sleutel"), "{message}");
            assert!(!message.contains(bad), "the value must not be echoed: {message}");
        }
        assert!(FieldKey::from_env_value(&HEX_KEY[..62]).unwrap_err().to_string().contains("62 hextekens"));
    }

    #[test]
    fn environment_wins_over_the_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let (_, source) = FieldKey::load(Some(HEX_KEY), dir.path()).unwrap();
        assert_eq!(source, KeySource::Environment);
        assert!(!dir.path().join(KEY_FILE).exists(), "no file is written when the environment has the key");
        let (_, source) = FieldKey::load(Some("  "), dir.path()).unwrap();
        assert!(matches!(source, KeySource::CreatedFile(_)), "an empty value counts as unset");
    }

    #[test]
    fn key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let (first, source) = FieldKey::load_or_create_file(&data_dir).unwrap();
        let path = data_dir.join(KEY_FILE);
        assert_eq!(source, KeySource::CreatedFile(path.clone()));
        let (second, source) = FieldKey::load_or_create_file(&data_dir).unwrap();
        assert_eq!(source, KeySource::File(path.clone()));
        let stored = first.encrypt("J. de Vries", &place("1")).unwrap();
        assert_eq!(second.decrypt(&stored, &place("1")).unwrap(), "J. de Vries");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        FieldKey::load_or_create_file(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        for mode in [0o640, 0o604, 0o660] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = FieldKey::load_or_create_file(dir.path()).unwrap_err();
            assert!(matches!(err, KeyError::KeyFileTooOpen { mode: m, .. } if m == mode), "{err}");
            assert!(err.to_string().contains("chmod 600"));
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        assert!(FieldKey::load_or_create_file(dir.path()).is_ok(), "read-only for the owner is fine");
    }

    #[test]
    fn a_damaged_key_file_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&path).unwrap().write_all(b"kapot\n").unwrap();
        let err = FieldKey::load_or_create_file(dir.path()).unwrap_err();
        assert!(matches!(err, KeyError::BadKeyFile { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "kapot\n", "never overwrite a key file");
    }
}
