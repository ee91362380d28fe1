//! Password hashing with argon2id (OWASP's first choice for password storage).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("wachtwoord hashen mislukt: {e}"))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// argon2 takes tens of milliseconds of one core by design. Run on the
/// async workers it stalls every other request (`/healthz` took 1.3 s during
/// 60 concurrent logins), so it runs on tokio's blocking pool, at most one
/// per core at a time: more at once would only make each one slower.
fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get)))
}

async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _slot = slots().acquire().await.map_err(|e| anyhow::anyhow!("wachtwoordcontrole: {e}"))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| anyhow::anyhow!("wachtwoordcontrole: {e}"))
}

/// [`verify`] off the async workers; a failed task counts as a mismatch.
pub async fn verify_off_thread(password: &str, stored: &str) -> bool {
    let (password, stored) = (Zeroizing::new(password.to_owned()), stored.to_owned());
    off_thread(move || verify(&password, &stored)).await.unwrap_or(false)
}

/// [`hash`] off the async workers.
pub async fn hash_off_thread(password: &str) -> anyhow::Result<String> {
    let password = Zeroizing::new(password.to_owned());
    off_thread(move || hash(&password)).await?
}

/// Spends the same time as a real check, so an unknown email address cannot
/// be told apart from a wrong password by timing.
pub async fn verify_against_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("no-such-user").unwrap_or_default());
    let _ = verify_off_thread(password, dummy).await;
}

/// The rules a new password must meet (NCSC: length over complexity).
pub fn check_new(password: &str) -> Result<(), String> {
    if password.chars().count() < 12 {
        return Err("kies een wachtwoord van minstens 12 tekens".into());
    }
    if password.len() > 1024 {
        return Err("dit wachtwoord is te lang".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("Correct horse battery", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new("kort").is_err());
        assert!(check_new("lang genoeg wachtwoord").is_ok());
    }
}
