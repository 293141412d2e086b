//! `imrfctl practice`: the Repository of Practices, for submitters, the
//! Network's curators and readers.

use std::path::PathBuf;

use clap::Subcommand;
use imrf_gcm::refdata::commission_code;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::{
    Commission, CriterionMark, GetPracticeHistoryRequest, GetPracticeRequest, GuidingPrinciple,
    PracticeStatus, PracticeType, ReviewCriterion, ReviewDecision, ReviewPracticeRequest,
    SearchOrder, SearchPracticesRequest, StakeholderType, SubmitPracticeRequest,
    UpdatePracticeRequest, WithdrawPracticeRequest,
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
    /// The practices awaiting review, oldest first, for curators: those
    /// whose reviews disagree, and so need a further reviewer, marked.
    Queue {
        /// Most practices to show.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Search the practices: the published ones, or, for curators, those
    /// in the statuses given.
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
        /// Only practices exemplifying this guiding principle, such as
        /// "human rights" (repeatable).
        #[arg(long)]
        principle: Vec<String>,
        /// Only practices of this type, such as "policy" (repeatable).
        #[arg(long = "type")]
        practice_type: Vec<String>,
        /// Only practices submitted by this kind of stakeholder, such as
        /// "civil society" (repeatable).
        #[arg(long)]
        submitter_type: Vec<String>,
        /// Only practices active in or after this year.
        #[arg(long)]
        from_year: Option<i32>,
        /// Only practices active in or before this year.
        #[arg(long)]
        to_year: Option<i32>,
        /// Only practices in this status, such as "submitted" or "in review"
        /// (repeatable; curators; readers see published ones).
        #[arg(long)]
        status: Vec<String>,
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

fn status_name(status: i32) -> String {
    PracticeStatus::try_from(status)
        .unwrap_or_default()
        .as_str_name()
        .trim_start_matches("PRACTICE_STATUS_")
        .to_lowercase()
        .replace('_', " ")
}

/// The values of the enum `name` that `words` name, each by its word or
/// its contract name; a usage error names the nearest word.
fn enum_values(
    name: &str,
    flag: &str,
    words: &[String],
    from_name: fn(&str) -> Option<i32>,
) -> Result<Vec<i32>, Failure> {
    words
        .iter()
        .map(|w| {
            imrf_files::friendly::parse_enum(&format!("imrf.v1.{name}"), w)
                .and_then(|v| from_name(&v).ok_or(v))
                .map_err(|why| Failure::Usage(format!("--{flag}: {why}")))
        })
        .collect()
}

/// "1 of 2 approvals".
fn approvals(approvals: u32, required: u32) -> String {
    if required == 0 {
        format!("{approvals} approval(s)")
    } else {
        format!("{approvals} of the {required} approvals that publish it")
    }
}

/// A reviewer's marks: "relevance 4, guiding principles 5, …".
fn marks_text(marks: &[CriterionMark]) -> String {
    marks
        .iter()
        .map(|m| {
            format!(
                "{} {}",
                ReviewCriterion::try_from(m.criterion)
                    .unwrap_or_default()
                    .as_str_name()
                    .trim_start_matches("REVIEW_CRITERION_")
                    .to_lowercase()
                    .replace('_', " "),
                m.mark
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
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
                    "practice {} is {} ({} of this revision)",
                    response.practice_id,
                    status_name(response.status),
                    approvals(response.approvals, response.approvals_required)
                ),
            }
        }
        PracticeCommand::Queue { limit } => {
            let response = connect(url)
                .await?
                .search_practices(signed(
                    subject,
                    SearchPracticesRequest {
                        statuses: vec![
                            PracticeStatus::Submitted as i32,
                            PracticeStatus::InReview as i32,
                        ],
                        order: SearchOrder::OldestFirst as i32,
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
                    println!(
                        "{} practice(s) awaiting review, oldest first",
                        response.total
                    );
                    for r in &response.results {
                        let d = r.details.clone().unwrap_or_default();
                        let since = crate::cli::instant(
                            r.meta.as_ref().and_then(|m| m.accepted_at.as_ref()),
                        );
                        println!(
                            "  {}  revision {}  {}  {}{}\n      {}",
                            r.practice_id,
                            r.revision,
                            status_name(r.status),
                            approvals(r.approvals, r.approvals_required),
                            if r.needs_further_review {
                                "  NEEDS A FURTHER REVIEW: its reviews disagree"
                            } else {
                                ""
                            },
                            [d.title.as_str(), since.as_str()].join("  since ")
                        );
                    }
                }
            }
        }
        PracticeCommand::Search {
            query,
            objective,
            region,
            country,
            principle,
            practice_type,
            submitter_type,
            from_year,
            to_year,
            status,
            limit,
        } => {
            let regions = region
                .iter()
                .map(|r| parse_commission(r).map(|c| c as i32))
                .collect::<Result<Vec<_>, _>>()?;
            let guiding_principles =
                enum_values("GuidingPrinciple", "principle", &principle, |n| {
                    GuidingPrinciple::from_str_name(n).map(|v| v as i32)
                })?;
            let types = enum_values("PracticeType", "type", &practice_type, |n| {
                PracticeType::from_str_name(n).map(|v| v as i32)
            })?;
            let submitter_types =
                enum_values("StakeholderType", "submitter-type", &submitter_type, |n| {
                    StakeholderType::from_str_name(n).map(|v| v as i32)
                })?;
            let statuses = enum_values("PracticeStatus", "status", &status, |n| {
                PracticeStatus::from_str_name(n).map(|v| v as i32)
            })?;
            let response = connect(url)
                .await?
                .search_practices(signed(
                    subject,
                    SearchPracticesRequest {
                        query: query.clone(),
                        objectives: objective,
                        regions,
                        countries: country,
                        guiding_principles,
                        types,
                        submitter_types,
                        from_year: from_year.unwrap_or_default(),
                        to_year: to_year.unwrap_or_default(),
                        statuses,
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
                        "  objectives {:?}; {}",
                        d.primary_objectives,
                        approvals(practice.approvals, practice.approvals_required)
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
                        let when = crate::cli::instant(s.occurred_at.as_ref());
                        println!(
                            "  {when}  revision {}  {:<10} by {:<20} -> {}  {}",
                            s.revision,
                            s.action,
                            s.actor,
                            status_name(s.status_after),
                            s.note
                        );
                        if !s.marks.is_empty() {
                            println!("      marks: {}", marks_text(&s.marks));
                        }
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
