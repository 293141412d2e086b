//! `imrfctl report` and `imrfctl aggregate`: national reports, for Member
//! States, and the live aggregate, for the secretariat.

use std::path::PathBuf;

use clap::Subcommand;
use futures::StreamExt;
use imrf_gcm::refdata::{commission_code, reference};
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::{
    Aggregate, Commission, ExportObservationsRequest, GetAggregateRequest,
    GetNationalReportRequest, ListNationalReportsRequest, NationalReport, NationalReportRecord,
    ReportKind, SubmitNationalReportRequest, WatchAggregateRequest,
};

use crate::input;
use crate::outcome::Failure;
use crate::{Output, print_data};

/// National reports of Member States.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Submit a national report from a JSON or YAML file, or an Excel
    /// workbook made from `report template` (a first submission, or with
    /// --expected-revision a new revision).
    Submit {
        /// The report: the filled template (`report template` writes one,
        /// `report explain` lists the codes), as .yaml or .json with the
        /// fields of imrf.v1.NationalReport (cycle_id, state, kind, title
        /// and summary required; values in words or the contract's names;
        /// dates as 2026-12-01), or as .xlsx, whose problems are each named
        /// as Sheet!Cell.
        file: PathBuf,
        /// The revision you last saw; required to revise an existing report.
        #[arg(long)]
        expected_revision: Option<u32>,
        /// Request id; by default derived from the file's content.
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Write a national report to fill in: a YAML file with a comment on
    /// every field and its allowed values, or (--out ken.xlsx) an Excel
    /// workbook with the 23 objectives, drop-downs, indicator values,
    /// pledges and the stakeholders consulted.
    Template {
        /// The review cycle, such as 2026.
        #[arg(long)]
        cycle: String,
        /// The Member State (ISO3), such as KEN.
        #[arg(long)]
        state: String,
        /// Where to write it: a workbook (.xlsx) or a commented YAML file
        /// (.yaml); the YAML on standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the codes, units, years and limits a report is checked against.
    Explain {
        /// The cycle whose years of indicator values to give.
        #[arg(long)]
        cycle: Option<String>,
    },
    /// Show a report (the latest revision unless --revision is given).
    Show {
        /// Report id, such as 2026-KEN-VNR.
        report_id: String,
        /// Revision to show.
        #[arg(long, default_value_t = 0)]
        revision: u32,
    },
    /// List reports.
    List {
        /// Only this cycle.
        #[arg(long)]
        cycle: Option<String>,
        /// Only this Member State (ISO3).
        #[arg(long)]
        state: Option<String>,
        /// Only members of this commission.
        #[arg(long)]
        commission: Option<String>,
    },
    /// Add indicator observations from a CSV file to existing reports: one
    /// row per state, indicator, year, dimension, category and value. Each
    /// State's report gets one new revision; rows with problems are listed
    /// by line and column and left out, the rest are kept.
    ImportIndicators {
        /// CSV with the header state,indicator,year,dimension,category,value
        /// (and optionally source). dimension is empty for a total, or one
        /// of income, sex, age, race, ethnicity, migration_status,
        /// disability, geographic_location. With --format open-sdg, a data
        /// file of an Open SDG platform (indicator_10-c-1.csv: Year, Value,
        /// and Series, Units, GeoCode and a column per disaggregation). With
        /// --format sdmx-csv, SDMX-CSV as the UN SDG API and .Stat export it
        /// (SERIES, REF_AREA as M49, TIME_PERIOD, OBS_VALUE, UNIT_MEASURE
        /// and a column per dimension), or as `aggregate export` writes it.
        file: PathBuf,
        /// Cycle of the reports to add to.
        #[arg(long)]
        cycle: String,
        /// Kind of report to add to: vnr, nip or pledges.
        #[arg(long, default_value = "vnr")]
        kind: String,
        /// csv (the platform's columns), open-sdg or sdmx-csv.
        #[arg(long, default_value = "csv")]
        format: String,
        /// With open-sdg: the Member State (ISO3) the file is of.
        #[arg(long)]
        state: Option<String>,
        /// With open-sdg: the indicator, when the file's name does not say
        /// it (indicator_10-c-1.csv says 10.c.1).
        #[arg(long)]
        indicator: Option<String>,
        /// Check every row and say what would be imported, sending nothing.
        #[arg(long)]
        dry_run: bool,
        /// With open-sdg or sdmx-csv: the series to take, when the file
        /// gives an indicator by several (SL_EMP_FTLINJUR or SL_EMP_INJUR
        /// for 8.8.1).
        #[arg(long)]
        series: Option<String>,
    },
}

/// The live aggregate of a cycle.
#[derive(Debug, Subcommand)]
pub enum AggregateCommand {
    /// Show the aggregate of a cycle.
    Show {
        /// The cycle.
        #[arg(long)]
        cycle: String,
        /// Only members of this commission.
        #[arg(long)]
        commission: Option<String>,
        /// Only the objectives of this round table (1-4).
        #[arg(long)]
        round_table: Option<u32>,
    },
    /// Write every indicator observation of a cycle, each with its State,
    /// year, disaggregation and the report revision it comes from, as CSV,
    /// SDMX-CSV or an Excel workbook. The same observations give the same
    /// bytes.
    Export {
        /// The cycle.
        #[arg(long)]
        cycle: String,
        /// csv, sdmx-csv or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Where to write it; CSV and SDMX-CSV go to standard output
        /// without it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Follow the aggregate of a cycle: print it now and at every change.
    Watch {
        /// The cycle.
        #[arg(long)]
        cycle: String,
        /// Stop after this many versions (default: until interrupted).
        #[arg(long)]
        count: Option<usize>,
    },
}

pub(crate) fn parse_commission(code: &str) -> Result<Commission, Failure> {
    Commission::from_str_name(&format!("COMMISSION_{}", code.to_ascii_uppercase()))
        .filter(|c| *c != Commission::Unspecified)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "'{code}' is not a commission: use ECA, ECE, ECLAC, ESCAP or ESCWA"
            ))
        })
}

/// Short code of a report kind, as in report ids.
pub(crate) fn kind_code(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::VoluntaryNationalReview => "VNR",
        ReportKind::NationalImplementationPlan => "NIP",
        ReportKind::PledgeUpdate => "PLEDGES",
        ReportKind::Unspecified => "UNSPECIFIED",
    }
}

fn parse_kind(code: &str) -> Result<ReportKind, Failure> {
    match code.to_ascii_lowercase().as_str() {
        "vnr" => Ok(ReportKind::VoluntaryNationalReview),
        "nip" => Ok(ReportKind::NationalImplementationPlan),
        "pledges" => Ok(ReportKind::PledgeUpdate),
        other => Err(Failure::Usage(format!(
            "'{other}' is not a report kind: use vnr, nip or pledges"
        ))),
    }
}

fn describe(record: &NationalReportRecord) -> String {
    let report = record.report.clone().unwrap_or_default();
    let meta = record.meta.clone().unwrap_or_default();
    format!(
        "{id}  revision {rev}  {objectives} objectives  {indicators} observations  {pledges} pledges\n    {title}",
        id = record.report_id,
        rev = meta.revision,
        objectives = report.objectives.len(),
        indicators = report.indicators.len(),
        pledges = report.pledges.len(),
        title = report.title,
    )
}

/// An enum value in words: IMPLEMENTATION_STATUS_IN_PROGRESS is "in
/// progress".
fn word(name: &str, prefix: &str) -> String {
    name.trim_start_matches(prefix)
        .to_lowercase()
        .replace('_', " ")
}

/// The whole report of `record`, for reading in a terminal.
fn content(record: &NationalReportRecord) -> String {
    use imrf_proto::v1::{
        DisaggregationDimension, ImplementationStatus, PledgeKind, PledgeStatus, StakeholderType,
    };
    let report = record.report.clone().unwrap_or_default();
    let meta = record.meta.clone().unwrap_or_default();
    let state = reference()
        .member_state(&report.state)
        .map_or(report.state.clone(), |s| s.name.clone());
    let kind = word(
        ReportKind::try_from(report.kind)
            .unwrap_or_default()
            .as_str_name(),
        "REPORT_KIND_",
    );
    let mut t = format!(
        "{id}  revision {rev}\n{title}\n{state}, {kind}, cycle {cycle}\n",
        id = record.report_id,
        rev = meta.revision,
        title = report.title,
        cycle = report.cycle_id,
    );
    if !report.summary.is_empty() {
        t.push_str(&format!("\nSummary\n  {}\n", report.summary));
    }
    if !report.objectives.is_empty() {
        t.push_str("\nObjectives\n");
        for o in &report.objectives {
            let label = reference()
                .objective(o.objective)
                .map_or(String::new(), |x| x.short_label.clone());
            let status = word(
                ImplementationStatus::try_from(o.status)
                    .unwrap_or_default()
                    .as_str_name(),
                "IMPLEMENTATION_STATUS_",
            );
            t.push_str(&format!("  {:>2} {label}: {status}\n", o.objective));
            if !o.narrative.is_empty() {
                t.push_str(&format!("     {}\n", o.narrative));
            }
        }
    }
    if !report.indicators.is_empty() {
        t.push_str("\nIndicator values\n");
        for i in &report.indicators {
            let by = match DisaggregationDimension::try_from(i.dimension).unwrap_or_default() {
                DisaggregationDimension::Unspecified => String::new(),
                d => format!(
                    ", {}: {}",
                    word(d.as_str_name(), "DISAGGREGATION_DIMENSION_"),
                    i.category
                ),
            };
            t.push_str(&format!(
                "  {} {}: {} {}{by}  ({})\n",
                i.indicator_code,
                i.year,
                i.value,
                i.unit.replace('_', " "),
                i.source
            ));
        }
    }
    if !report.pledges.is_empty() {
        t.push_str("\nPledges\n");
        for p in &report.pledges {
            let objectives: Vec<String> = p.objectives.iter().map(u32::to_string).collect();
            t.push_str(&format!(
                "  {} {} (objectives {}; {}, {})\n",
                p.pledge_id,
                p.title,
                objectives.join(", "),
                word(
                    PledgeKind::try_from(p.kind)
                        .unwrap_or_default()
                        .as_str_name(),
                    "PLEDGE_KIND_"
                ),
                word(
                    PledgeStatus::try_from(p.status)
                        .unwrap_or_default()
                        .as_str_name(),
                    "PLEDGE_STATUS_"
                ),
            ));
        }
    }
    if !report.stakeholders_consulted.is_empty() {
        let consulted: Vec<String> = report
            .stakeholders_consulted
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.count,
                    word(
                        StakeholderType::try_from(s.r#type)
                            .unwrap_or_default()
                            .as_str_name(),
                        "STAKEHOLDER_TYPE_"
                    )
                )
            })
            .collect();
        t.push_str(&format!("\nConsulted: {}\n", consulted.join(", ")));
    }
    let dims: Vec<String> = report
        .disaggregation_supported
        .iter()
        .map(|d| {
            word(
                DisaggregationDimension::try_from(*d)
                    .unwrap_or_default()
                    .as_str_name(),
                "DISAGGREGATION_DIMENSION_",
            )
        })
        .collect();
    t.push_str(&format!(
        "Data disaggregated by: {}\nNational implementation plan: {}\n",
        if dims.is_empty() {
            "none given".to_string()
        } else {
            dims.join(", ")
        },
        if report.has_implementation_plan {
            "yes"
        } else {
            "no"
        }
    ));
    t
}

/// Prints the headline figures of an aggregate.
pub fn summarize(aggregate: &Aggregate) {
    println!(
        "cycle {}  version {}  {} national report(s)  {} regional review(s)",
        aggregate.cycle_id,
        aggregate.version,
        aggregate.national_reports,
        aggregate.regional_reviews
    );
    println!("completeness of national reporting:");
    for c in &aggregate.commissions {
        let n = c.national_reports.clone().unwrap_or_default();
        println!(
            "  {:<6} {:>3} of {:>3} members reported ({} on time, {} late); regional review {}",
            commission_code(Commission::try_from(c.commission).unwrap_or_default()),
            n.on_time + n.late,
            n.expected,
            n.on_time,
            n.late,
            if c.regional_review_received {
                "received"
            } else {
                "missing"
            }
        );
    }
    let least: Vec<String> = aggregate
        .least_attention
        .iter()
        .take(5)
        .map(|o| {
            let label = reference()
                .objective(o.objective)
                .map_or("", |x| x.short_label.as_str());
            format!(
                "{} ({label}: {} national, {} regional)",
                o.objective, o.national_reports, o.regional_reviews
            )
        })
        .collect();
    println!("objectives with least attention: {}", least.join("; "));
    for i in &aggregate.indicators {
        let target = match (i.target, reference().indicator(&i.indicator_code)) {
            (Some(t), Some(_)) => format!(
                "; {} State(s) meet the target of {t}",
                i.states_meeting_target
            ),
            _ => String::new(),
        };
        println!(
            "indicator {}: {} observation(s), latest from {} State(s), median {:.2} {} (range {:.2}-{:.2}){target}",
            i.indicator_code,
            i.observations,
            i.latest.len(),
            i.median,
            i.unit,
            i.min,
            i.max
        );
    }
    let pledges: u32 = aggregate.pledges_by_kind.iter().map(|p| p.pledges).sum();
    println!("pledges: {pledges}");
}

async fn connect(url: &str) -> Result<NationalReportAggregationClient<AuthChannel>, Failure> {
    Ok(NationalReportAggregationClient::new(
        crate::session::channel(url).await?,
    ))
}

/// Runs a report command against national-aggregation at `url`.
pub async fn run_report(command: ReportCommand, url: &str, output: Output) -> Result<(), Failure> {
    match command {
        ReportCommand::Submit {
            file,
            expected_revision,
            request_id,
        } => {
            let report: NationalReport =
                input::read_or_workbook(&file, imrf_files::workbook::national_report)?;
            let request_id = request_id.unwrap_or_else(|| {
                input::request_id_for("report-submit", &report, &format!("{expected_revision:?}"))
            });
            let shown = file.display().to_string();
            let response = connect(url)
                .await?
                .submit_national_report(SubmitNationalReportRequest {
                    request_id,
                    report: Some(report),
                    expected_revision,
                })
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &response),
                Output::Text => println!(
                    "accepted {} revision {} (event {})",
                    response.report_id, response.revision, response.event_id
                ),
            }
        }
        ReportCommand::Template { cycle, state, out } => {
            let state = state.to_ascii_uppercase();
            if reference().member_state(&state).is_none() {
                return Err(Failure::Usage(format!(
                    "'{state}' is not the ISO3 code of a UN Member State"
                )));
            }
            let workbook = out
                .as_ref()
                .and_then(|o| o.extension())
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
            let bytes = if workbook {
                imrf_files::workbook::national_template(&cycle, &state)
                    .map_err(|e| Failure::Input(e.to_string()))?
            } else {
                imrf_files::template::national_yaml(&cycle, &state).into_bytes()
            };
            let Some(out) = out else {
                print!("{}", String::from_utf8_lossy(&bytes));
                return Ok(());
            };
            input::write_out(&out, &bytes)?;
            if output == Output::Text {
                println!(
                    "wrote {}: fill it in, then `imrfctl report submit {}`",
                    out.display(),
                    out.display()
                );
            }
        }
        ReportCommand::Explain { cycle } => {
            print!("{}", imrf_files::template::explain(cycle.as_deref()));
        }
        ReportCommand::Show {
            report_id,
            revision,
        } => {
            let record = connect(url)
                .await?
                .get_national_report(GetNationalReportRequest {
                    report_id,
                    revision,
                })
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner()
                .record
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &record),
                Output::Text => print!("{}", content(&record)),
            }
        }
        ReportCommand::List {
            cycle,
            state,
            commission,
        } => {
            let commission = commission.as_deref().map(parse_commission).transpose()?;
            let mut client = connect(url).await?;
            let records = list_all(
                &mut client,
                cycle.unwrap_or_default(),
                state.unwrap_or_default(),
                commission,
            )
            .await?;
            match output {
                Output::Json | Output::Yaml => print_data(output, &records),
                Output::Text => {
                    for record in &records {
                        println!("{}", describe(record));
                    }
                    println!("{} report(s)", records.len());
                }
            }
        }
        ReportCommand::ImportIndicators {
            file,
            cycle,
            kind,
            format,
            state,
            indicator,
            series,
            dry_run,
        } => {
            let kind = parse_kind(&kind)?;
            let format = match format.to_ascii_lowercase().as_str() {
                "csv" => crate::import::Format::Platform,
                "open-sdg" | "opensdg" => {
                    let state = state.map(|s| s.to_ascii_uppercase()).ok_or_else(|| {
                        Failure::Usage("an Open SDG file needs --state ISO3".into())
                    })?;
                    let shown = file.display().to_string();
                    let indicator = indicator
                        .or_else(|| imrf_files::opensdg::indicator_of_file_name(&shown))
                        .ok_or_else(|| {
                            Failure::Usage(format!(
                                "{shown}: the name does not say which indicator; give --indicator, such as 10.c.1"
                            ))
                        })?;
                    crate::import::Format::OpenSdg {
                        state,
                        indicator,
                        series,
                    }
                }
                "sdmx-csv" | "sdmx" => crate::import::Format::SdmxCsv { series },
                other => {
                    return Err(Failure::Usage(format!(
                        "'{other}' is not an indicator file format: use csv, open-sdg or sdmx-csv"
                    )));
                }
            };
            crate::import::run(&file, &cycle, kind, &format, dry_run, url, output).await?;
        }
    }
    Ok(())
}

pub(crate) async fn list_all(
    client: &mut NationalReportAggregationClient<AuthChannel>,
    cycle_id: String,
    state: String,
    commission: Option<Commission>,
) -> Result<Vec<NationalReportRecord>, Failure> {
    let mut records = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_national_reports(ListNationalReportsRequest {
                cycle_id: cycle_id.clone(),
                state: state.clone(),
                commission: commission.map_or(0, |c| c as i32),
                page_size: 200,
                page_token,
            })
            .await
            .map_err(|s| Failure::from_status(s, None))?
            .into_inner();
        records.extend(page.records);
        if page.next_page_token.is_empty() {
            return Ok(records);
        }
        page_token = page.next_page_token;
    }
}

/// Runs an aggregate command against national-aggregation at `url`.
pub async fn run_aggregate(
    command: AggregateCommand,
    url: &str,
    output: Output,
) -> Result<(), Failure> {
    match command {
        AggregateCommand::Show {
            cycle,
            commission,
            round_table,
        } => {
            let commission = commission.as_deref().map(parse_commission).transpose()?;
            let aggregate = connect(url)
                .await?
                .get_aggregate(GetAggregateRequest {
                    cycle_id: cycle,
                    commission: commission.map_or(0, |c| c as i32),
                    round_table: round_table.unwrap_or(0),
                })
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner()
                .aggregate
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &aggregate),
                Output::Text => summarize(&aggregate),
            }
        }
        AggregateCommand::Export { cycle, format, out } => {
            let format = format.to_ascii_lowercase();
            if !["csv", "sdmx-csv", "xlsx"].contains(&format.as_str()) {
                return Err(Failure::Usage(format!(
                    "'{format}' is not an export format: use csv, sdmx-csv or xlsx"
                )));
            }
            if format == "xlsx" && out.is_none() {
                return Err(Failure::Usage(
                    "a workbook needs --out FILE.xlsx".to_string(),
                ));
            }
            let mut client = connect(url).await?;
            let mut rows = Vec::new();
            let mut page_token = String::new();
            loop {
                let page = client
                    .export_observations(ExportObservationsRequest {
                        cycle_id: cycle.clone(),
                        page_token,
                    })
                    .await
                    .map_err(|s| Failure::from_status(s, None))?
                    .into_inner();
                rows.extend(page.observations);
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
            let bytes = match format.as_str() {
                "sdmx-csv" => imrf_files::export::sdmx_csv(&rows),
                "xlsx" => imrf_files::export::xlsx(&rows, &cycle)
                    .map_err(|e| Failure::Input(e.to_string()))?,
                _ => imrf_files::export::csv(&rows),
            };
            match out {
                Some(path) => {
                    input::write_out(&path, &bytes)?;
                    if output == Output::Text {
                        eprintln!(
                            "wrote {} observation(s) of cycle {cycle} to {}",
                            rows.len(),
                            path.display()
                        );
                    }
                }
                None => {
                    use std::io::Write as _;
                    std::io::stdout()
                        .write_all(&bytes)
                        .map_err(|e| Failure::Input(format!("cannot write: {e}")))?;
                }
            }
        }
        AggregateCommand::Watch { cycle, count } => {
            let mut stream = connect(url)
                .await?
                .watch_aggregate(WatchAggregateRequest { cycle_id: cycle })
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner();
            let mut seen = 0;
            while let Some(message) = stream.next().await {
                let aggregate = message
                    .map_err(|s| Failure::from_status(s, None))?
                    .aggregate
                    .unwrap_or_default();
                match output {
                    Output::Json | Output::Yaml => print_data(output, &aggregate),
                    Output::Text => {
                        summarize(&aggregate);
                        println!();
                    }
                }
                seen += 1;
                if count.is_some_and(|c| seen >= c) {
                    break;
                }
            }
        }
    }
    Ok(())
}
