//! `wijkregie import-worker --memory-limit BYTES JOB` (hidden): the process
//! in which `serve` first reads a file uploaded on a page
//! (`app::import_worker`). It limits its own address space before reading
//! anything, so a file that needs more ends this process (allocation fails,
//! the process aborts) and the server only sees it die.

use std::io::Read;
use std::process::ExitCode;

use wijkregie_app::import_worker::{Answer, Job};

pub fn run(memory_limit: u64, job: &str) -> ExitCode {
    let limit = rustix::process::Rlimit { current: Some(memory_limit), maximum: Some(memory_limit) };
    if let Err(e) = rustix::process::setrlimit(rustix::process::Resource::As, limit) {
        eprintln!("wijkregie import-worker: kan de geheugengrens niet zetten: {e}");
        return ExitCode::FAILURE;
    }
    let job: Job = match serde_json::from_str(job) {
        Ok(job) => job,
        Err(e) => {
            eprintln!("wijkregie import-worker: onbekende opdracht: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        eprintln!("wijkregie import-worker: kan het bestand niet lezen: {e}");
        return ExitCode::FAILURE;
    }
    let answer = Answer { problems: job.problems(&bytes) };
    match serde_json::to_string(&answer) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wijkregie import-worker: {e}");
            ExitCode::FAILURE
        }
    }
}
