//! How imrfctl reaches the services: over TLS when a CA is given, with a
//! bearer token on every call. The token is `--token` (IMRF_TOKEN), or, for
//! the local stack, one minted for `--as` with the stack's key
//! (`--auth-key-file`, which only the operator of the stack holds).

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use imrf_platform::auth::{
    AUDIENCE, AuthChannel, Bearer, LOCAL_ISSUER, Role, TokenAlgorithm, TokenIssuer, with_bearer,
};
use imrf_platform::probe;
use imrf_platform::tls::ClientTls;
use tonic::Request;

use crate::outcome::Failure;

/// Lifetime of a token minted for one command.
const COMMAND_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// Who imrfctl acts as, and how it connects.
#[derive(Debug, Clone, clap::Args)]
pub struct Credentials {
    /// Bearer token to send (from `imrfctl token issue` or your identity
    /// provider).
    #[arg(long, env = "IMRF_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,

    /// Who you act as, for example state:KEN, commission:ECE,
    /// curator:NAME, secretariat: with --auth-key-file, a token for this
    /// identity is minted for each command.
    #[arg(long = "as", env = "IMRF_SUBJECT", global = true)]
    pub subject: Option<String>,

    /// Key to mint tokens with (the local stack's secret, .data/auth/token.key).
    #[arg(
        id = "auth_key_file",
        long = "auth-key-file",
        env = "IMRF_AUTH_KEY_FILE",
        global = true
    )]
    pub key_file: Option<PathBuf>,

    /// Signature algorithm of minted tokens.
    #[arg(long = "auth-algorithm", env = "IMRF_AUTH_ALGORITHM", value_enum,
          default_value_t = TokenAlgorithm::Hs256, global = true)]
    pub algorithm: TokenAlgorithm,

    /// Issuer of minted tokens.
    #[arg(
        long = "auth-issuer",
        env = "IMRF_AUTH_ISSUER",
        default_value = LOCAL_ISSUER,
        global = true
    )]
    pub issuer: String,

    /// Audience of minted tokens.
    #[arg(
        long = "auth-audience",
        env = "IMRF_AUTH_AUDIENCE",
        default_value = AUDIENCE,
        global = true
    )]
    pub audience: String,

    /// TLS to the services.
    #[command(flatten)]
    pub tls: ClientTls,
}

static CREDENTIALS: OnceLock<Credentials> = OnceLock::new();

/// Remembers the command line's credentials for every connection.
pub fn init(credentials: Credentials) {
    let _ = CREDENTIALS.set(credentials);
}

fn credentials() -> &'static Credentials {
    CREDENTIALS.get_or_init(|| {
        // Reached only when a command runs before `init`: the flags'
        // defaults (and environment), from their one definition.
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            credentials: Credentials,
        }
        <Defaults as clap::Parser>::parse_from(["imrfctl"]).credentials
    })
}

/// The signer of minted tokens, if a key was given.
pub fn issuer(credentials: &Credentials) -> Result<Option<TokenIssuer>, Failure> {
    credentials
        .key_file
        .as_deref()
        .map(|path| {
            TokenIssuer::from_key_file(
                path,
                credentials.algorithm,
                &credentials.issuer,
                &credentials.audience,
            )
            .map_err(|e| Failure::Usage(e.to_string()))
        })
        .transpose()
}

/// A token for `subject` acting as `role`, valid for `ttl`.
pub fn mint(
    issuer: &TokenIssuer,
    subject: &str,
    role: &Role,
    ttl: Duration,
) -> Result<String, Failure> {
    issuer
        .issue(subject, role, SystemTime::now(), ttl)
        .map_err(|e| Failure::Usage(e.to_string()))
}

/// A token for identity `who` (`state:KEN`, `curator:alice`), minted with
/// the configured key.
pub fn token_for(who: &str) -> Result<String, Failure> {
    let credentials = credentials();
    let Some(issuer) = issuer(credentials)? else {
        return Err(Failure::Usage(format!(
            "acting as {who} needs the stack's key: pass --auth-key-file (IMRF_AUTH_KEY_FILE)"
        )));
    };
    let role = Role::of_identity(who).map_err(Failure::Usage)?;
    mint(&issuer, who, &role, COMMAND_TOKEN_TTL)
}

/// The token every call of this command carries, if any.
fn command_token() -> Result<Option<String>, Failure> {
    let credentials = credentials();
    if let Some(token) = &credentials.token {
        return Ok(Some(token.clone()));
    }
    match (&credentials.subject, &credentials.key_file) {
        (Some(who), Some(_)) => token_for(who).map(Some),
        _ => Ok(None),
    }
}

/// A channel to `url` whose calls carry the command's token.
pub async fn channel(url: &str) -> Result<AuthChannel, Failure> {
    connect(url, command_token()?).await
}

/// A channel to `url` whose calls carry a token minted for `who`.
pub async fn channel_as(url: &str, who: &str) -> Result<AuthChannel, Failure> {
    connect(url, Some(token_for(who)?)).await
}

async fn connect(url: &str, token: Option<String>) -> Result<AuthChannel, Failure> {
    let tls = credentials()
        .tls
        .client_config()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let channel = probe::connect_with(url, tls).await?;
    let bearer = Bearer::new(token.as_deref()).map_err(|e| Failure::Usage(e.to_string()))?;
    Ok(with_bearer(channel, bearer))
}

/// `message` sent as identity `who` when imrfctl holds the key to mint its
/// token (the operator of a stack importing for many States), else with
/// the command's own token, which the service checks against `who`.
pub fn on_behalf_of<T>(who: &str, message: T) -> Result<Request<T>, Failure> {
    if credentials().key_file.is_some() {
        as_identity(who, message)
    } else {
        Ok(Request::new(message))
    }
}

/// `message` sent as identity `who`, whatever the command's own token.
pub fn as_identity<T>(who: &str, message: T) -> Result<Request<T>, Failure> {
    let mut request = Request::new(message);
    imrf_platform::auth::set_bearer(&mut request, &token_for(who)?)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    Ok(request)
}
