//! `wijkregie finance statements|approve|tariffs`: the quarterly payment
//! statements from the same service as the pages, so both agree to the cent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use wijkregie_app::finance as service;
use wijkregie_app::Ctx;
use wijkregie_core::codes::Code;
use wijkregie_core::finance::{Cents, Quarter, Statement};
use wijkregie_formats::finance::{self as files, CsvStyle};

use crate::commands::dutch;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Een leesbare tabel (standaard)
    Tabel,
    Json,
    /// Komma's en punten; met --nl puntkomma's en decimale komma's
    Csv,
    Xlsx,
}

pub struct StatementsArgs {
    pub quarter: Quarter,
    pub network: Option<Code>,
    pub format: Format,
    pub dutch_csv: bool,
    pub output: Option<PathBuf>,
}

fn write_out(output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("kan {} niet schrijven", path.display())),
        None => Ok(std::io::stdout().write_all(bytes)?),
    }
}

pub async fn statements(ctx: &Ctx, args: StatementsArgs) -> anyhow::Result<ExitCode> {
    let view = service::statements(ctx, args.quarter, args.network.as_ref()).await.map_err(dutch)?;
    let bytes = match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&files::to_json(&view.statements))?;
            text.push('\n');
            text.into_bytes()
        }
        Format::Csv => {
            let style = if args.dutch_csv { CsvStyle::Dutch } else { CsvStyle::Plain };
            files::to_csv(&view.statements, &view.names, style).into_bytes()
        }
        Format::Xlsx => {
            if args.output.is_none() {
                anyhow::bail!("een XLSX-bestand is binair: geef met --output aan waar het heen moet");
            }
            files::to_xlsx_with_state(&view.statements, &view.names, Some(&view.state()))?
        }
        Format::Tabel => table(&view).into_bytes(),
    };
    write_out(args.output.as_deref(), &bytes)?;
    if let Some(path) = &args.output {
        eprintln!(
            "{} voor {} geschreven naar {}",
            wijkregie_core::format::count(view.statements.len() as u64, "betaaloverzicht", "betaaloverzichten"),
            view.quarter,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn table(view: &service::QuarterStatements) -> String {
    let mut out = String::new();
    let status = match &view.approval {
        Some(a) => {
            format!("vastgesteld op {} door {}", wijkregie_core::clock::nl_display(a.approved_at), a.approved_by_name)
        }
        None => "nog niet vastgesteld".to_owned(),
    };
    out.push_str(&format!("Betaaloverzicht {} ({status})\n", view.quarter.label()));
    for s in &view.statements {
        let name = view.names.get(&s.network).map_or("", String::as_str);
        out.push_str(&format!("\n{} {name}: {} ingeschreven patiënten\n", s.network, s.registered_patients));
        for l in &s.lines {
            let why = match (&l.reason, &l.corrects) {
                (Some(r), _) => format!(" ({})", r.label()),
                (None, Some(c)) => format!(" (correctie {} {})", c.quarter, c.kind.label()),
                _ => String::new(),
            };
            out.push_str(&format!("  {:<32} {:>14}{why}\n", l.kind.label(), l.amount.euro()));
        }
        out.push_str(&format!("  {:<32} {:>14}\n", "totaal", s.total().euro()));
    }
    let total: Cents = view.statements.iter().map(Statement::total).sum();
    let scope = if view.whole_region { "regio" } else { "getoond" };
    out.push_str(&format!("\nTotaal {scope}: {}\n", total.euro()));
    out
}

pub async fn approve(ctx: &Ctx, quarter: Quarter) -> anyhow::Result<ExitCode> {
    let frozen = service::approve(ctx, quarter).await.map_err(dutch)?;
    let total: Cents = frozen.iter().map(Statement::total).sum();
    println!(
        "{} vastgesteld: {}, samen {}.",
        quarter.label(),
        wijkregie_core::format::count(frozen.len() as u64, "betaaloverzicht", "betaaloverzichten"),
        total.euro()
    );
    Ok(ExitCode::SUCCESS)
}

/// Lists memberships of one practice in two networks on the same day.
pub async fn check(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let overlaps = wijkregie_app::region::membership_overlaps(ctx).await.map_err(dutch)?;
    if overlaps.is_empty() {
        println!("Geen overlappende lidmaatschappen: elke praktijk hoort op elke dag bij hoogstens één netwerk.");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} gevonden:",
        wijkregie_core::format::count(
            overlaps.len() as u64,
            "overlappend lidmaatschap",
            "overlappende lidmaatschappen"
        )
    );
    for o in &overlaps {
        println!("  {}", o.message);
    }
    println!("Beëindig of verschuif een van beide lidmaatschappen; tot dan worden beide netwerken voor deze praktijk betaald.");
    Ok(ExitCode::FAILURE)
}

pub async fn tariffs(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let view = service::tariffs(ctx).await.map_err(dutch)?;
    println!("{:<6} {:>12} {:>12} {:>10} {:>10}  herkomst", "jaar", "huisarts", "coördinator", "drempel", "uren");
    for y in &view.years {
        let t = &y.tariff;
        let origin = match y.origin {
            wijkregie_core::finance::tariff::Origin::Set => "ingesteld".to_owned(),
            wijkregie_core::finance::tariff::Origin::CarriedFrom(from) => format!("zoals {from}"),
            wijkregie_core::finance::tariff::Origin::Default => "standaard".to_owned(),
        };
        println!(
            "{:<6} {:>12} {:>12} {:>10} {:>10}  {origin}",
            t.year,
            t.gp_time.euro(),
            t.coordinator.euro(),
            t.threshold_patients,
            format!("{}:{:02}", t.min_coordinator_minutes / 60, t.min_coordinator_minutes % 60)
        );
    }
    Ok(ExitCode::SUCCESS)
}
