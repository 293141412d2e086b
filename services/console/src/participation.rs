//! The stakeholders who took part, as a form asks for them: a checkbox per
//! kind of stakeholder with how many took part. A national report's
//! consultation and a regional review's participation are asked the same
//! way.

use imrf_proto::v1::{StakeholderParticipation, StakeholderType};

use crate::i18n::{self, Lang};
use crate::labels;
use crate::problem::Problem;
use crate::web::Form;

/// One kind of stakeholder in the form.
#[derive(Debug, Clone)]
pub(crate) struct StakeholderRow {
    pub value: String,
    pub label: String,
    pub taken_part: bool,
    pub count: String,
}

/// The form's rows, ticked for those in `given`.
pub(crate) fn rows(given: &[StakeholderParticipation]) -> Vec<StakeholderRow> {
    labels::stakeholder_choices()
        .into_iter()
        .map(|c| {
            let found = given.iter().find(|s| {
                StakeholderType::try_from(s.r#type)
                    .map(|t| t.as_str_name())
                    .ok()
                    == Some(c.value.as_str())
            });
            StakeholderRow {
                taken_part: found.is_some(),
                count: found
                    .filter(|s| s.count > 0)
                    .map(|s| s.count.to_string())
                    .unwrap_or_default(),
                value: c.value,
                label: c.label,
            }
        })
        .collect()
}

/// The participation the form gives; a count that is not a whole number is
/// a problem at `field[i].count` in `local`.
pub(crate) fn read(
    lang: Lang,
    form: &Form,
    field: &str,
    local: &mut Problem,
) -> Vec<StakeholderParticipation> {
    let mut taken = Vec::new();
    for t in form.all("stakeholder") {
        let Some(kind) = StakeholderType::from_str_name(&t) else {
            continue;
        };
        let count_text = form.text(&format!("count_{t}"));
        let count = if count_text.is_empty() {
            0
        } else {
            count_text.parse().unwrap_or_else(|_| {
                local.fields.insert(
                    format!("{field}[{}].count", taken.len()),
                    i18n::text(lang, "whole-number-or-empty"),
                );
                0
            })
        };
        taken.push(StakeholderParticipation {
            r#type: kind as i32,
            count,
            description: String::new(),
        });
    }
    taken
}
