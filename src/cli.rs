//! The command-line interface: one function per subcommand.

use crate::app;
use crate::config::{Cli, Command, ImportCommand, SeedCommand};
use crate::db::{reference, sample};
use crate::graphql::build_schema;
use anyhow::Result;

pub async fn run(cli: Cli) -> Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => app::serve(&config).await,
        Command::Migrate => {
            app::open_database(&config).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Import(ImportCommand::Reference) => {
            let (db, _) = app::open_database(&config).await?;
            let r = reference::import(&db, &config.data_dir).await?;
            println!(
                "reference data: {} local government units, {} PKD nodes, {} sectors (upserted; re-running changes nothing)",
                r.local_governments, r.industries, r.sectors
            );
            Ok(())
        }
        Command::Seed(SeedCommand::Sample(args)) => {
            let (db, _) = app::open_database(&config).await?;
            if crate::db::count_rows::<entity::local_government::Entity>(&db).await? == 0 {
                let r = reference::import(&db, &config.data_dir).await?;
                println!(
                    "imported reference data first ({} units)",
                    r.local_governments
                );
            }
            let started = std::time::Instant::now();
            let r = sample::seed(&db, args.cooperatives, args.seed).await?;
            println!(
                "sample data (seed {}): {} cooperatives, {} offerings, {} institutions, {} procurement examples in {:.1?}",
                args.seed, r.cooperatives, r.offerings, r.institutions, r.procurement_examples, started.elapsed()
            );
            Ok(())
        }
        Command::PrintSchema => {
            print!("{}", build_schema(None, config.limits()).sdl());
            Ok(())
        }
        Command::Bench(args) => crate::bench::run(&config, args).await,
    }
}
