//! Section 9: importing SDMX-CSV. `imrfctl report import-indicators
//! --format sdmx-csv` takes a file of `cli.sdmx_rows` rows across every
//! Member State into the reports of (3), each State's rows in one new
//! revision of its report; the baseline is reading and checking the same
//! file alone, in process, in the same run.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Context;
use imrf_loadgen::stats::spread;

use super::cli::Cli;
use super::stack::{Stack, binary};

/// The series the file is made of, with the indicator's valid range in
/// mind: every value written is a small positive number.
const SERIES: [(&str, &str); 6] = [
    ("SL_EMP_FTLINJUR", "PER_100000_EMP"),
    ("SM_DTH_MIGR", "NUMBER"),
    ("SM_POP_REFG_OR", "PER_100000_POP"),
    ("SI_RMT_COST", "PERCENT"),
    ("SG_REG_BRTH", "PERCENT"),
    ("BX_TRF_PWKR", "PERCENT"),
];

/// The disaggregations of a row, as the SDG dataflow's columns SEX, AGE,
/// URBANISATION and INCOME_WEALTH_QUANTILE give them: the total, two
/// sexes, twenty age groups, two locations, five quintiles.
fn breakdowns() -> Vec<[String; 4]> {
    let total = || "_T".to_string();
    let mut out = vec![[total(), total(), total(), total()]];
    for sex in ["F", "M"] {
        out.push([sex.into(), total(), total(), total()]);
    }
    for from in (0..100).step_by(5) {
        out.push([total(), format!("Y{from}T{}", from + 4), total(), total()]);
    }
    for place in ["U", "R"] {
        out.push([total(), total(), place.into(), total()]);
    }
    for q in 1..=5 {
        out.push([total(), total(), total(), format!("Q{q}")]);
    }
    out
}

/// `rows` rows of SDMX-CSV spread evenly over `m49` (the States' codes),
/// each State's distinct by series, year and disaggregation; `shift`
/// moves every value, so each run revises every report.
fn file(m49: &[String], rows: usize, shift: f64) -> String {
    let breakdowns = breakdowns();
    let per_state = rows.div_ceil(m49.len().max(1));
    let mut text = String::from(
        "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,URBANISATION,INCOME_WEALTH_QUANTILE,TIME_PERIOD,OBS_VALUE,UNIT_MULT,UNIT_MEASURE\n",
    );
    let mut written = 0;
    'states: for area in m49 {
        let mut n = 0;
        for (series, unit) in SERIES {
            for year in 2021..=2026 {
                for b in &breakdowns {
                    if n == per_state || written == rows {
                        continue 'states;
                    }
                    let value = 1.0 + (n % 50) as f64 + shift;
                    let _ = writeln!(
                        text,
                        "IAEG-SDGs:DF_SDG_GLH(1.24),A,G,{series},{area},{},{},{},{},{year},{value},0,{unit}",
                        b[0], b[1], b[2], b[3]
                    );
                    n += 1;
                    written += 1;
                }
            }
        }
    }
    text
}

/// Times the import against reading the file alone.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    println!("\n## 9. SDMX-CSV import\n");
    let m49: Vec<String> = stack
        .states
        .iter()
        .filter_map(|s| imrf_gcm::refdata::reference().member_state(s))
        .map(|s| s.m49.clone())
        .collect();
    let dir = tempfile::tempdir()?;
    let imrfctl = binary("imrfctl")?;
    let mut parse = Vec::new();
    let mut import = Vec::new();
    let mut rows_read = 0;
    for run in 0..cli.runs {
        let text = file(&m49, cli.sdmx_rows, run as f64 / 100.0);
        let path = dir.path().join(format!("sdg-{run}.csv"));
        std::fs::write(&path, &text)?;
        // The baseline: read and check every row, nothing sent.
        let t = Instant::now();
        let rows = imrf_files::sdmx::read("sdg.csv", std::fs::File::open(&path)?, "2026", None)?;
        parse.push(t.elapsed().as_secs_f64());
        anyhow::ensure!(
            rows.errors.is_empty(),
            "the generated file has refused rows: {:?}",
            rows.errors.first()
        );
        rows_read = rows.by_state.values().map(Vec::len).sum::<usize>();
        let t = Instant::now();
        let out = tokio::process::Command::new(&imrfctl)
            .args(["--national-url", &stack.national.url()])
            .args(["report", "import-indicators"])
            .arg(&path)
            .args(["--cycle", "2026", "--format", "sdmx-csv"])
            .env("IMRF_AUTH_KEY_FILE", imrf_testkit::test_key_file())
            .env("IMRF_SUBJECT", "secretariat")
            .env_remove("IMRF_TOKEN")
            .output()
            .await
            .context("running imrfctl")?;
        import.push(t.elapsed().as_secs_f64());
        let said = String::from_utf8_lossy(&out.stdout);
        anyhow::ensure!(
            out.status.success() && said.contains(&format!("imported {rows_read} observation(s)")),
            "import failed: {said} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rate = |seconds: Vec<f64>| {
        let (m, lo, hi) = spread(seconds);
        (m, lo, hi, rows_read as f64 / m)
    };
    let (pm, plo, phi, prate) = rate(parse);
    let (im, ilo, ihi, irate) = rate(import);
    println!(
        "{rows_read} rows over {} Member States, 6 series, 2021-2026, 32 disaggregations; each State's rows in one new revision of its report.\n",
        m49.len()
    );
    println!("| measurement | median s (min-max) | rows per second | ratio to reading alone |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| read and check the file alone, in process (baseline) | {pm:.3} ({plo:.3}-{phi:.3}) | {prate:.0} | 1.00 |"
    );
    println!(
        "| `imrfctl report import-indicators --format sdmx-csv`: read, merge into each report, submit over gRPC, stored | {im:.3} ({ilo:.3}-{ihi:.3}) | {irate:.0} | {:.2} |",
        irate / prate
    );
    Ok(())
}
