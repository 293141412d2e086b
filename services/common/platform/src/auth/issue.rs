//! Minting tokens: `imrfctl token issue` for the local stack, and tests.

use jsonwebtoken::{EncodingKey, Header};
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::{Claims, KeyError, Role, TokenAlgorithm, TokenError, hmac_secret, invalid, read_key};

/// Mints tokens: `imrfctl token issue` for the local stack, and tests.
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
    algorithm: TokenAlgorithm,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl TokenIssuer {
    /// An issuer signing with the key in `path`: the shared secret for
    /// hs256, the Ed25519 private key (PKCS#8 PEM) for eddsa.
    pub fn from_key_file(
        path: &Path,
        algorithm: TokenAlgorithm,
        issuer: &str,
        audience: &str,
    ) -> Result<Self, KeyError> {
        let bytes = read_key(path)?;
        let key = match algorithm {
            TokenAlgorithm::Hs256 => EncodingKey::from_secret(&hmac_secret(path, &bytes)?),
            TokenAlgorithm::Eddsa => EncodingKey::from_ed_pem(&bytes)
                .map_err(|e| invalid(path, format!("not an Ed25519 private key in PEM: {e}")))?,
        };
        Ok(Self {
            key,
            algorithm,
            issuer: issuer.into(),
            audience: audience.into(),
        })
    }

    /// An HS256 issuer with `secret`, for tests.
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> Self {
        Self {
            key: EncodingKey::from_secret(secret),
            algorithm: TokenAlgorithm::Hs256,
            issuer: issuer.into(),
            audience: audience.into(),
        }
    }

    /// A token for `subject` acting as `role`, valid for `ttl` from `now`.
    pub fn issue(
        &self,
        subject: &str,
        role: &Role,
        now: SystemTime,
        ttl: Duration,
    ) -> Result<String, TokenError> {
        let iat = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let claims = Claims {
            sub: subject.into(),
            role: role.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: iat.saturating_add(ttl.as_secs()),
            iat,
        };
        jsonwebtoken::encode(&Header::new(self.algorithm.jwt()), &claims, &self.key)
            .map_err(|e| TokenError::Rejected(format!("cannot sign: {e}")))
    }
}
