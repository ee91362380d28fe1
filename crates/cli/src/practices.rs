//! `wijkregie import practices FILE` and `import patient-counts FILE`: a
//! region's own practice list and the counts per practice, as spreadsheets.
//! The file is checked whole first; one bad row and nothing is written,
//! with every problem and its line.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use wijkregie_app::practice_import;
use wijkregie_app::{Ctx, Error};
use wijkregie_formats::practice_list::{self, Column};

use crate::commands::dutch;
use crate::refusal::refuse;

/// Which header holds which column, from `--columns`.
type Overrides = Vec<(Column, String)>;

fn read(path: &Path, columns: Option<&str>) -> anyhow::Result<(Vec<u8>, Overrides)> {
    let bytes = std::fs::read(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
    let columns = match columns {
        None => vec![],
        Some(text) => practice_list::parse_columns(text).map_err(|e| anyhow::anyhow!("--columns: {e}"))?,
    };
    Ok((bytes, columns))
}

pub async fn import_practices(ctx: &Ctx, path: &Path, columns: Option<&str>) -> anyhow::Result<ExitCode> {
    let (bytes, columns) = read(path, columns)?;
    let listed = match practice_list::parse_practices(&bytes, &columns) {
        Ok(listed) => listed,
        Err(problems) => return Ok(refuse(path, &problems)),
    };
    let report = practice_import::import_practices(ctx, listed).await.map_err(dutch)?;
    println!("{} ingelezen:", path.display());
    for line in report.lines() {
        println!("  {line}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn import_patient_counts(ctx: &Ctx, path: &Path, columns: Option<&str>) -> anyhow::Result<ExitCode> {
    let (bytes, columns) = read(path, columns)?;
    let counts = match practice_list::parse_patient_counts(&bytes, &columns) {
        Ok(counts) => counts,
        Err(problems) => return Ok(refuse(path, &problems)),
    };
    let report = match practice_import::import_patient_counts(ctx, counts).await {
        Ok(report) => report,
        Err(Error::Invalid(unknown)) => {
            let problems: Vec<String> = unknown.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            return Ok(refuse(path, &problems));
        }
        Err(e) => return Err(dutch(e)),
    };
    println!("{} ingelezen:", path.display());
    for line in report.lines() {
        println!("  {line}");
    }
    Ok(ExitCode::SUCCESS)
}
