//! Who calls: tokens for test identities, requests and channels that carry
//! them.

use std::path::PathBuf;
use std::time::Duration;

/// The HS256 secret the services under test verify tokens with.
pub const TEST_TOKEN_SECRET: &[u8] = b"imrf-test-secret-not-for-production-use";

/// A file holding [`TEST_TOKEN_SECRET`] (written once per machine; every
/// test process writes the same bytes, by rename, so readers never see half).
pub fn test_key_file() -> PathBuf {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::temp_dir().join("imrf-test-token-secret");
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&tmp, TEST_TOKEN_SECRET).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
        path
    })
    .clone()
}

/// A token for test identity `who` (see [`imrf_platform::auth::Role::of_identity`]),
/// signed with the test secret, valid for an hour.
pub fn token_for(who: &str) -> String {
    let issuer = imrf_platform::auth::TokenIssuer::hs256(
        TEST_TOKEN_SECRET,
        imrf_platform::auth::LOCAL_ISSUER,
        imrf_platform::auth::AUDIENCE,
    );
    let role = match imrf_platform::auth::Role::of_identity(who) {
        Ok(role) => role,
        Err(err) => panic!("test identity: {err}"),
    };
    match issuer.issue(
        who,
        &role,
        std::time::SystemTime::now(),
        Duration::from_secs(3600),
    ) {
        Ok(token) => token,
        Err(err) => panic!("cannot sign a test token: {err}"),
    }
}

/// `message` as a request from test identity `who`.
pub fn as_caller<T>(who: &str, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Err(err) = imrf_platform::auth::set_bearer(&mut request, &token_for(who)) {
        panic!("test token: {err}");
    }
    request
}

/// A regional review submission from the commission whose review it
/// carries (ECE when it names none).
pub fn by_commission(
    request: imrf_proto::v1::SubmitRegionalReviewRequest,
) -> tonic::Request<imrf_proto::v1::SubmitRegionalReviewRequest> {
    use imrf_proto::v1::Commission;
    let commission = request
        .review
        .as_ref()
        .and_then(|r| Commission::try_from(r.commission).ok())
        .filter(|c| *c != Commission::Unspecified)
        .unwrap_or(Commission::Ece);
    as_caller(
        &format!(
            "commission:{}",
            imrf_gcm::refdata::commission_code(commission)
        ),
        request,
    )
}

/// A national report submission from the State whose report it carries
/// (KEN when it names none a token can carry).
pub fn by_state(
    request: imrf_proto::v1::SubmitNationalReportRequest,
) -> tonic::Request<imrf_proto::v1::SubmitNationalReportRequest> {
    let state = request
        .report
        .as_ref()
        .map(|r| r.state.as_str())
        .filter(|s| imrf_gcm::refdata::reference().member_state(s).is_some())
        .unwrap_or("KEN");
    as_caller(&format!("state:{state}"), request)
}

/// A client channel to `url` whose calls carry test identity `who`'s token
/// unless a request brings its own (see [`as_caller`]).
pub async fn channel_as(
    url: String,
    who: &str,
) -> Result<imrf_platform::auth::AuthChannel, tonic::transport::Error> {
    channel_with(url, Some(who)).await
}

/// As [`channel_as`]; with `None`, calls carry no token at all.
pub async fn channel_with(
    url: String,
    who: Option<&str>,
) -> Result<imrf_platform::auth::AuthChannel, tonic::transport::Error> {
    let channel = tonic::transport::Endpoint::from_shared(url)?
        .connect()
        .await?;
    let token = who.map(token_for);
    match imrf_platform::auth::Bearer::new(token.as_deref()) {
        Ok(bearer) => Ok(imrf_platform::auth::with_bearer(channel, bearer)),
        Err(err) => panic!("test token: {err}"),
    }
}
