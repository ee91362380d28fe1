// Browser story for issue 17, "the referral reaches someone, always": the
// demo practice refers a lonely patient to Welzijn op Recept of Stichting
// Welzijn Kwartierstad, which has no account. Its intake mailbox is the
// server's outbox (read from the demo database with sqlite3, read-only, as a
// mail client would read the mailbox): the organisation opens the link,
// asks and enters the one-time code, accepts, gets a fresh link, and
// completes with a report; the practice sees the outcome. (The referral to
// an organisation with an account, accepted and completed by the demo
// partner, is run.mjs's referralFlow.) Every page is checked like a crawled
// page, axe-core included.
//
// Called from run.mjs with its helpers, so the checks are the same ones.

import { execFileSync } from 'node:child_process';
import path from 'node:path';

const PATIENT = 'Wilhelmina Welzijntest';
const INTAKE = 'intake@welzijn-kwartierstad.example';
const REPORT = 'Drie gesprekken met de welzijnscoach gehad.\nMevrouw gaat nu elke week naar de koffieochtend.';

/// The newest mail to the intake address whose subject contains `subject`.
function newestMail(dataDir, subject) {
  const db = path.join(dataDir, 'wijkregie.sqlite');
  const sql = `SELECT body FROM outbox WHERE recipient = '${INTAKE}' AND subject LIKE '%${subject}%' ORDER BY id DESC LIMIT 1;`;
  const body = execFileSync('sqlite3', ['-readonly', db, sql], { encoding: 'utf8' });
  if (!body.trim()) throw new Error(`no mail "${subject}" to ${INTAKE}`);
  if (body.includes(PATIENT)) throw new Error('the mail to the intake address names the patient');
  return body;
}

const linkIn = (body) => {
  const m = body.match(/https?:\/\/\S+(\/verwijzing-link\/\S+)/);
  if (!m) throw new Error('no link in the mail');
  return m[1];
};
const codeIn = (body) => {
  const m = body.match(/\b(\d{6})\b/);
  if (!m) throw new Error('no code in the mail');
  return m[1];
};

export async function verwijzenFlow({ newContext, origin, visit, watch, checkPage, record, ServerDied, timeout, login, accounts, dataDir }) {
  const open = async (account) => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(timeout);
    const w = watch(page);
    if (account) {
      const problems = await login(page, w, origin, account);
      if (problems.length) throw new Error(`login ${account.role}: ${problems[0]}`);
    }
    return { ctx, page, w };
  };
  const step = async (name, role, { page, w }, action, { loggedIn = true, expectStatus = null } = {}) => {
    try {
      const res = await action();
      record(role, `verwijzen per e-mail: ${name}`, await checkPage(page, w, {
        role, response: res, url: page.url(), loggedIn, expectStatus, shotName: `verwijzen-mail-${name.replace(/\W+/g, '-')}`,
      }));
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      record(role, `verwijzen per e-mail: ${name}`, [e.message.split('\n')[0]]);
      throw e;
    }
  };
  const submit = async (page, button) => {
    const [res] = await Promise.all([
      page.waitForNavigation({ timeout }),
      page.getByRole('button', { name: button }).first().click(),
    ]);
    return res;
  };
  const text = (page) => page.textContent('main');
  const openWithCode = async (browser, link) => {
    await step('link openen', 'intake', browser, async () => {
      const res = await visit(browser.page, browser.w, `${origin}${link}`);
      if ((await text(browser.page)).includes(PATIENT)) throw new Error('the referral shows before the code');
      return res;
    }, { loggedIn: false });
    await step('code aanvragen', 'intake', browser, () => submit(browser.page, 'Stuur mij een code'), { loggedIn: false });
    await step('code invullen', 'intake', browser, async () => {
      await browser.page.fill('#code', codeIn(newestMail(dataDir, 'eenmalige code')));
      const res = await submit(browser.page, 'Verwijzing openen');
      if (!(await text(browser.page)).includes(PATIENT)) throw new Error('the right code does not open the referral');
      return res;
    }, { loggedIn: false });
  };

  const practice = await open(accounts.find((a) => a.role === 'praktijk'));
  const intake = await open(null);
  try {
    let referralUrl;
    await step('formulier zegt hoe het aankomt', 'praktijk', practice, async () => {
      await visit(practice.page, practice.w, `${origin}/aanbod?q=welzijn+op+recept+kwartierstad&postcode=`);
      await practice.page.getByRole('link', { name: /Welzijn op Recept Kwartierstad/ }).first().click();
      const [res] = await Promise.all([
        practice.page.waitForNavigation({ timeout }),
        practice.page.getByRole('link', { name: /Verwijzen naar/ }).click(),
      ]);
      const form = await text(practice.page);
      if (!form.includes('per e-mail') || !form.includes('te laat')) throw new Error('the form does not say how the partner is reached');
      return res;
    });
    await step('verwijzen', 'praktijk', practice, async () => {
      await practice.page.fill('textarea[name="vraag"]', 'Mevrouw is erg alleen sinds haar man overleed.');
      await practice.page.fill('input[name="naam"]', PATIENT);
      await practice.page.fill('input[name="telefoon"]', '06 1234 5678');
      await practice.page.fill('input[name="geboortejaar"]', '1942');
      await practice.page.fill('input[name="postcode"]', '5811 AB');
      await practice.page.check('input[name="toestemming"]');
      const res = await submit(practice.page, 'Verwijzing versturen');
      referralUrl = practice.page.url().replace(/\?.*$/, '');
      const page = await text(practice.page);
      if (!page.includes('De verwijzing is verstuurd')) throw new Error('no confirmation after sending');
      return res;
    });

    await openWithCode(intake, linkIn(newestMail(dataDir, 'Verwijzing voor uw organisatie')));
    await step('accepteren', 'intake', intake, async () => {
      const res = await submit(intake.page, 'Accepteren');
      if (!(await text(intake.page)).includes('nieuwe link')) throw new Error('no word of the fresh link');
      return res;
    }, { loggedIn: false });

    await openWithCode(intake, linkIn(newestMail(dataDir, 'Verwijzing voor uw organisatie')));
    await step('afronden met verslag', 'intake', intake, async () => {
      await intake.page.selectOption('#keuze-complete', 'goal-reached');
      await intake.page.fill('#bericht-complete', REPORT);
      return submit(intake.page, 'Afronden');
    }, { loggedIn: false });

    await step('uitkomst bij de praktijk', 'praktijk', practice, async () => {
      const res = await visit(practice.page, practice.w, referralUrl);
      const page = await text(practice.page);
      if (!page.includes('begeleiding afgerond') || !page.includes('koffieochtend')) {
        throw new Error('the practice does not see the outcome and the report');
      }
      if (!page.includes('via de e-maillink')) throw new Error('the steps are not signed');
      return res;
    });
    await step('wie zag deze verwijzing', 'praktijk', practice, async () => {
      const res = await visit(practice.page, practice.w, `${referralUrl}/inzage`);
      const page = await text(practice.page);
      if (!page.includes('opende de verwijzing') || page.includes('referral.')) throw new Error('not in plain Dutch');
      return res;
    });
  } catch (e) {
    // A failed step is already recorded; the rest of the story depends on it.
    if (e instanceof ServerDied) throw e;
  } finally {
    await practice.ctx.close();
    await intake.ctx.close();
  }
}
