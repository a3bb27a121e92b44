//! `gtrack fetch GSUITE --cache DIR [-o LOCAL.gsuite] [--offline] [--max-size SIZE]
//! [--allow-private-network]`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, Result};
use gtrack_collections::fetch::{fetch_gsuite, parse_size, Cache, FetchOptions};
use gtrack_collections::gsuite::ReadOptions;

/// Arguments of `fetch`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GSuite whose remote tracks to download.
    #[arg(value_name = "GSUITE")]
    gsuite: String,
    /// Cache directory (content-addressed; created if missing).
    #[arg(long, value_name = "DIR")]
    cache: String,
    /// Write a GSuite whose URIs point at the cached files (deferred download).
    #[arg(short = 'o', long = "output", value_name = "LOCAL.gsuite")]
    output: Option<String>,
    /// Never touch the network: report which tracks are missing or stale.
    #[arg(long)]
    offline: bool,
    /// Refuse files larger than this (e.g. 500k, 10M, 2G).
    #[arg(long, value_name = "SIZE")]
    max_size: Option<String>,
    /// Cached copies older than this many days are stale (re-fetched online, reported offline).
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    max_age_days: u64,
    /// Allow loopback, private and link-local addresses (only for trusted GSuites).
    #[arg(long)]
    allow_private_network: bool,
}

/// Run `fetch`.
pub fn run(a: Args) -> Result<ExitCode> {
    let max_size = match &a.max_size {
        Some(s) => Some(parse_size(s).map_err(|e| anyhow!("--max-size: {e}"))?),
        None => None,
    };
    // The GSuite is untrusted input: file: URIs in it are refused.
    let Ok(parsed) = super::gsuite::read(
        &a.gsuite,
        &ReadOptions {
            allow_file_scheme: a.allow_private_network,
        },
    )?
    else {
        return Ok(ExitCode::from(1));
    };
    let cache = Cache::open(Path::new(&a.cache))?;
    let opts = FetchOptions {
        offline: a.offline,
        max_size,
        allow_private_network: a.allow_private_network,
        max_age: Some(Duration::from_secs(a.max_age_days.saturating_mul(86_400))),
        ..Default::default()
    };
    let (outcomes, local) = fetch_gsuite(&parsed.suite, &cache, &opts)?;
    let line = |row: usize| parsed.track_lines.get(row).copied().unwrap_or(0);
    let (mut fetched, mut missing, mut stale) = (0, 0, 0);
    for o in &outcomes {
        match &o.result {
            Ok(Some(e)) => {
                fetched += 1;
                if let Some(age) = o.stale_age {
                    stale += 1;
                    eprintln!(
                        "{}:{}: stale: {} cached {} days ago",
                        a.gsuite,
                        line(o.row),
                        o.uri,
                        age.as_secs() / 86_400
                    );
                }
                println!("{}\t{}\t{}", o.uri, e.sha256, e.size);
            }
            Ok(None) => {}
            Err(e) => {
                missing += 1;
                eprintln!("{}:{}: {e}", a.gsuite, line(o.row));
            }
        }
    }
    eprintln!(
        "gtrack: {fetched} track(s) cached, {missing} missing or failed, {stale} stale{}",
        if a.offline { " (offline)" } else { "" }
    );
    if let (Some(out), Some(local)) = (&a.output, local) {
        local.write_path(Path::new(out))?;
    }
    Ok(if missing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
