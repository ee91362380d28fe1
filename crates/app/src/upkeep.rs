//! Keeping the social map current: what is due for a check, per network;
//! partners' changes a coordinator has not seen yet; and likely duplicates,
//! to merge or to mark as different.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use wijkregie_core::access::{Action, Refusal, Role, Scope};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{duplicate_key, HsdsId, Service, ServiceStatus};
use wijkregie_store::directory as db;
use wijkregie_store::upkeep::{self as store, PartnerChange};

use crate::audit::{record, Entry};
use crate::directory::{context, decision, Context, Found};
use crate::Ctx;
use crate::{Error, Result};

/// Stale entries of one network, or of none (`network` is `None`): entries
/// of an organisation that is not a partner anywhere, or a partner's own.
pub struct StaleGroup {
    pub network: Option<(Code, String)>,
    pub found: Vec<Found>,
}

fn organization_name(cx: &Context, code: &Code) -> String {
    cx.organizations.iter().find(|o| &o.code == code).map_or_else(|| code.to_string(), |o| o.name.clone())
}

/// The networks a service belongs to for upkeep: those its organisation is a
/// partner in and those it says it serves.
fn networks_of(cx: &Context, s: &Service) -> BTreeSet<Code> {
    cx.partner_in(&s.organization).into_iter().chain(s.serves_networks.iter().cloned()).collect()
}

/// Entries this user keeps that are due for a check, grouped per network and
/// oldest check first; `only` narrows it to one network.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn to_check(ctx: &Ctx, only: Option<&Code>) -> Result<Vec<StaleGroup>> {
    let cx = context(&ctx.app).await?;
    let mut conn = ctx.app.store.conn().await?;
    let services = db::services(&mut conn).await?;
    drop(conn);
    let today = wijkregie_core::clock::nl_now().date();
    let stale_after = ctx.app.config.stale_after_days;
    let mine: Option<&[Code]> = match &ctx.principal.scope {
        Scope::Networks(codes) => Some(codes),
        _ => None,
    };
    let mut groups: BTreeMap<Option<Code>, Vec<Found>> = BTreeMap::new();
    for s in services {
        if s.status == ServiceStatus::Defunct
            || !s.is_stale(today, stale_after)
            || decision(ctx, &cx, &s, Action::Edit).is_err()
        {
            continue;
        }
        let mut networks: Vec<Option<Code>> = networks_of(&cx, &s)
            .into_iter()
            .filter(|n| mine.is_none_or(|m| m.contains(n)))
            .filter(|_| ctx.principal.role != Role::Organization)
            .map(Some)
            .collect();
        if networks.is_empty() {
            networks.push(None);
        }
        for network in networks {
            if only.is_some() && network.as_ref() != only {
                continue;
            }
            groups.entry(network).or_default().push(Found {
                organization: organization_name(&cx, &s.organization),
                point: None,
                distance_km: None,
                why: vec![],
                stale: true,
                service: s.clone(),
            });
        }
    }
    let mut out: Vec<StaleGroup> = groups
        .into_iter()
        .map(|(code, mut found)| {
            found.sort_by_key(|f| f.service.assured_date);
            let network = code.map(|c| {
                let name = cx.networks.iter().find(|n| n.code == c).map_or_else(|| c.to_string(), |n| n.name.clone());
                (c, name)
            });
            StaleGroup { network, found }
        })
        .collect();
    // Named networks first, alphabetically; the rest last.
    out.sort_by(|a, b| match (&a.network, &b.network) {
        (Some(x), Some(y)) => x.1.cmp(&y.1),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(out)
}

/// A partner's change with what it is about.
pub struct ChangeToSee {
    pub change: PartnerChange,
    pub service_name: String,
    pub organization: String,
}

/// Checking partners' changes is the coordinator's (and the region's) job.
fn may_see_changes(ctx: &Ctx) -> bool {
    matches!(ctx.principal.role, Role::Networks | Role::Region)
}

/// Partners' changes to entries this user keeps, not seen by anyone yet.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn partner_changes(ctx: &Ctx) -> Result<Vec<ChangeToSee>> {
    if !may_see_changes(ctx) {
        return Ok(vec![]);
    }
    let cx = context(&ctx.app).await?;
    let mut conn = ctx.app.store.conn().await?;
    let changes = store::partner_changes(&mut conn).await?;
    let services: BTreeMap<HsdsId, Service> =
        db::services(&mut conn).await?.into_iter().map(|s| (s.id.clone(), s)).collect();
    drop(conn);
    Ok(changes
        .into_iter()
        .filter_map(|change| {
            let s = services.get(&change.service_id)?;
            decision(ctx, &cx, s, Action::Edit).ok()?;
            Some(ChangeToSee {
                service_name: s.name.clone(),
                organization: organization_name(&cx, &s.organization),
                change,
            })
        })
        .collect())
}

/// "Seen": the coordinator checked a partner's change.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn mark_seen(ctx: &Ctx, change_id: i64) -> Result<()> {
    let cx = context(&ctx.app).await?;
    let mut tx = ctx.app.store.begin().await?;
    let service_id = store::change_service(tx.conn(), change_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("wijziging {change_id}")))?;
    let service = db::service(tx.conn(), &service_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("voorziening {service_id}")))?;
    let decided =
        if may_see_changes(ctx) { decision(ctx, &cx, &service, Action::Edit) } else { Err(Refusal::OutOfScope) };
    let entry = Entry {
        event: "service.change.seen",
        action: AuditAction::Update,
        object_type: "service",
        object_id: Some(service_id.as_str()),
    };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decided).await?;
    if let Err(refusal) = decided {
        tx.commit().await?;
        return Err(refusal.into());
    }
    store::mark_seen(tx.conn(), change_id, ctx.principal.user_id, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Two entries that look like one, and why.
pub struct LikelyDuplicate {
    pub first: Service,
    pub second: Service,
    pub reasons: Vec<&'static str>,
    /// How to tell the two apart, one text each: what the merge buttons
    /// name, so that whoever merges knows which entry stays (two entries
    /// both named "Ontmoetingscentrum De Kade" had identical buttons).
    pub told_apart: [String; 2],
}

/// The organisation and the first address of each entry, and the start of
/// the id when even those are the same.
fn told_apart(cx: &Context, first: &Service, second: &Service) -> [String; 2] {
    let describe = |s: &Service| {
        let organization = cx
            .organizations
            .iter()
            .find(|o| o.code == s.organization)
            .map_or_else(|| s.organization.to_string(), |o| o.name.clone());
        let address = s
            .locations
            .iter()
            .filter_map(|id| cx.locations.iter().find(|l| &l.id == id))
            .find_map(|l| l.address.as_ref())
            .map(|a| {
                format!("{} {}{}, {}", a.street, a.house_number, a.house_number_suffix.as_deref().unwrap_or(""), a.city)
            });
        let mut parts = vec![organization];
        parts.extend(address);
        parts
    };
    let (mut a, mut b) = (describe(first), describe(second));
    if a == b {
        // The end of the id: generated ids differ there (and at the start
        // only when random).
        let short = |s: &Service| {
            let id = s.id.as_str();
            format!("id …{}", &id[id.len().saturating_sub(8)..])
        };
        a.push(short(first));
        b.push(short(second));
    }
    [a.join(", "), b.join(", ")]
}

/// Pairs of entries this user keeps that are likely the same (same name,
/// phone or address once normalised), leaving out defunct entries and pairs
/// already decided to be different.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn likely_duplicates(ctx: &Ctx) -> Result<Vec<LikelyDuplicate>> {
    let cx = context(&ctx.app).await?;
    let mut conn = ctx.app.store.conn().await?;
    let services: Vec<Service> = db::services(&mut conn)
        .await?
        .into_iter()
        .filter(|s| s.status != ServiceStatus::Defunct && decision(ctx, &cx, s, Action::Edit).is_ok())
        .collect();
    let distinct: BTreeSet<(HsdsId, HsdsId)> = store::distinct_pairs(&mut conn).await?.into_iter().collect();
    drop(conn);
    let mut keyed: BTreeMap<(&'static str, String), Vec<usize>> = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        keyed.entry(("zelfde naam", duplicate_key(&s.name))).or_default().push(i);
        for p in &s.phones {
            keyed.entry(("zelfde telefoonnummer", duplicate_key(&p.number))).or_default().push(i);
        }
        for l in cx.locations.iter().filter(|l| s.locations.contains(&l.id)) {
            if let Some(a) = &l.address {
                let key = format!("{}{}{}", a.postcode, a.house_number, a.house_number_suffix.as_deref().unwrap_or(""));
                keyed.entry(("zelfde adres", duplicate_key(&key))).or_default().push(i);
            }
        }
    }
    let mut pairs: BTreeMap<(usize, usize), Vec<&'static str>> = BTreeMap::new();
    for ((reason, key), members) in keyed {
        if key.is_empty() {
            continue;
        }
        for (n, &a) in members.iter().enumerate() {
            for &b in &members[n + 1..] {
                let (x, y) = (&services[a], &services[b]);
                // Two services at one shared location are neighbours, not twins.
                if a == b || (reason == "zelfde adres" && x.locations.iter().any(|l| y.locations.contains(l))) {
                    continue;
                }
                let reasons = pairs.entry((a.min(b), a.max(b))).or_default();
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
    }
    Ok(pairs
        .into_iter()
        .filter_map(|((a, b), reasons)| {
            let (first, second) = (&services[a], &services[b]);
            let pair = if first.id < second.id {
                (first.id.clone(), second.id.clone())
            } else {
                (second.id.clone(), first.id.clone())
            };
            (!distinct.contains(&pair)).then(|| LikelyDuplicate {
                told_apart: told_apart(&cx, first, second),
                first: first.clone(),
                second: second.clone(),
                reasons,
            })
        })
        .collect())
}

/// "Not the same": the pair stops showing as likely duplicates.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn mark_distinct(ctx: &Ctx, a: &HsdsId, b: &HsdsId) -> Result<()> {
    let cx = context(&ctx.app).await?;
    let mut tx = ctx.app.store.begin().await?;
    let not_found = |id: &HsdsId| Error::NotFound(format!("voorziening {id}"));
    let first = db::service(tx.conn(), a).await?.ok_or_else(|| not_found(a))?;
    let second = db::service(tx.conn(), b).await?.ok_or_else(|| not_found(b))?;
    let decided = decision(ctx, &cx, &first, Action::Edit).and(decision(ctx, &cx, &second, Action::Edit));
    let entry = Entry {
        event: "service.distinct",
        action: AuditAction::Update,
        object_type: "service",
        object_id: Some(a.as_str()),
    };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decided).await?;
    if let Err(refusal) = decided {
        tx.commit().await?;
        return Err(refusal.into());
    }
    store::mark_distinct(tx.conn(), a, b, ctx.principal.user_id, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}
