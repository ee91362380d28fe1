//! `wijkregie import hsds PATH` and `wijkregie export hsds DIR`: the social
//! map in and out as Open Referral HSDS 3.0 (see docs/hsds.md), through
//! `app::hsds`. The import is all-or-nothing and writes only what differs,
//! so a second import of the same file changes nothing.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use wijkregie_app::hsds::{self, Count, Source};
use wijkregie_app::{Ctx, Error};

use crate::commands::{dutch, refuse};

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
            let text = name.ends_with(".csv") || name.ends_with(".json");
            let bytes = if text { crate::text::decode(&name, bytes)?.into_bytes() } else { bytes };
            files.insert(name, bytes);
        }
    }
    bar.finish_and_clear();
    Ok(files)
}

fn line(label: &str, c: Count) {
    println!("  {label:<14} {:>5} nieuw, {:>5} gewijzigd, {:>5} ongewijzigd", c.created, c.updated, c.unchanged);
}

pub async fn import(ctx: &Ctx, path: &Path) -> anyhow::Result<ExitCode> {
    let source =
        if path.is_dir() { Source::Datapackage(read_folder(path)?) } else { Source::Json(crate::text::read(path)?) };
    let bar = progress(0, "diensten");
    let imported = hsds::import(ctx, source, &|done, of| {
        bar.set_length(of as u64);
        bar.set_position(done as u64);
    })
    .await;
    bar.finish_and_clear();
    let report = match imported {
        Ok(report) => report,
        Err(Error::Invalid(problems)) => return Ok(refuse(path, &problems)),
        Err(e) => return Err(dutch(e)),
    };
    println!("{} ingelezen:", path.display());
    line("organisaties", report.organizations);
    line("locaties", report.locations);
    line("diensten", report.services);
    line("termen (bron)", report.foreign_terms);
    if report.foreign_terms.created > 0 {
        println!(
            "De bron heeft eigen taxonomietermen. Koppel ze één keer aan een hulpvraag op /aanbod/hulpvragen/koppelen; \
             een volgende import van deze bron neemt de koppeling over."
        );
    }
    if !report.organization_codes.is_empty() {
        println!("Organisaties uit HSDS en hun code in wijkregie:");
        for m in &report.organization_codes {
            println!("  {} {} → {} ({})", m.hsds_id, m.name, m.code, m.origin.label());
        }
    }
    if !report.warnings.is_empty() {
        println!("Opmerkingen ({}):", report.warnings.len());
        for w in &report.warnings {
            println!("  {}: {}", w.field, w.message);
        }
    }
    if !report.changed() {
        println!("Niets veranderd: de database kwam al overeen met de invoer.");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn export(ctx: &Ctx, dir: &Path) -> anyhow::Result<ExitCode> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("kan {} niet lezen", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is niet leeg: kies een nieuwe of lege map, zodat er niets wordt overschreven", dir.display());
        }
    }
    let (directory, files) = hsds::export(ctx).await.map_err(dutch)?;
    std::fs::create_dir_all(dir).with_context(|| format!("kan de map {} niet aanmaken", dir.display()))?;
    for (name, text) in files {
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
