//! serde_json's errors in Dutch, for every JSON file a user hands in.
//!
//! serde_json explains in English; a user sees where (line, column), what
//! kind of fault, and for the common cases the detail in Dutch. The rest of
//! the detail is left out rather than shown half in English (issue 22 found
//! "(expected `:`)" in the region file's messages by fuzzing).

use wijkregie_core::error::FieldError;

/// The error at `$` (the whole document), in Dutch.
pub(crate) fn dutch(error: &serde_json::Error) -> FieldError {
    let (line, column) = (error.line(), error.column());
    let what = match error.classify() {
        serde_json::error::Category::Eof => "het bestand houdt halverwege op",
        serde_json::error::Category::Syntax => "de opmaak klopt hier niet",
        serde_json::error::Category::Data | serde_json::error::Category::Io => "de inhoud kon niet worden gelezen",
    };
    // serde_json explains in English; the common cases in Dutch, the rest
    // is left out rather than shown half in English.
    let full = error.to_string();
    let detail = [
        ("expected value", "hier hoort een waarde"),
        ("expected `,` or `}`", "hier hoort een komma of }"),
        ("expected `,` or `]`", "hier hoort een komma of ]"),
        ("expected `:`", "hier hoort een dubbele punt"),
        ("expected ident", "onbekend woord (bedoeld: true, false of null?)"),
        ("trailing comma", "een komma te veel voor het sluithaakje"),
        ("trailing characters", "er staat nog iets na het einde van het document"),
        ("key must be a string", "een veldnaam moet tussen aanhalingstekens staan"),
        ("control character", "een regelovergang of tab midden in een tekst"),
        ("invalid escape", "een ongeldige \\-code in een tekst"),
        ("invalid number", "een ongeldig getal"),
        ("number out of range", "een getal dat te groot is"),
        ("recursion limit exceeded", "te diep genest"),
        ("invalid unicode", "een ongeldig teken"),
        ("lone leading surrogate", "een ongeldig teken"),
        ("missing field", "er ontbreekt een verplicht veld"),
        ("unknown field", "een onbekend veld"),
        ("invalid type", "een waarde van de verkeerde soort"),
        ("invalid value", "een ongeldige waarde"),
        ("invalid length", "een lijst van de verkeerde lengte"),
        ("unknown variant", "een onbekende waarde"),
        ("duplicate field", "een veld dat twee keer voorkomt"),
    ]
    .iter()
    .find(|(english, _)| full.starts_with(english))
    .map(|(_, dutch)| format!(": {dutch}"))
    .unwrap_or_default();
    FieldError::new("$", format!("ongeldige JSON op regel {line}, kolom {column}: {what}{detail}"))
}
