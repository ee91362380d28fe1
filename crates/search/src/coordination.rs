//! Every query word counts: a service that matches more of the words ranks
//! higher, by Lucene's classic coordination factor.
//!
//! A plain sum of BM25 scores lets one strong word outweigh the others: for
//! "eenzame oudere man", a service with `oudere` in its name (33) beat one
//! tagged for both loneliness and the elderly (24 + 8). Here the sum is
//! multiplied by the share of query words matched, `m / n`: the service
//! matching two of the three words keeps 2/3 of its sum, the other 1/3. A
//! service still needs only one word to be found, so a query with a typo
//! in one word loses no recall.
//!
//! A clause may stand for more than one word: a compound joined from two
//! query words (see [`crate::compound`]) covers both.

use tantivy::query::{EnableScoring, Explanation, Query, QueryClone, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// Clauses, each with the bit set of the query words it covers, of which
/// the service must match at least one.
#[derive(Debug)]
pub(crate) struct Coordinated {
    pub clauses: Vec<(Box<dyn Query>, u32)>,
    /// How many query words there are.
    pub words: u32,
}

impl Clone for Coordinated {
    fn clone(&self) -> Self {
        let clauses = self.clauses.iter().map(|(query, covers)| (query.box_clone(), *covers)).collect();
        Coordinated { clauses, words: self.words }
    }
}

impl Query for Coordinated {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let clauses = self
            .clauses
            .iter()
            .map(|(query, covers)| Ok((query.weight(scoring)?, *covers)))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(CoordinatedWeight { clauses, words: self.words }))
    }
}

struct CoordinatedWeight {
    clauses: Vec<(Box<dyn Weight>, u32)>,
    words: u32,
}

impl Weight for CoordinatedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.clauses.len());
        for (weight, covers) in &self.clauses {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push((scorer, *covers));
            }
        }
        let doc = scorers.iter().map(|(s, _)| s.doc()).min().unwrap_or(TERMINATED);
        Ok(Box::new(CoordinatedScorer { scorers, doc, words: self.words.max(1) as Score }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("sum × share of query words matched", scorer.score()))
    }
}

/// The union of the clauses' scorers. A query has at most 16 words, so a
/// scan over the scorers per document is cheaper than a heap.
struct CoordinatedScorer {
    scorers: Vec<(Box<dyn Scorer>, u32)>,
    doc: DocId,
    words: Score,
}

impl CoordinatedScorer {
    fn settle(&mut self) -> DocId {
        self.scorers.retain(|(s, _)| s.doc() != TERMINATED);
        self.doc = self.scorers.iter().map(|(s, _)| s.doc()).min().unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for CoordinatedScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let doc = self.doc;
        for (scorer, _) in &mut self.scorers {
            if scorer.doc() == doc {
                scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (scorer, _) in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers.iter().map(|(s, _)| s.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for CoordinatedScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let (mut sum, mut covered) = (0.0, 0u32);
        for (scorer, covers) in &mut self.scorers {
            if scorer.doc() == doc {
                sum += scorer.score();
                covered |= *covers;
            }
        }
        sum * covered.count_ones() as Score / self.words
    }
}
