//! The professionals' words: what the Snowball Dutch stemmer must not touch,
//! and the abbreviations of the field.
//!
//! **Protected words.** Snowball stems `ouderen` (the elderly), `oudere`
//! (an older person) and `ouders` (parents) all to `ouder`, so a search for
//! "ouderen" put the Kansrijke Start spreekuur (for young parents) in the top
//! five. Care words whose meanings differ where their stems meet get a stem
//! of our own here, one per meaning, so that elderly and parents never meet;
//! they are not typo-corrected either (`oudere` is one edit from `ouders`).
//!
//! **Abbreviations** (`WOR`, `GLI`, `POH`, …) are written in capitals by
//! professionals and never by the stemmer, so each gets a capitalised stem
//! no Dutch word stems to (Snowball stems `worden` to `wor`; that is how
//! "WOR" found "Ouder worden"), no typo matching, and its full name as an
//! alternative: "WOR" finds what "welzijn op recept" finds.

use std::borrow::Cow;

/// Words with a meaning of their own, and the stem that meaning is indexed
/// and searched by. Every form of one meaning shares one stem; stems of
/// different meanings differ, and none is what Snowball makes of a word.
const MEANINGS: &[(&str, &str)] = &[
    // Elderly: "ouderen", "een oudere man", "ouder worden".
    ("ouder", "oudere"),
    ("oudere", "oudere"),
    ("ouderen", "oudere"),
    // Parents: "jonge ouders".
    ("ouders", "ouders"),
    // Young people: "jongeren", "jongerenwerk".
    ("jongere", "jongere"),
    ("jongeren", "jongere"),
    // Young: "jonge ouders", "jong volwassen".
    ("jong", "jong"),
    ("jonge", "jong"),
    // Lonely: Snowball stems "eenzame" and "eenzaam" apart, and they are
    // two edits apart, so "eenzame oudere man" missed every service for
    // loneliness.
    ("eenzaam", "eenzaam"),
    ("eenzame", "eenzaam"),
    ("eenzamen", "eenzaam"),
    ("eenzaamheid", "eenzaam"),
];

/// Abbreviations used in Dutch primary care and the social domain, with the
/// full name they stand for (as searched: its words must all match).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("wor", "welzijn op recept"),
    ("gli", "gecombineerde leefstijlinterventie"),
    ("poh", "praktijkondersteuner"),
    ("jgz", "jeugdgezondheidszorg"),
    ("cjg", "centrum voor jeugd en gezin"),
    ("smw", "maatschappelijk werk"),
    ("wmo", "wet maatschappelijke ondersteuning"),
];

/// The full name an abbreviation stands for (`raw`: lowercase, folded).
pub(crate) fn expansion(raw: &str) -> Option<&'static str> {
    ABBREVIATIONS.iter().find(|(short, _)| *short == raw).map(|(_, full)| *full)
}

/// Whether `raw` is a protected word or an abbreviation: matched by its
/// own stem only, never as a typo of another word.
pub(crate) fn is_protected(raw: &str) -> bool {
    MEANINGS.iter().any(|(word, _)| *word == raw) || expansion(raw).is_some()
}

/// The stem of a lowercase, folded word: its meaning's stem if protected,
/// the abbreviation in capitals, else what Snowball Dutch makes of it.
pub(crate) fn stem<'a>(raw: &'a str, snowball: &frostem::Stemmer) -> Cow<'a, str> {
    if let Some((_, meaning)) = MEANINGS.iter().find(|(word, _)| *word == raw) {
        return Cow::Borrowed(meaning);
    }
    if expansion(raw).is_some() {
        return Cow::Owned(raw.to_uppercase());
    }
    snowball.stem(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snowball() -> frostem::Stemmer {
        frostem::Stemmer::new(frostem::Algorithm::Dutch)
    }

    #[test]
    fn elderly_and_parents_have_different_stems() {
        let s = snowball();
        assert_eq!(s.stem("ouderen"), s.stem("ouders"), "why this list exists");
        let stem = |w| stem(w, &s).into_owned();
        assert_eq!(stem("ouderen"), stem("oudere"));
        assert_eq!(stem("ouderen"), stem("ouder"));
        assert_ne!(stem("ouderen"), stem("ouders"));
        assert_ne!(stem("jongeren"), stem("jonge"));
        assert_eq!(stem("eenzame"), stem("eenzaamheid"));
        assert_eq!(stem("wandelingen"), "wandel", "other words go to Snowball");
    }

    #[test]
    fn no_word_stems_to_a_protected_stem_by_chance() {
        let s = snowball();
        // "worden" stems to "wor": the abbreviation's stem must differ.
        assert_eq!(s.stem("worden"), "wor");
        assert_ne!(stem("wor", &s), stem("worden", &s));
        assert_eq!(stem("wor", &s), "WOR");
    }

    #[test]
    fn abbreviations_know_their_full_names() {
        assert_eq!(expansion("wor"), Some("welzijn op recept"));
        assert!(is_protected("gli") && is_protected("ouderen") && !is_protected("worden"));
    }
}
