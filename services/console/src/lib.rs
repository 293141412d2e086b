//! The web console: the platform in a browser for every role. It renders
//! HTML on the server, keeps no store of its own, and calls the four
//! services over gRPC with the token of the person using it, so the
//! services decide what each person may see and do, exactly as they do for
//! imrfctl.
//!
//! In production it sits behind the organisation's authenticating proxy,
//! which hands it `Authorization: Bearer <token>`; given the local stack's
//! HS256 key, it offers a sign-in that mints tokens with it instead.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use imrf_platform::auth::{AuthConfig, TokenAlgorithm, TokenIssuer, TokenVerifier};
use imrf_platform::config::LogFormat;

mod backend;
mod changes;
mod curation;
mod cycles;
mod i18n;
mod indicators;
mod labels;
mod participation;
mod practices;
mod problem;
mod reports;
mod review_form;
mod reviews;
mod signin;
mod web;
mod workbooks;

/// Name of the binary, in logs.
pub const SERVICE_NAME: &str = "console";

/// Port of the console on the local stack.
pub const DEFAULT_PORT: u16 = 8080;

/// How the console is configured: flags, or `IMRF_*` environment variables.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "console", version, about = "The imrf web console")]
pub struct Config {
    /// Address to serve on.
    #[arg(long, env = "IMRF_CONSOLE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where to write the bound address (for a start on port 0).
    #[arg(long, env = "IMRF_ADDR_FILE")]
    pub addr_file: Option<PathBuf>,

    /// Log output format.
    #[arg(long, env = "IMRF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Export spans over OTLP/gRPC to this collector, as the services do:
    /// a page's span is the parent of the calls it makes to them.
    #[arg(long = "otlp-endpoint", env = "IMRF_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    /// Address to serve Prometheus metrics on (`GET /metrics`), apart from
    /// the pages; port 0 picks a free one. None when absent.
    #[arg(long = "metrics-listen", env = "IMRF_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Write the metrics listener's bound address to this file.
    #[arg(long = "metrics-addr-file", env = "IMRF_METRICS_ADDR_FILE")]
    pub metrics_addr_file: Option<PathBuf>,

    /// regional-intake.
    #[arg(
        long,
        env = "IMRF_REGIONAL_URL",
        default_value = "http://127.0.0.1:50051"
    )]
    pub regional_url: String,

    /// national-aggregation.
    #[arg(
        long,
        env = "IMRF_NATIONAL_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    pub national_url: String,

    /// practices-hub.
    #[arg(
        long,
        env = "IMRF_PRACTICES_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    pub practices_url: String,

    /// report-compiler.
    #[arg(
        long,
        env = "IMRF_REPORT_URL",
        default_value = "http://127.0.0.1:50054"
    )]
    pub report_url: String,

    /// The key tokens are verified with, as the services take it. Given the
    /// local stack's HS256 secret, the console also offers a sign-in that
    /// mints tokens with it; with an Ed25519 public key it only reads the
    /// tokens the authenticating proxy hands it.
    #[command(flatten)]
    pub auth: AuthConfig,

    /// Key the session cookie is encrypted with (at least 64 bytes); a
    /// random one per start when unset, which signs everyone out on
    /// restart.
    #[arg(long, env = "IMRF_CONSOLE_SESSION_KEY_FILE")]
    pub session_key_file: Option<PathBuf>,

    /// A reader's token from the identity provider, which the console sends
    /// for visitors who are not signed in, so the public pages show what
    /// any reader may see. On the local stack the console mints one.
    #[arg(long, env = "IMRF_CONSOLE_READER_TOKEN_FILE")]
    pub reader_token_file: Option<PathBuf>,

    /// Send cookies only over HTTPS (set it behind a TLS proxy).
    #[arg(long, env = "IMRF_CONSOLE_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
}

/// Why the console could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The token key could not be read.
    #[error(transparent)]
    Key(#[from] imrf_platform::auth::KeyError),
    /// The session key or the reader's token could not be read.
    #[error("{path}: {problem}")]
    SessionKey {
        /// The file.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// A service address is not a URL.
    #[error("service address {0}")]
    Url(String),
    /// The listener could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The bound address could not be written.
    #[error(transparent)]
    AddrFile(#[from] imrf_platform::serve::ServeError),
    /// The metrics listener could not start.
    #[error(transparent)]
    Metrics(#[from] imrf_platform::metrics::MetricsError),
}

/// Everything a page handler needs, shared by all requests.
pub(crate) struct Shared {
    pub backend: backend::Backend,
    /// What visitors who are not signed in read with.
    pub public: backend::PublicReader,
    pub verifier: TokenVerifier,
    /// Mints sign-in tokens: only on the local stack.
    pub local_issuer: Option<TokenIssuer>,
    pub session_key: cookie::Key,
    pub secure_cookies: bool,
}

pub(crate) type State = Arc<Shared>;

/// The console, bound and ready to serve.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Application {
    /// Reads the keys, connects (lazily) to the services and binds.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let verifier = TokenVerifier::from_config(&config.auth)?;
        let local_issuer = match (config.auth.algorithm, &config.auth.key_file) {
            (TokenAlgorithm::Hs256, Some(path)) => Some(TokenIssuer::from_key_file(
                path,
                TokenAlgorithm::Hs256,
                &config.auth.issuer,
                &config.auth.audience,
            )?),
            _ => None,
        };
        let session_key = match &config.session_key_file {
            Some(path) => {
                let shown = path.display().to_string();
                let bytes = std::fs::read(path).map_err(|e| StartError::SessionKey {
                    path: shown.clone(),
                    problem: e.to_string(),
                })?;
                cookie::Key::try_from(bytes.trim_ascii()).map_err(|_| StartError::SessionKey {
                    path: shown,
                    problem: "needs at least 64 bytes".into(),
                })?
            }
            None => cookie::Key::generate(),
        };
        let backend = backend::Backend::connect(&config).map_err(StartError::Url)?;
        let public = match (&config.reader_token_file, &local_issuer) {
            (Some(path), _) => {
                let token = std::fs::read_to_string(path).map_err(|e| StartError::SessionKey {
                    path: path.display().to_string(),
                    problem: e.to_string(),
                })?;
                backend::PublicReader::Token(token.trim().to_string())
            }
            (None, Some(issuer)) => backend::PublicReader::minted(issuer.clone()),
            (None, None) => backend::PublicReader::Nobody,
        };
        let shared = Arc::new(Shared {
            backend,
            public,
            verifier,
            local_issuer,
            session_key,
            secure_cookies: config.secure_cookies,
        });
        if let Some(addr) = config.metrics_listen {
            imrf_platform::metrics::listen(addr, config.metrics_addr_file.as_deref()).await?;
        }
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        if let Some(path) = &config.addr_file {
            imrf_platform::serve::write_addr_file(path, addr)?;
        }
        tracing::info!(%addr, local_sign_in = shared.local_issuer.is_some(), "serving");
        Ok(Self {
            listener,
            router: router(shared),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets open requests finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

fn router(state: State) -> Router {
    Router::new()
        .route("/", get(practices::home))
        .route("/practices", get(practices::search).post(practices::submit))
        .route("/practices/new", get(practices::new_form))
        .route("/practices/mine", get(practices::own))
        .route("/practices/{id}", get(practices::page))
        .route(
            "/practices/{id}/edit",
            get(practices::edit_form).post(practices::update),
        )
        .route(
            "/practices/{id}/withdraw",
            get(practices::withdraw_confirm).post(practices::withdraw),
        )
        .route("/curation", get(curation::queue))
        .route(
            "/curation/{id}",
            get(curation::review_page).post(curation::review),
        )
        .route("/cycles", get(cycles::list))
        .route("/cycles/{id}", get(cycles::page))
        .route("/cycles/{id}/live", get(cycles::live))
        .route(
            "/cycles/{id}/advance",
            get(cycles::advance_confirm).post(cycles::advance),
        )
        .route("/cycles/{id}/drafts", post(cycles::compile))
        .route("/cycles/{id}/drafts/{version}", get(cycles::preview))
        .route("/cycles/{id}/drafts/{version}/changes", get(changes::page))
        .route(
            "/cycles/{id}/drafts/{version}/download/{format}",
            get(cycles::download),
        )
        .route("/reports", get(reports::list))
        .route("/reports/new", get(reports::new_form).post(reports::submit))
        .route("/reports/template", get(workbooks::template))
        .route(
            "/reports/workbook",
            get(workbooks::form).post(workbooks::upload),
        )
        .route("/reports/{id}", get(reports::page))
        .route(
            "/reports/{id}/indicators",
            get(indicators::form).post(indicators::upload),
        )
        .route("/reviews", get(reviews::list).post(reviews::submit))
        .route("/reviews/new", get(reviews::upload_form))
        .route("/reviews/template", get(reviews::template))
        .route(
            "/reviews/form",
            get(review_form::form).post(review_form::submit),
        )
        .route("/reviews/{id}", get(reviews::page))
        .route(
            "/reviews/{id}/withdraw",
            get(reviews::withdraw_confirm).post(reviews::withdraw),
        )
        .route("/signin", get(signin::form).post(signin::sign_in))
        .route("/signout", post(signin::sign_out))
        .route("/assets/{name}", get(web::asset))
        .route("/healthz", get(web::healthz))
        .fallback(web::not_found)
        .layer(axum::middleware::from_fn(web::observed))
        .layer(axum::extract::DefaultBodyLimit::max(web::BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::visitor_layer,
        ))
        .with_state(state)
}
