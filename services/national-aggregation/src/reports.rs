//! The read model of national reports: the latest revision of every report,
//! rebuilt at start-up from the last message of each report's subject in
//! `NATIONAL` (one message per report, however many revisions came before)
//! and kept current by following the stream. Older revisions stay on the
//! stream and are read from it on demand. Applying is idempotent (stream
//! sequence per report).

use std::collections::BTreeMap;

use imrf_proto::v1::{Event, NationalReport, NationalReportRecord, event::Payload};

/// Reports ordered by cycle, State, kind.
pub type ReportKey = (String, String, i32);

/// The key of `report` in the read model.
pub fn key_of(report: &NationalReport) -> ReportKey {
    (report.cycle_id.clone(), report.state.clone(), report.kind)
}

/// One report: its latest revision.
#[derive(Debug, Clone, Default)]
pub struct ReportHistory {
    /// The latest accepted revision.
    pub latest: NationalReportRecord,
    /// Stream sequence of the last event applied.
    pub last_sequence: u64,
}

impl ReportHistory {
    /// Number of the latest revision (revisions count from 1).
    pub fn latest_revision(&self) -> u32 {
        self.latest.meta.as_ref().map_or(0, |m| m.revision)
    }
}

/// All national reports.
#[derive(Debug, Default)]
pub struct Reports {
    by_key: BTreeMap<ReportKey, ReportHistory>,
}

impl Reports {
    /// Applies the event stored at `sequence`; false if already applied or
    /// not a national report.
    pub fn apply(&mut self, sequence: u64, event: &Event) -> bool {
        let Some(Payload::NationalReportAccepted(accepted)) = &event.payload else {
            return false;
        };
        let Some(record) = &accepted.record else {
            return false;
        };
        let Some(report) = &record.report else {
            return false;
        };
        let key = key_of(report);
        let history = self.by_key.entry(key).or_default();
        if sequence <= history.last_sequence {
            return false;
        }
        history.last_sequence = sequence;
        history.latest = record.clone();
        true
    }

    /// The report with this key.
    pub fn get(&self, key: &ReportKey) -> Option<&ReportHistory> {
        self.by_key.get(key)
    }

    /// Reports after `after` (exclusive), in key order.
    pub fn iter_from<'a>(
        &'a self,
        after: Option<&ReportKey>,
    ) -> impl Iterator<Item = (&'a ReportKey, &'a ReportHistory)> + 'a {
        use std::ops::Bound;
        let lower = match after {
            Some(key) => Bound::Excluded(key.clone()),
            None => Bound::Unbounded,
        };
        self.by_key.range((lower, Bound::Unbounded))
    }

    /// Number of reports.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}
