//! Where a practice enters and is curated: the `PracticeRepository` gRPC
//! service. Every step is checked against the curation rules (`model`),
//! written as one event on the practice's own subject with optimistic
//! concurrency, and answered once JetStream stored it. Focal points are
//! personal data: they are kept in the service's own key-value bucket, never
//! in events, search results or logs.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_nats::jetstream::kv;
use bytes::Bytes;
use imrf_bus::follow::Follower;
use imrf_bus::follow::read_model;
use imrf_bus::ledger::{RequestLedger, fingerprint};
use imrf_bus::names::subject;
use imrf_bus::{Bus, BusError, BusErrorKind};
use imrf_gcm::clock::SharedClock;
use imrf_gcm::refdata::{COMMISSIONS, MEMBER_STATE_COUNT, commission_code};
use imrf_gcm::validate::{Path, SHORT_TEXT_MAX_CHARS, Violations, page_size};
use imrf_platform::ServiceError;
use imrf_platform::auth::Caller;
use imrf_platform::authz::{Rpc, Target, authorize, may_see_contact, permits, sees_unpublished};
use imrf_platform::rpc::{Call, record_entity};
use imrf_proto::v1::practice_repository_server::PracticeRepository;
use imrf_proto::v1::{
    Commission, FacetCount, FocalPoint, GetNetworkContributionRequest,
    GetNetworkContributionResponse, GetPracticeHistoryRequest, GetPracticeHistoryResponse,
    GetPracticeRequest, GetPracticeResponse, GuidingPrinciple, Practice, PracticeStatus,
    PracticeSummary, PracticeType, ReviewCriterion, ReviewDecision, ReviewPracticeRequest,
    ReviewPracticeResponse, SearchOrder, SearchPracticesRequest, SearchPracticesResponse,
    StakeholderType, SubmitNetworkContributionRequest, SubmitNetworkContributionResponse,
    SubmitPracticeRequest, SubmitPracticeResponse, UpdatePracticeRequest, UpdatePracticeResponse,
    WithdrawPracticeRequest, WithdrawPracticeResponse,
};
use prost::Message;

use crate::decide;
use crate::model::{PracticeState, Practices};
use crate::search::{Filters, ResultOrder, SearchIndex};
use crate::validate;

const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;

/// The state a handler needs.
#[derive(Debug, Clone)]
pub struct Hub {
    pub(crate) bus: Bus,
    pub(crate) ledger: RequestLedger,
    pub(crate) clock: SharedClock,
    pub(crate) practices: Arc<RwLock<Practices>>,
    pub(crate) index: Arc<SearchIndex>,
    pub(crate) follower: Arc<Follower>,
    pub(crate) contacts: kv::Store,
    pub(crate) approvals_required: u32,
    pub(crate) read_timeout: Duration,
}

fn unavailable(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ServiceError {
    ServiceError::Unavailable(BusError::new(BusErrorKind::Unavailable, err))
}

/// A practice, as the authorization table sees it.
fn material(state: &PracticeState) -> Target<'_> {
    Target::Material {
        submitter: &state.submitter,
        published: state.status() == PracticeStatus::Published,
    }
}

/// `rpc` on a practice `who` may not see at all: to them it does not exist.
fn visible(rpc: Rpc, who: &Caller, state: &PracticeState) -> Result<(), ServiceError> {
    if permits(rpc, who, material(state)) {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!(
            "practice {} does not exist",
            state.practice_id
        )))
    }
}

fn valid_practice_id(v: &mut Violations, id: &str) {
    if ulid::Ulid::from_string(id).is_err() {
        v.add(
            "practice_id",
            format!("'{id}' is not a practice id (a 26-character ULID)"),
        );
    }
}

/// The UN Network on Migration's contribution to a cycle's report.
impl Hub {
    async fn contribution(
        &self,
        cycle_id: &str,
    ) -> Result<Option<(u64, imrf_proto::v1::Event)>, ServiceError> {
        let last = self
            .bus
            .last_message(&subject::network_contribution(cycle_id))
            .await?;
        Ok(match last {
            None => None,
            Some(message) => Some((message.sequence, message.event()?)),
        })
    }

    async fn submit_contribution(
        &self,
        call: Call<SubmitNetworkContributionRequest>,
    ) -> Result<SubmitNetworkContributionResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        authorize(Rpc::SubmitNetworkContribution, &who, Target::Unscoped)?;
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        match &request.contribution {
            Some(c) => validate::network_contribution(&mut v, "contribution", c),
            None => v.add("contribution", "is required"),
        }
        v.finish()?;
        let contribution = request.contribution.clone().unwrap_or_default();
        record_entity(&contribution.cycle_id);
        let attempt = self.ledger.attempt(
            "submit-network-contribution",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let head = self
            .contribution(&contribution.cycle_id)
            .await?
            .map(|(sequence, event)| decide::contribution_head(sequence, &event));
        let decided = decide::contribute(
            &contribution,
            head,
            request.expected_revision,
            who.acting(&request.request_id, self.clock.now()),
        );
        let stored = self
            .ledger
            .carry_out(&attempt, decided.map_err(ServiceError::from), Some(&trace))
            .await?;
        let record = decide::contributed(&stored.event);
        tracing::info!(
            cycle_id = %contribution.cycle_id,
            revision = record.as_ref().and_then(|r| r.meta.as_ref()).map_or(0, |m| m.revision),
            "network contribution accepted"
        );
        Ok(SubmitNetworkContributionResponse { record })
    }

    async fn get_contribution(
        &self,
        call: Call<GetNetworkContributionRequest>,
    ) -> Result<GetNetworkContributionResponse, ServiceError> {
        authorize(Rpc::GetNetworkContribution, &call.caller, Target::Unscoped)?;
        let cycle_id = &call.message.cycle_id;
        let record = self
            .contribution(cycle_id)
            .await?
            .and_then(|(_, event)| decide::contributed(&event))
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "the Network has no contribution to cycle {cycle_id}"
                ))
            })?;
        Ok(GetNetworkContributionResponse {
            record: Some(record),
        })
    }
}

impl Hub {
    /// The practice as the stream holds it now: waits until the read model
    /// has applied the practice's last event, then reads it.
    async fn current(&self, id: &str) -> Result<PracticeState, ServiceError> {
        let head = self.bus.last_message(&subject::practice(id)).await?;
        let Some(head) = head else {
            return Err(ServiceError::NotFound(format!(
                "practice {id} does not exist"
            )));
        };
        if !self
            .follower
            .wait_applied(head.sequence, self.read_timeout)
            .await
        {
            return Err(unavailable("read model behind the stream"));
        }
        read_model(&self.practices)?
            .get(id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("practice {id} does not exist")))
    }

    /// Waits until the read model holds the event at `sequence`.
    async fn settle(&self, sequence: u64) {
        self.follower.settle(sequence, self.read_timeout).await;
    }

    async fn store_contact(&self, id: &str, focal: &FocalPoint) -> Result<(), ServiceError> {
        self.contacts
            .put(id, Bytes::from(focal.encode_to_vec()))
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn contact(&self, id: &str) -> Result<Option<FocalPoint>, ServiceError> {
        let Some(bytes) = self.contacts.get(id).await.map_err(unavailable)? else {
            return Ok(None);
        };
        FocalPoint::decode(bytes)
            .map(Some)
            .map_err(|e| ServiceError::Internal(format!("contact of {id}: {e}")))
    }

    async fn submit(
        &self,
        call: Call<SubmitPracticeRequest>,
    ) -> Result<SubmitPracticeResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        match &request.details {
            Some(d) => validate::details(&mut v, "details", d),
            None => v.add("details", "is required"),
        }
        validate::focal_point(&mut v, "focal_point", request.focal_point.as_ref());
        v.finish()?;
        authorize(Rpc::SubmitPractice, &who, Target::Unscoped)?;
        let details = request.details.clone().unwrap_or_default();
        let focal = request.focal_point.clone().unwrap_or_default();
        let warnings = validate::warnings(&details);
        let attempt = self.ledger.attempt(
            "submit-practice",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        // The focal point is stored before the event that refers to it (a
        // practice never exists without one), which a repeated request must
        // not do again: ask the ledger first.
        let stored = match self.ledger.earlier(&attempt, Some(&trace)).await? {
            Some(stored) => stored,
            None => {
                let now = self.clock.now();
                let id = decide::practice_id(now, &who.subject, &request.request_id);
                self.store_contact(&id, &focal).await?;
                let prepared = decide::submit(
                    &id,
                    &details,
                    warnings,
                    who.acting(&request.request_id, now),
                );
                self.ledger
                    .record_and_publish(&attempt, prepared, Some(&trace))
                    .await?
            }
        };
        let response = decide::submitted(&stored);
        self.settle(stored.published.sequence).await;
        tracing::info!(practice_id = %response.practice_id, "practice submitted");
        Ok(response)
    }

    async fn update(
        &self,
        call: Call<UpdatePracticeRequest>,
    ) -> Result<UpdatePracticeResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        record_entity(&request.practice_id);
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        valid_practice_id(&mut v, &request.practice_id);
        match &request.details {
            Some(d) => validate::details(&mut v, "details", d),
            None => v.add("details", "is required"),
        }
        if request.focal_point.is_some() {
            validate::focal_point(&mut v, "focal_point", request.focal_point.as_ref());
        }
        v.optional_text("note", &request.note, SHORT_TEXT_MAX_CHARS);
        v.finish()?;
        let details = request.details.clone().unwrap_or_default();
        let warnings = validate::warnings(&details);
        let attempt = self.ledger.attempt(
            "update-practice",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        // A new focal point is stored before the event, which a repeated
        // request must not do again: ask the ledger first.
        let stored = match self.ledger.earlier(&attempt, Some(&trace)).await? {
            Some(stored) => stored,
            None => {
                let state = self.current(&request.practice_id).await?;
                // What the caller may not even see does not exist for it;
                // what it sees but does not own is refused.
                visible(Rpc::GetPractice, &who, &state)?;
                authorize(Rpc::UpdatePractice, &who, material(&state))?;
                let acting = who.acting(&request.request_id, self.clock.now());
                let prepared = decide::update(&request, &state, warnings, acting)?;
                if let Some(focal) = &request.focal_point {
                    self.store_contact(&request.practice_id, focal).await?;
                }
                self.ledger
                    .record_and_publish(&attempt, prepared, Some(&trace))
                    .await?
            }
        };
        let response = decide::updated(&stored);
        self.settle(stored.published.sequence).await;
        Ok(response)
    }

    async fn review(
        &self,
        call: Call<ReviewPracticeRequest>,
    ) -> Result<ReviewPracticeResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        record_entity(&request.practice_id);
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        valid_practice_id(&mut v, &request.practice_id);
        if request.revision == 0 {
            v.add("revision", "is required: the revision reviewed");
        }
        let decision: Option<ReviewDecision> =
            v.required_enum("decision", request.decision, "review decision");
        if matches!(
            decision,
            Some(ReviewDecision::RequestChanges | ReviewDecision::Reject)
        ) && request.note.trim().is_empty()
        {
            v.add(
                "note",
                "is required when requesting changes or rejecting: tell the submitter why",
            );
        }
        v.optional_text("note", &request.note, SHORT_TEXT_MAX_CHARS * 4);
        let mut seen = std::collections::BTreeSet::new();
        for (i, mark) in request.marks.iter().enumerate() {
            let item = Path::item(&"marks", i);
            let criterion: Option<ReviewCriterion> = v.required_enum(
                Path::field(&item, "criterion"),
                mark.criterion,
                "review criterion",
            );
            if criterion.is_some() && !seen.insert(mark.criterion) {
                v.add(Path::field(&item, "criterion"), "is marked twice");
            }
            if !(1..=5).contains(&mark.mark) {
                v.add(
                    Path::field(&item, "mark"),
                    format!("{} is not a mark from 1 to 5", mark.mark),
                );
            }
        }
        v.finish()?;
        let decision = decision.unwrap_or_default();
        let attempt = self.ledger.attempt(
            "review-practice",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let decided = self.current(&request.practice_id).await.and_then(|state| {
            authorize(Rpc::ReviewPractice, &who, material(&state))?;
            let acting = who.acting(&request.request_id, self.clock.now());
            Ok(decide::review(
                &request,
                decision,
                &state,
                self.approvals_required,
                acting,
            )?)
        });
        let stored = self
            .ledger
            .carry_out(&attempt, decided, Some(&trace))
            .await?;
        self.settle(stored.published.sequence).await;
        let approvals = read_model(&self.practices)?
            .get(&request.practice_id)
            .map_or(0, PracticeState::approvals);
        let response = decide::reviewed(&stored, approvals, self.approvals_required);
        let status = PracticeStatus::try_from(response.status)
            .unwrap_or_default()
            .as_str_name();
        tracing::info!(practice_id = %request.practice_id, reviewer = %who.subject, status, "practice reviewed");
        Ok(response)
    }

    async fn withdraw(
        &self,
        call: Call<WithdrawPracticeRequest>,
    ) -> Result<WithdrawPracticeResponse, ServiceError> {
        let (request, who, trace) = call.into_parts();
        record_entity(&request.practice_id);
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        valid_practice_id(&mut v, &request.practice_id);
        v.required_text("reason", &request.reason, SHORT_TEXT_MAX_CHARS);
        v.finish()?;
        let attempt = self.ledger.attempt(
            "withdraw-practice",
            &who.subject,
            &request.request_id,
            fingerprint(&request),
        );
        let decided = self.current(&request.practice_id).await.and_then(|state| {
            // What the caller may not even see does not exist for it; what
            // it sees but does not own is refused.
            visible(Rpc::GetPractice, &who, &state)?;
            authorize(Rpc::WithdrawPractice, &who, material(&state))?;
            let acting = who.acting(&request.request_id, self.clock.now());
            Ok(decide::withdraw(&request, &state, acting)?)
        });
        let stored = self
            .ledger
            .carry_out(&attempt, decided, Some(&trace))
            .await?;
        let response = decide::withdrawn(&request, &stored);
        self.settle(stored.published.sequence).await;
        Ok(response)
    }

    /// The practice, as `who` may see it.
    async fn get(
        &self,
        call: Call<GetPracticeRequest>,
    ) -> Result<GetPracticeResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        record_entity(&request.practice_id);
        let mut v = Violations::new();
        valid_practice_id(&mut v, &request.practice_id);
        v.finish()?;
        let state = read_model(&self.practices)?
            .get(&request.practice_id)
            .cloned()
            .ok_or_else(|| {
                ServiceError::NotFound(format!("practice {} does not exist", request.practice_id))
            })?;
        visible(Rpc::GetPractice, who, &state)?;
        let focal_point = if request.curator_view {
            if !may_see_contact(who, &state.submitter) {
                return Err(ServiceError::PermissionDenied(
                    "the focal point is personal data: only the submitter, the Network's curators and the secretariat may see it".into(),
                ));
            }
            self.contact(&request.practice_id).await?
        } else {
            None
        };
        Ok(GetPracticeResponse {
            practice: Some(Practice {
                practice_id: state.practice_id.clone(),
                details: Some(state.details.clone()),
                focal_point,
                status: state.status,
                meta: Some(state.meta()),
                warnings: state.warnings.clone(),
                approvals: state.approvals(),
                published_at: state.published_at,
                approvals_required: self.approvals_required,
            }),
        })
    }

    async fn search(
        &self,
        call: Call<SearchPracticesRequest>,
    ) -> Result<SearchPracticesResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        let mut v = Violations::new();
        v.optional_text("query", &request.query, SHORT_TEXT_MAX_CHARS);
        v.objectives("objectives", &request.objectives);
        v.list_len("countries", request.countries.len(), MEMBER_STATE_COUNT);
        for (i, c) in request
            .countries
            .iter()
            .enumerate()
            .take(MEMBER_STATE_COUNT)
        {
            v.member_state(Path::item(&"countries", i), c);
        }
        // A filter names each value of its kind at most once, so no list
        // is longer than the values there are (unspecified aside).
        for (field, len, values) in [
            ("statuses", request.statuses.len(), 6),
            ("guiding_principles", request.guiding_principles.len(), 10),
            ("regions", request.regions.len(), COMMISSIONS.len()),
            ("types", request.types.len(), 8),
            ("submitter_types", request.submitter_types.len(), 17),
        ] {
            v.list_len(field, len, values);
        }
        let statuses: Vec<i32> = if request.statuses.is_empty() {
            vec![PracticeStatus::Published as i32]
        } else {
            request.statuses.clone()
        };
        if statuses
            .iter()
            .any(|s| *s != PracticeStatus::Published as i32)
            && !sees_unpublished(who)
        {
            return Err(ServiceError::PermissionDenied(
                "only the Network's curators and the secretariat may search practices that are not published".into(),
            ));
        }
        if request.from_year != 0 && request.to_year != 0 && request.to_year < request.from_year {
            v.add(
                "to_year",
                format!(
                    "{} is before from_year {}",
                    request.to_year, request.from_year
                ),
            );
        }
        let offset: usize = if request.page_token.is_empty() {
            0
        } else {
            match request.page_token.parse() {
                Ok(n) => n,
                Err(_) => {
                    v.add(
                        "page_token",
                        "is not a token this service gave; start again without it",
                    );
                    0
                }
            }
        };
        let narrowed = !request.query.is_empty()
            || !request.objectives.is_empty()
            || !request.guiding_principles.is_empty()
            || !request.regions.is_empty()
            || !request.countries.is_empty()
            || !request.types.is_empty()
            || !request.submitter_types.is_empty()
            || !request.statuses.is_empty()
            || request.from_year != 0
            || request.to_year != 0
            || request.order != SearchOrder::Unspecified as i32;
        if request.own && narrowed {
            v.add(
                "own",
                "lists your own practices and takes no query, filter, status or order; leave those empty",
            );
        }
        v.finish()?;
        let page = page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE);
        if request.own {
            return self.own(who, offset, page);
        }
        let order = match SearchOrder::try_from(request.order).unwrap_or_default() {
            SearchOrder::OldestFirst => ResultOrder::OldestFirst,
            SearchOrder::Relevance | SearchOrder::Unspecified => ResultOrder::Relevance,
        };
        let filters = Filters {
            statuses: &statuses,
            objectives: &request.objectives,
            principles: &request.guiding_principles,
            regions: &request.regions,
            countries: &request.countries,
            types: &request.types,
            submitter_types: &request.submitter_types,
            from_year: request.from_year,
            to_year: request.to_year,
        };
        let found = self
            .index
            .search(&request.query, &filters, order, offset, page)
            .map_err(|e| ServiceError::internal(&e))?;
        let practices = read_model(&self.practices)?;
        let results = found
            .page
            .iter()
            .filter_map(|(id, score)| {
                practices
                    .get(id)
                    .map(|p| summary(p, *score, self.approvals_required))
            })
            .collect();
        let (total, facets) = (found.total, found.facets);
        let counted = |counts: std::collections::BTreeMap<String, u32>| {
            counts
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect::<Vec<_>>()
        };
        let named = |counts: std::collections::BTreeMap<i32, u32>,
                     name: fn(i32) -> Option<&'static str>| {
            counts
                .into_iter()
                .filter_map(|(v, count)| {
                    name(v).map(|value| FacetCount {
                        value: value.to_string(),
                        count,
                    })
                })
                .collect::<Vec<_>>()
        };
        Ok(SearchPracticesResponse {
            results,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            objective_facets: facets
                .objectives
                .into_iter()
                .map(|(o, count)| FacetCount {
                    value: o.to_string(),
                    count,
                })
                .collect(),
            region_facets: named(facets.regions, |r| {
                Commission::try_from(r).ok().map(commission_code)
            }),
            guiding_principle_facets: named(facets.principles, |p| {
                GuidingPrinciple::try_from(p).ok().map(|p| p.as_str_name())
            }),
            country_facets: counted(facets.countries),
            type_facets: named(facets.types, |t| {
                PracticeType::try_from(t).ok().map(|t| t.as_str_name())
            }),
            submitter_type_facets: named(facets.submitter_types, |t| {
                StakeholderType::try_from(t).ok().map(|t| t.as_str_name())
            }),
            next_page_token: if offset + page < total {
                (offset + page).to_string()
            } else {
                String::new()
            },
        })
    }
}

/// A practice as a search lists it.
fn summary(p: &PracticeState, score: f32, approvals_required: u32) -> PracticeSummary {
    PracticeSummary {
        practice_id: p.practice_id.clone(),
        details: Some(p.details.clone()),
        status: p.status,
        revision: p.revision,
        score,
        meta: Some(p.meta()),
        approvals: p.approvals(),
        needs_further_review: p.needs_further_review(),
        approvals_required,
    }
}

impl Hub {
    /// The practices `who` submitted, in every status (a submitter sees
    /// their own), the most recently revised first.
    fn own(
        &self,
        who: &Caller,
        offset: usize,
        page: usize,
    ) -> Result<SearchPracticesResponse, ServiceError> {
        let practices = read_model(&self.practices)?;
        let mut own: Vec<&PracticeState> = practices
            .all()
            .filter(|p| p.submitter == who.subject)
            .collect();
        let accepted = |p: &PracticeState| p.accepted_at.map(|t| (t.seconds, t.nanos));
        own.sort_by(|a, b| {
            accepted(b)
                .cmp(&accepted(a))
                .then_with(|| a.practice_id.cmp(&b.practice_id))
        });
        let total = own.len();
        Ok(SearchPracticesResponse {
            results: own
                .iter()
                .skip(offset)
                .take(page)
                .map(|p| summary(p, 0.0, self.approvals_required))
                .collect(),
            total: u32::try_from(total).unwrap_or(u32::MAX),
            next_page_token: if offset + page < total {
                (offset + page).to_string()
            } else {
                String::new()
            },
            ..Default::default()
        })
    }
}

imrf_platform::grpc_service! {
    impl PracticeRepository for Hub {
        fn submit_practice(SubmitPracticeRequest) -> SubmitPracticeResponse = submit;
        fn update_practice(UpdatePracticeRequest) -> UpdatePracticeResponse = update;
        fn get_practice(GetPracticeRequest) -> GetPracticeResponse = get;
        fn search_practices(SearchPracticesRequest) -> SearchPracticesResponse = search;
        fn review_practice(ReviewPracticeRequest) -> ReviewPracticeResponse = review;
        fn withdraw_practice(WithdrawPracticeRequest) -> WithdrawPracticeResponse = withdraw;
        fn get_practice_history(GetPracticeHistoryRequest) -> GetPracticeHistoryResponse = history;
        fn submit_network_contribution(SubmitNetworkContributionRequest) -> SubmitNetworkContributionResponse = submit_contribution;
        fn get_network_contribution(GetNetworkContributionRequest) -> GetNetworkContributionResponse = get_contribution;
    }
}

impl Hub {
    async fn history(
        &self,
        call: Call<GetPracticeHistoryRequest>,
    ) -> Result<GetPracticeHistoryResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        let id = &request.practice_id;
        record_entity(id);
        let state = read_model(&self.practices)?
            .get(id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("practice {id} does not exist")))?;
        visible(Rpc::GetPracticeHistory, who, &state)?;
        Ok(GetPracticeHistoryResponse {
            steps: state.history,
        })
    }
}
