//! The region's taxonomy of hulpvragen: shipped as data, edited by the
//! regio-beheerder. Synonyms feed the search, so every change rebuilds the
//! index at once. The terms of other sources' taxonomies, kept by an HSDS
//! import, are mapped onto hulpvragen here too.

use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{ForeignTaxonomy, ForeignTerm, HsdsId, TaxonomyTerm, TermMapping};
use wijkregie_core::FieldError;
use wijkregie_store::directory::{self as db, ServiceChange};
use wijkregie_store::foreign_taxonomy as foreign_db;

use crate::audit::{check, guarded, Entry};
use crate::directory::rebuild_index;
use crate::region::{begin_change, Saved};
use crate::Ctx;
use crate::{Error, Result};

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn terms(ctx: &Ctx) -> Result<Vec<TaxonomyTerm>> {
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::taxonomy_terms(&mut conn).await?)
}

/// Whether this user may change the taxonomy: it is the region's, shared by
/// every network, so only the regio-beheerder.
pub fn may_edit(ctx: &Ctx) -> bool {
    authorize(&ctx.principal, Action::Edit, Object::Region).is_ok()
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn term(ctx: &Ctx, code: &Code) -> Result<TaxonomyTerm> {
    terms(ctx)
        .await?
        .into_iter()
        .find(|t| &t.code == code)
        .ok_or_else(|| Error::NotFound(format!("hulpvraag '{code}'")))
}

fn problems(all: &[TaxonomyTerm], t: &TaxonomyTerm) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if t.name.trim().is_empty() {
        problems.push(FieldError::new("naam", "de naam is verplicht"));
    }
    if let Some(parent) = &t.parent {
        // Walking up from the parent must never reach the term itself.
        let mut seen = vec![t.code.clone()];
        let mut next = Some(parent.clone());
        while let Some(code) = next {
            if seen.contains(&code) {
                problems.push(FieldError::new("bovenliggend", "een hulpvraag kan niet onder zichzelf vallen"));
                break;
            }
            match all.iter().find(|x| x.code == code) {
                Some(x) => next = x.parent.clone(),
                None => {
                    problems.push(FieldError::new("bovenliggend", format!("hulpvraag '{code}' bestaat niet")));
                    break;
                }
            }
            seen.push(code);
        }
    }
    let other_names: Vec<String> =
        all.iter().filter(|x| x.code != t.code).map(|x| x.name.trim().to_lowercase()).collect();
    if other_names.contains(&t.name.trim().to_lowercase()) {
        problems.push(FieldError::new("naam", format!("er is al een hulpvraag '{}'", t.name.trim())));
    }
    problems
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save(ctx: &Ctx, term: TaxonomyTerm, is_new: bool) -> Result<Saved> {
    let all = terms(ctx).await?;
    let existed = all.iter().any(|t| t.code == term.code);
    if is_new && existed {
        return Err(Error::Invalid(vec![FieldError::new("code", "er bestaat al een hulpvraag met deze code")]));
    }
    let decision = authorize(&ctx.principal, if existed { Action::Edit } else { Action::Create }, Object::Region);
    if decision.is_ok() {
        let problems = problems(&all, &term);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
    }
    let (mut tx, saved) =
        begin_change(ctx, "taxonomy_term", "taxonomy_term", term.code.as_str(), existed, decision).await?;
    db::save_taxonomy_term(tx.conn(), &term).await?;
    tx.commit().await?;
    rebuild_index(&ctx.app).await?;
    Ok(saved)
}

/// A term of another source's taxonomy, as the page that maps it shows it:
/// its taxonomy, the hulpvraag it is mapped onto, and how many services
/// carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignTermRow {
    pub taxonomy: ForeignTaxonomy,
    pub term: ForeignTerm,
    pub hulpvraag: Option<Code>,
    pub services: usize,
}

/// Every foreign term, per taxonomy, for the regio-beheerder who maps them.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn foreign_terms(ctx: &Ctx) -> Result<Vec<ForeignTermRow>> {
    let entry =
        Entry { event: "foreign_term.list", action: AuditAction::Read, object_type: "foreign_term", object_id: None };
    check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut conn = ctx.app.store.conn().await?;
    let taxonomies = foreign_db::taxonomies(&mut conn).await?;
    let mappings = foreign_db::mappings(&mut conn).await?;
    let counts = foreign_db::service_counts(&mut conn).await?;
    let terms = foreign_db::terms(&mut conn).await?;
    drop(conn);
    let mut rows = Vec::new();
    for taxonomy in &taxonomies {
        for term in terms.iter().filter(|t| t.taxonomy == taxonomy.id).cloned() {
            rows.push(ForeignTermRow {
                hulpvraag: mappings
                    .iter()
                    .find(|m| m.taxonomy == taxonomy.id && m.term == term.id)
                    .map(|m| m.hulpvraag.clone()),
                services: counts.get(&term.id).copied().unwrap_or(0),
                taxonomy: taxonomy.clone(),
                term,
            });
        }
    }
    Ok(rows)
}

/// Maps a foreign term onto a hulpvraag, or removes its mapping (`None`).
/// The mapping is kept per source taxonomy, so every later import of that
/// source tags the term's services with the hulpvraag; the services that
/// carry the term now get it at once. Removing a mapping leaves the
/// services' hulpvragen alone: one may have been chosen by hand since.
/// Returns how many services newly got the hulpvraag.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn map_foreign_term(ctx: &Ctx, taxonomy: &HsdsId, term: &HsdsId, hulpvraag: Option<Code>) -> Result<usize> {
    let decision = authorize(&ctx.principal, Action::Edit, Object::Region);
    let mut conn = ctx.app.store.conn().await?;
    let found = foreign_db::terms_by_ids(&mut conn, std::slice::from_ref(term)).await?.pop();
    let known = match &hulpvraag {
        Some(code) => db::taxonomy_term(&mut conn, code).await?.is_some(),
        None => true,
    };
    drop(conn);
    if decision.is_ok() {
        let Some(found) = found.as_ref().filter(|t| &t.taxonomy == taxonomy) else {
            return Err(Error::NotFound(format!("term '{term}' van taxonomie '{taxonomy}'")));
        };
        if !known {
            let code = hulpvraag.as_ref().map(Code::as_str).unwrap_or_default();
            return Err(Error::Invalid(vec![FieldError::new(
                "hulpvraag",
                format!("hulpvraag '{code}' bestaat niet; kies een hulpvraag uit de lijst"),
            )]));
        }
        tracing::debug!(term = %found.name, "term gekoppeld");
    }
    let entry = Entry {
        event: "foreign_term.map",
        action: AuditAction::Update,
        object_type: "foreign_term",
        object_id: Some(term.as_str()),
    };
    let mut tx = guarded(ctx, entry, decision).await?;
    let mut tagged = 0;
    match &hulpvraag {
        None => {
            foreign_db::delete_mapping(tx.conn(), taxonomy, term).await?;
        }
        Some(code) => {
            let mapping = TermMapping { taxonomy: taxonomy.clone(), term: term.clone(), hulpvraag: code.clone() };
            foreign_db::save_mapping(tx.conn(), &mapping).await?;
            let ids = foreign_db::services_with(tx.conn(), term).await?;
            let mut services = db::services_by_ids(tx.conn(), &ids).await?;
            services.retain(|s| !s.taxonomy_terms.contains(code));
            for s in &mut services {
                s.taxonomy_terms.push(code.clone());
            }
            let name = found.as_ref().map_or_else(|| term.to_string(), |t| t.name.clone());
            let change = ServiceChange {
                changed_at: Utc::now(),
                user_id: Some(ctx.principal.user_id),
                summary: format!("hulpvraag '{code}' toegevoegd: gekoppeld aan term '{name}' van de bron"),
            };
            db::save_services(tx.conn(), &services, &change).await?;
            tagged = services.len();
        }
    }
    tx.commit().await?;
    if tagged > 0 {
        rebuild_index(&ctx.app).await?;
    }
    Ok(tagged)
}
