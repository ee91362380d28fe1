//! How Dutch text becomes index terms, and when a query word matches a word
//! of a service.
//!
//! Every text field is indexed three times: *stemmed* (lowercase, accents
//! folded, Snowball Dutch stemmer except for the words of
//! [`crate::lexicon`]) for ordinary relevance, as *prefixes* for
//! the prefix rule, and *raw* (lowercase, folded, not stemmed) for typos. A
//! query word matches a service word in one of four ways, tried in this order:
//!
//! 1. **exact** – the same word;
//! 2. **stem** – the same Snowball stem (`wandelingen`/`wandelen` → `wandel`);
//! 3. **prefix** – the service word starts with the query word's first
//!    letters (see [`prefixes`]);
//! 4. **fuzzy** – the words differ by at most 1 edit (words of 5–8 letters)
//!    or 2 edits (9 letters or more), a swap of two letters counting as one;
//!    words of 4 letters or fewer must be spelled right.
//!
//! Why the prefix rule: the Snowball Dutch stemmer strips inflections, not
//! derivations, and never splits compounds. It stems `fysiotherapeuten` to
//! `fysiotherapeut` but `fysiotherapie` to itself, and `wandelgroep` stays
//! `wandelgroep`, while Dutch care words are full of both (`fysiotherapie`,
//! `schuldhulpverlening`, `beweegmaatje`). It also has quirks: `schulden`
//! becomes `schul` but `schuld` stays `schuld`; `zwangerschap` becomes
//! `zwanrschap`. A curated list of normalisations would cover only the words
//! someone thought of, so instead a query word also matches service words
//! that share its first three quarters, at least 6 letters: `fysiotherapeut`
//! → `fysiotherap*`, `wandelingen` (stem `wandel`) → `wandel*`, `schulden` →
//! `schuld*`. This finds compounds by their first part, too.
//!
//! Every beginning of 6 letters or more of every word is indexed (see
//! [`EdgePrefixes`]), so a prefix match is an ordinary term match that BM25
//! weighs by how rare the prefix is. A service word that matches exactly
//! also matches by prefix, so exact matches keep ranking above prefix-only
//! ones.
//!
//! Limits: the prefix rule works only from the front (`groep` does not find
//! `wandelgroep`), only for words of 6 letters or more (`taal` does not find
//! `taalcafé`: the taxonomy's synonyms must), and it can over-match (`psycholoog`
//! → `psycho*` also finds `psychosociaal`). A typo match scores a constant
//! below a typical exact match.
//!
//! [`crate::explain`] re-applies these same rules to the stored service to
//! say why it was found, so the explanation never claims more than the index
//! matched.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer, TokenizerManager,
};

use crate::lexicon;

/// Tokenizer name of the stemmed text fields.
pub(crate) const STEMMED: &str = "nl_stemmed";
/// Tokenizer name of the unstemmed text fields used for typo matching.
pub(crate) const RAW: &str = "nl_raw";
/// Tokenizer name of the fields holding every beginning of every word, for
/// the prefix rule.
pub(crate) const PREFIXES: &str = "nl_prefixes";

/// Longer tokens (in bytes) are dropped: no Dutch word is this long, but
/// pasted URLs and garbage are, and they would bloat the term dictionary.
const MAX_TOKEN_BYTES: usize = 40;
/// A query is cut after this many characters and words, so that a pasted
/// page of text costs no more than a long question.
const MAX_QUERY_CHARS: usize = 500;
const MAX_QUERY_WORDS: usize = 16;
/// Shortest prefix the prefix rule uses; shorter prefixes match too much.
const MIN_PREFIX_CHARS: usize = 6;

/// Words that carry no meaning in a search for care ("fysio bij mij in de
/// buurt"). A short list of our own rather than Snowball's Dutch stop list,
/// which also drops words people use to describe their need: `geen` and
/// `zonder` ("geen geld"), `iemand` ("iemand om mee te praten").
const STOP_WORDS: &[&str] = &[
    "aan", "al", "als", "bij", "dan", "dat", "de", "die", "dit", "door", "een", "en", "er", "het", "hij", "hoe", "ik",
    "in", "is", "je", "jij", "maar", "me", "met", "mij", "mijn", "naar", "of", "om", "onze", "ons", "ook", "op",
    "over", "te", "tot", "u", "uit", "van", "voor", "waar", "wat", "we", "wie", "wij", "ze", "zij", "zich",
];

fn analyzer(stem: bool) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    if stem {
        builder.filter(DutchStems).build()
    } else {
        builder.build()
    }
}

/// Registers the analyzers with an index.
pub(crate) fn register(tokenizers: &TokenizerManager) {
    tokenizers.register(STEMMED, analyzer(true));
    tokenizers.register(RAW, analyzer(false));
    let prefixes = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(EdgePrefixes)
        .build();
    tokenizers.register(PREFIXES, prefixes);
}

/// Replaces each word by its beginnings of [`MIN_PREFIX_CHARS`] characters
/// and more: `wandelgroep` → `wandel`, `wandelg`, …, `wandelgroep`; shorter
/// words give nothing. Indexing these (rather than running a prefix
/// automaton over the terms at query time) lets BM25 weigh a shared
/// beginning by how rare it is, like any other word.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EdgePrefixes;

impl TokenFilter for EdgePrefixes {
    type Tokenizer<T: Tokenizer> = EdgePrefixesFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> EdgePrefixesFilter<T> {
        EdgePrefixesFilter { inner }
    }
}

#[derive(Clone)]
pub(crate) struct EdgePrefixesFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for EdgePrefixesFilter<T> {
    type TokenStream<'a> = EdgePrefixesStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EdgePrefixesStream { words: self.inner.token_stream(text), ends: Vec::new(), token: Token::default() }
    }
}

pub(crate) struct EdgePrefixesStream<S> {
    words: S,
    /// Byte ends of the current word's prefixes still to give, longest first.
    ends: Vec<usize>,
    token: Token,
}

impl<S: TokenStream> TokenStream for EdgePrefixesStream<S> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(end) = self.ends.pop() {
                let word = self.words.token();
                self.token = Token { text: word.text[..end].to_string(), ..word.clone() };
                return true;
            }
            if !self.words.advance() {
                return false;
            }
            let word = &self.words.token().text;
            self.ends = word.char_indices().map(|(i, c)| i + c.len_utf8()).skip(MIN_PREFIX_CHARS - 1).collect();
            self.ends.reverse();
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Snowball Dutch, except for the protected words and abbreviations of
/// [`crate::lexicon`], which keep stems of their own.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DutchStems;

impl TokenFilter for DutchStems {
    type Tokenizer<T: Tokenizer> = DutchStemsFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> DutchStemsFilter<T> {
        DutchStemsFilter { inner }
    }
}

#[derive(Clone)]
pub(crate) struct DutchStemsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DutchStemsFilter<T> {
    type TokenStream<'a> = DutchStemsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DutchStemsStream {
            words: self.inner.token_stream(text),
            snowball: frostem::Stemmer::new(frostem::Algorithm::Dutch),
        }
    }
}

pub(crate) struct DutchStemsStream<S> {
    words: S,
    snowball: frostem::Stemmer,
}

impl<S: TokenStream> TokenStream for DutchStemsStream<S> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return false;
        }
        let token = self.words.token_mut();
        // Most words come back unchanged or changed in a new string; only a
        // changed borrowed one needs a copy.
        let changed = match lexicon::stem(&token.text, &self.snowball) {
            std::borrow::Cow::Owned(stem) => Some(stem),
            std::borrow::Cow::Borrowed(stem) => (stem != token.text).then(|| stem.to_owned()),
        };
        if let Some(stem) = changed {
            token.text = stem;
        }
        true
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

/// One word of a text, in every form matching needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    /// Where the word stands in the analysed text, in bytes.
    pub span: (usize, usize),
    /// Lowercased, accents folded: what the raw fields hold.
    pub raw: String,
    /// The Snowball Dutch stem of `raw`: what the stemmed fields hold.
    pub stem: String,
}

/// Cuts text into words the way the index does.
pub(crate) struct Analyzers {
    raw: TextAnalyzer,
    stemmed: TextAnalyzer,
    /// Texts already analysed, when remembering is on (see [`Analyzers::remembering`]).
    memo: Option<std::collections::HashMap<String, Vec<Word>>>,
}

impl Analyzers {
    pub(crate) fn new() -> Self {
        Analyzers { raw: analyzer(false), stemmed: analyzer(true), memo: None }
    }

    /// Analyzers that remember every text they analysed, for one search:
    /// explaining a page of hits analyses the same taxonomy names and
    /// synonyms (and often the same sentences) for hit after hit, and
    /// stemming was most of a national search's time.
    pub(crate) fn remembering() -> Self {
        Analyzers { memo: Some(std::collections::HashMap::new()), ..Analyzers::new() }
    }

    /// The words of `text`, in order. The raw and stemmed analyzers share
    /// their tokenizer and filters up to the stemmer, which never drops a
    /// token, so the n-th raw token and the n-th stem belong together.
    pub(crate) fn words(&mut self, text: &str) -> Vec<Word> {
        if let Some(words) = self.memo.as_ref().and_then(|memo| memo.get(text)) {
            return words.clone();
        }
        let words = self.analyse(text);
        if let Some(memo) = &mut self.memo {
            memo.insert(text.to_owned(), words.clone());
        }
        words
    }

    fn analyse(&mut self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        let mut raw = self.raw.token_stream(text);
        while let Some(token) = raw.next() {
            words.push(Word {
                span: (token.offset_from, token.offset_to),
                raw: token.text.clone(),
                stem: String::new(),
            });
        }
        let mut stems = self.stemmed.token_stream(text);
        let mut i = 0;
        while let Some(token) = stems.next() {
            if let Some(word) = words.get_mut(i) {
                word.stem.clone_from(&token.text);
            }
            i += 1;
        }
        words
    }
}

impl Word {
    /// The word as written in `text` (the text it was analysed from),
    /// lowercased with accents kept: for explanations.
    pub(crate) fn written(&self, text: &str) -> String {
        text.get(self.span.0..self.span.1).unwrap_or(&self.raw).to_lowercase()
    }
}

/// A word of the query, with the prefixes and typo distance it may match with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryWord {
    /// As typed, lowercased.
    pub written: String,
    pub word: Word,
    pub prefixes: Vec<String>,
    pub max_edits: u8,
    /// Other ways to find the word, each a group of words that must all
    /// match: an abbreviation's full name, a compound's parts.
    pub alternatives: Vec<Alternative>,
}

/// Words that together stand for a query word, and how (for explanations).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alternative {
    pub kind: AlternativeKind,
    /// The full name, or the parts joined by " + ": for explanations.
    pub written: String,
    pub words: Vec<QueryWord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlternativeKind {
    /// The full name of an abbreviation.
    FullName,
    /// The parts of a compound word.
    Parts,
}

impl QueryWord {
    /// A query word of an analysed word, without alternatives.
    pub(crate) fn new(word: Word, text: &str) -> QueryWord {
        QueryWord {
            written: word.written(text),
            prefixes: prefixes(&word),
            max_edits: max_edits(&word.raw),
            word,
            alternatives: Vec::new(),
        }
    }

    /// A part of an alternative: spelled right, matched by word, stem and
    /// prefix only (a typo allowance on every part would find too much).
    pub(crate) fn part(word: Word, text: &str) -> QueryWord {
        QueryWord { max_edits: 0, ..QueryWord::new(word, text) }
    }
}

/// The query words of free text: stop words, one-letter words and repeats
/// dropped; long input cut (see [`MAX_QUERY_CHARS`], [`MAX_QUERY_WORDS`]).
/// Text of only punctuation or stop words yields no words.
pub(crate) fn query_words(text: &str, analyzers: &mut Analyzers) -> Vec<QueryWord> {
    let text = match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let mut out: Vec<QueryWord> = Vec::new();
    for word in analyzers.words(text) {
        if out.len() == MAX_QUERY_WORDS {
            break;
        }
        if word.raw.chars().count() < 2 || STOP_WORDS.contains(&word.raw.as_str()) || word.stem.is_empty() {
            continue;
        }
        if out.iter().any(|q| q.word.raw == word.raw) {
            continue;
        }
        let mut query = QueryWord::new(word, text);
        if let Some(full) = lexicon::expansion(&query.word.raw) {
            let words = content_words(full, analyzers).into_iter().map(|w| QueryWord::part(w, full)).collect();
            query.alternatives.push(Alternative { kind: AlternativeKind::FullName, written: full.to_string(), words });
        }
        out.push(query);
    }
    out
}

/// The words of `text` that carry meaning: no stop words, no single letters.
pub(crate) fn content_words(text: &str, analyzers: &mut Analyzers) -> Vec<Word> {
    analyzers
        .words(text)
        .into_iter()
        .filter(|w| w.raw.chars().count() >= 2 && !STOP_WORDS.contains(&w.raw.as_str()) && !w.stem.is_empty())
        .collect()
}

/// How many edits a query word may differ by and still match: none for
/// short words, protected words and abbreviations.
pub(crate) fn max_edits(raw: &str) -> u8 {
    if lexicon::is_protected(raw) {
        return 0;
    }
    match raw.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The prefixes a query word matches service words by: the first three
/// quarters (at least [`MIN_PREFIX_CHARS`]) of its stem and of the word
/// itself. Both, because the stem is the better cut when Snowball strips a
/// suffix (`fysiotherapeut` → `fysiotherap`), the word when Snowball mangles
/// it (`schulden` → stem `schul`, too short; word → `schuld`). A prefix that
/// starts with another one adds nothing and is dropped.
pub(crate) fn prefixes(word: &Word) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for candidate in [&word.stem, &word.raw].into_iter().filter_map(|w| front(w)) {
        if found.iter().any(|p| candidate.starts_with(p.as_str())) {
            continue;
        }
        found.retain(|p| !p.starts_with(candidate));
        found.push(candidate.to_string());
    }
    found
}

/// The first three quarters of a word, rounded up, at least
/// [`MIN_PREFIX_CHARS`] characters; `None` for shorter words.
fn front(word: &str) -> Option<&str> {
    let chars = word.chars().count();
    if chars < MIN_PREFIX_CHARS {
        return None;
    }
    let keep = MIN_PREFIX_CHARS.max((3 * chars).div_ceil(4));
    let end = word.char_indices().nth(keep).map_or(word.len(), |(i, _)| i);
    Some(&word[..end])
}

/// How a query word matched a service word, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MatchKind {
    Exact,
    Stem,
    Prefix,
    Fuzzy,
}

/// Whether `query` matches the service word `doc`, by the rules the index
/// queries use (see the module documentation).
pub(crate) fn match_word(query: &QueryWord, doc: &Word) -> Option<MatchKind> {
    if doc.raw == query.word.raw {
        Some(MatchKind::Exact)
    } else if doc.stem == query.word.stem {
        Some(MatchKind::Stem)
    } else if query.prefixes.iter().any(|p| doc.raw.starts_with(p.as_str())) {
        Some(MatchKind::Prefix)
    } else if query.max_edits > 0 && within_edits(&query.word.raw, &doc.raw, usize::from(query.max_edits)) {
        Some(MatchKind::Fuzzy)
    } else {
        None
    }
}

/// Whether two words are at most `edits` apart; cheap for words whose
/// lengths alone rule it out, which is most pairs.
fn within_edits(a: &str, b: &str, edits: usize) -> bool {
    a.len().abs_diff(b.len()) <= 4 * edits
        && a.chars().count().abs_diff(b.chars().count()) <= edits
        && edit_distance(a, b) <= edits
}

/// Levenshtein distance in characters with a swap of two neighbouring
/// letters counting as one edit (optimal string alignment), as tantivy's
/// fuzzy query counts with `transposition_cost_one`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows suffice: the swap looks back two rows.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Word {
        Analyzers::new().words(text).remove(0)
    }

    fn query_word(text: &str) -> QueryWord {
        query_words(text, &mut Analyzers::new()).remove(0)
    }

    /// Documents what Snowball Dutch does to the words this crate cares about,
    /// so that a change of stemmer shows up here first.
    #[test]
    fn snowball_dutch_stems_inflections_but_not_derivations() {
        let stem = |w: &str| word(w).stem;
        assert_eq!(stem("fysiotherapeuten"), "fysiotherapeut");
        assert_eq!(stem("fysiotherapie"), "fysiotherapie");
        assert_eq!(stem("wandelingen"), "wandel");
        assert_eq!(stem("wandelen"), "wandel");
        assert_eq!(stem("wandelgroep"), "wandelgroep");
        assert_eq!(stem("eenzaamheid"), "eenzaam");
        assert_eq!(stem("schulden"), "schul");
        assert_eq!(stem("schuld"), "schuld");
        assert_eq!(stem("Diëtisten"), "dietist");
    }

    #[test]
    fn words_keep_what_was_written_next_to_the_folded_form() {
        let words = Analyzers::new().words("Taalcafé, Diëtisten!");
        let written: Vec<String> = words.iter().map(|w| w.written("Taalcafé, Diëtisten!")).collect();
        let raw: Vec<&str> = words.iter().map(|w| w.raw.as_str()).collect();
        assert_eq!(written, ["taalcafé", "diëtisten"]);
        assert_eq!(raw, ["taalcafe", "dietisten"]);
    }

    #[test]
    fn edge_prefixes_index_every_beginning_of_six_letters_or_more() {
        let grams = |text: &str| {
            let mut analyzer =
                TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(EdgePrefixes).build();
            let mut stream = analyzer.token_stream(text);
            let mut grams = Vec::new();
            while let Some(token) = stream.next() {
                grams.push(token.text.clone());
            }
            grams
        };
        assert_eq!(
            grams("Wandelgroep op pad, café's"),
            ["wandel", "wandelg", "wandelgr", "wandelgro", "wandelgroe", "wandelgroep"]
        );
        assert_eq!(grams("diëtisten")[0], "diëtis", "cut at characters, not bytes");
    }

    #[test]
    fn prefixes_take_three_quarters_of_stem_and_word() {
        assert_eq!(query_word("fysiotherapeuten").prefixes, ["fysiotherap"]);
        assert_eq!(query_word("wandelingen").prefixes, ["wandel"]);
        assert_eq!(query_word("schulden").prefixes, ["schuld"]);
        // The stem `beweeg` is no prefix of `bewegen`: both are kept.
        assert_eq!(query_word("bewegen").prefixes, ["beweeg", "bewege"]);
        assert!(query_word("taal").prefixes.is_empty());
    }

    #[test]
    fn the_rules_match_what_the_issue_asks_for() {
        let kind = |q: &str, d: &str| match_word(&query_word(q), &word(d));
        assert_eq!(kind("fysiotherapie", "Fysiotherapie"), Some(MatchKind::Exact));
        assert_eq!(kind("wandelingen", "wandelen"), Some(MatchKind::Stem));
        assert_eq!(kind("fysiotherapeuten", "fysiotherapie"), Some(MatchKind::Prefix));
        assert_eq!(kind("wandelingen", "wandelgroep"), Some(MatchKind::Prefix));
        // A typo late in a long word still shares the first three quarters.
        assert_eq!(kind("fysiotherpie", "fysiotherapie"), Some(MatchKind::Prefix));
        assert_eq!(kind("fysoitherapie", "fysiotherapie"), Some(MatchKind::Fuzzy));
        assert_eq!(kind("eenzaamhied", "eenzaamheid"), Some(MatchKind::Fuzzy));
        assert_eq!(kind("taal", "tall"), None, "no typos allowed in words of four letters");
        assert_eq!(kind("zorg", "zorgboerderij"), None, "too short for the prefix rule");
    }

    #[test]
    fn typo_allowance_grows_with_word_length() {
        assert_eq!(max_edits("arts"), 0);
        assert_eq!(max_edits("bewegen"), 1);
        assert_eq!(max_edits("ouderen"), 0, "protected: one edit from 'ouders'");
        assert_eq!(max_edits("fysiotherapie"), 2);
    }

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert_eq!(edit_distance("eenzaamhied", "eenzaamheid"), 1);
        assert_eq!(edit_distance("fysiotherpie", "fysiotherapie"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn queries_drop_stop_words_repeats_punctuation_and_excess() {
        let words = |t: &str| -> Vec<String> {
            query_words(t, &mut Analyzers::new()).into_iter().map(|q| q.word.raw).collect()
        };
        assert_eq!(words("fysio bij mij in de buurt, fysio!"), ["fysio", "buurt"]);
        assert_eq!(words("AND ( \" * ~ : ^"), ["and"], "operators are just words or nothing");
        assert!(words("( \" * ~ : ^ -").is_empty());
        assert!(words("").is_empty());
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_QUERY_WORDS);
        let long = "w".repeat(MAX_QUERY_CHARS) + " later";
        assert!(words(&long).is_empty(), "cut before 'later'; the one long word is dropped as garbage");
    }
}
