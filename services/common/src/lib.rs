//! Shared kit of the imrf services: GCM reference data, validation, the event
//! bus on NATS JetStream, typed configuration, telemetry, serving with health
//! and reflection, and the one mapping from errors to gRPC statuses.

pub mod app;
pub mod auth;
pub mod authz;
pub mod bus;
pub mod clock;
pub mod config;
pub mod cycles;
pub mod error;
pub mod gate;
pub mod probe;
pub mod refdata;
pub mod revision;
pub mod serve;
pub mod statistics;
pub mod telemetry;
pub mod tls;
pub mod validate;

#[cfg(feature = "test-support")]
pub mod testkit;

pub use error::ServiceError;
