//! The command-line interface: one function per subcommand.

use crate::app;
use crate::config::{ApiKeyCommand, Cli, Command, ImportCommand, SeedCommand, UserCommand};
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
        Command::User(cmd) => user(&config, cmd).await,
        Command::ApiKey(cmd) => api_key(&config, cmd).await,
    }
}

/// An application error on the command line: its public message, nothing internal.
fn cli_error(e: crate::error::AppError) -> anyhow::Error {
    if matches!(
        e,
        crate::error::AppError::Db(_) | crate::error::AppError::Internal(_)
    ) {
        tracing::error!(error = ?e, "command failed");
    }
    anyhow::anyhow!(e.public_message())
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("COOPHUB_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn user(config: &crate::config::Config, cmd: UserCommand) -> Result<()> {
    use crate::db::account;
    let (db, _) = app::open_database(config).await?;
    match cmd {
        UserCommand::Create {
            email,
            display_name,
            admin,
            moderator,
        } => {
            let email = crate::auth::normalise_email(&email).map_err(cli_error)?;
            let hash = crate::auth::hash_password(&read_password()?).map_err(cli_error)?;
            let user = account::create_user(&db, &email, &hash, &display_name)
                .await
                .map_err(cli_error)?;
            for (wanted, role) in [(admin, "ADMIN"), (moderator, "MODERATOR")] {
                if wanted {
                    account::add_role(&db, user.id, role, None, None)
                        .await
                        .map_err(cli_error)?;
                }
            }
            let roles = [(admin, "ADMIN"), (moderator, "MODERATOR")]
                .iter()
                .filter(|(w, _)| *w)
                .map(|(_, r)| *r)
                .collect::<Vec<_>>();
            println!(
                "created account {email} (user {}) with roles MEMBER {}",
                user.id,
                roles.join(" ")
            );
        }
        UserCommand::Outbox => {
            for m in account::list_outbox(&db).await.map_err(cli_error)? {
                println!(
                    "--- #{} {} to {}\nSubject: {}\n\n{}\n",
                    m.id,
                    m.created_at.to_rfc3339(),
                    m.recipient,
                    m.subject,
                    m.body
                );
            }
        }
    }
    Ok(())
}

async fn api_key(config: &crate::config::Config, cmd: ApiKeyCommand) -> Result<()> {
    use crate::db::account;
    let (db, _) = app::open_database(config).await?;
    match cmd {
        ApiKeyCommand::Create { partner } => {
            let name = crate::validate::text("partner", &partner, 120).map_err(cli_error)?;
            let (secret, hash, prefix) = crate::graphql::mutation::new_key_secret();
            let key = account::create_api_key(&db, &name, &prefix, &hash)
                .await
                .map_err(cli_error)?;
            println!("API key {} for {name}; its secret, shown once (send it as `Authorization: Bearer <secret>`):", key.id);
            println!("{secret}");
        }
        ApiKeyCommand::List => {
            for k in account::list_api_keys(&db).await.map_err(cli_error)? {
                let state = k.revoked_at.map_or("active".to_owned(), |t| {
                    format!("revoked {}", t.to_rfc3339())
                });
                println!("{}\t{}\t{}…\t{}", k.id, k.partner_name, k.key_prefix, state);
            }
        }
    }
    Ok(())
}
