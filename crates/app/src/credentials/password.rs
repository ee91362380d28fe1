//! Password hashing with argon2id (OWASP's first choice for password storage).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

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

/// Spends the same time as a real check, so an unknown email address cannot
/// be told apart from a wrong password by timing.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("no-such-user").unwrap_or_default());
    let _ = verify(password, dummy);
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
