#!/usr/bin/env node
// Browser test for wijkregie.
//
// Starts `$WIJKREGIE_BIN serve --demo` on a free loopback port with a fresh data
// directory, logs in as every demo account in Debian's Chromium (driven by
// playwright-core), crawls the pages each role can reach and checks every page:
// HTTP status, console and page errors (every CSP refusal among them), <html lang="nl">, axe-core (any violation
// fails), the logged-in layout (a <nav> and a logout form), and takes a full-page
// screenshot into e2e/screenshots/<role>/. Also a keyboard check on /login.
//
// Each (role, page) check is one test. The last line is `N passed, N failed`;
// the exit code is 1 on any failure.
//
// Environment:
//   WIJKREGIE_BIN              the wijkregie binary (required)
//   WIJKREGIE_E2E_CHROMIUM     browser executable (default /usr/bin/chromium)
//   WIJKREGIE_E2E_MAX_PAGES    crawl cap per role (default 80)
//   WIJKREGIE_E2E_NO_CRAWL     when set, log in as every role but crawl no
//                              pages: the flows alone, while working on one

import { execFileSync, spawn } from 'node:child_process';
import { createHmac, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOT_DIR = path.join(HERE, 'screenshots');

const NAV_TIMEOUT_MS = 15_000;
const HEALTH_TIMEOUT_MS = 30_000;
const STARTUP_TARGET_MS = 3_000;
const AXE_TIMEOUT_MS = 30_000;
const WATCHDOG_MS = 40 * 60_000;
const MAX_PAGES = Number(process.env.WIJKREGIE_E2E_MAX_PAGES || 80);
const NO_CRAWL = Boolean(process.env.WIJKREGIE_E2E_NO_CRAWL);
const MAX_PER_TEMPLATE = 2;
const CHROMIUM = process.env.WIJKREGIE_E2E_CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'demo-wachtwoord';

const ACCOUNTS = [
  { role: 'regio_beheerder', email: 'beheer@demo.wijkregie.nl', totp: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
  { role: 'wijkmanager', email: 'wijkmanager@demo.wijkregie.nl' },
  { role: 'praktijk', email: 'praktijk@demo.wijkregie.nl', totp: 'KRSXG5CQOJQWW5DJNJVWKZLSMFZWK3TU' },
  { role: 'netwerkpartner', email: 'partner@demo.wijkregie.nl', totp: 'NZSXI53FOJVXAYLSORXGK4TTMVRXEZLU' },
  // A welfare partner offering Welzijn op Recept (issue 17), with its role's secret.
  { role: 'netwerkpartner-welzijn', email: 'welzijn@demo.wijkregie.nl', totp: 'NZSXI53FOJVXAYLSORXGK4TTMVRXEZLU' },
];

// Pages that are visited on purpose and answer with an error status.
const NOT_FOUND_PATH = '/e2e-deze-pagina-bestaat-niet';

// Links the crawler never follows (and, logged in, not the login pages either:
// those are checked on their own).
const SKIP_PATH_PREFIXES = ['/api/', '/fhir/', '/metrics', '/healthz', '/logout', '/static/', '/assets/'];
const SKIP_EXTENSIONS = /\.(json|csv|xlsx|xls|ics|pdf|zip|xml|txt|geojson|png|jpe?g|svg|gif|webp|ico|css|js|map|woff2?)$/i;

// ---------------------------------------------------------------------------
// Results

let passed = 0;
let failed = 0;
const failures = [];

function record(role, name, problems, note = '') {
  if (problems.length === 0) {
    passed++;
    console.log(`ok    ${role} ${name}${note ? `  (${note})` : ''}`);
  } else {
    failed++;
    failures.push({ role, name, problems });
    console.log(`FAIL  ${role} ${name}`);
    for (const p of problems) console.log(`        - ${p.replace(/\n/g, '\n          ')}`);
  }
}

// ---------------------------------------------------------------------------
// TOTP (RFC 6238: HMAC-SHA1, 30 s step, 6 digits)

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[=\s]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`invalid base32 character ${c}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', key).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  const bin = h.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

const totpCounter = (ms = Date.now()) => Math.floor(ms / 1000 / 30);
const totp = (secretBase32, ms = Date.now()) => hotp(base32Decode(secretBase32), totpCounter(ms));

// RFC 6238 appendix B, SHA1, T = 59 s: 94287082 (8 digits).
if (hotp(Buffer.from('12345678901234567890'), totpCounter(59_000), 8) !== '94287082') {
  throw new Error('TOTP self-test failed');
}

// ---------------------------------------------------------------------------
// Helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Path segments that look like identifiers (AGB codes, CBS codes, years,
// quarters, numeric ids, UUIDs, long tokens) are replaced so that pages of one
// template are counted together.
function templateOf(url) {
  const segs = url.pathname.split('/').map((s) => {
    if (s === '') return s;
    const d = decodeURIComponent(s);
    if (/\d/.test(d)) return ':id';
    if (/^[0-9a-f-]{16,}$/i.test(d)) return ':id';
    if (d.length >= 20 && !d.includes('-') && /[a-z]/.test(d) && /[A-Z]/.test(d)) return ':id';
    return s;
  });
  const keys = [...new Set([...url.searchParams.keys()])].sort();
  return segs.join('/') + (keys.length ? `?${keys.join('&')}` : '');
}

function slugify(pathAndQuery) {
  let s = pathAndQuery.replace(/^\/+/, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (s === '') s = 'index';
  if (s.length > 100) {
    s = `${s.slice(0, 90)}-${createHash('sha1').update(pathAndQuery).digest('hex').slice(0, 8)}`;
  }
  return s;
}

// ---------------------------------------------------------------------------
// Server

class Server {
  constructor(bin) {
    this.bin = bin;
    this.log = [];
    this.exited = null;
  }

  async start() {
    this.port = await freePort();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wijkregie-e2e-'));
    this.origin = `http://127.0.0.1:${this.port}`;
    const args = ['serve', '--demo', '--addr', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir];
    console.log(`starting: ${this.bin} ${args.join(' ')}`);
    const t0 = performance.now();
    this.proc = spawn(this.bin, args, {
      // Own process group, so that everything the binary starts is stopped too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.env(),
    });
    const keep = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.log.push(line);
        if (this.log.length > 5000) this.log.shift();
      }
    };
    this.proc.stdout.on('data', keep);
    this.proc.stderr.on('data', keep);
    this.proc.on('error', (e) => { this.exited = `failed to start: ${e.message}`; });
    this.proc.on('exit', (code, signal) => { this.exited ??= `exited with ${signal ?? `code ${code}`}`; });

    while (performance.now() - t0 < HEALTH_TIMEOUT_MS) {
      if (this.exited) throw new Error(`server ${this.exited} before /healthz answered`);
      try {
        const res = await fetch(`${this.origin}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) {
          this.startupMs = performance.now() - t0;
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
  }

  // The test server must never reach a database or address of the caller's.
  env() {
    const env = { ...process.env, RUST_BACKTRACE: '1', WIJKREGIE_DATA_DIR: this.dataDir };
    delete env.WIJKREGIE_DATABASE_URL;
    delete env.WIJKREGIE_ADDR;
    return env;
  }

  tail(n = 60) {
    return this.log.slice(-n).join('\n');
  }

  kill(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try { process.kill(-this.proc.pid, signal); } catch { try { this.proc.kill(signal); } catch { /* gone */ } }
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.stopping = true;
      this.kill('SIGTERM');
      const done = once(this.proc, 'exit');
      const t = await Promise.race([done.then(() => 'exited'), sleep(5000).then(() => 'timeout')]);
      if (t === 'timeout') this.kill('SIGKILL');
    }
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Page checks

const axeSource = fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

async function runAxe(page) {
  const hasAxe = () => page.evaluate(() => typeof window.axe !== 'undefined').catch(() => false);
  if (!(await hasAxe())) {
    // Evaluation through the DevTools protocol is not subject to the page's
    // CSP; a <script> tag would be refused (and the refusal is no page fault).
    await page.evaluate(`${axeSource}\n;void 0`);
  }
  if (!(await hasAxe())) throw new Error('could not inject axe-core into the page');
  return withTimeout(
    page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    }),
    AXE_TIMEOUT_MS,
    'axe.run',
  );
}

function formatViolation(v, url) {
  const lines = [`axe ${v.id} (${v.impact}): ${v.help} — ${url}`];
  for (const n of v.nodes.slice(0, 8)) lines.push(`    at ${n.target}`);
  if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more`);
  return lines.join('\n');
}

// Every refusal by the Content-Security-Policy, as a console error the check
// below counts: Chromium logs most of them itself, the event catches the rest.
const CSP_WATCH = () => document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || 'page'}:${e.lineNumber})`);
});

// One Playwright page per role; console and page errors are collected per visit.
// Synchronous, as the flow modules call it: Playwright sends the init script
// before any later navigation of the page.
function watch(page) {
  page.addInitScript(CSP_WATCH).catch(() => {});
  const w = { errors: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') w.errors.push({ kind: 'console', text: msg.text(), url: msg.location()?.url ?? '' });
  });
  page.on('pageerror', (err) => w.errors.push({ kind: 'pageerror', text: String(err?.stack || err), url: '' }));
  return w;
}

/**
 * Checks the page as it stands. `opts.expectStatus` allows a deliberate error
 * status; `opts.loggedIn` checks for <nav> and the logout form.
 */
async function checkPage(page, w, { role, response, url, expectStatus = null, loggedIn = false, shotName }) {
  const problems = [];
  const status = response ? response.status() : null;
  const finalUrl = new URL(page.url());

  if (expectStatus !== null) {
    if (status !== expectStatus) problems.push(`HTTP status ${status}, expected ${expectStatus}`);
  } else if (status !== null && status >= 400) {
    problems.push(`HTTP status ${status}`);
  }

  const ct = response ? (response.headers()['content-type'] || '') : 'text/html';
  if (!/text\/html|application\/xhtml/.test(ct)) {
    // A file or data behind an ordinary link: only its status counts.
    problems.note = `not a page: ${ct.split(';')[0] || 'no content-type'}`;
    return problems;
  }

  // Let htmx and other scripts that run on load finish their requests.
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});

  const lang = await page.evaluate(() => document.documentElement.getAttribute('lang')).catch(() => null);
  if (!lang || !/^nl(-[A-Za-z]{2})?$/.test(lang)) problems.push(`<html lang> is ${JSON.stringify(lang)}, expected "nl"`);

  if (loggedIn) {
    const layout = await page.evaluate(() => ({
      nav: document.querySelectorAll('nav a[href]').length,
      logout: [...document.querySelectorAll('form')].some(
        (f) => new URL(f.action, location.href).pathname === '/logout' && (f.method || '').toLowerCase() === 'post',
      ),
    })).catch(() => ({ nav: 0, logout: false }));
    if (layout.nav === 0) problems.push('no <nav> with links');
    if (!layout.logout) problems.push('no logout form (POST /logout)');
  }

  // Errors up to here are the page's own; injecting axe-core into a page with a
  // strict Content-Security-Policy logs a refusal that is not the page's fault.
  const pageErrors = [...w.errors];
  try {
    const violations = await runAxe(page);
    for (const v of violations) problems.push(formatViolation(v, finalUrl.href));
  } catch (e) {
    problems.push(`axe-core did not run: ${e.message}`);
  }

  for (const e of pageErrors) {
    // Chromium asks for /favicon.ico by itself, at a moment of its own choosing.
    if (e.kind === 'console' && /\/favicon\.ico(\?|$)/.test(e.url)) continue;
    // The browser logs the main document's own error status as a console
    // error; for a deliberately expected status that line is not a fault.
    if (expectStatus !== null && e.kind === 'console' && /status of \d{3}/.test(e.text) &&
        (e.url === '' || e.url === response?.url() || e.url === finalUrl.href)) continue;
    problems.push(`${e.kind === 'pageerror' ? 'page error' : 'console error'}: ${e.text}${e.url ? ` (${e.url})` : ''}`);
  }

  try {
    const dir = path.join(SHOT_DIR, role);
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${shotName ?? slugify(finalUrl.pathname + finalUrl.search)}.png`), fullPage: true, timeout: NAV_TIMEOUT_MS });
  } catch (e) {
    problems.push(`screenshot failed: ${e.message.split('\n')[0]}`);
  }
  return problems;
}

class ServerDied extends Error {}
class SetupError extends Error {}
let server = null;

function assertServerAlive() {
  if (server?.exited && !server.stopping) {
    throw new ServerDied(`the server ${server.exited} during the test\n--- server output (last lines) ---\n${server.tail() || '(none)'}`);
  }
}

async function visit(page, w, url) {
  assertServerAlive();
  w.errors.length = 0;
  try {
    return await page.goto(url, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
  } catch (e) {
    await sleep(100);
    assertServerAlive();
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Login

async function submitForm(page, fieldSelector) {
  const form = page.locator('form').filter({ has: page.locator(fieldSelector) }).first();
  const button = form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first();
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: NAV_TIMEOUT_MS }),
    button.click({ timeout: NAV_TIMEOUT_MS }),
  ]);
  return response;
}

const lastTotpCounter = new Map();

// The demo gives every account of a role that requires a second factor the
// role's secret (app::demo::totp_secret_for), so an account added to the
// demo later logs in here without naming its secret.
const ROLE_TOTP = Object.fromEntries(ACCOUNTS.filter((a) => a.totp).map((a) => [a.role, a.totp]));

/** Logs in; returns problems (empty when logged in). Records the TOTP page check. */
async function login(page, w, origin, account, { checkTotpPage = false } = {}) {
  const problems = [];
  let res = await visit(page, w, `${origin}/login`);
  if (!res || res.status() >= 400) return [`GET /login answered ${res?.status()}`];
  await page.fill('input[name="email"]', account.email, { timeout: NAV_TIMEOUT_MS });
  await page.fill('input[name="password"]', PASSWORD, { timeout: NAV_TIMEOUT_MS });
  w.errors.length = 0;
  res = await submitForm(page, 'input[name="password"]');

  const secret = account.totp ?? ROLE_TOTP[account.role];
  if (secret) {
    if (new URL(page.url()).pathname !== '/login/totp') {
      return [`after the password, expected /login/totp, got ${page.url()} (HTTP ${res?.status()})`];
    }
    if (checkTotpPage) {
      const p = await checkPage(page, w, { role: account.role, response: res, url: page.url(), shotName: 'login-totp' });
      record(account.role, '/login/totp', p);
    }
    // A code is used once: wait for a fresh time step if this one was used,
    // and avoid the last seconds of a step.
    while (totpCounter() === lastTotpCounter.get(account.email) || (Date.now() / 1000) % 30 > 27) await sleep(250);
    lastTotpCounter.set(account.email, totpCounter());
    await page.fill('input[name="code"]', totp(secret), { timeout: NAV_TIMEOUT_MS });
    w.errors.length = 0;
    res = await submitForm(page, 'input[name="code"]');
  }

  const landed = new URL(page.url());
  if (landed.pathname.startsWith('/login')) {
    problems.push(`still on ${landed.pathname} after logging in (HTTP ${res?.status()})`);
  } else if (res && res.status() >= 400) {
    problems.push(`landing page ${landed.pathname} answered HTTP ${res.status()}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Crawl

async function linksOn(page, origin, loggedIn) {
  const raw = await page.$$eval('a[href]', (as) => as.map((a) => ({
    href: a.href,
    raw: a.getAttribute('href'),
    download: a.hasAttribute('download'),
  }))).catch(() => []);
  const out = [];
  for (const l of raw) {
    if (l.download || !l.raw) continue;
    const r = l.raw.trim();
    if (r.startsWith('#') || /^(mailto|tel|javascript|data):/i.test(r)) continue;
    let u;
    try { u = new URL(l.href); } catch { continue; }
    if (u.origin !== origin) continue;
    u.hash = '';
    if (SKIP_PATH_PREFIXES.some((p) => u.pathname === p.replace(/\/$/, '') || u.pathname.startsWith(p))) continue;
    if (loggedIn && (u.pathname === '/login' || u.pathname.startsWith('/login/'))) continue;
    if (SKIP_EXTENSIONS.test(u.pathname)) continue;
    if (/^(csv|xlsx|json|ics|pdf)$/i.test(u.searchParams.get('format') ?? '')) continue;
    out.push(u);
  }
  return out;
}

async function crawl(page, w, origin, role, { start, loggedIn, relogin }) {
  const queue = start.map((p) => new URL(p, origin));
  const seen = new Set();
  const perTemplate = new Map();
  let visited = 0;

  const admit = (u) => {
    const key = u.pathname + u.search;
    if (seen.has(key)) return false;
    const t = templateOf(u);
    if ((perTemplate.get(t) ?? 0) >= MAX_PER_TEMPLATE) return false;
    seen.add(key);
    perTemplate.set(t, (perTemplate.get(t) ?? 0) + 1);
    return true;
  };
  const pending = [];
  for (const u of queue) if (admit(u)) pending.push(u);

  while (pending.length > 0 && visited < MAX_PAGES) {
    const u = pending.shift();
    const name = u.pathname + u.search;
    visited++;
    let res;
    try {
      res = await visit(page, w, u.href);
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      if (/Download is starting/.test(e.message)) {
        // A file behind an ordinary link: only its status counts.
        const r = await page.request.get(u.href, { timeout: NAV_TIMEOUT_MS, maxRedirects: 5 }).catch(() => null);
        const st = r?.status();
        record(role, name, st !== undefined && st < 400 ? [] : [`download answered HTTP ${st ?? '(no answer)'}`], 'a download, not a page');
        await r?.dispose().catch(() => {});
        continue;
      }
      record(role, name, [`navigation failed: ${e.message.split('\n')[0]}`]);
      continue;
    }
    const finalUrl = new URL(page.url());
    if (loggedIn && finalUrl.pathname.startsWith('/login')) {
      record(role, name, [`redirected to ${finalUrl.pathname}: the session was lost`]);
      const p = await relogin().catch((e) => [e.message]);
      if (p.length) { record(role, 'login again', p); return; }
      continue;
    }
    // A redirect to a page already checked is not checked again.
    const finalKey = finalUrl.pathname + finalUrl.search;
    if (finalKey !== name) {
      if (seen.has(finalKey)) { passed++; console.log(`ok    ${role} ${name}  (redirect to ${finalKey}, already checked)`); continue; }
      seen.add(finalKey);
    }
    const problems = await checkPage(page, w, { role, response: res, url: u.href, loggedIn });
    record(role, name, problems, [finalKey !== name ? `→ ${finalKey}` : '', problems.note ?? ''].filter(Boolean).join(', '));
    if (problems.note) continue;
    for (const l of await linksOn(page, origin, loggedIn)) if (admit(l)) pending.push(l);
  }
  if (pending.length > 0) console.log(`      ${role}: stopped at the cap of ${MAX_PAGES} pages, ${pending.length} links not visited`);
}

// ---------------------------------------------------------------------------
// Keyboard check on /login

async function keyboardCheck(page, w, origin) {
  const problems = [];
  await visit(page, w, `${origin}/login`);
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute('name'),
      href: el.getAttribute('href'),
      text: (el.textContent || '').trim().slice(0, 40),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth) || 0,
      boxShadow: cs.boxShadow,
      visible: r.width > 1 && r.height > 1 && cs.visibility !== 'hidden',
    };
  });
  const describe = (f) => (f ? `<${f.tag}${f.name ? ` name="${f.name}"` : ''}${f.href ? ` href="${f.href}"` : ''}>${f.text ? ` "${f.text}"` : ''}` : 'nothing (body)');
  const indicator = (f) => (f.outlineStyle !== 'none' && f.outlineWidth > 0) || (f.boxShadow && f.boxShadow !== 'none');
  const isEmail = (f) => f && f.tag === 'input' && f.name === 'email';
  const isSkip = (f) => f && f.tag === 'a' && (f.href || '').startsWith('#');

  const steps = [];
  let f = await focused();
  if (!isEmail(f)) {
    await page.keyboard.press('Tab');
    f = await focused();
    steps.push(f);
    if (isSkip(f)) {
      if (!f.visible) problems.push(`the skip link ${describe(f)} is not visible when focused`);
      if (!indicator(f)) problems.push(`the skip link ${describe(f)} has no visible focus indicator (outline ${f.outlineStyle} ${f.outlineWidth}px, box-shadow ${f.boxShadow})`);
      await page.keyboard.press('Tab');
      f = await focused();
      steps.push(f);
    }
  }
  if (!isEmail(f)) {
    problems.push(`Tab from the top of /login focuses ${steps.map(describe).join(', then ')}; expected the email field (after an optional skip link)`);
  } else {
    if (!f.visible) problems.push('the focused email field is not visible');
    if (!indicator(f)) problems.push(`the focused email field has no visible focus indicator (outline-style ${f.outlineStyle}, width ${f.outlineWidth}px, box-shadow ${f.boxShadow})`);
  }
  for (const e of w.errors) problems.push(`${e.kind}: ${e.text}`);
  return problems;
}

// ---------------------------------------------------------------------------
// The closed loop, as people do it: the practice refers from the social map,
// the partner accepts, starts and completes with a message, and the practice
// sees the outcome. Every page on the way is checked like a crawled page.

const PATIENT = 'Berendina Testpersoon';

async function referralFlow(newContext, origin) {
  const byRole = Object.fromEntries(ACCOUNTS.map((a) => [a.role, a]));
  const open = async (role) => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(NAV_TIMEOUT_MS);
    const w = watch(page);
    const problems = await login(page, w, origin, byRole[role]);
    if (problems.length) throw new Error(`login ${role}: ${problems[0]}`);
    return { ctx, page, w };
  };
  const step = async (name, role, { page, w }, action) => {
    try {
      const res = await action();
      record(role, `verwijzen: ${name}`, await checkPage(page, w, {
        role, response: res, url: page.url(), loggedIn: true, shotName: `verwijzen-${slugify(name)}`,
      }));
    } catch (e) {
      if (e instanceof ServerDied) throw e;
      record(role, `verwijzen: ${name}`, [e.message.split('\n')[0]]);
      throw e;
    }
  };
  const submit = async (page, button) => {
    const [res] = await Promise.all([
      page.waitForNavigation({ timeout: NAV_TIMEOUT_MS }),
      page.getByRole('button', { name: button }).first().click(),
    ]);
    return res;
  };

  const practice = await open('praktijk');
  const partner = await open('netwerkpartner');
  try {
    let referralUrl;
    await step('zoeken en verwijzen', 'praktijk', practice, async () => {
      await visit(practice.page, practice.w, `${origin}/aanbod?q=inhalatie&postcode=`);
      await practice.page.getByRole('link', { name: /Inhalatie-instructie/ }).first().click();
      await practice.page.getByRole('link', { name: /Verwijzen naar/ }).click();
      await practice.page.waitForSelector('input[name="naam"]');
      await practice.page.fill('textarea[name="vraag"]', 'Wilt u de inhalator nog eens uitleggen?');
      await practice.page.fill('input[name="naam"]', PATIENT);
      await practice.page.fill('input[name="telefoon"]', '06 1234 5678');
      await practice.page.fill('input[name="geboortejaar"]', '1949');
      await practice.page.fill('input[name="postcode"]', '5821 CD');
      await practice.page.check('input[name="toestemming"]');
      const res = await submit(practice.page, 'Verwijzing versturen');
      referralUrl = practice.page.url().replace(/\?melding=verstuurd$/, '');
      if (!/\/verwijzingen\/[0-9a-f-]{36}$/.test(referralUrl)) throw new Error(`after sending: at ${referralUrl}`);
      if (!(await practice.page.getByText('De verwijzing is verstuurd').count())) throw new Error('no confirmation');
      return res;
    });
    await step('inbox met badge', 'netwerkpartner', partner, async () => {
      const res = await visit(partner.page, partner.w, `${origin}/verwijzingen`);
      if (!(await partner.page.locator('.nav-badge').count())) throw new Error('no news badge in the menu');
      if (!(await partner.page.getByText(PATIENT).count())) throw new Error('the referral is not in the inbox');
      return res;
    });
    await step('openen en accepteren', 'netwerkpartner', partner, async () => {
      await partner.page.getByRole('link', { name: PATIENT }).first().click();
      await partner.page.waitForSelector('text=Accepteren');
      return submit(partner.page, 'Accepteren');
    });
    await step('gestart', 'netwerkpartner', partner, () => submit(partner.page, /^Gestart/));
    await step('afronden met uitkomst', 'netwerkpartner', partner, async () => {
      await partner.page.selectOption('#keuze-complete', 'goal-reached');
      await partner.page.fill('#bericht-complete', 'Mevrouw inhaleert nu goed.');
      return submit(partner.page, 'Afronden');
    });
    await step('uitkomst bij de praktijk', 'praktijk', practice, async () => {
      const res = await visit(practice.page, practice.w, referralUrl);
      const text = await practice.page.textContent('main');
      if (!text.includes('afgerond') || !text.includes('Mevrouw inhaleert nu goed.')) {
        throw new Error('the practice does not see the outcome and the message');
      }
      return res;
    });
    await step('oude bladwijzer', 'praktijk', practice, async () => {
      // A bookmark from before the Dutch page addresses (issue 15) still opens the page.
      const res = await visit(practice.page, practice.w, referralUrl.replace('/verwijzingen/', '/referrals/'));
      if (practice.page.url() !== referralUrl) throw new Error(`the old address led to ${practice.page.url()}`);
      return res;
    });
    await step('inzageoverzicht', 'praktijk', practice, async () => {
      const res = await visit(practice.page, practice.w, `${referralUrl}/inzage`);
      if (!(await practice.page.getByText('opende de verwijzing').count())) {
        throw new Error("the partner's access is not listed");
      }
      return res;
    });
  } catch (e) {
    // A failed step is already recorded; the rest of the flow depends on it.
    if (e instanceof ServerDied) throw e;
  } finally {
    await practice.ctx.close();
    await partner.ctx.close();
  }
}

// ---------------------------------------------------------------------------
// Main

async function main() {
  const bin = process.env.WIJKREGIE_BIN;
  if (!bin) throw new SetupError('WIJKREGIE_BIN is not set: point it at the wijkregie binary');
  if (!fs.existsSync(bin)) throw new SetupError(`WIJKREGIE_BIN=${bin} does not exist`);
  if (!fs.existsSync(CHROMIUM)) throw new SetupError(`no browser at ${CHROMIUM} (apt-get install chromium)`);

  fs.rmSync(SHOT_DIR, { recursive: true, force: true });
  fs.mkdirSync(SHOT_DIR, { recursive: true });

  const { chromium } = await import('playwright-core');
  server = new Server(bin);
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server.stop().catch(() => {});
    try { fs.writeFileSync(path.join(SHOT_DIR, 'server.log'), server.log.join('\n') + '\n'); } catch { /* ignore */ }
  };
  const onSignal = (sig) => {
    console.log(`\ninterrupted (${sig}): stopping the server and the browser`);
    server.kill('SIGKILL');
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => server.kill('SIGKILL'));
  const watchdog = setTimeout(() => {
    console.log(`\nthe browser test took longer than ${WATCHDOG_MS / 60000} minutes: giving up`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    server.kill('SIGKILL');
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  try {
    try {
      await server.start();
    } catch (e) {
      record('server', 'start', [`${e.message}\n--- server output ---\n${server.tail() || '(none)'}`]);
      return;
    }
    const secs = (server.startupMs / 1000).toFixed(2);
    const slow = server.startupMs > STARTUP_TARGET_MS;
    console.log(`server ready: /healthz answered 200 after ${secs} s (target < ${STARTUP_TARGET_MS / 1000} s)${slow ? '  WARNING: slower than the target' : ''}`);
    passed++;
    console.log(`ok    server start  (${secs} s)`);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const newContext = () => browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    // A phone: its width, its meta viewport honoured, touch.
    const newPhoneContext = (viewport) => browser.newContext({ viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    const origin = server.origin;

    // Logged out: the login page, a wrong password, the keyboard check.
    {
      const ctx = await newContext();
      const page = await ctx.newPage();
      page.setDefaultTimeout(NAV_TIMEOUT_MS);
      const w = watch(page);
      if (!NO_CRAWL) await crawl(page, w, origin, 'anoniem', { start: ['/login', '/sociale-kaart', '/sociale-kaart?q=eenzaam&postcode=5961GH'], loggedIn: false });

      try {
        record('anoniem', 'toetsenbord /login', await keyboardCheck(page, w, origin));
      } catch (e) {
        if (e instanceof ServerDied) throw e;
        record('anoniem', 'toetsenbord /login', [e.message.split('\n')[0]]);
      }

      try {
        await visit(page, w, `${origin}/login`);
        await page.fill('input[name="email"]', 'onbekend@demo.wijkregie.nl');
        await page.fill('input[name="password"]', 'fout-wachtwoord');
        w.errors.length = 0;
        const res = await submitForm(page, 'input[name="password"]');
        const status = res?.status() ?? null;
        const problems = [];
        if (status !== null && status >= 500) problems.push(`HTTP status ${status}`);
        const stillForm = await page.locator('input[name="email"]').count();
        if (!stillForm) problems.push(`a wrong password did not show the login form again (at ${page.url()})`);
        problems.push(...await checkPage(page, w, {
          role: 'anoniem', response: res, url: page.url(), shotName: 'login-fout',
          expectStatus: status !== null && status >= 400 && status < 500 ? status : null,
        }));
        record('anoniem', 'POST /login (wrong password)', problems, `HTTP ${status}`);
      } catch (e) {
        if (e instanceof ServerDied) throw e;
        record('anoniem', 'POST /login (wrong password)', [e.message.split('\n')[0]]);
      }

      // An open redirect once: a browser drops the TAB from "/<TAB>/evil.example"
      // and went to //evil.example after logging in. It must stay here.
      try {
        await visit(page, w, `${origin}/login?next=/%09/evil.example`);
        await page.fill('input[name="email"]', 'wijkmanager@demo.wijkregie.nl');
        await page.fill('input[name="password"]', PASSWORD);
        const res = await submitForm(page, 'input[name="password"]');
        const landed = new URL(page.url());
        const problems = [];
        if (landed.origin !== new URL(origin).origin) problems.push(`logging in with next=/%09/evil.example landed on ${page.url()}`);
        if (res && res.status() >= 500) problems.push(`HTTP status ${res.status()}`);
        record('anoniem', 'login with a crafted next', problems);
      } catch (e) {
        if (e instanceof ServerDied) throw e;
        record('anoniem', 'login with a crafted next', [e.message.split('\n')[0]]);
      }
      await ctx.close();
    }

    for (const account of ACCOUNTS) {
      const ctx = await newContext();
      const page = await ctx.newPage();
      page.setDefaultTimeout(NAV_TIMEOUT_MS);
      const w = watch(page);
      let problems;
      try {
        problems = await login(page, w, origin, account, { checkTotpPage: true });
      } catch (e) {
        if (e instanceof ServerDied) throw e;
        problems = [e.message.split('\n')[0]];
      }
      record(account.role, `login ${account.email}`, problems);
      if (problems.length === 0 && !NO_CRAWL) {
        await crawl(page, w, origin, account.role, {
          start: ['/'],
          loggedIn: true,
          relogin: () => login(page, w, origin, account),
        });
        if (account.role === 'regio_beheerder') {
          // A deliberate 404: the error page is a page people see, too.
          try {
            const res = await visit(page, w, `${origin}${NOT_FOUND_PATH}`);
            record(account.role, `${NOT_FOUND_PATH} (404)`, await checkPage(page, w, {
              role: account.role, response: res, url: page.url(), expectStatus: 404, shotName: 'niet-gevonden',
            }));
          } catch (e) {
            if (e instanceof ServerDied) throw e;
            record(account.role, `${NOT_FOUND_PATH} (404)`, [e.message.split('\n')[0]]);
          }
          // A bookmark from before the Dutch sub-paths (issue 15) still opens the form.
          const bookmark = '/wijken/binnenstad/edit';
          try {
            const res = await visit(page, w, `${origin}${bookmark}`);
            const landed = new URL(page.url()).pathname;
            record(account.role, `oude bladwijzer ${bookmark}`, [
              ...(landed === '/wijken/binnenstad/bewerken' ? [] : [`the old address led to ${landed}`]),
              ...await checkPage(page, w, { role: account.role, response: res, url: page.url(), loggedIn: true, shotName: 'oude-bladwijzer-wijk' }),
            ]);
          } catch (e) {
            if (e instanceof ServerDied) throw e;
            record(account.role, `oude bladwijzer ${bookmark}`, [e.message.split('\n')[0]]);
          }
        }
      }
      await ctx.close();
    }

    await referralFlow(newContext, origin);
    await (await import('./verwijzen.mjs')).verwijzenFlow({
      newContext, origin, visit, watch, checkPage, record, ServerDied, timeout: NAV_TIMEOUT_MS, login,
      accounts: ACCOUNTS, dataDir: server.dataDir,
    });
    await (await import('./aanmelding.mjs')).aanmeldingFlow({ newContext, origin, visit, watch, checkPage, record, ServerDied, timeout: NAV_TIMEOUT_MS });
    await (await import('./telefoon.mjs')).telefoonFlow({
      newPhoneContext, origin, visit, watch, checkPage, record, ServerDied, timeout: NAV_TIMEOUT_MS, login,
      account: ACCOUNTS.find((a) => a.role === 'praktijk'),
    });
    // The regio-beheerder's flows, with the real binary on the server's own
    // data, as an operator would run it.
    const adminFlow = {
      newContext, origin, visit, watch, checkPage, record, ServerDied, timeout: NAV_TIMEOUT_MS, login,
      account: ACCOUNTS.find((a) => a.role === 'regio_beheerder'),
      cli: (args) => execFileSync(server.bin, ['--data-dir', server.dataDir, ...args], { env: server.env(), encoding: 'utf8' }),
    };
    await (await import('./financiering.mjs')).financieringFlow(adminFlow);
    await (await import('./populatiedata.mjs')).populatiedataFlow(adminFlow);

    assertServerAlive();
  } catch (e) {
    if (!(e instanceof ServerDied)) throw e;
    record('server', 'still running', [e.message]);
  } finally {
    await cleanup();
    clearTimeout(watchdog);
  }
}

let crashed = false;
try {
  await main();
} catch (e) {
  crashed = true;
  failed++;
  console.log(`FAIL  the browser test itself: ${e instanceof SetupError ? e.message : e.stack || e}`);
  if (server?.log.length) console.log(`--- server output (last lines) ---\n${server.tail()}`);
}

if (failures.length > 0 || crashed) {
  console.log(`\n${failed} failed:`);
  for (const f of failures) {
    const first = f.problems[0].split('\n')[0];
    console.log(`  ${f.role} ${f.name}: ${first.length > 150 ? `${first.slice(0, 150)}…` : first}${f.problems.length > 1 ? ` (+${f.problems.length - 1} more)` : ''}`);
  }
  if (server?.log.length) console.log(`server log: ${path.relative(process.cwd(), path.join(SHOT_DIR, 'server.log'))}; screenshots: ${path.relative(process.cwd(), SHOT_DIR)}/`);
}
console.log(`${passed} passed, ${failed} failed`);
// Exit now: idle keep-alive connections would otherwise hold the process open.
process.exit(failed > 0 ? 1 : 0);
