//! A throwaway PKI for the TLS tests.

use std::path::PathBuf;

use tempfile::TempDir;

use crate::TestkitError;

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
