//! Referrals to organisations without an account: a single-use link to the
//! intake address, opened with a one-time code mailed to the same address,
//! then the referral as the partner sees it, with its steps. The one who
//! follows the link acts as [`Principal::intake_link`], so every opening,
//! step and refusal is in the audit log like any other, under its own rule.
//!
//! Nothing here says whether a referral exists to someone without a live
//! link: an unknown, used or expired link all look the same.

use chrono::{Duration, Utc};
use rand::Rng;
use wijkregie_core::access::Principal;
use wijkregie_core::audit::{AuditAction, Outcome};
use wijkregie_core::directory::HsdsId;
use wijkregie_core::referral::link::{
    code_hash, secret_hash, CodeCheck, IntakeLink, LinkState, ACCESS_VALID_MINUTES, CODE_VALID_MINUTES,
    FRESH_LINK_MINUTES, LINK_VALID_DAYS,
};
use wijkregie_core::referral::{Referral, ReferralStatus, Side, Step};
use wijkregie_store::referral_link as db;
use wijkregie_store::WriteTx;

use crate::audit::{record_outcome, Entry};
use crate::referral::Detail;
use crate::{App, Ctx, Error, Result};

/// Reaches the receiving organisation of referral `id` by mail when it has
/// no users: a fresh link while the referral waits for it, word of a
/// withdrawal when it was withdrawn. Called in the transaction of the change.
pub async fn reach_by_mail(tx: &mut WriteTx, app: &App, id: &HsdsId, r: &Referral) -> Result<()> {
    let Some(org) = wijkregie_store::region::organization(tx.conn(), &r.facts.receiving_organization).await? else {
        return Ok(());
    };
    let Some(email) = org.contact.email else { return Ok(()) };
    let now = Utc::now();
    match r.facts.status {
        ReferralStatus::Cancelled => {
            let had_links = !db::for_referral(tx.conn(), id).await?.is_empty();
            db::use_up(tx.conn(), id, now).await?;
            if had_links {
                crate::referral_mail::withdrawn(tx, app, &email).await?;
            }
        }
        status if status.awaiting() == Some(Side::Receiver) => {
            let news = if status == ReferralStatus::Requested {
                "Een huisartsenpraktijk heeft een patiënt naar uw organisatie verwezen."
            } else {
                "Er is nieuws over een verwijzing aan uw organisatie."
            };
            issue(tx, app, id, org.code.as_str(), &email, news).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Replaces the referral's open links by a new one and mails it.
async fn issue(tx: &mut WriteTx, app: &App, id: &HsdsId, organization: &str, email: &str, news: &str) -> Result<()> {
    let now = Utc::now();
    db::use_up(tx.conn(), id, now).await?;
    let token = crate::credentials::random_token(43);
    db::insert(tx.conn(), &secret_hash(&token), id, organization, email, now, now + Duration::days(LINK_VALID_DAYS))
        .await?;
    crate::referral_mail::intake_link(tx, app, email, &token, news).await
}

async fn find(app: &App, token: &str) -> Result<Option<IntakeLink>> {
    let mut conn = app.store.conn().await?;
    Ok(db::by_token_hash(&mut conn, &secret_hash(token)).await?)
}

fn ctx_for(app: &App, link: &IntakeLink, client_addr: Option<String>) -> Ctx {
    Ctx::new(app.clone(), Principal::intake_link(link.organization.clone(), &link.email), client_addr)
}

/// Logs something done with a link that is not yet an access to the
/// referral (asking or entering a code).
async fn log(ctx: &Ctx, link: &IntakeLink, event: &str, outcome: Outcome, rule: &str) -> Result<()> {
    let mut tx = ctx.app.store.begin().await?;
    let entry =
        Entry { event, action: AuditAction::Read, object_type: "referral", object_id: Some(link.referral.as_str()) };
    record_outcome(&mut tx, &ctx.app, &ctx.actor, entry, outcome, Some(rule.to_owned())).await?;
    tx.commit().await?;
    Ok(())
}

/// `in…@welzijn.example`: enough to recognise the address, not to learn it.
fn hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}…@{domain}", local.chars().take(2).collect::<String>()),
        None => "…".into(),
    }
}

/// What following a link shows.
pub enum LinkView {
    /// The code must be entered (first, or again after [`ACCESS_VALID_MINUTES`]).
    NeedsCode {
        /// The intake address, partly hidden.
        address: String,
        /// A live code was sent.
        code_sent: bool,
    },
    /// The referral, opened (and logged) as the partner.
    Open(Box<Detail>),
    /// Unknown, used, expired or locked: a fresh link can be asked.
    Gone,
}

/// Follows a link in the browser session `session`.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn view(app: &App, client_addr: Option<String>, token: &str, session: Option<&str>) -> Result<LinkView> {
    let now = Utc::now();
    let Some(link) = find(app, token).await?.filter(|l| l.state(now) == LinkState::Open) else {
        return Ok(LinkView::Gone);
    };
    if session.is_some_and(|s| link.grants_access(s, now)) {
        let ctx = ctx_for(app, &link, client_addr);
        return Ok(LinkView::Open(Box::new(crate::referral::open(&ctx, &link.referral).await?)));
    }
    let code_sent = link.code_hash.is_some() && link.code_expires_at.is_some_and(|t| now < t);
    Ok(LinkView::NeedsCode { address: hint(&link.email), code_sent })
}

/// Mails a one-time code to the link's intake address; false when the link
/// is not open or a code was sent less than a minute ago.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn send_code(app: &App, client_addr: Option<String>, token: &str) -> Result<bool> {
    let now = Utc::now();
    let Some(link) = find(app, token).await?.filter(|l| l.may_send_code(now)) else { return Ok(false) };
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000u32));
    let ctx = ctx_for(app, &link, client_addr);
    let mut tx = app.store.begin().await?;
    db::set_code(tx.conn(), link.id, &code_hash(token, &code), now, now + Duration::minutes(CODE_VALID_MINUTES))
        .await?;
    crate::referral_mail::one_time_code(&mut tx, app, &link.email, &code).await?;
    tx.commit().await?;
    log(&ctx, &link, "referral.link.code", Outcome::Success, "eenmalige code gestuurd naar het intake-adres").await?;
    Ok(true)
}

/// What entering a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeOutcome {
    /// The session may open the referral now.
    Right,
    Wrong {
        left: i64,
    },
    /// No live code (never sent, expired, tried too often) or no open link.
    NoCode,
}

/// Checks a code typed in browser session `session`; a wrong one counts
/// against the few tries a code has.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn enter_code(
    app: &App,
    client_addr: Option<String>,
    token: &str,
    session: &str,
    code: &str,
) -> Result<CodeOutcome> {
    let now = Utc::now();
    let Some(link) = find(app, token).await? else { return Ok(CodeOutcome::NoCode) };
    let ctx = ctx_for(app, &link, client_addr);
    match link.check_code(token, code, now) {
        CodeCheck::Right => {
            let mut tx = app.store.begin().await?;
            db::grant_access(tx.conn(), link.id, &secret_hash(session), now + Duration::minutes(ACCESS_VALID_MINUTES))
                .await?;
            tx.commit().await?;
            log(&ctx, &link, "referral.link.verify", Outcome::Success, "juiste eenmalige code").await?;
            Ok(CodeOutcome::Right)
        }
        CodeCheck::Wrong { left } => {
            let mut tx = app.store.begin().await?;
            db::code_failed(tx.conn(), link.id).await?;
            tx.commit().await?;
            log(&ctx, &link, "referral.link.verify", Outcome::Refused, "verkeerde eenmalige code").await?;
            Ok(CodeOutcome::Wrong { left })
        }
        CodeCheck::NoCode => Ok(CodeOutcome::NoCode),
    }
}

/// Takes a step with the link, in the session that entered the code. The
/// link is then used up; while the referral still waits for the partner
/// (accepted, started, on hold) a fresh link goes to the intake address for
/// the next step.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn take_step(
    app: &App,
    client_addr: Option<String>,
    token: &str,
    session: &str,
    step: Step,
    message: Option<&str>,
) -> Result<ReferralStatus> {
    let now = Utc::now();
    let Some(link) = find(app, token).await?.filter(|l| l.grants_access(session, now)) else {
        return Err(Error::Conflict(
            "deze link is niet meer geldig of de code is verlopen: open de link opnieuw".into(),
        ));
    };
    let ctx = ctx_for(app, &link, client_addr);
    let status = crate::referral::take_step(&ctx, &link.referral, step, message).await?;
    let mut tx = app.store.begin().await?;
    db::use_up(tx.conn(), &link.referral, Utc::now()).await?;
    if status.awaiting() == Some(Side::Receiver) {
        let news = format!(
            "U heeft een verwijzing bijgewerkt (nu: {}). Met deze nieuwe link zet u de volgende stap, zoals afronden.",
            status.label()
        );
        issue(&mut tx, app, &link.referral, link.organization.as_str(), &link.email, &news).await?;
    }
    tx.commit().await?;
    Ok(status)
}

/// Sends a fresh link for the referral of a used or expired link, to the
/// organisation's intake address and nowhere else, while the referral still
/// waits for it. Says nothing back: an unknown link gets the same answer.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn request_fresh(app: &App, client_addr: Option<String>, token: &str) -> Result<()> {
    let Some(old) = find(app, token).await? else { return Ok(()) };
    let now = Utc::now();
    let mut tx = app.store.begin().await?;
    let recent = db::for_referral(tx.conn(), &old.referral)
        .await?
        .first()
        .is_some_and(|newest| now - newest.created_at < Duration::minutes(FRESH_LINK_MINUTES));
    let stored = wijkregie_store::referral::get(tx.conn(), &app.field_key, &old.referral).await?;
    let org = wijkregie_store::region::organization(tx.conn(), &old.organization).await?;
    let waiting = stored.is_some_and(|s| s.referral.facts.status.awaiting() == Some(Side::Receiver));
    let address = org.and_then(|o| o.contact.email);
    let (true, false, Some(address)) = (waiting, recent, address) else { return Ok(()) };
    issue(&mut tx, app, &old.referral, old.organization.as_str(), &address, "U vroeg een nieuwe link aan.").await?;
    tx.commit().await?;
    let ctx = ctx_for(app, &old, client_addr);
    log(&ctx, &old, "referral.link.fresh", Outcome::Success, "nieuwe link gestuurd naar het intake-adres").await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_is_only_hinted() {
        assert_eq!(super::hint("intake@welzijn.example"), "in…@welzijn.example");
    }
}
