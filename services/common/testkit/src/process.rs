//! Service binaries started on port 0 against a test server, and what the
//! tests read back from the bus.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::{NatsServer, TestkitError, test_key_file, wait_for};

/// A service binary started on 127.0.0.1:0 against a NATS server. Killed on
/// drop.
#[derive(Debug)]
pub struct ServiceProcess {
    child: Child,
    addr: std::net::SocketAddr,
    _dir: TempDir,
    binary: PathBuf,
    nats_url: String,
    extra: Vec<String>,
    env: Vec<(String, String)>,
}

impl ServiceProcess {
    /// Starts `binary` with `--listen 127.0.0.1:0 --nats-url <url>` and
    /// `extra` arguments, and waits until it has bound its port.
    pub fn start(binary: &Path, nats_url: &str, extra: &[&str]) -> Result<Self, TestkitError> {
        Self::start_with_env(binary, nats_url, extra, &[])
    }

    /// As [`ServiceProcess::start`], with `env` set in the process's
    /// environment (kept across restarts).
    pub fn start_with_env(
        binary: &Path,
        nats_url: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Self, TestkitError> {
        let dir = tempfile::tempdir()?;
        let addr_file = dir.path().join("addr");
        let log = std::fs::File::create(dir.path().join("log"))?;
        // A caller that names its own address (a restart on the same port)
        // replaces the default free port.
        let listen: &[&str] = if extra.contains(&"--listen") {
            &[]
        } else {
            &["--listen", "127.0.0.1:0"]
        };
        let mut child = Command::new(binary)
            .args(listen)
            .args(["--nats-url", nats_url])
            .arg("--addr-file")
            .arg(&addr_file)
            .args(extra)
            .env_remove("IMRF_LISTEN")
            .env("IMRF_AUTH_KEY_FILE", test_key_file())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Kept in its own file, which a test may read (`log`), unless
            // TEST_LOG asks to see it as it comes.
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::from(log)
            })
            .spawn()
            .map_err(|e| TestkitError::Start(format!("spawn {}: {e}", binary.display())))?;
        let addr = wait_for(Duration::from_secs(30), || {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(Err(status));
            }
            std::fs::read_to_string(&addr_file)
                .ok()
                .and_then(|text| text.trim().parse().ok())
                .map(Ok)
        });
        match addr {
            Some(Ok(addr)) => Ok(Self {
                child,
                addr,
                _dir: dir,
                binary: binary.to_path_buf(),
                nats_url: nats_url.to_string(),
                extra: extra.iter().map(|s| s.to_string()).collect(),
                env: env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            }),
            Some(Err(status)) => Err(TestkitError::Start(format!(
                "{} exited before serving: {status}",
                binary.display()
            ))),
            None => {
                let _ = child.kill();
                Err(TestkitError::Start(format!(
                    "{} did not start serving within 30 s",
                    binary.display()
                )))
            }
        }
    }

    /// The bound address.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// What the service has logged so far (empty under TEST_LOG, which
    /// sends it to the test's own output).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("log")).unwrap_or_default()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://<addr>`, for gRPC clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the process as a supervisor does (SIGTERM, so it drains and
    /// flushes what it holds) and waits up to `grace` for it to exit, then
    /// kills it.
    pub fn terminate(&mut self, grace: Duration) -> Result<std::process::ExitStatus, TestkitError> {
        send_signal(self.child.id(), "-TERM")?;
        let exited = wait_for(grace, || self.child.try_wait().ok().flatten());
        match exited {
            Some(status) => Ok(status),
            None => {
                self.kill();
                Err(TestkitError::Start(format!(
                    "{} did not stop within {grace:?} of SIGTERM",
                    self.binary.display()
                )))
            }
        }
    }

    /// Kills the process (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the process and starts it again with the same arguments (on a
    /// new port: read [`ServiceProcess::url`] again).
    pub fn restart(&mut self) -> Result<(), TestkitError> {
        self.kill();
        *self = self.again(&[])?;
        Ok(())
    }

    /// Kills the process (SIGKILL) and starts it again on the same port, as
    /// a supervisor would: clients keep their address and see the service
    /// unavailable for a moment.
    pub fn crash_and_restart(&mut self) -> Result<(), TestkitError> {
        self.kill();
        let listen = format!("127.0.0.1:{}", self.addr.port());
        let restarted = self.again(&["--listen", listen.as_str()])?;
        let extra = std::mem::take(&mut self.extra);
        *self = restarted;
        self.extra = extra;
        Ok(())
    }

    /// The same binary started again against the same server, with the
    /// same arguments and `more`, and the same environment.
    fn again(&self, more: &[&str]) -> Result<Self, TestkitError> {
        let mut extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        extra.extend(more);
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Self::start_with_env(&self.binary, &self.nats_url, &extra, &env)
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Number of messages stored on `subject` (wildcards allowed) in `stream`.
pub async fn count_on_subject(
    bus: &imrf_bus::Bus,
    stream: &str,
    subject: &str,
) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
    use futures::StreamExt;
    let stream = bus.jetstream().get_stream(stream).await?;
    let mut subjects = stream.info_with_subjects(subject).await?;
    let mut total = 0u64;
    while let Some(entry) = subjects.next().await {
        total += entry?.1 as u64;
    }
    Ok(total)
}

/// Service settings for a test: listen on 127.0.0.1:0, short timeouts,
/// against `nats`.
pub fn service_config(nats: &NatsServer) -> imrf_platform::config::ServiceConfig {
    imrf_platform::config::ServiceConfig {
        listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        addr_file: None,
        metrics_listen: None,
        metrics_addr_file: None,
        log_format: imrf_platform::config::LogFormat::Text,
        otlp_endpoint: None,
        shutdown_grace: Duration::from_secs(5),
        clock_start: None,
        bus: nats.bus_config(),
        auth: imrf_platform::auth::AuthConfig::hs256(test_key_file()),
        limits: imrf_platform::gate::LimitsConfig::default(),
        tls: imrf_platform::tls::ServerTls::default(),
    }
}

/// Sends `signal` (`-TERM`, `-STOP`…) to process `pid`.
pub(crate) fn send_signal(pid: u32, signal: &str) -> Result<(), TestkitError> {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(TestkitError::Start(format!(
            "kill {signal} {pid}: {status}"
        )))
    }
}
