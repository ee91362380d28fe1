//! How a real region starts: its practice list and the patient counts per
//! practice, as spreadsheets (`formats::practice_list`). The region file stays
//! the full-fidelity format; these two imports read what regions have.
//!
//! A listed practice is the stored one with the same AGB code, else the one
//! with the same name (folded) and postcode; so a repeat import changes
//! nothing. A practice is placed in the wijk whose CBS area holds its
//! postcode's centroid (PC6, else PC4), when both are imported.

use std::collections::BTreeMap;

use geo::Contains;
use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::{slug, Code};
use wijkregie_core::region::{PatientCount, Practice, PracticeContact};
use wijkregie_core::FieldError;
use wijkregie_formats::practice_list::{CountLine, ListedPractice};

use crate::audit::{check, record, Entry};
use crate::{Ctx, Error, Result};

/// What a practice import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Practices without an AGB code: kept, marked "AGB onbekend", not paid.
    pub without_agb: usize,
    /// Practices that could not be placed in a wijk: name and postcode.
    pub unplaced: Vec<(String, String)>,
}

impl PracticeReport {
    /// What the CLI prints and the page shows after an import, in Dutch.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} praktijken nieuw, {} gewijzigd, {} ongewijzigd",
            self.added, self.changed, self.unchanged
        )];
        if self.without_agb > 0 {
            out.push(format!(
                "{} praktijk(en) zonder AGB-code: gemarkeerd als 'AGB onbekend'; zij tellen pas mee in de financiering als de AGB-code bekend is",
                self.without_agb
            ));
        }
        if !self.unplaced.is_empty() {
            let names: Vec<String> =
                self.unplaced.iter().map(|(name, postcode)| format!("{name} ({postcode})")).collect();
            out.push(format!(
                "{} praktijk(en) niet in een wijk geplaatst (postcode onbekend of buiten de gebieden van de regio; importeer postcodes en grenzen, of kies de wijk op de pagina van de praktijk): {}",
                self.unplaced.len(),
                names.join(", ")
            ));
        }
        if self.added + self.changed == 0 {
            out.push("Niets veranderd: de database kwam al overeen met de invoer.".to_owned());
        }
        out
    }
}

/// The same practice in a list and in the region: name folded to letters
/// and digits, and the postcode.
fn identity(name: &str, postcode: &str) -> (String, String) {
    (slug(name), postcode.to_owned())
}

/// Imports a practice list, all or nothing, in one audited transaction.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import_practices(ctx: &Ctx, listed: Vec<ListedPractice>) -> Result<PracticeReport> {
    let entry =
        Entry { event: "practice.import", action: AuditAction::Execute, object_type: "region", object_id: None };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = wijkregie_store::region::snapshot(&mut conn).await?;
    let data = ctx.app.region_data.current(&mut conn).await?;
    let areas = data.outlines(&mut conn).await?;
    let mut points = BTreeMap::new();
    for p in &listed {
        let point = wijkregie_store::directory::postcode_point(&mut conn, &p.address.postcode).await?;
        points.insert(p.line, point);
    }
    drop(conn);

    let mut taken: Vec<Code> = snapshot.practices.iter().map(|p| p.code.clone()).collect();
    let mut report = PracticeReport::default();
    let mut to_save = Vec::new();
    for p in listed {
        let existing = snapshot.practices.iter().find(|s| p.agb.is_some() && s.agb == p.agb).or_else(|| {
            let wanted = identity(&p.name, p.address.postcode.as_str());
            snapshot.practices.iter().find(|s| identity(&s.name, s.address.postcode.as_str()) == wanted)
        });
        let placed = points.get(&p.line).copied().flatten().and_then(|point| {
            let at = geo::Point::new(point.longitude, point.latitude);
            let area = areas.iter().find(|a| a.outline.as_ref().is_some_and(|o| o.contains(&at)))?;
            snapshot.wijken.iter().find(|w| w.areas.contains(&area.area)).map(|w| w.code.clone())
        });
        let wijk = placed.or_else(|| existing.and_then(|e| e.wijk.clone()));
        if wijk.is_none() {
            report.unplaced.push((p.name.clone(), p.address.postcode.display()));
        }
        let code = match existing {
            Some(e) => e.code.clone(),
            None => new_code(&p, &taken),
        };
        taken.push(code.clone());
        let practice = Practice {
            code,
            agb: p.agb.clone().or_else(|| existing.and_then(|e| e.agb.clone())),
            name: p.name,
            address: p.address,
            wijk,
            // What this list does not give (another list may have) is kept.
            contact: match existing {
                Some(e) => PracticeContact {
                    phone: p.contact.phone.or_else(|| e.contact.phone.clone()),
                    email: p.contact.email.or_else(|| e.contact.email.clone()),
                    opening_hours: p.contact.opening_hours.or_else(|| e.contact.opening_hours.clone()),
                },
                None => p.contact,
            },
            registered_patients: existing.map(|e| e.registered_patients.clone()).unwrap_or_default(),
        };
        report.without_agb += usize::from(practice.agb.is_none());
        match existing {
            Some(e) if *e == practice => report.unchanged += 1,
            Some(_) => {
                report.changed += 1;
                to_save.push(practice);
            }
            None => {
                report.added += 1;
                to_save.push(practice);
            }
        }
    }
    let mut tx = ctx.app.store.begin().await?;
    for p in &to_save {
        wijkregie_store::region::save_practice(tx.conn(), p).await?;
    }
    if !to_save.is_empty() {
        record(&mut tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// A new practice's code: its AGB code, else from its name (and postcode
/// when the name is taken). Never an invented AGB code.
fn new_code(p: &ListedPractice, taken: &[Code]) -> Code {
    let free = |c: &Code| !taken.contains(c);
    if let Some(code) = p.agb.as_ref().and_then(|a| a.as_str().parse::<Code>().ok()).filter(free) {
        return code;
    }
    let base = slug(&p.name);
    let base = if base.len() < 2 { "praktijk".to_owned() } else { base };
    let pc = p.address.postcode.as_str().to_lowercase();
    std::iter::once(base.clone())
        .chain(std::iter::once(format!("{}-{pc}", base.chars().take(33).collect::<String>())))
        .chain((2..).map(|n| format!("{}-{pc}-{n}", base.chars().take(28).collect::<String>())))
        .filter_map(|text| text.trim_end_matches('-').parse::<Code>().ok())
        .find(free)
        .expect("an endless sequence of distinct codes has a free one")
}

/// What a patient-count import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl CountReport {
    /// What the CLI prints and the page shows after an import, in Dutch.
    pub fn lines(&self) -> Vec<String> {
        let mut out =
            vec![format!("{} tellingen nieuw, {} gewijzigd, {} ongewijzigd", self.added, self.changed, self.unchanged)];
        if self.added + self.changed == 0 {
            out.push("Niets veranderd: de database kwam al overeen met de invoer.".to_owned());
        }
        out
    }
}

/// Which list an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Practices,
    PatientCounts,
}

/// Reads and imports an uploaded list, as `wijkregie import practices` and
/// `import patient-counts` do; a bad file is `Error::Invalid` with every
/// problem, each under the field `bestand` (or `kolommen` for the
/// override). Returns the summary lines.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn upload(ctx: &Ctx, kind: ListKind, bytes: &[u8], columns: &str) -> Result<Vec<String>> {
    let refused = |problems: Vec<wijkregie_formats::population::LineError>| {
        crate::refusal::refused_file("bestand", problems.iter().map(ToString::to_string).collect())
    };
    let overrides = wijkregie_formats::practice_list::parse_columns(columns)
        .map_err(|e| Error::Invalid(vec![FieldError::new("kolommen", e)]))?;
    // Only the regio-beheerder may make the server start a worker; a
    // refusal is logged before the file is read, as the import would log it.
    let event = match kind {
        ListKind::Practices => "practice.import",
        ListKind::PatientCounts => "registered_patients.import",
    };
    let entry = Entry { event, action: AuditAction::Execute, object_type: "region", object_id: None };
    check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let job = crate::import_worker::Job::practice_list(kind, columns);
    crate::import_worker::vet(ctx.app.config.import_worker.as_ref(), &job, bytes, |problems| {
        crate::refusal::refused_file("bestand", problems)
    })
    .await?;
    match kind {
        ListKind::Practices => {
            let listed = wijkregie_formats::practice_list::parse_practices(bytes, &overrides).map_err(refused)?;
            Ok(import_practices(ctx, listed).await?.lines())
        }
        ListKind::PatientCounts => {
            let lines = wijkregie_formats::practice_list::parse_patient_counts(bytes, &overrides).map_err(refused)?;
            match import_patient_counts(ctx, lines).await {
                Err(Error::Invalid(unknown)) => Err(crate::refusal::refused_file(
                    "bestand",
                    unknown.into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect(),
                )),
                other => Ok(other?.lines()),
            }
        }
    }
}

/// Imports dated patient counts per AGB code, all or nothing: an AGB code
/// the region does not know refuses the file, with every such line.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import_patient_counts(ctx: &Ctx, lines: Vec<CountLine>) -> Result<CountReport> {
    let entry = Entry {
        event: "registered_patients.import",
        action: AuditAction::Execute,
        object_type: "region",
        object_id: None,
    };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut conn = ctx.app.store.conn().await?;
    let practices = wijkregie_store::region::practices(&mut conn).await?;
    drop(conn);
    let mut by_code: BTreeMap<Code, Practice> = BTreeMap::new();
    let mut unknown = Vec::new();
    let mut report = CountReport::default();
    for l in lines {
        let Some(found) = practices.iter().find(|p| p.agb.as_ref() == Some(&l.agb)) else {
            unknown.push(FieldError::new(
                format!("regel {}", l.line),
                format!("AGB-code {} hoort bij geen praktijk van de regio (importeer eerst de praktijken)", l.agb),
            ));
            continue;
        };
        let p = by_code.entry(found.code.clone()).or_insert_with(|| found.clone());
        match p.registered_patients.iter_mut().find(|c| c.date == l.date) {
            Some(c) if c.count == l.count => report.unchanged += 1,
            Some(c) => {
                c.count = l.count;
                report.changed += 1;
            }
            None => {
                p.registered_patients.push(PatientCount { date: l.date, count: l.count });
                report.added += 1;
            }
        }
    }
    if !unknown.is_empty() {
        return Err(Error::Invalid(unknown));
    }
    let mut tx = ctx.app.store.begin().await?;
    let mut saved = 0;
    for p in by_code.values_mut() {
        let before = practices.iter().find(|q| q.code == p.code).map(|q| &q.registered_patients);
        p.registered_patients.sort();
        if before != Some(&p.registered_patients) {
            wijkregie_store::region::save_practice(tx.conn(), p).await?;
            saved += 1;
        }
    }
    if saved > 0 {
        record(&mut tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    tx.commit().await?;
    Ok(report)
}
