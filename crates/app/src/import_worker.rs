//! Files uploaded on a page are first read in a separate process with a
//! memory limit, so a file that needs more memory than allowed (a
//! decompression bomb, a parser's worst case) ends that process and not
//! `serve` with everything it serves.
//!
//! The worker is the server's own binary (`wijkregie import-worker`): it
//! sets its address-space limit on itself, reads the file from stdin, runs
//! the very parser the import runs, and writes the problems it found as JSON.
//! Only when the worker found no problem does the server read the file
//! itself, for the rows to store. Parsing is deterministic, so the server's
//! own parse then needs the memory the worker needed, which fitted the limit;
//! a bad or hostile file never reaches the server's parser at all. Reading
//! twice costs a few seconds for the biggest national file; passing every
//! kind of parsed result back over a pipe would cost a serialised form of
//! each, for no gain in safety.
//!
//! Without a configured worker (the in-process router tests, the CLI's own
//! imports, which are a process of their own) the file is read in-process.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use wijkregie_core::FieldError;

use crate::population::FigureFile;
use crate::practice_import::ListKind;
use crate::{Error, Result};

/// How the server starts a worker.
#[derive(Debug, Clone)]
pub struct Worker {
    /// The program, normally the running binary (`std::env::current_exe`).
    pub program: PathBuf,
    /// Arguments before the job, normally `["import-worker"]`.
    pub args: Vec<String>,
    /// The worker's address-space limit in bytes, passed as
    /// `--memory-limit`; the worker sets it on itself before reading.
    pub memory_limit: u64,
    /// The worker is stopped after this long.
    pub timeout: Duration,
}

/// The default address-space limit: the biggest honest upload (64 MB of
/// XLSX, inflating to about 1 GB of XML) reads in well under this.
pub const DEFAULT_MEMORY_LIMIT: u64 = 2 << 30;

/// What to read, with everything the parser needs besides the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    Kwb { name: String, year: Option<i32>, vintage: Option<i32> },
    Health { name: String, year: Option<i32>, vintage: Option<i32> },
    Boundaries { year: Option<u16> },
    Practices { columns: String },
    PatientCounts { columns: String },
}

impl Job {
    pub fn figures(file: FigureFile, name: &str, year: Option<i32>, vintage: Option<i32>) -> Self {
        let name = name.to_owned();
        match file {
            FigureFile::Kwb => Self::Kwb { name, year, vintage },
            FigureFile::Health => Self::Health { name, year, vintage },
        }
    }

    pub fn practice_list(kind: ListKind, columns: &str) -> Self {
        let columns = columns.to_owned();
        match kind {
            ListKind::Practices => Self::Practices { columns },
            ListKind::PatientCounts => Self::PatientCounts { columns },
        }
    }

    /// Runs the job's parser and keeps only its problems: what the worker
    /// process does.
    pub fn problems(&self, bytes: &[u8]) -> Vec<String> {
        let texts = |problems: Vec<wijkregie_formats::population::LineError>| {
            problems.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        match self {
            Self::Kwb { name, year, vintage } => {
                crate::population::parse_file(FigureFile::Kwb, bytes, name, *year, *vintage).err().map(texts)
            }
            Self::Health { name, year, vintage } => {
                crate::population::parse_file(FigureFile::Health, bytes, name, *year, *vintage).err().map(texts)
            }
            Self::Boundaries { year } => match std::str::from_utf8(bytes) {
                Ok(text) => wijkregie_formats::boundaries::parse(text, *year)
                    .err()
                    .map(|p| p.iter().map(ToString::to_string).collect()),
                // The upload says so itself, without a worker.
                Err(_) => None,
            },
            Self::Practices { columns } | Self::PatientCounts { columns } => {
                match wijkregie_formats::practice_list::parse_columns(columns) {
                    Err(_) => None,
                    Ok(overrides) if matches!(self, Self::Practices { .. }) => {
                        wijkregie_formats::practice_list::parse_practices(bytes, &overrides).err().map(texts)
                    }
                    Ok(overrides) => {
                        wijkregie_formats::practice_list::parse_patient_counts(bytes, &overrides).err().map(texts)
                    }
                }
            }
        }
        .unwrap_or_default()
    }
}

/// The worker's answer on stdout.
#[derive(Debug, Serialize, Deserialize)]
pub struct Answer {
    pub problems: Vec<String>,
}

fn died(limit: u64) -> Error {
    Error::Invalid(vec![FieldError::new(
        "bestand",
        format!(
            "het bestand is niet ingelezen: het lezen ervan had meer dan {} MB geheugen of meer tijd nodig dan de \
             server een upload geeft. Is het echt een bestand van deze soort? Een groot bestand kan de beheerder \
             inlezen met de opdracht wijkregie import.",
            limit >> 20
        ),
    )])
}

/// Reads `bytes` in a worker when one is configured: `Ok(())` when the file
/// has no problem (the caller then reads it itself), the problems (with
/// `refuse`) when it has, and a Dutch refusal when the worker died.
pub async fn vet(
    worker: Option<&Worker>,
    job: &Job,
    bytes: &[u8],
    refuse: impl FnOnce(Vec<String>) -> Error,
) -> Result<()> {
    let Some(worker) = worker else { return Ok(()) };
    let job_text = serde_json::to_string(job).map_err(|e| Error::Internal(e.into()))?;
    let mut child = tokio::process::Command::new(&worker.program)
        .args(&worker.args)
        .arg("--memory-limit")
        .arg(worker.memory_limit.to_string())
        .arg(job_text)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::Internal(anyhow::anyhow!("import-worker start niet: {e}")))?;
    let mut stdin = child.stdin.take();
    let run = async {
        if let Some(stdin) = stdin.as_mut() {
            // A worker that died early closes the pipe; its exit says why.
            let _ = stdin.write_all(bytes).await;
        }
        drop(stdin);
        child.wait_with_output().await
    };
    let output = match tokio::time::timeout(worker.timeout, run).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(Error::Internal(anyhow::anyhow!("import-worker: {e}"))),
        Err(_) => {
            tracing::warn!(timeout = ?worker.timeout, "import worker took too long; stopped");
            return Err(died(worker.memory_limit));
        }
    };
    if !output.status.success() {
        tracing::warn!(status = %output.status, limit = worker.memory_limit, "import worker died on an upload");
        return Err(died(worker.memory_limit));
    }
    match serde_json::from_slice::<Answer>(&output.stdout) {
        Ok(Answer { problems }) if problems.is_empty() => Ok(()),
        Ok(Answer { problems }) => Err(refuse(problems)),
        Err(e) => Err(Error::Internal(anyhow::anyhow!("import-worker gaf geen antwoord: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str, limit: u64) -> Worker {
        Worker {
            program: "/bin/sh".into(),
            // `sh -c SCRIPT NAME ARGS…`: the limit and the job land in $1, $2, $3.
            args: vec!["-c".into(), script.into(), "worker".into()],
            memory_limit: limit,
            timeout: Duration::from_secs(10),
        }
    }

    fn job() -> Job {
        Job::Kwb { name: "kwb-2024.xlsx".into(), year: None, vintage: None }
    }

    fn refused(problems: Vec<String>) -> Error {
        Error::Invalid(problems.into_iter().map(|p| FieldError::new("bestand", p)).collect())
    }

    fn messages(e: Error) -> Vec<String> {
        match e {
            Error::Invalid(errors) => errors.into_iter().map(|e| e.message).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn without_a_worker_the_caller_reads_the_file_itself() {
        assert!(vet(None, &job(), b"x", refused).await.is_ok());
    }

    #[tokio::test]
    async fn the_worker_gets_the_limit_the_job_and_the_bytes() {
        let w = shell(
            r#"test "$1" = --memory-limit && test "$2" = 1234 && grep -q '"kind":"kwb"' <<EOF
$3
EOF
test "$(cat)" = inhoud && echo '{"problems":[]}'"#,
            1234,
        );
        assert!(vet(Some(&w), &job(), b"inhoud", refused).await.is_ok());
    }

    #[tokio::test]
    async fn problems_come_back_as_the_callers_refusal() {
        let w = shell(r#"cat >/dev/null; echo '{"problems":["regel 2: fout"]}'"#, 1 << 30);
        let problems = messages(vet(Some(&w), &job(), b"x", refused).await.unwrap_err());
        assert_eq!(problems, ["regel 2: fout"]);
    }

    /// A worker killed (as the kernel does when the limit is hit) is a
    /// Dutch refusal of the file, never an internal error.
    #[tokio::test]
    async fn a_worker_that_dies_is_a_dutch_refusal() {
        for script in ["kill -9 $$", "exit 101", "sleep 30"] {
            let mut w = shell(script, 512 << 20);
            w.timeout = Duration::from_secs(1);
            let problems = messages(vet(Some(&w), &job(), &vec![b'x'; 1 << 20], refused).await.unwrap_err());
            assert!(problems[0].contains("meer dan 512 MB geheugen"), "{script}: {problems:?}");
        }
    }

    #[test]
    fn the_job_runs_the_imports_own_parser() {
        assert!(job().problems(b"gwb_code_10;a_inw\nGM0014;1\n").is_empty());
        let problems = job().problems(b"gwb_code_10;a_inw\nGM0014;veel\n");
        assert!(problems[0].starts_with("regel 2"), "{problems:?}");
        let boundaries = Job::Boundaries { year: None }.problems(b"{\"type\": \"FeatureCollection\"}");
        assert!(!boundaries.is_empty());
        assert!(Job::Practices { columns: String::new() }.problems(b"x").len() == 1);
    }
}
