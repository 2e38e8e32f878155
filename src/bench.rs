//! `coophub bench`: the partner-portal benchmark. Starts the real server in
//! process on a loopback port, sends the same query over HTTP from N concurrent
//! clients for a fixed number of requests, and reports requests/s, p50/p99 and
//! SQL statements per request.

use crate::config::Config;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Requests to send (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Repeat the whole measurement this many times and report the median run.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

pub async fn run(_config: &Config, _args: BenchArgs) -> Result<()> {
    anyhow::bail!("not yet")
}
