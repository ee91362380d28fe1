//! Fuzzing every file parser of wijkregie, as property tests.
//!
//! `cargo fuzz` needs a nightly toolchain and libFuzzer, which CI does not
//! have, so this is the "proptest where fuzzing is impractical" of issue 22:
//! a seeded, structure-aware mutation loop. Each target starts from the real
//! fixtures of `tests/fixtures` and `tests/data` (and the demo's generated
//! files), mutates them the way real files go wrong (a JSON value replaced or
//! removed, a cell or line duplicated, a word swapped for a nasty token,
//! bytes cut), and feeds the result to the parser's public function. Random
//! bytes would stop at the first syntax check; mutated real files get deep.
//!
//! The property, for every input: the parser does not panic, its memory
//! stays within a bound proportional to the input, and it returns either a
//! value or a non-empty list of problems in Dutch.
//!
//! Budget: `WIJKREGIE_FUZZ_CASES` cases per target (default
//! [`DEFAULT_CASES`], which keeps the whole run well under 90 s on two
//! cores in a debug build); `WIJKREGIE_FUZZ_SEED` picks another
//! deterministic seed (CI always runs the same cases, so it cannot flake).
//! Each target prints how many executions ran and its peak memory.
//! Bugs it found are regression tests in `tests/it`, next to the format.

// Test code: a panic is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::panic)]

mod alloc;
mod mutate;
mod targets;

/// Cases per target when `WIJKREGIE_FUZZ_CASES` is not set.
pub const DEFAULT_CASES: u32 = 1000;
