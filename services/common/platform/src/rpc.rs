//! The one adapter every RPC goes through, after the gate: it reads the
//! caller's trace context from the metadata, takes the caller the gate
//! verified, opens the call's span (the same fields for every RPC), runs the
//! handler inside it, and maps its error to a status in the one place that
//! does (`error`). A handler is then a plain async function of a [`Call`],
//! and a service's gRPC trait is one [`grpc_service!`](crate::grpc_service)
//! table of RPC, request, response and handler.

use std::future::Future;

// What `grpc_service!` expands to names these through this module, so a
// service crate needs no imports for it.
#[doc(hidden)]
pub use tonic::async_trait;
pub use tonic::{Request, Response, Status};
use tracing::{Instrument, field};

use crate::auth::{Caller, caller_of};
use crate::error::ServiceError;
use crate::telemetry::{TraceContext, enter_trace, parent_of};

/// An RPC's message with who sent it and the trace it belongs to.
#[derive(Debug)]
pub struct Call<T> {
    /// The request message.
    pub message: T,
    /// The verified caller.
    pub caller: Caller,
    /// The call's trace context: a child of the caller's, or a new trace.
    pub trace: TraceContext,
}

impl<T> Call<T> {
    /// The message, the caller and the trace, for a handler that takes them
    /// apart.
    pub fn into_parts(self) -> (T, Caller, TraceContext) {
        (self.message, self.caller, self.trace)
    }
}

/// Serves one call of RPC `rpc` with `handler`; see the module doc.
pub async fn serve<T, R, H, Fut>(
    rpc: &'static str,
    request: Request<T>,
    handler: H,
) -> Result<Response<R>, Status>
where
    H: FnOnce(Call<T>) -> Fut,
    Fut: Future<Output = Result<R, ServiceError>>,
{
    let parent = parent_of(request.metadata());
    let caller = caller_of(&request)?;
    let span = tracing::info_span!(
        "rpc",
        rpc,
        trace_id = field::Empty,
        caller = %caller.subject,
        // Recorded by the request ledger when a call names its request.
        request_id = field::Empty,
        entity = field::Empty,
        revision = field::Empty,
    );
    let trace = enter_trace(&span, parent);
    let call = Call {
        message: request.into_inner(),
        caller,
        trace,
    };
    handler(call)
        .instrument(span)
        .await
        .map(Response::new)
        .map_err(Status::from)
}

/// Names, on the current call's span, the record the call concerns (a
/// review, report, practice, cycle or draft id).
pub fn record_entity(id: &str) {
    tracing::Span::current().record("entity", id);
}

/// Names, on the current call's span, the revision the call produced.
pub fn record_revision(revision: u32) {
    tracing::Span::current().record("revision", revision);
}

/// Implements a generated gRPC service trait for a handler type: each RPC
/// goes through [`serve`] to the named handler, an
/// `async fn(&self, Call<Request>) -> Result<Response, ServiceError>`.
///
/// ```ignore
/// imrf_platform::grpc_service! {
///     impl RegionalReviewIntake for Intake {
///         fn submit_regional_review(SubmitRegionalReviewRequest) -> SubmitRegionalReviewResponse = submit;
///     }
/// }
/// ```
#[macro_export]
macro_rules! grpc_service {
    (
        impl $service:ident for $state:ty {
            $(type $assoc:ident = $assoc_ty:ty;)*
            $(fn $method:ident($request:ty) -> $response:ty = $handler:ident;)+
        }
    ) => {
        #[$crate::rpc::async_trait]
        impl $service for $state {
            $(type $assoc = $assoc_ty;)*
            $(
                async fn $method(
                    &self,
                    request: $crate::rpc::Request<$request>,
                ) -> ::std::result::Result<$crate::rpc::Response<$response>, $crate::rpc::Status> {
                    $crate::rpc::serve(stringify!($method), request, |call| self.$handler(call)).await
                }
            )+
        }
    };
}
