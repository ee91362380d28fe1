//! `wijkregie import hsds PATH` and `wijkregie export hsds DIR`: the social
//! map in and out as Open Referral HSDS 3.0 (see docs/hsds.md). The import
//! is all-or-nothing: the file is checked completely first, then everything
//! is written in one transaction, and only what differs is written, so a
//! second import of the same file changes nothing.

use std::collections::BTreeMap;
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

    let mut tx = state.store.begin().await?;
    let old_orgs = region_db::organizations(tx.conn()).await?;
    let old_locations = dir_db::locations(tx.conn()).await?;
    let old_services = dir_db::services(tx.conn()).await?;
    let (mut orgs, mut locations, mut services) = (Count::default(), Count::default(), Count::default());
    // Parents before children, as the foreign keys require.
    for o in &imported.organizations {
        if orgs.add(old_orgs.iter().find(|x| x.code == o.code), o) {
            region_db::save_organization(tx.conn(), o).await?;
        }
    }
    for l in &imported.locations {
        if locations.add(old_locations.iter().find(|x| x.id == l.id), l) {
            dir_db::save_location(tx.conn(), l).await?;
        }
    }
    let bar = progress(imported.services.len() as u64, "diensten");
    let change = ServiceChange { changed_at: Utc::now(), user_id: None, summary: SUMMARY.to_owned() };
    for s in &imported.services {
        bar.inc(1);
        if services.add(old_services.iter().find(|x| x.id == s.id), s) {
            dir_db::save_service(tx.conn(), s, &change).await?;
        }
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
