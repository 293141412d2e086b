//! Client-side checks of a running service: its gRPC health and the services
//! it lists over reflection. Used by `imrfctl stack status` and by tests.

use std::time::Duration;

use futures::StreamExt;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

/// Why a probe failed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The address is not a valid endpoint.
    #[error("bad endpoint {0}")]
    Endpoint(String),
    /// Could not connect.
    #[error("cannot connect: {0}")]
    Connect(#[from] tonic::transport::Error),
    /// The call failed.
    #[error("call failed: {0}")]
    Call(#[from] tonic::Status),
    /// The answer made no sense.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

/// Connects to `url` (for example `http://127.0.0.1:50051`).
pub async fn connect(url: &str) -> Result<Channel, ProbeError> {
    connect_with(url, None).await
}

/// Connects to `url` over TLS when `tls` is given (the URL's scheme is then
/// `https`).
pub async fn connect_with(
    url: &str,
    tls: Option<tonic::transport::ClientTlsConfig>,
) -> Result<Channel, ProbeError> {
    let mut endpoint = Endpoint::from_shared(url.to_string())
        .map_err(|_| ProbeError::Endpoint(url.to_string()))?;
    if let Some(tls) = tls {
        endpoint = endpoint.tls_config(tls)?;
    }
    endpoint
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(ProbeError::from)
}

/// The health of `service` ("" for the whole server).
pub async fn health(channel: Channel, service: &str) -> Result<ServingStatus, ProbeError> {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: service.to_string(),
        })
        .await?
        .into_inner();
    ServingStatus::try_from(response.status)
        .map_err(|_| ProbeError::Unexpected(format!("status {}", response.status)))
}

/// The services listed over reflection v1, sorted.
pub async fn list_services(channel: Channel) -> Result<Vec<String>, ProbeError> {
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(channel)
        .server_reflection_info(futures::stream::iter([request]))
        .await?
        .into_inner();
    let Some(response) = responses.next().await else {
        return Err(ProbeError::Unexpected("no reflection response".into()));
    };
    match response?.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            let mut names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
            names.sort();
            Ok(names)
        }
        other => Err(ProbeError::Unexpected(format!("{other:?}"))),
    }
}
