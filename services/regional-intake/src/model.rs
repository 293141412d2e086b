//! The read model: every regional review with all its revisions, rebuilt
//! from the `REGIONAL` stream at start-up and kept current by following it.
//! Applying is idempotent (keyed by stream sequence per review), so a
//! replayed or redelivered event changes nothing.

use std::collections::BTreeMap;

use imrf_proto::v1::{Commission, Event, RegionalReviewRecord, event::Payload};

use crate::validate::parse_review_id;

/// Key ordering reviews by cycle, then commission.
pub type ReviewKey = (String, i32);

/// One review and its history.
#[derive(Debug, Clone, Default)]
pub struct ReviewHistory {
    /// Every accepted revision, revision 1 first.
    pub revisions: Vec<RegionalReviewRecord>,
    /// Withdrawal of the latest revision: (reason, when), if withdrawn.
    pub withdrawal: Option<(String, Option<imrf_proto::wkt::Timestamp>)>,
    /// Stream sequence of the last event applied.
    pub last_sequence: u64,
}

impl ReviewHistory {
    /// Revision `revision` (1-based), or the latest for 0, as a record that
    /// shows the review's current withdrawal state.
    pub fn record(&self, revision: u32) -> Option<RegionalReviewRecord> {
        let index = if revision == 0 {
            self.revisions.len().checked_sub(1)?
        } else {
            usize::try_from(revision).ok()?.checked_sub(1)?
        };
        let mut record = self.revisions.get(index)?.clone();
        if let Some((reason, at)) = &self.withdrawal {
            record.withdrawn = true;
            record.withdrawal_reason = reason.clone();
            record.withdrawn_at = *at;
        }
        Some(record)
    }

    /// The latest revision number.
    pub fn latest_revision(&self) -> u32 {
        u32::try_from(self.revisions.len()).unwrap_or(u32::MAX)
    }
}

/// All reviews.
#[derive(Debug, Default)]
pub struct Reviews {
    by_key: BTreeMap<ReviewKey, ReviewHistory>,
}

impl Reviews {
    /// Applies the event stored at `sequence`. Returns false for an event
    /// already applied or not about a regional review.
    pub fn apply(&mut self, sequence: u64, event: &Event) -> bool {
        match &event.payload {
            Some(Payload::RegionalReviewAccepted(accepted)) => {
                let Some(record) = &accepted.record else {
                    return false;
                };
                let Some(review) = &record.review else {
                    return false;
                };
                let key = (review.cycle_id.clone(), review.commission);
                let history = self.by_key.entry(key).or_default();
                if sequence <= history.last_sequence {
                    return false;
                }
                history.last_sequence = sequence;
                history.revisions.push(record.clone());
                history.withdrawal = None;
                true
            }
            Some(Payload::RegionalReviewWithdrawn(withdrawn)) => {
                let Some((cycle, commission)) = parse_review_id(&withdrawn.review_id) else {
                    return false;
                };
                let Some(history) = self.by_key.get_mut(&(cycle, commission as i32)) else {
                    return false;
                };
                if sequence <= history.last_sequence {
                    return false;
                }
                history.last_sequence = sequence;
                history.withdrawal = Some((withdrawn.reason.clone(), event.occurred_at));
                true
            }
            _ => false,
        }
    }

    /// The review of `commission` in `cycle_id`.
    pub fn get(&self, cycle_id: &str, commission: Commission) -> Option<&ReviewHistory> {
        self.by_key.get(&(cycle_id.to_string(), commission as i32))
    }

    /// Reviews after `after` (exclusive) in key order.
    pub fn iter_from<'a>(
        &'a self,
        after: Option<&ReviewKey>,
    ) -> impl Iterator<Item = (&'a ReviewKey, &'a ReviewHistory)> + 'a {
        use std::ops::Bound;
        let lower = match after {
            Some(key) => Bound::Excluded(key.clone()),
            None => Bound::Unbounded,
        };
        self.by_key.range((lower, Bound::Unbounded))
    }

    /// Number of reviews.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}
