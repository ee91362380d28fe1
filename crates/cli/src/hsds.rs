//! `wijkregie import hsds PATH` and `wijkregie export hsds DIR`: the social
//! map in and out as Open Referral HSDS 3.0 (see docs/hsds.md). The import
//! is all-or-nothing: the file is checked completely first, then everything
//! is written in one transaction, and only what differs is written, so a
//! second import of the same file changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use wijkregie_core::access::Grant;
use wijkregie_core::audit::AuditAction;
use wijkregie_formats::hsds::{self, Directory, Known};
use wijkregie_store::directory::{self as dir_db, ServiceChange};
use wijkregie_store::region as region_db;
use wijkregie_web::audit::{record, Actor, Entry};
use wijkregie_web::AppState;

/// What the history of an imported service says.
const SUMMARY: &str = "geïmporteerd uit HSDS";

fn progress(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

/// A datapackage folder as file name → contents.
fn read_folder(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let entries: Vec<_> = std::fs::read_dir(path)
        .with_context(|| format!("kan de map {} niet lezen", path.display()))?
        .collect::<Result<_, _>>()?;
    let bar = progress(entries.len() as u64, "bestanden");
    let mut files = BTreeMap::new();
    for entry in entries {
        bar.inc(1);
        if entry.file_type()?.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).with_context(|| format!("kan {name} niet lezen"))?;
            files.insert(name, bytes);
        }
    }
    bar.finish_and_clear();
    Ok(files)
}

#[derive(Default)]
struct Count {
    created: usize,
    updated: usize,
    unchanged: usize,
}

impl Count {
    fn add<T: PartialEq>(&mut self, old: Option<&T>, new: &T) -> bool {
        match old {
            None => self.created += 1,
            Some(o) if o == new => {
                self.unchanged += 1;
                return false;
            }
            Some(_) => self.updated += 1,
        }
        true
    }

    fn line(&self, label: &str) {
        println!(
            "  {label:<14} {:>5} nieuw, {:>5} gewijzigd, {:>5} ongewijzigd",
            self.created, self.updated, self.unchanged
        );
    }
}

pub async fn import(state: &AppState, path: &Path) -> anyhow::Result<ExitCode> {
    let mut conn = state.store.conn().await?;
    let taxonomy = dir_db::taxonomy_terms(&mut conn).await?;
    let organizations = region_db::organizations(&mut conn).await?;
    let wijken: Vec<_> = region_db::wijken(&mut conn).await?.into_iter().map(|w| w.code).collect();
    let networks: Vec<_> = region_db::networks(&mut conn).await?.into_iter().map(|n| n.code).collect();
    drop(conn);
    let known = Known { taxonomy: &taxonomy, organizations: &organizations, wijken: &wijken, networks: &networks };

    let parsed = if path.is_dir() {
        hsds::parse_datapackage(&read_folder(path)?, &known)
    } else {
        let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
        hsds::parse_json(&text, &known)
    };
    let imported = match parsed {
        Ok(i) => i,
        Err(errors) => {
            eprintln!(
                "{} is niet ingelezen; er is niets veranderd. {} probleem/problemen:",
                path.display(),
                errors.len()
            );
            for e in &errors {
                eprintln!("  {}: {}", e.field, e.message);
            }
            return Ok(ExitCode::FAILURE);
        }
    };

    let mut tx = state.store.begin_bulk().await?;
    let old_orgs: HashMap<_, _> =
        region_db::organizations(tx.conn()).await?.into_iter().map(|o| (o.code.clone(), o)).collect();
    let old_locations: HashMap<_, _> =
        dir_db::locations(tx.conn()).await?.into_iter().map(|l| (l.id.clone(), l)).collect();
    let old_services: HashMap<_, _> =
        dir_db::services(tx.conn()).await?.into_iter().map(|s| (s.id.clone(), s)).collect();
    let (mut orgs, mut locations, mut services) = (Count::default(), Count::default(), Count::default());
    // Parents before children, as the foreign keys require; each kind in
    // multi-row statements, because a national export has 100,000 services.
    let new_orgs: Vec<_> =
        imported.organizations.iter().filter(|o| orgs.add(old_orgs.get(&o.code), *o)).cloned().collect();
    region_db::save_organizations(tx.conn(), &new_orgs).await?;
    let new_locations: Vec<_> =
        imported.locations.iter().filter(|l| locations.add(old_locations.get(&l.id), *l)).cloned().collect();
    dir_db::save_locations(tx.conn(), &new_locations).await?;
    let change = ServiceChange { changed_at: Utc::now(), user_id: None, summary: SUMMARY.to_owned() };
    let new_services: Vec<_> =
        imported.services.iter().filter(|s| services.add(old_services.get(&s.id), *s)).cloned().collect();
    let bar = progress(new_services.len() as u64, "diensten");
    for chunk in new_services.chunks(2_000) {
        dir_db::save_services(tx.conn(), chunk, &change).await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let changed = [&orgs, &locations, &services].iter().any(|c| c.created + c.updated > 0);
    if changed {
        let actor = Actor::new(None, &state.config.instance, Some("cli".into()));
        let entry = Entry {
            event: "directory.import",
            action: AuditAction::Execute,
            object_type: "directory",
            object_id: None,
        };
        let grant = Grant { rule: "beheerder via de opdrachtregel op de server" };
        record(&mut tx, state, &actor, entry, Ok(grant)).await.map_err(|e| anyhow::anyhow!(e.to_string()))?;
    }
    tx.commit().await?;

    println!("{} ingelezen:", path.display());
    orgs.line("organisaties");
    locations.line("locaties");
    services.line("diensten");
    if !imported.organization_codes.is_empty() {
        println!("Organisaties uit HSDS en hun code in wijkregie:");
        for m in &imported.organization_codes {
            println!("  {} {} → {} ({})", m.hsds_id, m.name, m.code, m.origin.label());
        }
    }
    if !imported.warnings.is_empty() {
        println!("Opmerkingen ({}):", imported.warnings.len());
        for w in &imported.warnings {
            println!("  {}: {}", w.field, w.message);
        }
    }
    if !changed {
        println!("Niets veranderd: de database kwam al overeen met de invoer.");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn export(state: &AppState, dir: &Path) -> anyhow::Result<ExitCode> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("kan {} niet lezen", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is niet leeg: kies een nieuwe of lege map, zodat er niets wordt overschreven", dir.display());
        }
    }
    let mut conn = state.store.conn().await?;
    let directory = Directory {
        organizations: region_db::organizations(&mut conn).await?,
        locations: dir_db::locations(&mut conn).await?,
        services: dir_db::services(&mut conn).await?,
        taxonomy: dir_db::taxonomy_terms(&mut conn).await?,
        wijken: region_db::wijken(&mut conn).await?.into_iter().map(|w| (w.code, w.name)).collect(),
        networks: region_db::networks(&mut conn).await?.into_iter().map(|n| (n.code, n.name)).collect(),
    };
    drop(conn);
    std::fs::create_dir_all(dir).with_context(|| format!("kan de map {} niet aanmaken", dir.display()))?;
    for (name, text) in hsds::render_datapackage(&directory) {
        let file = dir.join(&name);
        std::fs::write(&file, text).with_context(|| format!("kan {} niet schrijven", file.display()))?;
    }
    println!(
        "Sociale kaart als HSDS-datapackage geschreven naar {}: {} organisaties, {} locaties, {} diensten.",
        dir.display(),
        directory.organizations.len(),
        directory.locations.len(),
        directory.services.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `wijkregie demo --scale landelijk`: adds the generated national social
/// map (`formats::demo_national`) to the demo, for the benchmarks in
/// `bench/`. Written like an import, in one transaction; loaded once.
pub async fn national(state: &AppState) -> anyhow::Result<()> {
    use wijkregie_formats::demo_national::{self, NATIONAL};
    let started = std::time::Instant::now();
    let d = demo_national::directory(NATIONAL);
    let mut conn = state.store.conn().await?;
    if dir_db::service(&mut conn, &d.services[0].id).await?.is_some() {
        eprintln!("De landelijke sociale kaart is al geladen.");
        return Ok(());
    }
    drop(conn);
    let mut tx = state.store.begin_bulk().await?;
    region_db::save_organizations(tx.conn(), &d.organizations).await?;
    dir_db::save_locations(tx.conn(), &d.locations).await?;
    let change = ServiceChange { changed_at: Utc::now(), user_id: None, summary: "landelijke demo geladen".into() };
    dir_db::save_services(tx.conn(), &d.services, &change).await?;
    dir_db::save_postcode_centroids(tx.conn(), &d.postcodes).await?;
    let actor = Actor::new(None, &state.config.instance, Some("cli".into()));
    let entry =
        Entry { event: "directory.import", action: AuditAction::Execute, object_type: "directory", object_id: None };
    let grant = Grant { rule: "beheerder via de opdrachtregel op de server" };
    record(&mut tx, state, &actor, entry, Ok(grant)).await.map_err(|e| anyhow::anyhow!(e.to_string()))?;
    tx.commit().await?;
    eprintln!(
        "Landelijke sociale kaart geladen in {:.1} s: {} diensten, {} organisaties, {} locaties, {} postcodes.",
        started.elapsed().as_secs_f64(),
        d.services.len(),
        d.organizations.len(),
        d.locations.len(),
        d.postcodes.len()
    );
    Ok(())
}
