//! Chapter IV: support of the United Nations system: the Network on
//! Migration, the Migration Multi-Partner Trust Fund, the Migration Network
//! Hub and its Repository of Practices, and the capacity-building mechanism.

use std::collections::BTreeMap;

use imrf_gcm::refdata::{guiding_principle_title, stakeholder_label};
use imrf_proto::v1::{GuidingPrinciple, NetworkContribution, StakeholderType};

use super::style::{date, list, lowercase_first, millions, quote};
use super::{
    DraftInputs, Fig, Para, Writer, curation_source, most_first, network_source, objective_label,
    practice_source,
};
use crate::draft::model::{Method, Source};

pub(super) fn system(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Support of the United Nations system");
    w.heading(2, "United Nations Network on Migration");
    let Some(record) = inputs.network else {
        let mptf = w.abbr("Migration MPTF", "the Migration Multi-Partner Trust Fund");
        w.para(Para::default().text(format!(
            "The United Nations Network on Migration supports Member States in implementing the Global Compact through its workstreams and its country and regional networks, and manages {mptf} as the start-up fund of the capacity-building mechanism. No account of the Network\u{2019}s activities, of its country and regional networks or of the Fund\u{2019}s contributions and allocations was among the inputs when the present draft was compiled; this section is to be completed from the Network\u{2019}s contribution."
        )));
        hub(w, inputs, None);
        return;
    };
    let none = NetworkContribution::default();
    let c = record.contribution.as_ref().unwrap_or(&none);
    let source = vec![network_source(record)];
    let n = w.cite("", source.clone());
    w.para(
        Para::default()
            .text(format!(
                "In its contribution to the present report, the Network describes its support to Member States as follows: {}.",
                quote(&c.summary)
            ))
            .note(n),
    );
    for ws in &c.workstreams {
        let serving = if ws.objectives.is_empty() {
            String::new()
        } else {
            let labels: Vec<String> = ws.objectives.iter().map(|o| objective_label(*o)).collect();
            format!(", which serves {},", list(&labels))
        };
        let principles = principle_labels(&ws.guiding_principles);
        let applying = if principles.is_empty() {
            String::new()
        } else {
            format!(
                " Of the guiding principles, it names in particular: {}.",
                list(&principles)
            )
        };
        let n = w.cite("", source.clone());
        w.para(
            Para::default()
                .text(format!(
                    "The workstream on {}{serving} reports: {}.{applying}",
                    lowercase_first(ws.workstream.trim()),
                    quote(&ws.activities)
                ))
                .note(n),
        );
    }
    fund(w, c, &source);
    hub(w, inputs, Some((c, &source)));
    if !c.capacity_building.trim().is_empty() {
        w.heading(2, "Capacity-building mechanism");
        let n = w.cite("", source.clone());
        w.para(
            Para::default()
                .text(format!(
                    "On the capacity-building mechanism, the Network reports: {}.",
                    quote(&c.capacity_building)
                ))
                .note(n),
        );
    }
}

fn principle_labels(principles: &[i32]) -> Vec<String> {
    principles
        .iter()
        .filter_map(|p| GuidingPrinciple::try_from(*p).ok())
        .filter(|p| *p != GuidingPrinciple::Unspecified)
        .map(|p| guiding_principle_title(p).to_lowercase())
        .collect()
}

/// The Migration MPTF: contributions, and the joint programmes by main
/// objective.
fn fund(w: &mut Writer, c: &NetworkContribution, source: &[Source]) {
    let Some(f) = &c.fund else { return };
    w.heading(2, "Migration Multi-Partner Trust Fund");
    let mptf = w.abbr("Migration MPTF", "the Migration Multi-Partner Trust Fund");
    let as_of = f.as_of.as_ref().map(date).unwrap_or_default();
    let received = w.dollars(&millions(f.contributions_usd));
    let received = w.fig(
        Fig::new(f.contributions_usd, received, "United States dollars")
            .of(Method::Value)
            .from(source, "fund.contributions_usd"),
    );
    let contributors = w.count(
        f.contributors,
        "contributor",
        "contributors",
        source,
        "fund.contributors",
    );
    let mut text = format!("As at {as_of}, {mptf} had received {received} from {contributors}.");
    if !f.programmes.is_empty() {
        let total: f64 = f.programmes.iter().map(|p| p.allocation_usd).sum();
        let programmes = w.count(
            f.programmes.len() as f64,
            "joint programme",
            "joint programmes",
            source,
            "fund.programmes",
        );
        let allocated = w.dollars(&millions(total));
        let allocated = w.fig(
            Fig::new(total, allocated, "United States dollars")
                .of(Method::Sum)
                .from(source, "fund.programmes[].allocation_usd"),
        );
        text.push_str(&format!(
            " It funds {programmes}, with allocations of {allocated}."
        ));
        // By main objective (the first listed), the largest first.
        let mut by_objective: BTreeMap<u32, (u64, f64)> = BTreeMap::new();
        for p in &f.programmes {
            if let Some(o) = p.objectives.first() {
                let entry = by_objective.entry(*o).or_default();
                entry.0 += 1;
                entry.1 += p.allocation_usd;
            }
        }
        let objectives = by_objective.len();
        let ranked = most_first(by_objective, |(n, _)| *n);
        let among = if objectives > 3 { ", among others" } else { "" };
        if ranked.first().is_some_and(|(_, (n, _))| *n > 1) {
            let parts: Vec<String> = ranked
                .into_iter()
                .take(3)
                .map(|(o, (n, _))| {
                    let shown = w.count(
                        n as f64,
                        "programme",
                        "programmes",
                        source,
                        "fund.programmes[].objectives",
                    );
                    format!("{shown} for {}", objective_label(o))
                })
                .collect();
            text.push_str(&format!(
                " By main objective, it funds {}{among}.",
                list(&parts)
            ));
        } else if !ranked.is_empty() {
            // One programme per objective: counting them says nothing.
            let labels: Vec<String> = ranked
                .iter()
                .take(3)
                .map(|(o, _)| objective_label(*o))
                .collect();
            let lead = if objectives > labels.len() {
                ", among them"
            } else {
                ":"
            };
            text.push_str(&format!(
                " Each serves a different main objective{lead} {}.",
                list(&labels)
            ));
        }
        let national = f
            .programmes
            .iter()
            .filter(|p| !p.countries.is_empty())
            .count();
        if national > 0 {
            let mut countries: Vec<&str> = f
                .programmes
                .iter()
                .flat_map(|p| p.countries.iter().map(String::as_str))
                .collect();
            countries.sort_unstable();
            countries.dedup();
            let (who, note) = w.states(
                &countries,
                "Member States where joint programmes of the Migration MPTF run",
                source.to_vec(),
            );
            text.push_str(&format!(" The programmes run in {who}"));
            if let Some(n) = note {
                let n_main = w.cite("", source.to_vec());
                w.para(
                    Para::default()
                        .text(format!("{text}."))
                        .note(n)
                        .note(n_main),
                );
                return;
            }
            text.push('.');
        }
    }
    let n = w.cite("", source.to_vec());
    w.para(Para::default().text(text).note(n));
}

/// The Migration Network Hub and its Repository of Practices, with the
/// Network's account of the Hub where it gives one.
fn hub(
    w: &mut Writer,
    inputs: &DraftInputs,
    network: Option<(&NetworkContribution, &Vec<Source>)>,
) {
    w.heading(2, "Migration Network Hub and Repository of Practices");
    if let Some((c, source)) = network
        && !c.hub_functioning.trim().is_empty()
    {
        let n = w.cite("", source.clone());
        w.para(
            Para::default()
                .text(format!(
                    "On the functioning of the Hub, the Network reports: {}.",
                    quote(&c.hub_functioning)
                ))
                .note(n),
        );
    }
    let curation = inputs.curation;
    if curation.submitted == 0 {
        w.para(Para::default().text(
            "No practice had been submitted to the Repository of Practices when the draft was compiled.",
        ));
        return;
    }
    // The counts are of every practice the Repository recorded, published
    // or not: their source is the record of curation, not the practices
    // published (and an unpublished practice is never cited).
    let curated = [curation_source(&curation)];
    let submitted = w.count(
        curation.submitted,
        "practice",
        "practices",
        &curated,
        "status",
    );
    let reviews = w.count(
        curation.reviews,
        "peer review",
        "peer reviews",
        &curated,
        "reviews",
    );
    let published = w.count(
        curation.published,
        "practice",
        "practices",
        &curated,
        "status",
    );
    let rejected = w.number(curation.rejected, "practices", &curated, "status");
    let withdrawn = w.number(curation.withdrawn, "practices", &curated, "status");
    let n = w.cite("", curated.to_vec());
    let outcomes = match (curation.rejected, curation.withdrawn) {
        (0, 0) => "none was rejected or withdrawn".to_string(),
        (_, 0) => format!("{rejected} rejected"),
        (0, _) => format!("{withdrawn} withdrawn by their submitters"),
        _ => format!("{rejected} rejected and {withdrawn} withdrawn by their submitters"),
    };
    w.para(
        Para::default()
            .text(format!(
                "The Migration Network Hub, the knowledge platform of the capacity-building mechanism, maintains the Repository of Practices, in which practices are published after peer review by the Network\u{2019}s curators. Over the cycle, {submitted} were submitted and {reviews} recorded; {published} were published, and {outcomes}."
            ))
            .note(n),
    );
    if inputs.practices.is_empty() {
        return;
    }
    let mut by_type: BTreeMap<i32, Vec<Source>> = BTreeMap::new();
    for p in inputs
        .practices
        .iter()
        .filter(|p| p.details.submitter_type != StakeholderType::Unspecified as i32)
    {
        by_type
            .entry(p.details.submitter_type)
            .or_default()
            .push(practice_source(p));
    }
    let parts: Vec<String> = most_first(by_type, |s| s.len() as u64)
        .into_iter()
        .map(|(t, sources)| {
            let label =
                stakeholder_label(StakeholderType::try_from(t).unwrap_or_default()).to_string();
            let shown = w.number(
                sources.len() as f64,
                "practices",
                &sources,
                "details.submitter_type",
            );
            format!("{shown} from {label}")
        })
        .collect();
    let global: Vec<Source> = inputs
        .practices
        .iter()
        .filter(|p| p.details.global_scope)
        .map(|p| practice_source(p))
        .collect();
    let mut text = if parts.is_empty() {
        String::new()
    } else {
        format!(
            "The published practices came from a range of stakeholders, in keeping with the whole-of-society approach of the Global Compact: {}.",
            list(&parts)
        )
    };
    if !global.is_empty() {
        let shown = w.count(
            global.len() as f64,
            "practice is",
            "practices are",
            &global,
            "details.global_scope",
        );
        text.push_str(&format!(" Of them, {shown} global in scope."));
    }
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let n = w.cite("Published practices", inputs.practice_sources());
    w.para(Para::default().text(text).note(n));
}
