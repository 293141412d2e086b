//! The client side of bearer tokens: an interceptor that puts a token on
//! every call of a channel, or on one request.

use crate::telemetry::TRACEPARENT;
use tonic::Request;

use super::{AUTHORIZATION_HEADER, TokenError};

/// A client interceptor sending `authorization: Bearer <token>` on every
/// call that does not already carry its own, and, when spans are exported,
/// the current span as the call's `traceparent`.
#[derive(Clone)]
pub struct Bearer {
    value: Option<tonic::metadata::AsciiMetadataValue>,
}

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bearer")
            .field("token", &self.value.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Bearer {
    /// Sends no token: the calls of a visitor who is not signed in.
    pub fn none() -> Self {
        Self { value: None }
    }

    /// Sends `token`; `None` sends nothing (the services will refuse).
    pub fn new(token: Option<&str>) -> Result<Self, TokenError> {
        let value = token
            .map(|t| {
                format!("Bearer {}", t.trim()).parse().map_err(|_| {
                    TokenError::Rejected("the token has characters metadata cannot carry".into())
                })
            })
            .transpose()?;
        Ok(Self { value })
    }
}

impl tonic::service::Interceptor for Bearer {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, tonic::Status> {
        if let Some(value) = &self.value
            && !request.metadata().contains_key(AUTHORIZATION_HEADER)
        {
            request
                .metadata_mut()
                .insert(AUTHORIZATION_HEADER, value.clone());
        }
        // The call is a child of the work that makes it (a console page),
        // when spans are exported.
        if !request.metadata().contains_key(TRACEPARENT)
            && let Some(trace) = imrf_bus::trace::current()
            && let Ok(value) = trace.to_traceparent().parse()
        {
            request.metadata_mut().insert(TRACEPARENT, value);
        }
        Ok(request)
    }
}

/// A channel whose calls carry a bearer token.
pub type AuthChannel =
    tonic::service::interceptor::InterceptedService<tonic::transport::Channel, Bearer>;

/// `channel` with `bearer` in front of it.
pub fn with_bearer(channel: tonic::transport::Channel, bearer: Bearer) -> AuthChannel {
    tonic::service::interceptor::InterceptedService::new(channel, bearer)
}

/// Puts `token` on one request, overriding the channel's.
pub fn set_bearer<T>(request: &mut Request<T>, token: &str) -> Result<(), TokenError> {
    let value = format!("Bearer {}", token.trim()).parse().map_err(|_| {
        TokenError::Rejected("the token has characters metadata cannot carry".into())
    })?;
    request.metadata_mut().insert(AUTHORIZATION_HEADER, value);
    Ok(())
}
