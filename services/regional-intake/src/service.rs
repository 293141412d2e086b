//! Where a regional review enters: the `RegionalReviewIntake` gRPC service.
//! A handler reads top to bottom: authorize and validate (`validate`), look
//! up the review's head on the stream, decide (`decide`: the event or a
//! refusal), record and publish through the ledger, answer once JetStream
//! has stored the event. Reads come from the read model (`model`).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use imrf_bus::Bus;
use imrf_bus::follow::read_model;
use imrf_bus::follow::{FollowedCalendar, Follower};
use imrf_bus::ledger::{RequestLedger, fingerprint};
use imrf_gcm::Refusal;
use imrf_gcm::clock::SharedClock;
use imrf_gcm::validate::{SHORT_TEXT_MAX_CHARS, Violations, page_size};
use imrf_platform::ServiceError;
use imrf_platform::auth::Role;
use imrf_platform::authz::{Rpc, Target, authorize};
use imrf_platform::rpc::{Call, record_entity, record_revision};
use imrf_proto::v1::regional_review_intake_server::RegionalReviewIntake;
use imrf_proto::v1::{
    Commission, GetRegionalReviewRequest, GetRegionalReviewResponse, ListRegionalReviewsRequest,
    ListRegionalReviewsResponse, RegionalReviewRecord, SubmitRegionalReviewRequest,
    SubmitRegionalReviewResponse, WithdrawRegionalReviewRequest, WithdrawRegionalReviewResponse,
};

use crate::decide::{self, ReviewHead, ReviewRef};
use crate::model::{ReviewKey, Reviews};
use crate::validate::{self, parse_review_id};

/// Default and largest page of `ListRegionalReviews`.
const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 200;

/// The state a handler needs.
#[derive(Debug, Clone)]
pub struct Intake {
    pub(crate) bus: Bus,
    pub(crate) ledger: RequestLedger,
    pub(crate) clock: SharedClock,
    pub(crate) reviews: Arc<RwLock<Reviews>>,
    pub(crate) calendar: Arc<FollowedCalendar>,
    pub(crate) follower: Arc<Follower>,
    pub(crate) read_timeout: Duration,
}

impl Intake {
    /// The review's head, read from the stream itself (never from the read
    /// model, which may lag): what a conditional write builds on.
    async fn head(&self, subject: &str) -> Result<Option<ReviewHead>, ServiceError> {
        let Some(message) = self.bus.last_message(subject).await? else {
            return Ok(None);
        };
        Ok(Some(ReviewHead::of(message.sequence, &message.event()?)))
    }

    /// Waits until the read model holds the event at `sequence`.
    async fn settle(&self, sequence: u64) {
        self.follower.settle(sequence, self.read_timeout).await;
    }

    async fn submit(
        &self,
        call: Call<SubmitRegionalReviewRequest>,
    ) -> Result<SubmitRegionalReviewResponse, ServiceError> {
        let (request, caller, trace) = call.into_parts();
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        match &request.review {
            Some(review) => validate::review(&mut v, "review", review),
            None => v.add("review", "is required"),
        }
        v.finish()?;
        let review = request
            .review
            .as_ref()
            .ok_or_else(|| Refusal::invalid("review", "is required"))?;
        let commission = Commission::try_from(review.commission).unwrap_or_default();
        authorize(
            Rpc::SubmitRegionalReview,
            &caller,
            Target::Commission(commission),
        )?;
        let target = ReviewRef::new(&review.cycle_id, commission);
        record_entity(&target.id);

        let attempt = self.ledger.attempt(
            "submit-regional-review",
            &caller.subject,
            &request.request_id,
            fingerprint(&request),
        );
        self.calendar
            .learn(&review.cycle_id, self.read_timeout)
            .await?;
        let head = self.head(&target.subject).await?;
        let decided = decide::submit(
            &target,
            review,
            request.expected_revision,
            head,
            &*self.calendar.read()?,
            caller.acting(&request.request_id, self.clock.now()),
        );
        let stored = self
            .ledger
            .carry_out(&attempt, decided.map_err(ServiceError::from), Some(&trace))
            .await?;
        let response = decide::submitted(&target, &stored);
        record_revision(response.revision);
        self.settle(stored.published.sequence).await;
        tracing::info!(event_id = %response.event_id, "regional review accepted");
        Ok(response)
    }

    async fn withdraw(
        &self,
        call: Call<WithdrawRegionalReviewRequest>,
    ) -> Result<WithdrawRegionalReviewResponse, ServiceError> {
        let (request, caller, trace) = call.into_parts();
        record_entity(&request.review_id);
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        let parsed = parse_review_id(&request.review_id);
        if parsed.is_none() {
            v.add(
                "review_id",
                format!(
                    "'{}' is not a review id such as \"2026-ECE\"",
                    request.review_id
                ),
            );
        }
        v.required_text("reason", &request.reason, SHORT_TEXT_MAX_CHARS);
        v.finish()?;
        let Some((cycle_id, commission)) = parsed else {
            return Err(Refusal::invalid("review_id", "is not a review id").into());
        };
        authorize(
            Rpc::WithdrawRegionalReview,
            &caller,
            Target::Commission(commission),
        )?;
        let target = ReviewRef::new(&cycle_id, commission);

        let attempt = self.ledger.attempt(
            "withdraw-regional-review",
            &caller.subject,
            &request.request_id,
            fingerprint(&request),
        );
        self.calendar.learn(&cycle_id, self.read_timeout).await?;
        let head = self.head(&target.subject).await?;
        let decided = decide::withdraw(
            &target,
            &request,
            head,
            &*self.calendar.read()?,
            caller.acting(&request.request_id, self.clock.now()),
        );
        let stored = self
            .ledger
            .carry_out(&attempt, decided.map_err(ServiceError::from), Some(&trace))
            .await?;
        let response = decide::withdrawn(&target, &stored);
        record_revision(response.revision);
        self.settle(stored.published.sequence).await;
        tracing::info!(event_id = %response.event_id, "regional review withdrawn");
        Ok(response)
    }

    async fn get(
        &self,
        call: Call<GetRegionalReviewRequest>,
    ) -> Result<GetRegionalReviewResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        record_entity(&request.review_id);
        let Some((cycle_id, commission)) = parse_review_id(&request.review_id) else {
            return Err(Refusal::invalid(
                "review_id",
                format!(
                    "'{}' is not a review id such as \"2026-ECE\"",
                    request.review_id
                ),
            )
            .into());
        };
        authorize(Rpc::GetRegionalReview, who, Target::Commission(commission))?;
        let reviews = read_model(&self.reviews)?;
        let history = reviews.get(&cycle_id, commission).ok_or_else(|| {
            ServiceError::NotFound(format!("review {} does not exist", request.review_id))
        })?;
        let record = history.record(request.revision).ok_or_else(|| {
            ServiceError::NotFound(format!(
                "review {} has {} revision(s); there is no revision {}",
                request.review_id,
                history.latest_revision(),
                request.revision
            ))
        })?;
        Ok(GetRegionalReviewResponse {
            record: Some(record),
        })
    }

    async fn list(
        &self,
        call: Call<ListRegionalReviewsRequest>,
    ) -> Result<ListRegionalReviewsResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        let mut v = Violations::new();
        if !request.cycle_id.is_empty() {
            v.cycle_id("cycle_id", &request.cycle_id);
        }
        let commission = match Commission::try_from(request.commission) {
            Ok(c) => c,
            Err(_) => {
                v.add(
                    "commission",
                    format!("{} is not a commission", request.commission),
                );
                Commission::Unspecified
            }
        };
        let after: Option<ReviewKey> = if request.page_token.is_empty() {
            None
        } else {
            match parse_review_id(&request.page_token) {
                Some((cycle, c)) => Some((cycle, c as i32)),
                None => {
                    v.add(
                        "page_token",
                        "is not a token this service gave; start again without it",
                    );
                    None
                }
            }
        };
        v.finish()?;
        // A commission lists its own reviews: no filter means its own.
        let commission = match (&who.role, commission) {
            (Role::Commission(own), Commission::Unspecified) => *own,
            _ => commission,
        };
        if commission != Commission::Unspecified {
            authorize(
                Rpc::ListRegionalReviews,
                who,
                Target::Commission(commission),
            )?;
        } else {
            authorize(Rpc::ListRegionalReviews, who, Target::Unscoped)?;
        }
        let page = page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE);
        let reviews = read_model(&self.reviews)?;
        let mut records = Vec::new();
        let mut next_page_token = String::new();
        for ((cycle, code), history) in reviews.iter_from(after.as_ref()) {
            if !request.cycle_id.is_empty() && *cycle != request.cycle_id {
                continue;
            }
            if commission != Commission::Unspecified && *code != commission as i32 {
                continue;
            }
            let Some(record) = history.record(0) else {
                continue;
            };
            if record.withdrawn && !request.include_withdrawn {
                continue;
            }
            if records.len() == page {
                // One more match exists: the page ends at the last one kept.
                next_page_token = records
                    .last()
                    .map(|r: &RegionalReviewRecord| r.review_id.clone())
                    .unwrap_or_default();
                break;
            }
            records.push(record);
        }
        Ok(ListRegionalReviewsResponse {
            records,
            next_page_token,
        })
    }
}

imrf_platform::grpc_service! {
    impl RegionalReviewIntake for Intake {
        fn submit_regional_review(SubmitRegionalReviewRequest) -> SubmitRegionalReviewResponse = submit;
        fn get_regional_review(GetRegionalReviewRequest) -> GetRegionalReviewResponse = get;
        fn list_regional_reviews(ListRegionalReviewsRequest) -> ListRegionalReviewsResponse = list;
        fn withdraw_regional_review(WithdrawRegionalReviewRequest) -> WithdrawRegionalReviewResponse = withdraw;
    }
}
