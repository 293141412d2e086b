//! Who may do what: one table ([`grant`]) saying, for every RPC of the
//! contract and every role, whether the call is allowed and on what scope.
//! The gate refuses a role the table gives nothing before the request is
//! even decoded; handlers then check the scope against what the request
//! touches with [`authorize`], before anything is stored.

use imrf_proto::v1::Commission;

use crate::auth::{Caller, Role, RoleKind};
use crate::error::ServiceError;
use imrf_gcm::refdata::commission_code;
use imrf_gcm::validate::MAX_SUBMISSION_BYTES;

/// Every RPC of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Rpc {
    SubmitRegionalReview,
    GetRegionalReview,
    ListRegionalReviews,
    WithdrawRegionalReview,
    SubmitNationalReport,
    GetNationalReport,
    ListNationalReports,
    GetAggregate,
    WatchAggregate,
    ExportObservations,
    SubmitPractice,
    UpdatePractice,
    GetPractice,
    SearchPractices,
    ReviewPractice,
    WithdrawPractice,
    GetPracticeHistory,
    OpenCycle,
    GetCycle,
    ListCycles,
    AdvanceCycle,
    CompileDraft,
    GetDraft,
    ListDrafts,
    SetDraftText,
    RemoveDraftText,
    ListDraftTexts,
    DiffDrafts,
    SubmitNetworkContribution,
    GetNetworkContribution,
}

/// Largest request of an RPC that only names things (ids, filters, a
/// reason): far above any honest one, far below the submission limit.
const SMALL_REQUEST_BYTES: usize = 64 * 1024;

impl Rpc {
    /// Every RPC, in contract order.
    pub const ALL: [Rpc; 30] = [
        Rpc::SubmitRegionalReview,
        Rpc::GetRegionalReview,
        Rpc::ListRegionalReviews,
        Rpc::WithdrawRegionalReview,
        Rpc::SubmitNationalReport,
        Rpc::GetNationalReport,
        Rpc::ListNationalReports,
        Rpc::GetAggregate,
        Rpc::WatchAggregate,
        Rpc::ExportObservations,
        Rpc::SubmitPractice,
        Rpc::UpdatePractice,
        Rpc::GetPractice,
        Rpc::SearchPractices,
        Rpc::ReviewPractice,
        Rpc::WithdrawPractice,
        Rpc::GetPracticeHistory,
        Rpc::OpenCycle,
        Rpc::GetCycle,
        Rpc::ListCycles,
        Rpc::AdvanceCycle,
        Rpc::CompileDraft,
        Rpc::GetDraft,
        Rpc::ListDrafts,
        Rpc::SetDraftText,
        Rpc::RemoveDraftText,
        Rpc::ListDraftTexts,
        Rpc::DiffDrafts,
        Rpc::SubmitNetworkContribution,
        Rpc::GetNetworkContribution,
    ];

    /// The gRPC service it belongs to.
    pub fn service(self) -> &'static str {
        use Rpc::*;
        match self {
            SubmitRegionalReview
            | GetRegionalReview
            | ListRegionalReviews
            | WithdrawRegionalReview => imrf_proto::service_names::REGIONAL_REVIEW_INTAKE,
            SubmitNationalReport | GetNationalReport | ListNationalReports | GetAggregate
            | WatchAggregate | ExportObservations => {
                imrf_proto::service_names::NATIONAL_REPORT_AGGREGATION
            }
            SubmitPractice
            | UpdatePractice
            | GetPractice
            | SearchPractices
            | ReviewPractice
            | WithdrawPractice
            | GetPracticeHistory
            | SubmitNetworkContribution
            | GetNetworkContribution => imrf_proto::service_names::PRACTICE_REPOSITORY,
            OpenCycle | GetCycle | ListCycles | AdvanceCycle => {
                imrf_proto::service_names::REVIEW_CYCLE
            }
            CompileDraft | GetDraft | ListDrafts | SetDraftText | RemoveDraftText
            | ListDraftTexts | DiffDrafts => imrf_proto::service_names::BIENNIAL_REPORT_COMPILER,
        }
    }

    /// The method name, as in the proto.
    pub fn method(self) -> &'static str {
        match self {
            Rpc::SubmitRegionalReview => "SubmitRegionalReview",
            Rpc::GetRegionalReview => "GetRegionalReview",
            Rpc::ListRegionalReviews => "ListRegionalReviews",
            Rpc::WithdrawRegionalReview => "WithdrawRegionalReview",
            Rpc::SubmitNationalReport => "SubmitNationalReport",
            Rpc::GetNationalReport => "GetNationalReport",
            Rpc::ListNationalReports => "ListNationalReports",
            Rpc::GetAggregate => "GetAggregate",
            Rpc::WatchAggregate => "WatchAggregate",
            Rpc::ExportObservations => "ExportObservations",
            Rpc::SubmitPractice => "SubmitPractice",
            Rpc::UpdatePractice => "UpdatePractice",
            Rpc::GetPractice => "GetPractice",
            Rpc::SearchPractices => "SearchPractices",
            Rpc::ReviewPractice => "ReviewPractice",
            Rpc::WithdrawPractice => "WithdrawPractice",
            Rpc::GetPracticeHistory => "GetPracticeHistory",
            Rpc::OpenCycle => "OpenCycle",
            Rpc::GetCycle => "GetCycle",
            Rpc::ListCycles => "ListCycles",
            Rpc::AdvanceCycle => "AdvanceCycle",
            Rpc::CompileDraft => "CompileDraft",
            Rpc::GetDraft => "GetDraft",
            Rpc::ListDrafts => "ListDrafts",
            Rpc::SetDraftText => "SetDraftText",
            Rpc::RemoveDraftText => "RemoveDraftText",
            Rpc::ListDraftTexts => "ListDraftTexts",
            Rpc::DiffDrafts => "DiffDrafts",
            Rpc::SubmitNetworkContribution => "SubmitNetworkContribution",
            Rpc::GetNetworkContribution => "GetNetworkContribution",
        }
    }

    /// The RPC a request path (`/imrf.v1.Service/Method`) calls.
    pub fn from_path(path: &str) -> Option<Rpc> {
        let (service, method) = path.strip_prefix('/')?.split_once('/')?;
        Rpc::ALL
            .into_iter()
            .find(|rpc| rpc.method() == method && rpc.service() == service)
    }

    /// Whether it writes to the record: these are rate-limited per caller.
    pub fn is_submission(self) -> bool {
        use Rpc::*;
        matches!(
            self,
            SubmitRegionalReview
                | WithdrawRegionalReview
                | SubmitNationalReport
                | SubmitPractice
                | UpdatePractice
                | ReviewPractice
                | WithdrawPractice
                | OpenCycle
                | AdvanceCycle
                | CompileDraft
                | SetDraftText
                | RemoveDraftText
                | SubmitNetworkContribution
        )
    }

    /// Whether it answers with a stream that stays open after the call is
    /// admitted: these count against the open-stream limit for as long as
    /// they are open.
    pub fn is_stream(self) -> bool {
        matches!(self, Rpc::WatchAggregate | Rpc::GetDraft)
    }

    /// Largest request accepted, in bytes: the size of what it carries.
    pub fn max_request_bytes(self) -> usize {
        use Rpc::*;
        match self {
            SubmitRegionalReview
            | SubmitNationalReport
            | SubmitPractice
            | UpdatePractice
            | OpenCycle
            | SetDraftText
            | SubmitNetworkContribution => MAX_SUBMISSION_BYTES,
            _ => SMALL_REQUEST_BYTES,
        }
    }
}

/// What a role may do with an RPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Anything the RPC does.
    Any,
    /// Only on its own commission's material.
    OwnCommission,
    /// Only on its own State's material.
    OwnState,
    /// Only on what the caller itself submitted.
    OwnSubmission,
    /// Only on what others submitted (nobody reviews their own practice).
    OthersSubmissions,
    /// Published material, and what the caller itself submitted.
    PublishedOrOwn,
    /// Published material only: published practices, issued drafts.
    Published,
}

/// The authorization table: what `role` may do with `rpc`; `None` is a
/// refusal.
pub fn grant(rpc: Rpc, role: RoleKind) -> Option<Grant> {
    use Grant::*;
    use RoleKind::{Commission as C, Curator, Network, Reader, Secretariat, State as S};
    use Rpc::*;
    match (rpc, role) {
        // A commission submits, withdraws and reads its own reviews; the
        // secretariat reads all of them.
        (SubmitRegionalReview | WithdrawRegionalReview, C) => Some(OwnCommission),
        (GetRegionalReview | ListRegionalReviews, C) => Some(OwnCommission),
        (GetRegionalReview | ListRegionalReviews, Secretariat) => Some(Any),

        // A State submits and reads its own reports and pledges; the
        // secretariat reads all of them and the aggregate.
        (SubmitNationalReport, S) => Some(OwnState),
        (GetNationalReport | ListNationalReports, S) => Some(OwnState),
        (GetNationalReport | ListNationalReports, Secretariat) => Some(Any),
        (GetAggregate | WatchAggregate, Secretariat) => Some(Any),
        // The export is every State's observations: the secretariat's.
        (ExportObservations, Secretariat) => Some(Any),

        // Anyone but a reader may propose a practice and revise or
        // withdraw what it proposed; curators review others' practices.
        (SubmitPractice, C | S | Curator | Secretariat) => Some(Any),
        (UpdatePractice | WithdrawPractice, C | S | Curator | Secretariat) => Some(OwnSubmission),
        (ReviewPractice, Curator) => Some(OthersSubmissions),
        (GetPractice | GetPracticeHistory, Curator | Secretariat) => Some(Any),
        (GetPractice | GetPracticeHistory, C | S) => Some(PublishedOrOwn),
        (GetPractice | GetPracticeHistory, Reader | Network) => Some(Published),
        (SearchPractices, Curator | Secretariat) => Some(Any),
        (SearchPractices, C | S | Reader | Network) => Some(Published),

        // The Network submits its own contribution to each cycle's report;
        // the secretariat drafts from it.
        (SubmitNetworkContribution, Network) => Some(Any),
        (GetNetworkContribution, Network | Secretariat) => Some(Any),

        // The secretariat runs cycles and compiles drafts; everyone sees
        // cycle status and issued drafts.
        (OpenCycle | AdvanceCycle | CompileDraft, Secretariat) => Some(Any),
        (GetCycle | ListCycles, _) => Some(Any),
        (GetDraft | ListDrafts, Secretariat) => Some(Any),
        (GetDraft | ListDrafts, C | S | Curator | Reader | Network) => Some(Published),
        // The secretariat's own text and the comparison of drafts are
        // drafting work, seen by nobody else before the report is issued.
        (SetDraftText | RemoveDraftText | ListDraftTexts | DiffDrafts, Secretariat) => Some(Any),

        _ => None,
    }
}

/// What a request touches, for the scope check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// Nothing scoped (opening a cycle, submitting a practice).
    Unscoped,
    /// A commission's material (a regional review).
    Commission(Commission),
    /// A State's material (a national report).
    State(&'a str),
    /// Something someone submitted, and whether it is published (a practice)
    /// or issued (a draft, whose submitter is the secretariat).
    Material {
        /// Subject of whoever submitted it.
        submitter: &'a str,
        /// Whether it is published or issued.
        published: bool,
    },
}

/// Whether `caller` may call `rpc` on `target`.
pub fn permits(rpc: Rpc, caller: &Caller, target: Target<'_>) -> bool {
    let Some(grant) = grant(rpc, caller.role.kind()) else {
        return false;
    };
    match (grant, target) {
        (Grant::Any, _) => true,
        (Grant::OwnCommission, Target::Commission(c)) => caller.role == Role::Commission(c),
        (Grant::OwnState, Target::State(iso3)) => {
            matches!(&caller.role, Role::State(own) if own == iso3)
        }
        (Grant::OwnSubmission, Target::Material { submitter, .. }) => caller.subject == submitter,
        (Grant::OthersSubmissions, Target::Material { submitter, .. }) => {
            caller.subject != submitter
        }
        (
            Grant::PublishedOrOwn,
            Target::Material {
                submitter,
                published,
            },
        ) => published || caller.subject == submitter,
        (Grant::Published, Target::Material { published, .. }) => published,
        // A scoped grant with nothing to check it against: refuse, so a
        // handler that forgets its target fails closed.
        _ => false,
    }
}

/// [`permits`], as a PERMISSION_DENIED that says what the role may do.
pub fn authorize(rpc: Rpc, caller: &Caller, target: Target<'_>) -> Result<(), ServiceError> {
    if permits(rpc, caller, target) {
        return Ok(());
    }
    let role = &caller.role;
    let method = rpc.method();
    let why = match (grant(rpc, role.kind()), target) {
        (None, _) => format!("{role} may not call {method}"),
        (Some(Grant::OwnCommission), Target::Commission(c)) => format!(
            "{role} may act only on its own commission's reviews, not {}'s",
            commission_code(c)
        ),
        (Some(Grant::OwnState), Target::State(iso3)) => {
            format!("{role} may act only on its own reports, not {iso3}'s")
        }
        (Some(Grant::OwnSubmission), _) => {
            format!("{method}: only the submitter may do this")
        }
        (Some(Grant::OthersSubmissions), _) => {
            format!("{method}: nobody may review what they submitted")
        }
        (Some(Grant::Published | Grant::PublishedOrOwn), _) => {
            format!("{role} may read only published practices and issued drafts")
        }
        _ => format!("{role} may not call {method} on this"),
    };
    Err(ServiceError::PermissionDenied(why))
}

/// Whether `caller` may see the focal-point contact of a practice
/// `submitter` submitted: personal data, for the submitter, the Network's
/// curators and the secretariat only (para 22: privacy and data protection).
pub fn may_see_contact(caller: &Caller, submitter: &str) -> bool {
    matches!(caller.role, Role::Curator | Role::Secretariat) || caller.subject == submitter
}

/// Whether `caller` may see every practice and draft, whatever its status.
pub fn sees_unpublished(caller: &Caller) -> bool {
    matches!(caller.role, Role::Curator | Role::Secretariat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(subject: &str, role: Role) -> Caller {
        Caller {
            subject: subject.into(),
            role,
        }
    }

    #[test]
    fn every_rpc_has_a_path_that_maps_back_to_it() {
        for rpc in Rpc::ALL {
            let path = format!("/{}/{}", rpc.service(), rpc.method());
            assert_eq!(Rpc::from_path(&path), Some(rpc), "{path}");
        }
        assert_eq!(Rpc::from_path("/grpc.health.v1.Health/Check"), None);
        assert_eq!(Rpc::from_path("/imrf.v1.ReviewCycle/DropCycle"), None);
        assert_eq!(
            Rpc::from_path("/imrf.v1.ReviewCycle/SubmitNationalReport"),
            None
        );
    }

    /// The table, row by row, as a reader of the design would write it.
    #[test]
    fn the_table_row_by_row() {
        use Grant::*;
        use RoleKind::{
            Commission as C, Curator as K, Network as N, Reader as R, Secretariat as X, State as S,
        };
        let expected: [(Rpc, [Option<Grant>; 6]); 29] = [
            (
                Rpc::SubmitRegionalReview,
                [Some(OwnCommission), None, None, None, None, None],
            ),
            (
                Rpc::GetRegionalReview,
                [Some(OwnCommission), None, None, Some(Any), None, None],
            ),
            (
                Rpc::ListRegionalReviews,
                [Some(OwnCommission), None, None, Some(Any), None, None],
            ),
            (
                Rpc::WithdrawRegionalReview,
                [Some(OwnCommission), None, None, None, None, None],
            ),
            (
                Rpc::SubmitNationalReport,
                [None, Some(OwnState), None, None, None, None],
            ),
            (
                Rpc::GetNationalReport,
                [None, Some(OwnState), None, Some(Any), None, None],
            ),
            (
                Rpc::ListNationalReports,
                [None, Some(OwnState), None, Some(Any), None, None],
            ),
            (Rpc::GetAggregate, [None, None, None, Some(Any), None, None]),
            (
                Rpc::WatchAggregate,
                [None, None, None, Some(Any), None, None],
            ),
            (
                Rpc::SubmitPractice,
                [Some(Any), Some(Any), Some(Any), Some(Any), None, None],
            ),
            (
                Rpc::UpdatePractice,
                [
                    Some(OwnSubmission),
                    Some(OwnSubmission),
                    Some(OwnSubmission),
                    Some(OwnSubmission),
                    None,
                    None,
                ],
            ),
            (
                Rpc::GetPractice,
                [
                    Some(PublishedOrOwn),
                    Some(PublishedOrOwn),
                    Some(Any),
                    Some(Any),
                    Some(Published),
                    Some(Published),
                ],
            ),
            (
                Rpc::SearchPractices,
                [
                    Some(Published),
                    Some(Published),
                    Some(Any),
                    Some(Any),
                    Some(Published),
                    Some(Published),
                ],
            ),
            (
                Rpc::ReviewPractice,
                [None, None, Some(OthersSubmissions), None, None, None],
            ),
            (
                Rpc::WithdrawPractice,
                [
                    Some(OwnSubmission),
                    Some(OwnSubmission),
                    Some(OwnSubmission),
                    Some(OwnSubmission),
                    None,
                    None,
                ],
            ),
            (
                Rpc::GetPracticeHistory,
                [
                    Some(PublishedOrOwn),
                    Some(PublishedOrOwn),
                    Some(Any),
                    Some(Any),
                    Some(Published),
                    Some(Published),
                ],
            ),
            (Rpc::OpenCycle, [None, None, None, Some(Any), None, None]),
            (
                Rpc::GetCycle,
                [
                    Some(Any),
                    Some(Any),
                    Some(Any),
                    Some(Any),
                    Some(Any),
                    Some(Any),
                ],
            ),
            (
                Rpc::ListCycles,
                [
                    Some(Any),
                    Some(Any),
                    Some(Any),
                    Some(Any),
                    Some(Any),
                    Some(Any),
                ],
            ),
            (Rpc::AdvanceCycle, [None, None, None, Some(Any), None, None]),
            (Rpc::CompileDraft, [None, None, None, Some(Any), None, None]),
            (
                Rpc::GetDraft,
                [
                    Some(Published),
                    Some(Published),
                    Some(Published),
                    Some(Any),
                    Some(Published),
                    Some(Published),
                ],
            ),
            (
                Rpc::ListDrafts,
                [
                    Some(Published),
                    Some(Published),
                    Some(Published),
                    Some(Any),
                    Some(Published),
                    Some(Published),
                ],
            ),
            (Rpc::SetDraftText, [None, None, None, Some(Any), None, None]),
            (
                Rpc::RemoveDraftText,
                [None, None, None, Some(Any), None, None],
            ),
            (
                Rpc::ListDraftTexts,
                [None, None, None, Some(Any), None, None],
            ),
            (Rpc::DiffDrafts, [None, None, None, Some(Any), None, None]),
            (
                Rpc::SubmitNetworkContribution,
                [None, None, None, None, None, Some(Any)],
            ),
            (
                Rpc::GetNetworkContribution,
                [None, None, None, Some(Any), None, Some(Any)],
            ),
        ];
        for (rpc, row) in expected {
            for (kind, want) in [C, S, K, X, R, N].into_iter().zip(row) {
                assert_eq!(grant(rpc, kind), want, "{rpc:?} for {kind:?}");
            }
        }
    }

    #[test]
    fn scopes_are_checked_against_the_target() {
        let ece = caller("ece-focal-point", Role::Commission(Commission::Ece));
        let ken = caller("state:KEN", Role::State("KEN".into()));
        let alice = caller("curator:alice", Role::Curator);
        let reader = caller("public", Role::Reader);

        let review = |c| Target::Commission(c);
        assert!(permits(
            Rpc::SubmitRegionalReview,
            &ece,
            review(Commission::Ece)
        ));
        assert!(!permits(
            Rpc::SubmitRegionalReview,
            &ece,
            review(Commission::Eca)
        ));
        assert!(!permits(Rpc::SubmitRegionalReview, &ece, Target::Unscoped));
        assert!(permits(
            Rpc::SubmitNationalReport,
            &ken,
            Target::State("KEN")
        ));
        assert!(!permits(
            Rpc::SubmitNationalReport,
            &ken,
            Target::State("UGA")
        ));
        assert!(!permits(
            Rpc::SubmitNationalReport,
            &ece,
            Target::State("KEN")
        ));

        let own = Target::Material {
            submitter: "state:KEN",
            published: false,
        };
        let others = Target::Material {
            submitter: "state:UGA",
            published: false,
        };
        let published = Target::Material {
            submitter: "state:UGA",
            published: true,
        };
        assert!(permits(Rpc::UpdatePractice, &ken, own));
        assert!(!permits(Rpc::UpdatePractice, &ken, others));
        assert!(permits(Rpc::GetPractice, &ken, own));
        assert!(!permits(Rpc::GetPractice, &ken, others));
        assert!(permits(Rpc::GetPractice, &ken, published));
        assert!(permits(Rpc::GetPractice, &reader, published));
        assert!(!permits(Rpc::GetPractice, &reader, others));
        assert!(permits(Rpc::ReviewPractice, &alice, others));
        let alices = Target::Material {
            submitter: "curator:alice",
            published: false,
        };
        assert!(!permits(Rpc::ReviewPractice, &alice, alices));

        let denied = authorize(Rpc::SubmitRegionalReview, &ece, review(Commission::Eca));
        assert!(
            matches!(&denied, Err(ServiceError::PermissionDenied(m)) if m.contains("not ECA's")),
            "{denied:?}"
        );
        assert!(matches!(
            authorize(Rpc::OpenCycle, &reader, Target::Unscoped),
            Err(ServiceError::PermissionDenied(m)) if m == "reader may not call OpenCycle"
        ));
    }

    #[test]
    fn contacts_are_seen_by_submitter_curators_and_secretariat_only() {
        let submitter = "state:KEN";
        assert!(may_see_contact(
            &caller("state:KEN", Role::State("KEN".into())),
            submitter
        ));
        assert!(may_see_contact(
            &caller("curator:bo", Role::Curator),
            submitter
        ));
        assert!(may_see_contact(&caller("dm", Role::Secretariat), submitter));
        assert!(!may_see_contact(
            &caller("state:UGA", Role::State("UGA".into())),
            submitter
        ));
        assert!(!may_see_contact(
            &caller("ece", Role::Commission(Commission::Ece)),
            submitter
        ));
        assert!(!may_see_contact(&caller("public", Role::Reader), submitter));
    }
}
