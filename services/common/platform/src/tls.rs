//! TLS for gRPC (rustls): the server's certificate, optionally requiring
//! client certificates signed by a given CA (mutual TLS), and the matching
//! client settings for imrfctl and the tests. Plaintext is the default only
//! because the local stack listens on 127.0.0.1.

use std::path::{Path, PathBuf};

use tonic::transport::{Certificate, ClientTlsConfig, Identity, ServerTlsConfig};

/// Why TLS files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("TLS file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The settings are incomplete.
    #[error("{0}")]
    Incomplete(String),
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// TLS of a service's gRPC listener.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServerTls {
    /// Serve gRPC over TLS with this certificate chain (PEM); needs
    /// --tls-key-file. Plaintext when absent.
    #[arg(
        id = "tls_cert_file",
        long = "tls-cert-file",
        env = "IMRF_TLS_CERT_FILE"
    )]
    pub cert_file: Option<PathBuf>,

    /// Private key of the certificate (PEM).
    #[arg(id = "tls_key_file", long = "tls-key-file", env = "IMRF_TLS_KEY_FILE")]
    pub key_file: Option<PathBuf>,

    /// Require client certificates signed by this CA (PEM): mutual TLS.
    #[arg(
        id = "tls_client_ca_file",
        long = "tls-client-ca-file",
        env = "IMRF_TLS_CLIENT_CA_FILE"
    )]
    pub client_ca_file: Option<PathBuf>,
}

impl ServerTls {
    /// The rustls settings, or `None` to serve plaintext.
    pub fn server_config(&self) -> Result<Option<ServerTlsConfig>, TlsError> {
        let (cert, key) = match (&self.cert_file, &self.key_file) {
            (None, None) if self.client_ca_file.is_none() => return Ok(None),
            (Some(cert), Some(key)) => (cert, key),
            _ => {
                return Err(TlsError::Incomplete(
                    "TLS needs both --tls-cert-file and --tls-key-file (and they are needed for --tls-client-ca-file)".into(),
                ));
            }
        };
        let mut config =
            ServerTlsConfig::new().identity(Identity::from_pem(read(cert)?, read(key)?));
        if let Some(ca) = &self.client_ca_file {
            config = config.client_ca_root(Certificate::from_pem(read(ca)?));
        }
        Ok(Some(config))
    }
}

/// TLS of a client's connections to the services.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientTls {
    /// Connect over TLS, trusting servers signed by this CA (PEM).
    #[arg(
        id = "tls_ca_file",
        long = "tls-ca-file",
        env = "IMRF_TLS_CA_FILE",
        global = true
    )]
    pub ca_file: Option<PathBuf>,

    /// Present this client certificate (PEM), for services requiring mutual
    /// TLS; needs --tls-client-key-file.
    #[arg(
        id = "tls_client_cert_file",
        long = "tls-client-cert-file",
        env = "IMRF_TLS_CLIENT_CERT_FILE",
        global = true
    )]
    pub cert_file: Option<PathBuf>,

    /// Private key of the client certificate (PEM).
    #[arg(
        id = "tls_client_key_file",
        long = "tls-client-key-file",
        env = "IMRF_TLS_CLIENT_KEY_FILE",
        global = true
    )]
    pub key_file: Option<PathBuf>,
}

impl ClientTls {
    /// The rustls settings, or `None` for plaintext.
    pub fn client_config(&self) -> Result<Option<ClientTlsConfig>, TlsError> {
        let Some(ca) = &self.ca_file else {
            if self.cert_file.is_some() || self.key_file.is_some() {
                return Err(TlsError::Incomplete(
                    "a client certificate needs --tls-ca-file to trust the server".into(),
                ));
            }
            return Ok(None);
        };
        let mut config = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read(ca)?));
        match (&self.cert_file, &self.key_file) {
            (Some(cert), Some(key)) => {
                config = config.identity(Identity::from_pem(read(cert)?, read(key)?));
            }
            (None, None) => {}
            _ => {
                return Err(TlsError::Incomplete(
                    "a client certificate needs both --tls-client-cert-file and --tls-client-key-file".into(),
                ));
            }
        }
        Ok(Some(config))
    }
}
