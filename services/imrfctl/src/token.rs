//! `imrfctl token issue`: mints a bearer token with a key you hold (the
//! local stack's secret, or an Ed25519 private key in production).

use std::time::{Duration, SystemTime};

use clap::Subcommand;
use imrf_platform::auth::Role;

use crate::outcome::Failure;
use crate::session::{Credentials, issuer, mint};
use crate::{Output, print_data};

/// Longest lifetime a token may be given: a leaked token should not
/// outlive a working week.
const MAX_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a signed token for a subject acting in a role.
    Issue {
        /// Who acts (recorded as the actor of what they do), for example
        /// kenya-focal-point or curator:alice.
        #[arg(long)]
        subject: String,
        /// The role: commission:<CODE>, state:<ISO3>, curator, secretariat
        /// or reader.
        #[arg(long, value_parser = Role::parse)]
        role: Role,
        /// How long it is valid (for example 8h, 30m; at most 7 days).
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
}

pub fn run(
    command: TokenCommand,
    credentials: &Credentials,
    output: Output,
) -> Result<(), Failure> {
    let TokenCommand::Issue { subject, role, ttl } = command;
    if ttl.is_zero() || ttl > MAX_TTL {
        return Err(Failure::Usage(format!(
            "--ttl must be between 1 s and 7 days, not {ttl:?}"
        )));
    }
    let Some(issuer) = issuer(credentials)? else {
        return Err(Failure::Usage(
            "minting needs the signing key: pass --auth-key-file (IMRF_AUTH_KEY_FILE)".into(),
        ));
    };
    let token = mint(&issuer, &subject, &role, ttl)?;
    match output {
        Output::Text => println!("{token}"),
        Output::Json | Output::Yaml => {
            let expires = SystemTime::now() + ttl;
            print_data(
                output,
                &serde_json::json!({
                    "token": token,
                    "subject": subject,
                    "role": role.to_string(),
                    "expires_at": imrf_proto::timestamp(expires).seconds,
                }),
            )
        }
    }
    Ok(())
}
