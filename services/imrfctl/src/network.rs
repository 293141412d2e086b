//! `imrfctl network`: the UN Network on Migration's contribution to a
//! cycle's report.

use std::path::PathBuf;

use clap::Subcommand;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::{
    GetNetworkContributionRequest, NetworkContribution, NetworkContributionRecord,
    SubmitNetworkContributionRequest,
};

use crate::input;
use crate::outcome::Failure;
use crate::{Output, print_data};

/// The Network's contribution (UN system activities, the Migration MPTF,
/// the Migration Network Hub), for the `network` role.
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Submit the contribution to a cycle from a JSON or YAML file (the
    /// fields of imrf.v1.NetworkContribution; see
    /// deploy/demo/network/contribution-2026.yaml).
    Submit {
        /// The contribution.
        file: PathBuf,
        /// The revision you are replacing; 0 (the default) for the first.
        #[arg(long, default_value_t = 0)]
        expected_revision: u32,
        /// Request id; by default derived from the file's content, so
        /// running the same command again is a safe retry.
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Show the contribution to a cycle, latest revision.
    Show {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
    },
}

/// The request that submits `contribution`.
pub fn submission(
    contribution: NetworkContribution,
    expected_revision: u32,
    request_id: Option<String>,
) -> SubmitNetworkContributionRequest {
    let request_id = request_id.unwrap_or_else(|| {
        input::request_id_for(
            "network-contribution",
            &contribution,
            &expected_revision.to_string(),
        )
    });
    SubmitNetworkContributionRequest {
        request_id,
        contribution: Some(contribution),
        expected_revision,
    }
}

fn describe(record: &NetworkContributionRecord) {
    let c = record.contribution.clone().unwrap_or_default();
    let meta = record.meta.clone().unwrap_or_default();
    let fund = c.fund.unwrap_or_default();
    println!(
        "{}  revision {}  {} workstream(s)  {} joint programme(s)\n    {}",
        record.contribution_id,
        meta.revision,
        c.workstreams.len(),
        fund.programmes.len(),
        c.title
    );
}

/// Runs a network command against practices-hub at `url`.
pub async fn run(command: NetworkCommand, url: &str, output: Output) -> Result<(), Failure> {
    let mut client = PracticeRepositoryClient::new(crate::session::channel(url).await?);
    let record = match command {
        NetworkCommand::Submit {
            file,
            expected_revision,
            request_id,
        } => {
            let contribution: NetworkContribution = input::read(&file)?;
            let shown = file.display().to_string();
            client
                .submit_network_contribution(submission(
                    contribution,
                    expected_revision,
                    request_id,
                ))
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner()
                .record
        }
        NetworkCommand::Show { cycle } => {
            client
                .get_network_contribution(GetNetworkContributionRequest { cycle_id: cycle })
                .await
                .map_err(|s| Failure::from_status(s, None))?
                .into_inner()
                .record
        }
    };
    let record = record.unwrap_or_default();
    match output {
        Output::Json | Output::Yaml => print_data(output, &record),
        Output::Text => describe(&record),
    }
    Ok(())
}
