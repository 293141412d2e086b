//! The bus against a real nats-server: exactly-once publishing, answered
//! requests, optimistic concurrency, durable consumers.

use imrf_bus::names::event_type;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use imrf_bus::consumer::{self, ConsumerMetrics, ConsumerSpec, HandlerError};
use imrf_bus::ledger::LedgerError;
use imrf_bus::ledger::{Prepared, RequestLedger, fingerprint};
use imrf_bus::names::{REGIONAL, STREAMS, bucket, subject};
use imrf_bus::{Bus, BusErrorKind, Expect, new_event};
use imrf_gcm::Refusal;
use imrf_platform::telemetry;
use imrf_proto::v1::{
    Commission, RegionalReviewWithdrawn, WithdrawRegionalReviewRequest,
    WithdrawRegionalReviewResponse, event::Payload,
};
use imrf_testkit::NatsServer;
use tokio::sync::{mpsc, oneshot};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn withdrawn(review_id: &str) -> imrf_proto::v1::Event {
    withdrawal(review_id, Commission::Ece)
}

/// A withdrawal of `commission`'s review of 2026: an event that belongs on
/// that review's subject.
fn withdrawal_of(commission: Commission) -> imrf_proto::v1::Event {
    let code = imrf_gcm::refdata::commission_code(commission);
    withdrawal(&format!("2026-{code}"), commission)
}

fn withdrawal(review_id: &str, commission: Commission) -> imrf_proto::v1::Event {
    new_event(
        event_type::REGIONAL_REVIEW_WITHDRAWN,
        "test",
        "2026",
        SystemTime::now(),
        Payload::RegionalReviewWithdrawn(RegionalReviewWithdrawn {
            review_id: review_id.into(),
            commission: commission as i32,
            revision: 1,
            reason: "test".into(),
        }),
    )
}

async fn setup(server: &NatsServer, window: Duration) -> Result<Bus, Box<dyn std::error::Error>> {
    telemetry::init_for_tests();
    let mut config = server.bus_config();
    config.duplicate_window = window;
    let bus = Bus::connect(&config, "test").await?;
    for spec in STREAMS {
        bus.ensure_stream(&spec).await?;
    }
    Ok(bus)
}

async fn subject_count(
    bus: &Bus,
    stream: &str,
    subject: &str,
) -> Result<u64, Box<dyn std::error::Error>> {
    imrf_testkit::count_on_subject(bus, stream, subject)
        .await
        .map_err(|e| e as Box<dyn std::error::Error>)
}

#[tokio::test]
async fn ensuring_streams_twice_changes_nothing() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    for spec in STREAMS {
        let stream = bus.ensure_stream(&spec).await?;
        assert_eq!(stream.cached_info().config.name, spec.name);
    }
    bus.ensure_kv(bucket::REGIONAL_REQUESTS, 1).await?;
    bus.ensure_kv(bucket::REGIONAL_REQUESTS, 1).await?;
    bus.ensure_object_store("DRAFTS").await?;
    bus.ensure_object_store("DRAFTS").await?;
    Ok(())
}

#[tokio::test]
async fn the_same_event_published_twice_is_stored_once() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let event = withdrawn("2026-ECE");
    let subject = subject::regional_review("ECE", "2026");
    let first = bus
        .publish_event(&subject, &event, Expect::Any, None)
        .await?;
    let second = bus
        .publish_event(&subject, &event, Expect::Any, None)
        .await?;
    assert!(!first.duplicate);
    assert!(second.duplicate);
    assert_eq!(first.sequence, second.sequence);
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_stale_expected_sequence_is_refused() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let subject = subject::regional_review("ECA", "2026");
    assert_eq!(bus.last_subject_sequence(&subject).await?, 0);
    let first = bus
        .publish_event(
            &subject,
            &withdrawn("a"),
            Expect::LastSubjectSequence(0),
            None,
        )
        .await?;
    assert_eq!(bus.last_subject_sequence(&subject).await?, first.sequence);
    // A second writer that also saw "no message yet" loses.
    let stale = bus
        .publish_event(
            &subject,
            &withdrawn("b"),
            Expect::LastSubjectSequence(0),
            None,
        )
        .await;
    assert_eq!(stale.err().map(|e| e.kind()), Some(BusErrorKind::Conflict));
    // The first writer retrying its own event is not a conflict.
    let retry = withdrawn("c");
    let stored = bus
        .publish_event(
            &subject,
            &retry,
            Expect::LastSubjectSequence(first.sequence),
            None,
        )
        .await?;
    let again = bus
        .publish_event(
            &subject,
            &retry,
            Expect::LastSubjectSequence(first.sequence),
            None,
        )
        .await?;
    assert_eq!(stored.sequence, again.sequence);
    assert!(again.duplicate);
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 2);
    Ok(())
}

fn withdraw_request(request_id: &str) -> WithdrawRegionalReviewRequest {
    WithdrawRegionalReviewRequest {
        request_id: request_id.into(),
        review_id: "2026-ECE".into(),
        reason: "superseded".into(),
        expected_revision: Some(1),
    }
}

async fn run_withdraw(
    ledger: &RequestLedger,
    request: &WithdrawRegionalReviewRequest,
    subject: &str,
    expect: Expect,
    prepared: &std::sync::Mutex<Vec<String>>,
) -> Result<WithdrawRegionalReviewResponse, LedgerError> {
    let attempt = ledger.attempt(
        "withdraw",
        "commission:ECE",
        &request.request_id,
        fingerprint(request),
    );
    let event = withdrawn(&request.review_id);
    if let Ok(mut ids) = prepared.lock() {
        ids.push(event.id.clone());
    }
    let decided = Ok::<_, LedgerError>(Prepared {
        subject: subject.to_string(),
        event,
        expect,
    });
    let stored = ledger.carry_out(&attempt, decided, None).await?;
    Ok(WithdrawRegionalReviewResponse {
        review_id: request.review_id.clone(),
        revision: u32::try_from(stored.published.sequence).unwrap_or(u32::MAX),
        event_id: stored.event.id.clone(),
    })
}

/// Waits, on JetStream's own word, until the duplicate window has passed:
/// a probe published again is accepted as new.
async fn wait_out_duplicate_window(bus: &Bus, window: Duration) -> TestResult {
    let probe_subject = subject::regional_review("ESCAP", "2026");
    let probe = withdrawn("probe");
    bus.publish_event(&probe_subject, &probe, Expect::Any, None)
        .await?;
    let deadline = tokio::time::Instant::now() + window * 20;
    while bus
        .publish_event(&probe_subject, &probe, Expect::Any, None)
        .await?
        .duplicate
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "duplicate window never passed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

#[tokio::test]
async fn a_request_replayed_after_the_duplicate_window_gets_the_first_answer() -> TestResult {
    let server = NatsServer::start()?;
    let window = Duration::from_secs(1);
    let bus = setup(&server, window).await?;
    let ledger = RequestLedger::open(&bus, bucket::REGIONAL_REQUESTS).await?;
    let prepared = std::sync::Mutex::new(Vec::new());
    // A conditional publish is found again on its stream; an unconditional
    // one by the answer the ledger keeps for it.
    let conditional = withdraw_request("req-conditional");
    let conditional_subject = subject::regional_review("ECE", "2026");
    let unconditional = withdraw_request("req-unconditional");
    let unconditional_subject = subject::regional_review("ECA", "2026");
    let cases = [
        (
            &conditional,
            &conditional_subject,
            Expect::LastSubjectSequence(0),
        ),
        (&unconditional, &unconditional_subject, Expect::Any),
    ];
    let mut first = Vec::new();
    for (request, subject, expect) in cases {
        first.push(run_withdraw(&ledger, request, subject, expect, &prepared).await?);
    }

    wait_out_duplicate_window(&bus, window).await?;
    for ((request, subject, expect), first) in cases.iter().zip(&first) {
        let replay = run_withdraw(&ledger, request, subject, *expect, &prepared).await?;
        assert_eq!(&replay, first);
        assert_eq!(subject_count(&bus, REGIONAL.name, subject).await?, 1);
    }

    // Buried under a later change, the conditional request's event is
    // still where its expectation put it.
    bus.publish_event(&conditional_subject, &withdrawn("later"), Expect::Any, None)
        .await?;
    let replay = run_withdraw(
        &ledger,
        &conditional,
        &conditional_subject,
        Expect::LastSubjectSequence(0),
        &prepared,
    )
    .await?;
    assert_eq!(replay, first[0]);
    assert_eq!(
        subject_count(&bus, REGIONAL.name, &conditional_subject).await?,
        2
    );

    // The same id with a different request is refused, naming the field.
    for (request, subject, expect) in cases {
        let mut other = request.clone();
        other.reason = "another reason".into();
        match run_withdraw(&ledger, &other, subject, expect, &prepared).await {
            Err(LedgerError::Refused(Refusal::Invalid(violations))) => {
                assert_eq!(violations[0].field, "request_id");
            }
            other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
        }
    }
    assert_eq!(
        subject_count(&bus, REGIONAL.name, &conditional_subject).await?,
        2
    );
    assert_eq!(
        subject_count(&bus, REGIONAL.name, &unconditional_subject).await?,
        1
    );
    Ok(())
}

#[tokio::test]
async fn a_request_with_effects_is_prepared_only_once() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let ledger = RequestLedger::open(&bus, bucket::REGIONAL_REQUESTS).await?;
    let request = withdraw_request("req-effects");
    let subject = subject::regional_review("ECE", "2026");
    let prepared = AtomicU32::new(0);
    let mut answers = Vec::new();
    for _ in 0..2 {
        // A decision with effects asks the ledger first and decides only
        // for a new request.
        let attempt = ledger.attempt(
            "withdraw",
            "commission:ECE",
            &request.request_id,
            fingerprint(&request),
        );
        let stored = match ledger.earlier(&attempt, None).await? {
            Some(stored) => stored,
            None => {
                prepared.fetch_add(1, Ordering::SeqCst);
                let decided = Prepared {
                    subject: subject.clone(),
                    event: withdrawn(&request.review_id),
                    expect: Expect::LastSubjectSequence(0),
                };
                ledger.record_and_publish(&attempt, decided, None).await?
            }
        };
        answers.push(WithdrawRegionalReviewResponse {
            event_id: stored.event.id.clone(),
            ..Default::default()
        });
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(
        prepared.load(Ordering::SeqCst),
        1,
        "a repeat must not prepare (and write its effects) again"
    );
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_request_recorded_but_never_published_is_published_by_its_retry() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let ledger = RequestLedger::open(&bus, bucket::REGIONAL_REQUESTS).await?;
    let prepared = std::sync::Mutex::new(Vec::new());
    let request = withdraw_request("req-interrupted");
    let subject = subject::regional_review("ECE", "2026");
    let expect = Expect::LastSubjectSequence(0);

    // With the stream gone the publish fails after the request is
    // recorded, as when the service dies between the two writes.
    bus.jetstream().delete_stream(REGIONAL.name).await?;
    let failed = run_withdraw(&ledger, &request, &subject, expect, &prepared).await;
    assert!(
        matches!(&failed, Err(LedgerError::Bus(e)) if e.is_unavailable()),
        "{failed:?}"
    );
    bus.ensure_stream(&REGIONAL).await?;

    let retried = run_withdraw(&ledger, &request, &subject, expect, &prepared).await?;
    let first_prepared = prepared
        .lock()
        .map(|ids| ids[0].clone())
        .unwrap_or_default();
    assert_eq!(
        retried.event_id, first_prepared,
        "the retry publishes the recorded event, not a new one"
    );
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 1);
    let again = run_withdraw(&ledger, &request, &subject, expect, &prepared).await?;
    assert_eq!(again, retried);
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_conflicting_fresh_request_stores_nothing_and_can_be_retried() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let ledger = RequestLedger::open(&bus, bucket::REGIONAL_REQUESTS).await?;
    let subject = subject::regional_review("ECLAC", "2026");
    bus.publish_event(&subject, &withdrawn("x"), Expect::Any, None)
        .await?;
    let request = withdraw_request("req-stale");
    let prepared = std::sync::Mutex::new(Vec::new());
    let attempt = |expect| run_withdraw(&ledger, &request, &subject, expect, &prepared);
    let stale = attempt(Expect::LastSubjectSequence(0)).await;
    assert!(
        matches!(stale, Err(LedgerError::Refused(Refusal::StaleRevision(_)))),
        "{stale:?}"
    );
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 1);
    let current = bus.last_subject_sequence(&subject).await?;
    attempt(Expect::LastSubjectSequence(current)).await?;
    assert_eq!(subject_count(&bus, REGIONAL.name, &subject).await?, 2);
    Ok(())
}

fn fast_spec(durable: &str) -> ConsumerSpec {
    ConsumerSpec {
        max_deliver: 3,
        backoff: vec![Duration::from_millis(50)],
        ack_wait: Duration::from_secs(1),
        ..ConsumerSpec::new(REGIONAL.name, durable)
    }
    .filter(&[subject::REGIONAL_REVIEW_ALL])
}

#[tokio::test]
async fn an_unacked_message_is_redelivered_after_the_consumer_restarts() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let event = withdrawn("2026-ECE");
    bus.publish_event(
        &subject::regional_review("ECE", "2026"),
        &event,
        Expect::Any,
        None,
    )
    .await?;

    // First run: the handler takes the message and never finishes, as if
    // the process died mid-way; the run is then aborted.
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let metrics = Arc::new(ConsumerMetrics::default());
    let first = {
        let bus = bus.clone();
        let metrics = metrics.clone();
        tokio::spawn(async move {
            consumer::run(
                &bus,
                "test",
                fast_spec("redeliver"),
                metrics,
                std::future::pending(),
                |incoming| {
                    let seen_tx = seen_tx.clone();
                    async move {
                        let _ = seen_tx.send(incoming.event.id.clone());
                        std::future::pending::<()>().await;
                        Ok(())
                    }
                },
            )
            .await
        })
    };
    assert_eq!(seen_rx.recv().await, Some(event.id.clone()));
    first.abort();
    let _ = first.await;

    // Second run: the same durable consumer gets the message again.
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let second = {
        let bus = bus.clone();
        let metrics = metrics.clone();
        tokio::spawn(async move {
            consumer::run(
                &bus,
                "test",
                fast_spec("redeliver"),
                metrics,
                async {
                    let _ = stop_rx.await;
                },
                |incoming| {
                    let seen_tx = seen_tx.clone();
                    async move {
                        let _ = seen_tx.send((incoming.event.id.clone(), incoming.delivered));
                        Ok(())
                    }
                },
            )
            .await
        })
    };
    let (id, delivered) = seen_rx.recv().await.ok_or("no redelivery")?;
    assert_eq!(id, event.id);
    assert!(delivered >= 2, "delivered {delivered}");
    let _ = stop_tx.send(());
    second.await??;
    assert_eq!(metrics.snapshot().0, 1);
    Ok(())
}

#[tokio::test]
async fn poison_is_parked_and_the_consumer_keeps_going() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let subject = subject::regional_review("ESCWA", "2026");
    // Undecodable bytes, an event that does not belong on the subject (ECE's
    // withdrawal on ESCWA's review), an event whose handler always fails,
    // then a good one.
    bus.jetstream()
        .publish(
            subject.clone(),
            bytes::Bytes::from_static(b"\xff\xfe not an event"),
        )
        .await?
        .await?;
    let forged = withdrawal_of(Commission::Ece);
    let failing = withdrawal_of(Commission::Escwa);
    let good = withdrawal_of(Commission::Escwa);
    for event in [&forged, &failing, &good] {
        bus.publish_event(&subject, event, Expect::Any, None)
            .await?;
    }

    let metrics = Arc::new(ConsumerMetrics::default());
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let attempts = Arc::new(AtomicU32::new(0));
    let task = {
        let bus = bus.clone();
        let metrics = metrics.clone();
        let attempts = attempts.clone();
        let failing_id = failing.id.clone();
        tokio::spawn(async move {
            consumer::run(
                &bus,
                "test",
                fast_spec("poison"),
                metrics,
                async {
                    let _ = stop_rx.await;
                },
                move |incoming| {
                    let done_tx = done_tx.clone();
                    let attempts = attempts.clone();
                    let failing_id = failing_id.clone();
                    async move {
                        if incoming.event.id == failing_id {
                            attempts.fetch_add(1, Ordering::SeqCst);
                            return Err(HandlerError::Retry("dependency down".into()));
                        }
                        let _ = done_tx.send(incoming.event.id);
                        Ok(())
                    }
                },
            )
            .await
        })
    };
    let first = tokio::time::timeout(Duration::from_secs(30), done_rx.recv()).await?;
    assert_eq!(
        first,
        Some(good.id.clone()),
        "only the good event is handled"
    );
    // The three bad messages end up parked, each exactly once.
    let parked_subject = subject::parked("test", "poison");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while metrics.snapshot().2 < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not parked: {:?}",
            metrics.snapshot()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop_tx.send(());
    task.await??;
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "max_deliver bounds the retries"
    );
    assert_eq!(subject_count(&bus, "PARKED", &parked_subject).await?, 3);
    Ok(())
}

#[tokio::test]
async fn replay_reads_to_the_end_of_the_stream() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    assert_eq!(
        bus.replay(REGIONAL.name, &[subject::REGIONAL_REVIEW_ALL], |_| Ok(()))
            .await?,
        0
    );
    let mut ids = Vec::new();
    for i in 0..25 {
        let event = withdrawn(&format!("r{i}"));
        ids.push(event.id.clone());
        bus.publish_event(
            &subject::regional_review("ECE", "2026"),
            &event,
            Expect::Any,
            None,
        )
        .await?;
    }
    let mut seen = Vec::new();
    let read = bus
        .replay(REGIONAL.name, &[subject::REGIONAL_REVIEW_ALL], |message| {
            seen.push(message.event()?.id);
            Ok(())
        })
        .await?;
    assert_eq!(read, 25);
    assert_eq!(seen, ids);
    Ok(())
}

/// Services reach a TLS-only NATS with the CA and their client
/// certificate; without a certificate, or in plaintext, they do not get in.
#[tokio::test]
async fn a_mutual_tls_nats_admits_only_clients_with_a_certificate() -> TestResult {
    use imrf_testkit::TestPki;
    let pki = TestPki::generate()?;
    let nats = NatsServer::start_with_mutual_tls(&pki)?;
    let quick = |mut config: imrf_bus::config::BusConfig| {
        config.connect_timeout = Duration::from_millis(500);
        config
    };
    let plaintext = Bus::connect(&quick(nats.bus_config()), "plaintext").await;
    assert!(plaintext.is_err(), "a plaintext client got in");

    let mut no_certificate = quick(nats.bus_config());
    no_certificate.nats_tls_ca_file = Some(pki.path("ca.pem"));
    assert!(
        Bus::connect(&no_certificate, "anonymous").await.is_err(),
        "a client without a certificate got in"
    );

    let mut mutual = nats.bus_config();
    mutual.nats_tls_ca_file = Some(pki.path("ca.pem"));
    mutual.nats_tls_cert_file = Some(pki.path("client.pem"));
    mutual.nats_tls_key_file = Some(pki.path("client.key"));
    let bus = Bus::connect(&mutual, "regional-intake").await?;
    bus.ensure_stream(&REGIONAL).await?;
    let published = bus
        .publish_event(
            &subject::regional_review("ECE", "2026"),
            &withdrawn("2026-ECE"),
            Expect::Any,
            None,
        )
        .await?;
    assert_eq!(published.sequence, 1);
    Ok(())
}

/// Bytes of the files under `dir`.
fn disk_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => disk_bytes(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

#[tokio::test]
async fn an_object_store_keeps_its_drafts_compressed_on_disk() -> TestResult {
    let server = NatsServer::start()?;
    let bus = setup(&server, Duration::from_secs(120)).await?;
    let store = bus.ensure_object_store("COMPRESSED").await?;
    // Draft-like JSON: repetitive keys and prose, as a draft is.
    let mut json = String::new();
    let mut n = 0u64;
    while json.len() < 24 * 1024 * 1024 {
        n += 1;
        json.push_str(&format!(
            "{{\"number\":{n},\"kind\":\"paragraph\",\"content\":[{{\"value\":\"Member States reported progress on objective {} of the Global Compact, with {} per cent of the figures from national reports.\"}}]}},",
            n % 23 + 1,
            n % 97
        ));
    }
    let mut reader = json.as_bytes();
    store.put("2026/draft.json", &mut reader).await?;
    let stream = bus.jetstream().get_stream("OBJ_COMPRESSED").await?;
    assert_eq!(
        stream.cached_info().config.compression,
        Some(async_nats::jetstream::stream::Compression::S2)
    );
    let on_disk = disk_bytes(&server.store_dir().join("jetstream"));
    // Measured: about 10 MB on disk for 24 MB (the block being written
    // is compressed only once full).
    assert!(
        on_disk > 0 && on_disk * 2 < json.len() as u64,
        "{on_disk} bytes on disk for {} of JSON",
        json.len()
    );
    Ok(())
}
