// Browser flow for the payment statements (issue 6), as the regio-beheerder
// does it: the quarter page's amounts must agree to the cent with
// `wijkregie finance statements --format json` run on the same data; its
// downloads answer, also from an old bookmark (issue 15); the tariffs form
// refuses bad input in Dutch; approving the quarter freezes it, and the CLI
// then shows the same amounts. Every state is checked like a crawled page,
// axe-core included, with a screenshot.
//
// Called from run.mjs with its helpers, so the checks are the same ones.

import { flowStep } from './flow.mjs';

const QUARTER = '2025Q2';

/** "€ 9.150,40" or "€ -12,00" → cents. */
function cents(text) {
  const m = text.replace(/\s+/g, ' ').match(/€ (-?)([\d.]+),(\d\d)/);
  if (!m) throw new Error(`no amount in "${text}"`);
  return (m[1] ? -1 : 1) * (Number(m[2].replace(/\./g, '')) * 100 + Number(m[3]));
}

/** Per network code: the total in cents as the page's table shows it. */
async function pageTotals(page) {
  return page.$$eval('table tbody tr', (rows) => rows.map((tr) => ({
    href: tr.querySelector('th a')?.getAttribute('href') ?? '',
    total: tr.querySelector('td:last-child')?.textContent ?? '',
  })));
}

function compare(pageRows, cliJson) {
  const problems = [];
  const fromPage = new Map(pageRows.map((r) => [r.href.replace('/netwerken/', ''), cents(r.total)]));
  const fromCli = new Map(cliJson.map((s) => [s.network, s.total_cents]));
  if (fromPage.size === 0) problems.push('the page shows no statements');
  for (const [code, total] of fromCli) {
    if (!fromPage.has(code)) problems.push(`${code} is in the CLI output but not on the page`);
    else if (fromPage.get(code) !== total) problems.push(`${code}: page ${fromPage.get(code)} cents, CLI ${total} cents`);
  }
  for (const code of fromPage.keys()) if (!fromCli.has(code)) problems.push(`${code} is on the page but not in the CLI output`);
  return problems;
}

export async function financieringFlow({ newContext, origin, visit, watch, checkPage, record, ServerDied, timeout, login, account, cli }) {
  const role = account.role;
  const ctx = await newContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(timeout);
  const w = watch(page);
  const step = flowStep({ page, w, checkPage, record, ServerDied, role, label: 'financiering' });
  const statementsJson = () => JSON.parse(cli(['finance', 'statements', '--quarter', QUARTER, '--format', 'json']));

  try {
    const problems = await login(page, w, origin, account);
    if (problems.length) throw new Error(`login: ${problems[0]}`);
    let before = null;
    await step(`${QUARTER} gelijk aan de opdrachtregel`, null, async () => {
      const res = await visit(page, w, `${origin}/financiering/${QUARTER}`);
      before = statementsJson();
      return { res, problems: compare(await pageTotals(page), before) };
    });
    await step(`${QUARTER} downloaden`, null, async () => {
      const res = await visit(page, w, `${origin}/financiering/${QUARTER}`);
      const problems = [];
      const links = await page.$$eval('a[download]', (as) => as.map((a) => a.href));
      if (links.length !== 4) problems.push(`${links.length} download links, expected 4`);
      for (const href of links) {
        if (new URL(href).pathname !== `/financiering/${QUARTER}/downloaden`) problems.push(`download link ${href}`);
        const r = await page.request.get(href, { timeout, maxRedirects: 0 });
        if (r.status() !== 200) problems.push(`${href} answered HTTP ${r.status()}`);
        await r.dispose();
      }
      // A bookmark from before the Dutch page addresses still downloads.
      const old = `${origin}/financiering/${QUARTER}/export?format=csv`;
      const moved = await page.request.get(old, { timeout, maxRedirects: 0 });
      const location = moved.headers().location;
      if (moved.status() !== 301 || location !== `/financiering/${QUARTER}/downloaden?format=csv`) {
        problems.push(`${old} answered HTTP ${moved.status()} → ${location}`);
      }
      await moved.dispose();
      const followed = await page.request.get(old, { timeout });
      if (followed.status() !== 200 || !/^\uFEFF?network,/.test(await followed.text())) {
        problems.push(`${old}, followed, answered HTTP ${followed.status()} without the CSV`);
      }
      await followed.dispose();
      return { res, problems };
    });
    await step('tarief ongeldig', 422, async () => {
      await visit(page, w, `${origin}/financiering/tarieven`);
      await page.fill('#gp_time', '2,245');
      await page.fill('#min_coordinator_hours', 'acht');
      w.errors.length = 0;
      const [res] = await Promise.all([
        page.waitForNavigation({ timeout }),
        page.getByRole('button', { name: 'Opslaan' }).click(),
      ]);
      const problems = [];
      const t = await page.textContent('main');
      if (!t.includes('Controleer de invoer')) problems.push('no Dutch error summary');
      if (!(await page.locator('#gp_time-error').count())) problems.push('the rate error is not next to its field');
      if ((await page.inputValue('#min_coordinator_hours')) !== 'acht') problems.push('the input was not kept');
      return { res, problems };
    });
    await step(`${QUARTER} nog niet aan de beurt`, null, async () => {
      // Quarters are approved in order: the demo's first is 2022Q3.
      const res = await visit(page, w, `${origin}/financiering/${QUARTER}`);
      const problems = [];
      if (!(await page.textContent('main')).includes('stel eerst het 3e kwartaal 2022 vast')) problems.push('no refusal to skip earlier quarters');
      if (await page.getByRole('link', { name: /vaststellen…$/ }).count()) problems.push('an approve link while earlier quarters are open');
      return { res, problems };
    });
    for (const q of ['2022Q3', '2022Q4', '2023Q1', '2023Q2', '2023Q3', '2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1']) {
      cli(['finance', 'approve', '--quarter', q]);
    }
    await step(`${QUARTER} bevestigen`, null, async () => {
      await visit(page, w, `${origin}/financiering/${QUARTER}`);
      w.errors.length = 0;
      const [res] = await Promise.all([
        page.waitForNavigation({ timeout }),
        page.getByRole('link', { name: /vaststellen…$/ }).click(),
      ]);
      const problems = [];
      const text = (await page.textContent('main')).replace(/\s+/g, ' ');
      const networks = before ? before.length : 0;
      if (!text.includes(`${networks} netwerken`)) problems.push(`the confirmation does not name ${networks} networks`);
      const total = before ? before.reduce((sum, s) => sum + s.total_cents, 0) : 0;
      if (cents(text.slice(text.indexOf('samen'))) !== total) problems.push(`the confirmation does not show the total of ${total} cents`);
      return { res, problems };
    });
    await step(`${QUARTER} vastgesteld`, null, async () => {
      w.errors.length = 0;
      const [res] = await Promise.all([
        page.waitForNavigation({ timeout }),
        page.getByRole('button', { name: /vaststellen$/ }).click(),
      ]);
      const problems = [];
      if (!(await page.textContent('main')).includes('Vastgesteld op')) problems.push(`no approval shown (at ${page.url()})`);
      if (await page.getByRole('link', { name: /vaststellen…$/ }).count()) problems.push('the approve link is still there');
      const after = statementsJson();
      if (before && JSON.stringify(after) !== JSON.stringify(before)) problems.push('approving changed the CLI output');
      problems.push(...compare(await pageTotals(page), after));
      return { res, problems };
    });
    await step('overzicht', null, async () => {
      const res = await visit(page, w, `${origin}/financiering`);
      const problems = [];
      if (!(await page.textContent('main')).includes('vastgesteld')) problems.push('the overview does not show the approval');
      return { res, problems };
    });
  } finally {
    await ctx.close();
  }
}
