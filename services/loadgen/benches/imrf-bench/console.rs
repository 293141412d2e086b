//! Section 8: What the console adds to a page, over the practices of (3):
//! the public search page and the curators' queue, each against the bare
//! SearchPractices call the page makes, measured in the same run.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use imrf_bus::names::subject;
use imrf_loadgen::fixtures;
use imrf_loadgen::stats::{Figures, measure, median};
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::{PracticeStatus, SearchOrder, SearchPracticesRequest};

use super::cli::Cli;
use super::stack::{Stack, binary, publish_all, row};

/// Concurrency of every measurement here, as the issue of the console set.
const CONCURRENCY: usize = 16;
/// What the console's pages ask for: a search page of 20, a queue of 50.
const SEARCH_PAGE: u32 = 20;
const QUEUE_PAGE: u32 = 50;

/// The console binary, stopped when dropped.
struct Console {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_console(stack: &Stack) -> anyhow::Result<Console> {
    let dir = tempfile::tempdir()?;
    let addr_file = dir.path().join("addr");
    let mut command = Command::new(binary("console")?);
    command
        .args(["--listen", "127.0.0.1:0", "--addr-file"])
        .arg(&addr_file)
        .env("IMRF_AUTH_KEY_FILE", imrf_testkit::test_key_file())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (flag, service) in [
        ("--regional-url", &stack.regional),
        ("--national-url", &stack.national),
        ("--practices-url", &stack.practices),
        ("--report-url", &stack.report),
    ] {
        command.arg(flag).arg(service.url());
    }
    let mut child = command.spawn().context("spawn the console")?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(addr) = std::fs::read_to_string(&addr_file)
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
        {
            return Ok(Console {
                child,
                addr,
                _dir: dir,
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            anyhow::bail!("the console did not start in 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

type Http = Client<HttpConnector, Empty<Bytes>>;

/// GETs `url` (with `token` as the proxy's bearer, when given) and reads the
/// whole page; anything but 200 is an error.
async fn get(http: &Http, url: &str, token: Option<&str>) -> anyhow::Result<usize> {
    let mut request = http::Request::get(url);
    if let Some(token) = token {
        request = request.header(http::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = http.request(request.body(Empty::new())?).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    anyhow::ensure!(status == http::StatusCode::OK, "{url}: {status}");
    Ok(body.len())
}

fn queue_request() -> SearchPracticesRequest {
    SearchPracticesRequest {
        statuses: vec![
            PracticeStatus::Submitted as i32,
            PracticeStatus::InReview as i32,
        ],
        order: SearchOrder::OldestFirst as i32,
        page_size: QUEUE_PAGE,
        ..Default::default()
    }
}

/// Submits `n` practices that await review, beside the published ones.
async fn load_queue(stack: &Stack, n: usize, offset: usize) -> anyhow::Result<()> {
    let events = (offset..offset + n)
        .map(|i| {
            let (id, submitted, _) = fixtures::practice_events(i);
            (subject::practice(&id), submitted)
        })
        .collect();
    publish_all(&stack.bus, events).await?;
    let curator = imrf_testkit::channel_as(stack.practices.url(), "curator:bench").await?;
    let mut client = PracticeRepositoryClient::new(curator);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let total = client
            .search_practices(queue_request())
            .await?
            .into_inner()
            .total;
        if total as usize >= n {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "practices-hub never indexed the queue"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Times the two pages and their bare calls.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    println!("\n## 8. Console pages\n");
    let waiting = (cli.practices / 10).max(10);
    load_queue(stack, waiting, cli.practices).await?;
    let console = start_console(stack)?;
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let base = format!("http://{}", console.addr);
    // The page a visitor who is not signed in gets reads with the
    // console's reader token; the bare call reads as a reader too.
    let reader = imrf_testkit::channel_as(stack.practices.url(), "reader:bench").await?;
    let curator = imrf_testkit::channel_as(stack.practices.url(), "curator:bench").await?;
    let curator_token = imrf_testkit::token_for("curator:other");
    get(&http, &format!("{base}/practices?q=remittances"), None).await?;
    get(&http, &format!("{base}/curation"), Some(&curator_token)).await?;

    let (mut bare_search, mut page_search, mut bare_queue, mut page_queue) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..cli.runs {
        let ch = reader.clone();
        bare_search.push(
            measure(cli.queries, CONCURRENCY, move |n| {
                let mut c = PracticeRepositoryClient::new(ch.clone());
                async move {
                    c.search_practices(SearchPracticesRequest {
                        query: fixtures::query(n).into(),
                        statuses: vec![PracticeStatus::Published as i32],
                        page_size: SEARCH_PAGE,
                        ..Default::default()
                    })
                    .await?;
                    Ok(())
                }
            })
            .await?,
        );
        let (h, b) = (http.clone(), base.clone());
        page_search.push(
            measure(cli.queries, CONCURRENCY, move |n| {
                let (h, url) = (h.clone(), format!("{b}/practices?q={}", fixtures::query(n)));
                async move {
                    get(&h, &url, None).await?;
                    Ok(())
                }
            })
            .await?,
        );
        let ch = curator.clone();
        bare_queue.push(
            measure(cli.queries, CONCURRENCY, move |_| {
                let mut c = PracticeRepositoryClient::new(ch.clone());
                async move {
                    c.search_practices(queue_request()).await?;
                    Ok(())
                }
            })
            .await?,
        );
        let (h, b, t) = (http.clone(), base.clone(), curator_token.clone());
        page_queue.push(
            measure(cli.queries, CONCURRENCY, move |_| {
                let (h, url, t) = (h.clone(), format!("{b}/curation"), t.clone());
                async move {
                    get(&h, &url, Some(&t)).await?;
                    Ok(())
                }
            })
            .await?,
        );
    }
    println!(
        "{} published practices and {waiting} awaiting review; {} requests per run at concurrency {CONCURRENCY}, median of {} runs. The ratio is the page's throughput over its bare call's.\n",
        cli.practices, cli.queries, cli.runs
    );
    println!(
        "| measurement | concurrency | per second median (min-max) | p50 us | p99 us | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let pairs = [
        (
            "SearchPractices, one word, page of 20 (what the search page calls)",
            "search page `/practices?q=word`, HTML",
            median(bare_search),
            median(page_search),
        ),
        (
            "SearchPractices, awaiting review, oldest first, page of 50",
            "curators' queue `/curation`, HTML",
            median(bare_queue),
            median(page_queue),
        ),
    ];
    let mut added = Vec::new();
    for (bare_name, page_name, bare, page) in pairs {
        row(bare_name, "16", bare, None);
        row(
            page_name,
            "16",
            page,
            Some(page.0.per_second / bare.0.per_second),
        );
        added.push((page_name, added_ms(bare.0, page.0)));
    }
    println!();
    for (name, (p50, p99)) in added {
        println!("- {name}: the console adds {p50:.2} ms at p50 and {p99:.2} ms at p99.");
    }
    Ok(())
}

/// What the page adds to its bare call, at p50 and p99, in milliseconds.
fn added_ms(bare: Figures, page: Figures) -> (f64, f64) {
    let ms = |us: u64| us as f64 / 1000.0;
    (
        ms(page.p50_us) - ms(bare.p50_us),
        ms(page.p99_us) - ms(bare.p99_us),
    )
}
