//! The deployment files parse and keep the rules every service follows:
//! two replicas, a port named grpc with native gRPC probes, a non-root
//! read-only container with requests and limits, configuration from env and
//! secrets; a three-node JetStream cluster syncing every write.

mod support;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

fn documents(file: &Path) -> Result<Vec<Value>, AnyError> {
    let text = std::fs::read_to_string(file)?;
    let mut docs = Vec::new();
    for doc in serde_yaml_ng::Deserializer::from_str(&text) {
        let value = Value::deserialize(doc)?;
        if !value.is_null() {
            docs.push(value);
        }
    }
    Ok(docs)
}

const SERVICES: [(&str, u64); 4] = [
    ("regional-intake", 50051),
    ("national-aggregation", 50052),
    ("practices-hub", 50053),
    ("report-compiler", 50054),
];

#[test]
fn the_console_is_deployed_like_the_services_behind_the_proxy() -> Result<(), AnyError> {
    let docs = documents(&deploy().join("k8s/console.yaml"))?;
    let deployment = docs
        .iter()
        .find(|d| d["kind"] == "Deployment")
        .ok_or("no Deployment")?;
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(deployment["spec"]["replicas"], 2);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let container = &pod["containers"][0];
    assert_eq!(container["command"][0], "/usr/local/bin/console");
    assert_eq!(container["ports"][0]["name"], "http");
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(container[probe]["httpGet"]["path"], "/healthz", "{probe}");
    }
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    let env = |key: &str| {
        container["env"]
            .as_array()
            .and_then(|vars| vars.iter().find(|v| v["name"] == key))
            .map(|v| v["value"].clone())
    };
    // Never a secret that can mint: it reads the proxy's tokens.
    assert_eq!(env("IMRF_AUTH_ALGORITHM"), Some(Value::from("eddsa")));
    assert_eq!(
        env("IMRF_METRICS_LISTEN"),
        Some(Value::from("0.0.0.0:9102"))
    );
    assert_eq!(container["ports"][1]["containerPort"], 9102);
    assert_eq!(
        deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/scrape"],
        "true"
    );
    assert_eq!(
        env("IMRF_CONSOLE_SECURE_COOKIES"),
        Some(Value::from("true"))
    );
    for (key, port) in [
        ("IMRF_REGIONAL_URL", 50051),
        ("IMRF_NATIONAL_URL", 50052),
        ("IMRF_PRACTICES_URL", 50053),
        ("IMRF_REPORT_URL", 50054),
    ] {
        let url = env(key).ok_or(key)?;
        assert!(
            url.as_str()
                .is_some_and(|u| u.ends_with(&format!(":{port}"))),
            "{key}"
        );
    }
    for key in [
        "IMRF_CONSOLE_SESSION_KEY_FILE",
        "IMRF_CONSOLE_READER_TOKEN_FILE",
    ] {
        assert!(env(key).is_some(), "{key}");
    }
    Ok(())
}

#[test]
fn every_service_is_deployed_alike() -> Result<(), AnyError> {
    for (name, port) in SERVICES {
        let docs = documents(&deploy().join(format!("k8s/{name}.yaml")))?;
        let deployment = docs
            .iter()
            .find(|d| d["kind"] == "Deployment")
            .ok_or("no Deployment")?;
        let service = docs
            .iter()
            .find(|d| d["kind"] == "Service")
            .ok_or("no Service")?;
        assert_eq!(deployment["metadata"]["name"], name);
        assert_eq!(deployment["spec"]["replicas"], 2, "{name}");
        let pod = &deployment["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true, "{name}");
        let container = &pod["containers"][0];
        assert_eq!(container["command"][0], format!("/usr/local/bin/{name}"));
        assert_eq!(container["ports"][0]["name"], "grpc");
        assert_eq!(container["ports"][0]["containerPort"], port);
        let env = |key: &str| {
            container["env"]
                .as_array()
                .and_then(|vars| vars.iter().find(|v| v["name"] == key))
                .map(|v| v["value"].clone())
        };
        assert_eq!(env("IMRF_NATS_USER"), Some(Value::from(name)), "{name}");
        assert_eq!(
            env("IMRF_AUTH_ALGORITHM"),
            Some(Value::from("eddsa")),
            "{name}"
        );
        for key in [
            "IMRF_NATS_PASSWORD_FILE",
            "IMRF_AUTH_KEY_FILE",
            "IMRF_AUTH_ISSUER",
        ] {
            assert!(env(key).is_some(), "{name}: {key}");
        }
        for probe in ["readinessProbe", "livenessProbe"] {
            assert_eq!(container[probe]["grpc"]["port"], port, "{name} {probe}");
        }
        // Metrics on a port of their own, announced to the scraper.
        assert_eq!(
            env("IMRF_METRICS_LISTEN"),
            Some(Value::from("0.0.0.0:9102")),
            "{name}"
        );
        assert_eq!(container["ports"][1]["name"], "metrics", "{name}");
        assert_eq!(container["ports"][1]["containerPort"], 9102, "{name}");
        let annotations = &deployment["spec"]["template"]["metadata"]["annotations"];
        assert_eq!(annotations["prometheus.io/scrape"], "true", "{name}");
        assert_eq!(annotations["prometheus.io/port"], "9102", "{name}");
        assert_eq!(
            container["securityContext"]["readOnlyRootFilesystem"], true,
            "{name}"
        );
        assert_eq!(
            container["securityContext"]["allowPrivilegeEscalation"], false,
            "{name}"
        );
        for kind in ["requests", "limits"] {
            assert!(
                container["resources"][kind]["memory"].is_string(),
                "{name} {kind}"
            );
            assert!(
                container["resources"][kind]["cpu"].is_string(),
                "{name} {kind}"
            );
        }
        let env: Vec<&str> = container["env"]
            .as_array()
            .ok_or("no env")?
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        for key in ["IMRF_LISTEN", "IMRF_NATS_URL", "IMRF_NATS_REPLICAS"] {
            assert!(env.contains(&key), "{name} lacks {key}");
        }
        assert!(
            container["envFrom"][0]["secretRef"]["name"].is_string(),
            "{name}"
        );
        assert_eq!(service["spec"]["ports"][0]["name"], "grpc");
        assert_eq!(service["spec"]["ports"][0]["port"], port);
    }
    Ok(())
}

#[test]
fn jetstream_runs_as_a_three_node_cluster_that_syncs_every_write() -> Result<(), AnyError> {
    let docs = documents(&deploy().join("k8s/nats.yaml"))?;
    let set = docs
        .iter()
        .find(|d| d["kind"] == "StatefulSet")
        .ok_or("no StatefulSet")?;
    assert_eq!(set["spec"]["replicas"], 3);
    let config = docs
        .iter()
        .find(|d| d["kind"] == "ConfigMap")
        .ok_or("no ConfigMap")?;
    let conf = config["data"]["nats.conf"].as_str().ok_or("no nats.conf")?;
    assert!(conf.contains("sync_interval: always"));
    assert_eq!(conf.matches("nats://nats-").count(), 3, "three routes");
    assert!(std::fs::read_to_string(deploy().join("nats.conf"))?.contains("sync_interval: always"));
    // The users and rights the cluster runs with are the ones the tests
    // exercise.
    let users = config["data"]["nats-users.conf"]
        .as_str()
        .ok_or("no nats-users.conf")?;
    assert_eq!(
        users.trim_end(),
        std::fs::read_to_string(deploy().join("nats-users.conf"))?.trim_end()
    );
    assert!(conf.contains("include ./nats-users.conf"));
    assert!(
        std::fs::read_to_string(deploy().join("nats.conf"))?.contains("include ./nats-users.conf")
    );
    assert_eq!(
        documents(&deploy().join("k8s/namespace.yaml"))?[0]["metadata"]["name"],
        "imrf"
    );
    Ok(())
}

#[test]
fn systemd_units_and_the_container_run_unprivileged() -> Result<(), AnyError> {
    let unit = std::fs::read_to_string(deploy().join("systemd/imrf@.service"))?;
    assert!(unit.contains("ExecStart=/usr/local/bin/%i"));
    assert!(unit.contains("User=imrf"));
    assert!(unit.contains("KillSignal=SIGTERM"));
    let dockerfile = std::fs::read_to_string(deploy().join("Dockerfile"))?;
    assert!(dockerfile.contains("USER 10001"));
    assert_eq!(dockerfile.matches("FROM ").count(), 2, "multi-stage");
    Ok(())
}

/// Whether deploy/local/running.sh takes the pid in `pid_file` for a live
/// `program`.
fn local_stack_takes_for_running(pid: u32, program: &str) -> Result<bool, AnyError> {
    let dir = tempfile::tempdir()?;
    let pid_file = dir.path().join("service.pid");
    std::fs::write(&pid_file, format!("{pid}\n"))?;
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"source "$0"; running "$1" "$2""#)
        .arg(deploy().join("local/running.sh"))
        .arg(&pid_file)
        .arg(program)
        .status()?;
    Ok(status.success())
}

#[test]
fn the_local_stack_restarts_a_service_that_crashed_and_is_not_yet_reaped() -> Result<(), AnyError> {
    // A live service, under its own name.
    let mut live = std::process::Command::new("bash")
        .args(["-c", "exec -a regional-intake sleep 30"])
        .spawn()?;
    // One that crashed: this process is its parent and has not waited for
    // it, so it stays a zombie, which `kill -0` still finds.
    let mut crashed = std::process::Command::new("bash")
        .args(["-c", "exec -a regional-intake false"])
        .spawn()?;
    let zombie = imrf_testkit::wait_for(std::time::Duration::from_secs(10), || {
        std::fs::read_to_string(format!("/proc/{}/status", crashed.id()))
            .is_ok_and(|s| {
                s.lines()
                    .any(|l| l.starts_with("State:") && l.contains('Z'))
            })
            .then_some(())
    })
    .is_some();
    // A pid the system has given to another program.
    let mut other = std::process::Command::new("sleep").arg("30").spawn()?;

    let answers = (
        local_stack_takes_for_running(live.id(), "regional-intake")?,
        zombie && !local_stack_takes_for_running(crashed.id(), "regional-intake")?,
        local_stack_takes_for_running(other.id(), "regional-intake")?,
    );
    for child in [&mut live, &mut other] {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = crashed.wait();
    assert_eq!(
        answers,
        (true, true, false),
        "(live taken for running, zombie not, another program not)"
    );
    Ok(())
}
