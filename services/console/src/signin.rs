//! Signing in on the local stack: a person picks who they act as, and the
//! console mints a token for it with the stack's key. Offered only when the
//! console holds that key; behind an authenticating proxy the proxy signs
//! people in and this page says so.

use std::time::{Duration, SystemTime};

use askama::Template;
use axum::extract::{Extension, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use imrf_platform::auth::Role;

use crate::State;
use crate::i18n::Lang;
use crate::labels::{self, Choice};
use crate::web::{Chrome, Form, NewSession, Visitor, message_page, render, render_with, see_other};

/// How long a local sign-in lasts.
const SIGN_IN_TTL: Duration = Duration::from_secs(8 * 3600);

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    chrome: Chrome,
    states: Vec<Choice>,
    commissions: Vec<Choice>,
    error: Option<String>,
    name: String,
}

fn page(visitor: &Visitor, error: Option<String>, name: String) -> SignInPage {
    SignInPage {
        chrome: visitor.chrome(visitor.t("sign-in")),
        states: labels::country_choices(),
        commissions: labels::region_choices(),
        error,
        name,
    }
}

fn not_offered(visitor: &Visitor) -> Response {
    message_page(
        Some(visitor),
        StatusCode::NOT_FOUND,
        &visitor.t("signin-not-offered"),
        &visitor.t("signin-not-offered-detail"),
    )
}

pub(crate) async fn form(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
) -> Response {
    if state.local_issuer.is_none() {
        return not_offered(&visitor);
    }
    render(&page(&visitor, None, String::new()))
}

/// The identity the form picked: a role, and for curators, the secretariat
/// and readers the person's name.
fn identity(lang: Lang, form: &Form) -> Result<String, String> {
    let role = form.text("role");
    let name: String = form
        .text("name")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let who = match role.as_str() {
        "state" => format!("state:{}", form.text("state")),
        "commission" => format!("commission:{}", form.text("commission")),
        "curator" | "secretariat" | "reader" | "network" if name.is_empty() => role.clone(),
        "curator" | "secretariat" | "reader" | "network" => format!("{role}:{name}"),
        _ => return Err(lang.t("choose-who")),
    };
    Role::of_identity(&who).map(|_| who).map_err(|e| {
        let mut e = labels::capitalized(&e);
        e.push('.');
        e
    })
}

pub(crate) async fn sign_in(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    form: Form,
) -> Response {
    let Some(issuer) = &state.local_issuer else {
        return not_offered(&visitor);
    };
    let who = match identity(visitor.lang, &form) {
        Ok(who) => who,
        Err(e) => {
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&visitor, Some(e), form.text("name")),
            );
        }
    };
    let token = Role::of_identity(&who)
        .map_err(|e| e.to_string())
        .and_then(|role| {
            issuer
                .issue(&who, &role, SystemTime::now(), SIGN_IN_TTL)
                .map_err(|e| e.to_string())
        });
    match token {
        Ok(token) => {
            tracing::info!(subject = %who, "signed in on the local stack");
            let mut response = see_other(landing(&who));
            response
                .extensions_mut()
                .insert(NewSession::signed_in(token));
            response
        }
        Err(e) => render_with(
            StatusCode::INTERNAL_SERVER_ERROR,
            &page(&visitor, Some(e), String::new()),
        ),
    }
}

/// Where a person starts: their own work.
fn landing(who: &str) -> &'static str {
    match who.split(':').next().unwrap_or("") {
        "curator" => "/curation",
        "state" => "/reports",
        "commission" => "/reviews",
        "secretariat" => "/cycles",
        _ => "/practices",
    }
}

pub(crate) async fn sign_out(_form: Form) -> Response {
    let mut response = see_other("/practices").into_response();
    response.extensions_mut().insert(NewSession::signed_out());
    response
}
