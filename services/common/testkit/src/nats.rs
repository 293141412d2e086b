//! A real nats-server with JetStream per test, on a free loopback port with
//! a temporary store. The binary is `IMRF_NATS_SERVER` if set, else
//! `nats-server` on PATH; one older than 2.10 is refused (async-nats cannot
//! create KV buckets on 2.9), with the command that installs a good one.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use tempfile::TempDir;

use imrf_bus::config::BusConfig;

use crate::{INSTALL_HINT, MIN_VERSION, TestPki, TestkitError, wait_for};

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
pub(crate) const NATS_USERS_CONF: &str = include_str!("../../../../deploy/nats-users.conf");

pub(crate) fn password_variable(user: &str) -> String {
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
        crate::process::send_signal(pid, signal)
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

pub(crate) fn read_port(dir: &Path) -> Option<u16> {
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
pub(crate) fn free_port() -> Result<u16, TestkitError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
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
