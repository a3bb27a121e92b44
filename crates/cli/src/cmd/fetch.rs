//! `gtrack fetch GSUITE|FAIRTRACKS.json --cache DIR [-o LOCAL.gsuite] [--offline]
//! [--max-size SIZE] [--max-age-days N] [--allow-private-network]`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, Result};
use gtrack_collections::fairtracks::{self, FairtracksError};
use gtrack_collections::fetch::{fetch_fairtracks, fetch_gsuite, parse_size, Cache, FetchOptions};
use gtrack_collections::gsuite::ReadOptions;

/// Arguments of `fetch`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GSuite, or FAIRtracks JSON document (`.json`), whose remote tracks to
    /// download. Declared checksums are verified (GSuite columns `md5`,
    /// `sha256`, `checksum`, `checksum->cs_hash`; FAIRtracks `checksum`,
    /// required on every track).
    #[arg(value_name = "GSUITE|FAIRTRACKS.json")]
    gsuite: String,
    /// Cache directory (content-addressed; created if missing).
    #[arg(long, value_name = "DIR")]
    cache: String,
    /// Write a GSuite whose URIs point at the cached files (deferred download).
    #[arg(short = 'o', long = "output", value_name = "LOCAL.gsuite")]
    output: Option<String>,
    /// Never touch the network: use only the cache, and report each track
    /// that is missing or stale (older than --max-age-days).
    #[arg(long)]
    offline: bool,
    /// Refuse files larger than this (e.g. 500k, 10M, 2G).
    #[arg(long, value_name = "SIZE")]
    max_size: Option<String>,
    /// Cached copies older than this many days are stale (re-fetched online, reported offline).
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    max_age_days: u64,
    /// Let the tracks reach loopback, private and link-local addresses, and
    /// accept `file:` URIs in the GSuite. Only for inputs you trust.
    #[arg(long)]
    allow_private_network: bool,
}

/// Run `fetch`.
pub fn run(a: Args) -> Result<ExitCode> {
    let max_size = match &a.max_size {
        Some(s) => Some(parse_size(s).map_err(|e| anyhow!("--max-size: {e}"))?),
        None => None,
    };
    let cache = Cache::open(Path::new(&a.cache))?;
    let opts = FetchOptions {
        offline: a.offline,
        max_size,
        allow_private_network: a.allow_private_network,
        max_age: Some(Duration::from_secs(a.max_age_days.saturating_mul(86_400))),
        ..Default::default()
    };
    let is_json = Path::new(&a.gsuite)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // Where each track is in the input: a GSuite line or a JSON path.
    let (outcomes, local, places): (_, _, Vec<String>) = if is_json {
        let doc = match fairtracks::read_path(Path::new(&a.gsuite)) {
            Ok(d) => d,
            Err(e @ FairtracksError::Json { .. }) => {
                eprintln!("{e}");
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(e.into()),
        };
        let (o, l) = match fetch_fairtracks(&doc, &cache, &opts) {
            Ok(r) => r,
            Err(e @ gtrack_collections::fetch::FetchError::Fairtracks(_)) => {
                eprintln!("{}: {e}", a.gsuite);
                return Ok(ExitCode::from(1));
            }
            Err(e) => return Err(e.into()),
        };
        let places = (0..o.len()).map(|i| format!(": /tracks/{i}")).collect();
        (o, l, places)
    } else {
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
        let (o, l) = fetch_gsuite(&parsed.suite, &cache, &opts)?;
        let places = parsed.track_lines.iter().map(|l| format!(":{l}")).collect();
        (o, l, places)
    };
    let line = |row: usize| places.get(row).cloned().unwrap_or_default();
    let (mut fetched, mut missing, mut stale) = (0, 0, 0);
    for o in &outcomes {
        match &o.result {
            Ok(Some(e)) => {
                fetched += 1;
                if let Some(age) = o.stale_age {
                    stale += 1;
                    eprintln!(
                        "{}{}: stale: {} was cached {} day(s) ago, more than --max-age-days {}; run without --offline to refresh it",
                        a.gsuite,
                        line(o.row),
                        o.uri,
                        age.as_secs() / 86_400,
                        a.max_age_days
                    );
                }
                println!("{}\t{}\t{}", o.uri, e.sha256, e.size);
            }
            Ok(None) => {}
            Err(e) => {
                missing += 1;
                eprintln!("{}{}: {e}", a.gsuite, line(o.row));
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
