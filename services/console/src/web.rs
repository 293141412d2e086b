//! What every page shares: who is visiting (the session cookie or the
//! proxy's bearer token), the CSRF check of every form, the security
//! headers of every response, the page chrome, and the vendored assets.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequest, Path, Request, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cookie::{Cookie, CookieJar, SameSite};
use imrf_platform::auth::{Caller, Role, RoleKind, bearer_value};
use serde::{Deserialize, Serialize};

use crate::State;
use crate::i18n::{self, Lang};

/// Name of the session cookie.
const SESSION_COOKIE: &str = "imrf_session";

/// Largest form body accepted: a national report's 23 narratives and its
/// pledges fit many times over.
const FORM_LIMIT_BYTES: usize = 4 * 1024 * 1024;

/// Largest request body read at all: a form or an upload, with the
/// multipart framing around it.
pub(crate) const BODY_LIMIT_BYTES: usize = FORM_LIMIT_BYTES + 64 * 1024;

/// What the encrypted session cookie holds. The token is there only on the
/// local stack, where the console minted it; behind a proxy it comes with
/// every request instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    csrf: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// The language the visitor chose, by its code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
}

/// Counts each page request and its time by route and status:
/// `imrf_http_requests_total{route,status}` and
/// `imrf_http_duration_seconds`. The route is the pattern it matched
/// (`/practices/{id}`), so ids never become labels; a path no route
/// matches is counted as "unmatched". Each request is a span (`http`) in
/// the trace of the `traceparent` it brings (a proxy's), or a new one, and
/// the calls it makes to the services are its children.
pub(crate) async fn observed(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let parent = request
        .headers()
        .get(imrf_platform::telemetry::TRACEPARENT)
        .and_then(|v| v.to_str().ok())
        .and_then(imrf_platform::telemetry::TraceContext::parse);
    let span = tracing::info_span!(
        "http",
        method = %request.method(),
        route = %route,
        trace_id = tracing::field::Empty,
    );
    imrf_platform::telemetry::enter_trace(&span, parent);
    let started = std::time::Instant::now();
    let response = tracing::Instrument::instrument(next.run(request), span).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("imrf_http_requests_total", "route" => route.clone(), "status" => status.clone())
        .increment(1);
    metrics::histogram!("imrf_http_duration_seconds", "route" => route, "status" => status)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The person behind a request.
#[derive(Debug, Clone)]
pub(crate) struct Visitor {
    /// Who they are, from a token the services would accept.
    pub caller: Option<Caller>,
    /// The token their calls carry.
    pub token: Option<String>,
    /// The CSRF token every form of theirs must carry back.
    pub csrf: String,
    /// Whether the console offers the local stack's sign-in.
    pub local: bool,
    /// The language of their pages.
    pub lang: Lang,
    /// The path and query of the page asked for, for the language links.
    pub here: String,
}

impl Visitor {
    pub fn kind(&self) -> Option<RoleKind> {
        self.caller.as_ref().map(|c| c.role.kind())
    }

    pub fn is(&self, kind: RoleKind) -> bool {
        self.kind() == Some(kind)
    }

    pub fn subject(&self) -> Option<&str> {
        self.caller.as_ref().map(|c| c.subject.as_str())
    }

    /// The State a `state:` visitor acts for.
    pub fn state(&self) -> Option<&str> {
        match self.caller.as_ref().map(|c| &c.role) {
            Some(Role::State(iso3)) => Some(iso3),
            _ => None,
        }
    }

    /// The chrome of a page shown to this visitor.
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            who: self.subject().map(str::to_string),
            kind: self.kind(),
            csrf: self.csrf.clone(),
            local: self.local,
            lang: self.lang,
            languages: Vec::new(),
        }
    }

    /// The catalogue's message `key` in the visitor's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The catalogue's message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.lang.t1(key, name, value)
    }

    /// The chrome of a page that is in every language the console speaks:
    /// it offers the others.
    pub fn chrome_in_languages(&self, title: impl Into<String>) -> Chrome {
        Chrome {
            languages: Lang::ALL
                .into_iter()
                .map(|lang| LanguageLink {
                    code: lang.code(),
                    name: lang.own_name(),
                    href: with_lang(&self.here, lang),
                    current: lang == self.lang,
                })
                .collect(),
            ..self.chrome(title)
        }
    }
}

/// `here` (a path and query) with `lang=` set to `lang`.
fn with_lang(here: &str, lang: Lang) -> String {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "lang" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("lang", lang.code());
    format!("{path}?{}", out.finish())
}

/// A link to the same page in another language.
#[derive(Debug, Clone)]
pub(crate) struct LanguageLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// What the layout of every page needs.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    pub title: String,
    pub who: Option<String>,
    pub kind: Option<RoleKind>,
    pub csrf: String,
    pub local: bool,
    pub lang: Lang,
    /// The page in the other languages, where it is in them.
    pub languages: Vec<LanguageLink>,
}

impl Chrome {
    /// The catalogue's message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The catalogue's message `key` for `count` things.
    pub fn tn(&self, key: &str, count: &dyn i18n::Count) -> String {
        self.lang.tn(key, count)
    }

    /// The catalogue's message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.lang.t1(key, name, value)
    }

    /// "revision 2 of 3 March 2026", or "revision 2" with no date.
    pub fn revision_of(&self, revision: &u32, date: &str) -> String {
        if date.is_empty() {
            return self.t1("revision", "revision", revision);
        }
        i18n::with(
            self.lang,
            "revision-of",
            &[
                ("revision", revision.to_string().into()),
                ("date", date.to_string().into()),
            ],
        )
    }

    pub fn curator(&self) -> bool {
        self.kind == Some(RoleKind::Curator)
    }
    pub fn state(&self) -> bool {
        self.kind == Some(RoleKind::State)
    }
    pub fn commission(&self) -> bool {
        self.kind == Some(RoleKind::Commission)
    }
    pub fn signed_in(&self) -> bool {
        self.who.is_some()
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator; without it no session can be
    // trusted, so a failure ends the request rather than weakening it.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_session(state: &State, headers: &HeaderMap) -> Option<Session> {
    let mut jar = CookieJar::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for part in text.split(';') {
            if let Ok(cookie) = Cookie::parse_encoded(part.trim().to_string()) {
                jar.add_original(cookie);
            }
        }
    }
    let cookie = jar.private(&state.session_key).get(SESSION_COOKIE)?;
    serde_json::from_str(cookie.value()).ok()
}

fn session_cookie(state: &State, session: &Session) -> Option<HeaderValue> {
    let value = serde_json::to_string(session).ok()?;
    let mut cookie = Cookie::new(SESSION_COOKIE, value);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_path("/");
    cookie.set_secure(state.secure_cookies);
    let mut jar = CookieJar::new();
    jar.private_mut(&state.session_key).add(cookie);
    let sealed = jar.get(SESSION_COOKIE)?;
    HeaderValue::from_str(&sealed.encoded().to_string()).ok()
}

/// A change to the visitor's session, which the layer writes back.
#[derive(Debug, Clone)]
pub(crate) struct NewSession(Session);

impl NewSession {
    /// The visitor signed in with `token`.
    pub fn signed_in(token: String) -> Self {
        Self(Session {
            // A new CSRF token with every change of identity.
            csrf: random_token(),
            token: Some(token),
            lang: None,
        })
    }

    /// The visitor signed out.
    pub fn signed_out() -> Self {
        Self(Session {
            csrf: random_token(),
            token: None,
            lang: None,
        })
    }
}

/// Finds out who is visiting, hands it to the handler, writes the session
/// cookie back when it is new or changed, and puts the security headers on
/// the response.
pub(crate) async fn visitor_layer(
    Extract(state): Extract<State>,
    mut request: Request,
    next: Next,
) -> Response {
    let proxied = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_value)
        .map(str::to_string);
    let stored = read_session(&state, request.headers());
    let mut write_back = stored.is_none();
    let mut session = stored.unwrap_or_else(|| Session {
        csrf: random_token(),
        token: None,
        lang: None,
    });
    let chosen = request.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    if let Some(lang) = chosen
        && session.lang.as_deref() != Some(lang.code())
    {
        session.lang = Some(lang.code().to_string());
        write_back = true;
    }
    let lang = session
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or_default();
    let here = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    let token = proxied.or_else(|| session.token.clone());
    let caller = token.as_deref().and_then(|t| state.verifier.verify(t).ok());
    if caller.is_none() && session.token.is_some() {
        // An expired sign-in: the visitor is a reader again.
        session.token = None;
        write_back = true;
    }
    let visitor = Visitor {
        // Someone not signed in reads as the public reader.
        token: if caller.is_some() {
            token
        } else {
            state.public.token()
        },
        caller,
        csrf: session.csrf.clone(),
        local: state.local_issuer.is_some(),
        lang,
        here,
    };
    request.extensions_mut().insert(visitor);
    let mut response = next.run(request).await;
    if let Some(NewSession(changed)) = response.extensions_mut().remove::<NewSession>() {
        // A change of identity keeps the language chosen.
        session = Session {
            lang: changed.lang.or(session.lang),
            ..changed
        };
        write_back = true;
    }
    if write_back && let Some(cookie) = session_cookie(&state, &session) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    secure_headers(response.headers_mut());
    response
}

/// The headers of every response: no script but the console's own files, no
/// framing by other sites, nothing cached that may be personal.
fn secure_headers(headers: &mut HeaderMap) {
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; \
         base-uri 'none'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(headers, header::CACHE_CONTROL, "no-store");
}

/// A form as posted: every name with its values in order, after the CSRF
/// token was checked against the visitor's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Form {
    fields: BTreeMap<String, Vec<String>>,
}

impl Form {
    pub fn parse(bytes: &[u8]) -> Self {
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(bytes) {
            fields
                .entry(name.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Self { fields }
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }

    /// Every value of `name` that is not blank.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .get(name)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.text(name).is_empty()
    }
}

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let visitor = request.extensions().get::<Visitor>().cloned();
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if bytes.len() > FORM_LIMIT_BYTES {
            return Err(message_page(
                visitor.as_ref(),
                StatusCode::PAYLOAD_TOO_LARGE,
                &lang_of(visitor.as_ref()).t("form-too-large"),
                &lang_of(visitor.as_ref()).t("form-too-large-detail"),
            ));
        }
        let form = Self::parse(&bytes);
        let expected = visitor.as_ref().map(|v| v.csrf.as_str()).unwrap_or("");
        if expected.is_empty() || form.text("csrf") != expected {
            return Err(message_page(
                visitor.as_ref(),
                StatusCode::FORBIDDEN,
                &lang_of(visitor.as_ref()).t("form-expired"),
                &lang_of(visitor.as_ref()).t("form-expired-detail"),
            ));
        }
        Ok(form)
    }
}

/// A form with a file, as posted (multipart), after the CSRF check: its
/// text fields, and the file's name and bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Upload {
    pub form: Form,
    pub file: Option<(String, Vec<u8>)>,
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let visitor = request.extensions().get::<Visitor>().cloned();
        let too_large = || {
            message_page(
                visitor.as_ref(),
                StatusCode::PAYLOAD_TOO_LARGE,
                &lang_of(visitor.as_ref()).t("file-too-large"),
                &lang_of(visitor.as_ref()).t("file-too-large-detail"),
            )
        };
        let unreadable = |e: axum::extract::multipart::MultipartError| {
            message_page(
                visitor.as_ref(),
                StatusCode::BAD_REQUEST,
                &lang_of(visitor.as_ref()).t("form-unreadable"),
                &lang_of(visitor.as_ref()).t1("form-unreadable-detail", "problem", &e),
            )
        };
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut upload = Upload::default();
        let mut size = 0usize;
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(unreadable)?;
            size += bytes.len();
            if size > FORM_LIMIT_BYTES {
                return Err(too_large());
            }
            match file_name {
                Some(file_name) if !file_name.is_empty() => {
                    upload.file = Some((file_name, bytes.to_vec()));
                }
                Some(_) => {}
                None => upload
                    .form
                    .fields
                    .entry(name)
                    .or_default()
                    .push(String::from_utf8_lossy(&bytes).into_owned()),
            }
        }
        let expected = visitor.as_ref().map(|v| v.csrf.as_str()).unwrap_or("");
        if expected.is_empty() || upload.form.text("csrf") != expected {
            return Err(message_page(
                visitor.as_ref(),
                StatusCode::FORBIDDEN,
                &lang_of(visitor.as_ref()).t("form-expired"),
                &lang_of(visitor.as_ref()).t("form-expired-detail"),
            ));
        }
        Ok(upload)
    }
}

/// The page of `template`, or a plain error when it cannot render.
pub(crate) fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    }
}

/// `template` with `status`.
pub(crate) fn render_with(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    heading: String,
    text: String,
}

/// The language of a visitor, if the request got as far as knowing them.
fn lang_of(visitor: Option<&Visitor>) -> Lang {
    visitor.map(|v| v.lang).unwrap_or_default()
}

/// A page that says one thing: a refusal, a missing page, an outage.
pub(crate) fn message_page(
    visitor: Option<&Visitor>,
    status: StatusCode,
    heading: &str,
    text: &str,
) -> Response {
    let chrome = visitor.map_or_else(
        || Chrome {
            title: heading.to_string(),
            who: None,
            kind: None,
            csrf: String::new(),
            local: false,
            lang: Lang::default(),
            languages: Vec::new(),
        },
        |v| v.chrome(heading),
    );
    render_with(
        status,
        &MessagePage {
            chrome,
            heading: heading.into(),
            text: text.into(),
        },
    )
}

pub(crate) async fn not_found(request: Request) -> Response {
    let visitor = request.extensions().get::<Visitor>().cloned();
    message_page(
        visitor.as_ref(),
        StatusCode::NOT_FOUND,
        &lang_of(visitor.as_ref()).t("page-not-found"),
        &lang_of(visitor.as_ref()).t("page-not-found-detail"),
    )
}

/// A redirect after a successful post (303: the browser gets the page).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// For the orchestrator's probes: the console serves. Whether a service
/// behind it does is each page's to say (and each service's own probe).
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// The vendored files, compiled in: the console needs no network.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind): (&'static [u8], &str) = match name.as_str() {
        "console.css" => (include_bytes!("../assets/console.css"), "text/css"),
        "htmx-2.0.11.min.js" => (
            include_bytes!("../assets/htmx-2.0.11.min.js"),
            "text/javascript",
        ),
        "htmx-ext-sse-2.2.4.js" => (
            include_bytes!("../assets/htmx-ext-sse-2.2.4.js"),
            "text/javascript",
        ),
        "console.js" => (include_bytes!("../assets/console.js"), "text/javascript"),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The names carry their versions, so a browser may keep them.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    response
}

/// A fresh request id for a form: a retry of the same form resends it, so
/// a double click or a resend after an outage is recorded once.
pub(crate) fn request_id() -> String {
    format!("console-{}", ulid::Ulid::new())
}

/// A request id from a form, or a fresh one when it carries none usable.
pub(crate) fn request_id_of(form: &Form) -> String {
    let id = form.text("request_id");
    if id.starts_with("console-")
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        id
    } else {
        request_id()
    }
}
