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

/// The time step (of 30 s since 1970) whose code `code` is, among the
/// current step and the one before or after it (clock drift); `None` when it
/// is none of them. The caller must still use the step up
/// ([`wijkregie_store::totp_secret::claim_step`]): a code counts once.
pub fn matching_step(secret_base32: &str, code: &str, now_unix: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret_base32, "")?;
    if code.len() != 6 {
        return None;
    }
    let current = now_unix / totp.step;
    // The latest matching step wins, so a code cannot be replayed as an older one.
    [current + 1, current, current.saturating_sub(1)]
        .into_iter()
        .find(|step| constant_time_eq(totp.generate(step * totp.step).as_bytes(), code.as_bytes()))
        .and_then(|step| i64::try_from(step).ok())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Seconds since 1970, for [`matching_step`].
pub fn now_unix() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// The code an authenticator app shows now; for tests and the demo script.
pub fn current_code(secret_base32: &str) -> Option<String> {
    totp(secret_base32, "")?.generate_current().ok()
}

/// The code of the time step that holds `unix_time`; for tests (a code
/// for the next step, when this one is used up).
pub fn code_at(secret_base32: &str, unix_time: u64) -> Option<String> {
    Some(totp(secret_base32, "")?.generate(unix_time))
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
    fn the_matching_step_is_found_within_one_step_of_drift() {
        let secret = new_secret();
        let t = totp(&secret, "").unwrap();
        let now = 1_700_000_015;
        let step = |s: u64| t.generate(s * 30);
        assert_eq!(matching_step(&secret, &step(now / 30), now), Some((now / 30) as i64));
        assert_eq!(matching_step(&secret, &step(now / 30 - 1), now), Some((now / 30 - 1) as i64));
        assert_eq!(matching_step(&secret, &step(now / 30 + 1), now), Some((now / 30 + 1) as i64));
        assert_eq!(matching_step(&secret, &step(now / 30 - 2), now), None);
        assert_eq!(matching_step(&secret, "12345", now), None);
    }

    #[test]
    fn provisioning_url_names_the_issuer() {
        let url = provisioning_url(&new_secret(), "beheer@example.nl").unwrap();
        assert!(url.starts_with("otpauth://totp/wijkregie:beheer%40example.nl?"), "{url}");
    }
}
