//! The social-map search index: finds services (HSDS) by free Dutch text,
//! filters and distance from the patient, and says why each was found.
//!
//! Built on tantivy, in memory: the index is rebuilt from the database at
//! start ([`Index::rebuild`]) and follows every change at once
//! ([`Index::upsert`], [`Index::remove`]). The crate knows no other wijkregie
//! crate; callers map their services onto [`ServiceDoc`].
//!
//! How a query word finds a service word (details and reasons in the
//! `analysis` module): the same word; the same Snowball Dutch stem
//! (`wandelingen` → `wandelen`); a shared beginning of three quarters of the
//! word, at least 6 letters, which also reaches compounds and derivations the
//! stemmer leaves apart (`fysiotherapeuten` → `fysiotherapie`, `wandelingen`
//! → `wandelgroep`); or a typo (1 edit in words of 5–8 letters, 2 in longer
//! ones). Taxonomy term names and synonyms and pathway labels are searchable
//! text of the service, so `eenzaam` finds services tagged `eenzaamheid` and
//! `valpreventie` finds the course "In Balans".
//!
//! Professionals' words: protected words keep meanings the stemmer would
//! merge (`ouderen`, the elderly, is not `ouders`, parents) and
//! abbreviations (`WOR`, `GLI`, `POH`, …) find their full names (module
//! `lexicon`); compounds find their parts and parts their compounds, by the
//! index's own vocabulary (module `compound`).
//!
//! Ranking is BM25 relevance × the share of query words matched (module
//! `coordination`) × proximity `1 / (1 + d / 5 km)` (module `rank`);
//! every hit says in Dutch why it was found (module `explain`).
//!
//! Modules: `analysis` (words and matching rules), `lexicon`, `compound`,
//! `query` (the question, the answer, the tantivy query), `coordination`,
//! `rank` (ranking and the age, opening-hour and radius filters), `geo`
//! (grid cells that pre-filter a radius search), `explain` (the "why"
//! lines), `schema` (fields), `doc` (the input type).
//!
//! ```
//! use wijkregie_search::{Index, Query, ServiceDoc};
//!
//! let index = Index::new()?;
//! index.upsert(ServiceDoc { id: "s1".into(), name: "Fysiotherapie Het Anker".into(), ..ServiceDoc::default() })?;
//! let found = index.search(&Query { text: "fysiotherapeuten".into(), ..Query::default() })?;
//! assert_eq!(found.hits[0].id, "s1");
//! # Ok::<(), wijkregie_search::SearchError>(())
//! ```

mod analysis;
mod compound;
mod coordination;
mod doc;
mod error;
mod explain;
mod geo;
mod lexicon;
mod query;
mod rank;
mod schema;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tantivy::schema::Value;
use tantivy::{DocAddress, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

pub use doc::{GeoPoint, OpeningSlot, ServiceDoc, TermDoc};
pub use error::SearchError;
pub use query::{Hit, Query, Results};

use analysis::Analyzers;
use rank::{Meta, RankCollector, Ranking};
use schema::Fields;

/// Memory for buffering documents before they are written as a segment:
/// 5,000 services need a few megabytes, so this is never the limit for a
/// region, and it allows two indexing threads of tantivy's 15 MB minimum.
const WRITER_MEMORY_BYTES: usize = 40_000_000;

/// The search index of the social map. Cheap to share between threads
/// (`Arc<Index>`): searches run in parallel, changes one at a time.
pub struct Index {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<Writer>,
    /// What searches see; replaced whole after every change.
    current: RwLock<Arc<Snapshot>>,
}

/// The index writer and the bookkeeping that changes with it.
struct Writer {
    writer: IndexWriter,
    /// Service id → its key in `metas`.
    keys: HashMap<String, u64>,
    /// Per key, the service's [`Meta`]; `None` after a remove.
    metas: Vec<Option<Arc<Meta>>>,
}

/// A searcher and the [`Meta`] table of the same moment: the collector looks
/// up each document's key in the table, so both must come from one commit.
struct Snapshot {
    searcher: Searcher,
    metas: Arc<Vec<Option<Arc<Meta>>>>,
}

impl Index {
    /// An empty index.
    pub fn new() -> Result<Index, SearchError> {
        let (schema, fields) = Fields::schema();
        let index = tantivy::Index::create_in_ram(schema);
        analysis::register(index.tokenizers());
        let writer = index.writer(WRITER_MEMORY_BYTES)?;
        // Manual: every change reloads the reader itself, so the next search
        // sees it; no polling thread.
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let current = RwLock::new(Arc::new(Snapshot { searcher: reader.searcher(), metas: Arc::new(Vec::new()) }));
        Ok(Index {
            fields,
            reader,
            writer: Mutex::new(Writer { writer, keys: HashMap::new(), metas: Vec::new() }),
            current,
        })
    }

    /// Replaces the whole content of the index by `docs`, in one commit:
    /// searches see the old content until the new one is complete, and keep
    /// it if the rebuild fails. When an id occurs twice, the last one counts.
    pub fn rebuild(&self, docs: impl IntoIterator<Item = ServiceDoc>) -> Result<(), SearchError> {
        self.try_rebuild(docs.into_iter().map(Ok))
    }

    /// [`Index::rebuild`] from a source that may fail halfway, such as pages
    /// read from a database while indexing runs: at the first `Err` nothing
    /// changes and the error is [`SearchError::SourceFailed`].
    pub fn try_rebuild(&self, docs: impl IntoIterator<Item = Result<ServiceDoc, String>>) -> Result<(), SearchError> {
        // A rebuild resets all bookkeeping, so it is the one change that may
        // recover from a panic halfway through an earlier one, after rolling
        // back whatever that change left pending.
        let mut w = match self.writer.lock() {
            Ok(w) => w,
            Err(poisoned) => {
                let mut w = poisoned.into_inner();
                w.writer.rollback()?;
                self.writer.clear_poison();
                w
            }
        };
        let mut analyzers = Analyzers::new();
        let mut keys: HashMap<String, u64> = HashMap::new();
        let mut metas: Vec<Option<Arc<Meta>>> = Vec::new();
        w.writer.delete_all_documents()?;
        let add_all = || {
            for doc in docs {
                let doc = doc.map_err(SearchError::SourceFailed)?;
                let id = checked_id(&doc)?;
                let key = match keys.get(&id) {
                    Some(&key) => {
                        w.writer.delete_term(Term::from_field_text(self.fields.id, &id));
                        key
                    }
                    None => metas.len() as u64,
                };
                let (document, meta) = self.fields.document(&doc, key, sort_name(&doc.name, &mut analyzers));
                w.writer.add_document(document)?;
                if key == metas.len() as u64 {
                    metas.push(Some(Arc::new(meta)));
                    keys.insert(id, key);
                } else {
                    metas[key as usize] = Some(Arc::new(meta));
                }
            }
            w.writer.commit()?;
            // One segment instead of the dozen the indexing threads wrote:
            // every search walks each segment's term dictionaries (the typo
            // automatons most of all); at national scale this took p50 from
            // 3.0 to 1.9 ms, for 1.2 s of merging. Searches see it from the next publish,
            // below. A merge refused because background merging holds a
            // segment only costs speed, so its error is not the rebuild's.
            let segments = w.writer.index().searchable_segment_ids()?;
            if segments.len() > 1 {
                let _ = w.writer.merge(&segments).wait();
            }
            Ok::<(), SearchError>(())
        };
        if let Err(e) = add_all() {
            w.writer.rollback()?;
            return Err(e);
        }
        w.keys = keys;
        w.metas = metas;
        self.publish(&w)
    }

    /// Adds a service or replaces the one with the same id; the next search
    /// sees the change.
    pub fn upsert(&self, doc: ServiceDoc) -> Result<(), SearchError> {
        let id = checked_id(&doc)?;
        let mut w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let key = w.keys.get(&id).copied().unwrap_or(w.metas.len() as u64);
        let (document, meta) = self.fields.document(&doc, key, sort_name(&doc.name, &mut Analyzers::new()));
        w.writer.delete_term(Term::from_field_text(self.fields.id, &id));
        let written = w.writer.add_document(document).and_then(|_| w.writer.commit());
        if let Err(e) = written {
            // Also drops the pending delete, which would otherwise be
            // carried into the next commit.
            w.writer.rollback()?;
            return Err(e.into());
        }
        if key == w.metas.len() as u64 {
            w.metas.push(None);
        }
        w.metas[key as usize] = Some(Arc::new(meta));
        w.keys.insert(id, key);
        self.publish(&w)
    }

    /// Removes the service with this id, if indexed; the next search no
    /// longer finds it.
    pub fn remove(&self, id: &str) -> Result<(), SearchError> {
        let id = id.trim();
        let mut w = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let Some(key) = w.keys.get(id).copied() else {
            return Ok(());
        };
        w.writer.delete_term(Term::from_field_text(self.fields.id, id));
        if let Err(e) = w.writer.commit() {
            w.writer.rollback()?;
            return Err(e.into());
        }
        w.metas[key as usize] = None;
        w.keys.remove(id);
        self.publish(&w)
    }

    /// Makes the last commit visible: reloads the reader and replaces the
    /// snapshot searches start from. Called with the writer locked, so
    /// snapshots are published in commit order. Copying the Meta table costs
    /// O(services) per change, about a millisecond for 100,000: cheap next to
    /// a commit, and it keeps searches free of locks.
    fn publish(&self, w: &Writer) -> Result<(), SearchError> {
        self.reader.reload()?;
        let snapshot = Arc::new(Snapshot { searcher: self.reader.searcher(), metas: Arc::new(w.metas.clone()) });
        // Replacing an Arc cannot leave the lock's value half-written, so a
        // poisoned lock still holds a whole snapshot.
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = snapshot;
        Ok(())
    }

    /// Searches the index. Bad text never fails: it is read as words; a bad
    /// location, radius or time gives [`SearchError::InvalidQuery`].
    pub fn search(&self, q: &Query) -> Result<Results, SearchError> {
        q.validate()?;
        let snapshot = Arc::clone(&*self.current.read().unwrap_or_else(PoisonError::into_inner));
        let mut analyzers = Analyzers::remembering();
        let mut words = analysis::query_words(&q.text, &mut analyzers);
        let f = &self.fields;
        let vocabulary = compound::IndexVocabulary {
            searcher: &snapshot.searcher,
            words: [f.name_raw, f.terms_raw, f.organization_raw, f.description_raw],
            beginnings: [f.name_prefixes, f.terms_prefixes, f.organization_prefixes, f.description_prefixes],
        };
        let joined = compound::apply(&mut words, &vocabulary, &mut analyzers);
        let keep = if q.limit == 0 { 0 } else { q.offset.saturating_add(q.limit) };
        let collector = RankCollector {
            metas: Arc::clone(&snapshot.metas),
            ranking: Arc::new(Ranking::new(!words.is_empty(), q.near, q.radius_km, q.age, q.open_minute(), keep)),
        };
        let best = snapshot.searcher.search(&*q.to_tantivy(&words, &joined, &self.fields)?, &collector)?;
        let total = best.total;
        let mut hits = Vec::new();
        for candidate in best.into_sorted().into_iter().skip(q.offset).take(q.limit) {
            // The stored service is only read when there are words to explain.
            let doc = if words.is_empty() { None } else { Some(self.stored(&snapshot.searcher, candidate.address)?) };
            let why = explain::why(
                doc.as_ref(),
                &words,
                candidate.distance_km,
                q.near.is_some(),
                candidate.meta.inactive_status.as_deref(),
                &mut analyzers,
            );
            hits.push(Hit {
                id: candidate.meta.id.clone(),
                score: candidate.score,
                distance_km: candidate.distance_km,
                why,
            });
        }
        Ok(Results { total, hits })
    }

    /// The service as it was indexed.
    fn stored(&self, searcher: &Searcher, address: DocAddress) -> Result<ServiceDoc, SearchError> {
        let stored: TantivyDocument = searcher.doc(address)?;
        let json = stored.get_first(self.fields.source).and_then(|v| v.as_str()).unwrap_or_default();
        Ok(serde_json::from_str(json)?)
    }
}

/// The trimmed id of a service; a service without one cannot be replaced
/// or removed later, so it is refused.
fn checked_id(doc: &ServiceDoc) -> Result<String, SearchError> {
    let id = doc.id.trim();
    if id.is_empty() {
        return Err(SearchError::InvalidDoc { id: doc.name.clone(), reason: "de id ontbreekt".to_string() });
    }
    Ok(id.to_string())
}

/// The name as it sorts: lowercase, accents folded, punctuation ignored.
fn sort_name(name: &str, analyzers: &mut Analyzers) -> String {
    analyzers.words(name).into_iter().map(|w| w.raw).collect::<Vec<_>>().join(" ")
}
