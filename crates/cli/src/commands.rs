//! What each subcommand does. Each one opens the database, calls the same
//! services as the web side, and prints a Dutch summary.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use wijkregie_core::access::{Role, Scope};
use wijkregie_store::audit::Verification;
use wijkregie_store::Store;
use wijkregie_web::audit::Actor;
use wijkregie_web::error::AppError;
use wijkregie_web::service::account::{create_user, UserSpec};
use wijkregie_web::service::population::FigureFile;
use wijkregie_web::service::region::{export_region, import_region};
use wijkregie_web::{AppState, Config};

use crate::{
    AuditCommand, Cli, Command, DbArgs, DemoScale, ExportCommand, FinanceCommand, ImportCommand, UserAddArgs,
    UserCommand,
};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Demo(args) => {
            let state = open(&cli.db, Config::default()).await?;
            demo(&state).await?;
            if args.scale == DemoScale::Landelijk {
                crate::hsds::national(&state).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::Region { file }) => {
            let state = open(&cli.db, Config::default()).await?;
            import(&state, &file).await
        }
        Command::Import(ImportCommand::Postcodes { file }) => {
            let state = open(&cli.db, Config::default()).await?;
            import_postcodes(&state, &file).await
        }
        Command::Import(ImportCommand::Boundaries { file, year }) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::boundaries::import(&state, &file, year).await
        }
        Command::Import(ImportCommand::Kwb { file, year, vintage }) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::population::import(&state, FigureFile::Kwb, &file, year, vintage).await
        }
        Command::Import(ImportCommand::Health { file, year, vintage }) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::population::import(&state, FigureFile::Health, &file, year, vintage).await
        }
        Command::Import(ImportCommand::Hsds { path }) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::hsds::import(&state, &path).await
        }
        Command::Export(ExportCommand::Hsds { dir }) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::hsds::export(&state, &dir).await
        }
        Command::Export(ExportCommand::Region { output }) => {
            let state = open(&cli.db, Config::default()).await?;
            let file = export_region(&state).await.map_err(app)?;
            let text = wijkregie_formats::region_file::render(&file);
            match output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("kan {} niet schrijven", path.display()))?
                }
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Finance(FinanceCommand::Statements { quarter, network, format, nl, output }) => {
            let state = open(&cli.db, Config::default()).await?;
            let args = crate::finance::StatementsArgs { quarter, network, format, dutch_csv: nl, output };
            crate::finance::statements(&state, args).await
        }
        Command::Finance(FinanceCommand::Approve { quarter }) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::finance::approve(&state, quarter).await
        }
        Command::Finance(FinanceCommand::Tariffs) => {
            let state = open(&cli.db, Config::default()).await?;
            crate::finance::tariffs(&state).await
        }
        Command::User(UserCommand::Add(args)) => {
            let state = open(&cli.db, Config::default()).await?;
            add_user(&state, args).await
        }
        Command::Audit(AuditCommand::Verify) => {
            let state = open(&cli.db, Config::default()).await?;
            let mut conn = state.store.conn().await?;
            match wijkregie_store::audit::verify(&mut conn).await? {
                Verification::Intact { entries } => {
                    println!("Auditlog in orde: {entries} regels, keten ongebroken.");
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken(b) => {
                    eprintln!("{b}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Audit(AuditCommand::Subject { referral, json }) => {
            let state = open(&cli.db, Config::default()).await?;
            audit_subject(&state, &referral, json).await
        }
        Command::Backup { file } => {
            let state = open(&cli.db, Config::default()).await?;
            state.store.backup_to(&file).await?;
            println!("Back-up geschreven naar {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn app(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(errors) => {
            anyhow::anyhow!(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}

fn database_url(db: &DbArgs) -> anyhow::Result<String> {
    match &db.database_url {
        Some(url) => Ok(url.clone()),
        None => {
            std::fs::create_dir_all(&db.data_dir)
                .with_context(|| format!("kan de datamap {} niet aanmaken", db.data_dir.display()))?;
            Ok(Store::sqlite_url(&db.data_dir))
        }
    }
}

async fn open(db: &DbArgs, config: Config) -> anyhow::Result<AppState> {
    let url = database_url(db)?;
    let store = Store::open(&url).await.with_context(|| "kan de database niet openen")?;
    wijkregie_web::prepare(&store).await.with_context(|| "kan de startgegevens niet laden")?;
    if std::env::var("WIJKREGIE_SECRET_KEY").ok().is_none_or(|v| v.trim().is_empty()) {
        // The key file lives in the data directory, also with PostgreSQL.
        std::fs::create_dir_all(&db.data_dir)
            .with_context(|| format!("kan de datamap {} niet aanmaken", db.data_dir.display()))?;
    }
    let (key, source) = wijkregie_store::crypto::FieldKey::from_environment_or_file(&db.data_dir)?;
    if let wijkregie_store::crypto::KeySource::CreatedFile(path) = source {
        // Without this key the personal data of referrals cannot be read
        // back, also not from a backup of the database.
        tracing::warn!(
            path = %path.display(),
            "nieuwe sleutel voor persoonsgegevens aangemaakt: bewaar een kopie veilig, apart van de databaseback-up"
        );
    }
    AppState::new(store, config, key)
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("WIJKREGIE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = std::env::var("WIJKREGIE_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(db: &DbArgs, args: crate::ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let started = Instant::now();
    let insecure = args.insecure_cookies.unwrap_or(args.demo && args.addr.ip().is_loopback());
    if args.session_hours < 1 || args.session_hours > 24 * 30 {
        bail!("--session-hours moet tussen 1 en 720 liggen");
    }
    let config = Config {
        addr: args.addr,
        secure_cookies: !insecure,
        session_lifetime: chrono::Duration::hours(args.session_hours),
        stale_after_days: args.stale_after_days,
        reaction_working_days: args.reaction_working_days,
        retention_months: args.retention_months,
        smtp: args.smtp_url.clone().map(|url| wijkregie_web::Smtp { url, from: args.smtp_from.clone() }),
        public_url: args.public_url.clone().unwrap_or_else(|| format!("http://{}", args.addr)),
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("kan niet luisteren op {}", args.addr))?;
    let state = open(db, config).await?;
    if args.demo {
        demo(&state).await?;
    }
    let rebuild_started = Instant::now();
    let indexed = wijkregie_web::service::directory::rebuild_index(&state).await.map_err(app)?;
    let rebuild_ms = rebuild_started.elapsed().as_millis() as u64;
    release_freed_memory();
    tracing::info!(services = indexed, rebuild_ms, "zoekindex van de sociale kaart opgebouwd");
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "klaar om verzoeken te beantwoorden");
    wijkregie_web::serve(state, listener).await?;
    Ok(ExitCode::SUCCESS)
}

/// Hands the memory the rebuild freed back to the system: pages of
/// services read from the database, tantivy's indexing buffers and the
/// segments merged away. glibc keeps freed pages inside its arenas, so
/// without this the server would stay near its start-up peak for good.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heap to the
    // kernel; it touches no memory in use and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

async fn demo(state: &AppState) -> anyhow::Result<()> {
    use wijkregie_web::demo::{self, Seeded};
    match demo::seed(state).await.map_err(app)? {
        Seeded::AlreadyFilled => {
            eprintln!("De database bevat al een regio; de demo is niet opnieuw geladen.");
        }
        Seeded::Filled(report) => {
            eprintln!(
                "Demoregio geladen: {} wijken, {} praktijken, {} organisaties, {} netwerken.",
                report.wijken.created, report.practices.created, report.organizations.created, report.networks.created
            );
            eprintln!("Demo-accounts (wachtwoord '{}'):", demo::PASSWORD);
            for a in &demo::ACCOUNTS {
                match a.totp_secret {
                    Some(secret) => eprintln!("  {:<32} {} (TOTP-sleutel {secret})", a.email, a.role.label()),
                    None => eprintln!("  {:<32} {}", a.email, a.role.label()),
                }
            }
        }
    }
    Ok(())
}

async fn import(state: &AppState, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
    let file = match wijkregie_formats::region_file::parse(&text) {
        Ok(f) => f,
        Err(errors) => {
            eprintln!(
                "{} is niet ingelezen; er is niets veranderd. {} probleem/problemen:",
                path.display(),
                errors.len()
            );
            for e in &errors {
                eprintln!("  {}: {}", e.field, e.message);
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let actor = Actor::new(None, &state.config.instance, Some("cli".into()));
    match import_region(state, &actor, file).await {
        Ok(report) => {
            let line = |label: &str, c: wijkregie_core::region::ChangeCount| {
                println!(
                    "  {label:<14} {:>4} nieuw, {:>4} gewijzigd, {:>4} ongewijzigd",
                    c.created, c.updated, c.unchanged
                )
            };
            println!("{} ingelezen:", path.display());
            line("wijken", report.wijken);
            line("praktijken", report.practices);
            line("organisaties", report.organizations);
            line("netwerken", report.networks);
            if !report.changed() {
                println!("Niets veranderd: de database kwam al overeen met het bestand.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Invalid(errors)) => {
            eprintln!("{} is niet ingelezen; er is niets veranderd:", path.display());
            for e in &errors {
                eprintln!("  {e}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(app(e)),
    }
}

async fn import_postcodes(state: &AppState, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
    let centroids = match wijkregie_formats::postcodes::parse(&text) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!(
                "{} is niet ingelezen; er is niets veranderd. {} probleem/problemen:",
                path.display(),
                errors.len()
            );
            for e in &errors {
                eprintln!("  {}: {}", e.field, e.message);
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut tx = state.store.begin().await?;
    let changed = wijkregie_store::directory::save_postcode_centroids(tx.conn(), &centroids).await?;
    tx.commit().await?;
    println!("{} ingelezen: {} postcodes, waarvan {changed} nieuw of gewijzigd.", path.display(), centroids.len());
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("WIJKREGIE_NEW_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Wachtwoord (minstens 12 tekens): ")?;
        let second = rpassword::prompt_password("Nog een keer: ")?;
        if first != second {
            bail!("de wachtwoorden zijn niet gelijk");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_to_string(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

fn parse_scope(role: Role, scope: &str) -> anyhow::Result<Scope> {
    let parts: Vec<&str> = scope.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let one = || -> anyhow::Result<&str> {
        match parts.as_slice() {
            [one] => Ok(one),
            _ => bail!("geef met --scope precies één code op voor de rol {}", role.code()),
        }
    };
    Ok(match role {
        Role::RegioBeheerder => Scope::Region,
        Role::Wijkmanager => Scope::Networks(
            parts
                .iter()
                .map(|p| p.parse())
                .collect::<Result<_, _>>()
                .map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--scope: {e}"))?,
        ),
        Role::Praktijk => Scope::Practice(
            one()?.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--scope: {e}"))?,
        ),
        Role::Netwerkpartner => Scope::Organization(
            one()?.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--scope: {e}"))?,
        ),
    })
}

async fn add_user(state: &AppState, args: UserAddArgs) -> anyhow::Result<ExitCode> {
    let role: Role = args.role.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--role: {e}"))?;
    let scope = parse_scope(role, &args.scope)?;
    let password = read_password()?;
    let actor = Actor::new(None, &state.config.instance, Some("cli".into()));
    let spec = UserSpec { email: args.email.clone(), name: args.name, password, role, scope };
    match create_user(state, &actor, spec, args.totp).await {
        Ok(created) => {
            println!("Gebruiker {} aangemaakt (id {}, rol {}).", args.email, created.id, role.label());
            if let Some(secret) = created.totp_secret {
                println!("Tweede factor: voeg deze sleutel toe in een authenticator-app: {secret}");
                if let Some(url) = wijkregie_web::auth::totp::provisioning_url(&secret, &args.email) {
                    println!("of open: {url}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(app(e)),
    }
}

/// The access overview of one referral, for a patient who asks who saw it.
async fn audit_subject(state: &AppState, referral: &str, json: bool) -> anyhow::Result<ExitCode> {
    use wijkregie_core::audit::{AuditAction, Outcome};
    let id: wijkregie_core::directory::HsdsId =
        referral.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!(e.0))?;
    let mut conn = state.store.conn().await?;
    if wijkregie_store::referral::parties(&mut conn, &id).await?.is_none() {
        bail!("verwijzing {id} bestaat niet");
    }
    let entries = wijkregie_store::audit::for_object(&mut conn, "referral", id.as_str()).await?;
    let users = wijkregie_store::account::users(&mut conn).await?;
    drop(conn);
    // Producing the overview is itself an access to the referral's record.
    let operator = wijkregie_web::audit::Actor::new(None, &format!("{} (cli)", state.config.instance), None);
    let mut tx = state.store.begin().await?;
    let entry = wijkregie_web::audit::Entry {
        event: "referral.access_overview",
        action: AuditAction::Read,
        object_type: "referral",
        object_id: Some(id.as_str()),
    };
    let rule = Some("beheerder levert inzageoverzicht op verzoek van de patiënt".to_owned());
    wijkregie_web::audit::record_outcome(&mut tx, state, &operator, entry, Outcome::Success, rule)
        .await
        .map_err(app)?;
    tx.commit().await?;
    let name = |user: Option<i64>| {
        user.and_then(|u| users.iter().find(|x| x.id == u))
            .map_or_else(|| "wijkregie (automatisch)".to_owned(), |u| u.name.clone())
    };
    if json {
        let rows: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                let ev = &e.event;
                serde_json::json!({
                    "time": wijkregie_core::audit::canonical_time(ev.time),
                    "event": ev.event,
                    "user": name(ev.user_id),
                    "role": ev.user_role,
                    "on_behalf_of": ev.on_behalf_of,
                    "access_rule": ev.access_rule,
                    "outcome": ev.outcome,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!("Inzage in verwijzing {id}: {} regels", entries.len());
        for e in &entries {
            let ev = &e.event;
            println!(
                "{}  {:<28} {:<24} {:<16} {:<12} {}",
                wijkregie_core::referral::calendar::dutch_local_time(ev.time).format("%d-%m-%Y %H:%M"),
                ev.event,
                name(ev.user_id),
                ev.user_role.as_deref().unwrap_or("-"),
                if ev.outcome == Outcome::Success { "toegestaan" } else { "geweigerd" },
                ev.access_rule.as_deref().unwrap_or(""),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
