//! `wijkregie import kwb|health FILE [--year Y] [--vintage V]`: CBS
//! Kerncijfers and RIVM health figures. The file is checked whole first;
//! one bad row and nothing is written, with every problem and its line.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use wijkregie_app::population::{self as service, FigureFile};
use wijkregie_app::Ctx;

use crate::commands::dutch;

fn progress(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("cijfers");
    bar
}

pub async fn import(
    ctx: &Ctx,
    kind: FigureFile,
    path: &Path,
    year: Option<i32>,
    vintage: Option<i32>,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let prepared = match service::parse_file(kind, &bytes, name, year, vintage) {
        Ok(prepared) => prepared,
        Err(problems) => return Ok(crate::refusal::refuse(path, &problems)),
    };
    let what = kind.label();
    let bar = progress(prepared.figures.len() as u64);
    let report =
        service::import(ctx, kind.event(), &prepared, &|done| bar.set_position(done as u64)).await.map_err(dutch)?;
    bar.finish_and_clear();
    let years: Vec<String> = prepared.years.iter().map(ToString::to_string).collect();
    println!(
        "{} ingelezen ({what}, {}): {} gebieden, {} cijfers, waarvan {} onbekend",
        path.display(),
        years.join(", "),
        prepared.areas,
        prepared.figures.len(),
        prepared.unknown
    );
    println!(
        "  cijfers        {:>7} nieuw, {:>7} gewijzigd, {:>7} ongewijzigd",
        report.added, report.changed, report.unchanged
    );
    if report.added + report.changed == 0 {
        println!("Niets veranderd: de database kwam al overeen met de invoer.");
    }
    // Last, so the coverage of the region is what stays on screen.
    let coverage = service::region_coverage(ctx, &prepared).await.map_err(dutch)?;
    for note in service::summary(&prepared, &coverage) {
        println!("{}", note.text);
    }
    Ok(ExitCode::SUCCESS)
}
