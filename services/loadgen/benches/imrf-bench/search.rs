//! Section 6: Search over the published practices of (3).

use std::time::{Duration, Instant};

use imrf_loadgen::fixtures;
use imrf_loadgen::stats::{measure, median};
use imrf_proto::v1::SearchPracticesRequest;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;

use super::cli::Cli;
use super::stack::{Stack, row, secretariat};

/// Times searches against a refused search of the same service.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    let Stack { practices, .. } = stack;
    // 6. Search over the published practices.
    println!("## 6. Search\n");
    let practices_channel = secretariat(practices).await?;
    let mut client = PracticeRepositoryClient::new(practices_channel.clone());
    let deadline = Instant::now() + Duration::from_secs(120);
    while client
        .search_practices(SearchPracticesRequest::default())
        .await?
        .into_inner()
        .total
        < cli.practices as u32
    {
        anyhow::ensure!(
            Instant::now() < deadline,
            "practices-hub never indexed the practices"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut baseline = Vec::new();
    let mut search = Vec::new();
    for _ in 0..cli.runs {
        let ch = practices_channel.clone();
        baseline.push(
            measure(cli.queries, 16, move |_| {
                let mut c = PracticeRepositoryClient::new(ch.clone());
                async move {
                    c.search_practices(SearchPracticesRequest {
                        page_size: 1,
                        objectives: vec![99],
                        ..Default::default()
                    })
                    .await
                    .ok();
                    Ok(())
                }
            })
            .await?,
        );
        let ch = practices_channel.clone();
        search.push(
            measure(cli.queries, 16, move |n| {
                let mut c = PracticeRepositoryClient::new(ch.clone());
                async move {
                    c.search_practices(SearchPracticesRequest {
                        query: fixtures::query(n).into(),
                        page_size: 20,
                        ..Default::default()
                    })
                    .await?;
                    Ok(())
                }
            })
            .await?,
        );
    }
    println!(
        "| measurement | concurrency | per second median (min-max) | p50 us | p99 us | ratio |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let (baseline, search) = (median(baseline), median(search));
    row(
        "refused search (invalid objective: the RPC floor of the same service)",
        "16",
        baseline,
        None,
    );
    row(
        &format!(
            "SearchPractices, one word, {} practices, page of 20",
            cli.practices
        ),
        "16",
        search,
        Some(search.0.per_second / baseline.0.per_second),
    );

    Ok(())
}
