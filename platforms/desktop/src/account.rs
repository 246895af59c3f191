//! `cnt account login | logout | whoami`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use cnt_app::{AccountSummary, Core, WhoAmI};

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Sign in to the server (the password is read from standard input).
    Login {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Read the password from standard input; it is never taken as an argument.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign out on this device (and end the session on the server when it can be reached).
    Logout,
    /// Show who is signed in, asking the server when it can.
    Whoami,
}

fn describe(a: &AccountSummary) -> String {
    format!(
        "{} ({}, {}) on {}",
        a.email,
        a.username,
        a.role.as_str(),
        a.server
    )
}

/// Runs one account command.
pub async fn run(core: &Core, command: AccountCommand, json: bool) -> anyhow::Result<ExitCode> {
    match command {
        AccountCommand::Login {
            email,
            password_stdin,
        } => {
            if !password_stdin {
                bail!(
                    "give the password on standard input with --password-stdin (never as an argument)"
                );
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let account = core.sign_in(&email, password).await.map_err(explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&account)?);
            } else {
                println!("signed in as {}", describe(&account));
                if core.secrets_persistence() == cnt_app::Persistence::ProcessOnly {
                    println!(
                        "note: no system keyring here, so the sign-in lasts only for this command"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AccountCommand::Logout => {
            let had = core.account();
            let confirmed = core.sign_out().await?;
            match (had, json) {
                (None, false) => println!("nobody was signed in"),
                (Some(a), false) => println!(
                    "signed out {}{}",
                    a.email,
                    if confirmed {
                        ""
                    } else {
                        " on this device only (the server session could not be ended from here)"
                    }
                ),
                (had, true) => println!(
                    "{}",
                    serde_json::json!({"signed_out": had.map(|a| a.email), "server_confirmed": confirmed})
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        AccountCommand::Whoami => {
            let who = core.whoami().await?;
            let (state, account) = match &who {
                WhoAmI::SignedOut => ("signed_out", None),
                WhoAmI::Online(a) => ("online", Some(a)),
                WhoAmI::Offline(a) => ("offline", Some(a)),
                WhoAmI::NeedsSignIn(a) => ("needs_sign_in", Some(a)),
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"state": state, "account": account})
                    )?
                );
            } else {
                match who {
                    WhoAmI::SignedOut => println!("not signed in"),
                    WhoAmI::Online(a) => println!("{}", describe(&a)),
                    WhoAmI::Offline(a) => {
                        println!("{} (offline: the server cannot be reached)", describe(&a))
                    }
                    WhoAmI::NeedsSignIn(a) => println!(
                        "{} (sign in again to reach the server: `cnt account login --email {} --password-stdin`)",
                        describe(&a),
                        a.email
                    ),
                }
            }
            // Exit 1 when nobody is signed in, so scripts can test it.
            Ok(if state == "signed_out" {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// A sign-in error in words a user can act on.
fn explain(e: cnt_app::Error) -> anyhow::Error {
    use cnt_model::ErrorCode;
    if let cnt_app::Error::Server(inner) = &e {
        let hint = match inner.code() {
            Some(ErrorCode::InvalidCredentials) => Some("wrong email or password"),
            Some(ErrorCode::AccountPending) => {
                Some("the account is waiting for an administrator's approval")
            }
            Some(ErrorCode::AccountDisabled) => Some("the account has been disabled"),
            Some(ErrorCode::RateLimited) => Some("too many attempts; wait a little and try again"),
            _ => None,
        };
        if let Some(hint) = hint {
            return anyhow::anyhow!("{hint}");
        }
    }
    e.into()
}
