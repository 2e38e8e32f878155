//! The command-line interface: one function per subcommand.

use crate::app;
use crate::config::{
    ApiKeyCommand, Cli, Command, ExportArgs, ExportCommand, ImportArgs, ImportCommand, SeedCommand,
    UserCommand,
};
use crate::db::{reference, sample};
use anyhow::Result;
use entity::user_role;
use sea_orm::ActiveEnum;

/// Logs to stderr, filtered by `RUST_LOG` (default: coophub's info, others' warnings).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "coophub=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
}

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
                "reference data: {} local government units, {} PKD nodes, {} sectors, {} historical events (upserted; re-running changes nothing)",
                r.local_governments, r.industries, r.sectors, r.events
            );
            forget_cached_answers(&config).await;
            Ok(())
        }
        Command::Import(ImportCommand::Cooperatives(args)) => {
            import_cooperatives(&config, args).await
        }
        Command::Import(ImportCommand::Krs(args)) => import_krs(&config, args).await,
        Command::Import(ImportCommand::Articles(args)) => import_articles(&config, args).await,
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
            forget_cached_answers(&config).await;
            Ok(())
        }
        Command::PrintSchema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::User(cmd) => user(&config, cmd).await,
        Command::ApiKey(cmd) => api_key(&config, cmd).await,
        Command::Export(ExportCommand::Cooperatives(args)) => {
            export_cooperatives(&config, *args).await
        }
        Command::Export(ExportCommand::Dataset(args)) => export_dataset(&config, args).await,
    }
}

/// Running instances must not answer from before this command's writes: with
/// Redis, every instance's cached answers become unreachable. (Without Redis the
/// cache lives inside the one server process; its entries last a minute at most.)
async fn forget_cached_answers(config: &crate::config::Config) {
    if let Some(url) = &config.redis_url {
        if let Err(e) =
            crate::graphql::response_cache::bump_all_in_redis(url.expose(), &config.redis_namespace)
                .await
        {
            eprintln!("warning: cached answers of running servers were not invalidated: {e:#}");
        }
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
            let asked = [
                (admin, user_role::Role::Admin),
                (moderator, user_role::Role::Moderator),
            ];
            for (wanted, role) in asked {
                if wanted {
                    account::add_role(&db, user.id, role, None, None)
                        .await
                        .map_err(cli_error)?;
                }
            }
            let roles = asked
                .iter()
                .filter(|(w, _)| *w)
                .map(|(_, r)| r.to_value())
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

/// `export cooperatives`: the producer of the HTTP export, drained into a file or
/// standard output; a progress bar and, at the end, one summary line on stderr.
async fn export_cooperatives(config: &crate::config::Config, args: ExportArgs) -> Result<()> {
    use crate::export;
    let started = std::time::Instant::now();
    let (db, _) = app::open_database(config).await?;
    let plan = export::plan(&db, args.filter_params())
        .await
        .map_err(|e| cli_error(export::for_cli(e)))?;
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("exporting [{bar:40}] {pos}/{len} ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let (rx, producer) = export::spawn(db, plan, args.format, Some(bar.clone()));
    drain(rx, producer, args.output, bar, "cooperatives", started).await
}

/// `export dataset`: the producer of `GET /export/<dataset>.<format>`, drained
/// like `export cooperatives`.
async fn export_dataset(
    config: &crate::config::Config,
    args: crate::config::DatasetExportArgs,
) -> Result<()> {
    use crate::datasets;
    let started = std::time::Instant::now();
    let (db, _) = app::open_database(config).await?;
    let params = datasets::Params::of(args.dataset, args.updated_since.as_deref())
        .map_err(|e| cli_error(crate::export::for_cli(e)))?;
    let bar = indicatif::ProgressBar::hidden();
    let (rx, producer) = datasets::spawn(db, args.dataset, params, args.format, None);
    drain(rx, producer, args.output, bar, args.dataset.slug(), started).await
}

/// Writes an export's chunks to a file or standard output; at the end one
/// summary line on stderr. A failed export removes its file.
async fn drain(
    mut rx: tokio::sync::mpsc::Receiver<crate::export::Chunk>,
    producer: tokio::task::JoinHandle<crate::error::AppResult<crate::export::Summary>>,
    output_path: Option<std::path::PathBuf>,
    bar: indicatif::ProgressBar,
    what: &str,
    started: std::time::Instant,
) -> Result<()> {
    use crate::export;
    use std::io::Write;
    let output = output_path.clone();
    // Blocking writes belong on a blocking thread; dropping `rx` on failure stops the producer.
    let consumer = tokio::task::spawn_blocking(move || -> Result<u64> {
        let mut out: Box<dyn Write> = match &output {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        let mut bytes = 0u64;
        while let Some(chunk) = rx.blocking_recv() {
            let chunk = chunk?;
            out.write_all(&chunk)?;
            bytes += chunk.len() as u64;
        }
        out.flush()?;
        Ok(bytes)
    });
    let written = consumer.await?;
    let produced = producer.await?;
    bar.finish_and_clear();
    let failed = match (produced, written) {
        (Err(e), _) => Some(cli_error(e)),
        (Ok(_), Err(e)) => Some(e),
        (Ok(summary), Ok(bytes)) if summary.completed => {
            let rss =
                export::peak_rss_kb().map_or_else(|| "unknown".to_owned(), |kb| format!("{kb} kB"));
            eprintln!(
                "exported {} {what}, {bytes} bytes in {:.2} s; peak RSS {rss} (VmHWM)",
                summary.rows,
                started.elapsed().as_secs_f64()
            );
            None
        }
        (Ok(_), Ok(_)) => Some(anyhow::anyhow!("the export stopped before its end")),
    };
    match failed {
        None => Ok(()),
        Some(e) => {
            if let Some(path) = &output_path {
                let _ = std::fs::remove_file(path);
            }
            Err(e)
        }
    }
}

/// `import cooperatives`: checks the file, prints one line per row and a summary,
/// writes unless it is a dry run (all or nothing unless `--partial`).
async fn import_cooperatives(config: &crate::config::Config, args: ImportArgs) -> Result<()> {
    use crate::import;
    let started = std::time::Instant::now();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let format = args
        .format
        .unwrap_or_else(|| import::Format::of_path(&args.file));
    let rows = import::read(&bytes, format).map_err(cli_error)?;
    let (db, _) = app::open_database(config).await?;
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("importing [{bar:40}] {pos}/{len} ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let options = import::Options {
        dry_run: args.dry_run,
        partial: args.partial,
        actor: None,
        // The file's name, not its path: the path may name the operator's folders.
        source: Some((
            entity::audit_entry::Source::Import,
            args.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
        )),
    };
    let report = import::run(&db, &rows, options, Some(&bar))
        .await
        .map_err(cli_error)?;
    bar.finish_and_clear();
    print!("{}", report.text(args.dry_run));
    eprintln!(
        "{} rows of {} in {:.2} s",
        rows.len(),
        args.file.display(),
        started.elapsed().as_secs_f64()
    );
    finish_import(config, &report, args.dry_run, args.partial, "row").await
}

/// After an import: cached answers forgotten when it wrote, and a failure when
/// rejected rows stopped it.
async fn finish_import(
    config: &crate::config::Config,
    report: &crate::import::Report,
    dry_run: bool,
    partial: bool,
    what: &str,
) -> Result<()> {
    if report.written {
        forget_cached_answers(config).await;
    }
    if report.rejected > 0 && !partial && !dry_run {
        anyhow::bail!(
            "nothing imported: {} {what}(s) rejected; fix them, or pass --partial to import the others",
            report.rejected
        );
    }
    Ok(())
}

/// `coophub import articles DIR`: as the operator, so without an actor in the audit trail.
async fn import_articles(
    config: &crate::config::Config,
    args: crate::config::ArticlesArgs,
) -> Result<()> {
    let mut paths: Vec<_> = std::fs::read_dir(&args.dir)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    anyhow::ensure!(
        !paths.is_empty(),
        "{} holds no *.md files",
        args.dir.display()
    );
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        let text = std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
        let name = p
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        files.push((name, text));
    }
    let (db, _) = app::open_database(config).await?;
    let out = crate::articles::import(&db, None, &files, args.publish, args.dry_run)
        .await
        .map_err(cli_error)?;
    for (verb, slugs) in [
        ("create", &out.created),
        ("change", &out.changed),
        ("unchanged", &out.unchanged),
    ] {
        for slug in slugs {
            println!("{verb} {slug}");
        }
    }
    let (created, changed) = (out.created.len(), out.changed.len());
    let status = if args.publish { "published" } else { "drafts" };
    if args.dry_run {
        println!(
            "dry run: would create {created} ({status}), change {changed}, leave {} unchanged; nothing written",
            out.unchanged.len()
        );
    } else {
        println!(
            "articles: {created} created ({status}), {changed} changed, {} unchanged",
            out.unchanged.len()
        );
        if created + changed > 0 {
            forget_cached_answers(config).await;
        }
    }
    Ok(())
}

async fn import_krs(config: &crate::config::Config, args: crate::config::KrsArgs) -> Result<()> {
    let mut texts = Vec::new();
    for file in &args.files {
        texts.push(
            std::fs::read_to_string(file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?,
        );
    }
    let (db, _) = app::open_database(config).await?;
    let options = crate::import::Options {
        dry_run: args.dry_run,
        partial: args.partial,
        ..Default::default()
    };
    let report = crate::krs::run(&db, &texts, args.founder_kind.as_deref(), options)
        .await
        .map_err(cli_error)?;
    // Each extract by its file rather than its place.
    let mut text = report.text(args.dry_run);
    for (i, file) in args.files.iter().enumerate().rev() {
        text = text.replace(
            &format!("line {}: ", i + 1),
            &format!("{}: ", file.display()),
        );
    }
    print!("{text}");
    finish_import(config, &report, args.dry_run, args.partial, "extract").await
}
