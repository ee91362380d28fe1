//! Reading and changing the region model on behalf of a user.

use chrono::NaiveDate;
use wijkregie_core::access::{authorize, Action, Grant, Object, Refusal};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::finance::Tariffs;
use wijkregie_core::region::{Network, NetworkStatus, Organization, PatientCount, Practice, RegionSnapshot, Wijk};
use wijkregie_core::FieldError;
use wijkregie_store::region as db;
use wijkregie_store::WriteTx;

use crate::audit::{check, guarded, logged, record, Entry};
use crate::network_figures::{self, NetworkFigures};
use crate::Ctx;
use crate::{Error, Result};

/// Networks (current or past) that a practice is or was a member of.
fn networks_of_practice(networks: &[Network], agb: &Code) -> Vec<Code> {
    networks.iter().filter(|n| n.practices.iter().any(|m| &m.member == agb)).map(|n| n.code.clone()).collect()
}

fn networks_of_organization(networks: &[Network], code: &Code) -> Vec<Code> {
    networks.iter().filter(|n| n.partners.iter().any(|m| &m.member == code)).map(|n| n.code.clone()).collect()
}

fn practices_of(n: &Network) -> Vec<Code> {
    n.practices.iter().map(|m| m.member.clone()).collect()
}

fn partners_of(n: &Network) -> Vec<Code> {
    n.partners.iter().map(|m| m.member.clone()).collect()
}

pub fn can_view_network(ctx: &Ctx, n: &Network) -> Result<Grant, Refusal> {
    authorize(
        &ctx.principal,
        Action::View,
        Object::Network { code: &n.code, practices: &practices_of(n), partners: &partners_of(n) },
    )
}

fn can_view_practice(ctx: &Ctx, networks: &[Network], p: &Practice) -> Result<Grant, Refusal> {
    authorize(
        &ctx.principal,
        Action::View,
        Object::Practice { practice: &p.code, networks: &networks_of_practice(networks, &p.code) },
    )
}

/// Logs a read (a refusal too) and hands back the decision.
async fn log_read(
    ctx: &Ctx,
    event: &str,
    object_type: &str,
    id: Option<&str>,
    decision: Result<Grant, Refusal>,
) -> Result<Grant> {
    logged(ctx, Entry { event, action: AuditAction::Read, object_type, object_id: id }, decision).await
}

/// Everything a page or API list needs about the region, filtered to what
/// this user may see.
pub struct Visible {
    pub wijken: Vec<Wijk>,
    pub practices: Vec<Practice>,
    pub organizations: Vec<Organization>,
    /// The networks this user may open.
    pub networks: Vec<Network>,
    /// Every network of the region by name, also those this user may not
    /// open: a wijk's networks exist whoever looks.
    pub region_networks: Vec<NetworkListing>,
    /// Every member practice of `networks`, for their totals only: never
    /// handed out, since scope hides practice-level detail.
    members: Vec<Practice>,
    tariffs: Tariffs,
}

impl Visible {
    /// The figures of one of `networks` on `date`, the same for everyone
    /// who may see the network (see [`crate::network_figures`]).
    pub fn figures(&self, network: &Network, date: NaiveDate) -> NetworkFigures {
        network_figures::compute(network, &self.members, date, &self.tariffs)
    }
}

/// A network as anyone may know it exists: name, status and wijken.
#[derive(Debug, Clone)]
pub struct NetworkListing {
    pub code: Code,
    pub name: String,
    pub status: NetworkStatus,
    pub wijken: Vec<Code>,
    /// Whether this user may open the network's page.
    pub may_open: bool,
}

impl NetworkListing {
    fn new(ctx: &Ctx, n: &Network) -> Self {
        Self {
            code: n.code.clone(),
            name: n.name.clone(),
            status: n.status,
            wijken: n.wijken.clone(),
            may_open: can_view_network(ctx, n).is_ok(),
        }
    }
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn visible(ctx: &Ctx) -> Result<Visible> {
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = db::snapshot(&mut conn).await?;
    let tariffs = Tariffs::new(wijkregie_store::finance::tariffs(&mut conn).await?);
    drop(conn);
    let all_networks = snapshot.networks.clone();
    let region_networks = all_networks.iter().map(|n| NetworkListing::new(ctx, n)).collect();
    let networks: Vec<Network> = snapshot.networks.into_iter().filter(|n| can_view_network(ctx, n).is_ok()).collect();
    let members = snapshot
        .practices
        .iter()
        .filter(|p| networks.iter().any(|n| n.practices.iter().any(|m| m.member == p.code)))
        .cloned()
        .collect();
    let practices =
        snapshot.practices.into_iter().filter(|p| can_view_practice(ctx, &all_networks, p).is_ok()).collect();
    let wijken =
        snapshot.wijken.into_iter().filter(|_| authorize(&ctx.principal, Action::View, Object::Wijk).is_ok()).collect();
    let organizations = snapshot
        .organizations
        .into_iter()
        .filter(|o| {
            let networks = networks_of_organization(&all_networks, &o.code);
            authorize(&ctx.principal, Action::View, Object::Organization { code: &o.code, networks: &networks }).is_ok()
        })
        .collect();
    log_read(ctx, "region.list", "region", None, Ok(Grant { rule: "overzicht, gefilterd per object" })).await?;
    Ok(Visible { wijken, practices, organizations, networks, region_networks, members, tariffs })
}

pub struct NetworkDetail {
    pub network: Network,
    pub practices: Vec<Practice>,
    pub organizations: Vec<Organization>,
    pub wijken: Vec<Wijk>,
    pub may_edit: bool,
    pub may_edit_terms: bool,
    /// Member practices this user may open; the others are shown by name only.
    pub openable_practices: Vec<Code>,
    /// Member practices whose own patient count this user may see.
    pub practices_with_visible_counts: Vec<Code>,
    tariffs: Tariffs,
}

impl NetworkDetail {
    pub fn registered_patients_on(&self, date: NaiveDate) -> u64 {
        self.figures(date).registered_patients
    }

    /// The network's figures on `date`, as on every other page that shows them.
    pub fn figures(&self, date: NaiveDate) -> NetworkFigures {
        network_figures::compute(&self.network, &self.practices, date, &self.tariffs)
    }
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn network(ctx: &Ctx, code: &Code) -> Result<NetworkDetail> {
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = db::snapshot(&mut conn).await?;
    let tariffs = Tariffs::new(wijkregie_store::finance::tariffs(&mut conn).await?);
    drop(conn);
    let network = snapshot
        .networks
        .iter()
        .find(|n| &n.code == code)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("netwerk {code}")))?;
    log_read(ctx, "network.view", "network", Some(code.as_str()), can_view_network(ctx, &network)).await?;
    let object = Object::Network { code, practices: &practices_of(&network), partners: &partners_of(&network) };
    let may_edit = authorize(&ctx.principal, Action::Edit, object).is_ok();
    let may_edit_terms = authorize(&ctx.principal, Action::Edit, Object::NetworkTerms { code }).is_ok();
    let members = practices_of(&network);
    let partners = partners_of(&network);
    let openable_practices = snapshot
        .practices
        .iter()
        .filter(|p| members.contains(&p.code) && can_view_practice(ctx, &snapshot.networks, p).is_ok())
        .map(|p| p.code.clone())
        .collect();
    Ok(NetworkDetail {
        openable_practices,
        practices_with_visible_counts: members
            .iter()
            .filter(|agb| {
                let networks = networks_of_practice(&snapshot.networks, agb);
                authorize(
                    &ctx.principal,
                    Action::View,
                    Object::RegisteredPatients { practice: agb, networks: &networks },
                )
                .is_ok()
            })
            .cloned()
            .collect(),
        practices: snapshot.practices.into_iter().filter(|p| members.contains(&p.code)).collect(),
        organizations: snapshot.organizations.into_iter().filter(|o| partners.contains(&o.code)).collect(),
        wijken: snapshot.wijken.into_iter().filter(|w| network.wijken.contains(&w.code)).collect(),
        network,
        may_edit,
        may_edit_terms,
        tariffs,
    })
}

pub struct PracticeDetail {
    pub practice: Practice,
    pub networks: Vec<Network>,
    pub may_edit: bool,
    pub may_edit_counts: bool,
    /// Whether the counts may be shown (the practice itself, its wijkmanager, the region).
    pub sees_counts: bool,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn practice(ctx: &Ctx, agb: &Code) -> Result<PracticeDetail> {
    let mut conn = ctx.app.store.conn().await?;
    let practice = db::practice(&mut conn, agb).await?.ok_or_else(|| Error::NotFound(format!("praktijk {agb}")))?;
    let networks = db::networks(&mut conn).await?;
    drop(conn);
    let member_of = networks_of_practice(&networks, agb);
    log_read(ctx, "practice.view", "practice", Some(agb.as_str()), can_view_practice(ctx, &networks, &practice))
        .await?;
    let may_edit =
        authorize(&ctx.principal, Action::Edit, Object::Practice { practice: agb, networks: &member_of }).is_ok();
    let counts = Object::RegisteredPatients { practice: agb, networks: &member_of };
    let may_edit_counts = authorize(&ctx.principal, Action::Edit, counts).is_ok();
    let sees_counts = authorize(&ctx.principal, Action::View, counts).is_ok();
    let visible_networks =
        networks.into_iter().filter(|n| member_of.contains(&n.code) && can_view_network(ctx, n).is_ok()).collect();
    Ok(PracticeDetail { practice, networks: visible_networks, may_edit, may_edit_counts, sees_counts })
}

pub struct OrganizationDetail {
    pub organization: Organization,
    pub networks: Vec<Network>,
    pub may_edit: bool,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn organization(ctx: &Ctx, code: &Code) -> Result<OrganizationDetail> {
    let mut conn = ctx.app.store.conn().await?;
    let organization =
        db::organization(&mut conn, code).await?.ok_or_else(|| Error::NotFound(format!("organisatie {code}")))?;
    let networks = db::networks(&mut conn).await?;
    drop(conn);
    let partner_in = networks_of_organization(&networks, code);
    let object = Object::Organization { code, networks: &partner_in };
    log_read(
        ctx,
        "organization.view",
        "organization",
        Some(code.as_str()),
        authorize(&ctx.principal, Action::View, object),
    )
    .await?;
    let may_edit = authorize(&ctx.principal, Action::Edit, object).is_ok();
    let networks =
        networks.into_iter().filter(|n| partner_in.contains(&n.code) && can_view_network(ctx, n).is_ok()).collect();
    Ok(OrganizationDetail { organization, networks, may_edit })
}

pub struct WijkDetail {
    pub wijk: Wijk,
    /// Every network working in the wijk, also those this user may not open.
    pub networks: Vec<NetworkListing>,
    pub practices: Vec<Practice>,
    pub may_edit: bool,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn wijk(ctx: &Ctx, code: &Code) -> Result<WijkDetail> {
    let mut conn = ctx.app.store.conn().await?;
    let wijk = db::wijk(&mut conn, code).await?.ok_or_else(|| Error::NotFound(format!("wijk {code}")))?;
    let networks = db::networks(&mut conn).await?;
    let practices = db::practices(&mut conn).await?;
    drop(conn);
    log_read(ctx, "wijk.view", "wijk", Some(code.as_str()), authorize(&ctx.principal, Action::View, Object::Wijk))
        .await?;
    let may_edit = authorize(&ctx.principal, Action::Edit, Object::Wijk).is_ok();
    Ok(WijkDetail {
        practices: practices
            .into_iter()
            .filter(|p| p.wijk.as_ref() == Some(code) && can_view_practice(ctx, &networks, p).is_ok())
            .collect(),
        networks: networks.iter().filter(|n| n.wijken.contains(code)).map(|n| NetworkListing::new(ctx, n)).collect(),
        wijk,
        may_edit,
    })
}

/// Checks references between entities against the database as it will be.
fn reference_problems(
    snapshot: &RegionSnapshot,
    network: Option<&Network>,
    practice: Option<&Practice>,
) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if let Some(n) = network {
        problems.extend(n.problems());
        for (i, w) in n.wijken.iter().enumerate() {
            if !snapshot.wijken.iter().any(|x| &x.code == w) {
                problems.push(FieldError::new(format!("wijken[{i}]"), format!("wijk '{w}' bestaat niet")));
            }
        }
        for (i, m) in n.practices.iter().enumerate() {
            if !snapshot.practices.iter().any(|x| x.code == m.member) {
                problems.push(FieldError::new(
                    format!("practices[{i}].practice"),
                    format!("praktijk {} bestaat niet", m.member),
                ));
            }
        }
        for (i, m) in n.partners.iter().enumerate() {
            if !snapshot.organizations.iter().any(|x| x.code == m.member) {
                problems.push(FieldError::new(
                    format!("partners[{i}].organization"),
                    format!("organisatie '{}' bestaat niet", m.member),
                ));
            }
        }
    }
    if let Some(p) = practice {
        if let Some(w) = &p.wijk {
            if !snapshot.wijken.iter().any(|x| &x.code == w) {
                problems.push(FieldError::new("wijk", format!("wijk '{w}' bestaat niet")));
            }
        }
        if p.name.trim().is_empty() {
            problems.push(FieldError::new("name", "de naam is verplicht"));
        }
    }
    problems
}

/// How a save went: created or updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
}

/// Starts the transaction of a change with its audit entry. A refusal is
/// logged and committed, then returned as the error.
#[tracing::instrument(skip_all, err(level = "info"))]
pub(crate) async fn begin_change(
    ctx: &Ctx,
    event_base: &str,
    object_type: &str,
    id: &str,
    existed: bool,
    decision: Result<Grant, Refusal>,
) -> Result<(WriteTx, Saved)> {
    let (action, event, saved) = if existed {
        (AuditAction::Update, format!("{event_base}.update"), Saved::Updated)
    } else {
        (AuditAction::Create, format!("{event_base}.create"), Saved::Created)
    };
    let tx = guarded(ctx, Entry { event: &event, action, object_type, object_id: Some(id) }, decision).await?;
    Ok((tx, saved))
}

/// Creates a wijk; a code that is taken is a conflict, not an update.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_wijk(ctx: &Ctx, wijk: Wijk) -> Result<Saved> {
    let mut conn = ctx.app.store.conn().await?;
    let taken = db::wijk(&mut conn, &wijk.code).await?.is_some();
    drop(conn);
    if taken {
        return Err(Error::Conflict(format!("er bestaat al een wijk met deze code ('{}')", wijk.code)));
    }
    save_wijk(ctx, wijk).await
}

/// Creates an organisation; a code that is taken is a conflict.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_organization(ctx: &Ctx, org: Organization) -> Result<Saved> {
    let mut conn = ctx.app.store.conn().await?;
    let taken = db::organization(&mut conn, &org.code).await?.is_some();
    drop(conn);
    if taken {
        return Err(Error::Conflict(format!("er bestaat al een organisatie met deze code ('{}')", org.code)));
    }
    save_organization(ctx, org).await
}

/// Creates a practice; a code that is taken is a conflict.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_practice(ctx: &Ctx, practice: Practice) -> Result<Saved> {
    let mut conn = ctx.app.store.conn().await?;
    let known = db::practices(&mut conn).await?;
    drop(conn);
    if let Some(agb) = practice.agb.as_ref().filter(|a| known.iter().any(|p| p.agb.as_ref() == Some(*a))) {
        return Err(Error::Conflict(format!("er bestaat al een praktijk met deze AGB-code ({agb})")));
    }
    if known.iter().any(|p| p.code == practice.code) {
        return Err(Error::Conflict(format!("er bestaat al een praktijk met deze code ({})", practice.code)));
    }
    save_practice(ctx, practice).await
}

/// Creates a network; a code that is taken is a conflict.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_network(ctx: &Ctx, network: Network) -> Result<Saved> {
    let mut conn = ctx.app.store.conn().await?;
    let taken = db::network(&mut conn, &network.code).await?.is_some();
    drop(conn);
    if taken {
        return Err(Error::Conflict(format!("er bestaat al een netwerk met deze code ('{}')", network.code)));
    }
    save_network(ctx, network).await
}

/// The region's name and code, if a region was loaded.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn region(ctx: &Ctx) -> Result<Option<wijkregie_core::region::Region>> {
    authorize(&ctx.principal, Action::View, Object::Overview)?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::region(&mut conn).await?)
}

/// Every wijk, for choices in forms and filters (the wijk division is
/// visible to every user).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn wijken(ctx: &Ctx) -> Result<Vec<Wijk>> {
    authorize(&ctx.principal, Action::View, Object::Wijk)?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::wijken(&mut conn).await?)
}

/// Practices and organisations that are not members of the network today:
/// what its editor may add.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn member_candidates(ctx: &Ctx, network: &Network) -> Result<(Vec<Practice>, Vec<Organization>)> {
    authorize(&ctx.principal, Action::Edit, Object::Network { code: &network.code, practices: &[], partners: &[] })?;
    let today = wijkregie_core::clock::nl_today();
    let mut conn = ctx.app.store.conn().await?;
    let practices = db::practices(&mut conn).await?;
    let organizations = db::organizations(&mut conn).await?;
    let members: Vec<&Code> = network.practices_on(today).collect();
    let partners: Vec<&Code> = network.partners.iter().filter(|m| m.active_on(today)).map(|m| &m.member).collect();
    Ok((
        practices.into_iter().filter(|p| !members.contains(&&p.code)).collect(),
        organizations.into_iter().filter(|o| !partners.contains(&&o.code)).collect(),
    ))
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_wijk(ctx: &Ctx, wijk: Wijk) -> Result<Saved> {
    let problems = wijk.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut conn = ctx.app.store.conn().await?;
    let existed = db::wijk(&mut conn, &wijk.code).await?.is_some();
    drop(conn);
    let action = if existed { Action::Edit } else { Action::Create };
    let decision = authorize(&ctx.principal, action, Object::Wijk);
    let (mut tx, saved) = begin_change(ctx, "wijk", "wijk", wijk.code.as_str(), existed, decision).await?;
    db::save_wijk(tx.conn(), &wijk).await?;
    tx.commit().await?;
    Ok(saved)
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_organization(ctx: &Ctx, org: Organization) -> Result<Saved> {
    let problems = org.problems();
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut conn = ctx.app.store.conn().await?;
    let existed = db::organization(&mut conn, &org.code).await?.is_some();
    let networks = db::networks(&mut conn).await?;
    drop(conn);
    let partner_in = networks_of_organization(&networks, &org.code);
    let action = if existed { Action::Edit } else { Action::Create };
    let decision = authorize(&ctx.principal, action, Object::Organization { code: &org.code, networks: &partner_in });
    let (mut tx, saved) =
        begin_change(ctx, "organization", "organization", org.code.as_str(), existed, decision).await?;
    db::save_organization(tx.conn(), &org).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Saves a practice. Users who may not change the counts keep the stored ones.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_practice(ctx: &Ctx, mut practice: Practice) -> Result<Saved> {
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = db::snapshot(&mut conn).await?;
    drop(conn);
    let existing = snapshot.practices.iter().find(|p| p.code == practice.code);
    let member_of = networks_of_practice(&snapshot.networks, &practice.code);
    let action = if existing.is_some() { Action::Edit } else { Action::Create };
    let decision =
        authorize(&ctx.principal, action, Object::Practice { practice: &practice.code, networks: &member_of });
    if decision.is_ok()
        && authorize(
            &ctx.principal,
            Action::Edit,
            Object::RegisteredPatients { practice: &practice.code, networks: &member_of },
        )
        .is_err()
    {
        practice.registered_patients = existing.map(|p| p.registered_patients.clone()).unwrap_or_default();
    }
    practice.registered_patients.sort();
    let mut problems = practice.problems();
    problems.extend(reference_problems(&snapshot, None, Some(&practice)));
    if let Some(other) =
        snapshot.practices.iter().find(|p| p.code != practice.code && p.agb.is_some() && p.agb == practice.agb)
    {
        problems.push(FieldError::new("agb", format!("deze AGB-code hoort al bij {} ({})", other.name, other.code)));
    }
    if decision.is_ok() && !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let (mut tx, saved) =
        begin_change(ctx, "practice", "practice", practice.code.as_str(), existing.is_some(), decision).await?;
    db::save_practice(tx.conn(), &practice).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Adds or corrects one dated count of registered patients.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn record_patient_count(ctx: &Ctx, agb: &Code, count: PatientCount) -> Result<()> {
    let mut conn = ctx.app.store.conn().await?;
    let mut practice = db::practice(&mut conn, agb).await?.ok_or_else(|| Error::NotFound(format!("praktijk {agb}")))?;
    drop(conn);
    let decision = authorize(&ctx.principal, Action::Edit, Object::RegisteredPatients { practice: agb, networks: &[] });
    practice.registered_patients.retain(|c| c.date != count.date);
    practice.registered_patients.push(count);
    practice.registered_patients.sort();
    let (mut tx, _) = begin_change(ctx, "registered_patients", "practice", agb.as_str(), true, decision).await?;
    db::save_practice(tx.conn(), &practice).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves a network. Users who may not change the payment terms keep the
/// stored ones; a new network needs the region.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_network(ctx: &Ctx, mut network: Network) -> Result<Saved> {
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = db::snapshot(&mut conn).await?;
    drop(conn);
    let existing = snapshot.networks.iter().find(|n| n.code == network.code);
    let decision = match existing {
        Some(old) => authorize(
            &ctx.principal,
            Action::Edit,
            Object::Network { code: &old.code, practices: &practices_of(old), partners: &partners_of(old) },
        ),
        None => authorize(&ctx.principal, Action::Create, Object::NetworkTerms { code: &network.code }),
    };
    if let (Ok(_), Some(old)) = (decision, existing) {
        if authorize(&ctx.principal, Action::Edit, Object::NetworkTerms { code: &network.code }).is_err() {
            network.module = old.module;
            network.status = old.status;
            network.registered_on = old.registered_on;
            network.stopped_on = old.stopped_on;
            network.coordinator = old.coordinator.clone();
        }
    }
    let mut problems = reference_problems(&snapshot, Some(&network), None);
    problems.extend(wijkregie_core::membership::problems_with_others(&network, &snapshot.networks, |code| {
        practice_name(&snapshot.practices, code)
    }));
    if decision.is_ok() && !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let (mut tx, saved) =
        begin_change(ctx, "network", "network", network.code.as_str(), existing.is_some(), decision).await?;
    db::save_network(tx.conn(), &network).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Loads or updates the region from a region file, all or nothing, and logs
/// it. Only operators on the server (the CLI) and the region may do this.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import_region(ctx: &Ctx, file: wijkregie_formats::region_file::RegionFile) -> Result<db::ApplyReport> {
    let entry = Entry { event: "region.import", action: AuditAction::Execute, object_type: "region", object_id: None };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut tx = ctx.app.store.begin().await?;
    let report = import_region_in(&mut tx, ctx, decision, file).await?;
    tx.commit().await?;
    Ok(report)
}

/// The writing half of [`import_region`], in the caller's transaction, for
/// the demo, which loads everything in one ([`crate::demo::seed`]).
pub(crate) async fn import_region_in(
    tx: &mut WriteTx,
    ctx: &Ctx,
    decision: Grant,
    file: wijkregie_formats::region_file::RegionFile,
) -> Result<db::ApplyReport> {
    let entry = Entry { event: "region.import", action: AuditAction::Execute, object_type: "region", object_id: None };
    let snapshot = RegionSnapshot {
        region: Some(file.region),
        wijken: file.wijken,
        practices: file.practices,
        organizations: file.organizations,
        networks: file.networks,
    };
    // The file is checked on its own when read; here it meets the networks
    // already stored that it does not mention.
    let current = db::snapshot(tx.conn()).await?;
    let overlaps = overlaps_after_import(&current, &snapshot);
    if !overlaps.is_empty() {
        return Err(Error::Invalid(overlaps));
    }
    let report = db::apply_snapshot(tx.conn(), snapshot).await?;
    if report.changed() {
        record(tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    Ok(report)
}

fn practice_name(practices: &[Practice], code: &Code) -> String {
    practices.iter().find(|p| &p.code == code).map_or_else(|| format!("praktijk {code}"), |p| p.name.clone())
}

/// Overlapping memberships between the file's networks and the stored
/// networks the file leaves as they are, at the file's network.
fn overlaps_after_import(current: &RegionSnapshot, file: &RegionSnapshot) -> Vec<FieldError> {
    let kept: Vec<Network> =
        current.networks.iter().filter(|n| !file.networks.iter().any(|f| f.code == n.code)).cloned().collect();
    let practices: Vec<Practice> = file
        .practices
        .iter()
        .chain(current.practices.iter().filter(|p| !file.practices.iter().any(|f| f.code == p.code)))
        .cloned()
        .collect();
    file.networks
        .iter()
        .enumerate()
        .flat_map(|(i, n)| {
            wijkregie_core::membership::problems_with_others(n, &kept, |code| practice_name(&practices, code))
                .into_iter()
                .map(move |p| {
                    let field = format!("$.networks[{i}].{}", p.field);
                    p.at(field)
                })
        })
        .collect()
}

/// A practice that is a member of two networks on one day, as stored.
pub struct MembershipOverlap {
    pub overlap: wijkregie_core::membership::Overlap,
    /// The Dutch sentence naming the practice, both networks and the days.
    pub message: String,
}

/// Every overlapping membership in the stored region: data from before the
/// rule, or written around the app. Only the region (and the operator)
/// may look, since it names every network.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn membership_overlaps(ctx: &Ctx) -> Result<Vec<MembershipOverlap>> {
    authorize(&ctx.principal, Action::Edit, Object::Region)?;
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = db::snapshot(&mut conn).await?;
    drop(conn);
    Ok(wijkregie_core::membership::overlaps(&snapshot.networks)
        .into_iter()
        .map(|overlap| {
            let message = overlap.message(&practice_name(&snapshot.practices, &overlap.practice));
            MembershipOverlap { overlap, message }
        })
        .collect())
}

/// The whole region as a region file, for `wijkregie export region`.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn export_region(ctx: &Ctx) -> Result<wijkregie_formats::region_file::RegionFile> {
    let entry = Entry { event: "region.export", action: AuditAction::Read, object_type: "region", object_id: None };
    check(ctx, entry, authorize(&ctx.principal, Action::View, Object::Region)).await?;
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = db::snapshot(&mut conn).await?;
    let region = snapshot.region.ok_or_else(|| {
        Error::NotFound("regio: de database bevat nog geen regio (importeer eerst een regiobestand)".into())
    })?;
    Ok(wijkregie_formats::region_file::RegionFile {
        region,
        wijken: snapshot.wijken,
        practices: snapshot.practices,
        organizations: snapshot.organizations,
        networks: snapshot.networks,
    })
}
