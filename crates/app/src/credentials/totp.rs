//! Time-based one-time codes (RFC 6238, as authenticator apps use them).

use totp_rs::{Algorithm, Secret, TOTP};

fn totp(secret_base32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("wijkregie".into()), account.to_owned()).ok()
}

/// A fresh random secret, base32 as apps expect it.
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

/// Accepts the current code and the one before or after it, for clock drift.
pub fn check(secret_base32: &str, code: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    code.len() == 6 && totp(secret_base32, "").is_some_and(|t| t.check_current(&code).unwrap_or(false))
}

/// The code an authenticator app shows now; for tests and the demo script.
pub fn current_code(secret_base32: &str) -> Option<String> {
    totp(secret_base32, "")?.generate_current().ok()
}

/// The `otpauth://` link an app scans or opens.
pub fn provisioning_url(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account).map(|t| t.get_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_is_accepted_and_a_wrong_one_is_not() {
        let secret = new_secret();
        let code = totp(&secret, "").unwrap().generate_current().unwrap();
        assert!(check(&secret, &code));
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 500_000) % 1_000_000);
        assert!(!check(&secret, &wrong));
        assert!(!check(&secret, "12345"));
        assert!(!check("not base32!", &code));
    }

    #[test]
    fn provisioning_url_names_the_issuer() {
        let url = provisioning_url(&new_secret(), "beheer@example.nl").unwrap();
        assert!(url.starts_with("otpauth://totp/wijkregie:beheer%40example.nl?"), "{url}");
    }
}
