//! Dutch compounds, written as one word: a query compound finds services
//! that name its parts, and query words find a compound made of them.
//!
//! As Lucene's `DictionaryCompoundWordTokenFilter` does for Dutch, parts
//! are found in a dictionary; ours is the index's own vocabulary, the
//! services' words and the taxonomy's names and synonyms, so it grows with
//! the social map and needs no word list. Dutch joins parts with a linking
//! `-s-` or `-en-` (`levensvragen`, `boekenclub`), so a part is also known
//! without it.
//!
//! - **Splitting** (query → parts): `angstklachten` is `angst` + `klachten`
//!   when both are words of the index; the service "klachten zoals angst"
//!   matches both parts. `burnout` is `burn` + `out`, the words of
//!   "burn-out".
//! - **Joining** (parts → compound): "hulp bij schulden" holds `schuld` and
//!   `hulp`; `schuldhulp` is the beginning of a word of the index
//!   (`schuldhulpverlening`), so services naming it match both query words.
//!   "burn out" and "burn-out" join to `burnout` the same way.
//!
//! Both only look words up in the term dictionaries, so they cost a few
//! microseconds per query word.

use tantivy::schema::Field;
use tantivy::Searcher;

use crate::analysis::{Alternative, AlternativeKind, Analyzers, QueryWord};
use crate::lexicon;
use crate::query::Joined;

/// How far apart two query words may be to be joined: "klachten zoals
/// angst" joins `angst` and `klachten` across `zoals`.
const MAX_JOIN_DISTANCE: usize = 2;

/// Adds to each query word the parts it splits into, and returns the pairs
/// of query words that join into a compound.
pub(crate) fn apply(words: &mut [QueryWord], vocabulary: &impl Vocabulary, analyzers: &mut Analyzers) -> Vec<Joined> {
    for word in words.iter_mut() {
        if lexicon::is_protected(&word.word.raw) {
            continue;
        }
        let Some((head, tail)) = split(&word.word.raw, vocabulary) else { continue };
        let parts: Vec<QueryWord> = [&head, &tail]
            .into_iter()
            .filter_map(|part| analyzers.words(part).into_iter().next().map(|w| QueryWord::part(w, part)))
            .collect();
        if parts.len() == 2 {
            let written = format!("{head} + {tail}");
            word.alternatives.push(Alternative { kind: AlternativeKind::Parts, written, words: parts });
        }
    }
    let mut joined = Vec::new();
    for i in 0..words.len() {
        for j in i + 1..words.len().min(i + 1 + MAX_JOIN_DISTANCE) {
            let (a, b) = (&words[i].word, &words[j].word);
            // Either may come first: "burn out" → `burnout`, "hulp bij schulden" → `schuldhulp`.
            let compound =
                join((&a.raw, &a.stem), &b.raw, vocabulary).or_else(|| join((&b.raw, &b.stem), &a.raw, vocabulary));
            if let Some(compound) = compound {
                joined.push(Joined { words: (i, j), compound });
            }
        }
    }
    joined
}

/// The vocabulary of an index at one moment: the term dictionaries of its
/// raw fields (whole words) and prefix fields (beginnings).
pub(crate) struct IndexVocabulary<'a> {
    pub searcher: &'a Searcher,
    pub words: [Field; 4],
    pub beginnings: [Field; 4],
}

impl IndexVocabulary<'_> {
    fn has(&self, fields: &[Field], text: &str) -> bool {
        self.searcher.segment_readers().iter().any(|segment| {
            fields.iter().any(|field| {
                segment
                    .inverted_index(*field)
                    .ok()
                    .and_then(|index| index.terms().term_ord(text.as_bytes()).ok().flatten())
                    .is_some()
            })
        })
    }
}

impl Vocabulary for IndexVocabulary<'_> {
    fn has_word(&self, raw: &str) -> bool {
        self.has(&self.words, raw)
    }

    fn has_beginning(&self, raw: &str) -> bool {
        self.has(&self.beginnings, raw)
    }
}

/// What the index knows: whole words (the raw fields) and beginnings of 6
/// letters or more of words (the prefix fields).
pub(crate) trait Vocabulary {
    fn has_word(&self, raw: &str) -> bool;
    fn has_beginning(&self, raw: &str) -> bool;
}

/// Shortest part of a compound; `out` of `burnout` is three letters.
const MIN_PART_CHARS: usize = 3;
/// The beginnings the prefix fields hold (see [`crate::analysis`]).
const MIN_BEGINNING_CHARS: usize = 6;
/// Linking morphemes between the parts of a Dutch compound.
const LINKS: [&str; 3] = ["s", "en", "e"];

/// The two parts of a compound, both words of the index; the most even
/// split wins (`angst` + `klachten`, not `angstklach` + `ten`). `None` when
/// no split is known.
pub(crate) fn split(raw: &str, vocabulary: &impl Vocabulary) -> Option<(String, String)> {
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    if chars.len() < 2 * MIN_PART_CHARS || !raw.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut best: Option<(usize, String, String)> = None;
    for cut in MIN_PART_CHARS..=chars.len() - MIN_PART_CHARS {
        let (head, tail) = raw.split_at(chars[cut].0);
        let evenness = cut.min(chars.len() - cut);
        if best.as_ref().is_some_and(|(b, _, _)| *b >= evenness) || !known(tail, vocabulary) {
            continue;
        }
        let heads = std::iter::once(head).chain(LINKS.iter().filter_map(|link| head.strip_suffix(link)));
        if let Some(head) = heads.filter(|h| h.chars().count() >= MIN_PART_CHARS).find(|h| known(h, vocabulary)) {
            best = Some((evenness, head.to_string(), tail.to_string()));
        }
    }
    best.map(|(_, head, tail)| (head, tail))
}

/// Whether a part is a word of the index, itself or in the plural
/// (`schuld` of `schuldhulp` where the services say `schulden`).
fn known(part: &str, vocabulary: &impl Vocabulary) -> bool {
    vocabulary.has_word(part) || vocabulary.has_word(&format!("{part}en"))
}

/// A compound of two query words that begins a word of the index:
/// `modifier` forms are the first word as written, as stemmed, and without
/// a plural ending (`schulden` → `schuld`), joined to the head as written,
/// with or without a linking `s`.
pub(crate) fn join(modifier: (&str, &str), head: &str, vocabulary: &impl Vocabulary) -> Option<String> {
    let (raw, stem) = modifier;
    let mut forms: Vec<&str> = vec![raw, stem];
    forms.extend(["en", "s"].iter().filter_map(|ending| raw.strip_suffix(ending)));
    for form in forms.into_iter().filter(|f| f.chars().count() >= MIN_PART_CHARS) {
        for link in ["", "s"] {
            let compound = format!("{form}{link}{head}");
            if compound.chars().count() >= MIN_BEGINNING_CHARS && vocabulary.has_beginning(&compound) {
                return Some(compound);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Words(&'static [&'static str]);

    impl Vocabulary for Words {
        fn has_word(&self, raw: &str) -> bool {
            self.0.contains(&raw)
        }
        fn has_beginning(&self, raw: &str) -> bool {
            self.0.iter().any(|w| w.starts_with(raw))
        }
    }

    const WORDS: Words =
        Words(&["angst", "klachten", "ten", "schuld", "hulp", "burn", "out", "leven", "vragen", "schuldhulpverlening"]);

    fn parts(raw: &str) -> Option<(String, String)> {
        split(raw, &WORDS)
    }

    #[test]
    fn splits_into_known_words_evenly() {
        assert_eq!(parts("angstklachten"), Some(("angst".into(), "klachten".into())));
        assert_eq!(parts("schuldhulp"), Some(("schuld".into(), "hulp".into())));
        assert_eq!(parts("burnout"), Some(("burn".into(), "out".into())));
    }

    #[test]
    fn a_linking_s_or_en_is_not_part_of_the_word() {
        assert_eq!(parts("levensvragen"), Some(("leven".into(), "vragen".into())));
    }

    #[test]
    fn unknown_parts_and_short_words_are_not_split() {
        assert_eq!(parts("wandelgroep"), None);
        assert_eq!(parts("angst"), None);
        assert_eq!(parts("burn-out"), None);
    }

    #[test]
    fn joins_query_words_into_a_compound_the_index_begins_with() {
        assert_eq!(join(("schulden", "schul"), "hulp", &WORDS), Some("schuldhulp".into()));
        assert_eq!(join(("hulp", "hulp"), "schulden", &WORDS), None);
        assert_eq!(join(("burn", "burn"), "out", &Words(&["burnout"])), Some("burnout".into()));
    }
}
