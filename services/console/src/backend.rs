//! The four services, reached over gRPC with the visitor's own token: the
//! console holds no rights of its own.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use imrf_platform::auth::{AuthChannel, Bearer, Role, TokenIssuer, with_bearer};
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use tonic::transport::{Channel, Endpoint};

use crate::Config;
use crate::web::Visitor;

/// How long a page waits for a service before it says the service is
/// unavailable.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// One channel per service, shared by every visitor; each call carries the
/// visitor's token.
#[derive(Debug, Clone)]
pub(crate) struct Backend {
    regional: Channel,
    national: Channel,
    practices: Channel,
    report: Channel,
}

fn lazy(url: &str) -> Result<Channel, String> {
    Ok(Endpoint::from_shared(url.to_string())
        .map_err(|e| format!("{url}: {e}"))?
        .connect_timeout(Duration::from_secs(3))
        .timeout(CALL_TIMEOUT)
        .connect_lazy())
}

impl Backend {
    /// Channels that connect on first use, so the console starts (and says
    /// a service is unavailable) while a service is down.
    pub fn connect(config: &Config) -> Result<Self, String> {
        Ok(Self {
            regional: lazy(&config.regional_url)?,
            national: lazy(&config.national_url)?,
            practices: lazy(&config.practices_url)?,
            report: lazy(&config.report_url)?,
        })
    }

    fn with(&self, channel: &Channel, visitor: &Visitor) -> AuthChannel {
        // A token that cannot travel as metadata was never verified, so the
        // visitor has none: calls go without one.
        let bearer = Bearer::new(visitor.token.as_deref()).unwrap_or_else(|_| Bearer::none());
        with_bearer(channel.clone(), bearer)
    }

    pub fn regional(&self, v: &Visitor) -> RegionalReviewIntakeClient<AuthChannel> {
        RegionalReviewIntakeClient::new(self.with(&self.regional, v))
    }

    pub fn national(&self, v: &Visitor) -> NationalReportAggregationClient<AuthChannel> {
        NationalReportAggregationClient::new(self.with(&self.national, v))
    }

    pub fn practices(&self, v: &Visitor) -> PracticeRepositoryClient<AuthChannel> {
        PracticeRepositoryClient::new(self.with(&self.practices, v))
    }

    pub fn cycles(&self, v: &Visitor) -> ReviewCycleClient<AuthChannel> {
        ReviewCycleClient::new(self.with(&self.report, v))
    }

    pub fn drafts(&self, v: &Visitor) -> BiennialReportCompilerClient<AuthChannel> {
        BiennialReportCompilerClient::new(self.with(&self.report, v))
    }
}

/// Lifetime of a minted public reader's token; it is renewed well before.
const PUBLIC_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// What the calls of a visitor who is not signed in carry: a reader's
/// token, so they see exactly what any reader may.
pub(crate) enum PublicReader {
    /// One given by the identity provider.
    Token(String),
    /// Minted with the local stack's key, renewed every half hour.
    Minted {
        issuer: TokenIssuer,
        current: Mutex<Option<(String, Instant)>>,
    },
    /// None: public pages ask people to sign in.
    Nobody,
}

impl PublicReader {
    pub fn minted(issuer: TokenIssuer) -> Self {
        Self::Minted {
            issuer,
            current: Mutex::new(None),
        }
    }

    pub fn token(&self) -> Option<String> {
        match self {
            Self::Token(t) => Some(t.clone()),
            Self::Nobody => None,
            Self::Minted { issuer, current } => {
                let mut current = current.lock().ok()?;
                if let Some((token, minted)) = current.as_ref()
                    && minted.elapsed() < PUBLIC_TOKEN_TTL / 2
                {
                    return Some(token.clone());
                }
                let token = issuer
                    .issue(
                        "reader:public",
                        &Role::Reader,
                        SystemTime::now(),
                        PUBLIC_TOKEN_TTL,
                    )
                    .ok()?;
                *current = Some((token.clone(), Instant::now()));
                Some(token)
            }
        }
    }
}
