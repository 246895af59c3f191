//! `cnt-server user …`: operator commands on accounts.

use std::io::Read;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use cnt_backend::accounts::{self, CreateError, NewUser};
use cnt_backend::auth::{Auth, PasswordParams};
use cnt_backend::{Db, Settings, validate};
use cnt_model::api::{AccountStatus, Role};

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account that can sign in at once.
    Create {
        /// Email address.
        email: String,
        /// Username [default: the part of the email before @].
        #[arg(long)]
        username: Option<String>,
        /// Read the password from standard input (it is never taken as an argument).
        #[arg(long)]
        password_stdin: bool,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// List accounts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make an account an administrator (or, with --revoke, a plain user again).
    SetAdmin {
        /// Email address.
        email: String,
        /// Take the administrator role away.
        #[arg(long)]
        revoke: bool,
    },
    /// Approve an account that waits for approval.
    Approve {
        /// Email address.
        email: String,
    },
}

async fn find(db: &Db, email: &str) -> Result<accounts::User> {
    let email = email.trim().to_lowercase();
    accounts::find_by_email(db, &email)
        .await?
        .with_context(|| format!("no account has the email {email}"))
}

/// Runs one account command against the configured database.
pub async fn run(settings: &Settings, command: UserCommand) -> Result<()> {
    cnt_backend::ensure_writable_dir(&settings.data_dir)?;
    let db = Db::open(&settings.database_url()).await?;
    match command {
        UserCommand::Create {
            email,
            username,
            password_stdin,
            admin,
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
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let email = validate::email(&email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let username =
                username.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
            let username = validate::username(&username).map_err(|e| anyhow::anyhow!("{e}"))?;
            validate::password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let key = Auth::load_or_create_key(&settings.data_dir)?;
            let auth = Auth::new(&key, PasswordParams::DEFAULT)?;
            let hash = auth.hash_password(&password)?;
            let user = accounts::create_user(
                &db,
                NewUser {
                    email: &email,
                    username: &username,
                    password_hash: Some(&hash),
                    role: if admin { Role::Admin } else { Role::User },
                    status: AccountStatus::Active,
                    google_sub: None,
                },
            )
            .await
            .map_err(|e| match e {
                CreateError::EmailTaken => {
                    anyhow::anyhow!("an account with the email {email} already exists")
                }
                CreateError::UsernameTaken => {
                    anyhow::anyhow!("the username {username} is taken; pass --username")
                }
                CreateError::Db(e) => e.into(),
            })?;
            println!(
                "created {} ({}, {})",
                user.email,
                user.username,
                user.role.as_str()
            );
        }
        UserCommand::List { json } => {
            let users = accounts::list_users(&db).await?;
            if json {
                let list: Vec<_> = users.iter().map(|u| u.profile()).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for u in users {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.id,
                        u.email,
                        u.username,
                        u.role.as_str(),
                        u.status.as_str()
                    );
                }
            }
        }
        UserCommand::SetAdmin { email, revoke } => {
            let user = find(&db, &email).await?;
            let role = if revoke { Role::User } else { Role::Admin };
            accounts::set_role(&db, user.id, role).await?;
            println!("{} is now {}", user.email, role.as_str());
        }
        UserCommand::Approve { email } => {
            let user = find(&db, &email).await?;
            accounts::set_status(&db, user.id, AccountStatus::Active).await?;
            println!("{} can now sign in", user.email);
        }
    }
    db.close().await;
    Ok(())
}
