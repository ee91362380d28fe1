//! Settings of a running server. The CLI fills them from flags or
//! `WIJKREGIE_*` environment variables.

use std::net::SocketAddr;

use chrono::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// Set the `Secure` flag on cookies. On by default; turn it off only for
    /// plain-HTTP use on a developer's machine (the demo does so for localhost).
    pub secure_cookies: bool,
    /// How long a login lasts.
    pub session_lifetime: Duration,
    /// Names this instance in the audit log's source field.
    pub instance: String,
    /// Failed logins allowed per account within [`Config::throttle_window`].
    pub max_failed_logins_per_account: i64,
    /// Failed logins allowed per client address within the window.
    pub max_failed_logins_per_address: i64,
    pub throttle_window: Duration,
    /// Days after its last check that a social-map entry counts as stale.
    pub stale_after_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: true,
            session_lifetime: Duration::hours(8),
            instance: format!("wijkregie@{}", hostname()),
            max_failed_logins_per_account: 5,
            max_failed_logins_per_address: 20,
            throttle_window: Duration::minutes(15),
            stale_after_days: wijkregie_core::directory::DEFAULT_STALE_AFTER_DAYS,
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "localhost".into())
}
