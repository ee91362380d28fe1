//! How every import says it refused a file: nothing changed, the total, the
//! first [`SHOWN`] problems on the terminal, and with `--problems-file` the
//! whole list in a file. A file with 600,000 bad lines must not scroll
//! 600,000 lines past the operator, yet every problem is found in one pass.

use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

/// Problems printed on the terminal, as many as a page lists; the rest are counted.
pub use wijkregie_app::refusal::SHOWN;

static PROBLEMS_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Where a refusal writes its whole list (the global `--problems-file`).
pub fn set_problems_file(path: PathBuf) {
    let _ = PROBLEMS_FILE.set(path);
}

/// Prints why `path` was refused and writes the whole list to the
/// problems file, if one was asked for.
pub fn refuse<P: Display>(path: &Path, problems: &[P]) -> ExitCode {
    eprintln!(
        "{} is niet ingelezen; er is niets veranderd. {}:",
        path.display(),
        wijkregie_core::format::count(problems.len() as u64, "probleem", "problemen")
    );
    for p in problems.iter().take(SHOWN) {
        eprintln!("  {p}");
    }
    let written = PROBLEMS_FILE.get().map(|file| (file, write_all(file, problems)));
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        match &written {
            Some((file, Ok(()))) => eprintln!("  … en nog {more}; de hele lijst staat in {}", file.display()),
            _ => eprintln!("  … en nog {more}; --problems-file BESTAND schrijft de hele lijst weg"),
        }
    } else if let Some((file, Ok(()))) = &written {
        eprintln!("De lijst staat ook in {}.", file.display());
    }
    if let Some((file, Err(e))) = &written {
        eprintln!("Kan de lijst niet schrijven naar {}: {e}", file.display());
    }
    ExitCode::FAILURE
}

fn write_all<P: Display>(file: &Path, problems: &[P]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    for p in problems {
        writeln!(out, "{p}")?;
    }
    out.flush()
}
