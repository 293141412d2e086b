//! Every service binary starts against a real nats-server, answers
//! `grpc.health.v1.Health/Check` with SERVING, lists its services over
//! reflection, and reports NOT_SERVING while NATS is down.

mod support;

use std::time::Duration;

use imrf_platform::probe;
use support::{SERVICES, Stack};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn wait_for_status(url: &str, wanted: &str) -> Result<(), Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let status = match probe::connect(url).await {
            Ok(channel) => probe::health(channel, "")
                .await
                .map(|s| s.as_str_name().to_string())
                .unwrap_or_else(|e| e.to_string()),
            Err(err) => err.to_string(),
        };
        if status == wanted {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{url} is {status}, not {wanted}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_service_serves_health_and_reflection() -> TestResult {
    let mut stack = Stack::start()?;
    for (name, process) in SERVICES.iter().zip(&stack.services) {
        let channel = probe::connect(&process.url()).await?;
        let health = probe::health(channel.clone(), "").await?;
        assert_eq!(health.as_str_name(), "SERVING", "{name}");
        let services = probe::list_services(channel).await?;
        for expected in [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ] {
            assert!(
                services.iter().any(|s| s == expected),
                "{name} lists {services:?}"
            );
        }
    }

    // NATS down: every service says NOT_SERVING; back up: SERVING again,
    // without being restarted.
    stack.nats.stop();
    for process in &stack.services {
        wait_for_status(&process.url(), "NOT_SERVING").await?;
    }
    stack.nats.restart()?;
    for process in &stack.services {
        wait_for_status(&process.url(), "SERVING").await?;
    }
    Ok(())
}
