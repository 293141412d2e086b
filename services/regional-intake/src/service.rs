//! Where a regional review enters: the `RegionalReviewIntake` gRPC service.
//! A submission is checked (`validate`), refused if its cycle no longer takes
//! regional reviews, turned into a `RegionalReviewAccepted` event on the
//! review's own subject with optimistic concurrency, and answered only once
//! JetStream has stored it. Reads come from the read model (`model`).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use imrf_common::ServiceError;
use imrf_common::auth::{Caller, Role, caller_of};
use imrf_common::authz::{Rpc, Target, authorize};
use imrf_common::bus::follow::Follower;
use imrf_common::bus::ledger::{Prepared, RequestLedger, fingerprint};
use imrf_common::bus::names::subject;
use imrf_common::bus::{Bus, Expect, new_event};
use imrf_common::clock::SharedClock;
use imrf_common::cycles::CycleCalendar;
use imrf_common::refdata::commission_code;
use imrf_common::revision::{Head, next_revision};
use imrf_common::telemetry::TraceContext;
use imrf_common::validate::{SHORT_TEXT_MAX_CHARS, Violations};
use imrf_proto::v1::regional_review_intake_server::RegionalReviewIntake;
use imrf_proto::v1::{
    Commission, Deadline, Event, GetRegionalReviewRequest, GetRegionalReviewResponse,
    ListRegionalReviewsRequest, ListRegionalReviewsResponse, RecordMeta, RegionalReviewAccepted,
    RegionalReviewRecord, RegionalReviewWithdrawn, SubmitRegionalReviewRequest,
    SubmitRegionalReviewResponse, WithdrawRegionalReviewRequest, WithdrawRegionalReviewResponse,
    event::Payload,
};
use tonic::{Request, Response, Status};
use tracing::{Instrument, field};

use crate::SERVICE_NAME;
use crate::model::{ReviewKey, Reviews};
use crate::validate::{self, parse_review_id, review_id};

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
    pub(crate) calendar: Arc<RwLock<CycleCalendar>>,
    pub(crate) follower: Arc<Follower>,
    pub(crate) read_timeout: Duration,
}

/// What the stream says of a review right now.
struct Current {
    sequence: u64,
    revision: u32,
    withdrawn: bool,
}

impl Intake {
    async fn current(&self, subject: &str) -> Result<Option<Current>, ServiceError> {
        let Some(message) = self.bus.last_message(subject).await? else {
            return Ok(None);
        };
        let event = message
            .event()
            .map_err(|e| ServiceError::Internal(format!("{subject}: {e}")))?;
        let (revision, withdrawn) = match event.payload {
            Some(Payload::RegionalReviewAccepted(a)) => (
                a.record.and_then(|r| r.meta).map_or(0, |m| m.revision),
                false,
            ),
            Some(Payload::RegionalReviewWithdrawn(w)) => (w.revision, true),
            _ => (0, false),
        };
        Ok(Some(Current {
            sequence: message.sequence,
            revision,
            withdrawn,
        }))
    }

    fn check_cycle(&self, cycle_id: &str, deadline: Deadline) -> Result<(), ServiceError> {
        let calendar = self
            .calendar
            .read()
            .map_err(|_| ServiceError::Internal("calendar lock poisoned".into()))?;
        calendar.check_accepting(cycle_id, deadline, self.clock.now())
    }

    /// Waits until the read model holds the event at `sequence`, so the
    /// caller reads its own write; a slow model only delays, never fails, an
    /// answer whose event is already stored.
    async fn settle(&self, sequence: u64) {
        if sequence > 0
            && !self
                .follower
                .wait_applied(sequence, self.read_timeout)
                .await
        {
            tracing::warn!(sequence, "read model behind the stream");
        }
    }

    async fn submit(
        &self,
        request: SubmitRegionalReviewRequest,
        who: Caller,
        trace: TraceContext,
    ) -> Result<SubmitRegionalReviewResponse, ServiceError> {
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        match &request.review {
            Some(review) => validate::review(&mut v, "review", review),
            None => v.add("review", "is required"),
        }
        v.finish()?;
        let review = request.review.clone().unwrap_or_default();
        let commission = Commission::try_from(review.commission).unwrap_or_default();
        authorize(
            Rpc::SubmitRegionalReview,
            &who,
            Target::Commission(commission),
        )?;
        let id = review_id(&review.cycle_id, commission);
        let span = tracing::Span::current();
        span.record("review_id", id.as_str());
        span.record("commission", commission_code(commission));
        let subject = subject::regional_review(commission_code(commission), &review.cycle_id);

        let mut stored_at = 0;
        let response = self
            .ledger
            .run(
                "submit-regional-review",
                &request.request_id,
                fingerprint(&request),
                Some(&trace),
                async || {
                    self.check_cycle(&review.cycle_id, Deadline::RegionalReviews)?;
                    let current = self.current(&subject).await?;
                    let head = current.as_ref().map(|c| Head {
                        sequence: c.sequence,
                        revision: c.revision,
                    });
                    let (revision, expect) =
                        next_revision(&format!("review {id}"), head, request.expected_revision)?;
                    let now = self.clock.now();
                    let mut event = new_event(
                        "regional.review.accepted",
                        SERVICE_NAME,
                        &review.cycle_id,
                        now,
                        Payload::RegionalReviewAccepted(RegionalReviewAccepted { record: None }),
                    );
                    let record = RegionalReviewRecord {
                        review_id: id.clone(),
                        review: Some(review.clone()),
                        meta: Some(RecordMeta {
                            revision,
                            accepted_at: Some(imrf_proto::timestamp(now)),
                            submitted_by: who.subject.clone(),
                            event_id: event.id.clone(),
                        }),
                        ..Default::default()
                    };
                    event.payload = Some(Payload::RegionalReviewAccepted(RegionalReviewAccepted {
                        record: Some(record),
                    }));
                    event.request_id = request.request_id.clone();
                    event.actor = who.subject.clone();
                    Ok(Prepared {
                        subject: subject.clone(),
                        event,
                        expect,
                    })
                },
                |event: &Event, published| {
                    stored_at = published.sequence;
                    let revision = match &event.payload {
                        Some(Payload::RegionalReviewAccepted(a)) => a
                            .record
                            .as_ref()
                            .and_then(|r| r.meta.as_ref())
                            .map_or(0, |m| m.revision),
                        _ => 0,
                    };
                    SubmitRegionalReviewResponse {
                        review_id: id.clone(),
                        revision,
                        event_id: event.id.clone(),
                    }
                },
            )
            .await?;
        span.record("revision", response.revision);
        self.settle(stored_at).await;
        tracing::info!(event_id = %response.event_id, "regional review accepted");
        Ok(response)
    }

    async fn withdraw(
        &self,
        request: WithdrawRegionalReviewRequest,
        who: Caller,
        trace: TraceContext,
    ) -> Result<WithdrawRegionalReviewResponse, ServiceError> {
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
            return Err(ServiceError::invalid("review_id", "is not a review id"));
        };
        authorize(
            Rpc::WithdrawRegionalReview,
            &who,
            Target::Commission(commission),
        )?;
        let span = tracing::Span::current();
        span.record("review_id", request.review_id.as_str());
        span.record("commission", commission_code(commission));
        let subject = subject::regional_review(commission_code(commission), &cycle_id);

        let mut stored_at = 0;
        let response = self
            .ledger
            .run(
                "withdraw-regional-review",
                &request.request_id,
                fingerprint(&request),
                Some(&trace),
                async || {
                    self.check_cycle(&cycle_id, Deadline::Plenary)?;
                    let Some(current) = self.current(&subject).await? else {
                        return Err(ServiceError::NotFound(format!(
                            "review {} does not exist",
                            request.review_id
                        )));
                    };
                    if current.withdrawn {
                        return Err(ServiceError::FailedPrecondition(format!(
                            "review {} is already withdrawn",
                            request.review_id
                        )));
                    }
                    if let Some(expected) = request.expected_revision
                        && expected != current.revision
                    {
                        return Err(ServiceError::Aborted(format!(
                            "review {} is at revision {}, not {expected}",
                            request.review_id, current.revision
                        )));
                    }
                    let mut event = new_event(
                        "regional.review.withdrawn",
                        SERVICE_NAME,
                        &cycle_id,
                        self.clock.now(),
                        Payload::RegionalReviewWithdrawn(RegionalReviewWithdrawn {
                            review_id: request.review_id.clone(),
                            commission: commission as i32,
                            revision: current.revision,
                            reason: request.reason.clone(),
                        }),
                    );
                    event.request_id = request.request_id.clone();
                    event.actor = who.subject.clone();
                    Ok(Prepared {
                        subject: subject.clone(),
                        event,
                        expect: Expect::LastSubjectSequence(current.sequence),
                    })
                },
                |event: &Event, published| {
                    stored_at = published.sequence;
                    let revision = match &event.payload {
                        Some(Payload::RegionalReviewWithdrawn(w)) => w.revision,
                        _ => 0,
                    };
                    WithdrawRegionalReviewResponse {
                        review_id: request.review_id.clone(),
                        revision,
                        event_id: event.id.clone(),
                    }
                },
            )
            .await?;
        span.record("revision", response.revision);
        self.settle(stored_at).await;
        tracing::info!(event_id = %response.event_id, "regional review withdrawn");
        Ok(response)
    }

    fn get(
        &self,
        request: &GetRegionalReviewRequest,
        who: &Caller,
    ) -> Result<GetRegionalReviewResponse, ServiceError> {
        let Some((cycle_id, commission)) = parse_review_id(&request.review_id) else {
            return Err(ServiceError::invalid(
                "review_id",
                format!(
                    "'{}' is not a review id such as \"2026-ECE\"",
                    request.review_id
                ),
            ));
        };
        authorize(Rpc::GetRegionalReview, who, Target::Commission(commission))?;
        let reviews = self
            .reviews
            .read()
            .map_err(|_| ServiceError::Internal("read model lock poisoned".into()))?;
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

    fn list(
        &self,
        request: &ListRegionalReviewsRequest,
        who: &Caller,
    ) -> Result<ListRegionalReviewsResponse, ServiceError> {
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
        let page = match usize::try_from(request.page_size).unwrap_or(MAX_PAGE) {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let reviews = self
            .reviews
            .read()
            .map_err(|_| ServiceError::Internal("read model lock poisoned".into()))?;
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

#[tonic::async_trait]
impl RegionalReviewIntake for Intake {
    async fn submit_regional_review(
        &self,
        request: Request<SubmitRegionalReviewRequest>,
    ) -> Result<Response<SubmitRegionalReviewResponse>, Status> {
        let trace = TraceContext::from_metadata(request.metadata());
        let span = tracing::info_span!(
            "submit_regional_review",
            trace_id = %trace.trace_id_hex(),
            request_id = %request.get_ref().request_id,
            review_id = field::Empty,
            commission = field::Empty,
            revision = field::Empty,
        );
        let who = caller_of(&request)?;
        self.submit(request.into_inner(), who, trace)
            .instrument(span)
            .await
            .map(Response::new)
            .map_err(Status::from)
    }

    async fn get_regional_review(
        &self,
        request: Request<GetRegionalReviewRequest>,
    ) -> Result<Response<GetRegionalReviewResponse>, Status> {
        let who = caller_of(&request)?;
        self.get(request.get_ref(), &who)
            .map(Response::new)
            .map_err(Status::from)
    }

    async fn list_regional_reviews(
        &self,
        request: Request<ListRegionalReviewsRequest>,
    ) -> Result<Response<ListRegionalReviewsResponse>, Status> {
        let who = caller_of(&request)?;
        self.list(request.get_ref(), &who)
            .map(Response::new)
            .map_err(Status::from)
    }

    async fn withdraw_regional_review(
        &self,
        request: Request<WithdrawRegionalReviewRequest>,
    ) -> Result<Response<WithdrawRegionalReviewResponse>, Status> {
        let trace = TraceContext::from_metadata(request.metadata());
        let span = tracing::info_span!(
            "withdraw_regional_review",
            trace_id = %trace.trace_id_hex(),
            request_id = %request.get_ref().request_id,
            review_id = field::Empty,
            commission = field::Empty,
            revision = field::Empty,
        );
        let who = caller_of(&request)?;
        self.withdraw(request.into_inner(), who, trace)
            .instrument(span)
            .await
            .map(Response::new)
            .map_err(Status::from)
    }
}
