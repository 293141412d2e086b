//! The summary: the mandate and the main findings, before chapter I.

use imrf_gcm::statistics::{Dataset, statistics};
use imrf_proto::v1::Aggregate;

use super::catalogue::dataset;
use super::context::persons;
use super::style::{list, objectives_phrase};
use super::{DraftInputs, Para, Writer};
use crate::draft::model::Method;

pub(super) fn summary(
    w: &mut Writer,
    inputs: &DraftInputs,
    aggregate: &Aggregate,
    states: &[&str],
) {
    let n_states = w.count(
        states.len() as f64,
        "Member State",
        "Member States",
        &inputs.report_sources(),
        "report.state",
    );
    let n_reviews = w.count(
        inputs.reviews.len() as f64,
        "regional review",
        "regional reviews",
        &inputs.review_sources(),
        "review",
    );
    w.summary_para(Para::default().text(format!(
        "The present report, submitted pursuant to General Assembly resolution 73/195, reviews progress in implementing the Global Compact for Safe, Orderly and Regular Migration, the support of the United Nations system and the functioning of the institutional arrangements, and follows up on the Progress Declaration of the International Migration Review Forum. It draws on the national reports of {n_states}, {n_reviews} and the Repository of Practices."
    )));

    let stats = statistics();
    let mut findings = Para::default();
    if let Some(year) = stats.latest_stock_year()
        && let Some(world) = stats.world_stock(year)
    {
        let stock = persons(
            w,
            world.total,
            year,
            Method::Sum,
            Dataset::MigrantStock,
            "migrant_stock_total",
        );
        findings = findings.text(format!(
            "The number of international migrants reached an estimated {stock} in {year}. "
        ));
    }
    let most: Vec<u32> = {
        let mut ranked = aggregate.least_attention.clone();
        ranked.reverse();
        ranked
            .iter()
            .filter(|o| o.national_reports + o.regional_reviews > 0)
            .take(3)
            .map(|o| o.objective)
            .collect()
    };
    let least = super::conclusions::least(aggregate);
    if !most.is_empty() {
        findings = findings.text(format!(
            "The inputs reported most on {} and least on {}, on which the Forum may wish to strengthen action. ",
            objectives_phrase(&most),
            objectives_phrase(&least)
        ));
    }
    let year = stats.latest_complete_mmp_year();
    if let Some(dead) = stats.dead_and_missing(year) {
        let shown = persons(
            w,
            dead,
            year,
            Method::Sum,
            Dataset::MissingMigrants,
            "dead_and_missing",
        );
        findings = findings.text(format!(
            "Migrants continue to die or go missing on their journeys, with {shown} recorded dead or missing in {year}."
        ));
    }
    let n = w.cite(
        "",
        vec![
            dataset(Dataset::MigrantStock),
            dataset(Dataset::MissingMigrants),
        ],
    );
    w.summary_para(findings.note(n));
    let themes = super::conclusions::themes(inputs, aggregate);
    if !themes.is_empty() {
        w.summary_para(Para::default().text(format!(
            "The report closes with conclusions and recommendations on {}.",
            list(&themes)
        )));
    }
}
