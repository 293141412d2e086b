//! Who is calling: bearer tokens (signed JWTs) carrying a subject and a role,
//! verified against keys from configuration. The gate (`gate`) verifies the
//! token of every contract call and leaves the [`Caller`] in the request's
//! extensions, where handlers find it with [`caller_of`]; what each role may
//! do is the table in `authz`.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use tonic::Request;

use imrf_bus::Acting;

use crate::error::ServiceError;
use imrf_gcm::refdata;
use imrf_proto::v1::Commission;

mod client;
mod issue;

pub use client::{AuthChannel, Bearer, set_bearer, with_bearer};
pub use issue::TokenIssuer;

/// Metadata header carrying `Bearer <token>`.
pub const AUTHORIZATION_HEADER: &str = "authorization";

/// Longest subject accepted.
const SUBJECT_MAX_CHARS: usize = 128;

/// Issuer of the local stack's tokens (the default of `--auth-issuer`).
pub const LOCAL_ISSUER: &str = "imrf-local";

/// Audience of the platform's tokens (the default of `--auth-audience`).
pub const AUDIENCE: &str = "imrf";

/// Shortest HMAC secret accepted: HS256's own output size, so the secret is
/// not the weak link.
pub const HMAC_MIN_BYTES: usize = 32;

/// Tolerated clock difference between the minting and the verifying host.
const LEEWAY_SECS: u64 = 30;

/// What a caller may act as.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A regional commission: submits and withdraws its own regional reviews.
    Commission(Commission),
    /// A Member State (ISO3): submits its own national reports and pledges.
    State(String),
    /// A curator of the Repository of Practices (the UN Network on Migration).
    Curator,
    /// The secretariat: runs cycles, compiles drafts, reads everything.
    Secretariat,
    /// Reads published practices, cycle status and issued drafts.
    Reader,
    /// The UN Network on Migration: submits its contribution to each
    /// cycle's report (UN system activities, the Migration MPTF, the Hub).
    Network,
}

impl Role {
    /// Parses `commission:ECE`, `state:KEN`, `curator`, `secretariat` or
    /// `reader`; the scope must be a real commission or Member State.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text.split_once(':') {
            Some(("commission", code)) => refdata::commission_from_code(code)
                .map(Role::Commission)
                .ok_or_else(|| {
                    format!("'{code}' is not a regional commission (ECA, ECE, ECLAC, ESCAP, ESCWA)")
                }),
            Some(("state", iso3)) if refdata::reference().member_state(iso3).is_some() => {
                Ok(Role::State(iso3.to_string()))
            }
            Some(("state", iso3)) => {
                Err(format!("'{iso3}' is not the ISO3 code of a Member State"))
            }
            None if text == "curator" => Ok(Role::Curator),
            None if text == "secretariat" => Ok(Role::Secretariat),
            None if text == "reader" => Ok(Role::Reader),
            None if text == "network" => Ok(Role::Network),
            _ => Err(format!(
                "'{text}' is not a role: use commission:<CODE>, state:<ISO3>, curator, secretariat, reader or network"
            )),
        }
    }

    /// The role of an identity written `role` or `role:name`:
    /// `commission:ECE` and `state:KEN` act for their scope; `curator:alice`,
    /// `secretariat:dm` or `reader:public` are people of an unscoped role.
    /// The convention of the local stack, the demo and the tests, where the
    /// identity is also the token's subject.
    pub fn of_identity(who: &str) -> Result<Self, String> {
        let kind = who.split_once(':').map_or(who, |(kind, _)| kind);
        match kind {
            "commission" | "state" => Role::parse(who),
            "curator" | "secretariat" | "reader" | "network" => Role::parse(kind),
            _ => Err(format!(
                "'{who}' names no role: use commission:<CODE>, state:<ISO3>, curator[:name], secretariat[:name], reader[:name] or network[:name]"
            )),
        }
    }

    /// The role's kind, without its scope.
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Commission(_) => RoleKind::Commission,
            Role::State(_) => RoleKind::State,
            Role::Curator => RoleKind::Curator,
            Role::Secretariat => RoleKind::Secretariat,
            Role::Reader => RoleKind::Reader,
            Role::Network => RoleKind::Network,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Role::Commission(c) => write!(f, "commission:{}", refdata::commission_code(*c)),
            Role::State(iso3) => write!(f, "state:{iso3}"),
            Role::Curator => f.write_str("curator"),
            Role::Secretariat => f.write_str("secretariat"),
            Role::Reader => f.write_str("reader"),
            Role::Network => f.write_str("network"),
        }
    }
}

/// A role without its scope: the rows of the authorization table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleKind {
    /// `commission:<CODE>`.
    Commission,
    /// `state:<ISO3>`.
    State,
    /// `curator`.
    Curator,
    /// `secretariat`.
    Secretariat,
    /// `reader`.
    Reader,
    /// `network`.
    Network,
}

impl RoleKind {
    /// Every kind, in table order.
    pub const ALL: [RoleKind; 6] = [
        RoleKind::Commission,
        RoleKind::State,
        RoleKind::Curator,
        RoleKind::Secretariat,
        RoleKind::Reader,
        RoleKind::Network,
    ];
}

/// The verified caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Who it is (the token's `sub`), recorded as the actor of what it does.
    pub subject: String,
    /// What it may act as.
    pub role: Role,
}

impl Caller {
    /// This caller acting on request `request_id` at `now`: what the events
    /// the request causes record of it.
    pub fn acting<'a>(&'a self, request_id: &'a str, now: SystemTime) -> Acting<'a> {
        Acting {
            actor: &self.subject,
            request_id,
            now,
        }
    }
}

/// The claims of an imrf token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: the person or system acting.
    pub sub: String,
    /// Role and scope, for example `state:KEN`.
    pub role: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
}

/// Why a token was not accepted. Callers see the message; it never contains
/// the token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// No `authorization: Bearer` metadata.
    #[error("no bearer token: send `authorization: Bearer <token>` metadata")]
    Missing,
    /// The token is expired, badly signed, for another audience or issuer, or
    /// not a token at all.
    #[error("token not accepted: {0}")]
    Rejected(String),
}

impl From<TokenError> for ServiceError {
    fn from(err: TokenError) -> Self {
        ServiceError::Unauthenticated(err.to_string())
    }
}

/// Why keys could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read.
    #[error("key file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The key file does not hold a usable key.
    #[error("key file {path}: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

/// Signature algorithm of the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenAlgorithm {
    /// HMAC-SHA256 with a shared secret (the local stack).
    Hs256,
    /// Ed25519: services hold only the public key (production).
    Eddsa,
}

impl TokenAlgorithm {
    fn jwt(self) -> Algorithm {
        match self {
            TokenAlgorithm::Hs256 => Algorithm::HS256,
            TokenAlgorithm::Eddsa => Algorithm::EdDSA,
        }
    }
}

/// How services verify tokens.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthConfig {
    /// The key tokens are verified with: for hs256 the shared secret (at
    /// least 32 bytes), for eddsa the Ed25519 public key in PEM.
    #[arg(
        id = "auth_key_file",
        long = "auth-key-file",
        env = "IMRF_AUTH_KEY_FILE"
    )]
    pub key_file: Option<PathBuf>,

    /// Signature algorithm of the tokens.
    #[arg(id = "auth_algorithm", long = "auth-algorithm", env = "IMRF_AUTH_ALGORITHM", value_enum,
          default_value_t = TokenAlgorithm::Hs256)]
    pub algorithm: TokenAlgorithm,

    /// Issuer tokens must name.
    #[arg(
        long = "auth-issuer",
        env = "IMRF_AUTH_ISSUER",
        default_value = LOCAL_ISSUER
    )]
    pub issuer: String,

    /// Audience tokens must name.
    #[arg(
        long = "auth-audience",
        env = "IMRF_AUTH_AUDIENCE",
        default_value = AUDIENCE
    )]
    pub audience: String,
}

impl AuthConfig {
    /// An HS256 configuration with the default issuer and audience.
    pub fn hs256(key_file: impl Into<PathBuf>) -> Self {
        Self {
            key_file: Some(key_file.into()),
            algorithm: TokenAlgorithm::Hs256,
            issuer: LOCAL_ISSUER.into(),
            audience: AUDIENCE.into(),
        }
    }
}

fn read_key(path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn invalid(path: &Path, problem: impl Into<String>) -> KeyError {
    KeyError::Invalid {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// An HMAC secret as stored: surrounding whitespace is not part of it, so
/// a trailing newline from an editor does not change the key.
fn hmac_secret(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, KeyError> {
    let secret = bytes.trim_ascii().to_vec();
    if secret.len() < HMAC_MIN_BYTES {
        return Err(invalid(
            path,
            format!(
                "an HS256 secret needs at least {HMAC_MIN_BYTES} bytes; it has {}",
                secret.len()
            ),
        ));
    }
    Ok(secret)
}

/// Verifies bearer tokens.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithms", &self.validation.algorithms)
            .field("iss", &self.validation.iss)
            .field("aud", &self.validation.aud)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// Loads the verification key `config` names; a service without one
    /// does not start, since it could not tell its callers apart.
    pub fn from_config(config: &AuthConfig) -> Result<Self, KeyError> {
        let Some(path) = config.key_file.as_deref() else {
            return Err(invalid(
                Path::new("<none>"),
                "no token key configured: set --auth-key-file (IMRF_AUTH_KEY_FILE)",
            ));
        };
        let bytes = read_key(path)?;
        let key = match config.algorithm {
            TokenAlgorithm::Hs256 => DecodingKey::from_secret(&hmac_secret(path, &bytes)?),
            TokenAlgorithm::Eddsa => DecodingKey::from_ed_pem(&bytes)
                .map_err(|e| invalid(path, format!("not an Ed25519 public key in PEM: {e}")))?,
        };
        let mut validation = Validation::new(config.algorithm.jwt());
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_audience(&[config.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // A token not valid yet (`nbf` in the future) is refused, with the
        // same leeway for clock skew as its expiry.
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Ok(Self { key, validation })
    }

    /// The caller a token names, if the token is well signed, current, for
    /// this issuer and audience, and names a valid role.
    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|e| TokenError::Rejected(describe(&e)))?;
        let claims = data.claims;
        let subject = claims.sub.trim();
        if subject.is_empty()
            || subject.chars().count() > SUBJECT_MAX_CHARS
            || subject.chars().any(char::is_control)
        {
            return Err(TokenError::Rejected(format!(
                "the subject must be 1 to {SUBJECT_MAX_CHARS} printable characters"
            )));
        }
        let role = Role::parse(&claims.role).map_err(TokenError::Rejected)?;
        Ok(Caller {
            subject: subject.to_string(),
            role,
        })
    }
}

/// The token of an `authorization` header value.
pub fn bearer_value(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn describe(err: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::ExpiredSignature => "expired".into(),
        ErrorKind::ImmatureSignature => "not valid yet".into(),
        ErrorKind::InvalidSignature => "bad signature".into(),
        ErrorKind::InvalidAudience => "wrong audience".into(),
        ErrorKind::InvalidIssuer => "wrong issuer".into(),
        ErrorKind::InvalidAlgorithm => "wrong algorithm".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("no {claim} claim"),
        _ => "malformed".into(),
    }
}

/// The caller the gate verified for `request`. Absent only if the gate was
/// not in front of the handler, which is refused rather than served.
pub fn caller_of<T>(request: &Request<T>) -> Result<Caller, tonic::Status> {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| ServiceError::Unauthenticated("no verified caller".into()).into())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn verifier(dir: &Path) -> TokenVerifier {
        let path = dir.join("key");
        std::fs::write(&path, SECRET).expect("write key");
        TokenVerifier::from_config(&AuthConfig::hs256(path)).expect("verifier")
    }

    fn issuer() -> TokenIssuer {
        TokenIssuer::hs256(SECRET, LOCAL_ISSUER, AUDIENCE)
    }

    #[test]
    fn roles_parse_with_real_scopes_only() {
        assert_eq!(
            Role::parse("commission:ECE"),
            Ok(Role::Commission(Commission::Ece))
        );
        assert_eq!(Role::parse("state:KEN"), Ok(Role::State("KEN".into())));
        assert_eq!(Role::parse("curator"), Ok(Role::Curator));
        assert!(Role::parse("commission:XYZ").is_err());
        assert!(Role::parse("state:XXX").is_err());
        assert!(Role::parse("admin").is_err());
        assert!(Role::parse("curator:alice").is_err());
        for role in [
            "commission:ESCWA",
            "state:MEX",
            "reader",
            "secretariat",
            "network",
        ] {
            assert_eq!(Role::parse(role).map(|r| r.to_string()), Ok(role.into()));
        }
    }

    #[test]
    fn identities_name_their_role() {
        assert_eq!(Role::of_identity("curator:alice"), Ok(Role::Curator));
        assert_eq!(Role::of_identity("secretariat"), Ok(Role::Secretariat));
        assert_eq!(
            Role::of_identity("commission:ECA"),
            Ok(Role::Commission(Commission::Eca))
        );
        assert!(Role::of_identity("state:ZZZ").is_err());
        assert!(Role::of_identity("admin:root").is_err());
    }

    #[test]
    fn a_good_token_names_its_caller_and_forged_ones_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let verifier = verifier(dir.path());
        let now = SystemTime::now();
        let hour = Duration::from_secs(3600);
        let role = Role::State("KEN".into());
        let token = issuer()
            .issue("kenya-focal-point", &role, now, hour)
            .expect("token");
        let caller = verifier.verify(&token).expect("accepted");
        assert_eq!(caller.subject, "kenya-focal-point");
        assert_eq!(caller.role, role);

        let rejected = |token: &str| verifier.verify(token).err().map(|e| e.to_string());
        let other_key =
            TokenIssuer::hs256(b"another-secret-another-secret-32", LOCAL_ISSUER, AUDIENCE);
        assert_eq!(
            rejected(&other_key.issue("x", &role, now, hour).expect("token")),
            Some("token not accepted: bad signature".into())
        );
        let audience = TokenIssuer::hs256(SECRET, LOCAL_ISSUER, "elsewhere");
        assert_eq!(
            rejected(&audience.issue("x", &role, now, hour).expect("token")),
            Some("token not accepted: wrong audience".into())
        );
        let issuer_b = TokenIssuer::hs256(SECRET, "someone-else", "imrf");
        assert_eq!(
            rejected(&issuer_b.issue("x", &role, now, hour).expect("token")),
            Some("token not accepted: wrong issuer".into())
        );
        let long_ago = now - Duration::from_secs(7200);
        assert_eq!(
            rejected(&issuer().issue("x", &role, long_ago, hour).expect("token")),
            Some("token not accepted: expired".into())
        );
        // A signed token whose payload was altered to another role.
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let forged = issuer()
            .issue("kenya-focal-point", &Role::Secretariat, now, hour)
            .expect("token");
        parts[1] = forged.split('.').nth(1).unwrap_or_default().to_string();
        assert_eq!(
            rejected(&parts.join(".")),
            Some("token not accepted: bad signature".into())
        );
        // Unsigned ("alg": "none") tokens are never accepted.
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
        assert!(rejected(&none).is_some());
        assert!(rejected("not-a-token").is_some());
    }

    /// Claims with a not-before time, which the platform's issuer never sets.
    #[derive(serde::Serialize)]
    struct NotBefore {
        #[serde(flatten)]
        claims: Claims,
        nbf: u64,
    }

    #[test]
    fn a_token_not_valid_yet_is_refused_beyond_the_leeway_for_clock_skew() {
        let dir = tempfile::tempdir().expect("tempdir");
        let verifier = verifier(dir.path());
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let token = |nbf: u64| {
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                &NotBefore {
                    claims: Claims {
                        sub: "kenya-focal-point".into(),
                        role: "state:KEN".into(),
                        iss: LOCAL_ISSUER.into(),
                        aud: AUDIENCE.into(),
                        exp: now + 7200,
                        iat: now,
                    },
                    nbf,
                },
                &jsonwebtoken::EncodingKey::from_secret(SECRET),
            )
            .expect("token")
        };
        assert_eq!(
            verifier
                .verify(&token(now + 3600))
                .err()
                .map(|e| e.to_string()),
            Some("token not accepted: not valid yet".into())
        );
        assert!(
            verifier.verify(&token(now + LEEWAY_SECS / 2)).is_ok(),
            "within the leeway"
        );
        assert!(verifier.verify(&token(now - 60)).is_ok());
    }

    /// Production signs with an Ed25519 private key the services never
    /// hold; they verify with the public key alone.
    #[test]
    fn ed25519_tokens_verify_with_the_public_key_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("key");
        let private = dir.path().join("token.key");
        let public = dir.path().join("token-public.pem");
        std::fs::write(&private, key.serialize_pem()).expect("write");
        std::fs::write(&public, key.public_key_pem()).expect("write");
        let issuer = TokenIssuer::from_key_file(
            &private,
            TokenAlgorithm::Eddsa,
            "https://login.example",
            "imrf",
        )
        .expect("issuer");
        let config = AuthConfig {
            key_file: Some(public.clone()),
            algorithm: TokenAlgorithm::Eddsa,
            issuer: "https://login.example".into(),
            audience: "imrf".into(),
        };
        let verifier = TokenVerifier::from_config(&config).expect("verifier");
        let token = issuer
            .issue(
                "curator:bo",
                &Role::Curator,
                SystemTime::now(),
                Duration::from_secs(60),
            )
            .expect("token");
        assert_eq!(
            verifier.verify(&token).map(|c| c.role).ok(),
            Some(Role::Curator)
        );
        // An HS256 token made with the public key as its secret (the
        // classic algorithm-confusion forgery) is refused.
        let public_bytes = std::fs::read(&public).expect("read");
        let confused = TokenIssuer::hs256(&public_bytes, "https://login.example", "imrf")
            .issue(
                "x",
                &Role::Secretariat,
                SystemTime::now(),
                Duration::from_secs(60),
            )
            .expect("token");
        assert!(verifier.verify(&confused).is_err());
        // A public key where a private one is expected is a clear error.
        assert!(TokenIssuer::from_key_file(&public, TokenAlgorithm::Eddsa, "i", "a").is_err());
    }

    #[test]
    fn bearer_metadata_is_read_case_insensitively() {
        assert_eq!(bearer_value("Bearer abc"), Some("abc"));
        assert_eq!(bearer_value("bearer  abc "), Some("abc"));
        assert_eq!(bearer_value("Basic abc"), None);
        assert_eq!(bearer_value("Bearer "), None);
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            verifier(dir.path()).verify(""),
            Err(TokenError::Rejected(_))
        ));
    }

    #[test]
    fn short_secrets_and_missing_keys_are_refused_at_start_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("short");
        std::fs::write(&path, b"too short\n").expect("write");
        assert!(TokenVerifier::from_config(&AuthConfig::hs256(&path)).is_err());
        let mut none = AuthConfig::hs256(&path);
        none.key_file = None;
        assert!(TokenVerifier::from_config(&none).is_err());
    }
}
