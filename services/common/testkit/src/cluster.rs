//! A JetStream cluster of nats-servers on loopback, for the tests of
//! replication and failover.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use imrf_bus::config::BusConfig;

use crate::nats::{free_port, nats_server_binary};
use crate::{TestkitError, wait_for};

/// A JetStream cluster of nats-servers on loopback, each storing under its
/// own temporary directory. Nodes can be stopped and started again.
#[derive(Debug)]
pub struct NatsCluster {
    nodes: Vec<ClusterNode>,
    dir: TempDir,
    binary: PathBuf,
}

#[derive(Debug)]
struct ClusterNode {
    client_port: u16,
    cluster_port: u16,
    child: Option<Child>,
}

impl NatsCluster {
    /// Starts `size` clustered servers and waits until each accepts
    /// connections.
    pub fn start(size: usize) -> Result<Self, TestkitError> {
        let binary = nats_server_binary()?;
        let dir = tempfile::tempdir()?;
        let mut nodes = Vec::new();
        for _ in 0..size {
            nodes.push(ClusterNode {
                client_port: free_port()?,
                cluster_port: free_port()?,
                child: None,
            });
        }
        let mut cluster = Self { nodes, dir, binary };
        for i in 0..size {
            cluster.start_node(i)?;
        }
        Ok(cluster)
    }

    fn start_node(&mut self, i: usize) -> Result<(), TestkitError> {
        let routes: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("nats://127.0.0.1:{}", n.cluster_port))
            .collect();
        let node = &self.nodes[i];
        let store = self.dir.path().join(format!("n{i}"));
        let config = self.dir.path().join(format!("n{i}.conf"));
        std::fs::write(
            &config,
            format!(
                "server_name: n{i}\nlisten: 127.0.0.1:{}\njetstream {{ store_dir: \"{}\" }}\ncluster {{\n  name: imrf-test\n  listen: 127.0.0.1:{}\n  routes: [{}]\n}}\n",
                node.client_port,
                store.display(),
                node.cluster_port,
                routes.join(", ")
            ),
        )?;
        let child = Command::new(&self.binary)
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| TestkitError::Start(format!("spawn {}: {e}", self.binary.display())))?;
        let port = node.client_port;
        self.nodes[i].child = Some(child);
        wait_for(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        })
        .ok_or_else(|| TestkitError::Start(format!("cluster node {i} not accepting on {port}")))?;
        Ok(())
    }

    /// Every node's client URL, comma-separated, as clients take them.
    pub fn urls(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("nats://127.0.0.1:{}", n.client_port))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Bus settings for the cluster: three replicas of every stream.
    pub fn bus_config(&self) -> BusConfig {
        BusConfig {
            replicas: self.nodes.len(),
            connect_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(5),
            ..BusConfig::for_url(self.urls())
        }
    }

    /// Kills node `i` (SIGKILL).
    pub fn stop_node(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts node `i` again on its ports and store.
    pub fn restart_node(&mut self, i: usize) -> Result<(), TestkitError> {
        self.stop_node(i);
        self.start_node(i)
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.stop_node(i);
        }
    }
}
