//! Aanmeldingen: the public form's submissions (no login), the applicant's
//! status by private link, the regio-beheerder's review queue (accept makes
//! or updates the network with its practices; reject needs a reason), and
//! the proposals for practices that registered interest without partners.
//!
//! Spam is kept out without outside services: a honeypot field, a time
//! stamp sealed with the server's field key (so it cannot be forged or
//! moved to another session) that must be a few seconds old, and a limit
//! per client address and per session. A submission caught by the honeypot
//! or the clock is kept, flagged, and never queued; one over the limit is
//! refused before anything is stored.

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use wijkregie_core::access::{authorize, Action, Grant, Object};
use wijkregie_core::application::{spam_signal, Application, ApplicationForm, Decision, SpamSignal, Status};
use wijkregie_core::audit::{AuditAction, Outcome};
use wijkregie_core::codes::{AgbCode, Code};
use wijkregie_core::forming::{self, Candidate, Settings};
use wijkregie_core::region::{
    Address, CoordinatorArrangement, Membership, Network, NetworkStatus, PatientCount, Practice, PracticeContact,
    RegionSnapshot,
};
use wijkregie_core::throttle::Kind;
use wijkregie_core::FieldError;
use wijkregie_store::application::{self as db};
pub use wijkregie_store::application::{counts, Counts, StoredApplication};
use wijkregie_store::crypto::FieldAad;
use wijkregie_store::WriteTx;

use crate::audit::{check, logged, record, record_outcome, Actor, Entry};
use crate::throttle;
use crate::App;
use crate::Ctx;
use crate::{Error, Result};

/// At most this many submissions per client address per hour (a health
/// centre's practices may share one address) …
pub const PER_SENDER_PER_HOUR: i64 = 10;
/// … and per browser session.
pub const PER_SESSION_PER_HOUR: i64 = 5;

const LINK_MAIL_EVENT: &str = "application.status_link_mail";

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn stamp_aad(session_csrf: &str) -> FieldAad<'_> {
    FieldAad { table: "aanmelden", column: "stamp", row: session_csrf }
}

/// The sealed time stamp the form carries: when it was shown, bound to
/// this session.
pub fn issue_stamp(app: &App, session_csrf: &str, now: DateTime<Utc>) -> Result<String> {
    app.field_key
        .encrypt(&now.timestamp().to_string(), &stamp_aad(session_csrf))
        .map_err(|e| Error::Internal(anyhow::anyhow!("tijdstempel: {e}")))
}

/// Seconds since the form was shown, or `None` if the stamp does not open.
pub fn stamp_age(app: &App, session_csrf: &str, stamp: &str, now: DateTime<Utc>) -> Option<i64> {
    let shown: i64 = app.field_key.decrypt(stamp.trim(), &stamp_aad(session_csrf)).ok()?.parse().ok()?;
    Some(now.timestamp() - shown)
}

/// What the public form sent besides the fields.
pub struct Submission<'a> {
    pub form: &'a ApplicationForm,
    pub honeypot: &'a str,
    pub stamp: &'a str,
    /// The session's CSRF token (the stamp is bound to it) and cookie.
    pub session_csrf: &'a str,
    pub session_cookie: Option<&'a str>,
    pub client_addr: Option<String>,
}

pub struct Submitted {
    /// For the applicant's status link; never stored.
    pub token: String,
    pub spam: Option<SpamSignal>,
}

/// Stores a submission. Invalid input is refused with every field's
/// problem; a caught one is stored flagged and reported in `spam`.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn submit(app: &App, s: Submission<'_>) -> Result<Submitted> {
    let now = Utc::now();
    let actor = Actor::new(None, &app.config.instance, s.client_addr.clone());
    let sender_hash = s.client_addr.as_deref().map(|a| sha256_hex(&format!("sender:{a}")));
    let session_hash = s.session_cookie.map(|c| sha256_hex(&format!("session:{c}")));
    let mut conn = app.store.conn().await?;
    let (by_sender, by_session) =
        db::recent_from(&mut conn, sender_hash.as_deref(), session_hash.as_deref(), now - chrono::Duration::hours(1))
            .await?;
    drop(conn);
    // Counted from the stored applications themselves (a per-row count, like
    // a referral link's code tries), not by `app::throttle`.
    if by_sender >= PER_SENDER_PER_HOUR || by_session >= PER_SESSION_PER_HOUR {
        let entry = Entry {
            event: "application.submit",
            action: AuditAction::Create,
            object_type: "application",
            object_id: None,
        };
        let busy = Error::TooManyRequests { minutes: 60 };
        return Err(throttle::refuse(app, &actor, entry, "te veel aanmeldingen in een uur", busy).await);
    }
    let application = s.form.parse().map_err(Error::Invalid)?;
    let spam = spam_signal(s.honeypot, stamp_age(app, s.session_csrf, s.stamp, now));
    let token = crate::credentials::random_token(43);
    let token_hash = sha256_hex(&token);
    let mut tx = app.store.begin().await?;
    let id = db::insert(
        tx.conn(),
        &db::NewApplication {
            submitted_at: now,
            application: &application,
            token_hash: &token_hash,
            sender_hash: sender_hash.as_deref(),
            session_hash: session_hash.as_deref(),
            spam,
        },
    )
    .await?;
    let id = id.to_string();
    let rule = match spam {
        None => "openbaar aanmeldformulier".to_owned(),
        Some(signal) => format!("openbaar aanmeldformulier; apart gezet: {}", signal.label()),
    };
    record_outcome(
        &mut tx,
        app,
        &actor,
        Entry {
            event: "application.submit",
            action: AuditAction::Create,
            object_type: "application",
            object_id: Some(&id),
        },
        Outcome::Success,
        Some(rule),
    )
    .await?;
    // A submission caught as spam gets no mail: its address may be anyone's.
    if spam.is_none() {
        mail_status_link(&mut tx, app, &actor, &id, &application.email, &token, now).await?;
    }
    tx.commit().await?;
    // The first mail counts towards the resends' limit.
    let _first_mail = throttle::attempt(app, &[(Kind::StatusLinkMail, id)]).await?;
    Ok(Submitted { token, spam })
}

/// Queues the mail with the applicant's status link, to the address of the
/// application and nowhere else, and logs it. Every mail about an
/// application goes through here.
async fn mail_status_link(
    tx: &mut WriteTx,
    app: &App,
    actor: &Actor,
    id: &str,
    to: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let link = format!("{}/aanmelden/status/{token}", app.config.public_url.trim_end_matches('/'));
    let body = format!(
        "Goedendag,\n\nUw aanmelding bij wijkregie is ontvangen. Met deze link ziet u de status ervan:\n{link}\n\n\
         Bewaar deze e-mail: alleen met deze link kunt u de status bekijken. Op de statuspagina kunt u de link \
         opnieuw laten sturen.\n\nHeeft u zich niet aangemeld? Dan kunt u deze e-mail negeren.\n"
    );
    let mail = crate::mail::Mail::plain(
        wijkregie_core::mail::MailKind::ApplicationStatus,
        to,
        "wijkregie: de status van uw aanmelding",
        &body,
    );
    crate::mail::queue(tx.conn(), app, &mail, now).await?;
    let entry =
        Entry { event: LINK_MAIL_EVENT, action: AuditAction::Create, object_type: "application", object_id: Some(id) };
    record_outcome(
        tx,
        app,
        actor,
        entry,
        Outcome::Success,
        Some("statuslink naar het e-mailadres van de aanmelding".into()),
    )
    .await
}

/// The address a mail went to, as the status page may show it to whoever
/// holds the link: enough to recognise it, not to learn it.
pub fn masked_address(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "het opgegeven adres".to_owned(),
    }
}

/// Sends the status link again, to the address of the application only,
/// at most as often as `core::throttle::Kind::StatusLinkMail` allows. Returns the address,
/// masked, to tell the applicant where it went.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn resend_status_link(app: &App, token: &str, client_addr: Option<String>) -> Result<String> {
    let found = by_token(app, token).await?;
    let now = Utc::now();
    let actor = Actor::new(None, &app.config.instance, client_addr);
    let id = found.id.to_string();
    let entry =
        Entry { event: LINK_MAIL_EVENT, action: AuditAction::Create, object_type: "application", object_id: Some(&id) };
    if let Err(busy) = throttle::attempt(app, &[(Kind::StatusLinkMail, id.clone())]).await {
        return Err(throttle::refuse(app, &actor, entry, "te vaak opnieuw gestuurd in een uur", busy).await);
    }
    let mut tx = app.store.begin().await?;
    if found.spam.is_some() {
        // Kept aside as spam: the page behaves the same, no mail leaves.
        record_outcome(&mut tx, app, &actor, entry, Outcome::Refused, Some("apart gezet als spam: geen mail".into()))
            .await?;
    } else {
        mail_status_link(&mut tx, app, &actor, &id, &found.application.email, token, now).await?;
    }
    tx.commit().await?;
    Ok(masked_address(&found.application.email))
}

/// The application behind a status link, if the token is one.
async fn by_token(app: &App, token: &str) -> Result<StoredApplication> {
    let not_found = || Error::NotFound("aanmelding bij deze link".into());
    if token.len() != 43 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    let mut conn = app.store.conn().await?;
    db::by_token_hash(&mut conn, &sha256_hex(token)).await?.ok_or_else(not_found)
}

/// What the applicant sees by the private link.
pub struct ApplicantView {
    pub submitted_at: DateTime<Utc>,
    pub application: Application,
    pub status: Status,
    /// Where the status link was mailed, masked.
    pub mailed_to: String,
}

/// The application behind a status link; the token is the only key.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn status_by_token(app: &App, token: &str, client_addr: Option<String>) -> Result<ApplicantView> {
    let found = by_token(app, token).await?;
    let actor = Actor::new(None, &app.config.instance, client_addr);
    let id = found.id.to_string();
    let mut tx = app.store.begin().await?;
    record(
        &mut tx,
        app,
        &actor,
        Entry {
            event: "application.status",
            action: AuditAction::Read,
            object_type: "application",
            object_id: Some(&id),
        },
        Ok(Grant { rule: "aanvrager met de eigen statuslink" }),
    )
    .await?;
    tx.commit().await?;
    Ok(ApplicantView {
        submitted_at: found.submitted_at,
        mailed_to: masked_address(&found.application.email),
        application: found.application,
        status: found.status,
    })
}

/// Logs a read of the queue or one application, and hands back the decision.
async fn log_read(ctx: &Ctx, event: &str, id: Option<&str>, action: Action) -> Result<Grant> {
    let entry = Entry { event, action: AuditAction::Read, object_type: "application", object_id: id };
    logged(ctx, entry, authorize(&ctx.principal, action, Object::Applications)).await
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn list(ctx: &Ctx) -> Result<Vec<StoredApplication>> {
    log_read(ctx, "application.list", None, Action::View).await?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::list(&mut conn).await?)
}

pub struct Detail {
    pub application: StoredApplication,
    /// Networks an acceptance could add the practices to.
    pub networks: Vec<(Code, String)>,
    /// Which of the practices the region already knows.
    pub known_practices: Vec<AgbCode>,
    /// What to weigh before accepting (threshold, coordinator hours).
    pub warnings: Vec<String>,
    /// The network this application is about, if the region has it already.
    pub existing: Option<ExistingNetwork>,
}

/// A network that already exists for an application, with its members.
pub struct ExistingNetwork {
    pub code: Code,
    pub name: String,
    /// Why it is taken to be this application's network.
    pub because: &'static str,
    /// Current member practices and partners, by name.
    pub practices: Vec<String>,
    pub partners: Vec<String>,
}

/// The network the application names (by name or by the code made from
/// it), or else one its practices are members of now.
fn existing_network(a: &Application, snapshot: &RegionSnapshot) -> Option<ExistingNetwork> {
    let today = wijkregie_core::clock::nl_today();
    let current = |m: &Membership<Code>| m.from <= today && m.until.is_none_or(|u| u >= today);
    let named = a.network_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).and_then(|name| {
        let slug = wijkregie_core::codes::slug(name);
        snapshot.networks.iter().find(|n| n.name.trim().eq_ignore_ascii_case(name) || n.code.as_str() == slug)
    });
    let (network, because) = match named {
        Some(n) => (n, "zelfde naam"),
        None => {
            let codes: Vec<&Code> = snapshot
                .practices
                .iter()
                .filter(|p| p.agb.as_ref().is_some_and(|agb| a.practices.iter().any(|q| &q.agb == agb)))
                .map(|p| &p.code)
                .collect();
            let n = snapshot
                .networks
                .iter()
                .find(|n| n.practices.iter().any(|m| current(m) && codes.contains(&&m.member)))?;
            (n, "een aangemelde praktijk is er lid van")
        }
    };
    let practice_name =
        |c: &Code| snapshot.practices.iter().find(|p| &p.code == c).map_or_else(|| c.to_string(), |p| p.name.clone());
    let organization_name = |c: &Code| {
        snapshot.organizations.iter().find(|o| &o.code == c).map_or_else(|| c.to_string(), |o| o.name.clone())
    };
    Some(ExistingNetwork {
        code: network.code.clone(),
        name: network.name.clone(),
        because,
        practices: network.practices.iter().filter(|m| current(m)).map(|m| practice_name(&m.member)).collect(),
        partners: network.partners.iter().filter(|m| current(m)).map(|m| organization_name(&m.member)).collect(),
    })
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn detail(ctx: &Ctx, id: i64) -> Result<Detail> {
    let mut conn = ctx.app.store.conn().await?;
    let found = db::get(&mut conn, id).await?;
    drop(conn);
    let id_text = id.to_string();
    log_read(ctx, "application.view", Some(&id_text), Action::View).await?;
    let application = found.ok_or_else(|| Error::NotFound(format!("aanmelding {id}")))?;
    let mut conn = ctx.app.store.conn().await?;
    let snapshot = wijkregie_store::region::snapshot(&mut conn).await?;
    let tariffs = wijkregie_core::finance::Tariffs::new(wijkregie_store::finance::tariffs(&mut conn).await?);
    drop(conn);
    let year = chrono::Datelike::year(&wijkregie_core::clock::nl_date(application.submitted_at));
    let tariff = tariffs.for_year(year).unwrap_or_else(|| wijkregie_core::finance::Tariff::default_for(year));
    Ok(Detail {
        warnings: wijkregie_core::application::review_warnings(&application.application, &tariff),
        existing: existing_network(&application.application, &snapshot),
        known_practices: application
            .application
            .practices
            .iter()
            .filter(|p| snapshot.practices.iter().any(|q| q.agb.as_ref() == Some(&p.agb)))
            .map(|p| p.agb.clone())
            .collect(),
        networks: snapshot.networks.iter().map(|n| (n.code.clone(), n.name.clone())).collect(),
        application,
    })
}

/// The code of the practice with this AGB code: the one the region knows,
/// or, for a new practice, the AGB code itself (as every practice that
/// came with one has).
fn practice_code(agb: &AgbCode, snapshot: &RegionSnapshot) -> Code {
    snapshot
        .practices
        .iter()
        .find(|p| p.agb.as_ref() == Some(agb))
        .map_or_else(|| agb.as_str().parse::<Code>().expect("eight digits make a code"), |p| p.code.clone())
}

/// The regio-beheerder's terms for the network an acceptance makes.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub network_code: Code,
    pub network_name: String,
    pub status: NetworkStatus,
    pub registered_on: NaiveDate,
    /// Option A: the region's coordinator by name.
    pub coordinator_name: Option<String>,
    /// Option B: when the own coordinator starts.
    pub coordinator_start: Option<NaiveDate>,
}

/// Accepts: creates the practices the region does not know yet, creates or
/// updates the network (members from the registration date), and records
/// the decision — all in one transaction, each change with its audit entry.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn accept(ctx: &Ctx, id: i64, terms: Acceptance) -> Result<Code> {
    let id_text = id.to_string();
    let decision = authorize(&ctx.principal, Action::Edit, Object::Applications);
    let entry = Entry {
        event: "application.accept",
        action: AuditAction::Update,
        object_type: "application",
        object_id: Some(&id_text),
    };
    check(ctx, entry, decision).await?;
    let mut conn = ctx.app.store.conn().await?;
    let stored = db::get(&mut conn, id).await?.ok_or_else(|| Error::NotFound(format!("aanmelding {id}")))?;
    let snapshot = wijkregie_store::region::snapshot(&mut conn).await?;
    drop(conn);
    if stored.spam.is_some() {
        return Err(Error::Conflict("deze aanmelding is als spam apart gezet en wordt niet beoordeeld".into()));
    }
    let status = stored.status.clone().transition(Decision::Accept).map_err(|e| Error::Conflict(e.to_string()))?;
    let (network, new_practices) = network_for(&stored, &terms, &snapshot)?;
    let existed = snapshot.networks.iter().any(|n| n.code == network.code);

    let mut tx = ctx.app.store.begin().await?;
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    for p in &new_practices {
        let rule = authorize(&ctx.principal, Action::Create, Object::Practice { practice: &p.code, networks: &[] });
        let e = Entry {
            event: "practice.create",
            action: AuditAction::Create,
            object_type: "practice",
            object_id: Some(p.code.as_str()),
        };
        record(&mut tx, &ctx.app, &ctx.actor, e, rule).await?;
        rule?;
        wijkregie_store::region::save_practice(tx.conn(), p).await?;
    }
    let (event, action, rule) = if existed {
        (
            "network.update",
            AuditAction::Update,
            authorize(&ctx.principal, Action::Edit, Object::NetworkTerms { code: &network.code }),
        )
    } else {
        (
            "network.create",
            AuditAction::Create,
            authorize(&ctx.principal, Action::Create, Object::NetworkTerms { code: &network.code }),
        )
    };
    let e = Entry { event, action, object_type: "network", object_id: Some(network.code.as_str()) };
    record(&mut tx, &ctx.app, &ctx.actor, e, rule).await?;
    rule?;
    wijkregie_store::region::save_network(tx.conn(), &network).await?;
    if !db::decide(tx.conn(), id, Utc::now(), ctx.principal.user_id, &status, Some(&network.code)).await? {
        // Someone decided in the meantime; nothing of this is kept.
        return Err(Error::Conflict("over deze aanmelding is zojuist al beslist".into()));
    }
    tx.commit().await?;
    Ok(network.code)
}

/// The network after acceptance and the practices to create, checked.
fn network_for(
    stored: &StoredApplication,
    terms: &Acceptance,
    snapshot: &RegionSnapshot,
) -> Result<(Network, Vec<Practice>)> {
    let a = &stored.application;
    let mut problems = Vec::new();
    if !matches!(terms.status, NetworkStatus::InOprichting | NetworkStatus::Actief) {
        problems.push(FieldError::new("status", "kies in oprichting of actief"));
    }
    let wijk = a.wijk.as_deref().and_then(|w| {
        snapshot
            .wijken
            .iter()
            .find(|x| x.name.eq_ignore_ascii_case(w.trim()) || x.code.as_str() == w.trim())
            .map(|x| x.code.clone())
    });
    let counted_on = wijkregie_core::clock::nl_date(stored.submitted_at);
    let new_practices: Vec<Practice> = a
        .practices
        .iter()
        .filter(|p| !snapshot.practices.iter().any(|q| q.agb.as_ref() == Some(&p.agb)))
        .map(|p| Practice {
            code: practice_code(&p.agb, snapshot),
            agb: Some(p.agb.clone()),
            contact: PracticeContact::default(),
            name: p.name.clone(),
            address: Address {
                street: p.street.clone(),
                house_number: p.house_number,
                house_number_suffix: p.house_number_suffix.clone(),
                postcode: p.postcode.clone(),
                city: p.city.clone(),
            },
            wijk: wijk.clone(),
            // The applicant's own count, dated the day it was given; the
            // region corrects it with the official ION figures later.
            registered_patients: vec![PatientCount { date: counted_on, count: p.registered_patients }],
        })
        .collect();
    let coordinator = match a.coordinator {
        None => None,
        Some(wijkregie_core::application::CoordinatorChoice::Region) => {
            match terms.coordinator_name.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => {
                    Some(CoordinatorArrangement::ProvidedByRegion { name: name.to_owned() })
                }
                _ => {
                    problems.push(FieldError::new(
                        "coordinator_name",
                        "vul de naam in van de coördinator die de regio levert (optie A)",
                    ));
                    None
                }
            }
        }
        Some(wijkregie_core::application::CoordinatorChoice::Own { hours_per_week }) => {
            Some(CoordinatorArrangement::Own {
                hours_per_week,
                start_date: terms.coordinator_start.unwrap_or(terms.registered_on),
            })
        }
    };
    let members = |existing: &[Membership<Code>]| -> Vec<Membership<Code>> {
        let mut out = existing.to_vec();
        for p in &a.practices {
            let code = practice_code(&p.agb, snapshot);
            if !out.iter().any(|m| m.member == code && m.until.is_none()) {
                out.push(Membership { member: code, from: terms.registered_on, until: None });
            }
        }
        out
    };
    let network = match snapshot.networks.iter().find(|n| n.code == terms.network_code) {
        Some(old) => Network {
            module: a.request.module(),
            status: terms.status,
            registered_on: old.registered_on.or(Some(terms.registered_on)),
            stopped_on: None,
            coordinator: coordinator.or_else(|| old.coordinator.clone()),
            practices: members(&old.practices),
            ..old.clone()
        },
        None => Network {
            code: terms.network_code.clone(),
            name: terms.network_name.trim().to_owned(),
            wijken: wijk.into_iter().collect(),
            module: a.request.module(),
            status: terms.status,
            registered_on: Some(terms.registered_on),
            stopped_on: None,
            coordinator,
            practices: members(&[]),
            partners: vec![],
        },
    };
    if let Some(old) = snapshot.networks.iter().find(|n| n.code == terms.network_code) {
        if old.status == NetworkStatus::Gestopt {
            problems.push(FieldError::new(
                "network_code",
                format!("netwerk {} is gestopt; kies een nieuwe code", old.code),
            ));
        }
    }
    problems.extend(network.problems());
    if problems.is_empty() {
        Ok((network, new_practices))
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Rejects with a reason the applicant will read.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn reject(ctx: &Ctx, id: i64, reason: &str) -> Result<()> {
    let id_text = id.to_string();
    let decision = authorize(&ctx.principal, Action::Edit, Object::Applications);
    let entry = Entry {
        event: "application.reject",
        action: AuditAction::Update,
        object_type: "application",
        object_id: Some(&id_text),
    };
    check(ctx, entry, decision).await?;
    let mut conn = ctx.app.store.conn().await?;
    let stored = db::get(&mut conn, id).await?.ok_or_else(|| Error::NotFound(format!("aanmelding {id}")))?;
    drop(conn);
    let status = stored.status.transition(Decision::Reject { reason: reason.to_owned() }).map_err(|e| match e {
        wijkregie_core::application::RefusedTransition::AlreadyDecided(_) => Error::Conflict(e.to_string()),
        _ => Error::Invalid(vec![FieldError::new("reason", e.to_string())]),
    })?;
    let mut tx = ctx.app.store.begin().await?;
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    if !db::decide(tx.conn(), id, Utc::now(), ctx.principal.user_id, &status, None).await? {
        return Err(Error::Conflict("over deze aanmelding is zojuist al beslist".into()));
    }
    tx.commit().await?;
    Ok(())
}

/// One interested practice as the proposals page shows it.
#[derive(Debug, Clone)]
pub struct Interested {
    pub agb: AgbCode,
    pub name: String,
    pub city: String,
    pub patients: u32,
    pub application: i64,
}

pub struct Proposals {
    pub outcome: forming::Outcome<AgbCode>,
    pub practices: Vec<Interested>,
    /// Interested practices whose postcode has no known centroid.
    pub without_location: Vec<Interested>,
    /// Mean distance between members, per proposal (same order).
    pub mean_pair_km: Vec<f64>,
    pub settings: Settings,
}

impl Proposals {
    pub fn practice(&self, agb: &AgbCode) -> Option<&Interested> {
        self.practices.iter().find(|p| &p.agb == agb)
    }
}

/// Groupings for the practices that registered interest and are not (or no
/// longer) a current member of a network.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn proposals(ctx: &Ctx) -> Result<Proposals> {
    log_read(ctx, "application.proposals", None, Action::View).await?;
    let mut conn = ctx.app.store.conn().await?;
    let pool = db::interested(&mut conn).await?;
    let networks = wijkregie_store::region::networks(&mut conn).await?;
    let today = wijkregie_core::clock::nl_today();
    let practices_known = wijkregie_store::region::practices(&mut conn).await?;
    let in_network = |agb: &AgbCode| {
        let code = practices_known
            .iter()
            .find(|p| p.agb.as_ref() == Some(agb))
            .map_or_else(|| agb.as_str().parse().ok(), |p| Some(p.code.clone()));
        networks.iter().any(|n| n.practices.iter().any(|m| Some(&m.member) == code.as_ref() && m.active_on(today)))
    };
    let mut candidates = Vec::new();
    let mut practices: Vec<Interested> = Vec::new();
    let mut without_location = Vec::new();
    for stored in &pool {
        for p in &stored.application.practices {
            if in_network(&p.agb) || practices.iter().any(|q| q.agb == p.agb) {
                continue;
            }
            let shown = Interested {
                agb: p.agb.clone(),
                name: p.name.clone(),
                city: p.city.clone(),
                patients: p.registered_patients,
                application: stored.id,
            };
            match wijkregie_store::directory::postcode_point(&mut conn, &p.postcode).await? {
                Some(point) => {
                    candidates.push(Candidate {
                        id: p.agb.clone(),
                        patients: p.registered_patients,
                        point,
                        municipality: p.city.clone(),
                        wijk: stored.application.wijk.clone(),
                    });
                    practices.push(shown);
                }
                None => without_location.push(shown),
            }
        }
    }
    drop(conn);
    let settings = Settings::default();
    let outcome = forming::propose(&candidates, settings);
    let point =
        |agb: &AgbCode| candidates.iter().find(|c| &c.id == agb).map(|c| c.point).expect("every member is a candidate");
    let mean_pair_km = outcome.proposals.iter().map(|p| p.mean_pair_km(point)).collect();
    Ok(Proposals { outcome, practices, without_location, mean_pair_km, settings })
}
