//! `imrfctl cycle` and `imrfctl draft`: review cycles and drafts of the
//! biennial report, for the secretariat.

use std::path::PathBuf;

use clap::Subcommand;
use futures::StreamExt;
use imrf_gcm::refdata::commission_code;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    AdvanceCycleRequest, ChangeKind, Commission, CompileDraftRequest, Cycle, CyclePhase,
    DiffDraftsRequest, DiffDraftsResponse, DraftFormat, DraftInfo, DraftText, GetCycleRequest,
    GetDraftRequest, InputChange, ListCyclesRequest, ListDraftTextsRequest, ListDraftsRequest,
    OpenCycleRequest, RemoveDraftTextRequest, SetDraftTextRequest, SourceRef, TextPlacement,
};

use crate::input;
use crate::outcome::Failure;
use crate::{Output, print_data};

/// Review cycles.
#[derive(Debug, Subcommand)]
pub enum CycleCommand {
    /// Open a cycle from a JSON or YAML file with its id, title and schedule
    /// (the fields of imrf.v1.OpenCycleRequest but request_id).
    Open {
        /// The cycle.
        file: PathBuf,
    },
    /// Show a cycle: phase, schedule, completeness, latest draft.
    Show {
        /// Cycle id, such as 2026.
        cycle_id: String,
    },
    /// List cycles, newest first.
    List,
    /// Move a cycle to its next phase ahead of its schedule.
    Advance {
        /// Cycle id.
        cycle_id: String,
        /// The phase you expect it to be in: open, collecting,
        /// consolidating or drafting.
        #[arg(long)]
        from: String,
        /// Why (recorded in the cycle's history).
        #[arg(long)]
        reason: String,
    },
}

/// Drafts of the biennial report.
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Compile a draft now from the inputs received.
    Compile {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
    },
    /// Write a draft to a file (or standard output).
    Get {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
        /// Version; the latest by default.
        #[arg(long, default_value_t = 0)]
        version: u32,
        /// Format: md, html, docx or json (the document), xlsx (its annex
        /// tables and figures, a sheet each) or sdmx-csv (their numbers).
        #[arg(long, default_value = "md")]
        format: String,
        /// File to write; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the drafts of a cycle, newest first.
    List {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
    },
    /// What changed between two versions of a draft: inputs, paragraphs,
    /// and every figure whose value moved, with the inputs that moved it.
    Diff {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
        /// The earlier version.
        #[arg(long)]
        from: u32,
        /// The later version; the latest by default.
        #[arg(long, default_value_t = 0)]
        to: u32,
    },
    /// The secretariat's own paragraphs, kept in every draft compiled after.
    Text {
        #[command(subcommand)]
        command: TextCommand,
    },
}

/// The secretariat's own paragraphs in a chapter of the drafts.
#[derive(Debug, Subcommand)]
pub enum TextCommand {
    /// Set a text (new, or a new revision of one) from a plain-text file
    /// whose paragraphs are separated by blank lines.
    Set {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
        /// Your name for the text: lower-case letters, digits and hyphens
        /// ("chapeau-iii").
        #[arg(long)]
        id: String,
        /// Chapter, 1 to 7 or I to VII.
        #[arg(long)]
        chapter: String,
        /// opening (a chapeau, before the compiled paragraphs) or closing.
        #[arg(long, default_value = "opening")]
        placement: String,
        /// What the list of inputs calls it.
        #[arg(long, default_value = "")]
        title: String,
        /// The revision you are replacing; 0 for a new text.
        #[arg(long, default_value_t = 0)]
        expected_revision: u32,
        /// The paragraphs.
        file: PathBuf,
    },
    /// List the texts of a cycle, by chapter.
    List {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
    },
    /// Remove a text from the drafts to come.
    Remove {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
        /// Id of the text.
        #[arg(long)]
        id: String,
        /// The revision you are removing (`draft text list` shows it).
        #[arg(long)]
        expected_revision: u32,
    },
}

const ROMAN: [&str; 7] = ["I", "II", "III", "IV", "V", "VI", "VII"];

fn parse_chapter(text: &str) -> Result<u32, Failure> {
    let upper = text.trim().to_ascii_uppercase();
    let found = text.trim().parse::<u32>().ok().or_else(|| {
        ROMAN
            .iter()
            .position(|r| *r == upper)
            .and_then(|i| u32::try_from(i + 1).ok())
    });
    found
        .filter(|n| (1..=7).contains(n))
        .ok_or_else(|| Failure::Usage(format!("'{text}' is not a chapter: use 1 to 7 or I to VII")))
}

fn parse_placement(text: &str) -> Result<TextPlacement, Failure> {
    match text.to_ascii_lowercase().as_str() {
        "opening" => Ok(TextPlacement::Opening),
        "closing" => Ok(TextPlacement::Closing),
        other => Err(Failure::Usage(format!(
            "'{other}' is not a placement: use opening or closing"
        ))),
    }
}

/// The paragraphs of a plain text: separated by blank lines, each one's
/// lines joined by spaces.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn chapter_name(n: u32) -> &'static str {
    usize::try_from(n)
        .ok()
        .and_then(|n| ROMAN.get(n.wrapping_sub(1)))
        .copied()
        .unwrap_or("?")
}

fn describe_text(t: &DraftText) {
    let placement = TextPlacement::try_from(t.placement)
        .unwrap_or_default()
        .as_str_name()
        .trim_start_matches("TEXT_PLACEMENT_")
        .to_ascii_lowercase();
    println!(
        "text {}  chapter {} ({placement})  revision {}  {} paragraph(s)  by {}{}",
        t.text_id,
        chapter_name(t.chapter),
        t.revision,
        t.paragraphs.len(),
        t.author,
        if t.title.is_empty() {
            String::new()
        } else {
            format!("  \u{201c}{}\u{201d}", t.title)
        }
    );
}

fn source(s: Option<&SourceRef>) -> String {
    s.map_or_else(String::new, |s| {
        format!("{} {} revision {}", s.kind, s.id, s.revision)
    })
}

fn input_change(c: &InputChange) -> String {
    match (&c.from, &c.to) {
        (Some(a), Some(b)) => format!(
            "{} {} revision {} -> {}",
            b.kind, b.id, a.revision, b.revision
        ),
        (None, b) => format!("added {}", source(b.as_ref())),
        (a, None) => format!("removed {}", source(a.as_ref())),
    }
}

fn describe_diff(d: &DiffDraftsResponse) {
    let version = |i: &Option<DraftInfo>| i.as_ref().map_or(0, |i| i.version);
    println!(
        "draft {} version {} -> {}: {} input(s), {} paragraph(s) and {} figure(s) changed",
        d.to.as_ref().map_or("", |i| i.cycle_id.as_str()),
        version(&d.from),
        version(&d.to),
        d.inputs.len(),
        d.paragraphs.len(),
        d.figures.len()
    );
    if !d.inputs.is_empty() {
        println!("inputs:");
        for c in &d.inputs {
            println!("  {}", input_change(c));
        }
    }
    if !d.paragraphs.is_empty() {
        println!("paragraphs:");
    }
    for p in &d.paragraphs {
        let number = |n: u32| {
            if n == 0 {
                String::new()
            } else {
                format!(" para {n}")
            }
        };
        match ChangeKind::try_from(p.kind).unwrap_or_default() {
            ChangeKind::Added => {
                println!("  added in {}{}:", p.section, number(p.to_number));
                println!("    + {}", p.to_text);
            }
            ChangeKind::Removed => {
                println!("  removed from {}{}:", p.section, number(p.from_number));
                println!("    - {}", p.from_text);
            }
            _ => {
                println!(
                    "  changed in {}{} (was{}):",
                    p.section,
                    number(p.to_number),
                    number(p.from_number)
                );
                println!("    - {}", p.from_text);
                println!("    + {}", p.to_text);
            }
        }
    }
    if !d.figures.is_empty() {
        println!("figures:");
    }
    for f in &d.figures {
        println!(
            "  {} ({}, para {}): {} -> {}",
            f.to_id, f.unit, f.to_location, f.from_display, f.to_display
        );
        for c in &f.moved_by {
            println!("    moved by {}", input_change(c));
        }
    }
}

fn parse_phase(text: &str) -> Result<CyclePhase, Failure> {
    CyclePhase::from_str_name(&format!("CYCLE_PHASE_{}", text.to_ascii_uppercase()))
        .filter(|p| *p != CyclePhase::Unspecified)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "'{text}' is not a phase: use open, collecting, consolidating, drafting or issued"
            ))
        })
}

fn parse_format(text: &str) -> Result<DraftFormat, Failure> {
    match text.to_ascii_lowercase().as_str() {
        "md" | "markdown" => Ok(DraftFormat::Markdown),
        "html" => Ok(DraftFormat::Html),
        "docx" => Ok(DraftFormat::Docx),
        "json" => Ok(DraftFormat::Json),
        "xlsx" => Ok(DraftFormat::Xlsx),
        "sdmx-csv" | "sdmx" => Ok(DraftFormat::SdmxCsv),
        other => Err(Failure::Usage(format!(
            "'{other}' is not a format: use md, html, docx, json, xlsx (the annex tables and figures) or sdmx-csv (their numbers)"
        ))),
    }
}

fn phase(cycle: &Cycle) -> &'static str {
    CyclePhase::try_from(cycle.phase)
        .unwrap_or_default()
        .as_str_name()
        .trim_start_matches("CYCLE_PHASE_")
}

/// A date of the schedule as a person reads it: 2026-12-01.
fn day(d: Option<&imrf_proto::v1::Date>) -> String {
    d.map_or_else(
        || "not set".to_string(),
        |d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
    )
}

fn describe(cycle: &Cycle) {
    println!(
        "cycle {}  {}  phase {}",
        cycle.cycle_id,
        cycle.title,
        phase(cycle)
    );
    if cycle.opened_at.is_some() {
        println!("  opened {}", crate::cli::instant(cycle.opened_at.as_ref()));
    }
    if let Some(s) = &cycle.schedule {
        println!("schedule:");
        for (what, date) in [
            ("collection starts", &s.collection_start),
            ("regional reviews due", &s.regional_review_deadline),
            ("national reports due", &s.national_report_deadline),
            ("practices cut-off", &s.practices_cutoff),
            ("draft compiled", &s.compile_date),
            ("plenary", &s.plenary_date),
        ] {
            println!("  {what:<22} {}", day(date.as_ref()));
        }
    }
    if !cycle.progress.is_empty() {
        println!("inputs received:");
    }
    for p in &cycle.progress {
        println!(
            "  {:<6} regional review {:<12} national reports {:>3} of {:>3}",
            commission_code(Commission::try_from(p.commission).unwrap_or_default()),
            if p.regional_review_received {
                "received"
            } else {
                "missing"
            },
            p.national_reports_received,
            p.national_reports_expected
        );
    }
    if !cycle.history.is_empty() {
        println!("history:");
    }
    for change in &cycle.history {
        let to = CyclePhase::try_from(change.to)
            .unwrap_or_default()
            .as_str_name()
            .trim_start_matches("CYCLE_PHASE_");
        let why = if change.reason.is_empty() {
            "at its deadline".to_string()
        } else {
            format!(
                "by {}: {}",
                if change.actor.is_empty() {
                    "hand"
                } else {
                    change.actor.as_str()
                },
                change.reason
            )
        };
        println!(
            "  {}  -> {to} ({why})",
            crate::cli::instant(change.at.as_ref())
        );
    }
    if let Some(draft) = &cycle.latest_draft {
        println!(
            "  latest draft: version {} sha256 {}",
            draft.version, draft.sha256
        );
    }
}

fn describe_draft(draft: &DraftInfo) {
    println!(
        "draft {} version {}  sha256 {}  {} input(s)  trigger {}",
        draft.cycle_id,
        draft.version,
        draft.sha256,
        draft.inputs.len(),
        draft.trigger
    );
}

async fn cycles(url: &str) -> Result<ReviewCycleClient<AuthChannel>, Failure> {
    Ok(ReviewCycleClient::new(crate::session::channel(url).await?))
}

async fn drafts(url: &str) -> Result<BiennialReportCompilerClient<AuthChannel>, Failure> {
    Ok(BiennialReportCompilerClient::new(
        crate::session::channel(url).await?,
    ))
}

/// Runs a cycle command against report-compiler at `url`.
pub async fn run_cycle(command: CycleCommand, url: &str, output: Output) -> Result<(), Failure> {
    let refused = |s| Failure::from_status(s, None);
    match command {
        CycleCommand::Open { file } => {
            let mut request: OpenCycleRequest = input::read(&file)?;
            request.request_id = input::request_id_for("cycle-open", &request, "");
            let shown = file.display().to_string();
            let cycle = cycles(url)
                .await?
                .open_cycle(request)
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner()
                .cycle
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &cycle),
                Output::Text => println!("opened cycle {} ({})", cycle.cycle_id, cycle.title),
            }
        }
        CycleCommand::Show { cycle_id } => {
            let cycle = cycles(url)
                .await?
                .get_cycle(GetCycleRequest { cycle_id })
                .await
                .map_err(refused)?
                .into_inner()
                .cycle
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &cycle),
                Output::Text => describe(&cycle),
            }
        }
        CycleCommand::List => {
            let list = cycles(url)
                .await?
                .list_cycles(ListCyclesRequest {
                    page_size: 100,
                    page_token: String::new(),
                })
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &list.cycles),
                Output::Text => {
                    for c in &list.cycles {
                        println!("{}  {}  phase {}", c.cycle_id, c.title, phase(c));
                    }
                }
            }
        }
        CycleCommand::Advance {
            cycle_id,
            from,
            reason,
        } => {
            let from = parse_phase(&from)?;
            let mut request = AdvanceCycleRequest {
                request_id: String::new(),
                cycle_id,
                expected_phase: from as i32,
                reason,
            };
            request.request_id = input::request_id_for("cycle-advance", &request, "");
            let cycle = cycles(url)
                .await?
                .advance_cycle(request)
                .await
                .map_err(refused)?
                .into_inner()
                .cycle
                .unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &cycle),
                Output::Text => println!("cycle {} is now {}", cycle.cycle_id, phase(&cycle)),
            }
        }
    }
    Ok(())
}

/// Runs a draft command against report-compiler at `url`.
pub async fn run_draft(command: DraftCommand, url: &str, output: Output) -> Result<(), Failure> {
    let refused = |s| Failure::from_status(s, None);
    match command {
        DraftCommand::Compile { cycle } => {
            // A fresh request id each time: compiling is idempotent by
            // content (unchanged inputs give the latest draft back).
            let request_id = format!("imrfctl-compile-{}", ulid_now());
            let response = drafts(url)
                .await?
                .compile_draft(CompileDraftRequest {
                    request_id,
                    cycle_id: cycle,
                })
                .await
                .map_err(refused)?
                .into_inner();
            let draft = response.draft.unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &draft),
                Output::Text => {
                    describe_draft(&draft);
                    if !response.new_version {
                        println!("inputs unchanged: this is the latest draft");
                    }
                }
            }
        }
        DraftCommand::Get {
            cycle,
            version,
            format,
            out,
        } => {
            let format = parse_format(&format)?;
            let mut stream = drafts(url)
                .await?
                .get_draft(GetDraftRequest {
                    cycle_id: cycle,
                    version,
                    format: format as i32,
                })
                .await
                .map_err(refused)?
                .into_inner();
            let mut bytes = Vec::new();
            let mut info = None;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(refused)?;
                if chunk.draft.is_some() {
                    info = chunk.draft;
                }
                bytes.extend(chunk.chunk);
            }
            match out {
                Some(path) => {
                    input::write_out(&path, &bytes)?;
                    if let Some(info) = info {
                        println!(
                            "wrote {} ({} bytes, draft version {})",
                            path.display(),
                            bytes.len(),
                            info.version
                        );
                    }
                }
                None => {
                    use std::io::Write;
                    let _ = std::io::stdout().write_all(&bytes);
                }
            }
        }
        DraftCommand::Diff { cycle, from, to } => {
            let diff = drafts(url)
                .await?
                .diff_drafts(DiffDraftsRequest {
                    cycle_id: cycle,
                    from_version: from,
                    to_version: to,
                })
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &diff),
                Output::Text => describe_diff(&diff),
            }
        }
        DraftCommand::Text { command } => run_text(command, url, output).await?,
        DraftCommand::List { cycle } => {
            let list = drafts(url)
                .await?
                .list_drafts(ListDraftsRequest {
                    cycle_id: cycle,
                    page_size: 100,
                    page_token: String::new(),
                })
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &list.drafts),
                Output::Text => list.drafts.iter().for_each(describe_draft),
            }
        }
    }
    Ok(())
}

async fn run_text(command: TextCommand, url: &str, output: Output) -> Result<(), Failure> {
    match command {
        TextCommand::Set {
            cycle,
            id,
            chapter,
            placement,
            title,
            expected_revision,
            file,
        } => {
            let shown = file.display().to_string();
            let content = std::fs::read_to_string(&file)
                .map_err(|e| Failure::Input(format!("{shown}: cannot read: {e}")))?;
            let text = DraftText {
                cycle_id: cycle,
                text_id: id,
                chapter: parse_chapter(&chapter)?,
                placement: parse_placement(&placement)? as i32,
                title,
                paragraphs: paragraphs(&content),
                ..Default::default()
            };
            let request_id =
                input::request_id_for("set-draft-text", &text, &expected_revision.to_string());
            let set = drafts(url)
                .await?
                .set_draft_text(SetDraftTextRequest {
                    request_id,
                    text: Some(text),
                    expected_revision,
                })
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner();
            let text = set.text.unwrap_or_default();
            match output {
                Output::Json | Output::Yaml => print_data(output, &text),
                Output::Text => describe_text(&text),
            }
        }
        TextCommand::List { cycle } => {
            let list = drafts(url)
                .await?
                .list_draft_texts(ListDraftTextsRequest { cycle_id: cycle })
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &list.texts),
                Output::Text => list.texts.iter().for_each(describe_text),
            }
        }
        TextCommand::Remove {
            cycle,
            id,
            expected_revision,
        } => {
            let request = RemoveDraftTextRequest {
                request_id: String::new(),
                cycle_id: cycle,
                text_id: id,
                expected_revision,
            };
            let request = RemoveDraftTextRequest {
                request_id: input::request_id_for("remove-draft-text", &request, ""),
                ..request
            };
            let removed = drafts(url)
                .await?
                .remove_draft_text(request.clone())
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner();
            match output {
                Output::Json | Output::Yaml => print_data(output, &removed),
                Output::Text => println!(
                    "text {} revision {} removed from the drafts to come",
                    request.text_id, removed.revision
                ),
            }
        }
    }
    Ok(())
}

fn ulid_now() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_file_gives_its_paragraphs_and_chapters_read_either_way() {
        let text = "First line\r\ncontinued.\r\n\r\n\n  Second.  \n";
        assert_eq!(paragraphs(text), ["First line continued.", "Second."]);
        assert_eq!(parse_chapter("iii").ok(), Some(3));
        assert_eq!(parse_chapter("7").ok(), Some(7));
        assert!(parse_chapter("8").is_err());
        assert!(parse_chapter("VIII").is_err());
    }
}
