//! The region's taxonomy of hulpvragen: shipped as data, edited by the
//! regio-beheerder. Synonyms feed the search, so every change rebuilds the
//! index at once.

use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::TaxonomyTerm;
use wijkregie_core::FieldError;
use wijkregie_store::directory as db;

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
