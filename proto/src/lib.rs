//! The `imrf.v1` contract: every message, client and server of the four
//! services and the events they exchange, generated once from `proto/imrf/v1`.

#![allow(missing_debug_implementations, clippy::doc_lazy_continuation)]

/// Package `imrf.v1`.
pub mod v1 {
    tonic::include_proto!("imrf.v1");
}

/// The encoded file descriptor set of `imrf.v1` and its imports, for server
/// reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("imrf_descriptor");

/// Fully qualified names of the gRPC services of the contract.
pub mod service_names {
    /// Regional reviews, served by regional-intake.
    pub const REGIONAL_REVIEW_INTAKE: &str = "imrf.v1.RegionalReviewIntake";
    /// National reports and the aggregate, served by national-aggregation.
    pub const NATIONAL_REPORT_AGGREGATION: &str = "imrf.v1.NationalReportAggregation";
    /// The Repository of Practices, served by practices-hub.
    pub const PRACTICE_REPOSITORY: &str = "imrf.v1.PracticeRepository";
    /// Review cycles, served by report-compiler.
    pub const REVIEW_CYCLE: &str = "imrf.v1.ReviewCycle";
    /// Report drafts, served by report-compiler.
    pub const BIENNIAL_REPORT_COMPILER: &str = "imrf.v1.BiennialReportCompiler";

    /// All of them, in the order of the table in DESIGN.md.
    pub const ALL: [&str; 5] = [
        REGIONAL_REVIEW_INTAKE,
        NATIONAL_REPORT_AGGREGATION,
        PRACTICE_REPOSITORY,
        REVIEW_CYCLE,
        BIENNIAL_REPORT_COMPILER,
    ];
}
