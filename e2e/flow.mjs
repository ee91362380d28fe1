// What the browser flows share: a step runs its action, checks the page it
// ends on like a crawled page (axe-core, console, status, screenshot) and
// records the outcome under the flow's label; a dead server ends the run.

export function flowStep({ page, w, checkPage, record, ServerDied, role, label }) {
  return async (name, expectStatus, action) => {
    try {
      const { res, problems = [] } = await action();
      problems.push(...await checkPage(page, w, {
        role, response: res, url: page.url(), expectStatus, loggedIn: true, shotName: `${label}-${name.replace(/\W+/g, '-')}`,
      }));
      record(role, `${label}: ${name}`, problems);
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      record(role, `${label}: ${name}`, [e.message.split('\n')[0]]);
    }
  };
}
