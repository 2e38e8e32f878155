//! `coophub-bench`: coophub's benchmark clients, in their own crate so that the
//! server binary carries no HTTP or WebSocket client. It takes the server's own
//! options (`--database-url`, `--redis-url`, …, flags and environment variables
//! alike) and one subcommand: `partner` (bench.rs) or `live` (bench_live.rs).

mod bench;
mod bench_live;

use clap::{Parser, Subcommand};

// The partner benchmark serves in process: the same allocator as the `coophub` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// coophub's benchmark clients: partner-portal queries over HTTP, live feeds over WebSocket.
#[derive(Parser, Debug)]
#[command(name = "coophub-bench", version, about)]
struct Cli {
    #[command(flatten)]
    config: coophub::config::Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Measure partner-portal queries against the real server (in process) on the configured database: requests/s, p50/p99, SQL statements.
    Partner(bench::BenchArgs),
    /// Measure live feeds: N graphql-ws subscribers on 1 or 2 `coophub serve` processes (the `coophub` binary next to this one, or COOPHUB_BIN); delivery latency, losses, memory.
    Live(bench_live::LiveBenchArgs),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    coophub::cli::init_tracing();
    let cli = Cli::parse();
    let done = match cli.command {
        Command::Partner(args) => bench::run(&cli.config, args).await,
        Command::Live(args) => bench_live::run(&cli.config, args).await,
    };
    match done {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
