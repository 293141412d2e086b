//! `imrfctl practice`: the Repository of Practices, for submitters, the
//! Network's curators and readers.

use std::path::PathBuf;

use clap::Subcommand;
use imrf_gcm::refdata::commission_code;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::{
    Commission, CriterionMark, GetPracticeHistoryRequest, GetPracticeRequest, PracticeStatus,
    ReviewCriterion, ReviewDecision, ReviewPracticeRequest, SearchPracticesRequest,
    SubmitPracticeRequest, UpdatePracticeRequest, WithdrawPracticeRequest,
};
use tonic::Request;

use crate::input;
use crate::outcome::Failure;
use crate::report::parse_commission;
use crate::{Output, print_data};

/// The Repository of Practices.
#[derive(Debug, Subcommand)]
pub enum PracticeCommand {
    /// Submit a practice from a JSON or YAML file with `details` and
    /// `focal_point` (the fields of imrf.v1.SubmitPracticeRequest but
    /// request_id).
    Submit {
        /// The practice.
        file: PathBuf,
    },
    /// Revise a practice you submitted (after changes were requested).
    Update {
        /// Practice id.
        practice_id: String,
        /// The new content: `details`, optionally `focal_point`.
        file: PathBuf,
        /// The revision you last saw.
        #[arg(long)]
        expected_revision: u32,
        /// What changed, for the reviewers.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record your review of the current revision (curators).
    Review {
        /// Practice id.
        practice_id: String,
        /// Revision reviewed.
        #[arg(long)]
        revision: u32,
        /// approve, request-changes or reject.
        #[arg(long)]
        decision: String,
        /// Your note (required to request changes or reject).
        #[arg(long, default_value = "")]
        note: String,
        /// Marks from 1 to 5 for relevance, principles, innovation,
        /// replicability and evidence, for example 4,5,3,4,4.
        #[arg(long, value_delimiter = ',')]
        marks: Vec<u32>,
    },
    /// Search the published practices.
    Search {
        /// Words to find in title, summary, results and lessons.
        #[arg(default_value = "")]
        query: String,
        /// Only practices serving this objective (repeatable).
        #[arg(long)]
        objective: Vec<u32>,
        /// Only practices in this region: ECA, ECE, ECLAC, ESCAP, ESCWA.
        #[arg(long)]
        region: Vec<String>,
        /// Only practices in this country (ISO3).
        #[arg(long)]
        country: Vec<String>,
        /// Most results to show.
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
    /// Show a practice (with --contact, its focal point, if you may see it).
    Show {
        /// Practice id.
        practice_id: String,
        /// Include the focal point (submitter, curators, secretariat only).
        #[arg(long)]
        contact: bool,
    },
    /// Show every curation step of a practice.
    History {
        /// Practice id.
        practice_id: String,
    },
    /// Withdraw a practice you submitted, before publication.
    Withdraw {
        /// Practice id.
        practice_id: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

fn parse_decision(text: &str) -> Result<ReviewDecision, Failure> {
    match text.to_ascii_lowercase().replace('_', "-").as_str() {
        "approve" => Ok(ReviewDecision::Approve),
        "request-changes" => Ok(ReviewDecision::RequestChanges),
        "reject" => Ok(ReviewDecision::Reject),
        other => Err(Failure::Usage(format!(
            "'{other}' is not a decision: use approve, request-changes or reject"
        ))),
    }
}

fn status_name(status: i32) -> &'static str {
    PracticeStatus::try_from(status)
        .unwrap_or_default()
        .as_str_name()
        .trim_start_matches("PRACTICE_STATUS_")
}

/// The request; who sends it is the channel's token (`--token`, or one
/// minted for `--as`).
fn signed<T>(_subject: Option<&str>, message: T) -> Result<Request<T>, Failure> {
    Ok(Request::new(message))
}

async fn connect(url: &str) -> Result<PracticeRepositoryClient<AuthChannel>, Failure> {
    Ok(PracticeRepositoryClient::new(
        crate::session::channel(url).await?,
    ))
}

/// Runs a practice command against practices-hub at `url`, as `subject`.
pub async fn run(
    command: PracticeCommand,
    url: &str,
    subject: Option<&str>,
    output: Output,
) -> Result<(), Failure> {
    let refused = |s| Failure::from_status(s, None);
    match command {
        PracticeCommand::Submit { file } => {
            let mut request: SubmitPracticeRequest = input::read(&file)?;
            request.request_id =
                input::request_id_for("practice-submit", &request, subject.unwrap_or(""));
            let shown = file.display().to_string();
            let response = connect(url)
                .await?
                .submit_practice(signed(subject, request)?)
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => {
                    println!(
                        "submitted practice {} revision {}",
                        response.practice_id, response.revision
                    );
                    for w in &response.warnings {
                        println!("  warning: {w}");
                    }
                }
            }
        }
        PracticeCommand::Update {
            practice_id,
            file,
            expected_revision,
            note,
        } => {
            let content: SubmitPracticeRequest = input::read(&file)?;
            let mut request = UpdatePracticeRequest {
                request_id: String::new(),
                practice_id,
                details: content.details,
                focal_point: content.focal_point,
                expected_revision,
                note,
            };
            request.request_id =
                input::request_id_for("practice-update", &request, subject.unwrap_or(""));
            let shown = file.display().to_string();
            let response = connect(url)
                .await?
                .update_practice(signed(subject, request)?)
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => println!(
                    "practice {} is now at revision {}",
                    response.practice_id, response.revision
                ),
            }
        }
        PracticeCommand::Review {
            practice_id,
            revision,
            decision,
            note,
            marks,
        } => {
            let decision = parse_decision(&decision)?;
            if !marks.is_empty() && marks.len() != 5 {
                return Err(Failure::Usage("--marks takes five marks: relevance, principles, innovation, replicability, evidence".into()));
            }
            let criteria = [
                ReviewCriterion::Relevance,
                ReviewCriterion::GuidingPrinciples,
                ReviewCriterion::Innovation,
                ReviewCriterion::Replicability,
                ReviewCriterion::EvidenceOfResults,
            ];
            let mut request = ReviewPracticeRequest {
                request_id: String::new(),
                practice_id,
                revision,
                decision: decision as i32,
                note,
                marks: criteria
                    .iter()
                    .zip(&marks)
                    .map(|(c, m)| CriterionMark {
                        criterion: *c as i32,
                        mark: *m,
                    })
                    .collect(),
            };
            request.request_id =
                input::request_id_for("practice-review", &request, subject.unwrap_or(""));
            let response = connect(url)
                .await?
                .review_practice(signed(subject, request)?)
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => println!(
                    "practice {} is {} ({} approval(s) of this revision)",
                    response.practice_id,
                    status_name(response.status),
                    response.approvals
                ),
            }
        }
        PracticeCommand::Search {
            query,
            objective,
            region,
            country,
            limit,
        } => {
            let regions = region
                .iter()
                .map(|r| parse_commission(r).map(|c| c as i32))
                .collect::<Result<Vec<_>, _>>()?;
            let response = connect(url)
                .await?
                .search_practices(signed(
                    subject,
                    SearchPracticesRequest {
                        query: query.clone(),
                        objectives: objective,
                        regions,
                        countries: country,
                        page_size: limit,
                        ..Default::default()
                    },
                )?)
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => {
                    println!("{} practice(s) match \"{query}\"", response.total);
                    for r in &response.results {
                        let d = r.details.clone().unwrap_or_default();
                        let regions: Vec<&str> = d
                            .regions
                            .iter()
                            .map(|c| commission_code(Commission::try_from(*c).unwrap_or_default()))
                            .collect();
                        println!(
                            "  {:>6.2}  {}  {}  [objectives {:?}; {}]",
                            r.score,
                            r.practice_id,
                            d.title,
                            d.primary_objectives,
                            regions.join(", ")
                        );
                    }
                    let facets: Vec<String> = response
                        .objective_facets
                        .iter()
                        .map(|f| format!("{}: {}", f.value, f.count))
                        .collect();
                    println!("  by objective: {}", facets.join(", "));
                    let facets: Vec<String> = response
                        .region_facets
                        .iter()
                        .map(|f| format!("{}: {}", f.value, f.count))
                        .collect();
                    println!("  by region: {}", facets.join(", "));
                }
            }
        }
        PracticeCommand::Show {
            practice_id,
            contact,
        } => {
            let practice = connect(url)
                .await?
                .get_practice(signed(
                    subject,
                    GetPracticeRequest {
                        practice_id,
                        curator_view: contact,
                    },
                )?)
                .await
                .map_err(refused)?
                .into_inner()
                .practice
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &practice),
                Output::Text => {
                    let d = practice.details.clone().unwrap_or_default();
                    let revision = practice.meta.as_ref().map_or(0, |m| m.revision);
                    println!(
                        "{}  {}  revision {revision}  {}",
                        practice.practice_id,
                        status_name(practice.status),
                        d.title
                    );
                    println!(
                        "  objectives {:?}; {} approval(s)",
                        d.primary_objectives, practice.approvals
                    );
                    if let Some(f) = &practice.focal_point {
                        println!("  focal point: {} <{}>", f.name, f.email);
                    }
                }
            }
        }
        PracticeCommand::History { practice_id } => {
            let steps = connect(url)
                .await?
                .get_practice_history(signed(subject, GetPracticeHistoryRequest { practice_id })?)
                .await
                .map_err(refused)?
                .into_inner()
                .steps;
            match output {
                Output::Json | Output::Yaml => print_data(output, &steps),
                Output::Text => {
                    for s in &steps {
                        println!(
                            "  revision {}  {:<10} by {:<20} -> {}  {}",
                            s.revision,
                            s.action,
                            s.actor,
                            status_name(s.status_after),
                            s.note
                        );
                    }
                }
            }
        }
        PracticeCommand::Withdraw {
            practice_id,
            reason,
        } => {
            let mut request = WithdrawPracticeRequest {
                request_id: String::new(),
                practice_id,
                reason,
            };
            request.request_id =
                input::request_id_for("practice-withdraw", &request, subject.unwrap_or(""));
            let response = connect(url)
                .await?
                .withdraw_practice(signed(subject, request)?)
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => println!("withdrew practice {}", response.practice_id),
            }
        }
    }
    Ok(())
}
