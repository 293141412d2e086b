//! The Repository of Practices: the public search with its facets, the
//! practice page (never its focal point), and proposing, revising and
//! withdrawing a practice.

use askama::Template;
use axum::extract::{Extension, Path, RawQuery, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use imrf_gcm::refdata::commission_from_code;
use imrf_proto::v1::{
    FacetCount, FocalPoint, GetPracticeRequest, GuidingPrinciple, Practice, PracticeDetails,
    PracticeStatus, PracticeSummary, PracticeType, SearchPracticesRequest, StakeholderType,
    SubmitPracticeRequest, UpdatePracticeRequest, WithdrawPracticeRequest,
};

use crate::State;
use crate::i18n::{self, Lang};
use crate::labels::{self, Choice};
use crate::problem::{Problem, failed_page};
use crate::web::{
    Chrome, Form, Visitor, render, render_with, request_id, request_id_of, see_other,
};

/// Results per page of the public search.
const PAGE_SIZE: u32 = 20;

pub(crate) async fn home() -> Response {
    see_other("/practices")
}

/// One value of a facet as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u32,
    pub checked: bool,
}

/// A facet: the parameter it sets and its values.
#[derive(Debug, Clone)]
pub(crate) struct Facet {
    pub name: &'static str,
    pub legend: String,
    pub values: Vec<FacetValue>,
    /// Open when something in it is chosen.
    pub open: bool,
}

/// A result as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub objectives: Vec<String>,
    pub places: String,
    pub kind: String,
    pub years: String,
}

fn years(lang: Lang, d: &PracticeDetails) -> String {
    match (d.start_year, d.end_year) {
        (0, _) => String::new(),
        (start, 0) => i18n::with(lang, "since-year", &[("year", start.to_string().into())]),
        (start, end) if start == end => start.to_string(),
        (start, end) => format!("{start}–{end}"),
    }
}

fn places(lang: Lang, d: &PracticeDetails) -> String {
    if d.global_scope {
        return i18n::text(lang, "global");
    }
    let mut named: Vec<String> = d.countries.iter().map(|c| labels::country(c)).collect();
    if named.is_empty() {
        named = d.regions.iter().map(|r| labels::region(lang, *r)).collect();
    }
    named.join(", ")
}

fn short(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

impl Hit {
    fn of(lang: Lang, p: &PracticeSummary) -> Self {
        let d = p.details.clone().unwrap_or_default();
        Self {
            id: p.practice_id.clone(),
            title: d.title.clone(),
            summary: short(&d.summary, 320),
            objectives: d
                .primary_objectives
                .iter()
                .map(|o| labels::objective(lang, *o))
                .collect(),
            places: places(lang, &d),
            kind: labels::practice_type(lang, d.r#type),
            years: years(lang, &d),
        }
    }
}

/// The search as the query string gives it.
#[derive(Debug, Clone, Default)]
struct Query {
    text: String,
    objectives: Vec<String>,
    principles: Vec<String>,
    regions: Vec<String>,
    countries: Vec<String>,
    types: Vec<String>,
    submitters: Vec<String>,
    page: String,
}

impl Query {
    fn parse(raw: Option<&str>) -> Self {
        let form = Form::parse(raw.unwrap_or("").as_bytes());
        Self {
            text: form.text("q"),
            objectives: form.all("objective"),
            principles: form.all("principle"),
            regions: form.all("region"),
            countries: form.all("country"),
            types: form.all("type"),
            submitters: form.all("submitter"),
            page: form.text("page"),
        }
    }

    fn request(&self) -> SearchPracticesRequest {
        SearchPracticesRequest {
            query: self.text.clone(),
            objectives: self
                .objectives
                .iter()
                .filter_map(|o| o.parse().ok())
                .collect(),
            guiding_principles: self
                .principles
                .iter()
                .filter_map(|p| GuidingPrinciple::from_str_name(p).map(|p| p as i32))
                .collect(),
            regions: self
                .regions
                .iter()
                .filter_map(|r| commission_from_code(r).map(|c| c as i32))
                .collect(),
            countries: self.countries.clone(),
            types: self
                .types
                .iter()
                .filter_map(|t| PracticeType::from_str_name(t).map(|t| t as i32))
                .collect(),
            submitter_types: self
                .submitters
                .iter()
                .filter_map(|s| StakeholderType::from_str_name(s).map(|s| s as i32))
                .collect(),
            page_size: PAGE_SIZE,
            page_token: self.page.clone(),
            ..Default::default()
        }
    }

    /// The query string of this search on page `page` (none for the first).
    fn link(&self, page: Option<&str>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.text.is_empty() {
            out.append_pair("q", &self.text);
        }
        for (name, values) in [
            ("objective", &self.objectives),
            ("principle", &self.principles),
            ("region", &self.regions),
            ("country", &self.countries),
            ("type", &self.types),
            ("submitter", &self.submitters),
        ] {
            for v in values {
                out.append_pair(name, v);
            }
        }
        if let Some(page) = page {
            out.append_pair("page", page);
        }
        format!("/practices?{}", out.finish())
    }

    fn narrowed(&self) -> bool {
        !(self.text.is_empty()
            && self.objectives.is_empty()
            && self.principles.is_empty()
            && self.regions.is_empty()
            && self.countries.is_empty()
            && self.types.is_empty()
            && self.submitters.is_empty())
    }
}

fn facet(
    name: &'static str,
    legend: String,
    counts: &[FacetCount],
    chosen: &[String],
    label: impl Fn(&str) -> String,
) -> Facet {
    let mut values: Vec<FacetValue> = counts
        .iter()
        .map(|c| FacetValue {
            value: c.value.clone(),
            label: label(&c.value),
            count: c.count,
            checked: chosen.contains(&c.value),
        })
        .collect();
    // What is chosen stays on the page even where nothing matches it now.
    for value in chosen {
        if !values.iter().any(|v| &v.value == value) {
            values.push(FacetValue {
                value: value.clone(),
                label: label(value),
                count: 0,
                checked: true,
            });
        }
    }
    Facet {
        name,
        legend,
        open: !chosen.is_empty(),
        values,
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    text: String,
    total: u32,
    hits: Vec<Hit>,
    facets: Vec<Facet>,
    next: Option<String>,
    first: Option<String>,
    narrowed: bool,
}

pub(crate) async fn search(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query = Query::parse(raw.as_deref());
    // Readers see published practices: every visitor's public search is
    // theirs, whatever else their role may search.
    let mut request = query.request();
    request.statuses = vec![PracticeStatus::Published as i32];
    let found = match state
        .backend
        .practices(&visitor)
        .search_practices(request)
        .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let lang = visitor.lang;
    let facets = vec![
        facet(
            "objective",
            i18n::text(lang, "facet-objective"),
            &found.objective_facets,
            &query.objectives,
            |v| {
                v.parse()
                    .map(|n| labels::objective(lang, n))
                    .unwrap_or_else(|_| v.into())
            },
        ),
        facet(
            "principle",
            i18n::text(lang, "facet-principle"),
            &found.guiding_principle_facets,
            &query.principles,
            |v| {
                GuidingPrinciple::from_str_name(v)
                    .map(|p| labels::principle(lang, p as i32))
                    .unwrap_or_else(|| v.into())
            },
        ),
        facet(
            "region",
            i18n::text(lang, "facet-region"),
            &found.region_facets,
            &query.regions,
            |v| {
                commission_from_code(v)
                    .map(|c| labels::region(lang, c as i32))
                    .unwrap_or_else(|| v.into())
            },
        ),
        facet(
            "country",
            i18n::text(lang, "facet-country"),
            &found.country_facets,
            &query.countries,
            labels::country,
        ),
        facet(
            "submitter",
            i18n::text(lang, "facet-submitter"),
            &found.submitter_type_facets,
            &query.submitters,
            |v| {
                StakeholderType::from_str_name(v)
                    .map(|s| labels::stakeholder(lang, s as i32))
                    .unwrap_or_else(|| v.into())
            },
        ),
        facet(
            "type",
            i18n::text(lang, "facet-type"),
            &found.type_facets,
            &query.types,
            |v| {
                PracticeType::from_str_name(v)
                    .map(|t| labels::practice_type(lang, t as i32))
                    .unwrap_or_else(|| v.into())
            },
        ),
    ];
    let page = SearchPage {
        chrome: visitor.chrome_in_languages(i18n::text(lang, "search-title")),
        text: query.text.clone(),
        total: found.total,
        hits: found.results.iter().map(|p| Hit::of(lang, p)).collect(),
        facets,
        next: (!found.next_page_token.is_empty()).then(|| query.link(Some(&found.next_page_token))),
        first: (!query.page.is_empty()).then(|| query.link(None)),
        narrowed: query.narrowed(),
    };
    render(&page)
}

/// A practice as its page shows it.
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    pub id: String,
    pub status: String,
    pub revision: u32,
    pub title: String,
    pub summary: String,
    pub results: String,
    pub lessons: String,
    pub objectives: Vec<String>,
    pub principles: Vec<String>,
    pub upholds_all: bool,
    pub sdg_targets: String,
    pub years: String,
    pub kind: String,
    pub places: String,
    pub regions: String,
    pub partners: String,
    pub organization: String,
    pub submitter_type: String,
    pub completion: u32,
    pub warnings: Vec<String>,
    pub submitter: String,
    pub submitted: String,
}

impl Shown {
    pub fn of(lang: Lang, p: &Practice) -> Self {
        let d = p.details.clone().unwrap_or_default();
        let meta = p.meta.clone().unwrap_or_default();
        Self {
            id: p.practice_id.clone(),
            status: labels::practice_status(lang, p.status),
            revision: meta.revision,
            title: d.title.clone(),
            summary: d.summary.clone(),
            results: d.results.clone(),
            lessons: d.lessons_learnt.clone(),
            objectives: d
                .primary_objectives
                .iter()
                .map(|o| labels::objective(lang, *o))
                .collect(),
            principles: d
                .guiding_principles
                .iter()
                .map(|g| labels::principle(lang, *g))
                .collect(),
            upholds_all: d.upholds_all_guiding_principles,
            sdg_targets: d.sdg_targets.join(", "),
            years: years(lang, &d),
            kind: labels::practice_type(lang, d.r#type),
            places: places(lang, &d),
            regions: d
                .regions
                .iter()
                .map(|r| labels::region(lang, *r))
                .collect::<Vec<_>>()
                .join(", "),
            partners: d.implementing_partners.join("; "),
            organization: d.submitter_organization.clone(),
            submitter_type: labels::stakeholder(lang, d.submitter_type),
            completion: d.completion_percent,
            warnings: p.warnings.clone(),
            submitter: meta.submitted_by.clone(),
            submitted: labels::day(lang, meta.accepted_at.as_ref()),
        }
    }
}

#[derive(Template)]
#[template(path = "practice.html")]
struct PracticePage {
    chrome: Chrome,
    practice: Shown,
    own: bool,
    revisable: bool,
}

impl PracticePage {
    /// "revision 2 of 3 March 2026".
    fn revision_line(&self) -> String {
        let revision = self.practice.revision.to_string();
        if self.practice.submitted.is_empty() {
            i18n::with(
                self.chrome.lang,
                "revision",
                &[("revision", revision.into())],
            )
        } else {
            i18n::with(
                self.chrome.lang,
                "revision-of",
                &[
                    ("revision", revision.into()),
                    ("date", self.practice.submitted.clone().into()),
                ],
            )
        }
    }

    fn completion(&self) -> String {
        i18n::with(
            self.chrome.lang,
            "per-cent",
            &[("value", self.practice.completion.to_string().into())],
        )
    }
}

pub(crate) async fn page(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let request = GetPracticeRequest {
        practice_id: id,
        curator_view: false,
    };
    let practice = match state
        .backend
        .practices(&visitor)
        .get_practice(request)
        .await
    {
        Ok(r) => r.into_inner().practice.unwrap_or_default(),
        Err(status) => return failed_page(&visitor, &status),
    };
    let shown = Shown::of(visitor.lang, &practice);
    let own = visitor.subject() == Some(shown.submitter.as_str());
    let revisable = own && is_revisable(practice.status);
    render(&PracticePage {
        chrome: visitor.chrome_in_languages(shown.title.clone()),
        practice: shown,
        own,
        revisable,
    })
}

/// Practices a list page shows at a time.
const OWN_PAGE: u32 = 50;

#[derive(Debug, Clone)]
struct OwnRow {
    id: String,
    title: String,
    status: String,
    revision: u32,
    revised: String,
    approvals: u32,
    revisable: bool,
}

#[derive(Template)]
#[template(path = "own_practices.html")]
struct OwnPage {
    chrome: Chrome,
    rows: Vec<OwnRow>,
    total: u32,
    next: Option<String>,
}

/// `/practices/mine`: the practices the visitor submitted, in every
/// status, the most recently revised first.
pub(crate) async fn own(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    if visitor.subject().is_none() {
        return crate::web::message_page(
            Some(&visitor),
            StatusCode::UNAUTHORIZED,
            &visitor.t("own-sign-in"),
            &visitor.t("own-sign-in-detail"),
        );
    }
    let request = SearchPracticesRequest {
        own: true,
        page_size: OWN_PAGE,
        page_token: Form::parse(raw.unwrap_or_default().as_bytes()).text("page"),
        ..Default::default()
    };
    let found = match state
        .backend
        .practices(&visitor)
        .search_practices(request)
        .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => return failed_page(&visitor, &status),
    };
    render(&OwnPage {
        chrome: visitor.chrome(visitor.t("nav-own-practices")),
        rows: found
            .results
            .iter()
            .map(|p| OwnRow {
                id: p.practice_id.clone(),
                title: p
                    .details
                    .as_ref()
                    .map(|d| d.title.clone())
                    .unwrap_or_default(),
                status: labels::practice_status(visitor.lang, p.status),
                revision: p.revision,
                revised: labels::day(
                    visitor.lang,
                    p.meta.as_ref().and_then(|m| m.accepted_at.as_ref()),
                ),
                approvals: p.approvals,
                revisable: is_revisable(p.status),
            })
            .collect(),
        total: found.total,
        next: (!found.next_page_token.is_empty())
            .then(|| format!("/practices/mine?page={}", found.next_page_token)),
    })
}

fn is_revisable(status: i32) -> bool {
    matches!(
        PracticeStatus::try_from(status).unwrap_or_default(),
        PracticeStatus::Submitted | PracticeStatus::InReview | PracticeStatus::ChangesRequested
    )
}

/// The proposal form's fields as typed, so a refused form comes back as it
/// was sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct PracticeForm {
    pub request_id: String,
    pub title: String,
    pub summary: String,
    pub objectives: Vec<String>,
    pub principles: Vec<String>,
    pub upholds_all: bool,
    pub sdg_targets: String,
    pub start_year: String,
    pub end_year: String,
    pub kind: String,
    pub countries: Vec<String>,
    pub global_scope: bool,
    pub regions: Vec<String>,
    pub partners: String,
    pub results: String,
    pub organization: String,
    pub submitter_type: String,
    pub completion: String,
    pub lessons: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_organization: String,
    pub contact_phone: String,
    pub expected_revision: u32,
    pub note: String,
}

/// The fields of the form, by their place in the request: a violation of
/// any other path is listed at the top.
const PRACTICE_FIELDS: [&str; 22] = [
    "details.title",
    "details.summary",
    "details.primary_objectives",
    "details.guiding_principles",
    "details.upholds_all_guiding_principles",
    "details.sdg_targets",
    "details.start_year",
    "details.end_year",
    "details.type",
    "details.countries",
    "details.global_scope",
    "details.regions",
    "details.implementing_partners",
    "details.results",
    "details.submitter_organization",
    "details.submitter_type",
    "details.completion_percent",
    "details.lessons_learnt",
    "focal_point.name",
    "focal_point.email",
    "focal_point.organization",
    "focal_point.phone",
];

fn number_or_problem<T: std::str::FromStr + Default>(
    text: &str,
    path: &str,
    must: String,
    problem: &mut Problem,
) -> T {
    if text.is_empty() {
        return T::default();
    }
    text.parse().unwrap_or_else(|_| {
        problem.fields.insert(path.to_string(), must);
        T::default()
    })
}

impl PracticeForm {
    /// Whether `value` is chosen in the picker `name`.
    pub fn chose(&self, name: &str, value: &str) -> bool {
        let chosen = match name {
            "objective" => &self.objectives,
            "principle" => &self.principles,
            "country" => &self.countries,
            "region" => &self.regions,
            _ => return false,
        };
        chosen.iter().any(|c| c == value)
    }

    fn from_form(form: &Form) -> Self {
        Self {
            request_id: request_id_of(form),
            title: form.text("title"),
            summary: form.text("summary"),
            objectives: form.all("objective"),
            principles: form.all("principle"),
            upholds_all: form.checked("upholds_all"),
            sdg_targets: form.text("sdg_targets"),
            start_year: form.text("start_year"),
            end_year: form.text("end_year"),
            kind: form.text("type"),
            countries: form.all("country"),
            global_scope: form.checked("global_scope"),
            regions: form.all("region"),
            partners: form.text("partners"),
            results: form.text("results"),
            organization: form.text("organization"),
            submitter_type: form.text("submitter_type"),
            completion: form.text("completion"),
            lessons: form.text("lessons"),
            contact_name: form.text("contact_name"),
            contact_email: form.text("contact_email"),
            contact_organization: form.text("contact_organization"),
            contact_phone: form.text("contact_phone"),
            expected_revision: form.text("expected_revision").parse().unwrap_or(0),
            note: form.text("note"),
        }
    }

    fn of(practice: &Practice) -> Self {
        let d = practice.details.clone().unwrap_or_default();
        let f = practice.focal_point.clone().unwrap_or_default();
        let number = |n: i64| if n == 0 { String::new() } else { n.to_string() };
        Self {
            request_id: request_id(),
            title: d.title,
            summary: d.summary,
            objectives: d.primary_objectives.iter().map(u32::to_string).collect(),
            principles: d
                .guiding_principles
                .iter()
                .filter_map(|p| GuidingPrinciple::try_from(*p).ok())
                .map(|p| p.as_str_name().to_string())
                .collect(),
            upholds_all: d.upholds_all_guiding_principles,
            sdg_targets: d.sdg_targets.join(", "),
            start_year: number(d.start_year.into()),
            end_year: number(d.end_year.into()),
            kind: PracticeType::try_from(d.r#type)
                .map(|t| t.as_str_name().to_string())
                .unwrap_or_default(),
            countries: d.countries,
            global_scope: d.global_scope,
            // The form's values are the commissions' codes.
            regions: d
                .regions
                .iter()
                .filter_map(|r| imrf_proto::v1::Commission::try_from(*r).ok())
                .map(|c| imrf_gcm::refdata::commission_code(c).to_string())
                .collect(),
            partners: d.implementing_partners.join("\n"),
            results: d.results,
            organization: d.submitter_organization,
            submitter_type: StakeholderType::try_from(d.submitter_type)
                .map(|t| t.as_str_name().to_string())
                .unwrap_or_default(),
            completion: d.completion_percent.to_string(),
            lessons: d.lessons_learnt,
            contact_name: f.name,
            contact_email: f.email,
            contact_organization: f.organization,
            contact_phone: f.phone,
            expected_revision: practice.meta.as_ref().map_or(0, |m| m.revision),
            note: String::new(),
        }
    }

    /// The request content, or what the console itself could not read.
    fn details(&self, lang: Lang) -> (PracticeDetails, FocalPoint, Problem) {
        let mut problem = Problem::default();
        let details = PracticeDetails {
            title: self.title.clone(),
            summary: self.summary.clone(),
            primary_objectives: self
                .objectives
                .iter()
                .filter_map(|o| o.parse().ok())
                .collect(),
            guiding_principles: self
                .principles
                .iter()
                .filter_map(|p| GuidingPrinciple::from_str_name(p).map(|p| p as i32))
                .collect(),
            upholds_all_guiding_principles: self.upholds_all,
            sdg_targets: self
                .sdg_targets
                .split([',', ';', ' '])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            start_year: number_or_problem(
                &self.start_year,
                "details.start_year",
                i18n::text(lang, "must-be-year"),
                &mut problem,
            ),
            end_year: number_or_problem(
                &self.end_year,
                "details.end_year",
                i18n::text(lang, "must-be-end-year"),
                &mut problem,
            ),
            r#type: PracticeType::from_str_name(&self.kind).map_or(0, |t| t as i32),
            countries: self.countries.clone(),
            global_scope: self.global_scope,
            regions: self
                .regions
                .iter()
                .filter_map(|r| commission_from_code(r).map(|c| c as i32))
                .collect(),
            implementing_partners: self
                .partners
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            results: self.results.clone(),
            submitter_organization: self.organization.clone(),
            submitter_type: StakeholderType::from_str_name(&self.submitter_type)
                .map_or(0, |t| t as i32),
            completion_percent: number_or_problem(
                &self.completion,
                "details.completion_percent",
                i18n::text(lang, "must-be-percent"),
                &mut problem,
            ),
            lessons_learnt: self.lessons.clone(),
        };
        let focal = FocalPoint {
            name: self.contact_name.clone(),
            email: self.contact_email.clone(),
            organization: self.contact_organization.clone(),
            phone: self.contact_phone.clone(),
        };
        if !problem.fields.is_empty() {
            problem.summary = i18n::text(lang, "problem-local");
        }
        (details, focal, problem)
    }
}

#[derive(Template)]
#[template(path = "practice_form.html")]
struct PracticeFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    form: PracticeForm,
    problem: Problem,
    elsewhere: Vec<(String, String)>,
    objectives: Vec<Choice>,
    principles: Vec<Choice>,
    types: Vec<Choice>,
    countries: Vec<Choice>,
    regions: Vec<Choice>,
    stakeholders: Vec<Choice>,
    revising: bool,
}

impl PracticeFormPage {
    fn new(
        visitor: &Visitor,
        heading: &str,
        action: String,
        form: PracticeForm,
        problem: Problem,
    ) -> Self {
        let elsewhere = problem.elsewhere(&PRACTICE_FIELDS);
        Self {
            chrome: visitor.chrome(heading),
            heading: heading.to_string(),
            revising: form.expected_revision > 0,
            action,
            form,
            problem,
            elsewhere,
            objectives: labels::objective_choices(),
            principles: labels::principle_choices(),
            types: labels::practice_type_choices(),
            countries: labels::country_choices(),
            regions: labels::region_choices(),
            stakeholders: labels::stakeholder_choices(),
        }
    }

    fn error(&self, path: &str) -> Option<&str> {
        self.problem.field(path)
    }
}

fn refused_form(page: &PracticeFormPage) -> Response {
    let status = page.problem.status();
    render_with(status, page)
}

pub(crate) async fn new_form(Extension(visitor): Extension<Visitor>) -> Response {
    let form = PracticeForm {
        request_id: request_id(),
        ..Default::default()
    };
    render(&PracticeFormPage::new(
        &visitor,
        &visitor.t("nav-propose"),
        "/practices".into(),
        form,
        Problem::default(),
    ))
}

pub(crate) async fn submit(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    form: Form,
) -> Response {
    let typed = PracticeForm::from_form(&form);
    let (details, focal, problem) = typed.details(visitor.lang);
    let page = |problem| {
        PracticeFormPage::new(
            &visitor,
            &visitor.t("nav-propose"),
            "/practices".into(),
            typed.clone(),
            problem,
        )
    };
    if !problem.fields.is_empty() {
        return refused_form(&page(problem));
    }
    let request = SubmitPracticeRequest {
        request_id: typed.request_id.clone(),
        details: Some(details),
        focal_point: Some(focal),
    };
    match state
        .backend
        .practices(&visitor)
        .submit_practice(request)
        .await
    {
        Ok(r) => see_other(&format!(
            "/practices/{}?proposed=1",
            r.into_inner().practice_id
        )),
        Err(status) => refused_form(&page(Problem::from_status(visitor.lang, &status))),
    }
}

async fn own_practice(state: &State, visitor: &Visitor, id: &str) -> Result<Practice, Response> {
    let request = GetPracticeRequest {
        practice_id: id.to_string(),
        // The submitter sees their own focal point, to revise it.
        curator_view: true,
    };
    match state.backend.practices(visitor).get_practice(request).await {
        Ok(r) => Ok(r.into_inner().practice.unwrap_or_default()),
        Err(status) => Err(failed_page(visitor, &status)),
    }
}

pub(crate) async fn edit_form(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let practice = match own_practice(&state, &visitor, &id).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    render(&PracticeFormPage::new(
        &visitor,
        &visitor.t("revise-practice-page"),
        format!("/practices/{id}/edit"),
        PracticeForm::of(&practice),
        Problem::default(),
    ))
}

pub(crate) async fn update(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    form: Form,
) -> Response {
    let typed = PracticeForm::from_form(&form);
    let (details, focal, problem) = typed.details(visitor.lang);
    let page = |problem| {
        PracticeFormPage::new(
            &visitor,
            &visitor.t("revise-practice-page"),
            format!("/practices/{id}/edit"),
            typed.clone(),
            problem,
        )
    };
    if !problem.fields.is_empty() {
        return refused_form(&page(problem));
    }
    let request = UpdatePracticeRequest {
        request_id: typed.request_id.clone(),
        practice_id: id.clone(),
        details: Some(details),
        focal_point: Some(focal),
        expected_revision: typed.expected_revision,
        note: typed.note.clone(),
    };
    match state
        .backend
        .practices(&visitor)
        .update_practice(request)
        .await
    {
        Ok(_) => see_other(&format!("/practices/{id}")),
        Err(status) => refused_form(&page(Problem::from_status(visitor.lang, &status))),
    }
}

#[derive(Template)]
#[template(path = "withdraw.html")]
struct WithdrawPage {
    chrome: Chrome,
    id: String,
    title: String,
    request_id: String,
    reason: String,
    problem: Problem,
}

pub(crate) async fn withdraw_confirm(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> Response {
    let practice = match own_practice(&state, &visitor, &id).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    render(&WithdrawPage {
        chrome: visitor.chrome(visitor.t("withdraw-practice-page")),
        title: practice.details.map(|d| d.title).unwrap_or_default(),
        id,
        request_id: request_id(),
        reason: String::new(),
        problem: Problem::default(),
    })
}

pub(crate) async fn withdraw(
    Extract(state): Extract<State>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    form: Form,
) -> Response {
    let request = WithdrawPracticeRequest {
        request_id: request_id_of(&form),
        practice_id: id.clone(),
        reason: form.text("reason"),
    };
    match state
        .backend
        .practices(&visitor)
        .withdraw_practice(request.clone())
        .await
    {
        Ok(_) => see_other(&format!("/practices/{id}")),
        Err(status) => render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &WithdrawPage {
                chrome: visitor.chrome(visitor.t("withdraw-practice-page")),
                title: form.text("title"),
                id,
                request_id: request.request_id,
                reason: request.reason,
                problem: Problem::from_status(visitor.lang, &status),
            },
        )
        .into_response(),
    }
}
