//! The domain of wijkregie: region, wijken, practices, partner organisations,
//! networks (WSV), the social map, verwijzingen (referrals), population
//! figures and theme suggestions, who may do what, and the audit chain.
//!
//! This crate does no I/O and knows no framework, so every rule here can be
//! tested quickly and reused by the store, the web layer and the CLI alike.

pub mod access;
pub mod application;
pub mod audit;
pub mod clock;
pub mod codes;
pub mod date;
pub mod directory;
pub mod error;
pub mod finance;
pub mod format;
pub mod forming;
pub mod limits;
pub mod mail;
pub mod membership;
pub mod plan;
pub mod population;
pub mod referral;
pub mod region;
pub mod second_factor;
pub mod throttle;

pub use error::FieldError;
