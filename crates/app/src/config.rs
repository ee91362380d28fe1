//! Settings of a running server. The CLI fills them from flags or
//! `WIJKREGIE_*` environment variables.

use std::net::SocketAddr;

use chrono::Duration;
pub use ipnet::IpNet;

/// The largest file the upload forms take; bigger files (such as every
/// buurt outline of the Netherlands) go through the CLI.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

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
    /// Reverse proxies whose `X-Forwarded-For` names the client (`serve
    /// --trusted-proxy`); without any, the TCP peer is the client.
    pub trusted_proxies: Vec<IpNet>,
    /// Days after its last check that a social-map entry counts as stale.
    pub stale_after_days: i64,
    /// Working days a partner has to react to a referral before it shows as
    /// overdue on both sides.
    pub reaction_working_days: u32,
    /// Months after a referral closes that its personal data is erased.
    pub retention_months: u32,
    /// Where notification mail goes out; without it the regio-beheerder
    /// sees the outbox in the app.
    pub smtp: Option<Smtp>,
    /// The address people use to reach this server, for links in mail.
    pub public_url: String,
    /// How long news about referrals to one person waits for more news, so
    /// that it goes out as one mail (`core::mail::due`).
    pub mail_bundle_window: Duration,
    /// Reads files uploaded on pages in a memory-limited process first
    /// (`import_worker`); `None` reads them in-process (tests).
    pub import_worker: Option<crate::import_worker::Worker>,
}

/// An SMTP relay for notification mail.
#[derive(Debug, Clone)]
pub struct Smtp {
    /// `smtps://user:password@host:465` or `smtp://host:25?tls=required`
    /// (lettre's connection URL).
    pub url: String,
    pub from: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: true,
            session_lifetime: Duration::hours(8),
            instance: format!("wijkregie@{}", hostname()),
            trusted_proxies: Vec::new(),
            stale_after_days: wijkregie_core::directory::DEFAULT_STALE_AFTER_DAYS,
            reaction_working_days: wijkregie_core::referral::DEFAULT_REACTION_WORKING_DAYS,
            retention_months: wijkregie_core::referral::DEFAULT_RETENTION_MONTHS,
            smtp: None,
            public_url: "http://localhost:8080".into(),
            mail_bundle_window: Duration::minutes(wijkregie_core::mail::DEFAULT_BUNDLE_MINUTES),
            import_worker: None,
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "localhost".into())
}

/// A `--trusted-proxy` value: an address (`10.0.0.5`, `::1`) or a network
/// in CIDR notation (`10.0.0.0/8`).
pub fn parse_trusted_proxy(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("'{value}' is geen IP-adres of netwerk (zoals 10.0.0.5 of 10.0.0.0/8)"))
}
