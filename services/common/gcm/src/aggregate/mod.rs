//! The aggregate of a cycle: a pure function of the contributions of every
//! accepted national report and every accepted, not withdrawn, regional
//! review. Inputs are held in ordered maps keyed by the record they come
//! from, so the result depends neither on the order of arrival nor on
//! duplicates, and iterates in a fixed order.

pub mod contribution;

use std::collections::{BTreeMap, BTreeSet};

use crate::refdata::{COMMISSIONS, ROUND_TABLES, reference, round_table_of};
use imrf_proto::v1::{
    Aggregate, Commission, CommissionCompleteness, CommissionShare, Completeness,
    DisaggregationCoverage, DisaggregationDimension, ImplementationStatus, IndicatorSummary,
    ObjectiveAttention, ObjectiveCoverage, ObjectivePledges, PledgeCount, ReportKind,
    RoundTableCoverage, SourceRef, StateValue, StatusCount,
};

use self::contribution::{Contribution, NationalContribution, RegionalContribution};

/// What part of the aggregate to compute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only members of this commission (and its regional review).
    pub commission: Option<Commission>,
    /// Only the objectives of this round table (1-4).
    pub round_table: Option<u32>,
}

/// The contributions of one cycle, each with the store revision it was
/// written at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CycleInputs {
    national: BTreeMap<(String, i32), (NationalContribution, u64)>,
    regional: BTreeMap<i32, (RegionalContribution, u64)>,
}

impl CycleInputs {
    /// Records `contribution` (written at store revision `version`) unless
    /// what is held already supersedes or equals it. Returns whether the
    /// inputs changed.
    pub fn apply(&mut self, contribution: Contribution, version: u64) -> bool {
        match contribution {
            Contribution::National(n) => {
                let key = (n.state.clone(), n.kind);
                if let Some((held, _)) = self.national.get(&key)
                    && !n.supersedes(held)
                {
                    return false;
                }
                self.national.insert(key, (n, version));
                true
            }
            Contribution::Regional(r) => {
                if let Some((held, _)) = self.regional.get(&r.commission)
                    && !r.supersedes(held)
                {
                    return false;
                }
                self.regional.insert(r.commission, (r, version));
                true
            }
        }
    }

    /// What is held under `contribution`'s key: the store revision it was
    /// written at, and whether `contribution` supersedes it.
    pub fn held(&self, contribution: &Contribution) -> Option<(u64, bool)> {
        match contribution {
            Contribution::National(n) => self
                .national
                .get(&(n.state.clone(), n.kind))
                .map(|(held, version)| (*version, n.supersedes(held))),
            Contribution::Regional(r) => self
                .regional
                .get(&r.commission)
                .map(|(held, version)| (*version, r.supersedes(held))),
        }
    }

    /// The latest store revision among the inputs: the aggregate's version.
    pub fn version(&self) -> u64 {
        self.national
            .values()
            .map(|(_, v)| *v)
            .chain(self.regional.values().map(|(_, v)| *v))
            .max()
            .unwrap_or(0)
    }

    /// Every national contribution, by (state, kind).
    pub fn national(&self) -> impl Iterator<Item = &NationalContribution> {
        self.national.values().map(|(n, _)| n)
    }

    /// Every regional contribution that counts (not withdrawn).
    pub fn regional(&self) -> impl Iterator<Item = &RegionalContribution> {
        self.regional
            .values()
            .map(|(r, _)| r)
            .filter(|r| !r.withdrawn)
    }
}

/// Kinds in the order their statuses take precedence for a State.
pub const KIND_PRECEDENCE: [ReportKind; 3] = [
    ReportKind::VoluntaryNationalReview,
    ReportKind::NationalImplementationPlan,
    ReportKind::PledgeUpdate,
];

/// What one State reported in a cycle, merged over its reports.
#[derive(Debug, Default)]
struct StateView<'a> {
    /// Objective -> status, from the report kind that takes precedence.
    statuses: BTreeMap<u32, i32>,
    /// Objective -> the reports that cover it.
    covering: BTreeMap<u32, Vec<&'a NationalContribution>>,
    /// Whether any of its reports arrived on time.
    on_time: bool,
    /// Dimensions its data supports.
    dimensions: BTreeSet<i32>,
}

fn state_views<'a>(reports: &[&'a NationalContribution]) -> BTreeMap<&'a str, StateView<'a>> {
    let mut views: BTreeMap<&str, StateView> = BTreeMap::new();
    for kind in KIND_PRECEDENCE {
        for report in reports.iter().filter(|r| r.kind == kind as i32) {
            let view = views.entry(report.state.as_str()).or_default();
            for (objective, status) in &report.objectives {
                view.statuses.entry(*objective).or_insert(*status);
                view.covering.entry(*objective).or_default().push(report);
            }
            view.on_time |= !report.late;
            view.dimensions.extend(report.dimensions.iter().copied());
        }
    }
    views
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Computes the aggregate of `cycle_id` over `inputs`, restricted by
/// `filter`.
pub fn compute(cycle_id: &str, inputs: &CycleInputs, filter: Filter) -> Aggregate {
    let reference = reference();
    let in_scope_state = |iso3: &str| {
        filter
            .commission
            .is_none_or(|c| reference.is_regional_member(c, iso3))
    };
    let states: Vec<&str> = reference
        .member_states()
        .map(|s| s.iso3.as_str())
        .filter(|s| in_scope_state(s))
        .collect();
    let commissions: Vec<Commission> = COMMISSIONS
        .into_iter()
        .filter(|c| filter.commission.is_none_or(|f| f == *c))
        .collect();
    let objectives: Vec<u32> = match filter
        .round_table
        .and_then(crate::refdata::round_table_objectives)
    {
        Some(list) => {
            let mut list = list.to_vec();
            list.sort_unstable();
            list
        }
        None => (1..=crate::refdata::OBJECTIVE_COUNT).collect(),
    };
    let reports: Vec<&NationalContribution> = inputs
        .national()
        .filter(|r| in_scope_state(&r.state))
        .collect();
    let reviews: Vec<&RegionalContribution> = inputs
        .regional()
        .filter(|r| filter.commission.is_none_or(|c| r.commission == c as i32))
        .collect();
    let views = state_views(&reports);
    // Membership looked up once per reporting State, not once per State,
    // objective and commission (the lookups dominated the computation).
    let memberships: BTreeMap<&str, Vec<Commission>> = views
        .keys()
        .map(|state| (*state, reference.regions_of(state)))
        .collect();
    let members_count: Vec<(Commission, u32)> = commissions
        .iter()
        .map(|c| (*c, count(reference.regional_members(*c).count())))
        .collect();

    let objective_coverage = objectives
        .iter()
        .map(|&objective| {
            let reporting: Vec<&str> = views
                .iter()
                .filter(|(_, v)| v.statuses.contains_key(&objective))
                .map(|(s, _)| *s)
                .collect();
            let mut statuses: BTreeMap<i32, u32> = BTreeMap::new();
            for state in &reporting {
                if let Some(status) = views.get(state).and_then(|v| v.statuses.get(&objective)) {
                    *statuses.entry(*status).or_default() += 1;
                }
            }
            let mut national_reports: Vec<SourceRef> = views
                .values()
                .flat_map(|v| v.covering.get(&objective).into_iter().flatten())
                .map(|r| r.source())
                .collect();
            national_reports.sort_by(|a, b| a.id.cmp(&b.id));
            ObjectiveCoverage {
                objective,
                round_table: round_table_of(objective).unwrap_or(0),
                states_reporting: count(reporting.len()),
                status_counts: statuses
                    .into_iter()
                    .map(|(status, states)| StatusCount { status, states })
                    .collect(),
                commission_shares: {
                    let mut reporting_members: BTreeMap<Commission, usize> = BTreeMap::new();
                    for state in &reporting {
                        for c in memberships.get(state).into_iter().flatten() {
                            *reporting_members.entry(*c).or_default() += 1;
                        }
                    }
                    members_count
                        .iter()
                        .map(|(c, members)| CommissionShare {
                            commission: *c as i32,
                            reporting: count(reporting_members.get(c).copied().unwrap_or(0)),
                            members: *members,
                        })
                        .collect()
                },
                regional_reviews: reviews
                    .iter()
                    .filter(|r| r.objectives.contains(&objective))
                    .map(|r| r.source())
                    .collect(),
                national_reports,
            }
        })
        .collect();

    let completeness = |expected: &[&str], reported: &dyn Fn(&str) -> Option<bool>| {
        let mut on_time = 0;
        let mut late = 0;
        let mut missing = Vec::new();
        for state in expected {
            match reported(state) {
                Some(true) => on_time += 1,
                Some(false) => late += 1,
                None => missing.push((*state).to_string()),
            }
        }
        Completeness {
            expected: count(expected.len()),
            on_time,
            late,
            missing,
        }
    };

    let round_tables = ROUND_TABLES
        .iter()
        .filter(|(table, _)| filter.round_table.is_none_or(|t| t == *table))
        .map(|(table, table_objectives)| {
            let mut sorted = table_objectives.to_vec();
            sorted.sort_unstable();
            RoundTableCoverage {
                round_table: *table,
                objectives: sorted,
                states: Some(completeness(&states, &|state| {
                    let view = views.get(state)?;
                    table_objectives
                        .iter()
                        .any(|o| view.statuses.contains_key(o))
                        .then_some(view.on_time)
                })),
            }
        })
        .collect();

    let commission_completeness = commissions
        .iter()
        .map(|c| {
            let members: Vec<&str> = reference.regional_members(*c).collect();
            CommissionCompleteness {
                commission: *c as i32,
                national_reports: Some(completeness(&members, &|state| {
                    views.get(state).map(|v| v.on_time)
                })),
                regional_review_received: reviews.iter().any(|r| r.commission == *c as i32),
            }
        })
        .collect();

    let mut least_attention: Vec<ObjectiveAttention> = objectives
        .iter()
        .map(|&objective| ObjectiveAttention {
            objective,
            national_reports: count(
                views
                    .values()
                    .filter(|v| v.statuses.contains_key(&objective))
                    .count(),
            ),
            regional_reviews: count(
                reviews
                    .iter()
                    .filter(|r| r.objectives.contains(&objective) || r.flags.contains(&objective))
                    .count(),
            ),
            regional_flags: count(
                reviews
                    .iter()
                    .filter(|r| r.flags.contains(&objective))
                    .count(),
            ),
        })
        .collect();
    least_attention.sort_by_key(|a| (a.national_reports + a.regional_reviews, a.objective));

    let indicators = indicator_summaries(&reports);
    let (pledges_by_kind, pledges_by_objective) = pledge_counts(&reports, &objectives);

    let disaggregation = (1..=8)
        .filter_map(|d| DisaggregationDimension::try_from(d).ok())
        .map(|dimension| DisaggregationCoverage {
            dimension: dimension as i32,
            states: count(
                views
                    .values()
                    .filter(|v| v.dimensions.contains(&(dimension as i32)))
                    .count(),
            ),
        })
        .collect();

    let as_of_ms = reports
        .iter()
        .map(|r| r.accepted_at_ms)
        .chain(reviews.iter().map(|r| r.accepted_at_ms))
        .max()
        .unwrap_or(0);

    Aggregate {
        cycle_id: cycle_id.to_string(),
        version: inputs.version(),
        objectives: objective_coverage,
        round_tables,
        commissions: commission_completeness,
        least_attention,
        indicators,
        pledges_by_kind,
        pledges_by_objective,
        disaggregation,
        national_reports: count(reports.len()),
        regional_reviews: count(reviews.len()),
        as_of: (as_of_ms > 0).then(|| imrf_proto::wkt::Timestamp {
            seconds: as_of_ms.div_euclid(1000),
            nanos: i32::try_from(as_of_ms.rem_euclid(1000) * 1_000_000).unwrap_or(0),
        }),
    }
}

fn indicator_summaries(reports: &[&NationalContribution]) -> Vec<IndicatorSummary> {
    // (code) -> state -> (year, accepted_at, value, source) of the latest total.
    type Latest = (i32, i64, f64, SourceRef);
    let mut observations: BTreeMap<&str, u32> = BTreeMap::new();
    let mut latest: BTreeMap<&str, BTreeMap<&str, Latest>> = BTreeMap::new();
    for report in reports {
        for o in &report.indicators {
            *observations.entry(o.code.as_str()).or_default() += 1;
            if o.dimension != DisaggregationDimension::Unspecified as i32 {
                continue;
            }
            let candidate = (o.year, report.accepted_at_ms, o.value, report.source());
            let slot = latest.entry(o.code.as_str()).or_default();
            match slot.get(report.state.as_str()) {
                // Later year wins; for the same year, the later report.
                Some(held)
                    if (held.0, held.1, &held.3.id)
                        >= (candidate.0, candidate.1, &candidate.3.id) => {}
                _ => {
                    slot.insert(report.state.as_str(), candidate);
                }
            }
        }
    }
    observations
        .into_iter()
        .filter_map(|(code, n)| {
            let indicator = reference().indicator(code)?;
            let per_state = latest.remove(code).unwrap_or_default();
            let mut values: Vec<f64> = per_state.values().map(|l| l.2).collect();
            values.sort_by(f64::total_cmp);
            let meeting = values
                .iter()
                .filter(|v| indicator.meets_target(**v) == Some(true))
                .count();
            Some(IndicatorSummary {
                indicator_code: code.to_string(),
                unit: indicator.unit.clone(),
                observations: n,
                latest: per_state
                    .into_iter()
                    .map(|(state, (year, _, value, source))| StateValue {
                        state: state.to_string(),
                        value,
                        year,
                        source: Some(source),
                    })
                    .collect(),
                median: crate::statistics::median(&values),
                min: values.first().copied().unwrap_or(0.0),
                max: values.last().copied().unwrap_or(0.0),
                target: indicator.target,
                states_meeting_target: count(meeting),
            })
        })
        .collect()
}

fn pledge_counts(
    reports: &[&NationalContribution],
    objectives: &[u32],
) -> (Vec<PledgeCount>, Vec<ObjectivePledges>) {
    // A pledge is one per (State, pledge id); a later report updates it.
    let mut pledges: BTreeMap<
        (&str, &str),
        (i64, &str, &crate::aggregate::contribution::PledgeEntry),
    > = BTreeMap::new();
    for report in reports {
        for pledge in &report.pledges {
            let key = (report.state.as_str(), pledge.pledge_id.as_str());
            let newer = pledges.get(&key).is_none_or(|(at, id, _)| {
                (report.accepted_at_ms, report.report_id.as_str()) > (*at, *id)
            });
            if newer {
                pledges.insert(
                    key,
                    (report.accepted_at_ms, report.report_id.as_str(), pledge),
                );
            }
        }
    }
    let mut by_kind: BTreeMap<(i32, i32), u32> = BTreeMap::new();
    let mut by_objective: BTreeMap<u32, u32> = BTreeMap::new();
    for (_, _, pledge) in pledges.values() {
        let supports_scope = pledge.objectives.iter().any(|o| objectives.contains(o));
        if !supports_scope {
            continue;
        }
        *by_kind.entry((pledge.kind, pledge.status)).or_default() += 1;
        for objective in pledge.objectives.iter().filter(|o| objectives.contains(o)) {
            *by_objective.entry(*objective).or_default() += 1;
        }
    }
    (
        by_kind
            .into_iter()
            .map(|((kind, status), pledges)| PledgeCount {
                kind,
                status,
                pledges,
            })
            .collect(),
        by_objective
            .into_iter()
            .map(|(objective, pledges)| ObjectivePledges { objective, pledges })
            .collect(),
    )
}

/// The status as running text says it ("implementation was reported as
/// not yet started").
pub fn status_label(status: i32) -> &'static str {
    match ImplementationStatus::try_from(status).unwrap_or_default() {
        ImplementationStatus::Unspecified => "unspecified",
        ImplementationStatus::NotStarted => "not yet started",
        ImplementationStatus::Planned => "planned",
        ImplementationStatus::InProgress => "in progress",
        ImplementationStatus::Achieved => "achieved",
        ImplementationStatus::NotApplicable => "not applicable",
    }
}
