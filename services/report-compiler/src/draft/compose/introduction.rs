//! The introduction: the mandate and what this draft is compiled from.

use super::{DraftInputs, Para, Writer, count};

pub(super) fn introduction(w: &mut Writer, inputs: &DraftInputs, states: &[&str]) {
    w.section("Introduction");
    w.para(Para::default().text(
        "The present report is submitted pursuant to General Assembly resolution 73/195, in which the Assembly requested the Secretary-General to report biennially on the implementation of the Global Compact for Safe, Orderly and Regular Migration, the activities of the United Nations system in that regard and the functioning of the institutional arrangements, and to resolution 73/326, on the format and organizational aspects of the International Migration Review Forum.",
    ));
    let sources = inputs.watermark();
    let n = w.cite("Inputs drawn on", sources);
    w.para(
        Para::default()
            .text(format!(
                "The report draws on {} of the United Nations regional economic commissions, {} submitted by {} and {} published in the Repository of Practices of the Migration Network Hub.",
                count(inputs.reviews.len() as f64, "regional review", "regional reviews"),
                count(inputs.reports.len() as f64, "national report", "national reports"),
                count(states.len() as f64, "Member State", "Member States"),
                count(inputs.practices.len() as f64, "practice", "practices")
            ))
            .note(n),
    );
}
