// Browser flow for the import page (issue 5), as the regio-beheerder does
// it: a Kerncijfers file with one bad value is refused whole with its line
// and nothing changes; the good file is read, its set listed, and the CLI
// then finds nothing to change in the same file (page and CLI share one
// reader). Every state is checked like a crawled page, axe-core included,
// with a screenshot.
//
// Called from run.mjs with its helpers, so the checks are the same ones.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { flowStep } from './flow.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(HERE, '..', 'crates', 'formats', 'tests', 'data', 'population', 'kwb-2024.csv');

export async function populatiedataFlow({ newContext, origin, visit, watch, checkPage, record, ServerDied, timeout, login, account, cli }) {
  const role = account.role;
  const ctx = await newContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(timeout);
  const w = watch(page);
  const step = flowStep({ page, w, checkPage, record, ServerDied, role, label: 'populatiedata' });
  const good = fs.readFileSync(FIXTURE, 'utf8');
  // Line 3 is Groningen's Centrum wijk; its inhabitants become text.
  const bad = good.split('\n').map((line, i) => (i === 2 ? line.replace(',21470,', ',veel,') : line)).join('\n');
  const submit = async (name, body) => {
    await visit(page, w, `${origin}/populatiedata`);
    await page.selectOption('#soort', 'kwb');
    await page.setInputFiles('#bestand', { name, mimeType: 'text/csv', buffer: Buffer.from(body) });
    w.errors.length = 0;
    const [res] = await Promise.all([
      page.waitForNavigation({ timeout }),
      page.getByRole('button', { name: 'Inlezen' }).click(),
    ]);
    return res;
  };
  const listing = async () => page.locator('table', { hasText: 'Per bron, jaar en gebiedsindeling' }).textContent();

  try {
    const problems = await login(page, w, origin, account);
    if (problems.length) throw new Error(`login: ${problems[0]}`);
    await visit(page, w, `${origin}/populatiedata`);
    const before = await listing();
    await step('fout bestand', 422, async () => {
      const res = await submit('kwb-2024.csv', bad);
      const problems = [];
      const t = await page.textContent('main');
      if (!t.includes('er is niets veranderd')) problems.push('no "nothing changed" summary');
      if (!/regel 3\b/.test(t) || !t.includes('veel')) problems.push(`the bad line is not named: ${t.slice(0, 300)}`);
      if ((await listing()) !== before) problems.push('a refused file changed the stored sets');
      return { res, problems };
    });
    await step('ingelezen', 200, async () => {
      const res = await submit('kwb-2024.csv', good);
      const problems = [];
      const status = await page.getByRole('status').textContent();
      if (!status.includes('kwb-2024.csv is ingelezen')) problems.push(`no summary: ${status}`);
      if (!/\d+ nieuw, 0 gewijzigd/.test(status)) problems.push(`the figures were not all new: ${status}`);
      if ((await listing()) === before) problems.push('the new figures are not in the stored sets');
      // The CLI reads the same file the same way: nothing left to change.
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wijkregie-e2e-')), 'kwb-2024.csv');
      fs.writeFileSync(file, good);
      const out = cli(['import', 'kwb', file]);
      if (!out.includes('Niets veranderd')) problems.push(`the CLI changed figures the page had read: ${out}`);
      return { res, problems };
    });
  } finally {
    await ctx.close();
  }
}
