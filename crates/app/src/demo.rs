//! The demo: a fictional region and one account per role, so that a new
//! user can start wijkregie and look around at once. Used by
//! `wijkregie serve --demo`, `wijkregie demo` and the tests.

use sha2::Digest;
use wijkregie_core::access::{authorize, Action, Object, Role, Scope};
use wijkregie_core::region::NetworkStatus;
use wijkregie_formats::region_file::RegionFile;
use wijkregie_store::account::{self, NewUser};
use wijkregie_store::region::ApplyReport;

use crate::credentials::password;
use crate::region::import_region_in;
use crate::Error;
use crate::{App, Ctx};

pub const PASSWORD: &str = "demo-wachtwoord";
/// The regio-beheerder's TOTP secret (base32), printed in the README so that
/// the demo can be tried with any authenticator app.
pub const ADMIN_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The TOTP secret (base32) of the demo's praktijk accounts: a new
/// installation requires a second factor of that role (NEN 7510).
pub const PRACTICE_TOTP_SECRET: &str = "KRSXG5CQOJQWW5DJNJVWKZLSMFZWK3TU";
/// The TOTP secret of the demo's netwerkpartner accounts.
pub const PARTNER_TOTP_SECRET: &str = "NZSXI53FOJVXAYLSORXGK4TTMVRXEZLU";

/// The demo secret of every account of a role that a new installation
/// requires a second factor of; the rule is by role, so a demo account added
/// later gets one without naming it.
pub fn totp_secret_for(role: Role) -> Option<&'static str> {
    match role {
        Role::Region => Some(ADMIN_TOTP_SECRET),
        Role::Practice => Some(PRACTICE_TOTP_SECRET),
        Role::Organization => Some(PARTNER_TOTP_SECRET),
        Role::Networks | Role::Operator | Role::IntakeLink => None,
    }
}

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    /// A secret of its own; `None` takes the role's ([`totp_secret_for`]).
    pub totp_secret: Option<&'static str>,
    /// For a netwerkpartner: its organisation, when not the first partner of
    /// the demo network (see [`scope_for`]).
    pub organization: Option<&'static str>,
}

/// The welfare organisation with a demo account: it offers Welzijn op
/// Recept. Stichting Welzijn Kwartierstad stays without an account, so the
/// demo also shows referrals by e-mail link.
pub const WELFARE_ORGANIZATION: &str = "welzijn-elzenmonde";

pub const ACCOUNTS: [DemoAccount; 5] = [
    DemoAccount {
        email: "beheer@demo.wijkregie.nl",
        name: "Ilse Verbeek",
        role: Role::Region,
        totp_secret: Some(ADMIN_TOTP_SECRET),
        organization: None,
    },
    DemoAccount {
        email: "wijkmanager@demo.wijkregie.nl",
        name: "Joris Ampt",
        role: Role::Networks,
        totp_secret: None,
        organization: None,
    },
    DemoAccount {
        email: "praktijk@demo.wijkregie.nl",
        name: "Dr. Noor Haddou",
        role: Role::Practice,
        totp_secret: None,
        organization: None,
    },
    DemoAccount {
        email: "partner@demo.wijkregie.nl",
        name: "Femke Rozendaal",
        role: Role::Organization,
        totp_secret: None,
        organization: None,
    },
    DemoAccount {
        email: "welzijn@demo.wijkregie.nl",
        name: "Sanne Kuipers",
        role: Role::Organization,
        totp_secret: None,
        organization: Some(WELFARE_ORGANIZATION),
    },
];

impl DemoAccount {
    /// The TOTP secret the account gets, printed at start and used by tests.
    pub fn totp(&self) -> Option<&'static str> {
        self.totp_secret.or_else(|| totp_secret_for(self.role))
    }

    /// This account's scope in the demo region.
    pub fn scope(&self, region: &RegionFile) -> Scope {
        match (self.role, self.organization) {
            (Role::Organization, Some(code)) => {
                Scope::Organization(code.parse().expect("demo organisation codes are valid codes"))
            }
            (role, _) => scope_for(role, region),
        }
    }
}

/// The scope each demo account gets within the demo region: the wijkmanager
/// runs the first two active networks, the practice and the partner belong
/// to the first of those.
pub fn scope_for(role: Role, region: &RegionFile) -> Scope {
    let mut active = region.networks.iter().filter(|n| n.status == NetworkStatus::Actief && !n.practices.is_empty());
    let first = active.next().expect("the demo region has active networks");
    let second = active.next().expect("the demo region has two active networks");
    match role {
        Role::Region | Role::Operator | Role::IntakeLink => Scope::Region,
        Role::Networks => Scope::Networks(vec![first.code.clone(), second.code.clone()]),
        Role::Practice => Scope::Practice(
            first
                .practices
                .iter()
                .find(|m| m.until.is_none())
                .expect("the first active demo network has a current practice")
                .member
                .clone(),
        ),
        Role::Organization => Scope::Organization(
            first
                .partners
                .iter()
                .find(|m| m.until.is_none())
                .expect("the first active demo network has a current partner")
                .member
                .clone(),
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
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn seed(app: &App) -> Result<Seeded, Error> {
    let mut conn = app.store.conn().await?;
    if wijkregie_store::region::region(&mut conn).await?.is_some() {
        return Ok(Seeded::AlreadyFilled);
    }
    drop(conn);
    let region = wijkregie_formats::demo::region();
    let ctx = Ctx::operator(app.clone());
    let entry = crate::audit::Entry {
        event: "region.import",
        action: wijkregie_core::audit::AuditAction::Execute,
        object_type: "region",
        object_id: None,
    };
    let decision = crate::audit::check(&ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let hash = password::hash(PASSWORD)?;
    // One transaction for everything: a failure or a `kill -9` part-way
    // leaves an empty database, and a rerun loads the demo (a region without
    // accounts would make the rerun refuse, "De database bevat al een regio").
    let mut tx = app.store.begin_bulk().await?;
    let report = import_region_in(&mut tx, &ctx, decision, region.clone()).await?;
    crate::boundary::import_demo(&mut tx, &ctx, decision).await?;
    crate::population::import_demo(&mut tx, &ctx, decision).await?;
    // The demo shows the public social map, so it can be tried without login.
    wijkregie_store::region::set_public_map(tx.conn(), true).await?;
    let directory = wijkregie_formats::demo::directory::generate();
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
        &wijkregie_formats::demo::directory::postcode_centroids(),
    )
    .await?;
    let mut user_ids = std::collections::BTreeMap::new();
    for a in &ACCOUNTS {
        let scope = a.scope(&region);
        let new = NewUser {
            email: a.email,
            name: a.name,
            password_hash: &hash,
            role: a.role,
            scope: &scope,
            totp_secret: None,
        };
        let id = account::create_user(tx.conn(), &new, chrono::Utc::now()).await?;
        if let Some(secret) = a.totp() {
            wijkregie_store::totp_secret::set(tx.conn(), &app.field_key, id, Some(secret), None).await?;
        }
        user_ids.insert(a.email, id);
    }
    seed_referrals(app, &mut tx, &region, &directory, &user_ids).await?;
    seed_applications(&mut tx, &region).await?;
    tx.commit().await?;
    Ok(Seeded::Filled(report))
}

/// A year of fictional referrals from the demo practice to the partners of
/// its network, so worklists, figures and the chart show something.
async fn seed_referrals(
    app: &App,
    tx: &mut wijkregie_store::WriteTx,
    region: &RegionFile,
    directory: &wijkregie_formats::demo::directory::Directory,
    user_ids: &std::collections::BTreeMap<&'static str, i64>,
) -> Result<(), Error> {
    let Scope::Practice(agb) = scope_for(Role::Practice, region) else { return Ok(()) };
    let today = wijkregie_core::clock::nl_today();
    let Some(network) =
        region.networks.iter().find(|n| n.practices.iter().any(|m| m.member == agb && m.active_on(today)))
    else {
        return Ok(());
    };
    let partners: Vec<&wijkregie_core::codes::Code> =
        network.partners.iter().filter(|m| m.active_on(today)).map(|m| &m.member).collect();
    let services: Vec<&wijkregie_core::directory::Service> =
        directory.services.iter().filter(|s| partners.contains(&&s.organization)).collect();
    let id_of = |role: Role| {
        ACCOUNTS.iter().find(|a| a.role == role).and_then(|a| user_ids.get(a.email)).copied().unwrap_or_default()
    };
    let partner_users = ACCOUNTS
        .iter()
        .filter(|a| a.role == Role::Organization)
        .filter_map(|a| match (a.scope(region), user_ids.get(a.email)) {
            (Scope::Organization(code), Some(&id)) => Some((code, id)),
            _ => None,
        })
        .collect();
    let parties = wijkregie_formats::demo::referrals::Parties {
        practice: agb.clone(),
        network: network.code.clone(),
        wijk: region.practices.iter().find(|p| p.code == agb).and_then(|p| p.wijk.clone()),
        practice_user: id_of(Role::Practice),
        partner_users,
    };
    let now = chrono::Utc::now();
    let mut referrals = wijkregie_formats::demo::referrals::generate(&parties, &services, now);
    // Every demo partner account gets a referral in every status, at the
    // first active service of its organisation (Welzijn op Recept for the
    // welfare account).
    for (series, (code, _)) in (0x10u8..).zip(&parties.partner_users) {
        let service = directory
            .services
            .iter()
            .filter(|s| &s.organization == code && s.status == wijkregie_core::directory::ServiceStatus::Active)
            .min_by_key(|s| !s.pathways.contains(&wijkregie_core::directory::Pathway::WelzijnOpRecept));
        if let Some(service) = service {
            referrals.extend(wijkregie_formats::demo::referrals::in_every_status(&parties, service, series, now));
        }
    }
    for (id, referral) in referrals {
        wijkregie_store::referral::insert(tx.conn(), &app.field_key, &id, &referral).await?;
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
async fn seed_applications(tx: &mut wijkregie_store::WriteTx, region: &RegionFile) -> Result<(), Error> {
    let start = chrono::Utc::now() - chrono::Duration::days(10);
    for (i, application) in wijkregie_formats::demo::applications::generate(region).iter().enumerate() {
        let token_hash = hex::encode(sha2::Sha256::digest(crate::credentials::random_token(43).as_bytes()));
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

/// What loading the national social map did.
pub enum National {
    Loaded { services: usize, organizations: usize, locations: usize, postcodes: usize },
    AlreadyLoaded,
}

/// `wijkregie demo --scale landelijk`: adds the generated national social
/// map (`formats::demo::national`) to the demo, for the benchmarks in
/// `bench/`. Written like an import, in one transaction; loaded once.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn national(ctx: &Ctx) -> Result<National, Error> {
    use wijkregie_formats::demo::national::{generate, FULL_SCALE};
    let d = generate(FULL_SCALE);
    let mut conn = ctx.app.store.conn().await?;
    let first = d.services.first().map(|s| s.id.clone());
    if let Some(id) = first {
        if wijkregie_store::directory::service(&mut conn, &id).await?.is_some() {
            return Ok(National::AlreadyLoaded);
        }
    }
    drop(conn);
    let entry = crate::audit::Entry {
        event: "directory.import",
        action: wijkregie_core::audit::AuditAction::Execute,
        object_type: "directory",
        object_id: None,
    };
    let decision = wijkregie_core::access::authorize(
        &ctx.principal,
        wijkregie_core::access::Action::Edit,
        wijkregie_core::access::Object::Region,
    );
    let grant = crate::audit::check(ctx, entry, decision).await?;
    let mut tx = ctx.app.store.begin_bulk().await?;
    wijkregie_store::region::save_organizations(tx.conn(), &d.organizations).await?;
    wijkregie_store::directory::save_locations(tx.conn(), &d.locations).await?;
    let change = wijkregie_store::directory::ServiceChange {
        changed_at: chrono::Utc::now(),
        user_id: None,
        summary: "landelijke demo geladen".into(),
    };
    wijkregie_store::directory::save_services(tx.conn(), &d.services, &change).await?;
    wijkregie_store::directory::save_postcode_centroids(tx.conn(), &d.postcodes).await?;
    crate::audit::record(&mut tx, &ctx.app, &ctx.actor, entry, Ok(grant)).await?;
    tx.commit().await?;
    Ok(National::Loaded {
        services: d.services.len(),
        organizations: d.organizations.len(),
        locations: d.locations.len(),
        postcodes: d.postcodes.len(),
    })
}
