//! What the report is drafted from, as report-compiler learns it from the
//! other services' streams: the latest revision of every regional review
//! (withdrawn ones marked), of every national report, of the Network's
//! contribution, and every practice with its curation status. Applying is idempotent per stream sequence.

use std::collections::BTreeMap;

use imrf_proto::v1::{
    Commission, NationalReportRecord, NetworkContributionRecord, PracticeDetails, PracticeStatus,
    RegionalReviewRecord, event::Payload,
};

/// A regional review as the draft sees it.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    /// Latest accepted revision.
    pub record: RegionalReviewRecord,
    /// Withdrawn by the commission.
    pub withdrawn: bool,
    /// Stream sequence of the last event applied.
    pub sequence: u64,
}

/// A practice as the draft sees it.
#[derive(Debug, Clone, Default)]
pub struct PracticeInput {
    /// Practice id.
    pub practice_id: String,
    /// Public content of the latest revision.
    pub details: PracticeDetails,
    /// Curation status.
    pub status: i32,
    /// Latest revision.
    pub revision: u32,
    /// Publication time, milliseconds since the epoch (0 if unpublished).
    pub published_at_ms: i64,
    /// Stream sequence of the last event applied.
    pub sequence: u64,
}

/// Curation activity over all practices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CurationCounts {
    /// Practices submitted.
    pub submitted: u32,
    /// Reviews recorded.
    pub reviews: u32,
    /// Practices published.
    pub published: u32,
    /// Practices rejected.
    pub rejected: u32,
    /// Practices withdrawn by their submitters.
    pub withdrawn: u32,
    /// Curation events counted: the revision of this record.
    pub events: u32,
}

/// Everything the drafts draw on.
#[derive(Debug, Default)]
pub struct Inputs {
    reviews: BTreeMap<(String, i32), ReviewInput>,
    reports: BTreeMap<(String, String, i32), (NationalReportRecord, u64)>,
    practices: BTreeMap<String, PracticeInput>,
    curation: CurationCounts,
    network: BTreeMap<String, (NetworkContributionRecord, u64)>,
}

fn millis(t: Option<&imrf_proto::wkt::Timestamp>) -> i64 {
    t.map_or(0, |t| {
        t.seconds.saturating_mul(1000) + i64::from(t.nanos / 1_000_000)
    })
}

impl Inputs {
    /// The inputs `events` (subject, event) make, in order, each applied
    /// with the sequence it would have on its own stream: what the
    /// followers read from streams holding exactly these events.
    pub fn from_streams(events: impl IntoIterator<Item = (String, imrf_proto::v1::Event)>) -> Self {
        let mut inputs = Self::default();
        let mut sequences: BTreeMap<&str, u64> = BTreeMap::new();
        for (subject, event) in events {
            let stream = imrf_bus::names::stream_of(&subject).map_or("", |spec| spec.name);
            let sequence = sequences.entry(stream).or_default();
            *sequence += 1;
            inputs.apply(*sequence, &event);
        }
        inputs
    }

    /// Applies one event stored at `sequence` on REGIONAL, NATIONAL or
    /// PRACTICES. Returns the cycle it concerns when it changed a cycle's
    /// inputs ("" for a practice, which belongs to every cycle).
    pub fn apply(&mut self, sequence: u64, event: &imrf_proto::v1::Event) -> Option<String> {
        match &event.payload {
            Some(Payload::RegionalReviewAccepted(a)) => {
                let record = a.record.as_ref()?;
                let review = record.review.as_ref()?;
                let entry = self
                    .reviews
                    .entry((review.cycle_id.clone(), review.commission))
                    .or_default();
                if sequence <= entry.sequence {
                    return None;
                }
                *entry = ReviewInput {
                    record: record.clone(),
                    withdrawn: false,
                    sequence,
                };
                Some(review.cycle_id.clone())
            }
            Some(Payload::RegionalReviewWithdrawn(w)) => {
                let entry = self
                    .reviews
                    .get_mut(&(event.cycle_id.clone(), w.commission))?;
                if sequence <= entry.sequence {
                    return None;
                }
                entry.withdrawn = true;
                entry.sequence = sequence;
                Some(event.cycle_id.clone())
            }
            Some(Payload::NationalReportAccepted(a)) => {
                let record = a.record.as_ref()?;
                let report = record.report.as_ref()?;
                let key = (report.cycle_id.clone(), report.state.clone(), report.kind);
                if self.reports.get(&key).is_some_and(|(_, s)| *s >= sequence) {
                    return None;
                }
                self.reports.insert(key, (record.clone(), sequence));
                Some(report.cycle_id.clone())
            }
            Some(Payload::NetworkContributionAccepted(a)) => {
                let record = a.record.as_ref()?;
                let cycle_id = record.contribution.as_ref()?.cycle_id.clone();
                if self
                    .network
                    .get(&cycle_id)
                    .is_some_and(|(_, s)| *s >= sequence)
                {
                    return None;
                }
                self.network
                    .insert(cycle_id.clone(), (record.clone(), sequence));
                Some(cycle_id)
            }
            Some(Payload::PracticeSubmitted(p)) => {
                let changed = self.practice(sequence, &p.practice_id, |entry| {
                    entry.details = p.details.clone().unwrap_or_default();
                    entry.revision = p.revision;
                    entry.status = PracticeStatus::Submitted as i32;
                });
                if changed.is_some() {
                    self.curation.submitted += 1;
                    self.curation.events += 1;
                }
                changed
            }
            Some(Payload::PracticeUpdated(p)) => self.practice(sequence, &p.practice_id, |entry| {
                entry.details = p.details.clone().unwrap_or_default();
                entry.revision = p.revision;
                if p.status_after != PracticeStatus::Unspecified as i32 {
                    entry.status = p.status_after;
                }
            }),
            Some(Payload::PracticeReviewed(p)) => {
                let to = PracticeStatus::try_from(p.status_after).unwrap_or_default();
                let at = millis(event.occurred_at.as_ref());
                let changed = self.practice(sequence, &p.practice_id, |entry| {
                    if to != PracticeStatus::Unspecified {
                        entry.status = p.status_after;
                    }
                    if to == PracticeStatus::Published {
                        entry.published_at_ms = at;
                        entry.revision = p.revision;
                        if let Some(details) = &p.details {
                            entry.details = details.clone();
                        }
                    }
                });
                if changed.is_some() {
                    self.curation.reviews += 1;
                    self.curation.events += 1;
                    match to {
                        PracticeStatus::Published => self.curation.published += 1,
                        PracticeStatus::Rejected => self.curation.rejected += 1,
                        _ => {}
                    }
                }
                changed
            }
            Some(Payload::PracticeStatusChanged(p)) => {
                let to = PracticeStatus::try_from(p.to).unwrap_or_default();
                let at = millis(event.occurred_at.as_ref());
                let changed = self.practice(sequence, &p.practice_id, |entry| {
                    entry.status = p.to;
                    if let Some(details) = &p.details {
                        entry.details = details.clone();
                    }
                    if to == PracticeStatus::Published {
                        entry.published_at_ms = at;
                        entry.revision = p.revision;
                    }
                });
                if changed.is_some() {
                    self.curation.events += 1;
                    match to {
                        PracticeStatus::Published => self.curation.published += 1,
                        PracticeStatus::Rejected => self.curation.rejected += 1,
                        PracticeStatus::Withdrawn => self.curation.withdrawn += 1,
                        _ => {}
                    }
                }
                changed
            }
            _ => None,
        }
    }

    fn practice(
        &mut self,
        sequence: u64,
        id: &str,
        change: impl FnOnce(&mut PracticeInput),
    ) -> Option<String> {
        let entry = self
            .practices
            .entry(id.to_string())
            .or_insert_with(|| PracticeInput {
                practice_id: id.to_string(),
                ..Default::default()
            });
        if sequence <= entry.sequence {
            return None;
        }
        entry.sequence = sequence;
        change(entry);
        Some(String::new())
    }

    /// The regional reviews of `cycle_id` that count (not withdrawn), by
    /// commission.
    pub fn reviews(&self, cycle_id: &str) -> Vec<&RegionalReviewRecord> {
        self.reviews
            .iter()
            .filter(|((cycle, _), input)| cycle == cycle_id && !input.withdrawn)
            .map(|(_, input)| &input.record)
            .collect()
    }

    /// Whether `commission` has a regional review in `cycle_id` that counts.
    pub fn has_review(&self, cycle_id: &str, commission: Commission) -> bool {
        self.reviews
            .get(&(cycle_id.to_string(), commission as i32))
            .is_some_and(|r| !r.withdrawn)
    }

    /// The national reports of `cycle_id` (latest revisions), by State and
    /// kind, with their stream sequences.
    pub fn reports(&self, cycle_id: &str) -> Vec<(&NationalReportRecord, u64)> {
        self.reports
            .iter()
            .filter(|((cycle, _, _), _)| cycle == cycle_id)
            .map(|(_, (record, sequence))| (record, *sequence))
            .collect()
    }

    /// Practices published at or before `cutoff_ms` (all, when `None`), by id.
    pub fn published_practices(&self, cutoff_ms: Option<i64>) -> Vec<&PracticeInput> {
        self.practices
            .values()
            .filter(|p| {
                p.status == PracticeStatus::Published as i32
                    && cutoff_ms.is_none_or(|cutoff| p.published_at_ms <= cutoff)
            })
            .collect()
    }

    /// Curation activity.
    pub fn curation(&self) -> CurationCounts {
        self.curation
    }

    /// The Network's contribution to `cycle_id`, latest revision.
    pub fn network(&self, cycle_id: &str) -> Option<&NetworkContributionRecord> {
        self.network.get(cycle_id).map(|(r, _)| r)
    }
}
