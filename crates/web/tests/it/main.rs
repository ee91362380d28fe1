//! The HTTP tests of wijkregie in one binary: each module starts the real
//! router on a random port, on SQLite and on PostgreSQL, fills it with the
//! demo region, and talks to it as a browser or an API client would.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod accounts;
mod anonymous_sessions;
mod api_hsds;
mod applications;
mod common;
mod fhir_directory;
mod figures;
mod finance;
mod http;
mod limits;
mod login;
mod mail;
mod pages_account;
mod pages_directory;
mod pages_directory_edit;
mod pages_flash;
mod pages_home;
mod pages_hsds_taxonomy;
mod pages_map;
mod pages_menu;
mod pages_moved;
mod pages_public_map;
mod pages_region;
mod population_import;
mod practice_import;
mod profile;
mod referral_reach;
mod referrals;
mod request_bodies;
mod security_headers;
