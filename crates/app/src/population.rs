//! Population figures: importing CBS Kerncijfers and RIVM health files
//! (all or nothing; a repeat changes nothing), the wijkprofiel of a wijk or
//! network compared with the region and the Netherlands, and the theme
//! suggestions from the region's rules.
//!
//! The figures are public statistics about areas, never about a person, so
//! every signed-in role may read them; importing and the rules are the
//! regio-beheerder's.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Grant, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::codes::Code;
use wijkregie_core::population::{
    default_rules, rule_set_problems, suggest, AreaFigure, Indicator, Profile, Reference, ReferenceLevel, Suggestion,
    ThemeRule, Value,
};
use wijkregie_core::region::{Area, Wijk};
use wijkregie_core::FieldError;
use wijkregie_formats::population::{
    age_group_title, health_indicator, parse_health, parse_kwb, AreaCode, HealthImport, KwbImport, LineError,
    PublishedFigure, AGE_18_PLUS, AGE_18_TO_64, AGE_65_PLUS,
};
use wijkregie_store::population::{self as db, RulesChange, SaveReport, StoredFigure, NEDERLAND};
use wijkregie_store::WriteTx;

use crate::audit::{check, record, Entry};
use crate::region_data::{RegionData, RegionFigures};
use crate::Ctx;
use crate::{Error, Result};

fn stored(f: &PublishedFigure, indicator: Indicator, vintage: Option<i32>) -> StoredFigure {
    StoredFigure {
        area: match &f.area {
            AreaCode::Nederland => NEDERLAND.to_owned(),
            AreaCode::Cbs(code) => code.to_string(),
        },
        // CBS publishes each year in that year's area definitions.
        vintage: vintage.unwrap_or(f.year),
        year: f.year,
        indicator,
        value: f.value,
        interval: f.interval,
        source: f.source.clone(),
    }
}

/// The files of population figures wijkregie reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureFile {
    /// CBS Kerncijfers wijken en buurten.
    Kwb,
    /// RIVM/GGD Gezondheid per wijk en buurt (50120NED).
    Health,
}

impl FigureFile {
    pub fn event(self) -> &'static str {
        match self {
            FigureFile::Kwb => "population.import_kwb",
            FigureFile::Health => "population.import_health",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FigureFile::Kwb => "Kerncijfers wijken en buurten",
            FigureFile::Health => "gezondheidscijfers",
        }
    }
}

/// Reads a file of figures whole: rows to store, or every problem with its
/// line. Nothing is written either way.
pub fn parse_file(
    kind: FigureFile,
    bytes: &[u8],
    name: &str,
    year: Option<i32>,
    vintage: Option<i32>,
) -> std::result::Result<Prepared, Vec<LineError>> {
    match kind {
        FigureFile::Kwb => parse_kwb(bytes, name, year).map(|file| prepare_kwb(&file, vintage)),
        FigureFile::Health => parse_health(bytes, name, year).map(|file| prepare_health(&file, vintage)),
    }
}

/// A parsed file as rows to store, with what was not kept.
pub struct Prepared {
    pub figures: Vec<StoredFigure>,
    pub years: Vec<i32>,
    pub areas: usize,
    pub unknown: usize,
    /// Health figures of published age groups wijkregie does not keep
    /// (18 to 64; 65+ other than severe loneliness).
    pub not_kept: usize,
    /// Health figures of age groups 50120NED does not publish, by the name
    /// the file gave them, with how many figures each had; not kept.
    pub unknown_age_groups: Vec<(String, usize)>,
    /// Columns of a health file wijkregie neither reads nor knows to leave alone.
    pub unread_columns: Vec<String>,
}

fn prepared(mut figures: Vec<StoredFigure>, not_kept: usize) -> Prepared {
    // Sorted so each stored chunk covers a narrow range of area codes
    // (`store::population::save` reads back that range only).
    figures.sort_by(|a, b| (a.vintage, a.year, &a.area, a.indicator).cmp(&(b.vintage, b.year, &b.area, b.indicator)));
    let years: BTreeSet<i32> = figures.iter().map(|f| f.year).collect();
    let areas: BTreeSet<&str> = figures.iter().map(|f| f.area.as_str()).collect();
    Prepared {
        years: years.into_iter().collect(),
        areas: areas.len(),
        unknown: figures.iter().filter(|f| f.value == Value::Unknown).count(),
        not_kept,
        unknown_age_groups: Vec::new(),
        unread_columns: Vec::new(),
        figures,
    }
}

/// A Kerncijfers file's figures, in `vintage` (default: the file's year).
pub fn prepare_kwb(file: &KwbImport, vintage: Option<i32>) -> Prepared {
    prepared(file.figures.iter().map(|f| stored(f, f.indicator, vintage)).collect(), 0)
}

/// A health file's figures: adults as the indicators themselves, 65+ where
/// wijkregie has a 65+ indicator, other age groups not kept.
pub fn prepare_health(file: &HealthImport, vintage: Option<i32>) -> Prepared {
    let mut not_kept = 0;
    let mut unknown_groups: BTreeMap<String, usize> = BTreeMap::new();
    let figures = file
        .figures
        .iter()
        .filter_map(|f| match health_indicator(f.age_group.as_deref(), f.indicator) {
            Some(indicator) => Some(stored(f, indicator, vintage)),
            None => {
                match f.age_group.as_deref() {
                    Some(group) if age_group_title(group).is_none() => {
                        *unknown_groups.entry(group.to_owned()).or_default() += 1;
                    }
                    _ => not_kept += 1,
                }
                None
            }
        })
        .collect();
    Prepared {
        unknown_age_groups: unknown_groups.into_iter().collect(),
        unread_columns: file.unread_columns.clone(),
        ..prepared(figures, not_kept)
    }
}

/// How many of the region's areas a file gave figures: the first thing to
/// know after an import, because a file in another area vintage than the
/// region's wijken (RIVM 2020 against wijken drawn in 2019, say) is stored
/// whole and yet fills no wijkprofiel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The CBS areas of the region's wijken (code and vintage), each once.
    pub region_areas: usize,
    /// Of those, the ones with at least one known figure in the file.
    pub covered: usize,
    /// Of the others, those the file has under the same code in another
    /// vintage.
    pub same_code_other_vintage: usize,
    /// The vintages of the region's areas, and of the file's figures.
    pub region_vintages: Vec<i32>,
    pub file_vintages: Vec<i32>,
}

/// The coverage of `file` over the areas of `wijken`.
pub fn coverage(file: &Prepared, wijken: &[Wijk]) -> Coverage {
    let region: BTreeSet<(String, i32)> =
        wijken.iter().flat_map(|w| &w.areas).map(|a| (a.code.to_string(), i32::from(a.year))).collect();
    let known = file.figures.iter().filter(|f| matches!(f.value, Value::Known(_)));
    let in_file: BTreeSet<(&str, i32)> = known.clone().map(|f| (f.area.as_str(), f.vintage)).collect();
    let codes_in_file: BTreeSet<&str> = known.map(|f| f.area.as_str()).collect();
    let covered = region.iter().filter(|(code, year)| in_file.contains(&(code.as_str(), *year))).count();
    let same_code_other_vintage = region
        .iter()
        .filter(|(code, year)| !in_file.contains(&(code.as_str(), *year)) && codes_in_file.contains(code.as_str()))
        .count();
    Coverage {
        region_areas: region.len(),
        covered,
        same_code_other_vintage,
        region_vintages: region.iter().map(|(_, y)| *y).collect::<BTreeSet<_>>().into_iter().collect(),
        file_vintages: file.figures.iter().map(|f| f.vintage).collect::<BTreeSet<_>>().into_iter().collect(),
    }
}

/// The coverage of a prepared file over the region's wijken as they are now.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn region_coverage(ctx: &Ctx, file: &Prepared) -> Result<Coverage> {
    authorize(&ctx.principal, Action::View, Object::Wijk)?;
    let mut conn = ctx.app.store.conn().await?;
    let data = ctx.app.region_data.current(&mut conn).await?;
    Ok(coverage(file, data.wijken()))
}

/// One line of an import's summary, in Dutch; a warning is something the
/// regio-beheerder must look at before relying on the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub warning: bool,
}

impl Note {
    fn info(text: String) -> Self {
        Self { text, warning: false }
    }

    fn warning(text: String) -> Self {
        Self { text, warning: true }
    }
}

fn years_text(years: &[i32]) -> String {
    let years: Vec<String> = years.iter().map(ToString::to_string).collect();
    match years.as_slice() {
        [] => "geen".to_owned(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} en {last}", head.join(", ")),
    }
}

/// What an import says beyond its counts, the same for the CLI and the
/// upload page: figures not kept and why, columns not read, and (always
/// last) how many of the region's areas received figures.
pub fn summary(file: &Prepared, coverage: &Coverage) -> Vec<Note> {
    let mut notes = Vec::new();
    if file.not_kept > 0 {
        let figures =
            if file.not_kept == 1 { "1 cijfer is".to_owned() } else { format!("{} cijfers zijn", file.not_kept) };
        notes.push(Note::info(format!(
            "{figures} niet bewaard: wijkregie bewaart de groep 18 jaar of ouder ({AGE_18_PLUS}), en van 65 jaar \
             of ouder ({AGE_65_PLUS}) alleen ernstige eenzaamheid; 18 tot 65 jaar ({AGE_18_TO_64}) niet."
        )));
    }
    if !file.unknown_age_groups.is_empty() {
        let groups: Vec<String> = file
            .unknown_age_groups
            .iter()
            .map(|(group, n)| format!("'{group}' ({n} {})", if *n == 1 { "cijfer" } else { "cijfers" }))
            .collect();
        notes.push(Note::warning(format!(
            "Onbekende leeftijdsgroepen, niet bewaard: {}. 50120NED kent {AGE_18_PLUS} (18 jaar of ouder), \
             {AGE_18_TO_64} (18 tot 65 jaar) en {AGE_65_PLUS} (65 jaar of ouder).",
            groups.join(", ")
        )));
    }
    if !file.unread_columns.is_empty() {
        notes.push(Note::info(format!(
            "Kolommen die wijkregie niet leest en die dus niet zijn bewaard: {}.",
            file.unread_columns.join(", ")
        )));
    }
    notes.extend(coverage_notes(coverage));
    notes
}

fn coverage_notes(c: &Coverage) -> Vec<Note> {
    if c.region_areas == 0 {
        return vec![Note::warning(
            "Let op: de regio heeft nog geen wijken met CBS-gebieden, dus geen wijkprofiel toont deze cijfers. \
             Leg eerst de wijken en hun gebieden vast."
                .to_owned(),
        )];
    }
    let mut notes =
        vec![Note::info(format!("{} van de {} gebieden van de regio kregen cijfers.", c.covered, c.region_areas))];
    let elsewhere = match c.same_code_other_vintage {
        0 => None,
        1 => Some(
            " 1 gebied van de regio staat er wel in met dezelfde code, maar in een andere gebiedsindeling.".to_owned(),
        ),
        n => Some(format!(
            " {n} gebieden van de regio staan er wel in met dezelfde code, maar in een andere gebiedsindeling."
        )),
    };
    if c.covered == 0 {
        notes.push(Note::warning(format!(
            "Let op: geen enkel gebied van de regio kreeg cijfers. De gebieden van de regio hebben gebiedsindeling \
             {}, de cijfers in dit bestand gebiedsindeling {}.{} Klopt de gebiedsindeling (jaar) van het bestand? \
             Geef die anders op bij het inlezen, maar alleen voor gebieden die CBS niet veranderde.",
            years_text(&c.region_vintages),
            years_text(&c.file_vintages),
            elsewhere.unwrap_or_default()
        )));
    } else if let Some(elsewhere) = elsewhere {
        notes.push(Note::info(elsewhere.trim_start().to_owned()));
    }
    notes
}

/// Stores prepared figures in one transaction, in chunks so `progress` can
/// follow; the audit log gets an entry when anything changed.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import(
    ctx: &Ctx,
    event: &'static str,
    file: &Prepared,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<SaveReport> {
    let entry = Entry { event, action: AuditAction::Execute, object_type: "population_figure", object_id: None };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut tx = ctx.app.store.begin_bulk().await?;
    let report = import_in(&mut tx, ctx, decision, event, file, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// The writing half of [`import`], in the caller's transaction, for the
/// demo, which loads everything in one.
async fn import_in(
    tx: &mut WriteTx,
    ctx: &Ctx,
    decision: Grant,
    event: &'static str,
    file: &Prepared,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<SaveReport> {
    let entry = Entry { event, action: AuditAction::Execute, object_type: "population_figure", object_id: None };
    let mut report = SaveReport::default();
    let mut done = 0;
    for chunk in file.figures.chunks(5_000) {
        let part = db::save(tx.conn(), chunk).await?;
        report.added += part.added;
        report.changed += part.changed;
        report.unchanged += part.unchanged;
        done += chunk.len();
        progress(done);
    }
    if report.added + report.changed > 0 {
        record(tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    Ok(report)
}

/// What the import page takes: a file of figures or of CBS area outlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    Figures(FigureFile),
    Boundaries,
}

/// What an upload did, for the page's summary.
#[derive(Debug, Clone, Default)]
pub struct Uploaded {
    pub file_name: String,
    pub what: &'static str,
    pub years: Vec<i32>,
    pub areas: usize,
    /// Figures, or outlines for a boundary file.
    pub rows: usize,
    pub unknown: usize,
    pub not_kept: usize,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// What the import says beyond its counts ([`summary`]).
    pub notes: Vec<Note>,
}

impl Uploaded {
    /// Whether a note asks the regio-beheerder to look before relying on it.
    pub fn has_warning(&self) -> bool {
        self.notes.iter().any(|n| n.warning)
    }
}

fn refused_file(problems: Vec<String>) -> Error {
    crate::refusal::refused_file("bestand", problems)
}

/// Reads an uploaded file whole and stores it, as `wijkregie import` does:
/// one bad row and nothing is written, every problem comes back with its
/// line (or feature). Only the regio-beheerder may; a refusal is logged
/// before the file is even read.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn upload(
    ctx: &Ctx,
    kind: Upload,
    file_name: &str,
    bytes: &[u8],
    year: Option<i32>,
    vintage: Option<i32>,
) -> Result<Uploaded> {
    // The same event and object as the import itself would log.
    let (event, object_type) = match kind {
        Upload::Figures(f) => (f.event(), "population_figure"),
        Upload::Boundaries => ("boundary.import", "boundary"),
    };
    let decision = authorize(&ctx.principal, Action::Edit, Object::Region);
    let entry = Entry { event, action: AuditAction::Execute, object_type, object_id: None };
    check(ctx, entry, decision).await?;
    if bytes.is_empty() {
        return Err(Error::Invalid(vec![FieldError::new("bestand", "kies een bestand om in te lezen")]));
    }
    let file_name = file_name.to_owned();
    match kind {
        Upload::Figures(figures) => {
            let job = crate::import_worker::Job::figures(figures, &file_name, year, vintage);
            crate::import_worker::vet(ctx.app.config.import_worker.as_ref(), &job, bytes, refused_file).await?;
            let prepared = parse_file(figures, bytes, &file_name, year, vintage)
                .map_err(|problems| refused_file(problems.iter().map(ToString::to_string).collect()))?;
            let report = import(ctx, event, &prepared, &|_| {}).await?;
            if report.added + report.changed > 0 {
                crate::region_data::warm(&ctx.app);
            }
            let notes = summary(&prepared, &region_coverage(ctx, &prepared).await?);
            Ok(Uploaded {
                file_name,
                what: figures.label(),
                years: prepared.years.clone(),
                areas: prepared.areas,
                rows: prepared.figures.len(),
                unknown: prepared.unknown,
                not_kept: prepared.not_kept,
                added: report.added,
                changed: report.changed,
                unchanged: report.unchanged,
                notes,
            })
        }
        Upload::Boundaries => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Error::Invalid(vec![FieldError::new("bestand", "het bestand is geen GeoJSON-tekst (UTF-8)")])
            })?;
            let year = year.map(|y| u16::try_from(y).map_err(|_| FieldError::new("jaar", "geen geldig jaartal")));
            let year = year.transpose().map_err(|e| Error::Invalid(vec![e]))?;
            let job = crate::import_worker::Job::Boundaries { year };
            crate::import_worker::vet(ctx.app.config.import_worker.as_ref(), &job, bytes, refused_file).await?;
            let file = wijkregie_formats::boundaries::parse(text, year)
                .map_err(|problems| refused_file(problems.iter().map(ToString::to_string).collect()))?;
            let years: BTreeSet<i32> = file.boundaries.iter().map(|b| i32::from(b.year)).collect();
            let rows = file.boundaries.len();
            let report = crate::boundary::import(ctx, file).await?;
            if report.added + report.changed > 0 {
                crate::region_data::warm(&ctx.app);
            }
            Ok(Uploaded {
                file_name,
                what: "gebiedsgrenzen",
                years: years.into_iter().collect(),
                areas: rows,
                rows,
                added: report.added,
                changed: report.changed,
                unchanged: report.unchanged,
                ..Uploaded::default()
            })
        }
    }
}

/// What is stored, per source table, year and vintage.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn stored_sets(ctx: &Ctx) -> Result<Vec<db::StoredSet>> {
    authorize(&ctx.principal, Action::View, Object::Wijk)?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::sets(&mut conn).await?)
}

/// What a wijkprofiel is about.
#[derive(Debug, Clone)]
pub enum Subject {
    Wijk(Code),
    Network(Code),
}

/// Everything a wijkprofiel page shows, for one year.
pub struct ProfileView {
    pub name: String,
    pub areas: Vec<Area>,
    /// Years with any figure for these areas, oldest first.
    pub years: Vec<i32>,
    pub year: i32,
    /// The subject's figures, all years (trends).
    pub figures: Vec<AreaFigure>,
    /// The region's data this view was made from (its wijken, outlines).
    pub data: Arc<RegionData>,
    /// The region's figures and what is computed from them (trend, map).
    pub region_figures: Arc<RegionFigures>,
    pub profile: Profile,
    pub region: Reference,
    pub national: Option<Reference>,
    pub suggestions: Vec<Suggestion>,
    pub rules: Vec<ThemeRule>,
}

/// The Netherlands' figures to compare `subject` with, each of the year
/// the subject's figure describes (a health measurement can be older than
/// the profile's year); `None` if no national figure was imported.
fn national_profile(national: &[StoredFigure], subject: &Profile) -> Option<Profile> {
    let years: BTreeSet<i32> = subject.aggregates.iter().map(|a| a.year).collect();
    let per_year: BTreeMap<i32, Profile> = years
        .into_iter()
        .filter_map(|year| {
            let of_year: Vec<_> = national
                .iter()
                .filter(|f| f.year == year)
                .map(|f| (f.indicator, f.value, f.interval, f.source.clone()))
                .collect();
            (!of_year.is_empty()).then(|| (year, Profile::territory(year, &of_year)))
        })
        .collect();
    if per_year.is_empty() {
        return None;
    }
    let aggregates = subject
        .aggregates
        .iter()
        .filter_map(|a| per_year.get(&a.year).and_then(|p| p.get(a.indicator)).cloned())
        .collect();
    Some(Profile::published(subject.year, aggregates))
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn profile(ctx: &Ctx, subject: &Subject, year: Option<i32>) -> Result<ProfileView> {
    authorize(&ctx.principal, Action::View, Object::Wijk)?;
    let mut conn = ctx.app.store.conn().await?;
    let data = ctx.app.region_data.current(&mut conn).await?;
    let (name, areas) = match subject {
        Subject::Wijk(code) => {
            let w = data
                .wijken()
                .iter()
                .find(|w| &w.code == code)
                .ok_or_else(|| Error::NotFound(format!("wijk {code}")))?;
            (w.name.clone(), w.areas.clone())
        }
        Subject::Network(code) => {
            let n = wijkregie_store::region::network(&mut conn, code)
                .await?
                .ok_or_else(|| Error::NotFound(format!("netwerk {code}")))?;
            (n.name.clone(), wijkregie_core::population::network_areas(&n, data.wijken()))
        }
    };
    let region_figures = data.figures(&mut conn).await?;
    let national = data.national(&mut conn).await?;
    let rules = db::current_rules(&mut conn).await?.map_or_else(default_rules, |c| c.rules);
    drop(conn);
    // Every vintage of the areas' codes: a year whose only figures are in
    // another area division is listed too, and its profile says why its
    // health figures cannot be shown, rather than the year being a 404.
    let figures = region_figures.of(&areas);
    let unchanged = region_figures.unchanged();
    let years: Vec<i32> = figures.iter().map(|f| f.year).collect::<BTreeSet<_>>().into_iter().collect();
    let profile = match year {
        Some(y) if years.contains(&y) => Profile::as_of(&figures, &areas, y, unchanged),
        Some(y) => {
            return Err(Error::NotFound(format!("cijfers over {y} voor {name}")));
        }
        // The latest year with the fullest picture: CBS publishes income a
        // year late and RIVM measures every two to four years, so the newest
        // year alone would often show neither.
        None => {
            let year = wijkregie_core::population::fullest_year(&figures, &areas, &years, unchanged)
                .unwrap_or_else(|| chrono::Datelike::year(&Utc::now()));
            Profile::as_of(&figures, &areas, year, unchanged)
        }
    };
    let year = profile.year;
    let region = Reference { level: ReferenceLevel::Region, profile: region_figures.reference_for(&profile) };
    let national =
        national_profile(&national, &profile).map(|profile| Reference { level: ReferenceLevel::Netherlands, profile });
    let suggestions = suggest(&rules, &profile, &region);
    Ok(ProfileView {
        name,
        areas,
        years,
        year,
        figures,
        data,
        region_figures,
        profile,
        region,
        national,
        suggestions,
        rules,
    })
}

/// The rules in force and every change, for the rules page.
pub struct RulesView {
    pub rules: Vec<ThemeRule>,
    pub history: Vec<RulesChange>,
    pub is_default: bool,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn rules(ctx: &Ctx) -> Result<RulesView> {
    authorize(&ctx.principal, Action::View, Object::Wijk)?;
    let mut conn = ctx.app.store.conn().await?;
    let history = db::rules_history(&mut conn).await?;
    Ok(RulesView {
        rules: history.first().map_or_else(default_rules, |c| c.rules.clone()),
        is_default: history.is_empty(),
        history,
    })
}

/// Reads a rule set from its JSON text, with Dutch problems.
pub fn parse_rules(text: &str) -> std::result::Result<Vec<ThemeRule>, Vec<FieldError>> {
    let rules: Vec<ThemeRule> = serde_json::from_str(text).map_err(|e| {
        vec![FieldError::new(
            "rules",
            format!("de regels zijn geen geldige lijst (regel {}, teken {}): {e}", e.line(), e.column()),
        )]
    })?;
    let problems = rule_set_problems(&rules);
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems.into_iter().map(|p| FieldError::new("rules", format!("{}: {}", p.field, p.message))).collect())
    }
}

/// Replaces the region's theme rules; the change is kept and logged.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn save_rules(ctx: &Ctx, text: &str) -> Result<()> {
    let decision = authorize(&ctx.principal, Action::Edit, Object::Region);
    let entry =
        Entry { event: "theme_rules.update", action: AuditAction::Update, object_type: "theme_rules", object_id: None };
    check(ctx, entry, decision).await?;
    let rules = parse_rules(text).map_err(Error::Invalid)?;
    let mut tx = ctx.app.store.begin().await?;
    db::save_rules(tx.conn(), &rules, &ctx.principal.name, Utc::now()).await?;
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(())
}

/// The demo region's fictional figures (`formats::demo::population`), in
/// the real layouts, through the real parsers. The demo's areas were never
/// redrawn, so every year is stored in the 2024 vintage of its wijken.
#[tracing::instrument(skip_all, err(level = "info"))]
pub(crate) async fn import_demo(tx: &mut WriteTx, ctx: &Ctx, decision: Grant) -> Result<()> {
    use wijkregie_formats::demo::population as demo;
    let broken = |what: String| Error::Internal(anyhow::anyhow!("de demo-populatiecijfers zijn onleesbaar: {what}"));
    const VINTAGE: Option<i32> = Some(2024);
    for year in demo::KWB_YEARS {
        let file = wijkregie_formats::population::parse_kwb(
            demo::kwb_csv(year).as_bytes(),
            &format!("kwb-{year}.csv"),
            Some(year),
        )
        .map_err(|p| broken(format!("{year}: {:?}", p.first())))?;
        import_in(tx, ctx, decision, "population.import_kwb", &prepare_kwb(&file, VINTAGE), &|_| {}).await?;
    }
    for year in demo::HEALTH_YEARS {
        let file =
            wijkregie_formats::population::parse_health(demo::health_csv(year).as_bytes(), "50120NED.csv", Some(year))
                .map_err(|p| broken(format!("{year}: {:?}", p.first())))?;
        import_in(tx, ctx, decision, "population.import_health", &prepare_health(&file, VINTAGE), &|_| {}).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn wijk(areas: &[(&str, u16)]) -> Wijk {
        Wijk {
            code: "wijk".parse().unwrap(),
            name: "Wijk".to_owned(),
            areas: areas.iter().map(|(code, year)| Area { code: code.parse().unwrap(), year: *year }).collect(),
        }
    }

    fn kwb(text: &str, year: i32, vintage: Option<i32>) -> Prepared {
        parse_file(FigureFile::Kwb, text.as_bytes(), "kwb.csv", Some(year), vintage).unwrap()
    }

    fn texts(notes: &[Note]) -> Vec<(&str, bool)> {
        notes.iter().map(|n| (n.text.as_str(), n.warning)).collect()
    }

    #[test]
    fn the_summary_ends_with_how_many_of_the_regions_areas_received_figures() {
        let wijken = [wijk(&[("WK199101", 2024), ("WK199102", 2024)]), wijk(&[("BU19930101", 2024)])];
        // A hidden figure is no figure: BU19930101 is in the file, unknown.
        let file = kwb("gwb_code_10;a_inw\nWK199101;100\nBU19930101;.\nGM1991;900\n", 2024, None);
        let notes = summary(&file, &coverage(&file, &wijken));
        assert_eq!(texts(&notes), [("1 van de 3 gebieden van de regio kregen cijfers.", false)]);
    }

    /// Before issue 16, a file of another vintage than the region's wijken
    /// was stored without a word, and no wijkprofiel showed it.
    #[test]
    fn a_file_in_another_vintage_is_warned_about_loudly() {
        let wijken = [wijk(&[("WK199101", 2019), ("WK199102", 2019)])];
        let file = kwb("gwb_code_10;a_inw\nWK199101;100\n", 2020, None);
        let c = coverage(&file, &wijken);
        assert_eq!((c.region_areas, c.covered, c.same_code_other_vintage), (2, 0, 1));
        let notes = summary(&file, &c);
        assert_eq!(
            texts(&notes),
            [
                ("0 van de 2 gebieden van de regio kregen cijfers.", false),
                (
                    "Let op: geen enkel gebied van de regio kreeg cijfers. De gebieden van de regio hebben \
                     gebiedsindeling 2019, de cijfers in dit bestand gebiedsindeling 2020. 1 gebied van de regio \
                     staat er wel in met dezelfde code, maar in een andere gebiedsindeling. Klopt de gebiedsindeling \
                     (jaar) van het bestand? Geef die anders op bij het inlezen, maar alleen voor gebieden die CBS \
                     niet veranderde.",
                    true
                ),
            ]
        );
        let vintage_given = kwb("gwb_code_10;a_inw\nWK199101;100\n", 2020, Some(2019));
        assert_eq!(coverage(&vintage_given, &wijken).covered, 1);
        let no_wijken = summary(&file, &coverage(&file, &[]));
        assert!(no_wijken[0].warning && no_wijken[0].text.contains("nog geen wijken"), "{no_wijken:?}");
    }

    /// Before issue 16 all 65+ rows of a real file were "other age groups,
    /// not kept" (80200 was expected as 53950), and a group wijkregie does
    /// not know was only counted.
    #[test]
    fn health_summaries_name_what_was_not_kept() {
        let text =
            "WijkenEnBuurten;Perioden;Leeftijd;Marges;ErnstigZeerErnstigEenzaam_28;Roker_11;NieuweIndicator_40\n\
                    WK199101;2022JJ00;20300;MW00000;10;20;1\n\
                    WK199101;2022JJ00;80200;MW00000;15;12;1\n\
                    WK199101;2022JJ00;53115;MW00000;9;22;1\n\
                    WK199101;2022JJ00;75 jaar of ouder;MW00000;18;8;1\n";
        let file = parse_file(FigureFile::Health, text.as_bytes(), "50120NED.csv", None, None).unwrap();
        let kept: Vec<Indicator> = file.figures.iter().map(|f| f.indicator).collect();
        assert_eq!(kept, [Indicator::SeverelyLonely, Indicator::Smoker, Indicator::SeverelyLonely65Plus]);
        let wijken = [wijk(&[("WK199101", 2022)])];
        let notes = summary(&file, &coverage(&file, &wijken));
        assert_eq!(
            texts(&notes),
            [
                (
                    "3 cijfers zijn niet bewaard: wijkregie bewaart de groep 18 jaar of ouder (20300), en van 65 jaar \
                     of ouder (80200) alleen ernstige eenzaamheid; 18 tot 65 jaar (53115) niet.",
                    false
                ),
                (
                    "Onbekende leeftijdsgroepen, niet bewaard: '75 jaar of ouder' (2 cijfers). 50120NED kent 20300 \
                     (18 jaar of ouder), 53115 (18 tot 65 jaar) en 80200 (65 jaar of ouder).",
                    true
                ),
                ("Kolommen die wijkregie niet leest en die dus niet zijn bewaard: NieuweIndicator_40.", false),
                ("1 van de 1 gebieden van de regio kregen cijfers.", false),
            ]
        );
    }
}
