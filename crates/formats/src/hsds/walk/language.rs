//! The languages a service is offered in, as ISO 639-1 codes; three-letter
//! codes and common names are accepted too.

use wijkregie_core::directory::LanguageCode;

use super::Walker;
use crate::hsds::node::Node;
use crate::hsds::schema::LANGUAGES;

/// What wijkregie reads of a language; `Walker::object` warns about the rest.
const LANGUAGE_USED: &[&str] = &["id", "service_id", "location_id", "phone_id", "name", "code"];

impl Walker<'_> {
    pub(super) fn language(&mut self, node: &Node) -> Option<LanguageCode> {
        if !self.object(node, "een taal (language)", &LANGUAGES, LANGUAGE_USED) {
            return None;
        }
        if let Some(code) = self.text(node, "code") {
            let code = code.trim().to_ascii_lowercase();
            let two = three_letter_language(&code).unwrap_or(&code);
            return match two.parse::<LanguageCode>() {
                Ok(l) => Some(l),
                Err(e) => {
                    self.error(&node.at_of("code"), e.0);
                    None
                }
            };
        }
        match self.text(node, "name") {
            Some(name) => match language_by_name(&name) {
                Some(code) => code.parse().ok(),
                None => {
                    self.error(
                        &node.at_of("code"),
                        format!("taal '{name}' zonder code: geef de ISO 639-1-code, zoals nl"),
                    );
                    None
                }
            },
            None => {
                self.error(&node.at_of("code"), "verplicht veld ontbreekt: geef de ISO 639-1-code, zoals nl");
                None
            }
        }
    }
}

/// ISO 639-2/3 codes of the languages most spoken in Dutch neighbourhoods,
/// for files that use three letters where wijkregie keeps two.
fn three_letter_language(code: &str) -> Option<&'static str> {
    Some(match code {
        "nld" | "dut" => "nl",
        "eng" => "en",
        "deu" | "ger" => "de",
        "fra" | "fre" => "fr",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "tur" => "tr",
        "ara" => "ar",
        "pol" => "pl",
        "ukr" => "uk",
        "rus" => "ru",
        "ron" | "rum" => "ro",
        "bul" => "bg",
        "fry" => "fy",
        "som" => "so",
        "tir" => "ti",
        "fas" | "per" => "fa",
        "zho" | "chi" => "zh",
        _ => return None,
    })
}

fn language_by_name(name: &str) -> Option<&'static str> {
    let n = name.trim().to_lowercase();
    Some(match n.as_str() {
        "nederlands" | "dutch" => "nl",
        "engels" | "english" => "en",
        "duits" | "german" => "de",
        "frans" | "french" => "fr",
        "spaans" | "spanish" => "es",
        "turks" | "turkish" => "tr",
        "arabisch" | "arabic" => "ar",
        "pools" | "polish" => "pl",
        "oekraïens" | "ukrainian" => "uk",
        "fries" | "frisian" => "fy",
        _ => return None,
    })
}
