//! Full-text search of the Repository: a tantivy index over title, summary,
//! results and lessons (English stemming, title matches weighted highest)
//! gives the ranked ids; filters and facets are applied on the read model.
//! Changes are buffered and committed when the next search needs them, so
//! a replay of thousands of events costs one commit.

use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, Query, QueryParser};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

use crate::model::PracticeState;

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(err: tantivy::TantivyError) -> Self {
        Self(err.to_string())
    }
}

struct Fields {
    id: Field,
    title: Field,
    summary: Field,
    results: Field,
    lessons: Field,
}

struct Writer {
    writer: IndexWriter,
    dirty: bool,
}

/// The index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Writer>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

impl SearchIndex {
    /// An empty in-memory index (rebuilt from the stream at start-up).
    pub fn new() -> Result<Self, SearchError> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            id: schema.add_text_field("id", STRING | STORED),
            title: schema.add_text_field("title", text.clone()),
            summary: schema.add_text_field("summary", text.clone()),
            results: schema.add_text_field("results", text.clone()),
            lessons: schema.add_text_field("lessons", text),
        };
        let index = Index::create_in_ram(schema.build());
        // One indexing thread with the smallest budget tantivy allows: the
        // Repository is thousands of practices, not millions.
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            writer: Mutex::new(Writer {
                writer,
                dirty: false,
            }),
        })
    }

    /// Indexes the current content of a practice, replacing what was there.
    pub fn upsert(&self, practice: &PracticeState) -> Result<(), SearchError> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| SearchError("writer lock poisoned".into()))?;
        let f = &self.fields;
        writer
            .writer
            .delete_term(Term::from_field_text(f.id, &practice.practice_id));
        writer.writer.add_document(doc!(
            f.id => practice.practice_id.as_str(),
            f.title => practice.details.title.as_str(),
            f.summary => practice.details.summary.as_str(),
            f.results => practice.details.results.as_str(),
            f.lessons => practice.details.lessons_learnt.as_str(),
        ))?;
        writer.dirty = true;
        Ok(())
    }

    fn commit_if_needed(&self) -> Result<(), SearchError> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| SearchError("writer lock poisoned".into()))?;
        if writer.dirty {
            writer.writer.commit()?;
            writer.dirty = false;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Ids of the practices matching `text`, best first, with their scores;
    /// every practice (score 0) for an empty text.
    pub fn matches(&self, text: &str) -> Result<Vec<(String, f32)>, SearchError> {
        self.commit_if_needed()?;
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let query: Box<dyn Query> = if text.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            let mut parser =
                QueryParser::for_index(&self.index, vec![f.title, f.summary, f.results, f.lessons]);
            parser.set_field_boost(f.title, 4.0);
            parser.set_field_boost(f.summary, 1.5);
            // A query with a stray quote or colon still searches its words.
            parser.parse_query_lenient(text).0
        };
        let total = searcher.search(&query, &Count)?;
        if total == 0 {
            return Ok(Vec::new());
        }
        let top = searcher.search(&query, &TopDocs::with_limit(total).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc.get_first(f.id).and_then(|v| v.as_str()) {
                out.push((id.to_string(), score));
            }
        }
        Ok(out)
    }
}
