//! Backups across topologies: a three-node cluster's store backed up,
//! restored on a single server with one replica, and that server's backup
//! restored onto another cluster with three, messages and values intact.

use std::time::Duration;

use imrf_bus::Bus;
use imrf_bus::backup::{backup, restore};
use imrf_bus::names::{NATIONAL, STREAMS};
use imrf_testkit::{NatsCluster, NatsServer};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const WAIT: Duration = Duration::from_secs(30);

/// NATIONAL's message count and replicas, and a ledger value, on `bus`.
async fn held(
    bus: &Bus,
) -> Result<(u64, usize, Option<Vec<u8>>), Box<dyn std::error::Error + Send + Sync>> {
    let mut stream = bus.jetstream().get_stream(NATIONAL.name).await?;
    let info = stream.info().await?;
    let kv = bus.jetstream().get_key_value("NATIONAL_REQUESTS").await?;
    let value = kv.get("request-7").await?.map(|v| v.to_vec());
    Ok((info.state.messages, info.config.num_replicas, value))
}

#[tokio::test]
async fn a_clusters_backup_restores_on_one_server_and_that_one_back_onto_a_cluster() -> TestResult {
    let first = NatsCluster::start(3)?;
    let bus = Bus::connect(&first.bus_config(), "test").await?;
    for spec in STREAMS {
        bus.ensure_stream(&spec).await?;
    }
    let kv = bus.ensure_kv("NATIONAL_REQUESTS", 1).await?;
    for n in 0..50 {
        bus.jetstream()
            .publish(
                format!("imrf.v1.national.report.2026.S{n:03}.VNR"),
                format!("report {n}").into(),
            )
            .await?
            .await?;
        if n % 5 == 2 {
            kv.put(format!("request-{n}"), format!("answer {n}").into())
                .await?;
        }
    }
    let dir = tempfile::tempdir()?;
    let from_cluster = dir.path().join("cluster");
    let manifest = backup(bus.client(), &from_cluster, WAIT).await?;
    assert!(
        manifest
            .streams
            .iter()
            .any(|s| s.name == "KV_NATIONAL_REQUESTS")
    );
    let single = NatsServer::start()?;
    let one = Bus::connect(&single.bus_config(), "test").await?;
    restore(one.client(), &from_cluster, Some(1), WAIT).await?;
    assert_eq!(held(&one).await?, (50, 1, Some(b"answer 7".to_vec())));

    let from_single = dir.path().join("single");
    backup(one.client(), &from_single, WAIT).await?;
    let second = NatsCluster::start(3)?;
    let three = Bus::connect(&second.bus_config(), "test").await?;
    restore(three.client(), &from_single, Some(3), WAIT).await?;
    assert_eq!(held(&three).await?, (50, 3, Some(b"answer 7".to_vec())));

    // Nothing is restored over what is there.
    let again = restore(three.client(), &from_single, Some(3), WAIT).await;
    assert!(
        again
            .as_ref()
            .is_err_and(|e| e.to_string().contains("already exists")),
        "{again:?}"
    );
    Ok(())
}
