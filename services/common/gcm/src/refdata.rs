//! Reference data of the GCM review: objectives, round tables, guiding
//! principles, Member States, regional commission membership, stakeholder
//! types, disaggregation dimensions and SDG indicators.
//!
//! The tables are compiled into the binary from `data/` (sources in
//! `data/SOURCES.md`) and parsed once, on first use.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use imrf_proto::v1::{
    Commission, DisaggregationDimension, GuidingPrinciple, PracticeType, ReportKind,
    StakeholderType,
};
use serde::Deserialize;

/// Number of GCM objectives.
pub const OBJECTIVE_COUNT: u32 = 23;

/// Number of United Nations Member States: the most countries any list of
/// States can name without repeating one.
pub const MEMBER_STATE_COUNT: usize = 193;

/// The four round tables of the Forum and the objectives each covers
/// (A/RES/73/326; Progress Declaration para 20).
pub const ROUND_TABLES: [(u32, &[u32]); 4] = [
    (1, &[2, 5, 6, 12, 18]),
    (2, &[4, 8, 9, 10, 11, 13, 21]),
    (3, &[14, 15, 16, 19, 20, 22]),
    (4, &[1, 3, 7, 17, 23]),
];

/// The five commissions, in the order of their enum values.
pub const COMMISSIONS: [Commission; 5] = [
    Commission::Eca,
    Commission::Ece,
    Commission::Eclac,
    Commission::Escap,
    Commission::Escwa,
];

/// Errors in the bundled tables; a test proves they parse, so this only
/// surfaces if a data file is edited badly.
#[derive(Debug, thiserror::Error)]
pub enum RefDataError {
    /// A CSV row did not parse.
    #[error("reference table {table}: {source}")]
    Csv {
        /// File name of the table.
        table: &'static str,
        /// The parse error.
        #[source]
        source: csv::Error,
    },
    /// A row parsed but its content is inconsistent.
    #[error("reference table {table}: {message}")]
    Invalid {
        /// File name of the table.
        table: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// One GCM objective.
#[derive(Debug, Clone, Deserialize)]
pub struct Objective {
    /// Number, 1-23.
    pub number: u32,
    /// Short label for headings and tables, for example "Remittances".
    pub short_label: String,
    /// Official title (A/RES/73/195).
    pub title: String,
    /// Number of actions the Compact lists under it.
    pub n_actions: u32,
}

/// One UN Member State.
#[derive(Debug, Clone, Deserialize)]
pub struct MemberState {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// UN M49 numeric code, three digits.
    pub m49: String,
    /// UNSD M49 English name.
    pub name: String,
    /// M49 region name (Africa, Americas, Asia, Europe, Oceania).
    pub region_name: String,
    /// M49 sub-region name.
    pub subregion_name: String,
}

/// How a value compares with an indicator's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetRule {
    /// The target is met at or below the target value.
    AtMost,
    /// The target is met strictly below the target value ("less than 3 per
    /// cent", SDG target 10.c).
    Below,
    /// The target is met at or above the target value.
    AtLeast,
}

/// An SDG indicator the review draws on.
#[derive(Debug, Clone, Deserialize)]
pub struct Indicator {
    /// Indicator code, for example "10.c.1".
    pub code: String,
    /// Official name.
    pub name: String,
    /// Unit of values, for example "percent".
    pub unit: String,
    /// Smallest valid value.
    pub min: Option<f64>,
    /// Largest valid value.
    pub max: Option<f64>,
    /// Target value, where the indicator has one.
    pub target: Option<f64>,
    /// How values compare with the target.
    pub target_rule: Option<TargetRule>,
    /// Where the target comes from.
    pub target_note: Option<String>,
}

impl Indicator {
    /// Whether `value` lies within the indicator's valid range.
    pub fn in_range(&self, value: f64) -> bool {
        value.is_finite()
            && self.min.is_none_or(|min| value >= min)
            && self.max.is_none_or(|max| value <= max)
    }

    /// Whether `value` meets the target; `None` when there is no target.
    pub fn meets_target(&self, value: f64) -> Option<bool> {
        let target = self.target?;
        Some(match self.target_rule? {
            TargetRule::AtMost => value <= target,
            TargetRule::Below => value < target,
            TargetRule::AtLeast => value >= target,
        })
    }
}

/// A series of the UN Global SDG Indicators Database that gives one of the
/// indicators the review draws on, as SDMX files name it.
#[derive(Debug, Clone, Deserialize)]
pub struct SdgSeries {
    /// Series code, for example "SI_RMT_COST".
    pub series: String,
    /// The indicator it gives, for example "10.c.1".
    pub indicator: String,
    /// The SDMX `UNIT_MEASURE` code it is published in, for example
    /// "PERCENT".
    pub unit_measure: String,
    /// What it measures, as the database describes it.
    pub description: String,
}

#[derive(Deserialize)]
struct MembershipRow {
    commission: String,
    iso3: String,
    membership: Membership,
}

/// How a State belongs to a commission: as a State of its region, or as a
/// member from outside it (France in ECLAC and ESCAP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Membership {
    Regional,
    NonRegional,
}

/// All reference tables, parsed.
#[derive(Debug)]
pub struct ReferenceData {
    objectives: Vec<Objective>,
    states: BTreeMap<String, MemberState>,
    members: BTreeMap<i32, BTreeMap<String, Membership>>,
    indicators: BTreeMap<String, Indicator>,
    series: BTreeMap<String, SdgSeries>,
    by_m49: BTreeMap<String, String>,
}

fn parse_csv<T: serde::de::DeserializeOwned>(
    table: &'static str,
    text: &str,
) -> Result<Vec<T>, RefDataError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| RefDataError::Csv { table, source })
}

impl ReferenceData {
    /// Parses the bundled tables and checks that they are consistent.
    pub fn load() -> Result<Self, RefDataError> {
        let objectives: Vec<Objective> = parse_csv(
            "gcm_objectives.csv",
            include_str!("../data/gcm_objectives.csv"),
        )?;
        let expected: Vec<u32> = (1..=OBJECTIVE_COUNT).collect();
        if objectives.iter().map(|o| o.number).collect::<Vec<_>>() != expected {
            return Err(RefDataError::Invalid {
                table: "gcm_objectives.csv",
                message: "objectives must be numbered 1-23 in order".into(),
            });
        }

        let states: BTreeMap<String, MemberState> = parse_csv::<MemberState>(
            "un_member_states.csv",
            include_str!("../data/un_member_states.csv"),
        )?
        .into_iter()
        .map(|s| (s.iso3.clone(), s))
        .collect();

        let mut members: BTreeMap<i32, BTreeMap<String, Membership>> = BTreeMap::new();
        for row in parse_csv::<MembershipRow>(
            "un_regional_commissions.csv",
            include_str!("../data/un_regional_commissions.csv"),
        )? {
            let commission = Commission::from_str_name(&format!("COMMISSION_{}", row.commission))
                .filter(|c| *c != Commission::Unspecified)
                .ok_or_else(|| RefDataError::Invalid {
                    table: "un_regional_commissions.csv",
                    message: format!("unknown commission {}", row.commission),
                })?;
            if !states.contains_key(&row.iso3) {
                return Err(RefDataError::Invalid {
                    table: "un_regional_commissions.csv",
                    message: format!("{} is not a Member State", row.iso3),
                });
            }
            members
                .entry(commission as i32)
                .or_default()
                .insert(row.iso3, row.membership);
        }

        let indicators = parse_csv::<Indicator>(
            "sdg_indicators.csv",
            include_str!("../data/sdg_indicators.csv"),
        )?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect::<BTreeMap<String, Indicator>>();

        let series: BTreeMap<String, SdgSeries> =
            parse_csv::<SdgSeries>("sdg_series.csv", include_str!("../data/sdg_series.csv"))?
                .into_iter()
                .map(|s| (s.series.clone(), s))
                .collect();
        if let Some(s) = series
            .values()
            .find(|s| !indicators.contains_key(&s.indicator))
        {
            return Err(RefDataError::Invalid {
                table: "sdg_series.csv",
                message: format!("{} gives {}, not an indicator", s.series, s.indicator),
            });
        }
        let by_m49 = states
            .values()
            .map(|s| (s.m49.clone(), s.iso3.clone()))
            .collect();

        Ok(Self {
            objectives,
            states,
            members,
            indicators,
            series,
            by_m49,
        })
    }

    /// The 23 objectives, in order.
    pub fn objectives(&self) -> &[Objective] {
        &self.objectives
    }

    /// Objective `number`, if it is one of 1-23.
    pub fn objective(&self, number: u32) -> Option<&Objective> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        self.objectives.get(index)
    }

    /// The Member States, sorted by ISO3.
    pub fn member_states(&self) -> impl Iterator<Item = &MemberState> {
        self.states.values()
    }

    /// The Member State with this ISO3 code.
    pub fn member_state(&self, iso3: &str) -> Option<&MemberState> {
        self.states.get(iso3)
    }

    /// The States of a commission's region (ISO3, sorted): its regional
    /// members, without those that belong from outside the region. These
    /// are the States whose reporting the commission's completeness counts.
    /// Empty for UNSPECIFIED.
    pub fn regional_members(&self, commission: Commission) -> impl Iterator<Item = &str> {
        self.members
            .get(&(commission as i32))
            .into_iter()
            .flatten()
            .filter(|(_, m)| **m == Membership::Regional)
            .map(|(iso3, _)| iso3.as_str())
    }

    /// Every member of `commission` (ISO3, sorted), with whether it is of
    /// the commission's region: who may take part in its regional review.
    pub fn commission_members(&self, commission: Commission) -> impl Iterator<Item = (&str, bool)> {
        self.members
            .get(&(commission as i32))
            .into_iter()
            .flatten()
            .map(|(iso3, m)| (iso3.as_str(), *m == Membership::Regional))
    }

    /// Whether `iso3` is a member of `commission`, of its region or from
    /// outside it: who may take part in its regional review.
    pub fn is_commission_member(&self, commission: Commission, iso3: &str) -> bool {
        self.members
            .get(&(commission as i32))
            .is_some_and(|m| m.contains_key(iso3))
    }

    /// Whether `iso3` is one of the States of `commission`'s region.
    pub fn is_regional_member(&self, commission: Commission, iso3: &str) -> bool {
        self.members
            .get(&(commission as i32))
            .and_then(|m| m.get(iso3))
            .is_some_and(|m| *m == Membership::Regional)
    }

    /// The commissions whose region includes `iso3` (a State can be in
    /// two: ECE and ESCAP share Central Asia and the Caucasus).
    pub fn regions_of(&self, iso3: &str) -> Vec<Commission> {
        COMMISSIONS
            .into_iter()
            .filter(|c| self.is_regional_member(*c, iso3))
            .collect()
    }

    /// The SDG indicators, by code.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.values()
    }

    /// The indicator with this code.
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.get(code)
    }

    /// The SDG series the platform maps to its indicators, by code.
    pub fn sdg_series(&self) -> impl Iterator<Item = &SdgSeries> {
        self.series.values()
    }

    /// The SDG series with this code, when it gives one of the indicators.
    pub fn sdg_series_of(&self, code: &str) -> Option<&SdgSeries> {
        self.series.get(code)
    }

    /// The Member State whose M49 code is `code`, written with or without
    /// its leading zeros ("8" and "008" are Albania).
    pub fn member_state_of_m49(&self, code: &str) -> Option<&MemberState> {
        let code = code.trim();
        if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let padded = format!("{code:0>3}");
        self.by_m49
            .get(&padded)
            .and_then(|iso3| self.states.get(iso3))
    }
}

static REFERENCE: LazyLock<ReferenceData> = LazyLock::new(|| match ReferenceData::load() {
    Ok(data) => data,
    // The tables are compiled in and checked by the tests of this module, so
    // a failure here is a build defect, not bad input.
    Err(err) => panic!("bundled reference data is invalid: {err}"),
});

/// The bundled reference data, parsed on first use.
pub fn reference() -> &'static ReferenceData {
    &REFERENCE
}

/// Round table (1-4) that discusses `objective`.
pub fn round_table_of(objective: u32) -> Option<u32> {
    ROUND_TABLES
        .iter()
        .find(|(_, objectives)| objectives.contains(&objective))
        .map(|(table, _)| *table)
}

/// Objectives of round table `table` (1-4).
pub fn round_table_objectives(table: u32) -> Option<&'static [u32]> {
    ROUND_TABLES
        .iter()
        .find(|(number, _)| *number == table)
        .map(|(_, objectives)| *objectives)
}

/// Short code of a commission ("ECE"), as used in subjects and ids.
pub fn commission_code(commission: Commission) -> &'static str {
    match commission {
        Commission::Unspecified => "UNSPECIFIED",
        Commission::Eca => "ECA",
        Commission::Ece => "ECE",
        Commission::Eclac => "ECLAC",
        Commission::Escap => "ESCAP",
        Commission::Escwa => "ESCWA",
    }
}

/// The commission whose short code is `code` ("ECE"), if any.
pub fn commission_from_code(code: &str) -> Option<Commission> {
    COMMISSIONS
        .into_iter()
        .find(|c| commission_code(*c) == code)
}

/// Full name of a commission.
pub fn commission_name(commission: Commission) -> &'static str {
    match commission {
        Commission::Unspecified => "unspecified commission",
        Commission::Eca => "Economic Commission for Africa",
        Commission::Ece => "Economic Commission for Europe",
        Commission::Eclac => "Economic Commission for Latin America and the Caribbean",
        Commission::Escap => "Economic and Social Commission for Asia and the Pacific",
        Commission::Escwa => "Economic and Social Commission for Western Asia",
    }
}

/// Title of a guiding principle (GCM para 15).
pub fn guiding_principle_title(principle: GuidingPrinciple) -> &'static str {
    match principle {
        GuidingPrinciple::Unspecified => "unspecified",
        GuidingPrinciple::PeopleCentred => "People-centred",
        GuidingPrinciple::InternationalCooperation => "International cooperation",
        GuidingPrinciple::NationalSovereignty => "National sovereignty",
        GuidingPrinciple::RuleOfLawAndDueProcess => "Rule of law and due process",
        GuidingPrinciple::SustainableDevelopment => "Sustainable development",
        GuidingPrinciple::HumanRights => "Human rights",
        GuidingPrinciple::GenderResponsive => "Gender-responsive",
        GuidingPrinciple::ChildSensitive => "Child-sensitive",
        GuidingPrinciple::WholeOfGovernment => "Whole-of-government approach",
        GuidingPrinciple::WholeOfSociety => "Whole-of-society approach",
    }
}

/// Label of a stakeholder type (Progress Declaration para 18).
pub fn stakeholder_label(kind: StakeholderType) -> &'static str {
    match kind {
        StakeholderType::Unspecified => "unspecified",
        StakeholderType::NationalGovernment => "national governments",
        StakeholderType::LocalGovernment => "local governments",
        StakeholderType::UnSystem => "the United Nations system",
        StakeholderType::InternationalOrRegionalOrganization => {
            "international and regional organizations"
        }
        StakeholderType::Migrants => "migrants",
        StakeholderType::Diasporas => "diasporas",
        StakeholderType::FaithBasedOrganization => "faith-based organizations",
        StakeholderType::LocalCommunity => "local communities",
        StakeholderType::CivilSociety => "civil society",
        StakeholderType::Academia => "academia",
        StakeholderType::PrivateSector => "the private sector",
        StakeholderType::Parliamentarians => "parliamentarians",
        StakeholderType::TradeUnions => "trade unions",
        StakeholderType::NationalHumanRightsInstitution => "national human rights institutions",
        StakeholderType::Media => "the media",
        StakeholderType::HumanitarianActor => "humanitarian actors",
        StakeholderType::Other => "other stakeholders",
    }
}

/// Label of a type of practice in the Repository of Practices.
pub fn practice_type_label(kind: PracticeType) -> &'static str {
    match kind {
        PracticeType::Unspecified => "unspecified",
        PracticeType::Policy => "policy",
        PracticeType::Legislation => "legislation",
        PracticeType::Programme => "programme",
        PracticeType::Project => "project",
        PracticeType::Partnership => "partnership",
        PracticeType::ToolOrGuidance => "tool or guidance",
        PracticeType::CapacityBuilding => "capacity-building",
        PracticeType::ResearchOrData => "research or data",
    }
}

/// Label of a disaggregation dimension (Progress Declaration para 37).
pub fn dimension_label(dimension: DisaggregationDimension) -> &'static str {
    match dimension {
        DisaggregationDimension::Unspecified => "total",
        DisaggregationDimension::Income => "income",
        DisaggregationDimension::Sex => "sex",
        DisaggregationDimension::Age => "age",
        DisaggregationDimension::Race => "race",
        DisaggregationDimension::Ethnicity => "ethnicity",
        DisaggregationDimension::MigrationStatus => "migration status",
        DisaggregationDimension::Disability => "disability",
        DisaggregationDimension::GeographicLocation => "geographic location",
    }
}

/// What a report of `kind` is called in a document: the reviews of the
/// Global Compact are not the Voluntary National Reviews of the High-level
/// Political Forum, so the draft never calls them "VNR".
pub fn kind_label(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::VoluntaryNationalReview => "national review",
        ReportKind::NationalImplementationPlan => "national implementation plan",
        ReportKind::PledgeUpdate => "pledge update",
        ReportKind::Unspecified => "national report",
    }
}

/// Short code of a report kind, used in report ids and subjects.
pub fn kind_code(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::VoluntaryNationalReview => "VNR",
        ReportKind::NationalImplementationPlan => "NIP",
        ReportKind::PledgeUpdate => "PLEDGES",
        ReportKind::Unspecified => "UNSPECIFIED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn bundled_tables_load() {
        let data = ReferenceData::load();
        assert!(data.is_ok(), "{:?}", data.err());
    }

    #[test]
    fn there_are_23_objectives_with_titles() {
        let data = reference();
        assert_eq!(data.objectives().len(), 23);
        assert_eq!(
            data.objective(20).map(|o| o.short_label.as_str()),
            Some("Remittances")
        );
        assert!(data.objective(0).is_none());
        assert!(data.objective(24).is_none());
        assert!(data.objectives().iter().all(|o| !o.title.is_empty()));
    }

    #[test]
    fn round_tables_cover_each_objective_exactly_once() {
        let mut seen: Vec<u32> = ROUND_TABLES
            .iter()
            .flat_map(|(_, objectives)| objectives.iter().copied())
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (1..=23).collect::<Vec<_>>());
        assert_eq!(round_table_of(20), Some(3));
        assert_eq!(round_table_of(1), Some(4));
        assert_eq!(round_table_of(24), None);
        assert_eq!(round_table_objectives(2).map(<[u32]>::len), Some(7));
    }

    #[test]
    fn there_are_193_member_states_with_unique_codes() {
        let data = reference();
        let states: Vec<&MemberState> = data.member_states().collect();
        assert_eq!(states.len(), MEMBER_STATE_COUNT);
        let iso3: BTreeSet<&str> = states.iter().map(|s| s.iso3.as_str()).collect();
        let m49: BTreeSet<&str> = states.iter().map(|s| s.m49.as_str()).collect();
        assert_eq!(iso3.len(), 193);
        assert_eq!(m49.len(), 193);
        assert!(
            data.member_state("VAT").is_none(),
            "observer States are not members"
        );
        assert!(
            data.member_state("PSE").is_none(),
            "observer States are not members"
        );
    }

    #[test]
    fn every_state_is_in_at_least_one_commission() {
        let data = reference();
        let orphans: Vec<&str> = data
            .member_states()
            .filter(|s| data.regions_of(&s.iso3).is_empty())
            .map(|s| s.iso3.as_str())
            .collect();
        assert!(orphans.is_empty(), "no commission: {orphans:?}");
    }

    #[test]
    fn commission_sizes_match_published_counts() {
        let data = reference();
        let members = |c| {
            data.member_states()
                .filter(|s| data.is_commission_member(c, &s.iso3))
                .count()
        };
        let regional = |c| data.regional_members(c).count();
        assert_eq!(
            (members(Commission::Eca), regional(Commission::Eca)),
            (54, 54)
        );
        assert_eq!(
            (members(Commission::Ece), regional(Commission::Ece)),
            (56, 56)
        );
        // ECLAC's 13 and ESCAP's 4 members from outside their regions.
        assert_eq!(
            (members(Commission::Eclac), regional(Commission::Eclac)),
            (46, 33)
        );
        assert_eq!(
            (members(Commission::Escap), regional(Commission::Escap)),
            (53, 49)
        );
        // ESCWA has 21 members; the State of Palestine is not a UN Member State.
        assert_eq!(
            (members(Commission::Escwa), regional(Commission::Escwa)),
            (20, 20)
        );
        assert_eq!(regional(Commission::Unspecified), 0);
    }

    #[test]
    fn known_memberships() {
        let data = reference();
        assert!(data.is_commission_member(Commission::Eca, "KEN"));
        assert!(data.is_commission_member(Commission::Eclac, "CHL"));
        assert!(data.is_commission_member(Commission::Escap, "JPN"));
        assert!(data.is_commission_member(Commission::Escwa, "JOR"));
        assert!(data.is_commission_member(Commission::Ece, "DEU"));
        assert!(!data.is_commission_member(Commission::Eca, "DEU"));
        // Non-regional members and States in two commissions.
        assert!(data.is_commission_member(Commission::Eclac, "FRA"));
        assert!(data.is_commission_member(Commission::Escap, "FRA"));
        assert!(!data.is_regional_member(Commission::Eclac, "FRA"));
        assert_eq!(data.regions_of("FRA"), vec![Commission::Ece]);
        assert_eq!(
            data.regions_of("EGY"),
            vec![Commission::Eca, Commission::Escwa]
        );
        assert_eq!(
            data.member_state("CIV").map(|s| s.name.as_str()),
            Some("C\u{f4}te d\u{2019}Ivoire")
        );
        assert!(
            data.objective(13)
                .is_some_and(|o| o.title.starts_with("Use migration detention"))
        );
    }

    #[test]
    fn core_indicators_are_present_with_units_and_targets() {
        let data = reference();
        for code in [
            "10.7.1", "10.7.2", "10.7.3", "10.7.4", "10.c.1", "17.3.2", "8.8.1", "16.9.1",
        ] {
            let indicator = data.indicator(code);
            assert!(indicator.is_some(), "missing {code}");
            assert!(indicator.is_some_and(|i| !i.unit.is_empty() && !i.name.is_empty()));
        }
        let remittance_cost = data.indicator("10.c.1");
        assert_eq!(remittance_cost.and_then(|i| i.target), Some(3.0));
        // "Less than 3 per cent": 3 itself misses the target.
        assert_eq!(
            remittance_cost.and_then(|i| i.meets_target(3.0)),
            Some(false)
        );
        assert_eq!(
            remittance_cost.and_then(|i| i.meets_target(2.99)),
            Some(true)
        );
        assert_eq!(
            remittance_cost.and_then(|i| i.meets_target(6.3)),
            Some(false)
        );
        assert_eq!(remittance_cost.map(|i| i.in_range(101.0)), Some(false));
        assert_eq!(
            data.indicator("10.7.3").and_then(|i| i.meets_target(1.0)),
            None
        );
    }

    #[test]
    fn sdg_series_and_m49_codes_lead_to_the_platforms_codes() -> Result<(), RefDataError> {
        let data = ReferenceData::load()?;
        let cost = data.sdg_series_of("SI_RMT_COST");
        assert_eq!(cost.map(|s| s.indicator.as_str()), Some("10.c.1"));
        assert_eq!(cost.map(|s| s.unit_measure.as_str()), Some("PERCENT"));
        let injuries: Vec<&str> = data
            .sdg_series()
            .filter(|s| s.indicator == "8.8.1")
            .map(|s| s.series.as_str())
            .collect();
        assert_eq!(injuries, ["SL_EMP_FTLINJUR", "SL_EMP_INJUR"]);
        let iso3 = |code: &str| data.member_state_of_m49(code).map(|s| s.iso3.clone());
        assert_eq!(iso3("8").as_deref(), Some("ALB"));
        assert_eq!(iso3("008").as_deref(), Some("ALB"));
        assert_eq!(iso3("404").as_deref(), Some("KEN"));
        // The world, the State of Palestine, and not a code at all.
        assert_eq!((iso3("1"), iso3("275"), iso3("4x")), (None, None, None));
        Ok(())
    }

    #[test]
    fn labels_cover_every_enum_value() {
        for c in COMMISSIONS {
            assert_eq!(
                Commission::from_str_name(&format!("COMMISSION_{}", commission_code(c))),
                Some(c)
            );
        }
        assert_eq!(
            guiding_principle_title(GuidingPrinciple::HumanRights),
            "Human rights"
        );
    }
}
