//! Text files for imports: UTF-8 unless `--encoding latin1` says otherwise.
//! A file that is not UTF-8 is refused with where the first wrong byte is
//! and what to do, instead of "stream did not contain valid UTF-8".

use std::path::Path;
use std::sync::OnceLock;

use anyhow::Context;

/// How an import's text files are encoded (the global `--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Encoding {
    #[default]
    #[value(name = "utf8", alias = "utf-8")]
    Utf8,
    /// Latin-1 as Windows and Excel write it (Windows-1252, the WHATWG reading of "latin1").
    #[value(name = "latin1", alias = "windows-1252", alias = "cp1252", alias = "iso-8859-1")]
    Latin1,
}

static ENCODING: OnceLock<Encoding> = OnceLock::new();

pub fn set_encoding(encoding: Encoding) {
    let _ = ENCODING.set(encoding);
}

/// Reads `path` as text in the chosen encoding.
pub fn read(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
    decode(&path.display().to_string(), bytes)
}

/// `bytes` of the file `name` as text in the chosen encoding.
pub fn decode(name: &str, bytes: Vec<u8>) -> anyhow::Result<String> {
    if ENCODING.get().copied().unwrap_or_default() == Encoding::Latin1 {
        return Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned());
    }
    String::from_utf8(bytes).map_err(|e| anyhow::anyhow!(not_utf8(name, e.as_bytes(), e.utf8_error().valid_up_to())))
}

fn not_utf8(name: &str, bytes: &[u8], at: usize) -> String {
    let before = &bytes[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = at - before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) + 1;
    let byte = bytes.get(at).copied().unwrap_or_default();
    format!(
        "{name} is geen UTF-8-tekst: regel {line}, byte {column} (0x{byte:02X}) is geen geldige UTF-8. Is het \
         opgeslagen als Latin-1 of Windows-1252 (zoals Excel een CSV kan opslaan)? Lees het dan in met \
         --encoding latin1, of sla het op als UTF-8."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_wrong_byte_is_named_by_line_and_place() {
        let message = not_utf8("wijken.csv", b"naam\nCaf\xe9 de Hoek\n", 8);
        assert!(message.starts_with("wijken.csv is geen UTF-8-tekst: regel 2, byte 4 (0xE9)"), "{message}");
        assert!(message.contains("--encoding latin1"), "{message}");
    }
}
