//! The Network's Repository of Practices.

use std::collections::BTreeMap;

use imrf_gcm::refdata::commission_code;
use imrf_proto::v1::Commission;

use super::{DraftInputs, Para, Writer, count, dataset, int, practice_source};

pub(super) fn repository(w: &mut Writer, inputs: &DraftInputs) {
    w.section("Activities of the United Nations system and the institutional arrangements");
    let curation = inputs.curation;
    if curation.submitted == 0 {
        w.para(
            Para::default().text("No practice had been submitted to the Repository of Practices."),
        );
        return;
    }
    let n = w.note(
        "Curation records of the Repository of Practices (practices-hub)",
        vec![dataset("Repository of Practices curation events")],
    );
    w.para(
        Para::default()
            .text(format!(
                "The United Nations Network on Migration curated the Repository of Practices of the Migration Network Hub: {} submitted, {} recorded, {} published, {} rejected and {} withdrawn by their submitters.",
                count(curation.submitted, "practice was", "practices were"),
                count(curation.reviews, "peer review", "peer reviews"),
                count(curation.published, "practice", "practices"),
                int(curation.rejected),
                int(curation.withdrawn)
            ))
            .note(n),
    );
    if inputs.practices.is_empty() {
        return;
    }
    let mut by_region: BTreeMap<i32, usize> = BTreeMap::new();
    let mut global = 0;
    for p in &inputs.practices {
        if p.details.global_scope {
            global += 1;
        }
        for region in &p.details.regions {
            *by_region.entry(*region).or_default() += 1;
        }
    }
    let regions: Vec<String> = by_region
        .iter()
        .map(|(r, n)| {
            format!(
                "{} {}",
                commission_code(Commission::try_from(*r).unwrap_or_default()),
                n
            )
        })
        .collect();
    let n = w.cite(
        "Published practices",
        inputs
            .practices
            .iter()
            .map(|p| practice_source(p))
            .collect(),
    );
    w.para(
        Para::default()
            .text(format!(
                "Of the {} published, {} global in scope; by region of implementation: {}.",
                count(inputs.practices.len() as f64, "practice", "practices"),
                if global == 1 {
                    "1 is".to_string()
                } else {
                    format!("{global} are")
                },
                if regions.is_empty() {
                    "none given".to_string()
                } else {
                    regions.join(", ")
                }
            ))
            .note(n),
    );
}
