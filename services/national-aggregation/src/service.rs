//! Where a national report enters, and where the aggregate is read: the
//! `NationalReportAggregation` gRPC service. A submission is checked
//! (`validate`), refused if its cycle no longer takes national reports,
//! written as `NationalReportAccepted` on the report's own subject with
//! optimistic concurrency, and answered once JetStream has stored it.

use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::Stream;
use imrf_bus::Bus;
use imrf_bus::follow::read_model;
use imrf_bus::follow::{FollowedCalendar, Follower};
use imrf_bus::ledger::{RequestLedger, fingerprint};
use imrf_bus::names::subject;
use imrf_gcm::Refusal;
use imrf_gcm::aggregate::Filter;
use imrf_gcm::clock::SharedClock;
use imrf_gcm::refdata::{kind_code, reference, round_table_objectives};
use imrf_gcm::revision::Head;
use imrf_gcm::validate::{Violations, page_size};
use imrf_platform::ServiceError;
use imrf_platform::auth::Role;
use imrf_platform::authz::{Rpc, Target, authorize};
use imrf_platform::rpc::{Call, record_entity, record_revision};
use imrf_proto::v1::national_report_aggregation_server::NationalReportAggregation;
use imrf_proto::v1::{
    Commission, ExportObservationsRequest, ExportObservationsResponse, ExportedObservation,
    GetAggregateRequest, GetAggregateResponse, GetNationalReportRequest, GetNationalReportResponse,
    ListNationalReportsRequest, ListNationalReportsResponse, NationalReportRecord, ReportKind,
    SubmitNationalReportRequest, SubmitNationalReportResponse, WatchAggregateRequest,
    WatchAggregateResponse, event::Payload,
};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tonic::Status;

use crate::decide;
use crate::reports::{ReportKey, Reports, key_of};
use crate::store::AggregateStore;
use crate::validate::{self, parse_report_id, report_id};

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 200;
/// Reports an export page holds: each has at most a thousand observations,
/// so a page stays far below the message limit.
const EXPORT_PAGE: usize = 10;

/// The state a handler needs.
#[derive(Debug, Clone)]
pub struct National {
    pub(crate) bus: Bus,
    pub(crate) ledger: RequestLedger,
    pub(crate) clock: SharedClock,
    pub(crate) reports: Arc<RwLock<Reports>>,
    pub(crate) calendar: Arc<FollowedCalendar>,
    pub(crate) follower: Arc<Follower>,
    pub(crate) store: AggregateStore,
    pub(crate) read_timeout: Duration,
    /// Turns true when the service shuts down: open watches end, so the
    /// server can drain.
    pub(crate) stopping: tokio::sync::watch::Receiver<bool>,
}

impl National {
    /// The report's head read from the stream itself.
    async fn head(&self, subject: &str) -> Result<Option<Head>, ServiceError> {
        let Some(message) = self.bus.last_message(subject).await? else {
            return Ok(None);
        };
        Ok(Some(decide::head_of(message.sequence, &message.event()?)))
    }

    /// The report's head as the read model holds it, which may lag the
    /// stream (see `submit`).
    fn head_in_read_model(&self, key: &ReportKey) -> Result<Option<Head>, ServiceError> {
        let reports = read_model(&self.reports)?;
        Ok(reports.get(key).map(|history| Head {
            sequence: history.last_sequence,
            revision: history.latest_revision(),
        }))
    }

    pub(crate) async fn submit(
        &self,
        call: Call<SubmitNationalReportRequest>,
    ) -> Result<SubmitNationalReportResponse, ServiceError> {
        let (request, caller, trace) = call.into_parts();
        let mut v = Violations::new();
        v.request_id("request_id", &request.request_id);
        match &request.report {
            Some(report) => validate::report(&mut v, "report", report),
            None => v.add("report", "is required"),
        }
        v.finish()?;
        // Borrowed, not cloned: the one copy is the one the event carries.
        let report = request
            .report
            .as_ref()
            .ok_or_else(|| Refusal::invalid("report", "is required"))?;
        let kind = ReportKind::try_from(report.kind).unwrap_or_default();
        authorize(
            Rpc::SubmitNationalReport,
            &caller,
            Target::State(&report.state),
        )?;
        let id = report_id(&report.cycle_id, &report.state, kind);
        record_entity(&id);
        let subject = subject::national_report(&report.state, &report.cycle_id, kind_code(kind));
        let key = key_of(report);
        let attempt = self.ledger.attempt(
            "submit-national-report",
            &caller.subject,
            &request.request_id,
            fingerprint(&request),
        );
        // The read model knows the report's head without a round trip; if it
        // lags the stream, the publish's expectation refuses the attempt and
        // stores nothing, and the second attempt reads the head from the
        // stream itself.
        self.calendar
            .learn(&report.cycle_id, self.read_timeout)
            .await?;
        let mut head_from_stream = false;
        let stored = loop {
            let head = if head_from_stream {
                self.head(&subject).await?
            } else {
                self.head_in_read_model(&key)?
            };
            let decided = decide::submit(
                &id,
                &subject,
                report,
                request.expected_revision,
                head,
                &*self.calendar.read()?,
                caller.acting(&request.request_id, self.clock.now()),
            );
            let attempted = self
                .ledger
                .carry_out(&attempt, decided.map_err(ServiceError::from), Some(&trace))
                .await;
            match attempted {
                Err(ServiceError::Aborted(_) | ServiceError::AlreadyExists(_))
                    if !head_from_stream =>
                {
                    head_from_stream = true;
                }
                attempted => break attempted?,
            }
        };
        let response = decide::submitted(&id, &stored);
        record_revision(response.revision);
        self.follower
            .settle(stored.published.sequence, self.read_timeout)
            .await;
        tracing::info!(event_id = %response.event_id, "national report accepted");
        Ok(response)
    }

    async fn get(
        &self,
        call: Call<GetNationalReportRequest>,
    ) -> Result<GetNationalReportResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        record_entity(&request.report_id);
        let Some((cycle, state, kind)) = parse_report_id(&request.report_id) else {
            return Err(ServiceError::invalid(
                "report_id",
                format!(
                    "'{}' is not a report id such as \"2026-KEN-VNR\"",
                    request.report_id
                ),
            ));
        };
        authorize(Rpc::GetNationalReport, who, Target::State(&state))?;
        let subject = subject::national_report(&state, &cycle, kind_code(kind));
        let latest = {
            let reports = read_model(&self.reports)?;
            reports
                .get(&(cycle, state, kind as i32))
                .map(|history| history.latest.clone())
                .ok_or_else(|| {
                    ServiceError::NotFound(format!("report {} does not exist", request.report_id))
                })?
        };
        let latest_revision = latest.meta.as_ref().map_or(0, |m| m.revision);
        let record = match request.revision {
            0 => latest,
            r if r == latest_revision => latest,
            r if r > latest_revision => {
                return Err(ServiceError::NotFound(format!(
                    "report {} has {latest_revision} revision(s); there is no revision {r}",
                    request.report_id
                )));
            }
            // Older revisions are not kept in memory: they are on the
            // report's own subject, a handful of messages.
            r => self.revision_on_stream(&subject, r).await?.ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "report {} has no revision {r} on the stream",
                    request.report_id
                ))
            })?,
        };
        Ok(GetNationalReportResponse {
            record: Some(record),
        })
    }

    /// Revision `revision` of the report on `subject`, read from NATIONAL.
    async fn revision_on_stream(
        &self,
        subject: &str,
        revision: u32,
    ) -> Result<Option<NationalReportRecord>, ServiceError> {
        let mut found = None;
        self.bus
            .replay(imrf_bus::names::NATIONAL.name, &[subject], |message| {
                if let Ok(event) = message.event()
                    && let Some(Payload::NationalReportAccepted(accepted)) = event.payload
                    && let Some(record) = accepted.record
                    && record.meta.as_ref().is_some_and(|m| m.revision == revision)
                {
                    found = Some(record);
                }
                Ok(())
            })
            .await?;
        Ok(found)
    }

    async fn list(
        &self,
        call: Call<ListNationalReportsRequest>,
    ) -> Result<ListNationalReportsResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        let mut v = Violations::new();
        if !request.cycle_id.is_empty() {
            v.cycle_id("cycle_id", &request.cycle_id);
        }
        if !request.state.is_empty() {
            v.member_state("state", &request.state);
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
        let after: Option<ReportKey> = if request.page_token.is_empty() {
            None
        } else {
            match parse_report_id(&request.page_token) {
                Some((cycle, state, kind)) => Some((cycle, state, kind as i32)),
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
        // A State lists its own reports: no filter means its own.
        let state_filter = match (&who.role, request.state.as_str()) {
            (Role::State(own), "") => own.as_str(),
            (_, state) => state,
        };
        if state_filter.is_empty() {
            authorize(Rpc::ListNationalReports, who, Target::Unscoped)?;
        } else {
            authorize(Rpc::ListNationalReports, who, Target::State(state_filter))?;
        }
        let page = page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE);
        let reports = read_model(&self.reports)?;
        let mut records: Vec<NationalReportRecord> = Vec::new();
        let mut next_page_token = String::new();
        for ((cycle, state, _), history) in reports.iter_from(after.as_ref()) {
            if (!request.cycle_id.is_empty() && *cycle != request.cycle_id)
                || (!state_filter.is_empty() && *state != state_filter)
                || (commission != Commission::Unspecified
                    && !reference().is_regional_member(commission, state))
            {
                continue;
            }
            let record = &history.latest;
            if records.len() == page {
                next_page_token = records
                    .last()
                    .map(|r| r.report_id.clone())
                    .unwrap_or_default();
                break;
            }
            records.push(record.clone());
        }
        Ok(ListNationalReportsResponse {
            records,
            next_page_token,
        })
    }

    async fn export(
        &self,
        call: Call<ExportObservationsRequest>,
    ) -> Result<ExportObservationsResponse, ServiceError> {
        let (request, who) = (&call.message, &call.caller);
        let mut v = Violations::new();
        v.cycle_id("cycle_id", &request.cycle_id);
        let after: Option<ReportKey> = if request.page_token.is_empty() {
            None
        } else {
            match parse_report_id(&request.page_token) {
                Some((cycle, state, kind)) if cycle == request.cycle_id => {
                    Some((cycle, state, kind as i32))
                }
                _ => {
                    v.add(
                        "page_token",
                        "is not a token this service gave for this cycle; start again without it",
                    );
                    None
                }
            }
        };
        v.finish()?;
        authorize(Rpc::ExportObservations, who, Target::Unscoped)?;
        let reports = read_model(&self.reports)?;
        let mut observations = Vec::new();
        let mut taken = 0;
        let mut last_id = String::new();
        let mut next_page_token = String::new();
        for ((cycle, state, _), history) in reports.iter_from(after.as_ref()) {
            if *cycle != request.cycle_id {
                continue;
            }
            let record = &history.latest;
            if taken == EXPORT_PAGE {
                next_page_token = last_id.clone();
                break;
            }
            taken += 1;
            let revision = record.meta.as_ref().map_or(0, |m| m.revision);
            for o in record.report.iter().flat_map(|r| &r.indicators) {
                observations.push(ExportedObservation {
                    state: state.clone(),
                    report_id: record.report_id.clone(),
                    revision,
                    observation: Some(o.clone()),
                });
            }
            last_id = record.report_id.clone();
        }
        Ok(ExportObservationsResponse {
            observations,
            next_page_token,
        })
    }

    fn filter(request: &GetAggregateRequest) -> Result<Filter, ServiceError> {
        let mut v = Violations::new();
        v.cycle_id("cycle_id", &request.cycle_id);
        let commission = match Commission::try_from(request.commission) {
            Ok(Commission::Unspecified) => None,
            Ok(c) => Some(c),
            Err(_) => {
                v.add(
                    "commission",
                    format!("{} is not a commission", request.commission),
                );
                None
            }
        };
        let round_table = match request.round_table {
            0 => None,
            n if round_table_objectives(n).is_some() => Some(n),
            n => {
                v.add("round_table", format!("{n} is not a round table (1-4)"));
                None
            }
        };
        v.finish()?;
        Ok(Filter {
            commission,
            round_table,
        })
    }
}

type AggregateStream =
    Pin<Box<dyn Stream<Item = Result<WatchAggregateResponse, Status>> + Send + 'static>>;

impl National {
    async fn aggregate(
        &self,
        call: Call<GetAggregateRequest>,
    ) -> Result<GetAggregateResponse, ServiceError> {
        authorize(Rpc::GetAggregate, &call.caller, Target::Unscoped)?;
        record_entity(&call.message.cycle_id);
        let filter = Self::filter(&call.message)?;
        Ok(GetAggregateResponse {
            aggregate: Some(self.store.aggregate(&call.message.cycle_id, filter)),
        })
    }

    async fn watch(
        &self,
        call: Call<WatchAggregateRequest>,
    ) -> Result<AggregateStream, ServiceError> {
        authorize(Rpc::WatchAggregate, &call.caller, Target::Unscoped)?;
        record_entity(&call.message.cycle_id);
        let cycle_id = call.message.cycle_id;
        let mut v = Violations::new();
        v.cycle_id("cycle_id", &cycle_id);
        v.finish()?;
        // Subscribe before reading the current state, so no change falls
        // between the two.
        let mut changes = self.store.subscribe();
        let store = self.store.clone();
        let mut stopping = self.stopping.clone();
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        tokio::spawn(async move {
            let mut sent = None;
            loop {
                let aggregate = store.aggregate(&cycle_id, Filter::default());
                if sent != Some(aggregate.version) {
                    sent = Some(aggregate.version);
                    let message = WatchAggregateResponse {
                        aggregate: Some(aggregate),
                    };
                    if tx.send(Ok(message)).await.is_err() {
                        return;
                    }
                }
                // Wait for a change of this cycle; a lagging receiver only
                // needs the latest state, which the loop computes anyway.
                loop {
                    let change = tokio::select! {
                        change = changes.recv() => change,
                        _ = stopping.wait_for(|s| *s) => return,
                        () = tx.closed() => return,
                    };
                    match change {
                        Ok(changed) if changed == cycle_id => {
                            // Whatever else is queued already is covered by
                            // the one computation that follows: under load
                            // the stream skips intermediate versions rather
                            // than computing each and falling behind.
                            while let Ok(_) | Err(TryRecvError::Lagged(_)) = changes.try_recv() {}
                            break;
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => break,
                        Err(RecvError::Closed) => return,
                    }
                }
            }
        });
        Ok(Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx)))
    }
}

imrf_platform::grpc_service! {
    impl NationalReportAggregation for National {
        type WatchAggregateStream = AggregateStream;
        fn submit_national_report(SubmitNationalReportRequest) -> SubmitNationalReportResponse = submit;
        fn get_national_report(GetNationalReportRequest) -> GetNationalReportResponse = get;
        fn list_national_reports(ListNationalReportsRequest) -> ListNationalReportsResponse = list;
        fn get_aggregate(GetAggregateRequest) -> GetAggregateResponse = aggregate;
        fn watch_aggregate(WatchAggregateRequest) -> AggregateStream = watch;
        fn export_observations(ExportObservationsRequest) -> ExportObservationsResponse = export;
    }
}

#[cfg(test)]
mod tests {
    use imrf_platform::auth::{Caller, Role};
    use imrf_platform::telemetry::TraceContext;
    use imrf_proto::v1::{ImplementationStatus, NationalReport, ObjectiveStatus};
    use imrf_testkit::{NatsServer, count_on_subject, service_config};

    use super::*;
    use crate::{Application, Config};

    fn ghana(revision: u32) -> NationalReport {
        NationalReport {
            cycle_id: "2026".into(),
            state: "GHA".into(),
            kind: ReportKind::VoluntaryNationalReview as i32,
            title: format!("Voluntary national review of Ghana, revision {revision}"),
            objectives: vec![ObjectiveStatus {
                objective: 20,
                status: ImplementationStatus::InProgress as i32,
                narrative: String::new(),
            }],
            summary: "Remittance channels licensed.".into(),
            ..Default::default()
        }
    }

    async fn submit_as_ghana(
        national: &National,
        revision: u32,
        expected: Option<u32>,
    ) -> Result<SubmitNationalReportResponse, ServiceError> {
        let who = Caller {
            subject: "state:GHA".into(),
            role: Role::parse("state:GHA").map_err(ServiceError::Internal)?,
        };
        let request = SubmitNationalReportRequest {
            request_id: format!("gha-{revision}-{expected:?}"),
            report: Some(ghana(revision)),
            expected_revision: expected,
        };
        national
            .submit(Call {
                message: request,
                caller: who,
                trace: TraceContext::new_root(),
            })
            .await
    }

    /// A read model that lags the stream (another replica wrote the last
    /// revision) costs a second attempt on the stream's word, never a
    /// wrong revision or a refusal of a correct expected_revision.
    #[tokio::test]
    async fn a_read_model_behind_the_stream_is_corrected_by_the_stream()
    -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        imrf_platform::telemetry::init_for_tests();
        let nats = NatsServer::start()?;
        nats.ensure_cycle_open("2026").await?;
        let app = Application::build(Config {
            service: service_config(&nats),
            consumer_ack_wait: Duration::from_secs(1),
            aggregate_publish_period: Duration::from_millis(100),
        })
        .await?;
        let national = &app.national;
        assert_eq!(submit_as_ghana(national, 1, None).await?.revision, 1);
        assert_eq!(submit_as_ghana(national, 2, Some(1)).await?.revision, 2);

        // Forget both revisions, as a replica that has not yet seen them.
        *national.reports.write().map_err(|_| "poisoned")? = Reports::default();
        assert_eq!(submit_as_ghana(national, 3, Some(2)).await?.revision, 3);

        // Stale the other way: the read model holds revision 1 while the
        // stream has 3, and the client, also stale, expects 1.
        let first = national
            .bus
            .first_message_after(&subject::national_report("GHA", "2026", "VNR"), 0)
            .await?
            .ok_or("revision 1 not on the stream")?;
        let mut behind = Reports::default();
        assert!(behind.apply(first.sequence, &first.event()?));
        *national.reports.write().map_err(|_| "poisoned")? = behind;
        match submit_as_ghana(national, 4, Some(1)).await {
            Err(ServiceError::Aborted(_)) => {}
            other => panic!("expected ABORTED, got {other:?}"),
        }
        assert_eq!(
            count_on_subject(
                &national.bus,
                imrf_bus::names::NATIONAL.name,
                &subject::national_report("GHA", "2026", "VNR"),
            )
            .await?,
            3
        );
        Ok(())
    }
}
