//! Serving gRPC: typed configuration, callers' tokens and what each role may
//! do, limits, TLS, health and reflection, telemetry, the one adapter every
//! RPC goes through, and the one mapping of domain refusals and bus errors
//! to gRPC statuses.

pub mod app;
pub mod auth;
pub mod authz;
pub mod config;
pub mod error;
pub mod gate;
pub mod metrics;
pub mod probe;
pub mod rpc;
pub mod serve;
pub mod telemetry;
pub mod tls;

pub use error::ServiceError;
