//! `wijkregie import boundaries FILE [--year Y]`: CBS area outlines from a
//! PDOK GeoJSON file. The file is checked whole first; then everything is
//! written in one transaction, and only outlines that differ.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use wijkregie_app::Ctx;
use wijkregie_formats::boundaries::{self, Crs};

use crate::commands::dutch;

fn progress(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("gebieden");
    bar
}

pub async fn import(ctx: &Ctx, path: &Path, year: Option<u16>) -> anyhow::Result<ExitCode> {
    let text = crate::text::read(path)?;
    let file = match boundaries::parse(&text, year) {
        Ok(f) => f,
        Err(problems) => return Ok(crate::refusal::refuse(path, &problems)),
    };
    let crs = match file.crs {
        Crs::Wgs84 => "WGS84",
        Crs::RdNew => "RD New (EPSG:28992), omgerekend naar WGS84",
    };
    let total = file.boundaries.len();
    let bar = progress(total as u64);
    let report = wijkregie_app::boundary::import_with_progress(ctx, file, &|done| bar.set_position(done as u64))
        .await
        .map_err(dutch)?;
    bar.finish_and_clear();
    println!("{} ingelezen ({crs}): {total} gebieden", path.display());
    println!(
        "  grenzen        {:>5} nieuw, {:>5} gewijzigd, {:>5} ongewijzigd",
        report.added, report.changed, report.unchanged
    );
    if report.added + report.changed == 0 {
        println!("Niets veranderd: de database kwam al overeen met de invoer.");
    }
    Ok(ExitCode::SUCCESS)
}
