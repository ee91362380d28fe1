//! How a referral reaches an organisation (on wijkregie, by e-mail, or not
//! at all), the organisations that receive referrals without an account,
//! and inviting them.

use std::collections::{BTreeMap, BTreeSet};

use wijkregie_core::access::{authorize, Action, Object, Role, Scope};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::region::{Organization, Reach};
use wijkregie_store::AnyConnection;

use crate::account::{create_user, UserSpec};
use crate::audit::{guarded, Entry};
use crate::{Ctx, Error, Result};

/// The organisations that have an active user.
async fn with_users(conn: &mut AnyConnection) -> Result<BTreeSet<Code>> {
    Ok(wijkregie_store::account::users(conn)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .filter_map(|u| match u.scope {
            Scope::Organization(code) => Some(code),
            _ => None,
        })
        .collect())
}

/// How a referral to `organization` reaches it now.
pub async fn reach_of(conn: &mut AnyConnection, organization: &Organization) -> Result<Reach> {
    Ok(Reach::of(with_users(conn).await?.contains(&organization.code), &organization.contact))
}

/// Every organisation's reach, by code: for lists.
pub async fn reaches(ctx: &Ctx, organizations: &[Organization]) -> Result<BTreeMap<Code, Reach>> {
    let mut conn = ctx.app.store.conn().await?;
    let users = with_users(&mut conn).await?;
    Ok(organizations.iter().map(|o| (o.code.clone(), Reach::of(users.contains(&o.code), &o.contact))).collect())
}

/// An organisation that receives referrals but has no account.
pub struct Unreached {
    pub organization: Organization,
    pub reach: Reach,
    /// Referrals it ever received.
    pub referrals: usize,
    /// Of those, still waiting for its reaction or its outcome.
    pub open: usize,
}

/// The organisations that received referrals and have no active user, most
/// open referrals first: for the regio-beheerder, who can invite them.
/// Counts only, never persons.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn without_account(ctx: &Ctx) -> Result<Vec<Unreached>> {
    authorize(&ctx.principal, Action::View, Object::Users)?;
    let mut conn = ctx.app.store.conn().await?;
    let users = with_users(&mut conn).await?;
    let mut counts: BTreeMap<Code, (usize, usize)> = BTreeMap::new();
    for (_, f) in wijkregie_store::referral::all_facts(&mut conn).await? {
        let c = counts.entry(f.receiving_organization.clone()).or_default();
        c.0 += 1;
        c.1 += usize::from(f.status.is_open());
    }
    let codes: Vec<Code> = counts.keys().filter(|c| !users.contains(*c)).cloned().collect();
    let organizations = wijkregie_store::region::organizations_by_codes(&mut conn, &codes).await?;
    let mut out: Vec<Unreached> = organizations
        .into_iter()
        .map(|o| {
            let (referrals, open) = counts.get(&o.code).copied().unwrap_or_default();
            Unreached { reach: Reach::of(false, &o.contact), organization: o, referrals, open }
        })
        .collect();
    out.sort_by(|a, b| b.open.cmp(&a.open).then(b.referrals.cmp(&a.referrals)));
    Ok(out)
}

/// Makes a netwerkpartner account for an organisation without one, on its
/// intake address, and mails that address how to choose a password. The
/// password set here is random and never shown: the partner chooses their
/// own through "Wachtwoord vergeten". Returns the new user's id.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn invite(ctx: &Ctx, code: &Code) -> Result<i64> {
    let mut conn = ctx.app.store.conn().await?;
    let organization = wijkregie_store::region::organization(&mut conn, code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("organisatie {code}")))?;
    let reach = reach_of(&mut conn, &organization).await?;
    drop(conn);
    let email = match (reach, &organization.contact.email) {
        (Reach::OnWijkregie, _) => {
            return Err(Error::Conflict(format!("{} heeft al een account in wijkregie", organization.name)))
        }
        (_, Some(email)) => email.clone(),
        (_, None) => {
            return Err(Error::Conflict(format!(
                "{} heeft geen intake-e-mailadres: vul dat eerst in bij de organisatie",
                organization.name
            )))
        }
    };
    let spec = UserSpec {
        email: email.clone(),
        name: organization.name.clone(),
        password: format!("{}-Aa1!", crate::credentials::random_token(40)),
        role: Role::Organization,
        scope: Scope::Organization(organization.code.clone()),
    };
    let created = create_user(ctx, spec, false).await?;
    let decision = authorize(&ctx.principal, Action::Create, Object::Users);
    let entry = Entry {
        event: "organization.invite",
        action: AuditAction::Create,
        object_type: "organization",
        object_id: Some(organization.code.as_str()),
    };
    let mut tx = guarded(ctx, entry, decision).await?;
    crate::referral_mail::invitation(&mut tx, &ctx.app, &email, &organization.name).await?;
    tx.commit().await?;
    Ok(created.id)
}
