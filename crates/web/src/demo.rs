//! The demo: a fictional region and one account per role, so that a new
//! user can start wijkregie and look around at once. Used by
//! `wijkregie serve --demo`, `wijkregie demo` and the tests.

use sha2::Digest;
use wijkregie_core::access::{Role, Scope};
use wijkregie_core::region::NetworkStatus;
use wijkregie_formats::region_file::RegionFile;
use wijkregie_store::account::{self, NewUser};
use wijkregie_store::region::ApplyReport;

use crate::audit::Actor;
use crate::auth::password;
use crate::error::AppError;
use crate::service::region::import_region;
use crate::AppState;

pub const PASSWORD: &str = "demo-wachtwoord";
/// The regio-beheerder's TOTP secret (base32), printed in the README so that
/// the demo can be tried with any authenticator app.
pub const ADMIN_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub totp_secret: Option<&'static str>,
}

pub const ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        email: "beheer@demo.wijkregie.nl",
        name: "Ilse Verbeek",
        role: Role::RegioBeheerder,
        totp_secret: Some(ADMIN_TOTP_SECRET),
    },
    DemoAccount {
        email: "wijkmanager@demo.wijkregie.nl",
        name: "Joris Ampt",
        role: Role::Wijkmanager,
        totp_secret: None,
    },
    DemoAccount {
        email: "praktijk@demo.wijkregie.nl",
        name: "Dr. Noor Haddou",
        role: Role::Praktijk,
        totp_secret: None,
    },
    DemoAccount {
        email: "partner@demo.wijkregie.nl",
        name: "Femke Rozendaal",
        role: Role::Netwerkpartner,
        totp_secret: None,
    },
];

/// The scope each demo account gets within the demo region: the wijkmanager
/// runs the first two active networks, the practice and the partner belong
/// to the first of those.
pub fn scope_for(role: Role, region: &RegionFile) -> Scope {
    let mut active = region.networks.iter().filter(|n| n.status == NetworkStatus::Actief && !n.practices.is_empty());
    let first = active.next().expect("the demo region has active networks");
    let second = active.next().expect("the demo region has two active networks");
    match role {
        Role::RegioBeheerder => Scope::Region,
        Role::Wijkmanager => Scope::Networks(vec![first.code.clone(), second.code.clone()]),
        Role::Praktijk => Scope::Practice(
            first.practices.iter().find(|m| m.until.is_none()).expect("a current member").member.clone(),
        ),
        Role::Netwerkpartner => Scope::Organization(
            first.partners.iter().find(|m| m.until.is_none()).expect("a current partner").member.clone(),
        ),
    }
}

/// What seeding did.
pub enum Seeded {
    Filled(ApplyReport),
    /// The database already holds a region; nothing was changed.
    AlreadyFilled,
}

/// Fills an empty database with the demo region, its social map and the
/// accounts. The taxonomy must be loaded first (`crate::prepare`).
pub async fn seed(state: &AppState) -> Result<Seeded, AppError> {
    let mut conn = state.store.conn().await?;
    if wijkregie_store::region::region(&mut conn).await?.is_some() {
        return Ok(Seeded::AlreadyFilled);
    }
    drop(conn);
    let region = wijkregie_formats::demo::region();
    let actor = Actor::new(None, &state.config.instance, None);
    let report = import_region(state, &actor, region.clone()).await?;
    crate::service::boundary::import_demo(state, &actor).await?;
    crate::service::population::import_demo(state, &actor).await?;
    let hash = password::hash(PASSWORD)?;
    let mut tx = state.store.begin().await?;
    // The demo shows the public social map, so it can be tried without login.
    wijkregie_store::region::set_public_map(tx.conn(), true).await?;
    let directory = wijkregie_formats::demo_directory::directory();
    for l in &directory.locations {
        wijkregie_store::directory::save_location(tx.conn(), l).await?;
    }
    let change = wijkregie_store::directory::ServiceChange {
        changed_at: chrono::Utc::now(),
        user_id: None,
        summary: "demo geladen".into(),
    };
    for s in &directory.services {
        wijkregie_store::directory::save_service(tx.conn(), s, &change).await?;
    }
    wijkregie_store::directory::save_postcode_centroids(
        tx.conn(),
        &wijkregie_formats::demo_directory::postcode_centroids(),
    )
    .await?;
    let mut user_ids = std::collections::BTreeMap::new();
    for a in &ACCOUNTS {
        let scope = scope_for(a.role, &region);
        let new = NewUser {
            email: a.email,
            name: a.name,
            password_hash: &hash,
            role: a.role,
            scope: &scope,
            totp_secret: a.totp_secret,
        };
        user_ids.insert(a.role.code(), account::create_user(tx.conn(), &new, chrono::Utc::now()).await?);
    }
    seed_referrals(state, &mut tx, &region, &directory, &user_ids).await?;
    seed_applications(&mut tx, &region).await?;
    tx.commit().await?;
    Ok(Seeded::Filled(report))
}

/// A year of fictional referrals from the demo practice to the partners of
/// its network, so worklists, figures and the chart show something.
async fn seed_referrals(
    state: &AppState,
    tx: &mut wijkregie_store::WriteTx,
    region: &RegionFile,
    directory: &wijkregie_formats::demo_directory::DemoDirectory,
    user_ids: &std::collections::BTreeMap<&str, i64>,
) -> Result<(), AppError> {
    let Scope::Practice(agb) = scope_for(Role::Praktijk, region) else { return Ok(()) };
    let today = chrono::Utc::now().date_naive();
    let Some(network) =
        region.networks.iter().find(|n| n.practices.iter().any(|m| m.member == agb && m.active_on(today)))
    else {
        return Ok(());
    };
    let partners: Vec<&wijkregie_core::codes::Code> =
        network.partners.iter().filter(|m| m.active_on(today)).map(|m| &m.member).collect();
    let services: Vec<&wijkregie_core::directory::Service> =
        directory.services.iter().filter(|s| partners.contains(&&s.organization)).collect();
    let parties = wijkregie_formats::demo_referrals::Parties {
        practice: agb.clone(),
        network: network.code.clone(),
        wijk: region.practices.iter().find(|p| p.agb == agb).and_then(|p| p.wijk.clone()),
        practice_user: user_ids.get(Role::Praktijk.code()).copied().unwrap_or_default(),
        partner_user: user_ids.get(Role::Netwerkpartner.code()).copied().unwrap_or_default(),
    };
    for (id, referral) in wijkregie_formats::demo_referrals::referrals(&parties, &services, chrono::Utc::now()) {
        wijkregie_store::referral::insert(tx.conn(), &state.field_key, &id, &referral).await?;
        // Only referrals the partner has not opened yet are news.
        if !referral.facts.history.is_empty() {
            wijkregie_store::referral::mark_read(tx.conn(), &id, wijkregie_core::referral::Side::Receiver).await?;
        }
    }
    Ok(())
}

/// Registrations waiting for review, so the queue and the proposals show
/// something. Their status tokens are random and never shown: nobody
/// follows a demo applicant's link.
async fn seed_applications(tx: &mut wijkregie_store::WriteTx, region: &RegionFile) -> Result<(), AppError> {
    let start = chrono::Utc::now() - chrono::Duration::days(10);
    for (i, application) in wijkregie_formats::demo_applications::applications(region).iter().enumerate() {
        let token_hash = hex::encode(sha2::Sha256::digest(crate::auth::random_token(43).as_bytes()));
        let new = wijkregie_store::application::NewApplication {
            submitted_at: start + chrono::Duration::days(i as i64),
            application,
            token_hash: &token_hash,
            sender_hash: None,
            session_hash: None,
            spam: None,
        };
        wijkregie_store::application::insert(tx.conn(), &new).await?;
    }
    Ok(())
}
