//! Searching the Repository, all in the index: tantivy indexes over title,
//! summary, results and lessons (English stemming, title matches weighted
//! highest) and over every field a search filters or counts by (status,
//! objectives, guiding principles, regions, countries, type of practice,
//! submitter, years). A search is one query: the text, ranked, and each
//! filter as a term-set or range clause that scores nothing, so the ranking
//! is the text's alone; the facets are counted from the index's columns as
//! the matches are collected, and only the page's ids are read back.
//! Changes are buffered and committed when the next search needs them, so a
//! replay of thousands of events costs one commit.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument,
    Term, doc,
};

use imrf_proto::v1::PracticeStatus;

use crate::model::PracticeState;

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
#[error("search index")]
pub struct SearchError(#[source] Box<dyn std::error::Error + Send + Sync>);

impl From<tantivy::TantivyError> for SearchError {
    fn from(err: tantivy::TantivyError) -> Self {
        Self(Box::new(err))
    }
}

/// Column names of the facets counted: the number-valued ones in the
/// order of [`Found::facets`], then the country codes.
const OBJECTIVE: &str = "objective";
const PRINCIPLE: &str = "principle";
const REGION: &str = "region";
const KIND: &str = "kind";
const SUBMITTER: &str = "submitter";
const COUNTRY: &str = "country";
/// Column of the current revision's acceptance time, in nanoseconds: the
/// order of a curators' queue.
const ACCEPTED: &str = "accepted";
const NUMBER_FACETS: [&str; 5] = [OBJECTIVE, PRINCIPLE, REGION, KIND, SUBMITTER];

struct Fields {
    id: Field,
    title: Field,
    summary: Field,
    results: Field,
    lessons: Field,
    status: Field,
    objective: Field,
    principle: Field,
    region: Field,
    country: Field,
    kind: Field,
    submitter: Field,
    start_year: Field,
    end_year: Field,
    accepted: Field,
}

/// The index: two shelves of one schema. Scores depend on the statistics
/// of the shelf searched (how many practices hold a word, how long their
/// texts are), so a search of published practices runs on a shelf that
/// holds nothing else: what is still under review never moves a reader's
/// ranking. Curators' searches of other statuses use the shelf of all.
pub struct SearchIndex {
    fields: Fields,
    all: Shelf,
    published: Shelf,
    /// The practices on the published shelf, so a change to one that is
    /// neither published nor was leaves that shelf (and its next commit)
    /// alone.
    on_published: Mutex<std::collections::HashSet<String>>,
}

/// One tantivy index with its writer and reader.
struct Shelf {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    /// Whether the writer holds changes no search has seen yet: read
    /// without the writer's lock, so concurrent searches of an unchanged
    /// index never wait on each other.
    dirty: AtomicBool,
}

impl Shelf {
    fn new(schema: Schema) -> Result<Self, SearchError> {
        let index = Index::create_in_ram(schema);
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
            writer: Mutex::new(writer),
            dirty: AtomicBool::new(false),
        })
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer
            .lock()
            .map_err(|_| SearchError("writer lock poisoned".into()))
    }

    /// Replaces the practice `id` with `document`, or removes it (None).
    fn replace(&self, id: &Term, document: Option<TantivyDocument>) -> Result<(), SearchError> {
        let writer = self.writer()?;
        writer.delete_term(id.clone());
        if let Some(document) = document {
            writer.add_document(document)?;
        }
        self.dirty.store(true, Ordering::Release);
        Ok(())
    }

    fn commit_if_needed(&self) -> Result<(), SearchError> {
        if !self.dirty.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut writer = self.writer()?;
        // Under the lock: another search may have committed meanwhile.
        if self.dirty.swap(false, Ordering::AcqRel) {
            writer.commit()?;
            self.reader.reload()?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchIndex")
    }
}

/// What a search keeps, each an any-of set (empty: no restriction), in the
/// request's own terms.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filters<'a> {
    /// Curation statuses.
    pub statuses: &'a [i32],
    /// Primary objectives.
    pub objectives: &'a [u32],
    /// Guiding principles.
    pub principles: &'a [i32],
    /// Regions (commissions).
    pub regions: &'a [i32],
    /// Countries (ISO3).
    pub countries: &'a [String],
    /// Types of practice.
    pub types: &'a [i32],
    /// Types of submitter.
    pub submitter_types: &'a [i32],
    /// Practices still running in or after this year (0: any).
    pub from_year: i32,
    /// Practices started in or before this year (0: any).
    pub to_year: i32,
}

/// The order of a search's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultOrder {
    /// Best match first.
    #[default]
    Relevance,
    /// The current revision accepted longest ago first.
    OldestFirst,
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Found {
    /// How many practices match.
    pub total: usize,
    /// The requested page of them, best first, with their scores.
    pub page: Vec<(String, f32)>,
    /// Matching practices per value of each facet.
    pub facets: Facets,
}

/// Counts of matching practices per facet value: enum facets by the enum's
/// number, objectives by theirs, countries by ISO3 code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Facets {
    /// Per primary objective.
    pub objectives: BTreeMap<u32, u32>,
    /// Per guiding principle.
    pub principles: BTreeMap<i32, u32>,
    /// Per region (commission).
    pub regions: BTreeMap<i32, u32>,
    /// Per type of practice.
    pub types: BTreeMap<i32, u32>,
    /// Per type of submitter.
    pub submitter_types: BTreeMap<i32, u32>,
    /// Per country of implementation.
    pub countries: BTreeMap<String, u32>,
}

fn enum_value(value: i32) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
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
            status: schema.add_u64_field("status", INDEXED),
            objective: schema.add_u64_field(OBJECTIVE, INDEXED | FAST),
            principle: schema.add_u64_field(PRINCIPLE, INDEXED | FAST),
            region: schema.add_u64_field(REGION, INDEXED | FAST),
            country: schema.add_text_field(COUNTRY, STRING | FAST),
            kind: schema.add_u64_field(KIND, INDEXED | FAST),
            submitter: schema.add_u64_field(SUBMITTER, INDEXED | FAST),
            start_year: schema.add_i64_field("start_year", INDEXED | FAST),
            end_year: schema.add_i64_field("end_year", INDEXED | FAST),
            accepted: schema.add_i64_field(ACCEPTED, FAST),
        };
        let schema = schema.build();
        Ok(Self {
            fields,
            all: Shelf::new(schema.clone())?,
            published: Shelf::new(schema)?,
            on_published: Mutex::default(),
        })
    }

    /// Indexes the current content and status of a practice, replacing what
    /// was there.
    pub fn upsert(&self, practice: &PracticeState) -> Result<(), SearchError> {
        let f = &self.fields;
        let d = &practice.details;
        let mut document = doc!(
            f.id => practice.practice_id.as_str(),
            f.title => d.title.as_str(),
            f.summary => d.summary.as_str(),
            f.results => d.results.as_str(),
            f.lessons => d.lessons_learnt.as_str(),
            f.status => enum_value(practice.status),
            f.kind => enum_value(d.r#type),
            f.submitter => enum_value(d.submitter_type),
            f.start_year => i64::from(d.start_year),
            // An end year of 0 means the practice is still running.
            f.end_year => if d.end_year == 0 { i64::MAX } else { i64::from(d.end_year) },
            f.accepted => practice.accepted_at.as_ref().map_or(0, |t| {
                t.seconds.saturating_mul(1_000_000_000).saturating_add(i64::from(t.nanos))
            }),
        );
        for o in &d.primary_objectives {
            document.add_u64(f.objective, u64::from(*o));
        }
        for p in &d.guiding_principles {
            document.add_u64(f.principle, enum_value(*p));
        }
        for r in &d.regions {
            document.add_u64(f.region, enum_value(*r));
        }
        for c in &d.countries {
            document.add_text(f.country, c);
        }
        let id = Term::from_field_text(f.id, &practice.practice_id);
        let published = practice.status == PracticeStatus::Published as i32;
        let was_published = {
            let mut on = self
                .on_published
                .lock()
                .map_err(|_| SearchError("published set lock poisoned".into()))?;
            if published {
                !on.insert(practice.practice_id.clone())
            } else {
                on.remove(&practice.practice_id)
            }
        };
        if published || was_published {
            self.published
                .replace(&id, published.then(|| document.clone()))?;
        }
        self.all.replace(&id, Some(document))
    }

    /// The shelf a search with `filters` runs on: published practices alone
    /// when only they are asked for.
    fn shelf(&self, filters: &Filters<'_>) -> &Shelf {
        let published = PracticeStatus::Published as i32;
        if !filters.statuses.is_empty() && filters.statuses.iter().all(|s| *s == published) {
            &self.published
        } else {
            &self.all
        }
    }

    /// The query for `text` (every practice for an empty one) restricted by
    /// `filters`.
    fn query(&self, index: &Index, text: &str, filters: &Filters<'_>) -> Box<dyn Query> {
        let f = &self.fields;
        let ranked: Box<dyn Query> = if text.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            let mut parser =
                QueryParser::for_index(index, vec![f.title, f.summary, f.results, f.lessons]);
            parser.set_field_boost(f.title, 4.0);
            parser.set_field_boost(f.summary, 1.5);
            // A query with a stray quote or colon still searches its words.
            parser.parse_query_lenient(text).0
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, ranked)];
        let mut keep = |terms: Vec<Term>| {
            // Any of the terms: a union of their postings, which the
            // intersection with the text's matches skips through (a term
            // set would first build a bitset of every document it holds).
            let any: Box<dyn Query> = match terms.len() {
                0 => return,
                1 => Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::Basic)),
                _ => Box::new(BooleanQuery::new(
                    terms
                        .into_iter()
                        .map(|t| {
                            let q: Box<dyn Query> =
                                Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                            (Occur::Should, q)
                        })
                        .collect(),
                )),
            };
            // Scores nothing: the ranking is the text's alone.
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(any, 0.0))));
        };
        let u64_terms = |field: Field, values: &[i32]| {
            values
                .iter()
                .map(|v| Term::from_field_u64(field, enum_value(*v)))
                .collect::<Vec<_>>()
        };
        keep(u64_terms(f.status, filters.statuses));
        keep(
            filters
                .objectives
                .iter()
                .map(|o| Term::from_field_u64(f.objective, u64::from(*o)))
                .collect(),
        );
        keep(u64_terms(f.principle, filters.principles));
        keep(u64_terms(f.region, filters.regions));
        keep(
            filters
                .countries
                .iter()
                .map(|c| Term::from_field_text(f.country, c))
                .collect(),
        );
        keep(u64_terms(f.kind, filters.types));
        keep(u64_terms(f.submitter, filters.submitter_types));
        let mut years = |range: RangeQuery| {
            let only = ConstScoreQuery::new(Box::new(range), 0.0);
            clauses.push((Occur::Must, Box::new(only)));
        };
        if filters.from_year != 0 {
            years(RangeQuery::new(
                Bound::Included(Term::from_field_i64(
                    f.end_year,
                    i64::from(filters.from_year),
                )),
                Bound::Unbounded,
            ));
        }
        if filters.to_year != 0 {
            years(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(
                    f.start_year,
                    i64::from(filters.to_year),
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The practices matching `text` and `filters`: how many, the page from
    /// `offset` of at most `limit` in `order`, and the facets over all of
    /// them.
    pub fn search(
        &self,
        text: &str,
        filters: &Filters<'_>,
        order: ResultOrder,
        offset: usize,
        limit: usize,
    ) -> Result<Found, SearchError> {
        let shelf = self.shelf(filters);
        shelf.commit_if_needed()?;
        let searcher = shelf.reader.searcher();
        let query = self.query(&shelf.index, text, filters);
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let (total, top, counts) = match order {
            ResultOrder::Relevance => {
                searcher.search(&query, &(Count, top.order_by_score(), FacetCounts))?
            }
            ResultOrder::OldestFirst => {
                let (total, top, counts) = searcher.search(
                    &query,
                    &(
                        Count,
                        top.order_by_fast_field::<i64>(ACCEPTED, tantivy::Order::Asc),
                        FacetCounts,
                    ),
                )?;
                let top = top.into_iter().map(|(_, address)| (0.0, address)).collect();
                (total, top, counts)
            }
        };
        let mut page = Vec::with_capacity(top.len());
        if limit > 0 {
            for (score, address) in top {
                let doc: TantivyDocument = searcher.doc(address)?;
                if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_str()) {
                    page.push((id.to_string(), score));
                }
            }
        }
        let [objectives, principles, regions, types, submitter_types] = counts.numbers;
        let enums = |counts: BTreeMap<u64, u32>| {
            counts
                .into_iter()
                .map(|(v, n)| (i32::try_from(v).unwrap_or(i32::MAX), n))
                .collect()
        };
        Ok(Found {
            total,
            page,
            facets: Facets {
                objectives: objectives
                    .into_iter()
                    .map(|(o, n)| (u32::try_from(o).unwrap_or(u32::MAX), n))
                    .collect(),
                principles: enums(principles),
                regions: enums(regions),
                types: enums(types),
                submitter_types: enums(submitter_types),
                countries: counts.countries,
            },
        })
    }
}

/// Counts, over the matching practices, each value of the facet columns.
struct FacetCounts;

/// Per facet of [`NUMBER_FACETS`], the count of each value; and per country.
#[derive(Default)]
struct Counts {
    numbers: [BTreeMap<u64, u32>; 5],
    countries: BTreeMap<String, u32>,
}

struct SegmentFacetCounts {
    numbers: [Column<u64>; 5],
    countries: Option<StrColumn>,
    counts: [BTreeMap<u64, u32>; 5],
    /// Country counts by the segment's term ordinal, named at harvest.
    country_ords: BTreeMap<u64, u32>,
}

impl Collector for FacetCounts {
    type Fruit = Counts;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let columns = segment.fast_fields();
        let [a, b, c, d, e] = NUMBER_FACETS;
        Ok(SegmentFacetCounts {
            numbers: [
                columns.u64(a)?,
                columns.u64(b)?,
                columns.u64(c)?,
                columns.u64(d)?,
                columns.u64(e)?,
            ],
            countries: columns.str(COUNTRY)?,
            counts: Default::default(),
            country_ords: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::default();
        for fruit in fruits {
            for (total, part) in all.numbers.iter_mut().zip(fruit.numbers) {
                for (value, n) in part {
                    *total.entry(value).or_default() += n;
                }
            }
            for (country, n) in fruit.countries {
                *all.countries.entry(country).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.numbers.iter().zip(self.counts.iter_mut()) {
            for value in column.values_for_doc(doc) {
                *counts.entry(value).or_default() += 1;
            }
        }
        if let Some(countries) = &self.countries {
            for ord in countries.term_ords(doc) {
                *self.country_ords.entry(ord).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut countries = BTreeMap::new();
        if let Some(column) = &self.countries {
            let mut name = String::new();
            for (ord, n) in self.country_ords {
                name.clear();
                if column.ord_to_str(ord, &mut name).unwrap_or(false) {
                    *countries.entry(name.clone()).or_default() += n;
                }
            }
        }
        Counts {
            numbers: self.counts,
            countries,
        }
    }
}

#[cfg(test)]
mod tests {
    use imrf_proto::v1::PracticeDetails;

    use super::*;

    fn practice(id: &str, title: &str, status: PracticeStatus) -> PracticeState {
        PracticeState {
            practice_id: id.into(),
            details: PracticeDetails {
                title: title.into(),
                summary: "A practice of a national migration authority.".into(),
                ..Default::default()
            },
            status: status as i32,
            ..Default::default()
        }
    }

    fn published_search(index: &SearchIndex, text: &str) -> Result<Found, SearchError> {
        let statuses = [PracticeStatus::Published as i32];
        let filters = Filters {
            statuses: &statuses,
            ..Default::default()
        };
        index.search(text, &filters, ResultOrder::Relevance, 0, 10)
    }

    #[test]
    fn practices_not_published_never_move_a_published_search() -> Result<(), SearchError> {
        let index = SearchIndex::new()?;
        index.upsert(&practice(
            "P1",
            "Remittance costs lowered",
            PracticeStatus::Published,
        ))?;
        index.upsert(&practice(
            "P2",
            "Labour mobility pathways",
            PracticeStatus::Published,
        ))?;
        let before = published_search(&index, "remittance")?;
        assert_eq!(before.total, 1);

        // Under review: a word's rarity and the texts' lengths change in
        // the shelf of all practices, never in that of published ones.
        for (n, status) in [
            PracticeStatus::Submitted,
            PracticeStatus::InReview,
            PracticeStatus::Rejected,
        ]
        .into_iter()
        .enumerate()
        {
            index.upsert(&practice(
                &format!("U{n}"),
                "Remittance remittance remittance transfers, a much longer title",
                status,
            ))?;
        }
        let after = published_search(&index, "remittance")?;
        assert_eq!(after.total, 1);
        assert_eq!(after.page, before.page);

        // A curator's search of every status sees them all.
        let all = [
            PracticeStatus::Published as i32,
            PracticeStatus::Submitted as i32,
            PracticeStatus::InReview as i32,
            PracticeStatus::Rejected as i32,
        ];
        let curated = index.search(
            "remittance",
            &Filters {
                statuses: &all,
                ..Default::default()
            },
            ResultOrder::Relevance,
            0,
            10,
        )?;
        assert_eq!(curated.total, 4);

        // Published, it joins the published shelf; withdrawn, it leaves.
        index.upsert(&practice(
            "U0",
            "Remittance apps",
            PracticeStatus::Published,
        ))?;
        assert_eq!(published_search(&index, "remittance")?.total, 2);
        index.upsert(&practice(
            "U0",
            "Remittance apps",
            PracticeStatus::Withdrawn,
        ))?;
        assert_eq!(published_search(&index, "remittance")?.page, before.page);
        Ok(())
    }

    #[test]
    fn a_queue_lists_the_longest_waiting_first_whatever_the_text_says() -> Result<(), SearchError> {
        let index = SearchIndex::new()?;
        let waiting = [("Q1", 300), ("Q2", 100), ("Q3", 200)];
        for (id, seconds) in waiting {
            let mut p = practice(
                id,
                "Remittance remittance remittance",
                PracticeStatus::Submitted,
            );
            if id == "Q2" {
                // The best match by text, so relevance would put it first
                // for another reason than its age.
                p.details.title = "Remittance".into();
            }
            p.accepted_at = Some(imrf_proto::wkt::Timestamp { seconds, nanos: 0 });
            index.upsert(&p)?;
        }
        let statuses = [PracticeStatus::Submitted as i32];
        let filters = Filters {
            statuses: &statuses,
            ..Default::default()
        };
        let ids = |found: Found| found.page.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        let queue = index.search("", &filters, ResultOrder::OldestFirst, 0, 10)?;
        assert_eq!(ids(queue), ["Q2", "Q3", "Q1"]);
        let second_page = index.search("", &filters, ResultOrder::OldestFirst, 1, 1)?;
        assert_eq!(ids(second_page), ["Q3"]);
        Ok(())
    }
}
