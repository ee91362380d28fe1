//! Changing the social map: services and locations added or edited by the
//! coordinators of the networks their organisation is a partner in, or by
//! the organisation itself; and merging a duplicate into the entry that
//! stays. Every change is authorised, audited, kept in the service's history
//! and in the search index at once.

use chrono::Utc;
use rand::RngCore;
use wijkregie_core::access::{Action, Grant, Refusal};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{changed_fields, merge_into, HsdsId, Location, Service, ServiceStatus};
use wijkregie_core::region::Organization;
use wijkregie_core::FieldError;
use wijkregie_store::directory::{self as db, ServiceChange};

use crate::audit::{record, Entry};
use crate::directory::{context, decision, Context};
use crate::region::{begin_change, Saved};
use crate::Ctx;
use crate::{Error, Result};

/// A fresh HSDS id (UUID version 4).
pub fn new_id() -> HsdsId {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
        .parse()
        .expect("a formatted UUID is a valid id")
}

/// Organisations whose services this user may add: the own organisation of
/// a partner, the partners in a coordinator's networks, all for the region.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn organizations_for_new_service(ctx: &Ctx) -> Result<Vec<Organization>> {
    let cx = context(&ctx.app).await?;
    Ok(cx.organizations.iter().filter(|o| may_add(ctx, &cx, &o.code).is_ok()).cloned().collect())
}

/// What the service form offers to choose from.
pub struct FormChoices {
    /// Organisations whose services the user may add, and the service's
    /// current one (a coordinator editing a service keeps seeing it).
    pub organizations: Vec<Organization>,
    pub terms: Vec<wijkregie_core::directory::TaxonomyTerm>,
    pub networks: Vec<wijkregie_core::region::Network>,
    pub wijken: Vec<wijkregie_core::region::Wijk>,
    /// The locations of those organisations.
    pub locations: Vec<wijkregie_core::directory::Location>,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn form_choices(ctx: &Ctx, current: Option<&Code>) -> Result<FormChoices> {
    let cx = context(&ctx.app).await?;
    let organizations: Vec<Organization> = cx
        .organizations
        .iter()
        .filter(|o| Some(&o.code) == current || may_add(ctx, &cx, &o.code).is_ok())
        .cloned()
        .collect();
    let mut conn = ctx.app.store.conn().await?;
    let wijken = wijkregie_store::region::wijken(&mut conn).await?;
    drop(conn);
    let locations =
        cx.locations.into_iter().filter(|l| organizations.iter().any(|o| o.code == l.organization)).collect();
    Ok(FormChoices { organizations, terms: cx.terms, networks: cx.networks, wijken, locations })
}

fn may_add(ctx: &Ctx, cx: &Context, organization: &Code) -> std::result::Result<Grant, Refusal> {
    let partner_in = cx.partner_in(organization);
    wijkregie_core::access::authorize(
        &ctx.principal,
        Action::Create,
        wijkregie_core::access::Object::Service { organization, partner_in: &partner_in },
    )
}

/// What a service refers to must exist, and its locations must be its own
/// organisation's.
fn reference_problems(cx: &Context, s: &Service) -> Vec<FieldError> {
    let mut problems = s.problems();
    if !cx.organizations.iter().any(|o| o.code == s.organization) {
        problems.push(FieldError::new("organization", format!("organisatie '{}' bestaat niet", s.organization)));
    }
    for code in &s.taxonomy_terms {
        if !cx.terms.iter().any(|t| &t.code == code) {
            problems.push(FieldError::new("hulpvragen", format!("hulpvraag '{code}' bestaat niet")));
        }
    }
    for code in &s.serves_networks {
        if !cx.networks.iter().any(|n| &n.code == code) {
            problems.push(FieldError::new("netwerken", format!("netwerk '{code}' bestaat niet")));
        }
    }
    for id in &s.locations {
        match cx.locations.iter().find(|l| &l.id == id) {
            None => problems.push(FieldError::new("locaties", format!("locatie '{id}' bestaat niet"))),
            Some(l) if l.organization != s.organization => problems
                .push(FieldError::new("locaties", format!("locatie '{}' hoort bij een andere organisatie", l.name))),
            Some(_) => {}
        }
    }
    problems
}

/// Adds a service (no service has its id yet) or changes one, and says
/// which; a save that changes nothing leaves no history entry.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_service(ctx: &Ctx, mut service: Service) -> Result<Saved> {
    let cx = context(&ctx.app).await?;
    let mut conn = ctx.app.store.conn().await?;
    let old = db::service(&mut conn, &service.id).await?;
    drop(conn);
    let mut decided = match &old {
        Some(old) => decision(ctx, &cx, old, Action::Edit),
        None => may_add(ctx, &cx, &service.organization),
    };
    // Moving a service to another organisation needs a say over both.
    if let (Some(old), Ok(_)) = (&old, decided) {
        if old.organization != service.organization {
            decided = may_add(ctx, &cx, &service.organization);
        }
    }
    if decided.is_ok() {
        let problems = reference_problems(&cx, &service);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
    }
    if let Some(old) = &old {
        // The check date belongs to the "still correct" workflow, not to the form.
        service.assured_date = old.assured_date;
    }
    let summary = match &old {
        None => "aangemaakt".to_owned(),
        Some(old) => {
            let fields = changed_fields(old, &service);
            if fields.is_empty() && decided.is_ok() {
                return Ok(Saved::Updated);
            }
            format!("gewijzigd: {}", fields.join(", "))
        }
    };
    let (mut tx, saved) = begin_change(ctx, "service", "service", service.id.as_str(), old.is_some(), decided).await?;
    let change = ServiceChange { changed_at: Utc::now(), user_id: Some(ctx.principal.user_id), summary };
    db::save_service(tx.conn(), &service, &change).await?;
    tx.commit().await?;
    index(ctx, &cx, &service)?;
    Ok(saved)
}

fn index(ctx: &Ctx, cx: &Context, service: &Service) -> Result<()> {
    ctx.app.search.upsert(cx.doc(service)).map_err(|e| Error::Internal(e.into()))
}

/// A location of an organisation, for its edit form.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn location(ctx: &Ctx, id: &HsdsId) -> Result<(Location, bool)> {
    let cx = context(&ctx.app).await?;
    let location = cx.locations.iter().find(|l| &l.id == id).cloned();
    let location = location.ok_or_else(|| Error::NotFound(format!("locatie {id}")))?;
    let may_edit = may_add(ctx, &cx, &location.organization).is_ok();
    Ok((location, may_edit))
}

/// Adds or changes a location. Without coordinates the postcode's centroid
/// is used, so distance search works without anyone looking up a map.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_location(ctx: &Ctx, mut location: Location) -> Result<Saved> {
    let cx = context(&ctx.app).await?;
    let old = cx.locations.iter().find(|l| l.id == location.id);
    let mut decided = may_add(ctx, &cx, &location.organization);
    if let (Some(old), Ok(_)) = (old, decided) {
        decided = may_add(ctx, &cx, &old.organization);
    }
    if decided.is_ok() && !cx.organizations.iter().any(|o| o.code == location.organization) {
        let message = format!("organisatie '{}' bestaat niet", location.organization);
        return Err(Error::Invalid(vec![FieldError::new("organization", message)]));
    }
    if decided.is_ok() {
        // Saved as every export reads it back (a suffix in one word, trimmed).
        location = location.normalised().map_err(Error::Invalid)?;
    }
    if location.point.is_none() {
        if let Some(address) = &location.address {
            let mut conn = ctx.app.store.conn().await?;
            location.point = db::postcode_point(&mut conn, &address.postcode).await?;
        }
    }
    let (mut tx, saved) =
        begin_change(ctx, "location", "location", location.id.as_str(), old.is_some(), decided).await?;
    db::save_location(tx.conn(), &location).await?;
    tx.commit().await?;
    // Services at this location are found by their distance to it.
    let mut conn = ctx.app.store.conn().await?;
    let services = db::services(&mut conn).await?;
    drop(conn);
    let cx = context(&ctx.app).await?;
    for s in services.iter().filter(|s| s.locations.contains(&location.id)) {
        index(ctx, &cx, s)?;
    }
    Ok(saved)
}

/// Folds `duplicate` into `survivor`: the survivor takes over what only the
/// duplicate knew, and the duplicate is marked defunct with a pointer to the
/// survivor in its history, so nothing is deleted and exports stay complete.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn merge(ctx: &Ctx, survivor_id: &HsdsId, duplicate_id: &HsdsId) -> Result<()> {
    if survivor_id == duplicate_id {
        return Err(Error::Invalid(vec![FieldError::new("samenvoegen", "kies twee verschillende voorzieningen")]));
    }
    let cx = context(&ctx.app).await?;
    let mut tx = ctx.app.store.begin().await?;
    let not_found = |id: &HsdsId| Error::NotFound(format!("voorziening {id}"));
    let mut survivor = db::service(tx.conn(), survivor_id).await?.ok_or_else(|| not_found(survivor_id))?;
    let mut duplicate = db::service(tx.conn(), duplicate_id).await?.ok_or_else(|| not_found(duplicate_id))?;
    let decided = decision(ctx, &cx, &survivor, Action::Edit).and(decision(ctx, &cx, &duplicate, Action::Edit));
    let entry = Entry {
        event: "service.merge",
        action: AuditAction::Update,
        object_type: "service",
        object_id: Some(duplicate_id.as_str()),
    };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decided).await?;
    if let Err(refusal) = decided {
        tx.commit().await?;
        return Err(refusal.into());
    }
    let mut donor = duplicate.clone();
    if survivor.organization != duplicate.organization {
        // Locations belong to one organisation; a cross-organisation merge
        // keeps the survivor's own.
        donor.locations.clear();
    }
    merge_into(&mut survivor, &donor);
    duplicate.status = ServiceStatus::Defunct;
    let now = Utc::now();
    let by = |summary: String| ServiceChange { changed_at: now, user_id: Some(ctx.principal.user_id), summary };
    db::save_service(tx.conn(), &survivor, &by(format!("samengevoegd met '{}' ({})", duplicate.name, duplicate.id)))
        .await?;
    db::save_service(tx.conn(), &duplicate, &by(format!("opgegaan in '{}' ({})", survivor.name, survivor.id))).await?;
    tx.commit().await?;
    index(ctx, &cx, &survivor)?;
    index(ctx, &cx, &duplicate)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_4_uuids_and_differ() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert_eq!(&a.as_str()[14..15], "4");
        assert!(matches!(&a.as_str()[19..20], "8" | "9" | "a" | "b"));
    }
}
