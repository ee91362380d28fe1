//! The `wijkregie` binary: one command for the server, the demo, imports and
//! exports, accounts, the audit log and backups.

mod boundaries;
mod commands;
mod finance;
mod hsds;
mod import_worker;
mod population;
mod practices;
mod refusal;
mod text;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// wijkregie — software voor wijksamenwerkingsverbanden (WSV) in de
/// eerstelijnszorg: regio, wijken, praktijken, netwerkpartners en netwerken.
#[derive(Parser)]
#[command(name = "wijkregie", version, long_about = None)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    /// Bij een geweigerde import: schrijf de hele lijst problemen naar dit bestand (op het scherm staan de eerste 200)
    #[arg(long = "problems-file", value_name = "BESTAND", global = true)]
    problems_file: Option<PathBuf>,
    /// Tekenset van de in te lezen tekstbestanden (CSV, JSON): utf8 (standaard) of latin1 (Windows-1252)
    #[arg(long, value_enum, value_name = "TEKENSET", global = true, default_value = "utf8")]
    encoding: text::Encoding,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives. Every option also reads a WIJKREGIE_* variable.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// Map voor de gegevens (SQLite-bestand, sleutels)
    #[arg(long, env = "WIJKREGIE_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// Database-adres: sqlite://PAD of postgres://GEBRUIKER@HOST/DB (standaard: SQLite in de datamap)
    #[arg(long = "database", env = "WIJKREGIE_DATABASE_URL", global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Start de webserver (pagina's, JSON-API, /healthz en /metrics)
    Serve(ServeArgs),
    /// Vul een lege database met de fictieve demoregio en demo-accounts
    Demo(DemoArgs),
    /// Lees gegevens in
    #[command(subcommand)]
    Import(ImportCommand),
    /// Schrijf gegevens weg
    #[command(subcommand)]
    Export(ExportCommand),
    /// Betaaloverzichten per kwartaal, vaststellen en tarieven
    #[command(subcommand)]
    Finance(FinanceCommand),
    /// Beheer gebruikers
    #[command(subcommand)]
    User(UserCommand),
    /// Het auditlog (NEN 7513)
    #[command(subcommand)]
    Audit(AuditCommand),
    /// De sleutel voor persoonsgegevens (secret.key)
    #[command(subcommand)]
    Key(KeyCommand),
    /// Maak een consistente back-up van een draaiende SQLite-database
    Backup {
        /// Nieuw bestand voor de back-up (wordt nooit overschreven)
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
    },
    /// Intern: leest een op een pagina geüpload bestand in een eigen proces met een geheugengrens
    #[command(name = "import-worker", hide = true)]
    ImportWorker {
        #[arg(long)]
        memory_limit: u64,
        job: String,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// Adres en poort om op te luisteren
    #[arg(long, env = "WIJKREGIE_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Vul een lege database eerst met de demoregio
    #[arg(long, env = "WIJKREGIE_DEMO")]
    demo: bool,
    /// Cookies zonder Secure-vlag, voor gewoon HTTP op een eigen machine.
    /// Standaard aan bij --demo op een loopback-adres, anders uit.
    #[arg(long, env = "WIJKREGIE_INSECURE_COOKIES")]
    insecure_cookies: Option<bool>,
    /// Hoe lang een inlog geldig blijft, in uren
    #[arg(long, env = "WIJKREGIE_SESSION_HOURS", default_value_t = 8)]
    session_hours: i64,
    /// Na hoeveel dagen zonder controle een vermelding op de sociale kaart verouderd heet
    #[arg(long, env = "WIJKREGIE_STALE_AFTER_DAYS", default_value_t = 180, value_parser = clap::value_parser!(i64).range(1..=3650))]
    stale_after_days: i64,
    /// Werkdagen waarbinnen een netwerkpartner op een verwijzing reageert; daarna staat ze als te laat
    #[arg(long, env = "WIJKREGIE_REACTION_WORKING_DAYS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
    reaction_working_days: u32,
    /// Maanden na afsluiten waarna de persoonsgegevens van een verwijzing worden verwijderd
    #[arg(long, env = "WIJKREGIE_RETENTION_MONTHS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    retention_months: u32,
    /// SMTP-server voor meldingen, zoals smtps://gebruiker:wachtwoord@mail.example.nl:465; zonder dit ziet
    /// de regio-beheerder de uitgaande mail in de app
    #[arg(long, env = "WIJKREGIE_SMTP_URL")]
    smtp_url: Option<String>,
    /// Afzender van meldingen, zoals "wijkregie <noreply@example.nl>"
    #[arg(long, env = "WIJKREGIE_SMTP_FROM", default_value = "wijkregie <noreply@localhost>")]
    smtp_from: String,
    /// Het adres waarop gebruikers wijkregie bereiken, voor links in meldingen
    #[arg(long, env = "WIJKREGIE_PUBLIC_URL")]
    public_url: Option<String>,
    /// Minuten dat nieuws over verwijzingen aan dezelfde persoon wacht om samen in één mail te gaan (0: nooit bundelen)
    #[arg(long, env = "WIJKREGIE_MAIL_BUNDLE_MINUTES", default_value_t = 5, value_parser = clap::value_parser!(i64).range(0..=120))]
    mail_bundle_minutes: i64,
    /// Geheugengrens in MB voor het inlezen van een op een pagina geüpload bestand; dat gebeurt in een eigen
    /// proces, zodat een te groot bestand alleen dat proces stopt en niet de server
    #[arg(long, env = "WIJKREGIE_IMPORT_MEMORY_MB", default_value_t = 2048, value_parser = clap::value_parser!(u64).range(256..=65536))]
    import_memory_mb: u64,
    /// Reverse proxy (adres of netwerk, zoals 127.0.0.1 of 10.0.0.0/8) waarvan X-Forwarded-For het adres
    /// van de bezoeker geeft; herhaal de optie of scheid met komma's. Zonder: het TCP-adres telt
    #[arg(long, env = "WIJKREGIE_TRUSTED_PROXY", value_delimiter = ',', value_parser = wijkregie_app::config::parse_trusted_proxy)]
    trusted_proxy: Vec<wijkregie_app::config::IpNet>,
    /// Start met een nieuwe sleutel terwijl de oude kwijt is: persoonsgegevens van verwijzingen zijn daarna niet
    /// meer leesbaar en wie een tweede factor had, stelt die opnieuw in
    #[arg(long)]
    new_key: bool,
}

#[derive(Args)]
pub struct DemoArgs {
    /// regio: de demoregio met een kleine sociale kaart. landelijk: daarbovenop een fictieve
    /// landelijke sociale kaart (100.000 diensten, 30.000 organisaties, alle PC4-postcodes),
    /// voor de prestatiemetingen in bench/
    #[arg(long, value_enum, default_value = "regio")]
    scale: DemoScale,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScale {
    Regio,
    #[value(alias = "national")]
    Landelijk,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Laad of werk de hele regio bij uit een regiobestand (JSON, zie docs/region-file.md).
    /// Alles of niets: bij één fout wordt niets geschreven en worden alle fouten getoond.
    Region {
        /// Het regiobestand (JSON)
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
    },
    /// Lees de sociale kaart in uit Open Referral HSDS 3.0: een JSON-bestand (lijst van diensten of
    /// API-pagina's) of een map met datapackage.json en CSV's (zie docs/hsds.md). Alles of niets.
    Hsds {
        /// Een JSON-bestand of een map met een datapackage
        #[arg(value_name = "PAD")]
        path: PathBuf,
    },
    /// Lees de praktijkenlijst van de regio in (CSV of XLSX, zoals uit de eigen administratie of van
    /// een verzekeraar): kolommen op kop, in het Nederlands of Engels (Naam/Praktijk naam, AGB, Adres of
    /// Straat/Huisnummer/Postcode/Plaats, Telefoon, E-mail, Openingstijden); '—' is onbekend. De AGB-code
    /// mag ontbreken. Een praktijk wordt herkend aan haar AGB-code, anders aan naam en postcode, en in
    /// de wijk geplaatst waarin haar postcode ligt. Alles of niets; nogmaals inlezen verandert niets.
    Practices {
        /// De praktijkenlijst (CSV of XLSX)
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        /// Welke kop bij welke kolom hoort, als de koppen niet worden herkend,
        /// zoals naam=Praktijk,adres=Bezoekadres (kolommen: naam, agb, adres, straat, huisnummer,
        /// postcode, plaats, telefoon, email, openingstijden)
        #[arg(long, value_name = "KOLOM=KOP,…")]
        columns: Option<String>,
    },
    /// Lees aantallen ingeschreven patiënten per praktijk in: AGB;peildatum;aantal (CSV), of de XLSX
    /// van een verzekeraar. Alles of niets; een AGB-code die de regio niet kent, weigert het bestand.
    PatientCounts {
        /// Het bestand met tellingen (CSV of XLSX)
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        /// Zoals bij practices (kolommen: agb, peildatum, aantal)
        #[arg(long, value_name = "KOLOM=KOP,…")]
        columns: Option<String>,
    },
    /// Lees zwaartepunten van postcodegebieden in (CSV met postcode;latitude;longitude, PC6 of
    /// PC4), voor afstanden tot het aanbod op de sociale kaart. Alles of niets.
    Postcodes {
        /// Het CSV-bestand met postcodes en hun ligging
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
    },
    /// Lees grenzen van CBS-gebieden in (GeoJSON zoals PDOK ze publiceert: statcode, statnaam,
    /// jrstatcode; WGS84 of RD New EPSG:28992). Het jaar komt uit jrstatcode, of uit --year.
    /// Alles of niets; nogmaals hetzelfde bestand inlezen verandert niets.
    Boundaries {
        /// Het bestand zoals de bron het publiceert
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        /// Het jaar van de cijfers of grenzen, als het bestand het niet zegt
        #[arg(long, value_name = "JAAR")]
        year: Option<u16>,
    },
    /// Lees CBS Kerncijfers wijken en buurten in: de download (CSV of XLSX met kolommen als a_inw,
    /// a_65_oo) of StatLine (OData-JSON, of CSV of XLSX met sleutels als AantalInwoners_5 of met
    /// titels als "Bevolking/Aantal inwoners (aantal)", ook zoals R of pandas ze opnieuw opslaan).
    /// Het jaar komt uit --year, de bestandsnaam of het bestand (ook de titelregel). Onbekende
    /// cijfers (., NA, leeg, -99997) blijven onbekend. Alles of niets; de samenvatting zegt hoeveel
    /// gebieden van de regio cijfers kregen.
    Kwb {
        /// Het bestand zoals de bron het publiceert
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        /// Het jaar van de cijfers of grenzen, als het bestand het niet zegt
        #[arg(long, value_name = "JAAR")]
        year: Option<i32>,
        /// De gebiedsindeling (jaar) waarin de codes gelden; standaard het jaar van de cijfers.
        /// Gebruik een later jaar alleen voor gebieden waarvan CBS de grenzen niet veranderde.
        #[arg(long, value_name = "JAAR")]
        vintage: Option<i32>,
    },
    /// Lees RIVM/GGD Gezondheid per wijk en buurt in (StatLine 50120NED als OData-JSON, CSV of XLSX,
    /// met sleutels of titels): percentages met hun 95%-interval, voor 18 jaar of ouder (20300) en,
    /// voor ernstige eenzaamheid, 65 jaar of ouder (80200). Alles of niets; de samenvatting noemt
    /// onbekende leeftijdsgroepen, kolommen die niet gelezen zijn, en hoeveel gebieden van de regio
    /// cijfers kregen.
    Health {
        /// Het bestand zoals de bron het publiceert
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        /// Het jaar van de cijfers of grenzen, als het bestand het niet zegt
        #[arg(long, value_name = "JAAR")]
        year: Option<i32>,
        /// Zoals bij kwb
        #[arg(long, value_name = "JAAR")]
        vintage: Option<i32>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Schrijf de hele regio als regiobestand (naar standaarduitvoer, of naar --output)
    Region {
        /// Het bestand om naar te schrijven
        #[arg(long, short, value_name = "BESTAND")]
        output: Option<PathBuf>,
    },
    /// Schrijf de sociale kaart als HSDS 3.0-datapackage naar een nieuwe of lege map
    Hsds {
        /// Een nieuwe of lege map
        #[arg(value_name = "MAP")]
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum FinanceCommand {
    /// De betaaloverzichten van een kwartaal: per netwerk de ingeschreven patiënten, elke regel
    /// (huisartsentijd, coördinator, correcties) en het totaal. Een vastgesteld kwartaal staat vast.
    Statements {
        /// Het kwartaal, zoals 2025Q2
        #[arg(long)]
        quarter: wijkregie_core::finance::Quarter,
        /// Alleen dit netwerk (de netwerkcode)
        #[arg(long)]
        network: Option<wijkregie_core::codes::Code>,
        #[arg(long, value_enum, default_value = "tabel")]
        format: finance::Format,
        /// CSV met puntkomma's en decimale komma's, voor Excel in het Nederlands
        #[arg(long)]
        nl: bool,
        /// Bestand om naar te schrijven (nodig voor xlsx); anders standaarduitvoer
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Stel de betaaloverzichten van een kwartaal vast zoals ze nu zijn. Daarna veranderen ze nooit
    /// meer: latere wijzigingen komen als correctieregel in het eerstvolgende open kwartaal.
    Approve {
        #[arg(long)]
        quarter: wijkregie_core::finance::Quarter,
    },
    /// De tarieven per jaar, met waar ze vandaan komen
    Tariffs,
    /// Zoek praktijken die op dezelfde dag lid zijn van twee netwerken (beide netwerken zouden
    /// voor hun patiënten worden betaald). Eindigt met code 1 als er zulke lidmaatschappen zijn.
    Check,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Maak een gebruiker aan. Het wachtwoord wordt gevraagd, of gelezen uit
    /// WIJKREGIE_NEW_PASSWORD. Een regio-beheerder krijgt altijd een tweede factor (TOTP).
    Add(UserAddArgs),
    /// Zet de tweede factor van een gebruiker uit; bij de volgende login stelt die hem opnieuw in
    TotpReset {
        #[arg(value_name = "E-MAIL")]
        email: String,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Maak een nieuwe sleutel en versleutel alle persoonsgegevens en TOTP-geheimen opnieuw, in één transactie
    Rotate,
}

#[derive(Args)]
pub struct UserAddArgs {
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// regio_beheerder, wijkmanager, praktijk of netwerkpartner
    #[arg(long)]
    role: String,
    /// Waarvoor de rol geldt: netwerkcodes (komma's) voor een wijkmanager, een
    /// AGB-code voor een praktijk, een organisatiecode voor een netwerkpartner
    #[arg(long, default_value = "")]
    scope: String,
    /// Ook voor andere rollen een tweede factor instellen
    #[arg(long)]
    totp: bool,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Controleer de hash-keten van het auditlog en haar anker; noemt de eerste gebroken regel
    Verify {
        /// Vergelijk ook met een eerder bewaard anker (van 'audit anchor', een back-up of de dagelijkse logregel)
        #[arg(long, value_name = "BESTAND")]
        anchor: Option<PathBuf>,
    },
    /// Toon het anker van het auditlog (laatste regel en hash, met MAC) als JSON, om buiten de database te bewaren
    Anchor {
        /// Schrijf het anker naar dit bestand in plaats van naar de standaarduitvoer
        #[arg(long, short = 'o', value_name = "BESTAND")]
        output: Option<PathBuf>,
        /// Veranker de keten opnieuw met de huidige geheime sleutel, als haar hashes kloppen: na een nieuwe
        /// of geroteerde sleutel, of nadat een gebroken anker is onderzocht (wordt zelf gelogd)
        #[arg(long)]
        reset: bool,
    },
    /// Inzageoverzicht voor een patiënt: wie een verwijzing opende, zag of wijzigde, wanneer, namens wie en
    /// op welke grond (NEN 7513). Het opvragen wordt zelf ook gelogd.
    Subject {
        /// De id van de verwijzing
        referral: String,
        /// Als JSON in plaats van een tabel
        #[arg(long)]
        json: bool,
    },
}

/// How every help page reads: Dutch headings instead of clap's English
/// "Usage", "Commands", "Options" and "Arguments".
const HELP: &str = "{about-with-newline}\nGebruik: {usage}\n\n{all-args}{after-help}";

/// The command line with Dutch help: clap's own help and version flags and
/// its help subcommand are replaced by Dutch ones, in every subcommand.
fn dutch(cmd: clap::Command) -> clap::Command {
    cmd.help_template(HELP)
        .subcommand_help_heading("Opdrachten")
        .subcommand_value_name("OPDRACHT")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(|a| if a.is_positional() { a.help_heading("Argumenten") } else { a.help_heading("Opties") })
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Toon deze hulp")
                .help_heading("Opties"),
        )
        .mut_subcommands(dutch)
}

fn main() -> std::process::ExitCode {
    let command = dutch(Cli::command()).disable_version_flag(true).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("Toon het versienummer")
            .help_heading("Opties"),
    );
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // Before the runtime: the worker limits its own memory and needs no threads.
    if let Command::ImportWorker { memory_limit, job } = &cli.command {
        return import_worker::run(*memory_limit, job);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wijkregie: kan niet starten: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wijkregie: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
