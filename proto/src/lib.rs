//! The `imrf.v1` contract: every message, client and server of the four
//! services and the events they exchange, generated once from `proto/imrf/v1`.

#![allow(missing_debug_implementations, clippy::doc_lazy_continuation)]

/// Package `imrf.v1`.
pub mod v1 {
    include!(concat!(env!("OUT_DIR"), "/imrf.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/imrf.v1.serde.rs"));
}

/// The protobuf well-known types (Timestamp and others), with serde support.
pub use pbjson_types as wkt;

/// A protobuf timestamp of an instant.
pub fn timestamp(at: std::time::SystemTime) -> wkt::Timestamp {
    let (seconds, nanos) = match at.duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => (
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            i32::try_from(since.subsec_nanos()).unwrap_or(0),
        ),
        Err(before) => {
            let before = before.duration();
            let mut seconds = -i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            let mut nanos = -i32::try_from(before.subsec_nanos()).unwrap_or(0);
            if nanos < 0 {
                seconds -= 1;
                nanos += 1_000_000_000;
            }
            (seconds, nanos)
        }
    };
    wkt::Timestamp { seconds, nanos }
}

/// The instant a protobuf timestamp names.
pub fn system_time(timestamp: &wkt::Timestamp) -> std::time::SystemTime {
    let nanos = u32::try_from(timestamp.nanos.clamp(0, 999_999_999)).unwrap_or(0);
    if timestamp.seconds >= 0 {
        std::time::UNIX_EPOCH
            + std::time::Duration::new(u64::try_from(timestamp.seconds).unwrap_or(0), nanos)
    } else {
        std::time::UNIX_EPOCH - std::time::Duration::from_secs(timestamp.seconds.unsigned_abs())
            + std::time::Duration::from_nanos(u64::from(nanos))
    }
}

/// The encoded file descriptor set of `imrf.v1` and its imports, for server
/// reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/imrf_descriptor.bin"));

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
    fn timestamps_round_trip_either_side_of_the_epoch() {
        use std::time::{Duration, UNIX_EPOCH};
        for at in [
            UNIX_EPOCH + Duration::new(1_767_225_600, 123_456_789),
            UNIX_EPOCH - Duration::new(86_400, 500_000_000),
            UNIX_EPOCH,
        ] {
            assert_eq!(system_time(&timestamp(at)), at);
        }
    }

    #[test]
    fn messages_have_the_canonical_json_form() {
        let review = v1::RegionalReview {
            cycle_id: "2026".into(),
            commission: v1::Commission::Ece as i32,
            less_attention_objectives: vec![13],
            ..Default::default()
        };
        let json = serde_json::to_value(&review).unwrap_or_default();
        assert_eq!(json["commission"], "COMMISSION_ECE");
        assert_eq!(json["cycleId"], "2026");
        let back: Result<v1::RegionalReview, _> = serde_json::from_str(
            r#"{"cycle_id": "2026", "commission": "COMMISSION_ECE", "lessAttentionObjectives": [13]}"#,
        );
        assert_eq!(back.ok(), Some(review));
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
