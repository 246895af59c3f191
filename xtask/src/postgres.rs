//! A local PostgreSQL for the backend tests: the Debian cluster, started if it is down, with a
//! `cnt_test` role that may create databases. Each backend test then makes its own database.

use std::process::Command;

use anyhow::{Context, Result, bail};

/// The role the tests connect as (loopback only; a throwaway test cluster).
const ROLE: &str = "cnt_test";

fn as_postgres(args: &[&str]) -> Command {
    let mut c = if crate::setup::is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]);
        c
    } else {
        let mut c = Command::new("sudo");
        c.args(["-u", "postgres"]);
        c
    };
    c.args(args);
    c
}

/// Starts the cluster if needed and returns an admin URL for the tests
/// (`postgres://cnt_test:…@127.0.0.1:PORT/postgres`).
///
/// # Errors
/// When no cluster exists or it cannot be started.
pub fn start() -> Result<String> {
    let out = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .context("pg_lsclusters is missing: install postgresql (cargo xtask setup --tests)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(line) = text.lines().find(|l| !l.trim().is_empty()) else {
        bail!("no PostgreSQL cluster: create one with `pg_createcluster 15 main`");
    };
    let cols: Vec<&str> = line.split_whitespace().collect();
    let (version, name, port, status) = match cols.as_slice() {
        [v, n, p, s, ..] => (*v, *n, *p, *s),
        _ => bail!("cannot read pg_lsclusters: {line}"),
    };
    if status != "online" {
        let started = Command::new("pg_ctlcluster")
            .args([version, name, "start"])
            .status()
            .context("cannot run pg_ctlcluster")?;
        if !started.success() {
            bail!("PostgreSQL {version}/{name} did not start (see /var/log/postgresql/)");
        }
    }
    let sql = format!(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN \
         CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{ROLE}'; END IF; END $$;"
    );
    let role = as_postgres(&["psql", "-p", port, "-q", "-c", &sql])
        .status()
        .context("cannot run psql as postgres")?;
    if !role.success() {
        bail!("cannot create the {ROLE} role");
    }
    Ok(format!(
        "postgres://{ROLE}:{ROLE}@127.0.0.1:{port}/postgres"
    ))
}

/// Drops the databases the tests made (`cnt_t_*`).
pub fn clean(admin_url: &str) {
    let port = admin_url
        .rsplit(':')
        .next()
        .and_then(|p| p.split('/').next())
        .unwrap_or("5432");
    let Ok(out) = as_postgres(&[
        "psql",
        "-p",
        port,
        "-At",
        "-c",
        "SELECT datname FROM pg_database WHERE datname LIKE 'cnt\\_t\\_%'",
    ])
    .output() else {
        return;
    };
    for db in String::from_utf8_lossy(&out.stdout).lines() {
        let sql = format!("DROP DATABASE \"{db}\" WITH (FORCE)");
        let _ = as_postgres(&["psql", "-p", port, "-q", "-c", &sql]).status();
    }
}
