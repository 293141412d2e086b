//! Spans exported over OTLP: the four service binaries send theirs to an
//! OTLP/gRPC trace receiver on a socket (the collector's TraceService,
//! served here from the OpenTelemetry protocol's own definitions), and a
//! regional review submitted with a `traceparent` is one trace from the
//! caller through regional-intake's call, the REGIONAL stream and
//! national-aggregation's consumer; regional-intake, batching for ten
//! minutes, sends its span only as it stops. A console page asked for
//! with a `traceparent` is the parent of the call it makes to a service.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use imrf_proto::v1::{Commission, SubmitRegionalReviewRequest};
use imrf_testkit::{NatsServer, ServiceProcess, by_commission};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use support::browser::Console;
use support::{Clients, SERVICES, Stack, binary, review};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// One exported span, as the receiver got it, its ids in hex as in a
/// `traceparent`.
#[derive(Debug, Clone)]
struct Received {
    service: String,
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
}

/// `service`'s span named `name` whose parent is span `parent` of trace
/// `trace`.
fn child<'a>(
    spans: &'a [Received],
    (trace, parent): (&str, &str),
    service: &str,
    name: &str,
) -> Option<&'a Received> {
    spans.iter().find(|s| {
        s.trace_id == trace && s.parent_span_id == parent && s.service == service && s.name == name
    })
}

#[derive(Debug, Clone, Default)]
struct Receiver(Arc<Mutex<Vec<Received>>>);

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self
            .0
            .lock()
            .map_err(|_| tonic::Status::internal("poisoned"))?;
        for resource in request.into_inner().resource_spans {
            let service = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|a| a.key == "service.name")
                .and_then(|a| a.value.as_ref())
                .and_then(|v| match &v.value {
                    Some(
                        opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(s),
                    ) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                spans.push(Received {
                    service: service.clone(),
                    name: span.name,
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: hex(&span.parent_span_id),
                });
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Receiver {
    /// Waits until `found` picks what it needs from the spans received.
    async fn until<T>(
        &self,
        what: &str,
        found: impl Fn(&[Received]) -> Option<T>,
    ) -> Result<T, AnyError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let spans = self.0.lock().map_err(|_| "poisoned")?.clone();
            if let Some(found) = found(&spans) {
                return Ok(found);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!(
                    "{what}; spans received: {:?}",
                    spans
                        .iter()
                        .map(|s| (&s.service, &s.name, &s.trace_id))
                        .collect::<Vec<_>>()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// `GET path` from the console over HTTP/1.1 with `traceparent`; the status line.
async fn get(console: &Console, path: &str, traceparent: &str) -> Result<String, AnyError> {
    let url = console.url("");
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    stream
        .write_all(
            format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\ntraceparent: {traceparent}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string())
}

// The receiver must answer while the test waits on a process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_from_a_call_through_the_bus_and_from_a_console_page_to_a_service()
-> Result<(), AnyError> {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let served = receiver.clone();
    tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(served))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await;
    });

    let nats = NatsServer::start_secured()?;
    let mut services = Vec::new();
    for name in SERVICES {
        let mut args = vec![
            "--otlp-endpoint".to_string(),
            endpoint.clone(),
            "--clock-start".into(),
            "2026-02-02T08:00:00Z".into(),
        ];
        args.extend(nats.credentials(name));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Batches sent every 100 ms instead of every 5 s; regional-intake's
        // only when it stops.
        let delay = if name == "regional-intake" {
            "600000"
        } else {
            "100"
        };
        services.push(ServiceProcess::start_with_env(
            &binary(name),
            &nats.url(),
            &args,
            &[("OTEL_BSP_SCHEDULE_DELAY", delay)],
        )?);
    }
    let mut stack = Stack { nats, services };
    let mut c = Clients::connect(&stack, Some("secretariat")).await?;
    c.open_collecting_2026("Traced cycle").await?;

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let mut request = by_commission(SubmitRegionalReviewRequest {
        request_id: "traced-review".into(),
        review: Some(review(Commission::Ece, &["DEU"], &[20], "Progress.")),
        expected_revision: None,
    });
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-{caller_span}-01").parse()?,
    );
    c.regional.submit_regional_review(request).await?;
    // The consumer has handled the review once the aggregate counts it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while c
        .aggregate_2026()
        .await?
        .is_none_or(|a| a.regional_reviews == 0)
    {
        if tokio::time::Instant::now() > deadline {
            return Err("the review never reached the aggregate".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stack.services[0].terminate(Duration::from_secs(15))?;

    // regional-intake's call is the caller's child; national-aggregation's
    // consumer of REGIONAL is the call's child, through the event's
    // traceparent header.
    receiver
        .until("no trace from the call to the consumer", |spans| {
            let call = child(spans, (trace_id, caller_span), "regional-intake", "rpc")?;
            child(
                spans,
                (&call.trace_id, &call.span_id),
                "national-aggregation",
                "consume",
            )
            .cloned()
        })
        .await?;

    // A page of the public Repository: the console's span is the caller's
    // child, and practices-hub's call the page's.
    let console = Console::start_with_env(
        &stack,
        &["--otlp-endpoint", endpoint.as_str()],
        &[("OTEL_BSP_SCHEDULE_DELAY", "100")],
    )?;
    let page_trace = "0af7651916cd43dd8448eb211c80319c";
    let browser_span = "b7ad6b7169203331";
    let status = get(
        &console,
        "/practices",
        &format!("00-{page_trace}-{browser_span}-01"),
    )
    .await?;
    assert!(status.contains(" 200 "), "{status}");
    receiver
        .until("no trace from the page to the service", |spans| {
            let page = child(spans, (page_trace, browser_span), "console", "http")?;
            child(
                spans,
                (&page.trace_id, &page.span_id),
                "practices-hub",
                "rpc",
            )
            .cloned()
        })
        .await?;
    Ok(())
}
