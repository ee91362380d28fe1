// Browser flow for the public registration form (issue 6): what an applicant
// does without logging in. Too fast → refused with a Dutch notice; invalid →
// Dutch errors next to the fields with the input kept; valid → confirmation
// with a private status link that works; the honeypot → silently accepted
// (kept aside by the server). Every state is checked like a crawled page,
// axe-core included (zero violations).
//
// Called from run.mjs with its helpers, so the checks are the same ones.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The server refuses forms sent sooner than 3 seconds after they were shown.
const FILL_WAIT_MS = 3_500;

async function fillValid(page, agb) {
  await page.check('#request-wijkmanagement');
  await page.fill('#contact_name', 'Anna de Vries');
  await page.fill('#email', 'anna@praktijk-e2e.nl');
  await page.fill('#phone', '030 123 45 67');
  await page.fill('#p1_agb', agb);
  await page.fill('#p1_name', 'Huisartsenpraktijk De Proef');
  await page.fill('#p1_street', 'Proeflaan');
  await page.fill('#p1_house_number', '3b');
  await page.fill('#p1_postcode', '5811 ab');
  await page.fill('#p1_city', 'Kwartierstad');
  await page.fill('#p1_patients', '10.250');
  await page.fill('#network_name', 'WSV De Proef');
  await page.check('#coordinator-B');
  await page.fill('#coordinator_hours', '8');
}

export async function aanmeldingFlow({ newContext, origin, visit, watch, checkPage, record, ServerDied, timeout }) {
  const ctx = await newContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(timeout);
  const w = watch(page);
  const send = async () => {
    const [res] = await Promise.all([
      page.waitForNavigation({ timeout }),
      page.getByRole('button', { name: 'Aanmelding versturen' }).click(),
    ]);
    return res;
  };
  const step = async (name, expectStatus, action) => {
    try {
      const res = await action();
      record('anoniem', `aanmelden: ${name}`, await checkPage(page, w, {
        role: 'anoniem', response: res, url: page.url(), expectStatus, shotName: `aanmelden-${name.replace(/\W+/g, '-')}`,
      }));
      return true;
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      record('anoniem', `aanmelden: ${name}`, [e.message.split('\n')[0]]);
      return false;
    }
  };
  const text = () => page.textContent('main');

  try {
    await step('formulier', null, async () => {
      const res = await visit(page, w, `${origin}/aanmelden`);
      if (!(await page.locator('#p1_agb').count())) throw new Error('no practice fields on the form');
      return res;
    });
    await step('te snel', 422, async () => {
      await fillValid(page, '04000001');
      w.errors.length = 0;
      const res = await send();
      if (!(await text()).includes('wel erg snel verstuurd')) throw new Error('no notice that it was sent too fast');
      if ((await page.inputValue('#contact_name')) !== 'Anna de Vries') throw new Error('the input was not kept');
      return res;
    });
    await sleep(FILL_WAIT_MS);
    await step('ongeldig', 422, async () => {
      await page.fill('#p1_agb', '1234');
      await page.fill('#p1_postcode', '12345');
      await page.fill('#email', 'anna@');
      w.errors.length = 0;
      const res = await send();
      const t = await text();
      for (const m of ['precies 8 cijfers', 'geen geldige postcode', 'geen geldig e-mailadres']) {
        if (!t.includes(m)) throw new Error(`no Dutch error '${m}'`);
      }
      if (!(await page.locator('#p1_agb-error').count())) throw new Error('the AGB error is not next to its field');
      if ((await page.inputValue('#p1_postcode')) !== '12345') throw new Error('the wrong input was not kept');
      return res;
    });
    let statusLink = null;
    await step('bevestiging', null, async () => {
      await page.fill('#p1_agb', '04000001');
      await page.fill('#p1_postcode', '5811 AB');
      await page.fill('#email', 'anna@praktijk-e2e.nl');
      w.errors.length = 0;
      const res = await send();
      if (!(await text()).includes('Bedankt voor uw aanmelding')) throw new Error(`no confirmation (at ${page.url()})`);
      statusLink = await page.getAttribute('#status-link', 'href');
      if (!/^\/aanmelden\/status\/[A-Za-z0-9]{43}$/.test(statusLink || '')) throw new Error(`status link ${statusLink}`);
      return res;
    });
    if (statusLink) {
      await step('statuspagina', null, async () => {
        const res = await visit(page, w, `${origin}${statusLink}`);
        if ((await page.textContent('#status')) !== 'ontvangen') throw new Error('the status is not "ontvangen"');
        return res;
      });
    }

    // A robot fills every field, the hidden one too: it is thanked, and
    // nothing reaches the queue (the HTTP tests check the queue).
    const bot = await newContext();
    const botPage = await bot.newPage();
    botPage.setDefaultTimeout(timeout);
    const bw = watch(botPage);
    try {
      await visit(botPage, bw, `${origin}/aanmelden`);
      await sleep(FILL_WAIT_MS);
      await fillValid(botPage, '04000002');
      await botPage.evaluate(() => { document.getElementById('website').value = 'http://spam.example'; });
      const [res] = await Promise.all([
        botPage.waitForNavigation({ timeout }),
        botPage.getByRole('button', { name: 'Aanmelding versturen' }).click(),
      ]);
      const problems = [];
      if (!/\/aanmelden\/status\//.test(botPage.url())) problems.push(`a honeypot submission went to ${botPage.url()}`);
      problems.push(...await checkPage(botPage, bw, { role: 'anoniem', response: res, url: botPage.url(), shotName: 'aanmelden-honeypot' }));
      record('anoniem', 'aanmelden: honeypot', problems);
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      record('anoniem', 'aanmelden: honeypot', [e.message.split('\n')[0]]);
    } finally {
      await bot.close();
    }
  } finally {
    await ctx.close();
  }
}
