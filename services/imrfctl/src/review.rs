//! `imrfctl review`: regional reviews, for the regional commissions.

use std::path::PathBuf;

use clap::Subcommand;
use imrf_gcm::refdata::commission_code;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::{
    Commission, GetRegionalReviewRequest, ListRegionalReviewsRequest, RegionalReview,
    RegionalReviewRecord, SubmitRegionalReviewRequest, WithdrawRegionalReviewRequest,
};

use crate::input;
use crate::outcome::Failure;
use crate::report::parse_commission;
use crate::{Output, print_data};

/// Regional reviews of the five UN regional commissions.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Submit a regional review from a JSON or YAML file, or an Excel
    /// workbook made from `review template` (a first submission, or with
    /// --expected-revision a new revision).
    Submit {
        /// The review: fields of imrf.v1.RegionalReview (.json, .yaml), or
        /// the filled template (.xlsx), whose problems are each named as
        /// Sheet!Cell.
        file: PathBuf,
        /// The revision you last saw; required to revise an existing review.
        #[arg(long)]
        expected_revision: Option<u32>,
        /// Request id; by default derived from the file's content, so
        /// running the same command again is a safe retry.
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Write an Excel workbook to fill in as a commission's regional
    /// review: the review's particulars, its members to tick, the
    /// stakeholders, and a row per objective for the findings.
    Template {
        /// The review cycle, such as 2026.
        #[arg(long)]
        cycle: String,
        /// The commission: ECA, ECE, ECLAC, ESCAP or ESCWA.
        #[arg(long)]
        commission: String,
        /// Where to write the workbook (.xlsx).
        #[arg(long)]
        out: PathBuf,
    },
    /// Show a review (the latest revision unless --revision is given).
    Show {
        /// Review id, such as 2026-ECE.
        review_id: String,
        /// Revision to show.
        #[arg(long, default_value_t = 0)]
        revision: u32,
    },
    /// List reviews.
    List {
        /// Only this cycle, such as 2026.
        #[arg(long)]
        cycle: Option<String>,
        /// Only this commission: ECA, ECE, ECLAC, ESCAP or ESCWA.
        #[arg(long)]
        commission: Option<String>,
        /// Include withdrawn reviews.
        #[arg(long)]
        include_withdrawn: bool,
    },
    /// Withdraw a review: it stops counting in aggregates and drafts.
    Withdraw {
        /// Review id, such as 2026-ECE.
        review_id: String,
        /// Why it is withdrawn (recorded).
        #[arg(long)]
        reason: String,
        /// The revision you last saw.
        #[arg(long)]
        expected_revision: Option<u32>,
        /// Request id; by default derived from the arguments.
        #[arg(long)]
        request_id: Option<String>,
    },
}

fn describe(record: &RegionalReviewRecord) -> String {
    let review = record.review.clone().unwrap_or_default();
    let meta = record.meta.clone().unwrap_or_default();
    let commission = commission_code(Commission::try_from(review.commission).unwrap_or_default());
    let objectives: Vec<String> = review
        .findings
        .iter()
        .map(|f| f.objective.to_string())
        .collect();
    format!(
        "{id}  {commission:<5}  revision {rev}{withdrawn}  {states} states  objectives {objectives}\n    {title}",
        id = record.review_id,
        rev = meta.revision,
        withdrawn = if record.withdrawn { " (withdrawn)" } else { "" },
        states = review.participating_states.len(),
        objectives = objectives.join(","),
        title = review.title,
    )
}

/// Runs a review command against regional-intake at `url`.
pub async fn run(command: ReviewCommand, url: &str, output: Output) -> Result<(), Failure> {
    // Local checks come first, so a usage error never waits on the network.
    let client = async || -> Result<_, Failure> {
        Ok(RegionalReviewIntakeClient::new(
            crate::session::channel(url).await?,
        ))
    };
    match command {
        ReviewCommand::Submit {
            file,
            expected_revision,
            request_id,
        } => {
            let review: RegionalReview =
                input::read_or_workbook(&file, imrf_files::workbook::regional::review)?;
            let request_id = request_id.unwrap_or_else(|| {
                input::request_id_for("review-submit", &review, &format!("{expected_revision:?}"))
            });
            let shown = file.display().to_string();
            let response = client()
                .await?
                .submit_regional_review(SubmitRegionalReviewRequest {
                    request_id,
                    review: Some(review),
                    expected_revision,
                })
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => println!(
                    "accepted {} revision {} (event {})",
                    response.review_id, response.revision, response.event_id
                ),
            }
        }
        ReviewCommand::Template {
            cycle,
            commission,
            out,
        } => {
            let commission = crate::report::parse_commission(&commission)?;
            let bytes = imrf_files::workbook::regional::template(&cycle, commission)
                .map_err(|e| Failure::Input(e.to_string()))?;
            input::write_out(&out, &bytes)?;
            if output == Output::Text {
                println!(
                    "wrote {}: fill it in, then `imrfctl review submit {}`",
                    out.display(),
                    out.display()
                );
            }
        }
        ReviewCommand::Show {
            review_id,
            revision,
        } => {
            let record = client()
                .await?
                .get_regional_review(GetRegionalReviewRequest {
                    review_id,
                    revision,
                })
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner()
                .record
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &record),
                Output::Text => println!("{}", describe(&record)),
            }
        }
        ReviewCommand::List {
            cycle,
            commission,
            include_withdrawn,
        } => {
            let commission = commission.as_deref().map(parse_commission).transpose()?;
            let mut client = client().await?;
            let mut records = Vec::new();
            let mut page_token = String::new();
            loop {
                let page = client
                    .list_regional_reviews(ListRegionalReviewsRequest {
                        cycle_id: cycle.clone().unwrap_or_default(),
                        commission: commission.map_or(0, |c| c as i32),
                        include_withdrawn,
                        page_size: 200,
                        page_token,
                    })
                    .await
                    .map_err(|s| Failure::from_status(s, None))?
                    .into_inner();
                records.extend(page.records);
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
            match output {
                Output::Json | Output::Yaml => print_data(output, &records),
                Output::Text => {
                    for record in &records {
                        println!("{}", describe(record));
                    }
                    println!("{} review(s)", records.len());
                }
            }
        }
        ReviewCommand::Withdraw {
            review_id,
            reason,
            expected_revision,
            request_id,
        } => {
            let mut request = WithdrawRegionalReviewRequest {
                request_id: String::new(),
                review_id,
                reason,
                expected_revision,
            };
            request.request_id = request_id
                .unwrap_or_else(|| input::request_id_for("review-withdraw", &request, ""));
            let response = client()
                .await?
                .withdraw_regional_review(request)
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => println!(
                    "withdrew {} revision {} (event {})",
                    response.review_id, response.revision, response.event_id
                ),
            }
        }
    }
    Ok(())
}
