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

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    #[test]
    fn the_descriptor_set_contains_every_service_and_rpc_of_the_design() {
        let set = prost_types::FileDescriptorSet::decode(FILE_DESCRIPTOR_SET);
        let Ok(set) = set else {
            panic!("descriptor set does not decode");
        };
        let services: Vec<(String, Vec<String>)> = set
            .file
            .iter()
            .filter(|f| f.package() == "imrf.v1")
            .flat_map(|f| f.service.iter())
            .map(|s| {
                (
                    format!("imrf.v1.{}", s.name()),
                    s.method.iter().map(|m| m.name().to_string()).collect(),
                )
            })
            .collect();
        let expected: [(&str, &[&str]); 5] = [
            (
                service_names::REGIONAL_REVIEW_INTAKE,
                &[
                    "SubmitRegionalReview",
                    "GetRegionalReview",
                    "ListRegionalReviews",
                    "WithdrawRegionalReview",
                ],
            ),
            (
                service_names::NATIONAL_REPORT_AGGREGATION,
                &[
                    "SubmitNationalReport",
                    "GetNationalReport",
                    "ListNationalReports",
                    "GetAggregate",
                    "WatchAggregate",
                ],
            ),
            (
                service_names::PRACTICE_REPOSITORY,
                &[
                    "SubmitPractice",
                    "UpdatePractice",
                    "GetPractice",
                    "SearchPractices",
                    "ReviewPractice",
                    "WithdrawPractice",
                    "GetPracticeHistory",
                ],
            ),
            (
                service_names::REVIEW_CYCLE,
                &["OpenCycle", "GetCycle", "ListCycles", "AdvanceCycle"],
            ),
            (
                service_names::BIENNIAL_REPORT_COMPILER,
                &["CompileDraft", "GetDraft", "ListDrafts"],
            ),
        ];
        for (service, methods) in expected {
            let found = services.iter().find(|(name, _)| name == service);
            let Some((_, found_methods)) = found else {
                panic!("{service} missing from the descriptor set");
            };
            for method in methods {
                assert!(
                    found_methods.iter().any(|m| m == method),
                    "{service}/{method} missing"
                );
            }
        }
        assert_eq!(services.len(), service_names::ALL.len());
    }

    #[test]
    fn every_enum_starts_with_unspecified() {
        let Ok(set) = prost_types::FileDescriptorSet::decode(FILE_DESCRIPTOR_SET) else {
            panic!("descriptor set does not decode");
        };
        for file in set.file.iter().filter(|f| f.package() == "imrf.v1") {
            for e in &file.enum_type {
                let first = e.value.first();
                assert_eq!(first.map(|v| v.number()), Some(0), "{}", e.name());
                assert!(
                    first.is_some_and(|v| v.name().ends_with("_UNSPECIFIED")),
                    "{}",
                    e.name()
                );
            }
        }
    }
}
