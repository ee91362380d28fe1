//! What each subcommand does. Each one opens the application, calls the
//! same use cases as the web side (`wijkregie_app`, as the operator on the
//! server, authorised like everyone else), and prints a Dutch summary.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use wijkregie_app::account::{create_user, UserSpec};
use wijkregie_app::audit::SavedAnchor;
use wijkregie_app::audit_log::Verification;
use wijkregie_app::population::FigureFile;
use wijkregie_app::region::{export_region, import_region};
use wijkregie_app::{App, Config, Ctx, Error};
use wijkregie_core::access::{Role, Scope};
use wijkregie_store::Store;

use crate::{
    AuditCommand, Cli, Command, DbArgs, DemoScale, ExportCommand, FinanceCommand, ImportCommand, KeyCommand,
    UserAddArgs, UserCommand,
};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(file) = cli.problems_file.clone() {
        crate::refusal::set_problems_file(file);
    }
    crate::text::set_encoding(cli.encoding);
    match cli.command {
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Demo(args) => {
            let ctx = operator(&cli.db).await?;
            demo(&ctx.app).await?;
            if args.scale == DemoScale::Landelijk {
                national(&ctx).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::Region { file }) => import(&operator(&cli.db).await?, &file).await,
        Command::Import(ImportCommand::Postcodes { file }) => import_postcodes(&operator(&cli.db).await?, &file).await,
        Command::Import(ImportCommand::Boundaries { file, year }) => {
            crate::boundaries::import(&operator(&cli.db).await?, &file, year).await
        }
        Command::Import(ImportCommand::Kwb { file, year, vintage }) => {
            crate::population::import(&operator(&cli.db).await?, FigureFile::Kwb, &file, year, vintage).await
        }
        Command::Import(ImportCommand::Health { file, year, vintage }) => {
            crate::population::import(&operator(&cli.db).await?, FigureFile::Health, &file, year, vintage).await
        }
        Command::Import(ImportCommand::Practices { file, columns }) => {
            crate::practices::import_practices(&operator(&cli.db).await?, &file, columns.as_deref()).await
        }
        Command::Import(ImportCommand::PatientCounts { file, columns }) => {
            crate::practices::import_patient_counts(&operator(&cli.db).await?, &file, columns.as_deref()).await
        }
        Command::Import(ImportCommand::Hsds { path }) => crate::hsds::import(&operator(&cli.db).await?, &path).await,
        Command::Export(ExportCommand::Hsds { dir }) => crate::hsds::export(&operator(&cli.db).await?, &dir).await,
        Command::Export(ExportCommand::Region { output }) => {
            let file = export_region(&operator(&cli.db).await?).await.map_err(dutch)?;
            let text = wijkregie_formats::region_file::render(&file);
            match output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("kan {} niet schrijven", path.display()))?;
                }
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Finance(FinanceCommand::Statements { quarter, network, format, nl, output }) => {
            let args = crate::finance::StatementsArgs { quarter, network, format, dutch_csv: nl, output };
            crate::finance::statements(&operator(&cli.db).await?, args).await
        }
        Command::Finance(FinanceCommand::Approve { quarter }) => {
            crate::finance::approve(&operator(&cli.db).await?, quarter).await
        }
        Command::Finance(FinanceCommand::Tariffs) => crate::finance::tariffs(&operator(&cli.db).await?).await,
        Command::Finance(FinanceCommand::Check) => crate::finance::check(&operator(&cli.db).await?).await,
        Command::User(UserCommand::Add(args)) => add_user(&operator(&cli.db).await?, args).await,
        Command::User(UserCommand::TotpReset { email }) => {
            let user = wijkregie_app::second_factor::reset(&operator(&cli.db).await?, &email).await.map_err(dutch)?;
            println!(
                "De tweede factor van {} is uitgezet; bij de volgende login stelt {} hem opnieuw in als de rol dat vraagt.",
                user.email, user.name
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Key(KeyCommand::Rotate) => rotate_key(&cli.db).await,
        Command::Audit(AuditCommand::Verify { anchor }) => audit_verify(&operator(&cli.db).await?, anchor).await,
        Command::Audit(AuditCommand::Anchor { output, reset }) => {
            audit_anchor(&operator(&cli.db).await?, output, reset).await
        }
        Command::Audit(AuditCommand::Subject { referral, json }) => {
            audit_subject(&operator(&cli.db).await?, &referral, json).await
        }
        Command::Backup { file } => {
            let store = Store::open(&database_url(&cli.db)?).await.with_context(|| "kan de database niet openen")?;
            // The anchor is read before the copy, so its entry is in the
            // copy; kept beside it, it outlives a later cut of the live log.
            let anchor = {
                let mut conn = store.conn().await?;
                wijkregie_store::audit::anchor(&mut conn).await?
            };
            store.backup_to(&file).await?;
            println!("Back-up geschreven naar {}", file.display());
            if let Some((anchor, mac)) = anchor {
                let saved = SavedAnchor { anchor, mac, at: wijkregie_core::audit::canonical_time(chrono::Utc::now()) };
                let path = anchor_beside(&file);
                write_new(&path, &saved.to_json())?;
                println!(
                    "Anker van het auditlog (regel {}) geschreven naar {}; bewaar het bij de back-up.",
                    saved.anchor.head.seq,
                    path.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportWorker { memory_limit, job } => Ok(crate::import_worker::run(memory_limit, &job)),
    }
}

/// `FILE.anker` beside a backup `FILE`.
fn anchor_beside(backup: &std::path::Path) -> std::path::PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".anker");
    std::path::PathBuf::from(name)
}

/// Writes a new file, never over an existing one.
fn write_new(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("kan {} niet aanmaken (bestaat het al?)", path.display()))?;
    writeln!(file, "{text}").with_context(|| format!("kan {} niet schrijven", path.display()))?;
    Ok(())
}

async fn audit_verify(ctx: &Ctx, anchor_file: Option<std::path::PathBuf>) -> anyhow::Result<ExitCode> {
    let saved = match &anchor_file {
        Some(path) => Some(read_anchor(path)?),
        None => None,
    };
    let log = wijkregie_app::audit_log::open(ctx).await.map_err(dutch)?;
    match log.verify_against(saved.as_ref()).await.map_err(dutch)? {
        Verification::Intact { entries } => {
            println!("Auditlog in orde: {entries} regels, keten ongebroken en verankerd.");
            if let Some(a) = wijkregie_app::audit::saved_anchor(&ctx.app).await.map_err(dutch)? {
                if a.anchor.since > 1 {
                    println!(
                        "Verankerd vanaf regel {}; de regels daarvoor zijn alleen met hashes geketend.",
                        a.anchor.since
                    );
                }
            }
            if let (Some(path), Some(saved)) = (&anchor_file, &saved) {
                println!("Komt overeen met het bewaarde anker uit {} (regel {}).", path.display(), saved.head.seq);
            }
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken(b) => {
            eprintln!("{b}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// A saved anchor: the JSON of `audit anchor`, of a backup's `.anker` file
/// or of the daily log line's `anchor` field.
fn read_anchor(path: &std::path::Path) -> anyhow::Result<wijkregie_core::audit::Anchor> {
    let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
    serde_json::from_str(text.trim()).map_err(|e| {
        anyhow::anyhow!(
            "{} is geen anker van het auditlog (verwacht de JSON van 'wijkregie audit anchor'): {e}",
            path.display()
        )
    })
}

async fn audit_anchor(ctx: &Ctx, output: Option<std::path::PathBuf>, reset: bool) -> anyhow::Result<ExitCode> {
    let log = wijkregie_app::audit_log::open(ctx).await.map_err(dutch)?;
    if reset {
        match log.reanchor().await.map_err(dutch)? {
            Verification::Intact { entries } => {
                eprintln!("Auditlog opnieuw verankerd met de huidige sleutel: {entries} regels, hashes ongebroken.");
            }
            Verification::Broken(b) => {
                eprintln!("{b}");
                eprintln!("Niet opnieuw verankerd: de hashes van de keten kloppen niet.");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let Some(saved) = wijkregie_app::audit::saved_anchor(&ctx.app).await.map_err(dutch)? else {
        eprintln!("Het auditlog heeft nog geen anker.");
        return Ok(ExitCode::FAILURE);
    };
    match output {
        Some(path) => {
            write_new(&path, &saved.to_json())?;
            eprintln!("Anker (regel {}) geschreven naar {}.", saved.anchor.head.seq, path.display());
        }
        None => println!("{}", saved.to_json()),
    }
    Ok(ExitCode::SUCCESS)
}

/// An app error as the CLI prints it: every problem on its own line.
pub fn dutch(e: Error) -> anyhow::Error {
    anyhow::anyhow!(e.dutch())
}

pub use crate::refusal::refuse;

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

/// The store and the key of referrals' personal data, as every command
/// opens them: the key is verified against the database
/// (`wijkregie_app::key_check`), and only `serve --new-key` accepts a lost one.
async fn store_and_key(
    db: &DbArgs,
    accept_new_key: bool,
) -> anyhow::Result<(Store, wijkregie_store::crypto::FieldKey, wijkregie_store::crypto::KeySource)> {
    use wijkregie_app::key_check::{open_verified_key, KeyVerdict};
    use wijkregie_store::crypto::KeySource;
    let url = database_url(db)?;
    let store = Store::open(&url).await.with_context(|| "kan de database niet openen")?;
    let env = std::env::var(wijkregie_store::crypto::KEY_ENV).ok().map(zeroize::Zeroizing::new);
    let env = env.as_deref().map(String::as_str).filter(|v| !v.trim().is_empty());
    if env.is_none() {
        // The key file lives in the data directory, also with PostgreSQL.
        std::fs::create_dir_all(&db.data_dir)
            .with_context(|| format!("kan de datamap {} niet aanmaken", db.data_dir.display()))?;
    }
    let (key, source, verdict) = open_verified_key(&store, env, &db.data_dir, accept_new_key).await?;
    if let KeySource::CreatedFile(path) = &source {
        // Without this key the personal data of referrals cannot be read
        // back, also not from a backup of the database.
        tracing::warn!(
            path = %path.display(),
            "nieuwe sleutel voor persoonsgegevens aangemaakt: bewaar een kopie veilig, apart van de databaseback-up"
        );
    }
    if let KeyVerdict::LossAccepted(lost) = verdict {
        eprintln!(
            "Nieuwe sleutel geaccepteerd (--new-key): {} verwijzingen hebben persoonsgegevens die niet meer leesbaar \
             zijn; bij {} gebruikers is de tweede factor gewist (zij stellen die opnieuw in).",
            lost.referrals, lost.totp_secrets
        );
    }
    Ok((store, key, source))
}

/// `wijkregie key rotate`.
async fn rotate_key(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let (store, key, source) = store_and_key(db, false).await?;
    let ctx = Ctx::operator(App::open(store, Config::default(), key).await.map_err(dutch)?);
    let done = wijkregie_app::key_rotation::rotate(&ctx, &source, &db.data_dir).await.map_err(dutch)?;
    let unreadable = match done.unreadable {
        0 => String::new(),
        n => format!(" ({n} waren al niet meer leesbaar en zijn zo gebleven)"),
    };
    println!(
        "Nieuwe sleutel in gebruik: {} verwijzingen en {} TOTP-geheimen opnieuw versleuteld{unreadable}. Maak nu een \
         kopie van {} en bewaar die apart van de databaseback-up; back-ups van vóór de rotatie horen bij de oude \
         sleutel.",
        done.referrals,
        done.totp_secrets,
        db.data_dir.join(wijkregie_store::crypto::KEY_FILE).display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The application for a command that does its work and stops, acting as
/// the operator on the server.
async fn operator(db: &DbArgs) -> anyhow::Result<Ctx> {
    let (store, key, _) = store_and_key(db, false).await?;
    let app = App::open(store, Config::default(), key).await.map_err(dutch)?;
    Ok(Ctx::operator(app))
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
        smtp: args.smtp_url.clone().map(|url| wijkregie_app::Smtp { url, from: args.smtp_from.clone() }),
        public_url: args.public_url.clone().unwrap_or_else(|| format!("http://{}", args.addr)),
        mail_bundle_window: chrono::Duration::minutes(args.mail_bundle_minutes),
        import_worker: Some(wijkregie_app::import_worker::Worker {
            program: std::env::current_exe().context("kan het eigen programma niet vinden voor de import-worker")?,
            args: vec!["import-worker".into()],
            memory_limit: args.import_memory_mb << 20,
            timeout: std::time::Duration::from_secs(300),
        }),
        trusted_proxies: args.trusted_proxy.clone(),
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("kan niet luisteren op {}", args.addr))?;
    let (store, key, _) = store_and_key(db, args.new_key).await?;
    let started_app = App::start(store, config, key, args.demo).await.map_err(dutch)?;
    if let Some(seeded) = &started_app.demo {
        print_demo(seeded);
    }
    release_freed_memory();
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "klaar om verzoeken te beantwoorden");
    wijkregie_web::serve(started_app.app, listener).await?;
    Ok(ExitCode::SUCCESS)
}

/// Hands the memory the rebuild freed back to the system: pages of
/// services read from the database, tantivy's indexing buffers and the
/// segments merged away. glibc keeps freed pages inside its arenas, so
/// without this the server would stay near its start-up peak for good.
#[allow(unsafe_code, reason = "the one unsafe call of wijkregie; see the SAFETY note")]
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heap to the
    // kernel; it touches no memory in use and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

async fn demo(app: &App) -> anyhow::Result<()> {
    let seeded = wijkregie_app::demo::seed(app).await.map_err(dutch)?;
    print_demo(&seeded);
    Ok(())
}

fn print_demo(seeded: &wijkregie_app::demo::Seeded) {
    use wijkregie_app::demo::{self, Seeded};
    match seeded {
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
                match a.totp() {
                    Some(secret) => eprintln!("  {:<32} {} (TOTP-sleutel {secret})", a.email, a.role.label()),
                    None => eprintln!("  {:<32} {}", a.email, a.role.label()),
                }
            }
        }
    }
}

async fn national(ctx: &Ctx) -> anyhow::Result<()> {
    use wijkregie_app::demo::National;
    let started = Instant::now();
    match wijkregie_app::demo::national(ctx).await.map_err(dutch)? {
        National::AlreadyLoaded => eprintln!("De landelijke sociale kaart is al geladen."),
        National::Loaded { services, organizations, locations, postcodes } => eprintln!(
            "Landelijke sociale kaart geladen in {:.1} s: {services} diensten, {organizations} organisaties, \
             {locations} locaties, {postcodes} postcodes.",
            started.elapsed().as_secs_f64(),
        ),
    }
    Ok(())
}

async fn import(ctx: &Ctx, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = crate::text::read(path)?;
    let file = match wijkregie_formats::region_file::parse(&text) {
        Ok(f) => f,
        Err(errors) => return Ok(refuse(path, &errors)),
    };
    match import_region(ctx, file).await {
        Ok(report) => {
            let line = |label: &str, c: wijkregie_core::region::ChangeCount| {
                println!(
                    "  {label:<14} {:>4} nieuw, {:>4} gewijzigd, {:>4} ongewijzigd",
                    c.created, c.updated, c.unchanged
                );
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
        Err(Error::Invalid(errors)) => Ok(refuse(path, &errors)),
        Err(e) => Err(dutch(e)),
    }
}

async fn import_postcodes(ctx: &Ctx, path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = crate::text::read(path)?;
    let centroids = match wijkregie_formats::postcodes::parse(&text) {
        Ok(c) => c,
        Err(errors) => return Ok(refuse(path, &errors)),
    };
    let changed = wijkregie_app::postcodes::import(ctx, &centroids).await.map_err(dutch)?;
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
        Role::Region => Scope::Region,
        Role::Operator | Role::IntakeLink => bail!("--role: kies een rol voor een account"),
        Role::Networks => Scope::Networks(
            parts
                .iter()
                .map(|p| p.parse())
                .collect::<Result<_, _>>()
                .map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--scope: {e}"))?,
        ),
        Role::Practice => Scope::Practice(
            one()?.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--scope: {e}"))?,
        ),
        Role::Organization => Scope::Organization(
            one()?.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--scope: {e}"))?,
        ),
    })
}

async fn add_user(ctx: &Ctx, args: UserAddArgs) -> anyhow::Result<ExitCode> {
    let role: Role = args.role.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!("--role: {e}"))?;
    let scope = parse_scope(role, &args.scope)?;
    let password = read_password()?;
    let spec = UserSpec { email: args.email.clone(), name: args.name, password, role, scope };
    match create_user(ctx, spec, args.totp).await {
        Ok(created) => {
            println!("Gebruiker {} aangemaakt (id {}, rol {}).", args.email, created.id, role.label());
            if let Some(secret) = created.totp_secret {
                println!("Tweede factor: voeg deze sleutel toe in een authenticator-app: {secret}");
                if let Some(url) = wijkregie_app::credentials::totp::provisioning_url(&secret, &args.email) {
                    println!("of open: {url}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(dutch(e)),
    }
}

/// The access overview of one referral, for a patient who asks who saw it.
async fn audit_subject(ctx: &Ctx, referral: &str, json: bool) -> anyhow::Result<ExitCode> {
    use wijkregie_core::audit::Outcome;
    let id: wijkregie_core::directory::HsdsId =
        referral.parse().map_err(|e: wijkregie_core::error::Invalid| anyhow::anyhow!(e.0))?;
    let accesses = match wijkregie_app::referral::access_overview(ctx, &id).await {
        Ok(accesses) => accesses,
        Err(Error::NotFound(_)) => bail!("verwijzing {id} bestaat niet"),
        Err(e) => return Err(dutch(e)),
    };
    if json {
        let rows: Vec<serde_json::Value> = accesses
            .iter()
            .map(|a| {
                let ev = &a.entry.event;
                serde_json::json!({
                    "time": wijkregie_core::audit::canonical_time(ev.time),
                    "event": ev.event,
                    "user": a.who,
                    "organization": a.organization,
                    "action": a.action,
                    "role": ev.user_role,
                    "on_behalf_of": ev.on_behalf_of,
                    "access_rule": ev.access_rule,
                    "outcome": ev.outcome,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!("Inzage in verwijzing {id}: {} regels", accesses.len());
        for a in &accesses {
            let ev = &a.entry.event;
            println!(
                "{}  {:<36} {:<24} {:<16} {:<12} {}",
                wijkregie_core::clock::nl_display(ev.time),
                a.action,
                a.who,
                ev.user_role.as_deref().unwrap_or("-"),
                if ev.outcome == Outcome::Success { "toegestaan" } else { "geweigerd" },
                ev.access_rule.as_deref().unwrap_or(""),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
