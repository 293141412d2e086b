//! `imrfctl store`: the NATS JetStream store the services keep everything
//! in, for operators: what it holds, and its backup and restore with
//! JetStream's own snapshots (`imrf_bus::backup`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use imrf_bus::Bus;
use imrf_bus::backup::{self, BackupError, Manifest};
use imrf_bus::config::BusConfig;
use serde::Serialize;
use tonic::Status;

use crate::outcome::Failure;
use crate::{Output, print_data};

/// How to reach NATS as an operator.
#[derive(Debug, Clone, clap::Args)]
pub struct NatsAccess {
    /// NATS server URL (the nodes of a cluster separated by commas).
    #[arg(
        long = "nats-url",
        env = "IMRF_NATS_URL",
        default_value = "nats://127.0.0.1:4250"
    )]
    pub url: String,
    /// NATS user with the operators' rights (deploy/nats-users.conf).
    #[arg(long = "nats-user", default_value = "admin")]
    pub user: String,
    /// File holding that user's password; by default the local stack's
    /// (`$IMRF_DATA_DIR/auth/nats/<user>`, `.data` when unset), where it
    /// exists.
    #[arg(long = "nats-password-file")]
    pub password_file: Option<PathBuf>,
    /// Trust NATS servers signed by this CA (PEM), over TLS.
    #[arg(long = "nats-tls-ca-file", env = "IMRF_NATS_TLS_CA_FILE")]
    pub tls_ca_file: Option<PathBuf>,
    /// How long to wait for each answer or chunk from the server.
    #[arg(long = "nats-timeout", default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
}

/// The store.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// What each stream, bucket and object store holds: messages and bytes.
    Usage {
        #[command(flatten)]
        nats: NatsAccess,
    },
    /// Back up every stream, bucket and object store into a new directory.
    Backup {
        /// The directory to create (it must be new or empty).
        dir: PathBuf,
        #[command(flatten)]
        nats: NatsAccess,
    },
    /// Check a backup against its manifest, without a server.
    Verify {
        /// The backup directory.
        dir: PathBuf,
    },
    /// Restore a backup onto an empty store, before the services start.
    Restore {
        /// The backup directory.
        dir: PathBuf,
        /// Replicas of each restored stream, instead of the backed up
        /// count (a cluster's backup restored on one server: 1).
        #[arg(long, value_parser = imrf_bus::config::parse_replicas)]
        replicas: Option<usize>,
        #[command(flatten)]
        nats: NatsAccess,
    },
}

impl From<BackupError> for Failure {
    fn from(err: BackupError) -> Self {
        match err {
            BackupError::Unavailable(_) => Self::Unavailable(err.to_string()),
            BackupError::Refused(message) => Self::Refused {
                file: None,
                lines: Default::default(),
                status: Status::failed_precondition(message),
            },
            BackupError::Damaged(_) | BackupError::Io { .. } => Self::Input(err.to_string()),
        }
    }
}

fn default_password_file(user: &str) -> Option<PathBuf> {
    let data =
        std::env::var_os("IMRF_DATA_DIR").map_or_else(|| PathBuf::from(".data"), PathBuf::from);
    let file = data.join("auth/nats").join(user);
    file.is_file().then_some(file)
}

async fn connect(nats: &NatsAccess) -> Result<async_nats::Client, Failure> {
    let mut config = BusConfig::for_url(nats.url.clone());
    config.connect_timeout = Duration::from_secs(5);
    config.user = Some(nats.user.clone());
    config.password_file = nats
        .password_file
        .clone()
        .or_else(|| default_password_file(&nats.user));
    config.nats_tls_ca_file = nats.tls_ca_file.clone();
    let bus = Bus::connect(&config, "imrfctl").await.map_err(|e| {
        // A password file that cannot be read is the operator's to fix,
        // not a server to wait for.
        if e.kind() == imrf_bus::BusErrorKind::Setup {
            Failure::Input(e.to_string())
        } else {
            Failure::Unavailable(format!("{e} (is nats-server running?)"))
        }
    })?;
    Ok(bus.client().clone())
}

/// What a JetStream stream is to the platform, in the order `store usage`
/// lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Stream,
    Bucket,
    ObjectStore,
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.word())
    }
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Self::Stream => "stream",
            Self::Bucket => "bucket",
            Self::ObjectStore => "object store",
        }
    }
}

/// One stream in `store usage`.
#[derive(Debug, Serialize)]
struct Usage {
    /// The stream, bucket or object store, as the platform names it.
    name: String,
    kind: Kind,
    /// The JetStream stream behind it.
    stream: String,
    messages: u64,
    bytes: u64,
}

fn usage_of(stream: &str, messages: u64, bytes: u64) -> Usage {
    let (kind, name) = if let Some(bucket) = stream.strip_prefix("KV_") {
        (Kind::Bucket, bucket)
    } else if let Some(bucket) = stream.strip_prefix("OBJ_") {
        (Kind::ObjectStore, bucket)
    } else {
        (Kind::Stream, stream)
    };
    Usage {
        name: name.to_string(),
        kind,
        stream: stream.to_string(),
        messages,
        bytes,
    }
}

/// Prints what `manifest` lists, and a last line: `done` (backed up, …)
/// so many streams `preposition` (into, from) `dir`.
fn print_manifest(
    output: Output,
    (done, preposition): (&str, &str),
    dir: &std::path::Path,
    manifest: &Manifest,
) {
    match output {
        Output::Json | Output::Yaml => print_data(output, manifest),
        Output::Text => {
            for s in &manifest.streams {
                println!(
                    "{:<24} {:>9} messages {:>12} bytes  snapshot {:>11} bytes  sha256 {}",
                    s.name,
                    s.messages,
                    s.bytes,
                    s.snapshot_bytes,
                    &s.sha256[..12.min(s.sha256.len())]
                );
            }
            println!(
                "{done} {} streams ({} messages) {preposition} {}",
                manifest.streams.len(),
                manifest.streams.iter().map(|s| s.messages).sum::<u64>(),
                dir.display()
            );
        }
    }
}

/// Runs a store command.
pub async fn run(command: StoreCommand, output: Output) -> Result<(), Failure> {
    match command {
        StoreCommand::Usage { nats } => {
            let client = connect(&nats).await?;
            let jetstream = async_nats::jetstream::new(client.clone());
            let mut rows = Vec::new();
            for name in backup::stream_names(&client).await? {
                // Looking a stream up fetches its state.
                let stream = jetstream
                    .get_stream(&name)
                    .await
                    .map_err(|e| Failure::Unavailable(format!("stream {name}: {e}")))?;
                let state = &stream.cached_info().state;
                rows.push(usage_of(&name, state.messages, state.bytes));
            }
            rows.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
            match output {
                Output::Json | Output::Yaml => print_data(output, &rows),
                Output::Text => {
                    for row in &rows {
                        println!(
                            "{:<22} {:<13} {:>9} messages {:>12} bytes",
                            row.name,
                            row.kind.word(),
                            row.messages,
                            row.bytes
                        );
                    }
                    println!(
                        "{:<36} {:>9} messages {:>12} bytes",
                        "total",
                        rows.iter().map(|r| r.messages).sum::<u64>(),
                        rows.iter().map(|r| r.bytes).sum::<u64>()
                    );
                }
            }
            Ok(())
        }
        StoreCommand::Backup { dir, nats } => {
            let client = connect(&nats).await?;
            let manifest = backup::backup(&client, &dir, nats.timeout).await?;
            print_manifest(output, ("backed up", "into"), &dir, &manifest);
            Ok(())
        }
        StoreCommand::Verify { dir } => {
            let manifest = backup::verify(&dir).await?;
            print_manifest(output, ("verified", "from"), &dir, &manifest);
            Ok(())
        }
        StoreCommand::Restore {
            dir,
            replicas,
            nats,
        } => {
            let client = connect(&nats).await?;
            let manifest = backup::restore(&client, &dir, replicas, nats.timeout).await?;
            print_manifest(output, ("restored", "from"), &dir, &manifest);
            Ok(())
        }
    }
}
