// Browser test on a phone (issue 17): at 390×844 the public social map shows
// its first search result above the fold, the filters fold away behind one
// button that works by keyboard, the map view's dots are reachable by Tab,
// and no page scrolls sideways (document.documentElement.scrollWidth <= 390):
// the public map, its results, the map view, the login page, and the lists
// and referral form a demo GP uses. Every page is also checked like a
// crawled page, axe-core included (zero violations).
//
// Called from run.mjs with its helpers, so the checks are the same ones.

const WIDTH = 390;
const HEIGHT = 844;
const ROLE = 'telefoon';

export async function telefoonFlow({ newPhoneContext, origin, visit, watch, checkPage, record, ServerDied, timeout, login, account }) {
  const ctx = await newPhoneContext({ width: WIDTH, height: HEIGHT });
  const page = await ctx.newPage();
  page.setDefaultTimeout(timeout);
  const w = watch(page);

  const sideways = async () => {
    const { scroll, widest } = await page.evaluate(() => {
      const scroll = document.documentElement.scrollWidth;
      // Name what sticks out, so a failure says where to look.
      let widest = '';
      let right = window.innerWidth;
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > right + 0.5) {
          right = r.right;
          widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;
        }
      }
      return { scroll, widest };
    });
    return scroll <= WIDTH ? [] : [`scrolls sideways: scrollWidth ${scroll} > ${WIDTH} (widest: ${widest || 'unknown'})`];
  };

  // Visits a page, checks it like a crawled page and for sideways scrolling,
  // then runs `extra` for the page's own checks.
  const step = async (name, path, { loggedIn = false, extra = async () => [] } = {}) => {
    try {
      const res = await visit(page, w, `${origin}${path}`);
      const problems = [...await sideways(), ...await extra()];
      problems.push(...await checkPage(page, w, {
        role: ROLE, response: res, url: page.url(), loggedIn, shotName: name.replace(/\W+/g, '-'),
      }));
      record(ROLE, `${name} (${WIDTH}×${HEIGHT})`, problems);
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      record(ROLE, `${name} (${WIDTH}×${HEIGHT})`, [e.message.split('\n')[0]]);
    }
  };

  const search = '/sociale-kaart?q=eenzaam&postcode=5961';
  try {
    await step('openbare kaart', '/sociale-kaart');
    await step('zoekresultaten', search, {
      extra: async () => {
        const problems = [];
        const first = await page.locator('ol.results > li.result h3').first().boundingBox();
        if (!first) problems.push('no search result');
        else console.log(`        the first result's heading ends ${Math.round(first.y + first.height)} px down (fold at ${HEIGHT} px)`);
        if (first && first.y + first.height > HEIGHT) {
          problems.push(`the first result's heading ends ${Math.round(first.y + first.height)} px down, below the fold (${HEIGHT} px)`);
        }
        // The filters are folded, and open with the keyboard.
        const details = page.locator('details.filters');
        if (await details.evaluate((d) => d.open)) problems.push('the filters are open on a fresh search');
        await page.locator('details.filters > summary').focus();
        await page.keyboard.press('Enter');
        if (!await details.evaluate((d) => d.open)) problems.push('Enter on "Filters" did not open the filters');
        if (!await page.locator('#hulpvraag').isVisible()) problems.push('the filters are not shown once opened');
        problems.push(...(await sideways()).map((p) => `with the filters open: ${p}`));
        await page.keyboard.press('Enter');
        return problems;
      },
    });
    await step('resultaten op de kaart', `${search}&straal=5&weergave=kaart`, {
      extra: async () => {
        const problems = [];
        const dots = await page.locator('svg.place-map a[href]').count();
        if (dots === 0) problems.push('no dots on the map');
        const box = await page.locator('svg.place-map').boundingBox();
        if (box && box.width > WIDTH) problems.push(`the map is ${Math.round(box.width)} px wide`);
        // Tab reaches a dot, and it has a name.
        let reached = null;
        await page.locator('main').focus();
        for (let i = 0; i < 80 && !reached; i++) {
          await page.keyboard.press('Tab');
          reached = await page.evaluate(() => {
            const a = document.activeElement;
            return a && a.closest && a.closest('svg.place-map') ? (a.getAttribute('aria-label') || '(no name)') : null;
          });
        }
        if (!reached) problems.push('Tab never reached a dot on the map');
        else if (reached === '(no name)') problems.push('a dot on the map has no accessible name');
        return problems;
      },
    });
    await step('inloggen', '/login', {
      extra: async () => (await page.locator('main a[href="/sociale-kaart"]').count()) ? [] : ['the login page does not link to the public map'],
    });

    let problems;
    try {
      problems = await login(page, w, origin, account);
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      problems = [e.message.split('\n')[0]];
    }
    record(ROLE, `login ${account.email} (${WIDTH}×${HEIGHT})`, problems);
    if (problems.length === 0) {
      for (const [name, path] of [
        ['overzicht', '/'],
        ['sociale kaart', '/aanbod?q=eenzaam'],
        ['sociale kaart op de kaart', '/aanbod?q=eenzaam&weergave=kaart'],
        ['verwijzingen', '/verwijzingen'],
        ['netwerken', '/netwerken'],
        ['praktijken', '/praktijken'],
        ['organisaties', '/organisaties'],
        ['wijken', '/wijken'],
      ]) {
        await step(`praktijk: ${name}`, path, { loggedIn: true });
      }
      // The referral form, reached as a GP does: from a service's page.
      await visit(page, w, `${origin}/aanbod?q=eenzaam`);
      const hrefs = await page.locator('ol.results a[href^="/aanbod/voorzieningen/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      let form = null;
      for (const href of hrefs.slice(0, 8)) {
        await visit(page, w, `${origin}${href}`);
        const refer = page.locator('a[href^="/verwijzingen/nieuw"]').first();
        if (await refer.count()) { form = await refer.getAttribute('href'); break; }
      }
      if (form) await step('praktijk: verwijsformulier', form, { loggedIn: true });
      else record(ROLE, `praktijk: verwijsformulier (${WIDTH}×${HEIGHT})`, ['no service to refer to among the first results']);
    }
  } finally {
    await ctx.close();
  }
}
