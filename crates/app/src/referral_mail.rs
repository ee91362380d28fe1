//! Every mail about referrals, in one place: the content-free news for
//! users, the link and the one-time code for an organisation without an
//! account, and the invitation to such an organisation. None carries
//! patient data: not a name, a service or a question.
//!
//! They all go through [`queue`], each with its kind: only the news for
//! users may wait and be bundled (`core::mail`).

use chrono::Utc;
use wijkregie_core::access::Scope;
use wijkregie_core::mail::MailKind;
use wijkregie_core::referral::{Referral, Side};
use wijkregie_store::WriteTx;

use crate::mail::Mail;
use crate::{App, Result};

fn base_url(app: &App) -> &str {
    app.config.public_url.trim_end_matches('/')
}

async fn queue(tx: &mut WriteTx, app: &App, kind: MailKind, to: &str, subject: &str, body: &str) -> Result<()> {
    let mail = Mail::plain(kind, to, &format!("wijkregie: {subject}"), body);
    crate::mail::queue(tx.conn(), app, &mail, Utc::now()).await?;
    Ok(())
}

/// Queues a mail for every active user on `to`'s side; returns how many.
/// The mail says only that there is news.
pub async fn notify_users(tx: &mut WriteTx, app: &App, to: Side, r: &Referral, subject: &str) -> Result<usize> {
    let users = wijkregie_store::account::users(tx.conn()).await?;
    let link = format!("{}/verwijzingen", base_url(app));
    let body = format!(
        "Goedendag,\n\nEr is nieuws over een verwijzing in wijkregie. Log in om het te bekijken:\n{link}\n\n\
         Deze e-mail bevat bewust geen gegevens over de patiënt.\n"
    );
    let mut sent = 0;
    for u in users.iter().filter(|u| u.active) {
        let ours = match (to, &u.scope) {
            (Side::Referrer, Scope::Practice(agb)) => agb == &r.facts.referring_practice,
            (Side::Receiver, Scope::Organization(org)) => org == &r.facts.receiving_organization,
            _ => false,
        };
        if ours {
            queue(tx, app, MailKind::ReferralNews, &u.email, subject, &body).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// The single-use link to a referral, for an organisation without an
/// account. `news` says what happened ("Er is een verwijzing voor u").
pub async fn intake_link(tx: &mut WriteTx, app: &App, to: &str, token: &str, news: &str) -> Result<()> {
    let url = format!("{}/verwijzing-link/{token}", base_url(app));
    let days = wijkregie_core::referral::link::LINK_VALID_DAYS;
    let body = format!(
        "Goedendag,\n\n{news}\n\nU heeft (nog) geen account in wijkregie, de verwijsomgeving van de huisartsen \
         en netwerkpartners in de regio. Open de verwijzing met deze link:\n{url}\n\n\
         De link werkt {days} dagen en één keer: na uw reactie (accepteren, afwijzen of afronden) sturen wij een \
         nieuwe link als er nog iets te doen is. Bij het openen vragen wij een eenmalige code, die wij naar dit \
         adres sturen.\n\n\
         Deze e-mail bevat bewust geen gegevens over de patiënt.\n"
    );
    queue(tx, app, MailKind::ReferralLink, to, "Verwijzing voor uw organisatie", &body).await
}

/// The one-time code that opens a link. It must reach the partner at once:
/// its kind is urgent, so it is never delayed or bundled and wakes the
/// sender.
pub async fn one_time_code(tx: &mut WriteTx, app: &App, to: &str, code: &str) -> Result<()> {
    let minutes = wijkregie_core::referral::link::CODE_VALID_MINUTES;
    let body = format!(
        "Goedendag,\n\nUw eenmalige code voor het openen van de verwijzing in wijkregie is:\n\n    {code}\n\n\
         De code werkt {minutes} minuten. Heeft u geen code gevraagd? Dan kunt u deze e-mail negeren.\n"
    );
    queue(tx, app, MailKind::OneTimeCode, to, "Uw eenmalige code", &body).await
}

/// Tells an organisation without an account that a referral it had a link
/// to was withdrawn; the link no longer works.
pub async fn withdrawn(tx: &mut WriteTx, app: &App, to: &str) -> Result<()> {
    let body = "Goedendag,\n\nDe huisartsenpraktijk heeft een verwijzing aan uw organisatie ingetrokken. De link \
                die u ervoor kreeg, werkt niet meer. U hoeft niets te doen.\n\n\
                Deze e-mail bevat bewust geen gegevens over de patiënt.\n";
    queue(tx, app, MailKind::ReferralLink, to, "Verwijzing ingetrokken", body).await
}

/// Invites an organisation's intake address to the account made for it.
pub async fn invitation(tx: &mut WriteTx, app: &App, to: &str, organization: &str) -> Result<()> {
    let url = format!("{}/wachtwoord-vergeten", base_url(app));
    let body = format!(
        "Goedendag,\n\nDe regio heeft voor {organization} een account in wijkregie gemaakt, zodat u verwijzingen \
         van huisartsen direct ziet en beantwoordt. Uw gebruikersnaam is dit e-mailadres: {to}\n\n\
         Kies eerst een wachtwoord via \"Wachtwoord vergeten\" op de inlogpagina:\n{url}\n\n\
         Daarna logt u in op {}/login.\n",
        base_url(app)
    );
    queue(tx, app, MailKind::Invitation, to, "Uw account voor verwijzingen", &body).await
}
