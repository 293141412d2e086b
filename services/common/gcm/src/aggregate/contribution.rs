//! What each input contributes to an aggregate: a compact summary of one
//! national report revision or one regional review revision, keyed so that
//! a later revision replaces an earlier one and the same revision applied
//! twice changes nothing. Stored as JSON in the `NATIONAL_AGGREGATES` bucket
//! under `<cycle>.national.<ISO3>.<KIND>` and `<cycle>.regional.<COMMISSION>`.

use crate::refdata::commission_code;
use imrf_proto::v1::{
    Commission, NationalReportRecord, RegionalReviewRecord, ReportKind, SourceRef,
};
use serde::{Deserialize, Serialize};

use crate::refdata::kind_code;

/// One indicator observation, as aggregated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Indicator code.
    pub code: String,
    /// Value.
    pub value: f64,
    /// Year.
    pub year: i32,
    /// Disaggregation dimension (0 for a total).
    pub dimension: i32,
    /// Category within the dimension.
    pub category: String,
}

/// One pledge, as aggregated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeEntry {
    /// Pledge id, unique per State.
    pub pledge_id: String,
    /// Kind (PledgeKind).
    pub kind: i32,
    /// Status (PledgeStatus).
    pub status: i32,
    /// Objectives supported.
    pub objectives: Vec<u32>,
}

/// The contribution of one national report revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalContribution {
    /// Report id.
    pub report_id: String,
    /// Cycle.
    pub cycle_id: String,
    /// Reporting State (ISO3).
    pub state: String,
    /// Report kind (ReportKind).
    pub kind: i32,
    /// Revision.
    pub revision: u32,
    /// Accepted after the national-report deadline.
    pub late: bool,
    /// Acceptance time, milliseconds since the epoch.
    pub accepted_at_ms: i64,
    /// (objective, ImplementationStatus) pairs.
    pub objectives: Vec<(u32, i32)>,
    /// Indicator observations.
    pub indicators: Vec<Observation>,
    /// Pledges.
    pub pledges: Vec<PledgeEntry>,
    /// Disaggregation dimensions the State's data supports.
    pub dimensions: Vec<i32>,
}

/// The contribution of one regional review revision, or its withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionalContribution {
    /// Review id.
    pub review_id: String,
    /// Cycle.
    pub cycle_id: String,
    /// Commission (Commission).
    pub commission: i32,
    /// Revision.
    pub revision: u32,
    /// Withdrawn: kept as a marker, so an older revision delivered late
    /// cannot bring the review back.
    pub withdrawn: bool,
    /// Acceptance (or withdrawal) time, milliseconds since the epoch.
    pub accepted_at_ms: i64,
    /// Objectives with a finding.
    pub objectives: Vec<u32>,
    /// Objectives flagged as receiving less attention.
    pub flags: Vec<u32>,
}

/// Either kind of contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Contribution {
    /// From a national report.
    National(NationalContribution),
    /// From a regional review.
    Regional(RegionalContribution),
}

fn millis(timestamp: Option<&imrf_proto::wkt::Timestamp>) -> i64 {
    timestamp.map_or(0, |t| {
        t.seconds.saturating_mul(1000) + i64::from(t.nanos / 1_000_000)
    })
}

impl NationalContribution {
    /// Whether this should replace `stored`: a later revision.
    pub fn supersedes(&self, stored: &NationalContribution) -> bool {
        self.revision > stored.revision
    }

    /// The submission and revision it comes from, for footnotes.
    pub fn source(&self) -> SourceRef {
        SourceRef {
            kind: "national_report".into(),
            id: self.report_id.clone(),
            revision: self.revision,
        }
    }
}

impl RegionalContribution {
    /// Whether this should replace `stored`: a later revision, or the
    /// withdrawal of the same revision.
    pub fn supersedes(&self, stored: &RegionalContribution) -> bool {
        self.revision > stored.revision
            || (self.revision == stored.revision && self.withdrawn && !stored.withdrawn)
    }

    /// The submission and revision it comes from, for footnotes.
    pub fn source(&self) -> SourceRef {
        SourceRef {
            kind: "regional_review".into(),
            id: self.review_id.clone(),
            revision: self.revision,
        }
    }
}

impl Contribution {
    /// The store key: `<cycle>.national.<ISO3>.<KIND>` or
    /// `<cycle>.regional.<COMMISSION>`.
    pub fn key(&self) -> String {
        match self {
            Self::National(n) => format!(
                "{}.national.{}.{}",
                n.cycle_id,
                n.state,
                kind_code(ReportKind::try_from(n.kind).unwrap_or_default())
            ),
            Self::Regional(r) => format!(
                "{}.regional.{}",
                r.cycle_id,
                commission_code(Commission::try_from(r.commission).unwrap_or_default())
            ),
        }
    }

    /// The cycle it belongs to.
    pub fn cycle_id(&self) -> &str {
        match self {
            Self::National(n) => &n.cycle_id,
            Self::Regional(r) => &r.cycle_id,
        }
    }

    /// Whether this contribution should replace `stored`: a later revision,
    /// or the withdrawal of the same revision.
    pub fn supersedes(&self, stored: &Contribution) -> bool {
        match (self, stored) {
            (Self::National(new), Self::National(old)) => new.supersedes(old),
            (Self::Regional(new), Self::Regional(old)) => new.supersedes(old),
            _ => false,
        }
    }

    /// From an accepted national report.
    pub fn from_national(record: &NationalReportRecord) -> Option<Self> {
        let report = record.report.as_ref()?;
        let meta = record.meta.as_ref()?;
        Some(Self::National(NationalContribution {
            report_id: record.report_id.clone(),
            cycle_id: report.cycle_id.clone(),
            state: report.state.clone(),
            kind: report.kind,
            revision: meta.revision,
            late: record.late,
            accepted_at_ms: millis(meta.accepted_at.as_ref()),
            objectives: report
                .objectives
                .iter()
                .map(|o| (o.objective, o.status))
                .collect(),
            indicators: report
                .indicators
                .iter()
                .map(|i| Observation {
                    code: i.indicator_code.clone(),
                    value: i.value,
                    year: i.year,
                    dimension: i.dimension,
                    category: i.category.clone(),
                })
                .collect(),
            pledges: report
                .pledges
                .iter()
                .map(|p| PledgeEntry {
                    pledge_id: p.pledge_id.clone(),
                    kind: p.kind,
                    status: p.status,
                    objectives: p.objectives.clone(),
                })
                .collect(),
            dimensions: report.disaggregation_supported.clone(),
        }))
    }

    /// From an accepted regional review.
    pub fn from_regional(record: &RegionalReviewRecord) -> Option<Self> {
        let review = record.review.as_ref()?;
        let meta = record.meta.as_ref()?;
        Some(Self::Regional(RegionalContribution {
            review_id: record.review_id.clone(),
            cycle_id: review.cycle_id.clone(),
            commission: review.commission,
            revision: meta.revision,
            withdrawn: false,
            accepted_at_ms: millis(meta.accepted_at.as_ref()),
            objectives: review.findings.iter().map(|f| f.objective).collect(),
            flags: review.less_attention_objectives.clone(),
        }))
    }

    /// The source reference of this contribution, for footnotes.
    pub fn source(&self) -> SourceRef {
        match self {
            Self::National(n) => n.source(),
            Self::Regional(r) => r.source(),
        }
    }
}
